"""Caller lists: the in-memory and the SQLite store behave the same, and SQLite persists."""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    SchemaVersionError,
    StoreError,
    UnknownIdError,
)
from callcenter.ivr import (
    CallerLists,
    CallerStatus,
    ListKind,
    MemoryCallerLists,
    SQLiteCallerLists,
    normalize_number,
)


@pytest.fixture(params=["memory", "sqlite"])
def lists(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CallerLists]:
    if request.param == "memory":
        yield MemoryCallerLists()
    else:
        store = SQLiteCallerLists(tmp_path / "lists.db")
        yield store
        store.close()


def test_block_and_vip_with_reason_and_expiry(lists: CallerLists) -> None:
    entry = lists.add(
        "139 0000 0000", ListKind.BLOCK, reason="harassment", now=10.0, expires_at=1000.0
    )
    assert entry.number == "13900000000"
    lists.add("13800138000", ListKind.VIP, reason="key account", now=10.0)
    assert lists.status("139-0000-0000", now=999.0) is CallerStatus.BLOCKED
    assert lists.status("13900000000", now=1000.0) is CallerStatus.NORMAL
    assert lists.status("13800138000", now=5e9) is CallerStatus.VIP
    assert lists.status("13700000000", now=0.0) is CallerStatus.NORMAL
    # Blocking wins over VIP.
    lists.add("13800138000", ListKind.BLOCK, now=20.0)
    assert lists.status("13800138000", now=30.0) is CallerStatus.BLOCKED


def test_add_edit_remove(lists: CallerLists) -> None:
    lists.add("13900000000", ListKind.BLOCK, reason="spam", now=0.0)
    with pytest.raises(DuplicateIdError):
        lists.add("139-0000-0000", ListKind.BLOCK, now=1.0)
    updated = lists.update("13900000000", ListKind.BLOCK, reason="abuse", expires_at=50.0)
    assert updated.reason == "abuse"
    assert updated.expires_at == 50.0
    assert lists.get("13900000000", ListKind.BLOCK) == updated
    forever = lists.update("13900000000", ListKind.BLOCK, expires_at=None)
    assert forever.expires_at is None
    assert forever.reason == "abuse"
    lists.remove("13900000000", ListKind.BLOCK)
    assert lists.get("13900000000", ListKind.BLOCK) is None
    with pytest.raises(UnknownIdError):
        lists.remove("13900000000", ListKind.BLOCK)
    with pytest.raises(UnknownIdError):
        lists.update("13900000000", ListKind.VIP, reason="x")
    with pytest.raises(InvalidArgumentError):
        lists.add("call me", ListKind.VIP, now=0.0)


def test_entries_and_purge(lists: CallerLists) -> None:
    lists.add("3", ListKind.VIP, now=0.0)
    lists.add("2", ListKind.BLOCK, now=0.0, expires_at=5.0)
    lists.add("1", ListKind.BLOCK, now=0.0)
    assert [(e.kind, e.number) for e in lists.entries()] == [
        (ListKind.BLOCK, "1"),
        (ListKind.BLOCK, "2"),
        (ListKind.VIP, "3"),
    ]
    assert [e.number for e in lists.entries(ListKind.VIP)] == ["3"]
    assert lists.purge_expired(now=5.0) == 1
    assert [e.number for e in lists.entries(ListKind.BLOCK)] == ["1"]


def test_sqlite_keeps_the_lists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "lists.db"
    with SQLiteCallerLists(path) as store:
        store.add("13900000000", ListKind.BLOCK, reason="harassment", now=1.0)
    with SQLiteCallerLists(path) as store:
        entry = store.get("13900000000", ListKind.BLOCK)
        assert entry is not None
        assert entry.reason == "harassment"
        assert entry.added_at == 1.0
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.close()
    with pytest.raises(SchemaVersionError, match="99"):
        SQLiteCallerLists(path)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "remove", "status", "purge"]),
        st.sampled_from(["1", "2", "3"]),
        st.sampled_from(list(ListKind)),
        st.sampled_from([None, 5.0, 10.0]),
        st.floats(min_value=0, max_value=20, allow_nan=False),
    ),
    max_size=25,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_sqlite_and_memory_stores_agree(
    ops: list[tuple[str, str, ListKind, float | None, float]], tmp_path: Path
) -> None:
    memory = MemoryCallerLists()
    path = tmp_path / "agree.db"
    path.unlink(missing_ok=True)
    with SQLiteCallerLists(path) as sqlite_store:
        for op, number, kind, expiry, now in ops:
            results: list[object] = []
            for store in (memory, sqlite_store):
                try:
                    if op == "add":
                        results.append(store.add(number, kind, now=now, expires_at=expiry))
                    elif op == "update":
                        results.append(store.update(number, kind, reason=op, expires_at=expiry))
                    elif op == "remove":
                        store.remove(number, kind)
                        results.append(None)
                    elif op == "status":
                        results.append(store.status(number, now))
                    else:
                        results.append(store.purge_expired(now))
                except (DuplicateIdError, UnknownIdError, InvalidArgumentError) as exc:
                    results.append(type(exc))
            assert results[0] == results[1], op
        assert memory.entries() == sqlite_store.entries()


def test_two_stores_on_one_file_see_each_others_changes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with SQLiteCallerLists(path) as first, SQLiteCallerLists(path) as second:
        first.add("13900000000", ListKind.BLOCK, reason="spam", now=0.0)
        assert second.status("13900000000", now=1.0) is CallerStatus.BLOCKED
        second.remove("13900000000", ListKind.BLOCK)
        assert first.get("13900000000", ListKind.BLOCK) is None
        first.add("13800138000", ListKind.VIP, now=0.0)
        with pytest.raises(DuplicateIdError):
            second.add("13800138000", ListKind.VIP, now=0.0)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+8613900000000", "13900000000"),
        ("008613900000000", "13900000000"),
        ("+86 139-0000-0000", "13900000000"),
        ("+86 10 1234 5678", "01012345678"),
        ("+86 (0)10 1234 5678", "01012345678"),
        ("0086 22 2345 6789", "02223456789"),
        ("0044 20 7946 0000", "+442079460000"),
        ("+1 212 555 0100", "+12125550100"),
    ],
)
def test_international_and_chinese_national_forms_are_one_number(
    lists: CallerLists, written: str, stored: str
) -> None:
    lists.add(stored, ListKind.BLOCK, now=0.0)
    assert lists.status(written, now=1.0) is CallerStatus.BLOCKED
    assert normalize_number(written) == stored


@pytest.mark.parametrize("bad", [None, 13900000000, "", "+", "12a", "1" * 10_000, "+" + "8" * 25])
def test_malformed_numbers_are_typed_errors(lists: CallerLists, bad: object) -> None:
    with pytest.raises(InvalidArgumentError):
        normalize_number(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        lists.add(bad, ListKind.BLOCK, now=0.0)  # type: ignore[arg-type]
    assert lists.entries() == []


def test_an_entry_cannot_expire_before_it_was_added(lists: CallerLists) -> None:
    with pytest.raises(InvalidArgumentError):
        lists.add("13900000000", ListKind.BLOCK, now=100.0, expires_at=50.0)
    assert lists.entries() == []
    lists.add("13900000000", ListKind.BLOCK, now=100.0, expires_at=150.0)
    with pytest.raises(InvalidArgumentError):
        lists.update("13900000000", ListKind.BLOCK, expires_at=100.0)
    entry = lists.get("13900000000", ListKind.BLOCK)
    assert entry is not None
    assert entry.expires_at == 150.0
    with pytest.raises(InvalidArgumentError):
        lists.add("13800000000", ListKind.VIP, now=math.nan)


def test_a_closed_store_raises_a_library_error(tmp_path: Path) -> None:
    store = SQLiteCallerLists(tmp_path / "closed.db")
    store.close()
    for call in (
        lambda: store.status("13900000000", now=0.0),
        lambda: store.add("13900000000", ListKind.BLOCK, now=0.0),
        lambda: store.entries(),
        lambda: store.purge_expired(0.0),
    ):
        with pytest.raises(StoreError, match="closed"):
            call()


def _damaged(path: Path, kind: str) -> None:
    if kind == "directory":
        path.mkdir()
    elif kind == "foreign":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE orders (id INTEGER)")
        db.commit()
        db.close()
    elif kind == "garbage":
        path.write_bytes(b"not a database at all\n" * 200)
    else:  # truncated: the first half of a real caller-list file
        with SQLiteCallerLists(path) as store:
            for index in range(300):
                store.add(f"1390000{index:04d}", ListKind.BLOCK, reason="x" * 50, now=0.0)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


def _open_and_read(path: Path) -> None:
    store = SQLiteCallerLists(path)
    store.entries()
    store.status("13900000000", now=0.0)


@pytest.mark.parametrize("kind", ["directory", "foreign", "garbage", "truncated"])
def test_an_unusable_file_gives_a_library_error_naming_it(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "lists.db"
    _damaged(path, kind)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError, match=r"lists\.db"):
        _open_and_read(path)
    if before is not None:
        assert path.read_bytes() == before


def test_a_file_without_permission_gives_a_library_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    SQLiteCallerLists(path).close()
    path.chmod(0)
    if os.geteuid() == 0:  # root opens any file: use a place nobody may create one
        path = Path("/proc/locked.db")
    with pytest.raises(StoreError, match=r"locked\.db"):
        _open_and_read(path)


@given(st.text(alphabet="0123456789+86 -()", max_size=30))
def test_plain_digits_normalize_as_the_same_number_written_with_a_space(number: str) -> None:
    # A number of plain digits takes a shortcut; with a trailing space it takes the
    # full path. Both must give the same form, or refuse it alike.
    def outcome(text: str) -> str:
        try:
            return normalize_number(text)
        except InvalidArgumentError:
            return "refused"

    assert outcome(number) == outcome(number + " ")
