"""Shaping indicator values for what the pages show: headline tiles, display tables, mixes, maturity grids."""
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_change, format_interval, format_period, format_status


@dataclass(frozen=True)
class Headline:
    """One figure with its target status, in words that do not rely on colour."""

    value: float
    text: str
    target_text: str
    target_met: bool | None
    change_text: str


def compute_headline(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str, period: str) -> Headline:
    """The area's value in the period, whether it meets the target, and the change since the first period."""
    rows = values[(values["area_code"] == area_code)].sort_values("period")
    current = rows.loc[rows["period"] == period, "value"]
    value = float(current.iloc[0]) if len(current) else float("nan")
    target_text, met = compute_target_status(definition, value)
    earlier = rows[(rows["period"] < period) & rows["value"].notna()]
    if len(earlier) and not np.isnan(value):
        first = earlier.iloc[0]
        change = format_change(value - first["value"], decimals=definition.decimals, unit=definition.unit)
        change_text = f"{change} since {format_period(first['period'])}"
    else:
        change_text = ""
    return Headline(value, definition.format_value(value), target_text, met, change_text)


def compute_target_status(definition: IndicatorDefinition, value: float) -> tuple[str, bool | None]:
    """Whether the value meets the indicator's target, honouring its direction, in words: ('Target 97.0%: met ✓',
    True); met is None when there is no target or no figure."""
    target = definition.target
    if target is None:
        return "No published target", None
    if np.isnan(value):
        return f"Target {definition.format_value(target.value)}: no figure to compare", None
    met = bool(value <= target.value if definition.direction == "lower_is_better" else value >= target.value)
    return f"Target {definition.format_value(target.value)}: {'met ✓' if met else 'not met ✗'}", met


def compute_latest_headline(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str,
                            period: str) -> tuple[Headline, str] | None:
    """The area's headline in the latest period up to `period` with figures, and that period; None when no
    period has figures."""
    shown = latest_period_with_values(values, period)
    if shown is None:
        return None
    return compute_headline(values, definition, area_code=area_code, period=shown), shown


def compute_display_table(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel) -> pd.DataFrame:
    """Values as a reader sees them: area, figure, interval, comparison in words, counts behind it.

    Each area is compared with the region and with its own STP, in words (the column headings name them).
    """
    region, system = areas.region.name, areas.system.name
    levels = {level: areas.level(level).title for level in values["level"].unique()}
    intervals = [format_interval(lower, upper, decimals=definition.decimals)
                 for lower, upper in zip(values["lower_95"], values["upper_95"])]
    # An indicator with a target says met / not met first, before any comparison between areas.
    targets = ({f"Target {definition.format_value(definition.target.value)}": [
        "no figure" if met is None else "met" if met else "not met"
        for met in (compute_target_status(definition, float(value))[1] for value in values["value"])]}
        if definition.target is not None else {})
    return pd.DataFrame({
        "Area": values["area_name"].to_numpy(),
        "Level": values["level"].map(levels).to_numpy(),
        "Period": values["period"].to_numpy(),
        definition.name: values["value"].round(definition.decimals).to_numpy(),
        **targets,
        "95% confidence interval": intervals,
        f"Compared with {region}": values["vs_region"].map(lambda status: format_status(status, region)).to_numpy(),
        f"Compared with its {system}": values["vs_stp"].map(lambda status: format_status(status, f"its {system}"))
        .to_numpy(),
        "Numerator": values["numerator"].to_numpy(),
        "Denominator": values["denominator"].to_numpy(),
        "Shown": np.where(values["suppressed"], "No: too few to show", "Yes"),
    })


def compute_mix(values_by_indicator: dict[str, pd.DataFrame], definitions: list[IndicatorDefinition]) -> pd.DataFrame:
    """Stacked parts of a mix (e.g. staff per 1,000 patients by group): area_name, staff_group, fte_per_1000."""
    parts = []
    for definition in definitions:
        values = values_by_indicator[definition.id]
        parts.append(pd.DataFrame({"area_code": values["area_code"], "area_name": values["area_name"],
                                   "level": values["level"], "staff_group": definition.short_name,
                                   "fte_per_1000": values["value"]}))
    if not parts:
        return pd.DataFrame(columns=["area_code", "area_name", "level", "staff_group", "fte_per_1000"])
    return pd.concat(parts, ignore_index=True)


def compute_maturity_grid(scores: pd.DataFrame, geography: pd.DataFrame, *, stp_code: str, period: str) -> pd.DataFrame:
    """Each PCN's self-assessed score per maturity domain in the STP: pcn_name, maturity_domain, score."""
    pcns = geography[geography["stp_code"] == stp_code].drop_duplicates("pcn_code").set_index("pcn_code")
    chosen = scores[(scores["period"] == period) & scores["pcn_code"].isin(pcns.index)]
    grid = chosen.groupby(["pcn_code", "maturity_domain"], as_index=False)["score"].mean()
    grid["pcn_name"] = grid["pcn_code"].map(pcns["pcn_name"])
    grid["borough_name"] = grid["pcn_code"].map(pcns["borough_name"])
    return grid.sort_values(["borough_name", "pcn_name", "maturity_domain"], ignore_index=True)[
        ["borough_name", "pcn_name", "maturity_domain", "score"]]


def latest_period_with_values(values: pd.DataFrame, period: str) -> str | None:
    """The chosen period if it has figures, else the latest earlier one that does (tables differ in dates)."""
    available = sorted(values.loc[values["value"].notna(), "period"].unique())
    earlier = [p for p in available if p <= period]
    if earlier:
        return earlier[-1]
    return available[0] if available else None


@dataclass(frozen=True)
class HeadlineChoice:
    """The indicator a domain's headline tile shows, and why, when it is not the one config.yaml names."""

    definition: IndicatorDefinition
    note: str = ""


def values_vary(values: pd.DataFrame, definition: IndicatorDefinition, period: str | None = None) -> bool:
    """Whether the areas below the region (STPs, boroughs ...) differ in the latest period (up to `period`) with
    figures, as shown (rounded to the indicator's decimals): a figure that is the same everywhere tells nobody
    anything."""
    shown = values[values["value"].notna() & (values["level"] != "region")]
    if shown.empty:
        return False
    latest = latest_period_with_values(shown, period) if period else shown["period"].max()
    current = shown.loc[shown["period"] == latest, "value"].astype(float).round(definition.decimals)
    return current.nunique() > 1


def choose_headline(definitions: Sequence[IndicatorDefinition], get_values: Callable[[str], pd.DataFrame], *,
                    period: str | None = None) -> HeadlineChoice | None:
    """A domain's headline: its first indicator (config.indicators_in puts the configured `headline` first), unless
    that has no figure or is the same for every area; then the next indicator of the domain whose areas differ.
    When none differ, the first with figures (or else the first), said in the note. None for no indicators.

    get_values(indicator_id) gives the tidy values of the areas to compare (e.g. STPs and boroughs) or raises
    IndicatorUnavailable.
    """
    if not definitions:
        return None
    first = definitions[0]
    reason = ""
    with_figures = None
    for definition in definitions:
        try:
            values = get_values(definition.id)
        except IndicatorUnavailable:
            values = None
        has_figures = values is not None and values["value"].notna().any()
        if has_figures and with_figures is None:
            with_figures = definition
        if has_figures and values_vary(values, definition, period):
            if definition is not first:
                return HeadlineChoice(definition, f"Shown instead of {first.name}, which {reason}.")
            return HeadlineChoice(definition)
        if definition is first:
            if not has_figures:
                reason = "has no figure in these data"
            else:
                latest = latest_period_with_values(values, period) if period else values["period"].max()
                same = values.loc[(values["period"] == latest) & values["value"].notna(), "value"]
                reason = f"is {definition.format_value(float(same.iloc[0]))} in every area"
    chosen = with_figures or first
    return HeadlineChoice(chosen, "" if chosen is first else f"Shown instead of {first.name}, which {reason}.")
