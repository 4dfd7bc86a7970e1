"""`resultater.json`: each notebook writes a fragment; the build merges a phase's fragments into one file.

Numbers are stored unrounded; rounding is presentation (data contract, section 5). They are the true
numbers also where the report suppresses a small count; the modules mark those with a "diskretion" key
(`evalkit.statistik.diskretion`). The shapes of what a measure writes are `evalkit.maaleparametre.faelles`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from evalkit.config import Analyseplan, Fase

# Written by the build into a phase's directory when the document's disclosure control hides counts
# besides each table's own rule (`evalkit.bygning.diskretion`); a notebook run on its own has none.
PLAN_FILE = "diskretion-plan.json"


def fragment_path(output_dir: Path, notebook: str) -> Path:
    return Path(output_dir) / f"{notebook}.resultater.json"


def json_text(payload: dict[str, Any]) -> str:
    """Deterministic JSON (insertion order, newline at end); NaN and infinity are refused."""
    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False, default=_default) + "\n"


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """`json_text(payload)` as UTF-8."""
    Path(path).write_text(json_text(payload), encoding="utf-8")


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


def assemble(fase: Fase, fragments: list[dict[str, Any]], plan: Analyseplan | None = None) -> dict[str, Any]:
    """One phase's resultater.json from its notebooks' fragments, with Holm-adjusted p-values (`p_holm`)
    over the analysis plan's family as far as this phase has those outcomes: of the unadjusted or the
    adjusted comparison's p-values, as the plan's primary analysis says."""
    merged: dict[str, Any] = {
        "fase": fase.noegle,
        "maaleperiode": fase.maaleperiode.as_json(),
    }
    for fragment in fragments:
        _merge(merged, fragment)
    udfald = merged.get("udfald", {})
    from evalkit.maaleparametre.konklusioner import primary
    from evalkit.statistik.andele import holm

    family = plan.familie if plan else ()
    adjusted = holm({key: primary(udfald[key], plan).get("p") for key in family if key in udfald})
    for key, p_holm in adjusted.items():
        udfald[key]["p_holm"] = p_holm
    return merged


# The statistics of a comparison of two groups' counts (`faelles.outcome`): hidden with the counts.
COMPARISON_STATISTICS = ("forskel", "ci_nedre", "ci_oevre", "p", "p_eksakt", "mindste_forventede", "p_holm", "justeret")
HIDDEN_WITH_COUNTS = "skjult_med_antallene"  # the reason given for such a statistic
HOLM_AGAINST_ALPHA = "kun_under_eller_over_alpha"  # the reason given for a Holm p-value shown only against alpha


def published(resultater: dict[str, Any], alpha: float) -> dict[str, Any]:
    """A phase's resultater.json as the published folder holds it: every number the report hides is null,
    with its reason where it was ("diskretion" maps its key to "primaer", "sekundaer" or one of the
    reasons above). The statistics of an outcome whose counts are hidden are null; while the outcome
    family holds such an outcome, the other outcomes' Holm p-values are null too and `holm_under_alpha`
    says on which side of alpha they lie (as the report shows them)."""
    result = _nulled(resultater)  # new containers throughout, so the changes below leave `resultater` as it is
    udfald = result.get("udfald", {})
    hidden = {key for key, entry in udfald.items() if entry.get("diskretion")}
    for key in hidden:
        entry = udfald[key]
        for name in COMPARISON_STATISTICS:
            if name in entry:
                entry[name] = None
                entry["diskretion"][name] = HIDDEN_WITH_COUNTS
    if hidden & {key for key, entry in udfald.items() if "p_holm" in entry}:
        for key, entry in udfald.items():
            if key not in hidden and entry.get("p_holm") is not None:
                entry["holm_under_alpha"] = entry["p_holm"] < alpha
                entry["p_holm"] = None
                entry.setdefault("diskretion", {})["p_holm"] = HOLM_AGAINST_ALPHA
    return result


def _nulled(value: Any) -> Any:
    """A copy of `value` (every dict and list new) with every number its "diskretion" marks hide replaced
    by null (nested like the marks)."""
    if isinstance(value, list):
        return [_nulled(v) for v in value]
    if not isinstance(value, dict):
        return value
    marks = value.get("diskretion", {})
    result = {}
    for key, item in value.items():
        mark = marks.get(key) if isinstance(marks, dict) and key != "diskretion" else None
        if isinstance(mark, str):
            result[key] = None
        elif isinstance(mark, dict) and isinstance(item, dict):
            result[key] = _nulled({**item, "diskretion": {**item.get("diskretion", {}), **mark}})
        else:
            result[key] = _nulled(item)
    return result


def published_source(path: Path, alpha: float) -> dict[str, str]:
    """Another phase's results file as a phase that reads it names it, {'fil': '<fase>/<name>', 'sha256'}:
    the file the published folder holds, so the digest is that of its protected form (`published`)."""
    full = json.loads(Path(path).read_text(encoding="utf-8"))
    digest = hashlib.sha256(json_text(published(full, alpha)).encode("utf-8")).hexdigest()
    return {"fil": f"{path.parent.name}/{path.name}", "sha256": digest}
