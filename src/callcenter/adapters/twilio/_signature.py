"""Twilio's request validation: who may call the adapter's webhooks.

Twilio signs every webhook request with the account's auth token, as its security
page specifies (https://www.twilio.com/docs/usage/webhooks/webhooks-security):

* take the full URL Twilio requested, query string included;
* for a form-encoded POST, append each parameter's name and value with no
  delimiter, parameters sorted by name (a name given several times: its values
  sorted, an identical value counted once, as Twilio's own helper libraries do);
* a JSON body is not in the string: its SHA-256 (hex) travels in the URL's
  ``bodySHA256`` query parameter, which is signed with the URL;
* HMAC-SHA1 of that string with the auth token, base64: the ``X-Twilio-Signature``
  header.

Twilio signs the URL as it requested it, and a URL with the scheme's default port
written out (``https://host:443/``) and without it are signed differently by
different parts of Twilio, so both forms are accepted. During a token rotation
several tokens are accepted. Signatures are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit, urlunsplit

__all__ = ["body_sha256", "sign", "signed_urls", "valid_signature"]

_DEFAULT_PORTS = {"https": 443, "http": 80}


def body_sha256(body: bytes) -> str:
    """The hex SHA-256 of a JSON body, as Twilio puts it in ``bodySHA256``."""
    return hashlib.sha256(body).hexdigest()


def _payload(url: str, params: Mapping[str, Sequence[str]]) -> bytes:
    parts = [url]
    for name in sorted(params):
        for value in sorted(set(params[name])):
            parts.append(name)
            parts.append(value)
    return "".join(parts).encode("utf-8")


def sign(token: str, url: str, params: Mapping[str, Sequence[str]] | None = None) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for ``url`` and form ``params``.

    Args:
        token: The auth token.
        url: The full URL as requested, query string included.
        params: The form parameters, each name with its values (empty for a JSON
            body, whose hash is in the URL).

    Returns:
        The base64 HMAC-SHA1 signature.

    >>> sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", {
    ...     "CallSid": ["CA1234567890ABCDE"], "Caller": ["+12349013030"],
    ...     "Digits": ["1234"], "From": ["+12349013030"], "To": ["+18005551212"]})
    '0/KCTR6DLpKmkAf8muzZqo1nDgQ='
    """
    digest = hmac.new(token.encode("utf-8"), _payload(url, params or {}), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_urls(url: str) -> tuple[str, ...]:
    """The forms of ``url`` a signature may cover: without and with the default port.

    A URL with another port than the scheme's default has that one form and the form
    without any port (Twilio signs what it requested; a proxy may have added the
    port). A URL that cannot be parsed has none.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ()
    host = parts.netloc.split(":")[0] if port else parts.netloc
    bare = urlunsplit(parts._replace(netloc=host))
    if port:
        return (bare, urlunsplit(parts))
    default = _DEFAULT_PORTS["https"] if parts.scheme == "https" else _DEFAULT_PORTS["http"]
    return (bare, urlunsplit(parts._replace(netloc=f"{parts.netloc}:{default}")))


def valid_signature(
    tokens: Iterable[str],
    url: str,
    signature: str,
    *,
    params: Mapping[str, Sequence[str]] | None = None,
    json_body: bytes | None = None,
) -> bool:
    """Whether ``signature`` is Twilio's for this request under one of ``tokens``.

    Args:
        tokens: The accepted auth tokens (several during a rotation).
        url: The full URL Twilio requested (as Twilio saw it: behind a proxy, the
            public URL, not the one the application sees).
        signature: The ``X-Twilio-Signature`` header.
        params: The form parameters of a form-encoded POST.
        json_body: The raw body of a JSON POST: its SHA-256 must be the URL's
            ``bodySHA256`` query parameter, and the signature covers the URL alone.

    Returns:
        ``True`` when the body hash (if any) matches and the signature is one of the
        expected ones; every comparison takes the same time whatever the input.
    """
    candidates = signed_urls(url)
    if not candidates:
        return False
    form: Mapping[str, Sequence[str]] = params or {}
    body_ok = True
    if json_body is not None:
        try:
            query = parse_qs(urlsplit(url).query)
        except ValueError:
            return False
        claimed = query.get("bodySHA256", [""])[0]
        body_ok = hmac.compare_digest(body_sha256(json_body).encode(), claimed.encode())
        form = {}
    given = signature.encode("utf-8", "surrogateescape")
    found = False
    for token in tokens:
        for candidate in candidates:
            expected = sign(token, candidate, form).encode("ascii")
            found |= hmac.compare_digest(expected, given)
    return body_ok and found
