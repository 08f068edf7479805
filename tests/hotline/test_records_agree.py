"""The hotline's records and intervals are the ones a RecordBuilder makes of the same events.

The hotline keeps each call's record facts on the call and applies each event of its
engines once (``callcenter.metrics._notes``, the functions the builder applies
too). These tests feed a :class:`~callcenter.metrics.RecordBuilder` every event the
hotline's engines give (the events its wallboard is fed) and compare: the same
records, in the same order, and the same agent intervals. The one difference is
what the builder cannot know: the caller's and the dialled number of a call that
never went through an IVR session, which the hotline writes from the call's arrival.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    Line,
)
from callcenter.metrics import AgentStateInterval, ContactRecord, MonitorSnapshot, RecordBuilder
from callcenter.routing import (
    AgentDefinition,
    Channel,
    Membership,
    QueueDefinition,
    RoutingDefinition,
)
from callcenter.simulation import _driver, load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]


class _Spy:
    """Stands for the hotline's wallboard: forwards every event, and feeds a builder too."""

    def __init__(self, hotline: Hotline, inner: Any) -> None:
        self.inner = inner
        self.builder = RecordBuilder(agent_queues=hotline._agent_queues)
        self.records: list[ContactRecord] = []

    def feed_all(self, events: Iterable[Any]) -> None:
        events = list(events)
        self.inner.feed_all(events)
        self.records.extend(self.builder.feed_all(events))

    def snapshot(self, now: float) -> MonitorSnapshot:
        snapshot: MonitorSnapshot = self.inner.snapshot(now)
        return snapshot


def spied(hotline: Hotline) -> _Spy:
    """Put a spy in the hotline's wallboard's place (the hotline must have one)."""
    spy = _Spy(hotline, hotline._monitor)
    hotline._monitor = spy  # type: ignore[assignment]
    return spy


def as_builder_sees(record: ContactRecord) -> ContactRecord:
    """The record without what only the hotline knows (hold time; numbers of a call
    that had no IVR session)."""
    if record.hold_seconds:
        record = attrs.evolve(
            record, talk_seconds=record.talk_seconds + record.hold_seconds, hold_seconds=0.0
        )
    if not record.ivr_path:
        record = attrs.evolve(record, caller=None, dialled_number=None)
    return record


def same_records(mine: list[ContactRecord], builder: list[ContactRecord]) -> None:
    assert len(mine) == len(builder)
    for a, b in zip(mine, builder, strict=True):
        a = as_builder_sees(a)
        assert attrs.evolve(a, talk_seconds=0.0) == attrs.evolve(b, talk_seconds=0.0)
        assert math.isclose(a.talk_seconds, b.talk_seconds, abs_tol=1e-6)


@pytest.mark.parametrize(
    "scenario", ["tianjin.toml", "railway.toml", "tianjin-large.toml"], ids=str
)
def test_a_simulated_day_gives_the_builders_records_and_intervals(
    scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spies: list[tuple[Hotline, _Spy]] = []
    intervals: list[AgentStateInterval] = []

    def hotline_with_spy(definition: HotlineDefinition, **options: Any) -> Hotline:
        options["wallboard"] = True
        hotline = Hotline(definition, **options)
        spy = spied(hotline)
        spies.append((hotline, spy))
        close, take = hotline.close, hotline.take_intervals

        def closing(now: float) -> list[Any]:
            out = close(now)
            spy.records.extend(spy.builder.close(now))
            return out

        def taking() -> list[AgentStateInterval]:
            taken = take()
            intervals.extend(taken)
            return taken

        hotline.close = closing  # type: ignore[method-assign]
        hotline.take_intervals = taking  # type: ignore[method-assign]
        return hotline

    monkeypatch.setattr(_driver, "Hotline", hotline_with_spy)
    result = simulate(load_scenario(ROOT / "examples" / "scenarios" / scenario))
    [(hotline, spy)] = spies
    assert len(result.records) > 50
    same_records(list(result.records), spy.records)
    assert intervals == spy.builder.take_intervals()
    assert hotline.open_contacts == spy.builder.open_contacts


def two_lines_one_agent(voice: int) -> HotlineDefinition:
    return HotlineDefinition(
        name="two at once",
        timezone="UTC",
        lines=(Line(id="main", number="4001", queue="q"),),
        routing=RoutingDefinition(
            queues=(QueueDefinition(id="q", wrap_up=30.0),),
            agents=(
                AgentDefinition(
                    id="a", queues=(Membership(queue="q"),), capacity={Channel.VOICE: voice}
                ),
            ),
        ),
    )


def test_a_call_ended_while_its_agent_talks_on_another_is_finished_once_time_moves_on() -> None:
    """An agent on two calls at once: the first to end waits for no wrap-up."""
    hotline = Hotline(two_lines_one_agent(2))
    spy = spied(hotline)
    t = 1_800_000_000.0
    outputs: list[Any] = []
    feed: list[tuple[HotlineInput, float]] = [
        (AgentLoggedIn(agent_id="a"), t),
        (CallArrived(call_id="c1", line="main", caller="13800000001"), t + 1),
        (AgentLegAnswered(call_id="c1", agent_id="a"), t + 2),
        (CallArrived(call_id="c2", line="main", caller="13800000002"), t + 3),
        (AgentLegAnswered(call_id="c2", agent_id="a"), t + 4),
        (AgentLegEnded(call_id="c1", agent_id="a"), t + 60),
    ]
    for item, at in feed:
        outputs.extend(hotline.handle(item, at))
    assert not [o for o in outputs if isinstance(o, ContactFinished)]  # the same instant
    # The agent is still talking to c2: once time moves on, c1 has no wrap-up to wait for.
    outputs.extend(hotline.handle(AgentLegEnded(call_id="c2", agent_id="a"), t + 90))
    mine = [o.record for o in outputs if isinstance(o, ContactFinished)]
    assert [r.contact_id for r in mine] == ["c1"]
    assert mine[0].wrap_up_ended_at is None
    assert mine[0].after_contact_seconds == 0.0
    assert mine[0].caller == "13800000001"
    assert mine[0].dialled_number == "4001"
    # c2's wrap-up ends with the queue's 30 s.
    later = hotline.advance(t + 120)
    [c2] = [o.record for o in later if isinstance(o, ContactFinished)]
    assert c2.contact_id == "c2"
    assert c2.wrap_up_ended_at == t + 120
    same_records([*mine, c2], spy.records)
