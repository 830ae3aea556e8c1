"""Statistical process control (SPC): an XmR chart's mean, process limits and signals, and the two summary icons,
as NHS England's "Making Data Count" reads a trend.

The method, as Making Data Count publishes it (and NHS-R's NHSRplotthedots implements it; like the Making Data
Count Excel tools, no outlying moving range is screened out):

- **Limits.** In each segment, the mean of its values and the mean moving range (the mean of |value - previous
  value| over consecutive values). Process limits = mean ± 2.66 × mean moving range (2.66 = 3 / 1.128, so the
  limits sit about 3 sigma from the mean); "near a limit" means more than two-thirds of the way there (2 sigma).
- **Special cause rules**, each applied within one segment:
  1. `outside_limits`: a value above the upper or below the lower process limit (a value on a limit is inside).
  2. `run`: 7 or more values in a row on the same side of the mean. A value exactly on the mean breaks a run.
  3. `trend`: 7 or more values in a row, each higher than the one before (6 rises in a row), or each lower.
     Making Data Count counts a trend in points, 7, as it counts a run. Two equal values in a row break a trend.
  4. `two_of_three`: 2 of 3 values in a row near or beyond a process limit (beyond 2 sigma) on the same side of
     the mean; the third value may be anywhere (the Western Electric reading; NHSRplotthedots also asks the third
     to be on that side). The values near or beyond the limit are flagged.
  Every value of a run or trend is flagged. A value flagged by the limit, two-of-three or run rule is a special
  cause on its side of the mean; one flagged only by a trend takes the trend's direction (a peak or trough
  shared by two trends takes the earlier one's).
- **Change points** (config.yaml `change_points`) split the series into segments: each segment has its own mean
  and limits and no rule looks across a change point.
- **Enough points.** A segment needs at least 15 values before any signal is claimed in it. A shorter segment
  (e.g. the 12 months before a change point in March 2020) still gets its mean and limits, to draw, but no
  signals, and its notes say "not enough points yet: 12 of 15"; the segments after it are judged on their own.
- **Missing values** (NaN, suppressed) are left out of the limits and the rules and listed in the notes; a run
  or trend carries on across a missing value, as if the values either side were next to each other.
- **Variation icon**: what the latest value is, as the Making Data Count icons show the latest point: special
  cause improving or concerning (higher or lower when neither direction is better) when any rule flags the
  latest value, which happens while it is outside the limits or part of a run, trend or two-of-three pattern;
  otherwise common cause. "Not enough points yet" when the latest value's segment has fewer than 15 values.
- **Assurance icon**: the latest segment's process limits against the target. The target strictly beyond the
  limit on the good side (below the lower limit when higher is better) → "consistently passes"; beyond the limit
  on the bad side → "consistently fails"; on or between the limits → "hit and miss". No target → "no target";
  neither direction better, or too few points → not assessed. Limits only say what to expect of a process that
  stays where it is, so while the latest value is part of a run or a trend (the process itself has moved, not a
  one-off value outside the limits), assurance is not assessed either and says why: the limits describe the
  process before it moved (e.g. coverage rising from 54% to 98% during a roll-out gives limits of 79-94%, which
  would call 98% a certain fail); a change point where the process changed re-bases them.

Icons carry a text symbol and words (professional and plain), never colour alone; colours belong to the chart
layer (figures/spc_chart.py).
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import pandas as pd

from indicators.change_points import ChangePoint
from indicators.definitions import DIRECTIONS, IndicatorDefinition
from indicators.formatting import format_period

SHIFT_RULES = {"run", "trend"}  # a latest value in a run or trend: the process itself has moved (not a one-off)
LIMIT_FACTOR = 2.66
NEAR_LIMIT_FRACTION = 2 / 3
MIN_POINTS = 15
RUN_LENGTH = 7
TREND_LENGTH = 7
RULES = ("outside_limits", "two_of_three", "run", "trend")
RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "two_of_three": "2 of 3 points near a process limit",
    "run": f"a run of {RUN_LENGTH} or more points on one side of the mean",
    "trend": f"{TREND_LENGTH} or more points rising or falling in a row",
}
HIGH, LOW = "high", "low"
VARIATION_KINDS = ("improving", "concerning", "higher", "lower", "common_cause", "not_enough_points")
ASSURANCE_KINDS = ("consistently_passes", "consistently_fails", "hit_and_miss", "no_target", "not_assessed")
_RELATIVE_TOLERANCE = 1e-9  # values this close (relative) to the mean, a limit or each other count as equal


@dataclass(frozen=True)
class Segment:
    """One stretch between change points with its own mean and limits (in the indicator's unit).

    `points` counts its values (missing ones left out). `mean` is NaN with no value; the moving range and limits
    are NaN with fewer than 2 values. `change_point` is the change point it starts at (None for the first).
    """

    number: int
    start_period: str
    end_period: str
    points: int
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_near_limit: float
    upper_near_limit: float
    change_point: ChangePoint | None
    enough_points: bool


@dataclass(frozen=True)
class Point:
    """One period: its value (NaN when missing), segment, the rules that flag it and the side ("high"/"low")
    of its special cause (None for common cause, a missing value or a segment with too few points)."""

    period: str
    value: float
    segment: int
    rules: tuple[str, ...] = ()
    side: str | None = None

    @property
    def shown(self) -> bool:
        return not math.isnan(self.value)

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True)
class Signal:
    """One special-cause pattern: which rule, which side ("high"/"low") and the periods it flags, in order."""

    rule: str
    side: str
    segment: int
    periods: tuple[str, ...]


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon as a text symbol and words; `kind` is one of VARIATION_KINDS or ASSURANCE_KINDS."""

    kind: str
    symbol: str
    words: str
    plain_words: str

    def text(self, *, plain: bool = False) -> str:
        """Symbol and words together, e.g. "↓! Special cause variation: concerning (lower)"."""
        return f"{self.symbol} {self.plain_words if plain else self.words}"


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart worked out: every period's point, the segments, the signals and the two icons.

    `direction` is the indicator's (higher_is_better, lower_is_better, neither); `target` its value or None.
    """

    points: tuple[Point, ...]
    segments: tuple[Segment, ...]
    signals: tuple[Signal, ...]
    direction: str
    target: float | None
    min_points: int
    variation: Icon
    assurance: Icon

    @property
    def latest_point(self) -> Point | None:
        """The last period with a value."""
        return next((point for point in reversed(self.points) if point.shown), None)

    @property
    def latest_segment(self) -> Segment | None:
        latest = self.latest_point
        return self.segments[latest.segment] if latest else None

    @property
    def missing_periods(self) -> tuple[str, ...]:
        return tuple(point.period for point in self.points if not point.shown)

    @property
    def enough_points(self) -> bool:
        """True when the latest value's segment has enough values for signals to be claimed."""
        segment = self.latest_segment
        return bool(segment and segment.enough_points)

    def judgement(self, side: str) -> str:
        """"improving" or "concerning" for a special cause on this side, or "higher"/"lower" when neither
        direction is better."""
        return _judgement(side, self.direction)

    def notes(self) -> tuple[str, ...]:
        """Plain sentences about the method that the chart and text must not hide: change points, segments with
        too few values, missing values."""
        notes = []
        for segment in self.segments:
            if segment.change_point is not None:
                reason = segment.change_point.reason
                notes.append(f"Limits are worked out again from {format_period(segment.start_period)}"
                             + (f" because of {reason}." if reason else "."))
        latest = self.latest_segment
        for segment in self.segments:
            if segment.enough_points:
                continue
            counts = f"{segment.points} of {self.min_points}"
            if segment is latest or len(self.segments) == 1:
                notes.append(f"{_segment_span(self, segment)}: not enough points yet to look for signals: {counts}.")
            else:
                notes.append(f"{_segment_span(self, segment)}: too few points to look for signals ({counts}).")
        missing = self.missing_periods
        if missing:
            notes.append(f"No figure for {_list_periods(missing)} (suppressed or missing): left out.")
        return tuple(notes)

    def to_frame(self) -> pd.DataFrame:
        """One row per period: period, value, segment, mean, lower_limit, upper_limit, special_cause, side and
        rules (in words, "; " between them)."""
        rows = []
        for point in self.points:
            segment = self.segments[point.segment]
            rows.append({
                "period": point.period, "value": point.value, "segment": point.segment, "mean": segment.mean,
                "lower_limit": segment.lower_limit, "upper_limit": segment.upper_limit,
                "special_cause": point.special_cause, "side": point.side or "",
                "rules": "; ".join(RULE_WORDS[rule] for rule in point.rules),
            })
        columns = ["period", "value", "segment", "mean", "lower_limit", "upper_limit", "special_cause", "side",
                   "rules"]
        return pd.DataFrame(rows, columns=columns)


def compute_spc(periods: Sequence[str], values: Sequence[float | None], *, direction: str,
                change_points: Sequence[ChangePoint | str] = (), target: float | None = None,
                min_points: int = MIN_POINTS) -> SpcResult:
    """The XmR chart of one series (see the module docstring for the rules).

    `periods`: ISO dates (YYYY-MM-DD), in any order, each once. `values`: one per period, in the indicator's unit;
    None, NaN or infinite means missing. `change_points`: ChangePoints or ISO dates; the first period on or after
    each starts a new segment. Raises ValueError for a bad direction, unequal lengths or a repeated period.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if len(periods) != len(values):
        raise ValueError(f"{len(periods)} periods but {len(values)} values")
    pairs = sorted((str(period), _as_number(value)) for period, value in zip(periods, values, strict=True))
    repeated = [a for (a, _), (b, _) in pairwise(pairs) if a == b]
    if repeated:
        raise ValueError(f"the period {repeated[0]} is given more than once")
    starts = sorted((point if isinstance(point, ChangePoint) else ChangePoint(str(point), "")
                     for point in change_points), key=lambda point: point.period)

    raw_segment = [sum(point.period <= period for point in starts) for period, _ in pairs]
    numbers = {raw: number for number, raw in enumerate(dict.fromkeys(raw_segment))}
    segments, points, signals = [], [], []
    for raw, number in numbers.items():
        members = [index for index, segment in enumerate(raw_segment) if segment == raw]
        segment_periods = [pairs[index][0] for index in members]
        segment_values = [pairs[index][1] for index in members]
        change_point = starts[raw - 1] if number > 0 else None
        segment, segment_points, segment_signals = _compute_segment(
            number, segment_periods, segment_values, change_point, min_points)
        segments.append(segment)
        points.extend(segment_points)
        signals.extend(segment_signals)
    result = SpcResult(tuple(points), tuple(segments), tuple(signals), direction,
                       None if target is None else float(target), min_points,
                       variation=_NOT_ENOUGH_ICON, assurance=_NO_TARGET_ICON)  # placeholders: the icons read it
    return replace(result, variation=_variation_icon(result), assurance=_assurance_icon(result))


def compute_spc_for_area(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str,
                         level: str | None = None) -> SpcResult:
    """The XmR chart of one area's series from a tidy indicator table (docs/data-contract.md), with the
    definition's direction, target and change points. Suppressed periods (value NaN) are missing values."""
    rows = values[values["area_code"].astype(str) == str(area_code)]
    if level is not None:
        rows = rows[rows["level"] == level]
    rows = rows.sort_values("period")
    target = definition.target.value if definition.target is not None else None
    return compute_spc(rows["period"].astype(str).tolist(), rows["value"].astype(float).tolist(),
                       direction=definition.direction, change_points=definition.change_points, target=target)


def _as_number(value: float | None) -> float:
    if value is None:
        return math.nan
    number = float(value)
    return number if math.isfinite(number) else math.nan


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= _RELATIVE_TOLERANCE * max(1.0, abs(first), abs(second))


def _compute_segment(number: int, periods: list[str], values: list[float], change_point: ChangePoint | None,
                     min_points: int) -> tuple[Segment, list[Point], list[Signal]]:
    shown = [index for index, value in enumerate(values) if not math.isnan(value)]
    series = [values[index] for index in shown]
    mean = math.fsum(series) / len(series) if series else math.nan
    moving_ranges = [abs(after - before) for before, after in pairwise(series)]
    mean_moving_range = math.fsum(moving_ranges) / len(moving_ranges) if moving_ranges else math.nan
    spread = LIMIT_FACTOR * mean_moving_range
    enough = len(series) >= min_points
    segment = Segment(number, periods[0], periods[-1], len(series), mean, mean_moving_range,
                      mean - spread, mean + spread, mean - NEAR_LIMIT_FRACTION * spread,
                      mean + NEAR_LIMIT_FRACTION * spread, change_point, enough)
    found = _find_signals(series, segment) if enough else []
    rules: dict[int, set[str]] = {}
    sides: dict[int, str] = {}
    for rule, side, positions in found:  # trends come in time order, so a shared peak keeps the earlier trend's
        for position in positions:
            rules.setdefault(position, set()).add(rule)
            if rule == "trend":
                sides.setdefault(position, side)
    for position, position_rules in rules.items():
        if position_rules != {"trend"}:
            sides[position] = HIGH if series[position] > mean else LOW
    by_index = {index: position for position, index in enumerate(shown)}
    points = []
    for index, (period, value) in enumerate(zip(periods, values, strict=True)):
        position = by_index.get(index)
        flagged = tuple(rule for rule in RULES if position is not None and rule in rules.get(position, ()))
        points.append(Point(period, value, number, flagged, sides.get(position) if flagged else None))
    signals = [Signal(rule, side, number, tuple(periods[shown[position]] for position in positions))
               for rule, side, positions in found]
    signals.sort(key=lambda signal: (signal.periods[0], RULES.index(signal.rule)))
    return segment, points, signals


def _find_signals(series: list[float], segment: Segment) -> list[tuple[str, str, list[int]]]:
    """(rule, side, positions in `series`) for every pattern; positions within one pattern in order."""
    found = []
    for position, value in enumerate(series):
        if value > segment.upper_limit and not _close(value, segment.upper_limit):
            found.append(("outside_limits", HIGH, [position]))
        elif value < segment.lower_limit and not _close(value, segment.lower_limit):
            found.append(("outside_limits", LOW, [position]))
    found.extend(_two_of_three(series, segment))
    sides = [0 if _close(value, segment.mean) else (1 if value > segment.mean else -1) for value in series]
    found.extend(("run", HIGH if sign > 0 else LOW, stretch)
                 for sign, stretch in _stretches(sides) if sign != 0 and len(stretch) >= RUN_LENGTH)
    steps = [0 if _close(after, before) else (1 if after > before else -1) for before, after in pairwise(series)]
    for sign, stretch in _stretches(steps):
        if sign != 0 and len(stretch) + 1 >= TREND_LENGTH:  # n steps join n + 1 points
            found.append(("trend", HIGH if sign > 0 else LOW, stretch + [stretch[-1] + 1]))
    return found


def _stretches(signs: list[int]) -> list[tuple[int, list[int]]]:
    """Maximal stretches of equal signs: (sign, positions)."""
    stretches: list[tuple[int, list[int]]] = []
    for position, sign in enumerate(signs):
        if stretches and stretches[-1][0] == sign:
            stretches[-1][1].append(position)
        else:
            stretches.append((sign, [position]))
    return stretches


def _two_of_three(series: list[float], segment: Segment) -> list[tuple[str, str, list[int]]]:
    beyond = []
    for value in series:
        if value > segment.upper_near_limit and not _close(value, segment.upper_near_limit):
            beyond.append(1)
        elif value < segment.lower_near_limit and not _close(value, segment.lower_near_limit):
            beyond.append(-1)
        else:
            beyond.append(0)
    found = []
    for sign, side in ((1, HIGH), (-1, LOW)):
        flagged = sorted({position for start in range(len(series) - 2)
                          for position in range(start, start + 3)
                          if sum(beyond[at] == sign for at in range(start, start + 3)) >= 2
                          and beyond[position] == sign})
        groups: list[list[int]] = []
        for position in flagged:  # flagged values within one 3-value window of each other are one pattern
            if groups and position - groups[-1][-1] <= 2:
                groups[-1].append(position)
            else:
                groups.append([position])
        found.extend(("two_of_three", side, group) for group in groups)
    return found


def _judgement(side: str, direction: str) -> str:
    if direction == "neither":
        return "higher" if side == HIGH else "lower"
    good = HIGH if direction == "higher_is_better" else LOW
    return "improving" if side == good else "concerning"


_VARIATION_WORDS = {
    "improving": ("Special cause variation: improving", "Better than usual"),
    "concerning": ("Special cause variation: concerning", "Worse than usual"),
    "higher": ("Special cause variation: higher", "Higher than usual"),
    "lower": ("Special cause variation: lower", "Lower than usual"),
}
_COMMON_CAUSE_ICON = Icon("common_cause", "~", "Common cause variation", "Only the usual ups and downs")
_NOT_ENOUGH_ICON = Icon("not_enough_points", "…", "Not enough points yet", "Too soon to tell")
_NO_TARGET_ICON = Icon("no_target", "–", "No target", "There is no target")
MOVED_ICON = Icon("not_assessed", "–", "Not assessed: the process has moved (a run or trend), so its limits are out "
                  "of date", "Too soon to tell if the target will be met: the figures have changed")


ICON_KEY = (  # (symbol, professional meaning, plain meaning): the key shown next to a table of icons
    ("↑✓ ↓✓", "Special cause variation, improving: higher (↑) or lower (↓) than common cause explains",
     "Better than usual: higher (↑) or lower (↓) than normal ups and downs"),
    ("↑! ↓!", "Special cause variation, concerning: higher (↑) or lower (↓) than common cause explains",
     "Worse than usual: higher (↑) or lower (↓) than normal ups and downs"),
    ("↑ ↓", "Special cause variation where neither direction is better", "Higher or lower than usual"),
    ("~", "Common cause variation: only the usual ups and downs", "Only the usual ups and downs"),
    ("…", f"Not enough points yet: signals need {MIN_POINTS} or more", "Too soon to tell"),
    ("P", "Assurance: consistently passes the target", "Should meet the target every time"),
    ("F", "Assurance: consistently fails the target", "Will miss the target unless something changes"),
    ("?", "Assurance: hit and miss, the target is within the process limits", "Will meet the target some of the time"),
    ("–", "No target, or not assessed", "No target, or too soon to tell"),
)


def _variation_icon(result: SpcResult) -> Icon:
    latest, segment = result.latest_point, result.latest_segment
    if latest is None or segment is None or not segment.enough_points:
        count = segment.points if segment else 0
        return Icon("not_enough_points", "…", f"Not enough points yet: {count} of {result.min_points}",
                    f"Too soon to tell: {count} of the {result.min_points} figures needed")
    if not latest.special_cause:
        return _COMMON_CAUSE_ICON
    kind = result.judgement(latest.side)
    arrow = "↑" if latest.side == HIGH else "↓"
    mark = {"improving": "✓", "concerning": "!"}.get(kind, "")
    words, plain_words = _VARIATION_WORDS[kind]
    if kind in ("improving", "concerning"):
        higher_or_lower = "higher" if latest.side == HIGH else "lower"
        words = f"{words} ({higher_or_lower})"
        plain_words = f"{plain_words}: {higher_or_lower} than normal ups and downs"
    else:
        plain_words = f"{plain_words}: more than normal ups and downs"
    return Icon(kind, arrow + mark, words, plain_words)


def _assurance_icon(result: SpcResult) -> Icon:
    segment = result.latest_segment
    if result.target is None:
        return _NO_TARGET_ICON
    if result.direction == "neither":
        return Icon("not_assessed", "–", "Not assessed: neither higher nor lower is better",
                    "Not judged against the target")
    if segment is None or not segment.enough_points:
        count = segment.points if segment else 0
        return Icon("not_assessed", "–", f"Not assessed: not enough points yet ({count} of {result.min_points})",
                    "Too soon to tell if the target will be met")
    if result.latest_point is not None and set(result.latest_point.rules) & SHIFT_RULES:
        return MOVED_ICON
    target = result.target
    above_upper = target > segment.upper_limit and not _close(target, segment.upper_limit)
    below_lower = target < segment.lower_limit and not _close(target, segment.lower_limit)
    higher_is_better = result.direction == "higher_is_better"
    if (below_lower and higher_is_better) or (above_upper and not higher_is_better):
        return Icon("consistently_passes", "P", "Consistently passes the target",
                    "Should meet the target every time if nothing changes")
    if above_upper or below_lower:
        return Icon("consistently_fails", "F", "Consistently fails the target",
                    "Will miss the target unless something changes")
    return Icon("hit_and_miss", "?", "Hit and miss: the target is within the process limits",
                "Will meet the target some of the time but not always")


def _segment_span(result: SpcResult, segment: Segment) -> str:
    if len(result.segments) == 1:
        return "This series"
    if segment.number == 0:
        return f"Before {format_period(result.segments[1].start_period)}"
    return f"Since {format_period(segment.start_period)}"


def _list_periods(periods: Sequence[str]) -> str:
    names = [format_period(period) for period in periods]
    if len(names) > 3:
        return f"{len(names)} periods from {names[0]} to {names[-1]}"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
