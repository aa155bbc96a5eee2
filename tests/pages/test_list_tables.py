"""List tables that read on a phone and at 1280 px: every cell carries its column's header (data-label, so
that stacked rows stay labelled); the terms list shows each term's text, quoted only when verbatim; link
labels do not repeat the parent's title beside or under it."""

import re
from html import unescape

import pytest

from registry.interchange import record_types
from tests.builders import (
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db

LONG_TITLE = "Frontier AI prototypes for national security (Anthropic)"


def one_of_each():
    agency, vendor = make_agency(), make_vendor()
    agreement = make_agreement(vendors=[vendor], awarding_agency=agency)
    make_term(agreement=agreement), make_marker(agreement=agreement)
    make_designation(vendor=vendor, issuing_agency=agency)
    make_testing_disclosure(agency=agency, vendors=[vendor])
    make_event(), make_source()


def table(html):
    """(column headers, [[(cell tag, data-label) for each cell] for each row]) of the page's records table."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    headers = [unescape(re.sub(r"<[^>]+>", "", text)) for text in re.findall(r'<th scope="col">(.*?)</th>', head)]
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    rows = [[(tag, unescape(label) if label else None)
             for tag, label in re.findall(r'<(th scope="row"|td)(?: data-label="([^"]*)")?', row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return headers, rows


@pytest.mark.parametrize("path", [t.path for t in record_types()])
def test_every_cell_is_labelled_by_its_column_header(client, path):
    one_of_each()

    headers, rows = table(client.get(f"/{path}/").content.decode())

    assert rows
    for row in rows:
        assert len(row) == len(headers)
        labels = [label for tag, label in row if tag == "td"]
        expected = [header for header, (tag, _) in zip(headers, row, strict=True) if tag == "td"]
        assert labels == expected


def test_the_terms_list_shows_each_terms_text_quoted_only_when_verbatim(client):
    agreement = make_agreement(title=LONG_TITLE)
    make_term(agreement=agreement, text_form="verbatim", text="Shall not be used for mass surveillance.")
    make_term(agreement=agreement, category="autonomous_weapons", text_form="paraphrase",
              text="The vendor asked for a limit on autonomous weapons " + "and more words " * 30)

    html = client.get("/terms/").content.decode()

    assert "“Shall not be used for mass surveillance.” <span class=\"muted\">(verbatim" in html
    paraphrase = re.search(r"In the registry's words:</span> (The vendor asked[^<]*)</span>", html).group(1)
    assert paraphrase.endswith(" …") and len(paraphrase.split()) <= 41
    assert "“The vendor asked" not in html


def test_a_term_row_links_the_term_without_repeating_its_agreement(client):
    agreement = make_agreement(title=LONG_TITLE)
    term = make_term(agreement=agreement, title=f"Domestic surveillance restriction (reported) — {LONG_TITLE}")
    bare = make_term(agreement=agreement, title=LONG_TITLE, category="autonomous_weapons", effect="restricts")

    html = client.get("/terms/").content.decode()

    assert f'<a href="{term.get_absolute_url()}">Domestic surveillance restriction (reported)</a>' in html
    assert f'<a href="{bare.get_absolute_url()}">Autonomous weapons — restricts</a>' in html
    # the agreement is named once per row: in its own column
    assert re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1).count(LONG_TITLE) == 2


def test_a_marker_row_and_the_agreement_page_do_not_repeat_the_agreement(client):
    agreement = make_agreement(title=LONG_TITLE)
    marker = make_marker(agreement=agreement, title=f"Undisclosed scope — {LONG_TITLE}")
    term = make_term(agreement=agreement, title=f"Domestic surveillance restriction — {LONG_TITLE}")

    markers = client.get("/addendum-markers/").content.decode()
    page = client.get(agreement.get_absolute_url()).content.decode()

    assert f'<a href="{marker.get_absolute_url()}">Undisclosed scope</a>' in markers
    assert f'<a href="{marker.get_absolute_url()}">Undisclosed scope</a>' in page
    assert "<strong>Prohibits</strong>: Domestic surveillance restriction</a>" in page
    assert f'href="{term.get_absolute_url()}"><strong>Prohibits</strong>: Domestic surveillance restriction —' not in page


def test_a_policy_on_its_agency_page_does_not_repeat_the_agency(client):
    agency = make_agency(name="Department of Examples", acronym="DOE")
    make_term(agency=agency, title="Procurement prohibition (statutory as reported) — DOE")

    page = client.get(agency.get_absolute_url()).content.decode()

    assert "<strong>Prohibits</strong>: Procurement prohibition (statutory as reported)</a>" in page


def test_a_title_without_its_parent_is_left_whole(client):
    agreement = make_agreement(title=LONG_TITLE)
    make_term(agreement=agreement, title="Surveillance clause — as reported by two outlets")

    assert ">Surveillance clause — as reported by two outlets</a>" in client.get("/terms/").content.decode()
