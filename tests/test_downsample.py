"""Min/max decimation of long series before they are drawn."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from livecurve.model.downsample import minmax


def _noisy(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.arange(n, dtype=float), np.cumsum(rng.normal(size=n))


@pytest.mark.parametrize("n", [0, 1, 5, 100])
def test_identity_at_or_below_the_limit(n: int) -> None:
    x, y = _noisy(n)
    dx, dy = minmax(x, y, 100)
    np.testing.assert_array_equal(dx, x)
    np.testing.assert_array_equal(dy, y)


@pytest.mark.parametrize(("n", "max_points"), [(101, 100), (1000, 7), (5000, 4), (12345, 2000)])
def test_output_is_bounded_ordered_and_a_subset(n: int, max_points: int) -> None:
    x, y = _noisy(n)
    dx, dy = minmax(x, y, max_points)
    assert 0 < dx.size <= max_points
    assert dx.shape == dy.shape
    assert np.all(np.diff(dx) > 0)
    index = dx.astype(int)  # x is the index here
    np.testing.assert_array_equal(dy, y[index])


def test_keeps_global_min_and_max_even_for_single_spikes() -> None:
    x, y = _noisy(50_000, seed=3)
    y[12_345] = 1e6  # a spike
    y[40_001] = -1e6
    dx, dy = minmax(x, y, 200)
    assert dy.max() == 1e6 and dx[dy.argmax()] == 12_345
    assert dy.min() == -1e6 and dx[dy.argmin()] == 40_001


def test_a_nan_gap_wider_than_two_buckets_stays_a_gap() -> None:
    n, max_points = 10_000, 100  # 50 buckets of 200 points
    x, y = _noisy(n)
    y[3_000:4_000] = np.nan
    dx, dy = minmax(x, y, max_points)
    nan_at = dx[np.isnan(dy)]
    assert nan_at.size >= 1
    assert np.all((nan_at >= 3_000) & (nan_at < 4_000))
    # the gap separates finite points on both sides
    finite_x = dx[np.isfinite(dy)]
    assert finite_x[finite_x < 3_000].size and finite_x[finite_x >= 4_000].size


def test_all_nan_series_stays_nan() -> None:
    x = np.arange(1000.0)
    y = np.full(1000, np.nan)
    dx, dy = minmax(x, y, 10)
    assert 0 < dx.size <= 10
    assert np.isnan(dy).all()


def test_a_million_points_reduce_to_max_points_keeping_extremes() -> None:
    x, y = _noisy(1_000_000)
    dx, dy = minmax(x, y, 2000)
    assert dx.size <= 2000
    assert dy.min() == y.min() and dy.max() == y.max()
    assert dx[0] >= 0 and dx[-1] <= 999_999


@given(
    hnp.arrays(
        np.float64,
        st.integers(0, 400),
        elements=st.floats(allow_infinity=False, width=64) | st.just(np.nan),
    ),
    st.integers(4, 64),
)
def test_properties_hold_for_arbitrary_series(y: np.ndarray, max_points: int) -> None:
    x = np.arange(y.size, dtype=float)
    dx, dy = minmax(x, y, max_points)
    assert dx.size <= max_points
    if y.size <= max_points:
        assert dx.size == y.size
    assert np.all(np.diff(dx) > 0)
    np.testing.assert_array_equal(dy, y[dx.astype(int)])
    finite = np.isfinite(y)
    if finite.any():
        assert np.nanmax(dy) == y[finite].max()
        assert np.nanmin(dy) == y[finite].min()
