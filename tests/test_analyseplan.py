"""Issue 19: the analysis plan in the configuration, the statistics that follow it (the Holm family, the
primary analysis, secondary outcomes, the MDE at the level used, the global test) and its lock."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import yaml
from conftest import ROOT, small_tables, write_tables
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from evalkit.bygning import pipeline
from evalkit.bygning.build import build
from evalkit.bygning.resultater import assemble, published
from evalkit.config import load_config
from evalkit.errors import ConfigError
from evalkit.maaleparametre import analyseplan, konklusioner, sammenfatning
from evalkit.maaleparametre.faelles import outcome
from evalkit.statistik.andele import distribution_test, mde_both

N = {"forsoeg": 900, "kontrol": 900}


def _config_with(tmp_path, **plan):
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    data["statistik"]["analyseplan"].update(plan)
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _results(config, fase="slut", **counts):
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, N) for key, (f, k) in counts.items()}}
    return assemble(config.fase(fase), [fragment], config.analyseplan)


# ------------------------------------------------------------------------------------ the configuration


def test_the_example_plan_has_the_six_destinations_as_family_and_two_secondary_outcomes(config):
    plan = config.analyseplan
    assert plan.primaert_udfald == "beskaeftigelse" and plan.primaer_analyse == "ujusteret"
    assert plan.familie == ("beskaeftigelse", "smaajob", "uddannelse", "ressourceforloeb", "fleksjob", "foertidspension")
    assert plan.sekundaere_udfald == ("virksomhedsplacering", "lang_kh_reduktion")
    assert plan.bekraeftende_fase == "slut" and (plan.alpha, plan.styrke) == (config.alpha, config.styrke)


@pytest.mark.parametrize(("change", "message"), [
    ({"primaert_udfald": "virksomhedsplacering"}, r"'statistik.analyseplan.primaert_udfald' skal være et af udfaldene"),
    ({"sekundaere_udfald": ["fleksjob"]}, r"fleksjob står både i 'statistik.analyseplan.familie' og i"),
    ({"primaer_analyse": "bayesiansk"}, r"'statistik.analyseplan.primaer_analyse' skal være ujusteret eller justeret"),
    ({"kovariater": ["alder", "cpr"]}, r"'statistik.analyseplan.kovariater' skal være en liste uden gentagelser"),
    ({"familie": ["beskaeftigelse", "beskaeftigelse"]}, r"'statistik.analyseplan.familie' skal være en liste uden"),
    ({"bekraeftende_fase": "tredje"}, r"'statistik.analyseplan.bekraeftende_fase' skal være en af faserne"),
])
def test_a_plan_that_cannot_hold_is_refused_in_danish(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_config_with(tmp_path, **change))


# ------------------------------------------------------------------------- statistics follow the plan


def test_holm_covers_the_family_only_and_secondary_outcomes_are_judged_alone(config):
    results = _results(config, beskaeftigelse=(100, 98), smaajob=(47, 28), ressourceforloeb=(140, 50),
                       virksomhedsplacering=(470, 420), lang_kh_reduktion=(30, 28))
    udfald = results["udfald"]
    family = ["beskaeftigelse", "smaajob", "ressourceforloeb"]
    _, expected, _, _ = multipletests([udfald[k]["p"] for k in family], method="holm")
    assert [udfald[k]["p_holm"] for k in family] == pytest.approx(list(expected))
    assert "p_holm" not in udfald["virksomhedsplacering"] and "p_holm" not in udfald["lang_kh_reduktion"]
    # placements: p = 0.016 alone, significant as a secondary outcome without a Holm correction
    assert 0.01 < udfald["virksomhedsplacering"]["p"] < 0.05
    assert konklusioner.decisive("virksomhedsplacering", udfald["virksomhedsplacering"], config)
    assert konklusioner.headings(results, config)["virksomhedsplaceringer"] == (
        "Flere i forsøgsafdelingen var i virksomhedsplacering")
    row = next(r for r in sammenfatning.table_effects(results, config).rows if r[0].startswith("Virksomhedsplacering"))
    assert row[0].endswith(sammenfatning.SECONDARY_MARK) and row[4] == ""  # no Holm p-value
    assert "Sekundære udfald, som analyseplanen tester hver for sig:" in sammenfatning.resume(results, config)


def test_an_adjusted_primary_analysis_drives_holm_and_the_verdicts(config, tmp_path):
    adjusted = load_config(_config_with(tmp_path, primaer_analyse="justeret"))
    fragment = {"udfald": {
        "beskaeftigelse": {**outcome({"forsoeg": 110, "kontrol": 95}, N),
                           "justeret": {"forskel": 0.03, "ci_nedre": 0.01, "ci_oevre": 0.05, "p": 0.004}},
        "ressourceforloeb": {**outcome({"forsoeg": 140, "kontrol": 50}, N),
                             "justeret": {"forskel": 0.1, "ci_nedre": 0.07, "ci_oevre": 0.13, "p": 1e-9}},
    }}
    plain = assemble(config.fase("slut"), [fragment], config.analyseplan)
    results = assemble(adjusted.fase("slut"), [json.loads(json.dumps(fragment))], adjusted.analyseplan)
    assert plain["udfald"]["beskaeftigelse"]["p"] > 0.05  # unadjusted: p = 0.29
    # Holm over the adjusted p-values: the larger one is multiplied by one
    assert results["udfald"]["beskaeftigelse"]["p_holm"] == pytest.approx(0.004)
    assert plain["udfald"]["beskaeftigelse"]["p_holm"] == pytest.approx(plain["udfald"]["beskaeftigelse"]["p"])
    entry = dict(konklusioner.family(results, adjusted))["beskaeftigelse"]
    assert (entry["forskel"], entry["p"], entry["ujusteret"]["p"]) == (0.03, 0.004, plain["udfald"]["beskaeftigelse"]["p"])
    assert konklusioner.decisive("beskaeftigelse", entry, adjusted)
    assert not konklusioner.decisive("beskaeftigelse", dict(konklusioner.family(plain, config))["beskaeftigelse"], config)
    assert "den justerede sammenligning" in sammenfatning.method_text(adjusted)
    # the adjusted table still shows both comparisons as computed
    row = next(r for r in sammenfatning.table_adjusted(results, adjusted).rows if r[0] == "Beskæftigelse")
    assert row[1].startswith("1,7 (") and row[2].startswith("3,0 (")


def test_the_contracts_family_of_eight_is_a_plan_too(config, tmp_path):
    """The data contract (section 4) names a Holm family of all eight outcomes, under which førtidspension is
    not significant after Holm on the calibration counts (section 6); the plan's default family of the six
    destinations keeps it significant. Both are configurations of the same code."""
    counts = {"beskaeftigelse": (102, 89), "smaajob": (18, 22), "uddannelse": (19, 24), "ressourceforloeb": (139, 46),
              "fleksjob": (31, 20), "foertidspension": (47, 23), "virksomhedsplacering": (451, 400)}
    n = {"forsoeg": 917, "kontrol": 856}
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}}
    fragment["udfald"]["lang_kh_reduktion"] = outcome({"forsoeg": 100, "kontrol": 56}, {"forsoeg": 385, "kontrol": 312})
    eight = load_config(_config_with(tmp_path, familie=list(config.udfaldsfamilie), sekundaere_udfald=[]))
    six = assemble(config.fase("slut"), [json.loads(json.dumps(fragment))], config.analyseplan)["udfald"]
    contract = assemble(eight.fase("slut"), [fragment], eight.analyseplan)["udfald"]
    assert six["foertidspension"]["p_holm"] < 0.05 < contract["foertidspension"]["p_holm"]
    assert contract["ressourceforloeb"]["p_holm"] < 0.05


def test_the_mde_is_two_sided_at_the_level_used_in_both_directions(config):
    p, n = 0.104, 900
    for level in (0.05, 0.05 / 6):
        h = (norm.ppf(1 - level / 2) + norm.ppf(0.8)) * math.sqrt(2 / n)  # Cohen's h, by hand
        base = math.asin(math.sqrt(p))
        down, up = mde_both(n, n, p, level, 0.8)
        assert up == pytest.approx(math.sin(base + h / 2) ** 2 - p, rel=1e-5)  # statsmodels solves for h numerically
        assert down == pytest.approx(p - math.sin(base - h / 2) ** 2, rel=1e-5)  # statsmodels solves for h numerically
        assert down < up  # less room below a small share
    assert mde_both(n, n, 0.0)[0] is None and mde_both(n, n, 0.0)[1] > 0
    results = _results(config, beskaeftigelse=(100, 94), smaajob=(20, 23), uddannelse=(19, 24), ressourceforloeb=(137, 46),
                       fleksjob=(31, 20), foertidspension=(46, 23), virksomhedsplacering=(443, 400))
    assert sammenfatning.mde_level("beskaeftigelse", results, config) == pytest.approx(0.05 / 6)
    assert sammenfatning.mde_level("virksomhedsplacering", results, config) == 0.05
    assert "På Holm-korrektionens strengeste niveau (0,0083)" in sammenfatning.mde_sentence(results, config)


def test_the_global_test_of_the_distribution_agrees_with_a_hand_computation():
    f, k = [100, 20, 19, 137, 31, 46, 60, 504], [94, 23, 24, 46, 20, 23, 50, 576]
    table = np.array([f, k], dtype=float)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    result = distribution_test(f, k)
    assert result["chi2"] == pytest.approx(statistic) and result["frihedsgrader"] == 7
    assert result["p"] == pytest.approx(chi2_distribution.sf(statistic, 7))
    assert result["mindste_forventede"] == pytest.approx(expected.min())
    assert distribution_test([0, 5, 3], [0, 4, 9])["frihedsgrader"] == 1  # an empty category is left out
    assert distribution_test([5, 3], [0, 0])["p"] is None


def test_a_hidden_count_leaves_only_the_side_of_alpha_of_the_global_test(config):
    from evalkit.maaleparametre import afgange

    def made(fleksjob: int) -> afgange.Afgange:
        antal = {"forsoeg": {"beskaeftigelse": 100, "smaajob": 20, "uddannelse": 19, "ressourceforloeb": 137,
                             "fleksjob": fleksjob, "foertidspension": 46, "andet": 60},
                 "kontrol": {"beskaeftigelse": 94, "smaajob": 23, "uddannelse": 24, "ressourceforloeb": 46,
                             "fleksjob": 20, "foertidspension": 23, "andet": 50}}
        for g in antal:
            antal[g][afgange.STILL_ON_KH] = N[g] - sum(antal[g].values())
        return afgange.Afgange(config.fase("slut"), 8, dict(N), antal, {}, config.diskretionsgraense, alpha=0.05)

    shown, hidden = afgange.distribution(made(31)), afgange.distribution(made(3))
    assert "diskretion" not in shown and shown["under_alpha"] is True
    assert hidden["diskretion"] == {"chi2": "sekundaer", "p": "sekundaer", "mindste_forventede": "sekundaer"}
    public = published({"udfald_fordeling": hidden}, 0.05)["udfald_fordeling"]
    assert public["p"] is None and public["chi2"] is None and public["mindste_forventede"] is None
    assert public["under_alpha"] is True
    text = sammenfatning.distribution_sentence({"udfald_fordeling": public}, config)
    assert "p < 0,05" in text and "syv frihedsgrader" in text


# ------------------------------------------------------------------------------------------- the lock


def test_the_plan_has_a_canonical_form_and_its_sha256(config):
    plan = config.analyseplan.as_json()
    text = analyseplan.canonical(plan)
    assert text == json.dumps(plan, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert analyseplan.sha256(dict(reversed(list(plan.items())))) == analyseplan.sha256(plan)
    assert analyseplan.sha256({**plan, "alpha": 0.01}) != analyseplan.sha256(plan)


def test_the_mid_term_locks_its_plan_and_the_final_compares_with_it(config):
    mid = analyseplan.record(config, "midtvejs")["analyseplan"]
    assert mid["laast"] == mid["plan"] and mid["laast_sha256"] == mid["sha256"] and mid["afvigelser"] == []
    final = analyseplan.record(config, "slut", {"analyseplan": mid})["analyseplan"]
    assert final["laast_sha256"] == mid["sha256"] and final["laast_af"] == "midtvejs" and final["afvigelser"] == []
    assert "uden afvigelser" in analyseplan.deviations_text({"analyseplan": final}, config)
    assert "blev låst med denne midtvejsevaluering" in analyseplan.deviations_text({"analyseplan": mid}, config)


def test_a_changed_primary_outcome_is_a_deviation_from_the_locked_plan(config, tmp_path):
    changed = load_config(_config_with(tmp_path, primaert_udfald="uddannelse"))
    locked = analyseplan.record(config, "midtvejs")
    final = analyseplan.record(changed, "slut", locked)["analyseplan"]
    assert final["sha256"] != final["laast_sha256"] == locked["analyseplan"]["sha256"]
    assert final["afvigelser"] == [{"felt": "primaert_udfald", "laast": "beskaeftigelse", "nu": "uddannelse"}]
    text = analyseplan.deviations_text({"analyseplan": final}, changed)
    assert "Ét punkt i analyseplanen er ændret, siden den blev låst ved midtvejsevalueringen." in text
    assert "- Primært udfald: beskæftigelse i den låste plan, uddannelse nu." in text
    # a mid-term rebuilt after the change keeps the lock carried over from its earlier results
    carried = {"plan": locked["analyseplan"]["plan"], "fase": "midtvejs"}
    again = analyseplan.record(changed, "midtvejs", carried=carried)["analyseplan"]
    assert again["laast"] == locked["analyseplan"]["plan"] and again["afvigelser"] == final["afvigelser"]


def test_a_final_build_without_a_mid_term_plan_says_no_plan_was_locked(config):
    final = analyseplan.record(config, "slut", {"fase": "midtvejs"})["analyseplan"]
    assert final["laast"] is None and final["laast_sha256"] is None and final["afvigelser"] == []
    assert analyseplan.deviations_text({"analyseplan": final}, config).startswith(
        "Ingen analyseplan blev låst før slutevalueringen")
    single = dataclasses.replace(config, faser={"slut": dataclasses.replace(config.fase("slut"), sammenlign_med=None)})
    assert analyseplan.record(single, "slut")["analyseplan"]["laast_af"] == "slut"  # one phase: it locks itself


def test_the_build_carries_the_lock_of_the_output_it_replaces(tmp_path):
    plan, now = {"primaert_udfald": "beskaeftigelse"}, {"primaert_udfald": "uddannelse"}
    (tmp_path / "ud" / "midtvejs").mkdir(parents=True)
    (tmp_path / "ud" / "midtvejs" / "resultater.json").write_text(
        json.dumps({"analyseplan": {"laast": plan, "laast_af": "midtvejs"}}), encoding="utf-8")
    pipeline.carry_lock(tmp_path / "ud", tmp_path / "bygning", "midtvejs", now)
    carried = json.loads((tmp_path / "bygning" / "midtvejs" / pipeline.LOCK_FILE).read_text(encoding="utf-8"))
    assert carried == {"plan": plan, "fase": "midtvejs"}
    # the same plan as now: nothing to carry (the phase locks it again, and the notebooks stay the same bytes)
    pipeline.carry_lock(tmp_path / "ud", tmp_path / "bygning2", "midtvejs", plan)
    pipeline.carry_lock(tmp_path / "tom", tmp_path / "bygning3", "midtvejs", now)  # no earlier output: nothing
    assert not (tmp_path / "bygning2").exists() and not (tmp_path / "bygning3").exists()


@pytest.mark.e2e
def test_a_plan_changed_after_the_mid_term_build_shows_in_the_final_document(tmp_path):
    """End to end: the mid-term is built and published with the plan; the primary outcome is changed; the
    final build (into the same folder) records the deviation and its document lists it."""
    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "rapport"
    (tmp_path / "a").mkdir()
    original = _config_with(tmp_path / "a")
    build(data, out, faser=["midtvejs"], renderer="pandoc", config_path=original, allow_broken_premises=True)
    mid = json.loads((out / "midtvejs" / "resultater.json").read_text(encoding="utf-8"))["analyseplan"]
    assert mid["laast_af"] == "midtvejs" and mid["afvigelser"] == []

    (tmp_path / "b").mkdir()
    changed = _config_with(tmp_path / "b", primaert_udfald="uddannelse")
    build(data, out, faser=["slut"], renderer="pandoc", config_path=changed, allow_broken_premises=True)
    final = json.loads((out / "slut" / "resultater.json").read_text(encoding="utf-8"))["analyseplan"]
    assert final["laast_sha256"] == mid["sha256"] != final["sha256"]
    assert final["afvigelser"] == [{"felt": "primaert_udfald", "laast": "beskaeftigelse", "nu": "uddannelse"}]
    html = (out / "slutevaluering.html").read_text(encoding="utf-8")
    assert "Afvigelser fra analyseplanen" in html and "uddannelse nu." in html
    assert "Bilag: statistisk analyseplan" in html and final["sha256"] in html
