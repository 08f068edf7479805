"""Shared machinery for loading user-written definitions through cattrs.

Every package that loads a document (a flow, a scenario, a workflow, a calendar)
builds its own converter with :func:`make_converter` and calls
:func:`structure_definition`. That turns cattrs' nested exception groups into one
:class:`~callcenter.errors.DefinitionError` listing *every* problem with a dotted path
(``nodes.main_menu.options.1``) and, for unknown keys, a did-you-mean hint.

Documents are read by :func:`read_document` (TOML, JSON or YAML by file suffix).
"""

from __future__ import annotations

import datetime
import enum
import importlib
import json
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from .errors import DefinitionError, DocumentError, Problem, did_you_mean

__all__ = [
    "join_path",
    "make_converter",
    "problems_from_exception",
    "read_document",
    "structure_definition",
]

T = TypeVar("T")


def join_path(*parts: object) -> str:
    """Join path parts with dots, skipping empty ones.

    >>> join_path("nodes", "menu", "options", 1)
    'nodes.menu.options.1'
    >>> join_path("", "timezone")
    'timezone'
    """
    return ".".join(str(part) for part in parts if part != "")


def _structure_date(value: object, _: type) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise ValueError(f"expected a date such as 2026-10-01, got a date-time {value!r}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date such as 2026-10-01, got {value!r}")


def _structure_enum(value: object, cl: type[enum.Enum]) -> enum.Enum:
    try:
        return cl(value)
    except ValueError:
        names = [str(member.value) for member in cl]
        raise ValueError(
            f"unknown {cl.__name__.lower()} {value!r}{did_you_mean(str(value), names)}; "
            f"expected one of: {', '.join(names)}"
        ) from None


def make_converter() -> cattrs.Converter:
    """Return a converter set up the way every definition loader in the project wants.

    Unknown keys are refused (they are almost always typos), every field's error is
    collected, dates load from TOML dates or ISO strings, and an unknown enumeration
    value is answered with the accepted values and a did-you-mean hint.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
    return converter


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, TypeError | ValueError) and str(exc):
        return str(exc)
    return f"invalid value ({type(exc).__name__})"


def _extra_key_problems(exc: ForbiddenExtraKeysError, path: str) -> list[Problem]:
    known: list[str] = []
    if attrs.has(exc.cl):
        known = [a.alias or a.name for a in attrs.fields(exc.cl)]
    return [
        Problem(
            path=join_path(path, key),
            message=f"unknown key {key!r}{did_you_mean(key, known)}"
            + (f"; expected one of: {', '.join(sorted(known))}" if known else ""),
        )
        for key in sorted(exc.extra_fields)
    ]


def problems_from_exception(exc: BaseException, path: str = "") -> list[Problem]:
    r"""Flatten an exception raised while structuring into a list of problems with paths.

    Understands cattrs' detailed-validation exception groups, nested
    :class:`~callcenter.errors.DefinitionError`\\ s (their paths are prefixed), and plain
    exceptions (reported at ``path``).
    """
    if isinstance(exc, DefinitionError):
        return [
            Problem(path=join_path(path, p.path), message=p.message, severity=p.severity)
            for p in exc.problems
        ]
    if isinstance(exc, ForbiddenExtraKeysError):
        return _extra_key_problems(exc, path)
    if isinstance(exc, ClassValidationError | IterableValidationError):
        problems: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step = note.name if hasattr(note, "name") else note.index
            problems.extend(problems_from_exception(sub, join_path(path, step)))
        for sub in without:
            problems.extend(problems_from_exception(sub, path))
        return problems
    return [Problem(path=path, message=_describe(exc))]


def structure_definition(
    converter: cattrs.Converter,
    data: object,
    cl: type[T],
    *,
    what: str,
    check: Callable[[T], Iterable[Problem]] | None = None,
) -> T:
    """Structure ``data`` into ``cl``, reporting every problem at once.

    Args:
        converter: A converter from :func:`make_converter` with the package's hooks.
        data: The raw document (dicts, lists, strings, numbers).
        cl: The type to build.
        what: What is being loaded, for the error message (``"flow 'tianjin'"``).
        check: An optional function that inspects the built object and yields
            further problems (cross-references, reachability...). Problems of
            severity ERROR make the load fail.

    Returns:
        The structured object.

    Raises:
        DefinitionError: With every problem found, each with its path.
    """
    if not isinstance(data, Mapping):
        raise DefinitionError(
            [Problem(path="", message=f"expected a table of keys, got {type(data).__name__}")],
            what=what,
        )
    try:
        result = converter.structure(data, cl)
    except (ClassValidationError, IterableValidationError, DefinitionError) as exc:
        raise DefinitionError(problems_from_exception(exc), what=what) from None
    except (KeyError, TypeError, ValueError) as exc:  # a hook that raised outside a group
        raise DefinitionError([Problem(path="", message=_describe(exc))], what=what) from None
    if check is not None:
        problems = list(check(result))
        if any(p.severity.value == "error" for p in problems):
            raise DefinitionError(problems, what=what)
    return result


def _parse_yaml(text: str, path: Path) -> object:
    """Parse YAML with PyYAML's safe loader (an optional extra: ``callcenter[yaml]``)."""
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise DocumentError(
            path=str(path), detail="reading YAML needs PyYAML: pip install 'callcenter[yaml]'"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DocumentError(path=str(path), detail=str(exc)) from None


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML (``.toml``), JSON (``.json``) or YAML (``.yaml``/``.yml``) document.

    YAML needs PyYAML (the ``yaml`` extra); TOML and JSON need nothing.

    Raises:
        DocumentError: The file cannot be read or parsed (the message says where).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        if suffix == ".toml":
            data: object = tomllib.loads(raw.decode("utf-8"))
        elif suffix == ".json":
            data = json.loads(raw.decode("utf-8"))
        elif suffix in (".yaml", ".yml"):
            data = _parse_yaml(raw.decode("utf-8"), path)
        else:
            raise DocumentError(
                path=str(path),
                detail=f"unknown file type {suffix!r}; expected .toml, .json or .yaml",
            )
    except UnicodeDecodeError as exc:
        raise DocumentError(path=str(path), detail=f"not UTF-8 text ({exc.reason})") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(path=str(path), detail=str(exc)) from None
    if not isinstance(data, dict):
        raise DocumentError(
            path=str(path), detail=f"expected a table at the top, got {type(data).__name__}"
        )
    return data
