"""The measurement layer of one or both phases on already-loaded tables: what every notebook calls after
loading (compute and to_json of each måleparameter, the flow and the summary's inputs). Used by
`benchmarks/maaling.py`; not part of evalkit."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from evalkit.config import Config
from evalkit.maaleparametre import (
    afgange,
    baseline,
    langtidsgruppen,
    personale,
    planer,
    samtaler,
    varighed,
    virksomhedsplaceringer,
)

MODULES = {
    "baseline": lambda d, c, f: {**baseline.to_json(baseline.compute(d, c)), **baseline.flow_to_json(baseline.flow(d, c, f))},
    "afgange": lambda d, c, f: afgange.to_json(afgange.compute(d, c, f)),
    "virksomhedsplaceringer": lambda d, c, f: virksomhedsplaceringer.to_json(virksomhedsplaceringer.compute(d, c, f)),
    "langtidsgruppen": lambda d, c, f: langtidsgruppen.to_json(langtidsgruppen.compute(d, c, f)),
    "samtaler": lambda d, c, f: samtaler.to_json(samtaler.compute(d, c, f)),
    "personale": lambda d, c, f: personale.to_json(personale.compute(d, c, f)),
    "planer": lambda d, c, f: planer.to_json(planer.compute(d, c, f)),
    "varighed": lambda d, c, f: varighed.to_json(varighed.compute(d, c, f), c),
}


def run(data: dict[str, pd.DataFrame], config: Config, faser: list[str]) -> tuple[dict[str, float], dict[str, Any]]:
    """Seconds per (phase, module) and the results, for `faser`."""
    seconds, results = {}, {}
    for name in faser:
        fase = config.fase(name)
        for module, compute in MODULES.items():
            start = time.perf_counter()
            results[f"{name}/{module}"] = compute(data, config, fase)
            seconds[f"{name}/{module}"] = time.perf_counter() - start
    return seconds, results
