"""Vectorised helpers for the weekly benefit panel (`ydelser`: one row per citizen per week) and other
columns of millions of rows, shared by loading, validation and the measurement modules. Citizens are
looked up once per distinct id and grouped by integer codes, never row by row."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from evalkit.data.contract import YDELSER


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


# ---------------------------------------------------------------- the panel as integer codes

NS_PER_WEEK = 7 * 86_400 * 10**9
NO_ROW = -2  # a (citizen, week) cell without a row; a row without a status has -1
NAT = np.iinfo(np.int64).min  # datetime64's NaT as an integer
# Largest (citizens × weeks) grid of int8 status codes `Ugepanel` builds (1 GB); beyond it, the exits are
# found by an integer merge instead.
MAX_GRID_CELLS = 1_000_000_000
_BLOCK_CELLS = 20_000_000  # the grid is scanned in blocks of citizens of about this many cells


def ns(day: dt.date) -> int:
    """A date's midnight as nanoseconds since 1970 (the integer form of `uge`)."""
    return int(pd.Timestamp(day).value)


def _as_datetimes(values: np.ndarray) -> np.ndarray:
    """Integer nanoseconds (NAT for none) as datetime64[ns]."""
    return values.astype(np.int64).view("datetime64[ns]")


def _names(categories: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Status codes as their names (an object array; NaN for a code below 0: no row or no status)."""
    table = np.append(categories.astype(object), np.nan)
    return table[np.where((codes >= 0) & (codes < len(categories)), codes, len(categories))]


@dataclass(frozen=True)
class Exits:
    """Exits from kontanthjælp as integer codes, sorted by citizen and week: the citizen (the panel's
    code), the week (nanoseconds), the status in that week and in the follow-up week (-1: none)."""

    citizen: np.ndarray
    week: np.ndarray
    status: np.ndarray
    destination: np.ndarray


class Borgerpanel:
    """What the measures ask of the weekly panel, per citizen of `ids` (borgere's ids, in their order,
    duplicates allowed), whichever engine holds the panel: this in-memory one (`Ugepanel`) or DuckDB's
    (`evalkit.data.duckdb_panel`). Each answer is indexed by `ids`; a citizen without rows has none.

    An engine computes per citizen of its own (`_citizens`: unique ids) and `_spread` takes that to `ids`."""

    ids: pd.Index
    _citizens: pd.Index
    categories: np.ndarray  # the status names of the codes

    def _positions(self) -> np.ndarray:
        return positions(self._citizens, pd.Series(self.ids))

    def _spread(self, values: np.ndarray, fill: Any) -> np.ndarray:
        """Per-citizen `values` (rows of the engine's own citizens) for each of `ids`; `fill` where none."""
        at = self._positions()
        padded = np.concatenate([values, np.full((1, *values.shape[1:]), fill, dtype=values.dtype)])
        return padded[np.where(at >= 0, at, len(values))]

    def for_ids(self, ids: pd.Series | pd.Index) -> Borgerpanel:
        """The same panel answering per citizen of `ids`."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view.ids = pd.Index(ids)
        return view

    # -- what an engine computes, per citizen of its own
    def _status_weeks(self, start_ns: int, end_ns: int) -> np.ndarray:
        raise NotImplementedError

    def _first_exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def _last_weeks(self) -> np.ndarray:
        raise NotImplementedError

    def _status_in_week(self, week_ns: int) -> np.ndarray:
        raise NotImplementedError

    def rows_in_week(self, monday: dt.date) -> int:
        """Rows of the panel in the week of `monday` (also of citizens outside `ids`)."""
        raise NotImplementedError

    # -- the answers
    def status_weeks(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Per citizen the number of weeks in [start, end] with each status code of the contract (one
        column per code, in `YDELSER` order)."""
        counts = self._spread(self._status_weeks(ns(start), ns(end)), 0).astype(int)
        columns = pd.Index(list(YDELSER), name="ydelse")
        return pd.DataFrame(counts, index=pd.Index(self.ids, name="borger_id"), columns=columns)

    def first_exits(self, start: dt.date, end: dt.date, lag_weeks: int) -> pd.DataFrame:
        """Per citizen the first exit from kontanthjælp in [start, end] (data contract, section 3) and the
        first whose destination (the status `lag_weeks` later) is known and is not kontanthjælp: `uge`
        and `destination`, `uge_talt` and `destination_talt` (NaT and NaN for none)."""
        week, destination, counted_week, counted_destination = self._first_exits(ns(start), ns(end), lag_weeks)
        return pd.DataFrame(
            {
                "uge": _as_datetimes(self._spread(week, NAT)),
                "destination": _names(self.categories, self._spread(destination, -1)),
                "uge_talt": _as_datetimes(self._spread(counted_week, NAT)),
                "destination_talt": _names(self.categories, self._spread(counted_destination, -1)),
            },
            index=pd.Index(self.ids, name="borger_id"),
        )

    def last_weeks(self) -> pd.Series:
        """Per citizen the last week in the panel (NaT without rows)."""
        return pd.Series(_as_datetimes(self._spread(self._last_weeks(), NAT)), index=pd.Index(self.ids, name="borger_id"),
                         name="uge")

    def status_in_week(self, monday: dt.date) -> pd.Series:
        """Per citizen the status in the week of `monday` (NaN without a row)."""
        codes = self._spread(self._status_in_week(ns(monday)), -1)
        return pd.Series(_names(self.categories, codes), index=pd.Index(self.ids, name="borger_id"), name="ydelse")


class Ugepanel(Borgerpanel):
    """The weekly panel in memory as integer codes: per row the citizen (int32 code into `_citizens`, the
    sorted distinct ids; -1 without an id), the week (int64 nanoseconds; NAT without one) and the status
    (int8 code into `categories`: the contract's codes, then any other value found; -1 without one). Made
    once from the `ydelser` frame, each distinct id and code looked up once; nothing after that handles a
    row as a Python object.

    The exits are found on a (citizens × weeks) grid of status codes when the weeks lie a whole number of
    weeks apart and each citizen has at most one row per week (always so for data that passed the data
    check); otherwise by an integer merge with the same meaning."""

    def __init__(self, ydelser: pd.DataFrame, ids: pd.Series | pd.Index):
        self.ids = pd.Index(ids)
        citizen, self._citizens = pd.factorize(ydelser["borger_id"], sort=True)
        self.citizen = citizen.astype(np.int32)
        uge = ydelser["uge"]
        week = uge.to_numpy().astype("datetime64[ns]").view(np.int64) if len(uge) else np.zeros(0, np.int64)
        self.week = week
        status, found = pd.factorize(ydelser["ydelse"])
        extra = sorted(set(found) - set(YDELSER), key=str)
        self.categories = np.array([*YDELSER, *extra], dtype=object)
        lookup = pd.Index(self.categories).get_indexer(found)
        self.status = np.append(lookup, -1)[status].astype(np.int8 if len(self.categories) < 127 else np.int16)
        self._cache: dict[Any, Any] = {}  # the grid and answers asked before, shared by every `for_ids` view

    # -- helpers
    def _valid(self) -> np.ndarray:
        return (self.citizen >= 0) & (self.week != NAT)

    def _grid_of_codes(self) -> tuple[np.ndarray, int] | None:
        """(grid, first week) with grid[citizen, week index] = status code (NO_ROW without a row), or None
        when the rows do not fit one (see the class docstring)."""
        if "grid" in self._cache:
            return self._cache["grid"]
        self._cache["grid"] = None
        if len(self.week) and (self.citizen >= 0).all() and (self.week != NAT).all() and self.status.dtype == np.int8:
            first = int(self.week.min())
            offset = self.week - first
            n_weeks = int(offset.max()) // NS_PER_WEEK + 1
            if not (offset % NS_PER_WEEK).any() and len(self._citizens) * n_weeks <= MAX_GRID_CELLS:
                grid = np.full((len(self._citizens), n_weeks), NO_ROW, dtype=np.int8)
                grid[self.citizen, offset // NS_PER_WEEK] = self.status
                if np.count_nonzero(grid != NO_ROW) == len(self.week):  # else two rows share a cell
                    self._cache["grid"] = (grid, first)
        return self._cache["grid"]

    # -- the engine's answers
    def _status_weeks(self, start_ns: int, end_ns: int) -> np.ndarray:
        n, k = len(self._citizens), len(YDELSER)
        known = self._valid() & (self.week >= start_ns) & (self.week <= end_ns) & (self.status >= 0) & (self.status < k)
        cells = np.bincount(self.citizen[known].astype(np.int64) * k + self.status[known], minlength=n * k)
        return cells.reshape(n, k)

    def _last_weeks(self) -> np.ndarray:
        if "last" not in self._cache:
            last = np.full(len(self._citizens), NAT, dtype=np.int64)
            valid = self._valid()
            np.maximum.at(last, self.citizen[valid], self.week[valid])
            self._cache["last"] = last
        return self._cache["last"]

    def _status_in_week(self, week_ns: int) -> np.ndarray:
        result = np.full(len(self._citizens), -1, dtype=np.int16)
        rows = (self.week == week_ns) & (self.citizen >= 0)
        result[self.citizen[rows]] = self.status[rows]
        return result

    def rows_in_week(self, monday: dt.date) -> int:
        return int(np.count_nonzero(self.week == ns(monday)))

    def exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> Exits:
        """Every exit from kontanthjælp with a week in [start_ns, end_ns] (data contract, section 3)."""
        grid = self._grid_of_codes()
        return self._exits_by_merge(start_ns, end_ns, lag_weeks) if grid is None else \
            _exits_on_grid(*grid, start_ns, end_ns, lag_weeks)

    def _first_exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> tuple[np.ndarray, ...]:
        key = ("exits", start_ns, end_ns, lag_weeks)  # varighed and afgange ask for the same phase's
        if key not in self._cache:
            self._cache[key] = self._scan_first_exits(start_ns, end_ns, lag_weeks)
        return self._cache[key]

    def _scan_first_exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> tuple[np.ndarray, ...]:
        e = self.exits(start_ns, end_ns, lag_weeks)
        counted = (e.destination >= 0) & (e.destination != KH_CODE)
        result = []
        for rows in (e.citizen >= 0, counted & (e.citizen >= 0)):  # a row without an id is no citizen's
            citizen = e.citizen[rows]
            first = np.flatnonzero(np.r_[True, citizen[1:] != citizen[:-1]]) if len(citizen) else np.zeros(0, int)
            week = np.full(len(self._citizens), NAT, dtype=np.int64)
            destination = np.full(len(self._citizens), -1, dtype=np.int16)
            week[citizen[first]] = e.week[rows][first]
            destination[citizen[first]] = e.destination[rows][first]
            result += [week, destination]
        return tuple(result)

    def _exits_by_merge(self, start_ns: int, end_ns: int, lag_weeks: int) -> Exits:
        """`exits` by joining each week to the previous and the follow-up week on integer keys (any rows:
        gaps, weeks that are not a whole number of weeks apart, two rows in a week, rows without an id)."""
        rows = pd.DataFrame({"citizen": self.citizen, "week": self.week, "status": self.status.astype(np.int16)})
        rows = rows[rows["week"] != NAT]
        in_period = rows[(rows["week"] >= start_ns) & (rows["week"] <= end_ns) & (rows["status"] != KH_CODE)]
        previous = rows[rows["status"] == KH_CODE][["citizen", "week"]].assign(week=lambda r: r["week"] + NS_PER_WEEK)
        exits = in_period.merge(previous, on=["citizen", "week"], how="inner")
        follow_up = rows.assign(week=rows["week"] - lag_weeks * NS_PER_WEEK).rename(columns={"status": "destination"})
        exits = exits.merge(follow_up, on=["citizen", "week"], how="left")
        exits["order"] = exits["citizen"].where(exits["citizen"] >= 0, len(self._citizens))  # no id last, as NaN sorts
        exits = exits.sort_values(["order", "week"], kind="stable")
        return Exits(exits["citizen"].to_numpy(np.int32), exits["week"].to_numpy(np.int64),
                     exits["status"].to_numpy(np.int16), exits["destination"].fillna(-1).to_numpy(np.int16))

    def exits_frame(self, start: dt.date, end: dt.date, lag_weeks: int) -> pd.DataFrame:
        """`exits` as borger_id, uge, ydelse and destination (NaN if unknown), sorted by borger_id and uge."""
        e = self.exits(ns(start), ns(end), lag_weeks)
        ids = np.append(self._citizens.to_numpy(dtype=object), np.nan)
        return pd.DataFrame({
            "borger_id": ids[np.where(e.citizen >= 0, e.citizen, len(self._citizens))],
            "uge": _as_datetimes(e.week),
            "ydelse": _names(self.categories, e.status),
            "destination": _names(self.categories, e.destination),
        })


KH_CODE = YDELSER.index("kontanthjaelp")


def _exits_on_grid(grid: np.ndarray, first_ns: int, start_ns: int, end_ns: int, lag_weeks: int) -> Exits:
    """`Ugepanel.exits` on the grid of status codes: an exit is a cell not kontanthjælp (a row, with or
    without a status) right of a kontanthjælp cell; its destination lies `lag_weeks` cells further right."""
    n, n_weeks = grid.shape
    lo = max(1, -(-(start_ns - first_ns) // NS_PER_WEEK))  # the first week index in the period (a previous week needed)
    hi = min(n_weeks - 1, (end_ns - first_ns) // NS_PER_WEEK)
    parts: list[tuple[np.ndarray, ...]] = []
    if lo <= hi:
        step = max(1, _BLOCK_CELLS // (hi - lo + 1))
        for top in range(0, n, step):
            block = grid[top : top + step]
            now, before = block[:, lo : hi + 1], block[:, lo - 1 : hi]
            exit_cells = (now != KH_CODE) & (now != NO_ROW) & (before == KH_CODE)
            citizen, offset = np.nonzero(exit_cells)
            ahead = lo + offset + lag_weeks
            inside = (ahead >= 0) & (ahead < n_weeks)
            destination = np.full(len(citizen), NO_ROW, dtype=np.int8)
            destination[inside] = block[citizen[inside], ahead[inside]]
            parts.append((citizen + top, lo + offset, now[citizen, offset], destination))
    if not parts:
        empty = np.zeros(0, np.int64)
        return Exits(empty.astype(np.int32), empty, empty.astype(np.int16), empty.astype(np.int16))
    citizen, week, status, destination = (np.concatenate(p) for p in zip(*parts))
    return Exits(citizen.astype(np.int32), first_ns + week.astype(np.int64) * NS_PER_WEEK, status.astype(np.int16),
                 np.maximum(destination, -1).astype(np.int16))


# The last frame made into an Ugepanel, by what identifies its content (`_fingerprint`): a kernel runs several
# measures, and each asks for the panel of the same loaded ydelser.
_LAST: list[tuple[tuple, Ugepanel]] = []


def _fingerprint(ydelser: pd.DataFrame) -> tuple | None:
    """What identifies the frame's content: its Arrow-backed borger_id and ydelse columns by the immutable
    Arrow arrays themselves (kept alive by the cache, so an equal identity is the same array), the weeks by
    a hash of their bytes (a numpy column can change in place). None for other columns (no cache)."""
    columns = [ydelser[c].array for c in ("borger_id", "ydelse")]
    if not all(hasattr(a, "__arrow_array__") and hasattr(a, "_pa_array") for a in columns):
        return None
    weeks = np.ascontiguousarray(ydelser["uge"].to_numpy())
    if weeks.dtype == object:
        return None
    digest = hashlib.blake2b(weeks.view(np.uint8), digest_size=16).digest()
    return (*(a.__arrow_array__() for a in columns), weeks.dtype.str, len(weeks), digest)


def borgerpanel(ydelser: pd.DataFrame | Borgerpanel, ids: pd.Series | pd.Index) -> Borgerpanel:
    """The weekly panel as the measures ask it, per citizen of `ids`: `ydelser` is the loaded frame (made
    into an in-memory `Ugepanel`; the last one is remembered, so the measures of a kernel share it) or a
    panel an engine already holds (`Ugepanel`, or DuckDB's from `evalkit.data.duckdb_panel`)."""
    if isinstance(ydelser, Borgerpanel):
        return ydelser.for_ids(ids)
    key = _fingerprint(ydelser)
    if key is None:
        return Ugepanel(ydelser, ids)
    if not _LAST or len(_LAST[0][0]) != len(key) or any(a is not b for a, b in zip(_LAST[0][0][:2], key[:2])) \
            or _LAST[0][0][2:] != key[2:]:
        _LAST[:] = [(key, Ugepanel(ydelser, ids))]
    return _LAST[0][1].for_ids(ids)
