"""Bad input to the importer: each case gives one line naming the file (and row and field), the other files
are still imported, the command exits with status 1, and nothing hangs (every import here has a time limit).

The broken files are made here, in tmp_path, from the small fixtures in tests/fixtures/import.
"""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from importers.dataset import import_files

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SCRIPT = ROOT / "scripts" / "import_data.py"
MAPPING = FIXTURES / "practice_mapping.csv"
PATIENTS = FIXTURES / "patient_list.csv"
BOUNDARIES = FIXTURES / "boroughs.geojson"
LIST_HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"
SQUARE = [[-0.10, 51.50], [-0.09, 51.50], [-0.09, 51.51], [-0.10, 51.51], [-0.10, 51.50]]


def list_row(code: str, patients: str = "5000", date: str = "01JAN2021") -> str:
    return f"GP_PRAC_PAT_LIST,{date},GP,93C,E38000240,{code},NW1 1AA,ALL,ALL,{patients}"


def write_list(path: Path, *rows: str, newline: str = "\n") -> Path:
    path.write_text(newline.join([LIST_HEADER, *rows]) + newline, encoding="utf-8", newline="")
    return path


def boundary_file(path: Path, coordinates) -> Path:
    features = [
        {"type": "Feature", "properties": {"GSS_CODE": "E09000001", "NAME": "City of London"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        {"type": "Feature", "properties": {"GSS_CODE": "E09000007", "NAME": "Camden"},
         "geometry": {"type": "Polygon", "coordinates": coordinates}},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def errors_of(report) -> list[str]:
    return list(report.error_lines)


@pytest.mark.parametrize("name, coordinates, reason", [
    ("self_crossing", [[[-0.2, 51.5], [-0.1, 51.6], [-0.1, 51.5], [-0.25, 51.58], [-0.2, 51.5]]],
     "ring 1: crosses itself"),
    ("zero_area", [[[-0.2, 51.5], [-0.1, 51.5], [-0.15, 51.5], [-0.2, 51.5]]], "ring 1: no area"),
    ("empty", [], "no coordinates"),
    ("nan", [[[-0.2, 51.5], [float("nan"), 51.6], [-0.1, 51.5], [-0.2, 51.5]]],
     "ring 1: coordinates that are not finite numbers"),
    ("infinite", [[[-0.2, 51.5], [float("inf"), 51.6], [-0.1, 51.5], [-0.2, 51.5]]],
     "ring 1: coordinates that are not finite numbers"),
])
def test_a_bad_polygon_is_named_and_the_other_boroughs_are_kept(tmp_path, name, coordinates, reason):
    path = boundary_file(tmp_path / f"{name}.geojson", coordinates)
    data, report = import_files([MAPPING, path])
    assert errors_of(report) == [(f"{path}: row 2, field 'geometry': geometry cannot be used: {reason} "
                                 "(E09000007 Camden)")]
    assert [f["properties"]["GSS_CODE"] for f in data.boundaries.features] == ["E09000001"]


def test_json_nested_thousands_deep_is_one_line_not_a_crash(tmp_path):
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}")
    data, report = import_files([MAPPING, path])
    (error,) = errors_of(report)
    assert error.startswith(f"{path}: the JSON is nested too deeply") and "\n" not in error
    assert len(data.practices) == 8  # the mapping still imported


def test_an_unclosed_quote_is_named_with_its_row_and_field_and_the_rows_before_it_kept(tmp_path):
    path = write_list(tmp_path / "list.csv", list_row("Z10001"), list_row("Z10002").replace("NW1 1AA", '"NW1 1AA'),
                      list_row("Z10005"), list_row("Z10006"))
    data, report = import_files([MAPPING, path])
    assert errors_of(report) == [(f"{path}: row 3: a quote opened in field 'POSTCODE' is never closed, so the 2 lines "
                                 "after it were read as one value and left out")]
    patients = pd.DataFrame(data.tables["registered_patients"])
    assert set(patients.loc[patients["period"] == "2021-01-01", "practice_code"]) == {"Z10001"}


def test_old_mac_line_endings_read_like_any_other(tmp_path):
    rows = [list_row("Z10001"), list_row("Z10002", "12000")]
    lf = write_list(tmp_path / "lf.csv", *rows)
    cr = write_list(tmp_path / "cr.csv", *rows, newline="\r")
    assert b"\n" not in cr.read_bytes()
    tables = [pd.DataFrame(import_files([MAPPING, path])[0].tables["registered_patients"]) for path in (lf, cr)]
    pd.testing.assert_frame_equal(*tables)
    assert tables[0]["practice_code"].tolist() == ["Z10001", "Z10002"]


@pytest.mark.parametrize("content", [bytes(range(256)) * 40, b"PK\x03\x04" + bytes(range(200)),
                                     b"\xff\xfe\x00P\x00R\x00A\x00C", bytes(range(128, 256)) * 40],
                         ids=["every byte", "zip", "UTF-16", "high bytes only"])
def test_binary_garbage_is_one_line(tmp_path, content):
    path = tmp_path / "garbage.csv"
    path.write_bytes(content)
    data, report = import_files([MAPPING, path])
    (error,) = errors_of(report)
    assert error.startswith(f"{path}: ") and "\n" not in error
    assert len(data.practices) == 8


def test_a_utf8_file_cut_in_the_middle_of_a_character_names_the_row_and_field(tmp_path):
    path = tmp_path / "cut.csv"
    text = "\n".join([LIST_HEADER, list_row("Z10001"), list_row("Z10002", "12000é")])
    path.write_bytes(text.encode("utf-8")[:-1])  # the last row cut inside 'é'
    assert path.read_bytes().endswith(b"12000\xc3")
    data, report = import_files([MAPPING, path])
    assert errors_of(report) == [(f"{path}: row 3: the file is cut short in the middle of a character, in field "
                                 "'NUMBER_OF_PATIENTS'; the row may be incomplete and was left out")]
    patients = pd.DataFrame(data.tables["registered_patients"])
    assert set(patients.loc[patients["period"] == "2021-01-01", "practice_code"]) == {"Z10001"}


@pytest.mark.parametrize("value", ["inf", "1e309", "-inf", "nan"])
def test_a_value_that_is_not_finite_is_named_and_the_other_rows_kept(tmp_path, value):
    path = write_list(tmp_path / "list.csv", list_row("Z10001"), list_row("Z10002", value))
    data, report = import_files([MAPPING, path])
    assert errors_of(report) == [(f"{path}: row 3, field 'NUMBER_OF_PATIENTS': NUMBER_OF_PATIENTS is not a finite "
                                 f"number (Z10002 ({value} patients))")]
    assert "Z10001" in {row["practice_code"] for row in data.tables["registered_patients"]}


@pytest.mark.parametrize("date", ["01JAN1850", "01/01/2150", "1989-12-01"])
def test_a_date_outside_1990_to_2100_is_named(tmp_path, date):
    path = write_list(tmp_path / "list.csv", list_row("Z10001"), list_row("Z10002", date=date))
    _, report = import_files([MAPPING, path])
    (error,) = errors_of(report)
    assert error.startswith(f"{path}: row 3, field 'EXTRACT_DATE': EXTRACT_DATE is not a readable date")
    assert "is outside the years 1990 to 2100" in error


def test_a_header_only_file_is_one_line(tmp_path):
    path = write_list(tmp_path / "list.csv")
    data, report = import_files([MAPPING, path])
    assert errors_of(report) == [f"{path}: row 2: the file has a header of column names but no rows of data."]
    assert len(data.practices) == 8


def test_a_yaml_alias_bomb_in_the_output_folder_is_refused_quickly(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "practices.csv").write_text("practice_code\nP1\n")
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    (out / "dataset.yaml").write_text("label: real\n" + "\n".join(lines) + "\n")
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), str(MAPPING)],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: {out}: this folder already holds data not written by this importer" in result.stderr
    assert (out / "practices.csv").read_text() == "practice_code\nP1\n"


def test_the_command_imports_the_good_files_names_every_bad_one_and_exits_1(tmp_path):
    bad_list = write_list(tmp_path / "list.csv", list_row("Z10001"), list_row("Z10002", "1e309"))
    crossing = boundary_file(tmp_path / "boroughs.geojson",
                             [[[-0.2, 51.5], [-0.1, 51.6], [-0.1, 51.5], [-0.25, 51.58], [-0.2, 51.5]]])
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), str(MAPPING), str(bad_list),
                             str(crossing), str(garbage)], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        (f"error: {bad_list}: row 3, field 'NUMBER_OF_PATIENTS': NUMBER_OF_PATIENTS is not a finite number "
        "(Z10002 (1e309 patients))"),
        f"error: {crossing}: row 2, field 'geometry': geometry cannot be used: ring 1: crosses itself (E09000007 Camden)",
        f"error: {garbage}: this is not a text file (a spreadsheet or zip?); save or extract it as CSV.",
    ]
    assert len(pd.read_csv(out / "practices.csv")) == 8
    assert len(json.loads((out / "place_boundaries.geojson").read_text())["features"]) == 1
