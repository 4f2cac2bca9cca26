"""Use cases that bring data in: build a store, load datasets, validate new data, templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from govatlas.graph.pipeline import LoadReport, load_datasets, load_ontology
from govatlas.graph.pipeline import build as build_store
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.checking import Outcome, validate_paths
from govatlas.loaders.errors import DataError

from .stores import StoreLike, derive_if_stale, keep_computed, reading, store_path, writing


def build(paths: Iterable[Path] | None = None, store: StoreLike = None,
          progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """Build the store from scratch: the ontology, then every dataset (default: the bundled
    ones). :class:`DataError` lists every problem of every dataset, and nothing is loaded.

    >>> import govatlas
    >>> reports = govatlas.build(store=govatlas.GraphStore.in_memory())
    >>> [r.name for r in reports][:3]
    ['ontology', 'austria', 'canada']
    """
    with writing(store, rederive=False) as opened:
        return build_store(opened, list(paths) if paths is not None else None, progress)


@dataclass
class LoadOutcome:
    """What ``load`` did: a report per dataset loaded, the problems of those refused."""

    loaded: list[LoadReport] = field(default_factory=list)
    refused: list[DataError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def load(paths: Iterable[Path], name: str | None = None, dry_run: bool = False,
         store: StoreLike = None) -> LoadOutcome:
    """Check datasets and load them, each replacing its earlier version; a dataset with any
    problem is refused whole and the others are loaded. ``dry_run`` checks and writes nothing
    (ids may still refer to what the store holds).

    >>> import govatlas, tempfile
    >>> folder = govatlas.template(Path(tempfile.mkdtemp()) / "new")[0].parent
    >>> outcome = govatlas.load([folder], dry_run=True, store=govatlas.GraphStore.in_memory())
    >>> outcome.ok  # a template has no rows yet
    False
    """
    paths = list(paths)
    if dry_run:
        if isinstance(store, GraphStore) or store_path(store).exists():
            with reading(store) as opened:
                return LoadOutcome(*load_datasets(opened, paths, name, dry_run=True))
        scratch = GraphStore.in_memory()  # no store yet: check against the ontology alone
        load_ontology(scratch)
        return LoadOutcome(*load_datasets(scratch, paths, name, dry_run=True))
    with writing(store) as opened:
        return LoadOutcome(*load_datasets(opened, paths, name))


def repair(store: StoreLike = None) -> str | None:
    """Repair a store that a killed load or build left half written: the graphs the write was
    creating are removed, the union and the derived graph rebuilt (any later load or build
    does this first, too). Returns what was interrupted, or None if the store was sound."""
    from govatlas.graph.pipeline import repair as repair_store

    if isinstance(store, GraphStore):
        return repair_store(store)
    opened = GraphStore.open(store_path(store))
    try:
        interrupted = repair_store(opened)
        derive_if_stale(opened)  # a store built with older rules: derived again
        keep_computed(opened)  # what an older version or a kill left is computed again
        return interrupted
    finally:
        opened.close()


def validate(paths: Iterable[Path], engine: str = "store", gaps: bool = True,
             against_store: bool = False, store: StoreLike = None) -> Outcome:
    """Check new data (CSV folders, XLSX, Turtle, JSON-LD) against the templates, the
    data-quality shapes and (unless ``gaps=False``) the gap shapes, in a scratch store.

    ``engine`` is ``store`` (fast, the default) or ``pyshacl`` (the reference engine).
    With ``against_store`` the data is checked within a scratch copy of ``store`` (ids of
    other datasets resolve; a dataset stored under the same name is replaced in the copy), and
    the gaps are those the new data opens or closes (each finding's ``change``); the store is
    only read. The outcome's ``findings`` are sorted for reading; ``to_frame()`` gives a
    DataFrame.
    """
    paths = [Path(path) for path in paths]
    if not against_store:
        return validate_paths(paths, engine=engine, gaps=gaps)
    from govatlas.graph.validation.against import validate_against

    with reading(store) as stored:
        outcome = validate_against(stored, paths, engine=engine, gaps=gaps)
        where = f"the store at {stored.path}" if stored.path else "the given store"
    unchanged = f", {outcome.unchanged:,} of its gaps unchanged" if gaps else ""
    outcome.inputs.append(f"against {where}{unchanged}")
    return outcome


def annotate(paths: Iterable[Path], outcome: Outcome, output: Path) -> Path:
    """Write the inputs ``outcome`` checked to the workbook ``output`` with every finding as a
    comment on its cell, highlighted, and a summary sheet of the cases (a CSV folder becomes
    a sheet per file); returns ``output``."""
    from govatlas.graph.validation.annotate import write_annotated

    return write_annotated([Path(path) for path in paths], outcome.findings, outcome.cases,
                           Path(output))


def template(folder: Path, xlsx: bool = False, required_only: bool = False) -> list[Path]:
    """Write empty data templates into ``folder`` (CSV files, or one XLSX workbook);
    returns the files written.

    >>> import govatlas, tempfile
    >>> sorted(p.name for p in govatlas.template(Path(tempfile.mkdtemp())))[:3]
    ['actors.csv', 'competences.csv', 'events.csv']
    """
    from govatlas.loaders.templates import write_csv_templates, write_xlsx_template

    if xlsx:
        return [write_xlsx_template(Path(folder) / "govatlas-template.xlsx")]
    return write_csv_templates(Path(folder), with_optional=not required_only)
