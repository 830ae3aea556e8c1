"""Confidence intervals, funnel limits and benchmark comparison, vectorised over numpy arrays.

Over-dispersion (indicators measured on clustered units, e.g. practice-level yes/no coverage counted in
patients) follows Spiegelhalter (2005), "Handling over-dispersion of performance indicators", as Public Health
England's and NHS England's funnel-plot guidance do: z-scores against the benchmark, winsorised at their 10th and
90th centiles, give phi; when phi is clearly above 1 an additive random-effects variance tau^2
(DerSimonian-Laird) widens every interval and funnel limit.
"""
import math
from dataclasses import dataclass

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
                  z: float = Z_95, tau2: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Control limits around a benchmark for each denominator, in value units.

    Proportions use exact binomial limits (binomial_funnel_limits); rates use exact Poisson limits on the
    expected count. Methods without sampling error have no limits (NaN). With tau2 > 0 (over-dispersion, value
    units squared) each limit is widened by the random-effects variance: its distance d from the benchmark
    becomes sqrt(d^2 + z^2 tau2). The lines drawn on a funnel plot and the labels of its points
    (funnel_comparison) both come from here, so they always agree.
    """
    n = np.asarray(denominators, dtype=float)
    if comparison == "wilson":
        lower, upper = binomial_funnel_limits(benchmark_value / multiplier, n, z)
        return _widen_limits(benchmark_value, lower * multiplier, upper * multiplier, z=z, tau2=tau2,
                             lowest=0.0, highest=float(multiplier))
    if comparison == "byar":
        lower, upper = _exact_poisson_limits(benchmark_value / multiplier * n, _two_sided_alpha(z))
        with np.errstate(divide="ignore", invalid="ignore"):
            lower, upper = lower / n * multiplier, upper / n * multiplier
        return _widen_limits(benchmark_value, lower, upper, z=z, tau2=tau2, lowest=0.0)
    empty = np.full(n.shape, np.nan)
    return empty, empty.copy()


def _widen_limits(benchmark_value: float, lower, upper, *, z: float, tau2: float, lowest: float | None = None,
                  highest: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Funnel limits moved out by a random-effects variance (no change when tau2 is 0)."""
    if tau2 <= 0:
        return lower, upper
    return widen_interval(np.full(np.shape(lower), float(benchmark_value)), lower, upper, tau2=tau2, z=z,
                          lowest=lowest, highest=highest)


def funnel_comparison(value, denominator, benchmark_value: float, *, multiplier: float, comparison: str,
                      direction: str, tolerance_percent: float = 10.0, z: float = Z_95, tau2: float = 0.0,
                      meaningful_difference: float = 0.0) -> np.ndarray:
    """Each funnel plot point's label: better / worse (or higher / lower) outside funnel_limits at `z` (widened by
    tau2), similar inside or nearer the benchmark than `meaningful_difference`; with comparison "tolerance",
    outside the +/- tolerance_percent band; "not compared" otherwise."""
    value = np.asarray(value, dtype=float)
    if comparison in ("wilson", "byar"):
        lower, upper = funnel_limits(benchmark_value, denominator, multiplier=multiplier, comparison=comparison, z=z,
                                     tau2=tau2)
        higher, lower_than, usable = value > upper, value < lower, ~np.isnan(lower) & ~np.isnan(value)
    elif comparison == "tolerance":
        band = abs(benchmark_value) * tolerance_percent / 100
        higher, lower_than = value > benchmark_value + band, value < benchmark_value - band
        usable = ~np.isnan(value) & np.isfinite(benchmark_value)
    else:
        return np.full(value.shape, "not compared", dtype=object)
    return _label(higher, lower_than, usable, direction, value - benchmark_value, meaningful_difference)


@dataclass(frozen=True)
class Overdispersion:
    """How much more the areas vary than sampling error alone allows (Spiegelhalter 2005).

    phi: the over-dispersion factor, the mean of the squared winsorised z-scores (1 = sampling error alone).
    tau2: the additive random-effects variance in the indicator's units squared (0 when phi is not clearly above 1).
    units: how many areas the estimate is from; threshold: the phi above which tau2 is used.
    """

    phi: float
    tau2: float
    units: int
    threshold: float

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)


NO_OVERDISPERSION = Overdispersion(phi=float("nan"), tau2=0.0, units=0, threshold=float("nan"))
WINSOR_CENTILES = (10.0, 90.0)  # z-scores are winsorised at these centiles (as PHE and NHS England do)


def sampling_variance(benchmark_value: float, denominators, *, multiplier: float, comparison: str) -> np.ndarray:
    """The variance of an area's value under the benchmark, in value units squared: p(1-p)/n for a proportion,
    theta/n for a rate (both scaled by the multiplier squared); NaN for methods without sampling error."""
    n = np.asarray(denominators, dtype=float)
    theta = benchmark_value / multiplier
    with np.errstate(divide="ignore", invalid="ignore"):
        if comparison == "wilson":
            return theta * (1 - theta) / n * multiplier**2
        if comparison == "byar":
            return theta / n * multiplier**2
    return np.full(n.shape, np.nan)


def overdispersion_threshold(units: int) -> float:
    """phi above which over-dispersion is taken as real: I phi > (I - 1) + 2 sqrt(2 (I - 1)), i.e. the
    chi-squared statistic more than two standard deviations above its mean on I - 1 degrees of freedom."""
    if units < 2:
        return float("inf")
    return ((units - 1) + 2 * math.sqrt(2 * (units - 1))) / units


def estimate_overdispersion(values, denominators, benchmark_value: float, *, multiplier: float, comparison: str,
                            winsor: tuple[float, float] = WINSOR_CENTILES) -> Overdispersion:
    """phi and tau^2 for a set of areas compared with one benchmark (Spiegelhalter 2005, sections 3 and 5).

    z_i = (y_i - theta) / s_i with s_i^2 from sampling_variance; z is winsorised at its 10th and 90th centiles;
    phi = mean(z_w^2). When phi exceeds overdispersion_threshold(I), the DerSimonian-Laird estimate
    tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w_i = 1 / s_i^2; else tau^2 = 0.
    Areas without a value or denominator are left out.
    """
    y = np.asarray(values, dtype=float)
    n = np.asarray(denominators, dtype=float)
    if benchmark_value is None or not np.isfinite(benchmark_value) or comparison not in ("wilson", "byar"):
        return NO_OVERDISPERSION
    variance = sampling_variance(benchmark_value, n, multiplier=multiplier, comparison=comparison)
    usable = np.isfinite(y) & np.isfinite(variance) & (variance > 0)
    y, variance = y[usable], variance[usable]
    units = int(y.size)
    threshold = overdispersion_threshold(units)
    if units < 2:
        return Overdispersion(float("nan"), 0.0, units, threshold)
    z = (y - benchmark_value) / np.sqrt(variance)
    low, high = np.percentile(z, winsor)
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    tau2 = 0.0
    if phi > threshold:
        weights = 1 / variance
        tau2 = max(0.0, float((units * phi - (units - 1)) / (weights.sum() - (weights**2).sum() / weights.sum())))
    return Overdispersion(phi, tau2, units, threshold)


def widen_interval(value, lower, upper, *, tau2: float, z: float = Z_95, lowest: float | None = None,
                   highest: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """An interval around `value` widened by a random-effects variance: each half-width h becomes
    sqrt(h^2 + z^2 tau2), clipped to [lowest, highest] when given."""
    value = np.asarray(value, dtype=float)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    extra = z * z * max(float(tau2), 0.0)
    new_lower = value - np.sqrt((value - lower) ** 2 + extra)
    new_upper = value + np.sqrt((upper - value) ** 2 + extra)
    if lowest is not None:
        new_lower = np.maximum(new_lower, lowest)
    if highest is not None:
        new_upper = np.minimum(new_upper, highest)
    return new_lower, new_upper


def compare_with_benchmark(value, lower, upper, benchmark, *, direction: str, comparison: str,
                           tolerance_percent: float = 10.0, meaningful_difference: float = 0.0) -> np.ndarray:
    """Label each value against its benchmark: better / similar / worse (or higher / lower when the
    direction is 'neither'), or 'not compared' when there is no value, benchmark or method.

    With a confidence interval a value differs only when the whole interval lies on one side of
    the benchmark; without one (tolerance) it differs when it is more than tolerance_percent away.
    Either way a difference smaller than meaningful_difference (in the indicator's units) is "similar".
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
    return _label(higher, lower_than, usable & ~np.isnan(value) & ~np.isnan(benchmark), direction, value - benchmark,
                  meaningful_difference)


def _label(higher: np.ndarray, lower_than: np.ndarray, usable: np.ndarray, direction: str, difference: np.ndarray,
           meaningful_difference: float = 0.0) -> np.ndarray:
    """better / worse (or higher / lower) where the test says so and the difference is at least meaningful;
    similar where it is not; not compared where there is no figure."""
    if meaningful_difference > 0:
        with np.errstate(invalid="ignore"):
            large = np.abs(difference) >= meaningful_difference
        higher = higher & large
        lower_than = lower_than & large
    up, down = {"higher_is_better": ("better", "worse"), "lower_is_better": ("worse", "better")}.get(
        direction, ("higher", "lower"))
    labels = np.where(higher, up, np.where(lower_than, down, "similar")).astype(object)
    labels[~usable] = "not compared"
    return labels
