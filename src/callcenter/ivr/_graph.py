"""Draw a flow: Graphviz DOT and Mermaid text from the same edges the validator uses."""

from __future__ import annotations

import json

from ._flow import Flow
from ._model import REPEAT, EnqueueNode, HangUpNode, Node, RecordNode, TransferNode
from ._routes import edges

__all__ = ["flow_to_dot", "flow_to_mermaid"]


def _label(node: Node) -> str:
    detail = ""
    if isinstance(node, EnqueueNode):
        detail = f"\nqueue {node.queue}"
    elif isinstance(node, TransferNode):
        detail = f"\n{node.to}"
    elif isinstance(node, RecordNode):
        detail = f"\nmailbox {node.mailbox}"
    return f"{node.id}\n({node.KIND}){detail}"


def _edge_label(label: str) -> str:
    for prefix in ("options.", "keys.", "global_keys."):
        if label.startswith(prefix):
            return "key " + label[len(prefix) :]
    return label.replace("on_", "").replace("_", "-")


def _edges(flow: Flow) -> list[tuple[str, str, str]]:
    result: list[tuple[str, str, str]] = []
    for node_id, node in flow.nodes.items():
        seen: set[tuple[str, str]] = set()
        for edge in edges(flow, node):
            label = _edge_label(edge.label)
            if edge.label.startswith("global_keys."):
                continue  # drawn once, from a note, not from every node
            if (edge.target, label) not in seen:
                seen.add((edge.target, label))
                result.append((node_id, edge.target, label))
    return result


def flow_to_dot(flow: Flow) -> str:
    r"""The flow as a Graphviz DOT digraph (``dot -Tsvg`` draws it).

    Hand-offs (enqueue, transfer) are drawn as double octagons, hang-ups as boxes.

    >>> from callcenter.ivr import FlowBuilder
    >>> print(flow_to_dot(FlowBuilder("f", start="bye").hangup("bye").build()))
    digraph "f" {
      rankdir=LR;
      node [shape=ellipse, fontname="sans-serif"];
      "bye" [label="bye\n(hangup)", shape=box];
      start [shape=point];
      start -> "bye";
    }
    """
    lines = [f"digraph {json.dumps(flow.name)} {{", "  rankdir=LR;"]
    lines.append('  node [shape=ellipse, fontname="sans-serif"];')
    for node_id, node in flow.nodes.items():
        shape = ""
        if isinstance(node, EnqueueNode | TransferNode):
            shape = ", shape=doubleoctagon"
        elif isinstance(node, HangUpNode):
            shape = ", shape=box"
        label = json.dumps(_label(node), ensure_ascii=False)
        lines.append(f"  {json.dumps(node_id)} [label={label}{shape}];")
    lines.append("  start [shape=point];")
    lines.append(f"  start -> {json.dumps(flow.start)};")
    for source, target, label in _edges(flow):
        lines.append(f"  {json.dumps(source)} -> {json.dumps(target)} [label={json.dumps(label)}];")
    for key, target in flow.global_keys.items():
        if target != REPEAT:
            lines.append(f"  {json.dumps('global ' + key)} [shape=note];")
            lines.append(f"  {json.dumps('global ' + key)} -> {json.dumps(target)};")
    lines.append("}")
    return "\n".join(lines)


def _mermaid_id(node_id: str) -> str:
    return "n_" + "".join(ch if ch.isalnum() else "_" for ch in node_id)


def flow_to_mermaid(flow: Flow) -> str:
    """The flow as a Mermaid flowchart (renders in Markdown on most code hosts).

    >>> from callcenter.ivr import FlowBuilder
    >>> print(flow_to_mermaid(FlowBuilder("f", start="bye").hangup("bye").build()))
    flowchart LR
      start(( )) --> n_bye
      n_bye["bye (hangup)"]
    """
    lines = ["flowchart LR", f"  start(( )) --> {_mermaid_id(flow.start)}"]
    for node_id, node in flow.nodes.items():
        text = _label(node).replace("\n", " ").replace('"', "'")
        if isinstance(node, EnqueueNode | TransferNode):
            lines.append(f'  {_mermaid_id(node_id)}{{{{"{text}"}}}}')
        else:
            lines.append(f'  {_mermaid_id(node_id)}["{text}"]')
    for source, target, label in _edges(flow):
        text = label.replace('"', "'").replace("|", "/")
        lines.append(f"  {_mermaid_id(source)} -->|{text}| {_mermaid_id(target)}")
    for key, target in flow.global_keys.items():
        if target != REPEAT:
            note = _mermaid_id("global_" + key)
            lines.append(f'  {note}>"global key {key}"] --> {_mermaid_id(target)}')
    return "\n".join(lines)
