"""The converter's claim rules (CLAIM_RULES in registry/seed/convert_research.py): one test per rule
and per way of writing a value, and the quotes that must NOT be attributed. Pure Python: no database."""

import json
from pathlib import Path

import pytest

from registry.seed import convert_research as converter

SEED = Path(__file__).resolve().parents[2] / "registry" / "seed" / "seed.json"


def claims(plural, record, quote, published=None):
    """What every rule together attributes to one citation of ``record`` (``published``: its source's date)."""
    found = []
    for rule in converter.CLAIM_RULES:
        found += [key for key in rule.keys(plural, record, {"quote": quote}, published) if key not in found]
    return found


AGREEMENT = {"slug": "a", "announced": "2024-05-29", "awarded": None, "start": None, "end": "2029-05",
             "ceiling": {"amount": "480000000.00", "currency": "USD"},
             "obligated": {"amount": "1999998.00", "currency": "USD"}, "status": "announced"}


# --- the amount rule ------------------------------------------------------------------------------

@pytest.mark.parametrize("quote", ["a contract worth as much as $480 million", "a $480M ceiling",
                                   "a ceiling of $480,000,000", "ceiling: $0.48 billion"])
def test_the_amount_rule_attributes_the_ceiling_a_quote_states(quote):
    assert converter.amount_claims("agreements", AGREEMENT, quote) == ["ceiling"]


def test_the_amount_rule_attributes_the_obligation_written_to_the_dollar():
    quote = "funds in the amount of $1,999,998 are being obligated at the time of award"

    assert converter.amount_claims("agreements", AGREEMENT, quote) == ["obligated"]


def test_the_amount_rule_attributes_an_entry_of_the_amounts_list_by_its_kind():
    record = {**AGREEMENT, "ceiling": None, "amounts": [
        {"kind": "ceiling_increase", "amount": "795000000.00", "currency": "USD", "as_of": None, "note": ""},
        {"kind": "resulting_ceiling", "amount": "1300000000.00", "currency": "USD", "as_of": None, "note": ""}]}

    assert converter.amount_claims("agreements", record, "upping the limit by $795 million") == ["amount:ceiling_increase"]
    assert converter.amount_claims("agreements", record, "to about $1.3B") == ["amount:resulting_ceiling"]


@pytest.mark.parametrize("quote", [
    "Palantir received a $178 million contract",  # rounded: a different number from $480 million
    "five times larger than the $100 million deal",  # another agreement's amount
    "a 480 million-strong user base",  # no dollar sign: not an amount in dollars
    "the contract has a ceiling",  # no number at all
])
def test_the_amount_rule_never_attributes_a_different_number(quote):
    assert converter.amount_claims("agreements", AGREEMENT, quote) == []


def test_the_amount_rule_reads_no_amount_of_a_record_without_one():
    assert converter.amount_claims("events", {"occurred": "2024-05-29"}, "a $480 million award") == []


# --- the date rule ----------------------------------------------------------------------------------

@pytest.mark.parametrize("quote", ["The five-year contract, announced on May 29",  # a day without its year
                                   "announced May 29, 2024", "announced 29 May 2024", "Date: 2024-05-29",
                                   "announced on Wednesday, May 29th, 2024"])
def test_the_date_rule_attributes_the_day_a_quote_states(quote):
    assert converter.date_claims("agreements", AGREEMENT, quote) == ["announced"]


@pytest.mark.parametrize("quote", ["The contract has an expected May 2029 completion date", "ends 2029-05"])
def test_the_date_rule_attributes_a_month_precise_date_by_its_month(quote):
    assert converter.date_claims("agreements", AGREEMENT, quote) == ["end"]


def test_the_date_rule_reads_abbreviated_month_names():
    record = {"announced": "2023-09-26"}

    assert converter.date_claims("agreements", record, "announced by the Department of Defense on Sept. 26") == ["announced"]
    assert converter.date_claims("agreements", {"announced": "2025-12-09"}, "announced Dec. 9, 2025") == ["announced"]


@pytest.mark.parametrize("quote", [
    "A June 3 Pentagon decision reaffirmed",  # the date of another event
    "announced on May 29, 2023",  # the same day of another year
    "announced in May 2024",  # a month does not state a day
    "runs through 2029",  # a year alone never
    "announced May 30",  # the day after
])
def test_the_date_rule_never_attributes_a_date_the_record_does_not_hold(quote):
    assert converter.date_claims("agreements", AGREEMENT, quote) == []


def test_a_date_equal_to_several_fields_goes_only_to_those_the_quote_names():
    record = {"announced": "2025-07-31", "start": "2025-07-31"}

    assert converter.date_claims("agreements", record, "The Army ended the fragmentation on July 31, 2025.") == []
    assert converter.date_claims("agreements", record, "announced on July 31, 2025") == ["announced"]
    assert converter.date_claims("agreements", record, "work started July 31, 2025") == ["start"]


def test_the_date_rule_uses_each_types_own_date_fields():
    designation = {"announced": "2026-02-27", "determined": "2026-03-03", "noticed": "2026-03-04"}

    assert converter.date_claims("designations", designation, "the March 3 letter and associated determination") == [
        "determined"]
    assert converter.date_claims("events", {"occurred": "2026-03-03"}, "on March 3") == ["occurred"]
    assert converter.date_claims("testing_disclosures", {"disclosed": "2026-03-06"}, "reported on March 6") == [
        "disclosed"]


# --- the status rule ----------------------------------------------------------------------------------

def test_the_status_rule_attributes_a_word_that_states_the_status():
    assert converter.status_claims("designations", {"status": "enjoined"},
                                   "enjoined DoW and Secretary Hegseth from implementing") == ["status"]
    assert converter.status_claims("designations", {"status": "in_effect"},
                                   "A federal appeals court on Wednesday refused to block the Pentagon") == ["status"]
    assert converter.status_claims("agreements", {"status": "active"}, "it had deployed its genAI software") == [
        "status"]


@pytest.mark.parametrize(("status", "quote"), [
    ("enjoined", "the court denied a preliminary injunction"),  # a denial before the word
    ("enjoined", "A federal appeals court refused to block the Pentagon"),  # a word of another status
    ("in_effect", "Judge Lin enjoined the designation"),
    ("reported", "the designation was reported by Bloomberg"),  # no status is read as 'reported'
])
def test_the_status_rule_never_attributes_another_or_a_denied_status(status, quote):
    assert converter.status_claims("designations", {"status": status}, quote) == []


def test_an_unknown_status_is_never_read_off_a_quote():
    assert converter.status_claims("agreements", {"status": "unknown"}, "the status is unknown; announced") == []


# --- the wording rule ----------------------------------------------------------------------------------

def test_the_wording_rule_attributes_the_quote_holding_a_verbatim_terms_text():
    term = {"text": "shall not be used for mass domestic surveillance", "text_form": "verbatim"}

    assert converter.wording_claims("terms", term, "Section 4: it shall not be used for mass domestic surveillance.") == [
        "text"]


@pytest.mark.parametrize(("text_form", "quote"), [
    ("paraphrase", "it shall not be used for mass domestic surveillance"),  # a paraphrase is never quoted
    ("verbatim", "it shall not be used for domestic surveillance"),  # not word for word
])
def test_the_wording_rule_never_attributes_a_paraphrase_or_other_words(text_form, quote):
    term = {"text": "shall not be used for mass domestic surveillance", "text_form": text_form}

    assert converter.wording_claims("terms", term, quote) == []


def test_the_piid_rule_attributes_the_quote_naming_the_agreements_contract_number():
    agreement = {"piid": "W911QX-24-D-0012"}
    assert converter.piid_claims("agreements", agreement,
                                 "contract modification (P00005) to contract W911QX-24-D-0012") == ["piid"]


@pytest.mark.parametrize("quote", [
    "CDAO MSS TASK ORDER OFF OF CONTRACT W519TC25D0039",  # the parent's number, not the order's
    "contract W911QX-24-D-00123",  # a longer number
    "a contract with the Army",
])
def test_the_piid_rule_never_attributes_another_number(quote):
    assert converter.piid_claims("agreements", {"piid": "W911QX-24-D-0012"}, quote) == []
    assert converter.piid_claims("agreements", {"piid": "W9128Z26FA001"}, quote) == []
    assert converter.piid_claims("agreements", {"piid": ""}, quote) == []


@pytest.mark.parametrize(("reported", "published"), [("2024-09-19", "2024-09-19"), ("2024-02", "2024-02-22")])
def test_the_first_reported_rule_attributes_a_source_dated_that_day(reported, published):
    agreement = {"first_reported": reported}
    assert converter.first_reported_claims("agreements", agreement, "any words", published) == ["first_reported"]


@pytest.mark.parametrize(("reported", "published"), [
    ("2026-02-23", "2026-02-24"),  # the xAI classified deal: its sources are dated the day after
    ("2024-02", "2024-03-01"), ("2024-09-19", None), (None, "2024-09-19"), ("2024-09-19", "2024-09"),
])
def test_the_first_reported_rule_never_attributes_a_source_dated_otherwise(reported, published):
    assert converter.first_reported_claims("agreements", {"first_reported": reported}, "any", published) == []
    assert converter.first_reported_claims("events", {"first_reported": "2024-09-19"}, "any", "2024-09-19") == []


def test_the_first_reported_rule_attributes_a_disclosure_dated_that_day():
    disclosure = {"disclosed": "2026-03-06"}
    assert converter.first_reported_claims("testing_disclosures", disclosure, "any", "2026-03-06") == ["disclosed"]
    assert converter.first_reported_claims("testing_disclosures", disclosure, "any", "2026-03-05") == []


# --- the pass over the seed ---------------------------------------------------------------------------

def test_attribution_rebuilds_citations_so_a_shared_citation_keeps_each_records_claims():
    shared = {"source": "s", "quote": "enjoined on March 3", "locator": "", "claims": []}
    seed = {plural: [] for plural in converter.PLURALS}
    seed["designations"] = [{"slug": "d", "status": "enjoined", "determined": "2026-03-03", "citations": [shared]}]
    seed["events"] = [{"slug": "e", "occurred": "2026-03-04", "citations": [shared]}]

    converter.attribute_claims(seed)

    assert seed["designations"][0]["citations"][0]["claims"] == ["determined", "status"]
    assert seed["events"][0]["citations"][0]["claims"] == []
    assert shared["claims"] == []


def test_the_committed_seed_attributes_only_what_the_rules_give():
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    dates = converter.source_dates(seed)
    for plural in converter.PLURALS[1:]:
        for record in seed[plural]:
            for citation in record["citations"]:
                assert citation["claims"] == claims(plural, record, citation["quote"], dates[citation["source"]]), \
                    (record["slug"], citation)


def test_the_mapping_and_the_command_say_how_many_citations_were_attributed(capsys, tmp_path):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    attributed, total = converter.claim_counts(seed)
    mapping = (SEED.parent / "MAPPING.md").read_text(encoding="utf-8")

    assert 0 < attributed < total
    assert f"{attributed} of {total} citations name the facts their quote states" in mapping
    for rule in converter.CLAIM_RULES:
        assert f"| {rule.name} |" in mapping

    converter.main(["--out", str(tmp_path)])

    assert f"Citations attributed to claims: {attributed} of {total}" in capsys.readouterr().out


def test_the_seed_gives_field_confidence_where_the_research_rates_a_field():
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    records = {record["slug"]: record for plural in converter.PLURALS[1:] for record in seed[plural]}

    assert records["cdao-2025-openai-frontier-ai"]["field_confidence"] == {"piid": "low"}
    assert records["cdao-2025-openai-frontier-ai"]["confidence"] == "high"
    assert records["cdao-2024-palantir-maven-smart-system"]["field_confidence"] == {"piid": "medium"}
    assert records["dow-2026-anthropic-scr-41usc4713"]["field_confidence"] == {"determined": "low"}
    assert records["openai"]["field_confidence"] == {}
    assert all("field_confidence" in record for record in records.values())
