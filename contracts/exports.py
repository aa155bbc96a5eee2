"""CSV columns of agencies, vendors, agreements, terms and classified-addendum markers (registered
with their record types in contracts/apps.py; the machinery is registry/exports.py)."""

from contracts.models import AmountKind
from registry.exports import (
    CITATIONS,
    CITED_TAIL,
    COMMON_HEAD,
    Export,
    amount,
    currency_of,
    field,
    field_confidence,
    partial,
    slug_of,
)


def parties(record):
    return "; ".join(f"{party.vendor.slug} ({party.role})" for party in record.parties.all())


def participating(record):
    return "; ".join(link.agency.slug for link in record.participating.all())


def amounts_of(kind):
    """``amount_<kind>``: the reported amounts of that kind (decimal, "; " between several), empty when none."""
    def read(record):
        return "; ".join(f"{a.amount:.2f}" for a in record.amounts.all() if a.kind == kind)
    return read


def amounts_detail(record):
    """Every reported amount in full: 'kind amount currency [as of date] [— note]', "; " between them."""
    return "; ".join(
        f"{a.kind} {a.amount:.2f} {a.currency}" + (f" as of {a.as_of.isoformat()}" if a.as_of else "")
        + (f" — {a.note}" if a.note else "") for a in record.amounts.all())


AMOUNT_COLUMNS = tuple((f"amount_{kind}", amounts_of(kind)) for kind in AmountKind.values)


AGENCY_COLUMNS = Export((
    *COMMON_HEAD, ("name", field("name")), ("acronym", field("acronym")), ("aliases", field("aliases")),
    ("kind", field("kind")), ("parent", slug_of("parent")), ("country", field("country")),
    ("website", field("website")), ("usaspending_code", field("usaspending_code")), *CITED_TAIL,
), select_related=("parent",), prefetch_related=CITATIONS)

VENDOR_COLUMNS = Export((
    *COMMON_HEAD, ("name", field("name")), ("aliases", field("aliases")), ("kind", field("kind")),
    ("website", field("website")), ("country", field("country")), ("uei", field("uei")),
    ("cage_code", field("cage_code")), *CITED_TAIL,
), prefetch_related=CITATIONS)

AGREEMENT_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("awarding_agency", slug_of("awarding_agency")),
    ("participating_agencies", participating), ("vendors", parties), ("vehicle", field("vehicle")),
    ("vehicle_note", field("vehicle_note")), ("parent", slug_of("parent")), ("piid", field("piid")),
    ("piid_confidence", field_confidence("piid")),
    ("usaspending_award_id", field("usaspending_award_id")), ("federal_data_status", field("federal_data_status")),
    ("announced", partial("announced")), ("awarded", partial("awarded")),
    ("first_reported", partial("first_reported")), ("best_known", partial("best_known")),
    ("best_known_kind", field("best_known_kind")), ("start", partial("start")),
    ("end", partial("end")), ("ceiling_amount", amount("ceiling")), ("ceiling_currency", currency_of("ceiling")),
    ("obligated_amount", amount("obligated")), ("obligated_currency", currency_of("obligated")),
    *AMOUNT_COLUMNS, ("amounts", amounts_detail), ("value_note", field("value_note")), ("status", field("status")),
    ("status_note", field("status_note")),
    ("terms_disclosure", field("terms_disclosure")), ("summary", field("summary")), *CITED_TAIL,
), select_related=("awarding_agency", "parent"),
   prefetch_related=("parties__vendor", "participating__agency", "amounts", *CITATIONS))

TERM_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("agreement", slug_of("agreement")), ("agency", slug_of("agency")),
    ("vendor", slug_of("vendor")), ("category", field("category")), ("effect", field("effect")),
    ("text", field("text")), ("text_form", field("text_form")), ("binding", field("binding")),
    ("status", field("status")), ("effective", partial("effective")), ("supersedes", slug_of("supersedes")),
    *CITED_TAIL,
), select_related=("agreement", "agency", "vendor", "supersedes"), prefetch_related=CITATIONS)

MARKER_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("agreement", slug_of("agreement")), ("existence", field("existence")),
    ("classification", field("classification")), ("described_subject", field("described_subject")),
    ("known_since", partial("known")), *CITED_TAIL,
), select_related=("agreement",), prefetch_related=CITATIONS)
