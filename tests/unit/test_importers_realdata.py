"""Importers on the real NHS Digital and London Datastore files in ../shared/realdata (skipped when absent).

Every expected figure is computed here, independently, from the raw file with pandas.
"""
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from importers.boundaries import find_ring_problems
from importers.dataset import run_import
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
MAPPING = REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv"
PATIENTS = REALDATA / "gp-reg-pat-prac-all_2021-01_england.csv"
PAYMENTS = REALDATA / "nhs-payments-to-general-practice_2018-19_england.csv"
WORKFORCE = REALDATA / "pcn-workforce_2020-03_england.csv"
BOUNDARIES = REALDATA / "london_boroughs_excluding_mhw_wgs84.geojson"
FILES = [MAPPING, PATIENTS, PAYMENTS, WORKFORCE, BOUNDARIES]

pytestmark = pytest.mark.skipif(not all(f.exists() for f in FILES),
                                reason=f"the real NHS files are not in {REALDATA}")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "my-data"
    report = run_import(FILES, out)
    return report, out


@pytest.fixture(scope="module")
def raw_mapping():
    mapping = pd.read_csv(MAPPING, dtype=str, keep_default_na=False)
    return mapping[mapping["COMM_REGION_NAME"] == "London"]


@pytest.fixture(scope="module")
def raw_payments():
    payments = pd.read_csv(PAYMENTS, dtype=str, keep_default_na=False)
    payments.index = payments.index + 2  # spreadsheet row numbers, header is row 1
    return payments[payments["NHS England (Region) code"] == "Q71"]


def output(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


def file_report(report, path: Path):
    return next(f for f in report.files if f.name == path.name)


def test_every_file_is_imported(imported):
    report, _ = imported
    assert not report.failed


def test_every_london_practice_of_the_mapping_is_written_with_its_pcn(imported, raw_mapping):
    _, out = imported
    practices = output(out, "practices.csv").set_index("practice_code")
    assert len(raw_mapping) == 1238
    assert set(raw_mapping["PRACTICE_CODE"]) <= set(practices.index)
    networks = raw_mapping.loc[raw_mapping["PCN_CODE"] != "U", "PCN_CODE"]
    assert networks.nunique() == 199
    assert set(practices["pcn_code"]) - {""} == set(networks)
    mapped = practices.loc[raw_mapping["PRACTICE_CODE"]]
    assert (mapped["pcn_code"] == "").sum() == (raw_mapping["PCN_CODE"] == "U").sum() == 24
    assert (mapped["stp_code"].to_numpy() == raw_mapping["STP_CODE"].to_numpy()).all()


def test_practices_lie_in_the_33_boroughs_and_32_ccgs_of_the_payments_file(imported, raw_payments):
    _, out = imported
    practices = output(out, "practices.csv")
    assert raw_payments["CCG Code"].nunique() == 32
    assert set(practices["ccg_code"]) == set(raw_payments["CCG Code"])
    assert practices["borough_code"].nunique() == 33
    assert set(practices["stp_name"]) == {"North Central London", "North East London", "North West London",
                                          "South East London", "South West London"}


def test_a_practice_in_a_merged_ccg_gets_the_borough_of_its_2018_ccg(imported, raw_mapping, raw_payments):
    _, out = imported
    practices = output(out, "practices.csv").set_index("practice_code")
    merged = raw_mapping[raw_mapping["CCG_CODE"].isin(["93C", "72Q", "36L"])]
    in_2018 = raw_payments.set_index("Practice Code")["CCG Code"]
    both = merged[merged["PRACTICE_CODE"].isin(in_2018.index)]["PRACTICE_CODE"]
    assert len(both) == 590
    assert (practices.loc[both, "ccg_code"] == in_2018.loc[both]).all()


def test_registered_patients_of_each_stp_in_january_2021(imported, raw_mapping):
    _, out = imported
    raw = pd.read_csv(PATIENTS, dtype={"NUMBER_OF_PATIENTS": int}, keep_default_na=False)
    stp_of_ccg = raw_mapping.drop_duplicates("CCG_CODE").set_index("CCG_CODE")["STP_CODE"]
    london = raw[raw["CCG_CODE"].isin(stp_of_ccg.index)]
    expected = london.groupby(london["CCG_CODE"].map(stp_of_ccg))["NUMBER_OF_PATIENTS"].sum()
    assert expected.to_dict() == {"QKK": 2016131, "QMF": 2275415, "QMJ": 1686333, "QRV": 2636965, "QWE": 1711034}
    got = _patients_by_stp(out, "2021-01-01")
    assert got.to_dict() == expected.to_dict()


def test_registered_patients_of_each_stp_in_2018_19_from_the_payments_file(imported, raw_mapping, raw_payments):
    _, out = imported
    # each 2018 CCG's STP: the STP its practices are in, in the 2020 mapping
    joined = raw_payments.merge(raw_mapping, left_on="Practice Code", right_on="PRACTICE_CODE")
    stp_of_ccg = joined.groupby("CCG Code")["STP_CODE"].agg(lambda s: s.mode()[0])
    patients = pd.to_numeric(raw_payments["Number of Registered Patients (Last Known Figure)"]).round()
    listed = patients > 0
    expected = patients[listed].groupby(raw_payments.loc[listed, "CCG Code"].map(stp_of_ccg)).sum().astype(int)
    assert _patients_by_stp(out, "2018-04-01").to_dict() == expected.to_dict()


def test_pcn_workforce_london_fte_by_pcn(imported):
    _, out = imported
    raw = pd.read_csv(WORKFORCE, encoding="cp1252", dtype={"FTE": float, "PCN_CODE": str})
    london = raw[raw["COMM_REGION_NAME"] == "London"]
    assert len(london) == 99 and london["PCN_CODE"].nunique() == 35
    workforce = output(out, "pcn_workforce.csv").astype({"fte": float})
    assert workforce["fte"].sum() == pytest.approx(london["FTE"].sum(), abs=1e-4)  # 70.63 FTE
    by_pcn = workforce.groupby("pcn_code")["fte"].sum()
    expected = london.groupby("PCN_CODE")["FTE"].sum()
    pd.testing.assert_series_equal(by_pcn, expected, check_names=False, atol=1e-5)
    assert set(workforce["staff_group"]) <= {"Directors", "Other Direct Patient Care staff",
                                             "Other Admin/Non-clinical staff"}


def test_extended_hours_practices_of_london_in_2018_19(imported, raw_payments):
    report, out = imported
    payment = pd.to_numeric(raw_payments["GP Extended Hours Access"])
    patients = pd.to_numeric(raw_payments["Number of Registered Patients (Last Known Figure)"])
    closed = pd.to_datetime(raw_payments["Practice Close Date"].str.strip(), format="%d/%m/%Y", errors="coerce")
    usable = (payment >= 0) & (patients > 0) & ~(closed < "2018-04-01")
    hours = output(out, "extended_hours.csv")
    assert len(hours) == usable.sum()
    assert (hours["offers_extended_hours"] == "1").sum() == (payment[usable] > 0).sum()
    negative = payment[payment < 0]
    assert len(negative) == 62
    tally = next(o for o in file_report(report, PAYMENTS).outputs if o.output == "extended_hours.csv")
    reason = next(d for d in tally.dropped if d.reason.startswith("Extended Hours payment is negative"))
    assert reason.count == 62
    for example in reason.examples:  # 'row 2035: E83006 (£-1,303.82)' points at that row of the file
        row, code = example.removeprefix("row ").split(": ")[0], example.split(": ")[1].split()[0]
        assert raw_payments.loc[int(row), "Practice Code"] == code and payment[int(row)] < 0


def test_registered_patients_for_the_workforce_month_come_from_the_2021_list_and_say_so(imported):
    report, out = imported
    patients = output(out, "registered_patients.csv")
    assert sorted(patients["period"].unique()) == ["2018-04-01", "2020-03-01", "2021-01-01"]
    march = patients[patients["period"] == "2020-03-01"].drop(columns="period").reset_index(drop=True)
    january = patients[patients["period"] == "2021-01-01"].drop(columns="period").reset_index(drop=True)
    pd.testing.assert_frame_equal(march, january)
    assert ("registered patients for 2020-03-01 taken from the 2021-01 publication, 10 months apart"
            in report.notes[0])


def test_practices_that_opened_or_closed_between_the_files_are_reported(imported, raw_mapping):
    report, _ = imported
    raw = pd.read_csv(PATIENTS, dtype=str)
    closed = sorted(set(raw_mapping["PRACTICE_CODE"]) - set(raw["CODE"]))
    assert len(closed) == 10
    notes = " ".join(file_report(report, PATIENTS).notes)
    assert "10 practices in the practice mapping (2020-09) have no London row in this file" in notes
    assert ", ".join(closed) in notes
    assert "not in the practice mapping (opened after the mapping's extract)" in notes and "Y06592" in notes


def test_nothing_is_silently_dropped(imported):
    report, _ = imported
    for file in report.files:
        for tally in file.outputs:
            assert tally.kept + file.dropped_count + sum(d.count for d in tally.dropped) == file.rows_read


def test_boundaries_keep_the_33_boroughs_valid_and_small(imported):
    _, out = imported
    source = json.loads(BOUNDARIES.read_text())
    written = json.loads((out / "london_boroughs.geojson").read_text())
    codes = [f["properties"]["GSS_CODE"] for f in written["features"]]
    assert len(codes) == 33 and set(codes) == {f["properties"]["GSS_CODE"] for f in source["features"]}
    assert (out / "london_boroughs.geojson").stat().st_size < 300 * 1024
    for feature in written["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for ring in (ring for polygon in polygons for ring in polygon):
            assert not find_ring_problems([tuple(p) for p in ring]), feature["properties"]["NAME"]
            assert all(round(v, 5) == v for point in ring for v in point)  # 5 decimals, about 1 m


def test_the_manifest_and_the_app_loader_accept_the_folder(imported):
    _, out = imported
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["label"] == "real"
    assert [s.split(":")[0] for s in manifest["sources"] if s.split(":")[0].endswith((".csv", ".geojson"))] == [
        MAPPING.name, PATIENTS.name, PAYMENTS.name, WORKFORCE.name, BOUNDARIES.name]
    data = load_data(load_config(ROOT / "config.yaml"), out)
    assert not data.errors, [str(p) for p in data.errors]
    assert data.label == "real"
    # the forum's own answers are an optional table: absent until a facilitator saves them
    assert set(data.unavailable) == {"workforce", "extended_access", "vision_survey", "maturity", "forum_vision",
                                     "deprivation", "appointments", "collaboration.in_collaboration",
                                     "collaboration.in_federation", "collaboration.shared_record"}


def _patients_by_stp(out: Path, period: str) -> pd.Series:
    practices = output(out, "practices.csv")[["practice_code", "stp_code"]]
    patients = output(out, "registered_patients.csv").astype({"registered_patients": int})
    month = patients[patients["period"] == period].merge(practices, on="practice_code")
    return month.groupby("stp_code")["registered_patients"].sum()
