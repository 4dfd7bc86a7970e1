"""A CONSORT-style flow chart: one box on top, then two columns of boxes joined by arrows.

A box is a list of text lines, each with its kind ("titel", "tal" or "note"), drawn centred in a
rounded box tinted with its column's colour. Sizes are in inches; the chart fills the text width.
"""

from __future__ import annotations

from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from evalkit.praesentation import figures

Lines = list[tuple[str, str]]

# text lines in the flow chart's boxes: (font size in points, weight, colour)
_LINE_STYLE = {"titel": (9.0, "normal", "#222222"), "tal": (9.5, "bold", "#000000"), "note": (8.0, "normal", "#444444")}
_LINE_SPACING = 1.45  # line height as a multiple of the font size
_PADDING = 0.08  # inches above the first and below the last line of a box
_GAP = 0.3  # inches between two boxes of a column (room for the arrow)
_MARGIN = 0.04  # inches around the chart
_COLUMN_WIDTH = 2.95  # inches; two columns and the space between them fill the text width
_TOP_WIDTH = 4.2
_GREY = "#555555"


def _line_height(kind: str) -> float:
    return _LINE_STYLE[kind][0] * _LINE_SPACING / 72


def _box_height(lines: Lines) -> float:
    return 2 * _PADDING + sum(_line_height(kind) for _text, kind in lines)


def _tint(colour: str, amount: float = 0.85) -> tuple[float, float, float]:
    """`colour` mixed with white (`amount` of white), a light fill behind black text."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def _draw_box(ax, centre: float, top: float, width: float, lines: Lines, edge: str) -> float:
    """A rounded box whose top edge is at `top`, its lines centred; returns the y of its bottom edge."""
    height = _box_height(lines)
    ax.add_patch(
        FancyBboxPatch(
            (centre - width / 2, top - height),
            width,
            height,
            boxstyle="round,pad=0,rounding_size=0.06",
            edgecolor=edge,
            facecolor=_tint(edge),
            linewidth=1.2,
        )
    )
    y = top - _PADDING
    for text, kind in lines:
        size, weight, colour = _LINE_STYLE[kind]
        step = _line_height(kind)
        ax.text(centre, y - step / 2, text, ha="center", va="center", fontsize=size, fontweight=weight, color=colour)
        y -= step
    return top - height


def _arrow(ax, x: float, y_from: float, y_to: float) -> None:
    ax.annotate(
        "",
        xy=(x, y_to),
        xytext=(x, y_from),
        arrowprops={"arrowstyle": "-|>", "color": _GREY, "linewidth": 1.0, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 10},
    )


def two_columns(top_lines: Lines, columns: dict[str, list[Lines]], colours: dict[str, str]) -> Figure:
    """The chart: `top_lines` in a grey box, then the two `columns` (key -> its boxes, top to bottom),
    each box in its column's colour, side by side and aligned stage by stage."""
    stages = len(next(iter(columns.values())))
    heights = [max(_box_height(columns[g][i]) for g in columns) for i in range(stages)]
    width = figures.WIDTH_INCHES
    height = 2 * _MARGIN + _box_height(top_lines) + 1.5 * _GAP + sum(heights) + (stages - 1) * _GAP
    fig = figures.new_figure(height)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    middle = width / 2
    bottom = _draw_box(ax, middle, height - _MARGIN, _TOP_WIDTH, top_lines, _GREY)
    left, right = columns
    centres = {left: middle - (_COLUMN_WIDTH + _GAP / 2) / 2, right: middle + (_COLUMN_WIDTH + _GAP / 2) / 2}
    branch = bottom - 0.6 * _GAP
    top = bottom - 1.5 * _GAP
    ax.plot([middle, middle], [bottom, branch], color=_GREY, linewidth=1.0)
    ax.plot([centres[left], centres[right]], [branch, branch], color=_GREY, linewidth=1.0)
    for g in columns:
        _arrow(ax, centres[g], branch, top)
    for i in range(stages):
        for g in columns:
            box_bottom = _draw_box(ax, centres[g], top, _COLUMN_WIDTH, columns[g][i], colours[g])
            if i + 1 < stages:
                _arrow(ax, centres[g], box_bottom, top - heights[i] - _GAP)
        top -= heights[i] + _GAP
    return fig
