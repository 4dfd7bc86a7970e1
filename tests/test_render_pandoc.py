"""The pandoc/Typst renderer's repair of pandoc's Typst output."""

from __future__ import annotations

import pypandoc

from evalkit.render.pandoc import _escape_cell_enumerations


def test_a_cell_starting_with_a_date_is_not_a_numbered_list():
    markdown = "| a | b | c |\n|:--|:--|:--|\n| x | 2. april 2021 (data) | 1. januar 2018 |\n\n2. april i et afsnit.\n"
    typst_source = pypandoc.convert_text(markdown, "typst", format="markdown")
    assert "[2. april 2021 (data)]" in typst_source  # what pandoc writes: a list item numbered 2 in Typst
    fixed = _escape_cell_enumerations(typst_source)
    assert "[2\\. april 2021 (data)]" in fixed and "[1\\. januar 2018]" in fixed
    assert fixed.replace("\\.", ".") == typst_source  # nothing else changes
