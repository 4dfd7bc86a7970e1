"""The weekly benefit panel (`ydelser`) in DuckDB, out of core: for registers larger than memory.

DuckDB reads the ydelser file itself (Parquet, or CSV in UTF-8) and turns it once into a compact table of
integer codes, `panel(c, d, s)`: the citizen's position among borgere's ids (an id not there: a negative number
of its own), the week's Monday as days since 1970 and the status as its position in the contract's codes. The
table lives in a DuckDB database file, so DuckDB keeps only its memory limit's worth in memory and spills the
rest to disk: in a build, the data check makes it once in the build's temporary folder (`evalkit.data.duckdb_tjek`)
and the kernels open it read-only (`open_checked`); a notebook run on its own makes its own in a private
temporary folder (`open_register`; removed again when the register is closed or the process ends). Every measurement is then one SQL query
that hands back a small per-citizen array (`Borgerpanel` in `evalkit.data.panel`), the same answers the
in-memory engine gives for data that passed the data check.

The file's cells are read as the loader reads them (`evalkit.data.loading`): text stripped, codes in any
case, weeks as dates (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ, DD.MM.ÅÅÅÅ), ISO weeks (ÅÅÅÅ-Wuu) or Parquet dates and
timestamps. A file whose columns DuckDB cannot read the same way (a time-zone timestamp, decimal ids, a CSV
file not in UTF-8, xlsx) is not opened here (`open_register` gives None) and is measured in memory. A notebook run on
its own checks its compact table against the contract's rules for ydelser that the measurements rest on
(`Register.panel`) before any measurement; the data check of a build and of `evalkit validate` checks every rule
(`evalkit.data.duckdb_tjek`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)

from evalkit.config import Duckdb
from evalkit.data.contract import TABLES, YDELSER, find_table_file
from evalkit.data.kontrolleret import note_load
from evalkit.data.loading import _as_text, _code, _parse_week, _to_ns  # the loader's reading of a cell
from evalkit.data.panel import NAT, Borgerpanel, ns
from evalkit.errors import DataError

NS_PER_DAY = 86_400 * 10**9
FOLDER_PREFIX = "evalkit-duckdb-"  # the temporary folders of the registers: FOLDER_PREFIX, the process id, "-"
UNKNOWN_CODE = 99  # `s` of a status that is not one of the contract's codes
_DAY_RANGE = (-106_751, 106_750)  # days since 1970 a datetime64[ns] can hold (loading refuses the others)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(path: Path) -> tuple[str, dict[str, str]] | None:
    """DuckDB's reader of the file and the SQL types of its columns by their name as the contract spells
    them (stripped, lower case); None when DuckDB cannot read it as the loader does."""
    import duckdb

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        reader = f"read_parquet({_literal(str(path))})"
    elif suffix == ".csv":
        head = _head(path)
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not a character cut at the end of the sample
                return None
            text = head[: exc.start].decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        header = text.split("\n", 1)[0]
        sep = ";" if header.count(";") > header.count(",") else ","
        reader = (f"read_csv({_literal(str(path))}, delim={_literal(sep)}, quote='\"', escape='\"', header=true, "
                  "all_varchar=true, auto_detect=false, strict_mode=false)")
        try:  # auto_detect off needs the columns named: take them from the header as DuckDB reads it
            names = duckdb.sql(f"SELECT * FROM read_csv({_literal(str(path))}, delim={_literal(sep)}, quote='\"', "
                               "escape='\"', header=true, all_varchar=true, sample_size=1) LIMIT 0").columns
        except duckdb.Error:
            return None
        columns = ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names)
        reader = reader[:-1] + f", columns={{{columns}}})"
    else:
        return None
    try:
        described = duckdb.sql(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error:
        return None
    types = {name.strip().lower(): (name, kind) for name, kind, *_ in described}
    if len(types) != len(described):  # two columns of one name: the loader reports it
        return None
    return reader, types  # type: ignore[return-value]


def _arrow(con, sql: str) -> pa.Table:
    """A query's result as an Arrow table (DuckDB 2 names it `to_arrow_table`, earlier versions `arrow`)."""
    relation = con.sql(sql)
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()


def _head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(1 << 20)


_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}


def _columns(types: dict) -> dict[str, tuple[str, str]] | None:
    """The three columns' names in the file and how each is read: 'text' (its distinct values mapped by the
    loader's own functions) or, for a Parquet date or timestamp week, 'date' (its date, as the loader floors
    it). None for a type the loader reads otherwise (decimal ids, time-zone timestamps and other rare types
    are left to the in-memory engine)."""
    try:
        (id_name, id_type), (week_name, week_type), (code_name, code_type) = (types[c] for c in ("borger_id", "uge", "ydelse"))
    except KeyError:
        return None
    if id_type not in _INTEGER | {"VARCHAR"} or code_type != "VARCHAR":
        return None
    if week_type == "DATE" or week_type.startswith("TIMESTAMP") and "TIME ZONE" not in week_type:
        week = "date"
    elif week_type == "VARCHAR":
        week = "text"
    else:
        return None
    return {"borger_id": (id_name, "text"), "uge": (week_name, week), "ydelse": (code_name, "text")}


def _read_as_loader(key: str, raw: pd.Series, citizens: pd.Index) -> pa.Array:
    """What the loader makes of each distinct cell `raw` of column `key`, as the compact table's integer:
    borger_id its citizen's position in `citizens` (when not there, a negative number per distinct id), uge its Monday as days since 1970,
    ydelse its position in the contract's codes (`UNKNOWN_CODE` for another code); missing where the loader
    finds no value (an empty cell, a week that is no date, a date beyond what the loader can hold)."""
    text = _as_text(raw)
    if key == "borger_id":  # an id not in borgere: a negative number of its own (the contract's key is the id)
        position = pd.Series(citizens.get_indexer(text), dtype="Int64")
        unknown = pd.Series(-1 - pd.factorize(text)[0], dtype="Int64")
        value = position.where(position >= 0, unknown).where(text != "")
    elif key == "ydelse":
        code = _code(next(c for c in TABLES["ydelser"].columns if c.name == key), text)
        value = pd.Series(pd.Index(YDELSER).get_indexer(code), dtype="Int64").where(code.notna())
        value = value.mask(value == -1, UNKNOWN_CODE)
    else:
        weeks, beyond = _to_ns(_parse_week(text))
        value = pd.Series(weeks.to_numpy().astype("datetime64[D]").astype(np.int64), dtype="Int64").where(weeks.notna() & ~beyond)
    return pa.array(value.to_numpy(dtype=object, na_value=None), type=pa.int32())


def rows_in_file(path: Path) -> int:
    """The number of rows in a ydelser file: exact for Parquet (its metadata), estimated for CSV from the
    file's size and the length of its first lines, 0 for other formats (never DuckDB)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:  # a broken file: the loader reports it in Danish
            return 0
    if suffix == ".csv":
        head = _head(path)
        lines = head.count(b"\n")
        return 0 if not lines else int(path.stat().st_size / (len(head) / lines)) - 1
    return 0


class Register:
    """One ydelser file opened in DuckDB, with its compact panel per set of citizens (`panel`)."""

    def __init__(
        self, path: Path, reader: str, types: dict[str, tuple[str, str]], columns: dict[str, tuple[str, str]],
        settings: Duckdb, start_week: dt.date, database: Path | None = None, read_only: bool = False,
    ):
        import duckdb

        self.path, self.reader, self.columns, self.start_week = path, reader, columns, start_week
        self.types = types  # every column of the file: its name as the contract spells it -> (name, SQL type)
        self.read_only = read_only
        # a private folder (0700) for the database file and what DuckDB spills: in the system's temporary
        # folder, named by the process, so that a later register removes it if the process died without doing
        # so; beside `database` when that is given (a build's data check and its kernels: the build's temporary
        # folder, which the build removes, also when a kernel is stopped without cleaning up)
        _remove_orphans(Path(tempfile.gettempdir()))
        parent = None if database is None else str(database.parent)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent))
        self.database = database or self.folder / "panel.duckdb"
        threads = settings.traade or os.cpu_count() or 1
        self.con = duckdb.connect(str(self.database), read_only=read_only, config={
            "memory_limit": f"{settings.hukommelse_gb:g}GB",
            "threads": threads,
            "temp_directory": str(self.folder / "spill"),
            "preserve_insertion_order": False,
        })
        self._close = weakref.finalize(self, _remove, self.con, self.folder)
        self._panels: dict[str, RegisterPanel] = {}
        self.made: dict[str, str] = {}  # read-only: the tables in the database, by the key of their citizens

    def source(self, rows: bool = False) -> str:
        """The file's rows as a subquery: a CSV file without its blank rows (the loader drops them), and with
        `rows` the row's number as `evalkit_raekke` (Parquet: its position from 1, as the loader numbers
        it; CSV: its position among the rows that are not blank, which `csv_row_numbers` turns into the
        loader's numbers, and only in insertion order: for the few rows a problem names)."""
        if self.path.suffix.lower() == ".parquet":
            if not rows:
                return f"(SELECT * FROM {self.reader})"
            return f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS evalkit_raekke FROM {self.reader[:-1]}, file_row_number=true))"
        names = [name for name, _ in self.types.values()]
        blank = " AND ".join(f"coalesce(trim({_quote(n)}), '') = ''" for n in names)
        plain = f"(SELECT * FROM {self.reader} WHERE NOT ({blank}))"
        return f"(SELECT *, row_number() OVER () AS evalkit_raekke FROM {plain})" if rows else plain

    @staticmethod
    def key(ids: pd.Series | pd.Index) -> tuple[pd.Index, str]:
        """The citizens of `ids` (without missing ids and repeats, in their order) and their SHA-256."""
        citizens = pd.Index(pd.Index(ids).dropna().unique())
        return citizens, hashlib.sha256(pd.util.hash_pandas_object(citizens.to_series(), index=False).to_numpy().tobytes()).hexdigest()

    def close(self) -> None:
        """Close the connection and remove the temporary folder."""
        self._close()

    def panel(self, ids: pd.Series | pd.Index, check: bool = True) -> Borgerpanel:
        """The compact panel for borgere's `ids`, made and checked once per set of ids (`check=False` only
        for tests that compare the engines on data the contract forbids)."""
        citizens, key = self.key(ids)
        if key not in self._panels:
            if self.read_only:  # the build's data check made the table for borgere's ids; a kernel makes none
                if key not in self.made:
                    raise DataError("Datatjekkets DuckDB-tabel over ydelser passer ikke til borgere. Kør evalkit "
                                    "build igen.")
                self._panels = {key: RegisterPanel(self, citizens, self.made[key], made=True)}
                return self._panels[key].for_ids(ids)
            for old in self._panels.values():
                self.con.execute(f"DROP TABLE IF EXISTS {old.table}")
            self._panels = {key: RegisterPanel(self, citizens, f"panel_{key[:12]}", check)}
        return self._panels[key].for_ids(ids)


def distinct_values(register: Register, keys: list[str], counts: bool = False) -> pa.Table:
    """The distinct values of the columns `keys` (named as the contract spells them) in one scan of the file:
    per key, `g_<key>` (0 in the rows of that key) and `<key>`; with `counts`, `n`, the rows of each value."""
    selected, sets = [], []
    for key in keys:
        column = _quote(register.types[key][0])
        selected += [f"GROUPING({column}) AS {_quote('g_' + key)}", f"{column} AS {_quote(key)}"]
        sets.append(f"({column})")
    if counts:
        selected.append("count(*) AS n")
    return _arrow(register.con, f"SELECT {', '.join(selected)} FROM {register.source()} GROUP BY GROUPING SETS ({', '.join(sets)})")


def _remove_orphans(parent: Path) -> None:
    """Remove the register folders (`FOLDER_PREFIX`) in `parent` that this user's processes left when they
    died (a kernel stopped with SIGKILL runs no clean-up); a folder of a living process is left alone."""
    for folder in parent.glob(f"{FOLDER_PREFIX}*"):
        pid = folder.name[len(FOLDER_PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (PermissionError, OSError):
            continue


def _remove(con, folder: Path) -> None:
    try:
        con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RegisterPanel(Borgerpanel):
    """The compact table of one register for a set of citizens, answering as `Borgerpanel`."""

    def __init__(self, register: Register, citizens: pd.Index, table: str, check: bool = True,
                 distinct: pa.Table | None = None, made: bool = False):
        self.register, self.table, self._citizens = register, table, citizens
        self.ids = citizens
        self.categories = np.array(YDELSER, dtype=object)
        self._cache: dict[tuple, tuple[np.ndarray, ...]] = {}
        self._lookups = False
        if made:  # the table is in the register's database already (made and checked by the build's data check)
            return
        try:
            self._materialize(distinct)
        except Exception as exc:  # duckdb.Error: the file cannot be read after all
            raise DataError(f"{register.path.name}: Filen kan ikke læses af DuckDB ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0]}). Kør evalkit validate --data på mappen.") from None
        if check:
            self._check()

    def _materialize(self, distinct: pa.Table | None = None) -> None:
        """The compact table: each distinct value of a text column is read by the loader's own functions
        (`_as_text`, `_code`, `_parse_week`) and the rows join those small tables, so a cell means here what it
        means in memory, and no row is parsed twice. `distinct`: the distinct values, as `distinct_values`
        gives them, when the caller has them."""
        note_load("duckdb-tabel", "ydelser", self.register.database)
        self.register.con.execute(f"CREATE OR REPLACE TABLE {self.table} AS {self.rows_sql(distinct)}")

    def rows_sql(self, distinct: pa.Table | None = None, rows: bool = False) -> str:
        """The query of the compact table's rows (c, d, s; with `rows` also each row's number, `raekke`, as
        `Register.source` gives it). The lookup tables of the text columns' distinct values are made once per
        connection (temporary tables: nothing of them is kept in the database)."""
        con, columns = self.register.con, self.register.columns
        text = {key: _quote(name) for key, (name, kind) in columns.items() if kind == "text"}
        if not self._lookups:
            if distinct is None:  # the distinct values of every text column in one scan (a CSV file is read once)
                distinct = distinct_values(self.register, list(text))
            for key in text:
                raw = distinct.filter(pa.compute.and_(pa.compute.equal(distinct.column(f"g_{key}"), 0),
                                                      pa.compute.is_valid(distinct.column(key)))).column(key)
                values = pa.table({"raw": raw, "value": _read_as_loader(key, raw.to_pandas(), self._citizens)})
                con.register("evalkit_opslag", values)
                try:
                    con.execute(f"CREATE OR REPLACE TEMP TABLE evalkit_{key} AS SELECT * FROM evalkit_opslag")
                finally:
                    con.unregister("evalkit_opslag")
            self._lookups = True
        joins, selected = [], {}
        for key in ("borger_id", "uge", "ydelse"):
            name, kind = columns[key]
            if kind == "date":  # a Parquet date or timestamp: its date, as the loader floors it
                selected[key] = f"CAST(epoch(CAST(r.{_quote(name)} AS DATE)) // 86400 AS INTEGER)"
                continue
            joins.append(f"LEFT JOIN evalkit_{key} ON evalkit_{key}.raw = r.{_quote(name)}")
            selected[key] = f"evalkit_{key}.value"
        return (f"SELECT {selected['borger_id']}::INTEGER AS c, {selected['uge']}::INTEGER AS d, "
                f"{selected['ydelse']}::UTINYINT AS s{', r.evalkit_raekke AS raekke' if rows else ''} "
                f"FROM {self.register.source(rows)} r {' '.join(joins)}")

    def for_ids(self, ids: pd.Series | pd.Index) -> Borgerpanel:
        """This panel answering per citizen of `ids`; for citizens outside its own, the register's panel of them."""
        if not pd.Index(ids).dropna().isin(self._citizens).all():
            return self.register.panel(ids)
        return super().for_ids(ids)

    def _query(self, sql: str, *parameters) -> dict[str, np.ndarray]:
        return self.register.con.execute(sql.format(t=self.table), list(parameters)).fetchnumpy()

    def _check(self) -> None:
        """Refuse a panel that breaks a rule of the data contract the measurements rest on (in Danish, with
        the count of rows or citizens); `evalkit validate` names the rows."""
        start = _day(ns(self.register.start_week))
        rows = self._query(
            "SELECT count(*) FILTER (WHERE c IS NULL) AS uden_id, count(*) FILTER (WHERE c < 0) AS ukendt_id, "
            "count(*) FILTER (WHERE d IS NULL) AS uden_uge, count(*) FILTER (WHERE (d - 4) % 7 <> 0) AS ikke_mandag, "
            f"count(*) FILTER (WHERE d NOT BETWEEN {_DAY_RANGE[0]} AND {_DAY_RANGE[1]}) AS fjern_uge, "
            "count(*) FILTER (WHERE s IS NULL) AS uden_ydelse, "
            f"count(*) FILTER (WHERE s = {UNKNOWN_CODE}) AS ukendt_ydelse FROM {{t}}"
        )
        citizens = self._query(
            "SELECT count(*) FILTER (WHERE at_start = 1 AND n <> (last - ?) // 7 + 1) AS huller, "
            "count(*) FILTER (WHERE at_start = 1) AS med_startuge FROM (SELECT c, count(*) AS n, max(d) AS last, "
            "count(*) FILTER (WHERE d = ?) AS at_start FROM {t} WHERE c >= 0 AND d >= ? GROUP BY c)", start, start, start
        )
        found = {key: int(value[0]) for key, value in {**rows, **citizens}.items()}
        found["uden_startuge"] = len(self._citizens) - found.pop("med_startuge")
        messages = {
            "uden_id": "rækker uden borger_id",
            "ukendt_id": "rækker med et borger_id, der ikke står i borgere",
            "uden_uge": "rækker uden en uge, der kan læses som en dato",
            "ikke_mandag": "rækker, hvis uge ikke er en mandag",
            "fjern_uge": "rækker med en uge urimeligt langt fra forsøgsperioden",
            "uden_ydelse": "rækker uden ydelse",
            "ukendt_ydelse": f"rækker med en ydelse, der ikke er en af kontraktens koder ({', '.join(YDELSER)})",
            "huller": "borgere, der efter startugen mangler uger eller har to rækker i samme uge",
            "uden_startuge": "borgere fra borgere uden en række i startugen",
        }
        problems = [f"{found[key]} {text}" for key, text in messages.items() if found[key]]
        if problems:
            raise DataError(
                f"{self.register.path.name} følger ikke datakontrakten og kan ikke måles: {'; '.join(problems)}. "
                "Kør evalkit validate --data på mappen for at se rækkerne."
            )

    # -- the engine's answers (c is the position in self._citizens)
    def _status_weeks(self, start_ns: int, end_ns: int) -> np.ndarray:
        # one group per citizen with a count per code (grouping by citizen and code instead makes nine times
        # the groups, and DuckDB's aggregation slows down many times over at a million citizens)
        counts = ", ".join(f"count(*) FILTER (WHERE s = {i}) AS n{i}" for i in range(len(YDELSER)))
        found = self._query(f"SELECT c, {counts} FROM {{t}} WHERE c >= 0 AND d BETWEEN ? AND ? GROUP BY c",
                            _day(start_ns, ceil=True), _day(end_ns))
        cells = np.zeros((len(self._citizens), len(YDELSER)), dtype=np.int64)
        cells[found["c"].astype(np.int64)] = np.column_stack([found[f"n{i}"] for i in range(len(YDELSER))])
        return cells

    def _first_exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> tuple[np.ndarray, ...]:
        # two measures ask for the same phase's exits (varighed and afgange): the scan is made once
        key = ("exits", start_ns, end_ns, lag_weeks)
        if key not in self._cache:
            self._cache[key] = self._scan_exits(start_ns, end_ns, lag_weeks)
        return self._cache[key]

    def _scan_exits(self, start_ns: int, end_ns: int, lag_weeks: int) -> tuple[np.ndarray, ...]:
        # an exit: a week in the period not on kontanthjælp whose citizen was on it exactly 7 days earlier (a
        # semi-join: a hash join, no sort); its destination: the status exactly lag_weeks later (-1: none)
        kh = YDELSER.index("kontanthjaelp")
        first, last = _day(start_ns, ceil=True), _day(end_ns)
        found = self._query(
            "WITH e AS (SELECT a.c, a.d FROM {t} a SEMI JOIN "
            f"(SELECT c, d + 7 AS d FROM {{t}} WHERE c >= 0 AND s = {kh} AND d BETWEEN ? - 7 AND ? - 7) p "
            f"ON p.c = a.c AND p.d = a.d WHERE a.c >= 0 AND a.d BETWEEN ? AND ? AND a.s IS DISTINCT FROM {kh}), "
            "f AS (SELECT e.c, e.d, coalesce(CAST(y.s AS INTEGER), -1) AS dest FROM e LEFT JOIN {t} y "
            "      ON y.c = e.c AND y.d = e.d + 7 * ?) "
            "SELECT c, min(d) AS uge, arg_min(dest, d) AS destination, "
            f"min(d) FILTER (WHERE dest >= 0 AND dest <> {kh}) AS uge_talt, "
            f"arg_min(dest, d) FILTER (WHERE dest >= 0 AND dest <> {kh}) AS destination_talt FROM f GROUP BY c",
            first, last, first, last, lag_weeks,
        )
        n, c = len(self._citizens), found["c"].astype(np.int64)
        result = []
        for week, destination in (("uge", "destination"), ("uge_talt", "destination_talt")):
            days, codes = np.ma.getdata(found[week]), np.ma.getmaskarray(found[week])
            weeks = np.full(n, NAT, dtype=np.int64)
            weeks[c[~codes]] = days[~codes].astype(np.int64) * NS_PER_DAY
            target = np.full(n, -1, dtype=np.int16)
            target[c[~codes]] = np.ma.getdata(found[destination])[~codes]
            result += [weeks, target]
        return tuple(result)

    def _last_weeks(self) -> np.ndarray:
        if "last" not in self._cache:
            found = self._query("SELECT c, max(d) AS d FROM {t} WHERE c >= 0 AND d IS NOT NULL GROUP BY c")
            last = np.full(len(self._citizens), NAT, dtype=np.int64)
            last[found["c"].astype(np.int64)] = found["d"].astype(np.int64) * NS_PER_DAY
            self._cache["last"] = (last,)
        return self._cache["last"][0]

    def _status_in_week(self, week_ns: int) -> np.ndarray:
        found = self._query("SELECT c, s FROM {t} WHERE c >= 0 AND d = ?", _day(week_ns))
        status = np.full(len(self._citizens), -1, dtype=np.int16)
        status[found["c"].astype(np.int64)] = found["s"]
        return status

    def rows_in_week(self, monday: dt.date) -> int:
        return int(self._query("SELECT count(*) AS n FROM {t} WHERE d = ?", _day(ns(monday)))["n"][0])


def _day(value_ns: int, ceil: bool = False) -> int:
    """Nanoseconds as days since 1970 (a period's first day rounded up, its last down: rows are at midnight)."""
    return -(-value_ns // NS_PER_DAY) if ceil else value_ns // NS_PER_DAY


# The registers a process has opened, by file and settings: a kernel runs several notebooks on one panel.
_OPEN: dict[tuple, Register] = {}


def open_register(data_dir: Path, settings: Duckdb, start_week: dt.date) -> Register | None:
    """The data folder's ydelser file in DuckDB when the configuration wants it there (`Duckdb.bruges`) and
    DuckDB reads it as the loader does; None otherwise (the panel is then measured in memory)."""
    try:
        path = find_table_file(data_dir, "ydelser")
        stat = path.stat()
    except (DataError, OSError):
        return None  # loading reports the missing or ambiguous file
    if not settings.bruges(rows_in_file(path)):
        return None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, settings, start_week)
    if key not in _OPEN:
        found = readable(path)
        if found is None:
            return None
        for old in _OPEN.values():
            old.close()
        _OPEN.clear()
        _OPEN[key] = Register(path, *found, settings, start_week)
    return _OPEN[key]


def readable(path: Path) -> tuple[str, dict[str, tuple[str, str]], dict[str, tuple[str, str]]] | None:
    """DuckDB's reader of a ydelser file, its columns' names and SQL types, and how the contract's three
    columns are read (`_columns`); None when DuckDB cannot read the file as the loader does."""
    found = _source(path)
    columns = None if found is None else _columns(found[1])
    return None if columns is None else (found[0], found[1], columns)


def uses_duckdb(data_dir: Path, settings: Duckdb) -> Path | None:
    """The data folder's ydelser file when it goes to DuckDB (the rule of `open_register`), else None."""
    try:
        path = find_table_file(data_dir, "ydelser")
    except (DataError, OSError):
        return None
    return path if settings.bruges(rows_in_file(path)) and readable(path) is not None else None


# The build's data check writes the compact table here, in the folder of the checked tables, with a record
# of what it holds (`CHECKED_RECORD`); the kernels open it read-only (`open_checked`).
CHECKED_DATABASE, CHECKED_RECORD = "ydelser.duckdb", "ydelser.duckdb.json"


def open_checked(directory: Path, settings: Duckdb, start_week: dt.date) -> Register | None:
    """The compact ydelser table the build's data check made in `directory`, opened read-only; None when the
    check measured ydelser in memory (then `directory` holds it as a checked Arrow file)."""
    import json

    database = Path(directory) / CHECKED_DATABASE
    if not database.is_file():
        return None
    stat = database.stat()
    key = (str(database.resolve()), stat.st_size, stat.st_mtime_ns, settings, start_week)
    if key not in _OPEN:
        record = json.loads((Path(directory) / CHECKED_RECORD).read_text(encoding="utf-8"))
        for old in _OPEN.values():
            old.close()
        _OPEN.clear()
        register = Register(Path(record["fil"]), "", {}, {}, settings, start_week, database=database, read_only=True)
        register.made = {record["noegle"]: record["tabel"]}
        _OPEN[key] = register
        note_load("duckdb-kontrolleret", "ydelser", database)
    return _OPEN[key]
