"""Pieces of the plain-language pages: the area choice, the summary by domain with a plain chart each, the glossary."""
import re
import textwrap

import pandas as pd
import streamlit as st

from components import cached_data, charts, filters, layout
from indicators.compute import IndicatorUnavailable
from indicators.glossary import GLOSSARY, GlossaryEntry
from indicators.plain_language import (
    SummarySection,
    compute_chart_description,
    compute_figures_in_words,
    compute_month_in_words,
)

SUMMARY_LEVELS = {"stp": "A part of London (STP)", "borough": "A borough"}
CHART_LEVELS = ("borough", "stp", "region")
CHART_TITLE_WIDTH = 30  # characters per title line: a 375 px phone shows about this many at the title's size
PLAIN_DATA_LABELS = {
    "illustrative": ("Made-up figures.", "The figures on this page are made up to show how it works. They are not real."),
    "real": ("Real figures.", "The figures on this page come from data the health service has published."),
}
UNLABELLED_DATA = ("Figures of unknown origin.", "We cannot tell whether these figures are real or made up.")


def render_plain_data_label(label: str) -> str:
    """Whether the figures are real or made up, in plain words; returns the sentence shown."""
    heading, sentence = PLAIN_DATA_LABELS.get(label, UNLABELLED_DATA)
    if label == "real":
        st.success(f"**{heading}** {sentence}", icon="✅")
    elif label == "illustrative":
        st.info(f"**{heading}** {sentence}", icon="ℹ️")
    else:
        st.warning(f"**{heading}** {sentence}", icon="⚠️")
    return sentence


def render_area_choice() -> tuple[str | None, str | None, str]:
    """The reader's choice of a part of London or a borough, kept in the URL: (level, area code, area name)."""
    level = filters.render_url_selectbox(
        "Show a summary for", list(SUMMARY_LEVELS), key="summary_level", format_func=SUMMARY_LEVELS.get,
        help="London has five parts where health services and councils plan care together (STPs: "
             "Sustainability and Transformation Partnerships). It also has 33 boroughs.")
    areas = cached_data.get_area_names(level)
    area_code = filters.render_url_selectbox(
        "Which part of London" if level == "stp" else "Which borough", list(areas), key="summary_area",
        format_func=areas.get, default=filters.selected(level))
    return level, area_code, areas.get(area_code, "")


def render_summary(sections: list[SummarySection], *, area_level: str, area_code: str, period: str) -> None:
    """The introduction, then each domain under its plain heading, with one chart of the area against London."""
    config = cached_data.get_config()
    for section in sections:
        if section.domain_id:
            st.subheader(layout.escape_markdown(section.heading))
        charted = False
        for paragraph in section.paragraphs:
            if paragraph.title:
                st.markdown(f"**{layout.escape_markdown(paragraph.title)}**")
            st.markdown(layout.escape_markdown(" ".join(paragraph.sentences)))
            if section.domain_id and not charted and len(paragraph.indicator_ids) == 1:
                definition = config.indicator(paragraph.indicator_ids[0])
                charted = render_area_chart(definition, area_level=area_level, area_code=area_code, period=period)


def compute_chart_rows(values: pd.DataFrame, *, area_level: str, area_code: str, period: str) -> pd.DataFrame:
    """The area's and London's rows up to `period`: what the summary chart draws."""
    area = (values["level"] == area_level) & (values["area_code"] == area_code)
    return values[(area | (values["level"] == "region")) & (values["period"] <= period)].reset_index(drop=True)


def _has_figures(rows: pd.DataFrame, area_code: str) -> bool:
    shown = rows["value"].notna() & ~rows["suppressed"].astype(bool)
    return bool((shown & (rows["area_code"] == area_code)).any())


def render_area_chart(definition, *, area_level: str, area_code: str, period: str) -> bool:
    """A line chart of the area and London over time, what it shows in words, and its numbers; False when
    the area has no figures to draw (the caller then tries the domain's next indicator)."""
    try:
        panel = cached_data.get_view(build_summary_panel, definition.id, levels=CHART_LEVELS,
                                            area_level=area_level, area_code=area_code, period=period)
    except IndicatorUnavailable:
        return False
    if panel is None:
        return False
    layout.render_chart_panel(panel, key=f"summary_chart_{definition.id}",
                              file_name=f"atscale-{definition.id}-{area_code}-and-london.csv")
    return True


def build_summary_panel(values: pd.DataFrame, definition, *, area_level: str, area_code: str,
                        period: str) -> charts.ChartPanel | None:
    """The area's chart, its plain description and its numbers; None when the area has no figures to draw."""
    rows = compute_chart_rows(values, area_level=area_level, area_code=area_code, period=period)
    if not _has_figures(rows, area_code):
        return None
    return charts.ChartPanel(
        build_summary_chart(rows, definition, area_code=area_code),
        compute_chart_description(definition, rows, area_code=area_code, area_level=area_level, period=period),
        compute_chart_table(rows, definition, area_code=area_code))


def build_summary_chart(rows: pd.DataFrame, definition, *, area_code: str):
    """The trend chart in plain words, sized for a phone: a short wrapped title and a few date labels."""
    london_codes = rows.loc[rows["level"] == "region", "area_code"].unique().tolist()
    title_lines = textwrap.wrap(definition.plain_name, CHART_TITLE_WIDTH) or [definition.plain_name]
    figure = charts.build_trend_figure(rows, definition, areas=[area_code, *london_codes], plain_language=True)
    figure.update_layout(title={"text": "<br>".join(title_lines), "font": {"size": 17}},
                         margin={"l": 10, "r": 10, "t": 30 + 24 * len(title_lines), "b": 90}, height=420)
    figure.update_xaxes(tickmode="auto", nticks=4, title_text="")
    figure.update_traces(selector={"fill": "toself"}, name="Likely range")  # a short legend entry fits a phone
    return figure


def compute_chart_table(rows: pd.DataFrame, definition, *, area_code: str) -> pd.DataFrame:
    """The numbers behind the summary chart: month, area, the figure (with its unit) and the figure in words."""
    ordered = rows.assign(region=rows["area_code"] != area_code).sort_values(["region", "period"], kind="stable")
    hidden = ordered["suppressed"].astype(bool) | ordered["value"].isna()
    figures = ordered["value"].where(~hidden)
    unit = definition.unit.strip()
    return pd.DataFrame({
        "Month": [compute_month_in_words(period) for period in ordered["period"]],
        "Area": ordered["area_name"].to_numpy(),
        f"Figure ({unit})": figures.round(definition.decimals).to_numpy(),
        "In words": compute_figures_in_words(definition, figures.tolist()),
    })


def find_glossary_entries(query: str) -> list[GlossaryEntry]:
    """Glossary entries with a word starting with the query (any case) in their term, full name, other names
    or explanation ("fte" finds FTE, not "often"); entries matching by name come first. An empty query
    gives every entry."""
    wanted = " ".join(query.split())
    if not wanted:
        return list(GLOSSARY)
    pattern = re.compile(r"(?<!\w)" + re.escape(wanted), re.IGNORECASE)

    def names(entry: GlossaryEntry) -> str:
        return " | ".join([entry.term, entry.heading, entry.full_name or "", *entry.aliases])

    by_name = [entry for entry in GLOSSARY if pattern.search(names(entry))]
    by_text = [entry for entry in GLOSSARY if entry not in by_name and pattern.search(entry.explanation)]
    return by_name + by_text


def compute_glossary_table(entries: list[GlossaryEntry]) -> pd.DataFrame:
    return pd.DataFrame({
        "Term": [entry.heading for entry in entries],
        "Also called": [", ".join(entry.aliases) for entry in entries],
        "What it means": [entry.explanation for entry in entries],
    })


def render_glossary_entry(entry: GlossaryEntry) -> None:
    text = f"**{layout.escape_markdown(entry.heading)}**  \n{layout.escape_markdown(entry.explanation)}"
    if entry.aliases:
        text += f"  \nAlso called: {layout.escape_markdown(', '.join(entry.aliases))}."
    st.markdown(text)
