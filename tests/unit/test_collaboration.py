"""importers/collaboration.py: networks from the practice mapping, per mapping month; re-importing keeps earlier files."""
from pathlib import Path

import pandas as pd
import pytest
import yaml

from importers.collaboration import find_size_band
from importers.dataset import import_files, run_import
from indicators.compute import IndicatorUnavailable, compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
CONFIG = load_config(ROOT / "config.yaml")
MAPPING_HEADER = ("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,ONS_CCG_CODE,"
                  "CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,"
                  "COMM_REGION_NAME")
LIST_HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"


def write_mapping(path: Path, extract: str, practices: list[tuple[str, str]]) -> Path:
    """Camden practices (CCG 07R, North Central London): (practice code, PCN code or 'U')."""
    rows = [f"GP_PRAC_PAT_LIST,{extract},{code},PRACTICE {code},NW1 1AA,{pcn},{'Unallocated' if pcn == 'U' else pcn + ' PCN'},"
            "E38000027,07R,NHS Camden CCG,E54000028,QMJ,North London Partners in Health and Care,E40000003,Y56,London"
            for code, pcn in practices]
    path.write_text("\n".join([MAPPING_HEADER, *rows]) + "\n")
    return path


def write_list(path: Path, extract: str, patients: dict[str, int]) -> Path:
    rows = [f"GP_PRAC_PAT_LIST,{extract},GP,07R,E38000027,{code},NW1 1AA,ALL,ALL,{count}"
            for code, count in patients.items()]
    path.write_text("\n".join([LIST_HEADER, *rows]) + "\n")
    return path


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(("patients", "band"), [(29999, "under 30,000"), (30000, "30,000 to 50,000"),
                                                (50000, "30,000 to 50,000"), (50001, "over 50,000")])
def test_size_bands_include_both_ends_of_the_national_model(patients, band):
    assert find_size_band(patients) == band


@pytest.fixture
def two_periods(tmp_path):
    """Two mappings a year apart: P3 closed in between, P5 opened, P4 joined N2; N1 fell below 30,000 patients and
    N2 grew past 50,000."""
    files = [
        write_mapping(tmp_path / "map_2019.csv", "01-Oct-19",
                      [("P1", "N1"), ("P2", "N1"), ("P3", "N2"), ("P4", "U"), ("P6", "N2"), ("P7", "N2")]),
        write_mapping(tmp_path / "map_2020.csv", "01-Oct-20",
                      [("P1", "N1"), ("P2", "N1"), ("P4", "N2"), ("P5", "N2"), ("P6", "N2"), ("P7", "N2")]),
        write_list(tmp_path / "list_2019.csv", "01OCT2019",
                   {"P1": 10000, "P2": 20000, "P3": 20000, "P4": 5000, "P6": 10000, "P7": 10000}),
        write_list(tmp_path / "list_2020.csv", "01OCT2020",
                   {"P1": 10000, "P2": 19000, "P4": 6000, "P5": 25000, "P6": 10000, "P7": 10000}),
    ]
    out = tmp_path / "out"
    report = run_import(files, out)
    assert not report.failed
    return report, out


def test_each_mapping_gives_a_period_of_network_membership_and_sizes(two_periods):
    report, out = two_periods
    collaboration = read(out, "collaboration.csv").set_index(["period", "practice_code"])
    assert collaboration["in_pcn"].to_dict() == {
        ("2019-10-01", "P1"): "1", ("2019-10-01", "P2"): "1", ("2019-10-01", "P3"): "1", ("2019-10-01", "P4"): "0",
        ("2019-10-01", "P6"): "1", ("2019-10-01", "P7"): "1",
        ("2020-10-01", "P1"): "1", ("2020-10-01", "P2"): "1", ("2020-10-01", "P4"): "1", ("2020-10-01", "P5"): "1",
        ("2020-10-01", "P6"): "1", ("2020-10-01", "P7"): "1"}
    bands = collaboration["pcn_size_band"]
    assert bands.loc["2019-10-01"].to_dict() == {"P1": "30,000 to 50,000", "P2": "30,000 to 50,000",
                                                 "P3": "30,000 to 50,000", "P4": "not in a network",
                                                 "P6": "30,000 to 50,000", "P7": "30,000 to 50,000"}
    assert bands.loc["2020-10-01"].to_dict() == {"P1": "under 30,000", "P2": "under 30,000", "P4": "over 50,000",
                                                 "P5": "over 50,000", "P6": "over 50,000", "P7": "over 50,000"}
    for column in ("in_collaboration", "in_federation", "shared_record"):
        assert set(collaboration[column]) == {""}, column  # no public file gives them: blank, never 0
    assert read(out, "networks.csv").to_dict("records") == [
        {"pcn_code": "N1", "period": "2019-10-01", "practices": "2", "registered_patients": "30000",
         "pcn_size_band": "30,000 to 50,000"},
        {"pcn_code": "N2", "period": "2019-10-01", "practices": "3", "registered_patients": "40000",
         "pcn_size_band": "30,000 to 50,000"},
        {"pcn_code": "N1", "period": "2020-10-01", "practices": "2", "registered_patients": "29000",
         "pcn_size_band": "under 30,000"},
        {"pcn_code": "N2", "period": "2020-10-01", "practices": "4", "registered_patients": "51000",
         "pcn_size_band": "over 50,000"},
    ]
    assert sorted(set(read(out, "registered_patients.csv")["period"])) == ["2019-10-01", "2020-10-01"]  # two lists
    # P3 closed before the later mapping: it stays in practices.csv, with the network it was in, for 2019's figures
    practices = read(out, "practices.csv").set_index("practice_code")
    assert practices.loc["P3", "pcn_code"] == "N2" and practices.loc["P4", "pcn_code"] == "N2"
    assert "network sizes for the 2019-10 practice mapping use the 2019-10 list of registered patients (0 months " \
           "apart)" in report.notes


def test_the_latest_mapping_places_practices_and_an_older_one_still_counts_for_its_own_month(two_periods):
    report, out = two_periods
    older = next(f for f in report.files if f.name == "map_2019.csv")
    tallies = {o.output: (o.kept, {d.reason: d.count for d in o.dropped}) for o in older.outputs}
    assert tallies["collaboration.csv"] == (6, {})
    # P3 (closed since) is written to practices.csv from the older mapping; the other five from the later one
    assert tallies["practices.csv"] == (1, {"a later practice mapping was given (map_2020.csv)": 5})
    practices = read(out, "practices.csv").set_index("practice_code")
    assert (practices.loc["P3", "closed"], practices.loc["P5", "opened"]) == ("2020-10-01", "2020-10-01")


def test_network_indicators_make_a_trend_from_the_two_mappings(two_periods):
    _, out = two_periods
    data = load_data(CONFIG, out)
    assert not data.errors, [str(p) for p in data.errors]

    def region(indicator_id: str) -> dict[str, float]:
        values = compute_indicator_values(CONFIG.indicator(indicator_id), data)
        return values[values["level"] == "region"].set_index("period")["value"].to_dict()

    assert region("practices_in_pcn") == pytest.approx({"2019-10-01": 500 / 6, "2020-10-01": 100.0})
    assert region("practices_per_pcn") == pytest.approx({"2019-10-01": 2.5, "2020-10-01": 3.0})
    assert region("pcns_30_50k") == pytest.approx({"2019-10-01": 100.0, "2020-10-01": 0.0})
    assert region("pcn_practices_30_50k") == pytest.approx({"2019-10-01": 100.0, "2020-10-01": 0.0})


def test_columns_no_public_file_gives_stay_blank_and_say_why(two_periods):
    _, out = two_periods
    data = load_data(CONFIG, out)
    assert data.tables["collaboration"]["in_federation"].isna().all()
    for indicator_id, reason in [("practices_in_federation", "No public file lists the members of GP federations"),
                                 ("practices_shared_record", "No public file says which practices use a shared care"),
                                 ("practices_collaborating", "No public file says which practices work with others")]:
        with pytest.raises(IndicatorUnavailable, match=reason):
            compute_indicator_values(CONFIG.indicator(indicator_id), data)


def test_a_second_mapping_of_the_same_month_is_counted_as_dropped(tmp_path):
    first = write_mapping(tmp_path / "a.csv", "01-Oct-20", [("P1", "N1")])
    second = write_mapping(tmp_path / "b.csv", "01-Oct-20", [("P1", "N1"), ("P2", "N1")])
    data, report = import_files([first, second])
    assert [row["practice_code"] for row in data.tables["collaboration"]] == ["P1"]
    tally = next(o for o in next(f for f in report.files if f.name == "b.csv").outputs
                 if o.output == "collaboration.csv")
    assert {d.reason: d.count for d in tally.dropped} == {"a mapping of the same month (2020-10) was given first: a.csv": 2}


def test_reimporting_into_a_folder_keeps_the_files_it_does_not_write_again(tmp_path):
    out = tmp_path / "out"
    run_import([FIXTURES / "practice_mapping.csv", FIXTURES / "patient_list.csv", FIXTURES / "pcn_workforce.csv",
                FIXTURES / "payments_2018-19.csv"], out)
    earlier = {name: (out / name).read_bytes() for name in ("pcn_workforce.csv", "extended_hours.csv")}
    report = run_import([FIXTURES / "practice_mapping.csv", FIXTURES / "patient_list.csv",
                         FIXTURES / "appointments_ncl_2019-04.csv"], out)
    assert {name: (out / name).read_bytes() for name in earlier} == earlier
    assert (out / "appointments.csv").exists()
    assert "pcn_workforce.csv was kept from the earlier import into this folder (no file given this time gives it)" \
           in report.notes
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert "pcn_workforce" not in manifest["unavailable"] and "extended_hours" not in manifest["unavailable"]
    sources = [s.split(":")[0] for s in manifest["sources"]]
    assert {"pcn_workforce.csv", "payments_2018-19.csv", "appointments_ncl_2019-04.csv"} <= set(sources)
    assert len(sources) == len(set(sources))
    assert manifest["outputs"]["pcn_workforce.csv"] == ["pcn_workforce.csv"]
    assert manifest["title"].endswith("2018-04 to 2021-01")
    # the payments file's practices that the mapping lacks stay in practices.csv for the kept extended_hours.csv
    assert "2 practices of the earlier practices.csv are not in the new files; kept, so that the kept files' rows " \
           "can still be placed" in report.notes
    assert {"Z30001", "Z30002"} <= set(read(out, "practices.csv")["practice_code"])  # Z30004 closed before 2018-19
    data = load_data(CONFIG, out)
    assert not data.errors, [str(p) for p in data.errors]
    assert {"pcn_workforce", "extended_hours", "appointments"} <= set(data.tables)
