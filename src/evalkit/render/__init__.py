"""Rendering: one interface, two implementations.

`QuartoRenderer` runs the Quarto CLI on the render tree; `PandocRenderer` renders the very same
`.qmd` sources with pandoc (HTML) and pandoc + Typst (PDF), resolving the documented subset of
Quarto syntax itself (`evalkit.render.qmd`). `select("auto")` picks Quarto whenever a `quarto`
executable is on PATH.
"""

from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from importlib.resources import files
from pathlib import Path
from typing import Any

from evalkit.errors import BuildError

ASSETS = files("evalkit.render") / "assets"
# the PDF's look, one Typst function that the fallback's template and Quarto's typst-template.typ both call
STYLE = "evalkit-stil.typ"


def copy_asset(name: str, directory: Path) -> None:
    """Put the asset `name` in `directory`, where a rendered file next to it imports or names it."""
    (directory / name).write_text((ASSETS / name).read_text(encoding="utf-8"), encoding="utf-8")


class Renderer(ABC):
    """Turns one `.qmd` of a render tree into HTML and PDF next to the source."""

    name: str

    @abstractmethod
    def version(self) -> str:
        """The renderer and its engines' versions, for the provenance record."""

    @abstractmethod
    def render(self, project: Path, source: Path, metadata: dict[str, Any], timestamp: int | None = None) -> dict[str, Path]:
        """Render `project/source` with extra document `metadata`; return {'html': path, 'pdf': path}.
        `timestamp` (UNIX seconds) is the PDF's creation date, so rebuilds give identical bytes."""


def select(name: str = "auto", timeout: float | None = None) -> Renderer:
    """The renderer called `name`: 'quarto', 'pandoc' or 'auto' (Quarto when installed); `timeout` is the
    most seconds one external render call may take (default `proces.RENDER_TIMEOUT`)."""
    from evalkit.render import proces
    from evalkit.render.pandoc import PandocRenderer
    from evalkit.render.quarto import QuartoRenderer

    limit = timeout or proces.RENDER_TIMEOUT
    quarto = shutil.which("quarto")
    if name == "auto":
        return QuartoRenderer(quarto, limit) if quarto else PandocRenderer(limit)
    if name == "quarto":
        if not quarto:
            raise BuildError(
                "Quarto er ikke installeret (ingen 'quarto' på PATH). Installér Quarto, "
                "eller brug --renderer pandoc."
            )
        return QuartoRenderer(quarto, limit)
    if name == "pandoc":
        return PandocRenderer(limit)
    raise BuildError(f"Ukendt renderer '{name}': vælg auto, quarto eller pandoc.")
