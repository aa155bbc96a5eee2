from django.urls import path

from contracts import feeds as contract_feeds
from contracts import views
from registry import feeds

urlpatterns = [
    path("agreements/", views.AgreementList.as_view(), name="agreement-list"),
    path("agreements/csv/", views.AgreementCsv.as_view(), name="agreement-csv"),
    path("agreements/feed/", feeds.ListFeed(views.AgreementList), name="agreement-feed"),
    path("agreements/new/feed/", contract_feeds.NewAgreementsFeed(), name="new-agreement-feed"),
    path("agreements/compare/", views.AgreementCompare.as_view(), name="agreement-compare"),
    path("agreements/<slug:slug>/", views.AgreementDetail.as_view(), name="agreement-detail"),
    path("terms/", views.PublicTermList.as_view(), name="term-list"),
    path("terms/csv/", views.PublicTermCsv.as_view(), name="term-csv"),
    path("terms/feed/", feeds.ListFeed(views.PublicTermList), name="term-feed"),
    path("terms/matrix/", views.TermMatrix.as_view(), name="term-matrix"),
    path("terms/matrix/csv/", views.TermMatrixCsv.as_view(), name="term-matrix-csv"),
    path("terms/<slug:slug>/", views.PublicTermDetail.as_view(), name="term-detail"),
    path("addendum-markers/", views.MarkerList.as_view(), name="addendum-marker-list"),
    path("addendum-markers/csv/", views.MarkerCsv.as_view(), name="addendum-marker-csv"),
    path("addendum-markers/feed/", feeds.ListFeed(views.MarkerList), name="addendum-marker-feed"),
    path("addendum-markers/<slug:slug>/", views.MarkerDetail.as_view(), name="addendum-marker-detail"),
    path("vendors/", views.VendorList.as_view(), name="vendor-list"),
    path("vendors/csv/", views.VendorCsv.as_view(), name="vendor-csv"),
    path("vendors/feed/", feeds.ListFeed(views.VendorList), name="vendor-feed"),
    path("vendors/<slug:slug>/", views.VendorDetail.as_view(), name="vendor-detail"),
    path("vendors/<slug:slug>/feed/", contract_feeds.VendorFeed(), name="vendor-detail-feed"),
    path("agencies/", views.AgencyList.as_view(), name="agency-list"),
    path("agencies/csv/", views.AgencyCsv.as_view(), name="agency-csv"),
    path("agencies/feed/", feeds.ListFeed(views.AgencyList), name="agency-feed"),
    path("agencies/<slug:slug>/", views.AgencyDetail.as_view(), name="agency-detail"),
    path("agencies/<slug:slug>/feed/", contract_feeds.AgencyFeed(), name="agency-detail-feed"),
]
