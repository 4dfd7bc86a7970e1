"""A deliberately straightforward pandas reference for the panel-heavy measurements (what an analyst would
write: one citizen at a time with groupby.apply), for the scale benchmark only; evalkit never uses it.

Per citizen, for a phase's måleperiode: the first exit (week and destination, by the data contract's
section 3), the outcome (the destination of the earliest exit whose destination is known and is not
kontanthjælp), the number of Mondays on kontanthjælp and the transfer cost at the configured prices.
`compare` checks it against evalkit's functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.config import Config, Periode
from evalkit.maaleparametre import afgange, varighed

KH = "kontanthjaelp"


def _one_citizen(rows: pd.DataFrame, periode: Periode, lag: int, prices: dict[str, float]) -> pd.Series:
    rows = rows.sort_values("uge")
    by_week = dict(zip(rows["uge"], rows["ydelse"]))
    p0, p1 = pd.Timestamp(periode.start), pd.Timestamp(periode.slut)
    first_exit, outcome = pd.NaT, None
    for uge, ydelse in by_week.items():
        if not (p0 <= uge <= p1) or ydelse == KH or by_week.get(uge - pd.Timedelta(weeks=1)) != KH:
            continue
        if pd.isna(first_exit):
            first_exit = uge
        destination = by_week.get(uge + pd.Timedelta(weeks=lag))
        if outcome is None and destination is not None and destination != KH:
            outcome = destination
    inside = rows[(rows["uge"] >= p0) & (rows["uge"] <= p1)]
    return pd.Series(
        {
            "foerste_afgang": first_exit,
            "udfald": afgange.DESTINATION.get(outcome, afgange.STILL_ON_KH),
            "uger_kh": int((inside["ydelse"] == KH).sum()),
            "udgift": float(inside["ydelse"].map(prices).sum()),
        }
    )


def per_citizen(borgere: pd.DataFrame, ydelser: pd.DataFrame, config: Config, periode: Periode) -> pd.DataFrame:
    """One row per citizen of borgere: foerste_afgang, udfald, uger_kh, udgift."""
    prices = config.oekonomi.kr_pr_uge
    result = ydelser.groupby("borger_id").apply(
        lambda rows: _one_citizen(rows, periode, config.opfoelgning_uger, prices), include_groups=False
    )
    return result.reindex(borgere["borger_id"])


def evalkit_per_citizen(borgere: pd.DataFrame, ydelser: pd.DataFrame, config: Config, periode: Periode) -> pd.DataFrame:
    """The same four columns from evalkit's vectorised functions."""
    ids = borgere["borger_id"]
    exits = afgange.find_exits(ydelser, periode, config.opfoelgning_uger)
    weeks = varighed.status_weeks(borgere, ydelser, periode)
    prices = np.array([config.oekonomi.kr_pr_uge[c] for c in weeks.columns])
    return pd.DataFrame(
        {
            "foerste_afgang": exits.groupby("borger_id")["uge"].min().reindex(ids).to_numpy(),
            "udfald": afgange.outcomes(borgere, ydelser, periode, config.opfoelgning_uger).to_numpy(),
            "uger_kh": weeks[KH].to_numpy(),
            "udgift": weeks.to_numpy() @ prices,
        },
        index=ids,
    )


def compare(borgere: pd.DataFrame, ydelser: pd.DataFrame, config: Config, periode: Periode) -> None:
    """Raise AssertionError unless the naive reference and evalkit agree for every citizen."""
    naive = per_citizen(borgere, ydelser, config, periode)
    ours = evalkit_per_citizen(borgere, ydelser, config, periode)
    pd.testing.assert_series_equal(naive["foerste_afgang"].astype("datetime64[ns]"), ours["foerste_afgang"].astype("datetime64[ns]"), check_names=False)
    assert (naive["udfald"].astype(str).to_numpy() == ours["udfald"].astype(str).to_numpy()).all()
    assert (naive["uger_kh"].astype(int).to_numpy() == ours["uger_kh"].to_numpy()).all()
    np.testing.assert_allclose(naive["udgift"].astype(float).to_numpy(), ours["udgift"].to_numpy(), rtol=1e-9)
