"""The session engine against a naive interpreter, on random flows.

The naive model below knows only what the format reference says about menus,
collects, prompts, attributes, branches and hand-offs, and walks a flow step by step
with plain dicts. The state machine feeds the same keys and silences to the real
engine and to the model and checks that both are in the same node, with the same
retry counts, and end the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from callcenter.errors import IllegalTransitionError
from callcenter.ivr import (
    REPEAT,
    BranchNode,
    CollectNode,
    DigitsPressed,
    EnqueueNode,
    Flow,
    HangUpNode,
    MenuNode,
    Play,
    PromptFinished,
    SayNode,
    Session,
    SessionResult,
    SetAttributesNode,
)
from callcenter.testing import random_flows


class NaiveCall:
    """A slow, obvious reading of the rules, for one caller."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.attributes: dict[str, str] = {}
        self.node = flow.start
        self.steps = 0
        self.no_inputs = self.no_matches = 0
        self.typed = ""
        self.term = ""  # a terminator that would only end the value just entered
        self.result: SessionResult | None = None
        self.enter(flow.start)

    def enter(self, target: str) -> None:
        while True:
            if self.steps >= self.flow.max_steps:
                self.result = SessionResult.ERROR
                return
            self.steps += 1
            self.node, self.typed = target, ""
            self.no_inputs = self.no_matches = 0
            node = self.flow.nodes[target]
            if isinstance(node, SetAttributesNode):
                self.attributes.update(node.values)
                target = node.next
            elif isinstance(node, BranchNode):
                target = node.otherwise
                for rule in node.rules:
                    if all(c.test(self.attributes) for c in rule.when):
                        target = rule.goto
                        break
            elif isinstance(node, EnqueueNode):
                self.result = SessionResult.ENQUEUED
                return
            elif isinstance(node, HangUpNode):
                self.result = SessionResult.COMPLETED
                return
            else:
                return  # say, menu, collect: waits

    def prompt_ended(self) -> None:
        self.term = ""
        node = self.flow.nodes[self.node]
        if isinstance(node, SayNode):
            self.enter(node.next)

    def route(self, kind: str) -> None:
        node = self.flow.nodes[self.node]
        own = getattr(node, f"on_{kind}")
        target = own or getattr(self.flow, f"on_{kind}") or self.flow.on_error
        assert target is not None
        self.enter(target)

    def fail(self, kind: str) -> None:
        node = self.flow.nodes[self.node]
        self.typed = ""
        if kind == "no_input":
            self.no_inputs += 1
            if self.no_inputs >= node.no_input_limit:  # type: ignore[union-attr]
                self.route(kind)
        else:
            self.no_matches += 1
            if self.no_matches >= node.no_match_limit:  # type: ignore[union-attr]
                self.route(kind)

    def finish_value(self, node: CollectNode) -> None:
        if not self.typed:
            self.fail("no_input")
        elif len(self.typed) < node.min_digits:
            self.fail("no_match")
        else:
            self.attributes[node.store] = self.typed
            self.enter(node.next)

    def finish_full_value(self, node: CollectNode) -> None:
        self.finish_value(node)
        self.term = node.terminator or ""

    def key(self, key: str) -> None:
        term, self.term = self.term, ""
        if key == term:
            return
        node = self.flow.nodes[self.node]
        global_target = self.flow.global_keys.get(key)
        if isinstance(node, MenuNode):
            if key in node.options:
                target = node.options[key]
                if target != REPEAT:
                    self.enter(target)
            elif global_target is not None:
                if global_target != REPEAT:
                    self.enter(global_target)
            else:
                self.fail("no_match")
        elif isinstance(node, CollectNode):
            if not self.typed and global_target is not None and key != node.terminator:
                if global_target != REPEAT:
                    self.enter(global_target)
                else:
                    self.typed = ""
            elif key == node.terminator:
                self.finish_value(node)
            elif key not in "0123456789":  # only digits are stored
                self.fail("no_match")
            else:
                self.typed += key
                if len(self.typed) >= node.max_digits:
                    self.finish_full_value(node)
        # keys during a prompt without barge-in are ignored

    def silence(self) -> None:
        self.term = ""
        node = self.flow.nodes[self.node]
        if isinstance(node, CollectNode) and self.typed:
            self.finish_value(node)
        elif isinstance(node, MenuNode | CollectNode):
            self.fail("no_input")


class EngineAgainstModel(RuleBasedStateMachine):
    @initialize(flow=random_flows(max_nodes=6))
    def start(self, flow: Flow) -> None:
        self.flow = flow
        self.now = 0.0
        self.session = Session(flow, session_id="m")
        self.playing = 0
        self.take(self.session.begin(0.0))
        self.model = NaiveCall(flow)
        self.settle()

    def take(self, commands: Sequence[object]) -> None:
        self.playing += sum(isinstance(c, Play) for c in commands)

    def settle(self) -> None:
        """Let every prompt play to its end, in the engine and in the model."""
        while self.playing and not self.session.ended:
            self.now += 1.0
            self.playing -= 1
            self.take(self.session.handle(PromptFinished(), self.now))
            if self.model.result is None:
                self.model.prompt_ended()
        self.playing = 0 if self.session.ended else self.playing

    @precondition(lambda self: not self.session.ended)
    @rule(keys=st.text(alphabet="0123456789*#", min_size=1, max_size=6))
    def press(self, keys: str) -> None:
        self.now += 1.0
        self.playing = 0  # keys stop a barge-in prompt
        self.take(self.session.handle(DigitsPressed(digits=keys), self.now))
        for key in keys:
            if self.model.result is not None:
                break
            if not isinstance(self.flow.nodes[self.model.node], MenuNode | CollectNode):
                break
            self.model.key(key)
        self.settle()

    @precondition(lambda self: not self.session.ended)
    @rule()
    def silence(self) -> None:
        deadline = self.session.next_deadline()
        assert deadline is not None, "a listening node without a timer"
        self.now = max(self.now, deadline)
        self.take(self.session.advance(self.now))
        self.model.silence()
        self.settle()

    @precondition(lambda self: self.session.ended)
    @rule(keys=st.text(alphabet="0123456789*#", min_size=1, max_size=3))
    def press_after_the_end(self, keys: str) -> None:
        before = self.session.to_dict()
        with pytest.raises(IllegalTransitionError):
            self.session.handle(DigitsPressed(digits=keys), self.now + 1.0)
        assert self.session.to_dict() == before

    @invariant()
    def same_call(self) -> None:
        if not hasattr(self, "model"):
            return
        assert self.session.result == self.model.result
        assert self.session.steps == self.model.steps
        if self.session.ended:
            return
        assert self.session.node == self.model.node
        state = self.session.to_dict()
        assert state.get("i", 0) == self.model.no_inputs
        assert state.get("m", 0) == self.model.no_matches
        assert state.get("b", "") == self.model.typed


EngineAgainstModel.TestCase.settings = settings(max_examples=150, stateful_step_count=30)
TestEngineAgainstModel = EngineAgainstModel.TestCase
