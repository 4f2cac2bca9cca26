"""`govatlas validate`: check new country data against the templates and the shapes.

The input (CSV folders, XLSX workbooks, Turtle or JSON-LD files) is loaded with the bundled
ontology into a scratch store on disk, in a temporary folder removed afterwards, never the
user's store: converted batch by batch to N-Triples and bulk-loaded as `govatlas build` does
(:func:`~govatlas.graph.pipeline.spool_dataset`), so memory holds the rows being read, not the
graph (an in-memory store of the France-sized country with pyshacl-turbo's copy of it peaked
at 11-13 GB). The data-quality shapes run on it compiled to SPARQL
(:mod:`~govatlas.graph.validation.compiled`), the gap shapes as SPARQL too. Everything is
checked in one run, so a validator sees every problem at once:

- problems of reading (a path that does not exist, broken Turtle, a byte that is not UTF-8, a
  row with an extra value, a missing column, an empty file): errors with their file and line,
  while the rest of the file and the other inputs are still checked;
- template problems (unknown codes, dangling ids, bad dates) and data-quality violations: errors
  to fix, each with its file and row;
- governance gaps: warnings and information, never errors.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from govatlas.graph.pipeline import derive, load_ontology, read_inputs, scratch_store, spool_dataset
from govatlas.graph.store import BULK_THRESHOLD, GraphStore
from govatlas.graph.validation.cases import Case, cases
from govatlas.graph.validation.compiled import validate_quality
from govatlas.graph.validation.coverage import Coverage, coverage, fold_absent_data
from govatlas.graph.validation.gaps import (
    Finding,
    describe,
    gap_shapes,
    run_pyshacl,
    run_store_shapes,
    sort_findings,
)
from govatlas.graph.validation.shacl_report import record_iri
from govatlas.loaders.errors import DataWarning, Problem
from govatlas.loaders.reader import Input
from govatlas.loaders.tables import Record, display_path, empty_required
from govatlas.ontology.vocabulary import code_of


@dataclass
class Outcome:
    """What validation found, sorted for reading."""

    findings: list[Finding]
    inputs: list[str]
    #: per gap shape, how many targets it checked (empty when gaps were not checked)
    coverage: list[Coverage] = field(default_factory=list)

    #: against a stored graph: how many of its gaps the new data leaves as they were
    unchanged: int = 0

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def gaps(self) -> list[Finding]:
        """The gaps found (a gap the new data closes, against a stored graph, is none)."""
        return [f for f in self.findings if f.is_gap and f.change != "closed"]

    @property
    def cases(self) -> list[Case]:
        """The findings grouped by rule and place (:mod:`~govatlas.graph.validation.cases`),
        errors first, then the largest case first."""
        return cases(self.findings)

    def to_frame(self):
        """Every finding as a row of a pandas DataFrame."""
        return findings_frame(self.findings)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def findings_frame(findings: list[Finding]):
    """Findings as a pandas DataFrame, one row each, one column per field."""
    import dataclasses

    import pandas as pd

    columns = [f.name for f in dataclasses.fields(Finding)]
    return pd.DataFrame([dataclasses.astuple(f) for f in findings], columns=columns)


def load_inputs(paths: list[Path], notices: list[Problem] | None = None,
                ) -> tuple[GraphStore, list[Problem], dict[str, Path]]:
    """A scratch store with the ontology and all that could be read of every input, and every
    problem of reading and converting them (an input that cannot be read at all is one). The
    warnings reading gave (:class:`~govatlas.loaders.errors.DataWarning`) are appended to
    ``notices`` when given, else warned again."""
    store, problems, rdf_inputs, _graphs = _load(paths, notices=notices)
    return store, problems, rdf_inputs


def _load(paths: list[Path], base: GraphStore | None = None,
          notices: list[Problem] | None = None, into: GraphStore | None = None,
          ) -> tuple[GraphStore, list[Problem], dict[str, Path], list[str]]:
    """:func:`load_inputs` into ``base`` when given, also returning the inputs' graphs; with
    ``into`` (an empty on-disk store, in place of the in-memory one), into it by the bulk path.

    On its own a dataset must say who acts, what they may do and how they are linked, so an
    empty required file is an error; added to a stored graph, as a load adds it, it may hold
    links between stored actors alone.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        if into is not None:
            unreadable, problems, inputs = _load_on_disk(into, paths)
            store = into
        else:
            store, unreadable, problems, inputs = scratch_store(paths, base)
    for caught_warning in caught:
        message = caught_warning.message
        if notices is not None and isinstance(message, DataWarning):
            notices.append(message.problem)
        else:
            warnings.warn_explicit(message, caught_warning.category, caught_warning.filename,
                                   caught_warning.lineno)
    missing = {(table.file, column) for item in inputs for table in (item.tables or {}).values()
               for column in table.missing_columns}
    # a column missing from the header is reported once there, not as a blank on every row
    problems = [problem for problem in problems
                if problem.line in (None, 1) or (problem.file, problem.column) not in missing]
    if base is None:
        for item in inputs:
            if item.tables is not None:
                problems += empty_required(item.tables, problems)
    return (store, unreadable + problems,
            {item.graph: item.path for item in inputs if item.is_rdf},
            [item.graph for item in inputs])


def _load_on_disk(store: GraphStore, paths: list[Path],
                  ) -> tuple[list[Problem], list[Problem], list[Input]]:
    """The ontology and every input that can be read into the empty on-disk ``store``, by the
    build's bulk path: each input is converted to an N-Triples spool batch by batch and
    bulk-loaded, then the derived graph is computed once. Returns what
    :func:`~govatlas.graph.pipeline.scratch_store` returns but the store."""
    load_ontology(store)
    inputs, unreadable, problems = read_inputs(paths)
    for item in inputs:
        spool, count, found = spool_dataset(store, item)
        problems.extend(found)
        try:
            if count < BULK_THRESHOLD:  # small: one transaction, no bulk loader start-up
                target = ox.NamedNode(item.graph)
                store.replace_graph(item.graph, [
                    ox.Quad(t.subject, t.predicate, t.object, target)
                    for t in ox.parse(path=str(spool), format=ox.RdfFormat.N_TRIPLES)])
            else:
                store.replace_from_spool(item.graph, spool)
        finally:
            spool.unlink(missing_ok=True)
    derive(store)
    return unreadable, problems, inputs


@contextmanager
def scratch_on_disk() -> Iterator[GraphStore]:
    """An empty store in a temporary folder, removed with everything in it afterwards."""
    with tempfile.TemporaryDirectory(prefix="govatlas-validate-") as folder:
        store = GraphStore.open(Path(folder) / "store")
        try:
            yield store
        finally:
            store.close()


def template_findings(problems: list[Problem], severity: str = "Violation") -> list[Finding]:
    """Problems of reading and of the templates as findings: errors, or warnings for what
    is read as it is but worth a look (``severity="Warning"``)."""
    findings = []
    name = "Template" if severity == "Violation" else "Data warning"
    for problem in problems:
        where = Record(problem.file, problem.line or None)
        record = where.format()
        findings.append(Finding(
            severity=severity, gap=None, shape="template", shape_name=name,
            focus=record_iri(where), focus_label=record, message=(f"{problem.message}."
                                   + (f" Fix: {problem.fix}" if problem.fix else "")),
            path=problem.column, record=record))
    return findings


def _subjects(store: GraphStore, graphs: list[str]) -> set[str]:
    """The IRIs the graphs ``graphs`` say something about."""
    return {quad.subject.value for graph in graphs for quad in store.quads(graph)}


def locate_in_rdf(findings: list[Finding], rdf_inputs: dict[str, Path]) -> list[Finding]:
    """For data read from Turtle or JSON-LD, the first line of the file naming the focus."""
    if not rdf_inputs:
        return findings
    texts = {path: path.read_text(encoding="utf-8", errors="replace").splitlines()
             for path in rdf_inputs.values()}
    located = []
    for finding in findings:
        if finding.record or not finding.focus.startswith("http"):
            located.append(finding)
            continue
        local = code_of(finding.focus)
        needles = (f"<{finding.focus}>", f":{local}", f'"{finding.focus}"')
        record = ""
        for path, lines in texts.items():
            for number, line in enumerate(lines, start=1):
                if any(needle in line for needle in needles):
                    record = Record(display_path(path), number).format()
                    break
            if record:
                break
        located.append(replace(finding, record=record))
    return located


def validate_paths(paths: list[Path], engine: str = "store",
                   gaps: bool = True, base: GraphStore | None = None) -> Outcome:
    """Check ``paths`` together: every problem of reading, of the templates, of the
    data-quality shapes and (with ``gaps``) the governance gaps, in one outcome.

    With ``base`` (a scratch copy of a stored graph) the inputs are checked within it: their
    ids may name what other datasets define, the data-quality findings are those of the
    inputs' own statements, and the gaps are those of the whole graph.
    """
    if base is None:
        with scratch_on_disk() as scratch:
            return _validate(paths, engine, gaps, None, scratch)
    return _validate(paths, engine, gaps, base, None)


def _validate(paths: list[Path], engine: str, gaps: bool, base: GraphStore | None,
              into: GraphStore | None) -> Outcome:
    notices: list[Problem] = []
    store, problems, rdf_inputs, graphs = _load(paths, base, notices, into)
    findings = template_findings(problems) + template_findings(notices, "Warning")
    if engine == "pyshacl":
        findings += run_pyshacl(store.to_rdflib(), "all" if gaps else "quality")
    else:
        findings += validate_quality(store)
        if gaps:
            findings += run_store_shapes(store, gap_shapes())
    shapes = gap_shapes() if gaps else []
    described = locate_in_rdf(describe(store, findings), rdf_inputs)
    described = fold_absent_data(store, described, shapes)
    # A row the template check refused also breaks a shape; its template message says more.
    refused = {f.record for f in described if f.shape == "template"}
    described = [f for f in described if f.shape == "template" or f.is_gap
                 or f.record not in refused]
    if base is not None:
        own = _subjects(store, graphs)
        described = [f for f in described if f.shape == "template" or f.is_gap
                     or f.focus in own]
    return Outcome(sort_findings(described), [display_path(path) for path in paths],
                   coverage(store, shapes, described))
