"""Funnel plot: each area's value against its denominator, with 95% and 99.8% control limits around a benchmark."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.chart_style import (
    NOT_FROM_ZERO,
    NOT_SHOWN_REASON,
    add_reference_line,
    apply_layout,
    build_empty_figure,
    build_status_traces,
    count_phrase,
    hover_number,
    is_shown,
    latest_period_rows,
    level_words,
    lower_first,
    value_axis_title,
)
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period
from indicators.statistics import (
    NO_OVERDISPERSION,
    Z_95,
    Z_998,
    Overdispersion,
    estimate_overdispersion,
    funnel_comparison,
    funnel_limits,
)

FUNNEL_LEVELS = (("95%", Z_95), ("99.8%", Z_998))
CLUSTER_WORDS = {"practice": "practice", "pcn": "Primary Care Network", "borough": "borough", "stp": "STP"}
NO_LIMITS_TEXT = {
    "tolerance": "no control limits: no sampling error for staff counts",
    "none": "no control limits: this indicator is not compared",
}


def _denominator_title(definition: IndicatorDefinition) -> str:
    denominator = definition.denominator
    if denominator.aggregate == "count":
        return "Number of rows counted (denominator)"
    words = " + ".join(column.replace("_", " ") for column in denominator.columns)
    return f"{words[0].upper()}{words[1:]} (denominator)" if words else "Denominator"


def _shown(rows: pd.DataFrame) -> pd.Series:
    return is_shown(rows) & pd.to_numeric(rows["denominator"], errors="coerce").gt(0)


def compute_funnel_overdispersion(shown: pd.DataFrame, definition: IndicatorDefinition,
                                  benchmark_value: float | None) -> Overdispersion:
    """phi and tau^2 of the plotted areas around the benchmark, for an indicator counted in clustered units
    (definition.clustered_by); no adjustment otherwise or without a benchmark."""
    if not definition.overdispersion or benchmark_value is None or pd.isna(benchmark_value) or shown.empty:
        return NO_OVERDISPERSION
    return estimate_overdispersion(shown["value"].astype(float).to_numpy(),
                                   shown["denominator"].astype(float).to_numpy(), float(benchmark_value),
                                   multiplier=definition.multiplier, comparison=definition.comparison)


def overdispersion_note(definition: IndicatorDefinition, estimate: Overdispersion) -> str:
    """How the limits allow for clustering, in a sentence ('' when they need not)."""
    if not definition.overdispersion or estimate.units < 2:
        return ""
    if estimate.tau2 > 0:
        unit = " points" if definition.unit == "%" else f" {definition.unit}"
        return (f"Limits widened for over-dispersion (counted in clusters by "
                f"{CLUSTER_WORDS.get(definition.clustered_by, definition.clustered_by)}: phi {estimate.phi:,.1f}, "
                f"random-effects tau {estimate.tau:,.{definition.decimals + 1}f}{unit}).")
    return f"No over-dispersion found (phi {estimate.phi:,.1f}); binomial or Poisson limits."


def build_funnel_figure(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                        benchmark_name: str, benchmark_value: float | None, title: str | None = None) -> go.Figure:
    """Funnel plot of the areas in `values` (usually practices) against the benchmark (usually the region).

    `values`: tidy rows (area_name, level, denominator, value, suppressed, vs_region, period); only the
    latest period is drawn. Limits at 95% and 99.8% for comparison "wilson" (proportion) and "byar"
    (Poisson rate); "tolerance" and "none" have no sampling error, so only the benchmark line (and
    for tolerance the +/- tolerance_percent band) is drawn and the title says so.
    """
    rows, period = latest_period_rows(values)
    comparison = definition.comparison
    base_title = title or f"{definition.name}: funnel plot" + (f", {format_period(period)}" if period else "")
    if rows.empty:
        return build_empty_figure(base_title)
    shown_mask = _shown(rows)
    shown = rows[shown_mask].assign(value=lambda frame: frame["value"].astype(float),
                                    denominator=lambda frame: frame["denominator"].astype(float))
    hidden = int((~shown_mask).sum())
    if comparison in NO_LIMITS_TEXT:
        text = NO_LIMITS_TEXT[comparison]
        notes = [f"{text[0].upper()}{text[1:]}."]
    else:
        notes = ["Dashed lines: 95% limits; dotted: 99.8% limits."]
    estimate = compute_funnel_overdispersion(shown, definition, benchmark_value)
    if overdispersion_note(definition, estimate):
        notes.append(overdispersion_note(definition, estimate))
    if hidden:
        notes.append(f"{count_phrase(hidden, level_words(rows, areas))} not shown: {NOT_SHOWN_REASON}.")
    figure = go.Figure()
    has_benchmark = benchmark_value is not None and not pd.isna(benchmark_value)
    status_column = "vs_region"
    if has_benchmark:  # each point is labelled by the same limits the lines are drawn from
        shown = shown.assign(funnel_status=funnel_comparison(
            shown["value"], shown["denominator"], float(benchmark_value), multiplier=definition.multiplier,
            comparison=comparison, direction=definition.direction,
            tolerance_percent=float(definition.tolerance_percent or 10), tau2=estimate.tau2,
            meaningful_difference=definition.meaningful_difference))
        status_column = "funnel_status"
    if has_benchmark and comparison not in NO_LIMITS_TEXT and not shown.empty:
        low, high = shown["denominator"].min(), shown["denominator"].max()
        grid = np.geomspace(low, high, 200) if high > low else np.array([low])
        grid = np.union1d(grid, shown["denominator"].to_numpy())  # the lines pass exactly through every point's x
        for (level, z), dash in zip(FUNNEL_LEVELS, ("dash", "dot")):
            lower, upper = funnel_limits(float(benchmark_value), grid, multiplier=definition.multiplier,
                                         comparison=comparison, z=z, tau2=estimate.tau2)
            figure.add_trace(go.Scatter(
                x=np.concatenate([grid, [np.nan], grid]), y=np.concatenate([lower, [np.nan], upper]),
                mode="lines", name=f"{level} control limits", connectgaps=False, hoverinfo="skip",
                line={"color": palette.LIMIT_COLOR, "width": 2, "dash": dash},
            ))
    tolerance = definition.tolerance_percent
    if has_benchmark and comparison == "tolerance" and tolerance:
        for sign in (-1, 1):
            figure.add_shape(type="line", y0=float(benchmark_value) * (1 + sign * tolerance / 100),
                             y1=float(benchmark_value) * (1 + sign * tolerance / 100), x0=0, x1=1,
                             xref="paper", line={"color": palette.LIMIT_COLOR, "width": 2, "dash": "dot"},
                             name=f"Within {tolerance:g}% of {benchmark_name} (similar)",
                             showlegend=sign == 1)
    for trace in build_status_traces(shown, status_column=status_column, benchmark_name=benchmark_name,
                                     x_column="denominator", y_column="value", with_ci=False, marker_size=11,
                                     number_hover=hover_number("y", definition),
                                     extra_hover="<br>Denominator %{x:,.0f}"):
        figure.add_trace(trace)
    if has_benchmark:
        add_reference_line(figure, float(benchmark_value), orientation="horizontal",
                           name=f"{benchmark_name} {definition.format_value(benchmark_value)}")
    figure.update_xaxes(title_text=_denominator_title(definition), rangemode="tozero")
    _set_value_axis(figure, definition)
    figure.update_layout(height=500)
    return apply_layout(figure, base_title, " ".join(notes) or None)


def _set_value_axis(figure: go.Figure, definition: IndicatorDefinition) -> None:
    """From zero when the figures reach down near it; otherwise a range around them that the title says is cut.

    A funnel is read as distance from the benchmark line, so practices at 95-100% are drawn close up, and the
    axis title says so rather than letting a 2-point spread pass for a large one.
    """
    drawn = [np.asarray(trace.y, dtype=float) for trace in figure.data if trace.y is not None]
    drawn += [np.array([shape.y0, shape.y1], dtype=float) for shape in figure.layout.shapes if shape.yref != "paper"]
    values = np.concatenate(drawn) if drawn else np.array([])
    values = values[np.isfinite(values)]
    title = value_axis_title(definition)
    if values.size == 0 or values.min() <= 0.25 * max(values.max(), 0):
        figure.update_yaxes(title_text=title, rangemode="tozero")
        return
    low, high = float(values.min()), float(values.max())
    pad = 0.06 * (high - low) or 0.05 * high
    figure.update_yaxes(title_text=f"{title} ({NOT_FROM_ZERO})", range=[max(low - pad, 0.0), high + pad],
                        autorange=False)


def describe_funnel(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                    benchmark_name: str, benchmark_value: float | None) -> str:
    """One sentence saying what build_funnel_figure shows: how many sit outside the 99.8% limits."""
    rows, period = latest_period_rows(values)
    comparison = definition.comparison
    label = lower_first(definition.name)
    when = f" in {format_period(period)}" if period else ""
    names = level_words(rows, areas)
    shown = rows[_shown(rows)] if not rows.empty else rows
    if shown.empty or benchmark_value is None or pd.isna(benchmark_value):
        return f"Funnel plot of {label}{when}: no figures to compare."
    value = shown["value"].astype(float).to_numpy()
    parts = [(f"Funnel plot of {label} for {count_phrase(len(shown), names)}{when} "
             f"against {benchmark_name} {definition.format_value(benchmark_value)}")]
    if comparison in NO_LIMITS_TEXT:
        above = int((value > float(benchmark_value)).sum())
        parts.append(f"{NO_LIMITS_TEXT[comparison]}; {above} above {benchmark_name}, "
                     f"{len(value) - above} at or below")
    else:
        estimate = compute_funnel_overdispersion(shown, definition, benchmark_value)
        lower, upper = funnel_limits(float(benchmark_value), shown["denominator"].astype(float).to_numpy(),
                                     multiplier=definition.multiplier, comparison=comparison, z=Z_998,
                                     tau2=estimate.tau2)
        above, below = int((value > upper).sum()), int((value < lower).sum())
        parts.append(f"{above} above the upper 99.8% limit, {below} below the lower 99.8% limit, "
                     f"{len(value) - above - below} within")
        note = overdispersion_note(definition, estimate)
        if note:
            parts.append(note.rstrip(".")[:1].lower() + note.rstrip(".")[1:])
    hidden = len(rows) - len(shown)
    if hidden:
        parts.append(f"{count_phrase(hidden, names)} not shown ({NOT_SHOWN_REASON})")
    figure = build_funnel_figure(values, definition, areas, benchmark_name=benchmark_name,
                                 benchmark_value=benchmark_value)
    parts.append("the value axis starts at zero" if figure.layout.yaxis.range is None else f"the value {NOT_FROM_ZERO}")
    return "; ".join(parts) + "."
