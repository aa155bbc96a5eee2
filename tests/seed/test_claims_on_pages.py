"""Issue 9, defects 3, 4 and the field-confidence part of 9, pinned on the seed: every footnote sits at
the fact it supports and says what that is; general sources come after; a paraphrase is never styled
as a quotation and a verbatim term always is, with its footnote; a field's own confidence is shown
beside it, in the API and in the CSV."""

import csv
import io
import re
from html import unescape

import pytest

from contracts.models import Agreement, PublicTerm
from registry.claims import claims_in_words
from registry.interchange import record_types
from registry.models import Citation, CitedRecord
from registry.templatetags.lists import excerpt
from tests.builders import make_citation, make_term
from tests.reading import facts, footnote_markers, main, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

OPENAI_PILOT = "cdao-2025-openai-frontier-ai"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def footnote_numbers(html):
    return [int(n) for n in re.findall(r'<li id="fn-(\d+)" value="\d+">', html)]


def footnote_text(html, number):
    match = re.search(rf'<li id="fn-{number}" value="{number}">(.*?)</li>', html, re.S)
    assert match, f"no footnote {number}"
    return words(match.group(1))


def attributed_records():
    """Every public record of the seed with at least one citation naming a claim."""
    for record_type in record_types():
        model = record_type.model
        if not issubclass(model, CitedRecord):
            continue
        for record in model.objects.public().prefetch_related("citations"):
            citations = list(record.citations.all())
            if any(c.claims for c in citations):
                yield record, citations


def ordered(citations):
    citations = sorted(citations, key=lambda c: (c.position, c.id))
    return [c for c in citations if c.claims] + [c for c in citations if not c.claims]


def test_the_seed_attributes_citations_to_claims_on_every_kind_of_fact():
    keys = {key for citation in Citation.objects.all() for key in citation.claims}

    assert Citation.objects.exclude(claims=[]).count() > 50
    assert {"ceiling", "obligated", "announced", "status", "occurred", "determined"} <= keys


def test_every_attributed_footnote_sits_at_the_fact_it_supports_and_says_so_in_words(client):
    pages = 0
    for record, citations in attributed_records():
        html = page(client, record.get_absolute_url())
        pages += 1
        for number, citation in enumerate(ordered(citations), start=1):
            for key in citation.claims:
                assert number in footnote_markers(html, key), (record.slug, key, number)
            note = footnote_text(html, number)
            if citation.claims:
                assert f"Supports: {claims_in_words(citation.claims)}." in note, (record.slug, number)
            else:
                assert "A general source: supports the record as a whole." in note
    assert pages > 30


def test_general_sources_are_listed_after_the_attributed_ones_and_only_they_hang_on_the_title(client):
    agreement = Agreement.objects.get(slug=OPENAI_PILOT)
    citations = ordered(agreement.citations.all())
    attributed = [n for n, c in enumerate(citations, start=1) if c.claims]
    general = [n for n, c in enumerate(citations, start=1) if not c.claims]

    html = page(client, agreement.get_absolute_url())
    title = re.search(r"<h1>.*?</h1>", html, re.S).group(0)

    assert attributed and general and max(attributed) < min(general)
    assert footnote_numbers(html) == attributed + general
    assert footnote_markers(title, "general") == general
    assert footnote_markers(html, "ceiling") and footnote_markers(html, "obligated")
    assert "Supports: the ceiling." in footnote_text(html, footnote_markers(html, "ceiling")[0])


def test_no_paraphrase_is_quoted_on_the_agreement_page_the_term_page_or_the_list(client):
    terms = list(PublicTerm.objects.public().select_related("agreement"))
    assert terms and all(term.text_form == "paraphrase" for term in terms)  # every seeded term today
    terms_list = words(main(page(client, "/terms/?page_size=100")))
    for term in terms:
        term_page = page(client, term.get_absolute_url())
        pages = [term_page] + ([page(client, term.agreement.get_absolute_url())] if term.agreement else [])
        for html in pages:
            shown = unescape(html)
            assert f"“{term.text}”" not in words(html), term.slug
            assert not re.search(r"<blockquote[^>]*>[^<]*" + re.escape(term.text), shown), term.slug
            assert f"In the registry's words: {term.text}" in words(html), term.slug
        # the list shows the text's opening words as the registry's, never quoted (issue 11)
        assert f"In the registry's words: {excerpt(term.text)}" in terms_list, term.slug
        assert f"“{excerpt(term.text)}" not in terms_list, term.slug


def test_every_verbatim_term_is_quoted_with_its_footnote_on_the_agreement_and_term_pages(client):
    agreement = Agreement.objects.get(slug=OPENAI_PILOT)
    wording = "The Services shall not be used for mass domestic surveillance of U.S. persons."
    term = make_term(agreement=agreement, text_form="verbatim", text=wording, title="Surveillance clause")
    make_citation(term, quote=f"Section 7. {wording}", claims=["text"])

    agreement_page, term_page = page(client, agreement.get_absolute_url()), page(client, term.get_absolute_url())

    [number] = footnote_markers(agreement_page, f"term:{term.slug}")
    assert f"“{wording}”[{number}]" in words(agreement_page)
    assert f"“Section 7. {wording}”" in footnote_text(agreement_page, number)
    assert "Supports: the wording of the term “Surveillance clause”." in footnote_text(agreement_page, number)
    assert re.search(r'<blockquote class="term-text verbatim">“' + re.escape(wording), unescape(agreement_page))
    [own] = footnote_markers(term_page, "text")
    assert f"“{wording}”[{own}]" in words(term_page)
    assert "In the registry's words" not in words(term_page)


def test_a_low_confidence_piid_says_so_beside_it_on_a_high_confidence_record(client):
    html = page(client, f"/agreements/{OPENAI_PILOT}/")
    shown = facts(html)

    assert shown["Confidence"].startswith("High")
    assert shown["Contract number (PIID)"] == "HQ0883-25-9-0012 (low confidence)"
    maven = facts(page(client, "/agreements/cdao-2024-palantir-maven-smart-system/"))
    assert maven["Contract number (PIID)"] == "W911QX-24-D-0012 (medium confidence)"
    no_rating = facts(page(client, "/agreements/cdao-2025-anthropic-frontier-ai/"))
    assert "confidence" not in no_rating["Contract number (PIID)"]


def test_field_confidence_and_claims_are_in_the_api(client):
    body = client.get(f"/api/v1/agreements/{OPENAI_PILOT}/").json()

    assert body["confidence"] == "high"
    assert body["field_confidence"] == {"piid": "low"}
    ceiling = [c for c in body["citations"] if "ceiling" in c["claims"]]
    assert ceiling and all("$200" in c["quote"] for c in ceiling)
    assert any(c["claims"] == [] for c in body["citations"])


def test_the_csv_has_a_piid_confidence_column(client):
    response = client.get("/agreements/csv/")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_slug = {row["slug"]: row for row in rows}

    assert by_slug[OPENAI_PILOT]["piid_confidence"] == "low"
    assert by_slug["cdao-2024-palantir-maven-smart-system"]["piid_confidence"] == "medium"
    assert by_slug["cdao-2025-anthropic-frontier-ai"]["piid_confidence"] == ""


@pytest.mark.parametrize("slug, said, key", [
    ("cdao-2025-palantir-mss-task-order", "Weakly sourced: the federal award amount", "amount:federal_award_amount"),
    ("cdao-2025-palantir-mss-task-order", "Weakly sourced: the start date", "amount:"),
    ("cdao-2024-palantir-maven-smart-system", "Weakly sourced: the end date", "Weakly sourced: end"),
])
def test_a_weakly_sourced_claim_is_named_in_words_not_by_its_key(client, slug, said, key):
    """The weak-sourcing note names the fact as the footnotes do ("the start date"), never a claim key."""
    shown = words(main(page(client, f"/agreements/{slug}/")))
    assert said in shown
    assert key not in shown.replace(said, "")
    assert "<code>" not in page(client, f"/agreements/{slug}/").split('class="notice weak-sourcing"')[1].split("</div>")[0]


def test_terms_disclosure_none_beside_listed_terms_says_they_are_not_in_force(client):
    """Anthropic's OTA lists four public terms, all requested and refused: "Terms disclosure: None" alone would
    contradict them, so the page says that no term in force is public and what the listed ones are."""
    shown = words(main(page(client, "/agreements/cdao-2025-anthropic-frontier-ai/")))
    assert ("Terms disclosure None — no term in force is public; the terms listed below are not in force "
            "(requested and refused)") in shown
    for slug in ("cdao-2024-palantir-maven-smart-system", "dow-2026-openai-classified-deployment"):
        assert "no term in force is public" not in words(main(page(client, f"/agreements/{slug}/")))


def test_a_status_note_is_labelled_as_the_sources_wording_not_a_second_status(client):
    """USMC counter-UAS: status Announced, described by the sources as "awarded"; the page does not show two
    statuses side by side as if they disagreed."""
    shown = facts(page(client, "/agreements/usmc-2025-anduril-installation-cuas/"))
    assert shown["Status"].startswith("Announced — as the sources describe it: awarded")


def test_the_contract_number_carries_the_footnote_of_the_quote_naming_it(client):
    """The Maven ceiling increase's low-confidence PIID: its confidence and the one source that gives it."""
    html = page(client, "/agreements/cdao-2025-palantir-maven-ceiling-increase/")
    shown = facts(html)
    assert shown["Contract number (PIID)"].startswith("W911QX-24-D-0012 (low confidence)")
    assert 'id="ref-' in html and re.search(r'id="ref-\d+-piid"', html)


def test_the_first_reported_date_carries_the_footnote_of_the_report_of_that_day(client):
    html = page(client, "/agreements/dod-2024-palantir-mss-five-services/")
    assert facts(html)["First reported"].startswith("19 September 2024")
    assert re.search(r'id="ref-\d+-first_reported"', html)
    assert "Supports: the first reported" not in words(html)  # named in words


def test_the_disclosure_date_carries_the_footnotes_of_the_reports_of_that_day(client):
    html = page(client, "/testing-disclosures/td-2023-dod-azure-openai-experimentation/")
    assert facts(html)["First disclosed"].startswith("6 March 2026")
    assert re.search(r'id="ref-\d+-disclosed"', html)


def test_the_methodology_says_how_a_footnote_is_put_at_a_fact(client):
    about = words(main(page(client, "/about/")))
    assert "their markers sit beside the record's title" in about
    assert "its own date, not its quoted words, supports that date" in about
    assert "A fact with no footnote beside it is one that no quoted source states in so many words" in about
