"""Following a log another process writes: show(path, follow=True) and livecurve plot --follow."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import livecurve
from livecurve import LivePlot, LogFileError
from livecurve.cli import main
from livecurve.live.follow import Follower, axis_of
from livecurve.show import FollowedPlot

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
DEADLINE = 30.0


def until(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> None:
    """Poll ``condition`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


WRITER = """
import json, os, sys
path = sys.argv[1]
for line in sys.stdin:
    op, text = json.loads(line)
    if op == "append":
        with open(path, "a", newline="") as f:
            f.write(text)
    elif op == "truncate":
        with open(path, "w", newline="") as f:
            f.write(text)
    elif op == "replace":
        with open(path + ".tmp", "w", newline="") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    elif op == "delete":
        os.remove(path)
    print("done", flush=True)
"""


class Writer:
    """A real process that writes the log when told to, one operation at a time."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, op: str, text: str = "") -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([op, text]) + "\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "done"

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Callable[[str, Path], Writer]]:
    started: list[Writer] = []

    def start(path: Path) -> Writer:
        started.append(Writer(path))
        return started[-1]

    yield start  # type: ignore[misc]
    for w in started:
        w.close()


def jsonl(*rows: dict) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def follower(path: Path, axis: str = "epoch") -> Follower:
    return Follower(path, LivePlot(axis=axis), interval=0.02)


def losses(f: Follower) -> list[tuple[float, float]]:
    run = f.plot.run
    return list(zip(run["loss"].x.tolist(), run["loss"].y.tolist())) if "loss" in run else []


# -- reading what was appended ---------------------------------------------------------------
SCRIPT = """
import sys, time
from livecurve import LivePlot
plot = LivePlot(log=sys.argv[1])
for epoch in range(6):
    time.sleep(0.15)
    plot.log(loss=1.0 / (epoch + 1), val_loss=1.2 / (epoch + 1))
"""


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_training_process_is_followed_row_by_row_reading_only_new_bytes(tmp_path, suffix) -> None:
    path = tmp_path / f"run{suffix}"
    fig = livecurve.show(path, follow=True, interval=0.02)
    try:
        assert isinstance(fig, FollowedPlot) and fig.follower.running
        proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path)], env=ENV)
        seen: set[int] = set()
        deadline = time.monotonic() + DEADLINE
        while proc.poll() is None or fig.follower.rows < 6:
            seen.add(len(fig.run["loss"]) if "loss" in fig.run else 0)
            assert time.monotonic() < deadline, "writer or follower too slow"
            time.sleep(0.01)
        assert proc.returncode == 0
        assert len(seen - {0, 6}) >= 2, f"rows appeared while the writer ran: {sorted(seen)}"
        assert fig.run["val_loss"].x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        assert fig.run["loss"].y.tolist() == pytest.approx([1 / e for e in range(1, 7)])
        size = path.stat().st_size
        # Each read takes the new bytes plus the 64 before them (to notice a rewrite in place);
        # a CSV log is rewritten once, when its header first appears.
        assert fig.follower.bytes_read <= 2 * size + 64 * (fig.follower.rows + 2)
    finally:
        fig.stop()
    assert not fig.follower.running


@pytest.mark.parametrize(
    ("name", "head", "torn", "rest"),
    [
        ("run.jsonl", jsonl({"epoch": 0, "loss": 0.9}), '{"epoch": 1, "lo', 'ss": 0.5}\n'),
        ("run.csv", "epoch,loss\n0,0.9\n", "1,0.", "5\n"),
        ("run.csv", "epoch,loss\r\n0,0.9\r\n", "1,0.5\r", "\n"),  # torn between \r and \n
    ],
    ids=["jsonl", "csv", "csv-crlf"],
)
def test_a_torn_last_line_is_held_back_until_its_newline_arrives(
    tmp_path, writer, name, head, torn, rest
) -> None:
    path = tmp_path / name
    w = writer(path)
    f = follower(path)
    w("append", head + torn)
    assert f.poll() is True
    assert f.poll() is False, "nothing new: no redraw"
    assert losses(f) == [(1.0, 0.9)], "the torn row is not drawn"
    w("append", rest)
    assert f.poll() is True
    assert losses(f) == [(1.0, 0.9), (2.0, 0.5)]


def test_a_truncated_file_is_a_restart_read_from_its_start(tmp_path, writer) -> None:
    path = tmp_path / "run.jsonl"
    w = writer(path)
    f = follower(path)
    w("append", jsonl(*({"epoch": e, "loss": 1 - e / 10} for e in range(4))))
    f.poll()
    w("truncate", jsonl({"epoch": 0, "loss": 0.5}))
    assert f.poll() is True
    assert losses(f) == [(1.0, 0.5)] and f.restarts == 1


def test_a_replaced_file_is_a_restart_even_when_it_grew(tmp_path, writer) -> None:
    path = tmp_path / "run.csv"
    w = writer(path)
    f = follower(path)
    w("append", "epoch,loss\n0,0.9\n1,0.8\n")
    f.poll()
    w("replace", "epoch,loss,lr\n0,0.7,0.1\n1,0.6,0.1\n2,0.5,0.1\n")  # a wider header: rewritten
    assert f.poll() is True
    assert losses(f) == [(1.0, 0.7), (2.0, 0.6), (3.0, 0.5)]
    assert f.plot.run["lr"].y.tolist() == [0.1, 0.1, 0.1]
    assert "was replaced" in f.status and f.restarts == 1


def test_a_file_rewritten_in_place_to_the_same_size_is_read_again(tmp_path, writer) -> None:
    path = tmp_path / "run.jsonl"
    w = writer(path)
    f = follower(path)
    w("append", jsonl({"epoch": 0, "loss": 0.1}))
    f.poll()
    w("truncate", jsonl({"epoch": 0, "loss": 0.2}, {"epoch": 1, "loss": 0.3}))  # same inode
    assert f.poll() is True
    assert losses(f) == [(1.0, 0.2), (2.0, 0.3)]


def test_csv_logger_appending_after_a_restart_replaces_the_rerun_epochs(tmp_path, writer) -> None:
    path = tmp_path / "training.log"  # CSVLogger(append=True): its epochs start over in the file
    w = writer(path)
    f = follower(path)
    w("append", "epoch,loss\n0,0.9\n1,0.8\n2,0.7\n")
    f.poll()
    w("append", "epoch,loss\n1,0.75\n2,0.65\n")  # resumed at epoch 1, header written again
    f.poll()
    assert losses(f) == [(1.0, 0.9), (2.0, 0.75), (3.0, 0.65)]


def test_a_deleted_file_keeps_the_figure_and_is_followed_again_when_it_returns(
    tmp_path, writer
) -> None:
    path = tmp_path / "run.jsonl"
    w = writer(path)
    f = follower(path)
    w("append", jsonl({"epoch": 0, "loss": 0.9}, {"epoch": 1, "loss": 0.8}))
    f.poll()
    w("delete")
    assert f.poll() is False
    assert "deleted" in f.status and losses(f) == [(1.0, 0.9), (2.0, 0.8)]
    w("append", jsonl({"epoch": 0, "loss": 0.4}))  # a new run writes a new file
    assert f.poll() is True
    assert losses(f) == [(1.0, 0.4)]


def test_a_file_that_appears_later_is_waited_for_with_a_status_line(
    tmp_path, writer, capsys
) -> None:
    path = tmp_path / "later.jsonl"
    fig = livecurve.show(path, follow=True, interval=0.02)
    try:
        assert "waiting for later.jsonl to appear" in capsys.readouterr().out
        assert fig.follower.running and fig.follower.status.startswith("waiting")
        writer(path)("append", jsonl({"epoch": 0, "loss": 0.3}))
        until(lambda: fig.follower.rows == 1, "the row of the file that appeared")
        assert fig.run["loss"].y.tolist() == [0.3]
        assert fig.follower.status == "following later.jsonl: 1 row"
    finally:
        fig.stop()


# -- what is drawn -----------------------------------------------------------------------------
def test_step_rows_of_an_epoch_log_are_not_drawn_yet(tmp_path, writer) -> None:
    path = tmp_path / "run.jsonl"
    writer(path)("append", jsonl(
        {"step": 10, "epoch": 0, "loss": 0.95}, {"epoch": 0, "loss": 0.9, "val_loss": 1.0}
    ))  # fmt: skip
    fig = FollowedPlot(path, interval=0.02)
    assert fig.run.axis == "epoch"
    fig.follower.poll()
    assert fig.run["loss"].x.tolist() == [1.0] and fig.run["val_loss"].y.tolist() == [1.0]


@pytest.mark.parametrize(
    ("name", "text"),
    [("s.csv", "step,loss\n100,0.5\n200,0.4\n"), ("s.jsonl", jsonl({"step": 100, "loss": 0.5},
                                                                   {"step": 200, "loss": 0.4}))],
    ids=["csv", "jsonl"],
)  # fmt: skip
def test_a_log_that_counts_steps_is_drawn_on_a_step_axis(tmp_path, name, text) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert axis_of(path) == "step"
    fig = FollowedPlot(path)
    fig.follower.poll()
    assert fig.run.axis == "step" and fig.run["loss"].x.tolist() == [100.0, 200.0]


def test_nan_values_in_the_log_are_gaps(tmp_path, livecurve_warnings) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(jsonl({"epoch": 0, "loss": None}, {"epoch": 1, "loss": 0.5}))
    fig = FollowedPlot(path)
    fig.follower.poll()
    y = fig.run["loss"].y.tolist()
    assert y[1] == 0.5 and y[0] != y[0]


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.csv", b"hello world\nsecond line\n", "not a training log"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\n", "not UTF-8"),
        ("events.jsonl", b'{"time": 1, "msg": "hi"}\n', 'no "epoch" or "step"'),
        ("prose.jsonl", b"Training started\n", "not JSON"),
        ("history.json", b'{"loss": [1, 2]}', ".json file is rewritten whole"),
        ("half.csv", b"epoch,loss\nthis is not a row", "1 cells, but the header has 2"),
    ],
    ids=["text", "binary", "jsonl-no-epoch", "jsonl-prose", "json", "unfinished-junk"],
)
def test_a_file_that_is_not_a_log_raises_naming_it(tmp_path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((LogFileError, ValueError), match=message) as caught:
        livecurve.show(path, follow=True)
    assert name in str(caught.value)


def test_a_directory_is_followed_as_a_tensorboard_logdir(tmp_path) -> None:
    pytest.importorskip("tensorboard")
    fig = livecurve.show(tmp_path, follow=True)  # tests/test_tensorboard_follow.py: the rest
    fig.stop()
    assert fig.follower.status.startswith(f"stopped following {tmp_path.name}: 0 runs")


def test_a_log_that_turns_into_something_else_stops_the_thread_with_a_warning(
    tmp_path, writer, livecurve_warnings
) -> None:
    path = tmp_path / "run.jsonl"
    w = writer(path)
    w("append", jsonl({"epoch": 0, "loss": 0.9}))
    fig = livecurve.show(path, follow=True, interval=0.02)
    w("replace", "this is not a log any more\n")
    until(lambda: not fig.follower.running, "the follower to stop")
    assert isinstance(fig.follower.error, LogFileError)
    assert fig.follower.status.startswith("stopped: ")
    assert any("stopped following" in m for m in livecurve_warnings.messages())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": ["a.csv", "b.csv"]}, "follows one log file"),
        ({"source": {"loss": [1.0]}}, "follows one log file"),
        ({"source": "x.csv", "interval": 0}, "interval must be a positive number"),
    ],
)
def test_bad_follow_arguments_raise_naming_them(tmp_path, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        livecurve.show(follow=True, **kwargs)


def test_stop_ends_the_thread_and_the_atexit_hook(tmp_path) -> None:
    fig = livecurve.show(tmp_path / "never.csv", follow=True, interval=0.02)
    thread = fig.follower._thread
    fig.stop()
    assert thread is not None and not thread.is_alive()
    fig.stop()  # twice is fine
    assert fig.follower.status.startswith("stopped following never.csv")


def test_show_still_re_exports_load_from_its_new_module() -> None:
    from livecurve.readers import sources

    assert sys.modules["livecurve.show"].load is sources.load is livecurve.load


# -- the command line --------------------------------------------------------------------------
def test_cli_follow_rewrites_the_png_as_rows_arrive_until_ctrl_c(tmp_path, writer) -> None:
    log, out = tmp_path / "run.csv", tmp_path / "curves.png"
    command = [sys.executable, "-m", "livecurve.cli", "plot", str(log), "--follow",
               "-o", str(out), "--interval", "0.05"]  # fmt: skip
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], DEADLINE)
        assert ready and b"waiting for run.csv to appear" in proc.stderr.readline()
        w = writer(log)  # the log appears after the command started waiting for it
        w("append", "epoch,loss,val_loss\n0,0.9,1.0\n")
        until(out.exists, "the first picture")
        first = out.read_bytes()
        w("append", "1,0.5,0.7\n2,0.")  # and a torn row
        until(lambda: out.read_bytes() != first, "the picture to change")
        w("append", "6\n")  # the torn row completed
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=DEADLINE)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr.decode()
    assert b"stopped following" in stdout and b"Traceback" not in stderr
    import matplotlib.image

    picture = matplotlib.image.imread(out)  # a whole PNG: written atomically
    assert picture.ndim == 3 and picture.shape[0] > 100
    assert out.read_bytes() != first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a.csv", "b.csv", "--follow"], "--follow follows one SOURCE, got 2"),
        (["run.csv", "--follow", "-o", "x.bmp"], "accepted formats"),
        (["run.csv", "--follow", "-o", "no/such/dir/x.png"], "directory does not exist"),
        (["notes.csv", "--follow", "-o", "x.png"], "not a training log"),
    ],
)
def test_cli_follow_errors_exit_2_with_one_message(
    tmp_path, monkeypatch, capsys, args, message
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.csv").write_text("hello\n")
    assert main(["plot", *args]) == 2
    assert message in capsys.readouterr().err


# -- a real kernel -----------------------------------------------------------------------------
CELL = """
import livecurve
fig = livecurve.show({path!r}, follow=True, interval=0.05)
fig
"""


@pytest.mark.notebook
def test_in_a_real_kernel_the_widget_updates_while_the_kernel_is_idle(tmp_path, writer) -> None:
    manager = pytest.importorskip("jupyter_client.manager")
    path = tmp_path / "run.jsonl"
    w = writer(path)
    w("append", jsonl({"epoch": 0, "loss": 0.9}))
    km, kc = manager.start_new_kernel(kernel_name="python3", env=ENV, cwd=str(tmp_path))
    try:
        outputs: list[dict] = []
        reply = kc.execute_interactive(
            CELL.format(path=str(path)), timeout=120, output_hook=outputs.append
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        shown = [m for m in outputs if m["msg_type"] in ("display_data", "execute_result")]
        assert shown and WIDGET in shown[0]["content"]["data"]
        w("append", jsonl({"epoch": 1, "loss": 0.5}))  # the kernel is idle now
        updates = 0
        end = time.monotonic() + DEADLINE
        while updates == 0 and time.monotonic() < end:
            try:
                msg = kc.get_iopub_msg(timeout=1)
            except Exception:
                continue
            data = msg["content"].get("data", {})
            if msg["msg_type"] == "comm_msg" and data.get("method") == "update":
                updates += 1
        assert updates, "no widget update reached the frontend while the kernel was idle"
        lines: list[str] = []
        kc.execute_interactive(
            "print(fig.run['loss'].y.tolist(), fig.follower.running)",
            timeout=60,
            output_hook=lambda m: lines.append(m["content"].get("text", "")),
        )
        assert "[0.9, 0.5] True" in "".join(lines)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)  # the follower thread must not hold the kernel up
    assert not km.is_alive()


WIDGET = "application/vnd.jupyter.widget-view+json"


SCRIPT_FOLLOWING = """
import sys, threading, livecurve
fig = livecurve.show(sys.argv[1], follow=True, interval=0.02)
if sys.argv[2] == "exit":
    print("following", flush=True)
else:  # said from another thread once the main thread is blocked in wait()
    threading.Timer(0.2, print, ("following",), {"flush": True}).start()
    fig.wait()  # until Ctrl-C
    print(fig.follower.status, flush=True)
"""


@pytest.mark.parametrize("how", ["exit", "wait"], ids=["script-ends", "ctrl-c-in-wait"])
def test_a_plain_process_following_a_log_ends_cleanly(tmp_path, how) -> None:
    log = tmp_path / "run.jsonl"
    log.write_text(jsonl({"epoch": 0, "loss": 0.9}))
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT_FOLLOWING, str(log), how],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "following"
        if how == "wait":
            proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=DEADLINE)  # the thread does not hold it up
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    if how == "wait":
        assert "stopped following run.jsonl: 1 row" in stdout


def test_a_stopped_follower_can_start_again_and_catch_up(tmp_path, writer) -> None:
    path = tmp_path / "run.jsonl"
    w = writer(path)
    w("append", jsonl({"epoch": 0, "loss": 0.9}))
    fig = livecurve.show(path, follow=True, interval=0.02)
    fig.stop()
    w("append", jsonl({"epoch": 1, "loss": 0.5}))
    assert fig.follower.start() is fig.follower and fig.follower.running
    try:
        until(lambda: fig.follower.rows == 2, "the row written while stopped")
    finally:
        fig.stop()
