"""Pieces of the fairness page: the gap in words, the chart by deprivation fifth and its table."""
import streamlit as st

from components import cached_data, layout
from figures import fairness as fairness_figures
from indicators import fairness
from indicators.datasets import LoadedData
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period


def render_fairness(definition: IndicatorDefinition, data: LoadedData, *, stp_code: str | None, period: str) -> None:
    """The chosen indicator by deprivation fifth for the region and each system, or why there is no such view."""
    view = cached_data.get_fairness(definition.id, period)
    if view.table is None:
        st.info(f"{definition.name}: {view.reason} Choose another indicator in the sidebar.")
        return
    areas = data.areas
    st.header(f"{definition.name}, {format_period(view.period)}")
    st.subheader("The gap between the most and least deprived")
    codes = [areas.region.code, *([stp_code] if stp_code else [])]
    for code in codes:
        st.markdown(layout.escape_markdown(
            cached_data.get_computed(fairness.describe_fairness_gap, view.table, definition, area_code=code)))
    with st.expander(f"The gap in every {areas.system.name}"):
        for code in areas.names("stp"):
            st.markdown(layout.escape_markdown(
                cached_data.get_computed(fairness.describe_fairness_gap, view.table, definition, area_code=code)))
    missing = fairness.describe_missing_deciles(view.without_decile)
    if missing:
        st.markdown(layout.escape_markdown(missing))
    figure = cached_data.get_figure(fairness_figures.build_fairness_figure, view.table, definition)
    alt = cached_data.get_computed(fairness_figures.describe_fairness_figure, view.table, definition)
    layout.render_chart(figure, key="fairness", alt=alt)
    st.subheader("The numbers by deprivation fifth")
    layout.render_table(cached_data.get_computed(fairness.compute_fairness_display, view.table, definition), key="fairness",
                        file_name=f"atscale-fairness-{definition.id}-{view.period}.csv")
