"""A test double of Twilio: it plays a caller's side of calls against the adapter.

:class:`TwilioDouble` does what Twilio does with the adapter's TwiML: it posts the
incoming-call webhook, says aloud (into a transcript) what ``<Say>`` says, presses
the caller's keys at each ``<Gather>``, follows ``<Redirect>``, waits in
``<Enqueue>`` polling the wait URL, records at ``<Record>``, and posts the status
callback when the call ends; every request signed like Twilio signs it. No account,
no network: the tutorial and the benchmarks run on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from urllib.parse import urlencode
from xml.etree import ElementTree

from ._adapter import Action, TwilioAdapter
from ._signature import sign

__all__ = ["TwilioDouble"]

_MAX_REQUESTS = 200


class TwilioDouble:
    """Twilio's side of calls against a :class:`TwilioAdapter`, in process.

    Args:
        adapter: The adapter (its settings give the URLs and the token to sign with).
        now: The time of the first request, POSIX seconds; the double's clock moves
            by ``step`` seconds per request (and by a ``<Pause>``'s length).
        step: Seconds between two requests of a call.
    """

    def __init__(self, adapter: TwilioAdapter, *, now: float, step: float = 2.0) -> None:
        self.adapter = adapter
        self.now = now
        self.step = step
        self.actions: list[Action] = []
        self.requests = 0
        self._token = adapter.settings.auth_tokens[0]
        self._sids = itertools.count(1)
        self._hang_up = True
        self._waiting = False

    def post(self, url: str, params: dict[str, str]) -> tuple[int, bytes]:
        """Send one signed webhook at the double's clock; return status and body."""
        self.requests += 1
        self.now += self.step
        signature = sign(self._token, url, {k: [v] for k, v in params.items()})
        headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-twilio-signature", signature),
        ]
        response = self.adapter.handle("POST", url, headers, urlencode(params).encode(), self.now)
        self.actions.extend(response.actions)
        return response.status, response.body

    def call(
        self,
        caller: str,
        line: str,
        keys: Iterable[str] = (),
        *,
        hold_polls: int = 2,
        sid: str | None = None,
        hang_up: bool = True,
    ) -> list[str]:
        """Place one call; return what the caller heard and did, one line each.

        Args:
            caller: The caller's number.
            line: The dialled number.
            keys: What the caller presses at each ``<Gather>``, in order
                (``"123456789012#"``); the caller hangs up when none are left.
            hold_polls: How many times the wait URL is polled before the caller,
                still waiting, hangs up.
            sid: The call's Call SID (default: a new one).
            hang_up: Whether the caller hangs up at the end; ``False`` leaves a
                caller who waits in a queue waiting (the agent's leg is then
                played with :meth:`post`).
        """
        sid = sid or f"CA{next(self._sids):032d}"
        presses = list(keys)
        self._hang_up = hang_up
        self._waiting = False
        base = {"CallSid": sid, "From": caller, "To": line, "AccountSid": "AC"}
        heard: list[str] = []
        status, body = self.post(
            self.adapter.settings.url("/voice"), base | {"CallStatus": "ringing"}
        )
        for _ in range(_MAX_REQUESTS):
            if status >= 300:
                heard.append(f"refused {status}: {body.decode(errors='replace')}")
                return heard
            follow = self._follow(ElementTree.fromstring(body), base, presses, heard, hold_polls)
            if follow is None:
                break
            url, params = follow
            status, body = self.post(url, base | params)
        if self._waiting:
            return heard
        self.post(self.adapter.settings.url("/voice/status"), base | {"CallStatus": "completed"})
        return heard

    def _follow(
        self,
        document: ElementTree.Element,
        base: dict[str, str],
        presses: list[str],
        heard: list[str],
        hold_polls: int,
    ) -> tuple[str, dict[str, str]] | None:
        for verb in document:
            if verb.tag == "Say":
                heard.append(f"says: {verb.text or ''}")
            elif verb.tag == "Play":
                heard.append(f"plays: {verb.text or ''}")
            elif verb.tag == "Pause":
                self.now += float(verb.attrib.get("length", "1"))
            elif verb.tag == "Gather":
                self._follow(verb, base, presses, heard, hold_polls)
                if not presses:
                    heard.append("hangs up")
                    return None
                keys = presses.pop(0)
                heard.append(f"presses {keys}")
                finish = verb.attrib.get("finishOnKey", "")
                digits = {"Digits": keys}
                if finish and keys.endswith(finish):
                    digits = {"Digits": keys[: -len(finish)], "FinishedOnKey": finish}
                return verb.attrib["action"], digits
            elif verb.tag == "Redirect":
                return verb.text or "", {}
            elif verb.tag == "Record":
                heard.append("leaves a message")
                reference = f"RE{next(self._sids):032d}"
                return verb.attrib["action"], {"RecordingSid": reference, "RecordingDuration": "20"}
            elif verb.tag == "Enqueue":
                heard.append(f"waits in queue {verb.text or ''}")
                for _ in range(hold_polls):
                    status, body = self.post(verb.attrib["waitUrl"], {"QueueTime": "0"} | base)
                    if status >= 300:
                        break
                    for hold in ElementTree.fromstring(body):
                        if hold.tag == "Say":
                            heard.append(f"hears: {hold.text or ''}")
                        elif hold.tag == "Leave":
                            return verb.attrib["action"], {"QueueResult": "leave"}
                if self._hang_up:
                    heard.append("hangs up while waiting")
                else:
                    self._waiting = True
                return None
            elif verb.tag == "Dial":
                heard.append(f"is put through to {next(iter(verb)).text or ''}")
                return None
            elif verb.tag == "Hangup":
                heard.append("the hotline hangs up")
                return None
            elif verb.tag == "Reject":
                heard.append("is rejected")
                return None
        return None
