"""Asterisk's ``queue_log`` into contact records: reports from an existing Asterisk.

``app_queue`` writes one row per queue event, in the file format
``time|callid|queuename|agent|event|data1|data2|...`` (``/var/log/asterisk/queue_log``)
or, with realtime ``queue_log``, into a database table whose export (CSV with a
header: ``time,callid,queuename,agent,event,data`` or ``data1``...``data5``) this
module reads too. The rows of one call (its ``callid``, Asterisk's unique id of the
caller's channel) become one :class:`~callcenter.metrics.ContactRecord`; the rows
of agents (``AGENTLOGIN``, ``ADDMEMBER``, ``PAUSE``...) become
:class:`~callcenter.metrics.AgentStateInterval` s. Both feed the same KPI reports
as every other source (:func:`~callcenter.metrics.build_report`).

The event types and their data fields follow Asterisk's "Queue Logs" documentation
(``ENTERQUEUE|url|callerid``, ``CONNECT|holdtime|bridgedchanneluniqueid|ringtime``,
``COMPLETECALLER|holdtime|calltime|origposition``, ``ABANDON|position|origposition|
waittime``, ``RINGNOANSWER|ringtime`` in milliseconds...).

Damaged logs are the rule, not the exception (rotations, a crash mid-write, two
servers' logs concatenated): blank lines, exact duplicates, lines out of time order,
truncated or unparsable lines and unknown events are each counted in
:class:`QueueLogImport` and never stop the import; a call whose rows stop before
its end (the log was cut) is counted as open and left out of the records.
"""

from __future__ import annotations

import csv
import datetime
import gc
import io
import math
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from ..._slots import checked
from ...errors import DocumentError, InvalidArgumentError
from ...metrics import AgentStateInterval, ContactRecord, Outcome, RecordSet
from ...routing import AgentState

__all__ = [
    "QUEUE_LOG_EVENTS",
    "QueueLogImport",
    "QueueLogProblem",
    "load_queue_log",
    "read_queue_log",
]

# The events of a call's queue leg that end it, and the outcome they give.
_ENDS: dict[str, Outcome] = {
    "COMPLETECALLER": Outcome.ANSWERED,
    "COMPLETEAGENT": Outcome.ANSWERED,
    "TRANSFER": Outcome.ANSWERED,
    "BLINDTRANSFER": Outcome.ANSWERED,
    "ATTENDEDTRANSFER": Outcome.ANSWERED,
    "ABANDON": Outcome.ABANDONED_IN_QUEUE,
    "EXITWITHTIMEOUT": Outcome.OVERFLOWED,
    "EXITWITHKEY": Outcome.OVERFLOWED,
    "EXITEMPTY": Outcome.BLOCKED,
}
_CALL_EVENTS = frozenset(
    {
        *_ENDS,
        "ENTERQUEUE",
        "CONNECT",
        "RINGNOANSWER",
        "RINGCANCELED",
        "AGENTDUMP",
        "DID",
        "INFO",
    }
)
_AGENT_EVENTS = frozenset(
    {
        "AGENTLOGIN",
        "AGENTLOGOFF",
        "AGENTCALLBACKLOGIN",
        "AGENTCALLBACKLOGOFF",
        "ADDMEMBER",
        "REMOVEMEMBER",
        "PAUSE",
        "UNPAUSE",
        "PAUSEALL",
        "UNPAUSEALL",
    }
)
_SYSTEM_EVENTS = frozenset({"QUEUESTART", "CONFIGRELOAD", "SYSCOMPAT"})

QUEUE_LOG_EVENTS = _CALL_EVENTS | _AGENT_EVENTS | _SYSTEM_EVENTS
"""Every event type the importer knows; others are counted as unknown."""

_TRANSFERS = frozenset({"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})
# Where ``calltime`` (talk seconds) sits among an ending event's data fields.
_CALLTIME = {
    "COMPLETECALLER": 1,
    "COMPLETEAGENT": 1,
    "TRANSFER": 3,
    "BLINDTRANSFER": 3,
    "ATTENDEDTRANSFER": 3,
}
_EXAMPLES = 20
_new_record = checked(ContactRecord)  # the record's own checks, without attrs' stores
_new_interval = checked(AgentStateInterval)


@attrs.frozen(kw_only=True)
class QueueLogProblem:
    """A line the importer could not use, for the report.

    Attributes:
        line: The 1-based line number (for the database format: the row's number,
            the header being 1).
        reason: What was wrong, and what was expected.
        text: The line (shortened to 120 characters).
    """

    line: int
    reason: str
    text: str


@attrs.frozen(kw_only=True)
class QueueLogImport:
    """The contact records and agent states of a ``queue_log``, and what was skipped.

    Attributes:
        records: One record per finished call, in order of arrival.
        agent_states: The agents' state intervals (login, pause, logout, and busy
            from a call's answer to its end), per agent in time order, each with
            the queues the agent's rows name; an agent still logged in at the end
            has none open.
        lines: Lines read (blank ones included).
        events: Rows used, per event type.
        blank: Blank lines skipped.
        duplicates: Lines skipped because the very same line came before.
        out_of_order: Rows whose time is before the row before them (used, in time
            order: Asterisk writes rows as events end, not as they start).
        malformed: Lines skipped: too few fields, a time or number that is not one,
            a call event without a call id.
        unknown: Rows of an event type the importer does not know (skipped).
        open_calls: Calls whose rows stop before their end (left out of ``records``).
        problems: The first malformed and unknown lines, for the reader.
    """

    records: tuple[ContactRecord, ...]
    agent_states: tuple[AgentStateInterval, ...]
    lines: int
    events: dict[str, int]
    blank: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    malformed: int = 0
    unknown: int = 0
    open_calls: int = 0
    problems: tuple[QueueLogProblem, ...] = ()

    def record_set(self, timezone: str | None = None) -> RecordSet:
        """The records and agent states as a :class:`~callcenter.metrics.RecordSet`."""
        return RecordSet(records=self.records, agent_states=self.agent_states, timezone=timezone)

    def summary(self) -> str:
        """One line saying what was read and what was skipped."""
        return (
            f"queue_log: {self.lines:,} lines, {sum(self.events.values()):,} rows used, "
            f"{len(self.records):,} calls; skipped {self.blank:,} blank, "
            f"{self.duplicates:,} duplicate, {self.malformed:,} malformed, "
            f"{self.unknown:,} unknown-event lines; {self.out_of_order:,} out of order; "
            f"{self.open_calls:,} calls without an end"
        )


class _Call:
    """What the rows of one call said so far."""

    __slots__ = (
        "agents",
        "answered",
        "arrived",
        "caller",
        "dialled",
        "ended",
        "offered",
        "outcome",
        "queued",
        "queues",
        "ring",
        "ringing",
        "talk",
        "transfers",
    )

    def __init__(self, at: float) -> None:
        self.arrived = at
        self.queued: float | None = None
        self.offered: float | None = None
        self.answered: float | None = None
        self.ended: float | None = None
        self.outcome: Outcome | None = None
        self.caller: str | None = None
        self.dialled: str | None = None
        self.queues: list[str] = []
        self.agents: list[str] = []
        self.ring = 0.0
        self.talk = 0.0
        self.transfers = 0
        self.ringing = False


class _MalformedError(Exception):
    pass


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _MalformedError(f"{what}: expected a number, got {text[:40]!r}") from None
    if not 0.0 <= value < math.inf:
        raise _MalformedError(f"{what}: expected a number >= 0, got {text[:40]!r}")
    return value


def _seconds(data: list[str], index: int, what: str) -> float:
    """The ``index``-th data field as seconds (0 when absent or empty: older versions)."""
    if index >= len(data):
        return 0.0
    text = data[index]
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if 0.0 <= value < math.inf:
        return value
    return _number(text, what)


def _apply(call: _Call, at: float, queue: str, agent: str, event: str, data: list[str]) -> None:
    """Apply one row of a call to what is known of it (rows in time order)."""
    if event == "ENTERQUEUE":
        if call.outcome is not None or call.queued is None:
            # A new queue leg (the dialplan sent the call to another queue).
            call.outcome = None
            call.ended = None
        if call.queued is None:
            call.queued = at
        call.queues.append(queue)
        if len(data) > 1 and data[1]:
            call.caller = data[1]
        return
    if event == "DID":
        if data and data[0]:
            call.dialled = data[0]
        return
    if event == "INFO":
        return
    if call.queued is None:
        # An event of a queue leg whose ENTERQUEUE is not in the log (cut at the start).
        call.queued = call.arrived
        if queue and queue != "NONE":
            call.queues.append(queue)
    if event in ("RINGNOANSWER", "RINGCANCELED"):
        ring = _seconds(data, 0, "ringtime") / 1000.0
        call.ring += ring
        start = max(at - ring, call.queued)
        if call.offered is None or start < call.offered:
            call.offered = start
        call.ringing = event == "RINGCANCELED"
        return
    if event == "AGENTDUMP":
        return
    if event == "CONNECT":
        ring = _seconds(data, 2, "ringtime")
        call.ring += ring
        start = max(at - ring, call.queued)
        if call.offered is None or start < call.offered:
            call.offered = start
        if call.answered is None:
            call.answered = at
        if agent and agent != "NONE":
            call.agents.append(agent)
        call.ringing = False
        return
    outcome = _ENDS[event]
    if outcome is Outcome.ANSWERED:
        index = _CALLTIME[event]
        if event == "ATTENDEDTRANSFER" and data and data[0] == "LINK":
            index += 1  # LINK|channel1|channel2|holdtime|calltime|origposition
        call.talk += _seconds(data, index, "calltime")
        if event in _TRANSFERS:
            call.transfers += 1
        if call.answered is None:
            # The CONNECT row is missing: the talk time says when it was.
            call.answered = max(at - call.talk, call.queued)
    elif outcome is Outcome.ABANDONED_IN_QUEUE and call.ringing:
        outcome = Outcome.ABANDONED_RINGING
    if call.answered is not None and outcome is not Outcome.ANSWERED:
        outcome = Outcome.ANSWERED  # answered once, then sent on: still answered
    call.outcome = outcome
    call.ended = at
    call.ringing = False


def _record(callid: str, call: _Call) -> ContactRecord:
    assert call.outcome is not None
    assert call.ended is not None
    arrived = min(call.arrived, call.queued) if call.queued is not None else call.arrived
    ended = max(call.ended, call.answered or call.ended)
    talk = min(call.talk, ended - call.answered) if call.answered is not None else 0.0
    return _new_record(
        contact_id=callid,
        outcome=call.outcome,
        arrived_at=arrived,
        ended_at=ended,
        dialled_number=call.dialled,
        caller=call.caller,
        queues=tuple(call.queues),
        agents=tuple(call.agents),
        ivr_exited_at=call.queued,
        queued_at=call.queued,
        first_offered_at=None if call.offered is None else min(call.offered, ended),
        answered_at=call.answered,
        ring_seconds=call.ring,
        talk_seconds=max(talk, 0.0),
        transfers=call.transfers,
    )


_AGENT_STATE = {
    "AGENTLOGIN": AgentState.AVAILABLE,
    "AGENTCALLBACKLOGIN": AgentState.AVAILABLE,
    "ADDMEMBER": AgentState.AVAILABLE,
    "UNPAUSE": AgentState.AVAILABLE,
    "UNPAUSEALL": AgentState.AVAILABLE,
    "PAUSE": AgentState.NOT_READY,
    "PAUSEALL": AgentState.NOT_READY,
    "AGENTLOGOFF": AgentState.LOGGED_OUT,
    "AGENTCALLBACKLOGOFF": AgentState.LOGGED_OUT,
    "REMOVEMEMBER": AgentState.LOGGED_OUT,
}


def _agent_intervals(
    rows: list[tuple[float, int, str, str, str]], queues: tuple[str, ...]
) -> list[AgentStateInterval]:
    """Intervals from an agent's rows (time, line, event, reason, agent), in time order."""
    out: list[AgentStateInterval] = []
    state: AgentState | None = None
    reason: str | None = None
    since = 0.0
    for at, _, event, data, agent in sorted(rows):
        new = _AGENT_STATE[event]
        if new is AgentState.AVAILABLE and event == "ADDMEMBER" and state is AgentState.NOT_READY:
            continue  # added to one more queue while paused: still paused
        if state is not None and state is not AgentState.LOGGED_OUT and at > since:
            out.append(
                AgentStateInterval(
                    agent_id=agent,
                    state=state,
                    start=since,
                    end=at,
                    reason=reason,
                    queues=queues,
                )
            )
        state, since = new, at
        reason = (data or None) if new is AgentState.NOT_READY else None
    return out


def _carve(
    intervals: list[AgentStateInterval], busy: list[tuple[float, float]]
) -> list[AgentStateInterval]:
    """Cut the agent's calls (answer to end) out of its intervals, as busy ones.

    A call takes precedence over the state the rows give (available or paused), as
    in the routing engine's states; time on calls outside any logged-in interval is
    not counted (the agent's login is not in the log).
    """
    if not busy:
        return intervals
    busy.sort()
    out: list[AgentStateInterval] = []
    first = 0  # intervals come in time order: calls ended before one are never seen again
    for interval in intervals:
        start, end = interval.start, interval.end
        while first < len(busy) and busy[first][1] <= start:
            first += 1
        for index in range(first, len(busy)):
            b_start, b_end = busy[index]
            if b_start >= end:
                break
            if b_end <= start:
                continue
            cut = max(b_start, start)
            if cut > start:
                out.append(_piece(interval, interval.state, start, cut))
            stop = min(b_end, end)
            if stop > cut:
                out.append(_piece(interval, AgentState.BUSY, cut, stop))
            start = max(start, stop)
        if end > start:
            out.append(_piece(interval, interval.state, start, end))
    return out


def _piece(
    interval: AgentStateInterval, state: AgentState, start: float, end: float
) -> AgentStateInterval:
    return _new_interval(
        agent_id=interval.agent_id,
        state=state,
        start=start,
        end=end,
        reason=interval.reason if state is interval.state else None,
        queues=interval.queues,
        skill_group=interval.skill_group,
    )


def _zone(timezone: str) -> datetime.tzinfo:
    if timezone == "UTC":
        return datetime.UTC
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidArgumentError(
            name="timezone", expected="an IANA time zone (Asia/Shanghai)", got=timezone
        ) from None


class _TimeReader:
    """Times as POSIX seconds (the file format) or database datetimes (local time)."""

    def __init__(self, zone: datetime.tzinfo) -> None:
        self.zone = zone
        self.cache: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            pass
        else:
            if not math.isfinite(value) or value < 0:
                raise _MalformedError(f"time: expected POSIX seconds, got {text[:40]!r}")
            return value
        # A database time, "2026-10-08 09:30:00[.123456]", in the server's zone.
        head, _, fraction = text.partition(".")
        base = self.cache.get(head)
        if base is None:
            try:
                moment = datetime.datetime.strptime(head.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise _MalformedError(
                    f"time: expected POSIX seconds or YYYY-MM-DD HH:MM:SS, got {text[:40]!r}"
                ) from None
            base = moment.replace(tzinfo=self.zone).timestamp()
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[head] = base
        if fraction:
            if not fraction.isdigit():
                raise _MalformedError(f"time: bad fraction of a second in {text[:40]!r}")
            base += int(fraction) / 10 ** len(fraction)
        return base


def _csv_rows(text: str) -> Iterator[str]:
    """Rows of a database export (CSV with a header), as lines of the file format.

    A row the CSV reader cannot read, or with fewer cells than the header, gives a
    line without ``|`` (counted as malformed); an empty row an empty line.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        return
    try:
        index = [header.index(name) for name in ("time", "callid", "queuename", "agent")]
        index.append(header.index("event"))
    except ValueError:
        raise InvalidArgumentError(
            name="header",
            expected="the queue_log table's columns: time, callid, queuename, agent, "
            "event, then data or data1...data5",
            got=",".join(header),
        ) from None
    numbered = [h for h in header if h.startswith("data") and h[4:].isdigit()]
    data_columns = [header.index(h) for h in sorted(numbered, key=lambda h: int(h[4:]))]
    combined = header.index("data") if "data" in header else None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield f"<unreadable CSV row: {error}>"
            continue
        if not any(cell.strip() for cell in row):
            yield ""
            continue
        if len(row) < len(header):
            yield ",".join(row)
            continue
        fields = [row[i] for i in index]
        if combined is not None and row[combined]:
            fields += row[combined].split("|")
        else:
            data = [row[i] for i in data_columns]
            while data and not data[-1]:
                data.pop()
            fields += data
        yield "|".join(fields)


def read_queue_log(
    text: str | Iterable[str], *, format: str = "auto", timezone: str = "UTC"
) -> QueueLogImport:
    """Turn a ``queue_log`` into contact records and agent state intervals.

    Args:
        text: The log: its whole text, or its lines.
        format: ``"file"`` (``time|callid|queue|agent|event|data...``), ``"csv"``
            (the database table exported with a header) or ``"auto"`` (CSV when the
            first line is a header naming ``callid``).
        timezone: The Asterisk server's IANA time zone, for database times written
            as local ``YYYY-MM-DD HH:MM:SS`` (POSIX seconds need none).

    Returns:
        The records, the agent states, and the counts of what was skipped.

    Raises:
        InvalidArgumentError: ``text`` is neither text nor lines of text, an
            unknown ``format`` or ``timezone``, or a CSV header without the
            queue_log table's columns.

    ``O(n log n)`` for ``n`` rows (a call's rows are put in time order).

    >>> log = '''1700000000|c1|support|NONE|ENTERQUEUE||13800138000|1
    ... 1700000012|c1|support|PJSIP/li|CONNECT|12|c1-agent|4
    ... 1700000100|c1|support|PJSIP/li|COMPLETECALLER|12|88|1
    ... '''
    >>> result = read_queue_log(log)
    >>> record = result.records[0]
    >>> record.outcome.value, record.agents, record.talk_seconds
    ('answered', ('PJSIP/li',), 88.0)
    """
    if format not in ("auto", "file", "csv"):
        raise InvalidArgumentError(name="format", expected="'auto', 'file' or 'csv'", got=format)
    times = _TimeReader(_zone(timezone))
    if isinstance(text, str):
        if format == "auto":
            first = text[: text.find("\n")] if "\n" in text else text
            format = "csv" if "callid" in first.lower() and "|" not in first else "file"
        rows: Iterable[str] = _csv_rows(text) if format == "csv" else text.splitlines()
        number = 1 if format == "csv" else 0
    else:
        try:
            given = list(text)
        except TypeError:
            raise InvalidArgumentError(
                name="text", expected="the log's text or its lines", got=text
            ) from None
        if not all(isinstance(line, str) for line in given):
            raise InvalidArgumentError(name="text", expected="lines of text", got=given[:3])
        if format == "csv":
            rows = _csv_rows(
                "".join(line if line.endswith("\n") else line + "\n" for line in given)
            )
        else:
            rows = [line.rstrip("\r\n") for line in given]
        number = 1 if format == "csv" else 0
    # The import keeps every row until its call is complete: hundreds of thousands
    # of lists that the cyclic garbage collector would scan again and again (it
    # made the import 2.5 times slower). None of them can form a cycle, so the
    # collector waits until the import is over.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _import(rows, times, number)
    finally:
        if enabled:
            gc.enable()


_CALL, _AGENT, _SYSTEM = 1, 2, 3
_KIND = {
    **dict.fromkeys(_CALL_EVENTS, _CALL),
    **dict.fromkeys(_AGENT_EVENTS, _AGENT),
    **dict.fromkeys(_SYSTEM_EVENTS, _SYSTEM),
}


def _import(rows: Iterable[str], times: _TimeReader, number: int) -> QueueLogImport:
    """Import the lines of the file format; ``number``: the line before the first."""
    first = number
    # The hot loop of the import: one dict lookup per row decides what it is, a
    # call's rows are kept as they came (sorted later only when out of order).
    seen: set[str] = set()
    calls: dict[str, list[tuple[float, int, list[str]]]] = {}
    unsorted: set[str] = set()
    agents: dict[str, list[tuple[float, int, str, str, str]]] = {}
    member_of: dict[str, set[str]] = {}  # the queues an agent's rows name
    events = dict.fromkeys(_KIND, 0)
    problems: list[QueueLogProblem] = []
    blank = duplicates = out_of_order = malformed = unknown = 0
    last = -math.inf
    kinds = _KIND
    inf = math.inf
    call_kind, agent_kind = _CALL, _AGENT

    def problem(number: int, reason: str, line: str) -> None:
        if len(problems) < _EXAMPLES:
            problems.append(QueueLogProblem(line=number, reason=reason, text=line[:120]))

    for line in rows:
        number += 1
        size = len(seen)
        seen.add(line)  # one hash lookup: the set grew unless the line came before
        if len(seen) == size:
            if line.strip():
                duplicates += 1
            else:
                blank += 1
            continue
        fields = line.split("|")
        if len(fields) < 5 and not line.strip():
            blank += 1
            continue
        if len(fields) < 5:
            malformed += 1
            problem(number, "expected time|callid|queuename|agent|event[|data...]", line)
            continue
        event = fields[4]
        kind = kinds.get(event)
        if kind is None:
            unknown += 1
            problem(number, f"unknown event {event[:40]!r}", line)
            continue
        try:
            at = float(fields[0])
        except ValueError:
            at = -1.0
        if not 0.0 <= at < inf:
            try:
                at = times(fields[0])
            except _MalformedError as error:
                malformed += 1
                problem(number, str(error), line)
                continue
        if kind == call_kind:
            callid = fields[1]
            if not callid or callid == "NONE":
                malformed += 1
                problem(number, f"{event}: expected a call id, got {callid!r}", line)
                continue
            call_rows = calls.get(callid)
            if call_rows is None:
                calls[callid] = [(at, number, fields)]
            else:
                if at < call_rows[-1][0]:
                    unsorted.add(callid)
                call_rows.append((at, number, fields))
        elif kind == agent_kind:
            agent = fields[3]
            if agent and agent != "NONE":
                reason = fields[5] if event == "PAUSE" and len(fields) > 5 else ""
                agents.setdefault(agent, []).append((at, number, event, reason, agent))
                queue = fields[2]
                if queue and queue != "NONE":
                    member_of.setdefault(agent, set()).add(queue)
        if at < last:
            out_of_order += 1
        else:
            last = at
        events[event] += 1

    lines = number - first
    records: list[ContactRecord] = []
    open_calls = 0
    for callid, call_rows in calls.items():
        if callid in unsorted:
            call_rows.sort(key=_row_order)
        call = _Call(call_rows[0][0])
        try:
            for at, _, fields in call_rows:
                _apply(call, at, fields[2], fields[3], fields[4], fields[5:])
        except _MalformedError as error:
            malformed += 1
            problem(call_rows[0][1], f"call {callid!r}: {error}", callid)
            continue
        if call.outcome is None:
            if call.queued is not None:
                open_calls += 1
            continue
        records.append(_record(callid, call))
    records.sort(key=_arrival)
    states: list[AgentStateInterval] = []
    calls_of: dict[str, list[tuple[float, float]]] = {}
    for record in records:
        if record.answered_at is not None and record.agents:
            calls_of.setdefault(record.agents[0], []).append((record.answered_at, record.ended_at))
    for agent, agent_rows in agents.items():
        queues = tuple(sorted(member_of.get(agent, ())))
        states += _carve(_agent_intervals(agent_rows, queues), calls_of.get(agent, []))
    return QueueLogImport(
        records=tuple(records),
        agent_states=tuple(states),
        lines=lines,
        events={event: count for event, count in events.items() if count},
        blank=blank,
        duplicates=duplicates,
        out_of_order=out_of_order,
        malformed=malformed,
        unknown=unknown,
        open_calls=open_calls,
        problems=tuple(problems),
    )


def _row_order(row: tuple[float, int, list[str]]) -> tuple[float, int]:
    return row[0], row[1]


def _arrival(record: ContactRecord) -> tuple[float, str]:
    return record.arrived_at, record.contact_id


def load_queue_log(
    path: str | Path, *, format: str = "auto", timezone: str = "UTC"
) -> QueueLogImport:
    """Read a ``queue_log`` file (or a database export) with :func:`read_queue_log`.

    Bytes that are not UTF-8 (a caller name in another encoding) are replaced, not
    refused.

    Raises:
        DocumentError: The file cannot be read.
        InvalidArgumentError: As :func:`read_queue_log`.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise DocumentError(path=str(path), detail=error.strerror or str(error)) from None
    if format == "auto" and not str(path).lower().endswith(".csv"):
        first = text[: text.find("\n")] if "\n" in text else text
        format = "csv" if "callid" in first.lower() and "|" not in first else "file"
    return read_queue_log(text, format=format, timezone=timezone)
