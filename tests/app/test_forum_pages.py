"""AppTest: a table's answers land in its link's event and table or it is told they did not, the facilitator's
gate and tools hold, and the plenary shows one event's answers only to who holds its link."""
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from forum.models import MATURITY_DOMAINS, FacilitatorCredentials, RoleCount, TableAnswer
from forum.store import open_forum_store

ROOT = Path(__file__).parents[2]
PASSCODE = "tables-of-five"
FACILITATOR = FacilitatorCredentials(PASSCODE, PASSCODE, "test-facilitator")
MARKUP = "<script>alert(1)</script> **bold** [link](https://example.org) ![t](http://example.org/x.png)"
PRACTICES = pd.read_csv(ROOT / "data" / "practices.csv", dtype=str, keep_default_na=False)
STPS = dict(sorted(zip(PRACTICES["stp_code"], PRACTICES["stp_name"]), key=lambda item: item[1]))


@pytest.fixture(autouse=True)
def forum_env(tmp_path, monkeypatch):
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    monkeypatch.setenv("ATSCALE_FACILITATOR_PASSCODE", PASSCODE)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def store():
    forum_store = open_forum_store()  # the same file the app opens (ATSCALE_FORUM_DIR above)
    yield forum_store
    forum_store.dispose()


def new_event(store, name="Forum", date=dt.date(2019, 3, 14)):
    return store.create_event(name, date, credentials=FACILITATOR)


def new_link(store, event, stp_code="QKK", label=""):
    return store.issue_table_link(event.id, stp_code, stp_choices=STPS, label=label, credentials=FACILITATOR)


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unlock(at: AppTest, passcode: str = PASSCODE) -> AppTest:
    at.text_input(key="forum_passcode").input(passcode)
    at.button(key="forum_unlock").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill_table_form(at: AppTest, *, next_steps: str = "Meet the CCG in May.", barriers=("workforce",)) -> None:
    for domain in MATURITY_DOMAINS:
        at.radio(key=f"forum_table_score_{domain.code}").set_value(4)
    at.number_input(key="forum_table_gp_present").set_value(5)
    at.number_input(key="forum_table_gp_know").set_value(3)
    at.number_input(key="forum_table_gp_own").set_value(2)
    at.multiselect(key="forum_table_barriers").set_value(list(barriers))
    at.text_area(key="forum_table_next_steps").input(next_steps)


def submit(at: AppTest) -> AppTest:
    at.button(key="forum_table_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer(barriers: tuple[str, ...], next_steps: str = "", barrier_text: str = "") -> TableAnswer:
    return TableAnswer(scores={domain.code: 3 for domain in MATURITY_DOMAINS}, vision={"gp": RoleCount(2, 1, 1)},
                       barriers=barriers, next_steps=next_steps, barrier_text=barrier_text)


def table_with_column(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def markdown_and_html(at: AppTest) -> list[str]:
    shown = [element.value for element in at.markdown] + [element.value for element in at.caption]
    shown += [element.value for kind in ("error", "warning", "info", "success", "title", "header", "subheader")
              for element in at.get(kind)]
    return shown + [element.proto.body for element in at.get("html")]


def test_a_table_link_opens_its_own_event_and_table_and_the_answer_lands_there(store):
    events = [new_event(store, f"Event {number}", dt.date(2019, 3, number)) for number in (1, 2, 3)]
    links = [new_link(store, event, "QKK", "Table 4") for event in events]
    at = open_page("forum_table.py", table=links[1].token)

    assert [t.value for t in at.title] == ["Forum: your table"]
    assert at.text[0].value == "Event: Event 2 (02 March 2019)\nYour table: South East London, Table 4"
    assert not at.main.selectbox  # no event or STP to choose: both are the link's
    assert not any("Event 1" in text.value or "Event 3" in text.value for text in at.text)
    fill_table_form(at)
    submit(at)

    assert at.success[0].value.startswith("Saved. Thank you")
    assert [store.count_submissions(event.id) for event in events] == [0, 1, 0]
    row = store.read_submissions(events[1].id).iloc[0]
    assert (row["stp_code"], row["table_label"], row["score_data"], row["gp_present"]) == ("QKK", "Table 4", 4, 5)
    assert row["barriers"] == ("workforce",)
    assert row["next_steps"] == "Meet the CCG in May."


@pytest.mark.parametrize("query", [{}, {"event": "3", "stp_code": "QKK"}, {"event": "²"}, {"event": "9" * 5000}])
def test_without_a_table_link_there_is_a_notice_and_no_form(store, query):
    event = new_event(store)
    new_link(store, event)
    at = open_page("forum_table.py", **query)

    assert not at.get("form")
    notice = (at.warning or at.info)[0].value
    assert "Ask the facilitator for your table's own link" in notice if query else "table's own link" in notice
    assert not any("Forum" in text.value for text in at.text)  # no event is named, let alone chosen


def test_a_link_to_a_deleted_event_shows_a_clear_notice_and_no_form(store):
    kept, doomed = new_event(store, "Kept"), new_event(store, "Doomed", dt.date(2019, 4, 1))
    new_link(store, kept)
    link = new_link(store, doomed)
    store.delete_event(doomed.id, credentials=FACILITATOR)
    at = open_page("forum_table.py", table=link.token)

    assert "This link is not known" in at.error[0].value
    assert not at.get("form")


@pytest.mark.parametrize("token", ["3", "x" * 5000, "²" * 32, "[x](https://example.org)"])
def test_an_unknown_link_shows_a_clear_notice_and_no_form(token):
    at = open_page("forum_table.py", table=token)

    assert "This link is not known" in at.error[0].value
    assert not at.get("form")
    assert not [shown for shown in markdown_and_html(at) if "example.org" in shown or "xxxxx" in shown]


def test_a_withdrawn_link_says_so_and_shows_no_form(store):
    event = new_event(store)
    link = new_link(store, event, "QWE", "Table 2")
    store.revoke_table_link(link.id, credentials=FACILITATOR)
    at = open_page("forum_table.py", table=link.token)

    assert "withdrawn this link for South West London, Table 2" in at.error[0].value
    assert not at.get("form")


@pytest.mark.parametrize("change", ["delete the event", "withdraw the link"])
def test_a_link_that_stops_working_while_the_form_is_open_saves_nothing_and_keeps_the_text(store, change):
    older, event = new_event(store, "Older"), new_event(store, "Today", dt.date(2019, 5, 1))
    new_link(store, older)
    link = new_link(store, event)
    at = open_page("forum_table.py", table=link.token)
    fill_table_form(at, next_steps="Our careful answer.")
    if change == "delete the event":
        store.delete_event(event.id, credentials=FACILITATOR)
    else:
        store.revoke_table_link(link.id, credentials=FACILITATOR)
    submit(at)

    assert "Not saved" in at.error[-1].value and "link" in at.error[-1].value
    assert not at.success
    assert at.text_area(key="forum_table_next_steps").value == "Our careful answer."  # never cleared unsaved
    assert store.count_submissions(older.id) == 0 and store.count_submissions(event.id) == 0


def test_double_submit_is_stored_once_and_a_new_answer_is_stored_again(store):
    event = new_event(store)
    link = new_link(store, event, "QWE")
    at = open_page("forum_table.py", table=link.token)
    fill_table_form(at)
    submit(at)
    submit(at)  # the same form sent again: the same submission token

    assert store.count_submissions(event.id) == 1
    assert "counted once" in at.info[0].value

    at.button(key="forum_start_new_answer").click().run()
    assert at.text_area(key="forum_table_next_steps").value == ""
    fill_table_form(at, next_steps="A second answer from South West London.")
    submit(at)
    assert store.count_submissions(event.id) == 2


def test_a_table_sending_too_fast_is_told_to_wait_and_keeps_its_answers(store):
    event = new_event(store)
    link = new_link(store, event)
    for number in range(5):
        store.add_submission(link.token, answer(("time",)), f"earlier-{number}")
    at = open_page("forum_table.py", table=link.token)
    fill_table_form(at, next_steps="Sixth answer.")
    submit(at)

    assert "Please wait" in at.error[0].value and "Your answers are still in the form" in at.error[0].value
    assert at.text_area(key="forum_table_next_steps").value == "Sixth answer."
    assert store.count_submissions(event.id) == 5


def test_over_long_next_steps_are_refused_with_a_message_and_not_stored(store):
    event = new_event(store)
    at = open_page("forum_table.py", table=new_link(store, event, "QMJ").token)
    fill_table_form(at, next_steps="x" * 4001)
    submit(at)

    assert "Next steps is 4,001 characters long; the limit is 4,000" in at.error[0].value
    assert store.count_submissions(event.id) == 0
    assert at.text_area(key="forum_table_next_steps").value == "x" * 4001  # kept in the box to shorten, not cut


def test_a_missing_score_is_asked_for_not_guessed(store):
    event = new_event(store)
    at = open_page("forum_table.py", table=new_link(store, event, "QMJ").token)
    fill_table_form(at)
    at.radio(key="forum_table_score_people").set_value(None)
    submit(at)

    assert "Working with people and communities" in at.error[0].value
    assert store.count_submissions(event.id) == 0


def test_facilitator_page_explains_how_to_set_a_missing_passcode(monkeypatch):
    monkeypatch.delenv("ATSCALE_FACILITATOR_PASSCODE")
    at = open_page("forum_facilitator.py")

    assert "ATSCALE_FACILITATOR_PASSCODE" in at.warning[0].value
    assert "forum_passcode" not in [box.key for box in at.text_input]
    assert "forum_create_event_submit" not in [button.key for button in at.button]


def test_wrong_passcodes_are_refused_then_slowed_and_the_right_one_opens_the_controls():
    at = open_page("forum_facilitator.py")
    assert "forum_create_event_submit" not in [button.key for button in at.button]

    for _ in range(2):
        unlock(at, "guess")
        assert at.error[0].value == "That passcode is not right\\. Nothing was changed\\."
    unlock(at, "guess")
    assert "Wait 1 second before the next try" in at.error[0].value
    assert "forum_create_event_submit" not in [button.key for button in at.button]
    unlock(at, PASSCODE)  # at once: the session must wait first, even with the right passcode
    assert "Too many wrong passcodes" in at.error[0].value

    fresh = unlock(open_page("forum_facilitator.py"))  # another session has its own count
    assert not fresh.error
    assert "forum_create_event_submit" in [button.key for button in fresh.button]


def test_facilitator_creates_an_event_with_a_link_and_qr_code_for_every_stp(store):
    at = unlock(open_page("forum_facilitator.py"))
    at.text_input(key="forum_event_name").input("Clinical Senate forum")
    at.date_input(key="forum_event_date").set_value(dt.date(2019, 3, 14))
    at.button(key="forum_create_event_submit").click().run()

    (event,) = store.list_events(credentials=FACILITATOR)
    assert (event.name, event.date) == ("Clinical Senate forum", dt.date(2019, 3, 14))
    links = store.list_table_links(event.id, credentials=FACILITATOR)
    assert [link.stp_code for link in links] == list(STPS)  # the STPs come from the data
    shown = table_with_column(at, "Link")
    assert shown["Table"].tolist() == list(STPS.values())
    assert shown["Link"].str.fullmatch(r"http://[^/]+/forum_table\?table=[A-Za-z0-9_-]{32}").all()
    assert {link.token for link in links} == set(shown["Link"].str.rsplit("=", n=1).str[1])
    assert len(at.get("image")) == len(STPS)  # a QR code for each table
    labels = [element.proto.label for element in at.get("download_button")]
    assert "Download table cards to print (PDF, A4)" in labels
    assert any(event.plenary_token in text.value for text in at.text)


def test_facilitator_adds_a_table_withdraws_a_link_and_deletes_the_event(store):
    event = new_event(store, "Forum")
    link = new_link(store, event, "QKK")
    store.add_submission(link.token, answer(("time",)), "one")
    at = unlock(open_page("forum_facilitator.py"))
    at.selectbox(key="forum_add_table_stp").set_value("QWE")
    at.text_input(key="forum_add_table_label").input("Table 9")
    at.button(key="forum_add_table_submit").click().run()
    added = [li for li in store.list_table_links(event.id, credentials=FACILITATOR) if li.label == "Table 9"]
    assert [(li.stp_code, li.is_revoked) for li in added] == [("QWE", False)]

    at.selectbox(key="forum_link_to_change").set_value(link.id)
    at.button(key="forum_revoke_link").click().run()
    assert "Link withdrawn" in at.success[0].value
    status = table_with_column(at, "Link").set_index("Table")["Status"]
    assert status["South East London"].startswith("withdrawn")

    at.checkbox(key="forum_delete_confirm").check().run()
    at.button(key="forum_delete_event").click().run()
    assert "Deleted the event, its links and its 1 answer." in at.success[0].value
    assert store.list_events(credentials=FACILITATOR) == ()


def test_the_facilitator_page_names_no_server_path_or_database_address(store, tmp_path):
    event = new_event(store)
    new_link(store, event)
    at = unlock(open_page("forum_facilitator.py"))

    everything = [t.value for t in at.text] + markdown_and_html(at)
    assert not [shown for shown in everything if str(tmp_path) in shown or "sqlite:" in shown or ".sqlite" in shown]
    assert "Answers are stored in a SQLite file in the forum folder (ATSCALE_FORUM_DIR)." in [t.value for t in at.text]


def test_plenary_without_its_link_shows_nobodys_answers(store):
    event = new_event(store, "Secret forum")
    store.add_submission(new_link(store, event).token, answer(("time",), next_steps="Private."), "a")
    at = open_page("forum_plenary.py")

    assert "The plenary opens from its own link" in at.info[0].value
    assert not at.metric and not at.main.selectbox
    assert not any("Secret forum" in text.value or "Private" in text.value for text in at.text)


def test_plenary_shows_the_barrier_counts_scores_and_next_steps_of_its_own_event(store):
    event = new_event(store)
    qkk, qwe = new_link(store, event, "QKK", "Table <b>9</b>"), new_link(store, event, "QWE")
    store.add_submission(qkk.token, answer(("workforce", "time"), next_steps="Share one record."), "a")
    store.add_submission(qwe.token, answer(("workforce",)), "b")
    store.add_submission(qwe.token, answer(("data_it", "workforce")), "c")
    other = new_event(store, "Another forum", dt.date(2019, 6, 1))
    store.add_submission(new_link(store, other, "QMJ").token, answer(("funding",)), "d")
    at = open_page("forum_plenary.py", plenary=event.plenary_token)

    assert [t.value for t in at.title] == ["Forum: plenary"]
    assert at.metric[0].value == "3"
    barriers = table_with_column(at, "Barrier")
    counts = dict(zip(barriers["Barrier"], barriers["Answers naming it"]))
    assert counts == {"Workforce": 3, "Data and IT": 1, "Time": 1, "Funding": 0, "Engagement": 0,
                      "Governance": 0, "Estates": 0, "Language": 0}
    scores = table_with_column(at, "Integrating care")
    assert scores["STP"].tolist() == ["South East London", "South West London"]
    assert len(at.get("plotly_chart")) == 2
    bars = json.loads(at.get_by_key("forum_plenary_barriers").proto.spec)["data"][0]
    assert bars["y"][0] == "Workforce"
    steps = table_with_column(at, "Next steps")
    assert steps.values.tolist() == [["South East London", "Table <b>9</b>", "Share one record."]]
    assert "Download every answer in full (CSV)" in [b.proto.label for b in at.get("download_button")]


def test_a_newline_in_an_answer_cannot_pass_for_another_tables_answer(store):
    event = new_event(store)
    forged = "Hire a pharmacist.\nSouth West London, Table 1: We have no vision at all."
    store.add_submission(new_link(store, event, "QKK", "Table 3").token, answer((), next_steps=forged), "a")
    at = open_page("forum_plenary.py", plenary=event.plenary_token)

    steps = table_with_column(at, "Next steps")
    assert steps.values.tolist() == [["South East London", "Table 3", forged]]  # one row, attributed to its sender
    assert not any("We have no vision" in shown for shown in [t.value for t in at.text] + markdown_and_html(at))


def test_plenary_without_answers_says_so(store):
    event = new_event(store)
    at = open_page("forum_plenary.py", plenary=event.plenary_token)

    assert at.metric[0].value == "0"
    assert "No answers yet" in at.info[0].value
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("token", ["1", "²", "x" * 5000, "[x](https://example.org)"])
def test_a_bad_plenary_link_shows_a_notice_and_no_answers(store, token):
    event = new_event(store)
    store.add_submission(new_link(store, event).token, answer(("time",)), "a")
    at = open_page("forum_plenary.py", plenary=token)

    assert "This link is not known" in at.info[0].value
    assert not at.metric
    assert not [shown for shown in markdown_and_html(at) if "example.org" in shown]


def test_the_facilitators_session_can_open_any_events_plenary(store):
    new_event(store, "Older", dt.date(2019, 1, 1))
    new_event(store, "Latest", dt.date(2019, 6, 1))
    at = unlock(open_page("forum_facilitator.py"))
    at.switch_page("app_pages/forum_plenary.py").run()

    assert not at.exception
    assert at.text[0].value == "Latest (01 June 2019)"
    assert at.metric[0].value == "0"


def test_markup_typed_at_a_table_is_shown_literally_never_as_markdown_or_html(store):
    event = new_event(store)
    link = new_link(store, event, "QRV")
    at = open_page("forum_table.py", table=link.token)
    fill_table_form(at, next_steps=MARKUP)
    at.text_area(key="forum_table_barrier_text").input(MARKUP)
    submit(at)
    assert store.read_submissions(event.id)["next_steps"].tolist() == [MARKUP]

    at = open_page("forum_plenary.py", plenary=event.plenary_token)
    for column in ("Next steps", "Other barriers"):
        assert table_with_column(at, column).iloc[0].tolist() == ["North West London", "", MARKUP]
    assert not [shown for shown in markdown_and_html(at) if "alert(1)" in shown or "bold" in shown]


def test_facilitator_offers_the_downloads_for_the_chosen_event(store):
    event = new_event(store)
    store.add_submission(new_link(store, event).token, answer(("estates",), next_steps=MARKUP), "a")
    at = unlock(open_page("forum_facilitator.py"))

    labels = [element.proto.label for element in at.get("download_button")]
    assert labels == ["Download table cards to print (PDF, A4)", "Download every answer (CSV)",
                      "Download vision answers as forum_vision_survey.csv"]
    assert at.metric[0].value == "1"


def test_forum_vision_answers_feed_the_vision_indicator_through_the_yaml(store, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(data_dir))
    event = new_event(store, "Forum", dt.date(2019, 5, 14))
    table = TableAnswer(scores={domain.code: 3 for domain in MATURITY_DOMAINS},
                        vision={"gp": RoleCount(8, 5, 3), "practice_staff": RoleCount(4, 1, 0)}, barriers=("time",))
    store.add_submission(new_link(store, event, "QKK").token, table, "a")
    at = unlock(open_page("forum_facilitator.py"))
    at.button(key="forum_use_in_dashboard").click().run()
    assert "Saved" in at.success[0].value
    saved = pd.read_csv(data_dir / "forum_vision_survey.csv")
    assert set(saved["period"]) == {"2019-04-01"}  # the quarter of the event, like the other tables

    st.cache_data.clear()
    overview = open_page("overview.py", indicator="forum_vision_aware", period="2019-04-01")
    stps = overview.dataframe[0].value
    # 12 people at South East London's table, 6 of them know the vision: 50.0%
    assert stps.loc[stps["Area"] == "South East London", "Forum participants who know the STP vision"].iloc[0] == 50.0
