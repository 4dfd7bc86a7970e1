"""Company placements (måleparameter 3; Tabel 4).

Definition (data contract, section 3): a citizen counts as placed when at least one of their
placements (virksomhedspraktik or løntilskud) overlaps the phase's placement period, i.e. the
placement starts no later than the period's last day and either has no end date (ongoing) or ends
no earlier than the period's first day. Shares use the whole group as denominator. The measurement
is not available for a phase when no placement at all overlaps its period. Small counts of citizens
are suppressed in the table, text and figure labels (`evalkit.statistik.diskretion`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG
from statsmodels.stats.proportion import proportion_confint

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.maaleparametre.faelles import adjusted_comparison, count_id, outcome, with_document
from evalkit.praesentation import beskyttet, figures, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion

TABLES = ("borgere", "virksomhedsplaceringer")

TYPES = {"praktik": "Virksomhedspraktik", "loentilskud": "Løntilskud"}


def overlapping(placeringer: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The placements that overlap `periode` (an empty `slut` means the placement is ongoing)."""
    first, last = pd.Timestamp(periode.start), pd.Timestamp(periode.slut)
    mask = (placeringer["start"] <= last) & (placeringer["slut"].isna() | (placeringer["slut"] >= first))
    return placeringer[mask]


@dataclass(frozen=True)
class Virksomhedsplaceringer:
    fase: Fase
    n: dict[str, int]
    placeret: dict[str, int]  # group -> citizens with at least one overlapping placement
    typer: dict[str, dict[str, int]]  # placement type -> group -> citizens with such a placement
    justeret: dict | None  # covariate-adjusted comparison (evalkit.maaleparametre.faelles.adjusted_difference)
    tilgaengelig: bool
    begrundelse: str  # Danish sentence shown instead of the results when not available
    diskretionsgraense: int
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    @property
    def periode(self) -> Periode:
        return self.fase.placeringsperiode

    def skjult(self) -> dict[str, str | None]:
        """Per group, whether its counts and share placed are suppressed (`diskretion.suppress_outcome`, and
        the document's solution)."""
        marks = diskretion.suppress_outcome(self.placeret, self.n, self.diskretionsgraense)
        return with_document(marks, self.dokument_plan,
                             lambda g: [count_id("udfald", "virksomhedsplacering", g, key) for key in ("antal", "uden")])

    def skjulte_typer(self) -> dict[str, dict[str, str | None]]:
        """Per placement type and group, whether the count is suppressed: small, or the group's counts are hidden."""
        groups = self.skjult()
        return {
            t: with_document(
                {g: mark or groups[g] for g, mark in diskretion.suppress(counts, self.diskretionsgraense, False).items()},
                self.dokument_plan, lambda g, t=t: [count_id("virksomhedsplaceringer", "typer", t, g)],
            )
            for t, counts in self.typer.items()
        }

    def ikke_placeret(self, group: str) -> int:
        return self.n[group] - self.placeret[group]

    def andel(self, group: str) -> float:
        return self.placeret[group] / self.n[group] if self.n[group] else float("nan")

    def konfidensinterval(self, group: str, alpha: float) -> tuple[float, float]:
        """Wilson score interval for the group's share placed. Floating-point noise can put a bound a hair
        beyond the share (0/7 gives a lower bound of 3e-17), so the interval is widened to contain it."""
        low, high = proportion_confint(self.placeret[group], self.n[group], alpha=alpha, method="wilson")
        share = self.andel(group)
        return min(float(low), share), max(float(high), share)


def _reason(fase: Fase) -> str:
    periode = fase.placeringsperiode
    return (
        f"Der er ingen virksomhedsplaceringer i perioden {formatting.date_range(periode.start, periode.slut)} "
        f"i data, så antallet af borgere i virksomhedsplacering kan ikke opgøres i {fase.navn.lower()}en."
    )


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Virksomhedsplaceringer:
    """Citizens with at least one placement in the phase's placement period, per group and per type."""
    borgere = data["borgere"]
    gruppe = borgere.set_index("borger_id")["gruppe"]
    placements = overlapping(data["virksomhedsplaceringer"], fase.placeringsperiode)
    placed = gruppe[gruppe.index.isin(placements["borger_id"])].value_counts()
    by_type = placements[["borger_id", "type"]].drop_duplicates()
    by_type = pd.crosstab(by_type["type"], by_type["borger_id"].map(gruppe))
    by_type = by_type.reindex(index=list(TYPES), columns=list(GROUPS)).fillna(0).astype(int)
    available = not placements.empty
    return Virksomhedsplaceringer(
        fase=fase,
        n={g: int((borgere["gruppe"] == g).sum()) for g in GROUPS},
        placeret={g: int(placed.get(g, 0)) for g in GROUPS},
        typer={t: {g: int(by_type.loc[t, g]) for g in GROUPS} for t in TYPES},
        justeret=adjusted_comparison(pd.Series(gruppe.index.isin(placements["borger_id"]), index=gruppe.index), borgere, config),
        tilgaengelig=available,
        begrundelse="" if available else _reason(fase),
        diskretionsgraense=config.diskretionsgraense,
        dokument_plan=config.diskretion_plan,
    )


def _type_text() -> str:
    return " eller ".join(label.lower() for label in TYPES.values())


def table(v: Virksomhedsplaceringer, config: Config) -> Table:
    """Tabel 4: citizens in and not in a company placement, and the share placed, per group."""
    t = v.diskretionsgraense
    result = Table(["", "I virksomhedsplacering", "Ikke i placering", "Borgere i alt", "Andel"])
    for g, mark in v.skjult().items():
        result.add_row(
            config.grupper[g],
            beskyttet.count_cell(v.placeret[g], t, mark),
            beskyttet.count_cell(v.ikke_placeret(g), t, mark),
            beskyttet.count_cell(v.n[g], t),
            beskyttet.pct_cell(v.placeret[g], v.n[g], t, mark, beskyttet.OUTCOME_DECIMALS),
        )
    result.add_note(
        f"Note: En borger tæller med, hvis mindst én virksomhedsplacering ({_type_text()}) helt eller delvist "
        f"ligger i perioden {formatting.date_range(v.periode.start, v.periode.slut)}. Andelen er beregnet af alle "
        f"borgere i gruppen ({beskyttet.count_cell(v.n['forsoeg'], t)} i {config.grupper_bestemt['forsoeg']} og "
        f"{beskyttet.count_cell(v.n['kontrol'], t)} i {config.grupper_bestemt['kontrol']})."
    )
    return beskyttet.annotate(result, t)


def figure(v: Virksomhedsplaceringer, config: Config) -> SVG:
    """Share placed per group with Wilson confidence intervals, as the table prints the share; a hidden
    group gets neither bar nor interval."""
    level = formatting.number(100 * (1 - config.alpha))
    t, marks = v.diskretionsgraense, v.skjult()
    shares = {g: beskyttet.shown_share(v.placeret[g], v.n[g], t, marks[g], beskyttet.OUTCOME_DECIMALS) for g in GROUPS}
    shown = [g for g in GROUPS if shares[g] is not None]
    intervals = {g: v.konfidensinterval(g, config.alpha) for g in shown}
    fig = figures.new_figure(3.0)
    ax = fig.subplots()
    bars = ax.bar(
        [GROUPS.index(g) for g in shown],
        [shares[g] for g in shown],
        width=0.55,
        color=[figures.GROUP_COLOURS[g] for g in shown],
        yerr=[[max(shares[g] - intervals[g][0], 0.0) for g in shown], [max(intervals[g][1] - shares[g], 0.0) for g in shown]],
        capsize=6,
        error_kw={"elinewidth": 1, "ecolor": "#333333"},
    )
    ax.bar_label(bars, labels=[beskyttet.pct_cell(v.placeret[g], v.n[g], t, marks[g], beskyttet.OUTCOME_DECIMALS) for g in shown],
                 label_type="center", color="white")
    for g in GROUPS:
        if shares[g] is None:
            ax.annotate(beskyttet.HIDDEN, (GROUPS.index(g), 0), xytext=(0, 3), textcoords="offset points", ha="center")
    if len(shown) < len(GROUPS):
        figures.note_hidden(ax)
    ax.set_xticks(range(len(GROUPS)), [config.grupper[g] for g in GROUPS])
    ax.set_xlim(-0.6, len(GROUPS) - 0.4)
    ax.set_ylim(0, 1)
    figures.percent_axis(ax.yaxis)
    ax.set_ylabel("Andel i virksomhedsplacering")
    ax.set_title(f"De lodrette streger viser {level} %-konfidensintervallet (Wilson)", loc="left", fontsize=8, color="#555555")
    return figures.as_svg(fig, figures.pair_finding("I virksomhedsplacering", shares, config.grupper_bestemt))


def summary(v: Virksomhedsplaceringer, config: Config) -> str:
    """A Danish paragraph on the citizens in company placements, every number computed."""
    f, k = "forsoeg", "kontrol"
    t = v.diskretionsgraense
    periode = formatting.date_range(v.periode.start, v.periode.slut)
    if any(v.skjult().values()):
        reason = beskyttet.hidden_outcome_reason(
            v.placeret, v.n, t, config.grupper_bestemt, "var i virksomhedsplacering", "var ikke i virksomhedsplacering"
        )
        return (
            f"Antal og andele af borgere i mindst én virksomhedsplacering i perioden {periode} og forskellen mellem "
            f"grupperne vises ikke af hensyn til diskretion, da {reason}."
        )
    marks = v.skjulte_typer()

    def typer(kind: str) -> str:
        return " og ".join(beskyttet.count_text(v.typer[kind][g], t, marks[kind][g]) for g in GROUPS)

    return (
        f"I perioden {periode} var {formatting.count(v.placeret[f])} af {formatting.count(v.n[f])} borgere i "
        f"{config.grupper_bestemt[f]} ({formatting.pct(v.andel(f), 1)}) i mindst én virksomhedsplacering, mod "
        f"{formatting.count(v.placeret[k])} af {formatting.count(v.n[k])} borgere i {config.grupper_bestemt[k]} "
        f"({formatting.pct(v.andel(k), 1)}). Forskellen mellem grupperne er "
        f"{formatting.pct_points(v.andel(f) - v.andel(k))}. "
        f"Af de placerede borgere havde henholdsvis {typer('praktik')} været i virksomhedspraktik og "
        f"{typer('loentilskud')} i løntilskud; nogle borgere har haft begge slags placering."
    )


def to_json(v: Virksomhedsplaceringer) -> dict:
    """The placement outcome for resultater.json, plus the period and the citizens per placement type; the
    suppressed ones are marked (`diskretion.mark_json`)."""
    marks = v.skjulte_typer()
    return {
        "udfald": {"virksomhedsplacering": diskretion.mark_json(outcome(v.placeret, v.n, v.justeret), v.skjult())},
        "virksomhedsplaceringer": {
            "periode": v.periode.as_json(),
            "typer": {t: diskretion.mark_json(dict(counts), marks[t]) for t, counts in v.typer.items()},
        },
    }
