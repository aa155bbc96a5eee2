"""/<type>/<slug>/revisions/<change id>/: the record as the registry stated it just after a public change that
touched it or its parts, with those parts (parties, amounts, citations with their sources and quotes, terms),
dates and money in words; a banner with the revision's number and date linking the current version; links to
the previous and next revisions and to the diff with the previous one. Only public change ids of the record's
own revisions open one: anything else is a 404. A retracted record's revisions stay readable."""

import html
import re

import pytest

from registry.interchange import by_name
from registry.models import ChangeLog
from registry.services import retract
from tests.builders import builder_user, make_agreement, make_amount
from tests.pages.history_data import change_term, edited_deal, revision_ids
from tests.pages.notice_data import MAKERS
from tests.pages.test_revisions_list import rename
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def text_of(page):
    """The words of some HTML, as a reader sees them: tags gone, entities read, spaces collapsed."""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()
    return re.sub(r" ([:;,.)])", r"\1", words)


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def facts_of(page):
    return text_of(re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1))


@pytest.mark.parametrize("record_type", MAKERS)
def test_every_kind_of_record_has_a_page_for_each_of_its_revisions(client, record_type):
    record = MAKERS[record_type]()
    rename(record, "A better title", reason="the title as the agency wrote it")
    path = by_name(record_type).path
    first, latest = revision_ids(record)[0], revision_ids(record)[-1]

    old = page_of(client, f"/{path}/{record.slug}/revisions/{first}/")
    new = page_of(client, f"/{path}/{record.slug}/revisions/{latest}/")

    assert "A better title" not in old and "A better title" in new
    assert f"(revision {len(revision_ids(record))} of {len(revision_ids(record))})" in text_of(new)
    assert "This is the record as the registry stated it on" in old
    assert f'<a href="/{path}/{record.slug}/">See the current version.</a>' in old


def test_each_revision_shows_the_record_with_its_parts_as_they_stood(client):
    history = edited_deal()
    first, second, third = (page_of(client, f"{history.base}/revisions/{i}/") for i in history.ids)

    assert "$642,000,000 — as of: March 2026" in facts_of(first)
    assert "$700,000,000 — as of: March 2026" in facts_of(second)
    assert "<q>quoted words about" in first and "a corrected quote about the deal" not in first
    assert "<q>a corrected quote about the deal</q>" in second
    assert "Acme AI" in facts_of(first) and "Beta Systems" not in facts_of(second)
    assert "Beta Systems — role: Partner" in facts_of(third)
    assert "Maven Smart System (renamed)" in third and "(renamed)" not in second
    assert "Ceiling undisclosed" in facts_of(second) and "Ceiling $900,000,000" in facts_of(third)
    assert 'href="/terms/' in first and "No domestic surveillance" in facts_of(first)
    assert re.search(r'<a href="/sources/[^"]+">Report source-\d+</a> <q>', first)  # the source by its title


def test_the_banner_and_the_links_name_the_revisions_around_it(client):
    history = edited_deal()
    first, second, third = history.ids

    page = page_of(client, f"{history.base}/revisions/{second}/")

    assert "(revision 2 of 3)" in text_of(page)
    assert f'href="{history.base}/revisions/{first}/">Previous revision (1)' in page
    assert f'href="{history.base}/revisions/{third}/">Next revision (3)' in page
    assert f'href="{history.base}/history/diff/?from={first}&amp;to={second}"' in page
    assert "Watchdog A" in page and "corrected the amount and a quote" in page
    first_page = page_of(client, f"{history.base}/revisions/{first}/")
    assert "The first revision" in first_page and "Previous revision" not in first_page


def test_a_change_to_a_term_is_a_revision_of_its_agreement_showing_the_term_as_it_stood(client):
    history = edited_deal()
    change_term(history.term, effect="restricts")
    before, after = revision_ids(history.deal)[-2:]

    assert "effect: Prohibits" in facts_of(page_of(client, f"{history.base}/revisions/{before}/"))
    assert "effect: Restricts" in facts_of(page_of(client, f"{history.base}/revisions/{after}/"))


@pytest.mark.parametrize("ask", ["unknown", "other-record", "draft", "words", "negative"])
def test_anything_but_a_public_change_of_the_record_is_a_404(client, ask):
    deal = make_agreement()
    other = make_agreement()
    draft = make_agreement(published=False)
    rename(draft, "Still a draft", reason="a private edit")
    internal = ChangeLog.objects.filter(slug=draft.slug).latest("id").id
    url = {
        "unknown": f"/agreements/{deal.slug}/revisions/999999/",
        "other-record": f"/agreements/{deal.slug}/revisions/{revision_ids(other)[0]}/",
        "draft": f"/agreements/{draft.slug}/revisions/{internal}/",
        "words": f"/agreements/{deal.slug}/revisions/latest/",
        "negative": f"/agreements/{deal.slug}/revisions/-1/",
    }[ask]

    assert client.get(url).status_code == 404


def test_a_draft_has_no_revisions_and_no_history(client):
    draft = make_agreement(published=False)

    assert client.get(f"/agreements/{draft.slug}/history/").status_code == 404
    assert client.get(f"/agreements/{draft.slug}/revisions/?as_of=2026-01-01").status_code == 404


def test_a_retracted_record_keeps_its_revisions_and_shows_the_retraction_where_it_happened(client):
    deal = make_agreement(title="Phantom deal")
    retract(deal, user=builder_user(), reason="No such agreement was made.")
    created, retracted = revision_ids(deal)

    before = page_of(client, f"/agreements/{deal.slug}/revisions/{created}/")
    at = page_of(client, f"/agreements/{deal.slug}/revisions/{retracted}/")

    assert "This revision retracted the record" in at and "No such agreement was made." in at
    assert "retracted" not in text_of(re.search(r'<main.*</main>', before, re.S).group(0)).lower()


def test_it_escapes_what_the_record_says(client):
    deal = make_agreement(title="<script>alert(1)</script> deal", summary="**bold** <img src=x onerror=alert(2)>")

    page = page_of(client, f"/agreements/{deal.slug}/revisions/{revision_ids(deal)[0]}/")

    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; deal" in page
    assert "<strong>bold</strong>" in page and "onerror" not in page


@two_world_sizes
def test_a_revision_costs_the_same_queries_whatever_the_length_of_the_history(client, django_assert_num_queries,
                                                                              rows):
    history = edited_deal()
    for number in range(rows):
        rename(history.deal, f"Title {number}", reason=f"change {number}")
    url = f"{history.base}/revisions/{revision_ids(history.deal)[-2]}/"
    client.get(url)  # warm the per-process caches (content types)

    # the change (with its change set's first id) · its number, total, previous and next · the agreement then ·
    # its amounts, parties (and their vendors), participating agencies, citations (and their sources) then ·
    # its awarding agency · its terms and markers then · latest change (footer)
    with django_assert_num_queries(13):
        response = client.get(url)

    assert response.status_code == 200
    assert f"(revision {rows + 2} of {rows + 3})" in text_of(response.content.decode())


def test_an_empty_amount_field_is_undisclosed_only_when_no_amount_of_its_kind_is_reported(client):
    silent = make_agreement()
    dated = make_agreement()
    make_amount(dated, kind="ceiling", amount="100000000.00")

    silent_facts = facts_of(page_of(client, f"/agreements/{silent.slug}/revisions/{revision_ids(silent)[-1]}/"))
    dated_facts = facts_of(page_of(client, f"/agreements/{dated.slug}/revisions/{revision_ids(dated)[-1]}/"))

    assert "Ceiling undisclosed" in silent_facts and "Amount obligated undisclosed" in silent_facts
    assert "Ceiling see the reported amounts" in dated_facts and "Ceiling: $100,000,000" in dated_facts
