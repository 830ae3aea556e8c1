"""The facilitator's page: the passcode gate, events, every table's link with its QR code and printable cards,
the plenary link, exports and deleting. Every action goes through a store method that checks the passcode again."""
import datetime as dt
import os
from functools import partial

import pandas as pd
import streamlit as st

from components import cached_data, forum_views
from components.layout import escape_markdown
from forum.access import HOW_TO_SET_PASSCODE
from forum.aggregation import compute_vision_survey_rows
from forum.errors import ForumError, PasscodeError
from forum.export import VISION_SURVEY_FILE_NAME, write_vision_survey_csv
from forum.links import (
    PLENARY_PARAM,
    PUBLIC_URL_SETTING,
    SERVE_ON_NETWORK,
    PublicAddress,
    build_plenary_link,
    build_qr_png,
    build_table_link,
    compute_public_address,
    read_lan_address,
)
from forum.models import Event, FacilitatorCredentials, TableLink
from forum.store import ForumStore
from indicators.spreadsheet import write_spreadsheet_csv

EVENT_KEY = "forum_facilitator_event"
DONE_KEY = "forum_facilitator_done"  # what the last action did, said after the page is redrawn
QR_COLUMNS = 4


def render_passcode_gate(store: ForumStore, expected_passcode: str | None) -> FacilitatorCredentials:
    """The credentials of an unlocked session; otherwise the passcode form (or how to set one) and a stopped page.

    Wrong passcodes are counted in the database, per session and overall, with a growing wait (forum.models).
    """
    if not expected_passcode:
        st.warning(HOW_TO_SET_PASSCODE, icon="🔒")
        st.stop()
    if forum_views.is_facilitator(store):
        st.button("Lock the facilitator page", key="forum_lock", on_click=_lock, args=(store,),
                  help="Forget the passcode in this browser; it is needed again to change anything.")
        return forum_views.get_facilitator_credentials()
    with st.form("forum_passcode_form", clear_on_submit=True, enter_to_submit=True):
        given = st.text_input("Facilitator passcode", type="password", key="forum_passcode")
        unlock = st.form_submit_button("Unlock", key="forum_unlock")
    if not unlock:
        st.info("Type the facilitator passcode to create events, hand out the table links, export and delete.",
                icon="🔒")
        st.stop()
    try:
        store.unlock_facilitator(forum_views.get_facilitator_credentials(given or ""))
    except PasscodeError as error:
        st.error(escape_markdown(str(error)), icon="🚫")
        st.stop()
    except ForumError:
        st.error(forum_views.NO_STORE, icon="🚫")
        st.stop()
    st.session_state[forum_views.FACILITATOR_PASSCODE_KEY] = given
    st.rerun()


def _lock(store: ForumStore) -> None:
    st.session_state.pop(forum_views.FACILITATOR_PASSCODE_KEY, None)
    try:
        store.lock_facilitator(forum_views.get_session_id())
    except ForumError:
        pass  # the passcode is forgotten in this session either way


def _report(action: str, run) -> object | None:
    """Run a store action; a plain error (never a traceback or a database address) when it fails."""
    try:
        return run()
    except ForumError as error:
        st.error(f"{action}: {escape_markdown(str(error))}", icon="🚫")
        return None


def render_create_event_form(store: ForumStore, credentials: FacilitatorCredentials) -> None:
    with st.form("forum_create_event", clear_on_submit=True):
        st.header("Create a forum event")
        name = st.text_input("Event name", key="forum_event_name", placeholder="Clinical Senate forum, March 2019")
        date = st.date_input("Event date", value=dt.date.today(), key="forum_event_date", format="DD/MM/YYYY")
        if st.form_submit_button("Create event", key="forum_create_event_submit"):
            event = _report("Not created", lambda: store.create_event(name, date, credentials=credentials))
            if event:
                st.session_state[EVENT_KEY] = event.id
                stps = forum_views.get_stp_names()
                issued = _report("Links not issued", lambda: store.issue_missing_table_links(
                    event.id, stp_choices=stps, credentials=credentials)) or ()
                st.success(f"Event created, with a link for each of the {len(issued)} STPs' tables.", icon="✅")
                st.text(forum_views.format_event(event))


def render_event_picker(store: ForumStore, credentials: FacilitatorCredentials) -> Event | None:
    """The facilitator's choice of event (participants never see this list)."""
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY), icon="✅")
    events = _report("Events cannot be listed", lambda: store.list_events(credentials=credentials))
    if not events:
        st.info("No forum event yet: create one above.", icon="ℹ️")
        return None
    by_id = {event.id: event for event in events}
    if st.session_state.get(EVENT_KEY) not in by_id:
        st.session_state[EVENT_KEY] = events[0].id
    chosen = st.selectbox("Forum event", list(by_id), key=EVENT_KEY, format_func=lambda i: forum_views.format_event(by_id[i]))
    return by_id[chosen]


def get_public_address() -> PublicAddress:
    return compute_public_address(override=os.environ.get(PUBLIC_URL_SETTING), page_url=st.context.url,
                                  server_address=st.get_option("server.address"),
                                  server_port=int(st.get_option("server.port")), lan_address=read_lan_address())


def render_public_address(address: PublicAddress) -> None:
    st.header("Where tables open their links")
    st.text(f"{address.base_url}  ({address.how})")
    if not address.reachable:
        st.warning("Phones and laptops at the tables cannot open these links yet: the dashboard only listens on this "
                   f"computer. Stop it and start it again with `{SERVE_ON_NETWORK}` (see the README), or set "
                   f"{PUBLIC_URL_SETTING} to the address of the server the tables use.", icon="📶")


def render_plenary_link(store: ForumStore, event: Event, address: PublicAddress,
                        credentials: FacilitatorCredentials) -> Event:
    """The event's plenary link (for the projector or a second screen), and re-issuing it."""
    st.header("The plenary")
    st.write("The plenary shows this event's answers, summed, and refreshes itself. Anyone with its link can see "
             "them, so give it only to who should.")
    shown = st.container()
    if st.button("Give the plenary a new link", key="forum_reissue_plenary",
                 help="The old plenary link stops working at once."):
        reissued = _report("Not changed", lambda: store.reissue_plenary_link(event.id, credentials=credentials))
        if reissued:
            event = reissued
            st.success("The plenary has a new link; the old one no longer opens anything.", icon="✅")
    with shown:
        st.text(build_plenary_link(address.base_url, event.plenary_token) if event.plenary_token else
                "No plenary link yet: press 'Give the plenary a new link'.")
        if event.plenary_token:
            left, right = st.columns(2)
            left.page_link("app_pages/forum_plenary.py", label="Open the plenary", icon="📊",
                           query_params={PLENARY_PARAM: event.plenary_token})
            right.page_link("app_pages/presenter.py", label="Present the slides, with this event's answers",
                            icon="📽️", query_params={PLENARY_PARAM: event.plenary_token})
    return event


def compute_link_table(links: tuple[TableLink, ...], counts: dict[int, int], base_url: str) -> pd.DataFrame:
    """One row per link, working ones first: the table, its link, answers sent, and whether it still works."""
    rows = [{"Table": link.table_name, "Link": build_table_link(base_url, link.token),
             "Answers": counts.get(link.id, 0),
             "Status": f"withdrawn {link.revoked_at:%d %b %H:%M} UTC" if link.is_revoked else "working"}
            for link in sorted(links, key=lambda link: link.is_revoked)]
    return pd.DataFrame(rows, columns=["Table", "Link", "Answers", "Status"])


def build_cards_pdf(links: list[TableLink], base_url: str, event: Event) -> bytes:
    from reports.table_cards import TableCard, build_table_cards_pdf  # the PDF library: loaded when first used

    cards = [TableCard(link.stp_name, link.label, build_table_link(base_url, link.token)) for link in links]
    return build_table_cards_pdf(cards, event_name=event.name, event_date=event.date)


def render_table_links(store: ForumStore, event: Event, address: PublicAddress,
                       credentials: FacilitatorCredentials) -> None:
    """Every table's link with its QR code, printable cards, adding a table, and withdrawing or re-issuing a link."""
    st.header("Links for the tables")
    st.write("Each table answers through its own link: it opens this event's form for that table only. The links "
             "cannot be guessed; withdraw one (and give the table a new one) if it is passed around.")
    stps = forum_views.get_stp_names()
    if st.button("Issue a link for every STP that has none", key="forum_issue_links"):
        issued = _report("Links not issued", lambda: store.issue_missing_table_links(
            event.id, stp_choices=stps, credentials=credentials))
        if issued is not None:
            st.success(f"{len(issued)} new link{'' if len(issued) == 1 else 's'}.", icon="✅")
    with st.form("forum_add_table", clear_on_submit=True):
        st.subheader("Add a table")
        left, right = st.columns(2)
        stp_code = left.selectbox("STP", list(stps), format_func=stps.get, key="forum_add_table_stp")
        label = right.text_input("Table name (optional)", key="forum_add_table_label", placeholder="Table 3",
                                 help="Shown on the table's card and with its answers, e.g. 'Table 3'.")
        added = st.form_submit_button("Add this table's link", key="forum_add_table_submit") and stp_code
        if added and _report("Not added", lambda: store.issue_table_link(
                event.id, stp_code, stp_choices=stps, label=label or "", credentials=credentials)):
            st.success("Link added.", icon="✅")
    listing, changes = st.container(), st.container()
    links = _report("Links cannot be listed", lambda: store.list_table_links(event.id, credentials=credentials)) or ()
    with changes:
        if _render_link_changes(store, [link for link in links if not link.is_revoked], credentials):
            links = _report("Links cannot be listed",
                            lambda: store.list_table_links(event.id, credentials=credentials)) or ()
    with listing:
        _render_link_list(store, event, links, address)


def _render_link_list(store: ForumStore, event: Event, links: tuple[TableLink, ...], address: PublicAddress) -> None:
    if not links:
        st.info("No table links yet.", icon="ℹ️")
        return
    working = [link for link in links if not link.is_revoked]
    st.dataframe(compute_link_table(links, store.count_submissions_by_link(event.id), address.base_url),
                 hide_index=True, key="forum_table_links", column_config={"Link": st.column_config.LinkColumn()})
    st.download_button("Download table cards to print (PDF, A4)",
                       partial(build_cards_pdf, working, address.base_url, event),
                       file_name=f"forum-table-cards-{event.date.isoformat()}.pdf", mime="application/pdf",
                       key="forum_table_cards", on_click="ignore", disabled=not working,
                       help="Four cards to a page: the STP, the table, the QR code and the link.")
    st.subheader("QR codes")
    for start in range(0, len(working), QR_COLUMNS):
        for column, link in zip(st.columns(QR_COLUMNS), working[start:start + QR_COLUMNS]):
            with column:
                st.text(link.table_name)
                st.image(cached_data.get_computed(build_qr_png, build_table_link(address.base_url, link.token)),
                         width=180, alt=f"QR code of the link for {link.table_name}")


def _render_link_changes(store: ForumStore, working: list[TableLink], credentials: FacilitatorCredentials) -> bool:
    """Withdraw a link, or replace it with a new one; True when a link changed."""
    if not working:
        return False
    st.subheader("Withdraw or replace a link")
    by_id = {link.id: link for link in working}
    chosen = st.selectbox("Table", list(by_id), format_func=lambda i: by_id[i].table_name, key="forum_link_to_change")
    left, right = st.columns(2)
    reissue = left.button("Give this table a new link", key="forum_reissue_link",
                          help="The old link stops working at once; answers already sent stay.")
    revoke = right.button("Withdraw this link", key="forum_revoke_link",
                          help="The link stops working at once; answers already sent stay.")
    if reissue and _report("Not changed", lambda: store.reissue_table_link(chosen, credentials=credentials)):
        st.success("New link issued; the old one no longer works. Give the table its new card.", icon="✅")
        return True
    if revoke and _report("Not withdrawn", lambda: store.revoke_table_link(chosen, credentials=credentials)):
        st.success("Link withdrawn: it no longer opens the form or saves answers.", icon="✅")
        return True
    return False


def render_exports(store: ForumStore, event: Event, credentials: FacilitatorCredentials) -> None:
    """The event's answers as CSV, its vision counts shaped like vision_survey.csv, and saving those for the
    dashboard's vision indicators."""
    st.header("Export")
    st.metric("Answers received", store.count_submissions(event.id))
    st.download_button("Download every answer (CSV)", partial(forum_views.build_full_answers_csv, store, event),
                       file_name=f"forum-event-{event.date.isoformat()}.csv", mime="text/csv", key="forum_export_csv",
                       on_click="ignore")
    stps = forum_views.get_stp_names()
    survey = compute_vision_survey_rows(store.read_plenary_summary(event.id), event, stps)
    st.download_button(f"Download vision answers as {VISION_SURVEY_FILE_NAME}", write_spreadsheet_csv(survey).encode(),
                       file_name=VISION_SURVEY_FILE_NAME, mime="text/csv", key="forum_export_vision",
                       help="Counts by STP and role, shaped like vision_survey.csv, for the vision indicators.")
    quarter_start = event.date.replace(month=(event.date.month - 1) // 3 * 3 + 1, day=1)
    if st.button("Use these vision answers in the dashboard", key="forum_use_in_dashboard",
                 help="Saves them as forum_vision_survey.csv in the data folder (kept out of git); the vision "
                      "indicators built on it then show the forum's own answers, dated the quarter of the event."):
        if not _report("Not saved", lambda: store.authorise(credentials) or True):
            return
        rows = compute_vision_survey_rows(store.read_plenary_summary(event.id), event, stps,
                                          period=quarter_start.isoformat())
        try:
            write_vision_survey_csv(rows, cached_data.data_dir() / VISION_SURVEY_FILE_NAME)
        except OSError:
            st.error(f"Could not save {VISION_SURVEY_FILE_NAME} into the data folder: the app cannot write there.",
                     icon="🚫")
        else:
            st.success(f"Saved {len(rows)} rows as {VISION_SURVEY_FILE_NAME} in the data folder. The Vision awareness "
                       "indicators now include the forum's answers.", icon="✅")


def render_delete_event(store: ForumStore, event: Event, credentials: FacilitatorCredentials) -> None:
    st.header("Delete this event")
    confirmed = st.checkbox("I understand this deletes the event, its links and all its answers for good.",
                            key="forum_delete_confirm")
    if st.button("Delete this event", disabled=not confirmed, key="forum_delete_event"):
        removed = _report("Not deleted", lambda: store.delete_event(event.id, credentials=credentials))
        if removed is not None:
            st.session_state.pop("forum_delete_confirm", None)
            st.session_state[DONE_KEY] = (f"Deleted the event, its links and its {removed} "
                                          f"answer{'' if removed == 1 else 's'}.")
            st.rerun()  # redraw the page without the deleted event
