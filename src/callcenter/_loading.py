"""Shared machinery for loading user-written definitions through cattrs.

Every package that loads a document (a flow, a scenario, a workflow, a calendar)
builds its own converter with :func:`make_converter` and calls
:func:`structure_definition`. That turns cattrs' nested exception groups into one
:class:`~callcenter.errors.DefinitionError` listing *every* problem with a dotted path
(``nodes.main_menu.options.1``) and, for unknown keys, a did-you-mean hint.

Documents are read by :func:`read_document` (TOML, JSON or YAML by file suffix).

What a loader accepts, whatever the format:

* the whole document is a table (a list or a text at the root is refused at the root);
* at most :data:`MAX_DOCUMENT_BYTES` bytes and :data:`MAX_DEPTH` levels of nesting;
* no key twice in a table (TOML refuses it itself; JSON and YAML are checked here,
  and the problem names the table's path);
* no YAML aliases (``*name``): a definition is written out, so an "alias bomb" of a
  kilobyte cannot expand into gigabytes;
* a value of the type its field has: text only from text (a list, a table, a number
  or ``null`` is never turned into text), numbers only from numbers (not from text,
  not from ``true``/``false``, not an integer too large to be a float),
  ``true``/``false`` only from booleans. NaN and infinities are numbers here: what
  a number *means* (finite, its sign, its range) is checked by the class that holds
  it (:mod:`callcenter._checks`).
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

from .errors import DefinitionError, DocumentError, Problem, _short_repr, did_you_mean

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "join_path",
    "make_converter",
    "problems_from_exception",
    "read_document",
    "read_text",
    "require_table",
    "short_text",
    "structure_definition",
    "structure_float",
]

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""The largest file :func:`read_document` and :func:`read_text` read (16 MiB).

Far above any definition or day of records a person writes; it keeps a device such as
``/dev/zero`` (or a link to one) from filling the memory."""

MAX_DEPTH = 64
"""The deepest nesting of tables and lists a document may have.

A definition nests a few levels; refusing deeper documents up front keeps every
loader, checker and message away from Python's recursion limit."""

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
        raise ValueError(f"expected a date such as 2026-10-01, got a date-time {value}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date such as 2026-10-01, got {_got(value)}")


def _structure_enum(value: object, cl: type[enum.Enum]) -> enum.Enum:
    names = [str(member.value) for member in cl]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected one of: {', '.join(names)}; got {_got(value)}")
    try:
        return cl(value)
    except ValueError:
        hint = did_you_mean(value, names) if isinstance(value, str) and len(value) < 100 else ""
        raise ValueError(
            f"unknown {cl.__name__.lower()} {_short_repr(value)}{hint}; "
            f"expected one of: {', '.join(names)}"
        ) from None


def _got(value: object) -> str:
    """What came, for a message: its kind and a bounded repr."""
    kinds = {dict: "a table", list: "a list", type(None): "null", bool: "a boolean"}
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return _short_repr(value)
    kind = kinds.get(type(value))
    if kind is None:
        kind = "text" if isinstance(value, str) else type(value).__name__
    return f"{kind} {_short_repr(value)}" if value is not None else "null"


def short_text(value: object) -> str:
    """A value for a message: its kind and a bounded repr (``text 'abc'``, ``a list [1]``)."""
    return _got(value)


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"expected text, got {_got(value)}")


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {_got(value)}")


def structure_float(value: object, _: object = float) -> float:
    """The converters' hook for ``float``: a number, never text or a boolean.

    NaN and infinities pass (the class that holds the number says what it accepts,
    through :mod:`callcenter._checks`); an integer too large to be a float does not.

    Raises:
        ValueError: With what was expected and what came.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_got(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"expected a number of a sensible size, got {_got(value)}") from None


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"expected a whole number, got {_got(value)}")


def make_converter() -> cattrs.Converter:
    """Return a converter set up the way every definition loader in the project wants.

    Unknown keys are refused (they are almost always typos), every field's error is
    collected, dates load from TOML dates or ISO strings, and an unknown enumeration
    value is answered with the accepted values and a did-you-mean hint. Text,
    numbers and booleans are strict (see the module's documentation): nothing is
    turned into a type it is not.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(float, structure_float)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
    return converter


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, OverflowError):
        return "expected a number of a sensible size, got one too large to use"
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


def _too_deep(data: object, limit: int) -> str | None:
    """The path of the first value nested deeper than ``limit`` levels, or ``None``."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    seen: set[int] = set()
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth >= limit:
                return path
            if id(value) in seen:
                continue  # a shared (or, from code, recursive) value: looked at once
            seen.add(id(value))
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            stack.extend((item, join_path(path, key), depth + 1) for key, item in items)
    return None


def require_table(data: object, *, what: str) -> Mapping[str, Any]:
    """Check that a whole document is a table, not nested too deep; return it.

    Every loader calls this first, so a list or a text as the document is refused at
    its root whatever the loader does next.

    Raises:
        DefinitionError: The document is not a table, or nests deeper than
            :data:`MAX_DEPTH` levels.
    """
    if not isinstance(data, Mapping):
        raise DefinitionError(
            [Problem(path="", message=f"expected a table of keys, got {_got(data)}")],
            what=what,
        )
    deep = _too_deep(data, MAX_DEPTH)
    if deep is not None:
        raise DefinitionError(
            [
                Problem(
                    path=".".join(deep.split(".")[:8]) + ("..." if deep.count(".") >= 8 else ""),
                    message=f"nested deeper than {MAX_DEPTH} levels; no definition needs that",
                )
            ],
            what=what,
        )
    return data


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
    require_table(data, what=what)
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


class _Duplicates:
    """Collects keys given twice in one table while a JSON or YAML document is parsed."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []  # (id of the table, key)

    def moved(self, old: dict[Any, Any], new: dict[Any, Any]) -> None:
        """The table ``old`` was copied into ``new`` (how PyYAML builds a mapping)."""
        self.found = [(id(new) if t == id(old) else t, k) for t, k in self.found]

    def pairs(self, pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
        table: dict[Any, Any] = {}
        for key, value in pairs:
            if key in table:
                self.found.append((id(table), str(key)))
            table[key] = value
        return table

    def problems(self, data: object, path: Path) -> None:
        """Raise a :class:`DocumentError` naming every duplicated key with its path."""
        if not self.found:
            return
        paths: dict[int, str] = {}
        stack: list[tuple[object, str]] = [(data, "")]
        while stack:
            value, where = stack.pop()
            if isinstance(value, dict):
                paths.setdefault(id(value), where)
                stack.extend((v, join_path(where, k)) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((v, join_path(where, i)) for i, v in enumerate(value))
        named = [
            f"{_short_repr(key)} in {paths.get(table) or 'the top-level table'}"
            for table, key in self.found[:10]
        ]
        raise DocumentError(path=str(path), detail="a key is given twice: " + "; ".join(named))


def _yaml_loader(yaml: Any, duplicates: _Duplicates) -> Any:
    """PyYAML's safe loader without aliases, noting duplicated keys."""

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"found an alias (*{event.anchor}): aliases are not allowed in "
                    "definition files; write the value out",
                    event.start_mark,
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            pairs = []
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)
                for key_node, value_node in node.value:
                    key = self.construct_object(key_node, deep=deep)
                    if isinstance(key, int) and not isinstance(key, bool):
                        key = str(key)  # keys are text, as in TOML and JSON (`1: track`)
                    pairs.append((key, self.construct_object(value_node, deep=deep)))
                for key, _ in pairs:
                    try:
                        hash(key)
                    except TypeError:
                        raise yaml.constructor.ConstructorError(
                            None, None, "a key that is a table or a list", node.start_mark
                        ) from None
                return duplicates.pairs(pairs)
            return super().construct_mapping(node, deep=deep)

        def construct_map(self, node: Any) -> Any:
            data: dict[Any, Any] = {}
            yield data
            value = self.construct_mapping(node)
            data.update(value)
            duplicates.moved(value, data)

    Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_map)
    return Loader


def _parse_yaml(text: str, path: Path, duplicates: _Duplicates) -> object:
    """Parse YAML with PyYAML's safe loader (an optional extra: ``callcenter[yaml]``)."""
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise DocumentError(
            path=str(path), detail="reading YAML needs PyYAML: pip install 'callcenter[yaml]'"
        ) from None
    try:
        return yaml.load(text, Loader=_yaml_loader(yaml, duplicates))  # a SafeLoader
    except yaml.YAMLError as exc:
        raise DocumentError(path=str(path), detail=str(exc)) from None


def read_text(path: str | Path, *, limit: int = MAX_DOCUMENT_BYTES) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes (the command line's edge).

    Raises:
        DocumentError: The file cannot be read (missing, a directory, no permission,
            a name no file system takes, such as one with a NUL character), is larger
            than ``limit`` (or endless, such as ``/dev/zero``), or is not UTF-8 text.
            The message names the file.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise DocumentError(path=str(path), detail=exc.strerror or str(exc)) from None
    except ValueError:  # a NUL character, or text the file system cannot encode
        raise DocumentError(
            path=_short_repr(str(path)), detail="not a name a file can have"
        ) from None
    if len(raw) > limit:
        raise DocumentError(
            path=str(path), detail=f"larger than {limit:,} bytes; is it the right file?"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(path=str(path), detail=f"not UTF-8 text ({exc.reason})") from None


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML (``.toml``), JSON (``.json``) or YAML (``.yaml``/``.yml``) document.

    YAML needs PyYAML (the ``yaml`` extra); TOML and JSON need nothing. The limits and
    refusals of the module's documentation apply: size, nesting, duplicated keys,
    YAML aliases, a document that is not a table.

    Raises:
        DocumentError: The file cannot be read or parsed (the message says where).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", ".yaml", ".yml"):
        raise DocumentError(
            path=str(path),
            detail=f"unknown file type {suffix!r}; expected .toml, .json or .yaml",
        )
    text = read_text(path)
    duplicates = _Duplicates()
    try:
        if suffix == ".toml":
            data: object = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text, object_pairs_hook=duplicates.pairs)
        else:
            data = _parse_yaml(text, path, duplicates)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(path=str(path), detail=str(exc)) from None
    except RecursionError:
        raise DocumentError(
            path=str(path), detail=f"nested deeper than {MAX_DEPTH} levels"
        ) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise DocumentError(path=str(path), detail=f"a value cannot be read: {exc}") from None
    duplicates.problems(data, path)
    if not isinstance(data, dict):
        raise DocumentError(path=str(path), detail=f"expected a table at the top, got {_got(data)}")
    if _too_deep(data, MAX_DEPTH) is not None:
        raise DocumentError(path=str(path), detail=f"nested deeper than {MAX_DEPTH} levels")
    return data
