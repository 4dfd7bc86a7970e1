"""Baseline: who was in the two groups at the start date (Tabel 1 and Tabel 2).

Definitions (data contract, section 3): counts and shares by herkomst and koen, mean alder and mean
years on public benefits over all citizens of a group; the long-history split by
`kontanthjaelp_siden` against the start date minus the configured number of years, citizens without
a date left out of that table and counted in its note.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import SVG

from evalkit import figures, formatting
from evalkit.config import GROUPS, Config, Fase
from evalkit.results import share
from evalkit.statistik import adjusted_difference, smd
from evalkit.tables import Table

TABLES = ("borgere",)

HERKOMST = {"dansk": "Dansk herkomst", "vestlig": "Vestlig herkomst", "ikke-vestlig": "Ikke-vestlig herkomst"}
KOEN = {"K": "Kvinder", "M": "Mænd"}
# covariates of the adjusted comparisons: every baseline indicator but the reference origin (dansk)
ADJUSTMENT_VARIABLES = ("kvinde", "alder", "offentlig_forsoergelse_aar", "herkomst_vestlig", "herkomst_ikke-vestlig", "lang_historik")


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


def _counts(borgere: pd.DataFrame, column: str, categories: list[str]) -> dict[str, dict[str, int]]:
    table = pd.crosstab(borgere["gruppe"], borgere[column]).reindex(index=list(GROUPS), columns=categories)
    return {g: {c: int(table.loc[g, c]) if pd.notna(table.loc[g, c]) else 0 for c in categories} for g in GROUPS}


def indicators(borgere: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The baseline variables as numbers, one row per citizen (index borger_id): the covariates of the
    balance table and of the adjusted comparisons. The long-history indicator is 0 when the date is unknown."""
    siden = borgere["kontanthjaelp_siden"]
    frame = pd.DataFrame(
        {
            "kvinde": (borgere["koen"] == "K").astype(float),
            "alder": borgere["alder"].astype(float),
            "offentlig_forsoergelse_aar": borgere["offentlig_forsoergelse_aar"].astype(float),
            **{f"herkomst_{code}": (borgere["herkomst"] == code).astype(float) for code in HERKOMST},
            "lang_historik": (siden.notna() & (siden <= pd.Timestamp(config.lang_historik_graense))).astype(float),
        }
    )
    frame.index = borgere["borger_id"].to_numpy()
    return frame


BASELINE_COLUMNS = ("gruppe", "koen", "alder", "herkomst", "offentlig_forsoergelse_aar", "kontanthjaelp_siden")


def adjusted_comparison(y: pd.Series, borgere: pd.DataFrame, config: Config) -> dict | None:
    """The difference forsøg − kontrol in a 0/1 outcome (`y`, indexed by borger_id) adjusted for the
    baseline variables: a linear probability model with HC2 robust standard errors. None when the
    citizens table lacks the baseline columns (a partial table, as in small unit tests)."""
    if not set(BASELINE_COLUMNS) <= set(borgere.columns):
        return None
    citizens = borgere.set_index("borger_id").loc[y.index]
    covariates = indicators(citizens.reset_index(), config)[list(ADJUSTMENT_VARIABLES)]
    treated = (citizens["gruppe"] == "forsoeg").astype(int)
    return adjusted_difference(y.astype(int), treated, covariates.set_axis(y.index), alpha=config.alpha)


def balance_label(variable: str, config: Config) -> str:
    labels = {
        "kvinde": "Kvinder",
        "alder": "Alder",
        "offentlig_forsoergelse_aar": "År på offentlig forsørgelse",
        "lang_historik": f"{config.lang_historik_aar} år eller længere på kontanthjælp",
        **{f"herkomst_{code}": label for code, label in HERKOMST.items()},
    }
    return labels[variable]


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
    )


def _history_n(b: Baseline, g: str) -> int:
    return b.lang_historik[g] + b.kort_historik[g]


def table_characteristics(b: Baseline, config: Config) -> Table:
    """Tabel 1: herkomst, køn, alder and years on public benefits per group."""
    table = Table(["", *(config.grupper[g] for g in GROUPS)])
    table.add_row("Antal borgere", *(formatting.count(b.n[g]) for g in GROUPS))
    for source, labels in ((b.herkomst, HERKOMST), (b.koen, KOEN)):
        for code, label in labels.items():
            table.add_row(label, *(formatting.share_with_count(source[g][code] / b.n[g], source[g][code]) for g in GROUPS))
    table.add_row("Alder, gennemsnit", *(f"{formatting.number(b.alder[g])} år" for g in GROUPS))
    table.add_row(
        "År på offentlig forsørgelse, gennemsnit",
        *(f"{formatting.number(b.forsoergelse_aar[g], 1)} år" for g in GROUPS),
    )
    table.add_note(
        f"Note: Borgere i de to grupper på forsøgets startdato, {formatting.date(config.startdato)}. "
        "Andele er beregnet af alle borgere i gruppen; antal i parentes."
    )
    return table


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
    for g in GROUPS:
        n = _history_n(b, g)
        table.add_row(
            config.grupper[g],
            formatting.count(b.kort_historik[g]),
            formatting.pct(b.kort_historik[g] / n),
            formatting.count(b.lang_historik[g]),
            formatting.pct(b.lang_historik[g] / n),
            formatting.count(n),
        )
    table.add_note(
        f"Note: '{years} år eller længere' betyder, at den aktuelle periode på kontanthjælp begyndte "
        f"{formatting.date(config.lang_historik_graense)} eller tidligere."
    )
    missing = {g: k for g, k in b.uden_startdato.items() if k}
    if missing:
        parts = [f"{formatting.count(k)} i {config.grupper_bestemt[g]}" for g, k in missing.items()]
        total = sum(missing.values())
        noun = "borger" if total == 1 else "borgere"
        table.add_note(
            f"{formatting.count(total)} {noun} uden startdato for kontanthjælp ({', '.join(parts)}) indgår ikke i tabellen."
        )
    return table


def table_balance(b: Baseline, config: Config) -> Table:
    """Baseline balance: each variable's mean or share per group and the standardized mean difference."""
    table = Table(["", *(config.grupper[g] for g in GROUPS), "Standardiseret forskel", "Over grænsen"])
    for variable, row in b.balance.items():
        is_share = variable not in ("alder", "offentlig_forsoergelse_aar")
        shown = [formatting.pct(row[g]) if is_share else formatting.number(row[g], 1) for g in GROUPS]
        value = row["smd"]
        flag = "ja" if value is not None and abs(value) > config.smd_graense else "nej"
        table.add_row(balance_label(variable, config), *shown, "–" if value is None else formatting.number(value, 2), flag)
    return table.add_note(
        "Note: Den standardiserede forskel er forskellen mellem gruppernes gennemsnit (eller andele) divideret med "
        "den samlede standardafvigelse. En numerisk værdi over "
        f"{formatting.number(config.smd_graense, 1)} regnes som en mærkbar ubalance mellem grupperne. "
        "Lang kontanthjælpshistorik er her opgjort blandt alle borgere; borgere uden startdato tæller som kortere historik."
    )


def balance_text(b: Baseline, config: Config) -> str:
    """Which baseline variables are imbalanced beyond the configured threshold, computed."""
    flagged = [
        balance_label(v, config).lower()
        for v, row in b.balance.items()
        if row["smd"] is not None and abs(row["smd"]) > config.smd_graense
    ]
    limit = formatting.number(config.smd_graense, 1)
    if not flagged:
        return f"Ingen af baggrundsvariablerne har en standardiseret forskel over {limit}, så grupperne er godt balancerede."
    return (
        f"Grupperne er ikke helt ens ved start: {formatting.join(flagged)} har en standardiseret forskel over "
        f"{limit}."
    )


def figure(b: Baseline, config: Config) -> SVG:
    """Shares by origin, sex and long history, the two groups side by side."""
    rows = [(label, {g: b.herkomst[g][code] / b.n[g] for g in GROUPS}) for code, label in HERKOMST.items()]
    rows += [(label, {g: b.koen[g][code] / b.n[g] for g in GROUPS}) for code, label in KOEN.items()]
    rows.append(
        (
            f"{config.lang_historik_aar} år eller længere på kontanthjælp",
            {g: b.lang_historik[g] / _history_n(b, g) for g in GROUPS},
        )
    )
    fig = figures.new_figure(3.4)
    ax = fig.subplots()
    height = 0.38
    positions = range(len(rows))
    for offset, g in ((-height / 2, "forsoeg"), (height / 2, "kontrol")):
        ax.barh(
            [p + offset for p in positions],
            [values[g] for _label, values in rows],
            height=height,
            color=figures.GROUP_COLOURS[g],
            label=config.grupper[g],
        )
    ax.set_yticks(list(positions), [label for label, _values in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    figures.percent_axis(ax.xaxis)
    ax.set_xlabel("Andel af gruppen")
    ax.legend(loc="lower right", frameon=False)
    return figures.as_svg(fig)


def summary(b: Baseline, config: Config) -> str:
    """A short Danish paragraph on the groups at the start date, every number computed."""
    f, k = "forsoeg", "kontrol"
    return (
        f"På startdatoen {formatting.date(config.startdato)} var der {formatting.count(b.n[f])} borgere i "
        f"{config.grupper_bestemt[f]} og {formatting.count(b.n[k])} i {config.grupper_bestemt[k]}. "
        f"Andelen af kvinder var {formatting.pct(b.koen[f]['K'] / b.n[f])} og "
        f"{formatting.pct(b.koen[k]['K'] / b.n[k])}, og gennemsnitsalderen var "
        f"{formatting.number(b.alder[f])} og {formatting.number(b.alder[k])} år. "
        f"Andelen med dansk herkomst var {formatting.pct(b.herkomst[f]['dansk'] / b.n[f])} i "
        f"{config.grupper_bestemt[f]} og {formatting.pct(b.herkomst[k]['dansk'] / b.n[k])} i {config.grupper_bestemt[k]}. "
        f"Blandt borgerne med en kendt startdato for kontanthjælp havde "
        f"{formatting.pct(b.lang_historik[f] / _history_n(b, f))} i {config.grupper_bestemt[f]} og "
        f"{formatting.pct(b.lang_historik[k] / _history_n(b, k))} i {config.grupper_bestemt[k]} været på "
        f"kontanthjælp i {config.lang_historik_aar} år eller længere."
    )


def to_json(b: Baseline) -> dict:
    """The baseline section of resultater.json (true, unrounded numbers)."""
    return {
        "grupper": {g: {"n": b.n[g]} for g in GROUPS},
        "baseline": {
            "herkomst": {c: {g: share(b.herkomst[g][c], b.n[g]) for g in GROUPS} for c in HERKOMST},
            "koen": {c: {g: share(b.koen[g][c], b.n[g]) for g in GROUPS} for c in KOEN},
            "alder_gennemsnit": dict(b.alder),
            "offentlig_forsoergelse_aar_gennemsnit": dict(b.forsoergelse_aar),
            "balance": {v: dict(row) for v, row in b.balance.items()},
            "kontanthjaelpshistorik": {
                "lang": {g: share(b.lang_historik[g], _history_n(b, g)) for g in GROUPS},
                "kort": {g: share(b.kort_historik[g], _history_n(b, g)) for g in GROUPS},
                "uden_startdato": dict(b.uden_startdato),
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
    )
