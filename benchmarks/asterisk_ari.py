"""Benchmark of the ARI adapter: event-to-command latency with 200 concurrent calls.

Run ``python benchmarks/asterisk_ari.py --json``; prints one JSON object:

* ``ari_latency``: ``--calls`` callers (default 200) reach the Tianjin hotline over
  ``--arrivals`` seconds (default 10: 72,000 calls an hour) and stay on the line
  together; each hears the welcome, presses 3 and waits in the complaints queue;
  the two business agents' phones ring and answer. An ARI peer (the test suite's:
  HTTP and a WebSocket, uvicorn on 127.0.0.1, in a process of its own, as Asterisk
  would be) timestamps each event it sends and the first request that answers it:
  ``StasisStart`` -> ``POST .../answer``, ``ChannelDtmfReceived`` -> the request it
  causes, an agent's ``StasisStart`` -> the caller leaving the holding bridge (the
  first request of the bridging). Five calls warm up first. Reports the median,
  p99 and maximum in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callcenter.adapters.asterisk import AriApp
from callcenter.hotline import AgentLoggedIn, Hotline
from callcenter.testing import TIANJIN_LINE, tianjin_hotline, tianjin_time
from tests.adapters.asterisk.ari_peer import AriPeer


class TimedPeer(AriPeer):
    """The peer, noting when each request comes and waking whoever waits for it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[tuple[str, asyncio.Future[float]]] = []
        self.originated: asyncio.Queue[str] = asyncio.Queue()

    def _route(self, method: str, parts: list[str], params: dict[str, str], body: Any) -> Any:
        arrived = time.perf_counter()
        line = f"{method} /ari/{'/'.join(parts)}"
        if params.get("channel"):
            line += f" channel={params['channel']}"
        for entry in list(self.waiting):
            prefix, future = entry
            if (line == prefix or line.startswith(prefix + "-")) and not future.done():
                future.set_result(arrived)
                self.waiting.remove(entry)
        if method == "POST" and len(parts) == 2 and parts[0] == "channels":
            self.originated.put_nowait(parts[1])
        return super()._route(method, parts, params, body)

    def expect(self, prefix: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting.append((prefix, future))
        return future


async def drive(
    peer: TimedPeer, calls: int, samples: dict[str, list[float]], first: int, spacing: float
) -> None:
    warm_up = first > 0

    async def caller(index: int) -> None:
        await asyncio.sleep((index - first) * spacing)
        cid = f"c{index}"
        answered = peer.expect(f"POST /ari/channels/{cid}/answer")
        welcome = peer.expect(f"POST /ari/channels/{cid}/play/prompt-{cid}")
        sent = time.perf_counter()
        peer.call(cid, f"139{index:08d}", TIANJIN_LINE)
        samples["arrival"].append(await asyncio.wait_for(answered, 30) - sent)
        await asyncio.wait_for(welcome, 30)
        if warm_up:
            peer.hangup(cid)
            return
        await asyncio.sleep(0.05)
        stopped = peer.expect(f"DELETE /ari/playbacks/prompt-{cid}")
        sent = time.perf_counter()
        peer.dtmf(cid, "3")
        samples["key"].append(await asyncio.wait_for(stopped, 30) - sent)

    async def agents() -> None:
        while True:
            channel = await peer.originated.get()
            await asyncio.sleep(0.03)
            peer.ring(channel)
            await asyncio.sleep(0.03)
            call = channel.split("-")[1]
            # The first request the answer causes: the caller leaves the holding bridge.
            bridged = peer.expect(f"POST /ari/bridges/hold-complaints/removeChannel channel={call}")
            sent = time.perf_counter()
            peer.answer(channel)
            samples["agent_answer"].append(await asyncio.wait_for(bridged, 30) - sent)

    helper = asyncio.create_task(agents()) if not warm_up else None
    await asyncio.gather(*(caller(i) for i in range(first, first + calls)))
    await asyncio.sleep(0.2)
    if helper is not None:
        helper.cancel()


def peer_process(calls: int, spacing: float, to_app: Any, from_app: Any) -> None:
    """The peer and the world around Asterisk, in a process of their own."""

    async def main() -> None:
        peer = TimedPeer()
        await peer.start()
        to_app.put(peer.url)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, from_app.get)  # the agents are logged in
        warm: dict[str, list[float]] = {"arrival": [], "key": [], "agent_answer": []}
        samples: dict[str, list[float]] = {"arrival": [], "key": [], "agent_answer": []}
        await drive(peer, 5, warm, 10_000, spacing)
        await drive(peer, calls, samples, 0, spacing)
        to_app.put(samples)
        await loop.run_in_executor(None, from_app.get)  # the application has stopped
        await peer.stop()

    asyncio.run(main())


async def run(calls: int, spacing: float) -> dict[str, list[float]]:
    context = multiprocessing.get_context("spawn")
    to_app, from_app = context.Queue(), context.Queue()
    child = context.Process(target=peer_process, args=(calls, spacing, to_app, from_app))
    child.start()
    loop = asyncio.get_running_loop()
    url = await asyncio.wait_for(loop.run_in_executor(None, to_app.get), 60)
    start = time.monotonic()
    base = tianjin_time(11)
    app = AriApp(
        Hotline(tianjin_hotline()),
        url=url,
        username="callcenter",
        password="s3cret",
        clock=lambda: base + (time.monotonic() - start),
    )
    runner = asyncio.create_task(app.run())
    await asyncio.wait_for(app.connected.wait(), 10)
    for agent in ("business-1", "business-2"):
        await app.host_input(AgentLoggedIn(agent_id=agent))
    from_app.put("go")
    samples: dict[str, list[float]] = await asyncio.wait_for(
        loop.run_in_executor(None, to_app.get), 600
    )
    await app.close()
    await asyncio.wait_for(runner, 10)
    from_app.put("stop")
    child.join(30)
    return samples


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {
        "count": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--arrivals", type=float, default=10.0, help="seconds over which calls arrive")
    args = ap.parse_args()
    samples = asyncio.run(run(args.calls, args.arrivals / args.calls))
    every = [v for values in samples.values() for v in values]
    result = {
        "benchmark": "asterisk_ari",
        "case": "ari_latency",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": args.calls,
        "arrival_seconds": args.arrivals,
        **{f"all_{k}": v for k, v in summary(every).items()},
        **{
            f"{kind}_{k}": v for kind, values in samples.items() for k, v in summary(values).items()
        },
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"ARI event-to-command: median {result['all_median_ms']} ms, "
            f"p99 {result['all_p99_ms']} ms over {result['all_count']} events"
        )


if __name__ == "__main__":
    main()
