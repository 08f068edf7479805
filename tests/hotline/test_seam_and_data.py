"""The IVR-to-ACD seam, and inputs as data."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.errors import InvalidArgumentError
from callcenter.hotline import (
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    CallInput,
    KnownCaller,
    contact_from_enqueue,
    input_from_dict,
    input_to_dict,
)
from callcenter.ivr import CallerStatus, Enqueue, HostAnswered, RecordingFinished
from callcenter.routing import RoutingEngine, SkillRequirement

from .support import definition


def _enqueue(**changes: Any) -> Enqueue:
    values: dict[str, Any] = {
        "node": "agent",
        "queue": "orders",
        "priority": 2,
        "skills": ("orders", "english"),
        "attributes": {"caller": "13800138000", "waybill": "123456789012"},
        "language": "en",
    }
    values.update(changes)
    return Enqueue(**values)


def test_the_contact_carries_the_ivrs_attributes_skills_and_language() -> None:
    contact = contact_from_enqueue(
        _enqueue(), call_id="c1", caller="13800138000", dialled="4008001234", line="main"
    )
    assert contact.id == "c1"
    assert contact.priority == 2
    assert contact.skills == (SkillRequirement(skill="orders"), SkillRequirement(skill="english"))
    assert contact.attributes["waybill"] == "123456789012"
    assert contact.attributes["language"] == "en"
    assert contact.attributes["line"] == "main"
    assert contact.attributes["dialled"] == "4008001234"
    assert "tier" not in contact.attributes
    assert contact.preferred_agents == ()
    assert contact.context["waybill"] == "123456789012"


def test_a_known_vip_caller_gets_priority_tier_and_dedicated_agent() -> None:
    known = KnownCaller(
        number="13900000001",
        status=CallerStatus.VIP,
        tier="gold",
        agent="zhao",
        sticky_for=30.0,
        name="Boss Wang",
    )
    contact = contact_from_enqueue(
        _enqueue(), call_id="c1", caller="13900000001", known_caller=known, status=known.status
    )
    assert contact.priority == 3
    assert contact.attributes["tier"] == "gold"
    assert contact.attributes["caller_status"] == "vip"
    assert contact.preferred_agents == ("zhao",)
    assert contact.sticky_for == 30.0
    assert contact.context["caller_name"] == "Boss Wang"


def test_a_flowless_line_gives_a_plain_contact() -> None:
    contact = contact_from_enqueue(None, call_id="c1", caller="1", language="zh")
    assert (contact.priority, contact.skills) == (0, ())
    assert contact.attributes == {"caller": "1", "dialled": "", "language": "zh"}


def test_the_ivrs_queue_counts_only_when_no_rule_chooses_one() -> None:
    engine = RoutingEngine(definition().routing)
    contact = contact_from_enqueue(_enqueue(skills=()), call_id="c1")
    engine.route(contact, 0.0, queue="complaints")
    assert engine.contact_queue("c1") == "complaints"


def test_inputs_are_tagged_flat_data() -> None:
    item = CallInput(call_id="c1", event=HostAnswered(request=2, values={"status": "signed"}))
    data = input_to_dict(item)
    assert data == {
        "type": "CallInput",
        "call_id": "c1",
        "event": {"type": "HostAnswered", "request": 2, "values": {"status": "signed"}},
    }
    assert input_from_dict(data) == item
    ended = AgentLegEnded(call_id="c1", agent_id="li", outcome="complaint", fields={"a": "b"})
    assert input_from_dict(input_to_dict(ended)) == ended
    # Defaults may be left out.
    assert input_from_dict({"type": "AgentLoggedIn", "agent_id": "li"}) == AgentLoggedIn(
        agent_id="li"
    )


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ({"type": "Nope"}, "type"),
        ({"call_id": "c1"}, "type"),
        ({"type": "CallArrived", "line": "main"}, "call_id"),
        ({"type": "CallArrived", "call_id": "c1", "line": "main", "colour": "red"}, "colour"),
        ({"type": "CallArrived", "call_id": 5, "line": "main"}, "call_id"),
        ({"type": "AgentLoggedIn", "agent_id": "li", "ready": "yes"}, "ready"),
        ({"type": "CallInput", "call_id": "c1", "event": {"type": "Dance"}}, "event.type"),
        (
            {
                "type": "CallInput",
                "call_id": "c1",
                "event": {"type": "HostAnswered", "request": 1.5},
            },
            "event.request",
        ),
        (
            {
                "type": "CallInput",
                "call_id": "c1",
                "event": {"type": "RecordingFinished", "reference": "r", "seconds": "nan"},
            },
            "event.seconds",
        ),
        ({"type": "AgentLegEnded", "call_id": "c", "agent_id": "a", "fields": {"a": 1}}, "fields"),
    ],
)
def test_bad_input_data_names_the_key(data: dict[str, Any], name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        input_from_dict(data)
    assert caught.value.name == name


def test_only_hotline_inputs_are_written() -> None:
    with pytest.raises(InvalidArgumentError):
        input_to_dict("CallArrived")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        input_to_dict(CallInput(call_id="c1", event="1"))  # type: ignore[arg-type]
    assert input_to_dict(CallArrived(call_id="c", line="l"))["caller"] == ""
    event = RecordingFinished(reference="r", seconds=3.0)
    assert input_from_dict(input_to_dict(CallInput(call_id="c", event=event))) == CallInput(
        call_id="c", event=event
    )


_seam_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
    st.builds(object),
    st.just(b"13800138000"),
)


@given(
    name=st.sampled_from(
        [
            "enqueue",
            "caller",
            "caller_name",
            "dialled",
            "line",
            "language",
            "known_caller",
            "status",
        ]
    ),
    value=_seam_junk,
)
def test_the_seam_refuses_arguments_of_the_wrong_type(name: str, value: Any) -> None:
    if name in ("enqueue", "known_caller") and value is None:
        return  # None is allowed there
    arguments: dict[str, Any] = {"call_id": "c1", name: value}
    enqueue = arguments.pop("enqueue", _enqueue())
    with pytest.raises(InvalidArgumentError, match=name):
        contact_from_enqueue(enqueue, **arguments)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"attributes": {"waybill": 123456789012}}, "enqueue.attributes"),
        ({"skills": ["orders"]}, "enqueue.skills"),
        ({"skills": (1,)}, "enqueue.skills"),
        ({"priority": "2"}, "enqueue.priority"),
    ],
)
def test_the_seam_refuses_an_enqueue_built_with_values_of_the_wrong_type(
    changes: dict[str, Any], name: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=name):
        contact_from_enqueue(_enqueue(**changes), call_id="c1")
