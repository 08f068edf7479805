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

_DEAD: Any = object()
"""Marks a heap entry whose timer was cancelled or rescheduled (lazy deletion)."""

_COMPACT_MIN = 64


class TimerQueue(Generic[K]):
    """Deadlines keyed by a hashable key, at most one per key.

    A binary heap with lazy deletion: cancelling marks the entry dead, and dead
    entries are dropped when they reach the top or, once they outnumber the live
    ones, all at once. So :meth:`next_deadline` -- asked on every step of a
    simulation -- is usually one list lookup.

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
    >>> len(timers)
    0
    """

    __slots__ = ("_by_key", "_dead", "_heap", "_seq")

    def __init__(self) -> None:
        # Entries are [deadline, seq, key]; seq is unique, so keys are never compared.
        self._heap: list[list[Any]] = []
        self._by_key: dict[K, list[Any]] = {}
        self._seq = 0
        self._dead = 0

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def deadline_of(self, key: K) -> float | None:
        """The deadline scheduled for ``key``, or ``None``. ``O(1)``."""
        entry = self._by_key.get(key)
        return None if entry is None else float(entry[0])

    def schedule(self, key: K, deadline: float) -> None:
        """Set ``key``'s deadline, replacing any earlier one. ``O(log n)``."""
        old = self._by_key.get(key)
        if old is not None:
            old[2] = _DEAD
            self._dead += 1
        entry = [deadline, self._seq, key]
        self._seq += 1
        heapq.heappush(self._heap, entry)
        self._by_key[key] = entry
        self._maybe_compact()

    def cancel(self, key: K) -> bool:
        """Remove ``key``'s deadline. Returns whether there was one. ``O(1)`` amortised."""
        entry = self._by_key.pop(key, None)
        if entry is None:
            return False
        entry[2] = _DEAD
        self._dead += 1
        self._maybe_compact()
        return True

    def _maybe_compact(self) -> None:
        if self._dead > _COMPACT_MIN and self._dead > len(self._by_key):
            self._heap = [entry for entry in self._heap if entry[2] is not _DEAD]
            heapq.heapify(self._heap)
            self._dead = 0

    def _top(self) -> list[Any] | None:
        heap = self._heap
        while heap and heap[0][2] is _DEAD:
            heapq.heappop(heap)
            self._dead -= 1
        return heap[0] if heap else None

    def next_deadline(self) -> float | None:
        """The earliest deadline, or ``None`` when nothing is scheduled. ``O(1)`` amortised."""
        heap = self._heap
        if heap and heap[0][2] is not _DEAD:
            return float(heap[0][0])
        top = self._top()
        return None if top is None else float(top[0])

    def pop_due(self, now: float) -> tuple[float, K] | None:
        """Remove and return the earliest ``(deadline, key)`` due by ``now``, else ``None``.

        Engines call this in a loop, firing one timer at a time, so that a timer
        scheduled while firing another is seen in its proper order. ``O(log n)``.
        """
        top = self._top()
        if top is None or top[0] > now:
            return None
        heapq.heappop(self._heap)
        deadline, _, key = top
        del self._by_key[key]
        return float(deadline), key
