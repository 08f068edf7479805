"""The seeds' contact centers, end to end through the public API, the way a host runs them.

Each test plays the telephony and the agents' desks around a ``Hotline`` built from a
definition, the way tutorial 9 does: inputs with the time, outputs carried out, the
timers woken at ``next_deadline()``. The Tianjin 400 hotline (seed 000) runs a morning
of calls from ``examples/hotline/tianjin.toml``; the Guangzhou center (seed 001) sends
callers of its trilingual IVR to agents who speak their language and VIPs straight to
their queue; the railway center (seed 002) switches a branch office's line to the
central center at night.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from callcenter.calendars import BusinessCalendar
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    AgentNotReady,
    CallArrived,
    CallCommand,
    CallInput,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    KnownCaller,
    Line,
    RejectCall,
    RingAgent,
    TicketUpdate,
    load_hotline,
)
from callcenter.ivr import (
    AskHost,
    CallerHungUp,
    CallerStatus,
    DigitsPressed,
    HostAnswered,
    Play,
    PromptFinished,
    load_flow,
)
from callcenter.metrics import Outcome
from callcenter.routing import AgentDefinition, Membership, QueueDefinition, RoutingDefinition
from callcenter.testing import tianjin_time
from callcenter.tickets import TicketOpened

ROOT = Path(__file__).resolve().parents[2]


class Telephony:
    """The host's side: feeds the hotline, keeps what came back, wakes its timers."""

    def __init__(self, hotline: Hotline) -> None:
        self.hotline = hotline
        self.outputs: list[HotlineOutput] = []

    def at(self, now: float, item: HotlineInput) -> list[HotlineOutput]:
        """Wake the timers due before ``now``, then hand the input over."""
        self.wait_until(now)
        outputs = self.hotline.handle(item, now)
        self.outputs += outputs
        return outputs

    def wait_until(self, now: float) -> None:
        deadline = self.hotline.next_deadline()
        while deadline is not None and deadline <= now:
            self.outputs += self.hotline.advance(deadline)
            deadline = self.hotline.next_deadline()

    def records(self) -> dict[str, ContactFinished]:
        return {o.call_id: o for o in self.outputs if type(o) is ContactFinished}

    def rings(self, call: str) -> list[str]:
        return [o.agent_id for o in self.outputs if type(o) is RingAgent and o.call_id == call]

    def prompts(self, call: str) -> list[str]:
        return [
            o.command.prompt
            for o in self.outputs
            if type(o) is CallCommand and o.call_id == call and type(o.command) is Play
        ]


def keys(call: str, digits: str) -> CallInput:
    return CallInput(call_id=call, event=DigitsPressed(digits=digits))


def played(call: str) -> CallInput:
    return CallInput(call_id=call, event=PromptFinished())


def last_lookup(outputs: Sequence[HotlineOutput]) -> int:
    asks = [o.command for o in outputs if type(o) is CallCommand and type(o.command) is AskHost]
    return asks[-1].request


def test_a_morning_of_the_tianjin_400_hotline() -> None:
    hotline = Hotline(load_hotline(ROOT / "examples" / "hotline" / "tianjin.toml"))
    phone = Telephony(hotline)

    # 08:00: the enquiry group and the business group sign in.
    for agent in ("enquiry-1", "enquiry-2", "business-1"):
        phone.at(tianjin_time(8), AgentLoggedIn(agent_id=agent))

    # 09:00: a customer checks a waybill in self-service and hangs up satisfied.
    t = tianjin_time(9)
    phone.at(t, CallArrived(call_id="w1", line="4008001234", caller="13800138000"))
    phone.at(t + 3, keys("w1", "1"))
    asked = phone.at(t + 12, keys("w1", "123456789012#"))
    found = HostAnswered(request=last_lookup(asked), values={"status": "在途", "location": "天津"})
    phone.at(t + 13, CallInput(call_id="w1", event=found))
    phone.at(t + 20, played("w1"))
    phone.at(t + 23, keys("w1", "9"))
    phone.at(t + 25, played("w1"))
    assert phone.prompts("w1") == [
        "welcome",
        "enter_waybill",
        "waybill_status",
        "after_status",
        "thanks",
    ]
    assert phone.records()["w1"].record.outcome is Outcome.FINISHED_IN_IVR
    assert phone.rings("w1") == []

    # 09:10: a key customer on the VIP list asks for an agent: their dedicated agent,
    # enquiry-1, takes the call.
    t = tianjin_time(9, 10)
    phone.at(t, CallArrived(call_id="vip", line="4008001234", caller="13800000101"))
    phone.at(t + 3, keys("vip", "1"))
    phone.at(t + 6, keys("vip", "0"))
    assert phone.rings("vip") == ["enquiry-1"]
    ring = next(o for o in phone.outputs if type(o) is RingAgent and o.call_id == "vip")
    assert ring.endpoint == "8001"
    assert ring.context["caller_name"] == "天津港物流 王经理"  # the screen pop
    phone.at(t + 8, AgentLegAnswered(call_id="vip", agent_id="enquiry-1"))

    # 09:20: a complaint; business-1 takes it and reports the outcome "complaint":
    # a complaint ticket opens, owned by the agent who took the call.
    t = tianjin_time(9, 20)
    phone.at(t, CallArrived(call_id="cp", line="4008001234", caller="13700000002"))
    phone.at(t + 4, keys("cp", "3"))
    assert phone.rings("cp") == ["business-1"]
    phone.at(t + 7, AgentLegAnswered(call_id="cp", agent_id="business-1"))
    ended = AgentLegEnded(
        call_id="cp",
        agent_id="business-1",
        outcome="complaint",
        fields={"description": "parcel two days late"},
    )
    phone.at(t + 300, ended)
    opened = [
        o.event for o in phone.outputs if type(o) is TicketUpdate and type(o.event) is TicketOpened
    ]
    assert [(e.workflow, e.owner) for e in opened] == [("complaint", "business-1")]

    # 09:30: the harassing number on the block list is refused without an answer.
    phone.at(
        tianjin_time(9, 30), CallArrived(call_id="bad", line="4008001234", caller="17000000666")
    )
    assert any(type(o) is RejectCall and o.call_id == "bad" for o in phone.outputs)
    assert phone.records()["bad"].record.outcome is Outcome.BLOCKED

    # 09:40: the VIP call ends. business-1 goes on a break, so the next caller who
    # wants to place an order waits with nobody to take the call, and hangs up.
    phone.at(tianjin_time(9, 40), AgentLegEnded(call_id="vip", agent_id="enquiry-1"))
    phone.at(tianjin_time(9, 40), AgentNotReady(agent_id="business-1", reason="break"))
    t = tianjin_time(9, 41)
    phone.at(t, CallArrived(call_id="or", line="4008001234", caller="13600000003"))
    phone.at(t + 4, keys("or", "2"))
    phone.at(t + 60, CallInput(call_id="or", event=CallerHungUp()))
    phone.wait_until(tianjin_time(10))
    assert phone.rings("or") == []

    records = {call: finished.record.outcome for call, finished in phone.records().items()}
    assert records == {
        "w1": Outcome.FINISHED_IN_IVR,
        "vip": Outcome.ANSWERED,
        "cp": Outcome.ANSWERED,
        "bad": Outcome.BLOCKED,
        "or": Outcome.ABANDONED_IN_QUEUE,
    }
    assert hotline.live_calls() == []


def railway() -> HotlineDefinition:
    """Seed 002: a branch office's line goes to the central center from 18:00 to 08:00."""
    office_hours = BusinessCalendar.from_dict(
        {
            "name": "branch office",
            "timezone": "Asia/Shanghai",
            "weekly": {"mon-sun": ["08:00-18:00"]},
        }
    )
    return HotlineDefinition(
        name="railway-express",
        timezone="Asia/Shanghai",
        lines=(
            Line(id="central", number="95105366", queue="central"),
            Line(
                id="tianjin-office",
                number="02258880000",
                queue="tianjin-office",
                calendar="office",
                closed_line="central",
            ),
        ),
        calendars={"office": office_hours},
        routing=RoutingDefinition(
            queues=(QueueDefinition(id="central"), QueueDefinition(id="tianjin-office")),
            agents=(
                AgentDefinition(id="central-1", queues=(Membership(queue="central"),)),
                AgentDefinition(id="office-1", queues=(Membership(queue="tianjin-office"),)),
            ),
        ),
    )


def test_a_branch_office_line_switches_to_the_central_center_at_night() -> None:
    phone = Telephony(Hotline(railway()))
    for agent in ("central-1", "office-1"):
        phone.at(tianjin_time(7), AgentLoggedIn(agent_id=agent))

    # In office hours the office answers its own line (first-contact ownership).
    phone.at(tianjin_time(10), CallArrived(call_id="day", line="02258880000", caller="13900001111"))
    assert phone.rings("day") == ["office-1"]
    assert phone.hotline.call("day").line == "tianjin-office"
    phone.at(tianjin_time(10, 1), CallInput(call_id="day", event=CallerHungUp()))

    # At 19:00 the same number reaches the central center, which serves 7x24.
    night = tianjin_time(19)
    phone.at(night, CallArrived(call_id="night", line="02258880000", caller="13900002222"))
    assert phone.rings("night") == ["central-1"]
    view = phone.hotline.call("night")
    assert (view.line, view.dialled) == ("central", "02258880000")

    # At 07:59 the next morning the office is still closed; at 08:00 it is open.
    early = tianjin_time(7, 59, day=9)
    phone.at(early, CallArrived(call_id="early", line="02258880000", caller="13900003333"))
    assert phone.hotline.call("early").line == "central"
    opening = tianjin_time(8, day=9)
    phone.at(opening, CallArrived(call_id="open", line="02258880000", caller="13900004444"))
    assert phone.hotline.call("open").line == "tianjin-office"


def guangzhou() -> HotlineDefinition:
    """Seed 001: a trilingual IVR; callers reach agents who speak their language."""
    flow = load_flow(ROOT / "examples" / "ivr" / "guangzhou-3lang.toml")
    speakers = {"li": "mandarin", "chan": "cantonese", "smith": "english"}
    agents = [
        AgentDefinition(id=agent, skills={skill: 3}, queues=(Membership(queue="service"),))
        for agent, skill in speakers.items()
    ]
    agents.append(AgentDefinition(id="expert", queues=(Membership(queue="vip"),)))
    return HotlineDefinition(
        name="guangzhou",
        timezone="Asia/Shanghai",
        lines=(Line(id="service", number="02088880000", flow="guangzhou-3lang"),),
        flows={"guangzhou-3lang": flow},
        routing=RoutingDefinition(
            queues=(
                QueueDefinition(id="service"),
                QueueDefinition(id="vip"),
                QueueDefinition(id="voicemail"),
            ),
            agents=tuple(agents),
        ),
        callers=(KnownCaller(number="13922220000", status=CallerStatus.VIP, name="陈先生"),),
    )


def test_guangzhou_callers_reach_an_agent_who_speaks_their_language() -> None:
    phone = Telephony(Hotline(guangzhou()))
    for agent in ("li", "chan", "smith", "expert"):
        phone.at(tianjin_time(9), AgentLoggedIn(agent_id=agent))

    # A Cantonese speaker picks 2 at the language menu, then waits at the welcome.
    t = tianjin_time(10)
    phone.at(t, CallArrived(call_id="yue", line="02088880000", caller="13800001111"))
    phone.at(t + 3, keys("yue", "2"))
    assert phone.prompts("yue") == ["choose_language", "welcome"]
    welcome = [o for o in phone.outputs if type(o) is CallCommand and o.call_id == "yue"][-2]
    assert type(welcome.command) is Play
    assert welcome.command.language == "yue"
    phone.at(t + 12, played("yue"))
    phone.wait_until(t + 20)  # silence after the welcome: to an agent
    assert phone.rings("yue") == ["chan"]
    ring = next(o for o in phone.outputs if type(o) is RingAgent and o.call_id == "yue")
    assert ring.context["language"] == "yue"

    # An English speaker, the same way, reaches smith.
    t = tianjin_time(10, 5)
    phone.at(t, CallArrived(call_id="en", line="02088880000", caller="13800002222"))
    phone.at(t + 3, keys("en", "3"))
    phone.at(t + 12, played("en"))
    phone.wait_until(t + 20)
    assert phone.rings("en") == ["smith"]

    # A VIP on the caller list skips the menus and goes to the VIP queue.
    t = tianjin_time(10, 10)
    phone.at(t, CallArrived(call_id="vip", line="02088880000", caller="13922220000"))
    assert phone.prompts("vip") == []
    assert phone.rings("vip") == ["expert"]
