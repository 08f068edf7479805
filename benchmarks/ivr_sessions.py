"""IVR session engine speed and state size on the Tianjin 400 flow.

Each session is a typical waybill enquiry: hear the welcome, press 1, hear the
waybill prompt, type 12 digits and #, the host answers, hear the status, press 9,
hear goodbye, hang-up. A second script is a silent caller who times out to an agent.
Steps are node entries (what the step guard counts); calls are engine calls
(begin / handle / advance). Rates use wall-clock time (time.perf_counter), except
steps_per_cpu_second, which divides by the process's CPU time (time.process_time) and
so is less disturbed by other work on a shared machine. Node events are collected
as metrics would collect them.

Usage: python benchmarks/ivr_sessions.py [--json] [--sessions N] [--repeats R]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

from callcenter.ivr import (
    AskHost,
    DigitsPressed,
    Flow,
    HostAnswered,
    PromptFinished,
    Session,
    load_flow,
)

ROOT = Path(__file__).resolve().parent.parent
START = datetime.datetime(2026, 11, 23, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")).timestamp()

PROMPT = PromptFinished()
ONE = DigitsPressed(digits="1")
WAYBILL = DigitsPressed(digits="123456789012#")
NINE = DigitsPressed(digits="9")


def enquiry(flow: Flow, index: int, sizes: list[int] | None) -> tuple[int, int]:
    session = Session(flow, session_id=f"c{index}", caller="13800138000", dialled="4008001234")
    now = START + index
    session.begin(now)
    session.handle(PROMPT, now + 9)
    session.handle(ONE, now + 10)
    session.handle(PROMPT, now + 16)
    commands = session.handle(WAYBILL, now + 24)
    if sizes is not None:
        sizes.append(len(json.dumps(session.to_dict(), ensure_ascii=False).encode()))
    ask = commands[-1]
    assert isinstance(ask, AskHost)
    request = ask.request
    answer = HostAnswered(request=request, values={"status": "在途", "location": "天津"})
    session.handle(answer, now + 24.5)
    session.handle(PROMPT, now + 31)
    session.handle(PROMPT, now + 37)
    session.handle(NINE, now + 38)
    session.handle(PROMPT, now + 40)
    session.take_events()
    return session.steps, 10


def silent(flow: Flow, index: int, sizes: list[int] | None) -> tuple[int, int]:
    session = Session(flow, session_id=f"s{index}", caller="13800138000", dialled="4008001234")
    now = START + index
    session.begin(now)
    calls = 1
    while not session.ended:
        deadline = session.next_deadline()
        if deadline is None:
            now += 5
            session.handle(PROMPT, now)
        else:
            now = deadline
            session.advance(now)
        calls += 1
    if sizes is not None:
        sizes.append(len(json.dumps(session.to_dict(), ensure_ascii=False).encode()))
    session.take_events()
    return session.steps, calls


Script = Callable[[Flow, int, list[int] | None], tuple[int, int]]


def measure(flow: Flow, run: Script, sessions: int, repeats: int) -> dict[str, float]:
    for i in range(min(sessions, 500)):  # warm-up
        run(flow, i, None)
    best = best_cpu = float("inf")
    steps = calls = 0
    for _ in range(repeats):
        steps = calls = 0
        started, started_cpu = time.perf_counter(), time.process_time()
        for i in range(sessions):
            s, c = run(flow, i, None)
            steps += s
            calls += c
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return {
        "steps_per_second": round(steps / best),
        "steps_per_cpu_second": round(steps / best_cpu),
        "calls_per_second": round(calls / best),
        "sessions_per_second": round(sessions / best),
        "steps_per_session": steps / sessions,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args()
    flow = load_flow(ROOT / "examples" / "ivr" / "tianjin-400.toml")
    enquiry_sizes: list[int] = []
    silent_sizes: list[int] = []
    for i in range(50):
        enquiry(flow, i, enquiry_sizes)
        silent(flow, i, silent_sizes)
    print("timing the waybill enquiry ...", file=sys.stderr)
    typical = measure(flow, enquiry, args.sessions, args.repeats)
    print("timing the silent caller ...", file=sys.stderr)
    quiet = measure(flow, silent, args.sessions, args.repeats)
    result = {
        "benchmark": "ivr_sessions",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "flow": flow.name,
        "sessions": args.sessions,
        "repeats": args.repeats,
        "steps_per_second": typical["steps_per_second"],
        "steps_per_cpu_second": typical["steps_per_cpu_second"],
        "calls_per_second": typical["calls_per_second"],
        "sessions_per_second": typical["sessions_per_second"],
        "steps_per_session": typical["steps_per_session"],
        "silent_caller_steps_per_second": quiet["steps_per_second"],
        "silent_caller_calls_per_second": quiet["calls_per_second"],
        "bytes_per_serialized_session": max(enquiry_sizes),
        "bytes_per_serialized_session_at_end": max(silent_sizes),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>36}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
