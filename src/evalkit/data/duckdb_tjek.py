"""The data check of a large ydelser in DuckDB, out of core (issue 20).

When ydelser goes to DuckDB (`duckdb_panel.uses_duckdb`: the rule the notebooks follow), `check_tables` does
not load it into pandas. DuckDB reads the file and checks it against the same rules of the data contract the
in-memory check applies to ydelser, with the same Danish messages, the same columns and the same row numbers
(the first `MAX_ROWS_SHOWN` and the count):

* per distinct value of each column, read by the loader's own functions (`_as_text`, `_code`, `_parse_week`,
  `_as_datetime`): values that look like CPR numbers (every column), weeks that are no date or lie beyond
  what the loader can hold, missing values, unknown codes, weeks not on a Monday or far from the trial
  period, ids not in borgere. One scan of the file counts the rows of every distinct value; only a rule
  that is broken costs a second scan, for its first rows;
* on the compact integer table (`duckdb_panel.RegisterPanel`), per citizen: repeated keys (borger_id and
  uge), missing weeks from the start week on, and the citizens of borgere without a row in the start week.
  The rows of a repeated key or a gap are looked up only for the citizens that have one.

The compact table the check makes is the one the measurements use: a build keeps it in its temporary folder
(`directory`), and the kernels open it read-only (`duckdb_panel.open_checked`).
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from evalkit.config import Config
from evalkit.data import duckdb_panel
from evalkit.data.contract import TABLES, YDELSER, looks_like_cpr
from evalkit.data.duckdb_panel import NS_PER_DAY, Register, RegisterPanel, _quote
from evalkit.data.loading import (
    _EXPECTED,
    BEYOND_MESSAGE,
    CPR_MESSAGE,
    _as_datetime,
    _as_text,
    _code,
    _parse_week,
    _to_ns,
)
from evalkit.data.uger import week_monday
from evalkit.data.validation import (
    MAX_ROWS_SHOWN,
    Problem,
    TypedTable,
    _Context,
    _examples,
    schema,
    start_week_problems,
)
from evalkit.errors import DataError

TABLE = "panel_kontrolleret"
MISSING = "Værdien mangler."
# Beyond this many weeks between the earliest and the latest week, repeated keys are found by grouping the
# rows instead of by one bit per week and citizen.
MAX_WEEKS_IN_BITS = 20_000


class NotReadable(Exception):
    """DuckDB cannot read the whole file as the loader does (found only while reading it): check it in memory."""


@dataclass(frozen=True)
class Checked:
    """A ydelser file checked in DuckDB: its rows, its newest week and, when kept, its compact table."""

    path: Path
    rows: int
    newest: pd.Timestamp | None
    database: Path | None


def check(path: Path, borgere: TypedTable | None, config: Config, directory: Path | None = None) -> tuple[list[Problem], Checked]:
    """Check the ydelser file `path` in DuckDB against the contract's rules for ydelser (borgere's ids from
    `borgere`, when it could be read). With `directory`, the compact table is kept there for the kernels when
    no rule is broken (`duckdb_panel.CHECKED_DATABASE`, with `CHECKED_RECORD`); without, nothing is kept.
    Raises NotReadable when DuckDB cannot read the file as the loader does."""
    import duckdb

    found = duckdb_panel.readable(path)
    if found is None:
        raise NotReadable(path)
    database = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        database = directory / duckdb_panel.CHECKED_DATABASE
        _drop(database)
    register = Register(path, *found, config.duckdb, week_monday(config.startdato), database=database)
    try:
        problems, checked = _Check(register, borgere, config).run()
    except (duckdb.Error, DataError):  # DataError: the compact table's rows could not be read
        register.close()
        if database is not None:
            _drop(database)
        raise NotReadable(path) from None
    register.close()  # the kernels open the database read-only: no connection may be left open here
    kept = database is not None and not any(p.level == "fejl" for p in problems)
    if database is not None:
        if kept:
            record = {"fil": str(path), "noegle": checked[1], "tabel": TABLE, "raekker": checked[0]}
            (directory / duckdb_panel.CHECKED_RECORD).write_text(json.dumps(record), encoding="utf-8")
        else:
            _drop(database)
    return problems, Checked(path, checked[0], checked[2], database if kept else None)


def make_table(path: Path, borgere_ids: pd.Series, config: Config, directory: Path) -> None:
    """The compact table of a ydelser file that passed the check before (a build whose data check came from
    the cache), in `directory` for the kernels, with the cheap checks of `RegisterPanel`."""
    found = duckdb_panel.readable(path)
    if found is None:
        raise NotReadable(path)
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / duckdb_panel.CHECKED_DATABASE
    _drop(database)
    register = Register(path, *found, config.duckdb, week_monday(config.startdato), database=database)
    try:
        citizens, key = Register.key(borgere_ids)
        RegisterPanel(register, citizens, TABLE)
        rows = int(register.con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])
    except DataError:  # DuckDB cannot read the file to its end after all (the check then read it in memory)
        register.close()
        _drop(database)
        raise NotReadable(path) from None
    register.close()
    record = {"fil": str(path), "noegle": key, "tabel": TABLE, "raekker": rows}
    (directory / duckdb_panel.CHECKED_RECORD).write_text(json.dumps(record), encoding="utf-8")


def _drop(database: Path) -> None:
    """Remove a DuckDB database file and its write-ahead log, if any."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)


class _Check:
    """One check of a ydelser file in DuckDB (`check`)."""

    def __init__(self, register: Register, borgere: TypedTable | None, config: Config):
        self.register, self.con, self.path = register, register.con, register.path
        ids = borgere.frame["borger_id"] if borgere is not None else pd.Series([], dtype=object)
        self.citizens, self.key = Register.key(ids)
        self.known = frozenset(ids.dropna()) if borgere is not None else None
        self.ctx = _Context.of(config, self.known)
        self.rules = {rule.tag: rule for rule in schema(TABLES["ydelser"], self.ctx).rules.values() if rule.tag}
        self.start = _days(self.ctx.start_week)
        self.csv = self.path.suffix.lower() == ".csv"

    def run(self) -> tuple[list[Problem], tuple[int, str, pd.Timestamp | None]]:
        columns = self.register.columns
        distinct = duckdb_panel.distinct_values(self.register, list(self.register.types), counts=True)
        values = {key: self._values_of(distinct, key) for key in self.register.types}
        rows = int(values["borger_id"][1].sum())
        problems = [self._problem(key, raw, counts, looks_like_cpr(raw.to_pandas()).to_numpy(bool), CPR_MESSAGE)
                    for key, (raw, counts) in values.items()]
        missing, rules = {}, []  # rules: (column, which values break it, message)
        # borger_id: missing, not in borgere
        raw, counts = values["borger_id"]
        text = _as_text(raw.to_pandas())
        missing["borger_id"] = (text == "").to_numpy()
        if self.known is not None:
            rules.append(("borger_id", (text != "").to_numpy() & ~text.isin(self.known).to_numpy(),
                          self.rules["reference"].message))
        # uge: parsed as the loader parses it
        raw, counts = values["uge"]
        if columns["uge"][1] == "date":  # as the loader reads a Parquet date: a timestamp in milliseconds
            cells = (raw.cast(pa.timestamp("ms")) if pa.types.is_date(raw.type) else raw).to_pandas()
            week, beyond = _to_ns(_as_datetime(cells))
            missing["uge"] = cells.isna().to_numpy()
        else:
            text = _as_text(raw.to_pandas())
            week, beyond = _to_ns(_parse_week(text))
            missing["uge"] = (text == "").to_numpy()
            problems.append(self._problem("uge", raw, counts, ~missing["uge"] & week.isna().to_numpy() & ~beyond.to_numpy(),
                                          f"Forventede {_EXPECTED['week']}."))
        problems.append(self._problem("uge", raw, counts, beyond.to_numpy(bool), BEYOND_MESSAGE))
        valid = week.notna().to_numpy()
        day = week.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
        not_monday = valid & ((day + 3) % 7 != 0)
        far = valid & ~week.between(self.ctx.earliest, self.ctx.latest).to_numpy()
        # ydelse: a code in any case
        raw, counts = values["ydelse"]
        text = _as_text(raw.to_pandas())
        code = _code(next(c for c in TABLES["ydelser"].columns if c.name == "ydelse"), text)
        missing["ydelse"] = (text == "").to_numpy()
        unknown = (code.notna() & ~code.isin(YDELSER)).to_numpy()
        for key in ("borger_id", "uge", "ydelse"):
            problems.append(self._problem(key, *values[key], missing[key], MISSING))
        problems.append(self._problem("uge", *values["uge"], not_monday, self.rules["mandag"].message))
        problems.append(self._problem("uge", *values["uge"], far, self.rules["periode"].message))
        problems.append(self._problem("ydelse", *values["ydelse"], unknown, self.rules["kode"].message.replace(
            "{eksempler}", _examples(code[unknown]))))
        for key, mask, message in rules:
            problems.append(self._problem(key, *values[key], mask, message))
        # per citizen, on the compact table
        panel = RegisterPanel(self.register, self.citizens, TABLE, check=False, distinct=distinct)
        problems += self._per_citizen(panel, all_mondays=not (not_monday.any()))
        newest = self.con.execute(f"SELECT max(d) FROM {TABLE}").fetchone()[0]
        newest = None if newest is None else pd.Timestamp(int(newest) * NS_PER_DAY)
        return [p for p in problems if p is not None], (rows, self.key, newest)

    def _values_of(self, distinct: pa.Table, key: str) -> tuple[pa.Array, np.ndarray]:
        """The distinct values of column `key` (a missing value among them) and the rows of each."""
        mine = distinct.filter(pa.compute.equal(distinct.column(f"g_{key}"), 0))
        return mine.column(key).combine_chunks(), mine.column("n").to_numpy()

    def _problem(self, key: str, raw: pa.Array, counts: np.ndarray, bad: np.ndarray, message: str) -> Problem | None:
        """The problem of the rows whose value in column `key` is one of the `bad` distinct values."""
        bad = np.asarray(bad, dtype=bool)
        if not bad.any():
            return None
        column = _quote(self.register.types[key][0])
        null = bool((bad & ~pa.compute.is_valid(raw).to_numpy(zero_copy_only=False)).any())
        chosen = raw.filter(pa.array(bad)).drop_null()
        self.con.register("evalkit_fundne", pa.table({"raw": chosen}))
        try:
            where = f"{column} IN (SELECT raw FROM evalkit_fundne)" + (f" OR {column} IS NULL" if null else "")
            found = self._first_rows(f"SELECT evalkit_raekke AS raekke FROM {self.register.source(rows=True)} WHERE {where}")
        finally:
            self.con.unregister("evalkit_fundne")
        return Problem(self.path, key, found, message, int(counts[bad].sum()))

    def _first_rows(self, sql: str) -> tuple[int, ...]:
        """The first `MAX_ROWS_SHOWN` row numbers (`raekke`) of a query, as the loader numbers the rows."""
        with self._in_order():
            rows = self.con.execute(f"SELECT raekke FROM ({sql}) ORDER BY raekke LIMIT {MAX_ROWS_SHOWN}").fetchnumpy()["raekke"]
        rows = [int(r) for r in rows]
        return tuple(csv_row_numbers(self.path, rows)) if self.csv else tuple(rows)

    @contextlib.contextmanager
    def _in_order(self) -> Iterator[None]:
        """A CSV file's rows are numbered by row_number() OVER (), which follows the file's order only while
        DuckDB keeps the order of insertion (off otherwise: it costs memory)."""
        if self.csv:
            self.con.execute("SET preserve_insertion_order = true")
        try:
            yield
        finally:
            if self.csv:
                self.con.execute("SET preserve_insertion_order = false")

    def _per_citizen(self, panel: RegisterPanel, all_mondays: bool) -> list[Problem | None]:
        """Repeated keys, gaps from the start week on and the start week, per citizen of the compact table."""
        con, start = self.con, self.start
        week = "(d - ((d + 3) % 7 + 7) % 7)"  # the Monday of the day's week
        low, high = con.execute(f"SELECT min(d), max(d) FROM {TABLE}").fetchone()
        bits = all_mondays and low is not None and (high - low) // 7 < MAX_WEEKS_IN_BITS
        distinct_weeks = (f"bit_count(bitstring_agg(((d - {low}) // 7)::INTEGER, 0, {(high - low) // 7 if bits else 0}) "
                          "FILTER (WHERE d IS NOT NULL))" if bits else "NULL")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE evalkit_borger AS SELECT c, count(d) AS n, count(*) - count(d) AS uden_uge, "
            f"{distinct_weeks} AS uger, count(*) FILTER (WHERE d <> {week}) AS ikke_mandag, "
            f"count(*) FILTER (WHERE {week} >= {start}) AS efter, "
            f"min({week}) FILTER (WHERE {week} >= {start}) AS foerste, max({week}) FILTER (WHERE {week} >= {start}) AS sidste, "
            f"count(*) FILTER (WHERE d BETWEEN {start} AND {start + 6}) AS i_startugen FROM {TABLE} "
            "WHERE c IS NOT NULL GROUP BY c"
        )
        if bits:
            repeated = "SELECT c FROM evalkit_borger WHERE n > uger"
        else:
            repeated = f"SELECT DISTINCT c FROM (SELECT c, d FROM {TABLE} WHERE c IS NOT NULL AND d IS NOT NULL GROUP BY c, d HAVING count(*) > 1)"
        # a citizen without a repeated key whose rows are all on Mondays has a gap from the start week on exactly
        # when it has fewer rows from then on than weeks between its first and last; the others are looked at
        # row by row
        gaps = ("SELECT c FROM evalkit_borger WHERE uden_uge = 0 AND (ikke_mandag > 0 OR efter > 0 AND "
                "efter <> (sidste - foerste) // 7 + 1)")
        problems: list[Problem | None] = []
        suspects = con.execute(f"SELECT c FROM ({repeated}) UNION SELECT c FROM ({gaps})").fetchnumpy()["c"]
        if len(suspects):  # the rows of the citizens with a repeated key or a gap, with their row numbers
            con.register("evalkit_mistaenkte", pa.table({"c": pa.array(suspects, type=pa.int32())}))
            try:
                with self._in_order():
                    con.execute(f"CREATE OR REPLACE TEMP TABLE evalkit_raekker AS SELECT raekke, c, d FROM "
                                f"({panel.rows_sql(rows=True)}) WHERE c IN (SELECT c FROM evalkit_mistaenkte)")
            finally:
                con.unregister("evalkit_mistaenkte")
            problems.append(self._rows_problem(
                "SELECT r.raekke FROM evalkit_raekker r JOIN (SELECT c, d FROM evalkit_raekker WHERE d IS NOT NULL "
                "GROUP BY c, d HAVING count(*) > 1) k ON k.c = r.c AND k.d = r.d", "noegle"))
            problems.append(self._rows_problem(
                f"SELECT raekke FROM (SELECT raekke, uge - lag(uge) OVER (PARTITION BY c ORDER BY uge) AS skridt FROM "
                f"(SELECT c, {week} AS uge, min(raekke) AS raekke FROM evalkit_raekker WHERE c IN (SELECT c FROM evalkit_borger "
                f"WHERE uden_uge = 0) AND "
                f"{week} >= {start} GROUP BY c, uge)) WHERE skridt > 7", "huller"))
        if self.known is not None:  # the citizens of borgere without a row in the start week (nor a week unread)
            present = con.execute("SELECT c FROM evalkit_borger WHERE c >= 0 AND (i_startugen > 0 OR uden_uge > 0)").fetchnumpy()["c"]
            absent = np.ones(len(self.citizens), bool)
            absent[np.asarray(present, dtype=np.int64)] = False
            problems += start_week_problems(self.path, self.citizens[absent], self.ctx)
        return problems

    def _rows_problem(self, sql: str, tag: str) -> Problem | None:
        count = int(self.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])
        if not count:
            return None
        rows = self.con.execute(f"SELECT raekke FROM ({sql}) ORDER BY raekke LIMIT {MAX_ROWS_SHOWN}").fetchnumpy()["raekke"]
        rows = [int(r) for r in rows]
        rule = self.rules[tag]
        return Problem(self.path, rule.column, tuple(csv_row_numbers(self.path, rows) if self.csv else rows),
                       rule.message, count, rule.level)


def _days(day: pd.Timestamp) -> int:
    return int(pd.Timestamp(day).value // NS_PER_DAY)


def csv_row_numbers(path: Path, positions: list[int]) -> list[int]:
    """The loader's row numbers (`loading._read_csv`: the record's number in the file, the header being 1
    and blank lines counted) of the data rows at `positions` (from 1, among the rows that are not blank, as
    `Register.source` numbers them). Reads the file as far as the last of them."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        handle.seek(0)
        records = csv.reader(handle, delimiter=sep)
        position = 0
        for number, record in enumerate(records, start=1):
            if number == 1 or not any(field.strip() for field in record):
                continue
            position += 1
            if position in wanted:
                found[position] = number
                if len(found) == len(wanted):
                    break
    return [found.get(p, p + 1) for p in positions]

