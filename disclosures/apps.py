from django import forms
from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = "Designations, testing disclosures and events"

    def ready(self):
        from contracts.filters import VendorFilterSet
        from contracts.ocds.milestones import register_milestones
        from disclosures import exports, filters, ocds, pages, timeline, vocabulary
        from disclosures.models import Designation, Event, TestingDisclosure
        from registry.filters import SlugChoiceFilter, TimelineFilterSet, add_filter
        from registry.interchange import register

        serializers = f"{self.name}.write_serializers"
        register(name="designation", plural="designations", label="Designations", model=Designation,
                 serializer_path=f"{serializers}.DesignationWriteSerializer", order=70, page_order=40, api_order=60,
                 csv=exports.DESIGNATION_COLUMNS, meanings=vocabulary.DESIGNATION_MEANINGS,
                 related_by=("vendor", "agency"))
        register(name="testing-disclosure", plural="testing_disclosures", label="Testing disclosures",
                 model=TestingDisclosure, serializer_path=f"{serializers}.TestingDisclosureWriteSerializer",
                 order=80, page_order=50, api_order=70, csv=exports.TESTING_DISCLOSURE_COLUMNS,
                 meanings=vocabulary.TESTING_DISCLOSURE_MEANINGS, related_by=("vendor", "agency"))
        register(name="event", plural="events", label="Events", model=Event,
                 serializer_path=f"{serializers}.EventWriteSerializer", order=90, page_order=60, api_order=80,
                 csv=exports.EVENT_COLUMNS, meanings=vocabulary.EVENT_MEANINGS, related_by=("vendor", "agency"))

        # What disclosures shows on contracts' pages, and the filter it adds to the vendors' list.
        pages.register_sections()
        add_filter(VendorFilterSet, "has_designation", filters.vendor_has_designation())

        # Testing under an agreement in the agreement's OCDS contract (contracts/ocds).
        register_milestones(ocds.testing_milestones, many=ocds.testing_milestones_of_many)

        # The dated facts of designations, testing and events on the timeline, and its designation filter.
        timeline.register()
        add_filter(TimelineFilterSet, "designation", SlugChoiceFilter(
            queryset=Designation.objects.public(), method=timeline.filter_designation, label="Designation",
            widget=forms.MultipleHiddenInput))
