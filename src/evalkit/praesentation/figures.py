"""Matplotlib helpers: one house style, Danish number labels, deterministic SVG output.

Figures are built on `matplotlib.figure.Figure` directly (not pyplot), so the notebook's inline
backend does not show them a second time; `as_svg` returns the one output a notebook cell displays.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib
from IPython.display import SVG
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from evalkit.praesentation import formatting
from evalkit.praesentation.beskyttet import HIDDEN

# Colour-blind safe pair (Okabe–Ito): trial group blue, control group orange.
GROUP_COLOURS = {"forsoeg": "#0072B2", "kontrol": "#E69F00"}
# Any other contrast (without and with adjustment, one phase against another) is drawn in black and grey,
# so that blue and orange always mean the two groups.
CONTRAST_COLOURS = ("#222222", "#8C8C8C")
WIDTH_INCHES = 6.3  # the text width of an A4 page with normal margins

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "svg.hashsalt": "evalkit",
    "svg.fonttype": "path",
}


def new_figure(height_inches: float = 3.2) -> Figure:
    """An empty figure in the house style, the width of the text."""
    matplotlib.rcParams.update(_STYLE)  # axes read some of these when they are created
    return Figure(figsize=(WIDTH_INCHES, height_inches), layout="constrained")


def tick(value: float) -> str:
    """A tick label with a decimal comma and only the decimals it needs (2,5 stays 2,5)."""
    decimals = next((d for d in range(4) if abs(round(value, d) - value) < 1e-9), 4)
    return formatting.number(value, decimals)


def number_axis(axis, suffix: str = "") -> None:
    """Format an axis of plain numbers the Danish way, e.g. '2,5' or, with suffix ' %', '2,5 %'."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{tick(v)}{suffix}"))


def percent_axis(axis) -> None:
    """Format an axis of shares (0–1) as Danish percentages."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{tick(100 * v)} %"))


HIDDEN_NOTE = f"{HIDDEN}: ikke vist af hensyn til diskretion, som i tabellen"


def grouped_barh(ax: Axes, labels: Sequence[str], values: Mapping[str, Sequence[float | None]],
                 names: Mapping[str, str], height: float = 0.38, value_decimals: int | None = None) -> None:
    """Horizontal bars, one per group (in its colour) for each label. A value is drawn as it is given, so
    give what the table prints (`beskyttet.shown_share`); None, a value the table hides, gets no bar,
    only the table's symbol where the bar would begin, and the axes a note on the symbol. With
    `value_decimals`, each bar carries its share as text ('26,0 pct.') at its end."""
    groups = list(values)
    hidden = False
    for i, g in enumerate(groups):
        offset = (i - (len(groups) - 1) / 2) * height
        shown = [(pos + offset, v) for pos, v in enumerate(values[g]) if v is not None]
        ax.barh([pos for pos, _ in shown], [v for _, v in shown], height=height, color=GROUP_COLOURS[g])
        if value_decimals is not None:
            for pos, v in shown:
                ax.annotate(formatting.pct(v, value_decimals), (v, pos), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=8)
        for pos, v in enumerate(values[g]):
            if v is None:
                hidden = True
                ax.annotate(HIDDEN, (0, pos + offset), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(labels)), list(labels))
    ax.invert_yaxis()
    # the legend from patches, so that a group whose every bar is hidden still has its entry
    ax.legend(handles=[Patch(color=GROUP_COLOURS[g], label=names[g]) for g in groups], loc="lower right", frameon=False)
    if hidden:
        note_hidden(ax)


def pair_finding(subject: str, values: Mapping[str, float | None], names: Mapping[str, str], decimals: int = 1) -> str | None:
    """'<subject>: 15,2 pct. i forsøgsafdelingen mod 5,4 pct. i kontrolgruppen.' from two groups' shares as the
    figure draws them; None when one is hidden."""
    if any(v is None for v in values.values()):
        return None
    (f, vf), (k, vk) = values.items()
    return f"{subject}: {formatting.pct(vf, decimals)} i {names[f]} mod {formatting.pct(vk, decimals)} i {names[k]}."


def largest_difference(labels: Sequence[str], values: Mapping[str, Sequence[float | None]], names: Mapping[str, str],
                       decimals: int = 1) -> str | None:
    """The finding of a grouped bar chart: the label where the two groups' shown shares differ most."""
    (f, first), (k, second) = values.items()
    pairs = [(abs(a - b), label, a, b) for label, a, b in zip(labels, first, second) if a is not None and b is not None]
    if not pairs:
        return None
    _gap, label, a, b = max(pairs, key=lambda item: item[0])
    return pair_finding(f"Den største forskel mellem grupperne er ved {label.replace(chr(10), ' ').lower()}", {f: a, k: b},
                        names, decimals)


def legend_above(ax: Axes) -> None:
    """Move the axes' legend above the plot, where it covers no bar and no label."""
    legend = ax.get_legend()
    if legend is not None:
        legend.set_loc("lower right")
        legend.set_bbox_to_anchor((1.0, 1.0))
        legend.set_ncols(len(legend.get_texts()))


def note_hidden(ax: Axes, text: str = HIDDEN_NOTE) -> None:
    """A note at the top of the figure on what it leaves out for disclosure control (by default '..')."""
    ax.figure.suptitle(text, x=0.01, ha="left", fontsize=8, color="#555555")


FINDING = "finding"  # the output metadata key that carries a figure's finding to its alt text


def as_svg(fig: Figure, finding: str | None = None) -> SVG:
    """Render `fig` to SVG with fixed ids and no timestamps, so rebuilds give identical bytes. `finding`,
    one or two sentences on what the figure shows, computed from the numbers it draws, goes into the
    figure's alt text before its description (`evalkit.bygning.pipeline.clean_executed` moves it there)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # drop the XML prolog and doctype: the SVG is embedded in HTML and in Typst
    text = re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", text, flags=re.S)
    return SVG(data=text, metadata={FINDING: finding} if finding else None)
