"""Benchmark of the hotline replicated through Redis, and of hotline snapshots.

    python benchmarks/replicated_hotline.py --json
    python benchmarks/replicated_hotline.py --json --calls 20000 --batch 100

Starts its own redis-server (loopback, a free port, AOF) and node processes
(``callcenter serve leader``), once with the append-only file synced ``always`` and
once ``everysec``, and prints JSON lines for each: ``throughput`` (inputs per second
appended by one adapter in batches of ``--batch`` and applied and published by the
leader), ``latency`` (one input at a time: from the append to the adapter reading
its first output, p50 and p99), ``failover`` (the leader killed with SIGKILL: until
a standby publishes the output of the next input); then ``snapshot`` (snapshot,
restore and input-log replay of a hotline that took ``--snapshot-calls`` calls).
Needs the ``redis`` extra and ``redis-server``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis

from callcenter.adapters.redis import AdapterLink
from callcenter.hotline import (
    AgentLegAnswered,
    AgentLegEnded,
    AgentLoggedIn,
    CallArrived,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    Line,
    RingAgent,
)
from callcenter.routing import AgentDefinition, Membership, QueueDefinition, RoutingDefinition
from callcenter.testing import RedisServer

AGENTS = 50
NAME = "bench"
START = 1_796_097_600.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def definition() -> HotlineDefinition:
    return HotlineDefinition(
        name=NAME,
        lines=(Line(id="main", number="4008001234", queue="general"),),
        routing=RoutingDefinition(
            queues=(QueueDefinition(id="general", ring_timeout=3600.0),),
            agents=tuple(
                AgentDefinition(id=f"a{i}", queues=(Membership(queue="general"),))
                for i in range(AGENTS)
            ),
        ),
    )


DOCUMENT = f"""
name = "{NAME}"
[lines.main]
number = "4008001234"
queue = "general"
[routing]
[[routing.queues]]
id = "general"
ring_timeout = 3600
""" + "".join(
    f'[[routing.agents]]\nid = "a{i}"\nqueues = [{{queue = "general"}}]\n' for i in range(AGENTS)
)


def workload(calls: int, hotline: Hotline | None = None) -> list[tuple[float, HotlineInput]]:
    """Logins, then each call: arrives, is answered, ends (3 inputs a call)."""
    hotline = hotline if hotline is not None else Hotline(definition(), keep_log=False)
    out: list[tuple[float, HotlineInput]] = []
    now = START
    for i in range(AGENTS):
        item: HotlineInput = AgentLoggedIn(agent_id=f"a{i}")
        hotline.handle(item, now)
        out.append((now, item))
    for c in range(calls):
        now += 0.01
        item = CallArrived(call_id=f"c{c}", line="main", caller="13800138000")
        ring = [o for o in hotline.handle(item, now) if isinstance(o, RingAgent)]
        out.append((now, item))
        agent = ring[0].agent_id
        for item in (
            AgentLegAnswered(call_id=f"c{c}", agent_id=agent),
            AgentLegEnded(call_id=f"c{c}", agent_id=agent),
        ):
            hotline.handle(item, now)
            out.append((now, item))
    return out


def start_node(server: RedisServer, file: Path, name: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "callcenter", "serve", "leader", str(file)]
    args += ["--redis", server.url, "--node", name, "--snapshot-every", "10000"]
    return subprocess.Popen(args, stderr=subprocess.DEVNULL)


def wait(what: str, ready: Any, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.001)


def through_redis(calls: int, samples: int, fsync: str, batch: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    with RedisServer(appendfsync=fsync) as server, tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "hotline.toml"
        file.write_text(DOCUMENT)
        client = redis.Redis.from_url(server.url, socket_timeout=10.0)
        lease = f"callcenter:{{{NAME}}}:lease"
        nodes = {"n0": start_node(server, file, "n0")}
        try:
            wait("a leader", lambda: client.get(lease) is not None)
            nodes["n1"] = start_node(server, file, "n1")
            link = AdapterLink(client, NAME, "pbx")
            items = workload(calls)
            log(f"throughput: {len(items)} inputs")
            start = time.perf_counter()
            last = ""
            for first in range(0, len(items), batch):
                chunk = items[first : first + batch]
                keys = [f"t{first + n}" for n in range(len(chunk))]
                sent = [(item, now, key) for (now, item), key in zip(chunk, keys, strict=True)]
                last = link.append_many(sent)[-1]
            appended = time.perf_counter() - start
            applied = f"callcenter:{{{NAME}}}:applied"
            wait("the leader", lambda: client.get(applied) == last.encode())
            total = time.perf_counter() - start
            results.append(
                {
                    "figure": "throughput",
                    "appendfsync": fsync,
                    "batch": batch,
                    "inputs": len(items),
                    "appended_inputs_per_second": round(len(items) / appended),
                    "applied_inputs_per_second": round(len(items) / total),
                }
            )
            link.outputs(count=10_000_000)  # skip what the throughput run published
            log(f"latency: {samples} calls, one at a time")
            delays: list[float] = []
            now = START + calls
            for c in range(samples):
                now += 1.0
                item = CallArrived(call_id=f"l{c}", line="main", caller="13800138000")
                begin = time.perf_counter()
                cause = link.append(item, now, key=f"l{c}")
                got = False
                while not got:
                    got = any(p.cause == cause for p in link.outputs(block=1.0))
                delays.append(time.perf_counter() - begin)
            delays.sort()
            results.append(
                {
                    "figure": "latency",
                    "appendfsync": fsync,
                    "inputs": samples,
                    "p50_ms": round(statistics.median(delays) * 1000, 3),
                    "p99_ms": round(delays[int(len(delays) * 0.99) - 1] * 1000, 3),
                }
            )
            log("failover: the leader killed")
            leader: Any = client.get(lease)
            os.kill(nodes[leader.decode()].pid, signal.SIGKILL)
            killed = time.perf_counter()
            cause = link.append(AgentLoggedIn(agent_id="a0"), now + 1, key="failover")
            wait("a standby", lambda: any(p.cause == cause for p in link.outputs(block=0.05)))
            results.append(
                {
                    "figure": "failover",
                    "appendfsync": fsync,
                    "lease_seconds": 1.0,
                    "failover_seconds": round(time.perf_counter() - killed, 3),
                }
            )
        finally:
            for process in nodes.values():
                process.kill()
                process.wait(10)
            client.close()
    return results


def snapshots(calls: int) -> dict[str, Any]:
    log(f"snapshot: a hotline after {calls} calls")
    logged = Hotline(definition(), keep_intervals=False)
    items = workload(calls, logged)
    hotline = Hotline(definition(), keep_log=False, keep_intervals=False)
    for now, item in items:
        hotline.handle(item, now)
    start = time.perf_counter()
    data = hotline.snapshot()
    taken = time.perf_counter() - start
    start = time.perf_counter()
    Hotline.restore(hotline.definition, data)
    restored = time.perf_counter() - start
    saved = json.loads(json.dumps(logged.to_dict()))
    start = time.perf_counter()
    Hotline.from_dict(logged.definition, saved)
    replayed = time.perf_counter() - start
    return {
        "figure": "snapshot",
        "calls": calls,
        "inputs": len(items),
        "snapshot_seconds": round(taken, 4),
        "snapshot_bytes": len(data),
        "restore_seconds": round(restored, 4),
        "input_log_replay_seconds": round(replayed, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100, help="inputs per append_many")
    parser.add_argument("--snapshot-calls", type=int, default=100_000)
    args = parser.parse_args()
    common = {
        "benchmark": "replicated_hotline",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "agents": AGENTS,
    }
    figures = [
        *through_redis(args.calls, args.samples, "always", args.batch),
        *through_redis(args.calls, args.samples, "everysec", args.batch),
        snapshots(args.snapshot_calls),
    ]
    for figure in figures:
        print(json.dumps({**common, **figure}) if args.json else figure)


if __name__ == "__main__":
    main()
