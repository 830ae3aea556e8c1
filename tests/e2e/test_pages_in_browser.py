"""In a real browser, offline: every page shows its heading, charts and map; the sidebar choices change the view,
by mouse and by keyboard; the map draws the boroughs and names them on hover."""
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect

STP_LABEL = "STP (Sustainability and Transformation Partnership)"
# Headings of the pages with their own checks; any other page must show a heading of its own.
EXPECTED_HEADINGS = {
    "overview": "London overview",
    "stp_profile": "STP profile: ",
    "borough_explorer": "Borough explorer: ",
    "data_and_indicators": "Data and indicators",
}
MIN_CHARTS = {"overview": 1, "stp_profile": 2, "borough_explorer": 1}
PRACTICE_LEVEL_INDICATOR = "extended_access_appointments_per_1000"  # has a funnel plot of practices
PAGES_WITH_MAP = {"overview"}
MIN_COLOURED_MAP_PIXELS = 1000
MAP_TIMEOUT_SECONDS = 60
DATA_DIR = Path(__file__).resolve().parents[2] / "data"  # what the session's server shows


def current_nav_link(visit):
    return visit.page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')


def expect_charts_drawn(visit, minimum: int = 0) -> int:
    charts = visit.main.get_by_test_id("stPlotlyChart")
    count = charts.count()
    assert count >= minimum, f"expected at least {minimum} charts, found {count}"
    for index in range(count):
        expect(charts.nth(index).locator(".js-plotly-plot .main-svg").first).to_be_visible()
    return count


def test_page_loads_offline_with_its_heading_charts_and_map(app_page, visit):
    assert app_page.title, f"app_pages/{app_page.stem}.py is not registered in app.py's PAGES list"
    seconds = visit.open(app_page.url_path)
    heading = visit.heading()
    expect(heading).to_be_visible()
    expected = EXPECTED_HEADINGS.get(app_page.stem)
    if expected:
        expect(heading).to_have_text(re.compile("^" + re.escape(expected)))
    else:
        expect(heading).to_have_text(re.compile(r"\w"))
    # The page asked for is the one shown (not a silent fallback to the default page).
    expect(current_nav_link(visit)).to_contain_text(app_page.title)
    charts = expect_charts_drawn(visit, MIN_CHARTS.get(app_page.stem, 0))
    maps = visit.main.get_by_test_id("stDeckGlJsonChart")
    if app_page.stem in PAGES_WITH_MAP:
        assert maps.count() >= 1, "the map is missing"
    for index in range(maps.count()):
        expect(maps.nth(index).locator("canvas").first).to_be_visible()
    assert visit.exceptions() == []
    visit.screenshot(app_page.stem)
    visit.record(app_page.stem, load_seconds=round(seconds, 2), charts=charts, maps=maps.count())
    visit.assert_offline_and_error_free()


def test_overview_indicator_choice_changes_the_stp_chart(visit):
    visit.open("/")
    section = visit.main.locator("h2").filter(has_text="The five STPs")
    chart_title = visit.main.locator(".st-key-overview_stps_title")  # the chart's title, as text above it
    expect(chart_title).to_be_visible()
    section_before, title_before = section.text_content(), chart_title.text_content()
    started = time.perf_counter()
    box = visit.sidebar_selectbox("Indicator")  # another indicator with figures for every STP
    box.click()
    box.fill("GP FTE per 1,000")
    visit.page.get_by_role("option", name="Workforce mix: GP FTE per 1,000 patients", exact=True).click()
    indicator_name = "GP FTE per 1,000 patients"
    expect(section).to_contain_text(indicator_name)
    expect(section).not_to_have_text(section_before)
    visit.wait_for_app_run()
    expect(chart_title).not_to_have_text(title_before)
    visit.record("overview", selection_change_seconds=round(time.perf_counter() - started, 2))
    assert "indicator=" in visit.page.url
    assert visit.exceptions() == []
    visit.screenshot("overview_other_indicator")


def test_stp_profile_follows_the_sidebar_and_its_link_reopens_the_same_view(visit):
    visit.open("/stp_profile")
    heading = visit.heading()
    expect(heading).to_have_text(re.compile("^STP profile: "))
    choice = visit.choose_other_option(STP_LABEL)
    expect(heading).to_have_text(f"STP profile: {choice}")
    visit.wait_for_app_run()
    expect_charts_drawn(visit, MIN_CHARTS["stp_profile"])
    assert re.search(r"[?&]stp=", visit.page.url), visit.page.url
    visit.screenshot("stp_profile_other_stp")

    visit.open(visit.page.url.removeprefix(visit.base_url))  # a copied link opens a new session
    expect(heading).to_have_text(f"STP profile: {choice}")
    expect(visit.sidebar_selectbox(STP_LABEL)).to_have_value(choice)


def test_borough_explorer_follows_the_borough_chosen_in_the_sidebar(visit):
    visit.open(f"/borough_explorer?indicator={PRACTICE_LEVEL_INDICATOR}")
    heading = visit.heading()
    expect(heading).to_have_text(re.compile("^Borough explorer: "))
    choice = visit.choose_other_option("Borough")
    expect(heading).to_have_text(f"Borough explorer: {choice}")
    visit.wait_for_app_run()
    expect(visit.main.locator("h3").filter(has_text="Funnel plot")).to_be_visible()
    expect_charts_drawn(visit, 2)  # the funnel plot and the trend
    expect(visit.main.get_by_text(re.compile(f"^{re.escape(choice)} is in "))).to_be_visible()
    assert re.search(r"[?&]borough=", visit.page.url), visit.page.url
    visit.screenshot("borough_explorer_other_borough")


def test_data_and_indicators_lists_the_indicators_files_and_problems(visit):
    visit.open("/data_and_indicators")
    for section in ("Indicators", "Files loaded", "Problems found"):
        expect(visit.main.locator("h2").filter(has_text=section)).to_be_visible()
    assert visit.main.get_by_test_id("stDataFrame").count() >= 2
    downloads = visit.main.get_by_role("button", name="Download this table (CSV)")
    assert downloads.count() >= 2
    expect(downloads.first).to_be_enabled()
    # Either "No problems found" or the count of problems, in words.
    expect(visit.main.get_by_test_id("stAlert").filter(has_text=re.compile("problems|warnings"))).not_to_have_count(0)


def count_coloured_pixels(png_path) -> int:
    """Pixels of a clear hue (tiles, shapes); the plain background, white, greys and black don't count."""
    rgb = np.asarray(Image.open(png_path).convert("RGB")).astype(int)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 40).sum())


def hover_until_tooltip(page, area: dict, tooltip) -> bool:
    """Move the mouse across the map, row by row, until deck.gl shows a tooltip."""
    for y_share in (0.5, 0.4, 0.6, 0.3, 0.7):
        for x_share in np.linspace(0.2, 0.8, 13):
            page.mouse.move(area["x"] + area["width"] * x_share, area["y"] + area["height"] * y_share)
            if tooltip.count() and tooltip.first.is_visible() and tooltip.first.text_content().strip():
                return True
    return False


def test_overview_map_draws_the_boroughs_and_names_one_on_hover(visit):
    borough_names = set(pd.read_csv(DATA_DIR / "practices.csv", dtype=str)["borough_name"])
    visit.open("/")
    deck = visit.main.get_by_test_id("stDeckGlJsonChart").first
    deck.scroll_into_view_if_needed()
    expect(deck.locator("canvas").first).to_be_visible()
    deadline = time.perf_counter() + MAP_TIMEOUT_SECONDS
    coloured = 0
    while coloured <= MIN_COLOURED_MAP_PIXELS and time.perf_counter() < deadline:
        visit.page.wait_for_timeout(250)  # polling deck.gl's first frames, not a fixed wait for a result
        coloured = count_coloured_pixels(visit.screenshot_element(deck, "overview_map", keep=False))
    visit.record("overview", map_coloured_pixels=coloured)
    assert coloured > MIN_COLOURED_MAP_PIXELS, "deck.gl did not draw the borough tiles"

    tooltip = visit.page.locator(".deck-tooltip")
    assert hover_until_tooltip(visit.page, deck.bounding_box(), tooltip), "no tooltip over any tile"
    expect(tooltip.first).to_be_visible()
    first_line = tooltip.first.inner_text().strip().splitlines()[0]
    assert first_line in borough_names, (first_line, sorted(borough_names))
    visit.screenshot_element(deck, "overview_map_tooltip")


def test_keyboard_reaches_the_first_sidebar_choice_and_changes_the_view(visit):
    visit.open("/stp_profile")
    heading = visit.heading()
    expect(heading).to_have_text(re.compile("^STP profile: "))
    before = heading.text_content()
    visited = []
    for _ in range(40):
        visit.page.keyboard.press("Tab")
        focused = visit.page.evaluate(
            "() => { const e = document.activeElement; return {label: e.getAttribute('aria-label') || '', "
            "role: e.getAttribute('role') || '', inMain: !!e.closest('[data-testid=\"stMain\"]'), "
            "text: (e.textContent || '').trim().slice(0, 40)}; }")
        visited.append(focused)
        if focused["role"] == "combobox":
            break
    assert visited[-1]["role"] == "combobox", f"Tab never reached a selectbox: {visited}"
    assert visited[-1]["label"] == STP_LABEL, f"the first selectbox reached by Tab: {visited[-1]}"
    assert not any(step["inMain"] for step in visited), f"Tab went through the page before the sidebar: {visited}"

    box = visit.sidebar_selectbox(STP_LABEL)
    expect(box).to_be_focused()
    visit.page.keyboard.press("ArrowDown")
    expect(visit.page.get_by_role("listbox")).to_be_visible()
    visit.page.keyboard.press("ArrowDown")
    visit.page.keyboard.press("Enter")
    expect(heading).not_to_have_text(before)
    visit.wait_for_app_run()
    expect(heading).to_have_text(f"STP profile: {box.input_value()}")
    assert visit.exceptions() == []
