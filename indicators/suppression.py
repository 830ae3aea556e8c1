"""Small-number suppression that cannot be undone by subtraction (primary and complementary suppression).

An area's numerator and denominator are the sums of its children's (a network's practices, a borough's
networks, an STP's boroughs, the region's STPs; a row with no parent at the next level hangs from the
next one up). A figure below the threshold is withheld (primary suppression). If it were the only one
withheld in its group (a parent and its children), it could be worked out as parent minus the other
children, or, for a withheld parent, as the sum of its children. So in every such group with exactly one
withheld figure the smallest shown child is withheld too, or the parent when no child is left; that can
leave another group with one, so this repeats until no group has exactly one.

In a hierarchy (each figure in at most two groups: its parent's and its own), no group with exactly one
withheld figure means no withheld figure can be found from the others, however the groups are combined:
cutting the hierarchy at any withheld figure leaves, on each side, another withheld figure that is in only
one group (a practice, or the top), because a side whose groups each have none or at least two withheld
figures always reaches one.
"""
import numpy as np
import pandas as pd

PARENT_COLUMN = {"pcn": "pcn_code", "borough": "borough_code", "stp": "stp_code"}  # the code naming a row's ancestor


def find_suppressed(values: pd.DataFrame, levels: tuple[str, ...], threshold: float) -> np.ndarray:
    """Which rows to withhold: those with a denominator below `threshold` (or none), and complements.

    `values`: one row per level, area and period with columns level, area_code, period, pcn_code,
    borough_code, stp_code and denominator (numerator and denominator as summed, before withholding).
    `levels`: every level in `values`, from the smallest (e.g. practice) to the top.
    """
    denominator = values["denominator"].to_numpy(dtype=float)
    withheld = ~(denominator >= threshold) | ~(denominator > 0)
    parents = find_parents(values, levels)
    if not withheld.any():
        return withheld
    count = len(values)
    has_parent = parents >= 0
    children = np.bincount(parents[has_parent], minlength=count)
    # children in the order their complement is chosen: smallest denominator first, then by code
    order = np.lexsort((values["area_code"].astype(str).to_numpy(), np.nan_to_num(denominator, nan=-1.0), parents))
    order = order[has_parent[order]]
    while True:
        unknown = np.bincount(parents[has_parent & withheld], minlength=count) + withheld
        lone = (children > 0) & (unknown == 1)
        if not lone.any():
            return withheld
        candidates = order[lone[parents[order]] & ~withheld[order]]
        chosen = pd.Series(candidates).groupby(parents[candidates]).first()
        withheld[chosen.to_numpy()] = True
        no_child_left = np.flatnonzero(lone)
        withheld[no_child_left[~np.isin(no_child_left, chosen.index.to_numpy())]] = True


def find_parents(values: pd.DataFrame, levels: tuple[str, ...]) -> np.ndarray:
    """Position of each row's parent in `values` (the nearest higher level with a row for it), -1 for the top."""
    level_of = values["level"].to_numpy()
    period = values["period"].astype(str).to_numpy()
    top = levels[-1]
    positions = pd.Series(np.arange(len(values)), index=_keys(level_of, values["area_code"].astype(str).to_numpy(),
                                                              period))
    positions = positions[~positions.index.duplicated()]
    top_rows = np.flatnonzero(level_of == top)
    top_of_period = pd.Series(top_rows, index=period[top_rows])
    top_of_period = top_of_period[~top_of_period.index.duplicated()]
    parents = np.full(len(values), -1)
    for position, level in enumerate(levels[:-1]):
        rows = np.flatnonzero(level_of == level)
        found = np.full(len(rows), -1)
        for parent_level in levels[position + 1:]:
            if parent_level == top:
                match = np.array(top_of_period.reindex(period[rows]), dtype=float)
            else:
                codes = values[PARENT_COLUMN[parent_level]].astype(str).to_numpy()[rows]
                match = np.array(positions.reindex(_keys(np.full(len(rows), parent_level), codes, period[rows])),
                                 dtype=float)
                match[codes == ""] = np.nan
            usable = (found < 0) & ~np.isnan(match)
            found[usable] = match[usable].astype(int)
        parents[rows] = found
    return parents


def _keys(level: np.ndarray, code: np.ndarray, period: np.ndarray) -> pd.Index:
    return pd.Index(np.char.add(np.char.add(np.char.add(np.char.add(level.astype(str), "|"), code.astype(str)), "|"),
                                period.astype(str)))
