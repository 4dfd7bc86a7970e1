"""Vectorised helpers for the weekly benefit panel (`ydelser`: one row per citizen per week) and other
columns of millions of rows, shared by loading, validation and the measurement modules. Citizens are
looked up once per distinct id and grouped by integer codes, never row by row."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd


def per_value(values: pd.Series, function: Callable[[pd.Series], pd.Series], dtype: type | None = None) -> pd.Series:
    """`function(values)`, computed once per distinct value (a missing value counts as one) and spread
    back to the rows: a column of millions of rows holds a handful of codes or a few thousand ids. With
    `dtype`, the computed values are cast to it first (e.g. `bool` for a mask). Mostly distinct values
    gain nothing, and `function` gets them all."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) * 4 > len(values):
        return function(values)
    computed = function(pd.Series(uniques, dtype=values.dtype))
    taken = computed.array.take(codes) if dtype is None else np.asarray(computed, dtype=dtype)[codes]
    return pd.Series(taken, index=values.index, name=values.name)


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
