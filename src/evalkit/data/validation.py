"""The data contract's rules on the typed tables, and the problems found (data contract, section 1).

What is checked where:

* By hand, in `evalkit.data.loading`, everything up to a typed frame: finding the one file of each table;
  reading CSV in both dialects, Parquet and xlsx (pandera cannot read `1.034,5` or `01.03.2018`);
  refusing empty, binary, ragged or mixed-encoding files; column names; parsing each cell into its type
  (numbers, the three date formats, ISO weeks, months, ja/nej flags, codes in any case); and refusing
  CPR numbers (by hand, so that no path that shows failing values ever sees one).
* With pandera, here, on the typed frames, validated lazily so that every failure is collected:
  missing values (nullability), codes (isin), whole numbers, minimums, maximums and plausible ranges,
  weeks on a Monday, dates not absurdly far from the trial period, unique keys (HR months per
  department), rules across a row (`slut ≥ start`, years on benefits ≤ age, ...), references to
  borgere (isin the known ids), both groups present, and no missing weeks in a citizen's panel from the
  start week on. Each check carries the key of a `Rule` (Danish message and level); `_translate` turns
  pandera's failure cases into `Problem` records with spreadsheet row numbers.
* By hand, here: that every citizen in borgere has a ydelser row in the start week (the rows that are
  missing have no row number to point at).

Errors stop loading; warnings (suspicious but allowed) are shown by `evalkit validate` and never stop
anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.config import ValidationDepth, config_context

from evalkit.config import GROUPS, Config
from evalkit.data.contract import TABLES, Table, looks_like_cpr
from evalkit.data.panel import per_value

ERROR, WARNING = "fejl", "advarsel"
MAX_ROWS_SHOWN = 5
MAX_EXAMPLES = 5
# Event dates (weeks, placements, interviews, plans, HR months) further than this from the configured
# trial period are typos (a wrong century or decade): histories before the start and planned placement
# ends after the last phase stay well inside it.
YEARS_AROUND_TRIAL = 10
# Kontanthjælp (and uddannelseshjælp) is paid from 18 until folkepensionsalder (65-67 for trials up to
# the late 2020s); an age outside this is possible in an extract but worth a look.
USUAL_AGE = (18, 67)
# Years on public benefits are rounded in extracts; a spell longer by less than this is not flagged.
YEARS_TOLERANCE = 0.1


@dataclass(frozen=True)
class Problem:
    """One broken rule in one column (or the whole) of one file."""

    file: Path
    column: str | None
    rows: tuple[int, ...]
    message: str
    count: int | None = None
    level: str = ERROR

    def detail(self) -> str:
        """The problem without the file name: level, column, message and the first rows."""
        label = "Fejl" if self.level == ERROR else "Advarsel"
        if self.column and "," in self.column:
            names = ", ".join(f"'{c.strip()}'" for c in self.column.split(","))
            label += f" i kolonnerne {names}"
        elif self.column:
            label += f" i kolonnen '{self.column}'"
        text = f"{label}: {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            total = self.count if self.count is not None else len(self.rows)
            more = f" (i alt {total} rækker)" if total > MAX_ROWS_SHOWN else ""
            text += f" Rækker: {shown}{more}."
        return text

    def describe(self) -> str:
        return f"{self.file.name}: {self.detail()}"


@dataclass(frozen=True)
class Source:
    """Where a typed frame came from: its file and the spreadsheet row number of each of its rows."""

    path: Path
    rows: np.ndarray

    def problem(self, column: str | None, positions, message: str, level: str = ERROR) -> Problem:
        positions = np.sort(np.asarray(positions, dtype=int))
        shown = tuple(int(self.rows[p]) for p in positions[:MAX_ROWS_SHOWN])
        return Problem(self.path, column, shown, message, count=len(positions), level=level)

    def flag(self, problems: list[Problem], column: str | None, mask: pd.Series, message: str, level: str = ERROR) -> None:
        """Record a problem for the rows where `mask` holds (a frame with a RangeIndex)."""
        if mask.any():
            problems.append(self.problem(column, np.flatnonzero(mask.to_numpy()), message, level))


@dataclass
class TypedTable:
    """A table parsed into the contract's types. `unparsed` marks, per column, the cells that could not
    be parsed (already reported, and missing in the frame, so not reported again as missing)."""

    name: str
    frame: pd.DataFrame
    source: Source
    unparsed: dict[str, np.ndarray]


@dataclass
class Report:
    """Everything found in one data directory; `tables` are usable only when there are no errors."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    # the tables checked in DuckDB instead of loaded (`evalkit.data.duckdb_tjek.Checked`), by name
    registers: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> dict[str, int]:
        """The rows of every checked table, by name, in the contract's order."""
        rows = {name: len(frame) for name, frame in self.tables.items()} | {n: r.rows for n, r in self.registers.items()}
        return {name: rows[name] for name in sorted(rows, key=list(TABLES).index)}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def describe(self) -> str:
        """Every problem in Danish, grouped by file, errors before warnings."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        counts = " og ".join(
            part for part in (
                f"{n_err} fejl" if n_err else "",
                f"{n_warn} {'advarsel' if n_warn == 1 else 'advarsler'}" if n_warn else "",
            ) if part
        )
        if n_err:
            lines = [f"Data i {self.data_dir} overholder ikke datakontrakten: {counts}."]
        elif not n_warn:
            return f"Data i {self.data_dir} overholder datakontrakten."
        else:
            lines = [f"Data i {self.data_dir} giver {counts} (noget ser mistænkeligt ud, men er tilladt)."]
        files: dict[str, list[Problem]] = {}
        for problem in sorted(self.problems, key=lambda p: p.level != ERROR):
            files.setdefault(problem.file.name, []).append(problem)
        for name, problems in files.items():
            lines.append(f"{name}:")
            lines += [f"  - {p.detail()}" for p in problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Rule:
    """The Danish meaning of one pandera check: where to report it, what to say, how serious."""

    column: str | None
    message: str  # may contain {eksempler}: the failing values, never a CPR-like one
    level: str = ERROR
    tag: str = ""  # what the rule checks, for a check outside pandera that gives the same message


class _Schema:
    """Collects one table's pandera checks, each with the key of its `Rule`."""

    def __init__(self, table: Table):
        self.table = table
        self.rules: dict[str, Rule] = {}
        self.column_checks: dict[str, list[pa.Check]] = {c: [] for c in table.column_names}
        self.frame_checks: list[pa.Check] = []

    def _key(self, rule: Rule) -> dict[str, str]:
        """The check's name and error, both the rule's key (pandera reports a built-in check by its error)."""
        key = f"regel_{len(self.rules) + 1}"
        self.rules[key] = rule
        return {"name": key, "error": key}

    def values(self, column: str, message: str, test: Callable[[pd.Series], pd.Series], level: str = ERROR,
               tag: str = "") -> None:
        """A check on the non-missing values of one column."""
        self.column_checks[column].append(pa.Check(test, **self._key(Rule(column, message, level, tag))))

    def allowed(self, column: str, values, message: str, level: str = ERROR, tag: str = "") -> None:
        """pandera's isin, tested once per distinct value (millions of rows hold a few thousand ids)."""
        allowed = pd.Index(list(values))
        self.values(column, message, lambda v: per_value(v, lambda u: u.isin(allowed), bool), level, tag)

    def rows(self, column: str | None, message: str, test: Callable[[pd.DataFrame], pd.Series | bool], level: str = ERROR,
             tag: str = "") -> None:
        """A check across the columns of each row (a boolean Series), or of the whole table (a bool)."""
        self.frame_checks.append(pa.Check(test, **self._key(Rule(column, message, level, tag)), ignore_na=False))

    def build(self) -> pa.DataFrameSchema:
        columns = {
            c.name: pa.Column(nullable=c.nullable, checks=self.column_checks[c.name]) for c in self.table.columns
        }
        return pa.DataFrameSchema(columns, checks=self.frame_checks)


@dataclass(frozen=True)
class _Context:
    """What the rules need beyond the table itself."""

    config: Config
    earliest: pd.Timestamp  # event dates before this are absurd
    latest: pd.Timestamp  # event dates after this are absurd
    start_week: pd.Timestamp  # Monday of the week holding the start date
    known_ids: frozenset[str] | None  # borger_id values of borgere, when it could be read

    @classmethod
    def of(cls, config: Config, known_ids: frozenset[str] | None) -> _Context:
        start = pd.Timestamp(config.startdato)
        last = max(
            d
            for fase in config.faser.values()
            for d in (
                fase.maaleperiode.slut, fase.placeringsperiode.slut, fase.statusdato, fase.udgivelsesdato,
                *(p.slut for p in fase.hr_perioder),
            )
        )
        years = pd.DateOffset(years=YEARS_AROUND_TRIAL)
        return cls(config, start - years, pd.Timestamp(last) + years, _monday(start), known_ids)


def _monday(day: pd.Timestamp) -> pd.Timestamp:
    return (day - pd.Timedelta(days=day.day_of_week)).normalize()


def _is_monday(days: pd.Series) -> pd.Series:
    """Which dates are Mondays, by day number (1970-01-01 was a Thursday); the time of day is ignored."""
    day = days.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return pd.Series((day + 3) % 7 == 0, index=days.index)


def _weeks(days: pd.Series) -> pd.Series:
    """The Monday of each day's week (a wrong weekday is reported on its own, not as a gap too)."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _iso(day: pd.Timestamp | dt.date) -> str:
    return day.strftime("%Y-%m-%d")


def _contract_rules(s: _Schema, ctx: _Context) -> None:
    """Codes, whole numbers, ranges, Mondays, the trial period, references and keys, from `contract`."""
    for col in s.table.columns:
        if col.codes:
            allowed = ", ".join(col.codes)
            s.allowed(col.name, col.codes, f"Ukendt kode ({{eksempler}}); de tilladte koder er {allowed}.", tag="kode")
        if col.kind == "integer":
            s.values(col.name, "Værdien skal være et helt tal.", lambda v: v % 1 == 0)
        if col.minimum is not None:
            s.values(col.name, f"Værdien må ikke være mindre end {col.minimum:g}.", lambda v, m=col.minimum: v >= m)
        if col.maximum is not None:
            s.values(col.name, f"Værdien må ikke være større end {col.maximum:g}.", lambda v, m=col.maximum: v <= m)
        if col.strictly_positive:
            s.values(col.name, "Værdien skal være større end 0.", lambda v: v > 0)
        if col.kind == "week":
            s.values(col.name, "Datoen er ikke en mandag; en uge angives med mandagens dato eller som ÅÅÅÅ-Wuu.",
                     _is_monday, tag="mandag")
        if col.kind in ("date", "week", "month") and not col.history:
            s.values(
                col.name,
                f"Datoen ligger urimeligt langt fra forsøgsperioden; den skal ligge mellem {_iso(ctx.earliest)} "
                f"og {_iso(ctx.latest)} ({YEARS_AROUND_TRIAL} år før startdatoen til {YEARS_AROUND_TRIAL} år efter "
                "konfigurationens sidste dato).",
                lambda v: v.between(ctx.earliest, ctx.latest),
                tag="periode",
            )
    if s.table.references_borgere and ctx.known_ids is not None:
        s.allowed("borger_id", ctx.known_ids, "borger_id findes ikke i borgere.", tag="reference")
    if s.table.key:
        key = list(s.table.key)
        s.rows(
            ", ".join(key),
            f"Nøglen ({' og '.join(key)}) forekommer i mere end én række; hver værdi må kun optræde én gang.",
            lambda df: df[key].isna().any(axis=1) | ~df.duplicated(subset=key, keep=False),
            tag="noegle",
        )


def _borgere_rules(s: _Schema, ctx: _Context) -> None:
    start = pd.Timestamp(ctx.config.startdato)
    for gruppe in GROUPS:
        s.rows("gruppe", f"Gruppen '{gruppe}' har ingen borgere; begge grupper skal være med.",
               lambda df, g=gruppe: bool((df["gruppe"] == g).any()))
    low, high = USUAL_AGE
    s.values("alder", f"Alderen er usædvanlig for en borger på kontanthjælp (normalt {low}–{high} år).",
             lambda v: v.between(low, high), level=WARNING)
    s.rows("offentlig_forsoergelse_aar", "Antal år på offentlig forsørgelse er større end borgerens alder.",
           lambda df: ~(df["offentlig_forsoergelse_aar"] > df["alder"]))
    s.rows(
        "kontanthjaelp_siden",
        "Kontanthjælpsforløbet begynder, før borgeren blev født (ifølge alder).",
        lambda df: ~(_years_before(start, df["kontanthjaelp_siden"]) > df["alder"] + 1),
    )
    s.values("kontanthjaelp_siden", f"Datoen ligger efter {_iso(ctx.latest)}, urimeligt langt efter forsøget.",
             lambda v: v <= ctx.latest)
    s.values("kontanthjaelp_siden",
             f"Kontanthjælpsforløbet begynder efter startdatoen ({_iso(start)}); borgerne skal være på "
             "kontanthjælp ved start.", lambda v: v <= start, level=WARNING)
    s.rows(
        "offentlig_forsoergelse_aar",
        "Antal år på offentlig forsørgelse er mindre end længden af det igangværende kontanthjælpsforløb "
        "(fra kontanthjaelp_siden til startdatoen).",
        lambda df: ~(_years_before(start, df["kontanthjaelp_siden"]) > df["offentlig_forsoergelse_aar"] + YEARS_TOLERANCE),
        level=WARNING,
    )
    _configured_departments(s, ctx, require_trial_department=False)


def _years_before(start: pd.Timestamp, dates: pd.Series) -> pd.Series:
    return (start - dates).dt.days / 365.25


def _configured_departments(s: _Schema, ctx: _Context, require_trial_department: bool) -> None:
    s.allowed("afdeling", ctx.config.afdelinger,
              "Afdelingen står ikke i konfigurationens liste over afdelinger ({eksempler}).", level=WARNING)
    if require_trial_department:
        trial = ctx.config.forsoegsafdeling
        s.rows("afdeling", f"Forsøgsafdelingen '{trial}' har ingen rækker.",
               lambda df: bool((df["afdeling"] == trial).any()), level=WARNING)


def _ydelser_rules(s: _Schema, ctx: _Context) -> None:
    s.rows(
        "uge",
        f"Der mangler en eller flere uger lige før denne række. Fra startugen ({_iso(ctx.start_week)}) skal hver "
        "borger have en række for hver uge frem til sin sidste uge.",
        lambda df: ~_after_gap(df, ctx.start_week),
        tag="huller",
    )


def _after_gap(df: pd.DataFrame, start_week: pd.Timestamp) -> pd.Series:
    """Rows from the start week on that follow one or more missing weeks of the same citizen. Citizens
    with a week that could not be read are left out: where their gap is cannot be known."""
    week = _weeks(df["uge"])
    citizen, _ids = pd.factorize(df["borger_id"])  # a missing id is -1
    unknown = np.zeros(len(_ids) + 1, bool)
    unknown[citizen[week.isna().to_numpy()]] = True  # slot -1 (no id) is never used below
    use = np.flatnonzero((citizen >= 0) & (week >= start_week).to_numpy() & ~unknown[citizen])
    rows, ns, same = use, week.to_numpy(dtype="datetime64[ns]")[use].astype(np.int64), citizen[use]
    step, later = np.diff(same), np.diff(ns)
    if not ((step > 0) | ((step == 0) & (later >= 0))).all():  # not already in order (as files usually are)
        order = np.lexsort((ns, same))
        rows, ns, same = rows[order], ns[order], same[order]
    gap = np.zeros(len(df), bool)
    gap[rows[1:][(same[1:] == same[:-1]) & (np.diff(ns) > pd.Timedelta(weeks=1).value)]] = True
    return pd.Series(gap, index=df.index)


def _placering_rules(s: _Schema, ctx: _Context) -> None:
    s.rows("slut", "Slutdatoen ligger før startdatoen.", lambda df: ~(df["slut"] < df["start"]))


def _sygefravaer_rules(s: _Schema, ctx: _Context) -> None:
    _configured_departments(s, ctx, require_trial_department=True)
    s.rows(
        "sygedage_kort, sygedage_lang",
        "Der er flere sygedage end fuldtidsansatte gange dagene i måneden.",
        lambda df: ~(df["sygedage_kort"] + df["sygedage_lang"] > df["fuldtidsansatte"] * df["maaned"].dt.days_in_month),
        level=WARNING,
    )


def _omsaetning_rules(s: _Schema, ctx: _Context) -> None:
    _configured_departments(s, ctx, require_trial_department=True)
    s.rows(
        "fratraadte_eksterne, fratraadte_interne",
        "Der er flere fratrådte end ansatte i måneden.",
        lambda df: ~(df["fratraadte_eksterne"] + df["fratraadte_interne"] > df["ansatte"]),
        level=WARNING,
    )


TABLE_RULES = {
    "borgere": _borgere_rules,
    "ydelser": _ydelser_rules,
    "virksomhedsplaceringer": _placering_rules,
    "sygefravaer": _sygefravaer_rules,
    "medarbejderomsaetning": _omsaetning_rules,
}


def schema(table: Table, ctx: _Context) -> _Schema:
    """The pandera schema of `table` with the Danish rule behind each check."""
    s = _Schema(table)
    _contract_rules(s, ctx)
    if table.name in TABLE_RULES:
        TABLE_RULES[table.name](s, ctx)
    return s


def _examples(values: pd.Series) -> str:
    """Some failing values, quoted; a value that looks like a CPR number is never shown."""
    values = pd.Series(values.dropna().astype(str).unique())
    safe = values[~looks_like_cpr(values)]
    shown = ", ".join(repr(v) for v in sorted(safe)[:MAX_EXAMPLES])
    hidden = len(values) - len(safe)
    if hidden:
        shown += (", " if shown else "") + "en værdi, der ligner et CPR-nummer (ikke vist)"
    return shown


def _translate(failures: pd.DataFrame, s: _Schema, typed: TypedTable) -> list[Problem]:
    """pandera's failure cases as one `Problem` per rule (and per column for missing values). A row
    check's failure cases come once per column of the row; they are counted once, under the rule's column."""
    problems = []
    for check, group in failures.groupby("check", sort=False):
        if check == "not_nullable":
            for column, cases in group.groupby("column", sort=False):
                positions = _positions(cases)
                positions = positions[~typed.unparsed[column][positions]]
                if len(positions):
                    problems.append(typed.source.problem(column, positions, "Værdien mangler."))
            continue
        rule = s.rules.get(check)
        if rule is None or any(isinstance(v, Exception) for v in group["failure_case"]):
            raise RuntimeError(f"pandera-tjekket {check!r} på tabellen {typed.name} gik galt: {group.head().to_dict('records')}")
        message = rule.message
        if "{eksempler}" in message:
            message = message.replace("{eksempler}", _examples(group["failure_case"]))
        problems.append(typed.source.problem(rule.column, _positions(group), message, rule.level))
    return problems


def _positions(cases: pd.DataFrame) -> np.ndarray:
    """The frame rows (positions: the frames have a RangeIndex) of some failure cases; none for a
    check on the whole table."""
    return np.unique(cases["index"].dropna().astype(int).to_numpy())


def _start_week(borgere: TypedTable, ydelser: TypedTable, ctx: _Context) -> list[Problem]:
    """Every citizen in borgere has a ydelser row in the week that holds the start date (by hand: the
    missing rows have no row number; their citizens are named instead, never a CPR-like id)."""
    frame = ydelser.frame
    uge = frame["uge"]
    in_start_week = (uge >= ctx.start_week) & (uge < ctx.start_week + pd.Timedelta(weeks=1))
    present = set(frame.loc[in_start_week, "borger_id"].dropna())
    unknown_week = set(frame.loc[uge.isna(), "borger_id"].dropna())  # reported already; where it lies is unknown
    ids = borgere.frame["borger_id"].dropna()
    return start_week_problems(ydelser.source.path, ids[~ids.isin(present | unknown_week)].unique(), ctx)


def start_week_problems(path: Path, missing, ctx: _Context) -> list[Problem]:
    """The problem of the citizens (`missing`, their ids in borgere's order) without a ydelser row in the
    start week, if any."""
    if not len(missing):
        return []
    examples = _examples(pd.Series(missing[:MAX_EXAMPLES]))
    citizens = "1 borger" if len(missing) == 1 else f"{len(missing)} borgere"
    message = (
        f"{citizens} fra borgere har ingen række i startugen (ugen fra mandag {_iso(ctx.start_week)}, som "
        f"indeholder startdatoen {_iso(ctx.config.startdato)}): {examples}"
        f"{', ...' if len(missing) > MAX_EXAMPLES else ''}. Hver borger skal have en række for hver uge fra "
        "startugen til sin sidste uge."
    )
    return [Problem(path, "uge", (), message)]


def validate(typed: dict[str, TypedTable], config: Config) -> list[Problem]:
    """Check the typed tables against every rule (pandera per table, then the start week by hand)."""
    borgere = typed.get("borgere")
    known = frozenset(borgere.frame["borger_id"].dropna()) if borgere is not None else None
    ctx = _Context.of(config, known)
    problems: list[Problem] = []
    for name, table in typed.items():
        s = schema(TABLES[name], ctx)
        try:
            # whatever PANDERA_VALIDATION_* says in the environment: these checks are the contract
            with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
                s.build().validate(table.frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems += _translate(exc.failure_cases, s, table)
    if borgere is not None and "ydelser" in typed:
        problems += _start_week(borgere, typed["ydelser"], ctx)
    return problems
