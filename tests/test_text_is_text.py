"""Text is text: strings from the configuration or the data reach the documents as the characters they
are, never as markup. A title with a script, a department named as an image of /etc/passwd, a group named
as a javascript link or as raw Typst that reads a project file: the build shows them literally, runs and
embeds nothing, and fetches nothing."""

from __future__ import annotations

import base64
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pypandoc
import pytest
from conftest import ROOT, small_tables, write_tables
from pypdf import PdfReader

from evalkit.praesentation.tables import Table
from evalkit.praesentation.tekst import Markup, bold, code, escape

SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="/etc/passwd">',
    "[klik](javascript:alert(1))",
    "![billede](/etc/passwd)",
    '`#read("forsoeg.yml")`{=typst}',
    "@tbl-afgange og $x^2$ og &lt; og ~sub~ og *fed* og <https://example.org>",
    "\\`kode\\` og {.klasse} og | og # overskrift",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_escaped_text_is_read_back_as_exactly_itself(payload):
    """pandoc reads the escaped text as plain text whose characters are the payload's, for both targets."""
    as_plain = pypandoc.convert_text(escape(payload), "plain", format="markdown", extra_args=["--wrap=none"]).strip()
    assert as_plain.translate(SMART_QUOTES) == payload  # pandoc's typographic quotes are the only change
    html = pypandoc.convert_text(escape(payload), "html", format="markdown")
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<code" not in html
    typst = pypandoc.convert_text(escape(payload), "typst", format="markdown")
    assert "#read(" not in typst.replace("\\#read(", "")


def test_tables_escape_every_cell_header_and_note_but_not_evalkits_own_markup():
    table = Table(["<b>gruppe</b>", "x"])
    table.add_row("[a](javascript:b)", bold("Maj–december 2018"))
    table.add_row(Markup(f"SHA-256 {code('ab12')}"), "*")
    table.add_note("Kilde: <script>")
    text = table.to_markdown()
    assert "\\<b\\>gruppe\\</b\\>" in text and "\\[a\\](javascript:b)" in text and "\\*" in text
    assert "**Maj–december 2018**" in text and "SHA-256 `ab12`" in text and "Kilde: \\<script\\>" in text
    assert table.rows[0][0] == "[a](javascript:b)"  # the table keeps the text; only what it writes is escaped


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counter.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"alert('fetched')")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A build whose title, group name and a department (in the configuration and the data) are payloads."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/x.js"
    base = tmp_path_factory.mktemp("fjendtlig")
    title = f'Titel <script src="{url}"></script><script>alert(1)</script> `#read("forsoeg.yml")`{{=typst}}'
    group = "Kontrol [klik](javascript:alert(1))"
    department = '<img src="/etc/passwd"> ![x](/etc/passwd)'
    config = (ROOT / "forsoeg.yml").read_text(encoding="utf-8")
    edits = {
        "titel: Evaluering af forsøg med lavere sagsstammer": f"titel: '{title}'",
        "kontrol: {navn: Kontrolgruppe,": f"kontrol: {{navn: '{group}',",
        "- JKI Job og Indsats 1 ": f"- '{department}' ",
    }
    for old, new in edits.items():
        assert config.count(old) == 1, old  # the configuration still has the line this fixture rewrites
        config = config.replace(old, new)
    (base / "forsoeg.yml").write_text(config, encoding="utf-8")
    tables = small_tables()
    for name in ("borgere", "sygefravaer", "medarbejderomsaetning"):
        tables[name]["afdeling"] = tables[name]["afdeling"].replace("JKI Job og Indsats 1", department)
    data = write_tables(tables, base / "data")
    out = base / "rapport"
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "build", "--data", str(data), "--output", str(out), "--fase", "slut",
         "--renderer", "pandoc", "--tillad-brudte-praemisser", "--config", str(base / "forsoeg.yml"), "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    server.shutdown()
    assert proc.returncode == 0, proc.stderr
    return out, title, group, department


def test_the_documents_show_the_payloads_as_text_and_run_embed_or_fetch_nothing(hostile):
    out, title, group, department = hostile
    html = (out / "slutevaluering.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<script src=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and "<img src=\"/etc/passwd\"" not in html
    assert base64.b64encode(Path("/etc/passwd").read_bytes()[:30]).decode()[:20] not in html
    assert "&lt;img src=" in html and "![x](/etc/passwd)" in html  # shown as the characters they are
    assert _Counter.requests == []
    pdf = "\n".join(page.extract_text() for page in PdfReader(out / "slutevaluering.pdf").pages)
    assert "Trial configuration for evalkit" not in pdf  # the project file raw Typst would have read
    assert "<script>alert(1)</script>" in pdf.replace("\n", " ")
