"""A session's serialized state: checked against its flow on the way in, and signed.

:meth:`~callcenter.ivr.Session.to_dict` gives a small dict a stateless webhook server
can keep between requests. What comes back may have been stored somewhere the host
does not control, so :func:`read_state` checks every field against the flow before a
session is rebuilt from it: the types, the node ids and the phase that fits the
node, the keys typed so far (digits a collect could still take, or the start of a
menu option), a value waiting for confirmation (it must pass the collect's own
checks), the retry counters (below the node's limits), the return stack and the
times.

A host that hands the state to a client (a hidden form field, a telephony
provider's session variable) signs it: :func:`sign_state` gives a text token with
an HMAC-SHA256 of the state under a host key, and :func:`verify_state` checks it in
constant time before anything is read. A key id in the token picks the key, so keys
can be rotated: verify with the old and the new key, sign with the new one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from .._checks import LARGEST, check_argument
from ..errors import InvalidArgumentError
from ._caches import ChoiceNode, choices
from ._events import SessionResult
from ._flow import Flow
from ._model import DIGITS, INPUT_KINDS, CallNode, CollectNode, LookupNode, RecordNode, SayNode
from ._rules import _ENDED, _HOST, _INPUT, _NEW, _PLAY, _RECORD

__all__ = ["MAX_ID", "STATE_VERSION", "read_state", "sign_state", "verify_state"]

STATE_VERSION = 1

_KEYS = frozenset(
    ("v", "f", "id", "n", "p", "a", "t", "pl", "b", "c", "i", "m", "s", "k", "d", "r")
) | frozenset(("sn", "x", "g", "dn", "tm", "res", "l"))
_PHASE_KINDS: dict[int, type | tuple[type, ...]] = {
    _PLAY: SayNode,
    _INPUT: INPUT_KINDS,
    _HOST: LookupNode,
    _RECORD: RecordNode,
}
_MAX_STACK = 8
_MAX_PLAYING = 3  # an apology and a prompt, or a confirmation, in one phase
MAX_ID = 256
"""The longest session id, caller or dialled number a session takes."""
_MAX_TOKEN = 1_000_000
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN_PREFIX = "cs1"


def _bad(name: str, expected: str, got: object) -> InvalidArgumentError:
    return InvalidArgumentError(
        name=f"state.{name}" if name else "state", expected=expected, got=got
    )


def _whole(data: Mapping[str, Any], key: str, highest: int) -> int:
    value = data.get(key, 0)
    if type(value) is not int or not 0 <= value <= highest:
        raise _bad(key, f"a whole number from 0 to {highest}", value)
    return value


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if type(value) is not bool:
        raise _bad(key, "true or false", value)
    return value


def _node_list(data: Mapping[str, Any], key: str, allowed: set[str], most: int) -> list[str]:
    value = data.get(key, [])
    if (
        not isinstance(value, list)
        or len(value) > most
        or not all(isinstance(item, str) and item in allowed for item in value)
    ):
        raise _bad(key, f"a list of at most {most} node ids of the flow", value)
    return value


def read_state(flow: Flow, data: object) -> dict[str, Any]:
    """Check a state from :meth:`Session.to_dict` against ``flow``; return its fields.

    Returns:
        The fields by their engine names (``node``, ``phase``, ``buffer``...).

    Raises:
        InvalidArgumentError: The first field that is not what a session of this flow
            can hold, with what was expected and what came.
    """
    if not isinstance(data, Mapping):
        raise _bad("", "a dict from Session.to_dict()", data)
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise _bad(unknown[0], "no such field (a state from Session.to_dict())", data[unknown[0]])
    version = data.get("v")
    if type(version) is not int or version != STATE_VERSION:
        raise _bad("v", f"state version {STATE_VERSION}", version)
    if data.get("f") != flow.name:
        raise _bad("f", f"a session of flow {flow.name!r}", data.get("f"))
    session_id = data.get("id", "")
    if not isinstance(session_id, str) or len(session_id) > MAX_ID:
        raise _bad("id", f"a text of at most {MAX_ID} characters", session_id)
    node_id = data.get("n")
    if not isinstance(node_id, str) or node_id not in flow.nodes:
        raise _bad("n", "a node of the flow", node_id)
    node = flow.nodes[node_id]
    phase = data.get("p")
    if type(phase) is not int or not _NEW <= phase <= _ENDED:
        raise _bad("p", "a phase number 0-5", phase)
    fitting = _PHASE_KINDS.get(phase)
    if fitting is not None and not isinstance(node, fitting):
        raise _bad("p", f"a phase that fits the {node.KIND} node {node_id!r}", phase)
    if phase == _NEW and node_id != flow.start:
        raise _bad("n", f"the start node {flow.start!r} before the session begins", node_id)
    attributes = data.get("a")
    if not isinstance(attributes, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise _bad("a", "a dict of text to text", attributes)
    language = data.get("l", flow.default_language)
    if not isinstance(language, str) or language not in flow.languages:
        raise _bad("l", f"one of {list(flow.languages)}", language)
    returns = {n.next for n in flow.nodes.values() if isinstance(n, CallNode)}
    stack = _node_list(data, "k", returns, _MAX_STACK)
    listening = {i for i, n in flow.nodes.items() if isinstance(n, INPUT_KINDS)}
    seen = _node_list(data, "sn", listening, len(listening))
    if len(set(seen)) != len(seen):
        raise _bad("sn", "node ids listed once each", seen)
    steps = _whole(data, "s", flow.max_steps)
    if phase != _NEW and steps == 0:
        raise _bad("s", "at least 1 once the session has begun", steps)
    request = _whole(data, "r", 2 * steps)
    playing = _whole(data, "pl", _MAX_PLAYING if phase in (_PLAY, _INPUT, _RECORD) else 0)
    no_inputs = _whole(data, "i", _retries(node, "no_input_limit", phase))
    no_matches = _whole(data, "m", _retries(node, "no_match_limit", phase))
    buffer, pending = _typed(flow, node, phase, data)
    blocked, gone, done = _flag(data, "x"), _flag(data, "g"), _flag(data, "dn")
    term = data.get("tm", "")
    terminators = {n.terminator for n in flow.nodes.values() if isinstance(n, CollectNode)}
    if term != "" and (
        not isinstance(term, str) or term not in terminators or phase in (_NEW, _ENDED)
    ):
        raise _bad("tm", "the terminator of a collect node just left, or nothing", term)
    if gone and (flow.on_hangup is None or phase not in (_HOST, _ENDED)):
        raise _bad("g", "false while the caller is on the line", gone)
    now = _time(data, "t")
    deadline = _time(data, "d")
    if now is None and phase != _NEW:
        raise _bad("t", "the time of the last call once the session has begun", data.get("t"))
    if deadline is not None and phase not in (_INPUT, _HOST):
        # (It may be before the last call: deadlines fire only in advance().)
        raise _bad("d", "no deadline unless listening or asking the host", deadline)
    if phase == _HOST and deadline is None:
        raise _bad("d", "the host's deadline while a lookup waits", deadline)
    raw = data.get("res")
    try:
        result = None if raw is None else SessionResult(raw)
    except ValueError:
        raise _bad("res", "a session result", raw) from None
    if (result is None) != (phase != _ENDED):
        raise _bad("res", "a result once (and only once) the session ended", raw)
    return {
        "id": session_id,
        "node": node_id,
        "phase": phase,
        "attributes": dict(attributes),
        "language": language,
        "stack": list(stack),
        "seen": set(seen),
        "steps": steps,
        "request": request,
        "playing": playing,
        "no_inputs": no_inputs,
        "no_matches": no_matches,
        "buffer": buffer,
        "pending": pending,
        "blocked": blocked,
        "gone": gone,
        "done": done,
        "term": term,
        "now": now,
        "deadline": deadline,
        "result": result,
    }


def _retries(node: object, limit: str, phase: int) -> int:
    """The most retries a state can have counted at ``node`` in ``phase``."""
    if not isinstance(node, INPUT_KINDS):
        return 0
    most: int = getattr(node, limit)
    if phase == _INPUT:
        return most - 1  # at the limit, the node is left
    return most if phase == _ENDED else 0


def _time(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    return check_argument(f"state.{key}", value, minimum=-LARGEST, maximum=LARGEST)


def _typed(flow: Flow, node: object, phase: int, data: Mapping[str, Any]) -> tuple[str, str | None]:
    """The keys typed so far and the value waiting for confirmation, checked."""
    buffer = data.get("b", "")
    pending = data.get("c")
    if not isinstance(buffer, str):
        raise _bad("b", "the keys typed so far (text)", buffer)
    if pending is not None and not isinstance(pending, str):
        raise _bad("c", "a value to confirm, or nothing", pending)
    if phase != _INPUT and (buffer or pending is not None):
        raise _bad("b" if buffer else "c", "nothing outside the input phase", buffer or pending)
    if isinstance(node, CollectNode):
        if not DIGITS.issuperset(buffer) or len(buffer) >= node.max_digits:
            raise _bad("b", f"fewer than {node.max_digits} digits", buffer)
        if pending is not None and (
            buffer or node.confirm_prompt is None or not _valid_value(node, pending)
        ):
            raise _bad("c", f"a valid value of collect node {node.id!r} to confirm", pending)
    elif buffer or pending is not None:
        if pending is not None:
            raise _bad("c", "nothing: only a collect node confirms a value", pending)
        if isinstance(node, ChoiceNode) and buffer in choices(flow, node)[1]:
            return buffer, None
        raise _bad("b", "the start of one of the node's options", buffer)
    return buffer, pending


def _valid_value(node: CollectNode, value: str) -> bool:
    return (
        DIGITS.issuperset(value)
        and node.min_digits <= len(value) <= node.max_digits
        and (node.pattern is None or re.fullmatch(node.pattern, value) is not None)
    )


# --------------------------------------------------------------------------- signing


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_key(key: object, name: str) -> bytes:
    if not isinstance(key, bytes) or len(key) < 16:
        raise InvalidArgumentError(name=name, expected="a secret key of at least 16 bytes", got=key)
    return key


def sign_state(state: Mapping[str, Any], *, key: bytes, key_id: str) -> str:
    """Sign a state from :meth:`Session.to_dict` with a host key.

    Args:
        state: The state.
        key: The secret key (at least 16 bytes; 32 random bytes are a good choice).
        key_id: Names the key (letters, digits, ``_`` and ``-``, at most 64), so that
            :func:`verify_state` can pick it among several while keys are rotated.

    Returns:
        A text token ``cs1.<key id>.<state>.<signature>``, URL-safe, holding the state
        in base64 JSON (readable by whoever holds the token, not secret) and its
        HMAC-SHA256.

    Raises:
        InvalidArgumentError: The key or key id is malformed, or the state is not
            JSON (e.g. it holds NaN).

    >>> token = sign_state({"v": 1}, key=b"k" * 32, key_id="2026-12")
    >>> token.split(".")[:2]
    ['cs1', '2026-12']
    >>> verify_state(token, keys={"2026-12": b"k" * 32})
    {'v': 1}
    """
    _check_key(key, "key")
    given_id: object = key_id
    if not isinstance(given_id, str) or _KEY_ID.fullmatch(given_id) is None:
        raise InvalidArgumentError(
            name="key_id", expected="1-64 letters, digits, '_' or '-'", got=key_id
        )
    try:
        text = json.dumps(state, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(name="state", expected="a JSON-ready dict", got=exc) from None
    signed = f"{_TOKEN_PREFIX}.{key_id}.{_b64(text.encode())}"
    mac = hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()
    return f"{signed}.{_b64(mac)}"


def verify_state(token: str, *, keys: Mapping[str, bytes]) -> dict[str, Any]:
    """Check a token from :func:`sign_state` and return the state it holds.

    The signature is compared in constant time, and nothing in the token is read
    before it has been checked.

    Args:
        token: The token.
        keys: Key id to key: every key still accepted (during a rotation, the old
            and the new one).

    Returns:
        The state, ready for :meth:`Session.from_dict` (which checks it against the
        flow).

    Raises:
        InvalidArgumentError: The token is malformed, names an unknown key, or its
            signature does not match.
    """
    given: object = token
    if not isinstance(given, str) or len(given) > _MAX_TOKEN:
        raise InvalidArgumentError(name="token", expected="a signed session state", got=token)
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _TOKEN_PREFIX:
        raise InvalidArgumentError(
            name="token",
            expected=f"a token '{_TOKEN_PREFIX}.<key id>.<state>.<signature>'",
            got=token,
        )
    _, key_id, payload, signature = parts
    key = keys.get(key_id) if _KEY_ID.fullmatch(key_id) else None
    if key is None:
        raise InvalidArgumentError(
            name="token", expected=f"a key id among {sorted(keys)}", got=key_id
        )
    _check_key(key, f"keys[{key_id!r}]")
    expected = hmac.new(
        key, f"{_TOKEN_PREFIX}.{key_id}.{payload}".encode("ascii", "replace"), hashlib.sha256
    ).digest()
    try:
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        given = b""
    if not hmac.compare_digest(expected, given):
        raise InvalidArgumentError(
            name="token", expected="a state signed with the named key", got="a bad signature"
        )
    try:
        state = json.loads(_unb64(payload), parse_constant=_no_constant)
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(name="token", expected="a JSON state", got=exc) from None
    if not isinstance(state, dict):
        raise InvalidArgumentError(name="token", expected="a JSON object", got=state)
    return state


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a state holds")
