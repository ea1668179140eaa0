"""The look shared by the live widget and the saved pictures: colours, dashes, sizes.

One colour per metric family (so ``loss`` and ``val_loss`` match), validation dashed, markers at
every epoch. When several runs share a figure, the colour follows the run instead, so each run keeps
one colour in every panel. Colours are the Okabe–Ito palette, which stays distinct for the common
forms of colour blindness.
"""

from __future__ import annotations

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#7F7F7F",  # grey
    "#F0E442",  # yellow (last: weak on white)
)

PANEL_WIDTH_PX = 440
PANEL_HEIGHT_PX = 300
LINE_WIDTH = 2.0
MARKER_AREA_PX = 24  # bqplot sizes markers by area
MAX_MARKERS = 120  # above this many points a series is drawn without markers
FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif"


def colour(panel_index: int, run_index: int, n_runs: int) -> str:
    """Colour of a series: by panel for one run, by run when runs are compared."""
    index = panel_index if n_runs <= 1 else run_index
    return PALETTE[index % len(PALETTE)]


def dashed(is_validation: bool) -> bool:
    """Validation series are dashed; training series solid."""
    return is_validation


def axis_label(axis: str) -> str:
    """The x-axis label for a run's axis kind."""
    return {"epoch": "epoch", "step": "step"}.get(axis, axis)
