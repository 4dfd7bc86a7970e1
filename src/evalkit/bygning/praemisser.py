"""The analysts' own text bound to the numbers: premises in the front matter of an included file.

An analyst-written file (e.g. `reports/vurdering_slut.md`) says which results its sentences rely on:

    ---
    praemisser:
      - betingelse: udfald.ressourceforloeb.forskel > 0
        tekst: Flere borgere i forsøgsafdelingen end i kontrolgruppen gik til ressourceforløb
      - antal(sammenfatning.signifikante_holm) >= 1
    ---

A condition compares two terms with <, <=, >, >=, = or !=. A term is a path of keys into the phase's
resultater.json (dots between keys), `alpha` (the significance level), a number (decimal point or
comma) or `antal(path)` (the number of elements of a list). Nothing in a premise is run as code: a
condition that does not match this grammar is refused with a Danish message. `tekst`, optional, says
the premise in words for the document's marker.

Before a document is rendered, the build checks the premises of every file it includes against the
phase's full results. A premise that does not hold stops the build, naming the file, the condition and
the values it found; with `--tillad-brudte-praemisser` the document is published with a visible note
above the file's text instead. The front matter never reaches the renderer (Quarto would take an
included file's metadata block as the document's).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from evalkit.errors import BuildError
from evalkit.praesentation import dansk, formatting
from evalkit.render.qmd import MAIN_FINDINGS_KEY, SHORTCODE, split_front_matter
from evalkit.render.qmd import PREMISES_KEY as KEY

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le, ">=": operator.ge, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "=": operator.eq,
    "==": operator.eq,
}
_TERM = r"(?:antal\([\w.\-]+\)|[\w.\-]+|-?\d+(?:[.,]\d+)?)"
CONDITION = re.compile(rf"^\s*({_TERM})\s*(<=|>=|!=|==|=|<|>)\s*({_TERM})\s*$")
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Premise:
    betingelse: str  # the condition as written
    tekst: str  # in words, for the document's marker (the condition when not given)


@dataclass(frozen=True)
class Broken:
    """A premise that does not hold, and why (Danish)."""

    fil: str
    premise: Premise
    grund: str


def read(path: Path) -> tuple[list[Premise], str]:
    """The premises a file declares and its text without the front matter. A malformed declaration is a
    Danish BuildError naming the file."""
    source = split_front_matter(path)
    declared = source.front_matter.get(KEY, []) if isinstance(source.front_matter, dict) else []
    name = f"{path.parent.name}/{path.name}"
    if not isinstance(declared, list):
        raise BuildError(f"{name}: '{KEY}' skal være en liste af betingelser.")
    premises = []
    for item in declared:
        condition, words = (item, None) if isinstance(item, str) else (
            (item.get("betingelse"), item.get("tekst")) if isinstance(item, dict) else (None, None))
        if not isinstance(condition, str) or not CONDITION.match(condition):
            raise BuildError(
                f"{name}: præmissen {item!r} kan ikke læses. En præmis er en sammenligning som "
                "'udfald.ressourceforloeb.forskel > 0' (se README, afsnittet om analytikernes tekst)."
            )
        premises.append(Premise(condition.strip(), str(words).strip() if words else condition.strip()))
    return premises, source.body


def main_findings(path: Path) -> list[str]:
    """The main findings an analysts' file declares for the résumé (front matter `hovedfund`: one sentence
    or a list of them), as written. Anything but text is a Danish BuildError naming the file."""
    source = split_front_matter(path)
    declared = source.front_matter.get(MAIN_FINDINGS_KEY, []) if isinstance(source.front_matter, dict) else []
    declared = [declared] if isinstance(declared, str) else declared
    if not isinstance(declared, list) or not all(isinstance(item, str) and item.strip() for item in declared):
        raise BuildError(f"{path.parent.name}/{path.name}: '{MAIN_FINDINGS_KEY}' skal være en sætning eller en liste af sætninger.")
    return [" ".join(item.split()) for item in declared]


def files_with_main_findings(document: Path) -> list[Path]:
    """The files `document` includes that declare main findings, in the order they are included."""
    return [path for path in included_files(document) if main_findings(path)]


def included_files(document: Path, found: list[Path] | None = None) -> list[Path]:
    """The files a document includes ({{< include FILE >}}), in order, those they include too; each once
    (an include loop ends there, and the renderer reports it)."""
    found = [] if found is None else found
    for match in SHORTCODE.finditer(split_front_matter(document).body):
        path = document.parent / match.group(2)
        if match.group(1) == "include" and path.is_file() and path not in found:
            found.append(path)
            included_files(path, found)
    return found


def check(premises: list[Premise], resultater: dict[str, Any], alpha: float, fil: str) -> list[Broken]:
    """The premises that do not hold for the phase's `resultater`."""
    broken = []
    for premise in premises:
        left, op, right = CONDITION.match(premise.betingelse).groups()
        values, missing = {}, []
        for term in (left, right):
            try:
                values[term] = _value(term, resultater, alpha)
            except LookupError as exc:
                missing.append(str(exc))
        if missing:
            broken.append(Broken(fil, premise, " ".join(missing)))
        elif not _holds(values[left], op, values[right]):
            found = ", ".join(f"{t} er {_shown(v)}" for t, v in values.items() if not NUMBER.match(t))
            broken.append(Broken(fil, premise, f"{found}." if found else "sammenligningen holder ikke."))
    return broken


def _value(term: str, resultater: dict[str, Any], alpha: float) -> Any:
    if NUMBER.match(term):
        return float(term.replace(",", "."))
    if term == "alpha":
        return alpha
    counting = term.startswith("antal(")
    path = term[len("antal("):-1] if counting else term
    value: Any = resultater
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            raise LookupError(f"{path} findes ikke i fasens resultater.")
        value = value[key]
    if counting:
        if not isinstance(value, list):
            raise LookupError(f"{path} er ikke en liste.")
        return len(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise LookupError(f"{path} har ingen værdi i fasens resultater.")
    return value


def _holds(left: Any, op: str, right: Any) -> bool:
    try:
        return bool(OPERATORS[op](left, right))
    except TypeError:  # e.g. a text against a number
        return False


def _shown(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return repr(value)
    return f"{value:.4g}".replace("-", formatting.MINUS).replace(".", ",")


def refusal(broken: list[Broken], document: str) -> BuildError:
    """The Danish error that stops a build on broken premises."""
    lines = [f"  - {b.fil}: '{b.premise.betingelse}' holder ikke: {b.grund}" for b in broken]
    return BuildError(
        f"Analytikernes tekst i {document} bygger på præmisser, som resultaterne ikke opfylder:\n" + "\n".join(lines)
        + "\nRet teksten og dens præmisser, eller byg med --tillad-brudte-praemisser for at udgive dokumentet "
        "med en synlig markering ved teksten."
    )


def marker(broken: list[Broken]) -> str:
    """The note above an included file whose premises do not hold (markdown, for both renderers)."""
    said = dansk.join([f"at {b.premise.tekst}" if b.premise.tekst != b.premise.betingelse
                            else f"at {b.premise.betingelse} (i resultaterne)" for b in broken])
    return (
        "> **Bemærk:** Teksten nedenfor er skrevet ud fra resultater, som de aktuelle data ikke bekræfter. "
        f"Den bygger blandt andet på, {said}.\n\n"
    )
