"""Uploading the graph to a dedicated triple store through the SPARQL 1.1 Graph Store HTTP
Protocol, so that any standard store (Oxigraph server, Fuseki, GraphDB, Virtuoso) can hold it.

Each named graph of the govatlas store (the ontology, each dataset) is sent whole with an HTTP
PUT to ``STORE_URL?graph=IRI``: PUT replaces the graph, so pushing twice leaves one copy.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.ontology.errors import EXIT_STORE, GovatlasError


class PushError(GovatlasError, RuntimeError):
    """The remote store refused a graph or could not be reached."""

    exit_code = EXIT_STORE


@dataclass(frozen=True)
class PushedGraph:
    graph: str
    triples: int
    status: int


def graph_url(store_url: str, graph: str) -> str:
    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def push(store: GraphStore, store_url: str, user: str | None = None,
         password: str | None = None, timeout: float = 120.0,
         progress: Callable[[str], None] | None = None) -> list[PushedGraph]:
    """PUT every named graph of ``store`` to the Graph Store Protocol endpoint ``store_url``."""
    headers = {"Content-Type": "application/n-triples"}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    pushed = []
    for graph in store.graphs():
        if progress:
            progress(graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        request = urllib.request.Request(graph_url(store_url, graph), data=body, method="PUT",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace")[:300]
            raise PushError(f"{store_url} refused graph {graph}: HTTP {error.code} "
                            f"{error.reason} {detail}".strip()) from error
        except (urllib.error.URLError, OSError) as error:
            raise PushError(f"cannot reach {store_url} ({error}): check the URL and that the "
                            "store is running") from error
        pushed.append(PushedGraph(graph, len(triples), status))
    return pushed
