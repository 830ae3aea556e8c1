"""The plain-language summary and glossary on a 375 px phone screen, on the suite's shared server and chromium."""
from pathlib import Path

import pytest

from indicators.glossary import GLOSSARY, find_glossary_entries

PHONE = {"width": 375, "height": 812}
FIRST_LOAD_MS = 180_000  # the first page fills the server's caches on a busy 2-core machine
FIRST_SENTENCE = "This page is about family doctors (GPs) and their surgeries in Kensington and Chelsea."
FIRST_SCREEN_HEIGHT = 667  # the smallest phone screen in common use (iPhone SE), at 375 px wide


@pytest.fixture
def phone_server(app_url):
    return app_url


@pytest.fixture
def phone(browser, app_url, loopback_only_context):
    """A page in a fresh phone-sized context; fails the test if anything beyond loopback was requested."""
    with loopback_only_context(browser, viewport=PHONE, is_mobile=True, has_touch=True,
                               device_scale_factor=1) as page:
        yield page


# What a phone cuts off: a figure or its label ending in '…' (text wider than its box), a chart title wider than
# its chart, a chart or map wider than the screen; and the page itself scrolling sideways.
CUT_OFF_JS = """() => {
  const width = innerWidth;
  const cut = [...document.querySelectorAll('[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] *')]
    .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim());
  const titles = [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const title = plot.querySelector('.gtitle'), svg = plot.querySelector('.main-svg');
    if (!title || !svg) return null;
    const box = title.getBoundingClientRect(), frame = svg.getBoundingClientRect();
    return box.right > frame.right + 1 || box.left < frame.left - 1 ? title.textContent : null;
  }).filter(Boolean);
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]')]
    .filter(e => e.getBoundingClientRect().left < -1 || e.getBoundingClientRect().right > width + 1)
    .map(e => e.getAttribute('data-testid'));
  return {pageWidth: document.scrollingElement.scrollWidth, cut, titles, charts};
}"""
DATA_FOLDERS = {"demo": "data", "real": "data/real"}


@pytest.mark.parametrize("data", list(DATA_FOLDERS))
def test_no_page_cuts_off_a_figure_a_title_or_a_map_on_a_phone(data, presenter_servers, browser, loopback_only_context,
                                                             wait_for_run, tmp_path):
    """Every page of the app (app_pages/*.py), on the illustrative and on the real data, at 375 px wide."""
    base_url, _ = presenter_servers[data]  # the app on data/ and on data/real, each named explicitly
    pages = sorted(path.stem for path in (Path(__file__).resolve().parents[2] / "app_pages").glob("*.py")
                   if not path.stem.startswith("_"))
    problems = []
    with loopback_only_context(browser, viewport=PHONE, is_mobile=True, has_touch=True,
                               device_scale_factor=1) as page:
        for stem in pages:
            page.goto(f"{base_url}/{'' if stem == 'overview' else stem}", timeout=FIRST_LOAD_MS)
            wait_for_run(page, timeout=FIRST_LOAD_MS)
            page.wait_for_timeout(500)  # charts and maps finish drawing
            found = page.evaluate(CUT_OFF_JS)
            if found["pageWidth"] > PHONE["width"] or found["cut"] or found["titles"] or found["charts"]:
                problems.append(f"{data} {stem}: {found}")
                screenshot(page, tmp_path / f"phone-{data}-{stem}.png", whole=True)
                page.set_viewport_size(PHONE)
    assert not problems, "\n".join(problems)


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
    assert first.is_visible()
    box = first.bounding_box()  # on the first screen (an iPhone SE's 667 px), before any scrolling
    assert box["y"] + box["height"] <= FIRST_SCREEN_HEIGHT, box
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
