"""In the browser: tick two agreements on the agreements list, press "Compare selected", and read both titles
and a term row on the comparison page."""

import os
import shutil

import pytest

from contracts.models import PublicTerm
from tests.builders import make_agreement, make_term

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_a_reader_ticks_two_agreements_on_the_list_and_compares_them(live_server):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright import sync_api

    first = make_agreement(title="Enterprise AI agreement")
    second = make_agreement(title="Frontier AI prototype")
    make_agreement(title="An agreement left out")
    make_term(agreement=first, category=PublicTerm.Category.DOMESTIC_SURVEILLANCE, effect="prohibits",
              title="No domestic surveillance")
    make_term(agreement=second, category=PublicTerm.Category.DOMESTIC_SURVEILLANCE, effect="restricts",
              status="requested_and_refused", title="Exception asked for")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/agreements/")
            page.get_by_label("Compare “Enterprise AI agreement”").check()
            page.get_by_label("Compare “Frontier AI prototype”").check()
            page.get_by_role("button", name="Compare selected").first.click()
            page.wait_for_url("**/agreements/compare/**")

            titles = page.locator("table.compare thead th").all_inner_texts()
            surveillance = page.locator("table.compare tr", has=page.locator("th", has_text="Domestic surveillance"))
            cells = surveillance.locator("td").all_inner_texts()
        finally:
            browser.close()

    # the columns come in the list's order (newest first), as ticked
    by_title = dict(zip(titles, cells, strict=True))
    assert sorted(by_title) == ["Enterprise AI agreement", "Frontier AI prototype"]
    assert by_title["Enterprise AI agreement"].startswith("Prohibits")
    assert by_title["Frontier AI prototype"].startswith("none known")
    assert "requested, refused" in by_title["Frontier AI prototype"]
