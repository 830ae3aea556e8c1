"""Region overview: a headline tile per domain, the region's systems (STPs) side by side, and a map of its places."""
import streamlit as st

from components import cached_data, filters, layout, source_views
from components.tiles import render_domain_tile
from figures import maps, panels
from indicators.errors import IndicatorUnavailable
from indicators.formatting import capitalise, format_period

config, data = layout.require_inputs()
areas = data.areas
region, systems, places = areas.region.name, areas.count_phrase("stp"), areas.count_phrase("borough")
layout.render_page_header(
    f"{region} overview",
    f"How far general practice in {region} has come in working at scale: {systems} side by side, one headline "
    f"figure for each of the {len(config.domains)} areas of work, and a map of {places}.",
    data,
)
period = filters.selected("period")

st.header(f"Headlines for {region}")
tiles = [column for _ in range(0, len(config.domains), 2) for column in st.columns(2)]
for tile, domain in zip(tiles, config.domains.values()):
    with tile:
        render_domain_tile(domain, config.indicators_in(domain.id), period, region_code=areas.region.code)

definition = config.indicator(filters.selected("indicator"))
st.header(f"{capitalise(systems)}: {definition.name}")
try:
    stps = cached_data.get_view(panels.build_comparison_panel, definition.id, levels=("stp", "region"),
                                areas=areas, period=period)
except IndicatorUnavailable as reason:
    st.info(f"No figure for this indicator. {reason}")
    st.stop()
if stps is None:
    st.info("No figure for this indicator in these data.")
    st.stop()
shown_period = stps.period
if shown_period != period:
    st.info(f"There are no figures for {format_period(period)}; showing {format_period(shown_period)}.")
source_views.render_coverage_notes(definition)
layout.render_chart(stps.figure, key="overview_stps", alt=stps.alt)
layout.render_table(stps.table, key="overview_stps", file_name=f"atscale-{definition.id}-stps-{shown_period}.csv")

st.header(f"{capitalise(places)}: {definition.name}")
boroughs = cached_data.get_indicator_values(definition.id, levels=("borough",), period=shown_period)
layout.render_borough_map(
    cached_data.get_borough_map(boroughs, definition), key="overview_map", file_name=f"atscale-map-{definition.id}",
    alt=cached_data.get_computed(maps.describe_borough_map, boroughs, definition, areas),
    area_table=cached_data.get_map_area_table(boroughs, definition),
    legend=cached_data.get_computed(maps.build_map_legend, boroughs, definition, areas))
st.markdown("**The figures in full**")
layout.render_table(cached_data.get_display_table(boroughs, definition), key="overview_boroughs",
                    file_name=f"atscale-{definition.id}-boroughs-{shown_period}.csv")
