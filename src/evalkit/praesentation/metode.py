"""The Danish description of how a model was fitted (`metode` in resultater.json and the documents).

The statistics return what a model adjusted for, left out and could not estimate as data
(`evalkit.statistik.regression`, `evalkit.statistik.overlevelse`); this module words it.
"""

from __future__ import annotations

from typing import Any

from evalkit.statistik import regression

LINEAR_PROBABILITY = "Lineær sandsynlighedsmodel (OLS) med robuste standardfejl (HC2)"
COX = "Cox' proportionale hazard-model (statsmodels PHReg, Efrons metode ved ens tider)"

_RAW = "så forskellen er den rå uden interval og p"
NOT_ESTIMATED = {
    regression.ONE_GROUP: "ikke beregnet: kun én gruppe",
    regression.NO_VARIATION: f"udfaldet varierer ikke, {_RAW}",
    regression.COLLINEAR: f"gruppen kan ikke adskilles fra kovariaterne, {_RAW}",
    regression.NOT_FITTED: f"modellen kunne ikke estimeres, {_RAW}",
}
FIT_KEYS = ("justeret_for", "udeladt", "ikke_estimeret")


def method_text(model: str, adjusted_for: list[str], left_out: list[str], not_estimated: str | None = None) -> str:
    """'<model>, justeret for a, b (udeladt uden variation: c); <why not estimated>' or '<model>, ujusteret'."""
    text = f"{model}, justeret for {', '.join(adjusted_for)}" if adjusted_for else f"{model}, ujusteret"
    if left_out:
        text += f" (udeladt uden variation: {', '.join(left_out)})"
    if not_estimated:
        text += f"; {NOT_ESTIMATED[not_estimated]}"
    return text


def described(fit: dict[str, Any], model: str) -> dict[str, Any]:
    """A model's estimates with the description of the fit in Danish (`metode`) in place of its parts."""
    estimates = {key: value for key, value in fit.items() if key not in FIT_KEYS}
    return {**estimates, "metode": method_text(model, fit["justeret_for"], fit["udeladt"], fit.get("ikke_estimeret"))}
