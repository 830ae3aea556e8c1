"""importers/appointments.py: Appointments in General Practice summed by STP and month, counts worked by hand."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from importers.dataset import import_files, run_import
from importers.sources import APPOINTMENTS, read_source_file
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
MAPPING = FIXTURES / "practice_mapping.csv"
PATIENTS = FIXTURES / "patient_list.csv"  # January 2021: North Central London (QMJ) has 5,000 + 12,000 patients
APRIL = FIXTURES / "appointments_ncl_2019-04.csv"  # North Central London, March and April 2019
MAY = FIXTURES / "appointments_ncl_2019-05.csv"  # a later publication: April 2019 revised, and May 2019
CONFIG = load_config(ROOT / "config.yaml")


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype={"stp_code": str, "period": str, "registered_patients_period": str},
                       keep_default_na=False)


def file_report(report, path: Path):
    return next(f for f in report.files if f.name == path.name)


@pytest.fixture
def imported(tmp_path):
    out = tmp_path / "out"
    report = run_import([MAPPING, PATIENTS, APRIL], out)
    assert not report.failed
    return report, out


def test_recognised_by_its_header_whatever_the_file_is_called(tmp_path):
    renamed = tmp_path / "Regional_CSV_whatever.csv"
    shutil.copy(APRIL, renamed)
    assert read_source_file(renamed).format == APPOINTMENTS


def test_counts_are_summed_per_stp_and_month_into_every_category(imported):
    _, out = imported
    march = read(out, "appointments.csv").set_index(["stp_code", "period"]).loc[("QMJ", "2019-03-01")]
    # 100 + 50 + 10 + 20 + 5 + 3 appointments; the mode 'Carrier Pigeon' is not a known mode, so it counts as unknown
    assert march.to_dict() == {
        "appointments": 188, "attended": 158, "did_not_attend": 10, "status_unknown": 20,
        "gp": 118, "other_staff": 50, "staff_unknown": 20,
        "face_to_face": 110, "home_visit": 0, "telephone": 50, "video_online": 5, "mode_unknown": 23,
        "same_day": 108, "next_day": 0, "days_2_to_7": 50, "days_8_to_14": 10, "days_15_to_21": 0,
        "days_22_to_28": 0, "over_28_days": 0, "timing_unknown": 20,
        "registered_patients": 17000, "registered_patients_period": "2021-01-01"}


def test_bad_rows_are_counted_with_their_reason_and_row(imported):
    report, _ = imported
    file = file_report(report, APRIL)
    assert file.rows_read == 11
    assert {d.reason: d.examples for d in file.dropped} == {
        "outside London": ("row 12: E54000050 (North East and Yorkshire)",),
        "COUNT_OF_APPOINTMENTS is not a number": ("row 9: E54000028 APR2019 (abc appointments)",),
        "COUNT_OF_APPOINTMENTS is blank or not published": ("row 10: E54000028 APR2019 (* appointments)",),
        "Appointment_Month is not a month (e.g. MAR2019)": ("row 11: E54000028 April 2019 (7 appointments)",),
    }
    assert file.outputs[0].kept == 7
    assert ("APPT_MODE 'Carrier Pigeon' is not a category this importer knows; its 1 row are counted as unknown for "
            "that category") in file.notes


def test_shares_leave_unknown_out_and_rates_use_the_stps_patients(imported):
    _, out = imported
    data = load_data(CONFIG, out)
    assert not data.errors, [str(p) for p in data.errors]
    expected = {
        "appointments_per_1000": 188 / 17000 * 1000,
        "face_to_face_appointments": 110 / (110 + 50 + 5) * 100,  # 23 of unknown mode left out
        "same_day_appointments": 108 / (108 + 50 + 10) * 100,  # 20 of unknown timing left out
        "non_gp_appointments": 50 / (118 + 50) * 100,  # 20 of unknown staff left out
    }
    for indicator_id, value in expected.items():
        values = compute_indicator_values(CONFIG.indicator(indicator_id), data)
        march = values[(values["period"] == "2019-03-01")].set_index("level")["value"]
        assert march["stp"] == pytest.approx(value) and march["region"] == pytest.approx(value), indicator_id
        assert set(values["level"]) == {"stp", "region"}


def test_a_later_publication_replaces_the_months_it_shares_with_an_earlier_one(tmp_path):
    out = tmp_path / "out"
    report = run_import([MAPPING, PATIENTS, MAY, APRIL], out)
    totals = read(out, "appointments.csv").set_index("period")["appointments"]
    assert totals.to_dict() == {"2019-03-01": 188, "2019-04-01": 210, "2019-05-01": 300}
    older = file_report(report, APRIL).outputs[0]
    assert {d.reason: d.count for d in older.dropped} == {
        "this STP and month are given by appointments_ncl_2019-05.csv, a publication as late or later": 1}
    for file in report.files:
        for tally in file.outputs:
            assert tally.kept + file.dropped_count + sum(d.count for d in tally.dropped) == file.rows_read


def test_the_stp_is_matched_by_name_when_its_ons_code_is_not_in_the_mapping(tmp_path):
    renamed = tmp_path / "appointments.csv"
    renamed.write_text(APRIL.read_text().replace("E54000028", "E54000999"))
    data, report = import_files([MAPPING, PATIENTS, renamed])
    assert {row["stp_code"] for row in data.tables["appointments"]} == {"QMJ"}
    assert any("matched to the practice mapping by name" in note and "E54000999" in note for note in report.notes)


def test_without_a_practice_mapping_the_stp_cannot_be_matched_and_the_rows_are_counted(tmp_path):
    out = tmp_path / "out"
    report = run_import([PATIENTS, APRIL], out)
    tally = file_report(report, APRIL).outputs[0]
    assert tally.kept == 0
    assert [d.reason for d in tally.dropped] == [
        ("no practice mapping (gp-reg-pat-prac-map.csv, with ONS_STP_CODE and STP_CODE) was imported, so the file's "
        "STP cannot be matched to an STP of practices.csv")]
    assert not (out / "appointments.csv").exists()
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["unavailable"]["appointments"].startswith("No Appointments in General Practice file was imported")


def test_without_a_list_of_patients_the_shares_still_work_and_the_report_says_so(tmp_path):
    out = tmp_path / "out"
    report = run_import([MAPPING, APRIL], out)
    assert set(read(out, "appointments.csv")["registered_patients"]) == {""}
    assert any("no list of registered patients was imported, so appointments per 1,000 patients cannot be worked "
               "out" in note for note in report.notes)
    data = load_data(CONFIG, out)
    assert not data.errors
    shares = compute_indicator_values(CONFIG.indicator("face_to_face_appointments"), data)
    assert not shares["value"].isna().all()


def test_a_missing_stp_is_said_in_the_manifest_coverage(imported):
    _, out = imported
    coverage = yaml.safe_load((out / "dataset.yaml").read_text())["coverage"]["appointments"]
    # the mapping's one South West London practice has no borough but counts in its STP: five STPs, named as
    # the mapping names them
    assert coverage == ("Appointments in General Practice files were imported for 1 of the 5 STPs; there is none for "
                        "East London Health and Care Partnership, North West London Health and Care Partnership, "
                        "Our Healthier South East London, South West London Health and Care Partnership, so "
                        "figures for the whole region add up the other STPs only.")


def test_a_header_only_file_or_a_short_row_is_reported_and_the_rest_still_imports(tmp_path):
    header_only = tmp_path / "header_only.csv"
    header_only.write_text(APRIL.read_text().splitlines()[0] + "\n")
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(APRIL.read_text().splitlines()[:3]) + "\n93C,E38000240,NHS North Central\n")
    out = tmp_path / "out"
    report = run_import([MAPPING, PATIENTS, header_only, cut], out)
    assert [f.name for f in report.failed] == ["header_only.csv"]  # one line naming the file; the rest imports
    assert file_report(report, header_only).error.endswith(
        "header_only.csv: row 2: the file has a header of column names but no rows of data.")
    assert {d.reason: d.examples for d in file_report(report, cut).dropped} == {
        "the row has 3 fields but the header has 13": ("row 4",)}
    assert read(out, "appointments.csv")["appointments"].tolist() == [150]  # the two good rows of cut.csv
