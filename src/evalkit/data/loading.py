"""Reading the input tables (CSV in two dialects, Parquet, xlsx) into typed DataFrames.

I/O lives here, at the edge: everything after this module works on clean DataFrames whose columns
and types follow `evalkit.data.contract`. This module does by hand what a schema library cannot: find the
one file of each table; read CSV in both dialects (separator, decimal comma and thousands point, UTF-8
or cp1252/latin-1), Parquet and xlsx; refuse empty, binary, ragged and mixed-encoding files; match
column names; parse every cell into its type; and refuse CPR numbers. The values are then checked by
`evalkit.data.validation` (pandera). Every problem is reported in Danish with file, column and spreadsheet
row numbers; nothing here raises anything but `DataError` (or `ConfigError`) for bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from evalkit import paths
from evalkit.config import Config, load_config
from evalkit.data.contract import TABLES, Column, Table, find_table_file, looks_like_cpr, tables_read
from evalkit.data.kontrolleret import note_load
from evalkit.data.panel import per_value
from evalkit.data.validation import Problem, Report, Source, TypedTable, validate
from evalkit.errors import DataError

__all__ = ["Problem", "Report", "check_tables", "find_table_file", "load_tables", "read_checked", "read_raw"]

_TRUE = {"ja", "true", "1", "sand", "j", "yes"}
_FALSE = {"nej", "false", "0", "falsk", "n", "no"}
# A Danish number: digits with an optional thousands point in groups of three, an optional decimal comma.
_DANISH_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d*)(,\d+)?$")
_TIMESTAMP_RANGE = (pd.Timestamp.min, pd.Timestamp.max)  # what a datetime64[ns] column can hold


class UnreadableFile(DataError):
    """A file that cannot be read as a table at all."""

    def __init__(
        self, path: Path, message: str, rows: tuple[int, ...] = (), count: int | None = None, column: str | None = None
    ):
        super().__init__(f"{path.name}: {message}")
        self.problem = Problem(path, column, rows, message, count)


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame
    rows: np.ndarray  # spreadsheet row number of each data row (Parquet: its position from 1)
    dialect: str  # "international", "dansk", "parquet" or "xlsx"


def _decode(path: Path, raw: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else cp1252/latin-1; anything else refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(path, "Filen er gemt som UTF-16 (\"Unicode-tekst\"). Gem den som CSV i UTF-8 eller "
                                   "som almindelig CSV fra Excel.")
    if raw.startswith(b"PK\x03\x04"):
        raise UnreadableFile(path, "Filen er en Excel- eller zip-fil med endelsen .csv. Gem den som CSV, eller "
                                   "giv den endelsen .xlsx, hvis det er en Excel-fil.")
    if raw.startswith(b"PAR1"):
        raise UnreadableFile(path, "Filen er en Parquet-fil med endelsen .csv. Giv den endelsen .parquet.")
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(path, "Filen ser ud til at være binær og kan ikke læses som CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if any(ord(c) > 127 and c != "\ufffd" for c in raw.decode("utf-8", errors="replace")):
        # valid UTF-8 letters beside bytes that are not UTF-8: two encodings in one file
        bad = [i for i, line in enumerate(raw.split(b"\n"), start=1) if not _is_utf8(line)]
        raise UnreadableFile(
            path,
            "Filen blander tegnsæt: det meste er UTF-8, men nogle rækker er gemt som Windows-1252/latin-1 "
            "(fx æ, ø og å). Gem hele filen i ét tegnsæt, helst UTF-8.",
            tuple(bad[:5]),
            len(bad),
        )
    # Danish Excel exports cp1252; every byte sequence decodes as that or latin-1.
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: Path, raw: bytes) -> RawTable:
    """CSV cells as text, each data row with its spreadsheet row number (blank lines count, as in Excel)."""
    text = _decode(path, raw)
    if not text.strip():
        raise UnreadableFile(path, "Filen er tom.")
    header_line = text.split("\n", 1)[0]
    dialect, sep = ("dansk", ";") if header_line.count(";") > header_line.count(",") else ("international", ",")
    parsed = _read_plain(text, sep) if '"' not in text else None
    frame, rows = parsed if parsed is not None else _read_quoted(path, text, sep)
    if not any(str(c).strip() for c in frame.columns):
        raise UnreadableFile(path, "Første række skal være overskriften med kolonnenavnene, men den er tom.", (1,))
    return RawTable(path, frame, rows, dialect)


def _without_blank_rows(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop blank rows (blank lines, rows of separators only, empty spreadsheet rows); the others keep
    their row numbers."""
    blank = np.ones(len(frame), bool)
    for i in range(frame.shape[1]):
        blank &= (_as_text(frame.iloc[:, i]) == "").to_numpy()
    if blank.any():
        frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    return frame, rows


def _read_plain(text: str, sep: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The fast path for the common file without quotes, where a line is a record: pandas' C parser,
    after checking that every line has as many fields as the header. None for anything irregular,
    which `_read_quoted` then reads and diagnoses."""
    lines = pd.Series(text.splitlines(), dtype=str)
    blank = lines.str.strip() == ""
    fields = lines.str.count(re.escape(sep)) + 1
    if blank.iloc[0] or not (fields[~blank] == fields.iloc[0]).all():
        return None
    frame = pd.read_csv(
        io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False, na_filter=False,
        skip_blank_lines=False, quoting=csv.QUOTE_NONE, index_col=False,
    )
    if len(frame) != len(lines) or frame.shape[1] != fields.iloc[0]:
        return None
    header = list(frame.iloc[0])
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return _without_blank_rows(frame, np.arange(2, len(lines) + 1))


def _read_quoted(path: Path, text: str, sep: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Any CSV, by the standard csv module (quoted fields, line breaks inside them), with ragged rows
    reported by their spreadsheet row numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error as exc:
        reason = "filen indeholder binære tegn (NUL)" if "NUL" in str(exc) else "tjek anførselstegnene"
        raise UnreadableFile(path, f"Filen kan ikke læses som CSV: {reason}.", (reader.line_num,)) from None
    if not any(field.strip() for field in records[0]):
        raise UnreadableFile(path, "Første række skal være overskriften med kolonnenavnene, men den er tom.", (1,))
    width = len(records[0])
    lengths = np.fromiter(map(len, records), dtype=int, count=len(records))
    for i in np.flatnonzero(lengths != width):
        if not any(field.strip() for field in records[i]):
            lengths[i] = 0  # a blank line, or one of spaces
        elif len(records[i]) > width and not any(field.strip() for field in records[i][width:]):
            records[i] = records[i][:width]  # surplus empty fields, as spreadsheet exports sometimes add
            lengths[i] = width
    row_numbers = np.arange(1, len(records) + 1)
    ragged = (lengths != width) & (lengths > 0)
    if ragged.any():
        first = int(np.flatnonzero(ragged)[0])
        raise UnreadableFile(
            path,
            f"Rækker har et andet antal felter end overskriften, som har {width}; fx har række {first + 1} "
            f"{lengths[first]} felter. Tjek skilletegn ('{sep}') og anførselstegn.",
            tuple(int(r) for r in row_numbers[ragged][:5]),
            int(ragged.sum()),
        )
    keep = lengths == width
    keep[0] = False
    kept = [records[i] for i in np.flatnonzero(keep)]
    frame = pd.DataFrame(kept, columns=range(width), dtype=str) if kept else pd.DataFrame(columns=range(width), dtype=str)
    frame.columns = records[0]
    return _without_blank_rows(frame, row_numbers[keep])


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file as a DataFrame of the cells as stored, typed by the file's Arrow schema.

    pandas' own metadata is ignored (a column rewritten by another tool may no longer match it); old
    INT96 timestamps are read in milliseconds, because in nanoseconds a date such as 9999-12-31 (a common
    "open end") silently wraps to another date; date columns (date32/date64) become datetime64, so that
    they take the vectorised path (`_as_datetime`) like timestamp columns; text stored as plain binary is
    read as UTF-8. A nested column (lists, structs, maps) is refused by name.
    """
    table = pq.read_table(path, coerce_int96_timestamp_unit="ms")
    nested = [field.name for field in table.schema if pa.types.is_nested(field.type)]
    if nested:
        names = ", ".join(nested)
        raise UnreadableFile(
            path,
            "Hver celle rummer en liste eller en struktur af værdier, men en tabel må kun have én værdi i hver "
            "celle: tekst, et tal eller en dato. Gem de data som almindelige kolonner.",
            column=names,
        )
    for i, field in enumerate(table.schema):
        if pa.types.is_date(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.timestamp("ms")))
        elif pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type):
            try:
                table = table.set_column(i, field.name, table.column(i).cast(pa.large_string()))
            except pa.ArrowInvalid:
                raise UnreadableFile(
                    path, "Kolonnen er gemt som binære data og kan ikke læses som tekst (UTF-8).", column=field.name
                ) from None
    return table.to_pandas(ignore_metadata=True)


def _file_size(size: int) -> str:
    """A file's size rounded up, in kB below a megabyte and in MB with the Danish thousands point above:
    '12 kB', '1.001 MB'."""
    if size < 1e6:
        return f"{math.ceil(size / 1e3)} kB"
    return f"{math.ceil(size / 1e6):,} MB".replace(",", ".")


def _limit(megabytes: float) -> str:
    """The configured limit as written, in Danish notation: '1.000 MB', '2,5 MB'."""
    if float(megabytes).is_integer():
        return f"{int(megabytes):,} MB".replace(",", ".")
    return f"{megabytes:g} MB".replace(".", ",")


def _check_size(path: Path, max_mb: float | None) -> None:
    """Refuse, before reading it, a file larger than `max_mb` megabytes (an xlsx file by its unpacked
    size, which is what the reader holds in memory)."""
    if max_mb is None:
        return
    size, unpacked = path.stat().st_size, ""
    if path.suffix.lower() == ".xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                size, unpacked = sum(info.file_size for info in archive.infolist()), " udpakket"
        except (zipfile.BadZipFile, OSError):
            return  # reading it reports the broken file
    if size > max_mb * 1e6:
        raise UnreadableFile(
            path,
            f"Filen fylder {_file_size(size)}{unpacked}, mere end grænsen på {_limit(max_mb)} "
            "(data.maks_filstoerrelse_mb i konfigurationsfilen), og er derfor ikke læst. Hæv grænsen, hvis "
            "maskinen har hukommelse til det: kontrollen af en CSV-fil bruger 10 til 20 gange filens "
            "størrelse.",
        )


def read_raw(path: Path, max_mb: float | None = None) -> RawTable:
    """Read a file as it is: CSV cells as text, Parquet and xlsx cells as stored. A file larger than
    `max_mb` megabytes is refused before it is read."""
    suffix = path.suffix.lower()
    kinds = {".parquet": "Parquet-fil", ".xlsx": "Excel-fil (xlsx)", ".csv": "fil"}
    try:
        if path.stat().st_size == 0:
            raise UnreadableFile(path, "Filen er tom.")
        _check_size(path, max_mb)
        if suffix == ".parquet":
            frame = _read_parquet(path)
            return RawTable(path, frame, np.arange(1, len(frame) + 1), "parquet")
        if suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
            return RawTable(path, *_without_blank_rows(frame, np.arange(2, len(frame) + 2)), dialect="xlsx")
        raw = path.read_bytes()
    except UnreadableFile:
        raise
    except PermissionError:
        raise UnreadableFile(path, "evalkit har ikke adgang til at læse filen. Tjek filens rettigheder.") from None
    except MemoryError:
        raise UnreadableFile(
            path, f"Der er ikke hukommelse nok til at læse filen ({_file_size(path.stat().st_size)}). Luk andre "
                  "programmer, eller brug en maskine med mere hukommelse."
        ) from None
    except Exception as exc:  # pyarrow, openpyxl, zipfile and the OS raise many kinds for broken files
        raise UnreadableFile(
            path, f"Filen kan ikke læses som {kinds[suffix]}; den er beskadiget eller har et andet format "
                  f"({type(exc).__name__})."
        ) from None
    return _read_csv(path, raw)


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
        # "2.68" is no Danish number (a point only groups thousands): left unparsed rather than read as 268
        danish = text.str.match(_DANISH_NUMBER)
        text = text.where(danish, "x").str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    value = pd.to_numeric(text.where(text != ""), errors="coerce")
    return value.where(np.isfinite(value.astype(float)))


def _to_ns(value: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as datetime64[ns], and which parsed dates lie beyond what that can hold (years 1678-2261)."""
    beyond = value.notna() & ~value.between(*_TIMESTAMP_RANGE)
    return value.where(~beyond).astype("datetime64[ns]"), beyond


def _parse_date(text: pd.Series) -> pd.Series:
    result = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    for fmt in ("%d-%m-%Y", "%d.%m.%Y"):
        missing = result.isna() & (text != "")
        if not missing.any():
            break
        result = result.fillna(pd.to_datetime(text.where(missing), format=fmt, errors="coerce"))
    return result


def _parse_week(text: pd.Series) -> pd.Series:
    iso_week = text.str.fullmatch(r"\d{4}-W\d{2}")
    result = _parse_date(text.where(~iso_week, ""))
    if iso_week.any():
        weeks = pd.to_datetime(text.where(iso_week) + "-1", format="%G-W%V-%u", errors="coerce")
        result = result.fillna(weeks.astype(result.dtype))
    return result


def _parse_month(text: pd.Series) -> pd.Series:
    result = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    # xlsx may store a month as a full date on the first day
    return result.fillna(pd.to_datetime(text.where(text.str.endswith("-01")), format="%Y-%m-%d", errors="coerce"))


def _as_datetime(cells: pd.Series) -> pd.Series:
    """Datetime cells as the dates they hold: what formatting them as ISO dates (`_as_text`) and parsing
    that (`_parse_date`, `_parse_week`) gives, without the round trip through text."""
    if cells.dt.tz is not None:
        cells = cells.dt.tz_localize(None)  # the local date, as strftime gives it
    return cells.dt.floor("D")


def _code(col: Column, text: pd.Series) -> pd.Series:
    """Codes matched whatever their case; an unknown code stays as written for validation to name."""
    canonical = {c.lower(): c for c in col.codes}
    return text.str.lower().map(canonical).fillna(text).where(text != "")


CPR_MESSAGE = (
    "Værdier ligner CPR-numre, og personnumre må ikke indgå: id'erne skal pseudonymiseres og andre personnumre "
    "fjernes, før data lægges i mappen. Værdierne vises ikke her."
)
BEYOND_MESSAGE = "Datoen ligger urimeligt langt fra forsøgsperioden."

_EXPECTED = {
    "date": "en dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "week": "en uge (mandagens dato eller ÅÅÅÅ-Wuu)",
    "month": "en måned (ÅÅÅÅ-MM)",
}


class _CellParser:
    """Parses the cells of one column into its type and reports the cells that are no value of it."""

    def __init__(self, raw: RawTable, source: Source, problems: list[Problem]):
        self.raw = raw
        self.source = source
        self.problems = problems
        self.unparsed: dict[str, np.ndarray] = {}

    def _bad(self, column: str, mask: pd.Series, message: str) -> None:
        self.source.flag(self.problems, column, mask, message)
        self.unparsed[column] = self.unparsed.get(column, np.zeros(len(mask), bool)) | mask.to_numpy(bool)

    def parse_cells(self, col: Column, cells: pd.Series) -> pd.Series:
        """The column's values from its raw cells: datetime cells (Parquet, xlsx) of a date or week column
        directly, everything else through its text (`_as_text`)."""
        cells = cells.reset_index(drop=True)
        if col.kind in ("date", "week") and pd.api.types.is_datetime64_any_dtype(cells):
            self.unparsed[col.name] = np.zeros(len(cells), bool)
            value, beyond = _to_ns(_as_datetime(cells))
            self._bad(col.name, beyond, BEYOND_MESSAGE)
            return value
        return self.parse(col, _as_text(cells))

    def parse(self, col: Column, text: pd.Series) -> pd.Series:
        self.unparsed[col.name] = np.zeros(len(text), bool)
        present = text != ""
        if col.kind == "string":
            return text.where(present)
        if col.kind == "code":
            return per_value(text, lambda t: _code(col, t))
        if col.kind == "flag":
            lowered = text.str.lower()
            self._bad(col.name, present & ~lowered.isin(_TRUE | _FALSE), "Forventede ja/nej (eller true/false, 1/0).")
            return pd.Series(lowered.isin(_TRUE), dtype="boolean").where(present)
        if col.kind in ("integer", "decimal"):
            value = _parse_number(text, self.raw.dialect)
            format_hint = " i dansk format (decimalkomma, evt. punktum som tusindtalsseparator)" if self.raw.dialect == "dansk" else ""
            self._bad(col.name, present & value.isna(), f"Værdien er ikke et tal{format_hint}.")
            return value
        parser = {"date": _parse_date, "week": _parse_week, "month": _parse_month}[col.kind]
        value, beyond = _to_ns(parser(text))
        self._bad(col.name, present & value.isna() & ~beyond, f"Forventede {_EXPECTED[col.kind]}.")
        self._bad(col.name, beyond, BEYOND_MESSAGE)
        return value


def parse_table(table: Table, raw: RawTable) -> tuple[TypedTable | None, list[Problem]]:
    """Match `raw`'s columns to the contract's and parse every cell into its type (no value checks yet:
    those are `evalkit.data.validation`'s). None when the columns do not fit."""
    problems: list[Problem] = []
    source = Source(raw.path, raw.rows)
    frame = raw.frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in table.column_names if c not in frame.columns]
    if missing:
        names = ", ".join(missing)
        text = f"Kolonnen {names} mangler." if len(missing) == 1 else f"Kolonnerne {names} mangler."
        text += f" Tabellen skal have kolonnerne {', '.join(table.column_names)}."
        if len(frame.columns) == 1 and raw.dialect in ("dansk", "international"):
            text += " Filen har kun én kolonne: er skilletegnet komma eller semikolon?"
        problems.append(Problem(raw.path, None, (), text))
        return None, problems
    if frame.columns.duplicated().any():
        dup = ", ".join(sorted(set(frame.columns[frame.columns.duplicated()])))
        problems.append(Problem(raw.path, None, (), f"Kolonnen {dup} forekommer mere end én gang."))
        return None, problems
    for name in frame.columns:  # every column, also those the contract does not use
        source.flag(
            problems,
            str(name),
            looks_like_cpr(frame[name].reset_index(drop=True)),
            CPR_MESSAGE,
        )
    parser = _CellParser(raw, source, problems)
    columns = {}
    for col in table.columns:  # each raw column is let go once parsed: a panel's raw and typed frames
        columns[col.name] = parser.parse_cells(col, frame.pop(col.name))  # need not be whole at once
    return TypedTable(table.name, pd.DataFrame(columns), source, parser.unparsed), problems


def _finish(table: TypedTable) -> pd.DataFrame:
    """The frame callers get: flags as plain booleans (they have no missing values once valid)."""
    frame = table.frame
    for col in TABLES[table.name].columns:
        if col.kind == "flag":
            frame[col.name] = frame[col.name].fillna(False).astype(bool)
    return frame


def _config(config: Config | str | Path | None) -> Config:
    if isinstance(config, Config):
        return config
    return load_config(config or paths.default_config())


def _parse_tables(data_dir: Path, names: list[str], config: Config) -> tuple[dict[str, TypedTable], list[Problem]]:
    """Read and parse each named table into its types, with the problems found so far."""
    problems: list[Problem] = []
    typed: dict[str, TypedTable] = {}
    for name in names:
        try:
            path = find_table_file(data_dir, name)
            raw = read_raw(path, config.maks_filstoerrelse_mb)
            note_load("raa", name, path)
        except UnreadableFile as exc:
            problems.append(exc.problem)
            continue
        except DataError as exc:
            problems.append(Problem(data_dir / name, None, (), str(exc)))
            continue
        table, found = parse_table(TABLES[name], raw)
        del raw  # the cells as read: freed before the next file is read
        problems += found
        if table is not None:
            typed[name] = table
    return typed, problems


def _data_dir(data_dir: str | Path) -> Path:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"Datamappen {data_dir} findes ikke.")
    return data_dir


def check_tables(
    data_dir: str | Path, names: list[str] | tuple[str, ...] | None = None, config: Config | str | Path | None = None,
    register_dir: Path | None = None,
) -> Report:
    """Read, parse and check the named tables (all seven by default) against every rule of the contract.

    `config` is the trial configuration (a `Config` or its file; the project's `forsoeg.yml` by default):
    its start date and periods are part of the rules. A ydelser that goes to DuckDB (`data.duckdb_over_raekker`)
    is checked there, out of core, with the same rules and messages (`evalkit.data.duckdb_tjek`), and is not
    among the report's tables but its `registers`; with `register_dir`, its compact DuckDB table is kept
    there for the measurements (a build's temporary folder), else nothing of it is kept.
    """
    data_dir = _data_dir(data_dir)
    config = _config(config)
    wanted = tables_read(list(TABLES if names is None else names))
    large = None
    if "ydelser" in wanted:
        from evalkit.data.duckdb_panel import uses_duckdb  # duckdb: only when ydelser is checked

        large = uses_duckdb(data_dir, config.duckdb)
    typed, problems = _parse_tables(data_dir, [n for n in wanted if large is None or n != "ydelser"], config)
    registers, found = {}, []
    if large is not None:
        from evalkit.data import duckdb_tjek

        try:
            found, registers["ydelser"] = duckdb_tjek.check(large, typed.get("borgere"), config, register_dir)
            note_load("regler-duckdb", "ydelser", large)
        except duckdb_tjek.NotReadable:  # DuckDB found what it cannot read as the loader does: in memory
            more, problems_more = _parse_tables(data_dir, ["ydelser"], config)
            typed.update(more)
            problems += problems_more
    problems += validate(typed, config) + found
    for name, table in typed.items():
        note_load("regler", name, table.source.path)
    return Report(data_dir, {name: _finish(t) for name, t in typed.items()}, problems, registers)


def read_checked(data_dir: str | Path, names: list[str] | tuple[str, ...], config: Config) -> dict[str, pd.DataFrame]:
    """The named tables (only those) read and parsed into their types like `check_tables` does, without
    the contract's value rules: for files that passed `check_tables` before with the same configuration
    and code, as a build's cache knows. A problem found anyway raises a DataError."""
    typed, problems = _parse_tables(_data_dir(data_dir), list(names), config)
    report = Report(Path(data_dir), {name: _finish(t) for name, t in typed.items()}, problems)
    if report.errors:
        raise DataError(report.describe())
    return report.tables


def load_tables(
    data_dir: str | Path, names: list[str] | tuple[str, ...] | None = None, config: Config | str | Path | None = None
) -> dict[str, pd.DataFrame]:
    """Load and check the named tables (all seven by default); raise one DataError listing all errors.

    Warnings do not stop loading (`evalkit validate` shows them).
    """
    report = check_tables(data_dir, names, config)
    if report.errors:
        raise DataError(report.describe())
    return report.tables
