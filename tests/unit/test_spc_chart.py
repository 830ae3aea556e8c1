"""figures/spc_chart.py: the XmR chart's traces, legend words, target, change point, axis and text alternative."""
import pandas as pd
import pytest

from figures import palette
from figures.spc_chart import build_spc_figure, describe_spc_figure, icon_colour
from indicators.change_points import ChangePoint
from indicators.definitions import IndicatorDefinition, Measure, Target
from indicators.spc import compute_spc

COVERAGE = IndicatorDefinition(
    id="coverage", name="Patients with extended access", plain_name="People who can see a GP late",
    description="", plain_description="", domain="access", numerator=Measure("a", ("b",)),
    denominator=Measure("a", ("c",)), multiplier=100, unit="%", direction="higher_is_better", comparison="wilson",
    decimals=1, target=Target(97, "London's ambition"), short_name="Coverage")


def months(count: int) -> list[str]:
    return [f"{2019 + offset // 12}-{offset % 12 + 1:02d}-01" for offset in range(count)]


def traces(figure, name):
    return [trace for trace in figure.data if trace.name == name]


def with_change_point():
    """12 months (too few to judge) then 15: 8, 12 seven times and -16, a special cause concerning (low)."""
    periods = months(27)
    values = [10, 12] * 6 + [8, 12] * 7 + [-16]
    return periods, compute_spc(periods, values, direction="higher_is_better", target=20,
                                change_points=[ChangePoint(periods[12], "the COVID-19 pandemic")])


def test_values_mean_and_limits_are_drawn_per_segment_with_a_break_between():
    periods, result = with_change_point()
    figure = build_spc_figure(result, COVERAGE, area_name="North East London")
    values, = traces(figure, "Coverage")
    assert list(values.y) == [10, 12] * 6 + [8, 12] * 7 + [-16]
    assert list(values.x) == [pd.Timestamp(period) for period in periods]
    mean, = traces(figure, "Mean")
    first, second = result.segments
    assert list(mean.y) == [first.mean] * 12 + [None] + [second.mean] * 15 + [None]
    upper, lower = traces(figure, "Process limits")
    assert list(upper.y) == [second.upper_limit] * 15 + [None]
    assert list(lower.y) == [second.lower_limit] * 15 + [None]
    assert (upper.showlegend, lower.showlegend, upper.line.dash) == (True, False, "dash")
    trial_upper, _ = traces(figure, "Trial limits (fewer than 15 points)")
    assert list(trial_upper.y) == [first.upper_limit] * 12 + [None]
    assert trial_upper.line.dash == "dot"


def test_special_cause_points_have_a_symbol_and_words_in_the_legend():
    _, result = with_change_point()
    figure = build_spc_figure(result, COVERAGE, area_name="North East London")
    concerning, = traces(figure, "Special cause: concerning")
    assert list(concerning.y) == [-16]
    assert concerning.marker.symbol == palette.STATUS_STYLES["worse"].symbol
    assert concerning.marker.color == palette.STATUS_STYLES["worse"].colour
    assert "outside the process limits" in concerning.customdata[0]
    plain = build_spc_figure(result, COVERAGE, area_name="North East London", plain_language=True)
    assert traces(plain, "Worse than usual")
    assert plain.layout.title.text.startswith("People who can see a GP late: North East London")


def test_every_judgement_has_its_own_marker_shape():
    values = [8, 12] * 7 + [40]
    shapes = {}
    for direction, name in (("higher_is_better", "Special cause: improving"), ("lower_is_better",
                                                                                "Special cause: concerning"),
                            ("neither", "Special cause: higher")):
        result = compute_spc(months(15), values, direction=direction)
        marker, = traces(build_spc_figure(result, COVERAGE, area_name="X"), name)
        shapes[name] = marker.marker.symbol
    result = compute_spc(months(15), [8, 12] * 7 + [-16], direction="neither")
    shapes["lower"] = traces(build_spc_figure(result, COVERAGE, area_name="X"), "Special cause: lower")[0].marker.symbol
    assert len(set(shapes.values())) == 4


def test_the_target_line_the_change_point_and_the_icons_are_shown():
    periods, result = with_change_point()
    figure = build_spc_figure(result, COVERAGE, area_name="North East London")
    target, = traces(figure, "Target 20.0%")
    assert list(target.y) == [20, 20]
    assert list(target.x) == [pd.Timestamp(periods[0]), pd.Timestamp(periods[-1])]
    line, = figure.layout.shapes
    assert pd.Timestamp(line.x0) == pd.Timestamp(periods[12])
    annotation, = figure.layout.annotations
    assert annotation.text == "Limits worked out again: the COVID-19 pandemic"
    assert figure.layout.title.subtitle.text.replace("<br>", " ") == (
        "Variation: ↓! Special cause variation: concerning (lower) · Assurance: ? Hit and miss: the target is "
        "within the process limits")


def test_the_axis_starts_at_zero_or_says_that_it_does_not():
    _, result = with_change_point()
    figure = build_spc_figure(result, COVERAGE, area_name="X")
    assert figure.layout.yaxis.rangemode == "tozero"
    assert figure.layout.yaxis.title.text == "Percent (%)"
    loose = build_spc_figure(result, COVERAGE, area_name="X", start_at_zero=False)
    assert loose.layout.yaxis.rangemode is None
    assert loose.layout.yaxis.title.text == "Percent (%) (axis does not start at zero)"
    assert describe_spc_figure(result, COVERAGE, area_name="X", start_at_zero=False).endswith(
        "The value axis does not start at zero.")


def test_no_figures_gives_a_chart_that_says_so():
    result = compute_spc(months(3), [None] * 3, direction="neither")
    figure = build_spc_figure(result, COVERAGE, area_name="X")
    assert figure.layout.annotations[0].text == "No figures to show for this choice."
    assert describe_spc_figure(result, COVERAGE, area_name="X") == (
        "SPC chart of patients with extended access for X: no figures to show.")


def test_the_text_alternative_says_what_is_drawn():
    _, result = with_change_point()
    second = result.segments[1]
    assert describe_spc_figure(result, COVERAGE, area_name="North East London") == (
        "SPC chart of patients with extended access for North East London, from January 2019 to March 2021, "
        "27 points. From January 2019 to December 2019: mean 11.0%, trial limits (too few points to judge) 5.7 to "
        "16.3%. From January 2020 to March 2021: mean "
        f"{second.mean:.1f}%, process limits {second.lower_limit:.1f} to {second.upper_limit:.1f}%. Special cause "
        "points: March 2021 -16.0% (concerning: outside the process limits). Variation: ↓! Special cause "
        "variation: concerning (lower). Assurance: ? Hit and miss: the target is within the process limits. "
        "Target line at 20.0%. The value axis starts at zero.")


@pytest.mark.parametrize(("values", "kind", "status"), [
    ([8, 12] * 7 + [40], "improving", "better"),
    ([8, 12] * 7 + [-16], "concerning", "worse"),
    ([8, 12] * 7 + [10], "common_cause", "similar"),
])
def test_icon_colours_follow_the_comparison_palette(values, kind, status):
    result = compute_spc(months(15), values, direction="higher_is_better")
    assert result.variation.kind == kind
    assert icon_colour(result.variation) == palette.STATUS_STYLES[status].colour


def test_many_special_cause_points_are_told_as_the_stretches_they_form():
    # a roll-out: eight low quarters then eight high ones; every point is a special cause, so the text alternative
    # gives the two stretches (each point and its rules are in the numbers table) instead of sixteen entries
    values = [50.0, 52, 54, 56, 58, 60, 62, 64, 96, 97, 97, 98, 98, 98, 98, 98]
    result = compute_spc(months(16), values, direction="higher_is_better", target=97)
    text = describe_spc_figure(result, COVERAGE, area_name="London")
    flagged = sum(point.special_cause for point in result.points)
    assert flagged > 4
    assert f"Special cause points: {flagged}, in stretches: January 2019 to August 2019, 8 points, concerning" in text
    assert "September 2019 to April 2020, 8 points, improving" in text
    assert text.count("(concerning:") == 0  # no point-by-point list
