"""Baseline balance: standardized mean differences, flagged above the configured threshold."""

import math

import pandas as pd
from conftest import EXAMPLE

from evalkit.loading import load_tables
from evalkit.maaleparametre import baseline


def test_balance_on_hand_made_groups(config):
    borgere = pd.DataFrame(
        {
            "borger_id": ["a", "b", "c", "d"],
            "gruppe": ["forsoeg", "forsoeg", "kontrol", "kontrol"],
            "koen": ["K", "M", "M", "M"],
            "alder": [30, 40, 30, 40],
            "herkomst": ["dansk", "dansk", "vestlig", "dansk"],
            "offentlig_forsoergelse_aar": [1.0, 3.0, 2.0, 2.0],
            "kontanthjaelp_siden": [pd.Timestamp("2010-01-01"), pd.NaT, pd.Timestamp("2017-01-01"), pd.Timestamp("2014-12-31")],
        }
    )
    result = baseline.compute({"borgere": borgere}, config)
    assert result.balance["alder"]["smd"] == 0.0
    # women: 0.5 vs 0.0, sample variances 0.5 and 0 -> (0.5 - 0) / sqrt(0.25)
    assert math.isclose(result.balance["kvinde"]["smd"], 1.0)
    assert result.balance["lang_historik"]["forsoeg"] == 0.5 and result.balance["lang_historik"]["kontrol"] == 0.5
    rows = {row[0]: row for row in baseline.table_balance(result, config).rows}
    assert rows["Kvinder"][3:] == ["1,00", "ja"] and rows["Alder"][3:] == ["0,00", "nej"]


def test_example_data_imbalance_is_flagged(config):
    result = baseline.compute(load_tables(EXAMPLE, ["borgere"]), config)
    flagged = {v for v, row in result.balance.items() if abs(row["smd"]) > config.smd_graense}
    assert flagged == {"alder", "herkomst_dansk", "lang_historik"}
    text = baseline.balance_text(result, config)
    assert "alder, dansk herkomst og 3 år eller længere på kontanthjælp" in text
    assert baseline.to_json(result)["baseline"]["balance"]["lang_historik"]["smd"] > 0.1
