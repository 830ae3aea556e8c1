"""Heat map of Primary Care Network maturity self-assessment scores: one row per network (or per area), one
column per maturity domain, each cell its score 1 (not started) to 5 (fully embedded)."""
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures import palette
from figures.chart_style import apply_layout, build_empty_figure, latest_period_rows, wrap
from figures.workforce_mix import order_found

MATURITY_SCORE_LABELS = {1: "1 not started", 2: "2", 3: "3", 4: "4", 5: "5 fully embedded"}
MATURITY_TITLE = "Primary Care Network maturity self-assessment, by domain"


def compute_maturity_cells(scores: pd.DataFrame, domain_order: Sequence[str] = ()) -> pd.DataFrame:
    """pcn_name x maturity_domain mean scores of the latest period, domains in `domain_order` first."""
    rows, _ = latest_period_rows(scores)
    rows = rows.assign(score=pd.to_numeric(rows["score"], errors="coerce"))
    grid = rows.pivot_table(index="pcn_name", columns="maturity_domain", values="score", aggfunc="mean")
    return grid.reindex(columns=order_found(grid.columns, domain_order)).sort_index()


def _cell_colour(score: float, steps: Sequence[str]) -> str:
    return steps[int(np.clip(round(score), 1, len(steps))) - 1]


def build_maturity_heatmap(scores: pd.DataFrame, *, domain_order: Sequence[str] = (), title: str | None = None,
                           row_title: str = "Primary Care Network") -> go.Figure:
    """PCN x maturity domain heat map of self-assessed scores (1 not started ... 5 fully embedded).

    `scores`: columns pcn_name, maturity_domain, score (and optionally period: the latest is
    drawn). Each cell also shows its score as text; several rows for one cell are averaged.
    `domain_order`: the domains' names in the order of config.yaml's maturity_domains.
    """
    title = title or MATURITY_TITLE
    grid = compute_maturity_cells(scores, domain_order) if not scores.empty else pd.DataFrame()
    if grid.empty:
        return build_empty_figure(title)
    steps = palette.SEQUENTIAL_COLORS
    colorscale = []
    for index, colour in enumerate(steps):
        colorscale += [[index / len(steps), colour], [(index + 1) / len(steps), colour]]
    domains = [str(domain) for domain in grid.columns]
    columns = [wrap(domain, 13) for domain in domains]
    names = [str(name) for name in grid.index]
    z = grid.to_numpy(dtype=float)
    text = [["" if np.isnan(score) else f"{score:g}" if float(score).is_integer() else f"{score:.1f}"
             for score in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=columns, y=names, zmin=0.5, zmax=5.5, colorscale=colorscale, text=text,
        xgap=3, ygap=3, customdata=[domains] * len(grid),
        colorbar={"title": {"text": "Score"}, "tickvals": list(MATURITY_SCORE_LABELS),
                  "ticktext": list(MATURITY_SCORE_LABELS.values())},
        hovertemplate="<b>%{y}</b><br>%{customdata}: %{text}<extra></extra>",
    ))
    # The score is written in every cell, in black or white to suit the cell's colour.
    cells = [(column, name, label, _cell_colour(score, steps))
             for name, row, labels in zip(names, z, text) for column, score, label in zip(columns, row, labels)
             if label]
    if cells:
        figure.add_trace(go.Scatter(
            x=[cell[0] for cell in cells], y=[cell[1] for cell in cells], mode="text", name="Score",
            text=[cell[2] for cell in cells], hoverinfo="skip", showlegend=False,
            textfont={"size": palette.BASE_FONT_SIZE + 2,
                      "color": [palette.readable_text_colour(cell[3]) for cell in cells]},
        ))
    figure.update_xaxes(title_text="Maturity domain", side="bottom", tickangle=0)
    figure.update_yaxes(title_text=row_title, autorange="reversed", type="category")
    figure.update_layout(height=max(360, 220 + 36 * len(grid)))
    return apply_layout(figure, title)


def describe_maturity_heatmap(scores: pd.DataFrame) -> str:
    """One sentence saying what build_maturity_heatmap shows: strongest and weakest domains."""
    grid = compute_maturity_cells(scores) if not scores.empty else pd.DataFrame()
    if grid.empty:
        return "Heat map of Primary Care Network maturity scores: no figures to show."
    means = grid.mean(axis=0, skipna=True)
    networks = f"{len(grid)} Primary Care {'Network' if len(grid) == 1 else 'Networks'}"
    domains = f"{len(grid.columns)} {'domain' if len(grid.columns) == 1 else 'domains'}"
    return (f"Heat map of maturity scores from 1 (not started) to 5 (fully embedded) for {networks} across "
            f"{domains}: highest average {means.idxmax()} ({means.max():.1f}), lowest {means.idxmin()} "
            f"({means.min():.1f}).")
