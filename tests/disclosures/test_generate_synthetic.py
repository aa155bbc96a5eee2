"""generate_synthetic: a deterministic synthetic registry, in proportion, through the bulk write path."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from contracts.models import Agency, Agreement, AgreementAmount, AmountKind, ClassifiedAddendumMarker, PublicTerm, Vendor
from disclosures.models import Designation, Event, TestingDisclosure
from disclosures.synthetic import Generator, Plan
from registry.fields import DatePrecision
from registry.interchange import record_types
from registry.models import ChangeLog, Citation, Source
from registry.write_serializers import to_interchange
from tests.builders import make_agency

pytestmark = pytest.mark.django_db


def generate(*args, agreements=40, seed=7):
    out = io.StringIO()
    call_command("generate_synthetic", "--agreements", str(agreements), "--seed", str(seed), *args,
                 stdout=out)
    return out.getvalue()


def registry_as_interchange():
    return {t.plural: sorted((to_interchange(r) for r in t.model.objects.all()), key=lambda item: item["slug"])
            for t in record_types()}


def test_the_plan_keeps_the_proportions_at_any_size():
    plan = Plan.for_agreements(100_000)

    assert (plan.vendors, plan.agencies, plan.designations) == (5_000, 500, 100)  # 1/20, 1/200, 1 per 50 vendors
    assert Plan.for_agreements(10_000).sources == 1_000  # the pool of sources: 1 per 10 agreements


def test_a_few_vendors_hold_most_agreements():
    generator = Generator(10_000, seed=3)
    held = Counter(generator.vendor_index() for _ in range(10_000))

    top_tenth = sum(count for _, count in held.most_common(generator.plan.vendors // 10))
    assert top_tenth > 5_000


def test_it_builds_every_record_type_in_proportion():
    generate()

    assert Agreement.objects.count() == 40
    assert (Vendor.objects.count(), Agency.objects.count()) == (2, 3)  # 1 per 20 and 1 per 200 (at least 3)
    assert Agency.objects.filter(parent__isnull=False).exists()  # a hierarchy
    assert ClassifiedAddendumMarker.objects.count() == 4  # 1 per 10 agreements
    assert TestingDisclosure.objects.count() == 2  # 1 per 20 agreements
    assert Designation.objects.count() == 1 and Event.objects.count() == 3  # 1 per 50 vendors (at least 1), 3 events
    assert 3 <= PublicTerm.objects.filter(agreement__isnull=False).count() / 40 <= 7  # about 5 per agreement
    cited = Counter(Citation.objects.values_list("target_type", "target_id"))
    assert min(cited.values()) >= 3
    citable = sum(t.model.objects.count() for t in record_types() if getattr(t.model, "requires_citation", False))
    assert len(cited) == citable  # every record cited, 3 times or more
    assert all(record.slug.startswith("syn-") for t in record_types() for record in t.model.objects.all())


def test_it_has_every_amount_kind_every_date_precision_undisclosed_amounts_and_retractions():
    generate()

    assert set(AgreementAmount.objects.values_list("kind", flat=True)) == set(AmountKind.values)
    assert set(Agreement.objects.exclude(announced_on=None).values_list("announced_on_precision", flat=True)) \
        == set(DatePrecision.values)
    assert Agreement.objects.filter(ceiling_amount=None).exists() and Agreement.objects.exclude(ceiling_amount=None).exists()
    assert Agreement.objects.exclude(retracted_at=None).exists()
    assert Source.objects.count() >= 20


def test_it_writes_history_and_change_rows_with_later_edits():
    generate()

    actions = set(ChangeLog.objects.values_list("action", flat=True))
    assert actions == {"created", "updated", "retracted"}
    edited = Agreement.history.values("id").annotate(n=Count("history_id")).filter(n__gt=1)
    assert edited.exists()  # a share of agreements edited in later change sets
    assert edited.filter(n__gte=3).exists()  # some of them several times
    assert ChangeLog.objects.filter(reason__contains="edit round").exists()


def test_records_are_published_after_what_they_refer_to_and_never_in_the_future():
    generate()

    latest = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    for record_type in record_types():
        assert not record_type.model.objects.filter(published_at__gt=latest).exists()
        assert not record_type.model.objects.filter(retracted_at__gt=latest).exists()
    assert not PublicTerm.objects.filter(published_at__lt=F("agreement__published_at")).exists()
    assert not Agreement.objects.filter(published_at__lt=F("awarding_agency__published_at")).exists()
    assert not Agreement.objects.filter(published_at__lt=F("parent__published_at")).exists()


def agreement_history():
    return list(Agreement.history.order_by("slug", "history_date").values_list("slug", "history_type", "status"))


def test_the_same_seed_gives_the_same_registry():
    with transaction.atomic():
        generate(seed=11)
        first, first_history = registry_as_interchange(), agreement_history()
        transaction.set_rollback(True)

    generate(seed=11)

    assert registry_as_interchange() == first
    assert first["agreements"] and first["terms"]
    assert agreement_history() == first_history and len(first_history) > 40  # the same edits too


def test_every_record_reads_back_through_its_write_serializer():
    generate()

    for record_type in record_types():
        for record in record_type.model.objects.all():
            serializer = record_type.write_serializer(instance=record, data=to_interchange(record))
            assert serializer.is_valid(), (record.slug, serializer.errors)


def test_it_refuses_a_database_with_real_records_unless_forced():
    make_agency(slug="dod")

    with pytest.raises(CommandError, match="not synthetic"):
        generate()
    assert not Agreement.objects.exists()

    generate("--force", agreements=20)
    assert Agreement.objects.count() == 20


def test_it_refuses_to_run_twice_on_the_same_database():
    generate(agreements=20)

    with pytest.raises(CommandError, match="already holds synthetic"):
        generate(agreements=20)


def test_the_progress_bar_is_drawn_on_a_terminal_only(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    generate(agreements=20)

    assert "agreements" in terminal.getvalue() and "20/20" in terminal.getvalue()  # tqdm's bar, as export_bulk's


def test_no_progress_bar_off_a_terminal(capsys):
    generate(agreements=20)

    assert capsys.readouterr().err == ""
