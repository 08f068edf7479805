"""``callcenter serve leader``: run a node of a hotline replicated through Redis.

The node leads or stands by (see :class:`~callcenter.adapters.redis.ReplicatedHotline`)
until it is stopped with SIGTERM or Ctrl-C. It says on standard error when it starts
to lead and when it stops leading. Needs the ``redis`` extra.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

__all__ = ["add_serve_leader"]


def add_serve_leader(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``leader`` action to ``callcenter serve``."""
    leader = actions.add_parser(
        "leader",
        help="lead the hotline, or stand by to take over",
        description=(
            "Run a node of the hotline replicated through Redis: the node that holds "
            "the lease applies the input log and publishes the outputs; the others "
            "follow the log and take over when the lease expires. Run one per machine "
            "that may lead. Stops on SIGTERM or Ctrl-C (status 0). Exit status 1: the "
            "hotline document has problems; 2: a file cannot be read, or an option "
            "is wrong."
        ),
    )
    leader.add_argument("file", help="hotline document (.toml, .json or .yaml)")
    leader.add_argument("--redis", required=True, help="Redis URL, e.g. redis://10.0.0.5:6379/0")
    leader.add_argument("--seed", type=int, default=0, help="the hotline's seed (default 0)")
    leader.add_argument("--lease", type=float, default=1.0, help="lease in seconds (default 1)")
    leader.add_argument(
        "--snapshot-every",
        type=int,
        default=10_000,
        help="store a snapshot after this many log entries (default 10000)",
    )
    leader.add_argument("--node", default=None, help="this node's id (default: a fresh one)")
    leader.set_defaults(handler=_leader)


def _leader(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..hotline import load_hotline

    try:
        import redis

        from .redis import ReplicatedHotline
    except ImportError:
        print(
            "callcenter serve leader: needs the redis package: pip install 'callcenter[redis]'",
            file=sys.stderr,
        )
        return 2
    definition = load_hotline(args.file)
    if not args.redis.startswith(("redis://", "rediss://", "unix://")):
        raise UsageError(option="--redis", expected="a redis:// URL", got=args.redis)
    client = redis.Redis.from_url(args.redis, socket_timeout=5.0, socket_connect_timeout=5.0)
    node = ReplicatedHotline(
        client,
        definition,
        seed=args.seed,
        lease=args.lease,
        snapshot_every=args.snapshot_every,
        node=args.node,
    )
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    print(f"node {node.node}: following hotline {definition.name!r}", file=sys.stderr, flush=True)
    leading = False
    try:
        while not stop.is_set():
            try:
                node.step()
            except (redis.ConnectionError, redis.TimeoutError):
                node.reload()
                stop.wait(0.1)
            if node.is_leader != leading:
                leading = node.is_leader
                what = "leading" if leading else "standing by"
                print(f"node {node.node}: {what}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    return 0
