"""Spine chart: one row per indicator, an area's value and 95% confidence interval relative to the region
(region = 1), with its network, place and system as open markers and its comparison in words."""
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.chart_style import (
    NOT_SHOWN_REASON,
    add_reference_line,
    apply_layout,
    build_empty_figure,
    build_status_traces,
    numeric_column,
    wrap,
)
from indicators.areas import LEVELS, AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_status

LEGEND_ENTRY_PIXELS = 34  # one legend line with the gap between groups
CONTEXT_MARKERS = {  # the spine chart's neutral markers for the areas around the practice
    "pcn": "square-open",
    "borough": "diamond-open",
    "stp": "x-thin-open",
}


def _spine_rows(rows: pd.DataFrame,
                definitions: Mapping[str, IndicatorDefinition]) -> tuple[pd.DataFrame, str, list[str]]:
    """Rows scaled to the region (ratio), the focus level, and indicators that could not be scaled."""
    present = [level for level in LEVELS if level in set(rows["level"])]
    focus = next((level for level in present if level != "region"), "region")
    scaled, skipped = [], []
    for indicator_id in dict.fromkeys(rows["indicator_id"]):
        if indicator_id not in definitions:
            skipped.append(str(indicator_id))
            continue
        group = rows[rows["indicator_id"] == indicator_id]
        region = pd.to_numeric(group.loc[group["level"] == "region", "value"], errors="coerce").dropna()
        if region.empty or not math.isfinite(region.iloc[0]) or region.iloc[0] == 0:
            skipped.append(str(indicator_id))
            continue
        definition = definitions[indicator_id]
        group = group.assign(
            ratio=pd.to_numeric(group["value"], errors="coerce") / float(region.iloc[0]),
            lower_ratio=numeric_column(group, "lower_95") / float(region.iloc[0]),
            upper_ratio=numeric_column(group, "upper_95") / float(region.iloc[0]),
            status=group["vs_region"] if "vs_region" in group.columns else "not compared",
            indicator_name=definition.short_name or definition.name,
        )
        if "suppressed" in group.columns:
            group.loc[group["suppressed"].fillna(False).astype(bool), "ratio"] = np.nan
        scaled.append(group)
    frame = pd.concat(scaled, ignore_index=True) if scaled else pd.DataFrame()
    return frame, focus, skipped


def build_spine_figure(rows: pd.DataFrame, definitions: Mapping[str, IndicatorDefinition], areas: AreaModel, *,
                       title: str | None = None) -> go.Figure:
    """One row per indicator: the area's value and 95% CI relative to the region (region = 1).

    `rows`: indicator_id, level, value, lower_95, upper_95, vs_region, and optionally area_name and
    suppressed; one row per indicator and level for one area and its parents. The lowest level present
    (usually `practice`) is the focus, drawn with its CI and a status marker; PCN, borough and STP are
    neutral open markers. Each row's words (better/similar/worse ...) are written at the right.
    `definitions`: id -> definition (its short_name, or name, labels the row).
    """
    region = areas.region.name
    frame, focus, skipped = _spine_rows(rows, definitions) if not rows.empty else (pd.DataFrame(), "", [])
    focus_name = ""
    if not frame.empty and "area_name" in frame.columns:
        names = frame.loc[frame["level"] == focus, "area_name"].dropna()
        focus_name = str(names.iloc[0]) if not names.empty else ""
    title = title or (f"{focus_name} compared with {region}" if focus_name else f"Indicators compared with {region}")
    if frame.empty:
        return build_empty_figure(title)
    order = list(dict.fromkeys(frame["indicator_name"]))
    figure = go.Figure()
    for level, symbol in CONTEXT_MARKERS.items():
        context = frame[(frame["level"] == level) & frame["ratio"].notna()]
        if context.empty or level == focus:
            continue
        figure.add_trace(go.Scatter(
            x=context["ratio"].to_numpy(dtype=float), y=context["indicator_name"].to_numpy(),
            mode="markers", name=areas.level(level).title,
            marker={"symbol": symbol, "size": 13, "color": palette.LIMIT_COLOR, "line": {"width": 2}},
            hovertemplate=f"<b>%{{y}}</b><br>%{{fullData.name}}: %{{x:.2f}} times {region}<extra></extra>",
        ))
    focus_rows = frame[(frame["level"] == focus) & frame["ratio"].notna()]
    focus_rows = focus_rows.assign(value=focus_rows["ratio"], lower_95=focus_rows["lower_ratio"],
                                   upper_95=focus_rows["upper_ratio"],
                                   area_name=focus_rows["indicator_name"])
    for trace in build_status_traces(focus_rows, status_column="status", benchmark_name=region, x_column="value",
                                     y_column="indicator_name", with_ci=True, marker_size=16,
                                     number_hover="%{x:.2f}"):
        trace.hovertemplate = (f"<b>%{{text}}</b><br>%{{x:.2f}} times {region} (95% CI %{{customdata[0]:.2f}} "
                               f"to %{{customdata[1]:.2f}})<br>{trace.name}<extra></extra>")
        figure.add_trace(trace)
    add_reference_line(figure, 1.0, orientation="vertical", name=f"{region} = 1")
    all_focus = frame[frame["level"] == focus].drop_duplicates("indicator_name").set_index("indicator_name")
    for name in order:
        if name in all_focus.index and pd.notna(all_focus.loc[name, "ratio"]):
            words = format_status(all_focus.loc[name, "status"], region)
        else:
            words = "Not shown: too few"
        figure.add_annotation(text=words, x=1.01, xref="paper", y=name, yref="y", xanchor="left",
                              showarrow=False, font={"size": palette.BASE_FONT_SIZE})
    figure.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=order[::-1],
                        tickvals=order, ticktext=[wrap(name, 40) for name in order])
    figure.update_xaxes(title_text=f"Value relative to {region} ({region} = 1)")
    subtitle = "Marker: value; line: 95% confidence interval."
    if skipped:
        count = f"{len(skipped)} {'indicator' if len(skipped) == 1 else 'indicators'}"
        subtitle += f" {count} without a {region} figure left out."
    figure.update_layout(height=max(440, 300 + 60 * len(order)))
    figure = apply_layout(figure, title, subtitle)
    # The legend has its own space under the plot and the axis title (the bottom margin holds every entry). The
    # higher / lower arrows reach past their own line, so each entry is its own legend group with a gap between
    # groups: no two entries and no axis text overlap.
    entries = len({trace.name for trace in figure.data if trace.showlegend is not False})
    legend_height = LEGEND_ENTRY_PIXELS * entries
    for trace in figure.data:
        trace.legendgroup = trace.name
    figure.update_layout(height=figure.layout.height + legend_height,
                         margin={"r": 230, "b": 90 + legend_height},
                         legend={"orientation": "v", "yref": "container", "y": 0.01, "yanchor": "bottom",
                                 "xref": "container", "x": 0.01, "xanchor": "left", "itemsizing": "constant",
                                 "tracegroupgap": 10})
    return figure


def describe_spine(rows: pd.DataFrame, definitions: Mapping[str, IndicatorDefinition], areas: AreaModel) -> str:
    """One sentence saying what build_spine_figure shows: how many indicators are better/worse."""
    region = areas.region.name
    frame, focus, _ = _spine_rows(rows, definitions) if not rows.empty else (pd.DataFrame(), "", [])
    if frame.empty:
        return f"Chart of indicators compared with {region}: no figures to show."
    focus_rows = frame[frame["level"] == focus].drop_duplicates("indicator_id")
    name = ""
    if "area_name" in focus_rows.columns and focus_rows["area_name"].notna().any():
        name = f" for {focus_rows['area_name'].dropna().iloc[0]}"
    shown = focus_rows[focus_rows["ratio"].notna()]
    counts = shown["status"].map(lambda status: palette.style_for_status(status).text).value_counts()
    summary = ", ".join(f"{counts[status]} {status}" for status in palette.STATUS_ORDER if status in counts)
    count = f"{len(focus_rows)} {'indicator' if len(focus_rows) == 1 else 'indicators'}"
    sentence = (f"Chart of {count}{name} relative to {region} ({region} = 1): {summary or 'none compared'}")
    hidden = len(focus_rows) - len(shown)
    if hidden:
        sentence += f"; {hidden} not shown ({NOT_SHOWN_REASON})"
    return sentence + "."
