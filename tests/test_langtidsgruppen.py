"""The long-term group still on kontanthjælp (Tabel 6): definition edge cases on hand-made rows,
unavailability, the calibration targets on the example data and the notebook run for both phases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from conftest import EXAMPLE, labelled_outputs, run_notebook, small_tables, write_tables

from evalkit.data.loading import load_tables
from evalkit.maaleparametre import langtidsgruppen as lt
from evalkit.praesentation import formatting

KH = "kontanthjaelp"
TUESDAY = dt.date(2018, 12, 4)
MONDAY = dt.date(2018, 12, 3)


@pytest.fixture
def fase(config):
    return dataclasses.replace(config.fase("midtvejs"), statusdato=TUESDAY)


def _borgere(rows: dict[str, tuple[str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "borger_id": list(rows),
            "gruppe": [r[0] for r in rows.values()],
            "kontanthjaelp_siden": pd.to_datetime([r[1] for r in rows.values()]),
        }
    )


def _ydelser(rows: list[tuple[str, dt.date, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "borger_id": [r[0] for r in rows],
            "uge": pd.to_datetime([r[1] for r in rows]),
            "ydelse": [r[2] for r in rows],
        }
    )


@pytest.mark.parametrize(
    "day, monday",
    [(TUESDAY, MONDAY), (MONDAY, MONDAY), (dt.date(2018, 12, 9), MONDAY), (dt.date(2018, 12, 10), dt.date(2018, 12, 10))],
)
def test_status_week_is_the_monday_on_or_before_the_status_date(day, monday):
    assert lt.week_monday(day) == monday


def test_long_history_boundary_and_missing_start_dates(config):
    limit = config.lang_historik_graense
    borgere = _borgere(
        {
            "on_limit": ("forsoeg", limit.isoformat()),
            "day_after": ("forsoeg", (limit + dt.timedelta(days=1)).isoformat()),
            "long_ago": ("kontrol", "2009-06-01"),
            "no_date": ("kontrol", None),
        }
    )
    assert list(lt.long_history(borgere, config)) == [True, False, True, False]


def test_status_date_on_a_tuesday_uses_that_weeks_monday(config, fase):
    borgere = _borgere({"A": ("forsoeg", "2012-01-01"), "B": ("forsoeg", "2012-01-01")})
    ydelser = _ydelser(
        [
            ("A", MONDAY, KH),  # A on kontanthjælp in the status week
            ("A", MONDAY + dt.timedelta(weeks=1), "beskaeftigelse"),
            ("B", MONDAY - dt.timedelta(weeks=1), KH),  # B left in the status week
            ("B", MONDAY, "beskaeftigelse"),
        ]
    )
    result = lt.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
    assert result.tilgaengelig and result.statusuge == MONDAY
    assert result.ved_start["forsoeg"] == 2 and result.paa_kontanthjaelp["forsoeg"] == 1
    assert result.reduktion("forsoeg") == 1 and result.andel("forsoeg") == 0.5


def test_counts_reduction_and_exclusions(unsuppressed, fase):
    config = unsuppressed  # counts of 1-4 shown, to see the definition at work
    limit = config.lang_historik_graense
    borgere = _borgere(
        {
            "F1": ("forsoeg", "2010-01-01"),  # still on kontanthjælp
            "F2": ("forsoeg", "2014-02-01"),  # moved on
            "F3": ("forsoeg", None),  # no start date: left out, even though on kontanthjælp
            "F4": ("forsoeg", (limit + dt.timedelta(days=1)).isoformat()),  # short history
            "K1": ("kontrol", limit.isoformat()),  # on the limit: long history, still on kontanthjælp
            "K2": ("kontrol", "2013-01-01"),  # no row in the status week: not on kontanthjælp
        }
    )
    ydelser = _ydelser(
        [
            ("F1", MONDAY, KH),
            ("F2", MONDAY, "ressourceforloeb"),
            ("F3", MONDAY, KH),
            ("F4", MONDAY, KH),
            ("K1", MONDAY, KH),
            ("K2", MONDAY - dt.timedelta(weeks=1), KH),
        ]
    )
    result = lt.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
    assert result.ved_start == {"forsoeg": 2, "kontrol": 2}
    assert result.paa_kontanthjaelp == {"forsoeg": 1, "kontrol": 1}
    assert result.uden_startdato == {"forsoeg": 1, "kontrol": 0}
    payload = lt.to_json(result)
    assert payload["udfald"]["lang_kh_reduktion"]["kontrol"] == {"antal": 1, "n": 2, "andel": 0.5}
    assert payload["langtidsgruppen"]["statusdato"] == TUESDAY.isoformat()
    assert payload["langtidsgruppen"]["statusuge"] == MONDAY.isoformat()
    assert payload["langtidsgruppen"]["forsoeg"] == {"ved_start": 2, "paa_kontanthjaelp": 1}
    table = lt.table(result, config)
    assert table.rows[0] == ["Forsøgsafdeling", "2", "1", "1 (50,0 pct.)"]
    assert "Én borger uden startdato" in " ".join(table.notes)
    assert lt.figure(result, config).data.startswith("<svg")


def test_not_available_without_rows_in_the_status_week(config, fase):
    borgere = _borgere({"A": ("forsoeg", "2012-01-01"), "B": ("kontrol", "2012-01-01")})
    ydelser = _ydelser([("A", MONDAY - dt.timedelta(weeks=1), KH), ("B", MONDAY + dt.timedelta(weeks=1), KH)])
    result = lt.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
    assert not result.tilgaengelig
    assert formatting.date(TUESDAY) in result.begrundelse and formatting.date(MONDAY) in result.begrundelse
    assert lt.to_json(result)["udfald"]["lang_kh_reduktion"]["forsoeg"] == {"antal": 1, "n": 1, "andel": 1.0}


def test_an_empty_long_term_group_shows_a_dash(config, fase):
    borgere = _borgere({"A": ("forsoeg", "2017-06-01"), "B": ("kontrol", "2012-01-01")})
    ydelser = _ydelser([("A", MONDAY, KH), ("B", MONDAY, KH)])
    result = lt.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
    # the empty group's size is hidden with Tabel 2's long history, which the other group's 1 hides
    assert lt.table(result, config).rows[0] == ["Forsøgsafdeling", "..", "..", ".. (–)"]
    assert lt.to_json(result)["udfald"]["lang_kh_reduktion"]["forsoeg"]["andel"] is None


@pytest.fixture(scope="module")
def example():
    return load_tables(EXAMPLE, lt.TABLES)


def test_calibration_final_phase(example, config):
    fase = config.fase("slut")
    result = lt.compute(example, config, fase)
    assert result.ved_start == {"forsoeg": 385, "kontrol": 312}
    assert result.paa_kontanthjaelp == {"forsoeg": 285, "kontrol": 256}
    table = lt.table(result, config)
    assert table.columns == [
        "",
        f"Ved start ({formatting.date(config.startdato)})",
        f"Fortsat på kontanthjælp ({formatting.date(fase.statusdato)})",
        "Reduktion",
    ]
    assert table.columns[1:3] == ["Ved start (1. januar 2018)", "Fortsat på kontanthjælp (31. december 2019)"]
    assert table.rows == [
        ["Forsøgsafdeling", "385", "285", "100 (26,0 pct.)"],
        ["Kontrolgruppe", "312", "256", "56 (17,9 pct.)"],
    ]
    assert result.uden_startdato == {"forsoeg": 0, "kontrol": 1}
    text = lt.summary(result, config)
    assert "100 borgere mindre" in text and "26,0 pct." in text and "17,9 pct." in text


@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_notebook_runs_for_both_phases(tmp_path, fase):
    fragment, nb = run_notebook("langtidsgruppen", tmp_path, fase)
    assert fragment["tilgaengelighed"] == {"langtidsgruppen": True}
    outputs = labelled_outputs(nb)
    assert set(outputs) == {"txt-langtidsgruppen", "tbl-langtidsgruppen", "fig-langtidsgruppen"}
    assert "<svg" in outputs["fig-langtidsgruppen"]
    if fase == "slut":
        assert fragment["udfald"]["lang_kh_reduktion"]["forsoeg"] == {"antal": 100, "n": 385, "andel": 100 / 385}
        assert "100 (26,0 pct.)" in outputs["tbl-langtidsgruppen"]


def test_notebook_shows_the_reason_when_not_available(tmp_path):
    tables = small_tables()  # 60 weeks of ydelser from the start: nothing in the final phase's status week
    data_dir = write_tables({k: tables[k] for k in lt.TABLES}, tmp_path / "data")
    fragment, nb = run_notebook("langtidsgruppen", tmp_path, "slut", data_dir)
    assert fragment["tilgaengelighed"] == {"langtidsgruppen": False}
    outputs = labelled_outputs(nb)
    assert all(text.startswith("Ydelsesdata har ingen oplysninger") for text in outputs.values())
