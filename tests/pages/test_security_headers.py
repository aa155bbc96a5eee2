"""Security headers: the Content-Security-Policy on every kind of page (no inline script without the nonce),
HSTS from the environment, `check --deploy` clean with the production settings the README documents."""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from tests.builders import in_one_change, make_agreement, make_vendor

ROOT = Path(__file__).resolve().parents[2]

# The production settings of README "Serving in production" (besides SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS).
PRODUCTION_ENV = {
    "SECURE_SSL_REDIRECT": "true",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def policy_of(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class Markup(HTMLParser):
    """Collects what a CSP decides about: <script> and <style> elements, on* handlers, style attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.style_elements, self.handlers, self.style_attributes, self.script_urls = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "style":
            self.style_elements.append(attributes)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style":
                self.style_attributes.append((tag, value))
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.script_urls.append((tag, value))


def markup_of(response):
    parser = Markup()
    parser.feed(response.content.decode())
    return parser


def same_origin(url):
    return url.startswith("/") and not url.startswith("//") or url.startswith("http://testserver/")


DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}  # never executed, so no CSP applies


def assert_scripts_allowed(response):
    """Every <script> either loads a same-origin file or carries the nonce the header names."""
    nonces = [source[len("'nonce-"):-1] for source in policy_of(response)["script-src"] if source.startswith("'nonce-")]
    for script in markup_of(response).scripts:
        if script.get("type") in DATA_BLOCK_TYPES:
            continue
        if script.get("src") is not None:
            assert same_origin(script["src"]), f"script from elsewhere: {script['src']}"
        else:
            assert script.get("nonce") and script["nonce"] in nonces, f"inline script without the nonce: {script}"


@pytest.fixture
@in_one_change
def pages(db):
    vendor = make_vendor(slug="acme", name="Acme AI")
    agreement = make_agreement(slug="acme-deal", title="Acme deal", vendors=[vendor])
    return {
        "home": "/",
        "list": "/agreements/",
        "record": "/agreements/acme-deal/",
        "vendor": "/vendors/acme/",
        "search": "/search/?q=acme",
        "about": "/about/",
        "about API": "/about/api/",
        "data": "/data/",  # its JSON-LD is a data block
        "not found": "/no/such/page/",
        "API JSON": "/api/v1/agreements/",
        "API record": f"/api/v1/agreements/{agreement.slug}/",
        "Swagger UI": "/api/v1/docs/",
        "ReDoc": "/api/v1/redoc/",
        "admin login": "/admin/login/",
    }


PAGE_KINDS = ["home", "list", "record", "vendor", "search", "about", "about API", "data", "not found", "API JSON",
              "API record", "Swagger UI", "ReDoc", "admin login"]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_it_sends_a_policy_without_inline_scripts_on_every_kind_of_page(client, pages, kind):
    response = client.get(pages[kind])

    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert all(source == "'self'" or source.startswith("'nonce-") for source in policy["script-src"])
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    if kind != "ReDoc":
        assert policy["style-src"] == ["'self'"]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_script_on_every_kind_of_page_is_a_same_origin_file_or_carries_the_nonce(client, pages, kind):
    response = client.get(pages[kind])
    markup = markup_of(response)

    assert_scripts_allowed(response)
    assert markup.handlers == []
    assert markup.script_urls == []
    assert markup.style_elements == []
    assert markup.style_attributes == []


def test_swagger_ui_starts_from_a_nonced_script_and_the_nonce_is_new_on_every_request(client, db):
    first, second = client.get("/api/v1/docs/"), client.get("/api/v1/docs/")

    inline = [script for script in markup_of(first).scripts if "src" not in script]
    assert len(inline) == 1
    assert f"'nonce-{inline[0]['nonce']}'" in policy_of(first)["script-src"]
    assert policy_of(first)["script-src"] != policy_of(second)["script-src"]
    assert "SwaggerUIBundle(" in first.content.decode()


def test_a_page_without_an_inline_script_names_no_nonce(client, db):
    assert policy_of(client.get("/"))["script-src"] == ["'self'"]


def test_only_redoc_may_use_inline_styles_and_a_blob_worker(client, db):
    redoc = policy_of(client.get("/api/v1/redoc/"))
    swagger = policy_of(client.get("/api/v1/docs/"))

    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    assert redoc["worker-src"] == ["'self'", "blob:"]
    assert redoc["script-src"] == ["'self'"]
    assert swagger["style-src"] == ["'self'"] and "worker-src" not in swagger


def test_the_api_docs_load_nothing_from_elsewhere(client, db):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url).content.decode()

        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), url


def test_swagger_ui_shows_no_badge_from_the_public_validator(client, db):
    assert '"validatorUrl": null' in client.get("/api/v1/docs/").content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/admin/contracts/agreement/", "/admin/contracts/agreement/add/",
                                  "change form"])
def test_the_admin_pages_an_editor_uses_run_under_the_policy(client, staff, path):
    if path == "change form":
        path = f"/admin/contracts/agreement/{make_agreement().pk}/change/"
    client.force_login(staff)
    response = client.get(path)

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert_scripts_allowed(response)
    assert markup_of(response).handlers == []


def test_the_500_page_has_no_inline_style():
    parser = Markup()
    parser.feed(render_to_string("500.html"))

    assert parser.style_elements == [] and parser.style_attributes == [] and parser.scripts == []
    assert (ROOT / "static" / "css" / "error.css").exists()


# --- HSTS and HTTPS -----------------------------------------------------------------------------------------------

def test_it_sends_no_hsts_by_default(client, db):
    from django.conf import settings

    assert settings.SECURE_HSTS_SECONDS == 0
    assert "Strict-Transport-Security" not in client.get("/", secure=True).headers


@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True)
def test_it_sends_hsts_on_https_responses_when_set(client, db):
    response = client.get("/", secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/").headers  # never over plain HTTP


@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=600, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_tls_proxy_hsts_follows_the_forwarded_protocol(client, db):
    response = client.get("/api/v1/agreements/", HTTP_X_FORWARDED_PROTO="https")

    assert response.headers["Strict-Transport-Security"] == "max-age=600"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_https_redirect_spares_the_health_checks(client, db):
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "SECRET_KEY"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="registry.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


PRODUCTION_SECRET = "k3Qv9-production-like-secret-for-the-deploy-check-Zx81_rT5wLmN0pYb2"


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=PRODUCTION_SECRET,
                        ALLOWED_HOSTS="registry.example.org", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_hsts():
    environment = {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=PRODUCTION_SECRET,
                        ALLOWED_HOSTS="registry.example.org", **environment)

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_the_readme_documents_the_production_settings_the_check_uses():
    readme = (ROOT / "README.md").read_text()
    production = readme.split("## Serving in production", 1)[1].split("\n## ", 1)[0]

    for name, value in PRODUCTION_ENV.items():
        assert f"{name}={value}" in production, name
        assert any(line.startswith("| ") and f"`{name}`" in line.split(" | ")[0] for line in readme.splitlines()), name


# --- in a real browser ---------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium (`make browser`) and sets REQUIRE_BROWSER=1, so there the test can never skip.
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_swagger_ui_and_redoc_render_in_chromium_without_a_csp_violation(live_server):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api
    violations = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.on("pageerror", lambda error: violations.append(f"error: {error}"))

            page.goto(f"{live_server.url}/api/v1/docs/")
            page.wait_for_selector(".opblock", timeout=30_000)
            assert page.locator(".opblock").count() > 10
            page.locator(".opblock-summary").first.click()
            page.wait_for_selector(".opblock-body", timeout=10_000)

            page.goto(f"{live_server.url}/api/v1/redoc/")
            page.wait_for_selector(".api-content", timeout=30_000)
            page.fill("input.search-input", "agreements")  # the search index runs in a blob: worker
            page.wait_for_selector("[data-role='search:results'] li[aria-label='List agreements']", timeout=10_000)
        finally:
            browser.close()

    # ReDoc's "API docs by Redocly" logo comes from its CDN: blocked on purpose (nothing loads from elsewhere).
    unexpected = [text for text in violations if "cdn.redoc.ly" not in text]
    assert unexpected == []
