"""Benchmark: a whole `evalkit build` of both documents on large synthetic panels (issue 20), with the weekly
panel in memory and in DuckDB, each against the other in the same run; the wall time and the highest
proportional set size (PSS) of the whole process tree (the build, its kernels, DuckDB, pandoc and Typst).

    .venv/bin/python benchmarks/skala.py [--panel 110000x130 110000x520] [--motor hukommelse duckdb]
                                          [--gentagelser 5]

A panel `NxW` is N citizens × W weeks (`evalkit simulate --borgere N --uger W`), made once and kept in
benchmarks/_data/. Each run builds into a new output folder with no cache (a cold build), with
`--renderer pandoc --tillad-brudte-praemisser` (the synthetic panel's results do not meet the premises of the
analysts' texts). The engine is chosen by a copy of forsoeg.yml whose `data.duckdb_over_raekker` is 0
(DuckDB) or larger than the panel (memory). The engines take turns run by run, so a busy spell on the shared
machine hits both. Prints the medians against the issue's targets. This is a script, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "src"), str(HERE)]

import hukommelse  # noqa: E402 (benchmarks/hukommelse.py)
from bygning import machine  # noqa: E402

# issue 20's targets for a whole build: seconds and GB of PSS, by the panel's rows of ydelser
TARGETS = {14_300_000: (20.0, 1.5), 57_200_000: (60.0, 4.0)}
ENGINE_THRESHOLD = {"hukommelse": 10**12, "duckdb": 0}


def panel(spec: str) -> Path:
    """The panel `NxW`, made with `evalkit simulate` the first time."""
    borgere, uger = (int(part) for part in spec.lower().split("x"))
    data = HERE / "_data" / f"panel-{borgere}-{uger}"
    if not (data / "ydelser.parquet").exists():
        start = time.perf_counter()
        subprocess.run([str(BIN / "evalkit"), "simulate", "--output", str(data), "--borgere", str(borgere),
                        "--uger", str(uger)], check=True)
        print(f"Panelet {spec} er lavet på {time.perf_counter() - start:.0f} s.", file=sys.stderr)
    return data


def config_for(engine: str, folder: Path) -> Path:
    """A copy of forsoeg.yml that sends ydelser to `engine`."""
    text = (ROOT / "forsoeg.yml").read_text(encoding="utf-8")
    changed, count = re.subn(r"(?m)^(\s*duckdb_over_raekker:).*$", rf"\g<1> {ENGINE_THRESHOLD[engine]}", text)
    if count != 1:
        raise SystemExit("forsoeg.yml har ikke præcis én linje med duckdb_over_raekker.")
    path = folder / f"forsoeg-{engine}.yml"
    path.write_text(changed, encoding="utf-8")
    return path


def build(data: Path, config: Path, output: Path) -> hukommelse.Peaks:
    command = [str(BIN / "evalkit"), "build", "--data", str(data), "--output", str(output), "--config", str(config),
               "--renderer", "pandoc", "--tillad-brudte-praemisser", "--quiet"]
    peaks = hukommelse.measure(command)
    if peaks.exit_code != 0:
        raise SystemExit(f"Bygningen fejlede (exitkode {peaks.exit_code}): {' '.join(command)}")
    return peaks


def rows(data: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(data / "ydelser.parquet").metadata.num_rows


def _verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f" (mål ≤ {target:g}: {'opfyldt' if value <= target else 'IKKE opfyldt'})".replace(".", ",")


def _load() -> str:
    return ", ".join(f"{v:.1f}" for v in os.getloadavg()).replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description="Mål en hel bygning på store paneler i hukommelsen og i DuckDB.")
    parser.add_argument("--panel", nargs="+", default=["110000x130", "110000x520"],
                        help="paneler som BORGERExUGER (standard: 110000x130 og 110000x520)")
    parser.add_argument("--motor", nargs="+", choices=list(ENGINE_THRESHOLD), default=list(ENGINE_THRESHOLD))
    parser.add_argument("--gentagelser", type=int, default=5, help="kørsler pr. panel og motor (standard 5)")
    args = parser.parse_args()
    print(f"Maskine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="evalkit-skala-") as tmp:
        work = Path(tmp)
        configs = {engine: config_for(engine, work) for engine in args.motor}
        for spec in args.panel:
            data = panel(spec)
            n_rows = rows(data)
            target = next((t for size, t in TARGETS.items() if abs(size - n_rows) < 0.1 * size), (None, None))
            runs: dict[str, list[hukommelse.Peaks]] = {engine: [] for engine in args.motor}
            for i in range(args.gentagelser):
                for engine in args.motor:
                    output = work / f"{spec}-{engine}-{i}"
                    runs[engine].append(build(data, configs[engine], output))
                    found = runs[engine][-1]
                    print(f"  {spec} {engine} kørsel {i + 1}: {found.seconds:.1f} s, PSS "
                          f"{found.pss_total_mb / 1024:.2f} GB".replace(".", ",") + f" (belastning {_load()})",
                          file=sys.stderr, flush=True)
                    for made in (output, *(Path(f"{output}-{kind}") for kind in ("cache", "intern", "log"))):
                        shutil.rmtree(made, ignore_errors=True)  # the build's output and its folders beside it
            print(f"\n{spec}: {n_rows:_} rækker i ydelser, medianer af {args.gentagelser} kørsler".replace("_", "."))
            for engine, found in runs.items():
                seconds = statistics.median(p.seconds for p in found)
                pss = statistics.median(p.pss_total_mb for p in found) / 1024
                largest = statistics.median(p.pss_process_mb for p in found) / 1024
                print(f"  {engine:<10} tid {seconds:6.1f} s{_verdict(seconds, target[0])}; højeste PSS for hele "
                      f"procestræet {pss:.2f} GB{_verdict(pss, target[1])}; største proces {largest:.2f} GB"
                      .replace(".", ","))


if __name__ == "__main__":
    main()
