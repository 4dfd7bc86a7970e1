"""Scale benchmark (issue 8): load and validate a job centre's panel, run the measurement layer and a
naive pandas reference on it, each run in a fresh subprocess; prints the medians.

    .venv/bin/python benchmarks/maaling.py [--borgere 110000] [--gentagelser 5] [--naiv-borgere 10000]

The panel (`evalkit.data.simulering.storskala`) is generated once and cached in benchmarks/_data/. Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "src"), str(HERE)]

FASER = ("midtvejs", "slut")


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: kilobytes


def _load(data: Path):
    from evalkit.config import load_config
    from evalkit.data.loading import load_tables

    config = load_config(ROOT / "forsoeg.yml")
    start = time.perf_counter()
    tables = load_tables(data, None, config)
    return config, tables, time.perf_counter() - start


def measure_layer(data: Path) -> dict:
    """Load+validate all seven tables, then the measurement layer of each phase (time), then the slut phase
    again under tracemalloc (the peak of what it allocates beyond the loaded tables)."""
    import _maalelag

    config, tables, load_s = _load(data)
    result = {"indlaesning_s": load_s, "rss_efter_indlaesning_gb": _peak_gb()}
    for fase in FASER:
        start = time.perf_counter()
        _maalelag.run(tables, config, [fase])
        result[f"maalelag_{fase}_s"] = time.perf_counter() - start
    result["rss_top_gb"] = _peak_gb()
    tracemalloc.start()
    _maalelag.run(tables, config, ["slut"])
    result["maalelag_slut_tracemalloc_top_gb"] = tracemalloc.get_traced_memory()[1] / 1024**3
    tracemalloc.stop()
    return result


def measure_naive(data: Path, borgere: int) -> dict:
    """The naive reference on the first `borgere` citizens, slut phase."""
    import naiv

    config, tables, _ = _load(data)
    ids = tables["borgere"]["borger_id"].iloc[:borgere]
    sample_b = tables["borgere"].iloc[:borgere]
    sample_y = tables["ydelser"][tables["ydelser"]["borger_id"].isin(ids)]
    del tables
    before = _peak_gb()
    start = time.perf_counter()
    naiv.per_citizen(sample_b, sample_y, config, config.fase("slut").maaleperiode)
    return {"naiv_s": time.perf_counter() - start, "naiv_borgere": borgere, "rss_top_gb": _peak_gb(), "rss_foer_gb": before}


def _fresh(args: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _panel(borgere: int) -> Path:
    from evalkit.data.simulering.storskala import generate_panel

    data = HERE / "_data" / f"panel-{borgere}"
    if not (data / "ydelser.parquet").exists():
        start = time.perf_counter()
        generate_panel(data, ROOT / "forsoeg.yml", borgere)
        print(f"Panelet med {borgere:,} borgere er lavet på {time.perf_counter() - start:.1f} s ({data}).", file=sys.stderr)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borgere", type=int, default=110_000, help="antal borgere i panelet")
    parser.add_argument("--gentagelser", type=int, default=5, help="antal kørsler, hver i en ny proces")
    parser.add_argument("--naiv-borgere", type=int, default=10_000, help="stikprøve til den naive reference")
    parser.add_argument("--maal", choices=["lag", "naiv"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.maal == "lag":
        print(json.dumps(measure_layer(args.data)))
        return
    if args.maal == "naiv":
        print(json.dumps(measure_naive(args.data, args.naiv_borgere)))
        return
    data = _panel(args.borgere)
    runs = []
    for i in range(args.gentagelser):
        run = _fresh(["--maal", "lag", "--data", str(data)])
        naive = _fresh(["--maal", "naiv", "--data", str(data), "--naiv-borgere", str(min(args.naiv_borgere, args.borgere))])
        run.update({"naiv_s": naive["naiv_s"], "naiv_rss_top_gb": naive["rss_top_gb"]})
        runs.append(run)
        print(f"kørsel {i + 1}: " + ", ".join(f"{k}={v:.2f}" for k, v in run.items()), file=sys.stderr)
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    scale = args.borgere / min(args.naiv_borgere, args.borgere)
    rows = [
        ("Indlæsning og validering af alle syv tabeller", f"{median['indlaesning_s']:.1f} s"),
        ("Måleniveau, midtvejs (evalkit)", f"{median['maalelag_midtvejs_s']:.1f} s"),
        ("Måleniveau, slut (evalkit)", f"{median['maalelag_slut_s']:.1f} s"),
        ("Hukommelse, højeste RSS (data + måleniveau)", f"{median['rss_top_gb']:.2f} GB"),
        ("Hukommelse efter indlæsning (RSS)", f"{median['rss_efter_indlaesning_gb']:.2f} GB"),
        ("Måleniveau slut, tracemalloc-top ud over data", f"{median['maalelag_slut_tracemalloc_top_gb']:.2f} GB"),
        (f"Naiv pandas, slut, {min(args.naiv_borgere, args.borgere):,} borgere", f"{median['naiv_s']:.1f} s"),
        (f"Naiv pandas, slut, skaleret lineært til {args.borgere:,}", f"{median['naiv_s'] * scale:.0f} s"),
    ]
    print(f"Medianer af {args.gentagelser} kørsler, {args.borgere:,} borgere, {os.cpu_count()} kerner")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>10}")


if __name__ == "__main__":
    main()
