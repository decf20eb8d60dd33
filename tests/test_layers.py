"""Data flows one way: ``readwrite | stores -> tables -> analysis -> render | cli``.

A module may import only from its own layer or the layers below it (imports inside
functions included: a lazy import is still a dependency), and nothing but the Neo4j
store imports the driver. Read from the source with :mod:`ast`, nothing imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "relgraph"

# Each module's layer, by its dotted name under relgraph (the longest prefix wins);
# a module may import from layers of a lower or equal number.
LAYERS = {
    "model": 0,
    "errors": 0,
    "rows": 0,
    "deferred": 0,  # deferred imports (of networkx), used where a command begins
    "words": 0,  # the words people read (SPEC section 3, "Words"): tables and pages alike
    "tables": 1,
    "validate": 2,
    "graph": 3,
    "readwrite": 4,
    "cache": 4,  # the load cache of readwrite.load
    "memory": 0,  # allocator settings (pyarrow alone)
    "jsontext": 0,  # compact JSON text (orjson, json)
    "workers": 0,  # work shared out to forked processes (the standard library alone)
    "arrowcompute": 0,  # arrow's compute functions without pyarrow.compute (pyarrow alone)
    "template": 4,  # the example rows and column notes of `init` (and of exported workbooks)
    "stores": 5,
    "analysis": 6,
    "render": 7,
    "imports": 7,
    "demo": 8,
    "cli": 8,
    "__main__": 8,
    "__init__": 8,  # the public API names every layer (lazily, by string)
    "cypher": 0,
}
# Same number, still forbidden: analyses never know which store a graph came from.
FORBIDDEN = {("analysis", "stores")}
TOP = "cli"
"""The layer of a module LAYERS does not name (a new entry point): nothing below the
top may import it."""


def layer_name(module: str) -> str:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in LAYERS:
            return name
    return TOP


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        out.append((".".join(parts), path))
    return out


def imported(module: str, path: Path) -> list[tuple[str, int]]:
    """The relgraph modules (dotted, without ``relgraph.``) that ``module`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("relgraph"):
                target = node.module.removeprefix("relgraph").lstrip(".")
            else:
                continue
            names = [a.name for a in node.names]
            # `from . import x` / `from .pkg import mod`: the names may be modules.
            out.extend((f"{target}.{n}" if target else n, node.lineno) for n in names)
        elif isinstance(node, ast.Import):
            out.extend(
                (a.name.removeprefix("relgraph").lstrip("."), node.lineno)
                for a in node.names
                if a.name.startswith("relgraph.")
            )
    return [(t, line) for t, line in out if t]


@pytest.mark.parametrize("module,path", modules(), ids=[m for m, _ in modules()])
def test_no_lower_layer_imports_a_higher_one(module, path):
    mine = layer_name(module)
    for target, line in imported(module, path):
        theirs = layer_name(target)
        where = f"relgraph/{path.relative_to(PACKAGE)}:{line}"
        assert LAYERS[theirs] <= LAYERS[mine], f"{where}: {mine} (layer {LAYERS[mine]}) imports {target}"
        for low, high in FORBIDDEN:
            if mine == low and (theirs == high or target.startswith(high + ".")):
                assert False, f"{where}: {mine} must not import {target}"


def test_only_the_neo4j_store_imports_the_driver():
    for module, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            )
            if any(n == "neo4j" or n.startswith("neo4j.") for n in names):
                assert module == "stores.neo4j", f"relgraph/{path.relative_to(PACKAGE)}:{node.lineno} imports neo4j"


def test_the_checker_sees_a_violation(tmp_path):
    # The checker itself: a module of a lower layer importing a higher one is caught.
    bad = tmp_path / "tables.py"
    bad.write_text("from .analysis.frame import Frame\n")
    (target, _), = imported("tables", bad)
    assert target == "analysis.frame.Frame"
    assert LAYERS[layer_name(target)] > LAYERS[layer_name("tables")]
