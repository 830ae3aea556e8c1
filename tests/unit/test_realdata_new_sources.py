"""Deprivation, appointments and networks imported from the real files in ../shared/realdata (skipped when absent).

Every expected figure is computed here, independently, from the raw files with pandas, and compared
with what the importer wrote and with what the app works out from it (compute_indicator_values).
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from importers.dataset import run_import
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
MAPPING = REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv"
PATIENTS = REALDATA / "gp-reg-pat-prac-all_2021-01_england.csv"
FINGERTIPS = REALDATA / "fingertips-93553-imd2019_gp-practice_england.csv"
APPOINTMENTS = sorted(REALDATA.glob("appointments-gp-regional-csv_*.csv"))
FILES = [MAPPING, PATIENTS, FINGERTIPS, *APPOINTMENTS]
# SOURCES.md's check figures: all appointments of each STP's file in March 2019, August 2021 and all months
CHECK_TOTALS = {
    "ELondonHCP": (791_073, 777_889, 22_541_818), "NLondonPHC": (504_671, 551_845, 15_216_600),
    "NWLondonHCP": (935_480, 938_689, 27_086_055), "OurHealthierSELondon": (684_423, 641_756, 19_704_572),
}
MODES = ["face_to_face", "home_visit", "telephone", "video_online"]
TIMINGS = ["same_day", "next_day", "days_2_to_7", "days_8_to_14", "days_15_to_21", "days_22_to_28", "over_28_days"]

pytestmark = pytest.mark.skipif(not (all(f.exists() for f in FILES) and len(APPOINTMENTS) == 4),
                                reason=f"the real NHS and OHID files are not in {REALDATA}")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "my-data"
    report = run_import(FILES, out)
    assert not report.failed
    return report, out


@pytest.fixture(scope="module")
def app_data(imported):
    return load_config(ROOT / "config.yaml"), load_data(load_config(ROOT / "config.yaml"), imported[1])


@pytest.fixture(scope="module")
def raw_london_mapping():
    mapping = pd.read_csv(MAPPING, dtype=str, keep_default_na=False)
    return mapping[mapping["COMM_REGION_NAME"] == "London"]


@pytest.fixture(scope="module")
def raw_list():
    return pd.read_csv(PATIENTS, dtype={"CODE": str, "CCG_CODE": str, "NUMBER_OF_PATIENTS": int})


@pytest.fixture(scope="module")
def raw_appointments(raw_london_mapping):
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.stem.split("_")[-1]) for f in APPOINTMENTS]
    raw = pd.concat(frames, ignore_index=True)
    raw["count"] = raw["COUNT_OF_APPOINTMENTS"].astype(int)
    raw["period"] = pd.to_datetime(raw["Appointment_Month"], format="%b%Y").dt.strftime("%Y-%m-%d")
    stp_of_ons = raw_london_mapping.drop_duplicates("ONS_STP_CODE").set_index("ONS_STP_CODE")["STP_CODE"]
    raw["stp_code"] = raw["STP_ONS"].map(stp_of_ons)
    return raw


def output(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype={"practice_code": str, "pcn_code": str, "stp_code": str, "period": str},
                       keep_default_na=False)


def indicator(app_data, indicator_id: str, level: str) -> pd.Series:
    config, data = app_data
    values = compute_indicator_values(config.indicator(indicator_id), data)
    return values[values["level"] == level].set_index(["area_code", "period"])["value"]


# --- deprivation -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw_scores():
    raw = pd.read_csv(FINGERTIPS, dtype={"Area Code": str, "Indicator ID": str})
    return raw[raw["Area Type"] == "GP"].set_index("Area Code")["Value"]


def test_deciles_are_of_the_england_practices_in_the_file(imported, raw_scores):
    _, out = imported
    count = len(raw_scores)
    assert count == 6545
    higher = raw_scores.rank(method="min", ascending=False) - 1  # practices with a higher (more deprived) score
    expected = (np.floor(10 * higher / count) + 1).astype(int)
    assert expected.value_counts().sort_index().tolist() == [655, 654] * 5
    # pandas' own equal-sized groups agree except for two practices on a decile edge (qcut interpolates it)
    qcut = pd.qcut(raw_scores.rank(method="first", ascending=False), 10, labels=False) + 1
    assert (qcut != expected).sum() == 2
    written = output(out, "deprivation.csv").set_index("practice_code")
    assert (written["deprivation_decile"] == expected.loc[written.index]).all()
    assert (written["deprivation_quintile"] == np.ceil(expected.loc[written.index] / 2)).all()
    assert (written["imd_score"] - raw_scores.loc[written.index]).abs().max() < 5e-5


def test_every_london_practice_in_the_file_has_its_score_and_decile_in_practices_csv(imported, raw_scores,
                                                                                     raw_london_mapping):
    _, out = imported
    london = raw_scores[raw_scores.index.isin(raw_london_mapping["PRACTICE_CODE"])]
    assert len(london) == 1185
    assert round(london.mean(), 3) == 22.421 and round(london.median(), 3) == 22.694  # SOURCES.md check figures
    written = output(out, "deprivation.csv").set_index("practice_code")
    assert sorted(written.index) == sorted(london.index)
    assert written["period"].unique().tolist() == ["2019-01-01"]
    assert round(written["imd_score"].mean(), 3) == 22.421
    practices = output(out, "practices.csv").set_index("practice_code")
    deciles = practices["deprivation_decile"]
    assert (deciles.loc[written.index].astype(int) == written["deprivation_decile"]).all()
    assert (deciles.drop(written.index) == "").all()  # no score, no decile: never a guess
    assert (practices.loc[raw_london_mapping["PRACTICE_CODE"], "deprivation_decile"] == "").sum() == 53


def test_the_england_rows_and_other_practices_are_counted_with_reasons(imported):
    report, _ = imported
    file = next(f for f in report.files if f.name == FINGERTIPS.name)
    assert file.rows_read == 6547
    assert {d.reason: d.count for d in file.dropped} == {"not a GP practice (area type England)": 2}
    (tally,) = file.outputs
    assert tally.kept == 1185
    assert {d.reason: d.count for d in tally.dropped} == {"practice not in London (its score counts in the deciles)":
                                                          5360}


# --- appointments ------------------------------------------------------------------------------------------------

def test_the_check_totals_of_sources_md_are_read_from_each_file(raw_appointments, imported):
    _, out = imported
    written = output(out, "appointments.csv").set_index(["stp_code", "period"])["appointments"]
    for name, (march, august, everything) in CHECK_TOTALS.items():
        file = raw_appointments[raw_appointments["file"] == name]
        by_month = file.groupby("period")["count"].sum()
        assert (by_month["2019-03-01"], by_month["2021-08-01"], by_month.sum()) == (march, august, everything)
        (stp,) = file["stp_code"].unique()
        assert written.loc[(stp, "2019-03-01")] == march and written.loc[(stp, "2021-08-01")] == august
        assert written.loc[stp].sum() == everything


@pytest.mark.parametrize(("column", "heading", "values"), [
    ("attended", "APPT_STATUS", ["Attended"]), ("did_not_attend", "APPT_STATUS", ["DNA"]),
    ("status_unknown", "APPT_STATUS", ["Unknown"]), ("gp", "HCP_TYPE", ["GP"]),
    ("other_staff", "HCP_TYPE", ["Other Practice staff"]), ("staff_unknown", "HCP_TYPE", ["Unknown"]),
    ("face_to_face", "APPT_MODE", ["Face-to-Face"]), ("home_visit", "APPT_MODE", ["Home Visit"]),
    ("telephone", "APPT_MODE", ["Telephone"]), ("video_online", "APPT_MODE", ["Video/Online"]),
    ("mode_unknown", "APPT_MODE", ["Unknown"]), ("same_day", "TIME_BETWEEN_BOOK_AND_APPT", ["Same Day"]),
    ("next_day", "TIME_BETWEEN_BOOK_AND_APPT", ["1 Day"]),
    ("days_8_to_14", "TIME_BETWEEN_BOOK_AND_APPT", ["8  to 14 Days"]),
    ("over_28_days", "TIME_BETWEEN_BOOK_AND_APPT", ["More than 28 Days"]),
    ("timing_unknown", "TIME_BETWEEN_BOOK_AND_APPT", ["Unknown / Data Issue"]),
])
def test_every_category_count_for_every_stp_and_month_equals_the_raw_files(raw_appointments, imported, column,
                                                                          heading, values):
    _, out = imported
    rows = raw_appointments[raw_appointments[heading].isin(values)]
    expected = rows.groupby(["stp_code", "period"])["count"].sum()
    written = output(out, "appointments.csv").set_index(["stp_code", "period"])[column]
    assert len(written) == 4 * 30
    pd.testing.assert_series_equal(written.sort_index(), expected.reindex(written.index, fill_value=0).sort_index(),
                                   check_names=False, check_dtype=False)


def test_registered_patients_of_each_stp_come_from_the_january_2021_list(imported, raw_list, raw_london_mapping):
    report, out = imported
    stp_of_ccg = raw_london_mapping.drop_duplicates("CCG_CODE").set_index("CCG_CODE")["STP_CODE"]
    london = raw_list[raw_list["CCG_CODE"].isin(stp_of_ccg.index)]
    expected = london.groupby(london["CCG_CODE"].map(stp_of_ccg))["NUMBER_OF_PATIENTS"].sum()
    written = output(out, "appointments.csv")
    assert (written["registered_patients_period"] == "2021-01-01").all()
    got = written.groupby("stp_code")["registered_patients"].agg(["min", "max"])
    assert (got["min"] == got["max"]).all()
    assert got["min"].to_dict() == expected.drop("QWE").to_dict() == {
        "QKK": 2016131, "QMF": 2275415, "QMJ": 1686333, "QRV": 2636965}
    assert ("appointments per 1,000 patients for 2019-03 to 2021-08 (30 months) use the 2021-01 list of registered "
            "patients (0 to 22 months apart)") in report.notes


def test_appointment_rates_and_shares_per_stp_and_london_equal_an_independent_computation(
        app_data, raw_appointments, raw_list, raw_london_mapping):
    stp_of_ccg = raw_london_mapping.drop_duplicates("CCG_CODE").set_index("CCG_CODE")["STP_CODE"]
    london = raw_list[raw_list["CCG_CODE"].isin(stp_of_ccg.index)]
    patients = london.groupby(london["CCG_CODE"].map(stp_of_ccg))["NUMBER_OF_PATIENTS"].sum()

    def by_stp_and_month(rows: pd.DataFrame) -> pd.Series:
        return rows.groupby(["stp_code", "period"])["count"].sum()

    raw = raw_appointments
    counts = {
        "appointments_per_1000": (by_stp_and_month(raw), None),
        "face_to_face_appointments": (by_stp_and_month(raw[raw["APPT_MODE"] == "Face-to-Face"]),
                                      by_stp_and_month(raw[raw["APPT_MODE"] != "Unknown"])),
        "same_day_appointments": (by_stp_and_month(raw[raw["TIME_BETWEEN_BOOK_AND_APPT"] == "Same Day"]),
                                  by_stp_and_month(raw[raw["TIME_BETWEEN_BOOK_AND_APPT"] != "Unknown / Data Issue"])),
        "non_gp_appointments": (by_stp_and_month(raw[raw["HCP_TYPE"] == "Other Practice staff"]),
                                by_stp_and_month(raw[raw["HCP_TYPE"] != "Unknown"])),
    }
    for indicator_id, (numerator, denominator) in counts.items():
        if denominator is None:  # per 1,000 patients a month
            denominator = pd.Series(numerator.index.get_level_values("stp_code").map(patients) / 1000,
                                    index=numerator.index)
        else:
            denominator = denominator / 100
        stps = indicator(app_data, indicator_id, "stp")
        pd.testing.assert_series_equal(stps.sort_index(), (numerator / denominator).sort_index(), check_names=False,
                                       rtol=1e-12)
        region = indicator(app_data, indicator_id, "region").droplevel("area_code")
        expected = numerator.groupby("period").sum() / denominator.groupby("period").sum()
        pd.testing.assert_series_equal(region.sort_index(), expected.sort_index(), check_names=False, rtol=1e-12)
    assert round(indicator(app_data, "appointments_per_1000", "region").loc[("E40000003", "2019-03-01")], 1) == round(
        (791_073 + 504_671 + 935_480 + 684_423) / (2275415 + 1686333 + 2636965 + 2016131) * 1000, 1) == 338.4


def test_the_missing_stp_file_is_said_in_the_manifest(imported):
    report, out = imported
    manifest = load_data(load_config(ROOT / "config.yaml"), out)
    assert manifest.errors == ()
    coverage = yaml.safe_load((out / "dataset.yaml").read_text())["coverage"]
    assert "imported for 4 of the 5 STPs; there is none for South West London" in coverage["appointments"]
    assert any("there is none for South West London" in note for note in report.notes)


# --- collaboration and networks -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw_networks(raw_london_mapping, raw_list):
    members = raw_london_mapping[raw_london_mapping["PCN_CODE"] != "U"]
    sizes = members.merge(raw_list[["CODE", "NUMBER_OF_PATIENTS"]], left_on="PRACTICE_CODE", right_on="CODE",
                          how="left")
    networks = sizes.groupby("PCN_CODE").agg(practices=("PRACTICE_CODE", "size"), stp=("STP_CODE", "first"),
                                             patients=("NUMBER_OF_PATIENTS", "sum"))
    networks["right_size"] = networks["patients"].between(30000, 50000)
    return networks


def test_practices_in_a_network_and_the_blank_columns_no_file_gives(imported, raw_london_mapping):
    _, out = imported
    written = output(out, "collaboration.csv").set_index("practice_code")
    assert len(written) == len(raw_london_mapping) == 1238
    assert written["period"].unique().tolist() == ["2020-09-01"]
    in_pcn = (raw_london_mapping.set_index("PRACTICE_CODE")["PCN_CODE"] != "U").astype(int)
    assert (written["in_pcn"] == in_pcn.loc[written.index]).all() and in_pcn.sum() == 1214
    for column in ("in_collaboration", "in_federation", "shared_record"):
        assert (written[column] == "").all(), column


def test_network_sizes_and_bands_equal_an_independent_computation(imported, raw_networks):
    _, out = imported
    written = output(out, "networks.csv").set_index("pcn_code")
    assert len(written) == len(raw_networks) == 199
    assert (written["practices"] == raw_networks.loc[written.index, "practices"]).all()
    assert (written["registered_patients"] == raw_networks.loc[written.index, "patients"]).all()
    right_size = written["pcn_size_band"] == "30,000 to 50,000"
    assert (right_size == raw_networks.loc[written.index, "right_size"]).all() and right_size.sum() == 110


def test_network_indicators_per_stp_and_london(app_data, raw_networks, raw_london_mapping):
    pcns_30_50k = indicator(app_data, "pcns_30_50k", "stp").droplevel("period")
    per_pcn = indicator(app_data, "practices_per_pcn", "stp").droplevel("period")
    in_pcn = indicator(app_data, "practices_in_pcn", "stp").droplevel("period")
    by_stp = raw_networks.groupby("stp")
    pd.testing.assert_series_equal(pcns_30_50k.sort_index(), by_stp["right_size"].mean().sort_index() * 100,
                                   check_names=False)
    pd.testing.assert_series_equal(per_pcn.sort_index(), by_stp["practices"].mean().sort_index(), check_names=False)
    expected_in_pcn = (raw_london_mapping["PCN_CODE"] != "U").groupby(raw_london_mapping["STP_CODE"]).mean() * 100
    pd.testing.assert_series_equal(in_pcn.sort_index(), expected_in_pcn.sort_index(), check_names=False)
    london = {name: indicator(app_data, name, "region").loc[("E40000003", "2020-09-01")]
              for name in ("pcns_30_50k", "practices_per_pcn", "practices_in_pcn")}
    assert london == pytest.approx({"pcns_30_50k": 110 / 199 * 100, "practices_per_pcn": 1214 / 199,
                                    "practices_in_pcn": 1214 / 1238 * 100})


def test_indicators_of_what_no_public_file_gives_say_so(app_data):
    from indicators.compute import IndicatorUnavailable

    config, data = app_data
    with pytest.raises(IndicatorUnavailable, match="No public file lists the members of GP federations"):
        compute_indicator_values(config.indicator("practices_in_federation"), data)
