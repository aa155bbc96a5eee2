"""In a browser, as a journalist would: open an agreement, open one of its revisions and what changed in it,
and use the as-of picker to see the agreement as the registry stated it on a past day."""

import datetime
import os
import shutil

import pytest

from tests.pages.history_data import backdated_deal, edited_deal

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_a_reader_opens_a_revision_its_diff_and_the_record_as_of_a_past_day(live_server):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    edited = edited_deal()
    backdated = backdated_deal(datetime.date(2026, 3, 1))
    # The data is written before Playwright starts: its event loop makes the ORM refuse synchronous calls.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}{edited.base}/")
            page.get_by_role("link", name="Revision 2", exact=True).click()
            sync_api.expect(page.get_by_role("note")).to_contain_text("(revision 2 of 3)")
            assert page.url.endswith(f"/revisions/{edited.ids[1]}/")

            page.get_by_role("link", name="What changed in this revision").click()
            amounts = page.locator('tbody[data-field="amounts"]')
            sync_api.expect(amounts.locator("del")).to_contain_text("$642,000,000")
            sync_api.expect(amounts.locator("ins")).to_contain_text("$700,000,000")
            sync_api.expect(page.locator('tbody[data-field="citations"] ins q')).to_have_text(
                "a corrected quote about the deal")

            page.goto(f"{live_server.url}{backdated.base}/")
            page.get_by_label("This record as the registry stated it on").fill("2026-03-15")
            page.get_by_role("button", name="Show").click()
            assert page.url.endswith(f"/revisions/{backdated.ids[0]}/")
            sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Maven Smart System")
            sync_api.expect(page.get_by_role("note")).to_contain_text("1 March 2026 (revision 1 of 2)")
        finally:
            browser.close()
