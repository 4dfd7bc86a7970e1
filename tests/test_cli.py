"""The command line: Danish help and messages, exit codes, no tracebacks, a failed build changes nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
from conftest import EXAMPLE, ROOT, small_tables, write_tables

from evalkit.bygning import udgivelse

EVALKIT = [sys.executable, "-m", "evalkit.cli"]


def run(*args, cwd=ROOT):
    return subprocess.run([*EVALKIT, *args], cwd=cwd, capture_output=True, text=True, env=os.environ.copy())


def test_help_is_danish():
    proc = run("build", "--help")
    assert proc.returncode == 0
    assert "Mappe med datafilerne" in proc.stdout and "notesbøgerne" in proc.stdout
    assert proc.stdout.startswith("Brug: evalkit build [TILVALG]") and "Vis denne hjælp og afslut." in proc.stdout
    for english in ("Usage", "Options", "Show this message"):
        assert english not in proc.stdout


def test_python_dash_m_evalkit_is_the_evalkit_command():
    """`python -m evalkit` (the package's __main__) answers like the installed `evalkit` script."""
    script = [str(os.path.join(os.path.dirname(sys.executable), "evalkit"))]
    for args in (("--help",), ("validate", "--data", str(EXAMPLE)), ("build", "--renderer", "word")):
        by_module = subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=ROOT, capture_output=True, text=True)
        by_script = subprocess.run([*script, *args], cwd=ROOT, capture_output=True, text=True)
        assert (by_module.returncode, by_module.stdout, by_module.stderr) == (by_script.returncode, by_script.stdout, by_script.stderr)
    assert by_module.returncode != 0 and "word" in by_module.stderr


def test_validate_example_data():
    proc = run("validate", "--data", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "overholder datakontrakten" in proc.stderr


def test_validate_broken_data_names_file_column_and_rows(tmp_path):
    tables = small_tables()
    tables["borgere"].loc[1, "koen"] = "X"
    write_tables(tables, tmp_path)
    proc = run("validate", "--data", str(tmp_path))
    assert proc.returncode == 1
    assert "borgere.csv" in proc.stderr and "'koen'" in proc.stderr and "Rækker: 3" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_usage_errors_are_danish_without_traceback():
    proc = run("build", "--fase", "forkert")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Fejl: Ugyldig værdi for '--fase': 'forkert' er ikke en af" in proc.stderr
    proc = run("validate")
    assert proc.returncode == 2 and "Mangler tilvalg '--data'" in proc.stderr


def test_failed_build_leaves_the_previous_report_untouched(tmp_path):
    out = udgivelse.mark(tmp_path / "out")  # a report an earlier build made
    (out / "slutevaluering.html").write_text("god rapport")
    tables = small_tables()
    tables["ydelser"].loc[0, "ydelse"] = "ukendt"
    data = write_tables(tables, tmp_path / "data")
    proc = run("build", "--data", str(data), "--output", str(out), "--renderer", "pandoc")
    assert proc.returncode == 1
    assert "ydelser.csv" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [udgivelse.MARKER, "slutevaluering.html"]
    assert (out / "slutevaluering.html").read_text() == "god rapport"
    # no temporary directory left behind (the cache may keep notebooks that succeeded, for the next build)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "out-cache") == ["data", "out", "out-log"]
    assert "Loggen ligger i" in proc.stderr


def test_simulate_writes_all_seven_tables(tmp_path):
    proc = run("simulate", "--output", str(tmp_path / "sim"), "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.stem for p in (tmp_path / "sim").glob("*.csv")) == sorted(
        ["borgere", "ydelser", "virksomhedsplaceringer", "samtaler", "forberedende_planer", "sygefravaer", "medarbejderomsaetning"]
    )
    assert run("validate", "--data", str(tmp_path / "sim")).returncode == 0


def test_simulate_varies_with_the_seed_and_kalibreret_gives_the_example(tmp_path):
    for seed in ("7", "8"):
        proc = run("simulate", "--output", str(tmp_path / seed), "--seed", seed)
        assert proc.returncode == 0, proc.stderr
        assert f"scenarie standard, startværdi {seed}" in proc.stderr
    assert (tmp_path / "7" / "ydelser.csv").read_bytes() != (tmp_path / "8" / "ydelser.csv").read_bytes()
    proc = run("simulate", "--output", str(tmp_path / "kalibreret"), "--kalibreret")
    assert proc.returncode == 0, proc.stderr
    for path in EXAMPLE.glob("*.csv"):
        assert (tmp_path / "kalibreret" / path.name).read_bytes() == path.read_bytes(), path.name


def test_simulate_kalibreret_with_a_scenario_is_a_danish_usage_error(tmp_path):
    proc = run("simulate", "--output", str(tmp_path / "sim"), "--kalibreret", "--scenarie", "nul")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--kalibreret kan ikke bruges sammen med --scenarie nul" in proc.stderr
    assert not (tmp_path / "sim").exists()
    proc = run("simulate", "--output", str(tmp_path / "sim"), "--scenarie", "ukendt")
    assert proc.returncode == 2 and "Ugyldig værdi for '--scenarie'" in proc.stderr


def test_building_one_phase_keeps_the_other_phases_documents(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "out"
    assert run("build", "--data", str(data), "--output", str(out), "--fase", "slut", "--renderer", "pandoc", "--tillad-brudte-praemisser").returncode == 0
    before = (out / "slutevaluering.pdf").read_bytes()
    # the final phase computes the mid-term to compare with, but publishes only what was asked for
    assert not (out / "midtvejsevaluering.html").exists() and not (out / "midtvejs").exists()
    proc = run("build", "--data", str(data), "--output", str(out), "--fase", "midtvejs", "--renderer", "pandoc")
    assert proc.returncode == 0, proc.stderr
    assert (out / "midtvejsevaluering.html").is_file() and (out / "midtvejs" / "resultater.json").is_file()
    assert (out / "slutevaluering.pdf").read_bytes() == before
    assert (out / "slut" / "resultater.json").is_file()


def test_a_measure_without_data_in_a_phase_is_left_out_with_a_sentence(tmp_path):
    tables = small_tables()
    tables["samtaler"]["dato"] = tables["samtaler"]["dato"] + pd.DateOffset(years=1)  # only in 2019
    tables["samtaler"]["frist"] = tables["samtaler"]["frist"] + pd.DateOffset(years=1)
    data = write_tables(tables, tmp_path / "data")
    out = tmp_path / "out"
    proc = run("build", "--data", str(data), "--output", str(out), "--fase", "midtvejs", "--renderer", "pandoc")
    assert proc.returncode == 0, proc.stderr
    html = (out / "midtvejsevaluering.html").read_text(encoding="utf-8")
    assert 'id="tbl-samtaler"' not in html and 'id="fig-samtaler"' not in html
    assert "Der er ingen samtaler dateret i perioden" in html and "midtvejsevalueringen" in html
    assert 'id="tbl-planer"' in html  # the other measures are still there
    captions = re.findall(r"<caption>Tabel\u00a0(\d+):", html)
    assert [int(c) for c in captions] == list(range(1, len(captions) + 1))  # numbering has no gap
    assert json.loads((out / "midtvejs" / "resultater.json").read_text())["tilgaengelighed"]["samtaler"] is False


def test_simulate_offers_every_scenario_of_the_model():
    from evalkit import cli
    from evalkit.data.simulering.model import SCENARIOS

    option = next(p for p in cli.simulate.params if p.name == "scenarie")
    assert tuple(option.type.choices) == SCENARIOS
