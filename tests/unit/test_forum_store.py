"""The forum store against SQLite (always) and PostgreSQL (when ATSCALE_TEST_DATABASE_URL is set)."""
import datetime as dt
import io
import multiprocessing
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from forum.errors import (
    EventNotFoundError,
    ForumInputError,
    ForumStorageError,
    PasscodeError,
)
from forum.models import MATURITY_DOMAINS, RoleCount, TableAnswer
from forum.store import ForumStore, metadata, open_forum_store, read_database_url

POSTGRES_URL = os.environ.get("ATSCALE_TEST_DATABASE_URL")
THREADS = 16
SUBMISSIONS_PER_THREAD = 25
PASSCODE = "correct horse"


def make_answer(stp_code="QKK", next_steps="Meet monthly.", barriers=("workforce",), **changes) -> TableAnswer:
    fields = {
        "stp_code": stp_code,
        "scores": {domain.code: position for position, domain in enumerate(MATURITY_DOMAINS, start=1)},
        "vision": {"gp": RoleCount(4, 3, 1), "patient_public": RoleCount(2, 0, 0)},
        "barriers": barriers,
        "barrier_text": "Estates are full.",
        "next_steps": next_steps,
        "table_label": "Table 2",
    }
    fields.update(changes)
    return TableAnswer(**fields)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        forum_store = open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path / "forum")}))
    else:
        if not POSTGRES_URL:
            pytest.skip("ATSCALE_TEST_DATABASE_URL is not set (see .ci/postgres.sh)")
        metadata.drop_all(sa.create_engine(POSTGRES_URL))  # a clean database for every test
        forum_store = ForumStore(POSTGRES_URL)
    yield forum_store
    if request.param == "postgresql":
        metadata.drop_all(forum_store.engine)
    forum_store.dispose()


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


def test_unusable_database_setting_is_a_clear_error():
    with pytest.raises(ForumStorageError, match="ATSCALE_DATABASE_URL"):
        ForumStore("nosuchdatabase://somewhere/forum")


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(ForumStorageError, match="Set ATSCALE_FORUM_DIR to a folder the app can write to"):
        open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path / "a-file" / "forum")}))


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(ForumStorageError, match="Could not save to the forum database postgresql"):
        ForumStore("postgresql+psycopg://forum@127.0.0.1:1/forum?connect_timeout=2")


def test_events_are_created_and_listed_newest_first(store):
    march = store.create_event("Clinical Senate forum, March 2019", dt.date(2019, 3, 14))
    june = store.create_event("Follow-up forum", dt.date(2019, 6, 20))

    assert [event.name for event in store.list_events()] == ["Follow-up forum", "Clinical Senate forum, March 2019"]
    assert store.get_event(march.id) == march
    assert june.created_at.tzinfo is not None


def test_event_without_a_name_is_refused(store):
    with pytest.raises(ForumInputError, match="name") as refused:
        store.create_event("   ", dt.date(2019, 3, 14))

    assert refused.value.field == "name"
    assert store.list_events() == ()


def test_answer_is_read_back_exactly_as_typed(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    typed = {
        "barrier_text": "<script>alert(1)</script>\n  **bold** & <b>not bold</b>  ",
        "next_steps": "# Heading?\n- item, \"quoted\", 'single'\n\t£ café 🏥 =SUM(A1:A2)",
        "table_label": "<i>Table 7</i>",
    }
    result = store.add_submission(event.id, make_answer(barriers=("time", "data_it"), **typed), "token-1")
    row = store.read_submissions(event.id).iloc[0]

    assert result.created
    assert row["submission_id"] == result.submission_id
    assert {field: row[field] for field in typed} == typed
    assert row["barriers"] == ("data_it", "time")  # in the list's own order
    assert (row["score_leadership"], row["score_people"]) == (1, 5)
    assert (row["gp_present"], row["gp_know"], row["gp_own"]) == (4, 3, 1)
    assert row["practice_staff_present"] == 0


def test_double_clicked_submit_is_stored_once(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    first = store.add_submission(event.id, make_answer(), "same-token")
    second = store.add_submission(event.id, make_answer(), "same-token")

    assert (first.created, second.created) == (True, False)
    assert second.submission_id == first.submission_id
    assert store.count_submissions(event.id) == 1
    assert store.read_submissions(event.id)["barriers"].tolist() == [("workforce",)]


def test_over_long_text_is_refused_and_nothing_is_stored(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))

    with pytest.raises(ForumInputError, match="2,001 characters long; the limit is 2,000") as refused:
        store.add_submission(event.id, make_answer(next_steps="x" * 2001), "token-long")

    assert refused.value.field == "next_steps"
    assert store.count_submissions(event.id) == 0
    store.add_submission(event.id, make_answer(next_steps="x" * 2000), "token-long")
    assert store.read_submissions(event.id)["next_steps"].tolist() == ["x" * 2000]


def test_answer_for_a_missing_event_is_refused(store):
    with pytest.raises(EventNotFoundError, match="no forum event number 999"):
        store.add_submission(999, make_answer(), "token-1")


def test_delete_event_needs_the_passcode_and_removes_only_that_event(store):
    kept = store.create_event("Kept", dt.date(2019, 3, 14))
    doomed = store.create_event("Doomed", dt.date(2019, 3, 15))
    store.add_submission(kept.id, make_answer(), "kept-1")
    store.add_submission(doomed.id, make_answer(), "doomed-1")
    store.add_submission(doomed.id, make_answer(barriers=("time", "funding")), "doomed-2")

    with pytest.raises(PasscodeError, match="not right"):
        store.delete_event(doomed.id, passcode="guess", expected_passcode=PASSCODE)
    with pytest.raises(PasscodeError, match="ATSCALE_FACILITATOR_PASSCODE"):
        store.delete_event(doomed.id, passcode="", expected_passcode=None)
    assert store.count_submissions(doomed.id) == 2

    assert store.delete_event(doomed.id, passcode=PASSCODE, expected_passcode=PASSCODE) == 2
    assert [event.name for event in store.list_events()] == ["Kept"]
    assert store.count_submissions(doomed.id) == 0
    assert store.read_submissions(kept.id)["barriers"].tolist() == [("workforce",)]
    with pytest.raises(EventNotFoundError):
        store.get_event(doomed.id)
    with pytest.raises(EventNotFoundError):
        store.delete_event(doomed.id, passcode=PASSCODE, expected_passcode=PASSCODE)


def test_export_has_one_row_per_answer_with_barriers_joined_and_text_as_typed(store):
    event = store.create_event("Forum, \"March\"", dt.date(2019, 3, 14))
    store.add_submission(event.id, make_answer("QKK", "Line one\nline two, with comma", ("data_it", "funding")), "a")
    store.add_submission(event.id, make_answer("QWE", "<script>alert(1)</script>", ()), "b")

    exported = pd.read_csv(io.StringIO(store.export_event_csv(event.id)), dtype=str, keep_default_na=False)

    assert exported["stp_name"].tolist() == ["South East London", "South West London"]
    assert exported["barriers"].tolist() == ["Data and IT; Funding", ""]
    assert exported["next_steps"].tolist() == ["Line one\nline two, with comma", "<script>alert(1)</script>"]
    assert exported["event_name"].unique().tolist() == ['Forum, "March"']
    assert exported["score_resources"].tolist() == ["4", "4"]


def test_answers_survive_reopening_the_store(store):
    event = store.create_event("Forum", dt.date(2019, 3, 14))
    store.add_submission(event.id, make_answer(), "token-1")
    reopened = ForumStore(store.engine.url)

    assert reopened.count_submissions(event.id) == 1
    reopened.dispose()


def _submit_many(forum_store, event_id, thread_number, token_prefix):
    results = []
    for number in range(SUBMISSIONS_PER_THREAD):
        answer = make_answer(
            stp_code=("QMJ", "QMF", "QRV", "QKK", "QWE")[thread_number % 5],
            next_steps=f"{token_prefix}{thread_number}-{number}",
            barriers=(("data_it", "workforce", "funding")[number % 3],),
        )
        results.append(forum_store.add_submission(event_id, answer, f"{token_prefix}{thread_number}-{number}"))
    return results


def test_concurrent_submissions_from_many_tables_all_land(store):
    event = store.create_event("Busy forum", dt.date(2019, 3, 14))
    start = threading.Barrier(THREADS)

    def submit(thread_number):
        start.wait()
        return _submit_many(store, event.id, thread_number, "t")

    with ThreadPoolExecutor(THREADS) as pool:
        results = [result for batch in pool.map(submit, range(THREADS)) for result in batch]
    stored = store.read_submissions(event.id)

    expected = {f"t{thread}-{number}" for thread in range(THREADS) for number in range(SUBMISSIONS_PER_THREAD)}
    assert all(result.created for result in results)
    assert len(stored) == THREADS * SUBMISSIONS_PER_THREAD == 400
    assert set(stored["next_steps"]) == expected  # none lost
    assert stored["submission_id"].is_unique and stored["next_steps"].is_unique  # none duplicated
    assert stored["barriers"].map(len).sum() == 400


def test_racing_double_submits_are_stored_once(store):
    event = store.create_event("Double-clicking forum", dt.date(2019, 3, 14))
    start = threading.Barrier(THREADS)

    def submit(thread_number):
        start.wait()
        # Threads 0 and 1, 2 and 3 ... send the same answers with the same tokens at the same time.
        return _submit_many(store, event.id, thread_number - thread_number % 2, "d")

    with ThreadPoolExecutor(THREADS) as pool:
        results = [result for batch in pool.map(submit, range(THREADS)) for result in batch]
    stored = store.read_submissions(event.id)

    assert len(stored) == THREADS // 2 * SUBMISSIONS_PER_THREAD == 200
    assert sum(result.created for result in results) == 200
    assert {result.submission_id for result in results} == set(stored["submission_id"])
    assert stored["barriers"].map(len).sum() == 200


def _submit_from_another_process(url, event_id, process_number):
    forum_store = ForumStore(url)
    _submit_many(forum_store, event_id, process_number, "p")
    forum_store.dispose()


def test_several_app_processes_share_one_sqlite_file(tmp_path):
    url = read_database_url({"ATSCALE_FORUM_DIR": str(tmp_path)})
    forum_store = open_forum_store(url)
    event = forum_store.create_event("Two laptops", dt.date(2019, 3, 14))
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_submit_from_another_process, args=(url, event.id, n)) for n in range(2)]
    for process in processes:
        process.start()
    _submit_many(forum_store, event.id, 2, "p")
    for process in processes:
        process.join(timeout=120)

    assert [process.exitcode for process in processes] == [0, 0]
    assert forum_store.count_submissions(event.id) == 3 * SUBMISSIONS_PER_THREAD
    forum_store.dispose()
    with sqlite3.connect(sa.make_url(url).database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
