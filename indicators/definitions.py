"""Indicator definitions and input tables, read from config.yaml and validated entry by entry."""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indicators.areas import LEVELS
from indicators.change_points import ChangePoint, parse_change_points
from indicators.errors import AtscaleError, ConfigError, Problem
from indicators.formatting import format_value

# safe_load's loader, in its C build where PyYAML has one (config.yaml parses about ten times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_SIZE_LIMIT = 2_000_000  # bytes; config.yaml is about 20 KB
YAML_DEPTH_LIMIT = 100  # nested lists and mappings: libyaml's C composer recurses without a limit and crashes Python
YAML_VALUE_LIMIT = 1_000_000  # values once aliases are expanded; config.yaml has about 1,500
DIRECTIONS = ("higher_is_better", "lower_is_better", "neither")
COMPARISONS = ("wilson", "byar", "tolerance", "none")
COLUMN_TYPES = ("number", "count", "flag", "text")
TABLE_KEYS = ("practice_code", "pcn_code", "borough_code", "stp_code")
AGGREGATES = ("sum", "count")

INDICATOR_FIELDS = {
    "id": str, "name": str, "plain_name": str, "description": str, "plain_description": str,
    "domain": str, "numerator": dict, "denominator": dict, "multiplier": (int, float), "unit": str,
    "direction": str, "comparison": str,
}
OPTIONAL_INDICATOR_FIELDS = {
    "decimals": int, "target": dict, "tolerance_percent": (int, float), "suppress_below": (int, float),
    "short_name": str, "mix_group": str, "lowest_level": str, "change_points": list,
    "clustered_by": str, "meaningful_difference": (int, float), "plain_multiplier": (int, float),
}
MEASURE_FIELDS = {"table", "column", "aggregate", "filter"}


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    key: str
    columns: tuple[tuple[str, str], ...]
    title: str
    source: str
    optional: bool = False
    no_row_means_zero: bool = False  # a census: an area it has no row for, in a period it covers, has zero

    @property
    def column_types(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    plain_name: str
    description: str
    headline: str = ""  # the indicator id shown as the domain's headline ("" = the domain's first indicator)


@dataclass(frozen=True)
class MaturityDomain:
    """One domain of the PCN maturity matrix: a stable id (the forum stores it) and its name, exactly as
    maturity.csv's maturity_domain column writes it."""

    id: str
    name: str


@dataclass(frozen=True)
class Measure:
    """What to add up: one or more columns of one table, optionally only the rows matching a filter."""

    table: str
    columns: tuple[str, ...]
    aggregate: str = "sum"
    filter: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    no_row_means_zero: bool = False  # the table's setting (TableSpec.no_row_means_zero)


@dataclass(frozen=True)
class Target:
    value: float
    source: str


@dataclass(frozen=True)
class IndicatorDefinition:
    id: str
    name: str
    plain_name: str
    description: str
    plain_description: str
    domain: str
    numerator: Measure
    denominator: Measure
    multiplier: float
    unit: str
    direction: str
    comparison: str
    decimals: int = 1
    target: Target | None = None
    tolerance_percent: float = 10.0
    suppress_below: float = 10.0
    short_name: str = ""
    mix_group: str = ""
    lowest_level: str = "practice"
    change_points: tuple[ChangePoint, ...] = ()  # the indicator's own, else the config's top-level list
    clustered_by: str = ""  # a level (practice, pcn): counted in units that are clustered; adjusts for over-dispersion
    meaningful_difference: float = 0.0  # in the indicator's unit: smaller differences are never better or worse
    plain_multiplier: float = 0.0  # the public's "for every N people" (0: the multiplier)

    @property
    def overdispersion(self) -> bool:
        """Whether intervals and funnel limits allow for over-dispersion (clustered units)."""
        return bool(self.clustered_by) and self.comparison in ("wilson", "byar")

    @property
    def plain_base(self) -> float:
        """The one number base the public sees for this indicator ('for every 1,000 people')."""
        return self.plain_multiplier or self.multiplier

    @property
    def label(self) -> str:
        return self.name

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.numerator.table, self.denominator.table)))

    def format_value(self, value: float | None, *, with_unit: bool = True) -> str:
        """The value as shown everywhere (indicators.formatting.format_value with this indicator's decimals and
        unit): '97.3%', '0.58 per 1,000 patients'; 'not shown' if missing."""
        return format_value(value, decimals=self.decimals, unit=self.unit, with_unit=with_unit)


@dataclass(frozen=True)
class AppConfig:
    path: str
    suppress_below: float
    map_boundaries: str | None
    tables: dict[str, TableSpec]
    domains: dict[str, Domain]
    indicators: tuple[IndicatorDefinition, ...]
    problems: tuple[Problem, ...] = field(default=())
    change_points: tuple[ChangePoint, ...] = ()
    map_tiles: str | None = None
    maturity_domains: tuple[MaturityDomain, ...] = ()

    def indicator(self, indicator_id: str) -> IndicatorDefinition:
        for definition in self.indicators:
            if definition.id == indicator_id:
                return definition
        raise KeyError(indicator_id)

    def indicators_in(self, domain_id: str) -> tuple[IndicatorDefinition, ...]:
        """The domain's indicators, its configured headline (domains.<id>.headline) first."""
        found = tuple(d for d in self.indicators if d.domain == domain_id)
        domain = self.domains.get(domain_id)
        headline = domain.headline if domain is not None else ""
        return tuple(sorted(found, key=lambda d: d.id != headline)) if headline else found


class YamlRefused(yaml.YAMLError, AtscaleError):
    """YAML this project will not expand: an alias bomb, a huge file or nesting deeper than Python can follow."""

    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def load_yaml_text(text: str) -> Any:
    """yaml.safe_load, refusing text over YAML_SIZE_LIMIT, nesting over YAML_DEPTH_LIMIT and aliases that expand
    to more than YAML_VALUE_LIMIT values (an alias bomb: a few lines of '&a [*a, *a, ...]' that nest into
    billions of items once walked). Raises yaml.YAMLError.

    The events are checked first, in one pass of the C parser (about half the time of the load itself),
    counting each alias as the values it stands for.
    """
    if len(text) > YAML_SIZE_LIMIT:
        raise YamlRefused(f"it is larger than {YAML_SIZE_LIMIT // 1_000_000} MB")
    sizes: dict[str, int] = {}  # anchor -> the values its node stands for
    open_nodes: list[list] = [[None, 0]]  # [anchor, values so far] of each list or mapping being read
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            open_nodes.append([event.anchor, 1])
            if len(open_nodes) > YAML_DEPTH_LIMIT + 1:
                raise YamlRefused(f"lists and mappings are nested more than {YAML_DEPTH_LIMIT} deep", event.start_mark)
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, values = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, values = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, values = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor:
            sizes[anchor] = values
        open_nodes[-1][1] += values
        if open_nodes[-1][1] > YAML_VALUE_LIMIT:
            raise YamlRefused(f"its aliases (*name) stand for more than {YAML_VALUE_LIMIT:,} values", event.start_mark)
    return yaml.load(text, Loader=SAFE_LOADER)


def read_yaml_file(path: Path, what: str) -> Any:
    """Parse a YAML file; ConfigError naming the file (and the line, for a syntax error) when it cannot be read."""
    try:
        if path.stat().st_size > YAML_SIZE_LIMIT:
            raise ConfigError(f"The {what} {path.name} could not be read: it is larger than "
                              f"{YAML_SIZE_LIMIT // 1_000_000} MB.")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:  # the file's name only: these messages show on public pages, server paths do not
        raise ConfigError(f"The {what} {path.name} was not found.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or type(error).__name__
        raise ConfigError(f"The {what} {path.name} could not be read: {reason}.") from None
    try:
        return load_yaml_text(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or "it is not valid YAML"
        raise ConfigError(f"The {what} {path.name} could not be read{where}: {reason}.") from None


def load_config(path: str | Path) -> AppConfig:
    """Read and validate config.yaml.

    Raises ConfigError only when the file as a whole is unusable; a bad table, domain or indicator
    is left out and reported in `problems`, so the valid ones still show.
    """
    path = Path(path)
    source = path.name
    raw = read_yaml_file(path, "config file")
    if not isinstance(raw, dict):
        raise ConfigError(f"The config file {source} must be a mapping with 'tables', 'domains' and 'indicators'.")

    problems: list[Problem] = []
    for section in ("tables", "domains", "indicators"):
        if section not in raw:
            problems.append(Problem(source, f"The '{section}' section is missing.", field=section))
    unknown = set(raw) - {"tables", "domains", "indicators", "suppress_below", "map", "change_points",
                          "maturity_domains"}
    for name in sorted(unknown):
        problems.append(Problem(source, f"Unknown section '{name}' was ignored.", field=name, severity="warning"))

    suppress_below = raw.get("suppress_below", 10)
    if not _is_number(suppress_below) or suppress_below < 0:
        problems.append(Problem(source, "suppress_below must be a number of 0 or more; 10 is used.",
                                field="suppress_below"))
        suppress_below = 10
    map_settings = raw.get("map") or {}
    boundaries, tiles = (_read_file_name(map_settings, name, source, problems) for name in ("boundaries", "tiles"))

    try:
        change_points = parse_change_points(raw.get("change_points"))
    except ConfigError as error:
        problems.append(Problem(source, f"{error} No change points are used.", field="change_points"))
        change_points = ()

    tables = _read_tables(raw.get("tables"), source, problems)
    domains = _read_domains(raw.get("domains"), source, problems)
    indicators = _read_indicators(raw.get("indicators"), source, tables, domains, float(suppress_below),
                                  change_points, problems)
    maturity_domains = _read_maturity_domains(raw.get("maturity_domains"), source, problems)
    for domain in domains.values():
        if domain.headline and not any(d.id == domain.headline and d.domain == domain.id for d in indicators):
            problems.append(Problem(source, f"headline '{domain.headline}' is not an indicator of this domain; its "
                                    "first indicator is used.", field=f"domains.{domain.id}.headline",
                                    severity="warning"))
    return AppConfig(str(path), float(suppress_below), boundaries, tables, domains, indicators, tuple(problems),
                     map_tiles=tiles, maturity_domains=maturity_domains, change_points=change_points)


def _read_file_name(settings: Any, name: str, source: str, problems: list[Problem]) -> str | None:
    """map.<name>: a file in the data folder, or None."""
    value = settings.get(name) if isinstance(settings, dict) else None
    if value is not None and not isinstance(value, str):
        problems.append(Problem(source, f"map.{name} must be a file name.", field=f"map.{name}"))
        return None
    return value


def _read_maturity_domains(raw: Any, source: str, problems: list[Problem]) -> tuple[MaturityDomain, ...]:
    """maturity_domains: id -> name, in the order charts and the forum show them."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(isinstance(name, str) and name.strip() for name in raw.values()):
        problems.append(Problem(source, "maturity_domains must map each domain's id to its name, as written in "
                                "maturity.csv.", field="maturity_domains"))
        return ()
    return tuple(MaturityDomain(str(domain_id), " ".join(name.split())) for domain_id, name in raw.items())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _read_tables(raw: Any, source: str, problems: list[Problem]) -> dict[str, TableSpec]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(source, "'tables' must map table names to their settings.", field="tables"))
        return {}
    tables = {}
    for name, entry in raw.items():
        where = f"tables.{name}"
        if not isinstance(entry, dict):
            problems.append(Problem(source, "A table needs file, key and columns.", field=where))
            continue
        missing = [f for f in ("file", "key", "columns") if f not in entry]
        if missing:
            problems.append(Problem(source, f"Missing {', '.join(missing)}; the table was left out.", field=where))
            continue
        if entry["key"] not in TABLE_KEYS:
            problems.append(Problem(source, f"key must be one of {', '.join(TABLE_KEYS)}, not '{entry['key']}'.",
                                    field=f"{where}.key"))
            continue
        columns = entry["columns"]
        if not isinstance(columns, dict) or not columns:
            problems.append(Problem(source, "columns must map each column to its type.", field=f"{where}.columns"))
            continue
        bad = {c: t for c, t in columns.items() if t not in COLUMN_TYPES}
        if bad:
            column, kind = next(iter(bad.items()))
            problems.append(Problem(source, f"Column '{column}' has type '{kind}'; use one of {', '.join(COLUMN_TYPES)}.",
                                    field=f"{where}.columns"))
            continue
        flags = [flag for flag in ("optional", "no_row_means_zero") if not isinstance(entry.get(flag, False), bool)]
        if flags:
            problems.append(Problem(source, f"{flags[0]} must be true or false.", field=f"{where}.{flags[0]}"))
            continue
        tables[name] = TableSpec(name, str(entry["file"]), entry["key"], tuple(columns.items()),
                                 str(entry.get("title", name)), str(entry.get("source", "")),
                                 entry.get("optional", False), entry.get("no_row_means_zero", False))
    return tables


def _read_domains(raw: Any, source: str, problems: list[Problem]) -> dict[str, Domain]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(source, "'domains' must map domain ids to their names.", field="domains"))
        return {}
    domains = {}
    for domain_id, entry in raw.items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in ("name", "plain_name")):
            problems.append(Problem(source, "A domain needs a name and a plain_name.", field=f"domains.{domain_id}"))
            continue
        headline = entry.get("headline", "")
        if not isinstance(headline, str):
            problems.append(Problem(source, "headline must be an indicator id; the domain's first indicator is "
                                    "used.", field=f"domains.{domain_id}.headline", severity="warning"))
            headline = ""
        domains[str(domain_id)] = Domain(str(domain_id), entry["name"], entry["plain_name"],
                                         str(entry.get("description", "")), headline)
    return domains


def _read_indicators(raw: Any, source: str, tables: dict[str, TableSpec], domains: dict[str, Domain],
                     suppress_below: float, change_points: tuple[ChangePoint, ...],
                     problems: list[Problem]) -> tuple[IndicatorDefinition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(source, "'indicators' must be a list of entries.", field="indicators"))
        return ()
    indicators: list[IndicatorDefinition] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw, start=1):
        label = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{position}"
        try:
            definition = _read_indicator(entry, tables, domains, suppress_below, change_points)
        except _EntryProblem as problem:
            problems.append(Problem(source, f"{problem.message} This indicator is not shown.",
                                    field=problem.field, indicator=label))
            continue
        if definition.id in seen:
            problems.append(Problem(source, f"The id '{definition.id}' is used twice; the second entry is not shown.",
                                    field="id", indicator=definition.id))
            continue
        seen.add(definition.id)
        indicators.append(definition)
    return tuple(indicators)


class _EntryProblem(AtscaleError):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _read_indicator(entry: Any, tables: dict[str, TableSpec], domains: dict[str, Domain],
                    suppress_below: float, change_points: tuple[ChangePoint, ...] = ()) -> IndicatorDefinition:
    if not isinstance(entry, dict):
        raise _EntryProblem(None, "Each indicator must be a mapping of fields.")
    for name, kind in INDICATOR_FIELDS.items():
        if name not in entry:
            raise _EntryProblem(name, "This required field is missing.")
        _check_type(name, entry[name], kind)
    for name, kind in OPTIONAL_INDICATOR_FIELDS.items():
        if name in entry:
            _check_type(name, entry[name], kind)
    unknown = set(entry) - set(INDICATOR_FIELDS) - set(OPTIONAL_INDICATOR_FIELDS)
    if unknown:
        raise _EntryProblem(min(unknown), "This field is not known; check its spelling.")
    if entry["domain"] not in domains:
        raise _EntryProblem("domain", f"Unknown domain '{entry['domain']}'; use one of {', '.join(domains) or 'none defined'}.")
    if entry["direction"] not in DIRECTIONS:
        raise _EntryProblem("direction", f"Use one of {', '.join(DIRECTIONS)}, not '{entry['direction']}'.")
    if entry["comparison"] not in COMPARISONS:
        raise _EntryProblem("comparison", f"Use one of {', '.join(COMPARISONS)}, not '{entry['comparison']}'.")
    if entry.get("lowest_level", "practice") not in LEVELS:
        raise _EntryProblem("lowest_level", f"Use one of {', '.join(LEVELS)}, not '{entry['lowest_level']}'.")
    if entry.get("clustered_by", "practice") not in LEVELS:
        raise _EntryProblem("clustered_by", f"Use one of {', '.join(LEVELS)}, not '{entry['clustered_by']}'.")
    if entry["multiplier"] <= 0:
        raise _EntryProblem("multiplier", "The multiplier must be more than 0.")
    for name in ("decimals", "tolerance_percent", "suppress_below", "meaningful_difference", "plain_multiplier"):
        if name in entry and entry[name] < 0:  # a negative decimals would break every formatted value
            raise _EntryProblem(name, "This must be 0 or more.")
    target = None
    if "target" in entry:
        raw_target = entry["target"]
        if not _is_number(raw_target.get("value")) or not isinstance(raw_target.get("source"), str):
            raise _EntryProblem("target", "A target needs a numeric value and a source (who published it).")
        target = Target(float(raw_target["value"]), raw_target["source"])
    if "change_points" in entry:
        try:
            change_points = parse_change_points(entry["change_points"])
        except ConfigError as error:
            raise _EntryProblem("change_points", str(error)) from None
    return IndicatorDefinition(
        id=entry["id"], name=entry["name"], plain_name=entry["plain_name"], description=entry["description"],
        plain_description=entry["plain_description"], domain=entry["domain"],
        numerator=_read_measure("numerator", entry["numerator"], tables),
        denominator=_read_measure("denominator", entry["denominator"], tables),
        multiplier=float(entry["multiplier"]), unit=entry["unit"], direction=entry["direction"],
        comparison=entry["comparison"], decimals=int(entry.get("decimals", 1)), target=target,
        tolerance_percent=float(entry.get("tolerance_percent", 10)),
        suppress_below=float(entry.get("suppress_below", suppress_below)),
        short_name=entry.get("short_name", entry["name"]), mix_group=entry.get("mix_group", ""),
        lowest_level=entry.get("lowest_level", "practice"), change_points=change_points,
        clustered_by=entry.get("clustered_by", ""),
        meaningful_difference=float(entry.get("meaningful_difference", 0)),
        plain_multiplier=float(entry.get("plain_multiplier", 0)),
    )


def _check_type(name: str, value: Any, kind: type | tuple[type, ...]) -> None:
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = {str: "text", dict: "a mapping", int: "a whole number"}.get(kind, "a number")  # type: ignore[arg-type]
        raise _EntryProblem(name, f"This field must be {expected}, not {value!r}.")


def _read_measure(role: str, raw: dict, tables: dict[str, TableSpec]) -> Measure:
    unknown = set(raw) - MEASURE_FIELDS
    if unknown:
        raise _EntryProblem(f"{role}.{min(unknown)}", "This field is not known; use table, column, aggregate, filter.")
    table_name = raw.get("table")
    if table_name not in tables:
        raise _EntryProblem(f"{role}.table", f"No table '{table_name}' is defined under 'tables'.")
    table = tables[table_name]
    types = table.column_types
    known = set(types) | {table.key}
    columns = raw.get("column")
    columns = tuple(columns) if isinstance(columns, list) else (columns,)
    aggregate = raw.get("aggregate", "sum")
    if aggregate not in AGGREGATES:
        raise _EntryProblem(f"{role}.aggregate", f"Use sum or count, not '{aggregate}'.")
    for column in columns:
        if not isinstance(column, str) or column not in known:
            raise _EntryProblem(f"{role}.column", f"Table '{table_name}' has no column '{column}'.")
        if aggregate == "sum" and types.get(column) not in ("number", "count", "flag"):
            raise _EntryProblem(f"{role}.column", f"Column '{column}' is not numeric, so it cannot be added up.")
    raw_filter = raw.get("filter") or {}
    if not isinstance(raw_filter, dict):
        raise _EntryProblem(f"{role}.filter", "A filter maps a column to a value or a list of values.")
    filters = []
    for column, wanted in raw_filter.items():
        if column not in known:
            raise _EntryProblem(f"{role}.filter", f"Table '{table_name}' has no column '{column}' to filter on.")
        filters.append((column, tuple(wanted) if isinstance(wanted, list) else (wanted,)))
    return Measure(table_name, columns, aggregate, tuple(filters), table.no_row_means_zero)
