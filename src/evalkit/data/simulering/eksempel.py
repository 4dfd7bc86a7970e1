"""Synthetic example data that follow the data contract (sections 1, 3 and 6).

`simulate(config, seed)` builds all seven input tables for invented citizens and departments. The
final phase of the configuration reproduces every published figure of the 2020 final evaluation
exactly (contract section 6) when the figures are computed by the definitions of contract
section 3; the mid-term phase is plausible but not calibrated.

Nothing here describes a real person: ids are pseudonyms like ``B00001``, and every value is drawn
from `numpy.random.default_rng` with a fixed seed, so the same configuration and seed always give
the same frames and byte-identical CSV files (`write_dataset`).

All dates are derived from the configuration (start date, the phases' periods and status dates,
the follow-up lag and the long-history threshold). The only constants are the calibration targets
in `EXAMPLE_TARGETS`, which describe the example data set, not any result.

`simulate` takes other targets too: `generate(..., scenario=...)` (``evalkit simulate`` without
``--kalibreret``) draws them per seed from the scenario model in `model`, so the numbers vary.

Regenerate the committed example with ``evalkit simulate --output data/eksempel --kalibreret``
(seed 2018).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from evalkit.config import Config, load_config
from evalkit.data.contract import TABLES
from evalkit.data.simulering.aktiviteter import _placeringer, _planer, _samtaler
from evalkit.data.simulering.borgere import _borgere
from evalkit.data.simulering.maal import EXAMPLE_TARGETS, ExampleTargets
from evalkit.data.simulering.model import draw_targets
from evalkit.data.simulering.personale import _hr
from evalkit.data.simulering.tidslinje import _timeline
from evalkit.data.simulering.ydelser import _ydelser


def simulate(
    config: Config, seed: int = 2018, targets: ExampleTargets = EXAMPLE_TARGETS
) -> dict[str, pd.DataFrame]:
    """Synthetic microdata for all seven contract tables, calibrated on the final phase.

    The result maps each table name (contract order) to a DataFrame with exactly the contract's
    columns: dates as ``datetime64[ns]`` (weeks as their Monday, months as their first day),
    `markeret` as bool, empty values as NaN/NaT. The same `config` and `seed` always give
    identical frames.
    """
    tl = _timeline(config)
    borgere, pop = _borgere(config, targets, seed)
    ydelser = _ydelser(pop, tl, targets, seed)
    tables = {
        "borgere": borgere,
        "ydelser": ydelser,
        "virksomhedsplaceringer": _placeringer(pop, config, targets, seed),
        "samtaler": _samtaler(pop, config, tl, targets, seed),
        "forberedende_planer": _planer(pop, config, tl, targets, seed),
    }
    tables["sygefravaer"], tables["medarbejderomsaetning"] = _hr(config, targets, seed)
    return {name: tables[name][list(TABLES[name].column_names)] for name in TABLES}


# Fixed number of decimals per decimal column, so the files are byte-identical on every run.
DECIMALS = {
    "offentlig_forsoergelse_aar": 2,
    "fuldtidsansatte": 1,
    "sygedage_kort": 2,
    "sygedage_lang": 2,
    "ansatte": 0,
}


def _as_csv_text(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in TABLES[name].columns:
        s = frame[col.name]
        if col.kind in ("date", "week"):
            text = pd.Series(s.dt.strftime("%Y-%m-%d"), index=s.index)
        elif col.kind == "month":
            text = pd.Series(s.dt.strftime("%Y-%m"), index=s.index)
        elif col.kind == "flag":
            text = s.map({True: "ja", False: "nej"})
        elif col.kind == "integer":
            text = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif col.kind == "decimal":
            decimals = DECIMALS.get(col.name, 2)
            text = s.map(lambda v: "" if pd.isna(v) else f"{float(v):.{decimals}f}")
        else:
            text = s
        out[col.name] = text.astype(object).where(text.notna(), "")
    return pd.DataFrame(out)


def write_dataset(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write each table as ``NAME.csv`` in the international dialect.

    ``,`` separator, ``.`` decimal point, UTF-8 without BOM, no index, ISO dates, weeks as the
    Monday's date, months as ``YYYY-MM``, flags as ``ja``/``nej``, empty cells for missing values
    and a fixed number of decimals, so the same tables always give the same bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        text = _as_csv_text(name, frame)
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            text.to_csv(handle, index=False, lineterminator="\n")


def generate(
    out_dir: Path, config_path: Path, seed: int = 2018, scenario: str | None = None
) -> dict[str, pd.DataFrame]:
    """Simulate with the configuration at `config_path` and write the CSV files to `out_dir`.

    Without `scenario` the targets are the calibrated `EXAMPLE_TARGETS` (the committed example);
    with one, `model.draw_targets(seed, scenario)` draws them, with the configuration's trial department.
    """
    config = load_config(config_path)
    targets = EXAMPLE_TARGETS
    if scenario is not None:
        if config.forsoegsafdeling not in config.afdelinger:
            raise ValueError("the scenario model needs the trial department among the departments")
        base = replace(EXAMPLE_TARGETS, forsoegsafdeling=config.afdelinger.index(config.forsoegsafdeling))
        targets = draw_targets(seed, scenario, base)
    tables = simulate(config, seed=seed, targets=targets)
    write_dataset(tables, Path(out_dir))
    return tables
