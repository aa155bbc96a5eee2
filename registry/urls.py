from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from registry import feeds
from registry.sitemaps import sitemaps
from registry.views import about, charts, corrections, data, feed_preview, health, home, search, sources, timeline
from submissions import about_views as submissions_about

admin.site.site_header = "AI Defense Agreements Registry — editors"
admin.site.site_title = "Registry editors"
admin.site.index_title = "Records, sources and the change log"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sources/", sources.SourceList.as_view(), name="source-list"),
    path("sources/csv/", sources.SourceCsv.as_view(), name="source-csv"),
    path("sources/feed/", feeds.ListFeed(sources.SourceList), name="source-feed"),
    path("sources/<slug:slug>/", sources.SourceDetail.as_view(), name="source-detail"),
    path("", include("contracts.urls")),
    path("", include("disclosures.urls")),
    path("search/", search.SearchView.as_view(), name="search"),
    path("charts/", charts.ChartsView.as_view(), name="charts"),
    path("data/", data.DataView.as_view(), name="data"),  # bulk snapshots (issue 12)
    path("data/latest/<str:name>", data.latest_file, name="data-latest"),
    path("data/snapshots/<str:snapshot>/<str:name>", data.snapshot_file, name="data-snapshot-file"),
    path("about/", about.AboutView.as_view(), name="about"),
    path("about/data/", RedirectView.as_view(url="/data/", permanent=True), name="about-data"),
    path("about/api/", about.AboutApiView.as_view(), name="about-api"),
    path("about/submissions/", submissions_about.AboutSubmissionsView.as_view(), name="about-submissions"),
    path("changes/feed/", feeds.ChangeFeed(), name="change-feed"),
    path("", include("registry.history_urls")),  # revisions, history, diffs and /changes/ (issue 11)
    # The readable page beside every Atom feed: <any feed's path>preview/ (issue 11).
    re_path(r"^(?P<feed_path>(?:[-\w]+/)*feed)/preview/$", feed_preview.feed_preview, name="feed-preview"),
    path("", include("submissions.urls")),
    path("moderation/", include("submissions.moderation_urls")),
    path("account/", include("accounts.urls")),
    path("corrections/", corrections.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.NoticeFeed(), name="corrections-feed"),
    path("timeline/", timeline.TimelineView.as_view(), name="timeline"),
    path("timeline/feed/", timeline.TimelineFeed(), name="timeline-feed"),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": sitemaps()}, name="sitemap"),
    re_path(r"^api/(?P<version>v1)/", include("registry.api_urls", namespace="api")),
    path("admin/", admin.site.urls),
]

# A database that does not answer is a 503 with Retry-After (JSON under /api/); anything else a 500.
handler500 = "registry.views.errors.server_error"
