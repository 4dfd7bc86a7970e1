"""A model of the trial whose effects are parameters: calibration targets drawn at random per seed and
scenario, so the report can be seen to follow other results than the published ones.

`parameters(scenario)` gives each group's expected shares and rates (and the departments' expected HR
figures) for a scenario; `draw_targets(seed, scenario)` draws one set of `ExampleTargets` from them,
which `eksempel.simulate` then turns into microdata exactly as it does for the calibrated targets.

Scenarios (`SCENARIOS`):

- ``standard``: the published effects as expected values; each group's counts are drawn with sampling
  noise (outcomes as one multinomial draw, placements, histories and Tabel 6 as binomial draws, origin
  and sex as multinomial draws, means and HR figures with a little noise);
- ``nul``: no effect: both groups draw from the pooled shares and rates, and the trial department's
  HR figures are drawn around the other departments' mean;
- ``omvendt``: reversed effects: each group gets the other group's expected shares (outcomes,
  placements, Tabel 6, timely interviews, plans), and the trial department's HR figures are mirrored
  in the other departments' mean (clipped at 0);
- ``lille``: as ``standard`` in a small trial of 60-80 citizens per group (drawn), so several counts are
  below the disclosure threshold; the departments shrink with the groups (at least `MIN_DEPARTMENT`).

The same seed and scenario always give the same targets; the draws use their own random stream, apart
from the simulation's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from evalkit.config import GROUPS
from evalkit.data.simulering.maal import EXAMPLE_TARGETS, OUTCOMES, PLAN_SENT_BACK, REHAB, ExampleTargets, GroupTargets
from evalkit.statistik.tal import round_half_up

SCENARIOS = ("standard", "nul", "omvendt", "lille")
FORTSAT = "fortsat"  # no outcome: still on kontanthjælp
SMALL_GROUP = (60, 80)  # `lille`: each group's size is drawn from this range (inclusive)
MIN_DEPARTMENT = 8  # smallest headcount of a department (the HR tables need a few employees)
NOMINAL_WEEKS = 104  # interview period used to give the per-week figures sampling noise
_STREAM = 7  # the model's random stream; the simulation uses streams 1-6


@dataclass(frozen=True)
class GroupParameters:
    """One group's expected shares and rates in a scenario."""

    udfald: dict[str, float]  # expected share of each outcome and of FORTSAT (sums to 1)
    placeret: float  # share with a placement in the placement period (Tabel 4)
    lang_historik: float  # share with a long history among those with a known start date
    lang_kh_reduktion: float  # share of the long-history citizens off kontanthjælp at the status date
    samtaler_pr_borger: float  # interviews per week per citizen
    rettidig: float  # share of interviews on time
    planer_rehab: float  # share of the rehabilitation outcomes with a plan
    planer_oevrige: float  # plans per citizen without a rehabilitation outcome
    herkomst: dict[str, float]
    koen: dict[str, float]


@dataclass(frozen=True)
class ScenarioParameters:
    """Everything a scenario expects; `draw_targets` adds the sampling noise."""

    scenario: str
    grupper: dict[str, GroupParameters]
    # per HR period, per department: expected (short-term, long-term) sick days per full-time employee
    sygefravaer: tuple[tuple[tuple[float, float], ...], ...]
    # per HR period, per department: expected external turnover in percent
    omsaetning: tuple[tuple[float, ...], ...]
    group_size: tuple[int, int] | None  # range each group's size is drawn from; None keeps the base sizes


def _shares(counts: dict[str, int], n: int) -> dict[str, float]:
    return {key: value / n for key, value in counts.items()}


def _group_parameters(t: GroupTargets) -> GroupParameters:
    udfald = _shares(t.udfald, t.n)
    udfald[FORTSAT] = 1 - sum(udfald.values())
    rehab = sum(t.udfald[o] for o in REHAB)
    rehab_rows = rehab * t.planer_rehab_andel * (1 + PLAN_SENT_BACK)
    return GroupParameters(
        udfald=udfald,
        placeret=t.placeret / t.n,
        lang_historik=t.lang_historik / (t.n - t.uden_startdato),
        lang_kh_reduktion=(t.lang_historik - t.lang_kh_status) / t.lang_historik,
        samtaler_pr_borger=t.samtaler_pr_uge / t.n,
        rettidig=t.rettidige_pr_uge / t.samtaler_pr_uge,
        planer_rehab=t.planer_rehab_andel,
        planer_oevrige=max(0.0, t.planer - rehab_rows) / (t.n - rehab),
        herkomst=_shares(t.herkomst, t.n),
        koen=_shares(t.koen, t.n),
    )


def _pooled(base: ExampleTargets) -> GroupParameters:
    """Both groups as one: the shares and rates of a trial without effect."""
    groups = [base.grupper[g] for g in GROUPS]
    n = sum(t.n for t in groups)
    total = {key: sum(t.udfald[key] for t in groups) for key in OUTCOMES}
    lang = sum(t.lang_historik for t in groups)
    rehab = sum(t.udfald[o] for t in groups for o in REHAB)
    with_plan = sum(sum(t.udfald[o] for o in REHAB) * t.planer_rehab_andel for t in groups)
    per_group = [_group_parameters(t) for t in groups]
    others = sum(p.planer_oevrige * (t.n - sum(t.udfald[o] for o in REHAB)) for p, t in zip(per_group, groups))
    samtaler = sum(t.samtaler_pr_uge for t in groups)
    udfald = _shares(total, n)
    udfald[FORTSAT] = 1 - sum(udfald.values())
    return GroupParameters(
        udfald=udfald,
        placeret=sum(t.placeret for t in groups) / n,
        lang_historik=lang / sum(t.n - t.uden_startdato for t in groups),
        lang_kh_reduktion=sum(t.lang_historik - t.lang_kh_status for t in groups) / lang,
        samtaler_pr_borger=samtaler / n,
        rettidig=sum(t.rettidige_pr_uge for t in groups) / samtaler,
        planer_rehab=with_plan / rehab,
        planer_oevrige=others / (n - rehab),
        herkomst=_shares({k: sum(t.herkomst[k] for t in groups) for k in groups[0].herkomst}, n),
        koen=_shares({k: sum(t.koen[k] for t in groups) for k in groups[0].koen}, n),
    )


def parameters(scenario: str = "standard", base: ExampleTargets = EXAMPLE_TARGETS) -> ScenarioParameters:
    """The expected shares, rates and HR figures of `scenario`, derived from the calibrated `base`."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    own = {g: _group_parameters(base.grupper[g]) for g in GROUPS}
    grupper = dict(own)
    if scenario == "nul":
        pooled = _pooled(base)
        # Background (origin, sex, histories) stays each group's own: only effects are removed.
        background = ("herkomst", "koen", "lang_historik")
        grupper = {g: dataclasses.replace(pooled, **{f: getattr(own[g], f) for f in background}) for g in GROUPS}
    elif scenario == "omvendt":
        a, b = GROUPS
        swapped = ("udfald", "placeret", "lang_kh_reduktion", "rettidig", "planer_rehab", "planer_oevrige")
        grupper = {
            a: dataclasses.replace(own[a], **{f: getattr(own[b], f) for f in swapped}),
            b: dataclasses.replace(own[b], **{f: getattr(own[a], f) for f in swapped}),
        }

    trial = base.forsoegsafdeling
    sygefravaer = []
    for period in base.sygefravaer:
        values = [(short, long) for _total, short, long in period]
        others = [v for d, v in enumerate(values) if d != trial]
        mean = tuple(sum(v[i] for v in others) / len(others) for i in range(2))
        if scenario == "nul":
            values[trial] = mean
        elif scenario == "omvendt":
            values[trial] = tuple(max(0.0, 2 * mean[i] - values[trial][i]) for i in range(2))
        sygefravaer.append(tuple(values))
    omsaetning = []
    for rates in base.omsaetning:
        values = list(rates)
        mean = sum(r for d, r in enumerate(values) if d != trial) / (len(values) - 1)
        if scenario == "nul":
            values[trial] = mean
        elif scenario == "omvendt":
            values[trial] = max(0.0, 2 * mean - values[trial])
        omsaetning.append(tuple(values))
    return ScenarioParameters(
        scenario=scenario,
        grupper=grupper,
        sygefravaer=tuple(sygefravaer),
        omsaetning=tuple(omsaetning),
        group_size=SMALL_GROUP if scenario == "lille" else None,
    )


# --------------------------------------------------------------------------------------------
# Draws
# --------------------------------------------------------------------------------------------


def _multinomial(rng: np.random.Generator, n: int, shares: dict[str, float]) -> dict[str, int]:
    p = np.array(list(shares.values()), dtype=float)
    counts = rng.multinomial(n, p / p.sum())
    return {key: int(c) for key, c in zip(shares, counts)}


def _interviews(rng: np.random.Generator, p: GroupParameters, n: int) -> tuple[int, int, int]:
    """Per-week interviews, per-week timely interviews and the timely percentage, consistent with each
    other: some integer counts over any period of a few dozen weeks round to all three."""
    per_week = p.samtaler_pr_borger * n * float(np.exp(rng.normal(0, 0.03)))
    total = max(1, int(round(per_week * NOMINAL_WEEKS)))
    share = rng.binomial(total, p.rettidig) / total
    samtaler = max(1, int(round_half_up(per_week)))
    pct = int(round_half_up(100 * share))
    # Keep the timely per-week figure away from its rounding boundary, so the three roundings leave room.
    while abs(samtaler * pct / 100 - int(round_half_up(samtaler * pct / 100))) > 0.4:
        samtaler += 1
    return samtaler, int(round_half_up(samtaler * pct / 100)), pct


def _sick_days(rng: np.random.Generator, expected: float, cv: float) -> float:
    """A non-negative figure with one decimal around `expected`, coefficient of variation `cv`."""
    if expected <= 0:
        return 0.0
    shape = 1 / cv**2
    return round(float(rng.gamma(shape, expected / shape)), 1)


def _turnover(rng: np.random.Generator, expected: float, size: int) -> float:
    """External turnover in percent (one decimal) from a drawn number of leavers and a mean headcount
    near `size`; the value is at least 0.03 from its rounding boundary, as `personale.turnover_counts`
    needs it for any number of months."""
    leavers = int(rng.poisson(expected / 100 * size))
    if leavers == 0:
        return 0.0
    for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
        value = 100 * leavers / (size + offset)
        rate = float(round_half_up(value, 1))
        if abs(value - rate) <= 0.02:
            return rate
    raise ValueError(f"no headcount near {size} gives a turnover rate for {leavers} leavers")


def _group_targets(rng: np.random.Generator, p: GroupParameters, t: GroupTargets, n: int) -> GroupTargets:
    herkomst = _multinomial(rng, n, p.herkomst)
    koen = _multinomial(rng, n, p.koen)
    # Histories: the citizens without a start date are a fixed edge case of the example; each group
    # needs at least one long and one short history (the simulator puts boundary cases on them).
    uden = min(t.uden_startdato, n - 2)
    lang = int(np.clip(rng.binomial(n - uden, p.lang_historik), 1, n - uden - 1))
    alder = round(t.alder_mean + float(rng.normal(0, 10 / np.sqrt(n))), 2)
    forsoergelse = round(t.forsoergelse_mean + float(rng.normal(0, 2.5 / np.sqrt(n))), 2)

    drawn = _multinomial(rng, n, p.udfald)
    if drawn["ressourceforloeb"] == 0:  # the simulator needs one ressourceforløb per group (edge case 3)
        drawn["ressourceforloeb"] = 1
        drawn[max((k for k in drawn if drawn[k] > 0), key=drawn.get)] -= 1
    udfald = {key: drawn[key] for key in OUTCOMES}
    # Placements: three edge cases among the placed and eight among the others.
    placeret = int(np.clip(rng.binomial(n, p.placeret), 3, n - 8))
    reduction = int(rng.binomial(lang, p.lang_kh_reduktion))
    samtaler, rettidige, pct = _interviews(rng, p, n)
    rehab = sum(udfald[o] for o in REHAB)
    planer = int(round(rehab * p.planer_rehab * (1 + PLAN_SENT_BACK))) + int(rng.binomial(n - rehab, p.planer_oevrige))
    return dataclasses.replace(
        t,
        n=n,
        herkomst=herkomst,
        koen=koen,
        alder_mean=alder,
        forsoergelse_mean=forsoergelse,
        lang_historik=lang,
        kort_historik=n - lang - uden,
        uden_startdato=uden,
        udfald=udfald,
        placeret=placeret,
        lang_kh_status=lang - reduction,
        samtaler_pr_uge=samtaler,
        rettidige_pr_uge=rettidige,
        rettidig_pct=pct,
        planer=planer,
        planer_rehab_andel=p.planer_rehab,
    )


def draw_targets(seed: int, scenario: str = "standard", base: ExampleTargets = EXAMPLE_TARGETS) -> ExampleTargets:
    """One draw of calibration targets for `scenario` (see `parameters`), reproducible per seed.

    Group sizes are the base sizes, except in ``lille``. Background counts, outcomes, placements,
    Tabel 6, interviews and plans are drawn per group; the HR figures per department and HR period
    (total = short-term + long-term, one decimal). The result satisfies what `eksempel.simulate` needs
    of its targets.
    """
    params = parameters(scenario, base)
    rng = np.random.default_rng([seed, _STREAM, SCENARIOS.index(scenario)])
    sizes = {g: base.grupper[g].n for g in GROUPS}
    if params.group_size is not None:
        lo, hi = params.group_size
        sizes = {g: int(rng.integers(lo, hi + 1)) for g in GROUPS}
    grupper = {g: _group_targets(rng, params.grupper[g], base.grupper[g], sizes[g]) for g in GROUPS}

    scale = sum(sizes.values()) / sum(t.n for t in base.grupper.values())
    departments = tuple(max(MIN_DEPARTMENT, int(round_half_up(size * scale))) for size in base.afdelingsstoerrelse)
    sygefravaer = []
    for period in params.sygefravaer:
        rows = []
        for d, (short, long) in enumerate(period):
            # Smaller departments vary more; long-term absence comes in lumps.
            spread = float(np.sqrt(base.afdelingsstoerrelse[d] / departments[d]))
            s, l_ = _sick_days(rng, short, 0.12 * spread), _sick_days(rng, long, 0.35 * spread)
            rows.append((round(s + l_, 1), s, l_))
        sygefravaer.append(tuple(rows))
    omsaetning = tuple(
        tuple(_turnover(rng, rate, departments[d]) for d, rate in enumerate(rates)) for rates in params.omsaetning
    )
    return dataclasses.replace(
        base,
        grupper=grupper,
        sygefravaer=tuple(sygefravaer),
        omsaetning=omsaetning,
        afdelingsstoerrelse=departments,
    )
