"""The per-step data path without Keras or widgets: table, digest, smoothing, recovery, throttle."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livecurve import LiveCurveWarning, LivePlot, Run
from livecurve.keras.running_means import MEAN, ROOT_MEAN_SQUARE, RUNNING, RunningMeans
from livecurve.live.throttle import Throttle
from livecurve.model.decimate import TableDigest
from livecurve.model.smoothing import Smoother, check_weight, smooth
from livecurve.model.steptable import StepTable


def tensorboard_smoothing(values, weight):
    """TensorBoard's scalar-dashboard smoothing, written out as its loop."""
    last, count, out = 0.0, 0, []
    for value in values:
        if not np.isfinite(value):
            out.append(np.nan)
            continue
        last = last * weight + (1 - weight) * value
        count += 1
        out.append(last / (1 - weight**count))
    return np.array(out)


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.6, 0.9, 0.99, 0.999])
def test_smoothing_matches_tensorboards_debiased_average(weight):
    rng = np.random.default_rng(0)
    y = rng.normal(size=20_000) + 3
    y[[10, 500, 501]] = np.nan
    np.testing.assert_allclose(smooth(y, weight), tensorboard_smoothing(y, weight), rtol=1e-9)


@given(st.lists(st.integers(1, 400), min_size=1, max_size=8))
@settings(max_examples=30, deadline=None)
def test_smoothing_in_pieces_equals_smoothing_at_once(pieces):
    y = np.random.default_rng(1).normal(size=sum(pieces))
    smoother = Smoother(0.8)
    parts, start = [], 0
    for size in pieces:
        parts.append(smoother.update(y[start : start + size]))
        start += size
    np.testing.assert_allclose(np.concatenate(parts), smooth(y, 0.8), rtol=1e-9)


@pytest.mark.parametrize("bad", [-0.01, 1.0, 1.5, "0.6x", None])
def test_a_smoothing_weight_outside_zero_to_one_names_the_value(bad):
    with pytest.raises(ValueError, match=repr(bad).strip("'")):
        check_weight(bad)


def test_the_table_keeps_absent_cells_apart_from_nan_values():
    table = StepTable()
    table.append(1.0, {"loss": 0.5})
    table.append(2.0, {"loss": float("nan"), "acc": 0.1})
    table.append(3.0, {"acc": 0.2})
    x, y = table.column("loss")
    assert x.tolist() == [1.0, 2.0] and np.isnan(y[1])  # a logged NaN: a gap
    assert table.column("acc")[0].tolist() == [2.0, 3.0]  # not logged at x=1: left out
    assert table.best("loss", "min") == (1.0, 0.5) and table.last("acc") == (
        3.0,
        pytest.approx(0.2),
    )


def test_the_table_is_compact_and_grows_without_losing_rows():
    table = StepTable()
    names = [f"m{i}" for i in range(8)]
    for step in range(100_000):
        table.append(float(step), dict.fromkeys(names, 0.25))
    assert len(table) == 100_000
    assert table.column("m7")[0][-1] == 99_999
    assert table.nbytes / (100_000 * 8) < 10  # bytes per point and series (float64 would be 16)


def test_appends_from_threads_while_reading_lose_nothing():
    table = StepTable()

    def writer(offset: int) -> None:
        for i in range(20_000):
            table.append(offset + i * 0.5, {"loss": float(i)})

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        x, y = table.column("loss")
        assert x.size == y.size
    assert len(table.column("loss")[0]) == 60_000


def test_truncating_drops_rows_from_x_on_and_starts_readers_over():
    table = StepTable()
    table.extend(np.arange(10.0), {"loss": np.arange(10.0)})
    generation = table.generation
    assert table.truncate_from(5.0) == 5
    assert table.column("loss")[0].tolist() == [0, 1, 2, 3, 4]
    assert table.generation == generation + 1
    assert table.best("loss", "max") == (4.0, 4.0)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=3000),
    st.integers(2, 50),
    st.lists(st.integers(1, 500), min_size=1, max_size=10),
)
@settings(max_examples=40, deadline=None)
def test_the_digest_keeps_extremes_and_the_latest_point_and_stays_bounded(values, buckets, chunks):
    table = StepTable()
    digest = TableDigest(buckets=buckets, smoothing=0.5)
    i = 0
    for size in chunks * (len(values) // max(sum(chunks), 1) + 1):
        for value in values[i : i + size]:
            table.append(float(i), {"y": value})
            i += 1
        digest.update(table)
        if i >= len(values):
            break
    rows = digest.raw_rows("y")
    x, y = table.gather("y", rows)
    full = np.asarray(values[:i], dtype=np.float32).astype(np.float64)
    assert y.min() == full.min() and y.max() == full.max()
    assert x[-1] == i - 1  # the latest point is always drawn
    assert np.all(np.diff(rows) > 0)
    assert rows.size <= 3 * buckets + 1
    smoothed_rows, smoothed = digest.smoothed("y")
    expected = smooth(full, 0.5)[smoothed_rows]
    np.testing.assert_allclose(smoothed, expected, rtol=1e-9)


@given(
    st.integers(1, 2500),
    st.integers(0, 2500),
    st.integers(2, 40),
    st.lists(st.integers(1, 700), min_size=1, max_size=6),
)
@settings(max_examples=30, deadline=None)
def test_one_digest_of_many_columns_draws_each_as_a_digest_of_it_alone(n, late, buckets, chunks):
    """Columns that start late or skip rows are digested together exactly as one by one."""
    rng = np.random.default_rng(n + late)
    values = {"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)}
    values["a"][rng.random(n) < 0.05] = np.nan

    def row(i: int) -> dict[str, float]:
        out = {"a": values["a"][i]}
        if i >= late:
            out["b"] = values["b"][i]  # a column that appears part way through
        if i % 3 == 0:
            out["c"] = values["c"][i]  # a column logged every third step
        return out

    together, digest = StepTable(), TableDigest(buckets=buckets, smoothing=0.7)
    alone = {name: StepTable() for name in values}
    i = 0
    while i < n:
        for _ in range(chunks[i % len(chunks)]):
            if i == n:
                break
            together.append(float(i), row(i))
            for name, table in alone.items():
                table.append(float(i), {k: v for k, v in row(i).items() if k == name})
            i += 1
        digest.update(together)
    for name, table in alone.items():
        reference = TableDigest(buckets=buckets, smoothing=0.7)
        reference.update(table)
        np.testing.assert_array_equal(digest.raw_rows(name), reference.raw_rows(name))
        for got, want in zip(digest.smoothed(name), reference.smoothed(name)):
            np.testing.assert_allclose(got, want, rtol=1e-9)


def test_the_digest_keeps_a_gap_where_a_value_was_not_finite():
    table = StepTable()
    values = np.ones(10_000)
    values[5000] = np.nan
    table.extend(np.arange(10_000.0), {"y": values})
    digest = TableDigest(buckets=100)
    digest.update(table)
    _, y = table.gather("y", digest.raw_rows("y"))
    assert np.isnan(y).sum() == 1


def test_running_means_give_back_each_batch_and_the_epoch_average():
    rng = np.random.default_rng(3)
    sizes = [32] * 9 + [5]
    batch_values = rng.normal(size=10)
    means = RunningMeans(lambda name: MEAN)
    total = count = 0.0
    recovered = []
    for k, (size, value) in enumerate(zip(sizes, batch_values), start=1):
        total += size * value
        count += size
        recovered.append(means.read(k, count, {"loss": total / count})["loss"])
    np.testing.assert_allclose(recovered, batch_values, rtol=1e-9)
    assert np.average(recovered, weights=sizes) == pytest.approx(total / count)


def test_running_means_of_a_root_mean_square_are_recovered_on_the_square():
    means = RunningMeans(lambda name: ROOT_MEAN_SQUARE)
    assert means.read(1, 10, {"rmse": 3.0})["rmse"] == pytest.approx(3.0)
    both = np.sqrt((10 * 9 + 10 * 16) / 20)  # second batch's rmse is 4
    assert means.read(2, 20, {"rmse": both})["rmse"] == pytest.approx(4.0)


def test_a_ratio_metric_passes_its_running_value_and_old_reads_are_dropped():
    means = RunningMeans(lambda name: RUNNING if name == "auc" else MEAN)
    assert means.read(2, 64, {"auc": 0.7, "loss": 1.0}) == {"auc": 0.7, "loss": 1.0}
    assert means.read(1, 32, {"auc": 0.6, "loss": 2.0}) is None  # arrived after a later one
    assert means.read(3, 96, {"auc": 0.75, "loss": 0.9})["loss"] == pytest.approx(0.7)


def test_the_throttle_runs_at_most_once_per_interval_and_then_catches_up():
    calls: list[float] = []
    throttle = Throttle(0.1, lambda: calls.append(time.monotonic()))
    start = time.monotonic()
    while time.monotonic() - start < 0.55:
        throttle.poke()
    time.sleep(0.25)  # the timer draws the last change without another poke
    assert 2 <= len(calls) <= 8  # at most one per interval (a loaded machine may run fewer)
    # Spacing is measured inside the action, which a loaded machine may start late: allow half.
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(calls))
    assert calls[-1] > start + 0.55


def test_a_costly_redraw_stretches_the_interval_by_its_cpu_time_only(monkeypatch):
    """20 ms of CPU per redraw may run once per 4 s at 0.5 %; 20 ms of waiting costs nothing."""
    import livecurve.live.throttle

    monkeypatch.setattr(livecurve.live.throttle, "IDLE_SECONDS", 0.1)

    def busy() -> None:
        end = time.thread_time() + 0.02
        while time.thread_time() < end:
            pass

    costly = Throttle(0.01, busy, budget=0.005)
    costly.flush()
    assert costly.cost >= 0.01  # smoothed: half-way to the 20 ms after one run
    assert costly.wait_between() >= 0.01 / 0.005
    waiting = Throttle(0.01, lambda: time.sleep(0.02), budget=0.005)
    waiting.flush()
    assert waiting.cost < 0.005 and waiting.wait_between() < 1.0
    calls: list[float] = []
    costly._action = lambda: (calls.append(time.monotonic()), busy())
    for _ in range(20):
        costly.poke()
        time.sleep(0.01)
    assert len(calls) == 0  # the pokes of the next 0.2 s all wait: the last run was costly
    costly.cancel()
    waiter = costly._waiter
    if waiter is not None:
        waiter.join(5)  # it ends when idle: no thread left behind for the tests that count them


def test_the_throttle_waits_on_one_thread_that_ends_when_idle(monkeypatch):
    import livecurve.live.throttle

    monkeypatch.setattr(livecurve.live.throttle, "IDLE_SECONDS", 0.3)
    calls: list[float] = []
    throttle = Throttle(0.05, lambda: calls.append(time.monotonic()))

    def waiters() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "livecurve-redraw" and t.is_alive()]

    before = len(waiters())
    seen: set[int] = set()
    start = time.monotonic()
    while time.monotonic() - start < 0.4:  # about eight due runs, all carried by one thread
        throttle.poke()
        seen.update(t.ident or 0 for t in waiters())
        time.sleep(0.002)
    assert len(seen - {0}) <= before + 1 and len(calls) >= 3
    deadline = time.monotonic() + 5
    while len(waiters()) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(waiters()) == before, "the waiting thread ends once nothing is due"
    drawn = len(calls)
    caller = threading.get_ident()
    ran_on: set[int] = set()
    release = threading.Event()

    def held_action() -> None:  # holds the run until the test lets it go
        ran_on.add(threading.get_ident())
        release.wait(5)
        calls.append(time.monotonic())

    throttle._action = held_action
    returned = time.monotonic()
    throttle.poke()  # due at once (the interval has long passed), run by a new waiting thread
    assert time.monotonic() - returned < 2, "a poke returns at once, before the run ends"
    assert len(calls) == drawn, "a poke never runs the action on the caller's thread"
    release.set()
    deadline = time.monotonic() + 5
    while (len(calls) == drawn or throttle.pending) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) == drawn + 1 and not throttle.pending and caller not in ran_on
    throttle._action = lambda: calls.append(time.monotonic())
    throttle.flush()  # runs now, on the caller
    throttle.poke()  # within the interval: due later
    due = throttle._due
    throttle.poke()  # already due: nothing more, and not later either
    assert len(calls) == drawn + 2 and throttle.pending and throttle._due == due
    throttle.cancel()  # a pending run that is cancelled never runs
    time.sleep(0.3)
    assert len(calls) == drawn + 2 and not throttle.pending


def test_a_step_loop_draws_training_values_per_step_and_validation_as_points():
    plot = LivePlot(axis="step", smoothing=0.9)
    for step in range(1, 101):
        plot.log(step, loss=1 / step, **{"layer1/mean": step * 0.01})
        if step % 50 == 0:
            plot.log(step, val_loss=2 / step)
    run: Run = plot.run
    assert run.has_steps("loss") and not run.has_points("loss")
    assert run.points("val_loss").x.tolist() == [50.0, 100.0]
    assert run["loss"].x.size == 100  # a column of steps reads like a series
    view = plot.view
    marks = view.panels["loss"].series[(0, "loss")]
    assert marks.raw.x.size == 100 and marks.smooth.x.size > 0
    assert marks.smooth.y[-1] == pytest.approx(smooth(1 / np.arange(1, 101), 0.9)[-1], rel=1e-6)


def test_changing_the_smoothing_redraws_from_every_step():
    plot = LivePlot(axis="step", smoothing=0.5)
    y = np.random.default_rng(0).normal(size=5000)
    for step, value in enumerate(y, start=1):
        plot.log(step, loss=value)
    marks = plot.view.panels["loss"].series[(0, "loss")]
    plot.set_smoothing(0.99)
    assert marks.smooth.y[-1] == pytest.approx(smooth(y.astype(np.float32), 0.99)[-1], rel=1e-5)
    plot.set_smoothing(0)
    assert marks.smooth.x.size == 0  # smoothing 0 draws no smoothed line


def test_bursts_from_a_worker_thread_while_the_view_redraws_lose_nothing():
    plot = LivePlot(axis="step", redraw_interval=0.0)
    view = plot.view
    done = threading.Event()

    def burst() -> None:
        for step in range(1, 50_001):
            plot.record_steps(step, {"loss": 1.0 / step, "acc": step / 50_000})
            if step % 1000 == 0:
                plot.changed()  # what a batch hook does: redraws may run on this thread
        done.set()

    worker = threading.Thread(target=burst)
    worker.start()
    while not done.is_set():
        plot.refresh()  # the main thread redraws at the same time
    worker.join()
    plot.refresh()
    assert plot.guard.reported == {}
    marks = view.panels["loss"].series[(0, "loss")]
    assert marks.raw.x[-1] == 50_000 and marks.raw.y.min() == pytest.approx(1 / 50_000)
    assert len(plot.run.steps) == 50_000


def test_step_rows_are_stored_alike_whatever_their_names_order_or_number_types():
    """The fast path (known names, plain floats) and the checked path store the same values."""
    run = Run(axis="step")
    run.log_steps(1, {"a": 1.0, "b": 2.0})
    row = {"a": 3.0, "b": 4.0}
    run.log_steps(2, row)
    row["a"] = 99.0  # the caller reuses its dict: the logged row must not change
    run.log_steps(3, {"b": 6.0, "a": 5.0})  # another order
    run.log_steps(4, {"a": np.float32(7.0), "b": 8})  # a numpy scalar and an int
    run.log_steps(5, {"a": 9.0})  # b not logged at this step
    with pytest.warns(LiveCurveWarning, match="gap"):
        run.log_steps(6, {"a": float("nan"), "b": 10.0})
    for _ in range(600):  # a full block of identical rows, moved at once
        run.log_steps(7, {"a": 11.0, "b": 12.0})
    x, a = run.steps.column("a")
    np.testing.assert_array_equal(x[:6], [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(a[:6], [1, 3, 5, 7, 9, np.nan])
    x, b = run.steps.column("b")
    np.testing.assert_array_equal(x[:5], [1, 2, 3, 4, 6])
    np.testing.assert_array_equal(b[:5], [2, 4, 6, 8, 10])
    assert len(a) == 606 and set(a[6:]) == {11.0} and set(b[5:]) == {12.0}


def test_a_rewound_loop_redraws_its_lines_from_the_rows_that_are_left():
    """A truncated table starts its digest over: the lines are drawn again, not kept stale."""
    plot = LivePlot(axis="step", smoothing=0.5)
    for step in range(1, 101):
        plot.log(step, loss=1.0 / step)
    marks = plot.view.panels["loss"].series[(0, "loss")]
    assert marks.raw.x.max() == 100
    plot.rewind(50)  # the loop went back to step 50: rows from 50 on are dropped
    assert marks.raw.x.max() == 49 and marks.smooth.x.max() == 49
    plot.log(50, loss=0.5)
    plot.refresh()
    assert marks.raw.x.max() == 50 and marks.smooth.x.max() == 50
    assert marks.raw.y[-1] == pytest.approx(0.5)


@pytest.mark.parametrize("axis", ["epoch", "step"])
def test_logging_an_earlier_x_without_a_log_file_replaces_the_later_values(axis):
    """A loop restarted from a checkpoint: the new values win, with or without a log file."""
    plot = LivePlot(axis=axis)
    for x in range(1, 6):
        plot.log(x, loss=float(x))
        plot.log(x, val_loss=x + 0.5)  # the same x again merges, it does not go back
    plot.log(3, loss=30.0, val_loss=30.5)  # back to x = 3
    plot.log(loss=40.0)  # the default x is one past the last one left: 4
    assert plot.run["loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert plot.run["loss"].y.tolist() == [1.0, 2.0, 30.0, 40.0]
    assert plot.run["val_loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert plot.run.last_x() == 4.0


def test_a_new_run_in_the_same_plot_starts_its_own_x():
    """A search's next trial records from epoch 1 again without dropping the last trial."""
    plot = LivePlot()
    for x in range(1, 4):
        plot.log(x, loss=float(x))
    first = plot.run
    plot.run = Run("trial 2")
    plot.runs.append(plot.run)
    plot.log(1, loss=5.0)
    assert first["loss"].x.tolist() == [1.0, 2.0, 3.0]
    assert plot.run["loss"].x.tolist() == [1.0]


def test_extend_keeps_cells_marked_not_logged_absent_as_append_does() -> None:
    appended, extended = StepTable(), StepTable()
    appended.append(1.0, {"a": 0.5})
    appended.append(2.0, {"b": 0.25})
    appended.append(3.0, {"a": float("nan"), "b": 0.125})
    inf = float("inf")
    extended.extend(
        np.array([1.0, 2.0, 3.0]),
        {"a": np.array([0.5, inf, np.nan]), "b": np.array([inf, 0.25, 0.125])},
    )
    for name in ("a", "b"):
        ax, ay = appended.column(name)
        ex, ey = extended.column(name)
        np.testing.assert_array_equal(ax, ex)
        np.testing.assert_array_equal(ay, ey)
    assert extended.column("a")[0].tolist() == [1.0, 3.0]  # not a NaN row at x=2
    assert np.isnan(extended.column("a")[1][1])  # a logged NaN stays a gap
