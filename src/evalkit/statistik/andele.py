"""Comparisons of the two groups' shares (data contract, section 4).

Everything here is a small pure function on counts or pandas objects; wherever a statistic is undefined
(an empty group, no variation, ...) the function returns None instead of NaN, so nothing non-finite can
reach the machine-readable results.

- `compare`: the difference forsøg − kontrol and the two-sided p-value of the two-proportion z-test with
  pooled variance (statsmodels), which equals Pearson's chi-square without continuity correction.
- `newcombe_ci`: Newcombe's hybrid score interval for the difference (statsmodels).
- `exact_p`: Fisher's exact test (scipy), reported beside the z-test when `smallest_expected` is below
  `MIN_EXPECTED`, where the z-test's normal approximation is unreliable.
- `holm`: Holm's step-down adjusted p-values over a family of outcomes (statsmodels).
- `mde`: the minimum detectable difference given group sizes and the control group's share (statsmodels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from evalkit.statistik.tal import finite_or_none as _finite


def _check_counts(antal_f: int, n_f: int, antal_k: int, n_k: int) -> None:
    for antal, n in ((antal_f, n_f), (antal_k, n_k)):
        if n < 0 or antal < 0 or antal > n:
            raise ValueError(f"invalid counts: {antal} events out of {n}")


def compare(antal_f: int, n_f: int, antal_k: int, n_k: int) -> dict[str, float | None]:
    """{'forskel', 'p'} for counts out of n in forsøg and kontrol; None where undefined (an empty group;
    for p also no events, or only events, in both groups together)."""
    if not n_f or not n_k:
        return {"forskel": None, "p": None}
    forskel = antal_f / n_f - antal_k / n_k
    pooled = (antal_f + antal_k) / (n_f + n_k)
    if pooled in (0.0, 1.0):
        return {"forskel": forskel, "p": None}
    _z, p = proportions_ztest([antal_f, antal_k], [n_f, n_k], alternative="two-sided", prop_var=False)
    return {"forskel": forskel, "p": float(p) if math.isfinite(p) else None}


def newcombe_ci(
    antal_f: int, n_f: int, antal_k: int, n_k: int, alpha: float = 0.05
) -> tuple[float, float] | tuple[None, None]:
    """(lower, upper) of the 1 − alpha confidence interval for p_f − p_k; (None, None) if a group is empty.

    Newcombe's hybrid score interval, "method 10" of Newcombe (1998), Interval estimation for the
    difference between independent proportions: comparison of eleven methods, Statistics in Medicine
    17:873–890: with Wilson score intervals (l_f, u_f) and (l_k, u_k) for the two shares and d = p_f − p_k,

        lower = d − sqrt((p_f − l_f)² + (u_k − p_k)²),  upper = d + sqrt((u_f − p_f)² + (p_k − l_k)²).

    Computed by statsmodels' `confint_proportions_2indep(..., method="newcomb", compare="diff")`, whose
    source is exactly this formula on `proportion_confint(..., method="wilson")` (Wilson without
    continuity correction). It is defined for zero or all events, e.g. 0/10 vs 0/10 → (−0.2775, 0.2775).
    """
    _check_counts(antal_f, n_f, antal_k, n_k)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    if not n_f or not n_k:
        return None, None
    low, upp = confint_proportions_2indep(
        antal_f, n_f, antal_k, n_k, method="newcomb", compare="diff", alpha=alpha
    )
    low, upp = _finite(low), _finite(upp)
    if low is None or upp is None:
        return None, None
    # Floating-point noise must not push a bound beyond the possible range of a difference.
    return max(-1.0, low), min(1.0, upp)


def exact_p(antal_f: int, n_f: int, antal_k: int, n_k: int) -> float | None:
    """Two-sided p-value of Fisher's exact test (scipy) for the 2×2 table; None if a group is empty.

    Conditional on both margins, so it needs no large-sample approximation; meant as the alternative to
    the z-test when a group is very small. With no events (or only events) in both groups only one table
    is possible and the p-value is 1.
    """
    _check_counts(antal_f, n_f, antal_k, n_k)
    if not n_f or not n_k:
        return None
    result = fisher_exact([[antal_f, n_f - antal_f], [antal_k, n_k - antal_k]], alternative="two-sided")
    return _finite(result.pvalue)


# Cochran's rule of thumb: the z-test (Pearson's chi-square) is trusted when every expected count of the
# 2×2 table is at least 5; below that, the exact test is shown as well.
MIN_EXPECTED = 5.0


def smallest_expected(antal_f: int, n_f: int, antal_k: int, n_k: int) -> float | None:
    """The smallest expected count of the 2×2 table (group × outcome) under no difference; None if a
    group is empty. E.g. 3/20 vs 1/20: 4 events in 40, so 20 · 4/40 = 2 expected events per group."""
    _check_counts(antal_f, n_f, antal_k, n_k)
    if not n_f or not n_k:
        return None
    total, events = n_f + n_k, antal_f + antal_k
    return min(n * column / total for n in (n_f, n_k) for column in (events, total - events))


def distribution_test(counts_f: Sequence[int], counts_k: Sequence[int]) -> dict[str, float | int | None]:
    """Pearson's chi-square test that the two groups are distributed alike over mutually exclusive
    categories (a 2 × K table of counts, each citizen in one category): {'chi2', 'frihedsgrader', 'p',
    'mindste_forventede'} from scipy's `chi2_contingency` (no continuity correction, which applies to
    2 × 2 only). A category without citizens in either group is left out; None where the test is
    undefined (fewer than two categories left, or an empty group)."""
    table = np.array([list(counts_f), list(counts_k)], dtype=float)
    if table.ndim != 2 or (table < 0).any():
        raise ValueError("counts must be two equally long sequences of non-negative counts")
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return {"chi2": None, "frihedsgrader": None, "p": None, "mindste_forventede": None}
    chi2, p, dof, expected = chi2_contingency(table, correction=False)
    return {"chi2": _finite(chi2), "frihedsgrader": int(dof), "p": _finite(p), "mindste_forventede": float(expected.min())}


def holm(p_values: dict[str, float | None]) -> dict[str, float | None]:
    """Holm step-down adjusted p-values, same keys and order as `p_values`.

    statsmodels' `multipletests(method="holm")`. A key whose p-value is None (or NaN) gets None and does
    not count in the family size.
    """
    keys = [key for key, p in p_values.items() if _finite(p) is not None]
    adjusted: dict[str, float | None] = {key: None for key in p_values}
    if keys:
        _reject, corrected, _s, _b = multipletests([float(p_values[k]) for k in keys], method="holm")
        adjusted.update({key: _finite(p) for key, p in zip(keys, corrected)})
    return adjusted


def mde(n_f: int, n_k: int, p_control: float, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """Minimum detectable difference p_f − p_control (positive, in proportion units) of a two-sided
    two-proportion test at level `alpha` with the given `power`, for groups of n_f and n_k.

    Method: statsmodels' `NormalIndPower().solve_power` gives the detectable effect size as Cohen's h
    (the arcsine-transformed difference h = 2·asin(√p_f) − 2·asin(√p_k), whose variance is 1/n_f + 1/n_k
    regardless of p); it is converted back to a share above the control share,
    p_f = sin²(asin(√p_control) + h/2), and the MDE is p_f − p_control. This agrees closely with the
    classical normal-approximation formula (z_{1−α/2} + z_{power})·√(p̄(1 − p̄)(1/n_f + 1/n_k)).

    None when it cannot be computed: an empty group, or no share above p_control is detectable with
    this power (e.g. p_control = 1, or groups so small that even p_f = 1 would not suffice).
    """
    return mde_both(n_f, n_k, p_control, alpha, power)[1]


def mde_both(n_f: int, n_k: int, p_control: float, alpha: float = 0.05, power: float = 0.8) -> tuple[float | None, float | None]:
    """(downwards, upwards): the smallest decrease p_control − p_f and increase p_f − p_control (both
    positive) that a two-sided test at level `alpha` detects with `power` (`mde`'s method, the arcsine
    scale turned both ways: p_f = sin²(asin(√p_control) ∓ h/2)). On the share scale the two differ, since
    a share near 0 or 1 has less room on one side. Each is None where it cannot be computed."""
    if not 0 <= p_control <= 1:
        raise ValueError(f"p_control must lie in [0, 1], not {p_control}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must lie in (0, 1), not {alpha} and {power}")
    if n_f < 1 or n_k < 1:
        return None, None
    h = _finite(
        NormalIndPower().solve_power(
            effect_size=None, nobs1=n_f, ratio=n_k / n_f, alpha=alpha, power=power, alternative="two-sided"
        )
    )
    if h is None or h <= 0:
        return None, None
    base = math.asin(math.sqrt(p_control))
    up, down = base + h / 2, base - h / 2
    return (
        None if down < 0 else p_control - math.sin(down) ** 2,
        None if up > math.pi / 2 else math.sin(up) ** 2 - p_control,
    )
