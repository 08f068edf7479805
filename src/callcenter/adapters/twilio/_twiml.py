"""TwiML documents: the verbs a Twilio call executes, as data, and their XML.

A :class:`Verb` is one element of a ``<Response>`` (``Say``, ``Gather``...), with its
attributes in TwiML's own spelling (``numDigits``, ``finishOnKey``) and either a text
or nested verbs. :func:`render` writes the document the way Twilio's helper library
does (same declaration, same attribute order), every text and attribute XML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from xml.etree import ElementTree

import attrs

__all__ = ["Verb", "render"]

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


@attrs.frozen(kw_only=True)
class Verb:
    """One TwiML verb (or noun inside one).

    Attributes:
        name: The element's name (``"Say"``, ``"Gather"``, ``"Queue"``).
        attributes: Attribute name to value, in TwiML's spelling.
        text: The element's text (what ``Say`` says, the URL ``Play`` plays).
        children: Nested verbs (``Say`` inside ``Gather``, ``Queue`` inside ``Dial``).
    """

    name: str
    attributes: Mapping[str, str] = attrs.field(factory=dict)
    text: str | None = None
    children: tuple[Verb, ...] = ()


def _element(verb: Verb) -> ElementTree.Element:
    element = ElementTree.Element(verb.name, dict(sorted(verb.attributes.items())))
    element.text = verb.text
    element.extend(_element(child) for child in verb.children)
    return element


def render(verbs: Iterable[Verb]) -> bytes:
    """The TwiML document ``<Response>`` holding ``verbs``, UTF-8 encoded.

    >>> render([Verb(name="Say", attributes={"language": "en-US"}, text="a < b")])[38:]
    b'<Response><Say language="en-US">a &lt; b</Say></Response>'
    """
    root = ElementTree.Element("Response")
    root.extend(_element(verb) for verb in verbs)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    return _DECLARATION + document
