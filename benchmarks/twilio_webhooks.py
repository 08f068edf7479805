"""Twilio webhooks per second through the ASGI application, in process, on one core.

Callers of the Tianjin hotline (examples/hotline/tianjin.toml) enquire about a
waybill in self-service, answered by a lookup in process: each call is seven signed
webhooks (the incoming call, three Gather actions, two prompt ends, the status
callback). The requests are built and signed outside the timed part; only the
application's ``__call__`` is timed (validation, the hotline, TwiML). Target: >= 2,000
webhooks per second.

Run ``python benchmarks/twilio_webhooks.py --json``; prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

from callcenter.adapters.twilio import TwilioAdapter, TwilioApp, TwilioSettings, sign
from callcenter.hotline import Hotline, load_hotline
from callcenter.testing import tianjin_time

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hotline" / "tianjin.toml"
TOKEN = "benchmark-token"
PUBLIC = "https://hotline.example.com/twilio"
KEYS = ["1", "123456789012#", "9"]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _request(app: TwilioApp, url: str, params: dict[str, str]) -> tuple[float, bytes]:
    body = urlencode(params).encode()
    signature = sign(TOKEN, url, {k: [v] for k, v in params.items()})
    parts = urlsplit(url)
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": parts.path,
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"x-twilio-signature", signature.encode()),
        ],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    started = time.perf_counter()
    await app(scope, receive, send)
    elapsed = time.perf_counter() - started
    return elapsed, sent[1]["body"]


async def _run(calls: int) -> tuple[int, float]:
    clock = Clock(tianjin_time(10))
    hotline = Hotline(load_hotline(EXAMPLE), keep_log=False)
    settings = TwilioSettings(public_url=PUBLIC, auth_tokens=(TOKEN,))
    adapter = TwilioAdapter(
        hotline, settings, lookup=lambda query, args: {"status": "在途", "location": "天津"}
    )
    app = TwilioApp(adapter, clock=clock)
    timed = 0.0
    webhooks = 0
    for number in range(calls):
        sid = f"CA{number:032d}"
        base = {"CallSid": sid, "From": f"138{number % 100000000:08d}", "To": "4008001234"}
        elapsed, body = await _request(app, PUBLIC + "/voice", base)
        timed += elapsed
        webhooks += 1
        keys = list(KEYS)
        while True:
            clock.now += 1.0
            verb = ElementTree.fromstring(body)[-1]
            if verb.tag == "Gather":
                pressed = keys.pop(0)
                params = base | {"Digits": pressed.rstrip("#")}
                if pressed.endswith("#"):
                    params["FinishedOnKey"] = "#"
                url = verb.attrib["action"]
            elif verb.tag == "Redirect":
                url, params = verb.text or "", base
            else:
                break
            elapsed, body = await _request(app, url, params)
            timed += elapsed
            webhooks += 1
        elapsed, _ = await _request(
            app, PUBLIC + "/voice/status", base | {"CallStatus": "completed"}
        )
        timed += elapsed
        webhooks += 1
    await app.stop()
    return webhooks, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    asyncio.run(_run(50))  # warm-up
    best = None
    for _ in range(args.repeats):
        webhooks, seconds = asyncio.run(_run(args.calls))
        rate = webhooks / seconds
        best = rate if best is None else max(best, rate)
    assert best is not None
    result = {
        "benchmark": "twilio_webhooks",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": args.calls,
        "webhooks_per_call": webhooks / args.calls,
        "webhooks_per_second": round(best, 1),
        "microseconds_per_webhook": round(1e6 / best, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>28}: {value}")


if __name__ == "__main__":
    main()
