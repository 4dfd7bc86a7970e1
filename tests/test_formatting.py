"""Danish formatting: decimal comma, thousands dot, half-up rounding, pct., Danish month names."""

import datetime as dt

from evalkit.praesentation import formatting
from evalkit.praesentation.tables import Table


def test_numbers():
    assert formatting.number(5.3, 1) == "5,3"
    assert formatting.number(1234567) == "1.234.567"
    assert formatting.number(0.125, 2) == "0,13"  # half-up, not banker's rounding
    assert formatting.number(46.5) == "47"
    assert formatting.count(1773) == "1.773"


def test_percentages():
    assert formatting.pct(102 / 917) == "11 pct."
    assert formatting.pct(543 / 855) == "64 pct."
    assert formatting.share_with_count(606 / 917, 606) == "66 pct. (606)"
    assert formatting.pct_points(0.0973) == "+9,7 procentpoint"
    assert formatting.pct_points(-0.004) == "\u22120,4 procentpoint"


def test_dates():
    assert formatting.date(dt.date(2018, 1, 1)) == "1. januar 2018"
    assert formatting.month(dt.date(2020, 12, 1)) == "december 2020"
    assert formatting.month_range(dt.date(2018, 5, 1), dt.date(2018, 12, 1)) == "maj\u2013december 2018"
    assert formatting.month_range(dt.date(2018, 1, 1), dt.date(2020, 4, 1)) == "januar 2018\u2013april 2020"


def test_table_markdown():
    table = Table(["", "A", "B"]).add_row("x|y", "1", "2").add_note("Note: n.")
    assert table.to_markdown() == "|  | A | B |\n|:---|---:|---:|\n| x\\|y | 1 | 2 |\n\nNote: n."
