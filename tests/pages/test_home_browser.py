"""In a real browser, with the keyboard only: the home page's skip link comes first and moves focus to the main
content, and every element Tab reaches shows a visible focus indicator; the chart pages draw SVG images, each
with its table."""

import datetime
import os
import shutil
from decimal import Decimal

import pytest

from tests.builders import make_agreement, make_designation, make_term, make_testing_disclosure, make_vendor

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
# Enough for every link of the home page and the header, without looping for ever if focus gets stuck.
MAX_TABS = 200

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 60),
          id: el.id, visible: outline || shadow, inMain: !!el.closest('main'), isBody: el === document.body};
}"""


def a_small_world():
    vendor = make_vendor(name="Acme AI", slug="acme-ai")
    deal = make_agreement(title="Acme frontier AI", vendors=[vendor], announced_on=datetime.date(2025, 7, 14),
                          announced_on_precision="day", ceiling_amount=Decimal("200000000"))
    make_term(agreement=deal, category="domestic_surveillance", effect="prohibits")
    make_agreement(title="Older deal", announced_on=datetime.date(2024, 1, 1), announced_on_precision="month")
    make_designation(vendor=vendor, status="in_effect", effective_on=datetime.date(2026, 1, 2),
                     effective_on_precision="day", announced_on=datetime.date(2025, 12, 20), announced_on_precision="day")
    make_testing_disclosure(title="Red-teaming of Acme-1", tested_from=datetime.date(2024, 1, 29),
                            tested_from_precision="day", disclosed_on=datetime.date(2024, 3, 1),
                            disclosed_on_precision="day")
    make_testing_disclosure(title="Quiet pilot", tested_from=datetime.date(2025, 11, 1), tested_from_precision="month")
    return vendor


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_the_home_page_works_with_the_keyboard_alone_and_shows_where_focus_is(live_server):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    a_small_world()  # before Playwright starts: its event loop makes the ORM refuse synchronous calls
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{live_server.url}/")

            page.keyboard.press("Tab")
            first = page.evaluate(FOCUS_STYLE)
            assert (first["tag"], first["text"]) == ("A", "Skip to content")
            assert first["visible"], first
            assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown on screen once focused

            # Following the skip link moves the focus starting point to <main> (the browser's sequential focus
            # navigation starting point: <main> itself is not a tab stop), so the next Tab lands in the content,
            # past the header's navigation and search.
            page.keyboard.press("Enter")
            assert page.evaluate("location.hash") == "#main"
            page.keyboard.press("Tab")
            after_skip = page.evaluate(FOCUS_STYLE)
            assert after_skip["inMain"], after_skip
            assert after_skip["text"] == page.locator("main a, main button, main summary").first.text_content().strip()

            page.goto(f"{live_server.url}/")
            seen, hidden = [], []
            for _ in range(MAX_TABS):
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUS_STYLE)
                if focused["isBody"] or (seen and focused == seen[0]):
                    break  # past the last element: focus left the page or came back round
                seen.append(focused)
                if not focused["visible"]:
                    hidden.append(focused)
            texts = [f["text"] for f in seen]
            assert len(seen) > 20 and "Skip to content" in texts[0]
            assert any(text.startswith("1 of 2 agreements") for text in texts)  # the headline's link is reached
            assert hidden == []
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                    reason="no Chromium on this machine (make browser, or apt-get install chromium)")
def test_the_chart_pages_draw_svg_images_each_with_its_table(live_server):
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    vendor = a_small_world()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for path, charts in (("/charts/", 4), (f"/vendors/{vendor.slug}/", 1)):
                page.goto(f"{live_server.url}{path}")
                figures = page.locator("figure.chart")
                assert figures.count() == charts, path
                for n in range(charts):
                    svg = figures.nth(n).locator("svg[role=img]")
                    box = svg.bounding_box()
                    assert box["width"] > 300 and box["height"] > 100, (path, box)  # drawn, not collapsed
                    name = page.evaluate("(svg) => document.getElementById(svg.getAttribute('aria-labelledby'))"
                                         ".textContent", svg.element_handle())
                    assert name, path
                    table = page.locator(f"#{figures.nth(n).get_attribute('id')}-table")
                    assert table.locator("tbody tr").count() >= 1, path
            # A long table (19 months) is folded; the keyboard opens it.
            page.goto(f"{live_server.url}/charts/")
            summary = page.locator("details.chart-data > summary").first
            assert not summary.evaluate("(el) => el.parentElement.open")
            summary.focus()
            page.keyboard.press("Enter")
            assert summary.evaluate("(el) => el.parentElement.open")
        finally:
            browser.close()
