"""The DuckDB engine for registers larger than memory (`evalkit.data.duckdb_panel`, issue 20): it gives the
in-memory engine's answers, per citizen and in resultater.json, on the example data and on random small data
sets, in every file format DuckDB reads (Parquet, CSV in both dialects), with the edge cases of the exit
definition; it refuses a panel that breaks the contract; and the configuration decides when it is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import EXAMPLE, ROOT, config_with, mondays, small_tables, write_tables
from test_properties import NoRender, handmade_tables, simulated

from evalkit.bygning import notebook
from evalkit.bygning.build import build
from evalkit.bygning.udgivelse import cache_dir, intern_dir
from evalkit.config import DEFAULT_DUCKDB_ROWS, Duckdb, load_config
from evalkit.data import duckdb_panel, kontrolleret, panel
from evalkit.data.loading import load_tables
from evalkit.data.simulering.storskala import panel as large_panel
from evalkit.data.simulering.storskala import write_panel
from evalkit.data.uger import week_monday
from evalkit.errors import ConfigError, DataError
from evalkit.maaleparametre import afgange, baseline, langtidsgruppen, varighed

CONFIG = load_config(ROOT / "forsoeg.yml")
ALWAYS = Duckdb(over_raekker=0, hukommelse_gb=1, traade=2)
KH, JOB, SYG, RES = "kontanthjaelp", "beskaeftigelse", "sygedagpenge", "ressourceforloeb"


def register(data: Path, settings: Duckdb = ALWAYS) -> duckdb_panel.Register:
    found = duckdb_panel.open_register(data, settings, week_monday(CONFIG.startdato))
    assert found is not None, "DuckDB should read this file"
    return found


def assert_same_answers(in_memory: panel.Borgerpanel, duck: panel.Borgerpanel) -> None:
    """Every answer of the two engines, for each phase of the configuration, is the same."""
    for fase in CONFIG.faser.values():
        p = fase.maaleperiode
        for lag in (CONFIG.opfoelgning_uger, 1):
            pd.testing.assert_frame_equal(in_memory.first_exits(p.start, p.slut, lag), duck.first_exits(p.start, p.slut, lag))
        pd.testing.assert_frame_equal(in_memory.status_weeks(p.start, p.slut), duck.status_weeks(p.start, p.slut))
        for day in (CONFIG.startdato, fase.statusdato, p.slut, p.start - dt.timedelta(weeks=3)):
            monday = week_monday(day)
            pd.testing.assert_series_equal(in_memory.status_in_week(monday), duck.status_in_week(monday))
            assert in_memory.rows_in_week(monday) == duck.rows_in_week(monday)
    pd.testing.assert_series_equal(in_memory.last_weeks(), duck.last_weeks())


def measured(data: dict, config) -> dict:
    """What the panel measures publish (their part of resultater.json), both phases."""
    result = {}
    for name in config.faser:
        fase = config.fase(name)
        result[name] = {
            "varighed": varighed.to_json(varighed.compute(data, config, fase), config),
            "afgange": afgange.to_json(afgange.compute(data, config, fase)),
            "flow": baseline.flow_to_json(baseline.flow(data, config, fase)),
            "langtidsgruppen": langtidsgruppen.to_json(langtidsgruppen.compute(data, config, fase)),
        }
    return json.loads(json.dumps(result, sort_keys=True, default=str))


def per_citizen(borgere: pd.DataFrame, ydelser, fase) -> dict[str, pd.DataFrame | pd.Series]:
    p, lag = fase.maaleperiode, CONFIG.opfoelgning_uger
    return {
        "uger": varighed.status_weeks(borgere, ydelser, p),
        "tider": varighed.exit_times(borgere, ydelser, p, lag),
        "udfald": afgange.outcomes(borgere, ydelser, p, lag),
    }


# ------------------------------------------------------------------------------ the data sets


def edge_cases() -> dict[str, pd.DataFrame]:
    """Contract-conforming tables whose panel has the exit definition's edge cases, with history before the
    start week (gaps allowed there) and statuses written as an analyst might (case, spaces)."""
    tables = small_tables(6)
    ids = list(tables["borgere"]["borger_id"])
    weeks = 130
    statuses = {
        ids[0]: [KH] * weeks,
        ids[1]: [KH] * 3 + [JOB] * (weeks - 3),  # an exit in week 3
        ids[2]: [KH] * 117 + [SYG] * 4,  # an exit in the last Monday but four of the final period: no follow-up row
        ids[3]: [KH] * 10 + [SYG] * 8 + [KH] * 10 + [RES] * 50,  # back on kontanthjælp exactly at the follow-up week
        ids[4]: [KH],  # only the start week: leaves the data at once
        ids[5]: [KH] * 60,  # leaves the data between the two phases' ends
        ids[6]: [JOB] * 5 + [KH] * 40 + ["uddannelse"] * 80,  # not on kontanthjælp in the start week
        ids[7]: [KH] * 121 + ["smaajob"] * 9,  # an exit in the final period's last Monday, follow-up row there
        ids[8]: [KH] * 50 + ["andet"] * 20,  # rows end before the follow-up week: unknown destination
        ids[9]: [KH] * 30 + [JOB, KH] * 20 + ["foertidspension"] * 60,  # many exits
        ids[10]: [SYG] * 130,
        ids[11]: [KH] * 8 + ["fleksjob"] * 2,
    }
    rows = []
    for borger, seq in statuses.items():
        rows += [(borger, pd.Timestamp(week), status) for week, status in zip(mondays("2018-01-01", len(seq)), seq)]
    # history before the start week, with gaps: an exit from the week before the start (week 0 is one)
    for borger, back, status in ((ids[1], 1, KH), (ids[1], 2, KH), (ids[1], 9, JOB), (ids[6], 4, KH), (ids[10], 1, KH)):
        rows.append((borger, pd.Timestamp("2018-01-01") - pd.Timedelta(weeks=back), status))
    ydelser = pd.DataFrame(rows, columns=["borger_id", "uge", "ydelse"])
    ydelser["ydelse"] = ydelser["ydelse"].where(ydelser.index % 7 != 3, ydelser["ydelse"].str.upper())
    tables["ydelser"] = ydelser.sample(frac=1, random_state=3).reset_index(drop=True)  # any order of rows
    return tables


def _write(kind: str, tables: dict[str, pd.DataFrame], directory: Path) -> Path:
    if kind == "parquet":
        return write_tables(tables, directory, fmt="parquet")
    return write_tables(tables, directory, danish=kind == "csv-dansk")


DATASETS = {
    "eksempel": lambda directory: EXAMPLE,
    "kanttilfaelde": lambda directory: _write("csv", edge_cases(), directory),
    "kanttilfaelde-dansk": lambda directory: _write("csv-dansk", edge_cases(), directory),
    "kanttilfaelde-parquet": lambda directory: _write("parquet", edge_cases(), directory),
    "haandlavet": lambda directory: write_tables(handmade_tables(), directory),
    "simuleret": simulated,
    **{f"tilfaeldig-{seed}": (lambda directory, seed=seed: _panel(directory, seed)) for seed in (1, 2, 3)},
}


def _panel(directory: Path, seed: int) -> Path:
    write_panel(large_panel(CONFIG, borgere=150, seed=seed), directory)
    return directory


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("duckdb")
    return {name: make(base / name) for name, make in DATASETS.items()}


# ------------------------------------------------------------------------------ the same answers


@pytest.mark.parametrize("name", list(DATASETS))
def test_duckdb_gives_the_in_memory_answers_per_citizen(datasets, name):
    data = datasets[name]
    tables = load_tables(data, ["borgere", "ydelser"], CONFIG)
    ids = tables["borgere"]["borger_id"]
    duck = register(data).panel(ids)
    assert isinstance(duck, duckdb_panel.RegisterPanel)
    assert_same_answers(panel.borgerpanel(tables["ydelser"], ids), duck)
    for fase in CONFIG.faser.values():
        expected, got = per_citizen(tables["borgere"], tables["ydelser"], fase), per_citizen(tables["borgere"], duck, fase)
        for key in expected:
            (pd.testing.assert_frame_equal if key != "udfald" else pd.testing.assert_series_equal)(expected[key], got[key])


@pytest.mark.parametrize("name", list(DATASETS))
def test_duckdb_gives_the_same_results_as_in_memory(datasets, name, tmp_path):
    """What the notebooks compute from `notebook.start`, once with the panel in memory and once in DuckDB."""
    data = datasets[name]
    config_path = config_with(tmp_path, duckdb_over_raekker=0)
    runs = {}
    for engine, path in (("hukommelse", ROOT / "forsoeg.yml"), ("duckdb", config_path)):
        run = notebook.start("slut", str(data), str(tmp_path / engine), str(path), varighed.TABLES)
        assert isinstance(run.data["ydelser"], duckdb_panel.RegisterPanel) == (engine == "duckdb")
        runs[engine] = measured(run.data, run.config)
    assert runs["duckdb"] == runs["hukommelse"]


def test_the_example_builds_the_same_resultater_json_on_duckdb(tmp_path):
    """The whole build (every notebook on its kernel) with the panel in DuckDB: the same resultater.json,
    published and internal, but for the configuration file's hash in the provenance (and so the hash of the
    compared phase's file)."""
    config_path = config_with(tmp_path, duckdb_over_raekker=0)
    folders = set(Path(tempfile.gettempdir()).glob(f"{duckdb_panel.FOLDER_PREFIX}*"))
    outputs, loads = {}, {}
    for engine, path in (("hukommelse", None), ("duckdb", config_path)):
        out = tmp_path / engine / "_output"
        log = tmp_path / f"{engine}.log"
        os.environ[kontrolleret.LOAD_LOG] = str(log)
        try:
            build(EXAMPLE, out, faser=["midtvejs", "slut"], renderer=NoRender(), config_path=path, allow_broken_premises=True)
        finally:
            del os.environ[kontrolleret.LOAD_LOG]
        outputs[engine] = out
        loads[engine] = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    # with DuckDB, the data check (the build process) checks ydelser there and makes the compact table once;
    # the kernels open that table read-only, and nobody reads ydelser into pandas
    duck = loads["duckdb"]
    assert [(pid, kind) for pid, kind, table, _ in duck if table == "ydelser" and kind in ("regler-duckdb", "duckdb-tabel")] \
        == [(str(os.getpid()), "duckdb-tabel"), (str(os.getpid()), "regler-duckdb")]
    opened = {pid for pid, kind, table, _ in duck if kind == "duckdb-kontrolleret"}
    assert opened and str(os.getpid()) not in opened
    assert not [line for line in duck if line[2] == "ydelser" and line[1] in ("raa", "regler", "kontrolleret")]
    assert not any("T0" in line or "B0" in line for line in (tmp_path / "duckdb.log").read_text(encoding="utf-8").splitlines())
    # the build's and its kernels' DuckDB folders are gone (another process on the machine may make its own meanwhile)
    ours = {pid for pid, *_ in duck} | {str(os.getpid())}
    new = set(Path(tempfile.gettempdir()).glob(f"{duckdb_panel.FOLDER_PREFIX}*")) - folders
    assert not [f for f in new if f.name[len(duckdb_panel.FOLDER_PREFIX):].split("-", 1)[0] in ours]

    def results(out: Path, fase: str) -> list[dict]:
        found = []
        for folder in (out, intern_dir(out)):
            payload = json.loads((folder / fase / "resultater.json").read_text(encoding="utf-8"))
            payload.pop("proveniens")
            # the SHA-256 of the compared phase's file, whose provenance names the other configuration file
            payload.get("sammenligning", {}).get("kilde", {}).pop("sha256", None)
            found.append(payload)
        return found

    for fase in ("midtvejs", "slut"):
        assert results(outputs["duckdb"], fase) == results(outputs["hukommelse"], fase)

    # a notebook that must run again after a cached check: the build makes the table once, the kernels open it
    shutil.rmtree(cache_dir(outputs["duckdb"]) / "slut" / "afgange")
    log = tmp_path / "igen.log"
    os.environ[kontrolleret.LOAD_LOG] = str(log)
    try:
        build(EXAMPLE, outputs["duckdb"], faser=["midtvejs", "slut"], renderer=NoRender(), config_path=config_path,
              allow_broken_premises=True)
    finally:
        del os.environ[kontrolleret.LOAD_LOG]
    again = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(pid, kind) for pid, kind, table, _ in again if table == "ydelser"][0] == (str(os.getpid()), "duckdb-tabel")
    assert [kind for _, kind, table, _ in again if table == "ydelser"][1:] == ["duckdb-kontrolleret"]
    assert results(outputs["duckdb"], "slut") == results(outputs["hukommelse"], "slut")


def test_the_engines_agree_where_the_contract_is_broken(tmp_path):
    """Unchecked (as only a test asks), the engines still agree on gaps after the start week, a citizen
    without rows and one missing from the start week."""
    tables = edge_cases()
    ydelser = tables["ydelser"].assign(ydelse=tables["ydelser"]["ydelse"].str.lower())  # as the loader reads them
    ids = list(tables["borgere"]["borger_id"])
    gaps = ydelser[~((ydelser["borger_id"] == ids[9]) & ydelser["uge"].between("2018-05-01", "2018-06-30"))]
    gaps = gaps[gaps["borger_id"] != ids[11]]  # without rows
    gaps = gaps[~((gaps["borger_id"] == ids[0]) & (gaps["uge"] == pd.Timestamp("2018-01-01")))]
    tables["ydelser"] = gaps.reset_index(drop=True)
    data = write_tables(tables, tmp_path / "data", fmt="parquet")
    everyone = pd.Series([*ids, "ukendt"])
    duck = register(data).panel(everyone, check=False)
    assert_same_answers(panel.borgerpanel(tables["ydelser"], everyone), duck)


# ------------------------------------------------------------------------------ the contract


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda y: y.assign(ydelse=y["ydelse"].where(y.index != 5, "ferie")), "1 rækker med en ydelse, der ikke er en af"),
        (lambda y: y.assign(uge=y["uge"].where(y.index != 5, pd.Timestamp("2018-01-03"))), "1 rækker, hvis uge ikke er en mandag"),
        (lambda y: y[y.index != 30], "1 borgere, der efter startugen mangler uger"),
        (lambda y: y[y["uge"] != pd.Timestamp("2018-01-01")], "borgere fra borgere uden en række i startugen"),
        (lambda y: pd.concat([y, y.iloc[[40]]]), "1 borgere, der efter startugen mangler uger eller har to rækker"),
        (lambda y: y.assign(borger_id=y["borger_id"].where(y.index != 7, "X999")), "1 rækker med et borger_id, der ikke står"),
    ],
)
def test_a_panel_that_breaks_the_contract_is_refused_in_danish(tmp_path, change, message):
    tables = small_tables(3)
    tables["ydelser"] = change(tables["ydelser"]).reset_index(drop=True)
    data = write_tables(tables, tmp_path / "data", fmt="parquet")
    with pytest.raises(DataError, match=message) as caught:
        register(data).panel(tables["borgere"]["borger_id"])
    assert "evalkit validate" in str(caught.value)


def test_duckdb_reads_iso_weeks_spaces_and_a_bom_as_the_loader(tmp_path):
    tables = small_tables(3)
    y = tables["ydelser"]
    text = y.assign(uge=y["uge"].dt.strftime("%G-W%V"), ydelse="  " + y["ydelse"].str.upper() + " ")
    text.loc[::2, "uge"] = y["uge"].dt.strftime("%d.%m.%Y")[::2]
    data = write_tables(tables, tmp_path / "data")
    (data / "ydelser.csv").write_bytes(b"\xef\xbb\xbf" + text.to_csv(index=False, sep=";", lineterminator="\r\n").encode())
    loaded = load_tables(data, ["borgere", "ydelser"], CONFIG)
    ids = loaded["borgere"]["borger_id"]
    assert_same_answers(panel.borgerpanel(loaded["ydelser"], ids), register(data).panel(ids))


def test_files_duckdb_cannot_read_as_the_loader_are_measured_in_memory(tmp_path):
    tables = small_tables(3)
    data = write_tables(tables, tmp_path / "latin", encoding="cp1252")
    (data / "ydelser.csv").write_bytes("borger_id,uge,ydelse,note\n".encode() + b"T000,2018-01-01,kontanthjaelp,\xe6\n")
    assert duckdb_panel.open_register(data, ALWAYS, week_monday(CONFIG.startdato)) is None
    zoned = tables["ydelser"].assign(uge=tables["ydelser"]["uge"].dt.tz_localize("Europe/Copenhagen"))
    data = write_tables({**tables, "ydelser": zoned}, tmp_path / "tz", fmt="parquet")
    assert duckdb_panel.open_register(data, ALWAYS, week_monday(CONFIG.startdato)) is None
    data = write_tables(tables, tmp_path / "xlsx", fmt="xlsx")
    assert duckdb_panel.open_register(data, ALWAYS, week_monday(CONFIG.startdato)) is None


# ------------------------------------------------------------------------------ when DuckDB is used


def test_the_threshold_decides_and_the_temporary_folder_goes_away(tmp_path):
    data = write_tables(small_tables(3), tmp_path / "data", fmt="parquet")
    rows = len(small_tables(3)["ydelser"])
    assert duckdb_panel.rows_in_file(data / "ydelser.parquet") == rows
    start = week_monday(CONFIG.startdato)
    assert duckdb_panel.open_register(data, Duckdb(over_raekker=rows), start) is None
    opened = duckdb_panel.open_register(data, Duckdb(over_raekker=rows - 1, hukommelse_gb=0.5, traade=1), start)
    assert opened is not None and opened.folder.is_dir() and opened.folder.stat().st_mode & 0o077 == 0
    settings = dict(opened.con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'temp_directory', 'memory_limit')").fetchall())
    assert settings["threads"] == "1" and settings["temp_directory"].startswith(str(opened.folder))
    assert settings["memory_limit"].startswith(("476", "500", "0.5", "512"))  # 0.5 GB as DuckDB prints it
    opened.close()
    assert not opened.folder.exists()


def test_a_folder_left_by_a_dead_process_is_removed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"{duckdb_panel.FOLDER_PREFIX}999999999-abc"  # no process has that id
    alive = tmp_path / f"{duckdb_panel.FOLDER_PREFIX}{os.getpid()}-abc"
    other = tmp_path / "evalkit-andet-999999999"
    for folder in (dead, alive, other):
        folder.mkdir()
    data = write_tables(small_tables(3), tmp_path / "data", fmt="parquet")
    opened = duckdb_panel.open_register(data, dataclasses.replace(ALWAYS, hukommelse_gb=0.75), week_monday(CONFIG.startdato))
    assert opened.folder.parent == tmp_path and opened.folder.name.startswith(f"{duckdb_panel.FOLDER_PREFIX}{os.getpid()}-")
    assert not dead.exists() and alive.exists() and other.exists()
    opened.close()


def test_the_csv_row_count_is_estimated_from_the_file(tmp_path):
    data = write_tables(small_tables(3), tmp_path / "data")
    rows = len(small_tables(3)["ydelser"])
    assert abs(duckdb_panel.rows_in_file(data / "ydelser.csv") - rows) <= rows * 0.05


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("duckdb_over_raekker", -1, "'data.duckdb_over_raekker' skal være et helt tal på 0 eller derover"),
        ("duckdb_over_raekker", "mange", "'data.duckdb_over_raekker' skal være et helt tal"),
        ("duckdb_over_raekker", True, "'data.duckdb_over_raekker' skal være et helt tal"),
        ("duckdb_over_raekker", 1.5, "'data.duckdb_over_raekker' skal være et helt tal"),
        ("duckdb_hukommelse_gb", 0, "'data.duckdb_hukommelse_gb' skal være et tal over 0"),
        ("duckdb_hukommelse_gb", "4GB", "'data.duckdb_hukommelse_gb' skal være et tal over 0"),
        ("duckdb_traade", 0, "'data.duckdb_traade' skal være et helt tal på 1 eller derover"),
    ],
)
def test_bad_duckdb_settings_are_refused_in_danish(tmp_path, key, value, message):
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    data["data"][key] = value
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_duckdb_settings_default_and_read(tmp_path):
    assert CONFIG.duckdb == Duckdb(over_raekker=DEFAULT_DUCKDB_ROWS, hukommelse_gb=4.0, traade=None)
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    data["data"] = {"maks_filstoerrelse_mb": 10, "duckdb_over_raekker": 0, "duckdb_traade": 3}
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = load_config(path).duckdb
    assert settings == Duckdb(over_raekker=0, hukommelse_gb=4.0, traade=3) and settings.bruges(0)
    assert dataclasses.replace(settings, over_raekker=10).bruges(11) and not Duckdb(over_raekker=10).bruges(10)


def test_the_in_memory_panel_finds_exits_without_a_grid_too():
    """The integer merge (rows that fit no weekly grid) and the grid give the same exits."""
    y = edge_cases()["ydelser"]
    y = y.assign(ydelse=y["ydelse"].str.lower())
    p = CONFIG.fase("slut").maaleperiode
    grid = panel.Ugepanel(y, y["borger_id"].unique())
    assert grid._grid_of_codes() is not None
    merged = panel.Ugepanel(y, y["borger_id"].unique())
    merged._cache["grid"] = None  # as for rows that fit no grid
    for lag in (8, 1, 0):
        a, b = grid.exits(panel.ns(p.start), panel.ns(p.slut), lag), merged.exits(panel.ns(p.start), panel.ns(p.slut), lag)
        for field in ("citizen", "week", "status", "destination"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    off_monday = y.assign(uge=y["uge"].where(y.index != 0, y["uge"] + pd.Timedelta(days=2)))
    assert panel.Ugepanel(off_monday, [])._grid_of_codes() is None


def test_the_in_memory_panel_is_shared_only_while_the_data_are_the_same():
    """The measures of a kernel share one Ugepanel of the loaded ydelser; a frame changed in place, or
    another frame, gets its own."""
    tables = load_tables(EXAMPLE, ["borgere", "ydelser"], CONFIG)
    y, ids = tables["ydelser"], tables["borgere"]["borger_id"]
    first = panel.borgerpanel(y, ids)
    assert panel.borgerpanel(y.copy(deep=False), ids[:10])._cache is first._cache  # the same data: shared
    p = CONFIG.fase("slut").maaleperiode
    before = first.first_exits(p.start, p.slut, 8)
    leaving = before["uge"].first_valid_index()
    rows = (y["borger_id"] == leaving) & (y["uge"] >= before.loc[leaving, "uge"])
    y.loc[rows, "ydelse"] = "kontanthjaelp"  # no exit any more
    changed = panel.borgerpanel(y, ids)
    assert changed._cache is not first._cache and pd.isna(changed.first_exits(p.start, p.slut, 8).loc[leaving, "uge"])
    y.loc[y.index[-1], "uge"] = y["uge"].iloc[-1] + pd.Timedelta(weeks=500)
    assert panel.borgerpanel(y, ids)._cache is not changed._cache
