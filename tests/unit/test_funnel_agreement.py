"""Every point of a funnel plot is labelled as the drawn lines place it: above, below or between the limits.

Checked on whole funnels: the real London networks' extended-hours figures (a proportion: exact binomial
limits) and every demo practice's extended-access appointments (a rate: exact Poisson limits).
"""
from pathlib import Path

import numpy as np
import pytest

from figures import funnel
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import LEVELS, load_config

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
DEMO = next(d for d in (ROOT / "data" / "illustrative", ROOT / "data") if (d / "practices.csv").exists())
CONFIG = load_config(ROOT / "config.yaml")
UP, DOWN = {"higher_is_better": ("Better", "Worse"), "lower_is_better": ("Worse", "Better")}.get(
    "higher_is_better")


def check_every_point_against_the_lines(values, definition, areas, level: str) -> int:
    """The number of points checked; fails on the first point whose label disagrees with the lines."""
    benchmark = values.loc[values["level"] == LEVELS[-1], "value"].iloc[0]
    points = values[values["level"] == level]
    figure = funnel.build_funnel_figure(points, definition, areas, benchmark_name="London",
                                        benchmark_value=benchmark)
    limits = next(trace for trace in figure.data if trace.name == "95% control limits")
    x, y = np.asarray(limits.x, dtype=float), np.asarray(limits.y, dtype=float)
    half = len(x) // 2
    lower = dict(zip(x[:half], y[:half]))
    upper = dict(zip(x[half + 1:], y[half + 1:]))
    checked = 0
    for trace in figure.data:
        if trace.mode != "markers":
            continue
        for point_x, point_y in zip(trace.x, trace.y):
            low, high = lower[float(point_x)], upper[float(point_x)]  # a line point at every point's x
            if trace.name.startswith(UP):
                assert point_y > high, (trace.name, point_x, point_y, high)
            elif trace.name.startswith(DOWN):
                assert point_y < low, (trace.name, point_x, point_y, low)
            else:
                assert low <= point_y <= high, (trace.name, point_x, point_y, low, high)
            checked += 1
    return checked


@pytest.mark.skipif(not (REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv").exists(),
                    reason=f"the real NHS files are not in {REALDATA}")
def test_the_real_london_networks_extended_hours_funnel(tmp_path):
    from importers.dataset import run_import

    run_import([REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv",
                REALDATA / "nhs-payments-to-general-practice_2018-19_england.csv"], tmp_path / "real")
    definition = CONFIG.indicator("extended_hours_practices")
    data = load_data(CONFIG, tmp_path / "real")
    values = compute_indicator_values(definition, data, levels=("pcn", LEVELS[-1]))
    assert check_every_point_against_the_lines(values, definition, data.areas, "pcn") > 120  # London's networks not withheld


def test_every_demo_practices_appointment_rate_funnel():
    definition = CONFIG.indicator("extended_access_appointments_per_1000")
    data = load_data(CONFIG, DEMO)
    values = compute_indicator_values(definition, data, levels=("practice", LEVELS[-1]))
    latest = values[values["period"] == values["period"].max()]
    assert check_every_point_against_the_lines(latest, definition, data.areas, "practice") > 1000
