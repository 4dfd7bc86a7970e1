"""The trial configuration: phases and which phase the final document compares with."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from evalkit.config import load_config
from evalkit.errors import ConfigError


def test_the_final_phase_compares_with_the_mid_term(config):
    assert config.fase("slut").sammenlign_med == "midtvejs" and config.fase("midtvejs").sammenlign_med is None
    assert config.with_comparisons(["slut"]) == ["midtvejs", "slut"]
    assert config.with_comparisons(["midtvejs"]) == ["midtvejs"]


@pytest.mark.parametrize("other", ["slut", "forsoeg", "ukendt"])
def test_a_phase_compares_only_with_an_earlier_phase(tmp_path, other):
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    data["faser"]["slut"]["sammenlign_med"] = other
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"'faser.slut.sammenlign_med' skal være en fase, der står før 'slut'.*'{other}'"):
        load_config(path)


@pytest.mark.parametrize("staff", ["ti", "{sagsbehandlere: ti}", "{sagsbehandlere: -1}", "{sagsbehandlere: true}"])
def test_staff_must_be_whole_numbers_by_role(tmp_path, staff):
    text = (ROOT / "forsoeg.yml").read_text(encoding="utf-8")
    start = text.index("  medarbejdere:")
    end = text.index("\n\n", start)
    path = tmp_path / "forsoeg.yml"
    path.write_text(text[:start] + f"  medarbejdere: {staff}" + text[end:], encoding="utf-8")
    with pytest.raises(ConfigError, match="forsoeg.medarbejdere"):
        load_config(path)


@pytest.mark.parametrize("antal", [2000, 9999, "10000", 10000.0, True])
def test_fewer_than_ten_thousand_bootstrap_replicates_are_refused(tmp_path, antal):
    data = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    data["oekonomi"]["bootstrap_antal"] = antal
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"'oekonomi.bootstrap_antal' skal være et helt tal på mindst 10.000, fandt '{antal}'"):
        load_config(path)
    data["oekonomi"]["bootstrap_antal"] = 10_000
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_config(path).oekonomi.bootstrap_antal == 10_000


def test_the_configuration_asks_for_at_least_ten_thousand_bootstrap_replicates(config):
    assert config.oekonomi.bootstrap_antal >= 10_000
