"""Script payloads in every text field of a submission never run: not on the submitter's page, the
moderation pages, the published record's page, the corrections page, nor in the feeds.

The Content-Security-Policy would block an inline script anyway, so the checks do not rest on it: they
look for live markup in the DOM (a <script> holding the payload, an element with an on* handler, a
javascript: link), which only a failure of escaping or sanitising could create."""

import os
import shutil

import pytest
from django.test import Client

from registry.models import Submission
from submissions import services
from tests.builders import make_agency, make_agreement, make_vendor

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"

SCRIPT = "<script>window.__xss = 1</script>"
IMAGE = '<img src="x" onerror="window.__xss = 2">'
MARKDOWN_LINK = "[click](javascript:window.__xss=3)"
PAYLOAD = f"{SCRIPT}{IMAGE}{MARKDOWN_LINK}<svg onload=\"window.__xss=4\"></svg>"

LIVE_MARKUP = """() => {
  const scripts = [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__xss'));
  const handlers = [...document.querySelectorAll('*')].filter(
      el => [...el.attributes].some(a => a.name.startsWith('on')));
  const links = [...document.querySelectorAll('a[href]')].filter(
      a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:'));
  return {scripts: scripts.length, handlers: handlers.length, links: links.length, flag: window.__xss || null};
}"""


def hostile_agreement_submission(alice, org_a):
    agency, vendor = make_agency(), make_vendor()
    source = {"url": "https://news.example.org/xss?q=<script>", "title": f"Title {PAYLOAD}",
              "publisher": f"Publisher {PAYLOAD}", "published": "2026-11-02", "quote": f"Quote {PAYLOAD}",
              "locator": f"p. {PAYLOAD}"[:200], "claims": ["title"]}
    return services.submit(
        user=alice, kind="create", record_type="agreement", organization=org_a,
        payload={"title": f"Deal {PAYLOAD}", "summary": f"Summary {PAYLOAD}",
                 "vehicle_note": f"Vehicle {PAYLOAD}", "status_note": f"Status {PAYLOAD}",
                 "value_note": f"Value {PAYLOAD}", "piid": "W519TC-26-X-0001", "awarding_agency": agency.slug,
                 "parties": [{"vendor": vendor.slug, "role": "prime"}], "status": "announced"},
        sources=[source], rationale=f"Rationale {PAYLOAD}")


def session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_script_payloads_never_run_on_any_page_that_shows_submitted_text(live_server, alice, org_a, mod):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    pending = hostile_agreement_submission(alice, org_a)
    approved = hostile_agreement_submission(alice, org_a)
    services.approve(approved, moderator=mod, message=f"Approved {PAYLOAD}", confidence="medium")
    record = Submission.objects.get(pk=approved.pk)
    corrected = make_agreement(title="A deal to correct")
    correction = services.submit(user=alice, kind="correction", record_type="agreement",
                                 target_slug=corrected.slug, payload={"status_note": f"Note {PAYLOAD}"},
                                 sources=[{"url": "https://news.example.org/c", "title": f"C {PAYLOAD}",
                                           "publisher": "P", "published": "2026-11", "quote": f"Q {PAYLOAD}",
                                           "claims": ["status"]}],
                                 rationale=f"Why {PAYLOAD}")
    services.approve(correction, moderator=mod, message="ok", notice_text=f"Notice {PAYLOAD}")
    rejected = hostile_agreement_submission(alice, org_a)
    services.reject(rejected, moderator=mod, code="other", message=f"Rejected {PAYLOAD}")

    pages = {
        alice: [f"/submissions/{pending.pk}/", f"/submissions/{record.pk}/", f"/submissions/{rejected.pk}/",
                "/submissions/", "/account/"],
        mod: ["/moderation/", f"/moderation/{pending.pk}/", f"/moderation/{record.pk}/"],
        None: [f"/agreements/{record.published_slug}/", f"/agreements/{corrected.slug}/", "/corrections/",
               "/agreements/", "/sources/", f"/search/?q={PAYLOAD}", "/"],
    }
    # Sessions are made before Playwright starts: its event loop makes the ORM refuse synchronous calls.
    cookies = {user: session_cookie(user, live_server) for user in pages if user is not None}
    problems = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for user, paths in pages.items():
                context = browser.new_context()
                if user is not None:
                    context.add_cookies([cookies[user]])
                page = context.new_page()
                page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
                for path in paths:
                    response = page.goto(f"{live_server.url}{path}")
                    assert response.status == 200, (path, response.status)
                    found = page.evaluate(LIVE_MARKUP)
                    if any(found.values()):
                        problems.append((path, found))
                context.close()
            # Feeds are XML: the payload must arrive as escaped text, never as markup.
            context = browser.new_context()
            for path in ("/changes/feed/", "/corrections/feed/", "/agreements/feed/"):
                body = context.request.get(f"{live_server.url}{path}").text()
                assert not any(tag in body for tag in ("<script", "<img", "<svg")), path
            context.close()
        finally:
            browser.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_script_payloads_typed_into_every_field_of_a_form_stay_text(live_server, alice, org_a):
    """In the browser, through the form itself: the payload in every text field, first as an invalid
    submission (the form comes back with the payload in its fields and errors), then as a valid one."""
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    cookie = session_cookie(alice, live_server)
    problems = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context()
            context.add_cookies([cookie])
            page = context.new_page()
            page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            page.goto(f"{live_server.url}/submit/vendors/")
            for field in page.locator("main input[type=text], main input:not([type]), main input[type=url], "
                                      "main textarea").all():
                field.fill(f"x {PAYLOAD}")
            page.locator("button[value=preview]").click()
            assert page.locator(".errorlist, .errors").count() > 0  # dates, addresses and names refused
            problems += [("invalid form", page.evaluate(LIVE_MARKUP))]

            # A valid one: the payload where text is free; addresses and dates as they must be.
            page.fill("input[name=sources-0-url]", "https://news.example.org/x")
            page.fill("input[name=sources-0-published]", "2026-11-02")
            for field in page.locator("input[name^='sources-1-'], textarea[name^='sources-1-'], "
                                      "input[name^='sources-2-'], textarea[name^='sources-2-']").all():
                if field.get_attribute("type") not in ("hidden", "checkbox"):
                    field.fill("")  # one source is enough
            for name in ("website", "country", "uei", "cage_code"):
                if page.locator(f"[name={name}]").count():
                    page.fill(f"[name={name}]", "")
            page.select_option("select[name=sources-0-claims]", ["name"])
            page.locator("button[value=preview]").click()
            assert page.locator("button[value=send]").count(), page.locator(".errorlist, .errors").all_inner_texts()
            problems += [("preview", page.evaluate(LIVE_MARKUP))]
            page.locator("button[value=send]").click()
            assert "/submissions/" in page.url, page.content()[:2000]
            problems += [("submission page", page.evaluate(LIVE_MARKUP))]
        finally:
            browser.close()
    live = [(where, found) for where, found in problems if isinstance(found, dict) and any(found.values())]
    assert live == [] and not [p for p in problems if isinstance(p, str)]
    submission = Submission.objects.get()
    assert submission.payload["name"].startswith("x <script>")  # stored as typed, escaped when shown
