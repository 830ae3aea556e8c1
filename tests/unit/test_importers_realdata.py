"""Importers on the real NHS Digital and London Datastore files in ../shared/realdata (skipped when absent).

Every expected figure is computed here, independently, from the raw files with pandas; the importer's
output is read back through the app's own loader and indicator computation.
"""
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from importers.dataset import import_files, run_import
from importers.pcn_workforce import name_staff_role
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data, practices_open_in
from indicators.definitions import LEVELS, load_config
from indicators.geometry import find_ring_problems

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
MAPPING = REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv"
PATIENTS = REALDATA / "gp-reg-pat-prac-all_2021-01_england.csv"
PAYMENTS = REALDATA / "nhs-payments-to-general-practice_2018-19_england.csv"
WORKFORCE = REALDATA / "pcn-workforce_2020-03_england.csv"
BOUNDARIES = REALDATA / "london_boroughs_excluding_mhw_wgs84.geojson"
FILES = [MAPPING, PATIENTS, PAYMENTS, WORKFORCE, BOUNDARIES]
TOP = LEVELS[-1]  # the region's level
CONFIG = load_config(ROOT / "config.yaml")
DPC = "Other Direct Patient Care staff"

pytestmark = pytest.mark.skipif(not all(f.exists() for f in FILES),
                                reason=f"the real NHS files are not in {REALDATA}")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "my-data"
    report = run_import(FILES, out)
    return report, out


@pytest.fixture(scope="module")
def data(imported):
    return load_data(CONFIG, imported[1])


@pytest.fixture(scope="module")
def raw():
    """The raw files, as published, with what this test needs worked out from them alone."""
    mapping = pd.read_csv(MAPPING, dtype=str, keep_default_na=False)
    payments = pd.read_csv(PAYMENTS, dtype=str, keep_default_na=False)
    payments.index = payments.index + 2  # spreadsheet row numbers, header is row 1
    patients = pd.read_csv(PATIENTS, dtype={"NUMBER_OF_PATIENTS": int}, keep_default_na=False)
    workforce = pd.read_csv(WORKFORCE, encoding="cp1252", dtype={"FTE": float}, keep_default_na=False)
    london = mapping[mapping["COMM_REGION_NAME"] == "London"]
    paid = payments[payments["NHS England (Region) code"] == "Q71"].copy()
    paid["payment"] = pd.to_numeric(paid["GP Extended Hours Access"])
    paid["patients"] = pd.to_numeric(paid["Number of Registered Patients (Last Known Figure)"])
    paid["opened"] = pd.to_datetime(paid["Practice Open Date"].str.strip(), format="%d/%m/%Y")
    paid["closed"] = pd.to_datetime(paid["Practice Close Date"].str.strip(), format="%d/%m/%Y", errors="coerce")
    # practices of 2018-19: not closed before the year began, and with a list of patients (or closed in the year)
    paid = paid[~(paid["closed"] < "2018-04-01") & ((paid["patients"] > 0) | paid["closed"].notna())]
    listed = patients[patients["CODE"].isin(london["PRACTICE_CODE"]) | patients["CCG_CODE"].isin(london["CCG_CODE"])]
    # each practice's STP: the mapping's; else the STP most of its 2018-19 CCG's practices are in (the mapping's)
    stp = london.set_index("PRACTICE_CODE")["STP_CODE"]
    joined = paid.merge(london, left_on="Practice Code", right_on="PRACTICE_CODE")
    stp_of_2018_ccg = joined.groupby("CCG Code")["STP_CODE"].agg(lambda s: s.mode()[0])
    stp_of_ccg = london.drop_duplicates("CCG_CODE").set_index("CCG_CODE")["STP_CODE"]
    stp = pd.concat([stp, paid.set_index("Practice Code")["CCG Code"].map(stp_of_2018_ccg),
                     listed.set_index("CODE")["CCG_CODE"].map(stp_of_ccg)])
    stp = stp[~stp.index.duplicated()]
    return {"mapping": mapping, "london": london, "paid": paid, "listed": listed, "workforce": workforce,
            "stp": stp}


def output(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


def file_report(report, path: Path):
    return next(f for f in report.files if f.name == path.name)


def values_at(data, indicator_id: str, period: str) -> pd.DataFrame:
    values = compute_indicator_values(CONFIG.indicator(indicator_id), data)
    return values[(values["period"] == period) & values["level"].isin(["stp", TOP])].set_index("area_code")


def test_every_file_is_imported_with_no_bad_value(imported):
    report, _ = imported
    assert not report.failed and not report.error_lines


def test_every_london_practice_of_the_mapping_is_written_with_its_pcn_and_stp(imported, raw):
    _, out = imported
    practices = output(out, "practices.csv").set_index("practice_code")
    london = raw["london"]
    assert len(london) == 1238
    assert set(london["PRACTICE_CODE"]) <= set(practices.index)
    networks = london.loc[london["PCN_CODE"] != "U", "PCN_CODE"]
    assert networks.nunique() == 199
    assert set(practices["pcn_code"]) - {""} == set(networks)
    mapped = practices.loc[london["PRACTICE_CODE"]]
    assert (mapped["pcn_code"] == "").sum() == (london["PCN_CODE"] == "U").sum() == 24
    assert (mapped["stp_code"].to_numpy() == london["STP_CODE"].to_numpy()).all()
    # STP names as the mapping writes them
    assert (mapped["stp_name"].to_numpy() == london["STP_NAME"].to_numpy()).all()


def test_practices_lie_in_the_33_boroughs_and_32_ccgs_of_the_payments_file(imported, raw):
    _, out = imported
    practices = output(out, "practices.csv")
    assert raw["paid"]["CCG Code"].nunique() == 32
    assert set(practices["ccg_code"]) == set(raw["paid"]["CCG Code"])
    assert practices["borough_code"].nunique() == 33
    assert set(practices["placement_source"]) <= {"ccg", "postcode", "pcn", "none"}


def test_a_practice_in_a_merged_ccg_gets_the_borough_of_its_2018_ccg(imported, raw):
    _, out = imported
    practices = output(out, "practices.csv").set_index("practice_code")
    merged = raw["london"][raw["london"]["CCG_CODE"].isin(["93C", "72Q", "36L"])]
    in_2018 = raw["paid"].set_index("Practice Code")["CCG Code"]
    both = merged[merged["PRACTICE_CODE"].isin(in_2018.index)]["PRACTICE_CODE"]
    assert len(both) == 590
    assert (practices.loc[both, "ccg_code"] == in_2018.loc[both]).all()
    assert (practices.loc[both, "placement_source"] == "ccg").all()


def test_a_practice_lands_in_the_same_borough_whatever_files_are_given():
    """Before: with the mapping alone 30 of 1,238 practices were in another borough than with the payments
    file too. Now a practice placed from its CCG is placed the same from any files; the 5 that still differ
    (their CCG covers several boroughs and their postcode district does too) say 'postcode' in practices.csv."""
    boroughs = {}
    for files in ([MAPPING], [PAYMENTS], [MAPPING, PAYMENTS], [MAPPING, PATIENTS, PAYMENTS]):
        data, _ = import_files(files)
        boroughs[len(boroughs)] = pd.DataFrame(data.practices).set_index("practice_code")
    full = boroughs[3]
    for practices in boroughs.values():
        by_ccg = practices.index[practices["placement_source"] == "ccg"]
        assert (practices.loc[by_ccg, "borough_code"] == full.loc[by_ccg, "borough_code"]).all()
    mapping_alone = boroughs[0]
    moved = mapping_alone.index[mapping_alone["borough_code"] != full.loc[mapping_alone.index, "borough_code"]]
    assert len(moved) == 5 and set(mapping_alone.loc[moved, "placement_source"]) == {"postcode"}
    payments_alone = boroughs[1]
    assert (payments_alone["borough_code"] == full.loc[payments_alone.index, "borough_code"]).all()
    assert (boroughs[2]["borough_code"] == full.loc[boroughs[2].index, "borough_code"]).all()


def test_registered_patients_of_london_and_each_stp_in_january_2021(data, raw):
    # every London practice counts in its STP and in London, whether or not it has a borough
    listed = raw["listed"]
    expected = listed.groupby(listed["CODE"].map(raw["stp"]))["NUMBER_OF_PATIENTS"].sum()
    assert expected.to_dict() == {"QKK": 2016131, "QMF": 2275415, "QMJ": 1686333, "QRV": 2636965, "QWE": 1711034}
    table = data.tables["registered_patients"]
    january = table[table["period"] == "2021-01-01"].merge(data.geography, on="practice_code")
    assert january.groupby("stp_code")["registered_patients"].sum().to_dict() == expected.to_dict()
    assert january["registered_patients"].sum() == listed["NUMBER_OF_PATIENTS"].sum() == 10_325_878


def test_registered_patients_of_each_stp_in_2018_19_from_the_payments_file(data, raw):
    paid = raw["paid"][raw["paid"]["patients"] > 0]
    expected = paid["patients"].round().groupby(paid["Practice Code"].map(raw["stp"])).sum().astype(int)
    table = data.tables["registered_patients"]
    year = table[table["period"] == "2018-04-01"].merge(data.geography, on="practice_code")
    assert year.groupby("stp_code")["registered_patients"].sum().astype(int).to_dict() == expected.to_dict()


def test_pcn_staff_per_1000_patients_keep_every_network_in_the_denominator(data, raw):
    """Before: London 0.0368 per 1,000 (networks with no staff row left out of the denominator: 1.65 million
    patients); now 0.00588 (all 10.3 million, a network with no row has no staff)."""
    workforce = raw["workforce"][raw["workforce"]["COMM_REGION_NAME"] == "London"]
    pcn_stp = raw["london"].drop_duplicates("PCN_CODE").set_index("PCN_CODE")["STP_CODE"]
    staff = workforce[workforce["STAFF_GROUP"] == DPC]
    fte = staff.groupby(staff["PCN_CODE"].map(pcn_stp))["FTE"].sum()
    # patients in March 2020: the January 2021 list, for the practices already listed by then (2018-19)
    listed = raw["listed"][raw["listed"]["CODE"].isin(raw["paid"]["Practice Code"])]
    patients = listed.groupby(listed["CODE"].map(raw["stp"]))["NUMBER_OF_PATIENTS"].sum()
    values = values_at(data, "pcn_dpc_fte_per_1000", "2020-03-01")
    for stp in patients.index:
        assert values.loc[stp, "numerator"] == pytest.approx(fte.get(stp, 0.0), abs=1e-5)
        assert values.loc[stp, "denominator"] == patients[stp]
        assert values.loc[stp, "value"] == pytest.approx(fte.get(stp, 0.0) / patients[stp] * 1000)
    region = values[values["level"] == TOP].iloc[0]
    assert (region["numerator"], region["denominator"]) == (pytest.approx(staff["FTE"].sum(), abs=1e-5),
                                                            patients.sum())
    assert region["value"] == pytest.approx(0.005880, abs=1e-6)


def test_extended_hours_count_every_practice_open_in_the_year_recoveries_included(data, raw):
    """Before: 62 practices with a negative payment and 18 that closed during the year were left out of the
    count of practices: London 77.5% (952 of 1,229); now 72.7% (952 of 1,310)."""
    paid = raw["paid"]
    assert (paid["payment"] < 0).sum() == 62
    by_stp = paid.groupby(paid["Practice Code"].map(raw["stp"]))
    values = values_at(data, "extended_hours_practices", "2018-04-01")
    for stp, rows in by_stp:
        assert (values.loc[stp, "numerator"], values.loc[stp, "denominator"]) == ((rows["payment"] > 0).sum(), len(rows))
    region = values[values["level"] == TOP].iloc[0]
    assert (region["numerator"], region["denominator"]) == ((paid["payment"] > 0).sum(), len(paid)) == (952, 1310)
    assert region["value"] == pytest.approx(72.67, abs=0.01)


def test_practices_are_counted_only_while_open(imported, raw):
    """Open in a period: from the first list a practice is in (or its published open date) until the first list
    it is missing from (or its published close date). Before, practices.csv counted every practice ever listed:
    1,307 in London (QWE 196) whatever the period; now 1,229 in January 2021 (QWE 183)."""
    practices = output(imported[1], "practices.csv")
    lists = {"2018-04-01": set(raw["paid"]["Practice Code"]), "2020-09-01": set(raw["london"]["PRACTICE_CODE"]),
             "2021-01-01": set(raw["listed"]["CODE"])}
    published = raw["paid"].set_index("Practice Code")[["opened", "closed"]]
    for period in ("2018-04-01", "2020-03-01", "2021-01-01"):
        start = pd.Timestamp(period)
        expected = {}
        for code in set().union(*lists.values()):
            seen = sorted(p for p, codes in lists.items() if code in codes)
            opened = published["opened"].get(code, pd.NaT)
            if pd.isna(opened):
                opened = pd.Timestamp(seen[0]) if any(p < seen[0] for p in lists) else pd.Timestamp("1900-01-01")
            closed = published["closed"].get(code, pd.NaT)
            later = [p for p in sorted(lists) if p > seen[-1]]
            if pd.isna(closed) or seen[-1] > str(closed.date()):
                closed = pd.Timestamp(later[0]) if later else pd.NaT
            if opened < start + pd.offsets.MonthBegin(1) and not closed <= start:
                stp = raw["stp"][code]
                expected[stp] = expected.get(stp, 0) + 1
        got = practices_open_in(practices, period).groupby("stp_code").size().to_dict()
        assert got == expected, period
    assert practices_open_in(practices, "2021-01-01").groupby("stp_code").size().to_dict() == {
        "QKK": 209, "QMF": 278, "QMJ": 200, "QRV": 359, "QWE": 183}


def test_pcn_workforce_london_fte_by_pcn_and_one_name_per_role(imported, raw):
    _, out = imported
    workforce_raw = raw["workforce"]
    london = workforce_raw[workforce_raw["COMM_REGION_NAME"] == "London"]
    assert len(london) == 99 and london["PCN_CODE"].nunique() == 35
    workforce = output(out, "pcn_workforce.csv").astype({"fte": float})
    assert workforce["fte"].sum() == pytest.approx(london["FTE"].sum(), abs=1e-4)  # 70.63 FTE
    by_pcn = workforce.groupby("pcn_code")["fte"].sum()
    pd.testing.assert_series_equal(by_pcn, london.groupby("PCN_CODE")["FTE"].sum(), check_names=False, atol=1e-5)
    by_role = workforce.groupby("staff_role")["fte"].sum()
    pd.testing.assert_series_equal(by_role, london.groupby("STAFF_ROLE")["FTE"].sum(), check_names=False, atol=1e-5)
    # one name per role: every role of the file keeps its name; every detailed role (and its other spellings)
    # gets the name of the role it is listed under
    pairs = workforce_raw[["STAFF_ROLE", "DETAILED_STAFF_ROLE"]].drop_duplicates()
    for role, detailed in pairs.itertuples(index=False):
        assert name_staff_role(role) == role
        if detailed != "Other":  # 'Other' is too vague to stand for one role
            assert name_staff_role(detailed) == role, detailed
            for spelling in (detailed.replace("\u2013", "-"), detailed.replace(" \u2013 ", " (") + ")",
                             detailed.upper(), f"{detailed}s"):
                assert name_staff_role(spelling) == role, spelling


def test_nothing_is_silently_dropped(imported):
    report, _ = imported
    for file in report.files:
        for tally in file.outputs:
            assert tally.kept + file.dropped_count + sum(d.count for d in tally.dropped) == file.rows_read


def test_boundaries_keep_the_33_boroughs_valid_and_small(imported):
    _, out = imported
    source = json.loads(BOUNDARIES.read_text())
    written = json.loads((out / "place_boundaries.geojson").read_text())
    codes = [f["properties"]["GSS_CODE"] for f in written["features"]]
    assert len(codes) == 33 and set(codes) == {f["properties"]["GSS_CODE"] for f in source["features"]}
    assert (out / "place_boundaries.geojson").stat().st_size < 300 * 1024
    for feature in written["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for ring in (ring for polygon in polygons for ring in polygon):
            assert not find_ring_problems([tuple(p) for p in ring]), feature["properties"]["NAME"]
            assert all(round(v, 5) == v for point in ring for v in point)  # 5 decimals, about 1 m


def test_the_manifest_and_the_app_loader_accept_the_folder(imported, data):
    _, out = imported
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["label"] == "real"
    assert [s.split(":")[0] for s in manifest["sources"] if s.split(":")[0].endswith((".csv", ".geojson"))] == [
        MAPPING.name, PATIENTS.name, PAYMENTS.name, WORKFORCE.name, BOUNDARIES.name]
    assert manifest["areas"]["region"] == {"code": "E40000003", "name": "London"}
    assert manifest["areas"]["levels"]["borough"]["plural"] == "boroughs"
    assert not data.errors, [str(p) for p in data.errors]
    assert data.label == "real"
    # the forum's own answers are an optional table: absent until a facilitator saves them
    assert set(data.unavailable) == {"workforce", "extended_access", "vision_survey", "maturity", "forum_vision",
                                     "deprivation", "appointments", "collaboration.in_collaboration",
                                     "collaboration.in_federation", "collaboration.shared_record"}


@pytest.mark.parametrize("region, systems", [
    ("North West", {"QE1", "QOP", "QYG"}),
    ("E40000006", {"QJK", "QOX", "QR1", "QSL", "QT6", "QUY", "QVV"}),  # South West, by its ONS code
])
def test_another_region_is_imported_from_the_same_national_files(tmp_path, raw, region, systems):
    out = tmp_path / "region"
    report = run_import([MAPPING, PATIENTS, PAYMENTS, WORKFORCE], out, region=region)
    assert not report.failed and not report.error_lines, report.error_lines
    mapping = raw["mapping"]
    rows = mapping[mapping["STP_CODE"].isin(systems)]
    name = rows["COMM_REGION_NAME"].iloc[0]
    data = load_data(CONFIG, out)
    assert not data.errors, [str(p) for p in data.errors]
    geography = data.geography
    assert set(geography["stp_code"]) == systems
    # its places are the mapping's CCGs (CCG areas), named as the mapping names them
    mapped = geography.set_index("practice_code").loc[rows["PRACTICE_CODE"]]
    assert (mapped["borough_code"].to_numpy() == rows["CCG_CODE"].to_numpy()).all()
    assert (mapped["borough_name"].to_numpy() == rows["CCG_NAME"].to_numpy()).all()
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["areas"]["region"] == {"code": rows["ONS_COMM_REGION_CODE"].iloc[0], "name": name}
    assert manifest["areas"]["levels"]["borough"]["name"] == "CCG area"
    assert manifest["title"].startswith(f"{name} general practice")
    # its figures, from the raw files: January 2021 patients and March 2020 network staff
    patients = pd.read_csv(PATIENTS, dtype={"NUMBER_OF_PATIENTS": int}, keep_default_na=False)
    listed = patients[patients["CODE"].isin(rows["PRACTICE_CODE"]) | patients["CCG_CODE"].isin(rows["CCG_CODE"])]
    table = data.tables["registered_patients"]
    assert table.loc[table["period"] == "2021-01-01", "registered_patients"].sum() == listed["NUMBER_OF_PATIENTS"].sum()
    workforce = raw["workforce"]
    staff = workforce[workforce["PCN_CODE"].isin(rows["PCN_CODE"])]
    assert data.tables["pcn_workforce"]["fte"].sum() == pytest.approx(staff["FTE"].sum(), abs=1e-4)
    regions = raw["workforce"].loc[workforce["PCN_CODE"].isin(staff["PCN_CODE"]), "COMM_REGION_NAME"]
    assert set(regions) == {name}


def test_one_system_is_imported_by_its_code(tmp_path, raw):
    out = tmp_path / "ncl"
    report = run_import(FILES, out, region="QMJ")
    assert not report.failed and not report.error_lines
    data = load_data(CONFIG, out)
    assert not data.errors, [str(p) for p in data.errors]
    london = raw["london"]
    ncl = london[london["STP_CODE"] == "QMJ"]
    assert set(data.geography["stp_code"]) == {"QMJ"}
    assert set(ncl["PRACTICE_CODE"]) <= set(data.geography["practice_code"])
    assert data.geography["borough_code"].nunique() == 5  # Barnet, Camden, Enfield, Haringey, Islington
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["areas"]["region"] == {"code": "E54000028", "name": "North London Partners in Health and Care"}
    assert len(json.loads((out / "place_boundaries.geojson").read_text())["features"]) == 5


def test_an_unknown_region_is_one_clear_error(tmp_path):
    from importers.sources import ImportFileError

    with pytest.raises(ImportFileError, match="--region Atlantis: not a region or system in the practice mapping; "
                                              "use a region \\(East of England, London"):
        run_import([MAPPING], tmp_path / "out", region="Atlantis")
    assert not (tmp_path / "out").exists()
