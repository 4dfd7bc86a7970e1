"""The HTML documents in a real headless browser (Debian's Chromium): the DOM a reader sees holds the
published numbers, and the page renders to a screenshot. CI installs Chromium (.ci/run)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is required in CI; .ci/run installs it with apt-get")
    pytest.skip("Chromium is not installed here (CI installs it)", allow_module_level=True)


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profil'}", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("doc", ["slutevaluering", "midtvejsevaluering"])
def test_document_renders_in_a_browser(built, tmp_path, doc):
    url = (built / f"{doc}.html").as_uri()
    dom = chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    assert dom.stdout.count("<table") == 4 and dom.stdout.count("<figure") == 2
    if doc == "slutevaluering":
        assert "66 pct. (606)" in dom.stdout and ">139<" in dom.stdout and "15 pct." in dom.stdout
    shot = tmp_path / "side.png"
    result = chromium(tmp_path, "--window-size=1200,2400", f"--screenshot={shot}", url)
    assert result.returncode == 0, result.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 2400)
    assert len(data) > 50_000  # a page with text and figures, not a blank one
