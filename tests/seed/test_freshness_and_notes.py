"""Issue 9 on the seed: honest freshness, history that agrees with the record, readable notes, and no
contradictions (terms disclosure, the agency's name, facts on which sources differ)."""

import datetime
import re

import pytest
from django.utils import timezone

from contracts.models import Agency, Agreement, PublicTerm
from disclosures.models import Designation
from registry.interchange import record_types
from registry.models import ChangeSet, Source
from tests.reading import facts, main, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

ANTHROPIC_3252 = "dow-2026-anthropic-scr-10usc3252"
ANTHROPIC_4713 = "dow-2026-anthropic-scr-41usc4713"
COMPILED = datetime.date(2026, 11, 28)
PUBLISHED = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def every_record():
    for record_type in record_types():
        yield from record_type.model.objects.public()


# --- honest freshness ---------------------------------------------------------------------------

def test_the_home_page_states_the_research_cut_off_from_the_data(client):
    page = words(get(client, "/"))

    assert "newest source dated 21 June 2026; research compiled 28 November 2026" in page


def test_the_about_page_states_the_same_cut_off(client):
    page = words(get(client, "/about/"))

    assert "newest source dated 21 June 2026; research compiled 28 November 2026" in page
    assert "checked against its sources" in page


def test_the_cut_off_follows_the_data_not_the_template(client):
    newest = Source.objects.public().filter(verified=True, published_on__isnull=False).order_by("-published_on").first()
    Source.objects.filter(pk=newest.pk).update(published_on=datetime.date(2026, 7, 2))

    assert "newest source dated 2 July 2026" in words(get(client, "/"))


def test_every_record_was_checked_on_a_research_compile_date():
    compiled = {COMPILED, datetime.date(2026, 12, 1)}  # the research file and its supplement
    for record in every_record():
        if isinstance(record, Source) and not record.verified:
            assert record.last_verified_on is None, record.slug  # an unread pointer was never checked
        else:
            assert record.last_verified_on in compiled, record.slug


def test_a_record_restated_by_the_supplement_was_checked_on_its_date():
    assert Designation.objects.get(slug=ANTHROPIC_3252).last_verified_on == datetime.date(2026, 12, 1)
    assert Agreement.objects.get(slug="cdao-2025-anthropic-frontier-ai").last_verified_on == COMPILED


def test_a_record_page_says_when_it_was_checked_its_newest_source_and_what_last_changed_means(client):
    shown = facts(get(client, f"/designations/{ANTHROPIC_3252}/"))

    assert shown["Facts checked"] == "checked against its sources on 1 December 2026"
    assert shown["Newest source"] == "dated 21 June 2026"  # the forecast page it cites
    assert shown["Last changed in the registry"].startswith("28 November 2026")
    assert "not when its facts happened" in shown["Last changed in the registry"]


def test_an_unread_source_says_it_was_never_checked(client):
    unread = Source.objects.public().filter(verified=False).first()

    assert facts(get(client, unread.get_absolute_url()))["Facts checked"] == "not yet checked against its sources"


def test_in_effect_on_the_home_page_is_as_of_the_designations_newest_source(client):
    page = words(get(client, "/"))

    designation = Designation.objects.get(slug=ANTHROPIC_4713)
    assert designation.title in page
    assert re.search(r"in effect as of \d{1,2} \w+ 2026 \(its newest source\)", page)
    assert "Designations in effect today" not in page  # no claim about today beyond the sources


def test_the_home_page_folds_the_seed_load_into_one_line(client):
    total = sum(record_type.model.objects.count() for record_type in record_types())
    page = words(get(client, "/"))

    assert f"{total} records loaded: seed data" in page
    assert page.count("seed data") == 1


# --- history agrees with the record -------------------------------------------------------------

def test_the_seed_load_is_dated_by_its_publication(client):
    deal = Agreement.objects.get(slug="cdao-2025-anthropic-frontier-ai")

    assert deal.history.earliest("history_date").history_date == PUBLISHED
    assert ChangeSet.objects.get(reason="seed data").at == PUBLISHED
    assert client.get(f"/api/v1/agreements/{deal.slug}/?as_of=2026-11-30").status_code == 200
    assert "not yet recorded" in client.get(f"/api/v1/agreements/{deal.slug}/?as_of=2026-11-27").json()[
        "error"]["message"]


def test_as_of_now_equals_the_live_record(client):
    now = timezone.now().isoformat().replace("+00:00", "Z")
    for path in (f"/api/v1/designations/{ANTHROPIC_3252}/", "/api/v1/agencies/dod/"):
        assert client.get(f"{path}?as_of={now}").json() == client.get(path).json()


# --- readable notes -----------------------------------------------------------------------------

BOOKKEEPING = re.compile(r"Status history \[\d+\]|recorded as an event|Research agreement kind|Research \w+ type"
                         r"|Primary URL pointer|\(research\)|related_designation_ids"
                         r"|Audit section|Source-quality review|supplement \(|\. Why: |agency dod's")


def test_no_note_holds_converter_bookkeeping_or_snake_case():
    for record in every_record():
        assert not BOOKKEEPING.search(record.notes), (record.slug, record.notes)
        bare = re.sub(r"\]\([^)]*\)|https?://\S+", "", record.notes)  # addresses may hold underscores
        assert not re.search(r"\b[a-z]+_[a-z]+\b", bare), (record.slug, record.notes)


def test_a_source_added_by_the_supplement_reads_as_prose_with_a_whole_link(client):
    """The supplement's additions say what the new source supports and why, without the audit's section
    numbers; an address with parentheses in it (Ballotpedia's title) is one link, not a link and a remnant."""
    dod = Agency.objects.get(slug="dod").notes
    assert ("Source added in the December 2026 review: [ballotpedia.org/Executive_Order:_Restoring_the_United_"
            "States_Departme…](https://ballotpedia.org/Executive_Order:_Restoring_the_United_States_Department_of"
            "_War_%28Donald_Trump,_2025%29). Re-cites the agency's 'Department of War' secondary-title note") in dod
    page = get(client, "/agencies/dod/")
    assert 'href="https://ballotpedia.org/Executive_Order:_Restoring_the_United_States_Department_of_War_' \
           '%28Donald_Trump,_2025%29"' in page
    assert ")(Donald_Trump" not in page
    openai = Agreement.objects.get(slug="dow-2026-openai-classified-deployment").notes
    assert "which supports: announced: 2026-02-27 (Altman's announcement the night of the Anthropic deadline). " \
           "National newspaper account supporting the announced date" in openai


def test_unread_primary_sources_are_one_list_of_links(client):
    page = get(client, f"/designations/{ANTHROPIC_3252}/")
    notes = page[page.index('id="notes-heading"'):]

    assert "Primary sources not yet read:" in notes
    assert '<a href="https://www.anthropic.com/news/statement-comments-secretary-war"' in notes
    assert "<li>" in notes


def test_addresses_in_notes_are_links_and_notes_are_sanitised_markdown(client):
    for record in every_record():
        for url in re.findall(r"(?<!\()https?://[^\s)\]]+", record.notes):
            pytest.fail(f"{record.slug}: a bare address in its notes: {url}")
    page = get(client, "/agreements/cdao-2025-anthropic-frontier-ai/")
    assert "**" not in main(page)


def test_search_snippets_come_from_the_records_own_text_before_notes(client):
    page = get(client, "/search/?q=Anthropic")

    assert "Primary sources not yet read" not in page
    assert "The research classes it as" not in page


# --- no contradictions ----------------------------------------------------------------------------

def test_no_agreement_with_a_public_term_in_force_says_its_terms_are_undisclosed():
    current = PublicTerm.objects.public().current()
    for agreement in Agreement.objects.public():
        if current.filter(agreement=agreement).exists():
            assert agreement.terms_disclosure != "none", agreement.slug
    assert Agreement.objects.get(slug="dow-2026-openai-classified-deployment").terms_disclosure == "partial"
    assert Agreement.objects.get(slug="dow-2025-genai-mil-google-gemini").terms_disclosure == "summary"


def test_the_agency_is_the_department_of_defense_and_its_page_says_what_else_it_is_called(client):
    dod = Agency.objects.get(slug="dod")
    page = words(get(client, "/agencies/dod/"))

    assert dod.name == "U.S. Department of Defense"
    assert "Called Department of War since 5 September 2025 (executive order)" in page


def test_a_record_adds_the_other_name_at_its_first_mention_only(client):
    page = words(get(client, f"/designations/{ANTHROPIC_3252}/"))

    assert page.count("called Department of War since 5 September 2025 (executive order)") == 1
    assert "Where things stand with the Department of War" in page  # a source's own words are never changed


def test_sources_differ_on_the_letter_date_and_both_values_are_kept_with_their_sources(client):
    designation = Designation.objects.get(slug=ANTHROPIC_3252)
    [fact] = designation.disputed_facts
    page = get(client, designation.get_absolute_url())
    shown = words(page)

    assert fact["field"] == "determined"
    assert [value["value"] for value in fact["values"]] == ["2026-03-03", "2026-03-04"]
    assert "sources differ" in facts(page)["Determined"]
    assert "Sources differ" in shown
    assert "3 March 2026, according to" in shown and "4 March 2026, according to" in shown
    assert "in a March 4 letter to Anthropic" in shown  # the AP wire copy's own words
    assert "The dispute began on March 3" in shown


def test_the_api_and_the_interchange_carry_the_disputed_fact(client):
    fact = client.get(f"/api/v1/designations/{ANTHROPIC_3252}/").json()["disputed_facts"][0]

    assert fact["field"] == "determined"
    assert {c["source"] for value in fact["values"] for c in value["citations"]} <= set(
        Source.objects.values_list("slug", flat=True))


def test_any_field_named_in_disputed_facts_shows_sources_differ_beside_it(client):
    """Not only a designation's Determined: an agreement whose sources differ on its announcement date shows the
    flag beside Announced (and not beside a field on which they agree)."""
    agreement = Agreement.objects.get(slug="cdao-2024-palantir-maven-smart-system")
    source = Source.objects.first()
    agreement.disputed_facts = [{"field": "announced", "about": "the announcement date", "values": [
        {"value": "2024-05-29", "citations": [{"source": source.slug, "quote": "announced on May 29"}]},
        {"value": "2024-05-30", "citations": [{"source": source.slug, "quote": "announced on May 30"}]}]}]
    Agreement.objects.filter(pk=agreement.pk).update(disputed_facts=agreement.disputed_facts)
    shown = facts(get(client, agreement.get_absolute_url()))
    assert "sources differ: see every value" in shown["Announced"]
    assert "sources differ" not in shown["Awarded or signed"]
    assert "sources differ" not in shown["Ceiling (the most that may be spent)"]
