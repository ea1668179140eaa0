"""Shared fixtures: a small run with the usual Keras metric names, and LiveCurveWarning capture."""

from __future__ import annotations

import warnings

import pytest

from livecurve import LiveCurveWarning, Run

# Five epochs of a typical Keras classification run; "lr" logged every epoch, "val_*" every one.
EPOCHS = 5
LOSS = [0.9, 0.6, 0.45, 0.4, 0.38]
VAL_LOSS = [1.0, 0.7, 0.55, 0.5, 0.52]
ACCURACY = [0.5, 0.7, 0.8, 0.85, 0.87]
VAL_ACCURACY = [0.45, 0.65, 0.75, 0.8, 0.79]
LR = [0.01, 0.01, 0.005, 0.005, 0.0025]


@pytest.fixture
def small_run() -> Run:
    """A run with loss, accuracy and lr, training and validation, at x = 1..5."""
    run = Run()
    for i in range(EPOCHS):
        # Keras's sorted key order: accuracy before loss, lr before val_*.
        run.log(
            i + 1,
            {
                "accuracy": ACCURACY[i],
                "loss": LOSS[i],
                "lr": LR[i],
                "val_accuracy": VAL_ACCURACY[i],
                "val_loss": VAL_LOSS[i],
            },
        )
    return run


@pytest.fixture
def livecurve_warnings():
    """A list that collects every LiveCurveWarning raised inside the test (no deduplication)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield _Filtered(caught)


class _Filtered:
    def __init__(self, caught: list[warnings.WarningMessage]) -> None:
        self._caught = caught

    def messages(self) -> list[str]:
        return [str(w.message) for w in self._caught if issubclass(w.category, LiveCurveWarning)]

    def __len__(self) -> int:
        return len(self.messages())
