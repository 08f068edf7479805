"""Benchmark of the FastAGI server: concurrent AGI sessions in one process.

    python benchmarks/asterisk_fastagi.py --json                # 500 concurrent calls
    python benchmarks/asterisk_fastagi.py --json --calls 1000

Starts a :class:`callcenter.adapters.asterisk.FastAgiServer` on loopback and as many
simulated Asterisk channels in the same process (asyncio clients speaking AGI). Every
channel connects and is answered; once all are connected at once, each caller goes
through the Tianjin hotline's waybill self-service (a menu key, twelve digits one
``WAIT FOR DIGIT`` at a time, the host lookup, the status, a key, the goodbye and
the hang-up: 19 AGI commands). Reports the peak number of concurrent sessions,
commands per second, calls per second and the server's reply latency (from an
Asterisk reply sent to the next command received) at the median and the 99th
percentile. Prints one JSON object with --json; progress goes to standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from collections.abc import Mapping

from callcenter.adapters.asterisk import FastAgiServer
from callcenter.hotline import Hotline
from callcenter.ivr import AskHost
from callcenter.testing import tianjin_hotline, tianjin_time

KEYS = "1" + "123456789012" + "9"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Channel:
    """One simulated Asterisk channel: replies as AGI does, keys in order."""

    def __init__(self, n: int, everyone: asyncio.Event, counter: list[int], total: int) -> None:
        self.n = n
        self.everyone = everyone
        self.counter = counter
        self.total = total
        self.latencies: list[float] = []
        self.commands = 0

    async def run(self, port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        env = (
            f"agi_network: yes\nagi_network_script: 4008001234\n"
            f"agi_uniqueid: 1791600000.{self.n}\nagi_callerid: 1380013{self.n:04d}\n"
            f"agi_calleridname: unknown\nagi_dnid: 4008001234\nagi_language: zh\n\n"
        )
        writer.write(env.encode())
        keys = list(KEYS)
        sent_at = time.perf_counter()
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                self.latencies.append(time.perf_counter() - sent_at)
                self.commands += 1
                text = line.decode()
                if text.startswith("ANSWER"):
                    reply = "200 result=0\n"
                    self.counter[0] += 1
                    if self.counter[0] == self.total:
                        self.everyone.set()
                    await self.everyone.wait()
                elif text.startswith("STREAM FILE"):
                    escape = text.rstrip("\n").rsplit(" ", 1)[-1] != '""'
                    if escape and keys:
                        reply = f"200 result={ord(keys.pop(0))} endpos=4000\n"
                    else:
                        reply = "200 result=0 endpos=16000\n"
                elif text.startswith("WAIT FOR DIGIT"):
                    reply = f"200 result={ord(keys.pop(0)) if keys else 0}\n"
                elif text.startswith("HANGUP"):
                    writer.write(b"200 result=1\n")
                    await writer.drain()
                    return
                else:
                    reply = "200 result=1\n"
                sent_at = time.perf_counter()
                writer.write(reply.encode())
        finally:
            writer.close()


async def lookup(call_id: str, ask: AskHost) -> Mapping[str, str]:
    return {"status": "在途", "location": "天津分拨中心"}


async def run(calls: int) -> dict[str, object]:
    base = tianjin_time(10)
    start = time.monotonic()
    records: list[object] = []
    server = FastAgiServer(
        Hotline(tianjin_hotline(), keep_log=False),
        lookup=lookup,
        on_output=records.append,
        clock=lambda: base + (time.monotonic() - start),
        max_connections=calls,
    )
    port = await server.start("127.0.0.1", 0)
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, server.active)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    everyone = asyncio.Event()
    counter = [0]
    channels = [Channel(n, everyone, counter, calls) for n in range(calls)]
    t0 = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(c.run(port) for c in channels)), 300)
    elapsed = time.perf_counter() - t0
    watcher.cancel()
    await server.stop()
    latencies = sorted(x for c in channels for x in c.latencies[1:])
    commands = sum(c.commands for c in channels)
    return {
        "benchmark": "asterisk_fastagi",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": calls,
        "peak_concurrent_sessions": peak,
        "calls_finished": sum(1 for r in records if type(r).__name__ == "ContactFinished"),
        "commands": commands,
        "seconds": round(elapsed, 3),
        "commands_per_second": round(commands / elapsed),
        "calls_per_second": round(calls / elapsed, 1),
        "reply_to_command_p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "reply_to_command_p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 2),
        "wire_errors": server.wire_errors,
        "refused_connections": server.refused_connections,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--calls", type=int, default=500, help="concurrent calls")
    args = parser.parse_args()
    log(f"{args.calls} concurrent FastAGI sessions")
    figures = asyncio.run(run(args.calls))
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
