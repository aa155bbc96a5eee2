"""The sitemap lists public records only; missing pages get the friendly 404, errors the plain 500."""

import pytest
from django.template.loader import render_to_string

from registry.interchange import record_types
from tests.builders import (
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
    one_change,
)
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode()


def test_the_sitemap_lists_public_records_and_not_drafts_or_retracted_ones(client):
    public = make_agreement(slug="public-deal")
    draft = make_agreement(slug="draft-deal", published=False)
    retracted = make_agreement(slug="retracted-deal", retracted=True)
    term_of_retracted = make_term(slug="orphan-term", agreement=retracted)

    xml = sitemap(client)

    assert f"<loc>http://testserver{public.get_absolute_url()}</loc>" in xml
    assert draft.get_absolute_url() not in xml
    assert retracted.get_absolute_url() not in xml
    assert term_of_retracted.get_absolute_url() not in xml


def test_the_sitemap_covers_every_record_type_and_the_list_pages(client):
    make_designation(vendor=make_vendor(slug="sitemap-vendor"))
    make_source(slug="sitemap-source")

    xml = sitemap(client)

    assert "<loc>http://testserver/vendors/sitemap-vendor/</loc>" in xml
    assert "<loc>http://testserver/sources/sitemap-source/</loc>" in xml
    assert "<loc>http://testserver/designations/designation-" in xml
    for record_type in record_types():
        assert f"<loc>http://testserver/{record_type.path}/</loc>" in xml
    assert "<loc>http://testserver/about/</loc>" in xml
    assert "<lastmod>" in xml


@two_world_sizes
def test_the_sitemap_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows):
    with one_change():
        for _ in range(rows):  # every type has rows: agreement, agency, source, vendor, term, marker, …
            deal = make_agreement(vendors=[make_vendor()])
            make_term(agreement=deal)
            make_marker(agreement=deal)
            make_designation(vendor=make_vendor())
            make_testing_disclosure()
            make_event()
    # for each record type: its count (for the paginator) and its page of records · latest change (the
    # template context processor, which runs for the sitemap's template too)
    with django_assert_num_queries(2 * len(record_types()) + 1):
        client.get("/sitemap.xml")


def test_a_missing_record_gets_the_friendly_404_page(client):
    response = client.get("/agreements/no-such-agreement/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in page
    assert 'href="/search/"' in page
    assert '<nav aria-label="Main">' in page  # the site's own layout


def test_an_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_the_500_page_needs_no_database_and_no_request(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")

    assert '<html lang="en">' in page
    assert "Something went wrong on our side" in page
    assert "{%" not in page and "{{" not in page


def test_a_server_error_shows_the_plain_500_page(client, monkeypatch):
    from registry.views import about

    def broken(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(about.AboutView, "get_context_data", broken)
    client.raise_request_exception = False

    response = client.get("/about/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
