"""Exits from kontanthjælp and their destinations (måleparameter 1 and 2; Tabel 3 and Tabel 5).

Definition (data contract, section 3): an exit is a week t whose Monday lies in the phase's
måleperiode, with a status other than kontanthjælp in week t and kontanthjælp in week t − 1.
Its destination is the status in week t + k (k = the configured follow-up lag); an exit without a
row in week t + k has no known destination. A citizen's outcome is the destination of the earliest
exit whose destination is known and is not kontanthjælp; citizens without one are still on
kontanthjælp. Shares use the whole group as denominator.

Small counts of citizens are suppressed in the tables and texts (`evalkit.statistik.diskretion`); resultater.json
keeps the true numbers and marks the suppressed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import SVG

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.data import panel
from evalkit.maaleparametre.faelles import EXIT_LABELS as LABELS
from evalkit.maaleparametre.faelles import (
    STILL_ON_KH,
    adjusted_comparisons,
    count_id,
    find_exits,  # noqa: F401 (every exit, for tests and the naive reference)
    outcome,
    share,
    with_document,
)
from evalkit.praesentation import beskyttet, figures, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion
from evalkit.statistik.andele import distribution_test

TABLES = ("borgere", "ydelser")


# status in the follow-up week -> outcome
DESTINATION = {
    "beskaeftigelse": "beskaeftigelse",
    "smaajob": "smaajob",
    "uddannelse": "uddannelse",
    "ressourceforloeb": "ressourceforloeb",
    "fleksjob": "fleksjob",
    "foertidspension": "foertidspension",
    "sygedagpenge": "andet",
    "andet": "andet",
}
OUTCOMES = tuple(LABELS)
JOB_AND_EDUCATION = ("beskaeftigelse", "smaajob", "uddannelse")  # måleparameter 1, Tabel 3
OTHER_BENEFITS = ("ressourceforloeb", "fleksjob", "foertidspension")  # måleparameter 2, Tabel 5


def outcomes(
    borgere: pd.DataFrame, ydelser: pd.DataFrame | panel.Borgerpanel, periode: Periode, lag_weeks: int
) -> pd.Series:
    """Each citizen's outcome key (see `OUTCOMES`), indexed by borger_id: the destination of the first exit
    whose destination is known and is not kontanthjælp. `ydelser` is the frame or a panel of either engine."""
    first = panel.borgerpanel(ydelser, borgere["borger_id"]).first_exits(periode.start, periode.slut, lag_weeks)
    result = first["destination_talt"].map(DESTINATION).fillna(STILL_ON_KH)
    result.name = "udfald"
    return result


@dataclass(frozen=True)
class Afgange:
    fase: Fase
    lag_weeks: int
    n: dict[str, int]
    antal: dict[str, dict[str, int]]  # group -> outcome -> count
    justeret: dict[str, dict | None]  # outcome -> covariate-adjusted comparison
    diskretionsgraense: int
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)
    alpha: float = 0.05

    def andel(self, group: str, outcome: str) -> float:
        return self.antal[group][outcome] / self.n[group]

    def skjult(self, outcome: str) -> dict[str, str | None]:
        """Per group, whether its count and share of `outcome` are suppressed (`skjulte`)."""
        return self.skjulte[outcome]

    @cached_property
    def skjulte(self) -> dict[str, dict[str, str | None]]:
        """Suppression marks of every outcome, marks[outcome][group], solved over all of them together:
        each citizen has exactly one outcome, so a group's outcomes add up to its (published) size and one
        hidden count could be found by subtraction; each outcome is compared between the groups
        (`diskretion.suppress_outcome`'s rule, also when few citizens lack it)."""
        t = self.diskretionsgraense
        cells = {(o, g): self.antal[g][o] for o in OUTCOMES for g in GROUPS}
        own = [(o, g) for o in OUTCOMES for g, mark in
               diskretion.suppress_outcome({g: self.antal[g][o] for g in GROUPS}, self.n, t).items() if mark == diskretion.PRIMARY]
        marks = diskretion.suppress_linked(
            cells, t,
            sums=[[(o, g) for o in OUTCOMES] for g in GROUPS],
            compared=[[(o, g) for g in GROUPS] for o in OUTCOMES],
            primary=own,
            prefer=[(o, g) for o in (STILL_ON_KH, "andet") for g in GROUPS],  # not in the report's tables
        )
        marks = with_document(marks, self.dokument_plan, lambda key: [count_id("udfald", json_key(key[0]), key[1], side) for side in ("antal", "uden")])
        return {o: {g: marks[(o, g)] for g in GROUPS} for o in OUTCOMES}


def json_key(outcome: str) -> str:
    """An outcome's key in resultater.json's `udfald`."""
    return "fortsat_kontanthjaelp" if outcome == STILL_ON_KH else outcome


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Afgange:
    """Outcome counts per group for the phase's måleperiode."""
    borgere = data["borgere"]
    udfald = outcomes(borgere, data["ydelser"], fase.maaleperiode, config.opfoelgning_uger)
    gruppe = borgere.set_index("borger_id")["gruppe"]
    counts = pd.crosstab(gruppe.reindex(udfald.index), udfald).reindex(index=list(GROUPS), columns=list(OUTCOMES))
    counts = counts.fillna(0).astype(int)
    return Afgange(
        fase=fase,
        lag_weeks=config.opfoelgning_uger,
        n={g: int((borgere["gruppe"] == g).sum()) for g in GROUPS},
        antal={g: {o: int(counts.loc[g, o]) for o in OUTCOMES} for g in GROUPS},
        justeret=adjusted_comparisons({o: udfald == o for o in OUTCOMES if o != STILL_ON_KH}, borgere, config),
        diskretionsgraense=config.diskretionsgraense,
        dokument_plan=config.diskretion_plan,
        alpha=config.alpha,
    )


def distribution(a: Afgange) -> dict:
    """The global test of the outcomes' distribution between the groups (`udfald_fordeling`): every
    outcome, `andet` and those still on kontanthjælp included, so each citizen counts once. While
    disclosure control hides a count of the distribution, the statistic, the p-value and the smallest
    expected count are hidden too (with the group sizes they constrain the hidden counts) and only the
    p-value's side of alpha is published."""
    test = distribution_test([a.antal["forsoeg"][o] for o in OUTCOMES], [a.antal["kontrol"][o] for o in OUTCOMES])
    payload = {**test, "kategorier": [json_key(o) for o in OUTCOMES],
               "under_alpha": None if test["p"] is None else test["p"] < a.alpha, "metode": "Pearsons chi-i-anden-test"}
    hidden = any(mark for marks in a.skjulte.values() for mark in marks.values())
    # the smallest expected count is a margin product: it would give a hidden count away too
    statistics = ("chi2", "p", "mindste_forventede")
    return diskretion.mark_json(payload, dict.fromkeys(statistics, diskretion.SECONDARY) if hidden else {})


def _note(a: Afgange, config: Config) -> str:
    periode = a.fase.maaleperiode
    return (
        f"Note: Måleperiode {formatting.date_range(periode.start, periode.slut)}. Destinationen er borgerens ydelse "
        f"{a.lag_weeks} uger efter den første afgang fra kontanthjælp, hvor borgeren ikke var tilbage på "
        f"kontanthjælp. Andelene er beregnet af alle borgere i gruppen "
        f"({beskyttet.count_cell(a.n['forsoeg'], a.diskretionsgraense)} i {config.grupper_bestemt['forsoeg']} og "
        f"{beskyttet.count_cell(a.n['kontrol'], a.diskretionsgraense)} i {config.grupper_bestemt['kontrol']})."
    )


def table(a: Afgange, config: Config, keys: tuple[str, ...]) -> Table:
    """Counts and shares per group (columns) for the outcomes `keys` (rows)."""
    columns = [""]
    for g in GROUPS:
        columns += [f"{config.grupper[g]}, antal", f"{config.grupper[g]}, andel"]
    result = Table(columns)
    t = a.diskretionsgraense
    for key in keys:
        cells = []
        for g, mark in a.skjult(key).items():
            cells += [beskyttet.count_cell(a.antal[g][key], t, mark), beskyttet.pct_cell(a.antal[g][key], a.n[g], t, mark, beskyttet.OUTCOME_DECIMALS)]
        result.add_row(LABELS[key], *cells)
    return beskyttet.annotate(result.add_note(_note(a, config)), t)


def table_job(a: Afgange, config: Config) -> Table:
    """Tabel 3: exits to job, small job and education."""
    return table(a, config, JOB_AND_EDUCATION)


def table_other_benefits(a: Afgange, config: Config) -> Table:
    """Tabel 5: exits to resource programmes, flex job and disability pension."""
    return table(a, config, OTHER_BENEFITS)


def figure(a: Afgange, config: Config) -> SVG:
    """Share of each group per destination, as the tables print it (hidden shares are not drawn)."""
    keys = [k for k in OUTCOMES if k != STILL_ON_KH]
    fig = figures.new_figure(3.4)
    ax = fig.subplots()
    t = a.diskretionsgraense
    shares = {g: [beskyttet.shown_share(a.antal[g][k], a.n[g], t, a.skjult(k)[g], beskyttet.OUTCOME_DECIMALS) for k in keys] for g in GROUPS}
    figures.grouped_barh(ax, [LABELS[k] for k in keys], shares, config.grupper)
    figures.percent_axis(ax.xaxis)
    ax.set_xlabel("Andel af gruppen")
    return figures.as_svg(fig, figures.largest_difference([LABELS[k] for k in keys], shares, config.grupper_bestemt))


def summary(a: Afgange, config: Config, keys: tuple[str, ...]) -> str:
    """A Danish paragraph comparing the groups on `keys`, every number computed."""
    f, k = "forsoeg", "kontrol"
    sentences = []
    for key in keys:
        if any(a.skjult(key).values()):
            reason = beskyttet.hidden_outcome_reason(
                {g: a.antal[g][key] for g in GROUPS}, a.n, a.diskretionsgraense, config.grupper_bestemt
            )
            # the difference too: with the group sizes it would pin the hidden counts down
            sentences.append(
                f"{LABELS[key]}: antal, andele og forskellen mellem grupperne vises ikke af hensyn til diskretion, "
                f"da {reason}."
            )
            continue
        sentences.append(
            f"{LABELS[key]}: {formatting.pct(a.andel(f, key), 1)} ({formatting.count(a.antal[f][key])} borgere) i "
            f"{config.grupper_bestemt[f]} mod {formatting.pct(a.andel(k, key), 1)} "
            f"({formatting.count(a.antal[k][key])} borgere) i {config.grupper_bestemt[k]}, en forskel på "
            f"{formatting.pct_points(a.andel(f, key) - a.andel(k, key))}."
        )
    periode = a.fase.maaleperiode
    intro = f"I måleperioden {formatting.date_range(periode.start, periode.slut)} var fordelingen:"
    return intro + "\n\n" + "\n".join(f"- {s}" for s in sentences)


def to_json(a: Afgange) -> dict:
    """The `udfald` entries of resultater.json for every destination, plus those still on kontanthjælp; a
    published outcome whose counts were suppressed is marked (`diskretion.mark_json`)."""
    udfald = {
        key: outcome({g: a.antal[g][key] for g in GROUPS}, a.n, a.justeret.get(key)) for key in OUTCOMES if key != STILL_ON_KH
    }
    for key in udfald:  # also those the report does not show: the published resultater.json holds them
        udfald[key] = diskretion.mark_json(udfald[key], a.skjult(key))
    udfald["fortsat_kontanthjaelp"] = diskretion.mark_json(
        {g: share(a.antal[g][STILL_ON_KH], a.n[g]) for g in GROUPS}, a.skjult(STILL_ON_KH)
    )
    return {"udfald": udfald, "udfald_fordeling": distribution(a), "opfoelgning_uger": a.lag_weeks}
