"""Issue 17, point 8: built from the simulator's scenarios, every generated conclusion agrees with the
numbers (direction, significance, "ingen"/"alle", singular and plural), and no sentence opens with a digit."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from conftest import ROOT
from test_properties import NoRender

from evalkit.bygning.build import build
from evalkit.config import load_config
from evalkit.data.simulering.eksempel import generate
from evalkit.maaleparametre import konklusioner, sammenfatning

CONFIG = load_config(ROOT / "forsoeg.yml")


@pytest.fixture(scope="module", params=["omvendt", "nul", "lille", "standard"])
def built(request, tmp_path_factory):
    """The final phase built (notebooks, no rendering) from one scenario with seed 7."""
    scenario = request.param
    base = tmp_path_factory.mktemp(scenario)
    generate(base / "data", ROOT / "forsoeg.yml", 7, scenario=scenario)
    build(base / "data", base / "ud", faser=["slut"], renderer=NoRender(), allow_broken_premises=True)
    intern = base / "ud-intern" / "slut"
    merged = json.loads((intern / "resultater.json").read_text(encoding="utf-8"))
    return scenario, merged, base / "ud" / "slut"


def _resume(merged) -> str:
    return sammenfatning.resume(merged, CONFIG)


def test_each_headline_states_the_direction_and_verdict_of_the_numbers(built):
    scenario, merged, _ = built
    holm = [key for key, e in sammenfatning.shown(merged, CONFIG) if e["p_holm"] < CONFIG.alpha]
    primary, first = sammenfatning.headlines(merged, CONFIG)[:2]
    key = CONFIG.analyseplan.primaert_udfald  # the plan's primary outcome opens the conclusions, with its verdict
    assert primary.startswith(f"Det primære udfald, {sammenfatning.LABELS[key].lower()},")
    assert ("er statistisk signifikant" in primary) == (merged["udfald"][key]["p_holm"] < CONFIG.alpha)
    n = len(sammenfatning.shown(merged, CONFIG))
    if not holm:
        assert first.startswith("Ingen af de") and ":" not in first
    elif len(holm) == 1:
        assert first.startswith("Kun én af de") and len(re.findall(r"pct\. i forsøgsafdelingen mod", first)) == 1
    elif len(holm) == n:
        assert first.startswith("Alle ")
    else:
        assert first.split()[0].lower() in {"to", "tre", "fire", "fem", "seks", "syv"}
    for key in holm:  # the pair printed is the pair of shares, trial first
        e = merged["udfald"][key]
        pair = f"{sammenfatning.LABELS[key].lower()} ({100 * e['forsoeg']['andel']:.1f}".replace(".", ",")
        assert pair in first
    headings = konklusioner.headings(merged, CONFIG)
    ydelser = [k for k in ("ressourceforloeb", "fleksjob", "foertidspension") if k in holm]
    if scenario == "omvendt":
        assert merged["udfald"]["ressourceforloeb"]["forskel"] < 0 and "ressourceforloeb" in holm
        assert headings["afgange-ydelser"].startswith("Færre i forsøgsafdelingen gik til ressourceforløb")
        assert "Flere" not in headings["afgange-ydelser"]
    if not ydelser:
        assert "ingen statistisk signifikant" in headings["afgange-ydelser"] or "efter Holm" in headings["afgange-ydelser"]
    weeks = merged["varighed"]["uger_paa_kontanthjaelp"]
    if weeks["p"] < CONFIG.alpha:
        assert headings["uger"].startswith("Færre" if weeks["forskel"] < 0 else "Flere")
    else:
        assert headings["uger"].endswith("ingen statistisk signifikant forskel")
    # the first exit per destination group: each significant cause-specific hazard ratio in its direction
    competing = {key: e for key, e in merged["varighed"]["konkurrerende"].items()
                 if key in konklusioner.DESTINATION_GROUPS and not e.get("diskretion")}
    heading = headings["foerste-afgang"]
    for key, e in competing.items():
        name = konklusioner.DESTINATION_NAMES[key]
        if e["hr_p"] < CONFIG.alpha:
            word = "Hurtigere" if e["hr"] > 1 else "angsommere"
            assert re.search(f"{word} afgang (til [^,]+ og )?til {re.escape(name)}", heading), (key, heading)
        else:
            assert f"til {name} i" not in heading and not heading.startswith(f"Hurtigere afgang til {name}"), (key, heading)
    if not any(e["hr_p"] < CONFIG.alpha for e in competing.values()):
        assert "ingen statistisk signifikant forskel" in heading


def test_the_assessment_counts_and_names_the_significant_differences(built):
    _, merged, _ = built
    text = sammenfatning.assessment(merged, CONFIG)
    hits = [key for key, e in sammenfatning.shown(merged, CONFIG) if e["p"] < CONFIG.alpha]
    higher = [sammenfatning.LABELS[k].lower() for k in hits if merged["udfald"][k]["forskel"] > 0]
    lower = [sammenfatning.LABELS[k].lower() for k in hits if merged["udfald"][k]["forskel"] < 0]
    if higher:
        assert "Forsøgsafdelingen ligger højest for " + higher[0] in text
    else:
        assert "Forsøgsafdelingen ligger højest" not in text
    if lower:
        assert "Kontrolgruppen ligger højest for " + lower[0] in text
    else:
        assert "Kontrolgruppen ligger højest" not in text
    if not hits:
        assert text.startswith("Ingen af de")
    for wrong in ("for ingen", "Alle de signifikante", " 1 udfald", "forskellen for ressourceforløb og"):
        assert wrong not in text


def test_no_generated_sentence_opens_with_a_digit(built):
    _, _, published = built
    for path in sorted(published.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown", "")
                text = text if isinstance(text, str) else "".join(text)
                if not text or text.lstrip().startswith("|"):
                    continue  # a table: digits in cells are right
                prose = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
                for sentence in re.split(r"(?<!pct\.)(?<!kr\.)(?<=\.)\s+(?=[A-ZÆØÅ0-9])|\n+", prose):
                    sentence = sentence.lstrip("-• ").strip()
                    assert not re.match(r"\d", sentence), f"{path.name}: {sentence[:80]!r}"
