"""The format reference lists every node kind and every field, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from callcenter.ivr import Flow, Variant
from callcenter.ivr._model import NODE_KINDS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "ivr-format.md"


def sections() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    parts = re.split(r"^#{2,3} ", text, flags=re.MULTILINE)
    return {part.split("\n", 1)[0].strip(): part for part in parts[1:]}


def test_every_node_kind_and_field_is_documented() -> None:
    found = sections()
    for kind, cls in NODE_KINDS.items():
        assert kind in found, f"no section for node kind {kind!r}"
        for field in attrs.fields(cls):
            if field.name != "id":
                assert f"`{field.name}`" in found[kind], f"{kind}.{field.name} missing"


def test_every_flow_and_variant_field_is_documented() -> None:
    found = sections()
    for cls, title in ((Flow, "The flow"), (Variant, "Prompt variants")):
        for field in attrs.fields(cls):
            if field.init:
                assert f"`{field.name}`" in found[title], f"{title}: {field.name} missing"
