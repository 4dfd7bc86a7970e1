"""The subset of Quarto that evalkit's report sources use, and its translation to plain pandoc markdown.

The subset (documented in the README; `check_sources` enforces it):

- front matter and `_quarto.yml` keys listed in `FRONT_MATTER_KEYS`, `PROJECT_KEYS` and `FORMAT_KEYS`;
- shortcodes `{{< embed NOTEBOOK.ipynb#LABEL >}}` and `{{< include FILE.md >}}`, each alone on its line,
  and `{{< meta KEY >}}` as the text of a heading (the build's computed headings, `HEADING_PREFIX`);
- cross-references `@tbl-LABEL` and `@fig-LABEL` to embedded cells (numbered "Tabel N" / "Figur N");
- conditional content `::: {.content-visible when-meta="KEY"}` and `::: {.content-hidden when-meta="KEY"}`
  (not nested), decided by the metadata evalkit passes for the phase;
- headings, paragraphs, lists, emphasis and links of plain pandoc markdown; heading attributes
  `{#id}` and `{.unnumbered}`.

Not in the subset: executable code cells, other shortcodes, callouts and other fenced divs, other
cross-reference kinds (`@sec-`, `@eq-`), citations, and tables or figures written in the `.qmd` itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from babel.dates import format_date

from evalkit.errors import BuildError
from evalkit.praesentation.tekst import escape

FRONT_MATTER_KEYS = {"title", "subtitle", "author", "date", "lang", "toc", "toc-title", "number-sections", "format"}
# An included file's front matter holds only the analysts' premises, which the build checks and removes
# before anything renders (Quarto would take an included file's metadata as the document's)
PREMISES_KEY = "praemisser"
# and the analysts' main findings (a list of sentences), which the résumé shows among its conclusions
MAIN_FINDINGS_KEY = "hovedfund"
INCLUDED_KEYS = {PREMISES_KEY, MAIN_FINDINGS_KEY}
# metadata keys of the computed headings: a heading `## {{< meta overskrift-X >}} {#sec-X}` states a finding
HEADING_PREFIX = "overskrift-"
PROJECT_KEYS = {"project", "lang", "format"}
# `format-links`, `region`, `pdf-standard` and `template-partials` are for Quarto; the fallback always does what
# they ask for (no links to other formats, Danish region, PDF/UA-1 and evalkit's Typst look)
FORMAT_KEYS = {
    "html": {"embed-resources", "toc", "toc-title", "number-sections", "notebook-links", "format-links", "css"},
    "typst": {"papersize", "toc", "toc-title", "number-sections", "region", "pdf-standard", "template-partials"},
}
SHORTCODES = {"embed", "include", "meta"}
CROSSREF_KINDS = {"tbl": "Tabel", "fig": "Figur"}
NBSP = "\u00a0"

SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)\s*(.*?)\s*>\}\}")
CROSSREF = re.compile(r"(?<![\w@.])@([a-z]+)-([A-Za-z0-9_-]*[A-Za-z0-9])")
META_HEADING = re.compile(rf"^#+ \{{\{{<[ \t]*meta[ \t]+({HEADING_PREFIX}[\w-]+)[ \t]*>\}}\}}[ \t]*(\{{[^}}\n]*\}})?[ \t]*$", re.M)
CODE_CELL = re.compile(r"^\s*(```+|~~~+)\s*\{", re.M)
FENCED_DIV = re.compile(r"^\s*:::", re.M)
# Quarto's conditional content on a metadata key, not nested: shown or hidden by the build's metadata
CONDITIONAL = re.compile(r'^:::\s*\{\.content-(visible|hidden) when-meta="([\w-]+)"\}[ \t]*\n(.*?)^:::[ \t]*$', re.M | re.S)


@dataclass
class Source:
    path: Path
    front_matter: dict[str, Any]
    body: str


# Title-block fields that hold free text from the configuration. Quarto and pandoc read front matter as
# markdown, so these are escaped like every other text (`tekst.escape`).
TITLE_TEXTS = ("title", "subtitle", "author")
# Quarto's date-format tokens (dayjs) and their Babel equivalents, longest first
_DATE_TOKENS = {"YYYY": "y", "MMMM": "MMMM", "MMM": "MMM", "MM": "MM", "M": "M", "DD": "dd", "D": "d"}
_DATE_TOKEN = re.compile("|".join(_DATE_TOKENS))


def title_block(metadata: dict[str, Any]) -> dict[str, Any]:
    """The build's document metadata as front-matter values: the free texts escaped as markdown."""
    return {key: escape(value) if key in TITLE_TEXTS else value for key, value in metadata.items()}


def quarto_date(value: Any, date_format: str | None, lang: str) -> str:
    """A front-matter date as Quarto shows it: an ISO date in `date_format` (Quarto's dayjs tokens, e.g.
    "MMMM YYYY" gives "december 2020" in Danish); anything else as written."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if not date_format:
        return day.isoformat()
    if re.sub(_DATE_TOKEN, "", date_format).strip(" .,-/"):
        raise BuildError(f"date-format '{date_format}' understøttes ikke af pandoc-vejen; brug fx 'MMMM YYYY'.")
    pattern = _DATE_TOKEN.sub(lambda m: _DATE_TOKENS[m.group(0)], date_format)
    return format_date(day, pattern, locale=lang)


def write_front_matter(path: Path, values: dict[str, Any]) -> None:
    """Merge `values` into the front matter of the document at `path` (a render tree's copy): Quarto
    takes the title block from there, whereas `-M` metadata does not reach its own processing (the date
    format and the HTML title)."""
    source = split_front_matter(path)
    header = yaml.safe_dump({**source.front_matter, **values}, allow_unicode=True, sort_keys=True)
    path.write_text(f"---\n{header}---\n\n{source.body}", encoding="utf-8")


def split_front_matter(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not match:
        return Source(path, {}, text)
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"{path.name}: front matter er ikke gyldig YAML: {exc}") from None
    return Source(path, meta, text[match.end() :])


def _check_format_options(where: str, formats: Any, problems: list[str]) -> None:
    if formats is None:
        return
    if not isinstance(formats, dict):
        problems.append(f"{where}: 'format' skal være en mapping af formater.")
        return
    for name, options in formats.items():
        if name not in FORMAT_KEYS:
            problems.append(f"{where}: formatet '{name}' er uden for den understøttede delmængde (html, typst).")
            continue
        for key in (options or {}) if isinstance(options, dict) else ():
            if key not in FORMAT_KEYS[name]:
                problems.append(f"{where}: '{name}: {key}' er uden for den understøttede delmængde.")


def check_body(name: str, body: str) -> list[str]:
    """Quarto syntax in a document body (or included file) that is outside the subset."""
    problems = []
    for match in SHORTCODE.finditer(body):
        kind, args = match.groups()
        if kind not in SHORTCODES:
            problems.append(f"{name}: shortcode '{kind}' er uden for den understøttede delmængde.")
        elif kind == "embed" and not re.fullmatch(r"[^#\s]+\.ipynb#[\w-]+", args):
            problems.append(f"{name}: embed skal have formen NOTESBOG.ipynb#LABEL, fandt '{args}'.")
        elif kind == "include" and not re.fullmatch(r"[^\s]+\.(md|qmd)", args):
            problems.append(f"{name}: include skal pege på én .md- eller .qmd-fil, fandt '{args}'.")
    for line in body.splitlines():
        if META_HEADING.match(line):
            continue
        if any(m.group(1) == "meta" for m in SHORTCODE.finditer(line)):
            problems.append(f"{name}: meta-shortcoden må kun være hele teksten i en overskrift "
                            f"('## {{{{< meta {HEADING_PREFIX}NAVN >}}}} {{#sec-NAVN}}'): '{line.strip()}'.")
        elif SHORTCODE.search(line) and SHORTCODE.sub("", line).strip():
            problems.append(f"{name}: en shortcode skal stå alene på sin linje: '{line.strip()}'.")
    for match in CROSSREF.finditer(body):
        if match.group(1) not in CROSSREF_KINDS:
            problems.append(f"{name}: krydshenvisningen '@{match.group(1)}-{match.group(2)}' er uden for delmængden.")
    if CODE_CELL.search(body):
        problems.append(f"{name}: kodeceller hører til i notesbøgerne, ikke i rapportkilderne.")
    if FENCED_DIV.search(CONDITIONAL.sub("", body)):
        problems.append(
            f"{name}: fenced divs (':::', fx callouts) er uden for den understøttede delmængde; kun "
            "'::: {.content-visible when-meta=\"NØGLE\"}' og '.content-hidden' uden indlejring er med."
        )
    for match in re.finditer(r"^#+ .*\{([^}]*)\}\s*$", body, re.M):
        for attr in match.group(1).split():
            if not (attr.startswith("#") or attr == ".unnumbered"):
                problems.append(f"{name}: overskriftsattributten '{attr}' er uden for delmængden.")
    for match in re.finditer(r"\[@[\w-]+|\{#(tbl|fig)-", body):
        problems.append(f"{name}: '{match.group(0)}': citater og tabeller/figurer i selve kilden er uden for delmængden.")
    return problems


def check_sources(project: Path) -> list[str]:
    """Every use of Quarto syntax outside the subset in `_quarto.yml` and `reports/`."""
    problems: list[str] = []
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8")) or {}
    for key in config:
        if key not in PROJECT_KEYS:
            problems.append(f"_quarto.yml: nøglen '{key}' er uden for den understøttede delmængde.")
    _check_format_options("_quarto.yml", config.get("format"), problems)
    for path in sorted((project / "reports").glob("*.qmd")) + sorted((project / "reports").glob("*.md")):
        source = split_front_matter(path)
        allowed = FRONT_MATTER_KEYS if path.suffix == ".qmd" else INCLUDED_KEYS
        for key in source.front_matter:
            if key not in allowed:
                problems.append(f"{path.name}: front matter-nøglen '{key}' er uden for den understøttede delmængde.")
        _check_format_options(path.name, source.front_matter.get("format"), problems)
        problems += check_body(path.name, source.body)
    return problems


# --- translation to pandoc markdown -------------------------------------------------------------


@dataclass
class Float:
    kind: str  # "tbl" or "fig"
    label: str
    number: int

    @property
    def name(self) -> str:
        return f"{CROSSREF_KINDS[self.kind]}{NBSP}{self.number}"


@dataclass
class Resolved:
    metadata: dict[str, Any]
    markdown: str
    floats: dict[str, Float] = field(default_factory=dict)
    alt_texts: dict[str, str] = field(default_factory=dict)  # image file name -> alt text


def expand_includes(body: str, base: Path, depth: int = 0) -> str:
    if depth > 10:
        raise BuildError("{{< include >}} er indlejret mere end 10 niveauer; er der en løkke?")

    def replace(match: re.Match) -> str:
        if match.group(1) != "include":
            return match.group(0)
        path = base / match.group(2)
        if not path.is_file():
            raise BuildError(f"{{{{< include {match.group(2)} >}}}}: filen {path} findes ikke.")
        included = split_front_matter(path).body
        return expand_includes(included, path.parent, depth + 1)

    return SHORTCODE.sub(replace, body)


def resolve_headings(body: str, metadata: dict[str, Any], name: str) -> str:
    """Put the build's computed heading texts (metadata `overskrift-*`, already escaped) into the
    headings that name them, as Quarto's meta shortcode does."""

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in metadata:
            raise BuildError(f"{name}: overskriften '{key}' er ikke beregnet for denne fase.")
        hashes = match.group(0).split(" ", 1)[0]
        return f"{hashes} {metadata[key]}" + (f" {match.group(2)}" if match.group(2) else "")

    return META_HEADING.sub(replace, body)


def resolve_conditionals(body: str, metadata: dict[str, Any]) -> str:
    """Keep or drop `.content-visible` / `.content-hidden` blocks as Quarto does for `when-meta`."""

    def replace(match: re.Match) -> str:
        kind, key, content = match.groups()
        shown = bool(metadata.get(key))
        return content if shown == (kind == "visible") else ""

    return CONDITIONAL.sub(replace, body)


def cell_options(source: str) -> dict[str, Any]:
    """The `#| key: value` options at the top of a code cell."""
    lines = []
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    if not lines:
        return {}
    try:
        return yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"Celleindstillingerne ('#|'-linjerne) er ikke gyldig YAML:\n{exc}") from None


def find_cell(notebook: Path, label: str) -> tuple[dict[str, Any], list[Any]]:
    if not notebook.is_file():
        raise BuildError(f"Den kørte notesbog {notebook} findes ikke; blev den kørt med papermill?")
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            options = cell_options(cell.source)
            if options.get("label") == label:
                return options, cell.get("outputs", [])
    raise BuildError(f"Notesbogen {notebook.name} har ingen celle med label '{label}'.")


def _rich_outputs(notebook: Path, label: str, outputs: list[Any]) -> list[dict[str, Any]]:
    data = []
    for output in outputs:
        if output.output_type == "error":
            raise BuildError(f"Cellen '{label}' i {notebook.name} endte med en fejl: {output.ename}.")
        if output.output_type in ("display_data", "execute_result"):
            data.append(output.data)
    return data


def _table_markdown(text: str, caption: str, float_: Float) -> str:
    lines = text.strip().splitlines()
    table = [line for line in lines if line.lstrip().startswith("|")]
    rest = "\n".join(line for line in lines if not line.lstrip().startswith("|")).strip()
    if not table:
        raise BuildError(f"Cellen '{float_.label}' har ingen markdown-tabel i sit output.")
    out = "\n".join(table) + f"\n\n: {float_.name}: {caption} {{#{float_.label}}}\n"
    if rest:
        out += f"\n::: {{.tabelnote}}\n{rest}\n:::\n"
    return out


def _figure_markdown(notebook: Path, data: dict[str, Any], options: dict[str, Any], float_: Float | None,
                     assets: Path, resolved: Resolved) -> str:
    assets.mkdir(parents=True, exist_ok=True)
    label = options.get("label", "figur")
    if "image/svg+xml" in data:
        path = assets / f"{label}.svg"
        svg = data["image/svg+xml"]
        path.write_text(svg if isinstance(svg, str) else "".join(svg), encoding="utf-8")
    else:
        path = assets / f"{label}.png"
        path.write_bytes(base64.b64decode(data["image/png"]))
    alt = str(options.get("fig-alt", options.get("fig-cap", ""))).replace('"', "'")
    resolved.alt_texts[path.name] = alt
    caption = f"{float_.name}: {options.get('fig-cap', '')}" if float_ else ""
    ident = f"#{float_.label} " if float_ else ""
    return f"![{caption}]({assets.name}/{path.name}){{{ident}alt=\"{alt}\"}}\n"


def resolve(project: Path, source: Path, metadata: dict[str, Any], assets: Path) -> Resolved:
    """`project/source` as plain pandoc markdown: includes expanded, embeds replaced by their stored
    outputs, cross-references numbered. Images go to `assets` (whose parent holds the markdown)."""
    path = project / source
    doc = split_front_matter(path)
    problems = check_body(path.name, doc.body)
    if problems:
        raise BuildError("Rapportkilden bruger Quarto-syntaks uden for den understøttede delmængde:\n" + "\n".join(problems))
    resolved = Resolved(metadata={**doc.front_matter, **metadata}, markdown="")
    body = resolve_conditionals(expand_includes(doc.body, path.parent), resolved.metadata)
    body = resolve_headings(body, resolved.metadata, path.name)

    counters = {kind: 0 for kind in CROSSREF_KINDS}
    for match in SHORTCODE.finditer(body):
        label = match.group(2).split("#", 1)[1]
        kind = label.split("-", 1)[0]
        if kind in CROSSREF_KINDS:
            if label in resolved.floats:
                raise BuildError(f"{path.name}: cellen '{label}' er indlejret mere end én gang.")
            counters[kind] += 1
            resolved.floats[label] = Float(kind, label, counters[kind])

    def embed(match: re.Match) -> str:
        target, label = match.group(2).split("#", 1)
        notebook = (path.parent / target).resolve()
        options, outputs = find_cell(notebook, label)
        float_ = resolved.floats.get(label)
        parts = []
        for data in _rich_outputs(notebook, label, outputs):
            if "image/svg+xml" in data or "image/png" in data:
                parts.append(_figure_markdown(notebook, data, options, float_, assets, resolved))
            elif "text/markdown" in data:
                text = data["text/markdown"]
                text = text if isinstance(text, str) else "".join(text)
                if float_ and float_.kind == "tbl":
                    parts.append(_table_markdown(text, str(options.get("tbl-cap", "")), float_))
                else:
                    parts.append(text.strip() + "\n")
        if not parts:
            raise BuildError(f"Cellen '{label}' i {notebook.name} har intet output at vise.")
        return "\n".join(parts)

    body = SHORTCODE.sub(embed, body)

    def crossref(match: re.Match) -> str:
        label = f"{match.group(1)}-{match.group(2)}"
        if label not in resolved.floats:
            raise BuildError(f"{path.name}: krydshenvisningen @{label} peger ikke på en indlejret tabel eller figur.")
        return f"[{resolved.floats[label].name}](#{label})"

    resolved.markdown = CROSSREF.sub(crossref, body)
    return resolved
