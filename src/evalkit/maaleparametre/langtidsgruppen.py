"""The long-term group still on kontanthjælp (Tabel 6).

Definition (data contract, section 3): the long-term group are the citizens with a long history,
i.e. whose current kontanthjælp spell began on or before the start date minus the configured number
of years (`Config.lang_historik_graense`); citizens with an empty `kontanthjaelp_siden` are left out.
Of them, those still on kontanthjælp are the ones whose `ydelse` is `kontanthjaelp` in the week
containing the phase's status date (the ISO week whose Monday is on or before it). Reduction = group
size − still on kontanthjælp; its share is reduction / group size. A citizen without a row in the
status week is not on kontanthjælp that week. The measurement is not available for a phase when
ydelser has no rows at all in the status week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit import figures, formatting
from evalkit.config import GROUPS, Config, Fase
from evalkit.maaleparametre.baseline import adjusted_comparison
from evalkit.results import outcome
from evalkit.tables import Table

TABLES = ("borgere", "ydelser")

KONTANTHJAELP = "kontanthjaelp"


def week_monday(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


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
    justeret: dict | None  # covariate-adjusted comparison (evalkit.statistik.adjusted_difference)
    tilgaengelig: bool
    begrundelse: str  # Danish sentence shown instead of the results when not available

    @property
    def statusdato(self) -> dt.date:
        return self.fase.statusdato

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
    borgere, ydelser = data["borgere"], data["ydelser"]
    monday = week_monday(fase.statusdato)
    status_week = ydelser[ydelser["uge"] == pd.Timestamp(monday)]
    on_kh = status_week.loc[status_week["ydelse"] == KONTANTHJAELP, "borger_id"]
    lang = long_history(borgere, config)
    still = lang & borgere["borger_id"].isin(on_kh)
    missing = borgere["kontanthjaelp_siden"].isna()

    def per_group(mask: pd.Series) -> dict[str, int]:
        return {g: int((mask & (borgere["gruppe"] == g)).sum()) for g in GROUPS}

    available = not status_week.empty
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
    )


def _start_label(lt: Langtidsgruppen) -> str:
    return f"Ved start ({formatting.date(lt.startdato)})"


def _status_label(lt: Langtidsgruppen) -> str:
    return f"Fortsat på kontanthjælp ({formatting.date(lt.statusdato)})"


def _pct(lt: Langtidsgruppen, group: str) -> str:
    """The reduction share as text; a dash for an empty long-term group."""
    return formatting.pct(lt.andel(group)) if lt.ved_start[group] else "–"


def _reduction_text(lt: Langtidsgruppen, group: str) -> str:
    """'100 (26 pct.)'."""
    return f"{formatting.count(lt.reduktion(group))} ({_pct(lt, group)})"


def table(lt: Langtidsgruppen, config: Config) -> Table:
    """Tabel 6: the long-term group at the start, still on kontanthjælp at the status date, and the reduction."""
    result = Table(["", _start_label(lt), _status_label(lt), "Reduktion"])
    for g in GROUPS:
        result.add_row(
            config.grupper[g],
            formatting.count(lt.ved_start[g]),
            formatting.count(lt.paa_kontanthjaelp[g]),
            _reduction_text(lt, g),
        )
    result.add_note(
        f"Note: Gruppen er de borgere, hvis aktuelle periode på kontanthjælp begyndte "
        f"{formatting.date(config.lang_historik_graense)} eller tidligere, dvs. {config.lang_historik_aar} år "
        f"eller længere før forsøgets start. Fortsat på kontanthjælp betyder, at borgeren modtog kontanthjælp i "
        f"ugen med statusdatoen (ugen, der begynder {formatting.date(lt.statusuge)}). Reduktionen er vist i "
        f"antal og i procent af gruppen ved start."
    )
    total = sum(lt.uden_startdato.values())
    if total:
        noun = "borger" if total == 1 else "borgere"
        parts = [f"{formatting.count(k)} i {config.grupper_bestemt[g]}" for g, k in lt.uden_startdato.items() if k]
        result.add_note(
            f"{formatting.count(total)} {noun} uden startdato for kontanthjælp ({', '.join(parts)}) indgår ikke."
        )
    return result


def figure(lt: Langtidsgruppen, config: Config) -> SVG:
    """The long-term group at the start and still on kontanthjælp at the status date, the groups side by side."""
    points = [
        (f"Ved start\n{formatting.date(lt.startdato)}", lt.ved_start),
        (f"Fortsat på kontanthjælp\n{formatting.date(lt.statusdato)}", lt.paa_kontanthjaelp),
    ]
    fig = figures.new_figure(3.2)
    ax = fig.subplots()
    width = 0.38
    positions = range(len(points))
    for offset, g in ((-width / 2, "forsoeg"), (width / 2, "kontrol")):
        bars = ax.bar(
            [p + offset for p in positions],
            [counts[g] for _label, counts in points],
            width=width,
            color=figures.GROUP_COLOURS[g],
            label=config.grupper[g],
        )
        ax.bar_label(bars, labels=[formatting.count(counts[g]) for _label, counts in points], padding=2)
    ax.set_xticks(list(positions), [label for label, _counts in points])
    figures.number_axis(ax.yaxis)
    ax.set_ylabel("Antal borgere")
    ax.margins(y=0.12)
    ax.legend(loc="upper right", frameon=False)
    return figures.as_svg(fig)


def summary(lt: Langtidsgruppen, config: Config) -> str:
    """A Danish paragraph on how the long-term group shrank in each group, every number computed."""
    f, k = "forsoeg", "kontrol"
    text = (
        f"Ved forsøgets start {formatting.date(lt.startdato)} havde {formatting.count(lt.ved_start[f])} borgere i "
        f"{config.grupper_bestemt[f]} og {formatting.count(lt.ved_start[k])} i {config.grupper_bestemt[k]} været på "
        f"kontanthjælp i {config.lang_historik_aar} år eller længere. I ugen med statusdatoen "
        f"{formatting.date(lt.statusdato)} modtog henholdsvis {formatting.count(lt.paa_kontanthjaelp[f])} og "
        f"{formatting.count(lt.paa_kontanthjaelp[k])} af dem stadig kontanthjælp. Gruppen er dermed blevet "
        f"{formatting.count(lt.reduktion(f))} borgere mindre i {config.grupper_bestemt[f]} "
        f"({_pct(lt, f)} af gruppen) og {formatting.count(lt.reduktion(k))} borgere mindre i "
        f"{config.grupper_bestemt[k]} ({_pct(lt, k)})."
    )
    if lt.ved_start[f] and lt.ved_start[k]:
        text += (
            f" Forskellen mellem grupperne i andelen, der ikke længere modtog kontanthjælp, er "
            f"{formatting.pct_points(lt.andel(f) - lt.andel(k))}."
        )
    return text


def to_json(lt: Langtidsgruppen) -> dict:
    """The reduction outcome for resultater.json (n = the long-term group, antal = the reduction) and the counts."""
    return {
        "udfald": {"lang_kh_reduktion": outcome({g: lt.reduktion(g) for g in GROUPS}, lt.ved_start, lt.justeret)},
        "langtidsgruppen": {
            "statusdato": lt.statusdato.isoformat(),
            "statusuge": lt.statusuge.isoformat(),
            **{g: {"ved_start": lt.ved_start[g], "paa_kontanthjaelp": lt.paa_kontanthjaelp[g]} for g in GROUPS},
            "uden_startdato": dict(lt.uden_startdato),
        },
    }
