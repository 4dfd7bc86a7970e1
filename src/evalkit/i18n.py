"""Danish for the command line's own words (usage line, help option, usage errors) from click.

click translates through gettext's default domain. evalkit ships the Danish catalog as a `.po`
file, compiles it with Babel into a cache directory and points gettext at it.
"""

from __future__ import annotations

import gettext
import hashlib
import os
import tempfile
from importlib.resources import files
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def install_danish() -> None:
    """Make click speak Danish in this process."""
    source = files("evalkit") / "locale" / "da.po"
    text = source.read_bytes()
    root = Path(tempfile.gettempdir()) / f"evalkit-locale-{hashlib.sha256(text).hexdigest()[:12]}"
    target = root / "da" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as handle:
            catalog = read_po(handle, locale="da")
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        os.replace(partial, target)
    gettext.bindtextdomain(DOMAIN, str(root))
    os.environ["LANGUAGE"] = "da"
