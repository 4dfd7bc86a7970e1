"""Where a build's outputs come from, and the fixed time stamp that makes rebuilds byte-identical."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from evalkit.contract import TABLES

DATE_KINDS = ("date", "week", "month")


def timestamp(tables: dict[str, pd.DataFrame]) -> tuple[int, str]:
    """The build's time stamp in UNIX seconds and where it came from: SOURCE_DATE_EPOCH when set (the
    reproducible-builds convention), else midnight UTC of the newest date in the data. It never depends
    on the clock, so two builds from the same inputs stamp their PDFs alike."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return int(epoch), "SOURCE_DATE_EPOCH"
    newest = max(
        (
            frame[col.name].max()
            for name, frame in tables.items()
            for col in TABLES[name].columns
            if col.kind in DATE_KINDS and col.name in frame and frame[col.name].notna().any()
        ),
        default=pd.Timestamp(0),
    )
    day = dt.datetime.combine(pd.Timestamp(newest).date(), dt.time(), tzinfo=dt.timezone.utc)
    return int(day.timestamp()), "data"
