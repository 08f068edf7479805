"""Flows as documents: TOML or JSON in, the same :class:`Flow` out, and back.

A flow document is a table with the :class:`Flow` fields; ``nodes`` maps node ids to
tables with a ``kind`` (``say``, ``menu``, ``collect``...) and that kind's fields;
``prompts`` maps prompt ids to a table of languages, each a text (spoken by TTS) or a
table ``{ text, audio, seconds }``; ``calendars`` maps names to calendar documents
(see :meth:`callcenter.calendars.BusinessCalendar.from_dict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from .. import _loading
from .._checks import LARGEST, number_problem, short_repr
from ..calendars import BusinessCalendar
from ..errors import DefinitionError, Hints, Problem, did_you_mean
from ._flow import MAX_STEPS, Flow
from ._model import NODE_KINDS, Node, Variant

__all__ = ["flow_from_dict", "flow_to_dict", "load_flow"]


def _structure_variant(value: object, _: object) -> Variant:
    if isinstance(value, str):
        return Variant(text=value)
    if isinstance(value, Mapping):
        return _VARIANT_STRUCTURE(value, Variant)
    raise ValueError(f"expected a text or a table {{ text, audio, seconds }}, got {value!r}")


def _structure_calendar(value: object, _: object) -> BusinessCalendar:
    if isinstance(value, BusinessCalendar):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a calendar table (timezone, weekly...), got {value!r}")
    return BusinessCalendar.from_dict(value)


def _structure_nodes(value: object, _: object) -> dict[str, Node]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table from node ids to nodes, got {type(value).__name__}")
    problems: list[Problem] = []
    nodes: dict[str, Node] = {}
    kinds = sorted(NODE_KINDS)
    for node_id, body in value.items():
        if not isinstance(body, Mapping):
            problems.append(Problem(path=str(node_id), message="expected a table with a kind"))
            continue
        kind = body.get("kind")
        if kind is None:
            problems.append(
                Problem(
                    path=f"{node_id}.kind",
                    message=f"required field missing; expected one of: {', '.join(kinds)}",
                )
            )
            continue
        cls = NODE_KINDS.get(str(kind))
        if cls is None:
            problems.append(
                Problem(
                    path=f"{node_id}.kind",
                    message=f"unknown node kind {kind!r}{did_you_mean(str(kind), kinds)}; "
                    f"expected one of: {', '.join(kinds)}",
                )
            )
            continue
        fields = {k: v for k, v in body.items() if k != "kind"}
        fields["id"] = str(node_id)
        try:
            nodes[str(node_id)] = CONVERTER.structure(fields, cls)
        except Exception as exc:
            problems.extend(_loading.problems_from_exception(exc, str(node_id)))
    if problems:
        raise DefinitionError(problems)
    return nodes


def _strict(converter: cattrs.Converter) -> cattrs.Converter:
    """Take text, whole numbers, numbers and true/false only as they are written.

    Without this, ``"no"`` would load as true, ``1.5`` as the whole number 1 and a
    list as its repr text.
    """

    def text(value: object, _: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a text, got {type(value).__name__} {short_repr(value)}")
        return value

    def whole(value: object, _: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"expected a whole number, got {type(value).__name__} {short_repr(value)}"
            )
        return value

    def number(value: object, _: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {type(value).__name__} {short_repr(value)}")
        if isinstance(value, int) and abs(value) > LARGEST:
            raise ValueError(
                f"expected a number of at most {LARGEST:g} in size, got {short_repr(value)}"
            )
        return float(value)

    def flag(value: object, _: object) -> bool:
        if not isinstance(value, bool):
            raise ValueError(
                f"expected true or false, got {type(value).__name__} {short_repr(value)}"
            )
        return value

    converter.register_structure_hook(str, text)
    converter.register_structure_hook(int, whole)
    converter.register_structure_hook(float, number)
    converter.register_structure_hook(bool, flag)
    return converter


def _make_converter() -> cattrs.Converter:
    converter = _strict(_loading.make_converter())
    converter.register_structure_hook(Variant, _structure_variant)
    converter.register_structure_hook(BusinessCalendar, _structure_calendar)
    nodes_type = dict[str, Node]
    converter.register_structure_hook_func(lambda t: t == nodes_type, _structure_nodes)
    converter.register_unstructure_hook(BusinessCalendar, lambda cal: cal.to_dict())
    return converter


_VARIANT_CONVERTER = _strict(_loading.make_converter())
_VARIANT_STRUCTURE = _VARIANT_CONVERTER.structure
CONVERTER = _make_converter()


def flow_from_dict(
    data: Mapping[str, Any],
    *,
    calendars: Mapping[str, BusinessCalendar] | None = None,
    what: str = "flow",
) -> Flow:
    """Build a :class:`Flow` from a document (parsed TOML or JSON).

    Args:
        data: The document.
        calendars: Named calendars that ``hours`` nodes may use besides those the
            document embeds under ``calendars`` (an embedded one wins).
        what: How to name the document in error messages.

    Returns:
        The flow, reference-checked.

    Raises:
        DefinitionError: Every problem found, each with its path and, for a
            misspelt key or name, a did-you-mean.

    >>> flow = flow_from_dict({
    ...     "name": "tiny", "start": "bye",
    ...     "nodes": {"bye": {"kind": "hangup"}},
    ... })
    >>> flow.nodes["bye"]
    HangUpNode(id='bye')
    >>> flow_from_dict({"name": "tiny", "start": "by", "nodes": {"bye": {"kind": "hangup"}}})
    Traceback (most recent call last):
    ...
    callcenter.errors.DefinitionError: invalid flow: 1 problem
      start: unknown node 'by' (did you mean 'bye'?)
    """
    _loading.require_table(data, what=what)
    if calendars and isinstance(data, Mapping):
        merged: dict[str, Any] = dict(calendars)
        embedded = data.get("calendars")
        if isinstance(embedded, Mapping):
            merged.update(embedded)
        data = {**data, "calendars": merged}
    try:
        return _loading.structure_definition(CONVERTER, data, Flow, what=what)
    except DefinitionError as error:
        # Structural problems stop the build before the flow can check its references;
        # check them on the raw document too, so that one pass reports everything.
        known = {(p.path, p.message) for p in error.problems}
        extra = [p for p in _raw_reference_problems(data) if (p.path, p.message) not in known]
        if not extra:
            raise
        raise DefinitionError([*error.problems, *extra], what=error.what) from None


_TARGET_FIELDS = (
    "next",
    "otherwise",
    "open",
    "closed",
    "holiday",
    "not_found",
    "declined",
    "on_no_input",
    "on_no_match",
    "on_failure",
    "target",
)
_PROMPT_FIELDS = ("prompt", "short_prompt", "no_input_prompt", "no_match_prompt", "confirm_prompt")


def _raw_reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Unknown node and prompt names (and a bad step guard) in a document that did not structure."""
    nodes = data.get("nodes")
    if not isinstance(nodes, Mapping):
        return []
    ids = [str(k) for k in nodes]
    prompts = data.get("prompts")
    prompt_list = [str(k) for k in prompts] if isinstance(prompts, Mapping) else []
    prompt_ids = set(prompt_list) if isinstance(prompts, Mapping) else None
    problems: list[Problem] = []
    hint = Hints()  # linear in the document, however many names are unknown
    if "max_steps" in data:
        message = number_problem(data["max_steps"], minimum=1, maximum=MAX_STEPS, integer=True)
        if message is not None:
            problems.append(Problem(path="max_steps", message=message))

    def node_ref(path: str, value: object) -> None:
        if isinstance(value, str) and value not in nodes and value != "@repeat":
            problems.append(Problem(path=path, message=f"unknown node {value!r}{hint(value, ids)}"))

    for name in ("start", "on_no_input", "on_no_match", "on_error", "on_blocked", "on_hangup"):
        node_ref(name, data.get(name))
    keys = data.get("global_keys")
    if isinstance(keys, Mapping):
        for key, value in keys.items():
            node_ref(f"global_keys.{key}", value)
    for node_id, body in nodes.items():
        if not isinstance(body, Mapping):
            continue
        base = f"nodes.{node_id}"
        for name in _TARGET_FIELDS:
            node_ref(f"{base}.{name}", body.get(name))
        for table in ("options", "keys"):
            entries = body.get(table)
            if isinstance(entries, Mapping):
                for key, value in entries.items():
                    node_ref(f"{base}.{table}.{key}", value)
        rules = body.get("rules")
        if isinstance(rules, list):
            for index, rule in enumerate(rules):
                if isinstance(rule, Mapping):
                    node_ref(f"{base}.rules.{index}.goto", rule.get("goto"))
        for name in _PROMPT_FIELDS:
            value = body.get(name)
            if prompt_ids is not None and isinstance(value, str) and value not in prompt_ids:
                problems.append(
                    Problem(
                        path=f"{base}.{name}",
                        message=f"unknown prompt {value!r}{hint(value, prompt_list)}",
                    )
                )
    return problems


def load_flow(path: str | Path, *, calendars: Mapping[str, BusinessCalendar] | None = None) -> Flow:
    """Read a flow from a ``.toml``, ``.json`` or (with PyYAML installed) ``.yaml`` file.

    Raises:
        DocumentError: The file cannot be read or parsed.
        DefinitionError: The document is not a valid flow (every problem at once).
    """
    data = _loading.read_document(path)
    return flow_from_dict(data, calendars=calendars, what=f"flow {path}")


def _compact(instance: Any) -> dict[str, Any]:
    """Unstructure an attrs instance, leaving out fields equal to their defaults."""
    result: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        if not field.init:
            continue
        value = getattr(instance, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if default is not attrs.NOTHING and value == default:
            continue
        result[field.name] = CONVERTER.unstructure(value)
    return result


def flow_to_dict(flow: Flow) -> dict[str, Any]:
    """The flow as a document that :func:`flow_from_dict` reads back to an equal flow.

    Fields at their defaults are left out. Calendars are written out in full.
    """
    document = _compact(flow)
    prompts: dict[str, dict[str, Any]] = {}
    for prompt_id, variants in flow.prompts.items():
        prompts[prompt_id] = {}
        for lang, variant in variants.items():
            if variant.audio is None and variant.seconds is None:
                prompts[prompt_id][lang] = variant.text
            else:
                prompts[prompt_id][lang] = _compact(variant)
    if prompts:
        document["prompts"] = prompts
    nodes: dict[str, Any] = {}
    for node_id, node in flow.nodes.items():
        body = _compact(node)
        del body["id"]
        if "rules" in body:
            body["rules"] = [
                {
                    "when": [_compact(c) for c in rule.when],
                    "goto": rule.goto,
                }
                for rule in node.rules  # type: ignore[union-attr]
            ]
        nodes[node_id] = {"kind": node.KIND, **body}
    document["nodes"] = nodes
    return document
