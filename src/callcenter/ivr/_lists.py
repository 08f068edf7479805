"""Caller lists: a block list (harassing callers are refused) and a VIP list.

Each entry has a reason and an optional expiry. A host asks
:meth:`CallerLists.status` when a call comes and passes the answer to
:class:`~callcenter.ivr.Session` (``status=``); the session itself never touches a
store. Two stores share one behaviour: :class:`MemoryCallerLists` for tests and
single processes, :class:`SQLiteCallerLists` (stdlib :mod:`sqlite3`) to keep the lists
across restarts.

A number is stored as written, without spaces, dashes and brackets
(``"138-0013 8000"`` and ``"13800138000"`` are one number). When a number is on both
lists, blocking wins.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import attrs

from .._clock import as_instant
from ..errors import DuplicateIdError, InvalidArgumentError, SchemaVersionError, UnknownIdError
from ._events import CallerStatus

__all__ = ["CallerListEntry", "CallerLists", "ListKind", "MemoryCallerLists", "SQLiteCallerLists"]

_SCHEMA_VERSION = 1
_UNSET: object = object()


class ListKind(enum.Enum):
    """Which list an entry is on."""

    BLOCK = "block"
    VIP = "vip"


def normalize_number(number: str) -> str:
    """The number without spaces, dashes, dots and brackets.

    >>> normalize_number(" 138-0013 (8000) ")
    '13800138000'

    Raises:
        InvalidArgumentError: Nothing is left, or characters other than digits and a
            leading ``+`` remain.
    """
    cleaned = "".join(ch for ch in number if ch not in " -.()\t")
    body = cleaned[1:] if cleaned.startswith("+") else cleaned
    if not body or not body.isdigit() or not body.isascii():
        raise InvalidArgumentError(
            name="number", expected="a phone number of digits (and a leading +)", got=number
        )
    return cleaned


@attrs.frozen(kw_only=True)
class CallerListEntry:
    """One number on one list.

    Attributes:
        number: The number, normalized.
        kind: Block list or VIP list.
        reason: Why it is there (harassment, key account...).
        added_at: When it was added (POSIX seconds).
        expires_at: When it stops counting, or ``None`` for never.
    """

    number: str
    kind: ListKind
    reason: str = ""
    added_at: float = 0.0
    expires_at: float | None = None

    def active(self, now: float) -> bool:
        """Whether the entry counts at ``now`` (not yet expired)."""
        return self.expires_at is None or now < self.expires_at


class CallerLists(Protocol):
    """What every caller-list store offers."""

    def add(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str = "",
        now: float,
        expires_at: float | None = None,
    ) -> CallerListEntry:
        """Put a number on a list. Raises DuplicateIdError if it is already there."""
        ...

    def update(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str | None = None,
        expires_at: float | object | None = _UNSET,
    ) -> CallerListEntry:
        """Change an entry's reason or expiry. Raises UnknownIdError if absent."""
        ...

    def remove(self, number: str, kind: ListKind) -> None:
        """Take a number off a list. Raises UnknownIdError if absent."""
        ...

    def get(self, number: str, kind: ListKind) -> CallerListEntry | None:
        """The entry, expired or not, or ``None``."""
        ...

    def entries(self, kind: ListKind | None = None) -> list[CallerListEntry]:
        """Every entry (of one list), sorted by kind and number."""
        ...

    def status(self, number: str, now: float) -> CallerStatus:
        """What the lists say about a caller at ``now`` (expired entries ignored)."""
        ...

    def purge_expired(self, now: float) -> int:
        """Delete entries expired by ``now``; returns how many."""
        ...


def _check_expiry(expires_at: float | None) -> float | None:
    return None if expires_at is None else as_instant(expires_at, name="expires_at")


def _status(block: CallerListEntry | None, vip: CallerListEntry | None, now: float) -> CallerStatus:
    if block is not None and block.active(now):
        return CallerStatus.BLOCKED
    if vip is not None and vip.active(now):
        return CallerStatus.VIP
    return CallerStatus.NORMAL


class MemoryCallerLists:
    """Caller lists kept in a dict (lost when the process ends).

    >>> lists = MemoryCallerLists()
    >>> _ = lists.add("13900000000", ListKind.BLOCK, reason="harassment", now=0.0,
    ...               expires_at=86400.0)
    >>> lists.status("139-0000-0000", now=10.0)
    <CallerStatus.BLOCKED: 'blocked'>
    >>> lists.status("13900000000", now=90000.0)
    <CallerStatus.NORMAL: 'normal'>
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[ListKind, str], CallerListEntry] = {}

    def add(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str = "",
        now: float,
        expires_at: float | None = None,
    ) -> CallerListEntry:
        """Put a number on a list.

        Raises:
            DuplicateIdError: The number is already on that list (use :meth:`update`).
            InvalidArgumentError: The number or a time is malformed.
        """
        key = (kind, normalize_number(number))
        entry = CallerListEntry(
            number=key[1],
            kind=kind,
            reason=reason,
            added_at=as_instant(now),
            expires_at=_check_expiry(expires_at),
        )
        if key in self._entries:
            raise DuplicateIdError(kind=f"{kind.value}-list number", id=key[1])
        self._entries[key] = entry
        return entry

    def update(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str | None = None,
        expires_at: float | object | None = _UNSET,
    ) -> CallerListEntry:
        """Change an entry's reason and/or expiry (``expires_at=None``: never expires).

        Raises:
            UnknownIdError: The number is not on that list.
        """
        key = (kind, normalize_number(number))
        old = self._entries.get(key)
        if old is None:
            raise UnknownIdError(kind=f"{kind.value}-list number", id=key[1])
        new = attrs.evolve(
            old,
            reason=old.reason if reason is None else reason,
            expires_at=old.expires_at if expires_at is _UNSET else _check_expiry(expires_at),  # type: ignore[arg-type]
        )
        self._entries[key] = new
        return new

    def remove(self, number: str, kind: ListKind) -> None:
        """Take a number off a list.

        Raises:
            UnknownIdError: The number is not on that list.
        """
        key = (kind, normalize_number(number))
        if self._entries.pop(key, None) is None:
            raise UnknownIdError(kind=f"{kind.value}-list number", id=key[1])

    def get(self, number: str, kind: ListKind) -> CallerListEntry | None:
        """The entry, expired or not, or ``None``."""
        return self._entries.get((kind, normalize_number(number)))

    def entries(self, kind: ListKind | None = None) -> list[CallerListEntry]:
        """Every entry (of one list), sorted by kind and number."""
        found = [e for e in self._entries.values() if kind is None or e.kind is kind]
        return sorted(found, key=lambda e: (e.kind.value, e.number))

    def status(self, number: str, now: float) -> CallerStatus:
        """What the lists say about a caller at ``now``. ``O(1)``."""
        clean = normalize_number(number)
        return _status(
            self._entries.get((ListKind.BLOCK, clean)),
            self._entries.get((ListKind.VIP, clean)),
            as_instant(now),
        )

    def purge_expired(self, now: float) -> int:
        """Delete the entries expired by ``now``; returns how many."""
        now = as_instant(now)
        gone = [key for key, entry in self._entries.items() if not entry.active(now)]
        for key in gone:
            del self._entries[key]
        return len(gone)


class SQLiteCallerLists:
    """Caller lists in an SQLite database file (or ``":memory:"``).

    Every change is committed at once, so several processes can share one file
    (SQLite locks it for each write). Like the :mod:`sqlite3` connection inside it, a
    store belongs to the thread that opened it: open one per thread. The database
    holds a schema version; opening one written by a newer version of this library
    raises :class:`~callcenter.errors.SchemaVersionError`.

    Args:
        path: The database file; created if missing.

    Raises:
        SchemaVersionError: The file's schema is newer than this code supports.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        self._db = sqlite3.connect(self._path)
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and int(row[0]) > _SCHEMA_VERSION:
            self._db.close()
            raise SchemaVersionError(store=self._path, found=int(row[0]), supported=_SCHEMA_VERSION)
        with self._db:
            if row is None:
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(_SCHEMA_VERSION),)
                )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS caller_list ("
                " kind TEXT NOT NULL, number TEXT NOT NULL, reason TEXT NOT NULL,"
                " added_at REAL NOT NULL, expires_at REAL,"
                " PRIMARY KEY (kind, number))"
            )

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> SQLiteCallerLists:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @staticmethod
    def _entry(row: tuple[str, str, str, float, float | None]) -> CallerListEntry:
        kind, number, reason, added_at, expires_at = row
        return CallerListEntry(
            number=number,
            kind=ListKind(kind),
            reason=reason,
            added_at=added_at,
            expires_at=expires_at,
        )

    def _rows(self, sql: str, params: tuple[object, ...]) -> Iterator[CallerListEntry]:
        for row in self._db.execute(sql, params):
            yield self._entry(row)

    def add(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str = "",
        now: float,
        expires_at: float | None = None,
    ) -> CallerListEntry:
        """Put a number on a list (see :meth:`MemoryCallerLists.add`)."""
        entry = CallerListEntry(
            number=normalize_number(number),
            kind=kind,
            reason=reason,
            added_at=as_instant(now),
            expires_at=_check_expiry(expires_at),
        )
        try:
            with self._db:
                self._db.execute(
                    "INSERT INTO caller_list VALUES (?, ?, ?, ?, ?)",
                    (kind.value, entry.number, reason, entry.added_at, entry.expires_at),
                )
        except sqlite3.IntegrityError:
            raise DuplicateIdError(kind=f"{kind.value}-list number", id=entry.number) from None
        return entry

    def update(
        self,
        number: str,
        kind: ListKind,
        *,
        reason: str | None = None,
        expires_at: float | object | None = _UNSET,
    ) -> CallerListEntry:
        """Change an entry's reason and/or expiry (see :meth:`MemoryCallerLists.update`)."""
        old = self.get(number, kind)
        if old is None:
            raise UnknownIdError(kind=f"{kind.value}-list number", id=normalize_number(number))
        new = attrs.evolve(
            old,
            reason=old.reason if reason is None else reason,
            expires_at=old.expires_at if expires_at is _UNSET else _check_expiry(expires_at),  # type: ignore[arg-type]
        )
        with self._db:
            self._db.execute(
                "UPDATE caller_list SET reason = ?, expires_at = ? WHERE kind = ? AND number = ?",
                (new.reason, new.expires_at, kind.value, new.number),
            )
        return new

    def remove(self, number: str, kind: ListKind) -> None:
        """Take a number off a list (see :meth:`MemoryCallerLists.remove`)."""
        clean = normalize_number(number)
        with self._db:
            cursor = self._db.execute(
                "DELETE FROM caller_list WHERE kind = ? AND number = ?", (kind.value, clean)
            )
        if cursor.rowcount == 0:
            raise UnknownIdError(kind=f"{kind.value}-list number", id=clean)

    def get(self, number: str, kind: ListKind) -> CallerListEntry | None:
        """The entry, expired or not, or ``None``."""
        found = list(
            self._rows(
                "SELECT * FROM caller_list WHERE kind = ? AND number = ?",
                (kind.value, normalize_number(number)),
            )
        )
        return found[0] if found else None

    def entries(self, kind: ListKind | None = None) -> list[CallerListEntry]:
        """Every entry (of one list), sorted by kind and number."""
        if kind is None:
            return list(self._rows("SELECT * FROM caller_list ORDER BY kind, number", ()))
        return list(
            self._rows("SELECT * FROM caller_list WHERE kind = ? ORDER BY number", (kind.value,))
        )

    def status(self, number: str, now: float) -> CallerStatus:
        """What the lists say about a caller at ``now`` (one indexed query)."""
        clean = normalize_number(number)
        found = {
            e.kind: e for e in self._rows("SELECT * FROM caller_list WHERE number = ?", (clean,))
        }
        return _status(found.get(ListKind.BLOCK), found.get(ListKind.VIP), as_instant(now))

    def purge_expired(self, now: float) -> int:
        """Delete the entries expired by ``now``; returns how many."""
        with self._db:
            cursor = self._db.execute(
                "DELETE FROM caller_list WHERE expires_at IS NOT NULL AND expires_at <= ?",
                (as_instant(now),),
            )
        return cursor.rowcount
