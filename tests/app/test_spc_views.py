"""AppTest: the STP profile's SPC charts and board overview, and the presenter's SPC slide, on the committed real
data (30 months of appointments with the April 2020 fall) and on the illustrative data (too few quarters)."""
import importlib.util
import json
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from figures.spc_chart import describe_spc_subject
from indicators.board_overview import OVERVIEW_COLUMNS
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.spc import MIN_POINTS, compute_spc_for_area
from indicators.spc_text import describe_spc

ROOT = Path(__file__).parents[2]
_SPEC = importlib.util.spec_from_file_location("spc_text_checks", ROOT / "tests" / "unit" / "test_spc_text.py")
_CHECKS = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_CHECKS)
check_text_against_result = _CHECKS.check_text_against_result  # the unit tests' own check of a sentence
REAL = ROOT / "data" / "real"
DEMO = ROOT / "data"
CONFIG = load_config(ROOT / "config.yaml")
REAL_STPS = load_data(CONFIG, REAL).areas.names("stp") if (REAL / "practices.csv").exists() else {}
APPOINTMENTS = "appointments_per_1000"
ICON_WORDS = ("Special cause", "Common cause", "Not enough points", "consistently", "Hit and miss", "No target",
              "Not assessed")


@pytest.fixture(autouse=True)
def data_env(monkeypatch, tmp_path):
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    monkeypatch.delenv("ATSCALE_SLIDES", raising=False)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(REAL))
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def open_profile(stp: str, domain: str = "access") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["stp"] = stp
    at.run()
    at.switch_page("app_pages/stp_profile.py").run()
    at.selectbox(key="stp_profile_domain").set_value(domain).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def unescape(text: str) -> str:
    return text.replace("\\", "")


def expected_sentence(stp: str, indicator_id: str = APPOINTMENTS) -> tuple[object, str]:
    definition = CONFIG.indicator(indicator_id)
    values = compute_indicator_values(definition, load_data(CONFIG, REAL), levels=("stp",))
    result = compute_spc_for_area(values, definition, area_code=stp, level="stp")
    return result, describe_spc(result, describe_spc_subject(definition, plain_language=True), plain=True,
                                format_value=definition.format_value)


needs_real = pytest.mark.skipif(not REAL_STPS, reason="no committed real data in data/real")


@needs_real
def test_the_spc_view_of_appointments_shows_icons_in_words_the_chart_its_alt_and_the_april_2020_fall():
    at = open_profile("QMJ")
    charts_before = len(at.get("plotly_chart"))
    toggle = at.toggle(key=f"stp_spc_show_{APPOINTMENTS}")
    assert toggle.value is False  # the plain trend first; the SPC view on request
    toggle.set_value(True).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 1
    shown = texts(at)
    icons = next(text for text in shown if text.startswith("**Variation:**"))
    assert "Common cause variation" in unescape(icons) and "**Assurance:**" in icons and "No target" in icons
    assert any(text.startswith("*What this chart shows:* SPC chart of") for text in shown)
    sentence = next(unescape(text) for text in shown if text.startswith("**In plain words:**"))
    assert "fell more than usual in April 2020" in sentence and "returned to its usual range" in sentence
    [spc] = [e for e in at.expander if e.label == "The SPC numbers behind this chart"]
    table = spc.dataframe[0].value
    assert len(table) == 30 and "Yes, lower" in set(table["Special cause"])
    names = [{trace.get("name") for trace in json.loads(chart.proto.spec)["data"]} for chart in at.get("plotly_chart")]
    assert sum({"Mean", "Process limits", "Special cause: lower"} <= chart for chart in names) == 1


@needs_real
@pytest.mark.parametrize("stp", sorted(REAL_STPS))
def test_the_plain_sentence_shown_for_every_stp_is_the_one_its_signals_give(stp):
    result, expected = expected_sentence(stp)
    check_text_against_result(result, expected)
    at = open_profile(stp)
    points = sum(point.shown for point in result.points)
    if points < MIN_POINTS:
        assert f"stp_spc_show_{APPOINTMENTS}" not in [t.key for t in at.toggle]
        said = [unescape(text) for text in texts(at) if text.startswith("*Signal or noise:*")]
        plainly = f"in {REAL_STPS[stp]}, so there is no SPC chart" if points == 0 else f"has {points} for"
        assert any(plainly in text for text in said), said
        return
    at.toggle(key=f"stp_spc_show_{APPOINTMENTS}").set_value(True).run()
    shown = next(unescape(text) for text in texts(at) if text.startswith("**In plain words:**"))
    assert shown == f"**In plain words:** {expected}"
    assert "April 2020" in shown and "fell" in shown


@needs_real
def test_a_trend_with_fewer_than_15_figures_says_so_plainly_and_offers_no_spc_chart():
    at = open_profile("QMJ")
    assert "stp_spc_show_extended_hours_practices" not in [t.key for t in at.toggle]
    notes = [unescape(text) for text in texts(at) if text.startswith("*Signal or noise:*")]
    assert any("An SPC chart needs at least 15 figures" in note and f"{REAL_STPS['QMJ']} has 1 for" in note
               for note in notes), notes


def board_overview(at: AppTest):
    return next(frame.value for frame in at.dataframe if list(frame.value.columns) == list(OVERVIEW_COLUMNS))


@needs_real
def test_the_board_overview_lists_every_indicator_with_icons_in_symbols_and_words_and_a_download():
    at = open_profile("QMJ")
    table = board_overview(at)
    no_figure = next(unescape(m.value) for m in at.markdown if unescape(m.value).startswith(f"No figure for {REAL_STPS['QMJ']}"))
    shown = set(table["Indicator"])
    for definition in CONFIG.indicators:  # every indicator: in the table, or named as having no figure
        assert (definition.name in shown) != (definition.name in no_figure), definition.name
    assert "Respondents aware of the STP vision" in no_figure
    assert "stp_board_overview_download" in [b.key for b in at.get("download_button")]
    rows = table.set_index("Indicator")
    appointments = rows.loc["Appointments per 1,000 patients a month"]
    assert appointments["Latest period"] == "August 2021"
    assert appointments["Latest value"].endswith("per 1,000 patients a month")
    assert appointments["Variation"] == "~ Common cause variation"
    assert rows.loc["Appointments with staff other than GPs", "Variation"] == "↑ Special cause variation: higher"
    for column in ("Variation", "Assurance"):  # never colour alone: a symbol, then words
        for cell in table[column]:
            symbol, words = cell.split(" ", 1)
            assert symbol and not symbol.isalpha() or symbol in ("P", "F"), cell
            assert any(word in words for word in ICON_WORDS), cell
    assert [e.label for e in at.expander if e.label == "Key to the icons"]


def test_on_the_illustrative_data_quarterly_trends_have_enough_figures_for_an_spc_chart(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(DEMO))
    at = open_profile("QKK")
    table = board_overview(at)
    coverage = table.set_index("Indicator").loc["Patients with extended access (8am to 8pm, 7 days)"]
    assert coverage["Target"] == "97.0%"
    assert coverage["Variation"] == "↑✓ Special cause variation: improving (higher)"  # 16 quarters of a roll-out
    # the latest quarters are a run above a mean dragged down by 2017: those limits cannot promise or deny 97%
    assert coverage["Assurance"].startswith("– Not assessed: the process has moved")
    toggles = [t.key for t in at.toggle]
    assert "stp_spc_show_extended_access_coverage" in toggles
    assert "stp_spc_show_extended_hours_practices" not in toggles  # one figure a year: 4 of 15
    notes = [unescape(text) for text in texts(at) if text.startswith("*Signal or noise:*")]
    assert any("An SPC chart needs at least 15 figures" in note for note in notes), notes
    at.toggle(key="stp_spc_show_extended_access_coverage").set_value(True).run()
    assert not at.exception
    chart = next(c for c in at.get("plotly_chart") if "stp_spc_extended_access_coverage" in c.proto.id)
    names = {trace.get("name") for trace in json.loads(chart.proto.spec)["data"]}
    assert "Special cause: improving" in names


def write_deck(tmp_path, monkeypatch, slides: list[dict]) -> None:
    path = tmp_path / "slides.yaml"
    path.write_text(yaml.safe_dump({"slides": slides}), encoding="utf-8")
    monkeypatch.setenv("ATSCALE_SLIDES", str(path))


def open_slide(number: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["slide"] = str(number)
    at.run()
    at.switch_page("app_pages/presenter.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@needs_real
def test_the_spc_slide_shows_one_large_chart_its_sentence_and_its_numbers(tmp_path, monkeypatch):
    write_deck(tmp_path, monkeypatch, [
        {"view": "spc", "indicator": APPOINTMENTS, "headline": "{region_name}: appointments, signal or noise?"},
        {"view": "spc", "indicator": APPOINTMENTS, "stp": "QKK", "headline": "{stp_name}: signal or noise?"},
        {"view": "spc", "indicator": "extended_hours_practices", "headline": "Too short a series"},
    ])
    for number, area in ((1, "London"), (2, REAL_STPS["QKK"])):
        at = open_slide(number)
        assert at.title[0].value.startswith(area)
        [chart] = at.get("plotly_chart")
        spec = json.loads(chart.proto.spec)["layout"]
        assert spec["font"]["size"] >= 20 and spec["height"] <= 450
        assert spec["title"]["text"].replace("<br>", " ").endswith(f": {area}")
        assert spec["title"]["subtitle"]["text"].startswith("Variation: ~ Only the usual ups and downs")
        sentence = next(unescape(m.value) for m in at.markdown if "April 2020" in m.value and m.value.startswith("**"))
        assert "fell more than usual in April 2020" in sentence
        assert any(m.value.startswith("*What this chart shows:* SPC chart of") for m in at.markdown)
        assert not at.expander and len(at.dataframe) >= 1  # the numbers wait in the bar's pop-over
    at = open_slide(3)
    assert not at.get("plotly_chart")
    assert any("An SPC chart needs at least 15 figures" in i.value for i in at.info)


def test_the_default_deck_has_one_spc_slide_on_either_data_and_says_which_it_left_out(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(DEMO))
    at = open_slide(11)  # no appointments in the illustrative data: the extended access SPC slide takes its place
    assert at.title[0].value == "London: has evening and weekend access grown by more than the usual ups and downs?"
    [chart] = at.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["title"]["subtitle"]["text"].startswith("Variation: ↑✓")
    assert any(unescape(m.value).startswith("**") and "evening" in m.value.lower() for m in at.markdown)
    assert ("Left out because these data have no figures for them: slides about Appointments per 1,000 patients a "
            "month.") in [unescape(m.value) for m in at.sidebar.markdown]
    if REAL_STPS:
        monkeypatch.setenv("ATSCALE_DATA_DIR", str(REAL))
        st.cache_data.clear()
        at = open_slide(11)
        assert at.title[0].value == "London: did GP appointments change more than the usual ups and downs?"
        assert len(at.get("plotly_chart")) == 1
        assert any("Patients with extended access" in unescape(m.value) for m in at.sidebar.markdown)
