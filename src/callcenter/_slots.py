"""Constructors generated from attrs classes, for values an engine has already checked.

attrs' generated ``__init__`` of a frozen slotted class stores each field through a
bound ``object.__setattr__`` looked up by name (and runs validators, if any). An
engine that builds many events from values it holds and has checked can skip that:
:func:`trusted` turns an attrs class into a keyword-only constructor that creates the
instance with ``object.__new__`` and fills every slot through the slot's own
descriptor (``member_descriptor.__set__``), the same store attrs ends with. The
result is an ordinary instance of the public class (same type, slots, ``__eq__``,
``__hash__``, ``__repr__`` and immutability)::

    from callcenter._slots import trusted

    new_contact_queued = trusted(ContactQueued)  # module level, once
    event = new_contact_queued(at=at, contact_id=cid, queue=q, ...)

The constructor is generated from :func:`attrs.fields`, so it sets every field (a
field added later cannot be left unset) and takes the class's defaults; its type is
the class's own signature (a ``ParamSpec``), so ``mypy`` checks every call site as
it checks a call of the class.

It is only safe for classes whose construction checks nothing: :func:`trusted`
refuses (``TypeError``, at import time) a class with a validator, a converter, an
``__attrs_pre_init__`` / ``__attrs_post_init__`` hook, a cached hash, a field that is
not a plain slot, not in ``__init__`` or not keyword-only, or a default factory that
takes ``self``.

A record with invariants is not trusted: it checks them all in one
``__attrs_post_init__``, as cheaply as it can, and :func:`checked` (or
:func:`checked_in_order`, for a hot caller that passes every field in order) gives
the same fast slot stores followed by that check, as the record builder's
``metrics/_trusted.py`` does.

A hand-written constructor (``def new_x(*, a, b): ...`` filling the slots one
:func:`slot_setters` setter at a time) is one line a class instead,
``new_x = trusted(X)``, as ``routing/_fast_events.py`` has for the routing events;
its test compares each with its class. The generated constructor carries the
class's annotations, so :func:`inspect.signature` gives the class's signature.

Under ``python -X dev`` (:data:`sys.flags.dev_mode`) :func:`trusted` and
:func:`checked` return the class itself, so a test suite run that way (CI's is)
builds every object through the real constructor: anything a trusted caller builds
wrongly fails there.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import attrs

__all__ = [
    "SlotSetter",
    "checked",
    "checked_in_order",
    "checked_init",
    "new_instance",
    "slot_setters",
    "trusted",
]

P = ParamSpec("P")
T = TypeVar("T")

_HOOKS = ("__attrs_pre_init__", "__attrs_post_init__")


def _refusal(cls: type, hooks: tuple[str, ...] = _HOOKS) -> str | None:
    """Why ``cls``'s slots cannot be filled directly, or ``None``."""
    if not attrs.has(cls):
        return "not an attrs class"
    for hook in hooks:
        if hasattr(cls, hook):
            return f"it has {hook}"
    if hasattr(cls, "_attrs_cached_hash"):
        return "it caches its hash"
    for field in attrs.fields(cls):
        name = f"field {field.name!r}"
        if not isinstance(cls.__dict__.get(field.name), types.MemberDescriptorType):
            return f"{name} is not a plain slot"
        if field.validator is not None:
            return f"{name} has a validator"
        if field.converter is not None:
            return f"{name} has a converter"
        if not field.init:
            return f"{name} is not set by __init__"
        if not field.kw_only:
            return f"{name} is not keyword-only"
        if isinstance(field.default, attrs.Factory) and field.default.takes_self:  # type: ignore[arg-type]
            return f"{name}'s default factory takes self"
    return None


def trusted(cls: Callable[P, T]) -> Callable[P, T]:
    """A keyword-only constructor of ``cls`` that fills its slots without checks.

    Call it once, at module level, and use the result where the values are known
    valid; public callers keep the class. Under ``python -X dev`` it returns ``cls``.

    Raises:
        TypeError: ``cls`` is not an attrs class whose construction checks nothing
            (see the module's docstring for the list).
    """
    if not isinstance(cls, type):
        raise TypeError(f"trusted() takes an attrs class, not {cls!r}")
    refusal = _refusal(cls)
    if refusal is not None:
        raise TypeError(f"trusted({cls.__qualname__}): {refusal}")
    if sys.flags.dev_mode:
        return cls
    return cast("Callable[P, T]", _generate(cls, check=False))


def checked(cls: Callable[P, T]) -> Callable[P, T]:
    """A keyword-only constructor of ``cls`` that fills its slots, then runs its check.

    For a class with invariants that checks them all in one ``__attrs_post_init__``
    (and has no validator or converter): the result is what the class's own
    ``__init__`` gives, or the same error, at the cost of direct slot stores instead
    of attrs' ``object.__setattr__`` by name. Under ``python -X dev`` it returns
    ``cls``.

    Raises:
        TypeError: ``cls`` has no ``__attrs_post_init__``, or is otherwise one that
            :func:`trusted` refuses.
    """
    if not isinstance(cls, type):
        raise TypeError(f"checked() takes an attrs class, not {cls!r}")
    refusal = _refusal(cls, hooks=("__attrs_pre_init__",))
    if refusal is None and not hasattr(cls, "__attrs_post_init__"):
        refusal = "it has no __attrs_post_init__ (use trusted())"
    if refusal is not None:
        raise TypeError(f"checked({cls.__qualname__}): {refusal}")
    if sys.flags.dev_mode:
        return cls
    return cast("Callable[P, T]", _generate(cls, check=True))


SlotSetter = Callable[[object, Any], None]
"""Stores one field's value in an instance: ``setter(instance, value)``."""

new_instance = object.__new__
"""Create an instance without running ``__init__`` (fill it with its slot setters)."""


def slot_setters(cls: type, *names: str) -> tuple[SlotSetter, ...]:
    """The slot setters of ``names``, which must be all of ``cls``'s fields, in order.

    The older, hand-written form of :func:`trusted` (a constructor written out with
    one setter call a field); the library itself now uses :func:`trusted`, which
    writes it.

    Raises:
        TypeError: ``names`` are not exactly the class's fields, or ``cls`` is one
            :func:`trusted` refuses.
    """
    fields = tuple(field.name for field in attrs.fields(cls)) if attrs.has(cls) else ()
    if names != fields:
        raise TypeError(f"{cls.__name__}: trusted constructor fields {names} != {fields}")
    refusal = _refusal(cls)
    if refusal is not None:
        raise TypeError(f"slot_setters({cls.__qualname__}): {refusal}")
    return tuple(cls.__dict__[name].__set__ for name in names)


def checked_in_order(cls: type[T], *, omit: tuple[str, ...] = ()) -> Callable[..., T]:
    """:func:`checked`, taking every field positionally, in the class's field order.

    For a hot path that cannot afford passing twenty keywords a call (about 1 µs for
    a contact record): the call is not type-checked field by field, so its caller
    tests it against the class over random inputs. The fields named in ``omit`` are
    not parameters: they take their defaults (the constructor of a caller that never
    sets them, with no wrapper to fill them in). Under ``python -X dev`` it calls the
    class with the fields as keywords.

    Raises:
        TypeError: ``cls`` is one :func:`checked` refuses, or ``omit`` names a field
            it does not have or one without a default.
    """
    checked(cls)  # the same refusals
    fields = attrs.fields(cast("Any", cls))
    for name in omit:
        field = getattr(fields, name, None)
        if field is None or field.default is attrs.NOTHING:
            raise TypeError(f"checked_in_order({cls.__qualname__}): cannot omit {name!r}")
    if not sys.flags.dev_mode:
        return _generate(cls, check=True, in_order=True, omit=omit)
    aliases = tuple(field.alias for field in fields if field.name not in omit)

    def construct(*values: object, **named: object) -> T:
        if len(values) + len(named) != len(aliases):
            raise TypeError(f"expected the {len(aliases)} fields {aliases}, got {len(values)}")
        return cls(**dict(zip(aliases, values, strict=False)), **named)

    return construct


def checked_init(cls: type) -> Callable[..., None]:
    """An ``__init__`` for ``cls`` itself: :func:`checked`'s slot stores, then the check.

    For a public class built on every routed contact: install it once, right after
    the class (``Cls.__init__ = checked_init(Cls)``), and every caller builds through
    it, with the class's keywords, defaults, check and errors; only attrs' stores by
    name are gone. Under ``python -X dev`` it returns attrs' own ``__init__``.

    Raises:
        TypeError: ``cls`` is one :func:`checked` refuses.
    """
    checked(cls)  # the same refusals
    if sys.flags.dev_mode:
        return cast("Callable[..., None]", cls.__init__)  # type: ignore[misc]
    return _generate(cls, check=True, as_init=True)


def _generate(
    cls: type,
    *,
    check: bool,
    in_order: bool = False,
    as_init: bool = False,
    omit: tuple[str, ...] = (),
) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    if check:
        namespace["_check"] = cls.__attrs_post_init__  # type: ignore[attr-defined]
    params: list[str] = []
    body: list[str] = []
    for i, field in enumerate(attrs.fields(cls)):
        arg = field.alias
        namespace[f"_set{i}"] = cls.__dict__[field.name].__set__
        default = field.default
        if field.name in omit:  # not a parameter: its default, always
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                namespace[f"_factory{i}"] = default.factory
                body.append(f"    _set{i}(self, _factory{i}())")
            else:
                namespace[f"_default{i}"] = default
                body.append(f"    _set{i}(self, _default{i})")
            continue
        if default is attrs.NOTHING or in_order:
            params.append(arg)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"_factory{i}"] = default.factory
            params.append(f"{arg}=_NOTHING")
            body.append(f"    if {arg} is _NOTHING:\n        {arg} = _factory{i}()")
        else:
            namespace[f"_default{i}"] = default
            params.append(f"{arg}=_default{i}")
        body.append(f"    _set{i}(self, {arg})")
    namespace["_NOTHING"] = attrs.NOTHING
    name = "__init__" if as_init else f"trusted_{cls.__name__}"
    arguments = [
        *(["self"] if as_init else []),
        *(["*"] if params and not in_order else []),
        *params,
    ]
    source = "\n".join(
        [
            f"def {name}({', '.join(arguments)}):",
            *([] if as_init else ["    self = _new(_cls)"]),
            *body,
            *(["    _check(self)"] if check else []),
            *([] if as_init else ["    return self"]),
        ]
    )
    exec(compile(source, f"<trusted {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    constructor: Callable[..., Any] = namespace[name]
    constructor.__module__ = cls.__module__
    constructor.__qualname__ = f"{cls.__qualname__}.__init__" if as_init else name
    constructor.__doc__ = (
        f"A :class:`{cls.__qualname__}` from values known valid (its slots filled directly)."
    )
    # The class's annotations, so that the constructor's signature is the class's.
    constructor.__annotations__ = {
        **{
            field.alias: field.type
            for field in attrs.fields(cls)
            if field.type is not None and field.name not in omit
        },
        "return": "None" if as_init else cls.__name__,
    }
    return constructor
