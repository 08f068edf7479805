"""``callcenter serve twilio HOTLINE.toml``: the hotline behind Twilio, under uvicorn."""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
from typing import Any

import attrs

from ...cli import UsageError
from ...hotline import Hotline, load_hotline
from ._adapter import Action, RestRequest, TwilioAdapter
from ._asgi import LOGGER, HttpxExecutor, RestExecutor, TwilioApp
from ._settings import TwilioSettings

__all__ = ["add_serve_twilio"]

_DESCRIPTION = """\
Serve a hotline behind Twilio Programmable Voice: point the number's Voice webhook
at PUBLIC_URL/voice and its status callback at PUBLIC_URL/voice/status. The auth
token(s) come from the environment (several, comma-separated, during a rotation),
never from the command line. With TWILIO_ACCOUNT_SID set and httpx installed, the
agent legs are called through Twilio's REST API; otherwise they are only logged.
Logs are JSON lines on standard error; GET PUBLIC_URL/health answers for load
balancers. Needs the serve extra: pip install 'callcenter[serve,twilio]'."""


def add_serve_twilio(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve twilio`` to the ``serve`` command's actions."""
    parser = actions.add_parser(
        "twilio",
        help="serve a hotline behind Twilio's voice webhooks (uvicorn)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="hotline document (.toml, .json or .yaml)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument(
        "--public-url",
        help="the URL Twilio calls, up to /twilio (default: http://HOST:PORT/twilio)",
    )
    parser.add_argument(
        "--token-env",
        default="TWILIO_AUTH_TOKEN",
        help="environment variable holding the auth token(s) (default: TWILIO_AUTH_TOKEN)",
    )
    parser.set_defaults(handler=_serve)


def _log_action(action: Action) -> None:
    if isinstance(action, RestRequest):
        return
    LOGGER.info(json.dumps({"event": type(action).__name__, "call": action.call_id}))


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise UsageError(
            option="serve twilio",
            expected="uvicorn installed: pip install 'callcenter[serve]'",
            got="no uvicorn",
        ) from None
    if not 0 < args.port < 65536:
        raise UsageError(option="--port", expected="a port from 1 to 65535", got=args.port)
    tokens = tuple(t.strip() for t in os.environ.get(args.token_env, "").split(",") if t.strip())
    if not tokens:
        raise UsageError(
            option="--token-env",
            expected=f"the auth token(s) in the environment variable {args.token_env}",
            got="nothing",
        )
    definition = load_hotline(args.file)
    account = os.environ.get("TWILIO_ACCOUNT_SID", "")
    public = args.public_url or f"http://{args.host}:{args.port}/twilio"
    settings = TwilioSettings(public_url=public, auth_tokens=tokens)
    if account:
        settings = attrs.evolve(settings, account_sid=account)
    executor: RestExecutor | None = None
    if account and importlib.util.find_spec("httpx") is not None:
        import httpx

        client: Any = httpx.AsyncClient(timeout=5.0)
        executor = HttpxExecutor(client, account, tokens[0])
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    app = TwilioApp(
        TwilioAdapter(Hotline(definition), settings), executor=executor, on_action=_log_action
    )
    LOGGER.info(
        json.dumps({"event": "serving", "public_url": public, "rest": executor is not None})
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", lifespan="on")
    return 0
