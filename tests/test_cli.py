"""The ``livecurve plot`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livecurve.cli import main

REAL_LOGS = Path(__file__).resolve().parent / "data" / "real-logs"


def csv_log(path: Path, losses: list[float]) -> Path:
    rows = ["epoch,loss,val_loss"] + [f"{i},{v},{v * 1.1}" for i, v in enumerate(losses)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_plot_writes_the_picture_and_lists_what_it_read(tmp_path, capsys) -> None:
    log = csv_log(tmp_path / "train.csv", [0.9, 0.6, 0.4])
    out = tmp_path / "curves.png"
    assert main(["plot", str(log), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    printed = capsys.readouterr().out
    assert "train: loss (3), val_loss (3)" in printed and f"wrote {out}" in printed


def test_several_sources_with_labels_become_compared_runs(tmp_path, capsys) -> None:
    a = csv_log(tmp_path / "a.csv", [0.9, 0.6])
    b = csv_log(tmp_path / "b.csv", [0.8, 0.5, 0.2])
    out = tmp_path / "cmp.svg"
    assert main(["plot", str(a), str(b), "--labels", "base,wide", "-o", str(out)]) == 0
    svg = out.read_text()
    assert ">base<" in svg and ">wide<" in svg, "the run legend names both runs"
    assert "wide: loss (3)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "output", "message"),
    [
        ("missing.csv", "x.png", "missing.csv"),
        ("t.csv", "x.bmp", "accepted formats"),
        ("t.csv", "no/such/dir/x.png", "does not exist"),
    ],
)
def test_errors_exit_2_with_one_clear_message(tmp_path, capsys, source, output, message) -> None:
    csv_log(tmp_path / "t.csv", [0.5])
    assert main(["plot", str(tmp_path / source), "-o", str(tmp_path / output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("livecurve: error:") and message in err
    assert not list(tmp_path.glob("x.*")), "nothing written"


def test_the_installed_command_runs_on_a_real_log(tmp_path) -> None:
    source = REAL_LOGS / "keras3-digits-cnn-lr-schedule.csv"
    out = tmp_path / "digits.png"
    result = subprocess.run(
        [sys.executable, "-m", "livecurve.cli", "plot", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "learning_rate (30)" in result.stdout
    assert out.stat().st_size > 20_000
