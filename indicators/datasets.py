"""Reading the CSV inputs: every bad row or field is reported by file, row and field, and the rest kept."""
import csv
import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.areas import AreaModel, build_area_model, read_area_settings
from indicators.definitions import AppConfig, TableSpec, read_yaml_file
from indicators.errors import ConfigError, Problem
from indicators.geometry import read_polygons

GEOGRAPHY_FILE = "practices.csv"
MANIFEST_FILE = "dataset.yaml"
GEOGRAPHY_COLUMNS = (
    "practice_code", "practice_name", "postcode_district", "pcn_code", "pcn_name", "federation_name",
    "borough_code", "borough_name", "ccg_code", "ccg_name", "stp_code", "stp_name", "deprivation_decile",
    "placement_source", "opened", "closed",
)
MAP_TILE_COLUMNS = ("borough_code", "short_name", "column", "row")
REQUIRED_GEOGRAPHY = ("practice_code", "practice_name", "borough_code", "borough_name", "stp_code", "stp_name")
NEVER_BLANK = ("practice_code", "practice_name", "stp_code", "stp_name")  # a blank borough: in its STP only
SUPPRESSED_MARKS = frozenset({"*", "-", "..", ":", "x", "NULL", "null"})
BOUNDARY_SIZE_LIMIT = 50_000_000  # bytes; the simplified London boroughs are 124 KB
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # a period outside these years is a typo, not data
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
    caveats: dict[str, str] = field(default_factory=dict)  # table -> what must be said with its figures
    areas: AreaModel = field(default_factory=AreaModel)
    map_tiles: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # place code -> short name, column, row

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
    if config.map_boundaries:  # checked here so that its problems are listed with the others
        read_boundaries_file(data_dir / config.map_boundaries, problems)
    periods = sorted({p for table in tables.values() for p in table["period"].unique()})
    map_tiles = read_map_tiles(data_dir / config.map_tiles, geography, problems) if config.map_tiles else {}
    return LoadedData(
        label=str(manifest.get("label", "unlabelled")),
        title=str(manifest.get("title", "")),
        geography=geography, tables=tables, problems=tuple(problems), files=tuple(reports),
        periods=tuple(periods), unavailable=unavailable,
        sources=tuple(str(s) for s in manifest.get("sources") or ()),
        caveats={str(k): str(v) for k, v in (manifest.get("caveats") or {}).items()},
        areas=build_area_model(geography, region, level_names), map_tiles=map_tiles,
    )


def read_boundaries_file(path: Path, problems: list[Problem]) -> dict | None:
    """The map's GeoJSON with only the features it can draw (a GSS_CODE and valid polygons); None when the
    file cannot be used at all. Each feature left out is reported with its number and field."""
    name = path.name
    try:
        if path.stat().st_size > BOUNDARY_SIZE_LIMIT:
            raise ValueError(f"it is larger than {BOUNDARY_SIZE_LIMIT // 1_000_000} MB")
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except RecursionError:
        problems.append(Problem(name, "The JSON is nested too deeply to read; the map shows squares instead."))
        return None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problems.append(Problem(name, f"Not a GeoJSON file the map can use ({error}); it shows squares instead."))
        return None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        problems.append(Problem(name, "Not a GeoJSON feature collection; the map shows squares instead.",
                                field="features"))
        return None
    kept = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or not str(properties.get("GSS_CODE") or "").strip():
            problems.append(Problem(name, "This feature has no GSS_CODE; it is not drawn.", row=number,
                                    field="properties.GSS_CODE", severity="warning"))
            continue
        try:
            read_polygons(feature.get("geometry"))
        except ValueError as error:
            problems.append(Problem(name, f"The geometry cannot be drawn ({error}); this area is not drawn.",
                                    row=number, field="geometry"))
            continue
        kept.append(feature)
    return {**document, "features": kept} if kept else None


def read_manifest(path: Path, problems: list[Problem]) -> dict:
    """dataset.yaml says whether the data are real or illustrative; without it they are 'unlabelled'."""
    if not path.exists():
        problems.append(Problem(path.name, "There is no dataset.yaml saying whether these data are real or "
                                "illustrative, so every view says 'unlabelled'.", severity="warning"))
        return {}
    try:
        manifest = read_yaml_file(path, "data manifest") or {}
    except ConfigError as error:
        problems.append(Problem(path.name, f"{error} The data are 'unlabelled'."))
        return {}
    if not isinstance(manifest, dict):
        problems.append(Problem(path.name, "Must be a mapping with label, title and sources."))
        return {}
    if manifest.get("label") not in ("real", "illustrative"):
        problems.append(Problem(path.name, "label must be 'real' or 'illustrative'.", field="label"))
        manifest = {**manifest, "label": "unlabelled"}
    for section, kind, what in (("unavailable", dict, "map table names to a sentence"),
                                ("caveats", dict, "map table names to a sentence"),
                                ("sources", list, "be a list of sentences")):
        if not isinstance(manifest.get(section) or kind(), kind):
            problems.append(Problem(path.name, f"{section} must {what}; it was ignored.", field=section))
            manifest = {**manifest, section: kind()}
    return manifest


def read_map_tiles(path: Path, geography: pd.DataFrame, problems: list[Problem]) -> dict[str, tuple[str, int, int]]:
    """Where the tile map puts each place (config.yaml's map.tiles): borough_code -> (short_name, column, row).

    Optional: an absent file gives {} (every place goes in the automatic grid); a bad row is reported and left out.
    """
    if not path.exists():
        return {}
    frame = read_csv_text(path, problems)
    if frame is None:
        return {}
    missing = [c for c in MAP_TILE_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(Problem(path.name, "This column is missing, so the tile map places the areas itself.",
                                field=missing[0], severity="warning"))
        return {}
    places = set(geography["borough_code"])
    tiles: dict[str, tuple[str, int, int]] = {}
    for row in frame.to_dict("records"):
        code, short_name = row["borough_code"].strip(), row["short_name"].strip()
        column, line = row["column"].strip(), row["row"].strip()
        if not (column.isdigit() and line.isdigit() and short_name):
            problems.append(Problem(path.name, "A tile needs a short name and a whole column and row of 0 or more; "
                                    "this place goes in the automatic grid.", row=int(row["_row"]),
                                    severity="warning"))
        elif code in places and code not in tiles:
            tiles[code] = (short_name, int(column), int(line))
    return tiles


def read_csv_text(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a CSV as text columns with spreadsheet row numbers in `_row`; None when unusable.

    Tries UTF-8 first and Windows-1252 second (NHS downloads use both). Rows with the wrong number
    of fields are reported and left out; headers are trimmed of spaces. A binary file, a quote that is
    never closed and a file cut short in the middle of a character are each reported with the row and field.
    """
    name = path.name
    if not path.exists():
        problems.append(Problem(name, "The file was not found in the data folder."))
        return None
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        problems.append(Problem(name, "This is not a text file (it holds binary data); save it as CSV.", row=1))
        return None
    text, encoding, cut_short = _decode(raw, name, problems)
    if not text or text.isspace():
        problems.append(Problem(name, "The file is empty."))
        return None
    if "\r" in text and "\r\n" not in text:  # old Mac line endings: the parsers below want \n
        text = text.replace("\r", "\n")
        raw, encoding = text.encode("utf-8"), "utf-8"
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
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, "The file has no header row of column names."))
        return None
    frame.columns = ["_row", *(str(c).strip() for c in frame.columns[1:])]
    header = [h.strip() for h in next(csv.reader(io.StringIO(text[:65536], newline="")), [])]
    repeated = [h for position, h in enumerate(header) if h in header[:position]]
    if repeated:
        problems.append(Problem(name, "This column appears twice in the header; the first is used.", field=repeated[0]))
        frame = frame.loc[:, ~frame.columns.duplicated()]
    if frame.empty:
        problems.append(Problem(name, "The file has a header but no rows of data, so it gives no figures.", row=2))
    elif cut_short:
        last = frame.index[-1]
        problems.append(Problem(name, "The file ends in the middle of a character (it was cut short), so this "
                                "last row may be incomplete; it was left out.", row=int(frame.at[last, "_row"]),
                                field=str(frame.columns[-1])))
        frame = frame.drop(index=last)
    return frame


def _decode(raw: bytes, name: str, problems: list[Problem]) -> tuple[str, str, bool]:
    """(text, encoding, cut_short): UTF-8, or UTF-8 cut short in the middle of its last character, or
    Windows-1252, or Latin-1 (which never fails)."""
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig", False
    except UnicodeDecodeError as error:
        if error.start >= len(raw) - 3 and error.reason == "unexpected end of data":
            return raw[:error.start].decode("utf-8-sig"), "utf-8-sig", True
    try:
        return raw.decode("cp1252"), "cp1252", False
    except UnicodeDecodeError:  # cp1252 leaves a few bytes undefined; latin-1 never fails
        problems.append(Problem(name, "The file is neither UTF-8 nor Windows-1252; read as Latin-1.", severity="warning"))
        return raw.decode("latin-1"), "latin-1", False


def _read_ragged_csv(text: str, name: str, problems: list[Problem]) -> pd.DataFrame:
    """The rows with as many fields as the header, each other row reported; a quote never closed is found."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip() for h in rows[0]] if rows else []
    kept, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if number == len(rows) and any("\n" in value for value in row) and ends_inside_quotes(text):
            column = next(i for i, value in enumerate(row) if "\n" in value)
            problems.append(Problem(name, f"A quote opened in this field is never closed, so the "
                                    f"{row[column].count(chr(10)):,} lines after it were read as one value; this "
                                    "row and those lines were left out.", row=number,
                                    field=header[column] if column < len(header) else None))
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


def ends_inside_quotes(text: str) -> bool:
    """True when a quoted value runs to the end of the file (its closing quote is missing)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as error:
        return "end of data" in str(error)
    return False


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
    for column in NEVER_BLANK:
        blank = frame[column] == ""
        _report_rows(problems, path.name, frame.loc[blank & ~bad, "_row"], column,
                     "This is blank, so the practice cannot be placed in its area; it was left out.")
        bad |= blank
    unnamed = (frame["borough_code"] != "") & (frame["borough_name"] == "") & ~bad
    _report_rows(problems, path.name, frame.loc[unnamed, "_row"], "borough_name",
                 "This is blank; the borough's code is shown instead.", severity="warning")
    frame.loc[unnamed, "borough_name"] = frame.loc[unnamed, "borough_code"]
    frame.loc[frame["borough_code"] == "", "borough_name"] = ""
    for column in ("opened", "closed"):
        written = frame[column] != ""
        dates = pd.to_datetime(frame[column].where(written), format="ISO8601", errors="coerce")
        unreadable = written & (dates.isna() | (dates.dt.year < 1900) | (dates.dt.year > LATEST_YEAR)) & ~bad
        _report_rows(problems, path.name, frame.loc[unreadable, "_row"], column,
                     "This is not a date like 2019-04-01 (1900 to 2100); treated as blank.", severity="warning",
                     values=frame.loc[unreadable, column])
        frame.loc[unreadable, column] = ""
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
                 "placed in an area; it was left out.")
    bad |= unknown
    # A table has few distinct periods: parse each once, not once per row.
    period_codes, period_texts = pd.factorize(frame["period"].fillna("").str.strip())
    parsed = pd.to_datetime(pd.Index(period_texts, dtype=object), format="ISO8601", errors="coerce")
    bad_period = pd.Series(parsed.isna()[period_codes], index=frame.index) & ~bad
    _report_rows(problems, name, frame.loc[bad_period, "_row"], "period",
                 "This is not a date like 2019-04-01; the row was left out.", values=frame.loc[bad_period, "period"])
    bad |= bad_period
    years = np.asarray(parsed.year)[period_codes]
    out_of_range = pd.Series((years < EARLIEST_YEAR) | (years > LATEST_YEAR), index=frame.index) & ~bad
    _report_rows(problems, name, frame.loc[out_of_range, "_row"], "period",
                 f"This date is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}; the row was left out.",
                 values=frame.loc[out_of_range, "period"])
    bad |= out_of_range
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
    infinite = pd.Series(np.isinf(numbers.to_numpy()), index=numbers.index)
    _report_rows(problems, name, frame.loc[infinite, "_row"], column,
                 "This is not a finite number (infinite, or too large to store); the figure is left out.",
                 values=text[infinite])
    numbers = numbers.where(~infinite)
    not_number = numbers.isna() & ~suppressed & (text != "") & ~infinite
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


PLACEMENT_COLUMNS = {"ccg": "placed by its CCG", "pcn": "placed with its network", "postcode": "placed by postcode"}
NO_PLACE = "(none: counted in its STP and the region only)"


def count_placements(geography: pd.DataFrame) -> pd.DataFrame:
    """Practices per place (borough) by how the importer placed them (practices.csv's placement_source:
    ccg, pcn, postcode, none); no rows when the data do not say (e.g. illustrative data)."""
    placed = geography[geography["placement_source"].isin([*PLACEMENT_COLUMNS, "none"])]
    columns = ["area", "practices", *PLACEMENT_COLUMNS.values()]
    if placed.empty:
        return pd.DataFrame(columns=columns)
    area = placed["borough_name"].where(placed["borough_code"] != "", NO_PLACE)
    table = pd.crosstab(area, placed["placement_source"]).reindex(columns=list(PLACEMENT_COLUMNS), fill_value=0)
    table = table.rename(columns=PLACEMENT_COLUMNS).rename_axis(columns=None)
    table.insert(0, "practices", area.value_counts())
    table = table.rename_axis("area").reset_index()
    last = table["area"] == NO_PLACE
    return pd.concat([table[~last].sort_values("area"), table[last]], ignore_index=True)[columns]


def practices_open_in(geography: pd.DataFrame, period: str) -> pd.DataFrame:
    """The practices open for some of the month starting `period`: opened before the next month began (or
    no date) and not closed by `period` (practices.csv's `opened` and `closed`, ISO dates or blank)."""
    start = pd.Timestamp(period)
    opened = pd.to_datetime(geography["opened"].replace("", None), format="ISO8601", errors="coerce")
    closed = pd.to_datetime(geography["closed"].replace("", None), format="ISO8601", errors="coerce")
    open_then = ~(opened >= start + pd.offsets.MonthBegin(1)) & ~(closed <= start)
    return geography.loc[open_then]


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
