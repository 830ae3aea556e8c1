"""The forum store against SQLite (always) and PostgreSQL (when ATSCALE_TEST_DATABASE_URL is set)."""
import csv
import datetime as dt
import io
import multiprocessing
import os
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import forum.store
from forum.errors import (
    EventNotFoundError,
    ForumInputError,
    ForumStorageError,
    LinkNotFoundError,
    LinkRevokedError,
    PasscodeError,
    PasscodeLockedError,
    TableLimitError,
)
from forum.export import compute_event_export, write_spreadsheet_csv
from forum.models import (
    MATURITY_DOMAINS,
    OVERALL_THROTTLE,
    SESSION_THROTTLE,
    FacilitatorCredentials,
    RoleCount,
    SubmissionLimits,
    TableAnswer,
)
from forum.store import ForumStore, open_forum_store, read_database_url

POSTGRES_URL = os.environ.get("ATSCALE_TEST_DATABASE_URL")
THREADS = 16
SUBMISSIONS_PER_THREAD = 25
PASSCODE = "correct horse"
FACILITATOR = FacilitatorCredentials(PASSCODE, PASSCODE, "facilitator-session")
STPS = {"QMJ": "North Central London", "QMF": "North East London", "QRV": "North West London",
        "QKK": "South East London", "QWE": "South West London"}
NO_LIMITS = SubmissionLimits(per_event=10_000, per_window=10_000, window_seconds=1)


def make_answer(next_steps="Meet monthly.", barriers=("workforce",), **changes) -> TableAnswer:
    fields = {
        "scores": {domain.code: position for position, domain in enumerate(MATURITY_DOMAINS, start=1)},
        "vision": {"gp": RoleCount(4, 3, 1), "patient_public": RoleCount(2, 0, 0)},
        "barriers": barriers,
        "barrier_text": "Estates are full.",
        "next_steps": next_steps,
    }
    fields.update(changes)
    return TableAnswer(**fields)


def _drop_everything(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table in ("submission_barriers", "submissions", "table_links", "barriers", "events", "passcode_attempts",
                      "forum_schema"):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path / "forum")})
        return
    if not POSTGRES_URL:
        pytest.skip("ATSCALE_TEST_DATABASE_URL is not set (see .ci/postgres.sh)")
    _drop_everything(POSTGRES_URL)  # a clean database for every test
    yield POSTGRES_URL
    _drop_everything(POSTGRES_URL)


@pytest.fixture
def store(database_url):
    forum_store = ForumStore(database_url)
    yield forum_store
    forum_store.dispose()


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, moved on by hand: `clock.now += dt.timedelta(seconds=5)`."""
    class Clock:
        now = dt.datetime(2019, 3, 14, 10, 0, tzinfo=dt.UTC)

    monkeypatch.setattr(forum.store, "_utc_now", lambda: Clock.now)
    return Clock


def new_event(store, name="Forum", date=dt.date(2019, 3, 14)):
    return store.create_event(name, date, credentials=FACILITATOR)


def new_link(store, event, stp_code="QKK", label=""):
    return store.issue_table_link(event.id, stp_code, stp_choices=STPS, label=label, credentials=FACILITATOR)


def test_default_database_is_a_sqlite_file_in_forum_data_of_the_repo():
    url = sa.make_url(read_database_url({}))

    assert url.get_backend_name() == "sqlite"
    assert Path(url.database) == Path(__file__).resolve().parents[2] / "forum-data" / "forum.sqlite"


def test_database_url_setting_wins_over_the_folder(tmp_path):
    environ = {"ATSCALE_DATABASE_URL": "postgresql+psycopg://forum@db/forum", "ATSCALE_FORUM_DIR": str(tmp_path)}

    assert read_database_url(environ) == "postgresql+psycopg://forum@db/forum"


def test_sqlite_file_and_folder_are_created_on_first_use_in_wal_mode(tmp_path):
    folder = tmp_path / "not" / "there" / "yet"
    forum_store = open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(folder)}))
    with forum_store.engine.connect() as connection:
        journal_mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    forum_store.dispose()

    assert (folder / "forum.sqlite").is_file()
    assert (journal_mode, busy_timeout, foreign_keys) == ("wal", 30000, 1)


def test_unusable_database_setting_is_a_clear_error_that_does_not_repeat_it():
    with pytest.raises(ForumStorageError, match="ATSCALE_DATABASE_URL cannot be used") as refused:
        ForumStore("nosuchdatabase://secret-host/forum")
    assert "secret-host" not in str(refused.value)


def test_a_folder_that_cannot_be_created_is_a_clear_error_without_its_path(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(ForumStorageError, match="Set ATSCALE_FORUM_DIR to a folder the app can write to") as refused:
        open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path / "a-file" / "forum")}))
    assert str(tmp_path) not in str(refused.value)


def test_unreachable_database_is_a_clear_error_without_its_address():
    with pytest.raises(ForumStorageError, match="Could not save to the forum's database just now") as refused:
        ForumStore("postgresql+psycopg://forum:hunter2@127.0.0.1:1/forum?connect_timeout=2")
    assert not re.search(r"127\.0\.0\.1|hunter2|postgresql|port", str(refused.value))


def test_the_store_says_what_kind_of_database_it_uses_never_where(store):
    assert store.describe() in ("a SQLite file in the forum folder (ATSCALE_FORUM_DIR)",
                                "a postgresql database (ATSCALE_DATABASE_URL)")


def test_events_are_created_with_a_plenary_link_and_listed_newest_first(store):
    march = new_event(store, "Clinical Senate forum, March 2019", dt.date(2019, 3, 14))
    june = new_event(store, "Follow-up forum", dt.date(2019, 6, 20))

    listed = store.list_events(credentials=FACILITATOR)
    assert [event.name for event in listed] == ["Follow-up forum", "Clinical Senate forum, March 2019"]
    assert store.get_event(march.id, credentials=FACILITATOR) == march
    assert june.created_at.tzinfo is not None
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", march.plenary_token)
    assert store.open_plenary(march.plenary_token) == march
    assert march.plenary_token != june.plenary_token


def test_event_without_a_name_is_refused(store):
    with pytest.raises(ForumInputError, match="name") as refused:
        store.create_event("   ", dt.date(2019, 3, 14), credentials=FACILITATOR)

    assert refused.value.field == "name"
    assert store.list_events(credentials=FACILITATOR) == ()


def test_table_links_carry_unguessable_tokens_for_their_event_and_stp(store):
    event = new_event(store)
    issued = store.issue_missing_table_links(event.id, stp_choices=STPS, credentials=FACILITATOR)
    extra = new_link(store, event, "QKK", "Table 7")

    assert [link.stp_code for link in issued] == list(STPS)
    assert [link.stp_name for link in issued] == list(STPS.values())
    tokens = [link.token for link in (*issued, extra)]
    assert len(set(tokens)) == 6 and all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)
    assert not any(token.isdigit() for token in tokens)
    assert extra.table_name == "South East London, Table 7"
    assert store.open_table_link(extra.token) == (extra, event)
    assert store.issue_missing_table_links(event.id, stp_choices=STPS, credentials=FACILITATOR) == ()


def test_a_link_is_only_issued_for_an_stp_of_the_data(store):
    event = new_event(store)
    with pytest.raises(ForumInputError, match="not one of the STPs in the data") as refused:
        store.issue_table_link(event.id, "XYZ", stp_choices=STPS, credentials=FACILITATOR)
    assert refused.value.field == "stp_code"
    england = {"E54000027": "North West London Health and Care Partnership"}
    assert store.issue_table_link(event.id, "E54000027", stp_choices=england, credentials=FACILITATOR).stp_code == (
        "E54000027")


def test_answer_is_read_back_exactly_as_typed_under_its_links_stp_and_table(store):
    event = new_event(store)
    link = new_link(store, event, "QWE", "<i>Table 7</i>")
    typed = {
        "barrier_text": "<script>alert(1)</script>\n  **bold** & <b>not bold</b>  ",
        "next_steps": "# Heading?\n- item, \"quoted\", 'single'\n\t£ café 🏥 =SUM(A1:A2)",
    }
    result = store.add_submission(link.token, make_answer(barriers=("time", "data_it"), **typed), "token-1")
    row = store.read_submissions(event.id).iloc[0]

    assert result.created
    assert row["submission_id"] == result.submission_id
    assert {field: row[field] for field in typed} == typed
    assert (row["stp_code"], row["stp_name"], row["table_label"]) == ("QWE", "South West London", "<i>Table 7</i>")
    assert row["barriers"] == ("data_it", "time")  # in the list's own order
    assert (row["score_leadership"], row["score_people"]) == (1, 5)
    assert (row["gp_present"], row["gp_know"], row["gp_own"]) == (4, 3, 1)
    assert row["practice_staff_present"] == 0


def test_each_answer_lands_in_the_event_of_its_own_link_and_no_other(store):
    events = [new_event(store, f"Event {n}", dt.date(2019, 3, n)) for n in (1, 2, 3)]
    links = {event.id: new_link(store, event, "QKK") for event in events}

    store.add_submission(links[events[1].id].token, make_answer(next_steps="for event 2"), "a")
    store.add_submission(links[events[2].id].token, make_answer(next_steps="for event 3"), "b")
    store.add_submission(links[events[2].id].token, make_answer(next_steps="for event 3 again"), "c")

    assert [store.count_submissions(event.id) for event in events] == [0, 1, 2]
    assert store.read_submissions(events[1].id)["next_steps"].tolist() == ["for event 2"]


def test_a_link_to_a_deleted_event_saves_nothing_anywhere(store):
    older, doomed = new_event(store, "Older"), new_event(store, "Doomed", dt.date(2019, 4, 1))
    new_link(store, older)
    link = new_link(store, doomed)
    store.delete_event(doomed.id, credentials=FACILITATOR)

    with pytest.raises(LinkNotFoundError, match="Not saved. This link is not known"):
        store.add_submission(link.token, make_answer(), "token-1")
    with pytest.raises(LinkNotFoundError):
        store.open_table_link(link.token)
    with pytest.raises(LinkNotFoundError):
        store.open_plenary(doomed.plenary_token)
    assert store.count_submissions(older.id) == 0


@pytest.mark.parametrize("token", ["1", "3", "", "x" * 5000, "²" * 20, "../../etc/passwd", "A" * 31 + "!"])
def test_unknown_or_malformed_link_tokens_are_refused_plainly(store, token):
    with pytest.raises(LinkNotFoundError, match="This link is not known"):
        store.open_table_link(token)
    with pytest.raises(LinkNotFoundError):
        store.add_submission(token, make_answer(), "token-1")
    with pytest.raises(LinkNotFoundError):
        store.open_plenary(token)


def test_a_withdrawn_link_saves_nothing_and_its_new_link_works(store):
    event = new_event(store)
    link = new_link(store, event, "QMF", "Table 2")
    store.add_submission(link.token, make_answer(), "before")
    revoked = store.revoke_table_link(link.id, credentials=FACILITATOR)

    assert revoked.is_revoked
    with pytest.raises(LinkRevokedError, match="withdrawn this link for North East London, Table 2"):
        store.add_submission(link.token, make_answer(), "after")
    with pytest.raises(LinkRevokedError):
        store.open_table_link(link.token)
    replacement = store.reissue_table_link(link.id, credentials=FACILITATOR)
    assert (replacement.stp_code, replacement.label, replacement.event_id) == ("QMF", "Table 2", event.id)
    assert replacement.token != link.token
    store.add_submission(replacement.token, make_answer(), "after")
    assert store.count_submissions(event.id) == 2  # the answer sent before the link was withdrawn stays
    assert [(li.token, li.is_revoked) for li in store.list_table_links(event.id, credentials=FACILITATOR)] == [
        (link.token, True), (replacement.token, False)]


def test_a_new_plenary_link_replaces_the_old_one(store):
    event = new_event(store)
    renewed = store.reissue_plenary_link(event.id, credentials=FACILITATOR)

    assert renewed.plenary_token != event.plenary_token
    assert store.open_plenary(renewed.plenary_token).id == event.id
    with pytest.raises(LinkNotFoundError, match="plenary link is not known"):
        store.open_plenary(event.plenary_token)


def test_double_clicked_submit_is_stored_once(store):
    event = new_event(store)
    link = new_link(store, event)
    first = store.add_submission(link.token, make_answer(), "same-token")
    second = store.add_submission(link.token, make_answer(), "same-token")

    assert (first.created, second.created) == (True, False)
    assert second.submission_id == first.submission_id
    assert store.count_submissions(event.id) == 1
    assert store.read_submissions(event.id)["barriers"].tolist() == [("workforce",)]


def test_over_long_text_is_refused_and_nothing_is_stored(store):
    event = new_event(store)
    link = new_link(store, event)

    with pytest.raises(ForumInputError, match="4,001 characters long; the limit is 4,000") as refused:
        store.add_submission(link.token, make_answer(next_steps="x" * 4001), "token-long")

    assert refused.value.field == "next_steps"
    assert store.count_submissions(event.id) == 0
    store.add_submission(link.token, make_answer(next_steps="x" * 4000), "token-long")
    assert store.read_submissions(event.id)["next_steps"].tolist() == ["x" * 4000]


def test_a_table_sending_too_fast_is_told_to_wait_and_may_send_again_later(store, clock):
    event = new_event(store)
    link, other = new_link(store, event, "QKK"), new_link(store, event, "QWE")
    for number in range(5):
        store.add_submission(link.token, make_answer(), f"quick-{number}")
        clock.now += dt.timedelta(seconds=2)

    with pytest.raises(TableLimitError, match="sent 5 answers in the last 60 seconds. Please wait 50 seconds") as slow:
        store.add_submission(link.token, make_answer(), "quick-5")
    assert slow.value.retry_after_seconds == 50
    store.add_submission(other.token, make_answer(), "other-table")  # another table is not held up
    store.add_submission(link.token, make_answer(), "quick-0")  # a resend of a saved form is not a new answer
    clock.now += dt.timedelta(seconds=50)
    assert store.add_submission(link.token, make_answer(), "quick-5").created
    assert store.count_submissions(event.id) == 7


def test_a_table_can_send_at_most_the_cap_per_event_whatever_the_replica(database_url, clock):
    replicas = [ForumStore(database_url, limits=SubmissionLimits(per_event=4, per_window=100)) for _ in range(2)]
    event = new_event(replicas[0])
    link = new_link(replicas[0], event)
    for number in range(4):
        replicas[number % 2].add_submission(link.token, make_answer(), f"answer-{number}")

    for replica in replicas:
        with pytest.raises(TableLimitError, match="already sent 4 answers to this event, the most one table can send"):
            replica.add_submission(link.token, make_answer(), "answer-5")
    assert replicas[1].count_submissions(event.id) == 4
    for replica in replicas:
        replica.dispose()


def test_the_rate_limit_holds_across_replicas(database_url, clock):
    replicas = [ForumStore(database_url) for _ in range(2)]
    event = new_event(replicas[0])
    link = new_link(replicas[0], event)
    for number in range(5):
        replicas[number % 2].add_submission(link.token, make_answer(), f"answer-{number}")

    with pytest.raises(TableLimitError, match="Please wait 60 seconds"):
        replicas[1].add_submission(link.token, make_answer(), "answer-5")
    for replica in replicas:
        replica.dispose()


def test_delete_event_needs_the_passcode_and_removes_only_that_event(store):
    kept, doomed = new_event(store, "Kept"), new_event(store, "Doomed", dt.date(2019, 3, 15))
    kept_link, doomed_link = new_link(store, kept), new_link(store, doomed)
    store.add_submission(kept_link.token, make_answer(), "kept-1")
    store.add_submission(doomed_link.token, make_answer(), "doomed-1")
    store.add_submission(doomed_link.token, make_answer(barriers=("time", "funding")), "doomed-2")

    with pytest.raises(PasscodeError, match="not right"):
        store.delete_event(doomed.id, credentials=FacilitatorCredentials("guess", PASSCODE, "s1"))
    with pytest.raises(PasscodeError, match="ATSCALE_FACILITATOR_PASSCODE"):
        store.delete_event(doomed.id, credentials=FacilitatorCredentials("", None, "s1"))
    assert store.count_submissions(doomed.id) == 2

    assert store.delete_event(doomed.id, credentials=FACILITATOR) == 2
    assert [event.name for event in store.list_events(credentials=FACILITATOR)] == ["Kept"]
    assert store.count_submissions(doomed.id) == 0
    assert store.list_table_links(doomed.id, credentials=FACILITATOR) == ()
    assert store.read_submissions(kept.id)["barriers"].tolist() == [("workforce",)]
    with pytest.raises(EventNotFoundError):
        store.get_event(doomed.id, credentials=FACILITATOR)
    with pytest.raises(EventNotFoundError):
        store.delete_event(doomed.id, credentials=FACILITATOR)


FACILITATOR_ACTIONS = {
    "create_event": lambda s, e, li, c: s.create_event("X", dt.date(2019, 1, 1), credentials=c),
    "list_events": lambda s, e, li, c: s.list_events(credentials=c),
    "get_event": lambda s, e, li, c: s.get_event(e.id, credentials=c),
    "delete_event": lambda s, e, li, c: s.delete_event(e.id, credentials=c),
    "reissue_plenary_link": lambda s, e, li, c: s.reissue_plenary_link(e.id, credentials=c),
    "issue_table_link": lambda s, e, li, c: s.issue_table_link(e.id, "QKK", stp_choices=STPS, credentials=c),
    "issue_missing_table_links": lambda s, e, li, c: s.issue_missing_table_links(e.id, stp_choices=STPS, credentials=c),
    "list_table_links": lambda s, e, li, c: s.list_table_links(e.id, credentials=c),
    "revoke_table_link": lambda s, e, li, c: s.revoke_table_link(li.id, credentials=c),
    "reissue_table_link": lambda s, e, li, c: s.reissue_table_link(li.id, credentials=c),
}


@pytest.mark.parametrize("action", FACILITATOR_ACTIONS)
def test_every_facilitator_action_checks_the_passcode_itself(store, action):
    event = new_event(store)
    link = new_link(store, event)
    for wrong in (FacilitatorCredentials("guess", PASSCODE, "s1"), FacilitatorCredentials(None, PASSCODE, "s1"),
                  FacilitatorCredentials(PASSCODE, None, "s1")):
        with pytest.raises(PasscodeError):
            FACILITATOR_ACTIONS[action](store, event, link, wrong)
    assert store.list_table_links(event.id, credentials=FACILITATOR) == (link,)
    assert store.list_events(credentials=FACILITATOR) == (event,)
    FACILITATOR_ACTIONS[action](store, event, link, FACILITATOR)


def _wrong(session: str) -> FacilitatorCredentials:
    return FacilitatorCredentials("guess", PASSCODE, session)


def test_wrong_passcodes_in_one_session_back_off_then_lock_it_out(store, clock):
    for _ in range(SESSION_THROTTLE.free_failures - 1):
        with pytest.raises(PasscodeError, match="^That passcode is not right. Nothing was changed.$"):
            store.unlock_facilitator(_wrong("s1"))
    with pytest.raises(PasscodeError, match="Wait 1 second before the next try"):
        store.unlock_facilitator(_wrong("s1"))
    with pytest.raises(PasscodeLockedError, match="Wait 1 second, then try again") as locked:
        store.unlock_facilitator(FacilitatorCredentials(PASSCODE, PASSCODE, "s1"))  # even the right one waits
    assert locked.value.retry_after_seconds == 1
    waits = []
    for _ in range(SESSION_THROTTLE.lockout_after - SESSION_THROTTLE.free_failures):
        clock.now += dt.timedelta(seconds=locked.value.retry_after_seconds)
        with pytest.raises(PasscodeError):
            store.unlock_facilitator(_wrong("s1"))
        with pytest.raises(PasscodeLockedError) as locked:
            store.unlock_facilitator(_wrong("s1"))
        waits.append(locked.value.retry_after_seconds)

    assert waits == [2, 4, 8, 16, 32, 60, 900]  # doubling, at most a minute, then locked for 15 minutes
    store.unlock_facilitator(FacilitatorCredentials(PASSCODE, PASSCODE, "s2"))  # another session is not held up
    clock.now += dt.timedelta(minutes=15)
    store.unlock_facilitator(FacilitatorCredentials(PASSCODE, PASSCODE, "s1"))


def test_wrong_passcodes_from_many_sessions_and_replicas_lock_everyone_out_but_the_signed_in(database_url, clock):
    replicas = [ForumStore(database_url) for _ in range(2)]
    signed_in = FacilitatorCredentials(PASSCODE, PASSCODE, "the-facilitator")
    replicas[0].unlock_facilitator(signed_in)
    for attempt in range(OVERALL_THROTTLE.free_failures):  # a new session for every guess: no session backoff
        with pytest.raises(PasscodeError):
            replicas[attempt % 2].unlock_facilitator(_wrong(f"guesser-{attempt}"))

    with pytest.raises(PasscodeLockedError, match="Wait 1 second"):
        replicas[1].unlock_facilitator(_wrong("yet-another-session"))
    with pytest.raises(PasscodeLockedError):
        replicas[0].unlock_facilitator(FacilitatorCredentials(PASSCODE, PASSCODE, "new-session"))
    assert replicas[1].list_events(credentials=signed_in) == ()  # the facilitator already signed in carries on
    replicas[0].lock_facilitator("the-facilitator")
    with pytest.raises(PasscodeLockedError):
        replicas[1].list_events(credentials=signed_in)
    clock.now += dt.timedelta(seconds=OVERALL_THROTTLE.forget_after_seconds)
    replicas[1].unlock_facilitator(signed_in)
    for replica in replicas:
        replica.dispose()


def test_the_overall_backoff_doubles_up_to_its_lockout():
    waits = [OVERALL_THROTTLE.wait_seconds(failures) for failures in (19, 20, 21, 28, 29, 49, 50)]
    assert waits == [0, 1, 2, 256, 300, 300, 1800]


def test_plenary_summary_sums_in_the_database(store):
    event, other = new_event(store), new_event(store, "Other")
    qkk, qwe = new_link(store, event, "QKK", "Table 1"), new_link(store, event, "QWE")
    scores = {domain.code: 3 for domain in MATURITY_DOMAINS}
    store.add_submission(qkk.token, make_answer(scores={**scores, "leadership": 4}, barriers=("workforce", "time"),
                                                next_steps="First\nline two", vision={"gp": RoleCount(5, 3, 2)}), "a")
    store.add_submission(qkk.token, make_answer(scores={**scores, "leadership": 5}, barriers=("workforce",),
                                                next_steps="   ", barrier_text="", vision={}), "b")
    store.add_submission(qwe.token, make_answer(scores={**scores, "leadership": 1}, barriers=(),
                                                next_steps="y" * 500), "c")
    store.add_submission(new_link(store, other).token, make_answer(barriers=("funding",)), "d")

    summary = store.read_plenary_summary(event.id, preview_count=2, preview_chars=100)
    assert (summary.answers, summary.stp_names) == (3, {"QKK": "South East London", "QWE": "South West London"})
    leadership = summary.scores[summary.scores["domain_code"] == "leadership"].set_index("stp_code")
    assert leadership["mean_score"].to_dict() == {"QKK": 4.5, "QWE": 1.0}
    assert leadership["n"].to_dict() == {"QKK": 2, "QWE": 1}
    assert dict(summary.barrier_counts) == {"workforce": 2, "time": 1}
    gp = summary.vision[summary.vision["role_code"] == "gp"].set_index("stp_code")
    assert gp[["present", "know", "own"]].loc["QKK"].tolist() == [5, 3, 2]
    steps = summary.texts["next_steps"]
    assert steps.written == 2  # the blank answer is not counted
    assert steps.latest["text"].tolist() == ["y" * 101, "First\nline two"]  # newest first, cut to 100 + 1
    assert steps.latest["length"].tolist() == [500, 14]
    assert steps.latest["table_label"].tolist() == ["", "Table 1"]
    assert summary.texts["barrier_text"].written == 2


def test_export_is_spreadsheet_safe_and_reads_back_as_typed(database_url):
    store = ForumStore(database_url, limits=NO_LIMITS)
    event = new_event(store, "Forum, \"March\"")
    link = new_link(store, event, "QKK", "=Table 1")
    typed = ["=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR",
             "Line one\nline two", "Line one\rline two", "CRLF\r\nend", "plain, with comma", "<script>alert(1)</script>"]
    for number, text in enumerate(typed):
        store.add_submission(link.token, make_answer(next_steps=text, barriers=("data_it", "funding")), f"t{number}")

    text = write_spreadsheet_csv(compute_event_export(store.read_submissions(event.id), event, STPS))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    read_back = [dict(zip(header, row)) for row in body]

    assert len(body) == len(typed)  # a line break inside an answer never starts a new row
    assert [row["next_steps"] for row in read_back] == [
        "'=HYPERLINK(\"http://example.org\",\"x\")", "'+1+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rCR",
        "Line one\nline two", "Line one\rline two", "CRLF\r\nend", "plain, with comma", "<script>alert(1)</script>"]
    assert {row["table_label"] for row in read_back} == {"'=Table 1"}
    assert {row["stp_name"] for row in read_back} == {"South East London"}
    assert {row["barriers"] for row in read_back} == {"Data and IT; Funding"}
    assert {row["score_resources"] for row in read_back} == {"4"}
    assert {row["event_name"] for row in read_back} == {'Forum, "March"'}
    # every cell holding CR or LF is quoted; rows end with CRLF
    assert '"Line one\rline two"' in text and '"Line one\nline two"' in text and text.endswith("\r\n")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame["next_steps"].tolist()[6:9] == ["Line one\nline two", "Line one\rline two", "CRLF\r\nend"]
    store.dispose()


def test_answers_survive_reopening_the_store(store):
    event = new_event(store)
    store.add_submission(new_link(store, event).token, make_answer(), "token-1")
    reopened = ForumStore(store.engine.url)

    assert reopened.count_submissions(event.id) == 1
    reopened.dispose()


def _submit_many(forum_store, tokens, thread_number, token_prefix):
    results = []
    for number in range(SUBMISSIONS_PER_THREAD):
        answer = make_answer(next_steps=f"{token_prefix}{thread_number}-{number}",
                             barriers=(("data_it", "workforce", "funding")[number % 3],))
        results.append(forum_store.add_submission(tokens[thread_number % len(tokens)], answer,
                                                  f"{token_prefix}{thread_number}-{number}"))
    return results


def _links_for_every_stp(forum_store, event):
    links = forum_store.issue_missing_table_links(event.id, stp_choices=STPS, credentials=FACILITATOR)
    return [link.token for link in links]


def test_concurrent_submissions_from_many_tables_all_land(database_url):
    busy = ForumStore(database_url, limits=NO_LIMITS)
    event = new_event(busy, "Busy forum")
    tokens = _links_for_every_stp(busy, event)
    start = threading.Barrier(THREADS)

    def submit(thread_number):
        start.wait()
        return _submit_many(busy, tokens, thread_number, "t")

    with ThreadPoolExecutor(THREADS) as pool:
        results = [result for batch in pool.map(submit, range(THREADS)) for result in batch]
    stored = busy.read_submissions(event.id)

    expected = {f"t{thread}-{number}" for thread in range(THREADS) for number in range(SUBMISSIONS_PER_THREAD)}
    assert all(result.created for result in results)
    assert len(stored) == THREADS * SUBMISSIONS_PER_THREAD == 400
    assert set(stored["next_steps"]) == expected  # none lost
    assert stored["submission_id"].is_unique and stored["next_steps"].is_unique  # none duplicated
    assert stored["barriers"].map(len).sum() == 400
    busy.dispose()


def test_racing_double_submits_are_stored_once(database_url):
    busy = ForumStore(database_url, limits=NO_LIMITS)
    event = new_event(busy, "Double-clicking forum")
    tokens = _links_for_every_stp(busy, event)
    start = threading.Barrier(THREADS)

    def submit(thread_number):
        start.wait()
        # Threads 0 and 1, 2 and 3 ... send the same answers with the same tokens at the same time.
        return _submit_many(busy, tokens, thread_number - thread_number % 2, "d")

    with ThreadPoolExecutor(THREADS) as pool:
        results = [result for batch in pool.map(submit, range(THREADS)) for result in batch]
    stored = busy.read_submissions(event.id)

    assert len(stored) == THREADS // 2 * SUBMISSIONS_PER_THREAD == 200
    assert sum(result.created for result in results) == 200
    assert {result.submission_id for result in results} == set(stored["submission_id"])
    assert stored["barriers"].map(len).sum() == 200
    busy.dispose()


def _submit_from_another_process(url, tokens, process_number):
    forum_store = ForumStore(url, limits=NO_LIMITS)
    _submit_many(forum_store, tokens, process_number, "p")
    forum_store.dispose()


def test_several_app_processes_share_one_sqlite_file(tmp_path):
    url = read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path)})
    forum_store = open_forum_store(url, limits=NO_LIMITS)
    event = new_event(forum_store, "Two laptops")
    tokens = _links_for_every_stp(forum_store, event)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_submit_from_another_process, args=(url, tokens, n)) for n in range(2)]
    for process in processes:
        process.start()
    _submit_many(forum_store, tokens, 2, "p")
    for process in processes:
        process.join(timeout=120)

    assert [process.exitcode for process in processes] == [0, 0]
    assert forum_store.count_submissions(event.id) == 3 * SUBMISSIONS_PER_THREAD
    forum_store.dispose()
    with sqlite3.connect(sa.make_url(url).database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# The schema before table links (version 1), as the app created it until then.
LEGACY = sa.MetaData()
sa.Table("events", LEGACY, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)),
         sa.Column("date", sa.Date), sa.Column("created_at", sa.DateTime(timezone=True)))
sa.Table("barriers", LEGACY, sa.Column("code", sa.String(32), primary_key=True), sa.Column("label", sa.String(100)),
         sa.Column("position", sa.Integer))
sa.Table("submissions", LEGACY, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), index=True),
         sa.Column("stp_code", sa.String(3)), sa.Column("table_label", sa.String(100)),
         sa.Column("submission_token", sa.String(64), unique=True), sa.Column("created_at", sa.DateTime(timezone=True)),
         *(sa.Column(column, sa.Integer) for column in forum.store.SCORE_COLUMNS + forum.store.COUNT_COLUMNS),
         sa.Column("barrier_text", sa.Text), sa.Column("next_steps", sa.Text))
sa.Table("submission_barriers", LEGACY, sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"),
                                                  primary_key=True),
         sa.Column("barrier_code", sa.String(32), sa.ForeignKey("barriers.code"), primary_key=True))


def test_a_database_from_before_table_links_is_brought_up_to_date_keeping_its_answers(database_url):
    if sa.make_url(database_url).get_backend_name() == "sqlite":
        Path(sa.make_url(database_url).database).parent.mkdir(parents=True)
    engine = sa.create_engine(database_url)
    LEGACY.create_all(engine)
    answer_row = {"stp_code": "QKK", "table_label": "Table 9", "submission_token": "old",
                  "created_at": dt.datetime(2019, 3, 14, 10, tzinfo=dt.UTC), "barrier_text": "", "next_steps": "Old",
                  **{column: 3 for column in forum.store.SCORE_COLUMNS}, **{c: 0 for c in forum.store.COUNT_COLUMNS}}
    with engine.begin() as connection:
        event_id = connection.execute(LEGACY.tables["events"].insert().values(
            name="March", date=dt.date(2019, 3, 14), created_at=dt.datetime(2019, 3, 1, tzinfo=dt.UTC))).inserted_primary_key[0]
        connection.execute(LEGACY.tables["barriers"].insert().values(code="time", label="Time", position=7))
        answer_id = connection.execute(LEGACY.tables["submissions"].insert().values(
            event_id=event_id, **answer_row)).inserted_primary_key[0]
        connection.execute(LEGACY.tables["submission_barriers"].insert().values(submission_id=answer_id,
                                                                                barrier_code="time"))
    engine.dispose()

    upgraded = ForumStore(database_url)
    (event,) = upgraded.list_events(credentials=FACILITATOR)
    assert upgraded.schema_version() == 2
    assert (event.name, upgraded.open_plenary(event.plenary_token).id) == ("March", event_id)
    old = upgraded.read_submissions(event_id)
    assert old[["stp_code", "stp_name", "table_label", "next_steps"]].values.tolist() == [["QKK", "", "Table 9", "Old"]]
    assert old["barriers"].tolist() == [("time",)]
    assert upgraded.read_plenary_summary(event_id).answers == 1
    link = upgraded.issue_table_link(event_id, "E54000027", stp_choices={"E54000027": "North West London"},
                                     credentials=FACILITATOR)
    upgraded.add_submission(link.token, make_answer(), "new")
    assert upgraded.count_submissions(event_id) == 2
    upgraded.dispose()
    again = ForumStore(database_url)  # opening it again changes nothing
    assert again.schema_version() == 2 and again.count_submissions(event_id) == 2
    again.dispose()
