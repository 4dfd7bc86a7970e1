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


def test_bootstrap_resamples_citizens_with_replacement_whether_their_rows_are_shared_or_their_own():
    """Rows shared by many citizens are one category of the multinomial, the rest are drawn citizen by
    citizen: the resampled means must still have the bootstrap's mean and variance (variance / n)."""
    rng = np.random.default_rng(3)
    shared = np.repeat([[5.0, 0, 0], [0, 5, 0], [1, 1, 3]], [40, 25, 10], axis=0)  # three rows many share
    own = rng.integers(0, 6, (30, 3)).astype(float)  # rows nearly every citizen has alone
    group = np.vstack([shared, own])
    boot = oekonomi.bootstrap_means({"forsoeg": group, "kontrol": own}, 40_000, 11)
    for g, rows in (("forsoeg", group), ("kontrol", own)):
        assert np.allclose(boot[g].mean(axis=0), rows.mean(axis=0), atol=0.01)
        assert np.allclose(boot[g].var(axis=0), rows.var(axis=0) / len(rows), rtol=0.03)


def test_bootstrap_memory_bound_gives_the_same_resamples_in_smaller_chunks(monkeypatch):
    rng = np.random.default_rng(4)
    weeks = {"forsoeg": rng.integers(0, 3, (60, 9)).astype(float), "kontrol": rng.integers(0, 3, (50, 9)).astype(float)}
    whole = oekonomi.bootstrap_means(weeks, 250, 5)
    monkeypatch.setattr(oekonomi, "BOOTSTRAP_CELLS", 1)  # one resample a chunk
    small = oekonomi.bootstrap_means(weeks, 250, 5)
    assert all(small[g].shape == (250, 9) for g in weeks)
    assert np.allclose(small["forsoeg"].mean(axis=0), whole["forsoeg"].mean(axis=0), atol=0.1)


def _weeks_frame(groups: dict[str, list[dict[str, int]]]) -> tuple[pd.DataFrame, pd.Series]:
    """Weeks per status (one row per citizen) and each citizen's group, as `oekonomi.compute` takes them."""
    rows = [(g, {s: weeks.get(s, 0) for s in varighed.YDELSER}) for g, citizens in groups.items() for weeks in citizens]
    frame = pd.DataFrame([r for _, r in rows], index=[f"B{i}" for i in range(len(rows))])
    return frame, pd.Series([g for g, _ in rows], index=frame.index)


def _with_investment(config, evaluering: float):
    """The configuration with no salary and `evaluering` as the whole investment."""
    o = dataclasses.replace(config.oekonomi, investering_pr_aar=0.0, evaluering_kr=evaluering)
    return dataclasses.replace(config, oekonomi=o)


@pytest.mark.parametrize(("investment", "share"), [(0.0, 1.0), (10_000_000.0, 0.0)])
def test_share_with_a_positive_net_result_when_every_resample_is_the_same(config, investment, share):
    # every citizen of a group has the same weeks, so every resample is the group itself
    weeks, gruppe = _weeks_frame({"forsoeg": [{JOB: 5}] * 10, "kontrol": [{KH: 5}] * 8})
    changed = _with_investment(config, investment)
    r = oekonomi.compute(weeks, gruppe, changed, fase_with(changed, FIVE_WEEKS))
    kh = config.oekonomi.kr_pr_uge[KH]
    assert r.central.forskel == pytest.approx(-5 * kh) and r.central.ci == pytest.approx((-5 * kh, -5 * kh))
    assert r.central.netto() == pytest.approx(10 * 5 * kh - investment)
    # each scenario: all resamples on the same side of zero as its net result (without the evaluation,
    # which here is the whole investment, the trial cost nothing)
    expected = [1.0 if s.netto() > 0 else 0.0 for s in r.scenarier]
    assert expected[0] == share and expected[-1] == 1.0
    assert [s.andel_netto_positiv for s in r.scenarier] == expected
    payload = oekonomi.to_json(r, changed)
    assert payload["sandsynlighed_netto_positiv"] == share
    assert [e["sandsynlighed_netto_positiv"] for e in payload["foelsomhed"]] == expected


def test_share_with_a_positive_net_result_is_that_of_the_resamples(config):
    """Checked against the same resamples, net result computed directly with numpy, in every scenario."""
    forsoeg = [{KH: 5 - i % 4, JOB: i % 4} for i in range(12)] + [{KH: 2, RES: 3}] * 3
    kontrol = [{KH: 5 - i % 2, SYG: i % 2} for i in range(14)]
    weeks, gruppe = _weeks_frame({"forsoeg": forsoeg, "kontrol": kontrol})
    prices = np.array([config.oekonomi.kr_pr_uge[s] for s in varighed.YDELSER])
    point = weeks[(gruppe == "forsoeg").to_numpy()].to_numpy() @ prices
    point = point.mean() - (weeks[(gruppe == "kontrol").to_numpy()].to_numpy() @ prices).mean()
    changed = _with_investment(config, -point * 15)  # the investment the measured saving just pays: net result 0
    r = oekonomi.compute(weeks, gruppe, changed, fase_with(changed, FIVE_WEEKS))
    assert r.central.netto() == pytest.approx(0, abs=1e-6)
    o = changed.oekonomi
    arrays = {g: weeks[(gruppe == g).to_numpy()].to_numpy(dtype=float) for g in ("forsoeg", "kontrol")}
    boot = oekonomi.bootstrap_means(arrays, o.bootstrap_antal, o.bootstrap_seed)
    for s in r.scenarier:
        vector = np.array([s.kr_pr_uge[c] for c in varighed.YDELSER])
        net = -((boot["forsoeg"] - boot["kontrol"]) @ vector) * 15 - s.investering
        assert s.andel_netto_positiv == np.mean(net > 0), s.noegle
        low, high = np.quantile(net, [changed.alpha / 2, 1 - changed.alpha / 2])
        assert s.netto_ci == pytest.approx((low, high)), s.noegle
    assert 0.3 < r.central.andel_netto_positiv < 0.7  # a net result of zero: about half the resamples above it


# ------------------------------------------------------------------------------------- break-even


def _hand_made(config, uger_kh_andre: float = 0.0, netto_ci: tuple[float, float] = (-2e6, -1e6), share: float = 0.0):
    """A central scenario whose break-even is 5 weeks: investment 1 mio. kr., 100 citizens in forsøg,
    2.000 kr. a week on kontanthjælp. `uger_kh_andre`: forsøg's extra weeks on the other public benefits."""
    prices = {s: 0.0 for s in varighed.YDELSER} | {KH: 2000.0}
    # the difference per citizen at the interval's bounds gives the net interval: netto = -forskel · 100 − 1 mio.
    ci = tuple((-net - 1e6) / 100 for net in reversed(netto_ci))
    central = oekonomi.Scenarie("central", "Centrale antagelser", prices, 1_000_000.0, 100,
                                {"forsoeg": 10_000.0, "kontrol": 10_000.0 + 15_000.0}, ci, share)
    uger = {s: {"forsoeg": 0.0, "kontrol": 0.0} for s in varighed.YDELSER} | {RES: {"forsoeg": uger_kh_andre, "kontrol": 0.0}}
    return oekonomi.Oekonomiresultat(config.fase("slut"), {"forsoeg": 100, "kontrol": 100}, uger, 700_000.0, 300_000.0,
                                     (central,))


def _welch(low: float, high: float) -> dict[str, float]:
    return {"forskel": (low + high) / 2, "ci_nedre": low, "ci_oevre": high, "p": 0.01}


BREAK_EVEN_CASES = [
    (-8.0, -4.0, oekonomi.INSIDE, "Break-even på 5,0 uger ligger inden for intervallet, så data kan ikke afgøre"),
    (-9.0, -6.0, oekonomi.BEYOND, "Selv intervallets mindste forkortelse, 6,0 uger, er større end break-even på 5,0 uger"),
    (-4.5, -1.0, oekonomi.SHORT, "Selv intervallets største forkortelse, 4,5 uger, er mindre end break-even på 5,0 uger"),
    (1.0, 3.0, oekonomi.SHORT, "Intervallet rummer ingen forkortelse, så break-even på 5,0 uger blev ikke nået"),
]


@pytest.mark.parametrize(("low", "high", "position", "words"), BREAK_EVEN_CASES)
def test_break_even_is_held_against_the_interval_not_the_point(config, low, high, position, words):
    r = _hand_made(config)
    assert r.central.break_even_uger == pytest.approx(5.0)
    welch_ = _welch(low, high)
    assert oekonomi.break_even_position(r.central.break_even_uger, welch_) == position
    text = oekonomi.summary(r, config, welch_)
    assert words in text
    assert not any(other in text for *_, other in BREAK_EVEN_CASES if other != words)
    assert "som næste afsnit viser" not in text  # forsøg had no extra weeks on the other benefits
    assert oekonomi.to_json(r, config, welch_)["break_even_i_interval"] is (position == oekonomi.INSIDE)


def test_break_even_at_the_bound_is_inside_and_without_an_interval_nothing_is_claimed(config):
    r = _hand_made(config)
    assert oekonomi.break_even_position(5.0, _welch(-7.0, -5.0)) == oekonomi.INSIDE
    assert oekonomi.break_even_position(5.0, {"forskel": -6.0, "ci_nedre": None, "ci_oevre": None}) is None
    assert oekonomi.break_even_position(None, _welch(-7.0, -5.0)) is None
    text = oekonomi.summary(r, config, {"forskel": -6.0, "ci_nedre": None, "ci_oevre": None, "p": None})
    assert "Målt var det 6,0 uger færre pr. borger." in text and "intervallet" not in text.split("(break-even).")[1]
    assert oekonomi.to_json(r, config, None)["break_even_i_interval"] is None


def test_the_weeks_interval_is_worded_as_fewer_or_more_weeks(config):
    r = _hand_made(config, uger_kh_andre=2.0)
    text = oekonomi.summary(r, config, _welch(-8.04, -4.3))
    assert "Målt var det 6,2 uger færre pr. borger (95\u00a0%-konfidensinterval 4,3 til 8,0 uger færre)." in text
    assert "som næste afsnit viser" in text  # forsøg had more weeks on the other benefits: not all self-support
    text = oekonomi.summary(r, config, _welch(-2.0, 1.0))
    assert "(95\u00a0%-konfidensinterval fra 2,0 uger færre til 1,0 uger flere)" in text


@pytest.mark.parametrize(
    ("netto_ci", "share", "verdict", "shares", "cell"),
    [
        ((-2e6, -1e6), 0.0, "Hele intervallet ligger under nul: forsøget kostede mere", "I ingen af de 10.000 bootstrapgentagelser",
         "0 pct."),
        ((-1e6, 2e6), 0.3914, "Intervallet spænder over nul, så data kan ikke afgøre", "I 39 pct. af de 10.000 bootstrapgentagelser",
         "39 pct."),
        ((-1e6, 2e6), 0.0004, "Intervallet spænder over nul", "I under 1 pct. af de 10.000 bootstrapgentagelser", "under 1 pct."),
        ((1e6, 2e6), 0.9996, "Hele intervallet ligger over nul: forsøget sparede mere", "I over 99 pct. af de 10.000 bootstrapgentagelser",
         "over 99 pct."),
        ((1e6, 2e6), 1.0, "Hele intervallet ligger over nul: forsøget sparede mere", "I alle 10.000 bootstrapgentagelser", "100 pct."),
    ],
)
def test_the_net_result_is_held_against_zero_by_its_interval_with_the_share_of_resamples(config, netto_ci, share, verdict, shares,
                                                                                         cell):
    r = _hand_made(config, netto_ci=netto_ci, share=share)
    assert r.central.netto_ci == pytest.approx(netto_ci)
    text = oekonomi.summary(r, config, _welch(-8.0, -4.0))
    assert verdict in text and f"{shares} (nye lodtrækninger med tilbagelægning af borgerne i hver gruppe) var nettoresultatet positivt" in text
    # what the interval leaves out, said where it is given
    assert "priserne pr. uge er præcis som antaget" in text and "udgifter efter måleperioden" in text and "refusion" in text
    assert "sandsynlighed" not in text
    table = oekonomi.table_sensitivity(r, config)
    assert table.columns[4] == "Andel gentagelser med overskud" and table.rows[0][4] == cell


def test_summary_costs_passes_the_weeks_interval_of_the_phase(config):
    ydelser = panel({f"F{i}": [KH] * (5 - i % 3) + [JOB] * (i % 3) for i in range(8)} | {f"K{i}": [KH] * 5 for i in range(6)})
    borgere = citizens({f"F{i}": "forsoeg" for i in range(8)} | {f"K{i}": "kontrol" for i in range(6)})
    v = varighed.compute({"borgere": borgere, "ydelser": ydelser}, config, fase_with(config, FIVE_WEEKS))
    hand = dataclasses.replace(v, oekonomi=_hand_made(config),
                               uger=dataclasses.replace(v.uger, sammenligning=_welch(-9.0, -6.0)))
    assert "Selv intervallets mindste forkortelse, 6,0 uger" in varighed.summary_costs(hand, config)
    assert varighed.to_json(hand, config)["oekonomi"]["break_even_i_interval"] is False
    inside = dataclasses.replace(hand, uger=dataclasses.replace(v.uger, sammenligning=_welch(-8.0, -4.0)))
    assert varighed.to_json(inside, config)["oekonomi"]["break_even_i_interval"] is True


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
        (lambda o: o.update(bootstrap_antal=2000), "'oekonomi.bootstrap_antal' skal være et helt tal på mindst 10.000, fandt '2000'"),
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
