"""The api as a notebook user meets it: build, query, validate a folder, a matrix as a
DataFrame, a map written to a file; and the examples in the api's docstrings."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pandas as pd
import pytest

import govatlas
from govatlas.ontology.errors import GovatlasError, StoreError

API_MODULES = ["govatlas.api.data", "govatlas.api.views", "govatlas.api.analysis",
               "govatlas.api.exchange", "govatlas.ontology.vocabulary"]


@pytest.mark.parametrize("name", API_MODULES)
def test_docstring_examples_run(name: str, bundled_store) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"doctest_store": bundled_store,
                                                 "Path": Path}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


def test_a_notebook_session_on_an_on_disk_store(tmp_path: Path, dataset) -> None:
    store = tmp_path / "store"
    reports = govatlas.build(store=store)
    assert reports[0].name == "ontology" and len(reports) > 5

    frame = govatlas.query("competence-matrix", store=store, territory="Vienna")
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    actors = govatlas.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }",
                            store=store)
    stats = dict(govatlas.stats(store=store)[0].rows)
    assert actors["n"][0] == stats["actors"]

    matrix = govatlas.matrix(["Lyon"], store=store).to_frame()
    assert set(matrix["territory"]) == {"Lyon"} and "holder_label" in matrix.columns
    assert "<table" in govatlas.matrix(["Lyon"], store=store)._repr_html_()

    outcome = govatlas.validate([dataset()])
    assert not outcome.violations
    assert list(outcome.to_frame().columns)[:2] == ["severity", "gap"]

    loaded = govatlas.load([dataset("extra")], store=store)
    assert loaded.ok and loaded.loaded[0].name == "extra"
    assert "extra" in {row[0] for row in govatlas.stats(store=store)[1].rows}

    lyon = govatlas.analyze(territory="Lyon", store=store)
    assert lyon.classification["label"] == "multilevel"
    gaps = govatlas.gaps(territory="Paris", store=store)
    assert len(gaps) > 0 and not gaps.to_frame().empty


def test_a_map_is_written_to_a_file(tmp_path: Path, bundled_store) -> None:
    result = govatlas.map(city="lyon", output=tmp_path / "lyon.html", store=bundled_store)
    assert result.path.stat().st_size > 10_000 and "<html" in result.html
    with pytest.raises(GovatlasError, match="Did you mean: Lyon"):
        govatlas.map(city="Lyo", store=bundled_store)


def test_a_store_path_that_does_not_exist_is_an_error_not_a_new_store(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "store"
    with pytest.raises(StoreError, match="no store at"):
        govatlas.stats(store=missing)
    assert not missing.exists()


def test_every_error_has_one_base_class_and_an_exit_code() -> None:
    from govatlas.graph.export.files import ExportFileError
    from govatlas.graph.export.neo4j import ExportError
    from govatlas.graph.export.push import PushError
    from govatlas.graph.views.sources import NotFound
    from govatlas.loaders.errors import DataError
    from govatlas.ontology.vocabulary import UnknownCode
    from govatlas.queries.library import QueryError

    for kind in (ExportFileError, ExportError, PushError, NotFound, DataError,
                 UnknownCode, QueryError, StoreError):
        assert issubclass(kind, GovatlasError)
        assert kind.exit_code in (1, 2, 3)


def test_python_dash_m_runs_the_command_line() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "govatlas", "codes", "level", "--format",
                           "csv"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "list,code,label"
