"""What an SPC chart says, in sentences for professionals and in plain English (reading grade 8 or below).

Every sentence comes from the computed result (indicators/spc.py): the months it names are the months that a
special-cause rule flags, or a change point's month in the sentence about that change; "rose", "higher" and
"above" are said only of high-side signals, "fell", "lower" and "below" only of low-side ones, and "rose" or
"fell" only of a short move (one or two values) that did rise or fall from the value before it (a series that
starts low "was lower"); "has since returned to its usual range" only when the latest value is within the limits
and no rule flags it.
"""
from collections.abc import Callable
from dataclasses import dataclass

from indicators.formatting import format_period
from indicators.spc import HIGH, MOVED_ICON, SpcResult

MAX_NAMED_SPANS = 3  # older signals are counted, not named, so the text stays short


@dataclass(frozen=True)
class SignalSpan:
    """Consecutive special-cause values on one side of one segment: their periods, side and rules."""

    side: str
    periods: tuple[str, ...]
    rules: frozenset[str]


def compute_signal_spans(result: SpcResult) -> tuple[SignalSpan, ...]:
    """The special-cause values grouped into spans, in time order. Values next to each other (a missing value
    between them does not part them) in one segment, on the same side, form one span."""
    spans: list[SignalSpan] = []
    previous = None
    for point in result.points:
        if not point.shown:
            continue
        joins = (previous is not None and previous.special_cause and point.special_cause
                 and previous.segment == point.segment and previous.side == point.side)
        if joins:
            last = spans[-1]
            spans[-1] = SignalSpan(last.side, last.periods + (point.period,), last.rules | set(point.rules))
        elif point.special_cause:
            spans.append(SignalSpan(point.side, (point.period,), frozenset(point.rules)))
        previous = point
    return tuple(spans)


def describe_spc(result: SpcResult, subject: str, *, plain: bool = False,
                 format_value: Callable[[float], str] = lambda value: f"{value:,.1f}") -> str:
    """What the chart says: change points, signals (the latest three named by month), whether the latest value is
    back in its usual range, and the target's assurance.

    `subject` starts the first sentence ("The number of appointments"); `format_value` writes a value with its
    unit (e.g. IndicatorDefinition.format_value). `plain` gives the plain-English version.
    """
    subject = _capitalise(subject)
    sentences = [_describe_change_point(segment.start_period, segment.change_point.reason, plain)
                 for segment in result.segments if segment.change_point is not None]
    judged = [segment for segment in result.segments if segment.enough_points]
    latest = result.latest_segment
    for segment in result.segments:
        if not segment.enough_points and segment is not latest and segment.number == 0 and judged:
            when = format_period(result.segments[1].start_period)
            sentences.append(f"Before {when} there are too few figures to judge." if plain else
                             f"Before {when} there are too few points to look for signals "
                             f"({segment.points} of {result.min_points}).")
    if not judged:
        count = latest.points if latest else 0
        sentences.append(
            f"It is too soon to tell real change from the usual ups and downs: there are {count} of the "
            f"{result.min_points} figures needed." if plain else
            f"There are not enough points yet to tell special cause from common cause variation: {count} of "
            f"{result.min_points}.")
        return " ".join(sentences)

    spans = compute_signal_spans(result)
    named = spans[-MAX_NAMED_SPANS:]
    earlier = len(spans) - len(named)
    for index, span in enumerate(named):
        sentences.append(_describe_span(subject if index == 0 else "It", span, result, plain))
    if earlier:
        sentences.append(f"It also moved outside its usual range {_times(earlier, 'other time')}, earlier on."
                         if plain else
                         f"There {'was' if earlier == 1 else 'were'} also {_times(earlier, 'earlier signal')}.")
    sentences.append(_describe_latest(result, subject, bool(spans), plain))
    assurance = _describe_assurance(result, format_value, plain)
    if assurance:
        sentences.append(assurance)
    missing = len(result.missing_periods)
    if missing:
        verb = "is" if missing == 1 else "are"
        sentences.append(_capitalise(f"{_times(missing, 'figure')} {verb} missing and left out.") if plain else
                         _capitalise(f"{_times(missing, 'period')} with no figure (suppressed or missing) {verb} "
                                     f"left out."))
    return " ".join(sentences)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _times(count: int, noun: str) -> str:
    """"one figure", "2 figures"."""
    return f"{'one' if count == 1 else count} {noun}{'' if count == 1 else 's'}"


def _describe_change_point(period: str, reason: str, plain: bool) -> str:
    because = f" because of {reason}" if reason else ""
    if plain:
        return f"We worked out a new usual range from {format_period(period)}{because}."
    return f"Process limits are worked out again from {format_period(period)}{because}."


def _when(periods: tuple[str, ...]) -> str:
    if len(periods) == 1:
        return f"in {format_period(periods[0])}"
    if len(periods) == 2:
        return f"in {format_period(periods[0])} and {format_period(periods[1])}"
    return f"from {format_period(periods[0])} to {format_period(periods[-1])}"


def _moved_into(span: SignalSpan, result: SpcResult) -> bool:
    """Whether the span is a short move (one or two values) that rose (high side) or fell (low side) from the value
    before it in its segment: only then is "rose" or "fell" true; a series that starts low, or stays high for
    years, "was lower" or "was higher"."""
    if len(span.periods) > 2:
        return False
    shown = [point for point in result.points if point.shown]
    first = next(index for index, point in enumerate(shown) if point.period == span.periods[0])
    if first == 0 or shown[first - 1].segment != shown[first].segment:
        return False
    change = shown[first].value - shown[first - 1].value
    return change > 0 if span.side == HIGH else change < 0


def _describe_span(who: str, span: SignalSpan, result: SpcResult, plain: bool) -> str:
    high = span.side == HIGH
    if span.rules & {"outside_limits", "two_of_three"}:
        moved = ("rose" if high else "fell") if _moved_into(span, result) else ("was higher" if high else "was lower")
        verb = (f"{moved} more than usual" if moved in ("rose", "fell") else f"{moved} than usual") if plain else (
            f"{moved} further than normal variation would explain" if moved in ("rose", "fell") else
            f"{moved} than normal variation would explain")
    elif "run" in span.rules:
        verb = ("stayed higher than usual" if high else "stayed lower than usual") if plain else \
            (f"stayed above its mean ({len(span.periods)} points in a row)" if high else
             f"stayed below its mean ({len(span.periods)} points in a row)")
    else:
        verb = ("kept rising" if high else "kept falling") if plain else \
            (f"rose steadily ({len(span.periods)} points in a row)" if high else
             f"fell steadily ({len(span.periods)} points in a row)")
    judgement = "" if plain or result.direction == "neither" else f": special cause, {result.judgement(span.side)}"
    return f"{who} {verb} {_when(span.periods)}{judgement}."


def _describe_latest(result: SpcResult, subject: str, had_signals: bool, plain: bool) -> str:
    latest, segment = result.latest_point, result.latest_segment
    if not segment.enough_points:
        since = format_period(segment.start_period)
        return (f"Since {since} it is too soon to tell: there are {segment.points} of the {result.min_points} "
                f"figures needed." if plain else
                f"Since {since} there are not enough points yet to look for signals: {segment.points} of "
                f"{result.min_points}.")
    if latest.special_cause:
        higher_or_lower = "higher" if latest.side == HIGH else "lower"
        judgement = result.judgement(latest.side)
        if plain:
            better_or_worse = {"improving": " That is a change for the better.",
                               "concerning": " That is a change for the worse."}.get(judgement, "")
            return f"The latest figure is still {higher_or_lower} than usual.{better_or_worse}"
        which = "" if result.direction == "neither" else f", {judgement}"
        return f"The latest point is still a special cause on the {higher_or_lower} side{which}."
    if had_signals:
        return "It has since returned to its usual range." if plain else \
            "It has since returned to its usual range (common cause variation)."
    return (f"{subject} has gone up and down only by the usual amount." if plain else
            f"{subject} shows only common cause variation: every point is within its process limits and no run, "
            f"trend or pair near a limit stands out.")


def _describe_assurance(result: SpcResult, format_value: Callable[[float], str], plain: bool) -> str:
    kind, segment = result.assurance.kind, result.latest_segment
    if kind == "not_assessed" and result.assurance == MOVED_ICON:
        target = format_value(result.target)
        return (f"It has changed, so it is too soon to say if it will meet the target of {target} every time."
                if plain else
                f"Whether it will meet the target of {target} reliably is not assessed: it has moved (its latest value "
                f"is part of a run or trend), so the process limits ({format_value(segment.lower_limit)} to "
                f"{format_value(segment.upper_limit)}) describe it before it moved; a change point would re-base them.")
    if kind not in ("consistently_passes", "consistently_fails", "hit_and_miss"):
        return ""
    target = format_value(result.target)
    if plain:
        return {
            "consistently_passes": f"If nothing changes, it should meet the target of {target} every time.",
            "consistently_fails": f"It will not meet the target of {target} unless something changes.",
            "hit_and_miss": f"It will meet the target of {target} some of the time but not always.",
        }[kind]
    limits = f"({format_value(segment.lower_limit)} to {format_value(segment.upper_limit)})"
    return {
        "consistently_passes": f"It will consistently pass the target of {target}: the target lies beyond its "
                               f"process limits {limits} on the good side.",
        "consistently_fails": f"It will consistently fail the target of {target}: the target lies beyond its "
                              f"process limits {limits} on the bad side.",
        "hit_and_miss": f"It will hit and miss the target of {target}: the target lies within its process "
                        f"limits {limits}.",
    }[kind]
