"""A hotline's state as bytes: what every engine inside holds, without the definition.

:meth:`Hotline.to_dict` saves the input log, and rebuilding from it costs the whole
past. A snapshot is the objects themselves (calls, sessions, queues, agents, timers,
tickets, the wallboard), pickled, so that restoring costs the live state only. The
definition is not in the bytes: each of its objects is written as a reference to its
place in the definition, and :func:`restore_state` puts the definition given back in
those places, after checking its fingerprint. Caller lists are not saved either
(they live outside the hotline).

A snapshot is read by the same version of the library that wrote it (the version and
the layout of the hotline's state, :data:`STATE_LAYOUT`, are in the bytes and
checked); it is a format for a replica or a restart, not for an
archive. The bytes are a pickle read by a restricted unpickler: it looks up only the
library's own classes and functions and a short list of standard ones (containers,
dates, ``random.Random``, sortedcontainers), and refuses any other name, so forged
bytes cannot name ``os.system`` or ``eval``. Still, keep snapshots where you keep the
input log: whoever can write them can change the hotline's state.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import types
import zoneinfo
from collections.abc import Mapping
from typing import Any

import attrs

from .._version import __version__
from ..errors import InvalidArgumentError

__all__ = ["definition_parts", "restore_state", "save_state"]

_MAGIC = b"callcenter.hotline.snapshot/1\n"

STATE_LAYOUT = 3
"""The layout of the hotline's pickled state, raised whenever its objects change (2: a
call is its own contact notes; 3: the desk's deadline is kept, the caller lists'
answers, and the start of a call's hold announcements); a snapshot of another layout
is refused."""


def _written_by() -> str:
    return f"{__version__} (state layout {STATE_LAYOUT})"


def definition_parts(definition: object) -> list[object]:
    """Every object reachable from ``definition``, in a fixed order (by identity)."""
    seen: set[int] = set()
    parts: list[object] = []
    stack: list[object] = [definition]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, (str, int, float, bool, bytes)):
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        parts.append(item)
        if attrs.has(type(item)):
            # Private fields are caches filled as the definition is used: the same
            # definition, fresh or used, has the same public parts.
            public = [f for f in attrs.fields(type(item)) if not f.name.startswith("_")]  # type: ignore[arg-type]
            stack.extend(getattr(item, f.name) for f in reversed(public))
        elif isinstance(item, Mapping):
            for key, value in reversed(list(item.items())):
                stack.append(value)
                stack.append(key)
        elif isinstance(item, (tuple, list, frozenset, set)):
            members = sorted(item, key=repr) if isinstance(item, (set, frozenset)) else item
            stack.extend(reversed(list(members)))
    return parts


def _fingerprint(definition: object) -> bytes:
    from ._document import hotline_to_dict

    try:
        document = hotline_to_dict(definition)  # type: ignore[arg-type]
        text = json.dumps(document, sort_keys=True, default=repr)
    except Exception:  # a definition built in code that no document can hold
        text = repr(definition)
    return hashlib.sha256(text.encode()).digest()


def read_only(data: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    """A read-only view of ``data`` (how a snapshot writes one)."""
    return types.MappingProxyType(data)


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, parts: list[object], skip: set[int]) -> None:
        super().__init__(file, protocol=5)
        self._index = {id(p): i for i, p in enumerate(parts)}
        self._skip = skip

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is types.MappingProxyType:  # read-only views of the engines' maps
            return read_only, (dict(obj),)
        if type(obj) is zoneinfo.ZoneInfo:
            # By its key: ZoneInfo's own reduction names a bound class method, which
            # only ``builtins.getattr`` could look up, and the unpickler refuses that.
            return zoneinfo.ZoneInfo, (obj.key,)
        return NotImplemented

    def persistent_id(self, obj: Any) -> Any:
        if id(obj) in self._skip:
            return "outside"
        index = self._index.get(id(obj))
        return None if index is None else index


# What a snapshot may name besides the library's own classes: the state of the
# engines is made of these and of builtin containers, nothing else. A name outside
# this list (``os.system``, ``builtins.eval``...) is refused before it is looked up,
# so that damaged or forged bytes cannot run code through the unpickler.
_OUTSIDE_GLOBALS = frozenset(
    {
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "dict"),
        ("builtins", "list"),
        ("builtins", "tuple"),
        ("builtins", "object"),
        ("builtins", "complex"),
        ("builtins", "bytearray"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("zoneinfo", "ZoneInfo"),
        ("random", "Random"),
        ("collections", "deque"),
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("copyreg", "_reconstructor"),
        ("sortedcontainers.sortedlist", "SortedList"),
        ("sortedcontainers.sortedlist", "SortedKeyList"),
        ("sortedcontainers.sorteddict", "SortedDict"),
        ("sortedcontainers.sortedset", "SortedSet"),
    }
)


class _Restricted(pickle.Unpickler):
    """An unpickler that looks up only the library's own names and a short list."""

    def find_class(self, module: str, name: str) -> Any:
        if (module == "callcenter" or module.startswith("callcenter.")) and not name.startswith(
            "__"
        ):
            return super().find_class(module, name)
        if (module, name) in _OUTSIDE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")


class _Unpickler(_Restricted):
    def __init__(self, file: io.BytesIO, parts: list[object], outside: object) -> None:
        super().__init__(file)
        self._parts = parts
        self._outside = outside

    def persistent_load(self, pid: Any) -> Any:
        if pid == "outside":
            return self._outside
        if type(pid) is int and 0 <= pid < len(self._parts):
            return self._parts[pid]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def save_state(state: dict[str, Any], definition: object, outside: object) -> bytes:
    """Pickle ``state`` with references to ``definition``'s objects and to ``outside``."""
    file = io.BytesIO()
    file.write(_MAGIC)
    header = pickle.dumps((_written_by(), _fingerprint(definition)), protocol=5)
    file.write(len(header).to_bytes(4, "big"))
    file.write(header)
    skip = {id(outside)} if outside is not None else set()
    _Pickler(file, definition_parts(definition), skip).dump(state)
    return file.getvalue()


def restore_state(data: object, definition: object, outside: object) -> dict[str, Any]:
    """Read what :func:`save_state` wrote, for the same definition and version.

    Raises:
        InvalidArgumentError: Not a snapshot, one of another version of the library,
            or one of another definition.
    """
    if not isinstance(data, bytes) or not data.startswith(_MAGIC):
        raise InvalidArgumentError(
            name="data", expected="a hotline snapshot (bytes from Hotline.snapshot)", got=data
        )
    file = io.BytesIO(data)
    file.seek(len(_MAGIC))
    size = int.from_bytes(file.read(4), "big")
    try:
        version, fingerprint = _Restricted(io.BytesIO(file.read(size))).load()
    except Exception:
        raise InvalidArgumentError(
            name="data", expected="a hotline snapshot (its header is damaged)", got=data
        ) from None
    if version != _written_by():
        raise InvalidArgumentError(
            name="data",
            expected=f"a snapshot written by callcenter {_written_by()}",
            got=f"one written by callcenter {version}",
        )
    if fingerprint != _fingerprint(definition):
        raise InvalidArgumentError(
            name="definition",
            expected="the definition the snapshot was taken with",
            got="another definition",
        )
    try:
        state = _Unpickler(file, definition_parts(definition), outside).load()
    except Exception:
        raise InvalidArgumentError(
            name="data", expected="a hotline snapshot (its body is damaged)", got=data
        ) from None
    if not isinstance(state, dict):
        raise InvalidArgumentError(name="data", expected="a hotline snapshot", got=data)
    return state
