"""A large synthetic data set for the scale benchmark (issue 8): a job centre's population, not the trial's.

`panel(config, borgere, seed)` builds all seven contract tables for `borgere` invented citizens
(110,000 by default, about a year's kontanthjælp recipients in a large job centre), each with one
`ydelser` row per week from the start week to the last follow-up week of the configuration
(130 weeks with `forsoeg.yml`, so 14.3 million rows; `uger` sets another number of weeks, the extra ones
as history before the start week: 520 weeks, a decade, give 57.2 million rows). Unlike `evalkit.data.simulering.eksempel` nothing is calibrated:
the point is size and realistic structure, drawn with vectorised numpy from one seed:

- borgere: forsøg and kontrol at random (half each), the trial department for forsøg and the other
  configured departments for kontrol, sex and origin in about the trial's proportions, a current
  kontanthjælp spell from 0 to 15 years before the start (about 40 % of 3 years or more, 0.1 % unknown),
  age and years on public benefits consistent with it;
- ydelser: a weekly Markov chain. Nearly everybody is on kontanthjælp in the start week; each week a
  citizen on kontanthjælp leaves with a small probability (higher in forsøg, lower with a long history)
  to one of the other statuses, and citizens off kontanthjælp return with a status-dependent probability;
- virksomhedsplaceringer, samtaler (about one interview every 13 weeks on kontanthjælp) and
  forberedende_planer (citizens who reach a rehabilitation status, and some others) follow the panel;
- the two HR tables are the example's (`evalkit.data.simulering.eksempel`): they describe departments, not citizens.

`generate_panel` writes the tables as Parquet (one file per table), the format that suits 14 million rows;
ydelser is written in batches of citizens, so a billion rows need no more memory than their status matrix.
Everything satisfies the data contract, so `evalkit validate` and `evalkit build` accept the directory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from evalkit.config import GROUPS, Config, load_config
from evalkit.data.contract import TABLES, YDELSER
from evalkit.data.simulering.maal import EXAMPLE_TARGETS
from evalkit.data.simulering.personale import _hr
from evalkit.data.simulering.tidslinje import _timeline, final_phase

BORGERE = 110_000
SEED = 2026
CODE = {name: i for i, name in enumerate(YDELSER)}
KH = CODE["kontanthjaelp"]
# Weekly chance of leaving kontanthjælp per group (a long history multiplies it by LONG_HISTORY_FACTOR).
EXIT_HAZARD = {"forsoeg": 0.0075, "kontrol": 0.0062}
LONG_HISTORY_FACTOR = 0.6
# Where an exit goes (status codes other than kontanthjælp), per group.
DESTINATIONS = ("smaajob", "beskaeftigelse", "uddannelse", "ressourceforloeb", "fleksjob", "foertidspension",
                "sygedagpenge", "andet")
DESTINATION_P = {
    "forsoeg": (0.10, 0.28, 0.07, 0.22, 0.06, 0.07, 0.10, 0.10),
    "kontrol": (0.12, 0.30, 0.08, 0.14, 0.05, 0.05, 0.13, 0.13),
}
# Weekly chance of returning to kontanthjælp from each status (førtidspension is for good).
RETURN_HAZARD = {
    "smaajob": 0.04, "beskaeftigelse": 0.015, "uddannelse": 0.02, "ressourceforloeb": 0.01, "fleksjob": 0.005,
    "foertidspension": 0.0, "sygedagpenge": 0.08, "andet": 0.03,
}
INTERVIEW_EVERY_WEEKS = 13
CHUNK_CITIZENS = 20_000  # ydelser is written this many citizens at a time
PLACEMENT_SHARE = {"forsoeg": 0.55, "kontrol": 0.48}


def _ids(n: int) -> np.ndarray:
    """Pseudonymous ids B000001, B000002, ... (never CPR-like: they start with a letter)."""
    width = max(6, len(str(n)))
    return np.array([f"B{i:0{width}d}" for i in range(1, n + 1)])


def _borgere(config: Config, n: int, rng: np.random.Generator) -> pd.DataFrame:
    start = config.startdato
    threshold_days = (start - config.lang_historik_graense).days
    gruppe = np.where(rng.random(n) < 0.5, GROUPS[0], GROUPS[1])
    gruppe[:2] = GROUPS  # both groups present, whatever n
    others = [a for a in config.afdelinger if a != config.forsoegsafdeling] or [config.forsoegsafdeling]
    afdeling = np.where(gruppe == "forsoeg", config.forsoegsafdeling, np.array(others)[rng.integers(0, len(others), n)])
    lang = rng.random(n) < 0.4
    missing = rng.random(n) < 0.001
    days = np.where(
        lang,
        threshold_days + np.minimum(np.floor(rng.gamma(1.6, 1.8, n) * 365.25), 12 * 365),
        7 + rng.integers(0, threshold_days - 8, n),
    ).astype("int64")
    since_years = np.where(missing, 0.0, days / 365.25)
    lo_age = 18 + np.ceil(since_years).astype("int64")
    alder = np.clip(np.rint(rng.normal(44.5, 10.0, n) + 3.5 * lang).astype("int64"), lo_age, 64)
    cents = np.ceil((since_years + rng.gamma(1.3, 1.6, n)) * 100).astype("int64")
    cents = np.clip(cents, np.ceil(since_years * 100).astype("int64"), (alder - 18) * 100)
    siden = np.datetime64(start, "D") - days.astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "borger_id": _ids(n),
            "gruppe": gruppe,
            "afdeling": afdeling,
            "koen": np.where(rng.random(n) < 0.41, "K", "M"),
            "alder": alder,
            "herkomst": np.array(["dansk", "vestlig", "ikke-vestlig"])[
                rng.choice(3, size=n, p=[0.64, 0.06, 0.30])
            ],
            "offentlig_forsoergelse_aar": cents / 100,
            "kontanthjaelp_siden": pd.Series(siden.astype("datetime64[ns]")).mask(missing),
        }
    )


def status_matrix(borgere: pd.DataFrame, graense: dt.date, n_weeks: int, rng: np.random.Generator) -> np.ndarray:
    """The (citizens × weeks) matrix of status codes (int8, codes of `contract.YDELSER`); `graense` is the
    long-history threshold date."""
    n = len(borgere)
    forsoeg = (borgere["gruppe"] == "forsoeg").to_numpy()
    long_history = (borgere["kontanthjaelp_siden"] <= pd.Timestamp(graense)).to_numpy()  # NaT is never long
    hazard = np.where(forsoeg, EXIT_HAZARD["forsoeg"], EXIT_HAZARD["kontrol"])
    hazard = hazard * np.where(long_history, LONG_HISTORY_FACTOR, 1.0)
    dest_codes = np.array([CODE[d] for d in DESTINATIONS], dtype="int8")
    cumulative = {g: np.cumsum(DESTINATION_P[g]) for g in GROUPS}
    back = np.zeros(len(YDELSER))
    for status, p in RETURN_HAZARD.items():
        back[CODE[status]] = p
    S = np.empty((n, n_weeks), dtype="int8")
    S[:, 0] = np.where(rng.random(n) < 0.97, KH, CODE["smaajob"])
    for t in range(1, n_weeks):
        now = S[:, t - 1].copy()
        u = rng.random(n)
        on_kh = now == KH
        leave = on_kh & (u < hazard)
        pick = rng.random(n)
        choice = np.where(
            forsoeg,
            np.searchsorted(cumulative["forsoeg"], pick * cumulative["forsoeg"][-1]),
            np.searchsorted(cumulative["kontrol"], pick * cumulative["kontrol"][-1]),
        )
        now[leave] = dest_codes[choice[leave]]
        now[~on_kh & (u < back[S[:, t - 1]])] = KH
        S[:, t] = now
    return S


@dataclass(frozen=True)
class Ydelsespanel:
    """The ydelser table of the panel, kept as its (citizens × weeks) matrix of status codes until it is
    written (`batches`): at a decade of weeks for a million citizens the table itself would not fit in memory."""

    ids: np.ndarray  # borger_id per citizen
    statuses: np.ndarray  # int8 codes of `contract.YDELSER`, citizens × weeks
    mondays: np.ndarray  # datetime64[D] per week

    @property
    def num_rows(self) -> int:
        return self.statuses.size

    def batches(self, citizens: int = CHUNK_CITIZENS) -> Iterator[pa.RecordBatch]:
        """The rows, citizen by citizen and week by week, in batches of `citizens` citizens."""
        weeks = len(self.mondays)
        names = pa.array(list(YDELSER))
        for top in range(0, len(self.ids), citizens):
            block = self.statuses[top : top + citizens]
            index = np.repeat(np.arange(len(block), dtype="int32"), weeks)
            ids = pa.DictionaryArray.from_arrays(pa.array(index), pa.array(self.ids[top : top + citizens]))
            codes = pa.DictionaryArray.from_arrays(pa.array(block.ravel().astype("int32")), names)
            yield pa.record_batch(
                {
                    "borger_id": ids.cast(pa.string()),
                    "uge": pa.array(np.tile(self.mondays, len(block)).astype("datetime64[ms]")),
                    "ydelse": codes.cast(pa.string()),
                }
            )

    def to_table(self) -> pa.Table:
        return pa.Table.from_batches(list(self.batches()))


def _history(borgere: pd.DataFrame, mondays: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Statuses in the weeks before the start week (`mondays`): kontanthjælp from the citizen's
    kontanthjaelp_siden on (and throughout when it is unknown), before it one other status per citizen."""
    before = np.array([CODE[d] for d in ("beskaeftigelse", "smaajob", "uddannelse", "sygedagpenge", "andet")], dtype="int8")
    base = before[rng.integers(0, len(before), len(borgere))]
    since = borgere["kontanthjaelp_siden"].to_numpy().astype("datetime64[D]")
    on_kh = np.isnat(since)[:, None] | (mondays[None, :] >= since[:, None])
    return np.where(on_kh, np.int8(KH), base[:, None])


def _placeringer(borgere: pd.DataFrame, config: Config, rng: np.random.Generator) -> pd.DataFrame:
    periode = final_phase(config).placeringsperiode
    p0 = np.datetime64(periode.start, "D")
    span = int((np.datetime64(periode.slut, "D") - p0).astype(int))
    share = np.where(borgere["gruppe"] == "forsoeg", PLACEMENT_SHARE["forsoeg"], PLACEMENT_SHARE["kontrol"])
    placed = np.flatnonzero(rng.random(len(borgere)) < share)
    second = placed[rng.random(placed.size) < 0.25]
    who = np.concatenate([placed, second])
    m = who.size
    praktik = rng.random(m) < 0.7
    start = p0 + rng.integers(-60, span + 120, m).astype("timedelta64[D]")
    length = np.where(praktik, rng.integers(28, 92, m), rng.integers(91, 366, m))
    slut = pd.Series((start + (length - 1).astype("timedelta64[D]")).astype("datetime64[ns]"))
    ongoing = (start > p0 + span - 90) & (rng.random(m) < 0.25)
    frame = pd.DataFrame(
        {
            "borger_id": borgere["borger_id"].to_numpy()[who],
            "type": np.where(praktik, "praktik", "loentilskud"),
            "start": start.astype("datetime64[ns]"),
            "slut": slut.mask(ongoing),
        }
    )
    return frame.sort_values(["borger_id", "start"], kind="mergesort", ignore_index=True)


def _samtaler(borgere: pd.DataFrame, S: np.ndarray, mondays: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    held = (S == KH) & (rng.random(S.shape) < 1 / INTERVIEW_EVERY_WEEKS)
    citizen, week = np.nonzero(held)
    m = citizen.size
    dato = mondays[week] + rng.integers(0, 5, m).astype("timedelta64[D]")
    late_share = np.where(borgere["gruppe"].to_numpy()[citizen] == "forsoeg", 0.10, 0.18)
    late = rng.random(m) < late_share
    frist = np.where(late, dato - rng.integers(1, 29, m).astype("timedelta64[D]"),
                     dato + rng.integers(0, 22, m).astype("timedelta64[D]"))
    return pd.DataFrame(
        {
            "borger_id": borgere["borger_id"].to_numpy()[citizen],
            "dato": dato.astype("datetime64[ns]"),
            "frist": frist.astype("datetime64[ns]"),
        }
    )


def _planer(borgere: pd.DataFrame, S: np.ndarray, config: Config, rng: np.random.Generator) -> pd.DataFrame:
    final = final_phase(config)
    first_day = np.datetime64(config.startdato, "D") + 14
    span = int((np.datetime64(final.maaleperiode.slut, "D") - first_day).astype(int))
    rehab = np.isin(S, [CODE["ressourceforloeb"], CODE["fleksjob"], CODE["foertidspension"]]).any(axis=1)
    chosen = np.flatnonzero((rehab & (rng.random(len(borgere)) < 0.8)) | (rng.random(len(borgere)) < 0.03))
    m = chosen.size
    outcome = np.array(["indstillet", "udskudt", "afvist", ""])[rng.choice(4, size=m, p=[0.5, 0.2, 0.15, 0.15])]
    return pd.DataFrame(
        {
            "borger_id": borgere["borger_id"].to_numpy()[chosen],
            "dato": (first_day + rng.integers(0, span + 1, m).astype("timedelta64[D]")).astype("datetime64[ns]"),
            "markeret": rng.random(m) < 0.93,
            "rehab_resultat": pd.Series(outcome).replace("", np.nan),
        }
    )


def panel(
    config: Config, borgere: int = BORGERE, seed: int = SEED, uger: int | None = None
) -> dict[str, pd.DataFrame | Ydelsespanel]:
    """All seven tables for `borgere` citizens (contract order); ydelser as a `Ydelsespanel` (written in
    batches), the others as DataFrames. `uger` weeks per citizen in ydelser (default: from the start week to
    the last follow-up week of the configuration, 130 weeks with forsoeg.yml): more weeks are history before
    the start week (`_history`), fewer end the panel early. The same configuration, size, weeks and seed give
    the same tables."""
    if borgere < 2:
        raise ValueError("the panel needs at least two citizens (one per group)")
    if uger is not None and uger < 1:
        raise ValueError("the panel needs at least the start week")
    rng = np.random.default_rng([seed, borgere])
    tl = _timeline(config)
    mondays = np.datetime64(tl.start_week, "D") + 7 * np.arange(tl.n_weeks)
    people = _borgere(config, borgere, rng)
    S = status_matrix(people, config.lang_historik_graense, tl.n_weeks, rng)
    if uger is not None and uger < tl.n_weeks:
        S, mondays = S[:, :uger], mondays[:uger]
    statuses, weeks = S, mondays
    if uger is not None and uger > tl.n_weeks:  # a separate stream: the trial's weeks stay as they are
        earlier = np.datetime64(tl.start_week, "D") - 7 * np.arange(uger - tl.n_weeks, 0, -1)
        statuses = np.hstack([_history(people, earlier, np.random.default_rng([seed, borgere, uger])), S])
        weeks = np.concatenate([earlier, mondays])
    tables = {
        "borgere": people,
        "ydelser": Ydelsespanel(people["borger_id"].to_numpy(dtype=str), statuses, weeks),
        "virksomhedsplaceringer": _placeringer(people, config, rng),
        "samtaler": _samtaler(people, S, mondays, rng),
        "forberedende_planer": _planer(people, S, config, rng),
    }
    tables["sygefravaer"], tables["medarbejderomsaetning"] = _hr(config, EXAMPLE_TARGETS, seed)
    return {name: tables[name] for name in TABLES}


def write_panel(tables: dict[str, pd.DataFrame | Ydelsespanel], out_dir: Path) -> None:
    """Write each table as ``NAME.parquet`` (months as the first day of the month); ydelser batch by batch,
    so that a panel larger than memory as a table can be written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        if isinstance(table, Ydelsespanel):
            batches = table.batches()
            first = next(batches)
            with pq.ParquetWriter(out_dir / f"{name}.parquet", first.schema) as writer:
                writer.write_batch(first)
                for batch in batches:
                    writer.write_batch(batch)
            continue
        columns = list(TABLES[name].column_names)
        pq.write_table(pa.Table.from_pandas(table[columns], preserve_index=False), out_dir / f"{name}.parquet")


def generate_panel(
    out_dir: Path, config_path: Path, borgere: int = BORGERE, seed: int = SEED, uger: int | None = None
) -> None:
    """Build the panel with the configuration at `config_path` and write it to `out_dir` as Parquet."""
    write_panel(panel(load_config(config_path), borgere, seed, uger), Path(out_dir))
