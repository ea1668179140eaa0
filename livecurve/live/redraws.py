"""When the live figure is redrawn: beside training, in bounded shares, and all of it at the end.

A :class:`Redraws` schedule sits between :class:`~livecurve.live.plot.LivePlot` and its widget:

- ``poke()`` (new values): a throttled redraw on the :class:`~livecurve.live.throttle.Throttle`'s
  waiting thread, never on the caller's (a Keras hook only records). It sends a bounded share of
  the new steps; when some are left, more redraws follow and the running cell's end sends the
  rest at once.
- ``now()`` (``LivePlot.refresh()``): a redraw on the caller's thread that sends every step.
- ``finish()`` (training ended): the final redraw is left to the waiting thread, and drawn at
  the latest when the running cell's code ends, or when ``settle()`` is called first (the figure
  is shown, or its view read).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .throttle import Throttle


class Redraws:
    """The redraw schedule of one live figure; ``draw(everything)`` redraws it.

    ``draw`` gets ``True`` when the redraw must send every recorded step, and returns ``True``
    when steps are left to send after a bounded redraw.

    Example:
        >>> sent = []
        >>> redraws = Redraws(0.0, lambda everything: sent.append(everything) or False)
        >>> redraws.now(); sent
        [True]
        >>> redraws.finish(); redraws.settle(); sent[-1], redraws.final_due
        (True, False)
    """

    def __init__(self, interval: float, draw: Callable[[bool], bool]) -> None:
        self.throttle = Throttle(interval, self.run)
        self._draw = draw
        self._everything = False  # this redraw sends every recorded step (now())
        self.final_due = False  # finish() left the final redraw to the waiting thread
        self._catching_up = False  # a cell-end redraw is registered to send the rest

    def poke(self) -> None:
        """New values: redraw soon, beside the caller."""
        self.throttle.poke()

    def now(self) -> None:
        """Redraw now, on the caller's thread, sending every recorded step."""
        self._everything = True
        try:
            self.throttle.flush()
        finally:
            self._everything = False
            self.final_due = False

    def finish(self) -> None:
        """Training ended: the final redraw (every step) soon, and at the latest at cell end."""
        self.final_due = True
        self.throttle.poke()
        at_cell_end(self.settle)

    def settle(self) -> None:
        """Draw the final state now if :meth:`finish` left it to the waiting thread."""
        if self.final_due:
            self.now()

    def run(self) -> None:
        """One redraw (what the throttle runs): bounded, unless everything is due."""
        everything = self._everything or self.final_due  # the final redraw sends it all
        self.final_due = False
        if self._draw(everything) and not everything:
            self._catch_up()

    def _catch_up(self) -> None:
        """Steps are left to send: more redraws follow, and the cell's end sends the rest."""
        self.throttle.poke()
        if not self._catching_up:
            self._catching_up = at_cell_end(self._send_rest)

    def _send_rest(self) -> None:
        self._catching_up = False
        self.now()


def at_cell_end(action: Callable[[], None]) -> bool:
    """Run ``action`` once when the running notebook cell's code is done; ``False`` (nothing
    registered) outside IPython."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False

    def run(*_: Any) -> None:
        shell.events.unregister("post_run_cell", run)
        action()

    shell.events.register("post_run_cell", run)
    return True
