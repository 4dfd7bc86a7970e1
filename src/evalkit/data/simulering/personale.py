"""The example's HR tables: sick leave (sygefravaer) and staff turnover (medarbejderomsaetning)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from evalkit.config import Config, Maanedsperiode
from evalkit.data.contract import TABLES
from evalkit.data.simulering.maal import ExampleTargets
from evalkit.data.simulering.tidslinje import _adjust_to_sum, _rng, final_phase
from evalkit.statistik.tal import round_half_up


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def sick_rates(total: float, short: float, long: float) -> tuple[float, float]:
    """Unrounded short- and long-term rates whose roundings (and whose sum's rounding) give the
    published one-decimal figures, as far from the rounding boundaries as possible."""
    if long == 0:
        lo, hi = max(short, total) - 0.05, min(short, total) + 0.05
        if hi <= lo:
            raise ValueError(f"inconsistent sick-leave targets {total}/{short}/{long}")
        return (lo + hi) / 2, 0.0
    lo = max(short + long - 0.1, total - 0.05)
    hi = min(short + long + 0.1, total + 0.05)
    if hi <= lo:
        raise ValueError(f"inconsistent sick-leave targets {total}/{short}/{long}")
    d = ((lo + hi) / 2 - short - long) / 2
    return short + d, long + d


def turnover_counts(rate: float, months: int, size: int) -> tuple[int, int]:
    """External leavers and sum of monthly headcounts giving `rate` (percent, one decimal) with
    the largest margin, preferring a mean headcount close to `size`."""
    if rate == 0:
        return 0, size * months
    best = None
    for leavers in range(1, 40):
        for total in range((size - 6) * months, (size + 6) * months + 1):
            value = 100 * leavers * months / total
            margin = min(value - (rate - 0.05), rate + 0.05 - value)
            if margin < 0.015:
                continue
            key = (abs(total / months - size), -margin)
            if best is None or key < best[0]:
                best = (key, leavers, total)
    if best is None:
        raise ValueError(f"no headcount fits turnover {rate}")
    return best[1], best[2]


def _spread_cents(total_cents: int, weights: np.ndarray) -> np.ndarray:
    """Integer cents proportional to `weights`, summing exactly to `total_cents`."""
    if total_cents == 0 or weights.sum() == 0:
        return np.zeros(weights.size, dtype="int64")
    raw = weights / weights.sum() * total_cents
    cents = np.floor(raw).astype("int64")
    rest = total_cents - int(cents.sum())
    cents[np.argsort(-(raw - cents), kind="mergesort")[:rest]] += 1
    return cents


def _hr(config: Config, targets: ExampleTargets, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(seed, 6)
    final = final_phase(config)
    periods: tuple[Maanedsperiode, ...] = final.hr_perioder
    if len(periods) != len(targets.sygefravaer) or len(config.afdelinger) != len(targets.afdelingsstoerrelse):
        raise ValueError("the HR calibration targets need the example's departments and HR periods")
    first = min([config.startdato.replace(day=1)] + [p.start for p in periods])
    months = _months(first, max(p.slut for p in periods))
    sick_rows, turnover_rows = [], []
    for d, afdeling in enumerate(config.afdelinger):
        size = targets.afdelingsstoerrelse[d]
        ansatte = np.zeros(len(months), dtype="int64")
        eksterne = np.zeros(len(months), dtype="int64")
        in_period = np.full(len(months), -1)
        for p_i, p in enumerate(periods):
            for m_i, m in enumerate(months):
                if p.start <= m <= p.slut:
                    in_period[m_i] = p_i
        # Headcount and external leavers: exact sums per HR period.
        for p_i in range(len(periods)):
            idx = np.flatnonzero(in_period == p_i)
            leavers, total = turnover_counts(targets.omsaetning[p_i][d], idx.size, size)
            base = total // idx.size
            noisy = base + rng.integers(-2, 3, idx.size)
            ansatte[idx] = _adjust_to_sum(noisy, base - 4, base + 4, total, rng)
            eksterne[idx] = np.bincount(rng.integers(0, idx.size, leavers), minlength=idx.size)
        outside = np.flatnonzero(in_period < 0)
        ansatte[outside] = size + rng.integers(-2, 3, outside.size)
        eksterne[outside] = rng.poisson(0.3, outside.size)
        interne = rng.poisson(0.4, len(months))
        fte = np.round(ansatte * rng.uniform(0.86, 0.95, len(months)), 1)

        kort = np.zeros(len(months))
        lang = np.zeros(len(months))
        for p_i in range(len(periods)):
            idx = np.flatnonzero(in_period == p_i)
            mean_fte = float(fte[idx].mean())
            s_rate, l_rate = sick_rates(*targets.sygefravaer[p_i][d])
            # Short-term absence follows the season; long-term absence comes in lumps.
            season = 1 + 0.3 * np.cos(2 * np.pi * (np.array([months[i].month for i in idx]) - 1) / 12)
            w_short = fte[idx] * season * rng.gamma(6, 1, idx.size)
            w_long = rng.gamma(0.6, 1, idx.size)
            kort[idx] = _spread_cents(int(round_half_up(s_rate * mean_fte * 100)), w_short) / 100
            lang[idx] = _spread_cents(int(round_half_up(l_rate * mean_fte * 100)), w_long) / 100
        # Months outside the HR periods: about the level of the first HR period.
        s_rate, l_rate = sick_rates(*targets.sygefravaer[0][d])
        n_first = int((in_period == 0).sum())
        kort[outside] = np.round(fte[outside] * s_rate / n_first * rng.uniform(0.6, 1.4, outside.size), 2)
        lang[outside] = np.round(fte[outside] * l_rate / n_first * rng.gamma(0.6, 1 / 0.6, outside.size), 2)
        for m_i, m in enumerate(months):
            month = pd.Timestamp(m)
            sick_rows.append((afdeling, month, fte[m_i], kort[m_i], lang[m_i]))
            turnover_rows.append((afdeling, month, int(ansatte[m_i]), int(eksterne[m_i]), int(interne[m_i])))
    sick = pd.DataFrame(sick_rows, columns=list(TABLES["sygefravaer"].column_names))
    turnover = pd.DataFrame(turnover_rows, columns=list(TABLES["medarbejderomsaetning"].column_names))
    for frame in (sick, turnover):
        frame["maaned"] = frame["maaned"].astype("datetime64[ns]")
        frame["afdeling"] = frame["afdeling"].astype(str)
    for col in ("ansatte", "fratraadte_eksterne", "fratraadte_interne"):
        turnover[col] = turnover[col].astype("int64")
    return sick, turnover
