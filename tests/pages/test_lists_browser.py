"""A journalist's way through a list, in headless Chromium: tick a facet and read the results and the summary;
open a result, follow a footnote to its source and back; keyboard only (the first Tab reaches the skip link,
which moves focus to the results; focus is visible); the same list with JavaScript off; a phone-width
viewport (stacked rows, no sideways page scroll) on a list and on the API guide, and a wide table at 1280 px."""

import os
import re
import shutil

import pytest

from tests.builders import make_agency, make_agreement, make_amount, make_party, make_vendor

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None and not BROWSER_REQUIRED,
                       reason="no Chromium on this machine (make browser, or apt-get install chromium)"),
]

ROW_TITLES = "() => [...document.querySelectorAll('table.records tbody th[scope=row] a')].map(a => a.textContent)"
FOCUS_RING = """() => { const el = document.activeElement; const style = getComputedStyle(el);
  return {id: el.id, text: el.textContent.trim().slice(0, 40), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth)}; }"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def agreements():
    """Three agreements of two vendors (data made before Playwright starts: its event loop makes the ORM
    refuse synchronous calls)."""
    anthropic, openai = make_vendor(slug="anthropic", name="Anthropic"), make_vendor(slug="openai", name="OpenAI")
    office = make_agency(slug="cdao", name="Chief Digital and Artificial Intelligence Office", acronym="CDAO")
    deal = make_agreement(title="Frontier AI prototypes (Anthropic)", vendors=[anthropic], awarding_agency=office,
                          status="active")
    make_agreement(title="Frontier AI prototypes (OpenAI)", vendors=[openai], awarding_agency=office, status="active")
    pilot = make_agreement(title="An older pilot with a very long title that a phone has to wrap somewhere sensible",
                           vendors=[openai, anthropic], awarding_agency=office, status="completed")
    # the widest cells the seed has: a typed amount with its kind, several vendors with long names
    make_amount(pilot, "reported_award_value", "5064551.00")
    for name in ("Google (Google Public Sector / Google Cloud; Alphabet)", "Microsoft (incl. Azure OpenAI Service)"):
        make_party(pilot, make_vendor(name=name), role="partner")
    return deal


@pytest.fixture
def chromium():
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but no Chromium: run make browser"
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def tick_anthropic_and_apply(page, url):
    page.goto(url)
    page.get_by_role("checkbox", name=re.compile(r"^Anthropic\b")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"vendor=anthropic"))
    return {"titles": page.evaluate(ROW_TITLES), "summary": page.locator("p.summary").inner_text(),
            "url": page.url}


def test_a_journalist_ticks_a_vendor_and_reads_the_results_and_the_summary(live_server, agreements, chromium):
    page = chromium.new_page()

    seen = tick_anthropic_and_apply(page, f"{live_server.url}/agreements/?status=active")

    assert seen["titles"] == ["Frontier AI prototypes (Anthropic)"]
    assert seen["summary"] == "1 result where Vendor: Anthropic; Status: Active."
    chip = page.get_by_role("link", name="Remove filter: vendor Anthropic")
    assert chip.is_visible()
    chip.click()
    page.wait_for_url(re.compile(r"/agreements/\?status=active$"))
    assert len(page.evaluate(ROW_TITLES)) == 2


def test_a_result_leads_to_a_footnote_its_source_and_back(live_server, agreements, chromium):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/agreements/")

    page.get_by_role("link", name="Frontier AI prototypes (Anthropic)").click()
    assert page.locator("h1").inner_text().startswith("Frontier AI prototypes (Anthropic)")
    page.locator("a[href='#fn-1']").first.click()
    assert page.url.endswith("#fn-1")
    footnote = page.locator("#fn-1")
    source_title = footnote.locator("a[href^='/sources/']").inner_text()
    footnote.locator("a[href^='/sources/']").click()
    assert page.locator("h1").inner_text().startswith(source_title)
    page.go_back()
    assert page.url.endswith(f"{agreements.get_absolute_url()}#fn-1")
    assert page.locator("#fn-1").is_visible()


def test_keyboard_only_the_skip_link_comes_first_and_moves_focus_to_the_results(live_server, agreements, chromium):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/agreements/")

    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS_RING)
    assert skip["text"] == "Skip to results" and skip["outline"] != "none" and skip["width"] >= 2
    page.keyboard.press("Enter")
    results = page.evaluate(FOCUS_RING)
    assert results["id"] == "results" and results["outline"] != "none" and results["width"] >= 2
    page.keyboard.press("Tab")  # onward from the results: their first link, with its focus ring
    onward = page.evaluate(FOCUS_RING)
    assert page.evaluate("() => document.getElementById('results').contains(document.activeElement)")
    assert onward["outline"] != "none" and onward["width"] >= 2


def test_the_list_gives_the_same_results_with_javascript_off(live_server, agreements, chromium):
    with_script = tick_anthropic_and_apply(chromium.new_page(), f"{live_server.url}/agreements/")
    context = chromium.new_context(java_script_enabled=False)
    try:
        without = tick_anthropic_and_apply(context.new_page(), f"{live_server.url}/agreements/")
    finally:
        context.close()

    assert without == with_script
    assert sorted(without["titles"]) == ["An older pilot with a very long title that a phone has to wrap somewhere "
                                         "sensible", "Frontier AI prototypes (Anthropic)"]


def test_a_phone_sees_stacked_rows_and_no_sideways_scroll(live_server, agreements, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        for path in ("/agreements/", "/terms/", "/vendors/", "/about/api/", "/agreements/feed/preview/"):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate(SIDEWAYS) <= 0, path
        page.goto(f"{live_server.url}/agreements/")
        stacked = page.evaluate("""() => { const row = document.querySelector('table.records tbody tr');
            const cell = row.querySelector('td[data-label="Awarding agency"]');
            return {row: getComputedStyle(row).display, cell: getComputedStyle(cell).display,
                    label: getComputedStyle(cell, '::before').content, head: document.querySelector(
                    'table.records thead').getBoundingClientRect().height}; }""")
        assert stacked == {"row": "block", "cell": "block", "label": '"Awarding agency: "', "head": 1}
        page.goto(f"{live_server.url}/about/api/")
        code = page.evaluate("""() => [...document.querySelectorAll('pre')].map(pre => ({
            inside: pre.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5,
            wrapped: pre.scrollWidth <= pre.clientWidth}))""")
        assert code and all(block == {"inside": True, "wrapped": True} for block in code)
    finally:
        context.close()


def test_at_1280_px_the_agreements_table_fits_beside_the_filters(live_server, agreements, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/agreements/")
        fits = page.evaluate("""() => { const results = document.querySelector('.results');
            return {sideways: results.scrollWidth - results.clientWidth,
                    head: getComputedStyle(document.querySelector('table.records thead')).position}; }""")
        assert fits == {"sideways": 0, "head": "static"}
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()
