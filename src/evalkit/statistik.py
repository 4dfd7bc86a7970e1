"""Comparisons of the two groups' shares (data contract, section 4).

For now: the difference forsøg − kontrol and the two-sided p-value of the two-proportion z-test with
pooled variance (statsmodels), which equals Pearson's chi-square without continuity correction.
"""

from __future__ import annotations

import math

from statsmodels.stats.proportion import proportions_ztest


def compare(antal_f: int, n_f: int, antal_k: int, n_k: int) -> dict[str, float | None]:
    """{'forskel', 'p'} for counts out of n in forsøg and kontrol; None where undefined (an empty group;
    for p also no events, or only events, in both groups together)."""
    if not n_f or not n_k:
        return {"forskel": None, "p": None}
    forskel = antal_f / n_f - antal_k / n_k
    pooled = (antal_f + antal_k) / (n_f + n_k)
    if pooled in (0.0, 1.0):
        return {"forskel": forskel, "p": None}
    _z, p = proportions_ztest([antal_f, antal_k], [n_f, n_k], alternative="two-sided", prop_var=False)
    return {"forskel": forskel, "p": float(p) if math.isfinite(p) else None}
