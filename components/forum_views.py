"""Forum pieces for the three forum pages and presenter mode: pickers, the table form, the gate and the plenary.

Free text typed at the tables is only ever shown with st.text or st.dataframe, never as markdown or HTML.
"""
import datetime as dt
import os
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached_data
from components.layout import escape_markdown, render_chart, render_table
from figures import palette
from figures.chart_style import CHART_TEMPLATE
from forum.access import HOW_TO_SET_PASSCODE, check_passcode, read_facilitator_passcode
from forum.aggregation import (
    compute_barrier_counts,
    compute_barrier_notes,
    compute_next_steps,
    compute_scores_by_stp,
    compute_vision_by_role,
    compute_vision_survey_rows,
)
from forum.errors import ForumError
from forum.export import VISION_SURVEY_FILE_NAME, write_vision_survey_csv
from forum.models import (
    BARRIER_LABELS,
    COUNT_MEASURES,
    MATURITY_DOMAINS,
    MAX_FREE_TEXT_CHARS,
    MAX_PEOPLE_PER_ROLE,
    MAX_TABLE_LABEL_CHARS,
    ROLES,
    SCORE_LABELS,
    STP_NAMES,
    Event,
    RoleCount,
    TableAnswer,
)
from forum.store import ForumStore, new_submission_token

TABLE_PAGE_PATH = "forum_table"  # the participant page's URL path under st.navigation
EVENT_PARAM = "event"
# Not "stp": the shared sidebar filter always puts an STP there (the first one by default), so a table could not
# tell its link's STP from that default. A table's STP comes from its own link or its own choice, never a default.
STP_PARAM = "stp_code"
PLENARY_REFRESH_SECONDS = 5
TABLE_KEY_PREFIX = "forum_table_"
TABLE_EVENT_KEY = "forum_table_event"
TABLE_STP_KEY = "forum_table_stp"
TOKEN_KEY = "forum_table_token"
SAVED_KEY = "forum_table_saved"
COUNT_MEASURE_LABELS = {"present": "At the table", "know": "Know the vision", "own": "Own the vision"}


def get_forum_store() -> ForumStore:
    """The forum store named by ATSCALE_DATABASE_URL / ATSCALE_FORUM_DIR, opened once per server."""
    return cached_data.get_forum_store()


def get_forum_store_or_stop() -> ForumStore:
    """The store, or a plain error and a stopped page when the database cannot be opened."""
    try:
        return get_forum_store()
    except ForumError as error:
        st.error(f"The forum answers cannot be reached: {escape_markdown(str(error))}", icon="🚫")
        st.stop()


def read_configured_passcode() -> str | None:
    """ATSCALE_FACILITATOR_PASSCODE from the environment, else from .streamlit/secrets.toml when that exists."""
    # load_if_toml_exists never raises: a missing or unreadable secrets.toml just means "no secrets".
    secrets = {key: st.secrets[key] for key in st.secrets} if st.secrets.load_if_toml_exists() else {}
    return read_facilitator_passcode(os.environ, secrets)


def format_event(event: Event) -> str:
    return f"{event.name} ({event.date:%d %B %Y})"


def render_event_picker(events: tuple[Event, ...], *, key: str, on_change=None) -> Event | None:
    """Choose a forum event; `?event=<id>` in the link preselects it, else the most recent one."""
    if not events:
        st.info("No forum event has been created yet. The facilitator creates one on the Forum: facilitator page.",
                icon="ℹ️")
        return None
    by_id = {event.id: event for event in events}
    wanted = str(st.query_params.get(EVENT_PARAM, ""))
    preselect = wanted.isdigit() and int(wanted) in by_id and key not in st.session_state
    event_id = st.selectbox("Forum event", list(by_id), index=list(by_id).index(int(wanted)) if preselect else 0,
                            key=key, format_func=lambda chosen: format_event(by_id[chosen]), on_change=on_change)
    st.query_params[EVENT_PARAM] = str(event_id)
    return by_id[event_id]


def render_stp_picker(*, key: str = TABLE_STP_KEY) -> str | None:
    """Choose the table's STP; `?stp_code=QKK` in the link preselects it. Nothing is chosen by default."""
    wanted = str(st.query_params.get(STP_PARAM, "")).upper()
    codes = list(STP_NAMES)
    stp_code = st.selectbox(
        "Your table's STP", codes, index=codes.index(wanted) if wanted in STP_NAMES else None, key=key,
        format_func=lambda code: f"{STP_NAMES[code]} ({code})", placeholder="Choose your STP",
        help="STP: Sustainability and Transformation Partnership, one of London's five health and care areas.",
        on_change=start_new_answer,
    )
    if stp_code:
        st.query_params[STP_PARAM] = stp_code
    return stp_code


def start_new_answer() -> None:
    """Forget the saved answer and its token, and reset the form's fields: the next submit is a new answer."""
    for key in [key for key in st.session_state if str(key).startswith(TABLE_KEY_PREFIX)]:
        if key not in (TABLE_EVENT_KEY, TABLE_STP_KEY):
            del st.session_state[key]


def _render_score_inputs() -> dict[str, int | None]:
    st.header("1. How far along the journey are you?")
    st.write("Score each area of the Primary Care Network maturity matrix from 1 (not started) to 5 (fully embedded).")
    return {
        domain.code: st.radio(domain.label, list(SCORE_LABELS), index=None, horizontal=True,
                              key=f"{TABLE_KEY_PREFIX}score_{domain.code}",
                              format_func=lambda score: f"{score} {SCORE_LABELS[score]}")
        for domain in MATURITY_DOMAINS
    }


def _render_vision_inputs() -> dict[str, RoleCount]:
    st.header("2. Is there a clear vision, and who knows it?")
    st.write("For each role, how many people at your table there are, how many know the STP's vision for "
             "general practice at scale, and how many own it (understand and support it).")
    vision = {}
    for role in ROLES:
        columns = st.columns(len(COUNT_MEASURES))
        counts = [
            column.number_input(f"{role.label}: {COUNT_MEASURE_LABELS[measure].lower()}", min_value=0,
                                max_value=MAX_PEOPLE_PER_ROLE, value=0, step=1,
                                key=f"{TABLE_KEY_PREFIX}{role.code}_{measure}")
            for column, measure in zip(columns, COUNT_MEASURES)
        ]
        vision[role.code] = RoleCount(*(int(count) for count in counts))
    return vision


def render_table_form(store: ForumStore, event: Event, stp_code: str) -> None:
    """The participant form; a submit is stored once per token, and the result is said in plain words."""
    token = st.session_state.setdefault(TOKEN_KEY, new_submission_token())
    with st.form("forum_table_form", enter_to_submit=False):
        # No max_chars on these boxes: Streamlit would cut longer text off without a word (the browser on paste,
        # the server on receipt). The store refuses over-long text with a message and the text stays in the box.
        table_label = st.text_input(f"Table name or number (optional, up to {MAX_TABLE_LABEL_CHARS} characters)",
                                    key=f"{TABLE_KEY_PREFIX}label")
        scores = _render_score_inputs()
        vision = _render_vision_inputs()
        st.header("3. What are the main barriers?")
        barriers = st.multiselect("Barriers your table named", list(BARRIER_LABELS), format_func=BARRIER_LABELS.get,
                                  key=f"{TABLE_KEY_PREFIX}barriers", placeholder="Choose any that apply")
        barrier_text = st.text_area(f"Other barriers, in your own words (up to {MAX_FREE_TEXT_CHARS:,} characters)",
                                    key=f"{TABLE_KEY_PREFIX}barrier_text")
        st.header("4. What are the next steps?")
        next_steps = st.text_area(f"Next steps (up to {MAX_FREE_TEXT_CHARS:,} characters)",
                                  key=f"{TABLE_KEY_PREFIX}next_steps")
        submitted = st.form_submit_button("Send our answers", type="primary", key=f"{TABLE_KEY_PREFIX}submit")
    if submitted:
        answer = TableAnswer(stp_code=stp_code, scores=scores, vision=vision, barriers=tuple(barriers),
                             barrier_text=barrier_text or "", next_steps=next_steps or "",
                             table_label=table_label or "")
        try:
            result = store.add_submission(event.id, answer, token)
        except ForumError as error:
            st.error(f"Not saved yet: {escape_markdown(str(error))}", icon="🚫")
        else:
            st.session_state[SAVED_KEY] = result.submission_id
            if result.created:
                st.success(f"Thank you. Your table's answers for {STP_NAMES[stp_code]} are saved and now "
                           "show in the plenary.", icon="✅")
            else:
                st.info("These answers were already saved, so they are counted once. To send a new or corrected "
                        "answer, press 'Start a new answer' first.", icon="ℹ️")
    if SAVED_KEY in st.session_state:
        st.button("Start a new answer", on_click=start_new_answer, key="forum_start_new_answer",
                  help="Clears the form. Your saved answers stay saved.")


def render_passcode_gate(expected_passcode: str | None) -> bool:
    """The facilitator passcode box; True once the right passcode is typed."""
    if not expected_passcode:
        st.warning(HOW_TO_SET_PASSCODE, icon="🔒")
        return False
    given = st.text_input("Facilitator passcode", type="password", key="forum_passcode")
    if not given:
        st.info("Type the facilitator passcode to create, export or delete forum events.", icon="🔒")
        return False
    if not check_passcode(given, expected_passcode):
        st.error("That passcode is not right.", icon="🚫")
        return False
    return True


def render_create_event_form(store: ForumStore) -> None:
    with st.form("forum_create_event", clear_on_submit=True):
        st.header("Create a forum event")
        name = st.text_input("Event name", key="forum_event_name", placeholder="Clinical Senate forum, March 2019")
        date = st.date_input("Event date", value=dt.date.today(), key="forum_event_date", format="DD/MM/YYYY")
        if st.form_submit_button("Create event", key="forum_create_event_submit"):
            try:
                event = store.create_event(name, date)
            except ForumError as error:
                st.error(f"Not created: {escape_markdown(str(error))}", icon="🚫")
            else:
                st.session_state["forum_facilitator_event"] = event.id
                st.success("Event created:", icon="✅")
                st.text(format_event(event))


def build_table_link(page_url: str | None, event_id: int, stp_code: str) -> str:
    """The link a table opens: the participant page with its event and STP preselected."""
    # "stp" too, so the shared sidebar filter shows the same STP as the table's form.
    query = urlencode({EVENT_PARAM: event_id, STP_PARAM: stp_code, "stp": stp_code})
    if not page_url:
        return f"/{TABLE_PAGE_PATH}?{query}"
    parts = urlsplit(page_url)
    folder = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{TABLE_PAGE_PATH}", query, ""))


def compute_table_links(page_url: str | None, event_id: int) -> pd.DataFrame:
    return pd.DataFrame({"STP": list(STP_NAMES.values()),
                         "Link for the table": [build_table_link(page_url, event_id, code) for code in STP_NAMES]})


def render_use_in_dashboard(store: ForumStore, event: Event) -> None:
    """Save the vision answers into the data folder, where config.yaml's forum_vision table reads them."""
    quarter_start = event.date.replace(month=(event.date.month - 1) // 3 * 3 + 1, day=1)
    if st.button("Use these vision answers in the dashboard", key="forum_use_in_dashboard",
                 help="Saves them as forum_vision_survey.csv in the data folder; the vision indicators "
                      "built on it then show the forum's own answers, dated the quarter of the event."):
        survey = compute_vision_survey_rows(store.read_submissions(event.id), event, period=quarter_start.isoformat())
        try:
            path = write_vision_survey_csv(survey, cached_data.data_dir() / VISION_SURVEY_FILE_NAME)
        except OSError as error:
            st.error(f"Could not save the answers: {escape_markdown(str(error))}", icon="🚫")
        else:
            st.success(f"Saved {len(survey)} rows to {escape_markdown(str(path))}. The Vision awareness "
                       "indicators now include the forum's answers.", icon="✅")


def render_event_tools(store: ForumStore, event: Event, expected_passcode: str) -> None:
    """Links for the tables, the CSV exports and deleting the event."""
    st.metric("Answers received", store.count_submissions(event.id))
    st.page_link("app_pages/forum_plenary.py", label="Show the plenary for this event", icon="📊",
                 query_params={EVENT_PARAM: event.id})
    st.header("Links for the tables")
    st.write("Give each STP table its own link (or QR code); it opens the form with the event and STP chosen.")
    st.dataframe(compute_table_links(st.context.url, event.id), hide_index=True, key="forum_table_links",
                 column_config={"Link for the table": st.column_config.LinkColumn()})
    st.header("Export")
    slug = f"forum-event-{event.id}"
    st.download_button("Download every answer (CSV)", store.export_event_csv(event.id).encode("utf-8"),
                       file_name=f"{slug}.csv", mime="text/csv", key="forum_export_csv")
    survey = compute_vision_survey_rows(store.read_submissions(event.id), event)
    st.download_button(f"Download vision answers as {VISION_SURVEY_FILE_NAME}",
                       survey.to_csv(index=False).encode("utf-8"), file_name=VISION_SURVEY_FILE_NAME,
                       mime="text/csv", key="forum_export_vision",
                       help="Counts by STP and role, shaped like vision_survey.csv, for the vision indicators.")
    render_use_in_dashboard(store, event)
    st.header("Delete this event")
    confirmed = st.checkbox("I understand this deletes the event and all its answers for good.",
                            key="forum_delete_confirm")
    if st.button("Delete this event", disabled=not confirmed, key="forum_delete_event"):
        try:
            removed = store.delete_event(event.id, passcode=st.session_state.get("forum_passcode"),
                                         expected_passcode=expected_passcode)
        except ForumError as error:
            st.error(f"Not deleted: {escape_markdown(str(error))}", icon="🚫")
        else:
            st.session_state.pop("forum_delete_confirm", None)
            st.success(f"Deleted the event and its {removed} answer{'' if removed == 1 else 's'}.", icon="✅")


def build_score_heatmap(scores: pd.DataFrame) -> go.Figure:
    """STP (rows) by maturity domain (columns), coloured by mean score 1-5, each cell labelled "mean (n)"."""
    table = scores.pivot(index="stp_name", columns="maturity_domain", values="mean_score")
    counts = scores.pivot(index="stp_name", columns="maturity_domain", values="n")
    domains = [domain.label for domain in MATURITY_DOMAINS if domain.label in table.columns]
    stps = [name for name in STP_NAMES.values() if name in table.index]
    table, counts = table.loc[stps, domains], counts.loc[stps, domains]
    steps = len(palette.SEQUENTIAL_COLORS) - 1
    figure = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=domains, y=stps, zmin=1, zmax=5, xgap=2, ygap=2,
        colorscale=[[position / steps, colour] for position, colour in enumerate(palette.SEQUENTIAL_COLORS)],
        colorbar={"title": {"text": "Mean score"}, "tickvals": [1, 2, 3, 4, 5]},
        hovertemplate="%{y}<br>%{x}<br>Mean score %{z:.1f}<extra></extra>",
    ))
    for stp in stps:
        for domain in domains:
            mean = table.loc[stp, domain]
            fill = palette.SEQUENTIAL_COLORS[round(mean) - 1]
            figure.add_annotation(x=domain, y=stp, showarrow=False, text=f"{mean:.1f} (n={counts.loc[stp, domain]})",
                                  font={"color": palette.readable_text_colour(fill), "size": palette.BASE_FONT_SIZE})
    figure.update_layout(title={"text": "Journey scores by STP (1 not started, 5 fully embedded)"},
                         template=CHART_TEMPLATE, yaxis={"autorange": "reversed"}, height=260 + 60 * len(stps),
                         margin={"b": 110},
                         xaxis={"tickangle": 0, "tickvals": domains, "ticktext": [_wrap(label) for label in domains]},
                         font={"family": palette.FONT_FAMILY, "size": palette.BASE_FONT_SIZE})
    return figure


def _wrap(label: str, width: int = 16) -> str:
    """Break a long axis label into lines of about `width` characters (plotly line break: <br>)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def build_barrier_bar_chart(counts: pd.DataFrame) -> go.Figure:
    """Horizontal bars: how many answers named each barrier, most named at the top."""
    figure = go.Figure(go.Bar(x=counts["tables"], y=counts["barrier"], orientation="h", text=counts["tables"],
                              textposition="outside", marker={"color": palette.CATEGORICAL_COLORS[0]},
                              hovertemplate="%{y}: %{x} answers<extra></extra>"))
    figure.update_layout(title={"text": "Barriers named by the tables"}, yaxis={"autorange": "reversed"},
                         template=CHART_TEMPLATE,
                         xaxis={"title": {"text": "Answers naming it"}, "rangemode": "tozero",
                                "dtick": 1 if counts["tables"].max() <= 10 else None},
                         font={"family": palette.FONT_FAMILY, "size": palette.BASE_FONT_SIZE})
    return figure


def describe_scores(scores: pd.DataFrame) -> str:
    """Text alternative for the heat map: the highest and lowest mean score, in words."""
    if scores.empty:
        return "No scores yet."
    high = scores.loc[scores["mean_score"].idxmax()]
    low = scores.loc[scores["mean_score"].idxmin()]
    return (f"Mean journey score for each STP and maturity domain, from {scores['stp_code'].nunique()} STPs. "
            f"Highest: {high['stp_name']}, {high['maturity_domain']}, {high['mean_score']:.1f}. "
            f"Lowest: {low['stp_name']}, {low['maturity_domain']}, {low['mean_score']:.1f}.")


def describe_barriers(counts: pd.DataFrame) -> str:
    named = counts[counts["tables"] > 0]
    if named.empty:
        return "No barrier has been named yet."
    listed = "; ".join(f"{row.barrier} {row.tables}" for row in named.itertuples())
    return f"Answers naming each barrier, most named first: {listed}."


def _render_free_text_list(entries: pd.DataFrame, column: str, empty: str) -> None:
    if entries.empty:
        st.write(empty)
        return
    for entry in entries.itertuples():
        source = entry.stp_name + (f", {entry.table_label}" if entry.table_label.strip() else "")
        st.text(f"{source}: {getattr(entry, column)}")


@st.fragment(run_every=PLENARY_REFRESH_SECONDS)
def render_plenary(event_id: int) -> None:
    """Everything the room said, refreshed every few seconds without rerunning the page (also used by presenter mode)."""
    try:
        store = get_forum_store()
        submissions = store.read_submissions(event_id)
    except ForumError as error:
        st.error(f"The answers cannot be shown just now: {escape_markdown(str(error))}", icon="🚫")
        return
    stps_answered = submissions["stp_code"].nunique()
    st.metric("Answers received", len(submissions), help=f"From {stps_answered} of the 5 STPs.")
    st.write(f"This view updates by itself every {PLENARY_REFRESH_SECONDS} seconds.")
    if submissions.empty:
        st.info("No answers yet. They appear here within seconds of a table pressing 'Send our answers'.", icon="⏳")
        return
    st.header("How far along the journey")
    scores = compute_scores_by_stp(submissions)
    render_chart(build_score_heatmap(scores), key="forum_plenary_scores", alt=describe_scores(scores))
    score_table = (scores.pivot(index="stp_name", columns="maturity_domain", values="mean_score").round(1)
                   .reindex(columns=[domain.label for domain in MATURITY_DOMAINS]).rename_axis(index="STP", columns=None)
                   .reset_index())
    render_table(score_table, key="forum_plenary_scores", file_name="forum-scores-by-stp.csv")
    st.header("Main barriers")
    barriers = compute_barrier_counts(submissions)
    render_chart(build_barrier_bar_chart(barriers), key="forum_plenary_barriers", alt=describe_barriers(barriers))
    render_table(barriers[["barrier", "tables"]].rename(columns={"barrier": "Barrier", "tables": "Answers naming it"}),
                 key="forum_plenary_barriers", file_name="forum-barriers.csv")
    st.subheader("Other barriers, in the tables' words")
    _render_free_text_list(compute_barrier_notes(submissions), "barrier_text", "None written yet.")
    st.header("Next steps")
    _render_free_text_list(compute_next_steps(submissions), "next_steps", "No next steps written yet.")
    st.header("Who knows and owns the vision")
    vision = compute_vision_by_role(submissions)
    render_table(vision.rename(columns={"role": "Role", **COUNT_MEASURE_LABELS}), key="forum_plenary_vision",
                 file_name="forum-vision-by-role.csv")
