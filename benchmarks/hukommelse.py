"""Benchmark: the memory of a whole command's process tree (the build and its kernels, pandoc, Typst), by
proportional set size (PSS: a page shared by n processes counts 1/n in each, so the sum over the tree is
what the tree costs the machine), sampled from /proc/<pid>/smaps_rollup while the command runs (Linux).

    .venv/bin/python benchmarks/hukommelse.py [--interval 0.2] [--json FIL] -- evalkit build --renderer pandoc \
        --data /tmp/panel110k --output /tmp/out110k

Prints the wall time, the highest PSS of the whole tree at one sample, the highest PSS of one process
(with its command) and the highest sum of RSS (which counts shared pages once per process). A sample can
miss a peak shorter than the interval; `/usr/bin/time -v` gives the largest single process's exact peak
RSS. This is a script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


def _children(pid: int) -> list[int]:
    """The process's children, through every thread (Linux's /proc/<pid>/task/<tid>/children)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:  # the process ended meanwhile
        pass
    return found


def tree(root: int) -> list[int]:
    """`root` and all its descendants alive now."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += _children(pid)
    return pids


def _rollup(pid: int) -> dict[str, int]:
    """Rss, Pss, Pss_Anon and Pss_File of one process in kB; {} when it ended meanwhile."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss", "Pss_Anon", "Pss_File"):
                    values[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return values


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().split(b"\0")
    except OSError:
        return "?"
    return " ".join(w.decode(errors="replace") for w in words if w)[:120]


@dataclass
class Peaks:
    seconds: float = 0.0
    exit_code: int = 0
    samples: int = 0
    pss_total_mb: float = 0.0  # the highest sum of PSS over the tree at one sample
    pss_total_at_s: float = 0.0
    pss_total_processes: int = 0
    pss_process_mb: float = 0.0  # the highest PSS of one process
    pss_process_command: str = ""
    rss_total_mb: float = 0.0
    by_process: dict[str, float] = field(default_factory=dict)  # the highest PSS of each command seen (MB)
    timeline: list[list] = field(default_factory=list)  # per sample: seconds, PSS of the tree, PSS per process id (MB)


def measure(command: list[str], interval: float = 0.2) -> Peaks:
    """Run `command` and sample its process tree every `interval` seconds until it ends."""
    peaks = Peaks()
    began = time.perf_counter()
    process = subprocess.Popen(command)
    commands: dict[int, str] = {}
    while process.poll() is None:
        pss = rss = 0
        alive = 0
        each: dict[int, float] = {}
        for pid in tree(process.pid):
            values = _rollup(pid)
            if not values:
                continue
            alive += 1
            pss += values["Pss"]
            each[pid] = round(values["Pss"] / 1024, 1)
            rss += values["Rss"]
            if pid not in commands:
                commands[pid] = f"{pid} {_command(pid)}"
            label = commands[pid]
            peaks.by_process[label] = max(peaks.by_process.get(label, 0.0), values["Pss"] / 1024)
            if values["Pss"] / 1024 > peaks.pss_process_mb:
                peaks.pss_process_mb, peaks.pss_process_command = values["Pss"] / 1024, label
        peaks.samples += 1
        peaks.timeline.append([round(time.perf_counter() - began, 2), round(pss / 1024, 1), each])
        if pss / 1024 > peaks.pss_total_mb:
            peaks.pss_total_mb, peaks.pss_total_at_s = pss / 1024, time.perf_counter() - began
            peaks.pss_total_processes = alive
        peaks.rss_total_mb = max(peaks.rss_total_mb, rss / 1024)
        time.sleep(interval)
    peaks.seconds = time.perf_counter() - began
    peaks.exit_code = process.returncode
    return peaks


def _gb(mb: float) -> str:
    return f"{mb / 1024:.2f} GB".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description="Mål hukommelsen (PSS) af en kommandos procestræ.")
    parser.add_argument("--interval", type=float, default=0.2, help="sekunder mellem prøverne (standard 0,2)")
    parser.add_argument("--json", type=Path, help="gem målingerne som JSON her")
    parser.add_argument("kommando", nargs=argparse.REMAINDER, help="kommandoen efter --")
    args = parser.parse_args()
    command = args.kommando[1:] if args.kommando[:1] == ["--"] else args.kommando
    if not command:
        parser.error("angiv kommandoen efter --")
    peaks = measure(command, args.interval)
    print(f"Tid: {peaks.seconds:.1f} s (exitkode {peaks.exit_code}; {peaks.samples} prøver)", file=sys.stderr)
    print(f"Højeste PSS for hele procestræet: {_gb(peaks.pss_total_mb)} efter {peaks.pss_total_at_s:.1f} s "
          f"({peaks.pss_total_processes} processer)", file=sys.stderr)
    print(f"Højeste PSS for én proces: {_gb(peaks.pss_process_mb)} ({peaks.pss_process_command})", file=sys.stderr)
    print(f"Højeste sum af RSS: {_gb(peaks.rss_total_mb)}", file=sys.stderr)
    for label, mb in sorted(peaks.by_process.items(), key=lambda item: -item[1])[:6]:
        print(f"  {_gb(mb):>8}  {label}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(asdict(peaks), indent=1, ensure_ascii=False), encoding="utf-8")
    sys.exit(peaks.exit_code)


if __name__ == "__main__":
    main()
