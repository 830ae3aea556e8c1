"""The areas the data cover: the top area (the region), what each level is called, and the systems (STPs) and
places (boroughs) listed in practices.csv. Built once from the data; the only source of area names and counts.

dataset.yaml may say:

    areas:
      region: {code: E40000003, name: London}
      levels:
        stp: {name: STP, plural: STPs, plain_name: local health and care partnership, plain_plural: ...,
              full_name: Sustainability and Transformation Partnership}
        borough: {name: borough, plural: boroughs, plain_name: borough, plain_plural: boroughs}

Without it the top area is DEFAULT_REGION and the levels have the generic names in DEFAULT_LEVEL_NAMES.
"""
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from indicators.errors import Problem
from indicators.formatting import format_count

LEVELS = ("practice", "pcn", "borough", "stp", "region")
SYSTEM_LEVEL, PLACE_LEVEL, REGION_LEVEL = "stp", "borough", "region"
LEVEL_CODE_COLUMNS = {"practice": "practice_code", "pcn": "pcn_code", "borough": "borough_code", "stp": "stp_code"}
LEVEL_NAME_COLUMNS = {"practice": "practice_name", "pcn": "pcn_name", "borough": "borough_name", "stp": "stp_name"}
LEVEL_NAME_FIELDS = ("name", "plural", "plain_name", "plain_plural", "full_name")


@dataclass(frozen=True)
class LevelName:
    """How one level of area is called: on the dashboard (name, plural) and for the public (plain_*)."""

    name: str
    plural: str
    plain_name: str
    plain_plural: str
    full_name: str = ""  # what an acronym stands for: 'Sustainability and Transformation Partnership'

    @property
    def label(self) -> str:
        """The name with what it stands for, for a form label: 'STP (Sustainability and Transformation
        Partnership)', 'Borough'."""
        return f"{self.title} ({self.full_name})" if self.full_name else self.title

    @property
    def title(self) -> str:
        """The name at the start of a heading: 'STP', 'Borough', 'Primary Care Network'."""
        return self.name[:1].upper() + self.name[1:]

    @property
    def plural_title(self) -> str:
        return self.plural[:1].upper() + self.plural[1:]


@dataclass(frozen=True)
class Area:
    """One area: its level, code and name, and the code of the system it is in (places only)."""

    level: str
    code: str
    name: str
    parent_code: str = ""


DEFAULT_REGION = Area(REGION_LEVEL, "REGION", "Region")
DEFAULT_LEVEL_NAMES = {
    "practice": LevelName("practice", "practices", "GP surgery", "GP surgeries"),
    "pcn": LevelName("Primary Care Network", "Primary Care Networks", "network of GP surgeries",
                     "networks of GP surgeries"),
    "borough": LevelName("place", "places", "local area", "local areas"),
    "stp": LevelName("system", "systems", "local health and care system", "local health and care systems"),
}
@dataclass(frozen=True)
class AreaModel:
    """The region, the level names and every system and place, each list sorted by name."""

    region: Area = DEFAULT_REGION
    level_names: Mapping[str, LevelName] = field(default_factory=lambda: dict(DEFAULT_LEVEL_NAMES))
    systems: tuple[Area, ...] = ()
    places: tuple[Area, ...] = ()

    @cached_property
    def fingerprint(self) -> str:
        """A short digest of the whole model: caches key on it instead of hashing every area each time."""
        return hashlib.sha1(repr(self).encode()).hexdigest()

    def level(self, level: str) -> LevelName:
        """What a level is called; the region level is called by the region's name."""
        if level == REGION_LEVEL:
            return LevelName(self.region.name, self.region.name, self.region.name, self.region.name)
        return self.level_names.get(level) or DEFAULT_LEVEL_NAMES.get(level) or LevelName(level, level, level, level)

    @property
    def system(self) -> LevelName:
        return self.level(SYSTEM_LEVEL)

    @property
    def place(self) -> LevelName:
        return self.level(PLACE_LEVEL)

    def areas(self, level: str) -> tuple[Area, ...]:
        """The systems ('stp') or places ('borough'), or the region alone ('region')."""
        return {SYSTEM_LEVEL: self.systems, PLACE_LEVEL: self.places, REGION_LEVEL: (self.region,)}[level]

    def names(self, level: str, *, system_code: str | None = None) -> dict[str, str]:
        """Code -> name of the systems or places, sorted by name; system_code keeps that system's places."""
        return {area.code: area.name for area in self.areas(level)
                if system_code is None or area.parent_code == system_code or area.code == system_code}

    def count(self, level: str, *, system_code: str | None = None) -> int:
        return len(self.names(level, system_code=system_code))

    def name_of(self, level: str, code: str) -> str:
        """The area's name, or its code when the data do not name it."""
        return self.names(level).get(code, code)

    def count_phrase(self, level: str, *, system_code: str | None = None) -> str:
        """'the 42 STPs', 'the two systems', 'the borough' (one): the areas of a level, counted in words."""
        count = self.count(level, system_code=system_code)
        names = self.level(level)
        return f"the {names.name}" if count == 1 else f"the {format_count(count)} {names.plural}"


def read_area_settings(raw: Any, source: str, problems: list[Problem]) -> tuple[Area, dict[str, LevelName]]:
    """The region and level names from dataset.yaml's `areas` section; a missing or bad part is reported and
    replaced by its generic default (so the dashboard still works, with 'Region' and 'system'/'place')."""
    levels = dict(DEFAULT_LEVEL_NAMES)
    if raw is None:
        problems.append(Problem(source, f"There is no 'areas' section naming the top area (for example "
                                f"region: {{code: E40000003, name: London}}), so it is called '{DEFAULT_REGION.name}' "
                                "and the levels have generic names (system, place).", field="areas",
                                severity="warning"))
        return DEFAULT_REGION, levels
    if not isinstance(raw, dict):
        problems.append(Problem(source, "areas must be a mapping with region and levels; generic names are used.",
                                field="areas"))
        return DEFAULT_REGION, levels
    for name in sorted(set(map(str, raw)) - {"region", "levels"}):
        problems.append(Problem(source, "This field is not known and was ignored; use region and levels.",
                                field=f"areas.{name}", severity="warning"))
    region = _read_region(raw.get("region"), source, problems)
    raw_levels = raw.get("levels") or {}
    if not isinstance(raw_levels, dict):
        problems.append(Problem(source, "areas.levels must map a level (stp, borough) to its names.",
                                field="areas.levels"))
        return region, levels
    for level, names in raw_levels.items():
        where = f"areas.levels.{level}"
        if level not in DEFAULT_LEVEL_NAMES:
            problems.append(Problem(source, f"Unknown level; use one of {', '.join(DEFAULT_LEVEL_NAMES)}.",
                                    field=where, severity="warning"))
            continue
        if not isinstance(names, dict) or not all(isinstance(names.get(f), str) and names[f].strip()
                                                  for f in ("name", "plural")):
            problems.append(Problem(source, "A level needs at least a name and a plural; the generic names are "
                                    "used.", field=where))
            continue
        text = {f: " ".join(str(names.get(f) or "").split()) for f in LEVEL_NAME_FIELDS}
        levels[level] = LevelName(text["name"], text["plural"], text["plain_name"] or text["name"],
                                  text["plain_plural"] or text["plural"], text["full_name"])
    return region, levels


def _read_region(raw: Any, source: str, problems: list[Problem]) -> Area:
    if raw is None:
        problems.append(Problem(source, f"areas.region is missing, so the top area is called "
                                f"'{DEFAULT_REGION.name}'; add region: {{code: ..., name: ...}}.", field="areas.region",
                                severity="warning"))
        return DEFAULT_REGION
    if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) and raw[f].strip() for f in ("code", "name")):
        problems.append(Problem(source, f"areas.region needs a code and a name (for example code: E40000003, "
                                f"name: London); '{DEFAULT_REGION.name}' is used.", field="areas.region"))
        return DEFAULT_REGION
    return Area(REGION_LEVEL, raw["code"].strip(), " ".join(raw["name"].split()))


def build_area_model(geography: pd.DataFrame, region: Area = DEFAULT_REGION,
                     level_names: Mapping[str, LevelName] | None = None) -> AreaModel:
    """The area model of practices.csv (as loaded: blank codes already left out) under the given region."""
    return AreaModel(region, dict(level_names or DEFAULT_LEVEL_NAMES), _list_areas(geography, SYSTEM_LEVEL),
                     _list_areas(geography, PLACE_LEVEL))


def _list_areas(geography: pd.DataFrame, level: str) -> tuple[Area, ...]:
    """Each area of the level once, by name; a place's system is the one most of its practices are in."""
    code, name = LEVEL_CODE_COLUMNS[level], LEVEL_NAME_COLUMNS[level]
    if geography.empty or code not in geography.columns:
        return ()
    rows = geography[geography[code].astype(str) != ""]
    if level == PLACE_LEVEL:
        counted = rows.groupby([code, "stp_code"], sort=False).size().rename("practices").reset_index()
        counted = counted.sort_values([code, "practices", "stp_code"], ascending=[True, False, True], kind="stable")
        counted = counted.drop_duplicates(code)
        parents = dict(zip(counted[code], counted["stp_code"]))
    else:
        parents = {}
    areas = rows[[code, name]].drop_duplicates(code)
    areas = areas.sort_values([name, code], kind="stable")
    return tuple(Area(level, str(c), str(n) or str(c), str(parents.get(c, ""))) for c, n in zip(areas[code], areas[name]))
