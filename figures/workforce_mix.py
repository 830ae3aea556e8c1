"""Stacked bars of a mix, e.g. full-time equivalent staff per 1,000 patients by staff group, one bar per area."""
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.chart_style import apply_layout, build_empty_figure

STAFF_GROUP_ORDER = ("GP", "Nurses", "Other direct patient care", "Admin")
MIX_TITLE = "Staff per 1,000 registered patients, by staff group"


def order_found(found: Sequence[str], preferred: Sequence[str]) -> list[str]:
    """The distinct items found, those in `preferred` first in its order, then the rest as found."""
    found = list(dict.fromkeys(str(item) for item in found))
    return [item for item in preferred if item in found] + [item for item in found if item not in preferred]


def build_workforce_mix_figure(mix: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Stacked bars of FTE per 1,000 patients by staff group, one bar per area.

    `mix`: columns area_name, staff_group, fte_per_1000 (areas drawn top to bottom in the order
    they first appear; groups GP, Nurses, Other direct patient care, Admin, then any others).
    """
    title = title or MIX_TITLE
    mix = mix.dropna(subset=["fte_per_1000"]) if not mix.empty else mix
    if mix.empty:
        return build_empty_figure(title)
    areas = list(dict.fromkeys(mix["area_name"].astype(str)))
    groups = order_found(mix["staff_group"].astype(str), STAFF_GROUP_ORDER)
    figure = go.Figure()
    for index, group in enumerate(groups):
        rows = mix[mix["staff_group"].astype(str) == group].groupby("area_name", sort=False)["fte_per_1000"].sum()
        rows = rows.reindex(areas)
        colour = palette.CATEGORICAL_COLORS[index % len(palette.CATEGORICAL_COLORS)]
        figure.add_trace(go.Bar(
            x=rows.to_numpy(dtype=float), y=areas, orientation="h", name=group,
            marker={"color": colour, "line": {"color": "#FFFFFF", "width": 1}},
            text=[f"{value:.2f}" if not pd.isna(value) else "" for value in rows],
            textposition="inside", insidetextanchor="middle",
            insidetextfont={"color": palette.readable_text_colour(colour)},
            hovertemplate=f"<b>%{{y}}</b><br>{group}: %{{x:.2f}} FTE per 1,000 patients<extra></extra>",
        ))
    figure.update_layout(barmode="stack", height=max(320, 150 + 40 * len(areas)),
                         uniformtext={"minsize": 12, "mode": "hide"},
                         legend={"traceorder": "normal"})
    figure.update_xaxes(title_text="Full-time equivalent staff per 1,000 registered patients")
    figure.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=areas[::-1])
    return apply_layout(figure, title)


def describe_workforce_mix(mix: pd.DataFrame) -> str:
    """One sentence saying what build_workforce_mix_figure shows."""
    mix = mix.dropna(subset=["fte_per_1000"]) if not mix.empty else mix
    if mix.empty:
        return "Stacked bar chart of staff per 1,000 registered patients: no figures to show."
    totals = mix.groupby("area_name", sort=False)["fte_per_1000"].sum()
    count = f"{len(totals)} {'area' if len(totals) == 1 else 'areas'}"
    sentence = (f"Stacked bar chart of full-time equivalent staff per 1,000 registered patients by staff group "
                f"for {count}: most staff in {totals.idxmax()} "
                f"({totals.max():.2f} per 1,000), fewest in {totals.idxmin()} ({totals.min():.2f} per 1,000)")
    gps = mix[mix["staff_group"].astype(str) == "GP"].groupby("area_name")["fte_per_1000"].sum()
    if not gps.empty:
        sentence += f"; most GPs in {gps.idxmax()} ({gps.max():.2f} per 1,000)"
    return sentence + "."
