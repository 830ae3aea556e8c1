"""The plenary sums: hand-computed from three small answers."""
import datetime as dt

import pandas as pd

from forum.aggregation import (
    compute_barrier_counts,
    compute_barrier_notes,
    compute_next_steps,
    compute_scores_by_stp,
    compute_vision_by_role,
    compute_vision_survey_rows,
)
from forum.models import COUNT_COLUMNS, SCORE_COLUMNS, Event
from forum.store import SUBMISSION_COLUMNS

EVENT = Event(1, "Forum", dt.date(2019, 3, 14), dt.datetime(2019, 3, 1, tzinfo=dt.UTC))


def submissions(*answers: dict) -> pd.DataFrame:
    """Rows shaped like ForumStore.read_submissions; unspecified scores 3, counts 0."""
    rows = []
    for number, changes in enumerate(answers, start=1):
        row = {column: 3 for column in SCORE_COLUMNS} | {column: 0 for column in COUNT_COLUMNS}
        row |= {"submission_id": number, "event_id": 1, "table_label": f"Table {number}", "barriers": (),
                "barrier_text": "", "next_steps": "", "created_at": pd.Timestamp("2019-03-14 10:00", tz="UTC")}
        rows.append(row | changes)
    return pd.DataFrame(rows, columns=list(SUBMISSION_COLUMNS))


THREE = submissions(
    {"stp_code": "QWE", "score_leadership": 2, "barriers": ("workforce", "time"), "next_steps": "<b>Hire</b>",
     "gp_present": 3, "gp_know": 2, "gp_own": 1, "barrier_text": "  "},
    {"stp_code": "QKK", "score_leadership": 4, "score_data": 5, "barriers": ("workforce",), "next_steps": "   ",
     "gp_present": 2, "gp_know": 2, "gp_own": 2, "patient_public_present": 1},
    {"stp_code": "QKK", "score_leadership": 5, "score_data": 2, "barriers": ("data_it", "workforce"),
     "next_steps": "**Share records**", "barrier_text": "Parking"},
)
EMPTY = submissions()


def test_scores_are_averaged_per_stp_and_domain_in_stp_order():
    scores = compute_scores_by_stp(THREE)

    expected = pd.DataFrame(
        {
            "stp_code": ["QKK", "QKK", "QWE", "QWE"],
            "stp_name": ["South East London", "South East London", "South West London", "South West London"],
            "maturity_domain": ["Leadership, planning and partnerships", "Use of data and population health management"] * 2,
            "mean_score": [4.5, 3.5, 2.0, 3.0],
            "n": [2, 2, 1, 1],
        }
    )
    picked = scores[scores["maturity_domain"].isin(expected["maturity_domain"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(picked, expected, check_dtype=False)
    assert len(scores) == 2 * 5
    assert compute_scores_by_stp(EMPTY).empty


def test_barrier_counts_list_every_barrier_most_named_first():
    counts = compute_barrier_counts(THREE)

    assert counts["barrier"].tolist()[:3] == ["Workforce", "Data and IT", "Time"]
    assert counts["tables"].tolist() == [3, 1, 1, 0, 0, 0, 0, 0]
    assert compute_barrier_counts(EMPTY)["tables"].sum() == 0
    assert len(compute_barrier_counts(EMPTY)) == 8


def test_next_steps_and_other_barriers_skip_blanks_and_keep_text_as_typed():
    expected = pd.DataFrame(
        {
            "stp_code": ["QKK", "QWE"],
            "stp_name": ["South East London", "South West London"],
            "table_label": ["Table 3", "Table 1"],
            "next_steps": ["**Share records**", "<b>Hire</b>"],
        }
    )
    pd.testing.assert_frame_equal(compute_next_steps(THREE), expected, check_dtype=False)
    assert compute_barrier_notes(THREE)["barrier_text"].tolist() == ["Parking"]
    assert compute_next_steps(EMPTY).empty


def test_vision_by_role_is_summed_over_tables():
    expected = pd.DataFrame(
        {
            "role": ["GP", "Practice manager", "Practice staff", "CCG or STP lead", "Patient or public"],
            "present": [5, 0, 0, 0, 1],
            "know": [4, 0, 0, 0, 0],
            "own": [3, 0, 0, 0, 0],
        }
    )
    pd.testing.assert_frame_equal(compute_vision_by_role(THREE), expected)


def test_vision_survey_rows_have_the_survey_shape_with_the_stp_as_area():
    rows = compute_vision_survey_rows(THREE, EVENT)

    assert rows.columns.tolist() == ["stp_code", "period", "role", "respondents", "aware", "understand_support"]
    assert rows["stp_code"].tolist() == ["QKK"] * 5 + ["QWE"] * 5
    assert set(rows["period"]) == {"2019-03-01"}
    gp = rows[rows["role"] == "GP"].reset_index(drop=True)
    assert gp[["respondents", "aware", "understand_support"]].values.tolist() == [[2, 2, 2], [3, 2, 1]]
    patients_qkk = rows[(rows["role"] == "Patient or public") & (rows["stp_code"] == "QKK")]
    assert patients_qkk[["respondents", "aware"]].values.tolist() == [[1, 0]]
    assert compute_vision_survey_rows(EMPTY, EVENT).empty
    assert set(compute_vision_survey_rows(THREE, EVENT, period="2019-01-01")["period"]) == {"2019-01-01"}
