"""A big flow with many mistakes is told all of them in linear work.

Every unknown node, prompt or queue of a flow gets a did-you-mean hint by comparing it
with the names it could be; a flow of thousands of nodes, each naming an unknown one,
made that quadratic (1,500 nodes took over a minute to be refused). The hints of one
check stop after a budget of comparisons (:class:`callcenter.errors.Hints`); every
problem is still reported at its path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import pytest

import callcenter.errors as errors
from callcenter.errors import DefinitionError, Hints
from callcenter.ivr import check_flow, flow_from_dict

N = 3000


def _flow(n: int, *, bad: bool) -> dict[str, Any]:
    """``n`` menus; each (when ``bad``) names an unknown node, prompt and queue."""
    suffix = "x" if bad else ""
    nodes: dict[str, Any] = {
        f"menu{i}": {
            "kind": "menu",
            "prompt": f"pr{i}{suffix}",
            "options": {"1": f"menu{(i + 1) % n}{suffix}", "2": f"desk{i}"},
            "on_no_input": f"desk{i}",
            "on_no_match": f"desk{i}",
        }
        for i in range(n)
    }
    for i in range(n):
        nodes[f"desk{i}"] = {"kind": "enqueue", "queue": f"queue{i}{suffix}"}
    return {
        "name": "big",
        "start": "menu0",
        "languages": ["en"],
        "prompts": {f"pr{i}": {"en": {"text": "hello"}} for i in range(n)},
        "nodes": nodes,
    }


def _count_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the names every did-you-mean hint compares with (whoever asks for it)."""
    compared: list[int] = []
    original = difflib.get_close_matches

    def get_close_matches(word: str, possibilities: Iterable[str], **options: Any) -> list[str]:
        pool = list(possibilities)
        compared.append(len(pool))
        return original(word, pool, **options)

    monkeypatch.setattr(difflib, "get_close_matches", get_close_matches)
    return compared


def test_thousands_of_unknown_names_cost_a_bounded_number_of_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared = _count_comparisons(monkeypatch)
    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(_flow(N, bad=True))
    paths = {p.path for p in caught.value.problems}
    for i in (0, N // 2, N - 1):
        assert f"nodes.menu{i}.options.1" in paths
        assert f"nodes.menu{i}.prompt" in paths
    # Linear: a budget per check (the document's and the flow's), not one pass over
    # every name per mistake (which would be N * N = 9,000,000 here).
    assert sum(compared) <= 2 * errors.HINT_BUDGET, sum(compared)


def test_the_validator_names_thousands_of_unknown_queues_in_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flow = flow_from_dict(_flow(N, bad=False))
    compared = _count_comparisons(monkeypatch)
    queues = {f"queue{i}y" for i in range(N)}  # none of the flow's
    report = check_flow(flow, queues=queues)
    unknown = [p for p in report.errors if p.path.endswith(".queue")]
    assert len(unknown) == N
    assert sum(compared) <= errors.HINT_BUDGET, sum(compared)


def test_a_small_flow_still_gets_its_hints() -> None:
    data = _flow(3, bad=True)
    with pytest.raises(DefinitionError) as caught:
        flow_from_dict(data)
    messages = {p.path: p.message for p in caught.value.problems}
    assert "(did you mean 'pr0'?)" in messages["nodes.menu0.prompt"]
    assert "(did you mean 'menu1'?)" in messages["nodes.menu0.options.1"]


def test_hints_spend_their_budget_and_then_give_none() -> None:
    hints = Hints(budget=5)
    assert hints("trak", ["track", "order", "complaint"]) == " (did you mean 'track'?)"
    assert hints.budget == 2
    assert hints("ordr", ["track", "order", "complaint"]) == ""  # over budget
    assert hints("ordr", ["order", "track"]) == " (did you mean 'order'?)"
    assert hints.budget == 0
    assert hints("x" * 100, ["x" * 100]) == ""  # too long to compare
    assert Hints()(42, ["42"]) == ""  # no text
