"""The hotline owns what it keeps: mappings a host gives or gets back are copies.

A host that reuses or edits a mapping after the call (ticket fields, a lookup's
answer, the screen pop of an offer) changes neither the hotline's state, nor its
saved input log, nor what a replay of that log does.
"""

from __future__ import annotations

import json
from pathlib import Path

from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    CallCommand,
    CallInput,
    Hotline,
    HotlineOutput,
    RingAgent,
    TicketRule,
    load_hotline,
)
from callcenter.ivr import AskHost, DigitsPressed, HostAnswered

from .support import NOON, arrive, definition, press

ROOT = Path(__file__).resolve().parents[2]


def _complaint_hotline() -> Hotline:
    hotline = Hotline(
        definition(ticket_rules=[TicketRule(workflow="complaint", agent_outcome="complaint")])
    )
    hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
    arrive(hotline, "c1", NOON + 1)
    press(hotline, "c1", "3", NOON + 2)
    hotline.handle(AgentLegAnswered(call_id="c1", agent_id="li"), NOON + 3)
    return hotline


def test_ticket_fields_changed_by_the_host_afterwards_change_no_saved_state() -> None:
    hotline = _complaint_hotline()
    fields = {"category": "damage", "description": "crushed"}
    hotline.handle(
        AgentLegEnded(call_id="c1", agent_id="li", outcome="complaint", fields=fields), NOON + 4
    )
    saved = json.dumps(hotline.to_dict())
    fields["category"] = "changed later"
    fields["extra"] = "added later"
    assert json.dumps(hotline.to_dict()) == saved
    copy = Hotline.from_dict(hotline.definition, json.loads(saved))
    (ticket,) = copy.desk.tickets()
    assert ticket.fields["category"] == "damage"
    assert "extra" not in ticket.fields


def test_a_lookup_answer_changed_by_the_host_afterwards_changes_no_saved_state() -> None:
    definition = load_hotline(ROOT / "examples" / "hotline" / "tianjin.toml")
    hotline = Hotline(definition)
    hotline.handle(CallArrived(call_id="c1", line="hotline", caller="13800138000"), NOON)
    hotline.handle(CallInput(call_id="c1", event=DigitsPressed(digits="1")), NOON + 1)
    out = hotline.handle(
        CallInput(call_id="c1", event=DigitsPressed(digits="123456789012#")), NOON + 2
    )
    (ask,) = [o.command for o in out if isinstance(o, CallCommand)]
    assert isinstance(ask, AskHost)
    values = {"status": "signed", "location": "Tianjin"}
    answer = CallInput(call_id="c1", event=HostAnswered(request=ask.request, values=values))
    hotline.handle(answer, NOON + 3)
    saved = json.dumps(hotline.to_dict())
    values["status"] = "lost"
    assert json.dumps(hotline.to_dict()) == saved


def _offers(outputs: list[HotlineOutput]) -> list[RingAgent]:
    return [o for o in outputs if isinstance(o, RingAgent)]


def test_a_screen_pop_edited_by_the_host_changes_no_later_offer() -> None:
    edited = Hotline(definition())
    plain = Hotline(definition())
    for hotline in (edited, plain):
        hotline.handle(AgentLoggedIn(agent_id="li"), NOON)
        arrive(hotline, "c1", NOON + 1)
    (offer,) = _offers(press(edited, "c1", "2", NOON + 2))
    press(plain, "c1", "2", NOON + 2)
    offer.context["crm"] = "added by the host"  # type: ignore[index]
    # The ring times out and the call is offered again: the same screen pop as before.
    again = _offers(edited.advance(NOON + 30))
    assert again
    assert again == _offers(plain.advance(NOON + 30))
    assert "crm" not in again[0].context
