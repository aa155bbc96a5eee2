"""Builders for every model. Each public record is written through the one write path, with a
citation when published, so tests see exactly what the site sees."""

import functools
import itertools
from contextlib import contextmanager
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from disclosures.models import (
    Designation,
    DesignationAgreement,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.models import Citation, Membership, Organization, Source, Submission
from registry.services import apply_change, change_set, retract

_numbers = itertools.count(1)
PUBLISHED = datetime(2026, 1, 1, tzinfo=UTC)


def unique(prefix):
    return f"{prefix}-{next(_numbers)}"


_builder = None  # (the user, the transaction it was read in): see builder_user


def _open_transaction():
    """The atomic blocks open on the connection and their savepoints (each savepoint's name is new)."""
    return list(connection.atomic_blocks), list(connection.savepoint_ids)


def _still_open(transaction):
    blocks, savepoints = transaction
    now_blocks, now_savepoints = _open_transaction()
    return (len(blocks) <= len(now_blocks) and all(a is b for a, b in zip(blocks, now_blocks, strict=False))
            and savepoints == now_savepoints[:len(savepoints)])


def builder_user():
    """The user every builder writes as, made on first use. Read once per test (tests/conftest.py forgets it
    around each test), and again when the transaction or savepoint it was read in has been left (rolled back)."""
    global _builder
    if _builder is not None and _still_open(_builder[1]):
        return _builder[0]
    user, _ = get_user_model().objects.get_or_create(username="builder", defaults={"is_staff": True})
    _builder = (user, _open_transaction())
    return user


def forget_builder_user():
    global _builder
    _builder = None


@contextmanager
def one_change(reason="test data"):
    """Build a whole world in one change set: every builder inside joins it (a nested change set joins its outer
    one), so the change is closed and the timeline refreshed once, not once per record: a fixture of a hundred
    records builds ~5 times faster. For worlds whose tests do not look at how the records were changed; a test of
    the change feed or of history builds record by record."""
    with change_set(user=builder_user(), reason=reason):
        yield


def in_one_change(build):
    """``build`` (a fixture or a helper that builds a world and returns it) runs in one change set: see one_change."""
    @functools.wraps(build)
    def built_in_one_change(*args, **kwargs):
        with one_change():
            return build(*args, **kwargs)

    return built_in_one_change


def _save(record, *, cite=True, retracted=False, quote=None, reason="test data", user=None):
    """Save through the write path (with a citation when published), then retract if asked."""
    user = user or builder_user()
    with change_set(user=user, reason=reason):
        apply_change(record)
        if cite and record.published_at and not isinstance(record, Source):
            make_citation(record, quote=quote or f"quoted words about {record.slug}")
    if retracted:
        retract(record, user=user, reason="retracted in a test")
    return record


def make_source(*, published=True, retracted=False, **fields):
    slug = fields.pop("slug", unique("source"))
    fields.setdefault("url", f"https://news.example.org/{slug}")
    fields.setdefault("title", f"Report {slug}")
    fields.setdefault("publisher", "Example News")
    fields.setdefault("kind", Source.Kind.NEWS_REPORT)
    source = Source(slug=slug, published_at=PUBLISHED if published else None, **fields)
    return _save(source, retracted=retracted)


def make_citation(target, *, source=None, quote="an exact quote", claims=(), **fields):
    citation = Citation(target=target, source=source or make_source(), quote=quote, claims=list(claims), **fields)
    return apply_change(citation, user=builder_user(), reason="test citation")


def make_agency(*, published=True, retracted=False, **fields):
    slug = fields.pop("slug", unique("agency"))
    fields.setdefault("name", f"Agency {slug}")
    fields.setdefault("kind", Agency.Kind.COMPONENT)
    return _save(Agency(slug=slug, published_at=PUBLISHED if published else None, **fields), retracted=retracted)


def make_vendor(*, published=True, retracted=False, **fields):
    slug = fields.pop("slug", unique("vendor"))
    fields.setdefault("name", f"Vendor {slug}")
    fields.setdefault("kind", Vendor.Kind.FRONTIER_LAB)
    return _save(Vendor(slug=slug, published_at=PUBLISHED if published else None, **fields), retracted=retracted)


def make_agreement(*, published=True, retracted=False, vendors=(), participating=(), **fields):
    slug = fields.pop("slug", unique("agreement"))
    fields.setdefault("title", f"Agreement {slug}")
    if "awarding_agency" not in fields:
        fields["awarding_agency"] = make_agency()
    agreement = Agreement(slug=slug, published_at=PUBLISHED if published else None, **fields)
    _save(agreement)
    for vendor in vendors:
        make_party(agreement, vendor)
    for agency in participating:
        apply_change(AgreementAgency(agreement=agreement, agency=agency), user=builder_user(), reason="test party")
    if retracted:
        retract(agreement, user=builder_user(), reason="retracted in a test")
    return agreement


def make_agreements(count, **fields):
    return [make_agreement(**fields) for _ in range(count)]


def make_party(agreement, vendor=None, role=AgreementParty.Role.PRIME):
    party = AgreementParty(agreement=agreement, vendor=vendor or make_vendor(), role=role)
    return apply_change(party, user=builder_user(), reason="test party")


def make_amount(agreement, kind="reported_award_value", amount="642000000.00", *, currency="USD", as_of=None,
                note="", position=0):
    """A reported amount of an agreement, written through the write path."""
    row = AgreementAmount(agreement=agreement, kind=kind, amount=amount, currency=currency, note=note,
                          position=position)
    row.as_of = as_of
    return apply_change(row, user=builder_user(), reason="test amount")


def make_term(*, published=True, retracted=False, **fields):
    slug = fields.pop("slug", unique("term"))
    if not ({"agreement", "agency", "vendor"} & fields.keys()):
        fields["agreement"] = make_agreement()
    fields.setdefault("title", f"Term {slug}")
    fields.setdefault("category", PublicTerm.Category.DOMESTIC_SURVEILLANCE)
    fields.setdefault("effect", PublicTerm.Effect.PROHIBITS)
    fields.setdefault("text", "The vendor's models shall not be used for domestic surveillance.")
    term = PublicTerm(slug=slug, published_at=PUBLISHED if published else None, **fields)
    agreement = fields.get("agreement")
    with change_set(user=builder_user(), reason="test data"):
        if agreement is not None and published and agreement.published_at and term.status in PublicTerm.CURRENT_STATUSES:
            # as an editor must (the write path checks it): a public term in force means the agreement's terms
            # are not "none", and a verbatim contract clause means part of its text is public
            clause = term.text_form == "verbatim" and term.binding == PublicTerm.Binding.CONTRACT_CLAUSE
            needed = Agreement.TermsDisclosure.PARTIAL if clause else Agreement.TermsDisclosure.SUMMARY
            if agreement.terms_disclosure == "none" or (clause and agreement.terms_disclosure == "summary"):
                agreement.terms_disclosure = needed
                apply_change(agreement)
        return _save(term, retracted=retracted)


def make_marker(*, published=True, retracted=False, **fields):
    slug = fields.pop("slug", unique("marker"))
    if "agreement" not in fields:
        fields["agreement"] = make_agreement()
    fields.setdefault("title", f"Marker {slug}")
    fields.setdefault("existence", ClassifiedAddendumMarker.Existence.REPORTED_BY_ONE_SOURCE)
    return _save(ClassifiedAddendumMarker(slug=slug, published_at=PUBLISHED if published else None, **fields),
                 retracted=retracted)


def make_designation(*, published=True, retracted=False, affected=(), **fields):
    slug = fields.pop("slug", unique("designation"))
    if "vendor" not in fields:
        fields["vendor"] = make_vendor()
    fields.setdefault("title", f"Designation {slug}")
    fields.setdefault("kind", Designation.Kind.SUPPLY_CHAIN_RISK_3252)
    fields.setdefault("status", Designation.Status.IN_EFFECT)
    designation = _save(Designation(slug=slug, published_at=PUBLISHED if published else None, **fields))
    for agreement in affected:
        apply_change(DesignationAgreement(designation=designation, agreement=agreement),
                     user=builder_user(), reason="test link")
    if retracted:
        retract(designation, user=builder_user(), reason="retracted in a test")
    return designation


def make_testing_disclosure(*, published=True, retracted=False, vendors=(), agreements=(), **fields):
    slug = fields.pop("slug", unique("testing"))
    if "agency" not in fields:
        fields["agency"] = make_agency()
    fields.setdefault("title", f"Testing {slug}")
    fields.setdefault("models_tested", "GPT-4")
    disclosure = _save(TestingDisclosure(slug=slug, published_at=PUBLISHED if published else None, **fields))
    for vendor in vendors:
        apply_change(TestingDisclosureVendor(disclosure=disclosure, vendor=vendor), user=builder_user(), reason="t")
    for agreement in agreements:
        apply_change(TestingDisclosureAgreement(disclosure=disclosure, agreement=agreement),
                     user=builder_user(), reason="t")
    if retracted:
        retract(disclosure, user=builder_user(), reason="retracted in a test")
    return disclosure


def make_event(*, published=True, retracted=False, links=(), **fields):
    slug = fields.pop("slug", unique("event"))
    fields.setdefault("title", f"Event {slug}")
    fields.setdefault("kind", Event.Kind.STATEMENT)
    if "occurred_on" not in fields:
        fields["occurred_on"], fields["occurred_on_precision"] = datetime(2026, 3, 1).date(), "day"
    event = _save(Event(slug=slug, published_at=PUBLISHED if published else None, **fields))
    for role, target_field, target in links:
        apply_change(EventLink(event=event, role=role, **{target_field: target}), user=builder_user(), reason="t")
    if retracted:
        retract(event, user=builder_user(), reason="retracted in a test")
    return event


def make_user(username, *, staff=False, **fields):
    fields.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password="correct horse battery staple",
                                                is_staff=staff, **fields)


def make_organization(name, *, status=Organization.Status.VERIFIED):
    return Organization.objects.create(name=name, slug=name.lower().replace(" ", "-"), status=status)


def make_member(user, organization, **fields):
    return Membership.objects.create(user=user, organization=organization, **fields)


def offered_source(**fields):
    """A source as a submitter offers it (submissions.validation.SourceOfferSerializer)."""
    return {"url": "https://news.example.org/a-story", "title": "A story", "publisher": "Example News",
            "published": "2026-11-02", "quote": "the exact words of the story", "claims": ["title"], **fields}


def make_submission(*, by, **fields):
    fields.setdefault("kind", Submission.Kind.CREATE)
    fields.setdefault("record_type", "agreement")
    fields.setdefault("rationale", "New contract announced today.")
    return Submission.objects.create(submitted_by=by, **fields)
