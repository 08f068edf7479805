"""The wallboard as text: a fixed-width table of queues, then one of agents.

For a terminal (``callcenter hotline try``) or a log line per minute; every figure
comes from one :class:`~callcenter.metrics.MonitorSnapshot`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._monitor import MonitorSnapshot

__all__ = ["format_wallboard"]

_QUEUE_HEADERS = (
    "queue",
    "waiting",
    "ringing",
    "talking",
    "offered",
    "answered",
    "abandoned",
    "answer_rate",
    "service_level",
    "longest_wait",
)
_AGENT_HEADERS = ("agent", "state", "reason", "in_state")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], texts: int) -> list[str]:
    """Columns of text (the first ``texts``) to the left, figures to the right."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i < texts else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def format_wallboard(snapshot: MonitorSnapshot, *, title: str | None = None) -> str:
    """The wallboard of one snapshot as fixed-width text.

    A line with the date, the calls in the IVR and the agents per state; a table with
    one line per queue (waiting, ringing and talking now; offered, answered and
    abandoned today; answer rate, service level, longest current wait as
    ``h:mm:ss``); a table with one line per logged-in agent (state, not-ready
    reason, time in state).

    Args:
        snapshot: From :meth:`LiveMonitor.snapshot <callcenter.metrics.LiveMonitor.snapshot>`.
        title: A first line.

    Returns:
        Text lines ending with a newline.

    Complexity: O(q + a) for ``q`` queues and ``a`` agents.
    """
    s = snapshot
    lines = [title] if title else []
    staffed = ", ".join(
        f"{state.value} {count}" for state, count in s.agents_by_state.items() if count
    )
    lines.append(
        f"{s.date.isoformat()}  in the IVR: {s.in_ivr}  agents: {staffed or 'none logged in'}"
    )
    lines.append("")
    queue_rows = [
        (
            q.queue,
            str(q.waiting),
            str(q.ringing),
            str(q.talking),
            str(q.offered),
            str(q.answered),
            str(q.abandoned),
            _rate(q.answer_rate),
            _rate(q.service_level),
            _duration(q.longest_wait_seconds),
        )
        for q in s.queues.values()
    ]
    lines += _table(_QUEUE_HEADERS, queue_rows, 1) if queue_rows else ["(no queues)"]
    lines.append("")
    agent_rows = [
        (a.agent_id, a.state.value, a.reason or "", _duration(a.seconds_in_state))
        for a in s.agents.values()
    ]
    lines += _table(_AGENT_HEADERS, agent_rows, 3) if agent_rows else ["(no agents logged in)"]
    return "\n".join(lines) + "\n"
