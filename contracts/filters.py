"""FilterSets for agreements, terms, markers, agencies and vendors (pages, API and CSV)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from contracts.models import Agency, Agreement, AgreementAmount, ClassifiedAddendumMarker, PublicTerm, Vendor
from registry.filters import RegistryFilterSet, SlugChoiceFilter, StrictBooleanFilter, TextFilter, date_range


class AgreementFilterSet(RegistryFilterSet):
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency",
                              label="Agency (awarding or participating)",
                              help_text="Includes the agency's sub-agencies.")
    awarding_agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_awarding_agency",
                                       label="Awarding agency", help_text="Includes the agency's sub-agencies.")
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor",
                              label="Vendor", help_text="A party to the agreement in any role.")
    vehicle = django_filters.MultipleChoiceFilter(choices=Agreement.Vehicle.choices, label="Vehicle",
                                                  widget=forms.SelectMultiple)
    status = django_filters.MultipleChoiceFilter(choices=Agreement.Status.choices, label="Status",
                                                 widget=forms.SelectMultiple)
    terms_disclosure = django_filters.MultipleChoiceFilter(choices=Agreement.TermsDisclosure.choices,
                                                           label="Terms disclosure", widget=forms.SelectMultiple)
    federal_data_status = django_filters.MultipleChoiceFilter(
        choices=Agreement.FederalDataStatus.choices, label="Federal data", widget=forms.SelectMultiple)
    term_category = django_filters.ChoiceFilter(choices=PublicTerm.Category.choices, method="filter_terms",
                                                label="Has a current term about")
    term_effect = django_filters.MultipleChoiceFilter(
        choices=[*PublicTerm.Effect.choices, ("none", "No current term in that category")],
        method="filter_terms", label="…whose effect is", widget=forms.CheckboxSelectMultiple,
        help_text="With a category: one current term with both (several effects: any of them, e.g. prohibits or "
                  "restricts). 'none': no current term in that category.")
    has_addendum_marker = StrictBooleanFilter(method="filter_has_addendum_marker", label="Has a classified-addendum marker")
    announced_after, announced_before = date_range("announced_on", "Announced")
    date_after, date_before = date_range("best_known_on", "Best known date")
    amount_kind = django_filters.MultipleChoiceFilter(
        choices=AgreementAmount.Kind.choices, method="filter_amount_kind", label="Has a reported amount of kind",
        widget=forms.SelectMultiple, help_text="A ceiling or obligation in its own field counts as that kind.")
    ceiling_min = django_filters.NumberFilter(field_name="ceiling_amount", lookup_expr="gte",
                                              label="Ceiling at least (USD)", min_value=0)
    ceiling_max = django_filters.NumberFilter(field_name="ceiling_amount", lookup_expr="lte",
                                              label="Ceiling at most (USD)", min_value=0)

    ordering_fields = {"date": "best_known_on", "announced": "announced_on", "title": "title",
                       "ceiling": "ceiling_amount", "updated": "updated_at"}
    default_ordering = "-date"

    class Meta:
        model = Agreement
        fields = []

    def filter_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset

    def filter_awarding_agency(self, queryset, name, value):
        return queryset.with_awarding_agency(value) if value else queryset

    def filter_vendor(self, queryset, name, value):
        return queryset.with_vendor(value) if value else queryset

    def filter_amount_kind(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(Exists(AgreementAmount.objects.filter(agreement=OuterRef("pk"), kind__in=value)))
        if AgreementAmount.Kind.CEILING in value:
            condition |= Q(ceiling_amount__isnull=False)
        if AgreementAmount.Kind.OBLIGATED in value:
            condition |= Q(obligated_amount__isnull=False)
        return queryset.filter(condition)

    def filter_has_addendum_marker(self, queryset, name, value):
        if value is None:
            return queryset
        markers = Exists(ClassifiedAddendumMarker.objects.public().filter(agreement=OuterRef("pk")))
        return queryset.filter(markers if value else ~markers)

    def filter_terms(self, queryset, name, value):
        # Both parameters arrive here; apply the rule once, when the category (or effect alone) is seen.
        category = self.form.cleaned_data.get("term_category")
        effects = self.form.cleaned_data.get("term_effect") or []
        if name == "term_effect" and category:
            return queryset
        current = PublicTerm.objects.public().current().filter(agreement=OuterRef("pk"))
        if category:
            current = current.filter(category=category)
        if "none" in effects:
            return queryset.exclude(Exists(current))
        if effects:
            current = current.filter(effect__in=effects)
        return queryset.filter(Exists(current))

    def is_valid(self):
        valid = super().is_valid()
        effects = (self.form.cleaned_data.get("term_effect") or []) if valid else []
        if "none" in effects and not self.form.cleaned_data.get("term_category"):
            self.form.add_error("term_effect", "'No current term' needs a term category.")
            return False
        if "none" in effects and len(effects) > 1:
            self.form.add_error("term_effect", "'No current term' cannot be combined with an effect.")
            return False
        return valid


class TermMatrixFilterSet(AgreementFilterSet):
    """The agreement filters the term matrix takes: the same filters, with the same meaning, restricted to
    vendor, agency, status, best known date range and the term highlight (and the sort order)."""

    MATRIX_FILTERS = ("vendor", "agency", "status", "date_after", "date_before", "term_category", "term_effect",
                      "ordering")
    HIGHLIGHT = ("term_category", "term_effect")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.MATRIX_FILTERS if name in self.filters}

    def qs_without_highlight(self):
        """The agreements the other filters select (what a headline counts), ignoring term_category/effect."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in (*self.HIGHLIGHT, "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def filter_agreement(queryset, name, value):
    """SlugChoiceFilter hands over records; without a method django-filter would compare their slugs to ids."""
    return queryset.filter(agreement__in=value) if value else queryset


class PublicTermFilterSet(RegistryFilterSet):
    agreement = SlugChoiceFilter(queryset=Agreement.objects.public(), method=filter_agreement, label="Agreement")
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor",
                              label="Vendor", help_text="The vendor's own policy or a party to the term's agreement.")
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency",
                              label="Agency", help_text="Includes sub-agencies; policies and agreements.")
    category = django_filters.MultipleChoiceFilter(choices=PublicTerm.Category.choices, label="Category",
                                                   widget=forms.SelectMultiple)
    effect = django_filters.MultipleChoiceFilter(choices=PublicTerm.Effect.choices, label="Effect",
                                                 widget=forms.SelectMultiple)
    binding = django_filters.MultipleChoiceFilter(choices=PublicTerm.Binding.choices, label="Binding-ness",
                                                  widget=forms.SelectMultiple)
    status = django_filters.MultipleChoiceFilter(choices=PublicTerm.Status.choices, label="Status",
                                                 widget=forms.SelectMultiple)
    text_form = django_filters.ChoiceFilter(choices=PublicTerm.TextForm.choices, label="Verbatim or paraphrase")
    has_agreement = StrictBooleanFilter(field_name="agreement", lookup_expr="isnull", exclude=True,
                                label="Part of an agreement")
    effective_after, effective_before = date_range("effective_on", "Effective")

    ordering_fields = {"title": "title", "category": "category", "effective": "effective_on", "updated": "updated_at"}
    default_ordering = "category"

    class Meta:
        model = PublicTerm
        fields = []

    def filter_vendor(self, queryset, name, value):
        return queryset.with_vendor(value) if value else queryset

    def filter_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset


class ClassifiedAddendumMarkerFilterSet(RegistryFilterSet):
    agreement = SlugChoiceFilter(queryset=Agreement.objects.public(), method=filter_agreement, label="Agreement")
    vendor = SlugChoiceFilter(queryset=Vendor.objects.public(), method="filter_vendor", label="Vendor")
    agency = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_agency", label="Agency")
    existence = django_filters.MultipleChoiceFilter(choices=ClassifiedAddendumMarker.Existence.choices,
                                                    label="How its existence is known", widget=forms.SelectMultiple)
    classification = django_filters.MultipleChoiceFilter(choices=ClassifiedAddendumMarker.Classification.choices,
                                                         label="Classification", widget=forms.SelectMultiple)
    known_since_after, known_since_before = date_range("known_since", "Known since")

    ordering_fields = {"title": "title", "known_since": "known_since", "updated": "updated_at"}
    default_ordering = "title"

    class Meta:
        model = ClassifiedAddendumMarker
        fields = []

    def filter_vendor(self, queryset, name, value):
        return queryset.with_vendor(value) if value else queryset

    def filter_agency(self, queryset, name, value):
        return queryset.with_agency(value) if value else queryset


class AgencyFilterSet(RegistryFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Agency.Kind.choices, label="Kind", widget=forms.SelectMultiple)
    parent = SlugChoiceFilter(queryset=Agency.objects.public(), method="filter_parent", label="Part of",
                              help_text="Agencies anywhere below it, not the agency itself.")
    country = TextFilter(lookup_expr="iexact", label="Country (ISO code)", max_length=2)

    ordering_fields = {"name": "name", "updated": "updated_at"}
    default_ordering = "name"

    class Meta:
        model = Agency
        fields = []

    def filter_parent(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.below(value)


class VendorFilterSet(RegistryFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Vendor.Kind.choices, label="Kind", widget=forms.SelectMultiple)
    country = TextFilter(lookup_expr="iexact", label="Country (ISO code)", max_length=2)

    ordering_fields = {"name": "name", "updated": "updated_at"}
    default_ordering = "name"

    class Meta:
        model = Vendor
        fields = []
