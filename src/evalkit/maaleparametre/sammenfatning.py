"""The resumé and the computed part of the overall assessment, written from a phase's merged results.

Runs after the measurement notebooks (its notebook reads their `resultater` fragments). Every number
and every verdict comes from the results; "statistisk signifikant" means a p-value below the
configured alpha, and the text says which test it is. An outcome with a small count of citizens
(`evalkit.statistik.diskretion`) is not compared in public: its counts, shares, difference, interval,
p-values and minimum detectable difference are all hidden, since with the published group sizes the
statistics leave few possible counts (often one). The Holm-adjusted p-values of the other outcomes
depend on the hidden p-value, so while the family holds a hidden outcome they are shown only as
below or not below alpha.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import Any

from IPython.display import SVG

from evalkit.config import Config, Fase
from evalkit.maaleparametre import oekonomi
from evalkit.maaleparametre.faelles import Comparison, covariates_text
from evalkit.maaleparametre.konklusioner import (
    DESTINATION_GROUPS,
    DESTINATION_NAMES,
    LABELS,
    OTHER_DESTINATIONS,
    available,
    compared,
    counts,
    decisive,
    family,
    hazard_direction,
    in_family,
    secondary,
    shown,
    shown_secondary,
    significant,
    staff_comparison,
    suppressed,
)
from evalkit.praesentation import beskyttet, dansk, figures, formatting, tekst
from evalkit.praesentation.formatting import p_cell, p_text
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion
from evalkit.statistik.andele import MIN_EXPECTED, mde_both

NO_COMPARISON = "Denne fase sammenlignes ikke med en tidligere fase."
NO_BUILD = tekst.Markup(f"Oprindelsen registreres, når rapporten bygges med {tekst.code('evalkit build')}.")
SMALL_NUMBERS_MARK = "†"  # marks a p-value whose z-test rests on few expected counts


def few_expected(entry: dict[str, Any]) -> bool:
    """True when an expected count of the outcome's 2×2 table is below `MIN_EXPECTED`: the z-test is
    then only a rough approximation, and the text and tables give Fisher's exact p-value beside it.
    (Without a z-test p-value, no events or only events in both groups, there is nothing to test.)"""
    smallest = entry.get("mindste_forventede")
    return entry.get("p") is not None and smallest is not None and smallest < MIN_EXPECTED


def _small_numbers_caveat(entry: dict[str, Any]) -> str:
    if not few_expected(entry) or entry.get("p_eksakt") is None:
        return ""
    return (
        f" Tallene er så små, at z-testen kun er en grov tilnærmelse; Fishers eksakte test giver "
        f"{p_text(entry['p_eksakt'])}."
    )


def _holm_text(entry: dict[str, Any], config: Config, coarse: bool) -> str:
    """'p(Holm) = 0,24', or with `coarse` only its side of alpha: 'p(Holm) < 0,05' or 'p(Holm) ≥ 0,05'."""
    if not coarse or entry.get("p_holm") is None:
        return p_text(entry.get("p_holm")).replace("p ", "p(Holm) ", 1)
    return f"p(Holm) {'<' if significant(entry, config, 'p_holm') else '≥'} {formatting.number(config.alpha, 2)}"


def _holm_cell(entry: dict[str, Any], config: Config, coarse: bool) -> str:
    """`_holm_text` for a table cell: '0,24', '< 0,05', 'kan ikke beregnes' (as `p_cell` gives a p-value)."""
    return _holm_text(entry, config, coarse).removeprefix("p(Holm) ").removeprefix("= ")


def _verdict(key: str, entry: dict[str, Any], config: Config, coarse: bool = False) -> str:
    if entry.get("p") is None:
        return "kan ikke testes, fordi enten ingen eller alle i begge grupper har udfaldet"
    p = p_text(entry.get("p"))
    if not in_family(key, config):  # a secondary outcome is tested alone (the analysis plan)
        return f"{'statistisk signifikant' if significant(entry, config) else 'ikke statistisk signifikant'} ({p})"
    plain, adjusted = significant(entry, config), significant(entry, config, "p_holm")
    p_holm = _holm_text(entry, config, coarse)
    if plain and adjusted:
        return f"statistisk signifikant, også efter Holm-korrektion ({p}; {p_holm})"
    if plain:
        return f"statistisk signifikant uden korrektion ({p}), men ikke efter Holm-korrektion ({p_holm})"
    return f"ikke statistisk signifikant ({p})"


def holm_coarse(resultater: dict[str, Any], config: Config) -> bool:
    """Whether Holm's p-values are shown only as below or not below alpha: while an outcome of the
    family is hidden, since each adjusted p-value may be that outcome's p-value times a factor."""
    return len(shown(resultater, config)) < len(family(resultater, config))


def hidden_text(key: str, entry: dict[str, Any], config: Config) -> str:
    """'Fleksjob: sammenligningen vises ikke af hensyn til diskretion, da færre end 5 … .'"""
    reason = beskyttet.hidden_outcome_reason(*counts(entry), config.diskretionsgraense, config.grupper_bestemt)
    return (
        f"{LABELS[key]}: antal, andele og forskellen mellem grupperne vises ikke af hensyn til diskretion, "
        f"da {reason}."
    )


def _line(key: str, entry: dict[str, Any], config: Config, coarse: bool) -> str:
    f, k = entry["forsoeg"], entry["kontrol"]
    if suppressed(entry, config):
        return hidden_text(key, entry, config)
    return (
        f"{LABELS[key]}: {formatting.pct(f['andel'], 1)} i {config.grupper_bestemt['forsoeg']} mod "
        f"{formatting.pct(k['andel'], 1)} i {config.grupper_bestemt['kontrol']} "
        f"({formatting.pct_points(entry['forskel'])}); {_verdict(key, entry, config, coarse)}.{_small_numbers_caveat(entry)}"
    )


def method_text(config: Config) -> str:
    plan = config.analyseplan
    analysis = ("den justerede sammenligning (en lineær sandsynlighedsmodel med baggrundsvariablerne)" if plan.justeret
                else "en tosidet z-test for to andele (med fælles varians)")
    text = (
        f"En forskel kaldes statistisk signifikant, når {analysis} giver en p-værdi under "
        f"{formatting.number(config.alpha, 2)}; det er analyseplanens primære analyse. Fordi planen sammenligner "
        f"{dansk.number(len(plan.familie))} destinationer på én gang, vises også p-værdier korrigeret med Holms "
        "metode over dem; en forskel, der kun er signifikant uden korrektion, skal læses med forsigtighed."
    )
    if plan.sekundaere_udfald:
        text += (f" {dansk.capitalize(dansk.join([LABELS[k].lower() for k in plan.sekundaere_udfald]))} er sekundære "
                 "udfald: de testes hver for sig og læses som understøttende.")
    return text


def headlines(resultater: dict[str, Any], config: Config, main_findings: Sequence[str] = ()) -> list[str]:
    """The résumé's opening conclusions, each computed from the phase's results: the exits with the
    verdict rule named, the time on kontanthjælp, the net economic result with its interval, and the
    staff (those the phase has); then the qualitative main findings as the analysts wrote them."""
    found = [_headline_primary(resultater, config), _headline_exits(resultater, config),
             _headline_secondary(resultater, config)]
    varighed = resultater.get("varighed", {}).get("uger_paa_kontanthjaelp")
    if resultater.get("tilgaengelighed", {}).get("varighed") and varighed and varighed.get("forskel") is not None:
        found.append(_headline_weeks(varighed, config))
        found.append(first_exit_sentence(resultater, config))
    oek = resultater.get("oekonomi", {})
    if resultater.get("tilgaengelighed", {}).get("varighed") and oek.get("netto_kr") is not None:
        found.append(_headline_money(oek))
    found.append(_headline_staff(resultater, config))
    found += [f"Kvalitativt: {finding}" for finding in main_findings]
    return [line for line in found if line]


def _headline_exits(resultater: dict[str, Any], config: Config) -> str:
    """Which compared outcomes differ by the report's verdict rule: significant after Holm's correction."""
    entries = shown(resultater, config)
    if not entries:
        return ""
    rule = (f"en forskel, der er statistisk signifikant efter Holm-korrektion for de mange sammenligninger "
            f"(signifikansniveau {formatting.number(config.alpha * 100)} pct.)")
    hits = [(key, e) for key, e in entries if significant(e, config, "p_holm")]
    g = config.grupper_bestemt
    pairs = dansk.join([f"{LABELS[key].lower()} ({formatting.pct(e['forsoeg']['andel'], 1)} i {g['forsoeg']} mod "
                        f"{formatting.pct(e['kontrol']['andel'], 1)} i {g['kontrol']})" for key, e in hits]) if hits else ""
    if len(entries) == 1:
        (key, _e), = entries
        return dansk.sentence(f"udfaldet {LABELS[key].lower()} viser {rule}: {pairs}" if hits else
                              f"udfaldet {LABELS[key].lower()} viser ikke {rule}")
    # with outcomes hidden by disclosure control, say that the count is of those that may be shown
    noun = "destinationer, hvis sammenligning kan offentliggøres," if len(entries) < len(family(resultater, config)) else \
        "sammenlignede destinationer"
    subject = dansk.how_many(len(hits), len(entries), noun)
    return dansk.sentence(f"{subject} viser {rule}" + (f": {pairs}" if hits else ""))


def _headline_primary(resultater: dict[str, Any], config: Config) -> str:
    """The analysis plan's primary outcome: the groups' shares and the plan's verdict."""
    key = config.analyseplan.primaert_udfald
    entry = dict(family(resultater, config)).get(key)
    if entry is None:
        return ""
    name = f"Det primære udfald, {LABELS[key].lower()},"
    if suppressed(entry, config):
        return f"{name} vises ikke af hensyn til diskretion."
    g = config.grupper_bestemt
    verdict = ("er statistisk signifikant efter Holm-korrektion" if decisive(key, entry, config)
               else "er ikke statistisk signifikant efter Holm-korrektion")
    return (f"{name} var {formatting.pct(entry['forsoeg']['andel'], 1)} i {g['forsoeg']} mod "
            f"{formatting.pct(entry['kontrol']['andel'], 1)} i {g['kontrol']}; forskellen på "
            f"{formatting.pct_points(entry['forskel'])} {verdict}.")


def _headline_secondary(resultater: dict[str, Any], config: Config) -> str:
    """The secondary outcomes (read as supporting): which differ on their own, with their shares, and which not."""
    entries = shown_secondary(resultater, config)
    if not entries:
        return ""
    g = config.grupper_bestemt
    hits = [f"{LABELS[key].lower()} ({formatting.pct(e['forsoeg']['andel'], 1)} i {g['forsoeg']} mod "
            f"{formatting.pct(e['kontrol']['andel'], 1)} i {g['kontrol']})" for key, e in entries if decisive(key, e, config)]
    others = [LABELS[key].lower() for key, e in entries if not decisive(key, e, config)]
    if not hits:
        subject = f"det sekundære udfald, {others[0]}," if len(others) == 1 else f"de sekundære udfald, {dansk.join(others)},"
        return dansk.sentence(f"{subject} viser ingen statistisk signifikant forskel")
    text = (f"blandt de sekundære udfald, der læses som understøttende, er forskellen statistisk signifikant for "
            f"{dansk.join(hits)}")
    return dansk.sentence(text + (f", men ikke for {dansk.join(others)}" if others else ""))


def _headline_weeks(entry: dict[str, Any], config: Config) -> str:
    g = config.grupper_bestemt
    weeks = formatting.number(abs(entry["forskel"]), 1)
    more = "færre" if entry["forskel"] < 0 else "flere"
    verdict = "statistisk signifikant" if significant(entry, config) else "ikke statistisk signifikant"
    return (
        f"Borgerne i {g['forsoeg']} havde i gennemsnit {weeks} uger {more} på kontanthjælp end borgerne i "
        f"{g['kontrol']} i måleperioden (95 pct.-konfidensinterval {formatting.signed(entry['ci_nedre'], 1)} til "
        f"{formatting.signed(entry['ci_oevre'], 1)} uger); forskellen er {verdict} ({p_text(entry['p'])})."
    )


def first_exit_sentence(resultater: dict[str, Any], config: Config) -> str:
    """Where the first exits from kontanthjælp went faster or not (the competing risks of `varighed`): the
    cause-specific hazard ratio of each destination group that may be shown, in the plan's primary analysis,
    and, when fewer weeks on kontanthjælp go with faster exits to the other benefits only, that the shorter
    time is no sign of more exits to job."""
    varighed = resultater.get("varighed", {}) if available(resultater, "varighed") else {}
    competing = varighed.get("konkurrerende") or {}
    prefix = "hr_justeret" if config.analyseplan.justeret else "hr"
    shown = [(key, competing[key]) for key in DESTINATION_GROUPS if key != OTHER_DESTINATIONS and key in competing
             and not competing[key].get("diskretion") and competing[key].get(prefix) is not None]
    if not shown:
        return ""
    direction = {key: hazard_direction(e[prefix], e.get(f"{prefix}_p"), config.alpha) for key, e in shown}

    def ratio(e: dict[str, Any]) -> str:
        return (f"hazard ratio {formatting.number(e[prefix], 2)}; 95 pct.-konfidensinterval "
                f"{formatting.number(e[f'{prefix}_ci_nedre'], 2)} til {formatting.number(e[f'{prefix}_ci_oevre'], 2)}")

    moved = [f"{'hurtigere' if direction[key] > 0 else 'langsommere'} en første afgang til {DESTINATION_NAMES[key]} "
             f"({ratio(e)})" for key, e in shown if direction[key]]
    same = [(key, e) for key, e in shown if not direction[key]]
    if moved:
        text = f"borgerne i {config.grupper_bestemt['forsoeg']} fik {dansk.join(moved)}"
        if same:
            text += (f", mens forskellen for afgang til {dansk.join([DESTINATION_NAMES[k] for k, _e in same])} ikke er "
                     f"statistisk signifikant ({'; '.join(ratio(e) for _k, e in same)})")
    else:
        text = ("hvor hurtigt den første afgang fra kontanthjælp kom, er ikke statistisk signifikant forskelligt i de to "
                f"grupper, hverken for afgang {dansk.join([f'til {DESTINATION_NAMES[k]} ({ratio(e)})' for k, e in same], 'eller')}")
    text = dansk.sentence(text)
    weeks = varighed.get("uger_paa_kontanthjaelp") or {}
    fewer = weeks.get("forskel") is not None and weeks["forskel"] < 0 and significant(weeks, config)
    if fewer and direction.get("ydelser") == 1 and direction.get("job_uddannelse") == 0:
        text += (f" Den kortere tid på kontanthjælp følger altså med afgang til {DESTINATION_NAMES['ydelser']}, ikke "
                 f"med afgang til {DESTINATION_NAMES['job_uddannelse']}.")
    return text


def _headline_money(oek: dict[str, Any]) -> str:
    """The net result for the municipality with its interval; the verdict is the interval's (a point
    estimate alone decides nothing), with the bootstrap's share of replicates with a surplus."""
    net, low, high = oek["netto_kr"], oek.get("netto_ci_nedre"), oek.get("netto_ci_oevre")
    cost = oek["antagelser"]["investering_kr"]
    if low is not None and high is not None and low < 0 < high:
        verdict = "kan det ikke afgøres, om forsøget sparede kommunen mere, end det kostede"
    elif (high if high is not None else net) < 0:
        verdict = "kostede forsøget kommunen mere, end det sparede"
    else:
        verdict = "sparede forsøget kommunen mere, end det kostede"
    text = (f"Regnet i kroner {verdict}: sparede overførsler minus forsøgets merudgift på "
            f"{formatting.mio_kr(cost)} giver {formatting.mio_kr(net)}")
    if low is not None and high is not None:
        text += f" (95 pct.-interval {formatting.mio_kr(low)} til {formatting.mio_kr(high)})"
        if low < 0 < high:
            text += "; intervallet rummer både et overskud og et underskud"
    share = oek.get("sandsynlighed_netto_positiv")
    if share is not None:
        text += (f", og i {oekonomi.share_of_resamples(share, oek['antagelser']['bootstrap_antal'])} "
                 "bootstrapgentagelser var nettoresultatet positivt")
    return text + "."


def _headline_staff(resultater: dict[str, Any], config: Config) -> str:
    """The last HR period: the trial department's sick days and external turnover against the other
    departments' average."""
    staff = staff_comparison(resultater)
    if not staff:
        return ""
    months, sick, others_sick, turnover, others_turnover = staff
    return (
        f"I {months} havde {config.grupper_bestemt['forsoeg']} {formatting.number(sick, 1)} sygedage "
        f"pr. fuldtidsansat mod {formatting.number(others_sick, 1)} i gennemsnit i de øvrige "
        f"afdelinger, og en ekstern medarbejderomsætning på {formatting.number(turnover, 1)} pct. "
        f"mod {formatting.number(others_turnover, 1)} pct."
    )


def resume(resultater: dict[str, Any], config: Config, main_findings: Sequence[str] = ()) -> str:
    """The resumé: the headline conclusions (`headlines`), then what differs between the groups, by how
    much, and which differences are significant."""
    entries = family(resultater, config)
    hidden = len(entries) - len(shown(resultater, config))
    periode = resultater["maaleperiode"]
    coarse = holm_coarse(resultater, config)
    lines = [
        RESUME_HEADINGS[0],
        "",
        *(f"- {line}" for line in headlines(resultater, config, main_findings)),
        "",
        RESUME_HEADINGS[1],
        "",
        f"Grupperne er sammenlignet på {dansk.number(len(entries))} destinationer for den første afgang fra "
        "kontanthjælp"
        + (f", og for {dansk.number(hidden)} af dem vises sammenligningen ikke af hensyn til diskretion"
           if hidden else "")
        + ". Afgangene er målt fra "
        f"{formatting.date(dt.date.fromisoformat(periode['start']))} til {formatting.date(dt.date.fromisoformat(periode['slut']))}.",
        "",
        *(f"- {_line(key, entry, config, coarse)}" for key, entry in entries),
    ]
    global_test = distribution_sentence(resultater, config)
    if global_test:
        lines += ["", global_test]
    others = secondary(resultater, config)
    if others:
        lines += ["", "Sekundære udfald, som analyseplanen tester hver for sig:", "",
                  *(f"- {_line(key, entry, config, coarse)}" for key, entry in others)]
    lines += ["", method_text(config) + " " + phase_role(resultater, config)]
    mde_text = mde_sentence(resultater, config)
    if mde_text:
        lines += ["", mde_text]
    samtaler = resultater.get("samtaler")
    if samtaler and available(resultater, "samtaler"):
        lines += [
            "",
            f"Andelen af jobsamtaler, der blev holdt til tiden, var "
            f"{formatting.pct(samtaler['forsoeg']['andel_rettidige'])} i {config.grupper_bestemt['forsoeg']} og "
            f"{formatting.pct(samtaler['kontrol']['andel_rettidige'])} i {config.grupper_bestemt['kontrol']}.",
        ]
    return "\n".join(lines)


RESUME_HEADINGS = ("Hovedkonklusioner", "Udfaldene i detaljer")


def resume_markdown(resultater: dict[str, Any], config: Config, main_findings: Sequence[str] = ()) -> tekst.Markup:
    """`resume` as the document shows it: every line escaped, the two headings in bold."""
    lines = resume(resultater, config, main_findings).split("\n")
    return tekst.Markup("\n".join(tekst.bold(line) if line in RESUME_HEADINGS else tekst.escape(line) for line in lines))


def phase_role(resultater: dict[str, Any], config: Config) -> str:
    """Whether this phase is the analysis plan's confirmatory one, and how its period relates to the other
    phases' (the periods of a trial's phases overlap: each starts when the trial starts)."""
    own = config.fase(resultater["fase"])
    confirmatory = config.fase(config.analyseplan.bekraeftende_fase)
    if own.noegle == confirmatory.noegle:
        return f"Efter analyseplanen er {own.navn.lower()}en den bekræftende evaluering."
    inside = confirmatory.maaleperiode.start <= own.maaleperiode.start and own.maaleperiode.slut <= confirmatory.maaleperiode.slut
    return (f"Efter analyseplanen er det {confirmatory.navn.lower()}en, der er bekræftende; {own.navn.lower()}en gør "
            "status undervejs" + (f", og dens måleperiode er en del af {confirmatory.navn.lower()}ens." if inside else "."))


def distribution_sentence(resultater: dict[str, Any], config: Config) -> str:
    """The global test of the destinations' distribution between the groups (`udfald_fordeling`), with its
    p-value, or only its side of alpha while disclosure control hides a count of the distribution."""
    test = resultater.get("udfald_fordeling")
    if not test or test.get("frihedsgrader") is None:
        return ""
    categories = dansk.number(test["frihedsgrader"] + 1, neuter=True)
    if test.get("p") is None and test.get("under_alpha") is None:
        return ""
    coarse = bool(test.get("diskretion"))
    result = f"p {'<' if test['under_alpha'] else '≥'} {formatting.number(config.alpha, 2)}" if coarse else p_text(test["p"])
    differs = test["under_alpha"] if coarse else test["p"] < config.alpha
    whole = f"Tages alle {categories} udfald under ét, destinationerne, andet og fortsat kontanthjælp,"
    verdict = "er fordelingen forskellig i de to grupper" if differs else \
        "kan en forskel i fordelingen mellem de to grupper ikke påvises"
    text = (f"{whole} {verdict} (chi-i-anden-test med {dansk.number(test['frihedsgrader'])} frihedsgrader, {result}); "
            "testen ledsager de enkelte sammenligninger.")
    if test.get("mindste_forventede") is not None and test["mindste_forventede"] < MIN_EXPECTED:
        text += " Enkelte udfald er så sjældne, at testen kun er en tilnærmelse."
    return text


def assessment(resultater: dict[str, Any], config: Config) -> str:
    """The computed part of the overall assessment: how many comparisons differ, and in which direction."""
    entries = shown(resultater, config)
    hits = [(key, e) for key, e in entries if significant(e, config)]
    holm_hits = [LABELS[key].lower() for key, e in hits if significant(e, config, "p_holm")]
    hidden = [LABELS[key].lower() for key, e in family(resultater, config) if suppressed(e, config)]
    # hidden outcomes are left out of the count: their verdict would tell about their counts
    withheld = (
        f" Sammenligningen af {dansk.join(hidden)} vises ikke af hensyn til diskretion og indgår ikke her."
        if hidden else ""
    )
    if not entries:
        return withheld.strip()
    n = len(entries)
    if not hits:
        if n == 1:
            return ("Sammenligningen viser ikke en statistisk signifikant forskel mellem grupperne. Forskellen kan "
                    f"derfor være opstået ved en tilfældighed.{withheld}")
        return (dansk.sentence(f"{dansk.how_many(0, n, 'sammenligninger')} viser en statistisk signifikant forskel "
                               "mellem grupperne")
                + f" Forskellene i tabellerne kan derfor være opstået ved en tilfældighed.{withheld}")
    higher = [LABELS[k].lower() for k, e in hits if e["forskel"] > 0]
    lower = [LABELS[k].lower() for k, e in hits if e["forskel"] < 0]
    if n == 1:
        text = "Sammenligningen viser en statistisk signifikant forskel uden korrektion."
    else:
        text = dansk.sentence(f"{dansk.how_many(len(hits), n, 'sammenligninger')} viser en statistisk signifikant "
                              "forskel uden korrektion")
    g = config.grupper_bestemt
    if higher:
        text += " " + dansk.sentence(f"{g['forsoeg']} ligger højest for {dansk.join(higher)}")
    if lower:
        text += " " + dansk.sentence(f"{g['kontrol']} ligger højest for {dansk.join(lower)}")
    rest = n - len(hits)
    if rest == 1:
        text += " For det sidste udfald er forskellen ikke større, end at den kan skyldes tilfældighed."
    elif rest:
        text += f" For de øvrige {dansk.number(rest, neuter=True)} udfald er forskellen ikke større, end at den kan skyldes tilfældighed."
    after = " efter Holm-korrektion for de mange sammenligninger"
    if len(holm_hits) == len(hits):
        if len(hits) == 1:
            text += f" Den signifikante forskel holder også{after}."
        else:
            text += f" {dansk.capitalize(dansk.how_many(len(hits), len(hits), 'signifikante forskelle'))} holder også{after}."
    elif len(holm_hits) == 1:
        text += f" Efter Holm-korrektion for de mange sammenligninger er kun forskellen for {holm_hits[0]} signifikant."
    elif holm_hits:
        text += f" Efter Holm-korrektion for de mange sammenligninger er kun forskellene for {dansk.join(holm_hits)} signifikante."
    elif len(hits) == 1:
        text += " Efter Holm-korrektion for de mange sammenligninger er forskellen ikke længere signifikant."
    else:
        text += " Efter Holm-korrektion for de mange sammenligninger er ingen af forskellene signifikante."
    return text + withheld + _assessment_secondary(resultater, config)


def _assessment_secondary(resultater: dict[str, Any], config: Config) -> str:
    entries = shown_secondary(resultater, config)
    if not entries:
        return ""
    hits = [(key, e) for key, e in entries if decisive(key, e, config)]
    g = config.grupper_bestemt
    if not hits:
        names = dansk.join([LABELS[k].lower() for k, _e in entries])
        subject = f"det sekundære udfald, {names}," if len(entries) == 1 else f"de sekundære udfald, {names},"
        return " " + dansk.sentence(f"{subject} viser ingen statistisk signifikant forskel")
    parts = [f"{LABELS[k].lower()} ({'højest' if e['forskel'] > 0 else 'lavest'} i {g['forsoeg']})" for k, e in hits]
    return " " + dansk.sentence(f"af de sekundære udfald viser {dansk.join(parts)} en statistisk signifikant forskel, "
                                "som læses som understøttende")


def to_json(resultater: dict[str, Any], config: Config, earlier: Comparison | None = None) -> dict[str, Any]:
    """Which outcomes the resumé calls statistically significant, unadjusted and after Holm, which rest on
    so few expected counts that the exact test is shown too, and the comparison with an earlier phase."""
    entries = shown(resultater, config)
    payload: dict[str, Any] = {
        "sammenfatning": {
            "alpha": config.alpha,
            "signifikante_uden_justering": [key for key, e in entries if significant(e, config)],
            "signifikante_holm": [key for key, e in entries if significant(e, config, "p_holm")],
            "primaert_udfald": config.analyseplan.primaert_udfald,
            "signifikante_sekundaere": [key for key, e in shown_secondary(resultater, config) if significant(e, config)],
            "faa_forventede": [key for key, e in entries if few_expected(e)],
            "skjult_af_diskretion": [key for key, e in family(resultater, config) if suppressed(e, config)],
        }
    }
    if earlier is not None:
        payload.update(comparison_json(earlier, config))
    return payload


def mde_level(key: str, resultater: dict[str, Any], config: Config) -> float:
    """The significance level an outcome's difference must reach under the plan: for a family outcome the
    strictest step of Holm's method, alpha divided by the number of the family's outcomes with a test (the
    level the smallest p-value meets); alpha for a secondary outcome."""
    if not in_family(key, config):
        return config.alpha
    tested = [e for _k, e in family(resultater, config) if e.get("p") is not None]
    return config.alpha / max(len(tested), 1)


def _mde(key: str, entry: dict[str, Any], resultater: dict[str, Any], config: Config) -> tuple[float | None, float | None]:
    """The smallest difference downwards and upwards the trial could detect with the plan's power at
    `mde_level`, two-sided, from the group sizes and the control group's share."""
    f, k = entry["forsoeg"], entry["kontrol"]
    if not f["n"] or not k["n"] or k["andel"] is None:
        return None, None
    return mde_both(f["n"], k["n"], k["andel"], alpha=mde_level(key, resultater, config), power=config.styrke)


def _pp(value: float | None) -> str:
    return "–" if value is None else formatting.number(100 * value, 1)


def _mde_cell(values: tuple[float | None, float | None]) -> str:
    """'−5,2 / +5,7': the detectable difference downwards and upwards, in percentage points."""
    down, up = values
    if down is None and up is None:
        return "–"
    return " / ".join("–" if v is None else formatting.signed(100 * v, 1) for v in (-down if down else None, up))


def table_effects(resultater: dict[str, Any], config: Config) -> Table:
    """Every compared outcome (the plan's family, then its secondary outcomes): the primary analysis's
    difference with its interval, p, Holm's p (family only) and the minimum detectable difference both
    ways at the level the plan uses (the groups' shares are in each measure's own table)."""
    table = Table(
        [
            "Udfald",
            "Forskel",
            f"{formatting.number(100 * (1 - config.alpha))} % konfidensinterval",
            "p",
            "p (Holm)",
            "Mindste påviselige forskel (ned / op)",
        ],
        widths=[28, 9, 17, 9, 10, 17],  # the outcome's name on one or two lines
    )
    coarse = holm_coarse(resultater, config)
    for key, e in compared(resultater, config):
        label = LABELS[key] + ("" if in_family(key, config) else SECONDARY_MARK)
        if suppressed(e, config):
            table.add_row(label, *[beskyttet.HIDDEN] * 5)
            continue
        ci = "–" if e.get("ci_nedre") is None else f"{_pp(e['ci_nedre'])} til {_pp(e['ci_oevre'])}"
        mark = SMALL_NUMBERS_MARK if few_expected(e) else ""
        holm_cell = _holm_cell(e, config, coarse) if in_family(key, config) else ""
        table.add_row(label, _pp(e.get("forskel")), ci, p_cell(e.get("p")) + mark, holm_cell,
                      _mde_cell(_mde(key, e, resultater, config)))
    plan = config.analyseplan
    entries = family(resultater, config)
    level = formatting.number(mde_level(plan.familie[0], resultater, config), 4)
    analysis = ("Forskel, interval og p er fra den justerede sammenligning (lineær sandsynlighedsmodel med robuste "
                "standardfejl), som analyseplanen gør til den primære analyse." if plan.justeret else
                "Konfidensintervallet er Newcombes hybride score-interval, og p er fra en tosidet z-test for to andele.")
    table.add_note(
        f"Note: Forskelle i procentpoint: forsøgsafdelingens andel minus kontrolgruppens. {analysis} p (Holm) er korrigeret for de {dansk.number(len(entries))} destinationer i analyseplanens familie. "
        f"Mindste påviselige forskel er den mindste forskel nedad og opad, som forsøget med {formatting.pct(config.styrke)} "
        f"sandsynlighed kunne påvise med de givne gruppestørrelser og kontrolgruppens andel, i en tosidet test på det "
        f"niveau, analyseplanen bruger: for destinationerne Holm-korrektionens strengeste niveau "
        f"({formatting.number(config.alpha, 2)}/{len([e for _k, e in entries if e.get('p') is not None])} = {level})"
        + (f", for de sekundære udfald {formatting.number(config.alpha, 2)}." if plan.sekundaere_udfald else ".")
    )
    if secondary(resultater, config):
        table.add_note(f"{SECONDARY_MARK} Sekundært udfald: testes for sig selv og indgår ikke i Holm-korrektionen.")
    small = [(key, e) for key, e in shown(resultater, config) if few_expected(e)]
    if small:
        exact = dansk.join([f"{p_cell(e.get('p_eksakt'))} for {LABELS[key].lower()}" for key, e in small])
        table.add_note(
            f"{SMALL_NUMBERS_MARK} Under {formatting.number(MIN_EXPECTED)} forventede i en af tabellens celler: z-testen "
            f"er da kun en grov tilnærmelse. Fishers eksakte test giver p = {exact}."
        )
    return beskyttet.annotate(table, config.diskretionsgraense, extra=HIDDEN_COMPARISON_NOTE if coarse else "")


SECONDARY_MARK = "*"  # marks a secondary outcome of the analysis plan

HIDDEN_COMPARISON_NOTE = (
    "For et udfald, hvor gruppernes antal er skjult, vises heller ikke forskellen, konfidensintervallet, "
    "p-værdierne eller den mindste påviselige forskel, fordi de sammen med gruppernes størrelse ville afsløre "
    "antallene. Holm-korrektionen afhænger også af det skjulte udfalds p-værdi, så de korrigerede p-værdier "
    "vises kun som under eller ikke under signifikansniveauet."
)


def mde_sentence(resultater: dict[str, Any], config: Config) -> str:
    """What the trial could detect, in words a reviewer understands, for the plan's primary outcome (when
    its shares may be published), at the level the plan uses and in both directions."""
    key = config.analyseplan.primaert_udfald
    entry = dict(shown(resultater, config)).get(key)
    if entry is None:
        return ""
    down, up = _mde(key, entry, resultater, config)
    if down is None or up is None:
        return ""
    level = mde_level(key, resultater, config)
    return (
        f"På Holm-korrektionens strengeste niveau ({formatting.number(level, 4)}) kunne forsøget med "
        f"{formatting.pct(config.styrke)} sandsynlighed påvise en stigning på {formatting.number(100 * up, 1)} "
        f"procentpoint eller et fald på {formatting.number(100 * down, 1)} procentpoint i andelen med "
        f"{LABELS[key].lower()}, det primære udfald; mindre forskelle kan forsøget let overse. Tabellen med "
        "effekterne viser tallene for hvert udfald."
    )


def _ci_text(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("ci_nedre") is None:
        return "–"
    return f"{_pp(entry['forskel'])} ({_pp(entry['ci_nedre'])} til {_pp(entry['ci_oevre'])})"


def table_adjusted(resultater: dict[str, Any], config: Config) -> Table:
    """Each outcome's difference without and with adjustment for the baseline variables."""
    table = Table(["Udfald", "Forskel uden justering (KI)", "Justeret forskel (KI)", "p, justeret"], widths=[32, 24, 24, 12])
    hidden = False
    for key, primary_entry in compared(resultater, config):
        e = resultater["udfald"][key]  # both comparisons as computed, whichever the plan makes primary
        if suppressed(primary_entry, config):
            hidden = True
            table.add_row(LABELS[key], *[beskyttet.HIDDEN] * 3)
            continue
        adjusted = e.get("justeret")
        table.add_row(LABELS[key], _ci_text(e), _ci_text(adjusted), p_cell(adjusted.get("p") if adjusted else None))
    table.add_note(
        "Note: Forskelle i procentpoint med konfidensinterval i parentes. Den justerede forskel er fra en lineær "
        "sandsynlighedsmodel estimeret med mindste kvadraters metode og robuste standardfejl (HC2), med "
        f"{covariates_text(config)} som forklarende variabler, som analyseplanen fastlægger dem. Den "
        f"{'justerede' if config.analyseplan.justeret else 'ujusterede'} sammenligning er planens primære analyse. "
        "For gruppen med lang kontanthjælpshistorik indgår historikken ikke, fordi alle i gruppen har den."
    )
    if hidden:
        table.add_note(f"{beskyttet.HIDDEN}: vises ikke af hensyn til diskretion, ligesom i tabellen med effekterne.")
    return table


def _wrap(label: str, width: int = 22) -> str:
    """A tick label on lines of at most `width` characters, broken only between words or after a '/'."""
    return textwrap.fill(label.replace("/", "/ "), width, break_long_words=False).replace("/ ", "/")


def _forest_finding(rows: list[str], points: list[dict[str, Any] | None]) -> str:
    """Which intervals of the first series lie wholly on one side of zero: the differences the data point to."""
    off_zero = [label.lower() for label, point in zip(rows, points)
                if point and point.get("ci_nedre") is not None and (point["ci_nedre"] > 0 or point["ci_oevre"] < 0)]
    if not off_zero:
        return "Intet konfidensinterval ligger helt på den ene side af nul."
    return dansk.sentence(f"konfidensintervallet ligger helt på den ene side af nul for {dansk.join(off_zero)}")


def _forest(rows: list[str], series: list[tuple[str, str, str, list[dict[str, Any] | None]]], config: Config,
            finding_from: int = 0) -> SVG:
    """Differences with confidence intervals, one row per label and one marker per series
    (label, marker, colour, one point per row; a point without an interval is left out). The alt text's
    finding reads the series `finding_from`."""
    fig = figures.new_figure(0.5 * len(rows) + 1.4)
    ax = fig.subplots()
    step = 0.3 / max(len(series) - 1, 1)
    for i, (label, marker, colour, points) in enumerate(series):
        offset = -0.15 + i * step if len(series) > 1 else 0.0
        shown = False
        for row, point in enumerate(points):
            if not point or point.get("ci_nedre") is None:
                continue
            ax.errorbar(
                100 * point["forskel"], row + offset,
                # max(0, …): floating-point noise must not make an error bar negative
                xerr=[[100 * max(0.0, point["forskel"] - point["ci_nedre"])], [100 * max(0.0, point["ci_oevre"] - point["forskel"])]],
                fmt=marker, color=colour, ecolor=colour, capsize=3, label=None if shown else label,
            )
            shown = True
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
    ax.set_yticks(range(len(rows)), [_wrap(label) for label in rows])
    ax.invert_yaxis()
    figures.number_axis(ax.xaxis)
    ax.set_xlabel(f"Forskel i procentpoint ({config.grupper['forsoeg'].lower()} minus {config.grupper['kontrol'].lower()})")
    return figures.as_svg(fig, _forest_finding(rows, series[finding_from][3]))


def figure_forest(resultater: dict[str, Any], config: Config) -> SVG:
    """Forest plot: each outcome's difference with its confidence interval, without and with adjustment."""
    entries = [(key, resultater["udfald"][key]) for key, _e in shown(resultater, config) + shown_secondary(resultater, config)
               if resultater["udfald"][key].get("ci_nedre") is not None]
    return _forest(
        [LABELS[key] + ("" if in_family(key, config) else SECONDARY_MARK) for key, _e in entries],
        [
            ("Uden justering", "o", figures.CONTRAST_COLOURS[0], [e for _key, e in entries]),
            ("Justeret for baggrundsvariabler", "D", figures.CONTRAST_COLOURS[1], [e.get("justeret") for _key, e in entries]),
        ],
        config,
    )


# --------------------------------------------------------------------------------------------
# The final evaluation compared with the phase it is configured to compare with (the mid-term)
# --------------------------------------------------------------------------------------------

COMPARED = ("forskel", "ci_nedre", "ci_oevre", "p", "p_holm")


def comparison_json(earlier: Comparison, config: Config) -> dict[str, Any]:
    """The `sammenligning` section: the earlier phase's family statistics and where they came from
    (the file name and its SHA-256)."""
    fase = config.fase(earlier.resultater["fase"])
    return {
        "sammenligning": {
            "fase": fase.noegle,
            "navn": fase.navn,
            "maaleperiode": earlier.resultater["maaleperiode"],
            "kilde": earlier.kilde,
            "udfald": diskretion.mark_json(
                {key: {k: e.get(k) for k in COMPARED} for key, e in compared(earlier.resultater, config)},
                {key: diskretion.SECONDARY if suppressed(e, config) else None for key, e in compared(earlier.resultater, config)},
            ),
        }
    }


def _both(resultater: dict[str, Any], earlier: Comparison, config: Config) -> list[tuple[str, dict, dict]]:
    now = dict(compared(resultater, config))
    return [(key, e, now[key]) for key, e in compared(earlier.resultater, config) if key in now]


def _names(keys: list[str]) -> str:
    return dansk.join([LABELS[key].lower() for key in keys]) if keys else "ingen"


def _verdict_pair(qualifier: str, first: list[str], second: list[str], before: Fase, now: Fase) -> str:
    """Which differences were significant at each of two phases, in one Danish sentence that also reads
    right when none were."""
    at_first, at_second = f"ved {before.navn.lower()}en", f"ved {now.navn.lower()}en"
    if first and second:
        return f"{qualifier} var forskellen statistisk signifikant for {_names(first)} {at_first} og for {_names(second)} {at_second}."
    if second:
        return f"{qualifier} var ingen forskel statistisk signifikant {at_first}, mens forskellen var det for {_names(second)} {at_second}."
    if first:
        return f"{qualifier} var forskellen statistisk signifikant for {_names(first)} {at_first}, men ingen forskel var det {at_second}."
    return f"{qualifier} var ingen forskel statistisk signifikant ved nogen af de to evalueringer."


def comparison_text(resultater: dict[str, Any], earlier: Comparison, config: Config) -> str:
    """How the results moved from the earlier phase to this one, with the verdicts of both, computed."""
    before, now = config.fase(earlier.resultater["fase"]), config.fase(resultater["fase"])
    rows = _both(resultater, earlier, config)

    def hits(index: int, p_key: str) -> list[str]:
        return [key for key, *entries in rows
                if not suppressed(entries[index], config) and significant(entries[index], config, p_key)]

    both_shown = [(key, e0, e1) for key, e0, e1 in rows if not suppressed(e0, config) and not suppressed(e1, config)]
    changed = [key for key, e0, e1 in both_shown if significant(e0, config) != significant(e1, config)]
    periods = (
        f"{before.navn}en målte afgange i perioden {formatting.date_range(before.maaleperiode.start, before.maaleperiode.slut)} "
        f"og {now.navn.lower()}en i perioden {formatting.date_range(now.maaleperiode.start, now.maaleperiode.slut)}. "
        "Jo længere perioden er, jo flere når at gå fra kontanthjælp i begge grupper; det er derfor forskellen "
        "mellem grupperne og ikke andelene, der skal sammenlignes."
    )
    verdicts = " ".join([
        _verdict_pair("Uden korrektion", hits(0, "p"), hits(1, "p"), before, now),
        _verdict_pair("Efter Holm-korrektion", hits(0, "p_holm"), hits(1, "p_holm"), before, now),
    ])
    if changed:
        verdicts += f" Vurderingen uden korrektion har skiftet for {_names(changed)}."
    else:
        verdicts += " Vurderingen uden korrektion er den samme ved begge evalueringer for alle udfald."
    if len(both_shown) < len(rows):
        hidden = [key for key, *_entries in rows if key not in {k for k, _e0, _e1 in both_shown}]
        verdicts += (
            f" Sammenligningen af {_names(hidden)} vises ikke af hensyn til diskretion i mindst én af "
            "evalueringerne og indgår ikke her."
        )
    origin = (
        f"{before.navn}ens tal er beregnet sammen med og fra de samme datafiler som resten af rapporten, med "
        f"{before.navn.lower()}ens perioder; filen med tallene og dens kontrolsum står i bilaget om rapportens "
        "oprindelse."
    )
    return "\n\n".join([periods, verdicts, origin])


def _p_pair(key: str, entry: dict[str, Any], config: Config, coarse: bool) -> str:
    if suppressed(entry, config):
        return beskyttet.HIDDEN
    if not in_family(key, config):  # a secondary outcome has no Holm p-value
        return p_cell(entry.get("p"))
    return f"{p_cell(entry.get('p'))} ({_holm_cell(entry, config, coarse)})"


def _shown_ci_text(entry: dict[str, Any], config: Config) -> str:
    return beskyttet.HIDDEN if suppressed(entry, config) else _ci_text(entry)


def table_comparison(resultater: dict[str, Any], earlier: Comparison, config: Config) -> Table:
    """Each outcome's difference, interval and p-values in the earlier phase and in this one, side by side."""
    before, now = config.fase(earlier.resultater["fase"]), config.fase(resultater["fase"])
    # each p cell is "p (p after Holm)": the header says both, as a lone "p (Holm)" would read as Holm only
    table = Table(["Udfald", f"{before.navn}: forskel (KI)", "p (efter Holm)", f"{now.navn}: forskel (KI)", "p (efter Holm)"],
                  widths=[26, 20, 16, 20, 16])
    coarse = holm_coarse(earlier.resultater, config), holm_coarse(resultater, config)
    for key, e0, e1 in _both(resultater, earlier, config):
        table.add_row(LABELS[key] + ("" if in_family(key, config) else SECONDARY_MARK), _shown_ci_text(e0, config),
                      _p_pair(key, e0, config, coarse[0]), _shown_ci_text(e1, config), _p_pair(key, e1, config, coarse[1]))
    table.add_note(
        "Note: Forskelle i procentpoint (forsøgsafdelingen minus kontrolgruppen) med Newcombes "
        f"{formatting.number(100 * (1 - config.alpha))} %-konfidensinterval i parentes; p fra z-testen og i parentes "
        f"korrigeret med Holms metode inden for hver evaluering ({SECONDARY_MARK} sekundært udfald: uden korrektion). "
        f"Perioderne er forskellige: {before.navn.lower()}en "
        f"måler til {formatting.date(before.maaleperiode.slut)}, {now.navn.lower()}en til "
        f"{formatting.date(now.maaleperiode.slut)}."
    )
    return beskyttet.annotate(table, config.diskretionsgraense, extra=HIDDEN_COMPARISON_NOTE if any(coarse) else "")


def figure_comparison(resultater: dict[str, Any], earlier: Comparison, config: Config) -> SVG:
    """Forest plot of both phases: each outcome's unadjusted difference with its interval."""
    before, now = config.fase(earlier.resultater["fase"]), config.fase(resultater["fase"])
    rows = _both(resultater, earlier, config)
    return _forest(
        [LABELS[key] for key, _e0, _e1 in rows],
        [
            (before.navn, "s", figures.CONTRAST_COLOURS[1],
             [None if suppressed(e0, config) else e0 for _key, e0, _e1 in rows]),
            (now.navn, "o", figures.CONTRAST_COLOURS[0], [None if suppressed(e1, config) else e1 for _key, _e0, e1 in rows]),
        ],
        config,
        finding_from=-1,
    )


def overall(resultater: dict[str, Any], config: Config, main_findings: Sequence[str] = ()) -> str:
    """The overall picture across all measures, one computed line each (after the exits' assessment):
    time on kontanthjælp, the economy, the interviews, the staff, the plans and the qualitative main
    findings the analysts wrote."""
    g = config.grupper_bestemt
    lines = []
    varighed = resultater.get("varighed", {}) if available(resultater, "varighed") else {}
    weeks = varighed.get("uger_paa_kontanthjaelp") or {}
    if weeks.get("forskel") is not None:
        verdict = "statistisk signifikant" if significant(weeks, config) else "ikke statistisk signifikant"
        more = "færre" if weeks["forskel"] < 0 else "flere"
        lines.append(f"Tid på kontanthjælp: {formatting.number(abs(weeks['forskel']), 1)} uger {more} pr. borger i "
                     f"{g['forsoeg']} end i {g['kontrol']} ({verdict}, {p_text(weeks.get('p'))}).")
    destinations = first_exit_sentence(resultater, config)
    if destinations:
        lines.append(f"Første afgang efter destination: {destinations}")
    oek = resultater.get("oekonomi", {}) if varighed else {}
    if oek.get("netto_kr") is not None:
        interval = (f" (95 pct.-interval {formatting.mio_kr(oek['netto_ci_nedre'])} til {formatting.mio_kr(oek['netto_ci_oevre'])})"
                    if oek.get("netto_ci_nedre") is not None else "")
        lines.append(f"Økonomi: nettoresultatet for kommunen i måleperioden er {formatting.mio_kr(oek['netto_kr'])}{interval}; "
                     f"{'et negativt tal betyder, at forsøget kostede mere, end det sparede' if oek['netto_kr'] < 0 else 'forsøget sparede mere, end det kostede'}.")
    samtaler = resultater.get("samtaler")
    if samtaler and available(resultater, "samtaler"):
        lines.append(f"Rettidige samtaler: {formatting.pct(samtaler['forsoeg']['andel_rettidige'])} af samtalerne i "
                     f"{g['forsoeg']} blev holdt til tiden mod {formatting.pct(samtaler['kontrol']['andel_rettidige'])} i "
                     f"{g['kontrol']}.")
    staff = staff_comparison(resultater)
    if staff:
        months, sick, others_sick, turnover, others_turnover = staff
        lines.append(f"Personale ({months}): {formatting.number(sick, 1)} sygedage pr. fuldtidsansat mod "
                     f"{formatting.number(others_sick, 1)} i gennemsnit i de øvrige afdelinger, og en ekstern "
                     f"medarbejderomsætning på {formatting.number(turnover, 1)} pct. mod {formatting.number(others_turnover, 1)} pct. "
                     "Afdelingerne er ikke fordelt ved lodtrækning.")
    planer = resultater.get("planer")
    if planer and available(resultater, "planer") and planer.get("markeret_andel") is not None:
        share = formatting.pct(planer["markeret_andel"])
        lines.append(f"Forberedende planer: {share} af planerne er markeret i fagsystemet, så registreringen "
                     + ("kan bære en sammenligning af grupperne." if planer.get("data_gyldige")
                        else "kan ikke bære en konklusion om forskelle mellem grupperne."))
    lines += [f"Kvalitativt: {finding}" for finding in main_findings]
    if not lines:
        return ""
    return "Sammen med afgangene tegner de øvrige måleparametre dette billede:\n\n" + "\n".join(f"- {line}" for line in lines)


def overall_assessment(resultater: dict[str, Any], config: Config, main_findings: Sequence[str] = ()) -> str:
    """The computed part of "Samlet vurdering": the exits (`assessment`), then every other measure (`overall`)."""
    return "\n\n".join(filter(None, [assessment(resultater, config), overall(resultater, config, main_findings)]))
