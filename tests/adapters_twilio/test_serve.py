"""``callcenter serve twilio``: a real uvicorn process, its health endpoint, its refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from callcenter.cli import main

from .server import free_port
from .support import TOKEN, signed

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hotline" / "tianjin.toml"
START_TIMEOUT = 30.0


def test_no_token_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN_VARIABLE", raising=False)
    status = main(["serve", "twilio", str(EXAMPLE), "--token-env", "NO_SUCH_TOKEN_VARIABLE"])
    assert status == 2
    assert "NO_SUCH_TOKEN_VARIABLE" in capsys.readouterr().err


def test_serve_answers_health_and_signed_webhooks_and_logs_json() -> None:
    port = free_port()
    env = dict(os.environ, TWILIO_AUTH_TOKEN=f"old-token,{TOKEN}")
    env.pop("TWILIO_ACCOUNT_SID", None)
    command = [sys.executable, "-m", "callcenter", "serve", "twilio", str(EXAMPLE)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/twilio"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        health = None
        while health is None:
            assert time.monotonic() < deadline, "the server did not start in time"
            assert process.poll() is None, "the server exited"
            try:
                health = httpx.get(base + "/health", timeout=2.0)
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        params = {"CallSid": "CAserve", "From": "13800138000", "To": "4008001234"}
        headers, body = signed(base + "/voice", params)
        answer = httpx.post(base + "/voice", headers=dict(headers), content=body, timeout=5.0)
        assert answer.status_code == 200
        assert b"<Say" in answer.content
        forged = httpx.post(
            base + "/voice/status",
            headers=dict(signed(base + "/voice", params)[0]),
            content=body,
            timeout=5.0,
        )
        assert forged.status_code == 403
        huge = httpx.post(
            base + "/voice",
            headers=dict(headers),
            content=body + b"&Junk=" + b"x" * (1 << 20),
            timeout=5.0,
        )
        assert huge.status_code == 413
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate(timeout=5)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    webhooks = [line for line in lines if line.get("event") == "webhook"]
    assert [w["status"] for w in webhooks] == [200, 403, 413]
