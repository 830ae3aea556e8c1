"""Complementary suppression: no withheld figure can be worked out from the figures shown beside it.

The attack is run for real: for every period and indicator, each parent (the region, an STP, a borough, a
network) minus its shown children, or the sum of the children of a withheld parent, and then the whole
system of such equations solved by linear algebra, must leave every withheld figure undetermined.
"""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.compute import IndicatorUnavailable, compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import LEVELS, load_config
from indicators.suppression import find_parents, find_suppressed

ROOT = Path(__file__).resolve().parents[2]
DEMO = next(d for d in (ROOT / "data" / "illustrative", ROOT / "data") if (d / "practices.csv").exists())
REALDATA = ROOT.parent / "shared" / "realdata"
CONFIG = load_config(ROOT / "config.yaml")


def groups_of(values: pd.DataFrame) -> dict[int, list[int]]:
    """Each shown row's children, worked out here from the codes alone: a row's parent is the nearest higher
    level that has a row for its code (a practice with no network hangs from its borough, and so on)."""
    levels = [level for level in LEVELS if level in set(values["level"])]
    index = {(row.level, row.area_code, row.period): position for position, row in enumerate(values.itertuples())}
    top = {row.period: position for position, row in enumerate(values.itertuples()) if row.level == levels[-1]}
    children: dict[int, list[int]] = {}
    for position, row in enumerate(values.itertuples()):
        here = levels.index(row.level)
        for parent_level in levels[here + 1:]:
            code = {"pcn": row.pcn_code, "borough": row.borough_code, "stp": row.stp_code}.get(parent_level)
            parent = top.get(row.period) if parent_level == levels[-1] else index.get((parent_level, code, row.period))
            if parent is not None and (parent_level == levels[-1] or code):
                children.setdefault(parent, []).append(position)
                break
    return children


def recoverable(values: pd.DataFrame, withheld: np.ndarray | None = None) -> list[int]:
    """Withheld rows (NaN denominator, or `withheld`) whose figures can be worked out from the shown ones: by
    one subtraction, or by solving every parent = sum of children equation at once. A withheld figure is
    determined exactly when it is zero in every solution of the equations with the shown figures set to zero
    (the null space of the equations), so one singular value decomposition tests them all. Numerators and
    denominators are withheld together, so the same rows answer for both."""
    if withheld is None:
        withheld = values["denominator"].isna().to_numpy()
    unknown = np.flatnonzero(withheld)
    if not len(unknown):
        return []
    column_of = {row: i for i, row in enumerate(unknown)}
    equations = []
    for parent, kids in groups_of(values).items():
        equation = np.zeros(len(unknown))
        for row, sign in [(parent, 1.0)] + [(kid, -1.0) for kid in kids]:
            if row in column_of:
                equation[column_of[row]] += sign
        if equation.any():
            equations.append(equation)
    if not equations:
        return []
    _, singular, rows = np.linalg.svd(np.array(equations))
    rank = int((singular > 1e-9).sum())
    null_space = rows[rank:]
    return [int(row) for i, row in enumerate(unknown) if not len(null_space) or np.abs(null_space[:, i]).max() < 1e-9]


def tidy(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["level", "area_code", "pcn_code", "borough_code", "stp_code", "denominator"]
                        ).assign(period="2020-01-01", numerator=1.0)


# A region of two STPs: S1 with boroughs B1 (networks N1, N2) and B2 (network N3); S2 with B3 only.
HIERARCHY = [
    ("practice", "P1", "N1", "B1", "S1", 100), ("practice", "P2", "N1", "B1", "S1", 3),
    ("practice", "P3", "N2", "B1", "S1", 50), ("practice", "P4", "N3", "B2", "S1", 80),
    ("practice", "P5", "", "B2", "S1", 60), ("practice", "P6", "N4", "B3", "S2", 90),
    ("pcn", "N1", "N1", "B1", "S1", 103), ("pcn", "N2", "N2", "B1", "S1", 50), ("pcn", "N3", "N3", "B2", "S1", 80),
    ("pcn", "N4", "N4", "B3", "S2", 90),
    ("borough", "B1", "", "B1", "S1", 153), ("borough", "B2", "", "B2", "S1", 140), ("borough", "B3", "", "B3", "S2", 90),
    ("stp", "S1", "", "", "S1", 293), ("stp", "S2", "", "", "S2", 90), ("region", "R", "", "", "", 383),
]


def test_the_parents_of_each_row():
    values = tidy(HIERARCHY)
    parents = find_parents(values, LEVELS)
    named = {values["area_code"][i]: (values["area_code"][p] if p >= 0 else None) for i, p in enumerate(parents)}
    assert named == {"P1": "N1", "P2": "N1", "P3": "N2", "P4": "N3", "P5": "B2", "P6": "N4", "N1": "B1", "N2": "B1",
                     "N3": "B2", "N4": "B3", "B1": "S1", "B2": "S1", "B3": "S2", "S1": "R", "S2": "R", "R": None}


def test_one_small_practice_takes_its_smallest_sibling_with_it():
    values = tidy(HIERARCHY)
    withheld = find_suppressed(values, LEVELS, threshold=10)
    # P2 (3 patients) is small; N1 - P1 would give it away, so P1 (its only sibling) goes too; then N1 is the
    # only withheld child of nothing: N1 itself is shown, and P1 + P2 = N1 reveals neither
    assert set(values["area_code"][withheld]) == {"P2", "P1"}
    assert recoverable(values, withheld) == []


def test_a_chain_of_single_children_is_withheld_all_the_way_up():
    values = tidy(HIERARCHY)
    withheld = find_suppressed(values, LEVELS, threshold=95)  # P6 (90): alone in N4, alone in B3, alone in S2
    assert {"P6", "N4", "B3", "S2"} <= set(values["area_code"][withheld])
    assert recoverable(values, withheld) == []
    # S2 withheld means London minus S1 would give it away, unless S1 goes too
    assert "S1" in set(values["area_code"][withheld])


def test_the_attack_finds_what_primary_suppression_alone_leaves_open():
    values = tidy(HIERARCHY)
    primary = ~(values["denominator"].to_numpy() >= 10)
    assert set(values["area_code"][primary]) == {"P2"}
    assert recoverable(values, primary) == [int(np.flatnonzero(primary)[0])]
    both = primary | (values["area_code"] == "P3").to_numpy()  # two withheld, but in different networks
    assert sorted(values["area_code"][recoverable(values, both)]) == ["P2", "P3"]


def _computed(data, definition) -> pd.DataFrame:
    try:
        return compute_indicator_values(definition, data)
    except IndicatorUnavailable as error:  # e.g. the forum's answers, not saved yet
        pytest.skip(f"{definition.id}: {error}")


@pytest.mark.parametrize("definition", CONFIG.indicators, ids=lambda d: d.id)
def test_nothing_withheld_in_the_demo_data_can_be_recovered(definition):
    data = load_data(CONFIG, DEMO)
    values = _computed(data, definition)
    assert not values.loc[values["suppressed"], ["numerator", "denominator", "value"]].notna().any().any()
    for _, period_values in values.groupby("period"):
        assert recoverable(period_values.reset_index(drop=True)) == [], definition.id


@pytest.mark.parametrize("indicator_id", ["extended_access_coverage", "practices_in_federation",
                                          "pcn_maturity_embedded", "gp_fte_per_1000"])
def test_nothing_can_be_recovered_when_many_more_are_withheld(indicator_id):
    data = load_data(CONFIG, DEMO)
    definition = CONFIG.indicator(indicator_id)
    everything = compute_indicator_values(replace(definition, suppress_below=0), data)
    latest = everything["period"].max()
    smallest = everything[(everything["period"] == latest) & (everything["level"] == everything["level"].iloc[0])]
    threshold = float(np.quantile(smallest["denominator"], 0.2))  # the 20th percentile of the boroughs
    values = compute_indicator_values(replace(definition, suppress_below=threshold), data)
    values = values[values["period"] == latest].reset_index(drop=True)
    assert values["suppressed"].mean() > 0.2
    assert recoverable(values) == []


def test_the_same_figures_are_withheld_whichever_levels_are_asked_for():
    data = load_data(CONFIG, DEMO)
    definition = replace(CONFIG.indicator("extended_access_coverage"), suppress_below=30_000)
    every = compute_indicator_values(definition, data)
    areas = compute_indicator_values(definition, data, levels=("borough", "stp", "region"))
    every = every[every["level"].isin(["borough", "stp", "region"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(every, areas)
    assert every["suppressed"].any()


@pytest.mark.skipif(not (REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv").exists(),
                    reason=f"the real NHS files are not in {REALDATA}")
def test_nothing_withheld_in_the_real_london_data_can_be_recovered(tmp_path):
    from importers.dataset import run_import

    files = [REALDATA / name for name in ("gp-reg-pat-prac-map_2020-09_england.csv",
                                          "gp-reg-pat-prac-all_2021-01_england.csv",
                                          "nhs-payments-to-general-practice_2018-19_england.csv",
                                          "pcn-workforce_2020-03_england.csv")]
    run_import(files, tmp_path / "real")
    data = load_data(CONFIG, tmp_path / "real")
    values = compute_indicator_values(CONFIG.indicator("extended_hours_practices"), data)
    # 5 practices is the threshold: the networks under it, and their complements, are withheld
    assert values["suppressed"].sum() > 50
    for _, period_values in values.groupby("period"):
        assert recoverable(period_values.reset_index(drop=True)) == []
