"""The zoom's reduction (model/envelope.py), and its JS twin run by node on the same inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from livecurve.model.envelope import envelope, pixel_column
from livecurve.model.steptable import ABSENT

JS = Path(__file__).resolve().parents[1] / "livecurve" / "view" / "steps_store.js"


def _walk(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.arange(1, n + 1, dtype=np.float64), rng.normal(size=n).cumsum().astype(np.float32)


@pytest.mark.parametrize(("lo", "hi", "columns"), [(100, 400, 800), (1, 50, 50), (10, 10, 3)])
def test_a_range_with_fewer_points_than_pixels_keeps_every_step_exactly(lo, hi, columns) -> None:
    x, y = _walk(1000)
    rows = envelope(x, y, lo, hi, columns)
    inside = rows[(x[rows] >= lo) & (x[rows] <= hi)]
    assert inside.tolist() == list(range(lo - 1, hi))  # steps lo..hi are rows lo-1..hi-1
    # and one neighbour on each side, so the line runs to the panel's edges
    assert rows[0] == lo - 2 if lo > 1 else rows[0] == 0
    assert rows[-1] == hi


def test_a_wide_range_keeps_every_pixel_columns_min_and_max() -> None:
    x, y = _walk(100_000, seed=1)
    lo, hi, columns = 2_000.0, 90_000.0, 700
    rows = envelope(x, y, lo, hi, columns)
    assert len(rows) <= 3 * columns + 2
    inside = rows[(x[rows] >= lo) & (x[rows] <= hi)]
    assert np.all(np.diff(rows) > 0)
    sel = (x >= lo) & (x <= hi)
    col = pixel_column(x[sel], lo, hi, columns)
    drawn = pixel_column(x[inside], lo, hi, columns)
    for c in range(columns):
        values, kept = y[sel][col == c], y[inside][drawn == c]
        assert kept.min() == values.min() and kept.max() == values.max()


@pytest.mark.parametrize("width", [10, 1_000, 10_000, 100_000, 1_000_000])
def test_a_one_step_spike_is_drawn_at_every_zoom(width: int) -> None:
    x = np.arange(1, 1_000_001, dtype=np.float64)
    y = np.sin(x / 5000).astype(np.float32)
    y[412_000 - 1] = 50.0  # step 412,000
    lo = max(1.0, 412_000 - width / 3)
    rows = envelope(x, y, lo, lo + width, 800)
    assert 412_000 - 1 in rows.tolist()


@pytest.mark.parametrize(("lo", "hi"), [(2000, 3000), (-50, -1), (10.2, 10.8), (5, 4)])
def test_a_range_without_data_gives_nothing(lo: float, hi: float) -> None:
    x, y = _walk(1000)
    assert envelope(x, y, lo, hi, 500).size == 0


def test_non_finite_values_stay_gaps_and_absent_steps_are_skipped() -> None:
    x = np.arange(20, dtype=np.float64)
    y = np.arange(20, dtype=np.float32)
    y[5] = np.nan
    y[7:9] = ABSENT
    few = envelope(x, y, 0, 19, 100)
    assert 5 in few and 7 not in few and 8 not in few and len(few) == 18
    many = envelope(x, y, 0, 19, 3)  # 3 columns: min, max and the gap of each
    assert 5 in many and 7 not in many
    assert np.isnan(y[many]).sum() == 1


def _cases() -> list[dict]:
    rng = np.random.default_rng(7)
    x, y = _walk(20_000, seed=3)
    y[rng.integers(0, y.size, 50)] = np.nan
    y[rng.integers(0, y.size, 300)] = ABSENT
    y[rng.integers(0, y.size, 20)] = rng.normal(size=20).astype(np.float32) * 1e3
    y[100:110] = 1.0  # ties: the first row wins, in both
    y[200] = -np.inf  # a gap, as NaN
    ranges = [
        (0, 30_000, 640), (1, 20_000, 640), (5_000.5, 5_400, 800), (100, 120, 3),
        (9_000, 9_000, 50), (-10, 3, 4), (19_990, 25_000, 7), (30_000, 40_000, 100),
    ]  # fmt: skip
    return [{"x": x, "y": y, "lo": lo, "hi": hi, "columns": c} for lo, hi, c in ranges]


def test_the_browser_algorithm_gives_the_same_rows_as_python(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the browser's reduction (apt install nodejs)")
    cases = _cases()
    (tmp_path / "store.mjs").write_text(JS.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "x.bin"
    data.write_bytes(cases[0]["x"].tobytes() + cases[0]["y"].tobytes())
    spec = [{k: c[k] for k in ("lo", "hi", "columns")} for c in cases]
    script = tmp_path / "run.mjs"
    script.write_text(
        f"""
import {{ envelope }} from "./store.mjs";
import {{ readFileSync }} from "node:fs";
const buf = readFileSync({json.dumps(str(data))});
const n = {cases[0]["x"].size};
const x = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + 8 * n));
const y = new Float32Array(buf.buffer.slice(buf.byteOffset + 8 * n, buf.byteOffset + 12 * n));
const spec = {json.dumps(spec)};
console.log(JSON.stringify(spec.map((s) => Array.from(envelope(x, y, n, s.lo, s.hi, s.columns)))));
"""
    )
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    from_js = json.loads(done.stdout)
    for case, rows in zip(cases, from_js):
        expected = envelope(case["x"], case["y"], case["lo"], case["hi"], case["columns"])
        assert rows == expected.tolist(), (case["lo"], case["hi"], case["columns"])
    assert any(len(r) > 100 for r in from_js) and any(len(r) == 0 for r in from_js)


def test_the_browser_smooths_the_held_steps_as_the_kernel_does(tmp_path: Path) -> None:
    """TensorBoard's debiased average, continued over appended rows, gaps and absent steps."""
    from livecurve.model.smoothing import Smoother

    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the browser's smoothing")
    rng = np.random.default_rng(2)
    y = rng.normal(size=5000).astype(np.float32)
    y[[10, 500]] = np.nan
    y[[20, 21, 3000]] = ABSENT
    (tmp_path / "store.mjs").write_text(JS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "y.bin").write_bytes(y.tobytes())
    script = tmp_path / "run.mjs"
    script.write_text(
        f"""
import {{ smoothInto }} from "./store.mjs";
import {{ readFileSync }} from "node:fs";
const b = readFileSync({json.dumps(str(tmp_path / "y.bin"))});
const y = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const s = {{ w: 0.9, arr: new Float32Array(0), n: 0, last: 0, count: 0, power: 1 }};
smoothInto(s, y, 1234, 0.9);  // what had arrived, then the rest
smoothInto(s, y, y.length, 0.9);
console.log(JSON.stringify(Array.from(s.arr.subarray(0, y.length), (v) => v === Infinity ? "absent"
    : Number.isNaN(v) ? null : v)));
"""
    )
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    from_js = json.loads(done.stdout)
    present = y != ABSENT
    assert [v == "absent" for v in from_js] == (~present).tolist()
    expected = Smoother(0.9).update(np.where(present, y, np.nan))
    got = np.array([np.nan if v in (None, "absent") else v for v in from_js])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    finite = ~np.isnan(got)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-5, atol=1e-6)
