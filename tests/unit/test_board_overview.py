"""indicators/board_overview.py: every indicator of one area with its latest value, target and both icons."""
import numpy as np
import pandas as pd

from indicators.board_overview import OVERVIEW_COLUMNS, compute_board_overview
from indicators.definitions import IndicatorDefinition, Measure, Target

MEASURE = Measure("table", ("column",))


def definition(indicator_id: str, **fields) -> IndicatorDefinition:
    base = {"id": indicator_id, "name": indicator_id.replace("_", " ").capitalize(), "plain_name": f"plain {indicator_id}",
            "description": "", "plain_description": "", "domain": "access", "numerator": MEASURE,
            "denominator": MEASURE, "multiplier": 100, "unit": "%", "direction": "higher_is_better",
            "comparison": "wilson", "decimals": 1}
    return IndicatorDefinition(**{**base, **fields})


def tidy(indicator_id: str, values: list[float | None], *, area_code: str = "E54000027",
         level: str = "stp") -> pd.DataFrame:
    periods = [f"{2019 + offset // 12}-{offset % 12 + 1:02d}-01" for offset in range(len(values))]
    own = pd.DataFrame({"indicator_id": indicator_id, "period": periods, "level": level, "area_code": area_code,
                        "area_name": "North East London", "value": [np.nan if v is None else v for v in values]})
    other = own.assign(area_code="E54000028", area_name="Elsewhere", value=50.0)  # another STP: never read
    region = own.assign(level="region", area_code="E40000003", area_name="London", value=1.0)
    return pd.concat([own, other, region], ignore_index=True)


def test_the_overview_has_a_row_per_indicator_with_values_targets_and_icons():
    coverage = definition("coverage", target=Target(97, "London"))           # 8, 12 ... then 40: improving
    waiting = definition("waiting_days", unit="days", direction="lower_is_better", decimals=0,
                         target=Target(30, "NHS England"))                   # 8, 12 ... then 40: concerning
    staff = definition("staff_per_1000", unit="per 1,000 patients", direction="neither", decimals=2)
    missing = definition("not_in_the_data")
    values = {
        "coverage": tidy("coverage", [8, 12] * 7 + [40]),
        "waiting_days": tidy("waiting_days", [8, 12] * 7 + [40, None]),
        "staff_per_1000": tidy("staff_per_1000", [0.5, 0.6, 0.55]),
    }
    overview = compute_board_overview(values, [coverage, waiting, staff, missing], area_code="E54000027",
                                      level="stp")
    # limits of 8, 12 ... 40: mean 12, upper 12 + 2.66 × 80/14 = 27.2, lower -3.2 (see tests/unit/test_spc.py);
    # the target 97% is above the upper limit with higher better: fails. The waiting series' last month is blank.
    expected = pd.DataFrame([
        ["Coverage", "March 2020", "40.0%", "97.0%", "↑✓ Special cause variation: improving (higher)",
         "F Consistently fails the target"],
        ["Waiting days", "March 2020", "40 days", "30 days", "↑! Special cause variation: concerning (higher)",
         "P Consistently passes the target"],  # 30 days is above the upper limit, 27.2, and lower is better
        ["Staff per 1000", "March 2019", "0.55 per 1,000 patients", "No target",
         "… Not enough points yet: 3 of 15", "– No target"],
        ["Not in the data", "No figure", "No figure", "No target", "… Not enough points yet: 0 of 15",
         "– No target"],
    ], columns=list(OVERVIEW_COLUMNS))
    pd.testing.assert_frame_equal(overview, expected)


def test_the_plain_overview_uses_plain_names_and_words():
    coverage = definition("coverage", target=Target(97, "London"))
    overview = compute_board_overview({"coverage": tidy("coverage", [8, 12] * 7 + [40])}, [coverage],
                                      area_code="E54000027", plain_language=True)
    assert overview.iloc[0].tolist() == [
        "plain coverage", "March 2020", "40.0%", "97.0%", "↑✓ Better than usual: higher than normal ups and downs",
        "F Will miss the target unless something changes"]


def test_only_the_chosen_level_is_read_when_codes_repeat():
    frame = pd.concat([tidy("coverage", [8, 12] * 7 + [40]),
                       tidy("coverage", [1.0] * 15, level="borough")], ignore_index=True)
    coverage = definition("coverage")
    stp = compute_board_overview({"coverage": frame}, [coverage], area_code="E54000027", level="stp")
    borough = compute_board_overview({"coverage": frame}, [coverage], area_code="E54000027", level="borough")
    assert stp.loc[0, "Latest value"] == "40.0%"
    assert borough.loc[0, "Variation"] == "~ Common cause variation"
