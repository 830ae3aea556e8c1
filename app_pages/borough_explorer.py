"""Place (borough) explorer, the GP's page: a place's networks and practices against the region, with a funnel plot."""
import streamlit as st

from components import cached_data, filters, layout
from figures import funnel, panels
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period
from indicators.views import latest_period_with_values

config, data = layout.require_inputs()
areas = data.areas
place, region = areas.place, areas.region
borough_code, period = filters.selected("borough"), filters.selected("period")
borough = data.geography[data.geography["borough_code"] == borough_code].iloc[0]
layout.render_page_header(
    f"{place.title} explorer: {borough['borough_name']}",
    f"{borough['borough_name']} is in {borough['stp_name']}. See its Primary Care Networks (PCNs: practices "
    f"serving 30,000 to 50,000 patients together) and practices against {region.name}. Practices are compared to "
    "help them improve: each figure shows its uncertainty, and small numbers are not shown.",
    data,
)
definition = config.indicator(filters.selected("indicator"))
st.header(definition.name)
st.markdown(definition.description)
try:
    values = cached_data.get_indicator_values(definition.id, borough_code=borough_code)
except IndicatorUnavailable as reason:
    st.info(f"No figure for this indicator. {reason}")
    st.stop()
shown_period = latest_period_with_values(values, period)
if shown_period != period:
    st.info(f"There are no figures for {format_period(period)}; showing "
            f"{format_period(shown_period) if shown_period else 'nothing'}.")
current = values[values["period"] == shown_period]
benchmark = {"benchmark_name": region.name,
             "benchmark_value": current.loc[current["level"] == "region", "value"].max()}

st.subheader("Networks and practices")
rows = current[current["level"].isin(["borough", "pcn", "practice"])]
layout.render_table(cached_data.get_display_table(rows, definition),
                    key="borough_areas", file_name=f"atscale-{definition.id}-{borough_code}-{shown_period}.csv")

practices = current[current["level"] == "practice"]
st.subheader(f"Funnel plot: practices against {region.name}")
if practices.empty:
    st.info("This indicator is not measured practice by practice (its figures are for larger areas).")
else:
    st.markdown(f"Each dot is a practice. Dots outside the funnel differ from {region.name} by more than chance "
                "alone would explain (95% and 99.8% limits); bigger practices sit further right.")
    layout.render_chart(
        cached_data.get_figure(funnel.build_funnel_figure, practices, definition, areas, **benchmark),
        key="borough_funnel",
        alt=cached_data.get_computed(funnel.describe_funnel, practices, definition, areas, **benchmark))

st.subheader("Trend")
trend = cached_data.get_view(panels.build_trend_panel, definition.id, levels=("borough", "stp", "region"),
                             stp_code=borough["stp_code"], areas=areas,
                             area_codes=(borough_code, borough["stp_code"], region.code))
layout.render_chart_panel(trend, key="borough_trend", file_name=f"atscale-{definition.id}-{borough_code}-trend.csv")
