"""Pieces of the STP profile page: the STP's trends for one area of work, its staff mixes and its networks' maturity."""
import pandas as pd
import streamlit as st

from components import cached_data, layout, source_views
from figures import maturity, panels, spc_chart
from indicators.board_overview import NO_FIGURE
from indicators.datasets import LoadedData
from indicators.definitions import AppConfig, IndicatorDefinition
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period
from indicators.spc import ICON_KEY, MIN_POINTS

SPC_HELP = ("Statistical process control (SPC), as NHS boards read it in Making Data Count: the line in the middle is "
            "the usual level (the mean); the dashed lines are the process limits, how far the figure goes up and "
            "down by chance. A point outside them, or an unusual run, is a real change (special cause).")


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
        render_spc(definition, data, stp_code=stp_code)


def render_spc(definition: IndicatorDefinition, data: LoadedData, *, stp_code: str) -> None:
    """Beside the plain trend: the STP's SPC chart, on request, with both icons in symbols and words, its text
    alternative and the plain sentence; or, with too few figures, a sentence saying so."""
    stp_name = data.areas.name_of("stp", stp_code)
    try:
        panel = cached_data.get_view(spc_chart.build_spc_panel, definition.id, levels=("stp",), stp_code=stp_code,
                                     area_code=stp_code, area_name=stp_name, level="stp")
    except IndicatorUnavailable:
        return  # the trend above has said why
    if not panel.shown:
        st.markdown(f"*Signal or noise:* {layout.escape_markdown(panel.reason)}")
        return
    if not st.toggle("Show as an SPC chart: signal or noise?", key=f"stp_spc_show_{definition.id}", help=SPC_HELP):
        return
    render_spc_icons(panel.result)
    layout.render_chart(panel.figure, key=f"stp_spc_{definition.id}", alt=panel.alt)
    st.markdown(f"**In plain words:** {layout.escape_markdown(panel.sentence)}")
    with st.expander("The SPC numbers behind this chart"):
        for note in panel.notes:
            st.markdown(layout.escape_markdown(note))
        st.markdown(layout.escape_markdown(panel.professional_sentence))
        layout.render_table(panel.table, key=f"stp_spc_{definition.id}",
                            file_name=f"atscale-{definition.id}-{stp_code}-spc.csv")


def render_spc_icons(result) -> None:
    """The variation and assurance icons as symbol and words (never colour alone)."""
    st.markdown(f"**Variation:** {layout.escape_markdown(result.variation.text())}  \n"
                f"**Assurance:** {layout.escape_markdown(result.assurance.text())}")


def render_board_overview(*, stp_code: str, stp_name: str) -> None:
    """All indicators for the STP in one table, as boards read them: latest value, target, variation and
    assurance icons (symbol and words), with its CSV download and the key to the symbols."""
    st.markdown(layout.escape_markdown(
        f"Every indicator for {stp_name}: its latest figure and target, and the two Making Data Count icons. "
        f"Variation says whether the latest figure is a real change or the usual ups and downs; assurance says "
        f"whether the target will be met reliably. Both need at least {MIN_POINTS} figures."))
    table = cached_data.get_board_overview(stp_code, level="stp")
    no_figure = table["Latest value"] == NO_FIGURE
    layout.render_table(table[~no_figure].reset_index(drop=True), key="stp_board_overview",
                        file_name=f"atscale-board-overview-{stp_code}.csv")
    if no_figure.any():
        st.markdown(layout.escape_markdown(f"No figure for {stp_name} in these data: "
                                           f"{'; '.join(table.loc[no_figure, 'Indicator'])}."))
    with st.expander("Key to the icons"):
        st.dataframe(pd.DataFrame(ICON_KEY, columns=["Symbol", "Meaning", "In plain words"]), hide_index=True,
                     key="stp_board_overview_key")


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
