"""Checks on what a table or a facilitator typed: refused with a plain message naming the field, never altered."""
import datetime as dt
import numbers
import re
from collections.abc import Mapping

from forum.errors import ForumInputError, LinkNotFoundError
from forum.models import (
    BARRIER_LABELS,
    DOMAIN_LABELS,
    MAX_AREA_CODE_CHARS,
    MAX_AREA_NAME_CHARS,
    MAX_EVENT_NAME_CHARS,
    MAX_FREE_TEXT_CHARS,
    MAX_PEOPLE_PER_ROLE,
    MAX_SCORE,
    MAX_TABLE_LABEL_CHARS,
    MAX_TOKEN_CHARS,
    MIN_SCORE,
    ROLE_LABELS,
    RoleCount,
    TableAnswer,
    count_column,
    score_column,
)


def _is_whole_number(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def validate_text(value: object, *, field: str, label: str, max_chars: int = MAX_FREE_TEXT_CHARS) -> str:
    """Return the text unchanged, or raise ForumInputError when it is not text, too long or unstorable."""
    if not isinstance(value, str):
        raise ForumInputError(field, f"{label} must be text.")
    if len(value) > max_chars:
        raise ForumInputError(
            field,
            f"{label} is {len(value):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it and submit again - nothing was saved.",
        )
    if "\x00" in value:
        # PostgreSQL cannot store NUL; refuse it everywhere so every database keeps the same text.
        raise ForumInputError(field, f"{label} contains an invisible NUL character that cannot be saved. Please retype it.")
    return value


def validate_count(value: object, *, field: str, label: str) -> int:
    """Return a head count (0..MAX_PEOPLE_PER_ROLE) or raise ForumInputError."""
    if not _is_whole_number(value):
        raise ForumInputError(field, f"{label} must be a whole number, not {value!r}.")
    if not 0 <= value <= MAX_PEOPLE_PER_ROLE:
        raise ForumInputError(field, f"{label} must be between 0 and {MAX_PEOPLE_PER_ROLE:,}, not {value}.")
    return int(value)


def validate_role_count(role_code: str, count: RoleCount) -> RoleCount:
    """Counts are whole numbers >= 0; no more people know the vision than are present, and no more own it than know it."""
    role = ROLE_LABELS[role_code]
    present = validate_count(count.present, field=count_column(role_code, "present"), label=f"{role}: people at the table")
    know = validate_count(count.know, field=count_column(role_code, "know"), label=f"{role}: people who know the vision")
    own = validate_count(count.own, field=count_column(role_code, "own"), label=f"{role}: people who own the vision")
    if know > present:
        raise ForumInputError(
            count_column(role_code, "know"),
            f"{role}: {know} people know the vision but only {present} are at the table. Please check the numbers.",
        )
    if own > know:
        raise ForumInputError(
            count_column(role_code, "own"),
            f"{role}: {own} people own the vision but only {know} know it. Owning it means knowing it - please check.",
        )
    return RoleCount(present, know, own)


def validate_table_answer(answer: TableAnswer) -> TableAnswer:
    """Return the answer with barriers de-duplicated, or raise ForumInputError naming the first bad field."""
    if not isinstance(answer.scores, Mapping) or not isinstance(answer.vision, Mapping):
        raise ForumInputError("scores", "Scores and vision counts must be given by domain and by role.")
    unknown_domains = sorted(set(answer.scores) - set(DOMAIN_LABELS))
    if unknown_domains:
        raise ForumInputError("scores", f"Unknown maturity domain {unknown_domains[0]!r}.")
    for code, label in DOMAIN_LABELS.items():
        score = answer.scores.get(code)
        if score is None:
            raise ForumInputError(score_column(code), f"Give a score from {MIN_SCORE} to {MAX_SCORE} for '{label}'.")
        if not _is_whole_number(score) or not MIN_SCORE <= score <= MAX_SCORE:
            raise ForumInputError(
                score_column(code), f"The score for '{label}' must be a whole number from {MIN_SCORE} to {MAX_SCORE}, not {score!r}."
            )
    unknown_roles = sorted(set(answer.vision) - set(ROLE_LABELS))
    if unknown_roles:
        raise ForumInputError("vision", f"Unknown role {unknown_roles[0]!r}.")
    vision = {code: validate_role_count(code, answer.vision.get(code, RoleCount())) for code in ROLE_LABELS}
    if isinstance(answer.barriers, str) or not all(isinstance(code, str) for code in answer.barriers):
        raise ForumInputError("barriers", "Barriers must be a list of barrier codes.")
    unknown_barriers = [code for code in answer.barriers if code not in BARRIER_LABELS]
    if unknown_barriers:
        raise ForumInputError(
            "barriers", f"Unknown barrier {unknown_barriers[0]!r}; write it under 'Other barriers' instead."
        )
    validate_text(answer.barrier_text, field="barrier_text", label="Other barriers")
    validate_text(answer.next_steps, field="next_steps", label="Next steps")
    return TableAnswer(
        scores={code: int(answer.scores[code]) for code in DOMAIN_LABELS},
        vision=vision,
        barriers=tuple(dict.fromkeys(answer.barriers)),
        barrier_text=answer.barrier_text,
        next_steps=answer.next_steps,
    )


def validate_event_fields(name: object, date: object) -> tuple[str, dt.date]:
    """An event needs a non-blank name (kept as typed) and a calendar date."""
    validate_text(name, field="name", label="Event name", max_chars=MAX_EVENT_NAME_CHARS)
    if not name.strip():
        raise ForumInputError("name", "Give the event a name, e.g. 'Clinical Senate forum, March 2019'.")
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ForumInputError("date", f"The event date must be a calendar date, not {date!r}.")
    return name, date


def validate_token(token: object) -> str:
    """A submission token is a non-empty string of at most MAX_TOKEN_CHARS characters."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise ForumInputError("submission_token", "This form has expired. Please reload the page and submit again.")
    return token


# What secrets.token_urlsafe makes: letters, digits, "-" and "_".
_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
UNKNOWN_LINK = ("This link is not known. It may have been typed or copied only in part, withdrawn by the facilitator, "
                "or its event may have been deleted. Ask the facilitator for your table's link or QR code.")


def validate_link_token(token: object) -> str:
    """A table or plenary link's token as written by secrets.token_urlsafe; anything else is LinkNotFoundError."""
    if not isinstance(token, str) or not _LINK_TOKEN.fullmatch(token):
        raise LinkNotFoundError(UNKNOWN_LINK)
    return token


def validate_stp_choice(stp_code: object, choices: Mapping[str, str]) -> tuple[str, str]:
    """(code, name) of an STP offered by the data (`choices`: code -> name), or ForumInputError."""
    if not isinstance(stp_code, str) or stp_code not in choices:
        raise ForumInputError("stp_code", "That STP is not one of the STPs in the data; choose one from the list.")
    name = str(choices[stp_code])
    if len(stp_code) > MAX_AREA_CODE_CHARS or len(name) > MAX_AREA_NAME_CHARS:
        raise ForumInputError("stp_code", "That STP's code or name is too long to store.")
    return stp_code, name


def validate_table_label(label: object) -> str:
    """A table's label (e.g. 'Table 3'; may be blank), kept as typed."""
    return validate_text(label, field="table_label", label="Table name", max_chars=MAX_TABLE_LABEL_CHARS)
