"""indicators/views.py: headline figures (targets met in the indicator's direction, change since the first period),
the display table's comparisons in words, mixes, maturity grids and the latest period with figures; worked by hand."""
import math

import numpy as np
import pandas as pd
import pytest
from example_areas import ENGLAND, LONDON

from indicators.definitions import IndicatorDefinition, Measure, Target
from indicators.views import (
    compute_display_table,
    compute_headline,
    compute_latest_headline,
    compute_maturity_grid,
    compute_mix,
    compute_target_status,
    latest_period_with_values,
)


def make_definition(**overrides) -> IndicatorDefinition:
    fields = {
        "id": "coverage", "name": "Patients with extended access", "plain_name": "", "description": "",
        "plain_description": "", "domain": "access", "numerator": Measure("t", ("n",)),
        "denominator": Measure("t", ("d",)), "multiplier": 100, "unit": "%", "direction": "higher_is_better",
        "comparison": "wilson", "decimals": 1, "target": Target(97, "a published ambition"),
    }
    return IndicatorDefinition(**{**fields, **overrides})


COVERAGE = make_definition()
WAITING = make_definition(id="waiting", name="Days to wait", unit="days", multiplier=1, decimals=0,
                          direction="lower_is_better", target=Target(14, "a published ambition"))
GP_RATE = make_definition(id="gps", name="GPs per 1,000", unit="per 1,000 patients", multiplier=1000, decimals=2,
                          comparison="tolerance", target=None, short_name="GP")


def series(values: dict[str, float], area_code: str = "S1") -> pd.DataFrame:
    return pd.DataFrame({"area_code": area_code, "period": list(values), "value": list(values.values())})


# targets met honour the indicator's direction


@pytest.mark.parametrize("definition, value, text, met", [
    (COVERAGE, 97.4, "Target 97.0%: met ✓", True),
    (COVERAGE, 97.0, "Target 97.0%: met ✓", True),  # reaching the target exactly meets it
    (COVERAGE, 96.9, "Target 97.0%: not met ✗", False),
    (WAITING, 10.0, "Target 14 days: met ✓", True),  # lower is better: under the target meets it
    (WAITING, 14.0, "Target 14 days: met ✓", True),
    (WAITING, 21.0, "Target 14 days: not met ✗", False),
    (COVERAGE, math.nan, "Target 97.0%: no figure to compare", None),
    (GP_RATE, 0.6, "No published target", None),
])
def test_targets_are_met_in_the_indicators_own_direction(definition, value, text, met):
    assert compute_target_status(definition, value) == (text, met)
    headline = compute_headline(series({"2021-01-01": value}), definition, area_code="S1", period="2021-01-01")
    assert (headline.target_text, headline.target_met) == (text, met)


# change since the first period


def test_the_change_is_since_the_first_earlier_period_with_a_figure():
    # 2018-04 has no figure (suppressed), so the change runs from 2018-07 (60.0) to 2021-01 (90.0): +30.0 points
    rows = series({"2018-04-01": np.nan, "2018-07-01": 60.0, "2019-01-01": 70.0, "2021-01-01": 90.0})
    headline = compute_headline(rows, COVERAGE, area_code="S1", period="2021-01-01")
    assert (headline.value, headline.text) == (90.0, "90.0%")
    assert headline.change_text == "+30.0 points since July 2018"


def test_a_fall_in_a_rate_has_a_minus_sign_and_no_points():
    rows = series({"2020-01-01": 0.63, "2021-01-01": 0.56})
    headline = compute_headline(rows, GP_RATE, area_code="S1", period="2021-01-01")
    assert headline.change_text == "-0.07 since January 2020"


def test_there_is_no_change_for_the_first_period_a_missing_figure_or_other_areas_rows():
    rows = pd.concat([series({"2020-01-01": 50.0, "2021-01-01": 60.0}), series({"2019-01-01": 10.0}, "S2")])
    assert compute_headline(rows, COVERAGE, area_code="S1", period="2020-01-01").change_text == ""
    assert compute_headline(rows, COVERAGE, area_code="S1", period="2021-01-01").change_text == (
        "+10.0 points since January 2020")  # S2's 2019 row is not S1's first period
    missing = compute_headline(rows, COVERAGE, area_code="S1", period="2022-01-01")
    assert (missing.text, missing.change_text) == ("not shown", "")


def test_the_latest_headline_falls_back_to_the_latest_period_with_a_figure():
    rows = series({"2020-01-01": 50.0, "2020-04-01": 60.0, "2020-07-01": np.nan})
    headline, period = compute_latest_headline(rows, COVERAGE, area_code="S1", period="2020-07-01")
    assert (period, headline.text, headline.change_text) == ("2020-04-01", "60.0%", "+10.0 points since January 2020")
    assert compute_latest_headline(series({"2020-01-01": np.nan}), COVERAGE, area_code="S1",
                                   period="2020-01-01") is None


def test_latest_period_with_values():
    rows = series({"2020-01-01": 1.0, "2020-04-01": np.nan, "2020-07-01": 3.0})
    assert latest_period_with_values(rows, "2020-04-01") == "2020-01-01"
    assert latest_period_with_values(rows, "2021-01-01") == "2020-07-01"
    assert latest_period_with_values(rows, "2019-01-01") == "2020-01-01"  # nothing earlier: the first there is
    assert latest_period_with_values(rows.iloc[0:0], "2020-01-01") is None


# the display table


def tidy_rows() -> pd.DataFrame:
    rows = [
        # level, code, name, value, lower, upper, suppressed, vs_region, vs_stp, numerator, denominator
        ("borough", "B1", "Borough One", 62.51, 61.0, 64.0, False, "worse", "better", 2500.0, 4000.0),
        ("borough", "B2", "Borough Two", np.nan, np.nan, np.nan, True, "not compared", "not compared", np.nan,
         np.nan),
        ("stp", "S1", "STP One", 75.0, 73.9, 76.1, False, "similar", "not compared", 4500.0, 6000.0),
        ("region", "E40000003", "London", 85.0, 84.3, 85.7, False, "not compared", "not compared", 8500.0, 10000.0),
    ]
    frame = pd.DataFrame(rows, columns=["level", "area_code", "area_name", "value", "lower_95", "upper_95",
                                        "suppressed", "vs_region", "vs_stp", "numerator", "denominator"])
    return frame.assign(period="2021-01-01")


def test_the_display_table_compares_each_area_with_the_region_and_with_its_own_stp_in_words():
    expected = pd.DataFrame({
        "Area": ["Borough One", "Borough Two", "STP One", "London"],
        "Level": ["Borough", "Borough", "STP", "London"],
        "Period": ["2021-01-01"] * 4,
        "Patients with extended access": [62.5, np.nan, 75.0, 85.0],
        "Target 97.0%": ["not met", "no figure", "not met", "not met"],  # the target first, then comparisons
        "95% confidence interval": ["61.0 to 64.0", "", "73.9 to 76.1", "84.3 to 85.7"],
        "Compared with London": ["Worse than London", "Not compared", "Similar to London", "Not compared"],
        "Compared with its STP": ["Better than its STP", "Not compared", "Not compared", "Not compared"],
        "Numerator": [2500.0, np.nan, 4500.0, 8500.0],
        "Denominator": [4000.0, np.nan, 6000.0, 10000.0],
        "Shown": ["Yes", "No: too few to show", "Yes", "Yes"],
    })
    pd.testing.assert_frame_equal(compute_display_table(tidy_rows(), COVERAGE, LONDON), expected)


def test_the_display_table_names_the_datas_own_region_and_levels():
    rows = tidy_rows().assign(area_name=["Place A", "Place B", "System 01", "England"],
                              area_code=["X1", "X2", "QE01", "E92000001"])
    table = compute_display_table(rows, COVERAGE, ENGLAND)
    assert list(table.columns[4:8]) == ["Target 97.0%", "95% confidence interval", "Compared with England",
                                        "Compared with its STP"]
    assert list(table["Level"]) == ["CCG area", "CCG area", "STP", "England"]
    assert table["Compared with its STP"].iloc[0] == "Better than its STP"
    assert not table.apply(lambda column: column.astype(str).str.contains("London")).any().any()


# mixes and maturity


def test_the_mix_stacks_each_parts_values_under_its_short_name():
    gps = pd.DataFrame({"area_code": ["S1", "E40000003"], "area_name": ["STP One", "London"],
                        "level": ["stp", "region"], "value": [0.6, 0.55]})
    nurses = gps.assign(value=[0.3, 0.25])
    mix = compute_mix({"gps": gps, "nurses": nurses},
                      [GP_RATE, make_definition(id="nurses", short_name="Nurses")])
    expected = pd.DataFrame({"area_code": ["S1", "E40000003"] * 2, "area_name": ["STP One", "London"] * 2,
                             "level": ["stp", "region"] * 2, "staff_group": ["GP", "GP", "Nurses", "Nurses"],
                             "fte_per_1000": [0.6, 0.55, 0.3, 0.25]})
    pd.testing.assert_frame_equal(mix, expected)
    assert list(compute_mix({}, []).columns) == ["area_code", "area_name", "level", "staff_group", "fte_per_1000"]


def test_the_maturity_grid_keeps_the_stps_networks_in_the_period_and_averages_repeats():
    geography = pd.DataFrame({"pcn_code": ["N1", "N2", "N3"], "pcn_name": ["Net One", "Net Two", "Net Three"],
                              "borough_name": ["Zed", "Alpha", "Alpha"], "stp_code": ["S1", "S1", "S2"]})
    scores = pd.DataFrame({
        "pcn_code": ["N1", "N1", "N2", "N3", "N1"], "period": ["2021-01-01"] * 4 + ["2020-10-01"],
        "maturity_domain": ["Data", "Data", "Data", "Data", "Data"], "score": [2.0, 4.0, 5.0, 1.0, 1.0],
    })
    expected = pd.DataFrame({"borough_name": ["Alpha", "Zed"], "pcn_name": ["Net Two", "Net One"],
                             "maturity_domain": ["Data", "Data"], "score": [5.0, 3.0]})
    pd.testing.assert_frame_equal(
        compute_maturity_grid(scores, geography, stp_code="S1", period="2021-01-01"), expected)
