"""The data check of a large ydelser in DuckDB (`evalkit.data.duckdb_tjek`, issue 20): it finds the problems the
in-memory check finds, in the same rows with the same Danish messages, for every rule of the contract on
ydelser, in Parquet and in CSV; `evalkit validate` uses it; it leaves nothing behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, config_with, small_tables, write_tables

from evalkit.data import duckdb_panel, duckdb_tjek, kontrolleret
from evalkit.data.loading import check_tables
from evalkit.data.validation import Problem


def _config(directory: Path, threshold: int = 0) -> Path:
    return config_with(directory, duckdb_over_raekker=threshold)


def _key(problem: Problem) -> tuple:
    return problem.file.name, problem.column or "", problem.message, problem.rows, problem.count, problem.level


def _both(data: Path, tmp_path: Path) -> tuple[list[tuple], list[tuple], object]:
    """The problems of ydelser found in memory and in DuckDB (and the DuckDB report)."""
    memory = check_tables(data, config=ROOT / "forsoeg.yml")
    duck = check_tables(data, config=_config(tmp_path))
    assert "ydelser" not in duck.tables and "ydelser" in duck.registers
    assert "ydelser" in memory.tables or memory.errors
    ydelser = [p for p in memory.problems if p.file.stem == "ydelser"]
    return [_key(p) for p in ydelser], [_key(p) for p in duck.problems if p.file.stem == "ydelser"], duck


Y = "ydelser"


def _ydelser(tables: dict, change) -> dict:
    return {**tables, Y: change(tables[Y].copy()).reset_index(drop=True)}


def _set(y: pd.DataFrame, column: str, rows: list[int], value) -> pd.DataFrame:
    y[column] = y[column].astype(object)
    for row in rows:
        y.loc[row, column] = value
    return y


BROKEN = {
    "ukendt kode": lambda y: _set(y, "ydelse", [5, 9, 70], "ferie"),
    "koder i store bogstaver og en ukendt": lambda y: _set(_set(y, "ydelse", [3], "KontantHjaelp"), "ydelse", [4], "Orlov"),
    "ikke mandag": lambda y: _set(y, "uge", [5, 6], pd.Timestamp("2018-01-03")),
    "langt fra perioden": lambda y: _set(y, "uge", [11], pd.Timestamp("1990-01-01")),
    "hul": lambda y: y[~y.index.isin([30, 31, 100])],
    "ingen startuge": lambda y: y[y["uge"] != pd.Timestamp("2018-01-01")],
    "dublet": lambda y: pd.concat([y, y.iloc[[40, 41, 2]]]),
    "dublet i historikken": lambda y: pd.concat([y, y.assign(uge=y["uge"] - pd.Timedelta(weeks=200)).iloc[[7, 7, 8]]]),
    "ukendt id": lambda y: _set(y, "borger_id", [7, 8, 300], "X999"),
    "manglende id": lambda y: _set(y, "borger_id", [12], None),
    "manglende ydelse": lambda y: _set(y, "ydelse", [13, 14], None),
    "manglende uge": lambda y: _set(y, "uge", [15], None),
    "cpr": lambda y: _set(y, "borger_id", [16], "010203-1234"),
    "cpr i en ekstra kolonne": lambda y: y.assign(note=["" if i != 17 else "0102031234" for i in range(len(y))]),
    "blandet": lambda y: _set(_set(pd.concat([y, y.iloc[[40]]]), "ydelse", [9], "ferie"), "uge", [50], pd.Timestamp("2018-01-02")),
}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("name", list(BROKEN))
def test_duckdb_finds_the_in_memory_problems_in_the_same_rows(tmp_path, name, fmt):
    tables = _ydelser(small_tables(3), BROKEN[name])
    data = write_tables(tables, tmp_path / "data", fmt=fmt)
    memory, duck, _ = _both(data, tmp_path)
    assert memory, "the broken data set breaks a rule"
    assert sorted(duck) == sorted(memory)


CSV_CELLS = {
    "uge der ikke er en dato": ("2018-13-01", None),
    "uge i et andet format": ("01.01.2018", None),
    "iso-uge": ("2018-W01", None),
    "uge uden for hvad indlæsningen kan rumme": ("2300-01-01", None),
    "tom uge": ("", None),
    "ydelse med mellemrum": (None, "  sygedagpenge "),
}


@pytest.mark.parametrize("name", list(CSV_CELLS))
@pytest.mark.parametrize("danish", [False, True])
def test_duckdb_reads_and_reports_text_cells_as_the_loader(tmp_path, name, danish):
    week, code = CSV_CELLS[name]
    tables = small_tables(3)
    y = tables[Y].assign(uge=tables[Y]["uge"].dt.strftime("%Y-%m-%d")).astype({"uge": object, "ydelse": object})
    for row in (4, 60):
        if week is not None:
            y.loc[row, "uge"] = week
        if code is not None:
            y.loc[row, "ydelse"] = code
    data = write_tables({**tables, Y: y}, tmp_path / "data", danish=danish)
    memory, duck, _ = _both(data, tmp_path)
    assert sorted(duck) == sorted(memory)


def test_blank_and_quoted_lines_keep_the_loaders_row_numbers(tmp_path):
    tables = small_tables(3)
    data = write_tables(tables, tmp_path / "data")
    lines = (data / "ydelser.csv").read_text(encoding="utf-8").splitlines()
    lines[20] = lines[20].replace("kontanthjaelp", "ferie")
    lines[40] = lines[40].replace("kontanthjaelp", '"fe\nrie"')
    lines.insert(10, "")
    lines.insert(30, ",,")
    lines[70] = lines[70].replace("kontanthjaelp", "orlov")
    (data / "ydelser.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    memory, duck, _ = _both(data, tmp_path)
    assert memory and sorted(duck) == sorted(memory)


def test_a_valid_register_passes_and_keeps_its_table_only_when_asked(tmp_path):
    data = write_tables(small_tables(3), tmp_path / "data", fmt="parquet")
    config = _config(tmp_path)
    before = set(Path(tempfile.gettempdir()).glob(f"{duckdb_panel.FOLDER_PREFIX}{os.getpid()}-*"))
    report = check_tables(data, config=config)
    assert not report.errors and report.rows()[Y] == len(small_tables(3)[Y])
    assert report.registers[Y].database is None and report.registers[Y].newest == small_tables(3)[Y]["uge"].max()
    kept = tmp_path / "kontrolleret"
    report = check_tables(data, config=config, register_dir=kept)
    assert report.registers[Y].database == kept / duckdb_panel.CHECKED_DATABASE
    assert sorted(p.name for p in kept.iterdir()) == [duckdb_panel.CHECKED_DATABASE, duckdb_panel.CHECKED_RECORD]
    assert set(Path(tempfile.gettempdir()).glob(f"{duckdb_panel.FOLDER_PREFIX}{os.getpid()}-*")) == before
    broken = write_tables(_ydelser(small_tables(3), BROKEN["hul"]), tmp_path / "broken", fmt="parquet")
    other = tmp_path / "andet"
    assert check_tables(broken, config=config, register_dir=other).errors
    assert not (other / duckdb_panel.CHECKED_DATABASE).exists()


def test_the_kernels_open_the_checks_table_read_only(tmp_path, monkeypatch):
    log = tmp_path / "log"
    monkeypatch.setenv(kontrolleret.LOAD_LOG, str(log))
    data = write_tables(small_tables(3), tmp_path / "data", fmt="parquet")
    config = _config(tmp_path)
    kept = tmp_path / "kontrolleret"
    report = check_tables(data, config=config, register_dir=kept)
    from evalkit.config import load_config
    from evalkit.data.uger import week_monday

    settings = load_config(config)
    ids = report.tables["borgere"]["borger_id"]
    p = settings.fase("slut").maaleperiode
    expected = duckdb_panel.open_register(data, settings.duckdb, week_monday(settings.startdato)).panel(ids)
    expected = expected.first_exits(p.start, p.slut, 8), expected.status_weeks(p.start, p.slut)
    register = duckdb_panel.open_checked(kept, settings.duckdb, week_monday(settings.startdato))
    got = register.panel(ids)
    pd.testing.assert_frame_equal(got.first_exits(p.start, p.slut, 8), expected[0])
    pd.testing.assert_frame_equal(got.status_weeks(p.start, p.slut), expected[1])
    with pytest.raises(Exception):
        register.con.execute("CREATE TABLE x (a INTEGER)")
    kinds = [line.split("\t")[1] for line in log.read_text(encoding="utf-8").splitlines()]
    assert kinds.count("duckdb-tabel") == 2 and kinds.count("duckdb-kontrolleret") == 1  # the check's, the raw file's
    assert "T000" not in log.read_text(encoding="utf-8")


def test_a_file_duckdb_cannot_read_to_its_end_is_checked_in_memory(tmp_path):
    tables = small_tables(3)
    data = write_tables(tables, tmp_path / "data")
    with (data / "ydelser.csv").open("a", encoding="utf-8") as handle:
        handle.write("T000,2018-01-01\n")  # a row with a field too few, after DuckDB's sample
    memory = check_tables(data, config=ROOT / "forsoeg.yml")
    duck = check_tables(data, config=_config(tmp_path))
    assert [_key(p) for p in duck.problems] == [_key(p) for p in memory.problems] and duck.errors
    assert not duck.registers


def test_validate_uses_the_duckdb_check(tmp_path):
    from test_cli import run

    data = write_tables(_ydelser(small_tables(3), BROKEN["ukendt kode"]), tmp_path / "data", fmt="parquet")
    log = tmp_path / "log"
    proc = run("validate", "--data", str(data), "--config", str(_config(tmp_path)))
    assert proc.returncode == 1 and "Ukendt kode ('ferie')" in proc.stderr and "Rækker: 6, 10, 71." in proc.stderr
    assert "Traceback" not in proc.stderr
    good = write_tables(small_tables(3), tmp_path / "good", fmt="parquet")
    os.environ[kontrolleret.LOAD_LOG] = str(log)
    try:
        proc = run("validate", "--data", str(good), "--config", str(_config(tmp_path)))
    finally:
        del os.environ[kontrolleret.LOAD_LOG]
    assert proc.returncode == 0 and f"ydelser ({len(small_tables(3)[Y])} rækker)" in proc.stderr
    loads = [line.split("\t")[1:3] for line in log.read_text(encoding="utf-8").splitlines()]
    assert ["regler-duckdb", Y] in loads and ["raa", Y] not in loads


def test_the_csv_row_numbers_follow_the_loader(tmp_path):
    path = tmp_path / "y.csv"
    path.write_text('a,b\n1,2\n\n"x\ny",3\n,\n4,5\n', encoding="utf-8")
    assert duckdb_tjek.csv_row_numbers(path, [1, 2, 3]) == [2, 4, 6]


def test_row_numbers_of_a_csv_file_read_in_parallel_follow_the_file(tmp_path):
    """A CSV file of many of DuckDB's chunks, read by two threads: the rows a problem names (values, a repeated
    key, a gap) are the loader's, wherever they lie in the file."""
    import pyarrow.parquet as pq

    from evalkit.config import load_config
    from evalkit.data.simulering.storskala import panel as large_panel
    from evalkit.data.simulering.storskala import write_panel

    write_panel(large_panel(load_config(ROOT / "forsoeg.yml"), borgere=400, seed=5), tmp_path / "parquet")
    ydelser = pq.read_table(tmp_path / "parquet" / "ydelser.parquet").to_pandas()
    ydelser = ydelser.assign(uge=ydelser["uge"].dt.strftime("%Y-%m-%d")).astype(object)
    last = len(ydelser) - 1
    for row in (3, 12_345, last - 2):
        ydelser.loc[row, "ydelse"] = "ferie"
    ydelser = ydelser.drop(index=[20_001, last - 40]).reset_index(drop=True)  # two gaps
    ydelser = pd.concat([ydelser, ydelser.iloc[[30_000]]], ignore_index=True)  # a repeated key at the end
    data = tmp_path / "csv"
    tables = {name: pd.read_parquet(tmp_path / "parquet" / f"{name}.parquet") for name in ("borgere",)}
    write_tables(tables, data, fmt="parquet")
    for path in (tmp_path / "parquet").iterdir():
        if path.stem not in ("borgere", "ydelser"):
            (data / path.name).write_bytes(path.read_bytes())
    (data / "ydelser.csv").write_text(ydelser.to_csv(index=False), encoding="utf-8")
    memory, duck, _ = _both(data, tmp_path)
    assert sorted(duck) == sorted(memory)
    found = {(column, rows[-1] > 40_000) for _, column, _, rows, _, _ in memory}
    assert found >= {("ydelse", True), ("uge", True), ("borger_id, uge", True)}, memory
