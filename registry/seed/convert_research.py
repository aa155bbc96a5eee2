"""Convert the research file into the registry's interchange format (docs/interchange.md).

    python -m registry.seed.convert_research [--research PATH] [--out DIR]

Reads ``research-facts-2026-11.json`` and its supplement ``research-facts-2026-12-supplement.json``
(``--supplement``, or ``--no-supplement``) and writes ``seed.json`` and ``MAPPING.md`` next to this
file (or into ``--out``). The conversion is meant to be faithful: a research value that has no
field in the format, or no matching vocabulary value, is kept word for word in a note field and
listed in MAPPING.md, never dropped. Every record is published at the research compile date and
records are sorted by slug, so two runs give byte-identical files.

Standard library only (no Django): it runs anywhere, and its tests need no database.
"""

import argparse
import calendar
import datetime
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from registry.normalize import normalize_url
from registry.seed import editorial

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESEARCH_NAME = "research-facts-2026-11.json"
# A copy of the shared research file ships with the project, so the seed can be rebuilt (and checked)
# on any clone. tests/seed/test_convert_research.py checks the copy against ../shared when present.
DEFAULT_RESEARCH = Path(__file__).resolve().parent / "research" / RESEARCH_NAME
SUPPLEMENT_NAME = "research-facts-2026-12-supplement.json"
DEFAULT_SUPPLEMENT = Path(__file__).resolve().parent / "research" / SUPPLEMENT_NAME
DEFAULT_OUT = Path(__file__).resolve().parent

# The research compile date: a fixed publication time keeps reruns byte-identical.
PUBLISHED_AT = "2026-11-28T00:00:00Z"

# Research list key -> (interchange plural, link type in event links), in load order.
RESEARCH_TYPES = {
    "agencies": ("agencies", "agency"),
    "vendors": ("vendors", "vendor"),
    "agreements": ("agreements", "agreement"),
    "public_terms": ("terms", "term"),
    "classified_addendum_markers": ("addendum_markers", "addendum-marker"),
    "designations": ("designations", "designation"),
    "testing_disclosures": ("testing_disclosures", "testing-disclosure"),
    "events": ("events", "event"),
}
PLURALS = ["sources", *(plural for plural, _ in RESEARCH_TYPES.values())]
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
NO_RULE = "no rule matched: default value, research text kept in notes"


# --- vocabulary mappings ----------------------------------------------------------------------
# Every table below is also printed in MAPPING.md, with the values actually seen and their counts.

@dataclass(frozen=True)
class Rule:
    """One line of a free-text mapping: if ``pattern`` occurs (case-insensitive), the value is ``value``."""

    pattern: str
    value: str
    why: str


def classify(rules, text, default, default_why=NO_RULE):
    """(value, why) of the first rule whose pattern occurs in ``text``; the default when none does."""
    for rule in rules:
        if re.search(rule.pattern, text or "", re.IGNORECASE | re.DOTALL):
            return rule.value, rule.why
    return default, default_why


CONFIDENCE = ("high", "medium", "low")

AGENCY_KIND = {
    "department": ("department", "same value"),
    "military_department": ("department", "a military department is a department (within DoD)"),
    "allied_defence_ministry": ("department", "a defence ministry is a government department"),
    "dod_component": ("component", "a DoD component"),
    "dod_combat_support_agency": ("component", "a DoD combat support agency is a DoD component"),
    "dod_intelligence_agency": ("component", "a DoD intelligence agency is a DoD component"),
    "military_service": ("component", "a military service within a military department"),
    "combatant_command": ("command", "a combatant command"),
    "executive_office": ("executive_office", "same value"),
    "allied_international_agency": ("other", "an international (NATO) agency: no closer value"),
}
# ISO 3166-1 codes where the registry default "US" would be wrong.
AGENCY_COUNTRY = {
    "uk-mod": ("GB", "UK Ministry of Defence"),
    "nato-ncia": ("ZZ", "NATO agency: no country; ZZ is the ISO 3166 user-assigned code for unknown/international"),
}
# The research gives no company type: these are the converter's editorial choices.
VENDOR_KIND = {
    "openai": "frontier_lab", "anthropic": "frontier_lab", "google": "frontier_lab", "xai": "frontier_lab",
    "meta": "frontier_lab", "deepseek": "frontier_lab", "reflection-ai": "frontier_lab",
    "microsoft": "cloud_provider", "aws": "cloud_provider", "oracle": "cloud_provider",
    "palantir": "defense_technology", "anduril": "defense_technology", "l3harris": "defense_technology",
    "swarm-aero": "defense_technology", "scale-ai": "data_services",
}
VENDOR_KIND_WHY = "editorial"
VENDOR_COUNTRY = {
    "deepseek": ("CN", "research: 'Hangzhou-based AI developer'"),
    "alibaba": ("CN", "research: on DoD's Section 1260H list of Chinese military companies"),
    "baidu": ("CN", "research: on DoD's Section 1260H list of Chinese military companies"),
    "biasbounty-ai": ("ZZ", "country not established by the research (ZZ: ISO 3166 user-assigned 'unknown')"),
}

VEHICLE_RULES = (
    Rule(r"modification|amendment|ceiling increase", "amendment", "a modification, amendment or ceiling increase"),
    Rule(r"production other transaction", "ot_production", "a production other transaction agreement"),
    Rule(r"prototype other transaction", "ot_prototype", "a prototype other transaction agreement"),
    Rule(r"task/delivery order|task order", "idiq_task_order", "a task/delivery order"),
    Rule(r"enterprise (agreement|ordering vehicle)", "enterprise_agreement", "an enterprise agreement/ordering vehicle"),
    Rule(r"partnership|collaboration", "partnership", "a partnership or collaboration"),
    Rule(r"definitive contract", "far_contract", "a definitive contract (FAR-based award type)"),
    Rule(r"other transaction|\bota\b", "ot_by_title",
         "an OTA whose type the vehicle text omits: prototype/production as the agreement title says, else other"),
    Rule(r"\bcontracts?\b|not (stated|disclosed)", "unknown", "a contract or agreement whose type the sources do not state"),
)
AGREEMENT_STATUS_RULES = (
    Rule(r"^disrupted|contested", "disputed", "the research calls it disrupted/contested"),
    Rule(r"^(active|deployed|operational|in use)", "active", "active, deployed or in use as of the sources read"),
    Rule(r"^reported", "unknown", "only reported (no announcement or later status found)"),
    Rule(r"^presumed", "unknown", "a presumption, not a reported status"),
    Rule(r"^(announced|awarded|acquired|signed)", "announced",
         "announced/awarded/signed with no later status found: known to exist, current state not known"),
)
VALUE_TARGET_WHY = {
    "ceiling": "value_type 'ceiling' is the ceiling",
    "obligated": "an obligated-type value is the obligation",
    "value_note": "no amount in the research (undisclosed, or figures in another currency only in its note): "
                  "type and note kept in value_note",
}
# research value_type -> (amounts[].kind, why) for every value with an amount that is not the ceiling or obligation
# field. A second ceiling or obligation is typed too (kind ceiling / obligated); a type not listed is 'other'.
VALUE_KIND = {
    "ceiling": ("ceiling", "a second ceiling: the first is the ceiling field"),
    "obligated": ("obligated", "a second obligation: the first is the obligated field"),
    "award_value_reported": ("reported_award_value", "an award value as reported, not said to be a ceiling"),
    "award_amount_per_usaspending_record": (
        "federal_award_amount", "the award amount of a federal award record that does not say obligated or potential"),
    "ceiling_increase": ("ceiling_increase", "the amount a modification adds to the ceiling"),
    "resulting_ceiling": ("resulting_ceiling", "the ceiling after the modification"),
    "resulting_ceiling_approximate": ("resulting_ceiling", "the ceiling after the modification, as approximately reported"),
    "first_project_commitment": ("initial_commitment", "the amount committed to the first project"),
    "prize_pool": ("prize_pool", "prize money, not the value of the agreement"),
}
VALUE_KIND_DEFAULT = ("other", NO_RULE)

# term_type -> (category, effect, why): a 'restriction' restricts, an 'exclusion'/'prohibition' prohibits.
TERM_TYPE = {
    "all_lawful_use": ("lawful_use_scope", "permits", "use for all lawful purposes is permitted"),
    "domestic_surveillance_restriction": ("domestic_surveillance", "restricts", "a restriction"),
    "autonomous_weapons_restriction": ("autonomous_weapons", "restricts", "a restriction"),
    "automated_decision_restriction": ("other", "restricts", "a restriction; no category for automated decisions"),
    "acceptable_use_policy_applies": ("acceptable_use_policy", "requires", "use must follow the vendor's policy"),
    "acceptable_use_policy_exception": ("acceptable_use_policy", "permits", "an exception permits otherwise banned use"),
    "human_oversight": ("human_oversight", "requires", "human oversight is required"),
    "security_level": ("deployment_environment", "permits", "use at a security level is authorized"),
    "deployment_architecture_and_human_oversight": (
        "deployment_environment", "restricts", "limits how and where it is deployed (cloud only, no edge devices)"),
    "intelligence_agency_exclusion": ("intelligence_agency_use", "prohibits", "an exclusion"),
    "vendor_safety_adjustment_obligation": ("other", "requires", "an obligation on the vendor; no closer category"),
    "data_use_restriction": ("data_rights", "restricts", "a restriction on use of the agency's data"),
    "model_behavior": ("other", "unclear", "describes model behavior; states no effect on use"),
    "ordering_scope": ("other", "permits", "who may order under it"),
    "contract_structure": ("other", "unclear", "describes the contract's structure; states no effect on use"),
    "ip_open_source_requirement": ("data_rights", "requires", "an intellectual-property requirement"),
    "model_access_provided": ("other", "permits", "vendors make their models available"),
    "industrial_commitments": ("other", "requires", "commitments by the vendor"),
    "procurement_prohibition": ("other", "prohibits", "a prohibition on contracting"),
}
# term_status -> (status, binding, why). The text is always the research summary, a paraphrase:
# text_form is 'verbatim' only when that summary is word for word one of the record's quotes.
TERM_STATUS = {
    "published_contract_excerpt": ("in_force", "contract_clause",
                                   "an excerpt of the contract published by the vendor; the exact words are in the citation"),
    "vendor_stated": ("in_force", "vendor_statement", "stated by the vendor"),
    "vendor_stated_as_reported": ("in_force", "vendor_statement", "stated by the vendor, as reported"),
    "amendment_announced": ("in_force", "vendor_statement",
                            "amendment announced by the vendor; finalization unclear (kept in notes)"),
    "requested_not_accepted": ("requested_and_refused", "vendor_statement", "requested by the vendor, refused"),
    "government_demand": ("requested_and_refused", "official_statement", "demanded by the government, refused"),
    "policy_mandate": ("in_force", "official_statement", "an agency policy memo"),
    "official": ("in_force", "official_statement", "official statement"),
    "official_as_reported": ("in_force", "official_statement", "official statement, as reported"),
    "official_announcement_as_summarized": ("in_force", "official_statement", "official announcement, as summarized"),
    "vendor_and_government_stated_as_reported": ("in_force", "official_statement",
                                                 "stated by vendor and government officials, as reported"),
    "statutory_as_reported": ("in_force", "reported", "a statute, known only as reported (statute not read)"),
    "reported": ("in_force", "reported", "reported by the press"),
}
# Records whose own wording contradicts what their term_status would give.
TERM_STATUS_OVERRIDES = {
    "pt-anthropic-bulk-acquired-data-clause": (
        "requested_and_refused",
        "the summary says DoW asked for this clause to be removed: a refused proposal, not a term in force"),
}

MARKER_KIND = {
    "non_public_terms_classified_deployment": ("Non-public terms of a classified deployment", "count"),
    "non_public_terms_classified_networks": ("Non-public terms of deployment on classified networks", "count"),
    "undisclosed_customers_classification_levels": ("Undisclosed customers and classification levels", "count"),
    "undisclosed_scope_and_vetting": ("Undisclosed scope and vetting", "inferred"),
    "undisclosed_financial_terms": ("Undisclosed financial terms", "inferred"),
}
MARKER_CLASSIFICATION_WHY = ("no source states the classification level of a non-public document; mentions of "
                             "IL6/IL7 or secret/top-secret networks describe where systems run, not a document's level")

DESIGNATION_TYPE = {
    "supply_chain_risk_to_national_security": (
        "supply_chain_risk_3252", "Supply-chain-risk designation", "authority cited is 10 U.S.C. § 3252"),
    "supply_chain_risk (second statutory track)": (
        "other", "Supply-chain-risk designation (second statutory track)",
        "41 U.S.C. § 4713 (FASCSA) action: not a FASC exclusion/removal order under § 1323, so no vocabulary value"),
    "chinese_military_company_list_section_1260H": (
        "other", "Chinese military company listing", "Section 1260H listing: no vocabulary value"),
}
DESIGNATION_STATUS_RULES = (
    Rule(r"enjoined", "enjoined", "preliminarily enjoined by a court"),
    Rule(r"in effect|stay denied", "in_effect", "in effect (a stay was denied)"),
    Rule(r"withdrawn", "reported",
         "listing placed on public inspection and withdrawn; no value says 'unclear', so the weakest: reported"),
)

CHANNEL_RULES = (
    Rule(r"vendor|company statement", "vendor_statement", "a vendor's statement or briefing"),
    Rule(r"press report|\breport\b", "press_report", "a press report"),
    Rule(r"announcement|press release|release|response|roundtable|briefing", "official_release",
         "the agency's own announcement, release, briefing or emailed response"),
)
CONFIRMED_RULES = (
    Rule(r"not officially confirmed|no dod statement", "no", "the research says the agency has not confirmed it"),
    Rule(r"^official/vendor", "unknown", "disclosed through a company statement; no agency confirmation in the sources"),
    Rule(r"^official|^partial disclosure", "yes", "disclosed by the agency itself"),
    Rule(r"^reported", "unknown", "reported by the press; no agency confirmation or denial in the sources"),
)
CONFIRMED_FALLBACK = "no rule matched: 'yes' when the channel is the agency's own release, else 'unknown'"
TEST_KIND_RULES = (
    Rule(r"red[- ]?team|bounty", "red_team", "the research text says red-teaming or bounty"),
    Rule(r"\bpilots?\b", "pilot", "the research text says pilot"),
    Rule(r"evaluat|assessment|vetting|side-by-side tests", "evaluation", "the research text says evaluation/assessment"),
    Rule(r"experiment", "unknown", "the research text says only 'experiment': no kind of test"),
)

EVENT_KIND = {
    "award_announced": "award", "award_and_program_launch": "award", "agreements_announced": "award",
    "agreement_modified": "award",
    "award_reported": "report", "agreement_reported": "report", "operational_use_reported": "report",
    "testing_revealed": "report",
    "statement": "statement", "statement_lawsuit_threat": "statement", "agreement_published": "statement",
    "agreement_amendment_announced": "statement",
    "policy_change": "policy", "policy_issued": "policy", "executive_directive": "policy",
    "program_established": "policy", "designation_announced": "policy", "designation_formalized": "policy",
    "designation_determination": "policy", "designation_published_and_withdrawn": "policy",
    "designation_reaffirmed_reported": "policy", "vendor_use_prohibited": "policy",
    "vendor_use_guidance_reminder": "policy", "platform_blocked": "policy", "platform_retirement_announced": "policy",
    "negotiation": "negotiation", "negotiations_resumed_reported": "negotiation",
    "lawsuit_filed": "lawsuit", "amicus_brief": "lawsuit", "court_filing": "lawsuit",
    "court_ruling": "court_order", "court_hearing": "hearing", "resignation": "resignation",
}
EVENT_KIND_WHY = {
    "award": "an award, modification or set of agreements announced",
    "report": "the event is a press report (its date is the report's)",
    "statement": "a statement or publication by one party",
    "policy": "a government or vendor decision: policy, directive, designation step, ban, block or program",
    "negotiation": "negotiations", "lawsuit": "a filing in a lawsuit (complaint, brief, government filing)",
    "court_order": "a court ruling", "hearing": "a court hearing", "resignation": "a resignation",
    "other": "launches, partnerships and authorizations: no closer value",
}
STATUS_HISTORY_KIND_RULES = (
    Rule(r"injunction|stay|ruling|order", "court_order", "a court ruling"),
    Rule(r"challenged|petition|lawsuit|filed", "lawsuit", "a court challenge"),
    Rule(r"argument|hearing", "hearing", "a hearing"),
    Rule(r"announced|letter|denied|list", "policy", "a government decision or notice"),
)
LEGAL_EVENT_KINDS = ("lawsuit", "court_order", "hearing")

SOURCE_KIND_RULES = (
    Rule(r"host=(docs\.justia\.com|storage\.courtlistener\.com|www\.courtlistener\.com)\b", "court_filing",
         "a court record site (docket or order)"),
    Rule(r"host=(www\.)?(anthropic\.com|openai\.com|x\.ai|azure\.microsoft\.com|osdbiasbounty\.com)\b"
         r"|unofficial mirror of openai\.com|issuer appears to be", "company_statement",
         "a vendor's own site or release (also read on a mirror or distributor)"),
    Rule(r"host=\S*\.(mil|gov)\b|department of (defense|war)[^|]*release|dod news|white house announcement",
         "official_release", "a .mil/.gov page, or a government release read on a republisher"),
    Rule(r"\bvia [^|;()]*aggregator", "news_report", "an outlet's article carried by an aggregator"),
    Rule(r"\(aggregator|news aggregator|not (explicitly )?named|\(republication\)|link log|rss reader"
         r"|usaspending-derived|ai-generated|machine-generated|encyclopedia|snapshot archive|news summary", "other",
         "an aggregator, a republication not naming the outlet, a machine-generated or derived record"),
    Rule(r"blog|institute|\blaw\b|law-firm|legal|tracker|newsletter|ooda loop|siliconsnark|consulting", "analysis",
         "a blog, commentary, think tank, law-firm or newsletter analysis"),
)
SOURCE_KIND_DEFAULT_WHY = "a news outlet (the default)"
PRIMARY_SOURCE_KINDS = ("official_release", "company_statement", "court_filing")
RECONSTRUCTED_TITLE = re.compile(r"reconstructed|title supplied|headline not (captured|shown)", re.IGNORECASE)
REPUBLISHED = re.compile(r"republi|distributed by|mirror|\bvia\b", re.IGNORECASE)

# Table titles, in the order MAPPING.md prints them.
T_CONFIDENCE = "Record confidence → `confidence`"
T_AGENCY_KIND = "Agency `type` → agency `kind`"
T_VENDOR_KIND = "Vendor → vendor `kind` (editorial)"
T_AGREEMENT_KIND = "Agreement `agreement_kind` → kept in `notes`"
T_VEHICLE = "Agreement `vehicle_type` → `vehicle` (full text kept in `vehicle_note`)"
T_AGREEMENT_STATUS = "Agreement `status` → `status` (full text kept in `status_note`)"
T_VALUE = "Agreement `values[].value_type` → `ceiling` / `obligated` / `amounts[].kind` / `value_note`"
T_FIRST_REPORTED = "Agreement dates → `first_reported` and the best known date"
T_PARTY = "Agreement vendor references → `parties[].role`"
T_PIID = "Agreement `contract_numbers` → `piid`"
T_TERMS_DISCLOSURE = "Agreement → `terms_disclosure`"
T_TERM_TYPE = "Term `term_type` → `category` / `effect`"
T_TERM_STATUS = "Term `term_status` → `status` / `binding` (`text_form` below)"
T_TEXT_FORM = "Term `summary` → `text` / `text_form`"
T_TERM_OWNER = "Term owner → `agreement` / `agency` / `vendor`"
T_MARKER = "Marker `marker_kind` and number of sources → `existence`"
T_MARKER_CLASS = "Marker → `classification`"
T_DESIGNATION_KIND = "Designation `designation_type` → `kind`"
T_DESIGNATION_STATUS = "Designation `status` → `status` (full text kept in `status_note`)"
T_STATUS_HISTORY = "Designation `status_history[]` → event"
T_LITIGATION = "Designation `litigation` → court fields of legal events"
T_CHANNEL = "Testing `disclosure_channel` → `channel` (full text kept in `notes`)"
T_CONFIRMED = "Testing `status` → `confirmed_by_agency` (full text kept in `notes`)"
T_TEST_KIND = "Testing disclosure → `test_kind` (from the words of its research text)"
T_TESTED_WHEN = "Testing `tested_when` → `tested_from` / `tested_to` (full text kept in `notes`)"
T_EVENT_KIND = "Event `event_type` → `kind`"
T_SOURCE_KIND = "Source publisher / URL → source `kind`"
T_SOURCE_CONFIDENCE = "Source → source `confidence`"
# What a reader needs to know to read a table, printed above it.
TABLE_NOTES = {
    T_CONFIDENCE: "The research's own high/medium/low (its rubric: high = primary source or 2+ reputable outlets).",
    T_VENDOR_KIND: "The research gives no company type: these are the converter's editorial choices, 'other' where "
                   "no value clearly fits. Each vendor's notes say so.",
    T_VEHICLE: "Rules are tried in order on the research text; the first that matches wins.",
    T_VALUE: "Every research value with an amount becomes a typed value: the first `ceiling` the `ceiling` field, the "
             "first obligated value the `obligated` field, every other one an entry of `amounts` (kind, amount, "
             "currency USD, `as_of` null as the research gives no date, the research note as its note). A value with "
             "no amount (undisclosed, or GBP figures only in words) is described in `value_note`; so are the notes of "
             "the ceiling and obligated fields, which have no note of their own.",
    T_FIRST_REPORTED: "The research `reported_date` (the earliest report it read; an earlier report it names but "
                      "did not read stays in notes) becomes `first_reported`. The registry stores each agreement's "
                      "best known date from its fields: announced, else awarded, else first reported, else start.",
    T_AGREEMENT_STATUS: "Rules are tried in order on the research text; the first that matches wins.",
    T_TERM_STATUS: "The term text is the research summary, so `text_form` is `paraphrase` unless that summary is "
                   "word for word one of the record's quotes; the published words themselves are in the citations.",
    T_MARKER: "No source read confirms a formal classified annex for any agreement (`classified_annex_confirmed` is "
              "false everywhere), so existence is never 'acknowledged' or 'referenced in documents'.",
    T_STATUS_HISTORY: "Each entry is matched to the one research event of the same date that names the designation "
                      "(a `designation_*` event preferred); that event gains subject links to the designation and its "
                      "vendor and quotes the entry in its notes. An entry with no such event becomes a new event.",
    T_SOURCE_KIND: "Rules are tried in order on the host, the publisher and the researcher's notes on the page: "
                   + "; ".join(f"{rule.value} — {rule.why}" for rule in SOURCE_KIND_RULES)
                   + f"; news_report — {SOURCE_KIND_DEFAULT_WHY}.",
    T_SOURCE_CONFIDENCE: "The research rates records, not pages: its rubric is applied to each page.",
}
TABLE_ORDER = (T_CONFIDENCE, T_AGENCY_KIND, T_VENDOR_KIND, T_AGREEMENT_KIND, T_VEHICLE, T_AGREEMENT_STATUS, T_VALUE,
               T_FIRST_REPORTED,
               T_PARTY, T_PIID, T_TERMS_DISCLOSURE, T_TERM_TYPE, T_TERM_STATUS, T_TEXT_FORM, T_TERM_OWNER, T_MARKER,
               T_MARKER_CLASS, T_DESIGNATION_KIND, T_DESIGNATION_STATUS, T_STATUS_HISTORY, T_LITIGATION, T_CHANNEL,
               T_CONFIRMED, T_TEST_KIND, T_TESTED_WHEN, T_EVENT_KIND, T_SOURCE_KIND, T_SOURCE_CONFIDENCE)


# --- bookkeeping --------------------------------------------------------------------------------

@dataclass
class Ledger:
    """What the conversion decided, so MAPPING.md is written from the same decisions as seed.json."""

    choices: dict = field(default_factory=dict)  # table -> Counter[(research value, registry value, why)]
    records: list = field(default_factory=list)  # (research record, registry plural, slug)
    unmatched: list = field(default_factory=list)  # (category, where, what was kept in notes)
    supplement: list = field(default_factory=list)  # (supplement entry, registry plural, slug, what was done)

    def choose(self, table, research, registry, why=""):
        self.choices.setdefault(table, Counter())[(str(research), str(registry), why)] += 1
        return registry


class Raw:
    """A research record that remembers which keys were read, so none can be dropped unnoticed."""

    def __init__(self, data, where):
        self.data, self.where, self.read = data or {}, where, set()

    def get(self, key, default=None):
        self.read.add(key)
        value = self.data.get(key)
        return default if value is None else value

    def list(self, key):
        value = self.get(key)
        return [value] if isinstance(value, str) else list(value or [])

    def child(self, key):
        return Raw(self.get(key) or {}, f"{self.where}.{key}")

    def leftovers(self):
        return {key: value for key, value in self.data.items() if key not in self.read}


class Notes:
    """Registry notes: one 'Label: text' line per research fact that has no field of its own."""

    def __init__(self):
        self.lines = []

    def add(self, label, value):
        if value is None or value is False or value in ("", [], {}):
            return
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(item) for item in value)
        line = f"{label}: {value}" if label else str(value)
        if line not in self.lines:
            self.lines.append(line)

    def text(self):
        return "\n".join(self.lines)


def keep_leftovers(raw, notes, ledger):
    """Research keys no converter reads still reach the notes (and MAPPING.md), word for word."""
    for key, value in raw.leftovers().items():
        notes.add(f"Research field `{key}`", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        ledger.unmatched.append(("fields", raw.where, f"field `{key}` is unknown to the converter; kept in notes"))


def describe(item):
    """A small research object as one line, every key kept: 'number: X; confidence: low; note: …'."""
    parts = []
    for key, value in item.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def fit(text, limit, notes=None, label=""):
    """Text cut to a field's maximum length; when it is cut, the full text goes to notes."""
    text = text or ""
    if len(text) <= limit:
        return text
    if notes is not None:
        notes.add(f"{label} (full text)", text)
    return text[: limit - 1].rstrip() + "…"


def append_note(record, line):
    record["notes"] = f"{record['notes']}\n{line}" if record["notes"] else line


# --- dates and money ----------------------------------------------------------------------------

PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def is_partial_date(text):
    if not isinstance(text, str) or not PARTIAL_DATE.fullmatch(text):
        return False
    year, month, day = ([int(part) for part in text.split("-")] + [1, 1])[:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def partial_date(value, notes, label):
    """A research date as is ('2025', '2025-07', '2025-07-14'); anything else is null, its text kept in notes."""
    if value in (None, ""):
        return None
    if is_partial_date(value):
        return value
    notes.add(f"{label} (as written; not a date the format can hold)", value)
    return None


def leading_date(text):
    """The date a free text starts with and vouches for: '2023 (began)…' → '2023', 'began early March 2026' →
    '2026-03'. None for texts that only plan, estimate or describe ('planned from…', 'under way in…')."""
    match = re.match(r"(?:from\s+)?(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?![\d-])", text)
    if match and is_partial_date(match.group(1)):
        return match.group(1)
    match = re.match(r"began\s+(?:(?:early|mid|late)[- ]?)?([a-z]+)\s+(\d{4})\b", text, re.IGNORECASE)
    if match and match.group(1).lower() in MONTHS:
        return f"{match.group(2)}-{MONTHS[match.group(1).lower()]:02d}"
    return None


def tested_period(text):
    """(from, to) of a research 'tested_when' text; null where the text gives no date it vouches for."""
    first, _, rest = (text or "").partition(" to ")
    start = leading_date(first.strip())
    end = leading_date(rest.strip()) if start and rest else None
    return start, end


def money(amount):
    return {"amount": f"{Decimal(str(amount)):.2f}", "currency": "USD"}


# A research value type in the words of the page: "obligated_at_award" → "Obligated at award".
VALUE_TYPE_WORDS = {"undisclosed": "Undisclosed", "non_usd_reported": "Reported in another currency only"}
FIELD_WORDS = {"ceiling": "ceiling", "obligated": "amount obligated"}


def value_type_words(kind):
    return VALUE_TYPE_WORDS.get(kind) or (kind.replace("_", " ").capitalize() if kind else "Value")


def usd(amount):
    return "no USD amount given" if amount is None else f"USD {amount:,}"


# --- sources ------------------------------------------------------------------------------------

@dataclass
class Page:
    """One distinct URL of the research: the entries that cite it and the pointers that name it."""

    url: str
    slug: str
    entries: list = field(default_factory=list)  # (record id, research source entry)
    pointers: list = field(default_factory=list)  # (record id, research primary_url_pointer)


def url_slug(url):
    parts = urlsplit(url)
    host = re.sub(r"^www\.", "", parts.hostname or "")
    return re.sub(r"[^a-z0-9]+", "-", unquote(f"{host} {parts.path} {parts.query}").lower()).strip("-")


def clip_slug(slug, limit):
    return slug if len(slug) <= limit else slug[:limit].rstrip("-")


class SourceBook:
    """Every URL of the research as one Source, deduplicated by normalised URL, slugs in first-seen order."""

    def __init__(self):
        self.pages, self.slugs = {}, set()

    def page(self, url):
        key = normalize_url(url)
        if key not in self.pages:
            self.pages[key] = Page(key, self.new_slug(key))
        return self.pages[key]

    def new_slug(self, url):
        base = clip_slug(url_slug(url), 100)
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{clip_slug(base, 100 - len(str(number)) - 1)}-{number}"
        self.slugs.add(slug)
        return slug

    def cite(self, entry, owner):
        page = self.page(entry["url"])
        page.entries.append((owner, entry))
        return {"source": page.slug, "quote": entry["quote"], "locator": "", "claims": []}

    def point(self, pointer, owner):
        self.page(pointer["url"]).pointers.append((owner, pointer))

    def records(self, ledger):
        return [source_record(page, ledger) for page in self.pages.values()]


SOURCE_ENTRY_KEYS = ("url", "title", "publisher", "published", "quote", "title_note", "note", "canonical_url")


def source_record(page, ledger):
    """The Source record of one URL: first entry's title/publisher/date, the rest noted, pointers noted."""
    notes = Notes()
    first = page.entries[0][1] if page.entries else {}
    title = first.get("title") or page.url
    source_entry_notes(page, notes)
    canonical = normalize_url(first.get("canonical_url") or "")
    kind = ledger.choose(T_SOURCE_KIND, *source_kind(page, first, notes))
    verified = bool(page.entries)
    confidence = ledger.choose(T_SOURCE_CONFIDENCE, *source_confidence(kind, verified, first))
    return {
        "slug": page.slug, "url": page.url, "canonical_url": "" if canonical == page.url else canonical,
        "archived_url": "", "title": fit(title, 500, notes, "Title"),
        "title_reconstructed": not page.entries or bool(RECONSTRUCTED_TITLE.search(
            f"{first.get('title_note', '')} {first.get('note', '')}")),
        "publisher": fit(first.get("publisher", ""), 300, notes, "Publisher"),
        "published": partial_date(first.get("published"), notes, "Published"),
        "kind": kind, "verified": verified, "accessed_on": None, "sha256": "", "confidence": confidence,
        "notes": notes.text(), "published_at": PUBLISHED_AT, "last_verified_on": None, "retracted_at": None,
        "retraction_reason": "",
    }


def source_entry_notes(page, notes):
    """Notes of a Source: the researcher's notes on the page, values that differ between entries, pointers."""
    first = page.entries[0][1] if page.entries else {}
    for _, entry in page.entries:
        notes.add("Title note", entry.get("title_note"))
        notes.add("Research note", entry.get("note"))
        for key in ("title", "publisher", "published", "canonical_url"):
            if entry.get(key) != first.get(key):
                notes.add(f"Also given with {key.replace('_', ' ')}", entry.get(key) or "(none)")
        for key in sorted(set(entry) - set(SOURCE_ENTRY_KEYS)):
            notes.add(f"Research field `{key}`", entry[key])
    if not page.pointers:
        return
    owners = ", ".join(dict.fromkeys(owner for owner, _ in page.pointers))
    if page.entries:
        notes.add("Also listed as an unread primary URL pointer by", owners)
    else:
        notes.add("Not read", "a primary URL seen only as a citation in other material; the title is the URL itself")
        notes.add("Listed as a primary URL pointer by", owners)
    for _, pointer in page.pointers:
        notes.add("Pointer note", pointer.get("note"))
        if pointer.get("read") is not False:  # every pointer in the research says read: false
            notes.add("Pointer 'read' flag", json.dumps(pointer.get("read")))
        for key in sorted(set(pointer) - {"url", "read", "note"}):
            notes.add(f"Pointer field `{key}`", pointer[key])


def source_kind(page, first, notes):
    """(research value, kind, why) of a Source, by its host, publisher and the researcher's notes."""
    host = urlsplit(page.url).hostname or ""
    publisher = first.get("publisher", "")
    haystack = f"host={host} | publisher={publisher} | notes={notes.text()}".lower()
    kind, why = classify(SOURCE_KIND_RULES, haystack, "news_report", SOURCE_KIND_DEFAULT_WHY)
    return publisher or f"(unread pointer) {host}", kind, why


def source_confidence(kind, verified, first):
    """(rule, confidence, why): the research rubric applied to a page (the research rates records, not pages)."""
    if not verified:
        return "not read", "low", "seen only cited elsewhere"
    if kind == "other":
        return "aggregator or derived record", "low", "the rubric's 'aggregator-only or machine-generated'"
    if kind in PRIMARY_SOURCE_KINDS and not (first.get("canonical_url") or REPUBLISHED.search(first.get("publisher", ""))):
        return "primary source read directly", "high", "the rubric's 'primary source read'"
    return "secondary, mirrored or republished", "medium", "the rubric's 'single secondary source'"


# --- context --------------------------------------------------------------------------------------

@dataclass
class Context:
    """What every converter needs: the research, the ledger, the sources and an index of research ids."""

    research: dict
    ledger: Ledger
    sources: SourceBook
    index: dict  # research id -> research list key
    by_id: dict  # research id -> research record
    affected: dict  # designation id -> agreement ids listing it in related_designation_ids
    tested_under: dict  # testing disclosure id -> agreement ids listing it in related_testing_disclosure_ids

    def ref(self, ref, key, notes, label, where):
        """The slug of a research id of the expected type; otherwise null, the id kept in notes."""
        if ref in (None, ""):
            return None
        if self.index.get(ref) == key:
            return ref
        notes.add(f"Unresolved {label}", ref)
        self.ledger.unmatched.append(("ids", where, f"{label} `{ref}` is not a research {key} id; kept in notes"))
        return None

    def refs(self, refs, key, notes, label, where):
        slugs = [self.ref(ref, key, notes, label, where) for ref in refs]
        return list(dict.fromkeys(slug for slug in slugs if slug))

    def name(self, ref):
        """How generated titles name a record: its display name or title."""
        record = self.by_id.get(ref) or {}
        if self.index.get(ref) == "agencies":
            return agency_label(record.get("name", ref), record.get("aliases") or [])
        if self.index.get(ref) == "vendors":
            return split_vendor_name(record.get("name", ref))[0]
        return record.get("title") or ref


def build_context(research, ledger):
    index, by_id = {}, {}
    for key in RESEARCH_TYPES:
        for record in research.get(key) or []:
            if not SLUG.fullmatch(record["id"]) or record["id"] in index:
                raise ValueError(f"{key}: id {record['id']!r} is not a unique valid slug")
            index[record["id"]], by_id[record["id"]] = key, record
    affected, tested_under = {}, {}
    for agreement in research.get("agreements") or []:
        for designation in agreement.get("related_designation_ids") or []:
            affected.setdefault(designation, []).append(agreement["id"])
        for disclosure in agreement.get("related_testing_disclosure_ids") or []:
            tested_under.setdefault(disclosure, []).append(agreement["id"])
    return Context(research, ledger, SourceBook(), index, by_id, affected, tested_under)


def finish(raw, ctx, notes, fields):
    """Add what every cited record has: citations, confidence, pointers and leftovers in notes, publication."""
    slug = raw.get("id")
    citations = []
    for entry in raw.list("sources"):
        citation = ctx.sources.cite(entry, slug)
        if citation not in citations:
            citations.append(citation)
    for pointer in raw.list("primary_url_pointers"):
        ctx.sources.point(pointer, slug)
        notes.add("Primary URL pointer, not read (kept as an unverified source)", pointer.get("url"))
    confidence = record_confidence(raw.get("confidence"), notes, ctx.ledger)
    keep_leftovers(raw, notes, ctx.ledger)
    return {"slug": slug, **fields, "confidence": confidence, "notes": notes.text(), "published_at": PUBLISHED_AT,
            "last_verified_on": None, "retracted_at": None, "retraction_reason": "", "citations": citations}


def record_confidence(text, notes, ledger):
    text = (text or "").strip()
    word = text.split(" ", 1)[0].lower() if text else ""
    value = word if word in CONFIDENCE else "medium"
    why = "same value" if text == value else ("first word of the research text" if word in CONFIDENCE else NO_RULE)
    if text != value:
        notes.add("Research confidence", text or "(none)")
    return ledger.choose(T_CONFIDENCE, text or "(none)", value, why)


# --- agencies and vendors -------------------------------------------------------------------------

AGENCY_ACRONYM = re.compile(r"^(?P<name>.+?) \((?P<acronym>[A-Z][A-Za-z0-9&.-]{1,29})\)$")
SHORT_ALIAS = re.compile(r"[A-Za-z]{2,8}")
CONTRACTING_ENTITY = re.compile(r"^(?P<name>.+?) \(contracting entity: (?P<entity>[^)]+)\)$")


def split_agency_name(name, aliases):
    """(name, acronym, aliases): a trailing '(CDAO)' is the acronym, else the first short capitalised alias."""
    match = AGENCY_ACRONYM.match(name)
    if match:
        return match["name"], match["acronym"], aliases
    short = next((a for a in aliases if SHORT_ALIAS.fullmatch(a) and sum(c.isupper() for c in a) >= 2), "")
    return name, short, [alias for alias in aliases if alias != short]


def agency_label(name, aliases):
    name, acronym, _ = split_agency_name(name, aliases)
    return acronym or re.sub(r" \(.*\)$", "", name)


def split_vendor_name(name):
    """(name, aliases): '(contracting entity: X)' in a research name becomes the alias X."""
    match = CONTRACTING_ENTITY.match(name)
    return (match["name"], [match["entity"]]) if match else (name, [])


def convert_agency(data, ctx):
    raw, notes = Raw(data, f"agencies/{data['id']}"), Notes()
    notes.add("", raw.get("notes"))
    name, acronym, aliases = split_agency_name(raw.get("name", ""), raw.list("aliases"))
    name, name_note = editorial.name_note(name, raw.data.get("notes"))
    research_kind = raw.get("type", "")
    kind, why = AGENCY_KIND.get(research_kind, ("other", NO_RULE))
    ctx.ledger.choose(T_AGENCY_KIND, research_kind, kind, why)
    if kind != research_kind:
        notes.add("Research agency type", research_kind)
    country, country_why = AGENCY_COUNTRY.get(data["id"], ("US", ""))
    notes.add("Country", country_why and f"{country} ({country_why})")
    for official in raw.list("officials"):
        notes.add("Official (research)", describe(official))
    fields = {
        "name": fit(name, 300, notes, "Name"), "name_note": fit(name_note, 200, notes, "Name note"),
        "acronym": fit(acronym, 30, notes, "Acronym"), "aliases": aliases, "kind": kind,
        "parent": ctx.ref(raw.get("parent_id"), "agencies", notes, "parent agency", raw.where),
        "country": country, "website": "",
    }
    return finish(raw, ctx, notes, fields)


def convert_vendor(data, ctx):
    raw, notes = Raw(data, f"vendors/{data['id']}"), Notes()
    notes.add("", raw.get("notes"))
    name, aliases = split_vendor_name(raw.get("name", ""))
    entity = raw.get("contracting_entity")
    if entity and entity not in aliases:
        aliases.append(entity)
    notes.add("Contracting entity (kept as an alias)", aliases)
    kind = ctx.ledger.choose(T_VENDOR_KIND, data["id"], VENDOR_KIND.get(data["id"], "other"), VENDOR_KIND_WHY)
    notes.add("Kind", "assigned by the converter; the research gives no company type")
    country, country_why = VENDOR_COUNTRY.get(data["id"], ("US", ""))
    notes.add("Country", country_why and f"{country} ({country_why})")
    fields = {"name": fit(name, 300, notes, "Name"), "aliases": aliases, "kind": kind, "website": "",
              "country": country, "uei": "", "cage_code": ""}
    return finish(raw, ctx, notes, fields)


# --- agreements -----------------------------------------------------------------------------------

PIID = re.compile(r"[A-Z0-9]{6}-?\d{2}-?[A-Z0-9]-?[A-Z0-9]{4}")
AWARD_KEY = re.compile(r"CONT_AWD_[A-Za-z0-9_-]+")


def convert_agreement(data, ctx):
    raw, notes = Raw(data, f"agreements/{data['id']}"), Notes()
    notes.add("", raw.get("notes"))
    agency = ctx.ref(raw.get("agency_id"), "agencies", notes, "awarding agency", raw.where)
    vehicle, vehicle_text = agreement_vehicle(raw, ctx)
    status_text = raw.get("status", "")
    fields = {
        "title": fit(raw.get("title"), 300, notes, "Title"), "summary": raw.get("description", ""),
        "awarding_agency": agency,
        "participating_agencies": ctx.refs(raw.list("other_agency_ids"), "agencies", notes, "participating agency",
                                           raw.where),
        "parties": agreement_parties(raw, ctx, notes, agency, vehicle),
        "vehicle": vehicle, "vehicle_note": vehicle_text,
        "parent": ctx.ref(raw.get("parent_agreement_id"), "agreements", notes, "parent agreement", raw.where),
        **contract_number_fields(raw, ctx, notes), "federal_data_status": "not_checked", "federal_data_checked_on": None,
        **agreement_dates(raw, ctx, notes), **agreement_values(raw, ctx),
        "status": ctx.ledger.choose(T_AGREEMENT_STATUS, status_text,
                                    *classify(AGREEMENT_STATUS_RULES, status_text, "unknown")),
        "status_note": status_text, "terms_disclosure": terms_disclosure(data["id"], ctx),
    }
    agreement_context_notes(raw, ctx, notes)
    return finish(raw, ctx, notes, fields)


def agreement_vehicle(raw, ctx):
    text, title = raw.get("vehicle_type", ""), raw.get("title", "").lower()
    value, why = classify(VEHICLE_RULES, text, "unknown")
    if value == "ot_by_title":
        value = "ot_prototype" if "prototype" in title else "ot_production" if "production" in title else "other"
    return ctx.ledger.choose(T_VEHICLE, text, value, why), text


def agreement_parties(raw, ctx, notes, agency, vehicle):
    """The main vendor(s) are prime on a government award, partner otherwise; listed subcontractors/partners
    are subcontractors."""
    main_role = "partner" if agency is None or vehicle == "partnership" else "prime"
    setting = "no awarding agency" if agency is None else "partnership vehicle" if vehicle == "partnership" else "award"
    parties = []
    for key, role in (("vendor_id", main_role), ("vendor_ids", main_role),
                      ("subcontractor_or_partner_vendor_ids", "subcontractor")):
        for vendor in ctx.refs(raw.list(key), "vendors", notes, key, raw.where):
            ctx.ledger.choose(T_PARTY, f"{key} ({setting})", role)
            party = {"vendor": vendor, "role": role}
            if party not in parties:
                parties.append(party)
    subcontractors = raw.list("subcontractor_or_partner_vendor_ids")
    notes.add("Listed by the research as 'subcontractor or partner'", subcontractors)
    notes.add("Other partners named (not registry vendors)", raw.list("partner_names_not_in_registry"))
    return parties


def contract_number_fields(raw, ctx, notes):
    """The first contract number is the PIID when it starts with one; every number and caveat goes to notes."""
    piid = ""
    for position, item in enumerate(raw.list("contract_numbers")):
        number = item.get("number", "")
        token = number.split(" ", 1)[0]
        if position == 0 and PIID.fullmatch(token):
            piid = chosen = token
            why = "the first number, as given" if token == number else "the PIID the first number starts with"
        else:
            chosen, why = "notes only", "not the first number, or not a PIID"
        ctx.ledger.choose(T_PIID, number, chosen, why)
        notes.add("Contract number (research)", describe(item))
    award_id = next((match.group(0) for entry in raw.list("sources")
                     for match in [AWARD_KEY.search(entry.get("url", ""))] if match), "")
    if award_id:
        notes.add("USAspending award id", "read from the URL of a USAspending-derived source (USAspending not read)")
    return {"piid": piid, "usaspending_award_id": award_id}


def agreement_dates(raw, ctx, notes):
    period = raw.child("period")
    dates = {
        "announced": partial_date(raw.get("announced_date"), notes, "Announced"),
        "awarded": partial_date(raw.get("signed_date"), notes, "Signed"),
        "first_reported": None,
        "start": partial_date(period.get("start"), notes, "Start"),
        "end": partial_date(period.get("end"), notes, "End"),
    }
    notes.add("Announcement date note", raw.get("announced_date_note"))
    notes.add("Award date note", raw.get("award_date_note"))
    dates["first_reported"] = partial_date(raw.get("reported_date"), notes, "Reported on")
    notes.add("Reported date note", raw.get("reported_date_note"))
    known = next((name for name in ("announced", "awarded", "first_reported", "start") if dates[name]), None)
    ctx.ledger.choose(T_FIRST_REPORTED, "reported_date given" if raw.get("reported_date") else "no reported_date",
                      "first_reported" if dates["first_reported"] else "(none)",
                      f"best known date: {known.replace('_', ' ') if known else 'none'}")
    notes.add("End note", period.get("end_note"))
    keep_leftovers(period, notes, ctx.ledger)
    return dates


def agreement_values(raw, ctx):
    """Every research value with an amount is typed: the first 'ceiling' is the ceiling, the first obligated value
    the obligation, every other one (reported award, increase, resulting ceiling, prize pot…) an entry of
    ``amounts`` with its kind and note. A value with no amount is described in value_note with its type and note."""
    money_fields, amounts, lines = {"ceiling": None, "obligated": None}, [], []
    for position, item in enumerate(raw.list("values")):
        value = Raw(item, f"{raw.where}.values[{position}]")
        amount, kind, note = value.get("amount_usd"), value.get("value_type", ""), value.get("note")
        field_name = "ceiling" if kind == "ceiling" else "obligated" if kind.startswith("obligated") else None
        extras = [f"{key}: {extra}" for key, extra in value.leftovers().items()]
        if amount is None:
            ctx.ledger.choose(T_VALUE, kind, "value_note", VALUE_TARGET_WHY["value_note"])
            lines.append(f"{value_type_words(kind)}: {usd(amount)}" + (f" — {note}" if note else ""))
        elif field_name and money_fields[field_name] is None:
            ctx.ledger.choose(T_VALUE, kind, field_name, VALUE_TARGET_WHY[field_name])
            money_fields[field_name] = money(amount)
            if note:
                lines.append(f"{value_type_words(kind)}, {usd(amount)} (shown as the {FIELD_WORDS[field_name]}): "
                             f"{note}")
        else:
            amount_kind, why = VALUE_KIND.get(field_name or kind, VALUE_KIND_DEFAULT)
            ctx.ledger.choose(T_VALUE, kind, f"amounts[].kind {amount_kind}", why)
            described = [note] if note else []
            if amount_kind == "other" or kind not in VALUE_KIND:
                described.append(f"the research's value type: {value_type_words(kind).lower()}")
            elif kind.endswith("_approximate"):
                described.append("approximate")
            amounts.append({**money(amount), "kind": amount_kind, "as_of": None,
                            "note": "; ".join(described + extras)})
            extras = []
        lines += extras
    return {**money_fields, "amounts": [{key: entry[key] for key in ("kind", "amount", "currency", "as_of", "note")}
                                        for entry in amounts], "value_note": "\n".join(lines)}


CURRENT_TERM_STATUSES = ("in_force", "disputed")  # PublicTerm.CURRENT_STATUSES


def terms_disclosure(agreement_id, ctx):
    """As the write path checks it: published contract excerpts are 'partial'; terms in force known only
    from descriptions are a 'summary'; 'none' only when no current term of the agreement is public."""
    terms = [term for term in ctx.research.get("public_terms") or [] if term.get("agreement_id") == agreement_id]
    if any(term.get("term_status") == "published_contract_excerpt" for term in terms):
        return ctx.ledger.choose(T_TERMS_DISCLOSURE, "contract excerpts published", "partial",
                                 "the vendor published excerpts of the contract")
    current = [term for term in terms if (TERM_STATUS_OVERRIDES.get(term["id"]) or TERM_STATUS.get(
        term.get("term_status"), ("in_force",)))[0] in CURRENT_TERM_STATUSES]
    if current:
        return ctx.ledger.choose(T_TERMS_DISCLOSURE, "terms in force described, no contract text published",
                                 "summary", "descriptions of terms in force are public, no contract text")
    return ctx.ledger.choose(T_TERMS_DISCLOSURE, "no current term public", "none",
                             "no term in force is public (refused or proposed terms only, or none)")


def agreement_context_notes(raw, ctx, notes):
    """Research context with no field of its own: kind, competition, scope, amendments, related records."""
    kind = raw.get("agreement_kind", "")
    ctx.ledger.choose(T_AGREEMENT_KIND, kind, "notes", "no field for it")
    notes.add("Research agreement kind", kind)
    notes.add("Competition", raw.get("competition"))
    notes.add("Scope note", raw.get("scope_note"))
    for amendment in raw.list("amendments"):
        notes.add("Amendment (research)", describe(amendment))
    notes.add("Related agreements", ctx.refs(raw.list("related_agreement_ids"), "agreements", notes,
                                             "related agreement", raw.where))
    notes.add("Related records", [f"{ref} ({ctx.index.get(ref, 'unresolved')})" for ref in raw.list("related_ids")])
    notes.add("Designations listed as related (recorded as their affected agreements)",
              raw.list("related_designation_ids"))
    notes.add("Testing disclosures listed as related (recorded as their agreements)",
              raw.list("related_testing_disclosure_ids"))


# --- terms and markers ------------------------------------------------------------------------------

def convert_term(data, ctx):
    raw, notes = Raw(data, f"public_terms/{data['id']}"), Notes()
    term_type, status_text = raw.get("term_type", ""), raw.get("term_status", "")
    category, effect, why = TERM_TYPE.get(term_type, ("other", "unclear", NO_RULE))
    ctx.ledger.choose(T_TERM_TYPE, term_type, f"{category} / {effect}", why)
    status, binding = term_status(data["id"], status_text, ctx, notes)
    text = raw.get("summary", "")
    verbatim = text in {entry.get("quote") for entry in raw.list("sources")}
    text_form = ctx.ledger.choose(T_TEXT_FORM, "summary equals a quote" if verbatim else "summary (the researcher's words)",
                                  "verbatim" if verbatim else "paraphrase",
                                  "the exact words, when public, are in the citations")
    agreement, agency, vendor = term_owner(raw, ctx, notes)
    notes.add("Research term type", term_type)
    notes.add("Research term status", status_text)
    notes.add("Asserted by", raw.get("asserted_by"))
    notes.add("Applies to", raw.get("applies_to"))
    notes.add("Applies-to note", raw.get("applies_to_note"))
    notes.add("Effective note", raw.get("effective_note"))
    owner = agreement or agency or vendor
    fields = {"agreement": agreement, "agency": agency, "vendor": vendor,
              "title": fit(f"{term_type.replace('_', ' ').capitalize()} ({status_text.replace('_', ' ')})"
                           f" — {ctx.name(owner)}", 300),
              "category": category, "effect": effect, "text": text, "text_form": text_form, "binding": binding,
              "status": status, "effective": None, "supersedes": None}
    return finish(raw, ctx, notes, fields)


def term_status(term_id, status_text, ctx, notes):
    """(status, binding) of a research term_status, unless the record's own wording overrides the status."""
    status, binding, why = TERM_STATUS.get(status_text, ("in_force", "reported", NO_RULE))
    shown = status_text
    if term_id in TERM_STATUS_OVERRIDES:
        (status, why), shown = TERM_STATUS_OVERRIDES[term_id], f"{status_text} (override for {term_id})"
        notes.add(f"Status {status}, not what '{status_text}' gives", why)
    ctx.ledger.choose(T_TERM_STATUS, shown, f"{status} / {binding}", why)
    return status, binding


def term_owner(raw, ctx, notes):
    """(agreement, agency, vendor): the agreement when there is one, else the first owner the research names."""
    agreement = ctx.ref(raw.get("agreement_id"), "agreements", notes, "agreement", raw.where)
    asserted, related_agencies = raw.get("asserted_by"), raw.list("related_agency_ids")
    designations = raw.list("related_designation_ids")
    notes.add("Related agencies", related_agencies)
    notes.add("Related designations", designations)
    if agreement:
        ctx.ledger.choose(T_TERM_OWNER, "agreement_id", "agreement")
        return agreement, None, None
    issuer = (ctx.by_id.get(designations[0]) or {}).get("issued_by_agency_id") if designations else None
    candidates = (("vendor_id", "vendors", raw.get("vendor_id")), ("asserted_by (an agency id)", "agencies", asserted),
                  ("asserted_by (a vendor id)", "vendors", asserted),
                  ("related_agency_ids[0]", "agencies", related_agencies[0] if related_agencies else None),
                  ("issuing agency of related_designation_ids[0]", "agencies", issuer))
    for rule, key, ref in candidates:
        if ref and ctx.index.get(ref) == key:
            ctx.ledger.choose(T_TERM_OWNER, rule, "agency" if key == "agencies" else "vendor")
            notes.add("Owner", f"{ref}, from the research {rule}")
            return None, ref if key == "agencies" else None, ref if key == "vendors" else None
    ctx.ledger.unmatched.append(("owners", raw.where, "no agreement, agency or vendor could own this term"))
    return None, None, None


def convert_marker(data, ctx):
    raw, notes = Raw(data, f"classified_addendum_markers/{data['id']}"), Notes()
    kind, known = raw.get("marker_kind", ""), raw.get("known", "")
    label, rule = MARKER_KIND.get(kind, (kind.replace("_", " ").capitalize(), "count"))
    count = len({normalize_url(entry["url"]) for entry in raw.list("sources")})
    if rule == "inferred":
        existence, why = "inferred", "the marker records information withheld, not a reported non-public document"
    else:
        existence = "reported_by_several_sources" if count > 1 else "reported_by_one_source"
        why = "no source confirms a formal annex: 'reported by' as many sources as the record cites"
    ctx.ledger.choose(T_MARKER, f"{kind} ({count} source{'s' if count > 1 else ''})", existence, why)
    network_talk = bool(re.search(r"\bIL\d|secret|classified", known, re.IGNORECASE))
    ctx.ledger.choose(T_MARKER_CLASS, "networks or classified use mentioned" if network_talk else "no level mentioned",
                      "unknown", MARKER_CLASSIFICATION_WHY)
    notes.add("Research marker kind", kind)
    confirmed = raw.get("classified_annex_confirmed")
    notes.add("Classified annex confirmed (research)", json.dumps(confirmed) + (
        ": no source read confirms a formal classified annex" if confirmed is False else ""))
    if network_talk:
        notes.add("Classification left unknown", MARKER_CLASSIFICATION_WHY)
    agreement = ctx.ref(raw.get("agreement_id"), "agreements", notes, "agreement", raw.where)
    notes.add("Also concerns agreements", ctx.refs(raw.list("related_agreement_ids"), "agreements", notes,
                                                   "related agreement", raw.where))
    fields = {"agreement": agreement, "title": fit(f"{label} — {ctx.name(agreement)}", 300), "existence": existence,
              "classification": "unknown", "described_subject": known, "known_since": None}
    return finish(raw, ctx, notes, fields)


# --- designations and testing disclosures -----------------------------------------------------------

def convert_designation(data, ctx):
    raw, notes = Raw(data, f"designations/{data['id']}"), Notes()
    notes.add("", raw.get("notes"))
    research_type, status_text = raw.get("designation_type", ""), raw.get("status", "")
    kind, type_title, why = DESIGNATION_TYPE.get(research_type, ("other", research_type, NO_RULE))
    ctx.ledger.choose(T_DESIGNATION_KIND, research_type, kind, why)
    vendor = ctx.ref(raw.get("vendor_id"), "vendors", notes, "vendor", raw.where)
    authority = raw.get("authority_cited", "")
    fields = {
        "title": fit(f"{type_title} of {ctx.name(vendor)} under {re.split(r' [(—]', authority)[0]}", 300),
        "vendor": vendor,
        "issuing_agency": ctx.ref(raw.get("issued_by_agency_id"), "agencies", notes, "issuing agency", raw.where),
        "issuing_official": fit(raw.get("issued_by_official", ""), 200, notes, "Issuing official"),
        "kind": kind, "authority_cited": fit(authority, 300, notes, "Authority cited"),
        "status": ctx.ledger.choose(T_DESIGNATION_STATUS, status_text,
                                    *classify(DESIGNATION_STATUS_RULES, status_text, "reported")),
        "status_note": status_text, **designation_dates(raw, notes),
        "scope": stated_scope(raw), "public_reason": "",
        "affected_agreements": [{"agreement": agreement, "note": "listed as related by the research agreement record"}
                                for agreement in ctx.affected.get(data["id"], [])],
    }
    if kind != research_type:
        notes.add("Research designation type", research_type)
    designation_context_notes(raw, notes)
    return finish(raw, ctx, notes, fields)


def designation_dates(raw, notes):
    notes.add("Public notice (research notice_date)", raw.get("notice_date"))
    notes.add("Notice date note", raw.get("notice_date_note"))
    return {"announced": partial_date(raw.get("announced_date"), notes, "Announced"),
            "determined": partial_date(raw.get("determination_date"), notes, "Determined"),
            "noticed": partial_date(raw.get("formal_notice_received_date"), notes, "Formal notice received"),
            "effective": None, "ended": None}


def stated_scope(raw):
    """Both readings of the scope: the government's and the vendor's."""
    scope = raw.child("stated_scope")
    lines = [f"As stated by the government: {scope.get('government')}" if scope.get("government") else "",
             f"The vendor's reading: {scope.get('vendor_reading')}" if scope.get("vendor_reading") else ""]
    lines += [f"{key}: {value}" for key, value in scope.leftovers().items()]
    return "\n".join(line for line in lines if line)


def designation_context_notes(raw, notes):
    notes.add("Announced via", raw.get("announced_via"))
    notes.add("Determination date confidence", raw.get("determination_date_confidence"))
    notes.add("Status as of", raw.get("status_as_of"))
    litigation = raw.get("litigation")
    notes.add("Litigation (research)", litigation and describe(litigation))
    for position, entry in enumerate(raw.list("status_history")):
        notes.add(f"Status history [{position}] (recorded as an event)", describe(entry))


def convert_testing(data, ctx):
    raw, notes = Raw(data, f"testing_disclosures/{data['id']}"), Notes()
    notes.add("", raw.get("notes"))
    agency, models = ctx.ref(raw.get("agency_id"), "agencies", notes, "agency", raw.where), raw.get("models", "")
    tested_when, channel_text, status_text = (raw.get(key, "") for key in ("tested_when", "disclosure_channel", "status"))
    start, end = tested_period(tested_when)
    ctx.ledger.choose(T_TESTED_WHEN, tested_when, f"{start or 'null'} / {end or 'null'}",
                      "only dates the text vouches for (a plan or 'under way' gives none)")
    channel = ctx.ledger.choose(T_CHANNEL, channel_text, *classify(CHANNEL_RULES, channel_text, ""))
    confirmed = ctx.ledger.choose(T_CONFIRMED, status_text, *confirmed_by_agency(status_text, channel))
    words = " ".join([data["id"], models, raw.get("details", ""), tested_when])
    test_kind = ctx.ledger.choose(T_TEST_KIND, data["id"], *classify(TEST_KIND_RULES, words, "unknown"))
    for label, value in (("Tested when (research)", tested_when), ("Disclosed date note", raw.get("disclosed_date_note")),
                         ("Disclosure channel (research)", channel_text), ("Status (research)", status_text)):
        notes.add(label, value)
    notes.add("Other agencies involved", ctx.refs(raw.list("other_agency_ids"), "agencies", notes, "other agency",
                                                  raw.where))
    fields = {
        "title": fit(f"Testing by {ctx.name(agency)}: {models}", 300), "summary": raw.get("details", ""),
        "agency": agency, "vendors": ctx.refs(raw.list("vendor_ids"), "vendors", notes, "vendor", raw.where),
        "agreements": testing_agreements(raw, ctx, notes), "models_tested": fit(models, 500, notes, "Models"),
        "model_version": "", "test_kind": test_kind, "tested_from": start, "tested_to": end,
        "disclosed": partial_date(raw.get("disclosed_date"), notes, "Disclosed"), "channel": channel,
        "confirmed_by_agency": confirmed,
    }
    return finish(raw, ctx, notes, fields)


def confirmed_by_agency(status_text, channel):
    value, why = classify(CONFIRMED_RULES, status_text, None)
    if value is None:
        value, why = ("yes" if channel == "official_release" else "unknown"), CONFIRMED_FALLBACK
    return value, why


def testing_agreements(raw, ctx, notes):
    refs = raw.list("related_agreement_id") + raw.list("related_agreement_ids") + ctx.tested_under.get(raw.data["id"], [])
    return ctx.refs(refs, "agreements", notes, "related agreement", raw.where)


# --- events -------------------------------------------------------------------------------------------

def convert_event(data, ctx):
    raw, notes = Raw(data, f"events/{data['id']}"), Notes()
    research_type = raw.get("event_type", "")
    kind = EVENT_KIND.get(research_type, "other")
    ctx.ledger.choose(T_EVENT_KIND, research_type, kind, EVENT_KIND_WHY[kind])
    if kind != research_type:
        notes.add("Research event type", research_type)
    notes.add("Date note", raw.get("date_note"))
    notes.add("Person", raw.get("person"))
    notes.add("Correction note", raw.get("correction_note"))
    fields = {"title": fit(raw.get("title"), 300, notes, "Title"), "summary": raw.get("description", ""), "kind": kind,
              "occurred": partial_date(raw.get("date"), notes, "Date"), "court": "", "case_number": "", "docket_url": "",
              "links": event_links(raw, ctx, notes)}
    return finish(raw, ctx, notes, fields)


def event_links(raw, ctx, notes):
    """actor_ids are actors, related_ids are subjects; an id may name a record of any type."""
    links = []
    for role, key in (("actor", "actor_ids"), ("subject", "related_ids")):
        for ref in raw.list(key):
            research_key = ctx.index.get(ref)
            if research_key is None:
                notes.add(f"Unresolved {key} id", ref)
                ctx.ledger.unmatched.append(("ids", raw.where, f"{key} `{ref}` names no research record; kept in notes"))
                continue
            link = {"role": role, "type": RESEARCH_TYPES[research_key][1], "slug": ref}
            if link not in links:
                links.append(link)
    return links


def apply_status_history(research, seed, ctx):
    """Each designation status_history entry is an event linked to the designation and its vendor: the research
    event that already records it (same date, naming the designation) or, if none, a new event."""
    events = {event["slug"]: event for event in seed["events"]}
    designations = {record["slug"]: record for record in seed["designations"]}
    for designation in research.get("designations") or []:
        for position, entry in enumerate(designation.get("status_history") or []):
            where = f"designations/{designation['id']} status_history[{position}]"
            match = matching_event(research, designation["id"], entry.get("date"))
            if match:
                event, why = events[match], "the research event of that date naming the designation"
            else:
                event = new_status_event(designations[designation["id"]], position, entry, ctx)
                seed["events"].append(event)
                why = "no single research event records it: a new event"
            link_status_event(event, designations[designation["id"]], position, entry)
            ctx.ledger.choose(T_STATUS_HISTORY, f"{designation['id']}[{position}] {entry.get('status', '')}",
                              event["slug"], why)
            ctx.ledger.records.append((where, "events", event["slug"]))


def matching_event(research, designation_id, date):
    """The one research event on that date that names the designation (preferring a designation_* event)."""
    candidates = [event for event in research.get("events") or []
                  if event.get("date") == date and designation_id in (event.get("related_ids") or [])]
    if len(candidates) > 1:
        candidates = [e for e in candidates if e.get("event_type", "").startswith("designation")] or candidates
    return candidates[0]["id"] if len(candidates) == 1 else None


def new_status_event(designation, position, entry, ctx):
    notes, status = Notes(), entry.get("status", "")
    kind = ctx.ledger.choose(T_EVENT_KIND, f"(status history) {status}",
                             *classify(STATUS_HISTORY_KIND_RULES, status, "other"))
    notes.add("Citations", "copied from the designation: the research status_history entry has no sources of its own")
    confidence = record_confidence(entry.get("confidence") or designation["confidence"], notes, ctx.ledger)
    return {"slug": clip_slug(f"ev-{entry.get('date')}-{designation['slug']}-status-{position}", 120),
            "title": fit(f"{designation['title']}: {status}", 300), "summary": "", "kind": kind,
            "occurred": partial_date(entry.get("date"), notes, "Date"), "court": "", "case_number": "", "docket_url": "",
            "links": [], "confidence": confidence, "notes": notes.text(), "published_at": PUBLISHED_AT,
            "last_verified_on": None, "retracted_at": None, "retraction_reason": "",
            "citations": list(designation["citations"])}


def link_status_event(event, designation, position, entry):
    for link_type, slug in (("designation", designation["slug"]), ("vendor", designation["vendor"])):
        if slug and not any(link["type"] == link_type and link["slug"] == slug for link in event["links"]):
            event["links"].append({"role": "subject", "type": link_type, "slug": slug})
    append_note(event, f"Status history of designation {designation['slug']} [{position}]: {describe(entry)}")


def apply_litigation(research, events, ctx):
    """A designation's litigation fills the court fields of the legal events about it; an event about several
    litigated designations (two courts) keeps each one's details in notes only."""
    litigated = {record["id"]: record["litigation"] for record in research.get("designations") or []
                 if record.get("litigation")}
    for event in events:
        if event["kind"] not in LEGAL_EVENT_KINDS:
            continue
        subjects = list(dict.fromkeys(link["slug"] for link in event["links"]
                                      if link["type"] == "designation" and link["slug"] in litigated))
        for slug in subjects:
            litigation = litigated[slug]
            if len(subjects) == 1:
                event["court"] = fit(litigation.get("court", ""), 200)
                match = re.match(r"\d[\w:.-]*\d", litigation.get("case_number", ""))
                event["case_number"] = fit(match.group(0), 100) if match else ""
            append_note(event, f"Litigation of designation {slug} (research): {describe(litigation)}")
            ctx.ledger.choose(T_LITIGATION, f"{slug} → {event['slug']}",
                              "court fields" if len(subjects) == 1 else "notes only",
                              "one litigated designation: court, and the case number when one is given"
                              if len(subjects) == 1 else "several designations in two courts: no single court")


# --- the December 2026 supplement ----------------------------------------------------------------------
# research-facts-2026-12-supplement.json adds records (same schema as the first file), stronger sources for
# existing records (source_additions), the audit's mapping notes, a tier for every source of the first file
# (source_assessments) and the claims that still rest only on weak sources (weakly_sourced_claims).

SUPPLEMENT_KEYS = ("source_additions", "mapping_notes", "source_assessments", "weakly_sourced_claims")
# Vocabulary first used by the supplement: events get the closest kind (the audit's suggestion), terms
# other/unclear; the research value is kept in notes, as for every value without an exact match.
SUPPLEMENT_EVENT_KIND = {"legislative_text_unveiled": "policy", "competition_entry_reported": "report"}
SUPPLEMENT_EVENT_KIND_WHY = {
    "legislative_text_unveiled": "new in the supplement: legislation is a policy step (the audit's suggestion)",
    "competition_entry_reported": "new in the supplement: a press report of an entry (the audit's suggestion)",
}
SUPPLEMENT_TERM_TYPE = {
    "procurement_policy_scope": ("other", "unclear", "new in the supplement: no category for a policy's scope"),
    "acceptable_use_policy_revision": ("other", "unclear",
                                       "new in the supplement: a revision of a usage policy; states no single effect"),
}
SOURCE_TIERS = ("primary_official", "court_record", "major_outlet", "trade_press", "republisher_or_aggregator",
                "commentary", "low_quality_or_generated", "not_assessed")
WEAK_TIERS = ("republisher_or_aggregator", "commentary", "low_quality_or_generated", "not_assessed")
NOT_ASSESSED_REASON = "new in the December 2026 supplement: not assessed by its source-quality review"
# The audit's mapping notes (supplement mapping_notes) that the converter applies, by record id.
PARTY_UNCLEAR_NOTE = "subcontractor or partner; the sources do not say which"
CHANNEL_OVERRIDES = {
    "td-2025-cdao-frontier-model-vetting": (
        "press_report", "yes",
        "an emailed answer to one outlet (DefenseScoop): a press report that the agency confirmed"),
}
WITHDRAWN_EXPLANATION = ("Listed, then withdrawn before publication, with no re-publication found: not a listing "
                         "in effect. Recorded as “reported” because the vocabulary has no “withdrawn” value.")
NOTICE_DATE_EXPLANATION = ("Public notice of this designation was reported for {date} (the research's notice date, "
                           "from a secondary source that no citation here quotes). It is not the date formal notice "
                           "reached the vendor, so “formal notice” is left empty rather than filled with it.")
FIELD_CONFIDENCE_NOTE = "left to field-level confidence (field_confidence): not applied by this part of the converter"

T_SUPPLEMENT = "Supplement `mapping_notes` → what the converter did"
T_SOURCE_TIER = "Supplement `source_assessments` → source `tier`"
T_STORY_LINKS = "Event links added because a citation's quote names the record"
T_RELATED_DESIGNATIONS = "Designations of the same matter → `related_designations`"


class Shipped:
    """The default supplement: the copy shipped beside the first research file."""


SHIPPED = Shipped()


def load_supplement(supplement):
    if isinstance(supplement, Shipped):
        return json.loads(DEFAULT_SUPPLEMENT.read_text(encoding="utf-8")) if DEFAULT_SUPPLEMENT.exists() else None
    return supplement


def supplement_records(supplement):
    """The supplement's record lists, by research key (its extra keys are applied after conversion)."""
    unknown = sorted(set(supplement) - set(RESEARCH_TYPES) - {"meta", *SUPPLEMENT_KEYS})
    if unknown:
        raise ValueError(f"supplement lists the converter does not know (nothing would hold them): {unknown}")
    return {key: supplement.get(key) or [] for key in RESEARCH_TYPES}


def merged_research(research, supplement):
    """The first file with the supplement's records appended (for the id index and the rules that read lists)."""
    if not supplement:
        return research
    extra = supplement_records(supplement)
    merged = dict(research)
    for key in RESEARCH_TYPES:
        merged[key] = [*(research.get(key) or []), *extra[key]]
    return merged


def convert_supplement_event(data, ctx):
    research_type = data.get("event_type", "")
    record = convert_event(data, ctx)
    if research_type in SUPPLEMENT_EVENT_KIND:
        record["kind"] = SUPPLEMENT_EVENT_KIND[research_type]
        ctx.ledger.choose(T_EVENT_KIND, research_type, record["kind"], SUPPLEMENT_EVENT_KIND_WHY[research_type])
    return record


def convert_supplement_term(data, ctx):
    record = convert_term(data, ctx)
    if data.get("term_type") in SUPPLEMENT_TERM_TYPE:
        category, effect, why = SUPPLEMENT_TERM_TYPE[data["term_type"]]
        record.update(category=category, effect=effect)
        ctx.ledger.choose(T_TERM_TYPE, data["term_type"], f"{category} / {effect}", why)
    return record


def record_index(seed):
    return {record["slug"]: (plural, record) for plural in PLURALS[1:] for record in seed[plural]}


def supplement_items(supplement, key, index, ctx):
    """(where, item, plural, record) for each entry of a supplement list that names a record by
    ``record_id``; an entry naming no record goes to the ledger's unmatched list."""
    for position, item in enumerate(supplement.get(key) or []):
        where = f"supplement {key}[{position}]"
        found = index.get(item.get("record_id"))
        if found is None:
            ctx.ledger.unmatched.append(("ids", where, f"record_id `{item.get('record_id')}` names no record"))
            continue
        yield (where, item, *found)


def apply_source_additions(supplement, seed, ctx):
    """Each addition is a citation (the exact quote) of the named record; its claim text goes to the notes."""
    for where, addition, plural, record in supplement_items(supplement, "source_additions", record_index(seed), ctx):
        citation = ctx.sources.cite(addition["source"], record["slug"])
        if citation not in record["citations"]:
            record["citations"].append(citation)
        supports = addition.get("claim")
        append_note(record, f"Source added in the December 2026 review: {addition['source']['url']}"
                            + (f", which supports: {supports}" if supports else "") + f". {added_why(addition)}")
        ctx.ledger.supplement.append((where, plural, record["slug"], "citation added"))


# The audit's own bookkeeping at the head of a reason ("Audit section 2, claim 7: ", "Source-quality review: ")
# says where in the audit the addition came from, not why: the notes keep the reason that follows it.
AUDIT_PREFIX = re.compile(r"^(?:Audit section [\d.]+(?:, (?:claim|item) \d+)?(?: \(not section \d+\))?"
                          r"|Source-quality review): ")


def added_why(addition):
    """Why a source was added, as a sentence without the audit's section numbers or record ids."""
    reason = AUDIT_PREFIX.sub("", (addition.get("reason") or "").strip())
    reason = reason.replace("re-cite agency dod's", "re-cites the agency's")
    return reason[:1].upper() + reason[1:]


def apply_mapping_notes(supplement, seed, ctx):
    """The audit's mapping notes: role, channel and status choices made explicit; the rest recorded."""
    for where, item, plural, record in supplement_items(supplement, "mapping_notes", record_index(seed), ctx):
        action = mapping_note_action(plural, record, ctx)
        ctx.ledger.choose(T_SUPPLEMENT, record["slug"], action, item.get("note", "")[:60] + "…")
        ctx.ledger.supplement.append((where, plural, record["slug"], action))


def mapping_note_action(plural, record, ctx):
    slug = record["slug"]
    if plural == "agreements" and "Listed by the research as 'subcontractor or partner'" in record["notes"]:
        return "see the party roles: " + PARTY_UNCLEAR_NOTE
    if slug in CHANNEL_OVERRIDES:
        return "channel {}, confirmed by the agency: {}".format(*CHANNEL_OVERRIDES[slug])
    if plural == "designations" and record["status"] == "reported" and "withdrawn" in record["status_note"]:
        return "status reported, explained in the status note"
    if plural == "designations" and "Public notice of this designation" in record["notes"]:
        return "notice date kept in notes, explained; formal notice left empty"
    if plural == "agreements" and record.get("piid"):
        return FIELD_CONFIDENCE_NOTE
    return "recorded only"


def apply_choices(research, seed, ctx):
    """The converter's own reading of the audit's minor choices, applied to every record they concern."""
    subcontractors = {record["id"]: record.get("subcontractor_or_partner_vendor_ids") or []
                      for record in research.get("agreements") or []}
    for agreement in seed["agreements"]:
        unclear = set(subcontractors.get(agreement["slug"], []))
        for party in agreement["parties"]:
            if party["vendor"] in unclear and party["role"] == "subcontractor":
                party["role"] = "partner"
                ctx.ledger.choose(T_PARTY, "subcontractor_or_partner_vendor_ids (audit mapping note)", "partner",
                                  "the vocabulary's closest honest value: " + PARTY_UNCLEAR_NOTE)
    for disclosure in seed["testing_disclosures"]:
        if disclosure["slug"] in CHANNEL_OVERRIDES:
            channel, confirmed, why = CHANNEL_OVERRIDES[disclosure["slug"]]
            disclosure.update(channel=channel, confirmed_by_agency=confirmed)
            ctx.ledger.choose(T_CHANNEL, f"{disclosure['slug']} (audit mapping note)", channel, why)
            append_note(disclosure, f"Channel: {why}.")
    by_id = {record["id"]: record for record in research.get("designations") or []}
    for designation in seed["designations"]:
        if designation["status"] == "reported" and "withdrawn" in designation["status_note"]:
            designation["status_note"] = f"{designation['status_note']}. {WITHDRAWN_EXPLANATION}"
        notice = (by_id.get(designation["slug"]) or {}).get("notice_date")
        if notice and not designation["noticed"]:
            append_note(designation, NOTICE_DATE_EXPLANATION.format(date=notice))


def tier_reason_words(reason):
    """A tier's reason as the source page shows it: the review's one field name ("(canonical_url)") in words."""
    return reason.replace("(canonical_url)", "(its canonical address)")


def apply_source_tiers(supplement, seed, ctx):
    """Every source's tier from the assessments (matched by normalised URL); a source not assessed says so."""
    assessed = {}
    for position, item in enumerate((supplement or {}).get("source_assessments") or []):
        if item.get("tier") not in SOURCE_TIERS:
            raise ValueError(f"supplement source_assessments[{position}]: unknown tier {item.get('tier')!r}")
        assessed[normalize_url(item["url"])] = item
    seen = set()
    for source in seed["sources"]:
        item = assessed.get(source["url"]) or assessed.get(source["canonical_url"] or None)
        if item is None:
            source["tier"], source["tier_reason"] = "not_assessed", NOT_ASSESSED_REASON if supplement else ""
            why = "no assessment for this URL (new in the supplement)"
        else:
            seen.add(normalize_url(item["url"]))
            source["tier"], source["tier_reason"] = item["tier"], fit(tier_reason_words(item.get("reason", "")), 500)
            why = "the supplement's assessment"
        ctx.ledger.choose(T_SOURCE_TIER, source["tier"], source["tier"], why)
    for url in sorted(set(assessed) - seen):
        ctx.ledger.unmatched.append(("ids", "supplement source_assessments", f"`{url}` is no source of the seed"))


def apply_weak_claims(supplement, seed, ctx):
    index = record_index(seed)
    for where, item, plural, record in supplement_items(supplement, "weakly_sourced_claims", index, ctx):
        record.setdefault("weakly_sourced_claims", []).append(
            {"claim": weak_claim_words(item["claim"], index), "why": weak_claim_words(item.get("why", ""), index)})
        ctx.ledger.supplement.append((where, plural, record["slug"], "weakly sourced claim"))


RESEARCH_ID = re.compile(r"\b(?:ev|ag|des|td|pt|cam)-[a-z0-9][a-z0-9-]*[a-z0-9]\b")


def weak_claim_words(text, index):
    """A weakly sourced claim as the page shows it: a research id becomes the record's title (“…”), and a
    list position of the research ("status history [3]") is dropped; the words are otherwise the audit's."""
    def title(match):
        found = index.get(match.group(0))
        return f"“{found[1].get('title') or found[1].get('name')}”" if found else match.group(0)
    return re.sub(r"^(status history) \[\d+\]", r"\1", RESEARCH_ID.sub(title, text))


# --- linked stories ------------------------------------------------------------------------------------
# Only two kinds of link are added: designations of the same matter link each other, and an event links a
# vendor or a designation that one of its citations' quotes names (by name, alias or statute number). An
# event's actors are links already (actor_ids); nothing is linked by guesswork.

STATUTE = re.compile(r"\b(\d{2}) U\.?S\.?(?:C\.?| Code)\s*§*\s*(\d{3,5})\b")


def statute_numbers(text):
    return {f"{title} U.S.C. {section}" for title, section in STATUTE.findall(text or "")}


def apply_related_designations(research, seed, ctx):
    """Designations of the same vendor, issuer and kind of action (a supply-chain risk on two statutory tracks)
    are one matter: each lists the others."""
    types = {record["id"]: record.get("designation_type", "") for record in research.get("designations") or []}
    designations = seed["designations"]
    for designation in designations:
        root = types.get(designation["slug"], "").split(" ")[0].split("_to_")[0]
        related = [other["slug"] for other in designations if other is not designation and root
                   and other["vendor"] == designation["vendor"]
                   and other["issuing_agency"] == designation["issuing_agency"]
                   and types.get(other["slug"], "").split(" ")[0].split("_to_")[0] == root]
        if related:
            designation["related_designations"] = sorted(related)
            ctx.ledger.choose(T_RELATED_DESIGNATIONS, designation["slug"], ", ".join(sorted(related)),
                              f"same vendor, issuer and kind of action ({root})")


CORPORATE_SUFFIX = re.compile(r"\s+(?:PBC|Inc\.?|Holding|Holdings|Group|Industries|Technologies|Platforms|Corp\.?"
                              r"|Corporation|LLC|Ltd\.?)$")
ACRONYM_IN_PARENTHESES = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")


def vendor_names(vendor):
    """The names a quote may call a vendor by: its name and aliases, without a parenthetical description or a
    corporate suffix ('Anthropic PBC' → 'Anthropic'), and an acronym given in parentheses ('(AWS)')."""
    names = set()
    for name in (vendor["name"], *vendor["aliases"]):
        names.update(ACRONYM_IN_PARENTHESES.findall(name))
        short = re.sub(r"\s*\(.*\)\s*", " ", name).strip()
        names.add(short)
        while CORPORATE_SUFFIX.search(short):
            short = CORPORATE_SUFFIX.sub("", short)
            names.add(short)
    return sorted((name for name in names if len(name) > 2), key=lambda name: (-len(name), name))


def name_patterns(seed):
    """(link type, slug, compiled pattern) of the records a quote can name: vendors by name or alias (whole
    words, case as written), designations by the statute they cite."""
    patterns = []
    for vendor in seed["vendors"]:
        names = vendor_names(vendor)
        alternatives = "|".join(re.escape(name) for name in names)
        if alternatives:
            patterns.append(("vendor", vendor["slug"], re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")))
    for designation in seed["designations"]:
        for statute in sorted(statute_numbers(designation["authority_cited"])):
            section = statute.split(" ")[-1]
            patterns.append(("designation", designation["slug"],
                             re.compile(rf"\b{statute.split(' ')[0]} U\.?S\.?(?:C\.?| Code)\s*§*\s*{section}\b")))
    return patterns


def apply_named_links(seed, ctx):
    patterns = name_patterns(seed)
    for event in seed["events"]:
        for link_type, slug, pattern in patterns:
            if any(link["type"] == link_type and link["slug"] == slug for link in event["links"]):
                continue
            quote = next((c["quote"] for c in event["citations"] if pattern.search(c["quote"])), None)
            if quote is None:
                continue
            event["links"].append({"role": "subject", "type": link_type, "slug": slug})
            ctx.ledger.choose(T_STORY_LINKS, event["slug"], f"{link_type} {slug}", f"a quote names it: “{quote}”")


# --- claims and field confidence ----------------------------------------------------------------------
# A citation's `claims` name the facts of its record that its quote states. They are filled only by the
# rules of CLAIM_RULES, each an explicit test over the quote's own words and the record's converted value;
# a quote no rule recognises stays a general source of its record. Nothing is attributed by guesswork.

MONTH_NAMES = {**MONTHS, **{name[:3].lower(): number for name, number in MONTHS.items()}, "sept": 9}
MONTH = r"(?P<month>(?:" + "|".join(sorted((name.capitalize() for name in MONTH_NAMES), key=len, reverse=True)) + r")\.?)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d{2})"
# The ways a quote writes a date, most precise first; each gives (year or None, month, day or None).
DATE_PATTERNS = (
    re.compile(r"(?<![\d-])" + YEAR + r"-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?![\d-])"),  # 2025-07-14, 2025-07
    re.compile(r"\b" + MONTH + r"\s+" + DAY + r"(?:,\s*|\s+)" + YEAR + r"\b"),  # July 14, 2025
    re.compile(r"\b" + DAY + r"\s+" + MONTH + r",?\s+" + YEAR + r"\b"),  # 14 July 2025
    re.compile(r"\b" + MONTH + r",?\s+" + YEAR + r"\b"),  # July 2025
    re.compile(r"\b" + MONTH + r"\s+" + DAY + r"\b(?!,?\s*(?:19|20)\d{2})(?![\d:])"),  # May 29 (no year)
    re.compile(r"\b" + DAY + r"\s+" + MONTH + r"(?![\w.]*,?\s+(?:19|20)\d{2})"),  # 29 May (no year)
)
# The date fields of each type, and words that name the event of each: a date equal to several of a
# record's dates is attributed only to those whose words the quote also uses.
DATE_FIELDS = {
    "agreements": ("announced", "awarded", "start", "end"), "terms": ("effective",),
    "addendum_markers": ("known_since",), "designations": ("announced", "determined", "noticed", "effective", "ended"),
    "testing_disclosures": ("tested_from", "tested_to", "disclosed"), "events": ("occurred",),
}
DATE_CUES = {
    "announced": r"announc|unveil|revealed|\bsaid\b", "awarded": r"award|\bsign", "start": r"\bbeg[ia]n|\bstart|commenc",
    "end": r"\bend|through|expir|until|completion", "effective": r"effective|took effect|takes effect",
    "determined": r"determin|designat", "noticed": r"notice|notif|letter", "ended": r"rescind|\bended\b|lifted|vacat",
    "tested_from": r"\bbeg[ia]n|\bstart|test", "tested_to": r"\bended\b|until|through", "disclosed": r"disclos|report|reveal",
    "occurred": r".", "known_since": r".",
}
AMOUNT = re.compile(r"\$\s?(?P<number>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<unit>thousand|million|billion|trillion)\b"
                    r"|(?P<letter>[KMB])\b)?", re.IGNORECASE)
UNITS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "k": 10**3, "m": 10**6, "b": 10**9}
# (record plural, status value) -> the words that state it. No entry, no rule: 'unknown' or 'reported'
# is never read off a quote.
STATUS_WORDS = {
    ("agreements", "active"): r"\bactive\b|\bdeployed\b|\boperational\b|\bin use\b",
    ("agreements", "announced"): r"\bannounc\w*|\bawarded\b|\bsigned\b",
    ("agreements", "completed"): r"\bcompleted\b", ("agreements", "terminated"): r"\bterminat\w*",
    ("agreements", "cancelled"): r"\bcancel+ed\b", ("agreements", "suspended"): r"\bsuspend\w*",
    ("agreements", "disputed"): r"\bdisput\w*|\bcontested\b",
    ("designations", "enjoined"): r"\benjoin\w*|\bpreliminary injunction\b",
    ("designations", "in_effect"): r"\bin effect\b|\brefused to block\b|\bstay denied\b|\bdenied\b[^.;]{0,60}\bstay\b",
    ("designations", "stayed"): r"\bstayed\b", ("designations", "rescinded"): r"\brescind\w*",
    ("designations", "vacated"): r"\bvacat\w*", ("designations", "expired"): r"\bexpired\b",
    ("terms", "removed"): r"\bremoved\b|\bdeleted\b", ("terms", "superseded"): r"\bsupersed\w*|\breplaced\b",
    ("terms", "requested_and_refused"): r"\brefus\w*|\brejected\b",
}
# Words before a status word (in the same clause) that deny it: "the court denied an injunction".
NEGATION = re.compile(r"\b(?:not|never|no longer|refused to|declined to|denied|denies|deny|without)\b[^.;]{0,40}$",
                      re.IGNORECASE)


def stated_dates(quote):
    """Every date the quote writes, as (year or None, month, day or None), from the most precise pattern
    that covers each span."""
    dates, taken = [], []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(quote):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            month_text = match["month"].rstrip(".")
            month = int(month_text) if month_text.isdigit() else MONTH_NAMES.get(month_text.lower())
            day = int(match["day"]) if match.groupdict().get("day") else None
            year = int(match["year"]) if match.groupdict().get("year") else None
            if not month or month > 12 or (day is not None and not 1 <= day <= 31):
                continue
            taken.append(match.span())
            dates.append((year, month, day))
    return dates


def date_matches(value, stated):
    """Whether a stated date is the record's partial date: the same day (a stated day without a year
    matches the record's day), or the same month for a month-precise value. A year alone never matches."""
    if not isinstance(value, str) or len(value) < 7:
        return False
    parts = [int(part) for part in value.split("-")]
    year, month, day = stated
    if len(parts) == 3:
        return day is not None and (month, day) == (parts[1], parts[2]) and year in (None, parts[0])
    return day is None and (year, month) == (parts[0], parts[1])


def date_claims(plural, record, quote):
    """The date fields of the record whose value the quote states."""
    keys = []
    for year, month, day in stated_dates(quote):
        fields = [name for name in DATE_FIELDS.get(plural, ()) if date_matches(record.get(name), (year, month, day))]
        if len(fields) > 1:
            fields = [name for name in fields if re.search(DATE_CUES[name], quote, re.IGNORECASE)]
        keys += fields
    return keys


def stated_amounts(quote):
    """Every dollar amount the quote writes, as a Decimal: '$252,458,698', '$200 million', '$1.3B'."""
    amounts = []
    for match in AMOUNT.finditer(quote):
        number = Decimal(match["number"].replace(",", ""))
        unit = (match["unit"] or match["letter"] or "").lower()
        amounts.append(number * UNITS.get(unit, 1))
    return amounts


def amount_claims(plural, record, quote):
    """`ceiling` / `obligated` when the quote states that amount; `amount:<kind>` for an equal entry of
    the record's `amounts`."""
    stated = set(stated_amounts(quote))
    if not stated:
        return []
    keys = [name for name in ("ceiling", "obligated")
            if (record.get(name) or {}).get("amount") and Decimal(record[name]["amount"]) in stated]
    keys += [f"amount:{entry['kind']}" for entry in record.get("amounts") or []
             if entry.get("amount") is not None and Decimal(str(entry["amount"])) in stated]
    return keys


def status_claims(plural, record, quote):
    """`status` when the quote uses a word that states the record's status, not denied before it."""
    words = STATUS_WORDS.get((plural, record.get("status")))
    if not words:
        return []
    for match in re.finditer(words, quote, re.IGNORECASE):
        if not NEGATION.search(quote[:match.start()]):
            return ["status"]
    return []


def wording_claims(plural, record, quote):
    """`text` when a verbatim term's text is word for word in the quote (a paraphrase never is quoted)."""
    if plural != "terms" or record.get("text_form") != "verbatim" or not record.get("text"):
        return []
    return ["text"] if record["text"] in quote else []


def piid_claims(plural, record, quote):
    """`piid` when the quote holds the agreement's contract number as a whole token (a parent's number, or a
    number with more characters around it, is not the record's)."""
    piid = record.get("piid") if plural == "agreements" else None
    if not piid:
        return []
    return ["piid"] if re.search(rf"(?<![A-Za-z0-9-]){re.escape(piid)}(?![A-Za-z0-9-])", quote) else []


# The dates that are, by definition, the date of a public report: a source dated that day is such a report.
REPORT_DATES = {"agreements": "first_reported", "testing_disclosures": "disclosed"}


def first_reported_claims(plural, record, quote, published=None):
    """`first_reported` (an agreement) or `disclosed` (a testing disclosure) when the citation's source is
    itself dated on that date (at the date's precision: a source of 2024-02-22 for "February 2024"): that
    source is a report of that day. The quote is not read; a source dated otherwise, or undated, supports
    nothing here."""
    field_name = REPORT_DATES.get(plural)
    reported = record.get(field_name) if field_name else None
    if not reported or not published:
        return []
    return [field_name] if published == reported or published.startswith(f"{reported}-") else []


@dataclass(frozen=True)
class ClaimRule:
    """One rule of attribution: its name, what it looks for in a quote, and the function that applies it."""

    name: str
    looks_for: str
    claims: object  # (record plural, record, quote[, the source's published date]) -> [claim keys]
    reads_source_date: bool = False

    def keys(self, plural, record, citation, published=None):
        """The claim keys this rule gives one citation (``published``: its source's date, for a rule that
        reads it)."""
        if self.reads_source_date:
            return self.claims(plural, record, citation["quote"], published)
        return self.claims(plural, record, citation["quote"])


CLAIM_RULES = (
    ClaimRule("amount", "a dollar amount ('$250 million', '$252,458,698', '$1.3B') equal to the record's ceiling, "
                        "obligation or an entry of its `amounts` → `ceiling`, `obligated`, `amount:<kind>`", amount_claims),
    ClaimRule("date", "a date ('2025-07-14', 'July 14, 2025', '14 July 2025', 'July 2025', 'May 29') equal to one of "
                      "the record's dates at its precision; a date equal to several of them only where the quote also "
                      "names the event ('announced', 'awarded', 'letter'…); a year alone never", date_claims),
    ClaimRule("status", "a word that states the record's status ('enjoined', 'refused to block' for in effect, "
                        "'deployed' for active…), unless a denial precedes it in the clause", status_claims),
    ClaimRule("wording", "the whole text of a verbatim term, word for word → `text` (paraphrases are never "
                         "attributed a quote)", wording_claims),
    ClaimRule("piid", "the agreement's contract number (PIID) as a whole token ('W911QX-24-D-0012') → `piid`; a "
                      "parent contract's number is not the record's", piid_claims),
    ClaimRule("first reported", "not the quote: a citation whose source is dated on the agreement's first-reported "
                                "date or a testing disclosure's disclosure date, at its precision → "
                                "`first_reported`, `disclosed`", first_reported_claims,
              reads_source_date=True),
)


def source_dates(seed):
    """Each source's published date (text, at its precision), by slug: what the first-reported rule reads."""
    return {source["slug"]: source.get("published") for source in seed.get("sources", [])}


def attribute_claims(seed):
    """Fill every citation's `claims` by CLAIM_RULES; count what each rule attributed in the ledger.
    Citations are rebuilt, never edited in place: an event may share its designation's citation dicts."""
    dates = source_dates(seed)
    for plural in PLURALS[1:]:
        for record in seed[plural]:
            rebuilt = []
            for citation in record.get("citations", []):
                claims = []
                for rule in CLAIM_RULES:
                    claims += [key for key in rule.keys(plural, record, citation, dates.get(citation["source"]))
                               if key not in claims]
                rebuilt.append({**citation, "claims": claims})
            record["citations"] = rebuilt


def claim_counts(seed):
    """(citations with at least one claim, all citations)."""
    citations = [citation for plural in PLURALS[1:] for record in seed[plural] for citation in record.get("citations", [])]
    return sum(1 for citation in citations if citation["claims"]), len(citations)


def mapping_claims(seed):
    """MAPPING.md's account of the attribution: how many citations each rule attributed, and which keys."""
    attributed, total = claim_counts(seed)
    by_rule = {rule.name: Counter() for rule in CLAIM_RULES}
    dates = source_dates(seed)
    for plural in PLURALS[1:]:
        for record in seed[plural]:
            for citation in record.get("citations", []):
                for rule in CLAIM_RULES:
                    for key in rule.keys(plural, record, citation, dates.get(citation["source"])):
                        by_rule[rule.name][f"{plural}: `{key}`"] += 1
    rules = [(rule.name, rule.looks_for, sum(by_rule[rule.name].values()),
              ", ".join(f"{key} ×{count}" for key, count in sorted(by_rule[rule.name].items())) or "none")
             for rule in CLAIM_RULES]
    return (f"{attributed} of {total} citations name the facts their quote states (`claims`); the other "
            f"{total - attributed} are general sources of their record, listed after the others on its page. "
            "Claims are filled only by these rules over the quote's own words and the record's converted values "
            "(and, for a first-reported or disclosure date only, the source's own date) (`CLAIM_RULES` in the "
            "converter); a "
            "quote no rule recognises is never attributed by guesswork.\n\n"
            + table(("rule", "what it looks for in a quote", "claims", "keys"), rules))


def confidence_level(text):
    word = (text or "").strip().split(" ", 1)[0].lower()
    return word if word in CONFIDENCE else None


def apply_field_confidence(research, seed):
    """`field_confidence` of every cited record: {} unless the research rates one field apart — the PIID
    (its contract number's `confidence`) and a designation's determination date (`determination_date_confidence`)."""
    by_slug = {record["slug"]: record for plural in PLURALS[1:] for record in seed[plural]}
    for record in by_slug.values():
        record["field_confidence"] = {}
    for agreement in research.get("agreements") or []:
        numbers = agreement.get("contract_numbers") or []
        record = by_slug.get(agreement["id"])
        level = confidence_level(numbers[0].get("confidence")) if numbers else None
        if record and level and record.get("piid") and numbers[0].get("number", "").split(" ", 1)[0] == record["piid"]:
            record["field_confidence"]["piid"] = level
    for designation in research.get("designations") or []:
        record = by_slug.get(designation["id"])
        level = confidence_level(designation.get("determination_date_confidence"))
        if record and level and record.get("determined"):
            record["field_confidence"]["determined"] = level


# --- conversion ---------------------------------------------------------------------------------------

CONVERTERS = {
    "agencies": convert_agency, "vendors": convert_vendor, "agreements": convert_agreement,
    "public_terms": convert_term, "classified_addendum_markers": convert_marker,
    "designations": convert_designation, "testing_disclosures": convert_testing, "events": convert_event,
}


def convert_with_ledger(research, supplement=SHIPPED):
    """(seed, ledger): the interchange document and the record of every decision taken to build it.
    ``supplement``: the later research file (new records, source additions, mapping notes, tiers, freshness,
    facts on which sources differ)."""
    unknown = sorted(set(research) - set(RESEARCH_TYPES) - {"meta"})
    if unknown:
        raise ValueError(f"research lists the converter does not know (nothing would hold them): {unknown}")
    supplement = load_supplement(supplement)
    ledger = Ledger()
    merged = merged_research(research, supplement)
    ctx = build_context(merged, ledger)
    seed = {plural: [] for plural in PLURALS}
    for key, (plural, _) in RESEARCH_TYPES.items():
        for data in research.get(key) or []:
            record = CONVERTERS[key](data, ctx)
            seed[plural].append(record)
            ledger.records.append((f"{key}/{data['id']}", plural, record["slug"]))
    if supplement:  # after every record of the first file, so its source slugs stay as they were
        for key, records in supplement_records(supplement).items():
            plural = RESEARCH_TYPES[key][0]
            for data in records:
                record = SUPPLEMENT_CONVERTERS.get(key, CONVERTERS[key])(data, ctx)
                seed[plural].append(record)
                ledger.records.append((f"{key}/{data['id']} (supplement)", plural, record["slug"]))
                ledger.supplement.append((f"supplement {key}/{data['id']}", plural, record["slug"], "new record"))
    apply_status_history(research, seed, ctx)
    apply_litigation(research, seed["events"], ctx)
    apply_choices(merged, seed, ctx)
    if supplement:
        apply_source_additions(supplement, seed, ctx)
        apply_mapping_notes(supplement, seed, ctx)
        apply_weak_claims(supplement, seed, ctx)
    apply_related_designations(merged, seed, ctx)
    apply_named_links(seed, ctx)
    apply_disputed_facts(research, supplement, seed, ctx)
    apply_field_confidence(merged, seed)
    seed["sources"] = ctx.sources.records(ledger)
    attribute_claims(seed)  # it reads every converted value, every citation and the sources' dates
    apply_source_tiers(supplement, seed, ctx)
    editorial.set_last_verified(seed, research, supplement, normalize=normalize_url)
    editorial.readable_notes(seed)
    editorial.record_ids_as_titles(seed)
    document = {"meta": build_meta(research, seed, supplement)}
    document.update({plural: sorted(seed[plural], key=lambda record: record["slug"]) for plural in PLURALS})
    return document, ledger


SUPPLEMENT_CONVERTERS = {"events": convert_supplement_event, "public_terms": convert_supplement_term}


def apply_disputed_facts(research, supplement, seed, ctx):
    """Facts on which sources differ keep every value with the citations that state it (editorial.DISPUTED)."""
    def cite(entry, owner):
        citation = ctx.sources.cite(entry, owner)
        return {"source": citation["source"], "quote": citation["quote"]}

    facts = editorial.disputed_facts(research, supplement, cite)
    for plural in PLURALS[1:]:
        for record in seed[plural]:
            if record["slug"] in facts:
                record["disputed_facts"] = facts[record["slug"]]


def build_meta(research, seed, supplement=None):
    return {
        "format": "docs/interchange.md",
        "generated_by": "python -m registry.seed.convert_research",
        "generated_from": [RESEARCH_NAME, *([SUPPLEMENT_NAME] if supplement else [])],
        "mapping": "registry/seed/MAPPING.md",
        "published_at": PUBLISHED_AT,
        "counts": {plural: len(seed[plural]) for plural in PLURALS},
        "research_meta": research.get("meta") or {},
        **({"supplement_meta": supplement.get("meta") or {}} if supplement else {}),
    }


def convert(research: dict, supplement=SHIPPED) -> dict:
    """The interchange document (seed.json) for a research document and its supplement (by default the
    shipped copy; ``None`` for the first file alone)."""
    return convert_with_ledger(research, supplement)[0]


def seed_text(seed):
    """seed.json as written: indent 1, UTF-8 text, trailing newline."""
    return json.dumps(seed, indent=1, ensure_ascii=False) + "\n"


# --- MAPPING.md -----------------------------------------------------------------------------------------

def cell(value):
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text or " "


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def render_mapping(research: dict, supplement=SHIPPED) -> str:
    """MAPPING.md: how and where every research value and record went, from the conversion's own ledger."""
    supplement = load_supplement(supplement)
    seed, ledger = convert_with_ledger(research, supplement)
    parts = [mapping_intro(seed), "## What came from which file", mapping_files(seed, ledger, supplement),
             "## Vocabulary mappings", mapping_vocabulary(ledger),
             "## Where every research record went", mapping_records(ledger), "## Sources", mapping_sources(seed),
             "## Claims on citations", mapping_claims(seed),
             "## Sent to notes as unmatched", mapping_unmatched(ledger)]
    return "\n\n".join(parts) + "\n"


def mapping_intro(seed):
    counts = ", ".join(f"{len(seed[plural])} {plural.replace('_', ' ')}" for plural in PLURALS)
    return f"""# Research → registry mapping

Generated by `registry/seed/convert_research.py` from `{RESEARCH_NAME}` (the research pass compiled
2026-11-28) and its supplement `{SUPPLEMENT_NAME}` (compiled 2026-12-01). Do not edit by hand: change the
converter and rerun it.

## What the converter does

It turns the research file into one interchange document (`seed.json`, see `docs/interchange.md`):
{counts}. Faithfulness rules:

- Nothing is invented: month-only dates stay `YYYY-MM`, years stay `YYYY`; a free-text date keeps only the
  date it vouches for, and the full text goes to `notes`. Every value with an amount is typed: the first
  `ceiling` value becomes `ceiling`, the first obligated value `obligated`, and every other one (reported award
  value, ceiling increase, resulting ceiling, prize pot…) an entry of `amounts` with its kind (table below).
  Values with no amount (undisclosed, or GBP figures given only in words) are described in `value_note`; an
  undisclosed amount is never `0`. The research `reported_date` becomes `first_reported`.
- Where no vocabulary value fits, the value is `other`/`unknown` (or the closest, as the tables below say) and
  the research wording is kept in `vehicle_note`, `status_note` or `notes`. Every research field without a home
  in the format is kept in `notes`; any key the converter does not know is also kept there and listed below.
- Every research source entry is a citation (quote copied exactly) on its record; each distinct URL is one
  Source (`verified: true`). Primary URL pointers the researcher did not read are Sources with
  `verified: false` and no citation, and each record naming one says so in its notes.
- Terms, markers, designations and testing disclosures have no title in the research: their titles are built
  from their type, status and owner (the research id is the slug). Research ids are kept as slugs.
- Designation `status_history` entries are events: each is matched to the research event that already records
  it (same date, naming the designation), which then links the designation and its vendor and quotes the entry
  in its notes; an entry with no such event becomes a new event.
- An editorial pass (`registry/seed/editorial.py`) finishes every record: `last_verified_on` is the compile date
  of the research file that last stated it (the supplement states the records it adds sources to or reassesses);
  notes become short Markdown prose (vocabulary values as labels, records by name, addresses as links, unread
  primary pointers as one list "Primary sources not yet read", converter bookkeeping gone); a fact on which
  sources differ keeps every value with the quotes stating it (`disputed_facts`); an agency's secondary title
  becomes its `name_note`.

## How to rerun

    .venv/bin/python -m registry.seed.convert_research [--research PATH] [--out DIR]

The output is deterministic: every record is published at {PUBLISHED_AT} (the compile date), records
are sorted by slug and keys are in a fixed order, so two runs give byte-identical files.
`tests/seed/test_convert_research.py` checks that the committed files match a fresh run."""


def mapping_files(seed, ledger, supplement):
    if not supplement:
        return f"Everything came from `{RESEARCH_NAME}`; no supplement was read."
    tiers = Counter(source["tier"] for source in seed["sources"])
    rows = [(where, plural, slug, what) for where, plural, slug, what in ledger.supplement]
    return (f"Records, citations and vocabulary values not listed here came from `{RESEARCH_NAME}`. From "
            f"`{SUPPLEMENT_NAME}` (compiled {(supplement.get('meta') or {}).get('compiled_on', 'date not given')}; its "
            "notes file ships beside it): its new records (converted with the same rules; new vocabulary as the "
            "tables below say), its `source_additions` (each a citation of the named record with the exact quote, "
            "its claim and reason in the record's notes), its `mapping_notes` (applied as the table "
            f"“{T_SUPPLEMENT}” says), its `weakly_sourced_claims` (the record's `weakly_sourced_claims`) and its "
            "`source_assessments`: every source's `tier` and `tier_reason`, matched by normalised URL; a source "
            "the assessments do not list is `not_assessed`. Tiers: "
            + ", ".join(f"{tier} {tiers[tier]}" for tier in SOURCE_TIERS) + ".\n\n"
            + table(("supplement entry", "registry type", "registry slug", "what was done"), rows))


def mapping_vocabulary(ledger):
    sections = []
    for title in (*TABLE_ORDER, *sorted(set(ledger.choices) - set(TABLE_ORDER))):
        counter = ledger.choices.get(title)
        if not counter:
            continue
        rows = [(research, registry, count, why) for (research, registry, why), count in sorted(counter.items())]
        intro = f"{TABLE_NOTES[title]}\n\n" if title in TABLE_NOTES else ""
        sections.append(f"### {title}\n\n{intro}" + table(("research value", "registry value", "count", "why"), rows))
    return "\n\n".join(sections)


def mapping_records(ledger):
    rows = [(where, plural, slug) for where, plural, slug in ledger.records]
    return ("Every research record, and every designation `status_history` entry, with the registry record it "
            "became.\n\n" + table(("research record", "registry type", "registry slug"), rows))


def mapping_sources(seed):
    cited = Counter(citation["source"] for plural in PLURALS[1:] for record in seed[plural]
                    for citation in record.get("citations", []))
    rows = [(source["slug"], source["url"], source["kind"], "yes" if source["verified"] else "no (pointer)",
             cited[source["slug"]]) for source in seed["sources"]]
    return ("Each distinct URL (normalised: lower-case scheme and host, no fragment, no default port) is one "
            "Source; its slug comes from host and path.\n\n"
            + table(("slug", "URL", "kind", "read", "citations"), rows))


UNMATCHED_SECTIONS = (
    ("ids", "Unresolvable ids (kept in the record's notes)"),
    ("fields", "Research fields unknown to the converter (kept in the record's notes)"),
    ("owners", "Terms with no possible owner"),
)


def mapping_unmatched(ledger):
    sections = []
    for category, heading in UNMATCHED_SECTIONS:
        lines = [f"- `{where}`: {what}" for kind, where, what in ledger.unmatched if kind == category]
        sections.append(f"### {heading}\n\n" + ("\n".join(lines) or "None."))
    lines = [f"- {title}: `{research}` → `{registry}` ({count}×)"
             for title in ledger.choices for (research, registry, why), count in sorted(ledger.choices[title].items())
             if why in (NO_RULE, CONFIRMED_FALLBACK)]
    sections.append("### Values that matched no mapping rule (wording kept in `status_note` or `notes`)\n\n"
                    + ("\n".join(lines) or "None."))
    return "\n\n".join(sections)


# --- command line ---------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--research", type=Path, default=DEFAULT_RESEARCH, help="the research JSON file")
    parser.add_argument("--supplement", type=Path, default=DEFAULT_SUPPLEMENT,
                        help="the research supplement JSON file (source additions, mapping notes, tiers)")
    parser.add_argument("--no-supplement", action="store_true", help="convert the first research file alone")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write seed.json and MAPPING.md")
    args = parser.parse_args(argv)
    research = json.loads(args.research.read_text(encoding="utf-8"))
    supplement = None if args.no_supplement else json.loads(args.supplement.read_text(encoding="utf-8"))
    seed = convert(research, supplement)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "seed.json").write_text(seed_text(seed), encoding="utf-8")
    (args.out / "MAPPING.md").write_text(render_mapping(research, supplement), encoding="utf-8")
    counts = ", ".join(f"{plural} {len(seed[plural])}" for plural in PLURALS)
    print(f"Wrote {args.out / 'seed.json'} and MAPPING.md: {counts}")
    print("Citations attributed to claims: {} of {}".format(*claim_counts(seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
