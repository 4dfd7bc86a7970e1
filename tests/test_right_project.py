"""evalkit uses its own project, or one named with --projekt; never one it happens to find in the
working directory (whose notebooks it would run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT


def _stranger(tmp_path: Path) -> Path:
    """A folder that looks like an evalkit project, with a configuration evalkit would refuse."""
    project = tmp_path / "fremmed"
    (project / "notebooks").mkdir(parents=True)
    (project / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    (project / "forsoeg.yml").write_text("ikke: en konfiguration\n", encoding="utf-8")
    return project


def _evalkit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EVALKIT_PROJEKT"}
    return subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_a_project_in_the_working_directory_is_not_used(tmp_path):
    stranger = _stranger(tmp_path)
    inside = stranger / "undermappe"
    inside.mkdir()
    for cwd in (stranger, inside):
        proc = _evalkit("validate", "--data", str(EXAMPLE), cwd=cwd)
        assert proc.returncode == 0, proc.stderr  # the installed project's forsoeg.yml, not the stranger's


def test_a_project_named_with_projekt_is_used_and_checked(tmp_path):
    stranger = _stranger(tmp_path)
    proc = _evalkit("--projekt", str(stranger), "validate", "--data", str(EXAMPLE), cwd=tmp_path)
    assert proc.returncode != 0 and "forsoeg.yml" in proc.stderr and "Traceback" not in proc.stderr
    proc = _evalkit("--projekt", str(tmp_path), "validate", "--data", str(EXAMPLE), cwd=ROOT)
    assert proc.returncode != 0 and "ikke et evalkit-projekt" in proc.stderr
