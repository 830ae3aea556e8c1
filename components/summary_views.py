"""Pieces of the plain-language pages: the area choice, the summary by domain with a plain chart each, the glossary."""
import streamlit as st

from components import cached_data, filters, layout
from figures.plain_summary import build_summary_panel
from indicators.areas import AreaModel
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_count
from indicators.glossary import GlossaryEntry
from indicators.plain_language import SummarySection

CHART_LEVELS = ("borough", "stp", "region")
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


def render_area_choice(areas: AreaModel) -> tuple[str | None, str | None, str]:
    """The reader's choice of a system or a place, kept in the URL: (level, area code, area name)."""
    system, place, region = areas.system, areas.place, areas.region.name
    choices = {"stp": f"A {system.plain_name} ({system.name})", "borough": f"A {place.plain_name}"}
    level = filters.render_url_selectbox(
        "Show a summary for", list(choices), key="summary_level", format_func=choices.get,
        help=f"{region} has {format_count(areas.count('stp'))} {system.plain_plural} ({system.plural}), where health "
             f"services and councils plan care together, and {format_count(areas.count('borough'))} {place.plural}.")
    names = areas.names(level)
    area_code = filters.render_url_selectbox(
        f"Which {system.plain_name}" if level == "stp" else f"Which {place.plain_name}", list(names),
        key="summary_area", format_func=names.get, default=filters.selected(level))
    return level, area_code, names.get(area_code, "")


def render_summary(sections: list[SummarySection], *, area_level: str, area_code: str, period: str) -> None:
    """The introduction, then each domain under its plain heading, with one chart of the area against its region."""
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


def render_area_chart(definition, *, area_level: str, area_code: str, period: str) -> bool:
    """A line chart of the area and its region over time, what it shows in words, and its numbers; False when
    the area has no figures to draw (the caller then tries the domain's next indicator)."""
    try:
        panel = cached_data.get_view(build_summary_panel, definition.id, levels=CHART_LEVELS,
                                            area_level=area_level, area_code=area_code, period=period)
    except IndicatorUnavailable:
        return False
    if panel is None:
        return False
    layout.render_chart_panel(panel, key=f"summary_chart_{definition.id}",
                              file_name=f"atscale-{definition.id}-{area_code}-and-region.csv")
    return True


def render_glossary_entry(entry: GlossaryEntry) -> None:
    text = f"**{layout.escape_markdown(entry.heading)}**  \n{layout.escape_markdown(entry.explanation)}"
    if entry.aliases:
        text += f"  \nAlso called: {layout.escape_markdown(', '.join(entry.aliases))}."
    st.markdown(text)
