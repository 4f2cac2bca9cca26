"""The SPARQL endpoint with clients govatlas did not write (SPARQLWrapper, rdflib's SPARQLStore),
started as a real server, and the push to a real triple store (an Oxigraph server)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from govatlas.graph.store import GraphStore
from govatlas.queries.library import load_library, parse_query
from govatlas.queries.runner import run_query

BIN = Path(sys.executable).parent
QUERY = """PREFIX ga: <https://w3id.org/govatlas/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?actor ?label WHERE { ?actor a ga:Actor ; rdfs:label ?label ;
  ga:country "AT" } ORDER BY ?label"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {process.stderr.read()}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server at {url} after {seconds} s")


@contextmanager
def running(command: list, url: str):
    """A server process for the duration of a test, stopped whatever happens."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        wait_for(url + "/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("endpoint") / "store"
    subprocess.run([BIN / "govatlas", "--store", str(path), "build"], check=True,
                   capture_output=True)
    return path


@pytest.fixture(scope="module")
def endpoint(built_store):
    port = free_port()
    with running([BIN / "govatlas", "--store", str(built_store), "serve", "--port", str(port),
                  "--timeout", "3", "--max-rows", "500"], f"http://127.0.0.1:{port}") as url:
        yield url


@pytest.fixture(scope="module")
def local(built_store) -> GraphStore:
    with GraphStore.open(built_store, read_only=True) as store:
        return store.in_memory_copy()


def test_sparqlwrapper_gets_the_same_rows_as_govatlas_query(endpoint, local):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    remote = [(b["actor"]["value"], b["label"]["value"])
              for b in client.query().convert()["results"]["bindings"]]
    mine = run_query(local, parse_query(QUERY, "q"))
    assert remote == [(row[0].value, row[1].value) for row in mine.rows]
    assert ("https://w3id.org/govatlas/actor/at-vienna", "City of Vienna") in remote


def test_every_library_query_gives_the_same_rows_over_http(endpoint, local):
    from govatlas.queries.endpoint import Endpoint, library_json

    for item in library_json(Endpoint(local)):
        request = urllib.request.Request(
            endpoint + "/sparql", data=item["text"].encode(), method="POST",
            headers={"Content-Type": "application/sparql-query",
                     "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            remote = json.loads(response.read())
        if "boolean" in remote:
            continue
        query = load_library()[item["name"]]
        mine = run_query(local, query)
        assert len(remote["results"]["bindings"]) == len(mine.rows), item["name"]


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(SPARQLStore(endpoint + "/sparql", returnFormat="json"))
    rows = list(graph.query(QUERY))
    assert rows and str(rows[0][1])


def test_content_negotiation(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(QUERY)
    client.setReturnFormat(CSV)
    text = client.query().convert().decode()
    assert text.splitlines()[0] == "actor,label"
    for accept, start in (("text/tab-separated-values", "?actor\t?label"),
                          ("application/sparql-results+xml", "<?xml")):
        request = urllib.request.Request(
            endpoint + "/sparql?" + urllib.parse.urlencode({"query": QUERY}),
            headers={"Accept": accept})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"].startswith(accept)
            assert response.read().decode().startswith(start)
    construct = SPARQLWrapper(endpoint + "/sparql")
    construct.setQuery("CONSTRUCT { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
                       "WHERE { ?a <https://w3id.org/govatlas/ontology#country> \"AT\" ; "
                       "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    construct.setReturnFormat(TURTLE)
    assert b"City of Vienna" in construct.query().convert()
    request = urllib.request.Request(
        endpoint + "/sparql?" + urllib.parse.urlencode({"query": construct.queryString}),
        headers={"Accept": "application/ld+json"})
    with urllib.request.urlopen(request) as response:
        assert "City of Vienna" in response.read().decode()


def test_updates_are_refused_and_change_nothing(endpoint):
    def count() -> int:
        client = SPARQLWrapper(endpoint + "/sparql")
        client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        client.setReturnFormat(JSON)
        return int(client.query().convert()["results"]["bindings"][0]["n"]["value"])

    before = count()
    for data, content_type in ((b"DROP ALL", "application/sparql-update"),
                               (b"update=DROP+ALL", "application/x-www-form-urlencoded")):
        request = urllib.request.Request(endpoint + "/sparql", data=data, method="POST",
                                         headers={"Content-Type": content_type})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 403
    assert count() == before


def test_timeout_and_result_limit(endpoint):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(endpoint + "/sparql?" + urllib.parse.urlencode({"query": slow}),
                               timeout=30)
    assert stopped.value.code == 503
    big = "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(urllib.error.HTTPError) as too_big:
        urllib.request.urlopen(endpoint + "/sparql?" + urllib.parse.urlencode({"query": big}))
    assert too_big.value.code == 413


def test_query_page_lists_the_library(endpoint):
    with urllib.request.urlopen(endpoint + "/") as response:
        page = response.read().decode()
    assert "<select id=\"library\">" in page
    with urllib.request.urlopen(endpoint + "/queries.json") as response:
        names = {item["name"] for item in json.loads(response.read())}
    assert names == set(load_library())


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is not installed: pip install oxigraph (.ci/run does)")
    port = free_port()
    with running([binary, "serve", "--location", str(tmp_path / "remote"), "--bind",
                  f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}") as url:
        yield url


def test_push_uploads_every_graph_and_twice_leaves_one_copy(built_store, local,
                                                            oxigraph_server):
    command = [BIN / "govatlas", "--store", str(built_store), "push",
               oxigraph_server + "/store"]
    for _ in range(2):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    client = SPARQLWrapper(oxigraph_server + "/query")
    client.setQuery("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    client.setReturnFormat(JSON)
    remote = {b["g"]["value"]: int(b["n"]["value"])
              for b in client.query().convert()["results"]["bindings"]}
    assert remote == {graph: sum(1 for _ in local.quads(graph)) for graph in local.graphs()}


def test_push_to_nowhere_says_so(built_store):
    result = subprocess.run([BIN / "govatlas", "--store", str(built_store), "push",
                             f"http://127.0.0.1:{free_port()}/store"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "cannot reach" in result.stderr
