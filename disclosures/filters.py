"""FilterSets for designations, testing disclosures and events (pages, API and CSV)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from contracts.models import Agency, Agreement, Vendor
from disclosures.models import Designation, Event, TestingDisclosure
from registry.filters import (
    DaysFilter,
    PartialDateValueFilter,
    RegistryFilterSet,
    SlugChoiceFilter,
    StrictBooleanFilter,
    TextFilter,
    date_range,
)


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
        return queryset.with_vendor(value) if value else queryset

    def filter_issuing_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset

    def filter_in_effect_on(self, queryset, name, value):
        return queryset if value is None else queryset.in_effect_on(value.last_day)


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
    lag_min = DaysFilter(
        field_name="lag_min_days", lookup_expr="gte", label="Disclosure lag at least (days)",
        help_text="Disclosed at least this many days after testing began, on every reading of the dates; "
                  "testing not yet disclosed counts up to the day its record was last verified.")
    lag_max = DaysFilter(
        field_name="lag_max_days", lookup_expr="lte", label="Disclosure lag at most (days)",
        help_text="Disclosed at most this many days after testing began, on every reading of the dates; "
                  "never matches testing not yet disclosed.")
    lag_open = StrictBooleanFilter(method="filter_lag_open", label="Not disclosed yet (open lag)",
                                   help_text="Yes: testing whose start is known and which is not disclosed so far.")

    ordering_fields = {"disclosed": "disclosed_on", "tested": "tested_from", "lag": "lag_min_days", "title": "title",
                       "updated": "updated_at"}
    default_ordering = "-disclosed"

    class Meta:
        model = TestingDisclosure
        fields = []

    def filter_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset

    def filter_vendor(self, queryset, name, value):
        return queryset.with_vendor(value) if value else queryset

    def filter_agreement(self, queryset, name, value):
        return queryset.with_agreement(value) if value else queryset

    def filter_has_agreement(self, queryset, name, value):
        return queryset if value is None else queryset.under_an_agreement(value)

    def filter_lag_open(self, queryset, name, value):
        return queryset if value is None else queryset.with_open_lag(value)


class EventFilterSet(RegistryFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices, label="Kind", widget=forms.SelectMultiple)
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor", label="Vendor",
                              help_text="Linked to the vendor, or to an agreement it is a party to, a designation of "
                                        "it or a testing disclosure of its models.")
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency", label="Agency",
                              help_text="Linked to the agency (or a sub-agency), or to an agreement it awarded or takes "
                                        "part in, a designation it issued or testing it did.")
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

    def filter_vendor(self, queryset, name, value):
        return queryset.with_vendor(value) if value else queryset

    def filter_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset

    def filter_agreement(self, queryset, name, value):
        return queryset.with_agreement(value) if value else queryset

    def filter_designation(self, queryset, name, value):
        return queryset.with_designation(value) if value else queryset


# --- filters disclosures adds to contracts' FilterSets (registered in disclosures/apps.py) -------

def filter_vendors_by_designation(queryset, name, value):
    if value is None:
        return queryset
    designations = Exists(Designation.objects.public().filter(vendor=OuterRef("pk")))
    return queryset.filter(designations if value else ~designations)


def vendor_has_designation():
    return StrictBooleanFilter(method=filter_vendors_by_designation, label="Has a designation")
