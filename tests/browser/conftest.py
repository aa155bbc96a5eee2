"""What the browser tests share: Debian's Chromium through Playwright, a logged-in cookie, and axe-core.

Browser tests skip only where no Chromium is installed and CI has not asked for it (REQUIRE_BROWSER=1,
set by .ci/run after `make browser`): in CI they always run."""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The tags the issue names: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not BROWSER_REQUIRED,
    reason="no Chromium on this machine (make browser, or apt-get install chromium)")


@pytest.fixture
def chromium():
    """A headless Chromium, closed after the test. Playwright runs an event loop in this thread, so the
    ORM is told that synchronous calls are fine here (the live server answers from its own thread)."""
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def session_cookie(user, live_server):
    """A session cookie for ``user`` on the live server, made before the browser starts."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def axe_violations(page):
    """axe-core's violations on the page (WCAG 2.x A and AA), each as 'rule: target — summary'. The context
    must be made with bypass_csp=True: the site's Content-Security-Policy forbids injected scripts."""
    assert AXE.exists(), f"{AXE} is missing: run make browser (it installs axe-core with npm)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']}: {node['target']} — {node['failureSummary'].splitlines()[-1].strip()}"
            for v in result["violations"] for node in v["nodes"]]
