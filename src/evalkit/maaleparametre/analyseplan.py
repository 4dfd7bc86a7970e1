"""The statistical analysis plan (`statistik.analyseplan` in the configuration) as the documents show it,
and its lock: the first phase records the plan it was built with, and a later phase holds its own plan
up against that one.

- Canonical form: the plan as JSON with sorted keys, no spaces and UTF-8 text; its SHA-256 identifies it.
- The lock: a phase that compares with no other (the mid-term) records the plan that was locked before it,
  when its build found one (the build reads it from the phase's `resultater.json` in the output folder it
  replaces, see `evalkit.bygning.build`), else its own plan, which it thereby locks. A phase that compares
  with an earlier phase (the final evaluation) takes the lock from that phase's results; without it, no
  plan was locked.
- Deviations: every field of the plan whose value differs from the locked plan's, with both values.

Every sentence is computed from the plan and the lock.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from evalkit.config import Config
from evalkit.maaleparametre.faelles import balance_label
from evalkit.maaleparametre.konklusioner import LABELS
from evalkit.praesentation import dansk, formatting, tekst

FIELDS = {
    "primaert_udfald": "Primært udfald",
    "familie": "Udfald, som Holm-korrektionen omfatter",
    "sekundaere_udfald": "Sekundære udfald",
    "primaer_analyse": "Primær analyse",
    "kovariater": "Baggrundsvariabler i den justerede analyse",
    "alpha": "Signifikansniveau",
    "styrke": "Styrke for mindste påviselige forskel",
    "bekraeftende_fase": "Bekræftende fase",
}
ANALYSES = {"ujusteret": "ujusteret sammenligning af andelene", "justeret": "sammenligning justeret for baggrundsvariabler"}


def canonical(plan: dict[str, Any]) -> str:
    """The plan's canonical JSON text, from which its SHA-256 is computed."""
    return json.dumps(plan, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(plan: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(plan).encode("utf-8")).hexdigest()


def deviations(locked: dict[str, Any], plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field whose value differs between the locked plan and this one: {'felt', 'laast', 'nu'}, in the
    order of `FIELDS` (a field only one of them has counts too)."""
    keys = [*FIELDS, *sorted((set(locked) | set(plan)) - set(FIELDS))]
    return [{"felt": key, "laast": locked.get(key), "nu": plan.get(key)} for key in keys if locked.get(key) != plan.get(key)]


def record(config: Config, fase_key: str, earlier: dict[str, Any] | None = None,
           carried: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `analyseplan` section of a phase's resultater.json: the plan, its SHA-256, the locked plan
    (`lock_for`) and its SHA-256 (None when no plan was locked), the phase that locked it and the
    deviations from it."""
    plan = config.analyseplan.as_json()
    locked, locked_by = lock_for(config, fase_key, earlier, carried)
    return {
        "analyseplan": {
            "plan": plan,
            "sha256": sha256(plan),
            "laast": locked,
            "laast_sha256": None if locked is None else sha256(locked),
            "laast_af": locked_by,
            "afvigelser": [] if locked is None else deviations(locked, plan),
            "fase": fase_key,
        }
    }


def lock_for(config: Config, fase_key: str, earlier: dict[str, Any] | None, carried: dict[str, Any] | None
             ) -> tuple[dict[str, Any] | None, str | None]:
    """(locked plan, the phase that locked it) for phase `fase_key`: from the earlier phase's results when
    the phase compares with one (None when they hold no plan), else the lock `carried` over from before this
    build ({'plan', 'fase'}), else this phase's own plan."""
    if config.fase(fase_key).sammenlign_med:
        section = (earlier or {}).get("analyseplan") or {}
        return section.get("laast"), section.get("laast_af")
    if carried:
        return carried["plan"], carried.get("fase")
    return config.analyseplan.as_json(), fase_key


# ------------------------------------------------------------------------------------- presentation


def _outcomes(keys: list[str]) -> str:
    return dansk.join([LABELS.get(k, k).lower() for k in keys]) if keys else "ingen"


def value_text(key: str, value: Any, config: Config) -> str:
    """A field's value in Danish: outcomes and covariates by name, levels with a decimal comma."""
    if value is None:
        return "ikke angivet"
    if key in ("familie", "sekundaere_udfald"):
        return _outcomes(value)
    if key == "primaert_udfald":
        return LABELS.get(value, value).lower()
    if key == "primaer_analyse":
        return ANALYSES.get(value, value)
    if key == "kovariater":
        return dansk.join([balance_label(v, config).lower() for v in value])
    if key == "alpha":
        return formatting.number(value, 2)
    if key == "styrke":
        return formatting.pct(value)
    if key == "bekraeftende_fase":
        return config.faser[value].navn.lower() + "en" if value in config.faser else str(value)
    return str(value)


def plan_text(config: Config) -> tekst.Markup:
    """The appendix "Statistisk analyseplan": the plan, field by field, with what each choice means."""
    plan = config.analyseplan
    p = plan.as_json()
    level = formatting.number(config.alpha / len(plan.familie), 4)
    lines = [
        "Analyseplanen er fastlagt i konfigurationen, før resultaterne er kendt, og gælder begge evalueringer. "
        "Midtvejsevalueringen låser planen; ændres den senere, står ændringerne i afsnittet om afvigelser fra "
        "analyseplanen.",
        "",
        _item("primaert_udfald", p, config, "Det er det udfald, der besvarer forsøgets hovedspørgsmål."),
        _item("familie", p, config, "Hver borger tælles én gang, ved sin første afgang, så udfaldene hænger sammen og "
              "korrigeres under ét med Holms metode. En samlet chi-i-anden-test af fordelingen på alle udfald ledsager "
              "de enkelte test."),
        _item("sekundaere_udfald", p, config, "De testes hver for sig på signifikansniveauet og læses som "
              "understøttende, ikke som selvstændige fund."),
        _item("primaer_analyse", p, config, "Den anden sammenligning vises også, som supplement."),
        _item("kovariater", p, config, "De er valgt på forhånd og ikke ud fra, hvor grupperne tilfældigvis var "
              "forskellige ved start; balancetabellen beskriver grupperne og er ikke en test af lodtrækningen."),
        _item("alpha", p, config, f"Testene er tosidede. Med Holm-korrektionen er det strengeste niveau "
              f"{value_text('alpha', p['alpha'], config)}/{len(plan.familie)} = {level}."),
        _item("styrke", p, config, "Den mindste påviselige forskel regnes i begge retninger på det niveau, en forskel "
              "faktisk skal nå: Holm-korrektionens strengeste niveau for udfaldene i familien og signifikansniveauet "
              "for de sekundære udfald."),
        _item("bekraeftende_fase", p, config, "De øvrige evalueringer gør status undervejs, og deres perioder "
              "overlapper den bekræftende evaluerings."),
        "",
        "Planens kontrolsum (SHA-256 af dens kanoniske form):",
    ]
    escaped = [f"- {tekst.escape(line[2:])}" if line.startswith("- ") else tekst.escape(line) for line in lines]
    return tekst.Markup("\n".join([*escaped, "", tekst.code(sha256(p))]))


def _item(key: str, plan: dict[str, Any], config: Config, explanation: str) -> str:
    """A list item of the plan: the field, its value and what it means."""
    value = value_text(key, plan.get(key), config)
    return f"- {FIELDS[key]}: {value}{'' if value.endswith('.') else '.'} {explanation}"


def deviations_text(recorded: dict[str, Any], config: Config) -> str:
    """The section "Afvigelser fra analyseplanen" from a phase's `record`: every change from the locked
    plan, or that there is none, or that no plan was locked."""
    section = recorded["analyseplan"]
    fase = config.fase(section["fase"])
    if section.get("laast") is None:
        return (f"Ingen analyseplan blev låst før {fase.navn.lower()}en: der findes ingen resultater fra en tidligere "
                "evaluering med en registreret plan. Planen i bilaget er derfor ikke holdt op mod en tidligere udgave.")
    locked_by = section.get("laast_af")
    by = (f"ved {config.faser[locked_by].navn.lower()}en" if locked_by in config.faser and locked_by != fase.noegle
          else f"med denne {fase.navn.lower()}")
    changes = section.get("afvigelser") or []
    if not changes:
        if locked_by == fase.noegle:
            return f"Analyseplanen blev låst {by}. Den er gengivet i bilaget."
        return f"Analysen følger den analyseplan, der blev låst {by}, uden afvigelser."
    count = f"{dansk.number(len(changes), neuter=True)} {'punkt' if len(changes) == 1 else 'punkter'}"
    lines = [dansk.sentence(f"{count} i analyseplanen er ændret, siden den blev låst {by}"),
             "Resultaterne i rapporten følger den nye plan; læseren bør vurdere, om ændringen kunne være "
             "påvirket af de resultater, der var kendt, da den blev foretaget.", ""]
    lines += [f"- {FIELDS.get(c['felt'], c['felt'])}: {value_text(c['felt'], c['laast'], config)} i den låste plan, "
              f"{value_text(c['felt'], c['nu'], config)} nu." for c in changes]
    return "\n".join(lines)
