"""Writing the govatlas graph into a running Neo4j (or any Bolt server) with the official driver.

The property graph of :mod:`govatlas.graph.export.property_graph` is sent in batches of ``UNWIND
$rows AS row MERGE (n:Actor {iri: row.iri}) SET n += row.props``: one query per label or
relationship type, each batch in its own ``execute_write`` transaction. Why that shape:

- MERGE on ``iri`` makes the export idempotent: running it twice leaves one copy, and running
  it again after a failure completes the graph instead of duplicating the part already written.
  That is what lets a broken connection end with "run the same command again".
- Batches keep each transaction small (Neo4j holds a transaction in memory) while sending few
  round trips; ``execute_write`` retries a batch on transient errors and lost connections.
- Labels and relationship types cannot be query parameters in Cypher without APOC, so each
  label or type gets its own query text, built only from names the mapping checked.
- Every node govatlas writes has the label ``GovAtlas`` and every relationship the property
  ``govatlas: true``: ``replace=True`` deletes those and nothing else in the database.

The Cypher is plain Neo4j 5 Cypher that FalkorDB also accepts (the tests run it against a real
FalkorDB Bolt server). FalkorDB's Bolt server is experimental; the export recognises it by
behaviour (:func:`_pastes_parameters`) and adapts: an index instead of a uniqueness constraint,
escaped strings, small batches (docs/property-graph.md lists its quirks).
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govatlas.graph.store import GraphStore
from govatlas.ontology.errors import EXIT_STORE, GovatlasError, UsageError

from .property_graph import KEYED_LABELS, PropertyGraph, check_name, property_graph

#: The label on every node govatlas writes, and the property on every relationship.
GOVATLAS_LABEL = "GovAtlas"
MARKER_PROPERTY = "govatlas"

#: Bytes a Bolt RUN message adds around the query and the rows (message header, the
#: transaction metadata, the parameter name).
MESSAGE_OVERHEAD = 200

#: The batch size, in bytes, used with FalkorDB: its experimental Bolt server (4.16) dies on a
#: message over about 4 KB, so batches are cut well below that.
COMPAT_BATCH_BYTES = 3000

#: Seconds to wait for a connection before trying a fresh one, and how many to try (see
#: :func:`_connect`).
CONNECT_SECONDS = 5.0
CONNECT_ATTEMPTS = 3

#: ``progress(batches_done, batches_total, step)`` after each batch written.
Progress = Callable[[int, int, str], None]


class ExportError(GovatlasError, RuntimeError):
    """The export could not finish; the message says why and what to do. It never holds the
    password."""

    exit_code = EXIT_STORE


@dataclass
class ExportSummary:
    """What an export did, from the servers' own counters."""

    uri: str
    database: str | None
    nodes: int = 0
    relationships: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    batches: int = 0
    schema: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nodes_updated(self) -> int:
        """Nodes that were already there (merged, their properties refreshed)."""
        return self.nodes - self.nodes_created

    @property
    def relationships_updated(self) -> int:
        return self.relationships - self.relationships_created

    def __str__(self) -> str:
        where = self.uri + (f" (database {self.database})" if self.database else "")
        lines = [
            f"Exported to {where} in {self.seconds:.1f} s, {self.batches} batches:",
            f"  nodes:         {self.nodes} ({self.nodes_created} created, "
            f"{self.nodes_updated} updated)",
            f"  relationships: {self.relationships} ({self.relationships_created} created, "
            f"{self.relationships_updated} updated)",
            f"  properties set: {self.properties_set}",
        ]
        if self.nodes_deleted or self.relationships_deleted:
            lines.append(f"  replaced: {self.nodes_deleted} nodes and "
                         f"{self.relationships_deleted} relationships deleted first")
        lines += [f"  schema: {item}" for item in self.schema]
        lines += [f"  skipped: {item}" for item in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class Batch:
    """One write transaction: a query and the rows it unwinds."""

    step: str
    query: str
    rows: list[dict[str, Any]]
    nodes: int = 0
    relationships: int = 0


def safe_uri(uri: str) -> str:
    """``uri`` without any user:password part, for messages.

    Works on the text of the address (``rpartition("@")``), so a malformed port or host
    cannot make it fail and leave the raw URI, password included, in a traceback.

    >>> safe_uri("bolt://neo4j:s3cret@db.example:bad/x")
    'bolt://db.example:bad/x'
    """
    try:
        parts = urllib.parse.urlsplit(uri)
    except ValueError:  # e.g. an unbalanced "[" in the host: show nothing of the address
        return "<an unreadable URI>"
    if "@" not in parts.netloc:
        return uri
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def check_uri(uri: str) -> None:
    """Refuse a Bolt URI that holds credentials (``bolt://user:password@host``).

    The Neo4j driver refuses them too, but with a message that repeats the whole URI,
    password included; the credentials have their own options, which are never printed.
    """
    try:
        has_userinfo = "@" in urllib.parse.urlsplit(uri).netloc
    except ValueError:
        has_userinfo = "@" in uri
    if has_userinfo:
        raise UsageError(f"the Bolt URI {safe_uri(uri)} was given with a user name or password "
                         "in it: give the address alone, and the credentials with --user and "
                         "--password (or $GOVATLAS_NEO4J_USER and $GOVATLAS_NEO4J_PASSWORD)")


# --- the queries -------------------------------------------------------------------------
def node_query(label: str, extra_labels: tuple[str, ...]) -> str:
    """MERGE on the keyed label and ``iri``, then set the properties (a None removes one the
    graph no longer has) and the extra labels."""
    labels = "".join(f":`{check_name(name)}`" for name in (GOVATLAS_LABEL, *extra_labels))
    return (f"UNWIND $rows AS row\n"
            f"MERGE (n:`{check_name(label)}` {{iri: row.iri}})\n"
            f"SET n += row.props, n{labels}")


def relationship_query(rel_type: str, start_label: str, end_label: str, keyed: bool) -> str:
    """MATCH both ends by their keyed label, then MERGE the relationship between them.

    Statement relationships are merged on their ``iri`` (two statements of the same type
    between the same actors stay two relationships); structural ones on the pattern alone.
    """
    key = " {iri: row.iri}" if keyed else ""
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:`{check_name(start_label)}` {{iri: row.start}})\n"
            f"MATCH (b:`{check_name(end_label)}` {{iri: row.end}})\n"
            f"MERGE (a)-[r:`{check_name(rel_type)}`{key}]->(b)\n"
            f"SET r += row.props")


def constraint_query(label: str) -> str:
    name = f"govatlas_{label.lower()}_iri"
    return (f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:`{check_name(label)}`) REQUIRE n.iri IS UNIQUE")


def index_query(label: str, if_not_exists: bool = False) -> str:
    """An index on ``iri``: Neo4j 5's named form with IF NOT EXISTS, or FalkorDB's plain one."""
    if if_not_exists:
        return (f"CREATE INDEX govatlas_{label.lower()}_iri_index IF NOT EXISTS "
                f"FOR (n:`{check_name(label)}`) ON (n.iri)")
    return f"CREATE INDEX FOR (n:`{check_name(label)}`) ON (n.iri)"


DELETE_BATCH = 1000
DELETE_QUERY = (f"MATCH (n:`{GOVATLAS_LABEL}`) WITH n LIMIT $limit DETACH DELETE n")
DELETE_RELATIONSHIPS_QUERY = (f"MATCH ()-[r]->() WHERE r.{MARKER_PROPERTY} = true "
                              "WITH r LIMIT $limit DELETE r")


def row_size(row: dict[str, Any]) -> int:
    """The size of a row in bytes as JSON: an upper bound of its PackStream size on the wire."""
    return len(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())


def _chunks(rows: list[dict[str, Any]], query: str, batch_size: int,
            batch_bytes: int | None) -> list[list[dict[str, Any]]]:
    """``rows`` cut into batches of at most ``batch_size`` rows and (when given) about
    ``batch_bytes`` bytes of query and parameters; a row larger than that goes alone."""
    chunks: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = len(query.encode()) + MESSAGE_OVERHEAD
    for row in rows:
        extra = row_size(row) + 1
        if current and (len(current) >= batch_size
                        or (batch_bytes is not None and size + extra > batch_bytes)):
            chunks.append(current)
            current, size = [], len(query.encode()) + MESSAGE_OVERHEAD
        current.append(row)
        size += extra
    if current:
        chunks.append(current)
    return chunks


def plan(graph: PropertyGraph, batch_size: int = 500,
         batch_bytes: int | None = None) -> list[Batch]:
    """The batches that write ``graph``: every node first (so relationships find their
    ends), grouped by labels, then every relationship, grouped by type and end labels."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    node_groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for node in graph.nodes:
        props = {**node.properties, "iri": node.iri}
        node_groups.setdefault((node.label, node.extra_labels), []).append(
            {"iri": node.iri, "props": props})
    rel_groups: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = {}
    for rel in graph.relationships:
        props = {**rel.properties, MARKER_PROPERTY: True}
        row = {"start": rel.start, "end": rel.end, "props": props}
        if rel.key is not None:
            row["iri"] = rel.key
        rel_groups.setdefault((rel.type, rel.start_label, rel.end_label, rel.key is not None),
                              []).append(row)
    batches: list[Batch] = []
    for (label, extra), rows in node_groups.items():
        query = node_query(label, extra)
        step = ":".join((label, *extra)) + " nodes"
        for chunk in _chunks(rows, query, batch_size, batch_bytes):
            batches.append(Batch(step, query, chunk, nodes=len(chunk)))
    for (rel_type, start_label, end_label, keyed), rows in rel_groups.items():
        query = relationship_query(rel_type, start_label, end_label, keyed)
        step = f"({start_label})-[:{rel_type}]->({end_label})"
        for chunk in _chunks(rows, query, batch_size, batch_bytes):
            batches.append(Batch(step, query, chunk, relationships=len(chunk)))
    return batches


# --- running them ------------------------------------------------------------------------
#: A string parameter with a backslash and a quote: a server that returns it changed pastes
#: parameters into the query text instead of binding them (FalkorDB's Bolt server does).
PROBE = "govatlas \\' probe"


def _write(tx: Any, query: str, parameters: dict[str, Any]) -> Any:
    result = tx.run(query, parameters)
    return result.consume().counters


def _pastes_parameters(session: Any) -> bool:
    """True when the server does not bind string parameters faithfully.

    FalkorDB's (experimental) Bolt server writes them into the query text between single
    quotes without escaping, so a label such as "Prefects' delegates" fails and a backslash
    starts an escape. Such a server gets escaped strings (:func:`escape_strings`) and smaller
    batches (:data:`COMPAT_BATCH_BYTES`): its Bolt layer also drops messages over about 4 KB.
    Detected by behaviour, as FalkorDB's Bolt server introduces itself as "Neo4j/5.13.0".
    """
    value = session.execute_read(
        lambda tx: tx.run("RETURN $probe AS probe", probe=PROBE).single()["probe"])
    return value != PROBE


def escape_strings(value: Any) -> Any:
    """``value`` with every string escaped for a server that pastes parameters between single
    quotes: the server's parser then gives back the original string."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list):
        return [escape_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: escape_strings(item) for key, item in value.items()}
    return value


def _connect(uri: str, auth: tuple[str, str], retry_seconds: float) -> Any:
    """A driver whose connection works, trying up to :data:`CONNECT_ATTEMPTS` times.

    The retries are for FalkorDB: after a client closes its connection the orderly way, its
    Bolt server leaves the next connection or two hanging in the handshake; giving up on one
    after :data:`CONNECT_SECONDS` and opening another works. A Neo4j answers the first, and a
    server that is down refuses at once, so neither waits.
    """
    from neo4j import GraphDatabase
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    for attempt in range(CONNECT_ATTEMPTS):
        driver = GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=retry_seconds,
                                      connection_acquisition_timeout=CONNECT_SECONDS)
        try:
            driver.verify_connectivity()
            return driver
        except (ServiceUnavailable, SessionExpired, OSError):
            _close(driver)
            if attempt == CONNECT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _close(driver: Any) -> None:
    with contextlib.suppress(Exception):  # closing a dead connection must not hide the error
        driver.close()


def export_neo4j(store: GraphStore, uri: str, user: str, password: str,
                 database: str | None = None, replace: bool = False, batch_size: int = 500,
                 progress: Progress | None = None, *, batch_bytes: int | None = None,
                 retry_seconds: float = 30.0) -> ExportSummary:
    """Write the property graph of ``store`` to the Bolt server at ``uri``; idempotent.

    ``database``: the Neo4j database (None: the server's default; FalkorDB's Bolt server
    always writes to its graph ``falkordb``). ``replace``: first delete every node and
    relationship an earlier export wrote, and only those. ``batch_size``: rows per
    transaction. ``progress(done, total, step)``: called after each batch. ``batch_bytes``:
    also cap a batch's size in bytes (default: no cap, but :data:`COMPAT_BATCH_BYTES` with
    FalkorDB). A batch whose connection breaks is retried by the driver for
    ``retry_seconds``; after that the export stops with an :class:`ExportError` that says to
    run it again, which completes the graph.
    """
    from neo4j.exceptions import (
        AuthError,
        ConfigurationError,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
    )

    started = time.monotonic()
    check_uri(uri)
    shown = safe_uri(uri)
    graph = property_graph(store)
    summary = ExportSummary(uri=shown, database=database, skipped=list(graph.skipped))
    batches: list[Batch] = []
    done = 0

    try:
        driver = _connect(uri, (user, password), retry_seconds)
    except AuthError as error:
        raise ExportError(f"the Bolt server at {shown} refused the user name or password: "
                          "check them") from error
    except (ServiceUnavailable, SessionExpired, OSError) as error:
        raise ExportError(f"cannot reach a Bolt server at {shown} ({type(error).__name__}): "
                          "check the address and that the server is running") from error
    except Neo4jError as error:  # FalkorDB refuses wrong credentials with a DatabaseError
        raise ExportError(f"the Bolt server at {shown} refused the connection "
                          f"({error.message or type(error).__name__}): check the user name "
                          "and password") from error
    except (ValueError, ConfigurationError) as error:  # a malformed URI or scheme
        reason = str(error).replace(uri, shown)  # the driver repeats the URI it was given
        raise ExportError(f"'{shown}' is not a Bolt URI ({reason}): use bolt://HOST:7687 or "
                          "neo4j://HOST:7687") from None
    try:
        with driver.session(database=database) as session:
            def run(query: str, **parameters: Any) -> Any:
                return session.execute_write(_write, query, parameters)

            try:
                compat = _pastes_parameters(session)
                if replace:
                    _delete_previous(run, summary)
                if compat:
                    summary.schema.append(
                        "the server pastes parameters into the query text (FalkorDB): strings "
                        "are escaped, batches kept small, indexes made after the nodes")
                    if batch_bytes is None:
                        batch_bytes = COMPAT_BATCH_BYTES
                else:
                    summary.schema += [_ensure_constraint(run, label) for label in KEYED_LABELS]
                batches = plan(graph, batch_size, batch_bytes)
                indexed = not compat
                for batch in batches:
                    if not indexed and batch.relationships:
                        summary.schema += _ensure_indexes(session, run)
                        indexed = True
                    rows = escape_strings(batch.rows) if compat else batch.rows
                    counters = run(batch.query, rows=rows)
                    summary.nodes_created += counters.nodes_created
                    summary.relationships_created += counters.relationships_created
                    summary.properties_set += counters.properties_set
                    summary.nodes += batch.nodes
                    summary.relationships += batch.relationships
                    done += 1
                    summary.batches = done
                    if progress is not None:
                        progress(done, len(batches), batch.step)
                if not indexed:
                    summary.schema += _ensure_indexes(session, run)
            except (ServiceUnavailable, SessionExpired) as error:
                total = len(batches) if batches else "the"
                raise ExportError(
                    f"the Bolt server at {shown} stopped answering after {done} of {total} "
                    f"batches ({type(error).__name__}); run the same command again: it "
                    "completes the graph (every write is a MERGE, so nothing is duplicated)"
                ) from error
            except Neo4jError as error:
                raise ExportError(f"the Bolt server at {shown} refused a write after {done} "
                                  f"batches: {error.message or error}") from error
    finally:
        _close(driver)
    summary.seconds = time.monotonic() - started
    return summary


def _delete_previous(run: Callable[..., Any], summary: ExportSummary) -> None:
    """Delete what earlier exports wrote, in batches so no transaction grows too big."""
    for query in (DELETE_QUERY, DELETE_RELATIONSHIPS_QUERY):
        while True:
            counters = run(query, limit=DELETE_BATCH)
            summary.nodes_deleted += counters.nodes_deleted
            summary.relationships_deleted += counters.relationships_deleted
            if not (counters.nodes_deleted or counters.relationships_deleted):
                break


def _ensure_constraint(run: Callable[..., Any], label: str) -> str:
    """A uniqueness constraint on ``label.iri``, which makes MERGE a lookup and keeps one node
    per IRI; if refused (say, duplicates written by hand), an index, which still does the
    first."""
    from neo4j.exceptions import ClientError, DatabaseError

    try:
        run(constraint_query(label))
        return f"{label}.iri: uniqueness constraint"
    except (ClientError, DatabaseError) as error:
        reason = getattr(error, "message", None) or type(error).__name__
    try:
        run(index_query(label, if_not_exists=True))
        return f"{label}.iri: index (the server refused the uniqueness constraint: {reason})"
    except (ClientError, DatabaseError):
        return f"{label}.iri: neither constraint nor index ({reason}); MERGE will be slower"


def _ensure_indexes(session: Any, run: Callable[..., Any]) -> list[str]:
    """FalkorDB: an index on ``iri`` of each keyed label that lacks one. FalkorDB makes
    constraints with a Redis command, not Cypher, refuses CREATE INDEX on an empty graph or
    for an index it has, and knows no IF NOT EXISTS: hence after the nodes, and checked."""
    from neo4j.exceptions import ClientError, DatabaseError

    try:
        existing = session.execute_read(lambda tx: [
            (record["label"], tuple(record["properties"])) for record in
            tx.run("CALL db.indexes() YIELD label, properties RETURN label, properties")])
    except (ClientError, DatabaseError):
        existing = []
    notes = []
    for label in KEYED_LABELS:
        if any(name == label and "iri" in properties for name, properties in existing):
            notes.append(f"{label}.iri: index (already there)")
            continue
        try:
            run(index_query(label))
            notes.append(f"{label}.iri: index")
        except (ClientError, DatabaseError):
            notes.append(f"{label}.iri: no index (the server refused it)")
    return notes
