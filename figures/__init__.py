"""Pure figure builders: plotly figures and pydeck maps with their text alternatives, and PNG images of them.

No Streamlit here: the pages (through components/) and the PDF briefing pack (reports/) use the same builders.
"""
