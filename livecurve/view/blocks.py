"""Big synced collections sent in blocks of runs, so a search's new trial re-sends its block only.

ipywidgets sends a trait whole whenever it changes. A search's figure keeps, per series or per run,
the marks that draw it, the legend entries that name it and its row of the runs table: at 200
trials about 2400 marks and 800 entries, which adding trial 200 sent again whole (850 KB per
trial). Each collection is split into small widgets (no view of their own) holding
:data:`BLOCK_RUNS` runs each; the owner's trait lists the blocks (a new block every 20 runs), and
the browser joins them.

Example:
    >>> block_of(0), block_of(19), block_of(20)
    (0, 0, 1)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import ipywidgets as widgets
import traitlets

from .refs import refs_serialization

BLOCK_RUNS = 20  # runs per block

Block = TypeVar("Block", bound=widgets.Widget)


class NewBlocks:
    """Holds the syncs of the blocks made while a redraw runs: one message per block at its end.

    A redraw holds the syncs of the widgets it changes (the view's ``refresh``), but a block made
    during it was not among them: each series added to it sent the block again. A 200-run build
    sent 2200 such messages, on top of the marks' own 2200. On a busy machine the browser then
    missed some widgets' openings, so the figure came up without its panels: the kernel sent
    them faster than Jupyter's server read them, and the messages that overflowed were dropped.
    The view sets ``stack`` while it redraws; owners pass new blocks to :meth:`made`.
    """

    def __init__(self) -> None:
        self.stack: contextlib.ExitStack | None = None

    def made(self, block: Block) -> Block:
        """``block``, its syncs held until the redraw ends (if one runs)."""
        if self.stack is not None:
            self.stack.enter_context(block.hold_sync())
        return block


def block_of(run_index: int) -> int:
    """The block that holds run ``run_index``'s part."""
    return run_index // BLOCK_RUNS


class MarkBlock(widgets.Widget):
    """Marks of the runs of one block, by key: ``{"12:loss": [mark, ...]}`` or ``{"12": [...]}``."""

    marks = traitlets.Dict().tag(sync=True, **refs_serialization)


class EntryBlock(widgets.Widget):
    """Legend entries of the runs of one block, in display order (plain dicts)."""

    entries: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)

    def restyle(self, change_of: Callable[[dict[str, Any]], Mapping[str, Any]]) -> None:
        """Merge ``change_of(entry)`` into each entry; sent only if an entry changed."""
        entries = [{**item, **change_of(item)} for item in self.entries]
        if entries != self.entries:
            self.entries = entries


class RowBlock(widgets.Widget):
    """Rows of the runs table for the runs of one block, in run order (plain dicts)."""

    rows: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
