"""Statistical disclosure control: small counts of citizens are not published (small-cell suppression).

The rule (threshold t = `Config.diskretionsgraense`, 5 by default):

- Primary suppression: a published count of citizens n with 0 < n < t is shown as "<5", and no share
  computed from it is shown (".."). Zero is shown.
- Secondary suppression: where the cells of a margin are tied together by a shown total (a group's
  size, an "i alt" row or column, or one of the cells being the total of the others), a single hidden
  cell could be found by subtraction, so the smallest other non-zero cell of that margin is hidden as
  well (".."). This is repeated over every margin of a table until no margin reveals a hidden cell.
- Compared outcomes: when a group's count of an outcome is hidden, every group's count and share of that
  outcome is hidden (likewise when few citizens of a group lack the outcome), and so is every statistic
  of the comparison (difference, interval, p-values, adjusted estimate, minimum detectable difference):
  with the published group sizes they leave few possible pairs of counts, often one. Holm's adjusted
  p-values of the other outcomes depend on the hidden p-value and are then shown only as below or not
  below alpha; the SMD of a binary baseline variable whose shares are hidden is hidden too. The
  presentation (`evalkit.maaleparametre`, `evalkit.praesentation.beskyttet`) applies this; figures draw
  only what the tables print (`beskyttet.shown_share`).

Plans (planer) count like citizens, since each concerns one citizen. Not covered: the staff figures
(personale: department totals about employees) and the interviews (samtaler: the job centre's activity).

The measurement modules call the functions here for each table; `evalkit.statistik.register` then solves
and audits the rule over every count of a whole document, and what it hides besides reaches the modules
as `Config.diskretion_plan`. How a hidden count is shown ("<5", "..", "færre end 5", the note under a
table) is `evalkit.praesentation.beskyttet`.

The full `resultater.json` (in `<output>-intern/`) keeps the true numbers. Where a published number was suppressed, the dict that holds
it gets a key "diskretion" mapping the key of each suppressed number to "primaer" or "sekundaer"
(nested like the numbers themselves); the key is absent when nothing in that dict was suppressed.
E.g. an outcome entry whose groups' antal and andel were hidden:

    {"forsoeg": {"antal": 3, "n": 917, "andel": 0.0033}, "kontrol": {...}, "forskel": ..., ...,
     "diskretion": {"forsoeg": "primaer", "kontrol": "sekundaer"}}

and a group's flow {"randomiseret": 917, ..., "diskretion": {"forladt_foer_slut": "primaer",
"fulgt_til_slut": "sekundaer"}}.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
Mark = str | None

PRIMARY = "primaer"
SECONDARY = "sekundaer"


def is_small(count: int, threshold: int) -> bool:
    """Whether `count` must not be published: 0 < count < threshold."""
    return 0 < count < threshold


def suppress(
    counts: Mapping[K, int], threshold: int, total_shown: bool, hidden: Iterable[K] = (), prefer: Collection[K] = ()
) -> dict[K, Mark]:
    """For each key of one margin: None (shown), "primaer" (0 < count < threshold) or "sekundaer".

    `total_shown`: the counts add up to a total that is shown too (or one of them is the total of the
    others), so if exactly one count is hidden, the smallest other non-zero count is hidden as well
    (those in `prefer` first, e.g. counts the report itself does not show; ties: the first in the
    mapping's order). `hidden` names keys already hidden for another reason (by another margin of the
    same table); they count as hidden and are marked "sekundaer" unless small.
    """
    marks: dict[K, Mark] = {key: PRIMARY if is_small(n, threshold) else None for key, n in counts.items()}
    for key in hidden:
        marks[key] = marks[key] or SECONDARY
    if total_shown and sum(mark is not None for mark in marks.values()) == 1:
        candidates = [(key not in prefer, n, i, key) for i, (key, n) in enumerate(counts.items())
                      if marks[key] is None and n > 0]
        if candidates:
            marks[min(candidates)[-1]] = SECONDARY
    return marks


def suppress_linked(
    cells: Mapping[K, int],
    threshold: int,
    sums: Iterable[Collection[K]] = (),
    compared: Iterable[Collection[K]] = (),
    primary: Collection[K] = (),
    prefer: Collection[K] = (),
    secondary: Collection[K] = (),
) -> dict[K, Mark]:
    """Marks for the cells of a whole table: each collection in `sums` is a margin whose cells are tied
    by a shown total (see `suppress`, which hides the cells in `prefer` first); each in `compared` holds
    the cells of one quantity compared between the groups, all hidden when one is; `primary` names cells
    hidden for a reason of their own besides being small, `secondary` cells hidden to protect another
    (e.g. decided for the whole document). Applied until no margin hides another cell."""
    sums, compared = [list(keys) for keys in sums], [list(keys) for keys in compared]
    marks: dict[K, Mark] = {key: PRIMARY if is_small(n, threshold) or key in primary else None for key, n in cells.items()}
    marks.update({key: marks[key] or SECONDARY for key in secondary})
    changed = True
    while changed:
        before = dict(marks)
        for keys in sums:
            margin = suppress({k: cells[k] for k in keys}, threshold, True, [k for k in keys if marks[k]], prefer)
            marks.update({k: marks[k] or mark for k, mark in margin.items() if mark})  # a mark is never changed
        for keys in compared:
            if any(marks[k] for k in keys):
                marks.update({k: marks[k] or SECONDARY for k in keys})
        changed = marks != before
    return marks


def suppress_grid(
    grid: Mapping[R, Mapping[C, int]],
    threshold: int,
    *,
    row_sums: bool = False,
    column_sums: bool = False,
    compared_rows: bool = False,
) -> dict[R, dict[C, Mark]]:
    """`suppress_linked` for a table of rows (e.g. categories) by columns (e.g. groups), marks[row][column]:
    `row_sums`/`column_sums` when each row's/column's cells add up to a shown total, `compared_rows`
    when each row is compared between the columns."""
    cells = {(r, c): n for r, row in grid.items() for c, n in row.items()}
    columns = list(dict.fromkeys(c for _r, c in cells))
    rows = [[(r, c) for c in grid[r]] for r in grid]
    by_column = [[(r, c) for r in grid if c in grid[r]] for c in columns]
    marks = suppress_linked(
        cells,
        threshold,
        sums=(rows if row_sums else []) + (by_column if column_sums else []),
        compared=rows if compared_rows else [],
    )
    return {r: {c: marks[(r, c)] for c in row} for r, row in grid.items()}


def suppress_outcome(antal: Mapping[str, int], n: Mapping[str, int], threshold: int) -> dict[str, Mark]:
    """Marks per group for a binary outcome whose groups are compared (a difference is published): a
    group is "primaer" when its citizens with, or without, the outcome (or in all) are 1 to threshold − 1;
    then every other group is "sekundaer", its count and share hidden too (an empty group has no share and
    no difference, so it stays as it is)."""
    marks: dict[str, Mark] = {
        g: PRIMARY if any(is_small(x, threshold) for x in (antal[g], n[g] - antal[g], n[g])) else None for g in antal
    }
    if any(marks.values()):
        marks = {g: mark or (SECONDARY if n[g] else None) for g, mark in marks.items()}
    return marks


def coarse_steps(events: Sequence[int], threshold: int) -> list[int]:
    """The indices of a step curve's steps (e.g. a Kaplan–Meier curve, one step per time with `events`
    events) that may be drawn: a step is drawn only once at least `threshold` events have gathered since
    the last drawn one, so that no drawn drop is 1 to threshold − 1 citizens. Events after the last
    drawn step that do not reach the threshold are not drawn."""
    kept, gathered = [], 0
    for i, count in enumerate(events):
        gathered += int(count)
        if gathered >= threshold:
            kept.append(i)
            gathered = 0
    return kept


# ---------------------------------------------------------------- resultater.json


def marker(marks: Mapping[Any, Any]) -> dict[str, Any]:
    """`marks` without the keys that were not suppressed (nested mappings alike), with string keys."""
    result: dict[str, Any] = {}
    for key, mark in marks.items():
        if isinstance(mark, Mapping):
            mark = marker(mark)
        if mark:
            result[str(key)] = mark
    return result


def mark_json(payload: dict[str, Any], marks: Mapping[Any, Any]) -> dict[str, Any]:
    """`payload` with the key "diskretion" (`marker(marks)`) when anything in it was suppressed."""
    found = marker(marks)
    return {**payload, "diskretion": found} if found else payload
