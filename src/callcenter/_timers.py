"""A cancellable deadline queue: the one timer structure every engine shares.

Engines expose ``next_deadline()`` and ``advance(now)``; behind both sits a
:class:`TimerQueue`, which keeps at most one deadline per key, fires them in deadline
order (ties in the order they were scheduled) and cancels or reschedules in
``O(log n)`` or better.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["TimerQueue"]

K = TypeVar("K", bound=Hashable)

_COMPACT_SLACK = 64

# Bound once: engines schedule and cancel on every routing event.
_heappush = heapq.heappush
_heappop = heapq.heappop


class _Dead:
    """The key of an entry that was cancelled or replaced.

    A class, so that a pickled queue (a hotline's snapshot) names it and keeps it one
    object.
    """


class TimerQueue(Generic[K]):
    """Deadlines keyed by a hashable key, at most one per key.

    A binary heap of ``[deadline, seq, key]`` entries with lazy deletion: the ``live``
    table maps each key to its entry, and cancelling or rescheduling a key marks its
    old entry dead (its key becomes :class:`_Dead`) where it lies. ``seq`` is unique,
    so entries never compare keys (which need not be orderable). Dead entries are
    dropped when they reach the top, or all at once when they outnumber the live
    ones. The top of the heap is kept live, so :meth:`next_deadline` -- asked on
    every step of a simulation -- is one lookup.

    >>> timers: TimerQueue[str] = TimerQueue()
    >>> timers.schedule("ring:a1", 30.0)
    >>> timers.schedule("wrap:a2", 12.0)
    >>> timers.next_deadline()
    12.0
    >>> timers.pop_due(20.0)
    (12.0, 'wrap:a2')
    >>> timers.pop_due(20.0) is None
    True
    >>> timers.cancel("ring:a1")
    True
    >>> len(timers), timers.next_deadline()
    (0, None)
    """

    __slots__ = ("_heap", "_live", "_seq")

    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._live: dict[K, list[Any]] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, key: object) -> bool:
        return key in self._live

    def schedule(self, key: K, deadline: float) -> None:
        """Set ``key``'s deadline, replacing any earlier one. Amortised ``O(log n)``."""
        self._seq = seq = self._seq + 1
        entry = [deadline, seq, key]
        live = self._live
        old = live.get(key)
        live[key] = entry
        heap = self._heap
        _heappush(heap, entry)
        if old is not None:
            old[2] = _Dead
            self._tidy(old)

    def cancel(self, key: K) -> bool:
        """Remove ``key``'s deadline. Returns whether there was one. ``O(1)`` amortised."""
        entry = self._live.pop(key, None)
        if entry is None:
            return False
        entry[2] = _Dead
        self._tidy(entry)
        return True

    def _tidy(self, dead: list[Any]) -> None:
        """After ``dead`` was marked: keep the top live, and the dead ones few."""
        heap = self._heap
        if heap[0] is dead:
            _heappop(heap)
            while heap and heap[0][2] is _Dead:
                _heappop(heap)
        elif len(heap) > 2 * len(self._live) + _COMPACT_SLACK:
            self._heap = [entry for entry in heap if entry[2] is not _Dead]
            heapq.heapify(self._heap)

    def next_deadline(self) -> float | None:
        """The earliest deadline, or ``None`` when nothing is scheduled. ``O(1)``."""
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> tuple[float, K] | None:
        """Remove and return the earliest ``(deadline, key)`` due by ``now``, else ``None``.

        Engines call this in a loop, firing one timer at a time, so that a timer
        scheduled while firing another is seen in its proper order. ``O(log n)``.
        """
        heap = self._heap
        if not heap or heap[0][0] > now:
            return None
        deadline, _, key = _heappop(heap)
        del self._live[key]
        while heap and heap[0][2] is _Dead:
            _heappop(heap)
        return deadline, key
