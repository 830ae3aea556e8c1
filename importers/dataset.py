"""Putting the imported files together into the app's tables (docs/data-contract.md) and writing them.

Every input row ends up kept in an output or counted in its file's report under a reason.
"""
import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml

from importers import appointments, collaboration, deprivation, patient_list, payments, pcn_workforce, practice_mapping
from importers import boundaries as boundary_files
from importers.boundaries import Boundaries, build_geojson_text, read_boundaries
from importers.dates import describe_month, find_nearest_period, months_between
from importers.geography import (
    BOROUGH_NAMES,
    CCGS_2018,
    LONDON_AREAS,
    STP_NAMES,
    read_postcode_district,
)
from importers.numbers import format_number
from importers.patient_list import read_patient_list
from importers.payments import PaymentsFile, read_payments
from importers.pcn_workforce import PcnStaffRow, read_pcn_workforce
from importers.placement import FROM_CCG, Placement, place_practice
from importers.practice_mapping import MappedPractice, read_practice_mapping
from importers.report import ImportReport, RowLedger
from importers.sources import (
    APPOINTMENTS,
    BOUNDARIES,
    DEPRIVATION,
    FORMAT_NAMES,
    PATIENT_LIST,
    PAYMENTS,
    PCN_WORKFORCE,
    PRACTICE_MAPPING,
    ImportFileError,
    SourceFile,
    count_blank_lines,
    describe_reading,
    read_source_file,
)

PRACTICE_COLUMNS = (
    "practice_code", "practice_name", "postcode_district", "pcn_code", "pcn_name", "federation_name",
    "borough_code", "borough_name", "ccg_code", "ccg_name", "stp_code", "stp_name", "deprivation_decile",
)
TABLE_COLUMNS = {
    "registered_patients": ("practice_code", "period", "registered_patients"),
    "extended_hours": ("practice_code", "period", "extended_hours_payment", "offers_extended_hours"),
    "pcn_workforce": ("pcn_code", "period", "staff_group", "staff_role", "fte"),
    "collaboration": collaboration.COLUMNS,
    "networks": collaboration.NETWORK_COLUMNS,
    "deprivation": deprivation.COLUMNS,
    "appointments": appointments.COLUMNS,
}
CONTRACT_FILES = (
    "practices.csv", "registered_patients.csv", "workforce.csv", "extended_access.csv", "collaboration.csv",
    "extended_hours.csv", "pcn_workforce.csv", "vision_survey.csv", "maturity.csv", "london_boroughs.geojson",
    "networks.csv", "deprivation.csv", "appointments.csv", "dataset.yaml",
)
NOT_IN_A_NETWORK = "Not in a network"
LICENCE = ("Contains public sector information licensed under the Open Government Licence v3.0 "
           "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).")
PROCESSING_ORDER = (PRACTICE_MAPPING, PAYMENTS, PATIENT_LIST, PCN_WORKFORCE, BOUNDARIES, DEPRIVATION, APPOINTMENTS)
LISTED_PRACTICES = 12  # practice codes listed by name in a note; the rest are counted

# Tables these publications never give, and why, in words for the dashboard.
ALWAYS_UNAVAILABLE = {
    "workforce": "The imported NHS files do not give GP, nurse and other staff numbers for each practice, "
                 "so this dashboard shows no figure for the practice workforce.",
    "extended_access": "There is no public list of which practices offer appointments from 8am to 8pm, 7 days "
                       "a week (it was run by borough hubs), so this dashboard shows no figure for it.",
    "vision_survey": "There is no public survey of who knows the STP's vision, so this dashboard shows no "
                     "figure for it.",
    "maturity": "PCN maturity self-assessments are not published, so this dashboard shows no figure for them.",
}
UNAVAILABLE_WITHOUT_FILE = {
    "registered_patients": "No list of registered patients was imported (NHS Digital, Patients Registered at a "
                           "GP Practice), so figures per patient cannot be shown.",
    "extended_hours": "No NHS Payments to General Practice file with Extended Hours Access payments (2018-19 or "
                      "earlier) was imported, so this dashboard shows no figure for it.",
    "pcn_workforce": "No Primary Care Network Workforce file was imported, so this dashboard shows no figure "
                     "for staff employed by networks.",
    "collaboration": "No practice mapping (NHS Digital, Patients Registered at a GP Practice) was imported, so this "
                     "dashboard shows no figure for practices in networks.",
    "networks": "No practice mapping (NHS Digital, Patients Registered at a GP Practice) was imported, so this "
                "dashboard shows no figure for the size of networks.",
    "deprivation": "No Fingertips file of practice deprivation scores (IMD 2019) was imported, so practices have "
                   "no deprivation decile.",
    "appointments": "No Appointments in General Practice file was imported (or none could be matched to an STP), "
                    "so this dashboard shows no figure for appointments.",
}


@dataclass(frozen=True)
class ImportedData:
    practices: tuple[dict[str, str], ...]
    tables: dict[str, tuple[dict[str, str], ...]]  # table name -> rows, in TABLE_COLUMNS order
    boundaries: Boundaries | None
    sources: tuple[str, ...]
    unavailable: dict[str, str]  # table (or 'table.column') -> why there is no figure
    periods: tuple[str, ...]
    coverage: dict[str, str] = field(default_factory=dict)  # table -> what part of the region it covers
    outputs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # output file -> input files it is made from


@dataclass
class _Practice:
    code: str
    name: str
    postcode: str
    pcn_code: str
    pcn_name: str
    placement: Placement
    origin: str  # 'mapping' or the file that added it


@dataclass
class _Assembly:
    notes: list[str] = field(default_factory=list)
    practices: dict[str, _Practice] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def import_files(paths: Iterable[str | Path], *, payments_year: str | None = None,
                 progress: Callable[[str, int], None] | None = None) -> tuple[ImportedData, ImportReport]:
    """Read every file (each failing alone, with a one-line reason) and assemble the app's tables."""
    ledgers: dict[str, RowLedger] = {}
    failures: dict[str, str] = {}
    sources: list[tuple[SourceFile, RowLedger]] = []
    assembly = _Assembly()
    for path in paths:
        if str(path) in ledgers:
            assembly.notes.append(f"{path} was given more than once; it was read once")
            continue
        ledger = RowLedger(Path(path).name, str(path))
        ledgers[str(path)] = ledger
        try:
            source = read_source_file(Path(path))
        except ImportFileError as error:
            failures[str(path)] = str(error)
            continue
        ledger.format = FORMAT_NAMES[source.format]
        ledger.notes.extend(describe_reading(source))
        sources.append((source, ledger))
    sources.sort(key=lambda item: PROCESSING_ORDER.index(item[0].format))

    read: dict[str, list] = defaultdict(list)
    for source, ledger in sources:
        try:
            read[source.format].append((source, ledger, _read(source, ledger, read, payments_year, progress)))
        except ImportFileError as error:
            failures[str(source.path)] = str(error)
        except csv.Error as error:
            failures[str(source.path)] = f"{source.path}: the CSV could not be read ({error})."
        else:
            blank = count_blank_lines(source) if source.format != BOUNDARIES else 0
            if blank:
                ledger.note(f"{blank} blank lines skipped")

    _place_mapped_practices(assembly, read[PRACTICE_MAPPING], read[PAYMENTS])
    patients_rows = _collect_registered_patients(assembly, read[PATIENT_LIST], read[PAYMENTS])
    extended_hours_rows = _collect_extended_hours(assembly, read[PAYMENTS])
    workforce_rows = _collect_pcn_workforce(assembly, read[PCN_WORKFORCE])
    patients_rows = _align_patient_periods(assembly, patients_rows, {r["period"] for r in workforce_rows})
    _note_opened_and_closed(assembly, read)
    list_sizes = _list_sizes(patients_rows, read)
    networks = collaboration.collect_collaboration(read[PRACTICE_MAPPING], list_sizes, assembly.practices,
                                                   lambda practice, ledger, name: _ensure_mapped_practice(
                                                       assembly, practice, ledger, name))
    boundaries = _choose_boundaries(assembly, read[BOUNDARIES])
    if not assembly.practices:
        assembly.notes.append("no practice could be placed in London (give gp-reg-pat-prac-map.csv, a "
                              "gp-reg-pat-prac-all.csv or an NHS Payments file), so practices.csv was not written; "
                              "the app needs it")

    practices = tuple(_practice_row(p) for p in sorted(assembly.practices.values(), key=lambda p: p.code))
    scores = deprivation.collect_deprivation(read[DEPRIVATION], assembly.practices)
    practices = tuple(row | {"deprivation_decile": scores.deciles.get(row["practice_code"], "")} for row in practices)
    visits = _collect_appointments(read[PRACTICE_MAPPING], read[APPOINTMENTS], practices, list_sizes)
    assembly.sources.extend(scores.sources + visits.sources)
    assembly.notes.extend(networks.notes + scores.notes + visits.notes)

    tables = {"registered_patients": patients_rows, "extended_hours": extended_hours_rows,
              "pcn_workforce": workforce_rows, "collaboration": networks.rows, "networks": networks.networks,
              "deprivation": scores.rows, "appointments": visits.rows}
    unavailable = dict(ALWAYS_UNAVAILABLE)
    unavailable |= {name: text for name, text in UNAVAILABLE_WITHOUT_FILE.items() if not tables[name]}
    if networks.rows:
        unavailable |= {f"collaboration.{column}": text for column, text in collaboration.NOT_PUBLISHED.items()}
    periods = tuple(sorted({row["period"] for rows in tables.values() for row in rows}))
    coverage = {"appointments": visits.coverage} if visits.coverage else {}
    files = tuple(ledgers[str(p)].build_report(failures.get(str(p))) for p in ledgers)
    outputs = {output.output: () for file in files for output in file.outputs}
    for file in files:
        for output in file.outputs:
            if output.kept > 0:
                outputs[output.output] += (file.name,)
    data = ImportedData(practices, {name: tuple(rows) for name, rows in tables.items() if rows}, boundaries,
                        tuple(assembly.sources), unavailable, periods, coverage,
                        {name: inputs for name, inputs in outputs.items() if inputs})
    return data, ImportReport(files, (), tuple(assembly.notes))


def write_dataset(data: ImportedData, out_dir: str | Path, *, title: str | None = None, dated: bool = True,
                  carry_over: bool = True) -> tuple[tuple[str, int], ...]:
    """Write the app's input folder; returns (file name, size in bytes) for each file written.

    `carry_over`: keep what an earlier import wrote and this one does not write again
    (carry_over_earlier_import). `dated`: write today's date as `created` (a build that must give the
    same bytes every day leaves it out). Raises ImportFileError when the folder holds data this importer
    did not write (it is never overwritten).
    """
    out = Path(out_dir)
    _check_output_folder(out)
    if carry_over:
        data, _ = carry_over_earlier_import(data, out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    if data.practices:
        written["practices.csv"] = _csv_text(PRACTICE_COLUMNS, data.practices)
    for name, rows in data.tables.items():
        written[f"{name}.csv"] = _csv_text(TABLE_COLUMNS[name], rows)
    if data.boundaries is not None:
        written[boundary_files.OUTPUT] = build_geojson_text(data.boundaries)
    written["dataset.yaml"] = _manifest_text(data, title, dated)
    sizes = []
    for name, text in written.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
        sizes.append((name, (out / name).stat().st_size))
    return tuple(sizes)


def run_import(paths: Iterable[str | Path], out_dir: str | Path, *, payments_year: str | None = None,
               progress: Callable[[str, int], None] | None = None) -> ImportReport:
    """Import the files and write the folder (when at least one file was read). The report says what happened."""
    data, report = import_files(paths, payments_year=payments_year, progress=progress)
    if all(f.error for f in report.files):
        return report
    out = Path(out_dir)
    _check_output_folder(out)
    data, notes = carry_over_earlier_import(data, out)
    written = write_dataset(data, out, carry_over=False)
    return ImportReport(report.files, written, report.notes + tuple(notes))


def carry_over_earlier_import(data: ImportedData, out: Path) -> tuple[ImportedData, list[str]]:
    """`data` plus what an earlier import into `out` wrote and this one does not write again, and notes saying so.

    Those files stay as they are; their sources, outputs, coverage and reasons for no figure stay in
    dataset.yaml; the practices of the earlier practices.csv that the new one lacks stay too, so the kept
    files' rows can still be placed.
    """
    written = _file_names(data)
    kept = [name for name in CONTRACT_FILES if name != "dataset.yaml" and name not in written and (out / name).exists()]
    if not kept:
        return data, []
    notes = [f"{name} was kept from the earlier import into this folder (no file given this time gives it)"
             for name in kept]
    practices = data.practices
    if practices and (out / "practices.csv").exists():
        codes = {row["practice_code"] for row in practices}
        earlier = [row for row in _read_csv_rows(out / "practices.csv") if row.get("practice_code") not in codes]
        if earlier:
            practices = tuple(sorted(practices + tuple({c: row.get(c) or "" for c in PRACTICE_COLUMNS} for row in earlier),
                                     key=lambda row: row["practice_code"]))
            notes.append(f"{_count(len(earlier), 'practice')} of the earlier practices.csv {_are(len(earlier))} not in "
                         "the new files; kept, so that the kept files' rows can still be placed")
    return replace(_carry_over_manifest(data, out, kept), practices=practices), notes


def _read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _file_names(data: ImportedData) -> list[str]:
    names = [f"{name}.csv" for name in data.tables] + (["practices.csv"] if data.practices else [])
    return names + ([boundary_files.OUTPUT] if data.boundaries is not None else [])


def _carry_over_manifest(data: ImportedData, out: Path, kept: list[str]) -> ImportedData:
    """The new import's manifest entries, plus the earlier import's for the files it keeps."""
    try:
        previous = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        previous = {}
    previous = previous if isinstance(previous, dict) else {}
    tables = {Path(name).stem for name in kept}
    old_outputs = previous.get("outputs") if isinstance(previous.get("outputs"), dict) else {}
    inputs = {str(i) for name in kept for i in old_outputs.get(name) or ()}
    new_inputs = {source.split(": ")[0] for source in data.sources}
    sources = data.sources + tuple(str(s) for s in previous.get("sources") or ()
                                   if str(s).split(": ")[0] in inputs - new_inputs)
    unavailable = {key: text for key, text in data.unavailable.items() if key.split(".")[0] not in tables}
    old_unavailable = previous.get("unavailable") if isinstance(previous.get("unavailable"), dict) else {}
    unavailable |= {str(k): str(v) for k, v in old_unavailable.items() if str(k).split(".")[0] in tables}
    old_coverage = previous.get("coverage") if isinstance(previous.get("coverage"), dict) else {}
    coverage = data.coverage | {str(k): str(v) for k, v in old_coverage.items() if str(k) in tables}
    outputs = data.outputs | {name: tuple(str(i) for i in old_outputs.get(name) or ()) for name in kept}
    periods = set(data.periods)
    for name in kept:
        if name.endswith(".csv"):
            periods |= {row.get("period") or "" for row in _read_csv_rows(out / name)} - {""}
    return replace(data, sources=sources, unavailable=unavailable, coverage=coverage, outputs=outputs,
                   periods=tuple(sorted(periods)))


def _read(source: SourceFile, ledger: RowLedger, read: dict[str, list], payments_year: str | None,
          progress: Callable[[str, int], None] | None):
    if source.format == PRACTICE_MAPPING:
        return read_practice_mapping(source, ledger, progress)
    if source.format == PAYMENTS:
        return read_payments(source, ledger, financial_year=payments_year, progress=progress)
    if source.format == PATIENT_LIST:
        london = {p.practice_code for _, _, mapped in read[PRACTICE_MAPPING] for p in mapped}
        london |= {p.practice_code for _, _, paid in read[PAYMENTS] for p in paid.practices}
        return read_patient_list(source, ledger, london, progress)
    if source.format == PCN_WORKFORCE:
        return read_pcn_workforce(source, ledger, progress)
    if source.format == DEPRIVATION:
        return deprivation.read_deprivation(source, ledger, progress)
    if source.format == APPOINTMENTS:
        return appointments.read_appointments(source, ledger, progress)
    return read_boundaries(source, ledger)


def _list_sizes(patient_rows: list[dict[str, str]], read: dict[str, list]) -> dict[str, dict[str, int]]:
    """List period -> practice -> registered patients, from the lists of patients (gp-reg-pat-prac-all).

    An NHS Payments file's 'last known' list sizes are used only when no list was imported: they are
    of mixed dates, and a denominator switching between the two kinds would put a step in a monthly trend.
    """
    list_periods = {size.period for _, _, sizes in read[PATIENT_LIST] for size in sizes}
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    for row in patient_rows:
        if row["period"] in list_periods or not list_periods:
            sizes[row["period"]][row["practice_code"]] = int(row["registered_patients"])
    return dict(sizes)


def _ensure_mapped_practice(assembly: _Assembly, practice: MappedPractice, ledger: RowLedger, file_name: str) -> bool:
    """True when a practice of a practice mapping is in practices.csv, adding one that only an older mapping has.

    A practice the latest mapping lacks (added from a list of patients, or not at all) gets the network of
    the latest mapping that has it.
    """
    known = assembly.practices.get(practice.practice_code)
    if known is not None:
        if known.origin != "mapping" and practice.pcn_code:
            known.pcn_code, known.pcn_name = practice.pcn_code, practice.pcn_name
        return True
    placement = place_practice(practice.ccg_code, practice.stp_code, practice.postcode)
    if placement is None:
        ledger.drop("borough cannot be placed: a merged CCG, and the postcode district is not a London district of "
                    "this STP", practice.row, f"{practice.practice_code} {practice.postcode or 'no postcode'} "
                    f"(CCG {practice.ccg_code})", collaboration.OUTPUT)
        return False
    assembly.practices[practice.practice_code] = _Practice(
        practice.practice_code, practice.practice_name, practice.postcode, practice.pcn_code, practice.pcn_name,
        placement, file_name)
    ledger.note(f"{practice.practice_code} is not in the latest practice mapping (closed or merged since): added to "
                "practices.csv from this mapping")
    return True


def _collect_appointments(mappings: list, files: list, practices: tuple[dict[str, str], ...],
                          list_sizes: dict[str, dict[str, int]]) -> appointments.AppointmentTable:
    """Appointments per STP and month; the STPs' ONS codes and names come from the practice mappings."""
    mapped = [p for _, _, rows in mappings for p in rows]
    stp_of_ons_code = {p.stp_ons_code: p.stp_code for p in mapped if p.stp_ons_code}
    stp_of_name = {appointments.match_stp_name(p.stp_name): p.stp_code for p in mapped if p.stp_name}
    stp_names = {row["stp_code"]: row["stp_name"] for row in practices}
    stp_of_practice = {row["practice_code"]: row["stp_code"] for row in practices}
    stp_sizes: dict[str, dict[str, int]] = {}
    for period, sizes in list_sizes.items():
        stp_sizes[period] = defaultdict(int)
        for code, patients in sizes.items():
            if code in stp_of_practice:
                stp_sizes[period][stp_of_practice[code]] += patients
    return appointments.collect_appointments(files, stp_of_ons_code, stp_of_name, stp_names, stp_sizes)


def _choose_boundaries(assembly: _Assembly, files: list) -> Boundaries | None:
    """The last boundary file given is used; an earlier one's boroughs are counted as dropped."""
    if not files:
        return None
    source, _, boundaries = files[-1]
    for _, ledger, earlier in files[:-1]:
        for number in earlier.feature_numbers:
            ledger.unkeep(boundary_files.OUTPUT)
            ledger.drop(f"another boundary file was given after this one ({source.name})", number,
                        output=boundary_files.OUTPUT)
    assembly.sources.append(f"{source.name}: Greater London Authority, London Datastore, Statistical GIS Boundary "
                            "Files for London, London boroughs (contains OS data, Crown copyright); simplified for "
                            f"the browser (tolerance {boundaries.tolerance:g} degrees)")
    return boundaries


def _place_mapped_practices(assembly: _Assembly, mappings: list, payment_files: list) -> None:
    if not mappings:
        return
    mappings = sorted(mappings, key=lambda item: _most_common([p.period for p in item[2]]))
    source, ledger, mapped = mappings[-1]
    for older, older_ledger, older_rows in mappings[:-1]:
        for practice in older_rows:
            older_ledger.unkeep(practice_mapping.OUTPUT)
            older_ledger.drop(f"a later practice mapping was given ({source.name})", practice.row,
                              practice.practice_code, practice_mapping.OUTPUT)
    period = _most_common([p.period for p in mapped])
    assembly.sources.append(f"{source.name}: NHS Digital, Patients Registered at a GP Practice, practice mapping "
                            f"(gp-reg-pat-prac-map.csv), extract {describe_month(period) if period else 'undated'}")
    payments_ccg = _payments_ccgs(payment_files)
    counts: dict[str, int] = defaultdict(int)
    by_postcode: list[str] = []
    for practice in mapped:
        placement = place_practice(practice.ccg_code, practice.stp_code, practice.postcode,
                                   payments_ccg.get(practice.practice_code))
        if placement is None:
            ledger.unkeep(practice_mapping.OUTPUT)
            ledger.drop("borough cannot be placed: a merged CCG, and the postcode district is not a London "
                        "district of this STP", practice.row,
                        f"{practice.practice_code} {practice.postcode or 'no postcode'} (CCG {practice.ccg_code})",
                        practice_mapping.OUTPUT)
            continue
        counts[placement.how] += 1
        if placement.how != FROM_CCG and placement.crosses_boroughs:
            by_postcode.append(f"{practice.practice_code} ({read_postcode_district(practice.postcode)} -> "
                               f"{BOROUGH_NAMES[placement.borough_code]})")
        stp = practice.stp_code if practice.stp_code in STP_NAMES else placement.stp_code
        assembly.practices[practice.practice_code] = _Practice(
            practice.practice_code, practice.practice_name, practice.postcode, practice.pcn_code,
            practice.pcn_name, Placement(placement.borough_code, placement.ccg_code, stp, placement.how,
                                         placement.crosses_boroughs), "mapping")
    ledger.note("borough of each practice: " + "; ".join(f"{n} {how}" for how, n in sorted(counts.items())))
    if by_postcode:
        ledger.note(f"{len(by_postcode)} practices were placed by a postcode district that crosses a borough "
                    "boundary (the district's main borough within the CCG or STP is used): "
                    + _list_some(by_postcode))


def _payments_ccgs(payment_files: list) -> dict[str, str]:
    ccgs: dict[str, str] = {}
    for _, _, paid in sorted(payment_files, key=lambda item: item[2].period):
        ccgs |= {p.practice_code: p.ccg_code for p in paid.practices}
    return ccgs


def _collect_registered_patients(assembly: _Assembly, lists: list, payment_files: list) -> list[dict[str, str]]:
    rows: dict[tuple[str, str], dict[str, str]] = {}
    given_by: dict[tuple[str, str], str] = {}
    for source, ledger, sizes in sorted(lists, key=lambda item: item[0].name):
        periods = sorted({s.period for s in sizes})
        assembly.sources.append(f"{source.name}: NHS Digital, Patients Registered at a GP Practice, totals per "
                                "practice (gp-reg-pat-prac-all.csv), extract "
                                + ", ".join(describe_month(p) for p in periods))
        for size in sizes:
            key = (size.practice_code, size.period)
            if key in rows:
                ledger.unkeep(patient_list.OUTPUT)
                ledger.drop(f"practice and date already given by {given_by[key]}", size.row, size.practice_code,
                            patient_list.OUTPUT)
                continue
            if not _ensure_practice(assembly, ledger, size.practice_code, size.ccg_code, size.postcode,
                                    source.name, size.row, patient_list.OUTPUT, counted=True):
                continue
            rows[key] = {"practice_code": size.practice_code, "period": size.period,
                         "registered_patients": str(size.registered_patients)}
            given_by[key] = source.name
    list_periods = {period for _, period in rows}
    for source, ledger, paid in sorted(payment_files, key=lambda item: item[2].period):
        _describe_payments_source(assembly, source, paid)
        for practice in paid.practices:
            if practice.registered_patients is None:
                continue
            key = (practice.practice_code, paid.period)
            if paid.period in list_periods or key in rows:
                ledger.drop(f"registered patients for {paid.period} are taken from "
                            f"{given_by.get(key) or 'a patient-list file for that month'}", practice.row,
                            practice.practice_code, payments.PATIENTS_OUTPUT)
                continue
            if not _ensure_practice(assembly, ledger, practice.practice_code, practice.ccg_code, practice.postcode,
                                    source.name, practice.row, payments.PATIENTS_OUTPUT, name=practice.practice_name):
                continue
            rows[key] = {"practice_code": practice.practice_code, "period": paid.period,
                         "registered_patients": str(practice.registered_patients)}
            given_by[key] = source.name
            ledger.keep(payments.PATIENTS_OUTPUT)
    return sorted(rows.values(), key=lambda r: (r["period"], r["practice_code"]))


def _collect_extended_hours(assembly: _Assembly, payment_files: list) -> list[dict[str, str]]:
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for source, ledger, paid in sorted(payment_files, key=lambda item: item[2].period):
        for practice in paid.practices:
            if practice.extended_hours_payment is None:
                continue
            key = (practice.practice_code, paid.period)
            if key in rows:
                ledger.drop(f"practice already given for {paid.period} by another payments file", practice.row,
                            practice.practice_code, payments.EXTENDED_HOURS_OUTPUT)
                continue
            if not _ensure_practice(assembly, ledger, practice.practice_code, practice.ccg_code, practice.postcode,
                                    source.name, practice.row, payments.EXTENDED_HOURS_OUTPUT,
                                    name=practice.practice_name):
                continue
            payment = practice.extended_hours_payment
            rows[key] = {"practice_code": practice.practice_code, "period": paid.period,
                         "extended_hours_payment": format_number(payment, 2),
                         "offers_extended_hours": "1" if payment > 0 else "0"}
            ledger.keep(payments.EXTENDED_HOURS_OUTPUT)
    return sorted(rows.values(), key=lambda r: (r["period"], r["practice_code"]))


def _collect_pcn_workforce(assembly: _Assembly, files: list) -> list[dict[str, str]]:
    placed_pcns = {p.pcn_code for p in assembly.practices.values() if p.pcn_code}
    totals: dict[tuple[str, str, str, str], float] = defaultdict(float)
    month_given_by: dict[tuple[str, str], str] = {}  # (pcn, period) -> file: one file per PCN and month
    for source, ledger, staff in sorted(files, key=lambda item: item[0].name):
        staff: list[PcnStaffRow]
        periods = sorted({s.period for s in staff})
        assembly.sources.append(f"{source.name}: NHS Digital, Primary Care Network Workforce, individual-level "
                                "CSV, " + ", ".join(describe_month(p) for p in periods)
                                + " (summed by PCN and role)")
        for person in staff:
            if person.pcn_code not in placed_pcns:
                ledger.unkeep(pcn_workforce.OUTPUT)
                reason = ("PCN is not in the practice mapping, so it cannot be placed in a borough"
                          if placed_pcns else "no practice mapping was imported, so no PCN can be placed")
                ledger.drop(reason, person.row, f"{person.pcn_code} {person.pcn_name}".strip(), pcn_workforce.OUTPUT)
                continue
            given_by = month_given_by.setdefault((person.pcn_code, person.period), source.name)
            if given_by != source.name:
                ledger.unkeep(pcn_workforce.OUTPUT)
                ledger.drop(f"this PCN and month are already given by {given_by}", person.row, person.pcn_code,
                            pcn_workforce.OUTPUT)
                continue
            totals[(person.pcn_code, person.period, person.staff_group, person.staff_role)] += person.fte
    return [
        {"pcn_code": pcn, "period": period, "staff_group": group, "staff_role": role, "fte": format_number(fte, 6)}
        for (pcn, period, group, role), fte in sorted(totals.items())
    ]


def _align_patient_periods(assembly: _Assembly, rows: list[dict[str, str]], needed: set[str]) -> list[dict[str, str]]:
    """Registered patients for each period a per-patient table needs, from the nearest list given (said so)."""
    by_period: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_period[row["period"]].append(row)
    available = sorted(by_period)
    for period in sorted(needed - set(available)):
        if not available:
            assembly.notes.append(f"no registered patients were imported, so figures per 1,000 patients for "
                                  f"{period} cannot be shown")
            continue
        nearest = find_nearest_period(available, period)
        gap = months_between(nearest, period)
        copied = [{**row, "period": period} for row in by_period[nearest]]
        rows = rows + copied
        assembly.notes.append(f"registered patients for {period} taken from the {describe_month(nearest)} "
                              f"publication, {gap} month{'s' if gap != 1 else ''} apart ({len(copied):,} practices), "
                              "so that staff per 1,000 patients can be shown for that month")
        assembly.sources.append(f"registered patients for {period} are those of {describe_month(nearest)} "
                                f"({gap} months apart): no list for that month was imported")
    return sorted(rows, key=lambda r: (r["period"], r["practice_code"]))


def _ensure_practice(assembly: _Assembly, ledger: RowLedger, code: str, ccg_code: str, postcode: str,
                     file_name: str, row: int, output: str, *, name: str = "", counted: bool = False) -> bool:
    """True when the practice is in practices.csv, adding one the mapping lacks (opened or closed since)."""
    if code in assembly.practices:
        if name and assembly.practices[code].name == f"Practice {code}":
            assembly.practices[code].name = name
        return True
    placement = place_practice(ccg_code, "", postcode)
    if placement is None:
        if counted:
            ledger.unkeep(output)
        ledger.drop("practice is not in the practice mapping and its borough cannot be placed from its CCG and "
                    "postcode", row, f"{code} (CCG {ccg_code or 'blank'}, {postcode or 'no postcode'})", output)
        return False
    assembly.practices[code] = _Practice(code, name or f"Practice {code}", postcode, "", "", placement, file_name)
    return True


def _note_opened_and_closed(assembly: _Assembly, read: dict[str, list]) -> None:
    """Practices in the mapping but not in a list of patients, and the reverse, with what became of them."""
    mapped = {code for code, p in assembly.practices.items() if p.origin == "mapping"}
    if not read[PRACTICE_MAPPING]:
        return
    mapping_period = _most_common([p.period for _, _, rows in read[PRACTICE_MAPPING] for p in rows])
    files = [(ledger, {s.practice_code for s in sizes}, _most_common([s.period for s in sizes]))
             for _, ledger, sizes in read[PATIENT_LIST]]
    files += [(ledger, {p.practice_code for p in paid.practices}, paid.period) for _, ledger, paid in read[PAYMENTS]]
    for ledger, present, period in files:
        later = period >= mapping_period
        missing, extra = sorted(mapped - present), sorted(present - mapped)
        if missing:
            why = "closed or merged since the mapping's extract" if later else "opened after this file's year"
            ledger.note(f"{_count(len(missing), 'practice')} in the practice mapping ({describe_month(mapping_period)}) "
                        f"{'has' if len(missing) == 1 else 'have'} no London row in this file ({why}): {_list_some(missing)}")
        added = [code for code in extra if code in assembly.practices]
        if added:
            why = "opened after the mapping's extract" if later else "closed or merged before the mapping's extract"
            ledger.note(f"{_count(len(added), 'London practice')} in this file {_are(len(added))} not in the practice mapping "
                        f"({why}); added to practices.csv from this file's CCG and postcode, not in a network: "
                        f"{_list_some(added)}")
        if len(added) < len(extra):
            ledger.note(f"{_count(len(extra) - len(added), 'London practice')} in this file "
                        f"{_are(len(extra) - len(added))} not in the practice mapping and "
                        f"{'has' if len(extra) - len(added) == 1 else 'have'} no row kept (see the reasons above): "
                        f"{_list_some([c for c in extra if c not in assembly.practices])}")


def _are(number: int) -> str:
    return "is" if number == 1 else "are"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _describe_payments_source(assembly: _Assembly, source: SourceFile, paid: PaymentsFile) -> None:
    what = "registered patients and GP Extended Hours Access" if paid.has_extended_hours else "registered patients"
    assembly.sources.append(f"{source.name}: NHS Digital, NHS Payments to General Practice, England, "
                            f"{paid.year_label} ({what}; period {paid.period})")


def _practice_row(practice: _Practice) -> dict[str, str]:
    placement = practice.placement
    return {
        "practice_code": practice.code, "practice_name": practice.name,
        "postcode_district": read_postcode_district(practice.postcode),
        "pcn_code": practice.pcn_code, "pcn_name": practice.pcn_name if practice.pcn_code else NOT_IN_A_NETWORK,
        "federation_name": "", "borough_code": placement.borough_code,
        "borough_name": BOROUGH_NAMES[placement.borough_code], "ccg_code": placement.ccg_code,
        "ccg_name": CCGS_2018[placement.ccg_code].name, "stp_code": placement.stp_code,
        "stp_name": STP_NAMES[placement.stp_code], "deprivation_decile": "",
    }


def _csv_text(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return buffer.getvalue()


def _manifest_text(data: ImportedData, title: str | None, dated: bool) -> str:
    span = f", {data.periods[0][:7]} to {data.periods[-1][:7]}" if data.periods else ""
    manifest = {
        "label": "real",
        "title": title or f"London general practice: NHS Digital and London Datastore data{span}",
        **({"created": date.today().isoformat()} if dated else {}),
        "licence": LICENCE,
        "sources": list(data.sources),
        "outputs": {name: list(inputs) for name, inputs in sorted(data.outputs.items())},
        "unavailable": dict(sorted(data.unavailable.items())),
        **({"coverage": dict(sorted(data.coverage.items()))} if data.coverage else {}),
        "areas": LONDON_AREAS,
    }
    return ("# Written by the atscale importer (scripts/import_data.py) from the publishers' files listed under "
            "sources.\n" + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=110))


def _check_output_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ImportFileError(f"{out}: the output folder is a file.")
    if not out.exists():
        return
    ours = [name for name in CONTRACT_FILES if (out / name).exists()]
    if not ours:
        return
    try:
        manifest = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        manifest = {}
    if not isinstance(manifest, dict) or manifest.get("label") != "real":
        raise ImportFileError(f"{out}: this folder already holds data not written by this importer "
                              f"({', '.join(ours[:3])}); choose a new or empty folder.")


def _most_common(values: list[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return max(counts, key=lambda v: (counts[v], v)) if counts else ""


def _list_some(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED_PRACTICES])
    return shown + (f" and {len(codes) - LISTED_PRACTICES} more" if len(codes) > LISTED_PRACTICES else "")
