"""The build's fixed time stamp: SOURCE_DATE_EPOCH, else the newest date in the data, never the clock."""

from __future__ import annotations

import hashlib
import subprocess

import pandas as pd
import pytest
from conftest import EXAMPLE, ROOT

from evalkit.bygning.provenance import build_record, record, timestamp
from evalkit.bygning.resultater import json_text
from evalkit.data.contract import TABLES
from evalkit.praesentation.proveniens import table, table_inputs
from evalkit.praesentation.tekst import escape


def test_timestamp_is_the_newest_date_in_the_data(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    tables = {
        "samtaler": pd.DataFrame({"borger_id": ["a"], "dato": [pd.Timestamp("2019-03-04")], "frist": [pd.Timestamp("2019-03-09")]}),
        "ydelser": pd.DataFrame({"borger_id": ["a"], "uge": [pd.Timestamp("2020-04-27")], "ydelse": ["kontanthjaelp"]}),
    }
    assert timestamp(tables) == (int(pd.Timestamp("2020-04-27", tz="UTC").timestamp()), "data")


def test_source_date_epoch_wins(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert timestamp({}) == (1600000000, "SOURCE_DATE_EPOCH")


def _record(config, tmp_path, project=None, comparison=None):
    stamp = (int(pd.Timestamp("2020-04-27", tz="UTC").timestamp()), "data")
    shared = build_record(EXAMPLE, config, "pandoc 3 (test)", stamp, project or tmp_path)
    return record(shared, config, config.fase("slut"), comparison)["proveniens"]


def test_record_names_every_input_file_with_its_sha256(config, tmp_path):
    proveniens = _record(config, tmp_path)
    assert [item["tabel"] for item in proveniens["inddata"]] == list(TABLES)
    for item in proveniens["inddata"]:
        content = (EXAMPLE / item["fil"]).read_bytes()
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
        assert item["bytes"] == len(content)
    assert proveniens["konfiguration"]["sha256"] == hashlib.sha256(config.sti.read_bytes()).hexdigest()
    assert proveniens["tidsstempel"] == "2020-04-27T00:00:00+00:00" and proveniens["tidsstempel_kilde"] == "data"
    assert proveniens["fase"]["maaleperiode"] == config.fase("slut").maaleperiode.as_json()
    assert proveniens["definitioner"]["diskretionsgraense"] == config.diskretionsgraense
    assert proveniens["renderer"] == "pandoc 3 (test)"
    assert set(proveniens["pakker"]) >= {"pandas", "statsmodels", "matplotlib", "papermill"}
    assert "sammenligning" not in proveniens


def test_record_outside_a_git_tree_says_so_and_names_the_compared_results(config, tmp_path):
    earlier = tmp_path / "midtvejs" / "resultater.json"
    earlier.parent.mkdir()
    earlier.write_text(json_text({"fase": "midtvejs"}), encoding="utf-8")  # as the build writes it; nothing hidden
    proveniens = _record(config, tmp_path, comparison=earlier)
    assert proveniens["evalkit"]["git_commit"] is None
    assert proveniens["sammenligning"] == {"fil": "midtvejs/resultater.json", "sha256": hashlib.sha256(earlier.read_bytes()).hexdigest()}
    text = table(proveniens).to_markdown()
    assert "ikke bygget fra et git-arkiv" in text
    digest = proveniens["sammenligning"]["sha256"]
    assert f"`{digest[:32]}` `{digest[32:]}`" in text  # the whole hash, breakable in a narrow column
    assert "30. april 2020" in text and "27. april 2020" in text  # måleperiode's end; the time stamp


def test_record_in_a_git_tree_names_the_commit(config, tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("the project is not a git checkout here")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    proveniens = _record(config, tmp_path, project=ROOT)
    assert proveniens["evalkit"]["git_commit"] == head
    assert isinstance(proveniens["evalkit"]["git_aendret"], bool)


def test_inputs_table_lists_every_file(config, tmp_path):
    proveniens = _record(config, tmp_path)
    text = table_inputs(proveniens).to_markdown()
    for item in proveniens["inddata"]:
        assert escape(item["fil"]) in text and item["sha256"][:32] in text and item["sha256"][32:] in text
