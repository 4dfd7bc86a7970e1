"""Preparatory plans for the rehabilitation team (måleparameter 5).

Definition (data contract, section 3): the plans whose `dato` (the day the plan was completed) lies in
the phase's placement period, per group: the number of plans, the number of citizens with at least one
plan, how many plans are ticked (`markeret`) in the case system, and the rehabilitation team's outcome
of each plan (indstillet, udskudt, afvist or none). The ticked share over both groups is compared with
the configured threshold: below it the data cannot carry conclusions, and the text and the table note
say so and show the share against the threshold. The measure is unavailable when no plan is dated in
the period.

A plan and the rehabilitation team's outcome concern one citizen, so small counts of plans are
suppressed like small counts of citizens (`evalkit.statistik.diskretion`): in the table each row adds up to its
"I alt", and each group's outcomes add up to its plans. Whether a plan is ticked says how the case was
registered, not something about the citizen, so the ticked plans are only hidden where the number of
plans they are a share of is.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit.config import GROUPS, Config, Fase, Periode
from evalkit.maaleparametre.faelles import count_id, with_document
from evalkit.praesentation import beskyttet, dansk, figures, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion

TABLES = ("borgere", "forberedende_planer")

NO_OUTCOME = "uden"
REHAB = {
    "indstillet": "Indstillet af rehabiliteringsteamet",
    "udskudt": "Udskudt af rehabiliteringsteamet",
    "afvist": "Afvist af rehabiliteringsteamet",
    NO_OUTCOME: "Uden resultat fra rehabiliteringsteamet",
}
TOTAL_COLOUR = "#6E6E6E"
TOTAL = "i_alt"  # the column of both groups together
UNIT = "borgere eller planer"  # what the suppressed counts are
JSON_KEYS = {"planer": ("planer",), "borgere": ("borgere_med_plan",)}  # a table row's keys in resultater.json


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
    diskretionsgraense: int
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    def skjult(self) -> dict[str, dict[str, str | None]]:
        """Suppression marks of the table, marks[row][column]: rows 'planer', 'borgere', the outcomes of
        REHAB and 'markeret' (hidden with the plans it is a share of); columns the groups and 'i_alt'."""
        columns = [*GROUPS, TOTAL]
        rows = {
            "planer": {g: self.grupper[g].planer for g in GROUPS},
            "borgere": {g: self.grupper[g].borgere_med_plan for g in GROUPS},
            **{k: {g: self.grupper[g].rehab[k] for g in GROUPS} for k in REHAB},
        }
        cells = {(r, c): values[c] if c in values else sum(values.values()) for r, values in rows.items() for c in columns}
        sums = [[(r, c) for c in columns] for r in rows]  # forsøg + kontrol = i alt
        sums += [[("planer", c), *((k, c) for k in REHAB)] for c in columns]  # the outcomes add up to the plans
        marks = diskretion.suppress_linked(cells, self.diskretionsgraense, sums)
        marks = with_document(marks, self.dokument_plan, lambda cell: [count_id("planer", cell[1], *JSON_KEYS.get(cell[0], ("rehab", cell[0])))])
        result = {r: {c: marks[(r, c)] for c in columns} for r in rows}
        marked = {c: diskretion.SECONDARY if mark else None for c, mark in result["planer"].items()}
        return {**result, "markeret": with_document(marked, self.dokument_plan, lambda c: [count_id("planer", c, "markeret")])}

    @property
    def i_alt(self) -> Gruppetal:
        """Both groups together (the table's last column)."""
        groups = self.grupper.values()
        return Gruppetal(planer=sum(g.planer for g in groups), borgere_med_plan=sum(g.borgere_med_plan for g in groups),
                         markeret=sum(g.markeret for g in groups), rehab={k: sum(g.rehab[k] for g in groups) for k in REHAB})

    @property
    def planer_i_alt(self) -> int:
        return self.i_alt.planer

    @property
    def markeret_i_alt(self) -> int:
        return self.i_alt.markeret

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
        diskretionsgraense=config.diskretionsgraense,
        dokument_plan=config.diskretion_plan,
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
    t, marks = p.diskretionsgraense, p.skjult()
    mark = marks["markeret"][TOTAL] or marks["planer"][TOTAL]
    andel, graense = _pct_against(p.markeret_andel or 0.0, p.graense)
    andel = "" if mark else f" ({andel})"
    k = "et skjult antal" if mark else formatting.count(p.markeret_i_alt)  # not a fact about citizens
    n = beskyttet.count_text(p.planer_i_alt, t, marks["planer"][TOTAL])
    if p.data_gyldige:
        return (
            f"Af de {n} planer er {k}{andel} markeret i fagsystemet, så grænsen på {graense} er nået, "
            "og registreringen er fyldestgørende nok til at sammenligne grupperne."
        )
    return (
        f"Kun {k} af de {n} planer{andel} er markeret i fagsystemet, mens grænsen er {graense}, så "
        "registreringen er for ufuldstændig til, at tallene kan bære konklusioner om forskelle mellem grupperne; "
        "de skal kun læses som en beskrivelse af de registrerede planer."
    )


def _share(count: int, total: int, t: int, mark: str | None) -> str:
    if not total:
        return beskyttet.count_cell(count, t, mark)
    return beskyttet.share_with_count_cell(count, total, t, mark)


def _ticked(count: int, total: int, mark: str | None) -> str:
    """Ticked plans of `total`: not suppressed for being few, only hidden (`mark`) with the plans they are a share of."""
    if mark:
        return f"{beskyttet.HIDDEN} ({beskyttet.HIDDEN})"
    return formatting.share_with_count(count / total, count) if total else formatting.count(count)


def table(p: Planer, config: Config) -> Table:
    """Plans, citizens with a plan, ticked plans and rehabilitation outcomes per group and in total."""
    t, marks = p.diskretionsgraense, p.skjult()
    columns = [*GROUPS, TOTAL]
    result = Table(["", *(config.grupper[g] for g in GROUPS), "I alt"], widths=[34, 22, 22, 22])
    planer = {**{g: p.grupper[g].planer for g in GROUPS}, TOTAL: p.planer_i_alt}
    borgere = {g: p.grupper[g].borgere_med_plan for g in GROUPS}
    borgere[TOTAL] = sum(borgere.values())
    result.add_row("Forberedende planer", *(beskyttet.count_cell(planer[c], t, marks["planer"][c]) for c in columns))
    result.add_row("Borgere med mindst én plan", *(beskyttet.count_cell(borgere[c], t, marks["borgere"][c]) for c in columns))
    markeret = {**{g: p.grupper[g].markeret for g in GROUPS}, TOTAL: p.markeret_i_alt}
    result.add_row("Markeret i fagsystemet", *(_ticked(markeret[c], planer[c], marks["markeret"][c]) for c in columns))
    for key, label in REHAB.items():
        counts = {g: p.grupper[g].rehab[key] for g in GROUPS}
        counts[TOTAL] = sum(counts.values())
        result.add_row(label, *(_share(counts[c], planer[c], t, marks[key][c]) for c in columns))
    result.add_note(
        f"Note: Planer færdiggjort {formatting.date_range(p.periode.start, p.periode.slut)}. Andelene er beregnet af "
        "gruppens planer; antal i parentes. En borger kan have flere planer. " + verdict(p)
    )
    return beskyttet.annotate(result, t, unit=UNIT)


def figure(p: Planer, config: Config) -> SVG:
    """Left: the ticked share per group and in total against the threshold. Right: outcomes per group."""
    fig = figures.new_figure(3.0)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
    t, skjult = p.diskretionsgraense, p.skjult()
    marks = skjult["markeret"]
    rows = [(config.grupper[g], p.grupper[g].markeret, p.grupper[g].planer, figures.GROUP_COLOURS[g], marks[g]) for g in GROUPS]
    rows.append(("I alt", p.markeret_i_alt, p.planer_i_alt, TOTAL_COLOUR, marks[TOTAL]))
    # as the table prints them (`_ticked`): whole per cent, hidden only with the plans (threshold 0: never small)
    shares = [beskyttet.shown_share(k, n, 0, mark) for _label, k, n, _c, mark in rows]
    shown = [(pos, value, row[3]) for pos, (value, row) in enumerate(zip(shares, rows)) if value is not None]
    left.barh([pos for pos, _v, _c in shown], [v for _p, v, _c in shown], color=[c for *_rest, c in shown], height=0.6)
    for pos, (value, row) in enumerate(zip(shares, rows)):
        text = beskyttet.HIDDEN if value is None else formatting.pct(value)
        left.annotate(text.replace(" pct.", " %"), (value or 0.0, pos), xytext=(3, 0),
                      textcoords="offset points", va="center", fontsize=8)
    if None in shares:
        figures.note_hidden(left)
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
    left.set_yticks(range(len(rows)), [row[0] for row in rows])
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.set_xticks([0, 0.5, 1])
    figures.percent_axis(left.xaxis)
    left.set_xlabel("Andel af planerne, der er markeret")
    left.set_title("Markerede planer")

    keys = list(REHAB)
    shares = {g: [beskyttet.shown_share(p.grupper[g].rehab[k], p.grupper[g].planer, t, skjult[k][g]) for k in keys]
              for g in GROUPS}
    figures.grouped_barh(right, ["Indstillet", "Udskudt", "Afvist", "Intet resultat"], shares, config.grupper)
    figures.percent_axis(right.xaxis)
    right.set_xlabel("Andel af gruppens planer")
    right.set_title("Rehabiliteringsteamets resultat")
    total = beskyttet.shown_share(p.markeret_i_alt, p.planer_i_alt, 0, marks[TOTAL])
    finding = None if total is None else (f"Andelen af planerne, der er markeret i fagsystemet, er {formatting.pct(total)}, "
                                          f"mens grænsen for gyldige data er {formatting.pct(p.graense)}")
    return figures.as_svg(fig, finding)


def summary(p: Planer, config: Config) -> str:
    """A Danish paragraph on the plans and the data-quality verdict, every number computed; suppressed
    counts in words and suppressed shares left out."""
    if not p.tilgaengelig:
        return p.begrundelse
    t, marks = p.diskretionsgraense, p.skjult()
    f, k = GROUPS
    bf, bk = (config.grupper_bestemt[g] for g in GROUPS)

    def count(row: str, g: str, value: int) -> str:
        return beskyttet.count_text(value, t, marks[row][g])

    def share_of(g: str, key: str) -> str | None:
        """The share as text, None when disclosure control hides it."""
        planer = p.grupper[g].planer
        if not planer:
            return "ingen"
        cell = beskyttet.pct_cell(p.grupper[g].rehab[key], planer, t, marks[key][g])
        return None if cell == beskyttet.HIDDEN else cell

    def outcome(key: str, verb: str) -> str | None:
        """'65 pct. og 49 pct. <verb>'; one group's share alone when the other is hidden; None when both are."""
        shares = [(share_of(g, key), g) for g in GROUPS]
        shown = [(share, g) for share, g in shares if share is not None]
        if len(shown) == 2:
            return f"{shown[0][0]} og {shown[1][0]} {verb}"
        if shown:
            return f"{shown[0][0]} i {config.grupper_bestemt[shown[0][1]]} {verb}"
        return None

    gf, gk = p.grupper[f], p.grupper[k]
    text = (
        f"I perioden {formatting.date_range(p.periode.start, p.periode.slut)} blev der færdiggjort "
        f"{count('planer', f, gf.planer)} forberedende planer for {count('borgere', f, gf.borgere_med_plan)} borgere i {bf} "
        f"og {count('planer', k, gk.planer)} planer for {count('borgere', k, gk.borgere_med_plan)} borgere i {bk}. "
    )
    recommended = outcome("indstillet", "blev indstillet")
    rest = [part for part in (outcome("udskudt", "blev udskudt"), outcome("afvist", "blev afvist"),
                              outcome(NO_OUTCOME, "står uden registreret resultat")) if part]
    if recommended and share_of(f, "indstillet") is not None and share_of(k, "indstillet") is not None:
        text += (f"Rehabiliteringsteamet indstillede {share_of(f, 'indstillet')} af planerne i {bf} og "
                 f"{share_of(k, 'indstillet')} i {bk}" + (f"; {dansk.join(rest)}. " if rest else ". "))
    elif recommended or rest:
        text += f"Rehabiliteringsteamets resultat: {dansk.join([part for part in (recommended, *rest) if part])}. "
    hidden_share = any(share_of(g, key) is None for g in GROUPS for key in REHAB)
    if hidden_share or f"færre end {t}" in text:
        text += f"Antal og andele, der bygger på færre end {t} borgere eller planer, vises ikke af hensyn til diskretion. "
    # an invalid data basis is said first, since it qualifies every number after it
    return text + verdict(p) if p.data_gyldige else f"{verdict(p)} {text.rstrip()}"


def to_json(p: Planer) -> dict:
    """The plans section of resultater.json, per group and both together ('i_alt', the table's last column;
    true, unrounded numbers; the suppressed ones marked, see `evalkit.statistik.diskretion`)."""
    marks = p.skjult()
    fields = {"planer": "planer", "borgere_med_plan": "borgere", "markeret": "markeret"}
    tal = {**{g: p.grupper[g] for g in GROUPS}, TOTAL: p.i_alt}
    groups = {
        g: diskretion.mark_json(
            {
                **{key: getattr(tal[g], key) for key in fields},
                "rehab": diskretion.mark_json(dict(tal[g].rehab), {k: marks[k][g] for k in REHAB}),
            },
            {key: marks[row][g] for key, row in fields.items()},
        )
        for g in (*GROUPS, TOTAL)
    }
    payload = {
        "periode": p.periode.as_json(),
        "markeret_andel": p.markeret_andel,
        "graense": p.graense,
        "data_gyldige": p.data_gyldige,
        **groups,
    }
    hidden_share = marks["markeret"][TOTAL] or marks["planer"][TOTAL]
    return {"planer": diskretion.mark_json(payload, {"markeret_andel": hidden_share})}
