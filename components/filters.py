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


def render_shared_filters(config: AppConfig, periods: tuple[str, ...], areas: AreaModel) -> None:
    """Sidebar widgets whose values pages read from st.session_state by key; the areas and their names come from
    the data (areas)."""
    stps, boroughs = areas.names("stp"), areas.names("borough")
    system, place, region = areas.system, areas.place, areas.region.name
    indicators = {d.id: d for d in config.indicators}
    domains = config.domains
    notices: list[tuple[str, str]] = []
    for key, value in st.session_state.pop(MOVE_KEY, {}).items():  # asked for by a page (move_areas)
        st.session_state[key] = value
        st.query_params[key] = value
    with st.sidebar:
        st.header("Choose what to show")
        stp = render_url_selectbox(
            system.label, list(stps), key="stp", format_func=stps.get, notices=notices,
            help=f"{system.title}: one of {areas.count_phrase('stp')} in {region}, each a {system.plain_name}. "
                 f"Each covers several {place.plural}.")
        first_borough = next(iter(areas.names("borough", system_code=stp)), None) if stp else None
        render_url_selectbox(place.label, list(boroughs), key="borough", format_func=boroughs.get,
                             default=first_borough, notices=notices,
                             help=f"{place.title}: one of {areas.count_phrase('borough')} in {region}.")
        render_url_selectbox("Indicator", list(indicators), key="indicator", notices=notices,
                             default=cached_data.get_first_practice_indicator(),
                             format_func=lambda i: f"{domains[indicators[i].domain].name}: {indicators[i].name}")
        render_url_selectbox("Period", list(periods), key="period", default=periods[-1] if periods else None,
                             format_func=format_period, help="The quarter the figures describe.", notices=notices)
    for notice in notices:  # on the page itself: a phone shows the sidebar folded away
        url_params.render_fallback_notice(*notice)


MOVE_KEY = "filters_move_to"


def move_areas(**codes: str) -> None:
    """Move the sidebar's selections (e.g. stp=, borough=) and rerun: a page cannot change a sidebar widget drawn
    earlier in the same run, so the new values wait in the session and are set before the sidebar is drawn."""
    st.session_state[MOVE_KEY] = codes
    st.rerun()


def selected(key: str) -> str | None:
    """A shared selection set by the sidebar in app.py (None when there was nothing to choose)."""
    return st.session_state.get(key)
