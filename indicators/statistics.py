"""Confidence intervals, funnel limits and benchmark comparison, vectorised over numpy arrays."""
import math

import numpy as np

Z_95 = 1.959963984540054
Z_998 = 3.090232306167813
EXACT_POISSON_BELOW = 10  # Byar's approximation is used from 10 events up, as Public Health England does


def wilson_interval(numerator, denominator, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion, as fractions 0-1; NaN where the denominator is 0."""
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = p + z * z / (2 * n)
        spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        scale = 1 + z * z / n
        lower = (centre - spread) / scale
        upper = (centre + spread) / scale
    bad = ~(n > 0)
    # At 0 or 100% the interval touches the boundary exactly; rounding error must not move it inside.
    lower = np.where(bad, np.nan, np.where(x <= 0, 0.0, np.clip(lower, 0, 1)))
    upper = np.where(bad, np.nan, np.where(x >= n, 1.0, np.clip(upper, 0, 1)))
    return lower, upper


def _two_sided_alpha(z: float) -> float:
    """The probability outside ±z on the standard normal: 0.05 for z = 1.96."""
    return math.erfc(z / math.sqrt(2))


def _gamma_quantiles(shape, probability: float) -> np.ndarray:
    """Quantiles of the gamma distribution with scale 1 (exact Poisson limits are gamma quantiles).

    scipy is imported here, when first needed, not with the module: it adds ~0.2 s to a cold start, and most
    pages need no exact limits. scipy.special, not scipy.stats: scipy.stats takes ~0.7 s to import.
    """
    from scipy import special

    return special.gammaincinv(shape, probability)


def _exact_poisson_limits(observed: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(observed > 0, _gamma_quantiles(np.where(observed > 0, observed, 1.0), alpha / 2), 0.0)
        return lower, _gamma_quantiles(observed + 1, 1 - alpha / 2)


def poisson_interval(count, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a count of events: exact (chi-squared, as gamma quantiles) below 10 events, Byar's method from 10 up."""
    observed = np.asarray(count, dtype=float)
    exact = observed < EXACT_POISSON_BELOW
    if exact.any():
        exact_lower, exact_upper = _exact_poisson_limits(np.where(exact, observed, 0.0), _two_sided_alpha(z))
    else:
        exact_lower = exact_upper = np.zeros(observed.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        byar_lower = observed * (1 - 1 / (9 * observed) - z / (3 * np.sqrt(observed))) ** 3
        byar_upper = (observed + 1) * (1 - 1 / (9 * (observed + 1)) + z / (3 * np.sqrt(observed + 1))) ** 3
    lower = np.where(exact, exact_lower, byar_lower)
    upper = np.where(exact, exact_upper, byar_upper)
    missing = np.isnan(observed)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def confidence_interval(numerator, denominator, *, multiplier: float, comparison: str,
                        z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """The interval in the indicator's own units (e.g. percent), or NaN where the method has none."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    if comparison == "wilson":
        lower, upper = wilson_interval(numerator, denominator, z)
        return lower * multiplier, upper * multiplier
    if comparison == "byar":
        lower, upper = poisson_interval(numerator, z)
        with np.errstate(divide="ignore", invalid="ignore"):
            return lower / denominator * multiplier, upper / denominator * multiplier
    empty = np.full(numerator.shape, np.nan)
    return empty, empty.copy()


def binomial_funnel_limits(proportion: float, denominators, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial control limits around `proportion` (0-1) for each denominator, as proportions 0-1.

    Spiegelhalter (2005), as Public Health England's funnel plot tool does: the limit at probability q is the
    q-quantile r of Binomial(n, proportion), interpolated so that the limits are smooth in n:
    (r - (F(r) - q) / (F(r) - F(r - 1))) / n, where F is the binomial distribution function. Denominators are
    rounded to whole numbers; below 1 there is no limit (NaN).
    """
    from scipy import special

    n = np.round(np.asarray(denominators, dtype=float))
    usable = n >= 1
    n_safe = np.where(usable, n, 1.0)
    alpha = _two_sided_alpha(z)
    limits = []
    for probability in (alpha / 2, 1 - alpha / 2):
        if proportion <= 0 or proportion >= 1:  # no spread: every area has the benchmark's 0% or 100%
            limit = np.full(n.shape, min(max(proportion, 0.0), 1.0))
        else:
            quantile = _binomial_quantile(probability, n_safe, proportion)
            at = special.bdtr(quantile, n_safe, proportion)
            below = np.where(quantile > 0, special.bdtr(np.maximum(quantile - 1, 0), n_safe, proportion), 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(at > below, (at - probability) / (at - below), 0.0)
            limit = np.clip((quantile - share) / n_safe, 0.0, 1.0)
        limits.append(np.where(usable, limit, np.nan))
    return limits[0], limits[1]


def _binomial_quantile(probability: float, n: np.ndarray, proportion: float) -> np.ndarray:
    """The smallest whole r with F(r) >= probability for Binomial(n, proportion) (scipy's continuous inverse,
    then stepped to the exact whole number)."""
    from scipy import special

    guess = np.nan_to_num(special.bdtrik(probability, n, proportion), nan=0.0)
    quantile = np.clip(np.floor(guess), 0, n)
    for _ in range(3):  # the continuous inverse is within a step or two of the answer
        quantile = np.where((special.bdtr(quantile, n, proportion) < probability) & (quantile < n), quantile + 1, quantile)
    for _ in range(3):
        lower_suffices = (quantile > 0) & (special.bdtr(np.maximum(quantile - 1, 0), n, proportion) >= probability)
        quantile = np.where(lower_suffices, quantile - 1, quantile)
    return quantile


def funnel_limits(benchmark_value: float, denominators, *, multiplier: float, comparison: str,
                  z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Control limits around a benchmark for each denominator, in value units.

    Proportions use exact binomial limits (binomial_funnel_limits); rates use exact Poisson limits on the
    expected count. Methods without sampling error have no limits (NaN). The lines drawn on a funnel plot and
    the labels of its points (funnel_comparison) both come from here, so they always agree.
    """
    n = np.asarray(denominators, dtype=float)
    if comparison == "wilson":
        lower, upper = binomial_funnel_limits(benchmark_value / multiplier, n, z)
        return lower * multiplier, upper * multiplier
    if comparison == "byar":
        lower, upper = _exact_poisson_limits(benchmark_value / multiplier * n, _two_sided_alpha(z))
        with np.errstate(divide="ignore", invalid="ignore"):
            return lower / n * multiplier, upper / n * multiplier
    empty = np.full(n.shape, np.nan)
    return empty, empty.copy()


def funnel_comparison(value, denominator, benchmark_value: float, *, multiplier: float, comparison: str,
                      direction: str, tolerance_percent: float = 10.0, z: float = Z_95) -> np.ndarray:
    """Each funnel plot point's label: better / worse (or higher / lower) outside funnel_limits at `z`, similar
    inside; with comparison "tolerance", outside the +/- tolerance_percent band; "not compared" otherwise."""
    value = np.asarray(value, dtype=float)
    if comparison in ("wilson", "byar"):
        lower, upper = funnel_limits(benchmark_value, denominator, multiplier=multiplier, comparison=comparison, z=z)
        return _label(value > upper, value < lower, ~np.isnan(lower) & ~np.isnan(value), direction)
    if comparison == "tolerance":
        band = abs(benchmark_value) * tolerance_percent / 100
        return _label(value > benchmark_value + band, value < benchmark_value - band,
                      ~np.isnan(value) & np.isfinite(benchmark_value), direction)
    return np.full(value.shape, "not compared", dtype=object)


def compare_with_benchmark(value, lower, upper, benchmark, *, direction: str, comparison: str,
                           tolerance_percent: float = 10.0) -> np.ndarray:
    """Label each value against its benchmark: better / similar / worse (or higher / lower when the
    direction is 'neither'), or 'not compared' when there is no value, benchmark or method.

    With a confidence interval a value differs only when the whole interval lies on one side of
    the benchmark; without one (tolerance) it differs when it is more than tolerance_percent away.
    """
    value = np.asarray(value, dtype=float)
    benchmark = np.broadcast_to(np.asarray(benchmark, dtype=float), value.shape)
    if comparison in ("wilson", "byar"):
        lower = np.asarray(lower, dtype=float)
        upper = np.asarray(upper, dtype=float)
        higher = lower > benchmark
        lower_than = upper < benchmark
        usable = ~np.isnan(lower) & ~np.isnan(upper)
    elif comparison == "tolerance":
        band = np.abs(benchmark) * tolerance_percent / 100
        higher = value > benchmark + band
        lower_than = value < benchmark - band
        usable = np.ones(value.shape, dtype=bool)
    else:
        return np.full(value.shape, "not compared", dtype=object)
    return _label(higher, lower_than, usable & ~np.isnan(value) & ~np.isnan(benchmark), direction)


def _label(higher: np.ndarray, lower_than: np.ndarray, usable: np.ndarray, direction: str) -> np.ndarray:
    up, down = {"higher_is_better": ("better", "worse"), "lower_is_better": ("worse", "better")}.get(
        direction, ("higher", "lower"))
    labels = np.where(higher, up, np.where(lower_than, down, "similar")).astype(object)
    labels[~usable] = "not compared"
    return labels
