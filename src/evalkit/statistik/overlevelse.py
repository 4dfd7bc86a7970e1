"""Survival statistics for right-censored times (weeks until a first event), small pure functions.

- `kaplan_meier`: statsmodels' `SurvfuncRight` with what the reports need from it: the survival at any
  time (`survival_at`), pointwise confidence bands (`band`), the median (`median`) and the restricted
  mean (`rmst`).
- Bands: pointwise, on the log(−log) scale with Greenwood's standard error (statsmodels'
  `surv_prob_se`): S^exp(±z·se/(S·|log S|)); the band is [1, 1] before the first event and [0, 0]
  once S is 0.
- Median: statsmodels' `quantile(0.5)`, the first event time at which S is *below* one half (its
  documented convention, as in SAS); None when S never falls below one half ("not reached").
- Restricted mean survival time up to tau: the area under the Kaplan–Meier step function from 0 to
  tau, i.e. the estimated mean of min(T, tau). Its variance by the delta method with Greenwood's
  formula (Klein & Moeschberger, Survival Analysis, 2nd ed., section 4.5):
  Var = sum over event times t_j <= tau of A_j² · d_j / (Y_j (Y_j − d_j)), with A_j the area under S
  from t_j to tau, d_j events and Y_j at risk at t_j (a time where everyone at risk has the event adds
  nothing, since A_j is then 0).
- `logrank_p`: statsmodels' `survdiff` (log-rank test, two-sided).
- `cox`: statsmodels' `PHReg` (Efron's method for tied times): the hazard ratio of the treated group
  against the other with its Wald interval and p-value, optionally adjusted for covariates (columns
  without variation left out).

Wherever a statistic is undefined (an empty group, no events, a model that cannot be fitted) the
functions return None instead of NaN.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from evalkit.statistik.tal import finite_or_none as _finite


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> SurvfuncRight:
    """The Kaplan–Meier estimate for times (weeks) and event indicators (1 = event, 0 = censored)."""
    return SurvfuncRight(np.asarray(time, dtype=float), np.asarray(event, dtype=int))


def survival_at(km: SurvfuncRight, t: float) -> float:
    """S(t): the share still without an event at time t (events at t included)."""
    passed = km.surv_times <= t
    return float(km.surv_prob[passed][-1]) if passed.any() else 1.0


def band(km: SurvfuncRight, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise (1 − alpha) confidence limits of S at each event time (log-log transformed)."""
    z = norm.ppf(1 - alpha / 2)
    s, se = km.surv_prob, km.surv_prob_se
    lower, upper = np.zeros_like(s), np.zeros_like(s)
    inside = (s > 0) & (s < 1) & np.isfinite(se)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = se[inside] / (s[inside] * np.abs(np.log(s[inside])))
    lower[inside] = s[inside] ** np.exp(z * scale)
    upper[inside] = s[inside] ** np.exp(-z * scale)
    lower[s >= 1], upper[s >= 1] = 1.0, 1.0
    return lower, upper


def median(km: SurvfuncRight) -> float | None:
    """The median time to the event, None when it is not reached."""
    return _finite(km.quantile(0.5)) if len(km.surv_times) else None


def rmst(km: SurvfuncRight, tau: float) -> tuple[float, float]:
    """(restricted mean time up to tau, its variance); see the module docstring."""
    times = km.surv_times[km.surv_times <= tau]
    surv = km.surv_prob[: len(times)]
    starts = np.concatenate([[0.0], times])
    widths = np.diff(np.concatenate([starts, [tau]]))
    heights = np.concatenate([[1.0], surv])
    pieces = heights * widths  # area of each step: [0, t1), [t1, t2), ..., [tk, tau]
    area = float(pieces.sum())
    tail = np.cumsum(pieces[::-1])[::-1][1:]  # A_j: area from t_j to tau
    at_risk, events = km.n_risk[: len(times)], km.n_events[: len(times)]
    survivors = at_risk - events
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(survivors > 0, tail**2 * events / (at_risk * survivors), 0.0)
    return area, float(terms.sum())


def logrank_p(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> float | None:
    """Two-sided p-value of the log-rank test of equal survival in the groups; None when undefined."""
    try:
        _chisq, p = survdiff(np.asarray(time, dtype=float), np.asarray(event, dtype=int), np.asarray(group))
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return None
    return _finite(p)


def cox(
    time: np.ndarray,
    event: np.ndarray,
    treated: np.ndarray,
    covariates: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """{'hr', 'ci_nedre', 'ci_oevre', 'p'}: the hazard ratio of `treated` (1) against 0 from a Cox model,
    adjusted for `covariates` when given; 'justeret_for' names the covariates used and 'udeladt' those
    left out without variation."""
    design = pd.DataFrame({"treated": np.asarray(treated, dtype=float)})
    varying: list[str] = []
    constant: list[str] = []
    if covariates is not None:
        varying = [c for c in covariates.columns if covariates[c].nunique() > 1]
        constant = [c for c in covariates.columns if c not in varying]
        design = pd.concat([design, covariates[varying].reset_index(drop=True).astype(float)], axis=1)
    result: dict[str, Any] = {
        "hr": None, "ci_nedre": None, "ci_oevre": None, "p": None, "justeret_for": varying, "udeladt": constant,
    }
    event = np.asarray(event, dtype=int)
    if design["treated"].nunique() < 2 or event.sum() == 0:
        return result
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fit = PHReg(np.asarray(time, dtype=float), design.to_numpy(), status=event, ties="efron").fit()
            beta, se = float(fit.params[0]), float(fit.bse[0])
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return result
    if not (math.isfinite(beta) and math.isfinite(se) and se > 0):
        return result
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(over="ignore"):  # a model that separates the groups has no finite interval
        values = {
            "hr": float(np.exp(beta)),
            "ci_nedre": float(np.exp(beta - z * se)),
            "ci_oevre": float(np.exp(beta + z * se)),
            "p": float(2 * norm.sf(abs(beta / se))),
        }
    if all(_finite(v) is not None for v in values.values()):
        result.update(values)
    return result
