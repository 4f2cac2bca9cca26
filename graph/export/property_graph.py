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
:func:`elements` (one node or relationship at a time) or :func:`property_graph` (the same,
held whole), so the three give the same graph.

Each kind of thing is read by one query (``queries/actors.rq``, ``allocations.rq``, ...) whose
columns are each one scan of a predicate, joined on the thing: on the France-sized country a
row per triple (``SELECT DISTINCT ?s ?p ?o``) cost twice the CPU, the engine looking each
predicate up thing by thing and decoding the thing's IRI once per triple.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govatlas.graph.store import GraphStore, bind
from govatlas.ontology.namespaces import (
    ACTOR,
    INSTRUMENT,
    sparql_prefixes,
)
from govatlas.ontology.sparql import load_query
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
#: One value of a thing's column, as read: None (no value), the value's text, or the set of
#: its distinct values when the datasets give more than one (a thing stated twice).
Cell = str | set[str] | None


@dataclass
class Table:
    """The things a query lists (its first column), each with the cells of its other columns:
    ``things[iri][columns["label"]]`` is the actor's label cell."""

    columns: dict[str, int]
    things: dict[str, list[Any]]

    def index(self, *names: str) -> tuple[int, ...]:
        """The positions of the columns ``names`` in each thing's cells."""
        return tuple(self.columns[name] for name in names)


def rows(store: GraphStore, query: str, bindings: dict[str, ox.NamedNode] | None = None):
    """The solutions of a SELECT query over the store's union, one at a time: the mapping
    reads every statement of a country (1.5 million rows for the France-sized one), and
    :meth:`GraphStore.select` would hold them all, each as a dict, before the first is used."""
    return store.store.query(sparql_prefixes() + bind(query, bindings), **store.query_options())


def facts(store: GraphStore, name: str) -> Table:
    """For every thing ``queries/NAME.rq`` lists (its first column): the cells of its other
    columns (see :data:`Cell`), with the IRI or text of each value.

    The query gives a row per combination of values, so a thing with two labels and two
    levels comes in four rows; merged here, each value counts once, whichever dataset stated
    it, and a value holding any separator survives (no GROUP_CONCAT). A thing with one row
    (nearly all of them) keeps that row as its cells, with no set made.
    """
    results = rows(store, load_query(__package__, name))
    columns = {variable.value: index for index, variable in enumerate(results.variables)}
    width = range(1, len(columns))
    things: dict[str, list[Any]] = {}
    for row in results:
        cells = [None if term is None else term.value for term in row]
        known = things.get(cells[0])
        if known is None:
            things[cells[0]] = cells
            continue
        for index in width:
            value, held = cells[index], known[index]
            if value is None or value == held:
                continue
            if held is None:
                known[index] = value
            elif held.__class__ is str:
                known[index] = {held, value}
            else:
                held.add(value)
    return Table(columns, things)


def derivations(store: GraphStore) -> dict[str, Any]:
    """Every thing with provenance -> its (source document, locator) pair, or the set of its
    pairs if it has several (read them with :func:`_pairs`)."""
    found: dict[str, Any] = {}
    for subject, source, locator in rows(store, load_query(__package__, "derivations")):
        pair = (source.value, locator.value)
        held = found.setdefault(subject.value, pair)
        if held.__class__ is tuple:
            if held != pair:
                found[subject.value] = {held, pair}
        else:
            held.add(pair)
    return found


def _pairs(cell: Any) -> list[tuple[str, str]]:
    """A thing's (source document, locator) pairs, sorted."""
    if cell is None:
        return []
    return [cell] if cell.__class__ is tuple else sorted(cell)


def _all(cell: Cell) -> list[str]:
    """Every distinct value of a cell, sorted."""
    if cell is None:
        return []
    return [cell] if cell.__class__ is str else sorted(cell)


def _one(cell: Cell) -> str | None:
    """The value of a property that should have one; the smallest if datasets disagree."""
    return cell if cell is None or cell.__class__ is str else min(cell)


def _last(cell: Cell) -> str | None:
    """The largest value: the latest end of a period the sources give."""
    return cell if cell is None or cell.__class__ is str else max(cell)


def _text(cell: Cell) -> str | None:
    """A free-text property: every distinct value, joined, so no dataset's words are lost."""
    return cell if cell is None or cell.__class__ is str else TEXT_SEPARATOR.join(sorted(cell))


def _list(items: Iterable[str]) -> list[str] | None:
    """A list property; None when empty, so the property is absent rather than []."""
    result = list(dict.fromkeys(items))
    return result or None


def _alternatives(labels: list[str], alternatives: Cell) -> list[str] | None:
    """Other names: the alternative labels, and any second label a dataset gave."""
    if len(labels) < 2 and alternatives is None:
        return None
    main = labels[0] if labels else None
    return _list(name for name in [*labels[1:], *_all(alternatives)] if name != main)


def _sources(pairs: list[tuple[str, str]]) -> list[str] | None:
    """The ``document:locator`` of each pair, each once; None if there is none."""
    if len(pairs) == 1:
        return [f"{pairs[0][0]}:{pairs[0][1]}"]
    return _list(f"{document}:{where}" for document, where in pairs)


#: What :func:`property_graph` can map: every node label and relationship kind, and the part
#: the actor network (GraphML, GEXF) needs: its actors and their coordination links.
EVERYTHING = frozenset({"Territory", "Actor", "Instrument", "HOLDS", "Competence", "LINK"})
ACTOR_NETWORK = frozenset({"Actor", "LINK"})

Element = Node | Relationship


def property_graph(store: GraphStore, parts: frozenset[str] = EVERYTHING) -> PropertyGraph:
    """The property graph of everything in ``store`` (all datasets), as docs/property-graph.md
    describes it, or of its ``parts`` only (node labels and relationship kinds, see
    :data:`EVERYTHING`), held whole: :func:`elements` gives the same nodes and relationships
    one at a time."""
    graph = PropertyGraph([], [])
    for element in elements(store, parts, graph.skipped):
        (graph.nodes if isinstance(element, Node) else graph.relationships).append(element)
    return graph


def elements(store: GraphStore, parts: frozenset[str] = EVERYTHING,
             skipped: list[str] | None = None) -> Iterator[Element]:
    """The nodes and relationships of the property graph, one at a time, each kind in the
    order of :func:`property_graph`'s lists; what cannot be mapped is appended to
    ``skipped`` (with why).

    What a part is mapped to does not depend on the others, and the actor network need not
    read the country's allocations (a third of its statements). Structure relationships come
    right after the node they start from. One kind of statement is read at a time and
    dropped as it is mapped (kept between them: the actors' IRIs, the instruments' labels,
    the territories' labels and the provenance), so a writer that streams the elements holds
    one kind's facts, never the whole graph. Every node's and relationship's properties are
    written in the order of :data:`NODE_PROPERTIES` and :data:`RELATIONSHIP_PROPERTIES`,
    absent ones as None.
    """
    skipped = skipped if skipped is not None else []
    by_iri = vocabulary().by_iri

    def code(iri: str | None) -> str | None:
        if iri is None:
            return None
        concept = by_iri.get(iri)
        return concept.code if concept else iri

    def rank(iri: str) -> tuple[int, str]:
        concept = by_iri.get(iri)
        return (concept.rank if concept and concept.rank is not None else 99, iri)

    provenance = derivations(store)
    territories: dict[str, tuple[set[str], set[str]]] = {}
    for row in store.select(load_query(__package__, "territories-with-country")):
        labels, countries = territories.setdefault(row["t"].value, (set(), set()))
        labels.add(row["label"].value)
        if row["country"] is not None and row["country"].value:
            countries.add(row["country"].value)
    territory_label = {iri: min(labels) or iri for iri, (labels, _) in territories.items()}

    def places(cell: Cell) -> list[str] | None:
        if cell is None:
            return None
        if cell.__class__ is str:
            return [territory_label.get(cell, cell)]
        return _list(sorted(territory_label.get(t, t) for t in cell))

    def structure(kind: str, start: str, start_label: str, end: str,
                  end_label: str) -> Relationship:
        return Relationship(kind, "STRUCTURE", start, start_label, end, end_label)

    # Territories -------------------------------------------------------------------------
    if "Territory" in parts:
        for iri, (_, countries) in sorted(territories.items()):
            yield Node("Territory", iri, {
                "iri": iri, "label": territory_label[iri],
                "country": min(countries) if countries else None,
            })

    # Actors ------------------------------------------------------------------------------
    table = facts(store, "actors")
    (LABEL, ALT, CLASSIFICATION, LEVEL, COUNTRY, TERRITORY, PARENT, FROM, UNTIL,
     NOTE) = table.index("label", "altLabel", "classification", "level", "country",
                         "territory", "parent", "validFrom", "validUntil", "note")
    actors = frozenset(table.things)
    for iri in sorted(table.things):
        cells = table.things.pop(iri)
        labels = _all(cells[LABEL])
        actor_type = _one(cells[CLASSIFICATION])
        levels = cells[LEVEL]
        extra = (check_name(type_label(actor_type)),) if actor_type else ()
        yield Node("Actor", iri, {
            "iri": iri,
            "id": iri.removeprefix(ACTOR),
            "label": labels[0] if labels else None,
            "alt_labels": _alternatives(labels, cells[ALT]),
            "type": code(actor_type),
            "levels": None if levels is None else _list(
                code(level) or level for level in sorted(_all(levels), key=rank)),
            "country": _one(cells[COUNTRY]),
            "territories": places(cells[TERRITORY]),
            "parent": _one(cells[PARENT]),
            "valid_from": _one(cells[FROM]),
            "valid_until": _last(cells[UNTIL]),
            "note": _text(cells[NOTE]),
            "sources": _sources(_pairs(provenance.get(iri))),
        }, extra)
        for parent in _all(cells[PARENT]):
            if parent in actors:
                yield structure("SUB_ORGANIZATION_OF", iri, "Actor", parent, "Actor")
            else:
                skipped.append(f"{iri} is part of {parent}, which is not an actor")
        for territory in _all(cells[TERRITORY]):
            if territory in territories:
                yield structure("IN_TERRITORY", iri, "Actor", territory, "Territory")

    # Instruments -------------------------------------------------------------------------
    table = facts(store, "instruments")
    (LABEL, ALT, TYPE, COUNTRY, TERRITORY, STATUS, OWNER, ALIGNS, SUCCEEDS, FROM, UNTIL,
     NOTE) = table.index("label", "altLabel", "instrumentType", "country", "territory",
                         "status", "owner", "aligns", "succeeds", "validFrom", "validUntil",
                         "note")
    instruments = table.things
    instrument_label: dict[str, str] = {}
    for iri, cells in sorted(instruments.items()):
        labels = _all(cells[LABEL])
        instrument_label[iri] = labels[0] if labels else iri
        if "Instrument" not in parts:
            continue
        yield Node("Instrument", iri, {
            "iri": iri,
            "id": iri.removeprefix(INSTRUMENT),
            "label": labels[0] if labels else None,
            "alt_labels": _alternatives(labels, cells[ALT]),
            "type": code(_one(cells[TYPE])),
            "country": _one(cells[COUNTRY]),
            "territories": places(cells[TERRITORY]),
            "status": code(_one(cells[STATUS])),
            "owner": _one(cells[OWNER]),
            "valid_from": _one(cells[FROM]),
            "valid_until": _last(cells[UNTIL]),
            "note": _text(cells[NOTE]),
            "sources": _sources(_pairs(provenance.get(iri))),
        })
        for target in _all(cells[OWNER]):
            if target in actors:
                yield structure("OWNED_BY", iri, "Instrument", target, "Actor")
            else:
                skipped.append(f"{iri} is owned by {target}, which is not an actor")
        for column, kind in ((ALIGNS, "ALIGNS"), (SUCCEEDS, "SUCCEEDS")):
            for target in _all(cells[column]):
                if target in instruments:
                    yield structure(kind, iri, "Instrument", target, "Instrument")
                else:
                    skipped.append(f"{iri} {kind.lower()} {target}, which is not an "
                                   "instrument")
        for territory in _all(cells[TERRITORY]):
            if territory in territories:
                yield structure("IN_TERRITORY", iri, "Instrument", territory, "Territory")
    del instruments

    # Competence allocations -> HOLDS -----------------------------------------------------
    competences: set[str] = set()
    if parts & {"HOLDS", "Competence"}:
        table = facts(store, "allocations")
        (HOLDER, COMPETENCE, LEVEL, TERRITORY, QUALIFIER, KIND, NOTE, STATED, FROM,
         UNTIL) = table.index("holder", "competence", "level", "territory", "qualifier",
                              "qualifierKind", "note", "statedAs", "validFrom", "validUntil")
        holds = "HOLDS" in parts
        for iri in sorted(table.things):
            cells = table.things.pop(iri)
            holder = _one(cells[HOLDER])
            competence = _one(cells[COMPETENCE])
            if holder not in actors or competence is None:
                skipped.append(f"allocation {iri} has no actor holder or no competence")
                continue
            competences.add(competence)
            if not holds:
                continue
            territory = _one(cells[TERRITORY])
            kinds = cells[KIND]
            pairs = _pairs(provenance.get(iri))
            source, locator = pairs[0] if pairs else (None, None)
            yield Relationship("HOLDS", "HOLDS", holder, "Actor", competence, "Competence", {
                "iri": iri,
                "level": code(_one(cells[LEVEL])),
                "qualifier": _text(cells[QUALIFIER]),
                "qualifier_kinds": None if kinds is None else _list(
                    sorted(code(kind) or kind for kind in _all(kinds))),
                "note": _text(cells[NOTE]),
                "stated_as": _text(cells[STATED]),
                "territory": territory_label.get(territory, territory) if territory else None,
                "valid_from": _one(cells[FROM]),
                "valid_until": _last(cells[UNTIL]),
                "source": source,
                "locator": locator,
                "sources": _sources(pairs),
            })

    placeholders = {row["c"].value
                    for row in store.select(load_query(__package__, "placeholders"))}
    for iri in sorted(competences if "Competence" in parts else ()):
        concept = by_iri.get(iri)
        yield Node("Competence", iri, {
            "iri": iri,
            "code": concept.code if concept else code_of(iri),
            "label": concept.label if concept else code_of(iri),
            "label_fr": (concept.label_fr or None) if concept else None,
            "placeholder": True if iri in placeholders else None,
        })

    # Coordination links -> one relationship type per link type --------------------------
    if "LINK" not in parts:
        return
    table = facts(store, "links")
    (START, END, TYPE, INSTRUMENT_, STATUS, FROM, UNTIL, NOTE, COMPETENCE,
     ALLOCATION) = table.index("fromActor", "toActor", "linkType", "instrument", "status",
                               "validFrom", "validUntil", "note", "concernsCompetence",
                               "concernsAllocation")
    relationship_type: dict[str, str] = {}
    for iri in sorted(table.things):
        cells = table.things.pop(iri)
        start = _one(cells[START])
        end = _one(cells[END])
        link_type = code(_one(cells[TYPE]))
        if start not in actors or end not in actors or link_type is None:
            skipped.append(f"link {iri} lacks an actor at one end or a link type")
            continue
        kind = relationship_type.get(link_type)
        if kind is None:
            kind = relationship_type[link_type] = check_name(link_type_name(link_type))
        instrument = _one(cells[INSTRUMENT_])
        pairs = _pairs(provenance.get(iri))
        source, locator = pairs[0] if pairs else (None, None)
        yield Relationship(kind, "LINK", start, "Actor", end, "Actor", {
            "iri": iri,
            "link_type": link_type,
            "instrument": instrument,
            "instrument_label": instrument_label.get(instrument) if instrument else None,
            "status": code(_one(cells[STATUS])),
            "valid_from": _one(cells[FROM]),
            "valid_until": _last(cells[UNTIL]),
            "note": _text(cells[NOTE]),
            "source": source,
            "locator": locator,
            "sources": _sources(pairs),
            "competence": code(_one(cells[COMPETENCE])),
            "allocation": _one(cells[ALLOCATION]),
        })
