"""The forum store: events and table answers in any SQLAlchemy database (a SQLite file in WAL mode by default).

Nothing is lost: every write is one transaction; a submit carries a token generated when the form was shown,
so a double-clicked or retried submit is stored once (unique constraint, ON CONFLICT DO NOTHING).
"""
import datetime as dt
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from forum.access import verify_passcode
from forum.errors import EventNotFoundError, ForumStorageError
from forum.export import compute_event_export
from forum.models import (
    BARRIERS,
    COUNT_COLUMNS,
    MATURITY_DOMAINS,
    MAX_EVENT_NAME_CHARS,
    MAX_PEOPLE_PER_ROLE,
    MAX_SCORE,
    MAX_TABLE_LABEL_CHARS,
    MAX_TOKEN_CHARS,
    MIN_SCORE,
    ROLES,
    SCORE_COLUMNS,
    Event,
    SaveResult,
    TableAnswer,
    count_column,
    score_column,
)
from forum.validation import (
    validate_event_fields,
    validate_table_answer,
    validate_token,
)

DATABASE_URL_SETTING = "ATSCALE_DATABASE_URL"
FORUM_DIR_SETTING = "ATSCALE_FORUM_DIR"
DEFAULT_FORUM_DIR = Path(__file__).resolve().parents[1] / "forum-data"
SQLITE_FILE_NAME = "forum.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(MAX_EVENT_NAME_CHARS), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

barriers = sa.Table(
    "barriers",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("stp_code", sa.String(3), nullable=False),
    sa.Column("table_label", sa.String(MAX_TABLE_LABEL_CHARS), nullable=False),
    sa.Column("submission_token", sa.String(MAX_TOKEN_CHARS), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    *(
        sa.Column(column, sa.SmallInteger, sa.CheckConstraint(f"{column} BETWEEN {MIN_SCORE} AND {MAX_SCORE}"), nullable=False)
        for column in SCORE_COLUMNS
    ),
    *(
        sa.Column(column, sa.Integer, sa.CheckConstraint(f"{column} BETWEEN 0 AND {MAX_PEOPLE_PER_ROLE}"), nullable=False)
        for column in COUNT_COLUMNS
    ),
    sa.Column("barrier_text", sa.Text, nullable=False),
    sa.Column("next_steps", sa.Text, nullable=False),
)

submission_barriers = sa.Table(
    "submission_barriers",
    metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("barrier_code", sa.String(32), sa.ForeignKey("barriers.code"), primary_key=True),
)

SUBMISSION_COLUMNS = (
    "submission_id", "event_id", "stp_code", "table_label", "created_at",
    *SCORE_COLUMNS, *COUNT_COLUMNS, "barriers", "barrier_text", "next_steps",
)


def read_database_url(environ: Mapping[str, str] | None = None) -> str:
    """ATSCALE_DATABASE_URL if set, else a SQLite file forum.sqlite in ATSCALE_FORUM_DIR (default forum-data/)."""
    environ = os.environ if environ is None else environ
    url = environ.get(DATABASE_URL_SETTING, "").strip()
    if url:
        return url
    folder = Path(environ.get(FORUM_DIR_SETTING, "").strip() or DEFAULT_FORUM_DIR).expanduser().resolve()
    return sa.URL.create("sqlite+pysqlite", database=str(folder / SQLITE_FILE_NAME)).render_as_string()


def new_submission_token() -> str:
    """A fresh token for one showing of the answer form (128 random bits)."""
    return secrets.token_hex(16)


def open_forum_store(url: str | None = None) -> "ForumStore":
    """Open (and on first use create) the forum database named by `url` or by the environment."""
    return ForumStore(url or read_database_url())


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes; everything is written in UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _create_sqlite_engine(url: sa.URL) -> sa.Engine:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise ForumStorageError(f"The forum needs a SQLite file, not {url.database or 'an in-memory database'!r}.")
    folder = Path(url.database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ForumStorageError(
            f"Cannot create the forum folder {folder} ({error.strerror}). "
            f"Set {FORUM_DIR_SETTING} to a folder the app can write to."
        ) from error
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_size=8, max_overflow=16)

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Take transaction control from the sqlite3 module so writes can BEGIN IMMEDIATE (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL").fetchall()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # A write takes the write lock up front (waiting up to busy_timeout), so it can never fail
        # half-way with "database is locked" when another writer got in first.
        immediate = connection.get_execution_options().get("forum_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _insert_or_ignore(connection: sa.Connection, table: sa.Table, conflict_columns: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL; None for other databases."""
    dialects = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    insert = dialects.get(connection.dialect.name)
    return None if insert is None else insert(table).on_conflict_do_nothing(index_elements=conflict_columns)


class ForumStore:
    """Events and table answers in one database. Safe to share between threads (one engine, pooled connections)."""

    def __init__(self, url: str | sa.URL):
        parsed = sa.make_url(url)
        try:
            if parsed.get_backend_name() == "sqlite":
                self.engine = _create_sqlite_engine(parsed)
            else:
                self.engine = sa.create_engine(parsed, pool_pre_ping=True, pool_size=8, max_overflow=16)
        except (ImportError, sa.exc.ArgumentError) as error:
            raise ForumStorageError(f"The forum database setting {DATABASE_URL_SETTING} cannot be used: {error}") from error
        self._create_tables()

    def describe(self) -> str:
        """The database URL with any password hidden, for showing to the facilitator."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as connection:
                connection.execution_options(forum_write=write)
                with connection.begin():
                    yield connection
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as error:
            action = "save to" if write else "read from"
            reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
            raise ForumStorageError(
                f"Could not {action} the forum database {self.describe()} just now ({reason}). "
                "Nothing was half-saved; please try again."
            ) from error

    def _create_tables(self) -> None:
        for attempt in (1, 2):
            try:
                with self._transaction(write=True) as connection:
                    metadata.create_all(connection)
                    self._seed_barriers(connection)
                return
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError, ForumStorageError):
                # Another app instance created the tables at the same moment; the second pass finds them.
                if attempt == 2:
                    raise

    @staticmethod
    def _seed_barriers(connection: sa.Connection) -> None:
        rows = [{"code": b.code, "label": b.label, "position": i} for i, b in enumerate(BARRIERS, start=1)]
        statement = _insert_or_ignore(connection, barriers, ["code"])
        if statement is not None:
            connection.execute(statement, rows)
            return
        existing = set(connection.scalars(sa.select(barriers.c.code)))
        missing = [row for row in rows if row["code"] not in existing]
        if missing:
            connection.execute(sa.insert(barriers), missing)

    def create_event(self, name: str, date: dt.date) -> Event:
        """Create a forum event; raises ForumInputError for a blank or over-long name."""
        name, date = validate_event_fields(name, date)
        created_at = _utc_now()
        with self._transaction(write=True) as connection:
            event_id = connection.execute(
                sa.insert(events).values(name=name, date=date, created_at=created_at).returning(events.c.id)
            ).scalar_one()
        return Event(event_id, name, date, created_at)

    def list_events(self) -> tuple[Event, ...]:
        """All events, the most recent date first."""
        with self._transaction(write=False) as connection:
            rows = connection.execute(sa.select(events).order_by(events.c.date.desc(), events.c.id.desc())).all()
        return tuple(Event(row.id, row.name, row.date, _as_utc(row.created_at)) for row in rows)

    def get_event(self, event_id: int) -> Event:
        """The event, or EventNotFoundError."""
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(events).where(events.c.id == event_id)).first()
        if row is None:
            raise EventNotFoundError(f"There is no forum event number {event_id}; it may have been deleted.")
        return Event(row.id, row.name, row.date, _as_utc(row.created_at))

    def delete_event(self, event_id: int, *, passcode: str | None, expected_passcode: str | None) -> int:
        """Delete an event and all its answers; returns how many answers went. Needs the facilitator passcode."""
        verify_passcode(passcode, expected_passcode)
        event_submissions = sa.select(submissions.c.id).where(submissions.c.event_id == event_id)
        with self._transaction(write=True) as connection:
            connection.execute(
                sa.delete(submission_barriers).where(submission_barriers.c.submission_id.in_(event_submissions))
            )
            removed = connection.execute(sa.delete(submissions).where(submissions.c.event_id == event_id)).rowcount
            if connection.execute(sa.delete(events).where(events.c.id == event_id)).rowcount == 0:
                raise EventNotFoundError(f"There is no forum event number {event_id}; it may have been deleted already.")
        return removed

    def add_submission(self, event_id: int, answer: TableAnswer, token: str) -> SaveResult:
        """Store one table's answer once per token; raises ForumInputError, EventNotFoundError or ForumStorageError."""
        answer = validate_table_answer(answer)
        token = validate_token(token)
        row = {
            "event_id": event_id,
            "stp_code": answer.stp_code,
            "table_label": answer.table_label,
            "submission_token": token,
            "created_at": _utc_now(),
            **{score_column(domain.code): answer.scores[domain.code] for domain in MATURITY_DOMAINS},
            **{
                count_column(role.code, measure): getattr(answer.vision[role.code], measure)
                for role in ROLES
                for measure in ("present", "know", "own")
            },
            "barrier_text": answer.barrier_text,
            "next_steps": answer.next_steps,
        }
        try:
            with self._transaction(write=True) as connection:
                if connection.execute(sa.select(events.c.id).where(events.c.id == event_id)).first() is None:
                    raise EventNotFoundError(f"There is no forum event number {event_id}; ask the facilitator for the link.")
                submission_id = self._insert_submission(connection, row)
                if submission_id is None:
                    existing = connection.execute(
                        sa.select(submissions.c.id).where(submissions.c.submission_token == token)
                    ).scalar_one()
                    return SaveResult(existing, created=False)
                if answer.barriers:
                    connection.execute(
                        sa.insert(submission_barriers),
                        [{"submission_id": submission_id, "barrier_code": code} for code in answer.barriers],
                    )
        except sa.exc.IntegrityError as error:
            # The event was deleted between our check and the insert (PostgreSQL checks the foreign key at insert).
            raise EventNotFoundError(f"Forum event number {event_id} was deleted; the answer was not saved.") from error
        return SaveResult(submission_id, created=True)

    @staticmethod
    def _insert_submission(connection: sa.Connection, row: dict) -> int | None:
        """The new row's id, or None when this token is already stored."""
        statement = _insert_or_ignore(connection, submissions, ["submission_token"])
        if statement is not None:
            return connection.execute(statement.values(row).returning(submissions.c.id)).scalar_one_or_none()
        try:
            with connection.begin_nested():
                return connection.execute(sa.insert(submissions).values(row).returning(submissions.c.id)).scalar_one()
        except sa.exc.IntegrityError:
            token_stored = sa.select(submissions.c.id).where(submissions.c.submission_token == row["submission_token"])
            if connection.execute(token_stored).first() is None:
                raise
            return None

    def count_submissions(self, event_id: int) -> int:
        with self._transaction(write=False) as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(submissions).where(submissions.c.event_id == event_id)
            ).scalar_one()

    def read_submissions(self, event_id: int) -> pd.DataFrame:
        """One row per stored answer (oldest first), columns SUBMISSION_COLUMNS; `barriers` is a tuple of codes."""
        chosen = (
            sa.select(submission_barriers.c.submission_id, submission_barriers.c.barrier_code)
            .join(submissions, submissions.c.id == submission_barriers.c.submission_id)
            .join(barriers, barriers.c.code == submission_barriers.c.barrier_code)
            .where(submissions.c.event_id == event_id)
            .order_by(submission_barriers.c.submission_id, barriers.c.position)
        )
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                sa.select(submissions).where(submissions.c.event_id == event_id).order_by(submissions.c.id)
            ).mappings().all()
            barrier_rows = connection.execute(chosen).all()
        chosen_by_submission: dict[int, list[str]] = {}
        for submission_id, code in barrier_rows:
            chosen_by_submission.setdefault(submission_id, []).append(code)
        records = [
            {
                **{key: value for key, value in row.items() if key not in ("id", "submission_token")},
                "submission_id": row["id"],
                "created_at": _as_utc(row["created_at"]),
                "barriers": tuple(chosen_by_submission.get(row["id"], ())),
            }
            for row in rows
        ]
        frame = pd.DataFrame.from_records(records, columns=list(SUBMISSION_COLUMNS))
        numeric = list(SCORE_COLUMNS) + list(COUNT_COLUMNS) + ["submission_id", "event_id"]
        frame[numeric] = frame[numeric].astype("int64")
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype("datetime64[us, UTC]")
        text = ["stp_code", "table_label", "barrier_text", "next_steps"]
        frame[text] = frame[text].astype("str")
        return frame

    def export_event_csv(self, event_id: int) -> str:
        """The event as CSV text: one row per answer, barriers joined with "; ", free text exactly as typed."""
        event = self.get_event(event_id)
        return compute_event_export(self.read_submissions(event_id), event).to_csv(index=False)
