"""Sick leave and staff turnover (data contract, section 3; Tabel 8–11) on small hand-made HR tables,
and the calibration targets of the example data."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from conftest import EXAMPLE
from IPython.display import SVG

from evalkit.config import Maanedsperiode
from evalkit.data.loading import load_tables
from evalkit.maaleparametre import personale

A, B = "Afdeling A", "Afdeling B"
P1 = Maanedsperiode(dt.date(2018, 5, 1), dt.date(2018, 6, 1))
P2 = Maanedsperiode(dt.date(2019, 1, 1), dt.date(2019, 2, 1))


@pytest.fixture
def small_config(config):
    """Two departments, B the trial department, and a phase with two two-month HR periods."""
    fase = dataclasses.replace(config.fase("slut"), hr_perioder=(P1, P2))
    return dataclasses.replace(config, afdelinger=(A, B), forsoegsafdeling=B, faser={"slut": fase})


def hr_tables(rows: list[tuple[str, str, float, float, float, float, int]]) -> dict[str, pd.DataFrame]:
    """(afdeling, month, fte, short, long, headcount, external leavers) per row."""
    frame = pd.DataFrame(rows, columns=["afdeling", "maaned", "fte", "kort", "lang", "ansatte", "eksterne"])
    frame["maaned"] = pd.to_datetime(frame["maaned"], format="%Y-%m")
    return {
        "sygefravaer": frame.rename(
            columns={"fte": "fuldtidsansatte", "kort": "sygedage_kort", "lang": "sygedage_lang"}
        )[["afdeling", "maaned", "fuldtidsansatte", "sygedage_kort", "sygedage_lang"]],
        "medarbejderomsaetning": frame.rename(columns={"eksterne": "fratraadte_eksterne"}).assign(
            fratraadte_interne=0
        )[["afdeling", "maaned", "ansatte", "fratraadte_eksterne", "fratraadte_interne"]],
    }


def complete_rows() -> list[tuple]:
    rows = []
    for month in ("2018-05", "2018-06", "2019-01", "2019-02"):
        rows.append((A, month, 10.0, 1.0, 0.0, 20.0, 0))
        rows.append((B, month, 10.0, 1.0, 0.0, 20.0, 0))
    return rows


def test_sick_days_are_the_sum_over_months_divided_by_the_mean_fte(small_config):
    rows = complete_rows()
    # A in the first period: FTE 10 and 30 (mean 20), short sick days 0 and 30, long 4 and 6.
    # Sum over mean: 30 / 20 = 1.5 short, 10 / 20 = 0.5 long; the mean of monthly ratios would be 0.5 short.
    rows[0] = (A, "2018-05", 10.0, 0.0, 4.0, 20.0, 0)
    rows[2] = (A, "2018-06", 30.0, 30.0, 6.0, 20.0, 0)
    result = personale.compute(hr_tables(rows), small_config, small_config.fase("slut"))
    a = result.perioder[0].afdelinger[0]
    assert a.afdeling == A
    assert a.kort == pytest.approx(1.5)
    assert a.lang == pytest.approx(0.5)
    assert a.total == pytest.approx(2.0)
    table = personale.table_sick_leave(result, small_config)
    assert table.rows[1] == [A, "2,0", "1,5", "0,5"]


def test_turnover_is_100_times_leavers_over_mean_headcount(small_config):
    rows = complete_rows()
    # B in the second period: headcount 30 and 50 (mean 40), 1 and 2 external leavers -> 7.5 %.
    rows[5] = (B, "2019-01", 10.0, 1.0, 0.0, 30.0, 1)
    rows[7] = (B, "2019-02", 10.0, 1.0, 0.0, 50.0, 2)
    result = personale.compute(hr_tables(rows), small_config, small_config.fase("slut"))
    b = result.perioder[1].afdelinger[1]
    assert b.ekstern_pct == pytest.approx(7.5)
    assert (b.fratraadte_eksterne, b.ansatte) == (3, 40.0)
    table = personale.table_turnover(result, small_config)
    assert table.rows[1] == [f"{B} (forsøgsafdeling)", "0,0 pct.", "7,5 pct."]
    payload = personale.to_json(result)["medarbejderomsaetning"]
    assert payload[-1] == {
        "periode": {"start": "2019-01", "slut": "2019-02"},
        "afdeling": B,
        "forsoegsafdeling": True,
        "ekstern_pct": pytest.approx(7.5),
        "fratraadte_eksterne": 3,
        "ansatte_gennemsnit": 40.0,
    }


def test_months_outside_the_period_and_unknown_departments_are_ignored(small_config):
    rows = complete_rows() + [
        (A, "2018-07", 10.0, 99.0, 99.0, 20.0, 9),
        ("Afdeling X", "2018-05", 10.0, 99.0, 99.0, 20.0, 9),
    ]
    result = personale.compute(hr_tables(rows), small_config, small_config.fase("slut"))
    a = result.perioder[0].afdelinger[0]
    assert (a.total, a.ekstern_pct) == (pytest.approx(0.2), 0.0)
    assert [x.afdeling for x in result.perioder[0].afdelinger] == [A, B]


def test_trial_department_is_marked(small_config):
    result = personale.compute(hr_tables(complete_rows()), small_config, small_config.fase("slut"))
    assert [a.forsoegsafdeling for a in result.perioder[0].afdelinger] == [False, True]
    labels = [row[0] for row in personale.table_sick_leave(result, small_config).rows]
    assert labels.count(f"{B} (forsøgsafdeling)") == 2 and A in labels
    assert [r["forsoegsafdeling"] for r in personale.to_json(result)["sygefravaer"]] == [False, True, False, True]
    assert "forsøgsafdelingen, Afdeling B," in personale.summary(result, small_config)


def test_a_missing_month_makes_its_period_unavailable_and_is_named(small_config):
    rows = [r for r in complete_rows() if not (r[0] == A and r[1] == "2019-02")]  # A lacks February 2019
    result = personale.compute(hr_tables(rows), small_config, small_config.fase("slut"))
    assert result.tilgaengelig
    assert [hp.periode for hp in result.perioder] == [P1]
    assert result.udeladte[0].mangler == {
        "sygefravaer": {A: (dt.date(2019, 2, 1),)},
        "medarbejderomsaetning": {A: (dt.date(2019, 2, 1),)},
    }
    note = personale.table_turnover(result, small_config).to_markdown()
    assert "januar–februar 2019 indgår ikke" in note and "Afdeling A (februar 2019)" in note
    assert len(personale.to_json(result)["sygefravaer"]) == 2


def test_missing_in_one_table_is_enough(small_config):
    tables = hr_tables(complete_rows())
    syg = tables["sygefravaer"]
    tables["sygefravaer"] = syg[~((syg["afdeling"] == B) & (syg["maaned"] == pd.Timestamp("2018-05-01")))]
    result = personale.compute(tables, small_config, small_config.fase("slut"))
    assert [hp.periode for hp in result.perioder] == [P2]
    assert result.udeladte[0].mangler == {"sygefravaer": {B: (dt.date(2018, 5, 1),)}}


def test_no_complete_period_makes_the_measure_unavailable_with_the_missing_months(small_config):
    rows = [r for r in complete_rows() if r[1] not in ("2018-06", "2019-01", "2019-02")]
    result = personale.compute(hr_tables(rows), small_config, small_config.fase("slut"))
    assert not result.tilgaengelig and result.perioder == ()
    assert "kan ikke opgøres" in result.begrundelse
    assert "juni 2018" in result.begrundelse and "januar–februar 2019" in result.begrundelse
    assert personale.summary(result, small_config) == result.begrundelse
    assert personale.to_json(result) == {"sygefravaer": [], "medarbejderomsaetning": []}


def test_figures_are_svg(small_config):
    result = personale.compute(hr_tables(complete_rows()), small_config, small_config.fase("slut"))
    assert isinstance(personale.figure_sick_leave(result, small_config), SVG)
    assert isinstance(personale.figure_turnover(result, small_config), SVG)


# Data contract, section 6: Tabel 8–11 (departments JKI Job og Indsats 1–6, the 6th the trial department).
TABEL_8 = "3,0/1,6/1,4; 3,7/2,6/1,1; 6,5/3,6/3,0; 4,2/3,6/0,6; 4,7/4,1/0,6; 1,8/1,8/0,0"
TABEL_9 = "5,7/4,0/1,7; 5,6/5,6/0,0; 12,2/7,2/5,1; 5,9/5,4/0,5; 21,8/7,5/14,3; 10,6/4,3/6,3"
TABEL_10 = "15,2; 6,9; 4,0; 4,3; 4,8; 3,8"
TABEL_11 = "2,4; 6,9; 6,7; 6,5; 13,6; 0,0"


def test_example_data_reproduce_tables_8_to_11(config):
    data = load_tables(EXAMPLE, personale.TABLES)
    result = personale.compute(data, config, config.fase("slut"))
    assert result.tilgaengelig and len(result.perioder) == 2 and not result.udeladte
    names = [f"JKI Job og Indsats {i}" for i in range(1, 6)] + ["JKI Job og Indsats 6 (forsøgsafdeling)"]

    sick = personale.table_sick_leave(result, config).rows
    assert sick[0][0] == "**Maj–december 2018**" and sick[7][0] == "**Januar–december 2019**"
    for block, target in ((sick[1:7], TABEL_8), (sick[8:14], TABEL_9)):
        assert [row[0] for row in block] == names
        assert ["/".join(row[1:]) for row in block] == target.split("; ")

    turnover = personale.table_turnover(result, config).rows
    assert [row[0] for row in turnover] == names
    assert [row[1] for row in turnover] == [f"{v} pct." for v in TABEL_10.split("; ")]
    assert [row[2] for row in turnover] == [f"{v} pct." for v in TABEL_11.split("; ")]


def test_example_midterm_phase_has_only_the_first_period(config):
    data = load_tables(EXAMPLE, personale.TABLES)
    result = personale.compute(data, config, config.fase("midtvejs"))
    assert [hp.periode for hp in result.perioder] == list(config.fase("midtvejs").hr_perioder)
    text = personale.summary(result, config)
    assert "maj–december 2018" in text and "1,8 sygedage" in text and "3,8 pct." in text
