"""The about pages: the methodology lists every vocabulary value from the models themselves; the data
and API pages say honestly what exists today."""

import html

import pytest
from django.apps import apps

from registry.interchange import record_types
from registry.models import HistoricalLink
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db


def choice_fields_of_every_public_model():
    """(model, field) for every field with choices of every record type and of every through-model."""
    models = [t.model for t in record_types()]
    models += [m for m in apps.get_models() if issubclass(m, HistoricalLink) and m._meta.app_label in
               {"registry", "contracts", "disclosures"}]
    return [(model, field) for model in models for field in model._meta.concrete_fields if field.choices]


def test_the_methodology_page_lists_every_vocabulary_value_and_label_of_every_model(client):
    page = html.unescape(client.get("/about/").content.decode())
    fields = choice_fields_of_every_public_model()

    assert len(fields) > 20  # the check below really ran over the vocabularies
    for model, field in fields:
        for value, label in field.choices:
            if value == "":
                continue
            assert f"<code>{value}</code>" in page, f"{model.__name__}.{field.name} = {value}"
            assert f"<td>{label}</td>" in page, f"{model.__name__}.{field.name} = {value} ({label})"


def test_it_lists_the_roles_of_parties_and_event_links(client):
    page = client.get("/about/").content.decode()

    assert "Agreement party: role <code>role</code>" in page
    assert "<code>cloud_provider</code></th><td>Cloud provider</td>" in page
    assert "<code>subject</code></th><td>Concerned</td><td>The event concerns the linked record.</td>" in page


def test_every_written_meaning_belongs_to_a_real_value_of_its_own_record_type():
    real = {(model, field.name, value)
            for model, field in choice_fields_of_every_public_model() for value, _ in field.choices}
    written = set()
    for record_type in record_types():
        own_models = {record_type.model, *(m for m in apps.get_models() if issubclass(m, HistoricalLink)
                                           and getattr(m, "change_parent_field", None)
                                           and m._meta.get_field(m.change_parent_field).related_model
                                           is record_type.model)}
        for model, fields in record_type.meanings.items():
            assert model in own_models, (record_type.name, model)
            written |= {(model, field, value) for field, values in fields.items() for value in values}

    assert len(written) > 30  # the meanings each app registers were really read
    assert written <= real, written - real


def test_it_explains_confidence_dates_undisclosed_lag_and_what_it_never_holds(client):
    page = client.get("/about/").content.decode()

    for anchor in ("never", "confidence", "partial-dates", "undisclosed", "disclosure-lag", "retractions",
                   "vocabulary", "cite", "licenses", "contribute"):
        assert f'id="{anchor}"' in page, anchor
    assert "primary source read, or 2+ independent reputable outlets agree" in page
    assert "July 2025" in page and "<code>2025-07</code>" in page
    assert "<strong>never zero</strong>" in page
    assert "105 to 135 days" in page and "not disclosed so far" in page
    assert "No classified content." in page and "Nothing unsourced." in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in page
    assert 'href="https://www.apache.org/licenses/LICENSE-2.0">Apache-2.0</a>' in page
    assert 'href="/account/signup/"' in page and 'href="/submit/agreements/"' in page
    assert 'href="/corrections/"' in page


def test_the_citation_example_uses_a_real_record_permalink(client):
    deal = make_agreement(slug="example-deal", title="Example deal")

    page = client.get("/about/").content.decode()

    assert f"“{deal.title}”" in page
    assert f"http://testserver{deal.get_absolute_url()}" in page


def test_the_about_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_agreement()
    # latest change (footer) · the example agreement · newest source · days sources were checked
    with django_assert_num_queries(4):
        client.get("/about/")


def test_the_api_page_explains_filtering_paging_syncing_as_of_limits_and_the_license(client, settings):
    settings.API_RATES = {"anonymous": "60/min", "standard": "600/min", "partner": "3000/min", "failed_token": "10/min"}
    page = client.get("/about/api/").content.decode()

    for anchor in ("filters", "paging", "sync", "as-of", "limits", "license"):
        assert f'id="{anchor}"' in page
    assert "curl &#x27;http://testserver/api/v1/agreements/?agency=dod" in page or \
        "curl 'http://testserver/api/v1/agreements/?agency=dod" in page
    assert "60/min" in page and "Retry-After" in page
    assert 'href="/api/v1/schema/"' in page and 'href="/data/"' in page
    for path in ("agreements", "terms", "addendum-markers", "testing-disclosures", "sources"):
        assert f'href="/api/v1/{path}/"' in page
