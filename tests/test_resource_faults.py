"""Faults of the machine (a full disk, no permission, a read-only file system) give a Danish message that
names the file and the log, a non-zero exit and no traceback, never "Uventet fejl"; the report is unchanged."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import small_tables, write_tables

from evalkit import cli, paths
from evalkit.bygning import udgivelse
from evalkit.bygning.build import build, log_dir
from evalkit.config import DEFAULT_FILE_SIZE_LIMIT_MB, load_config
from evalkit.data.loading import check_tables
from evalkit.errors import ConfigError, ResourceError, resource_error


@pytest.mark.parametrize(
    "code, words",
    [(errno.ENOSPC, "ikke mere plads på disken"), (errno.EACCES, "ikke lov til"), (errno.EROFS, "kan kun læses")],
)
def test_a_fault_of_the_machine_is_said_in_danish_with_the_file(code, words):
    fault = resource_error(OSError(code, os.strerror(code), "/sti/til/fil"))
    assert isinstance(fault, ResourceError) and words in str(fault) and "/sti/til/fil" in str(fault)
    assert resource_error(OSError(errno.ENOENT, "x")) is None  # not the machine's fault: handled elsewhere


def test_a_full_disk_during_publication_leaves_the_report_and_names_the_log(tmp_path, monkeypatch):
    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "rapport"

    def full(staged, output_dir):
        raise OSError(errno.ENOSPC, "No space left on device", str(output_dir))

    monkeypatch.setattr(udgivelse, "publish", full)
    with pytest.raises(ResourceError) as info:
        build(data, out, faser=["midtvejs"], renderer="pandoc")
    message = str(info.value)
    assert "ikke mere plads på disken" in message and f"Loggen ligger i {log_dir(out) / 'byg.log'}" in message
    assert not out.exists()


def test_the_command_says_it_without_a_traceback(monkeypatch, capsys):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/rapporter")

    monkeypatch.setattr("evalkit.bygning.build.build", refused)
    monkeypatch.setattr("sys.argv", ["evalkit", "build", "--output", "/srv/rapporter/ud"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and "ikke lov til" in err and "/srv/rapporter" in err
    assert "Uventet fejl" not in err and "Traceback" not in err


# --- faults of the input files: dates beyond what a date can hold, nested columns, files too large ---

def _write_borgere(data: Path, column: str, array: pa.Array, int96: bool = False) -> None:
    """Replace borgere.csv by a Parquet file whose `column` holds `array`: Arrow types as another tool
    writes them, without pandas' metadata; timestamps as INT96 when `int96`."""
    table = pa.Table.from_pandas(small_tables()["borgere"], preserve_index=False).replace_schema_metadata(None)
    index = table.schema.get_field_index(column)
    table = table.set_column(index, column, array) if index >= 0 else table.append_column(column, array)
    pq.write_table(table, data / "borgere.parquet", use_deprecated_int96_timestamps=int96)
    (data / "borgere.csv").unlink(missing_ok=True)


def _open_end_dates(n: int) -> list:
    """Start dates on kontanthjælp with rows 2 and 5 (positions 1 and 4) far outside any calendar the
    analysis knows: 9999-12-31, a register's usual "open end", and year 1."""
    dates = [dt.datetime(2014, 3, 1)] * n
    dates[1], dates[4] = dt.datetime(9999, 12, 31), dt.datetime(1, 1, 1)
    return dates


@pytest.mark.parametrize("int96", [False, True])
def test_a_parquet_date_out_of_range_names_only_those_rows(tmp_path, int96):
    data = write_tables(small_tables(), tmp_path / "data")
    n = len(small_tables()["borgere"])
    # INT96 is how Spark and Hive wrote timestamps; read in nanoseconds, 9999-12-31 wraps to 1816
    _write_borgere(data, "kontanthjaelp_siden", pa.array(_open_end_dates(n), pa.timestamp("us")), int96)
    report = check_tables(data)
    assert [(p.column, p.rows) for p in report.problems] == [("kontanthjaelp_siden", (2, 5))], report.describe()
    assert "urimeligt langt fra forsøgsperioden" in report.problems[0].message  # not a wrapped, wrong date


def test_a_parquet_date32_out_of_range_names_only_those_rows(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    n = len(small_tables()["borgere"])
    dates = [d.date() for d in _open_end_dates(n)]
    _write_borgere(data, "kontanthjaelp_siden", pa.array(dates, pa.date32()))
    problems = [p for p in check_tables(data).errors if p.file.name == "borgere.parquet"]
    assert [(p.column, p.rows) for p in problems] == [("kontanthjaelp_siden", (2, 5))]


@pytest.mark.parametrize(
    "column, array",
    [
        ("herkomst", lambda n: pa.array([["dansk"]] * n, pa.list_(pa.string()))),
        ("noter", lambda n: pa.array([{"tekst": "x"}] * n, pa.struct([("tekst", pa.string())]))),  # not in the contract
        ("koder", lambda n: pa.array([[("a", 1)]] * n, pa.map_(pa.string(), pa.int64()))),
    ],
)
def test_a_nested_parquet_column_is_named(tmp_path, column, array):
    data = write_tables(small_tables(), tmp_path / "data")
    n = len(small_tables()["borgere"])
    _write_borgere(data, column, array(n))
    problems = [p for p in check_tables(data).errors if p.file.name == "borgere.parquet"]
    assert len(problems) == 1 and problems[0].column == column
    assert "én værdi i hver celle" in problems[0].describe()


def test_text_stored_as_parquet_binary_is_read_and_checked_for_cpr(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    afdeling = [a.encode() for a in small_tables()["borgere"]["afdeling"]]
    _write_borgere(data, "afdeling", pa.array(afdeling, pa.binary()))
    assert not check_tables(data).errors
    afdeling[1] = "Afd. 010190-1234".encode()
    _write_borgere(data, "afdeling", pa.array(afdeling, pa.binary()))
    problems = check_tables(data).errors
    assert [(p.column, p.rows) for p in problems] == [("afdeling", (2,))] and "CPR" in problems[0].message
    afdeling[1] = b"\xff\xfe"
    _write_borgere(data, "afdeling", pa.array(afdeling, pa.binary()))
    assert [p.column for p in check_tables(data).errors] == ["afdeling"]


def _config_with_limit(tmp_path, megabytes) -> Path:
    text = (paths.default_config()).read_text(encoding="utf-8")
    path = tmp_path / "forsoeg.yml"
    path.write_text(text + f"\ndata:\n  maks_filstoerrelse_mb: {megabytes}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch, fmt):
    data = write_tables(small_tables(), tmp_path / "data", fmt=fmt)
    size = (data / f"samtaler.{fmt}").stat().st_size
    assert size > 100
    config = load_config(_config_with_limit(tmp_path, 0.0001))  # 100 bytes

    def no_reading(*args, **kwargs):
        raise AssertionError("a file over the limit was read")

    for reader in ("pandas.read_excel", "pyarrow.parquet.read_table"):
        monkeypatch.setattr(reader, no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    report = check_tables(data, ["samtaler"], config)
    problem = next(p for p in report.errors if p.file.name == f"samtaler.{fmt}")
    assert "mere end grænsen på 0,0001 MB" in problem.message  # the limit as configured
    assert "data.maks_filstoerrelse_mb" in problem.message and "ikke læst" in problem.message
    if fmt == "xlsx":
        assert "udpakket" in problem.message  # judged by what the reader would hold, not the zip
    else:
        assert f"fylder {-(-size // 1000)} kB" in problem.message


def test_the_default_limit_reads_the_example_and_a_bad_limit_is_a_config_error(tmp_path):
    assert load_config(paths.default_config()).maks_filstoerrelse_mb == DEFAULT_FILE_SIZE_LIMIT_MB
    for bad in ("0", "-5", "nej", "true"):
        with pytest.raises(ConfigError, match="maks_filstoerrelse_mb"):
            load_config(_config_with_limit(tmp_path, bad))
    assert load_config(_config_with_limit(tmp_path, 2.5)).maks_filstoerrelse_mb == 2.5


def test_the_command_refuses_a_large_file_in_danish(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    config = _config_with_limit(tmp_path, 0.0001)
    result = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", "--data", str(data), "--config", str(config)],
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "data.maks_filstoerrelse_mb" in result.stdout + result.stderr
    assert "Uventet fejl" not in result.stderr and "Traceback" not in result.stderr
