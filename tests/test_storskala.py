"""Tests for the scale benchmark's panel generator (evalkit.data.simulering.storskala) and its naive reference.

The panel must satisfy the data contract (so `evalkit validate` and `evalkit build` accept it), have one
ydelser row per citizen per week, and evalkit's vectorised measurements must give the same numbers per
citizen as a straightforward per-citizen pandas implementation (benchmarks/naiv.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

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
