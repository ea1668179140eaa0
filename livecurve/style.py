"""The look shared by the live widget and the saved pictures: colours, dashes, sizes.

One colour per metric family (so ``loss`` and ``val_loss`` match), validation dashed, markers at
every epoch. When several runs share a figure, the colour follows the run instead, so each run keeps
one colour in every panel. Colours are the Okabe–Ito palette, which stays distinct for the common
forms of colour blindness.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model.names import is_learning_rate
from .model.run import Run

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#7F7F7F",  # grey
    "#882255",  # wine (Okabe–Ito's yellow is too faint on white)
)

PANEL_WIDTH_PX = 440
PANEL_HEIGHT_PX = 300
LINE_WIDTH = 2.0
MARKER_AREA_PX = 24  # bqplot sizes markers by area
MAX_MARKERS = 120  # above this many points a series is drawn without markers
# Per-batch / per-step values: a thin faint line, and the smoothed line over it.
RAW_OPACITY = 0.28
RAW_WIDTH = 1.0
SMOOTH_WIDTH = 1.6
# Validation markers look hollow: filled with the page's background (JupyterLab's theme variable).
VALIDATION_FILL = "var(--jp-layout-color0, white)"
# max_points / 5 buckets, each <= 3 raw points and 1 smoothed: < 100 KB per redraw of 8 series
RAW_POINTS_PER_BUCKET = 5


LEARNING_RATE_COLOUR = "#555555"
TOTAL_COLOUR = "#222222"  # a multi-output model's total loss, among its outputs' losses
# Runs past the named ones (see livecurve.model.ranking): thin and grey, behind the named runs.
OTHER_RUN_COLOUR = "#9A9A9A"
OTHER_RUN_OPACITY = 0.35
OTHER_RUN_WIDTH = 0.8
# Distributions: nested percentile bands, each this opaque (they add up towards the median).
BAND_OPACITY = 0.18
DISTRIBUTION_COLOUR = "#E69F00"  # Okabe–Ito orange, as TensorBoard draws distributions


def band_colour(run_index: int, n_runs: int) -> str:
    """One colour for a lone run's distribution bands; the run's colour when runs are compared."""
    return DISTRIBUTION_COLOUR if n_runs <= 1 else run_colour(run_index, n_runs)


def colour(
    family: str,
    families: list[str],
    run_index: int,
    n_runs: int,
    member: int = 0,
    *,
    by_output: bool = False,
) -> str:
    """Colour of a series of ``family`` (panel order ``families``).

    With one run: by the family's place among the panels, the learning rate always dark grey (so
    a family that appears late, whose panel goes before the learning rate's, changes no other
    family's colour); the members of a group (``layer1/mean``, ``layer1/std``: ``member`` 0, 1)
    take the next colours. When runs are compared: by run, in every panel. ``by_output``: a
    multi-output model's metric panel (:attr:`livecurve.model.run.Panel.by_output`), where
    ``member`` is the output (1, 2, ...; 0 the total): one colour per output in every panel.
    """
    if n_runs > 1:
        return run_colour(run_index, n_runs)
    if by_output:
        return TOTAL_COLOUR if not member else PALETTE[(member - 1) % len(PALETTE)]
    if is_learning_rate(family) and not member:
        return LEARNING_RATE_COLOUR
    metrics = [f for f in families if not is_learning_rate(f)]
    index = metrics.index(family) if family in metrics else len(metrics)
    return PALETTE[(index + member) % len(PALETTE)]


def run_colour(run_index: int, n_runs: int = 0) -> str:
    """A run's colour, fixed by its index alone, so it keeps it as more runs arrive.

    The palette for the first runs, then hues spread by the golden angle (each new run's hue
    lies far from the previous ones'). ``n_runs`` is accepted for old callers and ignored.

    >>> run_colour(1), run_colour(1, 200) == run_colour(1, 2), run_colour(200) == run_colour(200, 5)
    ('#D55E00', True, True)
    """
    if run_index < len(PALETTE):
        return PALETTE[run_index]
    import colorsys

    hue = (run_index * 0.6180339887) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, (0.40, 0.30, 0.50)[run_index % 3], 0.8)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (red, green, blue))


# Compared runs colour every series by its run, so the members of a group (the ``fast_rcnn/...``
# statistics of one panel, a multi-output model's outputs) are told apart by marker (the main key,
# kept on validation lines, which stay dashed) and, on training lines, by line style. bqplot's
# names; :class:`MemberStyle` gives matplotlib's. No diamond: it marks a series' best epoch.
MEMBER_MARKERS = ("circle", "square", "triangle-up", "triangle-down", "cross")
MEMBER_LINES = ("solid", "dotted", "dash_dotted")  # "dashed" means validation
KEY_COLOUR = "#333333"  # the neutral dark grey of the keys to line styles and markers
_MPL_MARKERS = {
    "circle": "o", "square": "s", "triangle-up": "^", "triangle-down": "v", "cross": "P",
}  # fmt: skip
_MPL_LINES = {"solid": "-", "dotted": ":", "dash_dotted": "-.", "dashed": "--"}


@dataclass(frozen=True)
class MemberStyle:
    """How one series is drawn besides its colour: line style and marker (bqplot's names)."""

    line_style: str
    marker: str

    @property
    def mpl_line_style(self) -> str:
        """The line style as matplotlib names it (``"-"``, ``":"``, ``"-."``, ``"--"``)."""
        return _MPL_LINES[self.line_style]

    @property
    def mpl_marker(self) -> str:
        """The marker as matplotlib names it (``"o"``, ``"s"``, ``"^"``, ...)."""
        return _MPL_MARKERS[self.marker]


def member_style(member: int, validation: bool, n_runs: int) -> MemberStyle:
    """Line style and marker of a series: its group ``member``'s when runs are compared.

    With one run, members have their own colours: solid (dashed for validation) with circles.
    When runs are compared (colour = run), member 0 keeps that look, member 1 is dotted with
    squares, member 2 dash-dotted with triangles, ...; a validation line stays dashed and keeps
    its member's marker, so markers name the member on both splits.

    >>> member_style(1, False, 2), member_style(1, True, 2).line_style
    (MemberStyle(line_style='dotted', marker='square'), 'dashed')
    >>> member_style(2, False, 1) == member_style(0, False, 2)
    True
    """
    if n_runs <= 1:
        member = 0
    line = "dashed" if dashed(validation) else MEMBER_LINES[member % len(MEMBER_LINES)]
    return MemberStyle(line, MEMBER_MARKERS[member % len(MEMBER_MARKERS)])


# Figures of many runs (some drawn grey): the colours of the named runs. A run is given one the
# first time it is named and keeps it; a colour closer than NAMED_DISTANCE (CIELAB ΔE, CIE76) to
# another named run's is given again. Okabe–Ito's closest pair (blue, sky blue, 26 apart) is not
# used together then (every other pair is 31 or more); golden-angle hues of run_colour() come
# within 5 of palette colours. No grey (the other runs are grey); a deep violet added, not black,
# which would read as the dark grey keys (training/validation, a group's members).
NAMED_DISTANCE = 30.0
_NAMED_CANDIDATES = (*(c for c in PALETTE if c != "#7F7F7F"), "#4B0092")
_book: MutableMapping[Run, str] = weakref.WeakKeyDictionary()  # run -> the colour it was given
_book_lock = threading.Lock()


def named_colours(runs: Sequence[Run], named: Sequence[int]) -> dict[int, str]:
    """Colours of a many-run figure's ``named`` runs (run indices, best first): distinct, stable.

    Each run keeps the colour it was first named with (the first runs: their palette colour,
    which they had while every run was named), unless that colour is grey or within
    :data:`NAMED_DISTANCE` of a better-ranked named run's; a run without one is given the
    candidate colour farthest from those already taken. The colours are kept per run (weakly:
    they go with the run), so the live widget and a picture saved of its runs agree, and a
    standalone picture gives them by rank.

    >>> from livecurve.model.run import Run
    >>> runs = [Run(f"r{i}") for i in range(20)]
    >>> first = named_colours(runs, [9, 0, 12])
    >>> first[0], first[9] != run_colour(9), named_colours(runs, [12, 9, 3])[9] == first[9]
    ('#0072B2', True, True)
    """
    taken: dict[int, str] = {}
    with _book_lock:
        for index in named:  # keep the colours runs already have, best-ranked first
            held = _book.get(runs[index]) or (PALETTE[index] if index < len(PALETTE) else None)
            if held in _NAMED_CANDIDATES and all(
                colour_distance(held, other) >= NAMED_DISTANCE for other in taken.values()
            ):
                taken[index] = held
        for index in named:
            if index not in taken:
                taken[index] = farthest_colour(taken.values())
        for index, colour in taken.items():
            _book[runs[index]] = colour
    return {index: taken[index] for index in named}


def farthest_colour(taken: Iterable[str]) -> str:
    """The named-run candidate colour farthest (CIELAB) from every colour in ``taken``.

    A new named run gets it, and so does a grey run a person hovers or selects in the runs
    table: it then stands apart from every named run.

    >>> farthest_colour([]) == _NAMED_CANDIDATES[0], farthest_colour(["#0072B2"]) != "#0072B2"
    (True, True)
    """
    taken = list(taken)
    free = [c for c in _NAMED_CANDIDATES if c not in taken] or list(PALETTE)
    return max(free, key=lambda c: min((colour_distance(c, other) for other in taken), default=0.0))


def colour_distance(a: str, b: str) -> float:
    """How different two ``#RRGGBB`` colours look: CIELAB ΔE (CIE76; about 2.3 is just noticeable).

    >>> round(colour_distance("#0072B2", "#56B4E9"))
    26
    """
    return math.dist(_lab(a), _lab(b))


@lru_cache(maxsize=256)
def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB ``#RRGGBB`` to CIELAB (D65)."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def dashed(is_validation: bool) -> bool:
    """Validation series are dashed; training series solid."""
    return is_validation


def axis_label(axis: str) -> str:
    """The x-axis label for a run's axis kind."""
    return {"epoch": "epoch", "step": "step"}.get(axis, axis)
