"""Two number rules every statistic and every published figure share: undefined is None, halves round up."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def finite_or_none(value: Any) -> float | None:
    """`value` as a float, or None when it is None, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """`value` rounded half-up to `decimals` places (via its shortest decimal representation), as
    analysts expect from Excel."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
