"""The report sources stay inside the documented Quarto subset that the pandoc fallback supports."""

from __future__ import annotations

import pytest
from conftest import ROOT

from evalkit.render.qmd import check_body, check_sources, split_front_matter


def test_report_sources_are_inside_the_subset():
    assert check_sources(ROOT) == []


def test_every_embed_points_to_a_notebook_cell_with_that_label():
    import re

    import nbformat

    from evalkit.render.qmd import cell_options

    labels = {}
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        labels[nb_path.name] = {cell_options(c.source).get("label") for c in nb.cells if c.cell_type == "code"}
    for qmd in (ROOT / "reports").glob("*.qmd"):
        for target, label in re.findall(r"\{\{< embed \.\./_build/\w+/([\w]+\.ipynb)#([\w-]+) >\}\}", qmd.read_text()):
            assert label in labels[target], (qmd.name, target, label)


def test_outside_the_subset_is_reported():
    body = "\n".join(
        [
            "{{< video https://example.org/x.mp4 >}}",
            "Se @sec-intro og @eq-1.",
            "```{python}",
            "1 + 1",
            "```",
            "::: {.callout-note}",
            "Hej",
            ":::",
            "Tekst {{< embed a.ipynb#tbl-x >}} midt i en linje",
            "# Overskrift {.smaller}",
            "Som [@knuth84] viser.",
        ]
    )
    problems = "\n".join(check_body("x.qmd", body))
    for expected in ("'video'", "@sec-intro", "@eq-1", "kodeceller", "fenced divs", "alene på sin linje", ".smaller", "citater"):
        assert expected in problems, expected


def test_front_matter_and_project_keys_outside_the_subset_are_reported(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\nbibliography: refs.bib\nformat:\n  docx: {}\n  html:\n    theme: cosmo\n")
    (tmp_path / "reports" / "a.qmd").write_text("---\ntitle: A\nfilters: [x.lua]\n---\n\nTekst.\n")
    problems = "\n".join(check_sources(tmp_path))
    for expected in ("bibliography", "docx", "html: theme", "filters"):
        assert expected in problems, expected


def test_front_matter_is_parsed():
    source = split_front_matter(ROOT / "reports" / "slutevaluering.qmd")
    assert source.front_matter.get("toc") is True
    assert "{{< embed" in source.body


def test_an_included_file_may_carry_only_the_premises_in_its_front_matter(tmp_path):
    """Issue 17, point 2: `praemisser` is evalkit's and removed before rendering; a Quarto key in an included
    file's metadata block would change the whole document, so it is refused there."""
    import shutil

    project = tmp_path / "projekt"
    shutil.copytree(ROOT / "reports", project / "reports")
    shutil.copy2(ROOT / "_quarto.yml", project / "_quarto.yml")
    assert check_sources(project) == []  # vurdering_slut.md has premises
    text = (project / "reports" / "vurdering_slut.md").read_text(encoding="utf-8")
    (project / "reports" / "vurdering_slut.md").write_text(text.replace("praemisser:", "title: Ny titel\npraemisser:", 1),
                                                           encoding="utf-8")
    assert check_sources(project) == ["vurdering_slut.md: front matter-nøglen 'title' er uden for den understøttede delmængde."]


def test_a_computed_heading_is_allowed_only_as_a_whole_heading_and_resolved_from_the_metadata():
    """Issue 17, point 1: `## {{< meta overskrift-X >}} {#sec-X}` is the one use of Quarto's meta shortcode."""
    from evalkit.errors import BuildError
    from evalkit.render.qmd import check_body, resolve_headings

    body = "## {{< meta overskrift-uger >}} {#sec-uger}\n\nTekst.\n"
    assert check_body("x.qmd", body) == []
    assert resolve_headings(body, {"overskrift-uger": "Færre uger"}, "x.qmd") == "## Færre uger {#sec-uger}\n\nTekst.\n"
    assert check_body("x.qmd", "Tekst med {{< meta overskrift-uger >}} i.\n")
    assert check_body("x.qmd", "## {{< meta title >}}\n")  # only the build's computed headings
    with pytest.raises(BuildError, match="overskrift-uger"):
        resolve_headings(body, {}, "x.qmd")
