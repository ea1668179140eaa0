"""Which process of a multi-process job is primary: torch.distributed, jax, TF_CONFIG, RANK."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from livecurve.live import distributed
from livecurve.live.distributed import ProcessRole, is_primary_process, process_rank, process_role

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_launcher_env(monkeypatch) -> None:
    for name in ("TF_CONFIG", "RANK"):
        monkeypatch.delenv(name, raising=False)


def tf_config(task: dict | None, cluster: dict | None = None) -> str:
    config: dict = {"cluster": cluster or {"worker": ["h0:1", "h1:1"]}}
    if task is not None:
        config["task"] = task
    return json.dumps(config)


WITH_CHIEF = {"chief": ["c:1"], "worker": ["w0:1", "w1:1"], "evaluator": ["e:1"], "ps": ["p:1"]}


@pytest.mark.parametrize(
    ("config", "primary", "rank"),
    [
        (tf_config({"type": "chief", "index": 0}, WITH_CHIEF), True, 0),
        (tf_config({"type": "worker", "index": 0}, WITH_CHIEF), False, 1),
        (tf_config({"type": "worker", "index": 1}, WITH_CHIEF), False, 2),
        (tf_config({"type": "worker", "index": 0}), True, 0),
        (tf_config({"type": "worker", "index": 1}), False, 1),
        (tf_config({"type": "evaluator", "index": 0}, WITH_CHIEF), False, None),
        (tf_config({"type": "ps", "index": 0}, WITH_CHIEF), False, None),
        (tf_config(None), True, 0),  # no task: no role, a lone process
    ],
    ids=["chief", "worker0-with-chief", "worker1-with-chief", "worker0-no-chief",
         "worker1-no-chief", "evaluator", "ps", "no-task"],
)  # fmt: skip
def test_tf_config_makes_the_chief_or_else_worker_0_primary(
    monkeypatch, config, primary, rank
) -> None:
    monkeypatch.setenv("TF_CONFIG", config)
    assert is_primary_process() is primary
    assert process_rank() == rank


def test_a_tf_config_that_is_not_json_raises_naming_it(monkeypatch) -> None:
    monkeypatch.setenv("TF_CONFIG", "{chief")
    with pytest.raises(ValueError, match=r"TF_CONFIG is not JSON.*'\{chief'"):
        is_primary_process()


@pytest.mark.parametrize(("rank", "primary"), [("0", True), ("1", False), ("3", False)])
def test_torchrun_rank_env_decides_before_the_process_group_exists(
    monkeypatch, rank, primary
) -> None:
    monkeypatch.setenv("RANK", rank)
    assert process_role() == ProcessRole(primary, int(rank), "RANK")


def test_a_rank_that_is_not_a_number_is_ignored(monkeypatch) -> None:
    monkeypatch.setenv("RANK", "leader")
    assert process_role() == ProcessRole(True, 0, "single process")


def test_a_lone_process_is_primary() -> None:
    assert process_role() == ProcessRole(True, 0, "single process")


def test_jax_distributed_process_index_decides_when_initialized(monkeypatch) -> None:
    fake = types.SimpleNamespace(
        distributed=types.SimpleNamespace(is_initialized=lambda: True),
        process_index=lambda: 1,
        process_count=lambda: 2,
    )
    monkeypatch.setitem(sys.modules, "jax", fake)
    monkeypatch.setenv("RANK", "0")  # jax outranks the environment
    assert process_role() == ProcessRole(False, 1, "jax.distributed")


def test_torch_imported_but_not_initialized_defers_to_the_environment(monkeypatch) -> None:
    pytest.importorskip("torch.distributed")
    monkeypatch.setenv("RANK", "1")
    assert process_role().source == "RANK" and not is_primary_process()


def _run(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_no_framework_is_imported_to_answer() -> None:
    out = _run(
        """
        import sys
        from livecurve.live.distributed import is_primary_process
        print(is_primary_process(), [m for m in ("torch", "jax", "tensorflow") if m in sys.modules])
        """,
        env={"RANK": "1", "TF_CONFIG": ""},
    )
    assert out.split() == ["False", "[]"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_pair(tmp_path: Path, code: str, address: str, env: dict[str, str]) -> list[dict]:
    """Run ``code`` as processes 0 and 1 of one job; each prints a JSON line, returned in order."""
    script = tmp_path / "job.py"
    script.write_text(code)
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("RANK", None)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(index), address],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in (0, 1)
    ]
    reports = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=180)
        finally:
            proc.kill()
        assert proc.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


TORCH_RANK = """
import json, os, sys
import torch
import torch.distributed as dist
from livecurve.live.distributed import is_primary_process, process_role

rank = int(sys.argv[1])
before = is_primary_process()  # no RANK variable, no process group yet: a lone process
dist.init_process_group("gloo", init_method=sys.argv[2], rank=rank, world_size=2)
total = torch.tensor([rank + 1.0])
dist.all_reduce(total)  # the two processes really form one job
os.environ["RANK"] = str(1 - rank)  # a wrong variable: the process group outranks it
role = process_role()
dist.barrier()
dist.destroy_process_group()
print(json.dumps({"rank": rank, "before": before, "primary": role.primary,
                  "source": role.source, "sum": total.item()}))
"""


def test_two_real_torch_distributed_processes_make_only_rank_0_primary(tmp_path) -> None:
    pytest.importorskip("torch.distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    reports = _run_pair(tmp_path, TORCH_RANK, address, {})
    assert [r["sum"] for r in reports] == [3.0, 3.0], "all_reduce over both ranks"
    assert [r["before"] for r in reports] == [True, True]
    assert [(r["rank"], r["primary"], r["source"]) for r in reports] == [
        (0, True, "torch.distributed"),
        (1, False, "torch.distributed"),
    ]


def test_the_rule_is_documented_with_the_multi_worker_caveat() -> None:
    doc = distributed.__doc__ or ""
    for needle in ("rank 0", "chief", "worker 0", "evaluator", "MultiWorkerMirroredStrategy"):
        assert needle in doc


JAX_PROCESS = """
import json, sys
import jax
from livecurve.live.distributed import process_role

jax.distributed.initialize(
    coordinator_address=sys.argv[2], num_processes=2, process_id=int(sys.argv[1]),
    initialization_timeout=60,
)
print(json.dumps(process_role()._asdict()))
jax.distributed.shutdown()
"""


def test_two_real_jax_distributed_processes_make_only_process_0_primary(tmp_path) -> None:
    pytest.importorskip("jax")
    address = f"127.0.0.1:{_free_port()}"
    roles = _run_pair(tmp_path, JAX_PROCESS, address, {"JAX_PLATFORMS": "cpu"})
    assert roles == [
        {"primary": True, "rank": 0, "source": "jax.distributed"},
        {"primary": False, "rank": 1, "source": "jax.distributed"},
    ]
