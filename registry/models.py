"""Core records: the shared base of every public record, Source + Citation,
Organization + Membership, Submission, the ChangeLog and API tokens."""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import OperationalError, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.fields import (
    DatePrecision,
    PartialDateAccessor,
    partial_date,
    partial_date_constraints,
    raise_if,
    validate_partial_date,
)
from registry.normalize import normalize_url
from registry.sqlite_locks import brief_lock_wait, is_lock_timeout

logger = logging.getLogger(__name__)


class Confidence(models.TextChoices):
    HIGH = "high", "High — primary source read, or 2+ independent reputable outlets agree"
    MEDIUM = "medium", "Medium — one reputable secondary source"
    LOW = "low", "Low — aggregator-only or unconfirmed"


class PublicRecordQuerySet(models.QuerySet):
    """Who may see what is decided here, once, for every view, feed, export and API."""

    def public(self):
        visible = self.published_unretracted()
        for parent in self.model.visibility_parents:
            field = self.model._meta.get_field(parent)
            parent_public = Q(**{f"{parent}__published_at__isnull": False, f"{parent}__retracted_at__isnull": True})
            visible = visible.filter(Q(**{f"{parent}__isnull": True}) | parent_public if field.null else parent_public)
        return visible

    def visible_to(self, user):
        return self if getattr(user, "is_staff", False) else self.public()

    def retracted(self):
        return self.filter(retracted_at__isnull=False)

    def published(self):
        """Ever published: public records and retracted ones (which keep their URL and notice)."""
        return self.filter(published_at__isnull=False)

    def drafts(self):
        """Never published and not retracted: seen only by staff."""
        return self.filter(published_at__isnull=True, retracted_at__isnull=True)

    def published_unretracted(self):
        """Published and not retracted, whatever their visibility parents (the write path's cascade uses it)."""
        return self.filter(published_at__isnull=False, retracted_at__isnull=True)

    def reachable_by(self, user):
        """What a record's own URL shows: public records, and retracted ones with their notice."""
        if getattr(user, "is_staff", False):
            return self
        return self.published()

    def listed(self, include_retracted=False):
        """What an API list shows: public records; with include_retracted also the retracted (published) ones."""
        if not include_retracted:
            return self.public()
        return self.filter(Q(pk__in=self.public().values("pk"))
                           | Q(published_at__isnull=False, retracted_at__isnull=False))


class PublicRecord(models.Model):
    """What every public record has: a stable slug, times, confidence, retraction, history."""

    # Foreign keys whose retraction hides this record too (a term of a retracted agreement).
    visibility_parents = ()
    # The record whose change feed entry a change here also updates.
    change_parent_field = None
    # The word for this kind of record in the change log, URLs and the API.
    record_type = None

    slug = models.SlugField(
        max_length=120, unique=True,
        help_text="Stable identifier, unique for this type of record; used in page and API URLs and never reused.",
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False,
        help_text="When the registry first recorded this (kept as is by imports).",
    )
    updated_at = models.DateTimeField(
        default=timezone.now, db_index=True, editable=False,
        help_text="When the registry last changed this record or one of its parts (citations, parties, terms).",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="When the record was made public; empty means draft, visible to staff only.",
    )
    last_verified_on = models.DateField(
        null=True, blank=True,
        help_text="The last day someone at the registry checked this record against its sources.",
    )
    confidence = models.CharField(
        max_length=6, choices=Confidence.choices, default=Confidence.MEDIUM, db_index=True,
        help_text="How well sourced the record is: high, medium or low (see the methodology page).",
    )
    notes = models.TextField(
        blank=True,
        help_text="Registry notes: caveats, original wording kept where no vocabulary value fitted.",
    )
    disputed_facts = models.JSONField(
        default=list, blank=True,
        help_text="Facts on which sources differ: each keeps every value with the citations stating it "
                  "(field, about, values[{value, citations[{source, quote}]}], note); none is picked silently.",
    )
    retracted_at = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="When the record was retracted; a retracted record keeps its URL but leaves lists.",
    )
    retraction_reason = models.TextField(
        blank=True,
        help_text="Why the record was retracted; required with a retraction.",
    )

    history = HistoricalRecords(inherit=True)
    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="%(app_label)s_%(class)s_retraction_has_reason",
                violation_error_message="A retraction needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=["high", "medium", "low"]),
                name="%(app_label)s_%(class)s_confidence_valid",
                violation_error_message="Confidence must be high, medium or low.",
            ),
        ]

    @property
    def is_public(self):
        return self.published_at is not None and self.retracted_at is None

    def derive_fields(self):
        """Set the columns stored from this record's own fields (a best known date, a lag) so that
        lists can sort and filter on them. The write path calls it before every save, single or bulk
        (``save()`` here and ``services.write_records``); nothing else writes them."""

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"{self.record_type}-detail", kwargs={"slug": self.slug})

    @property
    def change_parent(self):
        return getattr(self, self.change_parent_field) if self.change_parent_field else None

    def clean(self):
        errors = {}
        if self.retracted_at and not self.retraction_reason.strip():
            errors["retraction_reason"] = "A retraction needs a reason."
        self.validate_partial_dates(errors)
        raise_if(errors)

    # Models list their partial dates here so clean() checks them all the same way.
    partial_dates = ()

    def validate_partial_dates(self, errors):
        for field in self.partial_dates:
            validate_partial_date(self, field, errors)

    def __str__(self):
        return getattr(self, "title", None) or getattr(self, "name", None) or self.slug


class CitedRecord(PublicRecord):
    """A public record whose claims are supported by citations (every type but Source)."""

    requires_citation = True
    citations = GenericRelation("registry.Citation", content_type_field="target_type", object_id_field="target_id")
    weakly_sourced_claims = models.JSONField(
        default=list, blank=True,
        help_text="Claims of this record that the research found rest only on weak sources: a list of "
                  "{claim, why}. Separate from the confidence rating, which stays as the research gave it.",
    )
    field_confidence = models.JSONField(
        default=dict, blank=True,
        help_text="Confidence of single fields where the research rates one apart from the record: "
                  "{field: high/medium/low}, e.g. {\"piid\": \"low\"}; keys are the record's field names.",
    )

    class Meta(PublicRecord.Meta):
        abstract = True

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        from registry.claims import field_confidence_errors

        problems = field_confidence_errors(type(self), self.field_confidence)
        if problems:
            errors["field_confidence"] = problems
        raise_if(errors)


class HistoricalLinkQuerySet(models.QuerySet):
    def to_public(self, target, *related):
        """The links whose ``target`` is ``.public()``, with it loaded (and ``related``), in one query.

        Filtering the links, rather than prefetching their targets through a filtered queryset, leaves
        no link whose (non-null) foreign key is missing from the cache: reading it would raise.
        """
        target_model = self.model._meta.get_field(target).related_model
        return self.filter(**{f"{target}__in": target_model.objects.public()}).select_related(target, *related)


class HistoricalLink(models.Model):
    """Base of every through-model: no slug of its own, history kept, changes logged on the parent."""

    change_parent_field = None

    history = HistoricalRecords(inherit=True)
    objects = HistoricalLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def change_parent(self):
        return getattr(self, self.change_parent_field)


# --- sources and citations -----------------------------------------------------------------

class Source(PublicRecord):
    record_type = "source"
    # Searched by registry.search, with a GIN index over exactly these on PostgreSQL.
    search_fields = ("title", "publisher", "url", "canonical_url", "notes")
    partial_dates = ("published_on",)

    class Kind(models.TextChoices):
        OFFICIAL_RELEASE = "official_release", "Official release"
        CONTRACT_DOCUMENT = "contract_document", "Contract document"
        COURT_FILING = "court_filing", "Court filing"
        FOIA_RELEASE = "foia_release", "FOIA release"
        TESTIMONY = "testimony", "Testimony"
        COMPANY_STATEMENT = "company_statement", "Company statement"
        NEWS_REPORT = "news_report", "News report"
        ANALYSIS = "analysis", "Analysis"
        OTHER = "other", "Other"

    class Tier(models.TextChoices):
        """How much weight a source can bear (the research's source assessment); the three lowest tiers and
        ``not_assessed`` are WEAK_TIERS: a claim resting only on them says so on its page."""

        PRIMARY_OFFICIAL = "primary_official", "Primary official"
        COURT_RECORD = "court_record", "Court record"
        MAJOR_OUTLET = "major_outlet", "Major outlet"
        TRADE_PRESS = "trade_press", "Trade press"
        REPUBLISHER_OR_AGGREGATOR = "republisher_or_aggregator", "Republisher or aggregator"
        COMMENTARY = "commentary", "Commentary"
        LOW_QUALITY_OR_GENERATED = "low_quality_or_generated", "Low quality or generated"
        NOT_ASSESSED = "not_assessed", "Not assessed"

    WEAK_TIERS = (Tier.REPUBLISHER_OR_AGGREGATOR, Tier.COMMENTARY, Tier.LOW_QUALITY_OR_GENERATED, Tier.NOT_ASSESSED)

    url = models.URLField(
        max_length=1000, unique=True,
        help_text="The address the registry read (normalised: lower-case host, no fragment, no default port).",
    )
    canonical_url = models.URLField(
        max_length=1000, blank=True,
        help_text="The original publication's address, when the page was read on a mirror or republisher.",
    )
    archived_url = models.URLField(max_length=1000, blank=True, help_text="An archived copy of the page, if any.")
    title = models.CharField(max_length=500, help_text="The page's title.")
    title_reconstructed = models.BooleanField(
        default=False,
        help_text="True when the title was not seen on the page but reconstructed (e.g. from the URL).",
    )
    publisher = models.CharField(
        max_length=300, blank=True,
        help_text="Who published the page; says so when it is a mirror, aggregator or syndication.",
    )
    published_on, published_on_precision = partial_date("When the page was published.")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True,
        help_text="What kind of document this is.",
    )
    verified = models.BooleanField(
        default=True,
        help_text="True when the registry read this page; False when it was only seen cited elsewhere.",
    )
    accessed_on = models.DateField(null=True, blank=True, help_text="The day the registry read the page.")
    tier = models.CharField(
        max_length=30, choices=Tier.choices, default=Tier.NOT_ASSESSED, db_index=True,
        help_text="How much weight the source can bear: primary official, court record, major outlet, trade press, "
                  "republisher or aggregator, commentary, low quality or generated, or not assessed.",
    )
    tier_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the source has its tier (given for the lower tiers).",
    )
    sha256 = models.CharField(
        max_length=64, blank=True,
        help_text="Optional SHA-256 of the document as read, hex encoded.",
    )

    published = PartialDateAccessor("published_on")

    @property
    def is_weak(self):
        return self.tier in self.WEAK_TIERS

    class Meta(PublicRecord.Meta):
        ordering = ["title", "id"]
        constraints = [
            *PublicRecord.Meta.constraints,
            *partial_date_constraints("published_on"),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="registry_source_sha256_hex",
                violation_error_message="A SHA-256 is 64 lower-case hex characters.",
            ),
        ]

    def clean(self):
        errors = {}
        for field in ("url", "canonical_url"):
            try:
                setattr(self, field, normalize_url(getattr(self, field)))
            except ValueError as error:  # urllib refuses the port: "Port out of range 0-65535"
                errors[field] = f"Enter a valid URL ({error})."
        if self.sha256 and not (len(self.sha256) == 64 and all(c in "0123456789abcdef" for c in self.sha256)):
            errors["sha256"] = "A SHA-256 is 64 lower-case hex characters."
        if self.canonical_url and self.canonical_url == self.url:
            errors["canonical_url"] = "The canonical URL is only for pages read elsewhere; it equals the URL."
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        raise_if(errors)

    def save(self, *args, **kwargs):
        self.url = normalize_url(self.url)
        super().save(*args, **kwargs)


class Citation(HistoricalLink):
    """Which source supports which claim of which record, with a short exact quote."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations",
        help_text="The source that supports the claim.",
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT,
        help_text="The type of record the citation supports.",
    )
    target_id = models.PositiveBigIntegerField(help_text="The id of the record the citation supports.")
    target = GenericForeignKey("target_type", "target_id")
    quote = models.TextField(help_text="A short exact quote from the source that supports the claim.")
    locator = models.CharField(
        max_length=200, blank=True,
        help_text="Where in the source the quote is: page, paragraph, timestamp.",
    )
    claims = models.JSONField(
        default=list, blank=True,
        help_text="Which facts of the record the quote supports: keys from the claim vocabulary of the record's "
                  "type (a field name such as 'ceiling' or 'status', 'amount:<kind>', 'term:<slug>'); "
                  "empty for a general source of the record.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order of the citation among the record's citations.")

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="citation_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quote=""), name="registry_citation_quote_not_empty",
                violation_error_message="A citation needs an exact quote from its source.",
            ),
        ]

    def clean(self):
        errors = {}
        if not (self.quote or "").strip():
            errors["quote"] = "A citation needs an exact quote from its source."
        target_model = self.target_type.model_class() if self.target_type_id else None
        if target_model is not None:
            from registry.claims import claim_errors

            problems = claim_errors(target_model, self.claims)
            if problems:
                errors["claims"] = problems
        raise_if(errors)

    @property
    def change_parent(self):
        return self.target

    def __str__(self):
        return f"{self.source} — “{self.quote[:60]}”"


# --- people and organisations ---------------------------------------------------------------

class Organization(models.Model):
    """A watchdog group, newsroom or other body whose members submit records."""

    name = models.CharField(max_length=200, unique=True, help_text="The organisation's name.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier of the organisation.")
    website = models.URLField(blank=True, help_text="The organisation's website.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When the organisation joined.")

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        REFUSED = "refused", "Refused"

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True,
        help_text="A new organisation is pending until a moderator verifies it; only a verified one is credited publicly.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who asked for the organisation to be created (never shown publicly).",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The moderator who verified or refused it.",
    )
    verified_at = models.DateTimeField(null=True, blank=True, help_text="When a moderator verified or refused it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [("verify_organization", "Can verify or refuse an organisation")]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Accepted memberships (not requests waiting or declined): who acts for an organisation."""
        return self.filter(status=Membership.Status.ACTIVE)

    def administrators(self):
        """Active administrators: they accept requests and see their organisation's pending submissions."""
        return self.active().filter(role=Membership.Role.ADMIN)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ADMIN = "admin", "Administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships",
        help_text="The member.",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships",
        help_text="The organisation.",
    )
    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked to join"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER, help_text="The member's role.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True,
        help_text="A request to join waits until an administrator of the organisation or a moderator accepts it.",
    )
    requested_at = models.DateTimeField(default=timezone.now, help_text="When the membership was asked for.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who accepted or declined the request.",
    )
    credited_publicly = models.BooleanField(
        default=False,
        help_text="Whether the registry's public history may name the organisation for this member's submissions.",
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="registry_membership_once",
                                    violation_error_message="This person is already a member of this organisation."),
        ]

    def __str__(self):
        return f"{self.user} in {self.organization}"


def is_moderator(user):
    """The one test of who moderates: the explicit permission (the "moderators" group holds it)."""
    return bool(user and user.is_authenticated and user.has_perm("registry.moderate_submission"))


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A submission is seen by its submitter, the administrators of its organisation and
        moderators; anyone else gets a 404."""
        if not (user and user.is_authenticated):
            return self.none()
        if is_moderator(user):
            return self
        admin_of = Membership.objects.administrators().filter(user=user)
        return self.filter(Q(submitted_by=user) | Q(organization__in=admin_of.values("organization")))

    def pending(self):
        return self.filter(status=Submission.Status.PENDING)


class Submission(models.Model):
    """A proposed record, update, correction or retraction, reviewed by a moderator."""

    class Kind(models.TextChoices):
        CREATE = "create", "New record"
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"
        RETRACTION = "retraction", "Retraction"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="What the submission proposes.")
    record_type = models.CharField(
        max_length=30, help_text="The type of record concerned, e.g. 'agreement' or 'designation'.",
    )
    target_slug = models.SlugField(
        max_length=120, blank=True,
        help_text="The slug of the existing record concerned; empty for a new record.",
    )
    payload = models.JSONField(default=dict, blank=True, help_text="The proposed record in the interchange shape.")
    sources = models.JSONField(default=list, blank=True, help_text="The sources offered, in the interchange shape.")
    rationale = models.TextField(help_text="Why the submitter proposes this change.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True,
        help_text="Where the submission stands in review.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions",
        help_text="Who submitted it (never shown publicly).",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions",
        help_text="The organisation the submitter acts for, if any.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews",
        help_text="The moderator who decided.",
    )
    decision_reason = models.TextField(blank=True, help_text="The moderator's reason for the decision.")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When it was submitted.")
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was decided.")
    base_history_id = models.PositiveBigIntegerField(
        null=True, blank=True,
        help_text="For corrections and updates: the history id of the record version the submitter read.",
    )
    credited_publicly = models.BooleanField(
        default=False,
        help_text="Whether public history names the submitter's organisation for this submission "
                  "(otherwise it says 'registry staff'); defaults from the membership.",
    )
    title = models.CharField(max_length=300, blank=True, help_text="A short label: the record's title or name.")
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
        help_text="The earlier submission this one revises after changes were requested (the same thread).",
    )
    reason_code = models.CharField(
        max_length=30, blank=True,
        help_text="For a rejection: the documented reason code (see /about/submissions/).",
    )
    published_slug = models.SlugField(
        max_length=120, blank=True, help_text="The slug of the record as applied, once approved.",
    )
    change_set = models.ForeignKey(
        "registry.ChangeSet", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The change set that applied the approved submission.",
    )
    api_token = models.ForeignKey(
        "registry.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions",
        help_text="The API token it was sent with, if sent by the API.",
    )
    idempotency_key = models.CharField(
        max_length=200, blank=True, help_text="The Idempotency-Key header it was sent with (per token, 24 hours).",
    )
    body_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the request body sent by the API.")

    objects = SubmissionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [("moderate_submission", "Can review and decide submissions")]
        indexes = [models.Index(fields=["api_token", "idempotency_key"], name="submission_idempotency_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected", "changes_requested"]) | ~Q(decision_reason=""),
                name="registry_submission_decision_has_reason",
                violation_error_message="Every decision needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(kind="create") | ~Q(target_slug=""),
                name="registry_submission_target_for_changes",
                violation_error_message="Updates, corrections and retractions name the record they concern.",
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""), name="registry_submission_has_rationale",
                violation_error_message="Say why you propose this change.",
            ),
        ]

    def clean(self):
        errors = {}
        if self.status in {self.Status.APPROVED, self.Status.REJECTED, self.Status.CHANGES_REQUESTED} \
                and not self.decision_reason.strip():
            errors["decision_reason"] = "Every decision needs a reason."
        if self.kind != self.Kind.CREATE and not self.target_slug:
            errors["target_slug"] = "Name the record this submission concerns."
        if not (self.rationale or "").strip():
            errors["rationale"] = "Say why you propose this change."
        raise_if(errors)

    def __str__(self):
        return f"Submission #{self.pk}: {self.get_kind_display()} of {self.record_type} {self.target_slug}".strip()

    def get_absolute_url(self):
        return f"/submissions/{self.pk}/"


class Notice(models.Model):
    """A dated public notice of a correction or retraction of a public record: shown on the record's
    page and on /corrections/. Plain updates make none."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        RETRACTION = "retraction", "Retraction"

    kind = models.CharField(max_length=12, choices=Kind.choices, help_text="correction or retraction.")
    record_type = models.CharField(max_length=30, help_text="The type of the record concerned.")
    slug = models.SlugField(max_length=120, help_text="The slug of the record concerned.")
    title = models.CharField(max_length=300, help_text="The record's title or name when the notice was given.")
    text = models.TextField(help_text="What was corrected or why the record was retracted, in plain words.")
    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When the notice was given.")
    credited_to = models.CharField(max_length=200, default="registry staff",
                                   help_text="Who is publicly credited for the change.")
    change_set = models.ForeignKey("registry.ChangeSet", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="notices", help_text="The change that the notice is about.")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="notices", help_text="The submission that proposed it, if any.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "slug"], name="notice_record_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.record_type} {self.slug}"


# --- the change log -------------------------------------------------------------------------

class ChangeCounter(models.Model):
    """One row holding the last ChangeLog ids: the internal one (every change) and the public one
    (changes the public may see). Taken under a row lock so ids commit in the order handed out."""

    last_id = models.PositiveBigIntegerField(default=0, help_text="The last internal ChangeLog id handed out.")
    last_public_id = models.PositiveBigIntegerField(default=0, help_text="The last public change id handed out.")

    def __str__(self):
        return f"ChangeLog counter at {self.last_id} (public {self.last_public_id})"


class ChangeSet(models.Model):
    """One applied change: a save, an admin edit with its inlines, a retraction with its cascade,
    a whole seed load. Every ChangeLog row names its change set; a revision of a record is a public
    change set that touched it or its parts."""

    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When the change was applied.")
    reason = models.TextField(help_text="Why the change was made.")
    credited_to = models.CharField(
        max_length=200, default="registry staff",
        help_text="Who is publicly credited: 'registry staff' or the submitter's organisation if it opted in.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who made the change (staff only; never shown publicly).",
    )
    # What the public sees of the set, written once with its ChangeLog rows (which never change after), so
    # /changes/ and the home page list the latest sets by an index instead of counting every change.
    first_public_id = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True,
        help_text="The set's first public change id: its address, /changes/<id>/ (empty when nothing public).")
    public_records = models.PositiveIntegerField(default=0, help_text="Public changes in the set.")
    public_created = models.PositiveIntegerField(default=0, help_text="Of them, records created.")
    public_retracted = models.PositiveIntegerField(default=0, help_text="Of them, records retracted.")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Change set #{self.pk}: {self.reason[:60]}"


class ChangeLogQuerySet(models.QuerySet):
    def public(self):
        """Changes the public may see: to published records (retractions included), never to drafts."""
        return self.filter(public=True)


class ChangeLog(models.Model):
    """One row per record per change set: the change feed, Atom feeds and ETags read it.

    ``id`` is internal (every change, drafts included, in order); ``public_id`` is given only to
    public rows, from its own counter, so the public feed's ids are gapless and say nothing about
    drafts. Changes to drafts are logged (for editors) with ``public=False`` and no public id; a
    record's first public change is logged as ``created``, so feeds announce it when published.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        RETRACTED = "retracted", "Retracted"

    id = models.PositiveBigIntegerField(
        primary_key=True, help_text="Internal change number, drafts included; never shown publicly.",
    )
    public_id = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True,
        help_text="Monotonic, gapless public change number; `after=<id>` in the change feed resumes from here.",
    )
    change_set = models.ForeignKey(
        ChangeSet, on_delete=models.PROTECT, related_name="changes",
        help_text="The change this row is part of.",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When the change was applied.")
    record_type = models.CharField(max_length=30, db_index=True, help_text="The type of record changed.")
    slug = models.SlugField(max_length=120, help_text="The slug of the record changed.")
    action = models.CharField(max_length=10, choices=Action.choices, help_text="created, updated or retracted.")
    history_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The history row of the record as it stood after the change.",
    )
    reason = models.TextField(help_text="Why the change was made.")
    public = models.BooleanField(
        default=True, db_index=True,
        help_text="False for changes to drafts: the public change feed, Atom feeds and API show only public rows.",
    )
    credited_to = models.CharField(
        max_length=200, default="registry staff",
        help_text="Who is publicly credited: 'registry staff' or the submitter's organisation if it opted in.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who made the change (staff only; never shown publicly).",
    )

    objects = ChangeLogQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["record_type", "slug"], name="changelog_record_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(public=False, public_id__isnull=True) | Q(public=True, public_id__isnull=False),
                name="registry_changelog_public_id_iff_public",
                violation_error_message="A public change has a public id; a draft change has none.",
            ),
        ]

    def __str__(self):
        return f"#{self.id} {self.record_type} {self.slug} {self.action}"


# --- API tokens ------------------------------------------------------------------------------

class ApiTokenManager(models.Manager):
    def issue(self, user, *, name, tier="standard"):
        """Create a token; returns (token, key). The key is shown once and stored only as a hash."""
        key = f"{ApiToken.KEY_PREFIX}{secrets.token_urlsafe(32)}"
        token = self.create(user=user, name=name, tier=tier, prefix=key[: len(ApiToken.KEY_PREFIX) + 6],
                            key_hash=ApiToken.hash_key(key))
        return token, key

    def authenticate(self, key):
        token = (self.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True,
                                                    user__is_active=True).first())
        if token is not None and (token.last_used_at is None
                                  or timezone.now() - token.last_used_at > datetime.timedelta(minutes=5)):
            # Recorded at most every five minutes, so reading never turns into a write per request; best effort:
            # another writer's SQLite lock (an import) must not stall the request (registry/sqlite_locks.py).
            try:
                with brief_lock_wait():
                    self.filter(pk=token.pk).update(last_used_at=timezone.now())
            except OperationalError as error:
                if not is_lock_timeout(error):
                    raise
                logger.warning("token %s: last use not recorded (%s)", token.prefix, error)
        return token


class ApiToken(models.Model):
    """A key for the API: hashed (SHA-256), several per user, shown once, revocable."""

    KEY_PREFIX = "adr_"

    class Tier(models.TextChoices):
        STANDARD = "standard", "Standard"
        PARTNER = "partner", "Partner (higher limit)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             help_text="Whose token this is.")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'newsroom sync job'.")
    prefix = models.CharField(max_length=20, help_text="The first characters of the key, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key; the key is never stored.")
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD,
                            help_text="The rate limit tier.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When the token was issued.")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When it was last used (to five minutes).")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When it was revoked; a revoked token fails.")

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


# --- the timeline ---------------------------------------------------------------------------

class TimelineEntryQuerySet(models.QuerySet):
    def concerning(self, record_type, ids):
        """Entries about any of the records ``ids`` (a list, or a subquery of ids) of ``record_type``. An
        uncorrelated ``id IN (subjects)`` read through the subjects' (record_type, record_id) index: run once, not
        once per entry (a correlated EXISTS made SQLite scan every entry, and run a sub-agency tree per entry)."""
        subjects = TimelineSubject.objects.filter(record_type=record_type, record_id__in=ids)
        return self.filter(pk__in=subjects.values("entry_id"))


class TimelineEntry(models.Model):
    """One dated fact of a public record (an agreement announced, a designation taking effect, testing
    disclosed, an event), kept in step by the write path (registry/timeline.py): the entries of a record
    are rewritten in the change set that changes it, and exist only while it is public.

    The record's type, slug and title are copied here so that a timeline is read in one query; the
    write path rewrites them with the record. ``sort_key`` orders by date with the unknown part of a
    partial date last in its period: a month-only date after the days of its month, a year-only date
    after every month of its year.
    """

    record_type = models.CharField(max_length=30, help_text="The type of the record the fact is about.")
    record_id = models.PositiveBigIntegerField(help_text="The id of the record the fact is about.")
    slug = models.SlugField(max_length=120, help_text="The record's slug (its page's address).")
    title = models.CharField(max_length=300, help_text="The record's title or name.")
    kind = models.CharField(max_length=60, db_index=True,
                            help_text="What the fact is: '<record type>.<fact>', e.g. 'agreement.announced', "
                                      "'designation.effective', 'event.court_order'.")
    label = models.CharField(max_length=100, help_text="The kind in words, e.g. 'Agreement announced'.")
    date = models.DateField(db_index=True, help_text="When: the first day of the period when only a month or "
                                                     "year is known.")
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices,
                                      help_text="Precision of the date: day, month or year.")
    sort_key = models.PositiveIntegerField(
        help_text="YYYYMMDD for a day, YYYYMM99 for a month, YYYY9999 for a year: the unknown part sorts last.")
    recorded_at = models.DateTimeField(
        db_index=True, help_text="When the registry recorded the fact as it stands (the change that gave it its "
                                 "date and precision).")

    objects = TimelineEntryQuerySet.as_manager()

    when = PartialDateAccessor("date")

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["sort_key", "id"], name="timeline_sort_idx"),
                   models.Index(fields=["record_type", "record_id"], name="timeline_record_idx")]

    @staticmethod
    def sort_key_of(when):
        day = {DatePrecision.DAY: when.date.day, DatePrecision.MONTH: 99}.get(when.precision)
        if day is None:
            return when.date.year * 10000 + 9999
        return when.date.year * 10000 + when.date.month * 100 + day

    def get_absolute_url(self):
        """The page of the record the fact is about."""
        return reverse(f"{self.record_type}-detail", kwargs={"slug": self.slug})

    def __str__(self):
        return f"{self.when.isoformat()} {self.label}: {self.title}"


class TimelineSubject(models.Model):
    """A record a timeline entry concerns (its own record, the vendors and agencies of an agreement, the
    records an event is linked to…), by type and id. A child table with an index on (record_type,
    record_id) filters fast and alike on SQLite and PostgreSQL (a JSON list would need a GIN index on one
    and a scan on the other), and ids, unlike slugs, never change."""

    # DO_NOTHING: the write path deletes an entry's subjects first, so that deleting entries is one statement
    # (CASCADE would read every entry again to collect them).
    entry = models.ForeignKey(TimelineEntry, on_delete=models.DO_NOTHING, related_name="subjects",
                              help_text="The timeline entry.")
    record_type = models.CharField(max_length=30, help_text="The type of the record concerned.")
    record_id = models.PositiveBigIntegerField(help_text="The id of the record concerned.")

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id", "entry"], name="timeline_subject_idx")]

    def __str__(self):
        return f"{self.record_type} {self.record_id}"


class RateCounter(models.Model):
    """The API's request count of one client in one fixed window: raised by one atomic upsert per
    request (registry.api.throttling), so it is exact under concurrency with one write and no read.
    Used when Redis is not configured; old windows are deleted now and then."""

    key = models.CharField(max_length=200, help_text="The client: its scope and its token or address.")
    window_start = models.BigIntegerField(help_text="The window's start, in whole seconds since the epoch.")
    count = models.PositiveIntegerField(default=0, help_text="Requests counted in the window so far.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_once",
                                               violation_error_message="A client has one counter per window.")]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window_idx")]

    def __str__(self):
        return f"{self.key} @ {self.window_start}: {self.count}"
