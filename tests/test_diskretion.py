"""Small-cell suppression (statistical disclosure control): the generic functions of evalkit.statistik.diskretion,
then the published tables and texts of the measurement modules on small hand-made groups."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pandas as pd
import pytest
from conftest import panel

from evalkit.bygning.resultater import assemble
from evalkit.config import Periode
from evalkit.maaleparametre import afgange, baseline, langtidsgruppen, planer, sammenfatning
from evalkit.maaleparametre import virksomhedsplaceringer as vp
from evalkit.maaleparametre.faelles import Comparison, outcome
from evalkit.praesentation import beskyttet
from evalkit.praesentation.tables import Table
from evalkit.statistik import diskretion
from evalkit.statistik.diskretion import PRIMARY as P
from evalkit.statistik.diskretion import SECONDARY as S

# ---------------------------------------------------------------- the suppression rule


def test_only_primary_suppression_without_a_shown_total():
    assert diskretion.suppress({"a": 3, "b": 100, "c": 50}, 5, total_shown=False) == {"a": P, "b": None, "c": None}


def test_a_shown_total_hides_the_next_smallest_non_zero_cell():
    marks = diskretion.suppress({"a": 3, "b": 100, "c": 50, "d": 0}, 5, total_shown=True)
    assert marks == {"a": P, "b": None, "c": S, "d": None}


def test_zero_is_not_suppressed():
    assert diskretion.suppress({"a": 0, "b": 10}, 5, total_shown=True) == {"a": None, "b": None}


def test_the_threshold_comes_from_the_argument():
    counts = {"a": 7, "b": 40}
    assert diskretion.suppress(counts, 10, total_shown=False) == {"a": P, "b": None}
    assert diskretion.suppress(counts, 5, total_shown=False) == {"a": None, "b": None}
    assert diskretion.suppress({"a": 1}, 1, total_shown=False) == {"a": None}  # threshold 1: nothing hidden


def test_two_primaries_need_no_secondary():
    assert diskretion.suppress({"a": 2, "b": 4, "c": 100}, 5, total_shown=True) == {"a": P, "b": P, "c": None}


def test_ties_are_broken_by_the_order_of_the_cells():
    assert diskretion.suppress({"a": 2, "b": 50, "c": 50}, 5, total_shown=True) == {"a": P, "b": S, "c": None}
    assert diskretion.suppress({"a": 2, "c": 50, "b": 50}, 5, total_shown=True) == {"a": P, "c": S, "b": None}


def test_cells_hidden_by_another_margin_count_as_hidden():
    assert diskretion.suppress({"a": 10, "b": 20, "c": 30}, 5, True, hidden=["a"]) == {"a": S, "b": S, "c": None}
    assert diskretion.suppress({"a": 10, "b": 2, "c": 30}, 5, True, hidden=["a"]) == {"a": S, "b": P, "c": None}


def test_a_small_cell_equal_to_its_total_needs_nothing_more():
    # the other cells are zero: the cell is its total, which is itself small and suppressed by the caller
    assert diskretion.suppress({"a": 3, "b": 0}, 5, total_shown=True) == {"a": P, "b": None}


def test_grid_compared_rows_hide_the_other_group_and_the_columns_need_a_second_cell():
    grid = {
        "dansk": {"forsoeg": 600, "kontrol": 500},
        "vestlig": {"forsoeg": 3, "kontrol": 60},
        "ikke-vestlig": {"forsoeg": 300, "kontrol": 290},
    }
    marks = diskretion.suppress_grid(grid, 5, column_sums=True, compared_rows=True)
    assert marks == {
        "dansk": {"forsoeg": None, "kontrol": None},
        "vestlig": {"forsoeg": P, "kontrol": S},
        "ikke-vestlig": {"forsoeg": S, "kontrol": S},
    }


def test_grid_with_both_margins_leaves_no_margin_with_a_single_hidden_cell():
    rng = random.Random(20)
    for _ in range(200):
        grid = {r: {c: rng.choice([0, 1, 2, 4, 5, 9, 30, 70]) for c in "xyz"} for r in "abcd"}
        marks = diskretion.suppress_grid(grid, 5, row_sums=True, column_sums=True)
        margins = [[(r, c) for c in "xyz"] for r in "abcd"] + [[(r, c) for r in "abcd"] for c in "xyz"]
        for margin in margins:
            hidden = [cell for cell in margin if marks[cell[0]][cell[1]]]
            others = [grid[r][c] for r, c in margin if (r, c) not in hidden]
            # one hidden cell is only left where no non-zero cell could join it
            assert len(hidden) != 1 or not any(others), (grid, marks)
        for r in grid:
            for c in grid[r]:
                assert (marks[r][c] == P) == diskretion.is_small(grid[r][c], 5)


def test_a_compared_outcome_hides_both_groups():
    n = {"forsoeg": 900, "kontrol": 850}
    assert diskretion.suppress_outcome({"forsoeg": 3, "kontrol": 50}, n, 5) == {"forsoeg": P, "kontrol": S}
    # few without the outcome reveal as much as few with it
    assert diskretion.suppress_outcome({"forsoeg": 898, "kontrol": 50}, n, 5) == {"forsoeg": P, "kontrol": S}
    assert diskretion.suppress_outcome({"forsoeg": 0, "kontrol": 50}, n, 5) == {"forsoeg": None, "kontrol": None}
    # an empty group has no share and no difference to protect
    assert diskretion.suppress_outcome({"forsoeg": 0, "kontrol": 2}, {"forsoeg": 0, "kontrol": 9}, 5) == {
        "forsoeg": None, "kontrol": P,
    }


# ---------------------------------------------------------------- formatting, notes and markers


def test_cells():
    assert beskyttet.count_cell(3, 5) == "<5" and beskyttet.count_cell(3, 10) == "<10"
    assert beskyttet.count_cell(0, 5) == "0" and beskyttet.count_cell(1234, 5) == "1.234"
    assert beskyttet.count_cell(900, 5, S) == ".."
    assert beskyttet.pct_cell(450, 900, 5) == "50 pct." and beskyttet.pct_cell(450, 900, 5, S) == ".."
    assert beskyttet.pct_cell(3, 900, 5) == ".." and beskyttet.pct_cell(0, 3, 5) == ".."  # a small total
    assert beskyttet.share_with_count_cell(606, 917, 5) == "66 pct. (606)"
    assert beskyttet.share_with_count_cell(3, 917, 5, P) == ".. (<5)"
    assert beskyttet.share_with_count_cell(300, 917, 5, S) == ".. (..)"


def test_texts():
    assert beskyttet.count_text(3, 5) == "færre end 5" and beskyttet.count_text(1234, 5) == "1.234"
    assert beskyttet.count_text(300, 5, S) == "et skjult antal"
    assert beskyttet.citizens_text(1, 5) == "færre end 5 borgere"
    assert beskyttet.citizens_text(1, 1) == "1 borger" and beskyttet.citizens_text(12, 5) == "12 borgere"


def test_the_note_explains_only_the_symbols_in_the_table():
    table = Table(["", "a"]).add_row("Under 5 år", "12")  # the first column is a label, never a cell
    assert beskyttet.annotate(table, 5).notes == []
    table.add_row("x", "<5")
    assert beskyttet.annotate(table, 5).notes == ["<5: færre end 5 borgere."]
    table = Table(["", "a"]).add_row("x", ".. (<5)")
    [note] = beskyttet.annotate(table, 5, unit="planer", extra="Mere.").notes
    assert note.startswith("<5: færre end 5 planer. ..: skjult af hensyn til diskretion") and note.endswith("Mere.")


def test_markers_name_only_what_was_suppressed():
    assert diskretion.mark_json({"a": 1}, {"a": None}) == {"a": 1}
    marks = {"a": P, "b": None, "rehab": {"x": None, "y": S}, "c": {"x": None}}
    assert diskretion.mark_json({"a": 1}, marks) == {"a": 1, "diskretion": {"a": P, "rehab": {"y": S}}}


# ---------------------------------------------------------------- published outputs on small groups

KH = "kontanthjaelp"


def _assert_hidden(text: str, *shown: str) -> None:
    for item in shown:
        assert item not in text, item


def test_exits_with_few_citizens(config):
    # 40 per group; beskæftigelse 3 of 40 in forsøg (7.5 %) against 12 of 40 (30 %)
    destinations = {
        "forsoeg": ["beskaeftigelse"] * 3 + ["smaajob"] * 10 + [KH] * 27,
        "kontrol": ["beskaeftigelse"] * 12 + ["smaajob"] * 10 + [KH] * 18,
    }
    ids = {g: [f"{g[0].upper()}{i:02d}" for i in range(len(d))] for g, d in destinations.items()}
    borgere = pd.DataFrame(
        {"borger_id": ids["forsoeg"] + ids["kontrol"], "gruppe": ["forsoeg"] * 40 + ["kontrol"] * 40}
    )
    ydelser = panel(
        {b: [KH] * 3 + [d] * 20 for g in destinations for b, d in zip(ids[g], destinations[g])}
    )
    result = afgange.compute({"borgere": borgere, "ydelser": ydelser}, config, config.fase("midtvejs"))
    assert result.antal["forsoeg"]["beskaeftigelse"] == 3

    table = afgange.table_job(result, config)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Beskæftigelse"] == ["<5", "..", "..", ".."]
    assert rows["Småjob"] == ["10", "25,0 pct.", "10", "25,0 pct."]
    markdown = table.to_markdown()
    _assert_hidden(markdown, "| 3 |", "8 pct.", "| 12 |", "30 pct.")
    assert "<5: færre end 5 borgere." in markdown and "..: skjult af hensyn til diskretion" in markdown

    text = afgange.summary(result, config, afgange.JOB_AND_EDUCATION)
    _assert_hidden(text, "3 borgere", "8 pct.", "12 borgere", "30 pct.")
    assert "Beskæftigelse: antal, andele og forskellen mellem grupperne vises ikke" in text
    _assert_hidden(text, "22,5")
    assert "færre end 5 borgere i forsøgsafdelingen har udfaldet" in text

    udfald = afgange.to_json(result)["udfald"]
    assert udfald["beskaeftigelse"]["forsoeg"] == {"antal": 3, "n": 40, "andel": 3 / 40}
    assert udfald["beskaeftigelse"]["diskretion"] == {"forsoeg": P, "kontrol": S}
    assert "diskretion" not in udfald["smaajob"]


def _baseline_data() -> pd.DataFrame:
    """30 per group: 2 of forsøg's citizens of western origin, 2 without a start date of kontanthjælp."""
    herkomst = {
        "forsoeg": ["dansk"] * 20 + ["vestlig"] * 2 + ["ikke-vestlig"] * 8,
        "kontrol": ["dansk"] * 15 + ["vestlig"] * 7 + ["ikke-vestlig"] * 8,
    }
    siden = [pd.NaT] * 2 + [pd.Timestamp("2014-01-01")] * 10 + [pd.Timestamp("2017-01-01")] * 18
    return pd.DataFrame(
        {
            "borger_id": [f"B{i:02d}" for i in range(60)],
            "gruppe": ["forsoeg"] * 30 + ["kontrol"] * 30,
            "koen": ["K", "M"] * 30,
            "alder": [30 + i % 20 for i in range(60)],
            "herkomst": herkomst["forsoeg"] + herkomst["kontrol"],
            "offentlig_forsoergelse_aar": [2.0 + i % 5 for i in range(60)],
            "kontanthjaelp_siden": siden + [pd.Timestamp("2014-01-01")] * 12 + [pd.Timestamp("2017-01-01")] * 18,
        }
    )


def test_baseline_with_a_small_category(config):
    config = replace(config, diskretion_undtaget=())  # the safe default: citizens without a start date protected
    result = baseline.compute({"borgere": _baseline_data()}, config)
    table = baseline.table_characteristics(result, config)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Vestlig herkomst"] == [".. (<5)", ".. (..)"]
    # each group's categories add up to its size, so one more cell per column is hidden
    assert rows["Ikke-vestlig herkomst"] == [".. (..)", ".. (..)"]
    assert rows["Dansk herkomst"] == ["67 pct. (20)", "50 pct. (15)"] and rows["Antal borgere"] == ["30", "30"]
    _assert_hidden(table.to_markdown(), "(2)", "| 7 pct.", "(7)", "| 23 pct.", "(8)", "| 27 pct.")

    balance = {row[0]: row[1:] for row in baseline.table_balance(result, config).rows}
    assert balance["Vestlig herkomst"][:3] == ["..", "..", ".."]  # the SMD would give the shares
    assert balance["Dansk herkomst"][:2] == ["67 pct.", "50 pct."]

    history = baseline.table_history(result, config)
    # counted under the shorter history, so that Tabel 2's total is the group's size (as in Tabel 1)
    assert "tæller med under 'Under 3 år'" in history.notes[-1] and "oplyses ikke" in history.notes[-1]
    assert [row[-1] for row in history.rows] == ["30", "30"]
    assert baseline.summary(result, config).count("Andelen med dansk herkomst var 67 pct.") == 1

    payload = baseline.to_json(result)["baseline"]
    assert payload["herkomst"]["vestlig"]["forsoeg"]["antal"] == 2
    assert payload["herkomst"]["vestlig"]["diskretion"] == {"forsoeg": P, "kontrol": S}
    assert payload["herkomst"]["ikke-vestlig"]["diskretion"] == {"forsoeg": S, "kontrol": S}
    assert "diskretion" not in payload["herkomst"]["dansk"] and "diskretion" not in payload["koen"]["K"]
    assert payload["balance"]["herkomst_vestlig"]["diskretion"] == {"forsoeg": P, "kontrol": S, "smd": S}
    assert payload["kontanthjaelpshistorik"]["uden_startdato"] == {"forsoeg": 2, "kontrol": 0, "diskretion": {"forsoeg": P}}
    assert payload["kontanthjaelpshistorik"]["kort"]["forsoeg"]["n"] == 30  # the whole group

    exempt_config = replace(config, diskretion_undtaget=("uden_startdato",))
    exempt = baseline.compute({"borgere": _baseline_data()}, exempt_config)
    history = baseline.table_history(exempt, exempt_config)
    assert "To borgere uden startdato for kontanthjælp (2 i forsøgsafdelingen) indgår ikke" in history.notes[-1]
    assert [row[-1] for row in history.rows] == ["28", "30"]


def _flow_data() -> dict[str, pd.DataFrame]:
    """20 per group, ten weeks of ydelser from the start date: F00 and F01 start on another benefit, F02 leaves
    the data after eight weeks, F03 and F04 have no start date of kontanthjælp; K00–K05 leave after three."""
    ids = [f"F{i:02d}" for i in range(20)] + [f"K{i:02d}" for i in range(20)]
    statuses = {b: [KH] * 10 for b in ids}
    statuses.update({"F00": ["sygedagpenge"] * 2 + [KH] * 8, "F01": ["sygedagpenge"] * 2 + [KH] * 8, "F02": [KH] * 8})
    statuses.update({f"K{i:02d}": [KH] * 3 for i in range(6)})
    siden = [pd.Timestamp("2016-01-01")] * 40
    siden[3] = siden[4] = pd.NaT
    borgere = pd.DataFrame({"borger_id": ids, "gruppe": ["forsoeg"] * 20 + ["kontrol"] * 20, "kontanthjaelp_siden": siden})
    return {"borgere": borgere, "ydelser": panel(statuses)}


def test_the_flow_with_few_citizens_at_some_steps(config):
    config = replace(config, diskretion_undtaget=())  # the safe default: citizens without a start date protected
    fase = replace(config.fase("midtvejs"), maaleperiode=Periode(dt.date(2018, 1, 1), dt.date(2018, 3, 1)))
    result = baseline.flow(_flow_data(), config, fase)
    assert result.forladt_foer_slut("forsoeg") == 1 and result.forladt_foer_slut("kontrol") == 6

    text = baseline.flow_text(result, config)
    assert "I startugen var alle på nær færre end 5 i forsøgsafdelingen og 20 i kontrolgruppen på kontanthjælp, " \
        "mens færre end 5 i forsøgsafdelingen havde en anden ydelse." in text
    # the text gives the total of those who left (7), so kontrolgruppen's 6 is hidden with forsøg's 1
    assert "Ydelsesdata følger alle på nær færre end 5 i forsøgsafdelingen og et skjult antal i kontrolgruppen" in text
    assert "I alt forsvinder 7 borgere fra data før (færre end 5 i forsøgsafdelingen og et skjult antal i kontrolgruppen)" in text
    # the two without a start date are counted under the shorter history (Tabel 2): no one is left out
    assert "er udeladt" not in text
    _assert_hidden(text, " 1 i ", " 2 i ", " 6 i ", "18 i", "19 i", "14 i")
    assert "<5: færre end 5 borgere." in text and "..: skjult" in text

    lines = {g: [line for box in baseline._flow_boxes(result, config, g, result.skjult()) for line, _kind in box] for g in ("forsoeg", "kontrol")}
    assert "alle på nær <5 borgere" in lines["forsoeg"] and "Forsvandt fra data før: <5" in lines["forsoeg"]
    assert not any("Kontanthjælpshistorik: alle på nær" in line for line in lines["forsoeg"])
    assert ".. borgere" in lines["kontrol"] and "Forsvandt fra data før: .." in lines["kontrol"]
    assert "Udeladt, uden startdato: 0" in lines["kontrol"]

    flow = baseline.flow_to_json(result)["flow"]
    assert flow["forsoeg"]["forladt_foer_slut"] == 1 and flow["kontrol"]["forladt_foer_slut"] == 6
    assert flow["forsoeg"]["diskretion"] == {
        "kontanthjaelp_startuge": S, "ikke_kontanthjaelp_startuge": P, "fulgt_til_slut": S,
        "forladt_foer_slut": P,
    }
    assert flow["kontrol"]["diskretion"] == {"fulgt_til_slut": S, "forladt_foer_slut": S}
    assert flow["forsoeg"]["udeladt_historik"] == 0

    exempt = baseline.flow(_flow_data(), replace(config, diskretion_undtaget=("uden_startdato",)), fase)
    assert "2 i forsøgsafdelingen er udeladt" in baseline.flow_text(exempt, config)


def test_company_placements_with_few_citizens(config):
    borgere = pd.DataFrame({"borger_id": [f"B{i:02d}" for i in range(60)], "gruppe": ["forsoeg"] * 30 + ["kontrol"] * 30})
    placed = ["B00", "B01"] + [f"B{i:02d}" for i in range(30, 40)]  # 2 of 30 against 10 of 30
    placements = pd.DataFrame(
        {"borger_id": placed, "type": "praktik", "start": pd.Timestamp("2018-03-01"), "slut": pd.NaT}
    )
    result = vp.compute({"borgere": borgere, "virksomhedsplaceringer": placements}, config, config.fase("midtvejs"))
    table = vp.table(result, config)
    assert table.rows == [["Forsøgsafdeling", "<5", "..", "30", ".."], ["Kontrolgruppe", "..", "..", "30", ".."]]
    text = vp.summary(result, config)
    _assert_hidden(text, "2 af 30", "7 pct.", "10 af 30", "33 pct.", "praktik")
    assert "færre end 5 borgere i forsøgsafdelingen var i virksomhedsplacering" in text
    _assert_hidden(text, "26,7")
    payload = vp.to_json(result)
    assert payload["udfald"]["virksomhedsplacering"]["forsoeg"]["antal"] == 2
    assert payload["udfald"]["virksomhedsplacering"]["diskretion"] == {"forsoeg": P, "kontrol": S}
    assert payload["virksomhedsplaceringer"]["typer"]["praktik"] == {
        "forsoeg": 2, "kontrol": 10, "diskretion": {"forsoeg": P, "kontrol": S},
    }


def test_the_long_term_group_with_few_still_on_kontanthjaelp(config):
    fase = config.fase("midtvejs")
    monday = langtidsgruppen.week_monday(fase.statusdato)
    ids = [f"F{i:02d}" for i in range(20)] + [f"K{i:02d}" for i in range(20)]
    borgere = pd.DataFrame(
        {"borger_id": ids, "gruppe": ["forsoeg"] * 20 + ["kontrol"] * 20, "kontanthjaelp_siden": pd.Timestamp("2012-01-01")}
    )
    still = ["F00", "F01"] + [f"K{i:02d}" for i in range(10)]  # 2 of 20 against 10 of 20
    ydelser = pd.DataFrame(
        {"borger_id": ids, "uge": pd.Timestamp(monday), "ydelse": [KH if b in still else "beskaeftigelse" for b in ids]}
    )
    result = langtidsgruppen.compute({"borgere": borgere, "ydelser": ydelser}, config, fase)
    table = langtidsgruppen.table(result, config)
    assert table.rows == [["Forsøgsafdeling", "20", "<5", ".. (..)"], ["Kontrolgruppe", "20", "..", ".. (..)"]]
    text = langtidsgruppen.summary(result, config)
    _assert_hidden(text, "18 borgere", "90 pct.", "10 af", "50 pct.")
    assert "færre end 5 borgere i forsøgsafdelingen stadig modtog kontanthjælp" in text
    _assert_hidden(text, "40,0")
    assert langtidsgruppen.figure(result, config).data.startswith("<svg")
    payload = langtidsgruppen.to_json(result)
    assert payload["udfald"]["lang_kh_reduktion"]["forsoeg"]["antal"] == 18
    assert payload["udfald"]["lang_kh_reduktion"]["diskretion"] == {"forsoeg": P, "kontrol": S}
    assert payload["langtidsgruppen"]["forsoeg"] == {"ved_start": 20, "paa_kontanthjaelp": 2, "diskretion": {"paa_kontanthjaelp": P}}


def test_plans_with_few_outcomes(config):
    outcomes = {
        "forsoeg": ["indstillet"] * 8 + ["udskudt"] * 3 + ["afvist"],
        "kontrol": ["indstillet"] * 6 + ["udskudt"] * 4,
    }
    rows = [(f"{g[0].upper()}{i:02d}", "2018-05-01", True, o) for g, os in outcomes.items() for i, o in enumerate(os)]
    frame = pd.DataFrame(rows, columns=["borger_id", "dato", "markeret", "rehab_resultat"])
    frame["dato"] = pd.to_datetime(frame["dato"])
    borgere = pd.DataFrame({"borger_id": [r[0] for r in rows], "gruppe": ["forsoeg"] * 12 + ["kontrol"] * 10})
    result = planer.compute({"borgere": borgere, "forberedende_planer": frame}, config, config.fase("midtvejs"))
    table = {row[0]: row[1:] for row in planer.table(result, config).rows}
    assert table["Forberedende planer"] == ["12", "10", "22"]
    assert table["Udskudt af rehabiliteringsteamet"] == [".. (<5)", ".. (<5)", ".. (..)"]
    assert table["Afvist af rehabiliteringsteamet"] == [".. (<5)", "0 pct. (0)", ".. (<5)"]
    # kontrol's plans add up to 10 with one hidden cell: indstillet is hidden too, then forsøg's (the row's
    # total is shown) and the total column's next smallest (udskudt, 7)
    assert table["Indstillet af rehabiliteringsteamet"] == [".. (..)", ".. (..)", "64 pct. (14)"]
    text = planer.summary(result, config)
    _assert_hidden(text, "25 pct.", "40 pct.", "8 pct.")
    # each hidden share is left out of the sentence rather than named again and again (issue 17, point 6)
    assert "skjult andel" not in text and "vises ikke af hensyn til diskretion" in text
    assert "0 pct. i kontrolgruppen blev afvist" in text
    payload = planer.to_json(result)["planer"]
    assert payload["forsoeg"]["rehab"]["afvist"] == 1
    assert payload["forsoeg"]["rehab"]["diskretion"] == {"indstillet": S, "udskudt": P, "afvist": P}
    assert "diskretion" not in payload["forsoeg"]  # plans, citizens and ticked plans are all shown


def _results(config, phase: str, **counts):
    n = {"forsoeg": 900, "kontrol": 900}
    fragment = {"udfald": {key: outcome({"forsoeg": f, "kontrol": k}, n) for key, (f, k) in counts.items()}}
    return assemble(config.fase(phase), [fragment], config.analyseplan)


def test_the_comparison_of_an_outcome_with_few_citizens_is_hidden_with_its_estimates(config):
    results = _results(config, "slut", beskaeftigelse=(100, 98), foertidspension=(3, 20))
    text = sammenfatning.resume(results, config)
    assert "Førtidspension: antal, andele og forskellen mellem grupperne vises ikke af hensyn til diskretion" in text
    assert "færre end 5 borgere i forsøgsafdelingen har udfaldet" in text
    _assert_hidden(text, "0 pct. i forsøgsafdelingen", "2 pct. i kontrolgruppen", "1,9")
    assert "Beskæftigelse: 11,1 pct. i forsøgsafdelingen mod 10,9 pct. i kontrolgruppen" in text
    assert "i andelen med beskæftigelse" in sammenfatning.mde_sentence(results, config)
    assessment = sammenfatning.assessment(results, config)
    assert "af de 1 sammenligninger" not in assessment and "førtidspension vises ikke" in assessment

    table = sammenfatning.table_effects(results, config)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Førtidspension"] == [".."] * 5
    assert rows["Beskæftigelse"][3] == "≥ 0,05"
    markdown = table.to_markdown()
    assert "..: skjult af hensyn til diskretion" in markdown and "vises heller ikke forskellen" in markdown
    assert {r[0]: r[1:] for r in sammenfatning.table_adjusted(results, config).rows}["Førtidspension"] == [".."] * 3

    earlier = Comparison(_results(config, "midtvejs", foertidspension=(2, 12)), {"fil": "m/resultater.json", "sha256": "ab" * 32})
    [row] = sammenfatning.table_comparison(results, earlier, config).rows
    assert row == ["Førtidspension", "..", "..", "..", ".."]
    assert "førtidspension vises ikke" in sammenfatning.comparison_text(results, earlier, config)
    assert sammenfatning.mde_sentence(_results(config, "slut", foertidspension=(3, 20)), config) == ""


def test_nothing_is_suppressed_with_large_counts(config):
    results = _results(config, "slut", beskaeftigelse=(102, 89))
    assert ".." not in sammenfatning.table_effects(results, config).to_markdown()
    assert "diskretion" not in sammenfatning.resume(results, config)


@pytest.mark.parametrize("threshold", [3, 10])
def test_the_threshold_is_read_from_the_configuration(config, threshold):
    configured = replace(config, diskretionsgraense=threshold)
    result = baseline.compute({"borgere": _baseline_data()}, configured)
    rows = {row[0]: row[1:] for row in baseline.table_characteristics(result, configured).rows}
    if threshold == 3:  # 2 < 3 is hidden, 7 and 8 are not
        assert rows["Vestlig herkomst"][0] == f".. (<{threshold})" and rows["Dansk herkomst"] == ["67 pct. (20)", "50 pct. (15)"]
    else:  # 2, 7 and 8 < 10
        assert rows["Vestlig herkomst"] == [".. (<10)", ".. (<10)"] and rows["Ikke-vestlig herkomst"] == [".. (<10)", ".. (<10)"]
