"""Hold treatment speaks the caller's language: ``HoldCaller.language``."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from callcenter.hotline import (
    HoldCaller,
    HoldTreatment,
    Hotline,
    HotlineDefinition,
    HotlineOutput,
)

from .support import NOON, arrive, definition, press


def _with_languages(
    main: str | None, branch: str | None, *, hold: HoldTreatment | None = None
) -> HotlineDefinition:
    base = definition(hold=hold)
    languages = {"main": main, "branch": branch}
    lines = tuple(attrs.evolve(line, language=languages[line.id]) for line in base.lines)
    return attrs.evolve(base, lines=lines)


def _holds(outputs: Iterable[HotlineOutput]) -> list[HoldCaller]:
    return [o for o in outputs if isinstance(o, HoldCaller)]


def test_a_caller_queued_by_the_ivr_is_held_in_the_ivrs_language() -> None:
    hotline = Hotline(_with_languages("en", None))
    arrive(hotline, "c1", NOON)
    [hold] = _holds(press(hotline, "c1", "2", NOON + 1))
    assert hold.language == "en"
    assert hold.language == hotline.call("c1").language


def test_a_line_without_a_language_holds_in_the_flows_default() -> None:
    hotline = Hotline(_with_languages(None, None))
    arrive(hotline, "c1", NOON)
    [hold] = _holds(press(hotline, "c1", "2", NOON + 1))
    assert hold.language == "zh" == hotline.call("c1").language


def test_a_call_queued_without_a_flow_is_held_in_its_lines_language() -> None:
    hotline = Hotline(_with_languages(None, "en"))
    [hold] = _holds(arrive(hotline, "c1", NOON, line="022-5555"))
    assert hold.language == "en" == hotline.call("c1").language
    hotline = Hotline(_with_languages(None, None))
    [hold] = _holds(arrive(hotline, "c1", NOON, line="022-5555"))
    assert hold.language == "" == hotline.call("c1").language


def test_every_repeated_announcement_keeps_the_language() -> None:
    hold = HoldTreatment(announce_every=30.0, announce_position=True)
    hotline = Hotline(_with_languages("en", None, hold=hold))
    arrive(hotline, "c1", NOON)
    press(hotline, "c1", "2", NOON + 1)
    holds = _holds(hotline.advance(NOON + 95))
    assert len(holds) == 3
    assert {h.language for h in holds} == {"en"}
