"""A read-only SPARQL 1.1 Protocol endpoint over the govatlas graph, and a small query page.

Any SPARQL client works against it: queries come by GET (``?query=``) or POST (form-encoded
``query=`` or an ``application/sparql-query`` body); results are negotiated with the Accept
header (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples or JSON-LD for CONSTRUCT and DESCRIBE).
Updates are refused with 403 and change nothing. Each query runs with a timeout in a forked
process and a cap on the number of results, so one request cannot hold the server.

The server handles one request at a time (a research group's endpoint, not a public service);
each query's process is forked from that single thread, which is what makes forking safe.
"""

from __future__ import annotations

import html
import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

from govatlas.graph.store import GraphStore

from .library import (
    LibraryQuery,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    load_library,
    parse_query,
)
from .runner import run_query

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}
CONTENT_TYPES = {
    ("solutions", "json"): "application/sparql-results+json",
    ("solutions", "xml"): "application/sparql-results+xml",
    ("solutions", "csv"): "text/csv; charset=utf-8",
    ("solutions", "tsv"): "text/tab-separated-values; charset=utf-8",
    ("graph", "ttl"): "text/turtle; charset=utf-8",
    ("graph", "nt"): "application/n-triples",
    ("graph", "jsonld"): "application/ld+json",
    ("graph", "xml"): "application/rdf+xml",
}


def negotiate(accept: str, graph: bool) -> str:
    """The result format for an Accept header (q-values honoured, defaults per result kind)."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    offers = []
    for part in (accept or "").split(","):
        media, *params = [item.strip() for item in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        offers.append((quality, media.lower()))
    for _quality, media in sorted(offers, key=lambda offer: -offer[0]):
        if media in table:
            return table[media]
    return "ttl" if graph else "json"


class Endpoint:
    """The state a server needs: the graph, the library and the limits."""

    def __init__(self, store: GraphStore, timeout: float = 30.0, max_rows: int = 10_000) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.library = load_library()


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "govatlas"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: a CLI server should not print every request

        def send_text(self, status: int, text: str,
                      content_type: str = "text/plain; charset=utf-8") -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = parse_qs(url.query)
            if url.path in ("/", "/index.html"):
                self.send_text(HTTPStatus.OK, query_page(endpoint), "text/html; charset=utf-8")
            elif url.path == "/queries.json":
                self.send_text(HTTPStatus.OK, json.dumps(library_json(endpoint)),
                               "application/json")
            elif url.path == "/sparql":
                if "update" in params:
                    self.refuse_update()
                elif "query" not in params:
                    self.send_text(HTTPStatus.BAD_REQUEST, "give the query as ?query=...")
                else:
                    self.answer(params["query"][0])
            else:
                self.send_text(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")

        def do_POST(self) -> None:
            url = urlparse(self.path)
            if url.path != "/sparql":
                self.send_text(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type == "application/sparql-update":
                self.refuse_update()
            elif content_type == "application/sparql-query":
                self.answer(body)
            elif content_type == "application/x-www-form-urlencoded":
                form = parse_qs(body)
                if "update" in form:
                    self.refuse_update()
                elif "query" in form:
                    self.answer(form["query"][0])
                else:
                    self.send_text(HTTPStatus.BAD_REQUEST, "give query=... in the form")
            else:
                self.send_text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                               "send application/sparql-query or a form with query=...")

        def do_PUT(self) -> None:
            self.refuse_update()

        def do_DELETE(self) -> None:
            self.refuse_update()

        def refuse_update(self) -> None:
            self.send_text(HTTPStatus.FORBIDDEN,
                           "this endpoint is read-only: updates are refused and change nothing")

        def answer(self, text: str) -> None:
            query = parse_query(text, "request")
            try:
                result = run_query(endpoint.store, query, {}, timeout=endpoint.timeout,
                                   max_rows=endpoint.max_rows)
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
            body = result.serialize(fmt)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type",
                             CONTENT_TYPES[("graph" if graph else "solutions", fmt)])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def library_json(endpoint: Endpoint) -> list[dict]:
    return [{"name": q.name, "title": q.title, "answers": q.answers,
             "text": example_text(q)} for q in endpoint.library.values()]


def example_text(query: LibraryQuery) -> str:
    """A library query made ready to run as is: its parameters bound to their defaults."""
    if not query.parameters:
        return query.text
    from .runner import prepared_text

    try:
        return prepared_text(query, query.bindings({})).split("\n", 1)[1]
    except QueryError:
        return query.text


def query_page(endpoint: Endpoint) -> str:
    """A self-contained page: pick a library query or write one, run it, see the table."""
    options = "".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.title)}</option>'
        for q in endpoint.library.values())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>govatlas SPARQL endpoint</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:auto}}textarea{{width:100%;height:16em;
font-family:monospace}}table{{border-collapse:collapse}}td,th{{border:1px solid #aaa;padding:3px;
text-align:left;vertical-align:top}}#status{{color:#555}}</style></head><body>
<h1>govatlas SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). Queries stop after
{endpoint.timeout:g}&nbsp;s and return at most {endpoint.max_rows} results.</p>
<label>Library query: <select id="library"><option value="">(write your own)</option>{options}
</select></label>
<p id="answers"></p>
<textarea id="query">SELECT ?actor ?label
WHERE {{ ?actor a ga:Actor ; rdfs:label ?label }} LIMIT 20</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="results"></div>
<script>
let library = [];
fetch('queries.json').then(r => r.json()).then(data => {{ library = data; }});
document.getElementById('library').addEventListener('change', event => {{
  const chosen = library.find(q => q.name === event.target.value);
  if (chosen) {{
    document.getElementById('query').value = chosen.text;
    document.getElementById('answers').textContent = chosen.answers;
  }}
}});
document.getElementById('run').addEventListener('click', async () => {{
  const status = document.getElementById('status');
  const results = document.getElementById('results');
  status.textContent = 'running...';
  results.replaceChildren();
  const response = await fetch('sparql', {{method: 'POST',
    headers: {{'Content-Type': 'application/sparql-query',
               'Accept': 'application/sparql-results+json'}},
    body: document.getElementById('query').value}});
  if (!response.ok) {{ status.textContent = await response.text(); return; }}
  const data = await response.json();
  const vars = data.head.vars || [];
  const table = document.createElement('table');
  const head = table.insertRow();
  vars.forEach(v => {{ const th = document.createElement('th'); th.textContent = v;
                       head.appendChild(th); }});
  (data.results ? data.results.bindings : []).forEach(b => {{
    const row = table.insertRow();
    vars.forEach(v => {{ row.insertCell().textContent = b[v] ? b[v].value : ''; }});
  }});
  results.appendChild(table);
  status.textContent = data.results ? data.results.bindings.length + ' row(s)'
                                    : String(data.boolean);
}});
</script></body></html>
"""


def serve(store: GraphStore, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
          max_rows: int = 10_000) -> HTTPServer:
    """A server bound to ``host:port`` (call ``serve_forever`` on it)."""
    return HTTPServer((host, port), make_handler(Endpoint(store, timeout, max_rows)))
