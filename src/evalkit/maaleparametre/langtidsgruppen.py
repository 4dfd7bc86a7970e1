"""The long-term group still on kontanthjælp (Tabel 6).

Definition (data contract, section 3): the long-term group are the citizens with a long history,
i.e. whose current kontanthjælp spell began on or before the start date minus the configured number
of years (`Config.lang_historik_graense`); citizens with an empty `kontanthjaelp_siden` are left out.
Of them, those still on kontanthjælp are the ones whose `ydelse` is `kontanthjaelp` in the week
containing the phase's status date (the ISO week whose Monday is on or before it). Reduction = group
size − still on kontanthjælp; its share is reduction / group size. A citizen without a row in the
status week is not on kontanthjælp that week. The measurement is not available for a phase when
ydelser has no rows at all in the status week. Small counts of citizens are suppressed in the table,
text and figure (`evalkit.statistik.diskretion`); the reduction is the outcome compared between the groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit.config import GROUPS, Config, Fase
from evalkit.data import panel
from evalkit.data.uger import week_monday
from evalkit.maaleparametre.faelles import (
    KONTANTHJAELP,
    adjusted_comparison,
    count_id,
    history_marks,
    missing_start_exempt,
    missing_start_marks,
    missing_start_text,
    outcome,
    shorter_history,
    with_document,
)
from evalkit.praesentation import beskyttet, dansk, figures, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion

TABLES = ("borgere", "ydelser")



def long_history(borgere: pd.DataFrame, config: Config) -> pd.Series:
    """True for the citizens in the long-term group (empty start dates are never in it)."""
    siden = borgere["kontanthjaelp_siden"]
    return siden.notna() & (siden <= pd.Timestamp(config.lang_historik_graense))


@dataclass(frozen=True)
class Langtidsgruppen:
    fase: Fase
    startdato: dt.date
    statusuge: dt.date  # Monday of the week containing the status date
    ved_start: dict[str, int]  # group -> size of the long-term group
    paa_kontanthjaelp: dict[str, int]  # group -> still on kontanthjælp in the status week
    uden_startdato: dict[str, int]  # group -> citizens left out for an empty kontanthjaelp_siden
    justeret: dict | None  # covariate-adjusted comparison (evalkit.maaleparametre.faelles.adjusted_difference)
    tilgaengelig: bool
    begrundelse: str  # Danish sentence shown instead of the results when not available
    diskretionsgraense: int
    uden_startdato_undtaget: bool = False  # the configuration exempts them from disclosure control
    kortere_historik: dict[str, int] | None = None  # group -> the rest of the group in Tabel 2 ('kort')
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    @property
    def statusdato(self) -> dt.date:
        return self.fase.statusdato

    def skjult_ved_start(self) -> dict[str, str | None]:
        """Per group, whether the size of the long-term group is hidden: small, or hidden in Tabel 2
        (`faelles.history_marks`), where the same count is published beside the shorter history."""
        t = self.diskretionsgraense
        marks = {g: diskretion.PRIMARY if diskretion.is_small(self.ved_start[g], t) else None for g in GROUPS}
        if self.kortere_historik is not None:
            tabel_2 = history_marks(self.kortere_historik, self.ved_start, t)["lang"]
            marks = {g: marks[g] or tabel_2[g] for g in GROUPS}
        return with_document(marks, self.dokument_plan, lambda g: [count_id("langtidsgruppen", g, "ved_start")])

    def skjult(self) -> dict[str, str | None]:
        """Per group, whether its reduction and those still on kontanthjælp are suppressed
        (`diskretion.suppress_outcome` on the reduction out of the group at the start); all groups' when a
        group's size at the start is hidden (`skjult_ved_start`)."""
        marks = diskretion.suppress_outcome({g: self.reduktion(g) for g in GROUPS}, self.ved_start, self.diskretionsgraense)
        marks = with_document(marks, self.dokument_plan, lambda g: [
            count_id("langtidsgruppen", g, "paa_kontanthjaelp"), *(count_id("udfald", "lang_kh_reduktion", g, key) for key in ("antal", "uden"))
        ])
        if any(self.skjult_ved_start().values()):
            marks = {g: marks[g] or diskretion.SECONDARY for g in GROUPS}
        return marks

    def reduktion(self, group: str) -> int:
        return self.ved_start[group] - self.paa_kontanthjaelp[group]

    def andel(self, group: str) -> float:
        """The reduction as a share of the group at the start."""
        return self.reduktion(group) / self.ved_start[group] if self.ved_start[group] else float("nan")


def _reason(fase: Fase, monday: dt.date) -> str:
    return (
        f"Ydelsesdata har ingen oplysninger for ugen med statusdatoen {formatting.date(fase.statusdato)} "
        f"(ugen, der begynder {formatting.date(monday)}), så gruppen med lang kontanthjælpshistorik kan ikke "
        f"gøres op i {fase.navn.lower()}en."
    )


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Langtidsgruppen:
    """Size of each group's long-term group at the start and how many are on kontanthjælp in the status week."""
    borgere = data["borgere"]
    monday = week_monday(fase.statusdato)
    weekly = panel.borgerpanel(data["ydelser"], borgere["borger_id"])
    lang = long_history(borgere, config)
    still = lang & pd.Series((weekly.status_in_week(monday) == KONTANTHJAELP).to_numpy(), index=borgere.index)
    missing = borgere["kontanthjaelp_siden"].isna()

    def per_group(mask: pd.Series) -> dict[str, int]:
        return {g: int((mask & (borgere["gruppe"] == g)).sum()) for g in GROUPS}

    exempt = missing_start_exempt(config)

    available = weekly.rows_in_week(monday) > 0
    return Langtidsgruppen(
        fase=fase,
        startdato=config.startdato,
        statusuge=monday,
        ved_start=per_group(lang),
        paa_kontanthjaelp=per_group(still),
        uden_startdato=per_group(missing),
        justeret=adjusted_comparison(pd.Series(~still[lang].to_numpy(), index=borgere.loc[lang, "borger_id"]), borgere, config),
        tilgaengelig=available,
        begrundelse="" if available else _reason(fase, monday),
        diskretionsgraense=config.diskretionsgraense,
        uden_startdato_undtaget=exempt,
        kortere_historik=shorter_history(per_group(~lang & ~missing), per_group(missing), config.diskretionsgraense, exempt),
        dokument_plan=config.diskretion_plan,
    )


def _start_label(lt: Langtidsgruppen) -> str:
    return f"Ved start ({formatting.date(lt.startdato)})"


def _status_label(lt: Langtidsgruppen) -> str:
    return f"Fortsat på kontanthjælp ({formatting.date(lt.statusdato)})"


def _pct(lt: Langtidsgruppen, group: str) -> str:
    """The reduction share as text; a dash for an empty long-term group, '..' when suppressed."""
    if not lt.ved_start[group]:
        return "–"
    return beskyttet.pct_cell(lt.reduktion(group), lt.ved_start[group], lt.diskretionsgraense, lt.skjult()[group],
                             beskyttet.OUTCOME_DECIMALS)


def _reduction_text(lt: Langtidsgruppen, group: str) -> str:
    """'100 (26 pct.)'."""
    return f"{beskyttet.count_cell(lt.reduktion(group), lt.diskretionsgraense, lt.skjult()[group])} ({_pct(lt, group)})"


def table(lt: Langtidsgruppen, config: Config) -> Table:
    """Tabel 6: the long-term group at the start, still on kontanthjælp at the status date, and the reduction."""
    t = lt.diskretionsgraense
    result = Table(["", _start_label(lt), _status_label(lt), "Reduktion"])
    for g, mark in lt.skjult().items():
        result.add_row(
            config.grupper[g],
            beskyttet.count_cell(lt.ved_start[g], t, lt.skjult_ved_start()[g]),
            beskyttet.count_cell(lt.paa_kontanthjaelp[g], t, mark),
            _reduction_text(lt, g),
        )
    result.add_note(
        f"Note: Gruppen er de borgere, hvis aktuelle periode på kontanthjælp begyndte "
        f"{formatting.date(config.lang_historik_graense)} eller tidligere, dvs. {config.lang_historik_aar} år "
        f"eller længere før forsøgets start. Fortsat på kontanthjælp betyder, at borgeren modtog kontanthjælp i "
        f"ugen med statusdatoen (ugen, der begynder {formatting.date(lt.statusuge)}). Reduktionen er vist i "
        f"antal og i procent af gruppen ved start."
    )
    if any(lt.uden_startdato.values()):
        result.add_note(f"{missing_start_text(lt.uden_startdato, t, config)} indgår ikke.")
    return beskyttet.annotate(result, t)


def figure(lt: Langtidsgruppen, config: Config) -> SVG:
    """The share of each group's long-term recipients who no longer received kontanthjælp at the status
    date: shares, not counts, since the groups differ in size (the share as the table prints it)."""
    t, hidden = lt.diskretionsgraense, lt.skjult()
    shares = {g: [beskyttet.shown_share(lt.reduktion(g), lt.ved_start[g], t, hidden[g], beskyttet.OUTCOME_DECIMALS)]
              for g in GROUPS}
    fig = figures.new_figure(1.9)
    ax = fig.subplots()
    figures.grouped_barh(ax, [f"Ude af kontanthjælp\n{formatting.date(lt.statusdato)}"], shares, config.grupper,
                         value_decimals=beskyttet.OUTCOME_DECIMALS)
    figures.legend_above(ax)
    figures.percent_axis(ax.xaxis)
    ax.margins(x=0.15)
    ax.set_xlabel(f"Andel af borgerne med lang kontanthjælpshistorik ved start ({formatting.date(lt.startdato)})")
    finding = figures.pair_finding("Ude af kontanthjælp ved statusdatoen", {g: shares[g][0] for g in GROUPS},
                                   config.grupper_bestemt)
    return figures.as_svg(fig, finding)


def summary(lt: Langtidsgruppen, config: Config) -> str:
    """A Danish paragraph on how the long-term group shrank in each group, every number computed."""
    f, k = "forsoeg", "kontrol"
    t = lt.diskretionsgraense
    hidden, start = any(lt.skjult().values()), lt.skjult_ved_start()
    text = (
        f"Ved forsøgets start {formatting.date(lt.startdato)} havde {beskyttet.citizens_text(lt.ved_start[f], t, start[f])} i "
        f"{config.grupper_bestemt[f]} og {beskyttet.count_text(lt.ved_start[k], t, start[k])} i {config.grupper_bestemt[k]} "
        f"været på kontanthjælp i {config.lang_historik_aar} år eller længere."
    )
    if not hidden:
        text += (
            f" I ugen med statusdatoen {formatting.date(lt.statusdato)} modtog henholdsvis "
            f"{formatting.count(lt.paa_kontanthjaelp[f])} og {formatting.count(lt.paa_kontanthjaelp[k])} af dem "
            f"stadig kontanthjælp. Gruppen er dermed blevet {formatting.count(lt.reduktion(f))} borgere mindre i "
            f"{config.grupper_bestemt[f]} ({_pct(lt, f)} af gruppen) og {formatting.count(lt.reduktion(k))} borgere "
            f"mindre i {config.grupper_bestemt[k]} ({_pct(lt, k)})."
        )
    if hidden:
        # the difference too: with the group sizes it would pin the hidden counts down
        reason = beskyttet.hidden_outcome_reason(
            {g: lt.reduktion(g) for g in GROUPS}, lt.ved_start, t, config.grupper_bestemt,
            "ikke længere modtog kontanthjælp", "stadig modtog kontanthjælp",
        ) or dansk.join([  # hidden with the group's size at the start (Tabel 2's shorter history is small)
            f"færre end {t} borgere i {config.grupper_bestemt[g]} havde en kortere kontanthjælpshistorik"
            for g in GROUPS if start[g] and not diskretion.is_small(lt.ved_start[g], t)
        ])
        text += (
            f" Hvor mange der i ugen med statusdatoen {formatting.date(lt.statusdato)} stadig modtog kontanthjælp, "
            f"og forskellen mellem grupperne, vises ikke af hensyn til diskretion, da {reason}."
        )
    elif lt.ved_start[f] and lt.ved_start[k]:
        text += (
            f" Forskellen mellem grupperne i andelen, der ikke længere modtog kontanthjælp, er "
            f"{formatting.pct_points(lt.andel(f) - lt.andel(k))}."
        )
    return text


def to_json(lt: Langtidsgruppen) -> dict:
    """The reduction outcome for resultater.json (n = the long-term group, antal = the reduction) and the counts;
    the suppressed ones are marked (`diskretion.mark_json`)."""
    t, hidden = lt.diskretionsgraense, lt.skjult()
    reduktion = outcome({g: lt.reduktion(g) for g in GROUPS}, lt.ved_start, lt.justeret)
    groups = {
        g: diskretion.mark_json(
            {"ved_start": lt.ved_start[g], "paa_kontanthjaelp": lt.paa_kontanthjaelp[g]},
            {"ved_start": lt.skjult_ved_start()[g], "paa_kontanthjaelp": hidden[g]},
        )
        for g in GROUPS
    }
    return {
        "udfald": {"lang_kh_reduktion": diskretion.mark_json(reduktion, hidden)},
        "langtidsgruppen": {
            "statusdato": lt.statusdato.isoformat(),
            "statusuge": lt.statusuge.isoformat(),
            **groups,
            "uden_startdato": diskretion.mark_json(
                dict(lt.uden_startdato), missing_start_marks(lt.uden_startdato, t, lt.uden_startdato_undtaget)
            ),
        },
    }
