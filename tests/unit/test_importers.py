"""Importers on small hand-made files, one per quirk the real NHS downloads have (tests/fixtures/import)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from importers.dataset import import_files, run_import, write_dataset
from importers.dates import read_period
from importers.geography import load_place_reference
from importers.placement import BY_CCG, BY_PCN, BY_POSTCODE, NOT_PLACED, PracticeEvidence, place_practices
from importers.report import format_report
from importers.sources import (
    PAYMENTS,
    PCN_WORKFORCE,
    PROGRESS_EVERY,
    ImportFileError,
    read_source_file,
)
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.geometry import find_ring_problems

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SCRIPT = ROOT / "scripts" / "import_data.py"
MAPPING = FIXTURES / "practice_mapping.csv"
PATIENTS = FIXTURES / "patient_list.csv"
PAYMENTS_FILE = FIXTURES / "payments_2018-19.csv"
WORKFORCE = FIXTURES / "pcn_workforce.csv"
BOUNDARIES_FILE = FIXTURES / "boroughs.geojson"
ALL_FIXTURES = [MAPPING, PATIENTS, PAYMENTS_FILE, WORKFORCE, BOUNDARIES_FILE]


@pytest.fixture
def imported(tmp_path):
    """All fixtures imported into tmp_path/out: (report, out folder)."""
    out = tmp_path / "out"
    report = run_import(ALL_FIXTURES, out)
    return report, out


def read_output(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


def file_report(report, name):
    return next(f for f in report.files if f.name == name)


def output_tally(report, file_name, output):
    return next(o for o in file_report(report, file_name).outputs if o.output == output)


def dropped_reasons(report, file_name, output=None) -> dict[str, tuple[int, tuple[str, ...]]]:
    file = file_report(report, file_name)
    rows = file.dropped if output is None else output_tally(report, file_name, output).dropped
    return {d.reason: (d.count, d.examples) for d in rows}


@pytest.mark.parametrize("written", ["01JAN2021", "2021-01-01", "01/01/2021", "1-Jan-21", "01-Jan-2021",
                                     "2021-01-15 00:00:00"])
def test_a_date_written_any_of_the_four_ways_gives_the_same_period(written):
    assert read_period(written) == "2021-01-01"


def test_an_unreadable_date_names_the_text():
    with pytest.raises(ValueError, match="'Jan 2021' is not a date"):
        read_period("Jan 2021")


def test_the_patient_list_with_four_date_styles_gives_one_period(imported):
    report, out = imported
    patients = read_output(out, "registered_patients.csv")
    january = patients[patients["period"] == "2021-01-01"].set_index("practice_code")["registered_patients"]
    assert january.to_dict() == {"Z10001": "5000", "Z10002": "12000", "Z10003": "8000", "Z10005": "9000",
                                 "Z10006": "3000", "Z10009": "4000"}
    count, examples = dropped_reasons(report, "patient_list.csv")["EXTRACT_DATE is not a readable date"]
    assert count == 1 and examples[0].startswith("row 10: Z10010")


def test_the_format_is_told_from_the_header_not_the_file_name(tmp_path):
    misleading = tmp_path / "gp-reg-pat-prac-map.csv"
    shutil.copy(PAYMENTS_FILE, misleading)
    source = read_source_file(misleading)
    assert source.format == PAYMENTS
    _, report = import_files([misleading])
    # no year in this name: the financial year comes from the latest close date (30/09/2018)
    assert "financial year 2018-19 (from the latest practice close date in the file, 2018-09-30)" in \
        file_report(report, misleading.name).notes


def test_quoted_headers_with_commas_and_trailing_spaces_are_matched():
    source = read_source_file(PAYMENTS_FILE)
    assert "Non DES Item Pneumococcal Vaccine, Childhood Immunisation Main Programme" in source.header
    assert "Appraisal Costs" in source.header  # written 'Appraisal Costs ' in the file
    assert source.line_endings == "CRLF"


def test_a_windows_1252_file_with_crlf_line_endings_is_read():
    raw = WORKFORCE.read_bytes()
    assert b"\x96" in raw and b"\r\n" in raw  # the fixture really is Windows-1252 with CRLF
    source = read_source_file(WORKFORCE)
    assert (source.format, source.encoding, source.line_endings) == (PCN_WORKFORCE, "Windows-1252", "CRLF")
    assert "Clinical Director \u2013 Medical" in source.text


def test_practices_are_placed_in_boroughs_despite_merged_ccgs(imported):
    report, out = imported
    practices = read_output(out, "practices.csv").set_index("practice_code")
    placed = practices[["borough_name", "ccg_code", "stp_code", "placement_source"]].to_dict("index")
    # 93C (North Central London, merged 2020): the 2018-19 payments file says 07R Camden
    assert placed["Z10001"] == {"borough_name": "Camden", "ccg_code": "07R", "stp_code": "QMJ",
                                "placement_source": "ccg"}
    # 93C and not in the payments file; N4 lies in three NCL boroughs: its network's other practice is in Camden
    assert placed["Z10002"] == {"borough_name": "Camden", "ccg_code": "07R", "stp_code": "QMJ",
                                "placement_source": "pcn"}
    # 07T City and Hackney covers two boroughs: the postcode decides
    assert (placed["Z10005"]["borough_name"], placed["Z10005"]["placement_source"]) == ("Hackney", "postcode")
    assert placed["Z10006"]["borough_name"] == "City of London"
    # a merged CCG with a postcode outside London: no borough, but written, in its STP (and so in London)
    assert placed["Z10004"] == {"borough_name": "", "ccg_code": "36L", "stp_code": "QWE", "placement_source": "none"}
    assert practices.loc["Z10004", "borough_code"] == ""
    assert dropped_reasons(report, "practice_mapping.csv", "practices.csv") == {}
    assert "1 practice could not be placed in a borough" in " ".join(report.notes)


def test_stp_names_come_from_the_practice_mapping(imported):
    _, out = imported
    practices = read_output(out, "practices.csv").drop_duplicates("stp_code").set_index("stp_code")["stp_name"]
    mapping = pd.read_csv(MAPPING, dtype=str).drop_duplicates("STP_CODE").set_index("STP_CODE")["STP_NAME"]
    assert practices.to_dict() == {code: mapping[code] for code in practices.index}
    assert practices["QKK"] == "Our Healthier South East London"


def test_a_pcn_code_u_placeholder_keeps_the_practice_not_in_a_network(imported):
    report, out = imported
    gamma = read_output(out, "practices.csv").set_index("practice_code").loc["Z10003"]
    assert (gamma["pcn_code"], gamma["pcn_name"], gamma["borough_name"]) == ("", "Not in a network", "Southwark")
    assert "1 practice has PCN code 'U' (unallocated): kept, shown as not in a network" in \
        file_report(report, "practice_mapping.csv").notes


def test_practices_that_opened_or_closed_between_files_are_reported_and_kept(imported):
    report, out = imported
    practices = read_output(out, "practices.csv").set_index("practice_code")
    notes = " | ".join(file_report(report, "patient_list.csv").notes)
    # Z10007 is in the list, with a negative count (dropped): present all the same
    assert "2 practices in the practice mapping (2020-09) have no London row in this file (closed or merged " \
           "since the mapping's extract): Z10004, Z10008" in notes
    assert "1 London practice in this file is not in the practice mapping (opened after the mapping's " \
           "extract)" in notes
    # opened since the mapping: placed from its CCG (72Q) and postcode (SE15), no network known
    assert practices.loc["Z10009", ["borough_name", "pcn_name"]].tolist() == ["Southwark", "Not in a network"]
    # in the 2018-19 payments file only (closed before the mapping): kept with its 2018 CCG
    assert practices.loc["Z30001", ["practice_name", "borough_name", "ccg_code"]].tolist() == \
        ["DR IOTA", "Lambeth", "08K"]
    assert "Z30004" not in practices.index  # closed before 2018-19 began: in no period of the data
    payments_notes = " | ".join(file_report(report, "payments_2018-19.csv").notes)
    # closed during 2018-19 with no patients left: kept, counted in extended hours while it was open
    assert practices.loc["Z30002", ["borough_name", "closed"]].tolist() == ["Lambeth", "2018-09-30"]
    # region Q71 but a CCG no file places: its STP cannot be told, so it is not written
    assert "1 London practice in this file is not in the practice mapping and has no row kept (see the " \
           "reasons above): Z30003" in payments_notes
    assert "Z30003" not in practices.index


def test_negative_and_decimal_values(imported):
    report, out = imported
    hours = read_output(out, "extended_hours.csv")
    assert hours.to_dict("records") == [
        {"practice_code": "Z10001", "period": "2018-04-01", "extended_hours_payment": "1500.5",
         "offers_extended_hours": "1", "extended_hours_recovery": "0"},
        # a net recovery (-300.10): not paid, and still one of the practices counted
        {"practice_code": "Z10005", "period": "2018-04-01", "extended_hours_payment": "0",
         "offers_extended_hours": "0", "extended_hours_recovery": "300.1"},
        {"practice_code": "Z10007", "period": "2018-04-01", "extended_hours_payment": "0",
         "offers_extended_hours": "0", "extended_hours_recovery": "0"},
        {"practice_code": "Z30001", "period": "2018-04-01", "extended_hours_payment": "800",
         "offers_extended_hours": "1", "extended_hours_recovery": "0"},
        # closed on 30/09/2018: open for half the year, so counted
        {"practice_code": "Z30002", "period": "2018-04-01", "extended_hours_payment": "0",
         "offers_extended_hours": "0", "extended_hours_recovery": "0"},
    ]
    assert "Extended Hours payment is negative" not in str(dropped_reasons(report, "payments_2018-19.csv",
                                                                           "extended_hours.csv"))
    assert "1 practice has a negative Extended Hours payment" in " ".join(
        file_report(report, "payments_2018-19.csv").notes)
    assert dropped_reasons(report, "payments_2018-19.csv")["practice closed before the financial year began"] == \
        (1, ("row 9: Z30004 (closed 2018-01-15)",))
    patients = read_output(out, "registered_patients.csv")
    paid = patients[patients["period"] == "2018-04-01"].set_index("practice_code")["registered_patients"]
    assert paid.to_dict() == {"Z10001": "5100", "Z10005": "8801", "Z10007": "7000", "Z30001": "2500"}
    assert dropped_reasons(report, "patient_list.csv")["NUMBER_OF_PATIENTS is negative"] == \
        (1, ("row 7: Z10007 (-5 patients)",))
    assert dropped_reasons(report, "pcn_workforce.csv")["FTE is negative"] == (1, ("row 7: U90003 Managers FTE -0.4",))
    # bad values are errors too, one line each naming the file, row and field
    assert f"{WORKFORCE}: row 7, field 'FTE': FTE is negative (U90003 Managers FTE -0.4)" in report.error_lines


def test_pcn_workforce_is_summed_by_pcn_and_role_with_renamed_roles_merged(imported):
    report, out = imported
    workforce = read_output(out, "pcn_workforce.csv")
    expected = pd.DataFrame({
        "pcn_code": ["U90001", "U90001", "U90002"],
        "period": ["2020-03-01"] * 3,
        "staff_group": ["Directors", "Other Direct Patient Care staff", "Other Direct Patient Care staff"],
        "staff_role": ["Medical Clinical Director", "Pharmacists", "Social Prescribing Link Workers"],
        "fte": ["0.333333", "1.5", "1.7"],  # 0.2 + 0.133333333; 1 + 0.5 'Clinical Pharmacist'; pooled NULL row
    })
    pd.testing.assert_frame_equal(workforce, expected)
    notes = file_report(report, "pcn_workforce.csv").notes
    assert "renamed to the March 2020 name: 'Medical Clinical Director (GP)' -> 'Medical Clinical Director' (1 row)" \
        in notes
    assert any("NULL identifier" in note for note in notes)
    assert dropped_reasons(report, "pcn_workforce.csv", "pcn_workforce.csv") == {
        "PCN is not in the practice mapping, so it cannot be placed in a borough": (1, ("row 8: U99999 UNKNOWN PCN",))}


def test_registered_patients_for_another_tables_period_come_from_the_nearest_list_and_say_so(imported):
    report, out = imported
    patients = read_output(out, "registered_patients.csv")
    march = patients[patients["period"] == "2020-03-01"].drop(columns="period").reset_index(drop=True)
    january = patients[patients["period"] == "2021-01-01"].drop(columns="period")
    # 2021-01 is 10 months away, the 2018-19 list 23 months. Practices first listed after March 2020 (not in
    # the 2018-19 payments file: Z10002, Z10003, Z10006 in the 2020-09 mapping, Z10009 in 2021-01) are left out
    january = january[~january["practice_code"].isin(["Z10002", "Z10003", "Z10006", "Z10009"])]
    pd.testing.assert_frame_equal(march, january.reset_index(drop=True))
    assert report.notes[0].startswith("registered patients for 2020-03-01 taken from the 2021-01 publication, "
                                      "10 months apart (2 practices; 4 not yet open in 2020-03 left out)")
    opened = read_output(out, "practices.csv").set_index("practice_code")["opened"]
    assert opened[["Z10002", "Z10003", "Z10006", "Z10009"]].tolist() == ["2020-09-01"] * 3 + ["2021-01-01"]
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert any("2020-03-01" in source and "2021-01" in source for source in manifest["sources"])


def test_nothing_is_silently_dropped(imported):
    report, _ = imported
    for file in report.files:
        if file.error:
            continue
        for output in file.outputs:
            accounted = output.kept + file.dropped_count + sum(d.count for d in output.dropped)
            assert accounted == file.rows_read, (file.name, output.output)


def test_the_manifest_is_labelled_real_lists_sources_and_says_what_is_unavailable(imported):
    _, out = imported
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["label"] == "real"
    assert manifest["title"] and manifest["created"]
    for name in ("practice_mapping.csv", "patient_list.csv", "payments_2018-19.csv", "pcn_workforce.csv",
                 "boroughs.geojson"):
        assert any(source.startswith(name) for source in manifest["sources"]), name
    assert manifest["unavailable"]["vision_survey"] == ("There is no public survey of who knows the STP's vision, "
                                                       "so this dashboard shows no figure for it.")
    assert set(manifest["unavailable"]) == {
        "workforce", "extended_access", "vision_survey", "maturity", "deprivation", "appointments",
        "collaboration.in_collaboration", "collaboration.in_federation", "collaboration.shared_record"}
    assert manifest["areas"] == {
        "region": {"code": "E40000003", "name": "London"},
        "levels": {"stp": {"name": "STP", "plural": "STPs", "plain_name": "local health and care partnership",
                           "plain_plural": "local health and care partnerships"},
                   "borough": {"name": "borough", "plural": "boroughs", "plain_name": "borough",
                               "plain_plural": "boroughs"}}}


def test_the_app_loads_the_imported_folder_without_errors(imported):
    _, out = imported
    data = load_data(load_config(ROOT / "config.yaml"), out)
    assert data.label == "real"
    assert not data.errors, [str(p) for p in data.errors]
    assert set(data.tables) == {"registered_patients", "extended_hours", "pcn_workforce", "collaboration", "networks"}
    assert data.periods == ("2018-04-01", "2020-03-01", "2020-09-01", "2021-01-01")


def test_boundaries_are_simplified_with_shared_borders_kept_shared(imported):
    report, out = imported
    collection = json.loads((out / "place_boundaries.geojson").read_text())
    features = {f["properties"]["GSS_CODE"]: f for f in collection["features"]}
    assert set(features) == {"E09000001", "E09000002"}
    west = features["E09000001"]["geometry"]["coordinates"][0]
    east = features["E09000002"]["geometry"]["coordinates"][0]
    assert len(west) < 10 and len(east) < 10  # 24 points each in the file, wiggles below the tolerance
    shared = {tuple(p) for p in west} & {tuple(p) for p in east}
    assert shared == {(-0.09, 51.5), (-0.09, 51.51)}  # the same border, no gap or overlap
    for ring in (west, east):
        assert not find_ring_problems([tuple(p) for p in ring])
    assert dropped_reasons(report, "boroughs.geojson")[
        "GSS_CODE is not one of the region's boroughs (importers/reference/boroughs.csv)"][0] == 2


def test_boundaries_in_british_national_grid_give_a_clear_error(tmp_path):
    square = [[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]
    path = tmp_path / "boroughs_bng.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"GSS_CODE": "E09000001"},
        "geometry": {"type": "Polygon", "coordinates": [square]}}]}))
    _, report = import_files([path])
    assert "not longitude/latitude" in report.files[0].error and str(path) in report.files[0].error


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"fruit,colour\napple,red\n", "unknown format"),
    (b"PK\x03\x04binary zip", "not a text file"),
    (b"# Notes\nSome text\n", "unknown format"),
    (b'{"type": "FeatureCollection", "features": []}', "not a GeoJSON feature collection with a GSS_CODE"),
])
def test_an_unreadable_or_unknown_file_gives_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "download.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message) as error:
        read_source_file(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_a_row_with_the_wrong_number_of_fields_is_counted_with_its_row(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
                    "GP_PRAC_PAT_LIST,01JAN2021,GP,07R,E38000027,Z10001,NW1 1AA,ALL,ALL,5000\n"
                    "GP_PRAC_PAT_LIST,01JAN2021,GP,07R,Z10002,NW1 1AB,ALL,ALL,6000\n"
                    "\n")
    _, report = import_files([path])
    (file,) = report.files
    assert file.rows_read == 2
    assert {d.reason: d.examples for d in file.dropped} == {
        "the row has 9 fields but the header has 10": ("row 3",)}


def test_long_files_report_progress(tmp_path):
    path = tmp_path / "list.csv"
    rows = [f"GP_PRAC_PAT_LIST,01JAN2021,GP,07R,E38000027,Z{n:05d},NW1 1AA,ALL,ALL,1000" for n in range(5000)]
    path.write_text("PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
                    + "\n".join(rows) + "\n")
    seen = []
    import_files([path], progress=lambda name, count: seen.append((name, count)))
    assert seen == [("list.csv", PROGRESS_EVERY), ("list.csv", 2 * PROGRESS_EVERY)]


def test_a_folder_holding_other_data_is_never_overwritten(tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "dataset.yaml").write_text("label: illustrative\n")
    (out / "practices.csv").write_text("practice_code\nP1\n")
    data, _ = import_files([MAPPING])
    with pytest.raises(ImportFileError, match="already holds data not written by this importer"):
        write_dataset(data, out)
    assert (out / "practices.csv").read_text() == "practice_code\nP1\n"


def test_the_report_shows_counts_reasons_and_examples(imported):
    report, _ = imported
    text = format_report(report)
    assert "payments_2018-19.csv\n  format: NHS Digital, NHS Payments to General Practice" in text
    assert "  -> extended_hours.csv: kept 5, dropped 3 (1 of them for this output only)" in text
    assert "    1 x practice closed before the financial year began\n" \
           "        e.g. row 9: Z30004 (closed 2018-01-15)" in text
    assert "Written\n  practices.csv:" in text


def test_the_command_imports_the_good_files_and_names_the_bad_ones(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    out = tmp_path / "my-data"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), str(MAPPING), str(FIXTURES / "unknown_format.csv"),
         str(empty), str(tmp_path / "missing.csv"), str(PATIENTS)],
        check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        (f"error: {FIXTURES / 'unknown_format.csv'}: unknown format - the header (fruit, colour) is not one of "
         "the NHS Digital or London Datastore files this importer reads."),
        f"error: {empty}: the file is empty.",
        f"error: {tmp_path / 'missing.csv'}: the file does not exist.",
        # the good files' bad values, each on one line with its row and field
        f"error: {PATIENTS}: row 7, field 'NUMBER_OF_PATIENTS': NUMBER_OF_PATIENTS is negative (Z10007 (-5 patients))",
        (f"error: {PATIENTS}: row 10, field 'EXTRACT_DATE': EXTRACT_DATE is not a readable date (Z10010 ('Jan 2021' "
         "is not a date this importer can read (e.g. 01JAN2021, 2021-01-01, 01/01/2021 or 1-Jan-21)))"),
    ]
    assert len(read_output(out, "practices.csv")) == 9  # the good files were still imported
    assert "patient_list.csv\n  format:" in result.stdout


def test_the_command_writes_nothing_when_no_file_can_be_read(tmp_path):
    out = tmp_path / "my-data"
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), str(FIXTURES / "unknown_format.csv")],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no file could be imported, so nothing was written" in result.stderr
    assert not out.exists()


def test_the_london_reference_tables_agree_with_each_other():
    reference = load_place_reference("E40000003")
    assert reference.region_name == "London" and reference.place_words.plural == "boroughs"
    assert len(reference.borough_names) == 33
    ccgs_2018 = [ccg for ccg in reference.ccgs.values() if not ccg.merged]
    assert len(ccgs_2018) == 32
    assert {b for ccg in ccgs_2018 for b in ccg.borough_codes} == set(reference.borough_names)
    assert set(reference.borough_ccg.values()) <= {ccg.code for ccg in ccgs_2018}
    assert {b for boroughs in reference.districts.values() for b in boroughs} == set(reference.borough_names)
    for ccg in reference.ccgs.values():  # a merged CCG covers exactly the boroughs of its STP
        if ccg.merged:
            assert set(ccg.borough_codes) == set(reference.stp_boroughs(ccg.stp_code)), ccg.code
    assert load_place_reference("E40000010") is None  # the North West has no reference: its places are CCGs


def test_the_precedence_of_placement():
    reference = load_place_reference("E40000003")
    practices = [
        # 1. the CCGs of the files agree on one borough: 72Q (SEL) and 08K (Lambeth, 2018-19)
        PracticeEvidence("A", postcode="SE1 1AA", pcn_code="N1", stp_code="QKK", mapping_ccg="72Q", ccgs=["72Q", "08K"]),
        # 2. 36L covers SWL; SE25 lies in Croydon alone
        PracticeEvidence("B", postcode="SE25 6AA", stp_code="QWE", mapping_ccg="36L", ccgs=["36L"]),
        # 3. SE1 lies in Southwark and Lambeth: its network's other practice (A) is in Lambeth
        PracticeEvidence("C", postcode="SE1 9ZZ", pcn_code="N1", stp_code="QKK", mapping_ccg="72Q", ccgs=["72Q"]),
        # 4. no network: the district's main borough
        PracticeEvidence("D", postcode="SE1 9ZZ", stp_code="QKK", mapping_ccg="72Q", ccgs=["72Q"]),
        # 5. a postcode outside London: no borough, still in its STP
        PracticeEvidence("E", postcode="B9 4DD", stp_code="QWE", mapping_ccg="36L", ccgs=["36L"]),
        # no mapping: the STP from the reference CCG (08K -> QKK)
        PracticeEvidence("F", postcode="SW9 9ZZ", ccgs=["08K"], origin="payments.csv"),
        # no mapping, a CCG nobody knows: not even the STP
        PracticeEvidence("G", postcode="SW9 9ZZ", ccgs=["99X"], origin="payments.csv"),
    ]
    placed = place_practices(practices, reference, {})
    assert {code: (p.borough_name, p.source) for code, p in placed.items() if p} == {
        "A": ("Lambeth", BY_CCG), "B": ("Croydon", BY_POSTCODE), "C": ("Lambeth", BY_PCN),
        "D": ("Southwark", BY_POSTCODE), "E": ("", NOT_PLACED), "F": ("Lambeth", BY_CCG)}
    assert placed["D"].crosses and not placed["B"].crosses
    assert (placed["E"].stp_code, placed["F"].stp_code, placed["G"]) == ("QWE", "QKK", None)


def test_outside_london_the_places_are_the_mappings_ccgs():
    practices = [PracticeEvidence("A", stp_code="QOP", mapping_ccg="01W", ccgs=["01W", "01X"]),
                 PracticeEvidence("B", stp_code="QOP", mapping_ccg="01W", ccgs=["01W", "01X"]),
                 PracticeEvidence("C", ccgs=["01X"], origin="payments.csv")]  # closed before the mapping
    placed = place_practices(practices, None, {"01W": "NHS Stockport CCG"})
    assert {code: (p.borough_code, p.borough_name, p.stp_code, p.source) for code, p in placed.items()} == {
        "A": ("01W", "NHS Stockport CCG", "QOP", BY_CCG), "B": ("01W", "NHS Stockport CCG", "QOP", BY_CCG),
        "C": ("01W", "NHS Stockport CCG", "QOP", BY_CCG)}


def test_when_two_files_give_the_same_thing_the_later_one_is_used_and_the_other_counted(tmp_path):
    later_mapping = tmp_path / "mapping_2021.csv"
    later_mapping.write_text(MAPPING.read_text().replace("1-Sep-20", "01-Jan-21"))
    second_boundaries = tmp_path / "boroughs_again.geojson"
    shutil.copy(BOUNDARIES_FILE, second_boundaries)
    data, report = import_files([MAPPING, later_mapping, BOUNDARIES_FILE, second_boundaries, MAPPING])
    assert "practice_mapping.csv was given more than once; it was read once" in report.notes[0]
    older = dropped_reasons(report, "practice_mapping.csv", "practices.csv")
    assert older["a later practice mapping was given (mapping_2021.csv)"][0] == 8  # its 8 London rows
    first_boundaries = dropped_reasons(report, "boroughs.geojson", "place_boundaries.geojson")
    assert first_boundaries["another boundary file was given after this one (boroughs_again.geojson)"][0] == 2
    assert len(data.boundaries.features) == 2 and len(data.practices) == 8  # Z10004 too, with no borough
    for file in report.files:
        for tally in file.outputs:
            assert tally.kept + file.dropped_count + sum(d.count for d in tally.dropped) == file.rows_read


def test_a_2019_20_payments_file_is_imported_with_a_plain_note_that_the_scheme_ended(tmp_path):
    later = tmp_path / "payments_2019-20.csv"
    shutil.copy(PAYMENTS_FILE, later)
    out = tmp_path / "out"
    report = run_import([MAPPING, later], out)
    ended = "The Extended Hours Access scheme (DES) ended on 30 June 2019"
    assert any(note.startswith(ended) for note in file_report(report, later.name).notes)
    assert any(ended in note for note in report.notes)
    manifest = yaml.safe_load((out / "dataset.yaml").read_text())
    assert manifest["caveats"]["extended_hours"].startswith(ended)
    assert read_output(out, "extended_hours.csv")["period"].unique().tolist() == ["2019-04-01"]
    data = load_data(load_config(ROOT / "config.yaml"), out)
    assert data.caveats["extended_hours"].startswith(ended) and not data.errors


def test_a_2020_21_payments_file_gives_no_extended_hours(tmp_path):
    later = tmp_path / "payments_2020-21.csv"
    shutil.copy(PAYMENTS_FILE, later)
    data, report = import_files([MAPPING, later])
    assert "extended_hours" not in data.tables and not data.caveats
    assert any("is not imported: the scheme ended on 30 June 2019" in note
               for note in file_report(report, later.name).notes)
