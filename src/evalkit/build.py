"""The whole build: validate the data, run every (notebook, phase) job, merge resultater.json,
render each phase's document and publish the output directory only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from evalkit import formatting, paths, pipeline, provenance, results
from evalkit.config import Config, load_config
from evalkit.errors import DataError, EvalkitError
from evalkit.loading import check_tables
from evalkit.render import Renderer, select

# Copied from the project into the render tree; the notebooks' outputs join them under _build/.
RENDER_SOURCES = ("_quarto.yml", "reports")


@dataclass
class BuildResult:
    output_dir: Path
    renderer: str
    files: list[Path] = field(default_factory=list)


def document_metadata(config: Config, fase_key: str, available: dict[str, bool]) -> dict[str, str]:
    """Title block of a phase's document from the configuration, and `tilgaengelig-<notebook>: true`
    for each measurement whose data exist in this phase (the documents' `when-meta` conditions)."""
    fase = config.fase(fase_key)
    metadata = {
        "title": config.titel,
        "subtitle": fase.navn,
        "author": config.organisation,
        "date": formatting.month(fase.udgivelsesdato),
    }
    metadata.update({f"tilgaengelig-{name}": "true" for name, ok in sorted(available.items()) if ok})
    return metadata


def _publish(staged: Path, output_dir: Path) -> None:
    """Swap the finished output in place of the old one; the old one is removed only afterwards.
    Ctrl-C and SIGTERM wait until the swap is done, so it never stops half-way."""
    with _signals_deferred():
        _swap(staged, output_dir)


@contextlib.contextmanager
def _signals_deferred():
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def _swap(staged: Path, output_dir: Path) -> None:
    old = None
    if output_dir.exists():
        old = output_dir.with_name(f".{output_dir.name}.gammel")
        if old.exists():
            shutil.rmtree(old)
        output_dir.rename(old)
    staged.rename(output_dir)
    if old is not None:
        shutil.rmtree(old)


def log_dir(output_dir: Path) -> Path:
    """Where a build's log (and a failed notebook's executed copy) is kept: beside the output directory,
    so a failed build leaves the output untouched and its log survives the temporary build directory."""
    return output_dir.with_name(f"{output_dir.name}-log")


class BuildLog:
    """The build's progress and outcome, line by line, in `<output>-log/byg.log` (overwritten per build)."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        for old in [*directory.glob("*.ipynb"), *directory.glob("*.log")]:
            old.unlink()  # the previous build's log, kernel output and failed notebooks
        self.path = directory / "byg.log"
        self.path.write_text("", encoding="utf-8")

    def write(self, message: str) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")  # the log only; outputs never carry the clock
        with self.path.open("a", encoding="utf-8") as handle:
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
    progress: Callable[[str], None] = lambda _msg: None,
) -> BuildResult:
    """Build the documents of `faser` (all phases by default) from `data_dir` into `output_dir`.

    Everything is written to a temporary directory beside `output_dir`, which replaces it only when all
    succeeded; a failure or an interrupt leaves the previous output as it was. The log is kept in
    `log_dir(output_dir)` and named in every error."""
    output_dir = Path(output_dir or paths.project_root() / "_output").absolute()
    log = BuildLog(log_dir(output_dir))
    _log_python_to(log.path)

    def say(message: str) -> None:
        log.write(message)
        progress(message)

    try:
        return _build(data_dir, output_dir, faser, renderer, config_path, say, log)
    except EvalkitError as exc:
        log.write(f"Fejl: {exc}")
        exc.args = (f"{exc}\nIntet er ændret i {output_dir}. Loggen ligger i {log.path}",)
        raise
    except KeyboardInterrupt:
        log.write("Afbrudt.")
        raise Interrupted(f"Afbrudt. Intet er ændret i {output_dir}. Loggen ligger i {log.path}") from None


def _build(
    data_dir: Path | None,
    output_dir: Path,
    faser: list[str] | None,
    renderer: str | Renderer,
    config_path: Path | None,
    progress: Callable[[str], None],
    log: BuildLog,
) -> BuildResult:
    project = paths.project_root()
    config_path = Path(config_path or paths.default_config())
    data_dir = Path(data_dir or paths.default_data())
    config = load_config(config_path)
    faser = list(faser or config.faser)
    for fase in faser:
        config.fase(fase)  # unknown phase: a Danish ConfigError before any work is done

    progress(f"Tjekker data i {data_dir}")
    checked = check_tables(data_dir, config=config)
    if checked.errors:
        raise DataError(checked.describe())
    if checked.warnings:
        progress(checked.describe())
    stamp = provenance.timestamp(checked.tables)
    chosen = renderer if isinstance(renderer, Renderer) else select(renderer)

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{output_dir.name}.", dir=output_dir.parent) as tmp:
        work, staged = Path(tmp) / "kilde", Path(tmp) / "ud"
        work.mkdir()
        for name in RENDER_SOURCES:
            src = project / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / name)
        if output_dir.is_dir() and set(faser) != set(config.faser):
            shutil.copytree(output_dir, staged)  # keep the other phases' documents
        else:
            staged.mkdir()

        result = BuildResult(output_dir=output_dir, renderer=chosen.version())
        build_dir = work / "_build"
        shared_origin = provenance.build_record(data_dir, config, result.renderer, stamp, project)
        # a phase another phase compares with is computed too, but published only when asked for
        for fase_key in config.with_comparisons(faser):
            fase = config.fase(fase_key)
            jobs = pipeline.plan(project / "notebooks", [fase_key], data_dir, config_path, build_dir)
            other = fase.sammenlign_med and pipeline.phase_results_path(build_dir, fase.sammenlign_med)
            origin = provenance.record(shared_origin, config, fase, other or None)
            provenance_path = results.fragment_path(build_dir / fase_key, provenance.FRAGMENT)
            provenance_path.parent.mkdir(parents=True, exist_ok=True)
            results.write_json(provenance_path, origin)
            for job in jobs:
                progress(f"Kører notesbogen {job.notebook} for fasen {fase_key}")
                pipeline.run(job, failed_dir=log.directory)
            fragments = [origin, *(json.loads(job.fragment.read_text(encoding="utf-8")) for job in jobs)]
            resultater = results.assemble(fase, fragments, config.udfaldsfamilie)
            results.write_json(pipeline.phase_results_path(build_dir, fase_key), resultater)
            if fase_key not in faser:
                continue

            phase_out = staged / fase_key
            if phase_out.exists():
                shutil.rmtree(phase_out)
            phase_out.mkdir()
            for path in (pipeline.phase_results_path(build_dir, fase_key), *(job.executed for job in jobs)):
                shutil.copy2(path, phase_out / path.name)

            progress(f"Renderer {fase.dokument} med {chosen.name}")
            source = Path("reports") / f"{fase.dokument}.qmd"
            metadata = document_metadata(config, fase_key, resultater.get("tilgaengelighed", {}))
            outputs = chosen.render(work, source, metadata, stamp[0])
            for fmt, path in outputs.items():
                target = staged / f"{fase.dokument}.{fmt}"  # the renderers' formats are the file endings
                shutil.copy2(path, target)
                result.files.append(output_dir / target.name)
            result.files.append(output_dir / fase_key / "resultater.json")

        _publish(staged, output_dir)
    return result
