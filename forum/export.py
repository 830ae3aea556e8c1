"""Files made from the forum store: the event export (one row per answer) and the vision survey rows as CSV."""
from pathlib import Path

import pandas as pd

from forum.models import BARRIER_LABELS, COUNT_COLUMNS, SCORE_COLUMNS, STP_NAMES, Event

VISION_SURVEY_FILE_NAME = "forum_vision_survey.csv"


def compute_event_export(submissions: pd.DataFrame, event: Event) -> pd.DataFrame:
    """One row per answer, barriers as labels joined with "; ", free text exactly as typed."""
    export = pd.DataFrame(
        {
            "event_id": event.id,
            "event_name": event.name,
            "event_date": event.date.isoformat(),
            "submission_id": submissions["submission_id"],
            "submitted_at_utc": submissions["created_at"].map(lambda moment: moment.isoformat(timespec="seconds")),
            "stp_code": submissions["stp_code"],
            "stp_name": submissions["stp_code"].map(STP_NAMES),
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
    rows.to_csv(path, index=False, lineterminator="\n")
    return path
