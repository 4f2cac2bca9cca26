"""Running queries: parameters bound as terms, remote calls refused before anything runs, a
timeout that really stops the query, and results cut at the row limit as they come.

Each query with a timeout runs in a forked child process: the engine has no way to interrupt a
query, and killing a process is the one stop that always works and gives its memory back. The
child sends its rows in batches as the engine produces them, so the parent (a CLI, a notebook,
a thread of the endpoint) never waits for a whole result it would refuse, and stops the child as
soon as the rows pass the limit: memory stays bounded by the limit, not by the result.
"""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from govatlas.graph.store import GraphStore, bind
from govatlas.ontology.namespaces import sparql_prefixes

from .guard import check_no_remote
from .library import LibraryQuery, QueryError, QueryTimeout, ResultTooLarge
from .results import (  # noqa: F401  (the names callers import from here)
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    python_value,
    short,
    to_dataframe,
)
from .view import QueryView, query_dataset, query_view

#: rows per message from the child: small enough to stop soon after the limit, large enough
#: that sending costs little next to the query
BATCH = 500
#: forks are made one at a time: a fork copies the page tables of the whole process, and two
#: at once on a large store only slow each other
_FORK_LOCK = threading.Lock()


class Dataset:
    """The RDF dataset a request names (SPARQL 1.1 Protocol ``default-graph-uri`` and
    ``named-graph-uri``): when given, they replace the query's own ``FROM`` clauses
    (:func:`.view.query_dataset`)."""

    def __init__(self, default_graphs: Sequence[str] = (),
                 named_graphs: Sequence[str] = ()) -> None:
        try:
            self.default_graphs = [ox.NamedNode(iri) for iri in default_graphs]
            self.named_graphs = [ox.NamedNode(iri) for iri in named_graphs]
        except ValueError as error:
            raise QueryError(f"a graph IRI of the request is not an IRI: {error}") from error


def prepared_text(query: LibraryQuery, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query ready for the engine: govatlas prefixes unless it declares its own, bindings."""
    text = query.text
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+(\w*):", text, re.IGNORECASE)}
    # All the prefixes on one line, so a syntax error's line number is the user's line + 1.
    head = " ".join(line for line in sparql_prefixes().splitlines()
                    if line.split()[1].rstrip(":") not in declared) + "\n"
    try:
        return head + bind(text, bindings)
    except ValueError as error:
        raise QueryError(f"query '{query.name}' has parameters but no WHERE {{ ... }} group "
                         "to bind them in") from error



def checked_text(query: LibraryQuery, values: dict[str, str] | None = None,
                 allow_service: Iterable[str] = ()) -> str:
    """The text the engine will run, once checked to call nothing outside."""
    text = prepared_text(query, query.bindings(values or {}))
    check_no_remote(text, allow_service)
    return text


def _syntax_error(error: SyntaxError) -> QueryError:
    message = str(error)
    where = re.search(r"(\d+):(\d+)", message)
    # the first line of the text is the govatlas prefixes
    position = f" at line {int(where[1]) - 1}, column {where[2]}" if where else ""
    message = re.sub(r"^error at \d+:\d+: ", "", message)
    return QueryError(f"syntax error{position}: {message}")


def _results(store: ox.Store, text: str, dataset: Dataset | None):
    target, options = query_dataset(store, text, *((dataset.default_graphs,
                                                    dataset.named_graphs) if dataset else ()))
    try:
        return target.query(text, **options)
    except SyntaxError as error:
        raise _syntax_error(error) from error


def stream(store: ox.Store, text: str, kind: str, dataset: Dataset | None,
            limit: int | None) -> Iterable[tuple]:
    """The result as messages: ("head", kind, variables), ("rows", [...])..., ("end", None, None).

    Reading stops one row past ``limit``: that row is enough to know the limit is passed.
    """
    results = _results(store, text, dataset)
    if isinstance(results, ox.QueryBoolean):
        yield ("head", "ASK", bool(results))
        yield ("end", None, None)
        return
    if isinstance(results, ox.QueryTriples):
        yield ("head", kind if kind in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", None)
    else:
        yield ("head", "SELECT", [variable.value for variable in results.variables])
    batch: list[tuple] = []
    # a triple, or a solution, iterates over its terms (a solution's in its variables' order)
    for count, item in enumerate(results, start=1):
        batch.append(tuple(item))
        if limit is not None and count > limit:
            break
        if len(batch) >= BATCH:
            yield ("rows", batch, None)
            batch = []
    if batch:
        yield ("rows", batch, None)
    yield ("end", None, None)


def serve_messages(store: ox.Store, job: tuple, connection) -> None:
    """Send the messages of one job ``(text, kind, dataset, limit)``, errors included."""
    try:
        for message in stream(store, *job):
            connection.send(message)
    except QueryError as error:
        connection.send(("error", str(error), None))
    except Exception as error:
        connection.send(("error", f"the query failed: {error}", None))


def _child(view: QueryView, text: str, kind: str, dataset: Dataset | None, limit: int | None,
           connection) -> None:
    """Run in a forked process: send the result's messages, or the error."""
    try:
        store = view.child_store()
        serve_messages(store, (text, kind, dataset, limit), connection)
    finally:
        connection.close()


class Collector:
    """Builds a QueryResult from the messages; an error or a result past ``limit`` is raised
    by :meth:`result` once the messages are all read, so the sender stays in step."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.kind = "SELECT"
        self.variables: list[str] = []
        self.boolean: bool | None = None
        self.rows: list[tuple] = []
        self.error: str | None = None
        self.done = False

    def take(self, message: tuple) -> None:
        tag, first, second = message
        if tag == "error":
            self.error, self.done = first, True
        elif tag == "head":
            self.kind = first
            if first == "ASK":
                self.boolean = second
            elif first == "SELECT":
                self.variables = second
        elif tag == "rows":
            self.rows.extend(first)
        elif tag == "end":
            self.done = True

    def result(self) -> QueryResult:
        if self.error is not None:
            raise QueryError(self.error)
        if self.limit is not None and len(self.rows) > self.limit:
            raise ResultTooLarge(f"the result has more than {self.limit} rows: add a LIMIT or "
                                 "narrow the query")
        if self.kind in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(self.kind, [], [], triples=[ox.Triple(*row) for row in self.rows])
        return QueryResult(self.kind, self.variables, self.rows, boolean=self.boolean)


def timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped: narrow it "
                        "(a LIMIT, a more selective pattern) or raise --timeout")


def _run_in_child(view: QueryView, text: str, kind: str, dataset: Dataset | None,
                  timeout: float, max_rows: int | None) -> QueryResult:
    deadline = time.monotonic() + timeout
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, daemon=True,
                              args=(view, text, kind, dataset, max_rows, sender))
    with _FORK_LOCK:
        process.start()
    sender.close()
    collector = Collector(max_rows)
    try:
        while not collector.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                raise timed_out(timeout)
            try:
                collector.take(receiver.recv())
            except EOFError as error:
                raise QueryError("the query process stopped without an answer (out of "
                                 "memory?): narrow the query") from error
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    return collector.result()


def run_query(store: GraphStore | QueryView, query: LibraryQuery,
              values: dict[str, str] | None = None, timeout: float | None = None,
              max_rows: int | None = None, dataset: Dataset | None = None,
              allow_service: Iterable[str] = ()) -> QueryResult:
    """Run a library (or ad hoc) query with parameter ``values``.

    Parameters
    ----------
    store
        The govatlas store, or a :class:`QueryView` made of it once (the endpoint does). The
        query sees each statement once in its default graph (see :mod:`.view`).
    timeout
        Seconds; the query then runs in a forked process stopped when time is up.
    max_rows
        Refuse (:class:`ResultTooLarge`) a result with more rows (or triples); reading stops
        at the first row past it.
    dataset
        The protocol's ``default-graph-uri`` / ``named-graph-uri``, overriding ``FROM``.
    allow_service
        Hosts a ``SERVICE`` may call; any other ``SERVICE`` is refused before the query runs
        (:func:`.guard.check_no_remote`).
    """
    text = checked_text(query, values, allow_service)
    view = query_view(store)
    if timeout is None:
        collector = Collector(max_rows)
        for message in stream(view.store, text, query.kind, dataset, max_rows):
            collector.take(message)
        return collector.result()
    return _run_in_child(view, text, query.kind, dataset, timeout, max_rows)
