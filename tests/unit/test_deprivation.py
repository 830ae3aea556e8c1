"""importers/deprivation.py: Fingertips practice deprivation in either layout, deciles worked by hand."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from importers.dataset import import_files, run_import
from importers.deprivation import compute_deciles, read_time_period
from importers.report import format_report
from importers.sources import DEPRIVATION, read_source_file
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
MAPPING = FIXTURES / "practice_mapping.csv"
EXPORT = FIXTURES / "fingertips_export.csv"  # the 27-column API export, 24th column named as in CCG exports
NARROW = FIXTURES / "fingertips_narrow.csv"  # Indicator ID, Year, Area Code, Area Name, Value
# Ten practices of England ranked by score (most deprived first): decile = 1 + practices with a higher score.
EXPECTED_DECILES = {"Z10005": 2, "Z10001": 3, "Z10003": 5, "Z10006": 6, "Z10008": 6, "Z10002": 9}


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("layout", [EXPORT, NARROW], ids=["api-export", "narrow"])
def test_either_layout_is_recognised_by_its_header_whatever_the_file_is_called(tmp_path, layout):
    renamed = tmp_path / "download (3).csv"
    shutil.copy(layout, renamed)
    assert read_source_file(renamed).format == DEPRIVATION


@pytest.mark.parametrize("layout", [EXPORT, NARROW], ids=["api-export", "narrow"])
def test_each_london_practice_gets_its_score_decile_and_quintile(tmp_path, layout):
    out = tmp_path / "out"
    report = run_import([MAPPING, layout], out)
    assert not report.failed
    written = read(out, "deprivation.csv").set_index("practice_code")
    assert {code: int(d) for code, d in written["deprivation_decile"].items()} == EXPECTED_DECILES
    assert written["deprivation_quintile"].to_dict() == {"Z10005": "1", "Z10001": "2", "Z10003": "3", "Z10006": "3",
                                                         "Z10008": "3", "Z10002": "5"}
    assert written.loc["Z10002", "imd_score"] == "10.5" and set(written["period"]) == {"2019-01-01"}
    practices = read(out, "practices.csv").set_index("practice_code")["deprivation_decile"]
    # Z10004 (no borough, still in its STP) has no score: "Cannot be calculated"
    assert practices.to_dict() == {**{code: str(d) for code, d in EXPECTED_DECILES.items()}, "Z10004": "",
                                   "Z10007": ""}
    assert any("of the 10 practices' scores in the file (6 of them in London)" in note for note in report.notes)
    assert any("2 practices in practices.csv have no deprivation score" in note and "Z10004, Z10007" in note
               for note in report.notes)


def test_rows_that_are_not_a_practice_score_are_counted_with_their_reason(tmp_path):
    _, report = import_files([MAPPING, EXPORT])
    file = next(f for f in report.files if f.name == EXPORT.name)
    assert file.rows_read == 14
    assert {d.reason: (d.count, d.examples) for d in file.dropped} == {
        "not a GP practice (area type England)": (1, ("row 2: E92000001 England (value 21.72)",)),
        "value is blank or not published": (1, ("row 13: Z10004 DELTA CENTRE (value blank)",)),
        "not indicator 93553, Deprivation score (IMD 2019)": (
            1, ("row 14: Z10001 (indicator 91872 Deprivation score (IMD 2015))",)),
        "a breakdown by category, not the practice's own score": (
            1, ("row 15: Z10007 ETA SURGERY (value 44), category Most deprived decile",)),
    }
    (tally,) = file.outputs
    assert tally.kept == 6
    assert {d.reason: d.count for d in tally.dropped} == {"practice not in London (its score counts in the deciles)": 4}
    assert tally.kept + file.dropped_count + 4 == file.rows_read
    assert "CRLF line endings" in file.notes
    assert "not indicator 93553" in format_report(report)


def test_deciles_rank_the_most_deprived_first_and_ties_share_a_decile():
    scores = {"a": 60.0, "b": 50.0, "c": 40.0, "d": 35.25, "e": 30.0, "f": 20.0, "g": 20.0, "h": 15.0, "i": 10.5,
              "j": 5.0}
    assert compute_deciles(scores) == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 6, "h": 8, "i": 9, "j": 10}
    assert compute_deciles(scores, groups=5) == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3, "g": 3, "h": 4,
                                                 "i": 5, "j": 5}
    # 25 practices: each decile holds 2 or 3, the most deprived tenth first
    deciles = compute_deciles({str(n): float(n) for n in range(25)})
    assert [sum(1 for d in deciles.values() if d == k) for k in range(1, 11)] == [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]
    assert deciles["24"] == 1 and deciles["0"] == 10


@pytest.mark.parametrize(("text", "period"), [("2019", "2019-01-01"), ("2019/20", "2019-04-01"), ("Q1", None),
                                              ("", None)])
def test_time_periods(text, period):
    assert read_time_period(text) == period


def test_a_file_of_london_practices_only_says_its_deciles_are_londons(tmp_path):
    london_only = tmp_path / "london.csv"
    london_only.write_text("\n".join(line for line in NARROW.read_text().splitlines() if ",Z2" not in line) + "\n")
    _, report = import_files([MAPPING, london_only])
    assert any("so these are London deciles, not England's" in note for note in report.notes)


def test_the_app_loads_the_deprivation_table_and_the_deciles(tmp_path):
    out = tmp_path / "out"
    run_import([MAPPING, EXPORT], out)
    data = load_data(load_config(ROOT / "config.yaml"), out)
    assert not data.errors, [str(p) for p in data.errors]
    assert data.tables["deprivation"]["deprivation_decile"].tolist() == [3, 9, 5, 2, 6, 6]
    assert data.geography.set_index("practice_code")["deprivation_decile"].loc["Z10005"] == 2
