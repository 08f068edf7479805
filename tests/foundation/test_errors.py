"""The exception tree: what each error derives from and what its message says."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest

from callcenter import errors
from callcenter.errors import (
    CallCenterError,
    DefinitionError,
    DocumentError,
    DuplicateIdError,
    EngineError,
    IllegalTransitionError,
    InvalidArgumentError,
    Problem,
    SchemaVersionError,
    Severity,
    StoreError,
    TimeWentBackwardsError,
    UnknownIdError,
    UpdateConflictError,
    WireError,
)


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (DefinitionError([Problem(path="a", message="b")]), (ValueError,)),
        (DocumentError(path="f.toml", detail="x"), (ValueError,)),
        (UnknownIdError(kind="agent", id="a1"), (EngineError, KeyError, LookupError)),
        (DuplicateIdError(kind="contact", id="c1"), (EngineError, ValueError)),
        (IllegalTransitionError(entity="e", state="s", action="a"), (EngineError,)),
        (TimeWentBackwardsError(now=1.0, last=2.0), (EngineError, ValueError)),
        (InvalidArgumentError(name="n", expected="e", got=1), (EngineError, ValueError)),
        (WireError(protocol="SIP", detail="d"), (ValueError,)),
        (
            UpdateConflictError(kind="t", id="1", expected_version=1, actual_version=2),
            (StoreError,),
        ),
        (SchemaVersionError(store="s", found=3, supported=2), (StoreError,)),
    ],
)
def test_every_error_has_one_root_and_the_builtin_it_means(
    error: Exception, bases: tuple[type, ...]
) -> None:
    assert isinstance(error, CallCenterError)
    for base in bases:
        assert isinstance(error, base)


@pytest.mark.parametrize(
    "error",
    [
        DefinitionError([Problem(path="a", message="b", severity=Severity.WARNING)], what="flow"),
        DocumentError(path="f.toml", detail="x"),
        UnknownIdError(kind="agent", id="a1", known=["a2"]),
        IllegalTransitionError(entity="e", state="s", action="a", allowed=["b"], reason="r"),
        TimeWentBackwardsError(now=1.0, last=2.0),
        WireError(protocol="SIP", detail="d", data=b"x"),
        UpdateConflictError(kind="t", id="1", expected_version=1, actual_version=2),
    ],
)
def test_errors_survive_pickling(error: CallCenterError) -> None:
    # Errors raised in a worker process come back through pickle.
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert vars(again) == vars(error)


def test_every_public_exception_is_exported() -> None:
    exported = {getattr(errors, name) for name in errors.__all__}
    defined = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, CallCenterError)
    }
    assert defined <= exported


def test_definition_error_lists_every_problem() -> None:
    error = DefinitionError(
        [
            Problem(path="nodes.menu.options.1", message="unknown node 'trak'"),
            Problem(path="", message="no start node"),
            Problem(path="nodes.x", message="unreachable", severity=Severity.WARNING),
        ],
        what="flow 'tianjin'",
    )
    assert str(error).splitlines() == [
        "invalid flow 'tianjin': 3 problems",
        "  nodes.menu.options.1: unknown node 'trak'",
        "  <root>: no start node",
        "  nodes.x: warning: unreachable",
    ]
    assert len(error.problems) == 3
    with pytest.raises(ValueError, match="at least one problem"):
        DefinitionError([])


def test_unknown_id_suggests_a_close_match_or_lists_the_known() -> None:
    assert str(UnknownIdError(kind="queue", id="trak", known=["track", "orders"])) == (
        "unknown queue 'trak' (did you mean 'track'?)"
    )
    assert str(UnknownIdError(kind="queue", id="zzz", known=["b", "a"])) == (
        "unknown queue 'zzz'; expected one of: 'a', 'b'"
    )
    many = UnknownIdError(kind="agent", id="q", known=[f"a{i:02d}" for i in range(15)])
    assert "(5 more)" in str(many)
    assert str(UnknownIdError(kind="agent", id="x")) == "unknown agent 'x'"


def test_messages_say_what_was_expected_and_what_came() -> None:
    assert "cannot go available; allowed now: 'log in'" in str(
        IllegalTransitionError(
            entity="agent 'a1'", state="logged out", action="go available", allowed=["log in"]
        )
    )
    assert "got now=5.0" in str(TimeWentBackwardsError(now=5.0, last=7.0))
    assert ">= 7.0" in str(TimeWentBackwardsError(now=5.0, last=7.0))
    assert str(InvalidArgumentError(name="now", expected="a number", got="x")) == (
        "now: expected a number, got 'x'"
    )
    assert "reload and retry" in str(
        UpdateConflictError(kind="ticket", id="T1", expected_version=3, actual_version=4)
    )
    assert "upgrade callcenter" in str(SchemaVersionError(store="t.db", found=9, supported=2))


def test_wire_errors_shorten_long_input() -> None:
    error = WireError(protocol="SIP", detail="no CRLF", data="x" * 500)
    assert len(str(error)) < 150
    assert "..." in str(error)
    binary = WireError(protocol="AGI", detail="bad", data=b"y" * 500)
    assert "..." in str(binary)
    assert str(WireError(protocol="SIP", detail="empty")) == "malformed SIP input: empty"


def test_unknown_id_hint_reads_a_bounded_number_of_known_ids() -> None:
    consumed = 0

    def known() -> Iterator[str]:
        nonlocal consumed
        for i in range(100_000):
            consumed += 1
            yield f"T{i}"

    err = UnknownIdError(kind="ticket", id="T-x", known=known())
    assert consumed <= UnknownIdError.HINT_LIMIT + 1
    assert "T-x" in str(err)
    sized = UnknownIdError(kind="ticket", id="T-x", known={f"T{i}": 1 for i in range(5_000)})
    assert "5,000 tickets are known" in str(sized)
    small = UnknownIdError(kind="ticket", id="T2", known=["T1", "T3"])
    assert "did you mean" in str(small) or "expected one of" in str(small)


def test_error_messages_survive_values_without_a_repr() -> None:
    err = InvalidArgumentError(name="priority", expected="a number", got=10**5000)
    assert "priority" in str(err)
    assert len(str(err)) < 200
