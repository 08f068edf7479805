"""A Sphinx directive that shows a ``callcenter`` command's ``--help`` text.

``.. cli-help:: ivr check`` renders the help of ``callcenter ivr check`` as a literal
block, taken from the real argument parser at build time, so the reference cannot
drift from the code. ``.. cli-help::`` with no argument shows the top-level help.
"""

from __future__ import annotations

import argparse
import os

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from callcenter.cli import build_parser


def find_parser(words: list[str]) -> argparse.ArgumentParser:
    """The parser of a (sub)command, found by walking the subcommand actions."""
    parser = build_parser()
    for word in words:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and word in action.choices:
                parser = action.choices[word]
                break
        else:
            raise ValueError(f"no command {' '.join(words)!r} in the callcenter parser")
    return parser


class CliHelp(SphinxDirective):
    """Insert the ``--help`` text of a command."""

    optional_arguments = 3
    has_content = False

    def run(self) -> list[nodes.Node]:
        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal; fix the width
        try:
            text = find_parser(list(self.arguments)).format_help()
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the directive."""
    app.add_directive("cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
