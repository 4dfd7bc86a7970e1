"""Baseline: who was in the two groups at the start date (Tabel 1 and Tabel 2), and who is counted where
(the CONSORT-style flow of each phase).

Definitions (data contract, section 3): counts and shares by herkomst and koen, mean alder and mean
years on public benefits over all citizens of a group; the long-history split by
`kontanthjaelp_siden` against the start date minus the configured number of years, citizens without
a date left out of that table and counted in its note.

The flow (`flow`) counts, per group and over the whole group: the citizens randomised and allocated
(every row of borgere, the citizens in the trial at the start date); those on kontanthjælp in the week
containing the start date; those followed in ydelser to the end of the phase's måleperiode (a row in
the week containing its last day or later) and those whose last week in ydelser is earlier; and those
analysed: the whole group for the exit outcomes, the citizens with a known `kontanthjaelp_siden` for
the long-history table.

Small counts of citizens are suppressed in every table, text and the flow chart (`evalkit.statistik.diskretion`):
the categories of herkomst, køn and the long-history split add up to the group and are compared between
the groups (standardized differences), and each step of the flow splits the group in two.
resultater.json keeps the true numbers and marks the suppressed ones.
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
    FLOW_STEPS,
    HERKOMST,
    KONTANTHJAELP,
    balance_label,
    count_id,
    history_marks,
    indicators,
    missing_start_exempt,
    missing_start_folded,
    missing_start_marks,
    missing_start_text,
    share,
    shorter_history,
    with_document,
)
from evalkit.praesentation import beskyttet, dansk, figures, flowdiagram, formatting, tekst
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion
from evalkit.statistik.regression import smd

TABLES = ("borgere", "ydelser")  # ydelser only for the flow


KOEN = {"K": "Kvinder", "M": "Mænd"}



@dataclass(frozen=True)
class Baseline:
    n: dict[str, int]
    herkomst: dict[str, dict[str, int]]
    koen: dict[str, dict[str, int]]
    alder: dict[str, float]
    forsoergelse_aar: dict[str, float]
    lang_historik: dict[str, int]
    kort_historik: dict[str, int]
    uden_startdato: dict[str, int]
    balance: dict[str, dict[str, float | None]]  # variable -> {'forsoeg', 'kontrol' (mean), 'smd'}
    diskretionsgraense: int
    uden_startdato_undtaget: bool = False  # the configuration exempts them from disclosure control
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    def uden_startdato_skjult(self) -> bool:
        """Whether Tabel 2 counts the citizens without a start date under the shorter history, as the
        balance table does (`faelles.missing_start_folded`)."""
        return missing_start_folded(self.uden_startdato, self.diskretionsgraense, self.uden_startdato_undtaget)

    def historik(self) -> dict[str, dict[str, int]]:
        """Tabel 2's counts per group: 'kort', 'lang' and their total 'i_alt' (see `uden_startdato_skjult`)."""
        kort = shorter_history(self.kort_historik, self.uden_startdato, self.diskretionsgraense, self.uden_startdato_undtaget)
        return {g: {"kort": kort[g], "lang": self.lang_historik[g], "i_alt": kort[g] + self.lang_historik[g]} for g in GROUPS}

    def skjult(self) -> dict[str, dict[str, dict[str, str | None]]]:
        """Suppression marks of the distributions, {'herkomst'|'koen'|'historik': {category: {group: mark}}}:
        each group's categories add up to its (shown) total and each category is compared between the groups;
        'historik' also has Tabel 2's total per group ('i_alt'). The document's solution hides more."""
        grids = {
            "herkomst": {c: {g: self.herkomst[g][c] for g in GROUPS} for c in HERKOMST},
            "koen": {c: {g: self.koen[g][c] for g in GROUPS} for c in KOEN},
        }
        marks = {
            name: diskretion.suppress_grid(grid, self.diskretionsgraense, column_sums=True, compared_rows=True)
            for name, grid in grids.items()
        }
        counts = self.historik()
        kort, lang = ({g: counts[g][h] for g in GROUPS} for h in ("kort", "lang"))
        marks["kontanthjaelpshistorik"] = history_marks(kort, lang, self.diskretionsgraense)
        marks["kontanthjaelpshistorik"]["i_alt"] = {  # Tabel 2's total per group
            g: diskretion.PRIMARY if diskretion.is_small(counts[g]["i_alt"], self.diskretionsgraense) else None for g in GROUPS
        }
        marks = {
            name: {c: with_document(row, self.dokument_plan, lambda g, name=name, c=c: [count_id("baseline", name, c, g, "antal"), count_id("baseline", name, c, g)])
                   for c, row in grid.items()}
            for name, grid in marks.items()
        }
        return {**marks, "historik": marks.pop("kontanthjaelpshistorik")}

    def share_cells(self) -> dict[str, dict[str, tuple[int, int, str | None]]]:
        """The balance table's shares as (count, group size, mark) per variable and group."""
        marks = self.skjult()
        cells = {f"herkomst_{c}": (self.herkomst, c, marks["herkomst"][c]) for c in HERKOMST}
        cells["kvinde"] = (self.koen, "K", marks["koen"]["K"])
        result = {v: {g: (source[g][c], self.n[g], mark[g]) for g in GROUPS} for v, (source, c, mark) in cells.items()}
        result["lang_historik"] = {g: (self.lang_historik[g], self.n[g], marks["historik"]["lang"][g]) for g in GROUPS}
        return result


def _counts(borgere: pd.DataFrame, column: str, categories: list[str]) -> dict[str, dict[str, int]]:
    table = pd.crosstab(borgere["gruppe"], borgere[column]).reindex(index=list(GROUPS), columns=categories)
    return {g: {c: int(table.loc[g, c]) if pd.notna(table.loc[g, c]) else 0 for c in categories} for g in GROUPS}


def _balance(borgere: pd.DataFrame, config: Config) -> dict[str, dict[str, float | None]]:
    values = indicators(borgere, config)
    in_group = {g: (borgere["gruppe"] == g).to_numpy() for g in GROUPS}
    return {
        column: {
            **{g: float(values[column][in_group[g]].mean()) for g in GROUPS},
            "smd": smd(values[column][in_group["forsoeg"]], values[column][in_group["kontrol"]]),
        }
        for column in values.columns
    }


def compute(data: dict[str, pd.DataFrame], config: Config) -> Baseline:
    """The baseline figures of both groups."""
    borgere = data["borgere"]
    by_group = borgere.groupby("gruppe")
    siden = borgere["kontanthjaelp_siden"]
    lang = siden.notna() & (siden <= pd.Timestamp(config.lang_historik_graense))
    kort = siden.notna() & ~lang

    def per_group(mask: pd.Series) -> dict[str, int]:
        return {g: int((mask & (borgere["gruppe"] == g)).sum()) for g in GROUPS}

    return Baseline(
        n={g: int((borgere["gruppe"] == g).sum()) for g in GROUPS},
        herkomst=_counts(borgere, "herkomst", list(HERKOMST)),
        koen=_counts(borgere, "koen", list(KOEN)),
        alder={g: float(by_group["alder"].mean()[g]) for g in GROUPS},
        forsoergelse_aar={g: float(by_group["offentlig_forsoergelse_aar"].mean()[g]) for g in GROUPS},
        lang_historik=per_group(lang),
        kort_historik=per_group(kort),
        uden_startdato=per_group(siden.isna()),
        balance=_balance(borgere, config),
        diskretionsgraense=config.diskretionsgraense,
        uden_startdato_undtaget=missing_start_exempt(config),
        dokument_plan=config.diskretion_plan,
    )


def _history_n(b: Baseline, g: str) -> int:
    return b.historik()[g]["i_alt"]


def table_characteristics(b: Baseline, config: Config) -> Table:
    """Tabel 1: herkomst, køn, alder and years on public benefits per group."""
    t, marks = b.diskretionsgraense, b.skjult()
    table = Table(["", *(config.grupper[g] for g in GROUPS)])
    table.add_row("Antal borgere", *(beskyttet.count_cell(b.n[g], t) for g in GROUPS))
    for name, source, labels in (("herkomst", b.herkomst, HERKOMST), ("koen", b.koen, KOEN)):
        for code, label in labels.items():
            table.add_row(
                label,
                *(beskyttet.share_with_count_cell(source[g][code], b.n[g], t, marks[name][code][g]) for g in GROUPS),
            )
    table.add_row("Alder, gennemsnit", *(f"{formatting.number(b.alder[g])} år" for g in GROUPS))
    table.add_row(
        "År på offentlig forsørgelse, gennemsnit",
        *(f"{formatting.number(b.forsoergelse_aar[g], 1)} år" for g in GROUPS),
    )
    table.add_note(
        f"Note: Borgere i de to grupper på forsøgets startdato, {formatting.date(config.startdato)}. "
        "Andele er beregnet af alle borgere i gruppen; antal i parentes."
    )
    return beskyttet.annotate(table, t)


def table_history(b: Baseline, config: Config) -> Table:
    """Tabel 2: citizens by how long they had been on kontanthjælp at the start date."""
    years = config.lang_historik_aar
    table = Table(
        [
            "",
            f"Under {years} år, antal",
            f"Under {years} år, andel",
            f"{years} år eller længere, antal",
            f"{years} år eller længere, andel",
            "I alt",
        ]
    )
    t, marks, counts = b.diskretionsgraense, b.skjult()["historik"], b.historik()
    for g in GROUPS:
        c = counts[g]
        table.add_row(
            config.grupper[g],
            beskyttet.count_cell(c["kort"], t, marks["kort"][g]),
            beskyttet.pct_cell(c["kort"], c["i_alt"], t, marks["kort"][g]),
            beskyttet.count_cell(c["lang"], t, marks["lang"][g]),
            beskyttet.pct_cell(c["lang"], c["i_alt"], t, marks["lang"][g]),
            beskyttet.count_cell(c["i_alt"], t, marks["i_alt"][g]),
        )
    table.add_note(
        f"Note: '{years} år eller længere' betyder, at den aktuelle periode på kontanthjælp begyndte "
        f"{formatting.date(config.lang_historik_graense)} eller tidligere."
    )
    if b.uden_startdato_skjult():
        table.add_note(
            f"Borgere uden startdato for kontanthjælp tæller med under 'Under {years} år'; hvor mange de er, "
            "oplyses ikke af hensyn til diskretion."
        )
    elif any(b.uden_startdato.values()):
        table.add_note(f"{missing_start_text(b.uden_startdato, t, config)} indgår ikke i tabellen.")
    return beskyttet.annotate(table, t)


def table_balance(b: Baseline, config: Config) -> Table:
    """Baseline balance: each variable's mean or share per group and the standardized mean difference."""
    table = Table(["", *(config.grupper[g] for g in GROUPS), "Standardiseret forskel", "Over grænsen"])
    shares = b.share_cells()
    for variable, row in b.balance.items():
        if variable in shares:
            shown = [beskyttet.pct_cell(*shares[variable][g][:2], b.diskretionsgraense, shares[variable][g][2]) for g in GROUPS]
        else:
            shown = [formatting.number(row[g], 1) for g in GROUPS]
        value = row["smd"]
        flag = "ja" if value is not None and abs(value) > config.smd_graense else "nej"
        # the SMD of a binary variable and the group sizes give its shares: hidden where they are
        smd_cell = beskyttet.HIDDEN if beskyttet.HIDDEN in shown else ("–" if value is None else formatting.number(value, 2))
        table.add_row(balance_label(variable, config), *shown, smd_cell, flag)
    table.add_note(
        "Note: Den standardiserede forskel er forskellen mellem gruppernes gennemsnit (eller andele) divideret med "
        "den samlede standardafvigelse. En numerisk værdi over "
        f"{formatting.number(config.smd_graense, 1)} regnes som en mærkbar ubalance mellem grupperne. "
        "Lang kontanthjælpshistorik er her opgjort blandt alle borgere; borgere uden startdato tæller som kortere historik."
    )
    return beskyttet.annotate(
        table, b.diskretionsgraense,
        extra="Hvor andelene er skjult, vises heller ikke den standardiserede forskel, som sammen med gruppernes "
        "størrelse ville afsløre dem; kun om den er over grænsen.",
    )


def balance_text(b: Baseline, config: Config) -> str:
    """Which baseline variables are imbalanced beyond the configured threshold, computed."""
    flagged = [
        balance_label(v, config).lower()
        for v, row in b.balance.items()
        if row["smd"] is not None and abs(row["smd"]) > config.smd_graense
    ]
    limit = formatting.number(config.smd_graense, 1)
    # CONSORT: after randomisation the differences are chance; they describe, they do not decide the analysis
    described = (" Tabellen beskriver grupperne: efter en lodtrækning er forskellene tilfældige, og de afgør ikke "
                 "analysen, som analyseplanen har fastlagt på forhånd.")
    if not flagged:
        return f"Ingen af baggrundsvariablerne har en standardiseret forskel over {limit}.{described}"
    return f"Grupperne er ikke helt ens ved start: {dansk.join(flagged)} har en standardiseret forskel over {limit}.{described}"


def figure(b: Baseline, config: Config) -> SVG:
    """Shares by origin, sex and long history, the two groups side by side, as Tabel 1 and 2 print them
    (hidden shares are not drawn)."""
    t, marks = b.diskretionsgraense, b.skjult()
    rows = [(label, {g: beskyttet.shown_share(b.herkomst[g][code], b.n[g], t, marks["herkomst"][code][g]) for g in GROUPS})
            for code, label in HERKOMST.items()]
    rows += [(label, {g: beskyttet.shown_share(b.koen[g][code], b.n[g], t, marks["koen"][code][g]) for g in GROUPS})
             for code, label in KOEN.items()]
    rows.append(
        (
            f"{config.lang_historik_aar} år eller længere på kontanthjælp",
            {g: beskyttet.shown_share(b.lang_historik[g], _history_n(b, g), t, marks["historik"]["lang"][g]) for g in GROUPS},
        )
    )
    fig = figures.new_figure(3.4)
    ax = fig.subplots()
    values = {g: [v[g] for _, v in rows] for g in GROUPS}
    figures.grouped_barh(ax, [label for label, _ in rows], values, config.grupper)
    ax.set_xlim(0, 1)
    figures.percent_axis(ax.xaxis)
    ax.set_xlabel("Andel af gruppen")
    return figures.as_svg(fig, figures.largest_difference([label for label, _ in rows], values, config.grupper_bestemt, 0))


def _share_pair(
    counts: dict[str, int], totals: dict[str, int], marks: dict[str, str | None], t: int
) -> tuple[str, str] | None:
    """('47 pct.', '52 pct.') for the two groups, or None when a share is suppressed."""
    first, second = (beskyttet.pct_cell(counts[g], totals[g], t, marks[g]) for g in GROUPS)
    return None if beskyttet.HIDDEN in (first, second) else (first, second)


def summary(b: Baseline, config: Config) -> str:
    """A short Danish paragraph on the groups at the start date, every number computed; a suppressed share is
    said to be hidden instead."""
    f, k = "forsoeg", "kontrol"
    bf, bk = config.grupper_bestemt[f], config.grupper_bestemt[k]
    t, marks = b.diskretionsgraense, b.skjult()
    hidden = "vises ikke af hensyn til diskretion"
    women = _share_pair({g: b.koen[g]["K"] for g in GROUPS}, b.n, marks["koen"]["K"], t)
    danish = _share_pair({g: b.herkomst[g]["dansk"] for g in GROUPS}, b.n, marks["herkomst"]["dansk"], t)
    known = {g: _history_n(b, g) for g in GROUPS}
    long = _share_pair(b.lang_historik, known, marks["historik"]["lang"], t)
    ages = f"{formatting.number(b.alder[f])} og {formatting.number(b.alder[k])} år"
    text = (
        f"På startdatoen {formatting.date(config.startdato)} var der {beskyttet.citizens_text(b.n[f], t)} i {bf} og "
        f"{beskyttet.count_text(b.n[k], t)} i {bk}. "
    )
    if women:
        text += f"Andelen af kvinder var {women[0]} og {women[1]}, og gennemsnitsalderen var {ages}. "
    else:
        text += f"Gennemsnitsalderen var {ages}; andelen af kvinder {hidden}. "
    if danish:
        text += f"Andelen med dansk herkomst var {danish[0]} i {bf} og {danish[1]} i {bk}. "
    else:
        text += f"Andelen med dansk herkomst {hidden}. "
    if long:
        text += (
            f"Blandt borgerne med en kendt startdato for kontanthjælp havde {long[0]} i {bf} og {long[1]} i {bk} været på "
            f"kontanthjælp i {config.lang_historik_aar} år eller længere."
        )
    else:
        text += f"Andelen, der havde været på kontanthjælp i {config.lang_historik_aar} år eller længere, {hidden}."
    return text


def _balance_marks(cells: dict[str, tuple[int, int, str | None]] | None) -> dict[str, str | None]:
    """A balance row's marks: its groups' hidden shares, and the SMD with them (it would give the shares)."""
    if cells is None:
        return {}
    marks = {g: cells[g][2] for g in GROUPS}
    return {**marks, "smd": diskretion.SECONDARY if any(marks.values()) else None}


def to_json(b: Baseline) -> dict:
    """The baseline section of resultater.json (true, unrounded numbers; suppressed ones marked, see
    `evalkit.statistik.diskretion`)."""
    t, marks = b.diskretionsgraense, b.skjult()
    shares = b.share_cells()
    small = {g: diskretion.PRIMARY if diskretion.is_small(b.n[g], t) else None for g in GROUPS}

    def distribution(name: str, source: dict[str, dict[str, int]], categories: dict[str, str]) -> dict:
        return {
            c: diskretion.mark_json({g: share(source[g][c], b.n[g]) for g in GROUPS}, marks[name][c]) for c in categories
        }

    return {
        "grupper": diskretion.mark_json({g: {"n": b.n[g]} for g in GROUPS}, small),
        "baseline": {
            "herkomst": distribution("herkomst", b.herkomst, HERKOMST),
            "koen": distribution("koen", b.koen, KOEN),
            "alder_gennemsnit": dict(b.alder),
            "offentlig_forsoergelse_aar_gennemsnit": dict(b.forsoergelse_aar),
            "balance": {v: diskretion.mark_json(dict(row), _balance_marks(shares.get(v))) for v, row in b.balance.items()},
            "kontanthjaelpshistorik": {
                "lang": diskretion.mark_json(
                    {g: share(b.lang_historik[g], _history_n(b, g)) for g in GROUPS}, marks["historik"]["lang"]
                ),
                "kort": diskretion.mark_json(
                    {g: share(b.historik()[g]["kort"], _history_n(b, g)) for g in GROUPS}, marks["historik"]["kort"]
                ),
                "uden_startdato": diskretion.mark_json(
                    dict(b.uden_startdato), missing_start_marks(b.uden_startdato, t, b.uden_startdato_undtaget)
                ),
            },
        },
    }


def phase_text(config: Config, fase: Fase) -> str:
    """The phase's periods in Danish, from the configuration."""
    maale = fase.maaleperiode
    placering = fase.placeringsperiode
    hr = " og ".join(formatting.month_range(p.start, p.slut) for p in fase.hr_perioder)
    return (
        f"Forsøget begyndte {formatting.date(config.startdato)}. {fase.navn}en bygger på disse perioder: "
        f"afgange fra kontanthjælp måles fra {formatting.date(maale.start)} til {formatting.date(maale.slut)}; "
        f"virksomhedsplaceringer og samtaler fra {formatting.date(placering.start)} til "
        f"{formatting.date(placering.slut)}; gruppen med lang kontanthjælpshistorik gøres op "
        f"{formatting.date(fase.statusdato)}; sygefravær og medarbejderomsætning opgøres for {hr}."
        + (f" {fase.maaleperiode_begrundelse}" if fase.maaleperiode_begrundelse else "")
    )


def rammer_text(config: Config, fase: Fase) -> str:
    """The intervention in numbers, from the configuration: the trial's period and department, the
    caseloads, the trial department's staff and what the trial cost (what is not configured is left out).
    Told in the present tense when the phase's document is published before the trial ends."""
    sentences = []
    periode = config.forsoegsperiode
    running = periode is not None and fase.udgivelsesdato <= periode.slut
    was = "har" if running else "havde"
    if periode is not None:
        sentences.append(
            f"Forsøget {'løber' if running else 'løb'} fra {formatting.date(periode.start)} til {formatting.date(periode.slut)} i "
            f"{tekst.escape(config.forsoegsafdeling)}, en af {formatting.count(len(config.afdelinger))} afdelinger i "
            f"{tekst.escape(config.enhed)}."
        )
    load = config.sagsstamme
    sentences.append(
        f"En personligt koordinerende sagsbehandler i {config.grupper_bestemt['forsoeg']} {was} omkring "
        f"{formatting.count(load['forsoeg'])} sager mod omkring {formatting.count(load['kontrol'])} i de ordinære "
        f"afdelinger, som {config.grupper_bestemt['kontrol']}s borgere {'hører' if running else 'hørte'} til."
    )
    if config.medarbejdere:
        staff = [f"{formatting.count(n)} {tekst.escape(role)}" for role, n in config.medarbejdere.items()]
        sentences.append(f"{config.grupper['forsoeg']}en {was} {dansk.join(staff)}.")
    oek = config.oekonomi
    years = dansk.join([str(year) for year in oek.investering_aar])
    sentences.append(
        f"Kommunen afsatte {formatting.mio_kr(oek.investering_pr_aar)} om året i {years} til løn til de ekstra "
        f"sagsbehandlere og {formatting.mio_kr(oek.evaluering_kr)} til evalueringen."
    )
    return " ".join(sentences)


# ---------------------------------------------------------------- the flow of citizens (CONSORT-style)


@dataclass(frozen=True)
class Flow:
    """Who is counted where in one phase, per group; every count is over the whole group."""

    fase: Fase
    startdato: dt.date
    startuge: dt.date  # Monday of the week containing the start date
    slutuge: dt.date  # Monday of the week containing the last day of the måleperiode
    randomiseret: dict[str, int]  # randomised and allocated: the group's rows in borgere
    kontanthjaelp_startuge: dict[str, int]  # ydelse kontanthjaelp in the start week
    fulgt_til_slut: dict[str, int]  # a row in ydelser in the end week or later
    analyseret_afgange: dict[str, int]  # denominator of the exit outcomes: the whole group
    analyseret_historik: dict[str, int]  # in the long-history table (Tabel 2)
    diskretionsgraense: int
    uden_startdato_undtaget: bool = False  # the configuration exempts them from disclosure control
    dokument_plan: frozenset[str] = frozenset()  # hidden by the document's solution (Config.diskretion_plan)

    def ikke_kontanthjaelp_startuge(self, group: str) -> int:
        return self.randomiseret[group] - self.kontanthjaelp_startuge[group]

    def forladt_foer_slut(self, group: str) -> int:
        """Citizens whose last week in ydelser is before the end week (or who have no rows at all)."""
        return self.randomiseret[group] - self.fulgt_til_slut[group]

    def udeladt_historik(self, group: str) -> int:
        return self.randomiseret[group] - self.analyseret_historik[group]

    @property
    def i_alt(self) -> int:
        return sum(self.randomiseret.values())

    def tal(self, group: str) -> dict[str, int]:
        """Every count of the group's flow, by its key in resultater.json."""
        return {
            "randomiseret": self.randomiseret[group],
            "kontanthjaelp_startuge": self.kontanthjaelp_startuge[group],
            "ikke_kontanthjaelp_startuge": self.ikke_kontanthjaelp_startuge(group),
            "fulgt_til_slut": self.fulgt_til_slut[group],
            "forladt_foer_slut": self.forladt_foer_slut(group),
            "analyseret_afgange": self.analyseret_afgange[group],
            "analyseret_historik": self.analyseret_historik[group],
            "udeladt_historik": self.udeladt_historik(group),
        }

    def totals(self) -> dict[str, int]:
        """Both groups' totals the flow publishes: those randomised (the chart's top box and the text) and
        those who left the data early (the text)."""
        return {"randomiseret": self.i_alt, "forladt_foer_slut": sum(self.forladt_foer_slut(g) for g in GROUPS)}

    def skjult_i_alt(self) -> dict[str, str | None]:
        """Marks of `totals`: small, or hidden by the document's solution."""
        marks = {key: diskretion.PRIMARY if diskretion.is_small(n, self.diskretionsgraense) else None
                 for key, n in self.totals().items()}
        return with_document(marks, self.dokument_plan, lambda key: [count_id("flow", "i_alt", key)])

    def skjult(self) -> dict[str, dict[str, str | None]]:
        """Suppression marks per group and count: each step splits the group (whose size is shown) in two,
        and the text gives the total of those who left the data early."""
        exempt = {"udeladt_historik"} if self.uden_startdato_undtaget else set()  # those in Tabel 2 are not
        cells = {(g, key): value for g in GROUPS for key, value in self.tal(g).items() if key not in exempt}
        sums = [[cell for cell in ((g, step), (g, rest)) if cell in cells] for g in GROUPS for step, rest in FLOW_STEPS.items()]
        sums.append([(g, "forladt_foer_slut") for g in GROUPS])
        marks = diskretion.suppress_linked(cells, self.diskretionsgraense, sums)
        marks = {(g, key): marks.get((g, key)) for g in GROUPS for key in self.tal(g)}
        marks = with_document(marks, self.dokument_plan, lambda cell: [count_id("flow", *cell)])
        return {g: {key: marks[(g, key)] for key in self.tal(g)} for g in GROUPS}



def flow(data: dict[str, pd.DataFrame], config: Config, fase: Fase) -> Flow:
    """The flow numbers of both groups for the phase `fase` (see the module docstring)."""
    borgere = data["borgere"]
    startuge = week_monday(config.startdato)
    slutuge = week_monday(fase.maaleperiode.slut)
    weekly = panel.borgerpanel(data["ydelser"], borgere["borger_id"])
    on_kh = pd.Series((weekly.status_in_week(startuge) == KONTANTHJAELP).to_numpy(), index=borgere.index)
    followed = pd.Series((weekly.last_weeks() >= pd.Timestamp(slutuge)).to_numpy(), index=borgere.index)
    known_history = borgere["kontanthjaelp_siden"].notna()
    everyone = pd.Series(True, index=borgere.index)

    def per_group(mask: pd.Series) -> dict[str, int]:
        return {g: int((mask & (borgere["gruppe"] == g)).sum()) for g in GROUPS}

    exempt = missing_start_exempt(config)
    if missing_start_folded(per_group(~known_history), config.diskretionsgraense, exempt):
        known_history = everyone  # Tabel 2 counts them under the shorter history: no one is left out

    return Flow(
        fase=fase,
        startdato=config.startdato,
        startuge=startuge,
        slutuge=slutuge,
        randomiseret=per_group(everyone),
        kontanthjaelp_startuge=per_group(on_kh),
        fulgt_til_slut=per_group(followed),
        analyseret_afgange=per_group(everyone),
        analyseret_historik=per_group(known_history),
        diskretionsgraense=config.diskretionsgraense,
        uden_startdato_undtaget=exempt,
        dokument_plan=config.diskretion_plan,
    )


def flow_to_json(f: Flow) -> dict:
    """The `flow` section of resultater.json: per group, the count at every step of the flow, and both
    groups' totals of those randomised and of those who left the data early (true numbers; the suppressed
    ones marked, see `evalkit.statistik.diskretion`)."""
    marks = f.skjult()
    return {"flow": {**{g: diskretion.mark_json(f.tal(g), marks[g]) for g in GROUPS},
                     "i_alt": diskretion.mark_json(f.totals(), f.skjult_i_alt())}}  # the chart's and the text's totals


def _flow_count(f: Flow, group: str, key: str, marks: dict[str, dict[str, str | None]], words: bool) -> str:
    """One count of the flow as published: in words for the text, with the symbols for the chart; a count
    hidden because the rest of its group is small reads 'alle på nær færre end 5'."""
    t, tal, mark = f.diskretionsgraense, f.tal(group), marks[group][key]
    if f.uden_startdato_undtaget and key == "udeladt_historik":
        t = 1  # exempt: published as it is (a count is never small below 1)
    rest = FLOW_STEPS.get(key)
    if mark == diskretion.SECONDARY and rest and diskretion.is_small(tal[rest], t):
        return f"alle på nær færre end {t}" if words else f"alle på nær <{t}"
    return beskyttet.count_text(tal[key], t, mark) if words else beskyttet.count_cell(tal[key], t, mark)


def flow_text(f: Flow, config: Config) -> str:
    """The flow in Danish sentences with every number that may be published, for readers who cannot see
    the figure."""
    t, marks, totals = f.diskretionsgraense, f.skjult(), f.skjult_i_alt()
    slut = formatting.date(f.fase.maaleperiode.slut)

    def groups(key: str, skip_zero: bool = False) -> str:
        """'917 i forsøgsafdelingen og 856 i kontrolgruppen' (with `skip_zero`, only the groups with a count)."""
        shown = [g for g in GROUPS if f.tal(g)[key] or not skip_zero]
        return dansk.join([f"{_flow_count(f, g, key, marks, True)} i {config.grupper_bestemt[g]}" for g in shown])

    sentences = [
        f"På startdatoen {formatting.date(f.startdato)} var {beskyttet.citizens_text(f.i_alt, t, totals['randomiseret'])} "
        "med i forsøget. "
        f"Lodtrækningen havde fordelt dem med {groups('randomiseret')}."
    ]
    if any(f.ikke_kontanthjaelp_startuge(g) for g in GROUPS):
        sentences.append(
            f"I startugen var {groups('kontanthjaelp_startuge')} på kontanthjælp, mens "
            f"{groups('ikke_kontanthjaelp_startuge', skip_zero=True)} havde en anden ydelse."
        )
    else:
        sentences.append("Alle borgere i begge grupper var på kontanthjælp i startugen.")
    left = f.totals()["forladt_foer_slut"]
    exits = f"Afgangene fra kontanthjælp opgøres for hele gruppen, altså {groups('analyseret_afgange')}"
    if left and all(_flow_count(f, g, "forladt_foer_slut", marks, True) == f"færre end {t}"
                    for g in GROUPS if f.tal(g)["forladt_foer_slut"]):
        # every group's count is small: say it once instead of "alle på nær færre end 5" per group
        sentences.append(
            f"Ydelsesdata følger næsten alle borgere til måleperiodens slut, {slut}: færre end {t} borgere "
            f"{'i hver gruppe' if all(f.tal(g)['forladt_foer_slut'] for g in GROUPS) else 'i alt'} forsvinder fra data før."
        )
        sentences.append(f"{exits}, også for dem, der forsvinder fra data før tid.")
    elif left:
        sentences.append(
            f"Ydelsesdata følger {groups('fulgt_til_slut')} til måleperiodens slut, {slut}. "
            f"I alt forsvinder {beskyttet.citizens_text(left, t, totals['forladt_foer_slut'])} fra data før "
            f"({groups('forladt_foer_slut', skip_zero=True)})."
        )
        sentences.append(f"{exits}, også for dem, der forsvinder fra data før tid.")
    else:
        sentences.append(f"Ydelsesdata følger alle borgere til måleperiodens slut, {slut}.")
        sentences.append(f"{exits}.")
    if any(f.udeladt_historik(g) for g in GROUPS):
        sentences.append(
            f"Opgørelsen af kontanthjælpshistorikken omfatter {groups('analyseret_historik')}; "
            f"{groups('udeladt_historik', skip_zero=True)} er udeladt, fordi startdatoen for kontanthjælp mangler."
        )
    else:
        sentences.append("Opgørelsen af kontanthjælpshistorikken omfatter alle borgere, da alle har en startdato for kontanthjælp.")
    chart = [line for g in GROUPS for box in _flow_boxes(f, config, g, marks) for line, _kind in box]
    primary, secondary = beskyttet.symbols_used(chart, t)
    if primary or secondary:
        sentences.append(
            f"Små antal oplyses ikke af hensyn til diskretion. Tegn i figuren: {beskyttet.note(t, primary, secondary)}"
        )
    return " ".join(sentences)


def _flow_boxes(f: Flow, config: Config, g: str, marks: dict[str, dict[str, str | None]]) -> list[list[tuple[str, str]]]:
    """The lines of one group's boxes, top to bottom (suppressed counts as '<5' or '..')."""

    def n(key: str) -> str:
        return _flow_count(f, g, key, marks, words=False)

    return [
        [(f"Fordelt til {config.grupper_bestemt[g]}", "titel"), (f"{n('randomiseret')} borgere", "tal")],
        [
            ("På kontanthjælp i startugen", "titel"),
            (f"{n('kontanthjaelp_startuge')} borgere", "tal"),
            (f"Anden ydelse i startugen: {n('ikke_kontanthjaelp_startuge')}", "note"),
        ],
        [
            (f"Fulgt i ydelsesdata til {formatting.date(f.fase.maaleperiode.slut)}", "titel"),
            (f"{n('fulgt_til_slut')} borgere", "tal"),
            (f"Forsvandt fra data før: {n('forladt_foer_slut')}", "note"),
        ],
        [
            ("Analyseret", "titel"),
            (f"Afgange: {n('analyseret_afgange')} (hele gruppen)", "tal"),
            (f"Kontanthjælpshistorik: {n('analyseret_historik')}", "tal"),
            (f"Udeladt, uden startdato: {n('udeladt_historik')}", "note"),
        ],
    ]


def flow_chart(f: Flow, config: Config):
    """The flow chart as a matplotlib Figure (`flow_figure` gives its SVG)."""
    top_lines = [
        (f"I forsøget på startdatoen {formatting.date(f.startdato)}", "titel"),
        (f"{beskyttet.count_cell(f.i_alt, f.diskretionsgraense, f.skjult_i_alt()['randomiseret'])} borgere", "tal"),
        ("fordelt ved lodtrækning", "note"),
    ]
    marks = f.skjult()
    columns = {g: _flow_boxes(f, config, g, marks) for g in GROUPS}
    return flowdiagram.two_columns(top_lines, columns, figures.GROUP_COLOURS)


def flow_figure(f: Flow, config: Config) -> SVG:
    """The CONSORT-style flow chart: all citizens at the start date, then one column per group."""
    return figures.as_svg(flow_chart(f, config))
