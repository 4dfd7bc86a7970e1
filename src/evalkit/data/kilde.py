"""Which file a number came from: a file's SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
