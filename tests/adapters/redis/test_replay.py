"""The replicated hotline gives the outputs and records of one in-process Hotline
fed the same inputs at the same times (each after ``advance`` to its time)."""

from __future__ import annotations

import contextlib

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.adapters.redis import AdapterLink, output_to_dict
from callcenter.errors import CallCenterError, InvalidArgumentError
from callcenter.hotline import AgentLoggedIn, Hotline, HotlineOutput

from ...hotline.support import NOON
from ...hotline.test_properties import AGENTS, DEFINITION, draw_step, gaps
from .support import NodeThread, applied, published, wait_for


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), size=st.integers(0, 40), cut=st.integers(0, 40))
def test_replicated_outputs_equal_those_of_one_hotline_across_a_failover(
    client: redis.Redis, data: st.DataObject, size: int, cut: int
) -> None:
    client.flushdb()
    local = Hotline(DEFINITION, seed=7)
    options = {"seed": 7, "lease": 0.2, "snapshot_every": 5, "clock": lambda: 0.0}
    first = NodeThread(client, DEFINITION, **options)
    second: NodeThread | None = None
    try:
        wait_for("a leader", lambda: first.node.is_leader)
        second = NodeThread(client, DEFINITION, **options)
        link = AdapterLink(client, DEFINITION.name, "telephony")
        expected: list[HotlineOutput] = []
        now = NOON
        last = None
        serial = [0]
        steps = [AgentLoggedIn(agent_id=agent) for agent in AGENTS]
        for index in range(size + len(steps)):
            if index == cut + len(steps):
                first.halt()  # the standby takes over when the lease expires
            item = steps[index] if index < len(steps) else draw_step(data, local, serial)
            if item is None:
                continue
            now += data.draw(gaps) if index >= len(steps) else 0.0
            # The leader brings the hotline up to each input's time first: timers
            # due fire even when the input is refused.
            with contextlib.suppress(CallCenterError):  # a timer an engine refuses
                expected += local.advance(now)
            with contextlib.suppress(CallCenterError):  # the leader refuses it too
                expected += local.handle(item, now)
            last = link.append(item, now, key=f"step-{index}")
        if last is not None:
            wait_for("every input applied", lambda: applied(client, DEFINITION.name) == last)
        got = [
            output
            for _adapter, output in published(client, DEFINITION.name, ["telephony"])
            if output["type"] != "Refused"
        ]
        assert got == [output_to_dict(o) for o in expected]
    finally:
        first.halt()
        if second is not None:
            second.halt()


def test_an_input_appended_twice_with_one_key_is_logged_once(client: redis.Redis) -> None:
    link = AdapterLink(client, DEFINITION.name, "telephony")
    first = link.append(AgentLoggedIn(agent_id="li"), NOON, key="login-li")
    again = link.append(AgentLoggedIn(agent_id="li"), NOON + 1, key="login-li")
    assert again == first
    assert client.xlen(f"callcenter:{{{DEFINITION.name}}}:log") == 1


def test_an_input_the_leader_could_not_read_is_refused_by_the_adapter(
    client: redis.Redis,
) -> None:
    link = AdapterLink(client, DEFINITION.name, "telephony")
    with pytest.raises(CallCenterError):
        link.append(AgentLoggedIn(agent_id=3), NOON)  # type: ignore[arg-type]
    with pytest.raises(CallCenterError):
        link.append(AgentLoggedIn(agent_id="li"), float("nan"))
    with pytest.raises(CallCenterError):
        link.append("AgentLoggedIn", NOON)  # type: ignore[arg-type]
    assert client.xlen(f"callcenter:{{{DEFINITION.name}}}:log") == 0


def test_a_timer_an_engine_refuses_is_reported_and_the_leader_goes_on(
    client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    advance = Hotline.advance

    def refusing(self: Hotline, now: float) -> list[HotlineOutput]:
        if now == NOON + 5:
            raise InvalidArgumentError(name="fields", expected="what the workflow needs", got={})
        return advance(self, now)

    monkeypatch.setattr(Hotline, "advance", refusing)
    node = NodeThread(client, DEFINITION, lease=0.2, clock=lambda: 0.0)
    try:
        link = AdapterLink(client, DEFINITION.name, "telephony")
        link.append(AgentLoggedIn(agent_id="li"), NOON, key="a")
        link.append(AgentLoggedIn(agent_id="wang"), NOON + 5, key="b")
        last = link.append(AgentLoggedIn(agent_id="zhao"), NOON + 6, key="c")
        wait_for("every input applied", lambda: applied(client, DEFINITION.name) == last)
        refused = [o for _a, o in published(client, DEFINITION.name, ["telephony"])]
        assert [o["type"] for o in refused] == ["Refused"]
        assert node.node.hotline.agent_state("zhao") is node.node.hotline.agent_state("li")
    finally:
        node.halt()
