"""Every output of a build is free of person data, and a rebuild from the same inputs is byte-identical.

The example data are given recognisable pseudonymous ids (`ZQXW` + a number) in all seven tables, then
built twice into two directories with the pandoc/Typst renderer and no SOURCE_DATE_EPOCH (the time
stamp then comes from the data).
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLE, ROOT
from pypdf import PdfReader

ID_MARK = "ZQXW"
# a CPR-like string anywhere in a text: DDMMYY, optional dash, four digits, not part of a longer number
CPR_IN_TEXT = re.compile(r"(?<![\d.,])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}-?\d{4}(?![\d.,])")
# a hexadecimal checksum or commit (12 or more hex digits, at least one a-f): its digits are no person number
HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])[0-9a-f]{12,}(?![0-9A-Za-z])")


def _cpr_like(text: str) -> re.Match | None:
    """The first CPR-like string in `text` outside checksums (a SHA-256 may hold ten digits in a row)."""
    return CPR_IN_TEXT.search(HEX_DIGEST.sub(" ", text))


def test_the_scan_finds_cpr_numbers_but_not_checksum_digits():
    for text in ("cpr 010190-1234 her", "<td>0101901234</td>", "nr:3112991234 i alt", "d0101901234"):
        assert _cpr_like(text), text
    for text in ("5a6eabc5ac3d75e05096dbd134951b81ad9924f9ab81c39be1d384fdc6f4f7fa"[:40] + "2112264387ab",
                 "SHA-256 83980315e29e5d14…", "git-commit 0101901234ab", "1.234.567.890", "0101901234567"):
        assert not _cpr_like(text), text


def _pseudonymise(source: Path, target: Path) -> list[str]:
    """Copy the data with every borger_id replaced by a recognisable new id; the new ids."""
    target.mkdir()
    originals = pd.read_csv(source / "borgere.csv", dtype=str)["borger_id"]
    new_ids = {old: f"{ID_MARK}{i:05d}" for i, old in enumerate(originals, start=1)}
    for path in sorted(source.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "borger_id" in frame:
            frame["borger_id"] = frame["borger_id"].map(new_ids)
        frame.to_csv(target / path.name, index=False)
    return list(new_ids.values())


def _build(data: Path, output: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit.cli", "build", "--data", str(data), "--output", str(output), "--renderer", "pandoc", "--tillad-brudte-praemisser"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """Two builds of the same pseudonymised data: (first output, second output, the ids)."""
    root = tmp_path_factory.mktemp("twice")
    ids = _pseudonymise(EXAMPLE, root / "data")
    first, second = root / "a" / "_output", root / "b" / "_output"
    _build(root / "data", first)
    _build(root / "data", second)
    return first, second, ids


def _files(output: Path) -> dict[str, Path]:
    """Every file a build wrote: the report, its log directory and its cache."""
    log, cache = output.with_name(output.name + "-log"), output.with_name(output.name + "-cache")
    return {str(p.relative_to(output.parent)): p for d in (output, log, cache) for p in sorted(d.rglob("*")) if p.is_file()}


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
        return metadata + "\n" + "\n".join(page.extract_text() for page in reader.pages)
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_output_holds_an_id_or_a_cpr_like_string(twice):
    first, _, ids = twice
    files = _files(first)
    kinds = {Path(name).suffix for name in files}
    assert any(name.startswith("_output-cache/") for name in files)
    assert {".html", ".pdf", ".ipynb", ".json", ".log"} <= kinds  # the scan covers every kind of output
    for name, path in files.items():
        text = _text(path)
        assert ID_MARK not in text, f"{name} holds a borger_id"
        assert not _cpr_like(text), f"{name} holds a CPR-like string: {_cpr_like(text)}"
    assert len(ids) == 1773


def test_published_documents_hold_no_parameters_cell_or_data_preview(twice):
    first, _, _ = twice
    for doc in ("midtvejsevaluering.html", "slutevaluering.html"):
        html = (first / doc).read_text(encoding="utf-8")
        for leak in ("injected-parameters", "data_dir", "output_dir", "config_path", "borger_id", "kontanthjaelp_siden"):
            assert leak not in html, f"{doc} shows {leak!r}"


def test_two_builds_from_the_same_inputs_are_byte_identical(twice):
    first, second, _ = twice
    published = {name: path for name, path in _files(first).items() if not name.startswith("_output-log")}
    assert {".html", ".pdf", ".ipynb", ".json"} <= {Path(name).suffix for name in published}
    assert set(published) == {name for name in _files(second) if not name.startswith("_output-log")}
    differing = [name for name, path in published.items() if path.read_bytes() != (second.parent / name).read_bytes()]
    assert differing == []


def test_figures_carry_no_time_stamp_or_creator(twice):
    first, _, _ = twice
    html = (first / "slutevaluering.html").read_text(encoding="utf-8")
    svgs = [base64.b64decode(data).decode("utf-8") for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]
    assert len(svgs) >= 5
    for svg in svgs:
        assert "<dc:date>" not in svg and "<dc:creator>" not in svg


def test_a_figure_drawn_twice_has_the_same_bytes_and_ids():
    from evalkit.praesentation import figures

    def draw() -> str:
        fig = figures.new_figure()
        ax = fig.subplots()
        ax.plot([0, 1, 2], [0.1, 0.3, 0.2], label="a")
        ax.fill_between([0, 1, 2], [0, 0.2, 0.1], [0.2, 0.4, 0.3])  # a clip path: an id from matplotlib
        ax.legend()
        return figures.as_svg(fig).data

    first, second = draw(), draw()
    assert first == second
    assert re.search(r'id="[^"]+"', first)
