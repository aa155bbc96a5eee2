"""The converter's editorial pass (registry/seed/editorial.py): each rule, and nothing lost from the notes.
Pure Python: no database, no Django."""

import json
import re
from decimal import Decimal

import pytest

from registry.seed import convert_research as converter
from registry.seed import editorial

ISO_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
AMOUNT = re.compile(r"(?:US)?\$\s?\d[\d,.]*(?:\s?(?:million|billion|[MBK]))?\b")
NOT_TEXT = re.compile(r"(^id$|_ids?$|url$|^date$|^published$|_date$|^start$|^end$)")


@pytest.fixture(scope="module")
def research():
    return json.loads(converter.DEFAULT_RESEARCH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def supplement():
    return json.loads(converter.DEFAULT_SUPPLEMENT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(research, supplement):
    return converter.convert(research, supplement)


def strings(value, key=""):
    """(key, text) of every string in a research value, ids and addresses left out."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from strings(child, child_key)
    elif isinstance(value, list):
        for child in value:
            yield from strings(child, key)
    elif isinstance(value, str) and not NOT_TEXT.search(key):
        yield key, value


def unescaped(text):
    return re.sub(r"\\([\\`*\[\]<>])", r"\1", text)


# --- nothing lost ---------------------------------------------------------------------------------

def test_every_date_and_amount_string_of_the_research_is_in_a_field_or_the_rewritten_notes(research, seed):
    held = unescaped(json.dumps(seed, ensure_ascii=False))
    missing = []
    for key in converter.RESEARCH_TYPES:
        for record in research[key]:
            for field, text in strings({k: v for k, v in record.items() if k != "sources"}):
                for date in ISO_DATE.findall(text):
                    if date not in held and editorial.humanize_date(date) not in held:
                        missing.append((record["id"], field, date))
                for amount in AMOUNT.findall(text):
                    if amount not in held:
                        missing.append((record["id"], field, amount))
    assert missing == []


def test_every_research_amount_is_in_the_seed_as_money_or_words(research, seed):
    held = json.dumps(seed, ensure_ascii=False)
    for record in research["agreements"]:
        for value in record.get("values") or []:
            amount = value.get("amount_usd")
            if amount is not None:
                assert f"{Decimal(str(amount)):.2f}" in held or f"{amount:,}" in held, (record["id"], amount)


def test_every_unread_pointer_is_still_named_in_its_records_notes(research, seed):
    notes = {record["slug"]: unescaped(record["notes"]) for plural in converter.PLURALS for record in seed[plural]}
    for key in converter.RESEARCH_TYPES:
        for record in research[key]:
            for pointer in record.get("primary_url_pointers") or []:
                assert pointer["url"] in notes[record["id"]], (record["id"], pointer["url"])
                assert editorial.UNREAD_HEADING in notes[record["id"]]


# --- the rules, one by one ------------------------------------------------------------------------

def test_a_vocabulary_value_reads_as_its_label():
    assert editorial.label("requested_and_refused") == "Requested and refused"  # the model's own label
    assert editorial.label("dod_component") == "DoD component"
    assert editorial.label("supply_chain_risk_to_national_security") == "supply chain risk to national security"


def test_bookkeeping_goes_and_classifications_become_one_sentence():
    links = editorial.Links({"designations": [{"slug": "scr", "title": "Supply-chain risk"}]})
    notes = "\n".join(["Research designation type: supply_chain_risk_to_national_security",
                       "Status history [0] (recorded as an event): date: 2026-02-27; status: announced",
                       "Related designations: scr"])

    rewritten = editorial.rewrite(notes, links)

    assert "Status history" not in rewritten and "recorded as an event" not in rewritten
    assert "The research classes it as: supply chain risk to national security." in rewritten
    assert "Related designations: “Supply-chain risk”." in rewritten


def test_unread_pointers_become_one_list_of_links_at_the_end():
    notes = ("Primary URL pointer, not read (kept as an unverified source): https://example.gov/a_b\n"
             "End note: two-year term\n"
             "Primary URL pointer, not read (kept as an unverified source): https://example.gov/c")

    rewritten = editorial.rewrite(notes, editorial.Links({}))

    assert rewritten == ("End note: Two-year term.\n\n**Primary sources not yet read:**\n\n"
                         "- [example.gov/a_b](https://example.gov/a_b)\n- [example.gov/c](https://example.gov/c)")


def test_an_address_in_prose_becomes_a_link_and_markdown_characters_are_escaped():
    assert editorial.prose("see https://example.org/x. *not emphasis*") == (
        "see [example.org/x](https://example.org/x). \\*not emphasis\\*")


def test_a_described_status_history_entry_spells_its_date_out():
    assert editorial.described("date: 2026-03-26; status: order stayed 7 days; confidence: low") == (
        "26 March 2026: order stayed 7 days; confidence: low.")


def test_a_secondary_title_becomes_the_name_note_with_the_orders_date():
    name, note = editorial.name_note("U.S. Department of Defense (secondary title: Department of War)",
                                     "An executive order of 2025-09-05 authorized 'Department of War'.")

    assert name == "U.S. Department of Defense"
    assert note == "called Department of War since 5 September 2025 (executive order)"
    assert editorial.name_note("Army Contracting Command", "") == ("Army Contracting Command", "")


def test_last_verified_is_the_compile_date_of_the_last_file_stating_the_record():
    research = {"meta": {"compiled_on": "2026-11-28"}, "agreements": [{"id": "a", "sources": []}, {"id": "b"}]}
    supplement = {"meta": {"compiled_on": "2026-12-01"}, "source_additions": [
        {"record_id": "b", "source": {"url": "https://example.org/new"}}]}
    seed = {"agreements": [{"slug": "a"}, {"slug": "b"}],
            "sources": [{"url": "https://example.org/new", "verified": True},
                        {"url": "https://example.org/pointer", "verified": False}]}

    editorial.set_last_verified(seed, research, supplement)

    assert [r["last_verified_on"] for r in seed["agreements"]] == ["2026-11-28", "2026-12-01"]
    assert [r["last_verified_on"] for r in seed["sources"]] == ["2026-12-01", None]


def test_sources_differ_keeps_each_value_with_the_quotes_that_state_it(research, supplement):
    cited = []
    facts = editorial.disputed_facts(research, supplement, lambda entry, owner: cited.append(entry) or entry["quote"])

    [fact] = facts["dow-2026-anthropic-scr-10usc3252"]
    by_value = {value["value"]: value["citations"] for value in fact["values"]}
    assert all("March 3" in quote for quote in by_value["2026-03-03"])
    assert all("March 4" in quote for quote in by_value["2026-03-04"])
    assert "3 vs 4 March" in fact["note"]


def test_a_quote_that_states_neither_date_is_not_attributed(research, supplement):
    facts = editorial.disputed_facts(research, supplement, lambda entry, owner: entry["quote"])
    quotes = {quote for fact in facts["dow-2026-anthropic-scr-10usc3252"] for value in fact["values"]
              for quote in value["citations"]}

    assert "Anthropic received a letter from the Department of War confirming that we have been designated as a " \
           "supply chain risk" not in quotes  # it says a letter came, not on which day


def test_without_the_supplement_only_one_value_is_sourced_so_nothing_is_disputed(research):
    assert editorial.disputed_facts(research, None, lambda entry, owner: entry["quote"]) == {}


def test_the_seed_keeps_the_determined_date_and_both_sourced_values(seed):
    [designation] = [d for d in seed["designations"] if d["slug"] == "dow-2026-anthropic-scr-10usc3252"]
    sources = {source["slug"] for source in seed["sources"]}

    assert designation["determined"] == "2026-03-03"
    assert [value["value"] for value in designation["disputed_facts"][0]["values"]] == ["2026-03-03", "2026-03-04"]
    assert {c["source"] for value in designation["disputed_facts"][0]["values"] for c in value["citations"]} <= sources


def test_terms_disclosure_follows_the_terms_in_force(seed):
    current = {term["agreement"] for term in seed["terms"] if term["status"] in ("in_force", "disputed")}
    for agreement in seed["agreements"]:
        assert (agreement["terms_disclosure"] != "none") == (agreement["slug"] in current), agreement["slug"]


def test_research_ids_in_prose_become_record_titles(seed):
    """A status note, summary or note that points at another record by its research id names it by title."""
    by_slug = {record["slug"]: record for plural in editorial.PAGE_PATHS for record in seed[plural]}
    assert by_slug["cdao-2024-palantir-maven-smart-system"]["status_note"] == (
        "active; ceiling raised in May 2025 (see “Maven Smart System software licenses – contract modification "
        "raising ceiling”)")
    assert by_slug["ev-2024-02-azure-openai-azure-government"]["summary"].startswith(
        "Context for “Testing by DoD: OpenAI models via Microsoft Azure OpenAI Service”.")
    ids = [record["slug"] for plural in editorial.ID_TYPES for record in seed[plural] if re.search(r"\d", record["slug"])]
    pattern = re.compile(r"(?<![\w/.\-])(" + "|".join(map(re.escape, ids)) + r")(?![\w/\-])")
    for slug, record in by_slug.items():
        for field in ("status_note", "summary", "notes"):
            assert not pattern.search(record.get(field) or ""), (slug, field)


def test_an_id_in_an_address_is_left_alone():
    seed = {"agreements": [{"slug": "ag-2025-x", "title": "X *deal*", "notes": "See ag-2025-x and "
                            "[a](https://e.com/ag-2025-x/)", "status_note": "see ag-2025-x"}]}
    editorial.record_ids_as_titles(seed)
    assert seed["agreements"][0]["notes"] == "See “X \\*deal\\*” and [a](https://e.com/ag-2025-x/)"
    assert seed["agreements"][0]["status_note"] == "see “X *deal*”"


def test_a_term_asserted_by_a_record_names_it(seed):
    """The research's "asserted_by" is an id ("openai", "dod"): the note names the vendor or agency."""
    terms = {term["slug"]: term["notes"] for term in seed["terms"]}
    assert "Asserted by: OpenAI." in terms["pt-openai-dow-all-lawful-purposes"]
    notes = "\n".join(terms.values())
    for bare in ("Asserted by: Openai", "Asserted by: Dod", "Asserted by: Scale-ai", "Asserted by: Uk-mod"):
        assert bare not in notes
    assert "Asserted by: U.S. Department of Defense." in notes
