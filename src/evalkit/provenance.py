"""Where a build's outputs come from (the provenance record in resultater.json and the documents' appendix),
and the fixed time stamp that makes rebuilds byte-identical."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from evalkit import __version__, formatting
from evalkit.cache import digest_file, package_versions
from evalkit.config import Config, Fase
from evalkit.contract import TABLES, find_table_file
from evalkit.tables import Table

if TYPE_CHECKING:
    import pandas as pd

DATE_KINDS = ("date", "week", "month")


def timestamp(tables: dict[str, pd.DataFrame]) -> tuple[int, str]:
    """The build's time stamp in UNIX seconds and where it came from: SOURCE_DATE_EPOCH when set (the
    reproducible-builds convention), else midnight UTC of the newest date in the data. It never depends
    on the clock, so two builds from the same inputs stamp their PDFs alike."""
    import pandas as pd

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return int(epoch), "SOURCE_DATE_EPOCH"
    newest = max(
        (
            frame[col.name].max()
            for name, frame in tables.items()
            for col in TABLES[name].columns
            if col.kind in DATE_KINDS and col.name in frame and frame[col.name].notna().any()
        ),
        default=pd.Timestamp(0),
    )
    day = dt.datetime.combine(pd.Timestamp(newest).date(), dt.time(), tzinfo=dt.timezone.utc)
    return int(day.timestamp()), "data"


# --- the provenance record ---------------------------------------------------------------------

# the packages whose versions decide the numbers, the figures and the documents
FRAGMENT = "proveniens"


def git_state(project: Path) -> dict[str, Any]:
    """The commit of the project's source tree and whether tracked files differ from it (None: no git)."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=False)
        except OSError:
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"git_commit": commit, "git_aendret": None if changed is None else bool(changed)}


def _fase_json(fase: Fase) -> dict[str, Any]:
    return {
        "noegle": fase.noegle,
        "navn": fase.navn,
        "maaleperiode": fase.maaleperiode.as_json(),
        "placeringsperiode": fase.placeringsperiode.as_json(),
        "statusdato": fase.statusdato.isoformat(),
        "hr_perioder": [p.as_json() for p in fase.hr_perioder],
        "sammenlign_med": fase.sammenlign_med,
    }


def file_source(path: Path) -> dict[str, str]:
    """Another phase's results file as a phase that reads it names it: {'fil': '<fase>/<name>', 'sha256'}."""
    return {"fil": f"{path.parent.name}/{path.name}", "sha256": digest_file(path)}


def build_record(
    data_dir: Path, config: Config, renderer: str, stamp: tuple[int, str], project: Path,
    digest: Callable[[Path], str] = digest_file,
) -> dict[str, Any]:
    """What every phase of one build shares: every input file with its SHA-256, the configuration, the
    code (evalkit version and git commit), Python and package versions, the renderer and the time stamp."""
    seconds, origin = stamp
    inputs = []
    for name in TABLES:
        path = find_table_file(data_dir, name)
        inputs.append({"tabel": name, "fil": path.name, "bytes": path.stat().st_size, "sha256": digest(path)})
    return {
        "tidsstempel": dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat(),
        "tidsstempel_kilde": origin,
        "inddata": inputs,
        "konfiguration": {"fil": config.sti.name, "sha256": digest(config.sti)},
        "evalkit": {"version": __version__, **git_state(project)},
        "python": platform.python_version(),
        "pakker": package_versions(),
        "renderer": renderer,
    }


def record(shared: dict[str, Any], config: Config, fase: Fase, comparison: Path | None = None) -> dict[str, Any]:
    """Where one phase's outputs come from (the `proveniens` fragment): the build's `shared` record, the
    phase's parameters and definitions and, for a comparing phase, the other phase's results file."""
    result: dict[str, Any] = {
        **shared,
        "fase": _fase_json(fase),
        "definitioner": {
            "opfoelgning_uger": config.opfoelgning_uger,
            "lang_historik_aar": config.lang_historik_aar,
            "diskretionsgraense": config.diskretionsgraense,
            "planer_markeret_graense": config.planer_markeret_graense,
            "alpha": config.alpha,
            "styrke": config.styrke,
            "smd_graense": config.smd_graense,
            "udfaldsfamilie": list(config.udfaldsfamilie),
        },
    }
    if comparison is not None:
        result["sammenligning"] = file_source(comparison)
    return {FRAGMENT: result}


# --- the appendix --------------------------------------------------------------------------------

ORIGINS = {
    "SOURCE_DATE_EPOCH": "fast tidsstempel fra miljøvariablen SOURCE_DATE_EPOCH",
    "data": "fast tidsstempel: den nyeste dato i data, så en genbygning giver de samme filer",
}


def _breakable(digest: str) -> str:
    """A hash as code, split in two halves so a narrow PDF column can wrap it."""
    return f"`{digest[:32]}` `{digest[32:]}`"


def _code(state: dict[str, Any]) -> str:
    version = f"evalkit {state['version']}"
    if not state.get("git_commit"):
        return f"{version} (ikke bygget fra et git-arkiv)"
    changed = " med lokale ændringer" if state.get("git_aendret") else ""
    return f"{version}, git-commit `{state['git_commit'][:12]}`{changed}"


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
        ("Konfiguration", f"{proveniens['konfiguration']['fil']}, SHA-256 {_breakable(proveniens['konfiguration']['sha256'])}"),
        ("Fase", f"{fase['navn']} ({fase['noegle']})"),
        ("Måleperiode", formatting.date_range(dt.date.fromisoformat(maaleperiode["start"]), dt.date.fromisoformat(maaleperiode["slut"]))),
        ("Opfølgning efter afgang", f"{definitions['opfoelgning_uger']} uger"),
        ("Signifikansniveau og styrke", f"{formatting.pct(definitions['alpha'])} og {formatting.pct(definitions['styrke'])}"),
        ("Diskretionsgrænse", f"{definitions['diskretionsgraense']} borgere"),
    ]
    if "sammenligning" in proveniens:
        other = proveniens["sammenligning"]
        rows.append(("Sammenlignet med", f"{other['fil']}, SHA-256 {_breakable(other['sha256'])}"))
    stamp = dt.datetime.fromisoformat(proveniens["tidsstempel"])
    rows.append(("Byggedato", f"{formatting.date(stamp.date())} ({ORIGINS.get(proveniens['tidsstempel_kilde'], proveniens['tidsstempel_kilde'])})"))
    result = Table(["Oplysning", "Værdi"], align=["l", "l"])
    for row in rows:
        result.add_row(*row)
    return result


def table_inputs(proveniens: dict[str, Any]) -> Table:
    """Every input file with its size and SHA-256 checksum."""
    result = Table(["Fil", "Størrelse", "SHA-256"], align=["l", "r", "l"])
    for item in proveniens["inddata"]:
        result.add_row(item["fil"], f"{formatting.count(item['bytes'])} byte", _breakable(item["sha256"]))
    return result.add_note(
        "Note: En fil med samme SHA-256-kontrolsum har præcis det samme indhold, så en læser kan tjekke, "
        "at rapporten er bygget af netop disse datafiler."
    )
