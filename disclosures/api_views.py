"""API resources: designations, testing disclosures, events."""

from disclosures import api_serializers, filters
from registry.api_docs import document_resource
from registry.api_views import RecordViewSet


@document_resource("designations")
class DesignationViewSet(RecordViewSet):
    record_type = "designation"
    serializer_class = api_serializers.DesignationSerializer
    filterset_class = filters.DesignationFilterSet


@document_resource("testing disclosures")
class TestingDisclosureViewSet(RecordViewSet):
    record_type = "testing-disclosure"
    serializer_class = api_serializers.TestingDisclosureSerializer
    filterset_class = filters.TestingDisclosureFilterSet


@document_resource("events")
class EventViewSet(RecordViewSet):
    record_type = "event"
    serializer_class = api_serializers.EventSerializer
    filterset_class = filters.EventFilterSet
