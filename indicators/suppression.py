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
    """Position of each row's parent in `values` (the nearest higher level with a row for it), -1 for the top.

    Rows are found by whole-number keys (level, code, period), so England's 80,000 rows take milliseconds.
    """
    count = len(values)
    columns = ["area_code", *PARENT_COLUMN.values()]
    code_ids, codes = pd.factorize(pd.concat([values[column].astype(str) for column in columns], ignore_index=True))
    code_of = {column: code_ids[i * count:(i + 1) * count] for i, column in enumerate(columns)}
    blank = np.flatnonzero(codes == "")
    period_ids, periods = pd.factorize(values["period"].astype(str))
    level_ids = pd.Categorical(values["level"].astype(str), categories=list(levels)).codes.astype(np.int64)

    def keys(level_id, code_id) -> np.ndarray:
        return (level_id * len(codes) + code_id) * max(len(periods), 1) + period_ids

    own_keys = pd.Series(np.arange(count), index=keys(level_ids, code_of["area_code"]))
    own_keys = own_keys[~own_keys.index.duplicated()]  # one row per level, area and period: the first
    parents = np.full(count, -1)
    top = len(levels) - 1
    top_rows = level_ids == top
    top_of_period = np.full(max(len(periods), 1), -1)
    top_of_period[period_ids[top_rows][::-1]] = np.flatnonzero(top_rows)[::-1]  # the first top row of each period
    for parent_level in range(top, 0, -1):  # nearest parent wins: fill from the top down, overwrite upwards
        below = level_ids < parent_level
        if parent_level == top:
            found = top_of_period[period_ids]
        else:
            code = code_of[PARENT_COLUMN[levels[parent_level]]]
            at = own_keys.index.get_indexer(keys(np.full(count, parent_level), code))
            found = np.where(at >= 0, own_keys.to_numpy()[at], -1)
            found[np.isin(code, blank)] = -1
        parents = np.where(below & (found >= 0), found, parents)
    return parents
