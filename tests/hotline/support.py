"""A small hotline for the tests: two queues and a VIP queue, a menu, a branch line."""

from __future__ import annotations

from collections.abc import Iterable

from callcenter.calendars import BusinessCalendar
from callcenter.hotline import (
    CallArrived,
    CallInput,
    Endpoint,
    HoldTreatment,
    Hotline,
    HotlineDefinition,
    HotlineOutput,
    KnownCaller,
    Line,
    TicketRule,
)
from callcenter.ivr import CallerStatus, DigitsPressed, Flow, FlowBuilder
from callcenter.routing import (
    AgentDefinition,
    Membership,
    QueueDefinition,
    RoutingDefinition,
    RoutingRule,
    RuleSet,
)

# 2026-12-01 (a Tuesday) 12:00 in Asia/Shanghai (UTC+8), as POSIX seconds.
NOON = 1_796_097_600.0
NIGHT = NOON + 10 * 3600.0  # 22:00 local

VIP_NUMBER = "13900000001"
BLOCKED_NUMBER = "13900000666"
CALLER = "13800138000"


def menu_flow() -> Flow:
    """Press 1: self-service; 2: orders; 3: complaints; 9: voicemail."""
    return (
        FlowBuilder("tianjin", start="main", languages=["zh", "en"])
        .prompt("welcome", zh="查询请按1，下单请按2，投诉请按3", en="Press 1, 2 or 3")
        .prompt("status", zh="您的运单已签收", en="Delivered")
        .prompt("leave", zh="请留言", en="Leave a message")
        .menu(
            "main",
            prompt="welcome",
            options={"1": "status", "2": "orders", "3": "complaints", "9": "voicemail"},
            on_no_input="orders",
            on_no_match="orders",
            timeout=5.0,
            no_input_limit=1,
        )
        .say("status", prompt="status", next="bye", hangup_result="completed")
        .hangup("bye")
        .enqueue("orders", queue="orders", skills=["orders"])
        .enqueue("complaints", queue="complaints")
        .record("voicemail", prompt="leave", mailbox="general", next="bye")
        .build()
    )


def definition(
    *,
    hold: HoldTreatment | None = None,
    rules: Iterable[RoutingRule] = (),
    ticket_rules: Iterable[TicketRule] = (),
    wrap_up: float = 0.0,
) -> HotlineDefinition:
    office = BusinessCalendar.from_dict(
        {"name": "office", "timezone": "Asia/Shanghai", "weekly": {"mon-sun": ["08:00-18:00"]}}
    )
    return HotlineDefinition(
        name="test",
        timezone="Asia/Shanghai",
        lines=(
            Line(id="main", number="4008001234", flow="tianjin"),
            Line(
                id="branch",
                number="022-5555",
                queue="complaints",
                calendar="office",
                closed_line="main",
            ),
        ),
        flows={"tianjin": menu_flow()},
        calendars={"office": office},
        routing=RoutingDefinition(
            queues=(
                QueueDefinition(id="orders", skill="orders", ring_timeout=20.0, wrap_up=wrap_up),
                QueueDefinition(id="complaints", ring_timeout=20.0, wrap_up=wrap_up),
                QueueDefinition(id="vip", ring_timeout=20.0, wrap_up=wrap_up),
            ),
            agents=(
                AgentDefinition(
                    id="li",
                    skills={"orders": 3},
                    queues=(Membership(queue="orders"), Membership(queue="complaints")),
                ),
                AgentDefinition(id="wang", queues=(Membership(queue="complaints"),)),
                AgentDefinition(
                    id="zhao",
                    queues=(Membership(queue="vip"),),
                    mobile_number="+8613700000009",
                ),
            ),
            rules=RuleSet(rules=tuple(rules)),
        ),
        ticket_rules=tuple(ticket_rules),
        callers=(
            KnownCaller(number=VIP_NUMBER, status=CallerStatus.VIP, tier="VIP", name="Boss"),
            KnownCaller(number=BLOCKED_NUMBER, status=CallerStatus.BLOCKED),
        ),
        endpoints={
            "li": Endpoint(agent="li", extension="8001"),
            "wang": Endpoint(agent="wang", sip_uri="sip:8002@pbx"),
        },
        hold=hold if hold is not None else HoldTreatment(announce_every=0.0),
    )


def kinds(outputs: Iterable[HotlineOutput]) -> list[str]:
    return [type(o).__name__ for o in outputs]


def arrive(
    hotline: Hotline, call_id: str, now: float, *, caller: str = CALLER, line: str = "4008001234"
) -> list[HotlineOutput]:
    return hotline.handle(CallArrived(call_id=call_id, line=line, caller=caller), now)


def press(hotline: Hotline, call_id: str, digits: str, now: float) -> list[HotlineOutput]:
    return hotline.handle(CallInput(call_id=call_id, event=DigitsPressed(digits=digits)), now)
