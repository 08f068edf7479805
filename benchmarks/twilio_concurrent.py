"""200 concurrent calls through uvicorn on loopback: webhook latency as Twilio sees it.

Starts ``callcenter serve twilio examples/hotline/tianjin.toml`` (a real uvicorn
process) on 127.0.0.1 and a free port, then plays Twilio's side of ``--calls``
callers at once, each over its own keep-alive connection, each request signed: the
incoming call, the caller's key presses, the prompt ends, a few wait-URL polls while
queued (nobody is logged in, so every caller who asks for an agent waits), the
status callback when the caller hangs up. Between two requests a caller takes
``--think`` seconds on average (uniform from half to one and a half times it: a
person listening to a prompt and pressing keys); ``--think 0`` sends every request
at once, the worst burst. Which flow the callers meet depends on the hour in
Tianjin (the business hours, else voicemail); the caller follows whatever TwiML
comes. Reports the latency of every webhook (p50, p99, max) and the errors.
Target: p99 < 50 ms, no error.

Run ``python benchmarks/twilio_concurrent.py --json``; prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import httpx

from callcenter.adapters.twilio import sign

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hotline" / "tianjin.toml"
TOKEN = "benchmark-token"
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Connection:
    """One keep-alive HTTP/1.1 connection, as a telephony provider's webhook client keeps.

    A plain client over asyncio streams: the measured latency is the server's and the
    loopback's, not a client library's connection pool.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{self.port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        head += f"content-length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode("latin-1") + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        content = await self.reader.readexactly(length)
        return int(status_line.split()[1]), content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


class Caller:
    def __init__(self, port: int, public: str, number: int, polls: int, think: float) -> None:
        self.connection = Connection(port)
        self.random = random.Random(number)
        self.think = think
        self.public = public
        self.base = {
            "CallSid": f"CA{number:032d}",
            "From": f"139{number:08d}",
            "To": "4008001234",
        }
        self.keys = ["2"]
        self.polls = polls
        self.latencies: list[float] = []
        self.errors = 0

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.random.uniform(0.5, 1.5) * self.think)

    async def post(self, url: str, params: dict[str, str]) -> bytes | None:
        await self.pause()
        params = self.base | params
        body = urlencode(params).encode()
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": sign(TOKEN, url, {k: [v] for k, v in params.items()}),
        }
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        started = time.perf_counter()
        try:
            status, content = await asyncio.wait_for(
                self.connection.post(path, headers, body), REQUEST_TIMEOUT
            )
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            self.errors += 1
            await self.connection.close()
            self.connection = Connection(self.connection.port)
            return None
        self.latencies.append(time.perf_counter() - started)
        if status >= 300:
            self.errors += 1
            return None
        return content

    async def run(self) -> None:
        body = await self.post(self.public + "/voice", {"CallStatus": "ringing"})
        for _ in range(50):
            if body is None:
                break
            step = await self._step(ElementTree.fromstring(body))
            if step is None:
                break
            body = await self.post(*step)
        await self.post(self.public + "/voice/status", {"CallStatus": "completed"})
        await self.connection.close()

    async def _step(self, document: ElementTree.Element) -> tuple[str, dict[str, str]] | None:
        for verb in document:
            if verb.tag == "Gather":
                if not self.keys:
                    return None
                return verb.attrib["action"], {"Digits": self.keys.pop(0)}
            if verb.tag == "Redirect":
                return verb.text or "", {}
            if verb.tag == "Record":
                return verb.attrib["action"], {"RecordingSid": "RE1", "RecordingDuration": "20"}
            if verb.tag == "Enqueue":
                for _ in range(self.polls):
                    await self.post(verb.attrib["waitUrl"], {"QueueTime": "1"})
                return None
        return None


async def _load(port: int, calls: int, polls: int, think: float) -> tuple[list[float], int, float]:
    public = f"http://127.0.0.1:{port}/twilio"
    callers = [Caller(port, public, n, polls, think) for n in range(calls)]
    started = time.perf_counter()
    await asyncio.gather(*(caller.run() for caller in callers))
    wall = time.perf_counter() - started
    latencies = [x for caller in callers for x in caller.latencies]
    return latencies, sum(caller.errors for caller in callers), wall


def _wait_until_up(public: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            if httpx.get(public + "/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds between a caller's two requests (0: every request at once)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    port = _free_port()
    public = f"http://127.0.0.1:{port}/twilio"
    env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN)
    env.pop("TWILIO_ACCOUNT_SID", None)
    command = [sys.executable, "-m", "callcenter", "serve", "twilio", str(EXAMPLE)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(public, process)
        asyncio.run(_load(port, 10, 1, 0.0))  # warm-up
        latencies, errors, wall = asyncio.run(_load(port, args.calls, args.polls, args.think))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100)
    result = {
        "benchmark": "twilio_concurrent",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": args.calls,
        "polls_per_waiting_call": args.polls,
        "think_seconds": args.think,
        "webhooks": len(latencies),
        "errors": errors,
        "wall_seconds": round(wall, 3),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p99_ms": round(quantiles[98] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
