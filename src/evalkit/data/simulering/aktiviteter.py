"""The example's activities: company placements (virksomhedsplaceringer), interviews (samtaler) and
preparatory plans (forberedende_planer)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evalkit.config import GROUPS, Config
from evalkit.data.simulering.borgere import _Population
from evalkit.data.simulering.maal import CODE, KH, PLAN_SENT_BACK, REHAB, ExampleTargets
from evalkit.data.simulering.tidslinje import _rng, _Timeline, final_phase
from evalkit.statistik.tal import round_half_up


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
        with_plan = rehab[rng.random(rehab.size) < t.planer_rehab_andel]
        for i in with_plan:
            # Completed 4-20 weeks before the citizen left for the rehabilitation destination.
            day = tl.monday(pop.exit_week[i]) - 7 * int(rng.integers(4, 21)) + int(rng.integers(0, 5))
            if day < first_day:  # exits early in the trial: plan finished in its first weeks
                day = first_day + int(rng.integers(0, 15))
            day = min(day, last_day)
            if rng.random() < PLAN_SENT_BACK:  # an earlier plan that the team sent back
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
