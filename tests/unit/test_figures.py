"""Tests for the plotly figure builders in figures/ (comparison, trend, funnel, workforce_mix, maturity, spine) and
their text alternatives, and figures/palette.py. The maps are tests/unit/test_maps.py."""
import ast
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from example_areas import ENGLAND, LONDON

from figures import comparison, funnel, maturity, palette, spine, trend, workforce_mix
from indicators.definitions import IndicatorDefinition, Measure, Target
from indicators.formatting import format_status
from indicators.statistics import Z_95, Z_998, funnel_limits

ROOT = Path(__file__).resolve().parents[2]


def make_definition(**overrides) -> IndicatorDefinition:
    fields = {
        "id": "extended_access_coverage", "name": "Patients with extended access",
        "plain_name": "People who can see a GP late", "description": "", "plain_description": "",
        "domain": "access", "numerator": Measure("extended_access", ("patients_covered",)),
        "denominator": Measure("registered_patients", ("registered_patients",)), "multiplier": 100,
        "unit": "%", "direction": "higher_is_better", "comparison": "wilson", "decimals": 1,
        "target": Target(97, "London's ambition"),
    }
    return IndicatorDefinition(**{**fields, **overrides})


COVERAGE = make_definition()
GP_FTE = make_definition(id="gp_fte_per_1000", name="GP FTE per 1,000 patients", unit="per 1,000 patients",
                         multiplier=1000, decimals=2, comparison="tolerance", target=None, tolerance_percent=10,
                         numerator=Measure("workforce", ("gp_fte",)))
IN_LONDON = {"benchmark_name": "London", "benchmark_value": 97.8}
APPOINTMENTS = make_definition(id="appointments", name="Appointments per 1,000 patients a week",
                               unit="per 1,000 patients a week", multiplier=1000, comparison="byar", target=None)


def stp_values() -> pd.DataFrame:
    rows = [
        ("QMJ", "North Central London", 96.9, "similar"),
        ("QMF", "North East London", 96.2, "worse"),
        ("QRV", "North West London", 98.5, "better"),
        ("QKK", "South East London", 97.4, "similar"),
        ("QWE", "South West London", 99.1, "better"),
    ]
    frame = pd.DataFrame([
        {"indicator_id": "extended_access_coverage", "period": "2021-01-01", "level": "stp", "area_code": code,
         "area_name": name, "value": value, "lower_95": value - 0.3, "upper_95": value + 0.4,
         "suppressed": False, "vs_region": status, "vs_stp": "not compared"}
        for code, name, value, status in rows
    ])
    hidden = {"indicator_id": "extended_access_coverage", "period": "2021-01-01", "level": "stp",
              "area_code": "QXX", "area_name": "Tiny STP", "value": np.nan, "lower_95": np.nan,
              "upper_95": np.nan, "suppressed": True, "vs_region": "not compared", "vs_stp": "not compared"}
    older = frame.assign(period="2020-10-01", value=50.0)
    return pd.concat([older, frame, pd.DataFrame([hidden])], ignore_index=True)


def trace_named(figure: go.Figure, name: str):
    matches = [trace for trace in figure.data if trace.name == name]
    assert len(matches) == 1, [trace.name for trace in figure.data]
    return matches[0]


def shape_named(figure: go.Figure, prefix: str):
    matches = [shape for shape in figure.layout.shapes if (shape.name or "").startswith(prefix)]
    assert len(matches) == 1, [shape.name for shape in figure.layout.shapes]
    return matches[0]


def plain(text: str) -> str:
    return re.sub(r"<br>", " ", text or "")


# palette


def test_contrast_ratio_matches_wcag_reference_values():
    assert palette.compute_contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.compute_contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert palette.compute_contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", palette.CATEGORICAL_COLORS + tuple(s.colour for s in palette.STATUS_STYLES.values()))
def test_every_chart_colour_reaches_three_to_one_on_white(colour):
    assert palette.compute_contrast_ratio(colour, "#FFFFFF") >= 3.0


def test_streamlit_theme_uses_the_same_colours_and_all_reach_three_to_one():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    colours = theme["chartCategoricalColors"]
    assert tuple(colour.upper() for colour in colours) == palette.CATEGORICAL_COLORS
    assert min(palette.compute_contrast_ratio(colour, "#FFFFFF") for colour in colours) >= 3.0


def test_each_status_has_its_own_colour_symbol_and_words():
    styles = palette.STATUS_STYLES.values()
    assert len({style.colour for style in styles}) == len(palette.STATUS_STYLES)
    assert len({style.symbol for style in styles}) == len(palette.STATUS_STYLES)
    assert format_status("better", "London") == "Better than London"
    assert format_status("similar", "North East London") == "Similar to North East London"
    assert format_status("nonsense", "London") == "Not compared"
    assert palette.style_for_status(None).symbol == "circle-open"


def test_readable_text_colour_picks_the_higher_contrast():
    assert palette.readable_text_colour("#FDE725") == "#000000"
    assert palette.readable_text_colour("#440154") == "#FFFFFF"


# area comparison


def test_area_comparison_draws_latest_period_by_status_with_ci_and_reference_lines():
    figure = comparison.build_area_comparison_figure(stp_values(), COVERAGE, LONDON, **IN_LONDON)
    better = trace_named(figure, "Better than London")
    assert tuple(better.y) == ("North West London", "South West London")
    assert list(better.x) == pytest.approx([98.5, 99.1])
    assert list(better.error_x.array) == pytest.approx([0.4, 0.4])
    assert list(better.error_x.arrayminus) == pytest.approx([0.3, 0.3])
    worse = trace_named(figure, "Worse than London")
    assert tuple(worse.y) == ("North East London",)
    similar = trace_named(figure, "Similar to London")
    symbols = {better.marker.symbol, worse.marker.symbol, similar.marker.symbol}
    colours = {better.marker.color, worse.marker.color, similar.marker.color}
    assert len(symbols) == 3 and len(colours) == 3
    # highest at the top: plotly lists categories bottom to top
    assert list(figure.layout.yaxis.categoryarray) == [
        "North East London", "North Central London", "South East London", "North West London", "South West London"]
    benchmark = shape_named(figure, "London")
    assert (benchmark.x0, benchmark.x1) == (97.8, 97.8) and benchmark.line.dash == "solid"
    target = shape_named(figure, "Target")
    assert (target.x0, target.x1) == (97, 97) and target.line.dash == "dash"
    assert "Tiny STP" not in [name for trace in figure.data for name in trace.y]
    assert "1 STP not shown" in plain(figure.layout.title.subtitle.text)
    assert "January 2021" in plain(figure.layout.title.text)
    assert figure.layout.xaxis.title.text == "Percent (%)"
    assert figure.layout.yaxis.title.text == "STP"


def test_area_comparison_without_target_has_only_the_benchmark_line():
    values = stp_values().assign(vs_stp="higher")
    figure = comparison.build_area_comparison_figure(values, GP_FTE, LONDON, benchmark_value=97.0,
                                                     benchmark_name="North East London", status_column="vs_stp")
    assert [shape.name for shape in figure.layout.shapes] == ["North East London 97.00 per 1,000 patients"]
    assert [trace.name for trace in figure.data] == ["Higher than North East London"]
    assert figure.layout.xaxis.title.text == "Per 1,000 patients"


def test_area_comparison_without_intervals_explains_the_tolerance():
    values = stp_values().assign(lower_95=np.nan, upper_95=np.nan)
    figure = comparison.build_area_comparison_figure(values, GP_FTE, LONDON, benchmark_name="London",
                                                     benchmark_value=97.0)
    assert all(trace.error_x.array is None for trace in figure.data)
    assert "Similar means within 10% of London" in plain(figure.layout.title.subtitle.text)


def test_area_comparison_with_nothing_to_show_says_so():
    figure = comparison.build_area_comparison_figure(stp_values().iloc[0:0], COVERAGE, LONDON, **IN_LONDON)
    assert len(figure.data) == 0
    assert figure.layout.annotations[0].text == "No figures to show for this choice."


def test_describe_area_comparison_is_one_sentence_with_the_numbers():
    text = comparison.describe_area_comparison(stp_values(), COVERAGE, LONDON, **IN_LONDON)
    assert text == ("Chart of patients with extended access in the 5 STPs in January 2021: highest South West "
                    "London 99.1%, lowest North East London 96.2%; London 97.8%; target 97.0%; 2 better than "
                    "London, 2 similar to London, 1 worse than London; 1 STP not shown (too few to give a "
                    "reliable figure).")


def test_the_comparison_names_the_datas_own_region_and_places():
    places = stp_values().assign(level="borough")
    figure = comparison.build_area_comparison_figure(places, COVERAGE, ENGLAND, benchmark_name="England",
                                                     benchmark_value=97.8)
    assert figure.layout.yaxis.title.text == "CCG area"
    assert {trace.name for trace in figure.data} == {"Better than England", "Similar to England", "Worse than England"}
    assert "1 CCG area not shown" in plain(figure.layout.title.subtitle.text)
    text = comparison.describe_area_comparison(places, COVERAGE, ENGLAND, benchmark_name="England",
                                               benchmark_value=97.8)
    assert text.startswith("Chart of patients with extended access in the 5 CCG areas in January 2021")
    assert "London 97.8%" not in text and "England 97.8%" in text


# trend


def trend_values(with_ci: bool = True) -> pd.DataFrame:
    periods = ["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01"]
    rows = []
    areas = [("E09000012", "Hackney", 80.0), ("QMF", "North East London", 85.0), ("E40000003", "London", 90.0)]
    for code, name, start in areas:
        for step, period in enumerate(periods):
            value = start + step
            rows.append({"period": period, "level": "x", "area_code": code, "area_name": name, "value": value,
                         "lower_95": value - 1 if with_ci else np.nan, "upper_95": value + 1 if with_ci else np.nan,
                         "suppressed": code == "E09000012" and step == 2})
    return pd.DataFrame(rows)


def test_trend_has_one_line_per_area_in_order_with_gaps_for_suppressed_periods():
    figure = trend.build_trend_figure(trend_values(), COVERAGE, areas=["E40000003", "E09000012", "QMF"])
    lines = [trace for trace in figure.data if trace.mode == "lines+markers"]
    assert [trace.name for trace in lines] == ["London", "Hackney", "North East London"]
    hackney = trace_named(figure, "Hackney")
    assert list(hackney.y[:2]) == [80.0, 81.0] and np.isnan(hackney.y[2]) and hackney.y[3] == 83.0
    assert pd.Timestamp(hackney.x[0]) == pd.Timestamp("2020-01-01")
    assert figure.layout.xaxis.type == "date"
    assert len({trace.line.dash for trace in lines}) == 3 and len({trace.marker.symbol for trace in lines}) == 3


def test_trend_band_is_for_the_first_area_only_and_target_is_dashed():
    figure = trend.build_trend_figure(trend_values(), COVERAGE, areas=["E09000012", "QMF", "E40000003"])
    bands = [trace for trace in figure.data if trace.fill == "toself"]
    assert [band.name for band in bands] == ["95% confidence interval, Hackney"]
    # the suppressed period splits the band into two closed shapes
    assert sum(x is None for x in bands[0].x) == 1
    assert max(y for y in bands[0].y if y is not None) == pytest.approx(84.0)
    target = shape_named(figure, "Target")
    assert (target.y0, target.y1, target.line.dash) == (97, 97, "dash")
    assert len(figure.data) == 4
    assert figure.layout.yaxis.title.text == "Percent (%)"
    assert figure.layout.xaxis.title.text == "Period"


def test_trend_without_intervals_has_no_band_and_accepts_area_names():
    figure = trend.build_trend_figure(trend_values(with_ci=False), GP_FTE, areas=["Hackney", "E40000003", "nowhere"])
    assert [trace.name for trace in figure.data] == ["Hackney", "London"]
    assert not figure.layout.shapes


def test_describe_trend():
    text = trend.describe_trend(trend_values(), COVERAGE, areas=["E09000012", "E40000003"])
    assert text == ("Line chart of patients with extended access from January 2020 to October 2020: "
                    "Hackney went from 80.0% to 83.0%; London went from 90.0% to 93.0%.")


# funnel


def practices(values, denominators, statuses=None, **extra) -> pd.DataFrame:
    count = len(values)
    return pd.DataFrame({
        "period": "2021-01-01", "level": "practice", "area_code": [f"F{i}" for i in range(count)],
        "area_name": [f"Practice {i}" for i in range(count)], "value": values, "denominator": denominators,
        "suppressed": extra.get("suppressed", [False] * count),
        "vs_region": statuses or ["similar"] * count,
    })


AT_50 = {"benchmark_name": "London", "benchmark_value": 50.0}


def test_funnel_wilson_limits_match_hand_computed_values():
    # p = 0.5, n = 100, exact binomial (test_statistics.py works them out): 39.68 / 59.32; at 99.8%: 34.12 / 64.88
    figure = funnel.build_funnel_figure(practices([45.0, 52.0], [100, 100]), COVERAGE, LONDON, **AT_50)
    limits95 = trace_named(figure, "95% control limits")
    assert limits95.y[0] == pytest.approx(39.68, abs=0.01)
    assert np.isnan(limits95.y[1])
    assert limits95.y[2] == pytest.approx(59.32, abs=0.01)
    limits998 = trace_named(figure, "99.8% control limits")
    assert (limits998.y[0], limits998.y[2]) == pytest.approx((34.12, 64.88), abs=0.01)
    assert limits95.line.dash != limits998.line.dash


def test_funnel_points_are_denominator_against_value_and_suppressed_ones_are_counted():
    frame = practices([45.0, 60.0, np.nan], [100, 400, 3], ["similar", "better", "not compared"],
                      suppressed=[False, False, True])
    figure = funnel.build_funnel_figure(frame, COVERAGE, LONDON, **AT_50)
    similar = trace_named(figure, "Similar to London")
    better = trace_named(figure, "Better than London")
    assert (list(similar.x), list(similar.y)) == ([100.0], [45.0])
    assert (list(better.x), list(better.y)) == ([400.0], [60.0])
    assert similar.marker.symbol != better.marker.symbol
    assert "1 practice not shown" in plain(figure.layout.title.subtitle.text)
    benchmark = shape_named(figure, "London")
    assert (benchmark.y0, benchmark.y1) == (50.0, 50.0)
    assert figure.layout.xaxis.title.text == "Registered patients (denominator)"
    assert figure.layout.yaxis.title.text == "Percent (%) (axis does not start at zero)"


def test_a_funnel_value_axis_starts_at_zero_or_says_plainly_that_it_does_not():
    close_up = funnel.build_funnel_figure(practices([96.0, 99.0], [5_000, 9_000]), COVERAGE, LONDON,
                                          benchmark_name="London", benchmark_value=97.5)
    low, high = close_up.layout.yaxis.range
    assert 0 < low < 96.0 and high > 99.0  # every point and limit on screen, the axis cut below them
    assert close_up.layout.yaxis.title.text.endswith("(axis does not start at zero)")
    assert "the value axis does not start at zero" in funnel.describe_funnel(
        practices([96.0, 99.0], [5_000, 9_000]), COVERAGE, LONDON, benchmark_name="London", benchmark_value=97.5)
    wide = funnel.build_funnel_figure(practices([5.0, 60.0], [40, 400]), COVERAGE, LONDON, **AT_50)
    assert wide.layout.yaxis.range is None and wide.layout.yaxis.rangemode == "tozero"
    assert wide.layout.yaxis.title.text == "Percent (%)"
    assert "the value axis starts at zero" in funnel.describe_funnel(
        practices([5.0, 60.0], [40, 400]), COVERAGE, LONDON, **AT_50)


def test_funnel_byar_limits_come_from_the_statistics_module():
    denominators = [1_000, 25_000]
    figure = funnel.build_funnel_figure(practices([4.0, 3.0], denominators), APPOINTMENTS, LONDON,
                                        benchmark_name="London", benchmark_value=4.0)
    limits = trace_named(figure, "95% control limits")
    grid = np.asarray(limits.x[:200], dtype=float)
    assert grid[0] == pytest.approx(1_000) and grid[-1] == pytest.approx(25_000)
    lower, upper = funnel_limits(4.0, grid, multiplier=1000, comparison="byar", z=Z_95)
    assert np.asarray(limits.y[:200], dtype=float) == pytest.approx(lower)
    assert np.asarray(limits.y[201:], dtype=float) == pytest.approx(upper)
    # limits narrow as the denominator grows
    assert upper[-1] - lower[-1] < upper[0] - lower[0]
    assert trace_named(figure, "99.8% control limits").y[0] == pytest.approx(
        funnel_limits(4.0, [1_000], multiplier=1000, comparison="byar", z=Z_998)[0][0])


def test_funnel_for_staff_counts_has_no_limits_and_says_why():
    frame = practices([0.5, 0.7, 0.62], [2_000, 5_000, 8_000], ["lower", "higher", "similar"])
    figure = funnel.build_funnel_figure(frame, GP_FTE, LONDON, benchmark_name="London", benchmark_value=0.6)
    assert not [trace for trace in figure.data if "control limits" in (trace.name or "")]
    assert "no control limits: no sampling error for staff counts" in plain(figure.layout.title.subtitle.text).lower()
    band = [shape for shape in figure.layout.shapes if (shape.name or "").startswith("Within 10%")]
    assert sorted(shape.y0 for shape in band) == pytest.approx([0.54, 0.66])
    # GP FTE: higher is better; outside the band is better or worse, whatever the rows' own labels said
    assert {trace.name for trace in figure.data} == {"Worse than London", "Better than London", "Similar to London"}


def test_describe_funnel_counts_areas_outside_the_limits():
    frame = practices([45.0, 80.0, 20.0], [100, 100, 100], ["similar", "better", "worse"])
    text = funnel.describe_funnel(frame, COVERAGE, LONDON, **AT_50)
    assert text == ("Funnel plot of patients with extended access for 3 practices in January 2021 against London "
                    "50.0%; 1 above the upper 99.8% limit, 1 below the lower 99.8% limit, 1 within; "
                    "the value axis starts at zero.")


# workforce mix


def mix_rows() -> pd.DataFrame:
    return pd.DataFrame([
        {"area_name": area, "staff_group": group, "fte_per_1000": value}
        for area, values in [("Hackney", (0.6, 0.3, 0.2, 1.1)), ("London", (0.55, 0.25, 0.25, 1.0))]
        for group, value in zip(("Admin", "Nurses", "Other direct patient care", "GP"), values[::-1])
    ])


def test_workforce_mix_stacks_staff_groups_in_the_usual_order():
    figure = workforce_mix.build_workforce_mix_figure(mix_rows())
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["GP", "Nurses", "Other direct patient care", "Admin"]
    gp = figure.data[0]
    assert tuple(gp.y) == ("Hackney", "London") and list(gp.x) == pytest.approx([0.6, 0.55])
    assert tuple(gp.text) == ("0.60", "0.55")
    assert list(figure.data[3].x) == pytest.approx([1.1, 1.0])
    assert figure.layout.xaxis.title.text == "Full-time equivalent staff per 1,000 registered patients"
    for trace in figure.data:  # numbers written inside the bars stay readable
        assert palette.compute_contrast_ratio(trace.marker.color, trace.insidetextfont.color) >= 4.5


def test_describe_workforce_mix():
    assert workforce_mix.describe_workforce_mix(mix_rows()) == (
        "Stacked bar chart of full-time equivalent staff per 1,000 registered patients by staff group for 2 areas: "
        "most staff in Hackney (2.20 per 1,000), fewest in London (2.05 per 1,000); most GPs in Hackney "
        "(0.60 per 1,000).")


# maturity heat map


CONFIG_DOMAIN_ORDER = ("Leadership, planning and partnerships", "Use of data and population health management",
                       "Integrating care")


def maturity_scores() -> pd.DataFrame:
    return pd.DataFrame([
        ("2020-01-01", "Alpha PCN", "Integrating care", 1),
        ("2021-01-01", "Alpha PCN", "Integrating care", 4),
        ("2021-01-01", "Alpha PCN", "Leadership, planning and partnerships", 2),
        ("2021-01-01", "Beta PCN", "Integrating care", 5),
        ("2021-01-01", "Beta PCN", "Leadership, planning and partnerships", 1),
    ], columns=["period", "pcn_name", "maturity_domain", "score"])


def test_maturity_heatmap_shows_latest_scores_as_colour_and_text():
    figure = maturity.build_maturity_heatmap(maturity_scores(), domain_order=CONFIG_DOMAIN_ORDER)
    heatmap = figure.data[0]
    assert heatmap.type == "heatmap"
    assert tuple(heatmap.y) == ("Alpha PCN", "Beta PCN")
    assert tuple(heatmap.x) == ("Leadership,<br>planning and<br>partnerships", "Integrating<br>care")
    assert np.asarray(heatmap.z).tolist() == [[2.0, 4.0], [1.0, 5.0]]
    assert (heatmap.zmin, heatmap.zmax) == (0.5, 5.5)
    assert {step[1] for step in heatmap.colorscale} == set(palette.SEQUENTIAL_COLORS)
    labels = figure.data[1]
    assert labels.mode == "text"
    assert sorted(zip(labels.y, labels.x, labels.text)) == [
        ("Alpha PCN", "Integrating<br>care", "4"), ("Alpha PCN", "Leadership,<br>planning and<br>partnerships", "2"),
        ("Beta PCN", "Integrating<br>care", "5"), ("Beta PCN", "Leadership,<br>planning and<br>partnerships", "1")]
    for text, colour in zip(labels.text, labels.textfont.color):
        cell = palette.SEQUENTIAL_COLORS[int(text) - 1]
        assert palette.compute_contrast_ratio(cell, colour) >= 4.5
    assert figure.layout.yaxis.title.text == "Primary Care Network"


def test_describe_maturity_heatmap():
    assert maturity.describe_maturity_heatmap(maturity_scores()) == (
        "Heat map of maturity scores from 1 (not started) to 5 (fully embedded) for 2 Primary Care Networks "
        "across 2 domains: highest average Integrating care (4.5), lowest Leadership, planning and "
        "partnerships (1.5).")


# spine


def spine_rows() -> pd.DataFrame:
    rows = []
    for indicator_id, london, practice_value, status in [("extended_access_coverage", 90.0, 99.0, "better"),
                                                         ("gp_fte_per_1000", 0.5, 0.5, "similar"),
                                                         ("appointments", np.nan, 3.0, "not compared")]:
        for level, value in [("practice", practice_value), ("pcn", london * 1.02), ("borough", london * 0.98),
                             ("stp", london), ("region", london)]:
            rows.append({"indicator_id": indicator_id, "level": level, "area_name": f"The {level}",
                         "value": value, "lower_95": value * 0.9, "upper_95": value * 1.1,
                         "vs_region": status if level == "practice" else "not compared"})
    return pd.DataFrame(rows)


LOOKUP = {definition.id: definition for definition in (COVERAGE, GP_FTE, APPOINTMENTS)}


def test_spine_scales_each_indicator_to_london_and_labels_its_status():
    figure = spine.build_spine_figure(spine_rows(), LOOKUP, LONDON)
    better = trace_named(figure, "Better than London")
    assert tuple(better.y) == ("Patients with extended access",)
    assert list(better.x) == pytest.approx([1.1])
    assert list(better.error_x.array) == pytest.approx([0.11])
    similar = trace_named(figure, "Similar to London")
    assert list(similar.x) == pytest.approx([1.0])
    assert list(trace_named(figure, "Primary Care Network").x) == pytest.approx([1.02, 1.02])
    assert list(trace_named(figure, "Borough").x) == pytest.approx([0.98, 0.98])
    assert shape_named(figure, "London").x0 == 1.0
    assert [annotation.text for annotation in figure.layout.annotations] == ["Better than London", "Similar to London"]
    assert "1 indicator without a London figure left out" in plain(figure.layout.title.subtitle.text)
    assert plain(figure.layout.title.text) == "The practice compared with London"
    assert figure.layout.xaxis.title.text == "Value relative to London (London = 1)"


def test_describe_spine():
    assert spine.describe_spine(spine_rows(), LOOKUP, LONDON) == (
        "Chart of 2 indicators for The practice relative to London (London = 1): 1 better, 1 similar.")


def test_the_spine_names_the_datas_own_region_and_levels():
    figure = spine.build_spine_figure(spine_rows(), LOOKUP, ENGLAND)
    assert figure.layout.xaxis.title.text == "Value relative to England (England = 1)"
    assert trace_named(figure, "CCG area") and trace_named(figure, "Better than England")
    assert spine.describe_spine(spine_rows(), LOOKUP, ENGLAND).startswith(
        "Chart of 2 indicators for The practice relative to England (England = 1)")


# every figure


def all_figures() -> list[go.Figure]:
    return [
        comparison.build_area_comparison_figure(stp_values(), COVERAGE, LONDON, **IN_LONDON),
        trend.build_trend_figure(trend_values(), COVERAGE),
        funnel.build_funnel_figure(practices([45.0, 52.0], [100, 200]), COVERAGE, LONDON, **AT_50),
        workforce_mix.build_workforce_mix_figure(mix_rows()),
        maturity.build_maturity_heatmap(maturity_scores()),
        spine.build_spine_figure(spine_rows(), LOOKUP, LONDON),
    ]


@pytest.mark.parametrize("index", range(6))
def test_every_figure_has_a_title_axis_titles_and_readable_type(index):
    figure = all_figures()[index]
    assert figure.layout.title.text
    assert figure.layout.font.size >= 14
    assert figure.layout.xaxis.title.text
    assert figure.layout.legend.font.size is None or figure.layout.legend.font.size >= 14
    if figure.data[0].type != "bar":
        assert figure.layout.yaxis.title.text is not None


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


@pytest.mark.parametrize("module", sorted((ROOT / "figures").glob("*.py")), ids=lambda path: path.name)
def test_figure_modules_do_not_import_streamlit(module):
    assert not [name for name in imported_modules(module) if name.split(".")[0] == "streamlit"]
