"""Files made from forum answers: the event export and forum_vision_survey.csv, safe to open in a spreadsheet."""
import csv
import datetime as dt
import io

import pandas as pd
import pytest

from forum.export import (
    compute_event_export,
    neutralise_formula,
    write_spreadsheet_csv,
    write_vision_survey_csv,
)
from forum.models import COUNT_COLUMNS, SCORE_COLUMNS, Event
from forum.store import SUBMISSION_COLUMNS

EVENT = Event(7, "Forum", dt.date(2019, 3, 14), dt.datetime(2019, 3, 1, tzinfo=dt.UTC))


def submissions(*answers: dict) -> pd.DataFrame:
    """Rows shaped like ForumStore.read_submissions; unspecified scores 3, counts 0."""
    rows = []
    for number, changes in enumerate(answers, start=1):
        row = {column: 3 for column in SCORE_COLUMNS} | {column: 0 for column in COUNT_COLUMNS}
        row |= {"submission_id": number, "event_id": 7, "stp_name": "", "table_label": f"Table {number}",
                "barriers": (), "barrier_text": "", "next_steps": "",
                "created_at": pd.Timestamp("2019-03-14 10:00", tz="UTC")}
        rows.append(row | changes)
    return pd.DataFrame(rows, columns=list(SUBMISSION_COLUMNS))


def test_event_export_names_the_event_and_the_stp_and_joins_barrier_labels():
    answers = submissions({"stp_code": "QWE", "stp_name": "South West London (link)", "barriers": ("workforce", "time"),
                           "next_steps": "<b>Hire</b>"},
                          {"stp_code": "QKK", "barriers": ("data_it",), "next_steps": "**Share records**"},
                          {"stp_code": "OLD"})
    export = compute_event_export(answers, EVENT, {"QKK": "South East London"})

    assert export["event_name"].tolist() == ["Forum"] * 3
    assert export["stp_name"].tolist() == ["South West London (link)", "South East London", "OLD"]
    assert export["barriers"].tolist() == ["Workforce; Time", "Data and IT", ""]
    assert export["next_steps"].tolist() == ["<b>Hire</b>", "**Share records**", ""]
    assert export["submitted_at_utc"].iloc[0] == "2019-03-14T10:00:00+00:00"


@pytest.mark.parametrize("typed", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=HYPERLINK(\"http://e.org\")"])
def test_text_a_spreadsheet_would_run_is_prefixed_with_an_apostrophe(typed):
    assert neutralise_formula(typed) == "'" + typed


@pytest.mark.parametrize("kept", ["Hire", " =1", "1=1", "", "'quoted", -1, 2.5, None])
def test_other_values_are_left_alone(kept):
    assert neutralise_formula(kept) == kept


def test_numbers_stay_numbers_and_text_with_line_breaks_stays_in_one_quoted_cell():
    frame = pd.DataFrame({"n": [-1, 2], "text": ["-1", "a\nb\rc"], "=header": ["x", "y"]})
    text = write_spreadsheet_csv(frame)

    assert text == "n,text,'=header\r\n-1,'-1,x\r\n2,\"a\nb\rc\",y\r\n"
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["n", "text", "'=header"], ["-1", "'-1", "x"],
                                                               ["2", "a\nb\rc", "y"]]


def test_vision_survey_csv_is_written_into_a_folder_or_a_named_file(tmp_path):
    rows = pd.DataFrame({"stp_code": ["QKK"], "period": ["2019-03-01"], "role": ["GP"], "respondents": [2],
                         "aware": [2], "understand_support": [1]})

    in_folder = write_vision_survey_csv(rows, tmp_path)
    named = write_vision_survey_csv(rows, tmp_path / "march.csv")

    assert in_folder == tmp_path / "forum_vision_survey.csv"
    read_back = pd.read_csv(in_folder, dtype={"period": str})
    pd.testing.assert_frame_equal(read_back, rows, check_dtype=False)
    assert named.read_text().splitlines()[0] == "stp_code,period,role,respondents,aware,understand_support"
