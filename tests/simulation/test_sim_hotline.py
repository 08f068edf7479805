"""The simulator runs its scenario on a real hotline, so calls are routed as in one.

A simulated call goes through the hotline's IVR-to-ACD seam and the routing
engine's rules, like a call of any host: a rule on the caller's status or language
moves the calls it names to its queue, which a simulator that queued each call where
its flow or line said would never do.
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

from callcenter.metrics import Outcome
from callcenter.simulation import scenario_from_dict, simulate


def _scenario(line: dict[str, Any], rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    queues = ("general", "special")
    agents = [f"a{i}" for i in range(4)]
    return {
        "name": "rules",
        "date": datetime.date(2026, 3, 2),
        "lines": {"main": {**line, "arrivals": {"kind": "poisson", "per_interval": [40.0]}}},
        "queues": {q: {"handle_time": {"kind": "exponential", "mean": 120}} for q in queues},
        "staff": [{"agents": agents}],
        "routing": {
            "queues": [{"id": q} for q in queues],
            "agents": [{"id": a, "queues": [{"queue": q} for q in queues]} for a in agents],
            "rules": {"rules": rules},
        },
        **extra,
    }


def _queues(data: dict[str, Any], base: Path | None = None) -> Counter[str]:
    result = simulate(scenario_from_dict(data, base=base), seed=3)
    assert result.records
    return Counter(record.queues[-1] for record in result.records if record.queues)


def test_a_rule_on_the_caller_status_sends_vip_callers_to_its_queue() -> None:
    rule = {"when": {"caller_status": "vip"}, "queue": "special"}
    data = _scenario({"queue": "general"}, [rule], callers={"vip_share": 0.3})
    queues = _queues(data)
    assert queues["special"] > 0
    assert queues["general"] > queues["special"]
    # Without VIP callers the rule matches nobody.
    assert set(_queues(_scenario({"queue": "general"}, [rule]))) == {"general"}


def test_the_callers_language_reaches_the_routing_rules(tmp_path: Path) -> None:
    (tmp_path / "flow.toml").write_text(
        'name = "straight"\nstart = "agent"\nlanguages = ["en", "zh"]\n\n'
        '[nodes.agent]\nkind = "enqueue"\nqueue = "general"\n',
        encoding="utf-8",
    )
    english = {"when": {"language": "en"}, "queue": "special"}
    assert set(_queues(_scenario({"ivr": "flow.toml"}, [english]), tmp_path)) == {"special"}
    chinese = {"when": {"language": "zh"}, "queue": "special"}
    assert set(_queues(_scenario({"ivr": "flow.toml"}, [chinese]), tmp_path)) == {"general"}


def test_patience_that_runs_out_as_the_agent_picks_up_wins_the_tie() -> None:
    # The caller's hang-up is drawn when the hotline puts the call on hold, before
    # the agent's phone rings in the same outputs: at the same instant, the
    # hang-up runs first (events at one instant run in the order they were
    # scheduled), however late the driver puts it in the calendar.
    agents = ["a0", "a1", "a2"]
    data: dict[str, Any] = {
        "name": "ties",
        "date": datetime.date(2026, 3, 2),
        "lines": {"main": {"queue": "q", "arrivals": {"kind": "poisson", "per_interval": [20.0]}}},
        "queues": {
            "q": {
                "handle_time": {"kind": "exponential", "mean": 60},
                "patience": {"kind": "deterministic", "value": 10.0},
            }
        },
        "staff": [{"agents": agents, "answer_after": 10.0}],
        "routing": {
            "queues": [{"id": "q"}],
            "agents": [{"id": a, "queues": [{"queue": "q"}]} for a in agents],
        },
    }
    result = simulate(scenario_from_dict(data), seed=3)
    assert result.records
    assert {record.outcome for record in result.records} == {Outcome.ABANDONED_RINGING}
