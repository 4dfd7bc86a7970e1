"""The whole build: validate the data, run every (notebook, phase) job, merge resultater.json,
render each phase's document and publish the output directory only when everything succeeded.

The steps run in parallel as far as their dependencies allow (`evalkit.bygning.scheduler`), and each is done
again only when something it depends on changed (`evalkit.bygning.cache`): an unchanged rebuild copies every
notebook, result and document from the cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable

from evalkit import maaleparametre, paths
from evalkit.bygning import pipeline, praemisser, provenance, resultater, scheduler, udgivelse
from evalkit.bygning.cache import Cache, Decision, code_fingerprint, digest_file, digest_tree
from evalkit.bygning.progress import RAN, REUSED, LineProgress, Progress, Step
from evalkit.bygning.udgivelse import cache_dir, intern_dir, log_dir
from evalkit.config import Config, Fase, load_config
from evalkit.data.contract import FILE_FORMATS, tables_read
from evalkit.errors import BuildError, DataError, EvalkitError, resource_error
from evalkit.maaleparametre import konklusioner
from evalkit.render import Renderer, kontrol, select

# Copied from the project into the render tree; the notebooks' outputs join them under _build/.
RENDER_SOURCES = ("_quarto.yml", "reports")
# What the measurement notebooks import (pandas, statsmodels, matplotlib: seconds per kernel): imported on
# the workers' kernels while the data check runs, since the notebooks wait for it.
PRELOAD = "import evalkit.bygning.notebook, evalkit.praesentation.tekst, " + ", ".join(
    f"evalkit.maaleparametre.{name}" for name in maaleparametre.NAMES)


@dataclass
class BuildResult:
    output_dir: Path
    renderer: str
    files: list[Path] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)  # the steps done in this build ("slut/afgange", …)
    reused: list[str] = field(default_factory=list)  # the steps copied from the cache


def document_metadata(config: Config, fase_key: str, merged: dict[str, Any]) -> dict[str, str | bool]:
    """Title block of a phase's document from the configuration (the date as Quarto takes it: ISO, with
    its display format), `tilgaengelig-<notebook>: true` for each measurement whose data exist in this
    phase (the documents' `when-meta` conditions), and the headings that state the phase's findings
    (`overskrift-<section>`, computed from its merged results)."""
    available = merged.get("tilgaengelighed", {})
    fase = config.fase(fase_key)
    metadata: dict[str, str | bool] = {
        "title": config.titel,
        "subtitle": fase.navn,
        "author": config.organisation,
        "date": fase.udgivelsesdato.isoformat(),
        "date-format": "MMMM YYYY",
    }
    metadata.update({f"tilgaengelig-{name}": True for name, ok in sorted(available.items()) if ok})
    metadata.update(konklusioner.heading_metadata(merged, config))
    return metadata


class BuildLog:
    """The build's progress and outcome, line by line, in `<output>-log/byg.log` (overwritten per build)."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        for old in [*directory.glob("*.ipynb"), *directory.glob("*.log")]:
            old.unlink()  # the previous build's log, kernel output and failed notebooks
        self.path = directory / "byg.log"
        self.path.write_text("", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, message: str) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")  # the log only; outputs never carry the clock
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"{stamp} {message}\n")


class _PythonLog(logging.Handler):
    """Python's own log records (asyncio, nbclient, papermill) go to the current build's log, not to the
    screen: e.g. the 'Kernel died' a kernel stopped by Ctrl-C leaves behind, logged even after the build."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.path: Path | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError), self.path.open("a", encoding="utf-8") as handle:
                handle.write(f"{record.name}: {self.format(record)}\n")


_PYTHON_LOG = _PythonLog()


def _log_python_to(path: Path) -> None:
    _PYTHON_LOG.path = path
    if _PYTHON_LOG not in logging.root.handlers:
        logging.root.addHandler(_PYTHON_LOG)  # with a handler on the root, nothing falls back to stderr


class Interrupted(EvalkitError):
    """Ctrl-C or SIGTERM during a build: nothing was published."""

    exit_code = 130
    prefix = ""


def build(
    data_dir: Path | None = None,
    output_dir: Path | None = None,
    faser: list[str] | None = None,
    renderer: str | Renderer = "auto",
    config_path: Path | None = None,
    progress: Callable[[str], None] | Progress | None = None,
    force: bool = False,
    workers: int | None = None,
    render_timeout: float | None = None,
    allow_broken_premises: bool = False,
) -> BuildResult:
    """Build the documents of `faser` (all phases by default) from `data_dir` into `output_dir`.

    Everything is written to a temporary directory beside `output_dir`, which replaces it only when all
    succeeded; a failure or an interrupt leaves the previous output as it was. The log is kept in
    `log_dir(output_dir)` and named in every error. Steps whose inputs did not change since the last
    build into `output_dir` are copied from `cache_dir(output_dir)`, unless `force`. `progress` is a
    display or a function that takes one line at a time; `workers` defaults to the usable cores;
    `render_timeout` bounds each external render call (seconds). The premises of the analysts' text
    (`evalkit.bygning.praemisser`) stop the build when they fail, unless `allow_broken_premises`: then
    the document says so beside the text."""
    project = paths.project_root()
    requested = Path(output_dir or project / "_output")
    data_dir = Path(data_dir or paths.default_data())
    config_path = Path(config_path or paths.default_config())
    udgivelse.check_output(requested, data_dir, config_path, project)  # before anything is written
    output_dir = udgivelse.resolve_output(requested)
    display = progress if isinstance(progress, Progress) else LineProgress(progress or (lambda _line: None))
    with udgivelse.exclusive(output_dir):
        repaired = udgivelse.recover(output_dir) + udgivelse.recover(intern_dir(output_dir))
        udgivelse.mark(cache_dir(output_dir))
        log = BuildLog(log_dir(output_dir))
        for line in repaired:
            log.write(f"Ryddet op: {line}")
        builder = _Build(output_dir, log, display, force, project, allow_broken_premises)
        run = partial(builder.run, data_dir, faser, renderer, config_path, workers or scheduler.default_workers(),
                      render_timeout)
        return _logged(run, output_dir, log, display, lambda: builder.published)


def _logged(run: Callable[[], BuildResult], output_dir: Path, log: BuildLog, display: Progress,
            published: Callable[[], bool]) -> BuildResult:
    """`run()` with its outcome in the log, and every error saying whether the output changed."""
    _log_python_to(log.path)
    try:
        result = run()
    except (EvalkitError, OSError) as caught:
        exc = caught if isinstance(caught, EvalkitError) else resource_error(caught)
        if exc is None:
            raise
        display.close(ok=False)
        with contextlib.suppress(OSError):  # a full disk may refuse the log line too
            log.write(f"Fejl: {exc}")
        exc.args = (f"{exc}\nIntet er ændret i {output_dir}. Loggen ligger i {log.path}",)
        raise exc from None
    except KeyboardInterrupt:
        display.close(ok=False)
        log.write("Afbrudt.")
        if published():  # Ctrl-C waited for the swap, which had begun: the new report is in place
            raise Interrupted(f"Afbrudt, men først efter at den nye rapport var udgivet i {output_dir}. "
                              f"Loggen ligger i {log.path}") from None
        raise Interrupted(f"Afbrudt. Intet er ændret i {output_dir}. Loggen ligger i {log.path}") from None
    log.write(display.tally.summary())
    display.close(ok=True)
    return result


@dataclass
class _Build:
    """One build's state, shared by its steps."""

    output_dir: Path
    log: BuildLog
    display: Progress
    force: bool
    project: Path
    allow_broken_premises: bool = False
    cache: Cache = field(init=False)
    render_lock: threading.Lock = field(default_factory=threading.Lock)  # one render at a time
    checked_lock: threading.Lock = field(default_factory=threading.Lock)  # one writer of the checked tables
    import_lock: threading.Lock = field(default_factory=threading.Lock)  # one start of `_import_for_merge`

    def __post_init__(self) -> None:
        self.published = False
        self.cache = Cache(cache_dir(self.output_dir), enabled=not self.force)
        self.code = code_fingerprint()
        self._digests: dict[Path, str] = {}
        self.checked: set[str] = set()  # the tables in `checked_dir`
        self.merge_imports: threading.Thread | None = None

    def digest(self, path: Path) -> str:
        """SHA-256 of an input file (data, configuration, notebook), computed once per build: ydelser is
        read by the data check, the provenance and eight notebook steps."""
        if path not in self._digests:
            self._digests[path] = digest_file(path)
        return self._digests[path]

    def note(self, message: str) -> None:
        self.log.write(message)
        self.display.detail(message)

    def run(self, data_dir: Path, faser: list[str] | None, renderer: str | Renderer,
            config_path: Path, workers: int, render_timeout: float | None = None) -> BuildResult:
        self.config_path = config_path
        self.data_dir = data_dir
        self.config = load_config(self.config_path)
        faser = list(faser or self.config.faser)
        for fase in faser:
            self.config.fase(fase)  # unknown phase: a Danish ConfigError before any work is done
        if self.force:
            self.note("--force: alle trin køres forfra")

        self.renderer = renderer if isinstance(renderer, Renderer) else select(renderer, render_timeout)
        self.display.renderer = self.renderer.name
        result = BuildResult(output_dir=self.output_dir, renderer=self.renderer.version())

        with udgivelse.temporary_directory(self.output_dir) as tmp:
            self.work, staged, intern = tmp / "kilde", tmp / "ud", tmp / "intern"
            self.checked_dir = tmp / "kontrolleret"  # outside the render tree: the renderers never see it
            self.work.mkdir()
            self.sources = {}  # as copied: the renderers write their outputs beside the sources later
            for name in RENDER_SOURCES:
                src = self.project / name
                (shutil.copytree if src.is_dir() else shutil.copy2)(src, self.work / name)
                copied = digest_tree(self.work / name) if src.is_dir() else {"": digest_file(self.work / name)}
                self.sources.update({f"{name}/{rel}": sha for rel, sha in copied.items()})
            self.analyst_texts = self._strip_premises(self.work / "reports")
            partial = set(faser) != set(self.config.faser)
            for kept, new in ((self.output_dir, staged), (intern_dir(self.output_dir), intern)):
                if partial and kept.is_dir():
                    shutil.copytree(kept, new)  # keep the other phases' documents and numbers
                else:
                    new.mkdir()
            self.build_dir = self.work / "_build"
            for fase_key in self.config.with_comparisons(faser):
                if not self.config.fase(fase_key).sammenlign_med:  # the phase that locks the analysis plan
                    pipeline.carry_lock(self.output_dir, self.build_dir, fase_key, self.config.analyseplan.as_json())
            self.renderer_version = result.renderer
            tasks = self._tasks(faser)
            scheduler.run(tasks, workers, self.display, self.log.write, self.log.directory / "kerner.log")
            for step, state, _ in self.display.tally.states.values():
                (result.ran if state == RAN else result.reused).append(step.key)
            for fase_key in faser:
                self._stage(self.config.fase(fase_key), staged, intern, result)
            self.published = True  # from here on the swap runs to its end, even past Ctrl-C
            udgivelse.publish(staged, self.output_dir)
            udgivelse.publish(intern, intern_dir(self.output_dir))
        return result

    # --- the data check ---------------------------------------------------------------------------------
    def _check_data(self, worker: scheduler.Worker) -> str:
        """Validate every input table, unless the same files were validated before with the same
        configuration and code; then the build's time stamp (`provenance.timestamp`) and the provenance
        every phase shares. The checked tables are written in a columnar form (`_check`), which the
        notebooks that run read instead of the inputs: they wait for the check."""
        files = {}
        if self.data_dir.is_dir():
            files = {p.name: self.digest(p) for p in sorted(self.data_dir.iterdir())
                     if p.is_file() and p.suffix.lower() in FILE_FORMATS}
        parts = {"data": files, "konfiguration": self.digest(self.config_path), "kode": self.code,
                 "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}
        decision = self.cache.decide("datatjek", parts)
        worker.note(decision.describe())
        if decision.hit:
            checked = json.loads(self.cache.read(decision, "datatjek.json"))
            worker.say(f"Data i {self.data_dir} er tjekket før og uændrede")
        else:
            worker.warm_kernels(PRELOAD)  # changed data or code: notebooks will run after the check
            worker.say(f"Tjekker data i {self.data_dir}")
            checked = self._check()
            self.cache.store(decision, {"datatjek.json": json.dumps(checked).encode()})
        if checked["advarsler"]:
            worker.say(checked["advarsler"])
        seconds, origin = checked["tidsstempel"]
        self.stamp = (int(seconds), origin)
        self.shared_origin = provenance.build_record(
            self.data_dir, self.config, self.renderer_version, self.stamp, self.project, self.digest
        )
        return REUSED if decision.hit else RAN

    def _check(self) -> dict[str, Any]:
        """The build's one load of the inputs: read, parse and validate every table, and write the typed
        tables in a columnar form into `checked_dir` for the notebooks' kernels. Returns the check's record
        (warnings and time stamp)."""
        import pandas as pd  # pandas, pyarrow and pandera: only when data must be checked

        from evalkit.data import kontrolleret
        from evalkit.data.loading import check_tables

        # a large ydelser is checked in DuckDB, which leaves its compact table in checked_dir for the kernels
        report = check_tables(self.data_dir, config=self.config, register_dir=self.checked_dir)
        if report.errors:
            raise DataError(report.describe())
        dates = {**report.tables, **{name: pd.DataFrame({"uge": [checked.newest]})
                                     for name, checked in report.registers.items() if checked.newest is not None}}
        checked = {"advarsler": report.describe() if report.warnings else "",
                   "tidsstempel": list(provenance.timestamp(dates))}
        kontrolleret.write(report.tables, self.checked_dir)
        self.checked.update(report.tables)
        self.checked.update(report.registers)
        del report, dates  # the kernels map the files: the build keeps no frame of the panel alive
        kontrolleret.release_memory()
        return checked

    def _checked_tables(self, job: pipeline.Job, worker: scheduler.Worker) -> None:
        """Before a notebook runs: the tables it reads in `checked_dir`. This build's check wrote them all.
        When the check came from the cache (the same files passed it before, with the same configuration
        and code), the tables the notebooks that run need are read and parsed from the inputs once each,
        not validated again. The cache keeps no copy: it holds no person data."""
        with self.checked_lock:
            missing = [name for name in tables_read(maaleparametre.tables(job.notebook)) if name not in self.checked]
            if not missing:
                return
            from evalkit.data import duckdb_panel, kontrolleret
            from evalkit.data.loading import read_checked

            worker.note(f"Indlæser {', '.join(missing)} fra {self.data_dir} til notesbøgerne (tjekket før)")
            large = duckdb_panel.uses_duckdb(self.data_dir, self.config.duckdb) if "ydelser" in missing else None
            tables = read_checked(self.data_dir, [n for n in missing if large is None or n != "ydelser"], self.config)
            kontrolleret.write(tables, self.checked_dir)
            self.checked.update(tables)
            if large is not None:  # its compact DuckDB table, for the kernels, made once (it passed the check before)
                from evalkit.data import duckdb_tjek

                borgere = tables.get("borgere")
                if borgere is None:
                    borgere = kontrolleret.read(self.checked_dir, ["borgere"])["borgere"]
                try:
                    duckdb_tjek.make_table(large, borgere["borger_id"], self.config, self.checked_dir)
                except duckdb_tjek.NotReadable:  # as the check found: DuckDB cannot read it to its end
                    kontrolleret.write(read_checked(self.data_dir, ["ydelser"], self.config), self.checked_dir)
                self.checked.add("ydelser")
            del tables
            kontrolleret.release_memory()

    def _execute(self, job: pipeline.Job, worker: scheduler.Worker) -> None:
        """Run a notebook on the worker's kernel, with the checked tables in place when it reads tables."""
        if job.checked_dir is not None:
            self._checked_tables(job, worker)
        pipeline.run(job, failed_dir=self.log.directory, kernel=worker.kernel())

    # --- the steps --------------------------------------------------------------------------------------
    def _tasks(self, faser: list[str]) -> list[scheduler.Task]:
        """Per phase: the measurement notebooks, the summary (after them and after the phase it compares
        with), the merged results, and the document when the phase is to be published. Listed in the order
        the scheduler prefers them in: the measurement notebooks of all phases in `pipeline.running_order`,
        each phase's summary, results and document right after its last measurement notebook."""
        check = Step("datatjek", "data", "datatjek", "alle")
        measurements: list[tuple[tuple[int, int, int], scheduler.Task]] = []
        after_phase: dict[str, list[scheduler.Task]] = {}
        # a compared phase is computed, not published
        for order, fase_key in enumerate(self.config.with_comparisons(faser)):
            fase = self.config.fase(fase_key)
            jobs = pipeline.plan(self.project / "notebooks", [fase_key], self.data_dir, self.config_path,
                                 self.build_dir, self.checked_dir)
            measured = tuple(f"{fase_key}/{job.notebook}" for job in jobs if job.notebook != pipeline.SUMMARY)
            tasks = after_phase.setdefault(fase_key, [])
            for job in jobs:
                step = Step(f"{fase_key}/{job.notebook}", "notesbog", job.notebook, fase_key)
                if job.notebook == pipeline.SUMMARY:  # its provenance needs the check's time stamp
                    after = (check.key, *measured, *((f"{fase.sammenlign_med}/resultater",) if fase.sammenlign_med else ()))
                    tasks.append(scheduler.Task(step, partial(self._notebook, job, fase), after))
                else:  # a measurement reads the checked tables
                    task = scheduler.Task(step, partial(self._notebook, job, fase), (check.key,))
                    measurements.append((pipeline.running_order(job.notebook, order), task))
            merged = Step(f"{fase_key}/resultater", "resultater", "resultater.json", fase_key)
            tasks.append(scheduler.Task(merged, partial(self._merge, fase, jobs), (*measured, f"{fase_key}/{pipeline.SUMMARY}")))
            if fase_key in faser:
                document = Step(f"{fase_key}/dokument", "dokument", fase.dokument, fase_key)
                tasks.append(scheduler.Task(document, partial(self._render, fase), (merged.key,)))
        ordered = [scheduler.Task(check, self._check_data, decisive=True, aside=True)]
        measurements.sort(key=lambda pair: pair[0])
        for i, (_key, task) in enumerate(measurements):
            ordered.append(task)
            if all(later.step.fase != task.step.fase for _key, later in measurements[i + 1:]):  # the phase's last
                ordered += after_phase.pop(task.step.fase)
        return ordered + [task for tasks in after_phase.values() for task in tasks]  # phases without measurements

    def _decide(self, step: str, parts: dict[str, Any], worker: scheduler.Worker) -> Decision:
        decision = self.cache.decide(step, {**parts, "kode": self.code})
        worker.note(decision.describe())
        return decision

    def _input(self, path: Path, job: pipeline.Job) -> tuple[str, str]:
        """A job's input as its cache key names it (never by the temporary build directory's path) and
        its SHA-256; the files made in this build are hashed as they are now."""
        if path.is_relative_to(self.build_dir):
            return f"bygning/{path.relative_to(self.build_dir).as_posix()}", digest_file(path)
        if path == job.source:
            return f"notesbog/{path.name}", self.digest(path)
        if path == job.config_path:
            return "konfiguration", self.digest(path)
        return f"data/{path.name}", self.digest(path)

    def _notebook(self, job: pipeline.Job, fase: Fase, worker: scheduler.Worker) -> str:
        if job.notebook == pipeline.SUMMARY:  # its provenance needs the compared phase's finished results
            other = fase.sammenlign_med and pipeline.phase_results_path(self.build_dir, fase.sammenlign_med)
            origin = provenance.record(self.shared_origin, self.config, fase, other or None)
            path = resultater.fragment_path(job.output_dir, provenance.FRAGMENT)
            path.parent.mkdir(parents=True, exist_ok=True)
            resultater.write_json(path, origin)
        parts = {
            "notesbog": job.notebook, "fase": job.fase, "parametre": job.parameters,
            "inddata": dict(self._input(p, job) for p in job.inputs),
        }
        decision = self._decide(f"{job.fase}/{job.notebook}", parts, worker)
        if decision.hit:
            self.cache.restore(decision, job.output_dir)
            return REUSED
        worker.executing()
        self._import_for_merge()
        self._execute(job, worker)
        self.cache.store(decision, {p.name: p for p in job.outputs})
        return RAN

    def _import_for_merge(self) -> None:
        """Import what merging a phase's results loads (`evalkit.bygning.diskretion`: statsmodels and scipy, 1–2
        s) on a thread of its own while the notebooks run, so that the merges, which the documents and the
        comparing phase's summary wait for, do not. Only when a notebook runs: its results must be merged."""
        with self.import_lock:
            if self.merge_imports is None:
                self.merge_imports = threading.Thread(target=importlib.import_module, name="evalkit-import",
                                                      args=("evalkit.bygning.diskretion",))
                self.merge_imports.start()

    def _merge(self, fase: Fase, jobs: list[pipeline.Job], worker: scheduler.Worker) -> str:
        fragments = [resultater.fragment_path(self.build_dir / fase.noegle, provenance.FRAGMENT)]
        fragments += [job.fragment for job in jobs]
        parts = {"fase": fase.noegle, "konfiguration": self.digest(self.config_path),
                 "fragmenter": {p.name: digest_file(p) for p in fragments}}
        target = pipeline.phase_results_path(self.build_dir, fase.noegle)
        decision = self._decide(f"{fase.noegle}/resultater", parts, worker)
        if decision.hit:
            self.cache.restore(decision, target.parent)
            return REUSED
        worker.executing()
        from evalkit.bygning import diskretion  # statsmodels and scipy: loaded only when results are merged

        merged = self._assemble(fase, fragments)
        files: dict[str, Path] = {}
        planned: set[str] = set()
        for _ in range(diskretion.MAX_ROUNDS):  # disclosure control over the whole document
            further = diskretion.further_hidden(merged, self.config)
            if not further:
                break
            planned |= further
            plan = diskretion.write_plan(target.parent, planned)
            self.note(f"{fase.navn}: {len(further)} tal mere skjules af hensyn til diskretion på tværs af "
                      "dokumentets tabeller; fasens notesbøger køres igen")
            for job in jobs:
                self._execute(job, worker)
            files = {plan.name: plan, **{p.name: p for job in jobs for p in job.outputs}}
            merged = self._assemble(fase, fragments)
        else:
            raise BuildError(f"{fase.navn}: diskretionen på tværs af dokumentets tabeller fandt ingen løsning "
                             f"efter {diskretion.MAX_ROUNDS} runder.")
        diskretion.check(merged, self.config, fase)
        resultater.write_json(target, merged)
        self.cache.store(decision, {target.name: target, **files})  # with a second run: its notebooks too
        return RAN

    def _assemble(self, fase: Fase, fragments: list[Path]) -> dict[str, Any]:
        loaded = [json.loads(p.read_text(encoding="utf-8")) for p in fragments]
        return resultater.assemble(fase, loaded, self.config.analyseplan)

    def _strip_premises(self, reports: Path) -> dict[Path, tuple[list[praemisser.Premise], str]]:
        """The analysts' files in the render tree that declare premises: their premises and their text,
        which replaces the copy (the front matter must not reach the renderer)."""
        texts = {}
        for path in sorted(reports.rglob("*.md")):
            premises, body = praemisser.read(path)
            if body != path.read_text(encoding="utf-8"):
                path.write_text(body, encoding="utf-8")
                texts[path] = (premises, body)
        return texts

    def _included_texts(self, fase: Fase, merged: dict[str, Any]) -> tuple[dict[Path, str], list[praemisser.Broken]]:
        """The text of each analysts' file this phase's document includes, with a note above it where the
        phase's results break one of its premises, and the broken premises."""
        texts, broken = {}, []
        for path in praemisser.included_files(self.work / "reports" / f"{fase.dokument}.qmd"):
            if path in self.analyst_texts:
                premises, body = self.analyst_texts[path]
                found = praemisser.check(premises, merged, self.config.alpha, f"reports/{path.name}")
                texts[path] = (praemisser.marker(found) if found else "") + body
                broken += found
        return texts, broken

    def _render(self, fase: Fase, worker: scheduler.Worker) -> str:
        merged = json.loads(pipeline.phase_results_path(self.build_dir, fase.noegle).read_text(encoding="utf-8"))
        metadata = document_metadata(self.config, fase.noegle, merged)
        texts, broken = self._included_texts(fase, merged)
        if broken and not self.allow_broken_premises:
            raise praemisser.refusal(broken, f"{fase.dokument}.qmd")
        for item in broken:
            self.note(f"{fase.navn}: præmissen '{item.premise.betingelse}' i {item.fil} holder ikke; "
                      "dokumentet udgives med en markering ved teksten")
        parts = {"dokument": fase.dokument, "kilder": self.sources, "metadata": metadata, "tidsstempel": self.stamp[0],
                 "renderer": self.renderer_version, "notesboeger": digest_tree(self.build_dir / fase.noegle),
                 "brudte_praemisser": [[b.fil, b.premise.betingelse] for b in broken]}
        documents = self.work / "_dokumenter" / fase.noegle
        decision = self._decide(f"{fase.noegle}/dokument", parts, worker)
        if decision.hit:
            self.cache.restore(decision, documents)
            return REUSED
        worker.executing()
        with self.render_lock:
            for path, text in texts.items():  # the render tree's copies are shared by the documents
                path.write_text(text, encoding="utf-8")
            source = Path("reports") / f"{fase.dokument}.qmd"
            outputs = self.renderer.render(self.work, source, metadata, self.stamp[0])
        kontrol.verify(outputs, metadata["title"], self.renderer.name.capitalize())
        documents.mkdir(parents=True, exist_ok=True)
        files = {f"{fase.dokument}.{fmt}": Path(shutil.copy2(path, documents / f"{fase.dokument}.{fmt}"))
                 for fmt, path in outputs.items()}  # the renderers' formats are the file endings
        self.cache.store(decision, files)
        return RAN

    def _stage(self, fase: Fase, staged: Path, intern: Path, result: BuildResult) -> None:
        """A published phase's files into the output being assembled: its documents, its protected
        resultater.json (`resultater.published`) and its executed notebooks; the full resultater.json
        into the internal folder, with the list of counts the document's disclosure control hid besides
        the tables' rule (`resultater.PLAN_FILE`) when there is one."""
        for directory in (staged / fase.noegle, intern / fase.noegle):
            if directory.exists():
                shutil.rmtree(directory)
            directory.mkdir()
        phase_dir = self.build_dir / fase.noegle
        for path in sorted(phase_dir.glob("*.ipynb")):
            shutil.copy2(path, staged / fase.noegle / path.name)
        full = pipeline.phase_results_path(self.build_dir, fase.noegle)
        shutil.copy2(full, intern / fase.noegle / full.name)
        plan = phase_dir / resultater.PLAN_FILE
        if plan.is_file():  # which counts the document's disclosure control hid besides the tables' rule
            shutil.copy2(plan, intern / fase.noegle / plan.name)
        protected = resultater.published(json.loads(full.read_text(encoding="utf-8")), self.config.alpha)
        resultater.write_json(staged / fase.noegle / full.name, protected)
        for path in sorted((self.work / "_dokumenter" / fase.noegle).iterdir()):
            shutil.copy2(path, staged / path.name)
            result.files.append(self.output_dir / path.name)
        result.files.append(self.output_dir / fase.noegle / "resultater.json")
