"""Benchmark reference: a plain page with one selectbox and two plotly charts, no data loading and no caching.

scripts/benchmark.py reruns it beside the dashboard's pages so each page's time is also given as a ratio
to what Streamlit and plotly cost on this machine. It is not a dashboard page (it is not in app_pages/).
"""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

SERIES = {"first": 1, "second": 2}

st.title("Reference page: two plain plotly charts")
choice = st.selectbox("Series", list(SERIES), key="reference_series")
generator = np.random.default_rng(SERIES[choice])
areas = [f"Area {number}" for number in range(1, 6)]
periods = [f"{2018 + (3 + 3 * i) // 12}-{(3 + 3 * i) % 12 + 1:02d}-01" for i in range(12)]

bars = go.Figure(go.Bar(x=generator.uniform(20, 90, len(areas)), y=areas, orientation="h"))
bars.update_layout(title=f"Five areas ({choice})", xaxis_title="Value (%)")
st.plotly_chart(bars, key="reference_bars")

lines = go.Figure([go.Scatter(x=periods, y=generator.uniform(20, 90, len(periods)).cumsum() / 10, name=name,
                              mode="lines+markers") for name in ("Area", "London")])
lines.update_layout(title=f"Twelve quarters ({choice})", yaxis_title="Value (%)")
st.plotly_chart(lines, key="reference_lines")
