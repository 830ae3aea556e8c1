"""The forum store: events, table links and answers in any SQLAlchemy database (a SQLite file in WAL mode by
default, PostgreSQL for several app replicas).

An answer is only ever saved through a table link's token: the event and the STP table are the link's, looked up
in the same transaction that saves the answer, so no other event can be chosen for it. Everything that must hold
across app replicas lives in the database: the per-table rate limit and cap, and the count of wrong facilitator
passcodes. Every facilitator action takes the passcode and checks it here, on the server.

Nothing is lost: every write is one transaction; a submit carries a token generated when the form was shown,
so a double-clicked or retried submit is stored once (unique constraint, ON CONFLICT DO NOTHING).
"""
import datetime as dt
import logging
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from forum.access import (
    HOW_TO_SET_PASSCODE,
    check_passcode,
    compute_current_failures,
    compute_retry_after,
    format_wait,
)
from forum.aggregation import FREE_TEXT_FIELDS, PREVIEW_CHARS, PREVIEW_COUNT, PlenarySummary, TextPreview
from forum.errors import (
    EventNotFoundError,
    ForumStorageError,
    LinkNotFoundError,
    LinkRevokedError,
    PasscodeError,
    PasscodeLockedError,
    TableLimitError,
)
from forum.models import (
    BARRIERS,
    COUNT_COLUMNS,
    COUNT_MEASURES,
    LINK_TOKEN_BYTES,
    MATURITY_DOMAINS,
    MAX_AREA_CODE_CHARS,
    MAX_AREA_NAME_CHARS,
    MAX_EVENT_NAME_CHARS,
    MAX_PEOPLE_PER_ROLE,
    MAX_SCORE,
    MAX_TABLE_LABEL_CHARS,
    MAX_TOKEN_CHARS,
    MIN_SCORE,
    OVERALL_THROTTLE,
    ROLES,
    SCORE_COLUMNS,
    SESSION_THROTTLE,
    Event,
    FacilitatorCredentials,
    SaveResult,
    SubmissionLimits,
    TableAnswer,
    TableLink,
    count_column,
    score_column,
)
from forum.validation import (
    UNKNOWN_LINK,
    validate_event_fields,
    validate_link_token,
    validate_stp_choice,
    validate_table_answer,
    validate_table_label,
    validate_token,
)

DATABASE_URL_SETTING = "ATSCALE_DATABASE_URL"
FORUM_DIR_SETTING = "ATSCALE_FORUM_DIR"
DEFAULT_FORUM_DIR = Path(__file__).resolve().parents[1] / "forum-data"
SQLITE_FILE_NAME = "forum.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SCHEMA_VERSION = 2  # 1: events and answers only (before table links); 2: table links, plenary links, throttle
SCHEMA_LOCK_KEY = 7_402_117  # PostgreSQL advisory lock taken while one replica creates or migrates the tables
OVERALL_SCOPE = "overall"
UNLOCKED_FOR = dt.timedelta(hours=12)  # a facilitator's session needs the passcode again after this
TRY_AGAIN = "Nothing was half-saved; please try again in a moment."

log = logging.getLogger(__name__)
metadata = sa.MetaData()

schema_info = sa.Table(
    "forum_schema",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(MAX_EVENT_NAME_CHARS), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("plenary_token", sa.String(MAX_TOKEN_CHARS)),
    sqlite_autoincrement=True,  # a deleted event's number is never given to a new one
)

barriers = sa.Table(
    "barriers",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

table_links = sa.Table(
    "table_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("stp_code", sa.String(MAX_AREA_CODE_CHARS), nullable=False),
    sa.Column("stp_name", sa.String(MAX_AREA_NAME_CHARS), nullable=False),
    sa.Column("label", sa.String(MAX_TABLE_LABEL_CHARS), nullable=False),
    # Kept as issued, not hashed: the facilitator must be able to show and print the links again; only
    # passcode-checked methods return it.
    sa.Column("token", sa.String(MAX_TOKEN_CHARS), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sqlite_autoincrement=True,
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("stp_code", sa.String(MAX_AREA_CODE_CHARS), nullable=False),
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
    # NULL only for answers saved before table links existed (schema version 1).
    sa.Column("link_id", sa.Integer, sa.ForeignKey("table_links.id", ondelete="CASCADE")),
    sqlite_autoincrement=True,
)

submission_barriers = sa.Table(
    "submission_barriers",
    metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("barrier_code", sa.String(32), sa.ForeignKey("barriers.code"), primary_key=True),
)

passcode_attempts = sa.Table(
    "passcode_attempts",
    metadata,
    sa.Column("scope", sa.String(80), primary_key=True),  # "overall", or "session:<random session id>"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=True)),
    sa.Column("unlocked_at", sa.DateTime(timezone=True)),
)

# Named here (not unique=True on the column) so the migration from version 1 creates the very same indexes.
PLENARY_TOKEN_INDEX = sa.Index("ix_events_plenary_token", events.c.plenary_token, unique=True)
LINK_TIME_INDEX = sa.Index("ix_submissions_link_created", submissions.c.link_id, submissions.c.created_at)

SUBMISSION_COLUMNS = (
    "submission_id", "event_id", "stp_code", "stp_name", "table_label", "created_at",
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


def new_link_token() -> str:
    """An unguessable token for a table or plenary link (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def open_forum_store(url: str | None = None, **options) -> "ForumStore":
    """Open (and on first use create, or bring up to date) the forum database named by `url` or by the environment."""
    return ForumStore(url or read_database_url(), **options)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite gives back naive datetimes; everything is written in UTC.
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _create_sqlite_engine(url: sa.URL) -> sa.Engine:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise ForumStorageError("The forum needs a SQLite file, not an in-memory database. Set "
                                f"{FORUM_DIR_SETTING} to a folder, or {DATABASE_URL_SETTING} to a database.")
    folder = Path(url.database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.error("Cannot create the forum folder %s: %s", folder, error)
        raise ForumStorageError(
            f"The forum's folder cannot be created. Set {FORUM_DIR_SETTING} to a folder the app can write to "
            "(the server's log says which folder was tried)."
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
        # half-way with "database is locked" when another writer got in first. It also makes every
        # check-then-write below (rate limit, cap, passcode count) atomic across processes.
        immediate = connection.get_execution_options().get("forum_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _insert_or_ignore(connection: sa.Connection, table: sa.Table, conflict_columns: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL; None for other databases."""
    dialects = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    insert = dialects.get(connection.dialect.name)
    return None if insert is None else insert(table).on_conflict_do_nothing(index_elements=conflict_columns)


def _event_from_row(row) -> Event:
    return Event(row.id, row.name, row.date, _as_utc(row.created_at), row.plenary_token)


def _link_from_row(row) -> TableLink:
    return TableLink(row.id, row.event_id, row.stp_code, row.stp_name, row.label, row.token, _as_utc(row.created_at),
                     _as_utc(row.revoked_at))


class ForumStore:
    """Events, table links and answers in one database. Safe to share between threads (one engine, pooled
    connections) and between app replicas on one database (every limit and count is in the database)."""

    def __init__(self, url: str | sa.URL, *, limits: SubmissionLimits | None = None):
        self.limits = limits or SubmissionLimits()
        try:
            parsed = sa.make_url(url)
            if parsed.get_backend_name() == "sqlite":
                self.engine = _create_sqlite_engine(parsed)
            else:
                self.engine = sa.create_engine(parsed, pool_pre_ping=True, pool_size=8, max_overflow=16)
        except (ImportError, sa.exc.ArgumentError, ValueError) as error:
            log.error("The forum database setting cannot be used: %s", error)
            raise ForumStorageError(f"The forum database setting {DATABASE_URL_SETTING} cannot be used: check its "
                                    "spelling (e.g. postgresql+psycopg://user@host/atscale).") from error
        self._create_or_migrate()

    def describe(self) -> str:
        """What kind of database holds the answers, for the facilitator (never its address or file path)."""
        if self.engine.dialect.name == "sqlite":
            return f"a SQLite file in the forum folder ({FORUM_DIR_SETTING})"
        return f"a {self.engine.dialect.name} database ({DATABASE_URL_SETTING})"

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
            # The driver's text can name the host, port or file: it goes to the log, not to the screen.
            log.error("Forum database error (%s): %s", "write" if write else "read", error.orig)
            action = "save to" if write else "read from"
            raise ForumStorageError(f"Could not {action} the forum's database just now. {TRY_AGAIN}") from error

    # --- schema ---------------------------------------------------------------------------------------------

    def _create_or_migrate(self) -> None:
        """Create the tables, or bring a version 1 database (before table links) up to version 2, keeping its
        events and answers. One replica at a time (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
        with self._transaction(write=True) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
            inspector = sa.inspect(connection)
            existing = set(inspector.get_table_names())
            event_columns = {c["name"] for c in inspector.get_columns("events")} if "events" in existing else set()
            answer_columns = ({c["name"] for c in inspector.get_columns("submissions")}
                              if "submissions" in existing else set())
            metadata.create_all(connection)  # only the tables that are missing
            if event_columns and "plenary_token" not in event_columns:
                self._migrate_events(connection)
            if answer_columns and "link_id" not in answer_columns:
                self._migrate_answers(connection)
            statement = _insert_or_ignore(connection, schema_info, ["id"])
            if statement is not None:
                connection.execute(statement.values(id=1, version=SCHEMA_VERSION))
            elif connection.execute(sa.select(schema_info.c.id)).first() is None:
                connection.execute(sa.insert(schema_info).values(id=1, version=SCHEMA_VERSION))
            connection.execute(sa.update(schema_info).values(version=SCHEMA_VERSION))
            self._seed_barriers(connection)

    @staticmethod
    def _migrate_events(connection: sa.Connection) -> None:
        """Version 1 events get a plenary link each (their old small-number links no longer open anything)."""
        connection.execute(sa.text(f"ALTER TABLE events ADD COLUMN plenary_token VARCHAR({MAX_TOKEN_CHARS})"))
        PLENARY_TOKEN_INDEX.create(connection, checkfirst=True)
        for event_id in connection.scalars(sa.select(events.c.id)).all():
            connection.execute(sa.update(events).where(events.c.id == event_id).values(plenary_token=new_link_token()))
        log.warning("The forum database was brought up to version %s: events kept, each given a plenary link.",
                    SCHEMA_VERSION)

    @staticmethod
    def _migrate_answers(connection: sa.Connection) -> None:
        """Version 1 answers are kept as they are, with no table link; STP codes may now be ONS codes (9 characters)."""
        connection.execute(sa.text("ALTER TABLE submissions ADD COLUMN link_id INTEGER "
                                   "REFERENCES table_links (id) ON DELETE CASCADE"))
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"ALTER TABLE submissions ALTER COLUMN stp_code TYPE VARCHAR({MAX_AREA_CODE_CHARS})"))
        LINK_TIME_INDEX.create(connection, checkfirst=True)

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

    def schema_version(self) -> int:
        with self._transaction(write=False) as connection:
            return connection.execute(sa.select(schema_info.c.version)).scalar_one()

    # --- the facilitator's passcode --------------------------------------------------------------------------

    def unlock_facilitator(self, credentials: FacilitatorCredentials) -> None:
        """Check the passcode for a session, counting wrong ones (per session and overall, in the database).

        Raises PasscodeError (wrong or not configured) or PasscodeLockedError (too many wrong ones: wait).
        """
        self.authorise(credentials)

    def lock_facilitator(self, session_id: str) -> None:
        """Forget that this session was unlocked: its next action needs the passcode again."""
        with self._transaction(write=True) as connection:
            connection.execute(sa.update(passcode_attempts).where(passcode_attempts.c.scope == f"session:{session_id}")
                               .values(unlocked_at=None))

    def authorise(self, credentials: FacilitatorCredentials) -> None:
        """Raise unless the credentials carry the configured passcode and this session may try it now.

        A session that has already unlocked keeps working while others are locked out, so a room of wrong
        guesses cannot stop the facilitator who is signed in; every other attempt waits out the backoff first.
        """
        if not credentials.expected_passcode:
            raise PasscodeError(HOW_TO_SET_PASSCODE)
        correct = check_passcode(credentials.passcode, credentials.expected_passcode)
        session_scope = f"session:{credentials.session_id}"[:80]
        with self._transaction(write=False) as connection:
            session_row = connection.execute(
                sa.select(passcode_attempts).where(passcode_attempts.c.scope == session_scope)).first()
        unlocked_at = _as_utc(session_row.unlocked_at) if session_row is not None else None
        if correct and unlocked_at is not None and _utc_now() - unlocked_at < UNLOCKED_FOR:
            return
        with self._transaction(write=True) as connection:
            outcome = self._record_attempt(connection, session_scope, correct)
        if outcome is not None:
            raise outcome

    def _record_attempt(self, connection: sa.Connection, session_scope: str, correct: bool) -> PasscodeError | None:
        """Count one passcode attempt; returns the error to raise once this transaction is committed (or None)."""
        now = _utc_now()
        statement = _insert_or_ignore(connection, passcode_attempts, ["scope"])
        fresh = [{"scope": scope, "failures": 0} for scope in (OVERALL_SCOPE, session_scope)]
        if statement is not None:
            connection.execute(statement, fresh)
        rows = {row.scope: row for row in connection.execute(
            sa.select(passcode_attempts).where(passcode_attempts.c.scope.in_([OVERALL_SCOPE, session_scope]))
            .with_for_update())}
        for row in fresh:
            if row["scope"] not in rows:  # databases without ON CONFLICT DO NOTHING
                connection.execute(sa.insert(passcode_attempts).values(**row))
        rules = {OVERALL_SCOPE: OVERALL_THROTTLE, session_scope: SESSION_THROTTLE}
        state = {scope: (rows[scope].failures, _as_utc(rows[scope].last_failure_at)) if scope in rows else (0, None)
                 for scope in rules}
        wait = max(compute_retry_after(rules[scope], *state[scope], now) for scope in rules)
        if wait:
            return PasscodeLockedError(f"Too many wrong passcodes have been tried. Wait {format_wait(wait)}, then "
                                       "try again. Nothing was changed.", retry_after_seconds=wait)
        if correct:
            connection.execute(sa.update(passcode_attempts).where(passcode_attempts.c.scope == session_scope)
                               .values(failures=0, last_failure_at=None, unlocked_at=now))
            return None
        for scope, rule in rules.items():
            failures = compute_current_failures(rule, *state[scope], now) + 1
            connection.execute(sa.update(passcode_attempts).where(passcode_attempts.c.scope == scope)
                               .values(failures=failures, last_failure_at=now, unlocked_at=None))
        # Sessions that are long gone leave a row each; tidy them while we are writing anyway.
        connection.execute(sa.delete(passcode_attempts).where(
            passcode_attempts.c.scope.like("session:%"), passcode_attempts.c.scope != session_scope,
            sa.func.coalesce(passcode_attempts.c.last_failure_at, passcode_attempts.c.unlocked_at) < now - UNLOCKED_FOR))
        session_failures = compute_current_failures(SESSION_THROTTLE, *state[session_scope], now) + 1
        wait = SESSION_THROTTLE.wait_seconds(session_failures)
        then = f" Wait {format_wait(wait)} before the next try." if wait else ""
        return PasscodeError(f"That passcode is not right. Nothing was changed.{then}")

    # --- events ---------------------------------------------------------------------------------------------

    def create_event(self, name: str, date: dt.date, *, credentials: FacilitatorCredentials) -> Event:
        """Create a forum event (with its plenary link); raises ForumInputError for a blank or over-long name."""
        name, date = validate_event_fields(name, date)
        self.authorise(credentials)
        created_at = _utc_now()
        token = new_link_token()
        with self._transaction(write=True) as connection:
            event_id = connection.execute(
                sa.insert(events).values(name=name, date=date, created_at=created_at, plenary_token=token)
                .returning(events.c.id)
            ).scalar_one()
        return Event(event_id, name, date, created_at, token)

    def list_events(self, *, credentials: FacilitatorCredentials) -> tuple[Event, ...]:
        """All events, the most recent date first (the facilitator's list: participants never see it)."""
        self.authorise(credentials)
        with self._transaction(write=False) as connection:
            rows = connection.execute(sa.select(events).order_by(events.c.date.desc(), events.c.id.desc())).all()
        return tuple(_event_from_row(row) for row in rows)

    def get_event(self, event_id: int, *, credentials: FacilitatorCredentials) -> Event:
        """The event, or EventNotFoundError."""
        self.authorise(credentials)
        return self._get_event(event_id)

    def _get_event(self, event_id: int) -> Event:
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(events).where(events.c.id == event_id)).first()
        if row is None:
            raise EventNotFoundError("That forum event does not exist; it may have been deleted.")
        return _event_from_row(row)

    def delete_event(self, event_id: int, *, credentials: FacilitatorCredentials) -> int:
        """Delete an event, its links and all its answers; returns how many answers went."""
        self.authorise(credentials)
        event_submissions = sa.select(submissions.c.id).where(submissions.c.event_id == event_id)
        with self._transaction(write=True) as connection:
            connection.execute(
                sa.delete(submission_barriers).where(submission_barriers.c.submission_id.in_(event_submissions))
            )
            removed = connection.execute(sa.delete(submissions).where(submissions.c.event_id == event_id)).rowcount
            connection.execute(sa.delete(table_links).where(table_links.c.event_id == event_id))
            if connection.execute(sa.delete(events).where(events.c.id == event_id)).rowcount == 0:
                raise EventNotFoundError("That forum event does not exist; it may have been deleted already.")
        return removed

    def open_plenary(self, plenary_token: str) -> Event:
        """The event a plenary link opens, or LinkNotFoundError (unknown, re-issued, or its event deleted)."""
        token = validate_link_token(plenary_token)
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(events).where(events.c.plenary_token == token)).first()
        if row is None:
            raise LinkNotFoundError("This plenary link is not known: it may have been replaced by a new one, or its "
                                    "event deleted. Ask the facilitator for the plenary link.")
        return _event_from_row(row)

    def reissue_plenary_link(self, event_id: int, *, credentials: FacilitatorCredentials) -> Event:
        """Give the event a new plenary link; the old one stops working at once."""
        self.authorise(credentials)
        with self._transaction(write=True) as connection:
            if not connection.execute(sa.update(events).where(events.c.id == event_id)
                                      .values(plenary_token=new_link_token())).rowcount:
                raise EventNotFoundError("That forum event does not exist; it may have been deleted.")
        return self._get_event(event_id)

    # --- table links ----------------------------------------------------------------------------------------

    def issue_table_link(self, event_id: int, stp_code: str, *, stp_choices: Mapping[str, str], label: str = "",
                         credentials: FacilitatorCredentials) -> TableLink:
        """A new link for one table of an event: `stp_code` must be one of `stp_choices` (code -> name, from the data)."""
        stp_code, stp_name = validate_stp_choice(stp_code, stp_choices)
        label = validate_table_label(label)
        self.authorise(credentials)
        row = {"event_id": event_id, "stp_code": stp_code, "stp_name": stp_name, "label": label,
               "token": new_link_token(), "created_at": _utc_now()}
        with self._transaction(write=True) as connection:
            if connection.execute(sa.select(events.c.id).where(events.c.id == event_id)).first() is None:
                raise EventNotFoundError("That forum event does not exist; it may have been deleted.")
            link_id = connection.execute(sa.insert(table_links).values(row).returning(table_links.c.id)).scalar_one()
        return TableLink(link_id, **{**row, "revoked_at": None})

    def issue_missing_table_links(self, event_id: int, *, stp_choices: Mapping[str, str],
                                  credentials: FacilitatorCredentials) -> tuple[TableLink, ...]:
        """One link for every STP in `stp_choices` that has no working link for the event yet; returns the new ones."""
        self.authorise(credentials)
        with self._transaction(write=False) as connection:
            covered = set(connection.scalars(sa.select(table_links.c.stp_code).where(
                table_links.c.event_id == event_id, table_links.c.revoked_at.is_(None))))
        return tuple(self.issue_table_link(event_id, code, stp_choices=stp_choices, credentials=credentials)
                     for code in stp_choices if code not in covered)

    def list_table_links(self, event_id: int, *, credentials: FacilitatorCredentials) -> tuple[TableLink, ...]:
        """Every link of the event, revoked ones too, in the order they were issued."""
        self.authorise(credentials)
        with self._transaction(write=False) as connection:
            rows = connection.execute(sa.select(table_links).where(table_links.c.event_id == event_id)
                                      .order_by(table_links.c.id)).all()
        return tuple(_link_from_row(row) for row in rows)

    def revoke_table_link(self, link_id: int, *, credentials: FacilitatorCredentials) -> TableLink:
        """Withdraw a link: from now on it opens nothing and saves nothing. Answers already sent stay."""
        self.authorise(credentials)
        with self._transaction(write=True) as connection:
            connection.execute(sa.update(table_links).where(table_links.c.id == link_id, table_links.c.revoked_at.is_(None))
                               .values(revoked_at=_utc_now()))
            row = connection.execute(sa.select(table_links).where(table_links.c.id == link_id)).first()
        if row is None:
            raise LinkNotFoundError("That table link does not exist; its event may have been deleted.")
        return _link_from_row(row)

    def reissue_table_link(self, link_id: int, *, credentials: FacilitatorCredentials) -> TableLink:
        """Withdraw a link and give the same table (event, STP, label) a new one."""
        old = self.revoke_table_link(link_id, credentials=credentials)
        row = {"event_id": old.event_id, "stp_code": old.stp_code, "stp_name": old.stp_name, "label": old.label,
               "token": new_link_token(), "created_at": _utc_now()}
        with self._transaction(write=True) as connection:
            new_id = connection.execute(sa.insert(table_links).values(row).returning(table_links.c.id)).scalar_one()
        return TableLink(new_id, **{**row, "revoked_at": None})

    def open_table_link(self, table_token: str) -> tuple[TableLink, Event]:
        """The link and its event for a table's page; LinkNotFoundError or LinkRevokedError (no form is shown)."""
        token = validate_link_token(table_token)
        with self._transaction(write=False) as connection:
            row = connection.execute(sa.select(table_links).where(table_links.c.token == token)).first()
            event = connection.execute(sa.select(events).where(events.c.id == row.event_id)).first() if row else None
        if row is None or event is None:
            raise LinkNotFoundError(UNKNOWN_LINK)
        link = _link_from_row(row)
        if link.is_revoked:
            raise LinkRevokedError(_revoked_message(link))
        return link, _event_from_row(event)

    # --- answers --------------------------------------------------------------------------------------------

    def add_submission(self, table_token: str, answer: TableAnswer, token: str) -> SaveResult:
        """Store one table's answer, once per form token, in the event and table of the link.

        Raises ForumInputError (a field), LinkNotFoundError / LinkRevokedError (nothing saved: the link is unknown,
        withdrawn, or its event deleted), TableLimitError (too many, or too fast) or ForumStorageError.
        """
        answer = validate_table_answer(answer)
        token = validate_token(token)
        table_token = validate_link_token(table_token)
        now = _utc_now()
        try:
            with self._transaction(write=True) as connection:
                # Locks the link's row (PostgreSQL): one table's submits, from any replica, are checked one at a time.
                link_row = connection.execute(
                    sa.select(table_links).where(table_links.c.token == table_token).with_for_update()).first()
                if link_row is None:
                    raise LinkNotFoundError(f"Not saved. {UNKNOWN_LINK}")
                link = _link_from_row(link_row)
                stored = connection.execute(sa.select(submissions.c.id, submissions.c.link_id)
                                            .where(submissions.c.submission_token == token)).first()
                if stored is not None:
                    if stored.link_id != link.id:
                        raise LinkNotFoundError("Not saved: this form belongs to another table's link. Reload the page.")
                    return SaveResult(stored.id, created=False)
                if link.is_revoked:
                    raise LinkRevokedError(f"Not saved. {_revoked_message(link)}")
                self._check_limits(connection, link, now)
                submission_id = self._insert_submission(connection, compute_submission_row(link, answer, token, now))
                if submission_id is None:  # the same form, sent at the same moment from another replica
                    existing = connection.execute(
                        sa.select(submissions.c.id).where(submissions.c.submission_token == token)).scalar_one()
                    return SaveResult(existing, created=False)
                if answer.barriers:
                    connection.execute(
                        sa.insert(submission_barriers),
                        [{"submission_id": submission_id, "barrier_code": code} for code in answer.barriers],
                    )
        except sa.exc.IntegrityError as error:
            # The event was deleted between our look-up and the insert.
            raise LinkNotFoundError(f"Not saved: this table's event was just deleted. {UNKNOWN_LINK}") from error
        return SaveResult(submission_id, created=True)

    def _check_limits(self, connection: sa.Connection, link: TableLink, now: dt.datetime) -> None:
        limits = self.limits
        of_link = submissions.c.link_id == link.id
        sent = connection.execute(sa.select(sa.func.count()).select_from(submissions).where(of_link)).scalar_one()
        if sent >= limits.per_event:
            raise TableLimitError(f"Not saved: this table has already sent {sent} answers to this event, the most one "
                                  "table can send. Your answers are still in the form; please show them to the "
                                  "facilitator.")
        since = now - dt.timedelta(seconds=limits.window_seconds)
        recent = connection.execute(sa.select(submissions.c.created_at).where(of_link, submissions.c.created_at > since)
                                    .order_by(submissions.c.created_at)).scalars().all()
        if len(recent) >= limits.per_window:
            oldest = _as_utc(recent[-limits.per_window])
            wait = max(1, int(-(-(oldest + dt.timedelta(seconds=limits.window_seconds) - now).total_seconds() // 1)))
            raise TableLimitError(f"Not saved yet: this table has sent {len(recent)} answers in the last "
                                  f"{format_wait(limits.window_seconds)}. Please wait {format_wait(wait)}, then press "
                                  "Send again. Your answers are still in the form.", retry_after_seconds=wait)

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

    def count_submissions_by_link(self, event_id: int) -> dict[int, int]:
        """link id -> answers saved through it."""
        with self._transaction(write=False) as connection:
            rows = connection.execute(sa.select(submissions.c.link_id, sa.func.count()).where(
                submissions.c.event_id == event_id, submissions.c.link_id.is_not(None)).group_by(submissions.c.link_id))
            return {link_id: count for link_id, count in rows}

    def read_plenary_version(self, event_id: int) -> tuple[int, int]:
        """(answers, the newest answer's id) for the event: a cheap look that says whether the sums have changed."""
        with self._transaction(write=False) as connection:
            answers, last_id = connection.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(submissions.c.id), 0))
                .where(submissions.c.event_id == event_id)).one()
        return int(answers), int(last_id)

    def read_plenary_summary(self, event_id: int, *, preview_count: int = PREVIEW_COUNT,
                             preview_chars: int = PREVIEW_CHARS) -> PlenarySummary:
        """The plenary's figures for one event, summed by the database: a few hundred numbers and, per free-text
        question, the count of answers that wrote something and the latest `preview_count`, cut to
        `preview_chars` + 1 characters (so the caller can tell a cut answer)."""
        of_event = submissions.c.event_id == event_id
        score_means = [sa.func.avg(submissions.c[score_column(d.code)]).label(d.code) for d in MATURITY_DOMAINS]
        role_sums = [sa.func.sum(submissions.c[column]).label(column) for column in COUNT_COLUMNS]
        written = {field: sa.func.length(sa.func.trim(submissions.c[field])) > 0 for field in FREE_TEXT_FIELDS}
        with self._transaction(write=False) as connection:
            answers, last_id, *written_counts = connection.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(submissions.c.id), 0),
                          *(sa.func.coalesce(sa.func.sum(sa.case((test, 1), else_=0)), 0) for test in written.values()))
                .where(of_event)).one()
            by_stp = connection.execute(sa.select(submissions.c.stp_code, sa.func.count().label("n"), *score_means,
                                                  *role_sums).where(of_event).group_by(submissions.c.stp_code)).all()
            barrier_counts = dict(connection.execute(
                sa.select(submission_barriers.c.barrier_code, sa.func.count())
                .join(submissions, submissions.c.id == submission_barriers.c.submission_id)
                .where(of_event).group_by(submission_barriers.c.barrier_code)).all())
            names = dict(connection.execute(sa.select(table_links.c.stp_code, sa.func.max(table_links.c.stp_name))
                                            .where(table_links.c.event_id == event_id)
                                            .group_by(table_links.c.stp_code)).all())
            texts = {field: TextPreview(int(count), self._read_latest_texts(
                connection, of_event & test, submissions.c[field], preview_count, preview_chars))
                for (field, test), count in zip(written.items(), written_counts)}
        scores = pd.DataFrame(
            [(row.stp_code, domain.code, float(getattr(row, domain.code)), int(row.n))
             for row in by_stp for domain in MATURITY_DOMAINS],
            columns=["stp_code", "domain_code", "mean_score", "n"]).astype({"mean_score": "float64", "n": "int64"})
        vision = pd.DataFrame(
            [(row.stp_code, role.code, *(int(getattr(row, count_column(role.code, m))) for m in COUNT_MEASURES))
             for row in by_stp for role in ROLES],
            columns=["stp_code", "role_code", *COUNT_MEASURES]).astype({m: "int64" for m in COUNT_MEASURES})
        return PlenarySummary(int(answers), int(last_id), scores, vision, barrier_counts, texts, names)

    @staticmethod
    def _read_latest_texts(connection: sa.Connection, condition, column, count: int, chars: int) -> pd.DataFrame:
        """The latest `count` answers meeting `condition`, newest first, each cut to `chars` + 1 characters."""
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.stp_code, submissions.c.table_label,
                      sa.func.substr(column, 1, chars + 1).label("text"), sa.func.length(column).label("length"))
            .where(condition).order_by(submissions.c.id.desc()).limit(count)).all()
        latest = pd.DataFrame([tuple(row) for row in rows],
                              columns=["submission_id", "stp_code", "table_label", "text", "length"])
        return latest.astype({"submission_id": "int64", "length": "int64", "stp_code": "object",
                              "table_label": "object", "text": "object"})

    def read_submissions(self, event_id: int) -> pd.DataFrame:
        """One row per stored answer (oldest first), columns SUBMISSION_COLUMNS; `barriers` is a tuple of codes;
        `stp_name` is the table link's (empty for answers saved before links existed)."""
        chosen = (
            sa.select(submission_barriers.c.submission_id, submission_barriers.c.barrier_code)
            .join(submissions, submissions.c.id == submission_barriers.c.submission_id)
            .join(barriers, barriers.c.code == submission_barriers.c.barrier_code)
            .where(submissions.c.event_id == event_id)
            .order_by(submission_barriers.c.submission_id, barriers.c.position)
        )
        with self._transaction(write=False) as connection:
            rows = connection.execute(
                sa.select(submissions, sa.func.coalesce(table_links.c.stp_name, "").label("stp_name"))
                .select_from(submissions.outerjoin(table_links, table_links.c.id == submissions.c.link_id))
                .where(submissions.c.event_id == event_id).order_by(submissions.c.id)
            ).mappings().all()
            barrier_rows = connection.execute(chosen).all()
        chosen_by_submission: dict[int, list[str]] = {}
        for submission_id, code in barrier_rows:
            chosen_by_submission.setdefault(submission_id, []).append(code)
        records = [
            {
                **{key: value for key, value in row.items() if key not in ("id", "submission_token", "link_id")},
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
        text = ["stp_code", "stp_name", "table_label", "barrier_text", "next_steps"]
        frame[text] = frame[text].astype("str")
        return frame


def compute_submission_row(link: TableLink, answer: TableAnswer, token: str, now: dt.datetime) -> dict:
    """The submissions row for a checked answer sent through `link`: the event, STP and table are the link's."""
    return {
        "event_id": link.event_id,
        "link_id": link.id,
        "stp_code": link.stp_code,
        "table_label": link.label,
        "submission_token": token,
        "created_at": now,
        **{score_column(domain.code): answer.scores[domain.code] for domain in MATURITY_DOMAINS},
        **{count_column(role.code, measure): getattr(answer.vision[role.code], measure)
           for role in ROLES for measure in COUNT_MEASURES},
        "barrier_text": answer.barrier_text,
        "next_steps": answer.next_steps,
    }


def _revoked_message(link: TableLink) -> str:
    return (f"The facilitator has withdrawn this link for {link.table_name}. Ask the facilitator for your table's "
            "new link or QR code.")
