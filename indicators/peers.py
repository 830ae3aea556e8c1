"""One practice among its areas and its peers: search, peer groups, ranks and comparison tables (no Streamlit).

Practices are compared to help them improve, not to shame them: a rank is only given for the chosen
practice, practices whose figure is too small to show are left out of every count, and a peer group
with fewer than MIN_RANKED practices with a figure gets no rank and no spread (it could point at
single practices).
"""
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.areas import AreaModel
from indicators.definitions import LEVELS, IndicatorDefinition, TableSpec
from indicators.formatting import format_interval, format_status

PEER_GROUPS = ("stp", "list_size", "deprivation", "region")
LIST_SIZE_TOLERANCE = 0.25
MIN_RANKED = 5
KEY_LEVELS = {"practice_code": "practice", "pcn_code": "pcn", "borough_code": "borough", "stp_code": "stp"}
DIRECTION_WORDS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better",
                   "neither": "Neither higher nor lower is better"}
RANK_COLUMNS = ("Indicator", "Period", "This practice", "Rank among peers", "Practices with a figure",
                "Peers: lowest", "Peers: median", "Peers: highest", "Which way is better")

# An outward code (the first half of a postcode): area letters, district number, optional sub-district letter.
_OUTWARD = re.compile(r"^([A-Z]{1,2})(\d{1,2})?([A-Z])?$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


@dataclass(frozen=True)
class PeerGroup:
    """The practices a practice is compared with (itself included), and the rule that chose them, in words."""

    id: str
    label: str
    rule: str
    practice_codes: tuple[str, ...]
    unavailable: str = ""


@dataclass(frozen=True)
class Rank:
    """The practice's place among peers with a figure; position None when it is not ranked (text says why)."""

    position: int | None
    count: int
    text: str


def _normalise(text: object) -> str:
    return " ".join(str(text or "").split()).upper()


def _outward_parts(text: str) -> tuple[str, str, str] | None:
    """('SE', '1', '') for 'SE1', ('EC', '2', 'Y') for 'EC2Y', ('SE', '', '') for 'SE'; None if not a postcode."""
    match = _OUTWARD.match(text)
    if match is None:
        return None
    return match.group(1), match.group(2) or "", match.group(3) or ""


def _query_outward(query: str) -> str:
    """The outward part of a postcode query: 'SE1 7PB' -> 'SE1', 'SE17PB' -> 'SE1', 'SE15' -> 'SE15'."""
    first = query.split(" ")[0] if query else ""
    if " " not in query:
        full = _FULL_POSTCODE.match(first)
        if full:
            return full.group(1)
    return first


def is_postcode_match(query: str, district: str) -> bool:
    """Does a postcode query point at this postcode district?

    The query is matched on the postcode's own word boundaries: area letters, then the whole district
    number, then any sub-district letter. 'SE' matches every SE district; 'SE1' matches SE1 but not
    SE15 (a different district); 'EC2' matches EC2Y; 'SE1 7PB' matches SE1.
    """
    wanted = _outward_parts(_query_outward(_normalise(query)))
    actual = _outward_parts(_normalise(district))
    if wanted is None or actual is None:
        return False
    area, number, letter = wanted
    return area == actual[0] and (not number or number == actual[1]) and (not letter or letter == actual[2])


def compute_practice_labels(practices: pd.DataFrame) -> dict[str, str]:
    """Code -> "Name (CODE, SE1, Southwark)", the label shown in the practice list, in the frame's order."""
    district = practices["postcode_district"].fillna("").astype(str)
    district = district.where(district == "", ", " + district)
    labels = (practices["practice_name"].astype(str) + " (" + practices["practice_code"].astype(str) + district
              + ", " + practices["borough_name"].astype(str) + ")")
    return dict(zip(practices["practice_code"].astype(str), labels))


def compute_practice_matches(practices: pd.DataFrame, query: str) -> pd.DataFrame:
    """Practices matching a search, best first, with a `matched_on` column in words.

    Case and extra spaces are ignored. Order: ODS code exact, ODS code prefix, postcode district
    (see is_postcode_match), name starting with the text, name containing it; then by name.
    An empty query returns every practice, by name.
    """
    text = _normalise(query)
    if not text:
        return practices.assign(matched_on="").sort_values(["practice_name", "practice_code"], ignore_index=True)
    codes = practices["practice_code"].astype(str).str.upper()
    names = practices["practice_name"].astype(str).map(_normalise)
    districts = practices["postcode_district"].fillna("").astype(str)
    compact = text.replace(" ", "")
    tiers = [
        (codes == compact, "ODS code"),
        (codes.str.startswith(compact), "ODS code"),
        (districts.map(lambda district: is_postcode_match(text, district)), "postcode district"),
        (names.str.startswith(text), "name"),
        (names.str.contains(text, regex=False), "name"),
    ]
    order = pd.Series(np.nan, index=practices.index)
    matched_on = pd.Series("", index=practices.index, dtype=object)
    for tier, (mask, words) in enumerate(tiers):
        new = mask.fillna(False).astype(bool) & order.isna()
        order[new] = tier
        matched_on[new] = words
    found = practices.assign(matched_on=matched_on, _order=order)
    found = found[found["_order"].notna()].sort_values(["_order", "practice_name", "practice_code"])
    return found.drop(columns="_order").reset_index(drop=True)


def compute_list_sizes(registered: pd.DataFrame | None, period: str, *,
                       column: str = "registered_patients") -> tuple[pd.Series, str | None]:
    """Registered patients per practice code in `period`, or the latest earlier period with figures.

    Returns (sizes, period used); empty and None when there are no figures.
    """
    if registered is None or registered.empty or column not in registered.columns:
        return pd.Series(dtype=float), None
    counted = registered[pd.to_numeric(registered[column], errors="coerce").notna()]
    periods = sorted(counted["period"].astype(str).unique())
    if not periods:
        return pd.Series(dtype=float), None
    earlier = [p for p in periods if p <= period]
    used = earlier[-1] if earlier else periods[0]
    rows = counted[counted["period"].astype(str) == used]
    sizes = pd.to_numeric(rows[column], errors="coerce").groupby(rows["practice_code"].astype(str)).sum()
    return sizes.astype(float), used


def compute_peer_group_labels(areas: AreaModel) -> dict[str, str]:
    """Each peer group's name, in PEER_GROUPS order, with the data's own level and region names."""
    return {
        "stp": f"Practices in the same {areas.system.name}",
        "list_size": "Practices of a similar size (list within 25%)",
        "deprivation": "Practices in similarly deprived areas (same or next decile)",
        "region": f"All practices in {areas.region.name}",
    }


def compute_peer_group(practices: pd.DataFrame, practice_code: str, group_id: str, areas: AreaModel, *,
                       list_sizes: pd.Series | None = None, list_size_period: str | None = None) -> PeerGroup:
    """The practices in one peer group of the practice (the practice included).

    group_id is one of PEER_GROUPS: `stp` same STP; `list_size` registered list within
    LIST_SIZE_TOLERANCE (25%) of the practice's, both ends included; `deprivation` same deprivation
    decile or the next one either side; `region` every practice. When the practice lacks what the
    rule needs (no decile, no list size), the group is empty and `unavailable` says why.
    """
    label = compute_peer_group_labels(areas)[group_id]
    practice = practices[practices["practice_code"] == practice_code].iloc[0]
    everyone = practices["practice_code"].astype(str)
    if group_id == "region":
        return PeerGroup(group_id, label, f"Every practice in {areas.region.name}.", tuple(everyone))
    if group_id == "stp":
        same = practices["stp_code"] == practice["stp_code"]
        return PeerGroup(group_id, label, f"Practices in the same {areas.system.name} as this one: "
                         f"{practice['stp_name']}.", tuple(everyone[same]))
    if group_id == "deprivation":
        return _deprivation_group(practices, practice, label)
    if group_id == "list_size":
        return _list_size_group(practice, label, list_sizes, list_size_period)
    raise KeyError(group_id)


def _deprivation_group(practices: pd.DataFrame, practice: pd.Series, label: str) -> PeerGroup:
    decile = pd.to_numeric(pd.Series([practice["deprivation_decile"]]), errors="coerce").iloc[0]
    if pd.isna(decile):
        return PeerGroup("deprivation", label, "", (), unavailable=(
            "This practice has no deprivation decile in the data, so it has no group of similarly deprived "
            "practices to be compared with. Choose another peer group."))
    decile = int(decile)
    low, high = max(1, decile - 1), min(10, decile + 1)
    deciles = pd.to_numeric(practices["deprivation_decile"], errors="coerce")
    same = deciles.between(low, high)
    rule = (f"Practices in deprivation deciles {low} to {high}: the same decile as this practice ({decile}) or "
            "the next one either side. Decile 1 is the most deprived tenth of areas, 10 the least deprived. "
            "Practices with no decile are left out.")
    return PeerGroup("deprivation", label, rule, tuple(practices.loc[same, "practice_code"].astype(str)))


def _list_size_group(practice: pd.Series, label: str, list_sizes: pd.Series | None,
                     period: str | None) -> PeerGroup:
    sizes = list_sizes if list_sizes is not None else pd.Series(dtype=float)
    own = sizes.get(str(practice["practice_code"]), np.nan)
    if pd.isna(own) or own <= 0:
        return PeerGroup("list_size", label, "", (), unavailable=(
            "There is no count of registered patients for this practice, so it has no group of practices of "
            "a similar size to be compared with. Choose another peer group."))
    low, high = own * (1 - LIST_SIZE_TOLERANCE), own * (1 + LIST_SIZE_TOLERANCE)
    when = f" in {period}" if period else ""
    rule = (f"Practices whose registered list{when} is within 25% of this practice's {own:,.0f} patients: "
            f"{low:,.0f} to {high:,.0f} patients.")
    similar = sizes[(sizes >= low) & (sizes <= high)]
    return PeerGroup("list_size", label, rule, tuple(str(code) for code in similar.index))


def ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def compute_rank(values: pd.Series, practice_code: str, direction: str, *, min_count: int = MIN_RANKED) -> Rank:
    """The practice's rank among `values` (practice code -> value; NaN = too small to show, left out).

    higher_is_better and neither: 1st = highest; lower_is_better: 1st = lowest. Ties share the best
    (smallest) rank they cover and are called "joint".
    """
    shown = pd.to_numeric(values, errors="coerce").dropna().round(9)
    count = len(shown)
    if practice_code not in shown.index:
        return Rank(None, count, "Not ranked: this practice's figure is too small to show")
    if count < min_count:
        return Rank(None, count, f"Not ranked: fewer than {min_count} practices in this group have a figure")
    own = shown[practice_code]
    ahead = shown < own if direction == "lower_is_better" else shown > own
    position = int(ahead.sum()) + 1
    joint = "joint " if int((shown == own).sum()) > 1 else ""
    place = f"{joint}{ordinal(position)} of {count}"
    if direction == "lower_is_better":
        return Rank(position, count, f"{place} (1st = lowest)")
    if direction == "neither":
        return Rank(position, count, f"{place}, counting from highest to lowest")
    return Rank(position, count, f"{place} (1st = highest)")


def compute_no_practice_reasons(definitions: Sequence[IndicatorDefinition], tables: Mapping[str, TableSpec],
                                loaded_tables: Collection[str], unavailable: Mapping[str, str],
                                areas: AreaModel) -> dict[str, str]:
    """Why an indicator cannot have a figure for a single practice, known without computing it.

    id -> plain sentence, only for those that cannot: a table it needs was not loaded (the data
    folder's own reason when it gives one), a table keyed by a larger area (e.g. a borough survey),
    or a definition whose lowest_level is above practice. The other indicators need computing.
    """
    reasons = {}
    for definition in definitions:
        absent = [name for name in definition.tables if name not in loaded_tables]
        key_levels = [KEY_LEVELS.get(tables[name].key, "practice") for name in definition.tables if name in tables]
        coarsest = max((LEVELS.index(level) for level in key_levels), default=0)
        if absent:
            reasons[definition.id] = unavailable.get(absent[0]) or (
                f"The data for '{absent[0]}' could not be loaded; see the Data and indicators page.")
        elif coarsest > 0:
            reasons[definition.id] = (f"It is measured for each {_level_noun(LEVELS[coarsest], areas)}, not for each "
                                      "practice.")
        elif definition.lowest_level != "practice":
            reasons[definition.id] = (
                f"It is shown for each {_level_noun(definition.lowest_level, areas)} and larger areas: for a single "
                "practice the figure would mean little (for example a plain yes or no).")
    return reasons


def compute_practice_indicator_ids(values: pd.DataFrame) -> list[str]:
    """Indicators for which at least one practice has a figure shown (in the order they appear)."""
    shown = values[(values["level"] == "practice") & pd.to_numeric(values["value"], errors="coerce").notna()]
    return [str(indicator_id) for indicator_id in shown["indicator_id"].unique()]


def compute_missing_practice_figures(values: pd.DataFrame, definitions: Sequence[IndicatorDefinition],
                                     reasons: Mapping[str, str], areas: AreaModel) -> pd.DataFrame:
    """The indicators with no figure for a single practice, and why, in plain words.

    `values`: tidy rows of many indicators (indicator_id column); `reasons`: id -> why it is unavailable.
    """
    with_figures = set(compute_practice_indicator_ids(values))
    levels: dict[str, set[str]] = {}
    for indicator_id, level in values[["indicator_id", "level"]].drop_duplicates().itertuples(index=False):
        levels.setdefault(str(indicator_id), set()).add(str(level))
    rows = []
    for definition in definitions:
        present = levels.get(definition.id, set())
        if definition.id in with_figures:
            continue
        if definition.id in reasons:
            why = reasons[definition.id]
        elif not present:
            why = "There are no figures for it in this data."
        elif definition.lowest_level != "practice":
            why = (f"It is shown for each {_level_noun(definition.lowest_level, areas)} and larger areas: for a single "
                   "practice the figure would mean little (for example a plain yes or no).")
        elif "practice" not in present:
            lowest = next(level for level in LEVELS if level in present)
            why = f"It is measured for each {_level_noun(lowest, areas)}, not for each practice."
        else:
            why = "Every practice's figure comes from numbers too small to show."
        rows.append({"Indicator": definition.name, "Why there is no practice figure": why})
    return pd.DataFrame(rows, columns=["Indicator", "Why there is no practice figure"])


def _level_noun(level: str, areas: AreaModel) -> str:
    return "Primary Care Network (PCN)" if level == "pcn" else areas.level(level).name


LEVEL_COLUMNS = ["indicator_id", "period", "level", "area_code", "area_name", "value", "lower_95", "upper_95",
                 "suppressed", "vs_region", "vs_stp", "numerator", "denominator"]


def compute_practice_levels(values: pd.DataFrame, practice: Mapping) -> pd.DataFrame:
    """Tidy rows of the practice, its PCN, borough, STP and region for each indicator with practice figures.

    `values`: tidy rows of many indicators, one period each. The result (the spine chart's input) has
    LEVEL_COLUMNS, ordered by indicator then level; a practice with no row of its own for an indicator
    gets one with no value ("too few to show").
    """
    ids = compute_practice_indicator_ids(values)
    if not ids:
        return pd.DataFrame(columns=LEVEL_COLUMNS)
    codes = {"practice": practice["practice_code"], "pcn": practice.get("pcn_code", ""),
             "borough": practice["borough_code"], "stp": practice["stp_code"]}
    rows = values[values["area_code"].isin([code for code in codes.values() if code]) | (values["level"] == "region")]
    rows = rows[((rows["area_code"] == rows["level"].map(codes)) | (rows["level"] == "region"))
                & rows["indicator_id"].isin(ids)]
    without = [i for i in ids if i not in set(rows.loc[rows["level"] == "practice", "indicator_id"])]
    if without:
        periods = _periods(values)
        rows = pd.concat([rows, pd.DataFrame({
            "indicator_id": without, "period": [periods[i] for i in without], "level": "practice",
            "area_code": practice["practice_code"], "area_name": practice["practice_name"], "value": np.nan,
            "suppressed": True, "vs_region": "not compared", "vs_stp": "not compared"})])
    order = rows["indicator_id"].map(ids.index) * len(LEVELS) + rows["level"].map(LEVELS.index)
    return rows.assign(_order=order.to_numpy()).sort_values("_order").reindex(columns=LEVEL_COLUMNS).reset_index(
        drop=True)


def _periods(values: pd.DataFrame) -> dict[str, str]:
    """Each indicator's period (the values hold one period per indicator)."""
    first = values.drop_duplicates("indicator_id")
    return dict(zip(first["indicator_id"].astype(str), first["period"].astype(str)))


def _rounded(value: object, decimals: int) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return np.nan
    return round(number, decimals) if math.isfinite(number) else np.nan


def compute_practice_levels_table(levels: pd.DataFrame, definitions: Mapping[str, IndicatorDefinition],
                                  areas: AreaModel) -> pd.DataFrame:
    """One row per indicator: the practice's value, interval and comparisons, then its PCN, place, system and
    region (the columns named as the data name them: 'Its borough', 'Its STP', 'London')."""
    region, system = areas.region.name, areas.system.name
    level_columns = {"pcn": "Its PCN", "borough": f"Its {areas.place.name}", "stp": f"Its {system}", "region": region}
    columns = ["Indicator", "Period", "Unit", "This practice", "95% confidence interval", f"Compared with {region}",
               f"Compared with its {system}", *level_columns.values(), "Which way is better"]
    too_few = "Not compared: too few to show"
    rows = []
    for indicator_id, group in levels.groupby("indicator_id", sort=False):
        definition = definitions[indicator_id]
        by_level = group.drop_duplicates("level").set_index("level")
        practice = by_level.loc["practice"]
        shown = pd.notna(practice["value"])
        row = {
            "Indicator": definition.name,
            "Period": practice["period"],
            "Unit": definition.unit,
            "This practice": _rounded(practice["value"], definition.decimals),
            "95% confidence interval": format_interval(practice["lower_95"], practice["upper_95"],
                                                       decimals=definition.decimals),
            f"Compared with {region}": format_status(practice["vs_region"], region) if shown else too_few,
            f"Compared with its {system}": format_status(practice["vs_stp"], f"its {system}") if shown else too_few,
            "Which way is better": DIRECTION_WORDS.get(definition.direction, ""),
        }
        for level, column in level_columns.items():
            value = by_level.loc[level, "value"] if level in by_level.index else np.nan
            row[column] = _rounded(value, definition.decimals)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def compute_peer_ranks(values: pd.DataFrame, definitions: Mapping[str, IndicatorDefinition], practice_code: str,
                       peer_codes: Sequence[str], *, min_count: int = MIN_RANKED) -> pd.DataFrame:
    """The practice's rank and the peers' spread (lowest, median, highest; no names) on each indicator.

    `values`: tidy rows of many indicators, one period each. Only indicators with practice figures
    are listed. Peers whose figure is too small to show are left out of the rank and the spread;
    with fewer than `min_count` figures neither is given.
    """
    ids = compute_practice_indicator_ids(values)
    practices = values.loc[(values["level"] == "practice") & values["indicator_id"].isin(ids)
                           & values["area_code"].isin(list(map(str, peer_codes))), ["indicator_id", "area_code", "value"]]
    periods = _periods(values)
    rows = []
    for indicator_id in ids:
        definition = definitions[indicator_id]
        group = practices[practices["indicator_id"] == indicator_id]
        by_code = pd.Series(pd.to_numeric(group["value"], errors="coerce").to_numpy(),
                            index=group["area_code"].astype(str).to_numpy(), dtype=float)
        rank = compute_rank(by_code, practice_code, definition.direction, min_count=min_count)
        spread = by_code.dropna()
        enough = len(spread) >= min_count
        rows.append({
            "Indicator": definition.name,
            "Period": periods[indicator_id],
            "This practice": _rounded(by_code.get(practice_code, np.nan), definition.decimals),
            "Rank among peers": rank.text,
            "Practices with a figure": rank.count,
            "Peers: lowest": _rounded(spread.min(), definition.decimals) if enough else np.nan,
            "Peers: median": _rounded(spread.median(), definition.decimals) if enough else np.nan,
            "Peers: highest": _rounded(spread.max(), definition.decimals) if enough else np.nan,
            "Which way is better": DIRECTION_WORDS.get(definition.direction, ""),
        })
    return pd.DataFrame(rows, columns=list(RANK_COLUMNS))


@dataclass(frozen=True)
class PracticeComparison:
    """What the practice view shows about one practice in one period."""

    list_size: float | None
    list_size_period: str | None
    levels: pd.DataFrame
    levels_table: pd.DataFrame
    missing: pd.DataFrame
    groups: dict[str, PeerGroup]
    ranks: dict[str, pd.DataFrame]
