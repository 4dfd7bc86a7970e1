"""Disclosure control per document: after a phase's notebooks have run, every citizen count its document
publishes is registered once (`evalkit.maaleparametre.dokument`) and the suppression is solved over all
of them together (`evalkit.statistik.register`).

Each table hides its small counts by its own rule as it is made. Where the document as a whole still
lets a reader work out a hidden count (a count printed in two tables, a margin across tables, several
small counts that can only add up one way), the solution hides further counts; the build writes them to
`PLAN_FILE` in the phase's directory and runs the phase's notebooks again, which then hide them as well
(`Config.diskretion_plan`). Last, the published form of the results is attacked as a reader would
(`register.revealed`); a document that still gives a hidden count away is not built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalkit.bygning.resultater import PLAN_FILE, published
from evalkit.config import Config, Fase
from evalkit.errors import BuildError
from evalkit.maaleparametre import dokument
from evalkit.statistik import register

# Each round hides more counts, and the notebooks' own rules rarely add any: two rounds have sufficed on
# every data set tried; the bound only keeps a build from running on.
MAX_ROUNDS = 4


def further_hidden(resultater: dict[str, Any], config: Config) -> set[str]:
    """The ids of the counts the document's solution hides besides the marks in the phase's full
    `resultater`."""
    counts = dokument.register(resultater, config)
    solution = register.solve(counts)
    return {key for key, mark in solution.items() if mark and not counts.marks[key]}


def write_plan(phase_dir: Path, ids: set[str]) -> Path:
    """The counts to hide, for the notebooks' second run (`evalkit.bygning.notebook.start` reads it)."""
    path = Path(phase_dir) / PLAN_FILE
    path.write_text(json.dumps(sorted(ids), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def check(resultater: dict[str, Any], config: Config, fase: Fase) -> None:
    """Refuse a document whose published results let a reader work out a hidden small count."""
    found = register.revealed(dokument.register(published(resultater, config.alpha), config))
    if found:
        raise BuildError(
            f"{fase.navn}: dokumentet ville vise tal, som en læser kan regne sig frem til, selv om de er skjult af "
            f"hensyn til diskretion ({', '.join(sorted(found))}). Dokumentet er ikke bygget; kontakt evalkits "
            "udviklere."
        )
