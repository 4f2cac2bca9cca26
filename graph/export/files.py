"""The govatlas graph as files other tools read: neo4j-admin CSV, GraphML, GEXF, Turtle, JSON-LD.

- :func:`write_neo4j_admin_csv`: the property graph in the CSV layout of ``neo4j-admin database
  import full``, the fastest way into a new Neo4j database and one that needs no running server
  while the files are made, with the constraints to create afterwards and the command line.
- :func:`write_graphml`, :func:`write_gexf`: the actor network (actors and coordination links)
  for Gephi, Cytoscape, yEd or igraph, in the layout NetworkX writes, node by node.
- :func:`write_rdf`: the RDF itself, whole or cut to one territory, in Turtle or JSON-LD.

The first three read :func:`govatlas.graph.export.property_graph.elements`, so they hold the
same nodes, relationships and properties as the Bolt export (docs/property-graph.md).
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import shlex
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

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
    ACTOR_NETWORK,
    KEYED_LABELS,
    NODE_PROPERTIES,
    RELATIONSHIP_PROPERTIES,
    Node,
    PropertyGraph,
    Relationship,
    elements,
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
def _cell(value: Any, kind: str, file: str, key: str | None, prop: str) -> str:
    """A property value as neo4j-admin reads it: empty for absent, arrays joined (the file,
    key and property name the value in an error)."""
    if value is None:
        return ""
    if kind.endswith("[]"):
        for item in value:
            if ARRAY_DELIMITER in item:
                raise ExportFileError(f"{file} {key} {prop}: the value {item!r} holds the array "
                                      f"delimiter '{ARRAY_DELIMITER}', which neo4j-admin cannot "
                                      "escape")
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

    Each node and relationship is written as it is mapped
    (:func:`~govatlas.graph.export.property_graph.elements`), into the file of its label or
    kind: the whole graph is never held (1.5 million dicts for the France-sized country).

    People open these files in spreadsheets too, so a text value that a spreadsheet would run
    as a formula (``=HYPERLINK(...)``; numbers such as ``-3`` are left alone) is written with
    a leading single quote (:mod:`govatlas.ontology.cells`), which neo4j-admin then imports
    as part of the text: the label reads ``'=HYPERLINK(...)`` in Neo4j, never a formula.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / name for name in (*NODE_FILES.values(), *RELATIONSHIP_FILES.values())]
    with contextlib.ExitStack() as files:
        def opened(name: str, header: list[str]):
            handle = files.enter_context((folder / name).open("w", newline="",
                                                                encoding="utf-8"))
            writer = csv.writer(handle)
            writer.writerow(header)
            return writer.writerow

        node_rows = {}
        for label, name in NODE_FILES.items():
            schema = [(prop, kind) for prop, kind in NODE_PROPERTIES[label] if prop != "iri"]
            header = ["iri:ID", ":LABEL"] + [f"{prop}:{kind}" for prop, kind in schema]
            node_rows[label] = (opened(name, header), schema, name)
        relationship_rows = {}
        for kind, name in RELATIONSHIP_FILES.items():
            schema = list(RELATIONSHIP_PROPERTIES[kind])
            header = [":START_ID", ":END_ID", ":TYPE"] + [
                f"{prop}:{prop_kind}" for prop, prop_kind in schema] + [
                f"{MARKER_PROPERTY}:boolean"]
            relationship_rows[kind] = (opened(name, header), schema, name)
        for element in elements(store):
            properties = element.properties
            if isinstance(element, Node):
                write, schema, name = node_rows[element.label]
                labels = ARRAY_DELIMITER.join((*element.labels, GOVATLAS_LABEL))
                write(neutralise_row([element.iri, labels] + [
                    _cell(properties.get(prop), kind, name, element.iri, prop)
                    for prop, kind in schema]))
            else:
                write, schema, name = relationship_rows[element.kind]
                write(neutralise_row([element.start, element.end, element.type] + [
                    _cell(properties.get(prop), kind, name, element.key, prop)
                    for prop, kind in schema] + ["true"]))
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


def _actor_attributes(node) -> dict[str, Any]:
    """An actor's attributes in the network files: every property set, lists joined, its
    node labels as ``labels``."""
    attributes = {RENAMED_NODE_ATTRIBUTES.get(key, key): _scalar(value)
                  for key, value in node.properties.items() if value is not None}
    attributes["labels"] = LIST_SEPARATOR.join(node.labels)
    return attributes


def _link_attributes(rel) -> dict[str, Any]:
    """A link's attributes in the network files: every property set, lists joined, its
    relationship type as ``relationship``."""
    attributes = {RENAMED_EDGE_ATTRIBUTES.get(key, key): _scalar(value)
                  for key, value in rel.properties.items() if value is not None}
    attributes["relationship"] = rel.type
    return attributes


def actor_network(store: GraphStore, graph: PropertyGraph | None = None) -> nx.MultiDiGraph:
    """Actors as nodes (keyed by IRI), coordination links as edges (keyed by link IRI).

    Every property of the mapping is kept, lists joined with ``|`` (GraphML and GEXF hold
    scalars only) and absent values left out; the relationship type is the edge's
    ``relationship`` attribute and the actor's node labels its ``labels`` attribute. The
    files are written from the mapping directly (:func:`write_graphml`, :func:`write_gexf`),
    not through this graph; it is the same network for a caller that wants it in NetworkX.
    """
    graph = graph or property_graph(store, ACTOR_NETWORK)
    network = nx.MultiDiGraph(name=NETWORK_NAME)
    for node in graph.nodes:
        if node.label == "Actor":
            network.add_node(node.iri, **_actor_attributes(node))
    for rel in graph.relationships:
        if rel.kind == "LINK":
            network.add_edge(rel.start, rel.end, key=rel.key, **_link_attributes(rel))
    return network


NETWORK_NAME = "govatlas actor network"


@dataclass(frozen=True)
class WrittenNetwork:
    """What a network file holds: its actors and links, counted as it was written."""

    nodes: int
    edges: int

    def number_of_nodes(self) -> int:
        return self.nodes

    def number_of_edges(self) -> int:
        return self.edges


def _network(store: GraphStore):
    """The actors and the links of the actor network, as (IRI, attributes) and (start, end,
    key, attributes), with the attribute names each uses, in the mapping's order."""
    actors: list[Node] = []
    links: list[Relationship] = []
    for element in elements(store, ACTOR_NETWORK):
        if isinstance(element, Node):
            if element.label == "Actor":
                actors.append(element)
        elif element.kind == "LINK":
            links.append(element)
    node_keys = [RENAMED_NODE_ATTRIBUTES.get(key, key) for key, _ in NODE_PROPERTIES["Actor"]
                 if any(node.properties.get(key) is not None for node in actors)]
    if actors:
        node_keys.append("labels")
    edge_keys = [RENAMED_EDGE_ATTRIBUTES.get(key, key) for key, _ in RELATIONSHIP_PROPERTIES["LINK"]
                 if any(rel.properties.get(key) is not None for rel in links)]
    if links:
        edge_keys.append("relationship")
    return actors, links, node_keys, edge_keys


def _xml_type(value: Any, names: dict[type, str]) -> str:
    for kind in (bool, int, float):  # bool first: it is an int
        if isinstance(value, kind):
            return names[kind]
    return "string"


def _types(rows, attributes, keys: list[str], names: dict[type, str]) -> dict[str, str]:
    """Each attribute's type, from the first value it has (the mapping's values are text)."""
    found: dict[str, str] = {}
    for row in rows:
        for key, value in attributes(row).items():
            if key not in found:
                found[key] = _xml_type(value, names)
        if len(found) == len(keys):
            break
    return {key: found.get(key, "string") for key in keys}


GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double"}
GEXF_TYPES = {bool: "boolean", int: "long", float: "double"}


def _text(value: Any) -> str:
    return escape(str(value).lower() if isinstance(value, bool) else str(value))


def write_graphml(store: GraphStore, path: Path) -> WrittenNetwork:
    """Write the actor network as GraphML (yEd, Cytoscape, igraph, Gephi); return what it
    holds. Each key is named after its attribute (NetworkX's ``named_key_ids``), and each
    node and link is written as it is mapped: no whole document is built in memory first
    (NetworkX's writer held the country's 1.3 million elements before writing one)."""
    actors, links, node_keys, edge_keys = _network(store)
    node_types = _types(actors, _actor_attributes, node_keys, GRAPHML_TYPES)
    edge_types = _types(links, _link_attributes, edge_keys, GRAPHML_TYPES)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for owner, types in (("node", node_types), ("edge", edge_types)):
            for key, kind in types.items():
                out.write(f"  <key id={quoteattr(key)} for=\"{owner}\" "
                          f"attr.name={quoteattr(key)} attr.type=\"{kind}\" />\n")
        out.write('  <key id="name" for="graph" attr.name="name" attr.type="string" />\n'
                  '  <graph edgedefault="directed">\n')
        for node in actors:
            out.write(f"    <node id={quoteattr(node.iri)}>\n")
            for key, value in _actor_attributes(node).items():
                out.write(f"      <data key={quoteattr(key)}>{_text(value)}</data>\n")
            out.write("    </node>\n")
        for rel in links:
            out.write(f"    <edge source={quoteattr(rel.start)} target={quoteattr(rel.end)} "
                      f"id={quoteattr(rel.key or '')}>\n")
            for key, value in _link_attributes(rel).items():
                out.write(f"      <data key={quoteattr(key)}>{_text(value)}</data>\n")
            out.write("    </edge>\n")
        out.write(f'    <data key="name">{escape(NETWORK_NAME)}</data>\n  </graph>\n'
                  "</graphml>\n")
    return WrittenNetwork(len(actors), len(links))


def write_gexf(store: GraphStore, path: Path) -> WrittenNetwork:
    """Write the actor network as GEXF 1.2 (Gephi), as NetworkX writes it (a node's ``label``
    its label, the edge's key in ``networkx_key``), one node and link at a time; return what
    it holds. Each edge's GEXF id is its link IRI (NetworkX would number them), so an edge in
    Gephi leads back to its statement."""
    actors, links, node_keys, edge_keys = _network(store)
    node_keys = [key for key in node_keys if key != "label"]  # the node's own label
    edge_keys = [*edge_keys, "networkx_key"]
    ids = {("node", key): str(index) for index, key in enumerate(node_keys)}
    ids.update({("edge", key): str(len(node_keys) + index)
                for index, key in enumerate(edge_keys)})
    node_types = _types(actors, _actor_attributes, node_keys, GEXF_TYPES)
    edge_types = _types(links, _link_attributes, edge_keys, GEXF_TYPES)
    path.parent.mkdir(parents=True, exist_ok=True)

    def attvalues(out, owner: str, attributes: dict[str, Any]) -> None:
        out.write("        <attvalues>\n")
        for key, value in attributes.items():
            out.write(f"          <attvalue for=\"{ids[owner, key]}\" "
                      f"value={quoteattr(_text_value(value))} />\n")
        out.write("        </attvalues>\n")

    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://www.gexf.net/1.2draft '
                  'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
                  f'  <meta lastmodifieddate="{date.today().isoformat()}">\n'
                  "    <creator>govatlas</creator>\n  </meta>\n"
                  f'  <graph defaultedgetype="directed" mode="static" '
                  f"name={quoteattr(NETWORK_NAME)}>\n")
        for owner, types in (("node", node_types), ("edge", edge_types)):
            if not types:
                continue
            out.write(f'    <attributes mode="static" class="{owner}">\n')
            for key, kind in types.items():
                out.write(f"      <attribute id=\"{ids[owner, key]}\" title={quoteattr(key)} "
                          f'type="{kind}" />\n')
            out.write("    </attributes>\n")
        out.write("    <nodes>\n")
        for node in actors:
            attributes = _actor_attributes(node)
            label = attributes.pop("label", node.iri)
            out.write(f"      <node id={quoteattr(node.iri)} "
                      f"label={quoteattr(_text_value(label))}>\n")
            attvalues(out, "node", attributes)
            out.write("      </node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for rel in links:
            attributes = {**_link_attributes(rel), "networkx_key": rel.key}
            out.write(f"      <edge source={quoteattr(rel.start)} target={quoteattr(rel.end)} "
                      f"id={quoteattr(rel.key or '')}>\n")
            attvalues(out, "edge", attributes)
            out.write("      </edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")
    return WrittenNetwork(len(actors), len(links))


def _text_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


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
    "WrittenNetwork",
    "actor_network",
    "import_script",
    "territory_node",
    "territory_subjects",
    "write_gexf",
    "write_graphml",
    "write_neo4j_admin_csv",
    "write_rdf",
]
