"""Confidence intervals, funnel limits and benchmark labels, checked against values worked out by hand."""
import math

import numpy as np
import pytest

from indicators.statistics import (
    compare_with_benchmark,
    confidence_interval,
    funnel_comparison,
    funnel_limits,
    poisson_interval,
    wilson_interval,
)

Z = 1.96


def test_wilson_interval_for_half_of_100():
    # p = 0.5, n = 100, z^2 = 3.8416
    # centre = 0.5 + 3.8416/200 = 0.519208; spread = 1.96 * sqrt(0.0025 + 3.8416/40000) = 0.099864
    # scale = 1 + 3.8416/100 = 1.038416 -> (0.419344, 0.619072) / 1.038416 = (0.40383, 0.59617)
    lower, upper = wilson_interval(50, 100, Z)
    assert lower == pytest.approx(0.40383, abs=1e-5)
    assert upper == pytest.approx(0.59617, abs=1e-5)


def test_wilson_interval_for_none_of_10_starts_at_zero():
    # x = 0: lower = 0; upper = (z^2/10) / (1 + z^2/10) = 0.38416 / 1.38416 = 0.27754
    lower, upper = wilson_interval(0, 10, Z)
    assert lower == 0
    assert upper == pytest.approx(0.27754, abs=1e-5)


def test_wilson_interval_for_all_of_10_ends_at_one():
    # x = n: upper = 1; lower = 1 / (1 + z^2/10) = 1 / 1.38416 = 0.72246
    lower, upper = wilson_interval(10, 10, Z)
    assert upper == pytest.approx(1.0)
    assert lower == pytest.approx(0.72246, abs=1e-5)


def test_wilson_interval_with_no_denominator_is_missing():
    lower, upper = wilson_interval([0, 5], [0, 10], Z)
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert not np.isnan(lower[1])


def test_poisson_interval_for_no_events_is_exact():
    # exact: lower 0; upper = chi2(0.975, df 2) / 2 = -ln(0.025) = 3.68888
    lower, upper = poisson_interval(0, Z)
    assert lower == 0
    assert upper == pytest.approx(-math.log(0.025), abs=1e-3)


def test_poisson_interval_for_5_events_is_exact():
    # exact (below 10 events): chi2(0.025, df 10) / 2 = 3.24697 / 2; chi2(0.975, df 12) / 2 = 23.33666 / 2
    # (z = 1.96 is alpha = 0.04999..., not 0.05 exactly, hence the 1e-3 tolerance)
    lower, upper = poisson_interval(5, Z)
    assert lower == pytest.approx(1.62348, abs=1e-3)
    assert upper == pytest.approx(11.66833, abs=1e-3)


def test_poisson_interval_for_100_events_uses_byar():
    # Byar, as in PHE's technical guide: 100 * (1 - 1/900 - 1.96/30)^3 = 100 * 0.933556^3 = 81.36
    # upper: 101 * (1 - 1/909 + 1.96/(3*sqrt(101)))^3 = 101 * 1.063909^3 = 121.63
    lower, upper = poisson_interval(100, Z)
    assert lower == pytest.approx(81.36, abs=0.01)
    assert upper == pytest.approx(121.63, abs=0.01)


def test_poisson_interval_of_a_missing_count_is_missing():
    lower, upper = poisson_interval([np.nan, 3.0], Z)
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert upper[1] > 3


def test_confidence_interval_is_in_the_indicators_units():
    # Wilson 50/100 as a percentage; Byar 100 events in 50,000 people per 1,000: 81.36/50 and 121.63/50
    lower, upper = confidence_interval([50], [100], multiplier=100, comparison="wilson", z=Z)
    assert (lower[0], upper[0]) == (pytest.approx(40.383, abs=1e-3), pytest.approx(59.617, abs=1e-3))
    lower, upper = confidence_interval([100], [50_000], multiplier=1000, comparison="byar", z=Z)
    assert (lower[0], upper[0]) == (pytest.approx(1.6272, abs=1e-3), pytest.approx(2.4326, abs=1e-3))


@pytest.mark.parametrize("comparison", ["tolerance", "none"])
def test_confidence_interval_is_missing_for_methods_without_sampling_error(comparison):
    lower, upper = confidence_interval([5, 6], [100, 100], multiplier=1000, comparison=comparison)
    assert np.isnan(lower).all() and np.isnan(upper).all()


def test_funnel_limits_for_a_proportion_are_exact_binomial_limits_interpolated():
    # Spiegelhalter (2005): the q-quantile r of Binomial(n, p), less (F(r) - q) / (F(r) - F(r - 1)), over n.
    # p = 0.5, n = 100, q = 0.025: F(39) = 0.017600, F(40) = 0.028444 -> r = 40,
    #   40 - (0.028444 - 0.025) / (0.028444 - 0.017600) = 39.6824 -> 39.68%
    # q = 0.975: F(59) = 0.971556, F(60) = 0.982400 -> r = 60, 60 - (0.982400 - 0.975) / 0.010844 = 59.3176
    lower, upper = funnel_limits(50.0, [100], multiplier=100, comparison="wilson", z=Z)
    assert lower[0] == pytest.approx(39.682, abs=1e-3)
    assert upper[0] == pytest.approx(59.318, abs=1e-3)


def test_the_normal_approximation_was_19_points_off_at_n_5():
    # p = 0.9, n = 5, q = 0.025: F(2) = 0.00856, F(3) = 0.08146 -> r = 3, 3 - (0.08146 - 0.025) / 0.0729 = 2.2255
    # -> 44.5%; the normal approximation said 0.9 - 1.96 * sqrt(0.09 / 5) = 63.7%
    lower, upper = funnel_limits(90.0, [5], multiplier=100, comparison="wilson", z=Z)
    assert lower[0] == pytest.approx(44.51, abs=0.01)
    assert 90 - Z * math.sqrt(0.09 / 5) * 100 - lower[0] == pytest.approx(19.2, abs=0.1)
    # q = 0.975: F(4) = 0.40951 -> r = 5, 5 - (1 - 0.975) / (1 - 0.40951) = 4.9577 -> 99.15%
    assert upper[0] == pytest.approx(99.153, abs=1e-3)


def test_funnel_limits_agree_with_scipy_binomial_quantiles_over_many_denominators():
    from scipy import stats

    n = np.array([1, 2, 5, 17, 100, 999, 12_345, 1_000_000])
    for p in (0.03, 0.5, 0.974):
        for q, side in ((0.001, 0), (0.999, 1)):
            r = stats.binom.ppf(q, n, p)
            at, below = stats.binom.cdf(r, n, p), stats.binom.cdf(r - 1, n, p)
            expected = np.clip((r - (at - q) / (at - below)) / n, 0, 1)
            got = funnel_limits(p * 100, n, multiplier=100, comparison="wilson", z=3.090232306167813)[side] / 100
            assert got == pytest.approx(expected, abs=1e-9), (p, q)


def test_funnel_limits_narrow_as_the_denominator_grows_and_stay_within_0_to_100():
    lower, upper = funnel_limits(90.0, [10, 1000], multiplier=100, comparison="wilson", z=Z)
    assert 0 <= lower[0] < lower[1] and upper[1] < upper[0] <= 100
    assert funnel_limits(100.0, [10], multiplier=100, comparison="wilson", z=Z)[0][0] == 100  # no spread at 100%
    assert np.isnan(funnel_limits(50.0, [0], multiplier=100, comparison="wilson", z=Z)[0][0])


def test_funnel_comparison_labels_points_outside_the_same_limits():
    # n = 100 around 50%: limits 39.68 and 59.32; outside is better or worse (higher is better)
    labels = funnel_comparison([39.6, 39.7, 59.3, 59.4, np.nan], [100] * 5, 50.0, multiplier=100,
                               comparison="wilson", direction="higher_is_better", z=Z)
    assert list(labels) == ["worse", "similar", "similar", "better", "not compared"]
    # staff counts: the +/- 10% band
    assert list(funnel_comparison([0.53, 0.6, 0.67], [1, 1, 1], 0.6, multiplier=1000, comparison="tolerance",
                                  direction="neither")) == ["lower", "similar", "higher"]


def test_funnel_limits_for_a_rate_are_exact_poisson_limits_of_the_expected_count():
    # 3.6 per 1,000 in 10,000 people: 36 expected events; exact 95% limits of 36 are 25.21 and 49.84
    lower, upper = funnel_limits(3.6, [10_000], multiplier=1000, comparison="byar", z=Z)
    assert lower[0] == pytest.approx(2.521, abs=1e-3)
    assert upper[0] == pytest.approx(4.984, abs=1e-3)


def test_funnel_limits_are_missing_for_tolerance():
    lower, upper = funnel_limits(1.0, [100], multiplier=1000, comparison="tolerance")
    assert np.isnan(lower[0]) and np.isnan(upper[0])


def _label(value, lower, upper, benchmark, direction, comparison="wilson", tolerance_percent=10.0):
    labels = compare_with_benchmark([value], [lower], [upper], [benchmark], direction=direction,
                                    comparison=comparison, tolerance_percent=tolerance_percent)
    return labels[0]


@pytest.mark.parametrize("comparison", ["wilson", "byar"])
@pytest.mark.parametrize(
    ("direction", "benchmark_value", "expected"),
    [
        ("higher_is_better", 50, "better"),   # whole interval 60-70 above 50
        ("higher_is_better", 80, "worse"),    # whole interval below 80
        ("higher_is_better", 65, "similar"),  # interval contains the benchmark
        ("higher_is_better", 60, "similar"),  # touching the benchmark is not clear of it
        ("higher_is_better", 70, "similar"),
        ("lower_is_better", 50, "worse"),
        ("lower_is_better", 80, "better"),
        ("lower_is_better", 65, "similar"),
        ("neither", 50, "higher"),
        ("neither", 80, "lower"),
        ("neither", 65, "similar"),
    ],
)
def test_interval_comparison(comparison, direction, benchmark_value, expected):
    assert _label(65, 60, 70, benchmark_value, direction, comparison) == expected


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (110.0, "higher_is_better", "similar"),  # exactly at the edge of the 10% band around 100
        (110.5, "higher_is_better", "better"),
        (90.0, "higher_is_better", "similar"),
        (89.5, "higher_is_better", "worse"),
        (110.5, "lower_is_better", "worse"),
        (89.5, "lower_is_better", "better"),
        (110.5, "neither", "higher"),
        (89.5, "neither", "lower"),
        (100.0, "neither", "similar"),
    ],
)
def test_tolerance_comparison(value, direction, expected):
    assert _label(value, np.nan, np.nan, 100.0, direction, "tolerance", 10.0) == expected


def test_tolerance_band_is_a_percentage_of_the_benchmark():
    # 20% of 2.0 is 0.4: 2.39 is within, 2.41 is above
    assert _label(2.39, np.nan, np.nan, 2.0, "neither", "tolerance", 20.0) == "similar"
    assert _label(2.41, np.nan, np.nan, 2.0, "neither", "tolerance", 20.0) == "higher"


@pytest.mark.parametrize(
    ("value", "lower", "upper", "benchmark_value", "comparison"),
    [
        (np.nan, np.nan, np.nan, 50.0, "wilson"),  # suppressed value
        (65.0, 60.0, 70.0, np.nan, "wilson"),      # no benchmark (e.g. the STP is suppressed)
        (65.0, np.nan, np.nan, 50.0, "byar"),      # no interval
        (np.nan, np.nan, np.nan, 50.0, "tolerance"),
        (65.0, np.nan, np.nan, np.nan, "tolerance"),
        (65.0, 60.0, 70.0, 50.0, "none"),          # the method says never compare
    ],
)
def test_missing_numbers_are_not_compared(value, lower, upper, benchmark_value, comparison):
    assert _label(value, lower, upper, benchmark_value, "higher_is_better", comparison) == "not compared"


def test_comparison_labels_each_value_against_its_own_benchmark():
    labels = compare_with_benchmark([65, 65, np.nan], [60, 60, np.nan], [70, 70, np.nan], [50, 80, 50],
                                    direction="higher_is_better", comparison="wilson")
    assert list(labels) == ["better", "worse", "not compared"]


# Over-dispersion (Spiegelhalter 2005), worked by hand for five areas of 100 each against 50%:
# s_i^2 = 0.5 * 0.5 / 100 * 100^2 = 25 (s = 5 points) for every area.

def test_overdispersion_within_sampling_error_adds_nothing():
    # values 40, 45, 50, 55, 60 -> z = -2, -1, 0, 1, 2; 10th/90th centiles (linear): -1.6, 1.6
    # winsorised squares 2.56 + 1 + 0 + 1 + 2.56 = 7.12 -> phi = 1.424
    # threshold (4 + 2 sqrt(8)) / 5 = 1.93137: phi is below it, so tau^2 = 0
    from indicators.statistics import estimate_overdispersion

    estimate = estimate_overdispersion([40, 45, 50, 55, 60], [100] * 5, 50.0, multiplier=100, comparison="wilson")
    assert estimate.units == 5
    assert estimate.phi == pytest.approx(1.424)
    assert estimate.threshold == pytest.approx(1.93137, abs=1e-5)
    assert estimate.tau2 == 0


def test_overdispersion_estimates_dersimonian_laird_tau_squared():
    # values 30, 40, 50, 60, 70 -> z = -4, -2, 0, 2, 4; centiles -3.2, 3.2
    # winsorised squares 10.24 + 4 + 0 + 4 + 10.24 = 28.48 -> phi = 5.696 (> 1.93137)
    # w = 1/25 each: sum w = 0.2, sum w^2 / sum w = 0.04 -> denominator 0.16
    # tau^2 = (5 * 5.696 - 4) / 0.16 = 24.48 / 0.16 = 153.0 (tau = 12.37 points)
    from indicators.statistics import estimate_overdispersion

    estimate = estimate_overdispersion([30, 40, 50, 60, 70], [100] * 5, 50.0, multiplier=100, comparison="wilson")
    assert estimate.phi == pytest.approx(5.696)
    assert estimate.tau2 == pytest.approx(153.0)
    assert estimate.tau == pytest.approx(12.369, abs=1e-3)


def test_overdispersion_ignores_missing_areas_and_methods_without_sampling_error():
    from indicators.statistics import estimate_overdispersion

    with_gap = estimate_overdispersion([30, np.nan, 40, 50, 60, 70], [100, 100, 100, 100, 100, 100], 50.0,
                                       multiplier=100, comparison="wilson")
    assert with_gap.units == 5 and with_gap.tau2 == pytest.approx(153.0)
    assert estimate_overdispersion([1, 2], [10, 10], 1.5, multiplier=1, comparison="tolerance").tau2 == 0


def test_overdispersion_for_a_rate_uses_poisson_variance():
    # benchmark 2 per 1,000, n = 10,000: s^2 = (2/1000) / 10000 * 1000^2 = 0.2
    # values 1, 1.5, 2, 2.5, 3 -> z = (-1, -0.5, 0, 0.5, 1) / sqrt(0.2) = -2.23607, -1.11803, 0, 1.11803, 2.23607
    # centiles -1.78885, 1.78885 -> squares 3.2 + 1.25 + 0 + 1.25 + 3.2 = 8.9 -> phi = 1.78 < 1.93137: tau^2 = 0
    from indicators.statistics import estimate_overdispersion

    estimate = estimate_overdispersion([1, 1.5, 2, 2.5, 3], [10_000] * 5, 2.0, multiplier=1000, comparison="byar")
    assert estimate.phi == pytest.approx(1.78)
    assert estimate.tau2 == 0


def test_widened_interval_adds_tau_squared_to_each_half_width():
    # value 60, interval 50 to 70, tau^2 = 25, z = 2: each half-width 10 -> sqrt(100 + 4 * 25) = 14.1421
    from indicators.statistics import widen_interval

    lower, upper = widen_interval([60.0], [50.0], [70.0], tau2=25, z=2)
    assert lower[0] == pytest.approx(45.8579, abs=1e-4)
    assert upper[0] == pytest.approx(74.1421, abs=1e-4)
    lower, upper = widen_interval([98.0], [97.0], [99.0], tau2=25, z=2, lowest=0, highest=100)
    assert upper[0] == 100


def test_funnel_limits_widen_with_tau_squared():
    # 50% benchmark, n = 100: the exact binomial limits are 39.682 and 59.318 (2.5% and 97.5% quantiles of
    # Binomial(100, 0.5), interpolated); tau^2 = 153 moves each out: sqrt(10.318^2 + 1.96^2 * 153) = 26.348 below,
    # sqrt(9.318^2 + 1.96^2 * 153) = 25.973 above
    lower, upper = funnel_limits(50.0, [100], multiplier=100, comparison="wilson", z=Z)
    assert (lower[0], upper[0]) == (pytest.approx(39.682, abs=1e-3), pytest.approx(59.318, abs=1e-3))
    lower, upper = funnel_limits(50.0, [100], multiplier=100, comparison="wilson", z=Z, tau2=153.0)
    assert lower[0] == pytest.approx(50 - 26.348, abs=1e-3)
    assert upper[0] == pytest.approx(50 + 25.973, abs=1e-3)


def test_a_difference_smaller_than_the_meaningful_difference_is_similar():
    # The example: 97.6% with a near-zero interval against 97.9%; a 1-point meaningful difference
    labels = compare_with_benchmark([97.6, 96.5], [97.55, 96.45], [97.65, 96.55], 97.9, direction="higher_is_better",
                                    comparison="wilson", meaningful_difference=1.0)
    assert list(labels) == ["similar", "worse"]
    labels = compare_with_benchmark([97.6], [97.55], [97.65], 97.9, direction="higher_is_better", comparison="wilson")
    assert list(labels) == ["worse"]
    labels = compare_with_benchmark([0.60, 0.70], [np.nan] * 2, [np.nan] * 2, 0.56, direction="higher_is_better",
                                    comparison="tolerance", tolerance_percent=5, meaningful_difference=0.1)
    assert list(labels) == ["similar", "better"]
