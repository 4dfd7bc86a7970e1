"""Transfer costs from the weekly benefit panel, set against the trial's extra cost (the cost side of
the `varighed` notebook).

Definitions (the amounts and their sources are in the configuration, `oekonomi`):

- A citizen's cost over the måleperiode is the sum over the Mondays in the period of the configured
  net cost to the municipality of a week in that Monday's status (`Oekonomi.kr_pr_uge`; a yearly
  amount / 52, a monthly amount × 12 / 52). Weeks without a row in the panel (a citizen who left
  the data) cost nothing.
- Per group the mean over all its citizens; the difference forsøg − kontrol (negative: the trial
  group cost less) with a percentile bootstrap interval: citizens are resampled with replacement
  within each group (`bootstrap_antal` times, numpy's default Generator seeded with `bootstrap_seed`,
  drawn as multinomial counts, which is the same as resampling), so the interval is deterministic.
  Costs are linear in the weeks, so every cost scenario uses the same resamples.
- The trial group's total is the difference times the trial group's size; the net result is minus
  that total minus the investment (positive: the saving on transfers paid for the trial).
- The investment of a phase is the yearly salary amount for the share of each configured year that
  lies in the måleperiode, plus the whole evaluation cost.
- Break-even: the reduction in weeks on kontanthjælp per trial citizen whose saved kontanthjælp equals
  the investment, investment / (trial group size × cost of a week on kontanthjælp); it assumes the
  saved weeks are replaced by a status that costs nothing.
- Sensitivity: the costs of the configured other public benefits (`skaleres`) times each configured
  factor, kontanthjælp at the alternative amount, and the investment without the evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import SVG

from evalkit.config import GROUPS, Beloeb, Config, Fase, Kildedokument
from evalkit.data.contract import YDELSER
from evalkit.maaleparametre.faelles import KONTANTHJAELP
from evalkit.praesentation import dansk, figures, formatting
from evalkit.praesentation.tables import Table

LABELS = {
    "kontanthjaelp": "Kontanthjælp",
    "smaajob": "Småjob med supplerende kontanthjælp",
    "beskaeftigelse": "Selvforsørgende (beskæftigelse)",
    "uddannelse": "Uddannelse (SU)",
    "ressourceforloeb": "Ressourceforløb",
    "fleksjob": "Fleksjob/ledighedsydelse",
    "foertidspension": "Førtidspension",
    "sygedagpenge": "Sygedagpenge",
    "andet": "Andet",
}
UNITS = {"uge": "uge", "maaned": "måned", "aar": "år"}


# Above this many citizens a group is resampled by its distinct rows of weeks (see `bootstrap_means`).
BOOTSTRAP_BY_CITIZEN_MAX = 20_000
BOOTSTRAP_CHUNK = 100  # resamples drawn at a time, so the counts never fill the memory


def bootstrap_means(weeks: dict[str, np.ndarray], antal: int, seed: int) -> dict[str, np.ndarray]:
    """Per group an (antal × statuses) array: the group's mean weeks per status in each bootstrap
    resample of its citizens (rows of `weeks[group]`), forsøg drawn before kontrol.

    A resample is the multinomial count of draws of each citizen. In a group larger than
    `BOOTSTRAP_BY_CITIZEN_MAX` (a job centre's population rather than a trial's) the counts are drawn per
    distinct row of weeks instead, with that row's share of the citizens as its probability: the summed
    counts of identical rows are multinomial with their summed probabilities, so this is the same bootstrap,
    with a few thousand categories instead of a hundred thousand.
    """
    rng = np.random.default_rng(seed)
    result = {}
    for g in GROUPS:
        n = len(weeks[g])
        if n == 0:
            result[g] = np.full((antal, weeks[g].shape[1]), np.nan)
            continue
        rows, p = weeks[g], np.full(n, 1 / n)
        if n > BOOTSTRAP_BY_CITIZEN_MAX:
            rows, multiplicity = np.unique(weeks[g], axis=0, return_counts=True)
            p = multiplicity / n
        result[g] = np.concatenate(
            [rng.multinomial(n, p, size=min(BOOTSTRAP_CHUNK, antal - done)) @ rows / n for done in range(0, antal, BOOTSTRAP_CHUNK)]
        )
    return result


@dataclass(frozen=True)
class Scenarie:
    """One set of cost assumptions and what it gives."""

    noegle: str
    navn: str
    kr_pr_uge: dict[str, float]
    investering: float
    n_forsoeg: int
    gennemsnit: dict[str, float]  # mean cost per citizen in each group
    ci: tuple[float, float] | None  # bootstrap interval of the difference

    @property
    def forskel(self) -> float:
        """Mean cost per citizen, forsøg − kontrol."""
        return self.gennemsnit["forsoeg"] - self.gennemsnit["kontrol"]

    @property
    def total_forsoeg(self) -> float:
        """The difference for the whole trial group."""
        return self.forskel * self.n_forsoeg

    def netto(self, forskel: float | None = None) -> float:
        """Saving on transfers minus the investment (positive: the trial paid for itself)."""
        return -(self.forskel if forskel is None else forskel) * self.n_forsoeg - self.investering

    @property
    def netto_ci(self) -> tuple[float, float] | None:
        return None if self.ci is None else (self.netto(self.ci[1]), self.netto(self.ci[0]))

    @property
    def break_even_uger(self) -> float | None:
        """Weeks less on kontanthjælp per trial citizen that would pay for the investment."""
        week = self.kr_pr_uge[KONTANTHJAELP]
        return self.investering / (self.n_forsoeg * week) if self.n_forsoeg and week > 0 else None


@dataclass(frozen=True)
class Oekonomiresultat:
    fase: Fase
    n: dict[str, int]
    uger: dict[str, dict[str, float]]  # status -> group -> mean weeks per citizen
    loen: float  # salary part of the investment in the period
    evaluering: float
    scenarier: tuple[Scenarie, ...]  # the central scenario first

    @property
    def central(self) -> Scenarie:
        return self.scenarier[0]


def _scenario(key: str, name: str, costs: dict[str, float], investment: float, means: dict[str, np.ndarray],
              boot: dict[str, np.ndarray], n: dict[str, int], alpha: float) -> Scenarie:
    vector = np.array([costs[s] for s in YDELSER])
    ci = None
    if all(n.values()):
        draws = (boot["forsoeg"] - boot["kontrol"]) @ vector
        low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
        ci = (float(low), float(high))
    average = {g: float(means[g] @ vector) if n[g] else float("nan") for g in GROUPS}
    return Scenarie(key, name, dict(costs), investment, n["forsoeg"], average, ci)


def compute(weeks: pd.DataFrame, gruppe: pd.Series, config: Config, fase: Fase) -> Oekonomiresultat:
    """Costs per group and scenario from `weeks` (one row per citizen, one column per status code: the
    number of Mondays in the måleperiode with that status) and each citizen's group."""
    o = config.oekonomi
    arrays = {g: weeks[(gruppe == g).to_numpy()][list(YDELSER)].to_numpy(dtype=float) for g in GROUPS}
    n = {g: len(arrays[g]) for g in GROUPS}
    means = {g: arrays[g].mean(axis=0) if n[g] else np.full(len(YDELSER), np.nan) for g in GROUPS}
    boot = bootstrap_means(arrays, o.bootstrap_antal, o.bootstrap_seed)
    loen, evaluering = o.investering_i(fase.maaleperiode), o.evaluering_kr
    central = o.kr_pr_uge

    def scenario(key: str, name: str, costs: dict[str, float], investment: float = loen + evaluering) -> Scenarie:
        return _scenario(key, name, costs, investment, means, boot, n, config.alpha)

    scenarier = [scenario("central", "Centrale antagelser", central)]
    for factor in o.faktorer:
        scaled = {s: c * factor if s in o.skaleres else c for s, c in central.items()}
        scenarier.append(scenario(f"oevrige_{factor:g}", f"Øvrige ydelser til {formatting.pct(factor)} af prisen", scaled))
    alternative = o.kontanthjaelp_alternativ
    scenarier.append(
        scenario(
            "kontanthjaelp_alternativ",
            f"Kontanthjælp til {formatting.kr(alternative.kr_pr_uge)} pr. uge",
            {**central, KONTANTHJAELP: alternative.kr_pr_uge},
        )
    )
    scenarier.append(scenario("uden_evaluering", "Merudgift uden evalueringen", central, loen))
    return Oekonomiresultat(
        fase=fase,
        n=n,
        uger={s: {g: float(means[g][i]) for g in GROUPS} for i, s in enumerate(YDELSER)},
        loen=loen,
        evaluering=evaluering,
        scenarier=tuple(scenarier),
    )


# ------------------------------------------------------------------------------------- presentation


def _amount_text(amount: Beloeb) -> str:
    return f"{formatting.kr(amount.beloeb)} pr. {UNITS[amount.pr]}"


def _years(config: Config) -> str:
    return dansk.join([str(y) for y in config.oekonomi.investering_aar])


def _investment_text(r: Oekonomiresultat, config: Config) -> str:
    o = config.oekonomi
    return (
        f"{formatting.mio_kr(r.central.investering)}, heraf {formatting.mio_kr(r.loen)} i løn til ekstra "
        f"sagsbehandlere ({formatting.mio_kr(o.investering_pr_aar)} om året i {_years(config)}, for den del af årene, "
        f"der ligger i måleperioden) og {formatting.mio_kr(r.evaluering, 2)} til evalueringen"
    )


def _lower_first(text: str) -> str:
    """'Uddannelse (SU)' -> 'uddannelse (SU)'."""
    return text[:1].lower() + text[1:]


def table_assumptions(r: Oekonomiresultat, config: Config) -> Table:
    """Each status code's cost per week with the figure and the source behind it, and the investment."""
    o = config.oekonomi
    table = Table(["Ydelse", "Beløb i kilden", "Kr. pr. uge", "Kilde"], align=["l", "r", "r", "l"], widths=[26, 20, 12, 36])
    for code in YDELSER:
        amount = o.ydelser[code]
        table.add_row(LABELS[code], _amount_text(amount), formatting.kr(amount.kr_pr_uge), cited(amount.kilde, config, r.fase))
    table.add_row("Ekstra sagsbehandlere", f"{formatting.mio_kr(o.investering_pr_aar)} pr. år", "",
                  cited(o.investering_kilde, config, r.fase))
    table.add_row("Evaluering", f"{formatting.mio_kr(o.evaluering_kr, 2)} i alt", "", cited(o.evaluering_kilde, config, r.fase))
    covers = [f"{_lower_first(LABELS[code])} – {o.ydelser[code].forklaring}" for code in YDELSER]
    covers += [f"ekstra sagsbehandlere – {o.investering_forklaring}", f"evaluering – {o.evaluering_forklaring}"]
    return table.add_note(
        "Note: Beløbene er kommunens nettoudgift. Et årsbeløb er omregnet til uger ved at dividere med 52, et "
        "månedsbeløb ved at gange med 12 og dividere med 52. Hvor der står 'Antagelse', gav forvaltningens "
        "dokumenter ved rapportens udgivelse ikke et tal for netop den ydelse, og beløbet er forvaltningens skøn. "
        f"Forsøgets merudgift i måleperioden er {_investment_text(r, config)}. "
        f"Hvad beløbene dækker: {'; '.join(covers)}. Kilder: {'; '.join(str(d) for d in sources_then(config, r.fase))}."
    )


THIS_DOCUMENT = "Denne rapport (forvaltningens egen opgørelse)"


def sources_then(config: Config, fase: Fase) -> list[Kildedokument]:
    """The source documents the phase's document may cite: those published by its date, not itself."""
    return [d for d in config.oekonomi.kildedokumenter
            if d.fase != fase.noegle and (d.dato is None or d.dato <= fase.udgivelsesdato)]


def cited(kilde: str, config: Config, fase: Fase) -> str:
    """A cost's source as the phase's document cites it: as configured when the document it names existed
    by the phase's publication date; 'Antagelse' when that document came later (an amount used before
    its source was published is an assumption at the time); `THIS_DOCUMENT` when it is this very
    document, whose sections the configuration cannot know."""
    for document in config.oekonomi.kildedokumenter:
        if kilde == document.navn or kilde.startswith(f"{document.navn},"):
            if document.fase == fase.noegle:
                return THIS_DOCUMENT
            if document.dato is not None and document.dato > fase.udgivelsesdato:
                return "Antagelse"
    return kilde


def _ci(ci: tuple[float, float] | None, fmt=formatting.kr) -> str:
    return "–" if ci is None else f"{fmt(ci[0])} til {fmt(ci[1])}"


def _signed_kr(value: float) -> str:
    return f"{formatting.signed(value)} kr."


def table_costs(r: Oekonomiresultat, config: Config) -> Table:
    """Weeks per citizen in each status and what they cost, per group, with the difference."""
    f, k = "forsoeg", "kontrol"
    c = r.central
    table = Table(
        [
            "Ydelse",
            "Kr. pr. uge",
            f"Uger pr. borger, {config.grupper[f].lower()}",
            f"Uger pr. borger, {config.grupper[k].lower()}",
            "Forskel i uger",
            "Forskel i kr. pr. borger",
        ],
        widths=[30, 12, 14, 14, 12, 16],
    )
    for code in YDELSER:
        weeks = r.uger[code]
        diff = weeks[f] - weeks[k]
        table.add_row(
            LABELS[code],
            formatting.kr(c.kr_pr_uge[code]),
            formatting.number(weeks[f], 1),
            formatting.number(weeks[k], 1),
            formatting.signed(diff, 1),
            _signed_kr(diff * c.kr_pr_uge[code]),
        )
    total = {g: sum(r.uger[s][g] for s in YDELSER) for g in GROUPS}
    table.add_row(
        "I alt", "", formatting.number(total[f], 1), formatting.number(total[k], 1),
        formatting.signed(total[f] - total[k], 1), _signed_kr(c.forskel),
    )
    return table.add_note(
        f"Note: Gennemsnit over alle borgere i gruppen ({formatting.count(r.n[f])} og {formatting.count(r.n[k])}) af "
        "antal mandage i måleperioden med hver ydelse. Forskellen er forsøgsafdelingen minus kontrolgruppen; "
        "et negativt beløb betyder, at forsøgsafdelingens borgere kostede mindre. "
        f"{formatting.number(100 * (1 - config.alpha))}\u00a0%-bootstrapinterval for forskellen i alt: {_ci(c.ci)} pr. borger."
    )


def table_sensitivity(r: Oekonomiresultat, config: Config) -> Table:
    """The difference per citizen, the investment, the net result and break-even in each scenario."""
    level = formatting.number(100 * (1 - config.alpha))
    table = Table(
        [
            "Antagelser",
            f"Forskel pr. borger, kr. ({level}\u00a0% KI)",
            "Merudgift, mio. kr.",
            f"Nettoresultat, mio. kr. ({level}\u00a0% KI)",
            "Break-even, uger pr. borger",
        ],
        widths=[26, 26, 12, 24, 12],
    )

    def mio(value: float) -> str:
        return formatting.number(value / 1e6, 1)

    for s in r.scenarier:
        table.add_row(
            s.navn,
            f"{formatting.signed(s.forskel)} ({_ci(s.ci, formatting.number)})",
            mio(s.investering),
            f"{mio(s.netto())} ({_ci(s.netto_ci, mio)})",
            "–" if s.break_even_uger is None else formatting.number(s.break_even_uger, 1),
        )
    others = dansk.join([_lower_first(LABELS[c]) for c in config.oekonomi.skaleres])
    return table.add_note(
        f"Note: 'Øvrige ydelser' er {others}; deres ugentlige pris er ganget med den angivne procent af den "
        "centrale antagelse, og 0 pct. svarer til at regne, som om afgange til andre ydelser var gratis for "
        "kommunen. Forskellen pr. borger er forsøgsafdelingen minus kontrolgruppen med bootstrapinterval. "
        "Nettoresultatet er besparelsen på overførsler for hele forsøgsafdelingen minus forsøgets merudgift; et "
        "negativt tal betyder, at forsøget kostede mere, end det sparede. Break-even er det antal uger færre på "
        "kontanthjælp pr. borger i forsøgsafdelingen, der ville have betalt merudgiften, hvis ugerne i stedet var "
        "blevet til selvforsørgelse."
    )


def figure(r: Oekonomiresultat, config: Config) -> SVG:
    """The net result of each scenario with its bootstrap interval, in millions of kroner, against zero."""
    fig = figures.new_figure(0.45 * len(r.scenarier) + 1.3)
    ax = fig.subplots()
    for row, s in enumerate(r.scenarier):
        colour = figures.CONTRAST_COLOURS[0] if row == 0 else figures.CONTRAST_COLOURS[1]
        value = s.netto() / 1e6
        if s.netto_ci is not None:
            low, high = (v / 1e6 for v in s.netto_ci)
            ax.errorbar(value, row, xerr=[[max(0.0, value - low)], [max(0.0, high - value)]], fmt="o",
                        color=colour, ecolor=colour, capsize=3)
        else:
            ax.plot(value, row, "o", color=colour)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_yticks(range(len(r.scenarier)), [s.navn for s in r.scenarier])
    ax.invert_yaxis()
    figures.number_axis(ax.xaxis)
    ax.set_xlabel("Nettoresultat for kommunen i mio. kr.\n(besparelse på overførsler minus forsøgets merudgift)")
    nets = [s.netto() for s in r.scenarier]
    finding = (f"Med de centrale antagelser er nettoresultatet {formatting.mio_kr(nets[0])}; under de øvrige antagelser "
               f"ligger det mellem {formatting.mio_kr(min(nets))} og {formatting.mio_kr(max(nets))}")
    return figures.as_svg(fig, finding)


def summary(r: Oekonomiresultat, config: Config, uger_kh_forskel: float | None) -> str:
    """The cost paragraphs, every number computed; `uger_kh_forskel` is the measured difference in weeks
    on kontanthjælp per citizen (forsøg − kontrol)."""
    f, k = "forsoeg", "kontrol"
    c = r.central
    level = formatting.number(100 * (1 - config.alpha))
    direction = "mindre" if c.forskel < 0 else "mere"
    first = (
        f"Regnet med de centrale antagelser kostede en borger i {config.grupper_bestemt[f]} i gennemsnit "
        f"{formatting.kr(c.gennemsnit[f])} i overførsler i måleperioden mod {formatting.kr(c.gennemsnit[k])} i "
        f"{config.grupper_bestemt[k]}, altså {formatting.kr(abs(c.forskel))} {direction} pr. borger "
        f"({level}\u00a0%-bootstrapinterval for forskellen: {_ci(c.ci, _signed_kr)}). For alle "
        f"{formatting.count(r.n[f])} borgere i {config.grupper_bestemt[f]} svarer det til "
        f"{formatting.mio_kr(abs(c.total_forsoeg))} {direction}."
    )
    netto = c.netto()
    verdict = "mere, end det sparede på overførsler" if netto < 0 else "mindre, end det sparede på overførsler"
    second = (
        f"Forsøgets merudgift i perioden var {_investment_text(r, config)}. Nettoresultatet for kommunen er "
        f"{formatting.mio_kr(netto)} ({level}\u00a0%-interval {_ci(c.netto_ci, formatting.mio_kr)}): forsøget kostede "
        f"{verdict}, så længe kun udgifterne i måleperioden tælles med."
    )
    if c.netto_ci is not None and c.netto_ci[0] < 0 < c.netto_ci[1]:
        second += " Intervallet spænder over nul, så data kan ikke afgøre, om forsøget har tjent sig selv hjem."
    sentences = [first, second]
    if c.break_even_uger is not None:
        breakeven = (
            f"Skulle forsøget have betalt sig selv alene ved at forkorte tiden på kontanthjælp, skulle hver borger i "
            f"{config.grupper_bestemt[f]} i gennemsnit have haft {formatting.number(c.break_even_uger, 1)} uger færre "
            f"på kontanthjælp end borgerne i {config.grupper_bestemt[k]} og have været selvforsørgende i de uger."
        )
        if uger_kh_forskel is not None:
            fewer = -uger_kh_forskel
            measured = (
                f"{formatting.number(abs(uger_kh_forskel), 1)} uger {'færre' if fewer > 0 else 'flere'} pr. borger"
            )
            if fewer >= c.break_even_uger:
                breakeven += (
                    f" Målt var det {measured}, altså mindst break-even-effekten; men de sparede uger blev ikke alle "
                    "til selvforsørgelse, så det er ikke i sig selv nok."
                )
            elif fewer > 0:
                breakeven += (
                    f" Målt var det {measured}, altså mindre end break-even-effekten, og de sparede uger blev heller "
                    "ikke alle til selvforsørgelse."
                )
            else:
                breakeven += f" Målt var det {measured}."
        sentences.append(breakeven)
    others = [s for s in config.oekonomi.skaleres if s in r.uger]
    if others:
        extra = sum(r.uger[s][f] - r.uger[s][k] for s in others)
        sentences.append(
            f"Færre uger på kontanthjælp er ikke i sig selv en besparelse. Borgerne i {config.grupper_bestemt[f]} "
            f"havde i gennemsnit {formatting.number(abs(extra), 1)} uger {'flere' if extra > 0 else 'færre'} på "
            f"{dansk.join([_lower_first(LABELS[s]) for s in others])} end borgerne i {config.grupper_bestemt[k]}, "
            "og også de ydelser betaler kommunen for. Derfor er udgiften regnet ud fra, hvad hver ydelse koster pr. "
            "uge, og ikke ud fra antallet af afgange; følsomhedstabellen viser, hvor meget resultatet flytter sig, "
            "når priserne ændres."
        )
    return "\n\n".join(sentences)


def to_json(r: Oekonomiresultat, config: Config) -> dict:
    """The `oekonomi` section of resultater.json (unrounded kroner)."""
    o = config.oekonomi
    c = r.central
    ci = c.ci or (None, None)
    netto_ci = c.netto_ci or (None, None)
    return {
        "antagelser": {
            "kr_pr_uge": dict(o.kr_pr_uge),
            "kilder": {code: {"beloeb": a.beloeb, "pr": a.pr, "kilde": cited(a.kilde, config, r.fase)}
                       for code, a in o.ydelser.items()},
            "investering_kr": c.investering,
            "investering_loen_kr": r.loen,
            "investering_pr_aar_kr": o.investering_pr_aar,
            "investering_aar": list(o.investering_aar),
            "evaluering_kr": r.evaluering,
            "bootstrap_antal": o.bootstrap_antal,
            "bootstrap_seed": o.bootstrap_seed,
        },
        "uger_pr_borger": {code: dict(weeks) for code, weeks in r.uger.items()},
        "overfoersler_pr_borger": {
            **{g: {"gennemsnit": c.gennemsnit[g], "n": r.n[g]} for g in GROUPS},
            "forskel": c.forskel,
            "ci_nedre": ci[0],
            "ci_oevre": ci[1],
        },
        "total_forsoeg_kr": c.total_forsoeg,
        "netto_kr": c.netto(),
        "netto_ci_nedre": netto_ci[0],
        "netto_ci_oevre": netto_ci[1],
        "break_even_uger_pr_borger": c.break_even_uger,
        "foelsomhed": [
            {
                "noegle": s.noegle,
                "navn": s.navn,
                "kr_pr_uge": dict(s.kr_pr_uge),
                "investering_kr": s.investering,
                "forskel": s.forskel,
                "ci_nedre": None if s.ci is None else s.ci[0],
                "ci_oevre": None if s.ci is None else s.ci[1],
                "netto_kr": s.netto(),
                "break_even_uger_pr_borger": s.break_even_uger,
            }
            for s in r.scenarier
        ],
    }
