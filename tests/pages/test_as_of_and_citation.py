"""Cite this record, on every record's page and on each revision: the permalink of the revision cited (the
current one on the record's page, that revision on a revision's page), the access date, the suggested citation
in plain text, BibTeX and CSL-JSON; and the as-of picker, /<type>/<slug>/revisions/?as_of=YYYY-MM-DD, which
redirects to the revision in force at the end of that day (UTC), says the record did not exist publicly then
(404), or names the bad date (400)."""

import datetime
import html
import json
import re

import pytest
from django.utils import timezone

from registry.interchange import by_name
from tests.builders import make_agreement, make_source
from tests.pages.history_data import backdated_deal, edited_deal, revision_ids
from tests.pages.notice_data import MAKERS
from tests.pages.test_revision_pages import text_of
from tests.pages.test_revisions_list import rename

pytestmark = pytest.mark.django_db

STATED = datetime.date(2026, 3, 1)  # when the backdated agreement was first published


def cite_box(page):
    return re.search(r'<section class="cite-record".*?</section>', page, re.S).group(0)


def pre(box, kind):
    return html.unescape(re.search(rf'<pre class="citation-{kind}">(.*?)</pre>', box, re.S).group(1))


def parse_bibtex(text):
    """(entry type, key, {field: value}) of one BibTeX entry, braces balanced, or an AssertionError."""
    match = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\n\}", text, re.S)
    assert match, text
    kind, key, body = match.groups()
    fields, position = {}, 0
    while position < len(body):
        name = re.compile(r"\s*(\w+) = ").match(body, position)
        assert name, body[position:]
        position = name.end()
        if body[position] == "{":
            depth, start = 0, position
            while True:
                char = body[position]
                if char == "\\":
                    position += 2
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                position += 1
                if depth == 0:
                    break
            value = body[start + 1:position - 1]
        else:
            bare = re.compile(r"[\w]+").match(body, position)
            value, position = bare.group(0), bare.end()
        fields[name.group(1)] = value
        position = body.find(",\n", position) + 2 if body.find(",\n", position) != -1 else len(body)
    return kind, key, fields


def test_the_record_page_cites_its_current_revision(client):
    history = edited_deal()
    latest = history.ids[-1]

    box = cite_box(client.get(history.deal.get_absolute_url()).content.decode())
    permalink = f"http://testserver{history.base}/revisions/{latest}/"
    today = timezone.now().date()
    day = f"{today.day} {today:%B %Y}"

    assert f'<a href="{permalink}">{permalink}</a>' in box
    assert "(revision 3," in box and "the current one" in box
    assert f'<time datetime="{today.isoformat()}">{day}</time>' in box
    assert html.unescape(text_of(re.search(r'<dd class="citation-text">(.*?)</dd>', box, re.S).group(1))) == (
        f"AI Defense Agreements Registry, “Maven Smart System (renamed)”, revision 3 ({day}), {permalink}, "
        f"accessed {day}.")


def test_the_bibtex_and_the_csl_json_parse_and_say_the_same(client):
    deal = make_agreement(title='Deal {50%} & "more" $ #1 <b>')

    box = cite_box(client.get(deal.get_absolute_url()).content.decode())
    kind, key, fields = parse_bibtex(pre(box, "bibtex"))
    (item,) = json.loads(pre(box, "csl"))

    assert kind == "misc" and key == f"adr:agreement:{deal.slug}:r1"
    assert fields["title"] == r'{Deal \{50\%\} \& "more" \$ \#1 <b>}'
    assert fields["author"] == "{AI Defense Agreements Registry}"
    assert fields["url"] == item["URL"] == f"http://testserver/agreements/{deal.slug}/revisions/{revision_ids(deal)[0]}/"
    assert fields["urldate"] == timezone.now().date().isoformat() and fields["version"] == "1"
    assert item["title"] == 'Deal {50%} & "more" $ #1 <b>' and item["type"] == "webpage"
    assert item["version"] == "1" and item["accessed"]["date-parts"][0][0] == timezone.now().year
    assert "<b>" not in box  # escaped in the page


def test_a_revision_page_cites_that_revision(client):
    history = edited_deal()
    first = history.ids[0]

    box = cite_box(client.get(f"{history.base}/revisions/{first}/").content.decode())

    assert f"http://testserver{history.base}/revisions/{first}/" in pre(box, "bibtex")
    assert "“Maven Smart System”, revision 1 (" in html.unescape(box) and "the current one" not in box
    assert json.loads(pre(box, "csl"))[0]["version"] == "1"


@pytest.mark.parametrize("record_type", MAKERS)
def test_every_record_page_has_the_citation_and_the_picker(client, record_type):
    record = MAKERS[record_type]()
    path = by_name(record_type).path

    box = cite_box(client.get(f"/{path}/{record.slug}/").content.decode())

    assert '<h2 id="cite-heading">Cite this record</h2>' in box
    assert f'<form class="as-of-picker" method="get" action="/{path}/{record.slug}/revisions/">' in box
    assert '<label for="as-of-date">' in box and '<input id="as-of-date" type="date" name="as_of"' in box


def test_the_picker_goes_to_the_revision_in_force_at_the_end_of_that_day(client):
    history = backdated_deal(STATED)
    base = f"{history.base}/revisions/"
    first, latest = history.ids[0], history.ids[-1]

    between = client.get(base, {"as_of": "2026-03-15"})
    same_day = client.get(base, {"as_of": STATED.isoformat()})
    today = client.get(base, {"as_of": timezone.now().date().isoformat()})

    assert between.status_code == 302 and between["Location"] == f"{base}{first}/"
    assert same_day["Location"] == f"{base}{first}/"
    assert today.status_code == 302 and today["Location"] == f"{base}{latest}/"
    assert "Maven Smart System" in client.get(between["Location"]).content.decode()


def test_the_picker_says_when_the_record_did_not_exist_publicly(client):
    history = backdated_deal(STATED)

    response = client.get(f"{history.base}/revisions/", {"as_of": "2026-02-28"})

    assert response.status_code == 404
    assert "The record did not exist publicly on 28 February 2026" in response.content.decode()


@pytest.mark.parametrize("value", ["", "yesterday", "2026-02-30", "2026-13-01", "0999-01-01", "9999-12-31"])
def test_a_bad_date_is_a_400_form_error(client, value):
    deal = make_agreement()

    response = client.get(f"/agreements/{deal.slug}/revisions/", {"as_of": value})
    page = response.content.decode()

    assert response.status_code == 400
    assert "<strong>as_of</strong>:" in page and 'aria-invalid="true"' in page


def test_without_a_date_the_picker_goes_to_the_history(client):
    source = make_source()

    response = client.get(f"/sources/{source.slug}/revisions/")

    assert response.status_code == 302 and response["Location"] == f"/sources/{source.slug}/history/"


def test_a_record_changed_today_is_at_its_latest_revision_today(client):
    deal = make_agreement(title="Before")
    rename(deal, "After", reason="renamed")

    response = client.get(f"/agreements/{deal.slug}/revisions/", {"as_of": timezone.now().date().isoformat()})

    assert response["Location"].endswith(f"/revisions/{revision_ids(deal)[-1]}/")
