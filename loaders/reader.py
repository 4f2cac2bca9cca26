"""One entry point for every input format: a CSV folder, an XLSX workbook, Turtle or JSON-LD.

Reading is the first step of the load pipeline (:mod:`govatlas.graph.pipeline`): it parses a
dataset into RDF quads (an RDF file) or template tables (CSV, XLSX), and refuses what cannot be
read at all. Checking the tables' content and converting them is the next step
(:class:`~govatlas.loaders.dataset.DatasetConverter`), which needs to know the ids already
stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govatlas.ontology.formats import RDF_FORMATS_BY_SUFFIX
from govatlas.ontology.namespaces import DATASET_GRAPH

from .dataset import slug
from .errors import DataError, Problem
from .limits import check_xlsx
from .rdf_files import is_rdf_file, read_rdf
from .tables import Table, display_path, read_tables


def dataset_name(path: Path) -> str:
    """The name a dataset is stored under: its folder or file name, as a slug."""
    return slug(path.stem if path.is_file() else path.name)


@dataclass
class Input:
    """A dataset as read: RDF quads already in its graph, or template tables to convert."""

    path: Path
    name: str
    quads: list[ox.Quad] | None = None
    tables: dict[str, Table] | None = None

    @property
    def graph(self) -> str:
        return DATASET_GRAPH + self.name

    @property
    def is_rdf(self) -> bool:
        return self.quads is not None


def read_input(path: Path, name: str | None = None,
               problems: list[Problem] | None = None) -> Input:
    """The dataset at ``path``, parsed; :class:`DataError` names every problem that stops it
    from being read (missing file, unknown format, broken syntax, missing columns).

    With ``problems`` given, the problems of a table's rows and files (a bad byte, an extra
    value, a missing column, an empty file) are appended to it instead and the rest is read,
    so a validator sees them all at once; only an input that cannot be read at all raises.
    """
    name = name or dataset_name(path)
    if not path.exists():
        raise DataError([Problem(display_path(path), None, None, "does not exist",
                                 "check the path")])
    if is_rdf_file(path):
        return Input(path, name, quads=read_rdf(path, DATASET_GRAPH + name))
    if path.is_file() and path.suffix.lower() != ".xlsx":
        raise DataError([Problem(display_path(path), None, None, "has an unknown format",
                                 "give a dataset folder of CSV files, an .xlsx workbook, or "
                                 f"RDF ({', '.join(sorted(RDF_FORMATS_BY_SUFFIX))})")])
    if path.is_file():
        check_xlsx(path, display_path(path))  # before openpyxl unpacks a sheet whole
    return Input(path, name, tables=read_tables(path, problems))
