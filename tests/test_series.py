"""Series: growable buffers, thread-safe snapshots, truncation, last/best."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest

from livecurve import Series

NAN = math.nan


def test_append_keeps_points_in_order() -> None:
    s = Series("loss")
    s.append(1, 0.9)
    s.append(2, 0.5)
    assert len(s) == 2
    assert s.x.tolist() == [1.0, 2.0]
    assert s.y.tolist() == [0.9, 0.5]


def test_append_grows_past_initial_capacity_without_losing_points() -> None:
    s = Series("loss")
    n = 1000  # far beyond the initial buffer
    for i in range(n):
        s.append(i, i * 0.5)
    assert len(s) == n
    np.testing.assert_array_equal(s.x, np.arange(n, dtype=float))
    np.testing.assert_array_equal(s.y, np.arange(n) * 0.5)


def test_extend_appends_after_existing_points_and_grows() -> None:
    s = Series("loss")
    s.append(0, 1.0)
    s.extend(np.arange(1, 500), np.linspace(0, 1, 499))
    s.extend([500.0], [2.0])
    assert len(s) == 501
    assert s.x[0] == 0 and s.x[-1] == 500
    np.testing.assert_array_equal(s.y[1:500], np.linspace(0, 1, 499))
    assert s.y[-1] == 2.0


def test_extend_rejects_mismatched_lengths_naming_the_series() -> None:
    s = Series("val_loss")
    with pytest.raises(ValueError, match="val_loss"):
        s.extend([1, 2, 3], [1, 2])
    assert len(s) == 0


def test_x_and_y_views_are_read_only() -> None:
    s = Series("loss")
    s.append(1, 1.0)
    with pytest.raises(ValueError):
        s.y[0] = 5.0
    assert s.y[0] == 1.0


def test_snapshot_is_a_copy() -> None:
    s = Series("loss")
    s.append(1, 1.0)
    x, y = s.snapshot()
    y[0] = 99.0
    s.append(2, 2.0)
    assert s.y.tolist() == [1.0, 2.0]
    assert x.tolist() == [1.0]


def test_snapshots_are_consistent_prefixes_while_another_thread_appends() -> None:
    n = 100_000
    s = Series("loss")
    done = threading.Event()

    def writer() -> None:
        for i in range(n):
            s.append(i, -i)  # the final data is x = 0..n-1, y = -x
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    lengths = []
    try:
        while not done.is_set():
            x, y = s.snapshot()
            assert x.shape == y.shape
            # a prefix of the final data: nothing torn, nothing reordered, nothing missing
            np.testing.assert_array_equal(x, np.arange(x.size))
            np.testing.assert_array_equal(y, -x)
            lengths.append(x.size)
            time.sleep(0.001)  # let the writer run; a copy of up to 10^5 points per snapshot
    finally:
        thread.join()
    final_x, final_y = s.snapshot()
    np.testing.assert_array_equal(final_x, np.arange(n))
    np.testing.assert_array_equal(final_y, -final_x)
    assert lengths == sorted(lengths)
    assert len(set(lengths) - {0, n}) >= 2  # some snapshots really were taken mid-way


@pytest.mark.parametrize(
    ("cut", "kept", "dropped"),
    [(4, [1, 2, 3], 2), (1, [], 5), (6, [1, 2, 3, 4, 5], 0), (3.5, [1, 2, 3], 2)],
)
def test_truncate_from_drops_points_at_and_after_x(cut: float, kept: list[int], dropped: int):
    s = Series("loss")
    s.extend([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    assert s.truncate_from(cut) == dropped
    assert s.x.tolist() == kept
    assert s.y.tolist() == [10 * k for k in kept]


def test_truncate_then_append_continues_from_the_cut() -> None:
    s = Series("loss")
    s.extend([1, 2, 3], [1, 2, 3])
    s.truncate_from(2)
    s.append(2, 20)
    assert s.x.tolist() == [1, 2]
    assert s.y.tolist() == [1, 20]


@pytest.mark.parametrize(
    ("ys", "last"),
    [
        ([0.5, 0.4, NAN], (2.0, 0.4)),
        ([NAN, NAN], None),
        ([], None),
        ([0.5, math.inf], (1.0, 0.5)),
        ([0.5, NAN, 0.3], (3.0, 0.3)),
    ],
)
def test_last_is_the_last_finite_point(ys: list[float], last: tuple[float, float] | None):
    s = Series("loss")
    s.extend(list(range(1, len(ys) + 1)), ys)
    assert s.last() == last


@pytest.mark.parametrize(
    ("goal", "ys", "best"),
    [
        ("min", [0.5, NAN, 0.2, 0.3], (3.0, 0.2)),
        ("max", [0.5, NAN, 0.2, 0.7], (4.0, 0.7)),
        ("min", [0.2, 0.3, 0.2], (1.0, 0.2)),  # first on ties
        ("max", [0.9, 0.9], (1.0, 0.9)),
        ("min", [NAN, NAN], None),
        ("min", [-math.inf, 0.5], (2.0, 0.5)),  # infinities are not "best"
        (None, [0.5, 0.2], None),
        ("sideways", [0.5, 0.2], None),
    ],
)
def test_best_skips_nan_and_respects_goal(goal, ys, best) -> None:
    s = Series("m")
    s.extend(list(range(1, len(ys) + 1)), ys)
    assert s.best(goal) == best


def test_version_changes_on_every_change_and_only_then() -> None:
    s = Series("loss")
    versions = [s.version]
    s.append(1, 1.0)
    versions.append(s.version)
    s.extend([2, 3], [2.0, 3.0])
    versions.append(s.version)
    s.truncate_from(3)
    versions.append(s.version)
    assert len(set(versions)) == len(versions)
    unchanged = s.version
    s.truncate_from(100)  # nothing to drop
    s.snapshot()
    s.last()
    s.best("min")
    assert s.version == unchanged
