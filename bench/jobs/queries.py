"""The query library: every library query with its default parameters, against rdflib."""

from __future__ import annotations

import time
from typing import Any

from bench.harness import GOVATLAS, Clock, Engine, Job, Limits, Outcome, note, run_in_child

from .data import Prepared, memory_store, rdflib_dataset

#: Each rdflib library query may run for this fraction of the baseline limit.
QUERY_SHARE = 6


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
                outcome.failed[name] = note(measured)
                if measured.stopped:
                    outcome.failed[name] = f"stopped after {limits.seconds:g} s"
            clock.progress(outcome)
    return outcome


QUERIES = Job("query library", (
    Engine(GOVATLAS, queries_govatlas),
    Engine("rdflib", queries_rdflib, baseline=True)), compare="same",
    description=(
        "Every library query with its default parameters (several name bundled "
        "data, such as FR or Vienna, and find no rows in the synthetic country "
        "XX: see the row counts in results.json); govatlas: `run_query` on "
        "the in-memory store (as `govatlas query` does); baseline: `query` of the same "
        "text on an in-memory `rdflib.Dataset` of the same named graphs, its default "
        "graph their union as in Oxigraph (a plain Graph cannot run the `GRAPH ?g` "
        "query), every row read, each query in its own process under "
        f"1/{QUERY_SHARE} of the baseline limit. The baseline's seconds and the "
        "ratio are over the queries both engines finished. Same results = same row "
        "count for each of them."))
