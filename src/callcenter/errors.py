"""The exception tree of ``callcenter``.

Every exception the library raises on purpose derives from :class:`CallCenterError`,
so a host can catch the whole family in one ``except`` clause. Below the root there
are four branches, one per kind of fault:

* :class:`DefinitionError` -- something a user *wrote* is wrong: a flow, a scenario,
  a workflow, a calendar, a routing rule. All problems are collected and reported at
  once, each with the path of the offending value (``nodes.main_menu.options.1``).
* :class:`EngineError` -- an engine was driven wrongly: an unknown id, a duplicate id,
  an illegal transition, time going backwards. The engine's state is unchanged after
  any of these.
* :class:`WireError` -- bad input from the outside world (a malformed SIP or AGI line,
  an unexpected webhook). Adapters answer it the way their protocol expects.
* :class:`StoreError` -- a store could not do what was asked: a concurrent update
  won, or the stored schema is newer than this code.

Where the meaning matches a builtin exception the class derives from it as well, so
``except KeyError`` still catches an unknown id.

>>> from callcenter.errors import UnknownIdError, CallCenterError
>>> err = UnknownIdError(kind="agent", id="a9", known=["a1", "a2"])
>>> isinstance(err, KeyError) and isinstance(err, CallCenterError)
True
>>> print(err)
unknown agent 'a9'; expected one of: 'a1', 'a2'
"""

from __future__ import annotations

import difflib
import enum
import itertools
from collections.abc import Collection, Iterable, Sequence, Sized
from typing import Any

import attrs

__all__ = [
    "CallCenterError",
    "DamagedRecordError",
    "DefinitionError",
    "DocumentError",
    "DuplicateIdError",
    "EngineError",
    "Hints",
    "IllegalTransitionError",
    "InvalidArgumentError",
    "NoRouteError",
    "Problem",
    "SchemaVersionError",
    "Severity",
    "StoreError",
    "StoreFileError",
    "TimeWentBackwardsError",
    "UnknownIdError",
    "UpdateConflictError",
    "WireError",
    "did_you_mean",
]


def _rebuild(cls: type[BaseException], args: tuple[object, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    BaseException.__init__(error, *args)
    error.__dict__.update(state)
    return error


class CallCenterError(Exception):
    """Root of every exception that ``callcenter`` raises on purpose.

    Every subclass pickles (the errors of a run in another process, such as a
    what-if study's worker, come back intact), although most take keyword-only
    arguments: the message and the attributes are restored as they were.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


# --------------------------------------------------------------------------- definitions


class Severity(enum.Enum):
    """How serious a :class:`Problem` found in a definition is."""

    ERROR = "error"
    """The definition cannot be used as written."""

    WARNING = "warning"
    """The definition works, but probably not the way its author meant."""


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found in a user-written definition.

    Attributes:
        path: Where the problem is, as dotted keys and indexes from the document's
            root, e.g. ``nodes.main_menu.options.1``. Empty for the document itself.
        message: What is wrong, what was expected, and what to do.
        severity: :attr:`Severity.ERROR` (the default) or :attr:`Severity.WARNING`.
    """

    path: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.path or "<root>"
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {prefix}{self.message}"


class DefinitionError(CallCenterError, ValueError):
    """A user-written definition (flow, scenario, workflow, calendar, rule) is invalid.

    Carries every problem found, not just the first, so the author can fix them all
    in one pass.

    Args:
        problems: The problems, at least one.
        what: A short name of the thing that was being loaded, e.g. ``"flow 'tianjin'"``.

    Attributes:
        problems: The problems, in the order they were found.
    """

    def __init__(self, problems: Iterable[Problem], *, what: str = "definition") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("DefinitionError needs at least one problem")
        self.what = what
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"invalid {what}: {count} {noun}"]
        lines.extend(f"  {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))

    def __str__(self) -> str:
        return str(self.args[0])


class DocumentError(CallCenterError, ValueError):
    """A definition file could not be read or parsed at all.

    Distinct from :class:`DefinitionError` (the file parsed, but what it says is
    wrong) so that command-line tools can tell the two apart (exit status 2 vs 1).

    Args:
        path: The file.
        detail: Why it could not be read.
    """

    def __init__(self, *, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"cannot read {path}: {detail}")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return a ``" (did you mean 'x'?)"`` suffix for a misspelt name, or ``""``.

    >>> did_you_mean("trak", ["track", "order", "complaint"])
    " (did you mean 'track'?)"
    >>> did_you_mean("zzz", ["track"])
    ''
    """
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


HINT_BUDGET = 20_000
"""How many names one check compares misspelt names with, in all (:class:`Hints`)."""


class Hints:
    """:func:`did_you_mean` for one check of a document, within a budget of comparisons.

    Each comparison costs up to some tens of microseconds, so a document that names
    thousands of unknown nodes among thousands of nodes would take minutes to be
    told so if every unknown name were compared with every known one. One ``Hints``
    serves one check: each hint spends as many comparisons as it has candidates;
    once ``budget`` is spent (and for a word that is no text, or of 100 characters
    or more) the hint is ``""`` and the problem comes without one. Reporting stays
    linear in the document's size.

    >>> hints = Hints(budget=4)
    >>> hints("trak", ["track", "order", "complaint"])
    " (did you mean 'track'?)"
    >>> hints("ordr", ["track", "order", "complaint"])  # 3 more than the 1 left
    ''
    """

    __slots__ = ("budget",)

    def __init__(self, budget: int = HINT_BUDGET) -> None:
        self.budget = budget
        """Comparisons left."""

    def __call__(self, word: object, candidates: Collection[str]) -> str:
        """The hint for ``word`` among ``candidates``, or ``""`` (see the class)."""
        if not isinstance(word, str) or len(word) >= 100 or len(candidates) > self.budget:
            return ""
        self.budget -= len(candidates)
        return did_you_mean(word, candidates)


def _short_repr(value: object, limit: int = 80) -> str:
    # Bounded and safe: a 5,000-digit int has no repr, a hostile __repr__ may raise.
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return f"an int of {value.bit_length()} bits"
    try:
        text = repr(value)
    except Exception:  # the message must not fail, whatever came
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quoted_list(items: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(repr(item) for item in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items) - limit} more)"
    return shown or "(none)"


# --------------------------------------------------------------------------- engines


class EngineError(CallCenterError):
    """An engine was driven in a way it does not allow.

    The engine's state after this error is exactly what it was before the call.
    """


class UnknownIdError(EngineError, KeyError):
    """An id (agent, contact, queue, ticket, session, node...) that the engine does not know.

    Args:
        kind: What sort of thing the id names, e.g. ``"agent"``.
        id: The id that was given.
        known: The ids that would have been accepted, for the message and a
            did-you-mean hint (optional).
    """

    HINT_LIMIT = 200
    """At most this many known ids are looked at for the hint, so that refusing a stale
    id costs the same with 100,000 tickets as with ten (a burst of stale requests must
    not stall an engine)."""

    def __init__(self, *, kind: str, id: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.id = id
        sample = list(itertools.islice(known, self.HINT_LIMIT + 1))
        message = f"unknown {kind} {_short_repr(id)}"
        if len(sample) > self.HINT_LIMIT:
            count = len(known) if isinstance(known, Sized) else None
            many = f"{count:,}" if count is not None else "many"
            message += f"; {many} {kind}s are known, and this is not one of them"
        elif sample:
            known_list = sorted(str(k) for k in sample)
            hint = did_you_mean(str(id), known_list)
            message += hint if hint else f"; expected one of: {_quoted_list(known_list)}"
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; a message reads better.
        return str(self.args[0])


class DuplicateIdError(EngineError, ValueError):
    """An id that must be new is already in use.

    Args:
        kind: What sort of thing the id names, e.g. ``"contact"``.
        id: The id that was given twice.
    """

    def __init__(self, *, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"duplicate {kind} id {id!r}: a {kind} with this id already exists")


class IllegalTransitionError(EngineError):
    """An action that the current state of an entity does not allow.

    Args:
        entity: What is being changed, e.g. ``"agent 'a1'"`` or ``"ticket T-17"``.
        state: Its current state, as text.
        action: What was attempted, e.g. ``"go available"`` or trigger ``"close"``.
        allowed: The actions that *are* allowed in this state.
        reason: Why the action is refused, when the state alone does not say
            (a guard that failed, a field that is missing); optional.

    >>> print(IllegalTransitionError(entity="ticket 'T1'", state="recorded",
    ...       action="fire 'close'", allowed=["dispatch"], reason="unresolved"))
    ticket 'T1' is recorded: cannot fire 'close' because unresolved; allowed now: 'dispatch'
    """

    def __init__(
        self,
        *,
        entity: str,
        state: str,
        action: str,
        allowed: Iterable[str] = (),
        reason: str = "",
    ) -> None:
        self.entity = entity
        self.state = state
        self.action = action
        self.allowed: tuple[str, ...] = tuple(allowed)
        self.reason = reason
        message = f"{entity} is {state}: cannot {action}"
        if reason:
            message += f" because {reason}"
        message += f"; allowed now: {_quoted_list(list(self.allowed))}"
        super().__init__(message)


class TimeWentBackwardsError(EngineError, ValueError):
    """A ``now`` earlier than a time the engine has already seen.

    Args:
        now: The time that was given.
        last: The latest time the engine has seen.
    """

    def __init__(self, *, now: float, last: float) -> None:
        self.now = now
        self.last = last
        super().__init__(
            f"time went backwards: got now={now!r}, but the engine is already at "
            f"{last!r}; pass a now that is >= {last!r}"
        )


class InvalidArgumentError(EngineError, ValueError):
    """An argument of an engine call is outside what the call accepts.

    Args:
        name: The parameter's name.
        expected: What the parameter accepts, in words.
        got: The value that came.
    """

    def __init__(self, *, name: str, expected: str, got: object) -> None:
        self.name = name
        self.expected = expected
        self.got = got
        super().__init__(f"{name}: expected {expected}, got {_short_repr(got)}")


class NoRouteError(EngineError, LookupError):
    """No routing rule chose a queue for a contact and there is no default queue.

    Args:
        attributes: The contact's attributes, for the message.
    """

    def __init__(self, *, attributes: object) -> None:
        self.attributes = attributes
        super().__init__(
            "no routing rule chose a queue for a contact with attributes "
            f"{_short_repr(attributes)} and the rule set has no default_queue; "
            "add a catch-all rule or a default_queue"
        )


# --------------------------------------------------------------------------- the wire


class WireError(CallCenterError, ValueError):
    """Bad input from the outside world: a malformed protocol line or message.

    Args:
        protocol: The protocol, e.g. ``"SIP"`` or ``"AGI"``.
        detail: What was wrong and what was expected.
        data: The offending input (shortened in the message).
    """

    def __init__(self, *, protocol: str, detail: str, data: str | bytes = "") -> None:
        self.protocol = protocol
        self.detail = detail
        self.data = data
        message = f"malformed {protocol} input: {detail}"
        if data:
            message += f" (got {_shorten(data)!r})"
        super().__init__(message)


def _shorten(data: str | bytes, limit: int = 80) -> str | bytes:
    if len(data) <= limit:
        return data
    if isinstance(data, bytes):
        return data[: limit - 3] + b"..."
    return data[: limit - 3] + "..."


# --------------------------------------------------------------------------- stores


class StoreError(CallCenterError):
    """A store could not carry out a request."""


class UpdateConflictError(StoreError):
    """Someone else updated the record first (optimistic concurrency).

    Reload the record and apply the change again.

    Args:
        kind: What was being updated, e.g. ``"ticket"``.
        id: Its id.
        expected_version: The version the update was based on.
        actual_version: The version that is stored now.
    """

    def __init__(self, *, kind: str, id: str, expected_version: int, actual_version: int) -> None:
        self.kind = kind
        self.id = id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{kind} {id!r} was changed by someone else: the update expected version "
            f"{expected_version}, the store has version {actual_version}; reload and retry"
        )


class SchemaVersionError(StoreError):
    """A store's schema version is one this code cannot use.

    Args:
        store: What store was opened (a path or a name).
        found: The schema version found in the store.
        supported: The newest version this code knows.
    """

    def __init__(self, *, store: str, found: int, supported: int) -> None:
        self.store = store
        self.found = found
        self.supported = supported
        super().__init__(
            f"{store}: schema version {found} is newer than this version of callcenter "
            f"supports (up to {supported}); upgrade callcenter to open it"
        )


class StoreFileError(StoreError):
    """A store's file cannot be used.

    It is missing, a directory, unreadable, not a database of this store, damaged,
    opened read-only for a write, or closed.

    Args:
        path: The file.
        detail: What is wrong with it, and what to do.
    """

    def __init__(self, *, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")


class DamagedRecordError(StoreError):
    """One stored record cannot be read back (the others can).

    Args:
        store: The store's file.
        kind: What the record is, e.g. ``"ticket"``.
        id: The record's id.
        detail: What is wrong with it.
    """

    def __init__(self, *, store: str, kind: str, id: str, detail: str) -> None:
        self.store = store
        self.kind = kind
        self.id = id
        self.detail = detail
        super().__init__(
            f"{store}: {kind} {_short_repr(id)} is damaged and cannot be read: {detail}"
        )
