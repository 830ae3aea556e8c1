"""Presenter mode's slide deck: slides.yaml read and checked into frozen dataclasses, and headlines filled from data.

A headline is literal text or a template such as "{stp_name}: {value} of patients can get an evening or weekend
appointment". Templates are filled with str.format_map from a fixed dict of plain strings: only the field names
listed in HEADLINE_FIELDS, no attribute or index access, no format specs or conversions, nothing evaluated.
"""
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.areas import AreaModel
from indicators.definitions import AppConfig, IndicatorDefinition, read_yaml_file
from indicators.errors import AtscaleError, ConfigError
from indicators.formatting import format_period, format_status
from indicators.views import compute_target_status, latest_period_with_values

SLIDE_FIELDS = ("view", "headline", "indicator", "stp", "domain", "event", "optional")
EACH_STP = "each"  # stp: each -> one slide per STP in the data, in name order
DECK_FIELDS = ("slides",)


@dataclass(frozen=True)
class ViewSpec:
    """What one kind of slide shows and which slide fields it needs or may take."""

    title: str
    description: str
    requires: tuple[str, ...] = ()
    allows: tuple[str, ...] = ()


# Titles name the data's own areas: {region}, {system} (what an STP is called), {systems}.
VIEWS = {
    "region_headlines": ViewSpec("{region} headlines", "The region's headline figure for each domain.",
                                 allows=("indicator",)),
    "stp_comparison": ViewSpec("{systems} compared", "One indicator across the region's STPs, with the region.",
                               requires=("indicator",), allows=("stp",)),
    "stp_profile": ViewSpec("{system} profile", "One STP's headline figure for each domain, against the region.",
                            requires=("stp",), allows=("indicator",)),
    "domain": ViewSpec("Domain", "Every indicator of one domain, for the region or one STP.",
                       requires=("domain",), allows=("stp", "indicator")),
    "trend": ViewSpec("Trend", "One indicator over time, for the region or one STP and the region.",
                      requires=("indicator",), allows=("stp",)),
    "spc": ViewSpec("Signal or noise (SPC)", "One indicator over time as an SPC chart (Making Data Count), for the "
                    "region or one STP, with its variation and assurance icons.", requires=("indicator",),
                    allows=("stp",)),
    "map": ViewSpec("Map", "One indicator by borough on a map of the region.", requires=("indicator",)),
    "forum_plenary": ViewSpec("What we heard (forum)", "The forum's live answers; the headline is plain text.",
                              allows=("event",)),
}

AREA_FIELDS = ("area_name", "region_name", "period")
STP_FIELDS = ("stp_name",)
DOMAIN_FIELDS = ("domain_name",)
INDICATOR_FIELDS = ("indicator_name", "plain_name", "value", "number", "region_value", "target", "first_period",
                    "first_value", "highest_area", "highest_value", "lowest_area", "lowest_value")
HEADLINE_FIELDS = {
    "area_name": "the region, or the slide's STP",
    "region_name": "the region (dataset.yaml's areas.region), e.g. London",
    "period": "the month the figures describe, e.g. January 2021",
    "stp_name": "the slide's STP (slides with `stp` only)",
    "domain_name": "the domain's name (domain slides only)",
    "indicator_name": "the indicator's name",
    "plain_name": "the indicator's plain-language name",
    "value": "the area's figure with its unit, e.g. 97.9%",
    "number": "the area's figure without its unit, e.g. 0.56",
    "region_value": "the region's figure",
    "target": "the indicator's target, e.g. 97%",
    "first_period": "the first month with a figure for the area",
    "first_value": "the area's figure in that first month",
    "highest_area": "the STP (map: borough) with the highest figure",
    "highest_value": "that highest figure",
    "lowest_area": "the STP (map: borough) with the lowest figure",
    "lowest_value": "that lowest figure",
}
NAME_FIELDS = ("area_name", "region_name", "stp_name", "domain_name", "indicator_name", "plain_name", "highest_area", "lowest_area")


@dataclass(frozen=True)
class SlideProblem:
    """One thing wrong in the slide file: which file, slide (1-based, as in the deck) and field, and what to do."""

    source: str
    message: str
    slide: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.slide is not None:
            where.append(f"slide {self.slide}")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Slide:
    """One screen of the presentation. A slide with problems keeps its place (numbers stay as in the file)."""

    number: int
    view: str
    headline: str
    indicator: str | None = None
    stp: str | None = None
    domain: str | None = None
    event: int | None = None
    problems: tuple[SlideProblem, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def fields(self) -> tuple[str, ...]:
        """The data fields its headline asks for (empty for literal text)."""
        return read_headline_fields(self.headline) if self.is_valid else ()


@dataclass(frozen=True)
class Deck:
    path: str
    slides: tuple[Slide, ...]
    file_problems: tuple[SlideProblem, ...] = ()
    left_out: tuple[str, ...] = ()  # the indicator names of optional slides these data have no figures for

    @property
    def problems(self) -> tuple[SlideProblem, ...]:
        return self.file_problems + tuple(p for slide in self.slides for p in slide.problems)


class _SlideError(AtscaleError):
    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def load_deck(path: str | Path, config: AppConfig, areas: AreaModel,
              has_figures: Callable[[str], bool] | None = None) -> Deck:
    """Read and check slides.yaml against the indicators in config and the STP codes in the data (areas).

    A slide with `stp: each` becomes one slide per STP in the data, in name order (five in London, 42 in
    England). A slide marked `optional: true` is left out when `has_figures(indicator id)` is False, so that one
    deck suits data with and without, say, monthly appointments; the slides after it move up. Raises ConfigError
    only when the file as a whole is unusable (missing, not YAML, no list of slides); a bad slide keeps its place in
    the deck with its problems, so the other slides still show.
    """
    path = Path(path)
    source = path.name
    raw = read_yaml_file(path, "slide file")
    if not isinstance(raw, dict) or not isinstance(raw.get("slides"), list):
        raise ConfigError(f"The slide file {source} must have a 'slides:' list, one entry per slide.")
    if not raw["slides"]:
        raise ConfigError(f"The slide file {source} has no slides; add at least one under 'slides:'.")
    file_problems = tuple(SlideProblem(source, "This section is not known and was ignored.", field=name)
                          for name in sorted(set(raw) - set(DECK_FIELDS)))
    stp_names = areas.names("stp")
    entries: list[Any] = []
    for entry in raw["slides"]:
        if isinstance(entry, dict) and entry.get("stp") == EACH_STP:
            entries.extend({**entry, "stp": code} for code in stp_names)
        else:
            entries.append(entry)
    kept = [entry for entry in entries if not _is_left_out(entry, config, has_figures)]
    slides = tuple(_read_slide(number, entry, source, config, stp_names) for number, entry in enumerate(kept, start=1))
    left_out = dict.fromkeys(config.indicator(entry["indicator"]).name for entry in entries
                             if _is_left_out(entry, config, has_figures))
    return Deck(str(path), slides, file_problems, tuple(left_out))


def _is_left_out(entry: Any, config: AppConfig, has_figures: Callable[[str], bool] | None) -> bool:
    """An optional slide (checked in full: a wrong one is kept, to show its problem) whose indicator has no figures."""
    return (has_figures is not None and isinstance(entry, dict) and entry.get("optional") is True
            and entry.get("indicator") in {d.id for d in config.indicators} and not has_figures(entry["indicator"]))


def _read_slide(number: int, entry: Any, source: str, config: AppConfig, stp_names: Mapping[str, str]) -> Slide:
    view = str(entry.get("view", "")) if isinstance(entry, dict) else ""
    headline = entry.get("headline") if isinstance(entry, dict) else None
    try:
        return _check_slide(number, entry, config, stp_names)
    except _SlideError as error:
        problem = SlideProblem(source, f"{error.message} This slide is not shown.", number, error.field)
        return Slide(number, view, headline if isinstance(headline, str) else "", problems=(problem,))


def _check_slide(number: int, entry: Any, config: AppConfig, stp_names: Mapping[str, str]) -> Slide:
    if not isinstance(entry, dict):
        raise _SlideError(None, "Each slide must be a mapping of fields, e.g. 'view: region_headlines'.")
    unknown = sorted(set(map(str, entry)) - set(SLIDE_FIELDS))
    if unknown:
        raise _SlideError(unknown[0], f"This field is not known; use {', '.join(SLIDE_FIELDS)}.")
    view = entry.get("view")
    if view not in VIEWS:
        raise _SlideError("view", f"Unknown view {view!r}; use one of {', '.join(VIEWS)}.")
    spec = VIEWS[view]
    for name in spec.requires:
        if entry.get(name) in (None, ""):
            raise _SlideError(name, f"A {view} slide needs '{name}'.")
    for name in ("indicator", "stp", "domain", "event"):
        if name in entry and name not in spec.requires + spec.allows:
            raise _SlideError(name, f"A {view} slide does not take '{name}'.")
    headline = entry.get("headline")
    if not isinstance(headline, str) or not headline.strip():
        raise _SlideError("headline", "Every slide needs a headline: the one sentence the room should read.")

    indicator_ids = [d.id for d in config.indicators]
    indicator = entry.get("indicator")
    if indicator is not None and indicator not in indicator_ids:
        raise _SlideError("indicator", f"Unknown indicator id {indicator!r}; use an id from config.yaml "
                                       "(listed on the Data and indicators page).")
    stp = entry.get("stp")
    if stp is not None and stp not in stp_names:
        codes = ", ".join(f"{code} ({name})" for code, name in stp_names.items())
        raise _SlideError("stp", f"Unknown STP code {stp!r}; use '{EACH_STP}' (a slide for each) or one of "
                                 f"{codes or 'none in the data'}.")
    domain = entry.get("domain")
    if domain is not None:
        if domain not in config.domains:
            raise _SlideError("domain", f"Unknown domain {domain!r}; use one of {', '.join(config.domains)}.")
        in_domain = [d.id for d in config.indicators_in(domain)]
        if indicator is not None and indicator not in in_domain:
            raise _SlideError("indicator", f"Indicator {indicator!r} is not in the {domain} domain.")
        indicator = indicator or (in_domain[0] if in_domain else None)
    event = entry.get("event")
    if event is not None and (isinstance(event, bool) or not isinstance(event, int) or event < 1):
        raise _SlideError("event", f"The event must be a forum event number (1, 2, ...), not {event!r}.")
    if "optional" in entry and (not isinstance(entry["optional"], bool) or not indicator):
        raise _SlideError("optional", "optional is true or false, on a slide with an indicator: true leaves the "
                                      "slide out when the data have no figures for its indicator.")

    slide = Slide(number, view, headline.strip(), indicator=indicator, stp=stp, domain=domain, event=event)
    allowed = compute_allowed_fields(slide)
    try:
        fields = read_headline_fields(slide.headline)
    except ValueError as error:
        raise _SlideError("headline", str(error)) from None
    for name in fields:
        if name not in allowed:
            offer = ", ".join("{" + field + "}" for field in allowed) or "none: write the headline as plain text"
            raise _SlideError("headline", f"{{{name}}} cannot be filled on a {view} slide; fields it can use: "
                                          f"{offer}.")
    return slide


def compute_allowed_fields(slide: Slide) -> tuple[str, ...]:
    """The headline fields a slide's data can fill."""
    if slide.view == "forum_plenary":
        return ()
    fields = AREA_FIELDS
    if slide.stp:
        fields += STP_FIELDS
    if slide.view == "domain":
        fields += DOMAIN_FIELDS
    if slide.indicator:
        fields += INDICATOR_FIELDS
    return fields


def read_headline_fields(template: str) -> tuple[str, ...]:
    """The {fields} a headline template names, in order; ValueError with a plain reason for anything else.

    Literal braces are written doubled: '{{' and '}}'.
    """
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise ValueError("The headline has an unmatched { or }; write literal braces as {{ and }}.") from None
    fields = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in HEADLINE_FIELDS:
            raise ValueError(f"{{{name}}} is not a headline field; use one of "
                             f"{', '.join('{' + field + '}' for field in HEADLINE_FIELDS)}.")
        if spec or conversion:
            raise ValueError(f"Write {{{name}}} without ':' or '!': the figure is formatted already.")
        fields.append(name)
    return tuple(dict.fromkeys(fields))


class MissingFact(AtscaleError):
    """A headline field has no value in these data (e.g. a suppressed figure); .field names it."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def compute_headline_text(template: str, facts: Mapping[str, str | None]) -> str:
    """The headline with its fields filled; raises MissingFact for the first field with no value."""
    fields = read_headline_fields(template)
    for name in fields:
        if facts.get(name) is None:
            raise MissingFact(name)
    return template.format_map({name: str(facts[name]) for name in fields})


def compute_indicator_facts(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str,
                            compare_level: str = "stp") -> dict[str, str | None]:
    """The headline fields about one indicator for one area (the region's code for the region) from its tidy values.

    `values`: rows of the area, the region and the `compare_level` areas (highest / lowest are among those).
    The period is the latest in which the area has a figure. A missing figure is None, never "nan".
    """
    area_rows = values[values["area_code"] == area_code]
    latest = str(values["period"].max()) if len(values) else ""
    period = latest_period_with_values(area_rows, latest) if len(area_rows) else None
    facts: dict[str, str | None] = dict.fromkeys(INDICATOR_FIELDS)
    facts.update(indicator_name=definition.name, plain_name=definition.plain_name,
                 period=format_period(period) if period else None)
    if definition.target is not None:
        facts["target"] = definition.format_value(definition.target.value)
    if period is None:
        return facts
    shown = values[values["value"].notna() & ~values["suppressed"].astype(bool)]
    now = shown[shown["period"] == period]
    facts["value"] = _value_of(now, area_code, definition)
    facts["number"] = _value_of(now, area_code, definition, with_unit=False)
    facts["region_value"] = _value_of(now[now["level"] == "region"], None, definition)
    first = shown[shown["area_code"] == area_code].sort_values("period")
    if len(first):
        facts["first_period"] = format_period(first["period"].iloc[0])
        facts["first_value"] = definition.format_value(float(first["value"].iloc[0]))
    compared = now[now["level"] == compare_level]
    if len(compared):
        highest = compared.loc[compared["value"].astype(float).idxmax()]
        lowest = compared.loc[compared["value"].astype(float).idxmin()]
        facts.update(highest_area=str(highest["area_name"]), highest_value=definition.format_value(highest["value"]),
                     lowest_area=str(lowest["area_name"]), lowest_value=definition.format_value(lowest["value"]))
    return facts


def _value_of(rows: pd.DataFrame, area_code: str | None, definition: IndicatorDefinition, *,
              with_unit: bool = True) -> str | None:
    """The area's formatted value among rows (area_code None: the rows' first value)."""
    match = rows["value"] if area_code is None else rows.loc[rows["area_code"] == area_code, "value"]
    return definition.format_value(float(match.iloc[0]), with_unit=with_unit) if len(match) else None


@dataclass(frozen=True)
class SlideTile:
    """One big figure on a slide: what it is, the number, and what it means in words (never colour alone)."""

    heading: str
    indicator_name: str
    value_text: str
    status_text: str
    target_text: str
    period: str | None
    area_name: str
    numerator: float
    denominator: float
    region_name: str = "the region"
    number_text: str = ""  # the value without its unit ('0.56'), drawn large with the unit beside it in smaller type
    unit: str = ""


STATUS_SYMBOLS = {"better": "▲", "worse": "▼", "similar": "●", "higher": "▲", "lower": "▼"}


def _region_name(values: pd.DataFrame) -> str:
    names = values.loc[values["level"] == "region", "area_name"]
    return str(names.iloc[0]) if len(names) else "the region"


def compute_slide_tile(values: pd.DataFrame, definition: IndicatorDefinition, *, heading: str, area_code: str,
                       latest_period: str) -> SlideTile | None:
    """The area's latest figure (on or before latest_period) as a tile; None when it has no figure at all."""
    rows = values[values["area_code"] == area_code]
    period = latest_period_with_values(rows, latest_period) if len(rows) else None
    if period is None:
        return None
    row = rows[rows["period"] == period].iloc[0]
    value = float(row["value"])
    unit = definition.unit
    value_text = definition.format_value(value)
    target_text = compute_target_status(definition, value)[0] if definition.target is not None else ""
    region = _region_name(values)
    status = str(row["vs_region"])
    status_text = "" if row["level"] == "region" else (
        f"{STATUS_SYMBOLS[status]} {format_status(status, region)}" if status in STATUS_SYMBOLS
        else f"○ Not compared with {region}")
    return SlideTile(heading, definition.name, value_text, status_text, target_text, period, str(row["area_name"]),
                     float(row["numerator"]), float(row["denominator"]), region,
                     number_text=definition.format_value(value, with_unit=unit == "%"), unit="" if unit == "%" else unit)


def compute_tile_table(tiles: list[SlideTile]) -> pd.DataFrame:
    """The numbers behind a slide's tiles, one row per tile."""
    compared = f"Compared with {tiles[0].region_name if tiles else 'the region'}"
    columns = ["Shown as", "Indicator", "Area", "Period", "Value", "Target", compared, "Numerator", "Denominator"]
    return pd.DataFrame([{
        "Shown as": tile.heading, "Indicator": tile.indicator_name, "Area": tile.area_name,
        "Period": tile.period, "Value": tile.value_text, compared: tile.status_text.lstrip("▲▼●○ "),
        "Target": tile.target_text, "Numerator": tile.numerator, "Denominator": tile.denominator,
    } for tile in tiles], columns=columns)


def compute_slide_label(slide: Slide, config: AppConfig, areas: AreaModel) -> str:
    """A short name for the slide list: '3. STP profile: North Central London'."""
    words = (VIEWS[slide.view].title.format(region=areas.region.name, system=areas.system.title,
                                            systems=areas.system.plural_title)
             if slide.view in VIEWS and slide.is_valid else "Slide with a problem")
    detail = []
    if slide.stp:
        detail.append(areas.name_of("stp", slide.stp))
    if slide.domain and slide.domain in config.domains:
        detail.append(config.domains[slide.domain].name)
    elif slide.indicator and slide.view in ("stp_comparison", "trend", "spc", "map"):
        detail.append(next((d.name for d in config.indicators if d.id == slide.indicator), slide.indicator))
    return f"{slide.number}. {words}" + (f": {', '.join(detail)}" if detail else "")
