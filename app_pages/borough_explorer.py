"""Borough explorer (the GP's page): a borough's networks and practices against London, with a funnel plot."""
import streamlit as st

from components import cached_data, charts, filters, layout
from indicators.compute import IndicatorUnavailable
from indicators.views import latest_period_with_values

config, data = layout.require_inputs()
borough_code, period = filters.selected("borough"), filters.selected("period")
borough = data.geography[data.geography["borough_code"] == borough_code].iloc[0]
layout.render_page_header(
    f"Borough explorer: {borough['borough_name']}",
    f"{borough['borough_name']} is in {borough['stp_name']}. See its Primary Care Networks (PCNs: practices "
    "serving 30,000 to 50,000 patients together) and practices against London. Practices are compared to help "
    "them improve: each figure shows its uncertainty, and small numbers are not shown.",
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
    st.info(f"There are no figures for {filters.format_period(period)}; showing "
            f"{filters.format_period(shown_period) if shown_period else 'nothing'}.")
current = values[values["period"] == shown_period]
region_value = current.loc[current["level"] == "region", "value"].max()

st.subheader("Networks and practices")
areas = current[current["level"].isin(["borough", "pcn", "practice"])]
layout.render_table(cached_data.get_display_table(areas, definition),
                    key="borough_areas", file_name=f"atscale-{definition.id}-{borough_code}-{shown_period}.csv")

practices = current[current["level"] == "practice"]
st.subheader("Funnel plot: practices against London")
if practices.empty:
    st.info("This indicator is not measured practice by practice (its figures are for larger areas).")
else:
    st.markdown("Each dot is a practice. Dots outside the funnel differ from London by more than chance alone "
                "would explain (95% and 99.8% limits); bigger practices sit further right.")
    layout.render_chart(
        cached_data.get_figure(charts.build_funnel_figure, practices, definition, region_value=region_value),
        key="borough_funnel",
        alt=cached_data.get_computed(charts.describe_funnel, practices, definition, region_value=region_value))

st.subheader("Trend")
trend = cached_data.get_view(charts.build_trend_panel, definition.id, levels=("borough", "stp", "region"),
                             stp_code=borough["stp_code"], areas=(borough_code, borough["stp_code"], data.areas.region.code))
layout.render_chart_panel(trend, key="borough_trend", file_name=f"atscale-{definition.id}-{borough_code}-trend.csv")
