"""A ticket store in SQLite (the standard library's ``sqlite3``), safe across processes.

Each ticket is one row (a JSON snapshot plus the columns queries need, indexed) and
its trail is one row per entry. A save runs in one ``BEGIN IMMEDIATE`` transaction:
it updates the ticket row only ``WHERE version = expected_version`` and appends the
new trail rows, so two processes saving the same ticket never lose an update -- the
second one gets :class:`~callcenter.errors.UpdateConflictError`.

The schema is versioned with SQLite's ``user_version``: opening an older file
migrates it step by step; opening a file written by a newer version of the library
raises :class:`~callcenter.errors.SchemaVersionError` and leaves it alone -- byte
for byte: the version is read before anything is written (not even the switch to
write-ahead logging).

A file that cannot be used -- missing (read-only mode), a directory, unreadable,
not SQLite, another application's database, damaged -- raises
:class:`~callcenter.errors.StoreFileError` naming the file, never a raw ``sqlite3``
error. One damaged ticket row does not break the reads of the others: see
:class:`SQLiteTicketStore`.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Literal, Self

import cattrs

from .._checks import check_argument
from ..errors import (
    CallCenterError,
    DamagedRecordError,
    DuplicateIdError,
    InvalidArgumentError,
    SchemaVersionError,
    StoreFileError,
    UnknownIdError,
)
from ._records import AuditEntry, EntryKind, FieldChange, Priority, SlaClock, Ticket, instant
from ._store import (
    check_criterion,
    check_query_limit,
    check_save,
    check_window,
)
from ._store import check_id as _check_id
from ._store import checked_ticket as _checked
from ._transition import field_value_problem

__all__ = ["SCHEMA_VERSION", "SQLiteTicketStore"]


_CONVERTER = cattrs.Converter()  # snapshots of SLA clocks

# ------------------------------------------------------------------------- schema

_V1 = """
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    workflow TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    priority TEXT NOT NULL,
    department TEXT,
    customer_phone TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    closed INTEGER NOT NULL,
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE TABLE audit (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    trigger TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    changes TEXT NOT NULL,
    comment TEXT NOT NULL,
    PRIMARY KEY (ticket_id, seq)
) WITHOUT ROWID;
CREATE INDEX tickets_state ON tickets(state);
CREATE INDEX tickets_owner ON tickets(owner);
CREATE INDEX tickets_department ON tickets(department);
CREATE INDEX tickets_phone ON tickets(customer_phone);
"""

_V2 = """
ALTER TABLE tickets ADD COLUMN response_due REAL;
ALTER TABLE tickets ADD COLUMN resolution_due REAL;
ALTER TABLE tickets ADD COLUMN sla_failed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_response_due ON tickets(response_due) WHERE response_due IS NOT NULL;
CREATE INDEX tickets_resolution_due ON tickets(resolution_due) WHERE resolution_due IS NOT NULL;
CREATE INDEX tickets_sla_failed ON tickets(sla_failed) WHERE sla_failed = 1;
"""


def _backfill_v2(connection: sqlite3.Connection) -> None:
    rows = connection.execute("SELECT id, snapshot FROM tickets").fetchall()
    for ticket_id, snapshot in rows:
        ticket = _from_snapshot(snapshot, ())
        connection.execute(
            "UPDATE tickets SET response_due = ?, resolution_due = ?, sla_failed = ? WHERE id = ?",
            (*_sla_columns(ticket), ticket_id),
        )


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(connection: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                connection.execute(statement)

    return run


_MIGRATIONS: tuple[tuple[Callable[[sqlite3.Connection], None], ...], ...] = (
    (_script(_V1),),  # 0 -> 1: tickets and trails
    (_script(_V2), _backfill_v2),  # 1 -> 2: SLA columns for the breach and due queries
)

SCHEMA_VERSION = len(_MIGRATIONS)
"""The schema version this code writes."""


# ------------------------------------------------------------------------- rows


def _snapshot(ticket: Ticket) -> str:
    data = {
        "id": ticket.id,
        "workflow": ticket.workflow,
        "state": ticket.state,
        "priority": ticket.priority.value,
        "owner": ticket.owner,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "fields": dict(ticket.fields),
        "closed": ticket.closed,
        "response": None if ticket.response is None else _CONVERTER.unstructure(ticket.response),
        "resolution": None
        if ticket.resolution is None
        else _CONVERTER.unstructure(ticket.resolution),
    }
    return json.dumps(data, separators=(",", ":"), allow_nan=False)


class _DamagedError(Exception):
    """A stored row that does not hold what this store writes (internal)."""


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise _DamagedError(what)


def _is_time(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: object) -> bool:
    return isinstance(value, str)


def _clock(data: object) -> SlaClock | None:
    if data is None:
        return None
    _expect(isinstance(data, Mapping), "an SLA clock is not a table")
    assert isinstance(data, Mapping)
    clock = SlaClock(**data)
    _expect(_text(clock.name) and _is_time(clock.target), "an SLA clock has bad values")
    return clock


def _from_snapshot(text: str, trail: Sequence[AuditEntry]) -> Ticket:
    data: dict[str, Any] = json.loads(text)
    _expect(isinstance(data, dict), "the snapshot is not a table")
    fields = data["fields"]
    _expect(isinstance(fields, dict), "the fields are not a table")
    _expect(
        all(_text(k) and field_value_problem(v) is None for k, v in fields.items()),
        "a field holds a value a ticket cannot",
    )
    for key in ("id", "workflow", "state", "owner"):
        _expect(_text(data[key]), f"{key} is not text")
    for key in ("created_at", "updated_at"):
        _expect(_is_time(data[key]), f"{key} is not a time")
    _expect(isinstance(data["closed"], bool), "closed is not true or false")
    return Ticket(
        id=data["id"],
        workflow=data["workflow"],
        state=data["state"],
        priority=Priority(data["priority"]),
        owner=data["owner"],
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        fields=MappingProxyType(fields),
        closed=data["closed"],
        response=_clock(data["response"]),
        resolution=_clock(data["resolution"]),
        trail=tuple(trail),
    )


def _read_ticket(ticket_id: str, snapshot: object, trail: Sequence[AuditEntry]) -> Ticket:
    """The ticket of a row, or :class:`_DamagedError` saying what is wrong with it."""
    try:
        _expect(_text(snapshot), "the snapshot is not text")
        assert isinstance(snapshot, str)
        ticket = _from_snapshot(snapshot, trail)
    except _DamagedError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _DamagedError(f"the snapshot cannot be read ({type(exc).__name__}: {exc})") from None
    _expect(ticket.id == ticket_id, f"the snapshot is of ticket {ticket.id!r}")
    _expect([e.seq for e in trail] == list(range(len(trail))), "its trail has gaps")
    return ticket


def _sla_columns(ticket: Ticket) -> tuple[float | None, float | None, int]:
    failed = any(c.met is False or c.breached or c.earlier_breaches for c in ticket.clocks())
    response = ticket.response.deadline if ticket.response is not None else None
    resolution = ticket.resolution.deadline if ticket.resolution is not None else None
    return response, resolution, int(failed)


def _entry_row(ticket_id: str, entry: AuditEntry) -> tuple[object, ...]:
    changes = [[c.name, c.old, c.new] for c in entry.changes]
    return (
        ticket_id,
        entry.seq,
        entry.at,
        entry.actor,
        entry.kind.value,
        entry.trigger,
        entry.from_state,
        entry.to_state,
        json.dumps(changes, separators=(",", ":"), allow_nan=False),
        entry.comment,
    )


def _entry(row: Sequence[Any]) -> AuditEntry:
    """The audit entry of a row, or :class:`_DamagedError` saying what is wrong with it."""
    try:
        _expect(isinstance(row[0], int) and _is_time(row[1]), "a trail entry has a bad seq or time")
        _expect(all(_text(v) for v in row[2:7]) and _text(row[8]), "a trail entry has bad text")
        changes = json.loads(row[7])
        _expect(isinstance(changes, list), "a trail entry's changes are not a list")
        return AuditEntry(
            seq=row[0],
            at=row[1],
            actor=row[2],
            kind=EntryKind(row[3]),
            trigger=row[4],
            from_state=row[5],
            to_state=row[6],
            changes=tuple(FieldChange(name=n, old=o, new=v) for n, o, v in changes),
            comment=row[8],
        )
    except _DamagedError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _DamagedError(f"a trail entry cannot be read ({type(exc).__name__}: {exc})") from None


_TICKET_COLUMNS = (
    "workflow, state, owner, priority, department, customer_phone, created_at, "
    "updated_at, closed, version, snapshot, response_due, resolution_due, sla_failed"
)


def _ticket_values(ticket: Ticket) -> tuple[object, ...]:
    return (
        ticket.workflow,
        ticket.state,
        ticket.owner,
        ticket.priority.value,
        ticket.department,
        ticket.customer_phone,
        ticket.created_at,
        ticket.updated_at,
        int(ticket.closed),
        ticket.version,
        _snapshot(ticket),
        *_sla_columns(ticket),
    )


def _detail(exc: sqlite3.Error) -> str:
    text = str(exc)
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in text:
        return "the store is closed; open it again"
    if "not a database" in text or "malformed" in text:
        return f"not a readable SQLite database, or damaged ({text})"
    if "unable to open" in text:
        return f"cannot open the file ({text}): check that its directory exists and is writable"
    return text


OnDamaged = Literal["skip", "raise"]


class SQLiteTicketStore:
    """A :class:`~callcenter.tickets.TicketStore` in a SQLite file.

    Open one store per process (or thread); several processes may share the file.

    A ticket row that cannot be read back (a damaged snapshot or trail entry) never
    breaks the reads of the others. With ``on_damaged="skip"`` (the default) a query
    leaves it out of its result and records it in :attr:`damaged`; with ``"raise"``
    the query raises :class:`~callcenter.errors.DamagedRecordError` naming the
    ticket. :meth:`get` of a damaged ticket always raises it.

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        wal: Use write-ahead logging (readers do not block the writer); ignored for
            ``":memory:"`` and in read-only mode.
        timeout: Seconds to wait for another process's write lock.
        read_only: Open an existing file for reading only: nothing is ever written
            to it (no migration, no change of journal mode); writes raise
            :class:`~callcenter.errors.StoreFileError`.
        on_damaged: What a query does with a damaged row: ``"skip"`` or ``"raise"``.

    Raises:
        SchemaVersionError: The file was written by a newer version of the library
            (it is left untouched).
        StoreFileError: The file cannot be used (see the module's docs); read-only,
            a file of an older schema (open it once writable to migrate it).
        InvalidArgumentError: A bad ``path``, ``timeout`` or ``on_damaged``.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        wal: bool = True,
        timeout: float = 30.0,
        read_only: bool = False,
        on_damaged: OnDamaged = "skip",
    ) -> None:
        if on_damaged not in ("skip", "raise"):
            raise InvalidArgumentError(
                name="on_damaged", expected="'skip' or 'raise'", got=on_damaged
            )
        given: object = path
        if not isinstance(given, str | Path) or not str(given):
            raise InvalidArgumentError(name="path", expected="a file path or ':memory:'", got=path)
        timeout = check_argument("timeout", timeout, minimum=0)
        self.path = str(path)
        self.read_only = read_only
        self._on_damaged = on_damaged
        self._damaged: dict[str, str] = {}
        memory = self.path == ":memory:"
        if not memory and Path(self.path).is_dir():
            raise StoreFileError(path=self.path, detail="is a directory; give a file")
        if read_only and (memory or not Path(self.path).exists()):
            raise StoreFileError(path=self.path, detail="no such file to open read-only")
        with self._file_errors():
            if read_only:
                uri = "file:" + urllib.parse.quote(str(Path(self.path).resolve())) + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            else:
                self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            with self._file_errors():
                found = self._check_file()
                if not read_only:
                    if wal and not memory:
                        self._db.execute("PRAGMA journal_mode=WAL")
                        self._db.execute("PRAGMA synchronous=NORMAL")
                    self._migrate()
                elif found < SCHEMA_VERSION:
                    raise StoreFileError(
                        path=self.path,
                        detail=f"schema version {found} is older than this code's "
                        f"{SCHEMA_VERSION}; open it once writable to migrate it",
                    )
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the connection (closing twice is harmless)."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._file_errors():
            value: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return value

    @property
    def damaged(self) -> Mapping[str, str]:
        """The damaged ticket rows the reads so far have met: what is wrong, by id."""
        return MappingProxyType(dict(self._damaged))

    @contextlib.contextmanager
    def _file_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreFileError(path=self.path, detail=_detail(exc)) from None

    @contextlib.contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block succeeds, rolled back otherwise."""
        if begin != "BEGIN" and self.read_only:
            raise StoreFileError(path=self.path, detail="opened read-only: cannot write")
        db = self._db
        with self._file_errors():
            db.execute(begin)
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # a failed COMMIT included: never left open
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                raise

    def _check_file(self) -> int:
        """The file's schema version, read before anything is written to it."""
        db = self._db
        found: int = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if found > SCHEMA_VERSION:
            raise SchemaVersionError(store=self.path, found=found, supported=SCHEMA_VERSION)
        ours = {"tickets", "audit"}
        if (found == 0 and tables) or (found > 0 and not ours <= tables):
            raise StoreFileError(
                path=self.path,
                detail="is a SQLite database but not a ticket store (its tables: "
                f"{', '.join(sorted(tables)) or 'none'}); give another file",
            )
        return found

    def _migrate(self) -> None:
        with self._transaction() as db:
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise SchemaVersionError(store=self.path, found=found, supported=SCHEMA_VERSION)
            for version in range(found, SCHEMA_VERSION):
                for step in _MIGRATIONS[version]:
                    step(db)
            if found != SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # ------------------------------------------------------------------ writing

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket and its trail.

        Raises:
            DuplicateIdError: A ticket with this id is stored.
            InvalidArgumentError: Not a ticket, or one whose values cannot be stored.
            StoreFileError: The file cannot be written (read-only, damaged, closed).
        """
        self.add_many([ticket])

    def add_many(self, tickets: Iterable[Ticket]) -> None:
        """Store many new tickets in one transaction (all or none).

        Raises:
            DuplicateIdError: One of the ids is taken (nothing is stored).
            InvalidArgumentError: Not a ticket, or one whose values cannot be stored.
            StoreFileError: The file cannot be written (read-only, damaged, closed).
        """
        rows = [(_checked(ticket), _rows(ticket)) for ticket in tickets]
        with self._transaction() as db:
            for ticket, (values, entries) in rows:
                try:
                    db.execute(
                        f"INSERT INTO tickets (id, {_TICKET_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (ticket.id, *values),
                    )
                except sqlite3.IntegrityError:
                    raise DuplicateIdError(kind="ticket", id=ticket.id) from None
                db.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Store a newer version of a ticket, appending its new trail entries.

        Raises:
            UnknownIdError: No such ticket.
            UpdateConflictError: Another writer saved first (the stored version is
                not ``expected_version``); reload and retry.
            InvalidArgumentError: The ticket has no new entries, or its trail does not
                extend the stored one (its entry before the new ones differs); not a
                ticket, or one whose values cannot be stored; a bad ``expected_version``.
            StoreFileError: The file cannot be written (read-only, damaged, closed).
        """
        _checked(ticket)
        if type(expected_version) is not int or expected_version < 0:
            raise InvalidArgumentError(
                name="expected_version", expected="a whole number >= 0", got=expected_version
            )
        values, entries = _rows(ticket, since=expected_version)
        with self._transaction() as db:
            row = db.execute("SELECT version FROM tickets WHERE id = ?", (ticket.id,)).fetchone()
            if row is None:
                raise UnknownIdError(kind="ticket", id=ticket.id)
            check_save(row[0], ticket.id, ticket, expected_version)
            if expected_version:
                last = db.execute(
                    "SELECT seq, at, actor, kind, trigger, from_state, to_state, changes, "
                    "comment FROM audit WHERE ticket_id = ? AND seq = ?",
                    (ticket.id, expected_version - 1),
                ).fetchone()
                try:
                    same = last is not None and _entry(last) == ticket.trail[expected_version - 1]
                except _DamagedError:
                    same = False
                if not same:
                    raise InvalidArgumentError(
                        name="ticket",
                        expected="a trail that extends the stored one",
                        got=f"{ticket.id!r} with a different entry {expected_version - 1}",
                    )
            assignments = ", ".join(f"{c.strip()} = ?" for c in _TICKET_COLUMNS.split(","))
            db.execute(
                f"UPDATE tickets SET {assignments} WHERE id = ? AND version = ?",
                (*values, ticket.id, expected_version),
            )
            db.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        """How many tickets are stored (damaged ones included)."""
        with self._file_errors():
            count: int = self._db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        return count

    def get(self, ticket_id: str) -> Ticket:
        """The stored ticket with its trail.

        Raises:
            UnknownIdError: No such ticket.
            DamagedRecordError: Its row cannot be read back.
            InvalidArgumentError: ``ticket_id`` is not text.
            StoreFileError: The file cannot be read.
        """
        _check_id(ticket_id)
        found = self._select("WHERE id = ?", (ticket_id,), None, on_damaged="raise")
        if not found:
            raise UnknownIdError(kind="ticket", id=ticket_id)
        return found[0]

    def trail(self, ticket_id: str) -> tuple[AuditEntry, ...]:
        """The stored trail of a ticket (empty for an unknown id).

        Raises:
            DamagedRecordError: An entry cannot be read back.
            InvalidArgumentError: ``ticket_id`` is not text.
            StoreFileError: The file cannot be read.
        """
        _check_id(ticket_id)
        with self._file_errors():
            rows = self._db.execute(
                "SELECT seq, at, actor, kind, trigger, from_state, to_state, changes, comment "
                "FROM audit WHERE ticket_id = ? ORDER BY seq",
                (ticket_id,),
            ).fetchall()
        try:
            return tuple(_entry(r) for r in rows)
        except _DamagedError as damage:
            raise DamagedRecordError(
                store=self.path, kind="ticket", id=ticket_id, detail=str(damage)
            ) from None

    def _select(
        self,
        where: str,
        params: Sequence[object],
        limit: int | None,
        *,
        on_damaged: OnDamaged | None = None,
    ) -> list[Ticket]:
        with self._transaction("BEGIN") as db:  # one read snapshot for rows and trails
            sql = f"SELECT id, snapshot FROM tickets {where} ORDER BY id"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            rows = db.execute(sql, tuple(params)).fetchall()
            raw: dict[str, list[Sequence[Any]]] = {row[0]: [] for row in rows}
            ids = list(raw)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for r in db.execute(
                    "SELECT ticket_id, seq, at, actor, kind, trigger, from_state, to_state, "
                    f"changes, comment FROM audit WHERE ticket_id IN ({marks}) "
                    "ORDER BY ticket_id, seq",
                    chunk,
                ):
                    raw[r[0]].append(r[1:])
        found = []
        for ticket_id, snapshot in rows:
            try:
                trail = [_entry(r) for r in raw[ticket_id]]
                found.append(_read_ticket(ticket_id, snapshot, trail))
            except _DamagedError as damage:
                self._damaged[str(ticket_id)] = str(damage)
                if (on_damaged or self._on_damaged) == "raise":
                    raise DamagedRecordError(
                        store=self.path, kind="ticket", id=str(ticket_id), detail=str(damage)
                    ) from None
                continue
            self._damaged.pop(ticket_id, None)
        return found

    def query(
        self,
        *,
        workflow: str | None = None,
        state: str | None = None,
        owner: str | None = None,
        department: str | None = None,
        customer_phone: str | None = None,
        open_only: bool = False,
        limit: int | None = None,
    ) -> list[Ticket]:
        """Tickets matching every criterion given, by id (indexed columns).

        Damaged rows are left out and recorded in :attr:`damaged` (or raise, see
        the class). ``limit`` counts rows, damaged ones included.

        Raises:
            InvalidArgumentError: A criterion that is not text, or a bad ``limit``.
            DamagedRecordError: A damaged row, with ``on_damaged="raise"``.
            StoreFileError: The file cannot be read.
        """
        check_query_limit(limit)
        clauses: list[str] = []
        params: list[object] = []
        for column, value in (
            ("workflow", workflow),
            ("state", state),
            ("owner", owner),
            ("department", department),
            ("customer_phone", customer_phone),
        ):
            if value is not None:
                check_criterion(column, value)
                clauses.append(f"{column} = ?")
                params.append(value)
        if open_only:
            clauses.append("closed = 0")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._select(where, params, limit)

    def sla_breached(self, now: float, *, limit: int | None = None) -> list[Ticket]:
        """Tickets with an SLA clock missed as seen at ``now``, by id."""
        check_query_limit(limit)
        at = instant(now)
        return self._select(
            "WHERE sla_failed = 1 OR response_due <= ? OR resolution_due <= ?", (at, at), limit
        )

    def sla_due_within(
        self, now: float, seconds: float, *, limit: int | None = None
    ) -> list[Ticket]:
        """Tickets with a running SLA clock running out in ``(now, now + seconds]``, by id.

        Uses the partial indexes on the two deadline columns: ``O(log n + k)``.
        """
        check_query_limit(limit)
        at = instant(now)
        end = at + check_window(seconds)
        return self._select(
            "WHERE (response_due > ? AND response_due <= ?) "
            "OR (resolution_due > ? AND resolution_due <= ?)",
            (at, end, at, end),
            limit,
        )

    def count_due_within(self, now: float, seconds: float) -> int:
        """How many tickets :meth:`sla_due_within` would return, without loading them."""
        at = instant(now)
        end = at + check_window(seconds)
        with self._file_errors():
            count: int = self._db.execute(
                "SELECT COUNT(*) FROM tickets WHERE (response_due > ? AND response_due <= ?) "
                "OR (resolution_due > ? AND resolution_due <= ?)",
                (at, end, at, end),
            ).fetchone()[0]
        return count


def _rows(ticket: Ticket, since: int = 0) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """The ticket's row and its trail's rows from entry ``since``, checked to be storable."""
    try:
        values = _ticket_values(ticket)
        entries = [_entry_row(ticket.id, e) for e in ticket.trail[since:]]
        for row in (values, *entries):  # what sqlite3 will bind: valid Unicode text
            for value in row:
                if isinstance(value, str):
                    value.encode("utf-8")
    except CallCenterError:
        raise
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise InvalidArgumentError(
            name="ticket",
            expected="a ticket whose values a store can keep (finite numbers, valid text)",
            got=f"{ticket.id!r} ({type(exc).__name__}: {exc})",
        ) from None
    return values, entries
