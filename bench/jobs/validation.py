"""Validation: the data-quality shapes and the gap shapes, against pySHACL."""

from __future__ import annotations

from bench.harness import GOVATLAS, Clock, Engine, Job, Outcome

from .data import Prepared, memory_store, rdflib_graph

PYSHACL_RDFLIB = "pySHACL (rdflib in memory)"
PYSHACL_OXIGRAPH = "pySHACL (Oxigraph via oxrdflib)"
TURBO = "pyshacl-turbo (on the store)"


def _findings(findings: list) -> Outcome:
    keys = sorted({finding.key() for finding in findings})
    violations = sum(1 for finding in findings if finding.severity == "Violation")
    return Outcome(note=f"{len(findings):,} findings ({violations:,} violations)", compare=keys)


def quality_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.compiled import validate_quality

    store = memory_store(prepared)
    with clock:
        findings = validate_quality(store)
    return _findings(findings)


def quality_turbo(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import run_turbo

    store = memory_store(prepared)
    with clock:
        findings = run_turbo(store, "quality")
    return _findings(findings)


def _pyshacl(clock: Clock, graph: object, which: str) -> Outcome:
    """pySHACL on ``graph`` (read before the clock starts), with the shapes of ``which``."""
    from govatlas.graph.validation.gaps import run_pyshacl

    with clock:
        findings = run_pyshacl(graph, which)
    return _findings(findings)


def quality_pyshacl(clock: Clock, prepared: Prepared) -> Outcome:
    return _pyshacl(clock, rdflib_graph(prepared), "quality")


def gaps_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    from govatlas.graph.validation.gaps import gap_shapes, run_store_shapes

    store = memory_store(prepared)
    with clock:
        findings = run_store_shapes(store, gap_shapes())
    return _findings(findings)


def gaps_pyshacl_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    return _pyshacl(clock, rdflib_graph(prepared), "gaps")


def gaps_pyshacl_oxigraph(clock: Clock, prepared: Prepared) -> Outcome:
    return _pyshacl(clock, memory_store(prepared).to_rdflib(), "gaps")


QUALITY = Job("data-quality validation", (
    Engine(GOVATLAS, quality_govatlas),
    Engine(TURBO, quality_turbo, baseline=True),
    Engine(PYSHACL_RDFLIB, quality_pyshacl, baseline=True)), compare="same",
    description=(
        "govatlas: `validate_quality(store)` (the data-quality shapes compiled to SPARQL, "
        "one query per property shape, on the Oxigraph store); baselines: `run_turbo(store, "
        "'quality')` (pyshacl-turbo on the store, what validate ran before) and "
        "`run_pyshacl` on rdflib's in-memory graph of the same data "
        "(`to_rdflib(oxigraph=False)`). Same results = same set of `Finding.key()`."))
GAPS = Job("gap validation", (
    Engine(GOVATLAS, gaps_govatlas),
    Engine(PYSHACL_RDFLIB, gaps_pyshacl_rdflib, baseline=True),
    Engine(PYSHACL_OXIGRAPH, gaps_pyshacl_oxigraph, baseline=True)), compare="same",
    description=(
        "govatlas: `run_store_shapes(store, gap_shapes())`; baselines: `run_pyshacl("
        "..., 'gaps')` on rdflib's in-memory graph, and on the Oxigraph-backed rdflib "
        "graph (`to_rdflib()`, the project's own pySHACL path)."))
