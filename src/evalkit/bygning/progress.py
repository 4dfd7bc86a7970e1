"""What the build shows while it works: one interface, three displays.

`LiveProgress` (rich) redraws a table of every step with its state and time on a terminal; `LineProgress`
writes one plain line per event, for CI (`CI=true`) and pipes; `QuietProgress` shows nothing (`--quiet`;
errors still reach the user through the CLI). `choose` picks one for the CLI. The build writes every
event to its log whatever is shown.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from evalkit.praesentation import formatting

RUNNING, RAN, REUSED, FAILED, WAITING = "kører", "kørt", "genbrugt", "fejlet", "venter"


@dataclass(frozen=True)
class Step:
    """One step of a build as the user sees it: a notebook in a phase, a phase's results or a document."""

    key: str  # unique, e.g. "slut/afgange"
    kind: str  # "notesbog", "resultater", "dokument" or "data"
    name: str  # the notebook or document
    fase: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.fase})"

    def start_line(self, renderer: str) -> str:
        if self.kind == "notesbog":
            return f"Kører notesbogen {self.name} for fasen {self.fase}"
        if self.kind == "dokument":
            return f"Renderer {self.name} med {renderer}"
        if self.kind == "resultater":
            return f"Samler resultater.json for fasen {self.fase}"
        return f"{self.name} ({self.fase})"


def seconds(value: float) -> str:
    return f"{formatting.number(value, 1)} s"


@dataclass
class Tally:
    """Counts for the final summary."""

    started: float = field(default_factory=time.monotonic)
    states: dict[str, tuple[Step, str, float]] = field(default_factory=dict)

    def record(self, step: Step, state: str, elapsed: float) -> None:
        self.states[step.key] = (step, state, elapsed)

    def summary(self) -> str:
        def n(kind: str, state: str) -> int:
            return sum(1 for s, st, _ in self.states.values() if s.kind == kind and st == state)

        def notebooks(count: int) -> str:
            return f"{count} notesbog" if count == 1 else f"{count} notesbøger"

        def documents(count: int) -> str:
            return f"{count} dokument" if count == 1 else f"{count} dokumenter"

        total = seconds(time.monotonic() - self.started)
        return (
            f"Bygget på {total}: {notebooks(n('notesbog', RAN))} kørt, {n('notesbog', REUSED)} genbrugt; "
            f"{documents(n('dokument', RAN))} renderet, {n('dokument', REUSED)} genbrugt."
        )


class Progress:
    """The display's interface; the base class shows nothing (`--quiet`)."""

    def __init__(self, verbose: bool = False, renderer: str = "") -> None:
        self.verbose = verbose
        self.renderer = renderer
        self.tally = Tally()

    def message(self, text: str) -> None:
        """A line about the build as a whole (checking data, warnings)."""

    def detail(self, text: str) -> None:
        """A line for `--verbose` only: the cache key and decision of each step."""

    def started(self, step: Step) -> None:
        """A worker took the step: it is looked up in the cache and, when missing, done."""
        self.tally.record(step, RUNNING, 0.0)

    def executing(self, step: Step) -> None:
        """The step was not in the cache and is being done."""

    def finished(self, step: Step, state: str, elapsed: float) -> None:
        self.tally.record(step, state, elapsed)

    def close(self, ok: bool) -> None:
        """The end of the build: stop redrawing and, when it succeeded, show the summary."""


QuietProgress = Progress


class LineProgress(Progress):
    """One line per event, written by `write` (stderr by default)."""

    def __init__(self, write: Callable[[str], None] | None = None, verbose: bool = False, renderer: str = "") -> None:
        super().__init__(verbose, renderer)
        self.write = write or (lambda text: print(text, file=sys.stderr, flush=True))

    def message(self, text: str) -> None:
        self.write(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            self.write(text)

    def executing(self, step: Step) -> None:
        self.write(step.start_line(self.renderer))

    def finished(self, step: Step, state: str, elapsed: float) -> None:
        super().finished(step, state, elapsed)
        if state == REUSED:
            self.write(f"Genbrugt: {step.label} er uændret siden sidste bygning")
        elif state == RAN:
            self.write(f"Færdig: {step.label} på {seconds(elapsed)}")
        else:
            self.write(f"Fejlede: {step.label}")

    def close(self, ok: bool) -> None:
        if ok:
            self.write(self.tally.summary())


class LiveProgress(Progress):
    """A live table on a terminal: every step with its state and time, redrawn as the build goes."""

    _SYMBOL = {WAITING: "·", RUNNING: "▶", RAN: "✓", REUSED: "↺", FAILED: "✗"}

    def __init__(self, stream: TextIO | None = None, verbose: bool = False, renderer: str = "") -> None:
        from rich.console import Console
        from rich.live import Live

        super().__init__(verbose, renderer)
        self.console = Console(file=stream or sys.stderr)
        self.running_since: dict[str, float] = {}
        self.closed = False
        # redrawn from the current state at every refresh, so a running step's time keeps counting
        self.live = Live(console=self.console, refresh_per_second=4, get_renderable=self._table)
        self.live.start()

    def _table(self):
        from rich.table import Table

        title = "evalkit byggede" if self.closed else "evalkit bygger …"
        table = Table(title=f"{title} {seconds(time.monotonic() - self.tally.started)}", title_justify="left",
                      show_edge=False, box=None, padding=(0, 1))
        for column in ("", "trin", "fase", "status", "tid"):
            table.add_column(column)
        now = time.monotonic()
        for step, state, elapsed in self.tally.states.values():
            if state == RUNNING:
                elapsed = now - self.running_since.get(step.key, now)
            table.add_row(self._SYMBOL[state], step.name, step.fase, state, seconds(elapsed))
        return table

    def message(self, text: str) -> None:
        self.console.print(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            self.console.print(text, style="dim")

    def started(self, step: Step) -> None:
        super().started(step)
        self.running_since[step.key] = time.monotonic()

    def close(self, ok: bool) -> None:
        self.closed = True
        self.live.stop()
        if ok:
            self.console.print(self.tally.summary())


def choose(quiet: bool = False, verbose: bool = False, renderer: str = "", stream: TextIO | None = None) -> Progress:
    """The display for the command line: nothing with `quiet`, plain lines in CI (`CI=true`) or when stderr
    is not a terminal, else the live table."""
    stream = stream or sys.stderr
    if quiet:
        return QuietProgress(verbose, renderer)
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"} or not stream.isatty():
        return LineProgress(lambda text: print(text, file=stream, flush=True), verbose, renderer)
    return LiveProgress(stream, verbose, renderer)
