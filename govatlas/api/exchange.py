"""Use cases that hand the graph to others: SPARQL queries, exports, push, the endpoint."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from govatlas.graph.export import files
from govatlas.graph.export.neo4j import ExportSummary, export_neo4j
from govatlas.graph.export.push import PushedGraph
from govatlas.graph.export.push import push as push_graphs
from govatlas.graph.views.names import resolve_name
from govatlas.ontology.errors import GovatlasError
from govatlas.queries.library import LibraryQuery, load_library, resolve_query
from govatlas.queries.runner import QueryResult, run_query, to_dataframe

from .stores import StoreLike, open_for_reading, reading

#: a text (not a name or a path) is a query when it starts, after comments and prefixes,
#: with one of SPARQL's query forms
_QUERY_TEXT = re.compile(r"(?is)^\s*(?:#[^\n]*\n\s*|(?:PREFIX|BASE)\b[^\n]*\n\s*)*"
                         r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")


def choose_query(spec: str, stdin_text: str | None = None) -> LibraryQuery:
    """A library query by name, an ``.rq`` file, ``-`` (with ``stdin_text``) or a SPARQL text."""
    if _QUERY_TEXT.match(spec):
        return resolve_query("-", stdin_text=spec)
    return resolve_query(spec, stdin_text=stdin_text)


def run(spec: str, params: dict[str, str] | None = None, timeout: float | None = None,
        store: StoreLike = None, stdin_text: str | None = None,
        allow_service: tuple[str, ...] = ()) -> QueryResult:
    """Run a query (see :func:`choose_query`) on the store where it is; the result can be
    serialized in any SPARQL results format (``result.serialize("csv")``). A ``SERVICE``
    to a host not in ``allow_service`` is refused before the query runs."""
    chosen = choose_query(spec, stdin_text)
    with reading(store) as opened:
        return run_query(opened, chosen, {k: str(v) for k, v in (params or {}).items()},
                         timeout=timeout, allow_service=allow_service)


def query(spec: str, store: StoreLike = None, timeout: float | None = None, **params):
    """Run a library query, an ``.rq`` file or a SPARQL text; a pandas DataFrame.

    >>> import govatlas
    >>> frame = govatlas.query("competence-matrix", territory="Vienna", store=doctest_store)
    >>> "competence" in frame.columns
    True
    >>> n = govatlas.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }",
    ...                    store=doctest_store)["n"][0]
    >>> int(n) > 200
    True
    """
    return to_dataframe(run(spec, params, timeout, store))


def library() -> dict[str, LibraryQuery]:
    """The named queries of the library, by name (title, parameters, text)."""
    return load_library()


def export_rdf(path: Path, fmt: str = "ttl", territory: str | None = None,
               store: StoreLike = None) -> int:
    """The whole graph (or one territory) as Turtle or JSON-LD; returns the triples written."""
    with reading(store) as opened:
        territory = territory and resolve_name(opened, "territory", territory, "--city")
        try:
            return files.write_rdf(opened, Path(path), fmt=fmt, territory=territory)
        except ValueError as error:  # an unknown territory or format
            raise GovatlasError(str(error)) from error


def export_network(path: Path, fmt: str, store: StoreLike = None):
    """The actor network as GraphML or GEXF (``fmt``); returns what was written (its
    ``number_of_nodes()`` and ``number_of_edges()``)."""
    writers = {"graphml": files.write_graphml, "gexf": files.write_gexf}
    with reading(store) as opened:
        return writers[fmt](opened, Path(path))


def export_neo4j_csv(folder: Path, store: StoreLike = None) -> list[Path]:
    """CSV files for ``neo4j-admin database import``, with constraints and an import script."""
    with reading(store) as opened:
        return files.write_neo4j_admin_csv(opened, Path(folder))


def export_to_neo4j(uri: str, user: str = "neo4j", password: str = "",
                    database: str | None = None, replace: bool = False, batch_size: int = 500,
                    progress: Callable[[int, int, str], None] | None = None,
                    store: StoreLike = None) -> ExportSummary:
    """Write the graph to Neo4j (or any Bolt server) with batched, idempotent MERGEs."""
    with reading(store) as opened:
        return export_neo4j(opened, uri, user, password, database=database, replace=replace,
                            batch_size=batch_size, progress=progress)


def push(store_url: str, user: str | None = None, password: str | None = None,
         store: StoreLike = None, prune: bool = False,
         query_url: str | None = None) -> list[PushedGraph]:
    """Put every graph into a triple store through the SPARQL 1.1 Graph Store Protocol;
    ``prune`` also removes the govatlas graphs there that no longer exist here."""
    with reading(store) as opened:
        return push_graphs(opened, store_url, user, password, prune=prune,
                           query_url=query_url)


def serve(host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
          max_rows: int = 10_000, store: StoreLike = None, cors: bool = False,
          allow_service: tuple[str, ...] = (), allowed_hosts: tuple[str, ...] = (),
          workers: int | None = None):
    """A read-only SPARQL 1.1 endpoint over the store, queried where it is; call
    ``serve_forever()`` on it and ``server_close()`` when done (the store stays open while it
    serves). ``SERVICE`` is refused unless its host is in ``allow_service``."""
    from govatlas.graph.store import GraphStore
    from govatlas.queries.endpoint import serve as make_server

    opened = store if isinstance(store, GraphStore) else open_for_reading(store)
    return make_server(opened, host, port, timeout, max_rows, cors=cors,
                       allow_service=allow_service, allowed_hosts=allowed_hosts,
                       workers=workers)
