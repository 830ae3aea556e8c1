"""The board overview of one area, as NHS boards read their indicators: each indicator's latest value, its target
and its Making Data Count variation and assurance icons (symbol and words), in one table."""
from collections.abc import Iterable, Mapping

import pandas as pd

from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_period
from indicators.spc import compute_spc_for_area

OVERVIEW_COLUMNS = ("Indicator", "Latest period", "Latest value", "Target", "Variation", "Assurance")
NO_FIGURE = "No figure"
NO_TARGET = "No target"


def compute_board_overview(values_by_indicator: Mapping[str, pd.DataFrame],
                           definitions: Iterable[IndicatorDefinition], *, area_code: str, level: str | None = None,
                           plain_language: bool = False) -> pd.DataFrame:
    """One row per definition, in the definitions' order, with OVERVIEW_COLUMNS as text ready to show or download.

    `values_by_indicator`: indicator id -> its tidy table (docs/data-contract.md); an indicator with no table or no
    rows for the area still gets a row ("No figure", not enough points). `level` narrows the rows when codes repeat
    across levels. The latest value is the last period with a figure, with its unit; icons are symbol and words
    (plain words when `plain_language`), the SPC worked out with the definition's direction, target and change
    points.
    """
    rows = []
    for definition in definitions:
        values = values_by_indicator.get(definition.id)
        if values is None:
            values = pd.DataFrame({"area_code": [], "level": [], "period": [], "value": []})
        result = compute_spc_for_area(values, definition, area_code=area_code, level=level)
        latest = result.latest_point
        target = definition.target
        rows.append({
            "Indicator": definition.plain_name if plain_language else definition.name,
            "Latest period": format_period(latest.period) if latest else NO_FIGURE,
            "Latest value": definition.format_value(latest.value) if latest else NO_FIGURE,
            "Target": definition.format_value(target.value) if target is not None else NO_TARGET,
            "Variation": result.variation.text(plain=plain_language),
            "Assurance": result.assurance.text(plain=plain_language),
        })
    return pd.DataFrame(rows, columns=list(OVERVIEW_COLUMNS))
