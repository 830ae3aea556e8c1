"""The shared selections (STP, borough, indicator, period), kept in the URL so a copied link reopens the view."""
import streamlit as st

from indicators.areas import AreaModel
from indicators.definitions import AppConfig
from indicators.formatting import format_period


def render_url_selectbox(label: str, options: list[str], *, key: str, format_func=str, default: str | None = None,
                         help: str | None = None) -> str | None:
    """A selectbox whose value (a stable code, not its label) is kept in the URL under `key`.

    bind="query-params" would put the formatted label in the URL; codes keep shared links stable.
    """
    if not options:
        st.selectbox(label, ["Nothing to choose"], key=key, disabled=True, help=help)
        return None
    fallback = default if default in options else options[0]
    if st.session_state.get(key) not in options:  # first run, or the options changed: a shared link decides
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else fallback
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
    with st.sidebar:
        st.header("Choose what to show")
        stp = render_url_selectbox(
            system.label, list(stps), key="stp", format_func=stps.get,
            help=f"{system.title}: one of {areas.count_phrase('stp')} in {region}, each a {system.plain_name}. "
                 f"Each covers several {place.plural}.")
        first_borough = next(iter(areas.names("borough", system_code=stp)), None) if stp else None
        render_url_selectbox(place.label, list(boroughs), key="borough", format_func=boroughs.get,
                             default=first_borough,
                             help=f"{place.title}: one of {areas.count_phrase('borough')} in {region}.")
        render_url_selectbox("Indicator", list(indicators), key="indicator",
                             format_func=lambda i: f"{domains[indicators[i].domain].name}: {indicators[i].name}")
        render_url_selectbox("Period", list(periods), key="period", default=periods[-1] if periods else None,
                             format_func=format_period, help="The quarter the figures describe.")


def selected(key: str) -> str | None:
    """A shared selection set by the sidebar in app.py (None when there was nothing to choose)."""
    return st.session_state.get(key)
