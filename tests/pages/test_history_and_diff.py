"""/<type>/<slug>/history/: every public revision, newest first (paginated), with when, what, why and credit,
each linking its permalink and its diff with the revision before, and a form to compare any two;
/<type>/<slug>/history/diff/?from=<change id>&to=<change id>: the two revisions field by field, parts included
(citations, parties, amounts, terms added, removed or changed); a bad or foreign id is a 400 naming its field.
The record page's Revisions list links each revision's page, its diff and the full history."""

import re

import pytest

from registry.interchange import by_name
from registry.loader import load_records
from registry.services import retract
from registry.write_serializers import to_interchange
from tests.builders import builder_user, make_agreement
from tests.pages.history_data import change_term, edited_deal, revision_ids
from tests.pages.notice_data import MAKERS
from tests.pages.test_page_fuzz import check_html, failures_of, queries
from tests.pages.test_revision_pages import text_of
from tests.pages.test_revisions_list import rename, revisions_of
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def rows_of(page):
    return re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S)


def diff_rows(page):
    """{field name: its rows' text} of a diff table (one row group per field)."""
    return {name: text_of(body) for name, body in
            re.findall(r'<tbody class="diff-(?:field|part)" data-field="([^"]+)">(.*?)</tbody>', page, re.S)}


def test_the_history_lists_every_revision_newest_first_with_its_permalink_and_diff(client):
    history = edited_deal()
    first, second, third = history.ids

    page = client.get(f"{history.base}/history/").content.decode()
    rows = rows_of(page)

    assert len(rows) == 3 and "3 revisions, newest first" in page
    assert f'href="{history.base}/revisions/{third}/">Revision 3</a>' in rows[0] and "(current)" in rows[0]
    assert "Updated: loaded an update" in text_of(rows[0])
    assert "corrected the amount and a quote" in text_of(rows[1]) and "Watchdog A" in rows[1]
    assert f'href="diff/?from={first}&amp;to={second}">changes from revision 1' in rows[1]
    assert "Created: first statement" in text_of(rows[2]) and "diff/?" not in rows[2]
    assert '<form method="get" action="diff/"' in page
    assert f'name="from" value="{second}" id="from-{second}" checked' in page
    assert f'name="to" value="{third}" id="to-{third}" checked' in page


def test_the_history_is_paginated(client, monkeypatch):
    monkeypatch.setattr("registry.revisions.HISTORY_PAGE_SIZE", 2)
    deal = make_agreement()
    for number in range(4):
        rename(deal, f"Title {number}", reason=f"change {number}")

    first = client.get(f"/agreements/{deal.slug}/history/").content.decode()
    last = client.get(f"/agreements/{deal.slug}/history/?page=3").content.decode()

    assert len(rows_of(first)) == 2 and "change 3" in first and 'href="?page=2">Older revisions' in first
    assert len(rows_of(last)) == 1 and "Created" in last and 'href="?page=2">Newer revisions' in last
    assert client.get(f"/agreements/{deal.slug}/history/?page=9").status_code == 404
    bad = client.get(f"/agreements/{deal.slug}/history/?page=two")
    assert bad.status_code == 400 and "<strong>page</strong>" in bad.content.decode()


def test_the_diff_shows_an_edited_amount_and_an_edited_citation(client):
    history = edited_deal()
    first, second, _ = history.ids

    page = client.get(f"{history.base}/history/diff/?from={first}&to={second}").content.decode()
    rows = diff_rows(page)

    assert set(rows) == {"amounts", "citations"}
    assert rows["amounts"] == ("Reported amounts Reported award value: $642,000,000 — as of: March 2026 "
                               "Reported award value: $700,000,000 — as of: March 2026 (amount changed)")
    assert rows["citations"].endswith("(quote changed)")
    assert "“" not in rows["citations"] and re.search(r"<del>.*<q>quoted words about .*</q>.*</del>", page)
    assert "<ins>" in page and "<q>a corrected quote about the deal</q></ins>" in page
    assert "revision 1" in text_of(page) and "revision 2" in text_of(page)


def test_the_diff_shows_fields_and_parties_from_a_load(client):
    history = edited_deal()
    _, second, third = history.ids

    rows = diff_rows(client.get(f"{history.base}/history/diff/?from={second}&to={third}").content.decode())

    assert rows["title"] == "Title Maven Smart System Maven Smart System (renamed)"
    assert rows["ceiling"] == "Ceiling undisclosed $900,000,000"
    assert rows["parties"] == "Vendors and their roles Beta Systems — role: Partner (added)"
    assert set(rows) == {"title", "ceiling", "parties"}


def test_a_citation_edited_by_a_load_is_one_citation_changed(client):
    deal = make_agreement()
    data = to_interchange(deal)
    data["citations"][0]["quote"] = "a quote edited by a load"
    load_records({"agreements": [data]}, user=builder_user(), reason="edited by a load")
    first, latest = revision_ids(deal)

    revision = client.get(f"/agreements/{deal.slug}/revisions/{latest}/").content.decode()
    rows = diff_rows(client.get(f"/agreements/{deal.slug}/history/diff/?from={first}&to={latest}").content.decode())

    assert re.findall(r"<q>(.*?)</q>", revision) == ["a quote edited by a load"]  # the old row is gone as of then
    assert rows["citations"].startswith("Sources (citations)") and rows["citations"].endswith("(quote changed)")


def test_the_diff_over_several_revisions_and_backwards(client):
    history = edited_deal()
    first, _, third = history.ids

    forward = diff_rows(client.get(f"{history.base}/history/diff/?from={first}&to={third}").content.decode())
    backward = diff_rows(client.get(f"{history.base}/history/diff/?from={third}&to={first}").content.decode())

    assert set(forward) == set(backward) == {"title", "ceiling", "parties", "amounts", "citations"}
    assert backward["parties"] == "Vendors and their roles Beta Systems — role: Partner (removed)"


def test_the_diff_shows_a_term_changed_and_a_retraction(client):
    history = edited_deal()
    change_term(history.term, effect="restricts")
    retract(history.deal, user=builder_user(), reason="It was never signed.")
    ids = revision_ids(history.deal)

    term = diff_rows(client.get(f"{history.base}/history/diff/?from={ids[-3]}&to={ids[-2]}").content.decode())
    retraction = diff_rows(client.get(f"{history.base}/history/diff/?from={ids[-2]}&to={ids[-1]}").content.decode())

    assert set(term) == {"terms"}
    before, after = term["terms"].split("status: In force ")[:2]
    assert before.startswith("Public terms No domestic surveillance — category: Domestic surveillance")
    assert "effect: Prohibits" in before and "effect: Restricts" in after and term["terms"].endswith("(effect changed)")
    assert "It was never signed." in retraction["retraction_reason"]
    assert "retracted_at" in retraction


def test_the_same_revision_twice_differs_in_nothing(client):
    history = edited_deal()

    page = client.get(f"{history.base}/history/diff/?from={history.ids[1]}&to={history.ids[1]}").content.decode()

    assert "Nothing differs between these two revisions (it is the same revision)." in page


@pytest.mark.parametrize(("query", "field"), [
    ("", "from"), ("from=1", "to"), ("from=abc&to=1", "from"), ("from=1&to=-3", "to"), ("from=0&to=1", "from"),
    ("from=99999&to={first}", "from"), ("from={first}&to={other}", "to"),
])
def test_a_bad_or_foreign_revision_id_is_a_400_naming_its_field(client, query, field):
    history = edited_deal()
    other = make_agreement()
    query = query.format(first=history.ids[0], other=revision_ids(other)[0])

    response = client.get(f"{history.base}/history/diff/?{query}")

    assert response.status_code == 400
    assert f"<strong>{field}</strong>:" in response.content.decode()


def test_an_unknown_record_has_no_history(client):
    assert client.get("/agreements/no-such-deal/history/").status_code == 404
    assert client.get("/agreements/no-such-deal/history/diff/?from=1&to=2").status_code == 404


@pytest.mark.parametrize("record_type", MAKERS)
def test_every_kind_of_record_has_a_history_and_the_record_page_links_it(client, record_type):
    record = MAKERS[record_type]()
    rename(record, "A better title", reason="renamed")
    path = by_name(record_type).path
    first, latest = revision_ids(record)[0], revision_ids(record)[-1]

    history = client.get(f"/{path}/{record.slug}/history/")
    diff = client.get(f"/{path}/{record.slug}/history/diff/?from={first}&to={latest}").content.decode()
    section, rows = revisions_of(client, record)

    assert history.status_code == 200 and "A better title" in diff_rows(diff).get("title", diff_rows(diff).get("name"))
    assert f'<a href="/{path}/{record.slug}/revisions/{latest}/">Revision {len(rows)}</a>' in rows[0]
    assert f'href="/{path}/{record.slug}/history/diff/?from={revision_ids(record)[-2]}&amp;to={latest}">what changed' \
        in rows[0]
    assert f'href="/{path}/{record.slug}/history/">The full history' in section


@two_world_sizes
def test_the_history_and_the_diff_cost_the_same_queries_whatever_the_length_of_the_history(
        client, django_assert_num_queries, rows):
    history = edited_deal()
    for number in range(rows):
        rename(history.deal, f"Title {number}", reason=f"change {number}")
    ids = revision_ids(history.deal)
    diff = f"{history.base}/history/diff/?from={ids[0]}&to={ids[-1]}"
    client.get(diff)  # warm the per-process caches (content types)

    # the agreement · its revisions (numbered, a window over them) · latest change (footer)
    with django_assert_num_queries(3):
        assert client.get(f"{history.base}/history/").status_code == 200
    # the agreement · both changes · their numbers · each revision: the agreement then, its amounts, parties and
    # their vendors, participating agencies, citations and their sources, awarding agency, terms and markers
    # (2 × 10) · latest change (footer)
    with django_assert_num_queries(24):
        assert client.get(diff).status_code == 200



def html_or_redirect(response):
    """A well-formed page, or a redirect (the as-of picker without a date goes to the history)."""
    if response.status_code not in (301, 302):
        check_html(response)


def test_hostile_parameters_never_break_the_history_pages(client):
    """Each parameter of the history pages, alone and all at once, with the fuzz test's hostile values and
    numbers too large for the database: never a 5xx, always a well-formed page."""
    history = edited_deal()
    first = history.ids[0]
    huge = "9" * 30
    pages = {
        f"{history.base}/history/": ["page"], f"{history.base}/history/diff/": ["from", "to"],
        f"{history.base}/revisions/": ["as_of"], "/changes/": ["before"], f"/changes/{first}/": ["after"],
    }
    failures = []
    for url, parameters in pages.items():
        failures += failures_of(client, url, [*queries(parameters), f"from={first}&to={huge}"], html_or_redirect)
    for url in (f"{history.base}/revisions/{huge}/", f"/changes/{huge}/", f"{history.base}/revisions/0/"):
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"{url} → {response.status_code}")

    assert failures == []
