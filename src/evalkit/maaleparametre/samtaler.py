"""Job interviews held on time (Tabel 7).

Definition (data contract, section 3): the interviews (rows of `samtaler`) with citizens of each
group whose `dato` lies in the phase's placement and interview period, both ends included. The
number of weeks is the period's days (both ends included) / 7; the average per week is the count
divided by the weeks. An interview is on time when `dato ≤ frist`; the share on time is the on-time
count / the count. The measurement is not available for a phase when no interview is dated in
its period.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.praesentation import figures, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik.tal import round_half_up

TABLES = ("borgere", "samtaler")


def in_period(samtaler: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The interviews held in `periode`, with an `rettidig` column (held on or before the deadline)."""
    held = samtaler[(samtaler["dato"] >= pd.Timestamp(periode.start)) & (samtaler["dato"] <= pd.Timestamp(periode.slut))]
    return held.assign(rettidig=held["dato"] <= held["frist"])


@dataclass(frozen=True)
class Samtaler:
    fase: Fase
    antal: dict[str, int]  # group -> interviews held in the period
    rettidige: dict[str, int]  # group -> of which on time
    tilgaengelig: bool
    begrundelse: str  # Danish sentence shown instead of the results when not available

    @property
    def periode(self) -> Periode:
        return self.fase.placeringsperiode

    @property
    def uger(self) -> float:
        return self.periode.uger

    def pr_uge(self, group: str) -> float:
        return self.antal[group] / self.uger

    def rettidige_pr_uge(self, group: str) -> float:
        return self.rettidige[group] / self.uger

    def andel(self, group: str) -> float | None:
        """Share of the group's interviews held on time; None without interviews."""
        return self.rettidige[group] / self.antal[group] if self.antal[group] else None


def _reason(fase: Fase) -> str:
    periode = fase.placeringsperiode
    return (
        f"Der er ingen samtaler dateret i perioden {formatting.date_range(periode.start, periode.slut)} i data, "
        f"så samtalernes rettidighed kan ikke opgøres i {fase.navn.lower()}en."
    )


def compute(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Samtaler:
    """Interviews in the phase's period and those on time, per group."""
    gruppe = data["borgere"].set_index("borger_id")["gruppe"]
    held = in_period(data["samtaler"], fase.placeringsperiode)
    held = held.assign(gruppe=held["borger_id"].map(gruppe))
    per_group = held.groupby("gruppe")["rettidig"].agg(["size", "sum"]).reindex(list(GROUPS)).fillna(0)
    available = not held.empty
    return Samtaler(
        fase=fase,
        antal={g: int(per_group.loc[g, "size"]) for g in GROUPS},
        rettidige={g: int(per_group.loc[g, "sum"]) for g in GROUPS},
        tilgaengelig=available,
        begrundelse="" if available else _reason(fase),
    )


def _pct(s: Samtaler, group: str) -> str:
    share = s.andel(group)
    return "–" if share is None else formatting.pct(share)


def table(s: Samtaler, config: Config) -> Table:
    """Tabel 7: interviews in all, per week, on time per week and the share on time, per group."""
    result = Table(["", "Samtaler i alt", "Samtaler pr. uge (gnm.)", "Rettidige pr. uge (gnm.)", "Andel rettidige"])
    for g in GROUPS:
        result.add_row(
            config.grupper[g],
            formatting.count(s.antal[g]),
            formatting.number(s.pr_uge(g)),
            formatting.number(s.rettidige_pr_uge(g)),
            _pct(s, g),
        )
    return result.add_note(
        f"Note: Jobsamtaler holdt i perioden {formatting.date_range(s.periode.start, s.periode.slut)}, i alt "
        f"{formatting.number(s.uger, 1)} uger. Gennemsnittet pr. uge er antallet af samtaler delt med antallet af "
        f"uger. En samtale er rettidig, når den er holdt senest på sin frist; andelen rettidige er beregnet af "
        f"gruppens samtaler i perioden."
    )


def figure(s: Samtaler, config: Config) -> SVG:
    """The share of each group's interviews held on time (shares, since the groups differ in size; the
    share as the table prints it)."""
    fig = figures.new_figure(1.9)
    ax = fig.subplots()
    # whole per cent, rounded as the table rounds it (`_pct`)
    shares = {g: [None if s.andel(g) is None else float(round_half_up(100 * s.andel(g), 0)) / 100] for g in GROUPS}
    figures.grouped_barh(ax, ["Holdt til tiden"], shares, config.grupper, value_decimals=0)
    figures.legend_above(ax)
    figures.percent_axis(ax.xaxis)
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("Andel af gruppens jobsamtaler, der blev holdt senest på fristen")
    finding = figures.pair_finding("Holdt til tiden", {g: shares[g][0] for g in GROUPS}, config.grupper_bestemt, 0)
    return figures.as_svg(fig, finding)


def summary(s: Samtaler, config: Config) -> str:
    """A Danish paragraph on how many interviews were held and how many on time, every number computed."""
    f, k = "forsoeg", "kontrol"
    periode = formatting.date_range(s.periode.start, s.periode.slut)
    return (
        f"I perioden {periode}, i alt {formatting.number(s.uger, 1)} uger, blev der holdt "
        f"{formatting.count(s.antal[f])} jobsamtaler med borgere i {config.grupper_bestemt[f]} og "
        f"{formatting.count(s.antal[k])} med borgere i {config.grupper_bestemt[k]}. Det svarer i gennemsnit til "
        f"{formatting.number(s.pr_uge(f))} og {formatting.number(s.pr_uge(k))} samtaler om ugen, hvoraf "
        f"{formatting.number(s.rettidige_pr_uge(f))} og {formatting.number(s.rettidige_pr_uge(k))} blev holdt "
        f"senest på deres frist. Andelen af rettidige samtaler var dermed {_pct(s, f)} i "
        f"{config.grupper_bestemt[f]} og {_pct(s, k)} i {config.grupper_bestemt[k]}."
    )


def to_json(s: Samtaler) -> dict:
    """The interviews section of resultater.json (unrounded)."""
    return {
        "samtaler": {
            "periode": s.periode.as_json(),
            "uger": s.uger,
            **{
                g: {
                    "antal": s.antal[g],
                    "rettidige": s.rettidige[g],
                    "pr_uge": s.pr_uge(g),
                    "rettidige_pr_uge": s.rettidige_pr_uge(g),
                    "andel_rettidige": s.andel(g),
                }
                for g in GROUPS
            },
        }
    }
