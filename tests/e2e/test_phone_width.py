"""The plain-language summary and glossary on a 375 px phone screen, on the suite's shared server and chromium."""
from pathlib import Path

import pytest

from indicators.glossary import GLOSSARY, find_glossary_entries

PHONE = {"width": 375, "height": 812}
FIRST_LOAD_MS = 180_000  # the first page fills the server's caches on a busy 2-core machine
FIRST_SENTENCE = "This page is about family doctors (GPs) and their surgeries in Kensington and Chelsea."


@pytest.fixture
def phone_server(app_url):
    return app_url


@pytest.fixture
def phone(browser, app_url, loopback_only_context):
    """A page in a fresh phone-sized context; fails the test if anything beyond loopback was requested."""
    with loopback_only_context(browser, viewport=PHONE, is_mobile=True, has_touch=True,
                               device_scale_factor=1) as page:
        yield page


def overflow(page) -> dict:
    """How far the document and the main block are wider than the screen (0 when nothing sticks out)."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const wide = [...main.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length
                         && getComputedStyle(e).visibility !== 'hidden'
                         && !e.closest('[data-testid="stDataFrame"], details:not([open]), .js-plotly-plot svg'))
            .map(e => e.getAttribute('data-testid') || e.tagName);
        return {document: document.scrollingElement.scrollWidth - window.innerWidth,
                main: main.scrollWidth - main.clientWidth, wide: [...new Set(wide)].slice(0, 10)};
    }""")


def screenshot(page, path: Path, *, whole: bool) -> Path:
    """What the phone shows first, or the whole main block (Streamlit scrolls inside it, not the document)."""
    if whole:
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": PHONE["width"], "height": min(max(height, PHONE["height"]), 16_000)})
    page.screenshot(path=path, full_page=True)
    return path


def test_a_borough_summary_fits_a_phone_screen_from_a_shared_link(phone, phone_server, wait_for_run, tmp_path):
    phone.goto(f"{phone_server}/plain_summary?summary_level=borough&summary_area=E09000020",
               timeout=FIRST_LOAD_MS)
    wait_for_run(phone, timeout=FIRST_LOAD_MS)
    assert phone.get_by_test_id("stException").count() == 0
    main = phone.get_by_test_id("stMain")
    assert main.locator("h1").first.text_content().startswith("In plain English")
    assert main.locator("h2").first.text_content().startswith("Kensington and Chelsea")
    assert "summary_area=E09000020" in phone.url
    screenshot(phone, tmp_path / "phone-summary-first-screen.png", whole=False)

    first = main.get_by_text(FIRST_SENTENCE)
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # the sidebar is folded away (moved off the screen), not drawn over the text
    sidebar = phone.get_by_test_id("stSidebar")
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert not sidebar.is_visible() or sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0

    charts = main.get_by_test_id("stPlotlyChart")
    assert charts.count() == 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for()
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # tables wait, folded, under "The numbers behind this chart"
    assert main.get_by_test_id("stExpander").count() == 4
    assert not main.get_by_test_id("stDataFrame").first.is_visible()

    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1 and not wide["wide"], wide
    screenshot(phone, tmp_path / "phone-summary-whole.png", whole=True)
    phone.set_viewport_size(PHONE)

    # unfolding a table keeps the page itself within the screen (the table scrolls inside its frame)
    main.get_by_test_id("stExpander").first.locator("summary").click()
    table = main.get_by_test_id("stDataFrame").first
    table.wait_for()
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= PHONE["width"]
    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1, wide
    table.scroll_into_view_if_needed()
    screenshot(phone, tmp_path / "phone-summary-table.png", whole=False)


def test_the_glossary_search_works_on_a_phone(phone, phone_server, wait_for_run, tmp_path):
    phone.goto(f"{phone_server}/glossary", timeout=FIRST_LOAD_MS)
    wait_for_run(phone, timeout=FIRST_LOAD_MS)
    main = phone.get_by_test_id("stMain")
    search = main.get_by_role("textbox", name="Search for a word")
    search.fill("network")
    search.press("Enter")
    wait_for_run(phone)
    found = len(find_glossary_entries("network", GLOSSARY))
    assert main.get_by_text("Showing ").first.text_content().startswith(f"Showing {found} of ")
    entry = main.get_by_text("Primary Care Network (PCN)")
    assert entry.is_visible()
    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1 and not wide["wide"], wide
    screenshot(phone, tmp_path / "phone-glossary.png", whole=False)
