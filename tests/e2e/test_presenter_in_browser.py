"""Presenter mode on a projector, in a real browser: every slide of the default deck (slides.yaml), on the
illustrative data and on the real data, fits a 1280x720 and a 1920x1080 screen without scrolling; the text the room
reads (headline, status line, buttons, tile headings and labels, units, the plenary's words) is at least 24 px; each
figure shows its unit; tile headings are smaller than their figures; the plenary slide (a full room's answers) is
one screen.

Streamlit scrolls inside its main block, not the document, so both are measured: the document's scroll height
(document.scrollingElement) and the main block's (what would scroll)."""
import pytest

pytest.importorskip("playwright.sync_api")

SCREENS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
ROOM_TEXT_PX = 24

MEASURE_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const slide = document.querySelector('.st-key-presenter_slide');
  const visible = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  // Every piece of text on the slide itself (not in the closed Numbers pop-over, not inside charts' SVG)
  const texts = [...slide.querySelectorAll('p, li, h1, h2, h3, button, label, span, pre, div')]
    .filter(e => visible(e) && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                 && !e.closest('.js-plotly-plot, [data-testid="stTooltipIcon"]'))
    .map(e => ({text: e.textContent.trim().slice(0, 60), px: size(e)}));
  const metric = [...slide.querySelectorAll('[data-testid="stVerticalBlockBorderWrapper"] [data-testid="stMetricValue"]')].map(e => ({
    text: e.textContent.trim(), px: size(e.querySelector('p') || e)}));
  const headings = [...slide.querySelectorAll('h3')].filter(visible).map(size);
  return {documentHeight: document.scrollingElement.scrollHeight, mainHeight: main.scrollHeight,
          mainVisible: main.clientHeight, viewport: innerHeight, texts, metric, headings,
          slideBottom: slide.getBoundingClientRect().bottom,
          buttons: [...slide.querySelectorAll('button')].filter(e => visible(e) && e.textContent.trim()).map(e => ({text: e.textContent.trim(),
                    px: size(e.querySelector('p') || e)}))};
}"""


def deck_size(page) -> int:
    """How many slides the deck has on this data ("stp: each" makes one slide per STP): from "Slide 1 of 12"."""
    words = page.locator(".st-key-presenter_bar").get_by_text("Slide 1 of").first.text_content()
    return int(words.split(" of ")[1].split()[0])


def units() -> dict[str, str]:
    """Each indicator's name -> its unit, from config.yaml (what a tile must show beside its number)."""
    from pathlib import Path

    from indicators.definitions import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    return {definition.name: definition.unit for definition in config.indicators}


@pytest.mark.parametrize("data", ["demo", "real"])
def test_every_slide_fits_the_screen_with_type_the_room_can_read(data, presenter_servers, browser,
                                                               loopback_only_context, wait_for_run, tmp_path):
    base_url, plenary = presenter_servers[data]
    heights, problems = [], []
    for screen in SCREENS:
        with loopback_only_context(browser, viewport=screen) as page:
            page.goto(f"{base_url}/presenter?slide=1", timeout=180_000)
            wait_for_run(page, timeout=180_000)
            for number in range(1, deck_size(page) + 1):
                page.goto(f"{base_url}/presenter?slide={number}&plenary={plenary}", timeout=180_000)
                wait_for_run(page, timeout=180_000)
                page.wait_for_timeout(300)  # fonts and charts settle
                found = page.evaluate(MEASURE_JS)
                where = f"{data} {screen['width']}x{screen['height']} slide {number}"
                heights.append(f"{where}: main block {found['mainHeight']} px, slide ends at "
                               f"{round(found['slideBottom'])} px")
                assert page.get_by_test_id("stException").count() == 0, where
                if found["documentHeight"] > screen["height"] or found["mainHeight"] > found["mainVisible"] + 1:
                    problems.append(f"{where} scrolls: document {found['documentHeight']}, main block "
                                    f"{found['mainHeight']} of {found['mainVisible']} px")
                    page.screenshot(path=tmp_path / f"slide-{data}-{screen['width']}-{number}.png")
                small = [t for t in found["texts"] if t["px"] < ROOM_TEXT_PX - 0.01]
                if small:
                    problems.append(f"{where}: text under {ROOM_TEXT_PX} px: {small[:4]}")
                if any(button["px"] < ROOM_TEXT_PX - 0.01 for button in found["buttons"]):
                    problems.append(f"{where}: small buttons {found['buttons']}")
                if found["headings"] and found["metric"] and max(found["headings"]) >= min(
                        m["px"] for m in found["metric"]):
                    problems.append(f"{where}: tile headings {found['headings']} not smaller than figures "
                                    f"{found['metric']}")
                for metric in found["metric"]:
                    if not (metric["text"].endswith("%") or any(
                            unit and metric["text"].endswith(unit) for unit in units().values())):
                        problems.append(f"{where}: a figure without its unit: {metric['text']!r}")
    print("\n".join(heights))
    assert not problems, "\n".join(problems)


def test_the_plenary_slide_shows_a_full_rooms_answers_on_one_screen(presenter_servers, browser,
                                                                  loopback_only_context, wait_for_run):
    base_url, plenary = presenter_servers["demo"]
    with loopback_only_context(browser, viewport=SCREENS[0]) as page:
        page.goto(f"{base_url}/presenter?slide=1", timeout=180_000)
        wait_for_run(page, timeout=180_000)
        page.goto(f"{base_url}/presenter?slide={deck_size(page)}&plenary={plenary}", timeout=180_000)
        wait_for_run(page, timeout=180_000)
        main = page.get_by_test_id("stMain")
        assert main.locator("h1").first.text_content() == "What we heard from your tables today"
        slide = page.locator(".st-key-presenter_slide")
        assert slide.get_by_text("30 answers").first.is_visible()  # five STPs, six tables each
        assert slide.get_by_text("Barriers named most").is_visible()
        heat_map = slide.get_by_test_id("stPlotlyChart").first
        assert heat_map.bounding_box()["y"] + heat_map.bounding_box()["height"] <= SCREENS[0]["height"]
        steps = slide.get_by_test_id("stText")
        assert steps.count() >= 3  # the event, then the newest next steps, each cut short
        assert all(len(text) < 140 for text in steps.all_text_contents())
        found = page.evaluate(MEASURE_JS)
        assert found["mainHeight"] <= found["mainVisible"] + 1, found["mainHeight"]
