"""figures/spc_chart.build_spc_panel: one area's SPC chart from tidy values, with its sentences, numbers and the
plain reason when the series is too short; and the sentence for every real STP and indicator agrees with its signals."""
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from figures import presentation
from figures.spc_chart import build_spc_panel
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import IndicatorDefinition, Measure, Target, load_config
from indicators.errors import IndicatorUnavailable
from indicators.spc import MIN_POINTS, compute_spc_for_area
from indicators.spc_text import describe_spc

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("spc_text_checks", ROOT / "tests" / "unit" / "test_spc_text.py")
_CHECKS = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_CHECKS)

COVERAGE = IndicatorDefinition(
    id="coverage", name="Patients with extended access", plain_name="People who can see a GP late",
    description="", plain_description="", domain="access", numerator=Measure("a", ("b",)),
    denominator=Measure("a", ("c",)), multiplier=100, unit="%", direction="higher_is_better", comparison="wilson",
    decimals=1, target=Target(97, "London's ambition"), short_name="Coverage")


def tidy(values, area_code="S1", level="stp"):
    periods = [f"{2019 + offset // 12}-{offset % 12 + 1:02d}-01" for offset in range(len(values))]
    return pd.DataFrame({"area_code": area_code, "level": level, "period": periods, "value": values})


def test_a_series_of_15_gets_a_chart_its_alt_sentences_and_a_table_of_every_period():
    values = [95.0, 96.0] * 7 + [80.0]
    panel = build_spc_panel(tidy(values), COVERAGE, area_code="S1", area_name="STP One")
    assert panel.shown and panel.points == 15 and panel.reason == ""
    assert panel.figure.layout.title.text == "Patients with extended access: STP One"
    assert panel.alt.startswith("SPC chart of patients with extended access for STP One")
    assert panel.sentence == describe_spc(panel.result, 'The figure for "People who can see a GP late"', plain=True,
                                          format_value=COVERAGE.format_value)
    assert panel.professional_sentence.startswith("Patients with extended access stayed above its mean")
    assert "fell further than normal variation would explain in March 2020" in panel.professional_sentence
    assert list(panel.table.columns) == ["Period", "Value (%)", "Mean", "Lower process limit",
                                         "Upper process limit", "Special cause", "Rules"]
    assert panel.table["Period"].iloc[-1] == "March 2020" and panel.table["Value (%)"].iloc[-1] == "80.0"
    assert panel.table["Special cause"].iloc[-1] == "Yes, concerning"


def test_fewer_than_15_figures_give_no_chart_and_a_plain_reason():
    panel = build_spc_panel(tidy([95.0, 96.0] * 7), COVERAGE, area_code="S1", area_name="STP One")
    assert not panel.shown
    assert panel.reason == (f"An SPC chart needs at least {MIN_POINTS} figures to tell real change from the usual "
                            "ups and downs; STP One has 14 for patients with extended access.")
    empty = build_spc_panel(tidy([95.0] * 20), COVERAGE, area_code="S2", area_name="STP Two")
    assert empty.reason == "There are no figures for patients with extended access in STP Two, so there is no SPC chart."


def test_periods_after_the_chosen_one_and_other_levels_are_left_out():
    rows = pd.concat([tidy([95.0, 96.0] * 10), tidy([1.0] * 20, level="borough")])
    panel = build_spc_panel(rows, COVERAGE, area_code="S1", area_name="STP One", level="stp",
                            up_to_period="2020-02-01")
    assert panel.points == 14 and not panel.shown


def test_on_a_slide_the_chart_is_restyled_for_a_projector():
    panel = build_spc_panel(tidy([95.0, 96.0] * 8), COVERAGE, area_code="S1", area_name="STP One", presenter=True)
    assert panel.figure.layout.height == presentation.CHART_HEIGHT
    assert panel.figure.layout.font.size == presentation.PRESENTER_FONT_SIZE


REAL = ROOT / "data" / "real"


@pytest.mark.skipif(not (REAL / "practices.csv").exists(), reason="no committed real data in data/real")
def test_every_real_stp_and_indicator_gets_a_sentence_that_agrees_with_its_signals():
    config = load_config(ROOT / "config.yaml")
    data = load_data(config, REAL)
    checked = 0
    for definition in config.indicators:
        try:
            values = compute_indicator_values(definition, data, levels=("stp", "region"))
        except IndicatorUnavailable:
            continue
        for code, name in [*data.areas.names("stp").items(), (data.areas.region.code, data.areas.region.name)]:
            panel = build_spc_panel(values, definition, area_code=code, area_name=name)
            result = compute_spc_for_area(values, definition, area_code=code)
            assert panel.result.signals == result.signals and panel.result.variation == result.variation
            _CHECKS.check_text_against_result(result, panel.sentence)
            _CHECKS.check_text_against_result(result, panel.professional_sentence)
            checked += panel.shown
    assert checked >= 4 * 4  # the four appointments indicators for four STPs and London, at least
