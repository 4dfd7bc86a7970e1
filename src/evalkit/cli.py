"""The `evalkit` command line: build, validate, simulate. Help text and messages are Danish."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from evalkit.errors import EvalkitError

app = typer.Typer(
    help="evalkit bygger midtvejs- og slutevalueringen af et lodtrækningsforsøg som HTML og PDF.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class FaseValg(str, Enum):
    midtvejs = "midtvejs"
    slut = "slut"
    alle = "alle"


class RendererValg(str, Enum):
    auto = "auto"
    quarto = "quarto"
    pandoc = "pandoc"


ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", help="Forsøgets konfigurationsfil (standard: forsoeg.yml i projektet)."),
]


def _say(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def build(
    data: Annotated[Optional[Path], typer.Option("--data", help="Mappe med datafilerne (standard: eksempeldata).")] = None,
    output: Annotated[Path, typer.Option("--output", help="Mappe, rapporterne skrives til.")] = Path("_output"),
    fase: Annotated[FaseValg, typer.Option("--fase", help="Hvilken evaluering der bygges.")] = FaseValg.alle,
    renderer: Annotated[
        RendererValg, typer.Option("--renderer", help="auto bruger Quarto, hvis det er installeret, ellers pandoc/Typst.")
    ] = RendererValg.auto,
    config: ConfigOption = None,
) -> None:
    """Kør notesbøgerne for hver fase og byg dokumenterne som HTML og PDF."""
    from evalkit.build import build as run_build

    faser = None if fase is FaseValg.alle else [fase.value]
    result = run_build(data, output, faser, renderer.value, config, progress=_say)
    _say(f"Færdig ({result.renderer}). Skrev:")
    for path in result.files:
        _say(f"  {path}")


@app.command()
def validate(
    data: Annotated[Path, typer.Option("--data", help="Mappe med datafilerne, der skal tjekkes.")],
) -> None:
    """Tjek at alle syv datafiler overholder datakontrakten."""
    from evalkit.loading import load_tables

    tables = load_tables(data)
    rows = ", ".join(f"{name} ({len(frame):,} rækker)".replace(",", ".") for name, frame in tables.items())
    _say(f"Data i {data} overholder datakontrakten: {rows}.")


@app.command()
def simulate(
    output: Annotated[Path, typer.Option("--output", help="Mappe, de syntetiske datafiler skrives til.")],
    seed: Annotated[int, typer.Option("--seed", help="Startværdi for tilfældighedsgeneratoren.")] = 2018,
    config: ConfigOption = None,
) -> None:
    """Lav syntetiske eksempeldata (ingen rigtige personer), kalibreret til 2020-evalueringens tal."""
    from evalkit import paths
    from evalkit.simulate import generate

    generate(output, Path(config or paths.default_config()), seed)
    _say(f"Syntetiske data skrevet til {output}.")


def main() -> None:
    """Entry point: Danish messages and a non-zero exit instead of tracebacks."""
    try:
        app(standalone_mode=False)
    except EvalkitError as exc:
        _say(f"Fejl: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say("Afbrudt. Den tidligere rapport er uændret.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("EVALKIT_DEBUG"):
            raise
        _say(f"Uventet fejl ({type(exc).__name__}): {exc}\nKør igen med EVALKIT_DEBUG=1 for at se detaljerne.")
        sys.exit(1)


if __name__ == "__main__":
    main()
