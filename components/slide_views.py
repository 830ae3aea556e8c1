"""Presenter mode: the deck from slides.yaml, one slide drawn in large type, and the next / previous controls."""
import math
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components import cached_data, forum_views, layout, url_params
from figures import maps, presentation, spc_chart, trend
from forum.errors import ForumError
from indicators.datasets import LoadedData
from indicators.definitions import AppConfig
from indicators.errors import ConfigError, IndicatorUnavailable
from indicators.formatting import format_count, format_period
from indicators.slides import (
    INDICATOR_FIELDS,
    NAME_FIELDS,
    Deck,
    MissingFact,
    Slide,
    SlideTile,
    compute_headline_text,
    compute_indicator_facts,
    compute_slide_label,
    compute_slide_tile,
    compute_tile_table,
    load_deck,
)
from indicators.views import latest_period_with_values

ROOT = Path(__file__).resolve().parents[1]
SLIDE_PARAM = "slide"
JUMP_KEY = "presenter_jump"
MAP_HEIGHT = 420
SPC_HEIGHT = presentation.CHART_HEIGHT  # under a two-line headline the chart and its legend fit a 1280x720 screen
MAX_TILES_PER_ROW = 4
MAX_TILES = 8  # two rows of four fit a 1280x720 screen; a domain's further figures go in the slide's numbers
NUMBERS_LABEL = "The numbers on this slide"
_numbers_slot = None  # set by render_slide for the run: where this slide's numbers table goes

# The presenter's type and spacing: one slide fits one 1280x720 screen (and grows with larger screens, whose
# height sets the type size); text the room reads is at least 24 px; a tile's heading is smaller than its figure.
# Scoped to the page's own keyed containers (.st-key-presenter_*), except the page padding and the see-through
# header (only the sidebar button is in it), so the slide can start near the top of the screen.
SLIDE_CSS = """<style>
[data-testid="stHeader"] {background: transparent; pointer-events: none;}
[data-testid="stHeader"] button {pointer-events: auto;}
[data-testid="stMainBlockContainer"] {padding-top: 1rem; padding-bottom: 0.5rem;}
.st-key-presenter_slide {--room: max(24px, 3.34vh); --figure: max(44px, 6.2vh); gap: 0.6rem;}
.st-key-presenter_slide p, .st-key-presenter_slide li, .st-key-presenter_slide label {font-size: var(--room);}
.st-key-presenter_slide [data-testid="stMarkdownContainer"] p {line-height: 1.25;}
.st-key-presenter_slide [data-testid="stText"] {font-size: var(--room); line-height: 1.25;}
.st-key-presenter_slide [data-testid="stAlert"] * {font-size: var(--room);}
.st-key-presenter_slide button {min-height: calc(var(--room) * 1.8);}
.st-key-presenter_bar kbd {display: none;}
.st-key-presenter_slide h1 {font-size: max(34px, 4.8vh); line-height: 1.2; padding: 0.25rem 0;}
.st-key-presenter_slide h3 {font-size: max(26px, 3.6vh); line-height: 1.2; padding: 0;}
.st-key-presenter_slide [data-testid="stVerticalBlockBorderWrapper"] [data-testid="stVerticalBlock"] {gap: 0.4rem;}
.st-key-presenter_slide [data-testid="stMetricLabel"] * {white-space: normal; overflow: visible;}
.st-key-presenter_slide [data-testid="stMetricValue"] {font-size: var(--figure); line-height: 1.1;}
.st-key-presenter_slide [data-testid="stMetricValue"] * {white-space: normal; overflow: visible;
  text-overflow: clip; font-size: inherit;}
.st-key-presenter_slide [data-testid="stMetricValue"] p > span {font-size: var(--room) !important;
  display: inline-block; line-height: 1.25;}
</style>"""
NO_FIGURE = "{area} has no figure for this in these data (too few to give a reliable figure, or not published)."


def deck_path() -> Path:
    return Path(os.environ.get("ATSCALE_SLIDES", ROOT / "slides.yaml"))


def get_deck_or_stop(config: AppConfig, data: LoadedData) -> Deck:
    """The checked deck, or a plain error naming the slide file and a stopped page."""
    try:
        return load_deck(deck_path(), config, data.areas, has_figures=_has_figures)
    except ConfigError as error:
        st.title("Presenter")
        layout.render_data_problem(error)
        st.stop()


def _has_figures(indicator_id: str) -> bool:
    """Whether the data have any figure for the indicator (an optional slide without one is left out)."""
    try:
        values = cached_data.get_indicator_values(indicator_id, levels=("region",))
    except IndicatorUnavailable:
        return False
    return bool(values["value"].notna().any())


def _go_to(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def _jump() -> None:
    _go_to(st.session_state[JUMP_KEY])


def render_slide_position(deck: Deck) -> int:
    """The slide asked for in the URL (?slide=3), or slide 1 with a notice; the URL always says which is shown."""
    asked = url_params.read_url_text(SLIDE_PARAM)
    number = url_params.parse_whole_number(asked, 1, len(deck.slides))
    if number is None:
        if asked is not None:
            url_params.render_fallback_notice(f"slide number (this deck has slides 1 to {len(deck.slides)})",
                                              "slide 1")
        number = 1
    if st.query_params.get(SLIDE_PARAM) != str(number):
        st.query_params[SLIDE_PARAM] = str(number)
    return number


def render_slide_bar(deck: Deck, number: int, data: LoadedData):
    """One line above the headline: where we are, whether the figures are real, the slide's numbers, previous /
    next. Returns the place for the slide's numbers (a pop-over opened with a button, so the slide keeps its
    screen). Page Up / Page Down (what presentation clickers send) press the buttons too."""
    count = len(deck.slides)
    kind = {"illustrative": "ℹ️ Illustrative data (not real)", "real": "✅ Real data"}.get(
        data.label, "⚠️ Unlabelled data")
    with st.container(key="presenter_bar"):
        where, numbers, previous, following = st.columns([3, 1.25, 1.25, 1.25], vertical_alignment="center")
    where.markdown(f"**Slide {number} of {count}** · {kind}")
    previous.button("◀ Previous", key="presenter_previous", on_click=_go_to, args=(max(1, number - 1),),
                    disabled=number == 1, shortcut="PageUp", type="primary", width="stretch")
    following.button("Next ▶", key="presenter_next", on_click=_go_to, args=(min(count, number + 1),),
                     disabled=number == count, shortcut="PageDown", type="primary", width="stretch")
    return numbers


def render_sidebar(deck: Deck, number: int, config: AppConfig, data: LoadedData) -> None:
    """The sidebar starts collapsed: the facilitator opens it to jump to a slide; it also labels the data."""
    labels = {slide.number: compute_slide_label(slide, config, data.areas) for slide in deck.slides}
    st.session_state[JUMP_KEY] = number
    with st.sidebar:
        st.selectbox("Go to slide", list(labels), format_func=labels.get, key=JUMP_KEY, on_change=_jump)
        st.markdown("Page Down or a presentation clicker goes to the next slide, Page Up to the previous one. "
                    "The link (with `?slide=` and the slide number) reopens the slide shown.")
        layout.render_data_label(data.label, data.title)
        if deck.left_out:
            st.markdown("Left out because these data have no figures for them: slides about "
                        f"{layout.escape_markdown('; '.join(deck.left_out))}.")


def render_deck_problems(deck: Deck, number: int) -> None:
    """Problems elsewhere in the slide file, in one line under the controls (the broken slide shows the detail)."""
    elsewhere = sorted({p.slide for p in deck.problems if p.slide is not None and p.slide != number})
    file_wide = [p for p in deck.problems if p.slide is None]
    if elsewhere:
        st.warning(f"{Path(deck.path).name}: slide {', '.join(map(str, elsewhere))} could not be shown; "
                   "open it to see what to fix.", icon="⚠️")
    for problem in file_wide:
        st.warning(layout.escape_markdown(str(problem)), icon="⚠️")


def render_slide_style() -> None:
    """The presenter's type and spacing (SLIDE_CSS): only this page's script adds it, so no other page changes."""
    st.html(SLIDE_CSS)


def render_slide(slide: Slide, config: AppConfig, data: LoadedData, numbers=None) -> None:
    """Draw one slide: its headline in large type, then at most one chart or a row of figures. `numbers` is where
    the slide's table goes (the bar's pop-over); without it, an expander under the slide."""
    global _numbers_slot
    _numbers_slot = numbers
    if not slide.is_valid:
        st.title(f"Slide {slide.number} cannot be shown")
        for problem in slide.problems:
            layout.render_data_problem(layout.escape_markdown(str(problem)))
        return
    VIEW_RENDERERS[slide.view](slide, config, data)


def _latest_period(data: LoadedData) -> str:
    return data.periods[-1]


def _area(slide: Slide, data: LoadedData) -> tuple[str, str]:
    if slide.stp:
        return slide.stp, data.areas.name_of("stp", slide.stp)
    return data.areas.region.code, data.areas.region.name


def _render_headline(slide: Slide, config: AppConfig, data: LoadedData, *, compare_level: str = "stp",
                     fallback: str) -> None:
    """The slide's sentence as the page title, filled from data; the plain reason when the data lack a figure."""
    area_code, area_name = _area(slide, data)
    facts: dict[str, str | None] = {"area_name": area_name, "region_name": data.areas.region.name,
                                    "period": format_period(_latest_period(data))}
    if slide.stp:
        facts["stp_name"] = area_name
    if slide.domain:
        facts["domain_name"] = config.domains[slide.domain].name
    reason = None
    if slide.indicator:
        definition = config.indicator(slide.indicator)
        try:
            values = cached_data.get_indicator_values(definition.id, levels=(compare_level, "region"))
        except IndicatorUnavailable as unavailable:
            reason = str(unavailable)
        else:
            facts.update(cached_data.get_computed(compute_indicator_facts, values, definition, area_code=area_code,
                                                  compare_level=compare_level))
    shown = {name: layout.escape_markdown(value) if name in NAME_FIELDS and value is not None else value
             for name, value in facts.items()}
    try:
        st.title(compute_headline_text(slide.headline, shown))
    except MissingFact:
        st.title(layout.escape_markdown(fallback))
        st.info(f"No figure for this slide. {reason or NO_FIGURE.format(area=area_name)}", icon="ℹ️")


def _numbers_place():
    """The pop-over in the slide bar holding the slide's numbers (an expander when drawn without the bar)."""
    if _numbers_slot is None:
        return st.expander(NUMBERS_LABEL)
    return _numbers_slot.popover("Numbers", width="stretch", help=f"{NUMBERS_LABEL}: the figures as a table, "
                                 "with a CSV download")


def _render_numbers(table: pd.DataFrame, *, slide: Slide, name: str) -> None:
    with _numbers_place():
        layout.render_table(table, key=f"presenter_{slide.number}",
                            file_name=f"atscale-slide-{slide.number}-{name}.csv")


def _render_tiles(tiles: list[tuple[str, SlideTile | None, str]], *, columns: int, latest_period: str) -> None:
    """A row (or rows) of big figures, each with its unit; a figure the data lack says so (why: on hover)."""
    cells = [cell for start in range(0, len(tiles), columns) for cell in st.columns(columns)[:len(tiles) - start]]
    for cell, (heading, tile, reason) in zip(cells, tiles):
        with cell.container(border=True):
            st.subheader(layout.escape_markdown(heading), anchor=False)
            if tile is None:
                st.markdown("**No figure**", help=reason)
                continue
            value = tile.number_text or tile.value_text  # digits, "." "," and "%" only: nothing markdown reads
            if tile.unit:
                value += f" :small[{layout.escape_markdown(tile.unit)}]"
            st.metric(tile.indicator_name, value,
                      label_visibility="collapsed" if tile.indicator_name == heading else "visible")
            words = [text for text in (tile.target_text, tile.status_text) if text]  # a target's status first
            if words:
                st.markdown("  \n".join(f"**{layout.escape_markdown(text)}**" for text in words))
            if tile.period != latest_period:
                st.markdown(f"Latest: {format_period(tile.period, short=True)}")


def _tile_columns(count: int) -> int:
    """At most four figures a row, rows as even as they can be: 5 -> 3 + 2, 7 -> 4 + 3."""
    return max(1, math.ceil(count / math.ceil(count / MAX_TILES_PER_ROW))) if count else 1


def _compute_tiles(definitions, slide: Slide, data: LoadedData, headings: list[str]):
    area_code, _ = _area(slide, data)
    levels = ("stp", "region") if slide.stp else ("region",)
    tiles = []
    for heading, definition in zip(headings, definitions):
        try:
            values = cached_data.get_indicator_values(definition.id, levels=levels, stp_code=slide.stp)
        except IndicatorUnavailable as reason:
            tiles.append((heading, None, str(reason)))
            continue
        tile = cached_data.get_computed(compute_slide_tile, values, definition, heading=heading,
                                        area_code=area_code, latest_period=_latest_period(data))
        tiles.append((heading, tile, NO_FIGURE.format(area=_area(slide, data)[1])))
    return tiles


def _render_domain_tiles(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """One figure per domain (its headline: config.yaml's, or the next that differs between areas), for the region
    or the slide's STP."""
    domains = [domain for domain in config.domains.values() if config.indicators_in(domain.id)]
    headlines = [cached_data.get_headline_choice(d.id, _latest_period(data)).definition for d in domains]
    tiles = _compute_tiles(headlines, slide, data, [d.name for d in domains])
    _render_tiles(tiles, columns=_tile_columns(len(tiles)), latest_period=_latest_period(data))
    _render_numbers(compute_tile_table([tile for _, tile, _ in tiles if tile]), slide=slide, name="headlines")


def render_region_headlines(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    _render_headline(slide, config, data, fallback=f"General practice at scale in {data.areas.region.name}")
    _render_domain_tiles(slide, config, data)


def render_stp_profile(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    _render_headline(slide, config, data, fallback=_area(slide, data)[1])
    _render_domain_tiles(slide, config, data)


def render_domain(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """Every indicator of one domain as big figures, for the region or the slide's STP."""
    domain = config.domains[slide.domain]
    _render_headline(slide, config, data, fallback=f"{domain.name}: {_area(slide, data)[1]}")
    definitions = config.indicators_in(domain.id)
    tiles = _compute_tiles(definitions, slide, data, [d.short_name or d.name for d in definitions])
    shown = [tile for tile in tiles if tile[1] is not None][:MAX_TILES]
    _render_tiles(shown, columns=_tile_columns(len(shown)), latest_period=_latest_period(data))
    left_out = [tile for tile in tiles if tile not in shown]
    if shown and left_out:  # when none has a figure, the headline has said why
        st.markdown(f"{format_count(len(left_out)).capitalize()} more {'is' if len(left_out) == 1 else 'are'} "
                    "listed under Numbers (above).")
    table = compute_tile_table([tile for _, tile, _ in tiles if tile])
    with _numbers_place():
        layout.render_table(table, key=f"presenter_{slide.number}",
                            file_name=f"atscale-slide-{slide.number}-{domain.id}.csv")
        for heading, tile, reason in left_out:
            if tile is None:
                st.markdown(f"**{layout.escape_markdown(heading)}**: no figure. {layout.escape_markdown(reason)}")


def _render_slide_chart(figure, alt: str, table: pd.DataFrame, *, slide: Slide, name: str) -> None:
    """The slide's one chart; what it shows in words, its numbers and its picture wait in the numbers pop-over (the
    chart's text alternative is also on the chart itself for screen readers)."""
    key = f"presenter_chart_{slide.number}"
    st.plotly_chart(figure, key=key, alt=alt, config={
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": f"atscale-{key}"}})
    with _numbers_place():
        st.markdown(f"*What this chart shows:* {layout.escape_markdown(alt)}")
        layout.render_table(table, key=f"presenter_{slide.number}",
                            file_name=f"atscale-slide-{slide.number}-{name}.csv")


def _render_unavailable(reason: str) -> None:
    st.info(f"No figure for this slide. {reason}", icon="ℹ️")


def render_stp_comparison(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """One indicator across the region's STPs against the region: one chart."""
    definition = config.indicator(slide.indicator)
    _render_headline(slide, config, data, fallback=f"{definition.name}: {data.areas.count_phrase('stp')}")
    try:
        stps = cached_data.get_view(presentation.build_slide_comparison_panel, definition.id,
                                    levels=("stp", "region"), areas=data.areas, period=_latest_period(data))
    except IndicatorUnavailable:
        return  # the headline has said why
    if stps is None:
        return
    _render_slide_chart(stps.figure, stps.alt, stps.table, slide=slide, name=definition.id)


def render_trend(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """One indicator over time for the region, or for the slide's STP and the region: one chart."""
    definition = config.indicator(slide.indicator)
    area_code, area_name = _area(slide, data)
    _render_headline(slide, config, data, fallback=f"{definition.name} over time: {area_name}")
    try:
        values = cached_data.get_indicator_values(definition.id, levels=("stp", "region"), stp_code=slide.stp)
    except IndicatorUnavailable:
        return
    region = data.areas.region.code
    areas = [area_code, region] if slide.stp else [region]
    values = values[values["area_code"].isin(areas)]
    figure = cached_data.get_figure(presentation.build_slide_figure, trend.build_trend_figure, values, definition,
                                    areas=areas)
    _render_slide_chart(figure, cached_data.get_computed(trend.describe_trend, values, definition, areas=areas),
                        cached_data.get_display_table(values.sort_values(["area_code", "period"]), definition),
                        slide=slide, name=definition.id)


def render_spc(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """One indicator over time as an SPC chart, for the region or the slide's STP (its subtitle gives the variation
    and assurance icons in symbols and words), with the plain sentence saying what it shows straight under it."""
    definition = config.indicator(slide.indicator)
    area_code, area_name = _area(slide, data)
    _render_headline(slide, config, data, fallback=f"{definition.name}: signal or noise? {area_name}")
    level = "stp" if slide.stp else "region"
    try:
        panel = cached_data.get_view(spc_chart.build_spc_panel, definition.id, levels=(level,), stp_code=slide.stp,
                                     area_code=area_code, area_name=area_name, level=level, presenter=True,
                                     plain_language=True, height=SPC_HEIGHT)
    except IndicatorUnavailable as reason:
        if not set(slide.fields) & set(INDICATOR_FIELDS):  # else the headline has said why
            _render_unavailable(str(reason))
        return
    if not panel.shown:
        _render_unavailable(panel.reason)
        if panel.points:
            _render_numbers(panel.table, slide=slide, name=f"{definition.id}-spc")
        return
    _render_slide_chart(panel.figure, panel.alt, panel.table, slide=slide, name=f"{definition.id}-spc")
    st.markdown(f"**{layout.escape_markdown(panel.sentence)}**")


def render_map(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """One indicator by place on a map of the region (no basemap needed), with its key and numbers."""
    definition = config.indicator(slide.indicator)
    _render_headline(slide, config, data, compare_level="borough",
                     fallback=f"{definition.name}: {data.areas.count_phrase('borough')}")
    try:
        values = cached_data.get_indicator_values(definition.id, levels=("borough",))
    except IndicatorUnavailable:
        return
    period = latest_period_with_values(values, _latest_period(data))
    boroughs = values[values["period"] == period]
    alt = cached_data.get_computed(maps.describe_borough_map, boroughs, definition, data.areas)
    st.pydeck_chart(cached_data.get_borough_map(boroughs, definition), height=MAP_HEIGHT,
                    key=f"presenter_map_{slide.number}", alt=alt)
    with _numbers_place():
        st.markdown(f"*What this map shows:* {layout.escape_markdown(alt)}")
        layout.render_map_key(cached_data.get_computed(maps.build_map_legend, boroughs, definition, data.areas),
                              key=f"presenter_legend_{slide.number}",
                              file_name=f"atscale-slide-{slide.number}-map-key.csv")
        layout.render_table(cached_data.get_map_area_table(boroughs, definition),
                            key=f"presenter_areas_{slide.number}",
                            file_name=f"atscale-slide-{slide.number}-map-areas.csv")
        layout.render_table(cached_data.get_display_table(boroughs, definition), key=f"presenter_{slide.number}",
                            file_name=f"atscale-slide-{slide.number}-{definition.id}.csv")


def render_forum_plenary(slide: Slide, config: AppConfig, data: LoadedData) -> None:
    """What the tables said: the forum's live answers for the event of the plenary link the presenter was opened
    with (?plenary=), or, in the facilitator's session, the slide's event (default: the most recent)."""
    st.title(compute_headline_text(slide.headline, {}))
    try:
        store = forum_views.get_forum_store()
        event, notice = forum_views.find_plenary_event(store, wanted_event_id=slide.event)
    except ForumError:
        event, notice = None, forum_views.NO_STORE
    if event is None:
        st.info(f"{notice} The forum's answers show on this slide when the presenter is opened from the facilitator "
                "page.", icon="ℹ️")
        return
    st.text(forum_views.format_event(event))  # typed by a facilitator: shown as plain text, never markdown
    forum_views.render_plenary_slide(event)
    with _numbers_place():
        forum_views.render_plenary(event)


VIEW_RENDERERS = {
    "region_headlines": render_region_headlines,
    "stp_comparison": render_stp_comparison,
    "stp_profile": render_stp_profile,
    "domain": render_domain,
    "trend": render_trend,
    "spc": render_spc,
    "map": render_map,
    "forum_plenary": render_forum_plenary,
}
