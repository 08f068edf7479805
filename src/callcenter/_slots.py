"""Fast construction of frozen, slotted attrs instances from trusted values.

attrs' generated ``__init__`` of a frozen slotted class stores each field through a
bound ``object.__setattr__`` looked up by name, and runs the field validators. An
engine that builds many records or events from values it has already checked can
skip both: create the instance with ``object.__new__`` and fill every slot through
the slot's own descriptor (``member_descriptor.__set__``), the same store attrs ends
with. The result is an ordinary instance of the public class (same type, slots,
``__eq__``, ``__hash__``, ``__repr__`` and immutability).

This is only safe for classes whose fields are plain slots with no converter and no
``__attrs_post_init__`` to run; :func:`slot_setters` refuses a class whose fields are
not plain slots, and insists on every field being named, in order, so a field added
later cannot be left unset. Each user tests its trusted constructors against the
normal ones over random inputs.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["SlotSetter", "new_instance", "slot_setters"]

SlotSetter = Callable[[object, Any], None]
"""Stores one field's value in an instance: ``setter(instance, value)``."""

new_instance = object.__new__
"""Create an instance without running ``__init__`` (fill it with its slot setters)."""


def slot_setters(cls: type, *names: str) -> tuple[SlotSetter, ...]:
    """The slot setters of ``names``, which must be all of ``cls``'s fields, in order.

    Raises:
        TypeError: ``names`` are not exactly the class's fields, or a field is not a
            plain slot.
    """
    fields = tuple(field.name for field in attrs.fields(cls))
    if names != fields:
        raise TypeError(f"{cls.__name__}: trusted constructor fields {names} != {fields}")
    setters = []
    for name in names:
        descriptor = cls.__dict__.get(name)
        if not isinstance(descriptor, types.MemberDescriptorType):
            raise TypeError(f"{cls.__name__}.{name} is not a plain slot")
        setters.append(descriptor.__set__)
    return tuple(setters)
