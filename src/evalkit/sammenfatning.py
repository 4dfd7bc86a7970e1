"""The resumé and the computed part of the overall assessment, written from a phase's merged results.

Runs after the measurement notebooks (its notebook reads their `resultater` fragments). Every number
and every verdict comes from the results; "statistisk signifikant" means a p-value below the
configured alpha, and the text says which test it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from evalkit import formatting
from evalkit.config import Config
from evalkit.maaleparametre.afgange import LABELS as EXIT_LABELS

LABELS = {
    **EXIT_LABELS,
    "virksomhedsplacering": "Virksomhedsplacering (praktik eller løntilskud)",
    "lang_kh_reduktion": "Færre på kontanthjælp i gruppen med lang kontanthjælpshistorik",
}


def p_text(p: float | None) -> str:
    """'p = 0,62', 'p < 0,001' or 'p kan ikke beregnes'."""
    if p is None:
        return "p kan ikke beregnes"
    if p < 0.001:
        return "p < 0,001"
    return f"p = {formatting.number(p, 3 if p < 0.01 else 2)}"


def family(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The configured outcome family, in configured order, as far as this phase has results."""
    udfald = resultater.get("udfald", {})
    return [(key, udfald[key]) for key in config.udfaldsfamilie if key in udfald]


def significant(entry: dict[str, Any], config: Config) -> bool:
    return entry.get("p") is not None and entry["p"] < config.alpha


def _line(key: str, entry: dict[str, Any], config: Config) -> str:
    f, k = entry["forsoeg"], entry["kontrol"]
    verdict = "statistisk signifikant" if significant(entry, config) else "ikke statistisk signifikant"
    return (
        f"{LABELS[key]}: {formatting.pct(f['andel'])} i {config.grupper_bestemt['forsoeg']} mod "
        f"{formatting.pct(k['andel'])} i {config.grupper_bestemt['kontrol']} "
        f"({formatting.pct_points(entry['forskel'])}); {verdict} ({p_text(entry.get('p'))})."
    )


def method_text(config: Config) -> str:
    return (
        f"En forskel kaldes statistisk signifikant, når en tosidet z-test for to andele (med fælles varians) "
        f"giver en p-værdi under {formatting.number(config.alpha, 2)}. Testene er ikke justeret for, at "
        "flere udfald sammenlignes på én gang, så en enkelt signifikant forskel blandt mange skal læses med "
        "forsigtighed."
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
    if not hits:
        return (
            f"Ingen af de {len(entries)} sammenligninger viser en statistisk signifikant forskel mellem "
            "grupperne. Forskellene i tabellerne kan derfor være opstået ved en tilfældighed."
        )
    higher = [LABELS[k].lower() for k, e in hits if e["forskel"] > 0]
    lower = [LABELS[k].lower() for k, e in hits if e["forskel"] < 0]
    text = f"{formatting.count(len(hits))} af de {len(entries)} sammenligninger viser en statistisk signifikant forskel."
    if higher:
        text += f" {config.grupper_bestemt['forsoeg'].capitalize()} ligger højest på: {_join(higher)}."
    if lower:
        text += f" {config.grupper_bestemt['kontrol'].capitalize()} ligger højest på: {_join(lower)}."
    rest = len(entries) - len(hits)
    if rest:
        text += f" For de øvrige {rest} udfald er forskellen ikke større, end at den kan skyldes tilfældighed."
    return text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def to_json(resultater: dict[str, Any], config: Config) -> dict[str, Any]:
    """Which outcomes the resumé calls statistically significant (unadjusted p below alpha)."""
    return {
        "sammenfatning": {
            "alpha": config.alpha,
            "signifikante_uden_justering": [key for key, e in family(resultater, config) if significant(e, config)],
        }
    }
