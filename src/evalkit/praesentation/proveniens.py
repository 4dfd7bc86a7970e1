"""The provenance record (`evalkit.bygning.provenance`) as the appendix's tables: code, software,
parameters, time stamp and every input file with its checksum."""

from __future__ import annotations

import datetime as dt
from typing import Any

from evalkit.config import EXEMPTABLE
from evalkit.praesentation import dansk, formatting
from evalkit.praesentation.tables import Table
from evalkit.praesentation.tekst import Markup, code, escape

# The build's fixed time stamp (never the clock) as the appendix names it: a date of the data, not a
# publication date (the document's own date, on its title page, is the phase's publication date)
ORIGINS = {
    "SOURCE_DATE_EPOCH": ("Fast tidsstempel", "fra miljøvariablen SOURCE_DATE_EPOCH"),
    "data": ("Nyeste dato i dataudtrækket", "bruges som fast tidsstempel, så en genbygning giver de samme filer"),
}


def _breakable(digest: str) -> Markup:
    """A hash as code, split in two halves so a narrow PDF column can wrap it."""
    return Markup(f"{code(digest[:32])} {code(digest[32:])}")


def _code(state: dict[str, Any]) -> Markup:
    version = escape(f"evalkit {state['version']}")
    if not state.get("git_commit"):
        return Markup(f"{version} (ikke bygget fra et git-arkiv)")
    changed = " med lokale ændringer" if state.get("git_aendret") else ""
    return Markup(f"{version}, git-commit {code(state['git_commit'][:12])}{changed}")


def table(proveniens: dict[str, Any]) -> Table:
    """The build's code, software, parameters and time stamp."""
    fase = proveniens["fase"]
    definitions = proveniens["definitioner"]
    maaleperiode = fase["maaleperiode"]
    rows = [
        ("Kode", _code(proveniens["evalkit"])),
        ("Python og pakker", f"Python {proveniens['python']}; "
            + ", ".join(f"{name} {version}" for name, version in proveniens["pakker"].items())),
        ("Renderer", proveniens["renderer"]),
        ("Konfiguration", Markup(f"{escape(proveniens['konfiguration']['fil'])}, SHA-256 {_breakable(proveniens['konfiguration']['sha256'])}")),
        ("Fase", f"{fase['navn']} ({fase['noegle']})"),
        ("Måleperiode", formatting.date_range(dt.date.fromisoformat(maaleperiode["start"]), dt.date.fromisoformat(maaleperiode["slut"]))),
        ("Opfølgning efter afgang", f"{definitions['opfoelgning_uger']} uger"),
        ("Signifikansniveau og styrke", f"{formatting.pct(definitions['alpha'])} og {formatting.pct(definitions['styrke'])}"),
        ("Diskretionsgrænse", f"{definitions['diskretionsgraense']} borgere"),
        ("Undtaget fra diskretionsgrænsen", _exempt_text(definitions.get("diskretion_undtaget", []))),
    ]
    if "sammenligning" in proveniens:
        other = proveniens["sammenligning"]
        rows.append(("Sammenlignet med", Markup(f"{escape(other['fil'])}, SHA-256 {_breakable(other['sha256'])}")))
    stamp = dt.datetime.fromisoformat(proveniens["tidsstempel"])
    label, said = ORIGINS.get(proveniens["tidsstempel_kilde"], ("Fast tidsstempel", proveniens["tidsstempel_kilde"]))
    rows.append((label, f"{formatting.date(stamp.date())} ({said})"))
    result = Table(["Oplysning", "Værdi"], align=["l", "l"])
    for row in rows:
        result.add_row(*row)
    return result


def _exempt_text(names: list[str]) -> str:
    if not names:
        return "ingen"
    counts = dansk.join([EXEMPTABLE[name] for name in names])
    return f"antallet af {counts}, fordi det beskriver manglende data og ikke borgernes forhold"


def table_inputs(proveniens: dict[str, Any]) -> Table:
    """Every input file with its size and SHA-256 checksum."""
    result = Table(["Fil", "Størrelse", "SHA-256"], align=["l", "r", "l"])
    for item in proveniens["inddata"]:
        result.add_row(item["fil"], f"{formatting.count(item['bytes'])} byte", _breakable(item["sha256"]))
    return result.add_note(
        "Note: En fil med samme SHA-256-kontrolsum har præcis det samme indhold, så en læser kan tjekke, "
        "at rapporten er bygget af netop disse datafiler."
    )
