"""Memory benchmark of the data check (issue 15): the peak memory of reading and validating all seven
tables grows in proportion to the data, for CSV and for Parquet; each run in a fresh process.

    .venv/bin/python benchmarks/datakontrol.py [--borgere 10000 20000 40000 80000] [--gentagelser 3]

Panels from `evalkit.data.simulering.storskala` (130 weeks per citizen), cached in benchmarks/_data/,
written as Parquet, as CSV without quotes (as Excel exports it) and as CSV with every text quoted (as R
and Arrow write it). Prints, per size and format, the files' size, the median peak memory (RSS), and
the memory each further citizen adds (the slope from the size before): a constant slope is memory in
proportion to the data. Not part of pytest.
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
sys.path[:0] = [str(ROOT / "src")]


def measure(data: Path) -> dict:
    """Peak RSS of `check_tables` over `data`, in MB, in this (fresh) process."""
    from evalkit.config import load_config
    from evalkit.data.loading import check_tables

    config = load_config(ROOT / "forsoeg.yml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report = check_tables(data, None, config)
    seconds = time.perf_counter() - start
    if report.errors:
        raise SystemExit(report.describe())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    return {"top_mb": peak, "foer_mb": before, "sekunder": seconds}


FORMATS = {"CSV": "none", "CSV med anførselstegn": "needed", "Parquet": None}  # Arrow's quoting style


def _panels(borgere: int) -> dict[str, Path]:
    """The panel of `borgere` citizens in each of `FORMATS`."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from evalkit.data.simulering.storskala import generate_panel

    parquet = HERE / "_data" / f"panel-{borgere}"
    if not (parquet / "ydelser.parquet").exists():
        generate_panel(parquet, ROOT / "forsoeg.yml", borgere)
    panels = {}
    for fmt, quoting in FORMATS.items():
        if quoting is None:
            panels[fmt] = parquet
            continue
        csv = panels[fmt] = HERE / "_data" / f"panel-{borgere}-csv-{quoting}"
        if (csv / "ydelser.csv").exists():
            continue
        csv.mkdir(parents=True, exist_ok=True)
        for file in sorted(parquet.glob("*.parquet")):
            table = pq.read_table(file)
            for i, field in enumerate(table.schema):  # dates as ISO dates, as an analyst's export has them
                if str(field.type).startswith("timestamp"):
                    table = table.set_column(i, field.name, table.column(i).cast("date32"))
            with open(csv / f"{file.stem}.csv", "wb") as out:
                if quoting == "none":  # Arrow quotes the header whatever the style: write it plainly
                    out.write((",".join(table.column_names) + "\n").encode())
                options = pacsv.WriteOptions(quoting_style=quoting, include_header=quoting != "none")
                pacsv.write_csv(table, out, options)
    return panels


def _size_mb(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.iterdir()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borgere", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000], help="panelernes størrelser")
    parser.add_argument("--gentagelser", type=int, default=3, help="antal kørsler pr. måling, hver i en ny proces")
    parser.add_argument("--maal", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.maal:
        print(json.dumps(measure(args.maal)))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    rows = []
    for borgere in sorted(args.borgere):
        for fmt, data in _panels(borgere).items():
            runs = [
                json.loads(subprocess.run([sys.executable, __file__, "--maal", str(data)], check=True,
                                          capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])
                for _ in range(args.gentagelser)
            ]
            rows.append((fmt, borgere, _size_mb(data), statistics.median(r["top_mb"] for r in runs),
                         statistics.median(r["foer_mb"] for r in runs), statistics.median(r["sekunder"] for r in runs)))
    print(f"Medianer af {args.gentagelser} kørsler, {os.cpu_count()} kerner, 130 uger pr. borger")
    print(f"{'format':<22} {'borgere':>8} {'filer MB':>9} {'top MB':>8} {'top/filer':>10} {'kB pr. borger mere':>19} {'s':>6}")
    for fmt in FORMATS:
        mine = [r for r in rows if r[0] == fmt]
        for before, row in zip([None, *mine], mine):
            slope = "" if before is None else f"{(row[3] - before[3]) / (row[1] - before[1]) * 1000:.0f}"
            ratio = f"{row[3] / row[2]:.0f}" if fmt != "Parquet" else ""
            print(f"{fmt:<22} {row[1]:>8,} {row[2]:>9.0f} {row[3]:>8.0f} {ratio:>10} {slope:>19} {row[5]:>6.1f}")


if __name__ == "__main__":
    main()
