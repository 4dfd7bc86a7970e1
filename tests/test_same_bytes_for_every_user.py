"""The same inputs give the same bytes for every user: neither a user's matplotlib settings nor an
unwritable HOME reaches a notebook or a document, and the provenance names the commit whoever owns the
checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, small_tables, snapshot, write_tables

from evalkit.bygning.provenance import git_state


def _build(data: Path, output: Path, home: str) -> dict[str, bytes]:
    env = {**os.environ, "HOME": home}
    env.pop("MPLCONFIGDIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "build", "--data", str(data), "--output", str(output), "--fase", "midtvejs",
         "--renderer", "pandoc", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return snapshot(output)


def test_neither_a_users_matplotlibrc_nor_an_unwritable_home_changes_the_output(tmp_path):
    data = write_tables(small_tables(), tmp_path / "data")
    styled = tmp_path / "hjem"
    (styled / ".config" / "matplotlib").mkdir(parents=True)
    (styled / ".config" / "matplotlib" / "matplotlibrc").write_text("font.size: 30\nfigure.facecolor: red\n")
    with_style = _build(data, tmp_path / "a", str(styled))
    unwritable = _build(data, tmp_path / "b", "/etc/hostname")  # HOME is a file: nothing can be made under it
    assert with_style.keys() == unwritable.keys()
    differing = [name for name in with_style if with_style[name] != unwritable[name]]
    assert differing == []
    notebook = unwritable["midtvejs/afgange.ipynb"].decode()
    assert "Matplotlib created a temporary cache directory" not in notebook and "mkdir -p failed" not in notebook


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a checkout to another user")
def test_the_commit_is_recorded_when_another_user_owns_the_checkout(tmp_path):
    repo = tmp_path / "projekt"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "fil.txt").write_text("x")
    subprocess.run([*git, "add", "fil.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 65534, 65534)  # nobody
    assert git_state(repo) == {"git_commit": head, "git_aendret": False}
    shutil.rmtree(repo)


def test_the_kernels_use_one_blas_thread_whatever_the_machine_or_the_environment_says(monkeypatch):
    """A product's last bits depend on how many BLAS threads split it, so a build's kernels get one thread,
    also when the user's environment asks for more."""
    from evalkit.bygning.kernel import ProjectKernelSpecManager

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "8")
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    env = ProjectKernelSpecManager().get_kernel_spec("evalkit").env
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
