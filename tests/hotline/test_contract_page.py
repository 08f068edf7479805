"""The adapter contract page documents every input and output, every field with a meaning.

The page's tables are generated from the classes when the manual is built
(``docs/_ext/attrsfields.py``); these checks run without building it, so that an input
or output added to the contract cannot go undocumented.
"""

from __future__ import annotations

import importlib.util
import re
import typing
from pathlib import Path
from types import ModuleType

import attrs

from callcenter.hotline import HotlineInput, HotlineOutput

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "adapter-contract.md"
DIRECTIVE = re.compile(r"^```\{attrs-fields\}\s+callcenter\.hotline\.(\w+)$", re.MULTILINE)


def extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("attrsfields", ROOT / "docs/_ext/attrsfields.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contract() -> list[type]:
    return [*typing.get_args(HotlineInput), *typing.get_args(HotlineOutput)]


def test_every_input_and_output_has_a_table_on_the_page() -> None:
    tables = DIRECTIVE.findall(PAGE.read_text(encoding="utf-8"))
    assert sorted(tables) == sorted(cls.__name__ for cls in contract())


def test_every_field_of_the_contract_has_a_meaning() -> None:
    field_docs = extension().field_docs
    missing = [
        f"{cls.__name__}.{field.name}"
        for cls in contract()
        for field in attrs.fields(cls)
        if not field_docs(cls).get(field.name)
    ]
    assert missing == []
