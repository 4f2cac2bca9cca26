"""A read-only SPARQL 1.1 Protocol endpoint over the govatlas graph, with YASGUI as its page.

Any SPARQL client works against it: queries come by GET (``?query=``) or POST (a form, or an
``application/sparql-query`` body), with ``default-graph-uri`` / ``named-graph-uri`` honoured;
results are negotiated with the Accept header (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE); GET ``/sparql`` with no query is the Service
Description. Updates are refused with 403 and change nothing; so is ``SERVICE`` (unless its host
is allowed), checked before the query runs (:mod:`.guard`).

Why its own server rather than ``oxigraph serve-read-only`` over the same store: Oxigraph's
server executes ``SERVICE`` (measured: it POSTs to any address a query names) and has no row
limit, no per-query kill, no Host check and no page; a proxy in front would have to parse every
query anyway. See the report in ``bench`` for the measured comparison.

How one client cannot stall the others:

- each connection has its own thread and one deadline for reading a whole request (request
  line, headers and body together, :class:`DeadlineReader`), so a request sent half, or sent
  a byte at a time, only holds its own thread until the deadline, then gets 408 (a timeout
  per socket read alone would let a client that sends a byte a second hold on for ever);
- connections beyond ``max_connections`` get an immediate 503 from the accepting thread;
- queries run in a pool of forked workers (:mod:`.workers`), at most ``workers`` at once, with
  at most ``queue`` more waiting; a query that finds the queue full gets 503 and Retry-After;
- each query's worker is killed at its timeout (503) and replaced, and its rows are read only
  up to the limit (413).

The parent process never calls the engine once serving (the view, the graph sizes and the
library are read at start-up), which is what makes forking replacements from its threads safe.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import PREFIXES

from .guard import warm_up
from .library import (
    LibraryQuery,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    adhoc_query,
    load_library,
)
from .protocol import CONTENT_TYPES, BadRequest, negotiate, read_request, service_description
from .runner import Dataset, checked_text, prepared_text
from .view import QueryView, query_view
from .workers import Busy, WorkerPool

#: the largest request body read (a query of a megabyte is already far beyond any real one)
MAX_BODY = 1_000_000
ASSETS = "assets"
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
#: the page may load its own scripts and styles and call its own endpoint, nothing else
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


class Endpoint:
    """What the server needs, read once before serving: the view, the library, the limits."""

    def __init__(self, store: GraphStore | QueryView | Path, timeout: float = 30.0,
                 max_rows: int = 10_000, cors: bool = False,
                 allow_service: Iterable[str] = (), workers: int | None = None,
                 queue: int = 64, read_timeout: float = 10.0,
                 allowed_hosts: Iterable[str] = ()) -> None:
        if isinstance(store, Path):
            with GraphStore.open(store, read_only=True) as opened:
                self.view = query_view(opened)
        else:
            self.view = query_view(store)
        self.graph_sizes = {
            row["g"].value: int(row["n"].value) for row in self.view.store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        self.timeout = timeout
        self.max_rows = max_rows
        self.cors = cors
        self.allow_service = tuple(allow_service)
        self.workers = workers or max(4, 2 * (os.cpu_count() or 1))
        self.queue = queue
        self.read_timeout = read_timeout
        self.allowed_hosts = {host.lower() for host in allowed_hosts}
        warm_up()
        self.library = load_library()
        self.library_tabs = library_json(self)
        # forked last, once everything the workers need is read
        self.pool = WorkerPool(self.view, self.workers, queue)

    def host_allowed(self, host_header: str | None, bound_host: str) -> bool:
        """Whether a request's Host names this server: an IP address (a DNS-rebinding page
        cannot send one), ``localhost``, the address it listens on, or an allowed name."""
        if not host_header:
            return False
        try:
            name = (urlsplit("//" + host_header).hostname or "").lower()
        except ValueError:
            return False
        if name in ("localhost", bound_host.lower()) or name in self.allowed_hosts:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def run(self, query: LibraryQuery, dataset: Dataset):
        """Check ``query`` (no SERVICE), then run it on a free worker, or say it is busy."""
        text = checked_text(query, {}, self.allow_service)
        return self.pool.run(text, query.kind, dataset, self.timeout, self.max_rows)

    def close(self) -> None:
        self.pool.close()


class DeadlineReader(io.RawIOBase):
    """A connection's reads under one deadline for the whole request (:meth:`start` sets it).

    Each read waits at most for what is left of the deadline, so the request line, the
    headers and the body together take at most ``budget`` seconds however the client spaces
    its bytes. A read past the deadline raises :class:`TimeoutError`, which the handler
    answers with 408.
    """

    def __init__(self, sock: socket.socket, budget: float) -> None:
        super().__init__()
        self.sock = sock
        self.budget = budget
        self.deadline = time.monotonic() + budget
        #: bytes received since :meth:`start`: an idle keep-alive connection has none
        self.received = 0
        self.expired = False

    def start(self) -> None:
        """A new request begins: its whole reading gets ``budget`` seconds from now."""
        self.deadline = time.monotonic() + self.budget
        self.received = 0
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError(f"the request was not received within {self.budget:g} s")
        self.sock.settimeout(remaining)
        try:
            count = self.sock.recv_into(buffer)
        except TimeoutError:
            self.expired = True
            raise
        self.received += count
        return count


def asset(name: str) -> bytes | None:
    """A file of the page (YASGUI's build, the govatlas script), from the package data."""
    path = resources.files("govatlas.queries").joinpath(ASSETS, *name.split("/"))
    if ".." in name.split("/") or not path.is_file():
        return None
    return path.read_bytes()


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "govatlas"
        protocol_version = "HTTP/1.1"
        # a request line that cannot be read still gets a status line and headers (http.server
        # would answer it as HTTP/0.9: the bare message with no status)
        default_request_version = "HTTP/1.0"
        timeout = endpoint.read_timeout  # writes; reads are bounded by the request deadline

        def setup(self) -> None:
            super().setup()
            self.rfile.close()  # http.server's reader, replaced by one under the deadline
            self.reader = DeadlineReader(self.connection, endpoint.read_timeout)
            self.rfile = io.BufferedReader(self.reader)
            self.answered = False

        def handle_one_request(self) -> None:
            """http.server's, each request under its own reading deadline; a request line
            cut by the deadline (http.server closes such a connection silently) gets 408 when
            any of it came, and an idle keep-alive connection is closed."""
            self.reader.start()
            self.answered = False
            # what parse_request sets, for an answer to a request line never read whole
            self.command, self.requestline = None, ""
            self.request_version = self.default_request_version
            super().handle_one_request()
            if self.reader.expired and not self.answered and self.reader.received:
                self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request was not received "
                                f"within {endpoint.read_timeout:g} s")

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: a CLI server should not print every request

        def log_error(self, format: str, *args: object) -> None:
            return  # the client gets the message; the console stays clean

        # --- writing answers ---------------------------------------------------------------
        def send_body(self, status: int, body: bytes, content_type: str,
                      policy: str = DATA_POLICY, extra: dict[str, str] | None = None) -> None:
            self.answered = True
            # the reads left the socket with what remained of their deadline: writing gets
            # its own (a sendall's timeout bounds the whole answer)
            self.connection.settimeout(endpoint.read_timeout)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Referrer-Policy", "no-referrer")
            if endpoint.cors:
                self.send_header("Access-Control-Allow-Origin", "*")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_text(self, status: int, text: str, extra: dict[str, str] | None = None) -> None:
            self.send_body(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8",
                           extra=extra)

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            """http.server's own errors (a bad request line, headers too long, a timeout)
            with the same headers and a plain message."""
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.send_text(code, message or HTTPStatus(code).phrase)

        def parse_request(self) -> bool:
            """http.server's, but headers not received in time get 408 rather than a closed
            connection (a request line not received in time, like an idle keep-alive
            connection, is closed: http.server gives no hook there)."""
            try:
                return super().parse_request()
            except TimeoutError:
                self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request headers were not "
                                f"received within {endpoint.read_timeout:g} s")
                return False

        # --- reading requests --------------------------------------------------------------
        def guarded(self, action) -> None:
            """Run ``action`` with the Host check; any failure is an answer, never a trace."""
            try:
                if not endpoint.host_allowed(self.headers.get("Host"),
                                             self.server.server_address[0]):
                    self.close_connection = True
                    self.send_text(HTTPStatus.FORBIDDEN,
                                   "unknown Host: this server answers only requests addressed "
                                   "to its own address (DNS rebinding protection)")
                    return
                action()
            except BadRequest as error:
                self.close_connection = True
                self.send_text(error.status, str(error))
            except TimeoutError:
                self.close_connection = True
                self.send_text(HTTPStatus.REQUEST_TIMEOUT,
                               f"the request was not received within {endpoint.read_timeout:g} s")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception as error:  # a bug must not drop the connection silently
                self.close_connection = True
                print(f"govatlas serve: {type(error).__name__}: {error}", file=sys.stderr)
                with contextlib.suppress(OSError):
                    self.send_text(HTTPStatus.INTERNAL_SERVER_ERROR,
                                   f"internal error: {type(error).__name__}: {error}")

        def body(self) -> bytes:
            raw = self.headers.get("Content-Length")
            if self.headers.get("Transfer-Encoding"):
                raise BadRequest("chunked bodies are not read: send a Content-Length", 411)
            if raw is None:
                raise BadRequest("a POST needs a Content-Length header", 411)
            try:
                length = int(raw.strip())
            except ValueError as error:
                raise BadRequest(f"Content-Length '{raw}' is not a number of bytes") from error
            if length < 0:
                raise BadRequest(f"Content-Length {length} is negative")
            if length > MAX_BODY:
                raise BadRequest(f"the body is over {MAX_BODY} bytes", 413)
            data = self.rfile.read(length)
            if len(data) < length:
                raise BadRequest(f"the body is shorter ({len(data)} bytes) than its "
                                 f"Content-Length ({length})")
            return data

        # --- methods -----------------------------------------------------------------------
        def do_GET(self) -> None:
            self.guarded(self.get)

        def do_HEAD(self) -> None:
            self.guarded(self.get)

        def do_POST(self) -> None:
            self.guarded(self.post)

        def do_OPTIONS(self) -> None:
            self.guarded(self.options)

        def do_PUT(self) -> None:
            self.guarded(self.refuse_update)

        def do_DELETE(self) -> None:
            self.guarded(self.refuse_update)

        def do_PATCH(self) -> None:
            self.guarded(self.refuse_update)

        def get(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/sparql":
                self.protocol(read_request(url.query))
            elif url.path in ("/", "/index.html"):
                self.send_body(HTTPStatus.OK, query_page(endpoint).encode("utf-8"),
                               "text/html; charset=utf-8", policy=PAGE_POLICY)
            elif url.path == "/queries.json":
                self.send_body(HTTPStatus.OK, json.dumps(endpoint.library_tabs).encode(),
                               "application/json")
            elif url.path.startswith("/assets/") and (data := asset(url.path[8:])) is not None:
                suffix = Path(url.path).suffix
                self.send_body(HTTPStatus.OK, data, ASSET_TYPES.get(suffix,
                                                                    "application/octet-stream"),
                               extra={"Cache-Control": "max-age=3600"})
            else:
                self.send_text(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql, "
                               "the query page /")

        def post(self) -> None:
            url = urlsplit(self.path)
            data = self.body()
            if url.path != "/sparql":
                self.send_text(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
                return
            self.protocol(read_request(url.query, self.headers.get("Content-Type"), data))

        def options(self) -> None:
            extra = {"Allow": "GET, HEAD, POST, OPTIONS"}
            if endpoint.cors:
                extra.update({
                    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
                    "Access-Control-Max-Age": "600"})
            self.send_body(HTTPStatus.NO_CONTENT, b"", "text/plain; charset=utf-8",
                           extra=extra)

        def refuse_update(self) -> None:
            if self.command in ("PUT", "PATCH", "DELETE"):
                try:
                    self.body()  # read it, so the client sees the answer, not a reset
                except BadRequest:
                    self.close_connection = True
            self.send_text(HTTPStatus.FORBIDDEN,
                           "this endpoint is read-only: updates are refused and change nothing")

        def protocol(self, request) -> None:
            if request.update:
                self.refuse_update()
            elif request.query is None:
                self.describe()
            else:
                self.answer(request)

        def describe(self) -> None:
            host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
            fmt = negotiate(self.headers.get("Accept", ""), graph=True)
            body = service_description(f"http://{host}/sparql", endpoint.graph_sizes,
                                       endpoint.max_rows, endpoint.timeout, fmt)
            self.send_body(HTTPStatus.OK, body, CONTENT_TYPES[("graph", fmt)])

        def answer(self, request) -> None:
            try:
                query = adhoc_query(request.query)
                result = endpoint.run(query, Dataset(request.default_graphs,
                                                     request.named_graphs))
            except Busy as error:
                self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, str(error),
                               extra={"Retry-After": "1"})
                return
            except QueryTimeout as error:
                self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, str(error))
                return
            except ResultTooLarge as error:
                self.send_text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(error))
                return
            except QueryError as error:
                self.send_text(HTTPStatus.BAD_REQUEST, str(error))
                return
            graph = result.kind in ("CONSTRUCT", "DESCRIBE")
            fmt = negotiate(self.headers.get("Accept", ""), graph)
            self.send_body(HTTPStatus.OK, result.serialize(fmt),
                           CONTENT_TYPES[("graph" if graph else "solutions", fmt)])

    return Handler


class Server(ThreadingHTTPServer):
    """A thread per connection, up to ``max_connections``; beyond, an immediate 503."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], endpoint: Endpoint,
                 max_connections: int = 128) -> None:
        self.endpoint = endpoint
        self.max_connections = max_connections
        self._active = 0
        self._active_lock = threading.Lock()
        super().__init__(address, make_handler(endpoint))

    def process_request(self, request, client_address) -> None:
        with self._active_lock:
            full = self._active >= self.max_connections
            if not full:
                self._active += 1
        if full:
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._active_lock:
                self._active -= 1
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active -= 1

    def server_close(self) -> None:
        super().server_close()
        self.endpoint.close()

    def _refuse(self, request: socket.socket) -> None:
        body = b"too many connections: retry in a moment\n"
        try:
            request.settimeout(1.0)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                            b"Content-Type: text/plain; charset=utf-8\r\n"
                            b"X-Content-Type-Options: nosniff\r\nConnection: close\r\n"
                            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


def library_json(endpoint: Endpoint) -> list[dict]:
    """The library as the page's tabs: name, title, what it answers, text ready to run."""
    return [{"name": q.name, "title": q.title, "answers": q.answers, "example": q.example,
             "parameters": [{"name": p.name, "type": p.type, "default": p.default,
                             "help": p.help} for p in q.parameters],
             "text": example_text(q)} for q in endpoint.library.values()]


def example_text(query: LibraryQuery) -> str:
    """A library query made ready to run as is: its parameters bound to their defaults."""
    if not query.parameters:
        return query.text
    try:
        return prepared_text(query, query.bindings({})).split("\n", 1)[1]
    except QueryError:
        return query.text


def query_page(endpoint: Endpoint) -> str:
    """The YASGUI page: its script and styles and the govatlas set-up are files of the
    package, so the page fetches nothing from outside (the policy header forbids it too)."""
    from string import Template

    prefixes = json.dumps(PREFIXES).replace("<", "\\u003c").replace("'", "&#39;")
    page = Template(resources.files("govatlas.queries").joinpath(ASSETS, "page.html")
                    .read_text(encoding="utf-8"))
    return page.substitute(timeout=f"{endpoint.timeout:g}", max_rows=endpoint.max_rows,
                           prefixes=prefixes)


def serve(store: GraphStore | QueryView | Path, host: str = "127.0.0.1", port: int = 7878,
          timeout: float = 30.0, max_rows: int = 10_000, cors: bool = False,
          allow_service: Iterable[str] = (), workers: int | None = None, queue: int = 64,
          read_timeout: float = 10.0, max_connections: int = 128,
          allowed_hosts: Iterable[str] = ()) -> Server:
    """A server bound to ``host:port`` (call ``serve_forever`` on it, ``server_close`` after).

    ``store`` may be the path of an on-disk store: it is then read straight into the query view
    (one copy in memory instead of two).
    """
    return Server((host, port), Endpoint(store, timeout, max_rows, cors, allow_service, workers,
                                         queue, read_timeout, allowed_hosts), max_connections)
