"""``finish()`` (Keras's ``on_train_end``) leaves the final redraw to the redraw thread.

The hook only writes the log file; the final redraw, which sends every step, runs beside the
caller soon after, and at once when the figure is read or shown before that.
"""

from __future__ import annotations

import threading
import time

from livecurve import LivePlot


def _watch(plot: LivePlot) -> list[tuple[str, int | None]]:
    """(thread name, the step store's budget) of every widget redraw from now on."""
    view, calls = plot.view, []
    refresh = view.refresh

    def watched() -> None:
        calls.append((threading.current_thread().name, view.steps_store.budget_bytes))
        refresh()

    view.refresh = watched  # type: ignore[method-assign]
    return calls


def test_finish_returns_before_the_final_redraw_which_sends_every_step_beside_it() -> None:
    plot = LivePlot(axis="step", redraw_interval=0.05)
    calls = _watch(plot)
    for step in range(1, 5001):
        plot.log(step, loss=1 / step)
    plot.finish()
    on_caller = [c for c in calls if c[0] == threading.current_thread().name]
    assert on_caller == []  # nothing redrawn on the training thread
    end = time.monotonic() + 10
    while plot.redraws.final_due and time.monotonic() < end:
        time.sleep(0.01)
    with plot.redraws.throttle._running:  # the redraw that took it has finished
        assert not plot.redraws.final_due
    assert ("livecurve-redraw", None) in calls  # the final one: every step, no byte budget
    assert plot._view.steps_store.rows_sent == {"0": 5000}
    assert plot._view.steps_store.backlog == 0


def test_a_figure_read_after_finish_is_complete_even_before_the_redraw_thread_ran() -> None:
    plot = LivePlot(redraw_interval=60)  # the redraw thread would wait a minute
    calls = _watch(plot)
    for epoch in range(1, 8):
        plot.log(loss=1 / epoch, val_loss=1.2 / epoch)
    plot.finish()
    assert plot.redraws.final_due
    view = plot.view  # read it: the final state is drawn now, on the reader's thread
    assert not plot.redraws.final_due and calls[-1] == (threading.current_thread().name, None)
    line = view.panels["loss"].series[(0, "val_loss")].line
    assert line.x.tolist() == [float(e) for e in range(1, 8)]
