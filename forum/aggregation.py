"""The room's answers summed for the plenary: scores by STP and domain, barrier counts, vision by role, and the
latest free text in short previews. The sums are worked out by the database (ForumStore.read_plenary_summary), so
a plenary refresh reads a few hundred numbers and a dozen previews, never every answer in full.

STPs are named and ordered as the caller's data lists them (code -> name); an STP the data no longer has keeps the
name its table link was given, or its code.
"""
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from forum.models import BARRIERS, MATURITY_DOMAINS, ROLES, Event

FREE_TEXT_FIELDS = {"next_steps": "Next steps", "barrier_text": "Other barriers"}
PREVIEW_COUNT = 10  # the latest answers shown for each free-text question
PREVIEW_CHARS = 280  # each cut to this many characters on screen; the full text is a download


@dataclass(frozen=True)
class TextPreview:
    """One free-text question: how many answers wrote something, and the latest few, cut short.

    latest: submission_id, stp_code, table_label, text (at most PREVIEW_CHARS + 1 characters), length (the full
    answer's), newest first.
    """

    written: int
    latest: pd.DataFrame


@dataclass(frozen=True)
class PlenarySummary:
    """What the plenary shows for one event, as summed by the database.

    scores: stp_code, domain_code, mean_score, n. vision: stp_code, role_code, present, know, own.
    barrier_counts: barrier code -> answers naming it. stp_names: the names the event's table links carry.
    """

    answers: int
    last_submission_id: int
    scores: pd.DataFrame
    vision: pd.DataFrame
    barrier_counts: Mapping[str, int]
    texts: Mapping[str, TextPreview]
    stp_names: Mapping[str, str]


def compute_stp_names(summary_names: Mapping[str, str], data_names: Mapping[str, str], codes) -> dict[str, str]:
    """code -> name for every STP in `codes`, in the data's order first: the data's name, else the link's, else the code."""
    codes = list(dict.fromkeys(codes))
    ordered = [code for code in data_names if code in codes] + [code for code in codes if code not in data_names]
    return {code: str(data_names.get(code) or summary_names.get(code) or code) for code in ordered}


def compute_scores_by_stp(summary: PlenarySummary, data_names: Mapping[str, str]) -> pd.DataFrame:
    """Mean journey score and number of answers per STP and maturity domain (STPs that answered only), STPs in the
    data's order and domains in the matrix's order."""
    columns = ["stp_code", "stp_name", "maturity_domain", "mean_score", "n"]
    scores = summary.scores
    if scores.empty:
        return pd.DataFrame(columns=columns).astype({"mean_score": "float64", "n": "int64"})
    names = compute_stp_names(summary.stp_names, data_names, scores["stp_code"])
    by_key = {(row.stp_code, row.domain_code): row for row in scores.itertuples()}
    rows = [(code, name, domain.label, float(by_key[code, domain.code].mean_score), int(by_key[code, domain.code].n))
            for code, name in names.items() for domain in MATURITY_DOMAINS if (code, domain.code) in by_key]
    return pd.DataFrame(rows, columns=columns).astype({"mean_score": "float64", "n": "int64"})


def compute_barrier_counts(summary: PlenarySummary) -> pd.DataFrame:
    """How many answers named each listed barrier; every barrier appears (0 when none), most named first."""
    frame = pd.DataFrame(
        {
            "barrier_code": [barrier.code for barrier in BARRIERS],
            "barrier": [barrier.label for barrier in BARRIERS],
            "tables": [int(summary.barrier_counts.get(barrier.code, 0)) for barrier in BARRIERS],
        }
    )
    return frame.sort_values("tables", ascending=False, kind="stable").reset_index(drop=True).astype({"tables": "int64"})


def compute_vision_by_role(summary: PlenarySummary) -> pd.DataFrame:
    """People present, knowing and owning the vision, summed over all tables, one row per role."""
    sums = summary.vision.groupby("role_code")[["present", "know", "own"]].sum() if len(summary.vision) else None
    rows = [(role.label, *(int(sums.loc[role.code, m]) if sums is not None and role.code in sums.index else 0
                           for m in ("present", "know", "own"))) for role in ROLES]
    return pd.DataFrame(rows, columns=["role", "present", "know", "own"]).astype(
        {"present": "int64", "know": "int64", "own": "int64"})


def compute_vision_survey_rows(summary: PlenarySummary, event: Event, data_names: Mapping[str, str],
                               period: str | None = None) -> pd.DataFrame:
    """The event's vision answers shaped like vision_survey.csv, with the STP as the area.

    Columns: stp_code, period (YYYY-MM-DD; default the first day of the event's month, or pass the data's own
    period, e.g. the quarter start), role, respondents (present), aware (know), understand_support (own).
    One row per role for every STP that answered, STPs in the data's order.
    """
    period = period or event.date.replace(day=1).isoformat()
    columns = ["stp_code", "period", "role", "respondents", "aware", "understand_support"]
    vision = summary.vision
    rows = []
    if len(vision):
        by_key = {(row.stp_code, row.role_code): row for row in vision.itertuples()}
        for code in compute_stp_names(summary.stp_names, data_names, vision["stp_code"]):
            for role in ROLES:
                row = by_key.get((code, role.code))
                counts = (int(row.present), int(row.know), int(row.own)) if row is not None else (0, 0, 0)
                rows.append((code, period, role.label, *counts))
    return pd.DataFrame(rows, columns=columns).astype(
        {"respondents": "int64", "aware": "int64", "understand_support": "int64"})


def compute_text_preview_table(preview: TextPreview, data_names: Mapping[str, str], stp_names: Mapping[str, str],
                               column: str) -> pd.DataFrame:
    """The latest answers to one question, one answer per row with who sent it: STP, Table, the text (cut to
    PREVIEW_CHARS with '…' when longer). A newline typed in an answer stays inside its own cell."""
    latest = preview.latest
    names = compute_stp_names(stp_names, data_names, latest["stp_code"])
    cut = latest["length"] > PREVIEW_CHARS
    text = latest["text"].str.slice(0, PREVIEW_CHARS).where(~cut, latest["text"].str.slice(0, PREVIEW_CHARS) + "…")
    return pd.DataFrame({"STP": latest["stp_code"].map(names), "Table": latest["table_label"], column: text}
                        ).reset_index(drop=True)
