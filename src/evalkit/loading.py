"""Reading the input tables (CSV in two dialects, Parquet, xlsx) into typed DataFrames.

I/O lives here, at the edge: everything after this module works on clean DataFrames whose columns
and types follow `evalkit.contract`. Every problem is reported in Danish with file, column and
spreadsheet row numbers; nothing here raises anything but `DataError` for bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.contract import FILE_FORMATS, TABLES, Column, Table
from evalkit.errors import DataError

MAX_ROWS_SHOWN = 5
# A CPR number: DDMMYY, optional dash, four digits; day and month must be valid.
_CPR = re.compile(r"^(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}-?\d{4}$")
_TRUE = {"ja", "true", "1", "sand", "j", "yes"}
_FALSE = {"nej", "false", "0", "falsk", "n", "no"}


@dataclass(frozen=True)
class Problem:
    """One broken rule in one column of one file."""

    file: Path
    column: str | None
    rows: tuple[int, ...]
    message: str
    count: int | None = None

    def describe(self) -> str:
        where = f", kolonnen '{self.column}'" if self.column else ""
        text = f"{self.file.name}{where}: {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            total = self.count if self.count is not None else len(self.rows)
            more = f" (i alt {total} rækker)" if total > MAX_ROWS_SHOWN else ""
            text += f" Rækker: {shown}{more}."
        return text


def data_error(problems: list[Problem], data_dir: Path | None = None) -> DataError:
    """One DataError that lists every problem, grouped by file."""
    lines = ["Data overholder ikke datakontrakten" + (f" ({data_dir})" if data_dir else "") + ":"]
    lines += [f"  - {p.describe()}" for p in problems]
    return DataError("\n".join(lines))


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame
    dialect: str  # "international", "dansk", "parquet" or "xlsx"
    first_row: int  # spreadsheet row number of the first data row


def find_table_file(data_dir: Path, name: str) -> Path:
    """The one file that holds table `name` in `data_dir` (NAME.csv, NAME.parquet or NAME.xlsx)."""
    if not data_dir.is_dir():
        raise DataError(f"Datamappen {data_dir} findes ikke.")
    matches = sorted(
        p for p in data_dir.iterdir() if p.is_file() and p.stem.lower() == name and p.suffix.lower() in FILE_FORMATS
    )
    if not matches:
        formats = ", ".join(f"{name}{s}" for s in FILE_FORMATS)
        raise DataError(f"Tabellen '{name}' mangler i {data_dir}: forventede én af filerne {formats}.")
    if len(matches) > 1:
        found = ", ".join(p.name for p in matches)
        raise DataError(f"Tabellen '{name}' findes i flere filer i {data_dir} ({found}); behold kun én.")
    return matches[0]


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise DataError(f"{path.name}: filen ser ud til at være binær og kan ikke læses som CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Danish Excel exports cp1252; every byte sequence decodes as that or latin-1.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def read_raw(path: Path) -> RawTable:
    """Read a file as it is: CSV cells as text, Parquet and xlsx cells as stored."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return RawTable(path, pd.read_parquet(path), "parquet", 1)
        if suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
            return RawTable(path, frame, "xlsx", 2)
        text = _decode(path, path.read_bytes())
    except DataError:
        raise
    except Exception as exc:  # pyarrow, openpyxl and zipfile raise many kinds for broken files
        raise DataError(f"{path.name}: filen kan ikke læses ({type(exc).__name__}).") from None
    header = text.split("\n", 1)[0]
    dialect, sep = ("dansk", ";") if header.count(";") > header.count(",") else ("international", ",")
    try:
        with warnings.catch_warnings():
            # index_col=False keeps pandas from silently turning surplus fields into an index; it warns instead
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                quoting=csv.QUOTE_MINIMAL,
            )
    except pd.errors.ParserWarning:
        raise DataError(
            f"{path.name}: række 2 har flere felter end overskriften. Tjek skilletegn ('{sep}') og anførselstegn."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name}: filen er tom.") from None
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise DataError(
                f"{path.name}: række {line} har {saw} felter, men overskriften har {expected}. "
                f"Tjek skilletegn ('{sep}') og anførselstegn."
            ) from None
        raise DataError(f"{path.name}: filen kan ikke læses som CSV ({exc}).") from None
    return RawTable(path, frame, dialect, 2)


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text; dates from Parquet/xlsx become ISO dates, missing cells ''."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("")
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return series.fillna("").str.strip()

    def one(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            return ""
        if isinstance(value, (dt.datetime, pd.Timestamp)):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        return str(value).strip()

    return series.map(one).astype(str)


def _parse_number(text: pd.Series, dialect: str) -> pd.Series:
    if dialect == "dansk":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


def _parse_date(text: pd.Series) -> pd.Series:
    result = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    for fmt in ("%d-%m-%Y", "%d.%m.%Y"):
        missing = result.isna() & (text != "")
        if not missing.any():
            break
        result = result.fillna(pd.to_datetime(text.where(missing), format=fmt, errors="coerce"))
    return result.astype("datetime64[ns]")


def _parse_week(text: pd.Series) -> pd.Series:
    iso_week = text.str.fullmatch(r"\d{4}-W\d{2}")
    result = _parse_date(text.where(~iso_week, ""))
    if iso_week.any():
        weeks = pd.to_datetime(text.where(iso_week) + "-1", format="%G-W%V-%u", errors="coerce")
        result = result.fillna(weeks.astype("datetime64[ns]"))
    return result


def _parse_month(text: pd.Series) -> pd.Series:
    result = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    # xlsx may store a month as a full date on the first day
    result = result.fillna(pd.to_datetime(text.where(text.str.endswith("-01")), format="%Y-%m-%d", errors="coerce"))
    return result.astype("datetime64[ns]")


def flag_rows(
    problems: list[Problem], path: Path, first_row: int, column: str, mask: pd.Series, message: str
) -> None:
    """Record a problem for the rows where `mask` holds, by spreadsheet row number."""
    if mask.any():
        positions = np.flatnonzero(mask.to_numpy())
        rows = tuple(int(p) + first_row for p in positions[:MAX_ROWS_SHOWN])
        problems.append(Problem(path, column, rows, message, count=len(positions)))


class _ColumnChecker:
    """Parses one column and records its problems."""

    def __init__(self, raw: RawTable, problems: list[Problem]):
        self.raw = raw
        self.problems = problems

    def flag_rows(self, column: str, mask: pd.Series, message: str) -> None:
        flag_rows(self.problems, self.raw.path, self.raw.first_row, column, mask, message)

    def parse(self, col: Column, text: pd.Series) -> pd.Series:
        empty = text == ""
        if not col.nullable:
            self.flag_rows(col.name, empty, "værdien mangler.")
        present = ~empty
        if col.kind == "string":
            return text.where(present)
        if col.kind == "code":
            canonical = {c.lower(): c for c in col.codes}
            value = text.str.lower().map(canonical)
            bad = present & value.isna()
            if bad.any():
                examples = ", ".join(repr(v) for v in sorted(set(text[bad]))[:5])
                allowed = ", ".join(col.codes)
                self.flag_rows(col.name, bad, f"ukendt kode ({examples}); tilladte koder: {allowed}.")
            return value
        if col.kind == "flag":
            lowered = text.str.lower()
            value = pd.Series(np.where(lowered.isin(_TRUE), True, False), index=text.index)
            self.flag_rows(
                col.name, present & ~lowered.isin(_TRUE | _FALSE), "forventede ja/nej (eller true/false, 1/0)."
            )
            return value
        if col.kind in ("integer", "decimal"):
            value = _parse_number(text, self.raw.dialect)
            bad = present & value.isna()
            self.flag_rows(col.name, bad, "er ikke et tal.")
            if col.kind == "integer":
                self.flag_rows(col.name, present & ~bad & (value % 1 != 0), "skal være et helt tal.")
            if col.minimum is not None:
                self.flag_rows(col.name, value < col.minimum, f"må ikke være mindre end {col.minimum:g}.")
            if col.strictly_positive:
                self.flag_rows(col.name, value <= 0, "skal være større end 0.")
            return value
        parser = {"date": _parse_date, "week": _parse_week, "month": _parse_month}[col.kind]
        value = parser(text)
        expected = {
            "date": "en dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
            "week": "en uge (mandagens dato eller ÅÅÅÅ-Wuu)",
            "month": "en måned (ÅÅÅÅ-MM)",
        }[col.kind]
        self.flag_rows(col.name, present & value.isna(), f"forventede {expected}.")
        if col.kind == "week":
            self.flag_rows(col.name, value.notna() & (value.dt.day_of_week != 0), "datoen er ikke en mandag.")
        return value


def coerce_table(table: Table, raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Check `raw` against the contract's columns and convert it to typed columns."""
    problems: list[Problem] = []
    frame = raw.frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in table.column_names if c not in frame.columns]
    if missing:
        names = ", ".join(missing)
        problems.append(Problem(raw.path, None, (), f"mangler kolonnerne {names}."))
        return pd.DataFrame(), problems
    if frame.columns.duplicated().any():
        dup = ", ".join(sorted(set(frame.columns[frame.columns.duplicated()])))
        problems.append(Problem(raw.path, None, (), f"kolonnerne {dup} forekommer mere end én gang."))
        return pd.DataFrame(), problems
    checker = _ColumnChecker(raw, problems)
    out = {}
    for col in table.columns:
        out[col.name] = checker.parse(col, _as_text(frame[col.name]).reset_index(drop=True))
    result = pd.DataFrame(out)
    if "borger_id" in result:
        looks_like_cpr = result["borger_id"].fillna("").str.match(_CPR)
        checker.flag_rows(
            "borger_id",
            looks_like_cpr,
            "værdier ligner CPR-numre. Personnumre må ikke indgå: pseudonymisér id'erne, før data lægges ind.",
        )
    if table.key and not problems:
        dup = result.duplicated(subset=list(table.key), keep=False)
        checker.flag_rows(", ".join(table.key), dup, "nøglen forekommer mere end én gang.")
    return result, problems


def _check_references(
    tables: dict[str, pd.DataFrame], sources: dict[str, tuple[Path, int]], problems: list[Problem]
) -> None:
    borgere = tables.get("borgere")
    if borgere is None:
        return
    for gruppe in ("forsoeg", "kontrol"):
        if not (borgere["gruppe"] == gruppe).any():
            problems.append(Problem(sources["borgere"][0], "gruppe", (), f"gruppen '{gruppe}' har ingen borgere."))
    known = set(borgere["borger_id"])
    for name, frame in tables.items():
        if TABLES[name].references_borgere:
            unknown = ~frame["borger_id"].isin(known)
            flag_rows(problems, *sources[name], "borger_id", unknown, "borger_id findes ikke i borgere.")


def load_tables(data_dir: str | Path, names: list[str] | tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """Load and check the named tables (all seven by default); raise one DataError listing all problems."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"Datamappen {data_dir} findes ikke.")
    wanted = list(TABLES if names is None else names)
    if "borgere" not in wanted and any(TABLES[n].references_borgere for n in wanted):
        wanted = ["borgere", *wanted]
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, tuple[Path, int]] = {}  # file and first data row, for row numbers in messages
    for name in wanted:
        try:
            path = find_table_file(data_dir, name)
            raw = read_raw(path)
        except DataError as exc:
            problems.append(Problem(data_dir / name, None, (), str(exc)))
            continue
        frame, found = coerce_table(TABLES[name], raw)
        problems += found
        if not found:
            tables[name], sources[name] = frame, (path, raw.first_row)
    if not problems:
        _check_references(tables, sources, problems)
    if problems:
        raise data_error(problems, data_dir)
    return tables
