"""The IVR per node: how many callers entered each node, hung up there, or left the IVR there.

Read from the ``ivr_path`` of contact records: every node a contact entered, in order.
The last node of a path is where the contact left the IVR -- for a queue, or ending
in the IVR (self-service, a message while closed, a hang-up...). So for every node::

    entries >= hang_ups + to_queue + ended_here

and the rest of the entries went on to another node.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._records import ContactRecord, Outcome

__all__ = ["IvrNodeStats", "format_ivr_nodes", "ivr_node_report"]


@attrs.frozen(kw_only=True)
class IvrNodeStats:
    """What callers did at one IVR node.

    Attributes:
        node: The node's id.
        entries: Times a contact entered the node (a caller who hears a menu twice
            counts twice).
        contacts: Contacts that entered it at least once.
        hang_ups: Contacts whose caller hung up in the IVR at this node
            (``abandoned_in_ivr``, its last node).
        to_queue: Contacts that left the IVR for a queue from this node.
        ended_here: Contacts that ended in the IVR at this node any other way
            (self-service, out of hours, blocked, a message left...).
    """

    node: str
    entries: int
    contacts: int
    hang_ups: int
    to_queue: int
    ended_here: int

    @property
    def went_on(self) -> int:
        """Entries that went on to another node."""
        return self.entries - self.hang_ups - self.to_queue - self.ended_here


def ivr_node_report(records: Iterable[ContactRecord]) -> list[IvrNodeStats]:
    """Entries, hang-ups and exits per IVR node, from the records' ``ivr_path``.

    Returns:
        One :class:`IvrNodeStats` per node any record entered, most entered first
        (ties by node id).

    Complexity: O(total path length).
    """
    entries: dict[str, int] = {}
    contacts: dict[str, int] = {}
    hang_ups: dict[str, int] = {}
    to_queue: dict[str, int] = {}
    ended: dict[str, int] = {}
    for record in records:
        path = record.ivr_path
        if not path:
            continue
        for node in path:
            entries[node] = entries.get(node, 0) + 1
        for node in set(path):
            contacts[node] = contacts.get(node, 0) + 1
        last = path[-1]
        if record.queues or record.queued_at is not None:
            to_queue[last] = to_queue.get(last, 0) + 1
        elif record.outcome is Outcome.ABANDONED_IN_IVR:
            hang_ups[last] = hang_ups.get(last, 0) + 1
        else:
            ended[last] = ended.get(last, 0) + 1
    order = sorted(entries, key=lambda node: (-entries[node], node))
    return [
        IvrNodeStats(
            node=node,
            entries=entries[node],
            contacts=contacts[node],
            hang_ups=hang_ups.get(node, 0),
            to_queue=to_queue.get(node, 0),
            ended_here=ended.get(node, 0),
        )
        for node in order
    ]


def format_ivr_nodes(stats: Iterable[IvrNodeStats], *, title: str = "") -> str:
    """A text table of :func:`ivr_node_report`: one line per node."""
    headers = ("node", "entries", "contacts", "hang_ups", "to_queue", "ended_here", "went_on")
    rows = [
        (
            s.node,
            *(str(n) for n in (s.entries, s.contacts, s.hang_ups, s.to_queue)),
            *(str(n) for n in (s.ended_here, s.went_on)),
        )
        for s in stats
    ]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    lines = [title] if title else []
    lines += [line(headers), line(tuple("-" * w for w in widths))]
    lines += [line(r) for r in rows] or ["(no IVR)"]
    return "\n".join(lines) + "\n"
