"""The edges: a missing redis-server, the serve command's refusals, outputs as data."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from callcenter.adapters.redis import AdapterLink, ReplicatedHotline, output_to_dict
from callcenter.cli import main
from callcenter.errors import InvalidArgumentError
from callcenter.hotline import AgentLoggedIn, AnswerCall, RingAgent
from callcenter.testing import RedisServer, RedisServerError

from ...hotline.test_properties import DEFINITION


def test_a_missing_redis_server_is_a_clear_error() -> None:
    with pytest.raises(RedisServerError, match="apt-get install -y redis-server"):
        RedisServer("no-such-redis-server-program")


def test_serve_leader_refuses_what_is_not_a_redis_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "hotline.toml"
    file.write_text(
        'name = "x"\n[lines.main]\nnumber = "400"\nqueue = "q"\n'
        '[routing]\n[[routing.queues]]\nid = "q"\n'
    )
    assert main(["serve", "leader", str(file), "--redis", "http://localhost"]) == 2
    assert "--redis" in capsys.readouterr().err


def test_outputs_are_tagged_json_safe_data() -> None:
    ring = RingAgent(call_id="c1", agent_id="li", endpoint="8001", timeout=20.0, context={"a": "b"})
    assert output_to_dict(ring) == {
        "type": "RingAgent",
        "call_id": "c1",
        "agent_id": "li",
        "endpoint": "8001",
        "timeout": 20.0,
        "context": {"a": "b"},
    }
    assert output_to_dict(AnswerCall(call_id="c1")) == {"type": "AnswerCall", "call_id": "c1"}
    with pytest.raises(InvalidArgumentError):
        output_to_dict("AnswerCall")


def test_bad_options_are_refused(client: redis.Redis) -> None:
    with pytest.raises(InvalidArgumentError):
        ReplicatedHotline(client, DEFINITION, lease=0.0)
    with pytest.raises(InvalidArgumentError):
        ReplicatedHotline(client, DEFINITION, snapshot_every=0)
    with pytest.raises(InvalidArgumentError):
        AdapterLink(client, DEFINITION.name, "")
    with pytest.raises(InvalidArgumentError):
        AdapterLink(client, "a}b", "pbx")


def test_a_key_is_remembered_for_the_time_given(client: redis.Redis) -> None:
    link = AdapterLink(client, DEFINITION.name, "pbx", remember=120)
    link.append(AgentLoggedIn(agent_id="li"), 1.0, key="k1")
    ttl = client.ttl(f"callcenter:{{{DEFINITION.name}}}:seen:k1")
    assert 0 < int(ttl) <= 120
    with pytest.raises(InvalidArgumentError):
        AdapterLink(client, DEFINITION.name, "pbx", remember=0)
