"""Disclosure control per document: every citizen count a document publishes is registered once, with
the relations a reader can use between them, and the suppression is solved and audited over all of
them together (`evalkit.statistik.diskretion` holds the rule for one table).

- A `Register` holds counts (an id, the true value and the mark the tables gave it) and relations:
  `total = a + b + …` (a margin, also a count published twice: `a = b`), `a + b + … <= total`, and
  counts compared between the groups (hidden together).
- `solve` applies the table rule over every relation of the document at once and then audits: a reader
  who knows the rule and every shown count (a hidden count is 1 to threshold − 1 when it is "primaer",
  any count from 0 up when "sekundaer") solves the relations for each hidden small count as an integer
  programme, its least and its greatest possible value (HiGHS through `scipy.optimize.milp`). Where
  both are the same, the count is revealed; then the smallest shown non-zero count of a relation that
  holds it is hidden as well, and the audit runs again, until no hidden small count is revealed.
- `revealed` is the audit alone: what a reader recovers from a register as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from evalkit.statistik.diskretion import PRIMARY, SECONDARY, Mark, is_small, suppress_linked


@dataclass(frozen=True)
class Relation:
    """`total = sum(parts)` (`exact`) or `sum(parts) <= total`."""

    total: str
    parts: tuple[str, ...]
    exact: bool = True

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


@dataclass
class Register:
    """The citizen counts one document publishes and how they relate."""

    threshold: int
    values: dict[str, int] = field(default_factory=dict)
    marks: dict[str, Mark] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    compared: list[tuple[str, ...]] = field(default_factory=list)
    exempt: set[str] = field(default_factory=set)  # shown whatever their size (`Config.diskretion_undtaget`)
    kept: set[str] = field(default_factory=set)  # hidden to protect another only when nothing else can be
    either: list[tuple[str, str]] = field(default_factory=list)  # pairs of which at least one is small

    def count(self, key: str, value: int | None, mark: Mark = None, exempt: bool = False) -> str:
        """Register the count `key` (value None: not known to the reader, as in a published file)."""
        if key in self.values and (self.values[key], self.marks[key]) != (value, mark):
            raise ValueError(f"the count '{key}' is registered twice with different values or marks")
        self.values[key], self.marks[key] = value, mark
        if exempt:
            self.exempt.add(key)
        return key

    def one_small(self, first: str, second: str) -> None:
        """Of `first` and `second` (e.g. those with and without an outcome, both hidden with one mark) at
        least one is small, the reader does not know which."""
        self.either.append((first, second))

    def keep(self, key: str) -> None:
        """Hide `key` to protect another count only when no other count can be (e.g. a group's size)."""
        self.kept.add(key)

    def sums(self, total: str, parts: Iterable[str]) -> None:
        """`total` is the sum of `parts` (a margin); with one part, the same count shown twice."""
        self.relations.append(Relation(total, tuple(parts)))

    def at_most(self, total: str, parts: Iterable[str]) -> None:
        """The sum of `parts` is at most `total` (e.g. a subset of the citizens `total` counts)."""
        self.relations.append(Relation(total, tuple(parts), exact=False))

    def compare(self, keys: Iterable[str]) -> None:
        """The counts of one quantity compared between the groups: hidden together."""
        self.compared.append(tuple(keys))

    def hidden(self) -> set[str]:
        """The counts a reader does not see: marked, or (in a published file) without a value."""
        return {key for key, mark in self.marks.items() if mark or self.values[key] is None}

    def known_relations(self) -> list[Relation]:
        """The relations between registered counts (a builder may name a count the document lacks)."""
        return [r for r in self.relations if all(cell in self.values for cell in r.cells)]


def solve(register: Register) -> dict[str, Mark]:
    """The marks of every registered count, solved over the whole document: the register's own marks,
    the table rule (`diskretion.suppress_linked`) over every exact relation and comparison, and further
    counts hidden ("sekundaer") until `revealed` finds nothing (see the module docstring), or until no
    shown count is left to hide (then `revealed` of the result is not empty). A count the register keeps
    (`Register.keep`) is chosen only when no other count can be."""
    values = {key: int(value) for key, value in register.values.items() if value is not None}
    if len(values) != len(register.values):
        raise ValueError("solve needs every registered count's true value")
    own_primary = [key for key, mark in register.marks.items() if mark == PRIMARY]
    secondary = {key for key, mark in register.marks.items() if mark == SECONDARY}
    ruled = {key: value for key, value in values.items() if key not in register.exempt}
    prefer = set(ruled) - register.kept
    margins = [[c for c in r.cells if c in ruled] for r in register.known_relations() if r.exact]
    for _ in range(len(values) + 1):  # every round hides at least one more count
        marks = suppress_linked(
            ruled, register.threshold, sums=margins, compared=register.compared, primary=own_primary,
            secondary=secondary, prefer=prefer,
        )
        marks.update(dict.fromkeys(register.exempt))
        found = revealed(replace(register, marks=marks))
        if not found:
            return marks
        extra = {_complement(register, key, values, marks) for key in found} - {None}
        if not extra:  # every count the revealed ones depend on is hidden: `revealed` will name them
            return marks
        secondary |= {key for key, mark in marks.items() if mark == SECONDARY} | extra
    raise RuntimeError("the document's suppression did not settle")  # unreachable: each round hides more


def _complement(register: Register, key: str, values: Mapping[str, int], marks: Mapping[str, Mark]) -> str | None:
    """The count to hide so that the revealed `key` no longer is: the smallest shown count (those the
    register does not keep first, then non-zero ones) of the relations that hold `key`, or, when all of
    theirs are hidden, of the relations those hidden counts are in, and so on."""
    relations = register.known_relations()
    reached, frontier, seen = set(), [key], {key}
    while frontier:
        candidates = {
            (cell in register.kept, values[cell] == 0, values[cell], cell)
            for relation in relations if set(relation.cells) & set(frontier)
            for cell in relation.cells if not marks[cell] and cell not in register.exempt
        }
        if candidates:
            return min(candidates)[-1]
        reached |= set(frontier)
        frontier = sorted({cell for relation in relations if set(relation.cells) & reached
                           for cell in relation.cells if marks[cell] and cell not in seen})
        seen |= set(frontier)
    return None


def revealed(register: Register) -> dict[str, int]:
    """The hidden small counts ("primaer") a reader of the shown counts can work out, with their value.

    The reader's integer programme: a variable per hidden count (1 to threshold − 1 for "primaer", 0 up
    for "sekundaer"; for a pair registered with `either`, one of the two is 1 to threshold − 1, by a 0/1
    variable), every relation as a linear constraint with the shown counts as constants. A hidden small
    count is revealed when its least and greatest feasible value are the same."""
    hidden = sorted(register.hidden())
    if not hidden:
        return {}
    pairs = [(a, b) for a, b in register.either if a in hidden and b in hidden]
    paired = {cell for pair in pairs for cell in pair}
    index = {key: i for i, key in enumerate(hidden)}
    size = len(hidden) + len(pairs)  # the counts, then a 0/1 variable per pair: 0 when its first is small
    known = [v for v in register.values.values() if v is not None]
    big = max(10**6, 2 * max(known, default=0))  # above any count; bounds keep the programmes finite
    t = register.threshold
    rows, lower, upper = [], [], []

    def constrain(coefficients: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(size)
        for i, c in coefficients.items():
            row[i] += c
        rows.append(row)
        lower.append(low)
        upper.append(high)

    for relation in register.known_relations():
        coefficients: dict[int, float] = {}
        constant = 0
        for cell, sign in ((relation.total, -1), *((part, 1) for part in relation.parts)):
            if cell in index:
                coefficients[index[cell]] = coefficients.get(index[cell], 0) + sign
            else:
                constant += sign * register.values[cell]
        if any(coefficients.values()):
            constrain(coefficients, -constant if relation.exact else -np.inf, -constant)
    for j, (a, b) in enumerate(pairs):
        z = len(hidden) + j
        constrain({index[a]: 1, z: -big}, -np.inf, t - 1)  # z = 0: 1 <= a <= t − 1
        constrain({index[a]: 1, z: big}, 1, np.inf)
        constrain({index[b]: 1, z: big}, -np.inf, t - 1 + big)  # z = 1: 1 <= b <= t − 1
        constrain({index[b]: 1, z: -big}, 1 - big, np.inf)
    small = [key for key in hidden if _small(register, key)]
    low = [1 if key in small and key not in paired else 0 for key in hidden] + [0] * len(pairs)
    high = [t - 1 if key in small and key not in paired else big for key in hidden] + [1] * len(pairs)
    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    found = {}
    for key in small:
        objective = np.zeros(size)
        objective[index[key]] = 1
        least, greatest = (_optimum(sign * objective, constraints, low, high) for sign in (1, -1))
        if least is not None and greatest is not None and round(least) == round(-greatest):
            found[key] = round(least)
    return found


def _small(register: Register, key: str) -> bool:
    """A hidden count the reader knows to be small, or one of a pair of which one is (`Register.either`):
    marked "primaer" and, where its value is known, small (a count hidden as "primaer" for a reason of its
    own, or as the larger of a pair, may be larger)."""
    value = register.values[key]
    return register.marks[key] == PRIMARY and (value is None or is_small(value, register.threshold))


def _optimum(objective: np.ndarray, constraints: list, low: list, high: list) -> float | None:
    result = milp(objective, constraints=constraints, integrality=np.ones(len(objective)), bounds=Bounds(low, high))
    return float(result.fun) if result.status == 0 else None
