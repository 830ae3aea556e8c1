"""indicators/spc.py: XmR limits and each Making Data Count rule on small series worked out by hand."""
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.change_points import ChangePoint
from indicators.spc import ICON_KEY, MIN_POINTS, MOVED_ICON, compute_spc


def months(count: int, start_year: int = 2019, start_month: int = 1) -> list[str]:
    """`count` first-of-month ISO dates from the given month."""
    periods = []
    for offset in range(count):
        year, month = divmod(start_month - 1 + offset, 12)
        periods.append(f"{start_year + year}-{month + 1:02d}-01")
    return periods


def spc(values, direction="higher_is_better", **options):
    return compute_spc(months(len(values)), values, direction=direction, **options)


def flagged(result) -> dict[str, tuple[str, ...]]:
    """period -> rules, for the special-cause points only."""
    return {point.period: point.rules for point in result.points if point.special_cause}


def test_the_mean_and_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    # 10, 12, 11, 13, 12: mean 58 / 5 = 11.6; moving ranges 2, 1, 2, 1: mean 1.5;
    # limits 11.6 ± 2.66 × 1.5 = 11.6 ± 3.99 -> 7.61 and 15.59; near a limit: 11.6 ± 2.66 -> 8.94 and 14.26.
    segment = spc([10, 12, 11, 13, 12]).segments[0]
    assert segment.points == 5
    assert segment.mean == pytest.approx(11.6)
    assert segment.mean_moving_range == pytest.approx(1.5)
    assert (segment.lower_limit, segment.upper_limit) == (pytest.approx(7.61), pytest.approx(15.59))
    assert (segment.lower_near_limit, segment.upper_near_limit) == (pytest.approx(8.94), pytest.approx(14.26))


def test_a_point_outside_the_limits_is_a_special_cause():
    # 8, 12 seven times, then 40: sum 140 + 40 = 180, mean 12 (so every 12 sits on the mean and breaks runs);
    # moving ranges 13 × 4 and |40 - 12| = 28: mean 80 / 14 = 5.714; upper limit 12 + 2.66 × 5.714 = 27.2.
    # 40 > 27.2; every other point is inside and near-limit lines (12 ± 10.13) catch only the 40.
    result = spc([8, 12] * 7 + [40])
    segment = result.segments[0]
    assert segment.mean == pytest.approx(12)
    assert segment.upper_limit == pytest.approx(27.2)
    assert flagged(result) == {"2020-03-01": ("outside_limits",)}
    assert [(signal.rule, signal.side, signal.periods) for signal in result.signals] == [
        ("outside_limits", "high", ("2020-03-01",))]
    assert result.variation.kind == "improving"
    assert result.variation.symbol == "↑✓"
    assert result.variation.words == "Special cause variation: improving (higher)"


def test_a_point_on_a_limit_is_inside_and_just_beyond_it_is_outside():
    # 8, 12 seven times, then x: mean (140 + x) / 15, moving ranges 13 × 4 and x - 12, so the mean moving range is
    # (40 + x) / 14 and the upper limit (140 + x) / 15 + 2.66 (40 + x) / 14. It equals x when
    # x (1 - 1/15 - 2.66/14) = 140/15 + 2.66 × 40/14, x = 22.78.
    on_limit = (140 / 15 + 2.66 * 40 / 14) / (1 - 1 / 15 - 2.66 / 14)
    assert on_limit == pytest.approx(22.78, abs=0.01)
    result = spc([8, 12] * 7 + [on_limit])
    assert result.segments[0].upper_limit == pytest.approx(on_limit)
    assert flagged(result) == {}
    assert result.variation.kind == "common_cause"
    assert result.variation.symbol == "~"
    assert flagged(spc([8, 12] * 7 + [on_limit + 0.1])) == {"2020-03-01": ("outside_limits",)}


def test_a_run_of_seven_on_one_side_of_the_mean_is_a_special_cause():
    # 14, 10 four times, then 13 seven times: sum 96 + 91 = 187, mean 12.467; the seven 13s are above it.
    # Moving ranges 7 × 4, 3 and 6 × 0: mean 31 / 14 = 2.214; limits 12.467 ± 5.89 (6.58 to 18.36), near-limit
    # lines 12.467 ± 3.93 (8.54 to 16.39): no point is near a limit. 10 -> 13 -> 13 ... has ties: no trend.
    result = spc([14, 10] * 4 + [13] * 7)
    assert result.segments[0].mean == pytest.approx(187 / 15)
    assert result.segments[0].mean_moving_range == pytest.approx(31 / 14)
    run_periods = tuple(months(15)[8:])
    assert [(signal.rule, signal.side, signal.periods) for signal in result.signals] == [("run", "high", run_periods)]
    assert set(flagged(result)) == set(run_periods)
    assert result.variation.kind == "improving"


def test_six_on_one_side_of_the_mean_is_not_a_run():
    # 14, 10 four times, 13 six times, 10: mean 184 / 15 = 12.267; six 13s above, then 10 below.
    # Moving ranges 7 × 4, 3, 5 × 0, 3: mean 34 / 14 = 2.43; near-limit lines 12.267 ± 4.31: none beyond.
    assert flagged(spc([14, 10] * 4 + [13] * 6 + [10])) == {}


def test_a_point_exactly_on_the_mean_breaks_a_run():
    # 11, 11, 12, 11, 11, 12, 11, 11, then 13, 13, 13, 12, 13, 13, 13: sum 90 + 90 = 180, mean exactly 12.
    # The 12 in the middle sits on the mean, so the seven points after the first eight are two runs of three.
    # Moving ranges 0,1,1,0,1,1,0,2,0,0,1,1,0,0: mean 8 / 14 = 0.571; near-limit line 12 + 1.013 = 13.013 > 13.
    result = spc([11, 11, 12, 11, 11, 12, 11, 11, 13, 13, 13, 12, 13, 13, 13])
    assert result.segments[0].mean == 12
    assert result.segments[0].upper_near_limit == pytest.approx(12 + 2 / 3 * 2.66 * 8 / 14)
    assert flagged(result) == {}


def test_seven_points_rising_in_a_row_is_a_trend():
    # 12, 8 four times, then 7, 8, 9, 10, 11, 12, 13: sum 80 + 70 = 150, mean 10. The last seven cross the mean
    # (10 sits on it), so no run. Moving ranges 7 × 4, 1, 6 × 1: mean 35 / 14 = 2.5; limits 10 ± 6.65 and
    # near-limit lines 10 ± 4.43 (5.57 to 14.43): 7 and 13 are inside them. 7 -> 13 is six rises: 7 points.
    result = spc([12, 8] * 4 + [7, 8, 9, 10, 11, 12, 13])
    assert result.segments[0].mean == 10
    assert result.segments[0].mean_moving_range == pytest.approx(2.5)
    trend_periods = tuple(months(15)[8:])
    assert [(signal.rule, signal.side, signal.periods) for signal in result.signals] == [
        ("trend", "high", trend_periods)]
    # a point flagged only by a trend takes the trend's direction, even below the mean (7, 8, 9)
    assert {point.side for point in result.points if point.special_cause} == {"high"}
    assert result.variation.kind == "improving"


def test_a_tie_breaks_a_trend():
    # As above with 7, 8, 9, 9, 10, 11, 12: the repeated 9 splits the rise into 3 and 4 points.
    # Mean 146 / 15 = 9.733; moving ranges 28 + 1 + 1, 1, 0, 1, 1, 1 = 34 / 14 = 2.43; near lines 9.73 ± 4.31.
    assert flagged(spc([12, 8] * 4 + [7, 8, 9, 9, 10, 11, 12])) == {}


def test_six_points_falling_in_a_row_is_not_a_trend_and_seven_is():
    # 8, 12 four times, 13, 12, 11, 10, 9, 8, 7: sum 80 + 70 = 150, mean 10 (10 on it: no run); moving ranges
    # 7 × 4, 1, 6 × 1: mean 2.5; near-limit lines 10 ± 4.43 (7 and 13 inside). 13 -> 7 is six falls: 7 points.
    seven = spc([8, 12] * 4 + [13, 12, 11, 10, 9, 8, 7])
    assert [(signal.rule, signal.side, signal.periods) for signal in seven.signals] == [
        ("trend", "low", tuple(months(15)[8:]))]
    # 8, 12 four times, 8, 12, 11, 10, 9, 8, 7: mean 145 / 15 = 9.67; moving ranges 8 × 4, 4, 5 × 1: mean 2.93;
    # near-limit lines 9.67 ± 5.19. 12 -> 7 is five falls: 6 points, no trend.
    assert flagged(spc([8, 12] * 4 + [8, 12, 11, 10, 9, 8, 7])) == {}


def test_two_of_three_points_near_a_limit_on_one_side_is_a_special_cause():
    # 8, 12 six times, 8, then 19, 19: sum 120 + 8 + 38 = 166, mean 11.067. Moving ranges 12 × 4, 11, 0:
    # mean 59 / 14 = 4.214; upper limit 11.067 + 11.21 = 22.28 (19 is inside); near-limit line
    # 11.067 + 2/3 × 11.21 = 18.54 (19 is beyond it). Two of the last three are beyond: both flagged.
    result = spc([8, 12] * 6 + [8, 19, 19], direction="lower_is_better")
    segment = result.segments[0]
    assert segment.upper_limit == pytest.approx(166 / 15 + 2.66 * 59 / 14)
    assert segment.upper_near_limit == pytest.approx(166 / 15 + 2 / 3 * 2.66 * 59 / 14)
    last_two = tuple(months(15)[13:])
    assert [(signal.rule, signal.side, signal.periods) for signal in result.signals] == [
        ("two_of_three", "high", last_two)]
    assert result.variation.kind == "concerning"
    assert result.variation.text() == "↑! Special cause variation: concerning (higher)"


def test_one_point_near_a_limit_is_common_cause():
    # 8, 12 seven times, 19: mean 159 / 15 = 10.6; moving ranges 13 × 4 + 7 = 59, mean 4.214;
    # near-limit line 10.6 + 7.47 = 18.07 (19 beyond), upper limit 21.81 (19 inside): one of three only.
    assert flagged(spc([8, 12] * 7 + [19])) == {}


def test_a_constant_series_has_limits_on_its_mean_and_no_signal():
    result = spc([5.0] * 15, target=5)
    segment = result.segments[0]
    assert (segment.mean, segment.mean_moving_range, segment.lower_limit, segment.upper_limit) == (5, 0, 5, 5)
    assert result.signals == ()
    assert result.variation.kind == "common_cause"
    assert result.assurance.kind == "hit_and_miss"  # the target sits on both limits
    assert spc([5.0] * 15, target=4).assurance.kind == "consistently_passes"


def test_missing_and_suppressed_points_are_left_out_and_said():
    # The run series of the run test with a missing month inside the run and one at the start: the limits and
    # the run are as before (runs carry on across a missing value); the notes name the missing months.
    values = [None] + [14, 10] * 4 + [13, 13, 13, math.nan, 13, 13, 13, 13]
    result = spc(values)
    periods = months(len(values))
    assert result.segments[0].points == 15
    assert result.segments[0].mean == pytest.approx(187 / 15)
    assert result.missing_periods == (periods[0], periods[12])
    assert [(signal.rule, len(signal.periods)) for signal in result.signals] == [("run", 7)]
    assert periods[12] not in result.signals[0].periods
    assert "No figure for January 2019 and January 2020 (suppressed or missing): left out." in result.notes()
    missing_point = result.points[12]
    assert not missing_point.shown and not missing_point.special_cause


def test_infinite_values_count_as_missing():
    result = spc([8, 12] * 7 + [10, math.inf])
    assert result.segments[0].points == 15
    assert result.missing_periods == (months(16)[-1],)


def test_fewer_than_15_points_claim_no_signal_and_say_so():
    result = spc([10] * 13 + [100])  # 100 would be far outside the limits
    assert result.segments[0].points == 14 < MIN_POINTS
    assert result.signals == ()
    assert result.variation.kind == "not_enough_points"
    assert result.variation.words == "Not enough points yet: 14 of 15"
    assert result.variation.plain_words == "Too soon to tell: 14 of the 15 figures needed"
    assert result.assurance.kind == "no_target"
    assert spc([10] * 13 + [100], target=50).assurance.kind == "not_assessed"
    assert "This series: not enough points yet to look for signals: 14 of 15." in result.notes()


def test_no_values_at_all_is_not_enough_points():
    result = spc([None, None])
    assert result.latest_point is None
    assert result.variation.words == "Not enough points yet: 0 of 15"


def test_a_change_point_gives_each_segment_its_own_limits():
    # 8, 12 seven times, 10 (mean 10, moving ranges 13 × 4 + 2 = 54: 3.857), then the same 10 higher.
    # As one series the first 15 are all below the overall mean of 15: a run. Split at the 16th month, each half
    # is in control around its own mean.
    first = [8, 12] * 7 + [10]
    values = first + [value + 10 for value in first]
    periods = months(30)
    whole = spc(values)
    assert any(signal.rule == "run" for signal in whole.signals)
    split = spc(values, change_points=[ChangePoint(periods[15], "a new service")])
    assert [segment.mean for segment in split.segments] == [10, 20]
    assert [segment.mean_moving_range for segment in split.segments] == [pytest.approx(54 / 14)] * 2
    assert [(segment.start_period, segment.end_period) for segment in split.segments] == [
        (periods[0], periods[14]), (periods[15], periods[29])]
    assert split.signals == ()
    assert split.segments[1].change_point == ChangePoint(periods[15], "a new service")
    assert "Limits are worked out again from April 2020 because of a new service." in split.notes()


def test_no_rule_looks_across_a_change_point():
    # Ten 13s in a row, 4 before the change point and 6 after it: no run of 7 on either side.
    # Before: 10, then 11, 9 five times, then 13 × 4: mean 162 / 15 = 10.8 (the 9 before the 13s is below it).
    # After: 13 × 6, then 9, 12 four times, 9: mean 171 / 15 = 11.4; 9 below, 12 above alternate.
    # As one series (mean 333 / 30 = 11.1) the ten 13s are one run.
    values = [10] + [11, 9] * 5 + [13] * 4 + [13] * 6 + [9, 12] * 4 + [9]
    periods = months(len(values))
    assert any(signal.rule == "run" for signal in spc(values).signals)
    result = spc(values, change_points=[periods[15]])
    assert [segment.points for segment in result.segments] == [15, 15]
    assert [segment.mean for segment in result.segments] == [pytest.approx(10.8), pytest.approx(11.4)]
    assert result.signals == ()


def test_a_short_first_segment_is_drawn_but_not_judged_and_the_later_one_is():
    # 12 months before the change point, with a far-out value that is not claimed; 15 after it, with one.
    before = [10, 12] * 5 + [10, 60]
    after = [8, 12] * 7 + [40]  # as in the outside-limit test: the 40 is a special cause
    periods = months(27)
    result = spc(before + after, change_points=[ChangePoint(periods[12], "the COVID-19 pandemic")])
    first, second = result.segments
    assert (first.points, first.enough_points, second.points, second.enough_points) == (12, False, 15, True)
    assert not math.isnan(first.upper_limit)  # still drawn
    assert flagged(result) == {periods[26]: ("outside_limits",)}
    assert "Before January 2020: too few points to look for signals (12 of 15)." in result.notes()


def test_a_change_point_between_quarterly_periods_starts_the_next_period():
    periods = [f"{year}-{month:02d}-01" for year in (2018, 2019, 2020, 2021) for month in (1, 4, 7, 10)]
    result = compute_spc(periods, list(range(16)), direction="neither", change_points=["2020-03-01"])
    assert [segment.start_period for segment in result.segments] == ["2018-01-01", "2020-04-01"]


def test_a_change_point_before_the_series_starts_is_no_segment_break():
    result = spc([8, 12] * 7 + [10], change_points=[ChangePoint("2010-01-01", "old news")])
    assert len(result.segments) == 1
    assert result.segments[0].change_point is None
    assert result.notes() == ()


def test_direction_neither_says_higher_or_lower():
    result = spc([8, 12] * 7 + [40], direction="neither", target=20)
    assert result.variation.kind == "higher"
    assert result.variation.text() == "↑ Special cause variation: higher"
    assert result.variation.text(plain=True) == "↑ Higher than usual: more than normal ups and downs"
    assert result.assurance.kind == "not_assessed"


def test_a_fall_is_concerning_when_higher_is_better_and_improving_when_lower_is_better():
    # 8, 12 seven times, -16: the mirror of the outside-limit test (mean 8.27, lower limit 8.27 - 15.2 = -6.93)
    values = [8, 12] * 7 + [-16]
    assert spc(values, direction="higher_is_better").variation.text() == \
        "↓! Special cause variation: concerning (lower)"
    assert spc(values, direction="lower_is_better").variation.text() == "↓✓ Special cause variation: improving (lower)"


def test_the_variation_icon_reads_the_latest_point_only():
    # The 40 is a special cause, but a later point inside the limits makes the icon common cause again.
    result = spc([8, 12] * 7 + [40, 12])
    assert any(point.special_cause for point in result.points)
    assert not result.latest_point.special_cause
    assert result.variation.kind == "common_cause"


@pytest.mark.parametrize(("target", "direction", "kind", "symbol"), [
    # limits of 8, 12 seven times, 10: 10 ± 2.66 × 54 / 14 = 10 ± 10.26 -> -0.26 to 20.26
    (25, "higher_is_better", "consistently_fails", "F"),
    (25, "lower_is_better", "consistently_passes", "P"),
    (-1, "higher_is_better", "consistently_passes", "P"),
    (-1, "lower_is_better", "consistently_fails", "F"),
    (15, "higher_is_better", "hit_and_miss", "?"),
    (10 + 2.66 * 54 / 14, "higher_is_better", "hit_and_miss", "?"),  # on the upper limit: inside
    (None, "higher_is_better", "no_target", "–"),
])
def test_assurance_compares_the_target_with_the_process_limits(target, direction, kind, symbol):
    result = spc([8, 12] * 7 + [10], direction=direction, target=target)
    assert result.segments[0].upper_limit == pytest.approx(10 + 2.66 * 54 / 14)
    assert (result.assurance.kind, result.assurance.symbol) == (kind, symbol)
    assert result.assurance.words and result.assurance.plain_words


def test_assurance_uses_the_latest_segments_limits():
    first = [8, 12] * 7 + [10]
    values = first + [value + 20 for value in first]  # second segment: 30 ± 10.26
    periods = months(30)
    result = spc(values, target=25, change_points=[periods[15]])
    assert result.assurance.kind == "hit_and_miss"
    assert spc(values, target=18, change_points=[periods[15]]).assurance.kind == "consistently_passes"


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="direction must be one of"):
        spc([1, 2, 3], direction="up")
    with pytest.raises(ValueError, match="2 periods but 3 values"):
        compute_spc(months(2), [1, 2, 3], direction="neither")
    with pytest.raises(ValueError, match="2019-01-01 is given more than once"):
        compute_spc(["2019-01-01", "2019-01-01"], [1, 2], direction="neither")


def test_periods_are_sorted_before_anything_is_worked_out():
    values = [14, 10] * 4 + [13] * 7
    periods = months(15)
    shuffled = list(reversed(list(zip(periods, values, strict=True))))
    result = compute_spc([p for p, _ in shuffled], [v for _, v in shuffled], direction="higher_is_better")
    assert [point.period for point in result.points] == periods
    assert [signal.rule for signal in result.signals] == ["run"]


def test_to_frame_has_one_row_per_period_with_its_limits_and_rules():
    frame = spc([8, 12] * 7 + [40]).to_frame()
    assert list(frame.columns) == ["period", "value", "segment", "mean", "lower_limit", "upper_limit",
                                   "special_cause", "side", "rules"]
    assert len(frame) == 15
    last = frame.iloc[-1]
    assert (last["value"], bool(last["special_cause"]), last["side"], last["rules"]) == (
        40, True, "high", "outside the process limits")
    assert frame["mean"].tolist() == [12] * 15


REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
APPOINTMENT_FILES = sorted(REALDATA.glob("appointments-gp-regional-csv_*.csv"))
COVID = ChangePoint("2020-03-01", "the COVID-19 pandemic")


def read_monthly_appointments(path: Path) -> pd.Series:
    """All appointments per month of one STP's Appointments in General Practice file, straight from the raw CSV."""
    raw = pd.read_csv(path, usecols=["Appointment_Month", "COUNT_OF_APPOINTMENTS"])
    months_of = pd.to_datetime(raw["Appointment_Month"], format="%b%Y")
    return raw.groupby(months_of)["COUNT_OF_APPOINTMENTS"].sum().sort_index()


def independent_limits(series: pd.Series) -> tuple[float, float, float]:
    mean = series.mean()
    mean_moving_range = series.diff().abs().mean()
    return mean, mean - 2.66 * mean_moving_range, mean + 2.66 * mean_moving_range


@pytest.mark.skipif(not APPOINTMENT_FILES, reason=f"no Appointments in General Practice file in {REALDATA}")
@pytest.mark.parametrize("path", APPOINTMENT_FILES, ids=lambda path: path.stem.rsplit("_", 1)[-1])
def test_the_real_monthly_appointments_show_the_april_2020_fall(path):
    """30 months, 2019-03 to 2021-08, with a change point at March 2020: the 12 months before it are too few to
    judge; after it, April 2020 is below the lower process limit of the new segment and August 2021 is back in
    its usual range. Limits and outside-limit months are checked against pandas straight from the raw file."""
    monthly = read_monthly_appointments(path)
    assert len(monthly) == 30
    periods = [day.date().isoformat() for day in monthly.index]
    result = compute_spc(periods, monthly.tolist(), direction="neither", change_points=[COVID])
    before, after = result.segments
    assert (before.points, before.enough_points, after.points, after.enough_points) == (12, False, 18, True)
    for segment, part in ((before, monthly[monthly.index < "2020-03-01"]),
                          (after, monthly[monthly.index >= "2020-03-01"])):
        mean, lower, upper = independent_limits(part)
        assert (segment.mean, segment.lower_limit, segment.upper_limit) == (
            pytest.approx(mean), pytest.approx(lower), pytest.approx(upper))
        outside = {day.date().isoformat() for day, value in part.items() if value < lower or value > upper}
        claimed = {period for signal in result.signals if signal.rule == "outside_limits"
                   for period in signal.periods if signal.segment == segment.number}
        assert claimed == (outside if segment.enough_points else set())
    assert "2020-04-01" in claimed
    assert all(signal.side == "low" and signal.segment == 1 for signal in result.signals)
    assert result.variation.kind == "common_cause"
    assert "Before March 2020: too few points to look for signals (12 of 15)." in result.notes()
    # Without the change point the fall in April and May 2020 is outside the limits of the whole series too.
    whole = compute_spc(periods, monthly.tolist(), direction="neither")
    _, lower, _ = independent_limits(monthly)
    assert {p for s in whole.signals if s.rule == "outside_limits" for p in s.periods} == {
        day.date().isoformat() for day, value in monthly.items() if value < lower} == {"2020-04-01", "2020-05-01"}


def test_the_icon_key_explains_every_symbol_the_icons_use():
    keyed = {symbol for entry in ICON_KEY for symbol in entry[0].split()}
    used = set()
    for values in ([8, 12] * 7 + [40], [8, 12] * 7 + [-16], [8, 12] * 7 + [10], [10] * 3):
        for direction in ("higher_is_better", "lower_is_better", "neither"):
            for target in (None, -100, 100, 10):
                result = spc(values, direction=direction, target=target)
                used |= {result.variation.symbol, result.assurance.symbol}
    assert used == keyed
    assert all(symbol and words and plain for symbol, words, plain in ICON_KEY)


def test_assurance_waits_while_the_process_is_moving_but_not_for_a_one_off_value():
    # a roll-out: 54% rising to 98% then flat. Limits over all of it (about 79-94%) would call a steady 98% a
    # certain fail of a 97% target; the latest values are a run above the mean, so assurance is not assessed.
    rising = [54, 61, 67, 73, 79, 84, 90, 94, 97, 97.4, 97.7, 97.9, 97.9, 97.9, 97.9, 97.9]
    result = spc(rising, target=97)
    assert result.segments[0].upper_limit < 97 < result.latest_point.value
    assert "run" in result.latest_point.rules
    assert result.assurance == MOVED_ICON and result.assurance.symbol == "–"
    # once a change point re-bases the limits after the roll-out, with 15 values since, assurance is given again
    steady = [54, 61, 67, 73] + [97.9, 97.8] * 7 + [98.0]
    rebased = spc(steady, target=97, change_points=[months(len(steady))[4]])
    assert rebased.assurance.kind == "consistently_passes"
    # a single value outside the limits is not a moved process: the usual limits still say what to expect
    assert spc([8, 12] * 7 + [40], target=97).assurance.kind == "consistently_fails"
