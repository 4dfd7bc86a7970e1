"""Loading all seven tables from CSV (both dialects), Parquet and xlsx, and Danish errors for bad files."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import small_tables, write_tables

from evalkit.data.contract import TABLES
from evalkit.data.loading import load_tables
from evalkit.errors import DataError


def _assert_same(loaded: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert set(loaded) == set(TABLES)
    for name, frame in expected.items():
        got = loaded[name]
        assert list(got.columns) == list(TABLES[name].column_names)
        assert len(got) == len(frame), name
        for col in frame.columns:
            left, right = got[col].reset_index(drop=True), frame[col].reset_index(drop=True)
            if pd.api.types.is_datetime64_any_dtype(right):
                assert (left.fillna(pd.Timestamp(0)) == right.astype("datetime64[ns]").fillna(pd.Timestamp(0))).all(), (name, col)
            elif pd.api.types.is_float_dtype(right):
                assert (left - right).abs().max() < 1e-9, (name, col)
            else:
                assert list(left.astype(str)) == list(right.astype(str)), (name, col)


@pytest.mark.parametrize(
    "fmt,danish,encoding",
    [
        ("csv", False, "utf-8"),
        ("csv", False, "utf-8-sig"),
        ("csv", True, "cp1252"),
        ("csv", True, "utf-8"),
        ("parquet", False, None),
        ("xlsx", False, None),
    ],
)
def test_all_formats_and_dialects_load_the_same_tables(tmp_path, fmt, danish, encoding):
    tables = small_tables()
    write_tables(tables, tmp_path, fmt=fmt, danish=danish, encoding=encoding or "utf-8")
    _assert_same(load_tables(tmp_path), tables)


def test_danish_dialect_reads_decimal_comma_thousands_and_dotted_dates(tmp_path):
    write_tables(small_tables(), tmp_path, danish=True)
    (tmp_path / "borgere.csv").write_bytes(
        "Borger_ID ; gruppe;afdeling;koen;alder;herkomst;offentlig_forsoergelse_aar;kontanthjaelp_siden;ekstra\n"
        "T000;forsoeg;JKI Job og Indsats 6;K;40;dansk;5,25;01.03.2014;x\n"
        "T001;kontrol;Afd. Ø;M;40;ikke-vestlig;0,5;;y\n".encode("cp1252")
    )
    (tmp_path / "ydelser.csv").write_text("borger_id;uge;ydelse\nT000;2018-W01;kontanthjaelp\nT001;01-01-2018;kontanthjaelp\n")
    (tmp_path / "sygefravaer.csv").write_text(
        "afdeling;maaned;fuldtidsansatte;sygedage_kort;sygedage_lang\nJKI Job og Indsats 6;2018-05;1.034,5;10;0,25\n"
    )
    for name in ("virksomhedsplaceringer", "samtaler", "forberedende_planer"):
        (tmp_path / f"{name}.csv").unlink()
    tables = load_tables(tmp_path, ["borgere", "ydelser", "sygefravaer"])
    borgere = tables["borgere"]
    assert borgere.loc[0, "alder"] == 40
    assert borgere.loc[0, "offentlig_forsoergelse_aar"] == 5.25
    assert borgere.loc[0, "kontanthjaelp_siden"] == pd.Timestamp("2014-03-01")
    assert pd.isna(borgere.loc[1, "kontanthjaelp_siden"])
    assert borgere.loc[1, "afdeling"] == "Afd. Ø"  # not a configured department: a warning, which does not stop loading
    assert list(tables["ydelser"]["uge"]) == [pd.Timestamp("2018-01-01")] * 2
    assert tables["sygefravaer"].loc[0, "fuldtidsansatte"] == 1034.5
    assert tables["sygefravaer"].loc[0, "sygedage_lang"] == 0.25


def test_a_point_in_a_danish_number_only_groups_thousands(tmp_path):
    write_tables(small_tables(), tmp_path, danish=True)
    text = (tmp_path / "borgere.csv").read_text().replace("4,50", "4.50", 1)  # an international decimal
    (tmp_path / "borgere.csv").write_text(text)
    with pytest.raises(DataError) as info:
        load_tables(tmp_path, ["borgere"])
    message = str(info.value)
    assert "'offentlig_forsoergelse_aar'" in message and "ikke et tal i dansk format" in message and "Rækker: 2." in message


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    tables = small_tables()
    tables["borgere"].loc[3, "koen"] = "X"
    write_tables(tables, tmp_path)
    lines = (tmp_path / "borgere.csv").read_text().splitlines()
    (tmp_path / "borgere.csv").write_text("\n".join(lines[:2] + ["", ",,,,,,,"] + lines[2:]) + "\n")
    with pytest.raises(DataError, match=r"'koen'.*Rækker: 7\."):
        load_tables(tmp_path, ["borgere"])


def test_quoted_fields_with_separators_and_line_breaks(tmp_path):
    write_tables(small_tables(), tmp_path)
    text = (tmp_path / "borgere.csv").read_text().replace("JKI Job og Indsats 1", '"JKI Job og Indsats 1, ""kontrol""\nanden linje"')
    (tmp_path / "borgere.csv").write_text(text)
    afdeling = load_tables(tmp_path, ["borgere"])["borgere"]["afdeling"]
    assert afdeling.iloc[-1] == 'JKI Job og Indsats 1, "kontrol"\nanden linje'


def _broken(tmp_path, name: str, text: str) -> str:
    write_tables(small_tables(), tmp_path)
    (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_tables(tmp_path)
    return str(info.value)


def test_missing_column_is_named(tmp_path):
    message = _broken(tmp_path, "samtaler", "borger_id,dato\nT000,2018-01-02\n")
    assert "samtaler.csv" in message and "frist" in message and "mangler" in message


def test_unknown_code_names_file_column_and_rows(tmp_path):
    text = small_tables()["borgere"].assign(gruppe=["forsoeg", "kontrol", "forsøg", "kontrol", "kontrol", "kontrol"])
    write_tables({"borgere": text}, tmp_path)
    with pytest.raises(DataError) as info:
        load_tables(tmp_path, ["borgere"])
    message = str(info.value)
    assert "borgere.csv" in message and "'gruppe'" in message and "Ukendt kode" in message and "Rækker: 4" in message


def test_ragged_csv_gives_danish_message(tmp_path):
    message = _broken(tmp_path, "samtaler", "borger_id,dato,frist\nT000,2018-01-02,2018-01-03,extra,more\n")
    assert "samtaler.csv" in message and "felter" in message


def test_binary_file_is_refused(tmp_path):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "ydelser.csv").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(DataError, match="binær"):
        load_tables(tmp_path)


def test_broken_xlsx_is_refused(tmp_path):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "samtaler.csv").unlink()
    (tmp_path / "samtaler.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="samtaler.xlsx"):
        load_tables(tmp_path)


def test_missing_table_and_ambiguous_table(tmp_path):
    write_tables(small_tables(), tmp_path)
    (tmp_path / "samtaler.csv").unlink()
    with pytest.raises(DataError, match="samtaler"):
        load_tables(tmp_path)
    write_tables(small_tables(), tmp_path)
    write_tables({"samtaler": small_tables()["samtaler"]}, tmp_path, fmt="parquet")
    with pytest.raises(DataError, match="flere filer"):
        load_tables(tmp_path)


def test_cpr_like_ids_are_refused_without_echoing_them(tmp_path):
    tables = small_tables()
    tables["borgere"].loc[2, "borger_id"] = "010203-1234"
    tables["ydelser"].loc[tables["ydelser"]["borger_id"] == "T002", "borger_id"] = "010203-1234"
    write_tables(tables, tmp_path)
    with pytest.raises(DataError) as info:
        load_tables(tmp_path)
    message = str(info.value)
    assert "CPR" in message and "pseudonym" in message
    assert "010203" not in message


def test_dangling_ids_and_duplicate_keys(tmp_path):
    tables = small_tables()
    tables["samtaler"].loc[0, "borger_id"] = "UKENDT"
    tables["ydelser"] = pd.concat([tables["ydelser"], tables["ydelser"].head(1)])
    write_tables(tables, tmp_path)
    with pytest.raises(DataError) as info:
        load_tables(tmp_path)
    message = str(info.value)
    assert "ydelser.csv" in message and "Nøglen" in message
