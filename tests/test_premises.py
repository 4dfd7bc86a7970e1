"""The analysts' text bound to the numbers (issue 17, point 2): premises in the front matter of an
included file, checked against the phase's results before its document is rendered."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from test_properties import NoRender

from evalkit.bygning import praemisser
from evalkit.bygning.build import build
from evalkit.errors import BuildError

RESULTS = {
    "udfald": {"ressourceforloeb": {"forskel": 0.098, "p_holm": 1.3e-10}, "fleksjob": {"forskel": -0.01, "p_holm": None}},
    "sammenfatning": {"signifikante_holm": ["ressourceforloeb"]},
}


def _file(tmp_path: Path, front_matter: str, body: str = "Tekst.\n") -> Path:
    path = tmp_path / "vurdering.md"
    path.write_text(f"---\n{front_matter}---\n{body}", encoding="utf-8")
    return path


def _broken(tmp_path: Path, *conditions: str) -> list[str]:
    premises, _ = praemisser.read(_file(tmp_path, "praemisser:\n" + "".join(f"  - '{c}'\n" for c in conditions)))
    return [b.premise.betingelse for b in praemisser.check(premises, RESULTS, 0.05, "vurdering.md")]


def test_premises_are_read_with_their_words_and_the_text_without_front_matter(tmp_path):
    path = _file(tmp_path, "praemisser:\n  - betingelse: udfald.ressourceforloeb.forskel > 0\n"
                           "    tekst: flere gik til ressourceforløb\n  - antal(sammenfatning.signifikante_holm) >= 1\n",
                 "<!-- analytikernes tekst -->\nVurdering.\n")
    premises, body = praemisser.read(path)
    assert [p.betingelse for p in premises] == ["udfald.ressourceforloeb.forskel > 0", "antal(sammenfatning.signifikante_holm) >= 1"]
    assert premises[0].tekst == "flere gik til ressourceforløb" and premises[1].tekst == premises[1].betingelse
    assert body == "<!-- analytikernes tekst -->\nVurdering.\n"


def test_each_comparison_is_checked_against_the_results(tmp_path):
    holding = ["udfald.ressourceforloeb.forskel > 0", "udfald.ressourceforloeb.p_holm < alpha",
               "antal(sammenfatning.signifikante_holm) = 1", "udfald.fleksjob.forskel <= -0,01", "udfald.fleksjob.forskel != 0"]
    assert _broken(tmp_path, *holding) == []
    failing = ["udfald.ressourceforloeb.forskel < 0", "antal(sammenfatning.signifikante_holm) >= 2",
               "udfald.fleksjob.p_holm < alpha", "udfald.smaajob.forskel > 0", "antal(udfald.fleksjob) > 0"]
    assert _broken(tmp_path, *failing) == failing  # a missing value, path or list fails, never passes


def test_the_reason_names_the_values(tmp_path):
    premises, _ = praemisser.read(_file(tmp_path, "praemisser:\n  - udfald.ressourceforloeb.forskel < 0\n  - udfald.x.y > 0\n"))
    broken = praemisser.check(premises, RESULTS, 0.05, "reports/vurdering.md")
    assert broken[0].grund == "udfald.ressourceforloeb.forskel er 0,098."
    assert broken[1].grund == "udfald.x.y findes ikke i fasens resultater."
    message = str(praemisser.refusal(broken, "slutevaluering.qmd"))
    assert "reports/vurdering.md: 'udfald.ressourceforloeb.forskel < 0' holder ikke" in message
    assert "--tillad-brudte-praemisser" in message


@pytest.mark.parametrize("premise", ["__import__('os').system('true') > 0", "udfald.ressourceforloeb.forskel", "1 < 2 < 3",
                                     "len(udfald) > 0", "udfald['x'] > 0"])
def test_a_premise_is_never_run_as_code(tmp_path, premise):
    """Only the comparison grammar is understood; anything else is refused by name, never evaluated."""
    with pytest.raises(BuildError, match="kan ikke læses"):
        praemisser.read(_file(tmp_path, f"praemisser:\n  - {premise!r}\n"))


def test_the_documents_included_files_are_found(tmp_path):
    (tmp_path / "a.md").write_text("{{< include b.md >}}\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("B\n", encoding="utf-8")
    (tmp_path / "doc.qmd").write_text("---\ntitle: x\n---\n\n{{< include a.md >}}\n\n{{< include b.md >}}\n", encoding="utf-8")
    assert praemisser.included_files(tmp_path / "doc.qmd") == [tmp_path / "a.md", tmp_path / "b.md"]


class Recording(NoRender):
    """Keeps what the renderer would read of the analysts' file."""

    seen: list[str] = []

    def render(self, project, source, metadata, timestamp=None):
        type(self).seen.append((Path(project) / "reports" / "vurdering_slut.md").read_text(encoding="utf-8"))
        return {}


def test_the_renderer_never_sees_the_front_matter(tmp_path):
    """Quarto takes an included file's metadata block as the document's: the render tree's copy has none."""
    assert (ROOT / "reports" / "vurdering_slut.md").read_text(encoding="utf-8").startswith("---\n")
    Recording.seen.clear()
    build(output_dir=tmp_path / "ud", faser=["slut"], renderer=Recording())
    assert Recording.seen and not any(text.startswith("---") or "praemisser" in text for text in Recording.seen)


@pytest.fixture(scope="module")
def swapped(tmp_path_factory) -> Path:
    """The example data with the two groups swapped: every difference changes sign."""
    data = tmp_path_factory.mktemp("byttet") / "data"
    shutil.copytree(ROOT / "data" / "eksempel", data)
    borgere = pd.read_csv(data / "borgere.csv", dtype=str, keep_default_na=False)
    borgere["gruppe"] = borgere["gruppe"].map({"forsoeg": "kontrol", "kontrol": "forsoeg"})
    borgere.to_csv(data / "borgere.csv", index=False)
    return data


def _evalkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evalkit", *args], capture_output=True, text=True, cwd=ROOT)


def test_swapped_groups_stop_on_the_analysts_premises(swapped, tmp_path):
    out = tmp_path / "rapport"
    result = _evalkit("build", "--data", str(swapped), "--output", str(out), "--fase", "slut", "--renderer", "pandoc")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "reports/vurdering_slut.md: 'udfald.ressourceforloeb.forskel > 0' holder ikke" in result.stderr
    assert "udfald.ressourceforloeb.forskel er −0,09784" in result.stderr
    assert not out.exists()  # nothing published


def test_swapped_groups_publish_with_a_visible_marker_when_asked(swapped, tmp_path):
    out = tmp_path / "rapport"
    result = _evalkit("build", "--data", str(swapped), "--output", str(out), "--fase", "slut", "--renderer", "pandoc",
                      "--tillad-brudte-praemisser")
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(out / "slutevaluering.pdf"), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.replace("-\n", "-").split())  # the note is a paragraph: lines wrap anywhere
    assert "Bemærk: Teksten nedenfor er skrevet ud fra resultater, som de aktuelle data ikke bekræfter" in text
    assert "Den bygger blandt andet på, at flere borgere i forsøgsafdelingen end i kontrolgruppen gik til " \
           "ressourceforløb, at flere borgere" in text
    html = (out / "slutevaluering.html").read_text(encoding="utf-8")
    assert "som de aktuelle data ikke bekræfter" in html and "praemisser" not in html


def test_main_findings_are_read_as_written_and_anything_else_is_refused(tmp_path):
    """Issue 17, point 1: the résumé's qualitative conclusions come from the analysts' own file."""
    one = _file(tmp_path, "hovedfund: >-\n  Borgerne oplevede et\n  tættere samarbejde.\n", "Tekst.\n")
    assert praemisser.main_findings(one) == ["Borgerne oplevede et tættere samarbejde."]
    many = tmp_path / "mange.md"
    many.write_text("---\nhovedfund:\n  - Første fund.\n  - Andet fund.\n---\nTekst.\n", encoding="utf-8")
    assert praemisser.main_findings(many) == ["Første fund.", "Andet fund."]
    assert praemisser.read(many) == ([], "Tekst.\n")  # the renderer never sees them
    bad = tmp_path / "forkert.md"
    bad.write_text("---\nhovedfund:\n  - 3\n---\nTekst.\n", encoding="utf-8")
    with pytest.raises(BuildError, match="'hovedfund' skal være en sætning eller en liste af sætninger"):
        praemisser.main_findings(bad)
    assert praemisser.files_with_main_findings(ROOT / "reports" / "slutevaluering.qmd") == [ROOT / "reports" / "kvalitativ_slut.md"]
