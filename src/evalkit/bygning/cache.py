"""The build cache: a step (a notebook run, a document render, the data check) is done again only when
something it depends on changed.

A step's key is the SHA-256 of everything it depends on: the content of its input files, its parameters,
evalkit's own code and the versions of the packages that compute and render (`code_fingerprint`).
A step that succeeded stores its output files under its key; the next build with the same key copies
them instead of running the step. Entries are written whole or not at all, so an interrupted or failed
build never leaves a half entry, and a key that matches always means the same inputs.

The cache is an optimisation, never a risk: each entry records its files' SHA-256, checked before the
entry is used; an entry whose files were changed, removed or cut short, or whose description cannot be
read, is a miss (the log says why), never an error. `--force` reads nothing from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from evalkit.data.kilde import digest_file

# Packages whose version can change a number, a table, a figure or a document.
PACKAGES = (
    "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "pandera", "pyarrow", "openpyxl", "babel",
    "papermill", "nbclient", "nbformat", "ipykernel", "pypandoc-binary", "typst", "pyyaml",
)
_META = "trin.json"  # each entry's description: what the key was made of


def digest_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every file under `root`, by its path relative to `root` (sorted, so stable)."""
    return {p.relative_to(root).as_posix(): digest_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """evalkit's own code (every file of the package) and the versions of Python and the packages that
    compute and render: a change to any of them invalidates every cached step."""
    package = Path(__file__).parent.parent  # the evalkit package
    files = {
        name: sha for name, sha in digest_tree(package).items()
        if "__pycache__" not in name and not name.endswith((".pyc", ".mo"))
    }
    return make_key({"python": sys.version, "pakker": package_versions(), "evalkit": files})


def package_versions() -> dict[str, str]:
    """The installed version of each of `PACKAGES` ("ikke installeret" when missing), for the cache key
    and the provenance record."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "ikke installeret"
    return versions


def make_key(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass
class Decision:
    """Whether a step runs, and why: the log shows the key and the inputs that changed."""

    step: str
    key: str
    parts: dict[str, Any]  # what the key was made of (stored with the entry, compared on the next miss)
    hit: bool
    changed: list[str] = field(default_factory=list)
    entry: Path | None = None
    damaged: str = ""  # why an entry with this key was not used

    def describe(self) -> str:
        short = self.key[:12]
        if self.hit:
            return f"{self.step}: nøgle {short} findes i cachen; genbruges"
        if self.damaged:
            return f"{self.step}: nøgle {short}; {self.damaged}; køres"
        if not self.changed:
            return f"{self.step}: nøgle {short}; intet tidligere resultat i cachen; køres"
        return f"{self.step}: nøgle {short}; ændret siden sidst: {', '.join(self.changed)}; køres"


class Cache:
    """Entries in `directory/<step>/<key>/`: the step's output files and `trin.json` (the key's parts).
    Only the newest entry of each step is kept, which bounds the cache to one build's worth."""

    def __init__(self, directory: Path, enabled: bool = True):
        self.directory = directory
        self.enabled = enabled  # False (--force): look nothing up, but store what the build makes

    def decide(self, step: str, parts: dict[str, Any]) -> Decision:
        key = make_key(parts)
        if not self.enabled:  # --force: the cache is not read
            return Decision(step, key, parts, False, changed=["intet (--force)"])
        entry = self.directory / step / key
        if (entry / _META).is_file():
            damage = _damage(entry)
            if not damage:
                return Decision(step, key, parts, True, entry=entry)
            return Decision(step, key, parts, False, damaged=f"cachen blev ikke brugt, fordi {damage}")
        return Decision(step, key, parts, False, changed=self._changed(step, parts))

    def _changed(self, step: str, parts: dict[str, Any]) -> list[str]:
        """Which of the key's parts differ from the step's previous entry ("--force" when none do)."""
        previous = list((self.directory / step).glob(f"*/{_META}"))
        try:
            before = json.loads(previous[0].read_text(encoding="utf-8"))["dele"] if previous else None
        except (OSError, ValueError, KeyError, TypeError):  # an unreadable entry: as if there were none
            before = None
        if not isinstance(before, dict):
            return []
        changed = []
        for name in sorted(set(parts) | set(before)):
            old, new = before.get(name), json.loads(json.dumps(parts.get(name), default=str))
            if isinstance(old, dict) and isinstance(new, dict):
                changed += [f"{name}/{k}" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
            elif old != new:
                changed.append(name)
        return changed or ["intet (--force)"]

    def store(self, decision: Decision, files: dict[str, Path | bytes]) -> None:
        """Keep `files` (name in the entry → a file or its bytes) under the decision's key, replacing the
        step's older entries; written to a temporary directory first and moved in place whole."""
        step_dir = self.directory / decision.step
        step_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ny-", dir=step_dir))
        try:
            for name, content in files.items():
                if isinstance(content, bytes):
                    (staging / name).write_bytes(content)
                else:
                    shutil.copy2(content, staging / name)
            stored = {name: digest_file(staging / name) for name in sorted(files)}
            meta = {"trin": decision.step, "noegle": decision.key, "dele": decision.parts, "filer": stored}
            (staging / _META).write_text(json.dumps(meta, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
            for old in step_dir.iterdir():
                if old != staging:
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(staging, step_dir / decision.key)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    @staticmethod
    def restore(decision: Decision, target_dir: Path) -> list[Path]:
        """Copy a hit's files into `target_dir`; returns the copies."""
        assert decision.entry is not None
        target_dir.mkdir(parents=True, exist_ok=True)
        names = json.loads((decision.entry / _META).read_text(encoding="utf-8"))["filer"]
        return [Path(shutil.copy2(decision.entry / name, target_dir / name)) for name in sorted(names)]

    @staticmethod
    def read(decision: Decision, name: str) -> bytes:
        assert decision.entry is not None
        return (decision.entry / name).read_bytes()


def _damage(entry: Path) -> str:
    """Why the entry cannot be trusted, in Danish; "" when every file it lists has its recorded SHA-256."""
    try:
        files = json.loads((entry / _META).read_text(encoding="utf-8"))["filer"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            return "beskrivelsen af indgangen er ufuldstændig"
    except (OSError, ValueError, KeyError, TypeError):
        return "beskrivelsen af indgangen kan ikke læses"
    for name, expected in sorted(files.items()):
        try:
            if digest_file(entry / name) != expected:
                return f"filen {name} i cachen er ændret siden den blev gemt"
        except OSError:
            return f"filen {name} mangler i cachen"
    return ""
