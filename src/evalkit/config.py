"""The trial configuration: every non-data choice (data contract, section 2), read from one YAML file.

No date, period or threshold is written anywhere else; notebooks and reports get them from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evalkit.data.contract import YDELSER
from evalkit.errors import ConfigError

GROUPS = ("forsoeg", "kontrol")
WEEKS_PER_YEAR = 52  # a yearly amount per week: / 52; a monthly one: × 12 / 52
# The largest input file read by default, in MB: checking a CSV file takes 10 to 20 times its size in
# memory (benchmarks/datakontrol.py), so a file at the limit fits a machine with 16 to 24 GB.
DEFAULT_FILE_SIZE_LIMIT_MB = 1000
# Above this many rows in ydelser the panel measurements run in DuckDB over the file (data.duckdb_over_raekker).
DEFAULT_DUCKDB_ROWS = 10_000_000
DEFAULT_DUCKDB_MEMORY_GB = 4.0
PER_WEEK = {"uge": 1.0, "maaned": 12 / WEEKS_PER_YEAR, "aar": 1 / WEEKS_PER_YEAR}
# The outcomes an analysis plan can name: the binary outcomes compared between the groups (data contract,
# section 4), and the baseline variables an adjusted comparison can use (the balance table's indicators).
UDFALD = ("beskaeftigelse", "smaajob", "uddannelse", "ressourceforloeb", "fleksjob", "foertidspension",
          "virksomhedsplacering", "lang_kh_reduktion")
KOVARIATER = ("kvinde", "alder", "offentlig_forsoergelse_aar", "herkomst_vestlig", "herkomst_ikke-vestlig", "lang_historik")
ANALYSER = ("ujusteret", "justeret")
# The fewest bootstrap replicates `oekonomi.bootstrap_antal` may ask for: at 2 000 the cost interval's bounds
# moved by up to 800 kr. on the example data when only the seed changed; the Monte Carlo error falls as
# one over the square root of the number.
BOOTSTRAP_MIN = 10_000


@dataclass(frozen=True)
class Periode:
    """A closed period of days, both ends included."""

    start: dt.date
    slut: dt.date

    @property
    def dage(self) -> int:
        return (self.slut - self.start).days + 1

    @property
    def uger(self) -> float:
        return self.dage / 7

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "slut": self.slut.isoformat()}


@dataclass(frozen=True)
class Maanedsperiode:
    """A closed period of calendar months, e.g. 2018-05 to 2018-12."""

    start: dt.date  # first day of the first month
    slut: dt.date  # first day of the last month

    @property
    def maaneder(self) -> int:
        return (self.slut.year - self.start.year) * 12 + self.slut.month - self.start.month + 1

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.strftime("%Y-%m"), "slut": self.slut.strftime("%Y-%m")}


@dataclass(frozen=True)
class Analyseplan:
    """The statistical analysis plan, fixed before the results are known (`statistik.analyseplan`): the
    primary outcome, the family of outcomes whose p-values Holm's method corrects together (it holds the
    primary outcome), the secondary outcomes (each tested alone at alpha and read as supporting), whether
    the primary analysis is the unadjusted or the covariate-adjusted comparison, the covariates, alpha,
    the power for the minimum detectable difference, and the phase whose results are confirmatory."""

    primaert_udfald: str
    familie: tuple[str, ...]
    sekundaere_udfald: tuple[str, ...]
    primaer_analyse: str
    kovariater: tuple[str, ...]
    alpha: float
    styrke: float
    bekraeftende_fase: str

    @property
    def justeret(self) -> bool:
        return self.primaer_analyse == "justeret"

    def as_json(self) -> dict[str, Any]:
        """The plan as resultater.json records it (and as its SHA-256 is computed from: `canonical`)."""
        return {
            "primaert_udfald": self.primaert_udfald,
            "familie": list(self.familie),
            "sekundaere_udfald": list(self.sekundaere_udfald),
            "primaer_analyse": self.primaer_analyse,
            "kovariater": list(self.kovariater),
            "alpha": self.alpha,
            "styrke": self.styrke,
            "bekraeftende_fase": self.bekraeftende_fase,
        }


@dataclass(frozen=True)
class Fase:
    """One evaluation phase (midtvejs or slut) with its periods."""

    noegle: str
    navn: str
    dokument: str
    udgivelsesdato: dt.date
    maaleperiode: Periode
    placeringsperiode: Periode
    statusdato: dt.date
    hr_perioder: tuple[Maanedsperiode, ...]
    # an earlier phase whose results this phase's document compares with (the final evaluation
    # compares with the mid-term); the build computes that phase first
    sammenlign_med: str | None = None
    # why the måleperiode ends where it does, in Danish for the document ("" when not configured)
    maaleperiode_begrundelse: str = ""


@dataclass(frozen=True)
class Beloeb:
    """An amount in kroner as its source gives it (per week, month or year) and the source itself."""

    beloeb: float
    pr: str  # "uge", "maaned" or "aar"
    kilde: str  # document and section or page, or "Antagelse"
    forklaring: str  # what the figure covers, or why it was assumed

    @property
    def kr_pr_uge(self) -> float:
        """The amount per week: a yearly amount / 52, a monthly amount × 12 / 52."""
        return self.beloeb * PER_WEEK[self.pr]

    @property
    def antagelse(self) -> bool:
        """True when no source gives the figure (the source starts with 'Antagelse')."""
        return self.kilde.lower().startswith("antagelse")


@dataclass(frozen=True)
class Kildedokument:
    """A document the cost sources cite: its short name (how a `kilde` begins), its full title, when it
    was published (None: before the trial) and, when it is one of the documents evalkit makes, that
    phase's key."""

    navn: str
    titel: str
    dato: dt.date | None = None
    fase: str | None = None

    def __str__(self) -> str:
        return f"{self.navn}: {self.titel}"


@dataclass(frozen=True)
class Oekonomi:
    """The cost side of the trial: the municipality's net cost per week of each status code, the
    trial's extra cost, the sensitivity scenarios and the bootstrap's settings."""

    kildedokumenter: tuple[Kildedokument, ...]  # the documents the sources refer to
    ydelser: dict[str, Beloeb]  # every status code of the contract
    investering_pr_aar: float
    investering_aar: tuple[int, ...]
    investering_kilde: str
    investering_forklaring: str
    evaluering_kr: float  # the whole evaluation, counted in full in every phase
    evaluering_kilde: str
    evaluering_forklaring: str
    skaleres: tuple[str, ...]  # status codes whose cost the sensitivity table scales
    faktorer: tuple[float, ...]
    kontanthjaelp_alternativ: Beloeb
    bootstrap_antal: int
    bootstrap_seed: int

    @property
    def kr_pr_uge(self) -> dict[str, float]:
        return {code: amount.kr_pr_uge for code, amount in self.ydelser.items()}

    def investering_i(self, periode: Periode) -> float:
        """The salary part of the investment spent in `periode`: each configured year's amount times the
        share of that year's days inside the period."""
        total = 0.0
        for year in self.investering_aar:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            days = (min(last, periode.slut) - max(first, periode.start)).days + 1
            total += self.investering_pr_aar * max(days, 0) / ((last - first).days + 1)
        return total


@dataclass(frozen=True)
class Duckdb:
    """When and how the panel measurements run in DuckDB (`data` in forsoeg.yml, README "Skala")."""

    over_raekker: int = DEFAULT_DUCKDB_ROWS  # DuckDB when ydelser has more rows than this; 0: always
    hukommelse_gb: float = DEFAULT_DUCKDB_MEMORY_GB  # DuckDB's memory limit; beyond it, it spills to disk
    traade: int | None = None  # DuckDB's threads; None: one per core

    def bruges(self, rows: int) -> bool:
        """Whether a panel of `rows` rows is measured in DuckDB."""
        return self.over_raekker == 0 or rows > self.over_raekker


@dataclass(frozen=True)
class Config:
    """The whole trial configuration."""

    sti: Path
    titel: str
    organisation: str
    enhed: str
    startdato: dt.date
    grupper: dict[str, str]
    grupper_bestemt: dict[str, str]
    forsoegsafdeling: str
    afdelinger: tuple[str, ...]
    sagsstamme: dict[str, int]
    alpha: float
    styrke: float
    smd_graense: float
    analyseplan: Analyseplan
    opfoelgning_uger: int
    lang_historik_aar: int
    diskretionsgraense: int
    planer_markeret_graense: float
    maks_filstoerrelse_mb: float
    faser: dict[str, Fase]
    oekonomi: Oekonomi
    # counts of missing data published exactly despite disclosure control (see EXEMPTABLE)
    diskretion_undtaget: tuple[str, ...] = ()
    # the trial's own period and the trial department's staff by role (Danish plural -> count), for the
    # documents' "Forsøgets rammer"; optional
    forsoegsperiode: Periode | None = None
    medarbejdere: dict[str, int] = field(default_factory=dict)
    # whether and how the panel measurements run in DuckDB (`data.duckdb_*`)
    duckdb: Duckdb = field(default_factory=Duckdb)
    # counts the document's disclosure control hides besides each table's own rule, by their id in the
    # document's register (evalkit.maaleparametre.dokument); set by a build for one phase, never configured
    diskretion_plan: frozenset[str] = frozenset()

    @property
    def udfaldsfamilie(self) -> tuple[str, ...]:
        """Every outcome the documents compare between the groups, in the plan's order: the Holm family,
        then the secondary outcomes."""
        return (*self.analyseplan.familie, *self.analyseplan.sekundaere_udfald)

    def with_comparisons(self, faser: list[str]) -> list[str]:
        """`faser` and the phases they compare with, in configuration order (each computed before use)."""
        needed = set(faser)
        for noegle in faser:
            if self.fase(noegle).sammenlign_med:
                needed.add(self.fase(noegle).sammenlign_med)
        return [noegle for noegle in self.faser if noegle in needed]

    def fase(self, noegle: str) -> Fase:
        try:
            return self.faser[noegle]
        except KeyError:
            kendte = ", ".join(self.faser)
            raise ConfigError(f"Ukendt fase '{noegle}'. Kendte faser: {kendte}.") from None

    @property
    def lang_historik_graense(self) -> dt.date:
        """Latest kontanthjaelp_siden that counts as a long history ('3 år eller længere')."""
        return self.startdato.replace(year=self.startdato.year - self.lang_historik_aar)


class _Reader:
    """Reads keys from the YAML mapping and names the missing or malformed key in Danish."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = path
        self.data = data

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError(f"Konfigurationsfilen {self.path} mangler nøglen '{dotted}'.")
            node = node[part]
        return node

    def date(self, dotted: str, value: Any = None) -> dt.date:
        """The date at `dotted` (or `value`, found at `dotted` by the caller)."""
        value = self.get(dotted) if value is None else value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(
                f"Konfigurationsfilen {self.path}: '{dotted}' skal være en dato (ÅÅÅÅ-MM-DD), fandt '{value}'."
            ) from None

    def month(self, dotted: str, value: Any) -> dt.date:
        try:
            return dt.datetime.strptime(str(value), "%Y-%m").date()
        except ValueError:
            raise ConfigError(
                f"Konfigurationsfilen {self.path}: '{dotted}' skal være en måned (ÅÅÅÅ-MM), fandt '{value}'."
            ) from None

    def periode(self, dotted: str) -> Periode:
        periode = Periode(self.date(f"{dotted}.start"), self.date(f"{dotted}.slut"))
        if periode.slut < periode.start:
            raise ConfigError(f"Konfigurationsfilen {self.path}: '{dotted}' slutter før den starter.")
        return periode

    def number(self, dotted: str, kind: type) -> Any:
        value = self.get(dotted)
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"Konfigurationsfilen {self.path}: '{dotted}' skal være et tal, fandt '{value}'.") from None

    def amount(self, dotted: str) -> float:
        """A number of kroner, zero or more (booleans and text are refused)."""
        value = self.get(dotted)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or value == float("inf"):
            raise ConfigError(
                f"Konfigurationsfilen {self.path}: '{dotted}' skal være et beløb i kroner (et tal på 0 eller derover), "
                f"fandt '{value}'."
            )
        return float(value)

    def text(self, dotted: str) -> str:
        value = self.get(dotted)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"Konfigurationsfilen {self.path}: '{dotted}' skal være en tekst, der ikke er tom.")
        return " ".join(value.split())

    def codes(self, dotted: str) -> tuple[str, ...]:
        value = self.get(dotted)
        if not isinstance(value, list) or any(code not in YDELSER for code in value):
            raise ConfigError(
                f"Konfigurationsfilen {self.path}: '{dotted}' skal være en liste af ydelseskoder "
                f"({', '.join(YDELSER)}), fandt '{value}'."
            )
        return tuple(value)


def _fase(r: _Reader, noegle: str) -> Fase:
    base = f"faser.{noegle}"
    other = r.get(base).get("sammenlign_med")
    hr = r.get(f"{base}.hr_perioder")
    if not isinstance(hr, list) or not hr:
        raise ConfigError(f"Konfigurationsfilen {r.path}: '{base}.hr_perioder' skal være en liste af perioder.")
    hr_perioder = tuple(
        Maanedsperiode(
            r.month(f"{base}.hr_perioder[{i}].start", p.get("start")),
            r.month(f"{base}.hr_perioder[{i}].slut", p.get("slut")),
        )
        for i, p in enumerate(hr)
    )
    return Fase(
        noegle=noegle,
        navn=str(r.get(f"{base}.navn")),
        dokument=str(r.get(f"{base}.dokument")),
        udgivelsesdato=r.date(f"{base}.udgivelsesdato"),
        maaleperiode=r.periode(f"{base}.maaleperiode"),
        placeringsperiode=r.periode(f"{base}.placeringsperiode"),
        statusdato=r.date(f"{base}.statusdato"),
        hr_perioder=hr_perioder,
        sammenlign_med=None if other is None else str(other),
        maaleperiode_begrundelse=" ".join(str(r.get(base).get("maaleperiode_begrundelse") or "").split()),
    )


def _beloeb(r: _Reader, dotted: str) -> Beloeb:
    pr = r.get(f"{dotted}.pr")
    if pr not in PER_WEEK:
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: '{dotted}.pr' skal være uge, maaned eller aar, fandt '{pr}'."
        )
    return Beloeb(
        beloeb=r.amount(f"{dotted}.beloeb"), pr=pr, kilde=r.text(f"{dotted}.kilde"), forklaring=r.text(f"{dotted}.forklaring")
    )


def _oekonomi(r: _Reader) -> Oekonomi:
    ydelser = r.get("oekonomi.ydelser")
    if not isinstance(ydelser, dict) or set(ydelser) != set(YDELSER):
        found = ", ".join(map(str, ydelser)) if isinstance(ydelser, dict) else str(ydelser)
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: 'oekonomi.ydelser' skal have et beløb for præcis hver ydelseskode "
            f"({', '.join(YDELSER)}); fandt {found}."
        )
    years = r.get("oekonomi.investering.aar")
    if not isinstance(years, list) or not years or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        raise ConfigError(f"Konfigurationsfilen {r.path}: 'oekonomi.investering.aar' skal være en liste af årstal, fandt '{years}'.")
    factors = r.get("oekonomi.foelsomhed.faktorer")
    if not isinstance(factors, list) or any(isinstance(f, bool) or not isinstance(f, (int, float)) or not f >= 0 for f in factors):
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: 'oekonomi.foelsomhed.faktorer' skal være en liste af tal på 0 eller derover, "
            f"fandt '{factors}'."
        )
    antal, seed = r.get("oekonomi.bootstrap_antal"), r.get("oekonomi.bootstrap_seed")
    why = {"bootstrap_antal": "; med færre gentagelser flytter intervallets grænser sig mærkbart, når startværdien ændres"}
    for key, value, least in (("bootstrap_antal", antal, BOOTSTRAP_MIN), ("bootstrap_seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(
                f"Konfigurationsfilen {r.path}: 'oekonomi.{key}' skal være et helt tal på mindst "
                f"{least:,}".replace(",", ".") + f", fandt '{value}'{why.get(key, '')}."
            )
    return Oekonomi(
        kildedokumenter=_source_documents(r),
        ydelser={code: _beloeb(r, f"oekonomi.ydelser.{code}") for code in YDELSER},
        investering_pr_aar=r.amount("oekonomi.investering.kr_pr_aar"),
        investering_aar=tuple(years),
        investering_kilde=r.text("oekonomi.investering.kilde"),
        investering_forklaring=r.text("oekonomi.investering.forklaring"),
        evaluering_kr=r.amount("oekonomi.evaluering.kr"),
        evaluering_kilde=r.text("oekonomi.evaluering.kilde"),
        evaluering_forklaring=r.text("oekonomi.evaluering.forklaring"),
        skaleres=r.codes("oekonomi.foelsomhed.skaleres"),
        faktorer=tuple(float(f) for f in factors),
        kontanthjaelp_alternativ=_beloeb(r, "oekonomi.foelsomhed.kontanthjaelp_alternativ"),
        bootstrap_antal=antal,
        bootstrap_seed=seed,
    )


# Counts that describe missing data rather than citizens' circumstances, and so may be exempted from
# disclosure control in the configuration (`definitioner.diskretion_undtaget`).
EXEMPTABLE = {"uden_startdato": "borgere uden startdato for kontanthjælp"}


def _exempt(r: _Reader) -> tuple[str, ...]:
    """The exempted counts (optional key; none by default, which is the safe choice)."""
    section = r.data.get("definitioner")
    value = section.get("diskretion_undtaget", []) if isinstance(section, dict) else []
    if not isinstance(value, list) or any(item not in EXEMPTABLE for item in value):
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: 'definitioner.diskretion_undtaget' skal være en liste med nogle af "
            f"{', '.join(EXEMPTABLE)}, fandt '{value}'."
        )
    return tuple(value)


def _file_size_limit(r: _Reader) -> float:
    """The largest input file evalkit reads, in MB (optional: files written before the key existed keep
    the default)."""
    section = r.data.get("data")
    if not isinstance(section, dict) or "maks_filstoerrelse_mb" not in section:
        return DEFAULT_FILE_SIZE_LIMIT_MB
    value = section["maks_filstoerrelse_mb"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: 'data.maks_filstoerrelse_mb' skal være et tal over 0 (megabyte), "
            f"fandt '{value}'."
        )
    return float(value)


def _duckdb(r: _Reader) -> Duckdb:
    """The `data` section's DuckDB settings (all optional)."""
    section = r.data.get("data")
    section = section if isinstance(section, dict) else {}

    def whole(key: str, lowest: int, default: int | None, meaning: str) -> int | None:
        value = section.get(key, default)
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise ConfigError(f"Konfigurationsfilen {r.path}: 'data.{key}' skal være et helt tal på {lowest} eller "
                              f"derover ({meaning}), fandt '{value}'.")
        return value

    memory = section.get("duckdb_hukommelse_gb", DEFAULT_DUCKDB_MEMORY_GB)
    if isinstance(memory, bool) or not isinstance(memory, (int, float)) or not 0 < memory < float("inf"):
        raise ConfigError(f"Konfigurationsfilen {r.path}: 'data.duckdb_hukommelse_gb' skal være et tal over 0 "
                          f"(gigabyte), fandt '{memory}'.")
    return Duckdb(
        over_raekker=whole("duckdb_over_raekker", 0, DEFAULT_DUCKDB_ROWS, "antal rækker; 0 betyder altid"),
        hukommelse_gb=float(memory),
        traade=whole("duckdb_traade", 1, None, "antal tråde"),
    )


def load_config(path: str | Path) -> Config:
    """Read and check the trial configuration file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Konfigurationsfilen {path} findes ikke.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Konfigurationsfilen {path} kan ikke læses som YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"Konfigurationsfilen {path} skal indeholde en YAML-mapping.")
    r = _Reader(path, data)
    grupper = r.get("forsoeg.grupper")
    if not isinstance(grupper, dict) or set(grupper) != set(GROUPS):
        raise ConfigError(f"Konfigurationsfilen {path}: 'forsoeg.grupper' skal have præcis nøglerne forsoeg og kontrol.")
    faser_raw = r.get("faser")
    if not isinstance(faser_raw, dict) or not faser_raw:
        raise ConfigError(f"Konfigurationsfilen {path}: 'faser' skal indeholde mindst én fase.")
    config = Config(
        sti=path,
        titel=str(r.get("forsoeg.titel")),
        organisation=str(r.get("forsoeg.organisation")),
        enhed=str(r.get("forsoeg.enhed")),
        startdato=r.date("forsoeg.startdato"),
        grupper={g: str(r.get(f"forsoeg.grupper.{g}.navn")) for g in GROUPS},
        grupper_bestemt={g: str(r.get(f"forsoeg.grupper.{g}.bestemt")) for g in GROUPS},
        forsoegsafdeling=str(r.get("forsoeg.forsoegsafdeling")),
        afdelinger=tuple(str(a) for a in r.get("forsoeg.afdelinger")),
        sagsstamme={g: int(v) for g, v in r.get("forsoeg.sagsstamme").items()},
        alpha=r.number("statistik.alpha", float),
        styrke=r.number("statistik.styrke", float),
        smd_graense=r.number("statistik.smd_graense", float),
        analyseplan=_analysis_plan(r, faser_raw),
        opfoelgning_uger=r.number("definitioner.opfoelgning_uger", int),
        lang_historik_aar=r.number("definitioner.lang_historik_aar", int),
        diskretionsgraense=r.number("definitioner.diskretionsgraense", int),
        planer_markeret_graense=r.number("definitioner.planer_markeret_graense", float),
        maks_filstoerrelse_mb=_file_size_limit(r),
        duckdb=_duckdb(r),
        faser={noegle: _fase(r, noegle) for noegle in faser_raw},
        diskretion_undtaget=_exempt(r),
        oekonomi=_oekonomi(r),
        forsoegsperiode=r.periode("forsoeg.forsoegsperiode") if "forsoegsperiode" in r.get("forsoeg") else None,
        medarbejdere=_staff(r),
    )
    _check_comparisons(config)
    return config


def _source_documents(r: _Reader) -> tuple[Kildedokument, ...]:
    """`oekonomi.kildedokumenter`: each "Navn: fuld titel", or a mapping with `navn`, `titel` and optionally
    `dato` (when it was published) and `fase` (the phase whose document evalkit makes is this one)."""
    documents = r.get("oekonomi.kildedokumenter")
    problem = ConfigError(
        f"Konfigurationsfilen {r.path}: 'oekonomi.kildedokumenter' skal være en liste, hvor hvert dokument er "
        "'Navn: fuld titel' eller har nøglerne navn og titel (og evt. dato og fase)."
    )
    if not isinstance(documents, list):
        raise problem
    found = []
    for i, item in enumerate(documents):
        if isinstance(item, str) and ":" in item:
            navn, titel = item.split(":", 1)
            found.append(Kildedokument(" ".join(navn.split()), " ".join(titel.split())))
        elif isinstance(item, dict) and isinstance(item.get("navn"), str) and isinstance(item.get("titel"), str):
            fase = item.get("fase")
            if fase is not None and fase not in (r.get("faser") or {}):
                raise ConfigError(f"Konfigurationsfilen {r.path}: 'oekonomi.kildedokumenter[{i}].fase' skal være en "
                                  f"af faserne, fandt '{fase}'.")
            dato = r.date(f"oekonomi.kildedokumenter[{i}].dato", item["dato"]) if "dato" in item else None
            found.append(Kildedokument(" ".join(item["navn"].split()), " ".join(item["titel"].split()), dato,
                                       None if fase is None else str(fase)))
        else:
            raise problem
    return tuple(found)


def _analysis_plan(r: _Reader, faser: dict[str, Any]) -> Analyseplan:
    """`statistik.analyseplan`, checked: known outcomes, the primary outcome in the family, no outcome both
    in the family and secondary, a known analysis and covariates, a configured confirmatory phase."""
    base = "statistik.analyseplan"

    def names(key: str, allowed: tuple[str, ...], may_be_empty: bool = False) -> tuple[str, ...]:
        value = r.get(f"{base}.{key}")
        if (not isinstance(value, list) or (not value and not may_be_empty) or len(set(value)) != len(value)
                or any(v not in allowed for v in value)):
            raise ConfigError(f"Konfigurationsfilen {r.path}: '{base}.{key}' skal være en liste uden gentagelser "
                              f"med nogle af {', '.join(allowed)}; fandt '{value}'.")
        return tuple(str(v) for v in value)

    familie = names("familie", UDFALD)
    sekundaere = names("sekundaere_udfald", UDFALD, may_be_empty=True)
    primary = r.get(f"{base}.primaert_udfald")
    if primary not in familie:
        raise ConfigError(f"Konfigurationsfilen {r.path}: '{base}.primaert_udfald' skal være et af udfaldene i "
                          f"'{base}.familie' ({', '.join(familie)}); fandt '{primary}'.")
    both = [k for k in sekundaere if k in familie]
    if both:
        raise ConfigError(f"Konfigurationsfilen {r.path}: {', '.join(both)} står både i '{base}.familie' og i "
                          f"'{base}.sekundaere_udfald'; et udfald hører til ét af stederne.")
    analysis = r.get(f"{base}.primaer_analyse")
    if analysis not in ANALYSER:
        raise ConfigError(f"Konfigurationsfilen {r.path}: '{base}.primaer_analyse' skal være "
                          f"{' eller '.join(ANALYSER)}; fandt '{analysis}'.")
    phase = r.get(f"{base}.bekraeftende_fase")
    if phase not in faser:
        raise ConfigError(f"Konfigurationsfilen {r.path}: '{base}.bekraeftende_fase' skal være en af faserne "
                          f"({', '.join(faser)}); fandt '{phase}'.")
    alpha, power = r.number("statistik.alpha", float), r.number("statistik.styrke", float)
    for key, value in (("statistik.alpha", alpha), ("statistik.styrke", power)):
        if not 0 < value < 1:
            raise ConfigError(f"Konfigurationsfilen {r.path}: '{key}' skal ligge mellem 0 og 1; fandt '{value}'.")
    return Analyseplan(str(primary), familie, sekundaere, str(analysis), names("kovariater", KOVARIATER),
                       alpha, power, str(phase))


def _staff(r: _Reader) -> dict[str, int]:
    """`forsoeg.medarbejdere`: the trial department's staff, {role in Danish plural: count}; optional."""
    staff = r.get("forsoeg").get("medarbejdere") or {}
    if not isinstance(staff, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in staff.values()
    ):
        raise ConfigError(
            f"Konfigurationsfilen {r.path}: 'forsoeg.medarbejdere' skal være en mapping fra en stillingsbetegnelse "
            "til et antal medarbejdere (et helt tal)."
        )
    return {str(role): n for role, n in staff.items()}


def _check_comparisons(config: Config) -> None:
    """A phase compares only with a phase configured before it (so it is computed first)."""
    order = list(config.faser)
    for noegle, fase in config.faser.items():
        other = fase.sammenlign_med
        if other is not None and (other not in config.faser or order.index(other) >= order.index(noegle)):
            raise ConfigError(
                f"Konfigurationsfilen {config.sti}: 'faser.{noegle}.sammenlign_med' skal være en fase, der står "
                f"før '{noegle}' i filen; fandt '{other}'."
            )
