"""Every tutorial and how-to guide, and the README's taste of the API, runs as written.

The ``python`` code blocks of each page are executed in order, in one namespace per
page, in a fresh temporary working directory. A block fenced as ``python`` must run;
blocks in other languages (``text``, ``toml``, ``console``) are not executed, except
that a ``toml`` or ``json`` block whose first line is a comment ``# file: NAME`` is
written to ``NAME`` first, so a tutorial can show a file and then load it.
``>>>`` examples in any page are checked by pytest's doctest collection instead.

A ``text`` block right after a ``python`` block that prints is the output the page
promises: what the block printed (on standard output and standard error, as a
terminal shows them) must be that text (trailing spaces aside).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted([*DOCS.glob("tutorials/*.md"), *DOCS.glob("how-to/*.md")]), ROOT / "README.md"]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
FILE_MARK = re.compile(r"^(?:#|//)\s*file:\s*(\S+)\s*$")


def blocks(page: Path) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_runs_as_written(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    ran = 0
    printed = ""  # what the python block just before printed
    for index, (language, code) in enumerate(blocks(page)):
        first = code.splitlines()[0] if code.strip() else ""
        mark = FILE_MARK.match(first)
        if language == "text" and printed:
            assert _lines(printed) == _lines(code), (
                f"{page.name}[block {index}]: the block before prints\n{printed}"
            )
        printed = ""
        if language in ("toml", "json") and mark:
            (tmp_path / mark[1]).write_text(code, encoding="utf-8")
            continue
        if language != "python":
            continue
        # dont_inherit: this module's __future__ imports must not leak into the page.
        compiled = compile(code, f"{page.name}[block {index}]", "exec", dont_inherit=True)
        output = io.StringIO()
        # Both streams, as a terminal shows them (the CLI's errors go to stderr).
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            exec(compiled, namespace)
        printed = output.getvalue()
        ran += 1
    assert ran > 0, f"{page.name} has no python block to run"


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_every_section_has_pages() -> None:
    for section in ("tutorials", "how-to", "reference", "explanation"):
        assert list((DOCS / section).glob("*.md")), f"docs/{section} is empty"
