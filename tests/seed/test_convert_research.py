"""The research converter (registry/seed/convert_research.py): the committed seed is what it produces now,
and it is faithful to the research file. Pure Python: no database, no Django."""

import ast
import copy
import json
import re
from pathlib import Path

import pytest

from registry.normalize import normalize_url
from registry.seed import convert_research as converter

ROOT = Path(__file__).resolve().parents[2]
RESEARCH_PATH = ROOT / "registry" / "seed" / "research" / "research-facts-2026-11.json"
SUPPLEMENT_PATH = ROOT / "registry" / "seed" / "research" / "research-facts-2026-12-supplement.json"
SEED_DIR = ROOT / "registry" / "seed"

RESEARCH_TO_PLURAL = {
    "agencies": "agencies", "vendors": "vendors", "agreements": "agreements", "public_terms": "terms",
    "classified_addendum_markers": "addendum_markers", "designations": "designations",
    "testing_disclosures": "testing_disclosures", "events": "events",
}
LINK_TYPE_TO_PLURAL = {
    "agency": "agencies", "vendor": "vendors", "agreement": "agreements", "term": "terms",
    "addendum-marker": "addendum_markers", "designation": "designations",
    "testing-disclosure": "testing_disclosures", "event": "events",
}
# (plural, field) -> (model file, TextChoices class) whose values the field must use.
VOCABULARY = {
    ("sources", "kind"): ("registry/models.py", "Source.Kind"),
    ("agencies", "kind"): ("contracts/models.py", "Agency.Kind"),
    ("vendors", "kind"): ("contracts/models.py", "Vendor.Kind"),
    ("agreements", "vehicle"): ("contracts/models.py", "Agreement.Vehicle"),
    ("agreements", "status"): ("contracts/models.py", "Agreement.Status"),
    ("agreements", "terms_disclosure"): ("contracts/models.py", "Agreement.TermsDisclosure"),
    ("agreements", "federal_data_status"): ("contracts/models.py", "Agreement.FederalDataStatus"),
    ("terms", "category"): ("contracts/models.py", "PublicTerm.Category"),
    ("terms", "effect"): ("contracts/models.py", "PublicTerm.Effect"),
    ("terms", "text_form"): ("contracts/models.py", "PublicTerm.TextForm"),
    ("terms", "binding"): ("contracts/models.py", "PublicTerm.Binding"),
    ("terms", "status"): ("contracts/models.py", "PublicTerm.Status"),
    ("addendum_markers", "existence"): ("contracts/models.py", "ClassifiedAddendumMarker.Existence"),
    ("addendum_markers", "classification"): ("contracts/models.py", "ClassifiedAddendumMarker.Classification"),
    ("designations", "kind"): ("disclosures/models.py", "Designation.Kind"),
    ("designations", "status"): ("disclosures/models.py", "Designation.Status"),
    ("testing_disclosures", "test_kind"): ("disclosures/models.py", "TestingDisclosure.TestKind"),
    ("testing_disclosures", "channel"): ("disclosures/models.py", "TestingDisclosure.Channel"),
    ("testing_disclosures", "confirmed_by_agency"): ("disclosures/models.py", "TestingDisclosure.Confirmed"),
    ("events", "kind"): ("disclosures/models.py", "Event.Kind"),
}
MAX_LENGTHS = {
    "sources": {"title": 500, "url": 1000, "canonical_url": 1000, "publisher": 300},
    "agencies": {"name": 300, "acronym": 30},
    "vendors": {"name": 300},
    "agreements": {"title": 300, "piid": 50},
    "terms": {"title": 300},
    "addendum_markers": {"title": 300},
    "designations": {"title": 300, "issuing_official": 200, "authority_cited": 300},
    "testing_disclosures": {"title": 300, "models_tested": 500},
    "events": {"title": 300, "court": 200, "case_number": 100, "docket_url": 1000},
}
DATE_FIELDS = {
    "sources": ("published",), "agreements": ("announced", "awarded", "start", "end"), "terms": ("effective",),
    "addendum_markers": ("known_since",), "designations": ("announced", "determined", "noticed", "effective", "ended"),
    "testing_disclosures": ("tested_from", "tested_to", "disclosed"), "events": ("occurred",),
}
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@pytest.fixture(scope="module")
def research():
    return json.loads(RESEARCH_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def supplement():
    return json.loads(SUPPLEMENT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(research):
    return converter.convert(research)


@pytest.fixture(scope="module")
def records(seed):
    """plural -> slug -> record."""
    return {plural: {record["slug"]: record for record in seed[plural]} for plural in converter.PLURALS}


def model_choices(relative_path, class_path):
    """The values of a TextChoices class, read from the model file's syntax tree (no Django import)."""
    node = ast.parse((ROOT / relative_path).read_text(encoding="utf-8"))
    for name in class_path.split("."):
        node = next(n for n in ast.walk(node) if isinstance(n, ast.ClassDef) and n.name == name)
    return {stmt.value.elts[0].value for stmt in node.body
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple)}


def usd(amount):
    return {"amount": f"{amount}.00", "currency": "USD"}


def research_quotes(research, supplement=None):
    """research id -> the exact quotes of its source entries (with the supplement's records and additions)."""
    quotes = {}
    for data in (research, supplement or {}):
        for key in RESEARCH_TO_PLURAL:
            for record in data.get(key) or []:
                quotes.setdefault(record["id"], set()).update(source["quote"] for source in record.get("sources") or [])
    for addition in (supplement or {}).get("source_additions") or []:
        quotes.setdefault(addition["record_id"], set()).add(addition["source"]["quote"])
    return quotes


# --- the committed files ------------------------------------------------------------------------------

def test_committed_seed_is_what_the_converter_produces_now(research, seed):
    committed = (SEED_DIR / "seed.json").read_text(encoding="utf-8")
    assert json.loads(committed) == seed
    assert committed == converter.seed_text(seed)
    assert committed.endswith("}\n")


def test_committed_mapping_is_what_the_converter_produces_now(research, supplement):
    assert (SEED_DIR / "MAPPING.md").read_text(encoding="utf-8") == converter.render_mapping(research, supplement)


def test_two_runs_give_identical_output_and_leave_the_research_alone(research):
    before = copy.deepcopy(research)
    first, second = converter.convert(research), converter.convert(copy.deepcopy(research))
    assert converter.seed_text(first) == converter.seed_text(second)
    assert converter.render_mapping(research) == converter.render_mapping(copy.deepcopy(research))
    assert research == before


# --- every research record arrives, with its citations ---------------------------------------------------

def test_every_research_record_is_in_the_seed_under_its_id(research, seed, records):
    for key, plural in RESEARCH_TO_PLURAL.items():
        assert len(seed[plural]) >= len(research[key])
        missing = [record["id"] for record in research[key] if record["id"] not in records[plural]]
        assert not missing, f"{key}: {missing}"


def test_mapping_lists_every_research_record_and_status_history_entry(research):
    mapping = converter.render_mapping(research)
    for key in RESEARCH_TO_PLURAL:
        for record in research[key]:
            assert f"| {key}/{record['id']} |" in mapping
    for designation in research["designations"]:
        for position, _ in enumerate(designation.get("status_history") or []):
            assert f"| designations/{designation['id']} status_history[{position}] |" in mapping


def test_every_record_but_sources_quotes_its_research_sources_exactly(research, supplement, seed):
    quotes = research_quotes(research, supplement)
    for plural in converter.PLURALS[1:]:
        for record in seed[plural]:
            assert record["citations"], f"{plural}/{record['slug']} has no citation"
            exact = [c for c in record["citations"] if c["quote"] in quotes.get(record["slug"], set())]
            assert exact, f"{plural}/{record['slug']}: no quote copied from the research"


def test_every_research_quote_is_a_citation_of_its_record(research, records):
    for key, plural in RESEARCH_TO_PLURAL.items():
        for record in research[key]:
            cited = {c["quote"] for c in records[plural][record["id"]]["citations"]}
            assert {s["quote"] for s in record["sources"]} <= cited


def test_citations_name_sources_that_exist_and_were_read(seed, records):
    for plural in converter.PLURALS[1:]:
        for record in seed[plural]:
            for citation in record["citations"]:
                source = records["sources"].get(citation["source"])
                assert source, f"{plural}/{record['slug']} cites unknown source {citation['source']}"
                assert source["verified"], f"{plural}/{record['slug']} cites an unread pointer"
                assert citation["locator"] == "" and isinstance(citation["claims"], list)


def test_sources_are_one_per_url_with_unique_slugs(seed):
    urls = [source["url"] for source in seed["sources"]]
    slugs = [source["slug"] for source in seed["sources"]]
    assert len(set(urls)) == len(urls) and len(set(slugs)) == len(slugs)
    assert all(len(slug) <= 100 for slug in slugs)
    assert all(source["canonical_url"] != source["url"] for source in seed["sources"])


def test_unread_primary_url_pointers_are_unverified_sources_named_in_notes(research, records):
    read = {converter.normalize_url(s["url"]) for key in RESEARCH_TO_PLURAL for r in research[key] for s in r["sources"]}
    sources = {source["url"]: source for source in records["sources"].values()}
    for key, plural in RESEARCH_TO_PLURAL.items():
        for record in research[key]:
            for pointer in record.get("primary_url_pointers") or []:
                url = converter.normalize_url(pointer["url"])
                assert sources[url]["verified"] is (url in read)
                assert pointer["url"] in records[plural][record["id"]]["notes"]


# --- references and vocabulary -------------------------------------------------------------------------

def references(seed):
    """(referring record, referenced plural, slug) for every reference to another record in the seed."""
    for agency in seed["agencies"]:
        yield agency["slug"], "agencies", agency["parent"]
    for agreement in seed["agreements"]:
        yield agreement["slug"], "agencies", agreement["awarding_agency"]
        yield agreement["slug"], "agreements", agreement["parent"]
        yield from ((agreement["slug"], "agencies", slug) for slug in agreement["participating_agencies"])
        yield from ((agreement["slug"], "vendors", party["vendor"]) for party in agreement["parties"])
    for term in seed["terms"]:
        yield from ((term["slug"], plural, term[field])
                    for field, plural in (("agreement", "agreements"), ("agency", "agencies"), ("vendor", "vendors")))
    yield from ((marker["slug"], "agreements", marker["agreement"]) for marker in seed["addendum_markers"])
    for designation in seed["designations"]:
        yield designation["slug"], "vendors", designation["vendor"]
        yield designation["slug"], "agencies", designation["issuing_agency"]
        yield from ((designation["slug"], "agreements", item["agreement"]) for item in designation["affected_agreements"])
    for disclosure in seed["testing_disclosures"]:
        yield disclosure["slug"], "agencies", disclosure["agency"]
        yield from ((disclosure["slug"], "vendors", slug) for slug in disclosure["vendors"])
        yield from ((disclosure["slug"], "agreements", slug) for slug in disclosure["agreements"])
    for event in seed["events"]:
        yield from ((event["slug"], LINK_TYPE_TO_PLURAL[link["type"]], link["slug"]) for link in event["links"])


def test_every_reference_resolves(seed, records):
    broken = [ref for ref in references(seed) if ref[2] is not None and ref[2] not in records[ref[1]]]
    assert not broken
    assert all(term["agreement"] or term["agency"] or term["vendor"] for term in seed["terms"])
    assert all(marker["agreement"] for marker in seed["addendum_markers"])
    assert all(d["vendor"] for d in seed["designations"]) and all(t["agency"] for t in seed["testing_disclosures"])


def test_vocabulary_values_are_the_models_choices(seed):
    for (plural, field), (path, class_path) in VOCABULARY.items():
        allowed = model_choices(path, class_path) | ({""} if field == "channel" else set())
        used = {record[field] for record in seed[plural]}
        assert used <= allowed, f"{plural}.{field}: {used - allowed}"
    confidence = model_choices("registry/models.py", "Confidence")
    assert {record["confidence"] for plural in converter.PLURALS for record in seed[plural]} <= confidence
    roles = model_choices("contracts/models.py", "AgreementParty.Role")
    assert {party["role"] for a in seed["agreements"] for party in a["parties"]} <= roles
    link_roles = model_choices("disclosures/models.py", "EventLink.Role")
    assert {link["role"] for e in seed["events"] for link in e["links"]} <= link_roles


def test_slugs_lengths_dates_and_publication(seed):
    for plural in converter.PLURALS:
        for record in seed[plural]:
            assert SLUG.fullmatch(record["slug"]) and len(record["slug"]) <= 120
            assert record["published_at"] == "2026-11-28T00:00:00Z" and "created_at" not in record
            for field, limit in MAX_LENGTHS.get(plural, {}).items():
                assert len(record[field]) <= limit, f"{plural}/{record['slug']}.{field}"
            for field in DATE_FIELDS.get(plural, ()):
                assert record[field] is None or PARTIAL_DATE.fullmatch(record[field]), f"{record['slug']}.{field}"
    assert all(event["occurred"] for event in seed["events"])


def test_notes_hold_text_not_placeholders(seed):
    for plural in converter.PLURALS:
        for record in seed[plural]:
            for line in record["notes"].splitlines():
                assert not re.search(r": (None|False|True|null|\[\]|\{\})$", line), f"{record['slug']}: {line}"


def test_dates_are_in_order(seed):
    # Widest reading, as the models compare them: an end of '2026' is not before a start of '2026-03'.
    pairs = (("agreements", "start", "end"), ("testing_disclosures", "tested_from", "tested_to"),
             ("testing_disclosures", "tested_from", "disclosed"), ("designations", "effective", "ended"))
    for plural, start, end in pairs:
        for record in seed[plural]:
            if record[start] and record[end]:
                assert record[end] >= record[start][: len(record[end])], f"{record['slug']}: {end} before {start}"


# --- faithfulness rules ------------------------------------------------------------------------------------

def test_partial_dates_keep_their_precision(research, records):
    carried = {"agreements": (("announced_date", "announced"), ("signed_date", "awarded")),
               "designations": (("announced_date", "announced"), ("determination_date", "determined"),
                                ("formal_notice_received_date", "noticed")),
               "testing_disclosures": (("disclosed_date", "disclosed"),), "events": (("date", "occurred"),)}
    month_only = 0
    for key, pairs in carried.items():
        for record in research[key]:
            out = records[RESEARCH_TO_PLURAL[key]][record["id"]]
            period = record.get("period") or {}
            for research_field, field in (*pairs, *((("start", "start"), ("end", "end")) if period else ())):
                value = period.get(research_field) if research_field in ("start", "end") else record.get(research_field)
                assert out[field] == value, f"{record['id']}.{research_field}"
                month_only += len(value or "") == 7
    assert month_only >= 10
    assert records["agreements"]["cdao-2025-anthropic-frontier-ai"]["start"] == "2025-07"
    assert records["events"]["ev-2026-03-claude-iran-use-reported"]["occurred"] == "2026-03"
    assert records["agreements"]["darpa-2023-aixcc-frontier-lab-collaboration"]["end"] == "2025"


def test_source_publication_dates_are_carried_over(research, records):
    sources = {source["url"]: source for source in records["sources"].values()}
    for key in RESEARCH_TO_PLURAL:
        for record in research[key]:
            for entry in record["sources"]:
                assert sources[converter.normalize_url(entry["url"])]["published"] == entry.get("published")


def test_only_ceiling_values_become_ceilings_and_only_obligated_values_obligations(research, records):
    for agreement in research["agreements"]:
        out = records["agreements"][agreement["id"]]
        values = agreement.get("values") or []
        ceilings = [v["amount_usd"] for v in values if v["value_type"] == "ceiling" and v["amount_usd"] is not None]
        obligated = [v["amount_usd"] for v in values
                     if v["value_type"].startswith("obligated") and v["amount_usd"] is not None]
        assert out["ceiling"] == (usd(ceilings[0]) if ceilings else None), agreement["id"]
        assert out["obligated"] == (usd(obligated[0]) if obligated else None), agreement["id"]


def test_every_other_value_with_an_amount_is_a_typed_amount_with_its_note(research, records):
    typed = 0
    for agreement in research["agreements"]:
        out = records["agreements"][agreement["id"]]
        others = [v for v in agreement.get("values") or [] if v["amount_usd"] is not None
                  and v["value_type"] not in ("ceiling", "obligated_at_award")]
        assert [(a["amount"], a["currency"]) for a in out["amounts"]] == \
               [(usd(v["amount_usd"])["amount"], "USD") for v in others], agreement["id"]
        for value, amount in zip(others, out["amounts"], strict=True):
            assert amount["kind"] == converter.VALUE_KIND[value["value_type"]][0]
            assert value.get("note", "") in amount["note"]
            assert amount["as_of"] is None  # the research dates no value
            typed += 1
    assert typed == 13


def test_values_with_no_amount_are_described_in_value_note(research, records):
    for agreement in research["agreements"]:
        out = records["agreements"][agreement["id"]]
        for value in agreement.get("values") or []:
            if value["amount_usd"] is None:
                assert converter.value_type_words(value["value_type"]) in out["value_note"], agreement["id"]
                assert value.get("note", "") in out["value_note"]
    assert "£750m" in records["agreements"]["uk-mod-2025-palantir-strategic-partnership"]["value_note"]


def test_value_notes_read_as_prose(records):
    """A value note names a value's type in words, never as the research's snake_case, nor the converter's
    "(recorded as ceiling)" bookkeeping."""
    notes = {slug: out["value_note"] for slug, out in records["agreements"].items() if out.get("value_note")}
    for slug, note in notes.items():
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", note), (slug, note)
        assert "recorded as" not in note, (slug, note)
    assert notes["cdao-2025-openai-frontier-ai"] == (
        "Obligated at award, USD 1,999,998 (shown as the amount obligated): FY2025 RDT&E funds")
    assert notes["uk-mod-2025-palantir-strategic-partnership"].startswith(
        "Reported in another currency only: no USD amount given — GBP figures only")
    assert notes["dow-2026-openai-classified-deployment"] == (
        "Undisclosed: no USD amount given — some aggregators claim a $200M OTA; not confirmed by sources read")


@pytest.mark.parametrize(("slug", "kind", "amount"), [
    ("usmc-2025-anduril-installation-cuas", "reported_award_value", "642000000.00"),
    ("army-2024-palantir-titan", "reported_award_value", "178400000.00"),
    ("cdao-2025-palantir-mss-task-order", "federal_award_amount", "252458698.00"),
    ("cdao-2025-palantir-maven-ceiling-increase", "ceiling_increase", "795000000.00"),
    ("cdao-2025-palantir-maven-ceiling-increase", "resulting_ceiling", "1300000000.00"),
    ("cdao-2026-scale-ai-production-ota-ceiling-increase", "resulting_ceiling", "500000000.00"),
    ("army-2025-anduril-ngc2-prototype-ota", "reported_award_value", "99600000.00"),
    ("dod-2024-palantir-mss-five-services", "reported_award_value", "100000000.00"),
])
def test_the_reported_amounts_of_issue_9_are_typed(records, slug, kind, amount):
    assert {"kind": kind, "amount": amount} in [{"kind": a["kind"], "amount": a["amount"]}
                                                for a in records["agreements"][slug]["amounts"]]


def test_ceiling_increases_are_not_ceilings(records):
    for slug in ("cdao-2025-palantir-maven-ceiling-increase", "cdao-2026-scale-ai-production-ota-ceiling-increase"):
        agreement = records["agreements"][slug]
        assert agreement["ceiling"] is None
        assert "ceiling_increase" in [a["kind"] for a in agreement["amounts"]]


def test_the_reported_date_is_the_first_reported_date(research, records):
    for agreement in research["agreements"]:
        assert records["agreements"][agreement["id"]]["first_reported"] == agreement.get("reported_date")
    assert records["agreements"]["dod-2024-palantir-mss-five-services"]["first_reported"] == "2024-09-19"


def test_every_agreement_announced_unknown_has_a_best_known_date_in_the_research(research, records):
    unknown = [a for a in research["agreements"] if not a.get("announced_date")]
    assert len(unknown) == 7
    for agreement in unknown:
        out = records["agreements"][agreement["id"]]
        assert out["announced"] is None
        assert out["awarded"] or out["first_reported"] or out["start"], agreement["id"]


def test_undisclosed_amounts_are_null(research, records):
    undisclosed = [a for a in research["agreements"] if all(v["amount_usd"] is None for v in a.get("values") or [])]
    assert len(undisclosed) >= 10
    for agreement in undisclosed:
        out = records["agreements"][agreement["id"]]
        assert out["ceiling"] is None and out["obligated"] is None, agreement["id"]


def test_cdao_2025_frontier_ai_awards_have_200m_ceilings(research, records):
    july = {a["id"] for a in research["agreements"]
            if a["agency_id"] == "cdao" and (a["announced_date"] or "").startswith("2025-07") and "frontier" in a["id"]}
    assert july == {"cdao-2025-anthropic-frontier-ai", "cdao-2025-google-frontier-ai", "cdao-2025-xai-frontier-ai"}
    for slug in (*july, "cdao-2025-openai-frontier-ai"):
        assert records["agreements"][slug]["ceiling"] == {"amount": "200000000.00", "currency": "USD"}
        assert records["agreements"][slug]["awarding_agency"] == "cdao"


def test_anthropic_3252_designation_and_its_preliminary_injunction(records):
    designation = records["designations"]["dow-2026-anthropic-scr-10usc3252"]
    assert designation["kind"] == "supply_chain_risk_3252"
    assert designation["status"] == "enjoined" and designation["status_note"] == "contested; preliminarily enjoined"
    assert "As stated by the government" in designation["scope"] and "The vendor's reading" in designation["scope"]
    injunctions = [e for e in records["events"].values()
                   if e["kind"] == "court_order" and "preliminary injunction" in e["title"]
                   and {"role": "subject", "type": "designation", "slug": designation["slug"]} in e["links"]]
    assert len(injunctions) == 1
    order = injunctions[0]
    assert order["occurred"] == "2026-03-26"
    assert order["court"] == "U.S. District Court, N.D. California" and order["case_number"] == "3:26-cv-01996"
    assert "3:26-cv-01996 (from docket URL pointer; not read)" in order["notes"]
    assert any(link["type"] == "vendor" and link["slug"] == "anthropic" for link in order["links"])


def test_every_status_history_entry_is_an_event_linked_to_designation_and_vendor(research, records):
    for designation in research["designations"]:
        for entry in designation.get("status_history") or []:
            events = [e for e in records["events"].values() if e["occurred"] == entry["date"]
                      and entry["status"] in e["notes"]
                      and any(link["type"] == "designation" and link["slug"] == designation["id"] for link in e["links"])]
            assert len(events) == 1, (designation["id"], entry)
            assert any(link["type"] == "vendor" and link["slug"] == designation["vendor_id"] for link in events[0]["links"])


def test_azure_openai_testing_disclosure(records):
    disclosure = records["testing_disclosures"]["td-2023-dod-azure-openai-experimentation"]
    assert disclosure["tested_from"] == "2023" and disclosure["tested_to"] is None
    assert disclosure["confirmed_by_agency"] == "no"
    assert "2023 (began); per report, while OpenAI's own usage policy still banned military use" in disclosure["notes"]
    assert disclosure["vendors"] == ["openai", "microsoft"] and disclosure["channel"] == "press_report"


def test_agreements_without_agency_are_vendor_partnerships(research, records):
    for agreement in research["agreements"]:
        if agreement["agency_id"] is None:
            out = records["agreements"][agreement["id"]]
            assert out["awarding_agency"] is None
            assert {party["role"] for party in out["parties"]} == {"partner"}
            assert {party["vendor"] for party in out["parties"]} == set(agreement["vendor_ids"])


def test_markers_never_claim_a_known_classification(records):
    for marker in records["addendum_markers"].values():
        assert marker["classification"] == "unknown"
        assert marker["existence"] in {"reported_by_one_source", "reported_by_several_sources", "inferred"}
        assert "No source read confirms a formal classified annex." in marker["notes"]


# --- what happens to values with no home ---------------------------------------------------------------

def altered(research, change):
    """A copy of the research with one change applied, for the paths the real file does not take."""
    data = copy.deepcopy(research)
    change(data)
    return data


def test_unresolvable_ids_go_to_notes_and_mapping(research):
    data = altered(research, lambda d: d["events"][0]["related_ids"].append("no-such-record"))
    event = next(e for e in converter.convert(data)["events"] if e["slug"] == data["events"][0]["id"])
    assert "Unresolved related ids id: no-such-record (no such record in the research)." in event["notes"]
    assert all(link["slug"] != "no-such-record" for link in event["links"])
    assert "related_ids `no-such-record` names no research record" in converter.render_mapping(data)


def test_unknown_research_fields_are_kept_in_notes(research):
    data = altered(research, lambda d: d["agencies"][0].update(mystery={"a": 1}))
    agency = next(a for a in converter.convert(data)["agencies"] if a["slug"] == data["agencies"][0]["id"])
    assert 'Mystery (research): {"a": 1}' in agency["notes"]
    assert "field `mystery` is unknown to the converter" in converter.render_mapping(data)


def test_a_status_history_entry_without_its_event_becomes_a_new_event(research):
    entry = {"date": "2026-07-01", "status": "rescinded by the department"}
    data = altered(research, lambda d: d["designations"][0]["status_history"].append(entry))
    designation = data["designations"][0]
    seed = converter.convert(data)
    new = [e for e in seed["events"] if e["occurred"] == "2026-07-01" and entry["status"] in e["notes"]]
    assert len(new) == 1 and new[0]["citations"]
    assert {"role": "subject", "type": "designation", "slug": designation["id"]} in new[0]["links"]
    assert {"role": "subject", "type": "vendor", "slug": designation["vendor_id"]} in new[0]["links"]


def test_free_text_dates_keep_only_what_they_vouch_for():
    assert converter.tested_period("2023 (began); per report") == ("2023", None)
    assert converter.tested_period("2024-06 to 2025-12-31 (sunset)") == ("2024-06", "2025-12-31")
    assert converter.tested_period("began early March 2026") == ("2026-03", None)
    assert converter.tested_period("planned from late 2024 / 2025") == (None, None)
    assert converter.tested_period("evaluation under way in January 2025") == (None, None)


# --- the December 2026 supplement ----------------------------------------------------------------------

def test_meta_and_mapping_name_both_research_files(seed):
    assert seed["meta"]["generated_from"] == ["research-facts-2026-11.json", "research-facts-2026-12-supplement.json"]
    assert seed["meta"]["supplement_meta"]["compiled_on"] == "2026-12-01"
    mapping = (SEED_DIR / "MAPPING.md").read_text(encoding="utf-8")
    assert "## What came from which file" in mapping
    assert "| supplement events/ev-2025-09-05-department-of-war-eo | events |" in mapping


def test_the_first_file_alone_still_converts_without_supplement_records(research):
    alone = converter.convert(research, None)
    assert alone["meta"]["generated_from"] == ["research-facts-2026-11.json"]
    assert "ev-2025-09-05-department-of-war-eo" not in {event["slug"] for event in alone["events"]}
    assert {source["tier"] for source in alone["sources"]} == {"not_assessed"}


def test_every_supplement_record_is_in_the_seed_with_its_quotes_exact(supplement, records):
    for key, plural in RESEARCH_TO_PLURAL.items():
        for data in supplement[key]:
            record = records[plural][data["id"]]
            assert [c["quote"] for c in record["citations"]] == list(dict.fromkeys(
                s["quote"] for s in data["sources"]))
            assert record["confidence"] == data["confidence"]


def test_supplement_vocabulary_maps_to_the_closest_kind_and_keeps_the_research_value(records):
    ndaa = records["events"]["ev-2025-12-fy2026-ndaa-ai-provisions"]
    drones = records["events"]["ev-2026-02-16-drone-swarm-challenge-reported"]
    assert (ndaa["kind"], drones["kind"]) == ("policy", "report")
    assert "legislative text unveiled" in ndaa["notes"] and "competition entry reported" in drones["notes"]
    for slug in ("pt-omb-m-25-22-ai-acquisition", "pt-openai-usage-policy-military-ban-removed"):
        term = records["terms"][slug]
        assert (term["category"], term["effect"]) == ("other", "unclear")
    assert "procurement policy scope" in records["terms"]["pt-omb-m-25-22-ai-acquisition"]["notes"]


def test_each_source_addition_is_a_citation_of_its_record_with_the_exact_quote(supplement, seed, records):
    sources = {source["slug"]: source for source in seed["sources"]}
    for addition in supplement["source_additions"]:
        plural = next(p for p in converter.PLURALS[1:] if addition["record_id"] in records[p])
        record = records[plural][addition["record_id"]]
        urls = {sources[c["source"]]["url"] for c in record["citations"] if c["quote"] == addition["source"]["quote"]}
        assert normalize_url(addition["source"]["url"]) in urls, addition["record_id"]


def test_every_source_carries_its_assessed_tier_and_new_sources_are_not_assessed(supplement, seed):
    assessed = {normalize_url(item["url"]): item for item in supplement["source_assessments"]}
    first_file_urls = {normalize_url(url) for url in assessed}
    for source in seed["sources"]:
        if source["url"] in assessed:
            assert source["tier"] == assessed[source["url"]]["tier"]
            assert source["tier_reason"] == converter.tier_reason_words(assessed[source["url"]]["reason"])
        else:
            assert source["tier"] == "not_assessed" and "not assessed" in source["tier_reason"]
    assert first_file_urls <= {source["url"] for source in seed["sources"]}
    straits = next(s for s in seed["sources"] if "straitstimes.com" in s["url"])
    assert straits["tier"] == "not_assessed"


def test_weakly_sourced_claims_are_carried_onto_their_records(supplement, records):
    """Carried word for word, except that a research id names its record by title and a research list
    position ("status history [3]") is dropped (converter.weak_claim_words)."""
    index = {slug: (plural, record) for plural in converter.PLURALS[1:] for slug, record in records[plural].items()}
    expected = {}
    for item in supplement["weakly_sourced_claims"]:
        expected.setdefault(item["record_id"], []).append(
            {"claim": converter.weak_claim_words(item["claim"], index),
             "why": converter.weak_claim_words(item["why"], index)})
    found = {slug: record["weakly_sourced_claims"] for plural in converter.PLURALS[1:]
             for slug, record in records[plural].items() if record.get("weakly_sourced_claims")}
    assert found == expected
    changed = [item for item in supplement["weakly_sourced_claims"]
               if converter.weak_claim_words(item["claim"], index) != item["claim"]
               or converter.weak_claim_words(item["why"], index) != item["why"]]
    assert len(changed) == 1  # the FASCSA track's status history entry, the only one with an id or position


def test_the_two_anthropic_designations_name_each_other(records):
    main, second = "dow-2026-anthropic-scr-10usc3252", "dow-2026-anthropic-scr-41usc4713"
    assert records["designations"][main]["related_designations"] == [second]
    assert records["designations"][second]["related_designations"] == [main]
    assert "related_designations" not in records["designations"]["dod-2026-1260h-alibaba"]


def test_every_added_event_link_is_named_by_a_quote_and_actors_stay_links(research, supplement, records):
    by_id = {e["id"]: e for e in research["events"] + supplement["events"]}
    patterns = {(t, slug): pattern for t, slug, pattern in converter.name_patterns(
        {"vendors": list(records["vendors"].values()), "designations": list(records["designations"].values())})}
    for slug, event in records["events"].items():
        data = by_id.get(slug, {})
        for actor in data.get("actor_ids") or []:
            assert any(link["slug"] == actor and link["role"] == "actor" for link in event["links"]), slug
        stated = set(data.get("actor_ids") or []) | set(data.get("related_ids") or [])
        for link in event["links"]:
            if link["slug"] in stated or "status history of" in event["notes"].lower():
                continue  # stated by the research, or linked by its designation's status history
            if link["type"] in ("vendor", "designation"):
                pattern = patterns[link["type"], link["slug"]]
                assert any(pattern.search(c["quote"]) for c in event["citations"]), (slug, link)


def test_events_link_what_their_quotes_name_and_the_amicus_brief_links_nothing(records):
    filing = records["events"]["ev-2026-06-08-dow-denies-retaliation"]
    assert {"role": "subject", "type": "vendor", "slug": "anthropic"} in filing["links"]
    amicus = records["events"]["ev-2026-03-amicus-ai-employees"]
    assert not any("Anthropic" in c["quote"] for c in amicus["citations"])
    assert amicus["links"] == []
    # A vendor named in a quote is linked; one only in the title (Anthropic, "excluded") is not.
    networks = records["events"]["ev-2026-05-01-classified-networks-agreements"]
    assert all(link["slug"] != "anthropic" for link in networks["links"])


def test_vendor_names_drop_descriptions_and_corporate_suffixes():
    assert converter.vendor_names({"name": "Anthropic PBC", "aliases": []}) == ["Anthropic PBC", "Anthropic"]
    assert "AWS" in converter.vendor_names({"name": "Amazon Web Services (AWS)", "aliases": []})
    assert converter.vendor_names({"name": "Microsoft (incl. Azure OpenAI Service)", "aliases": []}) == ["Microsoft"]


def test_the_mapping_notes_choices_are_applied(records):
    thunderforge = records["agreements"]["diu-2025-scale-ai-thunderforge"]
    roles = {party["vendor"]: party["role"] for party in thunderforge["parties"]}
    assert roles["anduril"] == roles["microsoft"] == "partner"
    assert "subcontractor or partner; the sources do not say which" in thunderforge["notes"]
    vetting = records["testing_disclosures"]["td-2025-cdao-frontier-model-vetting"]
    assert (vetting["channel"], vetting["confirmed_by_agency"]) == ("press_report", "yes")
    for slug in ("dod-2026-1260h-alibaba", "dod-2026-1260h-baidu"):
        listing = records["designations"][slug]
        assert listing["status"] == "reported"
        assert "withdrawn before publication" in listing["status_note"] and "not a listing in effect" in listing["status_note"]
    fascsa = records["designations"]["dow-2026-anthropic-scr-41usc4713"]
    assert fascsa["noticed"] is None and fascsa["announced"] is None
    assert "Public notice of this designation was reported for 2026-03-05" in fascsa["notes"]


def test_no_tier_reason_names_a_field_of_the_review(records):
    for slug, source in records["sources"].items():
        assert "canonical_url" not in source["tier_reason"], slug
