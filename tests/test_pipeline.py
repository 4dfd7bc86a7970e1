"""Notebook execution: the project's own kernel, clean executed notebooks, Danish failures."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest
from conftest import ROOT, small_tables, write_tables
from nbformat.v4 import new_code_cell, new_notebook

from evalkit.bygning import pipeline
from evalkit.errors import BuildError


def _notebook(path, *sources):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(new_code_cell(s) for s in sources)]
    nbformat.write(nb, path)
    return path


def test_notebooks_run_on_this_environment_even_with_a_foreign_python3_kernel(tmp_path, monkeypatch):
    decoy = tmp_path / "jupyter" / "kernels" / "python3"
    decoy.mkdir(parents=True)
    (decoy / "kernel.json").write_text(
        json.dumps({"argv": ["/bin/false", "{connection_file}"], "display_name": "decoy", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = _notebook(tmp_path / "nb.ipynb", "import sys\nprint(sys.executable)")
    executed = tmp_path / "out.ipynb"
    pipeline.execute(source, executed, {"x": 2}, tmp_path)
    nb = nbformat.read(executed, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert printed.strip() == sys.executable


def test_executed_notebooks_carry_no_timing_metadata(tmp_path):
    source = _notebook(tmp_path / "nb.ipynb", "y = x + 1")
    executed = tmp_path / "out.ipynb"
    pipeline.execute(source, executed, {"x": 2}, tmp_path)
    text = executed.read_text()
    for key in ("start_time", "end_time", "duration", "\"execution\""):
        assert key not in text


def test_a_failing_notebook_gives_a_danish_error_with_the_executed_copy(tmp_path, config):
    data = write_tables(small_tables(), tmp_path / "data")
    [job] = [j for j in pipeline.plan(ROOT / "notebooks", ["slut"], data, ROOT / "forsoeg.yml", tmp_path / "b") if j.notebook == "afgange"]
    (data / "ydelser.csv").unlink()  # the notebook's own load now fails inside the kernel
    with pytest.raises(BuildError) as info:
        pipeline.run(job)
    message = str(info.value)
    assert "Notesbogen 'afgange' fejlede i fasen 'slut'" in message
    assert "ydelser" in message and str(job.executed) in message
    assert "Traceback" not in message


def test_jobs_declare_their_inputs_and_outputs(tmp_path):
    from evalkit import maaleparametre

    data = write_tables(small_tables(), tmp_path / "data")
    jobs = pipeline.plan(ROOT / "notebooks", ["midtvejs", "slut"], data, ROOT / "forsoeg.yml", tmp_path / "b")
    names = [*maaleparametre.NAMES, "sammenfatning"]
    assert [(j.notebook, j.fase) for j in jobs] == [(n, f) for f in ("midtvejs", "slut") for n in names]
    afgange = jobs[1]
    assert {p.name for p in afgange.inputs} == {"afgange.ipynb", "forsoeg.yml", "borgere.csv", "ydelser.csv"}
    assert afgange.outputs == (tmp_path / "b" / "midtvejs" / "afgange.ipynb", tmp_path / "b" / "midtvejs" / "afgange.resultater.json")
    summary = jobs[len(names) - 1]
    assert summary.notebook == "sammenfatning"
    # it reads the phase's results, the build's provenance record and the analysts' main findings
    provenance = tmp_path / "b" / "midtvejs" / "proveniens.resultater.json"
    qualitative = ROOT / "reports" / "kvalitativ_midtvejs.md"
    assert set(summary.inputs[2:]) == {j.fragment for j in jobs[: len(names) - 1]} | {provenance, qualitative}
    assert summary.parameters["analysetekster"] == [str(qualitative)]
    assert summary.comparison is None and "sammenligning" not in summary.parameters


def test_the_final_summary_reads_the_mid_term_results(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    [summary] = [j for j in pipeline.plan(ROOT / "notebooks", ["slut"], data, ROOT / "forsoeg.yml", tmp_path / "b") if j.notebook == "sammenfatning"]
    expected = pipeline.phase_results_path(tmp_path / "b", "midtvejs")
    assert summary.comparison == expected and expected in summary.inputs
    assert summary.parameters["sammenligning"] == "../midtvejs/resultater.json"  # relative to the working directory


def test_a_failing_notebook_is_kept_in_the_log_directory(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    [job] = [j for j in pipeline.plan(ROOT / "notebooks", ["slut"], data, ROOT / "forsoeg.yml", tmp_path / "b") if j.notebook == "afgange"]
    (data / "ydelser.csv").unlink()
    with pytest.raises(BuildError) as info:
        pipeline.run(job, failed_dir=tmp_path / "log")
    kept = tmp_path / "log" / "slut-afgange.ipynb"
    assert kept.is_file() and str(kept) in str(info.value)


def test_planning_reads_each_modules_tables_without_importing_it():
    from evalkit import maaleparametre

    for name in maaleparametre.NAMES:
        assert maaleparametre.tables(name) == tuple(maaleparametre.module(name).TABLES)


def test_a_figures_finding_goes_in_front_of_its_alt_text_and_leaves_the_output(tmp_path):
    """Issue 17, point 5: the alt text states the finding, computed from the drawn numbers."""
    from nbformat.v4 import new_output

    from evalkit.render.qmd import cell_options

    cell = new_code_cell("#| label: fig-x\n#| fig-cap: Figur\n#| fig-alt: 'Søjlediagram: to søjler.'\nfigur()")
    cell.outputs = [new_output("display_data", data={"image/svg+xml": "<svg/>"},
                               metadata={"image/svg+xml": {"finding": "Holdt til tiden: 90 pct. mod 82 pct."}})]
    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    pipeline.clean_executed(path)
    cleaned = nbformat.read(path, as_version=4).cells[0]
    assert cell_options(cleaned.source)["fig-alt"] == "Holdt til tiden: 90 pct. mod 82 pct. Søjlediagram: to søjler."
    assert cleaned.outputs[0].metadata == {}
    pipeline.clean_executed(path)  # a second clean changes nothing
    assert nbformat.read(path, as_version=4).cells[0].source == cleaned.source


def test_every_measurement_notebook_has_its_place_in_the_running_order():
    """The build starts the measurement notebooks longest first (`pipeline.LONGEST_FIRST`): every one, once."""
    from evalkit import maaleparametre

    assert sorted(pipeline.LONGEST_FIRST) == sorted(maaleparametre.NAMES)
