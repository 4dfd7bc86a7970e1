"""The exit definition (data contract, section 3) on small hand-made panels, one edge case each."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from conftest import panel

from evalkit.config import Periode
from evalkit.maaleparametre import afgange

KH, JOB, SYG = "kontanthjaelp", "beskaeftigelse", "sygedagpenge"
PERIOD = Periode(dt.date(2018, 1, 1), dt.date(2018, 12, 31))
LAG = 8


def outcome_of(seq: list[str], period: Periode = PERIOD) -> str:
    ydelser = panel({"A": seq})
    borgere = pd.DataFrame({"borger_id": ["A"]})
    return afgange.outcomes(borgere, ydelser, period, LAG)["A"]


def test_simple_exit_to_job():
    assert outcome_of([KH] * 5 + [JOB] * 20) == "beskaeftigelse"


def test_short_spell_returning_within_lag_then_later_exit():
    seq = [KH] * 5 + [SYG] * 3 + [KH] * 10 + ["uddannelse"] * 20
    exits = afgange.find_exits(panel({"A": seq}), PERIOD, LAG)
    assert list(exits["destination"]) == [KH, "uddannelse"]  # the first exit does not count
    assert outcome_of(seq) == "uddannelse"


def test_exit_whose_follow_up_week_is_beyond_the_data_has_no_destination():
    seq = [KH] * 10 + [JOB] * 5  # rows end 4 weeks after the exit
    exits = afgange.find_exits(panel({"A": seq}), PERIOD, LAG)
    assert len(exits) == 1 and pd.isna(exits.loc[0, "destination"])
    assert outcome_of(seq) == afgange.STILL_ON_KH


def test_status_change_between_exit_week_and_follow_up_week():
    seq = [KH] * 6 + [SYG] * 3 + ["ressourceforloeb"] * 20
    assert outcome_of(seq) == "ressourceforloeb"


def test_earliest_known_exit_wins():
    seq = [KH] * 4 + ["smaajob"] * 10 + [KH] * 4 + [JOB] * 20
    assert outcome_of(seq) == "smaajob"


def test_no_exit_in_the_first_week_without_a_previous_week():
    assert outcome_of([JOB] * 20) == afgange.STILL_ON_KH


def test_exit_after_the_period_is_not_counted_but_its_follow_up_may_lie_after_it():
    short = Periode(dt.date(2018, 1, 1), dt.date(2018, 3, 31))
    late = [KH] * 20 + [JOB] * 20  # exit in week 21, after March
    assert outcome_of(late, short) == afgange.STILL_ON_KH
    early = [KH] * 12 + [JOB] * 20  # exit in week 13 (2018-03-26), follow-up in May
    assert outcome_of(early, short) == "beskaeftigelse"


def test_sickness_benefit_and_other_map_to_andet():
    assert outcome_of([KH] * 3 + [SYG] * 20) == "andet"
    assert outcome_of([KH] * 3 + ["andet"] * 20) == "andet"


def test_counts_and_shares_use_the_whole_group(config):
    ydelser = panel({"A": [KH] * 3 + [JOB] * 20, "B": [KH] * 23, "C": [KH] * 3 + ["fleksjob"] * 20, "D": [KH] * 23})
    borgere = pd.DataFrame({"borger_id": list("ABCD"), "gruppe": ["forsoeg", "forsoeg", "kontrol", "kontrol"]})
    result = afgange.compute({"borgere": borgere, "ydelser": ydelser}, config, config.fase("midtvejs"))
    assert result.n == {"forsoeg": 2, "kontrol": 2}
    assert result.antal["forsoeg"]["beskaeftigelse"] == 1 and result.andel("forsoeg", "beskaeftigelse") == 0.5
    assert result.antal["kontrol"]["fleksjob"] == 1 and result.antal["kontrol"][afgange.STILL_ON_KH] == 1
    payload = afgange.to_json(result)["udfald"]
    assert payload["beskaeftigelse"]["forsoeg"] == {"antal": 1, "n": 2, "andel": 0.5}
