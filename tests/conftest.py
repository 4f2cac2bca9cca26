"""Shared fixtures: small datasets written on the fly, and stores built from them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from govatlas.graph.pipeline import build, load_ontology
from govatlas.graph.store import GraphStore

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.exists():  # a clone with shared/ beside it, as CI has
    SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

ACTORS = """\
id,label,type,level,country,parent,territory,source,locator
xx-state,State of Example,national-government,national,FR,,Exampleville,doc.txt,1
xx-city,City of Exampleville,municipality,local,FR,,Exampleville,doc.txt,2
xx-ngo,Example Welcome Association,ngo,local,FR,,Exampleville,doc.txt,3
"""
COMPETENCES = """\
holder,competence,level,qualifier,valid_from,valid_until,source,locator
xx-state,borders-residency,national,,,,doc.txt,4
xx-city,housing,local,implementation,2019,,doc.txt,5
"""
LINKS = """\
from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
xx-state,xx-city,funds,,2019,2021,doc.txt,6
xx-ngo,xx-city,implements-for,,,,doc.txt,7
"""


def write_dataset(folder: Path, **files: str) -> Path:
    """Write a dataset folder: the three small valid files, overridden by ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {"actors": ACTORS, "competences": COMPETENCES, "links": LINKS, **files}
    for name, text in contents.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def dataset(tmp_path: Path):
    """A function writing a dataset under tmp_path: ``dataset(name, actors=..., links=...)``."""

    def make(name: str = "example", **files: str) -> Path:
        return write_dataset(tmp_path / name, **files)

    return make


@pytest.fixture
def empty_store() -> GraphStore:
    store = GraphStore.in_memory()
    load_ontology(store)
    return store


@pytest.fixture(scope="session")
def bundled_store() -> GraphStore:
    """The ontology and every bundled dataset, in memory, built once per test session."""
    store = GraphStore.in_memory()
    build(store)
    return store
