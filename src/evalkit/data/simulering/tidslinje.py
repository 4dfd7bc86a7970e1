"""The example's time line, derived from the configuration: the weeks, the phases and the random streams."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from evalkit.config import Config, Fase
from evalkit.data.uger import first_monday, week_monday


def final_phase(config: Config) -> Fase:
    """The calibrated phase: `slut` when configured, otherwise the last phase listed."""
    if "slut" in config.faser:
        return config.faser["slut"]
    return list(config.faser.values())[-1]


@dataclass(frozen=True)
class _Timeline:
    """Week indices (0 = start week) for everything the simulation needs."""

    start_week: dt.date
    n_weeks: int
    k: int  # follow-up lag in weeks
    exit_first: int  # first week that can be an exit in the final måleperiode
    exit_last: int  # last Monday inside the final måleperiode
    status: int  # week containing the final phase's status date (Tabel 6)
    status_weeks: tuple[int, ...]  # status weeks of all phases; noise never touches them
    early_weight: np.ndarray  # relative exit intensity per week

    def index(self, day: dt.date) -> int:
        return (week_monday(day) - self.start_week).days // 7

    def monday(self, index: int | np.ndarray) -> np.ndarray:
        return np.datetime64(self.start_week, "D") + np.asarray(index, dtype="int64") * 7


def _timeline(config: Config) -> _Timeline:
    final = final_phase(config)
    start_week = week_monday(config.startdato)
    k = config.opfoelgning_uger
    # Rows run until the follow-up week of the last Monday of any måleperiode.
    last_exit = max(week_monday(f.maaleperiode.slut) for f in config.faser.values())
    end_week = last_exit + dt.timedelta(weeks=k)
    n_weeks = (end_week - start_week).days // 7 + 1

    def idx(day: dt.date) -> int:
        return (week_monday(day) - start_week).days // 7

    exit_first = max(1, idx(first_monday(final.maaleperiode.start)))  # week 0 has no previous week
    exit_last = idx(week_monday(final.maaleperiode.slut))
    # Exits are somewhat more frequent during the earlier phases' måleperioder (the first year
    # of the trial), so that a good 40 % of the final-phase exits are already seen at mid-term.
    weight = np.ones(n_weeks)
    for fase in config.faser.values():
        if fase is final:
            continue
        lo, hi = idx(first_monday(fase.maaleperiode.start)), idx(week_monday(fase.maaleperiode.slut))
        weight[lo : hi + 1] = 1.4
    return _Timeline(
        start_week=start_week,
        n_weeks=n_weeks,
        k=k,
        exit_first=exit_first,
        exit_last=exit_last,
        status=idx(final.statusdato),
        status_weeks=tuple(sorted({idx(f.statusdato) for f in config.faser.values()})),
        early_weight=weight,
    )


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent, reproducible random stream per component of the simulation."""
    return np.random.default_rng([seed, stream])


def _adjust_to_sum(
    values: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int, target: int, rng: np.random.Generator
) -> np.ndarray:
    """Move integer values by +-1 steps (within [lo, hi]) until they sum to `target` exactly."""
    v = values.astype("int64").copy()
    lo = np.broadcast_to(lo, v.shape)
    hi = np.broadcast_to(hi, v.shape)
    v = np.clip(v, lo, hi)
    for _ in range(10_000):
        diff = int(target - v.sum())
        if diff == 0:
            return v
        step = 1 if diff > 0 else -1
        room = (hi - v) if step > 0 else (v - lo)
        eligible = np.flatnonzero(room > 0)
        if eligible.size == 0:
            break
        chosen = rng.choice(eligible, size=min(abs(diff), eligible.size), replace=False)
        v[chosen] += step
    raise ValueError(f"cannot reach the sum {target} within the bounds")
