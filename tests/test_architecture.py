"""The data flows one way: each package imports only the layers below it.

    govatlas.cli, govatlas.options   ->  govatlas.api, viz (rendering), ontology.errors
    govatlas.api                     ->  graph, loaders, queries, viz, ontology
    viz (renderers)                  ->  values of graph's domain types, ontology
    queries                          ->  graph.store, ontology
    graph (domain, pipeline)         ->  graph.store, loaders, ontology (and the bundled data)
    graph.store                      ->  ontology
    loaders                          ->  ontology
    ontology                         ->  nothing of govatlas

A module's imports are read from its source (also those inside functions), so a lazy import
that climbs a layer is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: folder -> package, as pyproject's package-dir maps them
FOLDERS = {"govatlas": "govatlas", "ontology": "govatlas.ontology", "graph": "govatlas.graph",
           "loaders": "govatlas.loaders", "queries": "govatlas.queries", "viz": "govatlas.viz"}

#: layer -> the layers it may import (itself always)
ALLOWED = {
    "ontology": set(),
    "loaders": {"ontology"},
    "graph.store": {"ontology"},
    "graph": {"graph.store", "loaders", "ontology", "data"},
    "queries": {"graph.store", "ontology"},
    "viz": {"graph", "graph.store", "ontology", "loaders"},
    "api": {"graph", "graph.store", "loaders", "queries", "viz", "ontology", "data"},
    "cli": {"api", "viz", "ontology", "queries", "loaders"},
    "data": set(),
}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[:3] == ["govatlas", "graph", "store"]:
        return "graph.store"
    if len(parts) == 1:
        return "api"  # the package's own __init__ re-exports the api
    if parts[1] in ("cli", "options", "__main__"):
        return "cli"
    return parts[1]


def modules() -> list[tuple[str, Path]]:
    found = []
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            found.append((".".join([package, *parts]), path))
    return found


def imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("govatlas.")}


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_a_module_imports_only_the_layers_below_it(module: str, path: Path) -> None:
    own = layer(module)
    wrong = sorted(name for name in imports(module, path)
                   if layer(name) != own and layer(name) not in ALLOWED[own])
    assert not wrong, f"{module} ({own}) imports {wrong}"
