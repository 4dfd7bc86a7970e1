"""`resultater.json`: each notebook writes a fragment; the build merges a phase's fragments into one file.

Numbers are stored unrounded; rounding is presentation (data contract, section 5). They are the true
numbers also where the report suppresses a small count; the modules mark those with a "diskretion" key
(`evalkit.statistik.diskretion`). The shapes of what a measure writes are `evalkit.maaleparametre.faelles`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalkit.config import Fase


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
    from evalkit.statistik.andele import holm

    adjusted = holm({key: udfald[key].get("p") for key in family if key in udfald})
    for key, p_holm in adjusted.items():
        udfald[key]["p_holm"] = p_holm
    return merged


