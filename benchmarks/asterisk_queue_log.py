"""Benchmark of the queue_log import: lines per second into contact records.

    python benchmarks/asterisk_queue_log.py --json                 # about 1,000,000 lines
    python benchmarks/asterisk_queue_log.py --json --calls 50000

Generates a queue_log of answered, abandoned, timed-out and transferred calls with
agent rows between them (the file format), then times (wall clock, and the
process's CPU time, which other work on a shared machine disturbs less)
:func:`callcenter.adapters.asterisk.read_queue_log` on its text. Prints one JSON
object with --json; progress goes to standard error. Best of --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time

from callcenter.adapters.asterisk import read_queue_log


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_log(calls: int, seed: int) -> str:
    rng = random.Random(seed)
    t = 1_790_000_000
    queues = ["tracking", "orders", "complaints"]
    agents = [f"PJSIP/80{i:02d}" for i in range(20)]
    lines = [f"{t}|NONE|tracking|{agent}|ADDMEMBER|" for agent in agents]
    for n in range(calls):
        t += rng.randint(0, 3)
        cid = f"{t}.{n}"
        q = rng.choice(queues)
        a = rng.choice(agents)
        wait = rng.randint(1, 60)
        lines.append(f"{t}|{cid}|{q}|NONE|DID|4008001234")
        lines.append(f"{t}|{cid}|{q}|NONE|ENTERQUEUE||1380013{n % 10000:04d}|1")
        kind = rng.random()
        if kind < 0.75:
            talk = rng.randint(20, 400)
            lines.append(f"{t + wait - 3}|{cid}|{q}|{a}|RINGNOANSWER|3000")
            lines.append(f"{t + wait}|{cid}|{q}|{a}|CONNECT|{wait}|{cid}9|2")
            end = "COMPLETECALLER" if rng.random() < 0.5 else "COMPLETEAGENT"
            if rng.random() < 0.05:
                lines.append(
                    f"{t + wait + talk}|{cid}|{q}|{a}|TRANSFER|8001|internal|{wait}|{talk}|1"
                )
            else:
                lines.append(f"{t + wait + talk}|{cid}|{q}|{a}|{end}|{wait}|{talk}|1")
        elif kind < 0.92:
            lines.append(f"{t + wait}|{cid}|{q}|NONE|ABANDON|1|1|{wait}")
        else:
            lines.append(f"{t + 300}|{cid}|{q}|NONE|EXITWITHTIMEOUT|1|1|300")
        if n % 500 == 0:
            agent = rng.choice(agents)
            lines.append(f"{t}|NONE|tracking|{agent}|PAUSE|lunch")
            lines.append(f"{t + 1}|NONE|tracking|{agent}|UNPAUSE|")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--calls", type=int, default=220_000, help="calls in the log")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the best is kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    log(f"generating a queue_log of {args.calls:,} calls")
    text = make_log(args.calls, args.seed)
    lines = text.count("\n")
    best = best_cpu = float("inf")
    result = None
    for run in range(args.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        result = read_queue_log(text)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        log(f"run {run + 1}: {lines / elapsed:,.0f} lines/s")
    assert result is not None
    figures = {
        "benchmark": "asterisk_queue_log",
        "python": platform.python_version(),
        "machine": platform.platform(),
        "calls": args.calls,
        "lines": lines,
        "records": len(result.records),
        "seconds": round(best, 3),
        "lines_per_second": round(lines / best),
        "lines_per_cpu_second": round(lines / best_cpu),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{lines:,} lines in {best:.2f} s: {lines / best:,.0f} lines/s")


if __name__ == "__main__":
    main()
