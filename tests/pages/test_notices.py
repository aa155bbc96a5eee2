"""Every record's page shows its notices (corrections and retractions) near the top, dated and credited, and
three links to propose a change: a correction, an update, a retraction (not for a retracted record)."""

import re

import pytest

from registry.interchange import by_name
from registry.services import retract
from tests.builders import builder_user, make_agreement, make_term
from tests.pages.notice_data import MAKERS, correct

pytestmark = pytest.mark.django_db


def page_of(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def notices_section(page):
    match = re.search(r'<section class="notices".*?</section>', page, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("record_type", MAKERS)
def test_it_shows_a_correction_with_its_date_text_and_credit_on_every_kind_of_record(client, record_type):
    record = MAKERS[record_type]()
    correct(record, "The ceiling was $200M, not $2B.", credited_to="Watchdog A")

    section = notices_section(page_of(client, record))

    assert "<strong>Correction</strong>" in section
    assert "The ceiling was $200M, not $2B." in section
    assert "Credited to Watchdog A." in section
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{1,2} \w+ \d{4}</time>', section)


@pytest.mark.parametrize("record_type", MAKERS)
def test_it_shows_the_retraction_notice_of_a_retracted_record(client, record_type):
    record = MAKERS[record_type]()
    retract(record, user=builder_user(), reason="The agreement never existed: the report was withdrawn.")

    page = page_of(client, record)
    section = notices_section(page)

    assert "<strong>Retraction</strong>" in section
    assert "The agreement never existed: the report was withdrawn." in section
    assert "Credited to registry staff." in section


def test_the_notices_come_before_the_facts_newest_first(client):
    deal = make_agreement(title="Maven expansion")
    correct(deal, "First fix.")
    correct(deal, "Second fix.")

    page = page_of(client, deal)
    section = notices_section(page)

    assert section.index("Second fix.") < section.index("First fix.")
    assert page.index('class="notices"') < page.index("<h2>Key facts</h2>")


def test_a_record_without_notices_shows_no_notice_section(client):
    page = page_of(client, make_agreement())

    assert 'class="notices"' not in page


def test_a_notice_shows_as_text_never_as_markup(client):
    deal = make_agreement()
    correct(deal, "<img src=x onerror=alert(1)> was wrong")

    page = page_of(client, deal)

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; was wrong" in page


def test_a_retracted_part_shows_no_notice_of_its_own_but_its_retraction(client):
    """A term retracted with its agreement: the agreement's notice is the record's; the term's page says it
    was retracted (record_meta), without a notice of its own."""
    deal = make_agreement()
    term = make_term(agreement=deal)
    retract(deal, user=builder_user(), reason="withdrawn")
    term.refresh_from_db()

    page = page_of(client, term)

    assert "This record was retracted on" in page
    assert 'class="notices"' not in page


@pytest.mark.parametrize("record_type", MAKERS)
def test_every_record_page_links_to_suggest_a_correction_report_an_update_and_propose_retraction(client,
                                                                                                record_type):
    record = MAKERS[record_type]()
    path = by_name(record_type).path

    page = page_of(client, record)

    assert f'<a href="/submit/{path}/{record.slug}/correction/">Suggest a correction</a>' in page
    assert f'<a href="/submit/{path}/{record.slug}/update/">Report an update</a>' in page
    assert f'<a href="/submit/{path}/{record.slug}/retraction/">Propose retraction</a>' in page


def test_a_retracted_record_offers_no_retraction_link(client):
    deal = make_agreement(retracted=True)

    page = page_of(client, deal)

    assert f'href="/submit/agreements/{deal.slug}/correction/"' in page
    assert "/retraction/" not in page and "Propose retraction" not in page


def test_a_draft_offers_no_submission_links_to_staff(client, staff):
    draft = make_agreement(published=False)
    client.force_login(staff)

    page = page_of(client, draft)

    assert "/submit/" not in page


@pytest.mark.parametrize("record_type", MAKERS)
def test_every_list_page_links_to_add_a_record(client, record_type):
    path = by_name(record_type).path

    page = client.get(f"/{path}/").content.decode()

    assert f'<a href="/submit/{path}/">Add a record</a>' in page
