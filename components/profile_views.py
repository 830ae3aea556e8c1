"""Pieces of the STP profile page: the STP's trends for one area of work, its staff mixes and its networks' maturity."""
import streamlit as st

from components import cached_data, layout, source_views
from figures import maturity, panels
from indicators.datasets import LoadedData
from indicators.definitions import AppConfig, IndicatorDefinition
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period


def render_trends(definitions: tuple[IndicatorDefinition, ...], data: LoadedData, *, stp_code: str) -> None:
    """One chart panel per indicator: the STP and the region over time; a plain reason where there is no figure."""
    for definition in definitions:
        try:
            trend = cached_data.get_view(panels.build_trend_panel, definition.id, levels=("stp", "region"),
                                         stp_code=stp_code, areas=data.areas,
                                         area_codes=(stp_code, data.areas.region.code))
        except IndicatorUnavailable as reason:
            st.info(f"{definition.name}: no figure. {reason}")
            continue
        source_views.render_coverage_notes(definition)
        layout.render_chart_panel(trend, key=f"stp_trend_{definition.id}",
                                  file_name=f"atscale-{definition.id}-{stp_code}-trend.csv")


def render_mixes(config: AppConfig, *, stp_code: str, period: str) -> None:
    """Each mix_group of config.yaml (e.g. the workforce mix) as stacked bars for the STP's places, the STP and
    the region."""
    for group in dict.fromkeys(d.mix_group for d in config.indicators if d.mix_group):
        st.header(group)
        parts = tuple(d.id for d in config.indicators if d.mix_group == group)
        try:
            mix = cached_data.get_view(panels.build_mix_panel, parts, levels=("borough", "stp", "region"),
                                       stp_code=stp_code, period=period)
        except IndicatorUnavailable as reason:
            st.info(f"No figure. {reason}")
            continue
        layout.render_chart(mix.figure, key=f"stp_mix_{group}", alt=mix.alt)
        layout.render_table(mix.table, key=f"stp_mix_{group}", file_name=f"atscale-mix-{stp_code}.csv")


def render_maturity(config: AppConfig, data: LoadedData, *, stp_code: str, period: str) -> None:
    """The STP's networks' maturity self-assessment as a heat map with its numbers, or why there is none."""
    scores = cached_data.get_maturity_grid(stp_code, period)
    if scores is None:
        st.info(data.unavailable.get("maturity", "No maturity self-assessment was loaded."))
        return
    grid, maturity_period = scores
    if grid.empty:
        st.info(f"No Primary Care Network in this {data.areas.system.name} had assessed its maturity by this "
                "period.")
        return
    st.markdown(f"Self-assessed by each network, {format_period(maturity_period)}: "
                "1 means not started, 5 means fully in place.")
    domain_order = [domain.name for domain in config.maturity_domains]
    layout.render_chart(cached_data.get_figure(maturity.build_maturity_heatmap, grid, domain_order=domain_order),
                        key="stp_maturity", alt=cached_data.get_computed(maturity.describe_maturity_heatmap, grid))
    layout.render_table(grid, key="stp_maturity", file_name=f"atscale-maturity-{stp_code}.csv")
