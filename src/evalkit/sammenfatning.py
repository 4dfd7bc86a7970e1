"""The resumé and the computed part of the overall assessment, written from a phase's merged results.

Runs after the measurement notebooks (its notebook reads their `resultater` fragments). Every number
and every verdict comes from the results; "statistisk signifikant" means a p-value below the
configured alpha, and the text says which test it is.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

from IPython.display import SVG

from evalkit import figures, formatting
from evalkit.config import Config
from evalkit.statistik import mde
from evalkit.tables import Table
from evalkit.maaleparametre.afgange import LABELS as EXIT_LABELS
from evalkit.maaleparametre.baseline import ADJUSTMENT_VARIABLES, balance_label

LABELS = {
    **EXIT_LABELS,
    "virksomhedsplacering": "Virksomhedsplacering",
    "lang_kh_reduktion": "Langvarige kontanthjælpsmodtagere ude af kontanthjælp",
}


def p_text(p: float | None) -> str:
    """'p = 0,62', 'p < 0,001' or 'p kan ikke beregnes'."""
    if p is None:
        return "p kan ikke beregnes"
    if p < 0.001:
        return "p < 0,001"
    return f"p = {formatting.number(p, 3 if p < 0.1 else 2)}"


def p_cell(p: float | None) -> str:
    """A p-value for a table cell: '0,62', '< 0,001' or 'kan ikke beregnes'."""
    return p_text(p).removeprefix("p ").removeprefix("= ")


def family(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The configured outcome family, in configured order, as far as this phase has results."""
    udfald = resultater.get("udfald", {})
    return [(key, udfald[key]) for key in config.udfaldsfamilie if key in udfald]


def significant(entry: dict[str, Any], config: Config, p_key: str = "p") -> bool:
    """Below alpha on the unadjusted (`p`) or the Holm-adjusted (`p_holm`) p-value."""
    return entry.get(p_key) is not None and entry[p_key] < config.alpha


def _verdict(entry: dict[str, Any], config: Config) -> str:
    plain, adjusted = significant(entry, config), significant(entry, config, "p_holm")
    p, p_holm = p_text(entry.get("p")), p_text(entry.get("p_holm")).replace("p ", "p(Holm) ", 1)
    if plain and adjusted:
        return f"statistisk signifikant, også efter Holm-korrektion ({p}; {p_holm})"
    if plain:
        return f"statistisk signifikant uden korrektion ({p}), men ikke efter Holm-korrektion ({p_holm})"
    return f"ikke statistisk signifikant ({p})"


def _line(key: str, entry: dict[str, Any], config: Config) -> str:
    f, k = entry["forsoeg"], entry["kontrol"]
    return (
        f"{LABELS[key]}: {formatting.pct(f['andel'])} i {config.grupper_bestemt['forsoeg']} mod "
        f"{formatting.pct(k['andel'])} i {config.grupper_bestemt['kontrol']} "
        f"({formatting.pct_points(entry['forskel'])}); {_verdict(entry, config)}."
    )


def method_text(config: Config) -> str:
    return (
        "En forskel kaldes statistisk signifikant, når en tosidet z-test for to andele (med fælles varians) "
        f"giver en p-værdi under {formatting.number(config.alpha, 2)}. Fordi flere udfald sammenlignes på "
        "én gang, vises også p-værdier korrigeret med Holms metode over hele familien af udfald; en forskel, "
        "der kun er signifikant uden korrektion, skal læses med forsigtighed."
    )


def resume(resultater: dict[str, Any], config: Config) -> str:
    """The resumé: what differs between the groups, by how much, and which differences are significant."""
    entries = family(resultater, config)
    periode = resultater["maaleperiode"]
    lines = [
        f"Grupperne er sammenlignet på {len(entries)} udfald. Afgangene fra kontanthjælp er målt fra "
        f"{formatting.date(dt.date.fromisoformat(periode['start']))} til {formatting.date(dt.date.fromisoformat(periode['slut']))}.",
        "",
        *(f"- {_line(key, entry, config)}" for key, entry in entries),
        "",
        method_text(config),
    ]
    if mde_sentence(resultater, config):
        lines += ["", mde_sentence(resultater, config)]
    samtaler = resultater.get("samtaler")
    if samtaler and resultater.get("tilgaengelighed", {}).get("samtaler", True):
        lines += [
            "",
            f"Andelen af jobsamtaler, der blev holdt til tiden, var "
            f"{formatting.pct(samtaler['forsoeg']['andel_rettidige'])} i {config.grupper_bestemt['forsoeg']} og "
            f"{formatting.pct(samtaler['kontrol']['andel_rettidige'])} i {config.grupper_bestemt['kontrol']}.",
        ]
    return "\n".join(lines)


def assessment(resultater: dict[str, Any], config: Config) -> str:
    """The computed part of the overall assessment: how many comparisons differ, and in which direction."""
    entries = family(resultater, config)
    hits = [(key, e) for key, e in entries if significant(e, config)]
    holm_hits = [LABELS[key].lower() for key, e in hits if significant(e, config, "p_holm")]
    if not hits:
        return (
            f"Ingen af de {len(entries)} sammenligninger viser en statistisk signifikant forskel mellem "
            "grupperne. Forskellene i tabellerne kan derfor være opstået ved en tilfældighed."
        )
    higher = [LABELS[k].lower() for k, e in hits if e["forskel"] > 0]
    lower = [LABELS[k].lower() for k, e in hits if e["forskel"] < 0]
    text = f"{formatting.count(len(hits))} af de {len(entries)} sammenligninger viser en statistisk signifikant forskel."
    if higher:
        text += f" {config.grupper_bestemt['forsoeg'].capitalize()} ligger højest på: {formatting.join(higher)}."
    if lower:
        text += f" {config.grupper_bestemt['kontrol'].capitalize()} ligger højest på: {formatting.join(lower)}."
    rest = len(entries) - len(hits)
    if rest:
        text += f" For de øvrige {rest} udfald er forskellen ikke større, end at den kan skyldes tilfældighed."
    if len(holm_hits) == len(hits):
        text += " Alle de signifikante forskelle holder også efter Holm-korrektion for de mange sammenligninger."
    elif holm_hits:
        text += f" Efter Holm-korrektion for de mange sammenligninger er kun forskellen for {formatting.join(holm_hits)} signifikant."
    else:
        text += " Efter Holm-korrektion for de mange sammenligninger er ingen af forskellene signifikante."
    return text


def to_json(resultater: dict[str, Any], config: Config) -> dict[str, Any]:
    """Which outcomes the resumé calls statistically significant (unadjusted p below alpha)."""
    return {
        "sammenfatning": {
            "alpha": config.alpha,
            "signifikante_uden_justering": [key for key, e in family(resultater, config) if significant(e, config)],
            "signifikante_holm": [key for key, e in family(resultater, config) if significant(e, config, "p_holm")],
        }
    }


def _mde(entry: dict[str, Any], config: Config) -> float | None:
    f, k = entry["forsoeg"], entry["kontrol"]
    if not f["n"] or not k["n"] or k["andel"] in (None, 0.0, 1.0):
        return None
    return mde(f["n"], k["n"], k["andel"], alpha=config.alpha, power=config.styrke)


def _pp(value: float | None) -> str:
    return "–" if value is None else formatting.number(100 * value, 1)


def table_effects(resultater: dict[str, Any], config: Config) -> Table:
    """Every outcome of the family: difference with Newcombe's interval, p, Holm's p and the MDE
    (the groups' shares are in each measure's own table)."""
    table = Table(
        [
            "Udfald",
            "Forskel",
            f"{formatting.number(100 * (1 - config.alpha))} % konfidensinterval",
            "p",
            "p (Holm)",
            "Mindste påviselige forskel",
        ]
    )
    for key, e in family(resultater, config):
        ci = "–" if e.get("ci_nedre") is None else f"{_pp(e['ci_nedre'])} til {_pp(e['ci_oevre'])}"
        table.add_row(
            LABELS[key],
            _pp(e.get("forskel")),
            ci,
            p_cell(e.get("p")),
            p_cell(e.get("p_holm")),
            _pp(_mde(e, config)),
        )
    table.add_note(
        "Note: Forskelle i procentpoint: forsøgsafdelingens andel minus kontrolgruppens. Konfidensintervallet er Newcombes "
        "hybride score-interval, p er fra en tosidet z-test for to andele, og p (Holm) er korrigeret for alle "
        f"{len(family(resultater, config))} sammenligninger i tabellen. Mindste påviselige forskel er den forskel, "
        f"forsøget med {formatting.pct(config.styrke)} sandsynlighed kunne påvise på signifikansniveauet "
        f"{formatting.number(config.alpha, 2)} med de givne gruppestørrelser og kontrolgruppens andel."
    )
    return table


def mde_sentence(resultater: dict[str, Any], config: Config) -> str:
    """What the trial could detect, in words a reviewer understands, for the family's first outcome."""
    entries = family(resultater, config)
    if not entries:
        return ""
    key, entry = entries[0]
    value = _mde(entry, config)
    if value is None:
        return ""
    return (
        f"Forsøget kunne med {formatting.pct(config.styrke)} sandsynlighed påvise en forskel på "
        f"{formatting.number(100 * value, 1)} procentpoint eller mere i andelen med {LABELS[key].lower()}; "
        "tabellen med effekterne viser tallet for hvert udfald."
    )


def _ci_text(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("ci_nedre") is None:
        return "–"
    return f"{_pp(entry['forskel'])} ({_pp(entry['ci_nedre'])} til {_pp(entry['ci_oevre'])})"


def covariates_text(config: Config) -> str:
    """The baseline variables the adjusted comparisons use, in Danish."""
    names = [balance_label(v, config).lower() for v in ADJUSTMENT_VARIABLES]
    return formatting.join(names)


def table_adjusted(resultater: dict[str, Any], config: Config) -> Table:
    """Each outcome's difference without and with adjustment for the baseline variables."""
    table = Table(["Udfald", "Forskel uden justering (KI)", "Justeret forskel (KI)", "p, justeret"])
    for key, e in family(resultater, config):
        adjusted = e.get("justeret")
        table.add_row(LABELS[key], _ci_text(e), _ci_text(adjusted), p_cell(adjusted.get("p") if adjusted else None))
    return table.add_note(
        "Note: Forskelle i procentpoint med konfidensinterval i parentes. Den justerede forskel er fra en lineær "
        "sandsynlighedsmodel estimeret med mindste kvadraters metode og robuste standardfejl (HC2), med "
        f"{covariates_text(config)} som forklarende variabler. Justeringen tager højde for de forskelle mellem "
        "grupperne ved start, som lodtrækningen tilfældigt har efterladt. For gruppen med lang "
        "kontanthjælpshistorik indgår historikken ikke, fordi alle i gruppen har den."
    )


def figure_forest(resultater: dict[str, Any], config: Config) -> SVG:
    """Forest plot: each outcome's difference with its confidence interval, without and with adjustment."""
    entries = [(key, e) for key, e in family(resultater, config) if e.get("ci_nedre") is not None]
    fig = figures.new_figure(0.5 * len(entries) + 1.4)
    ax = fig.subplots()
    styles = (("", "o", figures.GROUP_COLOURS["forsoeg"], -0.15, "Uden justering"),
              ("justeret", "D", figures.GROUP_COLOURS["kontrol"], 0.15, "Justeret for baggrundsvariabler"))
    for source, marker, colour, offset, label in styles:
        for row, (key, e) in enumerate(entries):
            point = e.get(source) if source else e
            if not point or point.get("ci_nedre") is None:
                continue
            ax.errorbar(
                100 * point["forskel"], row + offset,
                xerr=[[100 * (point["forskel"] - point["ci_nedre"])], [100 * (point["ci_oevre"] - point["forskel"])]],
                fmt=marker, color=colour, ecolor=colour, capsize=3, label=label if row == 0 else None,
            )
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    ax.set_yticks(range(len(entries)), [textwrap.fill(LABELS[key], 22) for key, _e in entries])
    ax.invert_yaxis()
    figures.number_axis(ax.xaxis)
    ax.set_xlabel(f"Forskel i procentpoint ({config.grupper['forsoeg'].lower()} minus {config.grupper['kontrol'].lower()})")
    return figures.as_svg(fig)
