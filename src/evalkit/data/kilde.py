"""Which file a number came from: a file's SHA-256, and another phase's results file as a phase names it."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_source(path: Path) -> dict[str, str]:
    """Another phase's results file as a phase that reads it names it: {'fil': '<fase>/<name>', 'sha256'}."""
    return {"fil": f"{path.parent.name}/{path.name}", "sha256": digest_file(path)}
