"""Property test: on contract-conforming data sets other than the example, every outcome in each
phase's `resultater.json` (written by the real build) agrees to 1e-4 with a direct computation of
the data contract's definitions (sections 3 and 4), done here from the raw CSV files.

The reference below is written from the contract's words with plain pandas/Python and scipy's normal
distribution; it imports nothing from evalkit's measurement, statistics or results code. Only the
configuration is read through evalkit (`load_config`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ROOT, panel, small_tables, write_tables
from scipy.stats import norm

from evalkit.bygning import pipeline
from evalkit.bygning.build import build
from evalkit.bygning.udgivelse import intern_dir
from evalkit.config import Config, load_config
from evalkit.data.simulering.eksempel import EXAMPLE_TARGETS, simulate, write_dataset
from evalkit.render import Renderer

GROUPS = ("forsoeg", "kontrol")
PHASES = ("midtvejs", "slut")
KH = "kontanthjaelp"
# Contract section 3: status in the follow-up week -> outcome key.
DESTINATION = {
    "beskaeftigelse": "beskaeftigelse",
    "smaajob": "smaajob",
    "uddannelse": "uddannelse",
    "ressourceforloeb": "ressourceforloeb",
    "fleksjob": "fleksjob",
    "foertidspension": "foertidspension",
    "sygedagpenge": "andet",
    "andet": "andet",
}
DESTINATION_KEYS = tuple(dict.fromkeys(DESTINATION.values()))
OUTCOME_KEYS = (*DESTINATION_KEYS, "virksomhedsplacering", "lang_kh_reduktion")
TOL = 1e-4

CONFIG: Config = load_config(ROOT / "forsoeg.yml")


class NoRender(Renderer):
    """Runs nothing: the build executes every notebook and writes resultater.json, but renders no document."""

    name = "ingen"

    def version(self) -> str:
        return "ingen"

    def render(self, project: Path, source: Path, metadata: dict[str, str], timestamp: int | None = None) -> dict[str, Path]:
        return {}


# --------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------


def simulated(directory: Path) -> Path:
    """A simulated data set that is not the example: another seed, a few hundred citizens and other counts
    (including an outcome with no events in one group)."""
    f = dataclasses.replace(
        EXAMPLE_TARGETS.grupper["forsoeg"],
        n=240, herkomst={"dansk": 150, "vestlig": 20, "ikke-vestlig": 70}, koen={"K": 100, "M": 140},
        alder_mean=44.0, forsoergelse_mean=4.8, lang_historik=90, kort_historik=148, uden_startdato=2,
        udfald={"beskaeftigelse": 30, "smaajob": 6, "uddannelse": 9, "ressourceforloeb": 20, "fleksjob": 5,
                "foertidspension": 4, "andet": 12},
        placeret=110, lang_kh_status=70, samtaler_pr_uge=40, rettidige_pr_uge=36, rettidig_pct=90, planer=60,
    )
    k = dataclasses.replace(
        EXAMPLE_TARGETS.grupper["kontrol"],
        n=200, herkomst={"dansk": 120, "vestlig": 30, "ikke-vestlig": 50}, koen={"K": 90, "M": 110},
        alder_mean=46.5, forsoergelse_mean=5.6, lang_historik=60, kort_historik=140, uden_startdato=0,
        udfald={"beskaeftigelse": 22, "smaajob": 0, "uddannelse": 12, "ressourceforloeb": 8, "fleksjob": 7,
                "foertidspension": 9, "andet": 10},
        placeret=70, lang_kh_status=52, samtaler_pr_uge=45, rettidige_pr_uge=37, rettidig_pct=82, planer=30,
    )
    targets = dataclasses.replace(EXAMPLE_TARGETS, grupper={"forsoeg": f, "kontrol": k})
    write_dataset(simulate(CONFIG, seed=7, targets=targets), directory)
    return directory


WEEKS = 130  # week 0 = 2018-01-01; week 121 = 2020-04-27, the last Monday of the final måleperiode


def spells(*changes: tuple[int, str], end: int = WEEKS) -> list[str]:
    """Weekly statuses from change points (week, status), the first at week 0; rows stop before `end`."""
    out = []
    for (week, status), nxt in zip(changes, [*changes[1:], (end, "")]):
        out += [status] * (min(nxt[0], end) - week)
    return out


def handmade_tables() -> dict[str, pd.DataFrame]:
    """Tiny groups (8 and 8) with the edge cases of contract section 3.

    Expected outcomes (midtvejs / slut) are noted per citizen; weeks are indices from 2018-01-01.
    """
    S, B, U, R, FP, SD, A = "smaajob", "beskaeftigelse", "uddannelse", "ressourceforloeb", "foertidspension", "sygedagpenge", "andet"
    statuses = {
        # first exit is back on kontanthjælp exactly at t+k (does not count), a later one does: smaajob / smaajob
        "F1": spells((0, KH), (10, B), (18, KH), (30, S)),
        # exit in week 0, the previous week (below) lies before the period: beskaeftigelse / beskaeftigelse
        "F2": spells((0, B)),
        # exit with destination kontanthjælp, then a late exit with no row at t+k: fortsat / fortsat
        "F3": spells((0, KH), (40, SD), (43, KH), (115, A), end=120),
        # via sygedagpenge, destination at t+k lies after the mid-term period: ressourceforloeb / ressourceforloeb
        "F4": spells((0, KH), (50, SD), (53, R)),
        # exit after the mid-term period: fortsat / foertidspension
        "F5": spells((0, KH), (60, FP)),
        "F6": spells((0, KH)),  # fortsat / fortsat
        # back on kontanthjælp after t+k (still counts): fortsat / uddannelse
        "F7": spells((0, KH), (100, U), (110, KH)),
        # exit in the last week of the final period, destination in the panel's last row: fortsat / beskaeftigelse
        "F8": spells((0, KH), (121, B)),
        "K1": spells((0, KH), (122, B)),  # exit the week after the final period: fortsat / fortsat
        "K2": spells((0, KH), (5, A)),  # andet / andet
        "K3": spells((0, KH), (20, B)),  # beskaeftigelse / beskaeftigelse
        # off kontanthjælp in week 0 after sygedagpenge (below): not an exit; fortsat / uddannelse
        "K4": spells((0, B), (3, KH), (70, U)),
        # off kontanthjælp in week 0 with no earlier row: not an exit; fortsat / fortsat
        "K5": spells((0, B), (10, KH)),
        "K6": spells((0, KH)),  # fortsat / fortsat
        # exit on the mid-term period's last day (a Monday), sygedagpenge at t+k: andet / andet
        "K7": spells((0, KH), (52, SD), (80, KH)),
        "K8": spells((0, KH)),  # fortsat / fortsat
    }
    ydelser = pd.concat(
        [panel(statuses), panel({"F2": [KH]}, start="2017-12-25"), panel({"K4": [SD]}, start="2017-12-25")],
        ignore_index=True,
    )
    ids = list(statuses)
    n = len(ids)
    date = pd.Timestamp
    siden = {  # long history: on or before 2015-01-01
        "F1": "2017-06-01", "F2": "2015-01-01", "F3": None, "F4": "2010-05-01", "F5": "2012-02-01",
        "F6": "2015-01-02", "F7": "2014-08-15", "F8": "2016-03-01",
        "K1": "2014-12-31", "K2": "2016-09-01", "K3": "2009-01-01", "K4": "2013-03-01", "K5": "2017-01-01",
        "K6": None, "K7": "2011-11-11", "K8": "2013-07-01",
    }
    borgere = pd.DataFrame(
        {
            "borger_id": ids,
            "gruppe": ["forsoeg" if b.startswith("F") else "kontrol" for b in ids],
            "afdeling": ["JKI Job og Indsats 6" if b.startswith("F") else "JKI Job og Indsats 1" for b in ids],
            "koen": [("K", "M", "M")[i % 3] for i in range(n)],
            "alder": [25 + 3 * i for i in range(n)],
            "herkomst": [("dansk", "vestlig", "ikke-vestlig", "dansk", "dansk")[i % 5] for i in range(n)],
            "offentlig_forsoergelse_aar": [1.0 + 0.5 * i for i in range(n)],
            "kontanthjaelp_siden": [date(siden[b]) if siden[b] else pd.NaT for b in ids],
        }
    )
    placements = [  # mid-term period 2018; final 2018-2019
        ("F1", "praktik", "2017-11-20", "2018-01-01"),  # ends on the first day: counts in both
        ("F2", "loentilskud", "2018-12-31", "2019-03-31"),  # starts on the mid-term period's last day
        ("F3", "praktik", "2017-06-01", None),  # ongoing since before the period
        ("F4", "praktik", "2018-05-01", "2018-06-30"),
        ("F5", "loentilskud", "2018-03-01", None),
        ("F6", "praktik", "2018-09-01", "2018-10-15"),
        ("F6", "praktik", "2020-02-01", "2020-03-01"),  # outside both periods
        ("F7", "praktik", "2018-02-01", "2018-02-28"),
        ("F8", "praktik", "2018-07-01", "2018-08-01"),
        ("K1", "praktik", "2017-10-01", "2017-12-31"),  # ends the day before: outside both
        ("K2", "loentilskud", "2019-01-01", None),  # the day after the mid-term period; inside the final one
        ("K3", "praktik", "2019-12-31", "2020-02-15"),  # starts on the final period's last day
        ("K4", "praktik", "2020-01-01", "2020-02-01"),  # the day after the final period
        ("K5", "loentilskud", "2020-03-01", None),  # ongoing, began after both periods
    ]
    placeringer = pd.DataFrame(
        [(b, t, date(s), date(e) if e else pd.NaT) for b, t, s, e in placements],
        columns=["borger_id", "type", "start", "slut"],
    )
    tables = small_tables()  # HR tables from here; the person tables are replaced
    tables["borgere"], tables["ydelser"], tables["virksomhedsplaceringer"] = borgere, ydelser, placeringer
    tables["samtaler"] = pd.DataFrame(
        {"borger_id": ids, "dato": [date("2018-03-05")] * n, "frist": [date("2018-03-01")] * 5 + [date("2018-03-09")] * (n - 5)}
    )
    tables["forberedende_planer"] = pd.DataFrame(
        {"borger_id": ["F4", "K4"], "dato": [date("2018-06-01")] * 2, "markeret": [True, False], "rehab_resultat": ["indstillet", None]}
    )
    return tables


def handmade(directory: Path) -> Path:
    return write_tables(handmade_tables(), directory)


DATASETS = {"simuleret": simulated, "haandlavet": handmade}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, dict[str, dict[str, Any]]]]:
    """Each data set's directory and its resultater.json per phase, from the real build. The builds run
    side by side (each notebook runs in its own kernel process)."""
    base = tmp_path_factory.mktemp("egenskaber")

    def one(name: str) -> tuple[Path, dict[str, dict[str, Any]]]:
        data = DATASETS[name](base / name / "data")
        out = base / name / "_output"
        build(data_dir=data, output_dir=out, faser=list(PHASES), renderer=NoRender(), allow_broken_premises=True)
        # the true numbers, also those the report hides: the internal copy beside the published folder
        intern = intern_dir(out)
        return data, {f: json.loads((intern / f / "resultater.json").read_text(encoding="utf-8")) for f in PHASES}

    # one after the other: papermill changes the process's working directory for each notebook, so builds
    # in threads of one process would race
    return {name: one(name) for name in DATASETS}


# --------------------------------------------------------------------------------------------
# Reference: contract sections 3 and 4, from the raw CSV files
# --------------------------------------------------------------------------------------------


def read(data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def counts(data: Path, fase_key: str) -> tuple[dict[str, int], dict[str, dict[str, tuple[int, int]]]]:
    """Group sizes, and per outcome key and group (events, denominator)."""
    fase = CONFIG.fase(fase_key)
    borgere = read(data, "borgere")
    gruppe = dict(zip(borgere["borger_id"], borgere["gruppe"]))
    n = {g: sum(1 for v in gruppe.values() if v == g) for g in GROUPS}

    # weekly status per citizen
    status: dict[str, dict[dt.date, str]] = {b: {} for b in gruppe}
    for b, uge, ydelse in read(data, "ydelser")[["borger_id", "uge", "ydelse"]].itertuples(index=False):
        status[b][day(uge)] = ydelse

    # Exits and destinations: an exit is a week t in [p0, p1] off kontanthjælp after a week on it; its
    # destination is the status at t + k (unknown without a row). The outcome is the destination of the
    # earliest exit with a known destination other than kontanthjælp.
    p0, p1 = fase.maaleperiode.start, fase.maaleperiode.slut
    lag, week = dt.timedelta(weeks=CONFIG.opfoelgning_uger), dt.timedelta(weeks=1)
    outcome: dict[str, str | None] = {}
    for b, weeks in status.items():
        outcome[b] = None
        for t in sorted(weeks):
            if p0 <= t <= p1 and weeks[t] != KH and weeks.get(t - week) == KH:
                dest = weeks.get(t + lag)
                if dest is not None and dest != KH:
                    outcome[b] = DESTINATION[dest]
                    break
    result = {key: {g: (sum(1 for b in gruppe if gruppe[b] == g and outcome[b] == key), n[g]) for g in GROUPS}
              for key in DESTINATION_KEYS}

    # Company placements: at least one placement with start <= period end and (no slut or slut >= period start).
    q0, q1 = fase.placeringsperiode.start, fase.placeringsperiode.slut
    placed = {
        b for b, start, slut in read(data, "virksomhedsplaceringer")[["borger_id", "start", "slut"]].itertuples(index=False)
        if day(start) <= q1 and (not slut or day(slut) >= q0)
    }
    result["virksomhedsplacering"] = {g: (sum(1 for b in placed if gruppe[b] == g), n[g]) for g in GROUPS}

    # Long-term group: kontanthjaelp_siden (non-empty) <= start date minus the configured calendar years;
    # still on kontanthjælp = status kontanthjaelp in the week containing the status date (no row: not on it).
    start = CONFIG.startdato
    limit = start.replace(year=start.year - CONFIG.lang_historik_aar)
    lang = [b for b, siden in zip(borgere["borger_id"], borgere["kontanthjaelp_siden"]) if siden and day(siden) <= limit]
    status_week = monday(fase.statusdato)
    result["lang_kh_reduktion"] = {}
    for g in GROUPS:
        members = [b for b in lang if gruppe[b] == g]
        still = sum(1 for b in members if status[b].get(status_week) == KH)
        result["lang_kh_reduktion"][g] = (len(members) - still, len(members))
    return n, result


def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def statistics(x1: int, n1: int, x2: int, n2: int, alpha: float) -> dict[str, float | None]:
    """Difference, Newcombe's hybrid score interval and the pooled two-proportion z-test p-value.

    Convention (as evalkit writes it): with an empty group everything is None; p is None when the pooled
    share is 0 or 1 (no events, or only events, in both groups: the z statistic is 0/0)."""
    if not n1 or not n2:
        return {"forskel": None, "ci_nedre": None, "ci_oevre": None, "p": None}
    z = norm.ppf(1 - alpha / 2)
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1, z), wilson(x2, n2, z)
    d = p1 - p2
    pooled = (x1 + x2) / (n1 + n2)
    p = None
    if 0 < pooled < 1:
        stat = d / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        p = 2 * norm.sf(abs(stat))
    return {
        "forskel": d,
        "ci_nedre": d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        "ci_oevre": d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
        "p": p,
    }


def holm(p: dict[str, float | None]) -> dict[str, float | None]:
    """Holm's step-down adjustment over the keys with a p-value; the others stay None (and do not count in m)."""
    defined = sorted((v, k) for k, v in p.items() if v is not None)
    m = len(defined)
    adjusted: dict[str, float | None] = {k: None for k in p}
    running = 0.0
    for rank, (value, key) in enumerate(defined):
        running = max(running, (m - rank) * value)
        adjusted[key] = min(1.0, running)
    return adjusted


def reference(data: Path, fase_key: str) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    n, outcome_counts = counts(data, fase_key)
    udfald = {}
    for key, by_group in outcome_counts.items():
        (x1, n1), (x2, n2) = by_group["forsoeg"], by_group["kontrol"]
        entry: dict[str, Any] = {g: {"antal": x, "n": m, "andel": x / m if m else None} for g, (x, m) in by_group.items()}
        entry.update(statistics(x1, n1, x2, n2, CONFIG.alpha))
        udfald[key] = entry
    family = [k for k in CONFIG.analyseplan.familie if k in udfald]
    for key, value in holm({k: udfald[k]["p"] for k in family}).items():
        udfald[key]["p_holm"] = value
    return n, udfald


# --------------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------------


def assert_close(got: Any, want: Any, where: str) -> None:
    if want is None:
        assert got is None, f"{where}: expected undefined (None), got {got}"
    else:
        assert got is not None, f"{where}: expected {want}, got None"
        assert got == pytest.approx(want, abs=TOL), f"{where}: expected {want}, got {got}"


@pytest.mark.parametrize("fase", PHASES)
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_resultater_agree_with_contract_definitions(built, dataset: str, fase: str):
    data, results = built[dataset]
    got = results[fase]
    n, want = reference(data, fase)
    periode = CONFIG.fase(fase).maaleperiode

    assert got["fase"] == fase
    assert got["maaleperiode"] == {"start": periode.start.isoformat(), "slut": periode.slut.isoformat()}
    assert {g: got["grupper"][g]["n"] for g in GROUPS} == n
    assert set(OUTCOME_KEYS) <= set(got["udfald"])
    for key in OUTCOME_KEYS:
        entry, ref = got["udfald"][key], want[key]
        for g in GROUPS:
            assert entry[g]["antal"] == ref[g]["antal"], f"{dataset}/{fase}/{key}/{g}/antal"
            assert entry[g]["n"] == ref[g]["n"], f"{dataset}/{fase}/{key}/{g}/n"
            assert_close(entry[g]["andel"], ref[g]["andel"], f"{dataset}/{fase}/{key}/{g}/andel")
        for stat in ("forskel", "ci_nedre", "ci_oevre", "p"):
            assert_close(entry[stat], ref[stat], f"{dataset}/{fase}/{key}/{stat}")
        if key in CONFIG.analyseplan.familie:
            assert_close(entry["p_holm"], ref["p_holm"], f"{dataset}/{fase}/{key}/p_holm")
        else:  # `andet` (a residual category) and the secondary outcomes lie outside the Holm family
            assert entry.get("p_holm") is None, f"{dataset}/{fase}/{key}/p_holm"


def test_handmade_data_hit_the_edge_cases(built):
    """The hand-made data set really exercises the cases it was made for (guards the fixture itself)."""
    data, _ = built["haandlavet"]
    _, mid = reference(data, "midtvejs")
    _, final = reference(data, "slut")
    # zero events in both groups: p undefined
    assert mid["fleksjob"]["p"] is None and final["fleksjob"]["p"] is None
    # one group has all, the other none
    assert mid["virksomhedsplacering"]["forsoeg"]["andel"] == 1 and mid["virksomhedsplacering"]["kontrol"]["antal"] == 0
    assert final["lang_kh_reduktion"]["forsoeg"]["andel"] == 1
    assert {k: (mid[k]["forsoeg"]["antal"], mid[k]["kontrol"]["antal"]) for k in DESTINATION_KEYS} == {
        "beskaeftigelse": (1, 1), "smaajob": (1, 0), "uddannelse": (0, 0), "ressourceforloeb": (1, 0),
        "fleksjob": (0, 0), "foertidspension": (0, 0), "andet": (0, 2),
    }
    assert {k: (final[k]["forsoeg"]["antal"], final[k]["kontrol"]["antal"]) for k in DESTINATION_KEYS} == {
        "beskaeftigelse": (2, 1), "smaajob": (1, 0), "uddannelse": (1, 1), "ressourceforloeb": (1, 0),
        "fleksjob": (0, 0), "foertidspension": (1, 0), "andet": (0, 2),
    }
    assert final["virksomhedsplacering"]["kontrol"]["antal"] == 2
    assert [mid["lang_kh_reduktion"][g]["antal"] for g in GROUPS] == [2, 2]


def test_no_one_placed_in_a_group_of_seven(tmp_path):
    """Regression: statsmodels' Wilson interval for 0/7 has a lower bound of 2.8e-17 (and 7/7 an upper bound
    a hair below 1); the placements figure's error bars must not turn negative and stop the build."""
    tables = handmade_tables()
    for name in ("borgere", "ydelser", "samtaler"):
        tables[name] = tables[name][tables[name]["borger_id"] != "K8"]
    data = write_tables(tables, tmp_path / "data")
    jobs = pipeline.plan(ROOT / "notebooks", ["midtvejs"], data, ROOT / "forsoeg.yml", tmp_path / "_build")
    pipeline.run(next(job for job in jobs if job.notebook == "virksomhedsplaceringer"))
