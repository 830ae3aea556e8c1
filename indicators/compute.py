"""Indicator values for every area and period: ratio of sums rolled up practice -> PCN -> borough -> STP -> the top
area; a practice with no borough (or no network) still counts at every level above the one it lacks."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.areas import Area
from indicators.datasets import LoadedData
from indicators.definitions import LEVELS, IndicatorDefinition, Measure
from indicators.errors import IndicatorUnavailable
from indicators.statistics import (
    Z_95,
    compare_with_benchmark,
    confidence_interval,
    estimate_overdispersion,
    widen_interval,
)
from indicators.suppression import find_suppressed

LEVEL_CODE = {"practice": "practice_code", "pcn": "pcn_code", "borough": "borough_code", "stp": "stp_code"}
LEVEL_NAME = {"practice": "practice_name", "pcn": "pcn_name", "borough": "borough_name", "stp": "stp_name"}
KEY_LEVEL = {"practice_code": "practice", "pcn_code": "pcn", "borough_code": "borough", "stp_code": "stp"}
TOP_LEVEL = LEVELS[-1]  # the region
PARENT_COLUMNS = ("pcn_code", "borough_code", "stp_code")
RESULT_COLUMNS = (
    "indicator_id", "period", "level", "area_code", "area_name", *PARENT_COLUMNS, "numerator", "denominator",
    "value", "lower_95", "upper_95", "suppressed", "vs_region", "vs_stp",
)


def compute_indicator_values(definition: IndicatorDefinition, data: LoadedData, *,
                             levels: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per period and area at every level the data allow, in the columns RESULT_COLUMNS.

    `levels` keeps only those levels (the same rows, worked out with less effort: e.g. ("region",) skips the
    statistics of every practice); every level is still summed, so that what is withheld is the same whatever
    is asked for (indicators/suppression.py). STP and the region are always worked out: the benchmarks. The
    region's code and name are the data's (data.areas.region).
    Raises IndicatorUnavailable when a table or column it needs was not loaded.
    """
    # From one table, a row missing either figure is left out of both (e.g. a survey row with its
    # respondents suppressed must not keep its 'aware' count in the numerator).
    same_table = definition.numerator.table == definition.denominator.table
    numerator = _measure_by_key(definition.numerator, data,
                                also_needs=definition.denominator.columns if same_table else ())
    denominator = _measure_by_key(definition.denominator, data,
                                  also_needs=definition.numerator.columns if same_table else ())
    base_level = _coarser(numerator.attrs["level"], denominator.attrs["level"])
    shown = LEVELS[max(LEVELS.index(base_level), LEVELS.index(definition.lowest_level)):]
    if definition.numerator.no_row_means_zero and not same_table:
        frames = [_census_at_level(numerator, denominator, level, data.geography, data.areas.region)
                  for level in shown]
    else:
        units = _pair_at_base(numerator, denominator, base_level, data.geography)
        frames = [_aggregate_to_level(units, base_level, level, data.geography, data.areas.region)
                  for level in shown]
    values = pd.concat(frames, ignore_index=True)
    values.insert(0, "indicator_id", definition.id)
    suppressed = find_suppressed(values, shown, definition.suppress_below)
    if levels is not None:
        wanted = values["level"].isin(levels) | values["level"].isin(["stp", TOP_LEVEL])
        values, suppressed = values.loc[wanted].reset_index(drop=True), suppressed[wanted.to_numpy()]
    values = _add_statistics(values, definition, suppressed)
    if levels is not None:
        values = values[values["level"].isin(levels)].reset_index(drop=True)
    return values


def _pair_at_base(numerator: pd.DataFrame, denominator: pd.DataFrame, base_level: str,
                  geography: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator side by side for each area of the base level that has both."""
    numerator = _roll_up(numerator, base_level, geography)
    denominator = _roll_up(denominator, base_level, geography)
    units = numerator.merge(denominator, on=["area_code", "period"], suffixes=("_numerator", "_denominator"))
    units = units.rename(columns={"amount_numerator": "numerator", "amount_denominator": "denominator"})
    return units.dropna(subset=["numerator", "denominator"])


def _census_at_level(numerator: pd.DataFrame, denominator: pd.DataFrame, level: str,
                     geography: pd.DataFrame, region: Area) -> pd.DataFrame:
    """A census numerator (no row means zero): every area with a denominator, in the periods the census covers,
    each side summed on its own; an area with no census row has a numerator of 0."""
    census_periods = numerator["period"].unique()
    denominator = denominator[denominator["period"].isin(census_periods)]
    totals = _roll_up(denominator, level, geography).rename(columns={"amount": "denominator"})
    counted = _roll_up(numerator, level, geography).rename(columns={"amount": "numerator"})
    units = totals.merge(counted, on=["area_code", "period"], how="left").fillna({"numerator": 0.0})
    return _aggregate_to_level(units[["area_code", "period", "numerator", "denominator"]], level, level, geography,
                               region)


def _measure_by_key(measure: Measure, data: LoadedData, also_needs: tuple[str, ...] = ()) -> pd.DataFrame:
    """Sum (or count) the measure per table key and period; rows filtered out count as zero.

    Rows with no figure in any of `also_needs` (the other side's columns) are left out.
    """
    if measure.table not in data.tables:
        reason = data.unavailable.get(measure.table)
        raise IndicatorUnavailable(reason or f"The data for '{measure.table}' could not be loaded; "
                                   "see the Data and indicators page.")
    table = data.tables[measure.table]
    key = next(c for c in table.columns if c in KEY_LEVEL)
    missing = [c for c in (*measure.columns, *(f for f, _ in measure.filter), *also_needs) if c not in table.columns]
    if missing:
        raise IndicatorUnavailable(f"The column '{missing[0]}' is missing from the '{measure.table}' data.")
    # A column with no figure at all (e.g. federation membership, which no public file gives) is no data, not 0.
    blank = [c for c in (*measure.columns, *also_needs) if len(table) and table[c].isna().all()]
    if blank:
        raise IndicatorUnavailable(data.unavailable.get(f"{measure.table}.{blank[0]}")
                                   or f"The '{measure.table}' data have no figure in the column '{blank[0]}'.")
    mask = pd.Series(True, index=table.index)
    for column, wanted in measure.filter:
        mask &= table[column].isin(wanted) | table[column].isin([str(w) for w in wanted])
    if measure.aggregate == "count":
        present = table[list(measure.columns)].notna().all(axis=1)
        amount = (mask & present).astype(float).where(present)
    else:
        amount = table[list(measure.columns)].sum(axis=1, min_count=len(measure.columns))
        amount = amount.where(mask, 0.0).where(amount.notna())
    amount = amount.where(table[list(also_needs)].notna().all(axis=1))
    summed = (pd.DataFrame({"area_code": table[key], "period": table["period"], "amount": amount})
              .dropna(subset=["amount"]).groupby(["area_code", "period"], as_index=False)["amount"].sum())
    summed.attrs["level"] = KEY_LEVEL[key]
    return summed


def _coarser(first: str, second: str) -> str:
    return first if LEVELS.index(first) >= LEVELS.index(second) else second


def _roll_up(summed: pd.DataFrame, to_level: str, geography: pd.DataFrame) -> pd.DataFrame:
    """Amounts per area of `to_level` (the top level: one per period); a blank code at that level is left out."""
    from_level = summed.attrs["level"]
    if from_level == to_level:
        return summed
    if to_level == TOP_LEVEL:
        return summed.groupby("period", as_index=False)["amount"].sum().assign(area_code="")
    lookup = geography.drop_duplicates(LEVEL_CODE[from_level]).set_index(LEVEL_CODE[from_level])[LEVEL_CODE[to_level]]
    rolled = summed.assign(area_code=_map_codes(summed["area_code"], lookup))
    rolled = rolled[rolled["area_code"].fillna("") != ""]
    return rolled.groupby(["area_code", "period"], as_index=False)["amount"].sum()


def _aggregate_to_level(units: pd.DataFrame, base_level: str, level: str, geography: pd.DataFrame,
                        region: Area) -> pd.DataFrame:
    """Ratio of sums: numerators and denominators are added up, never the rates."""
    if level == TOP_LEVEL:
        grouped = units.groupby("period", as_index=False)[["numerator", "denominator"]].sum()
        return grouped.assign(level=level, area_code=region.code, area_name=region.name,
                              pcn_code="", borough_code="", stp_code="")
    level_code = LEVEL_CODE[level]
    if level == base_level:
        grouped = units[["area_code", "period", "numerator", "denominator"]]
    else:
        to_level = geography.drop_duplicates(LEVEL_CODE[base_level]).set_index(LEVEL_CODE[base_level])[level_code]
        placed = units.assign(area_code=_map_codes(units["area_code"], to_level))
        placed = placed[placed["area_code"].fillna("") != ""]
        grouped = placed.groupby(["area_code", "period"], as_index=False)[["numerator", "denominator"]].sum()
    areas = geography[geography[level_code] != ""].drop_duplicates(level_code).set_index(level_code)
    grouped = grouped.assign(level=level, area_name=_map_codes(grouped["area_code"], areas[LEVEL_NAME[level]]))
    for column in PARENT_COLUMNS:
        if column == level_code:
            grouped[column] = grouped["area_code"]
        elif LEVELS.index(_level_of(column)) > LEVELS.index(level):
            grouped[column] = _map_codes(grouped["area_code"], areas[column]).fillna("")
        else:
            grouped[column] = ""
    return grouped


def _map_codes(codes: pd.Series, lookup: pd.Series) -> pd.Series:
    """codes.map(lookup) for text codes and text values (missing where a code is not in the lookup).

    pyarrow's index_in and take: about ten times faster than Series.map on pandas' text at England scale.
    """
    if not (len(lookup) and codes.dtype == "str" and lookup.dtype == "str" and lookup.index.dtype == "str"
            and lookup.index.is_unique):
        return codes.map(lookup)
    positions = pc.index_in(pa.array(codes, from_pandas=True),
                            value_set=pa.array(lookup.index, from_pandas=True, type=pa.large_string()))
    return pd.Series(pc.take(pa.array(lookup, from_pandas=True), positions), index=codes.index, dtype=lookup.dtype)


def _level_of(code_column: str) -> str:
    return next(level for level, column in LEVEL_CODE.items() if column == code_column)


def add_rate_columns(frame: pd.DataFrame, definition: IndicatorDefinition, suppressed: np.ndarray) -> None:
    """value, lower_95, upper_95 and suppressed from the frame's numerator and denominator sums, in place
    (suppressed rows get no value or interval): shared by every area level and the fairness view."""
    numerator = frame["numerator"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = numerator / denominator * definition.multiplier
    lower, upper = confidence_interval(numerator, denominator, multiplier=definition.multiplier,
                                       comparison=definition.comparison)
    frame["value"] = np.where(suppressed, np.nan, value)
    frame["lower_95"] = np.where(suppressed, np.nan, lower)
    frame["upper_95"] = np.where(suppressed, np.nan, upper)
    frame["suppressed"] = suppressed


def _add_statistics(values: pd.DataFrame, definition: IndicatorDefinition, suppressed: np.ndarray) -> pd.DataFrame:
    add_rate_columns(values, definition, suppressed)
    region = values.loc[values["level"] == TOP_LEVEL].set_index("period")["value"]
    if definition.overdispersion:
        _allow_for_overdispersion(values, definition, region)
    # Small numbers are withheld, not only the rate built from them (and their complements, which would give
    # them away by subtraction: indicators/suppression.py).
    values.loc[suppressed, ["numerator", "denominator"]] = np.nan

    stp = values.loc[values["level"] == "stp"].set_index(["stp_code", "period"])["value"]
    region_benchmark = values["period"].map(region)
    stp_benchmark = pd.Series(
        stp.reindex(pd.MultiIndex.from_frame(values[["stp_code", "period"]])).to_numpy(), index=values.index)
    compare = {"direction": definition.direction, "comparison": definition.comparison,
               "tolerance_percent": definition.tolerance_percent,
               "meaningful_difference": definition.meaningful_difference}
    values["vs_region"] = compare_with_benchmark(values["value"], values["lower_95"], values["upper_95"],
                                                 region_benchmark, **compare)
    values["vs_stp"] = compare_with_benchmark(values["value"], values["lower_95"], values["upper_95"],
                                              stp_benchmark, **compare)
    values.loc[values["level"] == TOP_LEVEL, "vs_region"] = "not compared"
    values.loc[values["level"].isin(["stp", TOP_LEVEL]), "vs_stp"] = "not compared"
    values["area_name"] = values["area_name"].fillna(values["area_code"])
    return values[list(RESULT_COLUMNS)].sort_values(["level", "area_code", "period"], ignore_index=True)


def _allow_for_overdispersion(values: pd.DataFrame, definition: IndicatorDefinition, region: pd.Series) -> None:
    """Widen the intervals of an indicator counted in clustered units (definition.clustered_by), in place.

    For each level and period, the areas' spread around the region (indicators.statistics.estimate_overdispersion:
    phi from winsorised z-scores, DerSimonian-Laird tau^2 when phi is clearly above 1) is added to each
    area's interval, as funnel plots do in Public Health England's and NHS England's guidance. The region
    itself keeps its sampling interval.
    """
    lowest, highest = 0.0, (definition.multiplier if definition.comparison == "wilson" else None)
    value = values["value"].to_numpy(dtype=float)
    denominator = values["denominator"].to_numpy(dtype=float)
    lower = values["lower_95"].to_numpy(dtype=float).copy()
    upper = values["upper_95"].to_numpy(dtype=float).copy()
    shown = ~values["suppressed"].to_numpy(dtype=bool)
    benchmark = values["period"].map(region).to_numpy(dtype=float)
    areas = (values["level"] != TOP_LEVEL).to_numpy()
    groups = values.loc[areas].groupby(["level", "period"], sort=False).indices
    positions = np.flatnonzero(areas)
    for where in groups.values():
        rows = positions[where]
        keep = rows[shown[rows]]
        estimate = estimate_overdispersion(value[keep], denominator[keep], float(benchmark[rows[0]]),
                                           multiplier=definition.multiplier, comparison=definition.comparison)
        if estimate.tau2 <= 0:
            continue
        lower[rows], upper[rows] = widen_interval(value[rows], lower[rows], upper[rows], tau2=estimate.tau2, z=Z_95,
                                                  lowest=lowest, highest=highest)
    values["lower_95"] = lower
    values["upper_95"] = upper


def has_region_figures(definition: IndicatorDefinition, data: LoadedData) -> bool:
    """Whether the data give the indicator any figure for the region (the illustrative data have no appointments)."""
    try:
        values = compute_indicator_values(definition, data, levels=("region",))
    except IndicatorUnavailable:
        return False
    return bool(values["value"].notna().any())
