"""What a published package carries: one version, a license, extras that read what they promise.

The wheel itself is built, installed into a fresh environment and smoke-tested by
``scripts/check_package.sh`` (CI runs it after the tests).
"""

from __future__ import annotations

import re
from importlib.metadata import metadata, version
from pathlib import Path

import pytest

import livecurve

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_version_is_written_in_one_place() -> None:
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", livecurve.__version__)
    assert version("livecurve") == livecurve.__version__


def test_the_license_file_matches_the_metadata() -> None:
    assert PROJECT["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in PROJECT["classifiers"]


def test_requires_python_matches_the_classifiers() -> None:
    low = PROJECT["requires-python"].removeprefix(">=")
    minors = sorted(
        int(c.rsplit(".", 1)[1])
        for c in PROJECT["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert f"3.{minors[0]}" == low and minors == list(range(minors[0], minors[-1] + 1))


@pytest.mark.parametrize("extra", ["tensorflow", "tensorflow-cpu", "tensorboard"])
def test_every_extra_that_promises_tensorboard_logs_installs_their_reader(extra) -> None:
    assert any(r.startswith("tensorboard") for r in PROJECT["optional-dependencies"][extra])


def test_the_changelog_and_urls_are_published() -> None:
    assert (ROOT / "CHANGELOG.md").read_text().startswith("# Changelog")
    assert {"Documentation", "Source", "Changelog"} <= set(PROJECT["urls"])
    assert metadata("livecurve")["Requires-Python"] == PROJECT["requires-python"]
