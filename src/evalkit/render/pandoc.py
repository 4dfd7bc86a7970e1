"""The fallback implementation: pandoc (from pypandoc-binary) for HTML, pandoc + Typst for PDF.

It renders the same `.qmd` sources as Quarto, after `evalkit.render.qmd` has resolved the
documented subset of Quarto syntax, and writes its outputs where Quarto would: next to the source.
"""

from __future__ import annotations

import re
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pypandoc
import typst
import yaml

from evalkit.errors import BuildError
from evalkit.praesentation.tekst import escape
from evalkit.render import ASSETS, STYLE, Renderer, copy_asset, proces
from evalkit.render.qmd import Resolved, quarto_date, resolve


def _options(project: Path, source: Path, front_matter: dict[str, Any], fmt: str) -> dict[str, Any]:
    """Options for one format: `_quarto.yml`, then the document's front matter (which wins).
    As in Quarto, a `css` path is relative to the file that names it."""
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8")) or {}
    merged: dict[str, Any] = {}
    for layer, base in ((config, project), (front_matter, (project / source).parent)):
        options = {k: v for k, v in layer.items() if k not in ("format", "project")}
        options.update((layer.get("format") or {}).get(fmt) or {})
        if "css" in options:
            sheets = [options["css"]] if isinstance(options["css"], str) else list(options["css"])
            options["css"] = [str((base / sheet).resolve()) for sheet in sheets]
        merged.update(options)
    return merged


# a table cell of pandoc's Typst output that begins like a numbered list item: "[2. april 2021]"
_CELL_ENUMERATION = re.compile(r"^(\s*(?:\[[^\]\n]*\], )*)\[(\d+)\. ", re.M)


def _escape_cell_enumerations(typst_source: str) -> str:
    """Escape "2." at the start of a table cell, which Typst would otherwise read as a numbered list
    ("2. april 2021" became a list item numbered 2); pandoc 3.9 escapes it in paragraphs, not in cells."""
    previous = None
    while previous != typst_source:  # one cell per pass on each line
        previous, typst_source = typst_source, _CELL_ENUMERATION.sub(r"\1[\2\\. ", typst_source)
    return typst_source


class PandocRenderer(Renderer):
    name = "pandoc"

    def __init__(self, timeout: float = proces.RENDER_TIMEOUT) -> None:
        self.pandoc = pypandoc.get_pandoc_path()
        self.timeout = timeout

    def version(self) -> str:
        return f"pandoc {pypandoc.get_pandoc_version()} (pypandoc-binary), Typst (typst-py {package_version('typst')})"

    def _pandoc(self, args: list[str], cwd: Path) -> None:
        proc = proces.run([self.pandoc, *args], cwd=cwd, timeout=self.timeout, what="pandoc")
        if proc.returncode != 0:
            raise BuildError(f"pandoc fejlede (exitkode {proc.returncode}):\n{proc.stderr.strip()}")

    def _write_markdown(self, path: Path, resolved: Resolved, options: dict[str, Any]) -> None:
        keep = ("title", "subtitle", "author", "date", "lang", "toc-title")
        # pandoc reads metadata strings as markdown: they are escaped like every other text (tekst.escape)
        meta = {k: escape(options[k]) if isinstance(options[k], str) else options[k] for k in keep if k in options}
        if "date" in meta:
            meta["date"] = escape(quarto_date(options["date"], options.get("date-format"), options.get("lang", "da")))
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)
        path.write_text(f"---\n{header}---\n\n{resolved.markdown}", encoding="utf-8")

    def render(self, project: Path, source: Path, metadata: dict[str, Any], timestamp: int | None = None) -> dict[str, Path]:
        build = project / "_build" / source.stem
        build.mkdir(parents=True, exist_ok=True)
        resolved = resolve(project, source, metadata, build / "figurer")
        out_html = project / source.with_suffix(".html")
        out_pdf = project / source.with_suffix(".pdf")
        self._html(_options(project, source, resolved.metadata, "html"), resolved, build, out_html)
        self._pdf(project, _options(project, source, resolved.metadata, "typst"), resolved, build, out_pdf, timestamp)
        return {"html": out_html, "pdf": out_pdf}

    def _html(self, options: dict[str, Any], resolved: Resolved, build: Path, out: Path) -> None:
        markdown = build / "html.md"
        self._write_markdown(markdown, resolved, options)
        args = [markdown.name, "-f", "markdown", "-t", "html5", "--standalone", "--wrap=none", "-o", str(out)]
        if options.get("embed-resources"):
            args.append("--embed-resources")
        if options.get("toc"):
            args.append("--toc")
        if options.get("number-sections"):
            args.append("--number-sections")
        # the fallback's own page style first, then the project's styles for the content (`_quarto.yml`)
        for sheet in [str(ASSETS / "evalkit-side.css"), *options.get("css", [])]:
            args += ["--css", sheet]
        self._pandoc(args, cwd=build)

    def _pdf(
        self, project: Path, options: dict[str, Any], resolved: Resolved, build: Path, out: Path, timestamp: int | None
    ) -> None:
        markdown = build / "typst.md"
        self._write_markdown(markdown, resolved, options)
        typ = build / f"{out.stem}.typ"
        args = [markdown.name, "-f", "markdown", "-t", "typst", "--standalone", "--wrap=none", "-o", typ.name]
        args += ["--template", str(ASSETS / "evalkit-template.typ")]
        args += ["-V", f"papersize={options.get('papersize', 'a4')}"]
        if options.get("toc"):
            args.append("--toc")
        if options.get("number-sections"):
            args += ["-V", "section-numbering=1.1"]
        self._pandoc(args, cwd=build)
        copy_asset(STYLE, build)  # imported by the .typ
        text = typ.read_text(encoding="utf-8")
        # pandoc does not carry alt text into Typst images; add it for screen readers
        for name, alt in resolved.alt_texts.items():
            escaped = alt.replace("\\", "\\\\").replace('"', '\\"')
            text = re.sub(rf'image\("([^"]*{re.escape(name)})"\)', rf'image("\1", alt: "{escaped}")', text)
        text = _escape_cell_enumerations(text)
        typ.write_text(text, encoding="utf-8")
        try:
            # PDF/UA-1: a tagged PDF with a title, a language and alt text on every image
            typst.compile(str(typ), output=str(out), root=str(project), pdf_standards=["ua-1"], timestamp=timestamp)
        except RuntimeError as exc:
            raise BuildError(f"Typst kunne ikke lave PDF af {typ.name}:\n{exc}") from None
