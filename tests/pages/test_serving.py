"""Serving: settings refuse unsafe starts, health checks, the home page, Markdown sanitising."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

from registry.markdown import render_markdown
from tests.builders import make_agreement
from tests.queries import two_world_sizes

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="registry.settings")
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start_django(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_with_a_secret_key_and_debug_off():
    assert start_django(DEBUG="false", SECRET_KEY="a-real-secret").returncode == 0


def test_it_starts_without_a_key_in_local_debug_mode():
    assert start_django(DEBUG="true").returncode == 0


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_503_with_a_reason_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "connection refused" in response.json()["reason"]


@pytest.mark.django_db
def test_the_home_page_says_what_the_registry_is_and_counts_public_records(client):
    make_agreement(title="Visible deal")
    make_agreement(title="Draft deal", published=False)

    page = client.get("/").content.decode()

    assert "AI Defense Agreements Registry" in page
    assert "classified addenda" in page
    assert '<a href="/agreements/">Agreements</a></th><td class="number">1</td>' in page
    assert 'href="/search/"' in page and 'href="/about/api/"' in page and 'href="/data/"' in page


def test_markdown_is_sanitised():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)")

    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html


@pytest.mark.django_db
def test_the_home_page_shows_designations_in_effect_latest_testing_and_public_changes_only(client):
    from tests.builders import make_designation, make_testing_disclosure

    make_designation(title="Supply-chain risk of Acme", status="in_effect", effective_on="2026-01-02",
                     effective_on_precision="day")
    make_designation(title="Enjoined one", status="enjoined", effective_on="2026-01-02", effective_on_precision="day")
    make_testing_disclosure(title="Red-teaming of Acme-1")
    make_agreement(slug="quiet-draft", published=False)

    page = client.get("/").content.decode()

    assert "Supply-chain risk of Acme" in page
    assert "Red-teaming of Acme-1" in page
    assert "quiet-draft" not in page


@pytest.mark.django_db
@two_world_sizes
def test_the_home_page_runs_the_same_queries_for_any_number_of_records(client, django_assert_num_queries, rows):
    from registry.services import apply_change
    from tests.builders import make_designation, make_testing_disclosure

    for _ in range(rows):
        designation = make_designation(status="in_effect", effective_on="2026-01-02", effective_on_precision="day")
        make_testing_disclosure()
        designation.title = f"{designation.title}, retitled"
        apply_change(designation, reason="retitled")  # a change set of one record: named on its line
    client.get("/")
    # the 9 counts, as of the latest public change (its id; the responses cache is in memory) · latest public
    # change sets (folded) · the changes of the one-record sets · their records, one query per type among them
    # (here: designation) · newest source · days sources were checked · designations in effect (with their newest
    # source dates) · latest testing disclosures · latest change (footer) · the terms headline, as of the latest
    # change (its id) · designations by status · how many vendors they designate
    with django_assert_num_queries(12):
        client.get("/")


@pytest.mark.django_db
def test_the_home_page_folds_a_change_set_into_one_line_and_names_a_lone_record(client):
    from registry.services import apply_change, change_set
    from tests.builders import builder_user, make_source
    from tests.reading import main, words

    with change_set(user=builder_user(), reason="a batch of sources"):
        for _ in range(3):
            make_source()
    deal = make_agreement(title="Lone deal")
    deal.title = "Lone deal, renamed"
    apply_change(deal, user=builder_user(), reason="renamed")

    page = words(main(client.get("/").content.decode()))

    assert "3 records loaded: a batch of sources" in page
    assert page.count("a batch of sources") == 1
    assert "Lone deal, renamed agreement updated: renamed" in page
