"""The adapter conformance kit: the identity adapter and a JSON wire pass, broken ones fail.

Each broken adapter below makes one mistake a real adapter could make; the kit must
name the script and the step where it shows, and say what differed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from callcenter.errors import CallCenterError
from callcenter.hotline import (
    AgentReady,
    CallArrived,
    CallCommand,
    ContactFinished,
    Hotline,
    HotlineDefinition,
    HotlineInput,
    HotlineOutput,
    RingAgent,
    StopRinging,
    input_from_dict,
    input_to_dict,
    load_hotline,
)
from callcenter.ivr import Play
from callcenter.testing import (
    DirectTelephony,
    Drivable,
    Script,
    Step,
    check_script,
    expect,
    run_conformance,
    tianjin_hotline,
    tianjin_scripts,
)

SCRIPTS = {script.name: script for script in tianjin_scripts()}


def test_the_scripts_cover_the_seven_calls() -> None:
    assert set(SCRIPTS) == {
        "waybill-self-service",
        "vip-dedicated-agent-with-fallback",
        "complaint-opens-ticket",
        "caller-hangs-up-while-queued",
        "agent-misses-the-ring",
        "night-voicemail",
        "blocked-caller",
    }
    for script in SCRIPTS.values():
        times = [step.at for step in script.steps]
        assert times == sorted(times), script.name
        assert any(step.expect for step in script.steps), script.name


def test_the_identity_adapter_passes_every_script() -> None:
    report = run_conformance(DirectTelephony)
    assert report.ok, str(report)
    assert [result.script for result in report.results] == list(SCRIPTS)
    assert all(result.steps == len(SCRIPTS[result.script].steps) for result in report.results)


class JsonWire:
    """A harness whose wire is JSON text: inputs go over it as tagged data."""

    def __init__(self, hotline: Drivable) -> None:
        self.hotline = hotline

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        text = json.dumps({"at": now, "input": input_to_dict(item)})
        message = json.loads(text)
        try:
            return self.hotline.handle(input_from_dict(message["input"]), message["at"])
        except CallCenterError:
            return []  # the wire would carry an error reply

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        return self.hotline.advance(now)

    def next_deadline(self) -> float | None:
        return self.hotline.next_deadline()


def test_an_adapter_whose_inputs_cross_a_json_wire_passes() -> None:
    report = run_conformance(JsonWire)
    assert report.ok, str(report)


class DropsStopRinging(DirectTelephony):
    """Its wire has no way to cancel an agent's leg."""

    def advance(self, now: float) -> Sequence[HotlineOutput]:
        return [o for o in super().advance(now) if type(o) is not StopRinging]


class RingsTheAgentId(DirectTelephony):
    """Rings the agent's id instead of the endpoint's extension."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        return [
            attrs.evolve(o, endpoint=o.agent_id) if type(o) is RingAgent else o
            for o in super().handle(item, now)
        ]


class ForgetsTheTimer(DirectTelephony):
    """Never schedules the hotline's next deadline."""

    def next_deadline(self) -> float | None:
        return None


class LosesTheCallerNumber(DirectTelephony):
    """Presents every caller as withheld: VIP and blocked callers go unrecognised."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        if type(item) is CallArrived:
            item = attrs.evolve(item, caller="")
        return super().handle(item, now)


class CrashesOnRecords(DirectTelephony):
    """Raises when the hotline hands it a contact record."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        outputs = super().handle(item, now)
        if any(type(o) is ContactFinished for o in outputs):
            raise KeyError("record")
        return outputs


def failures(adapter: Any) -> dict[str, list[tuple[int, str]]]:
    report = run_conformance(adapter)
    assert not report.ok
    found: dict[str, list[tuple[int, str]]] = {}
    for difference in report.differences:
        found.setdefault(difference.script, []).append((difference.step, difference.message))
    return found


def test_a_lost_stop_ringing_is_caught_at_the_ring_timeout() -> None:
    found = failures(DropsStopRinging)
    assert set(found) == {"agent-misses-the-ring"}
    step, message = found["agent-misses-the-ring"][0]
    assert SCRIPTS["agent-misses-the-ring"].steps[step].input is None  # the timer's step
    assert "lost" in message
    assert "StopRinging" in message


def test_a_wrong_endpoint_is_caught_at_every_ring() -> None:
    found = failures(RingsTheAgentId)
    assert "complaint-opens-ticket" in found
    step, message = found["complaint-opens-ticket"][0]
    assert SCRIPTS["complaint-opens-ticket"].steps[step].note.startswith("presses 3")
    assert "endpoint='business-1'" in message
    assert "endpoint='8101'" in message


def test_a_forgotten_timer_is_caught() -> None:
    found = failures(ForgetsTheTimer)
    assert "waybill-self-service" in found
    assert any("next deadline" in message for _, message in found["waybill-self-service"])


def test_a_lost_caller_number_is_caught_by_the_vip_and_the_blocked_calls() -> None:
    found = failures(LosesTheCallerNumber)
    assert {"vip-dedicated-agent-with-fallback", "blocked-caller"} <= set(found)
    messages = [message for _, message in found["blocked-caller"]]
    assert any("RejectCall" in message for message in messages)


def test_an_adapter_that_raises_ends_its_script_with_the_error() -> None:
    report = run_conformance(CrashesOnRecords)
    result = {r.script: r for r in report.results}["caller-hangs-up-while-queued"]
    assert len(result.differences) == 1
    assert "the adapter raised KeyError" in result.differences[0].message
    assert result.steps == len(SCRIPTS["caller-hangs-up-while-queued"].steps)
    assert "caller-hangs-up-while-queued step 2 (the caller gives up)" in str(report)


def test_a_script_that_the_hotline_refuses_is_reported_not_raised() -> None:
    script = Script(
        name="unknown-agent",
        description="An agent the hotline does not know logs in.",
        steps=(Step(at=0.0, input=AgentReady(agent_id="nobody")),),
    )
    result = check_script(script, DirectTelephony)
    assert not result.ok
    assert "the hotline refused" in result.differences[0].message


def test_expectations_are_checked_in_order_and_forbidden_outputs_caught() -> None:
    start = tianjin_scripts()[0].steps[0]
    assert start.input is not None
    reordered = Step(at=start.at, input=start.input, expect=tuple(reversed(start.expect)))
    result = check_script(Script(name="s", description="", steps=(reordered,)), DirectTelephony)
    assert "in this order" in result.differences[0].message
    banned = Step(at=start.at, input=start.input, forbid=(expect(StopRinging),))
    assert check_script(Script(name="s", description="", steps=(banned,)), DirectTelephony).ok
    banned = attrs.evolve(banned, forbid=start.expect[:1])
    result = check_script(Script(name="s", description="", steps=(banned,)), DirectTelephony)
    assert "must not come" in result.differences[0].message


class ForgetsNodeNames(DirectTelephony):
    """A wire that carries what to play, not which IVR node plays it."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        return [without_node(o) for o in super().handle(item, now)]


def without_node(output: HotlineOutput) -> HotlineOutput:
    if type(output) is CallCommand and type(output.command) is Play:
        return attrs.evolve(output, command=attrs.evolve(output.command, node=""))
    return output


def test_a_wire_that_carries_part_of_an_output_is_compared_on_that_part() -> None:
    found = failures(ForgetsNodeNames)
    assert "waybill-self-service" in found
    assert "node=''" in found["waybill-self-service"][0][1]
    assert run_conformance(ForgetsNodeNames, compare=without_node).ok


class LetsRefusalsThrough(DirectTelephony):
    """Does not catch what the hotline refuses: a late answer brings it down."""

    def handle(self, item: HotlineInput, now: float) -> Sequence[HotlineOutput]:
        return self.hotline.handle(item, now)


def test_an_adapter_must_survive_an_input_the_hotline_refuses() -> None:
    found = failures(LetsRefusalsThrough)
    assert set(found) == {"agent-misses-the-ring"}
    step, message = found["agent-misses-the-ring"][0]
    assert SCRIPTS["agent-misses-the-ring"].steps[step].refused
    assert message.startswith("the adapter raised IllegalTransitionError")


def test_a_script_that_says_refused_for_an_input_the_hotline_takes_is_reported() -> None:
    first = tianjin_scripts()[0].steps[0]
    script = Script(name="s", description="", steps=(attrs.evolve(first, refused=True),))
    result = check_script(script, DirectTelephony)
    assert [d.message for d in result.differences] == [
        "the hotline took an input the script says it refuses"
    ]


def test_the_kits_hotline_is_the_example_document() -> None:
    """The kit builds it in Python (no files needed); it must not drift from the example."""
    example = Path(__file__).resolve().parents[2] / "examples" / "hotline" / "tianjin.toml"
    assert tianjin_hotline() == load_hotline(example)


def test_the_hotlines_come_from_the_factory_given() -> None:
    def forgetful(definition: HotlineDefinition) -> Hotline:
        return Hotline(attrs.evolve(definition, callers=()))  # no VIP, nobody blocked

    report = run_conformance(DirectTelephony, hotline_factory=forgetful)
    failed = {result.script for result in report.results if not result.ok}
    assert failed == {"vip-dedicated-agent-with-fallback", "blocked-caller"}
