"""The resumé and the computed assessment follow the computed p-values."""

from evalkit import sammenfatning
from evalkit.results import outcome


def _results(**counts):
    n = {"forsoeg": 900, "kontrol": 900}
    udfald = {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}
    return {"maaleperiode": {"start": "2018-01-01", "slut": "2018-12-31"}, "udfald": udfald}


def test_verdicts_follow_the_p_values(config):
    results = _results(beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), andet=(40, 10))
    text = sammenfatning.resume(results, config)
    assert "Beskæftigelse: 11 pct. i forsøgsafdelingen mod 11 pct. i kontrolgruppen" in text
    assert "ikke statistisk signifikant (p = 0,88)" in text
    assert "Ressourceforløb:" in text and "statistisk signifikant (p < 0,001)" in text
    assert "Andet" not in text  # a residual category, not in the configured family
    assessment = sammenfatning.assessment(results, config)
    assert assessment.startswith("1 af de 2 sammenligninger viser en statistisk signifikant forskel.")
    assert "Forsøgsafdelingen ligger højest på: ressourceforløb." in assessment
    assert sammenfatning.to_json(results, config)["sammenfatning"]["signifikante_uden_justering"] == ["ressourceforloeb"]


def test_no_significant_difference(config):
    text = sammenfatning.assessment(_results(beskaeftigelse=(100, 98)), config)
    assert text.startswith("Ingen af de 1 sammenligninger")
