"""Putting the imported files together into the app's tables (docs/data-contract.md) and writing them.

Every input row ends up kept in an output or counted in its file's report under a reason. The flow:
open each file and tell its format (importers/sources.py); choose the region (importers/regions.py);
read each format with its reader (READERS: register a new source there); place every practice once,
from what all files say about it (importers/placement.py); build each output table (TABLE_BUILDERS).
"""
import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from importers import appointments, collaboration, deprivation, patient_list, payments, pcn_workforce, practice_mapping
from importers import boundaries as boundary_files
from importers.boundaries import Boundaries, build_geojson_text, read_boundaries
from importers.dates import describe_month, find_nearest_period, months_between
from importers.geography import CCG_AREA_WORDS, SYSTEM_WORDS, read_postcode_district
from importers.numbers import format_number
from importers.patient_list import read_patient_list
from importers.payments import PaymentsFile, read_payments
from importers.pcn_workforce import PcnStaffRow, read_pcn_workforce
from importers.placement import BY_PCN, BY_POSTCODE, NOT_PLACED, Placement, PracticeEvidence, place_practices
from importers.practice_mapping import MappedPractice, read_practice_mapping
from importers.regions import Region, RegionScope, build_scope, resolve_region, survey_mappings
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
from indicators.definitions import read_yaml_file
from indicators.errors import ConfigError

DEFAULT_REGION = "London"
PRACTICE_COLUMNS = (
    "practice_code", "practice_name", "postcode_district", "pcn_code", "pcn_name", "federation_name",
    "borough_code", "borough_name", "ccg_code", "ccg_name", "stp_code", "stp_name", "deprivation_decile",
    "placement_source", "opened", "closed",
)
TABLE_COLUMNS = {
    "registered_patients": ("practice_code", "period", "registered_patients"),
    "extended_hours": ("practice_code", "period", "extended_hours_payment", "offers_extended_hours",
                       "extended_hours_recovery"),
    "pcn_workforce": ("pcn_code", "period", "staff_group", "staff_role", "fte"),
    "collaboration": collaboration.COLUMNS,
    "networks": collaboration.NETWORK_COLUMNS,
    "deprivation": deprivation.COLUMNS,
    "appointments": appointments.COLUMNS,
}
CONTRACT_FILES = (
    "practices.csv", "registered_patients.csv", "workforce.csv", "extended_access.csv", "collaboration.csv",
    "extended_hours.csv", "pcn_workforce.csv", "vision_survey.csv", "maturity.csv", "place_boundaries.geojson",
    "networks.csv", "deprivation.csv", "appointments.csv", "dataset.yaml",
)
LICENCE = ("Contains public sector information licensed under the Open Government Licence v3.0 "
           "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).")
NOT_IN_A_NETWORK = "Not in a network"
LISTED_PRACTICES = 12  # practice codes listed by name in a note; the rest are counted

# Tables these publications never give, and why, in words for the dashboard.
ALWAYS_UNAVAILABLE = {
    "workforce": "The imported NHS files do not give GP, nurse and other staff numbers for each practice, "
                 "so this dashboard shows no figure for the practice workforce.",
    "extended_access": "There is no public list of which practices offer appointments from 8am to 8pm, 7 days "
                       "a week (local hubs ran it), so this dashboard shows no figure for it.",
    "vision_survey": "There is no public survey of who knows the STP's vision, so this dashboard shows no "
                     "figure for it.",
    "maturity": "PCN maturity self-assessments are not published, so this dashboard shows no figure for them.",
}
UNAVAILABLE_WITHOUT_FILE = {
    "registered_patients": "No list of registered patients was imported (NHS Digital, Patients Registered at a "
                           "GP Practice), so figures per patient cannot be shown.",
    "extended_hours": "No NHS Payments to General Practice file with Extended Hours Access payments (2019-20 or "
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
    areas: dict[str, Any] = field(default_factory=dict)  # dataset.yaml's `areas` section
    caveats: dict[str, str] = field(default_factory=dict)  # table -> what must be said with its figures
    coverage: dict[str, str] = field(default_factory=dict)  # table -> what part of the region it covers
    outputs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # output file -> input files it is made from


@dataclass
class ImportContext:
    """What a reader may need besides its own file: the region, the options and what was read before it."""

    scope: RegionScope
    payments_year: str | None
    progress: Callable[[str, int], None] | None
    read: dict[str, list[tuple[SourceFile, RowLedger, Any]]]


@dataclass
class _Assembly:
    region: Region
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    evidence: dict[str, PracticeEvidence] = field(default_factory=dict)
    candidates: dict[str, Placement] = field(default_factory=dict)  # every practice that could be placed
    placements: dict[str, Placement] = field(default_factory=dict)  # those written to practices.csv
    names: dict[str, str] = field(default_factory=dict)  # practice -> name from a file other than the mapping
    stp_names: dict[str, str] = field(default_factory=dict)
    ccg_names: dict[str, str] = field(default_factory=dict)
    listed: dict[str, set[str]] = field(default_factory=dict)  # period -> practices a complete list shows open
    open_dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # practice -> (opened, closed) published
    caveats: dict[str, str] = field(default_factory=dict)
    older_mapped: dict[str, tuple[MappedPractice, RowLedger, str]] = field(default_factory=dict)  # older mapping only


def _read_mapping(source: SourceFile, ledger: RowLedger, context: ImportContext):
    return read_practice_mapping(source, ledger, context.scope, context.progress)


def _read_payments(source: SourceFile, ledger: RowLedger, context: ImportContext):
    return read_payments(source, ledger, context.scope, financial_year=context.payments_year,
                         progress=context.progress)


def _read_patient_list(source: SourceFile, ledger: RowLedger, context: ImportContext):
    known = {p.practice_code for _, _, paid in context.read[PAYMENTS] for p in paid.practices}
    return read_patient_list(source, ledger, context.scope, known, context.progress)


def _read_pcn_workforce(source: SourceFile, ledger: RowLedger, context: ImportContext):
    return read_pcn_workforce(source, ledger, context.scope, context.progress)


def _read_boundaries(source: SourceFile, ledger: RowLedger, context: ImportContext):
    region = context.scope.region
    if region.reference is None:
        raise ImportFileError(f"{source.path}: {region.name}'s places are CCG areas, which a borough boundary file "
                              "does not draw; the map shows one square per area instead.")
    allowed = {b for stp in context.scope.stp_codes for b in region.reference.stp_boroughs(stp)}
    return read_boundaries(source, ledger, region.reference.borough_names,
                           allowed or set(region.reference.borough_names))


def _read_deprivation(source: SourceFile, ledger: RowLedger, context: ImportContext):
    return deprivation.read_deprivation(source, ledger, context.progress)


def _read_appointments(source: SourceFile, ledger: RowLedger, context: ImportContext):
    return appointments.read_appointments(source, ledger, context.progress, in_region=context.scope.area_row_in,
                                          region_name=context.scope.region.name)


# Each format's reader, in the order they are read (a later reader may use what an earlier one read).
# A new source: add its format in importers/sources.py, its reader here, and its table in TABLE_BUILDERS.
READERS: dict[str, Callable[[SourceFile, RowLedger, ImportContext], Any]] = {
    PRACTICE_MAPPING: _read_mapping,
    PAYMENTS: _read_payments,
    PATIENT_LIST: _read_patient_list,
    PCN_WORKFORCE: _read_pcn_workforce,
    BOUNDARIES: _read_boundaries,
    DEPRIVATION: _read_deprivation,
    APPOINTMENTS: _read_appointments,
}


def import_files(paths: Iterable[str | Path], *, region: str = DEFAULT_REGION, payments_year: str | None = None,
                 progress: Callable[[str, int], None] | None = None) -> tuple[ImportedData, ImportReport]:
    """Read every file (each failing alone, with a one-line reason) and assemble the app's tables.

    Raises ImportFileError (one line) when `region` is not a region or system the files know.
    """
    ledgers: dict[str, RowLedger] = {}
    failures: dict[str, str] = {}
    sources: list[tuple[SourceFile, RowLedger]] = []
    notes: list[str] = []
    for path in paths:
        if str(path) in ledgers:
            notes.append(f"{path} was given more than once; it was read once")
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
    order = tuple(READERS)
    sources.sort(key=lambda item: order.index(item[0].format))
    survey = survey_mappings(s for s, _ in sources if s.format == PRACTICE_MAPPING)
    chosen = resolve_region(region, survey)
    assembly = _Assembly(chosen, notes)
    context = ImportContext(build_scope(chosen, survey), payments_year, progress, defaultdict(list))
    for source, ledger in sources:
        try:
            context.read[source.format].append((source, ledger, READERS[source.format](source, ledger, context)))
        except ImportFileError as error:
            failures[str(source.path)] = str(error)
        except csv.Error as error:
            failures[str(source.path)] = f"{source.path}: the CSV could not be read ({error})."
        else:
            blank = count_blank_lines(source) if source.format != BOUNDARIES else 0
            if blank:
                ledger.note(f"{blank} blank lines skipped")

    read = context.read
    _gather_evidence(assembly, read)
    tables = {name: build(assembly, read) for name, build in TABLE_BUILDERS.items()}
    tables["registered_patients"] = _align_patient_periods(
        assembly, tables["registered_patients"], {r["period"] for r in tables["pcn_workforce"]})
    _keep_mapped_practices(assembly)
    list_sizes = _list_sizes(tables["registered_patients"], read)
    networks = collaboration.collect_collaboration(read[PRACTICE_MAPPING], list_sizes, _placed_networks(assembly),
                                                   lambda practice, ledger, name: _ensure_mapped_practice(
                                                       assembly, practice, ledger, name))
    tables |= {"collaboration": networks.rows, "networks": networks.networks}
    _note_older_mapped(assembly)
    _note_opened_and_closed(assembly, read)
    _note_placements(assembly, read)
    boundaries = _choose_boundaries(assembly, read[BOUNDARIES])
    if not assembly.placements:
        assembly.notes.append(f"no practice could be placed in {chosen.name} (give gp-reg-pat-prac-map.csv, a "
                              "gp-reg-pat-prac-all.csv or an NHS Payments file), so practices.csv was not written; "
                              "the app needs it")

    practices = tuple(_practice_row(assembly, code) for code in sorted(assembly.placements))
    scores = deprivation.collect_deprivation(read[DEPRIVATION], assembly.placements, assembly.region.name)
    practices = tuple(row | {"deprivation_decile": scores.deciles.get(row["practice_code"], "")} for row in practices)
    visits = _collect_appointments(assembly, read[PRACTICE_MAPPING], read[APPOINTMENTS], practices, list_sizes)
    assembly.sources.extend(scores.sources + visits.sources)
    assembly.notes.extend(networks.notes + scores.notes + visits.notes)
    tables |= {"deprivation": scores.rows, "appointments": visits.rows}

    unavailable = dict(ALWAYS_UNAVAILABLE)
    unavailable |= {name: text for name, text in UNAVAILABLE_WITHOUT_FILE.items() if not tables[name]}
    if networks.rows:
        unavailable |= {f"collaboration.{column}": text for column, text in collaboration.NOT_PUBLISHED.items()}
    periods = tuple(sorted({row["period"] for rows in tables.values() for row in rows}))
    coverage = {"appointments": visits.coverage} if visits.coverage else {}
    files = tuple(ledgers[str(p)].build_report(failures.get(str(p))) for p in ledgers)
    outputs: dict[str, tuple[str, ...]] = {}
    for file in files:
        for output in file.outputs:
            if output.kept > 0:
                outputs[output.output] = outputs.get(output.output, ()) + (file.name,)
    data = ImportedData(practices, {name: tuple(rows) for name, rows in tables.items() if rows}, boundaries,
                        tuple(assembly.sources), unavailable, periods, _areas_section(assembly),
                        {name: text for name, text in assembly.caveats.items() if tables.get(name)}, coverage, outputs)
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


def run_import(paths: Iterable[str | Path], out_dir: str | Path, *, region: str = DEFAULT_REGION,
               payments_year: str | None = None, progress: Callable[[str, int], None] | None = None) -> ImportReport:
    """Import the files and write the folder (when at least one file was read). The report says what happened."""
    data, report = import_files(paths, region=region, payments_year=payments_year, progress=progress)
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
    old_caveats = previous.get("caveats") if isinstance(previous.get("caveats"), dict) else {}
    caveats = data.caveats | {str(k): str(v) for k, v in old_caveats.items() if str(k) in tables}
    outputs = data.outputs | {name: tuple(str(i) for i in old_outputs.get(name) or ()) for name in kept}
    periods = set(data.periods)
    for name in kept:
        if name.endswith(".csv"):
            periods |= {row.get("period") or "" for row in _read_csv_rows(out / name)} - {""}
    return replace(data, sources=sources, unavailable=unavailable, coverage=coverage, outputs=outputs,
                   caveats=caveats, periods=tuple(sorted(periods)))


def _gather_evidence(assembly: _Assembly, read: dict[str, list]) -> None:
    """What every file says about every practice of the region, then one placement each."""
    mappings = sorted(read[PRACTICE_MAPPING], key=lambda item: _most_common([p.period for p in item[2]]))
    if mappings:
        source, _, mapped = mappings[-1]
        period = _most_common([p.period for p in mapped])
        _gather_older_mappings(assembly, mappings, period)
        assembly.sources.append(f"{source.name}: NHS Digital, Patients Registered at a GP Practice, practice mapping "
                                f"(gp-reg-pat-prac-map.csv), extract {describe_month(period) if period else 'undated'}")
        if period:
            assembly.listed[period] = {p.practice_code for p in mapped}
        stp_names: dict[str, list[str]] = defaultdict(list)
        for practice in mapped:
            assembly.evidence[practice.practice_code] = PracticeEvidence(
                practice.practice_code, practice.practice_name, practice.postcode, practice.pcn_code,
                practice.pcn_name, practice.stp_code, practice.ccg_code, [practice.ccg_code])
            if practice.stp_name:
                stp_names[practice.stp_code].append(practice.stp_name)
            if practice.ccg_name:
                assembly.ccg_names.setdefault(practice.ccg_code, practice.ccg_name)
        assembly.stp_names = {stp: _most_common(names) for stp, names in stp_names.items()}
    for source, _, listed in sorted(read[PATIENT_LIST], key=lambda item: item[0].name):
        for period, codes in listed.present.items():
            assembly.listed.setdefault(period, set()).update(codes)
        for size in sorted(listed.sizes, key=lambda s: s.period, reverse=True):
            _add_evidence(assembly, size.practice_code, size.ccg_code, size.postcode, source.name)
    for source, _, paid in sorted(read[PAYMENTS], key=lambda item: item[2].period, reverse=True):
        assembly.listed.setdefault(paid.period, set()).update(p.practice_code for p in paid.practices)
        for practice in paid.practices:
            _add_evidence(assembly, practice.practice_code, practice.ccg_code, practice.postcode, source.name)
            assembly.names.setdefault(practice.practice_code, practice.practice_name)
            if practice.ccg_name:
                assembly.ccg_names.setdefault(practice.ccg_code, practice.ccg_name)
            opened, closed = assembly.open_dates.get(practice.practice_code, ("", ""))
            assembly.open_dates[practice.practice_code] = (opened or practice.opened, closed or practice.closed)
    reference = assembly.region.reference
    placed = place_practices(assembly.evidence.values(), reference, assembly.ccg_names)
    assembly.candidates = {code: placement for code, placement in placed.items() if placement}
    _place_older_mapped(assembly)


def _gather_older_mappings(assembly: _Assembly, mappings: list, latest_period: str) -> None:
    """Older practice mappings: the latest places the practices; an older one's practice that the latest lacks
    (closed or merged since) is kept aside for the collaboration rows of that mapping's period."""
    latest_source, _, latest_rows = mappings[-1]
    given_by = {p.practice_code: latest_source.name for p in latest_rows}
    for older, ledger, rows in reversed(mappings[:-1]):
        period = _most_common([p.period for p in rows])
        if period and period != latest_period:
            assembly.listed.setdefault(period, set()).update(p.practice_code for p in rows)
        for practice in rows:
            code = practice.practice_code
            if code in given_by:
                ledger.unkeep(practice_mapping.OUTPUT)
                ledger.drop(f"a later practice mapping was given ({given_by[code]})",
                            practice.row, code, practice_mapping.OUTPUT)
                continue
            given_by[code] = older.name
            assembly.older_mapped[code] = (practice, ledger, older.name)


def _place_older_mapped(assembly: _Assembly) -> None:
    """Candidates for the practices only an older mapping lists, placed without moving any other practice."""
    if not assembly.older_mapped:
        return
    added = {}
    for code, (practice, _, file_name) in assembly.older_mapped.items():
        known = assembly.evidence.get(code)
        if known is None:
            added[code] = PracticeEvidence(code, practice.practice_name, practice.postcode, practice.pcn_code,
                                           practice.pcn_name, practice.stp_code, practice.ccg_code,
                                           [practice.ccg_code], origin=file_name)
            if practice.ccg_name:
                assembly.ccg_names.setdefault(practice.ccg_code, practice.ccg_name)
            if practice.stp_name:
                assembly.stp_names.setdefault(practice.stp_code, practice.stp_name)
    if added:
        placed = place_practices([*assembly.evidence.values(), *added.values()], assembly.region.reference,
                                 assembly.ccg_names)
        assembly.candidates |= {code: placed[code] for code in added if placed.get(code)}
        assembly.evidence |= added
    for code, (practice, _, _) in assembly.older_mapped.items():
        evidence = assembly.evidence[code]
        if not evidence.pcn_code and practice.pcn_code:  # the network of the latest mapping that lists it
            evidence.pcn_code, evidence.pcn_name = practice.pcn_code, practice.pcn_name
        evidence.name = evidence.name or practice.practice_name


def _note_older_mapped(assembly: _Assembly) -> None:
    """An older mapping's practice the latest lacks counts for practices.csv only when it was written there."""
    for code, (practice, ledger, _) in assembly.older_mapped.items():
        if code not in assembly.placements:
            ledger.unkeep(practice_mapping.OUTPUT)
            ledger.drop("not in the latest practice mapping (closed or merged since) and none of its rows was kept, "
                        "so it is not in practices.csv", practice.row, code, practice_mapping.OUTPUT)


def _add_evidence(assembly: _Assembly, code: str, ccg: str, postcode: str, file_name: str) -> None:
    evidence = assembly.evidence.setdefault(code, PracticeEvidence(code, origin=file_name))
    if ccg and ccg not in evidence.ccgs:
        evidence.ccgs.append(ccg)
    if not evidence.postcode:
        evidence.postcode = postcode


def _admit(assembly: _Assembly, ledger: RowLedger, code: str, row: int, output: str, *, counted: bool = False) -> bool:
    """True when the practice is placed (and so written to practices.csv); else its row is counted as dropped."""
    placement = assembly.candidates.get(code)
    if placement is None:
        if counted:
            ledger.unkeep(output)
        ledger.drop(f"the practice's STP cannot be told: it is not in the practice mapping and its CCG is in "
                    f"no other file of {assembly.region.name}", row, code, output)
        return False
    assembly.placements[code] = placement
    return True


def _keep_mapped_practices(assembly: _Assembly) -> None:
    """Every practice of the (latest) mapping is written, with or without rows in the tables."""
    for code, evidence in assembly.evidence.items():
        if not evidence.origin and code in assembly.candidates:
            assembly.placements[code] = assembly.candidates[code]


def _collect_registered_patients(assembly: _Assembly, read: dict[str, list]) -> list[dict[str, str]]:
    rows: dict[tuple[str, str], dict[str, str]] = {}
    given_by: dict[tuple[str, str], str] = {}
    for source, ledger, listed in sorted(read[PATIENT_LIST], key=lambda item: item[0].name):
        sizes = listed.sizes
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
            if not _admit(assembly, ledger, size.practice_code, size.row, patient_list.OUTPUT, counted=True):
                continue
            rows[key] = {"practice_code": size.practice_code, "period": size.period,
                         "registered_patients": str(size.registered_patients)}
            given_by[key] = source.name
    list_periods = {period for _, period in rows}
    for source, ledger, paid in sorted(read[PAYMENTS], key=lambda item: item[2].period):
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
            if not _admit(assembly, ledger, practice.practice_code, practice.row, payments.PATIENTS_OUTPUT):
                continue
            rows[key] = {"practice_code": practice.practice_code, "period": paid.period,
                         "registered_patients": str(practice.registered_patients)}
            given_by[key] = source.name
            ledger.keep(payments.PATIENTS_OUTPUT)
    return sorted(rows.values(), key=lambda r: (r["period"], r["practice_code"]))


def _collect_extended_hours(assembly: _Assembly, read: dict[str, list]) -> list[dict[str, str]]:
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for source, ledger, paid in sorted(read[PAYMENTS], key=lambda item: item[2].period):
        if paid.caveat:
            assembly.caveats["extended_hours"] = paid.caveat
            assembly.notes.append(f"{source.name}: {paid.caveat}")
        for practice in paid.practices:
            if practice.extended_hours_payment is None:
                continue
            key = (practice.practice_code, paid.period)
            if key in rows:
                ledger.drop(f"practice already given for {paid.period} by another payments file", practice.row,
                            practice.practice_code, payments.EXTENDED_HOURS_OUTPUT)
                continue
            if not _admit(assembly, ledger, practice.practice_code, practice.row, payments.EXTENDED_HOURS_OUTPUT):
                continue
            payment = practice.extended_hours_payment
            rows[key] = {"practice_code": practice.practice_code, "period": paid.period,
                         "extended_hours_payment": format_number(max(payment, 0.0), 2),
                         "offers_extended_hours": "1" if payment > 0 else "0",
                         "extended_hours_recovery": format_number(max(-payment, 0.0), 2)}
            ledger.keep(payments.EXTENDED_HOURS_OUTPUT)
    return sorted(rows.values(), key=lambda r: (r["period"], r["practice_code"]))


def _collect_pcn_workforce(assembly: _Assembly, read: dict[str, list]) -> list[dict[str, str]]:
    placed_pcns = {e.pcn_code for e in assembly.evidence.values() if e.pcn_code and not e.origin}
    totals: dict[tuple[str, str, str, str], float] = defaultdict(float)
    month_given_by: dict[tuple[str, str], str] = {}  # (pcn, period) -> file: one file per PCN and month
    for source, ledger, staff in sorted(read[PCN_WORKFORCE], key=lambda item: item[0].name):
        staff: list[PcnStaffRow]
        periods = sorted({s.period for s in staff})
        assembly.sources.append(f"{source.name}: NHS Digital, Primary Care Network Workforce, individual-level "
                                "CSV, " + ", ".join(describe_month(p) for p in periods)
                                + " (summed by PCN and role; a network with no row employs no one)")
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


# Each output table and how it is built from what was read (columns in TABLE_COLUMNS).
TABLE_BUILDERS: dict[str, Callable[[_Assembly, dict[str, list]], list[dict[str, str]]]] = {
    "registered_patients": _collect_registered_patients,
    "extended_hours": _collect_extended_hours,
    "pcn_workforce": _collect_pcn_workforce,
}


def _list_sizes(patient_rows: list[dict[str, str]], read: dict[str, list]) -> dict[str, dict[str, int]]:
    """List period -> practice -> registered patients, from the lists of patients (gp-reg-pat-prac-all).

    An NHS Payments file's 'last known' list sizes are used only when no list was imported: they are
    of mixed dates, and a denominator switching between the two kinds would put a step in a monthly trend.
    """
    list_periods = {size.period for _, _, listed in read[PATIENT_LIST] for size in listed.sizes}
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    for row in patient_rows:
        if row["period"] in list_periods or not list_periods:
            sizes[row["period"]][row["practice_code"]] = int(row["registered_patients"])
    return dict(sizes)


def _placed_networks(assembly: _Assembly) -> dict[str, PracticeEvidence]:
    """practices.csv so far: code -> what is known of the practice (its `pcn_code`)."""
    return {code: assembly.evidence[code] for code in assembly.placements}


def _ensure_mapped_practice(assembly: _Assembly, practice: MappedPractice, ledger: RowLedger, file_name: str) -> bool:
    """True when a practice of a practice mapping is in practices.csv, adding one that only an older mapping has
    (closed or merged since the latest mapping), placed as every other practice is."""
    code = practice.practice_code
    if code in assembly.placements:
        return True
    placement = assembly.candidates.get(code)
    if placement is None:
        ledger.drop(f"the practice's STP cannot be told in {assembly.region.name}", practice.row, code,
                    collaboration.OUTPUT)
        return False
    assembly.placements[code] = placement
    ledger.note(f"{code} is not in the latest practice mapping (closed or merged since): added to practices.csv "
                "from this mapping, for its collaboration rows")
    return True


def _collect_appointments(assembly: _Assembly, mappings: list, files: list, practices: tuple[dict[str, str], ...],
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
    return appointments.collect_appointments(files, stp_of_ons_code, stp_of_name, stp_names, stp_sizes,
                                             assembly.region.name)


def _align_patient_periods(assembly: _Assembly, rows: list[dict[str, str]], needed: set[str]) -> list[dict[str, str]]:
    """Registered patients for each period a per-patient table needs, from the nearest list given (said so),
    for the practices open in that period."""
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
        copied = [{**row, "period": period} for row in by_period[nearest]
                  if _is_open(*_open_and_closed(assembly, row["practice_code"]), period)]
        left_out = len(by_period[nearest]) - len(copied)
        rows = rows + copied
        assembly.notes.append(f"registered patients for {period} taken from the {describe_month(nearest)} "
                              f"publication, {gap} month{'s' if gap != 1 else ''} apart ({len(copied):,} practices"
                              + (f"; {left_out:,} not yet open in {describe_month(period)} left out" if left_out else "")
                              + "), so that staff per 1,000 patients can be shown for that month")
        assembly.sources.append(f"registered patients for {period} are those of {describe_month(nearest)} "
                                f"({gap} months apart): no list for that month was imported")
    return sorted(rows, key=lambda r: (r["period"], r["practice_code"]))


def _open_and_closed(assembly: _Assembly, code: str) -> tuple[str, str]:
    """When the practice opened and closed: the payments file's dates, else the lists it is first and last in.

    Every practice file lists all the practices of its date (the mapping, a patient list) or year (a payments
    file, at the year's first month). A practice missing from a list after its last appearance is closed from
    that list's date; one missing from an earlier list is open from its first appearance. So a practice is
    counted from the first list it is in until the first list it is missing from, unless the payments file
    gives its dates.
    """
    published_open, published_close = assembly.open_dates.get(code, ("", ""))
    seen = sorted(period for period, codes in assembly.listed.items() if code in codes)
    periods = sorted(assembly.listed)
    opened = published_open
    if not opened and seen and any(p < seen[0] for p in periods):
        opened = seen[0]
    later_without = [p for p in periods if seen and p > seen[-1]]
    closed = published_close if published_close and not (seen and seen[-1] > published_close) else ""
    if not closed and later_without:
        closed = later_without[0]
    return opened, closed


def _is_open(opened: str, closed: str, period: str) -> bool:
    """Open for some of the month starting `period` (the app's rule for counting practices per period)."""
    next_month = date.fromisoformat(period).replace(day=28).toordinal() + 4
    return (not opened or date.fromisoformat(opened).toordinal() < next_month) and (not closed or closed > period)


def _note_opened_and_closed(assembly: _Assembly, read: dict[str, list]) -> None:
    """Practices in the mapping but not in a list of patients, and the reverse, with what became of them."""
    if not read[PRACTICE_MAPPING]:
        return
    mapped = {code for code, e in assembly.evidence.items() if not e.origin}
    mapping_period = _most_common([p.period for _, _, rows in read[PRACTICE_MAPPING] for p in rows])
    region = assembly.region.name
    files = [(ledger, set().union(*listed.present.values()), _most_common([s.period for s in listed.sizes]))
             for _, ledger, listed in read[PATIENT_LIST] if listed.present]
    files += [(ledger, {p.practice_code for p in paid.practices}, paid.period) for _, ledger, paid in read[PAYMENTS]]
    for ledger, present, period in files:
        later = period >= mapping_period
        missing, extra = sorted(mapped - present), sorted(present - mapped)
        if missing:
            why = "closed or merged since the mapping's extract" if later else "opened after this file's year"
            ledger.note(f"{_count(len(missing), 'practice')} in the practice mapping ({describe_month(mapping_period)}) "
                        f"{'has' if len(missing) == 1 else 'have'} no {region} row in this file ({why}): "
                        f"{_list_some(missing)}")
        added = [code for code in extra if code in assembly.placements]
        if added:
            why = "opened after the mapping's extract" if later else "closed or merged before the mapping's extract"
            ledger.note(f"{_count(len(added), f'{region} practice')} in this file {_are(len(added))} not in the "
                        f"practice mapping ({why}); added to practices.csv from this file's CCG and postcode, not in a "
                        f"network: {_list_some(added)}")
        if len(added) < len(extra):
            ledger.note(f"{_count(len(extra) - len(added), f'{region} practice')} in this file "
                        f"{_are(len(extra) - len(added))} not in the practice mapping and "
                        f"{'has' if len(extra) - len(added) == 1 else 'have'} no row kept (see the reasons above): "
                        f"{_list_some([c for c in extra if c not in assembly.placements])}")


def _note_placements(assembly: _Assembly, read: dict[str, list]) -> None:
    """How each practice was placed, said once for the whole import."""
    if not assembly.placements:
        return
    words = (assembly.region.reference.place_words if assembly.region.reference else CCG_AREA_WORDS)
    counts: dict[str, int] = defaultdict(int)
    for placement in assembly.placements.values():
        counts[placement.source] += 1
    described = {"ccg": "from their CCG", "postcode": "from their postcode district",
                 "pcn": "with the other practices of their network", "none": f"in no {words.name}"}
    assembly.notes.append(f"{words.name} of each practice: " + "; ".join(
        f"{counts[source]:,} {described[source]}" for source in described if counts.get(source)))
    crossing = sorted(code for code, p in assembly.placements.items() if p.source == BY_POSTCODE and p.crosses)
    if crossing:
        assembly.notes.append(
            f"{_count(len(crossing), 'practice')} {_were(len(crossing))} placed by a postcode district that crosses a {words.name} boundary (the "
            f"district's main {words.name} among those their CCG covers is used): " + _list_some(
                [f"{code} ({read_postcode_district(assembly.evidence[code].postcode)} -> "
                 f"{assembly.placements[code].borough_name})" for code in crossing]))
    unplaced = sorted(code for code, p in assembly.placements.items() if p.source == NOT_PLACED)
    if unplaced:
        assembly.notes.append(f"{_count(len(unplaced), 'practice')} could not be placed in a {words.name} (no CCG covering one, "
                              f"and a postcode outside {assembly.region.name}'s districts); they still count in their "
                              f"STP and in {assembly.region.name}: " + _list_some(unplaced))
    by_pcn = sum(1 for p in assembly.placements.values() if p.source == BY_PCN)
    if by_pcn:
        assembly.notes.append(f"{_count(by_pcn, 'practice')} {_were(by_pcn)} placed in the {words.name} of most other practices of their "
                              "network (their CCG and postcode district each allow several)")


def _are(number: int) -> str:
    return "is" if number == 1 else "are"


def _were(number: int) -> str:
    return "was" if number == 1 else "were"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _describe_payments_source(assembly: _Assembly, source: SourceFile, paid: PaymentsFile) -> None:
    what = "registered patients and GP Extended Hours Access" if paid.has_extended_hours else "registered patients"
    assembly.sources.append(f"{source.name}: NHS Digital, NHS Payments to General Practice, England, "
                            f"{paid.year_label} ({what}; period {paid.period})"
                            + (f". {paid.caveat}" if paid.caveat and paid.has_extended_hours else ""))


def _practice_row(assembly: _Assembly, code: str) -> dict[str, str]:
    placement = assembly.placements[code]
    evidence = assembly.evidence[code]
    opened, closed = _open_and_closed(assembly, code)
    name = evidence.name or assembly.names.get(code) or f"Practice {code}"
    return {
        "practice_code": code, "practice_name": name,
        "postcode_district": read_postcode_district(evidence.postcode),
        "pcn_code": evidence.pcn_code, "pcn_name": evidence.pcn_name if evidence.pcn_code else NOT_IN_A_NETWORK,
        "federation_name": "", "borough_code": placement.borough_code, "borough_name": placement.borough_name,
        "ccg_code": placement.ccg_code, "ccg_name": placement.ccg_name, "stp_code": placement.stp_code,
        "stp_name": assembly.stp_names.get(placement.stp_code, placement.stp_code), "deprivation_decile": "",
        "placement_source": placement.source, "opened": opened, "closed": closed,
    }


def _areas_section(assembly: _Assembly) -> dict[str, Any]:
    """dataset.yaml's `areas`: the region's code and name from the files, and what its levels are called."""
    region = assembly.region
    place_words = region.reference.place_words if region.reference else CCG_AREA_WORDS
    return {"region": {"code": region.code, "name": region.name},
            "levels": {"stp": SYSTEM_WORDS.as_dict(), "borough": place_words.as_dict()}}


def _csv_text(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return buffer.getvalue()


def _manifest_text(data: ImportedData, title: str | None, dated: bool) -> str:
    span = f", {data.periods[0][:7]} to {data.periods[-1][:7]}" if data.periods else ""
    region = data.areas.get("region", {}).get("name", DEFAULT_REGION)
    publishers = "NHS Digital and London Datastore" if data.boundaries is not None else "NHS Digital"
    manifest = {
        "label": "real",
        "title": title or f"{region} general practice: {publishers} data{span}",
        **({"created": date.today().isoformat()} if dated else {}),
        "licence": LICENCE,
        "sources": list(data.sources),
        "outputs": {name: list(inputs) for name, inputs in sorted(data.outputs.items())},
        "unavailable": dict(sorted(data.unavailable.items())),
        **({"coverage": dict(sorted(data.coverage.items()))} if data.coverage else {}),
        "areas": data.areas,
    }
    if data.caveats:
        manifest["caveats"] = dict(sorted(data.caveats.items()))
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
        manifest = read_yaml_file(out / "dataset.yaml", "data folder's manifest")
    except ConfigError:
        manifest = {}
    if not isinstance(manifest, dict) or manifest.get("label") != "real":
        raise ImportFileError(f"{out}: this folder already holds data not written by this importer "
                              f"({', '.join(ours[:3])}); choose a new or empty folder.")


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


def _most_common(values: list[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return max(counts, key=lambda v: (counts[v], v)) if counts else ""


def _list_some(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED_PRACTICES])
    return shown + (f" and {len(codes) - LISTED_PRACTICES} more" if len(codes) > LISTED_PRACTICES else "")
