"""One load per build (issue 20): the data check reads and validates each input once and writes the checked
tables as Arrow files; the notebooks' kernels map those instead of reading and validating the inputs again,
with the same results. A notebook run on its own still reads its inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as pa
import pytest
from conftest import EXAMPLE, ROOT, labelled_outputs, run_notebook, small_tables, snapshot, write_tables

from evalkit import maaleparametre
from evalkit.bygning import pipeline
from evalkit.bygning.build import build, cache_dir, log_dir
from evalkit.data import kontrolleret
from evalkit.data.contract import TABLES, tables_read
from evalkit.data.loading import check_tables, load_tables


@pytest.fixture(scope="module")
def example(config):
    return check_tables(EXAMPLE, config=config).tables


def _assert_identical(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert list(got) == list(expected)
    for name, frame in expected.items():
        assert got[name].dtypes.to_dict() == frame.dtypes.to_dict(), name
        pd.testing.assert_frame_equal(got[name], frame, check_exact=True, check_index_type=True)


# --- the columnar files ---------------------------------------------------------------------------------
def test_the_checked_tables_read_back_exactly_as_checked(example, tmp_path):
    written = kontrolleret.write(example, tmp_path)
    assert sorted(written) == sorted(f"{name}.arrow" for name in TABLES)
    _assert_identical(kontrolleret.read(tmp_path, list(example)), example)


def test_every_dtype_survives_the_columnar_files(tmp_path):
    frame = pd.DataFrame({
        "tekst": pd.Series(["a", None, "æøå"], dtype="str"),
        "kode": pd.Categorical(["x", "y", "x"], categories=["y", "x", "z"]),
        "heltal": pd.array([1, None, 3], dtype="Int64"),
        "flag": pd.array([True, None, False], dtype="boolean"),
        "ja_nej": [True, False, True],
        "tal": [1.5, float("nan"), -0.0],
        "dato": pd.to_datetime(["2018-01-01", None, "2261-12-31"]),
        "antal": [1, 2, 3],
    })
    tables = {"alt": frame, "tom": frame.iloc[:0]}
    kontrolleret.write(tables, tmp_path)
    _assert_identical(kontrolleret.read(tmp_path, ["alt", "tom"]), tables)


def test_the_same_tables_give_the_same_bytes(example, tmp_path):
    first = kontrolleret.write(example, tmp_path / "a")
    second = kontrolleret.write({name: frame.copy() for name, frame in example.items()}, tmp_path / "b")
    assert {name: path.read_bytes() for name, path in first.items()} == {
        name: path.read_bytes() for name, path in second.items()}


def test_a_checked_table_is_mapped_not_copied(example, tmp_path):
    """Strings and dates without missing values become pandas columns on the mapped file's memory, also when
    the checked frame's columns came in chunks (a Parquet file's row groups)."""
    ydelser = example["ydelser"]
    chunked = pd.concat([ydelser.iloc[: len(ydelser) // 2], ydelser.iloc[len(ydelser) // 2:]], ignore_index=True)
    assert pa.Table.from_pandas(chunked).column("borger_id").num_chunks == 2
    [path] = kontrolleret.write({"ydelser": chunked}, tmp_path).values()
    before = pa.total_allocated_bytes()
    [read] = kontrolleret.read(tmp_path, ["ydelser"]).values()
    assert pa.total_allocated_bytes() - before < path.stat().st_size / 100
    pd.testing.assert_frame_equal(read, ydelser, check_exact=True)


def test_each_notebooks_tables_from_the_full_check_equal_loading_them_alone(example, tmp_path, config):
    """The build checks all seven tables at once; a notebook on its own loads only its own (and borgere)."""
    kontrolleret.write(example, tmp_path)
    for name in maaleparametre.NAMES:
        wanted = tables_read(maaleparametre.tables(name))
        alone = load_tables(EXAMPLE, maaleparametre.tables(name), config)
        _assert_identical(kontrolleret.read(tmp_path, wanted), alone)


def _loads(path: Path) -> list[tuple[int, str, str, str]]:
    """The lines `$EVALKIT_INDLAESNINGSLOG` collected: (process id, source, table, file)."""
    if not path.is_file():
        return []
    return [(int(pid), source, table, file) for pid, source, table, file in
            (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())]


def test_a_notebook_gives_the_same_results_from_the_checked_tables_as_from_the_inputs(example, tmp_path, monkeypatch):
    log = tmp_path / "indlaesninger.log"
    monkeypatch.setenv(kontrolleret.LOAD_LOG, str(log))
    raw_fragment, raw_nb = run_notebook("afgange", tmp_path / "raa", "slut")  # on its own: from the inputs
    assert {(source, table) for _, source, table, _ in _loads(log)} == {
        (source, table) for source in ("raa", "regler") for table in ("borgere", "ydelser")}

    log.unlink()
    kontrolleret.write(example, tmp_path / "kontrolleret")
    checked = os.path.relpath(tmp_path / "kontrolleret", tmp_path / "kort" / "slut")
    fragment, nb = run_notebook("afgange", tmp_path / "kort", "slut", kontrollerede_data=checked)
    assert {(source, table) for _, source, table, _ in _loads(log)} == {
        ("kontrolleret", "borgere"), ("kontrolleret", "ydelser")}
    assert fragment == raw_fragment
    assert labelled_outputs(nb) == labelled_outputs(raw_nb)
    def outputs(notebook) -> list:
        return [c.get("outputs") for c in notebook.cells if "injected-parameters" not in c.metadata.get("tags", [])]

    assert outputs(nb) == outputs(raw_nb)


def test_measurement_jobs_get_the_checked_tables_relative_to_their_directory_and_the_summary_none(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    jobs = pipeline.plan(ROOT / "notebooks", ["slut"], data, ROOT / "forsoeg.yml", tmp_path / "b", tmp_path / "k")
    for job in jobs:
        if job.notebook == pipeline.SUMMARY:
            assert job.checked_dir is None and "kontrollerede_data" not in job.parameters
        else:
            assert job.parameters["kontrollerede_data"] == "../../k"
            assert all(p.parent == data for p in job.inputs[2:])  # the cache key stays on the inputs


# --- builds ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """A cold build of both phases from small data with every load logged: (data, output, log, published)."""
    base = tmp_path_factory.mktemp("en-indlaesning")
    data = write_tables(small_tables(), base / "data")
    out = base / "rapport"
    loads = base / "indlaesninger.log"
    with _logging_loads(loads):
        build(data, out, renderer="pandoc", workers=2, allow_broken_premises=True)
    return data, out, loads, snapshot(out)


class _logging_loads:
    """$EVALKIT_INDLAESNINGSLOG set to `path` (emptied first) for a build and the kernels it starts."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Path:
        self.path.unlink(missing_ok=True)
        os.environ[kontrolleret.LOAD_LOG] = str(self.path)
        return self.path

    def __exit__(self, *exc) -> None:
        del os.environ[kontrolleret.LOAD_LOG]


def _rebuild(data: Path, out: Path, loads: Path) -> list[tuple[int, str, str, str]]:
    with _logging_loads(loads):
        build(data, out, renderer="pandoc", workers=2, allow_broken_premises=True)
    return _loads(loads)


def test_a_build_reads_and_validates_each_input_once_and_the_kernels_map_the_checked_tables(cold):
    data, out, loads, _ = cold
    lines = _loads(loads)
    for source in ("raa", "regler"):  # read and parsed; validated
        done = [(pid, table, file) for pid, kind, table, file in lines if kind == source]
        assert sorted(table for _, table, _ in done) == sorted(TABLES)  # each input once
        assert {pid for pid, _, _ in done} == {os.getpid()}  # by the build process's data check
        assert all(Path(file).parent == data for _, _, file in done)
    mapped = [(pid, table, file) for pid, source, table, file in lines if source == "kontrolleret"]
    assert {table for _, table, _ in mapped} == set(TABLES)  # every table some notebook reads
    assert os.getpid() not in {pid for pid, _, _ in mapped}  # by the kernels
    assert all(Path(file).parent.name == "kontrolleret" for _, _, file in mapped)
    every_job = pipeline.plan(ROOT / "notebooks", ["midtvejs", "slut"], data, ROOT / "forsoeg.yml", out / "b")
    expected = sum(len(tables_read(maaleparametre.tables(j.notebook))) for j in every_job
                   if j.notebook != pipeline.SUMMARY)
    assert len(mapped) >= expected  # at least once per notebook that ran (more with a second disclosure round)


def test_a_published_notebook_names_the_checked_tables_by_a_relative_path(cold):
    _, out, _, _ = cold
    nb = nbformat.read(out / "slut" / "afgange.ipynb", as_version=4)
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'kontrollerede_data = "../../../kontrolleret"' in injected.source
    assert f".{out.name}." not in json.dumps(nb)  # the temporary build directory


def test_an_unchanged_rebuild_needs_neither_the_inputs_nor_the_checked_tables(cold):
    data, out, loads, published = cold
    assert _rebuild(data, out, loads) == []
    assert "Indlæser " not in (log_dir(out) / "byg.log").read_text(encoding="utf-8")
    assert snapshot(out) == published


def test_notebooks_that_must_run_after_a_cached_check_read_only_their_tables_and_validate_none(cold):
    """A notebook's cache entry gone (as after an edit of the notebook, or a build of one phase): the check
    comes from the cache, and the build reads and parses just the tables the notebooks that run need, once
    each, for the kernels to map. The published files are the same bytes as when the check ran."""
    data, out, loads, published = cold
    for step in ("slut/afgange", "midtvejs/afgange", "midtvejs/personale"):
        shutil.rmtree(cache_dir(out) / step)
    lines = _rebuild(data, out, loads)
    needed = {*tables_read(maaleparametre.tables("afgange")), *maaleparametre.tables("personale")}
    assert sorted(table for _, source, table, _ in lines if source == "raa") == sorted(needed)
    assert not [line for line in lines if line[1] == "regler"]
    assert {table for _, source, table, _ in lines if source == "kontrolleret"} == needed
    log = (log_dir(out) / "byg.log").read_text(encoding="utf-8")
    assert "datatjek: nøgle " in log and "(tjekket før)" in log
    assert snapshot(out) == published


def test_the_cache_holds_no_checked_table(cold):
    """The cache beside the report holds no person data (tests/test_published_outputs.py): the columnar
    tables live in the build's temporary directory only."""
    _, out, _, _ = cold
    assert not [p for p in cache_dir(out).rglob("*") if p.suffix == kontrolleret.SUFFIX]
    assert not list(out.parent.glob(f".{out.name}.*"))  # the temporary directory is gone


def test_while_the_check_runs_every_idle_worker_starts_its_kernel(monkeypatch):
    """The notebooks wait for the data check; their kernels start and import meanwhile (`PRELOAD`)."""
    from evalkit.bygning import progress, scheduler
    from evalkit.bygning.build import PRELOAD
    from evalkit.bygning.progress import RAN, Step

    preloaded: list[tuple[str, str]] = []
    both = threading.Event()

    class Kernel:
        def preload(self, code: str) -> None:
            preloaded.append((threading.current_thread().name, code))
            if len(preloaded) == 2:
                both.set()

        def kill(self) -> None: ...
        def shutdown(self) -> None: ...

    def kernel(self):
        if self._kernel is None:
            self._kernel = Kernel()
        return self._kernel

    monkeypatch.setattr(scheduler.Worker, "kernel", kernel)

    def check(worker):
        worker.warm_kernels(PRELOAD)
        assert both.wait(timeout=60), preloaded  # both kernels started before the check ended
        return RAN

    seen = []
    tasks = [scheduler.Task(Step("datatjek", "data", "datatjek", "alle"), check, decisive=True, aside=True)]
    tasks += [scheduler.Task(Step(f"nb{i}", "notesbog", f"nb{i}", "slut"), lambda w: seen.append(w.kernel()) or RAN,
                             after=("datatjek",)) for i in range(4)]
    scheduler.run(tasks, 2, progress.Progress(), lambda _line: None)
    assert sorted(name for name, _ in preloaded) == ["evalkit-0", "evalkit-1"]
    assert {code for _, code in preloaded} == {PRELOAD} and "evalkit.maaleparametre.varighed" in PRELOAD
    assert len({id(k) for k in seen}) <= 2  # the notebooks ran on those kernels


def test_the_build_engine_imports_neither_pandas_nor_pyarrow_before_data_must_be_checked():
    """A rebuild that changes nothing stays quick: the columnar tables' module is imported where it is used."""
    code = "import sys, evalkit.cli, evalkit.bygning.build; print(sorted({'pandas', 'pyarrow'} & set(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
