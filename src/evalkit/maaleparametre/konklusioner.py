"""What the documents conclude, computed from a phase's results as far as disclosure control lets the
document show them: the outcome family and the verdict on each outcome, and the headings of the sections
of results, which state their finding.

Light on purpose (no pandas, statsmodels or matplotlib): the build reads the headings from the merged
`resultater.json` before rendering, also when every notebook comes from the cache.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from evalkit.config import GROUPS, Analyseplan, Config
from evalkit.praesentation import dansk, formatting, tekst
from evalkit.statistik import diskretion

STILL_ON_KH = "fortsat"
EXIT_LABELS = {
    "beskaeftigelse": "Beskæftigelse",
    "smaajob": "Småjob",
    "uddannelse": "Uddannelse",
    "ressourceforloeb": "Ressourceforløb",
    "fleksjob": "Fleksjob/fleksjobberettiget",
    "foertidspension": "Førtidspension",
    "andet": "Andet",
    STILL_ON_KH: "Fortsat på kontanthjælp",
}
OUTCOME_LABELS = {
    **EXIT_LABELS,
    "virksomhedsplacering": "Virksomhedsplacering",
    "lang_kh_reduktion": "Langvarige kontanthjælpsmodtagere ude af kontanthjælp",
}
LABELS = OUTCOME_LABELS


def family(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The analysis plan's family (the outcomes Holm's method corrects together), in the plan's order, as
    far as this phase has results; each entry's comparison is the plan's primary analysis (`primary`)."""
    return _entries(resultater, config, config.analyseplan.familie)


def secondary(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The plan's secondary outcomes as far as this phase has results (`primary` comparisons)."""
    return _entries(resultater, config, config.analyseplan.sekundaere_udfald)


def compared(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """Every outcome the documents compare: the family, then the secondary outcomes."""
    return family(resultater, config) + secondary(resultater, config)


def _entries(resultater: dict[str, Any], config: Config, keys: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    udfald = resultater.get("udfald", {})
    return [(key, primary(udfald[key], config.analyseplan)) for key in keys if key in udfald]


PRIMARY_STATISTICS = ("forskel", "ci_nedre", "ci_oevre", "p")


def primary(entry: dict[str, Any], plan: Analyseplan) -> dict[str, Any]:
    """The outcome's entry with the comparison of the plan's primary analysis: as it is when that is the
    unadjusted comparison (or when the outcome has no adjusted one); with the adjusted difference,
    interval and p-value (and the unadjusted ones under `ujusteret`) when the plan makes the adjusted
    comparison primary. Holm's correction (`bygning.resultater.assemble`) and the verdicts both read it."""
    adjusted = entry.get("justeret")
    if not plan.justeret or not adjusted:
        return entry
    return {**entry, **{k: adjusted.get(k) for k in PRIMARY_STATISTICS},
            "ujusteret": {k: entry.get(k) for k in PRIMARY_STATISTICS}}


def in_family(key: str, config: Config) -> bool:
    return key in config.analyseplan.familie


def decisive(key: str, entry: dict[str, Any], config: Config) -> bool:
    """The plan's verdict on an outcome: a family outcome differs when it is significant after Holm's
    correction, a secondary outcome when it is significant on its own (it is read as supporting)."""
    return significant(entry, config, "p_holm" if in_family(key, config) else "p")


def significant(entry: dict[str, Any], config: Config, p_key: str = "p") -> bool:
    """Below alpha on the unadjusted (`p`) or the Holm-adjusted (`p_holm`) p-value."""
    return entry.get(p_key) is not None and entry[p_key] < config.alpha


def counts(entry: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """The outcome's counts and group sizes, each by group."""
    return {g: entry[g]["antal"] for g in GROUPS}, {g: entry[g]["n"] for g in GROUPS}


def suppressed(entry: dict[str, Any], config: Config) -> bool:
    """Whether the outcome is not compared in public: its counts and shares are suppressed
    (`diskretion.suppress_outcome`), and with them every statistic of the comparison."""
    # a measure may hide more than the outcome's own counts require (e.g. the long-term group's size)
    return bool(entry.get("diskretion")) or any(diskretion.suppress_outcome(*counts(entry), config.diskretionsgraense).values())


def shown(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The family's outcomes that are compared in public."""
    return [(key, e) for key, e in family(resultater, config) if not suppressed(e, config)]


def shown_secondary(resultater: dict[str, Any], config: Config) -> list[tuple[str, dict[str, Any]]]:
    """The secondary outcomes that are compared in public."""
    return [(key, e) for key, e in secondary(resultater, config) if not suppressed(e, config)]


# Each section of results: its topic (the heading when there is nothing to conclude) and, for the
# sections that compare outcomes, the outcomes and how a difference in each reads in a heading.
OUTCOME_SECTIONS = {
    "afgange-job": ("Afgang til job og uddannelse", ("beskaeftigelse", "smaajob", "uddannelse")),
    "afgange-ydelser": ("Afgang til ressourceforløb, fleksjob og førtidspension",
                        ("ressourceforloeb", "fleksjob", "foertidspension")),
    "virksomhedsplaceringer": ("Virksomhedsplaceringer", ("virksomhedsplacering",)),
    "langtidsgruppen": ("Borgere med lang kontanthjælpshistorik", ("lang_kh_reduktion",)),
}
_DIFFERENCE = {  # "flere/færre i <group> …"
    "virksomhedsplacering": "var i virksomhedsplacering",
    "lang_kh_reduktion": "med lang kontanthjælpshistorik kom ud af kontanthjælpen",
}
TOPICS = {
    **{key: topic for key, (topic, _outcomes) in OUTCOME_SECTIONS.items()},
    "samtaler": "Rettidige samtaler",
    "personale": "Sygefravær og medarbejderomsætning",
    "planer": "Forberedende planer",
    "uger": "Tid på kontanthjælp",
    "foerste-afgang": "Tid til første afgang",
    "oekonomi": "Udgifter til overførsler og forsøgets økonomi",
}
# The destination groups of the first exit from kontanthjælp (the competing risks of `varighed`): the
# destinations of the two sections of exits, and every other one (sygedagpenge, andet, a destination
# that is unknown, kontanthjælp again) as "andet".
OTHER_DESTINATIONS = "andet"
DESTINATION_GROUPS = {
    "job_uddannelse": OUTCOME_SECTIONS["afgange-job"][1],
    "ydelser": OUTCOME_SECTIONS["afgange-ydelser"][1],
    OTHER_DESTINATIONS: (),
}
DESTINATION_NAMES = {  # "afgang til …"
    "job_uddannelse": "job og uddannelse",
    "ydelser": "ressourceforløb, fleksjob og førtidspension",
    OTHER_DESTINATIONS: "andre destinationer",
}
NO_DIFFERENCE = "ingen statistisk signifikant forskel"
NOT_AFTER_HOLM = "forskellen er ikke statistisk signifikant efter Holm-korrektion"


def available(resultater: dict[str, Any], notebook: str) -> bool:
    return bool(resultater.get("tilgaengelighed", {}).get(notebook, True))


def _outcome_heading(resultater: dict[str, Any], config: Config, topic: str, keys: tuple[str, ...]) -> str:
    """'Flere i forsøgsafdelingen gik til ressourceforløb' when an outcome differs by the plan's verdict rule
    (`decisive`), else '<topic>: ingen statistisk signifikant forskel' (with 'for de udfald, der kan vises'
    when disclosure control hides some of them); the topic alone when it hides them all."""
    entries = [(key, e) for key, e in shown(resultater, config) + shown_secondary(resultater, config) if key in keys]
    if not entries:
        return topic
    hits = [(key, e) for key, e in entries if decisive(key, e, config)]
    # a verdict on the section only when disclosure control hides none of its outcomes
    partly = " for de udfald, der kan vises" if len(entries) < len([k for k, _e in compared(resultater, config) if k in keys]) else ""
    if not hits and any(significant(e, config) for key, e in entries if in_family(key, config)):
        return f"{topic}: {NOT_AFTER_HOLM}{partly}"
    if not hits:
        return f"{topic}: {NO_DIFFERENCE}{partly}"
    group = config.grupper_bestemt["forsoeg"]
    clauses = []
    for word, sign in (("flere", 1), ("færre", -1)):
        exits = [LABELS[k].lower() for k, e in hits if e["forskel"] * sign > 0 and k not in _DIFFERENCE]
        others = [_DIFFERENCE[k] for k, e in hits if e["forskel"] * sign > 0 and k in _DIFFERENCE]
        phrases = ([f"gik til {dansk.join(exits)}"] if exits else []) + others
        if phrases:
            clauses.append(f"{word} i {group} {dansk.join(phrases)}")
    return dansk.capitalize(", ".join(clauses))


def _significant_direction(entry: dict[str, Any] | None, config: Config) -> int:
    """+1 or −1 by the sign of the difference when it is significant, else 0."""
    if not entry or not entry.get("forskel") or not significant(entry, config):
        return 0
    return 1 if entry["forskel"] > 0 else -1


def hazard_direction(hr: float | None, p: float | None, alpha: float) -> int:
    """+1 (faster in forsøg) or −1 (slower) for a hazard ratio whose p-value is below alpha, else 0."""
    if hr is None or p is None or p >= alpha or hr == 1:
        return 0
    return 1 if hr > 1 else -1


def headings(resultater: dict[str, Any], config: Config) -> dict[str, str]:
    """The heading of each section of results, stating its finding (the document's metadata
    `overskrift-<key>`). A section without a comparison keeps its topic."""
    g = config.grupper_bestemt
    found = {key: _outcome_heading(resultater, config, topic, keys) for key, (topic, keys) in OUTCOME_SECTIONS.items()}
    found.update({key: TOPICS[key] for key in ("samtaler", "personale", "planer", "uger", "foerste-afgang", "oekonomi")})
    samtaler = resultater.get("samtaler")
    if samtaler and available(resultater, "samtaler"):
        f, k = samtaler["forsoeg"]["andel_rettidige"], samtaler["kontrol"]["andel_rettidige"]
        if round(100 * f) != round(100 * k):
            found["samtaler"] = f"{'Større' if f > k else 'Mindre'} andel af samtalerne holdt til tiden i {g['forsoeg']}"
    staff = staff_comparison(resultater)
    if staff:
        months, sick, others_sick, turnover, others_turnover = staff
        found["personale"] = (
            f"{dansk.capitalize(g['forsoeg'])} havde i {months} {'mere' if sick > others_sick else 'mindre'} sygefravær "
            f"og {'højere' if turnover > others_turnover else 'lavere'} medarbejderomsætning end gennemsnittet"
        )
    planer = resultater.get("planer")
    if planer and available(resultater, "planer") and not planer.get("data_gyldige", True):
        found["planer"] = "Forberedende planer: registreringen kan ikke bære en konklusion"
    varighed = resultater.get("varighed", {}) if available(resultater, "varighed") else {}
    direction = _significant_direction(varighed.get("uger_paa_kontanthjaelp"), config)
    found["uger"] = (f"{'Færre' if direction < 0 else 'Flere'} uger på kontanthjælp i {g['forsoeg']}" if direction
                     else f"Tid på kontanthjælp: {NO_DIFFERENCE}")
    found["foerste-afgang"] = _first_exit_heading(varighed, config)
    side = net_side(resultater.get("oekonomi", {}) if varighed else {})
    if side is not None:
        found["oekonomi"] = {-1: "Forsøget kostede kommunen mere, end det sparede på overførsler",
                             1: "Forsøget sparede kommunen mere på overførsler, end det kostede",
                             0: "Forsøgets økonomi: usikkert, om besparelsen dækker merudgiften"}[side]
    return {key: tekst.escape(text) for key, text in found.items()}


def net_side(oek: dict[str, Any]) -> int | None:
    """Where the net result's interval lies against zero: −1 wholly below (the trial cost more than it
    saved), +1 wholly above, 0 when it reaches zero; None without an interval."""
    low, high = oek.get("netto_ci_nedre"), oek.get("netto_ci_oevre")
    if low is None or high is None:
        return None
    return -1 if high < 0 else (1 if low > 0 else 0)


def _first_exit_heading(varighed: dict[str, Any], config: Config) -> str:
    """The first exit's heading by destination group (`varighed.konkurrerende`): faster or slower exit to
    each group whose cause-specific hazard ratio differs significantly, and the main groups without a
    difference ('Hurtigere afgang til ressourceforløb, fleksjob og førtidspension i forsøgsafdelingen, ikke
    til job og uddannelse'); a group hidden by disclosure control is left out. Results without the
    split fall back on the log-rank test of all exits; the topic when nothing can be shown."""
    topic, group = TOPICS["foerste-afgang"], config.grupper_bestemt["forsoeg"]
    competing = varighed.get("konkurrerende") or {}
    entries = {key: competing[key] for key in DESTINATION_GROUPS if key in competing}
    if not entries:
        first = varighed.get("foerste_afgang") or {}
        if first.get("hr") is None or first.get("logrank_p") is None:
            return topic
        if first["logrank_p"] >= config.alpha:
            return f"{topic}: {NO_DIFFERENCE}"
        return f"{'Hurtigere' if first['hr'] > 1 else 'Langsommere'} første afgang fra kontanthjælp i {group}"
    shown = {key: e for key, e in entries.items()
             if not e.get("diskretion") and e.get("hr") is not None and e.get("hr_p") is not None}
    if not shown:
        return topic
    direction = {key: hazard_direction(e["hr"], e["hr_p"], config.alpha) for key, e in shown.items()}
    faster = [key for key in shown if direction[key] > 0]
    slower = [key for key in shown if direction[key] < 0]
    if not faster and not slower:
        partly = " for de destinationer, der kan vises" if len(shown) < len(entries) else ""
        return f"{topic}: {NO_DIFFERENCE}{partly}"

    def to(keys: list[str], conjunction: str = "og") -> str:
        return dansk.join([f"til {DESTINATION_NAMES[key]}" for key in keys], conjunction)

    clauses = [f"{word} afgang {to(keys)}" for word, keys in (("hurtigere", faster), ("langsommere", slower)) if keys]
    heading = f"{dansk.capitalize(' og '.join(clauses))} i {group}"
    same = [key for key in shown if key not in faster + slower and key != OTHER_DESTINATIONS]
    if same and not (faster and slower):
        heading += f", ikke {to(same, 'eller')}"
    return heading


def heading_metadata(resultater: dict[str, Any], config: Config) -> dict[str, str]:
    """`headings` as the document metadata the report sources name (`{{< meta overskrift-KEY >}}`)."""
    return {f"overskrift-{key}": text for key, text in headings(resultater, config).items()}


def staff_comparison(resultater: dict[str, Any]) -> tuple[str, float, float, float, float] | None:
    """The last HR period: its months, the trial department's sick days per full-time employee and the
    other departments' average, its external turnover and the others' average."""
    sick, turnover = resultater.get("sygefravaer") or [], resultater.get("medarbejderomsaetning") or []
    if not sick or not turnover or not available(resultater, "personale"):
        return None
    last = sick[-1]["periode"]
    rows = [r for r in sick if r["periode"] == last]
    moves = [r for r in turnover if r["periode"] == last]
    trial = [r["total"] for r in rows if r["forsoegsafdeling"]]
    trial_moves = [r["ekstern_pct"] for r in moves if r["forsoegsafdeling"]]
    others = [r["total"] for r in rows if not r["forsoegsafdeling"]]
    other_moves = [r["ekstern_pct"] for r in moves if not r["forsoegsafdeling"]]
    if not (trial and trial_moves and others and other_moves):
        return None
    months = formatting.month_range(dt.date.fromisoformat(f"{last['start']}-01"), dt.date.fromisoformat(f"{last['slut']}-01"))
    return months, trial[0], sum(others) / len(others), trial_moves[0], sum(other_moves) / len(other_moves)
