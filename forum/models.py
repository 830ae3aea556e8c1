"""What a forum table answers: the fixed lists (maturity domains, roles, barriers), the limits and frozen records.

The STPs a forum offers are not listed here: they come from the data (the caller passes them in).
"""
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One entry of a fixed list: a stable code (stored, in CSV headers) and the words shown."""

    code: str
    label: str


# The five PCN maturity domains: the one list the dashboard uses (charts and the demo data read it from here),
# labelled exactly as `maturity_domain` in maturity.csv.
MATURITY_DOMAINS = (
    Choice("leadership", "Leadership, planning and partnerships"),
    Choice("data", "Use of data and population health management"),
    Choice("integrating_care", "Integrating care"),
    Choice("resources", "Managing resources"),
    Choice("people", "Working with people and communities"),
)
SCORE_LABELS = {1: "not started", 2: "early days", 3: "under way", 4: "mostly in place", 5: "fully embedded"}
MIN_SCORE, MAX_SCORE = 1, 5

# Roles labelled exactly as `role` in vision_survey.csv.
ROLES = (
    Choice("gp", "GP"),
    Choice("practice_manager", "Practice manager"),
    Choice("practice_staff", "Practice staff"),
    Choice("ccg_stp_lead", "CCG or STP lead"),
    Choice("patient_public", "Patient or public"),
)

# Seeded from the themes the forum's own tables raised.
BARRIERS = (
    Choice("data_it", "Data and IT"),
    Choice("workforce", "Workforce"),
    Choice("funding", "Funding"),
    Choice("engagement", "Engagement"),
    Choice("governance", "Governance"),
    Choice("estates", "Estates"),
    Choice("time", "Time"),
    Choice("language", "Language"),
)

MAX_FREE_TEXT_CHARS = 4000
MAX_TABLE_LABEL_CHARS = 100
MAX_EVENT_NAME_CHARS = 200
MAX_AREA_CODE_CHARS = 32
MAX_AREA_NAME_CHARS = 200
MAX_PEOPLE_PER_ROLE = 1000
MAX_TOKEN_CHARS = 64
LINK_TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits

DOMAIN_LABELS = {choice.code: choice.label for choice in MATURITY_DOMAINS}
ROLE_LABELS = {choice.code: choice.label for choice in ROLES}
BARRIER_LABELS = {choice.code: choice.label for choice in BARRIERS}


def score_column(domain_code: str) -> str:
    """Column holding a table's journey score (1-5) for one maturity domain."""
    return f"score_{domain_code}"


def count_column(role_code: str, measure: str) -> str:
    """Column holding a head count for one role: measure is present, know or own."""
    return f"{role_code}_{measure}"


SCORE_COLUMNS = tuple(score_column(domain.code) for domain in MATURITY_DOMAINS)
COUNT_MEASURES = ("present", "know", "own")
COUNT_COLUMNS = tuple(count_column(role.code, measure) for role in ROLES for measure in COUNT_MEASURES)


@dataclass(frozen=True)
class SubmissionLimits:
    """How much one table link may send: at most `per_window` answers in any `window_seconds`, and
    `per_event` answers in all (a double-clicked or resent form counts once)."""

    per_event: int = 30
    per_window: int = 5
    window_seconds: int = 60


@dataclass(frozen=True)
class ThrottleRule:
    """Backoff for wrong passcodes: after `free_failures` failures each further one doubles the wait, from
    `first_delay_seconds` up to `max_delay_seconds`; at `lockout_after` failures every attempt is refused for
    `lockout_seconds`. Failures are forgotten `forget_after_seconds` after the last one."""

    free_failures: int
    first_delay_seconds: int
    max_delay_seconds: int
    lockout_after: int
    lockout_seconds: int
    forget_after_seconds: int

    def wait_seconds(self, failures: int) -> int:
        """How long after the last failure the next attempt must wait, given `failures` so far."""
        if failures >= self.lockout_after:
            return self.lockout_seconds
        if failures < self.free_failures:
            return 0
        return min(self.first_delay_seconds * 2 ** (failures - self.free_failures), self.max_delay_seconds)


# One browser session: three typos are free, then 1, 2, 4 ... 60 s; ten wrong passcodes lock it for 15 minutes.
SESSION_THROTTLE = ThrottleRule(free_failures=3, first_delay_seconds=1, max_delay_seconds=60, lockout_after=10,
                                lockout_seconds=15 * 60, forget_after_seconds=15 * 60)
# Every session on every app replica together (kept in the database): 20 free, then 1 s doubling to 5 minutes;
# 50 wrong passcodes lock out everyone who is not already signed in for 30 minutes.
OVERALL_THROTTLE = ThrottleRule(free_failures=20, first_delay_seconds=1, max_delay_seconds=5 * 60, lockout_after=50,
                                lockout_seconds=30 * 60, forget_after_seconds=30 * 60)


@dataclass(frozen=True)
class FacilitatorCredentials:
    """What a facilitator action carries to the store: the passcode typed in this session, the configured one,
    and the session's own random id (for the per-session backoff)."""

    passcode: str | None
    expected_passcode: str | None
    session_id: str


@dataclass(frozen=True)
class Event:
    """A forum session, e.g. "Clinical Senate forum, March 2019". `plenary_token` opens its plenary."""

    id: int
    name: str
    date: dt.date
    created_at: dt.datetime
    plenary_token: str | None = None


@dataclass(frozen=True)
class TableLink:
    """One table's link for one event: the table answers for `stp_code` with the label the facilitator gave."""

    id: int
    event_id: int
    stp_code: str
    stp_name: str
    label: str
    token: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def table_name(self) -> str:
        """How the table is named on screen and on its card: 'South East London, Table 3'."""
        return f"{self.stp_name}, {self.label}" if self.label.strip() else self.stp_name


@dataclass(frozen=True)
class RoleCount:
    """People of one role at the table: how many are present, know the STP vision, own (understand and back) it."""

    present: int = 0
    know: int = 0
    own: int = 0


@dataclass(frozen=True)
class TableAnswer:
    """Everything one table submits. Free text is kept exactly as typed. The event, STP and table name are the
    link's, never part of the answer.

    scores: domain code -> 1..5 (every maturity domain); vision: role code -> RoleCount (missing roles
    count as nobody present); barriers: barrier codes chosen from BARRIERS.
    """

    scores: dict[str, int]
    vision: dict[str, RoleCount] = field(default_factory=dict)
    barriers: tuple[str, ...] = ()
    barrier_text: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class SaveResult:
    """What happened to a submit: `created` is False when the same form had already been stored."""

    submission_id: int
    created: bool
