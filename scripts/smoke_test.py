"""Smoke-test an installed livecurve wheel, from a folder with no repository in it.

Run by ``scripts/check_package.sh`` as ``python -I smoke_test.py REPOSITORY`` in a fresh virtual
environment: it checks that livecurve is imported from that environment (not from REPOSITORY),
saves a LivePlot to PNG, and runs the ``livecurve`` command on a CSVLogger file and, when
tensorboard is installed, on a TensorBoard log directory.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n"


def main(repository: Path) -> None:
    import livecurve
    from livecurve import LivePlot

    where = Path(livecurve.__file__).resolve()
    assert repository not in where.parents, f"livecurve imported from the repository: {where}"
    assert "site-packages" in where.parts, where
    print(f"livecurve {livecurve.__version__} from {where.parent}")

    plot = LivePlot(title="smoke test")
    plot.start(total=5)
    for epoch in range(5):
        plot.log(loss=1.0 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    plot.finish()
    saved = Path(plot.save("smoke.png"))
    assert saved.read_bytes().startswith(PNG), saved
    print(f"LivePlot saved {saved.name} ({saved.stat().st_size} bytes)")

    command = Path(sys.executable).with_name("livecurve")
    logs = ["keras3-digits-cnn-lr-schedule.csv"]
    if importlib.util.find_spec("tensorboard") is not None:
        logs.append("tb-keras-ecg-run")
    for log in logs:
        out = f"{log.split('.')[0]}.png"
        result = subprocess.run(
            [str(command), "plot", log, "-o", out], capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert Path(out).read_bytes().startswith(PNG), out
        noise = [line for line in result.stderr.splitlines() if "livecurve:" not in line]
        assert not noise, f"livecurve plot {log} printed to stderr:\n{result.stderr}"
        print(f"livecurve plot {log}: {result.stdout.strip().splitlines()[-1]}")
    print("smoke test passed")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
