"""Designations of vendors, disclosures that agencies tested AI models, and dated events."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from contracts.models import (
    BASE_CONSTRAINTS,
    Agency,
    Agreement,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
    collect_errors,
)
from registry.fields import (
    PartialDateAccessor,
    date_order_constraint,
    partial_date,
    partial_date_constraints,
    validate_date_order,
)
from registry.models import CitedRecord, HistoricalLink, HistoricalLinkQuerySet, PublicRecordQuerySet

# --- the rules every page, filter, feed, export and the API ask for ---------------------------


class DesignationQuerySet(PublicRecordQuerySet):
    def with_vendor(self, vendors):
        """Designations of the vendors."""
        return self.filter(vendor__in=vendors)

    def with_agency(self, agencies):
        """Issued by the agencies or one of their sub-agencies."""
        return self.filter(issuing_agency__in=Agency.objects.and_below(agencies).values("pk"))

    def in_effect_on(self, day):
        """In effect on ``day`` (a date), read from the dated fields and the legal events.

        In effect from the effective date, or without one from the first of announcement, determination
        or notice; until the end date, or for one since enjoined, stayed or vacated without an end date,
        until its first court order. Reported and proposed designations never count.
        """
        started = Q(effective_on__lte=day) | Q(effective_on__isnull=True) & (
            Q(announced_on__lte=day) | Q(determined_on__lte=day) | Q(noticed_on__lte=day))
        court_orders = EventLink.objects.filter(designation=OuterRef("pk"), event__kind=Event.Kind.COURT_ORDER,
                                                event__in=Event.objects.public())
        stopped_later = Q(ended_on__gt=day) | Q(
            Q(ended_on__isnull=True), Exists(court_orders.filter(event__occurred_on__gt=day)),
            ~Exists(court_orders.filter(event__occurred_on__lte=day)))
        still_binding = Q(status=Designation.Status.IN_EFFECT) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        return self.filter(started, still_binding | Q(status__in=Designation.STOPPED_STATUSES) & stopped_later)


class TestingDisclosureQuerySet(PublicRecordQuerySet):
    __test__ = False  # not a pytest test class, despite its name

    def with_agency(self, agencies):
        """Testing by the agencies or one of their sub-agencies."""
        return self.filter(agency__in=Agency.objects.and_below(agencies).values("pk"))

    def with_vendor(self, vendors):
        """Testing of the vendors' models."""
        return self.filter(Exists(TestingDisclosureVendor.objects.filter(disclosure=OuterRef("pk"), vendor__in=vendors)))

    def with_agreement(self, agreements):
        """Testing under the agreements."""
        return self.filter(Exists(TestingDisclosureAgreement.objects.filter(disclosure=OuterRef("pk"),
                                                                            agreement__in=agreements)))

    def with_open_lag(self, value=True):
        """Testing whose start is known and which is not disclosed so far (``value=False``: disclosed, lag known)."""
        if value:
            return self.filter(tested_from__isnull=False, disclosed_on__isnull=True)
        return self.filter(tested_from__isnull=False, disclosed_on__isnull=False)

    def under_an_agreement(self, value=True):
        """Testing under some recorded agreement (``value=False``: outside any)."""
        links = Exists(TestingDisclosureAgreement.objects.filter(disclosure=OuterRef("pk")))
        return self.filter(links if value else ~links)


class EventQuerySet(PublicRecordQuerySet):
    def linked(self, condition, public_targets=False):
        """Events with a link matching ``condition`` (a Q over EventLink); with ``public_targets``, only
        links whose record is public count (what a page shows)."""
        links = EventLink.objects.to_public_targets() if public_targets else EventLink.objects.all()
        return self.filter(Exists(links.filter(condition, event=OuterRef("pk"))))

    def with_vendor(self, vendors, public_targets=False):
        """Linked to the vendors, or to an agreement they are a party to, a designation of theirs or a testing
        disclosure of their models."""
        party_agreements = AgreementParty.objects.filter(vendor__in=vendors).values("agreement_id")
        tested = TestingDisclosureVendor.objects.filter(vendor__in=vendors).values("disclosure_id")
        return self.linked(Q(vendor__in=vendors) | Q(agreement_id__in=party_agreements)
                           | Q(designation__vendor__in=vendors) | Q(testing_disclosure_id__in=tested), public_targets)

    def with_agency(self, agencies, public_targets=False):
        """Linked to the agencies (or a sub-agency), or to an agreement with them (awarding or participating), a
        designation they issued or testing they did."""
        below = Agency.objects.and_below(agencies).values("pk")
        return self.linked(Q(agency__in=below) | Q(agreement__in=Agreement.objects.with_agency(agencies).values("pk"))
                           | Q(designation__issuing_agency__in=below) | Q(testing_disclosure__agency__in=below),
                           public_targets)

    def with_agreement(self, agreements):
        return self.linked(Q(agreement__in=agreements))

    def with_designation(self, designations):
        return self.linked(Q(designation__in=designations))


class EventLinkQuerySet(HistoricalLinkQuerySet):
    def to_public_targets(self):
        """Links whose record is ``.public()`` (a term or marker of a retracted agreement is not)."""
        condition = Q()
        for name in EventLink.TARGET_FIELDS:
            target_model = EventLink._meta.get_field(name).related_model
            condition |= Q(**{f"{name}__in": target_model.objects.public()})
        return self.filter(condition)


class Designation(CitedRecord):
    """A government designation of a vendor, such as a supply-chain-risk designation."""

    record_type = "designation"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "authority_cited", "scope", "public_reason", "status_note", "issuing_official", "notes")
    partial_dates = ("announced_on", "determined_on", "noticed_on", "effective_on", "ended_on")

    class Kind(models.TextChoices):
        SUPPLY_CHAIN_RISK_3252 = "supply_chain_risk_3252", "Supply-chain risk (10 U.S.C. 3252)"
        FASCSA_EXCLUSION_ORDER = "fascsa_exclusion_order", "FASCSA exclusion order"
        FASCSA_REMOVAL_ORDER = "fascsa_removal_order", "FASCSA removal order"
        SECTION_889 = "section_889", "Section 889"
        SUSPENSION_OR_DEBARMENT = "suspension_or_debarment", "Suspension or debarment"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REPORTED = "reported", "Reported"
        PROPOSED = "proposed", "Proposed"
        IN_EFFECT = "in_effect", "In effect"
        ENJOINED = "enjoined", "Enjoined"
        STAYED = "stayed", "Stayed"
        RESCINDED = "rescinded", "Rescinded"
        EXPIRED = "expired", "Expired"
        VACATED = "vacated", "Vacated"

    # Statuses of a designation that took effect and has since stopped binding; for in_effect_on it
    # was in effect until it ended (ended_on) or, without an end date, until its first court order.
    STOPPED_STATUSES = (Status.ENJOINED, Status.STAYED, Status.RESCINDED, Status.EXPIRED, Status.VACATED)

    title = models.CharField(max_length=300, help_text="A short name for the designation.")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="designations",
                               help_text="The vendor designated.")
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="designations_issued", help_text="The agency that issued it.")
    issuing_official = models.CharField(max_length=200, blank=True, help_text="The official who issued it.")
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True, help_text="The legal kind of designation.")
    authority_cited = models.CharField(max_length=300, blank=True, help_text="The statute or authority cited.")
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True,
                              help_text="The designation's current legal status as the registry understands it.")
    status_note = models.TextField(blank=True, help_text="The status as the sources describe it.")
    announced_on, announced_on_precision = partial_date("When the designation was announced.")
    determined_on, determined_on_precision = partial_date("When the formal determination was made.")
    noticed_on, noticed_on_precision = partial_date("When formal notice reached the vendor.")
    effective_on, effective_on_precision = partial_date("When it took effect.")
    ended_on, ended_on_precision = partial_date("When it ended (rescinded, expired, vacated).")
    scope = models.TextField(blank=True, help_text="What the designation covers, as stated.")
    public_reason = models.TextField(blank=True, help_text="The reason given publicly, if any.")

    announced = PartialDateAccessor("announced_on")
    determined = PartialDateAccessor("determined_on")
    noticed = PartialDateAccessor("noticed_on")
    effective = PartialDateAccessor("effective_on")
    ended = PartialDateAccessor("ended_on")

    objects = DesignationQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        ordering = ["-announced_on", "id"]
        constraints = [
            *BASE_CONSTRAINTS,
            *(c for f in ("announced_on", "determined_on", "noticed_on", "effective_on", "ended_on")
              for c in partial_date_constraints(f)),
            date_order_constraint("effective_on", "ended_on"),
        ]

    def clean(self):
        errors = {}
        validate_date_order(self, "effective_on", "ended_on", errors)
        collect_errors(self, errors)


class DesignationAgreement(HistoricalLink):
    """An agreement affected by a designation."""

    change_parent_field = "designation"

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="affected",
                                    help_text="The designation.")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="designation_links",
                                  help_text="The affected agreement.")
    note = models.CharField(max_length=300, blank=True, help_text="How the agreement is affected.")

    class Meta:
        verbose_name = "affected agreement"
        constraints = [
            models.UniqueConstraint(fields=["designation", "agreement"], name="disclosures_affected_once",
                                    violation_error_message="This agreement is already listed as affected."),
        ]

    def __str__(self):
        return str(self.agreement)


class DesignationRelation(HistoricalLink):
    """Another designation of the same matter (the same action on a second statutory track). Stored as
    written; pages show it from both sides (``Designation.related_designations_of``)."""

    change_parent_field = "designation"

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="related_links",
                                    help_text="The designation.")
    related = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="related_from",
                                help_text="A designation of the same matter.")

    class Meta:
        verbose_name = "related designation"
        constraints = [
            models.UniqueConstraint(fields=["designation", "related"], name="disclosures_related_designation_once",
                                    violation_error_message="This designation is already listed as related."),
            models.CheckConstraint(condition=~Q(designation=models.F("related")),
                                   name="disclosures_related_designation_not_itself",
                                   violation_error_message="A designation is not related to itself."),
        ]

    def clean(self):
        if self.designation_id and self.designation_id == self.related_id:
            raise ValidationError({"related": "A designation is not related to itself."})

    def __str__(self):
        return str(self.related)


class TestingDisclosure(CitedRecord):
    """A disclosure that an agency tested AI models, with or without an agreement."""

    __test__ = False  # not a pytest test class, despite its name
    record_type = "testing-disclosure"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "summary", "models_tested", "model_version", "notes")
    partial_dates = ("tested_from", "tested_to", "disclosed_on")

    class TestKind(models.TextChoices):
        EVALUATION = "evaluation", "Evaluation"
        RED_TEAM = "red_team", "Red team"
        PILOT = "pilot", "Pilot"
        OPERATIONAL_USE = "operational_use", "Operational use"
        UNKNOWN = "unknown", "Unknown"

    class Channel(models.TextChoices):
        OFFICIAL_RELEASE = "official_release", "Official release"
        VENDOR_STATEMENT = "vendor_statement", "Vendor statement"
        TESTIMONY = "testimony", "Testimony"
        FOIA_RELEASE = "foia_release", "FOIA release"
        COURT_FILING = "court_filing", "Court filing"
        PRESS_REPORT = "press_report", "Press report"
        LEAK = "leak", "Leak"

    class Confirmed(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        DENIED = "denied", "Denied"
        UNKNOWN = "unknown", "Unknown"

    title = models.CharField(max_length=300, help_text="A short name for what was tested.")
    summary = models.TextField(blank=True, help_text="What is known of the testing, in Markdown (sanitised).")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="testing_disclosures",
                               help_text="The agency that tested.")
    models_tested = models.CharField(max_length=500, help_text="The models tested, as named by the sources.")
    model_version = models.CharField(max_length=200, blank=True, help_text="Model versions, when known.")
    test_kind = models.CharField(max_length=15, choices=TestKind.choices, default=TestKind.UNKNOWN, db_index=True,
                                 help_text="What kind of testing it was.")
    tested_from, tested_from_precision = partial_date("When testing began.")
    tested_to, tested_to_precision = partial_date("When testing ended.")
    disclosed_on, disclosed_on_precision = partial_date("When the testing first became public; empty if not yet.")
    channel = models.CharField(max_length=20, choices=Channel.choices, db_index=True, blank=True,
                               help_text="How the testing became public.")
    confirmed_by_agency = models.CharField(max_length=7, choices=Confirmed.choices, default=Confirmed.UNKNOWN,
                                           db_index=True, help_text="Whether the agency confirmed the testing.")
    lag_min_days = models.PositiveIntegerField(
        null=True, blank=True, editable=False, db_index=True,
        help_text="The shortest reading of the disclosure lag in days (stored by the write path); for testing not "
                  "yet disclosed, the days up to the day the record was last verified (0 if never). Null when "
                  "the start of testing is unknown.",
    )
    lag_max_days = models.PositiveIntegerField(
        null=True, blank=True, editable=False, db_index=True,
        help_text="The longest reading of the disclosure lag in days; null while the testing is not disclosed "
                  "(the lag is open) or its start is unknown.",
    )

    tested_start = PartialDateAccessor("tested_from")
    tested_end = PartialDateAccessor("tested_to")
    disclosed = PartialDateAccessor("disclosed_on")

    objects = TestingDisclosureQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        ordering = ["-disclosed_on", "id"]
        constraints = [
            *BASE_CONSTRAINTS,
            *partial_date_constraints("tested_from"),
            *partial_date_constraints("tested_to"),
            *partial_date_constraints("disclosed_on"),
            date_order_constraint("tested_from", "tested_to"),
        ]

    def derive_fields(self):
        """The stored lag, read by the lag filters: never counted up to today, so no answer changes by itself."""
        from disclosures.services import disclosure_lag  # services reads this model's fields only

        if self.tested_start is None:
            self.lag_min_days = self.lag_max_days = None
            return
        lag = disclosure_lag(self, today=self.last_verified_on or self.tested_start.last_day)
        self.lag_min_days = lag.min_days
        self.lag_max_days = lag.max_days if lag.disclosed else None

    @property
    def lag_open(self):
        """True while the testing is not disclosed (and its start is known): the lag still grows."""
        return self.tested_from is not None and self.disclosed_on is None

    def clean(self):
        errors = {}
        validate_date_order(self, "tested_from", "tested_to", errors)
        validate_date_order(self, "tested_from", "disclosed_on", errors)
        collect_errors(self, errors)


class TestingDisclosureVendor(HistoricalLink):
    __test__ = False  # not a pytest test class, despite its name
    change_parent_field = "disclosure"

    disclosure = models.ForeignKey(TestingDisclosure, on_delete=models.PROTECT, related_name="vendor_links",
                                   help_text="The testing disclosure.")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="testing_links",
                               help_text="A vendor whose models were tested.")

    class Meta:
        verbose_name = "tested vendor"
        constraints = [models.UniqueConstraint(fields=["disclosure", "vendor"], name="disclosures_tested_vendor_once",
                                               violation_error_message="This vendor is already listed.")]

    def __str__(self):
        return str(self.vendor)


class TestingDisclosureAgreement(HistoricalLink):
    __test__ = False  # not a pytest test class, despite its name
    change_parent_field = "disclosure"

    disclosure = models.ForeignKey(TestingDisclosure, on_delete=models.PROTECT, related_name="agreement_links",
                                   help_text="The testing disclosure.")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="testing_links",
                                  help_text="An agreement under which the testing happened.")

    class Meta:
        verbose_name = "related agreement"
        constraints = [models.UniqueConstraint(fields=["disclosure", "agreement"],
                                               name="disclosures_tested_agreement_once",
                                               violation_error_message="This agreement is already listed.")]

    def __str__(self):
        return str(self.agreement)


class Event(CitedRecord):
    """A dated happening linked to any public records; court details when legal."""

    record_type = "event"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "summary", "court", "case_number", "notes")
    partial_dates = ("occurred_on",)

    class Kind(models.TextChoices):
        RESIGNATION = "resignation", "Resignation"
        LAWSUIT = "lawsuit", "Lawsuit"
        COURT_ORDER = "court_order", "Court order"
        NEGOTIATION = "negotiation", "Negotiation"
        STATEMENT = "statement", "Statement"
        POLICY = "policy", "Policy"
        HEARING = "hearing", "Hearing"
        REPORT = "report", "Report"
        AWARD = "award", "Award"
        TERMINATION = "termination", "Termination"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300, help_text="What happened, in one line.")
    summary = models.TextField(blank=True, help_text="More detail, in Markdown (sanitised).")
    kind = models.CharField(max_length=15, choices=Kind.choices, db_index=True, help_text="What kind of happening.")
    occurred_on, occurred_on_precision = partial_date("When it happened.")
    court = models.CharField(max_length=200, blank=True, help_text="The court, for legal events.")
    case_number = models.CharField(max_length=100, blank=True, help_text="The case number, for legal events.")
    docket_url = models.URLField(max_length=1000, blank=True, help_text="A link to the docket, for legal events.")

    occurred = PartialDateAccessor("occurred_on")

    objects = EventQuerySet.as_manager()

    class Meta(CitedRecord.Meta):
        ordering = ["-occurred_on", "id"]
        constraints = [*BASE_CONSTRAINTS, *partial_date_constraints("occurred_on")]

    def clean(self):
        errors = {}
        if self.occurred_on is None:
            errors["occurred_on"] = "An event needs a date, at least its year."
        collect_errors(self, errors)


def exactly_one_of(fields):
    """A condition true when exactly one of the nullable foreign keys is set."""
    options = Q()
    for chosen in fields:
        options |= Q(**{f"{chosen}__isnull": False}, **{f"{other}__isnull": True for other in fields if other != chosen})
    return options


EVENT_LINK_TARGETS = ("agency", "vendor", "agreement", "term", "addendum_marker", "designation",
                      "testing_disclosure", "related_event")


class EventLink(HistoricalLink):
    """Links an event to exactly one public record, as actor or as the record concerned."""

    change_parent_field = "event"
    TARGET_FIELDS = EVENT_LINK_TARGETS

    class Role(models.TextChoices):
        ACTOR = "actor", "Actor"
        SUBJECT = "subject", "Concerned"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="links", help_text="The event.")
    role = models.CharField(max_length=7, choices=Role.choices, default=Role.SUBJECT,
                            help_text="Whether the linked record acted or was concerned.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="event_links",
                               help_text="A linked agency.")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="event_links",
                               help_text="A linked vendor.")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="event_links", help_text="A linked agreement.")
    term = models.ForeignKey(PublicTerm, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="event_links", help_text="A linked public term.")
    addendum_marker = models.ForeignKey(ClassifiedAddendumMarker, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="event_links", help_text="A linked classified-addendum marker.")
    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="event_links", help_text="A linked designation.")
    testing_disclosure = models.ForeignKey(TestingDisclosure, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="event_links", help_text="A linked testing disclosure.")
    related_event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="linked_from", help_text="A linked earlier or later event.")

    objects = EventLinkQuerySet.as_manager()

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(EVENT_LINK_TARGETS),
                name="disclosures_eventlink_exactly_one_target",
                violation_error_message="An event link points to exactly one record.",
            ),
        ]

    @property
    def target(self):
        return next((getattr(self, f) for f in self.TARGET_FIELDS if getattr(self, f"{f}_id")), None)

    def clean(self):
        if sum(1 for f in self.TARGET_FIELDS if getattr(self, f"{f}_id")) != 1:
            raise ValidationError("Link the event to exactly one record.")

    def __str__(self):
        return f"{self.get_role_display()}: {self.target}"
