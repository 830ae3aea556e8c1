"""In plain English: short sentences about one system or place in the region, for patients and the public."""
import streamlit as st

from components import cached_data, filters, layout, summary_views
from indicators.plain_language import compute_summary_text

config, data = layout.require_inputs()
st.title("In plain English")
st.markdown(f"Short, plain sentences about family doctor services in one part of {data.areas.region.name}, "
            "written from the figures. Choose an area to read about.")
label_sentence = summary_views.render_plain_data_label(data.label)
first_screen = st.container()  # the area's name and first sentences, above the choice: on a phone's first screen
level, area_code, area_name = summary_views.render_area_choice(data.areas)
st.page_link("app_pages/glossary.py", label="What the words mean (glossary)", icon="📖")
if area_code is None:
    st.info("There are no areas to choose from in these data.")
    st.stop()

period = filters.selected("period") or data.periods[-1]
sections = cached_data.get_area_summary(level, area_code, period)
with first_screen:
    st.header(layout.escape_markdown(area_name))
    summary_views.render_summary(sections[:1], area_level=level, area_code=area_code, period=period)
summary_views.render_summary(sections[1:], area_level=level, area_code=area_code, period=period)

st.download_button("Download this summary (text file)",
                   f"{label_sentence}\n{compute_summary_text(sections)}\n".encode(),
                   file_name=f"atscale-summary-{area_code}.txt", mime="text/plain", key="summary_download")
st.page_link("app_pages/glossary.py", label="Look up a word in the glossary", icon="📖")
