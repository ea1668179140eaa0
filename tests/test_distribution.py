"""Distributions: arrays and tensors reduced to quantiles per call, memory independent of size."""

from __future__ import annotations

import gc
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

from livecurve import LiveCurveWarning
from livecurve.model.distribution import (
    LABELS,
    MEDIAN,
    QUANTILES,
    Distribution,
    Distributions,
    to_array,
)

VALUES = np.arange(1001, dtype=np.float64)  # percentiles of 0..1000 are 10 × the percent
EXPECTED = np.asarray(QUANTILES) * 10


def test_each_call_stores_min_seven_percentiles_and_max() -> None:
    d = Distribution("w")
    d.append(3, VALUES.reshape(7, 11, 13))  # any shape: all values count
    x, q = d.snapshot()
    assert x.tolist() == [3.0]
    assert q.shape == (1, len(QUANTILES)) == (1, 9)
    np.testing.assert_allclose(q[0], EXPECTED)
    assert LABELS[0] == "min" and LABELS[MEDIAN] == "p50" and LABELS[-1] == "max"


def test_the_percentiles_are_the_normal_sigma_points_tensorboard_draws() -> None:
    from statistics import NormalDist

    sigmas = [NormalDist().inv_cdf(p / 100) for p in QUANTILES[1:-1]]
    np.testing.assert_allclose(sigmas, [-1.5, -1, -0.5, 0, 0.5, 1, 1.5], atol=2e-3)


def test_snapshot_is_n_rows_by_k_quantiles_in_call_order() -> None:
    d = Distribution("w")
    for step in range(100):  # past the initial capacity: the buffers grow
        d.append(step, VALUES + step)
    x, q = d.snapshot()
    assert x.tolist() == list(range(100))
    assert q.shape == (100, 9)
    np.testing.assert_allclose(q[:, MEDIAN], 500 + np.arange(100))


def test_version_changes_with_every_append_and_truncate() -> None:
    d = Distribution("w")
    versions = [d.version]
    for step in (1, 2, 3):
        d.append(step, VALUES)
        versions.append(d.version)
    assert d.truncate_from(2) == 2
    versions.append(d.version)
    assert len(set(versions)) == len(versions)
    assert d.snapshot()[0].tolist() == [1.0]
    assert d.truncate_from(5) == 0 and d.version == versions[-1], "nothing dropped, no redraw"


def test_nan_and_inf_are_left_out_with_one_warning(livecurve_warnings) -> None:
    d = Distribution("grad")
    dirty = np.concatenate([VALUES, [np.nan, np.inf, -np.inf]])
    d.append(1, dirty)
    d.append(2, dirty)
    np.testing.assert_allclose(d.snapshot()[1][0], EXPECTED)
    assert len(livecurve_warnings) == 1
    assert (
        "'grad'" in livecurve_warnings.messages()[0] and "3 NaN" in livecurve_warnings.messages()[0]
    )


@pytest.mark.parametrize(
    ("values", "said"),
    [(np.empty((0, 4)), "empty array"), (np.full(5, np.nan), "no finite value")],
    ids=["empty", "all-nan"],
)
def test_empty_or_all_nan_is_a_gap_with_one_warning(livecurve_warnings, values, said) -> None:
    d = Distribution("w")
    d.append(1, VALUES)
    d.append(2, values)
    d.append(3, values)
    x, q = d.snapshot()
    assert x.tolist() == [1.0, 2.0, 3.0]
    assert np.isnan(q[1:]).all() and np.isfinite(q[0]).all()
    assert len(livecurve_warnings) == 1 and said in livecurve_warnings.messages()[0]


@pytest.mark.parametrize(
    "bad", [["a", "b"], np.array([1j, 2j]), None], ids=["str", "complex", "none"]
)
def test_values_that_are_not_real_numbers_raise_type_error_naming_them(bad) -> None:
    with pytest.raises(TypeError, match="real numbers"):
        Distribution("w").append(1, bad)


@pytest.mark.parametrize(
    "values",
    [[1, 2, 3], np.array([True, False]), np.arange(6, dtype=np.int8), np.ones(4, np.float16)],
    ids=["list", "bool", "int8", "float16"],
)
def test_lists_ints_bools_and_half_floats_are_accepted(values) -> None:
    d = Distribution("w")
    d.append(1, values)
    assert np.isfinite(d.snapshot()[1]).all()


def test_torch_tensors_needing_grad_in_bfloat16_are_reduced() -> None:
    torch = pytest.importorskip("torch")
    weight = torch.nn.Parameter(torch.arange(1001, dtype=torch.float32))
    d = Distribution("weight")
    d.append(1, weight)  # requires grad: detached
    d.append(2, weight.grad if weight.grad is not None else torch.zeros(3))
    d.append(3, torch.arange(1001).to(torch.bfloat16))  # numpy has no bfloat16
    q = d.snapshot()[1]
    np.testing.assert_allclose(q[0], EXPECTED, rtol=1e-6)
    assert q[1].tolist() == [0.0] * 9
    np.testing.assert_allclose(q[2], EXPECTED, rtol=1e-2)


def test_jax_arrays_including_bfloat16_are_reduced() -> None:
    jnp = pytest.importorskip("jax.numpy")
    d = Distribution("w")
    d.append(1, jnp.arange(1001, dtype=jnp.float32))
    d.append(2, jnp.arange(1001, dtype=jnp.bfloat16))
    q = d.snapshot()[1]
    np.testing.assert_allclose(q[0], EXPECTED, rtol=1e-6)
    np.testing.assert_allclose(q[1], EXPECTED, rtol=1e-2)


def test_tensorflow_tensors_and_variables_are_reduced() -> None:
    tf = pytest.importorskip("tensorflow")
    d = Distribution("w")
    d.append(1, tf.constant(VALUES))
    d.append(2, tf.Variable(VALUES.reshape(11, 91)))
    for row in d.snapshot()[1]:
        np.testing.assert_allclose(row, EXPECTED)


def _retained_bytes(size: int, calls: int) -> tuple[int, int]:
    """Bytes still allocated after ``calls`` appends of one ``size``-element array."""
    array = np.random.default_rng(0).normal(size=size)
    d = Distribution("w")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for step in range(calls):
            d.append(step, array)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before, d.nbytes
    finally:
        tracemalloc.stop()


def test_memory_kept_per_call_does_not_grow_with_the_array_size() -> None:
    small, small_buffers = _retained_bytes(10, calls=200)
    large, large_buffers = _retained_bytes(10**6, calls=200)
    assert small_buffers == large_buffers == 256 * 10 * 8, "256 rows of x + 9 quantiles"
    assert abs(large - small) < 4096, (small, large)
    assert large < 64 * 1024, "200 calls of a million values keep only their quantiles"


def test_the_logged_array_is_not_kept() -> None:
    array = np.ones(1000)
    ref = weakref.ref(array)
    d = Distribution("w")
    d.append(1, array)
    del array
    gc.collect()
    assert ref() is None


def test_appends_from_several_threads_are_all_kept() -> None:
    d = Distribution("w")

    def worker(offset: int) -> None:
        for i in range(200):
            d.append(offset + i, VALUES)

    threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    x, q = d.snapshot()
    assert len(d) == 800 and sorted(x.tolist()) == sorted(
        k * 1000 + i for k in range(4) for i in range(200)
    )
    np.testing.assert_allclose(q, np.tile(EXPECTED, (800, 1)))


def test_distributions_are_keyed_by_name_in_first_seen_order() -> None:
    dists = Distributions()
    dists.log(1, {"kernel": VALUES, "grad": -VALUES})
    dists.log(2, {"grad": VALUES})
    assert dists.names == ["kernel", "grad"] and "grad" in dists and len(dists) == 2
    assert len(dists["kernel"]) == 1 and len(dists["grad"]) == 2
    assert dists.last_x() == 2.0


def test_table_gives_a_column_per_name_and_quantile_aligned_on_x() -> None:
    dists = Distributions()
    dists.log(1, {"kernel": VALUES})
    dists.log(2, {"kernel": VALUES + 1, "grad": VALUES})
    x, columns = dists.table()
    assert x.tolist() == [1.0, 2.0]
    assert list(columns)[:9] == [f"kernel/{label}" for label in LABELS]
    assert len(columns) == 18
    assert columns["kernel/p50"].tolist() == [500.0, 501.0]
    assert np.isnan(columns["grad/max"][0]) and columns["grad/max"][1] == 1000.0


def test_distributions_version_and_truncate_cover_every_name() -> None:
    dists = Distributions()
    v0 = dists.version
    dists.log(1, {"a": VALUES, "b": VALUES})
    dists.log(2, {"a": VALUES, "b": VALUES})
    v1 = dists.version
    assert v1 != v0
    assert dists.truncate_from(2) == 2
    assert dists.version != v1 and dists.last_x() == 1.0


def test_to_array_does_not_copy_a_float_numpy_array() -> None:
    array = np.ones(10, dtype=np.float32)
    assert to_array(array) is array


def test_a_type_error_names_what_was_given() -> None:
    with pytest.raises(TypeError, match="dict"):
        Distribution("w").append(1, {"a": 1})


def test_appending_warns_with_livecurve_warning_class() -> None:
    with pytest.warns(LiveCurveWarning, match="'w'"):
        Distribution("w").append(1, np.array([np.nan, 1.0]))
