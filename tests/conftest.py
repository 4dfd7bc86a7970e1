"""Shared test helpers: the project root and small hand-made data sets."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "eksempel"


@pytest.fixture(scope="session")
def config():
    from evalkit.config import load_config

    return load_config(ROOT / "forsoeg.yml")


@pytest.fixture(scope="session")
def unsuppressed(config):
    """The configuration with a disclosure threshold of 1, so no count is suppressed: for tests of the
    definitions on tiny hand-made groups (test_diskretion.py tests the suppression on them)."""
    import dataclasses

    return dataclasses.replace(config, diskretionsgraense=1)


def mondays(start: str, n: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(weeks=i) for i in range(n)]


def panel(statuses: dict[str, list[str]], start: str = "2018-01-01") -> pd.DataFrame:
    """A weekly ydelser panel from one status list per citizen, starting at `start`."""
    rows = []
    for borger, seq in statuses.items():
        for week, status in zip(mondays(start, len(seq)), seq):
            rows.append({"borger_id": borger, "uge": pd.Timestamp(week), "ydelse": status})
    return pd.DataFrame(rows)


def small_tables(n_per_group: int = 3) -> dict[str, pd.DataFrame]:
    """A tiny but complete data set of all seven tables (contract-conforming)."""
    ids = [f"T{i:03d}" for i in range(2 * n_per_group)]
    borgere = pd.DataFrame(
        {
            "borger_id": ids,
            "gruppe": ["forsoeg"] * n_per_group + ["kontrol"] * n_per_group,
            "afdeling": ["JKI Job og Indsats 6"] * n_per_group + ["JKI Job og Indsats 1"] * n_per_group,
            "koen": ["K", "M"] * n_per_group,
            "alder": [30 + i for i in range(2 * n_per_group)],
            "herkomst": ["dansk", "vestlig", "ikke-vestlig"] * (2 * n_per_group // 3) + ["dansk"] * (2 * n_per_group % 3),
            "offentlig_forsoergelse_aar": [4.5 + i for i in range(2 * n_per_group)],
            "kontanthjaelp_siden": [pd.Timestamp("2014-03-01"), pd.Timestamp("2016-06-01")] * n_per_group,
        }
    )
    statuses = {b: ["kontanthjaelp"] * 60 for b in ids}
    statuses[ids[0]] = ["kontanthjaelp"] * 5 + ["beskaeftigelse"] * 55
    ydelser = panel(statuses)
    placeringer = pd.DataFrame(
        {"borger_id": [ids[0]], "type": ["praktik"], "start": [pd.Timestamp("2018-03-01")], "slut": [pd.NaT]}
    )
    samtaler = pd.DataFrame(
        {"borger_id": ids, "dato": [pd.Timestamp("2018-02-01")] * len(ids), "frist": [pd.Timestamp("2018-02-05")] * len(ids)}
    )
    planer = pd.DataFrame(
        {"borger_id": [ids[1]], "dato": [pd.Timestamp("2018-05-01")], "markeret": [True], "rehab_resultat": ["indstillet"]}
    )
    months = pd.date_range("2018-05-01", periods=8, freq="MS")
    syg = pd.DataFrame(
        [
            {"afdeling": a, "maaned": m, "fuldtidsansatte": 20.0, "sygedage_kort": 1.5, "sygedage_lang": 0.5}
            for a in ("JKI Job og Indsats 1", "JKI Job og Indsats 6")
            for m in months
        ]
    )
    oms = pd.DataFrame(
        [
            {"afdeling": a, "maaned": m, "ansatte": 22.0, "fratraadte_eksterne": 1, "fratraadte_interne": 0}
            for a in ("JKI Job og Indsats 1", "JKI Job og Indsats 6")
            for m in months
        ]
    )
    return {
        "borgere": borgere,
        "ydelser": ydelser,
        "virksomhedsplaceringer": placeringer,
        "samtaler": samtaler,
        "forberedende_planer": planer,
        "sygefravaer": syg,
        "medarbejderomsaetning": oms,
    }


def _csv_text(frame: pd.DataFrame, danish: bool) -> str:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            fmt = "%Y-%m" if col == "maaned" else ("%d-%m-%Y" if danish else "%Y-%m-%d")
            out[col] = out[col].dt.strftime(fmt).fillna("")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "ja", False: "nej"})
        elif pd.api.types.is_float_dtype(out[col]) and danish:
            out[col] = out[col].map(lambda v: f"{v:.2f}".replace(".", ","))
    return out.to_csv(index=False, sep=";" if danish else ",")


def config_with(directory: Path, **settings: object) -> Path:
    """A copy of forsoeg.yml in `directory` whose `key: value` lines are set to `settings`; a key whose line
    is not in the file exactly once fails the test (rather than leaving the setting silently unchanged)."""
    text = (ROOT / "forsoeg.yml").read_text(encoding="utf-8")
    for key, value in settings.items():
        text, found = re.subn(rf"(?m)^(\s*{key}):[^#\n]*", rf"\g<1>: {value}", text)
        assert found == 1, f"{key} is in forsoeg.yml {found} times"
    path = directory / "forsoeg.yml"
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory`, by its relative path, with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def write_tables(tables: dict[str, pd.DataFrame], directory: Path, fmt: str = "csv", danish: bool = False,
                 encoding: str = "utf-8") -> Path:
    """Write `tables` in one of the contract's formats."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "csv":
            (directory / f"{name}.csv").write_bytes(_csv_text(frame, danish).encode(encoding))
        elif fmt == "parquet":
            out = frame.copy()
            if "maaned" in out:
                out["maaned"] = out["maaned"].dt.strftime("%Y-%m")
            out.to_parquet(directory / f"{name}.parquet", index=False)
        elif fmt == "xlsx":
            out = frame.copy()
            if "maaned" in out:
                out["maaned"] = out["maaned"].dt.strftime("%Y-%m")
            if "markeret" in out:
                out["markeret"] = out["markeret"].map({True: "ja", False: "nej"})
            out.to_excel(directory / f"{name}.xlsx", index=False)
    return directory


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Both documents built once from the example data with the pandoc/Typst renderer, via the CLI."""
    out = tmp_path_factory.mktemp("e2e") / "_output"
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit.cli", "build", "--output", str(out), "--renderer", "pandoc"],
        cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    return out


def run_notebook(name: str, tmp_path: Path, fase: str, data_dir: Path = EXAMPLE, **extra: str):
    """Execute notebooks/<name>.ipynb for `fase` with papermill (on its own, as outside a build, unless
    `extra` parameters say otherwise); return its results fragment and the executed notebook."""
    import nbformat

    from evalkit.bygning import pipeline
    from evalkit.bygning.resultater import fragment_path

    out = tmp_path / fase
    out.mkdir(parents=True)
    parameters = {"fase": fase, "data_dir": str(data_dir), "output_dir": str(out), "config_path": str(ROOT / "forsoeg.yml"),
                  **extra}
    pipeline.execute(ROOT / "notebooks" / f"{name}.ipynb", out / f"{name}.ipynb", parameters, tmp_path)
    fragment = json.loads(fragment_path(out, name).read_text(encoding="utf-8"))
    return fragment, nbformat.read(out / f"{name}.ipynb", as_version=4)


def labelled_outputs(nb) -> dict[str, str]:
    """The one output of each labelled cell: its markdown or SVG text."""
    result = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("#| label:"):
            label = cell.source.splitlines()[0].split(":", 1)[1].strip()
            assert len(cell.outputs) == 1, label
            data = cell.outputs[0]["data"]
            result[label] = data.get("text/markdown") or data.get("image/svg+xml")
    return result
