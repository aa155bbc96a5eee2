"""The pages of agreements, terms, classified-addendum markers, vendors and agencies, rendered
with the real seed data: each shows the facts it should, in words a reader can cite."""

import re

import pytest

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
from registry.services import retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_citation,
    make_marker,
    make_party,
    make_term,
    make_vendor,
)
from tests.reading import facts, footnote_markers, main
from tests.reading import words as text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

NO_CLASSIFIED_CONTENT = "holds no classified content"


# --- reading a page ------------------------------------------------------------------------

def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def footnote(html, number):
    """The text of footnote ``number`` of the page's numbered sources."""
    match = re.search(rf'<li id="fn-{number}" value="{number}">(.*?)</li>', html, re.S)
    assert match, f"no footnote {number}"
    return text(match.group(1))


def assert_numbered_footnotes(html, record):
    """Footnotes 1…n are the record's citations, those of named facts first, then its general sources,
    each with its exact quote and source."""
    ordered = list(record.citations.select_related("source").order_by("position", "id"))
    citations = [c for c in ordered if c.claims] + [c for c in ordered if not c.claims]
    assert citations
    for number, citation in enumerate(citations, start=1):
        note = footnote(html, number)
        assert f"“{citation.quote}”" in note
        assert citation.source.title in note
        assert f'href="#fn-{number}"' in html  # the superscript beside the claim
    assert f'id="fn-{len(citations) + 1}"' not in html


# --- agreements ----------------------------------------------------------------------------

def test_it_shows_the_openai_pilots_key_facts_without_confusing_ceiling_and_obligated(client):
    html = page(client, "/agreements/cdao-2025-openai-frontier-ai/")
    shown = facts(html)

    assert shown["Ceiling (the most that may be spent)"] == "$200,000,000"
    assert shown["Obligated (funds committed)"] == "$1,999,998"
    assert shown["Awarding agency"] == "Chief Digital and Artificial Intelligence Office"
    assert shown["Vehicle"].startswith("Other transaction (prototype)")
    assert shown["Announced"] == "16 June 2025"
    assert shown["Performance"] == "June 2025 to July 2026"  # month precision, written as a month
    assert shown["Contract number (PIID)"] == "HQ0883-25-9-0012 (low confidence)"  # the research rates it apart
    assert shown["Confidence"].startswith("High")


def test_it_says_undisclosed_never_zero_for_an_unknown_obligation(client):
    shown = facts(page(client, "/agreements/cdao-2025-anthropic-frontier-ai/"))

    assert shown["Ceiling (the most that may be spent)"] == "$200,000,000"
    assert shown["Obligated (funds committed)"] == "undisclosed"
    assert shown["Announced"] == "14 July 2025"


def test_it_writes_a_month_precision_date_as_the_month(client):
    shown = facts(page(client, "/agreements/cdao-2025-scale-ai-production-ota/"))

    assert shown["Announced"] == "September 2025"
    assert shown["Ceiling (the most that may be spent)"].startswith("$100,000,000")


def test_it_shows_the_parties_and_their_roles(client):
    words = text(main(page(client, "/agreements/partnership-2024-anthropic-palantir-aws/")))

    assert "Anthropic PBC — Partner" in words
    assert "None: a partnership between companies, with no awarding agency" in words


def test_it_shows_parent_and_child_agreements(client):
    parent = text(main(page(client, "/agreements/cdao-2025-scale-ai-production-ota/")))
    child = page(client, "/agreements/cdao-2026-scale-ai-production-ota-ceiling-increase/")
    child_title = Agreement.objects.get(slug="cdao-2026-scale-ai-production-ota-ceiling-increase").title

    assert "Modifications, task orders and amendments" in parent
    assert child_title in parent
    assert "they are not added to this agreement's" in parent
    assert 'href="/agreements/cdao-2025-scale-ai-production-ota/"' in child
    assert "Part of" in facts(child)


def test_it_shows_participating_agencies(client):
    shown = facts(page(client, "/agreements/diu-2025-scale-ai-thunderforge/"))

    assert "U.S. Indo-Pacific Command" in shown["Participating agencies"]
    assert "U.S. European Command" in shown["Participating agencies"]


def test_it_groups_public_terms_by_category_with_effect_binding_form_and_status(client):
    html = main(page(client, "/agreements/cdao-2025-anthropic-frontier-ai/"))
    words = text(html)

    assert "<h3>Domestic surveillance</h3>" in html
    assert "<h3>Autonomous weapons</h3>" in html
    assert "<h3>Lawful-use scope</h3>" in html
    term = PublicTerm.objects.get(slug="pt-anthropic-exception-fully-autonomous-weapons")
    # the term's link does not repeat the agreement's title on the agreement's own page (issue 11)
    short = term.title.removesuffix(f" — {term.agreement.title}")
    assert short != term.title and f"Restricts: {short} —" in words and f"Restricts: {term.title}" not in words
    assert (f"— {term.get_binding_display().lower()}, {term.get_text_form_display().lower()}, "
            f"requested and refused") in words
    assert term.text in words


def test_it_shows_markers_with_existence_and_the_no_classified_content_statement(client):
    words = text(main(page(client, "/agreements/dow-2026-openai-classified-deployment/")))
    marker = ClassifiedAddendumMarker.objects.get(slug="cam-openai-dow-2026")

    assert NO_CLASSIFIED_CONTENT in words
    short = marker.title.removesuffix(f" — {marker.agreement.title}")  # not the page's own title again (issue 11)
    assert short != marker.title and f"{short} — Reported by several sources; classification unknown" in words


def test_it_says_so_when_an_agreement_has_no_marker(client):
    words = text(main(page(client, "/agreements/cdao-2025-anthropic-frontier-ai/")))

    assert NO_CLASSIFIED_CONTENT in words
    assert "No marker of a non-public part is recorded." in words


def test_it_shows_related_designations_testing_disclosures_and_events(client):
    words = text(main(page(client, "/agreements/cdao-2025-openai-frontier-ai/")))

    assert "Testing by CDAO: frontier models under the 2025 CDAO OTAs (disclosed 4 August 2025)" in words
    assert "16 June 2025 — Award: DoD announces $200M-ceiling OTA to OpenAI" in words  # its timeline (issue 11)
    # events in date order
    assert words.index("16 June 2025 — Award: DoD announces") < words.index("14 July 2025 — Award: CDAO announces")


def test_it_numbers_every_source_with_its_exact_quote(client):
    html = page(client, "/agreements/cdao-2025-openai-frontier-ai/")

    assert_numbered_footnotes(html, Agreement.objects.get(slug="cdao-2025-openai-frontier-ai"))
    assert "“awarded a $200 million prototype other transaction agreement to OpenAI Public Sector”" in footnote(html, 1)
    assert "(read on a mirror; canonical address)" in text(html)


def test_the_agreement_list_shows_every_public_agreement_with_undisclosed_amounts(client):
    html = page(client, "/agreements/?page_size=100")
    words = text(main(html))

    assert f"{Agreement.objects.public().count()} results." in words
    for agreement in Agreement.objects.public():
        assert agreement.get_absolute_url() in html
    assert "undisclosed" in words and "$0" not in words
    assert "March 2024" in words  # army-2024-palantir-titan, month precision
    assert 'href="csv/?page_size=100"' in html and 'href="feed/?page_size=100"' in html


def test_the_agreement_list_summarises_its_filters_in_plain_english(client):
    words = text(main(page(client, "/agreements/?vendor=anthropic&term_category=domestic_surveillance")))

    assert "Vendor: Anthropic PBC" in words
    assert "Has a current term about: Domestic surveillance" in words


# --- terms ---------------------------------------------------------------------------------

def test_a_term_page_shows_what_the_term_says_and_of_what(client):
    html = page(client, "/terms/pt-openai-dow-intel-agencies-excluded/")
    shown = facts(html)
    term = PublicTerm.objects.get(slug="pt-openai-dow-intel-agencies-excluded")

    assert shown["Of"].startswith("Agreement: OpenAI deployment of advanced AI systems in DoW classified environments")
    assert shown["Category"] == "Intelligence-agency use"
    assert shown["Effect"] == "Prohibits"
    assert shown["Binding-ness"] == "Vendor statement"
    assert shown["Text"] == "Paraphrase"
    assert shown["Status"] == "In force"
    assert shown["Effective"] == "unknown"
    assert "A paraphrase: the exact wording is not public or not quoted here" in text(html)
    assert f"In the registry's words: {term.text}" in text(html)
    assert f"“{term.text}”" not in text(html)
    assert_numbered_footnotes(html, term)


def test_a_vendors_own_policy_says_whose_it_is(client):
    shown = facts(page(client, "/terms/pt-claude-gov-reduced-refusals/"))

    assert shown["Of"] == "The vendor's own policy: Anthropic PBC, not tied to one agreement"


def test_a_department_policy_says_whose_it_is(client):
    shown = facts(page(client, "/terms/pt-dow-ai-strategy-any-lawful-use-mandate/"))

    assert shown["Of"].startswith("Policy of the agency U.S. Department of Defense")
    assert shown["Effect"] == "Permits"


def test_a_verbatim_term_is_quoted_as_verbatim(client):
    wording = "Contractor shall not use the Services for mass domestic surveillance."
    term = make_term(agreement=Agreement.objects.get(slug="cdao-2025-openai-frontier-ai"), text_form="verbatim",
                     text=wording)
    make_citation(term, quote=f"Section 4: {wording}", claims=["text"])

    html = page(client, term.get_absolute_url())

    assert f"Verbatim text, quoted from its source: “{wording}”[1]" in text(html)
    assert footnote_markers(html, "text") == [1]
    assert "In the registry's words" not in text(html)


def test_a_term_shows_what_it_replaces_and_what_replaced_it(client):
    agreement = Agreement.objects.get(slug="cdao-2025-openai-frontier-ai")
    old = make_term(agreement=agreement, title="Old wording", status="superseded")
    new = make_term(agreement=agreement, title="New wording", supersedes=old)

    assert facts(page(client, new.get_absolute_url()))["Replaces"] == "Old wording (superseded)"
    assert facts(page(client, old.get_absolute_url()))["Replaced by"] == "New wording"


def test_the_term_list_shows_every_public_term_with_its_owner(client):
    html = page(client, "/terms/?page_size=100")
    words = text(main(html))

    assert f"{PublicTerm.objects.public().count()} results." in words
    for term in PublicTerm.objects.public():
        assert term.get_absolute_url() in html
    assert "Anthropic PBC (vendor policy)" in words
    assert "DoD (agency policy)" in words


# --- markers -------------------------------------------------------------------------------

def test_a_marker_page_says_the_registry_holds_no_classified_content(client):
    html = page(client, "/addendum-markers/cam-openai-dow-2026/")
    shown = facts(html)
    marker = ClassifiedAddendumMarker.objects.get(slug="cam-openai-dow-2026")

    assert NO_CLASSIFIED_CONTENT in text(html)
    assert shown["Agreement"].startswith("OpenAI deployment of advanced AI systems in DoW classified environments")
    assert shown["Vendors"] == "OpenAI (prime)"
    assert shown["How its existence is known"] == "Reported by several sources"
    assert shown["Classification"] == "Unknown (no source states its level)"
    assert marker.described_subject in text(html)
    assert_numbered_footnotes(html, marker)


def test_a_marker_page_shows_its_events(client):
    words = text(main(page(client, "/addendum-markers/cam-anthropic-claude-gov-classified/")))

    assert "5 June 2025 — Other event: Anthropic announces Claude Gov models" in words


def test_the_marker_list_states_it_and_lists_every_marker(client):
    html = page(client, "/addendum-markers/")
    words = text(main(html))

    assert NO_CLASSIFIED_CONTENT in words
    assert f"{ClassifiedAddendumMarker.objects.public().count()} results." in words
    for marker in ClassifiedAddendumMarker.objects.public():
        assert marker.get_absolute_url() in html


# --- vendors -------------------------------------------------------------------------------

def test_the_anthropic_page_lists_its_agreements_designations_testing_and_events(client):
    html = page(client, "/vendors/anthropic/")
    words = text(main(html))

    for slug in ("cdao-2025-anthropic-frontier-ai", "partnership-2024-anthropic-palantir-aws",
                 "darpa-2023-aixcc-frontier-lab-collaboration"):
        assert f'href="/agreements/{slug}/"' in html
    assert ("Frontier AI prototypes for national security (Anthropic) Prime CDAO 14 July 2025 (announced) "
            "$200M (ceiling) Disputed") in words
    assert 'href="/designations/dow-2026-anthropic-scr-10usc3252/"' in html
    assert ("Supply-chain risk (10 U.S.C. 3252); enjoined; issued by U.S. Department of Defense, called Department "
            "of War since 5 September 2025 (executive order); announced 27 February 2026") in words
    assert "Testing by CDAO: frontier models under the 2025 CDAO OTAs — tested by CDAO" in words
    assert "26 March 2026 — Court order: Judge Rita F. Lin grants Anthropic a preliminary injunction" in words
    assert "The vendor's own policies" in words
    assert 'href="/agreements/?vendor=anthropic"' in html
    assert_numbered_footnotes(html, Vendor.objects.get(slug="anthropic"))


def test_a_vendor_with_two_roles_in_one_agreement_is_listed_once(client):
    vendor = Vendor.objects.get(slug="anthropic")
    agreement = Agreement.objects.get(slug="cdao-2025-anthropic-frontier-ai")
    make_party(agreement, vendor, role="reseller")

    html = page(client, "/vendors/anthropic/")

    assert html.count(f'<th scope="row"><a href="{agreement.get_absolute_url()}">') == 1
    assert "Prime, Reseller" in text(html)


def test_the_vendor_list_counts_agreements_and_designations(client):
    html = page(client, "/vendors/?q=anthropic")
    row = re.search(r'<tr>\s*<th scope="row"><a href="/vendors/anthropic/">.*?</tr>', html, re.S)

    assert row
    assert text(row.group(0)) == "Anthropic PBC Frontier AI lab US 3 2 high"
    assert "1 result" in text(main(html))


# --- agencies ------------------------------------------------------------------------------

def test_the_dod_page_shows_its_names_sub_agencies_agreements_and_designations(client):
    html = page(client, "/agencies/dod/")
    words = text(main(html))
    shown = facts(html)

    assert shown["Also known as"] == "Department of War; DoW; Pentagon; War Department"
    assert shown["Kind"] == "Department"
    assert "Sub-agencies" in words
    for sub in Agency.objects.public().filter(parent__slug="dod"):
        assert f'href="{sub.get_absolute_url()}"' in html
    assert "Chief Digital and Artificial Intelligence Office (CDAO)" in words
    assert ("OpenAI deployment of advanced AI systems in DoW classified environments 27 February 2026 (announced) "
            "undisclosed Active") in words
    assert 'href="/agreements/?agency=dod"' in html
    assert "Supply-chain-risk designation of Anthropic PBC under 10 U.S.C. § 3252 — enjoined; vendor Anthropic PBC" in words
    assert "Permits: All lawful use (policy mandate)" in words
    assert_numbered_footnotes(html, Agency.objects.get(slug="dod"))


def test_a_sub_agency_page_names_its_parent_and_its_participations(client):
    html = page(client, "/agencies/indopacom/")

    assert facts(html)["Part of"] == ("U.S. Department of Defense, called Department of War since 5 September 2025 "
                                      "(executive order)")  # its first mention on the page
    assert "Agreements it takes part in" in text(html)
    assert 'href="/agreements/diu-2025-scale-ai-thunderforge/"' in html


def test_the_agency_list_shows_every_agency_and_its_parent(client):
    html = page(client, "/agencies/?page_size=100")
    words = text(main(html))

    assert f"{Agency.objects.public().count()} results." in words
    row = re.search(r'<tr>\s*<th scope="row"><a href="/agencies/cdao/">.*?</tr>', html, re.S)
    assert text(row.group(0)).startswith("Chief Digital and Artificial Intelligence Office (CDAO) Component DoD US")


# --- retraction and drafts -----------------------------------------------------------------

RECORDS = {
    "agreement": (Agreement, "cdao-2025-openai-frontier-ai", "/agreements/?page_size=100"),
    "term": (PublicTerm, "pt-openai-dow-intel-agencies-excluded", "/terms/?page_size=100"),
    "addendum-marker": (ClassifiedAddendumMarker, "cam-openai-dow-2026", "/addendum-markers/?page_size=100"),
    "vendor": (Vendor, "anthropic", "/vendors/?page_size=100"),
    "agency": (Agency, "cdao", "/agencies/?page_size=100"),
}


@pytest.mark.parametrize("record_type", RECORDS)
def test_a_retracted_record_keeps_its_page_with_a_notice_and_leaves_its_list(client, record_type):
    model, slug, list_url = RECORDS[record_type]
    record = model.objects.get(slug=slug)
    assert record.get_absolute_url() in page(client, list_url)

    retract(record, user=builder_user(), reason="The sources were misread.")

    words = text(main(page(client, record.get_absolute_url())))
    assert "This record was retracted on" in words
    assert "The sources were misread." in words
    assert f'href="{record.get_absolute_url()}"' not in page(client, list_url)


DRAFTS = {
    "agreement": lambda: make_agreement(published=False, title="Secret draft deal"),
    "term": lambda: make_term(published=False, title="Secret draft deal",
                              agreement=Agreement.objects.get(slug="cdao-2025-openai-frontier-ai")),
    "addendum-marker": lambda: make_marker(published=False, title="Secret draft deal",
                                           agreement=Agreement.objects.get(slug="cdao-2025-openai-frontier-ai")),
    "vendor": lambda: make_vendor(published=False, name="Secret draft deal"),
    "agency": lambda: make_agency(published=False, name="Secret draft deal"),
}


@pytest.mark.parametrize("record_type", DRAFTS)
def test_a_draft_is_not_found_by_anonymous_readers_but_shown_to_staff(client, staff, record_type):
    draft = DRAFTS[record_type]()
    list_url = RECORDS[record_type][2]

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret draft deal" not in page(client, list_url)

    client.force_login(staff)
    words = text(main(page(client, draft.get_absolute_url())))
    assert "Draft: not published. Only registry staff can see it." in words
    assert "Secret draft deal" in words
    assert "Secret draft deal" not in page(client, list_url)  # lists show public records only, even to staff


def test_an_unknown_slug_is_a_404(client):
    for url in ("/agreements/no-such/", "/terms/no-such/", "/addendum-markers/no-such/", "/vendors/no-such/",
                "/agencies/no-such/"):
        assert client.get(url).status_code == 404


# --- the page frame ------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/agreements/", "/terms/", "/addendum-markers/", "/vendors/", "/agencies/",
    "/agreements/cdao-2025-openai-frontier-ai/", "/terms/pt-openai-dow-intel-agencies-excluded/",
    "/addendum-markers/cam-openai-dow-2026/", "/vendors/anthropic/", "/agencies/dod/",
])
def test_every_page_has_the_accessible_basics(client, url):
    html = page(client, url)

    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main">' in html
    assert len(re.findall(r"<h1\b", html)) == 1
    if url.count("/") == 2:  # a list: labelled filters and table headers
        fields = re.findall(r'<(?:select|input)[^>]*\bid="([^"]+)"', main(html))
        assert len(fields) >= 4
        for field_id in fields:
            assert f'for="{field_id}"' in html, f"{url}: {field_id} has no label"
        assert '<th scope="col">' in html
