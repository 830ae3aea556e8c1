"""Small page pieces: data label, problems, tiles and tables with downloads."""
from functools import partial

import pandas as pd
import streamlit as st

from components import cached_data
from figures import images as chart_images
from indicators.errors import AtscaleError, Problem
from indicators.spreadsheet import write_spreadsheet_csv


def render_data_label(label: str, title: str) -> None:
    """Every view says whether the figures are real or illustrative."""
    if label == "illustrative":
        st.info("**Illustrative data.** These figures are generated for demonstration; they are not real "
                f"NHS figures. {title}".strip(), icon="ℹ️")
    elif label == "real":
        st.success(f"**Real data.** {title}".strip(), icon="✅")
    else:
        st.warning("**Unlabelled data.** The data folder does not say whether these figures are real "
                   "or illustrative (add a dataset.yaml).", icon="⚠️")


def render_data_problem(error: Exception | str) -> None:
    """A friendly error instead of a traceback."""
    st.error(f"{error}", icon="🚫")


def render_problem_table(problems: tuple[Problem, ...] | list[Problem], *, key: str) -> None:
    table = pd.DataFrame(
        [{"severity": p.severity, "file": p.source, "row": p.row, "field": p.field or "",
          "indicator": p.indicator or "", "problem": p.message} for p in problems],
        columns=["severity", "file", "row", "field", "indicator", "problem"],
    ).astype({"row": "Int64"})
    render_table(table, key=key, file_name="atscale-problems.csv")


def render_table(table: pd.DataFrame, *, key: str, file_name: str, column_config: dict | None = None) -> None:
    """A table with its CSV download beside it (every table in the dashboard has one).

    The CSV is written only when the button is clicked (a deferred download), not on every rerun.
    """
    st.dataframe(table, hide_index=True, column_config=column_config, key=f"{key}_table")
    st.download_button("Download this table (CSV)", partial(write_csv, table), file_name=file_name,
                       mime="text/csv", key=f"{key}_download", on_click="ignore")


def write_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with spreadsheet formulas neutralised: names and text come from data files and users."""
    return write_spreadsheet_csv(table).encode("utf-8")


def render_chart(figure, *, key: str, alt: str, note: str = "") -> None:
    """A plotly chart, a button saving it as PNG, and its text alternative written under it for everyone; a
    `note` (plain text, e.g. what the chart says in plain words) goes in bold straight under the chart.

    The chart's own toolbar (on hover) also has a camera button that saves a PNG in the browser. The
    labelled button needs no hovering; its PNG is drawn on the server only when it is clicked (a
    deferred download), so a page rerun costs no image drawing.
    """
    st.plotly_chart(figure, key=key, alt=alt, config={
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": f"atscale-{key}"}})
    if note:
        st.markdown(f"**{escape_markdown(note)}**")
    st.download_button("Download this chart (PNG)", partial(chart_images.render_png, figure),
                       file_name=f"atscale-{key}.png", mime="image/png", key=f"{key}_png", on_click="ignore",
                       icon="🖼️", disabled=chart_images.find_browser() is None,
                       help="Saves the chart as a picture. If this does not work, use the camera button in the "
                            "chart's toolbar (at its top right when the pointer is over the chart).")
    st.markdown(f"*What this chart shows:* {escape_markdown(alt)}")


def render_chart_panel(panel, *, key: str, file_name: str) -> None:
    """A chart with its sentence (render_chart), then its numbers folded away under it with their download."""
    render_chart(panel.figure, key=key, alt=panel.alt)
    with st.expander("The numbers behind this chart"):
        render_table(panel.table, key=key, file_name=file_name)


def escape_markdown(text: str) -> str:
    """Text from data shown in markdown literally (no links, emphasis or HTML)."""
    special = "\\`*_{}[]()#+-.!|<>~$"
    return "".join(f"\\{c}" if c in special else c for c in str(text))


def require_inputs():
    """The config and data, or a short error and a stopped page (app.py shows the full message)."""
    try:
        config, data = cached_data.get_config(), cached_data.get_data()
    except AtscaleError:
        st.error("This page cannot be shown until the problem with the input files is fixed.", icon="🚫")
        st.stop()
    if data.geography.empty or not data.periods or not config.indicators:
        missing = "practices" if data.geography.empty else "dated figures" if not data.periods else "indicators"
        st.error(f"No {missing} could be loaded, so this page has nothing to show. The Data and indicators "
                 "page lists what went wrong, file by file.", icon="🚫")
        st.stop()
    return config, data


def render_page_header(title: str, intro: str, data) -> None:
    """Title, one plain sentence about the page, and the real/illustrative label. Both are plain text: the area
    and practice names in them come from the data files and are shown literally, never as markdown."""
    st.title(escape_markdown(title))
    st.markdown(escape_markdown(intro))
    render_data_label(data.label, data.title)
