"""Fault debouncing, hysteresis and the hold timer, step by step."""

from __future__ import annotations

import pytest

from coach.debounce import FaultDebouncer, HoldTimer, Hysteresis

DT = 1 / 30


def feed(d: FaultDebouncer, flags: list[set[str]], t0: float = 0.0) -> list[tuple[str, ...]]:
    return [d.update(t0 + i * DT, f) for i, f in enumerate(flags)]


def test_single_jittery_frame_never_reported() -> None:
    d = FaultDebouncer(on_s=0.3, off_s=0.3)
    out = feed(d, [set()] * 10 + [{"hips_sagging"}] + [set()] * 10)
    assert all(o == () for o in out)
    assert d.events(now=1.0) == ()


def test_fault_reported_after_on_time_and_cleared_after_off_time() -> None:
    d = FaultDebouncer(on_s=0.3, off_s=0.3)
    flags = [{"hips_sagging"}] * 30 + [set()] * 30
    out = feed(d, flags)
    first = next(i for i, o in enumerate(out) if o)
    assert first == 9  # 9 frames * 1/30 = 0.3 s
    assert out[29] == ("hips_sagging",)
    # still reported during the off-time, cleared after
    assert out[30 + 5] == ("hips_sagging",)
    cleared = next(i for i in range(30, 60) if out[i] == ())
    assert cleared == 30 + 9
    (ev,) = d.events()
    assert ev.code == "hips_sagging" and ev.start == pytest.approx(0.0) and ev.end == pytest.approx(29 * DT)


def test_brief_dropout_does_not_split_an_episode() -> None:
    d = FaultDebouncer(on_s=0.2, off_s=0.3)
    flags = [{"head_dropped"}] * 20 + [set()] * 3 + [{"head_dropped"}] * 20 + [set()] * 20
    feed(d, flags)
    assert len(d.events()) == 1


def test_priority_order() -> None:
    d = FaultDebouncer(on_s=0.0, off_s=0.0, priority=["back_rounded", "knees_straight"])
    assert d.update(0.0, {"knees_straight", "back_rounded", "zzz"}) == ("back_rounded", "knees_straight", "zzz")


def test_open_episode_closed_by_events_now() -> None:
    d = FaultDebouncer(on_s=0.1, off_s=0.1)
    feed(d, [{"x"}] * 10)
    (ev,) = d.events(now=2.0)
    assert ev.end == 2.0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 50, 99, 100, 60, 41, 40, 39], [False, False, False, True, True, True, False, False]),
        ([float("nan"), 100, float("nan"), 0], [False, True, True, False]),
    ],
)
def test_hysteresis_rising(values: list[float], expected: list[bool]) -> None:
    h = Hysteresis(on=100, off=40)
    assert [h.update(v) for v in values] == expected


def test_hysteresis_falling_and_bad_thresholds() -> None:
    h = Hysteresis(on=90, off=120, rising=False)
    assert [h.update(v) for v in (150, 90, 110, 121)] == [False, True, True, False]
    with pytest.raises(ValueError):
        Hysteresis(on=10, off=20, rising=True)


def test_hold_timer_counts_only_good_time_with_grace() -> None:
    h = HoldTimer(grace_s=0.5)
    t = 0.0
    for _ in range(91):  # 3 s good
        h.update(t, True)
        t += DT
    assert h.total_s == pytest.approx(3.0, abs=DT)
    for _ in range(6):  # 0.2 s blip: hold continues, blip not counted
        h.update(t, False)
        t += DT
    for _ in range(30):
        h.update(t, True)
        t += DT
    assert h.current_s == pytest.approx(h.total_s)
    assert len(h.completed) == 0
    for _ in range(30):  # 1 s bad: the hold ends
        h.update(t, False)
        t += DT
    assert not h.holding and len(h.completed) == 1
    assert h.best_s == pytest.approx(h.completed[0][2])


def test_hold_timer_ignores_gaps() -> None:
    h = HoldTimer(grace_s=0.5, max_dt=0.5)
    h.update(0.0, True)
    h.update(10.0, True)  # dropped 10 s of frames: not counted
    assert h.total_s == 0.0
