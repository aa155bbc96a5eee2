from django import forms
from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Agencies, vendors and agreements"

    def ready(self):
        from contracts import charts, exports, headlines, services, timeline, vocabulary
        from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
        from contracts.ocds import packages as ocds_packages
        from registry.filters import SlugChoiceFilter, TimelineFilterSet, add_filter
        from registry.interchange import register
        from registry.sections import CHARTS, HOME, Section, add_section
        from registry.services import add_close_check

        add_close_check(Agreement, services.check_terms_disclosure)

        serializers = f"{self.name}.write_serializers"
        register(name="agency", plural="agencies", label="Agencies", model=Agency,
                 serializer_path=f"{serializers}.AgencyWriteSerializer", order=20, page_order=80, api_order=40,
                 csv=exports.AGENCY_COLUMNS)
        register(name="vendor", plural="vendors", label="Vendors", model=Vendor,
                 serializer_path=f"{serializers}.VendorWriteSerializer", order=30, page_order=70, api_order=50,
                 csv=exports.VENDOR_COLUMNS)
        register(name="agreement", plural="agreements", label="Agreements", model=Agreement,
                 serializer_path=f"{serializers}.AgreementWriteSerializer", order=40, page_order=10, api_order=10,
                 csv=exports.AGREEMENT_COLUMNS, meanings=vocabulary.AGREEMENT_MEANINGS,
                 related_by=("vendor", "agency"))
        register(name="term", plural="terms", label="Public terms", model=PublicTerm,
                 serializer_path=f"{serializers}.PublicTermWriteSerializer", order=50, page_order=20, api_order=20,
                 csv=exports.TERM_COLUMNS, meanings=vocabulary.TERM_MEANINGS, related_by=("vendor", "agency"))
        register(name="addendum-marker", plural="addendum_markers", label="Classified-addendum markers",
                 model=ClassifiedAddendumMarker,
                 serializer_path=f"{serializers}.ClassifiedAddendumMarkerWriteSerializer", order=60, page_order=30,
                 api_order=30, csv=exports.MARKER_COLUMNS, meanings=vocabulary.MARKER_MEANINGS,
                 related_by=("vendor", "agency"))

        # The OCDS release and record packages in every bulk snapshot.
        ocds_packages.register_bulk_files()

        # The dated facts of agreements, terms and markers on the timeline, and its vendor, agency and agreement
        # filters (an agreement's is set by the link on its page, so it is a hidden field, not a long list).
        timeline.register()
        add_filter(TimelineFilterSet, "vendor", SlugChoiceFilter(
            queryset=Vendor.objects.public(), method=timeline.filter_vendor, label="Vendor",
            help_text="Facts of the vendor's agreements, policies, designations and testing, and events about them."))
        add_filter(TimelineFilterSet, "agency", SlugChoiceFilter(
            queryset=Agency.objects.public(), method=timeline.filter_agency, label="Agency",
            help_text="Includes the agency's sub-agencies: agreements it awarded or took part in, designations "
                      "it issued, testing it did, and events about them."))
        add_filter(TimelineFilterSet, "agreement", SlugChoiceFilter(
            queryset=Agreement.objects.public(), method=timeline.filter_agreement, label="Agreement",
            widget=forms.MultipleHiddenInput))
        # The home page's headline on terms (first of its sections) and the charts page's agreements.
        add_section(HOME, Section(template="contracts/sections/home_terms.html",
                                  context=lambda record: {"headlines": headlines.term_headlines()}, order=5))
        add_section(CHARTS, Section(template="contracts/sections/charts_agreements.html",
                                    context=lambda record: charts.agreements_by_month(), order=10))
