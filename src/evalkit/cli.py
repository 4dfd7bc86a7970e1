"""The `evalkit` command line: build, validate, simulate.

Built on click, whose own words (usage line, help option, usage errors) go through gettext, so
`evalkit.i18n` can give them in Danish; evalkit's help texts and messages are Danish too.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from evalkit.i18n import install_danish

install_danish()  # before click formats anything

import click  # noqa: E402

from evalkit.errors import EvalkitError, resource_error  # noqa: E402

PATH = click.Path(path_type=Path)
DIR = "MAPPE"
CONFIG = click.option(
    "--config", type=PATH, metavar="FIL", default=None, help="Forsøgets konfigurationsfil (standard: forsoeg.yml i projektet)."
)


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    options_metavar="[TILVALG]",
    subcommand_metavar="KOMMANDO [TILVALG]...",
)
@click.option(
    "--projekt", type=click.Path(path_type=Path, exists=True, file_okay=False), metavar=DIR, default=None,
    help="Projektmappen med notesbøger, rapporter og _quarto.yml (standard: den, evalkit er installeret fra).",
)
def app(projekt: Path | None) -> None:
    """evalkit bygger midtvejs- og slutevalueringen af et lodtrækningsforsøg som HTML og PDF."""
    if projekt is not None:
        from evalkit import paths

        os.environ[paths.ENVIRONMENT] = str(projekt.resolve())  # the notebooks' kernels inherit it


@app.command(options_metavar="[TILVALG]")
@click.option("--data", type=PATH, metavar=DIR, default=None, help="Mappe med datafilerne (standard: eksempeldata).")
@click.option("--output", type=PATH, metavar=DIR, default=Path("_output"), show_default=True, help="Mappe, rapporterne skrives til.")
@click.option(
    "--fase", type=click.Choice(["midtvejs", "slut", "alle"]), default="alle", show_default=True,
    help="Hvilken evaluering der bygges.",
)
@click.option(
    "--renderer", type=click.Choice(["auto", "quarto", "pandoc"]), default="auto", show_default=True,
    help="auto bruger Quarto, hvis det er installeret, ellers pandoc og Typst.",
)
@CONFIG
@click.option("--force", is_flag=True, help="Kør alle notesbøger og render alle dokumenter forfra, også de uændrede.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), metavar="ANTAL", default=None,
    help="Hvor mange notesbøger der køres samtidig (standard: antal kerner).",
)
@click.option(
    "--render-timeout", type=click.IntRange(min=1), metavar="SEKUNDER", default=None,
    help="Længste tid ét kald af Quarto eller pandoc må tage (standard: 1800).",
)
@click.option(
    "--tillad-brudte-praemisser", "allow_broken_premises", is_flag=True,
    help="Udgiv også, når analytikernes tekst bygger på præmisser, som resultaterne ikke opfylder; "
    "dokumentet får da en synlig markering ved teksten.",
)
@click.option("-q", "--quiet", is_flag=True, help="Vis kun fejl.")
@click.option("-v", "--verbose", is_flag=True, help="Vis også hvert trins cachenøgle, og hvorfor det køres eller genbruges.")
def build(
    data: Path | None, output: Path, fase: str, renderer: str, config: Path | None,
    force: bool, jobs: int | None, render_timeout: int | None, allow_broken_premises: bool, quiet: bool, verbose: bool,
) -> None:
    """Kør notesbøgerne for hver fase og byg dokumenterne som HTML og PDF.

    Kun det, der er ændret siden sidste bygning til samme mappe, køres igen; resten genbruges."""
    from evalkit.bygning.build import build as run_build
    from evalkit.bygning.progress import choose

    if quiet and verbose:
        raise click.UsageError("Vælg enten --quiet eller --verbose.")
    progress = choose(quiet=quiet, verbose=verbose)
    result = run_build(data, output, None if fase == "alle" else [fase], renderer, config,
                       progress=progress, force=force, workers=jobs, render_timeout=render_timeout,
                       allow_broken_premises=allow_broken_premises)
    if not quiet:
        _say(f"Færdig ({result.renderer}). Skrev:")
        for path in result.files:
            _say(f"  {path}")


@app.command(options_metavar="[TILVALG]")
@click.option("--data", type=PATH, metavar=DIR, required=True, help="Mappe med datafilerne, der skal tjekkes.")
@CONFIG
def validate(data: Path, config: Path | None) -> None:
    """Tjek at alle syv datafiler overholder datakontrakten; vis alle fejl og advarsler pr. fil."""
    from evalkit.data.loading import check_tables
    from evalkit.errors import DataError
    from evalkit.praesentation import formatting

    report = check_tables(data, config=config)
    if report.errors:
        raise DataError(report.describe())  # exit 1
    if report.warnings:
        _say(report.describe())
    rows = ", ".join(f"{name} ({formatting.count(n)} rækker)" for name, n in report.rows().items())
    _say(f"Data i {data} overholder datakontrakten: {rows}.")


@app.command(options_metavar="[TILVALG]")
@click.option("--output", type=PATH, metavar=DIR, required=True, help="Mappe, de syntetiske datafiler skrives til.")
@click.option("--seed", type=int, metavar="HELTAL", default=2018, show_default=True, help="Startværdi for tilfældighedsgeneratoren.")
@click.option(
    "--scenarie", type=click.Choice(["standard", "nul", "omvendt", "lille"]), default="standard", show_default=True,
    help="Hvilke effekter de trukne data har: standard (de offentliggjorte effekter plus tilfældig variation), "
    "nul (ingen effekt), omvendt (effekterne vendt om) eller lille (60-80 borgere pr. gruppe).",
)
@click.option(
    "--kalibreret", is_flag=True,
    help="Lav i stedet eksempeldata, der giver præcis den udgivne slutevaluerings tal (sådan er "
    "data/eksempel lavet, med standardstartværdien).",
)
@click.option(
    "--borgere", type=click.IntRange(min=2), metavar="ANTAL", default=None,
    help="Lav i stedet et stort, ukalibreret panel med så mange borgere som Parquet-filer (til skalatest; "
    "110000 borgere giver 14,3 mio. ydelsesrækker).",
)
@click.option(
    "--uger", type=click.IntRange(min=1), metavar="ANTAL", default=None,
    help="Med --borgere: antal uger pr. borger i ydelser (standard: fra startugen til sidste opfølgningsuge, 130 "
    "uger); flere uger lægges som historik før startugen, så 520 uger giver et årti.",
)
@CONFIG
def simulate(
    output: Path, seed: int, scenarie: str, kalibreret: bool, borgere: int | None, uger: int | None, config: Path | None
) -> None:
    """Lav syntetiske data (ingen rigtige personer) med tilfældigt trukne resultater.

    Tallene varierer med startværdien og scenariet, så man kan se rapportens tekst følge andre resultater.
    Med --kalibreret genskabes i stedet den udgivne slutevaluerings tal."""
    from evalkit import paths

    if kalibreret and scenarie != "standard":
        raise click.UsageError(
            f"--kalibreret kan ikke bruges sammen med --scenarie {scenarie}: de kalibrerede data har de "
            "offentliggjorte tal og intet scenarie."
        )
    if borgere is not None and (kalibreret or scenarie != "standard"):
        raise click.UsageError("--borgere laver et ukalibreret panel uden scenarier og kan ikke bruges sammen med "
                               "--kalibreret eller --scenarie.")
    if uger is not None and borgere is None:
        raise click.UsageError("--uger gælder det store panel og kræver --borgere.")
    config_path = Path(config or paths.default_config())
    if borgere is not None:
        from evalkit.data.simulering.storskala import generate_panel

        generate_panel(output, config_path, borgere, seed, uger)
        weeks = "" if uger is None else f" og {uger} uger"
        _say(f"Syntetisk panel med {borgere} borgere{weeks} skrevet til {output}.")
        return
    from evalkit.data.simulering.eksempel import generate

    generate(output, config_path, seed, scenario=None if kalibreret else scenarie)
    if kalibreret:
        _say(f"Syntetiske data kalibreret til den udgivne slutevaluerings tal (startværdi {seed}) skrevet til {output}.")
    else:
        _say(f"Syntetiske data (scenarie {scenarie}, startværdi {seed}) skrevet til {output}.")


def _terminate(_signum: int, _frame: object) -> None:
    """SIGTERM is handled like Ctrl-C: the build stops, cleans up and leaves the old report."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: Danish messages and a non-zero exit instead of tracebacks."""
    signal.signal(signal.SIGTERM, _terminate)
    # A process started in the background by a script inherits an ignored SIGINT, and Python keeps it so:
    # Ctrl-C (or a SIGINT from a supervisor) would then be lost while the build goes on and publishes.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        app.main(prog_name="evalkit", standalone_mode=False)
    except EvalkitError as exc:
        _say(f"{exc.prefix}{exc}")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        _say("Afbrudt. Den tidligere rapport er uændret.")
        sys.exit(130)
    except click.ClickException as exc:  # usage errors, already in Danish through gettext
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:
        fault = resource_error(exc) if isinstance(exc, OSError) else None  # a full disk, no permission
        if fault is not None and not os.environ.get("EVALKIT_DEBUG"):
            _say(f"{fault.prefix}{fault}")
            sys.exit(fault.exit_code)
        if os.environ.get("EVALKIT_DEBUG"):
            raise
        _say(f"Uventet fejl ({type(exc).__name__}): {exc}\nKør igen med EVALKIT_DEBUG=1 for at se detaljerne.")
        sys.exit(1)


if __name__ == "__main__":
    main()
