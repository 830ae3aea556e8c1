"""Lines over time: one per area, the first area's 95% confidence interval as a band, and any target."""
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.chart_style import (
    add_target_line,
    apply_layout,
    build_empty_figure,
    hover_number,
    indicator_label,
    is_shown,
    lower_first,
    numeric_column,
    value_axis_title,
)
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period

TREND_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "x")
TREND_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "solid", "dash", "dot")
MOST_DATE_LABELS = 16  # up to this many periods, each is labelled on the axis


def _select_areas(values: pd.DataFrame, areas: Sequence[str] | None) -> list[tuple[str, pd.DataFrame]]:
    """(name, rows) per requested area code or name, in the order asked for."""
    if areas is None:
        areas = list(dict.fromkeys(values["area_code"].astype(str)))
    selected = []
    for area in areas:
        rows = values[values["area_code"].astype(str) == str(area)]
        if rows.empty:
            rows = values[values["area_name"].astype(str) == str(area)]
        if rows.empty:
            continue
        rows = rows.assign(date=pd.to_datetime(rows["period"].astype(str))).sort_values("date")
        selected.append((str(rows["area_name"].iloc[0]), rows))
    return selected


def _band_polygons(dates: pd.Series, lower: pd.Series, upper: pd.Series) -> tuple[list, list]:
    """x and y of one closed shape per unbroken run of periods with an interval, None between runs,
    so a suppressed period leaves a gap in the band as it does in the line."""
    band_x, band_y = [], []
    run: list[int] = []
    usable = (lower.notna() & upper.notna()).to_list()
    positions = list(range(len(dates))) + [None]
    for position in positions:
        if position is not None and usable[position]:
            run.append(position)
            continue
        if run:
            if band_x:
                band_x.append(None)
                band_y.append(None)
            band_x += [dates.iloc[at] for at in run] + [dates.iloc[at] for at in reversed(run)]
            band_y += [float(upper.iloc[at]) for at in run] + [float(lower.iloc[at]) for at in reversed(run)]
            run = []
    return band_x, band_y


def build_trend_figure(values: pd.DataFrame, definition: IndicatorDefinition, *, areas: Sequence[str] | None = None,
                       title: str | None = None, plain_language: bool = False) -> go.Figure:
    """Lines over time, one per area, with the first area's 95% CI band and any target.

    `values`: tidy indicator rows (period, area_code, area_name, value, lower_95, upper_95,
    suppressed). `areas`: area codes (or names) in legend order, e.g. [borough, its STP, the region];
    None draws every area in `values`. Suppressed periods are gaps in the line.
    """
    label = indicator_label(definition, plain_language)
    title = title or f"{label} over time"
    selected = _select_areas(values, areas) if not values.empty else []
    if not selected:
        return build_empty_figure(title)
    figure = go.Figure()
    for index, (name, rows) in enumerate(selected):
        shown = is_shown(rows)
        lower, upper = numeric_column(rows, "lower_95"), numeric_column(rows, "upper_95")
        has_ci = bool((shown & lower.notna() & upper.notna()).any())
        if has_ci and not any(trace.fill == "toself" for trace in figure.data):
            band_x, band_y = _band_polygons(rows["date"], lower.where(shown), upper.where(shown))
            colour = palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)]
            figure.add_trace(go.Scatter(
                x=band_x, y=band_y, fill="toself", mode="lines", line={"width": 0},
                fillcolor=palette.hex_to_rgba(colour, 0.18), hoverinfo="skip",
                name=f"95% confidence interval, {name}",
            ))
    for index, (name, rows) in enumerate(selected):
        colour = palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)]
        y = rows["value"].astype(float).where(is_shown(rows))
        figure.add_trace(go.Scatter(
            x=rows["date"].to_numpy(), y=y.to_numpy(), mode="lines+markers", name=name,
            line={"color": colour, "width": 3, "dash": TREND_DASHES[index % len(TREND_DASHES)]},
            marker={"symbol": TREND_SYMBOLS[index % len(TREND_SYMBOLS)], "size": 9, "color": colour},
            hovertemplate=f"<b>{name}</b><br>%{{x|%B %Y}}: {hover_number('y', definition)}<extra></extra>",
        ))
    add_target_line(figure, definition, orientation="horizontal")
    dates = sorted(set(pd.concat([rows["date"] for _, rows in selected])))
    if len(dates) <= MOST_DATE_LABELS:
        figure.update_xaxes(tickmode="array", tickvals=dates, ticktext=[format_period(day, short=True) for day in dates])
    figure.update_xaxes(title_text="Period", type="date", tickformat="%b %Y")
    # From zero: a fall from 0.64 to 0.56 is drawn as the 12% it is, not as a drop to the floor.
    figure.update_yaxes(title_text=value_axis_title(definition), rangemode="tozero")
    figure.update_layout(height=450, hovermode="closest")
    return apply_layout(figure, title)


def describe_trend(values: pd.DataFrame, definition: IndicatorDefinition, *, areas: Sequence[str] | None = None,
                   plain_language: bool = False) -> str:
    """One sentence saying what build_trend_figure shows: first and last figure per area."""
    label = lower_first(indicator_label(definition, plain_language))
    selected = _select_areas(values, areas) if not values.empty else []
    if not selected:
        return f"Line chart of {label} over time: no figures to show."
    dates = pd.concat([rows["date"] for _, rows in selected])
    span = (f"in {format_period(dates.min())}" if dates.min() == dates.max()
            else f"from {format_period(dates.min())} to {format_period(dates.max())}")
    changes = []
    for name, rows in selected:
        shown = rows[is_shown(rows)]
        if shown.empty:
            changes.append(f"{name} no figures")
        elif len(shown) == 1:
            changes.append(f"{name} {definition.format_value(shown['value'].iloc[0])} "
                           f"in {format_period(shown['date'].iloc[0])}")
        else:
            changes.append(f"{name} went from {definition.format_value(shown['value'].iloc[0])} "
                           f"to {definition.format_value(shown['value'].iloc[-1])}")
    return f"Line chart of {label} {span}: " + "; ".join(changes) + "."
