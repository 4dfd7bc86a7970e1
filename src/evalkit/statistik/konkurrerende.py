"""Competing risks for right-censored times: the cumulative incidence of one cause of the first event
when other causes compete with it (the Aalen–Johansen estimator), small pure functions.

Causes are coded as integers: 0 for censored, 1, 2, … for the cause of an event. At each distinct time
t_i with an event of any cause, n_i are at risk (time >= t_i; a time censored at t_i is still at risk
then), d_i have an event of any cause and d_ji one of cause j; S is the Kaplan–Meier estimate of having
no event of any cause, S(t_i−) its value just before t_i.

- Cumulative incidence of cause j: F_j(t) = sum over t_i <= t of S(t_i−) · d_ji / n_i. Without
  censoring this is the share of the group with an event of cause j by t; the causes' incidences add
  up to 1 − S(t).
- Variance: the delta method with the counts at each time taken as multinomial (Marubini & Valsecchi,
  Analysing Survival Data from Clinical Trials and Observational Studies, 1995; Collett, Modelling
  Survival Data in Medical Research, 3rd ed., p. 411; the formula of SAS PROC LIFETEST and of
  lifelines' `AalenJohansenFitter`):
  Var F_j(t) = sum_i (F_j(t) − F_j(t_i))² · d_i / (n_i (n_i − d_i))
             + sum_i S(t_i−)² · d_ji (n_i − d_ji) / n_i³
             − 2 · sum_i (F_j(t) − F_j(t_i)) · S(t_i−) · d_ji / n_i²,
  sums over t_i <= t. A time where everyone at risk has an event adds nothing to the first sum
  (S is 0 from then on, so F_j(t) − F_j(t_i) is 0).
- Bands: pointwise, on the log(−log) scale as for the Kaplan–Meier curve
  (`evalkit.statistik.overlevelse.loglog_limits`): F^exp(±z·se/(F·|log F|)), which keeps them inside
  (0, 1); the band is [0, 0] before the first event of the cause and [1, 1] where F is 1.

Wherever a statistic is undefined (no one at risk, F is 0 or 1 so the band has no width to estimate)
the functions return None instead of NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evalkit.statistik.overlevelse import loglog_limits

CENSORED = 0


@dataclass(frozen=True)
class Incidence:
    """The Aalen–Johansen estimate of one cause's cumulative incidence, one entry per distinct time with an
    event of any cause (ascending)."""

    times: np.ndarray
    at_risk: np.ndarray  # n_i
    events: np.ndarray  # d_i, any cause
    cause_events: np.ndarray  # d_ji, the cause of interest
    cif: np.ndarray  # F_j(t_i)
    variance: np.ndarray  # Var F_j(t_i)
    n: int  # the group's size


def cumulative_incidence(time: np.ndarray, cause: np.ndarray, of_interest: int) -> Incidence:
    """The cumulative incidence of cause `of_interest` over `time` (weeks), with `cause` 0 for censored
    and the event's cause otherwise (see the module docstring)."""
    time = np.asarray(time, dtype=float)
    cause = np.asarray(cause, dtype=int)
    event = cause != CENSORED
    times = np.unique(time[event])
    ordered = np.sort(time)
    at_risk = (len(time) - np.searchsorted(ordered, times, side="left")).astype(float)
    slot = np.searchsorted(times, time[event])
    events = np.bincount(slot, minlength=len(times)).astype(float)
    cause_events = np.bincount(slot, weights=(cause[event] == of_interest).astype(float), minlength=len(times))
    survival = np.cumprod(1 - events / at_risk)
    before = np.concatenate([[1.0], survival[:-1]])  # S(t_i−)
    cif = np.cumsum(before * cause_events / at_risk)

    # the three sums of the variance for every t (rows) over the times t_i <= t (columns)
    gap = np.tril(cif[:, None] - cif[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        all_cause = np.where(at_risk > events, events / (at_risk * (at_risk - events)), 0.0)
    own = before**2 * cause_events * (at_risk - cause_events) / at_risk**3
    cross = before * cause_events / at_risk**2
    variance = (gap**2) @ all_cause + np.cumsum(own) - 2 * gap @ cross
    return Incidence(
        times=times, at_risk=at_risk, events=events, cause_events=cause_events, cif=cif,
        variance=np.maximum(variance, 0.0), n=len(time),
    )


def value_at(incidence: Incidence, t: float) -> float | None:
    """F_j(t), 0 before the first event; None for an empty group."""
    if not incidence.n:
        return None
    passed = incidence.times <= t
    return float(incidence.cif[passed][-1]) if passed.any() else 0.0


def band(incidence: Incidence, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise (1 − alpha) confidence limits of F_j at each time (log-log transformed)."""
    return loglog_limits(incidence.cif, np.sqrt(incidence.variance), alpha)


def interval_at(incidence: Incidence, t: float, alpha: float = 0.05) -> tuple[float | None, float | None]:
    """The (1 − alpha) confidence interval of F_j(t); (None, None) where F_j(t) is 0 or 1 or its variance
    cannot be estimated."""
    passed = incidence.times <= t
    if not passed.any():
        return None, None
    f, variance = incidence.cif[passed][-1], incidence.variance[passed][-1]
    if not (0 < f < 1 and np.isfinite(variance)):
        return None, None
    lower, upper = loglog_limits(np.array([f]), np.sqrt(np.array([variance])), alpha)
    return float(lower[0]), float(upper[0])
