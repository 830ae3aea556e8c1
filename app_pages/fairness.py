"""Fairness: each indicator by the deprivation of practices, for the region and each system, with the gap
between the most and least deprived fifths in words."""
import streamlit as st

from components import fairness_views, filters, layout

config, data = layout.require_inputs()
areas = data.areas
layout.render_page_header(
    "Fairness: figures by deprivation",
    f"Practices in {areas.region.name} grouped into fifths by how deprived their patients' neighbourhoods are "
    "(Index of Multiple Deprivation 2019, from OHID Fingertips), from the most deprived fifth to the least. Each "
    "figure adds up the practices in that fifth. Choose the indicator and period in the sidebar.",
    data,
)
st.markdown("A fifth is a fifth of all the practices in the deprivation file ranked by their score (deciles 1-2, "
           "3-4 ... 9-10), so an area can have more practices in one fifth than in another.")
definition = config.indicator(filters.selected("indicator"))
fairness_views.render_fairness(definition, data, stp_code=filters.selected("stp"), period=filters.selected("period"))
