"""Benchmark: how long a build of both documents takes, against a naive loop measured in the same run.

    .venv/bin/python benchmarks/bygning.py [--gentagelser 5] [--data MAPPE]

Measures (the median of `--gentagelser` runs each, wall-clock time of whole commands):
  - cold build: `evalkit build` into a new output directory with no cache;
  - no-change rebuild: the same command again;
  - one input file changed: one week's status of one citizen in ydelser.csv changed, then rebuilt;
  - the naive loop: the papermill CLI once per notebook and phase, one after another, each on a new kernel,
    the phase's results merged, then both documents rendered (what a build did before issue 8).
The builds use `--renderer` (default: Quarto when a `quarto` is installed, else pandoc/Typst; the naive
loop always renders with pandoc/Typst), and the script reports the renderer's share of the cold build: the
documents' render steps as the build's progress lines time them. This is a script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

TARGETS = {"kold": 10.0, "uændret": 0.5}  # issue 20 (before: 30 s and 2 s)
SPEEDUP_TARGET = 8.0  # the cold build against the naive loop (issue 20; before: 2×)


def _run(args: list[str], **kw) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise SystemExit(f"Kommandoen fejlede: {' '.join(args)}\n{proc.stderr[-3000:]}")


def _timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


RENDERER = "pandoc"  # set by main from --renderer
# a document's render step in the build's progress lines: "Færdig: slutevaluering (slut) på 2,7 s"
RENDER_STEP = re.compile(r"^Færdig: (\w+evaluering) \((\w+)\) på ([\d.,]+) s$", re.M)


def _evalkit(data: Path, output: Path) -> str:
    """One `evalkit build`; its progress lines (stderr)."""
    args = [str(BIN / "evalkit"), "build", "--data", str(data), "--output", str(output), "--renderer", RENDERER]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"Kommandoen fejlede: {' '.join(args)}\n{proc.stderr[-3000:]}")
    return proc.stderr


def render_seconds(progress: str) -> float:
    """The seconds the build's render steps took, summed over the documents (they may run side by side)."""
    return sum(float(m.group(3).replace(".", "").replace(",", ".")) for m in RENDER_STEP.finditer(progress))


def _change_one_week(data: Path) -> None:
    """One citizen's status in one week of ydelser.csv goes from kontanthjælp to småjob (still valid)."""
    path = data / "ydelser.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n").endswith(",kontanthjaelp"):
            lines[i] = line.replace(",kontanthjaelp", ",smaajob")
            break
    path.write_text("".join(lines), encoding="utf-8")


def naive(data: Path, work: Path) -> None:
    """The naive loop: papermill's command line per notebook and phase, sequentially, then render."""
    from evalkit import maaleparametre, paths
    from evalkit.bygning import pipeline, provenance, resultater
    from evalkit.config import load_config
    from evalkit.data.loading import check_tables
    from evalkit.render.pandoc import PandocRenderer

    config_path = paths.default_config()
    config = load_config(config_path)
    renderer = PandocRenderer()
    shutil.copytree(ROOT / "reports", work / "reports")
    shutil.copy2(ROOT / "_quarto.yml", work / "_quarto.yml")
    stamp = provenance.timestamp(check_tables(data, config=config).tables)
    shared = provenance.build_record(data, config, renderer.version(), stamp, ROOT)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # the kernel "python3" of this venv
    for fase_key in config.faser:
        fase = config.fase(fase_key)
        out = work / "_build" / fase_key
        out.mkdir(parents=True)
        other = fase.sammenlign_med and pipeline.phase_results_path(work / "_build", fase.sammenlign_med)
        resultater.write_json(resultater.fragment_path(out, provenance.FRAGMENT), provenance.record(shared, config, fase, other or None))
        for name in (*maaleparametre.NAMES, pipeline.SUMMARY):
            params = ["-p", "fase", fase_key, "-p", "data_dir", str(data), "-p", "output_dir", ".",
                      "-p", "config_path", str(config_path)]
            if name == pipeline.SUMMARY and other:
                params += ["-p", "sammenligning", f"../{fase.sammenlign_med}/resultater.json"]
            _run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{name}.ipynb"), f"{name}.ipynb", *params,
                  "-k", "python3", "--no-progress-bar", "--cwd", str(out)], cwd=out, env=env)
        fragments = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.resultater.json"))]
        merged = resultater.assemble(fase, fragments, config.analyseplan)
        resultater.write_json(pipeline.phase_results_path(work / "_build", fase_key), merged)
        from evalkit.bygning.build import document_metadata

        metadata = document_metadata(config, fase_key, merged)
        renderer.render(work, Path("reports") / f"{fase.dokument}.qmd", metadata, stamp[0])


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{len(os.sched_getaffinity(0))} kerner ({model}), {memory:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Mål bygningens tid mod en naiv løkke (medianer).")
    parser.add_argument("--gentagelser", type=int, default=5, help="antal kørsler pr. måling (standard 5)")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "eksempel", help="datamappe (standard: eksempeldata)")
    parser.add_argument("--renderer", choices=["auto", "quarto", "pandoc"], default="auto",
                        help="renderer for evalkits bygninger (standard: Quarto, hvis det er installeret)")
    args = parser.parse_args()

    global RENDERER
    RENDERER = args.renderer if args.renderer != "auto" else ("quarto" if shutil.which("quarto") else "pandoc")
    times: dict[str, list[float]] = {"kold": [], "uændret": [], "én fil ændret": [], "naiv løkke": []}
    rendering: list[float] = []
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        for run in range(args.gentagelser):
            base = Path(tmp) / f"k{run}"
            data = base / "data"
            shutil.copytree(args.data, data)
            output = base / "_output"
            progress: list[str] = []
            times["kold"].append(_timed(lambda: progress.append(_evalkit(data, output))))
            rendering.append(render_seconds(progress[0]))
            times["uændret"].append(_timed(lambda: _evalkit(data, output)))
            _change_one_week(data)
            times["én fil ændret"].append(_timed(lambda: _evalkit(data, output)))
            naive_dir = base / "naiv"
            naive_dir.mkdir()
            times["naiv løkke"].append(_timed(lambda: naive(Path(args.data).resolve(), naive_dir)))
            print(f"kørsel {run + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nMaskine: {machine()}")
    print(f"Median af {args.gentagelser} kørsler (sekunder):")
    for name, value in medians.items():
        target = TARGETS.get(name)
        verdict = f"  (mål ≤ {target:g} s: {'opfyldt' if value <= target else 'IKKE opfyldt'})" if target else ""
        print(f"  {name:<15} {value:7.1f}{verdict}")
    share = statistics.median(rendering)
    print(f"  rendering ({RENDERER}) i den kolde bygning: {share:.1f} s, {100 * share / medians['kold']:.0f} % "
          "(dokumenternes render-trin lagt sammen; de kan køre side om side)")
    speedup = medians["naiv løkke"] / medians["kold"]
    print(f"  kold bygning er {speedup:.1f}× hurtigere end den naive løkke (mål ≥ {SPEEDUP_TARGET:g}×: "
          f"{'opfyldt' if speedup >= SPEEDUP_TARGET else 'IKKE opfyldt'})")


if __name__ == "__main__":
    main()
