"""The discrete-event kernel: a virtual clock, an event calendar and timer sources.

The kernel knows nothing about calls or agents. It keeps

* a **calendar** of scheduled callbacks, a binary heap (:mod:`heapq`) of
  :class:`ScheduledEvent` entries ``[time, seq, callback, args]``. ``seq`` is a
  counter taken when the event is scheduled, so events at the same time run in the
  order they were scheduled -- the run is deterministic whatever the callbacks are --
  and the heap never compares two callbacks. Cancelling clears the entry's callback
  and leaves it in the heap (lazy deletion); the heap is
  rebuilt without the dead entries when they outnumber the live ones.
* a list of **timer sources**: the library's engines, which keep their own deadlines
  behind ``next_deadline()`` and ``advance(now)``. Before each step the kernel asks each
  source for its next deadline (``O(1)`` for an engine built on
  :class:`callcenter._timers.TimerQueue`), so an engine's timers fire at exactly the
  right virtual time without being copied into the calendar, and a deadline the
  engine moves or cancels needs no bookkeeping here.

Each step takes the earliest of the calendar's head and the sources' deadlines. At
equal times **sources go first**, in the order they were added, then calendar events
in the order they were scheduled: a deadline an engine committed to earlier is a fact
that the new events at the same instant should see.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, TypeVarTuple

from .._clock import as_instant
from ..errors import (
    EngineError,
    IllegalTransitionError,
    InvalidArgumentError,
    TimeWentBackwardsError,
)
from ._checks import is_count

__all__ = ["ScheduledEvent", "SimulationStalledError", "Simulator", "TimerSource"]

Ts = TypeVarTuple("Ts")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

_INF = math.inf
_heappop = heapq.heappop
_heappush = heapq.heappush


class TimerSource(Protocol[R_co]):
    """What an engine offers so that the kernel can run its timers.

    ``next_deadline()`` returns the earliest time at which the engine has something to
    do (``None`` when it has nothing scheduled); ``advance(now)`` does everything due by
    ``now`` and returns what happened (events, commands), which the kernel hands to the
    handler given to :meth:`Simulator.add_source`.
    """

    def next_deadline(self) -> float | None:
        """The engine's earliest pending deadline, or ``None``."""
        ...

    def advance(self, now: float) -> R_co:
        """Fire everything due by ``now``."""
        ...


class SimulationStalledError(EngineError):
    """The simulation kept running events without the clock moving.

    Raised after ``stall_limit`` consecutive steps at one instant: almost always an
    event that reschedules itself with no delay, or a source whose
    ``next_deadline()`` stays at or before ``now`` after ``advance(now)``.
    """

    def __init__(self, *, now: float, steps: int, culprit: str) -> None:
        self.now = now
        self.steps = steps
        self.culprit = culprit
        super().__init__(
            f"the simulation ran {steps} steps at t={now!r} without the clock moving "
            f"(last: {culprit}); an event keeps rescheduling itself with no delay, or a "
            "timer source keeps reporting a due deadline after advance(); fix the model "
            "or raise stall_limit"
        )


_Entry: TypeAlias = list[Any]
"""A calendar entry, ``[time, seq, callback, args]``; ``callback`` is ``None`` once it
was cancelled or has run. A plain list: the heap orders entries by time, then by the
order they were scheduled (``seq`` is unique, so callbacks are never compared)."""


class ScheduledEvent:
    """A scheduled callback; keep it to :meth:`Simulator.cancel` it.

    A handle on the calendar's entry: :attr:`time` says when it runs.
    """

    __slots__ = ("_entry",)

    def __init__(self, entry: _Entry) -> None:
        self._entry = entry

    @property
    def time(self) -> float:
        """When it runs."""
        return self._entry[0]  # type: ignore[no-any-return]

    @property
    def cancelled(self) -> bool:
        """Whether it was cancelled (or has already run)."""
        return self._entry[2] is None

    def __repr__(self) -> str:
        time, _, callback, _ = self._entry
        state = "done or cancelled" if callback is None else repr(callback)
        return f"<ScheduledEvent at {time!r}: {state}>"


class _Source(Generic[R]):
    __slots__ = ("advance", "handler", "name", "next_deadline", "source")

    def __init__(
        self, source: TimerSource[R], handler: Callable[[R], object] | None, name: str
    ) -> None:
        self.source = source
        self.handler = handler
        self.name = name
        # Bound once: the loop calls them at every step.
        self.next_deadline = source.next_deadline
        self.advance = source.advance


class Simulator:
    """A virtual clock with an event calendar and pluggable timer sources.

    Args:
        start: The initial virtual time in seconds (POSIX seconds for a simulated
            calendar day, or 0).
        stall_limit: How many consecutive steps may run at one instant before
            :class:`SimulationStalledError` is raised.

    Raises:
        InvalidArgumentError: ``start`` is not finite or ``stall_limit`` < 1.

    >>> sim = Simulator()
    >>> log = []
    >>> _ = sim.schedule(5.0, log.append, "b")
    >>> _ = sim.schedule(2.0, log.append, "a")
    >>> _ = sim.schedule(5.0, log.append, "c")
    >>> sim.run()
    3
    >>> log, sim.now
    (['a', 'b', 'c'], 5.0)
    """

    __slots__ = (
        "_dead",
        "_heap",
        "_now",
        "_running",
        "_seq",
        "_sources",
        "_stall_limit",
        "events_run",
    )

    def __init__(self, start: float = 0.0, *, stall_limit: int = 1_000_000) -> None:
        self._now = as_instant(start, "start")
        if not is_count(stall_limit, 1):
            raise InvalidArgumentError(
                name="stall_limit", expected="an integer >= 1", got=stall_limit
            )
        self._stall_limit = stall_limit
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._dead = 0
        self._sources: list[_Source[Any]] = []
        self._running = False
        self.events_run = 0
        """How many calendar events and source advances have run so far."""

    @property
    def now(self) -> float:
        """The current virtual time."""
        return self._now

    @property
    def pending(self) -> int:
        """How many calendar events are scheduled and not cancelled. ``O(1)``."""
        return len(self._heap) - self._dead

    def schedule(
        self, time: float, callback: Callable[[*Ts], object], *args: *Ts
    ) -> ScheduledEvent:
        """Run ``callback(*args)`` at virtual time ``time``. ``O(log n)``.

        Events at the same time run in the order they were scheduled.

        Raises:
            InvalidArgumentError: ``time`` is not a finite number.
            TimeWentBackwardsError: ``time`` is before :attr:`now`.
        """
        return ScheduledEvent(self._post_reserved(next(self._seq), time, callback, args))

    def _post(self, time: float, callback: Callable[..., object], args: tuple[Any, ...]) -> _Entry:
        """:meth:`schedule`, for the library's own drivers: returns the calendar's entry.

        The entry is the event, without the public handle around it: cancel it with
        :meth:`_drop`.
        """
        return self._post_reserved(next(self._seq), time, callback, args)

    def _reserve(self) -> int:
        """Take the place in the order of events that an event scheduled now would get.

        With :meth:`_post_reserved`, a caller that would schedule an event now and
        most often cancel it before the calendar next runs can draw its time now and
        put it in the calendar only if it still needs it: it runs exactly where it
        would have run had it been scheduled at once.
        """
        return next(self._seq)

    def _post_reserved(
        self, seq: int, time: float, callback: Callable[..., object], args: tuple[Any, ...]
    ) -> _Entry:
        """:meth:`_post`, in the place ``seq`` taken by :meth:`_reserve`. ``O(log n)``.

        Call it before the calendar next runs (from the callback that reserved ``seq``).

        Raises:
            InvalidArgumentError: ``time`` is not a finite number.
            TimeWentBackwardsError: ``time`` is before :attr:`now`.
        """
        try:
            valid = self._now <= time < _INF
        except TypeError:
            valid = False
        if not valid:
            self._refuse(time)
        entry = [time, seq, callback, args]
        _heappush(self._heap, entry)
        return entry

    def schedule_after(
        self, delay: float, callback: Callable[[*Ts], object], *args: *Ts
    ) -> ScheduledEvent:
        """Run ``callback(*args)`` ``delay`` seconds from now (``delay >= 0``). ``O(log n)``.

        Raises:
            InvalidArgumentError: ``delay`` is negative or not finite.
        """
        try:
            valid = 0.0 <= delay < _INF
        except TypeError:
            valid = False
        if not valid:
            raise InvalidArgumentError(
                name="delay", expected="a finite number of seconds >= 0", got=delay
            )
        entry = [self._now + delay, next(self._seq), callback, args]
        _heappush(self._heap, entry)
        return ScheduledEvent(entry)

    def schedule_each(
        self, times: Iterable[float], callback: Callable[[*Ts], object], *args: *Ts
    ) -> None:
        """Run ``callback(*args)`` at each of ``times`` (in non-decreasing order), lazily.

        Only the next time is in the calendar at any moment: when it runs, the one after
        it is taken from the iterator and scheduled. A day of arrivals therefore costs
        one pending event, not one per call, and an arrival process
        (:meth:`PoissonArrivals.times <callcenter.simulation.PoissonArrivals.times>`)
        is drawn as the simulation advances. ``O(log n)`` per time.

        Raises:
            InvalidArgumentError: The first time is not a finite number (later ones
                raise from :meth:`run` when they are reached).
            TimeWentBackwardsError: The first time is before :attr:`now` (later ones:
                from :meth:`run`, when a time comes before the one that preceded it).
        """
        iterator = iter(times)

        def fire() -> None:
            # Schedule the next one first, so that it keeps its place before any event
            # the callback schedules for the same instant.
            for upcoming in iterator:
                self._post(upcoming, fire, ())
                break
            callback(*args)

        for first in iterator:
            self._post(first, fire, ())
            break

    def _refuse(self, time: object) -> None:
        value = as_instant(time, "time")
        raise TimeWentBackwardsError(now=value, last=self._now)

    def cancel(self, event: ScheduledEvent) -> bool:
        """Cancel a scheduled event. Returns whether it was still pending. ``O(1)``.

        Cancelling an event that already ran or was cancelled does nothing.
        """
        return self._drop(event._entry)

    def _drop(self, entry: _Entry) -> bool:
        """:meth:`cancel`, for an entry :meth:`_post` returned."""
        if entry[2] is None:
            return False
        entry[2] = None
        entry[3] = ()
        self._dead += 1
        heap = self._heap
        if self._dead > 1024 and self._dead * 2 > len(heap):
            # In place: a running loop holds a reference to this very list.
            heap[:] = [live for live in heap if live[2] is not None]
            heapq.heapify(heap)
            self._dead = 0
        return True

    def add_source(
        self,
        source: TimerSource[R],
        handler: Callable[[R], object] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        """Let the kernel run ``source``'s timers; ``handler`` receives what ``advance`` returns.

        The kernel calls ``source.advance(t)`` whenever ``source.next_deadline()`` is
        the earliest pending time ``t`` (a deadline in the past runs at :attr:`now`).
        Each step asks every source once, so keep ``next_deadline()`` cheap.

        Args:
            source: Anything with ``next_deadline()`` and ``advance(now)``.
            handler: Called with the result of each ``advance`` (for instance to act on
                the engine's events); ``None`` to ignore results.
            name: A label for error messages (default: the source's type name).

        Raises:
            InvalidArgumentError: ``source`` lacks ``next_deadline`` or ``advance``, or
                was added already.
        """
        if not callable(getattr(source, "next_deadline", None)) or not callable(
            getattr(source, "advance", None)
        ):
            raise InvalidArgumentError(
                name="source",
                expected="an object with next_deadline() and advance(now) methods",
                got=source,
            )
        if any(entry.source is source for entry in self._sources):
            raise InvalidArgumentError(
                name="source", expected="a source that was not added before", got=source
            )
        self._sources.append(_Source(source, handler, name or type(source).__name__))

    def peek(self) -> float | None:
        """The time of the next step (calendar or source), or ``None`` if nothing is due."""
        best = _INF
        heap = self._heap
        while heap and heap[0][2] is None:
            heapq.heappop(heap)
            self._dead -= 1
        if heap:
            best = heap[0][0]
        for entry in self._sources:
            deadline = entry.source.next_deadline()
            if deadline is not None and deadline < best:
                best = deadline
        return None if best == _INF else max(best, self._now)

    def run(
        self,
        until: float | None = None,
        *,
        stop: Callable[[], bool] | None = None,
        max_events: int | None = None,
    ) -> int:
        """Run events in time order; returns how many ran.

        Stops at the first of: nothing left to do; the next step is after ``until``
        (the clock is then set to ``until``); ``stop()`` returns true (checked after
        each step); ``max_events`` steps ran. Can be called again to continue.

        Args:
            until: Run every step at or before this time, then set :attr:`now` to it.
            stop: A condition checked after each step.
            max_events: At most this many steps in this call.

        Raises:
            TimeWentBackwardsError: ``until`` is before :attr:`now`.
            InvalidArgumentError: ``max_events`` is not an integer >= 0.
            IllegalTransitionError: Called from inside a callback or handler while
                the simulator is already running.
            SimulationStalledError: ``stall_limit`` steps in a row at one instant.
            Exception: Whatever a callback or source raises propagates; the clock stays
                at the failing step's time.
        """
        limit = _INF if until is None else as_instant(until, "until")
        if limit < self._now:
            raise TimeWentBackwardsError(now=limit, last=self._now)
        if max_events is not None and not is_count(max_events):
            raise InvalidArgumentError(
                name="max_events", expected="an integer >= 0 or None", got=max_events
            )
        if self._running:
            raise IllegalTransitionError(
                entity="the simulator",
                state="running",
                action="run() from inside an event or a source handler",
                allowed=("schedule", "schedule_after", "cancel"),
            )
        self._running = True
        try:
            count, reached_limit = self._loop(limit, -1 if max_events is None else max_events, stop)
        finally:
            self._running = False
        if reached_limit and until is not None:
            self._now = limit
        return count

    def _loop(self, limit: float, budget: int, stop: Callable[[], bool] | None) -> tuple[int, bool]:
        # The hot loop of every run: names are bound to locals, the clock is kept in
        # ``now`` (only this loop moves it) and written back to ``_now`` at each step.
        heap = self._heap
        sources = self._sources
        heappop = _heappop
        stall_limit = self._stall_limit
        same_instant = 0
        count = 0
        now = self._now
        try:
            while count != budget:
                if heap:
                    head = heap[0]
                    if head[2] is None:  # cancelled: drop it and look again
                        heappop(heap)
                        self._dead -= 1
                        continue
                    time = head[0]
                else:
                    time = _INF
                chosen: _Source[Any] | None = None
                for entry in sources:
                    deadline = entry.next_deadline()
                    # A source wins a tie against the calendar ("<="); among sources the
                    # first one added wins a tie (the strict "<").
                    if deadline is not None and (
                        deadline < time or (deadline == time and chosen is None)
                    ):
                        chosen = entry
                        time = deadline
                if time > limit or time == _INF:
                    return count, True
                if time <= now:
                    time = now
                    same_instant += 1
                    if same_instant >= stall_limit:
                        culprit = (
                            f"source {chosen.name}"
                            if chosen is not None
                            else f"event {heap[0][2]!r}"
                        )
                        raise SimulationStalledError(now=time, steps=same_instant, culprit=culprit)
                else:
                    same_instant = 0
                self._now = now = time
                count += 1
                if chosen is not None:
                    result = chosen.advance(time)
                    if chosen.handler is not None:
                        chosen.handler(result)
                else:
                    # The head is live (cancelled ones were dropped above): run it, and
                    # mark it done (a later cancel() returns False).
                    heappop(heap)
                    callback = head[2]
                    args = head[3]
                    head[2] = None
                    head[3] = ()
                    callback(*args)
                if stop is not None and stop():
                    break
            return count, False
        finally:
            self.events_run += count
