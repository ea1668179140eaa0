"""The ``>>>`` examples in livecurve's docstrings run, and print what they say they print."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import livecurve


def modules_with_examples() -> list[str]:
    names = [livecurve.__name__]
    names += [m.name for m in pkgutil.walk_packages(livecurve.__path__, "livecurve.")]
    finder = doctest.DocTestFinder()
    found = []
    for name in names:
        module = importlib.import_module(name)
        if any(test.examples for test in finder.find(module)):
            found.append(name)
    return found


MODULES = modules_with_examples()


def test_the_examples_are_found() -> None:
    assert {
        "livecurve.live.plot",
        "livecurve.model.distribution",
        "livecurve.live.cell_output",
    } <= set(MODULES)


@pytest.mark.filterwarnings("ignore::livecurve.LiveCurveWarning")  # Guard's example warns
@pytest.mark.parametrize("name", MODULES)
def test_the_examples_of_a_module_pass(name: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {name}'s examples failed (see the output)"
