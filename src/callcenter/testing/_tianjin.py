"""The Tianjin 400 hotline as one :class:`~callcenter.hotline.HotlineDefinition`.

The definition the adapter conformance kit runs its scripted calls on. It is the
repository's ``examples/hotline/tianjin.toml`` with the two documents it names
written inline (the IVR of ``examples/ivr/tianjin-400.toml`` and the ACD), so that
the kit works from an installed package, without the ``examples/`` folder; a test
keeps the two equal.
"""

from __future__ import annotations

import datetime
import tomllib
from zoneinfo import ZoneInfo

from ..hotline import HotlineDefinition, hotline_from_dict

__all__ = [
    "TIANJIN_BLOCKED",
    "TIANJIN_LINE",
    "TIANJIN_VIP",
    "tianjin_hotline",
    "tianjin_time",
]

TIANJIN_LINE = "4008001234"
"""The Tianjin hotline's dialled number."""

TIANJIN_VIP = "13800000101"
"""A VIP customer's number; their dedicated agent is ``enquiry-1``."""

TIANJIN_BLOCKED = "17000000666"
"""A harassing caller's number, on the block list."""

_HOTLINE = """
name = "tianjin"
timezone = "Asia/Shanghai"
answer_time = 20

[lines.hotline]
number = "4008001234"
flow = "tianjin-400"
language = "zh"

[hold]
music = "tianjin-hold"
announce_every = 60

[endpoints.enquiry-1]
extension = "8001"

[endpoints.enquiry-2]
extension = "8002"

[endpoints.enquiry-3]
extension = "8003"

[endpoints.business-1]
extension = "8101"

[endpoints.business-2]
extension = "8102"

[endpoints.sales-mobile-1]
mobile = "+86 139 0000 0001"

[endpoints.sales-mobile-2]
mobile = "+86 139 0000 0002"

[[callers]]
number = "13800000101"
status = "vip"
tier = "VIP"
agent = "enquiry-1"
sticky_for = 30
name = "天津港物流 王经理"

[[callers]]
number = "13800000102"
status = "vip"
tier = "VIP"
agent = "enquiry-1"
sticky_for = 30
name = "滨海电商 李女士"

[[callers]]
number = "022 2345 6789"
status = "vip"
tier = "VIP"
agent = "enquiry-1"
sticky_for = 30
name = "和平区仓储中心"

[[callers]]
number = "17000000666"
status = "blocked"

[[ticket_rules]]
workflow = "complaint"
agent_outcome = "complaint"
queue = "complaints"
fields = { category = "service" }

[[ticket_rules]]
workflow = "callback"
ivr_result = "voicemail"
fields = { reason = "voicemail left out of hours" }
"""

_ZONE = ZoneInfo("Asia/Shanghai")

_FLOW = '''
name = "tianjin-400"
start = "hours"
languages = ["zh"]
queues = ["tracking", "orders", "complaints", "general"]
on_no_input = "agent"
on_no_match = "agent"
on_error = "agent"
max_steps = 60

[attributes]
line = "tianjin-400"

[calendars.tianjin]
name = "Tianjin 400 hotline"
timezone = "Asia/Shanghai"
weekly = { mon-fri = ["08:00-20:00"], sat = ["09:00-17:00"], sun = [] }
holidays = [
    { date = 2026-10-01, name = "National Day" },
    { date = 2026-10-02, name = "National Day" },
    { date = 2026-10-03, name = "National Day", hours = ["10:00-16:00"] },
    { date = 2026-10-04, name = "National Day" },
    { date = 2026-10-05, name = "National Day" },
    { date = 2026-10-06, name = "National Day" },
    { date = 2026-10-07, name = "National Day" },
]
makeup_workdays = [
    { date = 2026-09-20, name = "National Day make-up" },
    { date = 2026-10-10, name = "National Day make-up", as_weekday = "friday" },
]

[prompts]
main_short.zh = "查询运单按1,下单按2,投诉建议按3,重听按0。"
sorry_no_input.zh = "对不起,没有听到您的按键。"
sorry_no_match.zh = "对不起,您的输入有误。"
enter_waybill_short.zh = "请重新输入12位运单号,以#号键结束。"
waybill_status.zh = "运单{waybill}的状态是:{waybill.status},当前位置:{waybill.location}。"
waybill_unknown.zh = "没有找到运单{waybill},请核对后重新输入。"
after_status.zh = "返回主菜单请按1,转人工请按0,结束通话请按9。"
thanks.zh = "感谢您的来电,再见。"

[prompts.welcome.zh]
text = "欢迎致电天津XX物流,查询运单请按1,业务下单请按2,投诉与建议请按3,重听请按0。"
seconds = 9.0

[prompts.enter_waybill.zh]
text = "请输入您的12位运单号,以#号键结束。转人工查询请按0。"
seconds = 6.5

[prompts.closed.zh]
text = """\
现在是非工作时间,我们的服务时间是周一至周五8点到20点,周六9点到17点。\
请在提示音后留言,按#号键结束。"""

[nodes.hours]
kind = "hours"
calendar = "tianjin"
open = "main"
closed = "voicemail"

[nodes.main]
kind = "menu"
prompt = "welcome"
short_prompt = "main_short"
options = { 1 = "track", 2 = "orders", 3 = "complaints", 0 = "@repeat" }
no_input_prompt = "sorry_no_input"
no_match_prompt = "sorry_no_match"

[nodes.track]
kind = "collect"
prompt = "enter_waybill"
short_prompt = "enter_waybill_short"
store = "waybill"
min_digits = 12
max_digits = 12
terminator = "#"
# Waybill numbers never start with 0, so 0 can be the way to an agent.
pattern = "[1-9][0-9]{11}"
keys = { 0 = "agent_tracking" }
next = "lookup"
no_input_prompt = "sorry_no_input"
no_match_prompt = "sorry_no_match"
on_no_input = "agent_tracking"
on_no_match = "agent_tracking"

[nodes.lookup]
kind = "lookup"
query = "waybill_status"
arguments = { waybill = "{waybill}" }
into = "waybill."
timeout = 4.0
next = "status"
not_found = "unknown"
on_failure = "agent_tracking"

[nodes.status]
kind = "say"
prompt = "waybill_status"
next = "after"

[nodes.unknown]
kind = "say"
prompt = "waybill_unknown"
next = "track"

[nodes.after]
kind = "menu"
prompt = "after_status"
options = { 1 = "main", 0 = "agent_tracking", 9 = "goodbye" }
no_input_limit = 2
on_no_input = "goodbye"

[nodes.orders]
kind = "enqueue"
queue = "orders"
skills = ["order-taking"]

[nodes.complaints]
kind = "enqueue"
queue = "complaints"
priority = 1
skills = ["complaints"]

[nodes.agent_tracking]
kind = "enqueue"
queue = "tracking"
skills = ["tracking"]

[nodes.agent]
kind = "enqueue"
queue = "general"

[nodes.voicemail]
kind = "record"
prompt = "closed"
mailbox = "voicemail-tianjin"
max_seconds = 90
next = "goodbye"

[nodes.goodbye]
kind = "say"
prompt = "thanks"
next = "end"

[nodes.end]
kind = "hangup"
'''

_ROUTING = """
cross_queue = "oldest_wait"

[[queues]]
id = "tracking"
strategy = "longest_idle"
wrap_up = 15
ring_timeout = 20

[[queues]]
id = "general"
strategy = "longest_idle"
wrap_up = 15
ring_timeout = 20

[[queues]]
id = "orders"
strategy = "longest_idle"
wrap_up = 20
ring_timeout = 20
start_tier = 1
escalation = [{ after = 20, any_tier = true }]

[[queues]]
id = "complaints"
strategy = "longest_idle"
wrap_up = 30
ring_timeout = 20
max_wait = 600
overflow = { kind = "callback" }

[[agents]]
id = "enquiry-1"
skills = { tracking = 5, complaints = 3 }
queues = [{ queue = "tracking" }, { queue = "general" }, { queue = "complaints", tier = 2 }]

[[agents]]
id = "enquiry-2"
skills = { tracking = 3 }
queues = [{ queue = "tracking" }, { queue = "general" }]

[[agents]]
id = "enquiry-3"
skills = { tracking = 3 }
queues = [{ queue = "tracking" }, { queue = "general" }]

[[agents]]
id = "business-1"
skills = { order-taking = 3, complaints = 3 }
queues = [{ queue = "orders" }, { queue = "complaints" }]

[[agents]]
id = "business-2"
skills = { order-taking = 3, complaints = 3 }
queues = [{ queue = "orders" }, { queue = "complaints" }]

[[agents]]
id = "sales-mobile-1"
skills = { order-taking = 4 }
mobile_number = "+86 139 0000 0001"
queues = [{ queue = "orders", tier = 2 }]

[[agents]]
id = "sales-mobile-2"
skills = { order-taking = 4 }
mobile_number = "+86 139 0000 0002"
queues = [{ queue = "orders", tier = 2 }]

[[rules.rules]]
name = "VIP customers first"
when = { tier = "VIP" }
priority = 1
"""


def tianjin_time(hour: int, minute: int = 0, second: float = 0.0, *, day: int = 8) -> float:
    """POSIX seconds at a wall-clock time in Tianjin, by default on Thursday 2026-10-08.

    >>> tianjin_time(10) - tianjin_time(9, 59)
    60.0
    """
    moment = datetime.datetime(2026, 10, day, hour, minute, tzinfo=_ZONE)
    return moment.timestamp() + second


def tianjin_hotline() -> HotlineDefinition:
    """The Tianjin 400 hotline: one line, its IVR, seven agents, VIP and blocked callers.

    Open Monday to Friday 08:00-20:00 and Saturday 09:00-17:00 (Asia/Shanghai, with
    the National Day holidays of 2026); callers out of hours leave a voicemail, which
    opens a callback ticket. Complaints that the agent reports with the outcome
    ``"complaint"`` open a complaint ticket. VIP callers such as :data:`TIANJIN_VIP`
    are offered to ``enquiry-1`` first (only to them for 30 seconds);
    :data:`TIANJIN_BLOCKED` is rejected.
    """
    document = tomllib.loads(_HOTLINE)
    document["flows"] = {"tianjin-400": tomllib.loads(_FLOW)}
    document["routing"] = tomllib.loads(_ROUTING)
    return hotline_from_dict(document, what="the Tianjin hotline")
