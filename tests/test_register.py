"""The document's register of published counts: solved and audited over all of them together
(`evalkit.statistik.register`; issue 16, point 1)."""

from __future__ import annotations

import pytest

from evalkit.statistik.diskretion import PRIMARY, SECONDARY
from evalkit.statistik.register import Register, revealed, solve

T = 5


def _table(reg: Register, prefix: str, parts: dict[str, int], total: int, marks: dict[str, str] | None = None) -> None:
    marks = marks or {}
    ids = [reg.count(f"{prefix}/{k}", v, marks.get(k)) for k, v in parts.items()]
    reg.sums(reg.count(f"{prefix}/i_alt", total, marks.get("i_alt")), ids)


def test_a_count_printed_in_a_second_table_is_hidden_there_too():
    reg = Register(T)
    _table(reg, "a", {"x": 3, "y": 97}, 100, {"x": PRIMARY, "y": SECONDARY})  # the table's own rule
    reg.sums("a/y", [reg.count("b/y", 97)])  # the same 97 printed again in another table
    assert revealed(reg) == {"a/x": 3}
    marks = solve(reg)
    assert marks["b/y"] == SECONDARY and marks["a/x"] == PRIMARY
    assert revealed(Register(T, reg.values, marks, reg.relations, reg.compared)) == {}


def test_small_counts_that_can_only_add_up_one_way_are_found_and_protected():
    # plans of a group: 12 = 4 + 4 + 0 + 4; each table margin has two or more hidden cells, so the table
    # rule is satisfied, but three counts below 5 that add up to 12 must all be 4
    reg = Register(T)
    _table(reg, "planer", {"indstillet": 4, "udskudt": 4, "afvist": 0, "uden": 4}, 12,
           {"indstillet": PRIMARY, "udskudt": PRIMARY, "uden": PRIMARY})
    assert revealed(reg) == {"planer/indstillet": 4, "planer/udskudt": 4, "planer/uden": 4}
    marks = solve(reg)
    assert marks["planer/i_alt"] == SECONDARY or marks["planer/afvist"] == SECONDARY
    assert revealed(Register(T, reg.values, marks, reg.relations, reg.compared)) == {}


def test_an_upper_bound_can_reveal_a_hidden_count():
    # a subset's count is at most the whole: 5 shown beside a total of 6 leaves exactly 1 for the hidden part
    reg = Register(T)
    reg.count("hel", 6)
    reg.count("del", 5)
    reg.count("skjult", 1, PRIMARY)
    reg.at_most("hel", ["del", "skjult"])
    assert revealed(reg) == {"skjult": 1}
    marks = solve(reg)
    assert revealed(Register(T, reg.values, marks, reg.relations, reg.compared)) == {}
    assert marks["del"] == SECONDARY  # the smaller of the two shown counts


def test_a_reader_without_the_true_values_finds_the_same():
    """`revealed` works on a published register: hidden values unknown (None)."""
    reg = Register(T)
    _table(reg, "a", {"x": None, "y": None, "z": 40}, 45, {"x": PRIMARY, "y": SECONDARY})
    reg.sums("a/y", [reg.count("b/y", 2)])  # hidden in one table, printed in another: a mistake to find
    assert revealed(reg) == {"a/x": 3}


def test_two_hidden_counts_in_every_margin_leave_the_reader_a_range():
    reg = Register(T)
    _table(reg, "f", {"ja": 3, "nej": 40}, 43, {"ja": PRIMARY, "nej": SECONDARY})
    _table(reg, "k", {"ja": 20, "nej": 25}, 45, {"ja": SECONDARY, "nej": SECONDARY})
    reg.compare(["f/ja", "k/ja"])
    assert revealed(reg) == {}
    assert solve(reg) == reg.marks


def test_an_exempt_count_is_shown_and_counts_as_known():
    reg = Register(T)
    reg.count("uden_startdato", 1, exempt=True)
    _table(reg, "tabel", {"kort": 500, "lang": 355}, 855)
    reg.sums(reg.count("n", 856), ["tabel/i_alt", "uden_startdato"])
    marks = solve(reg)
    assert marks["uden_startdato"] is None and not any(marks.values())


def test_a_kept_count_is_hidden_only_when_nothing_else_can_be():
    reg = Register(T)
    reg.keep(reg.count("n", 100))
    reg.count("a", 2, PRIMARY)
    reg.count("b", 98)
    reg.sums("n", ["a", "b"])
    marks = solve(reg)
    assert marks["b"] == SECONDARY and marks["n"] is None


def test_a_count_registered_twice_must_agree():
    reg = Register(T)
    reg.count("x", 3, PRIMARY)
    reg.count("x", 3, PRIMARY)
    with pytest.raises(ValueError):
        reg.count("x", 4, PRIMARY)


def test_a_reader_does_not_know_which_of_a_hidden_pair_is_the_small_one():
    # 8 in a group, 2 with the outcome and 6 without: both hidden with one mark (few have it). Read as two
    # small counts they would have to be 4 and 4; the reader only knows that one of them is below 5
    published = Register(T)
    published.count("n", 8)
    published.count("med", None, PRIMARY)
    published.count("uden", None, PRIMARY)
    published.sums("n", ["med", "uden"])
    published.one_small("med", "uden")
    assert revealed(published) == {}
    full = Register(T, {"n": 8, "med": 2, "uden": 6}, dict(published.marks), published.relations,
                    either=published.either)
    assert revealed(full) == {} and solve(full) == full.marks
    # without the pair, a reader would be credited with knowing that both are small:
    both_small = Register(T, dict(published.values), dict(published.marks), published.relations)
    assert revealed(both_small) == {"med": 4, "uden": 4}
