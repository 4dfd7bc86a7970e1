"""`resultater.json`: each notebook writes a fragment; the build merges a phase's fragments into one file.

Numbers are stored unrounded; rounding is presentation (data contract, section 5). They are the true
numbers also where the report suppresses a small count; the modules mark those with a "diskretion" key
(`evalkit.diskretion`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.config import GROUPS, Fase
from evalkit.provenance import file_source


def share(antal: int, n: int) -> dict[str, float | int | None]:
    """{'antal', 'n', 'andel'} for a count out of n."""
    return {"antal": int(antal), "n": int(n), "andel": (antal / n) if n else None}


def outcome(antal: dict[str, int], n: dict[str, int], justeret: dict[str, Any] | None = None) -> dict[str, Any]:
    """A binary outcome for `udfald`: each group's {'antal', 'n', 'andel'}, the difference forsøg − kontrol
    with Newcombe's 95 % interval (`ci_nedre`, `ci_oevre`), the z-test p-value (`p`), Fisher's exact
    p-value (`p_eksakt`) with the smallest expected count (`mindste_forventede`; below
    `statistik.MIN_EXPECTED` the z-test is unreliable) and, when given, the covariate-adjusted
    comparison (`justeret`)."""
    from evalkit.statistik import compare, exact_p, newcombe_ci, smallest_expected  # imports statsmodels

    counts = (antal["forsoeg"], n["forsoeg"], antal["kontrol"], n["kontrol"])
    ci_nedre, ci_oevre = newcombe_ci(*counts)
    result = {
        **{g: share(antal[g], n[g]) for g in GROUPS},
        **compare(*counts),
        "ci_nedre": ci_nedre,
        "ci_oevre": ci_oevre,
        "p_eksakt": exact_p(*counts),
        "mindste_forventede": smallest_expected(*counts),
    }
    if justeret is not None:
        result["justeret"] = justeret
    return result


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite number, also inside dicts and lists, replaced by None
    (resultater.json holds no non-finite numbers)."""
    if isinstance(value, dict):
        return {key: finite(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fragment_path(output_dir: Path, notebook: str) -> Path:
    return Path(output_dir) / f"{notebook}.resultater.json"


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Deterministic JSON (insertion order, UTF-8, newline at end); NaN and infinity are refused."""
    text = json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False, default=_default)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _merge(into: dict[str, Any], new: dict[str, Any], path: str = "") -> None:
    for key, value in new.items():
        where = f"{path}.{key}" if path else key
        if key in into and isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, where)
        elif key in into and into[key] != value:
            raise ValueError(f"two notebooks write different values to '{where}'")
        else:
            into[key] = value


def assemble(fase: Fase, fragments: list[dict[str, Any]], family: tuple[str, ...] = ()) -> dict[str, Any]:
    """One phase's resultater.json from its notebooks' fragments, with Holm-adjusted p-values
    (`p_holm`) over the outcome `family` as far as this phase has those outcomes."""
    merged: dict[str, Any] = {
        "fase": fase.noegle,
        "maaleperiode": fase.maaleperiode.as_json(),
    }
    for fragment in fragments:
        _merge(merged, fragment)
    udfald = merged.get("udfald", {})
    from evalkit.statistik import holm

    adjusted = holm({key: udfald[key].get("p") for key in family if key in udfald})
    for key, p_holm in adjusted.items():
        udfald[key]["p_holm"] = p_holm
    return merged


@dataclass(frozen=True)
class Comparison:
    """Another phase's merged results and where they came from ({'fil', 'sha256'})."""

    resultater: dict[str, Any]
    kilde: dict[str, str]


def load_comparison(path: str | Path | None) -> Comparison | None:
    """The results of the phase this one compares with, from the resultater.json the build wrote for it;
    None when the phase compares with none."""
    if not path:
        return None
    path = Path(path)
    return Comparison(json.loads(path.read_text(encoding="utf-8")), file_source(path))
