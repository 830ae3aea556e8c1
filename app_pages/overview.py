"""London overview: the five STPs side by side, a headline tile per domain, and a map of the boroughs."""
import streamlit as st

from components import cached_data, charts, filters, layout, maps
from components.tiles import render_domain_tile
from indicators.compute import IndicatorUnavailable

config, data = layout.require_inputs()
layout.render_page_header(
    "London overview",
    "How far general practice in London has come in working at scale: the five STPs (Sustainability and "
    "Transformation Partnerships) side by side, one headline figure for each of the four areas of work.",
    data,
)
period = filters.selected("period")

st.header("Headlines for London")
tiles = [column for _ in range(0, len(config.domains), 2) for column in st.columns(2)]
for tile, domain in zip(tiles, config.domains.values()):
    with tile:
        render_domain_tile(domain, config.indicators_in(domain.id), period, region_code=data.areas.region.code)

definition = config.indicator(filters.selected("indicator"))
st.header(f"The five STPs: {definition.name}")
try:
    stps = cached_data.get_view(charts.build_comparison_panel, definition.id, levels=("stp", "region"),
                                period=period)
except IndicatorUnavailable as reason:
    st.info(f"No figure for this indicator. {reason}")
    st.stop()
if stps is None:
    st.info("No figure for this indicator in these data.")
    st.stop()
shown_period = stps.period
if shown_period != period:
    st.info(f"There are no figures for {filters.format_period(period)}; showing {filters.format_period(shown_period)}.")
layout.render_chart(stps.figure, key="overview_stps", alt=stps.alt)
layout.render_table(stps.table, key="overview_stps", file_name=f"atscale-{definition.id}-stps-{shown_period}.csv")

st.header(f"The 33 boroughs: {definition.name}")
boroughs = cached_data.get_indicator_values(definition.id, levels=("borough",), period=shown_period)
map_alt = cached_data.get_computed(maps.describe_borough_map, boroughs, definition)
st.pydeck_chart(cached_data.get_borough_map(boroughs, definition), key="overview_map", alt=map_alt)
st.markdown(f"*What this map shows:* {layout.escape_markdown(map_alt)}")
st.markdown("**Map key**")
layout.render_table(cached_data.get_computed(maps.build_map_legend, boroughs, definition),
                    key="overview_legend", file_name="atscale-map-key.csv")
layout.render_table(cached_data.get_display_table(boroughs, definition), key="overview_boroughs",
                    file_name=f"atscale-{definition.id}-boroughs-{shown_period}.csv")
