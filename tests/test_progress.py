"""Progress: durations, ETA, fraction and the status line, with a fake clock."""

from __future__ import annotations

import math

import pytest

from livecurve.model.progress import Progress, format_duration


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (59.4, "0:59"),
        (59.6, "1:00"),
        (61, "1:01"),
        (3599, "59:59"),
        (3725.2, "1:02:05"),
        (90061, "25:01:01"),
        (None, "–"),
        (math.nan, "–"),
        (math.inf, "–"),
        (-1, "–"),
    ],
)
def test_format_duration(seconds, text: str) -> None:
    assert format_duration(seconds) == text


def test_before_start_nothing_is_known() -> None:
    p = Progress(clock=FakeClock())
    assert not p.running
    assert p.elapsed is None and p.eta is None
    assert p.fraction == 0.0
    assert p.describe() == "epoch 0 · elapsed –"


def test_eta_from_mean_epoch_time_of_this_fit() -> None:
    clock = FakeClock()
    p = Progress(clock=clock)
    p.start(total=10)
    assert p.running and p.eta is None  # no epoch done yet
    clock.now += 30
    p.advance(3)  # 10 s per epoch, 7 to go
    assert p.elapsed == 30
    assert p.eta == pytest.approx(70)
    assert p.fraction == pytest.approx(0.3)
    assert p.describe() == "epoch 3 / 10 · elapsed 0:30 · ETA 1:10"


def test_eta_counts_only_epochs_of_this_fit_when_resuming() -> None:
    clock = FakeClock()
    p = Progress(clock=clock)
    p.start(total=10, first_epoch=6)
    clock.now += 20
    p.advance(8)  # 2 epochs in 20 s, 2 to go
    assert p.eta == pytest.approx(20)
    assert p.fraction == pytest.approx(0.8)


def test_finish_freezes_elapsed_and_drops_eta() -> None:
    clock = FakeClock()
    p = Progress(clock=clock)
    p.start(total=4)
    clock.now += 8
    p.advance(4)
    p.finish()
    clock.now += 1000
    assert not p.running
    assert p.elapsed == 8
    assert p.eta is None
    assert p.describe() == "epoch 4 / 4 · elapsed 0:08"


@pytest.mark.parametrize(
    ("epoch", "total", "fraction"), [(12, 10, 1.0), (-1, 10, 0.0), (3, 0, 0.0)]
)
def test_fraction_is_clamped(epoch: int, total: int, fraction: float) -> None:
    p = Progress(total=total, epoch=epoch)
    assert p.fraction == fraction


def test_unknown_total_has_no_eta() -> None:
    clock = FakeClock()
    p = Progress(clock=clock)
    p.start(total=None)
    clock.now += 5
    p.advance(1)
    assert p.eta is None
    assert p.describe() == "epoch 1 · elapsed 0:05 · ETA –"


@pytest.mark.parametrize(
    ("total", "step", "text"),
    [
        (None, 25_000.0, "step 25,000 · 2,500 steps/s · elapsed 0:10"),
        (100_000, 25_000.0, "step 25,000 / 100,000 · 2,500 steps/s · elapsed 0:10 · ETA 0:30"),
        (None, 12.5, "step 12.5 · 1.25 steps/s · elapsed 0:10"),
        (None, None, "no step yet · elapsed 0:10"),
    ],
)
def test_a_step_loop_is_described_in_steps_with_their_rate(total, step, text: str) -> None:
    clock = FakeClock()
    p = Progress(clock=clock)
    p.start(total)
    clock.now += 10
    assert p.describe_steps(step) == text
    assert p.step_fraction(step) == (None if total is None else 0.25)
