"""One hotline across processes: a leader applies the input log, standbys follow.

See the explanation page "The replicated hotline" for the design; in short:

* adapters append inputs to a stream (the log) with an idempotency key
  (:class:`AdapterLink`);
* one :class:`ReplicatedHotline` node holds the lease and applies the log, in order,
  to its :class:`~callcenter.hotline.Hotline`, and publishes the outputs of each
  entry to the adapter that owns the call or agent, together with the entry's log id,
  in the same script that moves the ``applied`` mark: an output is published once;
* the other nodes (standbys) apply the log up to that mark and take over when the
  lease expires; every write of the leader is fenced by the token of its takeover;
* the leader stores a snapshot (:meth:`~callcenter.hotline.Hotline.snapshot`) every
  ``snapshot_every`` entries and trims the log behind it.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import redis

from ...errors import CallCenterError, InvalidArgumentError
from ...hotline import (
    AgentLoggedIn,
    CallArrived,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    TicketUpdate,
    input_from_dict,
    input_to_dict,
)
from ...ivr import CallerLists
from ._keys import APPEND, PUBLISH, RECORDS, RENEW, SNAPSHOT, TAKE, TICK, Keys
from ._wire import output_to_dict, stream_id

__all__ = ["AdapterLink", "Published", "ReplicatedHotline"]


def _check_name(name: str, value: object) -> str:
    if type(value) is not str or not value or len(value) > 200 or "}" in value:
        raise InvalidArgumentError(
            name=name, expected="a non-empty text of at most 200 characters, no '}'", got=value
        )
    return value


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@attrs.frozen(kw_only=True)
class Published:
    """An output as an adapter reads it from its stream.

    Attributes:
        id: The output's id in the adapter's stream (where to read on from).
        cause: The log id of the input (or timer tick) that caused it: with
            ``index``, what makes each output unique across failovers.
        index: Its place among the outputs of that log entry.
        output: The output, as :func:`~callcenter.adapters.redis.output_to_dict`
            wrote it.
    """

    id: str
    cause: str
    index: int
    output: dict[str, Any]


class AdapterLink:
    """An adapter's end of a replicated hotline: append inputs, read outputs.

    Args:
        client: A :class:`redis.Redis` client (``decode_responses`` either way).
        hotline: The hotline's name (its definition's ``name``).
        adapter: This adapter's id: the outputs of the calls it brings and of the
            agents it logs in come to its stream. ``"records"`` is the host's stream
            (contact records, ticket events).
        after: Read outputs after this id of the adapter's stream (``"0"``: from the
            start); keep the last id read to go on from there after a restart.
        remember: Seconds an idempotency key is remembered (one key an input is
            kept that long in Redis): longer than any retry or late duplicate.

    Raises:
        InvalidArgumentError: An empty or too long name, or ``remember`` not a
            whole number of seconds from 1 to 30 days.
    """

    def __init__(
        self,
        client: redis.Redis,
        hotline: str,
        adapter: str,
        *,
        after: str = "0",
        remember: int = 3600,
    ) -> None:
        if type(remember) is not int or not 1 <= remember <= 30 * 86400:
            raise InvalidArgumentError(
                name="remember", expected="1 to 2592000 seconds (a whole number)", got=remember
            )
        self._remember = remember
        self._client = client
        self._keys = Keys(_check_name("hotline", hotline))
        self._adapter = _check_name("adapter", adapter)
        self._after = after
        self._append = client.register_script(APPEND)

    @property
    def after(self) -> str:
        """The id of the last output read."""
        return self._after

    def append(self, item: HotlineInput, now: float, *, key: str | None = None) -> str:
        """Append ``item`` with its ``now`` to the log; return its log id.

        Args:
            item: The input.
            now: When it happened (POSIX seconds). The leader applies an input no
                earlier than the one before it in the log.
            key: The idempotency key: an input appended again with a key already
                seen (a retry after a lost reply, a second telephony server
                reporting the same event) is appended once, and its first log id is
                returned. ``None``: a fresh key (no retry protection).

        Raises:
            InvalidArgumentError: ``item`` is not a hotline input or has a value
                of the wrong type, ``now`` is not a finite number, or ``key`` is not
                text.
            redis.RedisError: Redis cannot be reached; retry with the same key.
        """
        keys, args = self._entry(item, now, key)
        return _text(self._append(keys=keys, args=args))

    def append_many(self, items: Sequence[tuple[HotlineInput, float, str | None]]) -> list[str]:
        """Append several ``(input, now, key)`` in one round trip; their log ids.

        The same as :meth:`append` for each, in order (each input is appended once
        per key), but sent together: an adapter with many calls in progress sends
        what it has, and Redis writes (and, with ``appendfsync always``, syncs)
        them at once.

        Raises:
            InvalidArgumentError: One of them is refused (then none is sent).
            redis.RedisError: Redis cannot be reached; retry all with the same keys.
        """
        entries = [self._entry(item, now, key) for item, now, key in items]
        with self._client.pipeline(transaction=False) as pipe:
            for keys, args in entries:
                self._append(keys=keys, args=args, client=pipe)
            replies: list[Any] = pipe.execute()
        return [_text(reply) for reply in replies]

    def _entry(
        self, item: HotlineInput, now: float, key: str | None
    ) -> tuple[list[str], list[Any]]:
        data = input_to_dict(item)
        input_from_dict(data)  # what the leader could not read never enters the log
        if type(now) not in (int, float) or not math.isfinite(now):
            raise InvalidArgumentError(name="now", expected="POSIX seconds", got=now)
        key = uuid.uuid4().hex if key is None else _check_name("key", key)
        try:
            text = json.dumps(data, allow_nan=False)
        except ValueError:
            raise InvalidArgumentError(name="input", expected="finite numbers", got=item) from None
        fields = ["k", key, "a", self._adapter, "t", repr(float(now)), "i", text]
        return [self._keys.log, self._keys.seen(key)], [self._remember, *fields]

    def outputs(self, *, block: float | None = None, count: int = 1000) -> list[Published]:
        """The outputs published to this adapter since the last read, in order.

        Args:
            block: Seconds to wait for one when there is none (``None``: do not
                wait).
            count: At most this many.

        Raises:
            redis.RedisError: Redis cannot be reached.
        """
        stream = self._keys.outputs(self._adapter)
        ms = None if block is None else max(1, int(block * 1000))
        reply: Any = self._client.xread({stream: self._after}, count=count, block=ms)
        out: list[Published] = []
        for _stream, entries in reply or ():
            for entry_id, fields in entries:
                values = {_text(k): _text(v) for k, v in fields.items()}
                out.append(
                    Published(
                        id=_text(entry_id),
                        cause=values["cause"],
                        index=int(values["n"]),
                        output=json.loads(values["o"]),
                    )
                )
        if out:
            self._after = out[-1].id
        return out


class _FencedError(Exception):
    """Another node took the lease over: this one is a standby again."""


class ReplicatedHotline:
    """A node of a replicated hotline: the leader, or a standby ready to take over.

    Run as many nodes as you want standbys, on any machines that reach Redis; each
    calls :meth:`run`. Exactly one at a time leads.

    Args:
        client: A :class:`redis.Redis` client. Give it a ``socket_timeout`` (a few
            seconds) so that a node notices a lost server.
        definition: The hotline (the same on every node).
        seed: The hotline's seed (the same on every node).
        caller_lists: Block and VIP lists (the same answers on every node).
        lease: Seconds of the leader's lease; a standby takes over this long after
            the leader stopped renewing it.
        snapshot_every: Store a snapshot after this many log entries, and trim the
            log behind it.
        node: This node's id (default: a fresh one).
        clock: Where the leader reads the time for the timers' ticks.

    Raises:
        InvalidArgumentError: A lease not in [0.05, 3600] seconds, or a
            ``snapshot_every`` below 1.
    """

    def __init__(
        self,
        client: redis.Redis,
        definition: HotlineDefinition,
        *,
        seed: int = 0,
        caller_lists: CallerLists | None = None,
        lease: float = 1.0,
        snapshot_every: int = 10_000,
        node: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if type(lease) not in (int, float) or not 0.05 <= lease <= 3600:
            raise InvalidArgumentError(name="lease", expected="0.05 to 3600 seconds", got=lease)
        if type(snapshot_every) is not int or snapshot_every < 1:
            raise InvalidArgumentError(
                name="snapshot_every", expected="a whole number >= 1", got=snapshot_every
            )
        Hotline(definition, seed=seed)  # refuses a bad definition or seed now
        self._client = client
        self._definition = definition
        self._seed = seed
        self._lists = caller_lists
        self._keys = Keys(_check_name("definition.name", definition.name))
        self._lease_ms = max(1, int(lease * 1000))
        self._snapshot_every = snapshot_every
        self._node = node if node is not None else uuid.uuid4().hex
        self._clock = clock
        self._token: str | None = None
        self._renewed = 0.0
        self._tick_pending = False
        self._take = client.register_script(TAKE)
        self._renew = client.register_script(RENEW)
        self._publish = client.register_script(PUBLISH)
        self._tick = client.register_script(TICK)
        self._snap = client.register_script(SNAPSHOT)
        self._hotline = Hotline(definition, seed=seed, keep_log=False, keep_intervals=False)
        self._owners: dict[str, str] = {}
        self._time = -math.inf
        self._last = "0-0"
        self._since_snapshot = 0
        self._loaded = False

    # ------------------------------------------------------------------ questions

    @property
    def node(self) -> str:
        """This node's id."""
        return self._node

    @property
    def is_leader(self) -> bool:
        """Whether this node holds the lease (as far as it knows)."""
        return self._token is not None

    @property
    def hotline(self) -> Hotline:
        """The node's copy of the hotline (read it; never feed it)."""
        return self._hotline

    @property
    def applied(self) -> str:
        """The log id of the last entry this node applied."""
        return self._last

    # ------------------------------------------------------------------ running

    def run(self, stop: threading.Event, *, poll: float = 0.02) -> None:
        """Follow or lead until ``stop`` is set; ride out Redis restarts.

        Args:
            stop: Set it to return (within about ``poll`` seconds, or the lease's
                third when leading).
            poll: Seconds a standby waits between looks at the log and the lease.
        """
        while not stop.is_set():
            try:
                self.step(poll=poll)
            except (redis.ConnectionError, redis.TimeoutError):
                self.reload()
                stop.wait(poll * 5)

    def reload(self) -> None:
        """Read the state from Redis again at the next :meth:`step`.

        Call it after a :class:`redis.ConnectionError` or timeout: the reply of a
        write may have been lost, and what was applied is known only from Redis.
        """
        self._loaded = False

    def step(self, *, poll: float = 0.02) -> None:
        """One round: load if needed, then lead (apply, publish, tick, renew) or follow.

        Raises:
            redis.RedisError: Redis cannot be reached.
        """
        if not self._loaded:
            self._load()
        if self._token is None:
            self._follow(poll)
            if self._client.get(self._keys.lease) is None:
                token = self._take(
                    keys=[self._keys.lease, self._keys.fence], args=[self._node, self._lease_ms]
                )
                if int(token):
                    self._token = str(int(token))
                    self._renewed = time.monotonic()
                    self._tick_pending = False
                    while self._follow(0.0):  # catch up to the last published entry
                        pass
            return
        try:
            self._lead(poll)
        except _FencedError:
            self._token = None
            self._loaded = False

    def _fenced(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except redis.ResponseError as error:
            if "FENCED" in str(error):
                raise _FencedError from None
            raise

    def _lead(self, poll: float) -> None:
        token = self._token
        assert token is not None
        third = self._lease_ms / 3000.0
        if time.monotonic() - self._renewed >= third:
            start = time.monotonic()
            self._fenced(
                lambda: self._renew(
                    keys=[self._keys.fence, self._keys.lease],
                    args=[token, self._node, self._lease_ms],
                )
            )
            self._renewed = start
        wait = min(poll * 2.5, third)
        deadline = self._hotline.next_deadline()
        if deadline is not None and not self._tick_pending:
            now = self._clock()
            if deadline <= now:
                fields = ["k", "", "a", "", "t", repr(float(now)), "adv", "1"]
                self._fenced(
                    lambda: self._tick(
                        keys=[self._keys.fence, self._keys.log], args=[token, *fields]
                    )
                )
                self._tick_pending = True
            else:
                wait = min(wait, max(0.001, deadline - now))
        reply: Any = self._client.xread(
            {self._keys.log: self._last}, count=1000, block=max(1, int(wait * 1000))
        )
        entries = [(_text(i), f) for _s, es in reply or () for i, f in es]
        if not entries:
            return
        streams: dict[str, int] = {}
        args: list[Any] = [token, entries[-1][0]]
        for entry_id, fields in entries:
            for n, (target, output) in enumerate(self._apply(entry_id, fields)):
                index = streams.setdefault(self._keys.outputs(target), len(streams) + 3)
                data = output if isinstance(output, dict) else output_to_dict(output)
                args += [index, entry_id, n, json.dumps(data)]
        keys = [self._keys.fence, self._keys.applied, *streams]
        self._fenced(lambda: self._publish(keys=keys, args=args))
        if self._since_snapshot >= self._snapshot_every:
            self._store_snapshot(token)

    def _store_snapshot(self, token: str) -> None:
        args: list[Any] = [
            token,
            self._last,
            repr(self._time),
            json.dumps(self._owners),
            self._hotline.snapshot(),
        ]
        keys = [self._keys.fence, self._keys.snapshot, self._keys.log]
        self._fenced(lambda: self._snap(keys=keys, args=args))
        self._since_snapshot = 0

    # ------------------------------------------------------------------ following

    def _load(self) -> None:
        """Start again from the latest snapshot (or the start), then follow the log."""
        stored: Any = self._client.hgetall(self._keys.snapshot)
        values = {_text(k): v for k, v in stored.items()}
        if values:
            self._hotline = Hotline.restore(
                self._definition, bytes(values["hotline"]), caller_lists=self._lists
            )
            self._owners = json.loads(_text(values["owners"]))
            self._time = float(_text(values["t"]))
            self._last = _text(values["id"])
        else:
            self._hotline = Hotline(
                self._definition,
                seed=self._seed,
                caller_lists=self._lists,
                keep_log=False,
                keep_intervals=False,
            )
            self._owners = {}
            self._time = -math.inf
            self._last = "0-0"
        self._since_snapshot = 0
        self._tick_pending = False
        self._loaded = True
        while self._follow(0.0):
            pass

    def _follow(self, poll: float) -> bool:
        """Apply the published entries after this node's; whether there were any."""
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hget(self._keys.snapshot, "id")
            pipe.get(self._keys.applied)
            pipe.xrange(self._keys.log, min=f"({self._last}", max="+", count=1000)
            replies: Any = pipe.execute()
        snap, applied, entries = replies
        if snap is not None and stream_id(_text(snap)) > stream_id(self._last):
            self._load()  # the log behind the snapshot is gone: start from it
            return False
        if applied is None:
            time.sleep(poll)
            return False
        mark = stream_id(_text(applied))
        done = False
        for raw_id, fields in entries:
            entry_id = _text(raw_id)
            if stream_id(entry_id) > mark:
                break
            self._apply(entry_id, fields)
            done = True
        if not done:
            time.sleep(poll)
        return done

    # ------------------------------------------------------------------ applying

    def _apply(self, entry_id: str, raw: dict[Any, Any]) -> list[tuple[str, object]]:
        """Apply one log entry; its outputs with the stream each goes to."""
        fields = {_text(k): _text(v) for k, v in raw.items()}
        self._last = entry_id
        self._since_snapshot += 1
        adapter = fields.get("a", "")
        try:
            t = float(fields.get("t", "nan"))
        except ValueError:
            t = math.nan
        if not math.isfinite(t):
            t = self._time if math.isfinite(self._time) else 0.0
        t = max(t, self._time)
        self._time = t
        hotline = self._hotline
        key = fields.get("k", "")
        routed: list[tuple[str, object]] = []
        try:
            outputs: list[HotlineOutput] = hotline.advance(t)
        except CallCenterError as error:
            # A timer an engine refused: every node refuses it alike; the host hears.
            outputs = []
            routed.append((RECORDS, {"type": "Refused", "key": key, "error": str(error)}))
        if "adv" in fields:
            self._tick_pending = False
            return [*self._route(outputs, adapter), *routed]
        try:
            item = input_from_dict(json.loads(fields.get("i", "")))
            outputs += hotline.handle(item, t)
        except (CallCenterError, ValueError) as error:
            refused = {"type": "Refused", "key": key, "error": str(error)}
            return [*self._route(outputs, adapter), *routed, (adapter or RECORDS, refused)]
        if isinstance(item, CallArrived) and adapter:
            self._owners["c:" + item.call_id] = adapter
        elif isinstance(item, AgentLoggedIn) and adapter:
            self._owners["a:" + item.agent_id] = adapter
        return [*self._route(outputs, adapter), *routed]

    def _route(self, outputs: list[HotlineOutput], adapter: str) -> list[tuple[str, object]]:
        routed: list[tuple[str, object]] = []
        owners = self._owners
        for output in outputs:
            if isinstance(output, (ContactFinished, TicketUpdate)):
                routed.append((RECORDS, output))
                if isinstance(output, ContactFinished):
                    owners.pop("c:" + output.call_id, None)
                continue
            call_id = getattr(output, "call_id", None)
            target = owners.get(f"c:{call_id}") if call_id is not None else None
            if target is None:
                agent_id = getattr(output, "agent_id", None)
                target = owners.get(f"a:{agent_id}") if agent_id is not None else None
            routed.append((target or adapter or RECORDS, output))
        return routed
