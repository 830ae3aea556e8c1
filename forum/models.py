"""What a forum table answers: the fixed lists (STPs, maturity domains, roles, barriers) and frozen records."""
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One entry of a fixed list: a stable code (stored, in URLs and CSV headers) and the words shown."""

    code: str
    label: str


STPS = (
    Choice("QMJ", "North Central London"),
    Choice("QMF", "North East London"),
    Choice("QRV", "North West London"),
    Choice("QKK", "South East London"),
    Choice("QWE", "South West London"),
)

# The five PCN maturity domains, labelled exactly as `maturity_domain` in maturity.csv.
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

MAX_FREE_TEXT_CHARS = 2000
MAX_TABLE_LABEL_CHARS = 100
MAX_EVENT_NAME_CHARS = 200
MAX_PEOPLE_PER_ROLE = 1000
MAX_TOKEN_CHARS = 64

STP_NAMES = {choice.code: choice.label for choice in STPS}
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
class Event:
    """A forum session, e.g. "Clinical Senate forum, March 2019"."""

    id: int
    name: str
    date: dt.date
    created_at: dt.datetime


@dataclass(frozen=True)
class RoleCount:
    """People of one role at the table: how many are present, know the STP vision, own (understand and back) it."""

    present: int = 0
    know: int = 0
    own: int = 0


@dataclass(frozen=True)
class TableAnswer:
    """Everything one STP table submits. Free text is kept exactly as typed.

    scores: domain code -> 1..5 (every maturity domain); vision: role code -> RoleCount (missing roles
    count as nobody present); barriers: barrier codes chosen from BARRIERS.
    """

    stp_code: str
    scores: dict[str, int]
    vision: dict[str, RoleCount] = field(default_factory=dict)
    barriers: tuple[str, ...] = ()
    barrier_text: str = ""
    next_steps: str = ""
    table_label: str = ""


@dataclass(frozen=True)
class SaveResult:
    """What happened to a submit: `created` is False when the same token had already been stored."""

    submission_id: int
    created: bool
