"""The output is evalkit's only when evalkit made it: a build refuses anything else before it writes, one
build at a time holds an output, and a kill at any moment of the publication leaves the old or the new
report in place once the next build has started."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, snapshot

from evalkit.bygning import udgivelse
from evalkit.bygning.build import build
from evalkit.bygning.udgivelse import OutputRefused

CONFIG = ROOT / "forsoeg.yml"


def _check(output: Path, data: Path = EXAMPLE, config: Path = CONFIG) -> None:
    udgivelse.check_output(output, data, config, ROOT)


def _report(directory: Path, text: str) -> Path:
    """A small evalkit-made report: the marker and two files."""
    udgivelse.mark(directory)
    (directory / "slut").mkdir()
    (directory / "slutevaluering.html").write_text(text, encoding="utf-8")
    (directory / "slut" / "resultater.json").write_text(f'{{"{text}": 1}}\n', encoding="utf-8")
    return directory


def test_a_folder_evalkit_did_not_make_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "noter.txt").write_text("vigtigt", encoding="utf-8")
    with pytest.raises(OutputRefused, match="findes og er ikke lavet af evalkit"):
        _check(folder)
    assert snapshot(folder) == {"noter.txt": b"vigtigt"}


@pytest.mark.parametrize("where", ["data", "its parent", "config folder", "git checkout", "project", "a file"])
def test_places_that_hold_other_things_are_refused(tmp_path, where):
    data = tmp_path / "projekt" / "data"
    data.mkdir(parents=True)
    config = tmp_path / "konfiguration" / "forsoeg.yml"
    config.parent.mkdir()
    config.write_text("titel: x\n", encoding="utf-8")
    (tmp_path / "arkiv" / ".git").mkdir(parents=True)
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    output = {
        "data": data, "its parent": data.parent, "config folder": config.parent, "git checkout": tmp_path / "arkiv",
        "project": ROOT, "a file": tmp_path / "fil",
    }[where]
    with pytest.raises(OutputRefused):
        udgivelse.check_output(output, data, config, ROOT)


def test_home_and_root_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    for output in (tmp_path, Path("/"), Path("/home/analytiker")):
        with pytest.raises(OutputRefused, match="hjemmemappe eller rodmappe"):
            _check(output)


def test_new_empty_and_own_folders_are_accepted(tmp_path):
    _check(tmp_path / "ny" / "rapport")
    (tmp_path / "tom").mkdir()
    _check(tmp_path / "tom")
    _check(_report(tmp_path / "gammel", "før"))


def test_a_symlinked_output_is_judged_where_it_points(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "noter.txt").write_text("vigtigt", encoding="utf-8")
    (tmp_path / "link").symlink_to(mine)
    with pytest.raises(OutputRefused):
        _check(tmp_path / "link")
    _report(tmp_path / "rapport", "før")
    (tmp_path / "link2").symlink_to(tmp_path / "rapport")
    _check(tmp_path / "link2")
    assert udgivelse.resolve_output(tmp_path / "link2") == (tmp_path / "rapport").resolve()


def test_log_cache_and_old_copy_names_must_be_evalkits_too(tmp_path):
    for name in ("rapport-log", "rapport-cache", ".rapport.gammel"):
        other = tmp_path / name
        other.mkdir()
        (other / "noter.txt").write_text("vigtigt", encoding="utf-8")
        with pytest.raises(OutputRefused):
            _check(tmp_path / "rapport")
        shutil.rmtree(other)


def test_the_command_refuses_a_users_folder_in_danish_and_changes_nothing(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "noter.txt").write_text("vigtigt", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "build", "--output", str(folder), "--renderer", "pandoc"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "ikke lavet af evalkit" in proc.stderr and "--output" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no log, no cache, no temporary folder
    assert snapshot(folder) == {"noter.txt": b"vigtigt"}


def test_a_second_build_into_the_same_output_is_refused_while_one_runs(tmp_path):
    output = tmp_path / "rapport"
    with udgivelse.exclusive(output):
        with pytest.raises(OutputRefused, match=f"En anden bygning skriver allerede til {output} \\(proces {os.getpid()}\\)"):
            build(EXAMPLE, output, renderer="pandoc")
    assert not output.exists()


def test_a_lock_left_by_a_dead_build_is_taken_over(tmp_path):
    output = tmp_path / "rapport"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = udgivelse.mark(udgivelse.log_dir(output)) / udgivelse.LOCK
    lock.write_text(dead.stdout, encoding="utf-8")  # its process has ended, and with it its flock
    with udgivelse.exclusive(output) as handle:
        handle.seek(0)
        assert handle.read().strip() == str(os.getpid())


class _Killed(BaseException):
    """A kill -9: nothing after it runs, no cleanup."""


def _kill_after(monkeypatch, operations: int) -> None:
    """Let the next `operations` renames and deletions happen, then 'kill' the process."""
    done = [0]

    def counted(function):
        def wrapper(*args, **kwargs):
            if done[0] >= operations:
                raise _Killed
            done[0] += 1
            return function(*args, **kwargs)
        return wrapper

    for name in ("rename", "unlink", "rmdir", "replace"):
        monkeypatch.setattr(os, name, counted(getattr(os, name)))


def test_a_kill_at_any_moment_of_the_publication_leaves_a_whole_report(tmp_path, monkeypatch):
    """The swap is stopped after every possible number of file operations; the next build's `recover`
    then finds the old or the new report whole at the output path, and nothing else of evalkit's."""
    crashed_at = []
    for operations in range(200):
        root = tmp_path / str(operations)
        root.mkdir()
        output = _report(root / "rapport", "før")
        before = snapshot(output)
        tmp = udgivelse.mark(root / ".rapport.abc123", udgivelse.TEMPORARY_MARKER)  # as the build makes it
        staged = _report(tmp / "ud", "efter")
        after = snapshot(staged)
        with monkeypatch.context() as patch:
            _kill_after(patch, operations)
            try:
                udgivelse.publish(staged, output)
            except _Killed:
                crashed_at.append(operations)
        udgivelse.recover(output)  # the next build, before anything else
        assert snapshot(output) in (before, after), operations
        assert sorted(p.name for p in root.iterdir()) == ["rapport"], operations
        if not crashed_at or crashed_at[-1] != operations:
            assert snapshot(output) == after
            break
    assert len(crashed_at) >= 5  # the swap has that many steps at least, and each was interrupted


def test_recovery_leaves_a_users_look_alike_folder_alone(tmp_path):
    output = _report(tmp_path / "rapport", "før")
    mine = tmp_path / ".rapport.noter"
    mine.mkdir()
    (mine / "x.txt").write_text("mit", encoding="utf-8")
    (tmp_path / ".rapport.tomt").mkdir()
    udgivelse.recover(output)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".rapport.noter", "rapport"]
    with pytest.raises(OutputRefused):
        udgivelse.remove_own(mine)
    assert (mine / "x.txt").read_text(encoding="utf-8") == "mit"
