"""indicators/fairness.py and figures/fairness.py: figures by deprivation fifth, worked out by hand."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from figures.fairness import build_fairness_figure, describe_fairness_figure
from indicators.areas import Area, build_area_model
from indicators.definitions import IndicatorDefinition, Measure
from indicators.fairness import (
    compute_fairness,
    compute_fairness_display,
    compute_practices_without_decile,
    compute_quintile,
    describe_fairness_gap,
    describe_missing_deciles,
    unsuppressed,
)

PERIOD = "2020-01-01"
SHARE = IndicatorDefinition(
    id="share", name="Share of practices", plain_name="share", description="d", plain_description="d",
    domain="collaboration", numerator=Measure("t", ("n",)), denominator=Measure("t", ("d",)), multiplier=100,
    unit="%", direction="higher_is_better", comparison="wilson", suppress_below=10, lowest_level="pcn")
RATE = replace(SHARE, id="rate", name="Appointments", unit="per 1,000 patients", multiplier=1000,
               comparison="tolerance")
# practice, STP, decile, numerator, denominator
PRACTICES = [("A", "S1", 1, 30, 100), ("B", "S1", 2, 10, 100), ("C", "S2", 9, 45, 50), ("D", "S2", 10, 45, 50),
             ("E", "S2", 1, 20, 100), ("F", "S1", None, 5, 10)]
GEOGRAPHY = pd.DataFrame({
    "practice_code": [p[0] for p in PRACTICES], "practice_name": [f"Practice {p[0]}" for p in PRACTICES],
    "stp_code": [p[1] for p in PRACTICES], "stp_name": [f"System {p[1][1]}" for p in PRACTICES],
    "borough_code": ["B1"] * 6, "borough_name": ["Borough 1"] * 6, "pcn_code": [""] * 6,
    "deprivation_decile": [np.nan if p[2] is None else float(p[2]) for p in PRACTICES],
})
AREAS = build_area_model(GEOGRAPHY, Area("region", "R1", "Region"))
VALUES = pd.DataFrame({
    "level": "practice", "period": PERIOD, "area_code": [p[0] for p in PRACTICES],
    "numerator": [float(p[3]) for p in PRACTICES], "denominator": [float(p[4]) for p in PRACTICES],
})


def _row(table: pd.DataFrame, area: str, quintile: int) -> pd.Series:
    return table[(table["area_code"] == area) & (table["quintile"] == quintile)].iloc[0]


def test_deciles_pair_into_quintiles_most_deprived_first():
    quintiles = compute_quintile(pd.Series([1, 2, 3, 9, 10, np.nan, 0, 11]))
    assert quintiles.tolist()[:5] == [1, 1, 2, 5, 5]
    assert quintiles.iloc[5:].isna().all()


def test_each_fifth_is_a_ratio_of_sums_for_the_region_and_each_system():
    table = compute_fairness(VALUES, GEOGRAPHY, SHARE, AREAS, period=PERIOD)
    assert list(dict.fromkeys(table["area_code"])) == ["R1", "S1", "S2"]
    region_most = _row(table, "R1", 1)  # A + B + E: (30 + 10 + 20) / (100 + 100 + 100)
    assert (region_most["practices"], region_most["numerator"], region_most["denominator"]) == (3, 60, 300)
    assert region_most["value"] == pytest.approx(20.0)
    # Wilson for 60 of 300 by hand: centre 0.203803, half-width 0.045135
    assert region_most["lower_95"] == pytest.approx(15.867, abs=0.01)
    assert region_most["upper_95"] == pytest.approx(24.894, abs=0.01)
    assert _row(table, "R1", 5)["value"] == pytest.approx(90.0)  # C + D: 90 / 100
    assert _row(table, "S1", 1)["value"] == pytest.approx(20.0)  # A + B: 40 / 200
    assert _row(table, "S2", 1)["value"] == pytest.approx(20.0)  # E: 20 / 100
    # a fifth with no practice has no figure, and F (no decile) is in no fifth
    assert _row(table, "S1", 5)["practices"] == 0 and np.isnan(_row(table, "S1", 5)["value"])
    assert table.loc[table["area_code"] == "R1", "practices"].sum() == 5


def test_a_fifth_below_the_indicators_smallest_denominator_is_suppressed_with_its_counts():
    table = compute_fairness(VALUES, GEOGRAPHY, replace(SHARE, suppress_below=150), AREAS, period=PERIOD)
    hidden = _row(table, "S2", 1)  # denominator 100 < 150
    assert hidden["suppressed"] and np.isnan(hidden["value"]) and np.isnan(hidden["numerator"])
    assert not _row(table, "R1", 1)["suppressed"]


def test_practice_figures_are_worked_out_without_suppression_at_practice_level():
    definition = unsuppressed(SHARE)
    assert (definition.suppress_below, definition.lowest_level) == (0.0, "practice")


def test_practices_without_a_decile_are_counted_and_said():
    assert compute_practices_without_decile(VALUES, GEOGRAPHY, period=PERIOD) == 1
    assert describe_missing_deciles(1) == "One practice has a figure but no deprivation decile, so it is in no fifth."
    assert describe_missing_deciles(0) == ""


def test_the_gap_in_words_with_whether_it_could_be_chance():
    table = compute_fairness(VALUES, GEOGRAPHY, SHARE, AREAS, period=PERIOD)
    assert describe_fairness_gap(table, SHARE, area_code="R1") == (
        "Region: in the most deprived fifth of practices, 20.0%; in the least deprived fifth, 90.0%: a gap of "
        "70.0 percentage points (higher in the least deprived fifth). The 95% intervals do not overlap, so the gap "
        "is unlikely to be chance.")
    assert describe_fairness_gap(table, SHARE, area_code="S1") == (
        "System 1 has no practice in the least deprived fifth, so no gap is given.")
    small = compute_fairness(VALUES, GEOGRAPHY, replace(SHARE, suppress_below=150), AREAS, period=PERIOD)
    assert describe_fairness_gap(small, SHARE, area_code="S2") == (
        "System 2: the most or the least deprived fifth of practices has too few figures to compare, so no gap is "
        "given.")


def test_a_rate_gap_is_in_the_rates_unit_and_has_no_interval_sentence_without_intervals():
    table = compute_fairness(VALUES, GEOGRAPHY, RATE, AREAS, period=PERIOD)
    assert describe_fairness_gap(table, RATE, area_code="S2") == (
        "System 2: in the most deprived fifth of practices, 200.0 per 1,000 patients; in the least deprived fifth, "
        "900.0 per 1,000 patients: a gap of 700.0 per 1,000 patients (higher in the least deprived fifth).")


def test_the_chart_has_one_line_per_area_with_its_intervals():
    table = compute_fairness(VALUES, GEOGRAPHY, SHARE, AREAS, period=PERIOD)
    figure = build_fairness_figure(table, SHARE)
    assert [trace.name for trace in figure.data] == ["Region", "System 1", "System 2"]
    region = figure.data[0]
    assert list(region.x) == ["1 (most deprived fifth)", "5 (least deprived fifth)"]
    assert list(region.y) == pytest.approx([20.0, 90.0])
    assert region.error_y.arrayminus[0] == pytest.approx(20.0 - 15.867, abs=0.01)
    assert figure.layout.xaxis.title.text == "Deprivation fifth of practices (IMD 2019)"
    text = describe_fairness_figure(table, SHARE)
    assert "Region: 20.0% in the most deprived fifth, 90.0% in the least" in text


def test_the_table_as_a_reader_sees_it():
    table = compute_fairness(VALUES, GEOGRAPHY, SHARE, AREAS, period=PERIOD)
    shown = compute_fairness_display(table, SHARE)
    first = shown.iloc[0].to_dict()
    assert first == {"area": "Region", "deprivation fifth": "1 (most deprived fifth)", "practices": 3,
                     "Share of practices": "20.0%", "95% interval": "15.9 to 24.9", "numerator": 60.0,
                     "denominator": 300.0}
    assert shown.iloc[6]["Share of practices"] == "not shown"  # System 1's second fifth has no practice
