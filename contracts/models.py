"""Agencies, vendors, agreements and what is publicly known of their terms."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from registry.fields import (
    DatePrecision,
    Money,
    MoneyAccessor,
    PartialDateAccessor,
    date_order_constraint,
    money,
    money_constraints,
    partial_date,
    partial_date_constraints,
    raise_if,
    validate_date_order,
    validate_money,
    validate_partial_date,
)
from registry.models import CitedRecord, HistoricalLink, PublicRecord, PublicRecordQuerySet

BASE_CONSTRAINTS = PublicRecord.Meta.constraints


def collect_errors(record, extra):
    """Run the base clean() and merge its errors with this model's own."""
    errors = dict(extra)
    try:
        CitedRecord.clean(record)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    raise_if(errors)


# --- the rules every page, filter, feed, export and the API ask for ---------------------------

def agency_tree(agencies, *, include_self=True):
    """SQL selecting the ids of ``agencies`` and every agency below them (or only those below), however
    deep the tree: one recursive subquery, run inside the query that uses it (no query of its own)."""
    ids = [getattr(agency, "pk", agency) for agency in agencies]
    table = Agency._meta.db_table
    if not ids:
        return RawSQL(f"SELECT id FROM {table} WHERE 1 = 0", [])  # noqa: S608, S611 - only the table name from _meta, no value
    marks = ", ".join(["%s"] * len(ids))
    seed = f"SELECT id FROM {table} WHERE {'id' if include_self else 'parent_id'} IN ({marks})"  # noqa: S608 - table from _meta; ids in params
    return RawSQL(f"WITH RECURSIVE tree(id) AS ({seed} UNION SELECT child.id FROM {table} child "  # noqa: S608, S611 - table from _meta; ids in params
                  f"JOIN tree ON child.parent_id = tree.id) SELECT id FROM tree", ids)


class AgencyQuerySet(PublicRecordQuerySet):
    def and_below(self, agencies):
        """These agencies and every agency below them: what "with agency" means everywhere."""
        return self.filter(pk__in=agency_tree(agencies))

    def below(self, agencies):
        """Every agency below these, not the agencies themselves."""
        return self.filter(pk__in=agency_tree(agencies, include_self=False))


class AgreementQuerySet(PublicRecordQuerySet):
    def with_agency(self, agencies):
        """Awarded by, or with the participation of, the agencies or one of their sub-agencies."""
        tree = Agency.objects.and_below(agencies).values("pk")
        participating = AgreementAgency.objects.filter(agreement=OuterRef("pk"), agency__in=tree)
        return self.filter(Q(awarding_agency__in=tree) | Q(Exists(participating)))

    def with_awarding_agency(self, agencies):
        """Awarded by the agencies or one of their sub-agencies."""
        return self.filter(awarding_agency__in=Agency.objects.and_below(agencies).values("pk"))

    def with_vendor(self, vendors):
        """With the vendors as a party, in any role."""
        return self.filter(Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), vendor__in=vendors)))


class PublicTermQuerySet(PublicRecordQuerySet):
    def current(self):
        """Terms that still describe their agreement or owner: in force or disputed."""
        return self.filter(status__in=PublicTerm.CURRENT_STATUSES)

    def with_agency(self, agencies):
        """The agencies' (or sub-agencies') own policies, and the terms of agreements with them."""
        return self.filter(Q(agency__in=Agency.objects.and_below(agencies).values("pk"))
                           | Q(agreement__in=Agreement.objects.with_agency(agencies).values("pk")))

    def with_vendor(self, vendors):
        """The vendors' own policies, and the terms of agreements they are a party to."""
        return self.filter(Q(vendor__in=vendors) | Q(agreement__in=Agreement.objects.with_vendor(vendors).values("pk")))


class ClassifiedAddendumMarkerQuerySet(PublicRecordQuerySet):
    def with_agency(self, agencies):
        """Markers of agreements with the agencies (sub-agencies included)."""
        return self.filter(agreement__in=Agreement.objects.with_agency(agencies).values("pk"))

    def with_vendor(self, vendors):
        """Markers of agreements the vendors are a party to."""
        return self.filter(agreement__in=Agreement.objects.with_vendor(vendors).values("pk"))


class Agency(CitedRecord):
    record_type = "agency"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("name", "acronym", "aliases", "notes")

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        COMPONENT = "component", "Component"
        OFFICE = "office", "Office"
        COMMAND = "command", "Command"
        EXECUTIVE_OFFICE = "executive_office", "Executive office"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300, help_text="The agency's official name.")
    name_note = models.CharField(
        max_length=200, blank=True,
        help_text="How the agency is also called, added at its first mention on a page, e.g. 'called Department "
                  "of War since 5 September 2025 (executive order)'.",
    )
    acronym = models.CharField(max_length=30, blank=True, help_text="The usual acronym, e.g. CDAO.")
    aliases = models.JSONField(
        default=list, blank=True,
        help_text="Other names the agency is known by, e.g. 'Department of War'; searched like the name.",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True,
        help_text="What kind of body the agency is.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_agencies",
        help_text="The agency this one is part of, if any.",
    )
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2 country code.")
    website = models.URLField(blank=True, help_text="The agency's website.")
    usaspending_code = models.CharField(  # indexed by its unique-when-set constraint below
        max_length=10, blank=True,
        help_text="The agency's code in USAspending award data: a sub-tier code (e.g. '97AK') or a top-tier code "
                  "(e.g. '097'); empty when unknown. Unique when set. import_usaspending matches awards by it.",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        verbose_name_plural = "agencies"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="agency_name_idx")]
        constraints = [
            *BASE_CONSTRAINTS,
            models.UniqueConstraint(
                fields=["usaspending_code"], condition=~Q(usaspending_code=""), name="contracts_agency_usaspending_once",
                violation_error_message="Another agency already has this USAspending agency code.",
            ),
        ]

    def clean(self):
        errors = {}
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "An agency cannot be its own parent."
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            errors["aliases"] = "Aliases are a list of names."
        if self.usaspending_code and not re.fullmatch(r"[0-9A-Z]{2,10}", self.usaspending_code):
            errors["usaspending_code"] = "A USAspending agency code is upper-case letters and digits, e.g. 097 or 97AK."
        collect_errors(self, errors)


class Vendor(CitedRecord):
    record_type = "vendor"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("name", "aliases", "notes")

    class Kind(models.TextChoices):
        FRONTIER_LAB = "frontier_lab", "Frontier AI lab"
        DEFENSE_TECHNOLOGY = "defense_technology", "Defense technology"
        CLOUD_PROVIDER = "cloud_provider", "Cloud provider"
        DATA_SERVICES = "data_services", "Data services"
        SYSTEMS_INTEGRATOR = "systems_integrator", "Systems integrator"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300, help_text="The company's usual name.")
    aliases = models.JSONField(
        default=list, blank=True,
        help_text="Other names, including contracting entities such as 'OpenAI Public Sector LLC'.",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True,
        help_text="What kind of company it is.",
    )
    website = models.URLField(blank=True, help_text="The company's website.")
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2 country code.")
    uei = models.CharField(
        max_length=12, blank=True,
        help_text="SAM.gov Unique Entity Identifier: 12 upper-case letters and digits.",
    )
    cage_code = models.CharField(max_length=5, blank=True, help_text="CAGE code: 5 upper-case letters and digits.")

    class Meta(CitedRecord.Meta):
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="vendor_name_idx")]
        constraints = [
            *BASE_CONSTRAINTS,
            models.CheckConstraint(
                condition=Q(uei="") | Q(uei__regex=r"^[A-Z0-9]{12}$"), name="contracts_vendor_uei_format",
                violation_error_message="A UEI is 12 upper-case letters and digits.",
            ),
            models.CheckConstraint(
                condition=Q(cage_code="") | Q(cage_code__regex=r"^[A-Z0-9]{5}$"), name="contracts_vendor_cage_format",
                violation_error_message="A CAGE code is 5 upper-case letters and digits.",
            ),
        ]

    def clean(self):
        errors = {}
        # ASCII only, as the database constraints say: str.isalnum() also accepts "É" or "１".
        if self.uei and not re.fullmatch(r"[A-Z0-9]{12}", self.uei):
            errors["uei"] = "A UEI is 12 upper-case letters and digits."
        if self.cage_code and not re.fullmatch(r"[A-Z0-9]{5}", self.cage_code):
            errors["cage_code"] = "A CAGE code is 5 upper-case letters and digits."
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            errors["aliases"] = "Aliases are a list of names."
        collect_errors(self, errors)


class BestKnown(models.TextChoices):
    """Which date an agreement's best known date is, in order of precedence."""

    ANNOUNCED = "announced", "announced"
    AWARDED = "awarded", "awarded"
    FIRST_REPORTED = "first_reported", "first reported"
    START = "start", "start of performance"


BEST_KNOWN_PRECEDENCE = ((BestKnown.ANNOUNCED, "announced_on"), (BestKnown.AWARDED, "awarded_on"),
                         (BestKnown.FIRST_REPORTED, "first_reported_on"), (BestKnown.START, "start_on"))


def best_known_date(agreement):
    """(date, precision, kind) of the first known date in precedence announced > awarded > first reported >
    start; (None, "", "") when none is known. Reads attributes only, so migrations can use it too."""
    for kind, field in BEST_KNOWN_PRECEDENCE:
        value = getattr(agreement, field)
        if value is not None:
            precision = getattr(agreement, f"{field}_precision") or DatePrecision.DAY
            if not well_formed(value, precision):
                return None, "", ""  # the field's own rule refuses it, naming that field, not this copy
            return value, precision, kind.value
    return None, "", ""


def well_formed(value, precision):
    """Whether (date, precision) is a partial date the constraints accept: a month on the 1st, a year on 1 January."""
    if precision not in DatePrecision.values:
        return False
    return (precision == DatePrecision.DAY or value.day == 1) and (precision != DatePrecision.YEAR or value.month == 1)


class AmountKind(models.TextChoices):
    """The kinds of publicly reported amounts (see AgreementAmount)."""

    CEILING = "ceiling", "Ceiling"
    OBLIGATED = "obligated", "Obligated"
    REPORTED_AWARD_VALUE = "reported_award_value", "Reported award value"
    FEDERAL_AWARD_AMOUNT = "federal_award_amount", "Award amount in federal data (type not stated)"
    POTENTIAL_TOTAL = "potential_total", "Potential total value"
    CEILING_INCREASE = "ceiling_increase", "Ceiling increase"
    RESULTING_CEILING = "resulting_ceiling", "Resulting ceiling"
    INITIAL_COMMITMENT = "initial_commitment", "Initial commitment"
    PRIZE_POOL = "prize_pool", "Prize pool"
    OTHER = "other", "Other reported amount"


# What a list shows first when an agreement has several amounts: the most complete measure of its value.
HEADLINE_ORDER = ("ceiling", "reported_award_value", "federal_award_amount", "potential_total", "obligated",
                  "resulting_ceiling", "ceiling_increase", "initial_commitment", "prize_pool", "other")
# The kind as a list cell names it, after the amount: "reported $642M (award value)".
SHORT_KIND = {"ceiling": "ceiling", "obligated": "obligated", "reported_award_value": "award value",
              "federal_award_amount": "in federal award data", "potential_total": "potential total",
              "resulting_ceiling": "resulting ceiling", "ceiling_increase": "ceiling increase",
              "initial_commitment": "initial commitment", "prize_pool": "prize pool", "other": "other amount"}


@dataclass(frozen=True)
class ReportedAmount:
    """One public amount of an agreement as pages show it (a field or a typed AgreementAmount)."""

    kind: str
    money: Money
    as_of: object  # PartialDate or None
    note: str
    claim: str  # the claim key of the citations that support it: "ceiling", "obligated" or "amount:<kind>"

    @property
    def label(self):
        return AmountKind(self.kind).label

    @property
    def short_kind(self):
        return SHORT_KIND[self.kind]

    @property
    def is_ceiling_or_obligation(self):
        return self.kind in (AmountKind.CEILING, AmountKind.OBLIGATED)


def amount_totals(agreements):
    """Per (kind, currency), the total of the top-level agreements' amounts and how many agreements it counts:
    [(label, Money, count)]. Modifications and task orders carry their own amounts and are not added;
    kinds are never summed together."""
    totals = {}
    for agreement in agreements:
        if agreement.parent_id is not None:
            continue
        for amount in agreement.reported_amounts():
            key = (amount.kind, amount.money.currency)
            total, agreements_counted = totals.get(key, (Decimal(0), set()))
            agreements_counted.add(agreement.pk)
            totals[key] = (total + amount.money.amount, agreements_counted)
    order = {kind: n for n, kind in enumerate(HEADLINE_ORDER)}
    return [(AmountKind(kind).label, Money(total, currency), len(counted))
            for (kind, currency), (total, counted) in sorted(totals.items(), key=lambda i: (order[i[0][0]], i[0][1]))]


class Agreement(CitedRecord):
    record_type = "agreement"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "summary", "piid", "vehicle_note", "status_note", "value_note", "notes")
    change_parent_field = None
    partial_dates = ("announced_on", "awarded_on", "first_reported_on", "start_on", "end_on")

    class Vehicle(models.TextChoices):
        OT_PROTOTYPE = "ot_prototype", "Other transaction (prototype)"
        OT_PRODUCTION = "ot_production", "Other transaction (production)"
        FAR_CONTRACT = "far_contract", "FAR contract"
        IDIQ_TASK_ORDER = "idiq_task_order", "IDIQ task order"
        BPA = "bpa", "Blanket purchase agreement"
        COMMERCIAL_SOLUTIONS_OPENING = "commercial_solutions_opening", "Commercial solutions opening"
        ENTERPRISE_AGREEMENT = "enterprise_agreement", "Enterprise agreement"
        PARTNERSHIP = "partnership", "Partnership"
        AMENDMENT = "amendment", "Amendment"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    class FederalDataStatus(models.TextChoices):
        FOUND = "found", "Found in federal award data"
        NOT_FOUND = "not_found", "Not found in federal award data"
        NOT_CHECKED = "not_checked", "Not checked"

    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        NEGOTIATING = "negotiating", "Negotiating"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"
        CANCELLED = "cancelled", "Cancelled"
        SUSPENDED = "suspended", "Suspended"
        DISPUTED = "disputed", "Disputed"
        UNKNOWN = "unknown", "Unknown"

    class TermsDisclosure(models.TextChoices):
        FULL_TEXT = "full_text", "Full text public"
        SUMMARY = "summary", "Summary public"
        PARTIAL = "partial", "Partial"
        NONE = "none", "None"

    title = models.CharField(max_length=300, help_text="A short descriptive title of the agreement.")
    summary = models.TextField(blank=True, help_text="What the agreement is, in Markdown (sanitised when shown).")
    awarding_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="awarded_agreements",
        help_text="The agency that awarded it; empty for vendor-to-vendor defense partnerships.",
    )
    vehicle = models.CharField(
        max_length=30, choices=Vehicle.choices, default=Vehicle.UNKNOWN, db_index=True,
        help_text="The contracting vehicle.",
    )
    vehicle_note = models.TextField(blank=True, help_text="The vehicle as the sources describe it, when uncertain.")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        help_text="The agreement this one modifies, orders under or amends.",
    )
    piid = models.CharField(
        max_length=50, blank=True, db_index=True,
        help_text="Procurement Instrument Identifier (contract number), as published; not unique alone.",
    )
    usaspending_award_id = models.CharField(
        max_length=200, blank=True,
        help_text="USAspending generated_unique_award_id, e.g. CONT_AWD_{PIID}_{agency}_{parent}_{parent agency}.",
    )
    federal_data_status = models.CharField(
        max_length=12, choices=FederalDataStatus.choices, default=FederalDataStatus.NOT_CHECKED, db_index=True,
        help_text="Whether the award appears in public federal award data (USAspending/FPDS).",
    )
    federal_data_checked_on = models.DateField(
        null=True, blank=True, help_text="When federal award data was last checked for this agreement.",
    )
    announced_on, announced_on_precision = partial_date("When the agreement was announced.")
    awarded_on, awarded_on_precision = partial_date("When the agreement was awarded or signed.")
    first_reported_on, first_reported_on_precision = partial_date(
        "When the agreement was first reported, where no announcement is known.")
    start_on, start_on_precision = partial_date("When performance starts.")
    end_on, end_on_precision = partial_date("When performance ends or is expected to end.")
    best_known_on = models.DateField(
        null=True, blank=True, editable=False, db_index=True,
        help_text="The best known date of the agreement (announced, else awarded, else first reported, else start), "
                  "stored by the write path for sorting and filtering. First day of the period.",
    )
    best_known_on_precision = models.CharField(
        max_length=5, blank=True, editable=False, choices=DatePrecision.choices,
        help_text="Precision of the best known date: day, month or year.",
    )
    best_known_kind = models.CharField(
        max_length=15, blank=True, editable=False, choices=BestKnown.choices,
        help_text="Which date the best known date is: announced, awarded, first_reported or start.",
    )
    ceiling_amount, ceiling_currency = money("The ceiling (maximum potential value).")
    obligated_amount, obligated_currency = money("The amount obligated (committed funds), distinct from the ceiling.")
    value_note = models.TextField(
        blank=True, help_text="What the sources say about value when it is not a ceiling or obligation.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UNKNOWN, db_index=True,
        help_text="Where the agreement stands, as far as is publicly known.",
    )
    status_note = models.TextField(blank=True, help_text="The status as the sources describe it.")
    terms_disclosure = models.CharField(
        max_length=10, choices=TermsDisclosure.choices, default=TermsDisclosure.NONE, db_index=True,
        help_text="How much of the agreement's text is public.",
    )

    announced = PartialDateAccessor("announced_on")
    awarded = PartialDateAccessor("awarded_on")
    first_reported = PartialDateAccessor("first_reported_on")
    best_known = PartialDateAccessor("best_known_on")
    start = PartialDateAccessor("start_on")
    end = PartialDateAccessor("end_on")
    ceiling = MoneyAccessor("ceiling")
    obligated = MoneyAccessor("obligated")

    objects = AgreementQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        ordering = [models.F("best_known_on").desc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["title"], name="agreement_title_idx")]
        constraints = [
            *BASE_CONSTRAINTS,
            *partial_date_constraints("announced_on"),
            *partial_date_constraints("awarded_on"),
            *partial_date_constraints("first_reported_on"),
            *partial_date_constraints("best_known_on"),
            models.CheckConstraint(
                condition=Q(best_known_on__isnull=True, best_known_kind="")
                | Q(best_known_on__isnull=False, best_known_kind__in=BestKnown.values),
                name="contracts_agreement_best_known_kind",
                violation_error_message="The best known date says which date it is, and only when there is one.",
            ),
            *partial_date_constraints("start_on"),
            *partial_date_constraints("end_on"),
            date_order_constraint("start_on", "end_on"),
            *money_constraints("ceiling"),
            *money_constraints("obligated"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="contracts_agreement_not_own_parent",
                violation_error_message="An agreement cannot be its own parent.",
            ),
        ]

    def derive_fields(self):
        """The best known date: the first known of announced, awarded, first reported and start."""
        self.best_known_on, self.best_known_on_precision, self.best_known_kind = best_known_date(self)

    def reported_amounts(self):
        """Every public amount of the agreement as ReportedAmount: its ceiling and obligation fields, then
        each typed amount (read from the prefetched ``amounts``)."""
        fields = [ReportedAmount(kind, money, None, "", kind) for kind, money
                  in ((AmountKind.CEILING.value, self.ceiling), (AmountKind.OBLIGATED.value, self.obligated)) if money]
        return fields + [ReportedAmount(a.kind, a.money, a.as_of, a.note, a.claim_key) for a in self.amounts.all()]

    def headline_amount(self):
        """The amount a list shows for the agreement: the first public one in HEADLINE_ORDER, or None."""
        amounts = self.reported_amounts()
        for kind in HEADLINE_ORDER:
            for amount in amounts:
                if amount.kind == kind:
                    return amount
        return None

    def kinds_reported(self):
        return {amount.kind for amount in self.reported_amounts()}

    def clean(self):
        errors = {}
        validate_date_order(self, "start_on", "end_on", errors)
        validate_money(self, "ceiling", errors)
        validate_money(self, "obligated", errors)
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "An agreement cannot be its own parent."
        collect_errors(self, errors)


class AgreementAmount(HistoricalLink):
    """A publicly reported amount of an agreement, typed by its kind. The agreement's current ceiling and
    obligation are its ``ceiling`` and ``obligated`` fields; every other reported amount is one of these
    (a kind ``ceiling`` or ``obligated`` here is another, dated figure of that kind). Never 0 for unknown:
    an amount that is not public is simply not recorded."""

    change_parent_field = "agreement"
    partial_dates = ("as_of_on",)

    Kind = AmountKind

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="amounts",
                                  help_text="The agreement the amount is reported for.")
    kind = models.CharField(max_length=25, choices=AmountKind.choices, db_index=True,
                            help_text="What the amount is: a ceiling, an obligation, a reported award value, a "
                                      "ceiling increase, a potential total… (see the methodology page).")
    amount = models.DecimalField(max_digits=18, decimal_places=2,
                                 help_text="The amount as reported, in the currency below.")
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 currency code of the amount.")
    as_of_on, as_of_on_precision = partial_date("The date the amount is reported as of, when the sources give one.")
    note = models.TextField(blank=True, help_text="How the sources describe the amount.")
    position = models.PositiveIntegerField(default=0, help_text="Order of the amount among the agreement's amounts.")

    as_of = PartialDateAccessor("as_of_on")

    class Meta:
        verbose_name = "reported amount"
        ordering = ["agreement", "position", "id"]
        constraints = [
            *partial_date_constraints("as_of_on"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contracts_agreementamount_not_negative",
                                   violation_error_message="An amount cannot be negative."),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="contracts_agreementamount_currency",
                                   violation_error_message="Use a three-letter ISO 4217 code such as USD."),
        ]

    @property
    def money(self):
        return Money(self.amount, self.currency)

    @property
    def claim_key(self):
        """The claim key of a citation that supports this amount: ``amount:<kind>``."""
        return f"amount:{self.kind}"

    def clean(self):
        errors = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = "An amount cannot be negative."
        if not re.fullmatch(r"[A-Z]{3}", self.currency or ""):
            errors["currency"] = "Use a three-letter ISO 4217 code such as USD."
        validate_partial_date(self, "as_of_on", errors)
        raise_if(errors)

    def __str__(self):
        return f"{self.get_kind_display()}: {self.money.humanize()}"


class AgreementParty(HistoricalLink):
    """A vendor's part in an agreement."""

    change_parent_field = "agreement"

    class Role(models.TextChoices):
        PRIME = "prime", "Prime"
        PARTNER = "partner", "Partner"
        SUBCONTRACTOR = "subcontractor", "Subcontractor"
        RESELLER = "reseller", "Reseller"
        CLOUD_PROVIDER = "cloud_provider", "Cloud provider"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="parties",
                                  help_text="The agreement.")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="parties", help_text="The vendor.")
    role = models.CharField(max_length=15, choices=Role.choices, default=Role.PRIME, db_index=True,
                            help_text="The vendor's role in the agreement.")

    class Meta:
        verbose_name_plural = "agreement parties"
        ordering = ["agreement", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "vendor", "role"], name="contracts_party_once",
                                    violation_error_message="This vendor already has this role in the agreement."),
        ]

    def __str__(self):
        return f"{self.vendor} ({self.get_role_display()})"


class AgreementAgency(HistoricalLink):
    """An agency that participates in an agreement it did not award."""

    change_parent_field = "agreement"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="participating",
                                  help_text="The agreement.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participations",
                               help_text="The participating agency.")

    class Meta:
        verbose_name = "participating agency"
        verbose_name_plural = "participating agencies"
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="contracts_participating_agency_once",
                                    violation_error_message="This agency is already listed as participating."),
        ]

    def __str__(self):
        return str(self.agency)


class PublicTerm(CitedRecord):
    """A publicly known term of an agreement, or a policy of an agency or vendor with no agreement."""

    record_type = "term"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "text", "notes")
    # The term's owner: its agreement, or (for a department or vendor policy) its agency or vendor.
    visibility_parents = ("agreement", "agency", "vendor")
    change_parent_field = "agreement"
    partial_dates = ("effective_on",)

    class Category(models.TextChoices):
        DOMESTIC_SURVEILLANCE = "domestic_surveillance", "Domestic surveillance"
        AUTONOMOUS_WEAPONS = "autonomous_weapons", "Autonomous weapons"
        LAWFUL_USE_SCOPE = "lawful_use_scope", "Lawful-use scope"
        ACCEPTABLE_USE_POLICY = "acceptable_use_policy", "Acceptable-use policy"
        HUMAN_OVERSIGHT = "human_oversight", "Human oversight"
        DEPLOYMENT_ENVIRONMENT = "deployment_environment", "Deployment environment"
        DATA_RIGHTS = "data_rights", "Data rights"
        MODEL_WEIGHTS = "model_weights", "Model weights"
        SAFETY_TESTING = "safety_testing", "Safety testing"
        AUDIT_AND_REPORTING = "audit_and_reporting", "Audit and reporting"
        INTELLIGENCE_AGENCY_USE = "intelligence_agency_use", "Intelligence-agency use"
        TERMINATION = "termination", "Termination"
        OTHER = "other", "Other"

    class Effect(models.TextChoices):
        PROHIBITS = "prohibits", "Prohibits"
        RESTRICTS = "restricts", "Restricts"
        PERMITS = "permits", "Permits"
        REQUIRES = "requires", "Requires"
        SILENT = "silent", "Silent"
        UNCLEAR = "unclear", "Unclear"

    class TextForm(models.TextChoices):
        VERBATIM = "verbatim", "Verbatim"
        PARAPHRASE = "paraphrase", "Paraphrase"

    class Binding(models.TextChoices):
        CONTRACT_CLAUSE = "contract_clause", "Contract clause"
        INCORPORATED_POLICY = "incorporated_policy", "Incorporated policy"
        SIDE_LETTER = "side_letter", "Side letter"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        VENDOR_STATEMENT = "vendor_statement", "Vendor statement"
        REPORTED = "reported", "Reported"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        PROPOSED = "proposed", "Proposed"
        REQUESTED_AND_REFUSED = "requested_and_refused", "Requested and refused"
        REMOVED = "removed", "Removed"
        SUPERSEDED = "superseded", "Superseded"
        DISPUTED = "disputed", "Disputed"

    # Terms that still describe the agreement; used by the term_category + term_effect filter.
    CURRENT_STATUSES = (Status.IN_FORCE, Status.DISPUTED)

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="terms",
        help_text="The agreement the term belongs to; empty for a department policy or a vendor's own policy.",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="terms",
        help_text="The agency whose policy this is, when it belongs to no agreement.",
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="terms",
        help_text="The vendor whose policy this is, when it belongs to no agreement.",
    )
    title = models.CharField(max_length=300, help_text="A short name for the term.")
    category = models.CharField(max_length=30, choices=Category.choices, db_index=True,
                                help_text="What the term is about.")
    effect = models.CharField(max_length=10, choices=Effect.choices, db_index=True,
                              help_text="What the term does to that subject.")
    text = models.TextField(help_text="The term's text: verbatim when public, otherwise a faithful paraphrase.")
    text_form = models.CharField(max_length=10, choices=TextForm.choices, default=TextForm.PARAPHRASE,
                                 help_text="Whether the text above is verbatim or a paraphrase.")
    binding = models.CharField(max_length=20, choices=Binding.choices, default=Binding.REPORTED, db_index=True,
                               help_text="How binding the term is known to be.")
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.IN_FORCE, db_index=True,
                              help_text="Whether the term is in force, proposed, refused, removed, superseded or disputed.")
    effective_on, effective_on_precision = partial_date("When the term took effect.")
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        help_text="The earlier term this one replaces.",
    )

    effective = PartialDateAccessor("effective_on")

    objects = PublicTermQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        verbose_name = "public term"
        ordering = ["category", "id"]
        indexes = [models.Index(fields=["agreement", "category", "effect"], name="term_category_effect_idx")]
        constraints = [
            *BASE_CONSTRAINTS,
            *partial_date_constraints("effective_on"),
            models.CheckConstraint(
                condition=Q(agreement__isnull=False) | Q(agency__isnull=False) | Q(vendor__isnull=False),
                name="contracts_publicterm_has_owner",
                violation_error_message="A term belongs to an agreement, or to an agency or vendor.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="contracts_publicterm_text_not_empty",
                violation_error_message="A term needs its text or a paraphrase.",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=models.F("id")), name="contracts_publicterm_not_superseding_itself",
                violation_error_message="A term cannot supersede itself.",
            ),
        ]

    @property
    def change_parent(self):
        return self.agreement or self.vendor or self.agency

    def clean(self):
        errors = {}
        if not (self.agreement_id or self.agency_id or self.vendor_id):
            errors["agreement"] = "A term belongs to an agreement, or to an agency or vendor."
        if not (self.text or "").strip():
            errors["text"] = "A term needs its text or a paraphrase."
        if self.supersedes_id and self.pk and self.supersedes_id == self.pk:
            errors["supersedes"] = "A term cannot supersede itself."
        collect_errors(self, errors)


class ClassifiedAddendumMarker(CitedRecord):
    """The public fact that a non-public part of an agreement exists; NEVER its content."""

    record_type = "addendum-marker"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "described_subject", "notes")
    visibility_parents = ("agreement",)
    change_parent_field = "agreement"
    partial_dates = ("known_since",)

    class Existence(models.TextChoices):
        ACKNOWLEDGED_BY_AGENCY = "acknowledged_by_agency", "Acknowledged by the agency"
        ACKNOWLEDGED_BY_VENDOR = "acknowledged_by_vendor", "Acknowledged by the vendor"
        REFERENCED_IN_DOCUMENTS = "referenced_in_documents", "Referenced in documents"
        REPORTED_BY_SEVERAL_SOURCES = "reported_by_several_sources", "Reported by several sources"
        REPORTED_BY_ONE_SOURCE = "reported_by_one_source", "Reported by one source"
        INFERRED = "inferred", "Inferred"
        NEITHER_CONFIRMED_NOR_DENIED = "neither_confirmed_nor_denied", "Neither confirmed nor denied"
        DENIED = "denied", "Denied"

    class Classification(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        CUI = "cui", "Controlled unclassified information (CUI)"
        CONFIDENTIAL = "confidential", "Confidential"
        SECRET = "secret", "Secret"
        TOP_SECRET = "top_secret", "Top secret"
        TS_SCI = "ts_sci", "Top secret / SCI"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="addendum_markers",
                                  help_text="The agreement with the non-public part.")
    title = models.CharField(max_length=300, help_text="A short name for the marker.")
    existence = models.CharField(max_length=30, choices=Existence.choices, db_index=True,
                                 help_text="How the existence of the non-public part is known.")
    classification = models.CharField(max_length=15, choices=Classification.choices,
                                      default=Classification.UNKNOWN, db_index=True,
                                      help_text="The classification level, if publicly known.")
    described_subject = models.TextField(
        blank=True,
        help_text="What the public record says the non-public part is about; never its content.",
    )
    known_since, known_since_precision = partial_date("Since when the non-public part is publicly known to exist.")

    known = PartialDateAccessor("known_since")

    objects = ClassifiedAddendumMarkerQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        verbose_name = "classified-addendum marker"
        ordering = ["agreement", "id"]
        constraints = [*BASE_CONSTRAINTS, *partial_date_constraints("known_since")]

    def clean(self):
        collect_errors(self, {})
