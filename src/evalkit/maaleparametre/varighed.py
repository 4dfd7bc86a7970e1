"""Length of time on kontanthjælp and transfer costs (the budget agreement's questions on the length of
unemployment spells and on transfer expenditure), per phase over its måleperiode [p0, p1].

Definitions:

- Weeks on kontanthjælp: per citizen the number of Mondays in [p0, p1] whose `ydelse` is
  `kontanthjaelp`, all spells counted (småjob is not kontanthjælp here). Per group the mean over all
  citizens; the difference forsøg − kontrol with Welch's 95 % interval and p-value.
- Time to first exit: the start week is the first Monday in [p0, p1], the end week the last. The
  citizens analysed are those on kontanthjælp in the start week (only they can leave kontanthjælp
  from the start; being on it is fixed at randomisation, so the groups stay comparable). The first
  exit is the earliest exit of the data contract's section 3 (`faelles.find_exits`) whatever its
  destination, also when the citizen returns to kontanthjælp later. Time = weeks from the start
  week to the exit week (an exit in the week after the start week is 1 week). A citizen without an
  exit is censored at the end week or at the citizen's last week in the data, whichever is earlier
  (time from the start week to it: no exit was seen up to and including that week).
- Kaplan–Meier curves per group with pointwise 95 % bands, the median (None: not reached), the share
  with an exit after 52 weeks (1 − S(52); None when the period is shorter), the log-rank p-value and
  Cox hazard ratios (forsøg against kontrol; above 1: faster exit in forsøg), unadjusted and adjusted
  for the baseline covariates of `faelles.adjustment_covariates` (see `evalkit.statistik.overlevelse`).
- Competing risks: the first exit (the same event, time and censoring) split by the destination group
  of its destination in the follow-up week (`konklusioner.DESTINATION_GROUPS`: job and education;
  ressourceforløb, fleksjob and førtidspension; every other destination, also an unknown one or
  kontanthjælp again, as "andet"). Per destination group and trial group the cumulative incidence
  (Aalen–Johansen, `evalkit.statistik.konkurrerende`) with pointwise bands, read at tau; per destination
  group the cause-specific Cox hazard ratio (event: a first exit to that group, a first exit to another
  censored at its time), unadjusted and adjusted as above. For the all-cause model and each
  cause-specific one the proportional hazards check of the treatment coefficient
  (`overlevelse.schoenfeld_p`).
- Restricted mean time to first exit up to tau = weeks from the start week to the end week, i.e. the
  mean of min(T, tau), per group; its difference with a normal interval from the Greenwood
  (delta-method) variances of the two groups.
- Costs: see `evalkit.maaleparametre.oekonomi`; they are computed from the same weekly counts of every status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import SVG
from matplotlib.lines import Line2D
from scipy.stats import norm

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.data import panel
from evalkit.data.contract import YDELSER  # noqa: F401 (the status codes, as tests name them)
from evalkit.data.uger import first_monday, week_monday
from evalkit.maaleparametre import oekonomi
from evalkit.maaleparametre.faelles import (
    KONTANTHJAELP,
    adjustment_covariates,
    count_id,
    covariates_text,
    cox,
    cox_checked,
    finite,
    with_document,
)
from evalkit.maaleparametre.konklusioner import (
    DESTINATION_GROUPS,
    DESTINATION_NAMES,
    OTHER_DESTINATIONS,
    hazard_direction,
)
from evalkit.praesentation import beskyttet, dansk, figures, formatting
from evalkit.praesentation.formatting import p_cell, p_text
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion, konkurrerende, overlevelse
from evalkit.statistik.regression import welch

TABLES = ("borgere", "ydelser")

YEAR_WEEKS = 52  # the share with an exit is also read after one year
DESTINATIONS = tuple(DESTINATION_GROUPS)
_GROUP_OF_DESTINATION = {code: key for key, codes in DESTINATION_GROUPS.items() for code in codes}
NO_EXIT = "ingen_afgang"  # the analysed citizens without a first exit: not published, the rest of the margin
ALL_EXITS = "alle afgange uanset destination"


def status_weeks(borgere: pd.DataFrame, ydelser: pd.DataFrame | panel.Borgerpanel, periode: Periode) -> pd.DataFrame:
    """Per citizen (index borger_id, in the order of borgere) the number of Mondays in `periode` with each
    status code (one column per code of the contract). `ydelser` is the frame or a panel of either engine
    (`evalkit.data.panel.borgerpanel`)."""
    return panel.borgerpanel(ydelser, borgere["borger_id"]).status_weeks(periode.start, periode.slut)


def exit_times(
    borgere: pd.DataFrame, ydelser: pd.DataFrame | panel.Borgerpanel, periode: Periode, lag_weeks: int
) -> pd.DataFrame:
    """One row per citizen (index borger_id, in the order of borgere): `gruppe`, `med` (on kontanthjælp in
    the start week, i.e. analysed), `uger` (time to the first exit or to censoring), `afgang` (1 for an
    exit, 0 for censored) and `destination` (the first exit's status in the follow-up week; NaN without
    an exit or when unknown). See the module docstring."""
    start = pd.Timestamp(first_monday(periode.start))
    end = pd.Timestamp(week_monday(periode.slut))
    weekly = panel.borgerpanel(ydelser, borgere["borger_id"])
    first = weekly.first_exits(periode.start, periode.slut, lag_weeks)
    exit_week = first["uge"]
    censor_week = weekly.last_weeks().clip(upper=end)
    week = exit_week.fillna(censor_week)
    frame = pd.DataFrame(
        {
            "gruppe": borgere["gruppe"].to_numpy(),
            "med": (weekly.status_in_week(start.date()) == KONTANTHJAELP).to_numpy(),
            "uger": ((week - start).dt.days / 7).to_numpy(),
            "afgang": exit_week.notna().astype(int).to_numpy(),
            "destination": first["destination"].to_numpy(),
        },
        index=borgere["borger_id"].to_numpy(),
    )
    frame.index.name = "borger_id"
    return frame


@dataclass(frozen=True)
class UgerPaaKontanthjaelp:
    gennemsnit: dict[str, float | None]
    n: dict[str, int]
    sammenligning: dict[str, float | None]  # welch(): forskel, ci_nedre, ci_oevre, p


@dataclass(frozen=True)
class Konkurrerende:
    """The first exit split by its destination group (competing risks), each dict by destination group."""

    afgange: dict[str, dict[str, int]]  # per trial group: first exits to the destination group
    incidens: dict[str, dict[str, konkurrerende.Incidence | None]]  # per trial group (None: an empty group)
    hr: dict[str, dict[str, Any]]  # cause-specific Cox, as `faelles.cox`
    hr_justeret: dict[str, dict[str, Any] | None]
    schoenfeld_p: dict[str, float | None]


@dataclass(frozen=True)
class FoersteAfgang:
    startuge: dt.date
    slutuge: dt.date
    tau: float  # weeks from the start week to the end week
    n: dict[str, int]  # analysed: on kontanthjælp in the start week
    udeladt: dict[str, int]  # not on kontanthjælp in the start week
    km: dict[str, Any]  # group -> SurvfuncRight (None for an empty group)
    median: dict[str, float | None]
    andel_afgang_aar: dict[str, float | None]  # share with an exit after YEAR_WEEKS weeks
    afgange_aar: dict[str, int | None]  # citizens with an observed exit within YEAR_WEEKS weeks
    rmst: dict[str, float | None]
    rmst_var: dict[str, float | None]
    logrank_p: float | None
    hr: dict[str, Any]
    hr_justeret: dict[str, Any] | None
    schoenfeld_p: float | None  # the proportional hazards check of the unadjusted model
    konkurrerende: Konkurrerende
    diskretionsgraense: int
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    def skjult_analyseret(self) -> dict[str, dict[str, diskretion.Mark]]:
        """Per group, marks of the analysed ('n') and the left-out count ('ikke_kontanthjaelp_startuge'):
        the two add up to the group's size, which is published."""
        marks = {}
        for g in GROUPS:
            own = diskretion.suppress({"n": self.n[g], "ikke_kontanthjaelp_startuge": self.udeladt[g]},
                                      self.diskretionsgraense, total_shown=True)
            marks[g] = with_document(own, self.dokument_plan, lambda key, g=g: [count_id("varighed", "foerste_afgang", g, key)])
        return marks

    def skjult_aar(self) -> dict[str, diskretion.Mark]:
        """Per group, whether the share with a first exit within YEAR_WEEKS weeks is hidden: the citizens
        with, or without, such an exit are few (`diskretion.suppress_outcome`), or the analysed count is."""
        counts = {g: self.afgange_aar[g] or 0 for g in GROUPS}
        marks = diskretion.suppress_outcome(counts, self.n, self.diskretionsgraense)
        return self._analysed_and_document(marks, lambda g: share_count_ids(("foerste_afgang", g), "afgang_52_uger"))

    def skjult_konkurrerende(self) -> dict[str, dict[str, diskretion.Mark]]:
        """marks[destination group][trial group] of the cumulative incidence at tau, and with it of the
        curve and, where either group's is hidden, the destination group's hazard ratios. Hidden as a
        compared outcome: the first exits to the destination group, or the analysed without one, are few
        in a group (then the other group's too). The destination groups and those still without a first
        exit add up to the analysed citizens, whose count is shown; the last is not published, so it is
        what a single hidden destination group's count needs hidden besides it, unless it is 0: then
        another destination group is hidden (`diskretion.suppress_linked`)."""
        threshold, competing = self.diskretionsgraense, self.konkurrerende
        counts = {(d, g): competing.afgange[d][g] for d in DESTINATIONS for g in GROUPS}
        # those without an exit are never published, so they are no small count to protect: only whether
        # there are any matters (a margin hides a zero count last), and a small number of them counts as many
        without = {g: self.n[g] - sum(competing.afgange[d][g] for d in DESTINATIONS) for g in GROUPS}
        counts.update({(NO_EXIT, g): max(without[g], threshold) if without[g] else 0 for g in GROUPS})
        few_without = [(d, g) for d in DESTINATIONS for g in GROUPS
                       if any(diskretion.is_small(x, threshold) for x in (self.n[g] - counts[(d, g)], self.n[g]))]
        marks = diskretion.suppress_linked(
            counts, threshold,
            sums=[[(key, g) for key in (*DESTINATIONS, NO_EXIT)] for g in GROUPS],
            compared=[[(d, g) for g in GROUPS if self.n[g]] for d in DESTINATIONS],
            primary=few_without, prefer=[(NO_EXIT, g) for g in GROUPS],
        )
        return {d: self._analysed_and_document({g: marks[(d, g)] for g in GROUPS},
                                               lambda g, d=d: share_count_ids(("konkurrerende", d, g), "afgange"))
                for d in DESTINATIONS}

    def _analysed_and_document(
        self, marks: dict[str, diskretion.Mark], ids: Callable[[str], list[str]]
    ) -> dict[str, diskretion.Mark]:
        """A share's `marks` per group, also hidden where the analysed count is or the document's solution
        hides the count of the share (`ids(group)`, see `share_count_ids`)."""
        analysed = self.skjult_analyseret()
        marks = {g: marks[g] or (diskretion.SECONDARY if analysed[g]["n"] else None) for g in GROUPS}
        return with_document(marks, self.dokument_plan, ids)

    def rmst_forskel(self, alpha: float) -> dict[str, float | None]:
        """The difference in restricted mean time forsøg − kontrol, its normal interval and p-value."""
        result: dict[str, float | None] = {"forskel": None, "ci_nedre": None, "ci_oevre": None, "p": None}
        if any(self.rmst[g] is None for g in GROUPS):
            return result
        diff = self.rmst["forsoeg"] - self.rmst["kontrol"]
        se = float(np.sqrt(self.rmst_var["forsoeg"] + self.rmst_var["kontrol"]))
        result["forskel"] = diff
        if se > 0:
            z = norm.ppf(1 - alpha / 2)
            result.update(ci_nedre=diff - z * se, ci_oevre=diff + z * se, p=float(2 * norm.sf(abs(diff / se))))
        return result


def share_count_ids(keys: tuple[str, ...], name: str) -> list[str]:
    """The count ids (`faelles.count_id`) of a share of the analysed citizens under varighed/`keys`: those
    with the outcome (`name`) and those without it ('uden_' + `name`), as `dokument` registers them."""
    return [count_id("varighed", *keys, key) for key in (name, f"uden_{name}")]


@dataclass(frozen=True)
class Varighed:
    fase: Fase
    alpha: float
    mandage: int  # Mondays in the måleperiode
    uger: UgerPaaKontanthjaelp
    afgang: FoersteAfgang
    oekonomi: oekonomi.Oekonomiresultat
    tilgaengelig: bool
    begrundelse: str

    def skjult_borgere(self) -> dict[str, diskretion.Mark]:
        """Per group, whether the group's size in this section's table is hidden (small, or hidden by the
        document's solution)."""
        a = self.afgang
        marks = {g: diskretion.PRIMARY if diskretion.is_small(self.uger.n[g], a.diskretionsgraense) else None for g in GROUPS}
        return with_document(marks, a.dokument_plan, lambda g: [count_id("varighed", "uger_paa_kontanthjaelp", g, "n")])


def _first_exit(times: pd.DataFrame, borgere: pd.DataFrame, config: Config, periode: Periode) -> FoersteAfgang:
    start, end = first_monday(periode.start), week_monday(periode.slut)
    tau = (end - start).days / 7
    analysed = times[times["med"]]
    km, med, year, year_events, area, var = {}, {}, {}, {}, {}, {}
    for g in GROUPS:
        rows = analysed[analysed["gruppe"] == g]
        if rows.empty:
            km[g] = med[g] = year[g] = year_events[g] = area[g] = var[g] = None
            continue
        year_events[g] = int(((rows["afgang"] == 1) & (rows["uger"] <= YEAR_WEEKS)).sum())
        km[g] = overlevelse.kaplan_meier(rows["uger"], rows["afgang"])
        med[g] = overlevelse.median(km[g])
        year[g] = 1 - overlevelse.survival_at(km[g], YEAR_WEEKS) if tau >= YEAR_WEEKS else None
        area[g], var[g] = overlevelse.rmst(km[g], tau)
    treated = (analysed["gruppe"] == "forsoeg").astype(int).to_numpy()
    covariates = adjustment_covariates(borgere, config, analysed.index)
    hr, schoenfeld = cox_checked(analysed["uger"], analysed["afgang"], treated, alpha=config.alpha)
    return FoersteAfgang(
        startuge=start,
        slutuge=end,
        tau=tau,
        n={g: int((analysed["gruppe"] == g).sum()) for g in GROUPS},
        udeladt={g: int(((times["gruppe"] == g) & ~times["med"]).sum()) for g in GROUPS},
        km=km,
        median=med,
        andel_afgang_aar=year,
        afgange_aar=year_events,
        rmst=area,
        rmst_var=var,
        logrank_p=overlevelse.logrank_p(analysed["uger"], analysed["afgang"], treated) if len(set(treated)) == 2 else None,
        hr=hr,
        hr_justeret=None
        if covariates is None
        else cox(analysed["uger"], analysed["afgang"], treated, covariates, alpha=config.alpha),
        schoenfeld_p=schoenfeld,
        konkurrerende=competing_risks(analysed, treated, covariates, config.alpha),
        diskretionsgraense=config.diskretionsgraense,
        dokument_plan=config.diskretion_plan,
    )


def destination_causes(analysed: pd.DataFrame) -> np.ndarray:
    """Each analysed citizen's cause for `konkurrerende`: 0 without a first exit, else 1 + the position of
    its destination group in `DESTINATIONS` (a destination outside the named groups, unknown included, is
    "andet")."""
    group = analysed["destination"].map(_GROUP_OF_DESTINATION).fillna(OTHER_DESTINATIONS)
    code = group.map({d: i + 1 for i, d in enumerate(DESTINATIONS)}).to_numpy(int)
    return np.where(analysed["afgang"].to_numpy() == 1, code, konkurrerende.CENSORED)


def competing_risks(
    analysed: pd.DataFrame, treated: np.ndarray, covariates: pd.DataFrame | None, alpha: float
) -> Konkurrerende:
    """The first exit by destination group for the analysed citizens (rows of `exit_times`; `treated` 1 for
    forsøg): cumulative incidences per trial group and cause-specific Cox models with their proportional
    hazards check."""
    causes = destination_causes(analysed)
    time = analysed["uger"].to_numpy(float)
    trial = analysed["gruppe"].to_numpy()
    afgange, incidens, hr, adjusted, schoenfeld = {}, {}, {}, {}, {}
    for code, d in enumerate(DESTINATIONS, start=1):
        event = (causes == code).astype(int)  # a first exit elsewhere is censored at its time
        afgange[d] = {g: int(event[trial == g].sum()) for g in GROUPS}
        incidens[d] = {g: konkurrerende.cumulative_incidence(time[trial == g], causes[trial == g], code)
                       if (trial == g).any() else None for g in GROUPS}
        hr[d], schoenfeld[d] = cox_checked(time, event, treated, alpha=alpha)
        adjusted[d] = None if covariates is None else cox(time, event, treated, covariates, alpha=alpha)
    return Konkurrerende(afgange=afgange, incidens=incidens, hr=hr, hr_justeret=adjusted, schoenfeld_p=schoenfeld)


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Varighed:
    """Weeks on kontanthjælp, time to first exit and transfer costs for the phase's måleperiode."""
    borgere = data["borgere"]
    periode = fase.maaleperiode
    ydelser = panel.borgerpanel(data["ydelser"], borgere["borger_id"])  # made once, asked twice
    weeks = status_weeks(borgere, ydelser, periode)
    gruppe = borgere.set_index("borger_id")["gruppe"].reindex(weeks.index)
    on_kh = {g: weeks.loc[(gruppe == g).to_numpy(), KONTANTHJAELP] for g in GROUPS}
    times = exit_times(borgere, ydelser, periode, config.opfoelgning_uger)
    afgang = _first_exit(times, borgere, config, periode)
    mandage = len(pd.date_range(first_monday(periode.start), periode.slut, freq="7D"))
    missing = [g for g in GROUPS if not afgang.n[g]]
    reason = ""
    if missing:
        reason = (
            f"Ingen borgere i {dansk.join([config.grupper_bestemt[g] for g in missing])} var på kontanthjælp i "
            f"måleperiodens første uge, så varighed og udgifter kan ikke sammenlignes i {fase.navn.lower()}en."
        )
    return Varighed(
        fase=fase,
        alpha=config.alpha,
        mandage=mandage,
        uger=UgerPaaKontanthjaelp(
            gennemsnit={g: float(on_kh[g].mean()) if len(on_kh[g]) else None for g in GROUPS},
            n={g: len(on_kh[g]) for g in GROUPS},
            sammenligning=welch(on_kh["forsoeg"], on_kh["kontrol"], alpha=config.alpha),
        ),
        afgang=afgang,
        oekonomi=oekonomi.compute(weeks, gruppe, config, fase),
        tilgaengelig=not missing and mandage > 0,
        begrundelse=reason,
    )


# ------------------------------------------------------------------------------------- presentation


def _weeks(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else formatting.number(value, decimals)


def _interval(entry: dict[str, Any], fmt=lambda v: formatting.number(v, 1)) -> str:
    if entry.get("ci_nedre") is None:
        return "–"
    return f"{fmt(entry['ci_nedre'])} til {fmt(entry['ci_oevre'])}"


def _ratio(value: float) -> str:
    return formatting.number(value, 2)


def _median(value: float | None) -> str:
    return "ikke nået" if value is None else f"{formatting.number(value)} uger"


def _level(v: Varighed) -> str:
    return f"{formatting.number(100 * (1 - v.alpha))}\u00a0%"


def _verdict(p: float | None, alpha: float) -> str:
    if p is None:
        return "Forskellen kan ikke testes"
    return "Forskellen er statistisk signifikant" if p < alpha else "Forskellen er ikke statistisk signifikant"


def summary_weeks(v: Varighed, config: Config) -> str:
    """Weeks on kontanthjælp per citizen: the groups' means and their difference, every number computed."""
    f, k = "forsoeg", "kontrol"
    u, c = v.uger, v.uger.sammenligning
    periode = v.fase.maaleperiode
    text = (
        f"Måleperioden {formatting.date_range(periode.start, periode.slut)} rummer {formatting.count(v.mandage)} "
        f"uger, regnet som antal mandage. Borgerne i {config.grupper_bestemt[f]} modtog kontanthjælp i gennemsnit "
        f"{_weeks(u.gennemsnit[f])} af ugerne, borgerne i {config.grupper_bestemt[k]} {_weeks(u.gennemsnit[k])}, "
        "alle perioder på kontanthjælp talt med."
    )
    if c["forskel"] is not None:
        text += (
            f" Forskellen er {formatting.signed(c['forskel'], 1)} uger pr. borger ({config.grupper_bestemt[f]} minus "
            f"{config.grupper_bestemt[k]}; {_level(v)}-konfidensinterval {_interval(c)} uger). "
            f"{_verdict(c['p'], v.alpha)} ({p_text(c['p'])}, Welchs t-test)."
        )
    return text


def summary_exit(v: Varighed, config: Config) -> str:
    """Time to the first exit: medians, share after a year, log-rank, hazard ratios and restricted means."""
    f, k = "forsoeg", "kontrol"
    a = v.afgang
    g = config.grupper_bestemt
    parts = [
        f"Tiden til første afgang måles i uger fra måleperiodens første uge ({formatting.date(a.startuge)}) til den "
        "første uge uden kontanthjælp efter en uge med kontanthjælp, uanset hvad borgeren gik til, og også hvis "
        "borgeren senere vendte tilbage. Borgere uden afgang følges til ugen, der begynder "
        f"{formatting.date(a.slutuge)}, eller til deres sidste uge i data, hvis den kommer før."
    ]
    left_out = {x: a.udeladt[x] for x in GROUPS if a.udeladt[x]}
    if left_out:
        threshold, marks = config.diskretionsgraense, a.skjult_analyseret()
        shown = [f"{beskyttet.count_text(n, threshold, marks[x]['ikke_kontanthjaelp_startuge'])} i {g[x]}"
                 for x, n in left_out.items()]
        parts.append(
            f"Borgere, der ikke var på kontanthjælp i den første uge, indgår ikke i denne del ({dansk.join(shown)})."
        )
    if a.median[f] is None and a.median[k] is None:
        parts.append("Under halvdelen af borgerne i hver gruppe fik en afgang i perioden, så mediantiden er ikke nået.")
    else:
        parts.append(
            f"Mediantiden til første afgang var {_median(a.median[f])} i {g[f]} og {_median(a.median[k])} i {g[k]}."
        )
    if a.andel_afgang_aar[f] is not None and a.andel_afgang_aar[k] is not None:
        if any(a.skjult_aar().values()):
            parts.append(f"Andelen med en første afgang inden for {YEAR_WEEKS} uger vises ikke af hensyn til "
                         "diskretion, da den bygger på få borgere.")
        else:
            parts.append(
                f"Efter {YEAR_WEEKS} uger havde {formatting.pct(a.andel_afgang_aar[f])} i {g[f]} og "
                f"{formatting.pct(a.andel_afgang_aar[k])} i {g[k]} haft deres første afgang."
            )
    parts.append(f"Log-rank-testen for ens forløb i de to grupper giver {p_text(a.logrank_p)}.")
    if a.hr["hr"] is not None:
        hr = (
            f"Hazard ratio for første afgang, {ALL_EXITS} ({g[f]} i forhold til {g[k]}), er "
            f"{formatting.number(a.hr['hr'], 2)} ({_level(v)}-konfidensinterval "
            f"{_interval(a.hr, _ratio)})"
        )
        if a.hr_justeret and a.hr_justeret["hr"] is not None:
            hr += (
                f" og {formatting.number(a.hr_justeret['hr'], 2)} "
                f"({_interval(a.hr_justeret, _ratio)}) justeret for baggrundsvariablerne"
            )
        parts.append(
            hr + f"; et tal over 1 betyder, at borgerne i {g[f]} samlet set kom hurtigere væk fra kontanthjælp. Da alle "
            "destinationer tæller med, er det ikke i sig selv et godt resultat: en afgang til førtidspension tæller "
            "lige så meget som en afgang til job. Afgangene delt efter destination følger nedenfor."
        )
    rmst = a.rmst_forskel(v.alpha)
    if rmst["forskel"] is not None:
        parts.append(
            f"Regnet fra periodens første uge frem til dens sidste uge, {formatting.number(a.tau)} uger senere, gik der i gennemsnit "
            f"{_weeks(a.rmst[f])} uger før den første afgang i {g[f]} og {_weeks(a.rmst[k])} uger i {g[k]} "
            f"(begrænset middeltid), en forskel på {formatting.signed(rmst['forskel'], 1)} uger "
            f"({_interval(rmst)} uger; {p_text(rmst['p'])})."
        )
    return " ".join(parts)


def table(v: Varighed, config: Config) -> Table:
    """Weeks on kontanthjælp and time to the first exit per group, with the comparisons."""
    f, k = "forsoeg", "kontrol"
    a, u = v.afgang, v.uger
    c = u.sammenligning
    rmst = a.rmst_forskel(v.alpha)
    table = Table(
        ["", config.grupper[f], config.grupper[k], f"Forskel ({_level(v)} KI)", "p"], widths=[36, 15, 15, 24, 10]
    )
    sizes = v.skjult_borgere()
    table.add_row("Borgere", *(beskyttet.count_cell(u.n[g], config.diskretionsgraense, sizes[g]) for g in GROUPS), "", "")
    table.add_row(
        "Uger på kontanthjælp, gennemsnit", _weeks(u.gennemsnit[f]), _weeks(u.gennemsnit[k]),
        "–" if c["forskel"] is None else f"{formatting.signed(c['forskel'], 1)} ({_interval(c)})", p_cell(c["p"]),
    )
    threshold = config.diskretionsgraense
    analysed = a.skjult_analyseret()
    table.add_row(
        "På kontanthjælp i første uge", *(beskyttet.count_cell(a.n[g], threshold, analysed[g]["n"]) for g in GROUPS), "", ""
    )
    table.add_row("Mediantid til første afgang", _median(a.median[f]), _median(a.median[k]), "", "")
    if a.andel_afgang_aar[f] is not None and a.andel_afgang_aar[k] is not None:
        hidden = a.skjult_aar()
        table.add_row(
            f"Første afgang inden for {YEAR_WEEKS} uger",
            *(beskyttet.HIDDEN if hidden[g] else formatting.pct(a.andel_afgang_aar[g]) for g in GROUPS), "", "",
        )
    table.add_row(
        f"Begrænset middeltid til første afgang, uger (højst {formatting.number(a.tau)}: fra første til sidste uge)", _weeks(a.rmst[f]),
        _weeks(a.rmst[k]),
        "–" if rmst["forskel"] is None else f"{formatting.signed(rmst['forskel'], 1)} ({_interval(rmst)})", p_cell(rmst["p"]),
    )
    for label, entry in ((f"Hazard ratio for første afgang, {ALL_EXITS}, ujusteret", a.hr),
                         (f"Hazard ratio for første afgang, {ALL_EXITS}, justeret", a.hr_justeret)):
        if entry is not None:
            value = "–" if entry["hr"] is None else f"{_ratio(entry['hr'])} ({_interval(entry, _ratio)})"
            table.add_row(label, "", "", value, p_cell(entry["p"]))
    table.add_row("Log-rank-test", "", "", "", p_cell(a.logrank_p))
    table.add_note(
        "Note: Uger på kontanthjælp er antal mandage i måleperioden med kontanthjælp, gennemsnit over hele gruppen; "
        "forskellen er forsøgsafdelingen minus kontrolgruppen med Welchs t-test. Tiden til første afgang gælder "
        "borgerne på kontanthjælp i periodens første uge; borgere uden afgang er censureret ved periodens sidste "
        "uge eller deres sidste uge i data. Mediantiden er den første uge, hvor under halvdelen stadig er uden "
        "afgang (Kaplan–Meier). Den begrænsede middeltid er arealet under Kaplan–Meier-kurven op til periodens "
        "slut; intervallet bygger på Greenwoods variansformel. Hazard ratio er fra Cox' model for første afgang, "
        f"uanset hvortil; over 1 betyder hurtigere afgang i forsøgsafdelingen. Den justerede model har "
        f"{covariates_text(config)} som forklarende variabler."
    )
    return beskyttet.annotate(table, threshold)


def step_points(times: np.ndarray, events: np.ndarray, curve: tuple[np.ndarray, np.ndarray, np.ndarray], start: float,
                tau: float, threshold: int) -> tuple[np.ndarray, ...]:
    """A step curve and its band (`curve`: values, lower, upper at `times`, with `events` events at each)
    as a figure draws them, from time 0 (value `start`) to `tau`: only steps that gather at least
    `threshold` events (`diskretion.coarse_steps`), each value rounded to a whole per cent, so that no
    step shows 1 to threshold − 1 citizens and the band's decimals do not tell how the events between two
    drawn steps were spread over the weeks. Returns (times, values, lower, upper)."""
    inside = times <= tau
    kept = diskretion.coarse_steps(events[inside], threshold)

    def drawn(values: np.ndarray) -> np.ndarray:
        return np.concatenate([[start], np.round(values[inside][kept], 2)])

    return (np.concatenate([[0.0], times[inside][kept], [tau]]), *(drawn(values) for values in curve))


def km_points(km, tau: float, alpha: float, threshold: int) -> tuple[np.ndarray, ...]:
    """The Kaplan–Meier curve and its band as the figure draws them (`step_points`)."""
    return step_points(km.surv_times, km.n_events, (km.surv_prob, *overlevelse.band(km, alpha)), 1.0, tau, threshold)


def incidence_points(incidence: konkurrerende.Incidence, tau: float, alpha: float, threshold: int) -> tuple[np.ndarray, ...]:
    """A cumulative incidence curve and its band as the figure draws them (`step_points`, in steps of
    first exits to the destination group)."""
    curve = (incidence.cif, *konkurrerende.band(incidence, alpha))
    return step_points(incidence.times, incidence.cause_events, curve, 0.0, tau, threshold)


def _draw_steps(ax, points: tuple[np.ndarray, ...], colour: str, label: str) -> None:
    """A curve of `step_points` with its band, in one group's colour."""
    times, values, lower, upper = points
    ax.step(times, np.append(values, values[-1]), where="post", color=colour, label=label, linewidth=1.4)
    ax.fill_between(times, np.append(lower, lower[-1]), np.append(upper, upper[-1]), step="post",
                    color=colour, alpha=0.2, linewidth=0)


def figure(v: Varighed, config: Config) -> SVG:
    """Kaplan–Meier curves of the share still without a first exit, with pointwise bands, per group;
    drawn in steps of at least the disclosure threshold's number of exits (`km_points`)."""
    a = v.afgang
    fig = figures.new_figure(3.4)
    ax = fig.subplots()
    for g in GROUPS:
        km = a.km[g]
        if km is None:
            continue
        _draw_steps(ax, km_points(km, a.tau, v.alpha, config.diskretionsgraense), figures.GROUP_COLOURS[g], config.grupper[g])
    figures.note_hidden(ax, _steps_note(config))
    ax.set_xlim(0, max(a.tau, 1))
    ax.set_ylim(0, 1.02)
    figures.number_axis(ax.xaxis)
    figures.percent_axis(ax.yaxis)
    ax.set_xlabel("Uger fra måleperiodens første uge")
    ax.set_ylabel("Andel endnu uden afgang")
    ax.legend(loc="upper right", frameon=False)
    return figures.as_svg(fig, _km_finding(v, config))


def _steps_note(config: Config) -> str:
    return (f"Kurverne er tegnet i trin på mindst {config.diskretionsgraense} afgange og i hele procent af hensyn til "
            "diskretion")


def to_json(v: Varighed, config: Config) -> dict:
    """The `varighed` and `oekonomi` sections of resultater.json (unrounded)."""
    a, u = v.afgang, v.uger
    rmst = a.rmst_forskel(v.alpha)
    adjusted = a.hr_justeret or {}
    sizes, analysed, year = v.skjult_borgere(), a.skjult_analyseret(), a.skjult_aar()
    payload = {
        "varighed": {
            "uger_i_perioden": v.mandage,
            "uger_paa_kontanthjaelp": {
                **{g: diskretion.mark_json({"gennemsnit": u.gennemsnit[g], "n": u.n[g]}, {"n": sizes[g]})
                   for g in GROUPS},
                **u.sammenligning,
                "metode": "Welchs t-test",
            },
            "foerste_afgang": {
                "startuge": a.startuge.isoformat(),
                "slutuge": a.slutuge.isoformat(),
                "tau_uger": a.tau,
                **{
                    g: diskretion.mark_json(
                        {
                            "n": a.n[g],
                            "ikke_kontanthjaelp_startuge": a.udeladt[g],
                            "median_uger": a.median[g],
                            f"andel_afgang_{YEAR_WEEKS}_uger": a.andel_afgang_aar[g],
                            "rmst": a.rmst[g],
                            "rmst_varians": a.rmst_var[g],
                        },
                        {**analysed[g], f"andel_afgang_{YEAR_WEEKS}_uger": year[g]},
                    )
                    for g in GROUPS
                },
                "logrank_p": a.logrank_p,
                "hr": a.hr["hr"],
                "hr_ci_nedre": a.hr["ci_nedre"],
                "hr_ci_oevre": a.hr["ci_oevre"],
                "hr_p": a.hr["p"],
                "hr_justeret": adjusted.get("hr"),
                "hr_justeret_ci_nedre": adjusted.get("ci_nedre"),
                "hr_justeret_ci_oevre": adjusted.get("ci_oevre"),
                "hr_justeret_p": adjusted.get("p"),
                "hr_justeret_metode": adjusted.get("metode"),
                "rmst_forskel": rmst["forskel"],
                "rmst_ci_nedre": rmst["ci_nedre"],
                "rmst_ci_oevre": rmst["ci_oevre"],
                "rmst_p": rmst["p"],
                "schoenfeld_p": a.schoenfeld_p,
            },
            "konkurrerende": competing_json(v),
        },
        "oekonomi": oekonomi.to_json(v.oekonomi, config, u.sammenligning),
    }
    return finite(payload)


def summary_costs(v: Varighed, config: Config) -> str:
    """The transfer costs against the investment (`evalkit.maaleparametre.oekonomi.summary`), with the measured difference
    in weeks on kontanthjælp and its interval for the break-even comparison."""
    return oekonomi.summary(v.oekonomi, config, v.uger.sammenligning)


def _km_finding(v: Varighed, config: Config) -> str | None:
    """The curves' finding: the share with a first exit within a year, as the text gives it (None when hidden)."""
    a = v.afgang
    if any(a.andel_afgang_aar[g] is None for g in GROUPS) or any(a.skjult_aar().values()):
        return None
    return figures.pair_finding(f"Første afgang inden for {YEAR_WEEKS} uger", a.andel_afgang_aar, config.grupper_bestemt, 0)


# ------------------------------------------------------------------- the first exit by destination

TABLE_DESTINATIONS = {
    "job_uddannelse": "Job, småjob og uddannelse",
    "ydelser": "Ressourceforløb, fleksjob og førtidspension",
    OTHER_DESTINATIONS: "Andet, ukendt eller kontanthjælp igen",
}


@dataclass(frozen=True)
class _Shown:
    """What the documents show of the first exit by destination group, after disclosure control."""

    marks: dict[str, dict[str, diskretion.Mark]]  # FoersteAfgang.skjult_konkurrerende
    hidden: list[str]  # destination groups whose incidences and hazard ratios are not shown
    at_end: dict[str, dict[str, tuple[float | None, float | None, float | None]]]  # (F(tau), lower, upper), true values

    def value(self, d: str, g: str) -> float | None:
        """F(tau) of destination group `d` in trial group `g` as the documents may show it (None: hidden or none)."""
        return None if self.marks[d][g] else self.at_end[d][g][0]


def _shown(v: Varighed) -> _Shown:
    a = v.afgang
    marks = a.skjult_konkurrerende()
    at_end = {d: {g: (None, None, None) if fit is None else
                  (konkurrerende.value_at(fit, a.tau), *konkurrerende.interval_at(fit, a.tau, v.alpha))
                  for g, fit in a.konkurrerende.incidens[d].items()} for d in DESTINATIONS}
    return _Shown(marks, [d for d in DESTINATIONS if any(marks[d].values())], at_end)


def _hr_stats(entry: dict[str, Any], level: str = "") -> str:
    """'hazard ratio 2,41; 95 %-konfidensinterval 1,85 til 3,13; p < 0,001' (without `level`: '…; 1,85 til 3,13; …')."""
    interval = f"{level}-konfidensinterval {_interval(entry, _ratio)}" if level else _interval(entry, _ratio)
    return f"hazard ratio {_ratio(entry['hr'])}; {interval}; {p_text(entry['p'])}"


def _significant(entry: dict[str, Any] | None, alpha: float) -> int:
    """`konklusioner.hazard_direction` of a Cox fit (`faelles.cox`); 0 when none was fitted."""
    return hazard_direction(entry["hr"], entry["p"], alpha) if entry else 0


def summary_competing(v: Varighed, config: Config) -> str:
    """The first exit by destination group: which groups the trial reached faster or slower (cause-specific
    hazard ratios), adjusted, the cumulative incidence at the period's end and the proportional hazards
    check; every number and verdict computed."""
    a, c, shown = v.afgang, v.afgang.konkurrerende, _shown(v)
    g = config.grupper_bestemt
    visible = [d for d in DESTINATIONS if d not in shown.hidden]
    fitted = [d for d in visible if c.hr[d]["hr"] is not None and c.hr[d]["p"] is not None]
    first = [True]  # the first hazard ratio in the text names its interval

    def to(keys: list[str]) -> str:
        items = []
        for d in keys:
            items.append(f"til {DESTINATION_NAMES[d]} ({_hr_stats(c.hr[d], _level(v) if first[0] else '')})")
            first[0] = False
        return dansk.join(items)

    parts = []
    faster = [d for d in fitted if _significant(c.hr[d], v.alpha) > 0]
    slower = [d for d in fitted if _significant(c.hr[d], v.alpha) < 0]
    same = [d for d in fitted if d not in faster + slower]
    clauses = []
    if faster:
        clauses.append(f"borgerne i {g['forsoeg']} fik hurtigere en første afgang {to(faster)}")
    if slower:
        subject = "de" if faster else f"borgerne i {g['forsoeg']}"
        clauses.append(f"{subject} fik langsommere en første afgang {to(slower)}")
    main = " og ".join(clauses)
    if same:  # the word order of a subordinate clause after "mens"
        verb = "der ikke var nogen" if main else "der var ikke nogen"
        no_difference = f"{verb} statistisk signifikant forskel mellem grupperne for afgang {to(same)}"
        main = f"{main}, mens {no_difference}" if main else no_difference
    if main:
        parts.append(dansk.sentence(main))
    if len(fitted) < len(visible):
        names = [DESTINATION_NAMES[d] for d in visible if d not in fitted]
        parts.append(f"For afgang til {dansk.join(names)} kan hazard ratio ikke beregnes.")
    adjusted = [d for d in fitted if c.hr_justeret[d] and c.hr_justeret[d]["hr"] is not None]
    if adjusted:
        values = [f"{_ratio(c.hr_justeret[d]['hr'])} for afgang til {DESTINATION_NAMES[d]}" for d in adjusted]
        text = f"Justeret for baggrundsvariablerne er hazard ratio {dansk.join(values)}"
        changed = [d for d in adjusted if _significant(c.hr_justeret[d], v.alpha) != _significant(c.hr[d], v.alpha)]
        if not changed:
            text += ", med samme konklusion om statistisk signifikans"
        for d in changed:
            verdict = "" if _significant(c.hr_justeret[d], v.alpha) else "ikke "
            text += f"; justeret er forskellen for afgang til {DESTINATION_NAMES[d]} {verdict}statistisk signifikant"
        parts.append(text + ".")
    ends = [d for d in visible if all(shown.value(d, x) is not None for x in GROUPS)]
    if ends:
        pair = {d: [formatting.pct(shown.value(d, x)) for x in GROUPS] for d in ends}
        f_pct, k_pct = pair[ends[0]]
        parts.append(
            f"Ved periodens slut, {formatting.number(a.tau)} uger efter dens første uge, havde {f_pct} af borgerne i "
            f"{g['forsoeg']} og {k_pct} i {g['kontrol']} haft en første afgang til {DESTINATION_NAMES[ends[0]]}."
        )
        rest = [f"for afgang til {DESTINATION_NAMES[d]} {'var andelene ' if i == 0 else ''}{pair[d][0]} og {pair[d][1]}"
                for i, d in enumerate(ends[1:])]
        if rest:
            parts.append(dansk.sentence(", ".join(rest)))
    if shown.hidden:
        names = [DESTINATION_NAMES[d] for d in shown.hidden]
        parts.append(
            f"For afgang til {dansk.join(names)} vises andelene og hazard ratio ikke af hensyn til diskretion, da de "
            f"ellers kunne vise tal for færre end {config.diskretionsgraense} borgere."
        )
    parts.append(_proportional_hazards_text(v, visible))
    return " ".join(part for part in parts if part)


def _proportional_hazards_text(v: Varighed, visible: list[str]) -> str:
    """The proportional hazards check of the all-cause and each shown cause-specific model, with what a
    rejection means."""
    c = v.afgang.konkurrerende
    models = [(f"modellen for {ALL_EXITS}", v.afgang.schoenfeld_p)]
    models += [(f"modellen for afgang til {DESTINATION_NAMES[d]}", c.schoenfeld_p[d]) for d in visible]
    tested = [(name, p) for name, p in models if p is not None]
    if not tested:
        return ""
    text = ("Cox' model antager, at forholdet mellem grupperne er det samme gennem hele perioden (proportionale "
            "hazarder); det er testet med Schoenfeld-residualer mod tidens rang.")
    failing = [(name, p) for name, p in tested if p < v.alpha]
    holding = [p for _name, p in tested if p >= v.alpha]
    spread = (f"p = {p_cell(holding[0])}" if len(holding) == 1
              else f"p fra {p_cell(min(holding))} til {p_cell(max(holding))}") if holding else ""
    if not failing:
        return f"{text} Testen afviser det ikke for nogen af modellerne ({spread}), så der er ikke tegn på, at forholdet " \
               "ændrede sig over perioden."
    text += (f" Testen afviser det for {dansk.join([f'{name} ({p_text(p)})' for name, p in failing])}: her ændrede "
             "forholdet sig over perioden, og hazard ratio er et gennemsnit over perioden, ikke en fast forskel uge for uge.")
    if holding:
        text += f" For de øvrige modeller afviser testen det ikke ({spread})."
    return text


def table_competing(v: Varighed, config: Config) -> Table:
    """A column per destination group: the share of each group with a first exit there by the period's end
    (cumulative incidence) and the cause-specific hazard ratios with the proportional hazards check; last
    the model of all exits, for comparison."""
    a, c, shown = v.afgang, v.afgang.konkurrerende, _shown(v)
    level = _level(v)
    table = Table(["Første afgang til", *(TABLE_DESTINATIONS[d] for d in DESTINATIONS), dansk.capitalize(ALL_EXITS)],
                  widths=[28, 18, 18, 18, 18])

    def incidence(d: str, g: str) -> str:
        value, lower, upper = shown.at_end[d][g]
        if shown.marks[d][g]:
            return beskyttet.HIDDEN
        if value is None:
            return "–"
        ci = "" if lower is None else f" ({formatting.number(100 * lower)} til {formatting.number(100 * upper)})"
        return formatting.pct(value) + ci

    def ratio(entry: dict[str, Any] | None) -> str:
        return "–" if not entry or entry["hr"] is None else f"{_ratio(entry['hr'])} ({_interval(entry, _ratio)})"

    def statistics(label: str, per_destination, all_exits: str) -> None:
        cells = [beskyttet.HIDDEN if d in shown.hidden else per_destination(d) for d in DESTINATIONS]
        table.add_row(label, *cells, all_exits)

    for g in GROUPS:
        statistics(f"{config.grupper[g]}, andel ved periodens slut ({level} KI)", lambda d, g=g: incidence(d, g), "")
    statistics(f"Hazard ratio ({level} KI)", lambda d: ratio(c.hr[d]), ratio(a.hr))
    statistics("p", lambda d: p_cell(c.hr[d]["p"]), p_cell(a.hr["p"]))
    statistics(f"Justeret hazard ratio ({level} KI)", lambda d: ratio(c.hr_justeret[d]), ratio(a.hr_justeret))
    statistics("Test af proportionale hazarder, p", lambda d: p_cell(c.schoenfeld_p[d]), p_cell(a.schoenfeld_p))
    table.add_note(
        "Note: Borgerne på kontanthjælp i periodens første uge. Andelen ved periodens slut er den kumulative incidens "
        "(Aalen–Johansen) af en første afgang til destinationen, med konfidensinterval i procent; de tre "
        "destinationer giver tilsammen andelen med en første afgang. Destinationen er borgerens ydelse "
        f"{config.opfoelgning_uger} uger efter afgangen. Hazard ratio er fra Cox' model for hver destination for sig, "
        "hvor en første afgang til en anden destination censureres på sit tidspunkt; over 1 betyder hurtigere afgang "
        f"dertil i forsøgsafdelingen. Den justerede model har {covariates_text(config)} som forklarende variabler. "
        "Testen af proportionale hazarder er Grambsch og Therneaus test af Schoenfeld-residualerne mod tidens rang; "
        "en lille p-værdi betyder, at hazard ratio ændrede sig over perioden og er et gennemsnit over den."
    )
    return beskyttet.annotate(table, config.diskretionsgraense)


def figure_competing(v: Varighed, config: Config) -> SVG:
    """The cumulative incidence of a first exit to each destination group, one panel per group, with
    pointwise bands; drawn in steps of at least the disclosure threshold's number of first exits to the
    group (`incidence_points`), a hidden group not at all."""
    a, shown = v.afgang, _shown(v)
    threshold = config.diskretionsgraense
    fig = figures.new_figure(3.2)
    axes = fig.subplots(1, len(DESTINATIONS), sharey=True)
    top = 0.0
    for ax, d in zip(axes, DESTINATIONS):
        for g in GROUPS:
            fit = a.konkurrerende.incidens[d][g]
            if fit is None or shown.marks[d][g]:
                continue
            points = incidence_points(fit, a.tau, v.alpha, threshold)
            top = max(top, float(points[3].max()))
            _draw_steps(ax, points, figures.GROUP_COLOURS[g], config.grupper[g])
        if d in shown.hidden:
            ax.text(0.5, 0.5, beskyttet.HIDDEN, transform=ax.transAxes, ha="center", va="center", fontsize=10)
        ax.set_title(_wrapped(TABLE_DESTINATIONS[d]), fontsize=9)
        ax.set_xlim(0, max(a.tau, 1))
        figures.number_axis(ax.xaxis)
    axes[0].set_ylim(0, min(1.0, max(0.1, top * 1.1)))
    figures.percent_axis(axes[0].yaxis)
    axes[0].set_ylabel("Andel med første afgang dertil")
    axes[len(axes) // 2].set_xlabel("Uger fra måleperiodens første uge")
    handles = [Line2D([], [], color=figures.GROUP_COLOURS[g], linewidth=1.4, label=config.grupper[g]) for g in GROUPS]
    axes[0].legend(handles=handles, loc="upper left", frameon=False)
    note = _steps_note(config) + (f"; {figures.HIDDEN_NOTE}" if shown.hidden else "")
    figures.note_hidden(axes[0], note)
    return figures.as_svg(fig, _competing_finding(v, shown, config))


def _wrapped(label: str, width: int = 26) -> str:
    """A panel title on lines of at most about `width` characters."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _competing_finding(v: Varighed, shown: _Shown, config: Config) -> str | None:
    """The curves' finding: the destination group whose shares at the period's end differ most, as the
    table gives them."""
    labels = [f"første afgang til {DESTINATION_NAMES[d]} ved periodens slut" for d in DESTINATIONS]
    values = {g: [None if shown.value(d, g) is None else round(shown.value(d, g), 2) for d in DESTINATIONS] for g in GROUPS}
    return figures.largest_difference(labels, values, config.grupper_bestemt, 0)


def competing_json(v: Varighed) -> dict[str, Any]:
    """`varighed.konkurrerende` of resultater.json: per destination group each trial group's cumulative
    incidence at tau with its interval, the cause-specific hazard ratios and the proportional hazards
    check; what disclosure control hides is marked (the published file nulls it)."""
    a, c, shown = v.afgang, v.afgang.konkurrerende, _shown(v)
    payload: dict[str, Any] = {"tau_uger": a.tau}
    for d in DESTINATIONS:
        groups = {}
        for g in GROUPS:
            numbers = dict(zip(("kumulativ_incidens", "ci_nedre", "ci_oevre"), shown.at_end[d][g]))
            groups[g] = diskretion.mark_json(numbers, dict.fromkeys(numbers, shown.marks[d][g]))
        adjusted = c.hr_justeret[d] or {}
        statistics = {
            "hr": c.hr[d]["hr"], "hr_ci_nedre": c.hr[d]["ci_nedre"], "hr_ci_oevre": c.hr[d]["ci_oevre"], "hr_p": c.hr[d]["p"],
            "hr_justeret": adjusted.get("hr"), "hr_justeret_ci_nedre": adjusted.get("ci_nedre"),
            "hr_justeret_ci_oevre": adjusted.get("ci_oevre"), "hr_justeret_p": adjusted.get("p"),
            "schoenfeld_p": c.schoenfeld_p[d],
        }
        hidden = diskretion.SECONDARY if d in shown.hidden else None  # hidden with the counts they rest on
        payload[d] = diskretion.mark_json({**groups, **statistics, "hr_justeret_metode": adjusted.get("metode")},
                                          dict.fromkeys(statistics, hidden))
    return payload
