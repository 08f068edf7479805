"""The time guard and the deadline queue shared by every engine."""

from __future__ import annotations

import io
import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callcenter._clock import EARLIEST, LATEST, Clock, as_instant
from callcenter._timers import TimerQueue
from callcenter.errors import InvalidArgumentError, TimeWentBackwardsError
from callcenter.hotline._snapshot import _Restricted


def test_clock_refuses_going_back_and_changes_nothing() -> None:
    clock = Clock()
    start = clock.now
    assert start is None
    clock.commit(clock.check(5))
    with pytest.raises(TimeWentBackwardsError):
        clock.check(4.999)
    assert clock.now == 5.0
    assert clock.check(5.0) == 5.0  # equal times are fine


def test_a_pickled_clock_keeps_its_time_or_its_lack_of_one() -> None:
    # A hotline's snapshot pickles the clocks of its engines, also before any input.
    fresh: Clock = _Restricted(io.BytesIO(pickle.dumps(Clock()))).load()
    assert fresh.now is None
    assert fresh.check(EARLIEST) == EARLIEST
    with pytest.raises(InvalidArgumentError):
        fresh.check(math.nextafter(EARLIEST, -math.inf))
    clock = Clock()
    clock.commit(clock.check(7.5))
    restored: Clock = _Restricted(io.BytesIO(pickle.dumps(clock))).load()
    assert restored.now == 7.5
    with pytest.raises(TimeWentBackwardsError):
        restored.check(7.0)
    assert restored.check(7.5) == 7.5


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1", None, True])
def test_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="finite number"):
        as_instant(bad)
    if bad is not None:  # Clock(None) is a clock that has seen no time yet
        with pytest.raises(InvalidArgumentError):
            Clock(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [1.79e12, 1_790_000_000_000, 10**400, -(10**400), -math.inf, 2.6e14, -1e300, LATEST + 1],
)
def test_instants_outside_the_range_of_seconds_are_refused(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="POSIX seconds from 0001-01-02 to 9999-12-31"):
        as_instant(bad)
    clock = Clock(5.0)
    with pytest.raises(InvalidArgumentError):
        clock.check(bad)  # type: ignore[arg-type]
    assert clock.now == 5.0


def test_a_time_in_milliseconds_is_named_as_such() -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"looks like milliseconds .*2026-.*divide by 1000"
    ):
        as_instant(1_790_000_000_000, "now")
    with pytest.raises(InvalidArgumentError) as error:
        as_instant(10**400)
    assert "milliseconds" not in str(error.value)
    assert "bits" in str(error.value)  # never a 400-digit repr
    with pytest.raises(InvalidArgumentError) as error:
        as_instant(LATEST + 86_400)  # just past the range: seconds, not milliseconds
    assert "milliseconds" not in str(error.value)


def test_the_range_ends_are_accepted() -> None:
    assert as_instant(EARLIEST) == EARLIEST
    assert as_instant(int(LATEST)) == LATEST


class TimerModel(RuleBasedStateMachine):
    """Drives a TimerQueue against a dict and a linear scan."""

    def __init__(self) -> None:
        super().__init__()
        self.timers: TimerQueue[int] = TimerQueue()
        self.model: dict[int, tuple[float, int]] = {}
        self.seq = 0

    @rule(key=st.integers(0, 20), deadline=st.integers(0, 50).map(float))
    def schedule(self, key: int, deadline: float) -> None:
        self.timers.schedule(key, deadline)
        self.model[key] = (deadline, self.seq)
        self.seq += 1

    @rule(key=st.integers(0, 20))
    def cancel(self, key: int) -> None:
        assert self.timers.cancel(key) == (key in self.model)
        self.model.pop(key, None)

    @rule(now=st.integers(0, 50).map(float))
    def pop_due(self, now: float) -> None:
        got = self.timers.pop_due(now)
        due = [(slot, key) for key, slot in self.model.items() if slot[0] <= now]
        if not due:
            assert got is None
            return
        (deadline, _), key = min(due)
        assert got == (deadline, key)
        del self.model[key]

    @precondition(lambda self: bool(self.model))
    @rule()
    def next_deadline(self) -> None:
        assert self.timers.next_deadline() == min(d for d, _ in self.model.values())

    @invariant()
    def same_contents(self) -> None:
        assert len(self.timers) == len(self.model)
        for key in range(21):
            assert (key in self.timers) == (key in self.model)
        if not self.model:
            assert self.timers.next_deadline() is None


TestTimerQueue = TimerModel.TestCase


@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 4), st.integers(0, 1000).map(float)),
        min_size=100,
        max_size=600,
    )
)
def test_timer_queue_survives_compaction(ops: list[tuple[bool, int, float]]) -> None:
    # Few keys, many reschedules and cancels: dead entries pile up past the
    # compaction threshold, and the queue must still drain in the model's order.
    timers: TimerQueue[int] = TimerQueue()
    model: dict[int, tuple[float, int]] = {}
    for seq, (is_cancel, key, deadline) in enumerate(ops):
        if is_cancel:
            assert timers.cancel(key) == (key in model)
            model.pop(key, None)
        else:
            timers.schedule(key, deadline)
            model[key] = (deadline, seq)
    drained = []
    while (item := timers.pop_due(math.inf)) is not None:
        drained.append(item)
    assert drained == [(d, k) for k, (d, _) in sorted(model.items(), key=lambda kv: kv[1])]
    assert len(timers) == 0
    assert timers.next_deadline() is None


def test_a_pickled_queue_with_dead_entries_goes_on_as_before() -> None:
    # A hotline's snapshot pickles its queues, cancelled and replaced entries
    # included, and reads them back with an unpickler that allows only the library's
    # own names.
    timers: TimerQueue[str] = TimerQueue()
    for key, deadline in (("a", 5.0), ("b", 3.0), ("c", 9.0), ("d", 4.0)):
        timers.schedule(key, deadline)
    timers.cancel("d")
    timers.schedule("c", 1.0)  # replaces c's entry at 9.0
    restored: TimerQueue[str] = _Restricted(io.BytesIO(pickle.dumps(timers))).load()
    assert len(restored) == 3
    assert "d" not in restored
    restored.schedule("e", 2.0)
    assert restored.cancel("b")
    drained = []
    while (item := restored.pop_due(math.inf)) is not None:
        drained.append(item)
    assert drained == [(1.0, "c"), (2.0, "e"), (5.0, "a")]
    assert restored.next_deadline() is None


def test_stale_entries_are_compacted() -> None:
    timers: TimerQueue[int] = TimerQueue()
    for round_ in range(1000):
        timers.schedule(round_ % 3, 1000.0 - round_)
    assert len(timers) == 3
    assert len(timers._heap) <= 2 * 3 + 64 + 1
    assert timers.next_deadline() == 1.0


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**12), 10**12),
        st.sampled_from(
            [
                EARLIEST,
                LATEST,
                math.nextafter(LATEST, math.inf),
                math.nextafter(EARLIEST, -math.inf),
                1.79e12,
                10**400,
                -(10**400),
            ]
        ),
        st.booleans(),
    ),
    st.one_of(st.none(), st.floats(EARLIEST, LATEST)),
)
def test_the_fast_path_decides_like_the_full_checks(now: object, last: float | None) -> None:
    clock = Clock(last)
    try:
        got: float | Exception = clock.check(now)  # type: ignore[arg-type]
    except Exception as error:  # compared below with the full checks' answer
        got = error
    try:
        value = as_instant(now)
        expected: float | Exception = value
        if last is not None and value < last:
            expected = TimeWentBackwardsError(now=value, last=last)
    except InvalidArgumentError as error:
        expected = error
    assert type(got) is type(expected)
    if isinstance(expected, Exception):
        assert str(got) == str(expected)
    else:
        assert got == expected
        assert type(got) is float
