"""The SPC (XmR) chart of one area's trend, as NHS boards read it: values, mean, process limits per segment,
special-cause points marked by symbol and named in the legend, the target, and its text alternative."""
import math

import pandas as pd
import plotly.graph_objects as go

from figures import chart_style, palette
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period
from indicators.spc import RULE_WORDS, Icon, Segment, SpcResult

# The comparison styles (palette.STATUS_STYLES) whose colour and marker each judgement borrows, so "improving"
# looks like "better" everywhere. Colour is only an extra: every marker also differs in shape and legend words.
JUDGEMENT_STYLES = {"improving": "better", "concerning": "worse", "higher": "higher", "lower": "lower"}
ICON_STYLES = {
    "improving": "better", "concerning": "worse", "higher": "higher", "lower": "lower",
    "common_cause": "similar", "not_enough_points": "not compared",
    "consistently_passes": "better", "consistently_fails": "worse", "hit_and_miss": "similar",
    "no_target": "not compared", "not_assessed": "not compared",
}
SPECIAL_CAUSE_NAMES = {  # legend words, professional and plain
    "improving": ("Special cause: improving", "Better than usual"),
    "concerning": ("Special cause: concerning", "Worse than usual"),
    "higher": ("Special cause: higher", "Higher than usual"),
    "lower": ("Special cause: lower", "Lower than usual"),
}
VALUE_COLOUR = palette.STATUS_STYLES["similar"].colour
NOT_FROM_ZERO = "axis does not start at zero"


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
        figure.update_yaxes(title_text=f"{axis_title} ({NOT_FROM_ZERO})")
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
    figure.add_annotation(x=at, y=1, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                          text=f"{words}: {reason}" if reason else words,
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
    if flagged:
        parts.append("Special cause points: " + "; ".join(
            f"{format_period(point.period)} {definition.format_value(point.value)} "
            f"({result.judgement(point.side)}: {', '.join(RULE_WORDS[rule] for rule in point.rules)})"
            for point in flagged) + ".")
    parts.append(f"Variation: {result.variation.text(plain=plain_language)}. "
                 f"Assurance: {result.assurance.text(plain=plain_language)}.")
    if result.target is not None:
        parts.append(f"Target line at {definition.format_value(result.target)}.")
    parts.append("The value axis starts at zero." if start_at_zero else f"The value {NOT_FROM_ZERO}.")
    return " ".join(parts)
