"""Where a build's outputs come from (the provenance record in resultater.json; the documents' appendix
shows it with `evalkit.praesentation.proveniens`), and the fixed time stamp that makes rebuilds
byte-identical."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from evalkit import __version__
from evalkit.bygning.cache import package_versions
from evalkit.bygning.resultater import published_source
from evalkit.config import Config, Fase
from evalkit.data.contract import TABLES, find_table_file
from evalkit.data.kilde import digest_file

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

    # The project is the code that is running, so it is trusted whoever owns it: without safe.directory,
    # git refuses a checkout owned by another user and the commit would differ between users.
    trusted = ["-c", f"safe.directory={Path(project).resolve()}"]

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", *trusted, "-C", str(project), *args], capture_output=True, text=True, check=False)
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
            "diskretion_undtaget": list(config.diskretion_undtaget),
            "planer_markeret_graense": config.planer_markeret_graense,
            "alpha": config.alpha,
            "styrke": config.styrke,
            "smd_graense": config.smd_graense,
        },
    }
    if comparison is not None:
        result["sammenligning"] = published_source(comparison, config.alpha)
    return {FRAGMENT: result}
