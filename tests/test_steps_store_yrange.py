"""The y range of a panel zoomed in x, computed in the browser (controls.js, run by node).

It must be :func:`livecurve.model.yrange.robust_range` over the values in view: the same fence,
the same epoch values kept, linear and log, short arrays and long ones (quartiles sampled).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from livecurve.model.yrange import robust_range
from livecurve.view.module_widget import module_source

JS = Path(__file__).resolve().parents[1] / "livecurve" / "view" / "controls.js"


def _cases() -> list[dict]:
    rng = np.random.default_rng(5)
    decay = 0.3 + 2 / np.arange(1, 5001)
    noisy = decay * np.exp(0.1 * rng.normal(size=decay.size))
    noisy[[40, 3000]] = [80.0, 1e-6]  # a spike up, one down (log panels see it)
    noisy[[7, 8]] = [np.nan, np.inf]
    smooth = np.linspace(0.1, 0.9, 300)
    return [
        {"parts": [[50.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7]], "keep": []},
        {"parts": [[50.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7], [3.0]], "keep": [3.0]},
        {"parts": [noisy[:1000].tolist()], "keep": []},
        {"parts": [noisy.tolist(), [0.25, 2.5]], "keep": [0.25, 2.5]},  # > 2048: sampled
        {"parts": [noisy[2000:].tolist(), [-1.0, 0.0]], "keep": [-1.0, 0.0]},
        {"parts": [smooth.tolist()], "keep": []},  # no outlier: null
        {"parts": [[1.0, 2.0]], "keep": []},  # too few values
    ]


@pytest.mark.parametrize("log", [False, True])
def test_the_zoomed_y_range_in_the_browser_is_the_kernels_robust_range(
    tmp_path: Path, log: bool
) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run controls.js' robustRange (apt install nodejs)")
    cases = _cases()
    # the module as the browser gets it: view/prelude.js in front (module_source)
    (tmp_path / "controls.mjs").write_text(module_source(JS), encoding="utf-8")

    def plain(v: float) -> float | str | None:  # JSON has no NaN or inf
        return None if np.isnan(v) else "inf" if np.isinf(v) else v

    sent = [
        {"parts": [[plain(v) for v in part] for part in c["parts"]], "keep": c["keep"]}
        for c in cases
    ]
    (tmp_path / "cases.json").write_text(json.dumps(sent))
    script = tmp_path / "run.mjs"
    script.write_text(
        f"""
import {{ robustRange, fitRange }} from "./controls.mjs";
import {{ readFileSync }} from "node:fs";
const fix = (a) => a.map((v) => v === "inf" ? Infinity : v === null ? NaN : v);
const cases = JSON.parse(readFileSync({json.dumps(str(tmp_path / "cases.json"))}, "utf8"));
console.log(JSON.stringify(cases.map((c) => {{
  const parts = c.parts.map(fix);
  const log = {json.dumps(log)};
  return [robustRange(parts, log, c.keep), fitRange(parts, c.keep, log, true)];
}})));
"""
    )
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    nulls = 0
    for case, (got, fitted) in zip(cases, results):
        values = np.concatenate([np.asarray(p, dtype=float) for p in case["parts"]])
        keep = np.asarray(case["keep"], dtype=float) if case["keep"] else None
        expected = robust_range(values, log=log, keep=keep)
        if expected is None:
            nulls += 1
            assert got is None, case
            finite = values[np.isfinite(values) & ((values > 0) if log else True)]
            if finite.size >= 2 and finite.min() < finite.max():  # the whole span in view
                assert fitted == pytest.approx([finite.min(), finite.max()])
        else:
            assert got == pytest.approx(list(expected), rel=1e-9), case
            assert fitted == got
            for v in case["keep"]:  # an epoch value is never cut
                if not log or v > 0:
                    assert got[0] <= v <= got[1]
    assert 0 < nulls < len(cases)
