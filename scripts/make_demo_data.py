"""Write the illustrative demo dataset (London, or an invented England-scale geography) to a data folder.

The geography of London (STPs, CCGs of 2018, boroughs, postcode districts) is real; every practice,
PCN and figure is invented and labelled "illustrative". The same seed always writes the same bytes.

    python scripts/make_demo_data.py                        # London into data/
    python scripts/make_demo_data.py --out DIR              # London elsewhere
    python scripts/make_demo_data.py --scale england --out DIR
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository is not installed


DEFAULT_SEED = 20180401
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data"
CREATED = "2021-03-31"  # fixed, so that the output does not change from one day to the next
ENGLAND_PRACTICES = 6500
ENGLAND_SYSTEMS = 42
ENGLAND_PLACES = 200

# Sixteen quarters, April 2017 to January 2021: enough for a statistical process control chart (15 points or more).
PERIODS = tuple(f"{2017 + (3 + 3 * i) // 12}-{(3 + 3 * i) % 12 + 1:02d}-01" for i in range(16))
APRIL_2018 = PERIODS.index("2018-04-01")  # LONDON_AREAS gives each area's registered patients then
PCN_START = PERIODS.index("2019-07-01")  # Primary Care Networks began on 1 July 2019
FINANCIAL_YEAR_STARTS = tuple(i for i, period in enumerate(PERIODS) if period.endswith("-04-01"))

FILE_COLUMNS = {
    "practices.csv": ("practice_code", "practice_name", "postcode_district", "pcn_code", "pcn_name",
                      "federation_name", "borough_code", "borough_name", "ccg_code", "ccg_name", "stp_code",
                      "stp_name", "deprivation_decile"),
    "registered_patients.csv": ("practice_code", "period", "registered_patients"),
    "workforce.csv": ("practice_code", "period", "gp_fte", "nurse_fte", "dpc_fte", "admin_fte"),
    "extended_access.csv": ("practice_code", "period", "full_extended_access", "patients_covered",
                            "appointments_per_week", "appointment_minutes_per_week"),
    "collaboration.csv": ("practice_code", "period", "in_collaboration", "in_federation", "in_pcn",
                          "shared_record", "pcn_size_band"),
    "extended_hours.csv": ("practice_code", "period", "extended_hours_payment", "offers_extended_hours"),
    "pcn_workforce.csv": ("pcn_code", "period", "staff_group", "staff_role", "fte"),
    "vision_survey.csv": ("borough_code", "period", "role", "respondents", "aware", "understand_support"),
    "maturity.csv": ("pcn_code", "period", "maturity_domain", "score"),
    "map_tiles.csv": ("borough_code", "short_name", "column", "row"),
}
SORT_KEYS = {
    "practices.csv": ("practice_code",),
    "registered_patients.csv": ("practice_code", "period"),
    "workforce.csv": ("practice_code", "period"),
    "extended_access.csv": ("practice_code", "period"),
    "collaboration.csv": ("practice_code", "period"),
    "extended_hours.csv": ("practice_code", "period"),
    "pcn_workforce.csv": ("pcn_code", "period", "staff_group", "staff_role"),
    "vision_survey.csv": ("borough_code", "period", "role"),
    "maturity.csv": ("pcn_code", "period", "maturity_domain"),
    "map_tiles.csv": ("row", "column"),
}
MANIFEST_FILE = "dataset.yaml"

NOT_IN_NETWORK = "not in a network"
SIZE_BANDS = ("under 30,000", "30,000 to 50,000", "over 50,000")

# (role, respondents low-high, share aware at the start, share of the aware who understand and support)
SURVEY_ROLES = (
    ("GP", (10, 40), 0.27, 0.62),
    ("Practice manager", (5, 20), 0.5, 0.72),
    ("Practice staff", (15, 60), 0.17, 0.58),
    ("CCG or STP lead", (3, 10), 0.83, 0.86),
    ("Patient or public", (40, 200), 0.065, 0.55),
)
CONFIG_FILE = Path(__file__).resolve().parents[1] / "config.yaml"  # its maturity_domains name the domains
# Each maturity domain's offset from the PCN's overall stage, in config.yaml's order (repeated if it lists more).
MATURITY_OFFSETS = (0.35, -0.45, 0.0, -0.1, -0.3)
# (staff group, staff role, first period index, share of PCNs with the role, FTE per 50,000 patients
#  once fully grown); names as in NHS Digital's Primary Care Network Workforce publication
PCN_ROLES = (
    ("Directors", "Clinical Director", PCN_START, 1.0, 0.25),
    ("Other Direct Patient Care staff", "Pharmacists", PCN_START, 0.95, 1.8),
    ("Other Direct Patient Care staff", "Social Prescribing Link Workers", PCN_START, 0.9, 1.3),
    ("Other Direct Patient Care staff", "Physiotherapists", PCN_START + 3, 0.45, 0.7),
    ("Other Direct Patient Care staff", "Physician Associates", PCN_START + 3, 0.3, 0.8),
    ("Other Direct Patient Care staff", "Paramedics", PCN_START + 4, 0.2, 0.6),
    ("Other Admin/Non-clinical staff", "Managers", PCN_START + 1, 0.45, 0.6),
)

STP_LEVEL_NAMES = {"name": "STP", "plural": "STPs", "plain_name": "local health and care partnership",
                   "plain_plural": "local health and care partnerships",
                   "full_name": "Sustainability and Transformation Partnership"}
STP_NAMES = {
    "QMJ": "North Central London",
    "QMF": "North East London",
    "QRV": "North West London",
    "QKK": "South East London",
    "QWE": "South West London",
}
# borough code, borough, CCG code, CCG, STP, practices, registered patients in April 2018 (thousands),
# typical deprivation decile, real postcode districts. Westminster is split between two CCGs.
LONDON_AREAS = (
    ("E09000001", "City of London", "07T", "NHS City and Hackney CCG", "QMF", 1, 9, 7,
     ("EC2Y", "EC1A")),
    ("E09000002", "Barking and Dagenham", "07L", "NHS Barking and Dagenham CCG", "QMF", 36, 204, 2,
     ("IG11", "RM8", "RM9", "RM10", "RM6")),
    ("E09000003", "Barnet", "07M", "NHS Barnet CCG", "QMJ", 60, 380, 6,
     ("N2", "N3", "N11", "N12", "N20", "NW4", "NW7", "NW9", "NW11", "EN5", "HA8")),
    ("E09000004", "Bexley", "07N", "NHS Bexley CCG", "QKK", 26, 233, 6,
     ("DA5", "DA6", "DA7", "DA8", "DA14", "DA15", "DA16")),
    ("E09000005", "Brent", "07P", "NHS Brent CCG", "QRV", 60, 352, 3,
     ("NW10", "NW2", "NW6", "HA0", "HA9")),
    ("E09000006", "Bromley", "07Q", "NHS Bromley CCG", "QKK", 44, 314, 7,
     ("BR1", "BR2", "BR3", "BR4", "BR5", "BR6", "BR7")),
    ("E09000007", "Camden", "07R", "NHS Camden CCG", "QMJ", 35, 256, 4,
     ("NW1", "NW3", "NW5", "WC1N", "WC1X")),
    ("E09000008", "Croydon", "07V", "NHS Croydon CCG", "QWE", 57, 380, 4,
     ("CR0", "CR2", "CR5", "CR7", "CR8", "SE25")),
    ("E09000009", "Ealing", "07W", "NHS Ealing CCG", "QRV", 74, 370, 4,
     ("W5", "W7", "W13", "W3", "UB1", "UB2", "UB5", "UB6")),
    ("E09000010", "Enfield", "07X", "NHS Enfield CCG", "QMJ", 47, 314, 3,
     ("EN1", "EN2", "EN3", "N9", "N13", "N18", "N21")),
    ("E09000011", "Greenwich", "08A", "NHS Greenwich CCG", "QKK", 35, 276, 3,
     ("SE3", "SE7", "SE9", "SE10", "SE18", "SE28")),
    ("E09000012", "Hackney", "07T", "NHS City and Hackney CCG", "QMF", 41, 276, 2,
     ("E2", "E5", "E8", "E9", "N16")),
    ("E09000013", "Hammersmith and Fulham", "08C", "NHS Hammersmith and Fulham CCG", "QRV", 30, 218, 4,
     ("W6", "W12", "W14", "SW6")),
    ("E09000014", "Haringey", "08D", "NHS Haringey CCG", "QMJ", 38, 285, 3,
     ("N4", "N8", "N10", "N15", "N17", "N22")),
    ("E09000015", "Harrow", "08E", "NHS Harrow CCG", "QRV", 34, 242, 6,
     ("HA1", "HA2", "HA3", "HA5", "HA7")),
    ("E09000016", "Havering", "08F", "NHS Havering CCG", "QMF", 43, 247, 6,
     ("RM1", "RM3", "RM7", "RM11", "RM12", "RM13")),
    ("E09000017", "Hillingdon", "08G", "NHS Hillingdon CCG", "QRV", 45, 294, 5,
     ("UB3", "UB4", "UB7", "UB8", "UB10", "HA4")),
    ("E09000018", "Hounslow", "07Y", "NHS Hounslow CCG", "QRV", 48, 276, 4,
     ("TW3", "TW4", "TW5", "TW7", "TW8", "TW13", "W4")),
    ("E09000019", "Islington", "08H", "NHS Islington CCG", "QMJ", 33, 223, 3,
     ("N1", "N5", "N7", "N19", "EC1V")),
    ("E09000020", "Kensington and Chelsea", "08Y", "NHS West London CCG", "QRV", 30, 162, 5,
     ("W8", "W10", "W11", "SW3", "SW5", "SW7", "SW10")),
    ("E09000021", "Kingston upon Thames", "08J", "NHS Kingston CCG", "QWE", 21, 190, 8,
     ("KT1", "KT2", "KT3", "KT5", "KT6", "KT9")),
    ("E09000022", "Lambeth", "08K", "NHS Lambeth CCG", "QKK", 46, 370, 3,
     ("SE11", "SE24", "SE27", "SW2", "SW4", "SW9", "SW16")),
    ("E09000023", "Lewisham", "08L", "NHS Lewisham CCG", "QKK", 39, 294, 3,
     ("SE4", "SE6", "SE8", "SE12", "SE13", "SE14", "SE23")),
    ("E09000024", "Merton", "08R", "NHS Merton CCG", "QWE", 23, 209, 7,
     ("SW19", "SW20", "CR4", "SM4")),
    ("E09000025", "Newham", "08M", "NHS Newham CCG", "QMF", 55, 361, 2,
     ("E6", "E7", "E12", "E13", "E15", "E16")),
    ("E09000026", "Redbridge", "08N", "NHS Redbridge CCG", "QMF", 44, 294, 5,
     ("IG1", "IG2", "IG3", "IG4", "IG5", "IG6", "IG8", "E18")),
    ("E09000027", "Richmond upon Thames", "08P", "NHS Richmond CCG", "QWE", 27, 195, 9,
     ("TW1", "TW2", "TW9", "TW10", "TW11", "TW12", "SW13", "SW14")),
    ("E09000028", "Southwark", "08Q", "NHS Southwark CCG", "QKK", 39, 314, 3,
     ("SE1", "SE5", "SE15", "SE16", "SE17", "SE21", "SE22")),
    ("E09000029", "Sutton", "08T", "NHS Sutton CCG", "QWE", 24, 195, 7,
     ("SM1", "SM2", "SM3", "SM5", "SM6")),
    ("E09000030", "Tower Hamlets", "08V", "NHS Tower Hamlets CCG", "QMF", 34, 314, 2,
     ("E1", "E1W", "E2", "E3", "E14")),
    ("E09000031", "Waltham Forest", "08W", "NHS Waltham Forest CCG", "QMF", 41, 276, 3,
     ("E4", "E10", "E11", "E17")),
    ("E09000032", "Wandsworth", "08X", "NHS Wandsworth CCG", "QWE", 43, 390, 6,
     ("SW11", "SW12", "SW15", "SW17", "SW18")),
    ("E09000033", "Westminster", "09A", "NHS Central London (Westminster) CCG", "QRV", 34, 190, 5,
     ("W1G", "W1H", "W1U", "SW1P", "SW1V", "NW8", "W2")),
    ("E09000033", "Westminster", "08Y", "NHS West London CCG", "QRV", 13, 57, 3,
     ("W9", "W2")),
)
# The London squares grid: borough code -> (short label, column, row from the north-west corner), written to
# map_tiles.csv so the app's tile map is laid out like London without knowing London.
LONDON_TILES = {
    "E09000010": ("ENF", 4, 0), "E09000015": ("HRW", 2, 1), "E09000003": ("BNT", 3, 1), "E09000014": ("HGY", 4, 1),
    "E09000031": ("WTH", 5, 1), "E09000017": ("HDN", 0, 2), "E09000009": ("EAL", 1, 2), "E09000005": ("BRT", 2, 2),
    "E09000007": ("CMD", 3, 2), "E09000019": ("ISL", 4, 2), "E09000012": ("HCK", 5, 2), "E09000026": ("RDB", 6, 2),
    "E09000016": ("HVG", 7, 2), "E09000018": ("HNS", 0, 3), "E09000013": ("HMS", 1, 3), "E09000020": ("KNS", 2, 3),
    "E09000033": ("WST", 3, 3), "E09000001": ("CTY", 4, 3), "E09000030": ("TOW", 5, 3), "E09000025": ("NWM", 6, 3),
    "E09000002": ("BDG", 7, 3), "E09000027": ("RCH", 1, 4), "E09000032": ("WND", 2, 4), "E09000022": ("LBH", 3, 4),
    "E09000028": ("SWK", 4, 4), "E09000023": ("LSH", 5, 4), "E09000011": ("GRN", 6, 4), "E09000004": ("BXL", 7, 4),
    "E09000021": ("KTN", 1, 5), "E09000024": ("MRT", 2, 5), "E09000008": ("CRY", 3, 5), "E09000006": ("BRM", 4, 5),
    "E09000029": ("STN", 2, 6),
}
# Boroughs served by two GP federations (the rest have one each).
TWO_FEDERATION_BOROUGHS = ("E09000003", "E09000008", "E09000009")

# Syllables for invented names (checked against the real practice names of England: none match).
NAME_STARTS = (
    "Quill", "Brack", "Corr", "Dunn", "Elsk", "Fenn", "Garr", "Hask", "Ivel", "Jarr", "Kell", "Lorr",
    "Marr", "Nettl", "Orr", "Pell", "Quarr", "Rusk", "Sorr", "Tarr", "Umb", "Vell", "Wrax", "Yarr",
    "Zell", "Ambr", "Cald", "Drav", "Embr", "Frax", "Gild", "Harn", "Ilv", "Kirv", "Lund", "Mord",
    "Osk", "Pax", "Rell", "Tovr",
)
NAME_ENDS = (
    "amere", "enbrook", "ingdene", "elfield", "ivale", "eyhurst", "acombe", "ingstead", "ethorpe",
    "elgate", "owmead", "enholt", "acroft", "ingwick", "eydale", "ancote", "ermoor", "ishaw", "oley",
    "aworth",
)
STREET_WORDS = ("", " Road", " Lane", " Street", " Park", " Green")
PRACTICE_WORDS = (" Medical Centre", " Surgery", " Health Centre", " Medical Practice", " Group Practice",
                  " Family Practice")


@dataclass(frozen=True)
class Area:
    """A borough (or the part of one in a single CCG) and what the generator needs to know about it."""

    borough_code: str
    borough_name: str
    ccg_code: str
    ccg_name: str
    stp_code: str
    stp_name: str
    practice_count: int
    patients_2018: int
    deprivation_decile: int
    postcode_districts: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    """Everything that differs between the London and the England-scale datasets."""

    name: str
    title: str
    source_note: str
    region: dict[str, str]  # dataset.yaml's areas.region: the top area's code and name
    level_names: dict[str, dict[str, str]]  # dataset.yaml's areas.levels: what systems and places are called
    areas: tuple[Area, ...]
    two_federation_boroughs: tuple[str, ...]
    pcn_band_shares: tuple[float, float, float]  # share of PCNs aimed under 30k, at 30-50k, over 50k
    practice_code_width: int
    pcn_code_width: int
    late_openers: int
    early_closers: int
    workforce_gaps: int


def build_london_scale() -> Scale:
    areas = tuple(
        Area(code, borough, ccg, ccg_name, stp, STP_NAMES[stp], count, patients * 1000, decile, districts)
        for code, borough, ccg, ccg_name, stp, count, patients, decile, districts in LONDON_AREAS
    )
    return Scale(name="london", title="Illustrative London general practice at scale (generated demo data)",
                 source_note="", region={"code": "E40000003", "name": "London"},
                 level_names={"stp": STP_LEVEL_NAMES,
                              "borough": {"name": "borough", "plural": "boroughs", "plain_name": "borough",
                                          "plain_plural": "boroughs"}},
                 areas=areas, two_federation_boroughs=TWO_FEDERATION_BOROUGHS,
                 pcn_band_shares=(0.12, 0.76, 0.12), practice_code_width=4, pcn_code_width=3,
                 late_openers=4, early_closers=5, workforce_gaps=12)


def build_england_scale(rng: np.random.Generator, practice_count: int = ENGLAND_PRACTICES) -> Scale:
    """An invented England: 42 systems, 200 places (one CCG each); no code is a real ONS or ODS code."""
    if practice_count < 1000:
        raise ValueError(f"England scale needs at least 1,000 practices (asked for {practice_count:,})")
    places_per_system = np.full(ENGLAND_SYSTEMS, ENGLAND_PLACES // ENGLAND_SYSTEMS)
    extra = rng.choice(ENGLAND_SYSTEMS, ENGLAND_PLACES - int(places_per_system.sum()), replace=False)
    places_per_system[extra] += 1
    system_of_place = np.repeat(np.arange(ENGLAND_SYSTEMS), places_per_system)
    place_names = build_invented_words(rng, ENGLAND_PLACES)
    mean_list = 9200 * rng.lognormal(0, 0.12, ENGLAND_PLACES)
    weight = rng.lognormal(0, 0.45, ENGLAND_PLACES)
    counts = allocate_counts(practice_count, weight, minimum=2)
    deciles = rng.integers(1, 11, ENGLAND_PLACES)
    areas = []
    for i in range(ENGLAND_PLACES):
        system = int(system_of_place[i])
        name = place_names[i]
        areas.append(Area(
            borough_code=f"X99{i + 1:06d}", borough_name=name,
            ccg_code=f"DC{i + 1:03d}", ccg_name=f"NHS {name} CCG",
            stp_code=f"QE{system + 1:02d}", stp_name=f"System {system + 1:02d}",
            practice_count=int(counts[i]), patients_2018=round(float(counts[i] * mean_list[i])),
            deprivation_decile=int(deciles[i]),
            postcode_districts=tuple(f"X{i + 1}{letter}" for letter in "ABC"),
        ))
    return Scale(name="england",
                 title="Illustrative England-scale general practice (generated demo data, invented places)",
                 source_note=" --scale england", region={"code": "E92000001", "name": "England"},
                 level_names={"stp": STP_LEVEL_NAMES,
                              "borough": {"name": "CCG area", "plural": "CCG areas", "plain_name": "local NHS area",
                                          "plain_plural": "local NHS areas",
                                          "full_name": "the area of a Clinical Commissioning Group"}},
                 areas=tuple(areas),
                 two_federation_boroughs=tuple(a.borough_code for a in areas[::25]),
                 pcn_band_shares=(0.05, 0.5, 0.45), practice_code_width=4, pcn_code_width=4,
                 late_openers=20, early_closers=25, workforce_gaps=60)


def allocate_counts(total: int, weight: np.ndarray, minimum: int) -> np.ndarray:
    """Whole numbers proportional to weight, each at least minimum, adding up to total (largest remainder)."""
    spare = total - minimum * len(weight)
    if spare < 0:
        raise ValueError(f"{total} practices are too few for {len(weight)} places")
    share = weight / weight.sum() * spare
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: spare - int(counts.sum())]] += 1
    return counts + minimum


def build_invented_words(rng: np.random.Generator, count: int) -> list[str]:
    """count distinct invented place-like words (e.g. "Quillamere"), in a seeded random order."""
    words = [start + end for start in NAME_STARTS for end in NAME_ENDS]
    if count > len(words):
        raise ValueError(f"only {len(words)} invented words for {count} names")
    return [words[i] for i in rng.permutation(len(words))[:count]]


def build_practice_names(rng: np.random.Generator, count: int) -> list[str]:
    words = [start + end for start in NAME_STARTS for end in NAME_ENDS]
    picks = rng.choice(len(words) * len(STREET_WORDS) * len(PRACTICE_WORDS), count, replace=False)
    word, rest = np.divmod(picks, len(STREET_WORDS) * len(PRACTICE_WORDS))
    street, kind = np.divmod(rest, len(PRACTICE_WORDS))
    return [words[w] + STREET_WORDS[s] + PRACTICE_WORDS[k] for w, s, k in zip(word, street, kind)]


def compute_size_band(patients: np.ndarray) -> np.ndarray:
    return np.where(patients < 30000, SIZE_BANDS[0], np.where(patients <= 50000, SIZE_BANDS[1], SIZE_BANDS[2]))


def ramp(t: np.ndarray | int, start: np.ndarray | float, end: np.ndarray | float) -> np.ndarray:
    """0 before start, rising in a straight line to 1 at end, 1 after."""
    return np.clip((np.asarray(t, dtype=float) - start) / np.maximum(np.asarray(end) - start, 1e-9), 0, 1)


def spread_effects(rng: np.random.Generator, count: int, size: float) -> np.ndarray:
    """Evenly spread effects from -size to +size in a random order, so areas differ clearly."""
    return rng.permutation(np.linspace(-size, size, count)) if count > 1 else np.zeros(count)


def build_demo_tables(scale: str = "london", seed: int = DEFAULT_SEED,
                      practice_count: int = ENGLAND_PRACTICES) -> tuple[Scale, dict[str, pd.DataFrame]]:
    """Every table of the data contract, keyed by file name; practice_count applies to England only."""
    rng = np.random.default_rng(seed)
    if scale == "london":
        spec = build_london_scale()
    elif scale == "england":
        spec = build_england_scale(rng, practice_count)
    else:
        raise ValueError(f"unknown scale {scale!r}: use london or england")
    areas = spec.areas
    n_areas, n_periods = len(areas), len(PERIODS)
    t = np.arange(n_periods)
    stp_codes = sorted({a.stp_code for a in areas})
    stp_of_area = np.array([stp_codes.index(a.stp_code) for a in areas])
    borough_codes = sorted({a.borough_code for a in areas})
    borough_of_area = np.array([borough_codes.index(a.borough_code) for a in areas])

    # Practices, area by area, ordered by postcode district so that neighbours share a network.
    area_of_practice, district_of_practice = [], []
    for i, area in enumerate(areas):
        districts = rng.integers(0, len(area.postcode_districts), area.practice_count)
        districts.sort()
        area_of_practice.extend([i] * area.practice_count)
        district_of_practice.extend(area.postcode_districts[d] for d in districts)
    area_of_practice = np.array(area_of_practice)
    n = len(area_of_practice)
    codes = np.array([f"DEMO{i + 1:0{spec.practice_code_width}d}" for i in range(n)])
    names = build_practice_names(rng, n)
    deprivation = np.clip(np.rint(np.array([areas[a].deprivation_decile for a in area_of_practice])
                                  + rng.normal(0, 1.2, n)), 1, 10).astype(int)
    lists, active = build_list_sizes(rng, spec, area_of_practice)

    pcn_of_practice, pcn_area = build_networks(rng, spec, area_of_practice, lists, active)
    n_pcns = len(pcn_area)
    has_pcn = pcn_of_practice >= 0
    pcn_codes = np.array([f"DPCN{i + 1:0{spec.pcn_code_width}d}" for i in range(n_pcns)])
    if spec.name == "london":
        pcn_names = np.array([f"{word} PCN" for word in build_invented_words(rng, n_pcns)])
    else:  # more networks than invented words
        pcn_names = np.array([f"{areas[a].borough_name} {k + 1} PCN" for k, a in enumerate_within(pcn_area)])
    federation = build_federation_names(spec, area_of_practice, pcn_of_practice, pcn_area)

    # Registered patients per network and period (members only) gives its size band.
    in_pcn = has_pcn[:, None] & active & (t[None, :] >= PCN_START)
    pcn_patients = np.zeros((n_pcns, n_periods))
    for k in range(n_periods):
        pcn_patients[:, k] = np.bincount(pcn_of_practice[in_pcn[:, k]], lists[in_pcn[:, k], k], n_pcns)
    band = np.where(in_pcn, compute_size_band(pcn_patients[np.maximum(pcn_of_practice, 0)]), NOT_IN_NETWORK)
    collaboration = build_collaboration_flags(rng, area_of_practice, stp_of_area, in_pcn)
    extended_access = build_extended_access(rng, area_of_practice, lists)
    fte, workforce_rows = build_practice_workforce(rng, spec, area_of_practice, lists, active)

    practice_period = {
        "practice_code": np.repeat(codes, n_periods).reshape(n, n_periods),
        "period": np.tile(np.array(PERIODS), (n, 1)),
    }

    def practice_table(mask: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
        return pd.DataFrame({name: values[mask] for name, values in {**practice_period, **columns}.items()})

    tables: dict[str, pd.DataFrame] = {}
    tables["practices.csv"] = pd.DataFrame({
        "practice_code": codes,
        "practice_name": names,
        "postcode_district": district_of_practice,
        "pcn_code": np.where(has_pcn, pcn_codes[np.maximum(pcn_of_practice, 0)], ""),
        "pcn_name": np.where(has_pcn, pcn_names[np.maximum(pcn_of_practice, 0)], ""),
        "federation_name": federation,
        "borough_code": [areas[a].borough_code for a in area_of_practice],
        "borough_name": [areas[a].borough_name for a in area_of_practice],
        "ccg_code": [areas[a].ccg_code for a in area_of_practice],
        "ccg_name": [areas[a].ccg_name for a in area_of_practice],
        "stp_code": [areas[a].stp_code for a in area_of_practice],
        "stp_name": [areas[a].stp_name for a in area_of_practice],
        "deprivation_decile": deprivation,
    })
    tables["registered_patients.csv"] = practice_table(active, {"registered_patients": lists})
    tables["workforce.csv"] = practice_table(workforce_rows, fte)
    tables["extended_access.csv"] = practice_table(active, extended_access)
    tables["collaboration.csv"] = practice_table(active, {**collaboration, "pcn_size_band": band})
    tables["extended_hours.csv"] = build_extended_hours(rng, codes, lists, active, area_of_practice, n_areas)
    tables["pcn_workforce.csv"] = build_pcn_workforce(rng, pcn_codes, pcn_patients)
    tables["vision_survey.csv"] = build_vision_survey(rng, borough_codes, borough_of_area, stp_of_area,
                                                      len(stp_codes))
    tables["maturity.csv"] = build_maturity(rng, pcn_codes, stp_of_area[pcn_area], len(stp_codes))
    if spec.name == "london":
        tables["map_tiles.csv"] = build_map_tiles()
    for file_name, frame in tables.items():
        tables[file_name] = (frame[list(FILE_COLUMNS[file_name])]
                             .sort_values(list(SORT_KEYS[file_name]), kind="stable").reset_index(drop=True))
    return spec, tables


def build_list_sizes(rng: np.random.Generator, spec: Scale,
                     area_of_practice: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Registered patients (practice x period) and whether the practice is open that period.

    Lists are skewed within each area, scaled to the area's total and grow about 1% a year;
    a few practices open late (small, growing lists) or close early.
    """
    n, n_areas, n_periods = len(area_of_practice), len(spec.areas), len(PERIODS)
    t = np.arange(n_periods)
    weight = rng.lognormal(0, 0.55, n)
    area_weight = np.bincount(area_of_practice, weight, n_areas)
    area_patients = np.array([a.patients_2018 for a in spec.areas], dtype=float)
    base = np.maximum(900, area_patients[area_of_practice] * weight / area_weight[area_of_practice])
    growth = rng.normal(0.012, 0.02, n)
    wobble = np.cumsum(rng.normal(0, 0.006, (n, n_periods)), axis=1)
    lists = base[:, None] * np.exp(growth[:, None] * (t[None, :] - APRIL_2018) / 4 + wobble)

    active = np.ones((n, n_periods), dtype=bool)
    candidates = np.flatnonzero(np.bincount(area_of_practice, minlength=n_areas)[area_of_practice] > 3)
    chosen = rng.choice(candidates, spec.late_openers + spec.early_closers, replace=False)
    openers, closers = chosen[: spec.late_openers], chosen[spec.late_openers:]
    open_at = rng.integers(2, n_periods - 1, len(openers))
    close_at = rng.integers(2, n_periods, len(closers))
    for p, start in zip(openers, open_at):
        active[p, :start] = False
        lists[p] = rng.uniform(1500, 3000) * (1 + 0.12 * np.maximum(t - start, 0))
    for p, stop in zip(closers, close_at):
        active[p, stop:] = False
    return np.rint(lists).astype(int), active


def build_networks(rng: np.random.Generator, spec: Scale, area_of_practice: np.ndarray, lists: np.ndarray,
                   active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Network index of each practice (-1: never in one) and the area of each network.

    About 1% of practices never join; the rest form networks of neighbours within their area in July 2019,
    and practices that open later join the smallest network of their area.
    """
    n = len(area_of_practice)
    eligible = active[:, PCN_START:].any(axis=1)
    never_join = rng.random(n) < 0.01
    never_join[np.array([spec.areas[a].borough_code == "E09000001" for a in area_of_practice])] = False
    pcn_of_practice = np.full(n, -1)
    pcn_area: list[int] = []
    band_shares = np.array(spec.pcn_band_shares)
    for i in range(len(spec.areas)):
        members = [p for p in np.flatnonzero(area_of_practice == i) if eligible[p] and not never_join[p]]
        founders = [p for p in members if active[p, PCN_START]]
        groups = group_into_networks(rng, founders, lists[:, PCN_START], band_shares)
        first = len(pcn_area)
        for g, group in enumerate(groups):
            pcn_of_practice[group] = first + g
            pcn_area.append(i)
        for p in members:
            if pcn_of_practice[p] >= 0:
                continue
            if not groups:
                pcn_of_practice[p] = len(pcn_area)
                pcn_area.append(i)
                groups.append([p])
                continue
            smallest = int(np.argmin([lists[group, -1].sum() for group in groups]))
            groups[smallest].append(p)
            pcn_of_practice[p] = first + smallest
    return pcn_of_practice, np.array(pcn_area, dtype=int)


def build_federation_names(spec: Scale, area_of_practice: np.ndarray, pcn_of_practice: np.ndarray,
                           pcn_area: np.ndarray) -> np.ndarray:
    """One GP federation per borough; a few boroughs have two, split so that no network is in both."""
    federation = np.empty(len(area_of_practice), dtype=object)
    for i, area in enumerate(spec.areas):
        in_area = np.flatnonzero(area_of_practice == i)
        names_here = [f"{area.borough_name} GP Federation"]
        if area.borough_code in spec.two_federation_boroughs:
            names_here.append(f"{area.borough_name} Health Partners")
        if area.ccg_code == "08Y" and area.borough_code == "E09000033":
            names_here = ["Westminster North GP Federation"]
        networks = np.flatnonzero(pcn_area == i)
        first_network = networks[0] if len(networks) else 0
        position = np.where(pcn_of_practice[in_area] >= 0,
                            (pcn_of_practice[in_area] - first_network) / max(len(networks), 1),
                            np.arange(len(in_area)) / len(in_area))
        federation[in_area] = [names_here[int(x * len(names_here))] for x in position]
    return federation


def build_collaboration_flags(rng: np.random.Generator, area_of_practice: np.ndarray, stp_of_area: np.ndarray,
                              in_pcn: np.ndarray) -> dict[str, np.ndarray]:
    """Federation 80-95%, any arrangement about 91% before networks (varying by STP), shared records 50%->90%.

    A practice in a network is in a collaborative arrangement; each practice keeps its flags once it has them.
    """
    n, n_periods = in_pcn.shape
    n_areas = len(stp_of_area)
    t = np.arange(n_periods)
    stp_collab = 0.91 + spread_effects(rng, int(stp_of_area.max()) + 1, 0.035)
    area_fed = np.clip(rng.uniform(0.74, 0.9, n_areas) + 0.4 * (stp_collab[stp_of_area] - 0.91), 0.6, 0.95)
    fed_rate = np.minimum(0.97, area_fed[:, None] + 0.012 * t[None, :])
    collab_rate = np.maximum(fed_rate, (stp_collab[stp_of_area] + rng.normal(0, 0.015, n_areas))[:, None]
                             + 0.004 * t[None, :])
    u_collab = rng.random(n)
    in_federation = u_collab[:, None] < fed_rate[area_of_practice]
    in_collaboration = (u_collab[:, None] < collab_rate[area_of_practice]) | in_pcn
    shared_start, shared_end = rng.uniform(0.38, 0.62, n_areas), rng.uniform(0.82, 0.97, n_areas)
    shared_rate = shared_start[:, None] + (shared_end - shared_start)[:, None] * t[None, :] / (n_periods - 1)
    shared_record = rng.random(n)[:, None] < shared_rate[area_of_practice]
    return {
        "in_collaboration": in_collaboration.astype(int),
        "in_federation": in_federation.astype(int),
        "in_pcn": in_pcn.astype(int),
        "shared_record": shared_record.astype(int),
    }


def build_extended_access(rng: np.random.Generator, area_of_practice: np.ndarray,
                          lists: np.ndarray) -> dict[str, np.ndarray]:
    """Extended access per practice and period.

    45-65% of patients are covered in April 2017 and 97-100% once each area completes its roll-out, between
    October 2018 and April 2019 (a few areas lag until January 2020; a few practices never offer it); 30-45
    minutes per 1,000 patients a week,
    mostly in 15-minute slots. Practices not fully covered may offer some appointments.
    """
    n, n_periods = lists.shape
    n_areas = int(area_of_practice.max()) + 1
    t = np.arange(n_periods)
    lagging = rng.random(n_areas) < 0.15
    full_at = APRIL_2018 + np.where(lagging, rng.integers(5, 8, n_areas), rng.integers(2, 5, n_areas))
    start_cover = rng.uniform(0.45, 0.65, n_areas)
    final_cover = rng.uniform(0.975, 1.0, n_areas)
    cover_rate = (start_cover[:, None]
                  + (final_cover - start_cover)[:, None] * ramp(t[None, :], 0, full_at[:, None]))
    u_cover = np.where(rng.random(n) < 0.008, 2.0, rng.random(n))
    covered = u_cover[:, None] < cover_rate[area_of_practice]
    minutes_per_1000 = (rng.uniform(31, 41, n_areas)[area_of_practice, None] + 0.5 * t[None, :] / 4
                        + rng.normal(0, 2.5, (n, 1)))
    slot_minutes = rng.choice(np.array([10, 15, 15, 15, 15, 15, 20]), n)
    partial = np.where(rng.random(n) < 0.5, rng.uniform(0.2, 0.5, n), 0.0)
    share_offered = np.where(covered, 1.0, partial[:, None])
    appointments = np.rint(lists / 1000 * minutes_per_1000 * share_offered / slot_minutes[:, None]).astype(int)
    appointments = np.where(covered, np.maximum(appointments, 1), appointments)
    return {
        "full_extended_access": covered.astype(int),
        "patients_covered": np.where(covered, lists, 0),
        "appointments_per_week": appointments,
        "appointment_minutes_per_week": appointments * slot_minutes[:, None],
    }


def build_practice_workforce(rng: np.random.Generator, spec: Scale, area_of_practice: np.ndarray,
                             lists: np.ndarray, active: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """FTE by staff group (practice x period) and which rows are published.

    Per 1,000 patients: GPs 0.63 -> 0.56, nurses about 0.28, other direct patient care 0.20 -> 0.30,
    admin about 1.0; each practice has its own staffing and each quarter a little noise. A few practices
    miss one to three quarterly returns.
    """
    n, n_periods = lists.shape
    n_areas = len(spec.areas)
    t = np.arange(n_periods)
    rates = {
        "gp_fte": (0.63, 0.56, 0.22), "nurse_fte": (0.285, 0.27, 0.3),
        "dpc_fte": (0.2, 0.3, 0.35), "admin_fte": (1.0, 1.04, 0.2),
    }
    fte = {}
    for column, (first, last, spread) in rates.items():
        trend = first + (last - first) * t / (n_periods - 1)
        area_mult = rng.lognormal(0, 0.06, n_areas)[area_of_practice]
        practice_mult = rng.lognormal(-spread**2 / 2, spread, n) * area_mult
        noise = rng.lognormal(0, 0.05, (n, n_periods))
        fte[column] = np.round(lists / 1000 * trend[None, :] * practice_mult[:, None] * noise, 2)
    published = active.copy()
    for p in rng.choice(np.flatnonzero(active.all(axis=1)), spec.workforce_gaps, replace=False):
        start = int(rng.integers(0, n_periods - 2))
        published[p, start: start + int(rng.integers(1, 4))] = False
    return fte, published


def enumerate_within(groups: np.ndarray) -> list[tuple[int, int]]:
    """(position within its group, group) for each item, e.g. the 1st, 2nd ... network of each area."""
    seen: dict[int, int] = {}
    result = []
    for group in groups.tolist():
        result.append((seen.get(group, 0), group))
        seen[group] = seen.get(group, 0) + 1
    return result


def group_into_networks(rng: np.random.Generator, practices: list[int], sizes: np.ndarray,
                        band_shares: np.ndarray) -> list[list[int]]:
    """Neighbouring practices grouped until each network reaches a target list size (mostly 30-50,000)."""
    bounds = ((21000, 29000), (31000, 45000), (52000, 68000))

    def draw_target() -> float:
        low, high = bounds[int(rng.choice(3, p=band_shares))]
        return rng.uniform(low, high)

    groups: list[list[int]] = []
    current: list[int] = []
    total, target = 0.0, draw_target()
    for p in practices:
        size = float(sizes[p])
        if current and total + size > target * 1.08 and total >= target * 0.85:
            groups.append(current)
            current, total, target = [], 0.0, draw_target()
        current.append(p)
        total += size
        if total >= target:
            groups.append(current)
            current, total, target = [], 0.0, draw_target()
    if current:
        if groups and total < 15000:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def build_extended_hours(rng: np.random.Generator, codes: np.ndarray, lists: np.ndarray, active: np.ndarray,
                         area_of_practice: np.ndarray, n_areas: int) -> pd.DataFrame:
    """One row per practice open in the financial year; about 80% paid, about £1.90 per registered patient."""
    n = len(codes)
    area_rate = rng.uniform(0.74, 0.9, n_areas)[area_of_practice]
    propensity = rng.random(n)
    frames = []
    for start in FINANCIAL_YEAR_STARTS:
        months = slice(start, start + 4)
        open_in_year = active[:, months].any(axis=1)
        first_open = start + np.argmax(active[:, months], axis=1)
        patients = lists[np.arange(n), first_open]
        paid = (propensity + rng.normal(0, 0.05, n)) < area_rate
        payment = np.where(paid, np.round(1.90 * patients * rng.uniform(0.96, 1.04, n), 2), 0.0)
        frames.append(pd.DataFrame({
            "practice_code": codes[open_in_year], "period": PERIODS[start],
            "extended_hours_payment": payment[open_in_year], "offers_extended_hours": paid[open_in_year].astype(int),
        }))
    return pd.concat(frames, ignore_index=True)


def build_pcn_workforce(rng: np.random.Generator, pcn_codes: np.ndarray, pcn_patients: np.ndarray) -> pd.DataFrame:
    """FTE employed by each network from July 2019, by NHS Digital staff group and role, growing over time."""
    n_pcns, n_periods = pcn_patients.shape
    t = np.arange(n_periods)
    frames = []
    for group, role, first, share, per_50k in PCN_ROLES:
        has_role = rng.random(n_pcns) < share
        starts = first + (rng.integers(0, 3, n_pcns) if role != "Clinical Director" else 0)
        level = per_50k * rng.lognormal(-0.045, 0.3, n_pcns)
        if role == "Clinical Director":
            growth = np.ones((n_pcns, n_periods))
            level = np.full(n_pcns, per_50k)
        else:
            growth = ramp(t[None, :] + 1, starts[:, None], n_periods)
        noise = rng.lognormal(0, 0.05, (n_pcns, n_periods))
        fte = np.round(pcn_patients / 50000 * level[:, None] * growth * noise, 2)
        mask = has_role[:, None] & (fte > 0) & (t[None, :] >= PCN_START) & (pcn_patients > 0)
        rows, cols = np.nonzero(mask)
        frames.append(pd.DataFrame({
            "pcn_code": pcn_codes[rows], "period": np.array(PERIODS)[cols],
            "staff_group": group, "staff_role": role, "fte": fte[rows, cols],
        }))
    return pd.concat(frames, ignore_index=True)


def build_vision_survey(rng: np.random.Generator, borough_codes: list[str], borough_of_area: np.ndarray,
                        stp_of_area: np.ndarray, n_stps: int) -> pd.DataFrame:
    """Survey counts by borough, quarter and role: leads mostly aware, the public rarely; slowly rising."""
    n_boroughs, n_periods = len(borough_codes), len(PERIODS)
    stp_of_borough = np.zeros(n_boroughs, dtype=int)
    stp_of_borough[borough_of_area] = stp_of_area
    borough_effect = spread_effects(rng, n_stps, 0.45)[stp_of_borough] + rng.normal(0, 0.25, n_boroughs)
    t = np.arange(n_periods)
    frames = []
    for role, (low, high), aware_share, support_share in SURVEY_ROLES:
        respondents = rng.integers(low, high + 1, (n_boroughs, n_periods))
        logit = np.log(aware_share / (1 - aware_share)) + borough_effect[:, None] + 0.03 * t[None, :]
        aware = rng.binomial(respondents, 1 / (1 + np.exp(-logit)))
        support = rng.binomial(aware, support_share)
        frames.append(pd.DataFrame({
            "borough_code": np.repeat(borough_codes, n_periods), "period": np.tile(PERIODS, n_boroughs),
            "role": role, "respondents": respondents.ravel(), "aware": aware.ravel(),
            "understand_support": support.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def build_maturity(rng: np.random.Generator, pcn_codes: np.ndarray, stp_of_pcn: np.ndarray,
                   n_stps: int) -> pd.DataFrame:
    """Self-assessed stage 1-5 per network, domain and quarter from July 2019; never goes backwards."""
    n_pcns = len(pcn_codes)
    periods = np.arange(PCN_START, len(PERIODS))
    stage = (1.5 + spread_effects(rng, n_stps, 0.5)[stp_of_pcn] + rng.normal(0, 0.4, n_pcns))
    frames = []
    names = list(read_maturity_domains())
    for domain, offset in zip(names, MATURITY_OFFSETS * (len(names) // len(MATURITY_OFFSETS) + 1)):
        latent = (stage[:, None] + offset + 0.3 * (periods - PCN_START)[None, :]
                  + rng.normal(0, 0.35, (n_pcns, len(periods))))
        score = np.maximum.accumulate(np.clip(np.rint(latent), 1, 5).astype(int), axis=1)
        frames.append(pd.DataFrame({
            "pcn_code": np.repeat(pcn_codes, len(periods)),
            "period": np.tile(np.array(PERIODS)[periods], n_pcns),
            "maturity_domain": domain, "score": score.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def read_maturity_domains() -> tuple[str, ...]:
    """The maturity domains' names from config.yaml (the one list the app, the forum and this script share)."""
    domains = (yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")) or {}).get("maturity_domains") or {}
    if not domains:
        raise ValueError(f"{CONFIG_FILE.name} lists no maturity_domains")
    return tuple(str(name) for name in domains.values())


def build_map_tiles() -> pd.DataFrame:
    """Where the London squares grid puts each borough (London only: elsewhere the app lays the tiles out)."""
    return pd.DataFrame([(code, short, column, row) for code, (short, column, row) in LONDON_TILES.items()],
                        columns=list(FILE_COLUMNS["map_tiles.csv"]))


def build_manifest(spec: Scale, seed: int) -> str:
    source = f"Generated by scripts/make_demo_data.py{spec.source_note} (seed {seed}): illustrative, not real figures"
    manifest = {
        "label": "illustrative",
        "title": spec.title,
        "created": CREATED,
        "sources": [source],
        "unavailable": {},
        "areas": {"region": spec.region, "levels": spec.level_names},
    }
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=1000)


def write_demo_data(out_dir: Path, scale: str = "london", seed: int = DEFAULT_SEED,
                    practice_count: int = ENGLAND_PRACTICES) -> dict[str, pd.DataFrame]:
    """Generate and write every file of the data contract into out_dir (created if needed)."""
    spec, tables = build_demo_tables(scale, seed, practice_count)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file_name, frame in tables.items():
        frame.to_csv(out_dir / file_name, index=False, lineterminator="\n", float_format="%.2f")
    (out_dir / MANIFEST_FILE).write_text(build_manifest(spec, seed), encoding="utf-8", newline="\n")
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the illustrative atscale demo dataset.")
    parser.add_argument("--scale", choices=("london", "england"), default="london",
                        help="london (real geography, invented practices) or england (invented places)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder to write (default {DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--practices", type=int, default=ENGLAND_PRACTICES,
                        help=f"number of practices at England scale (default {ENGLAND_PRACTICES})")
    args = parser.parse_args(argv)
    try:
        tables = write_demo_data(args.out, args.scale, args.seed, args.practices)
    except ValueError as error:
        parser.error(str(error))
    practices = tables["practices.csv"]
    patients = tables["registered_patients.csv"]
    last = patients[patients["period"] == PERIODS[-1]]["registered_patients"].sum()
    print(f"Wrote {len(tables) + 1} files to {args.out}: {len(practices):,} practices, "
          f"{practices['pcn_code'].replace('', np.nan).nunique():,} PCNs, {last:,} patients in {PERIODS[-1]}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
