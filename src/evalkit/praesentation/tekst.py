"""Text is text: every string that reaches a document is escaped for markdown, the format both renderers
read, unless evalkit wrote it as markup itself.

A title, a group or department name, a cost source or an id from the configuration or the data can then
never become a link, an image, raw HTML, raw Typst, a citation or a heading: pandoc reads each special
character as itself, and Typst and HTML get it escaped for their own syntax by pandoc. Escaping changes
nothing visible: an escaped character is printed exactly as the unescaped one would be in plain text.
"""

from __future__ import annotations

import re

from IPython.display import Markdown

# every character that can open or close markdown syntax inside a line (pandoc escapes them all with \).
# A list item or a numbered line is left as it is: it can only change the layout, never add a link, an
# image, raw HTML or Typst, code, a citation or a heading, and evalkit's own texts use lists.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~^$@&!])")


class Markup(str):
    """Markdown that evalkit wrote itself (a bold row label, a checksum as code); never escaped again.
    Build it with `escape` around every value that came from the configuration or the data."""


def escape(text: object) -> str:
    """`text` as literal markdown text; `Markup` is returned as it is."""
    if isinstance(text, Markup):
        return text
    return _INLINE.sub(r"\\\1", str(text))


def bold(text: object) -> Markup:
    return Markup(f"**{escape(text)}**")


def code(text: object) -> Markup:
    """Code, for checksums and commands: backticks in `text` are refused rather than escaped."""
    value = str(text)
    if "`" in value:
        raise ValueError("code text with a backtick")
    return Markup(f"`{value}`")


def Tekst(text: object) -> Markdown:  # noqa: N802 (used like IPython's Markdown in the notebooks)
    """A notebook output of running text: `text` escaped (see the module), as `text/markdown`."""
    return Markdown(escape(text))
