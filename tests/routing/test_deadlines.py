"""The routing engine's deadline heap behaves exactly like the shared TimerQueue."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from callcenter._timers import TimerQueue
from callcenter.routing._deadlines import DeadlineHeap

operation = st.one_of(
    st.tuples(st.just("schedule"), st.integers(0, 5), st.integers(0, 30)),
    st.tuples(st.just("cancel"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("pop"), st.just(0), st.integers(0, 30)),
    st.tuples(st.just("peek"), st.just(0), st.just(0)),
)


@given(st.lists(operation, max_size=200))
def test_same_answers_as_timer_queue(operations: list[tuple[str, int, int]]) -> None:
    heap: DeadlineHeap[int] = DeadlineHeap()
    reference: TimerQueue[int] = TimerQueue()
    for name, key, value in operations:
        if name == "schedule":
            heap.schedule(key, float(value))
            reference.schedule(key, float(value))
        elif name == "cancel":
            assert heap.cancel(key) == reference.cancel(key)
        elif name == "pop":
            assert heap.pop_due(float(value)) == reference.pop_due(float(value))
        else:
            assert heap.next_deadline() == reference.next_deadline()
        assert len(heap) == len(reference)
        assert all((k in heap) == (k in reference) for k in range(6))


def test_stale_entries_are_compacted() -> None:
    heap: DeadlineHeap[int] = DeadlineHeap()
    for round_ in range(1000):
        heap.schedule(round_ % 3, 1000.0 - round_)
    assert len(heap) == 3
    assert len(heap._heap) <= 2 * 3 + 64 + 1
