"""Transfer costs from the weekly benefit panel, set against the trial's extra cost (the cost side of
the `varighed` notebook).

Definitions (the amounts and their sources are in the configuration, `oekonomi`):

- A citizen's cost over the måleperiode is the sum over the Mondays in the period of the configured
  net cost to the municipality of a week in that Monday's status (`Oekonomi.kr_pr_uge`; a yearly
  amount / 52, a monthly amount × 12 / 52). Weeks without a row in the panel (a citizen who left
  the data) cost nothing.
- Per group the mean over all its citizens; the difference forsøg − kontrol (negative: the trial
  group cost less) with a percentile bootstrap interval: citizens are resampled with replacement
  within each group, `bootstrap_antal` times (the configuration refuses fewer than
  `evalkit.config.BOOTSTRAP_MIN`, so that the bounds hardly move with the seed), with numpy's default
  Generator seeded with `bootstrap_seed`, so every number of the bootstrap is the same on every run.
  A resample is drawn as each citizen's count of draws (see `bootstrap_means`). Costs are linear in
  the weeks, so every cost scenario uses the same resamples.
- The trial group's total is the difference times the trial group's size; the net result is minus
  that total minus the investment (positive: the saving on transfers paid for the trial). Its interval
  is the net result at the difference's two bounds, and the share with a positive net result
  (`sandsynlighed_netto_positiv` in the results) is the share of the resamples whose net result is above
  zero: a property of the bootstrap distribution, not a Bayesian probability that the trial paid off.
  The interval and the share cover only the sampling variation between citizens: not the prices (see
  the sensitivity scenarios), costs after the måleperiode, or how the state's refunds vary by citizen.
- The investment of a phase is the yearly salary amount for the share of each configured year that
  lies in the måleperiode, plus the whole evaluation cost.
- Break-even: the reduction in weeks on kontanthjælp per trial citizen whose saved kontanthjælp equals
  the investment, investment / (trial group size × cost of a week on kontanthjælp); it assumes the
  saved weeks are replaced by a status that costs nothing. It is compared with the confidence interval
  of the measured difference in weeks on kontanthjælp (`varighed`, Welch), not with its point estimate:
  inside the interval (`INSIDE`, the data cannot tell whether the reduction reached break-even), the whole
  interval beyond it (`BEYOND`, more weeks saved than break-even) or short of it (`SHORT`).
- Sensitivity: the costs of the configured other public benefits (`skaleres`) times each configured
  factor, kontanthjælp at the alternative amount, and the investment without the evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

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


# A distinct row of weeks shared by more citizens than this is resampled as one category (see `bootstrap_means`).
BOOTSTRAP_SHARED_MIN = 2
BOOTSTRAP_CHUNK = 100  # resamples drawn at a time ...
BOOTSTRAP_CELLS = 2_000_000  # ... or fewer, so that no chunk's counts hold more cells than this


def bootstrap_means(weeks: dict[str, np.ndarray], antal: int, seed: int) -> dict[str, np.ndarray]:
    """Per group an (antal × statuses) array: the group's mean weeks per status in each bootstrap
    resample of its citizens (rows of `weeks[group]`), forsøg drawn before kontrol, in chunks of at most
    `BOOTSTRAP_CHUNK` resamples and `BOOTSTRAP_CELLS` counts, so that memory stays bounded.

    A resample is the count of draws of each of the n citizens: multinomial, n draws, each citizen 1/n.
    Citizens with identical rows of weeks are interchangeable, so their summed count is what matters, and
    it is multinomial with their summed probability. A row shared by more than `BOOTSTRAP_SHARED_MIN`
    citizens (in a large group most citizens share a row with many others) is therefore one category of
    one multinomial draw; the citizens whose rows are (nearly) their own are pooled in its last category,
    and that category's count is spread over them by drawing that many of them at random with
    replacement. Given the pooled count this is multinomial among them, so the whole is exactly the
    bootstrap, drawn with a few hundred binomials and a few thousand draws per resample instead of one
    binomial per citizen (numpy's multinomial costs one binomial per category).
    """
    rng = np.random.default_rng(seed)
    result = {}
    for g in GROUPS:
        n = len(weeks[g])
        if n == 0:
            result[g] = np.full((antal, weeks[g].shape[1]), np.nan)
            continue
        rows, multiplicity = np.unique(weeks[g], axis=0, return_counts=True)
        shared = multiplicity > BOOTSTRAP_SHARED_MIN
        own = np.repeat(rows[~shared], multiplicity[~shared], axis=0)  # one row per pooled citizen
        p = np.append(multiplicity[shared] / n, len(own) / n)

        def means(size: int, n=n, shared_rows=rows[shared], own=own, p=p) -> np.ndarray:
            counts = rng.multinomial(n, p, size=size)
            total = counts[:, :-1] @ shared_rows
            if len(own):
                pooled = counts[:, -1]
                drawn = rng.integers(0, len(own), size=pooled.sum()) + np.repeat(len(own) * np.arange(size), pooled)
                total += np.bincount(drawn, minlength=size * len(own)).reshape(size, len(own)) @ own
            return total / n

        chunk = int(np.clip(BOOTSTRAP_CELLS // max(len(own), len(p)), 1, BOOTSTRAP_CHUNK))
        result[g] = np.concatenate([means(min(chunk, antal - done)) for done in range(0, antal, chunk)])
    return result


# Where break-even lies against the confidence interval of the measured reduction in weeks on kontanthjælp.
INSIDE, BEYOND, SHORT = "inden_for", "ud_over", "under"


def break_even_position(break_even: float | None, uger_kh: Mapping[str, float | None] | None) -> str | None:
    """`INSIDE` when the interval of the measured reduction in weeks on kontanthjælp per citizen holds
    `break_even`, `BEYOND` when the whole interval saves more weeks, `SHORT` when it saves fewer (also when
    it saves none); None without a break-even or an interval. `uger_kh` is the Welch comparison of weeks
    on kontanthjælp, forsøg − kontrol (`ci_nedre`, `ci_oevre`: a reduction is a negative difference)."""
    if break_even is None or not uger_kh or uger_kh.get("ci_nedre") is None or uger_kh.get("ci_oevre") is None:
        return None
    fewest, most = -uger_kh["ci_oevre"], -uger_kh["ci_nedre"]
    if fewest > break_even:
        return BEYOND
    return SHORT if most < break_even else INSIDE


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
    andel_netto_positiv: float | None = None  # share of the resamples whose net result is above zero

    @property
    def forskel(self) -> float:
        """Mean cost per citizen, forsøg − kontrol."""
        return self.gennemsnit["forsoeg"] - self.gennemsnit["kontrol"]

    @property
    def total_forsoeg(self) -> float:
        """The difference for the whole trial group."""
        return self.forskel * self.n_forsoeg

    def netto(self, forskel: float | np.ndarray | None = None) -> float | np.ndarray:
        """Saving on transfers minus the investment (positive: the trial paid for itself); of `forskel`
        (a number or an array of resampled differences) instead of the measured difference when given."""
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
    average = {g: float(means[g] @ vector) if n[g] else float("nan") for g in GROUPS}
    scenario = Scenarie(key, name, dict(costs), investment, n["forsoeg"], average, None)
    if not all(n.values()):
        return scenario
    draws = (boot["forsoeg"] - boot["kontrol"]) @ vector
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    positive = float(np.mean(scenario.netto(draws) > 0))
    return replace(scenario, ci=(float(low), float(high)), andel_netto_positiv=positive)


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


def _bootstrap_text(config: Config) -> str:
    """How the intervals were made, for the tables' notes."""
    return (f"percentilinterval fra {formatting.count(config.oekonomi.bootstrap_antal)} gentagelser, hvor borgerne i "
            "hver gruppe trækkes på ny med tilbagelægning")


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
        f"{formatting.number(100 * (1 - config.alpha))}\u00a0%-bootstrapinterval for forskellen i alt: {_ci(c.ci)} pr. borger "
        f"({_bootstrap_text(config)})."
    )


def table_sensitivity(r: Oekonomiresultat, config: Config) -> Table:
    """The difference per citizen, the investment, the net result with the share of resamples in which it
    was positive, and break-even in each scenario."""
    level = formatting.number(100 * (1 - config.alpha))
    table = Table(
        [
            "Antagelser",
            f"Forskel pr. borger, kr. ({level}\u00a0% KI)",
            "Merudgift, mio. kr.",
            f"Nettoresultat, mio. kr. ({level}\u00a0% KI)",
            "Andel gentagelser med overskud",
            "Break-even, uger pr. borger",
        ],
        widths=[22, 22, 10, 21, 12, 13],
    )

    def mio(value: float) -> str:
        return formatting.number(value / 1e6, 1)

    for s in r.scenarier:
        table.add_row(
            s.navn,
            f"{formatting.signed(s.forskel)} ({_ci(s.ci, formatting.number)})",
            mio(s.investering),
            f"{mio(s.netto())} ({_ci(s.netto_ci, mio)})",
            "–" if s.andel_netto_positiv is None else _share(s.andel_netto_positiv),
            "–" if s.break_even_uger is None else formatting.number(s.break_even_uger, 1),
        )
    others = dansk.join([_lower_first(LABELS[c]) for c in config.oekonomi.skaleres])
    return table.add_note(
        f"Note: 'Øvrige ydelser' er {others}; deres ugentlige pris er ganget med den angivne procent af den "
        "centrale antagelse, og 0 pct. svarer til at regne, som om afgange til andre ydelser var gratis for "
        "kommunen. Forskellen pr. borger er forsøgsafdelingen minus kontrolgruppen med bootstrapinterval "
        f"({_bootstrap_text(config)}). "
        "Nettoresultatet er besparelsen på overførsler for hele forsøgsafdelingen minus forsøgets merudgift; et "
        "negativt tal betyder, at forsøget kostede mere, end det sparede. Andel gentagelser med overskud er andelen "
        "af bootstrapgentagelserne, hvor nettoresultatet var over nul. Intervallerne og andelen dækker kun "
        "variationen mellem borgerne; usikkerheden om priserne viser rækkerne med andre antagelser. Break-even er det antal uger "
        "færre på kontanthjælp pr. borger i forsøgsafdelingen, der ville have betalt merudgiften, hvis ugerne i "
        "stedet var blevet til selvforsørgelse."
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


def _share(share: float) -> str:
    """A share of the resamples in whole per cent, never rounded to 0 or 100 pct. when it is not."""
    text = formatting.pct(share)
    if 0 < share and text == formatting.pct(0):
        return f"under {formatting.pct(0.01)}"
    if share < 1 and text == formatting.pct(1):
        return f"over {formatting.pct(0.99)}"
    return text


def share_of_resamples(share: float, antal: int) -> str:
    """'ingen af de 10.000', 'alle 10.000' or '12 pct. af de 10.000' (bootstrapgentagelser follows)."""
    if share == 0:
        return f"ingen af de {formatting.count(antal)}"
    if share == 1:
        return f"alle {formatting.count(antal)}"
    return f"{_share(share)} af de {formatting.count(antal)}"


def _net_verdict(s: Scenarie) -> str:
    """What the net result's interval says against zero (the point estimate when there is no interval)."""
    if s.netto_ci is None:
        worse = s.netto() < 0
        return f"Forsøget kostede {'mere' if worse else 'mindre'}, end det sparede på overførsler."
    low, high = s.netto_ci
    if high < 0:
        return "Hele intervallet ligger under nul: forsøget kostede mere, end det sparede på overførsler."
    if low > 0:
        return "Hele intervallet ligger over nul: forsøget sparede mere på overførsler, end det kostede."
    return "Intervallet spænder over nul, så data kan ikke afgøre, om forsøget har tjent sig selv hjem."


def _weeks_fewer(difference: float) -> str:
    """A difference in weeks on kontanthjælp (forsøg − kontrol) as '7,6 uger færre' or '1,2 uger flere'."""
    return f"{formatting.number(abs(difference), 1)} uger {'færre' if difference < 0 else 'flere'}"


def _weeks_interval(low: float, high: float) -> str:
    """The interval of a difference in weeks as fewer or more weeks: '4,3 til 10,9 uger færre'."""
    if high < 0:
        return f"{formatting.number(-high, 1)} til {_weeks_fewer(low)}"
    if low >= 0:
        return f"{formatting.number(low, 1)} til {_weeks_fewer(high)}"
    return f"fra {_weeks_fewer(low)} til {_weeks_fewer(high)}"


def _break_even_text(c: Scenarie, uger_kh: Mapping[str, float | None] | None, level: str, config: Config,
                     not_all_self_support: bool) -> str:
    """Break-even in weeks, then the measured difference in weeks on kontanthjælp and its interval
    against it (`break_even_position`)."""
    f, k = "forsoeg", "kontrol"
    be = f"{formatting.number(c.break_even_uger, 1)} uger"
    text = (
        f"Skulle forsøget have betalt sig selv alene ved at forkorte tiden på kontanthjælp, skulle hver borger i "
        f"{config.grupper_bestemt[f]} i gennemsnit have haft {be} færre på kontanthjælp end borgerne i "
        f"{config.grupper_bestemt[k]} og have været selvforsørgende i de uger (break-even)."
    )
    if not uger_kh or uger_kh.get("forskel") is None:
        return text
    text += f" Målt var det {_weeks_fewer(uger_kh['forskel'])} pr. borger"
    position = break_even_position(c.break_even_uger, uger_kh)
    if position is None:
        text += "."
    else:
        low, high = uger_kh["ci_nedre"], uger_kh["ci_oevre"]
        text += f" ({level}-konfidensinterval {_weeks_interval(low, high)})."
        if position == INSIDE:
            text += (f" Break-even på {be} ligger inden for intervallet, så data kan ikke afgøre, om forsøget "
                     "forkortede tiden på kontanthjælp nok til at nå break-even.")
        elif position == BEYOND:
            text += (f" Selv intervallets mindste forkortelse, {formatting.number(-high, 1)} uger, er større end "
                     f"break-even på {be}, så forkortelsen nåede break-even.")
        elif -low > 0:
            text += (f" Selv intervallets største forkortelse, {formatting.number(-low, 1)} uger, er mindre end "
                     f"break-even på {be}, så forkortelsen nåede ikke break-even.")
        else:
            text += f" Intervallet rummer ingen forkortelse, så break-even på {be} blev ikke nået."
    if not_all_self_support:
        text += (" Break-even forudsætter desuden, at de sparede uger blev til selvforsørgelse, og det blev de "
                 "ikke alle, som næste afsnit viser.")
    return text


def summary(r: Oekonomiresultat, config: Config, uger_kh: Mapping[str, float | None] | None) -> str:
    """The cost paragraphs, every number computed. `uger_kh` is the Welch comparison of weeks on
    kontanthjælp per citizen (forsøg − kontrol: `forskel`, `ci_nedre`, `ci_oevre`), against whose interval
    break-even is held."""
    f, k = "forsoeg", "kontrol"
    c = r.central
    level = f"{formatting.number(100 * (1 - config.alpha))}\u00a0%"
    direction = "mindre" if c.forskel < 0 else "mere"
    first = (
        f"Regnet med de centrale antagelser kostede en borger i {config.grupper_bestemt[f]} i gennemsnit "
        f"{formatting.kr(c.gennemsnit[f])} i overførsler i måleperioden mod {formatting.kr(c.gennemsnit[k])} i "
        f"{config.grupper_bestemt[k]}, altså {formatting.kr(abs(c.forskel))} {direction} pr. borger "
        f"({level}-bootstrapinterval for forskellen: {_ci(c.ci, _signed_kr)}). For alle "
        f"{formatting.count(r.n[f])} borgere i {config.grupper_bestemt[f]} svarer det til "
        f"{formatting.mio_kr(abs(c.total_forsoeg))} {direction}."
    )
    second = (
        f"Forsøgets merudgift i perioden var {_investment_text(r, config)}. Regnet med udgifterne i måleperioden "
        f"alene er nettoresultatet for kommunen {formatting.mio_kr(c.netto())}"
    )
    if c.netto_ci is None:
        second += f". {_net_verdict(c)}"
    else:
        second += (
            f" ({level}-bootstrapinterval {_ci(c.netto_ci, formatting.mio_kr)}). {_net_verdict(c)} "
            f"I {share_of_resamples(c.andel_netto_positiv, config.oekonomi.bootstrap_antal)} bootstrapgentagelser "
            "(nye lodtrækninger med tilbagelægning af borgerne i hver gruppe) var nettoresultatet positivt. Intervallerne "
            "og andelen bygger alene på variationen mellem borgerne i de to grupper: de regner med, at priserne pr. uge "
            "er præcis som antaget (følsomhedstabellen viser, hvad andre priser giver), og de rummer hverken udgifter "
            "efter måleperioden eller, at statens refusion i virkeligheden varierer fra borger til borger."
        )
    sentences = [first, second]
    others = [s for s in config.oekonomi.skaleres if s in r.uger]
    extra = sum(r.uger[s][f] - r.uger[s][k] for s in others)
    if c.break_even_uger is not None:
        sentences.append(_break_even_text(c, uger_kh, level, config, bool(others) and extra > 0))
    if others:
        sentences.append(
            f"Færre uger på kontanthjælp er ikke i sig selv en besparelse. Borgerne i {config.grupper_bestemt[f]} "
            f"havde i gennemsnit {formatting.number(abs(extra), 1)} uger {'flere' if extra > 0 else 'færre'} på "
            f"{dansk.join([_lower_first(LABELS[s]) for s in others])} end borgerne i {config.grupper_bestemt[k]}, "
            "og også de ydelser betaler kommunen for. Derfor er udgiften regnet ud fra, hvad hver ydelse koster pr. "
            "uge, og ikke ud fra antallet af afgange; følsomhedstabellen viser, hvor meget resultatet flytter sig, "
            "når priserne ændres."
        )
    return "\n\n".join(sentences)


def to_json(r: Oekonomiresultat, config: Config, uger_kh: Mapping[str, float | None] | None = None) -> dict:
    """The `oekonomi` section of resultater.json (unrounded kroner). `uger_kh` is the Welch comparison of
    weeks on kontanthjælp (see `summary`); `break_even_i_interval` says whether its interval holds
    break-even (None without the comparison)."""

    def inside(s: Scenarie) -> bool | None:
        position = break_even_position(s.break_even_uger, uger_kh)
        return None if position is None else position == INSIDE

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
        "sandsynlighed_netto_positiv": c.andel_netto_positiv,
        "break_even_uger_pr_borger": c.break_even_uger,
        "break_even_i_interval": inside(c),
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
                "sandsynlighed_netto_positiv": s.andel_netto_positiv,
                "break_even_uger_pr_borger": s.break_even_uger,
                "break_even_i_interval": inside(s),
            }
            for s in r.scenarier
        ],
    }
