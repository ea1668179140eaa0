"""What the kernel sends the browser's step store: only new rows, in chunks, float32 values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from livecurve import LivePlot
from livecurve.view.steps_store import StepsStore

NAMES = [f"m{i}" for i in range(8)]


class Recorder:
    """The store's custom messages, decoded as the browser does."""

    def __init__(self, store: StepsStore) -> None:
        self.messages: list[tuple[dict, list[bytes]]] = []
        store._send = self._send  # type: ignore[method-assign]

    def _send(self, msg: dict, buffers: Any = None) -> None:
        content = msg["content"] if msg.get("method") == "custom" else None
        if content is not None:
            self.messages.append((content, [bytes(b) for b in buffers or []]))

    def take(self) -> list[tuple[dict, list[bytes]]]:
        out, self.messages = self.messages, []
        return out


def _plot() -> tuple[LivePlot, Recorder]:
    plot = LivePlot(axis="step", smoothing=0.6)
    return plot, Recorder(plot.view.steps_store)


def _held(messages: list, held: dict | None = None) -> dict:
    """Replay messages the way steps_store.js does: {run: (x, {name: y})}."""
    held = {} if held is None else held
    for content, buffers in messages:
        if content["event"] == "reset":
            held.pop(content["run"], None)
        if content["event"] == "truncate":
            x, cols = held[content["run"]]
            rows = content["rows"]
            held[content["run"]] = (x[:rows], {k: v[:rows] for k, v in cols.items()})
        if content["event"] != "rows":
            continue
        x, cols = held.setdefault(content["run"], (np.empty(0), {}))
        assert content["start"] <= x.size
        skip = x.size - content["start"]
        if "x_range" in content:  # evenly spaced steps: [first, step]
            first, step = content["x_range"]
            new_x = (first + step * np.arange(content["n"], dtype=np.float64))[skip:]
        else:
            new_x, buffers = np.frombuffer(buffers[0], np.float64)[skip:], buffers[1:]
        for name, buf in zip(content["names"], buffers):
            old = cols.get(name, np.full(x.size, np.inf, np.float32))
            cols[name] = np.concatenate((old, np.frombuffer(buf, np.float32)[skip:]))
        held[content["run"]] = (np.concatenate((x, new_x)), cols)
    return held


def test_each_redraw_sends_only_the_new_rows_as_float64_x_and_float32_values() -> None:
    plot, rec = _plot()
    rng = np.random.default_rng(0)
    values = rng.normal(size=(1000, 8)).astype(np.float32)
    for step in range(600):
        plot.run.log_steps(step + 1, dict(zip(NAMES, values[step].tolist())))
    plot.view.refresh()
    first = rec.take()
    held = _held(first)
    x, cols = held[0]
    assert x.tolist() == list(range(1, 601))
    assert sorted(cols) == NAMES
    for j, name in enumerate(NAMES):
        np.testing.assert_array_equal(cols[name], values[:600, j])
    for step in range(600, 1000):
        plot.run.log_steps(step + 1, dict(zip(NAMES, values[step].tolist())))
    plot.view.refresh()
    second = rec.take()
    rows = [c for c, _ in second if c["event"] == "rows"]
    assert [(c["start"], c["n"]) for c in rows] == [(600, 400)]
    assert sum(len(b) for _, bufs in second for b in bufs) == 400 * 4 * 8  # x: [601, 1]
    assert second[0][0]["x_range"] == [601.0, 1.0]
    _held(second, held)
    np.testing.assert_array_equal(held[0][1]["m3"], values[:, 3])
    plot.view.refresh()  # nothing new: nothing sent
    assert rec.take() == []


def test_the_history_goes_in_chunks_on_hello_and_to_a_series_that_starts_later() -> None:
    plot, rec = _plot()
    n = 100_000
    plot.run.extend_steps(np.arange(1.0, n + 1), {"loss": np.linspace(1, 0, n)})
    store = plot.view.steps_store
    store.chunk_bytes = 200_000
    plot.view.refresh()
    first = rec.take()
    assert all(sum(len(b) for b in bufs) <= 200_000 for _, bufs in first)
    assert len(first) == -(-n // (200_000 // 12))
    plot.run.extend_steps(np.arange(n + 1.0, n + 11), {"loss": np.zeros(10), "acc": np.ones(10)})
    plot.view.refresh()
    later = rec.take()
    column = [c for c, _ in later if c["event"] == "column"]
    assert column and column[0]["name"] == "acc" and sum(c["n"] for c in column) == n
    rows = [c for c, _ in later if c["event"] == "rows"]
    assert rows == [
        {"event": "rows", "run": 0, "start": n, "n": 10, "names": ["loss", "acc"],
         "x_range": [n + 1.0, 1.0]}
    ]  # fmt: skip
    # A reloaded page says hello: every row again, in messages of at most chunk_bytes.
    store._on_msg(store, {"event": "hello"}, [])
    replay = rec.take()
    held = _held(replay)
    assert held[0][0].size == n + 10 and held[0][1]["acc"][-1] == 1
    assert all(sum(len(b) for b in bufs) <= 200_000 for _, bufs in replay) and len(replay) > 5
    # The page sees how many rows were sent, and asks only for what it lacks.
    assert store.rows_sent == {"0": n + 10}
    store._on_msg(store, {"event": "hello", "have": {"0": n}}, [])
    assert [(c["start"], c["n"]) for c, _ in rec.take()] == [(n, 10)]
    store._on_msg(store, {"event": "hello", "have": {"0": n + 10}}, [])
    assert rec.take() == []


def test_a_truncated_table_starts_over_and_the_cap_stops_holding_a_run() -> None:
    plot, rec = _plot()
    plot.run.extend_steps(np.arange(1.0, 101), {"loss": np.ones(100)})
    plot.view.refresh()
    rec.take()
    plot.run.steps.truncate_from(51)
    plot.run.extend_steps(np.arange(51.0, 61), {"loss": np.zeros(10)})
    plot.view.refresh()
    events = [c["event"] for c, _ in rec.take()]
    assert events == ["reset", "rows"]
    plot.view.steps_store.cap_points = 100
    plot.run.extend_steps(np.arange(61.0, 200), {"loss": np.zeros(139)})
    plot.view.refresh()
    assert [c["event"] for c, _ in rec.take()] == ["capped"]
    plot.run.extend_steps(np.arange(200.0, 210), {"loss": np.zeros(10)})
    plot.view.refresh()
    assert rec.take() == []


def _marks_bytes(plot: LivePlot) -> dict[int, tuple[Any, int]]:
    """Per step mark: its arrays (identity) and their bytes, as bqplot sends them."""
    out = {}
    for view in plot.view.panels.values():
        for marks in view.series.values():
            for mark in (marks.raw, marks.smooth):
                out[id(mark)] = ((mark.x, mark.y), mark.x.nbytes + mark.y.nbytes)
    return out


@pytest.mark.parametrize("moved", [(500, 1000), (990, 1000), (0, 10), (100, 101)])
def test_rows_moved_after_they_were_sent_are_sent_again(moved: tuple[int, int]) -> None:
    """Keras places a generator's batches once the epoch's length is known (``set_x``)."""
    plot, rec = _plot()
    plot.run.extend_steps(np.arange(1000) / 100, {"loss": np.arange(1000.0)})
    plot.view.refresh()
    held = _held(rec.take())
    a, b = moved
    plot.run.steps.set_x(a, np.arange(a, b) / 100 + 0.001)
    plot.run.extend_steps(np.arange(1000, 1010) / 100, {"loss": np.zeros(10)})
    plot.view.refresh()
    messages = rec.take()
    assert messages[0][0]["event"] == "truncate" and messages[0][0]["rows"] <= a
    held = _held(messages, held)
    x, _ = plot.run.steps.rows(0, [])
    np.testing.assert_array_equal(held[0][0], x)
    plot.view.refresh()
    assert rec.take() == []


@pytest.mark.parametrize("per_redraw", [250, 1000])
def test_a_redraw_with_per_batch_values_sends_under_100_kb(per_redraw: int) -> None:
    """At 4 redraws/s, 1,000 and 4,000 steps a second of 8 series, on a run of 10^6 steps:
    the new rows to the store plus the kernel's whole-run lines (the marks that changed)."""
    plot, rec = _plot()
    rng = np.random.default_rng(0)
    n = 1_000_000
    plot.run.extend_steps(np.arange(1.0, n + 1), {k: rng.normal(size=n).cumsum() for k in NAMES})
    plot.view.refresh()
    rec.take()
    before = _marks_bytes(plot)
    block = rng.normal(size=(per_redraw, 8))
    plot.run.extend_steps(np.arange(n + 1.0, n + 1 + per_redraw), dict(zip(NAMES, block.T)))
    plot.view.refresh()
    store = sum(len(b) for _, bufs in rec.take() for b in bufs)
    after = _marks_bytes(plot)
    lines = sum(size for key, (arrays, size) in after.items() if arrays[0] is not before[key][0][0])
    assert store == per_redraw * 4 * 8
    print(f"{per_redraw} rows: store {store} B + lines {lines} B")
    assert lines > 0 and store + lines <= 100_000, (store, lines)


@pytest.mark.parametrize("steps_per_second", [10_000, 20_000])
def test_throttled_redraws_stay_under_100_kb_and_the_browser_ends_with_every_step(
    steps_per_second: int,
) -> None:
    """Above ~6,600 steps/s of 8 series the new rows alone pass 100 KB a redraw: a throttled
    redraw sends the oldest unsent rows that fit, later ones the rest, and ``refresh()`` (the
    final redraw) sends everything left, in messages <= 1 MiB. Nothing is lost or repeated."""
    plot, rec = _plot()
    store = plot.view.steps_store
    rng = np.random.default_rng(1)
    n = 100_000
    plot.run.extend_steps(np.arange(1.0, n + 1), {k: rng.normal(size=n).cumsum() for k in NAMES})
    plot.refresh()
    held = _held(rec.take())
    per_redraw = steps_per_second // 4
    step = n
    sizes = []
    for _ in range(12):  # 3 s of training at 4 redraws/s
        before = _marks_bytes(plot)
        block = rng.normal(size=(per_redraw, 8)).astype(np.float32)
        plot.run.extend_steps(
            np.arange(step + 1.0, step + 1 + per_redraw), dict(zip(NAMES, block.T))
        )
        step += per_redraw
        plot.redraws.run()  # what the throttle's waiting thread runs
        messages = rec.take()
        held = _held(messages, held)
        after = _marks_bytes(plot)
        lines = sum(size for key, (arr, size) in after.items() if arr[0] is not before[key][0][0])
        sizes.append(sum(len(b) for _, bufs in messages for b in bufs) + lines)
    assert max(sizes) <= 100_000, sizes
    assert store.backlog > 0 and plot.redraws.throttle.pending  # behind: more redraws are due
    assert store.rows_total == {"0": step} and store.rows_sent["0"] < step
    plot.refresh()  # the final redraw: every step left, chunked
    last = rec.take()
    assert last and max(sum(len(b) for b in bufs) for _, bufs in last) <= 1 << 20
    held = _held(last, held)
    x, cols = held[0]
    table_x, table = plot.run.steps.rows(0, NAMES)
    np.testing.assert_array_equal(x, table_x)
    for name in NAMES:
        np.testing.assert_array_equal(cols[name], table[name].astype(np.float32))
    assert store.backlog == 0 and store.rows_sent == {"0": step}
    print(f"{steps_per_second:,} steps/s x 8 series: bytes per redraw {min(sizes)}-{max(sizes)}")


def test_rows_moved_while_the_browser_is_behind_are_sent_again_within_the_budget() -> None:
    """A throttled redraw's budget and Keras's moved batches together: the rows sent that moved
    are dropped and come again, oldest first, and the browser ends with the table's x exactly."""
    plot, rec = _plot()
    store = plot.view.steps_store
    rng = np.random.default_rng(4)
    n = 60_000
    values = {k: rng.normal(size=n) for k in NAMES}
    plot.run.extend_steps(np.arange(n) / 1000, {k: v[:n] for k, v in values.items()})
    plot.redraws.run()  # throttled: only part of the rows
    held = _held(rec.take())
    sent = held[0][0].size
    assert 0 < sent < n and store.backlog == n - sent
    plot.place_steps(sent // 2, np.arange(sent // 2, n) / 1000 + 0.0005)  # rows sent move
    plot.redraws.run()
    messages = rec.take()
    assert messages[0][0]["event"] == "truncate" and messages[0][0]["rows"] <= sent // 2
    assert sum(len(b) for _, bufs in messages for b in bufs) <= 100_000
    held = _held(messages, held)
    for _ in range(3):
        plot.redraws.run()
        held = _held(rec.take(), held)
    plot.refresh()
    held = _held(rec.take(), held)
    x, table = plot.run.steps.rows(0, NAMES)
    np.testing.assert_array_equal(held[0][0], x)
    for name in NAMES:
        np.testing.assert_array_equal(held[0][1][name], table[name].astype(np.float32))
    assert store.backlog == 0
