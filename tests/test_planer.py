"""Preparatory plans (data contract, section 3, måleparameter 5) on small hand-made tables, and the
verdict on the example data."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import EXAMPLE
from IPython.display import SVG

from evalkit.data.loading import load_tables
from evalkit.maaleparametre import planer

BORGERE = pd.DataFrame({"borger_id": ["F1", "F2", "K1", "K2"], "gruppe": ["forsoeg", "forsoeg", "kontrol", "kontrol"]})


def plans(rows: list[tuple[str, str, bool, str | None]]) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame(rows, columns=["borger_id", "dato", "markeret", "rehab_resultat"])
    frame["dato"] = pd.to_datetime(frame["dato"])
    return {"borgere": BORGERE, "forberedende_planer": frame}


def test_counts_per_group_and_plans_outside_the_period_are_excluded(unsuppressed):
    config = unsuppressed  # counts of 1-4 shown, to see the definition at work
    fase = config.fase("midtvejs")  # placement period: the calendar year 2018
    data = plans(
        [
            ("F1", "2018-01-01", True, "indstillet"),  # first day: in
            ("F1", "2018-06-01", False, "udskudt"),  # same citizen, second plan
            ("F2", "2018-12-31", True, None),  # last day: in, no outcome
            ("F2", "2017-12-31", True, "afvist"),  # before: out
            ("K1", "2019-01-01", True, "afvist"),  # after: out
            ("K2", "2018-03-03", False, "afvist"),
        ]
    )
    result = planer.compute(data, config, fase)
    f, k = result.grupper["forsoeg"], result.grupper["kontrol"]
    assert (f.planer, f.borgere_med_plan, f.markeret) == (3, 2, 2)
    assert f.rehab == {"indstillet": 1, "udskudt": 1, "afvist": 0, "uden": 1}
    assert (k.planer, k.borgere_med_plan, k.markeret) == (1, 1, 0)
    assert k.rehab == {"indstillet": 0, "udskudt": 0, "afvist": 1, "uden": 0}
    assert result.markeret_andel == pytest.approx(0.5)
    payload = planer.to_json(result)["planer"]
    assert payload["periode"] == {"start": "2018-01-01", "slut": "2018-12-31"}
    assert payload["forsoeg"] == {
        "planer": 3,
        "borgere_med_plan": 2,
        "markeret": 2,
        "rehab": {"indstillet": 1, "udskudt": 1, "afvist": 0, "uden": 1},
    }
    rows = {row[0]: row[1:] for row in planer.table(result, config).rows}
    assert rows["Forberedende planer"] == ["3", "1", "4"]
    assert rows["Borgere med mindst én plan"] == ["2", "1", "3"]
    assert rows["Markeret i fagsystemet"] == ["67 pct. (2)", "0 pct. (0)", "50 pct. (2)"]


def ten_plans(ticked: int) -> dict[str, pd.DataFrame]:
    return plans([("F1" if i % 2 else "K1", "2018-05-01", i < ticked, "indstillet") for i in range(10)])


def test_the_ticked_share_against_the_threshold_decides_the_verdict(config):
    fase = config.fase("midtvejs")
    assert config.planer_markeret_graense == 0.9
    valid = planer.compute(ten_plans(9), config, fase)
    invalid = planer.compute(ten_plans(8), config, fase)
    assert valid.data_gyldige and not invalid.data_gyldige
    assert planer.to_json(valid)["planer"]["data_gyldige"] is True
    assert planer.to_json(invalid)["planer"]["data_gyldige"] is False
    assert "grænsen på 90 pct. er nået" in planer.summary(valid, config)
    text = planer.summary(invalid, config)
    assert text.startswith("Kun 8 af de 10 planer (80 pct.) er markeret") and "grænsen er 90 pct." in text
    assert "ikke" not in planer.verdict(valid) and "for ufuldstændig" in planer.verdict(invalid)
    assert planer.verdict(invalid) in planer.table(invalid, config).to_markdown()


def test_the_threshold_comes_from_the_configuration(config):
    lower = dataclasses.replace(config, planer_markeret_graense=0.75)
    assert planer.compute(ten_plans(8), lower, lower.fase("midtvejs")).data_gyldige


def test_a_share_just_below_the_threshold_is_not_shown_as_equal_to_it(config):
    rows = [("F1", "2018-05-01", i < 896, None) for i in range(1000)]
    result = planer.compute(plans(rows), config, config.fase("midtvejs"))
    assert not result.data_gyldige
    assert "(89,6 pct.)" in planer.verdict(result) and "grænsen er 90,0 pct." in planer.verdict(result)


def test_no_plan_in_the_period_makes_the_measure_unavailable(config):
    result = planer.compute(plans([("F1", "2021-01-01", True, None)]), config, config.fase("slut"))
    assert not result.tilgaengelig
    assert "ingen forberedende planer" in result.begrundelse and "slutevalueringen" in result.begrundelse
    assert planer.to_json(result)["planer"]["markeret_andel"] is None


def test_figure_is_svg(config):
    result = planer.compute(ten_plans(5), config, config.fase("midtvejs"))
    assert isinstance(planer.figure(result, config), SVG)


def test_example_plan_data_are_judged_not_valid(config):
    data = load_tables(EXAMPLE, planer.TABLES)
    result = planer.compute(data, config, config.fase("slut"))
    assert result.tilgaengelig
    assert result.markeret_andel == pytest.approx(0.45, abs=0.01)
    assert not result.data_gyldige
    text = planer.summary(result, config)
    assert "(45 pct.)" in text and "grænsen er 90 pct." in text and "for ufuldstændig" in text
