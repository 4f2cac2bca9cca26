"""The code lists of the SKOS vocabularies, read from the Turtle files.

Datasets name actor types, levels, competences and link types by their ``skos:notation``; this
module turns such a code into its concept and, for a code that does not exist, finds the nearest
valid one so an error message can say what the user probably meant.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from . import ontology_files
from .errors import UsageError
from .namespaces import (
    CHANGE_TYPE,
    COMPETENCE,
    GA,
    GAP,
    GAP_EFFECT,
    INSTRUMENT_TYPE,
    LEVEL,
    LINK_TYPE,
    QUALIFIER_KIND,
    QUANTITY,
    STATUS,
    sparql_prefixes,
)
from .sparql import load_query

#: The code lists a dataset may use, by the name error messages give them.
SCHEMES: dict[str, str] = {
    "actor type": GA + "ActorTypes",
    "level": LEVEL,
    "competence": COMPETENCE,
    "link type": LINK_TYPE,
    "instrument type": INSTRUMENT_TYPE,
    "gap": GAP,
    "gap effect": GAP_EFFECT,
    "status": STATUS,
    "quantity kind": QUANTITY,
    "qualifier kind": QUALIFIER_KIND,
    "change type": CHANGE_TYPE,
}


@dataclass(frozen=True)
class Concept:
    """One concept of a code list."""

    iri: str
    code: str
    label: str
    label_fr: str = ""
    broader: tuple[str, ...] = ()
    rank: int | None = None


@dataclass
class CodeList:
    """The concepts of one scheme, by code."""

    name: str
    scheme: str
    by_code: dict[str, Concept] = field(default_factory=dict)

    def __contains__(self, code: str) -> bool:
        return code in self.by_code

    def suggest(self, wrong: str) -> str | None:
        """The valid code closest to ``wrong``, comparing codes and English labels."""
        wrong_key = wrong.strip().lower()
        candidates: dict[str, str] = {}
        for concept in self.by_code.values():
            candidates[concept.code] = concept.code
            candidates[concept.label.lower()] = concept.code
        match = difflib.get_close_matches(wrong_key, list(candidates), n=1, cutoff=0.5)
        if match:
            return candidates[match[0]]
        for key, code in candidates.items():
            if wrong_key and (wrong_key in key or key in wrong_key):
                return code
        return None


class UnknownCode(UsageError, ValueError):
    """A code that is not in its code list; carries the nearest valid code."""

    def __init__(self, code_list: CodeList, code: str) -> None:
        self.code_list = code_list
        self.code = code
        self.suggestion = code_list.suggest(code)
        super().__init__(f"unknown {code_list.name} '{code}'")


class Vocabulary:
    """Every code list, read once from the ontology files."""

    def __init__(self, store: ox.Store) -> None:
        self.lists: dict[str, CodeList] = {}
        for name, scheme in SCHEMES.items():
            self.lists[name] = CodeList(name, scheme)
        by_scheme = {scheme: code_list for code_list in self.lists.values()
                     for scheme in [code_list.scheme]}
        for row in store.query(sparql_prefixes() + load_query(__package__, "concepts")):
            code_list = by_scheme.get(row["scheme"].value)
            if code_list is None:
                continue
            label = row["en"].value if row["en"] else row["code"].value
            concept = Concept(
                iri=row["c"].value,
                code=row["code"].value,
                label=label,
                label_fr=row["fr"].value if row["fr"] else "",
                broader=tuple(row["broader"].value.split()) if row["broader"] else (),
                rank=int(row["rank"].value) if row["rank"] else None,
            )
            code_list.by_code[concept.code] = concept
        # Actor types are classes labelled with rdfs:label rather than skos:prefLabel.
        for row in store.query(sparql_prefixes() + load_query(__package__,
                                                               "actor-type-labels")):
            for concept in list(self.lists["actor type"].by_code.values()):
                if concept.iri == row["c"].value:
                    self.lists["actor type"].by_code[concept.code] = Concept(
                        concept.iri, concept.code, row["en"].value, concept.label_fr,
                        concept.broader, concept.rank)
        # The ga: superclasses of every actor type, so that loaders can state them and queries
        # can ask for ga:PublicActor without a reasoner.
        self.ancestors: dict[str, list[str]] = {}
        for row in store.query(sparql_prefixes() + load_query(__package__,
                                                               "actor-type-ancestors")):
            self.ancestors.setdefault(row["c"].value, []).append(row["super"].value)
        self.by_iri: dict[str, Concept] = {
            concept.iri: concept
            for code_list in self.lists.values()
            for concept in code_list.by_code.values()
        }

    def resolve(self, list_name: str, code: str) -> Concept:
        """The concept of ``code`` in the named list, or :class:`UnknownCode`."""
        code_list = self.lists[list_name]
        concept = code_list.by_code.get(code.strip())
        if concept is None:
            raise UnknownCode(code_list, code)
        return concept

    def codes(self, list_name: str) -> list[str]:
        return list(self.lists[list_name].by_code)

    def label(self, iri: str) -> str:
        concept = self.by_iri.get(iri)
        return concept.label if concept else code_of(iri)


def code_of(iri: str) -> str:
    """The code a concept's IRI ends with: ``.../link-type/funds`` -> ``funds``,
    ``...ontology#Actor`` -> ``Actor``.

    The one place that reads a code out of an IRI, so every caller agrees on where it starts.

    >>> code_of("https://w3id.org/govatlas/link-type/funds")
    'funds'
    >>> code_of("http://www.w3.org/ns/shacl#Violation")
    'Violation'
    """
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def load_ontology_store() -> ox.Store:
    """An in-memory store holding the ontology and every vocabulary (default graph)."""
    store = ox.Store()
    for path in ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once per process."""
    return Vocabulary(load_ontology_store())


@cache
def gap_types() -> tuple[str, ...]:
    """The codes of the eight governance gaps, in the order the OECD report names them.

    The one list of the gaps: read from ``vocab/gaps.ttl`` (the list ``gap:as-named``), so the
    gap shapes, the command line's choices and the reports all name the same gaps in the same
    order, and a gap added to the vocabulary is known everywhere.

    >>> gap_types()[:3]
    ('information', 'capacity', 'fiscal')
    """
    rows = load_ontology_store().query(sparql_prefixes() + load_query(__package__, "gap-order"))
    return tuple(row["code"].value for row in rows)
