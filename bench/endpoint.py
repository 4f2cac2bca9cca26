"""Measure the govatlas endpoint against ``oxigraph serve-read-only`` over the same store.

    python bench/endpoint.py --store .govatlas/store

What it measures, each server started on 127.0.0.1 and stopped after:

- whether ``SERVICE <http://127.0.0.1:PORT/>`` makes the server connect to a local listener;
- ``COUNT(*)`` of ``?a a ga:Actor`` over the default graph (Oxigraph with
  ``--union-default-graph``, since its default graph is otherwise empty for govatlas data);
- one quick query at a time (50 in a row): median and 95th percentile;
- 200 concurrent quick requests (200 client threads): answered, 503, failed, p50/p95/max;
- a quick ASK sent while a heavy query runs: its latency.

Timings are wall clock on whatever machine runs it; compare the two servers in one run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

QUICK = "ASK { ?a a <https://w3id.org/govatlas/ontology#Actor> }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/govatlas/ontology#Actor> }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, query: str, timeout: float = 60) -> tuple[int | str, float, bytes]:
    started = time.monotonic()
    data = urllib.parse.urlencode({"query": query}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json"}), timeout=timeout) as response:
            return response.status, time.monotonic() - started, response.read()
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, error.read()
    except OSError as error:
        return type(error).__name__, time.monotonic() - started, b""


def wait(url: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if request(url, QUICK, timeout=5)[0] == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"no server at {url}")


def service_reaches_listener(url: str) -> int:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    hits = []

    def accept() -> None:
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                connection, _ = listener.accept()
                hits.append(connection.recv(200))
                connection.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    port = listener.getsockname()[1]
    request(url, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}", 4)
    thread.join()
    listener.close()
    return len(hits)


def measure(name: str, url: str, heavy_timeout: float) -> dict:
    result: dict = {"server": name}
    result["SERVICE connections to a local listener"] = service_reaches_listener(url)
    status, _elapsed, body = request(url, COUNT)
    result["COUNT(*) actors"] = (json.loads(body)["results"]["bindings"][0]["n"]["value"]
                                 if status == 200 else status)
    times = [request(url, QUICK)[1] for _ in range(50)]
    result["one at a time: median ms"] = round(statistics.median(times) * 1000, 1)
    result["one at a time: p95 ms"] = round(sorted(times)[47] * 1000, 1)
    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(lambda _i: request(url, QUICK, timeout=60), range(200)))
    latencies = sorted(elapsed for _status, elapsed, _body in answers)
    result["200 concurrent: 200 OK"] = sum(1 for s, _e, _b in answers if s == 200)
    result["200 concurrent: 503"] = sum(1 for s, _e, _b in answers if s == 503)
    result["200 concurrent: failed"] = sum(1 for s, _e, _b in answers if s not in (200, 503))
    result["200 concurrent: p50 / p95 / max s"] = (
        f"{latencies[100]:.2f} / {latencies[190]:.2f} / {latencies[-1]:.2f}")
    heavy = threading.Thread(target=request, args=(url, HEAVY, heavy_timeout + 30))
    heavy.start()
    time.sleep(0.5)
    status, elapsed, _body = request(url, QUICK)
    result["quick ASK beside a heavy query: s"] = f"{elapsed:.3f} (HTTP {status})"
    heavy.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=10.0, help="query timeout, both servers")
    args = parser.parse_args()
    binary = Path(sys.executable).parent
    results = []
    port = free_port()
    servers = [
        ("govatlas serve", [binary / "python", "-c",
                            "import sys; from pathlib import Path; "
                            "from govatlas.queries.endpoint import serve; "
                            f"s = serve(Path({str(args.store)!r}), port={port}, "
                            f"timeout={args.timeout}); print('ready', flush=True); "
                            "s.serve_forever()"], f"http://127.0.0.1:{port}/sparql"),
    ]
    oxigraph = shutil.which("oxigraph", path=str(binary)) or shutil.which("oxigraph")
    if oxigraph:
        other = free_port()
        servers.append(("oxigraph serve-read-only --union-default-graph", [
            oxigraph, "serve-read-only", "--location", str(args.store), "--bind",
            f"127.0.0.1:{other}", "--union-default-graph", "--timeout-s", str(int(args.timeout))],
            f"http://127.0.0.1:{other}/query"))
    for name, command, url in servers:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait(url)
            ready = time.monotonic() - started
            measured = measure(name, url, args.timeout)
            measured["start-up s"] = round(ready, 1)
            results.append(measured)
        finally:
            process.terminate()
            process.wait(timeout=30)
    for measured in results:
        print(json.dumps(measured, indent=1))


if __name__ == "__main__":
    main()
