"""The published folder holds only protected numbers; the unprotected ones go to `<output>-intern/`
(issue 16, point 4)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import small_tables, write_tables

from evalkit.bygning import udgivelse
from evalkit.bygning.build import build
from evalkit.bygning.resultater import HIDDEN_WITH_COUNTS, HOLM_AGAINST_ALPHA, assemble, published
from evalkit.maaleparametre.faelles import outcome
from evalkit.statistik import diskretion

N = {"forsoeg": 917, "kontrol": 856}


def _hidden_values(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every number a "diskretion" mark hides, anywhere in `value`."""
    found = []
    if isinstance(value, dict):
        marks = value.get("diskretion", {})
        for key, item in value.items():
            if key == "diskretion":
                continue
            mark = marks.get(key) if isinstance(marks, dict) else None
            if isinstance(mark, str):
                found.append((f"{path}.{key}", item))
            elif isinstance(mark, dict) and isinstance(item, dict):
                found += _hidden_values({**item, "diskretion": mark}, f"{path}.{key}")
            else:
                found += _hidden_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _hidden_values(item, f"{path}[{i}]")
    return found


def _results(config) -> dict[str, Any]:
    fragment = {"udfald": {
        "beskaeftigelse": outcome({"forsoeg": 160, "kontrol": 120}, N),
        "foertidspension": diskretion.mark_json(outcome({"forsoeg": 3, "kontrol": 20}, N),
                                                {"forsoeg": "primaer", "kontrol": "sekundaer"}),
    }}
    return assemble(config.fase("slut"), [fragment], config.analyseplan)


def test_published_results_hold_null_and_the_reason_where_the_report_hides(config):
    full = _results(config)
    shown = published(full, config.alpha)
    hidden = shown["udfald"]["foertidspension"]
    assert hidden["forsoeg"] is None and hidden["kontrol"] is None
    assert hidden["diskretion"]["forsoeg"] == "primaer" and hidden["diskretion"]["kontrol"] == "sekundaer"
    for name in ("forskel", "ci_nedre", "ci_oevre", "p", "p_eksakt", "p_holm"):
        assert hidden[name] is None and hidden["diskretion"][name] == HIDDEN_WITH_COUNTS, name
    other = shown["udfald"]["beskaeftigelse"]
    assert other["forskel"] == full["udfald"]["beskaeftigelse"]["forskel"]  # shown numbers stay exact
    assert other["p_holm"] is None and other["diskretion"]["p_holm"] == HOLM_AGAINST_ALPHA
    assert other["holm_under_alpha"] == (full["udfald"]["beskaeftigelse"]["p_holm"] < config.alpha)
    assert full["udfald"]["foertidspension"]["forsoeg"]["antal"] == 3  # the input is not changed
    assert all(value is None for _path, value in _hidden_values(shown))


def test_a_build_publishes_protected_numbers_and_keeps_the_true_ones_outside(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")  # three citizens a group: nearly every count is small
    out = tmp_path / "rapport"
    build(data, out, faser=["slut"], renderer="pandoc", allow_broken_premises=True)
    intern = udgivelse.intern_dir(out)
    assert udgivelse.made_by_evalkit(intern) and not (out / "intern").exists()
    public = json.loads((out / "slut" / "resultater.json").read_text(encoding="utf-8"))
    full = json.loads((intern / "slut" / "resultater.json").read_text(encoding="utf-8"))
    hidden = _hidden_values(public)
    assert hidden and all(value is None for _path, value in hidden)
    assert any(value not in (None, 0) for _path, value in _hidden_values(full))  # the analysts' copy is complete
    assert public == published(full, 0.05)
    # nothing else in the published folder repeats a hidden number in machine-readable form
    assert not list(out.rglob("*-intern*")) and not list(out.rglob("*.resultater.json"))


def test_the_internal_folder_is_evalkits_own(tmp_path):
    out = tmp_path / "rapport"
    intern = udgivelse.intern_dir(out)
    intern.mkdir(parents=True)
    (intern / "noter.txt").write_text("analytikerens egne noter")
    data = write_tables(small_tables(), tmp_path / "data")
    with pytest.raises(udgivelse.OutputRefused, match="de interne tal"):
        build(data, out, faser=["slut"], renderer="pandoc", allow_broken_premises=True)
    assert (intern / "noter.txt").read_text() == "analytikerens egne noter"
