"""External programs (Quarto, pandoc) run with a time limit in a process group of their own, so a hung
program, a timeout, Ctrl-C or SIGTERM ends it together with every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from evalkit.errors import BuildError

RENDER_TIMEOUT = 1800  # seconds for one render call: far more than a large report needs
VERSION_TIMEOUT = 60  # seconds for `--version`
_GRACE = 5  # seconds between SIGTERM and SIGKILL


def run(cmd: list[str], *, cwd: Path | None, timeout: float, what: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`cmd` with its output captured; a Danish BuildError naming `what` when it does not finish within
    `timeout` seconds. Whatever happens, no process of its group is left running."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_group(proc)
        raise BuildError(
            f"{what} svarede ikke inden for {timeout:g} sekunder og er stoppet. Prøv igen, eller giv mere tid "
            "med --render-timeout."
        ) from None
    except BaseException:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt), anything else
        _end_group(proc)
        raise
    _end_group(proc)  # children it left behind
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _end_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole group, a few seconds' grace for the leader, then SIGKILL to what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:  # nothing of the group is left
            break
        if sig == signal.SIGTERM:
            try:
                proc.wait(timeout=_GRACE)
            except subprocess.TimeoutExpired:
                pass
    try:
        proc.communicate(timeout=_GRACE)
    except (subprocess.TimeoutExpired, ValueError):
        pass
