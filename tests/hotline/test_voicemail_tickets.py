"""A ticket opened for a voicemail names the message, so the back office can find it."""

from __future__ import annotations

from callcenter.hotline import (
    CallInput,
    Hotline,
    TicketRule,
    TicketUpdate,
)
from callcenter.ivr import PromptFinished, RecordingFinished
from callcenter.testing import HostReply, tianjin_hotline, tianjin_scripts
from callcenter.tickets import TicketOpened

from .support import NOON, arrive, definition, press


def test_the_night_scripts_callback_ticket_carries_the_recording_reference() -> None:
    [script] = [s for s in tianjin_scripts() if s.name == "night-voicemail"]
    hotline = Hotline(tianjin_hotline())
    references = []
    for step in script.steps:
        if step.input is None:
            hotline.advance(step.at)
            continue
        item = step.input
        assert not isinstance(item, HostReply)  # the night call asks the host nothing
        if isinstance(item, CallInput) and isinstance(item.event, RecordingFinished):
            references.append(item.event.reference)
        hotline.handle(item, step.at)
    [ticket] = list(hotline.desk.tickets())
    assert ticket.workflow == "callback"
    assert ticket.fields["recording"] == references[0] == "vm-0001"
    assert ticket.fields["reason"] == "voicemail left out of hours"


def test_a_ticket_for_another_ivr_result_gets_no_recording_field() -> None:
    rule = TicketRule(workflow="callback", ivr_result="enqueued", fields={"reason": "queued"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    arrive(hotline, "c1", NOON)
    out = press(hotline, "c1", "2", NOON + 1)
    [update] = [o for o in out if isinstance(o, TicketUpdate)]
    assert isinstance(update.event, TicketOpened)
    assert "recording" not in hotline.desk.get(update.event.ticket_id).fields


def test_a_voicemail_rules_own_fields_stay_beside_the_recording() -> None:
    rule = TicketRule(workflow="callback", ivr_result="voicemail", fields={"reason": "message"})
    hotline = Hotline(definition(ticket_rules=[rule]))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "9", NOON + 1)
    hotline.handle(CallInput(call_id="c1", event=PromptFinished()), NOON + 3)
    event = RecordingFinished(reference="box/2026-12-01/c1.wav", seconds=20.0)
    out = hotline.handle(CallInput(call_id="c1", event=event), NOON + 23)
    [update] = [o for o in out if isinstance(o, TicketUpdate)]
    assert isinstance(update.event, TicketOpened)
    fields = hotline.desk.get(update.event.ticket_id).fields
    assert (fields["recording"], fields["reason"]) == ("box/2026-12-01/c1.wav", "message")
