"""The resumé, the effects table and the computed assessment follow the computed p-values."""

from evalkit import sammenfatning
from evalkit.results import assemble, outcome


def _results(config, **counts):
    n = {"forsoeg": 900, "kontrol": 900}
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}}
    return assemble(config.fase("slut"), [fragment], config.udfaldsfamilie)


def test_verdicts_follow_the_unadjusted_and_the_holm_p_values(config):
    results = _results(
        config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), foertidspension=(33, 15), andet=(40, 10)
    )
    text = sammenfatning.resume(results, config)
    assert "Beskæftigelse: 11 pct. i forsøgsafdelingen mod 11 pct. i kontrolgruppen" in text
    assert "ikke statistisk signifikant (p = 0,88)" in text
    assert "Ressourceforløb:" in text and "statistisk signifikant, også efter Holm-korrektion (p < 0,001" in text
    # p = 0.0085 alone, 0.017 after Holm over three: still significant at 0.05
    assert "Førtidspension:" in text and "også efter Holm-korrektion (p = 0,008; p(Holm) = 0,017)" in text
    assert "Andet" not in text  # a residual category, not in the configured family
    assert "Forsøget kunne med 80 pct. sandsynlighed påvise en forskel på" in text
    assessment = sammenfatning.assessment(results, config)
    assert assessment.startswith("2 af de 3 sammenligninger viser en statistisk signifikant forskel.")
    assert "Forsøgsafdelingen ligger højest på: ressourceforløb og førtidspension." in assessment
    assert "holder også efter Holm-korrektion" in assessment
    payload = sammenfatning.to_json(results, config)["sammenfatning"]
    assert payload["signifikante_uden_justering"] == payload["signifikante_holm"] == ["ressourceforloeb", "foertidspension"]


def test_a_difference_can_lose_significance_after_holm(config):
    results = _results(config, beskaeftigelse=(100, 98), smaajob=(47, 28), ressourceforloeb=(140, 50))
    smaajob = results["udfald"]["smaajob"]
    assert smaajob["p"] < 0.05 < smaajob["p_holm"]  # 0.025 alone, 2 x 0.025 = 0.050037 after Holm
    text = sammenfatning.resume(results, config)
    assert "uden korrektion (p = 0,025), men ikke efter Holm-korrektion (p(Holm) = 0,050)" in text
    assert "Efter Holm-korrektion for de mange sammenligninger er kun forskellen for ressourceforløb signifikant." in (
        sammenfatning.assessment(results, config)
    )


def test_effects_table_lists_the_family_with_interval_and_mde(config):
    results = _results(config, beskaeftigelse=(102, 89), ressourceforloeb=(140, 50))
    rows = sammenfatning.table_effects(results, config).rows
    assert [row[0] for row in rows] == ["Beskæftigelse", "Ressourceforløb"]
    assert rows[0][1] == "1,4" and rows[0][3] == "0,32" and rows[0][4] == "0,32"
    assert rows[0][2] == "\u22121,4 til 4,3" and rows[0][5] == "4,3"  # (1,96 + 0,84) x sqrt(2 x 0,12 x 0,88 / 900)


def test_no_significant_difference(config):
    text = sammenfatning.assessment(_results(config, beskaeftigelse=(100, 98)), config)
    assert text.startswith("Ingen af de 1 sammenligninger")


def test_adjusted_table_shows_both_differences(config):
    results = _results(config, beskaeftigelse=(102, 89))
    results["udfald"]["beskaeftigelse"]["justeret"] = {"forskel": 0.02, "ci_nedre": -0.01, "ci_oevre": 0.05, "p": 0.2}
    [row] = sammenfatning.table_adjusted(results, config).rows
    assert row[0] == "Beskæftigelse" and row[2] == "2,0 (\u22121,0 til 5,0)" and row[3] == "0,20"
    assert row[1].startswith("1,4 (")
    assert "køn" not in sammenfatning.covariates_text(config) and "kvinder, alder" in sammenfatning.covariates_text(config)
