"""What the Twilio adapter needs to know that the hotline does not: URLs, tokens, voices."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import attrs

from ..._checks import Problems, short_repr

__all__ = ["DEFAULT_LANGUAGES", "TwilioSettings"]

DEFAULT_LANGUAGES: Mapping[str, str] = {
    "zh": "zh-CN",
    "zh-CN": "zh-CN",
    "yue": "zh-HK",
    "zh-HK": "zh-HK",
    "en": "en-US",
    "en-US": "en-US",
}
"""The IVR's language to the ``language`` of a TwiML ``<Say>``: Mandarin ``zh-CN``,
Cantonese ``zh-HK``, English ``en-US``."""


@attrs.frozen(kw_only=True)
class TwilioSettings:
    """The Twilio side of a hotline.

    Attributes:
        public_url: The URL Twilio calls, up to the adapter's prefix
            (``"https://hotline.example.com/twilio"``): the number's Voice webhook
            is ``public_url + "/voice"``, its status callback
            ``public_url + "/voice/status"``. Behind a proxy, the public URL, not the
            one the application sees: it is the URL Twilio signs.
        auth_tokens: The accounts' auth tokens whose signatures are accepted (two
            during a rotation: the new one and the old one).
        account_sid: The account the REST requests (agent legs) go to.
        caller_id: The number agent legs are called from; empty: the number the
            caller dialled.
        languages: IVR language to the ``<Say>`` language (default
            :data:`DEFAULT_LANGUAGES`); a language not in it is passed as is.
        voices: ``<Say>`` language to a Twilio voice (``"Polly.Zhiyu"``); a language
            not in it gets Twilio's default voice.
        audio_url: Where recorded prompts and music on hold are: a reference that
            is not a URL is resolved against it.
        max_body: The largest request body accepted, in bytes.
    """

    public_url: str
    auth_tokens: tuple[str, ...]
    account_sid: str = "AC00000000000000000000000000000000"
    caller_id: str = ""
    languages: Mapping[str, str] = attrs.field(factory=lambda: dict(DEFAULT_LANGUAGES))
    voices: Mapping[str, str] = attrs.field(factory=dict)
    audio_url: str = ""
    max_body: int = 64 * 1024

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        url: object = self.public_url
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            problems.add("public_url", f"expected an http(s) URL, got {short_repr(url)}")
        elif url.endswith("/"):
            problems.add("public_url", f"expected no trailing '/', got {short_repr(url)}")
        tokens: object = self.auth_tokens
        if (
            not isinstance(tokens, tuple)
            or not tokens
            or not all(isinstance(t, str) and t for t in tokens)
        ):
            problems.add(
                "auth_tokens", f"expected a tuple of non-empty tokens, got {short_repr(tokens)}"
            )
        sid: object = self.account_sid
        if not isinstance(sid, str) or not sid:
            problems.add("account_sid", f"expected an account SID, got {short_repr(sid)}")
        problems.number("max_body", self.max_body, minimum=256, integer=True)
        problems.raise_if_any(what="Twilio settings")

    @property
    def prefix(self) -> str:
        """The path of :attr:`public_url` (``"/twilio"``), before every route."""
        return urlsplit(self.public_url).path

    def url(self, route: str) -> str:
        """The public URL of one of the adapter's routes (``"/voice/gather"``)."""
        return self.public_url + route

    def audio(self, reference: str) -> str:
        """The URL of a recorded prompt or of music on hold."""
        if urlsplit(reference).scheme in ("http", "https"):
            return reference
        return urljoin(self.audio_url, reference) if self.audio_url else reference

    def say_language(self, language: str) -> str:
        """The ``<Say>`` language for an IVR language."""
        return self.languages.get(language, language)
