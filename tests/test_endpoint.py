"""The SPARQL endpoint with clients govatlas did not write (SPARQLWrapper, rdflib's SPARQLStore),
started as a real server, and the push to a real triple store (an Oxigraph server)."""

from __future__ import annotations

import contextlib
import json
import os
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
def patient_endpoint(built_store):
    """The server with a timeout no library query on the bundled data comes near, even on a
    busy machine, for the tests that compare whole answers (``endpoint`` cuts at 3 s)."""
    port = free_port()
    with running([BIN / "govatlas", "--store", str(built_store), "serve", "--port", str(port),
                  "--timeout", "120"], f"http://127.0.0.1:{port}") as url:
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


def test_every_library_query_gives_the_same_rows_over_http(patient_endpoint, local):
    from govatlas.queries.endpoint import Endpoint, library_json

    for item in library_json(Endpoint(local)):
        request = urllib.request.Request(
            patient_endpoint + "/sparql", data=item["text"].encode(), method="POST",
            headers={"Content-Type": "application/sparql-query",
                     "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=150) as response:
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


# --- the endpoint in this process, with its options ------------------------------------------
# (the tests above run `govatlas serve` as users do; these start the server in a thread so each
# test can set the limits, and can watch what it sends and receives)

ACTORS_ONCE = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ga:Actor }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def view(built_store):
    from govatlas.queries.view import query_view

    with GraphStore.open(built_store, read_only=True) as store:
        return query_view(store)


SERVERS: dict = {}


@contextmanager
def serving(view, **options):
    """An endpoint on a free port for the duration of a block; yields its base URL."""
    import threading

    from govatlas.queries.endpoint import serve

    server = serve(view, port=0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    SERVERS[url] = server
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        del SERVERS[url]


def sparql(url: str, query: str, accept: str = "application/sparql-results+json",
           method: str = "POST", timeout: float = 30, **params: str):
    """(status, headers, body) of a protocol request; HTTP errors are answers too."""
    if method == "RAW":  # the URL carries the whole request
        request = urllib.request.Request(url, headers={"Accept": accept})
    elif method == "POST":
        data = urllib.parse.urlencode({"query": query, **params}).encode()
        request = urllib.request.Request(url + "/sparql", data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    else:
        request = urllib.request.Request(
            url + "/sparql?" + urllib.parse.urlencode({"query": query, **params}),
            method=method, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def raw(url: str, data: bytes, timeout: float = 10, shut: bool = True) -> bytes:
    """Send bytes as they are on a new connection and read the whole answer."""
    host, port = urlparse_host(url)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def urlparse_host(url: str) -> tuple[str, int]:
    parsed = urllib.parse.urlsplit(url)
    return parsed.hostname, parsed.port


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:{port}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a a ga:Actor { SELECT ?s WHERE { SERVICE <http://localhost:{port}/> "
    "{ ?s ?p ?o } } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_the_listener_receives_nothing(view, template):
    listener = Listener()
    try:
        query = template.replace("{port}", str(listener.port))
        with serving(view) as url:
            status, _headers, body = sparql(url, query)
        assert status == 400
        assert b"SERVICE" in body
        from govatlas.queries.guard import RemoteQueryRefused

        with pytest.raises(RemoteQueryRefused):  # and the same from `govatlas query`
            run_query(view, parse_query(query, "q"), timeout=5)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


def test_the_word_service_in_a_string_or_comment_is_no_call(view):
    with serving(view) as url:
        status, _headers, body = sparql(url, '# a SERVICE comment\nSELECT ("SERVICE <http://x/>"'
                                              ' AS ?s) WHERE {}')
    assert status == 200, body
    assert b"SERVICE <http://x/>" in body


def test_an_allowed_service_host_is_called(view):
    listener = Listener()
    try:
        with serving(view, allow_service=["127.0.0.1"]) as url:
            status, _headers, _body = sparql(
                url, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> "
                     "{ ?s ?p ?o } }", timeout=30)
        assert listener.connections >= 1  # the guard let it through: the engine called it
        assert status in (400, 503)  # the listener gives no SPARQL answer
    finally:
        listener.close()


def test_a_half_sent_request_does_not_delay_a_second_client(view):
    with serving(view, read_timeout=2) as url:
        host, port = urlparse_host(url)
        stalled = []
        for partial in (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                        b"Content-Type: application/sparql-query\r\n\r\nSELECT",
                        b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"):
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(partial)
            stalled.append(sock)
        started = time.monotonic()
        status, _headers, body = sparql(url, ACTORS_ONCE)
        assert status == 200 and count(body) > 0
        assert time.monotonic() - started < 1.0
        # each stalled client gets an answer once its read timeout passes, not a reset
        answers = [sock.recv(4096) for sock in stalled]
        for sock in stalled:
            sock.close()
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers


DRIPPED = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
           b"\r\nContent-Length: 36\r\n\r\nASK { ?a a <http://example.org/A> }\n")


@pytest.mark.parametrize("part", ["request line", "headers", "body"])
def test_a_request_sent_a_byte_at_a_time_gets_408_at_the_deadline(view, part):
    """A client that keeps each read short (a byte every 0.2 s) but never finishes is cut at
    the request's deadline, wherever it is in the request, and a second client is served
    meanwhile: the per-read timeout alone would let it hold its thread for minutes."""
    start = {"request line": 0, "headers": DRIPPED.index(b"Host"),
             "body": DRIPPED.index(b"ASK")}[part]
    with serving(view, read_timeout=1.5) as url:
        host, port = urlparse_host(url)
        sock = socket.create_connection((host, port), timeout=10)
        sock.sendall(DRIPPED[:start])
        sock.setblocking(False)
        started = time.monotonic()
        answer = b""
        sent = start
        while time.monotonic() - started < 8 and sent < len(DRIPPED):
            with contextlib.suppress(BlockingIOError, ConnectionError):
                sock.send(DRIPPED[sent:sent + 1])
                sent += 1
            with contextlib.suppress(BlockingIOError):
                answer += sock.recv(4096)
            if answer:
                break
            status, _headers, body = sparql(url, "ASK { ?a a ga:Actor }", timeout=5)
            assert status == 200 and b"true" in body
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), (part, sent, answer)
    assert sent < len(DRIPPED) and elapsed < 4, (part, sent, elapsed)


def test_200_concurrent_requests_all_answer_or_get_503_in_time(view):
    from concurrent.futures import ThreadPoolExecutor

    timeout = 10.0

    def one(index: int) -> tuple[int, float]:
        started = time.monotonic()
        query = ACTORS_ONCE if index % 2 else "ASK { ?a a ga:Actor }"
        status, _headers, _body = sparql(url, query, timeout=timeout + 5)
        return status, time.monotonic() - started

    with serving(view, timeout=timeout, workers=4, queue=32, max_connections=64) as url, \
            ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(one, range(200)))
    statuses = [status for status, _elapsed in results]
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses.count(200) >= 50
    assert max(elapsed for _status, elapsed in results) < timeout


def test_a_slow_query_does_not_delay_quick_ones(view):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    slow_answer: list = []
    with serving(view, timeout=4, workers=4) as url:
        slow = threading.Thread(target=lambda: slow_answer.append(sparql(url, SLOW)[0]))
        slow.start()
        time.sleep(0.3)  # the slow one is running

        def quick(_index: int) -> float:
            started = time.monotonic()
            status, _headers, _body = sparql(url, "ASK { ?a a ga:Actor }")
            assert status == 200
            return time.monotonic() - started

        with ThreadPoolExecutor(max_workers=19) as pool:
            elapsed = list(pool.map(quick, range(19)))
        slow.join()
    assert slow_answer == [503]  # the slow one ran until its timeout: it was really slow
    assert max(elapsed) < 2.0, elapsed


MALFORMED = [
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", b"400",
     b"not a number"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n", b"400",
     b"negative"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 50\r\n\r\nSELECT * WHERE", b"400", b"shorter"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"411", b"Content-Length"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 4\r\n\r\n\xff\xfe\xfa\xfb", b"400", b"UTF-8"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlen"
     b"coded\r\nContent-Length: 9\r\n\r\nnoequals&", b"400", b"parameters"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
     b"Content-Length: 1\r\n\r\nx", b"415", b"sparql-query"),
    (b"GET /sparql?query=SELECT+*+WHERE+%7B HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"400",
     b"syntax error"),
    (b"GET /sparql?query=a&query=b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"400", b"once"),
    (b"GARBAGE\r\n\r\n", b"400", b"Bad request"),
    (b"GET /sparql HTTP/1.1\r\nHost: evil.example:7878\r\n\r\n", b"403", b"Host"),
    (b"GET /sparql HTTP/1.1\r\n\r\n", b"403", b"Host"),
]


@pytest.mark.parametrize(("request_bytes", "status", "message"), MALFORMED)
def test_malformed_requests_get_an_answer_with_a_message(view, capfd, request_bytes, status,
                                                         message):
    with serving(view, read_timeout=2) as url:
        answer = raw(url, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == status, answer
    assert message.lower() in body.lower(), answer
    assert b"nosniff" in head
    assert "Traceback" not in capfd.readouterr().err


def test_a_malformed_parameter_comment_is_only_a_comment(view):
    with serving(view) as url:
        status, _headers, body = sparql(url, "# param: this is not a parameter line\n"
                                             + ACTORS_ONCE)
    assert status == 200, body


def test_every_answer_carries_the_security_headers(view):
    with serving(view) as url:
        for path in ("/", "/sparql", "/queries.json", "/nowhere"):
            try:
                with urllib.request.urlopen(url + path) as response:
                    headers = response.headers
            except urllib.error.HTTPError as error:
                headers = error.headers
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert "default-src 'none'" in headers["Content-Security-Policy"], path
        _status, headers, _body = sparql(url, ACTORS_ONCE)
        assert "sandbox" in headers["Content-Security-Policy"]


def test_the_row_limit_stops_reading_long_before_the_result_is_built(view):
    huge = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # about 10^9 rows on the bundled data
    with serving(view, timeout=20, max_rows=500) as url:
        started = time.monotonic()
        status, _headers, body = sparql(url, huge)
        elapsed = time.monotonic() - started
    assert status == 413 and b"500 rows" in body
    assert elapsed < 3.0


def worker_pids(url: str) -> set[int]:
    return {worker.pid for worker in list(SERVERS[url].endpoint.pool._idle.queue)}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_query_past_its_timeout_is_killed_and_its_worker_replaced(view):
    with serving(view, timeout=1.5, workers=2) as url:
        before = worker_pids(url)
        started = time.monotonic()
        status, _headers, body = sparql(url, SLOW)
        elapsed = time.monotonic() - started
        after = worker_pids(url)
        assert status == 503 and b"stopped" in body
        assert elapsed < 4
        assert len(after) == 2 and len(before - after) == 1
        assert not any(alive(pid) for pid in before - after)
        assert sparql(url, ACTORS_ONCE)[0] == 200
    assert not any(alive(pid) for pid in after)  # closing the server stops its workers


def test_the_service_description_is_rdf(view):
    import rdflib

    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    with serving(view) as url:
        with urllib.request.urlopen(url + "/sparql") as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            graph = rdflib.Graph().parse(data=response.read(), format="turtle")
        service = rdflib.URIRef(url + "/sparql")
        assert (service, rdflib.RDF.type, sd.Service) in graph
        assert (service, sd.feature, sd.UnionDefaultGraph) in graph
        names = {str(name) for name in graph.objects(None, sd.name)}
        assert names == set(view.graphs)
        request = urllib.request.Request(url + "/sparql", method="HEAD")
        with urllib.request.urlopen(request) as response:
            assert response.status == 200 and response.read() == b""


def test_options_and_cors(view):
    def preflight(url: str):
        request = urllib.request.Request(url + "/sparql", method="OPTIONS", headers={
            "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers

    with serving(view) as url:
        status, headers = preflight(url)
        assert status == 204 and "POST" in headers["Allow"]
        assert headers["Access-Control-Allow-Origin"] is None
        assert sparql(url, ACTORS_ONCE)[1]["Access-Control-Allow-Origin"] is None
    with serving(view, cors=True) as url:
        status, headers = preflight(url)
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]
        assert sparql(url, ACTORS_ONCE)[1]["Access-Control-Allow-Origin"] == "*"


def test_default_graph_holds_each_statement_once(view, built_store):
    """224 matches when a statement of two datasets counts twice; the store has 216 actors."""
    result = subprocess.run([BIN / "govatlas", "--store", str(built_store), "stats",
                             "--format", "json"], capture_output=True, text=True, check=True)
    actors = int(next(row["count"] for row in json.loads(result.stdout)
                      if row["section"] == "Totals" and row["key"] == "actors"))
    distinct = run_query(view, parse_query(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }", "q")).rows[0][0]
    assert actors == int(distinct.value)
    with serving(view) as url:
        assert count(sparql(url, ACTORS_ONCE)[2]) == int(distinct.value)
    assert int(run_query(view, parse_query(ACTORS_ONCE, "q")).rows[0][0].value) == \
        int(distinct.value)


EU = "https://w3id.org/govatlas/graph/dataset/eu"
IN_EU = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EU}> {{ ?a a ga:Actor }} }}"


def test_from_and_protocol_dataset_are_honoured(view):
    with serving(view) as url:
        whole = count(sparql(url, ACTORS_ONCE)[2])
        in_eu = count(sparql(url, IN_EU)[2])
        assert 0 < in_eu < whole
        from_eu = f"SELECT (COUNT(*) AS ?n) FROM <{EU}> WHERE {{ ?a a ga:Actor }}"
        assert count(sparql(url, from_eu)[2]) == in_eu
        for method in ("GET", "POST"):
            status, _headers, body = sparql(url, ACTORS_ONCE, method=method,
                                            **{"default-graph-uri": EU})
            assert status == 200 and count(body) == in_eu
        named = ("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert count(sparql(url, named, **{"named-graph-uri": EU})[2]) == 1
        assert count(sparql(url, named)[2]) == len(view.graphs)


FRANCE = "https://w3id.org/govatlas/graph/dataset/france"
PARIS = "https://w3id.org/govatlas/graph/dataset/paris"


def test_several_from_graphs_form_one_default_graph_each_statement_once(view):
    """The france and paris datasets both state 4 actors: over both, each is one actor."""
    both = f"FROM <{FRANCE}> FROM <{PARIS}>"
    with serving(view) as url:
        everything = count(sparql(url, "SELECT (COUNT(*) AS ?n) "
                                       f"{both} WHERE {{ ?a a ga:Actor }}")[2])
        distinct = count(sparql(url, "SELECT (COUNT(DISTINCT ?a) AS ?n) "
                                     f"{both} WHERE {{ ?a a ga:Actor }}")[2])
        apart = sum(count(sparql(url, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> "
                                      "WHERE { ?a a ga:Actor }")[2]) for graph in (FRANCE, PARIS))
        assert everything == distinct < apart
        request = urllib.parse.urlencode([("query", ACTORS_ONCE), ("default-graph-uri", FRANCE),
                                          ("default-graph-uri", PARIS)])
        status, _headers, body = sparql(url + "/sparql?" + request, "", method="RAW")
        assert status == 200 and count(body) == distinct


def test_rdflib_sparqlstore_with_a_graph_identifier_sees_only_that_graph(view):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    query = ("SELECT (COUNT(*) AS ?n) WHERE { ?a a "
             "<https://w3id.org/govatlas/ontology#Actor> }")
    with serving(view) as url:
        in_eu = count(sparql(url, IN_EU)[2])
        store = SPARQLStore(url + "/sparql", returnFormat="json")
        graph = rdflib.Graph(store, identifier=rdflib.URIRef(EU))
        assert int(next(iter(graph.query(query)))[0]) == in_eu
        everything = rdflib.Graph(SPARQLStore(url + "/sparql", returnFormat="json"))
        assert int(next(iter(everything.query(query)))[0]) > in_eu


def test_sparqlwrapper_every_result_format(view):
    from SPARQLWrapper import TSV, XML

    with serving(view) as url:
        client = SPARQLWrapper(url + "/sparql")
        client.setQuery(QUERY)
        for fmt, check in ((JSON, lambda r: r["results"]["bindings"]),
                           (XML, lambda r: r.getElementsByTagName("result")),
                           (CSV, lambda r: r.decode().splitlines()[1:]),
                           (TSV, lambda r: r.decode().splitlines()[1:])):
            client.setReturnFormat(fmt)
            assert len(check(client.query().convert())) >= 3, fmt
        client.setQuery("ASK { ?a a <https://w3id.org/govatlas/ontology#Actor> }")
        client.setReturnFormat(JSON)
        assert client.query().convert()["boolean"] is True
        client.setQuery("CONSTRUCT { ?a a <https://w3id.org/govatlas/ontology#Actor> } WHERE "
                        "{ ?a a <https://w3id.org/govatlas/ontology#Actor> }")
        client.setReturnFormat(TURTLE)
        import rdflib

        built = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
        assert len(built) == count(sparql(url, ACTORS_ONCE)[2])


# --- the query page in a browser -------------------------------------------------------------



@contextmanager
def offline_page(browser, url: str):
    """A page of the server at ``url`` in headless Chromium, every other request blocked;
    fails the test if the page tried to fetch from outside or logged an error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []
    errors: list[str] = []

    def route(request_route) -> None:
        if request_route.request.url.startswith(url + "/"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error"
            and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url + "/")
        page.wait_for_selector("#yasgui[data-library]", timeout=30_000)
        yield page
    finally:
        context.close()
    assert blocked == [], f"the page tried to fetch from outside: {blocked}"
    assert errors == [], f"console errors: {errors}"


def run_library_tab(page, title: str) -> None:
    """Open the tab of a library query, run it and wait for its table."""
    page.get_by_text(title, exact=True).click()
    page.locator(".yasqe_queryButton:visible").click()
    page.wait_for_selector(".yasr .dataTable tbody tr >> visible=true", timeout=30_000)


def screenshot(page, name: str) -> None:
    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / name))


def test_the_yasgui_page_runs_a_library_query_offline(view, browser):
    with serving(view) as url, offline_page(browser, url) as page:
        tabs = page.locator(".tabsList .tab").all_inner_texts()
        library = load_library()
        names = {text.split("\n")[0].strip() for text in tabs}
        assert {q.title for q in library.values()} <= names
        page.get_by_text(library["competence-matrix"].title, exact=True).click()
        text = page.evaluate("() => window.govatlasYasgui.getTab().getYasqe().getValue()")
        assert "PREFIX ga:" in text and "territory" in text
        shown = page.locator(".govatlas-answers").inner_text()
        assert shown == library["competence-matrix"].answers
        run_library_tab(page, library["competence-matrix"].title)
        rows = page.locator(".yasr .dataTable tbody tr:visible").count()
        cells = page.locator(".yasr .dataTable tbody:visible").inner_text()
        screenshot(page, "yasgui.png")
        assert rows > 0 and "Vienna" in cells


def test_the_yasgui_page_shows_a_result_as_pivot_table_and_chart(view, browser):
    """Actors by type and level, pivoted (levels down, types across, the sum of actors in the
    cells) and charted (one bar per level): the numbers are the query's own."""
    query = load_library()["actors-by-type-and-level"]
    result = run_query(view, query)
    variables = result.variables
    per_level: dict[str, int] = {}
    for row in result.rows:
        level = row[variables.index("levelLabel")].value
        per_level[level] = per_level.get(level, 0) + int(row[variables.index("actors")].value)
    with serving(view) as url, offline_page(browser, url) as page:
        run_library_tab(page, query.title)
        page.locator(".yasr .select_pivot:visible").click()
        page.wait_for_selector(".yasr .pvtTable >> visible=true", timeout=30_000)
        totals = page.evaluate("""() => [...document.querySelectorAll(
            '.yasr .pvtTable tbody tr')].map((tr) => [tr.querySelector('th.pvtRowLabel')
            ?.textContent, tr.querySelector('td.pvtTotal.rowTotal')?.textContent])""")
        shown = {label: float(total.replace(",", "")) for label, total in totals
                 if label and total}
        assert shown == per_level, shown
        assert page.locator(".yasr .pvtAxisContainer li").count() >= len(variables)
        screenshot(page, "yasgui-pivot.png")
        page.locator(".yasr .select_chart:visible").click()
        page.wait_for_selector(".yasr .govatlas-chart canvas >> visible=true", timeout=30_000)
        page.select_option(".yasr .govatlas-chart select[name=labels]", "levelLabel")
        page.select_option(".yasr .govatlas-chart select[name=values]", "actors")
        chart = page.evaluate("""() => { const chart = Chart.getChart(
            document.querySelector('.yasr .govatlas-chart canvas'));
            return {labels: chart.data.labels, values: chart.data.datasets[0].data,
                    width: chart.width, height: chart.height}; }""")
        assert dict(zip(chart["labels"], chart["values"], strict=True)) == per_level
        assert chart["width"] > 300 and chart["height"] > 200
        painted = page.evaluate("""() => { const canvas = document.querySelector(
            '.yasr .govatlas-chart canvas'); const pixels = canvas.getContext('2d')
            .getImageData(0, 0, canvas.width, canvas.height).data; let n = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++; return n; }""")
        assert painted > 1000  # bars drawn, not an empty canvas
        screenshot(page, "yasgui-chart.png")


def test_push_prune_removes_remote_graphs_no_longer_local(local, oxigraph_server):
    from govatlas.graph.export.push import push

    def remote() -> dict[str, int]:
        client = SPARQLWrapper(oxigraph_server + "/query")
        client.setQuery("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        client.setReturnFormat(JSON)
        return {b["g"]["value"]: int(b["n"]["value"])
                for b in client.query().convert()["results"]["bindings"]}

    foreign = "http://example.org/someone-elses-graph"
    request = urllib.request.Request(
        oxigraph_server + "/store?" + urllib.parse.urlencode({"graph": foreign}), method="PUT",
        data=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
        headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request).close()
    push(local, oxigraph_server + "/store")
    assert EU in remote()
    smaller = GraphStore.in_memory()
    smaller.store.bulk_extend(local.store.quads_for_pattern(None, None, None, None))
    smaller.remove_graph(EU)
    without_prune = push(smaller, oxigraph_server + "/store")
    assert EU in remote() and not any(item.removed for item in without_prune)
    pushed = push(smaller, oxigraph_server + "/store", prune=True)
    assert [item.graph for item in pushed if item.removed] == [EU]
    after = remote()
    assert EU not in after and foreign in after  # only govatlas graphs are pruned
    assert {graph: n for graph, n in after.items() if graph != foreign} == {
        graph: sum(1 for _ in smaller.quads(graph)) for graph in smaller.graphs()}
