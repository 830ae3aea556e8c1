"""The plain-English page's chart: one area and its region over time, sized for a phone, said in plain words."""
import textwrap

import pandas as pd
import plotly.graph_objects as go

from figures.panels import ChartPanel
from figures.trend import build_trend_figure
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period
from indicators.plain_language import (
    compute_chart_description,
    compute_figures_in_words,
    compute_plain_definition,
    compute_plain_values,
)

CHART_TITLE_WIDTH = 30  # characters per title line: a 375 px phone shows about this many at the title's size


def compute_chart_rows(values: pd.DataFrame, *, area_level: str, area_code: str, period: str) -> pd.DataFrame:
    """The area's and the region's rows up to `period`: what the summary chart draws."""
    area = (values["level"] == area_level) & (values["area_code"] == area_code)
    return values[(area | (values["level"] == "region")) & (values["period"] <= period)].reset_index(drop=True)


def _has_figures(rows: pd.DataFrame, area_code: str) -> bool:
    shown = rows["value"].notna() & ~rows["suppressed"].astype(bool)
    return bool((shown & (rows["area_code"] == area_code)).any())


def build_summary_panel(values: pd.DataFrame, definition: IndicatorDefinition, *, area_level: str, area_code: str,
                        period: str) -> ChartPanel | None:
    """The area's chart, its plain description and its numbers, all on the indicator's one plain number base
    (e.g. 'for every 100,000 people', as its plain name says); None when the area has no figures to draw."""
    rows = compute_chart_rows(compute_plain_values(values, definition), area_level=area_level, area_code=area_code,
                              period=period)
    definition = compute_plain_definition(definition)
    if not _has_figures(rows, area_code):
        return None
    return ChartPanel(
        build_summary_chart(rows, definition, area_code=area_code),
        compute_chart_description(definition, rows, area_code=area_code, area_level=area_level, period=period),
        compute_chart_table(rows, definition, area_code=area_code))


def build_summary_chart(rows: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str) -> go.Figure:
    """The trend chart in plain words, sized for a phone: a short wrapped title and a few date labels."""
    region_codes = rows.loc[rows["level"] == "region", "area_code"].unique().tolist()
    title_lines = textwrap.wrap(definition.plain_name, CHART_TITLE_WIDTH) or [definition.plain_name]
    figure = build_trend_figure(rows, definition, areas=[area_code, *region_codes], plain_language=True)
    figure.update_layout(title={"text": "<br>".join(title_lines), "font": {"size": 17}},
                         margin={"l": 10, "r": 10, "t": 30 + 24 * len(title_lines), "b": 90}, height=420)
    figure.update_xaxes(tickmode="auto", nticks=4, title_text="")
    figure.update_traces(selector={"fill": "toself"}, name="Likely range")  # a short legend entry fits a phone
    return figure


def compute_chart_table(rows: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str) -> pd.DataFrame:
    """The numbers behind the summary chart: month, area, the figure (with its unit) and the figure in words."""
    ordered = rows.assign(region=rows["area_code"] != area_code).sort_values(["region", "period"], kind="stable")
    hidden = ordered["suppressed"].astype(bool) | ordered["value"].isna()
    figures = ordered["value"].where(~hidden)
    unit = definition.unit.strip()
    return pd.DataFrame({
        "Month": [format_period(period) for period in ordered["period"]],
        "Area": ordered["area_name"].to_numpy(),
        f"Figure ({unit})": figures.round(definition.decimals).to_numpy(),
        "In words": compute_figures_in_words(definition, figures.tolist()),
    })
