"""Sphinx configuration for the callcenter manual."""

from __future__ import annotations

import sys
from pathlib import Path

import callcenter

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "callcenter"
author = "The callcenter developers"
copyright = "2026, The callcenter developers"
release = callcenter.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "clihelp",
    "attrsfields",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_ext"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "furo"
html_title = f"callcenter {release}"
