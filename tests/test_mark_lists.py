"""The front ends' lists of marks sent in blocks of runs (view/prelude.js' markLists, run by node).

A new trial changes the marks of its own block of runs: the runs table, the visibility and the
controls must resolve that run's marks and be told which lists changed, not look at every run's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

PRELUDE = Path(__file__).resolve().parents[1] / "livecurve" / "view" / "prelude.js"

SCRIPT = """
// Stand-ins for ipywidgets' models: get() returns the value as set, as Backbone does.
const made = new Map();
const asked = [];
const manager = { get_model: async (id) => { asked.push(id); return made.get(id); } };
const model = { widget_manager: manager };
const mark = (id) => { const m = { model_id: id, get: () => null }; made.set(id, m); return m; };
for (const id of ["a1", "a2", "b1", "c1", "c2", "c3"]) mark(id);
const block = (marks) => {
  let value = marks;
  return { get: () => value, set: (v) => { value = v; } };
};
const ref = (id) => "IPY_MODEL_" + id;

const lists = markLists(model);
const first = block({ "0": [ref("a1"), ref("a2")], "1": [ref("b1")] });
const second = block({ "2": [ref("c1")] });
const out = {};
let read = await lists([first, second]);
out.first = { keys: Object.keys(read.lists), changed: [...read.changed].sort(),
              asked: asked.splice(0) };
const kept = read.lists["0"];
read = await lists([first, second]);  // nothing sent again
out.again = { changed: [...read.changed], asked: asked.splice(0), same: read.lists["0"] === kept };
second.set({ "2": [ref("c1"), ref("c2")], "3": [ref("c3")] });  // a new trial in block 2
read = await lists([first, second]);
out.trial = { changed: [...read.changed].sort(), asked: asked.splice(0).sort(),
              same: read.lists["0"] === kept, run2: read.lists["2"].map((m) => m.model_id) };
first.set({ "0": [ref("a1"), ref("a2")], "1": [ref("b1")] });  // sent again, the same refs
read = await lists([first, second]);
out.resent = { changed: [...read.changed], asked: asked.splice(0), same: read.lists["0"] === kept };
console.log(JSON.stringify(out));
"""


def test_a_new_trial_resolves_and_reports_only_its_own_lists(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run view/prelude.js' markLists (apt install nodejs)")
    module = tmp_path / "lists.mjs"
    module.write_text(PRELUDE.read_text(encoding="utf-8") + "\n" + SCRIPT, encoding="utf-8")
    done = subprocess.run([node, str(module)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    # the first read: every list, each mark resolved once
    assert out["first"] == {
        "keys": ["0", "1", "2"],
        "changed": ["0", "1", "2"],
        "asked": ["a1", "a2", "b1", "c1"],
    }
    # blocks not sent again: nothing resolved, nothing changed, the same lists
    assert out["again"] == {"changed": [], "asked": [], "same": True}
    # a new trial: its block's lists whose refs changed, and only those marks resolved
    assert out["trial"] == {
        "changed": ["2", "3"],
        "asked": ["c1", "c2", "c3"],
        "same": True,
        "run2": ["c1", "c2"],
    }
    # a block sent again with the same refs changes nothing
    assert out["resent"] == {"changed": [], "asked": [], "same": True}
