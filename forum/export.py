"""Files made from the forum store: the event export (one row per answer) and the vision survey rows, as CSV
that a spreadsheet opens safely: a typed "=HYPERLINK(...)" stays text, and a line break stays in its cell."""
import csv
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from forum.models import BARRIER_LABELS, COUNT_COLUMNS, SCORE_COLUMNS, Event

VISION_SURVEY_FILE_NAME = "forum_vision_survey.csv"
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, for some importers).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with ' (shown as text); anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_spreadsheet_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text: formulas neutralised in text cells (numbers are left alone, so -1 stays a number),
    CRLF line ends (RFC 4180), and every cell holding a CR or LF quoted, so it cannot start a new row."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(column)) for column in safe.columns]
    # csv quotes a field holding any character of the line terminator: with "\r\n" that is both CR and LF.
    return safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def compute_event_export(submissions: pd.DataFrame, event: Event, data_names: Mapping[str, str]) -> pd.DataFrame:
    """One row per answer, barriers as labels joined with "; ", free text exactly as typed. The STP's name is its
    table link's, else the data's, else its code."""
    names = submissions["stp_name"].where(submissions["stp_name"].str.len() > 0,
                                          submissions["stp_code"].map(lambda code: data_names.get(code, code)))
    export = pd.DataFrame(
        {
            "event_name": event.name,
            "event_date": event.date.isoformat(),
            "submission_id": submissions["submission_id"],
            "submitted_at_utc": submissions["created_at"].map(lambda moment: moment.isoformat(timespec="seconds")),
            "stp_code": submissions["stp_code"],
            "stp_name": names,
            "table_label": submissions["table_label"],
        },
        index=submissions.index,
    )
    for column in (*SCORE_COLUMNS, *COUNT_COLUMNS):
        export[column] = submissions[column]
    export["barriers"] = submissions["barriers"].map(lambda codes: "; ".join(BARRIER_LABELS[code] for code in codes))
    export["barrier_text"] = submissions["barrier_text"]
    export["next_steps"] = submissions["next_steps"]
    return export.reset_index(drop=True)


def write_vision_survey_csv(rows: pd.DataFrame, path: Path) -> Path:
    """Write compute_vision_survey_rows(...) to `path` (a file, or a folder to hold forum_vision_survey.csv)."""
    path = Path(path)
    if path.is_dir():
        path = path / VISION_SURVEY_FILE_NAME
    path.write_text(write_spreadsheet_csv(rows), encoding="utf-8", newline="")
    return path
