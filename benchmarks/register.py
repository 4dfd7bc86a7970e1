"""Scale benchmark of the two engines for the weekly panel (issue 20): the measurement layer of both phases
with ydelser in memory and in DuckDB, each run in a fresh process; prints the medians.

    .venv/bin/python benchmarks/register.py [--borgere 110000] [--uger 130] [--motor hukommelse duckdb]
                                            [--gentagelser 5] [--hukommelse-gb 4] [--traade 2]

A run with the engine `hukommelse` loads and checks all seven tables (as a kernel does) and runs the
measurement layer (`_maalelag`: every måleparameter's compute and to_json, both phases) on them. A run with
`duckdb` loads the six other tables, opens ydelser in DuckDB (`evalkit.data.duckdb_panel`: the compact
table and its check) and runs the same measurement layer with the panel there; ydelser is never loaded into
Python. Time and peak memory (the process's highest RSS, DuckDB included) per run, the part of the time
spent answering the measures' questions to the panel (`ydelsespanel_s`; the rest is statistics) and the size
of DuckDB's database file. The engines take turns run by run. The panel (`evalkit simulate --borgere N --uger W`) is generated once and cached in
benchmarks/_data/. Not part of pytest.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "src"), str(HERE)]

FASER = ["midtvejs", "slut"]
PANEL_MODULES = ("baseline", "afgange", "langtidsgruppen", "varighed")  # the measures that read ydelser


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: kilobytes


def _folder_gb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e9


def _timed_panel() -> dict[str, float]:
    """Time spent answering the measures' questions to the panel (`Borgerpanel`, and making an in-memory
    `Ugepanel` from the frame): the part of the measurement layer the engine decides."""
    from evalkit.data import panel

    spent = {"s": 0.0}

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["s"] += time.perf_counter() - start
        return wrapper

    for name in ("status_weeks", "first_exits", "last_weeks", "status_in_week", "rows_in_week"):
        setattr(panel.Borgerpanel, name, timed(getattr(panel.Borgerpanel, name)))
    panel.Ugepanel.rows_in_week = timed(panel.Ugepanel.rows_in_week)
    panel.Ugepanel.__init__ = timed(panel.Ugepanel.__init__)
    return spent


def measure(data: Path, motor: str, memory_gb: float, threads: int | None) -> dict:
    import _maalelag

    from evalkit.config import Duckdb, load_config
    from evalkit.data.contract import TABLES
    from evalkit.data.duckdb_panel import open_register
    from evalkit.data.loading import load_tables
    from evalkit.data.uger import week_monday

    config = load_config(ROOT / "forsoeg.yml")
    result: dict = {}
    start = time.perf_counter()
    if motor == "hukommelse":
        tables = load_tables(data, None, config)
        result["indlaesning_s"] = time.perf_counter() - start
    else:
        tables = load_tables(data, [t for t in TABLES if t != "ydelser"], config)
        result["indlaesning_s"] = time.perf_counter() - start
        start = time.perf_counter()
        register = open_register(data, Duckdb(over_raekker=0, hukommelse_gb=memory_gb, traade=threads),
                                 week_monday(config.startdato))
        assert register is not None
        tables["ydelser"] = register.panel(tables["borgere"]["borger_id"])
        result["duckdb_tabel_s"] = time.perf_counter() - start
        result["duckdb_fil_gb"] = _folder_gb(register.folder)
    result["rss_foer_maaling_gb"] = _peak_gb()
    spent = _timed_panel()
    start = time.perf_counter()
    seconds, _ = _maalelag.run(tables, config, FASER)
    result["maalelag_s"] = time.perf_counter() - start
    result["ydelsespanel_s"] = spent["s"]
    result["panelmaal_s"] = sum(s for key, s in seconds.items() if key.split("/")[1] in PANEL_MODULES)
    result["rss_top_gb"] = _peak_gb()
    if motor == "duckdb":
        result["duckdb_fil_top_gb"] = _folder_gb(register.folder)
    return result


def _panel(borgere: int, uger: int | None) -> Path:
    from evalkit.data.simulering.storskala import generate_panel

    data = HERE / "_data" / (f"panel-{borgere}" + (f"-{uger}" if uger else ""))
    if not (data / "ydelser.parquet").exists():
        start = time.perf_counter()
        generate_panel(data, ROOT / "forsoeg.yml", borgere, uger=uger)
        print(f"Panelet er lavet på {time.perf_counter() - start:.0f} s ({data}).", file=sys.stderr)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borgere", type=int, default=110_000)
    parser.add_argument("--uger", type=int, default=None, help="uger pr. borger (standard: konfigurationens 130)")
    parser.add_argument("--motor", nargs="+", choices=["hukommelse", "duckdb"], default=["hukommelse", "duckdb"])
    parser.add_argument("--gentagelser", type=int, default=5, help="antal kørsler pr. motor, hver i en ny proces")
    parser.add_argument("--hukommelse-gb", type=float, default=4.0, help="DuckDB's hukommelsesgrænse")
    parser.add_argument("--traade", type=int, default=None, help="DuckDB's tråde (standard: én pr. kerne)")
    parser.add_argument("--maal", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.maal:
        print(json.dumps(measure(args.data, args.maal, args.hukommelse_gb, args.traade)))
        return
    data = _panel(args.borgere, args.uger)
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(data / "ydelser.parquet").metadata.num_rows
    print(f"{args.borgere:,} borgere, {rows:,} ydelsesrækker, {os.cpu_count()} kerner, medianer af {args.gentagelser} kørsler")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs: dict[str, list[dict]] = {motor: [] for motor in args.motor}
    for i in range(args.gentagelser):  # the engines take turns, so a busy spell on the machine hits both
        for motor in args.motor:
            command = [sys.executable, __file__, "--maal", motor, "--data", str(data), "--hukommelse-gb", str(args.hukommelse_gb)]
            if args.traade:
                command += ["--traade", str(args.traade)]
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
            runs[motor].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  {motor} kørsel {i + 1}: " + ", ".join(f"{k}={v:.2f}" for k, v in runs[motor][-1].items()), file=sys.stderr)
    for motor, found in runs.items():
        median = {k: statistics.median(r[k] for r in found) for k in found[0]}
        print(f"{motor}: " + ", ".join(f"{k}={v:.2f}" for k, v in median.items()))


if __name__ == "__main__":
    main()
