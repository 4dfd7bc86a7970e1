"""The example's citizens (borgere): groups, background and kontanthjælp history, calibrated to the targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evalkit.config import GROUPS, Config
from evalkit.data.simulering.maal import ExampleTargets
from evalkit.data.simulering.tidslinje import _adjust_to_sum, _rng
from evalkit.statistik.tal import round_half_up


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
