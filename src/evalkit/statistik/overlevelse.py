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
- `schoenfeld_p`: the proportional hazards check of the treated group's coefficient in that model, a
  Grambsch–Therneau test on the scaled Schoenfeld residuals against the rank of the event time (the
  one-coefficient approximation R's `cox.zph` used before survival 3.0 and lifelines'
  `proportional_hazard_test` uses): with D events, s_k the Schoenfeld residual of the k-th event, V the
  model's covariance matrix and g_k the event's rank among the event times (tied times get their
  average rank), the scaled residual is r_k = D · (s_k V)[treated] and
  T = (sum_k (g_k − mean g) r_k)² / (D · V[treated, treated] · sum_k (g_k − mean g)²), chi-squared
  with one degree of freedom. The residuals are Efron's, as the fit (at a time with d tied events the
  risk-set mean is averaged over the d steps of Efron's approximation, so that they sum to the score,
  0); statsmodels' `schoenfeld_residuals` use Breslow's risk-set mean. A small p says that the hazard
  ratio changed over the period, so that the model's single ratio is an average over it.

Speed: statsmodels' `PHReg` builds its risk sets (which rows fail, enter and leave at each distinct event
time) with a Python loop over the rows, which on 110.000 citizens took most of a model's time. `_RiskSets`
builds the same index arrays, element for element, with numpy (`tests/test_konkurrerende.py` compares every
attribute with statsmodels' own), so the fits, and every published number, are unchanged. `cox_checked`
fits the unadjusted model once for both its hazard ratio and its proportional hazards check.

Wherever a statistic is undefined (an empty group, no events, a model that cannot be fitted) the
functions return None instead of NaN.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm, rankdata
from statsmodels.duration import hazard_regression
from statsmodels.duration.hazard_regression import PHReg, PHSurvivalTime
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
    return loglog_limits(km.surv_prob, km.surv_prob_se, alpha)


def loglog_limits(value: np.ndarray, se: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise (1 − alpha) limits of probabilities `value` with standard errors `se` on the log(−log)
    scale, value^exp(±z·se/(value·|log value|)), which keeps them inside (0, 1); [1, 1] where the value
    is 1 and [0, 0] where it is 0 or its standard error is not finite."""
    z = norm.ppf(1 - alpha / 2)
    lower, upper = np.zeros_like(value), np.zeros_like(value)
    inside = (value > 0) & (value < 1) & np.isfinite(se)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = se[inside] / (value[inside] * np.abs(np.log(value[inside])))
    lower[inside] = value[inside] ** np.exp(z * scale)
    upper[inside] = value[inside] ** np.exp(-z * scale)
    lower[value >= 1], upper[value >= 1] = 1.0, 1.0
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


def _design(treated: np.ndarray, covariates: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The Cox model's design matrix, treatment first, with the covariates that vary; (design, used, left out)."""
    design = pd.DataFrame({"treated": np.asarray(treated, dtype=float)})
    varying: list[str] = []
    constant: list[str] = []
    if covariates is not None:
        varying = [c for c in covariates.columns if covariates[c].nunique() > 1]
        constant = [c for c in covariates.columns if c not in varying]
        design = pd.concat([design, covariates[varying].reset_index(drop=True).astype(float)], axis=1)
    return design, varying, constant


def _groups(rows: np.ndarray, keys: np.ndarray, n: int) -> list[np.ndarray]:
    """`rows` split by `keys` (0 … n − 1) into n int32 arrays, each in the order of `rows`."""
    order = np.argsort(keys, kind="stable")
    bounds = np.cumsum(np.bincount(keys, minlength=n))[:-1]
    return np.split(np.asarray(rows[order], dtype=np.int32), bounds)


class _RiskSets(PHSurvivalTime):
    """statsmodels' `PHSurvivalTime` (0.15) without its loops over the rows: the same attributes, built by
    the same steps with numpy instead of per-row Python (the first event's and entry's filters, and the
    rows that fail, enter and leave the risk set at each distinct event time)."""

    def __init__(self, time, status, exog, strata=None, entry=None, offset=None):
        if strata is None:
            strata = np.zeros(len(time), dtype=np.int32)
        if entry is None:
            entry = np.zeros(len(time))
        self._check(time, status, strata, entry)
        names = np.unique(strata)
        rows = [np.flatnonzero(strata == k).astype(np.int32) for k in names]
        kept = [i for i, ix in enumerate(rows) if status[ix].sum() > 0]  # strata with events
        self.nstrat_orig = len(rows)
        rows, names = [rows[i] for i in kept], [names[i] for i in kept]
        self.nstrat = len(rows)
        for stx, ix in enumerate(rows):  # entered by the stratum's last event, at risk at its first
            rows[stx] = rows[stx][np.flatnonzero(entry[ix] <= max(time[ix][status[ix] == 1]))]
        for stx, ix in enumerate(rows):
            rows[stx] = rows[stx][np.flatnonzero(time[ix] >= min(time[ix][status[ix] == 1]))]
        for stx, ix in enumerate(rows):
            rows[stx] = rows[stx][np.argsort(time[ix])]
        self.offset_s = None if offset is None else [offset[rows[stx]] for stx in range(self.nstrat)]
        self.n_obs = sum(len(ix) for ix in rows)
        self.stratum_rows, self.stratum_names = rows, names
        self.time_s, self.exog_s = self._split(time), self._split(exog)
        self.status_s, self.entry_s = self._split(status), self._split(entry)
        self.ufailt_ix, self.risk_enter, self.risk_exit, self.ufailt = [], [], [], []
        for stx in range(self.nstrat):
            failing = np.flatnonzero(self.status_s[stx] == 1)
            unique = np.unique(self.time_s[stx][failing])
            n = len(unique)
            entering = np.searchsorted(unique, self.time_s[stx], "right") - 1
            at = np.flatnonzero(entering >= 0)
            leaving = np.searchsorted(unique, self.entry_s[stx])
            self.ufailt.append(unique)
            self.ufailt_ix.append(_groups(failing, np.searchsorted(unique, self.time_s[stx][failing]), n))
            self.risk_enter.append(_groups(at, entering[at], n))
            self.risk_exit.append(_groups(np.arange(len(leaving)), leaving, n))


def _phreg(time: np.ndarray, design: np.ndarray, event: np.ndarray) -> PHReg:
    """statsmodels' `PHReg` (Efron's ties) with its risk sets built by `_RiskSets`: the name PHReg.__init__
    builds them with is pointed at it while the model is made. No lock is needed: both classes build the
    same risk sets, so a model made by another thread meanwhile is the same either way."""
    hazard_regression.PHSurvivalTime = _RiskSets
    try:
        return PHReg(time, design, status=event, ties="efron")
    finally:
        hazard_regression.PHSurvivalTime = PHSurvivalTime


def _fit(time: np.ndarray, event: np.ndarray, design: pd.DataFrame):
    """statsmodels' PHReg fit (Efron's ties), or None when the model cannot be fitted or its treatment
    coefficient has no finite standard error."""
    if design["treated"].nunique() < 2 or event.sum() == 0:
        return None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fit = _phreg(np.asarray(time, dtype=float), design.to_numpy(), event).fit()
            beta, se = float(fit.params[0]), float(fit.bse[0])
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return None
    return fit if math.isfinite(beta) and math.isfinite(se) and se > 0 else None


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
    return cox_checked(time, event, treated, covariates, alpha, check=False)[0]


def schoenfeld_p(
    time: np.ndarray, event: np.ndarray, treated: np.ndarray, covariates: pd.DataFrame | None = None
) -> float | None:
    """The p-value of the proportional hazards test of `treated`'s coefficient in the Cox model of `cox`
    (see the module docstring); None when the model cannot be fitted or the events fall at one time."""
    return cox_checked(time, event, treated, covariates)[1]


def cox_checked(
    time: np.ndarray,
    event: np.ndarray,
    treated: np.ndarray,
    covariates: pd.DataFrame | None = None,
    alpha: float = 0.05,
    check: bool = True,
) -> tuple[dict[str, Any], float | None]:
    """(`cox`, `schoenfeld_p`) of one fitted model; without `check` the p-value is None."""
    time, event = np.asarray(time, dtype=float), np.asarray(event, dtype=int)
    design, varying, constant = _design(treated, covariates)
    result: dict[str, Any] = {
        "hr": None, "ci_nedre": None, "ci_oevre": None, "p": None, "justeret_for": varying, "udeladt": constant,
    }
    fit = _fit(time, event, design)
    if fit is None:
        return result, None
    beta, se = float(fit.params[0]), float(fit.bse[0])
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
    return result, _schoenfeld(fit, time, event, design.to_numpy()) if check else None


def _schoenfeld(fit, time: np.ndarray, event: np.ndarray, design: np.ndarray) -> float | None:
    """The proportional hazards test of the treatment coefficient of `fit` (see the module docstring)."""
    residuals = efron_schoenfeld(time, event, design, np.asarray(fit.params))
    covariance = np.asarray(fit.cov_params())
    deaths = int(event.sum())
    scaled = deaths * residuals @ covariance[:, 0]
    ranks = rankdata(time[event == 1])
    centred = ranks - ranks.mean()
    spread = float((centred**2).sum())
    if spread <= 0:
        return None
    statistic = float((centred @ scaled) ** 2 / (deaths * covariance[0, 0] * spread))
    return _finite(chi2.sf(statistic, 1))


def efron_schoenfeld(time: np.ndarray, event: np.ndarray, x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """The Schoenfeld residuals of the events (rows in the order of the events in the data) of a Cox model
    with coefficients `beta` and Efron's ties: x_i minus the risk set's mean at the event's time, the mean
    averaged over the d steps of Efron's approximation where d events share the time."""
    is_event = event == 1
    score = x @ beta
    weight = np.exp(score - score.max())  # the scale cancels in every mean
    residuals = np.empty((int(is_event.sum()), x.shape[1]))
    event_rows = np.flatnonzero(is_event)
    for t in np.unique(time[is_event]):
        risk = time >= t
        tied = risk & is_event & (time == t)
        s0, s1 = weight[risk].sum(), weight[risk] @ x[risk]
        t0, t1 = weight[tied].sum(), weight[tied] @ x[tied]
        d = int(tied.sum())
        steps = np.arange(d)[:, None] / d
        mean = ((s1 - steps * t1) / (s0 - steps * t0)).mean(axis=0)
        rows = np.flatnonzero(tied[event_rows])
        residuals[rows] = x[tied] - mean
    return residuals
