"""The govatlas graph as files other tools read: neo4j-admin CSV, GraphML, GEXF, Turtle, JSON-LD.

- :func:`write_neo4j_admin_csv`: the property graph in the CSV layout of ``neo4j-admin database
  import full``, the fastest way into a new Neo4j database and one that needs no running server
  while the files are made, with the constraints to create afterwards and the command line.
- :func:`write_graphml`, :func:`write_gexf`: the actor network (actors and coordination links)
  for Gephi, Cytoscape, yEd or igraph, through NetworkX's writers.
- :func:`write_rdf`: the RDF itself, whole or cut to one territory, in Turtle or JSON-LD.

The first three read :func:`govatlas.graph.export.property_graph.property_graph`, so they hold the
same nodes, relationships and properties as the Bolt export (docs/property-graph.md).
"""

from __future__ import annotations

import csv
import difflib
import shlex
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.ontology import formats
from govatlas.ontology.cells import neutralise_row
from govatlas.ontology.errors import GovatlasError
from govatlas.ontology.namespaces import GA, PREFIXES, PROV, RDF
from govatlas.ontology.sparql import load_query

from .neo4j import GOVATLAS_LABEL, MARKER_PROPERTY, constraint_query
from .property_graph import (
    KEYED_LABELS,
    NODE_PROPERTIES,
    RELATIONSHIP_PROPERTIES,
    PropertyGraph,
    property_graph,
)

#: The array delimiter of the CSV files. Not neo4j-admin's default ``;``: locators such as
#: ``2188; 2636-2638`` hold semicolons, and neo4j-admin cannot escape an array delimiter.
#: ``|`` is govatlas's own list separator (the data templates use it), so no value holds it.
ARRAY_DELIMITER = "|"

#: The separator of list values in GraphML and GEXF, whose attributes must be scalars.
LIST_SEPARATOR = "|"

#: The node files and relationship files of :func:`write_neo4j_admin_csv`.
NODE_FILES = {"Actor": "actors.csv", "Competence": "competences.csv",
              "Instrument": "instruments.csv", "Territory": "territories.csv"}
RELATIONSHIP_FILES = {"HOLDS": "holds.csv", "LINK": "links.csv", "STRUCTURE": "structure.csv"}


class ExportFileError(GovatlasError, ValueError):
    """A value cannot be written in the chosen format; the message says which and why."""


# --- neo4j-admin CSV -----------------------------------------------------------------------
def _cell(value: Any, kind: str, where: str) -> str:
    """A property value as neo4j-admin reads it: empty for absent, arrays joined."""
    if value is None:
        return ""
    if kind.endswith("[]"):
        for item in value:
            if ARRAY_DELIMITER in item:
                raise ExportFileError(f"{where}: the value {item!r} holds the array delimiter "
                                      f"'{ARRAY_DELIMITER}', which neo4j-admin cannot escape")
        return ARRAY_DELIMITER.join(value)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def write_neo4j_admin_csv(store: GraphStore, folder: Path) -> list[Path]:
    """Write the property graph as neo4j-admin import files into ``folder``; return them.

    One CSV file per node label (``iri:ID`` the key, ``:LABEL`` the labels, typed property
    columns such as ``levels:string[]``) and per relationship kind (``:START_ID``,
    ``:END_ID``, ``:TYPE``), with ``constraints.cypher`` (run it after the import) and
    ``import.sh`` (the ``neo4j-admin database import full`` command line). IRIs are globally
    unique, so all nodes share one ID space and relationships name their ends by IRI.

    People open these files in spreadsheets too, so a text value that a spreadsheet would run
    as a formula (``=HYPERLINK(...)``; numbers such as ``-3`` are left alone) is written with
    a leading single quote (:mod:`govatlas.ontology.cells`), which neo4j-admin then imports
    as part of the text: the label reads ``'=HYPERLINK(...)`` in Neo4j, never a formula.
    """
    folder.mkdir(parents=True, exist_ok=True)
    graph = property_graph(store)
    written: list[Path] = []
    for label, name in NODE_FILES.items():
        schema = NODE_PROPERTIES[label]
        header = ["iri:ID", ":LABEL"] + [f"{prop}:{kind}" for prop, kind in schema
                                         if prop != "iri"]
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for node in graph.nodes:
                if node.label != label:
                    continue
                labels = ARRAY_DELIMITER.join((*node.labels, GOVATLAS_LABEL))
                writer.writerow(neutralise_row([node.iri, labels] + [
                    _cell(node.properties.get(prop), kind, f"{name} {node.iri} {prop}")
                    for prop, kind in schema if prop != "iri"]))
        written.append(path)
    for kind, name in RELATIONSHIP_FILES.items():
        schema = RELATIONSHIP_PROPERTIES[kind]
        header = [":START_ID", ":END_ID", ":TYPE"] + [
            f"{prop}:{prop_kind}" for prop, prop_kind in schema] + [f"{MARKER_PROPERTY}:boolean"]
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for rel in graph.relationships:
                if rel.kind != kind:
                    continue
                writer.writerow(neutralise_row([rel.start, rel.end, rel.type] + [
                    _cell(rel.properties.get(prop), prop_kind, f"{name} {rel.key} {prop}")
                    for prop, prop_kind in schema] + ["true"]))
        written.append(path)
    constraints = folder / "constraints.cypher"
    constraints.write_text(
        "// Run after the import: cypher-shell -d DATABASE -f constraints.cypher\n"
        "// One node per IRI, and MERGE by IRI (what `govatlas export neo4j` does) is a lookup.\n"
        + "".join(constraint_query(label) + ";\n" for label in KEYED_LABELS),
        encoding="utf-8")
    written.append(constraints)
    script = folder / "import.sh"
    script.write_text(import_script(), encoding="utf-8")
    script.chmod(0o755)
    written.append(script)
    return written


def import_script() -> str:
    """The shell script that imports the CSV files beside it into a new Neo4j 5 database."""
    nodes = " \\\n  ".join(f'--nodes="$HERE/{name}"' for name in NODE_FILES.values())
    relationships = " \\\n  ".join(f'--relationships="$HERE/{name}"'
                                   for name in RELATIONSHIP_FILES.values())
    delimiter = shlex.quote(ARRAY_DELIMITER)
    return f"""#!/bin/sh
# Import the govatlas graph (written by govatlas) into a new Neo4j 5 database.
# Usage: ./import.sh [DATABASE]   (default: neo4j). neo4j-admin must be on the PATH (it is in
# NEO4J_HOME/bin) and the database must be stopped: `full` import replaces it whole.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATABASE="${{1:-neo4j}}"
neo4j-admin database import full "$DATABASE" \\
  --overwrite-destination=true \\
  --id-type=string \\
  --array-delimiter={delimiter} \\
  --multiline-fields=true \\
  {nodes} \\
  {relationships}
echo "Imported. Start the database, then create the constraints:"
echo "  cypher-shell -d $DATABASE -f $HERE/constraints.cypher"
"""


# --- GraphML and GEXF ---------------------------------------------------------------------
#: Attribute names that GEXF reserves on nodes and edges (NetworkX writes ``id``, ``label``,
#: ``type``, ``weight``, ``start`` and ``end`` into the element itself), renamed here.
RENAMED_NODE_ATTRIBUTES = {"id": "actor_id"}
RENAMED_EDGE_ATTRIBUTES = {"id": "link_id", "type": "link_type"}


def _scalar(value: Any) -> Any:
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def actor_network(store: GraphStore, graph: PropertyGraph | None = None) -> nx.MultiDiGraph:
    """Actors as nodes (keyed by IRI), coordination links as edges (keyed by link IRI).

    Every property of the mapping is kept, lists joined with ``|`` (GraphML and GEXF hold
    scalars only) and absent values left out; the relationship type is the edge's
    ``relationship`` attribute and the actor's node labels its ``labels`` attribute.
    """
    graph = graph or property_graph(store)
    network = nx.MultiDiGraph(name="govatlas actor network")
    for node in graph.nodes:
        if node.label != "Actor":
            continue
        attributes = {RENAMED_NODE_ATTRIBUTES.get(key, key): _scalar(value)
                      for key, value in node.properties.items() if value is not None}
        attributes["labels"] = LIST_SEPARATOR.join(node.labels)
        network.add_node(node.iri, **attributes)
    for rel in graph.relationships:
        if rel.kind != "LINK":
            continue
        attributes = {RENAMED_EDGE_ATTRIBUTES.get(key, key): _scalar(value)
                      for key, value in rel.properties.items() if value is not None}
        attributes["relationship"] = rel.type
        network.add_edge(rel.start, rel.end, key=rel.key, **attributes)
    return network


def write_graphml(store: GraphStore, path: Path) -> nx.MultiDiGraph:
    """Write the actor network as GraphML (yEd, Cytoscape, igraph, Gephi); return it."""
    network = actor_network(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(network, path, encoding="utf-8", named_key_ids=True)
    return network


def write_gexf(store: GraphStore, path: Path) -> nx.MultiDiGraph:
    """Write the actor network as GEXF 1.2 (Gephi); return it. Each edge's GEXF id is its link
    IRI (NetworkX would number them), so an edge in Gephi leads back to its statement."""
    network = actor_network(store)
    for _, _, key, data in network.edges(keys=True, data=True):
        data["id"] = key
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(network, path, encoding="utf-8")
    return network


# --- RDF -----------------------------------------------------------------------------------
def territory_node(store: GraphStore, territory: str) -> ox.NamedNode:
    """The territory named ``territory`` (label, case-insensitive, or IRI), else a ValueError
    naming the nearest ones."""
    rows = store.select(load_query(__package__, "territories"))
    wanted = territory.strip().casefold()
    for row in rows:
        if wanted in (row["label"].value.casefold(), row["t"].value.casefold()):
            return row["t"]
    labels = sorted({row["label"].value for row in rows})
    near = difflib.get_close_matches(territory, labels, n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else f"; there are {len(labels)}"
    raise ValueError(f"no territory '{territory}'{hint} (govatlas stats lists them)")


def territory_subjects(store: GraphStore, territory: ox.NamedNode) -> set[ox.NamedNode]:
    """The things a territory's export describes: the territory, its actors, their competence
    allocations, the links from or to them, the instruments of the territory or of those
    links, the quantities and gap evidence about any of these, and the provenance of all."""
    subjects = {row["s"] for row in store.select(load_query(__package__, "territory-subjects"),
                                                 {"territory": territory})}
    subjects.add(territory)
    about = ox.NamedNode(GA + "subject")
    instrument = ox.NamedNode(GA + "instrument")
    for predicate in (about, instrument):  # quantities and gap evidence
        for quad in store.store.quads_for_pattern(None, predicate, None, None):
            if quad.object in subjects and _is_statement_about(store, quad.subject):
                subjects.add(quad.subject)
    derivation = ox.NamedNode(PROV + "qualifiedDerivation")
    entity = ox.NamedNode(PROV + "entity")
    extra: set[ox.NamedNode] = set()
    for subject in subjects:
        for quad in store.store.quads_for_pattern(subject, derivation, None, None):
            extra.add(quad.object)
            for document in store.store.quads_for_pattern(quad.object, entity, None, None):
                extra.add(document.object)
    return subjects | extra


def _is_statement_about(store: GraphStore, subject: ox.NamedNode | ox.BlankNode) -> bool:
    """Quantities and gap evidence: statements that point at the thing (not links, which
    are taken only when an end is one of the territory's actors)."""
    kinds = {quad.object.value for quad in store.store.quads_for_pattern(
        subject, ox.NamedNode(RDF + "type"), None, None)}
    return bool(kinds & {GA + "Quantity", GA + "GapEvidence"})


def write_rdf(store: GraphStore, path: Path, fmt: str = "ttl",
              territory: str | None = None) -> int:
    """Write the graph (every named graph, the ontology included) or one territory's part of
    it to ``path`` in Turtle (``ttl``), JSON-LD (``jsonld``) or any other format named in
    :data:`govatlas.ontology.formats.RDF_FORMATS_BY_NAME`; return the number of triples.
    An unknown ``fmt`` is a :class:`ValueError` listing the names known.

    A triple stated in two datasets is written once: Turtle and JSON-LD files hold one graph,
    so the datasets are merged (``govatlas push`` or the store's N-Quads keep them apart).
    """
    try:
        rdf_format = formats.rdf_format(fmt)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    if territory is None:
        quads = store.store.quads_for_pattern(None, None, None, None)
        triples = {ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads}
    else:
        node = territory_node(store, territory)
        triples = set()
        for subject in territory_subjects(store, node):
            for quad in store.store.quads_for_pattern(subject, None, None, None):
                triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    path.parent.mkdir(parents=True, exist_ok=True)
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
    ox.serialize(ordered, output=str(path), format=rdf_format, prefixes=prefixes)
    return len(ordered)


__all__ = [
    "ARRAY_DELIMITER",
    "ExportFileError",
    "actor_network",
    "import_script",
    "territory_node",
    "territory_subjects",
    "write_gexf",
    "write_graphml",
    "write_neo4j_admin_csv",
    "write_rdf",
]
