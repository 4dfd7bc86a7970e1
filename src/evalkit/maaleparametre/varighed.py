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
- Restricted mean time to first exit up to tau = weeks from the start week to the end week, i.e. the
  mean of min(T, tau), per group; its difference with a normal interval from the Greenwood
  (delta-method) variances of the two groups.
- Costs: see `evalkit.maaleparametre.oekonomi`; they are computed from the same weekly counts of every status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import SVG
from scipy.stats import norm

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.data import panel
from evalkit.data.contract import YDELSER
from evalkit.data.uger import first_monday, week_monday
from evalkit.maaleparametre import oekonomi
from evalkit.maaleparametre.faelles import (
    KONTANTHJAELP,
    adjustment_covariates,
    count_id,
    covariates_text,
    cox,
    find_exits,
    finite,
    with_document,
)
from evalkit.praesentation import beskyttet, dansk, figures, formatting
from evalkit.praesentation.formatting import p_cell, p_text
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion, overlevelse
from evalkit.statistik.regression import welch

TABLES = ("borgere", "ydelser")

YEAR_WEEKS = 52  # the share with an exit is also read after one year


def status_weeks(borgere: pd.DataFrame, ydelser: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """Per citizen (index borger_id, in the order of borgere) the number of Mondays in `periode` with each
    status code (one column per code of the contract)."""
    inside = ((ydelser["uge"] >= pd.Timestamp(periode.start)) & (ydelser["uge"] <= pd.Timestamp(periode.slut))).to_numpy()
    ids = pd.Index(borgere["borger_id"], name="borger_id")
    if not ids.is_unique:
        counts = pd.crosstab(ydelser.loc[inside, "borger_id"], ydelser.loc[inside, "ydelse"])
        return counts.reindex(index=ids, columns=list(YDELSER), fill_value=0).fillna(0).astype(int)
    citizen = panel.positions(ids, ydelser["borger_id"])
    status = panel.positions(pd.Index(YDELSER), ydelser["ydelse"])
    known = inside & (citizen >= 0) & (status >= 0)
    cells = np.bincount(citizen[known] * len(YDELSER) + status[known], minlength=len(ids) * len(YDELSER))
    columns = pd.Index(list(YDELSER), name="ydelse")
    return pd.DataFrame(cells.reshape(len(ids), len(YDELSER)).astype(int), index=ids, columns=columns)


def exit_times(borgere: pd.DataFrame, ydelser: pd.DataFrame, periode: Periode, lag_weeks: int) -> pd.DataFrame:
    """One row per citizen (index borger_id, in the order of borgere): `gruppe`, `med` (on kontanthjælp in
    the start week, i.e. analysed), `uger` (time to the first exit or to censoring) and `afgang` (1 for an
    exit, 0 for censored). See the module docstring."""
    start = pd.Timestamp(first_monday(periode.start))
    end = pd.Timestamp(week_monday(periode.slut))
    at_start = ydelser[ydelser["uge"] == start].set_index("borger_id")["ydelse"]
    exits = find_exits(ydelser, periode, lag_weeks).groupby("borger_id")["uge"].min()
    last = panel.last_weeks(ydelser)
    ids = borgere["borger_id"]
    exit_week = exits.reindex(ids)
    censor_week = last.reindex(ids).clip(upper=end)
    week = exit_week.fillna(censor_week)
    frame = pd.DataFrame(
        {
            "gruppe": borgere["gruppe"].to_numpy(),
            "med": (at_start.reindex(ids) == KONTANTHJAELP).to_numpy(),
            "uger": ((week - start).dt.days / 7).to_numpy(),
            "afgang": exit_week.notna().astype(int).to_numpy(),
        },
        index=ids.to_numpy(),
    )
    frame.index.name = "borger_id"
    return frame


@dataclass(frozen=True)
class UgerPaaKontanthjaelp:
    gennemsnit: dict[str, float | None]
    n: dict[str, int]
    sammenligning: dict[str, float | None]  # welch(): forskel, ci_nedre, ci_oevre, p


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
        analysed = self.skjult_analyseret()
        marks = {g: marks[g] or (diskretion.SECONDARY if analysed[g]["n"] else None) for g in GROUPS}
        return with_document(marks, self.dokument_plan, lambda g: [
            count_id("varighed", "foerste_afgang", g, key) for key in ("afgang_52_uger", "uden_afgang_52_uger")
        ])

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
        hr=cox(analysed["uger"], analysed["afgang"], treated, alpha=config.alpha),
        hr_justeret=None
        if covariates is None
        else cox(analysed["uger"], analysed["afgang"], treated, covariates, alpha=config.alpha),
        diskretionsgraense=config.diskretionsgraense,
        dokument_plan=config.diskretion_plan,
    )


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Varighed:
    """Weeks on kontanthjælp, time to first exit and transfer costs for the phase's måleperiode."""
    borgere, ydelser = data["borgere"], data["ydelser"]
    periode = fase.maaleperiode
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
            f"Hazard ratio for afgang ({g[f]} i forhold til {g[k]}) er "
            f"{formatting.number(a.hr['hr'], 2)} ({_level(v)}-konfidensinterval "
            f"{_interval(a.hr, _ratio)})"
        )
        if a.hr_justeret and a.hr_justeret["hr"] is not None:
            hr += (
                f" og {formatting.number(a.hr_justeret['hr'], 2)} "
                f"({_interval(a.hr_justeret, _ratio)}) justeret for baggrundsvariablerne"
            )
        parts.append(hr + f"; et tal over 1 betyder, at borgerne i {g[f]} kom hurtigere væk fra kontanthjælp.")
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
    for label, entry in (("Hazard ratio for afgang, ujusteret", a.hr), ("Hazard ratio for afgang, justeret", a.hr_justeret)):
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
        "slut; intervallet bygger på Greenwoods variansformel. Hazard ratio er fra Cox' model; over 1 betyder "
        f"hurtigere afgang i forsøgsafdelingen. Den justerede model har {covariates_text(config)} som forklarende "
        "variabler."
    )
    return beskyttet.annotate(table, threshold)


def km_points(km, tau: float, alpha: float, threshold: int) -> tuple[np.ndarray, ...]:
    """The Kaplan–Meier curve and its band as the figure draws them, from time 0 to `tau`: only steps
    that gather at least `threshold` exits (`diskretion.coarse_steps`), each value rounded to a whole
    per cent, so that no drop shows 1 to threshold − 1 citizens and the band's decimals do not tell how
    the exits between two drawn steps were spread over the weeks."""
    inside = km.surv_times <= tau
    kept = diskretion.coarse_steps(km.n_events[inside], threshold)
    lower, upper = overlevelse.band(km, alpha)

    def drawn(values: np.ndarray) -> np.ndarray:
        return np.concatenate([[1.0], np.round(values[inside][kept], 2)])

    times = np.concatenate([[0.0], km.surv_times[inside][kept], [tau]])
    return times, drawn(km.surv_prob), drawn(lower), drawn(upper)


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
        times, surv, lower, upper = km_points(km, a.tau, v.alpha, config.diskretionsgraense)
        colour = figures.GROUP_COLOURS[g]
        ax.step(times, np.append(surv, surv[-1]), where="post", color=colour, label=config.grupper[g], linewidth=1.4)
        ax.fill_between(times, np.append(lower, lower[-1]), np.append(upper, upper[-1]), step="post",
                        color=colour, alpha=0.2, linewidth=0)
    figures.note_hidden(ax, f"Kurverne er tegnet i trin på mindst {config.diskretionsgraense} afgange og i hele "
                            "procent af hensyn til diskretion")
    ax.set_xlim(0, max(a.tau, 1))
    ax.set_ylim(0, 1.02)
    figures.number_axis(ax.xaxis)
    figures.percent_axis(ax.yaxis)
    ax.set_xlabel("Uger fra måleperiodens første uge")
    ax.set_ylabel("Andel endnu uden afgang")
    ax.legend(loc="upper right", frameon=False)
    return figures.as_svg(fig, _km_finding(v, config))


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
            },
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
