"""The shipped seed data, loaded through load_seed: every research record, faithfully."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
from disclosures.models import Designation, Event, TestingDisclosure
from registry.interchange import record_types
from registry.models import ChangeLog, Citation, Source

ROOT = Path(__file__).resolve().parents[2]
RESEARCH = json.loads((ROOT / "registry" / "seed" / "research" / "research-facts-2026-11.json").read_text())
SUPPLEMENT = json.loads((ROOT / "registry" / "seed" / "research" / "research-facts-2026-12-supplement.json").read_text())
SEED = json.loads((ROOT / "registry" / "seed" / "seed.json").read_text())

pytestmark = pytest.mark.django_db

RESEARCH_KEYS = {
    Agency: "agencies", Vendor: "vendors", Agreement: "agreements", PublicTerm: "public_terms",
    ClassifiedAddendumMarker: "classified_addendum_markers", Designation: "designations",
    TestingDisclosure: "testing_disclosures", Event: "events",
}


@pytest.mark.parametrize(("model", "key"), RESEARCH_KEYS.items(), ids=lambda v: getattr(v, "__name__", v))
def test_every_research_record_is_loaded_and_public(seeded, model, key):
    research_ids = {record["id"] for record in RESEARCH[key]}
    loaded = set(model.objects.public().values_list("slug", flat=True))

    assert research_ids <= loaded
    assert model.objects.public().count() >= len(RESEARCH[key])


def test_every_published_record_has_a_citation_with_its_exact_quote(seeded):
    seed_quotes = {(t.name, r["slug"]): {c["quote"] for c in r.get("citations", [])}
                   for t in record_types() for r in SEED.get(t.plural, [])}
    for record_type in record_types():
        if record_type.name == "source":
            continue
        for record in record_type.model.objects.public().prefetch_related("citations"):
            quotes = {c.quote for c in record.citations.all()}
            assert quotes, f"{record_type.name} {record.slug} has no citation"
            assert quotes == seed_quotes[(record_type.name, record.slug)]


def test_every_quote_is_copied_from_the_research_file(seeded):
    research_quotes = {s["quote"] for data in (RESEARCH, SUPPLEMENT) for key, records in data.items()
                       if isinstance(records, list) and key in RESEARCH_KEYS.values()
                       for record in records for s in record.get("sources", [])}
    research_quotes |= {addition["source"]["quote"] for addition in SUPPLEMENT["source_additions"]}

    assert set(Citation.objects.values_list("quote", flat=True)) <= research_quotes


def test_unread_pointers_are_unverified_sources_without_citations(seeded):
    unread = Source.objects.filter(verified=False)

    assert unread.exists()
    assert not Citation.objects.filter(source__in=unread).exists()
    assert Source.objects.get(url="https://www.anthropic.com/news/statement-comments-secretary-war").verified is False


def test_the_cdao_july_2025_frontier_ai_awards_have_200_million_ceilings(seeded):
    awards = Agreement.objects.filter(awarding_agency__slug="cdao", announced_on__year=2025, announced_on__month=7,
                                      ceiling_amount=200_000_000)

    assert awards.count() >= 3
    for award in awards:
        assert award.ceiling.as_json() == {"amount": "200000000.00", "currency": "USD"}
        assert award.obligated is None  # a ceiling is not an obligation


def test_the_anthropic_supply_chain_risk_designation_and_its_injunction(seeded):
    designation = Designation.objects.get(slug="dow-2026-anthropic-scr-10usc3252")

    assert designation.vendor.slug == "anthropic"
    assert designation.kind == Designation.Kind.SUPPLY_CHAIN_RISK_3252
    assert "3252" in designation.authority_cited
    assert designation.announced.isoformat() == "2026-02-27"
    injunction = Event.objects.get(kind=Event.Kind.COURT_ORDER, links__designation=designation,
                                   occurred_on="2026-03-26")
    assert "N.D." in injunction.court or "Northern District" in injunction.court


def test_the_azure_openai_testing_disclosure_is_dated_2023_and_not_confirmed(seeded):
    disclosure = TestingDisclosure.objects.get(slug="td-2023-dod-azure-openai-experimentation")

    assert disclosure.tested_start.isoformat().startswith("2023")
    assert disclosure.tested_from_precision in {"year", "month", "day"}
    assert disclosure.confirmed_by_agency != TestingDisclosure.Confirmed.YES
    assert disclosure.disclosed.isoformat() == "2026-03-06"
    assert {link.vendor.slug for link in disclosure.vendor_links.all()} == {"openai", "microsoft"}


def test_month_only_dates_stay_month_only(seeded):
    research = {r["id"]: r for r in RESEARCH["agreements"]}
    month_only = [slug for slug, r in research.items() if len(r.get("announced_date") or "") == 7]

    assert month_only
    for slug in month_only:
        agreement = Agreement.objects.get(slug=slug)
        assert agreement.announced_on_precision == "month"
        assert agreement.announced.isoformat() == research[slug]["announced_date"]


def test_undisclosed_amounts_are_null_never_zero(seeded):
    assert not Agreement.objects.filter(ceiling_amount=0).exists()
    assert not Agreement.objects.filter(obligated_amount=0).exists()
    undisclosed = [r["id"] for r in RESEARCH["agreements"]
                   if all(v.get("amount_usd") is None for v in r.get("values", []))]
    assert undisclosed
    assert not Agreement.objects.filter(slug__in=undisclosed, ceiling_amount__isnull=False).exists()


def test_agreements_without_an_agency_and_terms_without_an_agreement_are_kept(seeded):
    assert Agreement.objects.filter(awarding_agency__isnull=True).exists()
    assert PublicTerm.objects.filter(agreement__isnull=True).exists()
    assert "Department of War" in Agency.objects.get(slug="dod").aliases


def test_loading_the_seed_again_changes_nothing(seeded, capsys):
    before = (ChangeLog.objects.count(), Agreement.history.count(), Citation.history.count())

    call_command("load_seed")

    assert (ChangeLog.objects.count(), Agreement.history.count(), Citation.history.count()) == before
    assert "Nothing changed" in capsys.readouterr().out


def test_the_seed_is_written_by_the_write_path_with_its_reason(seeded):
    assert set(ChangeLog.objects.values_list("reason", flat=True)) == {"seed data"}
    assert ChangeLog.objects.filter(action="created").count() == sum(
        t.model.objects.count() for t in record_types())
