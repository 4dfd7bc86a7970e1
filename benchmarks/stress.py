"""Run the whole test suite several times on a busy machine: a CPU hog on every core and a second evalkit
build running over and over beside it. Not part of pytest (it runs pytest); the README reports its result.

    .venv/bin/python benchmarks/stress.py [--gange 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _hog(stop: multiprocessing.Event) -> None:
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x = (x * 31 + 7) % 1_000_003


def _builds(stop: threading.Event, work: Path, results: list[int]) -> None:
    """evalkit builds of the example data, one after the other, with --force so each does all the work."""
    while not stop.is_set():
        proc = subprocess.run(
            [sys.executable, "-m", "evalkit", "build", "--output", str(work / "rapport"), "--renderer", "pandoc",
             "--force", "--quiet"],
            cwd=ROOT, capture_output=True, text=True,
        )
        results.append(proc.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description="Kør hele testsuiten flere gange på en travl maskine.")
    parser.add_argument("--gange", type=int, default=3, help="Hvor mange gange suiten køres (standard 3).")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    stop_hog = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_hog, args=(stop_hog,), daemon=True) for _ in range(cores)]
    for hog in hogs:
        hog.start()
    work = Path(tempfile.mkdtemp(prefix="evalkit-stress-"))
    stop_builds, build_results = threading.Event(), []
    builder = threading.Thread(target=_builds, args=(stop_builds, work, build_results), daemon=True)
    builder.start()
    runs = []
    try:
        for i in range(1, args.gange + 1):
            start = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                                  capture_output=True, text=True)
            seconds = time.monotonic() - start
            summary = next((line for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
            runs.append((proc.returncode, seconds, summary.strip("= ")))
            print(f"kørsel {i}: exitkode {proc.returncode}, {seconds / 60:.1f} min, {summary.strip('= ')}", flush=True)
            if proc.returncode:
                print(proc.stdout[-4000:], flush=True)
    finally:
        stop_hog.set()
        stop_builds.set()
        builder.join(timeout=600)
        for hog in hogs:
            hog.join(timeout=5)
        shutil.rmtree(work, ignore_errors=True)
    ok_builds = sum(1 for rc in build_results if rc == 0)
    print(f"\nMaskine: {cores} kerner; belastning: {cores} CPU-slugere og en evalkit-bygning i løkke ved siden af.")
    print(f"Testsuiten: {sum(1 for rc, _, _ in runs if rc == 0)} af {len(runs)} kørsler grønne.")
    print(f"Bygningerne ved siden af: {ok_builds} af {len(build_results)} lykkedes.")
    return 0 if all(rc == 0 for rc, _, _ in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
