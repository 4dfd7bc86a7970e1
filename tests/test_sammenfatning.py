"""The resumé, the effects table and the computed assessment follow the computed p-values."""

import re

import pytest

from evalkit.bygning.resultater import assemble
from evalkit.maaleparametre import sammenfatning
from evalkit.maaleparametre.faelles import Comparison, outcome


def _results(config, **counts):
    n = {"forsoeg": 900, "kontrol": 900}
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}}
    return assemble(config.fase("slut"), [fragment], config.analyseplan)


def test_verdicts_follow_the_unadjusted_and_the_holm_p_values(config):
    results = _results(
        config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), foertidspension=(33, 15), andet=(40, 10)
    )
    text = sammenfatning.resume(results, config)
    # one decimal beside a stated difference: whole per cents would both read 11 pct. here
    assert "Beskæftigelse: 11,1 pct. i forsøgsafdelingen mod 10,9 pct. i kontrolgruppen (+0,2 procentpoint)" in text
    assert "ikke statistisk signifikant (p = 0,88)" in text
    assert "Ressourceforløb:" in text and "statistisk signifikant, også efter Holm-korrektion (p < 0,001" in text
    # p = 0.0085 alone, 0.017 after Holm over three: still significant at 0.05
    assert "Førtidspension:" in text and "også efter Holm-korrektion (p = 0,008; p(Holm) = 0,017)" in text
    assert "Andet" not in text  # a residual category, not in the configured family
    # the MDE of the primary outcome at Holm's strictest level over the three tested outcomes, both ways
    assert ("På Holm-korrektionens strengeste niveau (0,0167) kunne forsøget med 80 pct. sandsynlighed påvise en "
            "stigning på 5,2 procentpoint eller et fald på 4,3 procentpoint i andelen med beskæftigelse, det primære "
            "udfald") in text
    assessment = sammenfatning.assessment(results, config)
    assert assessment.startswith("To af de tre sammenligninger viser en statistisk signifikant forskel uden korrektion.")
    assert "Forsøgsafdelingen ligger højest for ressourceforløb og førtidspension." in assessment
    assert "Begge signifikante forskelle holder også efter Holm-korrektion" in assessment
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
    assert rows[0][2] == "\u22121,4 til 4,3"
    assert rows[0][5] == _hand_mde(89 / 900, 900, 900, 0.05 / 2) == "\u22123,9 / +4,7"


def _hand_mde(p: float, n_f: int, n_k: int, level: float, power: float = 0.8) -> str:
    """The detectable fall and rise on the arcsine scale by hand: h = (z_(1-level/2) + z_power) * sqrt(1/n_f + 1/n_k)."""
    import math

    from scipy.stats import norm

    h = (norm.ppf(1 - level / 2) + norm.ppf(power)) * math.sqrt(1 / n_f + 1 / n_k)
    base = math.asin(math.sqrt(p))
    down, up = p - math.sin(base - h / 2) ** 2, math.sin(base + h / 2) ** 2 - p
    return f"\u2212{100 * down:.1f} / +{100 * up:.1f}".replace(".", ",")


def test_no_significant_difference(config):
    text = sammenfatning.assessment(_results(config, beskaeftigelse=(100, 98)), config)
    assert text.startswith("Sammenligningen viser ikke en statistisk signifikant forskel")  # not "Ingen af de 1"


def test_adjusted_table_shows_both_differences(config):
    results = _results(config, beskaeftigelse=(102, 89))
    results["udfald"]["beskaeftigelse"]["justeret"] = {"forskel": 0.02, "ci_nedre": -0.01, "ci_oevre": 0.05, "p": 0.2}
    [row] = sammenfatning.table_adjusted(results, config).rows
    assert row[0] == "Beskæftigelse" and row[2] == "2,0 (\u22121,0 til 5,0)" and row[3] == "0,20"
    assert row[1].startswith("1,4 (")
    assert "køn" not in sammenfatning.covariates_text(config) and "kvinder, alder" in sammenfatning.covariates_text(config)


def test_few_expected_events_bring_the_exact_test_into_the_text_and_table(config):
    n = {"forsoeg": 20, "kontrol": 20}
    fragment = {"udfald": {"foertidspension": outcome({"forsoeg": 6, "kontrol": 0}, n)}}
    results = assemble(config.fase("slut"), [fragment], config.analyseplan)
    entry = results["udfald"]["foertidspension"]
    assert entry["mindste_forventede"] == 3.0  # 6 events in 40: 20 x 6/40 per group
    assert entry["p"] < 0.05 and entry["p_eksakt"] == pytest.approx(0.0202, abs=1e-4)  # Fisher, 6/20 vs 0/20
    text = sammenfatning.resume(results, config)
    assert "z-testen kun er en grov tilnærmelse; Fishers eksakte test giver p = 0,020." in text
    table = sammenfatning.table_effects(results, config)
    assert table.rows[0][3].endswith(sammenfatning.SMALL_NUMBERS_MARK)
    assert "Fishers eksakte test giver p = 0,020 for førtidspension" in table.to_markdown()
    assert sammenfatning.to_json(results, config)["sammenfatning"]["faa_forventede"] == ["foertidspension"]


def test_large_groups_do_not_mention_the_exact_test(config):
    results = _results(config, beskaeftigelse=(102, 89))
    assert "Fisher" not in sammenfatning.resume(results, config)
    assert "Fisher" not in sammenfatning.table_effects(results, config).to_markdown()


def test_no_events_in_either_group_is_stated_not_tested(config):
    results = _results(config, smaajob=(0, 0))
    entry = results["udfald"]["smaajob"]
    assert entry["p"] is None and entry["p_holm"] is None and entry["ci_nedre"] is not None
    assert "kan ikke testes, fordi enten ingen eller alle i begge grupper har udfaldet" in sammenfatning.resume(results, config)
    assert sammenfatning.table_effects(results, config).rows[0][3] == "kan ikke beregnes"


def _comparison(config, **counts) -> Comparison:
    n = {"forsoeg": 900, "kontrol": 900}
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}}
    earlier = assemble(config.fase("midtvejs"), [fragment], config.analyseplan)
    return Comparison(earlier, {"fil": "midtvejs/resultater.json", "sha256": "ab" * 32})


def test_the_comparison_sets_both_phases_side_by_side(config):
    now = _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), foertidspension=(33, 15))
    earlier = _comparison(config, beskaeftigelse=(60, 58), ressourceforloeb=(80, 40), foertidspension=(12, 10))
    text = sammenfatning.comparison_text(now, earlier, config)
    assert "Midtvejsevalueringen målte afgange i perioden 1. januar 2018–31. december 2018" in text
    assert "signifikant for ressourceforløb ved midtvejsevalueringen og for ressourceforløb og førtidspension ved slutevalueringen" in text
    assert "Vurderingen uden korrektion har skiftet for førtidspension." in text
    # the file and its checksum are for the appendix on the report's provenance, not for the reader here
    assert "står i bilaget om rapportens oprindelse" in text and "resultater.json" not in text
    table = sammenfatning.table_comparison(now, earlier, config)
    assert table.columns[1].startswith("Midtvejsevaluering") and table.columns[3].startswith("Slutevaluering")
    assert [row[0] for row in table.rows] == ["Beskæftigelse", "Ressourceforløb", "Førtidspension"]
    assert table.rows[1][2] == "< 0,001 (< 0,001)" and table.rows[0][2] == "0,85 (1,00)"
    payload = sammenfatning.to_json(now, config, earlier)["sammenligning"]
    assert payload["fase"] == "midtvejs" and payload["kilde"]["sha256"] == "ab" * 32
    assert payload["udfald"]["foertidspension"]["p"] == earlier.resultater["udfald"]["foertidspension"]["p"]
    assert "<svg" in sammenfatning.figure_comparison(now, earlier, config).data


def test_tick_labels_break_between_words_or_after_a_slash():
    assert sammenfatning._wrap("Fleksjob/fleksjobberettiget") == "Fleksjob/\nfleksjobberettiget"
    assert sammenfatning._wrap("Beskæftigelse") == "Beskæftigelse"


def _with_duration_money_and_staff(results, weeks, net, trial_sick, other_sick):
    tilg = {"varighed": True, "personale": True}
    return {
        **results,
        "tilgaengelighed": {**results.get("tilgaengelighed", {}), **tilg},
        "varighed": {"uger_paa_kontanthjaelp": {"forskel": weeks, "ci_nedre": weeks - 3.0, "ci_oevre": weeks + 3.0,
                                                "p": 0.001 if abs(weeks) > 3 else 0.4}},
        "oekonomi": {"netto_kr": net, "netto_ci_nedre": net - 5e6, "netto_ci_oevre": net + 5e6,
                     "antagelser": {"investering_kr": 19.3e6}},
        "sygefravaer": [{"periode": {"start": "2019-01", "slut": "2019-12"}, "forsoegsafdeling": trial, "total": total}
                        for trial, total in ((True, trial_sick), (False, other_sick), (False, other_sick + 2))],
        "medarbejderomsaetning": [{"periode": {"start": "2019-01", "slut": "2019-12"}, "forsoegsafdeling": trial,
                                   "ekstern_pct": pct} for trial, pct in ((True, 2.0), (False, 8.0))],
    }


def test_the_resume_opens_with_conclusions_computed_from_the_results(config):
    """Issue 17, point 1: the headline conclusions say what the numbers say, and turn with them."""
    results = _with_duration_money_and_staff(
        _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), foertidspension=(33, 30)),
        weeks=-7.6, net=-14.6e6, trial_sick=10.6, other_sick=9.2)
    lines = sammenfatning.headlines(results, config)
    # the analysis plan's primary outcome first, with the plan's verdict
    primary = lines.pop(0)
    assert primary == ("Det primære udfald, beskæftigelse, var 11,1 pct. i forsøgsafdelingen mod 10,9 pct. i "
                       "kontrolgruppen; forskellen på +0,2 procentpoint er ikke statistisk signifikant efter Holm-korrektion.")
    assert lines[0] == ("Kun én af de tre sammenlignede destinationer viser en forskel, der er statistisk signifikant "
                        "efter Holm-korrektion for de mange sammenligninger (signifikansniveau 5 pct.): ressourceforløb "
                        "(15,6 pct. i forsøgsafdelingen mod 5,6 pct. i kontrolgruppen).")
    assert "havde i gennemsnit 7,6 uger færre på kontanthjælp end borgerne i kontrolgruppen" in lines[1] and "er statistisk signifikant" in lines[1]
    assert lines[2].startswith("Regnet i kroner kostede forsøget kommunen mere, end det sparede") and "−14,6 mio. kr." in lines[2]
    assert lines[3] == ("I januar–december 2019 havde forsøgsafdelingen 10,6 sygedage pr. fuldtidsansat mod 10,2 i "
                        "gennemsnit i de øvrige afdelinger, og en ekstern medarbejderomsætning på 2,0 pct. mod 8,0 pct.")
    assert sammenfatning.resume(results, config).startswith("Hovedkonklusioner\n\n- Det primære udfald, beskæftigelse,")
    assert sammenfatning.resume_markdown(results, config).startswith("**Hovedkonklusioner**\n\n- Det primære udfald")
    # the analysts' qualitative main findings close the conclusions, as written
    with_findings = sammenfatning.headlines(results, config, ["Borgerne oplevede et tættere samarbejde."])
    assert with_findings[:-1] == [primary, *lines] and with_findings[-1] == "Kvalitativt: Borgerne oplevede et tættere samarbejde."

    turned = _with_duration_money_and_staff(_results(config, beskaeftigelse=(100, 98), ressourceforloeb=(52, 50)),
                                            weeks=2.0, net=1.5e6, trial_sick=8.0, other_sick=9.0)
    lines = sammenfatning.headlines(turned, config)[1:]
    assert lines[0] == ("Ingen af de to sammenlignede destinationer viser en forskel, der er statistisk signifikant efter "
                        "Holm-korrektion for de mange sammenligninger (signifikansniveau 5 pct.).")
    assert "2,0 uger flere på kontanthjælp end" in lines[1] and "er ikke statistisk signifikant" in lines[1]
    # a positive point estimate whose interval spans zero decides nothing (issue 19, point 4)
    assert lines[2].startswith("Regnet i kroner kan det ikke afgøres, om forsøget sparede kommunen mere, end det kostede")
    assert "intervallet rummer både et overskud og et underskud" in lines[2]
    surplus = _with_duration_money_and_staff(_results(config, beskaeftigelse=(100, 98)), weeks=2.0, net=6e6,
                                             trial_sick=8.0, other_sick=9.0)
    surplus["oekonomi"].update(sandsynlighed_netto_positiv=0.9913)
    surplus["oekonomi"]["antagelser"]["bootstrap_antal"] = 10_000
    money = sammenfatning.headlines(surplus, config)[-2]
    assert money.startswith("Regnet i kroner sparede forsøget kommunen mere, end det kostede")
    assert money.endswith("og i 99 pct. af de 10.000 bootstrapgentagelser var nettoresultatet positivt.")


def test_the_assessment_and_the_comparison_read_right_for_one_and_for_none(config):
    """Issue 17, point 6: singular and 'ingen' where the numbers call for them, no numeral first."""
    one = _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50))
    text = sammenfatning.assessment(one, config)
    assert text.startswith("Kun én af de to sammenligninger viser en statistisk signifikant forskel uden korrektion.")
    assert "For det sidste udfald er forskellen ikke større" in text
    assert "Den signifikante forskel holder også efter Holm-korrektion" in text and "Alle de signifikante" not in text
    none_now = _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(52, 50))
    earlier = _comparison(config, beskaeftigelse=(60, 58), ressourceforloeb=(80, 40))
    comparison = sammenfatning.comparison_text(none_now, earlier, config)
    assert ("Uden korrektion var forskellen statistisk signifikant for ressourceforløb ved midtvejsevalueringen, men "
            "ingen forskel var det ved slutevalueringen.") in comparison
    assert "for ingen" not in comparison
    neither = sammenfatning.comparison_text(none_now, _comparison(config, beskaeftigelse=(60, 58), ressourceforloeb=(41, 40)), config)
    assert "Efter Holm-korrektion var ingen forskel statistisk signifikant ved nogen af de to evalueringer." in neither


def test_the_phase_comparisons_p_columns_say_what_their_two_numbers_are(config):
    """Issue 17, point 5: a cell '0,24 (1,00)' sits under 'p (efter Holm)', not under 'p (Holm)'."""
    now = _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50))
    table = sammenfatning.table_comparison(now, _comparison(config, beskaeftigelse=(60, 58), ressourceforloeb=(80, 40)), config)
    assert table.columns[2] == table.columns[4] == "p (efter Holm)"
    assert re.fullmatch(r"0,\d\d \(0,\d\d\)", table.rows[0][4])  # the p-value, then Holm's in parentheses


def test_headings_state_the_finding_and_turn_with_the_numbers(config):
    """Issue 17, point 1: a section's heading says what its numbers show, by the report's verdict rule."""
    from evalkit.maaleparametre import konklusioner

    results = _with_duration_money_and_staff(
        _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50), foertidspension=(33, 15)),
        weeks=-7.6, net=-14.6e6, trial_sick=10.6, other_sick=9.2)
    found = konklusioner.headings(results, config)
    assert found["afgange-ydelser"] == "Flere i forsøgsafdelingen gik til ressourceforløb og førtidspension"
    assert found["afgange-job"] == "Afgang til job og uddannelse: ingen statistisk signifikant forskel"
    assert found["uger"] == "Færre uger på kontanthjælp i forsøgsafdelingen"
    assert found["oekonomi"] == "Forsøget kostede kommunen mere, end det sparede på overførsler"
    assert found["personale"] == ("Forsøgsafdelingen havde i januar–december 2019 mere sygefravær og lavere "
                                  "medarbejderomsætning end gennemsnittet")
    assert konklusioner.heading_metadata(results, config)["overskrift-uger"] == found["uger"]

    turned = _with_duration_money_and_staff(
        _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(50, 140), foertidspension=(33, 30)),
        weeks=2.0, net=1.5e6, trial_sick=8.0, other_sick=9.0)
    found = konklusioner.headings(turned, config)
    assert found["afgange-ydelser"] == "Færre i forsøgsafdelingen gik til ressourceforløb"
    assert found["uger"] == "Tid på kontanthjælp: ingen statistisk signifikant forskel"
    assert found["oekonomi"] == "Forsøgets økonomi: usikkert, om besparelsen dækker merudgiften"
    # significant without correction only: the heading says it does not hold after Holm
    smaajob = _results(config, beskaeftigelse=(100, 98), smaajob=(47, 28), ressourceforloeb=(140, 50))
    assert konklusioner.headings(smaajob, config)["afgange-job"] == (
        "Afgang til job og uddannelse: forskellen er ikke statistisk signifikant efter Holm-korrektion")


def test_the_first_exit_heading_states_the_finding_per_destination(config):
    """Issue 19: the first exit's heading reads "faster" per destination group (cause-specific hazard ratios)."""
    from evalkit.maaleparametre import konklusioner

    def results(job: tuple[float, float], ydelser: tuple[float, float], hidden: str | None = None):
        entries = {"job_uddannelse": {"hr": job[0], "hr_p": job[1]}, "ydelser": {"hr": ydelser[0], "hr_p": ydelser[1]},
                   "andet": {"hr": 1.0, "hr_p": 0.9}}
        if hidden:
            entries[hidden] = {**entries[hidden], "hr": None, "diskretion": {"hr": "sekundaer"}}
        return {"tilgaengelighed": {"varighed": True}, "varighed": {
            "foerste_afgang": {"hr": 1.4, "logrank_p": 0.0001}, "konkurrerende": {"tau_uger": 52.0, **entries}}}

    heading = konklusioner.headings(results((1.04, 0.73), (2.54, 1e-9)), config)["foerste-afgang"]
    assert heading == ("Hurtigere afgang til ressourceforløb, fleksjob og førtidspension i forsøgsafdelingen, ikke til "
                       "job og uddannelse")
    assert konklusioner.headings(results((0.6, 0.01), (1.1, 0.5)), config)["foerste-afgang"] == (
        "Langsommere afgang til job og uddannelse i forsøgsafdelingen, ikke til ressourceforløb, fleksjob og førtidspension")
    assert konklusioner.headings(results((1.8, 0.001), (2.0, 0.001)), config)["foerste-afgang"] == (
        "Hurtigere afgang til job og uddannelse og til ressourceforløb, fleksjob og førtidspension i forsøgsafdelingen")
    assert konklusioner.headings(results((1.1, 0.4), (1.2, 0.3)), config)["foerste-afgang"] == (
        "Tid til første afgang: ingen statistisk signifikant forskel")
    assert konklusioner.headings(results((1.1, 0.4), (2.0, 0.001), hidden="ydelser"), config)["foerste-afgang"] == (
        "Tid til første afgang: ingen statistisk signifikant forskel for de destinationer, der kan vises")
    # results without the split: the all-cause comparison, as before
    old = {"tilgaengelighed": {"varighed": True}, "varighed": {"foerste_afgang": {"hr": 1.4, "logrank_p": 0.0001}}}
    assert konklusioner.headings(old, config)["foerste-afgang"] == "Hurtigere første afgang fra kontanthjælp i forsøgsafdelingen"


def test_the_overall_assessment_covers_every_measure(config):
    """Issue 17, point 1: "Samlet vurdering" ties the exits to time, money, staff and the qualitative findings."""
    results = _with_duration_money_and_staff(_results(config, beskaeftigelse=(100, 98), ressourceforloeb=(140, 50)),
                                             weeks=-7.6, net=-14.6e6, trial_sick=10.6, other_sick=9.2)
    text = sammenfatning.overall_assessment(results, config, ["Sagerne var bedre oplyst."])
    assert text.startswith(sammenfatning.assessment(results, config))
    for start in ("- Tid på kontanthjælp: 7,6 uger færre pr. borger i forsøgsafdelingen", "- Økonomi: nettoresultatet",
                  "- Personale (januar–december 2019): 10,6 sygedage", "- Kvalitativt: Sagerne var bedre oplyst."):
        assert start in text


def test_conclusions_with_hidden_outcomes_say_they_cover_only_what_may_be_shown(config):
    """With an outcome hidden by disclosure control, neither the headline nor the heading concludes about it."""
    from evalkit.maaleparametre import konklusioner

    results = _results(config, beskaeftigelse=(100, 98), ressourceforloeb=(52, 50), fleksjob=(3, 10))
    assert sammenfatning.headlines(results, config)[0].startswith(
        "Det primære udfald, beskæftigelse,")
    assert sammenfatning.headlines(results, config)[1].startswith(
        "Ingen af de to destinationer, hvis sammenligning kan offentliggøres, viser en forskel")
    assert konklusioner.headings(results, config)["afgange-ydelser"] == (
        "Afgang til ressourceforløb, fleksjob og førtidspension: ingen statistisk signifikant forskel for de udfald, "
        "der kan vises")
    assert "Grupperne er sammenlignet på tre destinationer for den første afgang fra kontanthjælp, og for én af dem vises sammenligningen ikke" in (
        sammenfatning.resume(results, config))


def _competing(job_p: float, ydelser_p: float, hidden: bool = False) -> dict:
    def group(hr: float, p: float) -> dict:
        return {"hr": hr, "hr_ci_nedre": hr * 0.8, "hr_ci_oevre": hr * 1.25, "hr_p": p}

    ydelser = group(2.5, ydelser_p)
    if hidden:
        ydelser["diskretion"] = {"hr": "sekundaer"}
    return {"job_uddannelse": group(1.04, job_p), "ydelser": ydelser, "andet": group(0.99, 0.9)}


def test_the_first_exit_is_read_by_destination_not_as_faster_in_general(config):
    """Issue 19, point 1: fewer weeks on kontanthjælp with faster exits to other benefits only is not read as
    citizens getting on faster; the sentence names each destination group's hazard ratio and verdict."""
    results = _with_duration_money_and_staff(_results(config, beskaeftigelse=(100, 98)), weeks=-7.6, net=-14.6e6,
                                             trial_sick=10.6, other_sick=9.2)
    results["varighed"]["konkurrerende"] = _competing(job_p=0.73, ydelser_p=1e-9)
    text = sammenfatning.first_exit_sentence(results, config)
    assert text.startswith("Borgerne i forsøgsafdelingen fik hurtigere en første afgang til ressourceforløb, fleksjob og "
                           "førtidspension (hazard ratio 2,50; 95 pct.-konfidensinterval 2,00 til 3,13), mens forskellen "
                           "for afgang til job og uddannelse ikke er statistisk signifikant (hazard ratio 1,04;")
    assert text.endswith("Den kortere tid på kontanthjælp følger altså med afgang til ressourceforløb, fleksjob og "
                         "førtidspension, ikke med afgang til job og uddannelse.")
    assert "andre destinationer" not in text  # the residual group is not read
    assert text in sammenfatning.headlines(results, config) and text in sammenfatning.overall(results, config)

    results["varighed"]["konkurrerende"] = _competing(job_p=0.73, ydelser_p=0.2)
    assert sammenfatning.first_exit_sentence(results, config).startswith(
        "Hvor hurtigt den første afgang fra kontanthjælp kom, er ikke statistisk signifikant forskelligt i de to grupper, "
        "hverken for afgang til job og uddannelse")
    results["varighed"]["konkurrerende"] = _competing(job_p=0.73, ydelser_p=1e-9, hidden=True)
    hidden = sammenfatning.first_exit_sentence(results, config)
    assert "ressourceforløb" not in hidden and "job og uddannelse" in hidden
