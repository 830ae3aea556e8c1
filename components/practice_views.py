"""Pieces of the Practice view: the practice search and the practice's facts in plain words."""
import pandas as pd
import streamlit as st

from components import cached_data, filters, layout
from indicators import peers
from indicators.areas import AreaModel
from indicators.formatting import format_period

SEARCH_HELP = ("Type part of the practice's name, its ODS code or its postcode. The ODS code is the code the NHS "
               "Organisation Data Service gives every practice (for example G85029). For a postcode, type the "
               "first half: SE1 finds practices in SE1 only, not SE15; SE finds every SE district.")


def compute_intro(areas: AreaModel) -> str:
    """The page's first sentence, naming the data's own levels and region."""
    system, region = areas.system, areas.region.name
    which = f"one of {areas.count_phrase('stp')} in {region}"
    system_words = f"{system.name} ({system.full_name}: {which})" if system.full_name else f"{system.name} ({which})"
    return (f"Find a practice and see it beside its Primary Care Network (PCN: practices that work together), its "
            f"{areas.place.name}, its {system_words} and {region}, then beside practices like it. Practices are "
            "compared to help them improve: each figure shows its uncertainty, and figures from small numbers are "
            "not shown or compared.")


def compute_spine_note(areas: AreaModel) -> str:
    """What the spine chart shows, relative to the data's region."""
    region = areas.region.name
    return (f"Each row is one indicator, drawn relative to {region} ({region} = 1). The filled marker is this "
            "practice, its line the 95% confidence interval: the range the true figure is likely to be in. "
            f"“Better”, “similar” or “worse” than {region} allows for that uncertainty and for which way is better; "
            f"for staff numbers, which have no sampling error, “similar” means within a set margin of {region} "
            f"(usually 10%). The open markers are its PCN, {areas.place.name} and {areas.system.name}.")


RANK_NOTE = (f"The rank counts only practices with a figure; figures from small numbers are left out, and with "
             f"fewer than {peers.MIN_RANKED} figures there is no rank. Other practices are not named: the table "
             "gives the spread of the group (lowest, middle and highest) so you can see where you stand without a "
             "league table. A rank does not allow for chance: check the confidence interval above before reading "
             "much into a small difference.")
PEER_HELP = ("The practices this practice is ranked among. Similar size: a registered list within 25% of this "
             "practice's. Similar deprivation: the same deprivation decile or the next one either side.")


def render_practice_picker(*, default_code: str | None) -> str | None:
    """A search box and a selectbox of the matching practices; the chosen code is kept in the URL as `practice`."""
    query = st.text_input("Find a practice by name, ODS code or postcode", key="practice_search", help=SEARCH_HELP)
    labels = cached_data.get_practice_choices(query)
    if not labels:
        st.warning(f"No practice matches “{layout.escape_markdown(query.strip())}”. Check the spelling, or try part "
                   "of the name, the ODS code or the first half of the postcode. Every practice is listed below.",
                   icon="🔎")
        labels = cached_data.get_practice_choices("")
    elif query.strip():
        st.markdown(f"{len(labels):,} {'practice matches' if len(labels) == 1 else 'practices match'}.")
    return filters.render_url_selectbox("Practice", list(labels), key="practice", format_func=labels.get,
                                        default=default_code, help="The practice shown on this page.")


SHOWN_KEY = "practice_shown_in"  # (practice, borough, STP) at the end of the last run of the page


def _first_practice(geography: pd.DataFrame, column: str, code: str | None) -> str | None:
    rows = geography[geography[column] == code].sort_values(["borough_name", "practice_name"])
    return str(rows["practice_code"].iloc[0]) if len(rows) else None


def render_practice_in_its_areas(geography: pd.DataFrame, *, offered: pd.DataFrame | None = None) -> pd.Series | None:
    """The practice picker, kept in step with the sidebar: choosing a practice moves the sidebar's STP and borough
    to the practice's own (and the URL with them); choosing another borough or STP in the sidebar shows its
    first practice (of `offered`, e.g. the practices open in the period; default every practice). Returns the
    practice's row (None when there are no practices)."""
    offered = geography if offered is None else offered
    borough_code, stp_code = filters.selected("borough"), filters.selected("stp")
    last = st.session_state.get(SHOWN_KEY)
    if last and st.session_state.get("practice") == last[0]:
        if borough_code != last[1]:
            moved_to = _first_practice(offered, "borough_code", borough_code)
        elif stp_code != last[2]:
            moved_to = _first_practice(offered, "stp_code", stp_code)
        else:
            moved_to = None
        if moved_to:
            st.session_state["practice"] = moved_to
            st.query_params["practice"] = moved_to
    code = render_practice_picker(default_code=_first_practice(offered, "borough_code", borough_code))
    chosen = geography[geography["practice_code"] == code]
    if chosen.empty:
        return None
    practice = chosen.iloc[0]
    own = {"stp": str(practice["stp_code"]), "borough": str(practice["borough_code"])}
    st.session_state[SHOWN_KEY] = (code, own["borough"], own["stp"])
    if (own["stp"], own["borough"]) != (stp_code, borough_code):
        filters.move_areas(**own)
    return practice


def render_practice_facts(practice: pd.Series, list_size: float | None, list_period: str | None,
                          areas: AreaModel) -> None:
    """Where the practice sits (PCN, place, system) and its size and deprivation, in plain words."""
    text = layout.escape_markdown
    pcn = (f"{text(practice['pcn_name'])} (PCN: the Primary Care Network of practices it works with)"
           if practice["pcn_code"] else "not in a Primary Care Network (PCN)")
    size = (f"{list_size:,.0f} registered patients in {format_period(list_period)}"
            if list_size is not None and pd.notna(list_size) and list_period else "no count of registered patients")
    decile = pd.to_numeric(pd.Series([practice["deprivation_decile"]]), errors="coerce").iloc[0]
    deprivation = (f"deprivation decile {int(decile)} (1 = most deprived tenth of areas, 10 = least)"
                   if pd.notna(decile) else "no deprivation decile in the data")
    st.markdown("\n".join([
        f"- **ODS code** {text(practice['practice_code'])}; "
        + f"postcode district {text(practice['postcode_district']) or 'not given'}",
        f"- **Network:** {pcn}",
        f"- **{areas.place.title}:** {text(practice['borough_name'])}; "
        + f"**{areas.system.title}:** {text(practice['stp_name'])}",
        f"- **Size and area:** {size}; {deprivation}",
    ]))

