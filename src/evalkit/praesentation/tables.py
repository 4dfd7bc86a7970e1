"""A small table builder that writes markdown pipe tables.

Markdown survives both renderers and both formats (Quarto's Typst output drops DataFrame HTML,
quarto-cli #12298), so every published table is built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from IPython.display import Markdown

from evalkit.praesentation.tekst import Markup, escape


def _cell(text: object) -> str:
    """A cell as literal text (`tekst.escape`; `Markup` as it is) on one line."""
    return escape(text).replace("\n", " ")


@dataclass
class Table:
    """Columns with alignment, rows of already formatted text, and an optional note below."""

    columns: list[str]
    align: list[str] | None = None  # "l" or "r" per column; default: first left, rest right
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # relative column widths (the dashes under the header; pandoc sizes a wide table's columns by them);
    # default: equal widths
    widths: list[int] | None = None

    def add_row(self, *cells: object) -> "Table":
        if len(cells) != len(self.columns):
            raise ValueError(f"row has {len(cells)} cells, table has {len(self.columns)} columns")
        self.rows.append([c if isinstance(c, Markup) else str(c) for c in cells])  # escaped when written
        return self

    def add_note(self, text: str) -> "Table":
        self.notes.append(text)
        return self

    def to_markdown(self) -> str:
        align = self.align or ["l"] + ["r"] * (len(self.columns) - 1)
        widths = self.widths or [3] * len(self.columns)
        if len(widths) != len(self.columns):
            raise ValueError(f"{len(widths)} widths for {len(self.columns)} columns")
        rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
        lines = [
            "| " + " | ".join(_cell(c) for c in self.columns) + " |",
            "|" + "|".join(rule[a].format("-" * max(3, w)) for a, w in zip(align, widths)) + "|",
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
        text = "\n".join(lines)
        if self.notes:
            text += "\n\n" + " ".join(escape(note) for note in self.notes)
        return text

    def display(self) -> Markdown:
        """The table as a notebook output (`text/markdown`)."""
        return Markdown(self.to_markdown())
