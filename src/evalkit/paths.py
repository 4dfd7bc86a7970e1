"""Where the project's own files are: notebooks, report sources, configuration and example data."""

from __future__ import annotations

import os
from pathlib import Path

from evalkit.errors import ConfigError

MARKER = "_quarto.yml"
ENVIRONMENT = "EVALKIT_PROJEKT"  # set by --projekt, inherited by the kernels


def project_root() -> Path:
    """The evalkit project whose notebooks, reports and `_quarto.yml` a build uses: the one named with
    `--projekt` (the environment variable EVALKIT_PROJEKT), else the source tree this package was installed
    from. Never one that happens to lie in or above the working directory: that would run its notebooks."""
    named = os.environ.get(ENVIRONMENT, "").strip()
    base = Path(named).expanduser().resolve() if named else Path(__file__).resolve().parents[2]
    if (base / MARKER).is_file() and (base / "notebooks").is_dir():
        return base
    if named:
        raise ConfigError(f"{base} er ikke et evalkit-projekt: der skal være en _quarto.yml og en mappe notebooks/.")
    raise ConfigError(
        "Kan ikke finde evalkit-projektet, som evalkit blev installeret fra. Angiv projektmappen med --projekt."
    )


def default_config() -> Path:
    return project_root() / "forsoeg.yml"


def default_data() -> Path:
    return project_root() / "data" / "eksempel"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
