"""A big hotline document with many mistakes is told all of them in linear work.

Each unknown name gets a did-you-mean hint by comparing it with the names it could
be; thousands of unknown agents among thousands of agents made that quadratic (a
document of 2,000 callers, lines and endpoints, each naming something unknown, took
two minutes to be refused). The hints now stop after a budget of comparisons; the
problems are all still reported, each at its path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from callcenter.errors import DefinitionError
from callcenter.hotline import hotline_from_dict

N = 3000


def _count_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    compared: list[int] = []

    def counting(original: Any) -> Any:
        def did_you_mean(word: str, candidates: Iterable[str]) -> str:
            pool = list(candidates)
            compared.append(len(pool))
            result: str = original(word, pool)
            return result

        return did_you_mean

    import callcenter.errors as errors
    import callcenter.hotline._document as document

    # Hints (the budgeted hints of a check) call errors.did_you_mean; the document's
    # fixed lists (keys, statuses) call it by its own name.
    for module, name in ((document, "_did_you_mean"), (errors, "did_you_mean")):
        monkeypatch.setattr(module, name, counting(getattr(module, name)))
    return compared


def test_thousands_of_unknown_names_cost_a_bounded_number_of_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared = _count_comparisons(monkeypatch)
    data = {
        "name": "big",
        "routing": {
            "queues": [{"id": f"queue-{i}"} for i in range(N)],
            "agents": [{"id": f"agent-{i}", "queues": [{"queue": f"qeue-{i}"}]} for i in range(N)],
        },
        "callers": [{"number": str(13900000000 + i), "agent": f"agnet-{i}"} for i in range(N)],
        "lines": {f"l{i}": {"number": str(4000000000 + i), "queue": "qq"} for i in range(N)},
        "endpoints": {f"ghost-{i}": {"extension": str(i)} for i in range(N)},
    }
    with pytest.raises(DefinitionError) as caught:
        hotline_from_dict(data)
    paths = {p.path for p in caught.value.problems}
    for i in (0, N // 2, N - 1):
        assert f"routing.agents.{i}.queues.0.queue" in paths
        assert f"callers.{i}.agent" in paths
        assert f"lines.l{i}.queue" in paths
        assert f"endpoints.ghost-{i}" in paths
    # Linear: a fixed budget per check, not one pass over every name per mistake.
    assert sum(compared) <= 3 * 20_000, sum(compared)
    # A message lists a few of the names it expected, not all of them.
    message = next(p.message for p in caught.value.problems if p.path == "callers.0.agent")
    assert len(message) < 1000


def test_a_small_document_still_gets_its_hints() -> None:
    data: dict[str, Any] = {
        "name": "small",
        "routing": {
            "queues": [{"id": "enquiry"}],
            "agents": [{"id": "wang", "queues": [{"queue": "enqiury"}]}],
        },
        "callers": [{"number": "13900000001", "agent": "wnag"}],
    }
    with pytest.raises(DefinitionError) as caught:
        hotline_from_dict(data)
    messages = {p.path: p.message for p in caught.value.problems}
    assert "(did you mean 'enquiry'?)" in messages["routing.agents.0.queues.0.queue"]
    assert "(did you mean 'wang'?)" in messages["callers.0.agent"]
