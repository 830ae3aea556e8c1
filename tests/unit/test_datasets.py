"""Loading the CSVs: each broken input is reported by file, spreadsheet row and field, and good rows are kept."""
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.errors import IndicatorUnavailable

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
CONFIG = load_config(SMALL / "config.yaml")
# the small data itself has one '*' in extended_access.csv: a warning, never an error
SMALL_WARNING = ("extended_access.csv", None, "patients_covered")
REGISTERED = pd.DataFrame({
    "practice_code": ["P1", "P2", "P3", "P4"] * 2,
    "period": ["2020-01-01"] * 4 + ["2020-04-01"] * 4,
    "registered_patients": [1000.0, 3000.0, 2000.0, 4000.0] * 2,
})


def _load(case: str):
    return load_data(CONFIG, BROKEN / case)


def _errors(data) -> list[tuple]:
    return [(p.source, p.row, p.field) for p in data.problems if p.severity == "error"]


def _warnings(data) -> list[tuple]:
    return [(p.source, p.row, p.field) for p in data.problems if p.severity == "warning"]


def _report(data, name: str):
    return next(report for report in data.files if report.name == name)


def _value(table: pd.DataFrame, code: str, period: str, column: str) -> float:
    key = table.columns[0]
    (value,) = table.loc[(table[key] == code) & (table["period"] == period), column]
    return value


def _copy_small(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    return folder


def test_the_small_data_loads_with_one_warning():
    data = load_data(CONFIG, SMALL)
    assert (data.label, data.title) == ("illustrative", "Tiny hand-made test data")
    assert data.sources == ("written by hand for the tests",)
    assert _errors(data) == [] and data.errors == ()
    assert _warnings(data) == [SMALL_WARNING]
    assert data.periods == ("2020-01-01", "2020-04-01")
    assert list(data.geography["practice_code"]) == ["P1", "P2", "P3", "P4"]
    assert np.isnan(data.geography.loc[2, "deprivation_decile"])  # P3's blank decile stays blank
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED)
    assert {report.name: (report.rows_read, report.rows_kept) for report in data.files} == {
        "practices.csv": (4, 4), "registered_patients.csv": (8, 8), "extended_access.csv": (8, 8),
        "workforce.csv": (4, 4), "vision_survey.csv": (4, 4), "maturity.csv": (4, 4)}


def test_missing_file():
    data = _load("missing_file")
    assert _errors(data) == [("extended_access.csv", None, None)]
    assert "not found" in data.errors[0].message
    assert _report(data, "extended_access.csv").status == "missing"
    assert "extended_access" not in data.tables
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED)
    with pytest.raises(IndicatorUnavailable, match="extended_access"):
        compute_indicator_values(CONFIG.indicator("coverage"), data)
    assert not compute_indicator_values(CONFIG.indicator("clinical_fte_per_1000"), data).empty


def test_empty_file():
    data = _load("empty_file")
    assert _errors(data) == [("workforce.csv", None, None)]
    assert "empty" in data.errors[0].message
    assert _report(data, "workforce.csv").status == "unreadable"
    assert "workforce" not in data.tables and "registered_patients" in data.tables


def test_missing_value_column():
    data = _load("missing_column")
    assert _errors(data) == [("extended_access.csv", None, "appointments_per_week")]
    table = data.tables["extended_access"]
    assert list(table.columns) == ["practice_code", "period", "patients_covered"]
    assert len(table) == 8
    with pytest.raises(IndicatorUnavailable, match="appointments_per_week"):
        compute_indicator_values(CONFIG.indicator("appointments_per_1000"), data)
    assert not compute_indicator_values(CONFIG.indicator("coverage"), data).empty


def test_missing_key_column():
    data = _load("missing_key_column")
    assert _errors(data) == [("vision_survey.csv", None, "borough_code")]
    assert _report(data, "vision_survey.csv").status == "unreadable"
    assert "vision_survey" not in data.tables


def test_text_in_a_number_column_is_reported_with_its_row_and_the_row_is_kept():
    data = _load("text_in_number")
    assert _errors(data) == [("registered_patients.csv", 3, "registered_patients")]
    assert "'abc'" in data.errors[0].message
    assert str(data.errors[0]).startswith("registered_patients.csv, row 3, field 'registered_patients'")
    table = data.tables["registered_patients"]
    assert len(table) == 8
    assert np.isnan(_value(table, "P2", "2020-01-01", "registered_patients"))
    assert _value(table, "P2", "2020-04-01", "registered_patients") == 3000
    assert table["registered_patients"].sum() == REGISTERED["registered_patients"].sum() - 3000


def test_negative_count():
    data = _load("negative_count")
    assert _errors(data) == [("extended_access.csv", 5, "appointments_per_week")]
    assert "negative" in data.errors[0].message and "'-20'" in data.errors[0].message
    table = data.tables["extended_access"]
    assert np.isnan(_value(table, "P4", "2020-01-01", "appointments_per_week"))
    assert _value(table, "P4", "2020-01-01", "patients_covered") == 4000  # the rest of the row stays


def test_practice_with_no_stp_is_reported_and_left_out():
    data = _load("no_stp")
    assert _errors(data)[0] == ("practices.csv", 5, "stp_code")
    assert "blank" in data.errors[0].message
    assert list(data.geography["practice_code"]) == ["P1", "P2", "P3"]
    # its rows elsewhere are reported (not silently dropped) and say where to look
    assert ("registered_patients.csv", 5, "practice_code") in _errors(data)
    assert ("registered_patients.csv", 9, "practice_code") in _errors(data)
    assert all("left out" in p.message for p in data.errors)
    assert set(data.tables["registered_patients"]["practice_code"]) == {"P1", "P2", "P3"}


def test_unknown_practice_code():
    data = _load("unknown_practice")
    assert _errors(data) == [("registered_patients.csv", 10, "practice_code")]
    report = _report(data, "registered_patients.csv")
    assert (report.rows_read, report.rows_kept, report.status) == (9, 8, "loaded with problems")
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED)


def test_suppressed_values_are_warnings_not_errors():
    data = _load("suppressed_values")
    assert data.errors == ()
    assert _warnings(data) == [SMALL_WARNING, ("extended_access.csv", None, "appointments_per_week")]
    assert data.problems[-1].message.startswith("2 values are suppressed")
    table = data.tables["extended_access"]
    assert len(table) == 8
    assert np.isnan(_value(table, "P1", "2020-01-01", "appointments_per_week"))  # '-'
    assert np.isnan(_value(table, "P2", "2020-04-01", "appointments_per_week"))  # '*'
    assert _value(table, "P2", "2020-01-01", "appointments_per_week") == 9


def test_windows_1252_file_is_read_with_its_en_dash():
    data = _load("windows_1252")
    assert data.errors == () and _warnings(data) == [SMALL_WARNING]
    assert data.geography.loc[0, "practice_name"] == "Alpha \u2013 Omega Surgery"


def test_crlf_line_endings_give_the_same_tables():
    assert b"\r\n" in (BROKEN / "crlf" / "registered_patients.csv").read_bytes()
    data, small = _load("crlf"), load_data(CONFIG, SMALL)
    assert data.problems == small.problems
    for name, table in small.tables.items():
        pd.testing.assert_frame_equal(data.tables[name], table)
    pd.testing.assert_frame_equal(data.geography, small.geography)


def test_quoted_header_with_trailing_spaces():
    data = _load("quoted_header")
    assert data.errors == ()
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED)


@pytest.mark.parametrize(("case", "row", "practice", "period"), [
    ("ragged_row", 4, "P3", "2020-01-01"),
    ("ragged_first_row", 2, "P1", "2020-01-01"),  # used to shift every column silently
])
def test_a_row_with_too_many_fields_is_reported_and_the_others_kept(case, row, practice, period):
    data = _load(case)
    assert _errors(data) == [("registered_patients.csv", row, None)]
    assert "4 fields" in data.errors[0].message and "header has 3" in data.errors[0].message
    left_out = (REGISTERED["practice_code"] == practice) & (REGISTERED["period"] == period)
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED[~left_out].reset_index(drop=True))


def test_a_row_with_too_few_fields_counts_as_blank(tmp_path):
    folder = _copy_small(tmp_path)
    path = folder / "registered_patients.csv"
    path.write_text(path.read_text().replace("P3,2020-01-01,2000", "P3,2020-01-01"))
    data = load_data(CONFIG, folder)
    assert np.isnan(_value(data.tables["registered_patients"], "P3", "2020-01-01", "registered_patients"))
    assert _value(data.tables["registered_patients"], "P4", "2020-01-01", "registered_patients") == 4000


def test_duplicate_rows_keep_the_first():
    data = _load("duplicate_rows")
    assert _errors(data) == [("registered_patients.csv", 4, "practice_code")]
    assert "same practice_code, period" in data.errors[0].message
    pd.testing.assert_frame_equal(data.tables["registered_patients"], REGISTERED)


def test_bad_periods_are_reported_and_those_rows_left_out():
    data = _load("bad_period")
    assert _errors(data) == [("extended_access.csv", 7, "period"), ("extended_access.csv", 9, "period")]
    table = data.tables["extended_access"]
    assert len(table) == 6
    assert list(table.loc[table["period"] == "2020-04-01", "practice_code"]) == ["P1", "P3"]
    assert data.periods == ("2020-01-01", "2020-04-01")


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does():
    data = _load("blank_line")
    assert _errors(data) == [("registered_patients.csv", 5, "registered_patients")]
    assert len(data.tables["registered_patients"]) == 8


def test_no_manifest_means_unlabelled():
    data = _load("no_manifest")
    assert data.label == "unlabelled"
    assert data.errors == ()
    assert ("dataset.yaml", None, None) in _warnings(data)
    assert "unlabelled" in data.problems[0].message


@pytest.mark.parametrize(("text", "field"), [
    ("label: made up\n", "label"),
    ("label: real\nunavailable: [vision_survey]\n", "unavailable"),
])
def test_a_bad_manifest_is_reported(tmp_path, text, field):
    folder = _copy_small(tmp_path)
    (folder / "dataset.yaml").write_text(text)
    data = load_data(CONFIG, folder)
    assert ("dataset.yaml", None, field) in _errors(data)


def test_a_manifest_that_is_not_yaml_is_reported(tmp_path):
    folder = _copy_small(tmp_path)
    (folder / "dataset.yaml").write_text("label: [illustrative\n")
    data = load_data(CONFIG, folder)
    assert data.label == "unlabelled"
    assert ("dataset.yaml", None, None) in _errors(data)


def test_a_table_declared_unavailable_is_not_an_error(tmp_path):
    folder = _copy_small(tmp_path)
    (folder / "vision_survey.csv").unlink()
    (folder / "dataset.yaml").write_text(
        "label: real\ntitle: Real\nunavailable:\n  vision_survey: No survey of the vision has been published.\n")
    data = load_data(CONFIG, folder)
    assert data.errors == ()
    assert data.label == "real"
    assert _report(data, "vision_survey.csv").status == "not available"
    with pytest.raises(IndicatorUnavailable, match="^No survey of the vision has been published.$"):
        compute_indicator_values(CONFIG.indicator("gps_aware"), data)


def test_many_bad_rows_list_five_then_count_the_rest(tmp_path):
    folder = _copy_small(tmp_path)
    lines = ["practice_code,period,registered_patients"]
    lines += [f"P{n % 4 + 1},20{n + 10}-01-01,lots" for n in range(8)]  # 8 distinct periods, all text
    (folder / "registered_patients.csv").write_text("\n".join(lines) + "\n")
    data = load_data(CONFIG, folder)
    assert _errors(data) == [("registered_patients.csv", row, "registered_patients") for row in range(2, 7)] + [
        ("registered_patients.csv", None, "registered_patients")]
    assert data.errors[-1].message.startswith("3 more rows have the same problem")


def test_number_formats_people_type(tmp_path):
    folder = _copy_small(tmp_path)
    (folder / "registered_patients.csv").write_text(
        'practice_code,period,registered_patients\nP1,2020-01-01,"1,000"\n P2 , 2020-01-01 , 3000 \n'
        "P3,2020-01-01,2000.5\nP4,2020-01-01,\n")
    data = load_data(CONFIG, folder)
    # a count with a fraction is wrong; a blank is simply not published
    assert _errors(data) == [("registered_patients.csv", 4, "registered_patients")]
    assert "whole number" in data.errors[0].message
    table = data.tables["registered_patients"]
    assert table["registered_patients"].tolist()[:2] == [1000.0, 3000.0]
    assert table["practice_code"].tolist() == ["P1", "P2", "P3", "P4"]
    assert np.isnan(table["registered_patients"].tolist()[3])


def test_neither_utf8_nor_windows_1252_is_read_as_latin_1(tmp_path):
    folder = _copy_small(tmp_path)
    path = folder / "practices.csv"
    path.write_bytes(path.read_bytes().replace(b"Alpha", b"Alph\x81"))  # 0x81 is undefined in Windows-1252
    data = load_data(CONFIG, folder)
    assert ("practices.csv", None, None) in _warnings(data)
    assert data.geography.loc[0, "practice_name"] == "Alph\x81 Surgery"


def test_a_column_named_twice_in_the_header(tmp_path):
    folder = _copy_small(tmp_path)
    (folder / "registered_patients.csv").write_text(
        "practice_code,period,registered_patients,registered_patients\nP1,2020-01-01,1000,1\n")
    data = load_data(CONFIG, folder)
    assert ("registered_patients.csv", None, "registered_patients") in _errors(data)
    assert data.tables["registered_patients"]["registered_patients"].tolist() == [1000.0]


def test_deprivation_decile_out_of_range_is_a_warning(tmp_path):
    folder = _copy_small(tmp_path)
    path = folder / "practices.csv"
    path.write_text(path.read_text().replace("STP Two,8", "STP Two,11"))
    data = load_data(CONFIG, folder)
    assert data.errors == ()
    assert ("practices.csv", 5, "deprivation_decile") in _warnings(data)
    assert np.isnan(data.geography.loc[3, "deprivation_decile"])
    assert len(data.geography) == 4


def test_duplicate_practice_in_geography_keeps_the_first(tmp_path):
    folder = _copy_small(tmp_path)
    path = folder / "practices.csv"
    path.write_text(path.read_text() + "P1,Alpha Again,SE1,N2,North Two PCN,Fed B,B2,Borough Two,C2,CCG Two,S1,STP One,\n")
    data = load_data(CONFIG, folder)
    assert _errors(data) == [("practices.csv", 6, "practice_code")]
    assert data.geography.loc[data.geography["practice_code"] == "P1", "practice_name"].tolist() == ["Alpha Surgery"]


def test_missing_geography_file_leaves_every_row_unplaced(tmp_path):
    folder = _copy_small(tmp_path)
    (folder / "practices.csv").unlink()
    data = load_data(CONFIG, folder)
    assert _errors(data)[0] == ("practices.csv", None, None)
    assert data.geography.empty
    assert _report(data, "practices.csv").status == "missing"
