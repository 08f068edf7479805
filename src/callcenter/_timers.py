"""A cancellable deadline queue: the one timer structure every engine shares.

Engines expose ``next_deadline()`` and ``advance(now)``; behind both sits a
:class:`TimerQueue`, which keeps at most one deadline per key, fires them in deadline
order (ties in the order they were scheduled) and cancels or reschedules in
``O(log n)`` or better.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["TimerQueue"]

K = TypeVar("K", bound=Hashable)

_COMPACT_SLACK = 64

# Bound once: engines schedule and cancel on every routing event.
_heappush = heapq.heappush
_heappop = heapq.heappop


class TimerQueue(Generic[K]):
    """Deadlines keyed by a hashable key, at most one per key.

    A binary heap of ``(deadline, seq, key)`` tuples with lazy deletion: each key's
    live entry is the one whose ``seq`` the ``live`` table holds, so cancelling is one
    dict deletion and rescheduling one push. Stale entries are dropped when they reach
    the top, or all at once when they outnumber the live ones. The top of the heap is
    kept live, so :meth:`next_deadline` -- asked on every step of a simulation -- is
    one lookup.

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
        # seq is unique, so tuples never compare keys (which need not be orderable).
        self._heap: list[tuple[float, int, K]] = []
        self._live: dict[K, int] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, key: object) -> bool:
        return key in self._live

    def schedule(self, key: K, deadline: float) -> None:
        """Set ``key``'s deadline, replacing any earlier one. Amortised ``O(log n)``."""
        self._seq = seq = self._seq + 1
        live = self._live
        live[key] = seq
        heap = self._heap
        _heappush(heap, (deadline, seq, key))
        if len(heap) > 2 * len(live) + _COMPACT_SLACK:
            self._heap = [entry for entry in heap if live.get(entry[2]) == entry[1]]
            heapq.heapify(self._heap)
            return
        # The top can only have gone stale if ``key`` was rescheduled from the top.
        self._purge()

    def cancel(self, key: K) -> bool:
        """Remove ``key``'s deadline. Returns whether there was one. ``O(1)`` amortised."""
        live = self._live
        if live.pop(key, None) is None:
            return False
        self._purge()
        return True

    def _purge(self) -> None:
        """Drop stale entries from the top, so that the top is live."""
        heap = self._heap
        live = self._live
        while heap and live.get(heap[0][2]) != heap[0][1]:
            _heappop(heap)

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
        self._purge()
        return deadline, key
