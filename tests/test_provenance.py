"""The build's fixed time stamp: SOURCE_DATE_EPOCH, else the newest date in the data, never the clock."""

from __future__ import annotations

import pandas as pd

from evalkit.provenance import timestamp


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
