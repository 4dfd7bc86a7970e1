"""Vectorised helpers on the weekly benefit panel (`ydelser`: one row per citizen per week), shared by the
measurement modules. A job centre's panel has millions of rows, so citizens are looked up once per
distinct id and grouped by integer codes, never row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd


def positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Each value's position in the unique `ids` (-1 when absent or missing), looked up once per distinct value."""
    codes, uniques = pd.factorize(values)
    return np.append(ids.get_indexer(uniques), -1)[codes]


def last_weeks(ydelser: pd.DataFrame) -> pd.Series:
    """Each citizen's last week in the panel (what `ydelser.groupby("borger_id")["uge"].max()` gives, in the
    order the ids first appear); rows without an id are left out, as groupby leaves them out."""
    citizen, seen = pd.factorize(ydelser["borger_id"])
    known = citizen >= 0
    last = pd.Series(ydelser["uge"].to_numpy()[known]).groupby(citizen[known]).max()
    last.index = pd.Index(seen.take(last.index.to_numpy()), name="borger_id")
    return last.rename("uge")
