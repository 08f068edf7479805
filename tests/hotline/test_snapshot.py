"""A snapshot holds the engines' state: a restored hotline goes on like the original."""

from __future__ import annotations

import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import CallCenterError, InvalidArgumentError
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    Hotline,
    RingAgent,
)

from .support import NOON, definition
from .test_properties import AGENTS, DEFINITION, _run, draw_step, gaps


@settings(max_examples=60)
@given(
    data=st.data(),
    size=st.integers(min_value=0, max_value=60),
    cut=st.integers(0, 60),
    keep_log=st.booleans(),
)
def test_a_restored_hotline_goes_on_exactly_like_the_original(
    data: st.DataObject, size: int, cut: int, keep_log: bool
) -> None:
    original = Hotline(DEFINITION, seed=7, keep_log=keep_log)
    copy: Hotline | None = None
    serial = [0]
    now = NOON
    for agent in AGENTS:
        original.handle(AgentLoggedIn(agent_id=agent), now)
    for index in range(size):
        if index == cut:
            snapshot = original.snapshot()
            copy = Hotline.restore(DEFINITION, snapshot)
            copy = Hotline.restore(DEFINITION, copy.snapshot())  # and again
            assert copy.next_deadline() == original.next_deadline()
            assert copy.live_calls() == original.live_calls()
            assert copy.wallboard() == original.wallboard()
        item = draw_step(data, original, serial)
        now += data.draw(gaps)
        result = _run(original, item, now)
        if copy is not None:
            assert _run(copy, item, now) == result
    if copy is not None:
        assert copy.take_intervals() == original.take_intervals()


def test_a_snapshot_leaves_the_definition_out() -> None:
    hotline = Hotline(DEFINITION, keep_log=False)
    restored = Hotline.restore(DEFINITION, hotline.snapshot())
    assert restored.definition is DEFINITION
    assert len(hotline.snapshot()) < len(pickle.dumps(DEFINITION))


@pytest.mark.parametrize(
    "data", [b"", b"junk", "text", None, b"callcenter.hotline.snapshot/1\n\x00"]
)
def test_what_is_not_a_snapshot_is_refused(data: object) -> None:
    with pytest.raises(InvalidArgumentError):
        Hotline.restore(DEFINITION, data)  # type: ignore[arg-type]


def test_a_snapshot_of_another_definition_is_refused() -> None:
    snapshot = Hotline(DEFINITION).snapshot()
    with pytest.raises(InvalidArgumentError, match="definition"):
        Hotline.restore(definition(), snapshot)
    with pytest.raises(CallCenterError):
        Hotline.restore("not a definition", snapshot)  # type: ignore[arg-type]


def test_a_snapshot_of_another_state_layout_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from callcenter.hotline import _snapshot

    monkeypatch.setattr(_snapshot, "STATE_LAYOUT", _snapshot.STATE_LAYOUT - 1)
    older = Hotline(DEFINITION).snapshot()
    monkeypatch.undo()
    with pytest.raises(InvalidArgumentError, match="state layout"):
        Hotline.restore(DEFINITION, older)
    Hotline.restore(DEFINITION, Hotline(DEFINITION).snapshot())  # this layout is read


def test_a_hotline_with_an_open_ticket_is_restored_with_it() -> None:
    hotline = Hotline(DEFINITION, keep_log=False)
    hotline.handle(AgentLoggedIn(agent_id="wang"), NOON)
    outputs = hotline.handle(
        CallArrived(call_id="c1", line="branch", caller="13800138000"), NOON + 1
    )
    ring = next(o for o in outputs if isinstance(o, RingAgent))
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id=ring.agent_id), NOON + 2)
    hotline.handle(
        AgentLegEnded(
            call_id="c1",
            agent_id=ring.agent_id,
            outcome="enquiry",
            fields={"category": "damage", "description": "crushed"},
        ),
        NOON + 60,
    )
    [ticket] = list(hotline.desk.tickets())
    restored = Hotline.restore(DEFINITION, hotline.snapshot())
    assert list(restored.desk.tickets()) == [ticket]
    assert restored.next_deadline() == hotline.next_deadline()
    later = hotline.next_deadline()
    assert later is not None
    assert restored.advance(later) == hotline.advance(later)


def test_a_snapshot_naming_anything_but_the_engines_state_is_refused() -> None:
    from callcenter.hotline._snapshot import _MAGIC

    hotline = Hotline(DEFINITION)
    good = hotline.snapshot()
    header_size = int.from_bytes(good[len(_MAGIC) : len(_MAGIC) + 4], "big")
    start = len(_MAGIC) + 4 + header_size
    forged = good[:start] + pickle.dumps(__import__("os").getcwd, protocol=5)
    with pytest.raises(InvalidArgumentError, match="damaged"):
        Hotline.restore(DEFINITION, forged)
    evil_header = pickle.dumps(__import__("os").getcwd, protocol=5)
    forged = _MAGIC + len(evil_header).to_bytes(4, "big") + evil_header
    with pytest.raises(InvalidArgumentError, match="damaged"):
        Hotline.restore(DEFINITION, forged)


def test_a_hotline_in_a_zone_no_calendar_names_survives_a_snapshot() -> None:
    hotline = Hotline(attrs.evolve(DEFINITION, timezone="Pacific/Chatham"))
    copy = Hotline.restore(hotline.definition, hotline.snapshot())
    assert copy.wallboard(1.0) == hotline.wallboard(1.0)
