"""Generated constructors: the same objects as the classes', and only for safe classes."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from typing import Any, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter import _slots
from callcenter._slots import checked, checked_in_order, slot_setters, trusted
from callcenter.errors import InvalidArgumentError


@attrs.frozen(kw_only=True)
class Plain:
    at: float
    name: str
    tags: tuple[str, ...] = ()
    extra: list[int] = attrs.field(factory=list, eq=False)  # a fresh list each
    _hidden: int = 0


@attrs.frozen(kw_only=True)
class Checked:
    start: float
    end: float

    def __attrs_post_init__(self) -> None:
        if not self.start <= self.end:
            raise InvalidArgumentError(name="end", expected="a time >= start", got=self.end)


@attrs.frozen(kw_only=True)
class Empty:
    pass


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert a == b
    assert hash(a) == hash(b)
    assert repr(a) == repr(b)
    for field in attrs.fields(type(a)):
        x, y = getattr(a, field.name), getattr(b, field.name)
        assert x is y or (field.name in ("extra", "notes") and x == y), field.name


# The generated constructors themselves, in either mode: under ``python -X dev`` (as
# CI runs) ``trusted``, ``checked`` and ``checked_in_order`` hand back the class, and
# comparing the class with itself would prove nothing.
new_plain = cast("type[Plain]", _slots._generate(Plain, check=False))
new_checked = cast("type[Checked]", _slots._generate(Checked, check=True))
new_checked_in_order = _slots._generate(Checked, check=True, in_order=True)


def test_the_public_helpers_give_the_generated_constructor_or_the_class() -> None:
    for made, cls in ((trusted(Plain), Plain), (checked(Checked), Checked)):
        assert made is cls if sys.flags.dev_mode else made.__name__.startswith("trusted_")


@given(
    at=st.floats(allow_nan=False),
    name=st.text(max_size=5),
    tags=st.lists(st.text(max_size=3), max_size=3).map(tuple),
    hidden=st.integers(),
)
def test_trusted_builds_the_object_the_class_builds(
    at: float, name: str, tags: tuple[str, ...], hidden: int
) -> None:
    _same(new_plain(at=at, name=name, tags=tags, hidden=hidden), Plain(**locals()))
    _same(new_plain(at=at, name=name), Plain(at=at, name=name))


def test_defaults_are_the_classes_and_factories_run_once_a_call() -> None:
    one, two = new_plain(at=1.0, name="a"), new_plain(at=1.0, name="a")
    assert (one.tags, one.extra, one._hidden) == ((), [], 0)
    assert one.extra is not two.extra
    with pytest.raises(TypeError):
        new_plain(1.0, "a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        new_plain(at=1.0)  # type: ignore[call-arg]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        one.at = 2.0  # type: ignore[misc]
    assert isinstance(trusted(Empty)(), Empty)


@given(start=st.floats(allow_nan=False), end=st.floats(allow_nan=False))
def test_checked_builds_the_object_or_raises_the_error_the_class_does(
    start: float, end: float
) -> None:
    if start <= end:
        _same(new_checked(start=start, end=end), Checked(start=start, end=end))
        return
    for make in (Checked, new_checked):
        with pytest.raises(InvalidArgumentError, match="end: expected a time >= start"):
            make(start=start, end=end)
    with pytest.raises(InvalidArgumentError, match="end: expected a time >= start"):
        new_checked_in_order(start, end)


@given(start=st.floats(allow_nan=False), end=st.floats(allow_nan=False))
def test_checked_in_order_takes_the_fields_in_order(start: float, end: float) -> None:
    if start <= end:
        _same(new_checked_in_order(start, end), Checked(start=start, end=end))
    with pytest.raises(TypeError):
        new_checked_in_order(start)


@attrs.frozen(kw_only=True)
class Labelled:
    start: float
    label: str | None = None
    end: float
    notes: list[str] = attrs.field(factory=list, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.start <= self.end:
            raise InvalidArgumentError(name="end", expected="a time >= start", got=self.end)


@given(start=st.floats(allow_nan=False), end=st.floats(allow_nan=False))
def test_checked_in_order_leaves_omitted_fields_at_their_defaults(start: float, end: float) -> None:
    for make in (
        _slots._generate(Labelled, check=True, in_order=True, omit=("label", "notes")),
        checked_in_order(Labelled, omit=("label", "notes")),
    ):
        if start <= end:
            made = make(start, end)
            _same(made, Labelled(start=start, end=end))
            assert made.notes == []
            assert made.notes is not make(start, end).notes
        else:
            with pytest.raises(InvalidArgumentError, match="end: expected a time >= start"):
                make(start, end)
        with pytest.raises(TypeError):
            make(start, None, end)  # an omitted field is no parameter


def test_checked_in_order_omits_only_fields_with_defaults() -> None:
    for name in ("end", "nothing"):
        with pytest.raises(TypeError, match=f"cannot omit {name!r}"):
            checked_in_order(Labelled, omit=(name,))


@attrs.frozen(kw_only=True)
class Window:
    start: float
    end: float = 10.0
    notes: list[str] = attrs.field(factory=list, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.start <= self.end:
            raise InvalidArgumentError(name="end", expected="a time >= start", got=self.end)


@attrs.frozen(kw_only=True)
class FastWindow:
    start: float
    end: float = 10.0
    notes: list[str] = attrs.field(factory=list, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.start <= self.end:
            raise InvalidArgumentError(name="end", expected="a time >= start", got=self.end)


# Installed as checked_init installs it (in either mode: under -X dev checked_init
# keeps attrs' own __init__, which would prove nothing here).
FastWindow.__init__ = _slots._generate(FastWindow, check=True, as_init=True)  # type: ignore[method-assign]


@given(start=st.floats(allow_nan=False), end=st.floats(allow_nan=False))
def test_a_checked_init_builds_what_attrs_init_builds_or_raises_its_error(
    start: float, end: float
) -> None:
    if start <= end:
        fast, real = FastWindow(start=start, end=end), Window(start=start, end=end)
        assert (fast.start, fast.end, fast.notes) == (real.start, real.end, real.notes)
        assert repr(fast).replace("Fast", "") == repr(real)
        assert fast == FastWindow(start=start, end=end)
    else:
        for make in (Window, FastWindow):
            with pytest.raises(InvalidArgumentError, match="end: expected a time >= start"):
                make(start=start, end=end)
    with pytest.raises(InvalidArgumentError):
        FastWindow(start=11.0)  # the default end is the class's


def test_a_checked_init_keeps_the_signature_and_refuses_what_attrs_refuses() -> None:
    fast, real = inspect.signature(FastWindow), inspect.signature(Window)
    assert [(p.name, p.kind, p.default) for p in fast.parameters.values()] == [
        (p.name, p.kind, p.default) for p in real.parameters.values()
    ]
    one, two = FastWindow(start=0.0), FastWindow(start=0.0)
    assert one.notes == []
    assert one.notes is not two.notes
    with pytest.raises(TypeError):
        FastWindow(0.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        FastWindow(start=0.0, stop=1.0)  # type: ignore[call-arg]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        one.start = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError, match="no __attrs_post_init__"):
        _slots.checked_init(Plain)


@attrs.frozen(kw_only=True)
class WithValidator:
    x: int = attrs.field(validator=lambda *_: None)


@attrs.frozen(kw_only=True)
class WithConverter:
    x: tuple[int, ...] = attrs.field(converter=tuple)


@attrs.frozen(kw_only=True)
class WithPreInit:
    x: int

    def __attrs_pre_init__(self) -> None:
        pass


@attrs.frozen(kw_only=True, cache_hash=True)
class WithCachedHash:
    x: int


@attrs.frozen
class Positional:
    x: int


@attrs.frozen(kw_only=True)
class NotInInit:
    x: int = attrs.field(init=False, default=0)


@attrs.frozen(kw_only=True)
class FactoryOfSelf:
    x: list[object] = attrs.field(default=attrs.Factory(lambda self: [self], takes_self=True))


@attrs.define(kw_only=True, slots=False)
class NoSlots:
    x: int


class NotAttrs:
    def __init__(self, *, x: int) -> None:
        self.x = x


_REFUSED: list[tuple[Any, str]] = [
    (WithValidator, "validator"),
    (WithConverter, "converter"),
    (WithPreInit, "__attrs_pre_init__"),
    (WithCachedHash, "caches its hash"),
    (Positional, "keyword-only"),
    (NotInInit, "not set by __init__"),
    (FactoryOfSelf, "takes self"),
    (NoSlots, "plain slot"),
    (NotAttrs, "not an attrs class"),
]


@pytest.mark.parametrize(("cls", "why"), _REFUSED)
def test_classes_whose_construction_does_more_than_store_are_refused(cls: Any, why: str) -> None:
    for make in (trusted, checked, checked_in_order):
        with pytest.raises(TypeError, match=why):
            make(cls)
    if attrs.has(cls):
        with pytest.raises(TypeError, match=why):
            slot_setters(cls, *(field.name for field in attrs.fields(cls)))


def test_a_post_init_hook_is_refused_by_trusted_and_required_by_checked() -> None:
    with pytest.raises(TypeError, match="__attrs_post_init__"):
        trusted(Checked)
    with pytest.raises(TypeError, match="no __attrs_post_init__"):
        checked(Plain)
    with pytest.raises(TypeError, match="attrs class"):
        trusted(len)


def test_slot_setters_names_every_field_in_order() -> None:
    with pytest.raises(TypeError, match="fields"):
        slot_setters(Plain, "at", "name")
    setters = slot_setters(Plain, "at", "name", "tags", "extra", "_hidden")
    assert len(setters) == 5


_PROBE = textwrap.dedent(
    """
    import attrs
    from callcenter._slots import checked, checked_in_order, checked_init, trusted

    @attrs.frozen(kw_only=True)
    class P:
        x: int

    @attrs.frozen(kw_only=True)
    class C:
        x: int
        def __attrs_post_init__(self) -> None:
            pass

    in_order = checked_in_order(C)
    init = C.__init__
    print(
        trusted(P) is P,
        checked(C) is C,
        in_order.__name__ == "construct",
        checked_init(C) is init,
    )
    """
)


@pytest.mark.parametrize(
    ("flags", "real"),
    [((), "False False False False"), (("-X", "dev"), "True True True True")],
)
def test_under_dev_mode_the_classes_themselves_are_returned(
    flags: tuple[str, ...], real: str
) -> None:
    done = subprocess.run(
        [sys.executable, *flags, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == real
