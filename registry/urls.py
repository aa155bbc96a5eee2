from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from registry import feeds, views
from registry.sitemaps import sitemaps

admin.site.site_header = "AI Defense Agreements Registry — editors"
admin.site.site_title = "Registry editors"
admin.site.index_title = "Records, sources and the change log"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/csv/", views.SourceCsv.as_view(), name="source-csv"),
    path("sources/feed/", feeds.ListFeed(views.SourceList), name="source-feed"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source-detail"),
    path("", include("contracts.urls")),
    path("", include("disclosures.urls")),
    path("search/", views.SearchView.as_view(), name="search"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("about/data/", views.AboutDataView.as_view(), name="about-data"),
    path("about/api/", views.AboutApiView.as_view(), name="about-api"),
    path("changes/feed/", feeds.ChangeFeed(), name="change-feed"),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": sitemaps()}, name="sitemap"),
    re_path(r"^api/(?P<version>v1)/", include("registry.api_urls", namespace="api")),
    path("admin/", admin.site.urls),
]
