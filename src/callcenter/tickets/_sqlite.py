"""A ticket store in SQLite (the standard library's ``sqlite3``), safe across processes.

Each ticket is one row (a JSON snapshot plus the columns queries need, indexed) and
its trail is one row per entry. A save runs in one ``BEGIN IMMEDIATE`` transaction:
it updates the ticket row only ``WHERE version = expected_version`` and appends the
new trail rows, so two processes saving the same ticket never lose an update -- the
second one gets :class:`~callcenter.errors.UpdateConflictError`.

The schema is versioned with SQLite's ``user_version``: opening an older file
migrates it step by step; opening a file written by a newer version of the library
raises :class:`~callcenter.errors.SchemaVersionError` and leaves it alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import cattrs

from .._clock import as_instant
from ..errors import DuplicateIdError, InvalidArgumentError, SchemaVersionError, UnknownIdError
from ._records import AuditEntry, EntryKind, FieldChange, Priority, SlaClock, Ticket
from ._store import check_query_limit, check_save, check_window

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


def _from_snapshot(text: str, trail: Sequence[AuditEntry]) -> Ticket:
    data: dict[str, Any] = json.loads(text)
    response = data["response"]
    resolution = data["resolution"]
    return Ticket(
        id=data["id"],
        workflow=data["workflow"],
        state=data["state"],
        priority=Priority(data["priority"]),
        owner=data["owner"],
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        fields=data["fields"],  # written by _snapshot from checked field values
        closed=data["closed"],
        response=None if response is None else SlaClock(**response),
        resolution=None if resolution is None else SlaClock(**resolution),
        trail=tuple(trail),
    )


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
    return AuditEntry(
        seq=row[0],
        at=row[1],
        actor=row[2],
        kind=EntryKind(row[3]),
        trigger=row[4],
        from_state=row[5],
        to_state=row[6],
        changes=tuple(FieldChange(name=n, old=o, new=v) for n, o, v in json.loads(row[7])),
        comment=row[8],
    )


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


class SQLiteTicketStore:
    """A :class:`~callcenter.tickets.TicketStore` in a SQLite file.

    Open one store per process (or thread); several processes may share the file.

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        wal: Use write-ahead logging (readers do not block the writer); ignored for
            ``":memory:"``.
        timeout: Seconds to wait for another process's write lock.

    Raises:
        SchemaVersionError: The file was written by a newer version of the library.
    """

    def __init__(self, path: str | Path, *, wal: bool = True, timeout: float = 30.0) -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            if wal and self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the connection."""
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
        value: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return value

    def _migrate(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise SchemaVersionError(store=self.path, found=found, supported=SCHEMA_VERSION)
            for version in range(found, SCHEMA_VERSION):
                for step in _MIGRATIONS[version]:
                    step(db)
            if found != SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ writing

    def add(self, ticket: Ticket) -> None:
        """Store a new ticket and its trail.

        Raises:
            DuplicateIdError: A ticket with this id is stored.
        """
        self.add_many([ticket])

    def add_many(self, tickets: Iterable[Ticket]) -> None:
        """Store many new tickets in one transaction (all or none).

        Raises:
            DuplicateIdError: One of the ids is taken (nothing is stored).
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for ticket in tickets:
                try:
                    db.execute(
                        f"INSERT INTO tickets (id, {_TICKET_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (ticket.id, *_ticket_values(ticket)),
                    )
                except sqlite3.IntegrityError:
                    raise DuplicateIdError(kind="ticket", id=ticket.id) from None
                db.executemany(
                    "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_entry_row(ticket.id, e) for e in ticket.trail],
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def save(self, ticket: Ticket, *, expected_version: int) -> None:
        """Store a newer version of a ticket, appending its new trail entries.

        Raises:
            UnknownIdError: No such ticket.
            UpdateConflictError: Another writer saved first (the stored version is
                not ``expected_version``); reload and retry.
            InvalidArgumentError: The ticket has no new entries, or its trail does not
                extend the stored one (its entry before the new ones differs).
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
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
                if last is None or _entry(last) != ticket.trail[expected_version - 1]:
                    raise InvalidArgumentError(
                        name="ticket",
                        expected="a trail that extends the stored one",
                        got=f"{ticket.id!r} with a different entry {expected_version - 1}",
                    )
            assignments = ", ".join(f"{c.strip()} = ?" for c in _TICKET_COLUMNS.split(","))
            db.execute(
                f"UPDATE tickets SET {assignments} WHERE id = ? AND version = ?",
                (*_ticket_values(ticket), ticket.id, expected_version),
            )
            db.executemany(
                "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_entry_row(ticket.id, e) for e in ticket.trail[expected_version:]],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        count: int = self._db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        return count

    def get(self, ticket_id: str) -> Ticket:
        """The stored ticket with its trail.

        Raises:
            UnknownIdError: No such ticket.
        """
        found = self._select("WHERE id = ?", (ticket_id,), None)
        if not found:
            raise UnknownIdError(kind="ticket", id=ticket_id)
        return found[0]

    def trail(self, ticket_id: str) -> tuple[AuditEntry, ...]:
        """The stored trail of a ticket (empty for an unknown id)."""
        rows = self._db.execute(
            "SELECT seq, at, actor, kind, trigger, from_state, to_state, changes, comment "
            "FROM audit WHERE ticket_id = ? ORDER BY seq",
            (ticket_id,),
        ).fetchall()
        return tuple(_entry(r) for r in rows)

    def _select(self, where: str, params: Sequence[object], limit: int | None) -> list[Ticket]:
        db = self._db
        db.execute("BEGIN")  # one read snapshot for the rows and their trails
        try:
            sql = f"SELECT id, snapshot FROM tickets {where} ORDER BY id"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            rows = db.execute(sql, tuple(params)).fetchall()
            trails: dict[str, list[AuditEntry]] = {row[0]: [] for row in rows}
            ids = list(trails)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for r in db.execute(
                    "SELECT ticket_id, seq, at, actor, kind, trigger, from_state, to_state, "
                    f"changes, comment FROM audit WHERE ticket_id IN ({marks}) "
                    "ORDER BY ticket_id, seq",
                    chunk,
                ):
                    trails[r[0]].append(_entry(r[1:]))
        finally:
            db.execute("COMMIT")
        return [_from_snapshot(snapshot, trails[tid]) for tid, snapshot in rows]

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
        """Tickets matching every criterion given, by id (indexed columns)."""
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
                clauses.append(f"{column} = ?")
                params.append(value)
        if open_only:
            clauses.append("closed = 0")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._select(where, params, limit)

    def sla_breached(self, now: float, *, limit: int | None = None) -> list[Ticket]:
        """Tickets with an SLA clock missed as seen at ``now``, by id."""
        check_query_limit(limit)
        at = as_instant(now)
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
        at = as_instant(now)
        end = at + check_window(seconds)
        return self._select(
            "WHERE (response_due > ? AND response_due <= ?) "
            "OR (resolution_due > ? AND resolution_due <= ?)",
            (at, end, at, end),
            limit,
        )

    def count_due_within(self, now: float, seconds: float) -> int:
        """How many tickets :meth:`sla_due_within` would return, without loading them."""
        at = as_instant(now)
        end = at + check_window(seconds)
        count: int = self._db.execute(
            "SELECT COUNT(*) FROM tickets WHERE (response_due > ? AND response_due <= ?) "
            "OR (resolution_due > ? AND resolution_due <= ?)",
            (at, end, at, end),
        ).fetchone()[0]
        return count
