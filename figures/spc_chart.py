"""The SPC (XmR) chart of one area's trend, as NHS boards read it: values, mean, process limits per segment,
special-cause points marked by symbol and named in the legend, the target, and its text alternative."""
import math
from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from figures import chart_style, palette, presentation
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period
from indicators.spc import MIN_POINTS, RULE_WORDS, Icon, Segment, SpcResult, compute_spc_for_area
from indicators.spc_text import compute_signal_spans, describe_spc

# The comparison styles (palette.STATUS_STYLES) whose colour and marker each judgement borrows, so "improving"
# looks like "better" everywhere. Colour is only an extra: every marker also differs in shape and legend words.
JUDGEMENT_STYLES = {"improving": "better", "concerning": "worse", "higher": "higher", "lower": "lower"}
ICON_STYLES = {
    "improving": "better", "concerning": "worse", "higher": "higher", "lower": "lower",
    "common_cause": "similar", "not_enough_points": "not compared",
    "consistently_passes": "better", "consistently_fails": "worse", "hit_and_miss": "similar",
    "no_target": "not compared", "not_assessed": "not compared",
}
MAX_POINTS_NAMED = 4  # more special-cause points than this are described by the stretches they form

SPECIAL_CAUSE_NAMES = {  # legend words, professional and plain
    "improving": ("Special cause: improving", "Better than usual"),
    "concerning": ("Special cause: concerning", "Worse than usual"),
    "higher": ("Special cause: higher", "Higher than usual"),
    "lower": ("Special cause: lower", "Lower than usual"),
}
VALUE_COLOUR = palette.STATUS_STYLES["similar"].colour


def icon_colour(icon: Icon) -> str:
    """The extra colour of an icon (its words and symbol carry the meaning)."""
    return palette.STATUS_STYLES[ICON_STYLES.get(icon.kind, "not compared")].colour


def build_spc_figure(result: SpcResult, definition: IndicatorDefinition, *, area_name: str,
                     plain_language: bool = False, start_at_zero: bool = True) -> go.Figure:
    """The XmR chart of `result` (indicators/spc.py) for one area, in the indicator's unit.

    Missing values are gaps. Each segment has its own mean and limit lines (broken at a change point, which is
    marked and labelled with its reason); a segment with too few points has dotted "trial" limits. The value axis
    starts at zero unless `start_at_zero` is False, and then its title says so.
    """
    label = chart_style.indicator_label(definition, plain_language)
    title = f"{label}: {area_name}"
    if not any(point.shown for point in result.points):
        return chart_style.build_empty_figure(title, "No figures to show for this choice.")
    figure = go.Figure()
    dates = [pd.Timestamp(point.period) for point in result.points]
    values = [point.value if point.shown else None for point in result.points]
    figure.add_trace(go.Scatter(
        x=dates, y=values, mode="lines+markers", name=definition.short_name or definition.name,
        line={"color": VALUE_COLOUR, "width": 2}, marker={"symbol": "circle", "size": 7, "color": VALUE_COLOUR},
        connectgaps=False,
        hovertemplate=f"%{{x|%B %Y}}: {chart_style.hover_number('y', definition)}<extra></extra>",
    ))
    judged = [segment for segment in result.segments if segment.enough_points]
    trial = [segment for segment in result.segments if not segment.enough_points]
    figure.add_trace(_segment_line(result, result.segments, "mean", name="Mean", colour=palette.TEXT_COLOR))
    for segments, name, dash in ((judged, "Process limits", "dash"),
                                 (trial, f"Trial limits (fewer than {result.min_points} points)", "dot")):
        if any(not math.isnan(segment.upper_limit) for segment in segments):
            for which, show in (("upper_limit", True), ("lower_limit", False)):
                figure.add_trace(_segment_line(result, segments, which, name=name, colour=palette.LIMIT_COLOR,
                                               dash=dash, legendgroup=name, showlegend=show))
    for judgement, (professional, plain) in SPECIAL_CAUSE_NAMES.items():
        flagged = [point for point in result.points if point.special_cause and result.judgement(point.side) == judgement]
        if not flagged:
            continue
        style = palette.STATUS_STYLES[JUDGEMENT_STYLES[judgement]]
        figure.add_trace(go.Scatter(
            x=[pd.Timestamp(point.period) for point in flagged], y=[point.value for point in flagged],
            mode="markers", name=plain if plain_language else professional,
            marker={"symbol": style.symbol, "size": 14, "color": style.colour,
                    "line": {"color": palette.TEXT_COLOR, "width": 1}},
            customdata=["; ".join(RULE_WORDS[rule] for rule in point.rules) for point in flagged],
            hovertemplate=(f"%{{x|%B %Y}}: {chart_style.hover_number('y', definition)}<br>"
                           f"{professional}: %{{customdata}}<extra></extra>"),
        ))
    if result.target is not None:
        figure.add_trace(go.Scatter(
            x=[dates[0], dates[-1]], y=[result.target, result.target], mode="lines",
            name=f"Target {definition.format_value(result.target)}",
            line={"color": palette.TARGET_COLOR, "width": 2, "dash": "dashdot"}, hoverinfo="skip",
        ))
    for segment in result.segments:
        if segment.change_point is not None:
            _mark_change_point(figure, segment, plain_language)
    axis_title = chart_style.value_axis_title(definition)
    if start_at_zero:
        figure.update_yaxes(rangemode="tozero", title_text=axis_title)
    else:
        figure.update_yaxes(title_text=f"{axis_title} ({chart_style.NOT_FROM_ZERO})")
    figure.update_xaxes(title_text="Period", type="date", tickformat="%b %Y")
    figure.update_layout(height=480, hovermode="closest")
    subtitle = (f"Variation: {result.variation.text(plain=plain_language)} · "
                f"Assurance: {result.assurance.text(plain=plain_language)}")
    return chart_style.apply_layout(figure, title, subtitle)


def _segment_line(result: SpcResult, segments: list[Segment] | tuple[Segment, ...], field: str, *, name: str,
                  colour: str, dash: str = "solid", legendgroup: str | None = None,
                  showlegend: bool = True) -> go.Scatter:
    """One line per segment for `field` (mean or a limit), from its first to its last period, broken between."""
    x: list = []
    y: list = []
    for segment in segments:
        level = getattr(segment, field)
        if math.isnan(level):
            continue
        periods = [point.period for point in result.points if point.segment == segment.number]
        x += [pd.Timestamp(period) for period in periods] + [None]
        y += [level] * len(periods) + [None]
    return go.Scatter(x=x, y=y, mode="lines", name=name, line={"color": colour, "width": 2, "dash": dash},
                      legendgroup=legendgroup, showlegend=showlegend, hoverinfo="skip", connectgaps=False)


def _mark_change_point(figure: go.Figure, segment: Segment, plain_language: bool) -> None:
    at = pd.Timestamp(segment.start_period)
    figure.add_shape(type="line", x0=at, x1=at, y0=0, y1=1, yref="paper",
                     line={"color": palette.TEXT_COLOR, "width": 1, "dash": "dot"})
    words = "New usual range" if plain_language else "Limits worked out again"
    reason = segment.change_point.reason
    # Inside the plot's top edge, on a pale box: above the plot it ran into the subtitle with the icons.
    figure.add_annotation(x=at, y=1, yref="paper", yanchor="top", xanchor="left", showarrow=False,
                          text=f"{words}: {reason}" if reason else words, bgcolor="rgba(255, 255, 255, 0.85)",
                          font={"size": palette.BASE_FONT_SIZE - 2, "color": palette.TEXT_COLOR})


def describe_spc_figure(result: SpcResult, definition: IndicatorDefinition, *, area_name: str,
                        plain_language: bool = False, start_at_zero: bool = True) -> str:
    """The text alternative of build_spc_figure: what is drawn, each segment's mean and limits, the special-cause
    points, both icons and whether the axis starts at zero."""
    label = chart_style.lower_first(chart_style.indicator_label(definition, plain_language))
    shown = [point for point in result.points if point.shown]
    if not shown:
        return f"SPC chart of {label} for {area_name}: no figures to show."
    span = f"from {format_period(shown[0].period)} to {format_period(shown[-1].period)}"
    parts = [f"SPC chart of {label} for {area_name}, {span}, {len(shown)} points."]
    for segment in result.segments:
        if math.isnan(segment.upper_limit):
            continue
        when = "" if len(result.segments) == 1 else \
            f"From {format_period(segment.start_period)} to {format_period(segment.end_period)}: "
        kind = "process limits" if segment.enough_points else "trial limits (too few points to judge)"
        text = (f"mean {definition.format_value(segment.mean)}, {kind} "
                f"{definition.format_value(segment.lower_limit, with_unit=False)} to "
                f"{definition.format_value(segment.upper_limit)}.")
        parts.append(when + (text if when else text[:1].upper() + text[1:]))
    flagged = [point for point in result.points if point.special_cause]
    if 0 < len(flagged) <= MAX_POINTS_NAMED:
        parts.append("Special cause points: " + "; ".join(
            f"{format_period(point.period)} {definition.format_value(point.value)} "
            f"({result.judgement(point.side)}: {', '.join(RULE_WORDS[rule] for rule in point.rules)})"
            for point in flagged) + ".")
    elif flagged:  # each point and its rules are in the numbers table; here the stretches they form
        parts.append(f"Special cause points: {len(flagged)}, in stretches: " + "; ".join(
            f"{format_period(span.periods[0])} to {format_period(span.periods[-1])}, {len(span.periods)} points, "
            f"{result.judgement(span.side)} ({', '.join(RULE_WORDS[rule] for rule in sorted(span.rules))})"
            if len(span.periods) > 1 else
            f"{format_period(span.periods[0])}, {result.judgement(span.side)} "
            f"({', '.join(RULE_WORDS[rule] for rule in sorted(span.rules))})"
            for span in compute_signal_spans(result)) + ".")
    parts.append(f"Variation: {result.variation.text(plain=plain_language)}. "
                 f"Assurance: {result.assurance.text(plain=plain_language)}.")
    if result.target is not None:
        parts.append(f"Target line at {definition.format_value(result.target)}.")
    parts.append("The value axis starts at zero." if start_at_zero else f"The value {chart_style.NOT_FROM_ZERO}.")
    return " ".join(parts)


@dataclass(frozen=True)
class SpcPanel:
    """One area's trend as an SPC chart: the result, the chart and its text alternative, what it says in plain
    words and for professionals, and its numbers. `figure` is None when the series has fewer than MIN_POINTS
    values; `reason` then says so in a plain sentence."""

    area_name: str
    points: int
    result: SpcResult
    figure: go.Figure | None
    alt: str
    sentence: str
    professional_sentence: str
    notes: tuple[str, ...]
    table: pd.DataFrame
    reason: str = ""

    @property
    def shown(self) -> bool:
        return self.figure is not None


def describe_spc_subject(definition: IndicatorDefinition, *, plain_language: bool) -> str:
    """What the sentences are about: the indicator's name, or in plain words "the figure for" its plain name in
    quotes (e.g. 'the figure for "People who know the local plan"'), so that "was lower" reads right after a name
    that is a plural or ends in a comma."""
    return f'the figure for "{definition.plain_name}"' if plain_language else definition.name


def compute_spc_table(result: SpcResult, definition: IndicatorDefinition) -> pd.DataFrame:
    """The numbers behind an SPC chart, one row per period, in human column names; the unit is in the value
    column's name."""
    value_column = f"Value ({definition.unit})" if definition.unit else "Value"
    columns = ["Period", value_column, "Mean", "Lower process limit", "Upper process limit", "Special cause", "Rules"]
    rows = []
    for point in result.points:
        segment = result.segments[point.segment]
        number = partial(definition.format_value, with_unit=False)
        rows.append(dict(zip(columns, (
            format_period(point.period), number(point.value if point.shown else None), number(segment.mean),
            number(segment.lower_limit), number(segment.upper_limit),
            f"Yes, {result.judgement(point.side)}" if point.special_cause else "No",
            "; ".join(RULE_WORDS[rule] for rule in point.rules)), strict=True)))
    return pd.DataFrame(rows, columns=columns)


def build_spc_panel(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str, area_name: str,
                    level: str | None = None, up_to_period: str | None = None, plain_language: bool = False,
                    height: int | None = None, presenter: bool = False) -> SpcPanel:
    """The SPC chart of one area's series from a tidy indicator table, with its sentences and numbers.

    Periods after `up_to_period` are left out. The chart's words are plain with `plain_language`; `sentence` is
    always plain English, `professional_sentence` for specialists. A series with fewer than MIN_POINTS values gets no chart, only a
    plain `reason`. `presenter` restyles the figure for a projector (figures.presentation); `height` sets its
    height in pixels.
    """
    rows = values if up_to_period is None else values[values["period"].astype(str) <= up_to_period]
    result = compute_spc_for_area(rows, definition, area_code=area_code, level=level)
    points = sum(point.shown for point in result.points)
    sentence = describe_spc(result, describe_spc_subject(definition, plain_language=True), plain=True,
                            format_value=definition.format_value)
    professional = describe_spc(result, definition.name, format_value=definition.format_value)
    table = compute_spc_table(result, definition)
    if points < MIN_POINTS:
        label = chart_style.lower_first(chart_style.indicator_label(definition, plain_language))
        reason = (f"An SPC chart needs at least {MIN_POINTS} figures to tell real change from the usual ups and "
                  f"downs; {area_name} has {points} for {label}." if points else
                  f"There are no figures for {label} in {area_name}, so there is no SPC chart.")
        return SpcPanel(area_name, points, result, None, reason, sentence, professional, result.notes(), table,
                        reason)
    figure = build_spc_figure(result, definition, area_name=area_name, plain_language=plain_language)
    if presenter:
        figure = presentation.build_presentation_figure(figure, height=height or presentation.CHART_HEIGHT)
        # A long unit ("Per 1,000 patients a month") at full size runs past the short plot into the subtitle.
        figure.update_yaxes(title_font_size=presentation.PRESENTER_FONT_SIZE - 4)
    elif height is not None:
        figure.update_layout(height=height)
    alt = describe_spc_figure(result, definition, area_name=area_name, plain_language=plain_language)
    return SpcPanel(area_name, points, result, figure, alt, sentence, professional, result.notes(), table)
