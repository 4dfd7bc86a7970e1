"""The Quarto renderer calls the Quarto CLI correctly. A stand-in `quarto` script records its calls and
writes placeholder files; no Quarto output is produced or claimed here."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from evalkit.errors import BuildError
from evalkit.render import select
from evalkit.render.quarto import QuartoRenderer

STAND_IN = """#!{python}
import json, os, sys
from pathlib import Path
log = Path(os.environ["STAND_IN_LOG"])
calls = json.loads(log.read_text()) if log.exists() else []
tree = sorted(str(p) for p in Path.cwd().rglob("*") if p.is_file() and ".quarto" not in p.parts)
calls.append({{"argv": sys.argv[1:], "cwd": os.getcwd(), "tree": tree, "epoch": os.environ.get("SOURCE_DATE_EPOCH")}})
log.write_text(json.dumps(calls))
if sys.argv[1:2] == ["--version"]:
    print("0.0-stand-in")
    sys.exit(0)
if os.environ.get("STAND_IN_FAIL"):
    print("ERROR: stand-in failure", file=sys.stderr)
    sys.exit(3)
if os.environ.get("STAND_IN_HANG"):
    import subprocess, time
    child = subprocess.Popen(["sleep", "300"])
    Path(os.environ["STAND_IN_HANG"]).write_text(str(child.pid))
    time.sleep(300)
source = Path(sys.argv[2])
to = sys.argv[sys.argv.index("--to") + 1]
formats = ["html", "typst"] if to == "all" else [to]  # "all": every format _quarto.yml lists
for fmt in formats:
    target = source.with_suffix({{"html": ".html", "typst": ".pdf"}}[fmt])
    if os.environ.get("STAND_IN_GARBAGE"):
        target.write_text("stand-in output, not Quarto")
    elif fmt == "html":
        import re, yaml
        front = yaml.safe_load(source.read_text(encoding="utf-8").split("---\\n")[1]) or {{}}
        title = re.sub(r"\\\\(.)", r"\\1", front.get("title", ""))  # markdown's escapes, as a reader sees the title
        # as real Quarto does, the embedded cell's notebook path (the render tree's) and papermill's metadata
        cell = (f'<div class="quarto-embed-nb-cell" data-notebook="{{Path.cwd()}}/_build/slut/x.ipynb" '
                f'data-notebook-title="X" data-notebook-cellid="cell-txt-x"><div class="cell" data-tags="[]" '
                f'data-execution_count="3">tekst</div></div>')
        target.write_text(f"<!doctype html><html><head><title>{{title}}</title></head>"
                          f"<body><h1>{{title}}</h1><p>stand-in output, not Quarto</p>{{cell}}</body></html>")
    else:
        import typst
        typ = target.with_suffix(".stand-in.typ")
        typ.write_text("stand-in output, not Quarto")
        typst.compile(str(typ), output=str(target))
        typ.unlink()
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(STAND_IN.format(python=sys.executable))
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_LOG", str(tmp_path / "calls.json"))
    return tmp_path / "calls.json"


def test_auto_picks_quarto_when_installed(stand_in):
    renderer = select("auto")
    assert isinstance(renderer, QuartoRenderer)
    assert renderer.version() == "Quarto 0.0-stand-in"


def test_auto_falls_back_to_pandoc_without_quarto(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert select("auto").name == "pandoc"
    with pytest.raises(BuildError, match="Quarto er ikke installeret"):
        select("quarto")


def test_render_calls_quarto_per_format_from_the_project_and_collects_outputs(stand_in, tmp_path):
    project = tmp_path / "tree"
    (project / "reports").mkdir(parents=True)
    qmd = project / "reports" / "slutevaluering.qmd"
    qmd.write_text("---\ntoc: true\n---\n\n# Indledning\n")
    renderer = select("quarto")
    metadata = {"title": "Titel: med <b>kolon</b> og [link](javascript:x)", "author": "*Forvaltningen*",
                "date": "2020-12-01", "date-format": "MMMM YYYY", "tilgaengelig-afgange": True}
    outputs = renderer.render(project, Path("reports/slutevaluering.qmd"), metadata, 1617321600)
    calls = json.loads(stand_in.read_text())
    assert [c["cwd"] for c in calls] == [str(project)]
    assert [c["epoch"] for c in calls] == ["1617321600"]  # the PDF's fixed creation date, for Typst
    # issue 18, point 5: one Quarto start per document renders both formats
    assert [c["argv"][:4] for c in calls] == [["render", "reports/slutevaluering.qmd", "--to", "all"]]
    assert all(len(call["argv"]) == 4 for call in calls)  # nothing from the configuration on the command line
    # the title block is in the render tree's front matter, its texts escaped as markdown, the body kept
    front, body = qmd.read_text(encoding="utf-8").split("---\n")[1:]
    assert yaml.safe_load(front) == {
        "toc": True, "title": r"Titel: med \<b\>kolon\</b\> og \[link\](javascript:x)", "author": r"\*Forvaltningen\*",
        "date": "2020-12-01", "date-format": "MMMM YYYY", "tilgaengelig-afgange": True,
    }
    assert body == "\n# Indledning\n"
    assert outputs == {
        "html": project / "reports" / "slutevaluering.html",
        "pdf": project / "reports" / "slutevaluering.pdf",
    }
    # issue 18, point 3: no path of the render tree and no build-specific attribute is left in the HTML
    html = outputs["html"].read_text(encoding="utf-8")
    assert str(project) not in html and "data-notebook" not in html and "data-tags" not in html
    assert '<div class="quarto-embed-nb-cell"><div class="cell">tekst</div></div>' in html


def _tree(tmp_path: Path) -> Path:
    """A render tree with one document, reports/x.qmd."""
    project = tmp_path / "tree"
    (project / "reports").mkdir(parents=True)
    (project / "reports" / "x.qmd").write_text("# Indledning\n")
    return project


def test_quarto_failure_becomes_a_danish_build_error(stand_in, tmp_path, monkeypatch):
    monkeypatch.setenv("STAND_IN_FAIL", "1")
    project = _tree(tmp_path)
    with pytest.raises(BuildError, match="(?s)Quarto kunne ikke lave HTML.*stand-in failure"):
        select("quarto").render(project, Path("reports/x.qmd"), {})


def test_build_with_quarto_renders_the_render_tree_and_publishes_what_quarto_wrote(stand_in, tmp_path):
    from conftest import small_tables, write_tables

    from evalkit.bygning.build import build

    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "out"
    result = build(data, out, ["slut"], "quarto", allow_broken_premises=True)
    calls = [c for c in json.loads(stand_in.read_text()) if c["argv"][0] == "render"]
    assert len(calls) == 1  # one document, both formats in one Quarto start
    tree = set(calls[0]["tree"])
    for expected in ("_quarto.yml", "reports/slutevaluering.qmd", "_build/slut/baseline.ipynb", "_build/slut/afgange.ipynb",
                     "reports/typst-template.typ", "reports/evalkit-stil.typ"):  # the Typst partial and its style
        assert str(Path(calls[0]["cwd"]) / expected) in tree, expected
    assert "<p>stand-in output, not Quarto</p>" in (out / "slutevaluering.html").read_text()
    assert "stand-in output, not Quarto" in PdfReader(out / "slutevaluering.pdf").pages[0].extract_text()
    assert (out / "slut" / "resultater.json").is_file()
    assert result.renderer == "Quarto 0.0-stand-in"


def _gone(pid: int) -> bool:
    """The process has ended (or is a zombie waiting for a parent that is not ours to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


def test_a_hanging_quarto_is_stopped_with_everything_it_started(stand_in, tmp_path, monkeypatch):
    monkeypatch.setenv("STAND_IN_HANG", str(tmp_path / "child.pid"))
    project = _tree(tmp_path)
    renderer = select("quarto", timeout=2)
    with pytest.raises(BuildError, match="Quarto \\(x.qmd\\) svarede ikke inden for 2 sekunder"):
        renderer.render(project, Path("reports/x.qmd"), {})
    assert _gone(int((tmp_path / "child.pid").read_text()))


def test_a_hanging_quarto_version_is_bounded(stand_in, tmp_path, monkeypatch):
    bin_dir = tmp_path / "hang"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text("#!/bin/sh\nsleep 300\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BuildError, match="'quarto --version' svarede ikke inden for 1 sekunder"):
        select("quarto", timeout=1).version()


def test_garbage_from_a_renderer_is_never_published(stand_in, tmp_path, monkeypatch):
    from conftest import small_tables, write_tables

    from evalkit.bygning.build import build

    monkeypatch.setenv("STAND_IN_GARBAGE", "1")
    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="Quarto skrev slutevaluering.html, men HTML-filen er ikke hel"):
        build(data, out, ["slut"], "quarto", allow_broken_premises=True)
    assert not out.exists()


def test_what_a_renderer_wrote_is_checked(tmp_path):
    from evalkit.render.kontrol import verify

    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\nnot really\n%%EOF\n")
    (tmp_path / "a.html").write_text("<html><body><h1>Evaluering</h1></body></html>", encoding="utf-8")
    with pytest.raises(BuildError, match="a.pdf, men filen er ikke en PDF, der kan åbnes"):
        verify({"pdf": tmp_path / "a.pdf"}, "Evaluering", "Quarto")
    with pytest.raises(BuildError, match="titel \\(Slutevaluering\\) står ikke i den"):
        verify({"html": tmp_path / "a.html"}, "Slutevaluering", "Quarto")
    verify({"html": tmp_path / "a.html"}, "Evaluering", "Quarto")


def test_real_quarto_outputs_pass_the_check():
    """What Quarto 1.10.18 wrote from our sources (shared/quarto-reference, beside the checkout) is accepted."""
    from conftest import ROOT

    from evalkit.config import load_config
    from evalkit.render.kontrol import verify

    reference = ROOT.parent / "shared" / "quarto-reference"
    if not reference.is_dir():
        pytest.skip("shared/quarto-reference is not beside this checkout")
    title = load_config(ROOT / "forsoeg.yml").titel
    verify({"html": reference / "slutevaluering.quarto.html", "pdf": reference / "slutevaluering.quarto.pdf"}, title, "Quarto")


def _reference_html() -> str:
    from conftest import ROOT

    reference = ROOT.parent / "shared" / "quarto-reference" / "slutevaluering.quarto.html"
    if not reference.is_file():
        pytest.skip("shared/quarto-reference is not beside this checkout")
    return reference.read_text(encoding="utf-8")


def test_real_quartos_html_loses_every_build_specific_attribute_and_nothing_else():
    """Issue 18, point 3, on what Quarto 1.10.18 wrote: the render tree's path (there replaced by RENDER-TREE)
    in about 50 data-notebook attributes, and tags and execution counts whose order changed between builds."""
    import re

    from evalkit.render.quarto import clean_html

    original = _reference_html()
    assert original.count("data-notebook=") == 50 and "data-execution_count" in original
    cleaned = clean_html(original)
    assert "RENDER-TREE" not in cleaned
    assert not re.search(r"data-(notebook|tags|execution_count|quarto-private)", cleaned)
    for mark in ("<table", "<img", "<figcaption", "<h2", 'id="tbl-', 'id="fig-'):
        assert cleaned.count(mark) == original.count(mark), mark
    # a second build, whose attributes came out in another order, gives the same bytes
    swapped = re.sub(r'(data-tags="[^"]*") (data-execution_count="[^"]*")', r"\2 \1", original)
    assert swapped != original and clean_html(swapped) == cleaned


def test_quarto_gets_its_own_page_and_the_fallback_keeps_its_page_style():
    """Issue 18, points 2, 4 and 6: the shared stylesheet styles only the content (its `body` rule squeezed
    Quarto's grid to 500 px); Quarto is asked for no format links, the Danish region and PDF/UA-1."""
    import re

    from conftest import ROOT

    from evalkit.render import ASSETS

    shared = (ROOT / "reports" / "evalkit.css").read_text(encoding="utf-8")
    assert not re.search(r"(^|[\s,}])body\s*\{", shared) and "max-width: 48em" not in shared and "nav#TOC" not in shared
    assert "max-width: 48em" in (ASSETS / "evalkit-side.css").read_text(encoding="utf-8")
    formats = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["format"]
    assert formats["html"]["format-links"] is False
    assert formats["typst"]["region"] == "DK" and formats["typst"]["pdf-standard"] == "ua-1"


def test_the_typst_partial_gives_quartos_real_typst_output_evalkits_look(tmp_path):
    """Issue 18, point 4, on the Typst source Quarto 1.10.18 generated from our documents: with evalkit's
    typst-template.typ in place of Quarto's default `article`, as Quarto's template includes that partial,
    the PDF compiles as PDF/UA-1 with the fallback's title page, running header, "Side X af Y" and a title
    per document. (The figures' files, absent from the reference, are blank placeholders with Quarto's alt texts.)"""
    import re
    import shutil

    import typst
    from conftest import ROOT

    from evalkit.render import ASSETS, STYLE
    from evalkit.render.quarto import TYPST_PARTIAL

    reference = ROOT.parent / "shared" / "quarto-reference" / "slutevaluering.quarto.typ"
    if not reference.is_file():
        pytest.skip("shared/quarto-reference is not beside this checkout")
    quarto_typ = reference.read_text(encoding="utf-8")
    start = quarto_typ.index("#let article(")  # where Quarto's template put its default typst-template.typ
    end = quarto_typ.index("\n}\n", start) + 3
    source = quarto_typ[:start] + (ASSETS / TYPST_PARTIAL).read_text(encoding="utf-8") + quarto_typ[end:]
    for figure in set(re.findall(r'image\("([^"]+)"', source)):  # the figures' files are not in the reference
        (tmp_path / figure).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / figure).write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"/>')
    (tmp_path / "slutevaluering.typ").write_text(source, encoding="utf-8")
    shutil.copy(str(ASSETS / STYLE), tmp_path / STYLE)
    typst.compile(str(tmp_path / "slutevaluering.typ"), output=str(tmp_path / "slutevaluering.pdf"),
                  root=str(tmp_path), pdf_standards=["ua-1"])
    reader = PdfReader(tmp_path / "slutevaluering.pdf")
    assert reader.metadata.title == "Evaluering af forsøg med lavere sagsstammer – Slutevaluering"
    pages = [page.extract_text() for page in reader.pages]
    assert "Beskæftigelses- og Integrationsforvaltningen" in pages[0] and "Side" not in pages[0]  # the title page
    assert "Indhold" in pages[1]
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} af {total}" in text, number
        assert "Evaluering af forsøg med lavere sagsstammer · Slutevaluering" in text, number
