"""Fairness: an indicator by deprivation quintile of practices (1 most deprived fifth ... 5 least), for the region
and each system, as a ratio of sums with the indicator's own interval, and the gap between the two ends in words."""
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from indicators.areas import AreaModel
from indicators.compute import add_rate_columns
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_count, format_interval, format_value

QUINTILES = (1, 2, 3, 4, 5)
QUINTILE_NAMES = {1: "1 (most deprived fifth)", 2: "2", 3: "3", 4: "4", 5: "5 (least deprived fifth)"}
FAIRNESS_COLUMNS = ("level", "area_code", "area_name", "period", "quintile", "quintile_name", "practices",
                    "numerator", "denominator", "value", "lower_95", "upper_95", "suppressed")


@dataclass(frozen=True)
class FairnessView:
    """What the fairness page shows for one indicator: the table by quintile and its period, how many practices
    have no decile, or the plain reason there is nothing to show."""

    table: pd.DataFrame | None = None
    period: str | None = None
    without_decile: int = 0
    reason: str = ""


def compute_quintile(decile: pd.Series) -> pd.Series:
    """Deprivation decile (1 most deprived ... 10 least) -> quintile (1 most deprived ... 5 least); NaN stays NaN."""
    decile = pd.to_numeric(decile, errors="coerce")
    return np.ceil(decile.where(decile.between(1, 10)) / 2)


def unsuppressed(definition: IndicatorDefinition) -> IndicatorDefinition:
    """The definition worked out for each practice with no small-number suppression: practice figures are only added
    up into fifths here, never shown (the fifths are suppressed as the indicator says)."""
    return replace(definition, suppress_below=0.0, lowest_level="practice")


def compute_fairness(practice_values: pd.DataFrame, geography: pd.DataFrame, definition: IndicatorDefinition,
                     areas: AreaModel, *, period: str) -> pd.DataFrame:
    """One row per area (the region, then each system) and quintile: the sums of the practices' numerators and
    denominators in that quintile, the value (ratio of sums x multiplier) and its 95% interval by the indicator's
    comparison method (indicators.statistics, as compute does). A quintile whose denominator is below the
    indicator's suppress_below is suppressed (no counts, no value).

    `practice_values`: tidy values at practice level (area_code = practice code, numerator, denominator, period),
    worked out without suppression; `geography`: practices.csv (practice_code, stp_code, deprivation_decile).
    Practices with no decile are left out (compute_practices_without_decile counts them).
    """
    rows = practice_values[(practice_values["level"] == "practice") & (practice_values["period"] == period)]
    rows = rows.dropna(subset=["numerator", "denominator"])
    places = geography.drop_duplicates("practice_code").set_index("practice_code")
    practices = pd.DataFrame({
        "numerator": rows["numerator"].astype(float).to_numpy(),
        "denominator": rows["denominator"].astype(float).to_numpy(),
        "stp_code": rows["area_code"].map(places["stp_code"]).fillna("").to_numpy(),
        "quintile": compute_quintile(rows["area_code"].map(places["deprivation_decile"])).to_numpy(),
    }).dropna(subset=["quintile"])
    frames = []
    for level, code, name in [("region", areas.region.code, areas.region.name),
                              *(("stp", c, n) for c, n in areas.names("stp").items())]:
        chosen = practices if level == "region" else practices[practices["stp_code"] == code]
        sums = chosen.groupby("quintile")[["numerator", "denominator"]].sum()
        counts = chosen.groupby("quintile").size()
        frames.append(pd.DataFrame({
            "level": level, "area_code": code, "area_name": name, "period": period, "quintile": list(QUINTILES),
            "quintile_name": [QUINTILE_NAMES[q] for q in QUINTILES],
            "practices": [int(counts.get(q, 0)) for q in QUINTILES],
            "numerator": [float(sums["numerator"].get(q, np.nan)) for q in QUINTILES],
            "denominator": [float(sums["denominator"].get(q, np.nan)) for q in QUINTILES],
        }))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(FAIRNESS_COLUMNS))
    denominator = table["denominator"].to_numpy(float)
    suppressed = ~(denominator >= definition.suppress_below) | ~(denominator > 0)
    add_rate_columns(table, definition, suppressed)
    table.loc[suppressed, ["numerator", "denominator"]] = np.nan
    return table[list(FAIRNESS_COLUMNS)]


def compute_practices_without_decile(practice_values: pd.DataFrame, geography: pd.DataFrame, *, period: str) -> int:
    """How many practices with a figure in `period` have no deprivation decile (left out of every quintile)."""
    rows = practice_values[(practice_values["level"] == "practice") & (practice_values["period"] == period)]
    rows = rows.dropna(subset=["numerator", "denominator"])
    deciles = geography.drop_duplicates("practice_code").set_index("practice_code")["deprivation_decile"]
    return int(compute_quintile(rows["area_code"].map(deciles)).isna().sum())


def _gap_text(gap: float, definition: IndicatorDefinition) -> str:
    if definition.unit == "%":
        return f"{abs(gap):,.{definition.decimals}f} percentage points"
    return format_value(abs(gap), decimals=definition.decimals, unit=definition.unit)


def describe_fairness_gap(table: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str) -> str:
    """The gap between the most and least deprived fifths of one area's practices, in words, and whether the
    intervals say it could be chance; a plain reason when either end has no figure."""
    rows = table[table["area_code"] == area_code].set_index("quintile")
    if rows.empty:
        return "There is no figure for this area."
    name = str(rows["area_name"].iloc[0])
    most, least = rows.loc[1] if 1 in rows.index else None, rows.loc[5] if 5 in rows.index else None
    empty = [end for end, row in (("most", most), ("least", least)) if row is None or not row["practices"]]
    if empty:
        return f"{name} has no practice in the {' or the '.join(empty)} deprived fifth, so no gap is given."
    if pd.isna(most["value"]) or pd.isna(least["value"]):
        return (f"{name}: the most or the least deprived fifth of practices has too few figures to compare, so no "
                "gap is given.")
    gap = float(most["value"]) - float(least["value"])
    size = "no gap" if round(abs(gap), definition.decimals) == 0 else f"a gap of {_gap_text(gap, definition)}"
    higher = "" if size == "no gap" else (" (higher in the most deprived fifth)" if gap > 0
                                          else " (higher in the least deprived fifth)")
    sentence = (f"{name}: in the most deprived fifth of practices, {definition.format_value(most['value'])}; in the "
                f"least deprived fifth, {definition.format_value(least['value'])}: {size}{higher}.")
    intervals = [most["lower_95"], most["upper_95"], least["lower_95"], least["upper_95"]]
    if size == "no gap" or any(pd.isna(v) for v in intervals):
        return sentence
    if most["lower_95"] > least["upper_95"] or least["lower_95"] > most["upper_95"]:
        return f"{sentence} The 95% intervals do not overlap, so the gap is unlikely to be chance."
    return f"{sentence} The 95% intervals overlap, so the gap may be chance."


def describe_missing_deciles(count: int) -> str:
    """A sentence about practices left out for having no deprivation decile ('' when none)."""
    if count == 0:
        return ""
    practices = "practice has" if count == 1 else "practices have"
    return (f"{format_count(count).capitalize()} {practices} a figure but no deprivation decile, so "
            f"{'it is' if count == 1 else 'they are'} in no fifth.")


def compute_fairness_display(table: pd.DataFrame, definition: IndicatorDefinition) -> pd.DataFrame:
    """The table as a reader sees it: area, fifth, practices, value with unit, interval, counts behind it."""
    return pd.DataFrame({
        "area": table["area_name"], "deprivation fifth": table["quintile_name"], "practices": table["practices"],
        definition.name: [definition.format_value(v) if pd.notna(v) else "not shown" for v in table["value"]],
        "95% interval": [format_interval(lo, hi, decimals=definition.decimals)
                         for lo, hi in zip(table["lower_95"], table["upper_95"])],
        "numerator": table["numerator"], "denominator": table["denominator"],
    })
