"""Building the commands that play prompts and listen for keys.

A mixin of the session engine: prompts without placeholders and the ``Listen`` of
each node are built once per flow and reused from its cache.
"""

from __future__ import annotations

import re

from ._caches import InputNode, choices
from ._events import Command, Listen, Play
from ._flow import Flow
from ._model import CollectNode

__all__ = ["PLACEHOLDER"]

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
"""A ``{attribute}`` placeholder in a text."""


class _Prompts:
    """Plays and listens; the state it reads is declared and stored by the engine."""

    __slots__ = ("_playing",)

    _attrs: dict[str, str]
    _flow: Flow
    _lang: str
    _node: str
    _playing: int
    """Prompts returned and not yet reported finished."""

    def _render(self, text: str) -> str:
        if "{" not in text:
            return text
        attrs = self._attrs
        return PLACEHOLDER.sub(lambda m: attrs.get(m[1], ""), text)

    def _play(self, prompt: str, barge_in: bool, out: list[Command], value: str = "") -> None:
        flow = self._flow
        cache_key = (prompt, self._lang, self._node, barge_in)
        cached = flow._cache.get(cache_key)
        if isinstance(cached, Play):
            out.append(cached)
            self._playing += 1
            return
        lang, variant = flow.variant(prompt, self._lang)
        text = variant.text
        dynamic = text is not None and "{" in text
        if text is not None and dynamic:
            text = PLACEHOLDER.sub(
                lambda m: value if m[1] == "value" else self._attrs.get(m[1], ""), text
            )
        command = Play(
            node=self._node,
            prompt=prompt,
            language=lang,
            text=text,
            audio=variant.audio,
            seconds=variant.duration,
            barge_in=barge_in,
        )
        if not dynamic:
            flow._cache[cache_key] = command
        out.append(command)
        self._playing += 1

    def _listen(self, node: InputNode, out: list[Command], confirm: bool = False) -> None:
        cache_key = ("listen", node.id, confirm)
        cached = self._flow._cache.get(cache_key)
        if not isinstance(cached, Listen):
            if isinstance(node, CollectNode) and not confirm:
                cached = Listen(
                    node=node.id,
                    max_digits=node.max_digits,
                    terminator=node.terminator,
                    timeout=node.timeout,
                    inter_digit_timeout=node.inter_digit_timeout,
                )
            else:
                longest = 1
                if not isinstance(node, CollectNode):
                    longest = max(len(k) for k in choices(self._flow, node)[0])
                cached = Listen(
                    node=node.id,
                    max_digits=longest,
                    terminator=None,
                    timeout=node.timeout,
                    inter_digit_timeout=getattr(node, "inter_digit_timeout", 2.0),
                )
            self._flow._cache[cache_key] = cached
        out.append(cached)
