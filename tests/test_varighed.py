"""Weeks on kontanthjælp, time to first exit and transfer costs (evalkit.maaleparametre.varighed,
evalkit.statistik.overlevelse, evalkit.maaleparametre.oekonomi) on small hand-made panels whose answers are worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, labelled_outputs, panel, run_notebook
from scipy.stats import ttest_ind

from evalkit.config import Periode, load_config
from evalkit.errors import ConfigError
from evalkit.maaleparametre import oekonomi, varighed
from evalkit.praesentation import formatting
from evalkit.statistik import overlevelse
from evalkit.statistik.regression import welch

KH, JOB, RES, SYG = "kontanthjaelp", "beskaeftigelse", "ressourceforloeb", "sygedagpenge"
# Mondays 2018-01-01, -08, -15, -22, -29: five weeks, tau = 4 weeks from the first to the last Monday
FIVE_WEEKS = Periode(dt.date(2018, 1, 1), dt.date(2018, 2, 2))


def fase_with(config, periode: Periode):
    return dataclasses.replace(config.fase("midtvejs"), maaleperiode=periode)


def citizens(groups: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"borger_id": list(groups), "gruppe": list(groups.values())})


# ------------------------------------------------------------------------------------------- weeks


def test_weeks_on_kontanthjaelp_count_every_spell_inside_the_period():
    ydelser = panel({"A": [KH, KH, JOB, JOB, KH, KH, KH, KH], "B": [JOB] * 8})
    weeks = varighed.status_weeks(citizens({"A": "forsoeg", "B": "kontrol"}), ydelser, FIVE_WEEKS)
    assert weeks.loc["A", KH] == 3 and weeks.loc["A", JOB] == 2  # two spells, weeks 6-8 lie after the period
    assert weeks.loc["B", KH] == 0 and weeks.loc["B", JOB] == 5
    assert list(weeks.sum(axis=1)) == [5, 5] and list(weeks.index) == ["A", "B"]


def test_a_citizen_without_rows_in_the_period_has_no_weeks():
    ydelser = panel({"A": [KH] * 3})
    weeks = varighed.status_weeks(citizens({"A": "forsoeg", "Z": "kontrol"}), ydelser, FIVE_WEEKS)
    assert weeks.loc["A", KH] == 3 and weeks.loc["Z"].sum() == 0


def test_welch_agrees_with_scipy():
    x, y = [1.0, 2, 3, 4], [2.0, 3, 5, 9, 7]
    result = welch(pd.Series(x), pd.Series(y))
    reference = ttest_ind(x, y, equal_var=False)
    low, high = reference.confidence_interval()
    assert result["forskel"] == pytest.approx(-2.7)
    assert (result["p"], result["ci_nedre"], result["ci_oevre"]) == pytest.approx((reference.pvalue, low, high))
    assert welch(pd.Series([1.0, 1.0]), pd.Series([1.0, 1.0]))["p"] is None


# --------------------------------------------------------------------------- time to first exit


def test_exit_times_event_and_both_kinds_of_censoring():
    ydelser = panel(
        {
            "A": [KH, JOB, JOB, JOB, JOB],  # exit in week 1
            "B": [KH, KH, SYG, KH, KH],  # exit in week 2, back on kontanthjælp later: still the first exit
            "C": [KH, KH, KH, KH],  # rows end in week 3: censored at 3
            "D": [KH] * 9,  # on kontanthjælp beyond the period: censored at its last Monday, week 4
            "E": [JOB, KH, JOB, JOB, JOB],  # not on kontanthjælp in the start week: left out
        }
    )
    times = varighed.exit_times(
        citizens({"A": "forsoeg", "B": "forsoeg", "C": "kontrol", "D": "kontrol", "E": "kontrol"}), ydelser, FIVE_WEEKS, 8
    )
    assert times.loc[["A", "B", "C", "D"], "uger"].tolist() == [1, 2, 3, 4]
    assert times.loc[["A", "B", "C", "D"], "afgang"].tolist() == [1, 1, 0, 0]
    assert times["med"].tolist() == [True, True, True, True, False]


def test_an_exit_after_the_period_is_censored_at_the_period_end():
    ydelser = panel({"A": [KH] * 6 + [JOB] * 3})  # exit in week 6, after the last Monday (week 4)
    times = varighed.exit_times(citizens({"A": "forsoeg"}), ydelser, FIVE_WEEKS, 8)
    assert (times.loc["A", "uger"], times.loc["A", "afgang"]) == (4, 0)


def test_kaplan_meier_rmst_by_hand():
    # exits at 1 and 2, censored at 3 and 4; tau = 4.
    # S = 1 on [0, 1), 3/4 on [1, 2), 1/2 on [2, 4]: RMST = 1 + 0.75 + 2 · 0.5 = 2.75.
    # Greenwood/delta variance: A(1) = 1.75, A(2) = 1; 1.75² · 1/(4·3) + 1² · 1/(3·2) = 0.421875.
    km = overlevelse.kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0])
    area, variance = overlevelse.rmst(km, 4)
    assert area == pytest.approx(2.75) and variance == pytest.approx(1.75**2 / 12 + 1 / 6)
    assert overlevelse.survival_at(km, 0.5) == 1 and overlevelse.survival_at(km, 2) == pytest.approx(0.5)
    assert overlevelse.median(km) is None  # S never falls below one half: not reached


def test_median_is_the_first_time_below_one_half():
    km = overlevelse.kaplan_meier([1, 2, 3, 4], [1, 1, 1, 0])  # S = 3/4, 1/2, 1/4
    assert overlevelse.median(km) == 3
    assert overlevelse.rmst(km, 4)[0] == pytest.approx(1 + 0.75 + 0.5 + 0.25)
    assert overlevelse.rmst(km, 2.5)[0] == pytest.approx(1 + 0.75 + 0.5 * 0.5)  # restricted earlier


def test_bands_hold_the_curve_and_stay_in_the_unit_interval():
    km = overlevelse.kaplan_meier(np.arange(1, 21), np.r_[np.ones(15), np.zeros(5)])
    lower, upper = overlevelse.band(km)
    assert np.all(lower <= km.surv_prob + 1e-12) and np.all(km.surv_prob <= upper + 1e-12)
    assert np.all((lower >= 0) & (upper <= 1))


def test_logrank_and_hazard_ratio_point_the_right_way():
    fast, slow = np.arange(1, 21), np.arange(11, 31)
    time = np.r_[fast, slow]
    event = np.ones(40, dtype=int)
    treated = np.r_[np.ones(20), np.zeros(20)]
    assert overlevelse.logrank_p(time, event, treated) < 0.01
    fit = overlevelse.cox(time, event, treated)
    assert fit["hr"] > 1 and fit["ci_nedre"] < fit["hr"] < fit["ci_oevre"] and fit["p"] < 0.01
    same = overlevelse.cox(np.r_[fast, fast], event, treated)
    assert same["hr"] == pytest.approx(1.0) and same["p"] == pytest.approx(1.0)
    assert overlevelse.logrank_p(np.r_[fast, fast], event, treated) == pytest.approx(1.0)
    assert overlevelse.cox(time, np.zeros(40), treated)["hr"] is None  # no events: undefined


def test_compute_on_a_hand_made_panel(config):
    ydelser = panel(
        {
            "F1": [KH, JOB, JOB, JOB, JOB],
            "F2": [KH, KH, RES, RES, RES],
            "K1": [KH, KH, KH, KH],
            "K2": [KH] * 9,
        }
    )
    borgere = citizens({"F1": "forsoeg", "F2": "forsoeg", "K1": "kontrol", "K2": "kontrol"})
    v = varighed.compute({"borgere": borgere, "ydelser": ydelser}, config, fase_with(config, FIVE_WEEKS))
    assert v.tilgaengelig and v.mandage == 5
    assert v.uger.gennemsnit == {"forsoeg": 1.5, "kontrol": 4.5}  # (1 + 2) / 2 and (4 + 5) / 2
    a = v.afgang
    assert a.tau == 4 and a.rmst == {"forsoeg": pytest.approx(1.5), "kontrol": pytest.approx(4.0)}
    assert a.median == {"forsoeg": 2, "kontrol": None}  # forsøg: S = 1/2 at 1, 0 at 2
    assert a.andel_afgang_aar == {"forsoeg": None, "kontrol": None}  # the period is shorter than a year
    assert a.hr_justeret is None  # the citizens table has no baseline columns
    payload = varighed.to_json(v, config)
    json.dumps(payload, allow_nan=False)
    assert payload["varighed"]["foerste_afgang"]["forsoeg"]["median_uger"] == 2
    assert payload["varighed"]["foerste_afgang"]["rmst_forskel"] == pytest.approx(-2.5)
    assert payload["varighed"]["uger_paa_kontanthjaelp"]["forskel"] == pytest.approx(-3.0)


def test_a_group_without_anyone_on_kontanthjaelp_at_the_start_is_not_available(config):
    ydelser = panel({"F1": [JOB] * 5, "K1": [KH] * 5})
    borgere = citizens({"F1": "forsoeg", "K1": "kontrol"})
    v = varighed.compute({"borgere": borgere, "ydelser": ydelser}, config, fase_with(config, FIVE_WEEKS))
    assert not v.tilgaengelig and "forsøgsafdelingen" in v.begrundelse
    json.dumps(varighed.to_json(v, config), allow_nan=False)


def test_few_citizens_left_out_are_not_published(config):
    statuses = {f"F{i}": [KH, KH, JOB, JOB, JOB] for i in range(5)}
    statuses |= {"F5": [JOB] * 5, "F6": [JOB] * 5}  # two of seven not on kontanthjælp in the start week
    statuses |= {f"K{i}": [KH] * 5 for i in range(7)}
    borgere = citizens({c: "forsoeg" if c[0] == "F" else "kontrol" for c in statuses})
    v = varighed.compute({"borgere": borgere, "ydelser": panel(statuses)}, config, fase_with(config, FIVE_WEEKS))
    assert v.afgang.udeladt == {"forsoeg": 2, "kontrol": 0} and v.afgang.n == {"forsoeg": 5, "kontrol": 7}
    rows = {row[0]: row[1:3] for row in varighed.table(v, config).rows}
    assert rows["Borgere"] == ["7", "7"]
    assert rows["På kontanthjælp i første uge"] == ["..", "7"]  # 7 − 5 would reveal the two left out
    assert "færre end 5 i forsøgsafdelingen" in varighed.summary_exit(v, config)
    assert " 2 i forsøgsafdelingen" not in varighed.summary_exit(v, config)


# ---------------------------------------------------------------------------------------- costs


def test_costs_per_group_are_the_weekly_prices_times_the_weeks(config):
    ydelser = panel({"F1": [KH, KH, RES, RES, RES], "F2": [KH, JOB, JOB, JOB, JOB], "K1": [KH] * 5, "K2": [KH, KH, SYG, KH, KH]})
    borgere = citizens({"F1": "forsoeg", "F2": "forsoeg", "K1": "kontrol", "K2": "kontrol"})
    v = varighed.compute({"borgere": borgere, "ydelser": ydelser}, config, fase_with(config, FIVE_WEEKS))
    kh = 11000 * 12 / 52  # forsoeg.yml: kontanthjælp 11.000 kr. a month
    transfer = 115000 / 52  # ressourceforløb and sygedagpenge: 115.000 kr. a year
    assert config.oekonomi.kr_pr_uge[KH] == pytest.approx(kh) and config.oekonomi.kr_pr_uge[JOB] == 0
    c = v.oekonomi.central
    f = ((2 * kh + 3 * transfer) + kh) / 2
    k = (5 * kh + (4 * kh + transfer)) / 2
    assert c.gennemsnit == {"forsoeg": pytest.approx(f), "kontrol": pytest.approx(k)}
    assert c.forskel == pytest.approx(f - k) and c.total_forsoeg == pytest.approx(2 * (f - k))
    investment = 9_500_000 * 33 / 365 + 300_000  # salary for the 33 days of 2018 in the period, plus the evaluation
    assert c.investering == pytest.approx(investment)
    assert c.netto() == pytest.approx(-2 * (f - k) - investment)
    assert c.break_even_uger == pytest.approx(investment / (2 * kh))
    free = next(s for s in v.oekonomi.scenarier if s.noegle == "oevrige_0")
    assert free.gennemsnit["forsoeg"] == pytest.approx((2 * kh + kh) / 2)  # ressourceforløb priced at 0
    payload = varighed.to_json(v, config)["oekonomi"]
    assert payload["overfoersler_pr_borger"]["forskel"] == pytest.approx(f - k)
    assert payload["antagelser"]["kr_pr_uge"][KH] == pytest.approx(kh)
    assert payload["break_even_uger_pr_borger"] == pytest.approx(investment / (2 * kh))


def test_investment_is_prorated_over_the_configured_years(config):
    o = config.oekonomi
    assert o.investering_i(config.fase("midtvejs").maaleperiode) == pytest.approx(9_500_000)
    assert o.investering_i(config.fase("slut").maaleperiode) == pytest.approx(19_000_000)
    half = Periode(dt.date(2019, 7, 1), dt.date(2020, 6, 30))  # 184 days of 2019, none of it outside the years
    assert o.investering_i(half) == pytest.approx(9_500_000 * 184 / 365)


def test_bootstrap_is_deterministic_and_resamples_within_groups():
    rng = np.random.default_rng(1)
    weeks = {"forsoeg": rng.integers(0, 10, (30, 9)).astype(float), "kontrol": rng.integers(0, 10, (25, 9)).astype(float)}
    first = oekonomi.bootstrap_means(weeks, 200, 7)
    again = oekonomi.bootstrap_means(weeks, 200, 7)
    other = oekonomi.bootstrap_means(weeks, 200, 8)
    assert all(np.array_equal(first[g], again[g]) for g in weeks)
    assert not np.array_equal(first["forsoeg"], other["forsoeg"])
    assert first["forsoeg"].shape == (200, 9)
    # every resample's mean lies within the group's range and averages close to the group's mean
    assert np.allclose(first["kontrol"].mean(axis=0), weeks["kontrol"].mean(axis=0), atol=0.5)
    constant = {"forsoeg": np.full((5, 9), 3.0), "kontrol": np.full((4, 9), 1.0)}
    assert np.allclose(oekonomi.bootstrap_means(constant, 50, 1)["forsoeg"], 3.0)


def test_the_cost_interval_is_the_same_on_every_run(config):
    ydelser = panel({f"F{i}": [KH] * (5 - i % 3) + [JOB] * (i % 3) for i in range(8)} | {f"K{i}": [KH] * 5 for i in range(6)})
    borgere = citizens({f"F{i}": "forsoeg" for i in range(8)} | {f"K{i}": "kontrol" for i in range(6)})
    data = {"borgere": borgere, "ydelser": ydelser}
    first = varighed.compute(data, config, fase_with(config, FIVE_WEEKS)).oekonomi.central
    second = varighed.compute(data, config, fase_with(config, FIVE_WEEKS)).oekonomi.central
    assert first.ci == second.ci and first.ci[0] <= first.forskel <= first.ci[1]
    assert first.netto_ci[0] <= first.netto() <= first.netto_ci[1]


# --------------------------------------------------------------------------------------- config


def _write(tmp_path, change):
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    change(data["oekonomi"])
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_amount_in_the_configuration_names_its_source(config):
    o = config.oekonomi
    assert set(o.ydelser) == set(varighed.YDELSER)
    assert all(a.kilde and a.forklaring for a in o.ydelser.values())
    assert not o.ydelser[KH].antagelse and o.ydelser["smaajob"].antagelse
    assert o.investering_aar == (2018, 2019) and o.investering_pr_aar == 9_500_000 and o.evaluering_kr == 300_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o: o["ydelser"].pop("andet"), "'oekonomi.ydelser' skal have et beløb for præcis hver ydelseskode"),
        (lambda o: o["ydelser"][KH].update(pr="kvartal"), "'oekonomi.ydelser.kontanthjaelp.pr' skal være uge, maaned eller aar"),
        (lambda o: o["ydelser"][KH].update(beloeb=-5), "'oekonomi.ydelser.kontanthjaelp.beloeb' skal være et beløb"),
        (lambda o: o["ydelser"][KH].update(beloeb="mange"), "'oekonomi.ydelser.kontanthjaelp.beloeb' skal være et beløb"),
        (lambda o: o["ydelser"][KH].update(kilde=""), "'oekonomi.ydelser.kontanthjaelp.kilde' skal være en tekst"),
        (lambda o: o["ydelser"][KH].pop("forklaring"), "mangler nøglen 'oekonomi.ydelser.kontanthjaelp.forklaring'"),
        (lambda o: o["investering"].update(aar="2018"), "'oekonomi.investering.aar' skal være en liste af årstal"),
        (lambda o: o["foelsomhed"].update(skaleres=["pension"]), "'oekonomi.foelsomhed.skaleres' skal være en liste af ydelseskoder"),
        (lambda o: o["foelsomhed"].update(faktorer=[1, -1]), "'oekonomi.foelsomhed.faktorer' skal være en liste af tal"),
        (lambda o: o.update(bootstrap_antal=10), "'oekonomi.bootstrap_antal' skal være et helt tal på mindst 100"),
        (lambda o: o.pop("bootstrap_seed"), "mangler nøglen 'oekonomi.bootstrap_seed'"),
    ],
)
def test_bad_economics_configuration_is_refused_in_danish(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(_write(tmp_path, change))


# ------------------------------------------------------------------------------------- notebook


def test_notebook_writes_both_sections_and_its_text_uses_them(tmp_path):
    fragment, nb = run_notebook("varighed", tmp_path, "midtvejs")
    assert fragment["tilgaengelighed"] == {"varighed": True}
    weeks = fragment["varighed"]["uger_paa_kontanthjaelp"]
    first = fragment["varighed"]["foerste_afgang"]
    for key in ("forskel", "ci_nedre", "ci_oevre", "p"):
        assert isinstance(weeks[key], float)
    for key in ("logrank_p", "hr", "hr_ci_nedre", "hr_ci_oevre", "hr_justeret", "rmst_forskel"):
        assert isinstance(first[key], float), key
    assert {"median_uger", "rmst"} <= set(first["forsoeg"]) and weeks["forsoeg"]["n"] == 917
    costs = fragment["oekonomi"]
    assert set(costs) >= {"antagelser", "overfoersler_pr_borger", "netto_kr", "break_even_uger_pr_borger"}
    assert costs["overfoersler_pr_borger"]["ci_nedre"] < costs["overfoersler_pr_borger"]["forskel"] < costs["overfoersler_pr_borger"]["ci_oevre"]
    outputs = labelled_outputs(nb)
    assert set(outputs) == {
        "txt-varighed-uger", "tbl-varighed", "txt-varighed-afgang", "fig-varighed",
        "txt-konkurrerende", "tbl-konkurrerende", "fig-konkurrerende",
        "txt-oekonomi", "tbl-oekonomi-antagelser", "tbl-oekonomi", "tbl-oekonomi-foelsomhed", "fig-oekonomi",
    }
    ydelser = fragment["varighed"]["konkurrerende"]["ydelser"]
    assert formatting.number(ydelser["hr"], 2) in outputs["txt-konkurrerende"]
    assert formatting.pct(ydelser["forsoeg"]["kumulativ_incidens"]) in outputs["tbl-konkurrerende"]
    assert outputs["fig-konkurrerende"].startswith("<svg") and isinstance(first["schoenfeld_p"], float)
    assert formatting.number(weeks["forsoeg"]["gennemsnit"], 1) in outputs["txt-varighed-uger"]
    assert formatting.number(first["hr"], 2) in outputs["txt-varighed-afgang"]
    assert formatting.mio_kr(costs["netto_kr"]) in outputs["txt-oekonomi"]
    assert formatting.number(costs["break_even_uger_pr_borger"], 1) in outputs["txt-oekonomi"]
    assert outputs["fig-varighed"].startswith("<svg") and outputs["fig-oekonomi"].startswith("<svg")


def test_each_document_cites_only_sources_that_existed_when_it_was_published(config):
    """Issue 17, point 4: the mid-term document (June 2019) cannot cite the final report (December 2020),
    and the final report does not cite itself by a section of another document."""
    from evalkit.maaleparametre.oekonomi import THIS_DOCUMENT, cited, sources_then

    kilde = config.oekonomi.ydelser["kontanthjaelp"].kilde
    assert kilde.startswith("Slutevalueringen,")
    assert cited(kilde, config, config.fase("midtvejs")) == "Antagelse"
    assert cited(kilde, config, config.fase("slut")) == THIS_DOCUMENT
    assert cited("Business casen, afsnittet Økonomi", config, config.fase("midtvejs")) == "Business casen, afsnittet Økonomi"
    for fase in config.faser.values():
        assert [d.navn for d in sources_then(config, fase)] == ["Business casen", "Indstillingen"]
