"""Where a build may write, and how its output is published: evalkit replaces only what it made, one
build at a time, and a kill at any moment leaves the old or the new report at the output path.

- Ownership: every directory evalkit makes beside or as the output (the output, `<output>-log`,
  `<output>-cache`, `<output>-intern`, its temporary directories) holds a marker file. A build refuses an output that is
  an existing directory without the marker (an empty one is adopted), a file, the data directory or a
  directory that contains the data, the configuration or the project (a git checkout among them), or a
  home or root directory. A symlinked output is judged, and written, where it points.
- One build at a time: the build holds an exclusive `flock` on `<output>-log/.laas` until it ends. The
  kernel releases it when the process dies, so a lock left by a killed build is simply taken over.
- Publication: the old output is renamed to `.<name>.gammel`, the new one renamed into place, then the
  old one removed. The next build first finishes or undoes what a killed one left: it puts the old
  report back when the output is missing, and removes old copies and temporary directories that hold
  evalkit's marker (deleting the marker last, so a half-removed directory is still recognised).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from evalkit.errors import EvalkitError

MARKER = ".evalkit-mappe"
MARKER_TEXT = "Denne mappe er lavet af evalkit. evalkit erstatter eller sletter den ved næste bygning.\n"
TEMPORARY_MARKER = ".evalkit-midlertidig"
LOCK = ".laas"


class OutputRefused(EvalkitError):
    """The output (or its log or cache directory) is not evalkit's to replace, or another build is
    writing to it. Nothing was changed."""

    exit_code = 2


def log_dir(output_dir: Path) -> Path:
    """Where a build's log (and a failed notebook's executed copy) is kept: beside the output directory,
    so a failed build leaves the output untouched and its log survives the temporary build directory."""
    return output_dir.with_name(f"{output_dir.name}-log")


def cache_dir(output_dir: Path) -> Path:
    """Where the steps' results are kept for the next build into the same output directory."""
    return output_dir.with_name(f"{output_dir.name}-cache")


def intern_dir(output_dir: Path) -> Path:
    """Where the unprotected numbers go (each phase's full resultater.json), for analysts checking the
    report: beside the output, never inside the published folder."""
    return output_dir.with_name(f"{output_dir.name}-intern")


def old_copy(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.gammel")


def resolve_output(output_dir: Path) -> Path:
    """The output as evalkit writes it: absolute, with symlinks followed."""
    return Path(output_dir).expanduser().resolve()


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _homes() -> set[Path]:
    homes = {Path("/"), Path("/root"), Path("/home")}
    home = os.path.expanduser("~")  # HOME, or the user's entry in the password database
    if home != "~":
        homes.add(Path(home).resolve())
    return homes


def _empty_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and not any(path.iterdir())


def made_by_evalkit(directory: Path) -> bool:
    return (directory / MARKER).is_file()


def check_output(output_dir: Path, data_dir: Path, config_path: Path, project: Path) -> None:
    """Refuse, before anything is written, an output that is not evalkit's to replace (see the module)."""
    target = resolve_output(output_dir)
    shown = f"Mappen {output_dir}" + (f" (som peger på {target})" if Path(output_dir).is_symlink() else "")
    if target in _homes() or target.parent == Path("/home"):
        raise OutputRefused(f"{shown} er en hjemmemappe eller rodmappe; vælg en mappe til rapporten med --output.")
    data, config = Path(data_dir).resolve(), Path(config_path).resolve()
    reasons = [
        (_inside(data, target), "er datamappen eller indeholder den"),
        (_inside(config, target), f"indeholder konfigurationen ({config.name})"),
        (_inside(project.resolve(), target), "indeholder evalkit-projektet"),
        ((target / ".git").exists(), "indeholder et git-arkiv"),
    ]
    for applies, reason in reasons:
        if applies:
            raise OutputRefused(f"{shown} {reason}, så evalkit skriver ikke rapporten dér. Vælg en anden mappe med --output.")
    for directory, role in ((target, "rapporten"), (log_dir(target), "loggen"), (cache_dir(target), "cachen"),
                            (intern_dir(target), "de interne tal")):
        _check_own(directory, role)
    for old in (old_copy(target), old_copy(intern_dir(target))):
        if (old.is_symlink() or old.exists()) and not made_by_evalkit(old) and not _empty_dir(old):
            raise OutputRefused(f"{old} er ikke lavet af evalkit, men har det navn, evalkit bruger til en gammel kopi. Flyt den.")


def _check_own(directory: Path, role: str) -> None:
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise OutputRefused(f"{directory} findes og er ikke en mappe, evalkit har lavet; den bruges til {role}. Flyt den, eller vælg en anden mappe med --output.")
    if directory.is_dir() and not made_by_evalkit(directory) and any(directory.iterdir()):
        raise OutputRefused(
            f"Mappen {directory} findes og er ikke lavet af evalkit, så den bliver ikke erstattet (den skulle "
            f"bruges til {role}). Vælg en ny eller tom mappe med --output, eller flyt mappen."
        )


def mark(directory: Path, marker: str = MARKER) -> Path:
    """`directory` (made if missing) with evalkit's marker in it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / marker).write_text(MARKER_TEXT, encoding="utf-8")
    return directory


@contextlib.contextmanager
def exclusive(output_dir: Path) -> Iterator[IO[str]]:
    """Hold the output's lock for the duration; a second build into the same output is refused."""
    import fcntl

    lock_path = mark(log_dir(output_dir)) / LOCK
    handle = open(lock_path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "ukendt"
            raise OutputRefused(
                f"En anden bygning skriver allerede til {output_dir} (proces {holder}). Vent, til den er færdig."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield handle
    finally:
        handle.close()  # closing releases the lock


def recover(output_dir: Path) -> list[str]:
    """Finish or undo what a killed build left beside `output_dir` (under the lock); what was done, in Danish."""
    done = []
    old = old_copy(output_dir)
    if made_by_evalkit(old):
        if not output_dir.exists() and not output_dir.is_symlink():
            os.rename(old, output_dir)
            done.append(f"den forrige rapport er lagt tilbage i {output_dir} (en bygning blev afbrudt under udskiftningen)")
        else:
            remove_own(old)
            done.append(f"en gammel kopi {old.name} er fjernet")
    elif _empty_dir(old):
        old.rmdir()  # its removal was stopped after the marker went
    for leftover in sorted(output_dir.parent.glob(f".{output_dir.name}.*")):
        if leftover == old or not leftover.is_dir() or leftover.is_symlink():
            continue
        if (leftover / TEMPORARY_MARKER).is_file():
            remove_own(leftover, TEMPORARY_MARKER)
            done.append(f"en midlertidig mappe {leftover.name} fra en afbrudt bygning er fjernet")
        elif _empty_dir(leftover):
            leftover.rmdir()
    return done


def remove_own(directory: Path, marker: str = MARKER) -> None:
    """Delete a directory evalkit made; its marker goes last, so an interrupted removal is finished later."""
    if not (directory / marker).is_file():
        raise OutputRefused(f"{directory} er ikke lavet af evalkit og bliver ikke slettet.")
    for child in directory.iterdir():
        if child.name == marker:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (directory / marker).unlink()
    directory.rmdir()


@contextlib.contextmanager
def temporary_directory(output_dir: Path) -> Iterator[Path]:
    """A marked temporary directory beside the output, removed afterwards (by the next build when killed)."""
    path = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.", dir=output_dir.parent))
    mark(path, TEMPORARY_MARKER)
    try:
        yield path
    finally:
        if path.exists():
            remove_own(path, TEMPORARY_MARKER)


def publish(staged: Path, output_dir: Path) -> None:
    """Put the finished output `staged` in place of the old one; the old one is removed only afterwards.
    Ctrl-C and SIGTERM wait until the swap is done; a kill -9 is repaired by the next build's `recover`."""
    mark(staged)
    with _signals_deferred():
        old = old_copy(output_dir)
        if made_by_evalkit(old):
            remove_own(old)
        if made_by_evalkit(output_dir):
            os.rename(output_dir, old)
        elif output_dir.is_dir():
            output_dir.rmdir()  # an empty directory the user made for the report: adopted (fails if no longer empty)
        os.rename(staged, output_dir)
        if made_by_evalkit(old):
            remove_own(old)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
