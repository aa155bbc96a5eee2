"""Sitemaps: one per public record type (``.public()`` only: no drafts, nothing retracted), and one
for the fixed pages (home, lists, search help, about)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from registry.interchange import record_types


class RecordSitemap(Sitemap):
    changefreq = "weekly"

    def __init__(self, record_type):
        self.record_type = record_type

    def items(self):
        return self.record_type.model.objects.public().only("slug", "updated_at").order_by("id")

    def lastmod(self, record):
        return record.updated_at


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "about", "data", "about-api", *(f"{t.name}-list" for t in record_types())]

    def location(self, name):
        return reverse(name)


def sitemaps():
    """{section: Sitemap} for django.contrib.sitemaps.views.sitemap, read when the URLconf loads."""
    return {"pages": PageSitemap(), **{t.path: RecordSitemap(t) for t in record_types()}}
