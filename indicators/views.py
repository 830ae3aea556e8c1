"""Shaping indicator values for what the pages show: headline tiles, display tables, mixes, maturity grids."""
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators.definitions import IndicatorDefinition

STATUS_WORDS = {
    "better": "Better than London", "worse": "Worse than London", "similar": "Similar to London",
    "higher": "Higher than London", "lower": "Lower than London", "not compared": "Not compared",
}


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
    target = definition.target
    if target is None:
        target_text, met = "No published target", None
    elif np.isnan(value):
        target_text, met = f"Target {definition.format_value(target.value)}: no figure to compare", None
    else:
        met = value >= target.value if definition.direction != "lower_is_better" else value <= target.value
        target_text = f"Target {definition.format_value(target.value)}: {'met ✓' if met else 'not met ✗'}"
    earlier = rows[(rows["period"] < period) & rows["value"].notna()]
    if len(earlier) and not np.isnan(value):
        first = earlier.iloc[0]
        change = value - first["value"]
        unit = " points" if definition.unit == "%" else ""
        since = date.fromisoformat(first["period"]).strftime("%B %Y")
        change_text = f"{change:+,.{definition.decimals}f}{unit} since {since}"
    else:
        change_text = ""
    return Headline(value, definition.format_value(value), target_text, met, change_text)


def compute_latest_headline(values: pd.DataFrame, definition: IndicatorDefinition, *, area_code: str,
                            period: str) -> tuple[Headline, str] | None:
    """The area's headline in the latest period up to `period` with figures, and that period; None when no
    period has figures."""
    shown = latest_period_with_values(values, period)
    if shown is None:
        return None
    return compute_headline(values, definition, area_code=area_code, period=shown), shown


def compute_display_table(values: pd.DataFrame, definition: IndicatorDefinition) -> pd.DataFrame:
    """Values as a reader sees them: area, figure, interval, comparison in words, counts behind it."""
    def interval(row) -> str:
        if np.isnan(row["lower_95"]):
            return ""
        return f"{row['lower_95']:,.{definition.decimals}f} to {row['upper_95']:,.{definition.decimals}f}"

    table = pd.DataFrame({
        "Area": values["area_name"].to_numpy(),
        "Level": values["level"].map(LEVEL_WORDS).to_numpy(),
        "Period": values["period"].to_numpy(),
        definition.name: values["value"].round(definition.decimals).to_numpy(),
        "95% confidence interval": values.apply(interval, axis=1).to_numpy() if len(values) else [],
        "Compared with London": values["vs_region"].map(STATUS_WORDS).to_numpy(),
        "Compared with its STP": values["vs_stp"].map(STATUS_WORDS).to_numpy(),
        "Numerator": values["numerator"].to_numpy(),
        "Denominator": values["denominator"].to_numpy(),
        "Shown": np.where(values["suppressed"], "No: too few to show", "Yes"),
    })
    return table


LEVEL_WORDS = {"practice": "Practice", "pcn": "Primary Care Network", "borough": "Borough", "stp": "STP",
               "region": "London"}


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


AREA_NAME_COLUMNS = {"stp": ("stp_code", "stp_name"), "borough": ("borough_code", "borough_name")}


def compute_area_names(geography: pd.DataFrame, level: str, *, stp_code: str | None = None) -> dict[str, str]:
    """Code -> name of every STP or borough ("stp" / "borough") with practices, sorted by name; stp_code keeps
    that STP's areas only."""
    code, name = AREA_NAME_COLUMNS[level]
    rows = geography if stp_code is None else geography[geography["stp_code"] == stp_code]
    areas = rows[[code, name]].drop_duplicates(code)
    areas = areas[areas[code] != ""].sort_values(name, kind="stable")
    return dict(zip(areas[code], areas[name]))
