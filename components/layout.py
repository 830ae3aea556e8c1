"""Small page pieces: data label, problems, tiles and tables with downloads."""
import re
import weakref
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached_data
from figures import images as chart_images
from indicators.errors import AtscaleError, Problem
from indicators.formatting import format_period
from indicators.spreadsheet import write_spreadsheet_csv

TAGS = re.compile(r"<[^>]+>")  # plotly's line breaks and bold in a chart title
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
MACHINE_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
ABBREVIATIONS = {"fte": "FTE", "pcn": "PCN", "stp": "STP", "ccg": "CCG", "ods": "ODS", "gp": "GP", "gps": "GPs",
                 "ci": "CI", "id": "ID", "1000": "1,000", "100k": "100,000"}


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


def compute_readable_name(column: object) -> str:
    """A column heading a reader understands: 'fte_per_1000' -> 'FTE per 1,000', 'area_name' -> 'Area'; headings
    that are already words are kept."""
    text = str(column)
    if not MACHINE_NAME.match(text):
        return text
    words = text.split("_")
    if len(words) > 1 and words[-1] == "name":
        words = words[:-1]
    words = [ABBREVIATIONS.get(word, word) for word in words]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _decimals_for(column: str, values: pd.Series) -> int | None:
    """How many decimals a number column shows: 1 for percentages, 2 for rates per 1,000, none for whole
    counts; None leaves the column as its builder rounded it."""
    name = column.lower()
    finite = values.dropna()
    if finite.empty:
        return None
    if "%" in name or "percent" in name or "share" in name:
        return 1
    if "per 1,000" in name or "per_1000" in name or "per 1000" in name:
        return 2
    if (finite == finite.round()).all():
        return 0
    if name in ("numerator", "denominator") or name.startswith(("numerator", "denominator")):
        return 1
    return None


_WORKED_OUT: dict[tuple[str, int], tuple[weakref.ref, object]] = {}  # (what, id(object)) -> (the object, result)


def _once_per_object(compute, thing):
    """compute(thing), worked out once per object. The pages' tables and figures are mostly shared and never
    changed (cached_data.get_view), so the same object gives the same result; re-deriving them (copying a figure
    takes about 20 ms) was most of a warm rerun of a page with several charts and tables."""
    key = (compute.__name__, id(thing))
    known = _WORKED_OUT.get(key)
    if known is not None and known[0]() is thing:
        return known[1]
    result = compute(thing)
    if len(_WORKED_OUT) >= 2048:
        _WORKED_OUT.clear()
    _WORKED_OUT[key] = (weakref.ref(thing), result)
    return result


def compute_readable_table(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The table as a reader sees it: months as 'January 2021', headings in words, numbers with sensible
    decimals (shown rounded; the numbers themselves are kept). Returns the table and its column_config; both may
    be shared, so neither is to be changed."""
    return _once_per_object(_make_readable, table)


def _make_readable(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    shown, config = table.copy(), {}
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_datetime64_any_dtype(values) or (
                (values.dtype == object or pd.api.types.is_string_dtype(values)) and values.notna().any()
                and values.dropna().map(lambda v: isinstance(v, str) and bool(ISO_DATE.match(v))).all()):
            shown[column] = values.map(format_period)
        elif pd.api.types.is_float_dtype(values):
            decimals = _decimals_for(str(column), values)
            if decimals is not None:
                shown[column] = values.round(decimals)
                config[compute_readable_name(column)] = st.column_config.NumberColumn(
                    format=f"%.{decimals}f" if decimals else "localized")
    shown.columns = [compute_readable_name(column) for column in table.columns]
    return shown, config


PAGE_CSS = """<style>
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere;}
</style>"""


def render_page_style() -> None:
    """Every page: a figure or its label wraps onto a second line on a narrow screen instead of being cut
    short with '…' (Streamlit's metric keeps to one line)."""
    st.html(PAGE_CSS)


def render_table(table: pd.DataFrame, *, key: str, file_name: str, column_config: dict | None = None) -> None:
    """A table with its CSV download beside it (every table in the dashboard has one).

    On screen: months as 'January 2021', headings in words, sensible decimals (compute_readable_table). The CSV
    keeps the machine-readable table as built: ISO dates, full precision, the builders' own column names.
    The CSV is written only when the button is clicked (a deferred download), not on every rerun.
    """
    shown, readable_config = compute_readable_table(table)
    st.dataframe(shown, hide_index=True, column_config=readable_config | (column_config or {}),
                 key=f"{key}_table")
    st.download_button("Download this table (CSV)", partial(write_csv, table), file_name=file_name,
                       mime="text/csv", key=f"{key}_download", on_click="ignore")


def write_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with spreadsheet formulas neutralised: names and text come from data files and users."""
    return write_spreadsheet_csv(table).encode("utf-8")


def compute_title_outside(figure) -> tuple[object, str, str]:
    """The chart without its title and subtitle (a copy: figures may be shared), and their text. The page writes
    them above the chart as text that wraps on a narrow screen, where a chart's own one-line title is cut off.
    The PNG download keeps them in the picture. Once per figure object (_once_per_object)."""
    return _once_per_object(_move_title_out, figure)


def _move_title_out(figure) -> tuple[object, str, str]:
    title = figure.layout.title
    text = TAGS.sub(" ", title.text or "").strip()
    subtitle = TAGS.sub(" ", (title.subtitle.text if title.subtitle else None) or "").strip()
    if not text:
        return figure, "", ""
    shown = go.Figure(figure)
    shown.update_layout(title={"text": None, "subtitle": {"text": None}}, margin={"t": 24})
    return shown, " ".join(text.split()), " ".join(subtitle.split())


def render_chart(figure, *, key: str, alt: str, note: str = "") -> None:
    """A plotly chart, a button saving it as PNG, and its text alternative written under it for everyone; a
    `note` (plain text, e.g. what the chart says in plain words) goes in bold straight under the chart.

    The chart's own toolbar (on hover) also has a camera button that saves a PNG in the browser. The
    labelled button needs no hovering; its PNG is drawn on the server only when it is clicked (a
    deferred download), so a page rerun costs no image drawing.
    """
    shown, title, subtitle = compute_title_outside(figure)
    if title:
        with st.container(key=f"{key}_title"):
            st.markdown(f"**{escape_markdown(title)}**" + (f"  \n{escape_markdown(subtitle)}" if subtitle else ""))
    st.plotly_chart(shown, key=key, alt=alt, config={
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


def render_borough_map(deck, *, area_table: pd.DataFrame, legend: pd.DataFrame, alt: str, key: str,
                       file_name: str, height: int | None = None) -> None:
    """A map of places with, beside it, every place by name with its figure (the map's list), then what the map
    shows in words and its key, whose colours are drawn as small coloured squares. The key's CSV keeps the
    colours' hex codes."""
    drawn, listed = st.columns([3, 2], gap="medium")
    with drawn:
        st.pydeck_chart(deck, key=key, alt=alt, height=height or 500)
    with listed:
        st.markdown("**Every place on the map**")
        render_table(area_table, key=f"{key}_areas", file_name=f"{file_name}-areas.csv")
    st.markdown(f"*What this map shows:* {escape_markdown(alt)}")
    render_map_key(legend, key=f"{key}_legend", file_name=f"{file_name}-key.csv")


def render_map_key(legend: pd.DataFrame, *, key: str, file_name: str) -> None:
    """The map's colour key: each colour as a coloured square with its name and range, not as a hex code."""
    from figures.maps import build_swatch

    st.markdown("**Map key**")
    shown, config = compute_readable_table(legend.drop(columns=["From", "To"], errors="ignore"))
    if "Colour" in shown.columns:
        shown["Colour"] = shown["Colour"].map(build_swatch)
        config["Colour"] = st.column_config.ImageColumn("Colour", width="small")
    st.dataframe(shown, hide_index=True, column_config=config, key=f"{key}_table")
    st.download_button("Download this table (CSV)", partial(write_csv, legend), file_name=file_name,
                       mime="text/csv", key=f"{key}_download", on_click="ignore")
