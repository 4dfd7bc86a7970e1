"""What a renderer wrote is checked before it is published: a PDF that opens and has pages, an HTML
document that is whole and carries the document's title."""

from __future__ import annotations

import html
import re
from pathlib import Path

from evalkit.errors import BuildError


def verify(outputs: dict[str, Path], title: str, renderer: str) -> None:
    """A Danish BuildError naming the renderer and the file when an output is not a real document."""
    for fmt, path in outputs.items():
        problem = _pdf_problem(path) if fmt == "pdf" else _html_problem(path, title)
        if problem:
            raise BuildError(f"{renderer} skrev {path.name}, men {problem}, så den bliver ikke udgivet.")


def _pdf_problem(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = len(PdfReader(path, strict=False).pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        return "filen er ikke en PDF, der kan åbnes"
    return "" if pages else "PDF'en har ingen sider"


def _html_problem(path: Path, title: str) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "filen er ikke en HTML-fil, der kan læses"
    if "</html>" not in text.lower():
        return "HTML-filen er ikke hel"
    if title and _visible(title) not in _visible(html.unescape(_TAG.sub(" ", text))):
        return f"dokumentets titel ({title}) står ikke i den"
    return ""


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})


def _visible(text: str) -> str:
    """Text as a reader sees it: typographic quotes as straight ones, runs of white space as one."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()
