"""The shared selections (STP, borough, indicator, period), kept in the URL so a copied link reopens the view."""
import streamlit as st

from components import cached_data, url_params
from indicators.areas import AreaModel
from indicators.definitions import AppConfig
from indicators.formatting import format_period


def render_url_selectbox(label: str, options: list[str], *, key: str, format_func=str, default: str | None = None,
                         help: str | None = None, notices: list[tuple[str, str]] | None = None) -> str | None:
    """A selectbox whose value (a stable code, not its label) is kept in the URL under `key`.

    bind="query-params" would put the formatted label in the URL; codes keep shared links stable. A value in the
    URL that is not an option falls back to the default with a notice (added to `notices` as (what, shown) when
    given, for the caller to show elsewhere; else shown here).
    """
    if not options:
        st.selectbox(label, ["Nothing to choose"], key=key, disabled=True, help=help)
        return None
    fallback = default if default in options else options[0]
    if st.session_state.get(key) not in options:  # first run, or the options changed: a shared link decides
        chosen, refused = url_params.choose_from_url(key, options, fallback)
        st.session_state[key] = chosen
        if refused:
            what = label.split(" (")[0]
            notice = (what if what.isupper() else what.lower(), str(format_func(chosen)))
            if notices is None:
                url_params.render_fallback_notice(*notice)
            else:
                notices.append(notice)
    value = st.selectbox(label, options, key=key, format_func=format_func, help=help)
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


AREA_KEYS = ("stp", "borough", "period", "practice", "summary_area")  # options that differ between data folders


def _forget_area_choices() -> None:
    """Another data folder has other areas and periods: its defaults apply, not the old folder's choices."""
    for key in AREA_KEYS:
        st.session_state.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]


def render_data_choice() -> None:
    """The sidebar's choice between the real and the illustrative data, kept in the URL (?data=illustrative).

    Drawn first, before any data are read: cached_data.data_dir() follows it. Nothing is drawn when
    ATSCALE_DATA_DIR pins the folder, or when only one folder exists. A link naming no known folder opens the
    default with a notice."""
    if cached_data.pinned_data_dir() is not None:
        return
    choices = cached_data.get_data_choices()
    key = cached_data.DATA_CHOICE_KEY
    if len(choices) < 2:
        st.session_state[key] = next(iter(choices), None)
        return
    options = list(choices)
    if st.session_state.get(key) not in options:
        chosen, refused = url_params.choose_from_url(key, options, options[0])
        st.session_state[key] = chosen
        if refused:
            url_params.render_fallback_notice("data choice", choices[chosen].label)
    with st.sidebar:
        value = st.radio("Data shown", options, key=key, format_func=lambda c: choices[c].label,
                         on_change=_forget_area_choices,
                         help="Real figures come from public NHS Digital and OHID files. The illustrative data are "
                              "made up; they also cover what no public file does (vision, maturity).")
    if st.query_params.get(key) != value:
        st.query_params[key] = value


def _keep_period_near(choices: list[str], periods: tuple[str, ...]) -> None:
    """A period chosen before (or in the link) that the chosen indicator has no figures for becomes its latest
    period up to then (its first when it has none earlier), with no notice: the choice was valid for the data."""
    current = st.session_state.get("period") or url_params.read_url_text("period")
    if choices and current not in choices and current in periods:
        earlier = [p for p in choices if p <= current]
        st.session_state["period"] = earlier[-1] if earlier else choices[0]


def render_shared_filters(config: AppConfig, periods: tuple[str, ...], areas: AreaModel, *,
                          plain: bool = False) -> None:
    """Sidebar widgets whose values pages read from st.session_state by key; the areas and their names come from
    the data (areas). plain=True (public pages: the plain English summary, the glossary) labels them with the
    plain names only (the level's plain_name, each indicator's plain_name): no STP, PCN, FTE or CCG."""
    stps, boroughs = areas.names("stp"), areas.names("borough")
    system, place, region = areas.system, areas.place, areas.region.name
    indicators = {d.id: d for d in config.indicators}
    domains = config.domains
    notices: list[tuple[str, str]] = []
    if plain:
        system_label, place_label = _capitalised(system.plain_name), _capitalised(place.plain_name)
        system_help = (f"One of the {len(stps)} {system.plain_plural} in {region}. In each, health services and "
                       f"councils plan care together.")
        place_help = f"One of the {len(boroughs)} {place.plain_plural} in {region}."
        indicator_label, period_help = "Topic", "The month the figures describe."

        def indicator_words(i: str) -> str:
            return f"{domains[indicators[i].domain].plain_name}: {indicators[i].plain_name}"
    else:
        system_label, place_label = system.label, place.label
        system_help = (f"{system.title}: one of {areas.count_phrase('stp')} in {region}, each a {system.plain_name}. "
                       f"Each covers several {place.plural}.")
        place_help = f"{place.title}: one of {areas.count_phrase('borough')} in {region}."
        indicator_label, period_help = "Indicator", "The month the figures describe."

        def indicator_words(i: str) -> str:
            return f"{domains[indicators[i].domain].name}: {indicators[i].name}"
    for key, value in st.session_state.pop(MOVE_KEY, {}).items():  # asked for by a page (move_areas)
        st.session_state[key] = value
        st.query_params[key] = value
    with st.sidebar:
        st.header("Choose what to show")
        stp = render_url_selectbox(system_label, list(stps), key="stp", format_func=stps.get, notices=notices,
                                   help=system_help)
        first_borough = next(iter(areas.names("borough", system_code=stp)), None) if stp else None
        render_url_selectbox(place_label, list(boroughs), key="borough", format_func=boroughs.get,
                             default=first_borough, notices=notices, help=place_help)
        indicator = render_url_selectbox(indicator_label, list(indicators), key="indicator", notices=notices,
                                         default=cached_data.get_first_practice_indicator(),
                                         format_func=indicator_words)
        # The chosen indicator's own periods (monthly, quarterly or yearly), so no choice shows an empty view;
        # every period of the data when it has no figures at all.
        choices = list((cached_data.get_indicator_periods(indicator) if indicator else ()) or periods)
        _keep_period_near(choices, periods)
        render_url_selectbox("Period", choices, key="period", default=choices[-1] if choices else None,
                             format_func=format_period, notices=notices,
                             help=f"{period_help} The list has the months with figures for the chosen "
                                  f"{indicator_label.lower()}; other figures on a page are their latest up to it.")
    for notice in notices:  # on the page itself: a phone shows the sidebar folded away
        url_params.render_fallback_notice(*notice)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


MOVE_KEY = "filters_move_to"


def move_areas(**codes: str) -> None:
    """Move the sidebar's selections (e.g. stp=, borough=) and rerun: a page cannot change a sidebar widget drawn
    earlier in the same run, so the new values wait in the session and are set before the sidebar is drawn."""
    st.session_state[MOVE_KEY] = codes
    st.rerun()


def selected(key: str) -> str | None:
    """A shared selection set by the sidebar in app.py (None when there was nothing to choose)."""
    return st.session_state.get(key)
