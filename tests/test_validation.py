"""`evalkit validate` on a corpus of broken inputs, one defect each, plus warnings, configuration and
the committed example data.

Every case must end with exit 1 and a Danish message grouped under the file it concerns, naming the
column where there is one, and no traceback. The corpus runs in-process (`evalkit.cli.main` with a
patched `sys.argv`) for speed; a few cases also run through a real subprocess.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import EXAMPLE, ROOT, small_tables, write_tables

from evalkit import cli
from evalkit.data.loading import check_tables, load_tables


def with_tables(change: Callable[[dict[str, pd.DataFrame]], object], fmt: str = "csv", danish: bool = False):
    """A data set made by changing the clean tables before writing them."""

    def make(directory: Path) -> None:
        tables = small_tables()
        change(tables)
        write_tables(tables, directory, fmt=fmt, danish=danish)

    return make


def with_files(change: Callable[[Path], object]):
    """A data set made by changing the files of the clean tables."""

    def make(directory: Path) -> None:
        write_tables(small_tables(), directory)
        change(directory)

    return make


def danish_with(edit: Callable[[str], str]):
    """The clean tables in the Danish dialect, with an edit of borgere.csv."""

    def make(directory: Path) -> None:
        write_tables(small_tables(), directory, danish=True)
        path = directory / "borgere.csv"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return make


def edit_line(name: str, line: int, edit: Callable[[str], str], encoding: str = "utf-8"):
    """Change one line (1 = the header) of a CSV file."""

    def change(directory: Path) -> None:
        path = directory / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[line - 1] = edit(lines[line - 1])
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))

    return change


def set_cell(table: str, row: int, column: str, value):
    def change(tables):
        frame = tables[table]
        if isinstance(value, str) or (isinstance(value, float) and frame[column].dtype.kind in "iub"):
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return change


def as_text(table: str, column: str, fmt: str, row: int, value: str):
    """Write `column` as text so that a malformed date, week or month can be put in `row`."""

    def change(tables):
        frame = tables[table]
        frame[column] = frame[column].dt.strftime(fmt).astype(object)
        frame.loc[row, column] = value

    return change


def add_row(table: str, **values):
    def change(tables):
        frame = tables[table]
        row = frame.iloc[[-1]].copy()
        for column, value in values.items():
            row[column] = value
        tables[table] = pd.concat([frame, row], ignore_index=True)

    return change


def drop_row(table: str, borger_id: str, week: int):
    def change(tables):
        frame = tables[table]
        rows = frame.index[frame["borger_id"] == borger_id]
        tables[table] = frame.drop(rows[week]).reset_index(drop=True)

    return change


def replace_id(old: str, new: str, fmt: str = "csv"):
    def make(directory: Path) -> None:
        tables = small_tables()
        for frame in tables.values():
            if "borger_id" in frame:
                frame["borger_id"] = frame["borger_id"].replace(old, new)
        write_tables(tables, directory, fmt=fmt)

    return make


def write(name: str, content: bytes, remove_csv: bool = False):
    def change(directory: Path) -> None:
        if remove_csv:
            (directory / f"{Path(name).stem}.csv").unlink()
        (directory / name).write_bytes(content)

    return change


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def re_encode(name: str, encode: Callable[[str], bytes]):
    def change(directory: Path) -> None:
        path = directory / f"{name}.csv"
        path.write_bytes(encode(path.read_text(encoding="utf-8")))

    return change


def mixed_encoding(text: str) -> bytes:
    lines = text.splitlines()
    lines[1] = lines[1].replace("JKI Job og Indsats 6", "JKI Job og Indsats Ø")
    lines[2] = lines[2].replace("JKI Job og Indsats 6", "JKI Job og Indsats Æ")
    return (lines[0] + "\n" + lines[1] + "\n").encode("utf-8") + lines[2].encode("cp1252") + (
        "\n" + "\n".join(lines[3:]) + "\n"
    ).encode("utf-8")


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], None]
    file: str  # the heading the problem is listed under
    column: str | None  # the column it names, if any
    phrase: str  # part of the Danish message
    errors: int = 1  # problems reported (one defect may show in several files)
    absent: str | None = None  # must never be printed


CPR_DASH, CPR_PLAIN = "010203-1234", "0102031234"

CORPUS = [
    # files and formats
    Case("fil_mangler", with_files(lambda d: (d / "samtaler.csv").unlink()), "samtaler", None, "Tabellen 'samtaler' mangler"),
    Case("to_formater", with_files(lambda d: write_tables({"samtaler": small_tables()["samtaler"]}, d, fmt="parquet")),
         "samtaler", None, "findes i flere filer"),
    Case("kolonne_mangler", with_tables(lambda t: t.update(samtaler=t["samtaler"].drop(columns="frist"))),
         "samtaler.csv", None, "Kolonnen frist mangler"),
    Case("kolonne_to_gange", with_files(lambda d: (d / "borgere.csv").write_text(
        "\n".join(line + (",Alder " if i == 0 else ",40") for i, line in enumerate((d / "borgere.csv").read_text().splitlines())) + "\n")),
        "borgere.csv", None, "Kolonnen alder forekommer mere end én gang"),
    Case("binaer_fil", with_files(write("ydelser.csv", b"\x00\x01\x02\x03binary\x00data")), "ydelser.csv", None, "binær"),
    Case("for_mange_felter", with_files(edit_line("samtaler", 3, lambda s: s + ",x,y")), "samtaler.csv", None,
         "fx har række 3 5 felter"),
    Case("for_faa_felter", with_files(edit_line("samtaler", 4, lambda s: s.rsplit(",", 1)[0])), "samtaler.csv", None,
         "fx har række 4 2 felter"),
    Case("manglende_anfoerselstegn", with_files(edit_line("samtaler", 3, lambda s: s.replace(",", ',"', 1))),
         "samtaler.csv", None, "anførselstegn"),
    Case("tom_fil", with_files(write("forberedende_planer.csv", b"")), "forberedende_planer.csv", None, "Filen er tom"),
    Case("kun_mellemrum", with_files(write("forberedende_planer.csv", b" \n\n  \n")), "forberedende_planer.csv", None,
         "Filen er tom"),
    Case("tom_overskrift", with_files(re_encode("borgere", lambda s: ("\n" + s).encode())), "borgere.csv", None,
         "overskriften"),
    Case("tabulator_som_skilletegn", with_files(re_encode("samtaler", lambda s: s.replace(",", "\t").encode())),
         "samtaler.csv", None, "kun én kolonne"),
    Case("utf16", with_files(re_encode("borgere", lambda s: s.encode("utf-16"))), "borgere.csv", None, "UTF-16"),
    Case("blandet_tegnsaet", with_files(re_encode("borgere", mixed_encoding)), "borgere.csv", None, "blander tegnsæt"),
    Case("excel_med_csv_endelse", with_files(write("samtaler.csv", xlsx_bytes(small_tables()["samtaler"]))),
         "samtaler.csv", None, "Excel"),
    Case("xlsx_beskadiget", with_files(write("samtaler.xlsx", b"PK\x03\x04 not really a zip", remove_csv=True)),
         "samtaler.xlsx", None, "Excel-fil (xlsx)"),
    Case("parquet_beskadiget", with_files(write("samtaler.parquet", b"PAR1 not really parquet", remove_csv=True)),
         "samtaler.parquet", None, "Parquet-fil"),
    Case("xlsx_tomt_ark", with_files(write("samtaler.xlsx", xlsx_bytes(pd.DataFrame()), remove_csv=True)),
         "samtaler.xlsx", None, "mangler"),
    # CPR numbers: refused, never shown
    Case("cpr_med_bindestreg", replace_id("T002", CPR_DASH), "borgere.csv", "borger_id", "pseudonymiseres", errors=3,
         absent="010203"),
    Case("cpr_uden_bindestreg", replace_id("T002", CPR_PLAIN), "borgere.csv", "borger_id", "CPR-numre", errors=3,
         absent="010203"),
    Case("cpr_i_parquet", replace_id("T002", CPR_PLAIN, fmt="parquet"), "ydelser.parquet", "borger_id", "CPR-numre",
         errors=3, absent="010203"),
    # types: each kind of column
    Case("tekst_mangler", with_tables(set_cell("borgere", 2, "afdeling", "")), "borgere.csv", "afdeling", "Værdien mangler"),
    Case("heltal_ikke_tal", with_tables(set_cell("borgere", 2, "alder", "fyrre")), "borgere.csv", "alder", "ikke et tal"),
    Case("heltal_med_decimaler", with_tables(set_cell("borgere", 2, "alder", 40.5)), "borgere.csv", "alder", "helt tal"),
    Case("decimal_ikke_tal", with_tables(set_cell("sygefravaer", 3, "fuldtidsansatte", "tyve")), "sygefravaer.csv",
         "fuldtidsansatte", "ikke et tal"),
    Case("decimaltal_mangler", with_tables(set_cell("medarbejderomsaetning", 3, "ansatte", np.nan)),
         "medarbejderomsaetning.csv", "ansatte", "Værdien mangler"),
    Case("dansk_fil_med_decimalpunktum", danish_with(lambda text: text.replace(";4,50;", ";4.50;")),
         "borgere.csv", "offentlig_forsoergelse_aar", "dansk format"),
    Case("dato_findes_ikke", with_tables(as_text("samtaler", "dato", "%Y-%m-%d", 1, "2018-02-30")), "samtaler.csv", "dato",
         "Forventede en dato"),
    Case("dato_i_fremmed_format", with_tables(as_text("samtaler", "frist", "%Y-%m-%d", 1, "02/05/2018")), "samtaler.csv",
         "frist", "Forventede en dato"),
    Case("dato_mangler", with_tables(set_cell("samtaler", 1, "dato", pd.NaT)), "samtaler.csv", "dato", "Værdien mangler"),
    Case("uge_ikke_mandag", with_tables(set_cell("ydelser", 10, "uge", pd.Timestamp("2018-03-13"))), "ydelser.csv", "uge",
         "ikke en mandag"),
    Case("uge_findes_ikke", with_tables(as_text("ydelser", "uge", "%Y-%m-%d", 0, "2018-W60")), "ydelser.csv", "uge",
         "Forventede en uge"),
    Case("maaned_ugyldig", with_tables(as_text("sygefravaer", "maaned", "%Y-%m", 0, "2018-13")), "sygefravaer.csv",
         "maaned", "Forventede en måned"),
    Case("flag_ugyldigt", with_tables(set_cell("forberedende_planer", 0, "markeret", "måske")), "forberedende_planer.csv",
         "markeret", "ja/nej"),
    Case("flag_mangler", with_tables(set_cell("forberedende_planer", 0, "markeret", "")), "forberedende_planer.csv",
         "markeret", "Værdien mangler"),
    # codes: each code column
    Case("kode_gruppe", with_tables(set_cell("borgere", 1, "gruppe", "forsøg")), "borgere.csv", "gruppe", "'forsøg'"),
    Case("kode_koen", with_tables(set_cell("borgere", 1, "koen", "X")), "borgere.csv", "koen", "Ukendt kode ('X')"),
    Case("kode_herkomst", with_tables(set_cell("borgere", 1, "herkomst", "udenlandsk")), "borgere.csv", "herkomst",
         "Ukendt kode ('udenlandsk')"),
    Case("kode_ydelse", with_tables(set_cell("ydelser", 7, "ydelse", "kontanthjælp")), "ydelser.csv", "ydelse",
         "Ukendt kode ('kontanthjælp')"),
    Case("kode_type", with_tables(set_cell("virksomhedsplaceringer", 0, "type", "job")), "virksomhedsplaceringer.csv",
         "type", "Ukendt kode ('job')"),
    Case("kode_rehab_resultat", with_tables(set_cell("forberedende_planer", 0, "rehab_resultat", "godkendt")),
         "forberedende_planer.csv", "rehab_resultat", "Ukendt kode ('godkendt')"),
    Case("kode_i_xlsx", with_tables(set_cell("borgere", 1, "koen", "X"), fmt="xlsx"), "borgere.xlsx", "koen", "Rækker: 3."),
    # keys
    Case("dublet_borger", with_tables(add_row("borgere")), "borgere.csv", "borger_id", "Nøglen (borger_id)"),
    Case("dublet_uge", with_tables(add_row("ydelser")), "ydelser.csv", "uge", "Nøglen (borger_id og uge)"),
    Case("dublet_sygefravaer_maaned", with_tables(add_row("sygefravaer")), "sygefravaer.csv", "maaned",
         "Nøglen (afdeling og maaned)"),
    Case("dublet_omsaetning_maaned", with_tables(add_row("medarbejderomsaetning")), "medarbejderomsaetning.csv",
         "afdeling", "Nøglen (afdeling og maaned)"),
    # ranges
    Case("alder_for_lav", with_tables(set_cell("borgere", 0, "alder", 7)), "borgere.csv", "alder", "mindre end 15"),
    Case("alder_for_hoej", with_tables(set_cell("borgere", 0, "alder", 150)), "borgere.csv", "alder", "større end 100"),
    Case("aar_negativ", with_tables(set_cell("borgere", 0, "offentlig_forsoergelse_aar", -1.0)), "borgere.csv",
         "offentlig_forsoergelse_aar", "mindre end 0"),
    Case("aar_over_alder", with_tables(set_cell("borgere", 0, "offentlig_forsoergelse_aar", 60.0)), "borgere.csv",
         "offentlig_forsoergelse_aar", "større end borgerens alder"),
    Case("fuldtidsansatte_nul", with_tables(set_cell("sygefravaer", 0, "fuldtidsansatte", 0.0)), "sygefravaer.csv",
         "fuldtidsansatte", "større end 0"),
    Case("sygedage_negative", with_tables(set_cell("sygefravaer", 0, "sygedage_kort", -2.0)), "sygefravaer.csv",
         "sygedage_kort", "mindre end 0"),
    Case("ansatte_nul", with_tables(set_cell("medarbejderomsaetning", 0, "ansatte", 0.0)), "medarbejderomsaetning.csv",
         "ansatte", "større end 0"),
    Case("fratraadte_negative", with_tables(set_cell("medarbejderomsaetning", 0, "fratraadte_eksterne", -1)),
         "medarbejderomsaetning.csv", "fratraadte_eksterne", "mindre end 0"),
    Case("fratraadte_ikke_heltal", with_tables(set_cell("medarbejderomsaetning", 0, "fratraadte_interne", 1.5)),
         "medarbejderomsaetning.csv", "fratraadte_interne", "helt tal"),
    # dates
    Case("slut_foer_start", with_tables(set_cell("virksomhedsplaceringer", 0, "slut", pd.Timestamp("2018-02-01"))),
         "virksomhedsplaceringer.csv", "slut", "Slutdatoen ligger før startdatoen"),
    Case("dato_langt_fremme", with_tables(set_cell("samtaler", 0, "dato", pd.Timestamp("2081-02-01"))), "samtaler.csv",
         "dato", "urimeligt langt fra forsøgsperioden"),
    Case("dato_uden_for_kalenderen", with_tables(as_text("samtaler", "frist", "%Y-%m-%d", 0, "9999-12-31")),
         "samtaler.csv", "frist", "urimeligt langt fra forsøgsperioden"),
    Case("uge_hundrede_aar_foer", with_tables(add_row("ydelser", borger_id="T000", uge=pd.Timestamp("1918-03-04"))),
         "ydelser.csv", "uge", "urimeligt langt fra forsøgsperioden"),
    Case("hr_maaned_langt_fremme", with_tables(set_cell("sygefravaer", 0, "maaned", pd.Timestamp("2108-05-01"))),
         "sygefravaer.csv", "maaned", "urimeligt langt fra forsøgsperioden"),
    Case("kontanthjaelp_foer_foedsel", with_tables(set_cell("borgere", 0, "kontanthjaelp_siden", pd.Timestamp("1950-01-01"))),
         "borgere.csv", "kontanthjaelp_siden", "før borgeren blev født"),
    # references to borgere
    Case("reference_ydelser", with_tables(add_row("ydelser", borger_id="UKENDT")), "ydelser.csv", "borger_id",
         "findes ikke i borgere"),
    Case("reference_placeringer", with_tables(set_cell("virksomhedsplaceringer", 0, "borger_id", "UKENDT")),
         "virksomhedsplaceringer.csv", "borger_id", "findes ikke i borgere"),
    Case("reference_samtaler", with_tables(set_cell("samtaler", 0, "borger_id", "UKENDT")), "samtaler.csv", "borger_id",
         "findes ikke i borgere"),
    Case("reference_planer", with_tables(set_cell("forberedende_planer", 0, "borger_id", "UKENDT")),
         "forberedende_planer.csv", "borger_id", "findes ikke i borgere"),
    # one row per citizen per week from the start week; both groups
    Case("ingen_startuge", with_tables(drop_row("ydelser", "T002", 0)), "ydelser.csv", "uge",
         "1 borger fra borgere har ingen række i startugen"),
    Case("hul_i_ugerne", with_tables(drop_row("ydelser", "T003", 10)), "ydelser.csv", "uge",
         "mangler en eller flere uger"),
    Case("kun_en_gruppe", with_tables(lambda t: t["borgere"].__setitem__("gruppe", "kontrol")), "borgere.csv", "gruppe",
         "Gruppen 'forsoeg' har ingen borgere"),
]


def run_validate(directory: Path, monkeypatch, capsys, *options: str) -> tuple[int, str]:
    """`evalkit validate --data DIRECTORY` in this process: its exit code and everything it printed."""
    monkeypatch.setattr(sys, "argv", ["evalkit", "validate", "--data", str(directory), *options])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def by_file(output: str) -> dict[str, list[str]]:
    """The printed problems under each file heading."""
    groups: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("  - ") and current is not None:
            groups[current].append(line[4:])
        elif line.endswith(":") and not line.startswith(" "):
            current = line[:-1]
            groups[current] = []
    return groups


def test_the_corpus_covers_at_least_thirty_defects():
    assert len(CORPUS) >= 30
    assert len({case.id for case in CORPUS}) == len(CORPUS)


def test_the_clean_tables_give_no_problem_at_all(tmp_path):
    write_tables(small_tables(), tmp_path)
    assert check_tables(tmp_path).problems == []


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_each_broken_input_is_refused_in_danish(case, tmp_path, monkeypatch, capsys):
    case.make(tmp_path)
    code, output = run_validate(tmp_path, monkeypatch, capsys)
    assert code == 1, output
    assert "Traceback" not in output and "Uventet fejl" not in output, output
    assert output.startswith("Fejl: Data i ") and f"overholder ikke datakontrakten: {case.errors} fejl" in output, output
    lines = by_file(output).get(case.file, [])
    where = f"'{case.column}'" if case.column else "Fejl: "
    assert any(case.phrase in line and where in line and line.startswith("Fejl") for line in lines), output
    if case.absent:
        assert case.absent not in output


@pytest.mark.parametrize("case", [c for c in CORPUS if c.id in {"binaer_fil", "for_mange_felter", "cpr_med_bindestreg", "ingen_startuge"}],
                         ids=lambda c: c.id)
def test_a_few_broken_inputs_through_a_real_process(case, tmp_path):
    case.make(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit.cli", "validate", "--data", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(),
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"\n{case.file}:\n" in proc.stderr and case.phrase in proc.stderr


def test_warnings_alone_exit_zero_and_are_printed(tmp_path, monkeypatch, capsys):
    tables = small_tables()
    tables["medarbejderomsaetning"].loc[0, "afdeling"] = "JKI Job og Indsats 9"
    tables["borgere"].loc[0, "alder"] = 70
    write_tables(tables, tmp_path)
    code, output = run_validate(tmp_path, monkeypatch, capsys)
    assert code == 0, output
    groups = by_file(output)
    assert any("Advarsel i kolonnen 'afdeling'" in line and "'JKI Job og Indsats 9'" in line and "Rækker: 2." in line
               for line in groups["medarbejderomsaetning.csv"])
    assert any("Advarsel i kolonnen 'alder'" in line for line in groups["borgere.csv"])
    assert "2 advarsler" in output and "overholder datakontrakten: borgere (6 rækker)" in output
    assert len(load_tables(tmp_path)["borgere"]) == 6  # warnings do not stop loading, nor the build that loads first


def test_errors_and_warnings_are_listed_together_errors_first(tmp_path, monkeypatch, capsys):
    tables = small_tables()
    tables["sygefravaer"].loc[0, "afdeling"] = "Ukendt afdeling"
    tables["sygefravaer"].loc[1, "sygedage_kort"] = -1.0
    write_tables(tables, tmp_path)
    code, output = run_validate(tmp_path, monkeypatch, capsys)
    assert code == 1 and "1 fejl og 1 advarsel" in output
    lines = by_file(output)["sygefravaer.csv"]
    assert lines[0].startswith("Fejl i kolonnen 'sygedage_kort'") and lines[1].startswith("Advarsel i kolonnen 'afdeling'")


def test_every_problem_of_a_data_set_is_reported_at_once(tmp_path, monkeypatch, capsys):
    tables = small_tables()
    tables["borgere"].loc[1, "koen"] = "X"
    tables["samtaler"].loc[0, "borger_id"] = "UKENDT"
    write_tables(tables, tmp_path)
    (tmp_path / "sygefravaer.csv").write_bytes(b"")
    code, output = run_validate(tmp_path, monkeypatch, capsys)
    assert code == 1 and "3 fejl" in output
    assert set(by_file(output)) == {"borgere.csv", "samtaler.csv", "sygefravaer.csv"}


def test_many_rows_show_the_first_five_and_the_count(tmp_path, monkeypatch, capsys):
    tables = small_tables()
    tables["ydelser"].loc[10:29, "ydelse"] = "ukendt"
    write_tables(tables, tmp_path)
    code, output = run_validate(tmp_path, monkeypatch, capsys)
    assert code == 1 and "Rækker: 12, 13, 14, 15, 16 (i alt 20 rækker)." in output


def test_the_start_week_comes_from_the_configuration(tmp_path, monkeypatch, capsys):
    write_tables(small_tables(), tmp_path / "data")
    config = yaml.safe_load((ROOT / "forsoeg.yml").read_text(encoding="utf-8"))
    config["forsoeg"]["startdato"] = config["forsoeg"]["startdato"] - pd.Timedelta(weeks=1).to_pytimedelta()
    path = tmp_path / "forsoeg.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    code, output = run_validate(tmp_path / "data", monkeypatch, capsys, "--config", str(path))
    assert code == 1 and "6 borgere fra borgere har ingen række i startugen" in output
    with pytest.raises(Exception, match="startugen"):
        load_tables(tmp_path / "data", config=path)
    assert load_tables(tmp_path / "data", config=ROOT / "forsoeg.yml")  # the project's configuration: fine


def test_the_example_data_has_neither_errors_nor_warnings():
    report = check_tables(EXAMPLE)
    assert report.problems == [], report.describe()


def test_switching_pandera_off_in_the_environment_does_not_switch_the_contract_off(tmp_path):
    tables = small_tables()
    tables["borgere"].loc[1, "koen"] = "X"
    write_tables(tables, tmp_path)
    for setting in ({"PANDERA_VALIDATION_ENABLED": "False"}, {"PANDERA_VALIDATION_DEPTH": "SCHEMA_ONLY"}):
        proc = subprocess.run(
            [sys.executable, "-m", "evalkit.cli", "validate", "--data", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ, **setting},
        )
        assert proc.returncode == 1 and "'koen'" in proc.stderr, setting
