"""A figure's place in a notebook cell's output: the live widget, then a picture of the end.

:class:`CellOutput` displays what a figure gives it (a MIME bundle with the widget's view) and
keeps the display handles, so that when training ends each place the figure was shown gains a
static picture too: it stays readable where widgets are not rendered (a closed kernel, nbconvert,
GitHub). The picture takes matplotlib a moment, so it is drawn when the running cell's code has
finished (IPython's ``post_run_cell``), never inside ``fit()``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .guard import Guard

Bundle = dict[str, Any]


class CellOutput:
    """The displays of one figure.

    Args:
        bundle: returns the figure's MIME bundle as it is now (with ``image/png`` once finished).
        guard: reports a failure to draw the picture once; it never raises.

    Example:
        >>> output = CellOutput(lambda: {"text/plain": "a figure"}, Guard())
        >>> output.handles  # nothing shown outside a notebook
        []
    """

    def __init__(self, bundle: Callable[[], Bundle], guard: Guard) -> None:
        self._bundle = bundle
        self._guard = guard
        self.handles: list[Any] = []
        self._cell: int | None = None  # the execution count of the cell that last showed it

    def show(self) -> None:
        """Display the figure in the current cell's output, and keep its handle."""
        from IPython.display import display

        handle = display(self._bundle(), raw=True, display_id=uuid.uuid4().hex)
        if handle is not None:
            self.handles.append(handle)
        self._cell = _execution_count()

    def shown_in_this_cell(self) -> bool:
        """Whether :meth:`show` already displayed the figure in the cell that is running."""
        return self._cell is not None and self._cell == _execution_count()

    def picture_at_cell_end(self) -> None:
        """Update every display with the finished figure once the running cell's code is done.

        Without IPython's events (no shell) the displays are updated at once. Drawn once, however
        often cells run afterwards.
        """
        if not self.handles:
            return
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            self._update()
            return

        def draw(*_: Any) -> None:
            shell.events.unregister("post_run_cell", draw)
            self._guard.call("showing the final picture", self._update)

        shell.events.register("post_run_cell", draw)

    def _update(self) -> None:
        if not self.handles:
            return
        bundle = self._bundle()
        for handle in self.handles:
            handle.update(bundle, raw=True)


def _execution_count() -> int | None:
    """The running cell's number in an IPython shell (None outside one)."""
    from IPython import get_ipython

    shell = get_ipython()
    return None if shell is None else getattr(shell, "execution_count", None)
