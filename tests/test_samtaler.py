"""Interviews on time (Tabel 7): definition edge cases on hand-made rows, unavailability, the
calibration targets on the example data and the notebook run for both phases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from conftest import EXAMPLE, labelled_outputs, run_notebook, small_tables, write_tables

from evalkit.config import Periode
from evalkit.data.loading import load_tables
from evalkit.maaleparametre import samtaler as sm
from evalkit.praesentation import formatting

PERIOD = Periode(dt.date(2018, 1, 1), dt.date(2018, 1, 14))  # 14 days: exactly 2 weeks


@pytest.fixture
def fase(config):
    return dataclasses.replace(config.fase("midtvejs"), placeringsperiode=PERIOD)


def _borgere(groups: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"borger_id": list(groups), "gruppe": list(groups.values())})


def _samtaler(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "borger_id": [r[0] for r in rows],
            "dato": pd.to_datetime([r[1] for r in rows]),
            "frist": pd.to_datetime([r[2] for r in rows]),
        }
    )


def test_period_boundaries_and_on_time():
    interviews = _samtaler(
        [
            ("A", "2017-12-31", "2018-01-05"),  # day before the period
            ("A", "2018-01-01", "2018-01-01"),  # first day, exactly on its deadline
            ("A", "2018-01-08", "2018-01-07"),  # a day late
            ("A", "2018-01-14", "2018-01-20"),  # the period's last day
            ("A", "2018-01-15", "2018-01-20"),  # day after the period
        ]
    )
    held = sm.in_period(interviews, PERIOD)
    assert list(held["dato"].dt.day) == [1, 8, 14]
    assert list(held["rettidig"]) == [True, False, True]


def test_counts_per_week_and_share_on_time(config, fase):
    borgere = _borgere({"A": "forsoeg", "B": "forsoeg", "C": "kontrol"})
    interviews = _samtaler(
        [
            ("A", "2018-01-01", "2018-01-01"),  # on its deadline: on time
            ("A", "2018-01-10", "2018-01-09"),  # late
            ("B", "2018-01-14", "2018-02-01"),  # last day of the period
            ("B", "2018-01-15", "2018-02-01"),  # outside
            ("C", "2018-01-03", "2018-01-02"),  # late
        ]
    )
    result = sm.compute({"borgere": borgere, "samtaler": interviews}, config, fase)
    assert result.tilgaengelig and result.uger == 2
    assert result.antal == {"forsoeg": 3, "kontrol": 1}
    assert result.rettidige == {"forsoeg": 2, "kontrol": 0}
    assert result.pr_uge("forsoeg") == 1.5 and result.rettidige_pr_uge("forsoeg") == 1.0
    assert result.andel("forsoeg") == 2 / 3 and result.andel("kontrol") == 0
    payload = sm.to_json(result)["samtaler"]
    assert payload["uger"] == 2 and payload["periode"] == PERIOD.as_json()
    assert payload["forsoeg"] == {
        "antal": 3, "rettidige": 2, "pr_uge": 1.5, "rettidige_pr_uge": 1.0, "andel_rettidige": 2 / 3,
    }
    rows = sm.table(result, config).rows
    assert rows[0] == ["Forsøgsafdeling", "3", "2", "1", "67 pct."]  # 1,5 rounds half up
    assert rows[1] == ["Kontrolgruppe", "1", "1", "0", "0 pct."]
    assert sm.figure(result, config).data.startswith("<svg")


def test_a_group_without_interviews_has_no_share(config, fase):
    borgere = _borgere({"A": "forsoeg", "C": "kontrol"})
    result = sm.compute({"borgere": borgere, "samtaler": _samtaler([("A", "2018-01-05", "2018-01-06")])}, config, fase)
    assert result.antal == {"forsoeg": 1, "kontrol": 0} and result.andel("kontrol") is None
    assert sm.table(result, config).rows[1][-1] == "–"
    assert sm.to_json(result)["samtaler"]["kontrol"]["andel_rettidige"] is None
    assert "–" in sm.summary(result, config)


def test_not_available_when_no_interview_is_in_the_period(config, fase):
    borgere = _borgere({"A": "forsoeg", "C": "kontrol"})
    interviews = _samtaler([("A", "2017-12-31", "2018-01-06"), ("C", "2018-01-15", "2018-01-15")])
    result = sm.compute({"borgere": borgere, "samtaler": interviews}, config, fase)
    assert not result.tilgaengelig
    assert formatting.date_range(PERIOD.start, PERIOD.slut) in result.begrundelse
    assert sm.to_json(result)["samtaler"]["forsoeg"]["antal"] == 0


@pytest.fixture(scope="module")
def example():
    return load_tables(EXAMPLE, sm.TABLES)


def test_calibration_final_phase(example, config):
    result = sm.compute(example, config, config.fase("slut"))
    table = sm.table(result, config)
    assert [row[2:] for row in table.rows] == [["666", "600", "90 pct."], ["675", "557", "82 pct."]]
    assert [row[0] for row in table.rows] == ["Forsøgsafdeling", "Kontrolgruppe"]
    assert table.rows[0][1] == formatting.count(result.antal["forsoeg"])
    assert "1. januar 2018–31. december 2019" in table.notes[0] and "104,3 uger" in table.notes[0]
    text = sm.summary(result, config)
    assert "666 og 675" in text and "600 og 557" in text and "90 pct." in text and "82 pct." in text


@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_notebook_runs_for_both_phases(tmp_path, fase):
    fragment, nb = run_notebook("samtaler", tmp_path, fase)
    assert fragment["tilgaengelighed"] == {"samtaler": True}
    outputs = labelled_outputs(nb)
    assert set(outputs) == {"txt-samtaler", "tbl-samtaler", "fig-samtaler"}
    assert "<svg" in outputs["fig-samtaler"]
    if fase == "slut":
        assert fragment["samtaler"]["forsoeg"]["antal"] == 69454
        assert "| Kontrolgruppe | 70.416 | 675 | 557 | 82 pct. |" in outputs["tbl-samtaler"]


def test_notebook_shows_the_reason_when_not_available(tmp_path):
    tables = small_tables()
    tables["samtaler"]["dato"] = pd.Timestamp("2025-01-01")
    data_dir = write_tables({k: tables[k] for k in sm.TABLES}, tmp_path / "data")
    fragment, nb = run_notebook("samtaler", tmp_path, "slut", data_dir)
    assert fragment["tilgaengelighed"] == {"samtaler": False}
    assert all(text.startswith("Der er ingen samtaler") for text in labelled_outputs(nb).values())
