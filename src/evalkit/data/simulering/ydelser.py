"""The example's weekly status (ydelser): outcomes, exit weeks and the weekly status matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.config import GROUPS
from evalkit.data.contract import YDELSER
from evalkit.data.simulering.borgere import _Population
from evalkit.data.simulering.maal import CODE, KH, VIA, ExampleTargets
from evalkit.data.simulering.tidslinje import _rng, _Timeline


def _outcome_weights(outcome: str, alder: np.ndarray, lang: np.ndarray) -> np.ndarray:
    """Relative chance of each citizen reaching `outcome`: long histories and higher age favour
    the rehabilitation destinations and lower the chance of a job or education."""
    a = alder.astype(float)
    if outcome == "foertidspension":
        return np.exp((a - 45) / 7) * np.where(lang, 2.0, 1.0)
    if outcome == "ressourceforloeb":
        return np.exp((a - 42) / 14) * np.where(lang, 1.6, 1.0)
    if outcome == "fleksjob":
        return np.exp((a - 45) / 12) * np.where(lang, 1.4, 1.0)
    if outcome == "uddannelse":
        return np.exp(-(a - 30) / 6) * np.where(lang, 0.3, 1.0)
    if outcome == "beskaeftigelse":
        return np.exp(-(a - 38) / 12) * np.where(lang, 0.3, 1.0)
    if outcome == "smaajob":
        return np.exp(-(a - 42) / 20) * np.where(lang, 0.6, 1.0)
    return np.where(lang, 1.0, 1.0)  # andet: sickness benefit, other benefits, emigration


def _assign_outcomes(pop: _Population, targets: ExampleTargets, rng: np.random.Generator) -> np.ndarray:
    """Exact outcome counts per group by weighted sampling without replacement."""
    udfald = np.full(pop.ids.size, "", dtype=object)
    order = ("foertidspension", "ressourceforloeb", "fleksjob", "uddannelse", "beskaeftigelse", "smaajob", "andet")
    for g in GROUPS:
        pool = np.flatnonzero(pop.gruppe == g)
        for outcome in order:
            count = targets.grupper[g].udfald[outcome]
            w = _outcome_weights(outcome, pop.alder[pool], pop.lang[pool])
            chosen = rng.choice(pool.size, size=count, replace=False, p=w / w.sum())
            udfald[pool[chosen]] = outcome
            pool = np.delete(pool, chosen)
    return udfald


def _draw_week(rng: np.random.Generator, tl: _Timeline, lo: int, hi: int) -> int:
    weeks = np.arange(lo, hi + 1)
    w = tl.early_weight[weeks]
    return int(rng.choice(weeks, p=w / w.sum()))


def _ydelser(pop: _Population, tl: _Timeline, targets: ExampleTargets, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 2)
    n, W = pop.ids.size, tl.n_weeks
    k, sw = tl.k, tl.status
    S = np.full((n, W), CODE[KH], dtype="int8")  # everybody starts on kontanthjælp
    rows_end = np.full(n, W, dtype="int64")
    udfald = _assign_outcomes(pop, targets, rng)
    exit_week = np.full(n, -1, dtype="int64")
    noise_before = np.zeros(n, dtype=bool)

    # Tabel 6: among long-history citizens with an outcome, exactly `reduction` are off
    # kontanthjælp in the status week (all of them when there are fewer; see the end). The others
    # either leave after the status week or leave early and are back on kontanthjælp before it
    # (a job that did not last).
    off = np.zeros(n, dtype=bool)
    returner = np.zeros(n, dtype=bool)
    for g in GROUPS:
        t = targets.grupper[g]
        reduction = t.lang_historik - t.lang_kh_status
        cand = np.flatnonzero((pop.gruppe == g) & pop.lang & (udfald != ""))
        off[rng.choice(cand, size=min(reduction, cand.size), replace=False)] = True
        rest = cand[~off[cand]]
        can_return = np.isin(udfald[rest], ["beskaeftigelse", "smaajob", "uddannelse", "andet"])
        returner[rest[can_return & (rng.random(rest.size) < 0.8)]] = True

    for i in np.flatnonzero(udfald != ""):
        # Exit week
        if pop.lang[i] and off[i]:
            e = _draw_week(rng, tl, tl.exit_first, min(sw, tl.exit_last))
        elif pop.lang[i] and returner[i]:
            e = _draw_week(rng, tl, tl.exit_first, sw - k - 6)
        elif pop.lang[i]:
            e = _draw_week(rng, tl, sw + 1, tl.exit_last)
        else:
            e = _draw_week(rng, tl, tl.exit_first, tl.exit_last)
        exit_week[i] = e
        dest = udfald[i]
        if dest == "andet":
            # Residual: sickness benefit (which normally ends after some months) or another
            # benefit / emigration. A citizen who must still be off kontanthjælp in a status
            # week far ahead gets the latter.
            sick = rng.random() < 0.6 and not (pop.lang[i] and off[i] and e < sw - 26)
            dest = "sygedagpenge" if sick else "andet"
        S[i, e:] = CODE[dest]

        # Edge case 3: the status changes between the exit week and the follow-up week; the
        # destination is the status at t + k (e.g. sygedagpenge first, ressourceforløb from t+3).
        via = VIA.get(dest)
        if via and rng.random() < via[1]:
            j = int(rng.integers(1, k))  # 1..k-1 weeks in the intermediate status
            S[i, e : e + j] = CODE[via[0]]

        # Return to kontanthjælp after the follow-up week (the outcome still counts).
        r = None
        if returner[i]:
            r = int(rng.integers(e + k + 1, sw))
        elif dest == "sygedagpenge":
            # sickness benefit usually ends; long-history citizens off in the status week stay off
            r = e + int(rng.integers(k + 2, 30))
            if pop.lang[i] and off[i]:
                r = max(r, sw + 1 + int(rng.integers(0, 8)))
        elif not pop.lang[i] and dest in ("beskaeftigelse", "smaajob", "uddannelse") and rng.random() < 0.1:
            r = e + int(rng.integers(k + 1, 60))
        if r is not None and r < W:
            S[i, r:] = CODE[KH]

    # Noise that changes no calibrated figure: short spells off kontanthjælp (2-5 weeks) that end
    # before the follow-up week, so the destination of that exit is kontanthjælp and it does
    # not count. They never cover a status week.
    def add_spell(i: int, lo: int, hi: int) -> bool:
        if hi < lo:
            return False
        s = int(rng.integers(lo, hi + 1))
        length = int(rng.integers(2, 6))
        if any(s <= w < s + length for w in tl.status_weeks):
            return False
        code = CODE[rng.choice(["sygedagpenge", "sygedagpenge", "sygedagpenge", "smaajob", "andet"])]
        S[i, s : s + length] = code
        return True

    for i in range(n):
        if udfald[i] == "":
            if rng.random() < 0.12:
                add_spell(i, 1, W - 1 - k)
        elif rng.random() < 0.08 and exit_week[i] >= 12:
            # Edge case 1: leaves, is back within k weeks, leaves again later (the later exit
            # is the outcome). The spell starts at least k+1 weeks before the outcome exit.
            noise_before[i] = add_spell(i, 1, exit_week[i] - k - 1)
    # Make edge case 1 certain in each group, whatever the seed.
    for g in GROUPS:
        members = (pop.gruppe == g) & (udfald != "") & (exit_week >= 20)
        if not (noise_before & members).any():
            for i in np.flatnonzero(members):
                if any(add_spell(int(i), 1, int(exit_week[i]) - k - 1) for _ in range(20)):
                    noise_before[i] = True
                    break
        # Edge case 3 certain: the group's first ressourceforløb goes through sygedagpenge.
        i = int(np.flatnonzero((pop.gruppe == g) & (udfald == "ressourceforloeb"))[0])
        e = exit_week[i]
        S[i, e : e + 3] = CODE["sygedagpenge"]
        S[i, e + 3 :] = CODE["ressourceforloeb"]

    # Edge case 2: an exit whose follow-up week lies beyond the data. One short-history citizen
    # per group without any other exit emigrates late in the måleperiode; the extract stops
    # a few weeks later, so there is no row at t + k and the destination is unknown. The citizen
    # stays "Fortsat på kontanthjælp".
    for g in GROUPS:
        always_kh = (S == CODE[KH]).all(axis=1)
        quiet = np.flatnonzero((pop.gruppe == g) & (udfald == "") & ~pop.lang & ~pop.siden_missing & always_kh)
        i = int(quiet[0])
        e = tl.exit_last - 6
        S[i, e:] = CODE["andet"]
        rows_end[i] = e + 4  # last row at t + 3 < t + k

    # Tabel 6 when a group has fewer long-history exits than its target puts off kontanthjælp in the
    # status week (small drawn scenarios, never the calibrated example): the rest are long-history
    # citizens without an outcome who are on sickness benefit for 2-5 weeks over the status week and
    # back on kontanthjælp long before the follow-up week, so no outcome changes.
    for g in GROUPS:
        t = targets.grupper[g]
        shortfall = t.lang_historik - t.lang_kh_status - int(off[pop.gruppe == g].sum())
        if shortfall <= 0:
            continue
        window = slice(max(1, sw - k - 1), min(W, sw + k + 2))
        calm = (S[:, window] == CODE[KH]).all(axis=1) & (rows_end == W)
        quiet = np.flatnonzero((pop.gruppe == g) & pop.lang & (udfald == "") & calm)
        if quiet.size < shortfall:
            raise ValueError(f"too few long-history citizens in {g} for Tabel 6")
        for i in rng.choice(quiet, size=shortfall, replace=False):
            length = int(rng.integers(2, 6))
            first = sw - int(rng.integers(0, length))  # the spell covers the status week
            S[i, first : first + length] = CODE["sygedagpenge"]

    pop.udfald, pop.exit_week, pop.rows_end, pop.status = udfald, exit_week, rows_end, S

    # Long format: one row per citizen per week, Mondays as dates.
    week_idx = np.tile(np.arange(W), n)
    citizen = np.repeat(np.arange(n), W)
    keep = week_idx < rows_end[citizen]
    codes = np.array(YDELSER, dtype=object)
    return pd.DataFrame(
        {
            "borger_id": pop.ids[citizen[keep]],
            "uge": tl.monday(week_idx[keep]).astype("datetime64[ns]"),
            "ydelse": codes[S.ravel()[keep]].astype(str),
        }
    )
