"""An attacker with a spreadsheet, on random small data sets (issue 16, point 5): the published
resultater.json of each phase, which holds every number the documents print, is checked against the
sums a reader knows from the data contract (each citizen has one outcome, one origin, one sex; the flow
splits each group in two at every step; Tabel 2's two histories add up to its total). No such sum may
have exactly one hidden term while its total and the other terms are published: subtraction would give
the hidden count. A count published in two places must be hidden in both or in neither.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ROOT
from test_properties import NoRender

from evalkit.bygning.build import build
from evalkit.bygning.resultater import PLAN_FILE
from evalkit.bygning.udgivelse import intern_dir
from evalkit.config import load_config
from evalkit.data.simulering.storskala import panel, write_panel
from evalkit.maaleparametre import dokument
from evalkit.maaleparametre.afgange import OUTCOMES, STILL_ON_KH
from evalkit.maaleparametre.baseline import FLOW_STEPS
from evalkit.statistik.register import revealed

GROUPS = ("forsoeg", "kontrol")
SEEDS = (1, 2, 3, 4)  # about 130 citizens a group: several rare outcomes fall below 5
# seed 4's final phase: three plan outcomes below 5 in a group of 12 plans add up only one way (4 + 4 + 4)
# and need the document's solution, which hides further counts and runs the notebooks again
SECOND_RUN = (4, "slut")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[tuple[int, str], dict[str, Any]]:
    """The published resultater.json per (seed, phase), built with the safe default (nothing exempt)."""
    base = tmp_path_factory.mktemp("angreb")
    config_path = base / "forsoeg.yml"
    config_path.write_text(
        (ROOT / "forsoeg.yml").read_text(encoding="utf-8").replace("diskretion_undtaget: [uden_startdato]", "diskretion_undtaget: []"),
        encoding="utf-8",
    )
    config = load_config(config_path)
    assert config.diskretion_undtaget == ()
    results = {}
    for seed in SEEDS:
        data, out = base / f"data{seed}", base / f"ud{seed}"
        write_panel(panel(config, borgere=260, seed=seed), data)
        build(data, out, renderer=NoRender(), config_path=config_path, allow_broken_premises=True)
        for fase in ("midtvejs", "slut"):
            results[seed, fase] = json.loads((out / fase / "resultater.json").read_text(encoding="utf-8"))
            plan = intern_dir(out) / fase / PLAN_FILE
            results[seed, fase, "plan"] = json.loads(plan.read_text(encoding="utf-8")) if plan.is_file() else []
            results[seed, fase, "notesbøger"] = {p.name: json.loads(p.read_text(encoding="utf-8"))
                                                  for p in sorted((out / fase).glob("*.ipynb"))}
    results["config"] = config
    return results


def _antal(cell: dict[str, Any] | None) -> int | None:
    return None if cell is None else cell["antal"]


def _sums(r: dict[str, Any]) -> list[tuple[str, int | None, list[int | None]]]:
    """(name, total, terms) of every sum a reader knows, per group."""
    sums = []
    for g in GROUPS:
        n = r["grupper"][g]["n"]
        exits = [_antal(r["udfald"]["fortsat_kontanthjaelp" if o == STILL_ON_KH else o][g]) for o in OUTCOMES]
        sums.append((f"udfald/{g}", n, exits))
        for name in ("herkomst", "koen"):
            sums.append((f"{name}/{g}", n, [_antal(cell[g]) for cell in r["baseline"][name].values()]))
        historik = r["baseline"]["kontanthjaelpshistorik"]
        total = None if historik["kort"][g] is None else historik["kort"][g]["n"]
        sums.append((f"historik/{g}", total, [_antal(historik["kort"][g]), _antal(historik["lang"][g])]))
        if total is not None and total != n:  # the citizens without a start date are left out of Tabel 2
            sums.append((f"uden_startdato/{g}", n, [total, historik["uden_startdato"][g]]))
        flow = r["flow"][g]
        for step, rest in FLOW_STEPS.items():
            sums.append((f"flow/{step}/{g}", flow["randomiseret"], [flow[step], flow[rest]]))
        lt = r["langtidsgruppen"][g]
        sums.append((f"langtidsgruppen/{g}", lt["ved_start"], [lt["paa_kontanthjaelp"], _antal(r["udfald"]["lang_kh_reduktion"][g])]))
    return sums


def _same(r: dict[str, Any]) -> list[tuple[str, int | None, int | None]]:
    """Counts published in two places."""
    historik = r["baseline"]["kontanthjaelpshistorik"]
    return [(f"langtidsgruppen/{g}", r["langtidsgruppen"][g]["ved_start"], _antal(historik["lang"][g])) for g in GROUPS]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_no_sum_gives_a_hidden_count(published, seed, fase):
    r = published[seed, fase]
    for name, total, terms in _sums(r):
        hidden = sum(term is None for term in terms)
        assert not (total is not None and hidden == 1), f"{name}: total {total}, terms {terms}"
    for name, first, second in _same(r):
        assert (first is None) == (second is None), f"{name}: {first} and {second}"


def test_the_data_sets_hide_something(published):
    """Guard for the test above: the random data sets do have hidden counts (else it tests nothing)."""
    hidden = [term for seed in SEEDS for fase in ("midtvejs", "slut") for _name, _total, terms in _sums(published[seed, fase])
              for term in terms if term is None]
    assert len(hidden) >= 10


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_no_hidden_count_can_be_worked_out_from_the_whole_published_file(published, seed, fase):
    """The reader's integer programme over every count the published file holds and every relation
    between them, across all tables of the document (`register.revealed`): no hidden small count has
    only one possible value."""
    config = published["config"]
    counts = dokument.register(published[seed, fase], config)
    assert len(counts.values) > 80 and len(counts.hidden()) >= 5, "the register holds the document"
    assert revealed(counts) == {}


def test_the_document_solution_hides_what_the_tables_rules_leave_open(published):
    """Seed 4's final phase: the build hid further counts and ran the notebooks again; the published file
    and the executed notebook hide them too."""
    plan = published[(*SECOND_RUN, "plan")]
    assert plan, "the data set no longer needs the document's solution: choose another"
    r = published[SECOND_RUN]
    for key in plan:
        parts = key.split("/")
        container = r
        for part in parts[:-1]:
            container = container[part]
        assert container[parts[-1]] is None and container["diskretion"][parts[-1]] == "sekundaer", key
    if {"planer/forsoeg/planer", "planer/kontrol/planer"} <= set(plan):  # as the table prints them
        planer = json.dumps(published[(*SECOND_RUN, "notesbøger")]["planer.ipynb"], ensure_ascii=False)
        assert "| Forberedende planer | .. | .. |" in planer


@pytest.mark.parametrize("seed", SEEDS)
def test_the_published_notebooks_hold_only_what_the_document_shows(published, seed):
    """The executed notebooks beside the report are machine-readable too: their outputs are the
    document's tables and texts (markdown) and figures (SVG, attacked in test_disclosure_figures), with no
    printed data, no streams, no errors and no results in their metadata."""
    for fase in ("midtvejs", "slut"):
        notebooks = published[seed, fase, "notesbøger"]
        assert len(notebooks) == 9
        for name, nb in notebooks.items():
            for cell in nb["cells"]:
                for output in cell.get("outputs", []):
                    assert output["output_type"] in ("execute_result", "display_data"), (name, output["output_type"])
                    kinds = set(output["data"]) - {"text/plain"}
                    assert kinds in ({"text/markdown"}, {"image/svg+xml"}), (name, kinds)
                    assert output["data"]["text/plain"] in (["<IPython.core.display.Markdown object>"],
                                                            ["<IPython.core.display.SVG object>"]), name
            assert set(nb["metadata"]) <= {"kernelspec", "language_info", "papermill", "celltoolbar"}, name
            assert set(nb["metadata"].get("papermill", {}).get("parameters", {})) <= {
                "fase", "data_dir", "output_dir", "config_path", "sammenligning", "analysetekster",
                "kontrollerede_data"}, name  # a path relative to the notebook, to the build's checked tables
