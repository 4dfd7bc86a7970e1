"""Notebook jobs: each (notebook, phase) run is an independent job with declared inputs and outputs,
executed by papermill on a kernel of this very Python environment (`evalkit.bygning.kernel`).

papermill, nbformat and jupyter_client are imported where a notebook is executed, so a build whose
notebooks all come from the cache never loads them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit import maaleparametre
from evalkit.bygning.praemisser import files_with_main_findings
from evalkit.bygning.provenance import FRAGMENT as PROVENANCE
from evalkit.bygning.resultater import fragment_path
from evalkit.config import load_config
from evalkit.data.contract import find_table_file, tables_read
from evalkit.errors import BuildError, EvalkitError

if TYPE_CHECKING:
    from evalkit.bygning.kernel import WarmKernel

# The measurement notebooks from the longest-running to the shortest (byg.log of builds of the example data
# and of the 110.000-citizen panel). A build starts the longest one of every phase first, then each phase's
# others in this order, phase after phase: the longest runs do not end up last on one worker, and the first
# phase's notebooks end early, so that its summary and results are made while the later phase's still run
# (the later phase's summary reads them). Only the order in which the notebooks run depends on it.
LONGEST_FIRST = ("varighed", "afgange", "baseline", "virksomhedsplaceringer", "langtidsgruppen", "personale",
                 "samtaler", "planer")


def running_order(notebook: str, phase: int) -> tuple[int, int, int]:
    """The sort key of measurement notebook `notebook` of the `phase`-th phase (see `LONGEST_FIRST`)."""
    rank = LONGEST_FIRST.index(notebook)
    return (rank > 0, phase, rank)


SUMMARY = "sammenfatning"  # runs after a phase's measurement notebooks and reads their results
LOCK_FILE = "analyseplan-laast.json"  # the analysis plan locked before this build (`carry_lock`)


@dataclass(frozen=True)
class Job:
    """One notebook executed for one phase, with everything it reads (`inputs`) and writes (`outputs`)."""

    notebook: str
    fase: str
    source: Path
    data_dir: Path
    config_path: Path
    output_dir: Path
    inputs: tuple[Path, ...]
    comparison: Path | None = None  # another phase's resultater.json (the summary of a comparing phase)
    analyst_texts: tuple[Path, ...] = ()  # the analysts' files whose main findings the summary shows
    carried_lock: Path | None = None  # the analysis plan locked before this build (`LOCK_FILE`)
    checked_dir: Path | None = None  # the data check's columnar tables (`evalkit.data.kontrolleret`)

    @property
    def executed(self) -> Path:
        return self.output_dir / f"{self.notebook}.ipynb"

    @property
    def fragment(self) -> Path:
        return fragment_path(self.output_dir, self.notebook)

    @property
    def outputs(self) -> tuple[Path, ...]:
        return (self.executed, self.fragment)

    @property
    def parameters(self) -> dict[str, str]:
        """papermill's parameters. Paths inside the build directory are relative to the notebook's working
        directory (its output directory), so the executed notebooks do not carry the temporary build path."""
        parameters = {
            "fase": self.fase,
            "data_dir": str(self.data_dir),
            "output_dir": ".",
            "config_path": str(self.config_path),
        }
        if self.comparison is not None:
            parameters["sammenligning"] = os.path.relpath(self.comparison, self.output_dir)
        if self.analyst_texts:
            parameters["analysetekster"] = [str(path) for path in self.analyst_texts]
        if self.carried_lock is not None:
            parameters["laast_analyseplan"] = os.path.relpath(self.carried_lock, self.output_dir)
        if self.checked_dir is not None:
            parameters["kontrollerede_data"] = os.path.relpath(self.checked_dir, self.output_dir)
        return parameters


def carry_lock(output_dir: Path, build_dir: Path, fase: str, plan: dict[str, Any]) -> None:
    """Carry the analysis plan locked before this build over into the phase's build directory: the lock
    its resultater.json in the output folder records (`analyseplan.laast`), which the build is about to
    replace. Nothing when there is none, or when it is this build's `plan`: the phase then locks its own
    plan, and a rebuild with an unchanged plan gives the same notebooks, byte for byte."""
    earlier = Path(output_dir) / fase / "resultater.json"
    try:
        section = json.loads(earlier.read_text(encoding="utf-8")).get("analyseplan") or {}
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(section.get("laast"), dict) and section["laast"] != plan:
        target = Path(build_dir) / fase / LOCK_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"plan": section["laast"], "fase": section.get("laast_af")}, ensure_ascii=False,
                                     sort_keys=True) + "\n", encoding="utf-8")


def phase_results_path(build_dir: Path, fase: str) -> Path:
    """Where the build writes a phase's merged resultater.json (read by a phase that compares with it)."""
    return Path(build_dir) / fase / "resultater.json"


def plan(notebooks_dir: Path, faser: list[str], data_dir: Path, config_path: Path, build_dir: Path,
         checked_dir: Path | None = None) -> list[Job]:
    """Per phase: one job per measurement notebook, then the summary job that reads their results
    (and, for a phase configured with `sammenlign_med`, the other phase's merged results, which the
    build must have written first). Outputs go to `build_dir/<fase>/`. With `checked_dir`, the
    measurement notebooks map the tables the build's data check wrote there instead of reading the
    inputs (which stay their inputs: the files there are made from them)."""
    data_dir, config_path = data_dir.resolve(), config_path.resolve()
    config = load_config(config_path)
    jobs = []
    for fase in faser:
        out = build_dir / fase
        measurements = []
        for name in (*maaleparametre.NAMES, SUMMARY):
            source = notebooks_dir / f"{name}.ipynb"
            if not source.is_file():
                raise BuildError(f"Notesbogen {source} mangler.")
            comparison, texts, lock, checked = None, (), None, checked_dir
            if name == SUMMARY:
                document = notebooks_dir.parent / "reports" / f"{config.fase(fase).dokument}.qmd"
                texts = tuple(files_with_main_findings(document)) if document.is_file() else ()
                reads = (*(job.fragment for job in measurements), fragment_path(out, PROVENANCE), *texts)
                if config.fase(fase).sammenlign_med:
                    comparison = phase_results_path(build_dir, config.fase(fase).sammenlign_med)
                    reads += (comparison,)
                elif (out / LOCK_FILE).is_file():  # written by the build before planning (`carry_lock`)
                    lock = out / LOCK_FILE
                    reads += (lock,)
                checked = None  # the summary reads no table
            else:
                reads = tuple(find_table_file(data_dir, t) for t in tables_read(maaleparametre.tables(name)))
            job = Job(name, fase, source, data_dir, config_path, out, (source, config_path, *reads), comparison, texts,
                      lock, checked)
            measurements.append(job)
        jobs += measurements
    return jobs


FIG_ALT = re.compile(r"^#\|\s*fig-alt:.*$", re.M)


def _alt_with_finding(cell) -> None:
    """Put the finding a figure's output carries (`figures.FINDING`) in front of the cell's `fig-alt`, where
    both renderers read the alt text, and drop it from the output."""
    import yaml

    from evalkit.praesentation.figures import FINDING

    for output in cell.get("outputs", []):
        finding = output.get("metadata", {}).get("image/svg+xml", {}).pop(FINDING, None)
        if not output.get("metadata", {}).get("image/svg+xml", True):
            output["metadata"].pop("image/svg+xml")
        if not finding:
            continue
        match = FIG_ALT.search(cell.source)
        description = yaml.safe_load(match.group(0).split(":", 1)[1]) if match else ""
        value = yaml.safe_dump(f"{finding} {description}".strip(), allow_unicode=True, width=10_000).strip()
        value = value.removesuffix("\n...").strip()
        line = f"#| fig-alt: {value}"
        cell.source = FIG_ALT.sub(lambda _m: line, cell.source, count=1) if match else f"{line}\n{cell.source}"


def clean_executed(path: Path) -> None:
    """Remove what changes on every run: papermill's and nbclient's timing metadata and the injected
    cell's random id. A figure's computed finding moves into its alt text (`_alt_with_finding`)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path", "environment_variables"):
        meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        if cell.cell_type == "code":
            _alt_with_finding(cell)
    nbformat.write(nb, path)


def execute(
    source: Path,
    executed: Path,
    parameters: dict[str, str],
    cwd: Path,
    kernel_log: Path | None = None,
    kernel: WarmKernel | None = None,
) -> None:
    """papermill on the project's own kernel, without timing metadata. With `kernel`, on that running
    kernel, reset first to a fresh kernel's state in `cwd`; else on a new kernel whose stderr goes to
    `kernel_log` when given."""
    import papermill

    from evalkit.bygning.kernel import KERNEL_NAME, READY_TIMEOUT, kernel_manager_class

    if kernel is not None:
        kernel.fresh(cwd)
        options = {"km": kernel.manager}
    else:
        options = {"kernel_manager_class": kernel_manager_class(kernel_log), "cwd": str(cwd), "start_timeout": READY_TIMEOUT}
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            record_timing=False,
            **options,
        )
    finally:
        if kernel is not None:
            kernel.done()
    clean_executed(executed)


def run(job: Job, failed_dir: Path | None = None, kernel: WarmKernel | None = None) -> None:
    """Execute one job (on `kernel` when given); a failure becomes a Danish BuildError naming the notebook
    and its executed copy (copied into `failed_dir` when given, since the build directory is removed
    after a failure; new kernels' stderr is collected there too, in kerner.log)."""
    import papermill

    job.output_dir.mkdir(parents=True, exist_ok=True)
    kernel_log = None
    if failed_dir is not None:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kernel_log = failed_dir / "kerner.log"
    try:
        execute(job.source, job.executed, job.parameters, job.output_dir, kernel_log, kernel)
    except papermill.PapermillExecutionError as exc:
        detail = exc.evalue if exc.ename in {c.__name__ for c in _evalkit_errors()} else f"{exc.ename}: {exc.evalue}"
        executed = job.executed
        if failed_dir is not None and executed.is_file():
            executed = Path(shutil.copy2(executed, failed_dir / f"{job.fase}-{job.notebook}.ipynb"))
        raise BuildError(
            f"Notesbogen '{job.notebook}' fejlede i fasen '{job.fase}':\n{detail}\n"
            f"Den kørte notesbog med fejlen: {executed}"
        ) from None
    except EvalkitError:
        raise
    except Exception as exc:  # kernel start-up, missing notebook file, papermill I/O
        raise BuildError(
            f"Notesbogen '{job.notebook}' kunne ikke køres i fasen '{job.fase}': {type(exc).__name__}: {exc}"
        ) from None


def _evalkit_errors() -> list[type]:
    found, todo = [], [EvalkitError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found
