"""Differences in means and covariate-adjusted differences between the two groups (data contract, section 4).

Small pure functions on pandas objects; wherever a statistic is undefined they return None instead of NaN.

- `smd`: the standardized mean difference of a baseline variable (formula by hand, see its docstring).
- `adjusted_difference`: covariate-adjusted difference by a linear probability model (statsmodels OLS, HC2).
- `welch`: the difference in two groups' means with Welch's t interval and p-value (statsmodels).

No wording: what a model adjusted for, left out or could not estimate is returned as data, and the
measurement layer describes it in Danish.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from statsmodels.tools.tools import add_constant

from evalkit.statistik.tal import finite_or_none as _finite


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


# why an adjusted difference has no interval and p ('ikke_estimeret')
ONE_GROUP = "kun_en_gruppe"
NO_VARIATION = "ingen_variation"
COLLINEAR = "kollinear"
NOT_FITTED = "ikke_estimerbar"


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
    covariates without variation (a single level) are left out. Rows with a missing value in y, treated
    or a covariate are dropped.

    Returns {'forskel', 'ci_nedre', 'ci_oevre', 'p'} and how the model was fitted: 'justeret_for' (the
    covariates used), 'udeladt' (those left out without variation) and 'ikke_estimeret' (None, or why
    not: `ONE_GROUP`, `NO_VARIATION`, `COLLINEAR`, `NOT_FITTED`). Without variation in the outcome (all 0
    or all 1) the model cannot be estimated: `forskel` is then the raw difference in means (0) and the
    interval and p are None; likewise when the robust standard error is undefined (an observation with
    leverage 1, e.g. a group or a covariate level with a single person) or `treated` is collinear with
    the covariates. Without both groups all four are None.
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

    result: dict[str, Any] = {
        "forskel": None, "ci_nedre": None, "ci_oevre": None, "p": None,
        "justeret_for": [str(c) for c in covariates.columns if c not in constant],
        "udeladt": [str(c) for c in constant],
        "ikke_estimeret": None,
    }

    if group.nunique() < 2:
        result["ikke_estimeret"] = ONE_GROUP
        return result
    raw = float(outcome[group == 1].mean() - outcome[group == 0].mean())
    if outcome.nunique() < 2:
        result.update(forskel=raw, ikke_estimeret=NO_VARIATION)
        return result

    design = add_constant(pd.concat([group.rename("treated"), x], axis=1), has_constant="add")
    if not _identified(design, "treated"):
        result.update(forskel=raw, ikke_estimeret=COLLINEAR)
        return result
    with np.errstate(divide="ignore", invalid="ignore"):  # HC2 divides by 1 − leverage, which may be 0
        fit = OLS(outcome, design).fit(cov_type="HC2")
        low, upp = fit.conf_int(alpha=alpha).loc["treated"]
        values = [_finite(v) for v in (fit.params["treated"], low, upp, fit.pvalues["treated"])]
    if any(v is None for v in values) or fit.df_resid < 1:
        result.update(forskel=raw, ikke_estimeret=NOT_FITTED)
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
