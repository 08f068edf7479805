"""No module of ``callcenter`` imports itself back, directly or through others.

Every module under ``src/callcenter`` is parsed with :mod:`ast` (nothing is
imported). An edge goes from a module to each ``callcenter`` module it imports
anywhere in its text: at module level, inside ``if``/``try`` blocks, under
``if TYPE_CHECKING:`` (a type-only import is a dependency of ideas just the same),
and also lazily inside functions -- a lazy import is the usual way to hide a cycle
from the interpreter, not to remove it, so it is counted too. Relative imports are
resolved against the importing module's package; ``from package import name``
counts as an import of ``package.name`` when that is a module, otherwise of
``package``. Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``; that
implicit step is not counted, since a package's ``__init__`` re-exports its private
modules and every private module importing a sibling would otherwise "cycle"
through its own package. Imports by computed name (``importlib.import_module``) are
not seen.

The test prints every cycle it finds, as a chain of module names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import callcenter

ROOT = Path(callcenter.__file__).resolve().parent
PACKAGE = "callcenter"

# The cycles tolerated for now, each as the set of its modules (a strongly connected
# part of the import graph). This list is meant to shrink to nothing: remove an entry
# as soon as its cycle is broken -- ``test_every_allowed_cycle_still_exists`` fails
# on an entry whose cycle is gone, so the list cannot outlive what it excuses.
ALLOWED_CYCLES: frozenset[frozenset[str]] = frozenset()


def _modules() -> dict[str, tuple[Path, bool]]:
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of the module, wherever it stands."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _imported(
    name: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: set[str]
) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    # ``from package import module`` imports the module; any other name is the package's
    return {
        f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
        for alias in node.names
    }


def import_graph() -> dict[str, set[str]]:
    """Each ``callcenter`` module and the ``callcenter`` modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _imports(tree):
            for target in _imported(name, is_package, node, set(modules)):
                if target in modules and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def cyclic_parts(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected parts of more than one module: each holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []

    def visit(start: str) -> None:
        # iterative Tarjan: the graph is small, but recursion depth is not the point
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(frozenset(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(components, key=min)


def cycle_in(graph: dict[str, set[str]], component: frozenset[str]) -> list[str]:
    """A shortest cycle through the component's first module, as a closed chain."""
    start = min(component)
    paths: dict[str, list[str]] = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "callcenter.tickets._workflow" in graph
    assert "callcenter.tickets._table" in graph["callcenter.tickets._workflow"]
    assert "callcenter.tickets._table" in graph["callcenter.tickets._firing"]
    # the calendar reads its document form, which knows only the calendar's parts
    assert "callcenter._calendar_doc" in graph["callcenter.calendars"]
    assert "callcenter._calendar_parts" in graph["callcenter._calendar_doc"]
    assert "callcenter.calendars" not in graph["callcenter._calendar_doc"]


def test_imports_inside_functions_are_edges() -> None:
    text = "def f() -> None:\n    from ._b import g\n    g()\n"
    nodes = list(_imports(ast.parse(text)))
    assert _imported("pkg._a", False, nodes[0], {"pkg._b"}) == {"pkg._b"}


def test_a_cycle_is_found_and_shown() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"a"}, "e": {"a"}}
    assert cyclic_parts(graph) == [frozenset("abcd")]
    assert cycle_in(graph, frozenset("abcd")) == ["a", "b", "c", "a"]
    assert cyclic_parts({"a": {"b"}, "b": set()}) == []


def test_imports_under_type_checking_are_edges() -> None:
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import _b\n"
    nodes = list(_imports(ast.parse(text)))
    assert _imported("pkg._a", False, nodes[1], {"pkg._b"}) == {"pkg._b"}


def test_no_import_cycles() -> None:
    graph = import_graph()
    unexpected = [part for part in cyclic_parts(graph) if part not in ALLOWED_CYCLES]
    shown = [" -> ".join(cycle_in(graph, part)) for part in unexpected]
    for chain in shown:
        print("import cycle:", chain)
    assert not shown, "import cycles: " + "; ".join(shown)


def test_every_allowed_cycle_still_exists() -> None:
    parts = cyclic_parts(import_graph())
    stale = sorted(sorted(allowed) for allowed in ALLOWED_CYCLES if allowed not in parts)
    assert not stale, f"these cycles are gone: remove them from ALLOWED_CYCLES: {stale}"
