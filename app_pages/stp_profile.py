"""System (STP) profile: one system's places against the system and the region, trends, workforce mix and PCN
maturity."""
import streamlit as st

from components import cached_data, filters, layout, profile_views, source_views
from figures import panels
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period

config, data = layout.require_inputs()
areas = data.areas
system, place, region = areas.system, areas.place, areas.region
stp_code, period = filters.selected("stp"), filters.selected("period")
stp_name = areas.name_of("stp", stp_code)
layout.render_page_header(
    f"{system.title} profile: {stp_name}",
    f"How the {place.plural} of {stp_name} compare with the {system.label} as a whole and with {region.name}. "
    f"Choose another {system.name} in the sidebar.",
    data,
)

definition = config.indicator(filters.selected("indicator"))
st.header(f"{place.plural_title} compared: {definition.name}")
try:
    boroughs = cached_data.get_view(panels.build_comparison_panel, definition.id, levels=("borough", "stp", "region"),
                                    stp_code=stp_code, areas=areas, period=period)
    no_figure = "" if boroughs else "No figure for this indicator in these data."
except IndicatorUnavailable as reason:
    boroughs, no_figure = None, f"No figure for this indicator. {reason}"
if boroughs is None:
    st.info(no_figure)
else:
    if boroughs.period != period:
        st.info(f"There are no figures for {format_period(period)}; showing {format_period(boroughs.period)}.")
    source_views.render_coverage_notes(definition)
    layout.render_chart(boroughs.figure, key="stp_boroughs", alt=boroughs.alt)
    layout.render_table(boroughs.table, key="stp_boroughs",
                        file_name=f"atscale-{definition.id}-{stp_code}-{boroughs.period}.csv")

st.header("Trends")
domain_id = st.selectbox("Area of work", list(config.domains), format_func=lambda d: config.domains[d].name,
                         key="stp_profile_domain")
profile_views.render_trends(config.indicators_in(domain_id), data, stp_code=stp_code)
profile_views.render_mixes(config, stp_code=stp_code, period=period)

st.header("Primary Care Network maturity")
profile_views.render_maturity(config, data, stp_code=stp_code, period=period)

st.header("Board overview: every indicator")
profile_views.render_board_overview(stp_code=stp_code, stp_name=stp_name)
