from django.urls import path

from disclosures import views
from registry import feeds

urlpatterns = [
    path("designations/", views.DesignationList.as_view(), name="designation-list"),
    path("designations/csv/", views.DesignationCsv.as_view(), name="designation-csv"),
    path("designations/feed/", feeds.ListFeed(views.DesignationList), name="designation-feed"),
    path("designations/<slug:slug>/", views.DesignationDetail.as_view(), name="designation-detail"),
    path("testing-disclosures/", views.TestingDisclosureList.as_view(), name="testing-disclosure-list"),
    path("testing-disclosures/csv/", views.TestingDisclosureCsv.as_view(), name="testing-disclosure-csv"),
    path("testing-disclosures/feed/", feeds.ListFeed(views.TestingDisclosureList), name="testing-disclosure-feed"),
    path("testing-disclosures/<slug:slug>/", views.TestingDisclosureDetail.as_view(),
         name="testing-disclosure-detail"),
    path("events/", views.EventList.as_view(), name="event-list"),
    path("events/csv/", views.EventCsv.as_view(), name="event-csv"),
    path("events/feed/", feeds.ListFeed(views.EventList), name="event-feed"),
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event-detail"),
]
