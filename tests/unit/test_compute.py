"""Indicator values on the small fixture: ratio of sums at each level, filters, suppression and comparisons."""
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.compute import (
    RESULT_COLUMNS,
    IndicatorUnavailable,
    compute_indicator_values,
)
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
CONFIG = load_config(SMALL / "config.yaml")
DATA = load_data(CONFIG, SMALL)


def _values(indicator_id: str, data=DATA, **changes) -> pd.DataFrame:
    return compute_indicator_values(replace(CONFIG.indicator(indicator_id), **changes), data)


def _row(values: pd.DataFrame, level: str, area: str, period: str = "2020-01-01") -> pd.Series:
    (index,) = values.index[(values["level"] == level) & (values["area_code"] == area) & (values["period"] == period)]
    return values.loc[index]


def _areas(values: pd.DataFrame, level: str, period: str = "2020-01-01") -> list[str]:
    return sorted(values.loc[(values["level"] == level) & (values["period"] == period), "area_code"])


def test_clinical_fte_per_1000_matches_a_hand_computed_table():
    # GP + nurse FTE (2020-01-01 only): P1 0.5+0.5, P2 2.0+1.0, P3 1.0+0.5, P4 2.5+1.0;
    # patients 1,000 / 3,000 / 2,000 / 4,000. Values are per 1,000 patients.
    # London 9.0 / 10,000 = 0.9; S1 5.5 / 6,000 = 0.91667; S2 3.5 / 4,000 = 0.875.
    # Tolerance 10%: vs London "similar" within 0.81-0.99; vs S1 within 0.825-1.00833; vs S2 within 0.7875-0.9625.
    rows = [
        # level, code, name, pcn, borough, stp, numerator, denominator, vs_region, vs_stp
        ("borough", "B1", "Borough One", "", "B1", "S1", 4.0, 4000.0, "higher", "similar"),
        ("borough", "B2", "Borough Two", "", "B2", "S1", 1.5, 2000.0, "lower", "lower"),
        ("borough", "B3", "Borough Three", "", "B3", "S2", 3.5, 4000.0, "similar", "similar"),
        ("pcn", "N1", "North One PCN", "N1", "B1", "S1", 4.0, 4000.0, "higher", "similar"),
        ("pcn", "N2", "North Two PCN", "N2", "B2", "S1", 1.5, 2000.0, "lower", "lower"),
        ("pcn", "N3", "North Three PCN", "N3", "B3", "S2", 3.5, 4000.0, "similar", "similar"),
        ("practice", "P1", "Alpha Surgery", "N1", "B1", "S1", 1.0, 1000.0, "higher", "similar"),
        ("practice", "P2", "Beta Surgery", "N1", "B1", "S1", 3.0, 3000.0, "higher", "similar"),
        ("practice", "P3", "Gamma Surgery", "N2", "B2", "S1", 1.5, 2000.0, "lower", "lower"),
        ("practice", "P4", "Delta Surgery", "N3", "B3", "S2", 3.5, 4000.0, "similar", "similar"),
        ("region", "E40000003", "London", "", "", "", 9.0, 10000.0, "not compared", "not compared"),
        ("stp", "S1", "STP One", "", "", "S1", 5.5, 6000.0, "similar", "not compared"),
        ("stp", "S2", "STP Two", "", "", "S2", 3.5, 4000.0, "similar", "not compared"),
    ]
    expected = pd.DataFrame(rows, columns=["level", "area_code", "area_name", "pcn_code", "borough_code", "stp_code",
                                           "numerator", "denominator", "vs_region", "vs_stp"])
    expected.insert(0, "indicator_id", "clinical_fte_per_1000")
    expected.insert(1, "period", "2020-01-01")
    expected["value"] = [1.0, 0.75, 0.875, 1.0, 0.75, 0.875, 1.0, 1.0, 0.75, 0.875, 0.9, 5.5 / 6, 0.875]
    expected["lower_95"] = np.nan  # tolerance comparisons have no sampling error
    expected["upper_95"] = np.nan
    expected["suppressed"] = False
    expected = expected[list(RESULT_COLUMNS)]

    values = _values("clinical_fte_per_1000")
    pd.testing.assert_frame_equal(values, expected, check_dtype=False)
    assert values["suppressed"].dtype == bool


def test_coverage_is_a_ratio_of_sums_at_every_level():
    # 2020-01-01, covered / registered: P1 1000/1000, P2 1500/3000, P3 2000/2000, P4 4000/4000
    values = _values("coverage")
    assert _row(values, "practice", "P2")["value"] == pytest.approx(50.0)
    assert _row(values, "pcn", "N1")["value"] == pytest.approx(62.5)  # 2500/4000
    assert _row(values, "borough", "B1")["value"] == pytest.approx(62.5)
    assert _row(values, "stp", "S1")["value"] == pytest.approx(75.0)  # 4500/6000, not (100+50+100)/3
    london = _row(values, "region", "E40000003")
    assert (london["numerator"], london["denominator"]) == (8500, 10000)
    assert london["value"] == pytest.approx(85.0)  # not the mean of practice rates, 87.5
    assert (london["area_name"], london["pcn_code"], london["stp_code"]) == ("London", "", "")


def test_a_suppressed_figure_drops_that_practice_period_from_numerator_and_denominator():
    # 2020-04-01: P3's patients_covered is '*', so P3 is left out of both sides
    values = _values("coverage")
    stp = _row(values, "stp", "S1", "2020-04-01")
    assert (stp["numerator"], stp["denominator"]) == (4000, 4000)  # P1 + P2 only, not 4000/6000
    london = _row(values, "region", "E40000003", "2020-04-01")
    assert (london["numerator"], london["denominator"], london["value"]) == (8000, 8000, 100)
    assert _areas(values, "practice", "2020-04-01") == ["P1", "P2", "P4"]
    assert _areas(values, "borough", "2020-04-01") == ["B1", "B3"]


def test_a_row_with_a_suppressed_denominator_is_dropped_from_the_numerator_too(tmp_path):
    # One table, several rows per borough: B1's patient row has respondents '*' but aware 10.
    # Aware among all respondents in B1 must be 5/20 = 25%, not (5 + 10)/20 = 75%.
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    survey = folder / "vision_survey.csv"
    survey.write_text(survey.read_text().replace("Patient or public,100,10", "Patient or public,*,10"))
    data = load_data(CONFIG, folder)
    everyone = replace(CONFIG.indicator("gps_aware"), id="everyone_aware",
                       numerator=replace(CONFIG.indicator("gps_aware").numerator, filter=()),
                       denominator=replace(CONFIG.indicator("gps_aware").denominator, filter=()))
    values = compute_indicator_values(everyone, data)
    b1 = _row(values, "borough", "B1")
    assert (b1["numerator"], b1["denominator"]) == (5, 20)
    london = _row(values, "region", "E40000003")
    assert (london["numerator"], london["denominator"]) == (20, 60)  # 5+6+9 of 20+10+30


def test_several_columns_are_added_up():
    # numerator GP + nurse FTE for P2: 2.0 + 1.0 = 3.0 for 3,000 patients -> 1.0 per 1,000
    values = _values("clinical_fte_per_1000")
    assert _row(values, "practice", "P2")["numerator"] == pytest.approx(3.0)
    assert _row(values, "practice", "P2")["value"] == pytest.approx(1.0)


def test_a_filter_counts_only_matching_rows():
    # GP rows only: B1 5/20, B2 6/10, B3 9/30; London 20/60. The patient row (10 of 100) is not counted.
    values = _values("gps_aware")
    assert _row(values, "borough", "B1")["value"] == pytest.approx(25.0)
    assert _row(values, "stp", "S1")["value"] == pytest.approx(100 * 11 / 30)
    london = _row(values, "region", "E40000003")
    assert (london["numerator"], london["denominator"]) == (20, 60)


def test_maturity_counts_scores_of_4_or_5_and_the_rest_as_zero():
    # N1 scores 4 and 2 -> 1 of 2; N2 5 -> 1 of 1; N3 1 -> 0 of 1 (still shown, as 0%); London 2 of 4
    values = _values("maturity_embedded")
    assert [(_row(values, "pcn", n)["numerator"], _row(values, "pcn", n)["denominator"]) for n in ("N1", "N2", "N3")] \
        == [(1, 2), (1, 1), (0, 1)]
    assert _row(values, "pcn", "N3")["value"] == 0
    assert _row(values, "stp", "S1")["value"] == pytest.approx(100 * 2 / 3)
    assert _row(values, "region", "E40000003")["value"] == pytest.approx(50.0)


@pytest.mark.parametrize(("indicator_id", "levels"), [
    ("gps_aware", ["borough", "region", "stp"]),  # keyed by borough: no PCN or practice rows
    ("maturity_embedded", ["borough", "pcn", "region", "stp"]),  # keyed by PCN: no practice rows
    ("coverage", ["borough", "pcn", "practice", "region", "stp"]),
])
def test_tables_roll_up_but_never_down(indicator_id, levels):
    assert sorted(set(_values(indicator_id)["level"])) == levels


def test_parents_are_filled_only_above_the_level():
    values = _values("maturity_embedded")
    pcn = _row(values, "pcn", "N2")
    assert (pcn["pcn_code"], pcn["borough_code"], pcn["stp_code"], pcn["area_name"]) == ("N2", "B2", "S1", "North Two PCN")
    borough = _row(values, "borough", "B3")
    assert (borough["pcn_code"], borough["borough_code"], borough["stp_code"]) == ("", "B3", "S2")


def test_small_denominators_are_suppressed_but_still_count_in_their_parents():
    # suppress below 15: B2 (10 GP respondents) is hidden; S1 still adds it: 11/30
    values = _values("gps_aware", suppress_below=15)
    b2 = _row(values, "borough", "B2")
    assert b2["suppressed"]
    assert np.isnan(b2["value"]) and np.isnan(b2["lower_95"]) and np.isnan(b2["upper_95"])
    assert np.isnan(b2["numerator"]) and np.isnan(b2["denominator"])  # the counts are withheld too
    assert (b2["vs_region"], b2["vs_stp"]) == ("not compared", "not compared")
    # B1 (20 respondents) would give B2 away as S1 - B1, so it is withheld too (its STP's only other borough)
    b1 = _row(values, "borough", "B1")
    assert b1["suppressed"] and np.isnan(b1["numerator"]) and np.isnan(b1["denominator"])
    assert _row(values, "stp", "S1")["value"] == pytest.approx(100 * 11 / 30)
    assert not _row(values, "borough", "B3")["suppressed"]


@pytest.mark.parametrize("indicator_id", [definition.id for definition in CONFIG.indicators])
def test_suppressed_rows_carry_no_counts(indicator_id):
    # Withhold the rows with the fixture's smallest denominator (every row when they are all the same).
    denominators = sorted(set(_values(indicator_id, suppress_below=0)["denominator"].dropna()))
    threshold = denominators[1] if len(denominators) > 1 else denominators[0] + 1
    values = _values(indicator_id, suppress_below=threshold)
    hidden, shown = values[values["suppressed"]], values[~values["suppressed"]]
    assert len(hidden)
    assert hidden[["numerator", "denominator", "value", "lower_95", "upper_95"]].isna().all().all(), hidden
    assert (hidden[["vs_region", "vs_stp"]] == "not compared").all().all()
    assert shown["denominator"].ge(threshold).all() and shown["numerator"].notna().all()


def test_exactly_the_threshold_is_shown():
    values = _values("gps_aware", suppress_below=10)
    assert not _row(values, "borough", "B2")["suppressed"]


def test_wilson_intervals_and_labels_against_london_and_the_stp():
    # P2 1500/3000 = 50%: Wilson 48.2-51.8, below London 85% and S1 75% -> worse, worse
    # P1 1000/1000 = 100%: lower 1/(1 + 1.96^2/1000) = 99.62% > 85 and > 75 -> better, better
    # P4 4000/4000 = 100%: S2 is also 100%, the interval reaches it -> similar to its STP
    # S1 4500/6000 = 75%: 73.9-76.1 below London 85% -> worse
    values = _values("coverage")
    p2 = _row(values, "practice", "P2")
    assert (p2["lower_95"], p2["upper_95"]) == (pytest.approx(48.21, abs=0.01), pytest.approx(51.79, abs=0.01))
    assert (p2["vs_region"], p2["vs_stp"]) == ("worse", "worse")
    p1 = _row(values, "practice", "P1")
    assert p1["lower_95"] == pytest.approx(100 / (1 + 1.96**2 / 1000), abs=0.01)
    assert (p1["vs_region"], p1["vs_stp"]) == ("better", "better")
    assert (_row(values, "practice", "P4")["vs_region"], _row(values, "practice", "P4")["vs_stp"]) == ("better", "similar")
    assert (_row(values, "stp", "S1")["vs_region"], _row(values, "stp", "S1")["vs_stp"]) == ("worse", "not compared")
    assert _row(values, "stp", "S2")["vs_region"] == "better"


def test_lower_is_better_turns_the_labels_round():
    values = _values("coverage", direction="lower_is_better")
    assert (_row(values, "practice", "P2")["vs_region"], _row(values, "practice", "P1")["vs_region"]) == ("better", "worse")


def test_direction_neither_says_higher_or_lower():
    values = _values("coverage", direction="neither")
    assert (_row(values, "practice", "P2")["vs_region"], _row(values, "practice", "P1")["vs_region"]) == ("lower", "higher")


def test_comparison_none_never_compares():
    values = _values("coverage", comparison="none")
    assert set(values["vs_region"]) == {"not compared"} and set(values["vs_stp"]) == {"not compared"}
    assert values["lower_95"].isna().all()
    assert _row(values, "region", "E40000003")["value"] == pytest.approx(85.0)


def test_byar_intervals_for_a_rate():
    # London 36 appointments for 10,000 patients = 3.6 per 1,000. Byar:
    # 36 * (1 - 1/324 - 1.96/18)^3 = 25.21; 37 * (1 - 1/333 + 1.96/(3*sqrt(37)))^3 = 49.84 -> /10
    # P1: 3 events, exact: chi2(0.025, 6)/2 = 0.6187, chi2(0.975, 8)/2 = 8.7673 per 1,000 patients
    values = _values("appointments_per_1000")
    london = _row(values, "region", "E40000003")
    assert london["value"] == pytest.approx(3.6)
    assert (london["lower_95"], london["upper_95"]) == (pytest.approx(2.521, abs=1e-3), pytest.approx(4.984, abs=1e-3))
    p1 = _row(values, "practice", "P1")
    assert (p1["lower_95"], p1["upper_95"]) == (pytest.approx(0.6187, abs=1e-3), pytest.approx(8.767, abs=1e-3))
    assert p1["vs_region"] == "similar"


def test_missing_table_makes_the_indicator_unavailable():
    data = load_data(CONFIG, BROKEN / "missing_file")
    with pytest.raises(IndicatorUnavailable, match="'extended_access' could not be loaded"):
        compute_indicator_values(CONFIG.indicator("appointments_per_1000"), data)
    assert not compute_indicator_values(CONFIG.indicator("gps_aware"), data).empty


def test_a_bad_number_leaves_out_only_that_practice_period():
    # text_in_number: P2's patients on 2020-01-01 are 'abc', so P2 drops out of 2020-01-01 on both sides:
    # N1 = P1 alone = 1000/1000; London = (1000 + 2000 + 4000) / (1000 + 2000 + 4000)
    values = compute_indicator_values(CONFIG.indicator("coverage"), load_data(CONFIG, BROKEN / "text_in_number"))
    assert (_row(values, "pcn", "N1")["numerator"], _row(values, "pcn", "N1")["denominator"]) == (1000, 1000)
    assert _row(values, "region", "E40000003")["denominator"] == 7000
    assert _row(values, "practice", "P2", "2020-04-01")["value"] == pytest.approx(100.0)


def test_practice_left_out_of_the_geography_is_left_out_of_london():
    # no_stp: P4 has no STP, so London on 2020-01-01 is P1-P3 only: 4500/6000
    values = compute_indicator_values(CONFIG.indicator("coverage"), load_data(CONFIG, BROKEN / "no_stp"))
    assert _row(values, "region", "E40000003")["value"] == pytest.approx(75.0)
    assert "S2" not in set(values["stp_code"])


def test_every_period_with_data_has_a_london_row():
    for definition in CONFIG.indicators:
        values = compute_indicator_values(definition, DATA)
        london = values.loc[values["level"] == "region"]
        assert set(london["period"]) == set(values["period"]), definition.id
        assert list(values.columns) == list(RESULT_COLUMNS)
        assert (values["indicator_id"] == definition.id).all()


def test_a_practice_with_no_borough_still_counts_in_its_stp_and_london(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    practices = (folder / "practices.csv").read_text().replace(",B2,Borough Two,", ",,,")
    (folder / "practices.csv").write_text(practices)
    data = load_data(CONFIG, folder)
    # only the survey's B2 rows lose their place; practices.csv itself is fine with a blank borough
    assert {problem.source for problem in data.errors} == {"vision_survey.csv"}
    values = compute_indicator_values(CONFIG.indicator("coverage"), data)
    assert "B2" not in set(values.loc[values["level"] == "borough", "area_code"])  # P3 was B2's only practice
    assert _row(values, "stp", "S1")["denominator"] == 6000  # P1 + P2 + P3, as before
    assert _row(values, "region", "E40000003")["denominator"] == 10000
    assert _row(values, "practice", "P3")["borough_code"] == ""


DEMO = next(d for d in (ROOT / "data" / "illustrative", ROOT / "data") if (d / "practices.csv").exists())


def test_a_network_with_no_staff_rows_keeps_its_patients_in_the_rate(tmp_path):
    """The issue's reproduction: take one PCN's rows out of the demo census; the London rate must fall."""
    config = load_config(ROOT / "config.yaml")
    definition = config.indicator("pcn_dpc_fte_per_1000")
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    before = compute_indicator_values(definition, load_data(config, folder))
    staff = pd.read_csv(folder / "pcn_workforce.csv", dtype=str)
    gone = staff["pcn_code"].iloc[0]
    staff[staff["pcn_code"] != gone].to_csv(folder / "pcn_workforce.csv", index=False)
    after = compute_indicator_values(definition, load_data(config, folder))
    period = staff.loc[staff["pcn_code"] == gone, "period"].max()
    london_before, london_after = (v[(v["level"] == "region") & (v["period"] == period)].iloc[0] for v in (before, after))
    assert london_after["denominator"] == london_before["denominator"]  # its patients still count
    assert london_after["numerator"] < london_before["numerator"]
    assert london_after["value"] < london_before["value"]
    network = _row(after, "pcn", gone, period)
    assert network["numerator"] == 0 and network["value"] == 0  # a network with no row employs no one
