"""Request validation against Twilio's published examples and its own validator."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from callcenter.adapters.twilio import body_sha256, sign, signed_urls, valid_signature

# The example of Twilio's webhook security page: auth token, URL, form parameters
# and the signature Twilio publishes for them.
PUBLISHED_TOKEN = "12345"
PUBLISHED_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PUBLISHED_PARAMS = {
    "CallSid": ["CA1234567890ABCDE"],
    "Caller": ["+12349013030"],
    "Digits": ["1234"],
    "From": ["+12349013030"],
    "To": ["+18005551212"],
}
PUBLISHED_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
# The JSON example: the body and the bodySHA256 Twilio puts in the URL for it.
PUBLISHED_BODY = b'{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}'
PUBLISHED_BODY_HASH = "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9"


def test_the_published_form_example() -> None:
    assert sign(PUBLISHED_TOKEN, PUBLISHED_URL, PUBLISHED_PARAMS) == PUBLISHED_SIGNATURE
    assert valid_signature(
        [PUBLISHED_TOKEN], PUBLISHED_URL, PUBLISHED_SIGNATURE, params=PUBLISHED_PARAMS
    )


def test_the_published_body_hash() -> None:
    assert body_sha256(PUBLISHED_BODY) == PUBLISHED_BODY_HASH
    url = f"https://example.com/myapp?bodySHA256={PUBLISHED_BODY_HASH}"
    signature = sign(PUBLISHED_TOKEN, url)
    assert valid_signature([PUBLISHED_TOKEN], url, signature, json_body=PUBLISHED_BODY)
    assert not valid_signature([PUBLISHED_TOKEN], url, signature, json_body=PUBLISHED_BODY + b" ")


def test_a_changed_parameter_a_url_for_elsewhere_or_a_wrong_token_fail() -> None:
    changed = dict(PUBLISHED_PARAMS, Digits=["1235"])
    assert not valid_signature(
        [PUBLISHED_TOKEN], PUBLISHED_URL, PUBLISHED_SIGNATURE, params=changed
    )
    other = PUBLISHED_URL.replace("mycompany", "another")
    assert not valid_signature(
        [PUBLISHED_TOKEN], other, PUBLISHED_SIGNATURE, params=PUBLISHED_PARAMS
    )
    assert not valid_signature(
        ["54321"], PUBLISHED_URL, PUBLISHED_SIGNATURE, params=PUBLISHED_PARAMS
    )


def test_any_token_of_a_rotation_is_accepted() -> None:
    assert valid_signature(
        ["the-new-token", PUBLISHED_TOKEN],
        PUBLISHED_URL,
        PUBLISHED_SIGNATURE,
        params=PUBLISHED_PARAMS,
    )


def test_the_default_port_written_or_not() -> None:
    with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert signed_urls(PUBLISHED_URL) == (PUBLISHED_URL, with_port)
    signature = sign(PUBLISHED_TOKEN, with_port, PUBLISHED_PARAMS)
    assert valid_signature([PUBLISHED_TOKEN], PUBLISHED_URL, signature, params=PUBLISHED_PARAMS)
    assert valid_signature(
        [PUBLISHED_TOKEN], with_port, PUBLISHED_SIGNATURE, params=PUBLISHED_PARAMS
    )


class _Multi(dict[str, list[str]]):
    """Form parameters with repeated names, the way web frameworks hand them over."""

    def getall(self, name: str) -> list[str]:
        return self[name]


_text = st.text(st.characters(codec="utf-8"), max_size=12)
_names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)
_hosts = st.sampled_from(["example.com", "hotline.example.cn", "127.0.0.1", "xn--fiq228c.com"])
_ports = st.one_of(st.none(), st.sampled_from([80, 443, 8080, 5000]))
_paths = st.sampled_from(["", "/", "/twilio/voice", "/a/b.php", "/语音"])
_queries = st.one_of(
    st.just(""),
    st.lists(
        st.tuples(st.sampled_from(["s", "p", "foo", "bar"]), st.sampled_from(["1", "x", ""])),
        max_size=3,
    ).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "http"]))
    port = draw(_ports)
    netloc = draw(_hosts) + (f":{port}" if port is not None else "")
    query = draw(_queries)
    return f"{scheme}://{netloc}{draw(_paths)}" + (f"?{query}" if query else "")


@given(
    url=_urls(),
    params=st.dictionaries(_names, st.lists(_text, min_size=1, max_size=3), max_size=6),
    token=st.sampled_from(["12345", "tok-en", "令牌"]),
    signer=st.sampled_from(["same", "with-port", "other-token"]),
)
def test_form_requests_agree_with_twilios_validator(
    url: str, params: dict[str, list[str]], token: str, signer: str
) -> None:
    oracle = RequestValidator(token)
    signed_url = signed_urls(url)[1] if signer == "with-port" else url
    signing_token = "another" if signer == "other-token" else token
    signature = RequestValidator(signing_token).compute_signature(signed_url, _Multi(params))
    mine = valid_signature([token], url, signature, params=params)
    assert mine == oracle.validate(url, _Multi(params), signature)
    assert sign(signing_token, signed_url, params) == signature


@given(
    url=_urls(),
    payload=st.dictionaries(_names, _text, max_size=5),
    token=st.sampled_from(["12345", "令牌"]),
    tamper=st.booleans(),
)
def test_json_requests_agree_with_twilios_validator(
    url: str, payload: dict[str, Any], token: str, tamper: bool
) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    separator = "&" if "?" in url else "?"
    full = f"{url}{separator}bodySHA256={body_sha256(body)}"
    signature = RequestValidator(token).compute_signature(full, {})
    sent = body + b" " if tamper else body
    mine = valid_signature([token], full, signature, json_body=sent)
    assert mine == RequestValidator(token).validate(full, sent.decode(), signature)
    assert mine is not tamper
