"""Building the commands that play prompts and listen for keys.

Prompts without placeholders and the ``Listen`` of each node are built once per
flow and reused from its cache.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._caches import InputNode, choices
from ._events import Listen, Play
from ._flow import Flow
from ._model import CollectNode

__all__ = ["PLACEHOLDER", "listen_command", "play_command", "render"]

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
"""A ``{attribute}`` placeholder in a text."""


def render(text: str, attrs: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its attribute (empty if unset)."""
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: attrs.get(m[1], ""), text)


def play_command(
    flow: Flow,
    prompt: str,
    language: str,
    node: str,
    barge_in: bool,
    attrs: Mapping[str, str],
    value: str = "",
) -> Play:
    """The :class:`Play` of ``prompt`` at ``node`` (``{value}`` is ``value``)."""
    cache_key = (prompt, language, node, barge_in)
    cached = flow._cache.get(cache_key)
    if isinstance(cached, Play):
        return cached
    lang, variant = flow.variant(prompt, language)
    text = variant.text
    dynamic = text is not None and "{" in text
    if text is not None and dynamic:
        text = PLACEHOLDER.sub(lambda m: value if m[1] == "value" else attrs.get(m[1], ""), text)
    command = Play(
        node=node,
        prompt=prompt,
        language=lang,
        text=text,
        audio=variant.audio,
        seconds=variant.duration,
        barge_in=barge_in,
    )
    if not dynamic:
        flow._cache[cache_key] = command
    return command


def listen_command(flow: Flow, node: InputNode, confirm: bool = False) -> Listen:
    """The :class:`Listen` of an input node (of its confirmation with ``confirm``)."""
    cache_key = ("listen", node.id, confirm)
    cached = flow._cache.get(cache_key)
    if isinstance(cached, Listen):
        return cached
    if isinstance(node, CollectNode) and not confirm:
        command = Listen(
            node=node.id,
            max_digits=node.max_digits,
            terminator=node.terminator,
            timeout=node.timeout,
            inter_digit_timeout=node.inter_digit_timeout,
        )
    else:
        longest = 1
        if not isinstance(node, CollectNode):
            longest = max(len(k) for k in choices(flow, node)[0])
        command = Listen(
            node=node.id,
            max_digits=longest,
            terminator=None,
            timeout=node.timeout,
            inter_digit_timeout=getattr(node, "inter_digit_timeout", 2.0),
        )
    flow._cache[cache_key] = command
    return command
