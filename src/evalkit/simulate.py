"""Synthetic example data that follow the data contract (sections 1, 3 and 6).

`simulate(config, seed)` builds all seven input tables for invented citizens and departments. The
final phase of the configuration reproduces every published figure of the 2020 final evaluation
exactly (contract section 6) when the figures are computed by the definitions of contract
section 3; the mid-term phase is plausible but not calibrated.

Nothing here describes a real person: ids are pseudonyms like ``B00001``, and every value is drawn
from `numpy.random.default_rng` with a fixed seed, so the same configuration and seed always give
the same frames and byte-identical CSV files (`write_dataset`).

All dates are derived from the configuration (start date, the phases' periods and status dates,
the follow-up lag and the long-history threshold). The only constants are the calibration targets
in `EXAMPLE_TARGETS`, which describe the example data set, not any result.

Regenerate the committed example with ``evalkit simulate --output data/eksempel --seed 2018``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.config import GROUPS, Config, Fase, Maanedsperiode, load_config
from evalkit.contract import TABLES, YDELSER
from evalkit.formatting import round_half_up
from evalkit.uger import first_monday, week_monday

KH = "kontanthjaelp"
CODE = {name: i for i, name in enumerate(YDELSER)}
OUTCOMES = (
    "beskaeftigelse",
    "smaajob",
    "uddannelse",
    "ressourceforloeb",
    "fleksjob",
    "foertidspension",
    "andet",
)
# Destinations through the rehabilitation team; these citizens usually have a preparatory plan.
REHAB = ("ressourceforloeb", "fleksjob", "foertidspension")
# Intermediate status between the exit week and the follow-up week: destination ->
# (status in the first weeks, share of the destination's citizens who go this way).
VIA = {
    "ressourceforloeb": ("sygedagpenge", 0.2),
    "beskaeftigelse": ("smaajob", 0.15),
    "foertidspension": ("ressourceforloeb", 0.2),
    "fleksjob": ("sygedagpenge", 0.15),
}


# --------------------------------------------------------------------------------------------
# Calibration targets (contract section 6). They describe the example data set only.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupTargets:
    """Published final-phase figures for one group, plus the few choices the report leaves open."""

    n: int
    herkomst: dict[str, int]
    koen: dict[str, int]
    # Means we aim at exactly; they sit in the middle of the published rounding interval.
    alder_mean: float  # published 46 / 47 (whole years)
    forsoergelse_mean: float  # published 5,3 / 5,1 (one decimal)
    lang_historik: int  # kontanthjaelp_siden <= start - 3 years
    kort_historik: int
    uden_startdato: int  # empty kontanthjaelp_siden
    # Outcome counts (Tabel 3 and 5). `andet` is not published: a residual we choose (~4.5 %).
    udfald: dict[str, int]
    placeret: int  # Tabel 4: at least one placement overlapping the placement period
    lang_kh_status: int  # Tabel 6: long-history citizens still on kontanthjaelp at the status date
    samtaler_pr_uge: int  # Tabel 7 (rounded per-week figures as published)
    rettidige_pr_uge: int
    rettidig_pct: int
    # Preparatory plans: not published; roughly how many the example holds per group.
    planer: int


@dataclass(frozen=True)
class ExampleTargets:
    """All calibration targets of the example data set."""

    grupper: dict[str, GroupTargets]
    # Tabel 8/9: per HR period of the final phase, per department (config order):
    # (total, short-term, long-term) sick days per full-time employee, one decimal.
    sygefravaer: tuple[tuple[tuple[float, float, float], ...], ...]
    # Tabel 10/11: per HR period, per department: external turnover in percent, one decimal.
    omsaetning: tuple[tuple[float, ...], ...]
    # Typical headcount per department (config order); only used to make HR data plausible.
    afdelingsstoerrelse: tuple[int, ...]
    # Share of preparatory plans ticked in the case system ("a bit under half").
    planer_markeret_andel: float = 0.45


EXAMPLE_TARGETS = ExampleTargets(
    grupper={
        "forsoeg": GroupTargets(
            n=917,
            herkomst={"dansk": 606, "vestlig": 46, "ikke-vestlig": 265},
            koen={"K": 372, "M": 545},
            alder_mean=46.0,
            forsoergelse_mean=5.30,
            lang_historik=385,
            kort_historik=532,
            uden_startdato=0,
            udfald={
                "beskaeftigelse": 102,
                "smaajob": 18,
                "uddannelse": 19,
                "ressourceforloeb": 139,
                "fleksjob": 31,
                "foertidspension": 47,
                "andet": 41,
            },
            placeret=451,
            lang_kh_status=285,
            samtaler_pr_uge=666,
            rettidige_pr_uge=600,
            rettidig_pct=90,
            planer=250,
        ),
        "kontrol": GroupTargets(
            n=856,
            herkomst={"dansk": 520, "vestlig": 55, "ikke-vestlig": 281},
            koen={"K": 344, "M": 512},
            alder_mean=47.0,
            forsoergelse_mean=5.10,
            lang_historik=312,
            kort_historik=543,
            uden_startdato=1,
            udfald={
                "beskaeftigelse": 89,
                "smaajob": 22,
                "uddannelse": 24,
                "ressourceforloeb": 46,
                "fleksjob": 20,
                "foertidspension": 23,
                "andet": 38,
            },
            placeret=400,
            lang_kh_status=256,
            samtaler_pr_uge=675,
            rettidige_pr_uge=557,
            rettidig_pct=82,
            planer=120,
        ),
    },
    sygefravaer=(
        (  # May-Dec 2018
            (3.0, 1.6, 1.4),
            (3.7, 2.6, 1.1),
            (6.5, 3.6, 3.0),
            (4.2, 3.6, 0.6),
            (4.7, 4.1, 0.6),
            (1.8, 1.8, 0.0),
        ),
        (  # 2019
            (5.7, 4.0, 1.7),
            (5.6, 5.6, 0.0),
            (12.2, 7.2, 5.1),
            (5.9, 5.4, 0.5),
            (21.8, 7.5, 14.3),
            (10.6, 4.3, 6.3),
        ),
    ),
    omsaetning=(
        (15.2, 6.9, 4.0, 4.3, 4.8, 3.8),  # May-Dec 2018
        (2.4, 6.9, 6.7, 6.5, 13.6, 0.0),  # 2019
    ),
    afdelingsstoerrelse=(41, 29, 27, 27, 24, 25),
)


# --------------------------------------------------------------------------------------------
# Time line derived from the configuration
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# borgere
# --------------------------------------------------------------------------------------------


@dataclass
class _Population:
    """Citizens as arrays (position i = citizen i) plus their simulated histories."""

    ids: np.ndarray
    gruppe: np.ndarray
    alder: np.ndarray
    lang: np.ndarray  # long history (Tabel 2)
    siden_missing: np.ndarray
    # Filled in by `_ydelser`:
    udfald: np.ndarray | None = None  # outcome code or "" (Fortsat på kontanthjælp)
    exit_week: np.ndarray | None = None  # week index of the outcome exit, -1 if none
    rows_end: np.ndarray | None = None  # exclusive end of a citizen's weekly rows
    status: np.ndarray | None = None  # (citizens x weeks) matrix of ydelse codes


def _borgere(config: Config, targets: ExampleTargets, seed: int) -> tuple[pd.DataFrame, _Population]:
    rng = _rng(seed, 1)
    start = config.startdato
    graense = config.lang_historik_graense
    n_total = sum(t.n for t in targets.grupper.values())
    # Randomised arms: groups are shuffled over the pseudonymous ids B00001, B00002, ...
    gruppe = rng.permutation(np.repeat(np.array(GROUPS), [targets.grupper[g].n for g in GROUPS]))
    ids = np.array([f"B{i:05d}" for i in range(1, n_total + 1)])
    kontrol_afdelinger = [a for a in config.afdelinger if a != config.forsoegsafdeling] or [config.forsoegsafdeling]

    koen = np.empty(n_total, dtype=object)
    herkomst = np.empty(n_total, dtype=object)
    afdeling = np.empty(n_total, dtype=object)
    lang = np.zeros(n_total, dtype=bool)
    missing = np.zeros(n_total, dtype=bool)
    siden = np.empty(n_total, dtype="datetime64[D]")
    alder = np.zeros(n_total, dtype="int64")
    forsoergelse = np.zeros(n_total)

    for g in GROUPS:
        t = targets.grupper[g]
        pos = np.flatnonzero(gruppe == g)
        n = pos.size
        koen[pos] = rng.permutation(np.repeat(list(t.koen), list(t.koen.values())))
        herkomst[pos] = rng.permutation(np.repeat(list(t.herkomst), list(t.herkomst.values())))
        if g == "forsoeg":
            afdeling[pos] = config.forsoegsafdeling
        else:
            afdeling[pos] = np.array(kontrol_afdelinger)[rng.integers(0, len(kontrol_afdelinger), n)]
        history = rng.permutation(
            np.repeat(["lang", "kort", "mangler"], [t.lang_historik, t.kort_historik, t.uden_startdato])
        )
        g_lang = history == "lang"
        g_missing = history == "mangler"
        lang[pos], missing[pos] = g_lang, g_missing

        # Start of the current kontanthjælp spell. Long histories lie 3-15 years back,
        # short ones are spread over the three years before the start date.
        days = np.zeros(n, dtype="int64")
        gap = np.minimum(np.floor(rng.gamma(1.6, 1.8, n) * 365.25), 12 * 365).astype("int64")
        days[g_lang] = (start - graense).days + gap[g_lang]
        short_span = (start - graense).days - 8
        days[~g_lang] = 7 + rng.integers(0, short_span, n)[~g_lang]
        # Boundary cases for Tabel 2 (the rule is `<=` the threshold): in the trial group one
        # long-history citizen's spell began exactly on the threshold date; in the control group
        # one short-history citizen's spell began the day after.
        if g == GROUPS[0]:
            days[np.flatnonzero(g_lang)[0]] = (start - graense).days
        else:
            days[np.flatnonzero(~g_lang & ~g_missing)[0]] = (start - graense).days - 1
        g_siden = np.datetime64(start, "D") - days.astype("timedelta64[D]")
        since_years = np.where(g_missing, 0.0, days / 365.25)

        # Age: older with a long history; at least 18 when the spell started; 18-64.
        raw_age = np.rint(rng.normal(t.alder_mean - 1.5, 10.0, n) + 3.5 * g_lang).astype("int64")
        lo_age = np.maximum(18, 18 + np.ceil(since_years).astype("int64"))
        target_age = int(round_half_up(t.alder_mean * n))
        g_alder = _adjust_to_sum(raw_age, lo_age, np.full(n, 64), target_age, rng)

        # Years on public benefits: at least the current spell, plus earlier periods, and never
        # more than the adult life. Kept in whole cents (hundredths of a year) and hit exactly.
        extra = rng.gamma(1.3, 1.6, n)
        cents = np.ceil((since_years + extra) * 100).astype("int64")
        lo_cents = np.ceil(since_years * 100).astype("int64")
        hi_cents = (g_alder - 18) * 100
        target_cents = int(round_half_up(t.forsoergelse_mean * n * 100))
        cents = _adjust_to_sum(cents, lo_cents, hi_cents, target_cents, rng)

        siden[pos] = g_siden
        alder[pos] = g_alder
        forsoergelse[pos] = cents / 100

    # Edge case 5: exactly one control citizen has no kontanthjaelp_siden (history unknown).
    siden_col = pd.Series(siden.astype("datetime64[ns]"))
    siden_col[missing] = pd.NaT
    frame = pd.DataFrame(
        {
            "borger_id": ids,
            "gruppe": gruppe,
            "afdeling": afdeling.astype(str),
            "koen": koen.astype(str),
            "alder": alder.astype("int64"),
            "herkomst": herkomst.astype(str),
            "offentlig_forsoergelse_aar": np.round(forsoergelse, 2),
            "kontanthjaelp_siden": siden_col,
        }
    )
    return frame, _Population(ids=ids, gruppe=gruppe, alder=alder, lang=lang, siden_missing=missing)


# --------------------------------------------------------------------------------------------
# ydelser: outcomes, exit weeks and the weekly status matrix
# --------------------------------------------------------------------------------------------


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
    # kontanthjælp in the status week. The others either leave after the status week or leave
    # early and are back on kontanthjælp before it (a job that did not last).
    off = np.zeros(n, dtype=bool)
    returner = np.zeros(n, dtype=bool)
    for g in GROUPS:
        t = targets.grupper[g]
        reduction = t.lang_historik - t.lang_kh_status
        cand = np.flatnonzero((pop.gruppe == g) & pop.lang & (udfald != ""))
        if cand.size < reduction:
            raise ValueError(f"too few long-history exits in {g} for Tabel 6")
        off[rng.choice(cand, size=reduction, replace=False)] = True
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


# --------------------------------------------------------------------------------------------
# virksomhedsplaceringer
# --------------------------------------------------------------------------------------------


def _placeringer(pop: _Population, config: Config, targets: ExampleTargets, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 3)
    periode = final_phase(config).placeringsperiode
    p0, p1 = np.datetime64(periode.start, "D"), np.datetime64(periode.slut, "D")
    span = int((p1 - p0).astype(int))
    rows: list[tuple[str, str, np.datetime64, np.datetime64 | None]] = []

    def one(i: int, start: np.datetime64, open_ended: bool = False, kind: str | None = None) -> None:
        kind = kind or ("praktik" if rng.random() < 0.7 else "loentilskud")
        length = int(rng.integers(28, 92)) if kind == "praktik" else int(rng.integers(91, 366))
        slut = None if open_ended else start + np.timedelta64(length - 1, "D")
        rows.append((pop.ids[i], kind, start, slut))

    for g in GROUPS:
        members = np.flatnonzero(pop.gruppe == g)
        # Younger citizens, short histories and later job exits are placed more often.
        w = np.exp(-(pop.alder[members] - 40) / 20) * np.where(pop.lang[members], 0.8, 1.2)
        w = w * np.where(np.isin(pop.udfald[members], ["beskaeftigelse", "smaajob"]), 2.0, 1.0)
        w = w * np.where(pop.udfald[members] == "foertidspension", 0.3, 1.0)
        count = targets.grupper[g].placeret
        placed = members[rng.choice(members.size, size=count, replace=False, p=w / w.sum())]
        not_placed = np.setdiff1d(members, placed)
        for j, i in enumerate(placed):
            start = p0 + np.timedelta64(int(rng.integers(0, span + 1)), "D")
            # Edge case 4: placements that began in the last quarter may still be ongoing (no slut).
            open_ended = (p1 - start).astype(int) < 90 and rng.random() < 0.25
            if j == 0:
                # Overlaps the period only on its first day: counts.
                rows.append((pop.ids[i], "praktik", p0 - np.timedelta64(41, "D"), p0))
                continue
            if j == 1:
                # Starts on the period's last day: counts.
                one(i, p1, kind="praktik")
                continue
            if j == 2:
                one(i, p1 - np.timedelta64(20, "D"), open_ended=True, kind="loentilskud")
                continue
            one(i, start, open_ended=open_ended)
            if rng.random() < 0.25:  # a second placement, anywhere in the data period
                one(i, p0 + np.timedelta64(int(rng.integers(-60, span + 120)), "D"))
        # Placements that do NOT overlap the period, for citizens who are not counted:
        # ended the day before, ended in the previous year, began the day after, began later,
        # and one open-ended placement that began after the period.
        outside = rng.choice(not_placed, size=8, replace=False)
        rows.append((pop.ids[outside[0]], "praktik", p0 - np.timedelta64(60, "D"), p0 - np.timedelta64(1, "D")))
        rows.append((pop.ids[outside[1]], "loentilskud", p0 - np.timedelta64(300, "D"), p0 - np.timedelta64(120, "D")))
        rows.append((pop.ids[outside[2]], "praktik", p1 + np.timedelta64(1, "D"), p1 + np.timedelta64(56, "D")))
        rows.append((pop.ids[outside[3]], "loentilskud", p1 + np.timedelta64(33, "D"), None))
        for i in outside[4:]:
            one(i, p1 + np.timedelta64(int(rng.integers(7, 110)), "D"))

    frame = pd.DataFrame(rows, columns=["borger_id", "type", "start", "slut"])
    frame["start"] = pd.to_datetime(frame["start"]).astype("datetime64[ns]")
    frame["slut"] = pd.to_datetime(frame["slut"]).astype("datetime64[ns]")
    frame["borger_id"] = frame["borger_id"].astype(str)
    frame["type"] = frame["type"].astype(str)
    return frame.sort_values(["borger_id", "start"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# samtaler
# --------------------------------------------------------------------------------------------


def interview_counts(per_week: int, on_time_per_week: int, share_pct: int, weeks: float) -> tuple[int, int]:
    """Interview count and on-time count that round to the published per-week figures and share.

    Among all integer pairs that satisfy the three roundings, take the one farthest from any
    rounding boundary (measured in interviews).
    """
    best: tuple[float, int, int] | None = None
    n_lo, n_hi = math.ceil((per_week - 0.5) * weeks), math.floor((per_week + 0.5) * weeks)
    x_lo, x_hi = math.ceil((on_time_per_week - 0.5) * weeks), math.floor((on_time_per_week + 0.5) * weeks)
    for total in range(n_lo, n_hi + 1):
        for on_time in range(x_lo, x_hi + 1):
            if (
                round_half_up(total / weeks) != per_week
                or round_half_up(on_time / weeks) != on_time_per_week
                or round_half_up(100 * on_time / total) != share_pct
            ):
                continue
            share_lo, share_hi = (share_pct - 0.5) / 100 * total, (share_pct + 0.5) / 100 * total
            margin = min(
                total - (per_week - 0.5) * weeks,
                (per_week + 0.5) * weeks - total,
                on_time - (on_time_per_week - 0.5) * weeks,
                (on_time_per_week + 0.5) * weeks - on_time,
                on_time - share_lo,
                share_hi - on_time,
            )
            if best is None or margin > best[0]:
                best = (margin, total, on_time)
    if best is None:
        raise ValueError("no interview counts match the published figures")
    return best[1], best[2]


def _samtaler(pop: _Population, config: Config, tl: _Timeline, targets: ExampleTargets, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 4)
    final = final_phase(config)
    periode = final.placeringsperiode
    p0, p1 = np.datetime64(periode.start, "D"), np.datetime64(periode.slut, "D")
    # Interviews also go on after the period until the end of the måleperiode (filter must matter).
    after_end = min(np.datetime64(final.maaleperiode.slut, "D"), tl.monday(tl.n_weeks - 1) + 4)
    S = pop.status
    on_kh = (S == CODE[KH]) & (np.arange(tl.n_weeks)[None, :] < pop.rows_end[:, None])
    mondays = tl.monday(np.arange(tl.n_weeks))
    parts = []
    for g in GROUPS:
        t = targets.grupper[g]
        total, on_time = interview_counts(t.samtaler_pr_uge, t.rettidige_pr_uge, t.rettidig_pct, periode.uger)
        extra = int(0.15 * t.samtaler_pr_uge * max(0, int((after_end - p1).astype(int))) / 7)
        citizen, week = np.nonzero(on_kh & (pop.gruppe == g)[:, None])
        for lo_day, hi_day, count, timely in ((p0, p1, total, on_time), (p1 + 1, after_end, extra, None)):
            # Weekdays of candidate weeks that fall inside [lo_day, hi_day].
            mon = mondays[week]
            min_off = np.maximum(0, (lo_day - mon).astype(int))
            max_off = np.minimum(4, (hi_day - mon).astype(int))
            ok = max_off >= min_off
            c_cit, c_mon, c_min, c_max = citizen[ok], mon[ok], min_off[ok], max_off[ok]
            pick = rng.integers(0, c_cit.size, count)
            off = c_min[pick] + np.floor(rng.random(count) * (c_max[pick] - c_min[pick] + 1)).astype(int)
            dato = c_mon[pick] + off.astype("timedelta64[D]")
            # Deadline: on time when dato <= frist; the count on time is exact in the period.
            late = np.zeros(count, dtype=bool)
            if timely is None:
                late[rng.random(count) < 0.12] = True
            else:
                late[rng.choice(count, size=count - timely, replace=False)] = True
            frist = np.where(
                late,
                dato - rng.integers(1, 29, count).astype("timedelta64[D]"),
                dato + rng.integers(0, 22, count).astype("timedelta64[D]"),
            )
            parts.append(pd.DataFrame({"borger_id": pop.ids[c_cit[pick]], "dato": dato, "frist": frist}))
    frame = pd.concat(parts, ignore_index=True)
    frame["dato"] = frame["dato"].astype("datetime64[ns]")
    frame["frist"] = frame["frist"].astype("datetime64[ns]")
    frame["borger_id"] = frame["borger_id"].astype(str)
    return frame.sort_values(["borger_id", "dato", "frist"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# forberedende_planer
# --------------------------------------------------------------------------------------------


def _planer(pop: _Population, config: Config, tl: _Timeline, targets: ExampleTargets, seed: int) -> pd.DataFrame:
    rng = _rng(seed, 5)
    final = final_phase(config)
    first_day = np.datetime64(config.startdato, "D") + 14
    # Plans for rehabilitation cases precede the exit, which may lie after the interview and
    # placement period; other plans are spread over that period.
    last_day = np.datetime64(final.maaleperiode.slut, "D")
    other_last = np.datetime64(final.placeringsperiode.slut, "D")
    span = int((other_last - first_day).astype(int))
    rows = []
    for g in GROUPS:
        t = targets.grupper[g]
        rows_before = len(rows)
        rehab = np.flatnonzero((pop.gruppe == g) & np.isin(pop.udfald, REHAB))
        share = 0.85 if g == "forsoeg" else 0.8
        with_plan = rehab[rng.random(rehab.size) < share]
        for i in with_plan:
            # Completed 4-20 weeks before the citizen left for the rehabilitation destination.
            day = tl.monday(pop.exit_week[i]) - 7 * int(rng.integers(4, 21)) + int(rng.integers(0, 5))
            if day < first_day:  # exits early in the trial: plan finished in its first weeks
                day = first_day + int(rng.integers(0, 15))
            day = min(day, last_day)
            if rng.random() < 0.15:  # an earlier plan that the team sent back
                earlier = max(first_day, day - 7 * int(rng.integers(8, 30)))
                rows.append((pop.ids[i], earlier, "udskudt"))
            rows.append((pop.ids[i], day, "indstillet" if rng.random() < 0.85 else ""))
        # Plans for citizens who stayed on kontanthjælp or went elsewhere.
        others = np.flatnonzero((pop.gruppe == g) & ~np.isin(pop.udfald, REHAB))
        n_other = max(0, t.planer - (len(rows) - rows_before))
        for i in rng.choice(others, size=n_other, replace=False):
            day = first_day + int(rng.integers(0, span + 1))
            rows.append((pop.ids[i], day, str(rng.choice(["udskudt", "udskudt", "afvist", "afvist", ""]))))
    frame = pd.DataFrame(rows, columns=["borger_id", "dato", "rehab_resultat"])
    frame["dato"] = pd.to_datetime(frame["dato"]).astype("datetime64[ns]")
    # Ticked in the case system for a bit under half of the plans (an exact share).
    ticked = np.zeros(len(frame), dtype=bool)
    ticked[rng.choice(len(frame), size=int(targets.planer_markeret_andel * len(frame)), replace=False)] = True
    frame["markeret"] = ticked
    frame["rehab_resultat"] = frame["rehab_resultat"].replace("", np.nan)
    frame = frame[["borger_id", "dato", "markeret", "rehab_resultat"]]
    frame["borger_id"] = frame["borger_id"].astype(str)
    return frame.sort_values(["borger_id", "dato"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# HR tables: sygefravaer and medarbejderomsaetning
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def simulate(
    config: Config, seed: int = 2018, targets: ExampleTargets = EXAMPLE_TARGETS
) -> dict[str, pd.DataFrame]:
    """Synthetic microdata for all seven contract tables, calibrated on the final phase.

    The result maps each table name (contract order) to a DataFrame with exactly the contract's
    columns: dates as ``datetime64[ns]`` (weeks as their Monday, months as their first day),
    `markeret` as bool, empty values as NaN/NaT. The same `config` and `seed` always give
    identical frames.
    """
    tl = _timeline(config)
    borgere, pop = _borgere(config, targets, seed)
    ydelser = _ydelser(pop, tl, targets, seed)
    tables = {
        "borgere": borgere,
        "ydelser": ydelser,
        "virksomhedsplaceringer": _placeringer(pop, config, targets, seed),
        "samtaler": _samtaler(pop, config, tl, targets, seed),
        "forberedende_planer": _planer(pop, config, tl, targets, seed),
    }
    tables["sygefravaer"], tables["medarbejderomsaetning"] = _hr(config, targets, seed)
    return {name: tables[name][list(TABLES[name].column_names)] for name in TABLES}


# Fixed number of decimals per decimal column, so the files are byte-identical on every run.
DECIMALS = {
    "offentlig_forsoergelse_aar": 2,
    "fuldtidsansatte": 1,
    "sygedage_kort": 2,
    "sygedage_lang": 2,
    "ansatte": 0,
}


def _as_csv_text(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in TABLES[name].columns:
        s = frame[col.name]
        if col.kind in ("date", "week"):
            text = pd.Series(s.dt.strftime("%Y-%m-%d"), index=s.index)
        elif col.kind == "month":
            text = pd.Series(s.dt.strftime("%Y-%m"), index=s.index)
        elif col.kind == "flag":
            text = s.map({True: "ja", False: "nej"})
        elif col.kind == "integer":
            text = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif col.kind == "decimal":
            decimals = DECIMALS.get(col.name, 2)
            text = s.map(lambda v: "" if pd.isna(v) else f"{float(v):.{decimals}f}")
        else:
            text = s
        out[col.name] = text.astype(object).where(text.notna(), "")
    return pd.DataFrame(out)


def write_dataset(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write each table as ``NAME.csv`` in the international dialect.

    ``,`` separator, ``.`` decimal point, UTF-8 without BOM, no index, ISO dates, weeks as the
    Monday's date, months as ``YYYY-MM``, flags as ``ja``/``nej``, empty cells for missing values
    and a fixed number of decimals, so the same tables always give the same bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        text = _as_csv_text(name, frame)
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            text.to_csv(handle, index=False, lineterminator="\n")


def generate(out_dir: Path, config_path: Path, seed: int = 2018) -> dict[str, pd.DataFrame]:
    """Simulate with the configuration at `config_path` and write the CSV files to `out_dir`."""
    tables = simulate(load_config(config_path), seed=seed)
    write_dataset(tables, Path(out_dir))
    return tables
