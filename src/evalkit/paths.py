"""Where the project's own files are: notebooks, report sources, configuration and example data."""

from __future__ import annotations

from pathlib import Path

from evalkit.errors import ConfigError

MARKER = "_quarto.yml"


def project_root() -> Path:
    """The evalkit project: the working directory or a parent holding `_quarto.yml` and `notebooks/`,
    else the source tree this package was installed from (editable install)."""
    cwd = Path.cwd().resolve()
    candidates = [cwd, *cwd.parents, Path(__file__).resolve().parents[2]]
    for base in candidates:
        if (base / MARKER).is_file() and (base / "notebooks").is_dir():
            return base
    raise ConfigError(
        "Kan ikke finde evalkit-projektet: ingen mappe med _quarto.yml og notebooks/ her eller ovenover. "
        "Kør evalkit fra projektmappen."
    )


def default_config() -> Path:
    return project_root() / "forsoeg.yml"


def default_data() -> Path:
    return project_root() / "data" / "eksempel"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"
