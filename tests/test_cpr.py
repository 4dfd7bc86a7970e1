"""Person numbers never leave the input: a CPR-like value in any column of any table, in any of the forms
an analyst's extract may hold it, stops the build before anything is written, and the value itself is
never printed, logged, cached or published."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, small_tables, write_tables

from evalkit.data.contract import cpr_like
from evalkit.data.loading import check_tables


@pytest.mark.parametrize(
    "value",
    ["010203-1234", "010203 1234", "010203\u20131234", "010203\u20141234", "010203\u22121234", "0102031234",
     "Afd. 0102031234", "B0102031234", 102031234, 102031234.0, "102031234"],
)
def test_every_form_of_a_person_number_is_recognised(value):
    assert cpr_like(value)


@pytest.mark.parametrize("value", ["T002", "B00001", "2018-01-01", 1234, 3213901234, "12345678901", "Jobcenter Nord", None])
def test_ordinary_values_are_not(value):
    assert not cpr_like(value)


@pytest.mark.parametrize(
    "table, column, value, fmt",
    [
        ("borgere", "borger_id", "010203 1234", "csv"),
        ("borgere", "borger_id", "010203\u20131234", "csv"),
        ("borgere", "afdeling", "Afdeling 0102031234", "csv"),
        ("sygefravaer", "afdeling", "0102031234", "csv"),
        ("borgere", "borger_id", 102031234, "parquet"),  # an id stored as a number: the leading zero is lost
        ("samtaler", "borger_id", 102031234.0, "xlsx"),
    ],
)
def test_a_person_number_in_any_column_is_refused_by_table_column_and_row(tmp_path, table, column, value, fmt):
    tables = small_tables()
    frame = tables[table]
    if fmt == "parquet":  # a Parquet column has one type: every id a number, one of them CPR-like
        frame[column] = [value if i == 1 else i + 1 for i in range(len(frame))]
    else:
        frame[column] = frame[column].astype(object)
        frame.loc[1, column] = value
    write_tables(tables, tmp_path, fmt=fmt)
    report = check_tables(tmp_path)
    found = [p for p in report.errors if "ligner CPR-numre" in p.message]
    assert [(p.file.stem, p.column, p.count) for p in found] == [(table, column, 1)]
    assert found[0].rows == ((2,) if fmt == "parquet" else (3,))  # a sheet has its header on row 1
    assert "02031234" not in report.describe()


def test_a_build_with_a_person_number_stops_before_anything_is_written_and_never_repeats_it(tmp_path):
    tables = small_tables()
    tables["sygefravaer"].loc[0, "afdeling"] = "010203-1234"
    tables["borgere"].loc[2, "afdeling"] = "Team 0102031234"
    data = write_tables(tables, tmp_path / "data")
    out = tmp_path / "rapport"
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "build", "--data", str(data), "--output", str(out), "--renderer", "pandoc"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 1 and "CPR-numre" in proc.stderr and "afdeling" in proc.stderr
    assert not out.exists()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and data not in p.parents]
    for text in [proc.stdout, proc.stderr, *(p.read_bytes().decode("utf-8", "replace") for p in written)]:
        assert "2031234" not in text
    cached = [p for p in (tmp_path / "rapport-cache").rglob("*.ipynb")]
    assert not [p for p in cached if "sygefravaer" in p.read_text(encoding="utf-8")]
