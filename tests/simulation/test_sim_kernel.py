"""The discrete-event kernel: ordering, cancellation, run limits, timer sources."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from callcenter._timers import TimerQueue
from callcenter.errors import IllegalTransitionError, InvalidArgumentError, TimeWentBackwardsError
from callcenter.simulation import ScheduledEvent, SimulationStalledError, Simulator

offsets = st.floats(min_value=0.0, max_value=1e6)
# Few distinct values, so that ties are common.
tied_times = st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, 100.0])


@given(times=st.lists(st.one_of(tied_times, offsets), max_size=60))
def test_events_run_in_time_order_ties_in_scheduling_order(times: list[float]) -> None:
    sim = Simulator()
    log: list[int] = []
    for index, time in enumerate(times):
        sim.schedule(time, log.append, index)
    assert sim.run() == len(times)
    assert log == sorted(range(len(times)), key=lambda i: (times[i], i))
    assert sim.pending == 0
    assert sim.now == (max(times) if times else 0.0)


@given(
    times=st.lists(offsets, min_size=1, max_size=60),
    cancelled=st.sets(st.integers(min_value=0, max_value=59)),
)
def test_cancelled_events_never_run(times: list[float], cancelled: set[int]) -> None:
    sim = Simulator()
    log: list[int] = []
    events = [sim.schedule(t, log.append, i) for i, t in enumerate(times)]
    for index in sorted(cancelled):
        if index < len(events):
            assert sim.cancel(events[index])
            assert not sim.cancel(events[index])
    live = [i for i in range(len(times)) if i not in cancelled]
    assert sim.pending == len(live)
    sim.run()
    assert log == sorted(live, key=lambda i: (times[i], i))


@given(
    times=st.lists(st.one_of(tied_times, offsets), max_size=40),
    deferred=st.sets(st.integers(min_value=0, max_value=39)),
)
def test_an_event_scheduled_in_a_reserved_place_runs_where_it_would_have(
    times: list[float], deferred: set[int]
) -> None:
    # Scheduled in order, except the deferred ones: their place is reserved in their
    # turn and they are scheduled after all the others (before the calendar runs).
    sim = Simulator()
    log: list[int] = []
    places: dict[int, int] = {}
    for index, time in enumerate(times):
        if index in deferred:
            places[index] = sim._reserve()
        else:
            sim.schedule(time, log.append, index)
    for index, place in places.items():
        sim._post_reserved(place, times[index], log.append, (index,))
    sim.run()
    assert log == sorted(range(len(times)), key=lambda i: (times[i], i))


def test_a_reserved_place_refuses_a_time_in_the_past() -> None:
    sim = Simulator(10.0)
    place = sim._reserve()
    with pytest.raises(TimeWentBackwardsError):
        sim._post_reserved(place, 9.0, print, ())
    with pytest.raises(InvalidArgumentError):
        sim._post_reserved(place, math.inf, print, ())
    assert sim.pending == 0


def test_heap_compaction_keeps_order() -> None:
    # Enough cancellations to trigger a rebuild of the heap.
    sim = Simulator()
    log: list[int] = []
    events = [sim.schedule(float(i % 97), log.append, i) for i in range(5000)]
    for event in events[::2] + events[1::4]:
        sim.cancel(event)
    assert sim.pending == 5000 - 2500 - 1250
    sim.run()
    survivors = [i for i in range(5000) if i % 2 == 1 and i % 4 != 1]
    assert log == sorted(survivors, key=lambda i: (i % 97, i))


def test_callbacks_can_schedule_and_cancel_while_running() -> None:
    sim = Simulator(start=100.0)
    log: list[tuple[float, str]] = []
    later: dict[str, ScheduledEvent] = {}

    def first() -> None:
        log.append((sim.now, "first"))
        sim.schedule_after(0.0, lambda: log.append((sim.now, "same instant, after")))
        later["x"] = sim.schedule_after(10.0, lambda: log.append((sim.now, "cancelled")))
        sim.schedule_after(5.0, lambda: sim.cancel(later["x"]))

    sim.schedule(101.0, first)
    sim.schedule(101.0, lambda: log.append((sim.now, "second")))
    sim.run()
    assert log == [(101.0, "first"), (101.0, "second"), (101.0, "same instant, after")]
    assert sim.now == 106.0


def test_run_until_stops_and_sets_the_clock() -> None:
    sim = Simulator()
    log: list[float] = []
    for t in (1.0, 5.0, 5.0, 9.0):
        sim.schedule(t, log.append, t)
    assert sim.run(until=5.0) == 3
    assert sim.now == 5.0
    assert sim.peek() == 9.0
    assert sim.run(until=7.0) == 0
    assert sim.now == 7.0
    with pytest.raises(TimeWentBackwardsError):
        sim.run(until=6.0)
    assert sim.run() == 1
    assert log == [1.0, 5.0, 5.0, 9.0]
    assert sim.now == 9.0
    assert sim.run(until=20.0) == 0
    assert sim.now == 20.0
    assert sim.peek() is None


def test_stop_condition_and_event_budget() -> None:
    sim = Simulator()
    log: list[int] = []
    for i in range(10):
        sim.schedule(float(i), log.append, i)
    assert sim.run(stop=lambda: len(log) >= 3) == 3
    assert sim.now == 2.0
    assert sim.run(until=100.0, max_events=4) == 4
    assert sim.now == 6.0  # the budget ran out before the limit: the clock stays
    assert sim.run() == 3
    assert sim.events_run == 10


def test_bad_times_are_refused_and_change_nothing() -> None:
    sim = Simulator(start=50.0)
    sim.schedule(60.0, print)
    with pytest.raises(TimeWentBackwardsError) as caught:
        sim.schedule(49.0, print)
    assert "pass a now that is >= 50.0" in str(caught.value)
    for bad in (math.nan, math.inf):
        with pytest.raises(InvalidArgumentError):
            sim.schedule(bad, print)
    with pytest.raises(InvalidArgumentError):
        sim.schedule("60", print)  # type: ignore[arg-type]
    for delay in (-1.0, math.inf, math.nan):
        with pytest.raises(InvalidArgumentError):
            sim.schedule_after(delay, print)
    assert sim.pending == 1
    assert sim.now == 50.0
    with pytest.raises(InvalidArgumentError):
        Simulator(start=math.inf)
    with pytest.raises(InvalidArgumentError):
        Simulator(stall_limit=0)


def test_an_event_that_reschedules_itself_with_no_delay_is_caught() -> None:
    sim = Simulator(stall_limit=1000)

    def spin() -> None:
        sim.schedule_after(0.0, spin)

    sim.schedule(3.0, spin)
    with pytest.raises(SimulationStalledError) as caught:
        sim.run()
    assert caught.value.now == 3.0
    assert "spin" in str(caught.value)


def test_an_exception_in_a_callback_propagates_at_its_time() -> None:
    sim = Simulator()

    def fail() -> None:
        raise RuntimeError("boom")

    sim.schedule(4.0, fail)
    sim.schedule(5.0, print)
    with pytest.raises(RuntimeError, match="boom"):
        sim.run()
    assert sim.now == 4.0
    assert sim.pending == 1


class TimedEngine:
    """A minimal engine in the library's style: deadlines in a TimerQueue."""

    def __init__(self) -> None:
        self.timers: TimerQueue[str] = TimerQueue()
        self.fired: list[tuple[float, str]] = []
        self.last = -math.inf

    def next_deadline(self) -> float | None:
        return self.timers.next_deadline()

    def advance(self, now: float) -> list[str]:
        assert now >= self.last, "the kernel must never move an engine's time back"
        self.last = now
        fired = []
        while (due := self.timers.pop_due(now)) is not None:
            fired.append(due[1])
            self.fired.append((now, due[1]))
        return fired


def test_sources_fire_at_their_deadlines_interleaved_with_events() -> None:
    sim = Simulator()
    engine = TimedEngine()
    results: list[tuple[float, list[str]]] = []
    sim.add_source(engine, lambda fired: results.append((sim.now, fired)))
    log: list[tuple[float, str]] = []
    engine.timers.schedule("ring-timeout", 10.0)
    engine.timers.schedule("wrap-up-end", 30.0)

    def answer() -> None:
        # A calendar event that touches the engine: it cancels one timer and sets another.
        log.append((sim.now, "answer"))
        engine.timers.cancel("ring-timeout")
        engine.timers.schedule("max-talk", sim.now + 5.0)

    sim.schedule(8.0, answer)
    sim.schedule(40.0, log.append, (40.0, "end"))
    sim.run()
    assert engine.fired == [(13.0, "max-talk"), (30.0, "wrap-up-end")]
    assert results == [(13.0, ["max-talk"]), (30.0, ["wrap-up-end"])]
    assert log == [(8.0, "answer"), (40.0, "end")]


def test_sources_win_ties_and_keep_their_order() -> None:
    sim = Simulator()
    order: list[str] = []
    first, second = TimedEngine(), TimedEngine()
    sim.add_source(first, lambda fired: order.append("first"))
    sim.add_source(second, lambda fired: order.append("second"))
    sim.schedule(5.0, order.append, "calendar")
    second.timers.schedule("b", 5.0)
    first.timers.schedule("a", 5.0)
    sim.run()
    assert order == ["first", "second", "calendar"]


def test_a_deadline_in_the_past_fires_now() -> None:
    sim = Simulator(start=100.0)
    engine = TimedEngine()
    sim.add_source(engine)
    engine.timers.schedule("overdue", 40.0)
    assert sim.peek() == 100.0
    sim.run()
    assert engine.fired == [(100.0, "overdue")]


def test_a_source_that_never_clears_its_deadline_is_caught() -> None:
    class Stuck:
        def next_deadline(self) -> float:
            return 1.0

        def advance(self, now: float) -> None:
            return None

    sim = Simulator(stall_limit=50)
    sim.add_source(Stuck(), name="stuck engine")
    with pytest.raises(SimulationStalledError, match="stuck engine"):
        sim.run()


def test_add_source_checks_its_argument() -> None:
    sim = Simulator()
    with pytest.raises(InvalidArgumentError):
        sim.add_source(object())  # type: ignore[arg-type]
    engine = TimedEngine()
    sim.add_source(engine)
    with pytest.raises(InvalidArgumentError):
        sim.add_source(engine)


class KernelMachine(RuleBasedStateMachine):
    """The kernel and a timer source against a naive model that sorts everything pending."""

    events = Bundle("events")

    def __init__(self) -> None:
        super().__init__()
        self.sim = Simulator()
        self.engine = TimedEngine()
        self.sim.add_source(self.engine)
        self.log: list[tuple[float, int]] = []
        self.handles: dict[int, ScheduledEvent] = {}
        self.next_id = 0
        # The model: pending events by id (time, id is the scheduling order), timers
        # by name (deadline, scheduling counter), and what ran, in order.
        self.model_pending: dict[int, float] = {}
        self.model_timers: dict[str, tuple[float, int]] = {}
        self.model_log: list[tuple[float, int | str]] = []
        self.model_now = 0.0
        self.timer_counter = 0

    def _step_model(self) -> float | None:
        """Run the model's next step; return its time, or None if nothing is pending."""
        event = min(self.model_pending.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        timer = min(self.model_timers.values(), default=None)
        if event is None and timer is None:
            return None
        # A timer source wins a tie against the calendar.
        if timer is not None and (event is None or timer[0] <= event[1]):
            now = max(timer[0], self.model_now)
            due = sorted((v, k) for k, v in self.model_timers.items() if v[0] <= now)
            for _, name in due:
                del self.model_timers[name]
                self.model_log.append((now, name))
            return now
        assert event is not None
        ident, time = event
        del self.model_pending[ident]
        self.model_log.append((time, ident))
        return time

    def _peek_model(self) -> float | None:
        times = list(self.model_pending.values()) + [t for t, _ in self.model_timers.values()]
        return max(min(times), self.model_now) if times else None

    def _run_model(self, until: float | None, budget: int | None) -> None:
        steps = 0
        while budget is None or steps < budget:
            upcoming = self._peek_model()
            if upcoming is None or (until is not None and upcoming > until):
                if until is not None:
                    self.model_now = until
                return
            self.model_now = max(self.model_now, self._step_model() or 0.0)
            steps += 1

    @rule(target=events, delay=st.one_of(st.just(0.0), st.floats(min_value=0, max_value=50)))
    def schedule(self, delay: float) -> int:
        ident = self.next_id
        self.next_id += 1
        time = self.sim.now + delay
        self.handles[ident] = self.sim.schedule(time, self.log.append, (time, ident))
        self.model_pending[ident] = time
        return ident

    @rule(ident=consumes(events))
    def cancel(self, ident: int) -> None:
        assert self.sim.cancel(self.handles[ident]) == (ident in self.model_pending)
        self.model_pending.pop(ident, None)

    @rule(name=st.sampled_from(["ring", "wrap", "break"]), delay=st.floats(0, 50))
    def set_timer(self, name: str, delay: float) -> None:
        deadline = self.sim.now + delay
        self.engine.timers.schedule(name, deadline)
        self.timer_counter += 1
        self.model_timers[name] = (deadline, self.timer_counter)

    @rule(name=st.sampled_from(["ring", "wrap", "break"]))
    def cancel_timer(self, name: str) -> None:
        self.engine.timers.cancel(name)
        self.model_timers.pop(name, None)

    @rule(span=st.floats(min_value=0, max_value=30))
    def run_until(self, span: float) -> None:
        until = self.sim.now + span
        self.sim.run(until=until)
        self._run_model(until, None)

    @rule(budget=st.integers(min_value=1, max_value=3))
    def run_steps(self, budget: int) -> None:
        self.sim.run(max_events=budget)
        self._run_model(None, budget)

    @rule()
    def run_all(self) -> None:
        self.sim.run()
        self._run_model(None, None)

    @invariant()
    def agrees_with_model(self) -> None:
        ran: list[tuple[float, int | str]] = []
        ran.extend(self.log)
        ran.extend(self.engine.fired)
        # Same steps at the same times; the calendar's own order exactly as the model's.
        assert sorted(ran, key=repr) == sorted(self.model_log, key=repr)
        assert self.log == [entry for entry in self.model_log if isinstance(entry[1], int)]
        assert self.engine.fired == [e for e in self.model_log if isinstance(e[1], str)]
        assert self.sim.now == self.model_now
        assert self.sim.pending == len(self.model_pending)
        assert self.sim.peek() == self._peek_model()


KernelMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=30)
test_kernel_against_model = KernelMachine.TestCase


def test_run_cannot_be_called_from_inside_a_callback() -> None:
    sim = Simulator()
    errors: list[Exception] = []

    def nested() -> None:
        try:
            sim.run()
        except IllegalTransitionError as exc:
            errors.append(exc)

    sim.schedule(1.0, nested)
    sim.schedule(2.0, print)
    assert sim.run(until=1.5) == 1
    assert len(errors) == 1
    assert "cannot run() from inside" in str(errors[0])
    assert sim.pending == 1  # the nested call changed nothing


def test_max_events_must_be_a_count() -> None:
    sim = Simulator()
    sim.schedule(1.0, print)
    for bad in (-1, 1.5, True):
        with pytest.raises(InvalidArgumentError):
            sim.run(max_events=bad)  # type: ignore[arg-type]
    assert sim.run(max_events=0) == 0
    assert sim.pending == 1


def test_steps_that_raise_still_count() -> None:
    sim = Simulator()
    sim.schedule(1.0, print, "one")
    sim.schedule(2.0, int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        sim.run()
    assert sim.events_run == 2


def test_compaction_while_running_keeps_new_events() -> None:
    # Cancelling many events from inside a callback rebuilds the heap while the run
    # loop is using it; events scheduled afterwards must still run, in order.
    sim = Simulator()
    log: list[str] = []
    doomed = [sim.schedule(50.0 + i, log.append, "doomed") for i in range(3000)]

    def purge() -> None:
        for event in doomed:
            sim.cancel(event)
        sim.schedule_after(5.0, log.append, "after purge")
        sim.schedule_after(1.0, log.append, "soon after purge")

    sim.schedule(10.0, purge)
    sim.schedule(20.0, log.append, "planned")
    sim.run()
    assert log == ["soon after purge", "after purge", "planned"]
    assert sim.pending == 0
    assert sim.now == 20.0


@given(
    stream=st.lists(st.one_of(tied_times, offsets), max_size=30).map(sorted),
    others=st.lists(st.one_of(tied_times, offsets), max_size=10),
)
def test_schedule_each_runs_every_time_lazily(stream: list[float], others: list[float]) -> None:
    sim = Simulator()
    log: list[tuple[float, str]] = []
    sim.schedule_each(stream, lambda: log.append((sim.now, "stream")))
    assert sim.pending == (1 if stream else 0)
    for t in others:
        sim.schedule(t, lambda: log.append((sim.now, "other")))
    sim.run()
    assert [t for t, what in log if what == "stream"] == stream
    assert [t for t, _ in log] == sorted(t for t, _ in log)
    assert len(log) == len(stream) + len(others)


def test_schedule_each_draws_an_arrival_process_as_it_goes() -> None:
    from callcenter.simulation import PoissonArrivals

    profile = PoissonArrivals(per_interval=(30.0, 60.0), interval=600.0)
    expected = list(profile.times(random.Random(9)))
    sim = Simulator()
    arrived: list[float] = []
    sim.schedule_each(profile.times(random.Random(9)), lambda: arrived.append(sim.now))
    sim.run(until=600.0)
    assert arrived == [t for t in expected if t <= 600.0]
    assert sim.pending == 1  # only the next arrival is in the calendar
    sim.run()
    assert arrived == expected


def test_schedule_each_refuses_times_out_of_order_when_reached() -> None:
    sim = Simulator()
    sim.schedule_each([1.0, 3.0, 2.0], print, "tick")
    with pytest.raises(TimeWentBackwardsError):
        sim.run()
    assert sim.now == 3.0  # found when the time 3.0 ran and 2.0 came next
    with pytest.raises(TimeWentBackwardsError):
        sim.schedule_each([0.5], print)
