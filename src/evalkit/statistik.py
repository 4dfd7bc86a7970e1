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
- `smd`: the standardized mean difference of a baseline variable (formula by hand, see its docstring).
- `adjusted_difference`: covariate-adjusted difference by a linear probability model (statsmodels OLS, HC2).
- `welch`: the difference in two groups' means with Welch's t interval and p-value (statsmodels).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW


def _finite(value: Any) -> float | None:
    """`value` as a float, or None when it is None, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


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
    if not 0 <= p_control <= 1:
        raise ValueError(f"p_control must lie in [0, 1], not {p_control}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must lie in (0, 1), not {alpha} and {power}")
    if n_f < 1 or n_k < 1:
        return None
    h = _finite(
        NormalIndPower().solve_power(
            effect_size=None, nobs1=n_f, ratio=n_k / n_f, alpha=alpha, power=power, alternative="two-sided"
        )
    )
    if h is None or h <= 0:
        return None
    angle = math.asin(math.sqrt(p_control)) + h / 2
    if angle > math.pi / 2:
        return None
    return math.sin(angle) ** 2 - p_control


def smd(x_f: pd.Series, x_k: pd.Series) -> float | None:
    """Standardized mean difference (mean_f − mean_k) / √((var_f + var_k) / 2) of a baseline variable.

    Written by hand (Austin 2009, Statistics in Medicine 28:3083–3107, eq. 1): sample variances (ddof=1),
    missing values dropped. For 0/1 series the same formula gives the usual SMD of a proportion,
    (p_f − p_k) / √((p_f(1 − p_f) + p_k(1 − p_k)) / 2), up to the factor n/(n − 1) in each variance.
    None if a group has fewer than two values or both variances are 0.
    """
    f = pd.to_numeric(pd.Series(x_f), errors="raise").astype(float).dropna()
    k = pd.to_numeric(pd.Series(x_k), errors="raise").astype(float).dropna()
    if len(f) < 2 or len(k) < 2:
        return None
    pooled_sd = math.sqrt((f.var(ddof=1) + k.var(ddof=1)) / 2)
    if not pooled_sd > 0:
        return None
    return _finite((f.mean() - k.mean()) / pooled_sd)


_METHOD = "Lineær sandsynlighedsmodel (OLS) med robuste standardfejl (HC2)"


def _design(covariates: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Covariates as numeric columns: categorical ones one-hot encoded (first level dropped); columns
    without variation are left out and returned by name."""
    if covariates.shape[1] == 0:
        return pd.DataFrame(index=covariates.index), []
    dummies = pd.get_dummies(covariates, drop_first=True, dtype=float).astype(float)
    constant = [c for c in covariates.columns if covariates[c].nunique(dropna=True) < 2]
    keep = [c for c in dummies.columns if dummies[c].nunique() > 1]
    return dummies[keep], constant


def _identified(design: pd.DataFrame, column: str) -> bool:
    """Whether `column` is not a linear combination of the other columns, i.e. its coefficient is estimable."""
    others = design.drop(columns=column).to_numpy()
    return np.linalg.matrix_rank(design.to_numpy()) > np.linalg.matrix_rank(others)


def adjusted_difference(
    y: pd.Series, treated: pd.Series, covariates: pd.DataFrame | None = None, alpha: float = 0.05
) -> dict[str, Any]:
    """Covariate-adjusted difference in a binary outcome between treated (1) and control (0).

    Linear probability model y ~ treated + covariates, estimated by OLS (statsmodels) with HC2
    heteroskedasticity-robust standard errors, `OLS(...).fit(cov_type="HC2")`; the coefficient of
    `treated` is the adjusted difference in shares, its interval and two-sided p-value use the normal
    distribution. Categorical covariates are one-hot encoded with `pd.get_dummies(drop_first=True)`;
    covariates without variation (a single level) are left out and named in `metode`. Rows with a
    missing value in y, treated or a covariate are dropped.

    Returns {'forskel', 'ci_nedre', 'ci_oevre', 'p', 'metode'}. Without variation in the outcome (all 0 or
    all 1) the model cannot be estimated: `forskel` is then the raw difference in means (0), the interval
    and p are None, and `metode` says so; likewise when the robust standard error is undefined (an
    observation with leverage 1, e.g. a group or a covariate level with a single person) or `treated`
    is collinear with the covariates. Without both groups everything but `metode` is None.
    """
    covariates = pd.DataFrame(index=y.index) if covariates is None else covariates
    data = pd.concat(
        [pd.Series(y).rename("__y"), pd.Series(treated).rename("__treated"), covariates], axis=1
    ).dropna()
    for name in ("__y", "__treated"):
        if not data[name].isin([0, 1]).all():
            raise ValueError(f"{name.strip('_')} must be coded 0/1")
    outcome = data["__y"].astype(float)
    group = data["__treated"].astype(float)
    x, constant = _design(data[list(covariates.columns)])

    named = [str(c) for c in covariates.columns if c not in constant]
    metode = f"{_METHOD}, justeret for {', '.join(named)}" if named else f"{_METHOD}, ujusteret"
    if constant:
        metode += f" (udeladt uden variation: {', '.join(str(c) for c in constant)})"
    result: dict[str, Any] = {"forskel": None, "ci_nedre": None, "ci_oevre": None, "p": None, "metode": metode}

    if group.nunique() < 2:
        result["metode"] = metode + "; ikke beregnet: kun én gruppe"
        return result
    raw = float(outcome[group == 1].mean() - outcome[group == 0].mean())
    if outcome.nunique() < 2:
        result.update(forskel=raw, metode=metode + "; udfaldet varierer ikke, så forskellen er den rå uden interval og p")
        return result

    design = sm.add_constant(pd.concat([group.rename("treated"), x], axis=1), has_constant="add")
    if not _identified(design, "treated"):
        result.update(forskel=raw, metode=metode + "; gruppen kan ikke adskilles fra kovariaterne, så forskellen er den rå uden interval og p")
        return result
    with np.errstate(divide="ignore", invalid="ignore"):  # HC2 divides by 1 − leverage, which may be 0
        fit = sm.OLS(outcome, design).fit(cov_type="HC2")
        low, upp = fit.conf_int(alpha=alpha).loc["treated"]
        values = [_finite(v) for v in (fit.params["treated"], low, upp, fit.pvalues["treated"])]
    if any(v is None for v in values) or fit.df_resid < 1:
        result.update(forskel=raw, metode=metode + "; modellen kunne ikke estimeres, så forskellen er den rå uden interval og p")
        return result
    result.update(dict(zip(("forskel", "ci_nedre", "ci_oevre", "p"), values)))
    return result


def welch(x_f: pd.Series, x_k: pd.Series, alpha: float = 0.05) -> dict[str, float | None]:
    """{'forskel', 'ci_nedre', 'ci_oevre', 'p'}: the difference in means forsøg − kontrol with the (1 − alpha)
    interval and two-sided p-value of Welch's t-test (unequal variances, Welch–Satterthwaite degrees of
    freedom; statsmodels' `CompareMeans(..., usevar="unequal")`). The interval and p are None when a group
    has fewer than two values or neither group varies; the difference is None when a group is empty."""
    f = np.asarray(x_f, dtype=float)
    k = np.asarray(x_k, dtype=float)
    result: dict[str, float | None] = {"forskel": None, "ci_nedre": None, "ci_oevre": None, "p": None}
    if not len(f) or not len(k):
        return result
    result["forskel"] = float(f.mean() - k.mean())
    if len(f) < 2 or len(k) < 2 or (f.var() == 0 and k.var() == 0):
        return result
    compare_means = CompareMeans(DescrStatsW(f), DescrStatsW(k))
    with np.errstate(divide="ignore", invalid="ignore"):
        low, upp = compare_means.tconfint_diff(alpha=alpha, usevar="unequal")
        _t, p, _df = compare_means.ttest_ind(usevar="unequal")
    result.update(ci_nedre=_finite(low), ci_oevre=_finite(upp), p=_finite(p))
    return result
