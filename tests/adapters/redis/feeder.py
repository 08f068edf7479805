"""An adapter process of the chaos tests: brings calls, answers for its agents.

``python -m tests.adapters.redis.feeder URL ADAPTER CALLS RATE AGENTS... --out FILE``

It logs its agents in, brings ``CALLS`` calls at ``RATE`` a second, answers every
``RingAgent`` after a moment and ends the call a moment later, with idempotency keys
derived from the output that caused each input; it retries through Redis restarts.
Every output it carries out is written to ``FILE`` as a JSON line; it stops when the
file ``FILE.stop`` appears, or after 90 seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redis

from callcenter.adapters.redis import AdapterLink
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    HotlineInput,
)

T = TypeVar("T")
NAME = "chaos"


def retry(call: Callable[[], T]) -> T:
    end = time.monotonic() + 30.0
    while True:
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError):
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("adapter")
    parser.add_argument("calls", type=int)
    parser.add_argument("rate", type=float)
    parser.add_argument("agents", nargs="+")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    client = redis.Redis.from_url(args.url, socket_timeout=2.0, socket_connect_timeout=2.0)
    link = AdapterLink(client, NAME, args.adapter)
    out = Path(args.out)
    stop = Path(args.out + ".stop")
    rng = random.Random(args.adapter)
    pending: list[tuple[float, HotlineInput, str]] = []

    def send(item: HotlineInput, key: str) -> None:
        retry(lambda: link.append(item, time.time(), key=key))

    for agent in args.agents:
        send(AgentLoggedIn(agent_id=agent), f"{args.adapter}/login/{agent}")
    made = 0
    start = time.monotonic()
    end = start + 90.0
    with out.open("a") as log:
        while not stop.exists() and time.monotonic() < end:
            now = time.monotonic()
            if made < args.calls and now >= start + made / args.rate:
                call_id = f"{args.adapter}-{made}"
                send(CallArrived(call_id=call_id, line="main", caller="13800138000"), call_id)
                log.write(json.dumps({"arrived": call_id}) + "\n")
                made += 1
            due = [p for p in pending if p[0] <= now]
            for entry in due:
                pending.remove(entry)
                send(entry[1], entry[2])
            for item in retry(lambda: link.outputs(block=0.005)):
                output = item.output
                log.write(json.dumps({"cause": item.cause, "n": item.index, "output": output}))
                log.write("\n")
                if output["type"] == "RingAgent":
                    call, agent = output["call_id"], output["agent_id"]
                    key = f"{item.cause}/{item.index}"
                    answer_at = now + rng.uniform(0.005, 0.03)
                    end_at = answer_at + rng.uniform(0.02, 0.15)
                    answered = AgentLegAnswered(call_id=call, agent_id=agent)
                    ended = AgentLegEnded(call_id=call, agent_id=agent)
                    pending.append((answer_at, answered, key + "/answer"))
                    pending.append((end_at, ended, key + "/end"))
            log.flush()


if __name__ == "__main__":
    main()
