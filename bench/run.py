"""The benchmark harness: every govatlas figure next to the baseline it replaces, measured in the
same run on the same synthetic country, with the ratio (baseline time / govatlas time).

    python bench/run.py                    # 10k, 100k, 1M triples; writes bench/RESULTS.md
    python bench/run.py --quick            # 10k and 100k, short baseline limit, under 2 minutes
    python bench/run.py --sizes 10000 --baseline-limit 30 --out /tmp/bench

Jobs, each at every size (a country from ``bench/generate.py`` with its Turtle file of
data-quality defects when the generator writes one):

1. load CSV templates: ``govatlas load`` into a fresh on-disk store, against the same CSV
   conversion added to an ``rdflib.Dataset``;
2. load Turtle: Oxigraph against rdflib, on a Turtle dump of the dataset graph;
3. data-quality validation: pyshacl-turbo on the store against pySHACL on rdflib's graph;
4. gap validation: the gap shapes' SPARQL run once on the store against pySHACL, on rdflib's
   graph (the plain reference) and on an Oxigraph-backed rdflib graph (oxrdflib, the
   project's own pySHACL path). pySHACL grows about quadratically here, so it also runs at a
   few small sizes: the growth curve;
5. the query library: Oxigraph against rdflib, every query with its default parameters;
6. network measures: ``govatlas analyze`` (igraph, sampled betweenness) against exact NetworkX
   betweenness and PageRank on the same projection;
7. the map of a 5,000-actor country: ``build_map`` time (without gaps; the full run also
   times it with its gaps drawn, which takes minutes), then the time until headless Chromium
   has drawn it, clustered (what govatlas opens) and flat (pyvis's own page, the fairer
   baseline, loads its script from a CDN: no use offline).

How it is measured. Each engine's run is its own child process, forked from a parent that holds
the imported libraries and no data: the child reads the data it needs from files written once
per size (N-Quads of the loaded store, N-Triples of its union, Turtle of the dataset graph), so
what it holds is the job's own. *Seconds* are wall-clock seconds of the measured part only
(reading the input data is setup and not counted; the map's draw time is the browser's own
``performance.now()`` at its first finished frame). *Added peak MB* is the child's peak
resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``, which includes the setup, i.e. the data
the engine works on) minus its resident memory when it started, i.e. what the job added to an
interpreter that had already imported everything; Chromium's own processes are not counted.
A run that is stopped reports nothing, so its peak is the parent's 0.1-s samples of its
resident memory.

No run can hang: a child that passes its time limit, or the memory limit, is killed with its
process group and recorded as stopped. To keep the run short, a baseline is not run (and says
why) where it was stopped at a smaller size, or where its time at a smaller size, scaled in
proportion to the size, predicts more than twice the limit. Each rdflib library query runs in
its own child under a share of the limit, so one query rdflib cannot finish does not hide the
others.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import importlib.util
import json
import multiprocessing
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
#: Sizes where only gap validation runs, to show how pySHACL's time grows.
FULL_GROWTH = (2_000, 5_000, 10_000, 20_000, 50_000)
QUICK_GROWTH = (2_000,)
FULL_BASELINE_LIMIT = 600.0
QUICK_BASELINE_LIMIT = 12.0
#: govatlas's own jobs get a limit too, only so that a regression cannot hang the run.
FULL_LIMIT = 1800.0
QUICK_LIMIT = 300.0
#: A job holding more than this is stopped (pySHACL's gap run grows by ~30 MB a second).
DEFAULT_MEMORY_GB = 8.0
#: Each rdflib library query may run for this fraction of the baseline limit.
QUERY_SHARE = 6
#: Reading a job's input (setup) is not timed, but it must end too.
SETUP_LIMIT = 900.0
MAP_ACTORS = 5_000
CHROMIUM = Path(os.environ.get("GOVATLAS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Imported by the parent before it forks, so no child spends its time limit importing.
PRELOAD = ("pyoxigraph", "rdflib", "pyshacl", "pyshacl_turbo", "oxrdflib", "networkx", "igraph",
           "scipy.sparse", "govatlas.graph.pipeline", "govatlas.graph.validation.gaps",
           "govatlas.graph.analysis.analyze", "govatlas.queries.runner", "govatlas.api.pages",
           "bench.generate")
VERSIONS = ("pyoxigraph", "rdflib", "oxrdflib", "pyshacl", "pyshacl-turbo", "igraph",
            "networkx", "playwright")

GOVATLAS = "govatlas"
PYSHACL_RDFLIB = "pySHACL (rdflib in memory)"
PYSHACL_OXIGRAPH = "pySHACL (Oxigraph via oxrdflib)"


# --- what a child process reports ----------------------------------------------------------------

@dataclass
class Outcome:
    """What a job returns from its child: a note, and what the other engines' results are
    compared with (validation keys, query row counts, top-ranked actors)."""

    note: str = ""
    compare: Any = None
    #: seconds of each part (one per library query), and why a part has none
    parts: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    #: the job's own measure of its time, when the wall clock is not it (the browser's)
    seconds: float | None = None


class Clock:
    """Handed to a job in its child process: ``with clock:`` marks the measured part, and
    tells the parent when it starts, so the time limit applies to that part only."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.seconds = 0.0
        self.peak_mb = 0.0
        self._start = 0.0

    def __enter__(self) -> Clock:
        self.connection.send(("start",))
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def progress(self, outcome: Outcome) -> None:
        """What is done so far: kept by the parent in case the job is stopped."""
        self.connection.send(("progress", outcome))


@dataclass
class Measured:
    """One engine's run as the parent saw it."""

    seconds: float | None = None
    peak_mb: float | None = None
    outcome: Outcome = field(default_factory=Outcome)
    stopped: bool = False
    error: str = ""
    skipped: str = ""

    @property
    def completed(self) -> bool:
        return not (self.stopped or self.error or self.skipped) and self.seconds is not None


# --- running a job in a child process ------------------------------------------------------------

def _rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now, in MB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(connection: Any, job: Callable[..., Outcome], args: tuple, new_group: bool) -> None:
    """The child's whole life: its own process group (so it can be killed with whatever it
    starts, Chromium included), the job, and one message with the result."""
    if new_group:
        os.setpgid(0, 0)
    start_mb = _rss_mb()
    clock = Clock(connection)
    try:
        outcome = job(clock, *args)
        seconds = outcome.seconds if outcome.seconds is not None else clock.seconds
        connection.send(("done", seconds, max(0.0, clock.peak_mb - start_mb), outcome))
    except BaseException as error:  # reported, never raised into multiprocessing's handler
        connection.send(("error", f"{type(error).__name__}: {error}".strip()[:500]))
    finally:
        connection.close()


def _kill(process: Any) -> None:
    """Kill the child and its process group (only processes this run started)."""
    if process.pid is None or process.exitcode is not None:
        return
    try:
        if os.getpgid(process.pid) != process.pid:
            raise ProcessLookupError  # a child in its parent's group: kill it alone
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_mb: float


def run_in_child(job: Callable[..., Outcome], args: tuple, limits: Limits,
                 new_group: bool = True) -> Measured:
    """Run ``job(clock, *args)`` in a forked child under ``limits``; never raises, never hangs.

    A child started by a child (one rdflib query) stays in its parent's process group, so
    that stopping the parent stops it too.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, job, args, new_group))
    process.start()
    sender.close()
    if new_group:
        with contextlib.suppress(OSError):  # also from here: the child may not have yet
            os.setpgid(process.pid, process.pid)
    try:
        return _watch(process, receiver, limits)
    finally:
        _kill(process)
        process.join()
        receiver.close()


def _watch(process: Any, receiver: Any, limits: Limits) -> Measured:
    """Wait for the child's result, stopping it at the limits. A stopped child reports no peak,
    so its peak is sampled from here every 0.1 s (above its first sample, just after fork)."""
    launched = time.monotonic()
    started: float | None = None
    partial = Outcome()
    first_mb = peak_mb = _rss_mb(process.pid)
    while True:
        if receiver.poll(0.1):
            try:
                message = receiver.recv()
            except EOFError:
                process.join(5)
                return Measured(outcome=partial, error=f"the child process died (exit code "
                                f"{process.exitcode}; killed by the system for memory?)")
            if message[0] == "start":
                started = time.monotonic()
            elif message[0] == "progress":
                partial = message[1]
            elif message[0] == "done":
                return Measured(seconds=message[1], peak_mb=message[2], outcome=message[3])
            else:
                return Measured(outcome=partial, error=message[1])
        now = time.monotonic()
        rss_mb = _rss_mb(process.pid)
        peak_mb = max(peak_mb, rss_mb)
        if started is None and now - launched > SETUP_LIMIT:
            reason = f"reading the input took more than {SETUP_LIMIT:g} s"
        elif started is not None and now - started > limits.seconds:
            reason = "time limit"
        elif rss_mb > limits.memory_mb:
            reason = f"memory over {limits.memory_mb / 1024:.1f} GB"
        else:
            continue
        _kill(process)
        return Measured(seconds=now - started if started is not None else None,
                        peak_mb=peak_mb - first_mb, outcome=partial, stopped=True, error=reason)


# --- the data of one size ------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """The files of one synthetic country, written once and read by every job at that size."""

    size: int
    folder: Path  # the CSV templates
    defects: Path  # Turtle of data-quality defects (absent if the generator writes none)
    nquads: Path  # the loaded store: ontology, dataset(s) and derived graph
    ntriples: Path  # the union of those graphs, what GraphStore.to_rdflib() hands over
    turtle: Path  # the dataset graph alone
    actors: int

    @classmethod
    def at(cls, root: Path, size: int) -> Prepared:
        """About ``size`` triples (the generator's own triples-per-actor)."""
        from bench.generate import TRIPLES_PER_ACTOR

        return cls.of_actors(root / f"size-{size}", max(10, size // TRIPLES_PER_ACTOR), size)

    @classmethod
    def of_actors(cls, base: Path, actors: int, size: int | None = None) -> Prepared:
        from bench.generate import TRIPLES_PER_ACTOR

        return cls(size or actors * TRIPLES_PER_ACTOR, base / "country", base / "defects.ttl",
                   base / "store.nq", base / "union.nt", base / "dataset.ttl", actors)


def prepare(clock: Clock, prepared: Prepared, complete: bool) -> Outcome:
    """Generate the country and write the files the jobs read (not a measurement): with
    ``complete``, its defects and every dump; the map's country needs only the N-Quads."""
    import pyoxigraph as ox

    from bench import generate
    from govatlas.graph.pipeline import derive, load_dataset, load_ontology
    from govatlas.graph.store import GraphStore
    from govatlas.loaders.reader import dataset_name
    from govatlas.ontology.namespaces import DATASET_GRAPH

    with clock:
        country = generate.generate(prepared.actors)
        generate.write(country, prepared.folder)
        inputs = [prepared.folder]
        if complete and hasattr(generate, "write_defects"):
            inputs.append(generate.write_defects(country, prepared.defects))
        store = GraphStore.in_memory()
        load_ontology(store)
        for path in inputs:
            load_dataset(store, path, derive_after=False)
        derive(store)
        store.dump(prepared.nquads)
        if complete:
            store.dump(prepared.ntriples, ox.RdfFormat.N_TRIPLES)
            store.dump(prepared.turtle, ox.RdfFormat.TURTLE,
                       graph=DATASET_GRAPH + dataset_name(prepared.folder))
    defects = " and a defects file" if len(inputs) > 1 else ""
    return Outcome(note=f"{len(country.actors):,} actors{defects}", compare=len(store))


def memory_store(prepared: Prepared) -> Any:
    """The loaded store, in memory, as the govatlas commands use it (``in_memory_copy``)."""
    import pyoxigraph as ox

    from govatlas.graph.store import GraphStore

    store = ox.Store()
    store.bulk_load(path=str(prepared.nquads), format=ox.RdfFormat.N_QUADS)
    return GraphStore(store)


def rdflib_graph(prepared: Prepared) -> Any:
    """The union of the store's graphs in rdflib's own memory: ``to_rdflib(oxigraph=False)``
    serialises each graph to N-Triples and parses it; here the N-Triples come from a file, so
    the baseline's process never holds an Oxigraph store besides."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(prepared.ntriples), format="nt")
    return graph


def rdflib_dataset(prepared: Prepared) -> Any:
    """The store's named graphs in an ``rdflib.Dataset`` whose default graph is their union:
    what Oxigraph queries (``use_default_graph_as_union``). A plain Graph would not do: a
    library query that asks ``GRAPH ?g`` fails on it."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(prepared.nquads), format="nquads")
    return dataset


# --- the jobs: one function per engine -----------------------------------------------------------

def load_csv_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """What `govatlas load` does: the ontology, the CSV folder, the derived graph, on disk."""
    from govatlas.graph.pipeline import load_dataset, load_ontology
    from govatlas.graph.store import GraphStore

    with tempfile.TemporaryDirectory() as folder, clock:
        store = GraphStore.open(Path(folder) / "store")
        load_ontology(store)
        report = load_dataset(store, prepared.folder)
        size = len(store)
        store.close()
    return Outcome(note=f"{report.quads:,} dataset quads, {size:,} in the store (on disk, "
                        "with the derived graph)")


class RdflibTerms:
    """pyoxigraph terms to rdflib terms, each distinct term converted once.

    The fair way to put the converter's quads into rdflib: an rdflib-native converter would
    build rdflib terms where govatlas builds pyoxigraph ones, and a cached conversion costs
    about that. Serialising to N-Quads and parsing them back would add rdflib's (slow) parser
    to the baseline, which the baseline's own converter would not run.
    """

    def __init__(self) -> None:
        import rdflib

        self.rdflib = rdflib
        self.cache: dict[Any, Any] = {}

    def __call__(self, term: Any) -> Any:
        converted = self.cache.get(term)
        if converted is None:
            converted = self.cache[term] = self._convert(term)
        return converted

    def _convert(self, term: Any) -> Any:
        import pyoxigraph as ox

        rdflib = self.rdflib
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(term.value)
        datatype = term.datatype.value
        if term.language or datatype == str(rdflib.XSD.string):
            return rdflib.Literal(term.value, lang=term.language)  # as rdflib parses them
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def load_csv_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    """The same CSV conversion (and ontology) into an in-memory ``rdflib.Dataset``."""
    import rdflib

    from govatlas.loaders.reader import dataset_name, read_dataset
    from govatlas.ontology import ontology_files
    from govatlas.ontology.namespaces import DATASET_GRAPH, ONTOLOGY_GRAPH
    from govatlas.ontology.vocabulary import vocabulary

    with clock:
        dataset = rdflib.Dataset()
        ontology = dataset.graph(rdflib.URIRef(ONTOLOGY_GRAPH))
        for path in ontology_files():
            ontology.parse(str(path), format="turtle")
        iri = DATASET_GRAPH + dataset_name(prepared.folder)
        quads = read_dataset(prepared.folder, iri, vocabulary())
        target = dataset.graph(rdflib.URIRef(iri))
        term = RdflibTerms()
        dataset.addN((term(q.subject), term(q.predicate), term(q.object), target)
                     for q in quads)
    return Outcome(note=f"{len(quads):,} dataset quads, {len(ontology) + len(target):,} "
                        "triples in the Dataset (no derived graph)")


def load_turtle_oxigraph(clock: Clock, prepared: Prepared) -> Outcome:
    import pyoxigraph as ox

    with clock:
        store = ox.Store()
        store.load(path=str(prepared.turtle), format=ox.RdfFormat.TURTLE)
    return Outcome(note=f"{len(store):,} triples, in memory")


def load_turtle_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    import rdflib

    with clock:
        graph = rdflib.Graph().parse(str(prepared.turtle), format="turtle")
    return Outcome(note=f"{len(graph):,} triples, in memory")


def _findings(findings: list) -> Outcome:
    keys = sorted({finding.key() for finding in findings})
    violations = sum(1 for finding in findings if finding.severity == "Violation")
    return Outcome(note=f"{len(findings):,} findings ({violations:,} violations)", compare=keys)


def quality_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import run_turbo

    store = memory_store(prepared)
    with clock:
        findings = run_turbo(store, "quality")
    return _findings(findings)


def quality_pyshacl(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import run_pyshacl

    graph = rdflib_graph(prepared)
    with clock:
        findings = run_pyshacl(graph, "quality")
    return _findings(findings)


def gaps_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import gap_shapes, run_store_shapes

    store = memory_store(prepared)
    with clock:
        findings = run_store_shapes(store, gap_shapes())
    return _findings(findings)


def gaps_pyshacl_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import run_pyshacl

    graph = rdflib_graph(prepared)
    with clock:
        findings = run_pyshacl(graph, "gaps")
    return _findings(findings)


def gaps_pyshacl_oxigraph(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import run_pyshacl

    graph = memory_store(prepared).to_rdflib()
    with clock:
        findings = run_pyshacl(graph, "gaps")
    return _findings(findings)


def _rows(result: Any) -> int:
    return len(result.rows) + len(result.triples or []) + (result.kind == "ASK")


def queries_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """Every library query with its default parameters, as `govatlas query` runs it."""
    from govatlas.queries.library import load_library
    from govatlas.queries.runner import run_query

    store = memory_store(prepared)
    outcome = Outcome(compare={})
    with clock:
        for name, query in load_library().items():
            start = time.perf_counter()
            try:
                outcome.compare[name] = _rows(run_query(store, query))
            except Exception as error:
                outcome.failed[name] = f"failed: {error}"
                continue
            outcome.parts[name] = time.perf_counter() - start
    if outcome.parts:
        slowest = max(outcome.parts, key=outcome.parts.__getitem__)
        outcome.note = (f"slowest: {slowest} {outcome.parts[slowest]:.3f} s; "
                        f"{sum(outcome.compare.values()):,} rows in all")
    if outcome.failed:
        outcome.note += f"; {len(outcome.failed)} failed: {', '.join(outcome.failed)}"
    return outcome


def rdflib_query(clock: Clock, dataset: Any, text: str) -> Outcome:
    with clock:
        rows = sum(1 for _ in dataset.query(text))
    return Outcome(compare=rows)


def queries_rdflib(clock: Clock, prepared: Prepared, limits: Limits,
                   skip: dict[str, str]) -> Outcome:
    """The same query texts on rdflib, every result row read; each query in its own child
    under ``limits``, so that one query rdflib cannot finish does not hide the others.
    ``skip`` names the queries not to run (stopped at a smaller size) and why."""
    from govatlas.queries.library import load_library
    from govatlas.queries.runner import prepared_text

    dataset = rdflib_dataset(prepared)
    outcome = Outcome(compare={})
    with clock:
        for name, query in load_library().items():
            if name in skip:
                outcome.failed[name] = skip[name]
                continue
            text = prepared_text(query, query.bindings({}))
            measured = run_in_child(rdflib_query, (dataset, text), limits, new_group=False)
            if measured.completed:
                outcome.parts[name] = measured.seconds or 0.0
                outcome.compare[name] = measured.outcome.compare
            else:
                outcome.failed[name] = _note(measured)
                if measured.stopped:
                    outcome.failed[name] = f"stopped after {limits.seconds:g} s"
            clock.progress(outcome)
    return outcome


def _top(values: dict[str, float], n: int = 20) -> list[str]:
    return sorted(values, key=lambda node: (-values[node], node))[:n]


def network_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """`govatlas analyze --country XX`: projection, centrality, brokerage, structure,
    decoupling, classification and the gap counts."""
    from govatlas.graph.analysis.analyze import analyze

    store = memory_store(prepared)
    with clock:
        result = analyze(store, country="XX", top=20)
    method = result.centrality_method
    sampled = f"sampled, k={method.get('k')}" if method.get("sampled") else "exact"
    return Outcome(note=f"{result.classification.get('label')}; betweenness {sampled}",
                   compare=[row["actor"] for row in result.centrality])


def centrality_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """The part of the analysis the NetworkX baseline does: projection and centrality table."""
    from govatlas.graph.analysis.centrality import centrality_table
    from govatlas.graph.analysis.projection import project

    store = memory_store(prepared)
    with clock:
        graph = project(store, country="XX")
        table = centrality_table(graph)
    values = {row["actor"]: row["betweenness"] or 0.0 for row in table}
    return Outcome(note=f"{graph.number_of_nodes():,} actors, {graph.number_of_edges():,} links",
                   compare=_top(values))


def network_networkx(clock: Clock, prepared: Prepared) -> Outcome:
    """Exact betweenness and PageRank with NetworkX, on the simple graph of ties govatlas
    computes on (the same projection, collapsed the same way)."""
    import networkx as nx

    from govatlas.graph.analysis.centrality import collapse
    from govatlas.graph.analysis.projection import project

    store = memory_store(prepared)
    with clock:
        simple = collapse(project(store, country="XX"))
        betweenness = nx.betweenness_centrality(simple)
        nx.pagerank(simple)
    return Outcome(note=f"{simple.number_of_nodes():,} actors, {simple.number_of_edges():,} "
                        "ties; exact betweenness", compare=_top(betweenness))


# --- the map -------------------------------------------------------------------------------------

def map_build(clock: Clock, prepared: Prepared, gaps: bool, clustered: Path,
              flat: Path | None = None) -> Outcome:
    """`govatlas map` of the whole country; the flat variant, if asked for, is built after
    the measured part, for the flat draw."""
    from govatlas.api import pages

    store = memory_store(prepared)
    with clock:
        pages.map(gaps=gaps, output=clustered, store=store)
    if flat is not None:
        pages.map(gaps=gaps, output=flat, store=store, cluster_threshold=10**9)
    drawn = "gaps drawn" if gaps else "no gaps (gaps=False)"
    return Outcome(note=f"{clustered.stat().st_size / 2**20:.1f} MB of HTML, {drawn}")


def map_draw(clock: Clock, html: Path) -> Outcome:
    """Open the map in headless Chromium with the network blocked; its time is the page's
    own clock (``performance.now()`` since navigation) at the first finished frame."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 900})
        blocked: list[str] = []

        def offline(route: Any) -> None:
            if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        page.goto("about:blank")  # the renderer is started before the clock, for both maps
        with clock:
            page.goto(html.resolve().as_uri())
            page.wait_for_function("window.govatlasMap && window.govatlasMap.drawnAt !== null",
                                   timeout=0)
        drawn_ms = float(page.evaluate("govatlasMap.drawnAt"))
        nodes = int(page.evaluate("govatlasMap.nodes.length"))
        clusters = len(page.evaluate("govatlasMap.clusters"))
    finally:
        browser.close()
        playwright.stop()
    network = f"{len(blocked)} network requests blocked" if blocked else "no network request"
    return Outcome(note=f"{nodes:,} actors, {clusters} clusters on screen; {network}; "
                        f"wall {clock.seconds:.2f} s", seconds=drawn_ms / 1000)


def browser_missing() -> str:
    """Why the browser cannot run here, or '' if it can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return ""


# --- the plan: jobs, engines, sizes --------------------------------------------------------------

@dataclass(frozen=True)
class Engine:
    name: str
    run: Callable[..., Outcome]
    baseline: bool = False


@dataclass(frozen=True)
class Job:
    name: str
    engines: tuple[Engine, ...]
    #: how results are compared with the first engine's: "same" (equal), "overlap" (top 20)
    compare: str | None = None


LOAD_CSV = Job("load CSV templates", (
    Engine(GOVATLAS, load_csv_govatlas),
    Engine("rdflib Dataset", load_csv_rdflib, baseline=True)))
LOAD_TURTLE = Job("load Turtle", (
    Engine(GOVATLAS, load_turtle_oxigraph),
    Engine("rdflib", load_turtle_rdflib, baseline=True)))
QUALITY = Job("data-quality validation", (
    Engine(GOVATLAS, quality_govatlas),
    Engine(PYSHACL_RDFLIB, quality_pyshacl, baseline=True)), compare="same")
GAPS = Job("gap validation", (
    Engine(GOVATLAS, gaps_govatlas),
    Engine(PYSHACL_RDFLIB, gaps_pyshacl_rdflib, baseline=True),
    Engine(PYSHACL_OXIGRAPH, gaps_pyshacl_oxigraph, baseline=True)), compare="same")
QUERIES = Job("query library", (
    Engine(GOVATLAS, queries_govatlas),
    Engine("rdflib", queries_rdflib, baseline=True)), compare="same")
NETWORK = Job("network measures", (
    Engine(GOVATLAS, network_govatlas),
    Engine("govatlas centrality only", centrality_govatlas),
    Engine("NetworkX exact", network_networkx, baseline=True)), compare="overlap")
JOBS = (LOAD_CSV, LOAD_TURTLE, QUALITY, GAPS, QUERIES, NETWORK)
MAP_JOB = "map (5,000 actors)"

ENGINE_DESCRIPTIONS = {
    LOAD_CSV.name: "govatlas: `GraphStore.open` + `load_ontology` + `load_dataset` (derived "
                   "graph, flush) into a fresh on-disk store. Baseline: the ontology parsed by "
                   "rdflib and the same CSV conversion (`read_dataset`) added to an in-memory "
                   "`rdflib.Dataset`, terms converted once each (no derived graph).",
    LOAD_TURTLE.name: "The dataset graph dumped to Turtle once; govatlas: "
                      "`pyoxigraph.Store.load` into a fresh in-memory store; baseline: "
                      "`rdflib.Graph().parse`.",
    QUALITY.name: "govatlas: `run_turbo(store, 'quality')` (pyshacl-turbo on the Oxigraph "
                  "store); baseline: `run_pyshacl` on rdflib's in-memory graph of the same "
                  "data (`to_rdflib(oxigraph=False)`). Same results = same set of "
                  "`Finding.key()`.",
    GAPS.name: "govatlas: `run_store_shapes(store, gap_shapes())`; baselines: `run_pyshacl("
               "..., 'gaps')` on rdflib's in-memory graph, and on the Oxigraph-backed rdflib "
               "graph (`to_rdflib()`, the project's own pySHACL path).",
    QUERIES.name: "Every library query with its default parameters (several name bundled "
                  "data, such as FR or Vienna, and find no rows in the synthetic country "
                  "XX: see the row counts in results.json); govatlas: `run_query` on "
                  "the in-memory store (as `govatlas query` does); baseline: `query` of the same "
                  "text on an in-memory `rdflib.Dataset` of the same named graphs, its default "
                  "graph their union as in Oxigraph (a plain Graph cannot run the `GRAPH ?g` "
                  "query), every row read, each query in its own process under "
                  f"1/{QUERY_SHARE} of the baseline limit. The baseline's seconds and the "
                  "ratio are over the queries both engines finished. Same results = same row "
                  "count for each of them.",
    NETWORK.name: "govatlas: `analyze(store, country='XX')`, the whole report (projection, "
                  "igraph centrality with sampled betweenness above 5,000 actors, brokerage, "
                  "structure, decoupling, classification, gap counts), and its centrality part "
                  "alone (`project` + `centrality_table`); baseline: `project`, `collapse`, "
                  "exact `networkx.betweenness_centrality` and `networkx.pagerank`. The ratio "
                  "is against the whole report. The note compares the top 20 actors by "
                  "betweenness.",
}


@dataclass
class Settings:
    sizes: tuple[int, ...]
    growth: tuple[int, ...]
    baseline_limit: float
    limit: float
    memory_mb: float
    out: Path
    command: str
    #: also time `build_map` with its gaps drawn (minutes at 5,000 actors: not in --quick)
    map_gaps: bool


# --- running the plan ----------------------------------------------------------------------------

ROW_FIELDS = ("size_triples", "store_quads", "job", "engine", "seconds", "peak_mb", "baseline",
              "ratio", "same_results", "note", "stopped")


class Bench:
    """Runs the jobs size after size, keeps the rows and prints each one as it comes."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.work = work
        self.rows: list[dict[str, Any]] = []
        #: (job, engine) of a baseline -> (size, seconds) of its last finished run
        self.finished: dict[tuple[str, str], tuple[int, float]] = {}
        #: (job, engine) of a baseline -> why it is not run at larger sizes
        self.given_up: dict[tuple[str, str], str] = {}

    def run(self) -> None:
        s = self.settings
        print(f"{'size':>9}  {'job':<24} {'engine':<32} {'seconds':>9} {'peak MB':>8} "
              f"{'ratio':>7}  note", flush=True)
        for size in sorted(set(s.sizes) | set(s.growth)):
            jobs = JOBS if size in s.sizes else (GAPS,)
            prepared = Prepared.at(self.work, size)
            quads = self.prepare(prepared)
            if quads is not None:
                for job in jobs:
                    self.run_job(job, prepared, quads)
        self.run_map()

    def prepare(self, prepared: Prepared, complete: bool = True) -> int | None:
        measured = run_in_child(prepare, (prepared, complete),
                                Limits(SETUP_LIMIT, self.settings.memory_mb))
        if not measured.completed:
            print(f"{prepared.size:>9,}  could not generate the country: {_note(measured)}",
                  flush=True)
            return None
        print(f"{prepared.size:>9,}  -- {measured.outcome.note}, {measured.outcome.compare:,} "
              f"quads in the store (generated in {measured.seconds:.1f} s)", flush=True)
        return int(measured.outcome.compare)

    # --- measuring, with the rules that keep the run short ---
    def limits(self, engine: Engine) -> Limits:
        seconds = self.settings.baseline_limit if engine.baseline else self.settings.limit
        return Limits(seconds, self.settings.memory_mb)

    def why_not(self, key: tuple[str, str], size: int, limit: float) -> str:
        """Why a baseline is not worth running at ``size``: it was stopped at a smaller size,
        or its time there, scaled in proportion to the size (a lower bound for any engine
        whose time grows at least linearly), is over twice the limit."""
        if key in self.given_up:
            return self.given_up[key]
        if key in self.finished:
            smaller, seconds = self.finished[key]
            predicted = seconds * size / smaller
            if predicted > 2 * limit:
                return (f"not run: {seconds:.2f} s at {smaller:,} triples predicts "
                        f"{predicted:,.0f} s or more, over twice the {limit:g} s limit")
        return ""

    def learn(self, key: tuple[str, str], size: int, measured: Measured) -> None:
        if measured.completed and measured.seconds is not None:
            self.finished[key] = (size, measured.seconds)
        elif measured.stopped:
            self.given_up[key] = f"not run: stopped at {size:,} triples"

    def measure(self, job: str, engine: Engine, args: tuple, size: int,
                limits: Limits | None = None) -> Measured:
        limits = limits or self.limits(engine)
        key = (job, engine.name)
        if engine.baseline and (why := self.why_not(key, size, limits.seconds)):
            return Measured(skipped=why)
        measured = run_in_child(engine.run, args, limits)
        if engine.baseline:
            self.learn(key, size, measured)
        return measured

    # --- one job at one size ---
    def run_job(self, job: Job, prepared: Prepared, quads: int) -> None:
        results: list[tuple[Engine, Measured]] = []
        for engine in job.engines:
            if engine.run is queries_rdflib:
                measured = self.measure_queries(engine, prepared)
            else:
                measured = self.measure(job.name, engine, (prepared,), prepared.size)
            results.append((engine, measured))
            row = self.row(prepared.size, quads, job.name, engine, measured)
            if engine.baseline:
                reference = results[0][1]
                if job is QUERIES:
                    compare_queries(row, reference, measured)
                else:
                    compare(row, job.compare, reference, measured)
                    row["note"] += "".join(also_against(other, ours, measured)
                                           for other, ours in results[1:] if not other.baseline)
            self.add(row)
        if job is QUERIES:
            for engine, measured in results:
                self.add_query_rows(prepared.size, quads, engine, measured)

    def measure_queries(self, engine: Engine, prepared: Prepared) -> Measured:
        """rdflib's run of the library: each query under a share of the baseline limit (see
        :data:`QUERY_SHARE`), and queries given up at a smaller size left out."""
        from govatlas.queries.library import load_library

        names = list(load_library())
        per_query = Limits(self.settings.baseline_limit / QUERY_SHARE, self.settings.memory_mb)
        skip = {name: why for name in names
                if (why := self.why_not((f"query: {name}", engine.name), prepared.size,
                                        per_query.seconds))}
        limits = Limits(per_query.seconds * len(names) + SETUP_LIMIT, self.settings.memory_mb)
        measured = run_in_child(engine.run, (prepared, per_query, skip), limits)
        for name in names:
            if name in measured.outcome.parts:
                self.finished[(f"query: {name}", engine.name)] = (
                    prepared.size, measured.outcome.parts[name])
            elif measured.outcome.failed.get(name, "").startswith("stopped"):
                self.given_up[(f"query: {name}", engine.name)] = \
                    f"not run: stopped at {prepared.size:,} triples"
        return measured

    def row(self, size: int, quads: int, job: str, engine: Engine,
            measured: Measured) -> dict[str, Any]:
        return {"size_triples": size, "store_quads": quads, "job": job, "engine": engine.name,
                "seconds": _round(measured.seconds), "peak_mb": _round(measured.peak_mb, 1),
                "baseline": engine.baseline, "ratio": None, "same_results": None,
                "note": _note(measured), "stopped": measured.stopped}

    def add_query_rows(self, size: int, quads: int, engine: Engine, measured: Measured) -> None:
        """One row per library query, after the library's own rows (not printed)."""
        outcome = measured.outcome
        for name in sorted(set(outcome.parts) | set(outcome.failed)):
            seconds = outcome.parts.get(name)
            self.rows.append({
                **self.row(size, quads, f"query: {name}", engine, Measured(seconds=seconds)),
                "note": outcome.failed.get(name, f"{outcome.compare.get(name, 0):,} rows"),
                "stopped": outcome.failed.get(name, "").startswith("stopped")})

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] is not None else ""
        seconds = "" if row["seconds"] is None else f"{row['seconds']:.2f} s"
        if row["stopped"]:
            seconds = f">{row['seconds'] or 0:.0f} s"
        peak = "" if row["peak_mb"] is None else f"{row['peak_mb']:.0f}"
        print(f"{row['size_triples']:>9,}  {row['job']:<24} {row['engine']:<32} {seconds:>9} "
              f"{peak:>8} {ratio:>7}  {row['note']}", flush=True)

    # --- the map ---
    def run_map(self) -> None:
        """Build the map of a 5,000-actor country, then draw it clustered and flat."""
        prepared = Prepared.of_actors(self.work / "map", MAP_ACTORS)
        quads = self.prepare(prepared, complete=False)
        if quads is None:
            return
        clustered, flat = self.work / "map-clustered.html", self.work / "map-flat.html"
        build = Engine(GOVATLAS + " build_map", map_build)
        measured = self.measure(MAP_JOB, build, (prepared, False, clustered, flat), quads)
        self.add(self.row(quads, quads, MAP_JOB, build, measured))
        if self.settings.map_gaps:
            with_gaps = Engine(GOVATLAS + " build_map, gaps drawn", map_build)
            self.add(self.row(quads, quads, MAP_JOB, with_gaps, self.measure(
                MAP_JOB, with_gaps, (prepared, True, self.work / "map-gaps.html"), quads)))
        missing = browser_missing()
        draws = (Engine(GOVATLAS + " draw (clustered)", map_draw),
                 Engine("draw flat (unclustered)", map_draw, baseline=True))
        reference = Measured()
        for engine, html in zip(draws, (clustered, flat), strict=True):
            if missing:
                result = Measured(skipped=f"skipped: {missing}")
            elif not measured.completed:
                result = Measured(skipped="skipped: the map was not built")
            else:
                # under govatlas's limit: the flat draw is a reference, not one to give up on
                limits = Limits(self.settings.limit, self.settings.memory_mb)
                result = self.measure(MAP_JOB, engine, (html,), quads, limits)
                result.peak_mb = None  # the browser's memory is in its own processes
            row = self.row(quads, quads, MAP_JOB, engine, result)
            if engine.baseline:
                compare(row, None, reference, result)
            else:
                reference = result
            self.add(row)


def compare(row: dict[str, Any], how: str | None, reference: Measured,
            baseline: Measured) -> None:
    """Fill a baseline row's ratio to the govatlas run and, for ``how`` = "same" (the sets of
    finding keys) or "overlap" (the top 20 actors), how their results compare."""
    if reference.completed and reference.seconds:
        if baseline.completed and baseline.seconds is not None:
            row["ratio"] = _round(baseline.seconds / reference.seconds, 2)
        elif baseline.stopped and baseline.seconds:
            row["note"] += f" (at least {baseline.seconds / reference.seconds:,.0f}x slower)"
    if not (reference.completed and baseline.completed):
        return
    ours, theirs = reference.outcome.compare, baseline.outcome.compare
    if how == "same":
        row["same_results"] = ours == theirs
        row["note"] += (f"; same results: {'yes' if ours == theirs else 'NO'} "
                        f"({len(ours):,} vs {len(theirs):,} distinct findings)")
    elif how == "overlap":
        common = len(set(ours) & set(theirs))
        row["note"] += f"; top {len(theirs)} by betweenness: {common} in common"


def also_against(engine: Engine, ours: Measured, baseline: Measured) -> str:
    """The baseline's ratio to a second govatlas figure of the same job (the centrality part
    of the analysis), for the note: the ratio column is against the first."""
    if not (ours.completed and ours.seconds and baseline.completed and baseline.seconds):
        return ""
    return f"; {baseline.seconds / ours.seconds:,.1f}x {engine.name}"


def compare_queries(row: dict[str, Any], reference: Measured, baseline: Measured) -> None:
    """The library's ratio and row counts, over the queries both engines finished; the row's
    seconds become rdflib's time on those queries."""
    ours, theirs = reference.outcome, baseline.outcome
    common = sorted(set(ours.parts) & set(theirs.parts))
    if not (reference.completed and common):
        return
    mine = sum(ours.parts[name] for name in common)
    other = sum(theirs.parts[name] for name in common)
    differ = [name for name in common if ours.compare[name] != theirs.compare[name]]
    given_up = Counter(why.split(":")[0].split(" after")[0] for why in theirs.failed.values())
    row["seconds"] = _round(other)
    row["ratio"] = _round(other / max(mine, 1e-6), 2)
    row["same_results"] = not differ
    counts = "same row counts" if not differ else "row counts differ: " + ", ".join(
        f"{name} {ours.compare[name]} vs {theirs.compare[name]}" for name in differ)
    row["note"] = (f"{len(common)} of {len(ours.parts) + len(ours.failed)} queries finished "
                   f"by both (govatlas {mine:.2f} s, rdflib {other:.2f} s); {counts}"
                   + "".join(f"; {n} {why}" for why, n in sorted(given_up.items())))


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _note(measured: Measured) -> str:
    if measured.skipped:
        return measured.skipped
    if measured.stopped:
        why = measured.error or "time limit"
        done = f"; {measured.outcome.note}" if measured.outcome.note else ""
        return f"stopped after {measured.seconds or 0:.0f} s ({why}){done}"
    if measured.error:
        return f"failed: {measured.error}"
    return measured.outcome.note


# --- the report ----------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    """The machine and the versions the figures depend on."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    info = {"CPU": cpu, "cores": str(os.cpu_count()),
            "RAM": f"{_total_memory_mb() / 1024:.1f} GiB", "OS": os_name,
            "Python": platform.python_version()}
    for package in VERSIONS:
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    if CHROMIUM.exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            info["Chromium"] = subprocess.run([str(CHROMIUM), "--version"], capture_output=True,
                                              text=True, timeout=20).stdout.strip()
    return info


def _total_memory_mb() -> float:
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024
    return 8 * 1024.0


def _seconds_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    if row["stopped"] and row["seconds"]:
        return f"> {row['seconds']:.0f} (stopped)"
    if row["seconds"] is None:  # the note says why: "stopped after 3 s", "not run", "failed"
        return row["note"].split(":")[0].split(";")[0]
    return f"{row['seconds']:.3f}" if row["seconds"] < 10 else f"{row['seconds']:.1f}"


def _cell(value: Any, fmt: str = "{}") -> str:
    return "" if value is None else fmt.format(value)


def _same(row: dict[str, Any]) -> str:
    return {True: "yes", False: "**no**", None: ""}[row["same_results"]]


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


class Report:
    """RESULTS.md from the rows."""

    def __init__(self, rows: list[dict[str, Any]], settings: Settings,
                 info: dict[str, str], total_seconds: float) -> None:
        self.rows = rows
        self.settings = settings
        self.info = info
        self.total = total_seconds
        self.quads = {row["size_triples"]: row["store_quads"] for row in rows}

    def find(self, size: int, job: str, engine: str) -> dict[str, Any] | None:
        return next((row for row in self.rows if row["size_triples"] == size
                     and row["job"] == job and row["engine"] == engine), None)

    def markdown(self) -> str:
        s = self.settings
        lines = ["# govatlas benchmarks", "",
                 f"Measured {datetime.date.today().isoformat()} with `{s.command}` "
                 f"({self.total / 60:.1f} minutes in all).", "",
                 "| machine | |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in self.info.items()]
        lines += ["", "Each figure is the wall time of one engine in its own child process "
                  "(reading its input not counted), next to the baseline it replaces, measured "
                  "in the same run on the same synthetic country (`bench/generate.py`, with "
                  "its data-quality defects). *Added peak MB* is the child's peak resident "
                  "memory above what it started with, so it includes the data the engine "
                  "holds. *Ratio* = baseline time / govatlas time. Baselines are limited to "
                  f"{s.baseline_limit:g} s and {s.memory_mb / 1024:.1f} GB; one stopped at a "
                  "size is not run at larger ones. *Triples* is the size asked of the "
                  "generator; the store holds the quads shown (ontology and derived graph "
                  "included). See the docstring of `bench/run.py` for the details.", ""]
        for job in JOBS:
            lines += self.job_table(job)
        lines += self.query_table() + self.growth_table() + self.map_table()
        lines += self.targets()
        return "\n".join(lines) + "\n"

    def job_table(self, job: Job) -> list[str]:
        lines = [f"## {job.name}", "", ENGINE_DESCRIPTIONS[job.name], "",
                 "| triples | store quads | engine | seconds | added peak MB | ratio | same "
                 "results | note |", "|--:|--:|---|--:|--:|--:|---|---|"]
        for size in self.settings.sizes:
            for engine in job.engines:
                row = self.find(size, job.name, engine.name)
                if row is None:
                    continue
                name = f"{engine.name} (baseline)" if engine.baseline else f"**{engine.name}**"
                lines.append(f"| {size:,} | {row['store_quads']:,} | {name} | "
                             f"{_seconds_cell(row)} | {_cell(row['peak_mb'], '{:,.0f}')} | "
                             f"{_cell(row['ratio'], '{:,.1f}x')} | {_same(row)} | "
                             f"{_escape(row['note'])} |")
        return [*lines, ""]

    def query_table(self) -> list[str]:
        names = sorted({row["job"][len("query: "):] for row in self.rows
                        if row["job"].startswith("query: ")})
        if not names:
            return []
        head = "| query | " + " | ".join(f"govatlas {size:,} | rdflib {size:,}"
                                          for size in self.settings.sizes) + " |"
        lines = ["### Each library query (seconds)", "", head,
                 "|---|" + "--:|--:|" * len(self.settings.sizes)]
        for name in names:
            cells = []
            for size in self.settings.sizes:
                for engine in QUERIES.engines:
                    cells.append(_seconds_cell(self.find(size, f"query: {name}", engine.name)))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return [*lines, ""]

    def growth_table(self) -> list[str]:
        sizes = sorted(set(self.settings.sizes) | set(self.settings.growth))
        lines = ["## pySHACL growth curve on the gap shapes", "",
                 "Gap validation at small sizes too, to show how pySHACL's time grows where it "
                 "cannot finish at the sizes above.", "",
                 "| triples | store quads | " + " | ".join(e.name for e in GAPS.engines)
                 + " | same findings |", "|--:|--:|" + "--:|" * len(GAPS.engines) + "---|"]
        for size in sizes:
            rows = [self.find(size, GAPS.name, engine.name) for engine in GAPS.engines]
            if rows[0] is None:
                continue
            same = ", ".join(f"{_same(row)} ({row['engine'].split('(')[-1].rstrip(')')})"
                             for row in rows[1:] if row and row["same_results"] is not None)
            lines.append(f"| {size:,} | {rows[0]['store_quads']:,} | "
                         + " | ".join(_seconds_cell(row) for row in rows) + f" | {same} |")
        return [*lines, ""]

    def map_table(self) -> list[str]:
        rows = [row for row in self.rows if row["job"] == MAP_JOB]
        if not rows:
            return []
        lines = [f"## {MAP_JOB}", "",
                 "`build_map` of a 5,000-actor country (clustered by level, as govatlas opens "
                 "maps above 300 actors; without gaps, as in tests/test_viz.py, and in the full "
                 "run also with its gaps drawn), then the time until headless Chromium "
                 "(Playwright, network blocked) has drawn it: the page's `performance.now()` at "
                 "its first finished frame. The baseline would be pyvis's own default page of "
                 "the same graph, but it loads vis-network from a CDN and this run is offline; "
                 "the flat (unclustered) draw of the same map is shown instead.", "",
                 "| store quads | step | seconds | added peak MB | ratio | note |",
                 "|--:|---|--:|--:|--:|---|"]
        for row in rows:
            lines.append(f"| {row['store_quads']:,} | {row['engine']} | {_seconds_cell(row)} | "
                         f"{_cell(row['peak_mb'], '{:,.0f}')} | "
                         f"{_cell(row['ratio'], '{:,.1f}x')} | {_escape(row['note'])} |")
        return [*lines, ""]

    # --- targets ---
    def targets(self) -> list[str]:
        """Each target with its figure and whether it is met; a target set at 1M triples is
        judged at the largest size run, and says so when that is smaller."""
        largest = max(self.settings.sizes)
        scaled = "" if largest >= 1_000_000 else f" at {largest:,} (1M not run)"
        inside = self.settings.out.resolve().is_relative_to(ROOT)
        analysis = os.path.relpath(HERE / "analysis.py", self.settings.out) if inside \
            else HERE / "analysis.py"
        load = self.find(largest, LOAD_CSV.name, GOVATLAS)
        turtle = self.find(largest, LOAD_TURTLE.name, GOVATLAS)
        slowest = self.slowest_query(largest)
        draw = self.find(self.map_quads(), MAP_JOB, GOVATLAS + " draw (clustered)")
        rows = [
            ("load 1M triples of Turtle < 10 s",
             *self.judge(turtle and turtle["seconds"], 10), scaled),
            ("load 1M triples of CSV templates < 10 s (checks, conversion, derived graph)",
             *self.judge(load and load["seconds"], 10), scaled),
            ("data-quality + gap validation of 1M triples < 60 s, same results as pySHACL",
             *self.validation(largest), scaled),
            ("every library query < 1 s at 1M triples",
             *self.judge(slowest and slowest[1], 1,
                         f" (slowest: {slowest[0]})" if slowest else ""), scaled),
            ("5,000-actor map drawn < 5 s",
             *self.judge(draw and draw["seconds"], 5, "" if draw is None
                         or draw["seconds"] is not None else f" ({draw['note']})"), ""),
            ("analysis of 100,000 actors < 60 s",
             f"measured by [bench/analysis.py]({analysis})", "see its output", "")]
        lines = ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
        lines += [f"| {target} | {measured} | {status}{where if status else ''} |"
                  for target, measured, status, where in rows]
        return [*lines, ""]

    def map_quads(self) -> int:
        return next((row["size_triples"] for row in self.rows if row["job"] == MAP_JOB), 0)

    def slowest_query(self, size: int) -> tuple[str, float] | None:
        timed = [(row["job"][len("query: "):], row["seconds"]) for row in self.rows
                 if row["size_triples"] == size and row["job"].startswith("query: ")
                 and row["engine"] == GOVATLAS and row["seconds"] is not None]
        return max(timed, key=lambda item: item[1]) if timed else None

    def validation(self, size: int) -> tuple[str, str]:
        quality = self.find(size, QUALITY.name, GOVATLAS)
        gaps = self.find(size, GAPS.name, GOVATLAS)
        if not (quality and gaps) or quality["seconds"] is None or gaps["seconds"] is None:
            return "not measured", ""
        total = quality["seconds"] + gaps["seconds"]
        checks = [self.checked(job) for job in (QUALITY, GAPS)]
        differ = any(same is False for same, _ in checks)
        status = ("missed: results differ" if differ else "met" if total < 60
                  else f"missed by {total - 60:.1f} s")
        return (f"{quality['seconds']:.2f} + {gaps['seconds']:.2f} = {total:.2f} s; "
                f"{'; '.join(text for _, text in checks)}", status)

    def checked(self, job: Job) -> tuple[bool | None, str]:
        """Whether govatlas's findings equal pySHACL's wherever pySHACL finished, and where."""
        rows = [row for row in self.rows if row["job"] == job.name and row["baseline"]
                and row["same_results"] is not None]
        if not rows:
            return None, f"{job.name}: not compared (pySHACL finished at no size)"
        differ = [row for row in rows if row["same_results"] is False]
        if differ:
            return False, (f"{job.name}: **different** from {differ[0]['engine']} at "
                           f"{differ[0]['size_triples']:,}")
        largest = max(row["size_triples"] for row in rows)
        return True, f"{job.name}: same findings as pySHACL up to {largest:,} triples"

    @staticmethod
    def judge(seconds: float | None, limit: float, extra: str = "") -> tuple[str, str]:
        if seconds is None:
            return f"not measured{extra}", ""
        status = "met" if seconds < limit else f"missed by {seconds - limit:.2f} s"
        return f"{seconds:.3f} s{extra}", status


# --- the command ---------------------------------------------------------------------------------

def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part}))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"sizes are integers, e.g. 10000,100000: {text}") \
            from error
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one positive size")
    return sizes


def settings_from(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="10k and 100k triples, short baseline limit (under 2 minutes)")
    parser.add_argument("--sizes", type=parse_sizes, help="sizes in triples, e.g. 10000,100000")
    parser.add_argument("--growth-sizes", type=parse_sizes,
                        help="extra sizes for the pySHACL gap growth curve (those up to the "
                             "largest size are run)")
    parser.add_argument("--baseline-limit", type=float,
                        help=f"seconds a baseline may run (default {FULL_BASELINE_LIMIT:g}, "
                             f"quick {QUICK_BASELINE_LIMIT:g})")
    parser.add_argument("--limit", type=float,
                        help=f"seconds a govatlas job may run (default {FULL_LIMIT:g}, "
                             f"quick {QUICK_LIMIT:g})")
    parser.add_argument("--memory-limit", type=float,
                        help=f"GB a job may hold before it is stopped (default "
                             f"{DEFAULT_MEMORY_GB:g}, at most half the RAM)")
    parser.add_argument("--out", type=Path,
                        help="folder for RESULTS.md and results.json (default bench/ for the "
                             "full run, a temporary folder otherwise)")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    out = args.out or (HERE if not (args.quick or args.sizes)
                       else Path(tempfile.mkdtemp(prefix="govatlas-bench-")))
    memory = args.memory_limit * 1024 if args.memory_limit else min(
        DEFAULT_MEMORY_GB * 1024, _total_memory_mb() / 2)
    growth = args.growth_sizes or (QUICK_GROWTH if args.quick else FULL_GROWTH)
    return Settings(
        sizes=sizes,
        growth=tuple(size for size in growth if size <= max(sizes)),
        baseline_limit=args.baseline_limit or (
            QUICK_BASELINE_LIMIT if args.quick else FULL_BASELINE_LIMIT),
        limit=args.limit or (QUICK_LIMIT if args.quick else FULL_LIMIT),
        memory_mb=memory, out=out, map_gaps=not args.quick,
        command=" ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]))


def preload(modules: Iterable[str] = PRELOAD) -> None:
    """Import the libraries and fill the caches every job uses (shapes, vocabulary) once, in
    the parent, so that no child's time includes them and no engine pays for them alone."""
    for module in modules:
        importlib.import_module(module)
    from govatlas.graph.analysis.projection import link_families
    from govatlas.graph.validation.shapes import shapes_graph, sparql_shapes
    from govatlas.ontology.vocabulary import vocabulary

    for which in ("quality", "gaps", "all"):
        shapes_graph(which)
    sparql_shapes("gaps")
    vocabulary()
    link_families()


def write_results(rows: list[dict[str, Any]], settings: Settings, info: dict[str, str],
                  total: float) -> None:
    settings.out.mkdir(parents=True, exist_ok=True)
    public = [{key: row[key] for key in ROW_FIELDS} for row in rows]
    (settings.out / "results.json").write_text(json.dumps(public, indent=1) + "\n",
                                               encoding="utf-8")
    (settings.out / "RESULTS.md").write_text(
        Report(public, settings, info, total).markdown(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    settings = settings_from(argv)
    started = time.monotonic()
    preload()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="govatlas-bench-data-"))
    bench = Bench(settings, work)
    try:
        bench.run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - started
    write_results(bench.rows, settings, info, total)
    print(f"\n{total:.1f} s in all; results in {settings.out / 'RESULTS.md'} and "
          f"{settings.out / 'results.json'}", flush=True)


def _use_project_root() -> None:
    """Run from anywhere: the project root first on the path (for ``bench.generate``), and not
    bench/ itself, whose analysis.py and generate.py must not shadow other modules."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


if __name__ == "__main__":
    _use_project_root()
    main()
