"""Nothing is lost: a build that fails (bad data) or is interrupted (Ctrl-C, SIGTERM) leaves the previous
report byte for byte as it was, leaves no temporary directory behind, and says where its log is."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, small_tables, snapshot, write_tables


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "evalkit.cli", *args]


@pytest.fixture(scope="module")
def good_report(tmp_path_factory):
    """A good mid-term report built from small valid data."""
    base = tmp_path_factory.mktemp("intakt")
    data = write_tables(small_tables(), base / "data")
    out = base / "rapport"
    proc = subprocess.run(_cli("build", "--data", str(data), "--output", str(out), "--fase", "midtvejs", "--renderer", "pandoc"),
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return data, out


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_build_on_broken_data_leaves_the_report_unchanged(good_report, tmp_path):
    data, out = good_report
    before = snapshot(out)
    broken = write_tables(small_tables(), tmp_path / "broken")
    text = (broken / "borgere.csv").read_text(encoding="utf-8")
    (broken / "borgere.csv").write_text(text.replace("forsoeg", "forsøg", 1), encoding="utf-8")
    proc = subprocess.run(_cli("build", "--data", str(broken), "--output", str(out), "--renderer", "pandoc"),
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "borgere.csv:\n  - Fejl i kolonnen 'gruppe'" in proc.stderr and "Traceback" not in proc.stderr
    assert f"Intet er ændret i {out}" in proc.stderr
    log = out.with_name(f"{out.name}-log") / "byg.log"
    assert f"Loggen ligger i {log}" in proc.stderr and "borgere.csv" in log.read_text(encoding="utf-8")
    assert snapshot(out) == before and not _leftovers(out)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as for a command a script starts in the background


def _interrupt(data: Path, out: Path, signum: int, started_ignoring_sigint: bool = False) -> tuple[int | None, str]:
    """Start a build and send `signum` while its notebooks run: (exit code, stderr); (None, stderr) when the
    build was past its notebooks before the signal could be sent (a starved test process on a busy machine)."""
    # --force: the unchanged notebooks would otherwise come from the cache, too fast to interrupt
    proc = subprocess.Popen(_cli("build", "--data", str(data), "--output", str(out), "--fase", "midtvejs", "--renderer", "pandoc",
                                 "--force"), cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ignore_sigint if started_ignoring_sigint else None)
    lines = []
    for line in proc.stderr:  # interrupt while the notebooks run
        lines.append(line)
        if "Kører notesbogen afgange" in line:
            break
    late = proc.poll() is not None
    if not late:
        os.kill(proc.pid, signum)
    _, rest = proc.communicate(timeout=300)
    stderr = "".join(lines) + rest
    if late or "Renderer midtvejsevaluering" in stderr:  # the signal came after the notebooks: try again
        return None, stderr
    return proc.returncode, stderr


@pytest.mark.parametrize(
    "signum, ignoring", [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGINT", "SIGINT-from-a-background-start"],
)
def test_an_interrupted_build_leaves_the_report_unchanged(good_report, signum, ignoring):
    data, out = good_report
    for _attempt in range(3):
        before = snapshot(out)
        code, stderr = _interrupt(data, out, signum, ignoring)
        if code is not None:
            break
    assert code == 130, stderr
    assert "Afbrudt. Intet er ændret i" in stderr and "Loggen ligger i" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before and not _leftovers(out)


def test_python_log_records_go_to_the_build_log_not_the_screen(tmp_path, capfd):
    from evalkit.bygning import build

    log = tmp_path / "byg.log"
    build._log_python_to(log)
    logging.getLogger("asyncio").error("Future exception was never retrieved")
    assert "asyncio: Future exception was never retrieved" in log.read_text(encoding="utf-8")
    assert "Future exception" not in capfd.readouterr().err
