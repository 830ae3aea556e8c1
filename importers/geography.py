"""Places the NHS files do not name, read from the reference tables in importers/reference (see its README).

A region with reference rows (London) has places of its own (boroughs), placed from CCGs and postcodes;
any other region's places are its CCGs, as the practice mapping names them.
"""
import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class LevelWords:
    """What one level of area is called (dataset.yaml's areas.levels)."""

    name: str
    plural: str
    plain_name: str
    plain_plural: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "plural": self.plural, "plain_name": self.plain_name,
                "plain_plural": self.plain_plural}


# The NHS files' own levels, the same in every region.
SYSTEM_WORDS = LevelWords("STP", "STPs", "local health and care partnership", "local health and care partnerships")
CCG_AREA_WORDS = LevelWords("CCG area", "CCG areas", "local NHS area", "local NHS areas")


@dataclass(frozen=True)
class Ccg:
    code: str
    name: str
    stp_code: str
    borough_codes: tuple[str, ...]  # main borough first
    merged: bool  # a CCG formed by merging borough CCGs (2020, 2021): it says nothing about the borough


@dataclass(frozen=True)
class PlaceReference:
    """One region's places (boroughs), the CCGs that covered them and the boroughs of each postcode district."""

    region_code: str
    region_name: str
    place_words: LevelWords
    borough_names: dict[str, str]
    borough_ccg: dict[str, str]  # borough -> the CCG of 2018-19 that commissioned its practices
    ccgs: dict[str, Ccg]
    districts: dict[str, tuple[str, ...]]  # postcode district -> boroughs, main first

    def ccg_boroughs(self, ccg_code: str) -> tuple[str, ...]:
        ccg = self.ccgs.get(ccg_code)
        return ccg.borough_codes if ccg else ()

    def stp_boroughs(self, stp_code: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b for ccg in self.ccgs.values() if ccg.stp_code == stp_code
                                   for b in ccg.borough_codes))

    def district_boroughs(self, district: str) -> tuple[str, ...]:
        """Boroughs a postcode district lies in, main first; () when it is not one of the region's districts.

        A sub-district (EC1V, W1T) falls back to its parent (EC1, W1) unless it is listed itself.
        """
        district = district.upper()
        if district in self.districts:
            return self.districts[district]
        if district[-1:].isalpha() and district[:-1] in self.districts:
            return self.districts[district[:-1]]
        return ()


def read_postcode_district(postcode: str) -> str:
    """The outward code of a postcode ('NW1 2BU' -> 'NW1'); '' when there is none."""
    parts = postcode.upper().split()
    if not parts:
        return ""
    if len(parts) == 1 and len(parts[0]) > 4:  # written without the space: 'NW12BU'
        return parts[0][:-3]
    return parts[0]


def find_reference_region(wanted: str) -> tuple[str, str] | None:
    """(code, name) of the reference region whose code or name is `wanted`, for imports without a mapping."""
    key = " ".join(wanted.split()).casefold()
    for row in _rows("regions.csv"):
        if key in (row["region_code"].casefold(), row["region_name"].casefold()):
            return row["region_code"], row["region_name"]
    return None


@cache
def load_place_reference(region_code: str) -> PlaceReference | None:
    """The region's reference tables, or None when it has none (its places are then its CCGs)."""
    regions = [r for r in _rows("regions.csv") if r["region_code"] == region_code]
    if not regions:
        return None
    region = regions[0]
    boroughs = [r for r in _rows("boroughs.csv") if r["region_code"] == region_code]
    names = {r["borough_code"]: r["borough_name"] for r in boroughs}
    ccgs = {}
    for row in _rows("ccgs.csv"):
        if row["region_code"] == region_code:
            codes = tuple(row["borough_codes"].split())
            ccgs[row["ccg_code"]] = Ccg(row["ccg_code"], row["ccg_name"], row["stp_code"], codes, row["merged"] == "yes")
    districts = {r["district"]: tuple(r["borough_codes"].split())
                 for r in _rows("postcode_districts.csv") if r["region_code"] == region_code}
    unknown = {b for ccg in ccgs.values() for b in ccg.borough_codes} | {b for d in districts.values() for b in d}
    unknown -= set(names)
    if unknown:
        raise ValueError(f"{REFERENCE_DIR}: borough codes not in boroughs.csv: {', '.join(sorted(unknown))}")
    words = LevelWords(region["place_name"], region["place_plural"], region["place_plain_name"],
                       region["place_plain_plural"])
    return PlaceReference(region_code, region["region_name"], words, names,
                          {r["borough_code"]: r["ccg_2018_code"] for r in boroughs}, ccgs, districts)


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as file:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(file)]
