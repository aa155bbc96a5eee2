"""API resources: agreements, terms, addendum markers, agencies, vendors."""

from contracts import api_serializers, filters
from registry.api_docs import document_resource
from registry.api_views import RecordViewSet


@document_resource("agreements")
class AgreementViewSet(RecordViewSet):
    record_type = "agreement"
    serializer_class = api_serializers.AgreementSerializer
    filterset_class = filters.AgreementFilterSet


@document_resource("public terms")
class PublicTermViewSet(RecordViewSet):
    record_type = "term"
    serializer_class = api_serializers.PublicTermSerializer
    filterset_class = filters.PublicTermFilterSet


@document_resource("classified-addendum markers")
class ClassifiedAddendumMarkerViewSet(RecordViewSet):
    record_type = "addendum-marker"
    serializer_class = api_serializers.ClassifiedAddendumMarkerSerializer
    filterset_class = filters.ClassifiedAddendumMarkerFilterSet


@document_resource("agencies")
class AgencyViewSet(RecordViewSet):
    record_type = "agency"
    serializer_class = api_serializers.AgencySerializer
    filterset_class = filters.AgencyFilterSet


@document_resource("vendors")
class VendorViewSet(RecordViewSet):
    record_type = "vendor"
    serializer_class = api_serializers.VendorSerializer
    filterset_class = filters.VendorFilterSet
