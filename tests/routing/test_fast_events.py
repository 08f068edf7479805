"""The engine's fast event constructors build exactly what the public constructors build.

Under ``python -X dev`` the module's constructors are the classes themselves, so the
generated constructors are also built here directly, and compared in either mode.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any, get_args

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter import _slots
from callcenter.routing import (
    AgentState,
    Channel,
    DeclineReason,
    Explanation,
    LeaveReason,
    OverflowKind,
    RefusalReason,
    RoutingEvent,
    Strategy,
)
from callcenter.routing import _fast_events as fast

EVENT_CLASSES: tuple[type, ...] = get_args(RoutingEvent)


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


def _fast_for(cls: type) -> Callable[..., Any]:
    builder: Callable[..., Any] = getattr(fast, "new_" + _snake(cls.__name__))
    return builder


def _generated_for(cls: type) -> Callable[..., Any]:
    """The generated constructor of ``cls``, whatever the interpreter's mode."""
    return _slots._generate(cls, check=False)


def _builders(cls: type) -> tuple[Callable[..., Any], ...]:
    return (_fast_for(cls), _generated_for(cls))


times = st.floats(allow_nan=False, allow_infinity=False)
ids = st.text(max_size=6)
optional_ids = st.none() | ids
explanations = st.none() | st.builds(
    Explanation,
    contact_id=ids,
    queue=ids,
    at=times,
    strategy=st.sampled_from(Strategy),
    candidates=st.just(()),
    chosen=optional_ids,
    reason=ids,
)
# One strategy per annotation used by the event classes.
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "float": times,
    "float | None": st.none() | times,
    "int": st.integers(-5, 5),
    "str": ids,
    "str | None": optional_ids,
    "None": st.none(),
    "Channel": st.sampled_from(Channel),
    "AgentState": st.sampled_from(AgentState),
    "RefusalReason": st.sampled_from(RefusalReason),
    "DeclineReason": st.sampled_from(DeclineReason),
    "LeaveReason": st.sampled_from(LeaveReason),
    "OverflowKind": st.sampled_from(OverflowKind),
    "Mapping[str, Any]": st.dictionaries(ids, st.integers(), max_size=2),
    "Explanation | None": explanations,
}


@st.composite
def event_kwargs(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    cls = draw(st.sampled_from(EVENT_CLASSES))
    kwargs = {f.name: draw(VALUES[str(f.type)]) for f in attrs.fields(cls)}
    return cls, kwargs


def test_every_event_class_has_a_fast_constructor_with_the_same_signature() -> None:
    assert len(EVENT_CLASSES) == 12
    for cls in EVENT_CLASSES:
        for builder in _builders(cls):
            params = inspect.signature(builder).parameters
            fields = attrs.fields(cls)
            assert list(params) == [f.name for f in fields], cls
            for f in fields:
                param = params[f.name]
                assert param.kind is inspect.Parameter.KEYWORD_ONLY
                expected = inspect.Parameter.empty if f.default is attrs.NOTHING else f.default
                assert param.default == expected, (cls, f.name)
                assert str(param.annotation) == str(f.type), (cls, f.name)


def test_every_fast_constructor_is_generated_from_its_class() -> None:
    builders = {name for name in vars(fast) if name.startswith("new_")}
    assert builders == set(fast.__all__)
    assert builders == {"new_" + _snake(cls.__name__) for cls in EVENT_CLASSES}
    for cls in EVENT_CLASSES:
        builder = _fast_for(cls)
        if sys.flags.dev_mode:
            assert builder is cls
        else:
            assert builder.__qualname__ == f"trusted_{cls.__name__}"
            assert builder.__module__ == cls.__module__


@settings(max_examples=300)
@given(event_kwargs())
def test_fast_constructor_equals_the_public_constructor(
    case: tuple[Any, dict[str, Any]],
) -> None:
    cls, kwargs = case
    for builder in _builders(cls):
        _check_same(cls, builder, kwargs)


def _check_same(cls: Any, builder: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    normal: Any = cls(**kwargs)
    quick: Any = builder(**kwargs)
    assert quick.__class__ is cls  # the public class itself, not a look-alike
    assert quick == normal
    assert not quick != normal  # noqa: SIM202 (the generated __ne__ too)
    assert hash(quick) == hash(normal)
    assert repr(quick) == repr(normal)
    # Every slot is filled with the very object given (asdict reads each slot).
    assert attrs.asdict(quick, recurse=False) == attrs.asdict(normal, recurse=False)
    for name, value in kwargs.items():
        assert getattr(quick, name) is value
    assert attrs.evolve(quick) == normal
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        quick.at = 0.0
    with pytest.raises(AttributeError):
        quick.not_a_field = 1


@given(event_kwargs())
def test_defaults_are_the_public_defaults(case: tuple[type, dict[str, Any]]) -> None:
    cls, kwargs = case
    defaulted = {f.name for f in attrs.fields(cls) if f.default is not attrs.NOTHING}
    for name in defaulted:
        del kwargs[name]
    for builder in _builders(cls):
        assert builder(**kwargs) == cls(**kwargs)


def test_a_field_that_is_not_a_plain_slot_is_refused() -> None:
    @attrs.frozen
    class NotSlotted:
        at: float

    @attrs.define(slots=False)
    class Plain:
        at: float

    with pytest.raises(TypeError, match="fields"):
        _slots.slot_setters(NotSlotted, "at", "extra")
    with pytest.raises(TypeError, match="not a plain slot"):
        _slots.slot_setters(Plain, "at")
