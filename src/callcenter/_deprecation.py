"""Old public names kept importable for one release, with a warning naming the new one.

A package that renamed a public name lists the old name in a mapping and answers
module attribute lookups with :func:`resolve` from its module ``__getattr__``::

    _RENAMED = {"Outcome": Renamed("callcenter.ivr.NodeOutcome", NodeOutcome)}

    def __getattr__(name: str) -> object:
        return resolve(__name__, name, _RENAMED)

Python calls a module's ``__getattr__`` only for names the module does not define,
so the old names stay out of ``__all__`` and out of ``dir()`` (and out of the
documentation, which lists ``__all__``); ``from package import Old`` still works and
warns.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import attrs

__all__ = ["Renamed", "resolve"]


@attrs.frozen(kw_only=False)
class Renamed:
    """An old public name's replacement.

    Attributes:
        new: The dotted public name to use instead (``"callcenter.ivr.NodeOutcome"``).
        target: The object the old name now gives.
        note: Anything more the user must know to move over (appended to the warning).
    """

    new: str
    target: object
    note: str = ""


def resolve(module: str, name: str, renamed: Mapping[str, Renamed]) -> object:
    """The object behind a deprecated name of ``module``, with a :class:`DeprecationWarning`.

    Raises:
        AttributeError: ``name`` is neither defined by the module nor a renamed name
            (the error a missing module attribute always gives).
    """
    entry = renamed.get(name)
    if entry is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    message = (
        f"{module}.{name} is deprecated and will be removed in the next release; use {entry.new}"
    )
    if entry.note:
        message += f" ({entry.note})"
    warnings.warn(message, DeprecationWarning, stacklevel=3)
    return entry.target
