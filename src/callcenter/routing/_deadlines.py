"""A deadline heap with lazy cancellation, for the engine's many short-lived timers.

Same contract as :class:`callcenter._timers.TimerQueue` (at most one deadline per
key; deadline order; ties in the order they were scheduled), built on ``heapq``:
scheduling is one C-level push and cancelling is one dict deletion, where a
sorted-dict timer pays two sorted-container operations per offer. A cancelled or
replaced entry stays in the heap, marked stale, until it reaches the top or the heap
is compacted (when stale entries outnumber live ones).

>>> timers: DeadlineHeap[str] = DeadlineHeap()
>>> timers.schedule("ring:c1", 30.0)
>>> timers.schedule("wrap:a2", 12.0)
>>> timers.schedule("ring:c1", 40.0)  # replaces the first deadline
>>> timers.next_deadline()
12.0
>>> timers.pop_due(35.0)
(12.0, 'wrap:a2')
>>> timers.pop_due(35.0) is None
True
>>> timers.cancel("ring:c1"), len(timers), timers.next_deadline()
(True, 0, None)
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["DeadlineHeap"]

K = TypeVar("K", bound=Hashable)


class DeadlineHeap(Generic[K]):
    """Deadlines keyed by a hashable key, at most one live deadline per key."""

    __slots__ = ("_heap", "_live", "_seq")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, K]] = []
        self._live: dict[K, int] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, key: object) -> bool:
        return key in self._live

    def schedule(self, key: K, deadline: float) -> None:
        """Set ``key``'s deadline, replacing any earlier one. Amortised ``O(log n)``."""
        self._seq += 1
        self._live[key] = self._seq
        heapq.heappush(self._heap, (deadline, self._seq, key))
        if len(self._heap) > 2 * len(self._live) + 64:
            self._compact()
        else:
            self._purge()

    def cancel(self, key: K) -> bool:
        """Remove ``key``'s deadline. Returns whether there was one. ``O(1)``."""
        return self._live.pop(key, None) is not None

    def _purge(self) -> None:
        heap = self._heap
        live = self._live
        while heap and live.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)

    def _compact(self) -> None:
        live = self._live
        self._heap = [entry for entry in self._heap if live.get(entry[2]) == entry[1]]
        heapq.heapify(self._heap)

    def next_deadline(self) -> float | None:
        """The earliest live deadline, or ``None``. Amortised ``O(1)``."""
        self._purge()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> tuple[float, K] | None:
        """Remove and return the earliest ``(deadline, key)`` due by ``now``, else ``None``."""
        self._purge()
        heap = self._heap
        if not heap or heap[0][0] > now:
            return None
        deadline, _, key = heapq.heappop(heap)
        del self._live[key]
        return deadline, key
