"""Opening a downloaded file: encoding, line endings, header clean-up and which publication it is.

The format is told from the header (the column names), never from the file name.
"""
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicators.datasets import ends_inside_quotes
from indicators.errors import AtscaleError

PRACTICE_MAPPING = "practice_mapping"
PATIENT_LIST = "patient_list"
PAYMENTS = "payments"
PCN_WORKFORCE = "pcn_workforce"
BOUNDARIES = "boundaries"
DEPRIVATION = "deprivation"
APPOINTMENTS = "appointments"

FORMAT_NAMES = {
    PRACTICE_MAPPING: "NHS Digital, Patients Registered at a GP Practice: practice mapping (gp-reg-pat-prac-map)",
    PATIENT_LIST: "NHS Digital, Patients Registered at a GP Practice: totals per practice (gp-reg-pat-prac-all)",
    PAYMENTS: "NHS Digital, NHS Payments to General Practice (one row per practice)",
    PCN_WORKFORCE: "NHS Digital, Primary Care Network Workforce: individual-level CSV",
    BOUNDARIES: "London Datastore, London borough boundaries (GeoJSON)",
    DEPRIVATION: "OHID Fingertips, indicator data export (GP practices; indicator 93553, IMD 2019 score)",
    APPOINTMENTS: "NHS Digital, Appointments in General Practice: regional CSV (CCG level, monthly)",
}

# Each format: the columns that identify it, every one given as its accepted spellings (normalised:
# lower case, underscores as spaces, single spaces). Later publications renamed CCG/STP to sub-ICB/ICB.
FORMAT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    PCN_WORKFORCE: {
        "pcn_code": ("pcn code",), "staff_group": ("staff group",), "staff_role": ("staff role",),
        "fte": ("fte",), "census_year": ("census year",), "census_month": ("census month",),
    },
    PRACTICE_MAPPING: {
        "practice_code": ("practice code",), "pcn_code": ("pcn code",),
        "ccg_code": ("ccg code", "sub icb location code", "sub icb code"),
        "stp_code": ("stp code", "icb code"),
    },
    PAYMENTS: {
        "practice_code": ("practice code",), "ccg_code": ("ccg code",),
        "registered_patients": ("number of registered patients (last known figure)",),
    },
    PATIENT_LIST: {
        "code": ("code", "practice code"), "extract_date": ("extract date",),
        "number_of_patients": ("number of patients",),
    },
    # Fingertips' 27-column API export and the narrower downloads (indicator, year, area, value) alike.
    DEPRIVATION: {
        "indicator_id": ("indicator id", "indicatorid"), "area_code": ("area code", "areacode"),
        "time_period": ("time period", "year", "timeperiod"), "value": ("value",),
    },
    # 2019-2022 files name the STP (STP_ONS, STPNM); later ones the ICB (ICB_ONS_CODE, ICB_NAME).
    APPOINTMENTS: {
        "stp_ons_code": ("stp ons", "stp ons code", "icb ons code"), "month": ("appointment month",),
        "status": ("appt status",), "staff_type": ("hcp type",), "mode": ("appt mode",),
        "timing": ("time between book and appt",), "count": ("count of appointments",),
    },
}
# Optional columns read when present, again with their accepted spellings.
OPTIONAL_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    PCN_WORKFORCE: {
        "pcn_name": ("pcn name",), "region_code": ("comm region code", "region code"),
        "region_name": ("comm region name", "region name"), "stp_code": ("icb code", "stp code"),
        "detailed_staff_role": ("detailed staff role",), "unique_identifier": ("unique identifier",),
        "data_source": ("data source",),
    },
    PRACTICE_MAPPING: {
        "extract_date": ("extract date",), "practice_name": ("practice name",),
        "practice_postcode": ("practice postcode", "postcode"), "pcn_name": ("pcn name",),
        "ccg_name": ("ccg name", "sub icb location name", "sub icb name"), "stp_name": ("stp name", "icb name"),
        "region_code": ("comm region code", "region code"), "region_name": ("comm region name", "region name"),
        "region_ons_code": ("ons comm region code", "ons region code"), "stp_ons_code": ("ons stp code", "ons icb code"),
    },
    PAYMENTS: {
        "region_code": ("nhs england (region) code", "nhs england (region, local office) code", "region code"),
        "region_name": ("nhs england (region) name", "nhs england (region, local office) name", "region name"),
        "ccg_name": ("ccg name",), "practice_name": ("practice name",), "practice_postcode": ("practice postcode",),
        "open_date": ("practice open date",), "close_date": ("practice close date",),
        "extended_hours": ("gp extended hours access",),
    },
    PATIENT_LIST: {
        "ccg_code": ("ccg code", "sub icb location code", "sub icb code"), "postcode": ("postcode",),
        "type": ("type",), "sex": ("sex",), "age": ("age",),
    },
    DEPRIVATION: {
        "indicator_name": ("indicator name",), "area_name": ("area name", "areaname"),
        "area_type": ("area type", "areatype"), "category": ("category",), "sex": ("sex",), "age": ("age",),
    },
    APPOINTMENTS: {
        "stp_name": ("stpnm", "stp name", "icb name"), "ccg_code": ("ccg code", "sub icb location code"),
        "region_code": ("region ons code", "region code"), "region_name": ("region name",),
    },
}

PROGRESS_EVERY = 2000  # rows between progress lines on long files


class ImportFileError(AtscaleError):
    """The file cannot be imported at all; the message is one plain line naming the file."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    format: str
    encoding: str  # 'UTF-8' or 'Windows-1252' ...
    line_endings: str  # 'CRLF', 'LF' or 'CR'
    text: str
    columns: dict[str, int]  # our column name -> position in the row
    header: tuple[str, ...]  # as written in the file, trimmed
    document: Any = None  # a JSON file's parsed content
    cut_short: bool = False  # the file ends in the middle of a UTF-8 character: its last row is incomplete

    @property
    def name(self) -> str:
        return self.path.name


def read_source_file(path: Path) -> SourceFile:
    """Open `path`, decode it and detect its format. Raises ImportFileError with a one-line reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: the file does not exist.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: this is a folder, not a file.") from None
    except OSError as error:
        raise ImportFileError(f"{path}: the file could not be read ({error.strerror or error}).") from None
    if not raw.strip():
        raise ImportFileError(f"{path}: the file is empty.")
    if b"\x00" in raw[:4096] or raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(f"{path}: this is not a text file (a spreadsheet or zip?); save or extract it as CSV.")
    text, encoding, cut_short = _decode(raw)
    line_endings = "CRLF" if "\r\n" in text[:100_000] else "CR" if "\r" in text[:100_000] else "LF"
    if text.lstrip().startswith(("{", "[")):
        return _read_geojson_source(path, text, encoding, line_endings)
    header = _read_header(text, path)
    normalised = [normalise_column(h) for h in header]
    for format_name, required in FORMAT_COLUMNS.items():
        columns = _match_columns(normalised, required)
        if columns is not None:
            columns |= _match_columns(normalised, OPTIONAL_COLUMNS[format_name], optional=True)
            source = SourceFile(path, format_name, encoding, line_endings, text, columns, tuple(header),
                                cut_short=cut_short)
            if not _has_rows(text):
                raise ImportFileError(f"{path}: row 2: the file has a header of column names but no rows of data.")
            return source
    shown = ", ".join(h for h in header[:6] if h) + (" ..." if len(header) > 6 else "")
    raise ImportFileError(f"{path}: unknown format - the header ({shown}) is not one of the NHS Digital or "
                          "London Datastore files this importer reads.")


def normalise_column(name: str) -> str:
    """'  Appraisal Costs ' and 'APPRAISAL_COSTS' -> 'appraisal costs'."""
    return " ".join(name.replace("\ufeff", "").replace("_", " ").split()).casefold()


def iter_rows(source: SourceFile, *, progress: Callable[[str, int], None] | None = None,
              on_bad_row: Callable[[str, int], None] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {our column: trimmed value}) for each data row; the header is row 1.

    A row with the wrong number of fields, a last row cut short in the middle of a character and a quote
    never closed (the rest of the file read as one value) go to `on_bad_row(reason, row)` instead; blank
    lines are skipped.
    """
    reader = csv.reader(io.StringIO(source.text, newline=""))
    width = len(source.header)
    next(reader, None)
    number = 1
    pending = None
    unclosed = None  # whether the file ends inside quotes: worked out once, when a value spans lines
    for fields in reader:
        if pending is not None:
            yield pending
            pending = None
        number += 1
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress(source.name, number - 1)
        if not fields or not any(f.strip() for f in fields):
            continue
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]  # trailing empty fields, as some downloads have
        broken = next((i for i, f in enumerate(fields) if "\n" in f or "\r" in f), None)
        if broken is not None and unclosed is None:
            unclosed = ends_inside_quotes(source.text)
        if broken is not None and unclosed:
            if on_bad_row:
                lines = len(fields[broken].splitlines()) - 1
                on_bad_row(f"a quote opened in field '{_column_name(source, broken)}' is never closed, so the "
                           f"{lines:,} lines after it were read as one value and left out", number)
            return
        if len(fields) != width:
            if on_bad_row:
                on_bad_row(f"the row has {len(fields)} fields but the header has {width}", number)
            continue
        pending = number, {column: fields[index].strip() for column, index in source.columns.items()}
    if pending is not None and source.cut_short:
        if on_bad_row:
            on_bad_row(f"the file is cut short in the middle of a character, in field "
                       f"'{_column_name(source, width - 1)}'; the row may be incomplete and was left out", pending[0])
        return
    if pending is not None:
        yield pending


def _column_name(source: SourceFile, position: int) -> str:
    return source.header[position] if position < len(source.header) else f"column {position + 1}"


def _has_rows(text: str) -> bool:
    rows = csv.reader(io.StringIO(text, newline=""))
    next(rows, None)
    return any(any(f.strip() for f in fields) for fields in rows)


def count_blank_lines(source: SourceFile) -> int:
    reader = csv.reader(io.StringIO(source.text, newline=""))
    next(reader, None)
    return sum(1 for fields in reader if not any(f.strip() for f in fields))


def describe_reading(source: SourceFile) -> list[str]:
    """Notes on how the file was read, for the report (only what is unusual)."""
    notes = []
    if source.encoding != "UTF-8":
        notes.append(f"read as {source.encoding} (not UTF-8)")
    if source.line_endings != "LF":
        notes.append(f"{source.line_endings} line endings")
    odd = [h for h in source.header if h != " ".join(h.split()) or "," in h]
    if odd:
        notes.append("header names with commas or extra spaces were matched after trimming: "
                     + "; ".join(repr(h) for h in odd[:3]) + (" ..." if len(odd) > 3 else ""))
    return notes


def _decode(raw: bytes) -> tuple[str, str, bool]:
    """(text, encoding, cut_short): UTF-8, or UTF-8 cut short in its last character, or Windows-1252, or Latin-1."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8", False
    except UnicodeDecodeError as error:
        if error.start >= len(raw) - 3 and error.reason == "unexpected end of data":
            return raw[:error.start].decode("utf-8-sig"), "UTF-8", True
    try:
        return raw.decode("cp1252"), "Windows-1252", False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1", False


def _read_header(text: str, path: Path) -> list[str]:
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as error:
        raise ImportFileError(f"{path}: the first line is not a CSV header ({error}).") from None
    header = [h.replace("\ufeff", "").strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if len(header) < 2:
        raise ImportFileError(f"{path}: unknown format - neither a CSV file with a header of column names nor a "
                              "GeoJSON file.")
    return header


def _match_columns(normalised: list[str], wanted: dict[str, tuple[str, ...]], *,
                   optional: bool = False) -> dict[str, int] | None:
    positions = {}
    for column, spellings in wanted.items():
        index = next((normalised.index(s) for s in spellings if s in normalised), None)
        if index is None:
            if optional:
                continue
            return None
        positions[column] = index
    return positions


def _read_geojson_source(path: Path, text: str, encoding: str, line_endings: str) -> SourceFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"{path}: looks like JSON but is not valid JSON (line {error.lineno}, column "
                              f"{error.colno}: {error.msg}).") from None
    except RecursionError:
        raise ImportFileError(f"{path}: the JSON is nested too deeply to read (lists inside lists thousands of "
                              "levels deep); it is not a boundary file.") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not any(
            isinstance(f, dict) and "GSS_CODE" in (f.get("properties") or {}) for f in features):
        raise ImportFileError(f"{path}: unknown format - a JSON file, but not a GeoJSON feature collection "
                              "with a GSS_CODE property (London borough boundaries).")
    return SourceFile(path, BOUNDARIES, encoding, line_endings, text, {}, (), document)
