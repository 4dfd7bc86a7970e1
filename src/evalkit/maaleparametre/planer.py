"""Preparatory plans for the rehabilitation team (måleparameter 5).

Definition (data contract, section 3): the plans whose `dato` (the day the plan was completed) lies in
the phase's placement period, per group: the number of plans, the number of citizens with at least one
plan, how many plans are ticked (`markeret`) in the case system, and the rehabilitation team's outcome
of each plan (indstillet, udskudt, afvist or none). The ticked share over both groups is compared with
the configured threshold: below it the data cannot carry conclusions, and the text and the table note
say so and show the share against the threshold. The measure is unavailable when no plan is dated in
the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit import figures, formatting
from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.tables import Table

TABLES = ("borgere", "forberedende_planer")

NO_OUTCOME = "uden"
REHAB = {
    "indstillet": "Indstillet af rehabiliteringsteamet",
    "udskudt": "Udskudt af rehabiliteringsteamet",
    "afvist": "Afvist af rehabiliteringsteamet",
    NO_OUTCOME: "Uden resultat fra rehabiliteringsteamet",
}
TOTAL_COLOUR = "#6E6E6E"


@dataclass(frozen=True)
class Gruppetal:
    """One group's plans in the period."""

    planer: int
    borgere_med_plan: int
    markeret: int
    rehab: dict[str, int]  # outcome key (see REHAB) -> number of plans


@dataclass(frozen=True)
class Planer:
    fase: Fase
    periode: Periode
    graense: float
    grupper: dict[str, Gruppetal]
    tilgaengelig: bool
    begrundelse: str

    @property
    def planer_i_alt(self) -> int:
        return sum(g.planer for g in self.grupper.values())

    @property
    def markeret_i_alt(self) -> int:
        return sum(g.markeret for g in self.grupper.values())

    @property
    def markeret_andel(self) -> float | None:
        """Share of all plans in the period (both groups) that are ticked; None without plans."""
        return self.markeret_i_alt / self.planer_i_alt if self.planer_i_alt else None

    @property
    def data_gyldige(self) -> bool:
        """Whether the ticked share reaches the configured threshold."""
        return self.markeret_andel is not None and self.markeret_andel >= self.graense


def plans_in_period(planer: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The plans completed in `periode`, both ends included."""
    dato = planer["dato"]
    return planer[(dato >= pd.Timestamp(periode.start)) & (dato <= pd.Timestamp(periode.slut))]


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Planer:
    """Plans, citizens with a plan, ticked plans and rehabilitation outcomes per group in the period."""
    periode = fase.placeringsperiode
    gruppe = data["borgere"].set_index("borger_id")["gruppe"]
    plans = plans_in_period(data["forberedende_planer"], periode)
    plans = plans.assign(
        gruppe=plans["borger_id"].map(gruppe),
        udfald=plans["rehab_resultat"].fillna(NO_OUTCOME),
        markeret=plans["markeret"].astype(bool),
    )
    per_group = (
        plans.groupby("gruppe")
        .agg(planer=("borger_id", "size"), borgere=("borger_id", "nunique"), markeret=("markeret", "sum"))
        .reindex(list(GROUPS))
        .fillna(0)
    )
    outcomes = pd.crosstab(plans["gruppe"], plans["udfald"]).reindex(index=list(GROUPS), columns=list(REHAB)).fillna(0)
    grupper = {
        g: Gruppetal(
            planer=int(per_group.loc[g, "planer"]),
            borgere_med_plan=int(per_group.loc[g, "borgere"]),
            markeret=int(per_group.loc[g, "markeret"]),
            rehab={k: int(outcomes.loc[g, k]) for k in REHAB},
        )
        for g in GROUPS
    }
    tilgaengelig = len(plans) > 0
    begrundelse = (
        ""
        if tilgaengelig
        else (
            "Der er ingen forberedende planer med en dato i perioden "
            f"{formatting.date_range(periode.start, periode.slut)}, så måleparameteret kan ikke opgøres i "
            f"{fase.navn.lower()}en."
        )
    )
    return Planer(
        fase=fase,
        periode=periode,
        graense=config.planer_markeret_graense,
        grupper=grupper,
        tilgaengelig=tilgaengelig,
        begrundelse=begrundelse,
    )


def _pct_against(share: float, threshold: float) -> tuple[str, str]:
    """The share and the threshold as Danish percentages, with as many decimals (up to 2) as it takes for
    a share just below the threshold not to look equal to it."""

    def same(d: int) -> bool:
        return formatting.pct(share, d) == formatting.pct(threshold, d)

    decimals = 0
    while decimals < 2 and share != threshold and same(decimals):
        decimals += 1
    return formatting.pct(share, decimals), formatting.pct(threshold, decimals)


def verdict(p: Planer) -> str:
    """Whether the plan data can carry conclusions, and why, from the ticked share and the threshold."""
    andel, graense = _pct_against(p.markeret_andel or 0.0, p.graense)
    k, n = formatting.count(p.markeret_i_alt), formatting.count(p.planer_i_alt)
    if p.data_gyldige:
        return (
            f"Af de {n} planer er {k} ({andel}) markeret i sagssystemet, så grænsen på {graense} er nået, "
            "og registreringen er fyldestgørende nok til at sammenligne grupperne."
        )
    return (
        f"Kun {k} af de {n} planer ({andel}) er markeret i sagssystemet, mens grænsen er {graense}, så "
        "registreringen er for ufuldstændig til, at tallene kan bære konklusioner om forskelle mellem grupperne; "
        "de skal kun læses som en beskrivelse af de registrerede planer."
    )


def _share(count: int, total: int) -> str:
    return formatting.share_with_count(count / total, count) if total else formatting.count(count)


def table(p: Planer, config: Config) -> Table:
    """Plans, citizens with a plan, ticked plans and rehabilitation outcomes per group and in total."""
    result = Table(["", *(config.grupper[g] for g in GROUPS), "I alt"])
    totals = {
        "planer": p.planer_i_alt,
        "borgere": sum(p.grupper[g].borgere_med_plan for g in GROUPS),
        "markeret": p.markeret_i_alt,
        **{k: sum(p.grupper[g].rehab[k] for g in GROUPS) for k in REHAB},
    }
    result.add_row(
        "Forberedende planer",
        *(formatting.count(p.grupper[g].planer) for g in GROUPS),
        formatting.count(totals["planer"]),
    )
    result.add_row(
        "Borgere med mindst én plan",
        *(formatting.count(p.grupper[g].borgere_med_plan) for g in GROUPS),
        formatting.count(totals["borgere"]),
    )
    result.add_row(
        "Markeret i sagssystemet",
        *(_share(p.grupper[g].markeret, p.grupper[g].planer) for g in GROUPS),
        _share(totals["markeret"], totals["planer"]),
    )
    for key, label in REHAB.items():
        result.add_row(
            label,
            *(_share(p.grupper[g].rehab[key], p.grupper[g].planer) for g in GROUPS),
            _share(totals[key], totals["planer"]),
        )
    result.add_note(
        f"Note: Planer færdiggjort {formatting.date_range(p.periode.start, p.periode.slut)}. Andelene er beregnet af "
        "gruppens planer; antal i parentes. En borger kan have flere planer. " + verdict(p)
    )
    return result


def figure(p: Planer, config: Config) -> SVG:
    """Left: the ticked share per group and in total against the threshold. Right: outcomes per group."""
    fig = figures.new_figure(3.0)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
    rows = [(config.grupper[g], p.grupper[g].markeret, p.grupper[g].planer, figures.GROUP_COLOURS[g]) for g in GROUPS]
    rows.append(("I alt", p.markeret_i_alt, p.planer_i_alt, TOTAL_COLOUR))
    shares = [k / n if n else 0.0 for _label, k, n, _c in rows]
    left.barh(range(len(rows)), shares, color=[c for *_rest, c in rows], height=0.6)
    for pos, value in enumerate(shares):
        left.annotate(formatting.pct(value).replace(" pct.", " %"), (value, pos), xytext=(3, 0),
                      textcoords="offset points", va="center", fontsize=8)
    left.axvline(p.graense, color="black", linestyle="--", linewidth=1)
    left.annotate(
        f"Grænse: {formatting.pct(p.graense).replace(' pct.', ' %')}",
        (p.graense, 0.5),
        xycoords=left.get_xaxis_transform(),
        xytext=(3, 0),
        textcoords="offset points",
        rotation=90,
        ha="left",
        va="center",
        fontsize=8,
    )
    left.set_yticks(range(len(rows)), [label for label, *_rest in rows])
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.set_xticks([0, 0.5, 1])
    figures.percent_axis(left.xaxis)
    left.set_xlabel("Andel af planerne, der er markeret")
    left.set_title("Markerede planer")

    keys = list(REHAB)
    height = 0.38
    for offset, g in ((-height / 2, "forsoeg"), (height / 2, "kontrol")):
        n = p.grupper[g].planer
        right.barh(
            [i + offset for i in range(len(keys))],
            [p.grupper[g].rehab[k] / n if n else 0.0 for k in keys],
            height=height,
            color=figures.GROUP_COLOURS[g],
            label=config.grupper[g],
        )
    right.set_yticks(range(len(keys)), ["Indstillet", "Udskudt", "Afvist", "Intet resultat"])
    right.invert_yaxis()
    figures.percent_axis(right.xaxis)
    right.set_xlabel("Andel af gruppens planer")
    right.set_title("Rehabiliteringsteamets resultat")
    right.legend(loc="lower right", frameon=False)
    return figures.as_svg(fig)


def summary(p: Planer, config: Config) -> str:
    """A Danish paragraph on the plans and the data-quality verdict, every number computed."""
    if not p.tilgaengelig:
        return p.begrundelse
    f, k = (p.grupper[g] for g in GROUPS)
    bf, bk = (config.grupper_bestemt[g] for g in GROUPS)

    def share_of(g: Gruppetal, key: str) -> str:
        return formatting.pct(g.rehab[key] / g.planer) if g.planer else "ingen"

    text = (
        f"I perioden {formatting.date_range(p.periode.start, p.periode.slut)} blev der færdiggjort "
        f"{formatting.count(f.planer)} forberedende planer for {formatting.count(f.borgere_med_plan)} borgere i {bf} "
        f"og {formatting.count(k.planer)} planer for {formatting.count(k.borgere_med_plan)} borgere i {bk}. "
        f"Rehabiliteringsteamet indstillede {share_of(f, 'indstillet')} af planerne i {bf} og "
        f"{share_of(k, 'indstillet')} i {bk}; {share_of(f, 'udskudt')} og {share_of(k, 'udskudt')} blev udskudt, "
        f"{share_of(f, 'afvist')} og {share_of(k, 'afvist')} blev afvist, og for {share_of(f, NO_OUTCOME)} og "
        f"{share_of(k, NO_OUTCOME)} er der intet resultat registreret. "
    )
    # an invalid data basis is said first, since it qualifies every number after it
    return text + verdict(p) if p.data_gyldige else f"{verdict(p)} {text.rstrip()}"


def to_json(p: Planer) -> dict:
    """The plans section of resultater.json (true, unrounded numbers)."""
    return {
        "planer": {
            "periode": p.periode.as_json(),
            "markeret_andel": p.markeret_andel,
            "graense": p.graense,
            "data_gyldige": p.data_gyldige,
            **{
                g: {
                    "planer": p.grupper[g].planer,
                    "borgere_med_plan": p.grupper[g].borgere_med_plan,
                    "markeret": p.grupper[g].markeret,
                    "rehab": dict(p.grupper[g].rehab),
                }
                for g in GROUPS
            },
        }
    }
