"""STP profile: one STP's boroughs against the STP and London, trends, workforce mix and PCN maturity."""
import streamlit as st

from components import cached_data, charts, filters, layout
from indicators.compute import IndicatorUnavailable

config, data = layout.require_inputs()
stp_code, period = filters.selected("stp"), filters.selected("period")
stp_name = cached_data.get_area_names("stp")[stp_code]
layout.render_page_header(
    f"STP profile: {stp_name}",
    f"How the boroughs of {stp_name} compare with the STP (Sustainability and Transformation Partnership) "
    "as a whole and with London. Choose another STP in the sidebar.",
    data,
)

definition = config.indicator(filters.selected("indicator"))
st.header(f"Boroughs compared: {definition.name}")
try:
    boroughs = cached_data.get_view(charts.build_comparison_panel, definition.id, levels=("borough", "stp", "region"),
                                    stp_code=stp_code, period=period)
    no_figure = "" if boroughs else "No figure for this indicator in these data."
except IndicatorUnavailable as reason:
    boroughs, no_figure = None, f"No figure for this indicator. {reason}"
if boroughs is None:
    st.info(no_figure)
else:
    layout.render_chart(boroughs.figure, key="stp_boroughs", alt=boroughs.alt)
    layout.render_table(boroughs.table, key="stp_boroughs",
                        file_name=f"atscale-{definition.id}-{stp_code}-{boroughs.period}.csv")

st.header("Trends")
domain_id = st.selectbox("Area of work", list(config.domains), format_func=lambda d: config.domains[d].name,
                         key="stp_profile_domain")
for trend_definition in config.indicators_in(domain_id):
    try:
        trend = cached_data.get_view(charts.build_trend_panel, trend_definition.id, levels=("stp", "region"),
                                     stp_code=stp_code, areas=(stp_code, data.areas.region.code))
    except IndicatorUnavailable as reason:
        st.info(f"{trend_definition.name}: no figure. {reason}")
        continue
    layout.render_chart_panel(trend, key=f"stp_trend_{trend_definition.id}",
                              file_name=f"atscale-{trend_definition.id}-{stp_code}-trend.csv")

for group in dict.fromkeys(d.mix_group for d in config.indicators if d.mix_group):
    st.header(group)
    parts = tuple(d.id for d in config.indicators if d.mix_group == group)
    try:
        mix = cached_data.get_view(charts.build_mix_panel, parts, levels=("borough", "stp", "region"),
                                   stp_code=stp_code, period=period)
    except IndicatorUnavailable as reason:
        st.info(f"No figure. {reason}")
        continue
    layout.render_chart(mix.figure, key=f"stp_mix_{group}", alt=mix.alt)
    layout.render_table(mix.table, key=f"stp_mix_{group}", file_name=f"atscale-mix-{stp_code}.csv")

st.header("Primary Care Network maturity")
maturity = cached_data.get_maturity_grid(stp_code, period)
if maturity is None:
    st.info(data.unavailable.get("maturity", "No maturity self-assessment was loaded."))
else:
    grid, maturity_period = maturity
    if grid.empty:
        st.info("No Primary Care Network in this STP had assessed its maturity by this period.")
    else:
        st.markdown(f"Self-assessed by each network, {filters.format_period(maturity_period)}: "
                    "1 means not started, 5 means fully in place.")
        layout.render_chart(cached_data.get_figure(charts.build_maturity_heatmap, grid), key="stp_maturity",
                            alt=cached_data.get_computed(charts.describe_maturity_heatmap, grid))
        layout.render_table(grid, key="stp_maturity", file_name=f"atscale-maturity-{stp_code}.csv")
