"""The Quarto implementation: `quarto render <source> --to all` (HTML and Typst) in the render tree."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from evalkit.errors import BuildError
from evalkit.render import STYLE, Renderer, copy_asset, proces
from evalkit.render.qmd import title_block, write_front_matter

# evalkit format name -> the file Quarto writes next to the source (`--to all`: html and typst in _quarto.yml)
OUTPUT_SUFFIXES = {"html": ".html", "pdf": ".pdf"}

# Attributes Quarto copies from the embedded notebooks into the HTML: the absolute path of the build's
# temporary tree (`data-notebook`), the notebooks' titles and cell ids, and papermill's `tags` and execution
# counts, whose order changes from build to build. None of them is content; all are removed.
BUILD_ATTRIBUTES = re.compile(
    r'\s(?:data-notebook(?:-title|-cellid)?|data-tags|data-execution_count|data-quarto-private-[\w-]+)="[^"]*"'
)


# Quarto's Typst partial that gives its PDF evalkit's look (`_quarto.yml`: template-partials), and the style
# it imports; both are copied next to the documents in the render tree, where Quarto writes its .typ.
TYPST_PARTIAL = "typst-template.typ"


def clean_html(text: str) -> str:
    """Quarto's HTML without the build-specific attributes (`BUILD_ATTRIBUTES`), so that it carries no local
    path and two builds give the same bytes."""
    return BUILD_ATTRIBUTES.sub("", text)


class QuartoRenderer(Renderer):
    name = "quarto"

    def __init__(self, executable: str, timeout: float = proces.RENDER_TIMEOUT):
        self.executable = executable
        self.timeout = timeout

    def version(self) -> str:
        timeout = min(self.timeout, proces.VERSION_TIMEOUT)
        proc = proces.run([self.executable, "--version"], cwd=None, timeout=timeout, what="'quarto --version'")
        return f"Quarto {proc.stdout.strip() or 'ukendt version'}"

    def command(self, source: Path) -> list[str]:
        """One call renders every format the project lists (`--to all`: HTML and Typst in `_quarto.yml`), so
        Deno, pandoc and the Sass compiler start once per document, not once per format."""
        return [self.executable, "render", source.as_posix(), "--to", "all"]

    def render(self, project: Path, source: Path, metadata: dict[str, Any], timestamp: int | None = None) -> dict[str, Path]:
        # the title block goes into the render tree's copy of the source, escaped, not onto the command line
        write_front_matter(project / source, title_block(metadata))
        for name in (TYPST_PARTIAL, STYLE):
            copy_asset(name, project / source.parent)
        env = dict(os.environ)
        if timestamp is not None:
            env["SOURCE_DATE_EPOCH"] = str(timestamp)  # honoured by Typst for the PDF's dates
        proc = proces.run(self.command(source), cwd=project, env=env, timeout=self.timeout, what=f"Quarto ({source.name})")
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
            raise BuildError(f"Quarto kunne ikke lave HTML og PDF af {source} (exitkode {proc.returncode}):\n{tail}")
        outputs = {}
        for fmt, suffix in OUTPUT_SUFFIXES.items():
            written = project / source.with_suffix(suffix)
            if not written.is_file():
                raise BuildError(f"Quarto afsluttede uden fejl, men skrev ikke {written.relative_to(project)}.")
            if fmt == "html":
                written.write_text(clean_html(written.read_text(encoding="utf-8")), encoding="utf-8")
            outputs[fmt] = written
        return outputs
