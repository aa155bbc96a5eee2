"""/api/v1/: one router, kebab-case plural paths, URL path versioning."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from contracts.api_views import (
    AgencyViewSet,
    AgreementViewSet,
    ClassifiedAddendumMarkerViewSet,
    PublicTermViewSet,
    VendorViewSet,
    ocds_extension_file,
)
from disclosures.api_views import DesignationViewSet, EventViewSet, TestingDisclosureViewSet
from registry.api_doc_pages import RedocView, SchemaView, SwaggerView
from registry.api_views import ApiRoot, ChangeFeed, SourceViewSet, api_not_found
from registry.interchange import by_name
from submissions.api_views import SubmissionDetail, SubmissionList

app_name = "api"

router = SimpleRouter(trailing_slash=True)
for viewset in (AgreementViewSet, PublicTermViewSet, ClassifiedAddendumMarkerViewSet, AgencyViewSet, VendorViewSet,
                DesignationViewSet, TestingDisclosureViewSet, EventViewSet, SourceViewSet):
    router.register(by_name(viewset.record_type).path, viewset, basename=viewset.record_type)

urlpatterns = [
    path("", ApiRoot.as_view(), name="root"),
    path("changes/", ChangeFeed.as_view(), name="changes"),
    path("submissions/", SubmissionList.as_view(), name="submission-list"),
    path("submissions/<int:pk>/", SubmissionDetail.as_view(), name="submission-detail"),
    path("ocds/extension/<str:name>", ocds_extension_file, name="ocds-extension"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
    re_path(r"^.*$", api_not_found),
]

