"""The hotline on Twilio Programmable Voice: webhooks in, TwiML and REST requests out.

* :class:`TwilioAdapter` is the framework-neutral core:
  ``adapter.handle(method, url, headers, body, now)`` answers one webhook with a
  :class:`WebResponse` (status, headers, TwiML) and the :class:`RestRequest` s
  (agent legs) and host outputs it caused.
* :class:`TwilioApp` is an ASGI application around it (needs no web framework); it
  runs the hotline's timers and can send the REST requests itself through an
  injected ``httpx.AsyncClient``. ``callcenter serve twilio HOTLINE.toml`` runs it
  under uvicorn (the ``serve`` extra).
* :func:`valid_signature` and :func:`sign` are Twilio's request validation.
"""

from ._adapter import CALL_STATES as CALL_STATES
from ._adapter import Action as Action
from ._adapter import HostOutput as HostOutput
from ._adapter import Lookup as Lookup
from ._adapter import RestRequest as RestRequest
from ._adapter import TwilioAdapter as TwilioAdapter
from ._adapter import WebResponse as WebResponse
from ._asgi import HttpxExecutor as HttpxExecutor
from ._asgi import RestExecutor as RestExecutor
from ._asgi import TwilioApp as TwilioApp
from ._double import TwilioDouble as TwilioDouble
from ._settings import DEFAULT_LANGUAGES as DEFAULT_LANGUAGES
from ._settings import TwilioSettings as TwilioSettings
from ._signature import body_sha256 as body_sha256
from ._signature import sign as sign
from ._signature import signed_urls as signed_urls
from ._signature import valid_signature as valid_signature
from ._twiml import Verb as Verb
from ._twiml import render as render

__all__ = [
    "CALL_STATES",
    "DEFAULT_LANGUAGES",
    "Action",
    "HostOutput",
    "HttpxExecutor",
    "Lookup",
    "RestExecutor",
    "RestRequest",
    "TwilioAdapter",
    "TwilioApp",
    "TwilioDouble",
    "TwilioSettings",
    "Verb",
    "WebResponse",
    "body_sha256",
    "render",
    "sign",
    "signed_urls",
    "valid_signature",
]
