"""The data contract: the seven input tables, their columns, types and codes (data contract, section 1).

This module is the single description of what analysts must deliver; `loading` parses the files by
it, `validation` checks the values against it and `data/README.md` explains it in Danish.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from evalkit.errors import DataError

if TYPE_CHECKING:  # pandas is imported by the modules that read data, not by the contract
    import pandas as pd

Kind = Literal["string", "code", "flag", "integer", "decimal", "date", "week", "month"]

YDELSER = (
    "kontanthjaelp",
    "smaajob",
    "beskaeftigelse",
    "uddannelse",
    "ressourceforloeb",
    "fleksjob",
    "foertidspension",
    "sygedagpenge",
    "andet",
)


# A CPR number: DDMMYY and four digits, with at most one space or dash of any kind between; day and month valid.
_CPR_DATE = r"(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}"
_CPR_SEPARATOR = "[ \u00a0\u2010-\u2015\u2212-]?"
_CPR_IN_TEXT = re.compile(rf"(?<!\d){_CPR_DATE}{_CPR_SEPARATOR}\d{{4}}(?!\d)")
_CPR_DIGITS = re.compile(rf"{_CPR_DATE}\d{{4}}")
# a number that lost its leading zero (an id read as a number by Excel or stored as one in Parquet)
_NINE_DIGITS = re.compile(r"(\d{9})(?:\.0+)?")


def looks_like_cpr(values: pd.Series) -> pd.Series:
    """Which values hold something like a Danish CPR number, anywhere in a text, with any dash or a space,
    or as a number that lost its leading zero (these are refused and never shown); tested once per
    distinct value, since a weekly panel repeats each id a hundred times."""
    import pandas as pd

    from evalkit.data.panel import per_value  # pandas: imported where data are read, not with the contract

    if str(values.dtype).startswith(("datetime", "bool")):
        return pd.Series(False, index=values.index)
    return per_value(values, lambda distinct: distinct.map(cpr_like).astype(bool), bool)


def cpr_like(value: object) -> bool:
    """One cell: see `looks_like_cpr`."""
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()):
        number = int(value)
        return 10**8 <= number < 10**10 and bool(_CPR_DIGITS.fullmatch(f"{number:010d}"))
    if isinstance(value, numbers.Real):  # NaN or a fraction; None and pd.NA read "None" and "<NA>" below
        return False
    text = str(value).strip()
    nine = _NINE_DIGITS.fullmatch(text)
    if nine:
        return bool(_CPR_DIGITS.fullmatch(nine.group(1).zfill(10)))
    return bool(_CPR_IN_TEXT.search(text))


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    strictly_positive: bool = False
    # a date from the citizen's history, possibly long before the trial (not held to the trial period)
    history: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references_borgere: bool = False
    description: str = ""
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "borgere",
            (
                Column("borger_id", "string"),
                Column("gruppe", "code", codes=("forsoeg", "kontrol")),
                Column("afdeling", "string"),
                Column("koen", "code", codes=("K", "M")),
                # the contract says "integer"; 15 and 100 bound any adult in a job-centre trial, so a value
                # outside them is a typo (4, 460); ages that are merely unusual are warnings (validation)
                Column("alder", "integer", minimum=15, maximum=100),
                Column("herkomst", "code", codes=("dansk", "vestlig", "ikke-vestlig")),
                Column("offentlig_forsoergelse_aar", "decimal", minimum=0),
                Column("kontanthjaelp_siden", "date", nullable=True, history=True),
            ),
            key=("borger_id",),
            description="én række pr. borger i forsøget på startdatoen",
        ),
        Table(
            "ydelser",
            (
                Column("borger_id", "string"),
                Column("uge", "week"),
                Column("ydelse", "code", codes=YDELSER),
            ),
            key=("borger_id", "uge"),
            references_borgere=True,
            description="ydelse pr. borger pr. uge",
        ),
        Table(
            "virksomhedsplaceringer",
            (
                Column("borger_id", "string"),
                Column("type", "code", codes=("praktik", "loentilskud")),
                Column("start", "date"),
                Column("slut", "date", nullable=True),
            ),
            references_borgere=True,
            description="virksomhedspraktik og løntilskud",
        ),
        Table(
            "samtaler",
            (
                Column("borger_id", "string"),
                Column("dato", "date"),
                Column("frist", "date"),
            ),
            references_borgere=True,
            description="afholdte jobsamtaler",
        ),
        Table(
            "forberedende_planer",
            (
                Column("borger_id", "string"),
                Column("dato", "date"),
                Column("markeret", "flag"),
                Column("rehab_resultat", "code", nullable=True, codes=("indstillet", "udskudt", "afvist")),
            ),
            references_borgere=True,
            description="færdige forberedende planer",
        ),
        Table(
            "sygefravaer",
            (
                Column("afdeling", "string"),
                Column("maaned", "month"),
                Column("fuldtidsansatte", "decimal", strictly_positive=True),
                Column("sygedage_kort", "decimal", minimum=0),
                Column("sygedage_lang", "decimal", minimum=0),
            ),
            key=("afdeling", "maaned"),
            description="sygefravær pr. afdeling pr. måned",
        ),
        Table(
            "medarbejderomsaetning",
            (
                Column("afdeling", "string"),
                Column("maaned", "month"),
                Column("ansatte", "decimal", strictly_positive=True),
                Column("fratraadte_eksterne", "integer", minimum=0),
                Column("fratraadte_interne", "integer", minimum=0),
            ),
            key=("afdeling", "maaned"),
            description="medarbejderomsætning pr. afdeling pr. måned",
        ),
    )
}

FILE_FORMATS = (".csv", ".parquet", ".xlsx")


def tables_read(names: list[str] | tuple[str, ...]) -> list[str]:
    """The tables read for `names`: borgere first when one of them refers to it (its ids are checked)."""
    wanted = list(names)
    if "borgere" not in wanted and any(TABLES[n].references_borgere for n in wanted):
        wanted.insert(0, "borgere")
    return wanted


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
