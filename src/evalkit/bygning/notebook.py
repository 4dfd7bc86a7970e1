"""What a measurement notebook needs at its start and end: configuration, data, the compared phase's
results and saving its own.

Notebooks stay thin: a `parameters` cell, `start(...)`, calls into their measurement module,
labelled outputs, and `Run.save(...)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from evalkit import paths
from evalkit.bygning.resultater import PLAN_FILE, assemble, fragment_path, published_source, write_json
from evalkit.config import Config, Fase, load_config
from evalkit.data import kontrolleret
from evalkit.data.contract import find_table_file, tables_read
from evalkit.data.uger import week_monday
from evalkit.errors import DataError
from evalkit.praesentation.tekst import Tekst

if TYPE_CHECKING:
    from evalkit.maaleparametre.faelles import Comparison


@dataclass(frozen=True)
class Run:
    """One notebook run: the phase, its configuration, the tables it reads and where it writes."""

    config: Config
    fase: Fase
    data: dict[str, Any]  # DataFrames; ydelser may be a DuckDB panel (`evalkit.data.panel.Borgerpanel`)
    output_dir: Path

    def save(self, notebook: str, payload: dict[str, Any], available: bool = True) -> None:
        """Write this notebook's part of the phase's resultater.json, with whether its data exist
        for this phase (`tilgaengelighed`; the documents show a section only when they do)."""
        write_json(fragment_path(self.output_dir, notebook), {**payload, "tilgaengelighed": {notebook: available}})


def phase_results(run: Run, exclude: str = "sammenfatning") -> dict[str, Any]:
    """The phase's results so far: every measurement notebook's fragment in the output directory."""
    paths = sorted(p for p in run.output_dir.glob("*.resultater.json") if p != fragment_path(run.output_dir, exclude))
    return assemble(run.fase, [json.loads(p.read_text(encoding="utf-8")) for p in paths], run.config.analyseplan)


def show(available: bool, reason: str, make: Callable[[], Any]) -> Any:
    """The output of a labelled cell: `make()` when the phase has the data, else the Danish `reason`.
    Every labelled cell always has one output, so embedding it never fails."""
    return make() if available else Tekst(reason)


# The tables a kernel has read and checked, by what they were read from. A build runs several notebooks
# on one kernel (evalkit.bygning.kernel), and most read the same borgere and ydelser: they are checked once.
_LOADED: dict[tuple, dict[str, pd.DataFrame]] = {}


def _file_state(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _load(data_dir: Path, tables: tuple[str, ...], config: Config) -> dict[str, pd.DataFrame]:
    """`load_tables`, remembered per kernel while the files and the configuration stay as they were.
    The frames are handed out as new (shallow) copies; with pandas' copy-on-write a notebook that changes
    one changes only its own."""
    from evalkit.data.loading import load_tables  # pandera: only a notebook run on its own checks its data

    read = sorted(tables_read(tables))
    try:
        key = (tuple(tables), _file_state(config.sti), *(_file_state(find_table_file(data_dir, t)) for t in read))
    except (DataError, OSError):  # a missing file: load_tables reports every problem at once
        return load_tables(data_dir, tables, config)
    if key not in _LOADED:
        if len(_LOADED) >= 8:  # a kernel used for other data sets as well: start afresh
            _LOADED.clear()
        _LOADED[key] = load_tables(data_dir, tables, config)
    return {name: frame.copy(deep=False) for name, frame in _LOADED[key].items()}


def start(
    fase: str,
    data_dir: str | None,
    output_dir: str | None,
    config_path: str | None,
    tables: tuple[str, ...],
    checked_dir: str | None = None,
) -> Run:
    """Load the configuration and the tables a notebook reads; None means the project's defaults. The
    counts the document's disclosure control hides besides each table's rule (`PLAN_FILE` in the output
    directory, written by the build) join the configuration as `Config.diskretion_plan`.

    In a build, `checked_dir` (relative to the output directory) holds the tables the build's data check
    read and validated from `data_dir`, in a columnar form (`evalkit.data.kontrolleret`): they are mapped
    from there, not read and validated again; a large ydelser is there as the check's compact DuckDB table
    (`evalkit.data.duckdb_panel.open_checked`). Without it (a notebook run on its own) they are loaded
    from `data_dir`, and a large ydelser is read by DuckDB from its file."""
    config = load_config(config_path or paths.default_config())
    output = Path(output_dir or ".")
    output.mkdir(parents=True, exist_ok=True)
    plan = output / PLAN_FILE
    if plan.is_file():  # a build's second run of the phase: the document's solution of disclosure control
        config = replace(config, diskretion_plan=frozenset(json.loads(plan.read_text(encoding="utf-8"))))
    from evalkit.data.duckdb_panel import open_checked, open_register  # duckdb: only where a notebook reads data

    data_path = Path(data_dir or paths.default_data())
    # a large ydelser (data.duckdb_over_raekker) is measured in DuckDB, never loaded here: in a build from the
    # compact table the data check made (read-only), on its own from the file
    register = None
    if "ydelser" in tables:
        start_week = week_monday(config.startdato)
        register = (open_checked(output / checked_dir, config.duckdb, start_week) if checked_dir
                    else open_register(data_path, config.duckdb, start_week))
    wanted = tuple(t for t in tables if register is None or t != "ydelser")
    data = kontrolleret.read(output / checked_dir, tables_read(wanted)) if checked_dir else _load(data_path, wanted, config)
    if register is not None:
        data["ydelser"] = register.panel(data["borgere"]["borger_id"])
    return Run(config=config, fase=config.fase(fase), data=data, output_dir=output)


def main_findings(paths: list[str] | None) -> list[str]:
    """The qualitative main findings the analysts declared in the files the document includes (the build
    passes their paths), for the résumé and the overall assessment."""
    from evalkit.bygning.praemisser import main_findings as read

    return [finding for path in paths or () for finding in read(Path(path))]


def analysis_plan(run: Run, earlier: Comparison | None, carried: str | Path | None) -> dict[str, Any]:
    """The phase's `analyseplan` section (`evalkit.maaleparametre.analyseplan.record`): the lock comes from
    the compared phase's results, or from the file the build carried over from the output folder's
    earlier results (`carried`), or the phase locks its own plan."""
    from evalkit.maaleparametre import analyseplan

    lock = json.loads(Path(carried).read_text(encoding="utf-8")) if carried else None
    return analyseplan.record(run.config, run.fase.noegle, earlier.resultater if earlier else None, lock)


def load_comparison(path: str | Path | None, config: Config) -> Comparison | None:
    """The results of the phase this one compares with, from the resultater.json the build wrote for it;
    None when the phase compares with none. Its source names the published file: the SHA-256 is that of
    the protected form the report's folder holds (`resultater.published`)."""
    if not path:
        return None
    path = Path(path)
    from evalkit.maaleparametre.faelles import Comparison  # statsmodels: only the summary compares phases

    return Comparison(json.loads(path.read_text(encoding="utf-8")), published_source(path, config.alpha))
