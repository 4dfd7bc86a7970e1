"""The first exit from kontanthjælp by destination group, competing risks (evalkit.statistik.konkurrerende,
evalkit.statistik.overlevelse.schoenfeld_p, evalkit.maaleparametre.varighed): hand-made examples worked
out by hand, a second implementation (lifelines) on simulated data, and disclosure control."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import panel
from scipy.stats import rankdata
from statsmodels.duration import hazard_regression

from evalkit.bygning.resultater import published
from evalkit.config import Periode
from evalkit.maaleparametre import dokument, varighed
from evalkit.praesentation import beskyttet
from evalkit.statistik import diskretion, konkurrerende, overlevelse, register

KH, JOB, RES, SYG = "kontanthjaelp", "beskaeftigelse", "ressourceforloeb", "sygedagpenge"
# Mondays 2018-01-01 to 2018-03-26: thirteen weeks, tau = 12
THIRTEEN_WEEKS = Periode(dt.date(2018, 1, 1), dt.date(2018, 3, 30))
LENGTH = 30  # weeks of data: the follow-up week (8 weeks after an exit) lies inside


def citizens(groups: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"borger_id": list(groups), "gruppe": list(groups.values())})


def spell(exit_week: int | None, destination: str = JOB, back: int | None = None) -> list[str]:
    """On kontanthjælp until `exit_week`, then `destination` (back on kontanthjælp from week `back`)."""
    if exit_week is None:
        return [KH] * LENGTH
    weeks = [KH] * exit_week + [destination] * (LENGTH - exit_week)
    if back is not None:
        weeks[back:] = [KH] * (LENGTH - back)
    return weeks


# --------------------------------------------------------------------------- the estimator by hand


def test_without_censoring_the_incidence_is_the_share_and_the_causes_add_up_to_one_minus_km():
    time = np.array([1, 2, 2, 3, 4, 4, 5, 6])
    cause = np.array([1, 2, 1, 1, 3, 2, 1, 2])
    fits = {j: konkurrerende.cumulative_incidence(time, cause, j) for j in (1, 2, 3)}
    km = overlevelse.kaplan_meier(time, cause > 0)
    for t in range(7):
        for j, fit in fits.items():
            share = ((time <= t) & (cause == j)).mean()
            assert konkurrerende.value_at(fit, t) == pytest.approx(share)
            # the delta method's variance is the binomial one when no one is censored
            if 0 < share < 1 and t >= 1:
                variance = fit.variance[fit.times <= t][-1]
                assert variance == pytest.approx(share * (1 - share) / len(time))
        assert sum(konkurrerende.value_at(f, t) for f in fits.values()) == pytest.approx(1 - overlevelse.survival_at(km, t))


def test_aalen_johansen_with_censoring_and_ties_by_hand():
    # t=1: 6 at risk, one exit of cause 1 and one of cause 2; t=2: censored; t=3: 3 at risk, one of each; 5: censored.
    # F1(1) = 1/6; S(1) = 4/6; F1(3) = 1/6 + 4/6 · 1/3 = 7/18.
    # Var F1(3) = (7/18 − 3/18)² · 2/(6·4) + 1·5/6³ + (4/6)²·1·2/3³ − 2 · (4/18) · 1 · 1/6² = 31/648
    time = np.array([1, 1, 2, 3, 3, 5])
    cause = np.array([1, 2, 0, 1, 2, 0])
    fit = konkurrerende.cumulative_incidence(time, cause, 1)
    assert list(fit.times) == [1, 3] and list(fit.at_risk) == [6, 3] and list(fit.events) == [2, 2]
    assert fit.cif == pytest.approx([1 / 6, 7 / 18])
    assert fit.variance == pytest.approx([5 / 216, 31 / 648])
    assert konkurrerende.value_at(fit, 0.5) == 0 and konkurrerende.value_at(fit, 2) == pytest.approx(1 / 6)
    assert konkurrerende.value_at(fit, 10) == pytest.approx(7 / 18)
    lower, upper = konkurrerende.interval_at(fit, 3)
    assert lower < 7 / 18 < upper and 0 < lower and upper < 1
    # on the log(−log) scale: log(−log F) ± z · se / (F |log F|)
    se = np.sqrt(31 / 648) / (7 / 18 * abs(np.log(7 / 18)))
    assert upper == pytest.approx(np.exp(-np.exp(np.log(-np.log(7 / 18)) - 1.959964 * se)), rel=1e-6)


def test_undefined_is_none():
    fit = konkurrerende.cumulative_incidence([1, 2, 3], [2, 0, 2], 1)  # no event of cause 1
    assert konkurrerende.value_at(fit, 3) == 0 and konkurrerende.interval_at(fit, 3) == (None, None)
    everyone = konkurrerende.cumulative_incidence([1, 2], [1, 1], 1)  # F reaches 1
    assert konkurrerende.value_at(everyone, 2) == 1 and konkurrerende.interval_at(everyone, 2) == (None, None)
    assert konkurrerende.interval_at(everyone, 0.5) == (None, None)
    empty = konkurrerende.cumulative_incidence([], [], 1)
    assert konkurrerende.value_at(empty, 3) is None
    assert overlevelse.schoenfeld_p([1, 2, 3], [0, 0, 0], [0, 1, 0]) is None  # no events: no model


def test_the_band_holds_the_curve():
    rng = np.random.default_rng(5)
    time = rng.exponential(10, 200)
    cause = np.where(rng.random(200) < 0.2, 0, rng.integers(1, 3, 200))
    fit = konkurrerende.cumulative_incidence(time, cause, 1)
    lower, upper = konkurrerende.band(fit)
    assert np.all(lower <= fit.cif + 1e-12) and np.all(fit.cif <= upper + 1e-12)
    assert np.all((lower >= 0) & (upper <= 1)) and np.all(upper[fit.cif > 0] > lower[fit.cif > 0])


# ------------------------------------------------------------------ against a second implementation


def _simulated(seed: int, n: int = 400, weekly: bool = False) -> pd.DataFrame:
    """Analysed citizens as `varighed.exit_times` gives them: three competing exits, faster to ressourceforløb
    in forsøg, censoring; destinations outside the named groups (sygedagpenge, unknown, kontanthjælp
    again) are "andet"."""
    rng = np.random.default_rng(seed)
    treated = rng.integers(0, 2, n)
    job = rng.exponential(40, n)
    ydelser = rng.exponential(np.where(treated == 1, 30, 75))
    other = rng.exponential(50, n)
    censor = rng.exponential(60, n)
    latent = np.c_[job, ydelser, other, censor]
    first = latent.argmin(axis=1)
    time = latent.min(axis=1)
    if weekly:
        time = np.ceil(time)
    others = rng.choice(np.array([SYG, None, KH], dtype=object), n)
    destination = np.select([first == 0, first == 1, first == 2], [JOB, "fleksjob", others], None)
    return pd.DataFrame({
        "gruppe": np.where(treated == 1, "forsoeg", "kontrol"),
        "med": True,
        "uger": time,
        "afgang": (first < 3).astype(int),
        "destination": destination,
    })


def _lifelines():
    pytest.importorskip("lifelines")
    from lifelines import AalenJohansenFitter, CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    return AalenJohansenFitter, CoxPHFitter, proportional_hazard_test


def test_incidence_and_bands_agree_with_lifelines():
    AalenJohansenFitter, _cox, _test = _lifelines()
    analysed = _simulated(11)  # continuous times: lifelines jitters tied times of different causes
    causes = varighed.destination_causes(analysed)
    treated = (analysed["gruppe"] == "forsoeg").astype(int).to_numpy()
    result = varighed.competing_risks(analysed, treated, None, 0.05)
    for code, d in enumerate(varighed.DESTINATIONS, start=1):
        for g in ("forsoeg", "kontrol"):
            rows = (analysed["gruppe"] == g).to_numpy()
            ours = result.incidens[d][g]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = AalenJohansenFitter(calculate_variance=True).fit(analysed["uger"][rows], causes[rows], code)
            at = theirs.cumulative_density_.index.isin(ours.times)
            assert at.sum() == len(ours.times)
            np.testing.assert_allclose(ours.cif, theirs.cumulative_density_.iloc[:, 0][at], rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(ours.variance, theirs.variance_[at], rtol=1e-8, atol=1e-14)
            limits = np.sort(theirs.confidence_interval_.to_numpy()[at], axis=1)  # lifelines names them upper, lower
            inside = (ours.cif > 0) & (ours.cif < 1)
            np.testing.assert_allclose(np.column_stack(konkurrerende.band(ours))[inside], limits[inside], rtol=1e-8)


@pytest.mark.parametrize("weekly", [False, True], ids=["continuous", "weekly-ties"])
def test_cause_specific_hazard_ratios_and_schoenfeld_tests_agree_with_lifelines(weekly):
    _aj, CoxPHFitter, proportional_hazard_test = _lifelines()
    analysed = _simulated(23, weekly=weekly)
    rng = np.random.default_rng(1)
    covariates = pd.DataFrame({"alder": rng.normal(45, 10, len(analysed))}, index=analysed.index)
    treated = (analysed["gruppe"] == "forsoeg").astype(int).to_numpy()
    result = varighed.competing_risks(analysed, treated, covariates, 0.05)
    causes = varighed.destination_causes(analysed)

    def average_rank(durations, events, _weights):  # tied event times share their rank, as ours
        ranks = np.zeros(len(durations))
        observed = np.asarray(events).astype(bool)
        ranks[observed] = rankdata(np.asarray(durations)[observed])
        return pd.Series(ranks)

    for code, d in enumerate(varighed.DESTINATIONS, start=1):
        frame = pd.DataFrame({"uger": analysed["uger"], "afgang": (causes == code).astype(int), "treated": treated})
        unadjusted = CoxPHFitter().fit(frame, "uger", "afgang")  # Efron's ties, as statsmodels' PHReg here
        adjusted = CoxPHFitter().fit(frame.assign(alder=covariates["alder"]), "uger", "afgang")
        for ours, theirs in ((result.hr[d], unadjusted), (result.hr_justeret[d], adjusted)):
            row = theirs.summary.loc["treated"]
            assert ours["hr"] == pytest.approx(row["exp(coef)"], rel=1e-5)
            assert (ours["ci_nedre"], ours["ci_oevre"]) == pytest.approx(
                (row["exp(coef) lower 95%"], row["exp(coef) upper 95%"]), rel=1e-4)
            assert ours["p"] == pytest.approx(row["p"], rel=1e-3, abs=1e-12)
        rank = "rank" if not weekly else average_rank  # without ties lifelines' own rank is the same
        expected = proportional_hazard_test(unadjusted, frame, time_transform=rank).summary.loc["treated", "p"]
        assert result.schoenfeld_p[d] == pytest.approx(expected, rel=1e-4)
    assert result.hr["ydelser"]["hr"] > 1.5 and result.hr["ydelser"]["p"] < 0.001  # the simulated effect is found


def test_schoenfeld_test_finds_crossing_hazards_and_not_proportional_ones():
    rng = np.random.default_rng(8)
    n = 600
    treated = rng.integers(0, 2, n)
    # forsøg: a high hazard in the first 10 weeks, then a low one; kontrol: constant
    early = rng.exponential(np.where(treated == 1, 8, 30))
    late = 10 + rng.exponential(np.where(treated == 1, 90, 30))
    time = np.where(treated == 1, np.where(early < 10, early, late), early)
    event = (time < 100).astype(int)
    time = np.ceil(np.minimum(time, 100))
    assert overlevelse.schoenfeld_p(time, event, treated) < 0.001
    proportional = np.ceil(rng.exponential(np.where(treated == 1, 20, 30)))
    assert overlevelse.schoenfeld_p(proportional, np.ones(n), treated) > 0.05


# --------------------------------------------------------------------------- the measure


def test_each_first_exit_gets_its_destination_group_and_unknown_or_kontanthjaelp_again_is_andet():
    ydelser = panel({
        "A": spell(2, JOB),
        "B": spell(3, RES),
        "C": spell(2, SYG),
        "D": spell(4, JOB, back=8),  # back on kontanthjælp in the follow-up week (week 12)
        "E": spell(3, JOB)[:9],  # no row in the follow-up week: destination unknown
        "F": spell(None),
        "G": spell(2, "smaajob", back=6) [:6] + spell(None)[6:],  # first exit småjob, then kontanthjælp for good
    })
    groups = {"A": "forsoeg", "B": "forsoeg", "C": "forsoeg", "D": "kontrol", "E": "kontrol", "F": "kontrol", "G": "kontrol"}
    times = varighed.exit_times(citizens(groups), ydelser, THIRTEEN_WEEKS, 8)
    codes = dict(zip(times.index, varighed.destination_causes(times)))
    job, ydelser_code, andet = (varighed.DESTINATIONS.index(k) + 1 for k in ("job_uddannelse", "ydelser", "andet"))
    assert codes == {"A": job, "B": ydelser_code, "C": andet, "D": andet, "E": andet, "F": 0, "G": andet}
    assert times.loc["E", "afgang"] == 1 and pd.isna(times.loc["E", "destination"])
    assert times.loc["D", "destination"] == KH


def _compute(config, statuses: dict[str, list[str]], groups: dict[str, str]):
    fase = dataclasses.replace(config.fase("midtvejs"), maaleperiode=THIRTEEN_WEEKS)
    return varighed.compute({"borgere": citizens(groups), "ydelser": panel(statuses)}, config, fase)


def _few_to_ydelser(everyone_exits: bool = False):
    """Twelve citizens per group; in forsøg only two first exits to ressourceforløb (fewer than five)."""
    trial = [spell(2, JOB)] * 6 + [spell(3, RES)] * 2 + ([spell(4, SYG)] * 6 if everyone_exits else [spell(None)] * 4)
    control = [spell(3, JOB)] * 5 + [spell(4, RES)] * 5 + [spell(None)] * 2
    statuses = {f"F{i:02d}": s for i, s in enumerate(trial)} | {f"K{i:02d}": s for i, s in enumerate(control)}
    groups = {b: "forsoeg" if b.startswith("F") else "kontrol" for b in statuses}
    return statuses, groups


def test_a_destination_group_with_few_first_exits_is_hidden_everywhere(config):
    v = _compute(config, *_few_to_ydelser())
    marks = v.afgang.skjult_konkurrerende()
    assert marks["ydelser"] == {"forsoeg": diskretion.PRIMARY, "kontrol": diskretion.SECONDARY}
    assert marks["job_uddannelse"] == {"forsoeg": None, "kontrol": None} and marks["andet"] == {"forsoeg": None, "kontrol": None}
    full = varighed.to_json(v, config)
    entry = full["varighed"]["konkurrerende"]["ydelser"]
    assert entry["forsoeg"]["kumulativ_incidens"] == pytest.approx(2 / 12)  # the full file keeps the truth, marked
    public = published(full, config.alpha)["varighed"]["konkurrerende"]
    assert public["ydelser"]["forsoeg"]["kumulativ_incidens"] is None and public["ydelser"]["kontrol"]["ci_nedre"] is None
    assert public["ydelser"]["hr"] is None and public["ydelser"]["schoenfeld_p"] is None
    assert public["job_uddannelse"]["forsoeg"]["kumulativ_incidens"] == pytest.approx(0.5)
    table = varighed.table_competing(v, config)
    columns = {d: table.columns.index(label) for d, label in varighed.TABLE_DESTINATIONS.items()}
    assert [row[columns["ydelser"]] for row in table.rows] == [beskyttet.HIDDEN] * 6
    job = [row[columns["job_uddannelse"]] for row in table.rows]
    assert job[0].startswith("50 pct. (") and job[1].startswith("42 pct. (")  # 6 and 5 of 12, no one censored
    text = varighed.summary_competing(v, config)
    assert "For afgang til ressourceforløb, fleksjob og førtidspension vises andelene og hazard ratio ikke af hensyn " \
           "til diskretion" in text
    assert "17 pct." not in text  # 2 of 12
    # the document's register: nothing hidden can be worked out from the published file
    assert register.revealed(dokument.register(published(full, config.alpha), config)) == {}
    figure = varighed.figure_competing(v, config)  # its finding compares only what is shown
    assert figure.metadata["finding"] == ("Den største forskel mellem grupperne er ved første afgang til job og "
                                          "uddannelse ved periodens slut: 50 pct. i forsøgsafdelingen mod 42 pct. i "
                                          "kontrolgruppen.")


def test_when_no_one_is_left_without_an_exit_a_single_hidden_destination_group_hides_another(config):
    v = _compute(config, *_few_to_ydelser(everyone_exits=True))
    marks = v.afgang.skjult_konkurrerende()
    # forsøg: 6 to job, 2 to ressourceforløb, 6 to sygedagpenge, none without: 14 − 6 − 6 would give the 2
    assert marks["ydelser"]["forsoeg"] == diskretion.PRIMARY
    assert marks["job_uddannelse"] == {"forsoeg": diskretion.SECONDARY, "kontrol": diskretion.SECONDARY}
    assert marks["andet"] == {"forsoeg": None, "kontrol": None}
    full = varighed.to_json(v, config)
    assert register.revealed(dokument.register(published(full, config.alpha), config)) == {}


def test_curves_are_drawn_in_steps_of_at_least_the_threshold_in_whole_per_cent():
    time = np.array([1, 1, 2, 3, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 9, 10], dtype=float)
    cause = np.array([1, 2, 1, 1, 1, 2, 1, 1, 1, 0, 1, 2, 1, 1, 1, 0])
    fit = konkurrerende.cumulative_incidence(time, cause, 1)
    times, values, lower, upper = varighed.incidence_points(fit, 10.0, 0.05, 5)
    drawn_events = [fit.cause_events[(fit.times > a) & (fit.times <= b)].sum() for a, b in zip(times[:-2], times[1:-1])]
    assert all(n >= 5 for n in drawn_events) and values[0] == 0 and times[-1] == 10
    assert np.all(np.round(values, 2) == values) and np.all(lower <= values) and np.all(values <= upper)


def _same_risk_sets(ours, theirs) -> None:
    """Every attribute of two `PHSurvivalTime`s equal, arrays element for element and of the same dtype."""
    assert set(vars(ours)) == set(vars(theirs))
    for name, value in vars(theirs).items():
        mine = getattr(ours, name)
        if isinstance(value, list) and value and isinstance(value[0], list):  # per stratum, per event time
            assert [len(x) for x in mine] == [len(x) for x in value], name
            for a, b in zip(mine, value):
                for x, y in zip(a, b):
                    assert x.dtype == y.dtype and np.array_equal(x, y), name
        elif isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            assert len(mine) == len(value), name
            for x, y in zip(mine, value):
                assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), name
        else:
            assert np.array_equal(np.asarray(mine), np.asarray(value)), name


@pytest.mark.parametrize("seed", range(40))
def test_risk_sets_are_statsmodels_own(seed):
    """`overlevelse._RiskSets` builds statsmodels' PHSurvivalTime without its row loops: the same attributes,
    with ties, strata, late entry and offsets; and a model fitted on them gives bit for bit the same fit."""
    from statsmodels.duration.hazard_regression import PHReg, PHSurvivalTime

    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 80))
    time = rng.integers(0, 9, n).astype(float)
    status = (rng.random(n) < rng.uniform(0.2, 0.9)).astype(int)
    status[0] = 1
    exog = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n)]).astype(float)
    strata = rng.integers(0, 3, n) if seed % 3 == 0 else None
    entry = np.minimum(time, rng.integers(0, 4, n)).astype(float) if seed % 2 == 0 else None
    offset = rng.normal(size=n) if seed % 5 == 0 else None
    _same_risk_sets(overlevelse._RiskSets(time, status, exog, strata, entry, offset),
                    PHSurvivalTime(time, status, exog, strata, entry, offset))
    if 0 < status.sum() < n and len(np.unique(exog[:, 0])) == 2:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                theirs = PHReg(time, exog, status=status, ties="efron").fit()
            except np.linalg.LinAlgError:
                return
            ours = overlevelse._phreg(time, exog, status).fit()
        assert np.array_equal(ours.params, theirs.params, equal_nan=True)
        assert np.array_equal(ours.bse, theirs.bse, equal_nan=True)
    assert hazard_regression.PHSurvivalTime is PHSurvivalTime  # statsmodels' own class is back in place


def test_one_fit_gives_the_hazard_ratio_and_the_check():
    rng = np.random.default_rng(3)
    n = 300
    time = rng.integers(1, 30, n).astype(float)
    event = (rng.random(n) < 0.7).astype(int)
    treated = rng.integers(0, 2, n)
    fit, p = overlevelse.cox_checked(time, event, treated)
    assert fit == overlevelse.cox(time, event, treated)
    assert p == overlevelse.schoenfeld_p(time, event, treated) and p is not None
