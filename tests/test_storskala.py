"""Tests for the scale benchmark's panel generator (evalkit.data.simulering.storskala) and its naive reference.

The panel must satisfy the data contract (so `evalkit validate` and `evalkit build` accept it), have one
ydelser row per citizen per week, and evalkit's vectorised measurements must give the same numbers per
citizen as a straightforward per-citizen pandas implementation (benchmarks/naiv.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from evalkit.config import load_config
from evalkit.data.loading import check_tables
from evalkit.data.simulering.storskala import generate_panel
from evalkit.data.simulering.tidslinje import _timeline

ROOT = Path(__file__).parents[1]
N = 300


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "forsoeg.yml")


@pytest.fixture(scope="module")
def panel_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    generate_panel(out, ROOT / "forsoeg.yml", borgere=N, seed=7)
    return out


def test_panel_follows_the_contract(panel_dir, config):
    report = check_tables(panel_dir, config=config)
    assert report.problems == []
    assert sorted(p.name for p in panel_dir.iterdir()) == sorted(f"{t}.parquet" for t in report.tables)
    assert len(report.tables["borgere"]) == N
    assert len(report.tables["ydelser"]) == N * _timeline(config).n_weeks
    assert set(report.tables["borgere"]["gruppe"]) == {"forsoeg", "kontrol"}


def test_panel_is_deterministic(panel_dir, tmp_path):
    generate_panel(tmp_path, ROOT / "forsoeg.yml", borgere=N, seed=7)
    for path in panel_dir.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("fase", ["midtvejs", "slut"])
def test_naive_reference_agrees_with_evalkit(panel_dir, config, fase):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import naiv
    finally:
        sys.path.pop(0)
    tables = check_tables(panel_dir, ["borgere", "ydelser"], config).tables
    naiv.compare(tables["borgere"], tables["ydelser"], config, config.fase(fase).maaleperiode)


@pytest.mark.parametrize("uger", [40, 150])
def test_more_weeks_are_history_before_the_start_and_fewer_end_the_panel_early(config, tmp_path, uger):
    from evalkit.data.simulering.storskala import panel

    generate_panel(tmp_path, ROOT / "forsoeg.yml", borgere=60, seed=7, uger=uger)
    report = check_tables(tmp_path, config=config)
    assert report.problems == []
    ydelser = report.tables["ydelser"]
    assert len(ydelser) == 60 * uger and ydelser.groupby("borger_id").size().eq(uger).all()
    n_weeks = _timeline(config).n_weeks
    start = ydelser["uge"].min() + pd.Timedelta(weeks=max(0, uger - n_weeks))
    assert start == pd.Timestamp(_timeline(config).start_week)
    trial = panel(config, borgere=60, seed=7)["ydelser"].statuses
    longer = panel(config, borgere=60, seed=7, uger=uger)["ydelser"].statuses
    if uger > n_weeks:  # the trial's weeks as without history
        assert (longer[:, uger - n_weeks :] == trial).all()
    else:
        assert (longer == trial[:, :uger]).all()


def test_simulate_takes_the_number_of_weeks(tmp_path):
    from click.testing import CliRunner

    from evalkit.cli import app

    result = CliRunner().invoke(app, ["simulate", "--output", str(tmp_path / "p"), "--borgere", "20", "--uger", "200"])
    assert result.exit_code == 0, result.output
    assert "20 borgere og 200 uger" in result.output
    import pyarrow.parquet as pq

    assert pq.ParquetFile(tmp_path / "p" / "ydelser.parquet").metadata.num_rows == 20 * 200
    result = CliRunner().invoke(app, ["simulate", "--output", str(tmp_path / "q"), "--uger", "200"])
    assert result.exit_code != 0 and "kræver --borgere" in result.output
