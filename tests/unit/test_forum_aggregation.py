"""The plenary's figures shaped for the page: hand-computed from a small summary as the database gives it."""
import datetime as dt

import pandas as pd

from forum.aggregation import (
    PREVIEW_CHARS,
    PlenarySummary,
    TextPreview,
    compute_barrier_counts,
    compute_scores_by_stp,
    compute_stp_names,
    compute_text_preview_table,
    compute_vision_by_role,
    compute_vision_survey_rows,
)
from forum.models import Event

EVENT = Event(1, "Forum", dt.date(2019, 3, 14), dt.datetime(2019, 3, 1, tzinfo=dt.UTC))
DATA_STPS = {"QKK": "South East London", "QWE": "South West London", "QMJ": "North Central London"}


def preview(rows: list[tuple], written: int | None = None) -> TextPreview:
    latest = pd.DataFrame(rows, columns=["submission_id", "stp_code", "table_label", "text", "length"])
    return TextPreview(len(rows) if written is None else written, latest.astype({"text": object, "stp_code": object}))


def summary(**changes) -> PlenarySummary:
    """Two STPs answered (South West London's table first); an STP the data no longer has (OLD) too."""
    fields = {
        "answers": 4,
        "last_submission_id": 4,
        "scores": pd.DataFrame({"stp_code": ["QWE", "QWE", "QKK", "QKK", "OLD"],
                                "domain_code": ["data", "leadership", "data", "leadership", "leadership"],
                                "mean_score": [3.0, 2.0, 3.5, 4.5, 1.0], "n": [1, 1, 2, 2, 1]}),
        "vision": pd.DataFrame({"stp_code": ["QWE", "QKK", "QKK"], "role_code": ["gp", "gp", "patient_public"],
                                "present": [3, 2, 1], "know": [2, 2, 0], "own": [1, 2, 0]}),
        "barrier_counts": {"workforce": 3, "data_it": 1, "time": 1},
        "texts": {"next_steps": preview([(3, "QKK", "Table 3", "**Share records**", 17),
                                         (1, "QWE", "", "<b>Hire</b>\nSouth East London, Table 3: fake", 45)]),
                  "barrier_text": preview([], written=0)},
        "stp_names": {"QKK": "SE London (link)", "OLD": "An STP since merged"},
    }
    return PlenarySummary(**{**fields, **changes})


def test_stps_follow_the_datas_order_and_names_then_the_links_then_the_code():
    names = compute_stp_names({"OLD": "An STP since merged"}, DATA_STPS, ["OLD", "QWE", "GONE", "QKK"])
    assert names == {"QKK": "South East London", "QWE": "South West London", "OLD": "An STP since merged",
                     "GONE": "GONE"}


def test_scores_come_per_stp_in_the_datas_order_and_domains_in_matrix_order():
    scores = compute_scores_by_stp(summary(), DATA_STPS)

    expected = pd.DataFrame({
        "stp_code": ["QKK", "QKK", "QWE", "QWE", "OLD"],
        "stp_name": ["South East London", "South East London", "South West London", "South West London",
                     "An STP since merged"],
        "maturity_domain": ["Leadership, planning and partnerships", "Use of data and population health management"] * 2
        + ["Leadership, planning and partnerships"],
        "mean_score": [4.5, 3.5, 2.0, 3.0, 1.0],
        "n": [2, 2, 1, 1, 1],
    })
    pd.testing.assert_frame_equal(scores, expected)
    assert compute_scores_by_stp(summary(scores=summary().scores.iloc[0:0]), DATA_STPS).empty


def test_barrier_counts_list_every_barrier_most_named_first():
    counts = compute_barrier_counts(summary())

    assert counts["barrier"].tolist()[:3] == ["Workforce", "Data and IT", "Time"]
    assert counts["tables"].tolist() == [3, 1, 1, 0, 0, 0, 0, 0]
    assert compute_barrier_counts(summary(barrier_counts={}))["tables"].sum() == 0


def test_vision_by_role_is_summed_over_tables():
    expected = pd.DataFrame({
        "role": ["GP", "Practice manager", "Practice staff", "CCG or STP lead", "Patient or public"],
        "present": [5, 0, 0, 0, 1], "know": [4, 0, 0, 0, 0], "own": [3, 0, 0, 0, 0],
    })
    pd.testing.assert_frame_equal(compute_vision_by_role(summary()), expected)
    assert compute_vision_by_role(summary(vision=summary().vision.iloc[0:0]))["present"].sum() == 0


def test_vision_survey_rows_have_the_survey_shape_with_the_stp_as_area():
    rows = compute_vision_survey_rows(summary(), EVENT, DATA_STPS)

    assert rows.columns.tolist() == ["stp_code", "period", "role", "respondents", "aware", "understand_support"]
    assert rows["stp_code"].tolist() == ["QKK"] * 5 + ["QWE"] * 5
    assert set(rows["period"]) == {"2019-03-01"}
    gp = rows[rows["role"] == "GP"].reset_index(drop=True)
    assert gp[["respondents", "aware", "understand_support"]].values.tolist() == [[2, 2, 2], [3, 2, 1]]
    patients = rows[(rows["role"] == "Patient or public") & (rows["stp_code"] == "QKK")]
    assert patients[["respondents", "aware"]].values.tolist() == [[1, 0]]
    assert compute_vision_survey_rows(summary(vision=summary().vision.iloc[0:0]), EVENT, DATA_STPS).empty
    assert set(compute_vision_survey_rows(summary(), EVENT, DATA_STPS, period="2019-01-01")["period"]) == {"2019-01-01"}


def test_each_preview_is_one_row_with_who_sent_it_and_a_newline_stays_in_its_cell():
    shown = compute_text_preview_table(summary().texts["next_steps"], DATA_STPS, {}, "Next steps")

    assert shown.columns.tolist() == ["STP", "Table", "Next steps"]
    assert shown.values.tolist() == [
        ["South East London", "Table 3", "**Share records**"],
        ["South West London", "", "<b>Hire</b>\nSouth East London, Table 3: fake"],
    ]


def test_a_long_answer_is_cut_with_an_ellipsis_and_a_short_one_is_whole():
    long = "x" * (PREVIEW_CHARS + 1)  # the database sends one character more than is shown
    shown = compute_text_preview_table(preview([(2, "QKK", "", long, 4000), (1, "QKK", "", "x" * 10, 10)]),
                                       DATA_STPS, {}, "Next steps")
    assert shown["Next steps"].tolist() == ["x" * PREVIEW_CHARS + "…", "x" * 10]
