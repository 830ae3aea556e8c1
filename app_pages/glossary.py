"""Glossary: every NHS term the dashboard uses, in plain words, searchable and downloadable."""
import streamlit as st

from components import cached_data, layout, summary_views
from indicators.areas import AreaModel
from indicators.errors import AtscaleError
from indicators.glossary import compute_glossary, compute_glossary_table, find_glossary_entries

try:
    areas = cached_data.get_areas()
except AtscaleError:  # the words need no data; app.py says what is wrong with the files
    areas = AreaModel()
glossary = compute_glossary(areas)
st.title("Glossary")
st.markdown("What the health service words on this dashboard mean, in plain words.")
query = st.text_input("Search for a word", key="glossary_search", placeholder="For example: network")
entries = find_glossary_entries(query, glossary)
if not entries:
    st.info(f"No word in the glossary matches “{layout.escape_markdown(query.strip())}”. Try a shorter word.")
else:
    st.markdown(f"Showing {len(entries)} of {len(glossary)} words." if query.strip()
                else f"All {len(glossary)} words.")
for entry in entries:
    summary_views.render_glossary_entry(entry)
st.download_button("Download the glossary (CSV)",
                   compute_glossary_table(list(glossary)).to_csv(index=False).encode("utf-8"),
                   file_name="atscale-glossary.csv", mime="text/csv", key="glossary_download")
st.page_link("app_pages/plain_summary.py", label="Back to the plain English summary", icon="💬")
