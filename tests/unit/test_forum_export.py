"""Files made from forum answers: the event export and forum_vision_survey.csv."""
import datetime as dt

import pandas as pd
from test_forum_aggregation import THREE

from forum.aggregation import compute_vision_survey_rows
from forum.export import compute_event_export, write_vision_survey_csv
from forum.models import Event

EVENT = Event(7, "Forum", dt.date(2019, 3, 14), dt.datetime(2019, 3, 1, tzinfo=dt.UTC))


def test_event_export_names_the_event_and_joins_barrier_labels():
    export = compute_event_export(THREE, EVENT)

    assert export["event_id"].tolist() == [7, 7, 7]
    assert export["stp_name"].tolist() == ["South West London", "South East London", "South East London"]
    assert export["barriers"].tolist() == ["Workforce; Time", "Workforce", "Data and IT; Workforce"]
    assert export["next_steps"].tolist() == ["<b>Hire</b>", "   ", "**Share records**"]
    assert export["submitted_at_utc"].iloc[0] == "2019-03-14T10:00:00+00:00"


def test_vision_survey_csv_is_written_into_a_folder_or_a_named_file(tmp_path):
    rows = compute_vision_survey_rows(THREE, EVENT)

    in_folder = write_vision_survey_csv(rows, tmp_path)
    named = write_vision_survey_csv(rows, tmp_path / "march.csv")

    assert in_folder == tmp_path / "forum_vision_survey.csv"
    read_back = pd.read_csv(in_folder, dtype={"period": str})
    pd.testing.assert_frame_equal(read_back, rows, check_dtype=False)
    assert named.read_text().splitlines()[0] == "stp_code,period,role,respondents,aware,understand_support"
