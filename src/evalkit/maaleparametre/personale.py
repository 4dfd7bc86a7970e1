"""Sick leave and staff turnover per department (måleparameter 4; Tabel 8, 9, 10 and 11).

Definitions (data contract, section 3), per configured department and per HR period of the phase:

- sick days per full-time employee = the sum of sick days over the period's months divided by the
  mean of `fuldtidsansatte` over the same months (a ratio of totals, not a mean of monthly ratios),
  shown in total and split into short-term (`sygedage_kort`) and long-term (`sygedage_lang`) leave;
- external turnover = 100 × the sum of `fratraadte_eksterne` over the months divided by the mean of
  `ansatte` over the months, a percentage; internal moves are left out.

A period is available only when every configured department has every month of the period in both
HR tables; the months that are missing are named in the notes (or, when no period is complete, in the
reason why the measure cannot be shown). The trial department is marked in tables and highlighted in
figures. Figures are rounded to one decimal when shown, and only then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from IPython.display import SVG
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from evalkit.config import Config, Fase, Maanedsperiode
from evalkit.praesentation import figures, formatting, tekst
from evalkit.praesentation.tables import Table

TABLES = ("sygefravaer", "medarbejderomsaetning")

# what each HR table is called in a Danish sentence about missing data
TABLE_NOUNS = {"sygefravaer": "sygefraværstal", "medarbejderomsaetning": "tal for medarbejderomsætning"}
TRIAL_MARK = "forsøgsafdeling"
OTHER_COLOURS = {"kort": "#6E6E6E", "lang": "#C4C4C4"}
TRIAL_COLOURS = {"kort": figures.GROUP_COLOURS["forsoeg"], "lang": "#9CC9E6"}
LONG_HATCH = "///"


@dataclass(frozen=True)
class Afdelingstal:
    """One department's HR figures over one HR period (sums and means over the period's months)."""

    afdeling: str
    forsoegsafdeling: bool
    sygedage_kort: float  # sum over the months
    sygedage_lang: float  # sum over the months
    fuldtidsansatte: float  # mean over the months
    fratraadte_eksterne: int  # sum over the months
    ansatte: float  # mean over the months

    @property
    def kort(self) -> float:
        """Short-term sick days per full-time employee."""
        return self.sygedage_kort / self.fuldtidsansatte

    @property
    def lang(self) -> float:
        """Long-term sick days per full-time employee."""
        return self.sygedage_lang / self.fuldtidsansatte

    @property
    def total(self) -> float:
        """All sick days per full-time employee."""
        return (self.sygedage_kort + self.sygedage_lang) / self.fuldtidsansatte

    @property
    def ekstern_pct(self) -> float:
        """External turnover in per cent of the mean headcount."""
        return 100 * self.fratraadte_eksterne / self.ansatte


@dataclass(frozen=True)
class HrPeriode:
    """One HR period with complete data: every configured department, in configuration order."""

    periode: Maanedsperiode
    afdelinger: tuple[Afdelingstal, ...]


@dataclass(frozen=True)
class Mangel:
    """An HR period left out, and per table the months missing per department."""

    periode: Maanedsperiode
    mangler: dict[str, dict[str, tuple[dt.date, ...]]]  # table -> department -> missing months


@dataclass(frozen=True)
class Personale:
    fase: Fase
    perioder: tuple[HrPeriode, ...]  # the phase's HR periods with complete data
    udeladte: tuple[Mangel, ...]  # the phase's HR periods left out for missing data
    tilgaengelig: bool
    begrundelse: str


def _months(periode: Maanedsperiode) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(periode.start), pd.Timestamp(periode.slut), freq="MS")


def _in_period(frame: pd.DataFrame, periode: Maanedsperiode, afdelinger: tuple[str, ...]) -> pd.DataFrame:
    return frame[frame["afdeling"].isin(list(afdelinger)) & frame["maaned"].isin(_months(periode))]


def missing_months(
    frame: pd.DataFrame, periode: Maanedsperiode, afdelinger: tuple[str, ...]
) -> dict[str, tuple[dt.date, ...]]:
    """Per department, the months of `periode` without a row in `frame` (departments with none left out)."""
    expected = pd.MultiIndex.from_product([list(afdelinger), _months(periode)], names=["afdeling", "maaned"])
    present = pd.MultiIndex.from_frame(_in_period(frame, periode, afdelinger)[["afdeling", "maaned"]])
    absent = expected.difference(present).to_frame(index=False)
    return {
        afdeling: tuple(m.date() for m in absent.loc[absent["afdeling"] == afdeling, "maaned"].sort_values())
        for afdeling in afdelinger
        if (absent["afdeling"] == afdeling).any()
    }


def _period_figures(data: dict[str, pd.DataFrame], periode: Maanedsperiode, config: Config) -> HrPeriode:
    afdelinger = list(config.afdelinger)
    syg = (
        _in_period(data["sygefravaer"], periode, config.afdelinger)
        .groupby("afdeling")
        .agg(kort=("sygedage_kort", "sum"), lang=("sygedage_lang", "sum"), fte=("fuldtidsansatte", "mean"))
        .reindex(afdelinger)
    )
    oms = (
        _in_period(data["medarbejderomsaetning"], periode, config.afdelinger)
        .groupby("afdeling")
        .agg(eksterne=("fratraadte_eksterne", "sum"), ansatte=("ansatte", "mean"))
        .reindex(afdelinger)
    )
    return HrPeriode(
        periode=periode,
        afdelinger=tuple(
            Afdelingstal(
                afdeling=a,
                forsoegsafdeling=a == config.forsoegsafdeling,
                sygedage_kort=float(syg.loc[a, "kort"]),
                sygedage_lang=float(syg.loc[a, "lang"]),
                fuldtidsansatte=float(syg.loc[a, "fte"]),
                fratraadte_eksterne=int(oms.loc[a, "eksterne"]),
                ansatte=float(oms.loc[a, "ansatte"]),
            )
            for a in afdelinger
        ),
    )


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Personale:
    """Sick leave and external turnover per department for each of the phase's HR periods."""
    perioder, udeladte = [], []
    for periode in fase.hr_perioder:
        mangler = {t: missing_months(data[t], periode, config.afdelinger) for t in TABLES}
        if any(mangler.values()):
            udeladte.append(Mangel(periode, {t: m for t, m in mangler.items() if m}))
        else:
            perioder.append(_period_figures(data, periode, config))
    begrundelse = ""
    if not perioder:
        begrundelse = (
            f"Sygefravær og medarbejderomsætning kan ikke opgøres i {fase.navn.lower()}en, fordi HR-data ikke "
            f"dækker nogen af fasens perioder fuldt ud. {' '.join(_missing_sentence(m) for m in udeladte)}"
        )
    return Personale(
        fase=fase,
        perioder=tuple(perioder),
        udeladte=tuple(udeladte),
        tilgaengelig=bool(perioder),
        begrundelse=begrundelse,
    )


# --- Danish text helpers ---------------------------------------------------------------------


def period_label(periode: Maanedsperiode) -> str:
    """'maj–december 2018', from the configuration."""
    return formatting.month_range(periode.start, periode.slut)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: list[str]) -> str:
    """'a', 'a og b', 'a, b og c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}"


def _month_runs(months: tuple[dt.date, ...]) -> str:
    """Consecutive months as ranges: 'juni 2018', 'maj–august 2018 og november 2018'."""
    runs: list[list[dt.date]] = []
    for m in months:
        if runs and (m.year * 12 + m.month) - (runs[-1][-1].year * 12 + runs[-1][-1].month) == 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return _join([formatting.month_range(run[0], run[-1]) for run in runs])


def _missing_sentence(mangel: Mangel) -> str:
    parts = []
    for table, per_department in mangel.mangler.items():
        where = _join([f"{afdeling} ({_month_runs(months)})" for afdeling, months in per_department.items()])
        parts.append(f"{TABLE_NOUNS[table]} for {where}")
    return f"For {period_label(mangel.periode)} mangler der {_join(parts)}."


def _omitted_note(p: Personale) -> str:
    if not p.udeladte:
        return ""
    labels = _join([period_label(m.periode) for m in p.udeladte])
    noun = "Perioden" if len(p.udeladte) == 1 else "Perioderne"
    return f"{noun} {labels} indgår ikke, fordi data ikke er komplette. " + " ".join(
        _missing_sentence(m) for m in p.udeladte
    )


def department_label(a: Afdelingstal) -> str:
    """The department's name, with the trial department marked."""
    return f"{a.afdeling} ({TRIAL_MARK})" if a.forsoegsafdeling else a.afdeling


def one_decimal(value: float) -> str:
    """'3,0'."""
    return formatting.number(value, 1)


def percent_one_decimal(value: float) -> str:
    """A value already in per cent: '3,8 pct.'."""
    return f"{formatting.number(value, 1)} pct."


# --- tables ------------------------------------------------------------------------------------


def table_sick_leave(p: Personale, config: Config) -> Table:
    """Tabel 8 and 9 in one: sick days per full-time employee (total, short, long), a row group per period."""
    table = Table(["Afdeling", "Sygedage i alt", "Korttidsfravær", "Langtidsfravær"])
    for hp in p.perioder:
        table.add_row(tekst.bold(_capitalised(period_label(hp.periode))), "", "", "")
        for a in hp.afdelinger:
            table.add_row(department_label(a), one_decimal(a.total), one_decimal(a.kort), one_decimal(a.lang))
    table.add_note(
        "Note: Sygedage pr. fuldtidsansat er periodens sygedage i alt divideret med det gennemsnitlige antal "
        "fuldtidsansatte i periodens måneder."
    )
    uneven = any(
        formatting.round_half_up(a.total, 1)
        != formatting.round_half_up(a.kort, 1) + formatting.round_half_up(a.lang, 1)
        for hp in p.perioder
        for a in hp.afdelinger
    )
    if uneven:
        table.add_note(
            "Tallene er afrundet hver for sig, så i alt kan afvige en smule fra summen af korttids- og langtidsfravær."
        )
    if len({hp.periode.maaneder for hp in p.perioder}) > 1:
        table.add_note(
            "Perioderne er ikke lige lange. Figuren viser derfor sygedage pr. fuldtidsansat pr. år: periodens tal "
            "ganget med 12 og divideret med periodens antal måneder."
        )
    if p.udeladte:
        table.add_note(_omitted_note(p))
    return table


def table_turnover(p: Personale, config: Config) -> Table:
    """Tabel 10 and 11 side by side: external staff turnover per department and period."""
    table = Table(["Afdeling", *(_capitalised(period_label(hp.periode)) for hp in p.perioder)])
    for i in range(len(config.afdelinger)):
        table.add_row(
            department_label(p.perioder[0].afdelinger[i]),
            *(percent_one_decimal(hp.afdelinger[i].ekstern_pct) for hp in p.perioder),
        )
    table.add_note(
        "Note: Ekstern medarbejderomsætning er antallet af medarbejdere, der i perioden er fratrådt til en "
        "arbejdsgiver uden for kommunen, i procent af det gennemsnitlige antal ansatte i periodens måneder. "
        "Interne flytninger indgår ikke."
    )
    if p.udeladte:
        table.add_note(_omitted_note(p))
    return table


# --- figures -----------------------------------------------------------------------------------


def _tick_label(a: Afdelingstal) -> str:
    return f"{a.afdeling}\n({TRIAL_MARK})" if a.forsoegsafdeling else a.afdeling


def _panels(p: Personale, height: float):
    fig = figures.new_figure(height)
    axes = fig.subplots(1, len(p.perioder), sharex=True, sharey=True, squeeze=False)[0]
    return fig, axes


def _style_panel(ax, hp: HrPeriode, first: bool) -> None:
    ax.set_title(_capitalised(period_label(hp.periode)))
    ax.set_yticks(range(len(hp.afdelinger)), [_tick_label(a) for a in hp.afdelinger])
    if first:
        ax.invert_yaxis()
        for tick, a in zip(ax.get_yticklabels(), hp.afdelinger):
            if a.forsoegsafdeling:
                tick.set_fontweight("bold")
                tick.set_color(figures.GROUP_COLOURS["forsoeg"])


def per_year(hp: HrPeriode) -> float:
    """The factor that turns an HR period's sick days into sick days per year (12 / its months), so that
    periods of different length share one axis."""
    return 12 / hp.periode.maaneder


def _trial_and_others(hp: HrPeriode) -> tuple[Afdelingstal | None, list[Afdelingstal]]:
    """The trial department of an HR period (None when it has no figures) and the other departments."""
    trial = [a for a in hp.afdelinger if a.forsoegsafdeling]
    return (trial[0] if trial else None), [a for a in hp.afdelinger if not a.forsoegsafdeling]


def _trial_against_others(p: Personale, value: Callable[[Afdelingstal, HrPeriode], float], what: str, unit: str) -> str | None:
    """A staff figure's finding for the last HR period: the trial department's value against the range of
    the others' ('Januar–december 2019: 10,6 sygedage … i forsøgsafdelingen mod mellem 5,6 og 21,8 i de øvrige
    afdelinger.')."""
    if not p.perioder:
        return None
    hp = p.perioder[-1]
    trial, others = _trial_and_others(hp)
    if trial is None or not others:
        return None
    values = [value(a, hp) for a in others]
    return (f"{_capitalised(period_label(hp.periode))}: {one_decimal(value(trial, hp))}{unit} {what} i forsøgsafdelingen "
            f"mod mellem {one_decimal(min(values))} og {one_decimal(max(values))}{unit} i de øvrige afdelinger.")


def figure_sick_leave(p: Personale, config: Config) -> SVG:
    """Short- and long-term sick days per full-time employee per year, stacked, one panel per HR period."""
    fig, axes = _panels(p, 1.2 + 0.42 * len(config.afdelinger))
    for i, (ax, hp) in enumerate(zip(axes, p.perioder)):
        positions = range(len(hp.afdelinger))
        colours = [TRIAL_COLOURS if a.forsoegsafdeling else OTHER_COLOURS for a in hp.afdelinger]
        factor = per_year(hp)
        kort = [a.kort * factor for a in hp.afdelinger]
        ax.barh(positions, kort, color=[c["kort"] for c in colours], height=0.65)
        ax.barh(
            positions,
            [a.lang * factor for a in hp.afdelinger],
            left=kort,
            color=[c["lang"] for c in colours],
            hatch=LONG_HATCH,
            edgecolor="white",
            linewidth=0,
            height=0.65,
        )
        for pos, a in zip(positions, hp.afdelinger):
            ax.annotate(
                one_decimal(a.total * factor), (a.total * factor, pos), xytext=(3, 0), textcoords="offset points",
                va="center", fontsize=8
            )
        _style_panel(ax, hp, first=i == 0)
        figures.number_axis(ax.xaxis)
        ax.set_xlabel("Sygedage pr. fuldtidsansat pr. år")
    axes[0].set_xlim(0, 1.15 * max(a.total * per_year(hp) for hp in p.perioder for a in hp.afdelinger) or 1)
    finding = _trial_against_others(p, lambda a, hp: a.total * per_year(hp), "sygedage pr. fuldtidsansat pr. år", "")
    fig.legend(
        handles=[
            Patch(facecolor=OTHER_COLOURS["kort"], label="Korttidsfravær"),
            Patch(facecolor=OTHER_COLOURS["lang"], hatch=LONG_HATCH, edgecolor="white", label="Langtidsfravær"),
            Patch(facecolor=TRIAL_COLOURS["kort"], label=f"{config.forsoegsafdeling} ({TRIAL_MARK})"),
        ],
        loc="outside lower center",
        ncols=3,
        frameon=False,
    )
    return figures.as_svg(fig, finding)


def figure_turnover(p: Personale, config: Config) -> SVG:
    """External staff turnover per department, one panel per HR period, the trial department highlighted."""
    fig, axes = _panels(p, 1.0 + 0.42 * len(config.afdelinger))
    for i, (ax, hp) in enumerate(zip(axes, p.perioder)):
        positions = range(len(hp.afdelinger))
        ax.barh(
            positions,
            [a.ekstern_pct for a in hp.afdelinger],
            color=[TRIAL_COLOURS["kort"] if a.forsoegsafdeling else OTHER_COLOURS["kort"] for a in hp.afdelinger],
            height=0.65,
        )
        for pos, a in zip(positions, hp.afdelinger):
            ax.annotate(
                f"{one_decimal(a.ekstern_pct)} %",
                (a.ekstern_pct, pos),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        _style_panel(ax, hp, first=i == 0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        figures.number_axis(ax.xaxis, " %")
        ax.set_xlabel("Ekstern omsætning")
    axes[0].set_xlim(0, 1.2 * max(a.ekstern_pct for hp in p.perioder for a in hp.afdelinger) or 1)
    finding = _trial_against_others(p, lambda a, _hp: a.ekstern_pct, "ekstern medarbejderomsætning", " pct.")
    return figures.as_svg(fig, finding)


# --- text --------------------------------------------------------------------------------------


def _comparison(value: float, others: list[float]) -> str:
    """Where the trial department lies among the other departments, judged on the shown (rounded) values."""
    shown = formatting.round_half_up(value, 1)
    rounded: list[Decimal] = [formatting.round_half_up(v, 1) for v in others]
    higher_than = sum(shown > r for r in rounded)
    lower_than = sum(shown < r for r in rounded)
    same = len(rounded) - higher_than - lower_than
    if lower_than == len(rounded):
        return "lavere end i alle de øvrige afdelinger"
    if higher_than == len(rounded):
        return "højere end i alle de øvrige afdelinger"
    if same == len(rounded):
        return "på niveau med alle de øvrige afdelinger"
    parts = []
    if higher_than:
        parts.append(f"højere end i {formatting.count(higher_than)}")
    if lower_than:
        parts.append(f"lavere end i {formatting.count(lower_than)}")
    if same:
        parts.append(f"på niveau med {formatting.count(same)}")
    return f"{_join(parts)} af de {formatting.count(len(rounded))} øvrige afdelinger"


def _period_summary(hp: HrPeriode) -> str:
    t, others = _trial_and_others(hp)
    label = period_label(hp.periode)
    if t is None or not others:
        totals = [a.total for a in hp.afdelinger]
        rates = [a.ekstern_pct for a in hp.afdelinger]
        return (
            f"I {label} lå sygefraværet mellem {one_decimal(min(totals))} og {one_decimal(max(totals))} sygedage pr. "
            f"fuldtidsansat, og den eksterne medarbejderomsætning mellem {one_decimal(min(rates))} og "
            f"{percent_one_decimal(max(rates))}"
        )
    totals = [a.total for a in others]
    rates = [a.ekstern_pct for a in others]
    return (
        f"I {label} havde forsøgsafdelingen, {t.afdeling}, {one_decimal(t.total)} sygedage pr. fuldtidsansat, "
        f"heraf {one_decimal(t.kort)} dages korttidsfravær og {one_decimal(t.lang)} dages langtidsfravær. "
        f"I de øvrige afdelinger lå tallet mellem {one_decimal(min(totals))} og {one_decimal(max(totals))} dage, "
        f"så sygefraværet i forsøgsafdelingen var {_comparison(t.total, totals)}. "
        f"Korttidsfraværet alene var {_comparison(t.kort, [a.kort for a in others])}. "
        f"Den eksterne medarbejderomsætning var {percent_one_decimal(t.ekstern_pct)} i forsøgsafdelingen mod "
        f"mellem {one_decimal(min(rates))} og {percent_one_decimal(max(rates))} i de øvrige afdelinger, dvs. "
        f"{_comparison(t.ekstern_pct, rates)}."
    )


def summary(p: Personale, config: Config) -> str:
    """A Danish paragraph on sick leave and turnover per HR period, every number computed."""
    if not p.tilgaengelig:
        return p.begrundelse
    text = " ".join(_period_summary(hp) for hp in p.perioder)
    text += (
        " Tallene beskriver afdelingerne og siger ikke i sig selv noget om, hvorfor de adskiller sig; "
        "langtidsfraværet kan desuden svinge meget på grund af få lange sygeforløb i en afdeling."
    )
    if p.udeladte:
        text += " " + _omitted_note(p)
    return text


def to_json(p: Personale) -> dict:
    """The HR sections of resultater.json (true, unrounded numbers)."""
    return {
        "sygefravaer": [
            {
                "periode": hp.periode.as_json(),
                "afdeling": a.afdeling,
                "forsoegsafdeling": a.forsoegsafdeling,
                "total": a.total,
                "kort": a.kort,
                "lang": a.lang,
            }
            for hp in p.perioder
            for a in hp.afdelinger
        ],
        "medarbejderomsaetning": [
            {
                "periode": hp.periode.as_json(),
                "afdeling": a.afdeling,
                "forsoegsafdeling": a.forsoegsafdeling,
                "ekstern_pct": a.ekstern_pct,
                "fratraadte_eksterne": a.fratraadte_eksterne,
                "ansatte_gennemsnit": a.ansatte,
            }
            for hp in p.perioder
            for a in hp.afdelinger
        ],
    }
