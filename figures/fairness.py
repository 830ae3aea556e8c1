"""Fairness chart: an indicator by deprivation fifth of practices (most deprived first), one line of points with
95% intervals per area (the region and its systems), and its text alternative."""
import pandas as pd
import plotly.graph_objects as go

from figures.chart_style import apply_layout, build_empty_figure, hover_number, value_axis_title
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")


def build_fairness_figure(table: pd.DataFrame, definition: IndicatorDefinition, *,
                          area_codes: tuple[str, ...] | None = None) -> go.Figure:
    """Points (value) and whiskers (95% interval) per deprivation fifth, one trace per area in `table`
    (indicators.fairness.compute_fairness), or only the `area_codes` given, in that order. Suppressed fifths are
    left out."""
    period = str(table["period"].iloc[0]) if len(table) else ""
    title = f"{definition.name} by deprivation of practices, {format_period(period)}".rstrip(", ")
    codes = list(area_codes) if area_codes else list(dict.fromkeys(table["area_code"]))
    shown = table[table["area_code"].isin(codes) & table["value"].notna()]
    if shown.empty:
        return build_empty_figure(title)
    figure = go.Figure()
    for position, code in enumerate(codes):
        rows = shown[shown["area_code"] == code].sort_values("quintile")
        if rows.empty:
            continue
        value = rows["value"].astype(float)
        has_interval = rows["lower_95"].notna().any()
        figure.add_trace(go.Scatter(
            x=rows["quintile_name"].tolist(), y=value.tolist(), name=str(rows["area_name"].iloc[0]),
            mode="lines+markers", marker={"symbol": SYMBOLS[position % len(SYMBOLS)], "size": 10},
            error_y={"type": "data", "symmetric": False, "array": (rows["upper_95"].astype(float) - value).tolist(),
                     "arrayminus": (value - rows["lower_95"].astype(float)).tolist(),
                     "visible": bool(has_interval)},
            hovertemplate=f"%{{x}}: {hover_number('y', definition)}<extra>%{{fullData.name}}</extra>",
        ))
    figure.update_xaxes(title_text="Deprivation fifth of practices (IMD 2019)", type="category",
                        categoryorder="array", categoryarray=sorted(table["quintile_name"].unique()))
    figure.update_yaxes(title_text=value_axis_title(definition), rangemode="tozero")
    subtitle = ("Marker: value for the practices in that fifth; line: 95% confidence interval."
                if shown["lower_95"].notna().any() else "No confidence interval for this indicator.")
    return apply_layout(figure, title, subtitle)


def describe_fairness_figure(table: pd.DataFrame, definition: IndicatorDefinition, *,
                             area_codes: tuple[str, ...] | None = None) -> str:
    """The chart in words: what it shows and each area's most and least deprived fifths."""
    codes = list(area_codes) if area_codes else list(dict.fromkeys(table["area_code"]))
    shown = table[table["area_code"].isin(codes)]
    if shown["value"].notna().sum() == 0:
        return f"No figures by deprivation for {definition.name.lower()}."
    parts = []
    for code in codes:
        rows = shown[shown["area_code"] == code].set_index("quintile")
        if rows.empty:
            continue
        most = definition.format_value(rows["value"].get(1))
        least = definition.format_value(rows["value"].get(5))
        parts.append(f"{rows['area_name'].iloc[0]}: {most} in the most deprived fifth, {least} in the least")
    return (f"{definition.name} for practices grouped into fifths by the deprivation of their patients' "
            f"neighbourhoods, most deprived first. " + "; ".join(parts) + ".")
