"""The trial configuration: every non-data choice (data contract, section 2), read from one YAML file.

No date, period or threshold is written anywhere else; notebooks and reports get them from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evalkit.errors import ConfigError

GROUPS = ("forsoeg", "kontrol")


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
    udfaldsfamilie: tuple[str, ...]
    opfoelgning_uger: int
    lang_historik_aar: int
    diskretionsgraense: int
    planer_markeret_graense: float
    faser: dict[str, Fase]

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

    def date(self, dotted: str) -> dt.date:
        value = self.get(dotted)
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
        udfaldsfamilie=tuple(str(k) for k in r.get("statistik.udfaldsfamilie")),
        opfoelgning_uger=r.number("definitioner.opfoelgning_uger", int),
        lang_historik_aar=r.number("definitioner.lang_historik_aar", int),
        diskretionsgraense=r.number("definitioner.diskretionsgraense", int),
        planer_markeret_graense=r.number("definitioner.planer_markeret_graense", float),
        faser={noegle: _fase(r, noegle) for noegle in faser_raw},
    )
    _check_comparisons(config)
    return config


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
