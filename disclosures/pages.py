"""What disclosures shows on other apps' pages, registered in disclosures/apps.py through
registry/sections.py: the designations and testing disclosures of an agreement, a vendor or an
agency; the designations column of the vendor list; the home page's designations (in effect today, and by
status) and latest testing disclosures with their lag; and the charts page's disclosure lags and designations
over time (disclosures/charts.py). (Events and dated facts reach every record's timeline through the
timeline table: disclosures/timeline.py.)"""

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.utils import timezone

from disclosures.charts import designations_by_month, disclosure_lags
from disclosures.models import (
    Designation,
    DesignationAgreement,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from disclosures.services import disclosure_lag
from registry.fields import PartialDate
from registry.models import Citation
from registry.sections import CHARTS, HOME, Column, Section, add_column, add_section

HOME_DESIGNATIONS = 10
HOME_TESTING = 5


def newest_announced():
    return F("announced_on").desc(nulls_last=True), "id"


def newest_disclosed():
    return F("disclosed_on").desc(nulls_last=True), "id"


def unique(records):
    """Each record once, in order."""
    return list({record.pk: record for record in records}.values())


def designations_in_effect_today(record):
    """In effect today by the registry's reading, each with the date of its newest source: what "in
    effect" is known as of (in the same query)."""
    today = timezone.now().date()
    newest = (Citation.objects.filter(target_type__app_label="disclosures", target_type__model="designation",
                                      target_id=OuterRef("pk"), source__published_on__isnull=False,
                                      source__published_at__isnull=False, source__retracted_at__isnull=True)
              .order_by("-source__published_on"))
    in_effect = (Designation.objects.public().in_effect_on(today).select_related("vendor", "issuing_agency")
                 .annotate(newest_source_on=Subquery(newest.values("source__published_on")[:1]),
                           newest_source_precision=Subquery(newest.values("source__published_on_precision")[:1]))
                 .order_by(*newest_announced()))
    designations = list(in_effect[:HOME_DESIGNATIONS])
    for designation in designations:
        designation.newest_source = (PartialDate(designation.newest_source_on, designation.newest_source_precision)
                                     if designation.newest_source_on else None)
    return {"designations": designations, "today": today.isoformat(), **designations_by_status()}


def designations_by_status():
    """How many public designations there are in each recorded status, and of how many vendors: two queries."""
    public = Designation.objects.public()
    counts = dict(public.values_list("status").annotate(count=Count("pk")).order_by())
    return {"by_status": [(status.value, status.label.lower(), counts[status]) for status in Designation.Status
                          if status in counts],
            "designation_count": sum(counts.values()),
            "vendor_count": public.aggregate(vendors=Count("vendor", distinct=True))["vendors"]}


def latest_testing(record):
    """The latest disclosures, each with its lag as its own page reads it (up to today while undisclosed)."""
    latest = TestingDisclosure.objects.public().select_related("agency").order_by(
        F("disclosed_on").desc(nulls_last=True), "-id")
    disclosures = list(latest[:HOME_TESTING])
    for disclosure in disclosures:
        disclosure.lag = disclosure_lag(disclosure)
    return {"disclosures": disclosures}


def register_sections():
    add_section("agreement", Section(
        template="disclosures/sections/agreement_designations.html",
        context=lambda agreement: {"designations": [link.designation for link in agreement.designation_links.all()]},
        prefetch=(Prefetch("designation_links", queryset=DesignationAgreement.objects.to_public(
            "designation", "designation__vendor")),),
        order=10))
    add_section("agreement", Section(
        template="disclosures/sections/agreement_testing.html",
        context=lambda agreement: {"disclosures": [link.disclosure for link in agreement.testing_links.all()]},
        prefetch=(Prefetch("testing_links", queryset=TestingDisclosureAgreement.objects.to_public(
            "disclosure", "disclosure__agency")),),
        order=20))

    add_section("vendor", Section(
        template="disclosures/sections/vendor_designations.html",
        context=lambda vendor: {"designations": vendor.public_designations},
        prefetch=(Prefetch("designations", queryset=Designation.objects.public().select_related("issuing_agency")
                           .order_by(*newest_announced()), to_attr="public_designations"),),
        order=10))
    add_section("vendor", Section(
        template="disclosures/sections/vendor_testing.html",
        context=lambda vendor: {"disclosures": unique(link.disclosure for link in vendor.testing_links.all())},
        prefetch=(Prefetch("testing_links", queryset=TestingDisclosureVendor.objects.to_public(
            "disclosure", "disclosure__agency")),),
        order=20))
    add_column("vendor", Column(
        header="Designations", template="disclosures/sections/vendor_designations_cell.html",
        prefetch=(Prefetch("designations", queryset=Designation.objects.public().only("id", "vendor_id", "status"),
                           to_attr="public_designations"),)))

    add_section("agency", Section(
        template="disclosures/sections/agency_designations.html",
        context=lambda agency: {"designations": agency.public_designations},
        prefetch=(Prefetch("designations_issued", queryset=Designation.objects.public().select_related("vendor")
                           .order_by(*newest_announced()), to_attr="public_designations"),),
        order=10))
    add_section("agency", Section(
        template="disclosures/sections/agency_testing.html",
        context=lambda agency: {"disclosures": agency.public_testing},
        prefetch=(Prefetch("testing_disclosures", queryset=TestingDisclosure.objects.public()
                           .order_by(*newest_disclosed()), to_attr="public_testing"),),
        order=20))

    add_section(HOME, Section(template="disclosures/sections/home_designations.html",
                              context=designations_in_effect_today, order=10))
    add_section(HOME, Section(template="disclosures/sections/home_testing.html", context=latest_testing, order=20))
    add_section(CHARTS, Section(template="disclosures/sections/charts_lags.html",
                                context=lambda record: disclosure_lags(), order=20))
    add_section(CHARTS, Section(template="disclosures/sections/charts_designations.html",
                                context=lambda record: designations_by_month(), order=30))
