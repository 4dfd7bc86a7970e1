"""Danish number and date formatting for report text and tables (decimal comma, `pct.`, Danish months).

Rounding is half-up, as analysts expect from Excel; Babel supplies the Danish separators and month names.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

from evalkit.statistik.tal import round_half_up

LOCALE = "da_DK"
EN_DASH = "\u2013"


MINUS = "\u2212"


def number(value: float, decimals: int = 0) -> str:
    """A number with Danish separators and a typographic minus: 1.234, 5,3 or −0,11."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round_half_up(value, decimals), pattern, locale=LOCALE).replace("-", MINUS)


def count(value: int) -> str:
    """A whole count: 1.773."""
    return number(int(value))


def pct(share: float, decimals: int = 0) -> str:
    """A share (0–1) as Danish percent text: '11 pct.'."""
    return f"{number(100 * share, decimals)} pct."


def pct_points(diff: float, decimals: int = 1) -> str:
    """A difference of shares as percentage points with sign: '+9,8 procentpoint'."""
    text = number(abs(100 * diff), decimals)
    sign = "+" if diff > 0 else (MINUS if diff < 0 else "")
    return f"{sign}{text} procentpoint"


def share_with_count(share: float, n: int) -> str:
    """'66 pct. (606)'."""
    return f"{pct(share)} ({count(n)})"


def date(value: dt.date) -> str:
    """'1. januar 2018'."""
    return format_date(value, "d. MMMM y", locale=LOCALE)


def month(value: dt.date) -> str:
    """'januar 2018'."""
    return format_date(value, "MMMM y", locale=LOCALE)


def date_range(start: dt.date, end: dt.date) -> str:
    """'1. januar 2018–30. april 2020'."""
    return f"{date(start)}{EN_DASH}{date(end)}"


def month_range(start: dt.date, end: dt.date) -> str:
    """'maj–december 2018' or 'januar 2018–april 2020'."""
    if start.year == end.year:
        first = format_date(start, "MMMM", locale=LOCALE)
        return f"{first}{EN_DASH}{month(end)}" if start != end else month(end)
    return f"{month(start)}{EN_DASH}{month(end)}"


def signed(value: float, decimals: int = 0) -> str:
    """A difference with its sign: '+1,2', '−0,4' or '0,0'."""
    rounded = round_half_up(value, decimals)
    text = number(abs(value), decimals)
    return f"+{text}" if rounded > 0 else (f"{MINUS}{text}" if rounded < 0 else text)


def kr(value: float) -> str:
    """Whole kroner: '2.538 kr.'."""
    return f"{number(value)} kr."


def mio_kr(value: float, decimals: int = 1) -> str:
    """Millions of kroner: '9,5 mio. kr.'."""
    return f"{number(value / 1e6, decimals)} mio. kr."


def p_text(p: float | None) -> str:
    """'p = 0,62', 'p < 0,001' or 'p kan ikke beregnes'."""
    if p is None:
        return "p kan ikke beregnes"
    if p < 0.001:
        return "p < 0,001"
    return f"p = {number(p, 3 if p < 0.1 else 2)}"


def p_cell(p: float | None) -> str:
    """A p-value for a table cell: '0,62', '< 0,001' or 'kan ikke beregnes'."""
    return p_text(p).removeprefix("p ").removeprefix("= ")
