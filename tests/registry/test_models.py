"""What every public record shares (registry/models.py), and the core records: Source, Citation,
Membership and Submission. Each rule is checked twice: full_clean() names the field, and the
database constraint refuses the same data when clean() is bypassed."""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, models, transaction

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
from disclosures.models import Designation, Event, TestingDisclosure
from registry.fields import PartialDate
from registry.models import Citation, Membership, PublicRecord, Source, Submission
from registry.services import apply_change, retract
from tests.builders import (
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_marker,
    make_member,
    make_organization,
    make_source,
    make_submission,
    make_term,
    make_testing_disclosure,
    make_user,
    make_vendor,
    unique,
)
from tests.checks import assert_refused_by_database, clean_errors

pytestmark = pytest.mark.django_db

REGISTRY_APPS = ("registry", "contracts", "disclosures")

BUILDERS = {
    Source: make_source,
    Agency: make_agency,
    Vendor: make_vendor,
    Agreement: make_agreement,
    PublicTerm: make_term,
    ClassifiedAddendumMarker: make_marker,
    Designation: make_designation,
    TestingDisclosure: make_testing_disclosure,
    Event: make_event,
}
PUBLIC_MODELS = list(BUILDERS)
PARTIAL_DATES = [(model, field) for model in PUBLIC_MODELS for field in model.partial_dates]


def name_of(value):
    return getattr(value, "__name__", None)


def draft(model, **fields):
    """An unsaved, valid, unpublished record of the given type (its parents are saved)."""
    slug = fields.pop("slug", None) or unique(model.record_type)
    defaults = {
        Source: lambda: {"url": f"https://example.org/{slug}", "title": "A page"},
        Agency: lambda: {"name": "An agency"},
        Vendor: lambda: {"name": "A vendor"},
        Agreement: lambda: {"title": "An agreement"},
        PublicTerm: lambda: {"agreement": make_agreement(), "title": "A term", "text": "Shall not surveil.",
                             "category": PublicTerm.Category.DOMESTIC_SURVEILLANCE,
                             "effect": PublicTerm.Effect.PROHIBITS},
        ClassifiedAddendumMarker: lambda: {"agreement": make_agreement(), "title": "A marker",
                                           "existence": ClassifiedAddendumMarker.Existence.INFERRED},
        Designation: lambda: {"vendor": make_vendor(), "title": "A designation",
                              "kind": Designation.Kind.SECTION_889, "status": Designation.Status.REPORTED},
        TestingDisclosure: lambda: {"agency": make_agency(), "title": "A test", "models_tested": "Claude"},
        Event: lambda: {"title": "An event", "kind": Event.Kind.HEARING,
                        "occurred_on": datetime.date(2026, 3, 1), "occurred_on_precision": "day"},
    }[model]()
    return model(slug=slug, **{**defaults, **fields})


def constraint_name(model, rule):
    return f"{model._meta.app_label}_{model._meta.model_name}_{rule}"


# --- every public record ----------------------------------------------------------------------

@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_it_saves_a_valid_record_of_every_type(model):
    record = draft(model)

    record.full_clean()
    record.save()

    assert model.objects.filter(slug=record.slug).exists()


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_a_retraction_needs_a_reason(model):
    record = draft(model, retracted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), retraction_reason="  ")

    assert clean_errors(record)["retraction_reason"] == ["A retraction needs a reason."]

    record.retraction_reason = ""
    assert_refused_by_database(record, constraint_name(model, "retraction_has_reason"))


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_a_retraction_with_a_reason_saves(model):
    record = draft(model, retracted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
                   retraction_reason="Duplicate of another record.")

    record.full_clean()
    record.save()

    assert model.objects.retracted().filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_confidence_is_high_medium_or_low(model):
    record = draft(model, confidence="unsure")

    assert "not a valid choice" in clean_errors(record)["confidence"][0]
    assert_refused_by_database(record, constraint_name(model, "confidence_valid"))

    for confidence in ("high", "medium", "low"):
        record = draft(model, confidence=confidence)
        record.full_clean()
        record.save()


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_every_partial_date_of_a_model_is_checked_by_clean(model):
    # Stored derived dates (an agreement's best known date: editable=False) are set by the write path, not entered.
    pairs = {f.name.removesuffix("_precision") for f in model._meta.fields
             if f.name.endswith("_precision") and f.editable}

    assert pairs == set(model.partial_dates)


BAD_PARTIAL_DATES = [
    # (what is wrong, date, precision, field with the error, message, constraint)
    ("a date without a precision", datetime.date(2025, 7, 14), "", "{field}_precision",
     "Say how precise the date is: day, month or year.", "{field}_precision"),
    ("a precision without a date", None, "month", "{field}_precision",
     "A precision was given without a date.", "{field}_precision"),
    ("a precision that does not exist", datetime.date(2025, 7, 14), "week", "{field}_precision",
     "Value 'week' is not a valid choice.", "{field}_precision"),
    ("a month that does not start on the 1st", datetime.date(2025, 7, 14), "month", "{field}",
     "A month-precision date must be the first of its month.", "{field}_month_1st"),
    ("a year that does not start on 1 January", datetime.date(2025, 7, 1), "year", "{field}",
     "A year-precision date must be 1 January of its year.", "{field}_year_1st"),
]


@pytest.mark.parametrize(("model", "field"), PARTIAL_DATES, ids=lambda v: name_of(v) or v)
@pytest.mark.parametrize(("problem", "value", "precision", "error_field", "message", "rule"), BAD_PARTIAL_DATES,
                         ids=[bad[0] for bad in BAD_PARTIAL_DATES])
def test_it_refuses_a_partial_date_whose_columns_disagree(model, field, problem, value, precision, error_field,
                                                          message, rule):
    record = draft(model, **{field: value, f"{field}_precision": precision})

    assert message in clean_errors(record)[error_field.format(field=field)]
    assert_refused_by_database(record, constraint_name(model, rule.format(field=field)))


@pytest.mark.parametrize(("model", "field"), PARTIAL_DATES, ids=lambda v: name_of(v) or v)
@pytest.mark.parametrize("text", ["2025", "2025-07", "2025-07-14"])
def test_it_saves_a_partial_date_of_every_precision(model, field, text):
    written = PartialDate.parse(text)
    record = draft(model, **{field: written.date, f"{field}_precision": written.precision})

    record.full_clean()
    record.save()

    record.refresh_from_db()
    assert PartialDate(getattr(record, field), getattr(record, f"{field}_precision")).isoformat() == text


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_a_slug_is_used_once_per_type(model):
    BUILDERS[model](slug="taken")

    assert "already exists" in clean_errors(draft(model, slug="taken"))["slug"][0]
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"), transaction.atomic():
        draft(model, slug="taken").save()


def test_the_same_slug_may_name_records_of_different_types():
    for model in PUBLIC_MODELS:
        record = draft(model, slug="anthropic")
        record.full_clean()
        record.save()

    assert all(model.objects.filter(slug="anthropic").count() == 1 for model in PUBLIC_MODELS)


# --- visibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_public_hides_drafts_and_retracted_records(model):
    build = BUILDERS[model]
    published, draft_record, retracted = build(), build(published=False), build(retracted=True)

    public = set(model.objects.public().values_list("slug", flat=True))

    assert published.slug in public
    assert draft_record.slug not in public
    assert retracted.slug not in public


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_staff_see_every_record_and_everyone_else_only_public_ones(model, staff, alice, anonymous):
    build = BUILDERS[model]
    published, draft_record, retracted = build(), build(published=False), build(retracted=True)
    mine = {published.slug, draft_record.slug, retracted.slug}

    def seen_by(user):
        return set(model.objects.visible_to(user).values_list("slug", flat=True)) & mine

    assert seen_by(staff) == mine
    assert seen_by(anonymous) == {published.slug}
    assert seen_by(alice) == {published.slug}


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_a_retracted_record_keeps_its_slug_and_its_history(model, staff):
    record = BUILDERS[model]()
    history_before = record.history.count()

    retract(record, user=staff, reason="The source was a hoax.")

    stored = model.objects.get(slug=record.slug)
    assert stored.retracted_at is not None
    assert stored.retraction_reason == "The source was a hoax."
    assert not model.objects.public().filter(slug=record.slug).exists()
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_change_reason == "retracted: The source was a hoax."
    assert stored.history.last().retracted_at is None


# --- history and protection ---------------------------------------------------------------------

@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=name_of)
def test_a_change_to_any_public_record_writes_one_history_row_with_who_and_why(model, staff):
    record = BUILDERS[model]()
    before = record.history.count()

    record.notes = "Checked against the original filing."
    apply_change(record, user=staff, reason="verified")

    assert record.history.count() == before + 1
    latest = record.history.first()
    assert latest.history_user == staff
    assert latest.history_change_reason == "verified"
    assert latest.notes == "Checked against the original filing."


def test_a_change_to_a_citation_writes_one_history_row_with_who_and_why(staff):
    citation = make_citation(make_agreement())

    citation.locator = "p. 4"
    apply_change(citation, user=staff, reason="page number added")

    assert citation.history.count() == 2
    latest = citation.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.locator) == (staff, "page number added", "p. 4")


def test_every_public_record_type_and_every_link_keeps_history():
    for app in REGISTRY_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            if issubclass(model, PublicRecord) or hasattr(model, "change_parent"):
                assert apps.get_model(app, f"Historical{model.__name__}").instance_type is model


def foreign_keys_to_public_records():
    for app in REGISTRY_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if isinstance(field, models.ForeignKey) and issubclass(field.related_model, PublicRecord):
                    yield pytest.param(field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize("field", list(foreign_keys_to_public_records()))
def test_foreign_keys_to_public_records_protect_them(field):
    assert field.remote_field.on_delete is models.PROTECT


def test_it_will_not_delete_a_source_that_is_cited():
    source = make_source()
    make_citation(make_agreement(), source=source)

    with pytest.raises(models.ProtectedError), transaction.atomic():
        source.delete()

    assert Source.objects.filter(pk=source.pk).exists()


# --- every model field is documented --------------------------------------------------------------

def documented_fields():
    for app in REGISTRY_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if field.auto_created or isinstance(field, GenericForeignKey | GenericRelation):
                    continue
                yield pytest.param(field, id=f"{model.__name__}.{field.name}")


def test_the_help_text_rule_covers_every_app():
    covered = {param.values[0].model._meta.app_label for param in documented_fields()}

    assert covered == set(REGISTRY_APPS)


@pytest.mark.parametrize("field", list(documented_fields()))
def test_every_model_field_has_help_text(field):
    assert str(field.help_text).strip(), f"{field.model.__name__}.{field.name} has no help_text"


# --- sources ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "normalised"), [
    ("HTTPS://Example.COM:443/a#frag", "https://example.com/a"),
    ("http://example.com:80", "http://example.com/"),
    ("https://Example.com:8443/Report?id=7#top", "https://example.com:8443/Report?id=7"),
])
def test_it_normalises_a_source_url(written, normalised):
    source = draft(Source, url=written)

    source.full_clean()
    source.save()

    assert Source.objects.get(pk=source.pk).url == normalised


def test_one_page_written_two_ways_is_one_source():
    make_source(url="https://example.com/a")

    duplicate = draft(Source, url="HTTPS://Example.COM:443/a#frag")
    assert "already exists" in clean_errors(duplicate)["url"][0]

    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"), transaction.atomic():
        Source.objects.create(slug="again", url="HTTPS://Example.COM:443/a#frag", title="Again")
    assert Source.objects.filter(url__iexact="https://example.com/a").count() == 1


@pytest.mark.parametrize("url", ["https://example.com:99999/a", "https://example.com:port/a"])
def test_it_refuses_a_source_url_with_an_impossible_port(url):
    source = draft(Source, url=url)

    assert "url" in clean_errors(source)


def test_a_canonical_url_is_only_for_pages_read_elsewhere():
    source = draft(Source, url="https://mirror.example.net/a", canonical_url="https://MIRROR.example.net/a#x")

    assert "canonical_url" in clean_errors(source)


@pytest.mark.parametrize("digest", ["A" * 64, "a" * 63, "g" * 64, "a" * 63 + " "])
def test_a_sha256_is_64_lower_case_hex_characters(digest):
    source = draft(Source, sha256=digest)

    assert clean_errors(source)["sha256"] == ["A SHA-256 is 64 lower-case hex characters."]
    assert_refused_by_database(source, "registry_source_sha256_hex")


def test_a_source_with_a_sha256_saves():
    source = draft(Source, sha256="0123456789abcdef" * 4)

    source.full_clean()
    source.save()

    assert Source.objects.get(pk=source.pk).sha256 == "0123456789abcdef" * 4


# --- citations ----------------------------------------------------------------------------------

@pytest.mark.parametrize("quote", ["", "   "])
def test_a_citation_needs_a_quote(quote):
    citation = Citation(target=make_agreement(), source=make_source(), quote=quote)

    assert "A citation needs an exact quote from its source." in clean_errors(citation)["quote"]


def test_the_database_refuses_a_citation_without_a_quote():
    citation = Citation(target=make_agreement(), source=make_source(), quote="")

    assert_refused_by_database(citation, "registry_citation_quote_not_empty")


def test_a_citation_with_a_quote_saves():
    agreement = make_agreement()
    citation = Citation(target=agreement, source=make_source(), quote="a $200 million ceiling",
                        claims=["ceiling"])

    citation.full_clean()
    citation.save()

    assert agreement.citations.get(claims=["ceiling"]).quote == "a $200 million ceiling"


# --- organisations ------------------------------------------------------------------------------

def test_a_person_joins_an_organisation_once():
    user, organization = make_user("carol"), make_organization("Watchdog C")
    make_member(user, organization)

    errors = clean_errors(Membership(user=user, organization=organization))
    assert errors[NON_FIELD_ERRORS] == ["This person is already a member of this organisation."]
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"), transaction.atomic():
        Membership.objects.create(user=user, organization=organization)


def test_a_person_may_belong_to_several_organisations(alice, org_b):
    membership = Membership(user=alice, organization=org_b)

    membership.full_clean()
    membership.save()

    assert alice.memberships.count() == 2


# --- submissions --------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["approved", "rejected", "changes_requested"])
def test_a_decision_needs_a_reason(alice, mod, status):
    submission = Submission(submitted_by=alice, kind="create", record_type="agreement", rationale="New deal.",
                            status=status, reviewer=mod, decision_reason=" ")

    assert clean_errors(submission)["decision_reason"] == ["Every decision needs a reason."]

    submission.decision_reason = ""
    assert_refused_by_database(submission, "registry_submission_decision_has_reason")


@pytest.mark.parametrize("status", ["pending", "withdrawn"])
def test_a_submission_that_is_not_decided_needs_no_reason(alice, status):
    submission = Submission(submitted_by=alice, kind="create", record_type="agreement", rationale="New deal.",
                            status=status)

    submission.full_clean()
    submission.save()


@pytest.mark.parametrize("kind", ["update", "correction", "retraction"])
def test_a_change_to_an_existing_record_names_it(alice, kind):
    submission = Submission(submitted_by=alice, kind=kind, record_type="agreement", rationale="It ended.")

    assert clean_errors(submission)["target_slug"] == ["Name the record this submission concerns."]
    assert_refused_by_database(submission, "registry_submission_target_for_changes")

    submission.target_slug = "some-agreement"
    submission.full_clean()
    submission.save()


@pytest.mark.parametrize("rationale", ["", "  \n"])
def test_a_submission_needs_a_rationale(alice, rationale):
    submission = Submission(submitted_by=alice, kind="create", record_type="agreement", rationale=rationale)

    assert "Say why you propose this change." in clean_errors(submission)["rationale"]


def test_the_database_refuses_a_submission_without_a_rationale(alice):
    submission = Submission(submitted_by=alice, kind="create", record_type="agreement", rationale="")

    assert_refused_by_database(submission, "registry_submission_has_rationale")


def test_a_decided_submission_with_a_reason_saves(alice, mod):
    submission = make_submission(by=alice)

    submission.status, submission.reviewer, submission.decision_reason = "rejected", mod, "No source given."
    submission.full_clean()
    submission.save()

    assert Submission.objects.get(pk=submission.pk).decision_reason == "No source given."

