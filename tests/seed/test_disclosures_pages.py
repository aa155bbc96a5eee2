"""The pages of designations, testing disclosures, events and sources, rendered with the real seed
data: each shows the facts it should, in words a reader can cite."""

import datetime
import re
from html import unescape

import pytest
from django.utils import timezone

from disclosures.models import Designation, Event, EventLink, TestingDisclosure
from disclosures.services import disclosure_lag
from registry.models import Citation, Source
from registry.services import apply_change, retract
from tests.builders import (
    builder_user,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.reading import facts, main, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

ANTHROPIC_3252 = "dow-2026-anthropic-scr-10usc3252"
AZURE_TESTING = "td-2023-dod-azure-openai-experimentation"
INJUNCTION = "ev-2026-03-26-preliminary-injunction"
OPENAI_MIRROR = "openai-dotcom-dun-vercel-app-index-our-agreement-with-the-department-of-war"


# --- reading a page ------------------------------------------------------------------------

def text(html):
    """The visible words of the page's main content."""
    return words(main(html))


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def list_item(html, needle):
    """The words of the <li> that contains ``needle``."""
    at = html.index(needle)
    return text(f'<main id="main">{html[html.rindex("<li", 0, at):html.index("</li>", at)]}</main>')


def section(html, heading):
    """The HTML from an <h2> with this text to the next <h2>."""
    start = html.index(f">{heading}</h2>")
    end = html.find("<h2", start)
    return html[start:end if end != -1 else None]


# --- designations --------------------------------------------------------------------------

def test_the_designation_page_shows_status_authority_scope_and_dates(client):
    page = get(client, f"/designations/{ANTHROPIC_3252}/")
    shown = facts(page)

    assert shown["Status"] == "Enjoined — as the sources describe it: contested; preliminarily enjoined"
    assert shown["Authority cited"].startswith("10 U.S.C. § 3252")
    assert shown["Kind"] == "Supply-chain risk (10 U.S.C. 3252)"
    assert shown["Vendor designated"] == "Anthropic PBC"
    assert shown["Issued by"].endswith("— Secretary Pete Hegseth")
    assert shown["Announced"] == "27 February 2026"
    assert shown["Determined"] == "3 March 2026 (medium confidence) sources differ: see every value"
    assert shown["Formal notice to the vendor"] == "4 March 2026"
    assert shown["Effective"] == "not known"
    assert "no contractor, supplier or partner doing business with the U.S. military" in section(page, "Scope")


def test_the_designation_page_lists_its_affected_agreements(client):
    page = get(client, f"/designations/{ANTHROPIC_3252}/")

    affected = section(page, "Affected agreements")
    assert 'href="/agreements/cdao-2025-anthropic-frontier-ai/"' in affected
    assert "listed as related by the research agreement record" in affected  # the link's note


def test_the_designation_page_lists_its_events_oldest_first_with_court_and_case_number(client):
    designation = Designation.objects.get(slug=ANTHROPIC_3252)
    expected = sorted(Event.objects.public().filter(links__designation=designation).distinct(),
                      key=lambda event: (event.occurred_on, event.id))

    history = section(get(client, f"/designations/{ANTHROPIC_3252}/"), "Legal history")

    positions = [history.index(f'href="{event.get_absolute_url()}"') for event in expected]
    assert len(expected) == 7
    assert positions == sorted(positions)
    assert "(court order) U.S. District Court, N.D. California, case no. 3:26-cv-01996" in list_item(history, INJUNCTION)
    assert "case no." not in list_item(history, "ev-2026-03-09-anthropic-lawsuits")  # no case number recorded


def test_the_designation_page_links_the_docket_of_a_legal_event(client):
    event = Event.objects.get(slug=INJUNCTION)
    event.docket_url = "https://www.courtlistener.com/docket/465515/"
    apply_change(event, user=builder_user(), reason="docket found")

    history = section(get(client, f"/designations/{ANTHROPIC_3252}/"), "Legal history")

    assert '<a href="https://www.courtlistener.com/docket/465515/" rel="nofollow noopener">docket</a>' in history


def test_the_designation_page_numbers_its_sources_with_their_quotes(client):
    designation = Designation.objects.get(slug=ANTHROPIC_3252)
    citations = list(designation.citations.select_related("source"))

    page = get(client, designation.get_absolute_url())

    for number, citation in enumerate(citations, start=1):
        assert f'id="fn-{number}"' in page
        assert unescape(citation.quote) in unescape(page)
        assert f'href="{citation.source.get_absolute_url()}"' in page


def test_the_designation_page_leaves_out_retracted_events_and_agreements(client):
    designation = Designation.objects.get(slug=ANTHROPIC_3252)
    event = Event.objects.get(slug=INJUNCTION)
    agreement = designation.affected.get().agreement
    retract(event, user=builder_user(), reason="wrong date")
    retract(agreement, user=builder_user(), reason="duplicate")

    page = get(client, designation.get_absolute_url())

    assert event.get_absolute_url() not in page
    assert agreement.get_absolute_url() not in page
    assert "No agreement is recorded as affected." in page


def test_the_designation_list_shows_every_public_designation_with_its_status(client):
    page = get(client, "/designations/")

    for designation in Designation.objects.public():
        assert designation.get_absolute_url() in page
    assert "<strong>4</strong> results" in page
    assert re.search(r"Supply-chain-risk designation of Anthropic PBC under 10 U.S.C. § 3252</a></th>\s*"
                     r"<td data-label=\"Vendor\"><a href=\"/vendors/anthropic/\">Anthropic PBC</a></td>", unescape(page))
    assert ">Enjoined</td>" in page


def test_the_designation_list_says_in_words_what_it_filters(client):
    page = text(get(client, "/designations/?in_effect_on=2026-03-10&vendor=anthropic"))

    assert "2 results where Vendor: Anthropic PBC; In effect on: 10 March 2026." in page


# --- testing disclosures -------------------------------------------------------------------

def test_the_testing_page_shows_the_disclosure_lag_channel_and_confirmation(client):
    shown = facts(get(client, f"/testing-disclosures/{AZURE_TESTING}/"))

    assert shown["Disclosure lag"].startswith("between 796 and 1,160 days from the start of testing to its disclosure")
    assert shown["Testing"] == "from 2023 to an unknown date"
    assert shown["First disclosed"] == "6 March 2026"
    assert shown["Disclosed through"] == "Press report"
    assert shown["Confirmation"] == "Not confirmed by the agency"
    assert shown["Testing agency"].startswith("U.S. Department of Defense")
    assert shown["Vendors whose models were tested"] == "Microsoft (incl. Azure OpenAI Service), OpenAI"
    assert shown["Models tested"] == "OpenAI models via Microsoft Azure OpenAI Service"


def test_the_testing_page_says_when_testing_happened_outside_any_agreement(client):
    page = text(get(client, f"/testing-disclosures/{AZURE_TESTING}/"))

    assert "No agreement is recorded for this testing: as far as the sources show, it happened outside any" in page


def test_the_testing_page_links_the_agreements_it_happened_under(client):
    page = get(client, "/testing-disclosures/td-2025-cdao-frontier-model-vetting/")
    shown = facts(page)

    for slug in ("cdao-2025-anthropic-frontier-ai", "cdao-2025-google-frontier-ai", "cdao-2025-openai-frontier-ai",
                 "cdao-2025-xai-frontier-ai"):
        assert f'href="/agreements/{slug}/"' in section(page, "Agreements")
    assert shown["Confirmation"] == "Confirmed by the agency"
    assert shown["Disclosure lag"] == "unknown: the sources do not say when testing began"


def test_the_testing_page_counts_undisclosed_testing_up_to_today(client):
    tested = timezone.localdate() - datetime.timedelta(days=400)
    disclosure = make_testing_disclosure(title="Quiet pilot", tested_from=tested, tested_from_precision="day",
                                         confirmed_by_agency=TestingDisclosure.Confirmed.DENIED)

    shown = facts(get(client, disclosure.get_absolute_url()))

    assert shown["Disclosure lag"] == "not disclosed so far: at least 400 days, counted from the start of testing to today"
    assert shown["First disclosed"] == "not disclosed so far"
    assert shown["Confirmation"] == "Denied by the agency"
    assert shown["Disclosed through"] == "not known"


def test_the_testing_list_shows_each_lag(client):
    page = text(get(client, "/testing-disclosures/"))

    for disclosure in TestingDisclosure.objects.public():
        lag = disclosure_lag(disclosure)
        assert disclosure.title in page
        if lag:
            assert str(lag) in page
    assert "Testing by DoD: OpenAI models via Microsoft Azure OpenAI Service DoD " \
           "Microsoft (incl. Azure OpenAI Service), OpenAI Unknown 2023 6 March 2026 between 796 and 1,160 days " \
           "Press report No" in page


# --- events --------------------------------------------------------------------------------

def test_the_event_page_shows_its_court_case_and_linked_records(client):
    page = get(client, f"/events/{INJUNCTION}/")
    shown = facts(page)

    assert shown["Date"] == "26 March 2026"
    assert shown["Kind"] == "Court order"
    assert shown["Court"] == "U.S. District Court, N.D. California"
    assert shown["Case number"] == "3:26-cv-01996"
    linked = text(f'<main id="main">{section(page, "Linked records")}</main>')
    assert "Actors Vendor: Anthropic PBC Agency: U.S. Department of Defense" in linked
    assert "Records concerned Designation: Supply-chain-risk designation of Anthropic PBC under 10 U.S.C. § 3252" \
        in linked
    assert f'href="/designations/{ANTHROPIC_3252}/"' in page


def test_the_event_page_hides_links_to_records_that_are_not_public(client):
    event = Event.objects.get(slug=INJUNCTION)
    retract(Designation.objects.get(slug=ANTHROPIC_3252), user=builder_user(), reason="test")
    hidden_term = make_term(agreement=make_agreement(), title="Term of a retracted agreement")
    retract(hidden_term.agreement, user=builder_user(), reason="test")  # retracts its terms with it
    apply_change(EventLink(event=event, term=hidden_term), user=builder_user(), reason="t")

    page = get(client, event.get_absolute_url())

    assert f'href="/designations/{ANTHROPIC_3252}/"' not in page
    assert hidden_term.get_absolute_url() not in page
    assert "Vendor: " in text(page)


def test_the_event_page_lists_events_that_refer_to_it(client):
    event = Event.objects.get(slug=INJUNCTION)
    appeal = make_event(title="Government appeals the injunction",
                        links=[(EventLink.Role.SUBJECT, "related_event", event)])

    page = get(client, event.get_absolute_url())
    appeal_page = text(get(client, appeal.get_absolute_url()))

    assert appeal.get_absolute_url() in section(page, "Events that refer to this one")
    assert "Records concerned Event: Judge Rita F. Lin grants Anthropic a preliminary injunction" in appeal_page


def test_the_event_list_shows_dates_kinds_and_cases(client):
    page = text(get(client, "/events/?kind=court_order"))

    assert "2 results where Kind: Court order." in page
    assert "26 March 2026 Judge Rita F. Lin grants Anthropic a preliminary injunction" in page
    assert "Court order U.S. District Court, N.D. California, case no. 3:26-cv-01996" in page


# --- sources -------------------------------------------------------------------------------

def test_the_source_page_lists_every_record_and_claim_citing_it_with_the_quote(client):
    source = Source.objects.get(slug=OPENAI_MIRROR)
    citations = list(Citation.objects.filter(source=source))

    page = get(client, source.get_absolute_url())

    assert len(citations) == 8
    cited = section(page, "Cited by")
    for citation in citations:
        assert f'href="{citation.target.get_absolute_url()}"' in cited
        assert f"“{unescape(citation.quote)}”" in unescape(cited)
    assert "6 records cite this source, in 8 citations." in text(page)


def test_the_source_page_shows_the_mirror_and_the_canonical_address(client):
    shown = facts(get(client, f"/sources/{OPENAI_MIRROR}/"))

    assert shown["Address"] == ("https://openai-dotcom-dun.vercel.app/index/our-agreement-with-the-department-of-war"
                                " (a mirror or republication)")
    assert shown["Canonical address"].startswith("https://openai.com/index/our-agreement-with-the-department-of-war/")
    assert shown["Publisher"] == "OpenAI (read via an unofficial mirror of openai.com)"
    assert shown["Read by the registry"] == "Yes"


def test_the_source_page_says_when_the_registry_did_not_read_the_source(client):
    source = make_source(verified=False, title="Court filing seen cited elsewhere", kind=Source.Kind.COURT_FILING)
    designation = Designation.objects.get(slug=ANTHROPIC_3252)
    make_citation(designation, source=source, quote="the designation is unlawful", claims=["status"],
                  locator="p. 3")

    page = get(client, source.get_absolute_url())

    assert "Not read by the registry." in text(page)
    assert facts(page)["Read by the registry"] == "No: only seen cited elsewhere"
    assert "Designation: Supply-chain-risk designation of Anthropic PBC under 10 U.S.C. § 3252 the status " \
           "“the designation is unlawful” p. 3" in text(page)


def test_the_source_page_shows_the_agreement_of_a_citing_term_and_skips_records_that_are_not_public(client):
    source = make_source(title="A source of several claims")
    term = make_term(title="A public surveillance term")
    make_citation(term, source=source, quote="shall not surveil")
    make_citation(make_vendor(published=False), source=source, quote="draft vendor quote")
    make_citation(make_designation(retracted=True), source=source, quote="retracted designation quote")

    page = text(get(client, source.get_absolute_url()))

    assert f"Public term: A public surveillance term (of {term.agreement.title})" in page
    assert "draft vendor quote" not in page
    assert "retracted designation quote" not in page
    assert "1 record cites this source, in 1 citation." in page


def test_the_source_list_says_which_sources_the_registry_did_not_read(client):
    page = text(get(client, "/sources/?verified=false&page_size=500"))

    assert f"{Source.objects.public().filter(verified=False).count()} results where Read by the registry: no." in page
    # 15 unread pointers of the first research file, 1 of the supplement (The Intercept's report)
    assert page.count("no: only seen cited elsewhere") == 16


def test_the_source_list_pages_through_every_public_source(client):
    page = get(client, "/sources/")

    assert f"<strong>{Source.objects.public().count()}</strong> results" in page
    assert page.count('<th scope="row">') == 50
    assert 'rel="next"' in page


# --- retraction, drafts, escaping ----------------------------------------------------------

RECORDS = {
    "designation": (Designation, ANTHROPIC_3252, "/designations/"),
    "testing-disclosure": (TestingDisclosure, AZURE_TESTING, "/testing-disclosures/"),
    "event": (Event, INJUNCTION, "/events/"),
    "source": (Source, OPENAI_MIRROR, "/sources/?page_size=500"),
}


@pytest.mark.parametrize("record_type", RECORDS)
def test_a_retracted_record_keeps_its_page_with_a_notice_and_leaves_the_list(client, record_type):
    model, slug, list_url = RECORDS[record_type]
    record = model.objects.get(slug=slug)
    assert record.get_absolute_url() in get(client, list_url)

    retract(record, user=builder_user(), reason="The sources were misread.")

    page = text(get(client, record.get_absolute_url()))
    assert "This record was retracted on" in page
    assert "The sources were misread." in page
    assert record.get_absolute_url() not in get(client, list_url)


@pytest.mark.parametrize("make", [make_designation, make_testing_disclosure, make_event, make_source],
                         ids=["designation", "testing-disclosure", "event", "source"])
def test_a_draft_is_a_404_for_anonymous_readers_and_marked_as_a_draft_for_staff(client, staff, make):
    draft = make(published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(staff)
    assert "Draft: not published." in get(client, draft.get_absolute_url())


@pytest.mark.parametrize("url", ["/designations/no-such-designation/", "/testing-disclosures/nope/", "/events/nope/",
                                 "/sources/nope/"])
def test_an_unknown_slug_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_record_text_is_escaped_everywhere(client):
    attack = '<script>alert("x")</script>'
    designation = make_designation(title=f"Designation {attack}", scope=attack, status_note=attack)
    disclosure = make_testing_disclosure(title=f"Testing {attack}", summary=attack, models_tested=attack)
    event = make_event(title=f"Event {attack}", court=attack, case_number=attack,
                       links=[(EventLink.Role.SUBJECT, "designation", designation)])
    source = make_source(title=f"Source {attack}", publisher=attack)
    make_citation(disclosure, source=source, quote=attack, claims=["models_tested"])

    for url in (designation.get_absolute_url(), disclosure.get_absolute_url(), event.get_absolute_url(),
                source.get_absolute_url(), "/designations/", "/testing-disclosures/", "/events/",
                "/sources/?q=Source"):
        assert "<script>" not in get(client, url), url


def test_the_designations_list_gives_the_determination_date_where_the_announcement_is_unknown(client):
    """The FASCSA track has no announcement date but a determination date: the list says so rather than
    "unknown", and writes an unknown date as the Effective column does ("not known")."""
    html = client.get("/designations/").content.decode()
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if "dow-2026-anthropic-scr-41usc4713" in r)
    assert "not known; determined 3 March 2026" in words(row)
    assert ">unknown<" not in html.replace(" ", "")
