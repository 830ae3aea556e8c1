"""Print exports (the STP briefing pack, chart images); plain Python, never imports streamlit."""
