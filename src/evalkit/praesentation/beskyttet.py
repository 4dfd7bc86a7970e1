"""Protected numbers in tables, figures and text: how a count that disclosure control hides is shown.

What is hidden is decided by `evalkit.statistik.diskretion` (its docstring states the rule); here a
small count becomes "<5" in a table and "færre end 5" in text, a complementary suppression "..", and a
table that shows either gets a note explaining the symbols (`annotate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evalkit.praesentation import dansk, formatting
from evalkit.praesentation.tables import Table
from evalkit.statistik.diskretion import Mark, is_small
from evalkit.statistik.tal import round_half_up

HIDDEN = ".."
# Shares of an outcome the groups are compared on carry one decimal in tables and figures, as in the
# text: a stated difference of 0,6 procentpoint must not sit beside "2 pct." and "3 pct.".
OUTCOME_DECIMALS = 1


def count_cell(count: int, threshold: int, mark: Mark = None) -> str:
    """A count for a table or figure: '<5' when small, '..' when `mark` hides it otherwise, else '1.234'."""
    if is_small(count, threshold):
        return f"<{threshold}"
    return HIDDEN if mark else formatting.count(count)


def shown_share(count: int, total: int, threshold: int, mark: Mark = None, decimals: int = 0) -> float | None:
    """count/total as a table prints it: rounded to `decimals` places of a percentage, or None when it is
    hidden (the count is small or `mark`ed, or the total is small) or there is no total. A figure draws
    this value, so that its geometry tells no more than the table."""
    if not total or _share_hidden(count, total, threshold, mark):
        return None
    return float(round_half_up(100 * count / total, decimals)) / 100


def _share_hidden(count: int, total: int, threshold: int, mark: Mark) -> bool:
    return bool(mark) or is_small(count, threshold) or is_small(total, threshold)


def pct_cell(count: int, total: int, threshold: int, mark: Mark = None, decimals: int = 0) -> str:
    """count/total as '12 pct.'; '..' when the count is hidden (small or `mark`) or the total is small."""
    if _share_hidden(count, total, threshold, mark):
        return HIDDEN
    return formatting.pct(count / total, decimals)


def share_with_count_cell(count: int, total: int, threshold: int, mark: Mark = None) -> str:
    """'66 pct. (606)', '.. (<5)' or '.. (..)'."""
    return f"{pct_cell(count, total, threshold, mark)} ({count_cell(count, threshold, mark)})"


def count_text(count: int, threshold: int, mark: Mark = None) -> str:
    """A count for running text: '1.234', 'færre end 5' or, hidden by `mark`, 'et skjult antal'."""
    if is_small(count, threshold):
        return f"færre end {threshold}"
    return "et skjult antal" if mark else formatting.count(count)


def citizens_text(count: int, threshold: int, mark: Mark = None) -> str:
    """'1 borger', '12 borgere', 'færre end 5 borgere'."""
    noun = "borger" if count == 1 and not is_small(count, threshold) and not mark else "borgere"
    return f"{count_text(count, threshold, mark)} {noun}"


def hidden_outcome_reason(
    antal: Mapping[str, int],
    n: Mapping[str, int],
    threshold: int,
    names: Mapping[str, str],
    with_outcome: str = "har udfaldet",
    without_outcome: str = "har ikke udfaldet",
) -> str:
    """Why a compared outcome's counts and shares are not shown (after `suppress_outcome`), e.g.
    'færre end 5 borgere i forsøgsafdelingen har udfaldet'; `names` gives each group's name in text."""
    reasons = []
    for g in antal:
        if is_small(n[g], threshold):
            reasons.append(f"der er færre end {threshold} borgere i {names[g]}")
        elif is_small(antal[g], threshold):
            reasons.append(f"færre end {threshold} borgere i {names[g]} {with_outcome}")
        elif is_small(n[g] - antal[g], threshold):
            reasons.append(f"færre end {threshold} borgere i {names[g]} {without_outcome}")
    return dansk.join(reasons) if reasons else ""


def note(threshold: int, primary: bool = True, secondary: bool = True, unit: str = "borgere") -> str:
    """The Danish explanation of the symbols a table or figure uses."""
    parts = []
    if primary:
        parts.append(f"<{threshold}: færre end {threshold} {unit}.")
    if secondary:
        parts.append(
            f"{HIDDEN}: skjult af hensyn til diskretion, fordi et tal under {threshold} ellers kunne regnes ud "
            "af de øvrige tal, en total eller forskellen mellem grupperne."
        )
    return " ".join(parts)


def symbols_used(texts: Iterable[str], threshold: int) -> tuple[bool, bool]:
    """Whether `texts` show a small count ("<5") and a complementary suppression (".."): what `note` explains."""
    texts = list(texts)
    return any(f"<{threshold}" in text for text in texts), any(HIDDEN in text for text in texts)


def annotate(table: Table, threshold: int, unit: str = "borgere", extra: str = "") -> Table:
    """`table` with a note on the symbols it contains (and `extra` after it); unchanged without any."""
    primary, secondary = symbols_used([cell for row in table.rows for cell in row[1:]], threshold)
    if primary or secondary:
        table.add_note(" ".join(filter(None, [note(threshold, primary, secondary, unit), extra])))
    return table
