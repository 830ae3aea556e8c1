"""AppTest: a table's answers land in the store once, the facilitator gate holds, the plenary shows the room's answers."""
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from forum.models import MATURITY_DOMAINS, RoleCount, TableAnswer
from forum.store import open_forum_store

ROOT = Path(__file__).parents[2]
PASSCODE = "tables-of-five"
MARKUP = "<script>alert(1)</script> **bold** [link](https://example.org)"


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


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.run()
    at.switch_page(f"app_pages/{page}").run()
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


def answer(stp_code: str, barriers: tuple[str, ...], next_steps: str = "", barrier_text: str = "") -> TableAnswer:
    return TableAnswer(stp_code=stp_code, scores={domain.code: 3 for domain in MATURITY_DOMAINS},
                       vision={"gp": RoleCount(2, 1, 1)}, barriers=barriers, next_steps=next_steps,
                       barrier_text=barrier_text, table_label="Table <b>9</b>")


def table_with_column(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def markdown_and_html(at: AppTest) -> list[str]:
    shown = [element.value for element in at.markdown] + [element.value for element in at.caption]
    return shown + [element.proto.body for element in at.get("html")]


def test_table_link_preselects_event_and_stp_and_the_answer_lands_in_the_store(store):
    store.create_event("Older forum", dt.date(2018, 11, 1))
    event = store.create_event("Clinical Senate forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py", event=event.id, stp_code="QKK")

    assert [t.value for t in at.title] == ["Forum: your table"]
    assert at.selectbox(key="forum_table_event").value == event.id
    assert at.selectbox(key="forum_table_stp").value == "QKK"
    fill_table_form(at)
    submit(at)

    assert "saved" in at.success[0].value
    stored = store.read_submissions(event.id)
    assert len(stored) == 1
    row = stored.iloc[0]
    assert (row["stp_code"], row["score_data"], row["gp_present"], row["gp_know"], row["gp_own"]) == ("QKK", 4, 5, 3, 2)
    assert row["barriers"] == ("workforce",)
    assert row["next_steps"] == "Meet the CCG in May."


def test_without_a_link_no_stp_is_chosen_for_the_table(store):
    store.create_event("Clinical Senate forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py")

    assert at.selectbox(key="forum_table_stp").value is None
    assert not at.get("form")
    assert "Choose your table's STP" in at.info[0].value


def test_double_submit_is_stored_once_and_a_new_answer_is_stored_again(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py", event=event.id, stp_code="QWE")
    fill_table_form(at)
    submit(at)
    submit(at)  # the same form sent again: the same submission token

    assert store.count_submissions(event.id) == 1
    assert "counted once" in at.info[0].value

    at.button(key="forum_start_new_answer").click().run()
    assert at.text_area(key="forum_table_next_steps").value == ""
    fill_table_form(at, next_steps="A second table from South West London.")
    submit(at)
    assert store.count_submissions(event.id) == 2


def test_over_long_next_steps_are_refused_with_a_message_and_not_stored(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py", event=event.id, stp_code="QMJ")
    fill_table_form(at, next_steps="x" * 2001)
    submit(at)

    assert "Next steps is 2,001 characters long; the limit is 2,000" in at.error[0].value
    assert store.count_submissions(event.id) == 0
    assert at.text_area(key="forum_table_next_steps").value == "x" * 2001  # kept in the box to shorten, not cut


def test_a_missing_score_is_asked_for_not_guessed(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py", event=event.id, stp_code="QMJ")
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


def test_wrong_passcode_is_refused_and_the_right_one_opens_the_controls():
    at = open_page("forum_facilitator.py")
    assert "forum_create_event_submit" not in [button.key for button in at.button]

    at.text_input(key="forum_passcode").input("guess").run()
    assert at.error[0].value == "That passcode is not right."
    assert "forum_create_event_submit" not in [button.key for button in at.button]

    at.text_input(key="forum_passcode").input(PASSCODE).run()
    assert not at.error
    assert "forum_create_event_submit" in [button.key for button in at.button]


def test_facilitator_creates_an_event_gets_table_links_and_deletes_it(store):
    at = open_page("forum_facilitator.py")
    at.text_input(key="forum_passcode").input(PASSCODE).run()
    at.text_input(key="forum_event_name").input("Clinical Senate forum")
    at.date_input(key="forum_event_date").set_value(dt.date(2019, 3, 14))
    at.button(key="forum_create_event_submit").click().run()

    (event,) = store.list_events()
    assert (event.name, event.date) == ("Clinical Senate forum", dt.date(2019, 3, 14))
    links = at.dataframe[0].value
    assert f"/forum_table?event={event.id}&stp_code=QKK&stp=QKK" in links["Link for the table"].tolist()
    store.add_submission(event.id, answer("QKK", ("time",)), "one")

    at.checkbox(key="forum_delete_confirm").check().run()
    at.button(key="forum_delete_event").click().run()

    assert "Deleted the event and its 1 answer." in at.success[0].value
    assert store.list_events() == ()


def test_plenary_shows_the_barrier_counts_scores_and_next_steps(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    store.add_submission(event.id, answer("QKK", ("workforce", "time"), next_steps="Share one record."), "a")
    store.add_submission(event.id, answer("QWE", ("workforce",)), "b")
    store.add_submission(event.id, answer("QWE", ("data_it", "workforce")), "c")
    other = store.create_event("Another forum", dt.date(2019, 6, 1))
    store.add_submission(other.id, answer("QMJ", ("funding",)), "d")
    at = open_page("forum_plenary.py", event=event.id)

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
    assert "South East London, Table <b>9</b>: Share one record." in [t.value for t in at.text]


def test_plenary_without_answers_says_so(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    at = open_page("forum_plenary.py", event=event.id)

    assert at.metric[0].value == "0"
    assert "No answers yet" in at.info[0].value
    assert not at.get("plotly_chart")


def test_markup_typed_at_a_table_is_shown_literally_never_as_markdown_or_html(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    at = open_page("forum_table.py", event=event.id, stp_code="QRV")
    fill_table_form(at, next_steps=MARKUP)
    at.text_area(key="forum_table_barrier_text").input(MARKUP)
    submit(at)
    assert store.read_submissions(event.id)["next_steps"].tolist() == [MARKUP]

    at = open_page("forum_plenary.py", event=event.id)
    texts = [t.value for t in at.text]
    assert f"North West London: {MARKUP}" in texts
    assert texts.count(f"North West London: {MARKUP}") == 2  # next steps and other barriers
    assert not [shown for shown in markdown_and_html(at) if "alert(1)" in shown or "bold" in shown]


def test_facilitator_offers_both_downloads_for_the_chosen_event(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    store.add_submission(event.id, answer("QKK", ("estates",), next_steps=MARKUP), "a")
    at = open_page("forum_facilitator.py", event=event.id)
    at.text_input(key="forum_passcode").input(PASSCODE).run()

    labels = [element.proto.label for element in at.get("download_button")]
    assert labels == ["Download every answer (CSV)", "Download vision answers as forum_vision_survey.csv"]
    assert at.metric[0].value == "1"


def test_forum_vision_answers_feed_the_vision_indicator_through_the_yaml(store, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(data_dir))
    event = store.create_event("Forum", dt.date(2019, 5, 14))
    table = TableAnswer(stp_code="QKK", scores={domain.code: 3 for domain in MATURITY_DOMAINS},
                        vision={"gp": RoleCount(8, 5, 3), "practice_staff": RoleCount(4, 1, 0)},
                        barriers=("time",), next_steps="", barrier_text="", table_label="Table 1")
    store.add_submission(event.id, table, "a")
    at = open_page("forum_facilitator.py", event=event.id)
    at.text_input(key="forum_passcode").input(PASSCODE).run()
    at.button(key="forum_use_in_dashboard").click().run()
    assert "Saved" in at.success[0].value
    saved = pd.read_csv(data_dir / "forum_vision_survey.csv")
    assert set(saved["period"]) == {"2019-04-01"}  # the quarter of the event, like the other tables

    st.cache_data.clear()
    overview = open_page("overview.py", indicator="forum_vision_aware", period="2019-04-01")
    stps = overview.dataframe[0].value
    # 12 people at South East London's table, 6 of them know the vision: 50.0%
    assert stps.loc[stps["Area"] == "South East London", "Forum participants who know the STP vision"].iloc[0] == 50.0
