"""FilterSets for designations, testing disclosures and events (pages, API and CSV)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from contracts.filters import with_sub_agencies
from contracts.models import Agency, Agreement, AgreementParty, Vendor
from disclosures.models import (
    Designation,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.filters import (
    PartialDateValueFilter,
    RegistryFilterSet,
    SlugChoiceFilter,
    StrictBooleanFilter,
    TextFilter,
    date_range,
)

# Statuses of a designation that took effect and has since stopped binding; for in_effect_on it
# was in effect until it ended (ended_on) or, without an end date, until its first court order.
STOPPED_STATUSES = (Designation.Status.ENJOINED, Designation.Status.STAYED, Designation.Status.RESCINDED,
                    Designation.Status.EXPIRED, Designation.Status.VACATED)


class DesignationFilterSet(RegistryFilterSet):
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor", label="Vendor")
    issuing_agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_issuing_agency",
                                      label="Issuing agency", help_text="Includes sub-agencies.")
    kind = django_filters.MultipleChoiceFilter(choices=Designation.Kind.choices, label="Kind",
                                               widget=forms.SelectMultiple)
    status = django_filters.MultipleChoiceFilter(choices=Designation.Status.choices, label="Status",
                                                 widget=forms.SelectMultiple)
    in_effect_on = PartialDateValueFilter(
        method="filter_in_effect_on", label="In effect on",
        help_text="YYYY-MM-DD (a month or a year means its last day). In effect from the effective date, or "
                  "without one from the first of announcement, determination or notice; until the end date, "
                  "or for one since enjoined or stayed, until its first court order. Reported and proposed "
                  "designations never count.")
    announced_after, announced_before = date_range("announced_on", "Announced")

    ordering_fields = {"announced": "announced_on", "title": "title", "effective": "effective_on",
                       "updated": "updated_at"}
    default_ordering = "-announced"

    class Meta:
        model = Designation
        fields = []

    def filter_vendor(self, queryset, name, value):
        return queryset.filter(vendor__in=value) if value else queryset

    def filter_issuing_agency(self, queryset, name, value):
        return queryset.filter(issuing_agency_id__in=with_sub_agencies(value)) if value else queryset

    def filter_in_effect_on(self, queryset, name, value):
        if value is None:
            return queryset
        day = value.last_day
        started = Q(effective_on__lte=day) | Q(effective_on__isnull=True) & (
            Q(announced_on__lte=day) | Q(determined_on__lte=day) | Q(noticed_on__lte=day))
        court_orders = EventLink.objects.filter(designation=OuterRef("pk"), event__kind=Event.Kind.COURT_ORDER,
                                                event__in=Event.objects.public())
        stopped_later = Q(ended_on__gt=day) | Q(
            Q(ended_on__isnull=True), Exists(court_orders.filter(event__occurred_on__gt=day)),
            ~Exists(court_orders.filter(event__occurred_on__lte=day)))
        still_binding = Q(status=Designation.Status.IN_EFFECT) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        return queryset.filter(started, still_binding | Q(status__in=STOPPED_STATUSES) & stopped_later)


class TestingDisclosureFilterSet(RegistryFilterSet):
    __test__ = False  # not a pytest test class, despite its name
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency",
                              label="Agency", help_text="Includes sub-agencies.")
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor", label="Vendor")
    agreement = SlugChoiceFilter(queryset=Agreement.objects.public(), method="filter_agreement", label="Agreement")
    test_kind = django_filters.MultipleChoiceFilter(choices=TestingDisclosure.TestKind.choices, label="Kind of testing",
                                                    widget=forms.SelectMultiple)
    channel = django_filters.MultipleChoiceFilter(choices=TestingDisclosure.Channel.choices, label="Disclosed through",
                                                  widget=forms.SelectMultiple)
    confirmed = django_filters.MultipleChoiceFilter(field_name="confirmed_by_agency",
                                                    choices=TestingDisclosure.Confirmed.choices,
                                                    label="Confirmed by the agency", widget=forms.SelectMultiple)
    has_agreement = StrictBooleanFilter(method="filter_has_agreement", label="Under an agreement",
                                        help_text="No: testing outside any recorded agreement.")
    disclosed_after, disclosed_before = date_range("disclosed_on", "Disclosed")
    tested_after, tested_before = date_range("tested_from", "Testing began")

    ordering_fields = {"disclosed": "disclosed_on", "tested": "tested_from", "title": "title", "updated": "updated_at"}
    default_ordering = "-disclosed"

    class Meta:
        model = TestingDisclosure
        fields = []

    def filter_agency(self, queryset, name, value):
        return queryset.filter(agency_id__in=with_sub_agencies(value)) if value else queryset

    def filter_vendor(self, queryset, name, value):
        links = TestingDisclosureVendor.objects.filter(disclosure=OuterRef("pk"), vendor__in=value)
        return queryset.filter(Exists(links)) if value else queryset

    def filter_agreement(self, queryset, name, value):
        links = TestingDisclosureAgreement.objects.filter(disclosure=OuterRef("pk"), agreement__in=value)
        return queryset.filter(Exists(links)) if value else queryset

    def filter_has_agreement(self, queryset, name, value):
        if value is None:
            return queryset
        links = Exists(TestingDisclosureAgreement.objects.filter(disclosure=OuterRef("pk")))
        return queryset.filter(links if value else ~links)


class EventFilterSet(RegistryFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices, label="Kind", widget=forms.SelectMultiple)
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor", label="Vendor",
                              help_text="Linked to the vendor, or to an agreement it is a party to.")
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency", label="Agency",
                              help_text="Linked to the agency (or a sub-agency), or to an agreement it awarded.")
    agreement = SlugChoiceFilter(queryset=Agreement.objects.public(), method="filter_agreement", label="Agreement")
    designation = SlugChoiceFilter(queryset=Designation.objects.public(), method="filter_designation",
                                   label="Designation")
    court = TextFilter(lookup_expr="icontains", label="Court contains")
    occurred_after, occurred_before = date_range("occurred_on", "Happened")

    ordering_fields = {"occurred": "occurred_on", "title": "title", "updated": "updated_at"}
    default_ordering = "-occurred"

    class Meta:
        model = Event
        fields = []

    def linked(self, queryset, condition):
        return queryset.filter(Exists(EventLink.objects.filter(condition, event=OuterRef("pk"))))

    def filter_vendor(self, queryset, name, value):
        if not value:
            return queryset
        party_agreements = AgreementParty.objects.filter(vendor__in=value).values("agreement_id")
        return self.linked(queryset, Q(vendor__in=value) | Q(agreement_id__in=party_agreements))

    def filter_agency(self, queryset, name, value):
        if not value:
            return queryset
        ids = with_sub_agencies(value)
        return self.linked(queryset, Q(agency_id__in=ids) | Q(agreement__awarding_agency_id__in=ids))

    def filter_agreement(self, queryset, name, value):
        return self.linked(queryset, Q(agreement__in=value)) if value else queryset

    def filter_designation(self, queryset, name, value):
        return self.linked(queryset, Q(designation__in=value)) if value else queryset


