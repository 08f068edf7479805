"""Leaders killed and paused, Redis restarted: every call once, every output once.

Node processes run ``callcenter serve leader`` and adapter processes
(:mod:`.feeder`) bring calls and answer them, all through a real redis-server.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from callcenter.adapters.redis import RECORDS, AdapterLink
from callcenter.adapters.redis._wire import stream_id
from callcenter.testing import RedisServer

from .support import wait_for

ROOT = Path(__file__).resolve().parents[3]
NAME = "chaos"
CALLS = 50  # per adapter
ADAPTERS = {"east": ["e0", "e1", "e2"], "west": ["w0", "w1", "w2"]}

HOTLINE = f"""
name = "{NAME}"
timezone = "Asia/Shanghai"

[lines.main]
number = "4008001234"
queue = "general"

[routing]
[[routing.queues]]
id = "general"
ring_timeout = 60
""" + "".join(
    f'\n[[routing.agents]]\nid = "{agent}"\nqueues = [{{queue = "general"}}]\n'
    for agents in ADAPTERS.values()
    for agent in agents
)


class Site:
    """The processes of one test: nodes and adapters, stopped at the end."""

    def __init__(self, tmp: Path, server: RedisServer) -> None:
        self.tmp = tmp
        self.server = server
        self.client = redis.Redis.from_url(server.url, socket_timeout=5.0)
        self.file = tmp / "hotline.toml"
        self.file.write_text(HOTLINE)
        self.nodes: dict[str, subprocess.Popen[bytes]] = {}
        self.feeders: list[subprocess.Popen[bytes]] = []
        self.serial = 0
        self.takeovers = 0

    def start_node(self) -> str:
        name = f"node{self.serial}"
        self.serial += 1
        args = [sys.executable, "-m", "callcenter", "serve", "leader", str(self.file)]
        args += ["--redis", self.server.url, "--lease", "0.4", "--snapshot-every", "60"]
        args += ["--node", name]
        with (self.tmp / f"{name}.err").open("wb") as err:
            self.nodes[name] = subprocess.Popen(args, cwd=ROOT, stderr=err)
        return name

    def leader(self) -> str | None:
        value: Any = self.retry(lambda: self.client.get(f"callcenter:{{{NAME}}}:lease"))
        return None if value is None else value.decode()

    def live_leader(self) -> str | None:
        """The leader, if its process still runs."""
        leader = self.leader()
        if leader is None or self.nodes[leader].poll() is not None:
            return None
        return leader

    def retry(self, call: Callable[[], Any]) -> Any:
        end = time.monotonic() + 15.0
        while True:
            try:
                return call()
            except (redis.ConnectionError, redis.TimeoutError):
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)

    def start_feeders(self) -> None:
        for adapter, agents in ADAPTERS.items():
            args = [sys.executable, "-m", "tests.adapters.redis.feeder", self.server.url]
            args += [adapter, str(CALLS), "25", *agents, "--out", str(self.tmp / adapter)]
            self.feeders.append(subprocess.Popen(args, cwd=ROOT))

    def records(self) -> list[dict[str, Any]]:
        link = AdapterLink(self.client, NAME, RECORDS)
        return [p.output for p in self.retry(lambda: link.outputs(count=1_000_000))]

    def finished(self) -> bool:
        done = {r["call_id"] for r in self.records() if r["type"] == "ContactFinished"}
        return len(done) == CALLS * len(ADAPTERS)

    def close(self) -> None:
        for adapter in ADAPTERS:
            (self.tmp / f"{adapter}.stop").touch()
        for process in [*self.feeders, *self.nodes.values()]:
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.terminate()
        for process in [*self.feeders, *self.nodes.values()]:
            try:
                process.wait(10.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10.0)
        self.client.close()


@pytest.fixture
def site(tmp_path: Path, redis_server: RedisServer) -> Iterator[Site]:
    redis_server.start()
    redis.Redis.from_url(redis_server.url, socket_timeout=5.0).flushdb()
    running = Site(tmp_path, redis_server)
    try:
        yield running
    finally:
        running.close()


def run(site: Site, chaos: Callable[[Site], None]) -> None:
    for _ in range(3):
        site.start_node()
    wait_for("a leader", lambda: site.leader() is not None)
    site.start_feeders()
    chaos(site)
    wait_for("a record of every call", site.finished, timeout=60.0)
    time.sleep(0.3)  # outputs still on their way to the adapters
    site.takeovers = int(site.retry(lambda: site.client.get(f"callcenter:{{{NAME}}}:fence")))
    site.close()
    check(site)


def check(site: Site) -> None:
    """Every call once, every output once, no agent on two calls, nothing refused."""
    published: list[tuple[tuple[int, int], int, dict[str, Any]]] = []
    executed: list[tuple[str, int]] = []
    arrived: list[str] = []
    for adapter in [*ADAPTERS, RECORDS]:
        for item in AdapterLink(site.client, NAME, adapter).outputs(count=1_000_000):
            published.append((stream_id(item.cause), item.index, item.output))
        if adapter == RECORDS:
            continue
        for line in (site.tmp / adapter).read_text().splitlines():
            entry = json.loads(line)
            if "arrived" in entry:
                arrived.append(entry["arrived"])
            else:
                executed.append((entry["cause"], entry["n"]))
    assert len(arrived) == CALLS * len(ADAPTERS)
    keys = Counter((cause, n) for cause, n, _output in published)
    assert [key for key, count in keys.items() if count > 1] == [], "an output published twice"
    twice = [key for key, count in Counter(executed).items() if count > 1]
    assert twice == [], "an output executed twice"
    refused = [o for _c, _n, o in published if o["type"] == "Refused"]
    assert refused == []
    finished = Counter(o["call_id"] for _c, _n, o in published if o["type"] == "ContactFinished")
    assert finished == Counter(arrived), "every call ends with exactly one record"
    busy: dict[str, str] = {}
    for _cause, _n, output in sorted(published, key=lambda p: (p[0], p[1])):
        if output["type"] == "RingAgent":
            agent = output["agent_id"]
            assert agent not in busy, f"{agent} offered {output['call_id']} while on {busy[agent]}"
            busy[agent] = output["call_id"]
        elif output["type"] in ("EndCall", "StopRinging", "ContactFinished"):
            for agent, call in list(busy.items()):
                if call == output["call_id"]:
                    del busy[agent]


def test_leaders_killed_and_redis_restarted_lose_and_repeat_nothing(site: Site) -> None:
    rng = random.Random(18)

    def chaos(site: Site) -> None:
        for round in range(3):
            time.sleep(rng.uniform(0.3, 0.9))
            # A live leader (not one killed before whose lease still runs), however
            # slowly the machine elects it: each kill is then one more takeover.
            wait_for("a live leader", lambda: site.live_leader() is not None, timeout=30.0)
            leader = site.live_leader()
            assert leader is not None
            os.kill(site.nodes[leader].pid, signal.SIGKILL)
            site.start_node()
            if round == 1:
                site.server.restart()

    run(site, chaos)
    assert site.takeovers >= 4  # the first leader and one after each kill


def test_a_leader_paused_past_its_lease_changes_nothing(site: Site) -> None:
    paused: list[str] = []

    def chaos(site: Site) -> None:
        time.sleep(0.8)
        leader = site.leader()
        assert leader is not None
        paused.append(leader)
        os.kill(site.nodes[leader].pid, signal.SIGSTOP)
        wait_for("a new leader", lambda: site.leader() not in (None, leader))
        time.sleep(0.5)
        os.kill(site.nodes[leader].pid, signal.SIGCONT)

    run(site, chaos)
    assert site.takeovers >= 2
    said = (site.tmp / f"{paused[0]}.err").read_text()
    assert said.splitlines()[-1].endswith("standing by"), said
