"""One entry point for every input format: a CSV folder, an XLSX workbook, Turtle or JSON-LD."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from govatlas.ontology.vocabulary import Vocabulary

from .dataset import DatasetConverter, KnownIds, slug
from .errors import DataError, Problem
from .rdf_files import RDF_FORMATS, is_rdf_file, read_rdf
from .tables import read_tables


def dataset_name(path: Path) -> str:
    """The name a dataset is stored under: its folder or file name, as a slug."""
    return slug(path.stem if path.is_file() else path.name)


def read_dataset(path: Path, graph: str, vocabulary: Vocabulary,
                 known: KnownIds | None = None) -> list[ox.Quad]:
    """The quads of the dataset at ``path``, checked; :class:`DataError` names every problem."""
    if not path.exists():
        raise DataError([Problem(str(path), None, None, "does not exist",
                                 "check the path")])
    if is_rdf_file(path):
        return read_rdf(path, graph)
    if path.is_file() and path.suffix.lower() != ".xlsx":
        raise DataError([Problem(str(path), None, None, "has an unknown format",
                                 "give a dataset folder of CSV files, an .xlsx workbook, or RDF "
                                 f"({', '.join(sorted(RDF_FORMATS))})")])
    tables = read_tables(path)
    return DatasetConverter(dataset_name(path), graph, vocabulary, known).convert(tables)
