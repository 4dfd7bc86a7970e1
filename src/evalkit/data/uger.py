"""Weeks as the data contract names them: by their Monday (`ydelser.uge`)."""

from __future__ import annotations

import datetime as dt


def week_monday(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in (the last Monday on or before it)."""
    return day - dt.timedelta(days=day.weekday())


def first_monday(day: dt.date) -> dt.date:
    """The first Monday on or after `day`."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)
