"""The fast path (pandas' C parser, :mod:`livecurve.readers.bulk`) gives the runs the careful
path gives, with the same warnings, and hands every irregular file to the careful path."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from livecurve.model.run import Run
from livecurve.readers.bulk import read_regular
from livecurve.readers.delimited import read_table
from livecurve.readers.files import decode
from livecurve.readers.lightning import fold_step_epoch
from livecurve.readers.runs import to_runs

REAL = Path(__file__).parent / "data" / "real-logs"
TABLES = sorted(
    p for p in REAL.iterdir() if p.suffix in (".csv", ".tsv", ".log") and p.stat().st_size
)


def _careful(data: bytes, name: str) -> tuple[list[Run], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = to_runs(read_table(decode(data, name), name), "log")
    return runs, [str(w.message) for w in caught]


def _fast(data: bytes, name: str) -> tuple[list[Run] | None, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = read_regular(data, name, "log")
    return runs, [str(w.message) for w in caught]


def _same(fast: list[Run], careful: list[Run]) -> None:
    assert [(r.label, r.axis, r.names) for r in fast] == [
        (r.label, r.axis, r.names) for r in careful
    ]
    for a, b in zip(fast, careful):
        for name in a.names:
            np.testing.assert_array_equal(a[name].x, b[name].x)
            np.testing.assert_array_equal(a[name].y, b[name].y)  # NaN equal NaN


def _lightning(rows: int) -> bytes:
    lines = ["epoch,step,train_loss_step,val_loss,train_loss_epoch"]
    for i in range(rows):
        step = 50 * i + 49
        lines.append(f"{i // 4},{step},{math.sin(i) + 2!r},,")
        if i % 4 == 3:
            lines.append(f"{i // 4},{step},,{math.cos(i) + 2!r},")
            lines.append(f"{i // 4},{step},,,{1 / (i + 1)!r}")
    return ("\n".join(lines) + "\n").encode()


SYNTHETIC = {
    "keras-0-based": b"epoch,loss,val_loss\n0,0.9,1.0\n1,0.5,0.7\n2,0.4,0.6\n",
    "keras-crlf-bom": b"\xef\xbb\xbfepoch,loss\r\n0,0.9\r\n1,0.5\r\n",
    "appended-3-runs": b"epoch,loss\n0,1\n1,0.5\n0,2\n1,1\n2,0.5\n0,3\n",
    "pandas-index": b",loss,acc\n0,0.9,0.1\n1,0.5,0.2\n2,0.3,0.4\n",
    "counter-column": b"generation,fitness\n0,0.1\n1,0.3\n2,0.5\n3,0.6\n",
    "no-axis": b"loss,acc\n0.9,0.1\n0.5,0.3\n0.4,0.6\n",
    "lightning": _lightning(40),
    "lightning-step-only": b"train_loss,step,epoch\n0.5,49,0\n0.4,99,0\n0.3,149,1\n",
    "tab": b"epoch\tloss\n1\t0.9\n2\t0.5\n",
    "epoch-repeats-same-metric": b"epoch,loss\n1,0.9\n1,0.8\n2,0.5\n",
    "sparse": b"step,loss,val_loss\n1,0.9,\n2,0.8,\n2,,0.7\n3,0.6,\n",
}
IRREGULAR = {
    "torn-row": b"epoch,loss,acc\n0,0.9,0.1\n1,0.5\n2,0.3,0.4\n",
    "blank-line": b"epoch,loss\n0,0.9\n\n1,0.5\n",
    "short-and-long-rows": b"epoch,loss\n0\n1,0.5,7\n2,0.4\n",  # separators add up
    "short-and-trailing-separator": b"epoch,loss\n0\n1,0.5,\n2,0.4\n",
    "blank-and-long-rows": b"epoch,loss\n0,0.9\n\n1,0.5,7\n",
    "no-final-newline": b"epoch,loss\n0,0.9\n1,0.5",
    "repeated-header": b"epoch,loss\n0,0.9\n1,0.5\nepoch,loss\n0,0.8\n",
    "nan-cell": b"epoch,loss\n0,0.9\n1,nan\n",
    "inf-cell": b"epoch,loss\n0,0.9\n1,1e999999\n",
    "text-cell": b"epoch,loss\n0,0.9\n1,tensor(0.5)\n",
    "quoted": b'epoch,"loss"\n0,0.9\n1,0.5\n',
    "NA-cell": b"epoch,loss,lr\n0,0.9,NA\n1,0.5,0.1\n",
    "run-column": b"run,epoch,loss\na,0,0.9\nb,0,0.8\n",
    "eight-runs": b"epoch,loss\n" + b"0,1\n1,2\n" * 8,
    "one-row-per-restart": b"epoch,loss\n0,1\n0,0.9\n0,0.8\n",
    "latin-1": "epoch,loss,précision\n0,0.9,0.1\n1,0.5,0.2\n".encode("latin-1"),
    "no-header": b"0,0.9\n1,0.5\n",
    "epoch-and-step-rows": b"epoch,step,loss\n,1,0.9\n,2,0.8\n0,,0.7\n",
}


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_fast_path_gives_the_careful_paths_runs_on_real_logs(path: Path) -> None:
    data = path.read_bytes()
    fast, fast_warnings = _fast(data, path.name)
    careful, careful_warnings = _careful(data, path.name)
    if fast is not None:
        _same(fast, careful)
        assert fast_warnings == careful_warnings
    else:
        assert fast_warnings == []  # it handed the file over without a word


def test_fast_path_reads_most_real_tables() -> None:
    taken = [p.name for p in TABLES if _fast(p.read_bytes(), p.name)[0] is not None]
    assert len(taken) >= len(TABLES) // 3, taken


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_fast_path_gives_the_careful_paths_runs_on_regular_tables(name: str) -> None:
    data = SYNTHETIC[name]
    fast, fast_warnings = _fast(data, name)
    careful, careful_warnings = _careful(data, name)
    assert fast is not None, "a regular table must take the fast path"
    _same(fast, careful)
    assert fast_warnings == careful_warnings


@pytest.mark.parametrize("name", sorted(IRREGULAR))
def test_irregular_tables_go_to_the_careful_path(name: str) -> None:
    fast, said = _fast(IRREGULAR[name], name)
    assert fast is None and said == []


def test_load_of_a_regular_csv_takes_the_fast_path_and_never_changes_the_file(
    tmp_path: Path,
) -> None:
    import livecurve

    path = tmp_path / "metrics.csv"
    path.write_bytes(SYNTHETIC["lightning"])
    before = path.read_bytes()
    (run,) = livecurve.load(path)
    careful, _ = _careful(before, "metrics.csv")
    careful[0].label = run.label
    _same([run], fold_step_epoch(careful))
    assert run.steps.column("train_loss")[0].size == 40
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("head", "shortcut"),
    [
        ("epoch,loss\n0,0.9\n1,0.5\n", ","),
        ("epoch,loss,acc\n0,0.9,\n1,,0.5\n,,\n", ","),
        ("epoch\tloss,x\n0\t0,5\n1\t0,4\n", ","),  # a comma in every line: sniff agrees
        ("a;b\n1;2\n3;4\n", None),
        ("epoch,loss\n0,0.9\n1;0.5\n", None),
    ],
)
def test_the_comma_shortcut_finds_what_sniff_finds(head: str, shortcut: str | None) -> None:
    from livecurve.readers.bulk import _commas
    from livecurve.readers.delimited import sniff

    assert _commas(head) == shortcut
    if shortcut is not None:
        assert sniff(head) == shortcut


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_the_comma_shortcut_agrees_with_sniff_on_real_logs(path: Path) -> None:
    from livecurve.readers.bulk import _SNIFF_LINES, _commas, _prefix
    from livecurve.readers.delimited import sniff

    head = _prefix(path.read_bytes(), _SNIFF_LINES).decode("utf-8", errors="replace")
    if _commas(head) is not None:
        assert sniff(head) == ","
