"""The govatlas graph as a labelled property graph: the model of Neo4j, FalkorDB and NetworkX.

The RDF graph records competence allocations and coordination links as nodes of their own
(n-ary statements with a period, a status and a source). A property graph can put properties
on relationships, so both become relationships here, which is what graph databases and
network tools expect: ``(Actor)-[:HOLDS {qualifier, level, source, ...}]->(Competence)`` and
``(Actor)-[:FUNDS {instrument, valid_from, source, ...}]->(Actor)``. Each relationship keeps
the IRI of its statement, so two sources stating the same allocation stay two relationships and
every one leads back to the RDF statement and its source line. docs/property-graph.md is the
reference of every label, relationship type and property.

One mapping, three writers: :mod:`govatlas.graph.export.neo4j` (Bolt),
:mod:`govatlas.graph.export.files` (neo4j-admin CSV, GraphML, GEXF) all read
:func:`property_graph`, so the three give the same graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govatlas.graph.store import GraphStore, bind
from govatlas.ontology.namespaces import (
    ACTOR,
    GA,
    INSTRUMENT,
    ORG,
    RDF,
    RDFS,
    SKOS,
    sparql_prefixes,
)
from govatlas.ontology.sparql import load_query, with_values
from govatlas.ontology.vocabulary import code_of, vocabulary

#: Property names and types of each node label and relationship kind, in column order. The
#: types are neo4j-admin's (``string[]`` is a list of strings); every writer fills the absent
#: properties with None, so a rerun removes a value the graph no longer has.
NODE_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "Actor": (
        ("iri", "string"), ("id", "string"), ("label", "string"), ("alt_labels", "string[]"),
        ("type", "string"), ("levels", "string[]"), ("country", "string"),
        ("territories", "string[]"), ("parent", "string"), ("valid_from", "string"),
        ("valid_until", "string"), ("note", "string"), ("sources", "string[]"),
    ),
    "Competence": (
        ("iri", "string"), ("code", "string"), ("label", "string"), ("label_fr", "string"),
        ("placeholder", "boolean"),
    ),
    "Instrument": (
        ("iri", "string"), ("id", "string"), ("label", "string"), ("alt_labels", "string[]"),
        ("type", "string"), ("country", "string"), ("territories", "string[]"),
        ("status", "string"), ("owner", "string"), ("valid_from", "string"),
        ("valid_until", "string"), ("note", "string"), ("sources", "string[]"),
    ),
    "Territory": (("iri", "string"), ("label", "string"), ("country", "string")),
}

#: Relationship kinds: HOLDS (allocations), LINK (coordination links, typed by their link
#: type) and STRUCTURE (part-of, territory, ownership, alignment, succession of instruments).
RELATIONSHIP_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "HOLDS": (
        ("iri", "string"), ("level", "string"), ("qualifier", "string"),
        ("qualifier_kinds", "string[]"), ("note", "string"), ("stated_as", "string"),
        ("territory", "string"), ("valid_from", "string"), ("valid_until", "string"),
        ("source", "string"), ("locator", "string"), ("sources", "string[]"),
    ),
    "LINK": (
        ("iri", "string"), ("link_type", "string"), ("instrument", "string"),
        ("instrument_label", "string"), ("status", "string"), ("valid_from", "string"),
        ("valid_until", "string"), ("note", "string"), ("source", "string"),
        ("locator", "string"), ("sources", "string[]"), ("competence", "string"),
        ("allocation", "string"),
    ),
    "STRUCTURE": (),
}

#: The labels that carry a uniqueness constraint (or index) on ``iri``.
KEYED_LABELS: tuple[str, ...] = tuple(NODE_PROPERTIES)

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
TEXT_SEPARATOR = " | "


@dataclass(frozen=True)
class Node:
    """A node: its primary label (the one keyed by ``iri``), extra labels and properties."""

    label: str
    iri: str
    properties: dict[str, Any]
    extra_labels: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.extra_labels)


@dataclass(frozen=True)
class Relationship:
    """A relationship between two nodes named by their IRIs and primary labels.

    ``kind`` selects the property schema (HOLDS, LINK, STRUCTURE). Statement relationships
    (HOLDS, links) are keyed by their ``iri`` property; structural ones by their end nodes, as
    there is at most one of each type between two nodes.
    """

    type: str
    kind: str
    start: str
    start_label: str
    end: str
    end_label: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str | None:
        return self.properties.get("iri")


@dataclass
class PropertyGraph:
    """The nodes and relationships of the mapping, and what could not be mapped (with why)."""

    nodes: list[Node]
    relationships: list[Relationship]
    skipped: list[str] = field(default_factory=list)

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in self.nodes:
            for label in node.labels:
                counts[label] = counts.get(label, 0) + 1
        return counts

    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for relationship in self.relationships:
            counts[relationship.type] = counts.get(relationship.type, 0) + 1
        return counts


def link_type_name(code: str) -> str:
    """The relationship type of a link-type code (``administers-funds-of`` ->
    ``ADMINISTERS_FUNDS_OF``): Neo4j's convention for relationship types."""
    return re.sub(r"[^A-Za-z0-9]+", "_", code).strip("_").upper()


def type_label(class_iri: str) -> str:
    """The node label of an actor-type class: its local name (ga:Municipality -> Municipality)."""
    return code_of(class_iri)


def check_name(name: str) -> str:
    """``name`` if it can be a label or relationship type without quoting, else ValueError.

    Labels and types cannot be Cypher parameters (without APOC or Neo4j 5.26's dynamic labels,
    which FalkorDB lacks), so they are written into the query text: only plain names pass.
    """
    if not NAME_PATTERN.match(name):
        raise ValueError(f"'{name}' cannot be a label or relationship type")
    return name


# --- reading the RDF graph ------------------------------------------------------------------
Facts = dict[str, dict[str, set[str]]]

ACTOR_PREDICATES = (RDFS + "label", SKOS + "altLabel", ORG + "classification", GA + "level",
                    GA + "country", GA + "territory", ORG + "subOrganizationOf",
                    GA + "validFrom", GA + "validUntil", GA + "note")
INSTRUMENT_PREDICATES = (RDFS + "label", SKOS + "altLabel", GA + "instrumentType",
                         GA + "country", GA + "territory", GA + "status", GA + "owner",
                         GA + "aligns", GA + "succeeds", GA + "validFrom", GA + "validUntil",
                         GA + "note")
ALLOCATION_PREDICATES = (GA + "holder", GA + "competence", GA + "level", GA + "territory",
                         GA + "qualifier", GA + "qualifierKind", GA + "note", GA + "statedAs",
                         GA + "validFrom", GA + "validUntil")
LINK_PREDICATES = (GA + "fromActor", GA + "toActor", GA + "linkType", GA + "instrument",
                   GA + "status", GA + "validFrom", GA + "validUntil", GA + "note",
                   GA + "concernsCompetence", GA + "concernsAllocation")

def rows(store: GraphStore, query: str, bindings: dict[str, ox.NamedNode] | None = None):
    """The solutions of a SELECT query over the store's union, one at a time: the mapping
    reads every statement of a country (1.5 million rows for the France-sized one), and
    :meth:`GraphStore.select` would hold them all, each as a dict, before the first is used."""
    return store.store.query(sparql_prefixes() + bind(query, bindings), **store.query_options())


def facts(store: GraphStore, class_iri: str, predicates: Iterable[str]) -> Facts:
    """For every instance of ``class_iri``: predicate -> its distinct values (IRIs or text).

    Read as plain triples and grouped here rather than with GROUP_CONCAT, so a value holding
    any separator survives, and a thing stated in two datasets (the same triple in two graphs)
    counts once.
    """
    query = with_values(load_query(__package__, "facts"), "p",
                        (ox.NamedNode(iri) for iri in (RDF + "type", *predicates)))
    found: Facts = {}
    for row in rows(store, query, {"class": ox.NamedNode(class_iri)}):
        by_predicate = found.setdefault(row["s"].value, {})
        by_predicate.setdefault(row["p"].value, set()).add(row["o"].value)
    return found


def derivations(store: GraphStore) -> dict[str, list[tuple[str, str]]]:
    """Every thing with provenance -> its sorted (source document, locator) pairs."""
    found: dict[str, set[tuple[str, str]]] = {}
    for row in rows(store, load_query(__package__, "derivations")):
        found.setdefault(row["s"].value, set()).add((row["source"].value, row["locator"].value))
    return {thing: sorted(pairs) for thing, pairs in found.items()}


def _all(values: dict[str, set[str]], predicate: str) -> list[str]:
    return sorted(values.get(predicate, ()))


def _one(values: dict[str, set[str]], predicate: str) -> str | None:
    """The value of a property that should have one; the smallest if datasets disagree."""
    found = _all(values, predicate)
    return found[0] if found else None


def _text(values: dict[str, set[str]], predicate: str) -> str | None:
    """A free-text property: every distinct value, joined, so no dataset's words are lost."""
    found = _all(values, predicate)
    return TEXT_SEPARATOR.join(found) if found else None


def _list(items: Iterable[str]) -> list[str] | None:
    """A list property; None when empty, so the property is absent rather than []."""
    result = list(dict.fromkeys(items))
    return result or None


def _alternatives(labels: list[str], values: dict[str, set[str]]) -> list[str] | None:
    """Other names: the alternative labels, and any second label a dataset gave."""
    main = labels[0] if labels else None
    return _list(name for name in [*labels[1:], *_all(values, SKOS + "altLabel")]
                 if name != main)


def _period(values: dict[str, set[str]]) -> tuple[str | None, str | None]:
    """The widest period the sources give: the earliest start and the latest end."""
    starts = _all(values, GA + "validFrom")
    ends = _all(values, GA + "validUntil")
    return (starts[0] if starts else None, ends[-1] if ends else None)


def _complete(schema: tuple[tuple[str, str], ...], properties: dict[str, Any]) -> dict[str, Any]:
    """``properties`` with every key of the schema, in schema order, absent ones as None."""
    return {name: properties.get(name) for name, _ in schema}


def _provenance(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    source, locator = pairs[0] if pairs else (None, None)
    return {"source": source, "locator": locator,
            "sources": _list(f"{document}:{where}" for document, where in pairs)}


#: What :func:`property_graph` can map: every node label and relationship kind, and the part
#: the actor network (GraphML, GEXF) needs: its actors and their coordination links.
EVERYTHING = frozenset({"Territory", "Actor", "Instrument", "HOLDS", "Competence", "LINK"})
ACTOR_NETWORK = frozenset({"Actor", "LINK"})


def property_graph(store: GraphStore, parts: frozenset[str] = EVERYTHING) -> PropertyGraph:
    """The property graph of everything in ``store`` (all datasets), as docs/property-graph.md
    describes it, or of its ``parts`` only (node labels and relationship kinds, see
    :data:`EVERYTHING`): what a part is mapped to does not depend on the others, and the
    actor network need not read the country's allocations (a third of its statements).
    Structure relationships come with the nodes they start from."""
    vocab = vocabulary()

    def code(iri: str | None) -> str | None:
        if iri is None:
            return None
        concept = vocab.by_iri.get(iri)
        return concept.code if concept else iri

    def rank(iri: str) -> tuple[int, str]:
        concept = vocab.by_iri.get(iri)
        return (concept.rank if concept and concept.rank is not None else 99, iri)

    provenance = derivations(store)
    territories: dict[str, dict[str, set[str]]] = {}
    for row in store.select(load_query(__package__, "territories-with-country")):
        values = territories.setdefault(row["t"].value, {})
        values.setdefault(RDFS + "label", set()).add(row["label"].value)
        if row["country"] is not None and row["country"].value:
            values.setdefault(GA + "country", set()).add(row["country"].value)
    territory_label = {iri: _one(values, RDFS + "label") or iri
                       for iri, values in territories.items()}

    nodes: list[Node] = []
    relationships: list[Relationship] = []
    skipped: list[str] = []

    def structure(kind: str, start: str, start_label: str, end: str, end_label: str) -> None:
        relationships.append(Relationship(kind, "STRUCTURE", start, start_label, end,
                                          end_label))

    # Territories -------------------------------------------------------------------------
    for iri, values in sorted(territories.items() if "Territory" in parts else ()):
        nodes.append(Node("Territory", iri, _complete(NODE_PROPERTIES["Territory"], {
            "iri": iri, "label": territory_label[iri], "country": _one(values, GA + "country"),
        })))

    # Actors ------------------------------------------------------------------------------
    actors = facts(store, GA + "Actor", ACTOR_PREDICATES)
    for iri, values in sorted(actors.items()):
        labels = _all(values, RDFS + "label")
        actor_type = _one(values, ORG + "classification")
        valid_from, valid_until = _period(values)
        extra = (check_name(type_label(actor_type)),) if actor_type else ()
        nodes.append(Node("Actor", iri, _complete(NODE_PROPERTIES["Actor"], {
            "iri": iri,
            "id": iri.removeprefix(ACTOR),
            "label": labels[0] if labels else None,
            "alt_labels": _alternatives(labels, values),
            "type": code(actor_type),
            "levels": _list(code(level) or level for level in sorted(
                values.get(GA + "level", ()), key=rank)),
            "country": _one(values, GA + "country"),
            "territories": _list(sorted(territory_label.get(t, t)
                                        for t in values.get(GA + "territory", ()))),
            "parent": _one(values, ORG + "subOrganizationOf"),
            "valid_from": valid_from,
            "valid_until": valid_until,
            "note": _text(values, GA + "note"),
            "sources": _provenance(provenance.get(iri, []))["sources"],
        }), extra))
        for parent in _all(values, ORG + "subOrganizationOf"):
            if parent in actors:
                structure("SUB_ORGANIZATION_OF", iri, "Actor", parent, "Actor")
            else:
                skipped.append(f"{iri} is part of {parent}, which is not an actor")
        for territory in _all(values, GA + "territory"):
            if territory in territories:
                structure("IN_TERRITORY", iri, "Actor", territory, "Territory")

    # Instruments -------------------------------------------------------------------------
    instruments = facts(store, GA + "Instrument", INSTRUMENT_PREDICATES)
    instrument_label: dict[str, str] = {}
    for iri, values in sorted(instruments.items()):
        labels = _all(values, RDFS + "label")
        instrument_label[iri] = labels[0] if labels else iri
        if "Instrument" not in parts:
            continue
        valid_from, valid_until = _period(values)
        owner = _one(values, GA + "owner")
        nodes.append(Node("Instrument", iri, _complete(NODE_PROPERTIES["Instrument"], {
            "iri": iri,
            "id": iri.removeprefix(INSTRUMENT),
            "label": labels[0] if labels else None,
            "alt_labels": _alternatives(labels, values),
            "type": code(_one(values, GA + "instrumentType")),
            "country": _one(values, GA + "country"),
            "territories": _list(sorted(territory_label.get(t, t)
                                        for t in values.get(GA + "territory", ()))),
            "status": code(_one(values, GA + "status")),
            "owner": owner,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "note": _text(values, GA + "note"),
            "sources": _provenance(provenance.get(iri, []))["sources"],
        })))
        for target in _all(values, GA + "owner"):
            if target in actors:
                structure("OWNED_BY", iri, "Instrument", target, "Actor")
            else:
                skipped.append(f"{iri} is owned by {target}, which is not an actor")
        for predicate, kind in ((GA + "aligns", "ALIGNS"), (GA + "succeeds", "SUCCEEDS")):
            for target in _all(values, predicate):
                if target in instruments:
                    structure(kind, iri, "Instrument", target, "Instrument")
                else:
                    skipped.append(f"{iri} {kind.lower()} {target}, which is not an "
                                   "instrument")
        for territory in _all(values, GA + "territory"):
            if territory in territories:
                structure("IN_TERRITORY", iri, "Instrument", territory, "Territory")

    # Competence allocations -> HOLDS -----------------------------------------------------
    allocations = (facts(store, GA + "CompetenceAllocation", ALLOCATION_PREDICATES)
                   if parts & {"HOLDS", "Competence"} else {})
    competences: set[str] = set()
    for iri, values in sorted(allocations.items()):
        holder = _one(values, GA + "holder")
        competence = _one(values, GA + "competence")
        if holder not in actors or competence is None:
            skipped.append(f"allocation {iri} has no actor holder or no competence")
            continue
        competences.add(competence)
        if "HOLDS" not in parts:
            continue
        valid_from, valid_until = _period(values)
        territory = _one(values, GA + "territory")
        relationships.append(Relationship("HOLDS", "HOLDS", holder, "Actor", competence,
                                          "Competence", _complete(
            RELATIONSHIP_PROPERTIES["HOLDS"], {
                "iri": iri,
                "level": code(_one(values, GA + "level")),
                "qualifier": _text(values, GA + "qualifier"),
                "qualifier_kinds": _list(sorted(code(kind) or kind for kind in values.get(
                    GA + "qualifierKind", ()))),
                "note": _text(values, GA + "note"),
                "stated_as": _text(values, GA + "statedAs"),
                "territory": territory_label.get(territory, territory) if territory else None,
                "valid_from": valid_from,
                "valid_until": valid_until,
                **_provenance(provenance.get(iri, [])),
            })))

    placeholders = {row["c"].value
                    for row in store.select(load_query(__package__, "placeholders"))}
    for iri in sorted(competences if "Competence" in parts else ()):
        concept = vocab.by_iri.get(iri)
        nodes.append(Node("Competence", iri, _complete(NODE_PROPERTIES["Competence"], {
            "iri": iri,
            "code": concept.code if concept else code_of(iri),
            "label": concept.label if concept else code_of(iri),
            "label_fr": (concept.label_fr or None) if concept else None,
            "placeholder": True if iri in placeholders else None,
        })))

    # Coordination links -> one relationship type per link type --------------------------
    links = facts(store, GA + "CoordinationLink", LINK_PREDICATES) if "LINK" in parts else {}
    for iri, values in sorted(links.items()):
        start = _one(values, GA + "fromActor")
        end = _one(values, GA + "toActor")
        link_type = code(_one(values, GA + "linkType"))
        if start not in actors or end not in actors or link_type is None:
            skipped.append(f"link {iri} lacks an actor at one end or a link type")
            continue
        instrument = _one(values, GA + "instrument")
        valid_from, valid_until = _period(values)
        relationships.append(Relationship(
            check_name(link_type_name(link_type)), "LINK", start, "Actor", end, "Actor",
            _complete(RELATIONSHIP_PROPERTIES["LINK"], {
                "iri": iri,
                "link_type": link_type,
                "instrument": instrument,
                "instrument_label": instrument_label.get(instrument) if instrument else None,
                "status": code(_one(values, GA + "status")),
                "valid_from": valid_from,
                "valid_until": valid_until,
                "note": _text(values, GA + "note"),
                **_provenance(provenance.get(iri, [])),
                "competence": code(_one(values, GA + "concernsCompetence")),
                "allocation": _one(values, GA + "concernsAllocation"),
            })))
    return PropertyGraph(nodes, relationships, skipped)
