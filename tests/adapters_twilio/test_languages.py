"""Prompts are spoken in the caller's language: Mandarin, Cantonese, English, configurable."""

from __future__ import annotations

import tomllib
from xml.etree import ElementTree

from callcenter.adapters.twilio import TwilioAdapter, TwilioDouble, TwilioSettings
from callcenter.hotline import Hotline, hotline_from_dict

from .support import PUBLIC, TOKEN, signed

HOTLINE = """
name = "three languages"
timezone = "Asia/Shanghai"

[lines.mandarin]
number = "4008001001"
flow = "menu"
language = "zh"

[lines.cantonese]
number = "4008001002"
flow = "menu"
language = "yue"

[lines.english]
number = "4008001003"
flow = "menu"
language = "en"

[flows.menu]
name = "menu"
start = "hello"
languages = ["zh", "yue", "en"]
prompts = { hi.zh = "您好", hi.yue = "你好呀", hi.en = "Hello & welcome <friend>" }

[flows.menu.nodes.hello]
kind = "say"
prompt = "hi"
next = "end"

[flows.menu.nodes.end]
kind = "hangup"
"""


def _said(settings: TwilioSettings, line: str) -> tuple[str, dict[str, str]]:
    hotline = Hotline(hotline_from_dict(tomllib.loads(HOTLINE)))
    adapter = TwilioAdapter(hotline, settings)
    params = {"CallSid": "CA1", "From": "13800138000", "To": line}
    response = adapter.handle("POST", PUBLIC + "/voice", *signed(PUBLIC + "/voice", params), 1.8e9)
    assert response.status == 200, response.body
    say = ElementTree.fromstring(response.body).find("Say")
    assert say is not None
    return say.text or "", dict(say.attrib)


def test_each_language_is_said_in_twilios_language() -> None:
    settings = TwilioSettings(public_url=PUBLIC, auth_tokens=(TOKEN,))
    assert _said(settings, "4008001001") == ("您好", {"language": "zh-CN"})
    assert _said(settings, "4008001002") == ("你好呀", {"language": "zh-HK"})
    assert _said(settings, "4008001003") == ("Hello & welcome <friend>", {"language": "en-US"})


def test_the_mapping_and_the_voices_are_configurable() -> None:
    settings = TwilioSettings(
        public_url=PUBLIC,
        auth_tokens=(TOKEN,),
        languages={"en": "en-GB"},
        voices={"en-GB": "Polly.Amy"},
    )
    assert _said(settings, "4008001003")[1] == {"language": "en-GB", "voice": "Polly.Amy"}


def test_the_double_hears_it() -> None:
    hotline = Hotline(hotline_from_dict(tomllib.loads(HOTLINE)))
    adapter = TwilioAdapter(hotline, TwilioSettings(public_url=PUBLIC, auth_tokens=(TOKEN,)))
    heard = TwilioDouble(adapter, now=1.8e9).call("13800138000", "4008001002")
    assert heard == ["says: 你好呀", "the hotline hangs up"]


HELD = """
name = "held"
timezone = "Asia/Shanghai"

[lines.mandarin]
number = "4008001001"
queue = "q"
language = "zh"

[lines.english]
number = "4008001003"
queue = "q"
language = "en"

[hold]
announce_position = true

[routing]
queues = [{id = "q"}]
agents = [{id = "li", queues = [{queue = "q"}]}]
"""


def _hold_announcement(line: str) -> tuple[str, dict[str, str]]:
    """What a caller on ``line``, queued with nobody logged in, hears while holding."""
    hotline = Hotline(hotline_from_dict(tomllib.loads(HELD)))
    adapter = TwilioAdapter(hotline, TwilioSettings(public_url=PUBLIC, auth_tokens=(TOKEN,)))
    params = {"CallSid": "CA1", "From": "13800138000", "To": line}
    answer = adapter.handle("POST", PUBLIC + "/voice", *signed(PUBLIC + "/voice", params), 1.8e9)
    enqueue = ElementTree.fromstring(answer.body).find("Enqueue")
    assert enqueue is not None
    wait = enqueue.attrib["waitUrl"]
    waiting = {"CallSid": "CA1", "QueuePosition": "1", "QueueSid": "QU1", "QueueTime": "3"}
    response = adapter.handle("POST", wait, *signed(wait, waiting), 1.8e9 + 3)
    assert response.status == 200, response.body
    say = ElementTree.fromstring(response.body).find("Say")
    assert say is not None
    return say.text or "", dict(say.attrib)


def test_hold_announcements_are_said_in_the_callers_language() -> None:
    # The language comes with the hotline's HoldCaller output (a line without a flow
    # gives its own language to its calls).
    assert _hold_announcement("4008001001") == ("您前面还有0位客户。", {"language": "zh-CN"})
    assert _hold_announcement("4008001003") == (
        "You are number 1 in the queue.",
        {"language": "en-US"},
    )
