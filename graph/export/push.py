"""Uploading the graph to a dedicated triple store through the SPARQL 1.1 Graph Store HTTP
Protocol, so that any standard store (Oxigraph server, Fuseki, GraphDB, Virtuoso) can hold it.

Each named graph of the govatlas store (the ontology, each dataset) is sent whole with an HTTP
PUT to ``STORE_URL?graph=IRI``: PUT replaces the graph, so pushing twice leaves one copy. With
``prune`` the govatlas graphs the remote store holds but the local one no longer does (a dataset
removed since the last push) are deleted there (HTTP DELETE on the same URL); graphs outside
govatlas's namespace (``https://w3id.org/govatlas/graph/``) are never touched. Listing the remote
graphs needs the store's SPARQL query endpoint: ``/query`` beside Oxigraph's ``/store``, or
beside Fuseki's ``/data``, unless ``query_url`` names it.

The library queries read the union of the graphs as their default graph, so the receiving store
must be started with a union default graph: ``oxigraph serve --location DIR --union-default-graph``
(Fuseki: ``tdb:unionDefaultGraph true`` in the dataset's configuration). Without it the default
graph of the remote store is empty and every library query returns nothing. (Oxigraph's union is
a bag: a statement two datasets make is matched twice there, unlike in ``govatlas query``.)
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.ontology.errors import EXIT_STORE, GovatlasError
from govatlas.ontology.namespaces import GRAPH


class PushError(GovatlasError, RuntimeError):
    """The remote store refused a graph or could not be reached."""

    exit_code = EXIT_STORE


@dataclass(frozen=True)
class PushedGraph:
    graph: str
    triples: int
    status: int
    #: the graph was deleted from the remote store (``prune``), not uploaded
    removed: bool = False


def graph_url(store_url: str, graph: str) -> str:
    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def default_query_url(store_url: str) -> str | None:
    """The SPARQL query endpoint beside a graph store endpoint, for the stores whose layout is
    known (Oxigraph ``/store`` and ``/query``, Fuseki ``/DATASET/data`` and ``/DATASET/query``)."""
    base = store_url.split("?", 1)[0].rstrip("/")
    for suffix in ("/store", "/data"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + "/query"
    return None


def _send(request: urllib.request.Request, store_url: str, what: str, timeout: float) -> tuple:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", errors="replace")[:300]
        raise PushError(f"{store_url} refused {what}: HTTP {error.code} "
                        f"{error.reason} {detail}".strip()) from error
    except (urllib.error.URLError, OSError) as error:
        raise PushError(f"cannot reach {store_url} ({error}): check the URL and that the "
                        "store is running") from error


def remote_graphs(query_url: str, headers: dict[str, str], timeout: float) -> set[str]:
    """The govatlas graphs (IRIs under :data:`GRAPH`) the remote store holds."""
    query = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "
             f"\"{GRAPH}\")) }}")
    request = urllib.request.Request(
        query_url, data=urllib.parse.urlencode({"query": query}).encode(), method="POST",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json"})
    _status, body = _send(request, query_url, "the list of its graphs", timeout)
    try:
        bindings = json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError) as error:
        raise PushError(f"{query_url} did not answer the graph list in SPARQL JSON") from error
    return {item["g"]["value"] for item in bindings if "g" in item}


def push(store: GraphStore, store_url: str, user: str | None = None,
         password: str | None = None, timeout: float = 120.0,
         progress: Callable[[str], None] | None = None, prune: bool = False,
         query_url: str | None = None) -> list[PushedGraph]:
    """PUT every named graph of ``store`` to the Graph Store Protocol endpoint ``store_url``;
    with ``prune``, DELETE the govatlas graphs found there (through ``query_url``) that
    ``store`` no longer has."""
    auth: dict[str, str] = {}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        auth["Authorization"] = f"Basic {token}"
    local = store.graphs()
    stale: set[str] = set()
    if prune:
        query_url = query_url or default_query_url(store_url)
        if query_url is None:
            raise PushError(f"cannot tell the query endpoint of {store_url}, needed to list "
                            "the graphs to prune: give it (--query-url)")
        stale = remote_graphs(query_url, auth, timeout) - set(local)
    pushed = []
    for graph in local:
        if progress:
            progress(graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        request = urllib.request.Request(graph_url(store_url, graph), data=body, method="PUT",
                                         headers={**auth,
                                                  "Content-Type": "application/n-triples"})
        status, _body = _send(request, store_url, f"graph {graph}", timeout)
        pushed.append(PushedGraph(graph, len(triples), status))
    for graph in sorted(stale):
        if progress:
            progress(graph)
        request = urllib.request.Request(graph_url(store_url, graph), method="DELETE",
                                         headers=auth)
        status, _body = _send(request, store_url, f"the removal of graph {graph}", timeout)
        pushed.append(PushedGraph(graph, 0, status, removed=True))
    return pushed
