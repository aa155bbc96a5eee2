"""CSV columns of agencies, vendors, agreements, terms and classified-addendum markers (registered
with their record types in contracts/apps.py; the machinery is registry/exports.py)."""

from django.db.models import Prefetch

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementParty,
    AmountKind,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from registry.exports import (
    CITATIONS,
    CITED_TAIL,
    COMMON_HEAD,
    Column,
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
    return Column(f"amount_{kind}", read, type="string", pattern=r"\d+\.\d{2}(; \d+\.\d{2})*",
                  description=f"The reported amounts of kind “{kind}” (decimal, \"; \" between several); "
                              "empty when none is public.")


def amounts_detail(record):
    """Every reported amount in full: 'kind amount currency [as of date] [— note]', "; " between them."""
    return "; ".join(
        f"{a.kind} {a.amount:.2f} {a.currency}" + (f" as of {a.as_of.isoformat()}" if a.as_of else "")
        + (f" — {a.note}" if a.note else "") for a in record.amounts.all())


AMOUNT_COLUMNS = tuple(amounts_of(kind) for kind in AmountKind.values)


AGENCY_COLUMNS = Export(Agency, (
    *COMMON_HEAD, field("name"), field("acronym"), field("aliases"),
    field("kind"), slug_of("parent"), field("country"),
    field("website"), field("usaspending_code"), *CITED_TAIL,
), select_related=("parent",), prefetch_related=CITATIONS)

VENDOR_COLUMNS = Export(Vendor, (
    *COMMON_HEAD, field("name"), field("aliases"), field("kind"),
    field("website"), field("country"), field("uei"),
    field("cage_code"), *CITED_TAIL,
), prefetch_related=CITATIONS)

AGREEMENT_COLUMNS = Export(Agreement, (
    *COMMON_HEAD, field("title"), slug_of("awarding_agency"),
    Column("participating_agencies", participating, type="string",
           description="The slugs of the participating agencies, \"; \" between them."),
    Column("vendors", parties, type="string",
           description="The vendors as “slug (role)”, \"; \" between them."),
    field("vehicle"), field("vehicle_note"), slug_of("parent"), field("piid"),
    field_confidence("piid"),
    field("usaspending_award_id"), field("federal_data_status"),
    partial("announced"), partial("awarded"),
    partial("first_reported"), partial("best_known"),
    field("best_known_kind"), partial("start"),
    partial("end"), amount("ceiling"), currency_of("ceiling"),
    amount("obligated"), currency_of("obligated"),
    *AMOUNT_COLUMNS,
    Column("amounts", amounts_detail, type="string",
           description="Every reported amount in full: “kind amount currency [as of date] [— note]”, \"; \" between them."),
    field("value_note"), field("status"),
    field("status_note"),
    field("terms_disclosure"), field("summary"), *CITED_TAIL,
), select_related=("awarding_agency", "parent"),
   # the parties' and agencies' slugs only, in each agreement's own order (no join for the link's default ordering)
   prefetch_related=(
       Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").only(
           "id", "agreement_id", "role", "vendor__id", "vendor__slug").order_by("role", "id")),
       Prefetch("participating", queryset=AgreementAgency.objects.select_related("agency").only(
           "id", "agreement_id", "agency__id", "agency__slug").order_by("id")),
       "amounts", *CITATIONS))

TERM_COLUMNS = Export(PublicTerm, (
    *COMMON_HEAD, field("title"), slug_of("agreement"), slug_of("agency"),
    slug_of("vendor"), field("category"), field("effect"),
    field("text"), field("text_form"), field("binding"),
    field("status"), partial("effective"), slug_of("supersedes"),
    *CITED_TAIL,
), select_related=("agreement", "agency", "vendor", "supersedes"), prefetch_related=CITATIONS)

MARKER_COLUMNS = Export(ClassifiedAddendumMarker, (
    *COMMON_HEAD, field("title"), slug_of("agreement"), field("existence"),
    field("classification"), field("described_subject"),
    partial("known", "known_since"), *CITED_TAIL,
), select_related=("agreement",), prefetch_related=CITATIONS)
