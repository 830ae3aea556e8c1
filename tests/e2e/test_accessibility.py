"""Accessibility in the browser: axe-core's WCAG 2.2 A and AA rules find nothing serious or critical on any page,
on an open selection list or behind the facilitator's passcode; chart text (which axe does not check inside SVG)
reaches 4.5:1. Every violation, of any impact, is listed in the run's summary."""
import re

import pytest

from figures.palette import compute_contrast_ratio

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect

MIN_TEXT_CONTRAST = 4.5
# Axis ticks and titles, chart titles, legends and colour bars: text drawn on the chart's background.
# Text drawn on bars or heatmap cells is checked against its own fill by the chart unit tests.
CHART_TEXT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
  const svg = plot.querySelector('.main-svg');
  const background = svg ? getComputedStyle(svg).backgroundColor : 'rgb(255, 255, 255)';
  const selector = '[class$="tick"] > text, [class$="tick2"] > text, .g-xtitle text, .g-ytitle text, '
    + '.g-gtitle text, .legendtext, .cbtitle text';
  return [...plot.querySelectorAll(selector)].filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent.trim().slice(0, 40), fill: getComputedStyle(t).fill, background}));
})"""


def rgb_to_hex(css: str) -> str:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css)[:3])
    return f"#{red:02X}{green:02X}{blue:02X}"


def is_transparent(css: str) -> bool:
    return css in ("transparent", "rgba(0, 0, 0, 0)")


def expect_page_drawn(visit) -> None:
    charts = visit.main.get_by_test_id("stPlotlyChart")
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_visible()
    maps = visit.main.get_by_test_id("stDeckGlJsonChart")
    for index in range(maps.count()):
        expect(maps.nth(index).locator("canvas").first).to_be_visible()


def test_page_passes_axe_and_its_chart_text_is_readable(app_page, visit):
    visit.open(app_page.url_path)
    expect(visit.heading()).to_be_visible()
    expect_page_drawn(visit)
    violations = visit.run_axe()
    visit.record_axe(app_page.stem, violations)
    visit.record(app_page.stem, axe_rules_violated=len(violations), axe_blocking=len(visit.blocking(violations)))
    assert visit.blocking(violations) == []

    chart_text = visit.page.evaluate(CHART_TEXT_JS)
    if visit.main.get_by_test_id("stPlotlyChart").count():
        assert chart_text, "no axis or title text found in the charts"
    faint = []
    for item in chart_text:
        background = "#FFFFFF" if is_transparent(item["background"]) else rgb_to_hex(item["background"])
        ratio = compute_contrast_ratio(rgb_to_hex(item["fill"]), background)
        if ratio < MIN_TEXT_CONTRAST:
            faint.append(f"{item['text']!r} {item['fill']} on {background}: {ratio:.2f}:1")
    assert faint == [], f"chart text below {MIN_TEXT_CONTRAST}:1"


def test_open_selection_list_passes_axe(visit):
    visit.open("/")
    visit.sidebar_selectbox("Indicator").click()
    expect(visit.page.get_by_role("listbox")).to_be_visible()
    violations = visit.run_axe()
    visit.record_axe("overview, indicator list open", violations)
    assert visit.blocking(violations) == []


def test_facilitator_tools_behind_the_passcode_pass_axe(visit):
    visit.open("/forum_facilitator")
    passcode = visit.main.get_by_label("Facilitator passcode")
    passcode.fill(visit.facilitator_passcode)
    passcode.press("Enter")
    expect(visit.main.locator("[data-testid='stForm']").first).to_be_visible()
    visit.wait_for_app_run()
    expect(visit.main.get_by_text("That passcode is not right")).to_have_count(0)
    violations = visit.run_axe()
    visit.record_axe("forum_facilitator, after the passcode", violations)
    assert visit.blocking(violations) == []
