"""Caller lists: a block list (harassing callers are refused) and a VIP list.

Each entry has a reason and an optional expiry. A host asks
:meth:`CallerLists.status` when a call comes and passes the answer to
:class:`~callcenter.ivr.Session` (``status=``); the session itself never touches a
store. Two stores share one behaviour: :class:`MemoryCallerLists` for tests and
single processes, :class:`SQLiteCallerLists` (stdlib :mod:`sqlite3`) to keep the lists
across restarts.

A number is stored in one form whatever way it is written (see
:func:`normalize_number`): without spaces, dashes and brackets, and with a Chinese
number in its national form, so ``"138-0013 8000"``, ``"+86 138 0013 8000"`` and
``"008613800138000"`` are one number. When a number is on both lists, blocking wins.
"""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path
from typing import Protocol

import attrs

from .._checks import LARGEST, check_argument, short_repr
from ..errors import (
    DuplicateIdError,
    InvalidArgumentError,
    SchemaVersionError,
    StoreError,
    UnknownIdError,
)
from ._events import CallerStatus

__all__ = ["CallerListEntry", "CallerLists", "ListKind", "MemoryCallerLists", "SQLiteCallerLists"]

_SCHEMA_VERSION = 1
_UNSET: object = object()


class ListKind(enum.Enum):
    """Which list an entry is on."""

    BLOCK = "block"
    VIP = "vip"


MAX_NUMBER_DIGITS = 24
"""The most digits a number may have (E.164 allows 15; prefixes and extensions add some)."""


def normalize_number(number: str) -> str:
    """One form for a number, whichever way it was written.

    * Spaces, tabs, dashes, dots and brackets go.
    * International form to national form for China (country code 86): ``+86`` or
      ``0086`` followed by a mobile number (11 digits starting with ``1``) gives the
      mobile number, followed by a landline number gives it with its trunk prefix ``0``
      (``+86 10 1234 5678`` is ``01012345678``, as dialled inside China).
    * Other countries keep their international form, written with ``+``
      (``0044 20 7946 0000`` is ``+442079460000``).

    >>> normalize_number(" 138-0013 (8000) ")
    '13800138000'
    >>> normalize_number("+86 139 0000 0000"), normalize_number("008613900000000")
    ('13900000000', '13900000000')
    >>> normalize_number("+86 (0)10 1234-5678"), normalize_number("0044 20 7946 0000")
    ('01012345678', '+442079460000')

    Raises:
        InvalidArgumentError: Not a text; nothing is left; characters other than
            digits and a leading ``+`` remain; or more than 24 digits.
    """
    given: object = number
    if (
        type(given) is str
        and number.isdigit()
        and number.isascii()
        and len(number) <= MAX_NUMBER_DIGITS
        and not number.startswith("00")
    ):
        return number  # already national digits: the form every step below keeps
    if not isinstance(given, str) or len(number) > 4 * MAX_NUMBER_DIGITS:
        raise InvalidArgumentError(
            name="number", expected="a phone number (text of digits)", got=number
        )
    cleaned = "".join(ch for ch in number if ch not in " -.()\t")
    international = cleaned.startswith("+")
    body = cleaned[1:] if international else cleaned
    if not body or not body.isdigit() or not body.isascii() or len(body) > MAX_NUMBER_DIGITS:
        raise InvalidArgumentError(
            name="number",
            expected=f"a phone number of at most {MAX_NUMBER_DIGITS} digits (and a leading +)",
            got=number,
        )
    if not international and body.startswith("00"):
        international, body = True, body[2:]
    if not international:
        return body
    if body.startswith("86") and len(body) > 2:
        national = body[2:]
        mobile = national[0] == "1" and len(national) == 11
        return national if mobile or national[0] == "0" else "0" + national
    return "+" + body


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

    def __attrs_post_init__(self) -> None:
        if self.expires_at is not None and not self.expires_at > self.added_at:
            raise InvalidArgumentError(
                name="expires_at",
                expected=f"a time after the entry's creation ({self.added_at!r})",
                got=self.expires_at,
            )

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
    return None if expires_at is None else _instant(expires_at, "expires_at")


def _instant(value: object, name: str = "now") -> float:
    return check_argument(name, value, minimum=-LARGEST, maximum=LARGEST)


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
            added_at=_instant(now),
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
            _instant(now),
        )

    def purge_expired(self, now: float) -> int:
        """Delete the entries expired by ``now``; returns how many."""
        now = _instant(now)
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
    raises :class:`~callcenter.errors.SchemaVersionError` and leaves the file as it
    was.

    Args:
        path: The database file; created if missing.

    Raises:
        SchemaVersionError: The file's schema is newer than this code supports.
        StoreError: The file cannot be opened or is not a caller-list database (a
            directory, no permission, damaged or truncated, another program's
            database); the message names the file. Every later call on a store
            whose file fails, or after :meth:`close`, raises it too.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        try:
            self._db = sqlite3.connect(self._path)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    def _error(self, exc: BaseException) -> StoreError:
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, sqlite3.ProgrammingError) and "closed" in detail:
            detail = "the store is closed"
        return StoreError(f"caller lists {self._path}: {detail}")

    def _open(self) -> None:
        try:
            tables = {row[0] for row in self._db.execute(_TABLES)}
            if tables and not {"meta", "caller_list"} <= tables:
                raise StoreError(
                    f"caller lists {self._path}: not a caller-list database (it has the "
                    f"tables {', '.join(sorted(tables))})"
                )
            if tables:
                row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                found = row[0] if row is not None else None
                if not isinstance(found, str) or not found.isdigit():
                    raise StoreError(
                        f"caller lists {self._path}: no schema version in its meta table"
                    )
                if int(found) > _SCHEMA_VERSION:
                    raise SchemaVersionError(
                        store=self._path, found=int(found), supported=_SCHEMA_VERSION
                    )
                return
            with self._db:
                self._db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(_SCHEMA_VERSION),)
                )
                self._db.execute(
                    "CREATE TABLE caller_list ("
                    " kind TEXT NOT NULL, number TEXT NOT NULL, reason TEXT NOT NULL,"
                    " added_at REAL NOT NULL, expires_at REAL,"
                    " PRIMARY KEY (kind, number))"
                )
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        """Close the database (later calls raise :class:`~callcenter.errors.StoreError`)."""
        self._db.close()

    def __enter__(self) -> SQLiteCallerLists:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write(self, sql: str, params: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            with self._db:
                return self._db.execute(sql, params)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _entry(self, row: tuple[object, ...]) -> CallerListEntry:
        try:
            kind, number, reason, added_at, expires_at = row
            return CallerListEntry(
                number=str(number),
                kind=ListKind(kind),
                reason=str(reason),
                added_at=_instant(added_at, "added_at"),
                expires_at=None if expires_at is None else _instant(expires_at, "expires_at"),
            )
        except (ValueError, TypeError) as exc:
            raise StoreError(
                f"caller lists {self._path}: a damaged entry {short_repr(row)} ({exc})"
            ) from None

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[CallerListEntry]:
        try:
            rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return [self._entry(row) for row in rows]

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
            kind=ListKind(kind),
            reason=reason,
            added_at=_instant(now),
            expires_at=_check_expiry(expires_at),
        )
        try:
            self._write(
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
        self._write(
            "UPDATE caller_list SET reason = ?, expires_at = ? WHERE kind = ? AND number = ?",
            (new.reason, new.expires_at, kind.value, new.number),
        )
        return new

    def remove(self, number: str, kind: ListKind) -> None:
        """Take a number off a list (see :meth:`MemoryCallerLists.remove`)."""
        clean = normalize_number(number)
        cursor = self._write(
            "DELETE FROM caller_list WHERE kind = ? AND number = ?", (kind.value, clean)
        )
        if cursor.rowcount == 0:
            raise UnknownIdError(kind=f"{kind.value}-list number", id=clean)

    def get(self, number: str, kind: ListKind) -> CallerListEntry | None:
        """The entry, expired or not, or ``None``."""
        found = self._rows(
            "SELECT * FROM caller_list WHERE kind = ? AND number = ?",
            (kind.value, normalize_number(number)),
        )
        return found[0] if found else None

    def entries(self, kind: ListKind | None = None) -> list[CallerListEntry]:
        """Every entry (of one list), sorted by kind and number."""
        if kind is None:
            return self._rows("SELECT * FROM caller_list ORDER BY kind, number", ())
        return self._rows("SELECT * FROM caller_list WHERE kind = ? ORDER BY number", (kind.value,))

    def status(self, number: str, now: float) -> CallerStatus:
        """What the lists say about a caller at ``now`` (one indexed query)."""
        clean = normalize_number(number)
        at = _instant(now)
        found = {
            e.kind: e for e in self._rows("SELECT * FROM caller_list WHERE number = ?", (clean,))
        }
        return _status(found.get(ListKind.BLOCK), found.get(ListKind.VIP), at)

    def purge_expired(self, now: float) -> int:
        """Delete the entries expired by ``now``; returns how many."""
        cursor = self._write(
            "DELETE FROM caller_list WHERE expires_at IS NOT NULL AND expires_at <= ?",
            (_instant(now),),
        )
        return cursor.rowcount


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
