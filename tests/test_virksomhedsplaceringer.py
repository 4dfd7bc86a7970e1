"""Company placements (Tabel 4): the overlap definition on hand-made rows, unavailability, the
calibration targets on the example data and the notebook run for both phases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from conftest import EXAMPLE, labelled_outputs, run_notebook, small_tables, write_tables

from evalkit.config import Periode
from evalkit.data.loading import load_tables
from evalkit.maaleparametre import virksomhedsplaceringer as vp
from evalkit.praesentation import formatting

PERIOD = Periode(dt.date(2018, 1, 1), dt.date(2018, 12, 31))
T = pd.Timestamp


@pytest.fixture
def fase(config):
    return dataclasses.replace(config.fase("midtvejs"), placeringsperiode=PERIOD)


def _borgere(groups: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"borger_id": list(groups), "gruppe": list(groups.values())})


def _placements(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "borger_id": [r[0] for r in rows],
            "type": [r[1] for r in rows],
            "start": pd.to_datetime([r[2] for r in rows]),
            "slut": pd.to_datetime([r[3] for r in rows]),
        }
    )


EDGE_CASES = [
    # (borger, type, start, slut, counts?)
    ("ends_on_first_day", "praktik", "2017-10-01", "2018-01-01", True),
    ("ends_day_before", "praktik", "2017-10-01", "2017-12-31", False),
    ("starts_on_last_day", "loentilskud", "2018-12-31", "2019-03-01", True),
    ("starts_day_after", "loentilskud", "2019-01-01", "2019-03-01", False),
    ("open_before", "praktik", "2016-05-01", None, True),
    ("open_after", "praktik", "2019-02-01", None, False),
    ("inside", "loentilskud", "2018-05-01", "2018-06-01", True),
    ("spans_period", "loentilskud", "2017-06-01", "2019-06-01", True),
]


@pytest.mark.parametrize("borger, kind, start, slut, counts", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_overlap_boundaries(borger, kind, start, slut, counts):
    placements = _placements([(borger, kind, start, slut)])
    assert (len(vp.overlapping(placements, PERIOD)) == 1) is counts


def test_counts_use_the_whole_group_and_each_citizen_once(unsuppressed, fase):
    config = unsuppressed  # counts of 1-4 shown, to see the definition at work
    borgere = _borgere({"A": "forsoeg", "B": "forsoeg", "C": "forsoeg", "D": "kontrol", "E": "kontrol"})
    placements = _placements(
        [
            ("A", "praktik", "2018-02-01", "2018-03-01"),
            ("A", "loentilskud", "2018-06-01", None),  # A twice: counted once, but under both types
            ("B", "praktik", "2019-02-01", None),  # after the period
            ("D", "praktik", "2017-12-01", "2018-01-01"),
        ]
    )
    result = vp.compute({"borgere": borgere, "virksomhedsplaceringer": placements}, config, fase)
    assert result.tilgaengelig and result.begrundelse == ""
    assert result.n == {"forsoeg": 3, "kontrol": 2}
    assert result.placeret == {"forsoeg": 1, "kontrol": 1}
    assert result.ikke_placeret("forsoeg") == 2 and result.andel("kontrol") == 0.5
    assert result.typer == {"praktik": {"forsoeg": 1, "kontrol": 1}, "loentilskud": {"forsoeg": 1, "kontrol": 0}}
    payload = vp.to_json(result)
    assert payload["udfald"]["virksomhedsplacering"]["forsoeg"] == {"antal": 1, "n": 3, "andel": 1 / 3}
    assert payload["virksomhedsplaceringer"]["periode"] == {"start": "2018-01-01", "slut": "2018-12-31"}
    rows = vp.table(result, config).rows
    assert rows[0] == ["Forsøgsafdeling", "1", "2", "3", "33,3 pct."]
    assert rows[1] == ["Kontrolgruppe", "1", "1", "2", "50,0 pct."]
    low, high = result.konfidensinterval("kontrol", config.alpha)
    assert 0 < low < 0.5 < high < 1
    assert vp.figure(result, config).data.startswith("<svg")


def test_not_available_when_no_placement_overlaps_the_period(config, fase):
    borgere = _borgere({"A": "forsoeg", "B": "kontrol"})
    placements = _placements([("A", "praktik", "2019-03-01", None), ("B", "praktik", "2016-01-01", "2017-12-31")])
    result = vp.compute({"borgere": borgere, "virksomhedsplaceringer": placements}, config, fase)
    assert not result.tilgaengelig
    assert formatting.date_range(PERIOD.start, PERIOD.slut) in result.begrundelse
    assert vp.to_json(result)["udfald"]["virksomhedsplacering"]["forsoeg"]["antal"] == 0


def test_not_available_without_any_placements(config, fase):
    borgere = _borgere({"A": "forsoeg", "B": "kontrol"})
    result = vp.compute({"borgere": borgere, "virksomhedsplaceringer": _placements([])}, config, fase)
    assert not result.tilgaengelig and result.placeret == {"forsoeg": 0, "kontrol": 0}


@pytest.fixture(scope="module")
def example():
    return load_tables(EXAMPLE, vp.TABLES)


def test_calibration_final_phase(example, config):
    result = vp.compute(example, config, config.fase("slut"))
    assert result.placeret == {"forsoeg": 451, "kontrol": 400}
    assert {g: result.ikke_placeret(g) for g in result.n} == {"forsoeg": 466, "kontrol": 456}
    table = vp.table(result, config)
    assert table.rows == [
        ["Forsøgsafdeling", "451", "466", "917", "49,2 pct."],
        ["Kontrolgruppe", "400", "456", "856", "46,7 pct."],
    ]
    assert "1. januar 2018–31. december 2019" in table.notes[0]
    text = vp.summary(result, config)
    assert "451 af 917" in text and "(49,2 pct.)" in text and "(46,7 pct.)" in text  # one decimal beside the difference


@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_notebook_runs_for_both_phases(tmp_path, fase):
    fragment, nb = run_notebook("virksomhedsplaceringer", tmp_path, fase)
    assert fragment["tilgaengelighed"] == {"virksomhedsplaceringer": True}
    assert set(fragment["udfald"]["virksomhedsplacering"]) == {"forsoeg", "kontrol", "forskel", "ci_nedre", "ci_oevre", "p", "p_eksakt", "mindste_forventede", "justeret"}
    outputs = labelled_outputs(nb)
    assert set(outputs) == {"txt-virksomhedsplaceringer", "tbl-virksomhedsplaceringer", "fig-virksomhedsplaceringer"}
    assert "<svg" in outputs["fig-virksomhedsplaceringer"]
    if fase == "slut":
        assert fragment["udfald"]["virksomhedsplacering"]["forsoeg"]["antal"] == 451


def test_notebook_shows_the_reason_when_not_available(tmp_path):
    tables = small_tables()
    tables["virksomhedsplaceringer"]["start"] = T("2025-01-01")
    data_dir = write_tables(tables, tmp_path / "data")
    fragment, nb = run_notebook("virksomhedsplaceringer", tmp_path, "midtvejs", data_dir)
    assert fragment["tilgaengelighed"] == {"virksomhedsplaceringer": False}
    outputs = labelled_outputs(nb)
    assert all("Der er ingen virksomhedsplaceringer" in text for text in outputs.values())
