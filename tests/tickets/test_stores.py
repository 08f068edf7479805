"""The stores: one contract for both, SQLite schema versions, two real processes."""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callcenter.errors import (
    DamagedRecordError,
    DuplicateIdError,
    InvalidArgumentError,
    SchemaVersionError,
    StoreFileError,
    UnknownIdError,
    UpdateConflictError,
)
from callcenter.testing import check_ticket_trail, ticket_histories
from callcenter.tickets import (
    BUILTIN_WORKFLOWS,
    COMPLAINT,
    SCHEMA_VERSION,
    MemoryTicketStore,
    SQLiteTicketStore,
    Ticket,
    TicketDesk,
    TicketStore,
)
from callcenter.tickets._sqlite import _MIGRATIONS, _entry_row, _snapshot

FIELDS = {"customer_phone": "138", "category": "late", "description": "d"}
HOUR = 3600.0


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield MemoryTicketStore()
    else:
        with SQLiteTicketStore(tmp_path / "t.db") as sqlite_store:
            yield sqlite_store


def complaint(ticket_id: str, now: float = 0.0, **fields: str) -> Ticket:
    return COMPLAINT.open(ticket_id, actor="a1", now=now, fields={**FIELDS, **fields})


def test_both_stores_follow_the_protocol(store: TicketStore) -> None:
    assert isinstance(store, TicketStore)


def test_add_get_and_duplicates(store: TicketStore) -> None:
    t = complaint("C1")
    store.add(t)
    assert store.get("C1") == t
    assert len(store) == 1
    with pytest.raises(DuplicateIdError):
        store.add(t)
    with pytest.raises(UnknownIdError):
        store.get("C2")


def test_save_is_optimistic(store: TicketStore) -> None:
    t = complaint("C1")
    store.add(t)
    mine = COMPLAINT.fire(t, "send_to_qa", actor="a1", now=1.0)
    theirs = COMPLAINT.fire(t, "dispatch", actor="a2", now=2.0, fields={"department": "o"})
    store.save(theirs, expected_version=t.version)
    with pytest.raises(UpdateConflictError) as info:
        store.save(mine, expected_version=t.version)
    assert info.value.actual_version == theirs.version
    assert store.get("C1") == theirs
    with pytest.raises(InvalidArgumentError):
        store.save(theirs, expected_version=theirs.version)
    forged = COMPLAINT.fire(
        COMPLAINT.fire(t, "send_to_qa", actor="x", now=3.0),
        "dispatch",
        actor="x",
        now=4.0,
        fields={"department": "o"},
    )
    with pytest.raises(InvalidArgumentError):  # same length as stored, different history
        store.save(forged, expected_version=theirs.version)
    assert store.get("C1") == theirs
    with pytest.raises(UnknownIdError):
        store.save(complaint("C9"), expected_version=0)


def test_queries(store: TicketStore) -> None:
    a = complaint("C1", customer_phone="111")
    b = COMPLAINT.fire(complaint("C2"), "dispatch", actor="a2", now=1.0, fields={"department": "o"})
    c = COMPLAINT.fire(
        complaint("C3"), "answer_on_spot", actor="a3", now=1.0, fields={"resolution": "r"}
    )
    for t in (a, b, c):
        store.add(t)
    assert [t.id for t in store.query(customer_phone="111")] == ["C1"]
    assert [t.id for t in store.query(department="o")] == ["C2"]
    assert [t.id for t in store.query(state="closed")] == ["C3"]
    assert [t.id for t in store.query(owner="a1")] == ["C1", "C2", "C3"]
    assert [t.id for t in store.query(open_only=True)] == ["C1", "C2"]
    assert [t.id for t in store.query(workflow="complaint", limit=2)] == ["C1", "C2"]
    assert store.query(workflow="enquiry") == []
    with pytest.raises(InvalidArgumentError):
        store.query(limit=-1)


def test_sla_queries(store: TicketStore) -> None:
    early = complaint("C1", now=0.0)  # first response due at 1 h, resolution at 24 h
    late = complaint("C2", now=10 * HOUR)
    done = COMPLAINT.fire(complaint("C3"), "send_to_qa", actor="a1", now=HOUR + 1)
    for t in (early, late, done):
        store.add(t)
    assert [t.id for t in store.sla_due_within(0.0, HOUR)] == ["C1"]
    assert [t.id for t in store.sla_due_within(10 * HOUR, HOUR)] == ["C2"]
    assert [t.id for t in store.sla_due_within(23.5 * HOUR, HOUR)] == ["C1", "C3"]
    # C3's first response came after an hour: missed for good, whatever ``now``
    assert [t.id for t in store.sla_breached(0.5 * HOUR)] == ["C3"]
    assert [t.id for t in store.sla_breached(2 * HOUR)] == ["C1", "C3"]
    assert [t.id for t in store.sla_breached(12 * HOUR)] == ["C1", "C2", "C3"]


def test_a_ticket_climbing_on_a_fresh_clock_counts_as_breached(store: TicketStore) -> None:
    desk = TicketDesk([COMPLAINT])
    t = desk.open("complaint", actor="a1", now=0.0, fields=FIELDS)
    desk.fire(t.id, "dispatch", actor="a1", now=60.0, fields={"department": "o"})
    desk.advance(30 * HOUR)  # breached at the office at 24 h; the branch's clock runs
    climbed = desk.get(t.id)
    assert climbed.resolution is not None
    assert climbed.resolution.earlier_breaches == 1
    assert not climbed.resolution.breached
    store.add(climbed)
    assert store.get(t.id) == climbed
    assert [x.id for x in store.sla_breached(30 * HOUR)] == [t.id]


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=5),
            st.sampled_from(["send_to_qa", "dispatch", "answer_on_spot", "transfer"]),
        ),
        max_size=25,
    ),
    st.integers(min_value=0, max_value=48),
)
def test_sqlite_answers_like_memory(ops: list[tuple[int, str]], hour: int) -> None:
    memory = MemoryTicketStore()
    with SQLiteTicketStore(":memory:") as sqlite_store:
        now = 0.0
        for index, trigger in ops:
            now += 600.0
            ticket_id = f"C{index}"
            if ticket_id not in {t.id for t in memory}:
                t = complaint(ticket_id, now=now, customer_phone=f"p{index % 2}")
                memory.add(t)
                sqlite_store.add(t)
                continue
            t = memory.get(ticket_id)
            fields = {"department": f"d{index % 3}", "resolution": "r"}
            try:
                if trigger == "transfer":
                    new = COMPLAINT.transfer(t, to=f"a{index}", actor="s", now=now)
                else:
                    new = COMPLAINT.fire(t, trigger, actor="a1", now=now, fields=fields)
            except (InvalidArgumentError, Exception):
                continue
            memory.save(new, expected_version=t.version)
            sqlite_store.save(new, expected_version=t.version)
        at = hour * HOUR
        stores: tuple[TicketStore, TicketStore] = (sqlite_store, memory)
        results = [
            (
                s.query(),
                s.query(customer_phone="p1"),
                s.query(department="d1"),
                s.query(open_only=True),
                s.sla_breached(at),
                s.sla_due_within(at, 2 * HOUR),
            )
            for s in stores
        ]
        assert results[0] == results[1]


# ----------------------------------------------------------------------- schema


def test_new_file_has_the_current_schema(tmp_path: Path) -> None:
    with SQLiteTicketStore(tmp_path / "t.db") as store:
        assert store.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    SQLiteTicketStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaVersionError) as info:
        SQLiteTicketStore(path)
    assert info.value.found == SCHEMA_VERSION + 1
    assert "upgrade callcenter" in str(info.value)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_version_1_file_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    ticket = COMPLAINT.fire(complaint("C1", now=0.0), "send_to_qa", actor="a1", now=10.0)
    db = sqlite3.connect(path, isolation_level=None)
    for step in _MIGRATIONS[0]:
        step(db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ticket.id,
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
        ),
    )
    db.executemany(
        "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_entry_row(ticket.id, e) for e in ticket.trail],
    )
    db.close()
    with SQLiteTicketStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get("C1") == ticket
        assert [t.id for t in store.sla_due_within(23 * HOUR, 2 * HOUR)] == ["C1"]


# ----------------------------------------------------------------------- two processes

WORKER = textwrap.dedent(
    """
    import sys
    from callcenter.errors import UpdateConflictError
    from callcenter.tickets import CALLBACK, SQLiteTicketStore

    path, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    conflicts = 0
    with SQLiteTicketStore(path, timeout=60) as store:
        for i in range(rounds):
            while True:
                ticket = store.get("CB1")
                now = max(ticket.updated_at, float(i))
                updated = CALLBACK.transfer(
                    ticket, to=f"{name}-{i}", actor=name, now=now, comment=name
                )
                try:
                    store.save(updated, expected_version=ticket.version)
                    break
                except UpdateConflictError:
                    conflicts += 1
    print(conflicts)
    """
)


def test_two_processes_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with SQLiteTicketStore(path) as store:
        store.add(
            BUILTIN_WORKFLOWS["callback"].open(
                "CB1", actor="a0", now=0.0, fields={"customer_phone": "1", "reason": "r"}
            )
        )
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    rounds = 150
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), name, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p1", "p2")
    ]
    conflicts = 0
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        conflicts += int(out)
    print("conflicts retried:", conflicts)
    with SQLiteTicketStore(path) as store:
        final = store.get("CB1")
    transfers = list(final.trail[1:])
    assert len(transfers) == 2 * rounds  # every update of both processes is there
    assert sorted(e.comment for e in transfers) == ["p1"] * rounds + ["p2"] * rounds
    assert [e.seq for e in final.trail] == list(range(2 * rounds + 1))
    desk = TicketDesk(BUILTIN_WORKFLOWS.values())
    assert desk.workflows["callback"].replay("CB1", final.trail) == final


@settings(max_examples=60)
@given(
    st.sampled_from(sorted(BUILTIN_WORKFLOWS)).flatmap(
        lambda name: ticket_histories(BUILTIN_WORKFLOWS[name])
    )
)
def test_any_ticket_round_trips_through_sqlite(ticket: Ticket) -> None:
    with SQLiteTicketStore(":memory:") as store:
        store.add(ticket)
        assert store.get(ticket.id) == ticket
    check_ticket_trail(BUILTIN_WORKFLOWS[ticket.workflow], ticket)


class TwoClientsMachine(RuleBasedStateMachine):
    """Two clients of one SQLite file load, change and save tickets; a dict is the model."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        path = Path(self.tmp.name) / "t.db"
        self.clients = (SQLiteTicketStore(path), SQLiteTicketStore(path))
        self.model: dict[str, Ticket] = {}
        self.views: tuple[dict[str, Ticket], dict[str, Ticket]] = ({}, {})
        self.now = 0.0
        self.changes = 0

    def teardown(self) -> None:
        for client in self.clients:
            client.close()
        self.tmp.cleanup()

    @rule(client=st.integers(min_value=0, max_value=1))
    def add(self, client: int) -> None:
        ticket = complaint(f"C{len(self.model)}", now=self.now)
        self.clients[client].add(ticket)
        self.model[ticket.id] = ticket

    @precondition(lambda self: bool(self.model))
    @rule(client=st.integers(min_value=0, max_value=1), data=st.data())
    def load(self, client: int, data: st.DataObject) -> None:
        ticket_id = data.draw(st.sampled_from(sorted(self.model)))
        loaded = self.clients[client].get(ticket_id)
        assert loaded == self.model[ticket_id]
        self.views[client][ticket_id] = loaded

    @rule(client=st.integers(min_value=0, max_value=1), data=st.data())
    def change_and_save(self, client: int, data: st.DataObject) -> None:
        view = self.views[client]
        if not view:
            return
        ticket_id = data.draw(st.sampled_from(sorted(view)))
        base = view[ticket_id]
        self.now += 1.0
        self.changes += 1
        changed = COMPLAINT.transfer(base, to=f"x{self.changes}", actor="s", now=self.now)
        if base.version != self.model[ticket_id].version:
            with pytest.raises(UpdateConflictError):
                self.clients[client].save(changed, expected_version=base.version)
            return
        self.clients[client].save(changed, expected_version=base.version)
        self.model[ticket_id] = changed
        view[ticket_id] = changed

    @invariant()
    def both_clients_see_the_model(self) -> None:
        for client in self.clients:
            assert len(client) == len(self.model)
            for ticket_id, ticket in self.model.items():
                assert client.get(ticket_id) == ticket


TwoClientsMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=25)
TestTwoClientsMachine = TwoClientsMachine.TestCase


# ----------------------------------------------------------------------- bad files


def _filled(path: Path, count: int = 40) -> list[Ticket]:
    tickets = [complaint(f"C{i:03}", now=float(i)) for i in range(count)]
    with SQLiteTicketStore(path) as store:
        store.add_many(tickets)
    return tickets


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a database at all\n" * 500)


def _truncated(path: Path) -> None:
    _filled(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


def _directory(path: Path) -> None:
    path.mkdir()


def _in_a_missing_directory(path: Path) -> None:
    pass  # the path names a file in a folder that does not exist (see below)


@pytest.mark.parametrize(
    "spoil", [_garbage, _truncated, _foreign, _directory, _in_a_missing_directory]
)
def test_an_unusable_file_raises_a_store_error_naming_it(
    tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    path = tmp_path / "t.db"
    if spoil is _in_a_missing_directory:
        path = tmp_path / "missing" / "t.db"
    spoil(path)
    with pytest.raises(StoreFileError) as info:
        SQLiteTicketStore(path).query()
    assert str(path) in str(info.value)
    assert info.value.path == str(path)


def test_a_foreign_database_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "erp.db"
    _foreign(path)
    before = path.read_bytes()
    with pytest.raises(StoreFileError, match="not a ticket store"):
        SQLiteTicketStore(path)
    assert path.read_bytes() == before


def test_a_newer_file_is_left_untouched_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    _filled(path)
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("PRAGMA journal_mode=DELETE")  # as a newer version might leave it
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError):
        SQLiteTicketStore(path)
    assert path.read_bytes() == before  # no switch to WAL before refusing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db"]


def _damage(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql)
    db.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE tickets SET snapshot = '{not json' WHERE id = 'C007'",
        "UPDATE tickets SET snapshot = '[1, 2]' WHERE id = 'C007'",
        'UPDATE tickets SET snapshot = replace(snapshot, \'"owner":"a1"\', \'"owner":7\') '
        "WHERE id = 'C007'",
        "UPDATE tickets SET snapshot = 42 WHERE id = 'C007'",
        "UPDATE audit SET kind = 'teleported' WHERE ticket_id = 'C007'",
        "UPDATE audit SET at = 'noon' WHERE ticket_id = 'C007'",
        "UPDATE audit SET changes = '{' WHERE ticket_id = 'C007'",
        "UPDATE audit SET seq = 5 WHERE ticket_id = 'C007'",
    ],
)
def test_one_damaged_row_is_reported_and_the_rest_served(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "t.db"
    tickets = _filled(path, count=12)
    _damage(path, sql)
    with SQLiteTicketStore(path) as store:
        assert store.damaged == {}
        served = store.query()
        assert served == [t for t in tickets if t.id != "C007"]
        assert list(store.damaged) == ["C007"]
        assert store.query(customer_phone="138", limit=3) == tickets[:3]
        with pytest.raises(DamagedRecordError) as info:
            store.get("C007")
        assert info.value.id == "C007"
        assert str(path) in str(info.value)
        assert store.get("C008") == tickets[8]
    with SQLiteTicketStore(path, on_damaged="raise") as strict:
        with pytest.raises(DamagedRecordError, match="'C007'"):
            strict.query()
        assert strict.query(limit=7) == tickets[:7]


def test_read_only_mode_reads_and_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    tickets = _filled(path, count=5)
    before = path.read_bytes()
    with SQLiteTicketStore(path, read_only=True) as store:
        assert store.read_only
        assert store.query() == tickets
        assert store.get("C001") == tickets[1]
        moved = COMPLAINT.fire(tickets[0], "send_to_qa", actor="a1", now=10.0)
        with pytest.raises(StoreFileError, match="read-only"):
            store.save(moved, expected_version=tickets[0].version)
        with pytest.raises(StoreFileError, match="read-only"):
            store.add(complaint("C999"))
    assert path.read_bytes() == before
    with pytest.raises(StoreFileError, match="no such file"):
        SQLiteTicketStore(tmp_path / "missing.db", read_only=True)


def test_read_only_mode_refuses_a_file_that_needs_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in _MIGRATIONS[0]:
        step(db)
    db.execute("PRAGMA user_version = 1")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreFileError, match="open it once writable"):
        SQLiteTicketStore(path, read_only=True)
    assert path.read_bytes() == before


@pytest.mark.parametrize("bad", [123, None, ["C1"], b"C1", "\ud800"])
def test_ids_and_criteria_of_the_wrong_type_are_typed_errors(
    store: TicketStore, bad: object
) -> None:
    store.add(complaint("C1"))
    with pytest.raises(InvalidArgumentError, match="ticket_id"):
        store.get(bad)  # type: ignore[arg-type]
    if bad is not None:  # None is no criterion
        with pytest.raises(InvalidArgumentError, match="state"):
            store.query(state=bad)  # type: ignore[arg-type]
    desk = TicketDesk([COMPLAINT])
    with pytest.raises(InvalidArgumentError, match="ticket_id"):
        desk.get(bad)  # type: ignore[arg-type]
    assert bad not in desk


@pytest.mark.parametrize(
    "fields", [{"big": 10**5000}, {"text": "\ud800"}, {"nan": math.nan}, {"x": [1]}]
)
def test_a_ticket_a_store_cannot_keep_is_refused_and_nothing_stored(
    store: TicketStore, fields: dict[str, Any]
) -> None:
    good = complaint("C1")
    bad = attrs.evolve(complaint("C2"), fields={**good.fields, **fields})
    with pytest.raises(InvalidArgumentError, match=r"ticket\.fields"):
        store.add(bad)
    assert len(store) == 0
    store.add(good)
    moved = COMPLAINT.fire(good, "send_to_qa", actor="a1", now=1.0)
    with pytest.raises(InvalidArgumentError, match=r"ticket\.fields"):
        store.save(attrs.evolve(moved, fields={**moved.fields, **fields}), expected_version=1)
    assert store.get("C1") == good


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteTicketStore(tmp_path / "t.db")
    store.close()
    with pytest.raises(StoreFileError, match="closed"):
        store.query()
    with pytest.raises(StoreFileError, match="closed"):
        store.add(complaint("C1"))


@pytest.mark.parametrize(
    "arguments",
    [{"path": None}, {"path": 5}, {"path": ""}, {"timeout": math.nan}, {"timeout": -1}],
)
def test_bad_store_arguments_are_typed_errors(tmp_path: Path, arguments: dict[str, Any]) -> None:
    given = {"path": tmp_path / "t.db", **arguments}
    with pytest.raises(InvalidArgumentError):
        SQLiteTicketStore(**given)
    assert list(tmp_path.iterdir()) == []


def test_kill_minus_nine_during_saves_loses_no_committed_ticket(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    SQLiteTicketStore(path).close()
    script = textwrap.dedent(
        f"""
        import sys
        from callcenter.tickets import COMPLAINT, SQLiteTicketStore
        fields = {FIELDS!r}
        store = SQLiteTicketStore({str(path)!r})
        for number in range(100_000):
            store.add(COMPLAINT.open(f"K{{number:06}}", actor="a1", now=0.0, fields=fields))
            print(number, flush=True)
        """
    )
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        for _ in range(30):  # wait until some saves are committed
            process.stdout.readline()
        process.kill()  # SIGKILL: no cleanup, no commit of what is in flight
        process.wait(timeout=30)
        process.stdout.close()
        with SQLiteTicketStore(path) as store:
            tickets = store.query()
            assert store.damaged == {}
            numbers = sorted(int(t.id[1:]) for t in tickets)
            assert numbers == list(range(len(numbers)))  # every committed save is whole
            assert all(len(t.trail) == 1 for t in tickets)
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        with sqlite3.connect(path) as db:  # start the next round from scratch
            db.execute("DELETE FROM audit")
            db.execute("DELETE FROM tickets")
        db.close()
