"""Sphinx directives that document a definition format from the classes its loader uses.

``.. attrs-fields:: callcenter.routing.QueueDefinition`` renders one table with a row
per field the loader accepts: the key, its type in document words (text, number,
list of ..., one of ``"a"``, ``"b"``), its default (``required`` when it has none)
and its meaning, read from the ``Attributes:`` or ``Args:`` section of the class's
docstring. The table is preceded by the label ``fields-<classname>`` so other tables
can link to it.

Options:

- ``:docs: module.Class``: read the meanings from another class's docstring (for a
  private document class whose public twin carries the documentation).
- ``:exclude: a, b``: fields not to list.

Content lines ``field: words`` replace the generated type of a field, for a key the
loader reads in a special way (a routing definition that may also be a file name);
``field.default: words`` replace its generated default (a default the document
writes another way than the class holds it).

A field without a meaning in the docstring is a build warning (an error under
``sphinx-build -W``), so a field added to a class cannot go undocumented.

``.. enum-values:: callcenter.routing.Strategy`` lists an enumeration's values with
the documentation of each member.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import inspect
import re
import types
import typing
from collections.abc import Mapping, Sequence, Set
from typing import Any

import attrs
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from callcenter.calendars import TimeRange
from callcenter.simulation import Choice
from callcenter.simulation._definitions import _ARRIVAL_KINDS, _KIND_OF, _PATIENCE_KINDS

logger = logging.getLogger(__name__)

SECTION = re.compile(r"^(\s*)(Attributes|Args|Arguments):\s*$")
ENTRY = re.compile(r"^(\w+)(?:\s*\([^)]*\))?:\s*(.*)$")

# Types whose document form is not their attrs shape: the loader has a hook for them.
SPECIAL: dict[Any, str] = {
    TimeRange: 'time range ``"HH:MM-HH:MM"``',
    Choice: ":ref:`table of outcome to probability <fields-choice>`",
    datetime.date: "date (``2026-10-08``)",
    str: "text",
    int: "whole number",
    float: "number",
    bool: "true or false",
    Any: "any value",
}


def import_object(path: str) -> Any:
    """The object at a dotted path such as ``callcenter.routing.QueueDefinition``."""
    module_name, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def label(cls: type) -> str:
    """The label of a class's field table."""
    return f"fields-{cls.__name__.lower()}"


def field_docs(cls: type) -> dict[str, str]:
    """Field name to meaning, from the ``Attributes:``/``Args:`` sections of a docstring."""
    result: dict[str, str] = {}
    section: int | None = None  # indentation of the current section's heading
    entry: int | None = None  # indentation of its entries
    current: str | None = None
    for line in inspect.cleandoc(cls.__doc__ or "").splitlines():
        heading = SECTION.match(line)
        if heading:
            section, entry, current = len(heading[1]), None, None
            continue
        if section is None or not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth <= section:
            section = None
            continue
        if entry is None:
            entry = depth
        found = ENTRY.match(line.strip())
        if depth == entry:
            current = found[1] if found else None
            if found:
                result[found[1]] = found[2].strip()
        elif current is not None:
            result[current] = f"{result[current]} {line.strip()}".strip()
    return result


def _union_members(tp: Any) -> tuple[Any, ...] | None:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return typing.get_args(tp)
    return None


def _model_kinds(members: Sequence[Any]) -> str | None:
    if not members or not all(m in _KIND_OF for m in members):
        return None
    kinds = ", ".join(f':ref:`"{_KIND_OF[m]}" <{label(m)}>`' for m in members)
    what = "arrival model" if set(members) <= set(_ARRIVAL_KINDS.values()) else "model"
    if set(members) == set(_PATIENCE_KINDS.values()):
        what = "patience model"
    elif what == "model":
        what = "duration model"
    return f"{what}: a table with ``kind`` = {kinds}"


def describe_type(tp: Any) -> str:
    """A type in the words of a document (``list of text``, ``one of "a", "b"``)."""
    if tp in SPECIAL:
        return SPECIAL[tp]
    members = _union_members(tp)
    if members is not None:
        present = [m for m in members if m is not type(None)]
        kinds = _model_kinds(present)
        if kinds is not None:
            return kinds
        return " or ".join(describe_type(m) for m in present)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (tuple, list, frozenset, set) or origin in (Sequence, Set):
        return f"list of {describe_type(args[0])}" if args else "list"
    if origin in (dict, Mapping):
        if not args or args[1] is Any:
            return "table"
        return f"table of {describe_type(args[0])} to {describe_type(args[1])}"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(f'``"{member.value}"``' for member in tp)
    if isinstance(tp, type) and attrs.has(tp):
        return f":ref:`{tp.__name__} <{label(tp)}>` table"
    return f"``{getattr(tp, '__name__', tp)}``"


def toml_value(value: Any) -> str:
    """A value written as in a TOML document."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return toml_value(value.value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return repr(value)
    if type(value) in _KIND_OF:
        fields = {"kind": _KIND_OF[type(value)]} | attrs.asdict(value, recurse=False)
        return toml_value({k: v for k, v in fields.items() if v is not None})
    if attrs.has(type(value)):
        changed = {
            f.name: getattr(value, f.name)
            for f in attrs.fields(type(value))
            if f.init and getattr(value, f.name) != _default(f)
        }
        return toml_value(changed)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, Set):
        items: list[Any] = sorted(value, key=lambda v: str(getattr(v, "value", v)))
        return "[" + ", ".join(toml_value(v) for v in items) + "]"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def toml_key(key: Any) -> str:
    """A table key as written in TOML."""
    text = str(key.value if isinstance(key, enum.Enum) else key)
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else f'"{text}"'


def _default(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def describe_default(field: attrs.Attribute[Any]) -> str:
    """``required``, or the default as written in a document."""
    if field.default is attrs.NOTHING:
        return "required"
    value = _default(field)
    text = toml_value(value)
    return text if text == "none" else f"``{text}``"


def field_rows(
    cls: type, docs_from: type | None = None, exclude: Sequence[str] = ()
) -> list[tuple[str, str, str, str]]:
    """Key, type, default and meaning of each field the loader reads into ``cls``.

    A field without a meaning in the docstring has an empty meaning (the directive
    warns about it).
    """
    hints = typing.get_type_hints(cls)
    meanings = field_docs(docs_from or cls)
    rows = []
    for field in attrs.fields(cls):
        if not field.init or field.name in exclude:
            continue
        key = field.alias or field.name
        rows.append(
            (
                key,
                describe_type(hints[field.name]),
                describe_default(field),
                meanings.get(field.name, ""),
            )
        )
    return rows


EMPTY = "\\ "  # an empty table cell in reStructuredText


class AttrsFields(SphinxDirective):
    """Render the field table of one attrs class."""

    required_arguments = 1
    has_content = True
    option_spec: typing.ClassVar[dict[str, Any]] = {
        "docs": lambda text: text.strip(),
        "exclude": lambda text: [part.strip() for part in text.split(",") if part.strip()],
    }

    def run(self) -> list[nodes.Node]:
        cls = import_object(self.arguments[0])
        docs_from = import_object(self.options["docs"]) if "docs" in self.options else None
        overrides: dict[str, str] = {}
        defaults: dict[str, str] = {}
        for line in self.content:
            if line.strip():
                name, _, words = line.partition(":")
                name = name.strip()
                if name.endswith(".default"):
                    defaults[name.removesuffix(".default")] = words.strip()
                else:
                    overrides[name] = words.strip()
        rows = field_rows(cls, docs_from, self.options.get("exclude", ()))
        if not rows:
            words = "No key besides ``kind``." if cls in _KIND_OF else "No keys."
            return parse_rst(self, [f".. _{label(cls)}:", "", words])
        text = [
            f".. _{label(cls)}:",
            "",
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 18 22 16 44",
            "",
            "   * - key",
            "     - type",
            "     - default",
            "     - meaning",
        ]
        for key, kind, default, meaning in rows:
            if not meaning:
                logger.warning(
                    "%s: field %r has no description in the docstring of %s",
                    self.arguments[0],
                    key,
                    (docs_from or cls).__qualname__,
                    location=self.get_location(),
                )
            kind = overrides.pop(key, kind)
            default = defaults.pop(key, default)
            cells = (kind, default, meaning or EMPTY)
            text += [f"   * - ``{key}``", *(f"     - {cell}" for cell in cells)]
        for name in [*overrides, *defaults]:
            logger.warning(
                "%s has no field %r", self.arguments[0], name, location=self.get_location()
            )
        return parse_rst(self, text)


def parse_rst(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """Parse generated reStructuredText in a directive of an rST or a MyST page."""
    source = directive.get_source_info()[0]
    if source.endswith(".md"):  # MyST parses nested content as Markdown
        lines = ["```{eval-rst}", *lines, "```"]
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=source), 0, container)
    return list(container.children)


def enum_docs(cls: type[enum.Enum]) -> dict[str, str]:
    """Member name to its documentation (the string literal after the member)."""
    analyzer = ModuleAnalyzer.for_module(cls.__module__)
    docs = analyzer.find_attr_docs()
    return {
        name: " ".join(line.strip() for line in lines if line.strip())
        for (scope, name), lines in docs.items()
        if scope == cls.__qualname__
    }


class EnumValues(SphinxDirective):
    """Render the values of an enumeration with each member's documentation."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        cls = import_object(self.arguments[0])
        docs = enum_docs(cls)
        text = [".. list-table::", "   :header-rows: 1", "   :widths: 25 75", ""]
        text += ["   * - value", "     - meaning"]
        for member in cls:
            meaning = docs.get(member.name, "")
            if not meaning:
                logger.warning(
                    "%s.%s has no documentation",
                    self.arguments[0],
                    member.name,
                    location=self.get_location(),
                )
            text += [f'   * - ``"{member.value}"``', f"     - {meaning or EMPTY}"]
        return parse_rst(self, text)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the directives."""
    app.add_directive("attrs-fields", AttrsFields)
    app.add_directive("enum-values", EnumValues)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
