"""A cancellable deadline queue: the one timer structure every engine shares.

Engines expose ``next_deadline()`` and ``advance(now)``; behind both sits a
:class:`TimerQueue`, which keeps at most one deadline per key, fires them in deadline
order (ties in the order they were scheduled) and cancels or reschedules in
``O(log n)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from typing import Generic, TypeVar

from sortedcontainers import SortedDict

__all__ = ["TimerQueue"]

K = TypeVar("K", bound=Hashable)


class TimerQueue(Generic[K]):
    """Deadlines keyed by a hashable key, at most one per key.

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

    __slots__ = ("_by_key", "_order", "_seq")

    def __init__(self) -> None:
        self._order: SortedDict[tuple[float, int], K] = SortedDict()
        self._by_key: dict[K, tuple[float, int]] = {}
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def deadline_of(self, key: K) -> float | None:
        """The deadline scheduled for ``key``, or ``None``. ``O(1)``."""
        slot = self._by_key.get(key)
        return None if slot is None else slot[0]

    def schedule(self, key: K, deadline: float) -> None:
        """Set ``key``'s deadline, replacing any earlier one. ``O(log n)``."""
        old = self._by_key.pop(key, None)
        if old is not None:
            del self._order[old]
        slot = (deadline, next(self._seq))
        self._order[slot] = key
        self._by_key[key] = slot

    def cancel(self, key: K) -> bool:
        """Remove ``key``'s deadline. Returns whether there was one. ``O(log n)``."""
        slot = self._by_key.pop(key, None)
        if slot is None:
            return False
        del self._order[slot]
        return True

    def next_deadline(self) -> float | None:
        """The earliest deadline, or ``None`` when nothing is scheduled. ``O(1)``."""
        if not self._order:
            return None
        return self._order.peekitem(0)[0][0]

    def pop_due(self, now: float) -> tuple[float, K] | None:
        """Remove and return the earliest ``(deadline, key)`` due by ``now``, else ``None``.

        Engines call this in a loop, firing one timer at a time, so that a timer
        scheduled while firing another is seen in its proper order. ``O(log n)``.
        """
        if not self._order:
            return None
        (deadline, seq), key = self._order.peekitem(0)
        if deadline > now:
            return None
        del self._order[(deadline, seq)]
        del self._by_key[key]
        return deadline, key
