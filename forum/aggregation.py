"""Sums of the room's answers for the plenary: scores by STP and domain, barrier counts, next steps, vision by role."""
import pandas as pd

from forum.models import (
    BARRIERS,
    MATURITY_DOMAINS,
    ROLES,
    STPS,
    Event,
    count_column,
    score_column,
)

_STP_ORDER = {choice.code: position for position, choice in enumerate(STPS)}
_STP_NAMES = {choice.code: choice.label for choice in STPS}


def _stp_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame["stp_code"].map(_STP_ORDER)
    return frame.assign(_order=order).sort_values(["_order"], kind="stable").drop(columns="_order")


def compute_scores_by_stp(submissions: pd.DataFrame) -> pd.DataFrame:
    """Mean journey score and number of answers per STP and maturity domain (STPs that answered only)."""
    rows = []
    for stp in STPS:
        answers = submissions[submissions["stp_code"] == stp.code]
        if answers.empty:
            continue
        for domain in MATURITY_DOMAINS:
            scores = answers[score_column(domain.code)]
            rows.append((stp.code, stp.label, domain.label, float(scores.mean()), int(scores.count())))
    columns = ["stp_code", "stp_name", "maturity_domain", "mean_score", "n"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"mean_score": "float64", "n": "int64"})


def compute_barrier_counts(submissions: pd.DataFrame) -> pd.DataFrame:
    """How many answers named each listed barrier; every barrier appears (0 when none), most named first."""
    chosen = pd.Series([code for codes in submissions["barriers"] for code in codes], dtype=object)
    counts = chosen.value_counts()
    frame = pd.DataFrame(
        {
            "barrier_code": [barrier.code for barrier in BARRIERS],
            "barrier": [barrier.label for barrier in BARRIERS],
            "tables": [int(counts.get(barrier.code, 0)) for barrier in BARRIERS],
        }
    )
    return frame.sort_values("tables", ascending=False, kind="stable").reset_index(drop=True).astype({"tables": "int64"})


def _compute_free_text(submissions: pd.DataFrame, column: str) -> pd.DataFrame:
    written = submissions.loc[submissions[column].str.strip().str.len().gt(0).astype(bool)]
    frame = pd.DataFrame(
        {
            "stp_code": written["stp_code"],
            "stp_name": written["stp_code"].map(_STP_NAMES),
            "table_label": written["table_label"],
            column: written[column],
        }
    )
    return _stp_sorted(frame).reset_index(drop=True)


def compute_next_steps(submissions: pd.DataFrame) -> pd.DataFrame:
    """Every non-blank next-steps answer, exactly as typed, grouped by STP in the order received."""
    return _compute_free_text(submissions, "next_steps")


def compute_barrier_notes(submissions: pd.DataFrame) -> pd.DataFrame:
    """Every non-blank 'other barriers' answer, exactly as typed, grouped by STP in the order received."""
    return _compute_free_text(submissions, "barrier_text")


def compute_vision_by_role(submissions: pd.DataFrame) -> pd.DataFrame:
    """People present, knowing and owning the vision, summed over all tables, one row per role."""
    rows = [
        (
            role.label,
            *(int(submissions[count_column(role.code, measure)].sum()) for measure in ("present", "know", "own")),
        )
        for role in ROLES
    ]
    return pd.DataFrame(rows, columns=["role", "present", "know", "own"]).astype(
        {"present": "int64", "know": "int64", "own": "int64"}
    )


def compute_vision_survey_rows(submissions: pd.DataFrame, event: Event, period: str | None = None) -> pd.DataFrame:
    """The event's vision answers shaped like vision_survey.csv, with the STP as the area.

    Columns: stp_code, period (YYYY-MM-DD; default the first day of the event's month, or pass the data's own
    period, e.g. the quarter start), role, respondents (present), aware (know), understand_support (own).
    One row per role for every STP that answered.
    """
    period = period or event.date.replace(day=1).isoformat()
    rows = []
    for stp in STPS:
        answers = submissions[submissions["stp_code"] == stp.code]
        if answers.empty:
            continue
        for role in ROLES:
            present, know, own = (int(answers[count_column(role.code, m)].sum()) for m in ("present", "know", "own"))
            rows.append((stp.code, period, role.label, present, know, own))
    columns = ["stp_code", "period", "role", "respondents", "aware", "understand_support"]
    return pd.DataFrame(rows, columns=columns).astype({"respondents": "int64", "aware": "int64", "understand_support": "int64"})
