"""Forum pieces for the table page, the plenary and presenter mode: the link a page was opened from, the table's
form and the plenary. The facilitator's page has its own module (forum_facilitator_views).

A table's page opens only from its own link (?table=<token>): the event and the STP table are the link's, so no
event is ever chosen for an answer. The plenary opens from the event's plenary link (?plenary=<token>) or in the
facilitator's own session. Free text typed at the tables, event names and table labels are only ever shown with
st.text or st.dataframe, never as markdown or HTML.
"""
import os
import secrets
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached_data, url_params
from components.layout import escape_markdown, render_chart, render_table
from figures import palette
from figures.chart_style import CHART_TEMPLATE
from figures.presentation import build_presentation_figure
from forum.access import read_facilitator_passcode
from forum.aggregation import (
    FREE_TEXT_FIELDS,
    PREVIEW_CHARS,
    PREVIEW_COUNT,
    compute_barrier_counts,
    compute_scores_by_stp,
    compute_text_preview_table,
    compute_vision_by_role,
)
from forum.errors import ForumError, LinkNotFoundError, PasscodeError
from forum.export import compute_event_export
from forum.links import PLENARY_PARAM, TABLE_PARAM
from forum.models import (
    BARRIER_LABELS,
    COUNT_MEASURES,
    MATURITY_DOMAINS,
    MAX_FREE_TEXT_CHARS,
    MAX_PEOPLE_PER_ROLE,
    ROLES,
    SCORE_LABELS,
    Event,
    FacilitatorCredentials,
    RoleCount,
    TableAnswer,
    TableLink,
)
from forum.store import ForumStore, new_submission_token
from indicators.errors import AtscaleError
from indicators.spreadsheet import write_spreadsheet_csv

PLENARY_REFRESH_SECONDS = 5
OLD_LINK_PARAMS = ("event", "stp_code")  # what table links carried before they had tokens
TABLE_KEY_PREFIX = "forum_table_"
TABLE_LINK_KEY = "forum_table_link"  # the token this session's form belongs to
OPENED_KEY = "forum_table_opened"  # (link, event) as last opened, to keep the form when the link stops working
TOKEN_KEY = "forum_table_token"
SAVED_KEY = "forum_table_saved"
FACILITATOR_PASSCODE_KEY = "forum_facilitator_passcode"  # set only once the store has accepted it
SESSION_ID_KEY = "forum_session_id"
COUNT_MEASURE_LABELS = {"present": "At the table", "know": "Know the vision", "own": "Own the vision"}
NO_STORE = ("The forum's answers cannot be reached just now. Please try again in a minute; if it goes on, tell the "
            "facilitator.")


def get_forum_store() -> ForumStore:
    """The forum store named by ATSCALE_DATABASE_URL / ATSCALE_FORUM_DIR, opened once per server."""
    return cached_data.get_forum_store()


def get_forum_store_or_stop() -> ForumStore:
    """The store, or a plain error (no address or path: those are in the server's log) and a stopped page."""
    try:
        return get_forum_store()
    except ForumError as error:
        st.error(f"{NO_STORE} ({escape_markdown(str(error))})", icon="🚫")
        st.stop()


def get_stp_names() -> dict[str, str]:
    """The STPs in the data (code -> name), the only STPs a forum offers; empty when the data cannot be loaded."""
    try:
        return cached_data.get_areas().names("stp")
    except (AtscaleError, KeyError, ValueError):
        return {}


def read_configured_passcode() -> str | None:
    """ATSCALE_FACILITATOR_PASSCODE from the environment, else from .streamlit/secrets.toml when that exists."""
    # load_if_toml_exists never raises: a missing or unreadable secrets.toml just means "no secrets".
    secrets_file = {key: st.secrets[key] for key in st.secrets} if st.secrets.load_if_toml_exists() else {}
    return read_facilitator_passcode(os.environ, secrets_file)


def get_session_id() -> str:
    """This browser session's random id: the key of its own passcode backoff in the database."""
    return st.session_state.setdefault(SESSION_ID_KEY, secrets.token_hex(16))


def get_facilitator_credentials(passcode: str | None = None) -> FacilitatorCredentials:
    """The passcode this session unlocked with (or `passcode`), with the configured one, for the store to check."""
    given = passcode if passcode is not None else st.session_state.get(FACILITATOR_PASSCODE_KEY)
    return FacilitatorCredentials(given, read_configured_passcode(), get_session_id())


def is_facilitator(store: ForumStore) -> bool:
    """True when this session unlocked the facilitator page and the store still accepts its passcode."""
    if not st.session_state.get(FACILITATOR_PASSCODE_KEY):
        return False
    try:
        store.authorise(get_facilitator_credentials())
    except PasscodeError:
        st.session_state.pop(FACILITATOR_PASSCODE_KEY, None)
        return False
    except ForumError:
        return False
    return True


def format_event(event: Event) -> str:
    return f"{event.name} ({event.date:%d %B %Y})"


# --- the table's page ------------------------------------------------------------------------------------------

def render_table_link_or_stop(store: ForumStore) -> tuple[TableLink, Event]:
    """The table link this page was opened from, and its event; else a plain notice, no form, and a stopped page."""
    token = url_params.read_url_text(TABLE_PARAM)
    if token is None:
        if any(url_params.read_url_text(name) for name in OLD_LINK_PARAMS):
            st.warning("This is an old kind of forum link: it does not say which table it is for, so it cannot take "
                       "answers. Ask the facilitator for your table's own link or QR code.", icon="🔗")
        else:
            st.info("Open this page from your table's own link or QR code: the facilitator gives one to each table. "
                    "It says which event and which table your answers are for.", icon="🔗")
        st.stop()
    if st.session_state.get(TABLE_LINK_KEY) != token:  # another table's link in the same browser tab: a new form
        start_new_answer()
        st.session_state[TABLE_LINK_KEY] = token
    opened = st.session_state.get(OPENED_KEY)
    try:
        st.session_state[OPENED_KEY] = store.open_table_link(token)
        return st.session_state[OPENED_KEY]
    except LinkNotFoundError as error:  # unknown, withdrawn, or its event deleted
        problem = escape_markdown(str(error))
    except ForumError:
        problem = NO_STORE
    if opened is not None and opened[0].token == token:
        # The link stopped working while the form was open: keep the form and what was typed, and say so.
        st.error(f"{problem} Nothing more can be saved through this link; what you typed stays in the form below "
                 "so that you can copy it.", icon="🚫")
        return opened
    st.error(problem, icon="🚫")
    st.stop()


def start_new_answer() -> None:
    """Forget the saved answer and its token, and reset the form's fields: the next submit is a new answer."""
    for key in [key for key in st.session_state if str(key).startswith(TABLE_KEY_PREFIX)]:
        if key != TABLE_LINK_KEY:
            del st.session_state[key]


def render_table_heading(link: TableLink, event: Event) -> None:
    """Which event and which table the answers go to (typed by the facilitator: plain text)."""
    st.text(f"Event: {format_event(event)}\nYour table: {link.table_name}")


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


def render_table_form(store: ForumStore, link: TableLink) -> None:
    """The participant form. A submit is saved once per form token, in the link's event and table, and the result
    is said in plain words. The form keeps what was typed until the table has seen "saved" and asks for a new one."""
    token = st.session_state.setdefault(TOKEN_KEY, new_submission_token())
    with st.form("forum_table_form", enter_to_submit=False):
        scores = _render_score_inputs()
        vision = _render_vision_inputs()
        st.header("3. What are the main barriers?")
        barriers = st.multiselect("Barriers your table named", list(BARRIER_LABELS), format_func=BARRIER_LABELS.get,
                                  key=f"{TABLE_KEY_PREFIX}barriers", placeholder="Choose any that apply")
        # No max_chars on these boxes: Streamlit would cut longer text off without a word (the browser on paste,
        # the server on receipt). The store refuses over-long text with a message and the text stays in the box.
        barrier_text = st.text_area(f"Other barriers, in your own words (up to {MAX_FREE_TEXT_CHARS:,} characters)",
                                    key=f"{TABLE_KEY_PREFIX}barrier_text")
        st.header("4. What are the next steps?")
        next_steps = st.text_area(f"Next steps (up to {MAX_FREE_TEXT_CHARS:,} characters)",
                                  key=f"{TABLE_KEY_PREFIX}next_steps")
        submitted = st.form_submit_button("Send our answers", type="primary", key=f"{TABLE_KEY_PREFIX}submit")
    if submitted:
        answer = TableAnswer(scores=scores, vision=vision, barriers=tuple(barriers), barrier_text=barrier_text or "",
                             next_steps=next_steps or "")
        try:
            result = store.add_submission(link.token, answer, token)
        except ForumError as error:
            message = str(error) if str(error).startswith("Not saved") else f"Not saved yet: {error}"
            st.error(escape_markdown(message), icon="🚫")
        else:
            st.session_state[SAVED_KEY] = result.submission_id
            if result.created:
                st.success("Saved. Thank you: your table's answers are in and now show in the plenary.", icon="✅")
            else:
                st.info("Saved already: these answers were sent before, so they are counted once. To send a new or "
                        "corrected answer, press 'Start a new answer' first.", icon="✅")
    if SAVED_KEY in st.session_state:
        st.button("Start a new answer", on_click=start_new_answer, key="forum_start_new_answer",
                  help="Clears the form. Your saved answers stay saved.")


# --- the plenary -----------------------------------------------------------------------------------------------

def find_plenary_event(store: ForumStore, *, wanted_event_id: int | None = None) -> tuple[Event | None, str | None]:
    """The event whose plenary to show, or a notice saying why none: the plenary link in the URL decides; in the
    facilitator's session, `wanted_event_id` or the most recent event. Nobody else can browse events."""
    token = url_params.read_url_text(PLENARY_PARAM)
    if token is not None:
        try:
            return store.open_plenary(token), None
        except LinkNotFoundError as error:
            return None, str(error)
        except ForumError:
            return None, NO_STORE
    if not is_facilitator(store):
        return None, ("The plenary opens from its own link, which the facilitator shows on the Forum: facilitator "
                      "page (or from that page itself).")
    events = store.list_events(credentials=get_facilitator_credentials())
    if wanted_event_id is not None:
        chosen = next((event for event in events if event.id == wanted_event_id), None)
        return chosen, None if chosen else f"There is no forum event number {wanted_event_id}."
    return (events[0], None) if events else (None, "No forum event exists yet.")


def build_full_answers_csv(store: ForumStore, event: Event) -> bytes:
    """Every answer of the event in full (a download, made when its button is pressed)."""
    return write_spreadsheet_csv(compute_event_export(store.read_submissions(event.id), event, get_stp_names())
                                 ).encode("utf-8")


def build_score_heatmap(scores: pd.DataFrame) -> go.Figure:
    """STP (rows) by maturity domain (columns), coloured by mean score 1-5, each cell labelled "mean (n)"."""
    table = scores.pivot(index="stp_name", columns="maturity_domain", values="mean_score")
    counts = scores.pivot(index="stp_name", columns="maturity_domain", values="n")
    domains = [domain.label for domain in MATURITY_DOMAINS if domain.label in table.columns]
    stps = list(dict.fromkeys(scores["stp_name"]))
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


def _render_text_previews(summary, stp_names: dict[str, str], field: str, heading: str, key: str) -> None:
    preview = summary.texts[field]
    if not preview.written:
        st.write(f"No {heading.lower()} written yet.")
        return
    which = "It is" if preview.written == 1 else "All are" if preview.written <= PREVIEW_COUNT else (
        f"The {PREVIEW_COUNT} most recent are")
    st.write(f"{preview.written} answer{'' if preview.written == 1 else 's'} wrote something here. {which} shown "
             f"below, newest first, each cut to {PREVIEW_CHARS} characters; every answer in full is in the download "
             "below.")
    # One answer per row, with who sent it: a line break typed in an answer stays inside its own cell.
    st.dataframe(compute_text_preview_table(preview, stp_names, summary.stp_names, heading), hide_index=True,
                 key=key, column_config={heading: st.column_config.TextColumn(width="large")})


@st.fragment(run_every=PLENARY_REFRESH_SECONDS)
def render_plenary(event: Event) -> None:
    """The room's answers, summed by the database and refreshed every few seconds without rerunning the page
    (also used by presenter mode). A refresh sends summaries and short previews, never every answer in full."""
    try:
        store = get_forum_store()
        summary = cached_data.get_plenary_summary(event)
    except ForumError:
        st.error(NO_STORE, icon="🚫")
        return
    stp_names = get_stp_names()
    stps_answered = summary.scores["stp_code"].nunique()
    st.metric("Answers received", summary.answers, help=f"From {stps_answered} of the {len(stp_names)} STPs.")
    st.write(f"This view updates by itself every {PLENARY_REFRESH_SECONDS} seconds.")
    if not summary.answers:
        st.info("No answers yet. They appear here within seconds of a table pressing 'Send our answers'.", icon="⏳")
        return
    st.header("How far along the journey")
    scores = compute_scores_by_stp(summary, stp_names)
    render_chart(cached_data.get_figure(build_score_heatmap, scores), key="forum_plenary_scores",
                 alt=describe_scores(scores))
    score_table = (scores.pivot(index="stp_name", columns="maturity_domain", values="mean_score").round(1)
                   .reindex(index=list(dict.fromkeys(scores["stp_name"])),
                            columns=[domain.label for domain in MATURITY_DOMAINS])
                   .rename_axis(index="STP", columns=None).reset_index())
    render_table(score_table, key="forum_plenary_scores", file_name="forum-scores-by-stp.csv")
    st.header("Main barriers")
    barriers = compute_barrier_counts(summary)
    render_chart(cached_data.get_figure(build_barrier_bar_chart, barriers), key="forum_plenary_barriers",
                 alt=describe_barriers(barriers))
    render_table(barriers[["barrier", "tables"]].rename(columns={"barrier": "Barrier", "tables": "Answers naming it"}),
                 key="forum_plenary_barriers", file_name="forum-barriers.csv")
    st.subheader("Other barriers, in the tables' words")
    _render_text_previews(summary, stp_names, "barrier_text", FREE_TEXT_FIELDS["barrier_text"],
                          "forum_plenary_barrier_text")
    st.header("Next steps")
    _render_text_previews(summary, stp_names, "next_steps", FREE_TEXT_FIELDS["next_steps"], "forum_plenary_next_steps")
    st.download_button("Download every answer in full (CSV)", partial(build_full_answers_csv, store, event),
                       file_name=f"forum-answers-{event.date.isoformat()}.csv", mime="text/csv",
                       key="forum_plenary_full_text", on_click="ignore",
                       help="One row per answer: scores, vision counts, barriers and the full text as typed.")
    st.header("Who knows and owns the vision")
    vision = compute_vision_by_role(summary)
    render_table(vision.rename(columns={"role": "Role", **COUNT_MEASURE_LABELS}), key="forum_plenary_vision",
                 file_name="forum-vision-by-role.csv")


SLIDE_TEXT_CHARS = 58  # a next step on the slide: one line the room can read; in full on the plenary page
SLIDE_TEXT_COUNT = 2
SLIDE_BARRIER_COUNT = 3
SLIDE_HEATMAP_HEIGHT = 320


def _cut(text: str, chars: int = SLIDE_TEXT_CHARS) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= chars else line[:chars - 1].rstrip() + "…"


def build_slide_score_heatmap(scores: pd.DataFrame) -> go.Figure:
    """The journey-score heat map for a projector: the room's type size, each cell its mean only (the counts are
    in the plenary's table), one screen's height."""
    figure = build_presentation_figure(build_score_heatmap(scores), height=SLIDE_HEATMAP_HEIGHT)
    for annotation in figure.layout.annotations:
        annotation.text = annotation.text.split(" (n=")[0]
    figure.update_layout(title=None, margin={"t": 4, "b": 10, "l": 10, "r": 10},
                         xaxis={"ticktext": [_wrap(label, 17) for label in figure.layout.xaxis.tickvals]})
    figure.update_traces(showscale=False)  # each cell shows its number; the line above says what 1 and 5 mean
    return figure


@st.fragment(run_every=PLENARY_REFRESH_SECONDS)
def render_plenary_slide(event: Event) -> None:
    """The room's answers on one projector screen (presenter mode): how many, the journey scores by STP, the
    barriers most named and the newest next steps cut short. Every answer in full is on the plenary page and in
    its download (and under the slide's Numbers)."""
    try:
        summary = cached_data.get_plenary_summary(event)
    except ForumError:
        st.error(NO_STORE, icon="🚫")
        return
    stp_names = get_stp_names()
    answered = summary.scores["stp_code"].nunique()
    st.markdown(f"**{summary.answers} answer{'' if summary.answers == 1 else 's'}** from {answered} of the "
                f"{len(stp_names)} STPs · journey scores, 1 not started to 5 fully embedded")
    if not summary.answers:
        st.info("No answers yet. They appear here within seconds of a table pressing 'Send our answers'.", icon="⏳")
        return
    scores = compute_scores_by_stp(summary, stp_names)
    st.plotly_chart(cached_data.get_figure(build_slide_score_heatmap, scores), key="presenter_plenary_scores",
                    alt=describe_scores(scores), config={"displaylogo": False})
    barriers_column, steps_column = st.columns([2, 3], gap="medium")
    barriers = compute_barrier_counts(summary)
    named = barriers[barriers["tables"] > 0].head(SLIDE_BARRIER_COUNT)
    if len(named):
        barriers_column.markdown("**Barriers named most**  \n" + "  \n".join(
            f"{escape_markdown(row.barrier)}: {row.tables}" for row in named.itertuples()))
    preview = summary.texts["next_steps"]
    if preview.written:
        steps_column.markdown("**Next steps, newest first**")
        latest = compute_text_preview_table(preview, stp_names, summary.stp_names, "text")
        for row in latest.head(SLIDE_TEXT_COUNT).itertuples():
            steps_column.text(_cut(f"{row.STP}: {row.text}"))  # typed at a table: plain text, never markdown
