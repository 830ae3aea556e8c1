"""Areas side by side: each area's value and 95% confidence interval against a benchmark (the region or an STP)
and any target, coloured and shaped by the comparison result."""
import pandas as pd
import plotly.graph_objects as go

from figures.chart_style import (
    NOT_SHOWN_REASON,
    add_reference_line,
    add_target_line,
    apply_layout,
    build_empty_figure,
    build_status_traces,
    count_phrase,
    count_statuses,
    hover_number,
    indicator_label,
    is_shown,
    latest_period_rows,
    level_words,
    lower_first,
    numeric_column,
    unit_suffix,
    value_axis_title,
)
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period


def _interval_note(shown: pd.DataFrame, definition: IndicatorDefinition, benchmark_name: str) -> str:
    """What the whiskers mean, or why there are none, and the smallest difference called better or worse."""
    meaningful = definition.meaningful_difference
    amount = (f"{meaningful:g} percentage point{'' if meaningful == 1 else 's'}" if definition.unit == "%"
              else definition.format_value(meaningful))
    smallest = f" Differences under {amount} count as similar." if meaningful > 0 else ""
    if (numeric_column(shown, "lower_95").notna() & numeric_column(shown, "upper_95").notna()).any():
        clustered = (", widened for clustering (over-dispersion)" if definition.overdispersion else "")
        return f"Marker: value; line: 95% confidence interval{clustered}.{smallest}"
    if definition.comparison == "tolerance":
        return (f"No confidence interval: counts of staff or minutes have no sampling error. "
                f"Similar means within {definition.tolerance_percent:g}% of {benchmark_name}.{smallest}")
    return "No confidence interval for this indicator."


def build_area_comparison_figure(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                                 benchmark_name: str, benchmark_value: float | None, title: str | None = None,
                                 status_column: str = "vs_region", plain_language: bool = False) -> go.Figure:
    """Dot-and-whisker chart of areas (value and 95% CI) against a benchmark and any target.

    `values`: tidy indicator rows for the areas to compare (area_name, value, lower_95, upper_95,
    suppressed, level, period and `status_column`); only the latest period is drawn. Suppressed
    rows are left out and counted in the subtitle. Use status_column="vs_stp" with the STP's
    value and name as benchmark when comparing an STP's boroughs.
    """
    rows, period = latest_period_rows(values)
    label = indicator_label(definition, plain_language)
    when = format_period(period)
    title = title or (f"{label}, {when}" if when else label)
    if rows.empty:
        return build_empty_figure(title)
    shown_mask = is_shown(rows)
    shown = rows[shown_mask].assign(value=lambda frame: frame["value"].astype(float))
    shown = shown.sort_values("value", kind="stable")
    hidden = int((~shown_mask).sum())
    names = level_words(rows, areas)
    notes = [_interval_note(shown, definition, benchmark_name)]
    if hidden:
        notes.append(f"{count_phrase(hidden, names)} not shown: {NOT_SHOWN_REASON}.")
    figure = go.Figure()
    for trace in build_status_traces(shown, status_column=status_column, benchmark_name=benchmark_name,
                                     x_column="value", y_column="area_name", with_ci=True, marker_size=16,
                                     number_hover=hover_number("x", definition), ci_decimals=definition.decimals,
                                     ci_unit=unit_suffix(definition)):
        figure.add_trace(trace)
    if benchmark_value is not None and not pd.isna(benchmark_value):
        add_reference_line(figure, float(benchmark_value), orientation="vertical",
                           name=f"{benchmark_name} {definition.format_value(benchmark_value)}")
    add_target_line(figure, definition, orientation="vertical")
    figure.update_yaxes(title_text=names.title, type="category",
                        categoryorder="array", categoryarray=shown["area_name"].astype(str).tolist())
    # The value axis starts at zero, so a 2-point spread near 97% is not drawn as a dramatic gap.
    figure.update_xaxes(title_text=value_axis_title(definition), zeroline=False, rangemode="tozero")
    figure.update_layout(height=max(400, 230 + 46 * len(shown)))
    return apply_layout(figure, title, " ".join(notes))


def describe_area_comparison(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                             benchmark_name: str, benchmark_value: float | None, status_column: str = "vs_region",
                             plain_language: bool = False) -> str:
    """One sentence saying what build_area_comparison_figure shows, for alt text."""
    rows, period = latest_period_rows(values)
    label = lower_first(indicator_label(definition, plain_language))
    names = level_words(rows, areas)
    when = f" in {format_period(period)}" if period else ""
    shown = rows[is_shown(rows)] if not rows.empty else rows
    if shown.empty:
        return f"Chart of {label}{when}: no figures to show."
    highest = shown.loc[shown["value"].astype(float).idxmax()]
    lowest = shown.loc[shown["value"].astype(float).idxmin()]
    parts = [(f"Chart of {label} in the {count_phrase(len(shown), names)}{when}: "
             f"highest {highest['area_name']} {definition.format_value(highest['value'])}, "
             f"lowest {lowest['area_name']} {definition.format_value(lowest['value'])}")]
    if benchmark_value is not None and not pd.isna(benchmark_value):
        parts.append(f"{benchmark_name} {definition.format_value(benchmark_value)}")
    if definition.target is not None:
        parts.append(f"target {definition.format_value(definition.target.value)}")
    if status_column in shown.columns:
        parts.append(count_statuses(shown[status_column], benchmark_name))
    hidden = len(rows) - len(shown)
    if hidden:
        parts.append(f"{count_phrase(hidden, names)} not shown ({NOT_SHOWN_REASON})")
    return "; ".join(parts) + "."
