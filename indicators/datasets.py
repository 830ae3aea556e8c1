"""Reading the CSV inputs: every bad row or field is reported by file, row and field, and the rest kept."""
import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from indicators.areas import AreaModel, build_area_model, read_area_settings
from indicators.definitions import SAFE_LOADER, AppConfig, TableSpec
from indicators.errors import Problem

GEOGRAPHY_FILE = "practices.csv"
MANIFEST_FILE = "dataset.yaml"
GEOGRAPHY_COLUMNS = (
    "practice_code", "practice_name", "postcode_district", "pcn_code", "pcn_name", "federation_name",
    "borough_code", "borough_name", "ccg_code", "ccg_name", "stp_code", "stp_name", "deprivation_decile",
)
REQUIRED_GEOGRAPHY = ("practice_code", "practice_name", "borough_code", "borough_name", "stp_code", "stp_name")
SUPPRESSED_MARKS = frozenset({"*", "-", "..", ":", "x", "NULL", "null"})
EXAMPLES_PER_KIND = 5  # rows listed one by one per file, column and kind of problem; the rest are counted


@dataclass(frozen=True)
class FileReport:
    name: str
    path: str
    rows_read: int
    rows_kept: int
    status: str  # "loaded", "loaded with problems", "missing", "unreadable", "not available"


@dataclass(frozen=True)
class LoadedData:
    label: str
    title: str
    geography: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    problems: tuple[Problem, ...]
    files: tuple[FileReport, ...]
    periods: tuple[str, ...]
    unavailable: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    areas: AreaModel = field(default_factory=AreaModel)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def load_data(config: AppConfig, data_dir: str | Path) -> LoadedData:
    """Load the geography and every table in the config from data_dir; never raises for bad content."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    reports: list[FileReport] = []
    manifest = read_manifest(data_dir / MANIFEST_FILE, problems)
    unavailable = {str(k): str(v) for k, v in (manifest.get("unavailable") or {}).items()}

    geography = _load_geography(data_dir / GEOGRAPHY_FILE, problems, reports)
    # Without a dataset.yaml its absence is reported once, not again for each section it would have had.
    region, level_names = read_area_settings(manifest.get("areas"), MANIFEST_FILE, problems if manifest else [])
    tables: dict[str, pd.DataFrame] = {}
    for spec in config.tables.values():
        if spec.optional and not (data_dir / spec.file).exists():
            unavailable.setdefault(spec.name, f"There is no {spec.title.lower()} file ({spec.file}) in the data "
                                   "folder yet, so there is no figure.")
        if spec.name in unavailable and not (data_dir / spec.file).exists():
            reports.append(FileReport(spec.file, str(data_dir / spec.file), 0, 0, "not available"))
            continue
        table = _load_table(spec, data_dir / spec.file, geography, problems, reports)
        if table is not None:
            tables[spec.name] = table
    periods = sorted({p for table in tables.values() for p in table["period"].unique()})
    return LoadedData(
        label=str(manifest.get("label", "unlabelled")),
        title=str(manifest.get("title", "")),
        geography=geography, tables=tables, problems=tuple(problems), files=tuple(reports),
        periods=tuple(periods), unavailable=unavailable,
        sources=tuple(str(s) for s in manifest.get("sources") or ()),
        areas=build_area_model(geography, region, level_names),
    )


def read_manifest(path: Path, problems: list[Problem]) -> dict:
    """dataset.yaml says whether the data are real or illustrative; without it they are 'unlabelled'."""
    if not path.exists():
        problems.append(Problem(path.name, "There is no dataset.yaml saying whether these data are real or "
                                "illustrative, so every view says 'unlabelled'.", severity="warning"))
        return {}
    try:
        manifest = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path.name, f"Could not be read ({type(error).__name__}); the data are 'unlabelled'."))
        return {}
    if not isinstance(manifest, dict):
        problems.append(Problem(path.name, "Must be a mapping with label, title and sources."))
        return {}
    if manifest.get("label") not in ("real", "illustrative"):
        problems.append(Problem(path.name, "label must be 'real' or 'illustrative'.", field="label"))
        manifest = {**manifest, "label": "unlabelled"}
    if not isinstance(manifest.get("unavailable") or {}, dict):
        problems.append(Problem(path.name, "unavailable must map table names to a sentence.", field="unavailable"))
        manifest = {**manifest, "unavailable": {}}
    return manifest


def read_csv_text(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a CSV as text columns with spreadsheet row numbers in `_row`; None when unusable.

    Tries UTF-8 first and Windows-1252 second (NHS downloads use both). Rows with the wrong number
    of fields are reported and left out; headers are trimmed of spaces.
    """
    name = path.name
    if not path.exists():
        problems.append(Problem(name, f"The file was not found in {path.parent}."))
        return None
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 leaves a few bytes undefined; latin-1 never fails
        encoding = "latin-1"
        text = raw.decode(encoding)
        problems.append(Problem(name, "The file is neither UTF-8 nor Windows-1252; read as Latin-1.", severity="warning"))
    if not text or text.isspace():
        problems.append(Problem(name, "The file is empty."))
        return None
    try:
        # index_col=False and the warning as an error: otherwise a first row with one field too many
        # silently becomes the index and every column shifts. Blank lines are kept (then dropped) so
        # that `_row` stays the spreadsheet row.
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # The bytes, not the text: the parser would encode a text buffer back to UTF-8 first.
            frame = pd.read_csv(io.BytesIO(raw), encoding=encoding, dtype=str, keep_default_na=False,
                                skipinitialspace=True, index_col=False, skip_blank_lines=False).fillna("")
        frame.insert(0, "_row", np.arange(2, len(frame) + 2))
        frame = frame.loc[frame.iloc[:, 1:].ne("").any(axis=1)].reset_index(drop=True)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        frame = _read_ragged_csv(text, name, problems)
    frame.columns = ["_row", *(str(c).strip() for c in frame.columns[1:])]
    header = [h.strip() for h in next(csv.reader(io.StringIO(text[:65536])))]  # pandas renames a repeat to 'x.1'
    repeated = [h for position, h in enumerate(header) if h in header[:position]]
    if repeated:
        problems.append(Problem(name, "This column appears twice in the header; the first is used.", field=repeated[0]))
        frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame


def _read_ragged_csv(text: str, name: str, problems: list[Problem]) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    kept, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            problems.append(Problem(name, f"This row has {len(row)} fields but the header has {len(header)}; "
                                    "it was left out.", row=number))
            continue
        kept.append([value.strip() for value in row])
        numbers.append(number)
    frame = pd.DataFrame(kept, columns=header, dtype=str)
    frame.insert(0, "_row", np.array(numbers, dtype=int))
    return frame


def _load_geography(path: Path, problems: list[Problem], reports: list[FileReport]) -> pd.DataFrame:
    empty = pd.DataFrame(columns=list(GEOGRAPHY_COLUMNS))
    frame = read_csv_text(path, problems)
    if frame is None:
        reports.append(FileReport(path.name, str(path), 0, 0, "missing" if not path.exists() else "unreadable"))
        return empty
    rows_read = len(frame)
    missing = [c for c in REQUIRED_GEOGRAPHY if c not in frame.columns]
    if missing:
        for column in missing:
            problems.append(Problem(path.name, "This required column is missing, so no area can be placed.", field=column))
        reports.append(FileReport(path.name, str(path), rows_read, 0, "unreadable"))
        return empty
    for column in GEOGRAPHY_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].str.strip()
    bad = pd.Series(False, index=frame.index)
    for column in REQUIRED_GEOGRAPHY:
        blank = frame[column] == ""
        _report_rows(problems, path.name, frame.loc[blank & ~bad, "_row"], column,
                     "This is blank, so the practice cannot be placed in London; it was left out.")
        bad |= blank
    duplicate = frame["practice_code"].duplicated() & ~bad
    _report_rows(problems, path.name, frame.loc[duplicate, "_row"], "practice_code",
                 "This practice code appears more than once; the first row was kept.")
    bad |= duplicate
    decile = pd.to_numeric(frame["deprivation_decile"].replace("", np.nan), errors="coerce")
    out_of_range = frame["deprivation_decile"].ne("") & ~decile.between(1, 10)
    _report_rows(problems, path.name, frame.loc[out_of_range, "_row"], "deprivation_decile",
                 "Must be a whole number from 1 to 10; treated as blank.", severity="warning")
    frame["deprivation_decile"] = decile.where(~out_of_range)
    kept = frame.loc[~bad].reset_index(drop=True)
    reports.append(FileReport(path.name, str(path), rows_read, len(kept), "loaded with problems" if bad.any() else "loaded"))
    return kept[list(GEOGRAPHY_COLUMNS)]


def _load_table(spec: TableSpec, path: Path, geography: pd.DataFrame, problems: list[Problem],
                reports: list[FileReport]) -> pd.DataFrame | None:
    frame = read_csv_text(path, problems)
    if frame is None:
        reports.append(FileReport(path.name, str(path), 0, 0, "missing" if not path.exists() else "unreadable"))
        return None
    rows_read = len(frame)
    name = path.name
    for column in (spec.key, "period"):
        if column not in frame.columns:
            problems.append(Problem(name, "This required column is missing; the file cannot be used.", field=column))
            reports.append(FileReport(name, str(path), rows_read, 0, "unreadable"))
            return None
    bad = pd.Series(False, index=frame.index)
    frame[spec.key] = frame[spec.key].str.strip()
    known = geography[spec.key].unique() if spec.key in geography else []
    unknown = ~_is_in(frame[spec.key], known)
    _report_rows(problems, name, frame.loc[unknown, "_row"], spec.key,
                 f"This code is not in {GEOGRAPHY_FILE} (or its row there was left out), so the row cannot be "
                 "placed in London; it was left out.")
    bad |= unknown
    # A table has few distinct periods: parse each once, not once per row.
    period_codes, period_texts = pd.factorize(frame["period"].fillna("").str.strip())
    parsed = pd.to_datetime(pd.Index(period_texts, dtype=object), format="ISO8601", errors="coerce")
    bad_period = pd.Series(parsed.isna()[period_codes], index=frame.index) & ~bad
    _report_rows(problems, name, frame.loc[bad_period, "_row"], "period",
                 "This is not a date like 2019-04-01; the row was left out.")
    bad |= bad_period
    frame["period"] = pd.Series(np.asarray(parsed.strftime("%Y-%m-%d"), dtype=object)[period_codes],
                                index=frame.index, dtype=str)
    for column, kind in spec.columns:
        if column not in frame.columns:
            problems.append(Problem(name, "This column is missing; indicators that use it show no figure.", field=column))
            continue
        frame[column] = _validate_column(frame, column, kind, name, problems)
    keys = [spec.key, "period", *(c for c, kind in spec.columns if kind == "text" and c in frame.columns)]
    duplicate = frame.duplicated(subset=keys) & ~bad
    _report_rows(problems, name, frame.loc[duplicate, "_row"], spec.key,
                 f"Another row has the same {', '.join(keys)}; the first was kept.")
    bad |= duplicate
    kept = frame.loc[~bad, [spec.key, "period", *(c for c, _ in spec.columns if c in frame.columns)]]
    status = "loaded with problems" if bad.any() or any(p.source == name for p in problems) else "loaded"
    reports.append(FileReport(name, str(path), rows_read, len(kept), status))
    return kept.reset_index(drop=True)


def _validate_column(frame: pd.DataFrame, column: str, kind: str, name: str, problems: list[Problem]) -> pd.Series:
    """Typed copy of a column; bad values become missing and are reported (the row itself is kept)."""
    text = frame[column].str.strip()
    if kind == "text":
        return text
    suppressed = text.isin(SUPPRESSED_MARKS)
    if suppressed.any():
        problems.append(Problem(name, f"{int(suppressed.sum())} values are suppressed or not published "
                                "('*', '-' and the like); those figures are left out.", field=column, severity="warning"))
    numbers = _to_numbers(text.str.replace(",", "", regex=False).where(~suppressed & (text != "")))
    not_number = numbers.isna() & ~suppressed & (text != "")
    _report_rows(problems, name, frame.loc[not_number, "_row"], column,
                 "This is not a number; the figure is left out.", values=text[not_number])
    negative = numbers < 0
    _report_rows(problems, name, frame.loc[negative, "_row"], column,
                 "This is negative; the figure is left out.", values=text[negative])
    invalid = negative.copy()
    if kind == "count":
        invalid |= (numbers % 1 != 0) & numbers.notna()
        fraction = (numbers % 1 != 0) & numbers.notna() & ~negative
        _report_rows(problems, name, frame.loc[fraction, "_row"], column,
                     "A count must be a whole number; the figure is left out.", values=text[fraction])
    if kind == "flag":
        not_flag = ~numbers.isin([0, 1]) & numbers.notna() & ~negative
        _report_rows(problems, name, frame.loc[not_flag, "_row"], column,
                     "A flag must be 0 or 1; the figure is left out.", values=text[not_flag])
        invalid |= not_flag
    return numbers.where(~invalid).astype("float64")


def _is_in(column: pd.Series, values) -> pd.Series:
    """column.isin(values) for a text column; pandas builds one pyarrow scalar per value, slow for thousands."""
    array = pa.array(column.astype(str), from_pandas=True)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return column.isin(values)
    found = pc.is_in(array, value_set=pa.array([str(v) for v in values], type=array.type))
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=column.index, dtype=bool)


def _to_numbers(text: pd.Series) -> pd.Series:
    """Text (missing where blank) as float64; anything that is not a number becomes NaN.

    pyarrow parses a clean column about ten times faster than pd.to_numeric and reads numbers the same way;
    a column with any bad value goes through pd.to_numeric, which turns just those values into NaN.
    """
    try:
        array = pa.array(text, from_pandas=True)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            raise pa.ArrowTypeError(f"not text: {array.type}")
        parsed = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def _report_rows(problems: list[Problem], source: str, rows: pd.Series, column: str, message: str, *,
                 values: pd.Series | None = None, severity: str = "error") -> None:
    """One problem per row for the first few rows, then one that counts the rest."""
    rows = list(rows)
    shown = values.tolist() if values is not None else [None] * len(rows)
    for row, value in zip(rows[:EXAMPLES_PER_KIND], shown[:EXAMPLES_PER_KIND]):
        detail = f" (found '{value}')" if value is not None else ""
        problems.append(Problem(source, message + detail, row=int(row), field=column, severity=severity))
    if len(rows) > EXAMPLES_PER_KIND:
        problems.append(Problem(source, f"{len(rows) - EXAMPLES_PER_KIND} more rows have the same problem: {message}",
                                field=column, severity=severity))
