"""What a page shows for one selection: a chart, the sentence saying what it shows, and the numbers behind it."""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from figures.comparison import build_area_comparison_figure, describe_area_comparison
from figures.trend import build_trend_figure, describe_trend
from figures.workforce_mix import build_workforce_mix_figure, describe_workforce_mix
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.views import compute_display_table, compute_mix, latest_period_with_values


@dataclass(frozen=True)
class ChartPanel:
    """A chart, the sentence saying what it shows, and the numbers behind it: one selection's worth."""

    figure: go.Figure
    alt: str
    table: pd.DataFrame
    period: str | None = None  # the period drawn, when the chart shows one (the latest with figures)


def build_comparison_panel(values: pd.DataFrame, definition: IndicatorDefinition, *, areas: AreaModel,
                           period: str) -> ChartPanel | None:
    """Every area but the region against the region, in the latest period up to `period` with figures; the table
    has the region's row too. None when no period has figures."""
    shown = latest_period_with_values(values, period)
    if shown is None:
        return None
    current = values[values["period"] == shown]
    region = current.loc[current["level"] == "region", "value"]
    benchmark = {"benchmark_name": areas.region.name,
                 "benchmark_value": float(region.iloc[0]) if len(region) else float("nan")}
    compared = current[current["level"] != "region"]
    return ChartPanel(build_area_comparison_figure(compared, definition, areas, **benchmark),
                      describe_area_comparison(compared, definition, areas, **benchmark),
                      compute_display_table(current, definition, areas), period=shown)


def build_mix_panel(values_by_indicator: Mapping[str, pd.DataFrame], definitions: Sequence[IndicatorDefinition], *,
                    period: str) -> ChartPanel:
    """The parts of a mix (e.g. staff per 1,000 patients by group) as stacked bars, in the latest period up to
    `period` in which the first part has figures."""
    shown = latest_period_with_values(values_by_indicator[definitions[0].id], period)
    mix = compute_mix({i: v[v["period"] == shown] for i, v in values_by_indicator.items()}, list(definitions))
    return ChartPanel(build_workforce_mix_figure(mix), describe_workforce_mix(mix), mix, period=shown)


def build_trend_panel(values: pd.DataFrame, definition: IndicatorDefinition, *, areas: AreaModel,
                      area_codes: Sequence[str]) -> ChartPanel:
    """The trend chart of the areas (codes in legend order), its sentence, and the numbers as a display table."""
    shown = values[values["area_code"].isin(area_codes)]
    return ChartPanel(build_trend_figure(shown, definition, areas=area_codes),
                      describe_trend(shown, definition, areas=area_codes),
                      compute_display_table(shown, definition, areas))
