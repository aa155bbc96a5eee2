"""A list's CSV is named for what it holds (type, filters, day), and each Atom feed has a readable HTML
preview beside it (registry/views/feed_preview.py) while the feed itself stays plain Atom."""

import datetime
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.utils import timezone

from registry.exports import FILENAME_LIMIT, csv_filename
from registry.interchange import record_types
from tests.builders import make_agreement, make_vendor
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)
ATOM = "{http://www.w3.org/2005/Atom}"


# --- CSV file names -----------------------------------------------------------------------------

def test_a_file_name_says_the_type_the_filters_and_the_day():
    name = csv_filename("agreements", [("vendor", ["anthropic"]), ("status", ["active"])], DAY)

    assert name == "agreements-vendor-anthropic-status-active-2026-12-06.csv"


def test_a_file_name_holds_only_safe_characters():
    name = csv_filename("testing_disclosures", [("q", ['"../../etc/passwd" <script>; rm -rf']),
                                                ("term_category", ["domestic_surveillance"]), ("vendor", ["Ünïcode"])],
                        DAY)

    assert re.fullmatch(r"[a-z0-9-]+\.csv", name)
    assert name == ("testing-disclosures-q-etcpasswd-script-rm-rf-term-category-domestic-surveillance-vendor-unicode-"
                    "2026-12-06.csv")


def test_a_long_file_name_is_cut_and_keeps_its_type_and_day():
    name = csv_filename("agreements", [("vendor", [f"vendor-number-{n}" for n in range(40)])], DAY)

    assert len(name) <= FILENAME_LIMIT + len(".csv")
    assert name.startswith("agreements-vendor-vendor-number-0-") and name.endswith("-etc-2026-12-06.csv")


def test_an_unfiltered_list_is_named_by_its_type_and_day():
    assert csv_filename("addendum_markers", [], DAY) == "addendum-markers-2026-12-06.csv"


def disposition(response):
    return re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"]).group(1)


def test_the_page_csv_is_named_for_its_filters_in_the_form_order(client):
    make_vendor(slug="anthropic"), make_vendor(slug="openai")
    today = timezone.localdate().isoformat()

    response = client.get("/agreements/csv/?status=active&vendor__in=anthropic,openai&ordering=title&page_size=3"
                          "&cursor=x&utm_source=mail&q=&announced_after=2025-07")

    assert disposition(response) == (f"agreements-vendor-anthropic-openai-status-active-announced-after-2025-07-"
                                     f"{today}.csv")


@pytest.mark.parametrize("path", [t.path for t in record_types()])
def test_every_list_csv_is_named_for_its_type(client, path):
    assert disposition(client.get(f"/{path}/csv/?confidence=high")) == \
        f"{path}-confidence-high-{timezone.localdate().isoformat()}.csv"


# --- feed previews -------------------------------------------------------------------------------

def entry_titles(feed_xml):
    return [entry.find(f"{ATOM}title").text for entry in ET.fromstring(feed_xml).iter(f"{ATOM}entry")]


def preview_titles(html):
    return [unescape(title) for title in re.findall(r'<li><h3><a href="[^"]*">(.*?)</a></h3>', html, re.S)]


def test_each_list_links_its_feed_and_the_feed_preview_with_the_same_query(client):
    make_agreement(status="active")

    html = client.get("/agreements/?status=active").content.decode()

    assert '<a href="feed/?status=active">Follow changes to this list (Atom)</a>' in html
    assert '(<a href="feed/preview/?status=active">what the feed holds</a>)' in html


def test_the_preview_shows_the_feeds_entries_for_the_same_filters(client):
    vendor = make_vendor(slug="anthropic")
    make_agreement(title="With the vendor", vendors=[vendor])
    make_agreement(title="Without it")

    feed = client.get("/agreements/feed/?vendor=anthropic")
    preview = client.get("/agreements/feed/preview/?vendor=anthropic").content.decode()

    assert preview_titles(preview) == entry_titles(feed.content)
    assert "With the vendor — added" in preview_titles(preview) and "Without it" not in preview
    assert "http://testserver/agreements/feed/?vendor=anthropic" in preview
    assert "Subscribe" in preview and "feed reader" in preview
    assert '<link rel="alternate" type="application/atom+xml"' in preview


def test_the_feed_itself_stays_plain_atom(client):
    make_agreement()

    response = client.get("/agreements/feed/")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"xml-stylesheet" not in response.content


def test_the_preview_escapes_what_the_records_say(client):
    make_agreement(title='<script>alert("x")</script> & <img src=x onerror=alert(1)>')

    html = client.get("/agreements/feed/preview/").content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("path", ["/changes/feed/preview/", "/agreements/new/feed/preview/",
                                  "/corrections/feed/preview/", *[f"/{t.path}/feed/preview/" for t in record_types()]])
def test_every_feed_has_a_preview(client, path):
    make_agreement()

    response = client.get(path)

    assert response.status_code == 200 and "The feed's address:" in response.content.decode()


def test_a_record_feed_has_a_preview(client):
    vendor = make_vendor(slug="anthropic", name="Anthropic")
    make_agreement(title="Claude deal", vendors=[vendor])

    html = client.get("/vendors/anthropic/feed/preview/").content.decode()

    assert "Claude deal — added" in html and "http://testserver/vendors/anthropic/feed/" in html


def test_a_preview_of_a_bad_query_names_the_field(client):
    response = client.get("/agreements/feed/preview/?status=nonsense")

    assert response.status_code == 400
    assert "<strong>status</strong>" in response.content.decode()


@pytest.mark.parametrize("path", ["/about/feed/preview/", "/agreements/nobody/feed/preview/",
                                  "/vendors/nobody/feed/preview/", "/feed/preview/"])
def test_a_preview_of_no_feed_is_not_found(client, path):
    assert client.get(path).status_code == 404


@two_world_sizes
def test_the_preview_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows):
    for _ in range(rows):
        make_agreement()
    client.get("/agreements/feed/preview/")
    # changes matching the list · the agreements they name · latest change (footer)
    with django_assert_num_queries(3):
        client.get("/agreements/feed/preview/")
