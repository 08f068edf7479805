"""Benchmark of the AMI adapter: app_queue events ingested per second.

Run ``python benchmarks/asterisk_ami.py --json``; prints one JSON object:

* ``ami_ingest``: events per second from raw bytes (as read from the socket, in
  64 KiB reads) through the frame parser and :class:`AmiWallboard` (the queue feed,
  the live monitor and the record builder), for ``--calls`` queue calls (default
  20,000: join, ring, leave, connect, complete, with agents' pauses between; 15
  to 20 lines per event, as Asterisk 20 sends them); and, for comparison, through
  the frame parser alone.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable

from callcenter.adapters.asterisk import AmiMessage, AmiParser, AmiWallboard

T0 = 1_790_000_000.0


def _frame(name: str, at: float, **fields: str) -> bytes:
    pairs = {"Event": name, "Privilege": "agent,all", "Timestamp": f"{at:.6f}", **fields}
    return "".join(f"{k}: {v}\r\n" for k, v in pairs.items()).encode() + b"\r\n"


def _caller(uid: str, number: str) -> dict[str, str]:
    return {
        "Channel": f"PJSIP/trunk-{uid}",
        "ChannelState": "6",
        "ChannelStateDesc": "Up",
        "CallerIDNum": number,
        "CallerIDName": "<unknown>",
        "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>",
        "Language": "zh",
        "AccountCode": "",
        "Context": "hotline",
        "Exten": "4008001234",
        "Priority": "3",
        "Uniqueid": uid,
        "Linkedid": uid,
    }


def make_stream(calls: int, seed: int) -> tuple[bytes, int]:
    rng = random.Random(seed)
    agents = [f"agent-{i}" for i in range(40)]
    chunks = [b"Asterisk Call Manager/9.0.0\r\n"]
    at = T0
    chunks += [
        _frame("QueueMemberAdded", at, Queue="enquiry", MemberName=a, Interface=f"PJSIP/{a}")
        for a in agents
    ]
    free = list(agents)
    talking: list[tuple[str, str, dict[str, str]]] = []
    for index in range(calls):
        at += rng.uniform(0.5, 2.0)
        uid = f"{int(at)}.{index}"
        caller = _caller(uid, f"138{index:08d}")
        chunks.append(
            _frame("QueueCallerJoin", at, **caller, Queue="enquiry", Position="1", Count="1")
        )
        if not free:
            done_agent, _done_uid, done_caller = talking.pop(0)
            chunks.append(
                _frame(
                    "AgentComplete",
                    at,
                    **done_caller,
                    Queue="enquiry",
                    MemberName=done_agent,
                    Interface=f"PJSIP/{done_agent}",
                    HoldTime="5",
                    TalkTime="60",
                    Reason="caller",
                )
            )
            free.append(done_agent)
        agent = free.pop(0)
        chunks.append(
            _frame(
                "AgentCalled",
                at + 1,
                **caller,
                Queue="enquiry",
                MemberName=agent,
                Interface=f"PJSIP/{agent}",
            )
        )
        chunks.append(
            _frame("QueueCallerLeave", at + 3, **caller, Queue="enquiry", Position="1", Count="0")
        )
        chunks.append(
            _frame(
                "AgentConnect",
                at + 3,
                **caller,
                Queue="enquiry",
                MemberName=agent,
                Interface=f"PJSIP/{agent}",
                HoldTime="3",
                RingTime="2",
            )
        )
        talking.append((agent, uid, caller))
    data = b"".join(chunks)
    return data, data.count(b"\r\n\r\n")


def ingest(data: bytes) -> int:
    parser = AmiParser()
    board = AmiWallboard()
    handled = 0
    for start in range(0, len(data), 65_536):
        for item in parser.feed(data[start : start + 65_536]):
            if isinstance(item, AmiMessage):
                board.handle(item, T0)
                handled += 1
    assert not board.errors
    return handled


def parse_only(data: bytes) -> int:
    parser = AmiParser()
    handled = 0
    for start in range(0, len(data), 65_536):
        handled += len(parser.feed(data[start : start + 65_536]))
    return handled


def best_of(repeat: int, work: Callable[[bytes], int], data: bytes) -> tuple[float, int]:
    best, handled = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        handled = work(data)
        best = min(best, time.perf_counter() - started)
    return best, handled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--calls", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    data, events = make_stream(args.calls, args.seed)
    ingest(data[: len(data) // 10])  # warm-up
    best, handled = best_of(args.repeat, ingest, data)
    assert handled == events
    parse_seconds, parsed = best_of(args.repeat, parse_only, data)
    assert parsed == events
    result = {
        "benchmark": "asterisk_ami",
        "case": "ami_ingest",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": args.calls,
        "events": events,
        "bytes": len(data),
        "seconds": round(best, 4),
        "events_per_second": round(events / best),
        "parse_only_events_per_second": round(events / parse_seconds),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"AMI ingest: {result['events_per_second']:,} events/s "
            f"({events:,} events, {best:.2f} s)",
            file=sys.stdout,
        )


if __name__ == "__main__":
    main()
