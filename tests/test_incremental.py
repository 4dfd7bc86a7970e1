"""Incremental and parallel builds: a step runs again exactly when something it reads changed; the
cache never changes what is published; notebooks on a reused kernel give the same bytes as on a new one."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, small_tables, snapshot, write_tables
from nbformat.v4 import new_code_cell, new_notebook

from evalkit.bygning import pipeline, progress, scheduler
from evalkit.bygning.build import build, cache_dir
from evalkit.bygning.cache import Cache, code_fingerprint
from evalkit.bygning.progress import RAN, REUSED, Step
from evalkit.errors import BuildError


def _notebooks(keys: list[str]) -> set[str]:
    return {k for k in keys if not k.endswith(("/resultater", "/dokument")) and k != "datatjek"}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A cold build of both phases from small data: (data, output, result, published files)."""
    base = tmp_path_factory.mktemp("inkrementel")
    data = write_tables(small_tables(), base / "data")
    out = base / "rapport"
    result = build(data, out, renderer="pandoc", workers=2, allow_broken_premises=True)
    return data, out, result, snapshot(out)


def test_a_cold_build_runs_every_step(first):
    _, _, result, _ = first
    assert result.reused == []
    assert len(_notebooks(result.ran)) == 2 * (len(pipeline.maaleparametre.NAMES) + 1)
    assert {"midtvejs/dokument", "slut/dokument"} <= set(result.ran)


def test_an_unchanged_rebuild_executes_no_notebook_and_renders_nothing(first):
    data, out, cold, published = first
    again = build(data, out, renderer="pandoc", allow_broken_premises=True)
    assert again.ran == []
    assert sorted(again.reused) == sorted(cold.ran)
    assert snapshot(out) == published  # the cache never changes what is published


def test_a_touched_but_unchanged_file_runs_nothing(first):
    data, out, _, published = first
    path = data / "ydelser.csv"
    path.write_bytes(path.read_bytes())  # a new modification time, the same content
    assert build(data, out, renderer="pandoc", allow_broken_premises=True).ran == []
    assert snapshot(out) == published


def test_a_changed_input_reruns_exactly_the_notebooks_that_read_it(first, tmp_path):
    data, out, _, _ = first
    path = data / "sygefravaer.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b",1.5,", b",2.5,"))
    try:
        result = build(data, out, renderer="pandoc", allow_broken_premises=True)
    finally:
        path.write_bytes(original)
    planned = pipeline.plan(ROOT / "notebooks", ["midtvejs", "slut"], data, ROOT / "forsoeg.yml", tmp_path / "b")
    readers = {f"{job.fase}/{job.notebook}" for job in planned if path in job.inputs}
    assert readers == {"midtvejs/personale", "slut/personale"}
    ran = _notebooks(result.ran)
    # the summaries read the personale notebooks' results, so they run again exactly when those changed
    assert ran - {"midtvejs/sammenfatning", "slut/sammenfatning"} == readers
    assert set(result.reused) >= {f"{j.fase}/{j.notebook}" for j in planned} - ran


def test_force_runs_everything_and_gives_the_same_bytes_on_one_kernel(first, tmp_path):
    """One worker runs every notebook on one reused kernel; two workers share them differently. The
    published files are the same bytes."""
    data, _, _, published = first
    copy = tmp_path / "rapport"
    forced = build(data, copy, renderer="pandoc", force=True, workers=1, allow_broken_premises=True)
    assert forced.reused == [] and forced.ran
    assert snapshot(copy) == published


def test_the_log_names_each_steps_key_and_decision(first):
    data, out, _, _ = first
    build(data, out, renderer="pandoc", allow_broken_premises=True)
    log = out.with_name(f"{out.name}-log").joinpath("byg.log").read_text(encoding="utf-8")
    assert "slut/afgange: nøgle " in log and "findes i cachen; genbruges" in log
    assert "Bygget på " in log


# --- the cache ------------------------------------------------------------------------------------------
def test_a_cache_miss_names_what_changed_and_a_hit_restores_the_files(tmp_path):
    cache = Cache(tmp_path / "cache")
    parts = {"inddata": {"data/a.csv": "1", "data/b.csv": "2"}, "kode": "k"}
    decision = cache.decide("fase/nb", parts)
    assert not decision.hit and decision.changed == []
    (tmp_path / "out.txt").write_text("resultat")
    cache.store(decision, {"out.txt": tmp_path / "out.txt", "extra.json": b"{}"})

    hit = cache.decide("fase/nb", parts)
    assert hit.hit and "genbruges" in hit.describe()
    restored = Cache.restore(hit, tmp_path / "restored")
    assert sorted(p.name for p in restored) == ["extra.json", "out.txt"]
    assert (tmp_path / "restored" / "out.txt").read_text() == "resultat"

    miss = cache.decide("fase/nb", {**parts, "inddata": {"data/a.csv": "1", "data/b.csv": "3"}})
    assert not miss.hit and miss.changed == ["inddata/data/b.csv"]
    assert "ændret siden sidst: inddata/data/b.csv" in miss.describe()
    assert not Cache(tmp_path / "cache", enabled=False).decide("fase/nb", parts).hit  # --force


def test_the_cache_keeps_only_the_newest_entry_of_a_step(tmp_path):
    cache = Cache(tmp_path / "cache")
    for value in ("1", "2", "3"):
        parts = {"v": value}
        cache.store(cache.decide("s", parts), {"f": value.encode()})
    assert len(list((tmp_path / "cache" / "s").iterdir())) == 1
    assert cache.decide("s", {"v": "3"}).hit and not cache.decide("s", {"v": "1"}).hit


def test_the_code_fingerprint_covers_evalkits_files_and_package_versions(monkeypatch):
    from evalkit.bygning import cache as cache_module

    before = code_fingerprint()
    code_fingerprint.cache_clear()
    monkeypatch.setattr(cache_module, "version", lambda name: "0.0" if name == "pandas" else "1")
    try:
        assert code_fingerprint() != before
    finally:
        code_fingerprint.cache_clear()


def test_cache_dir_is_beside_the_output(tmp_path):
    assert cache_dir(tmp_path / "_output") == tmp_path / "_output-cache"


# --- kernels and the scheduler ----------------------------------------------------------------------------
def _notebook(path: Path, *sources: str) -> Path:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    params = new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(new_code_cell(s) for s in sources)]
    nbformat.write(nb, path)
    return path


def test_a_reused_kernel_starts_each_notebook_as_a_new_kernel_would(tmp_path):
    from evalkit.bygning.kernel import WarmKernel

    first = _notebook(tmp_path / "a.ipynb", "leftover = 41\nimport matplotlib.pyplot as plt\nplt.figure()")
    second = _notebook(tmp_path / "b.ipynb", "import os\nprint('leftover' in globals(), len(plt.get_fignums()) if 'plt' in globals() else 0, os.getcwd())")
    (tmp_path / "cwd").mkdir()
    kernel = WarmKernel()
    try:
        pipeline.execute(first, tmp_path / "a.out.ipynb", {"x": 2}, tmp_path, kernel=kernel)
        pipeline.execute(second, tmp_path / "b.out.ipynb", {"x": 2}, tmp_path / "cwd", kernel=kernel)
    finally:
        kernel.shutdown()
    fresh = tmp_path / "b.fresh.ipynb"
    pipeline.execute(second, fresh, {"x": 2}, tmp_path / "cwd")
    reused = nbformat.read(tmp_path / "b.out.ipynb", as_version=4)
    assert reused.cells[-1].outputs[0]["text"].strip() == f"False 0 {tmp_path / 'cwd'}"
    assert [c.get("execution_count") for c in reused.cells] == [1, 2, 3]
    assert (tmp_path / "b.out.ipynb").read_bytes() == fresh.read_bytes()


def test_a_failing_notebook_on_a_reused_kernel_names_its_executed_copy(tmp_path, config):
    from evalkit.bygning.kernel import WarmKernel

    data = write_tables(small_tables(), tmp_path / "data")
    [job] = [j for j in pipeline.plan(ROOT / "notebooks", ["slut"], data, ROOT / "forsoeg.yml", tmp_path / "b") if j.notebook == "afgange"]
    (data / "ydelser.csv").unlink()  # gone after planning: the notebook fails when it reads
    kernel = WarmKernel()
    try:
        with pytest.raises(BuildError) as caught:
            pipeline.run(job, failed_dir=tmp_path / "log", kernel=kernel)
    finally:
        kernel.shutdown()
    message = str(caught.value)
    assert "Notesbogen 'afgange' fejlede i fasen 'slut'" in message and "ydelser" in message
    assert f"Den kørte notesbog med fejlen: {tmp_path / 'log' / 'slut-afgange.ipynb'}" in message


def _step(key: str) -> Step:
    return Step(key, "notesbog", key, "fase")


def test_the_scheduler_runs_independent_steps_at_once_and_respects_dependencies():
    active, most, order = [0], [0], []
    lock = threading.Lock()

    def work(name: str):
        def action(_worker):
            with lock:
                active[0] += 1
                most[0] = max(most[0], active[0])
            time.sleep(0.3)
            with lock:
                active[0] -= 1
                order.append(name)
            return RAN
        return action

    tasks = [scheduler.Task(_step(n), work(n)) for n in ("a", "b")]
    tasks.append(scheduler.Task(_step("c"), work("c"), after=("a", "b")))
    scheduler.run(tasks, 2, progress.Progress(), lambda _line: None)
    assert most[0] == 2 and order[-1] == "c"


def test_a_free_worker_takes_the_first_listed_of_the_ready_steps():
    """A step that becomes ready later but is listed earlier (a phase's summary) runs before steps that
    waited longer (the next phase's notebooks)."""
    order = []

    def work(name: str, seconds: float = 0.05):
        def action(_worker):
            time.sleep(seconds)
            order.append(name)
            return RAN
        return action

    tasks = [scheduler.Task(_step("first"), work("first", 0.3)),
             scheduler.Task(_step("summary"), work("summary"), after=("first",))]
    tasks += [scheduler.Task(_step(f"later{i}"), work(f"later{i}")) for i in range(3)]
    scheduler.run(tasks, 1, progress.Progress(), lambda _line: None)
    assert order == ["first", "summary", "later0", "later1", "later2"]


def test_the_build_lists_the_longest_notebooks_first_and_each_phase_s_results_after_its_notebooks(tmp_path):
    """The longest notebook of every phase first, then phase after phase the others longest first, each
    phase's summary, results and document right after its last notebook (`pipeline.running_order`)."""
    from evalkit import maaleparametre, paths
    from evalkit.bygning.build import _Build
    from evalkit.config import load_config

    build = object.__new__(_Build)
    build.project, build.config_path, build.data_dir = paths.project_root(), paths.default_config(), paths.default_data()
    build.config = load_config(build.config_path)
    build.build_dir, build.checked_dir = tmp_path, tmp_path / "kontrolleret"
    keys = [task.step.key for task in build._tasks(["midtvejs", "slut"])]
    longest, *others = pipeline.LONGEST_FIRST
    chain = [pipeline.SUMMARY, "resultater", "dokument"]
    assert keys == ["datatjek", f"midtvejs/{longest}", f"slut/{longest}", *(f"midtvejs/{n}" for n in others),
                    *(f"midtvejs/{n}" for n in chain), *(f"slut/{n}" for n in others), *(f"slut/{n}" for n in chain)]
    assert set(others) | {longest} == set(maaleparametre.NAMES)


def test_the_first_failure_stops_the_build_and_is_raised():
    started = []

    def fail(_worker):
        raise BuildError("Notesbogen 'x' fejlede")

    def ok(name):
        def action(_worker):
            started.append(name)
            return REUSED
        return action

    tasks = [scheduler.Task(_step("x"), fail), scheduler.Task(_step("after"), ok("after"), after=("x",))]
    tasks += [scheduler.Task(_step(f"queued{i}"), ok(f"queued{i}")) for i in range(3)]
    with pytest.raises(BuildError, match="Notesbogen 'x' fejlede"):
        scheduler.run(tasks, 1, progress.Progress(), lambda _line: None)
    assert started == []  # neither the dependent step nor those still waiting for the one worker


def test_the_decisive_steps_error_is_raised_even_when_another_failed_first():
    def fail(message, delay):
        def action(_worker):
            time.sleep(delay)
            raise BuildError(message)
        return action

    tasks = [scheduler.Task(_step("nb"), fail("notesbog", 0.0)),
             scheduler.Task(_step("datatjek"), fail("data", 0.5), decisive=True, aside=True)]
    with pytest.raises(BuildError, match="^data$"):
        scheduler.run(tasks, 2, progress.Progress(), lambda _line: None)


# --- progress ------------------------------------------------------------------------------------------------
def test_plain_lines_in_ci_and_when_not_a_terminal(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert type(progress.choose(stream=io.StringIO())) is progress.LineProgress
    monkeypatch.delenv("CI")
    assert type(progress.choose(stream=io.StringIO())) is progress.LineProgress  # not a TTY
    assert type(progress.choose(quiet=True)) is progress.Progress


def test_line_progress_says_what_runs_what_is_reused_and_sums_up():
    lines = []
    shown = progress.LineProgress(lines.append, renderer="pandoc")
    a, doc = Step("slut/afgange", "notesbog", "afgange", "slut"), Step("slut/dokument", "dokument", "slutevaluering", "slut")
    shown.started(a)
    shown.executing(a)
    shown.finished(a, RAN, 1.24)
    shown.started(doc)  # found in the cache: no "Renderer …" line
    shown.finished(doc, REUSED, 0.01)
    shown.detail("nøgle")  # only with --verbose
    shown.close(ok=True)
    assert lines[:3] == [
        "Kører notesbogen afgange for fasen slut", "Færdig: afgange (slut) på 1,2 s",
        "Genbrugt: slutevaluering (slut) er uændret siden sidste bygning",
    ]
    assert lines[3].startswith("Bygget på ") and "1 notesbog kørt, 0 genbrugt; 0 dokumenter renderet, 1 genbrugt" in lines[3]


def test_the_live_display_shows_every_step_with_its_state():
    stream = io.StringIO()
    shown = progress.LiveProgress(stream=stream)
    a = Step("midtvejs/planer", "notesbog", "planer", "midtvejs")
    shown.started(a)
    shown.finished(a, REUSED, 0.0)
    shown.close(ok=True)
    text = stream.getvalue()
    assert "planer" in text and "midtvejs" in text and "genbrugt" in text and "Bygget på" in text


def test_quiet_and_verbose_on_the_command_line(first):
    data, out, _, _ = first
    cli = [sys.executable, "-m", "evalkit.cli", "build", "--data", str(data), "--output", str(out), "--renderer", "pandoc", "--tillad-brudte-praemisser"]
    quiet = subprocess.run([*cli, "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    verbose = subprocess.run([*cli, "--verbose"], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CI": "true"})
    assert verbose.returncode == 0, verbose.stderr
    assert "slut/afgange: nøgle " in verbose.stderr and "Genbrugt: afgange (slut)" in verbose.stderr
    assert "Bygget på " in verbose.stderr and "0 notesbøger kørt, 18 genbrugt" in verbose.stderr
    both = subprocess.run([*cli, "--quiet", "--verbose"], cwd=ROOT, capture_output=True, text=True)
    assert both.returncode == 2 and "Traceback" not in both.stderr


def test_cache_entries_hold_their_keys_parts(first):
    _, out, _, _ = first
    entries = list(cache_dir(out).glob("slut/afgange/*/trin.json"))
    assert len(entries) == 1
    meta = json.loads(entries[0].read_text(encoding="utf-8"))
    assert set(meta["dele"]) == {"notesbog", "fase", "parametre", "inddata", "kode"}
    assert {"data/borgere.csv", "data/ydelser.csv", "konfiguration", "notesbog/afgange.ipynb"} == set(meta["dele"]["inddata"])
