"""The synthetic country of ``bench/generate.py`` and the fast validation path it is used to
measure: the fast path (pyshacl-turbo for data quality, each gap shape's SPARQL once on the
store) must report exactly what pySHACL, the reference engine, reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.generate import DEFECTS, generate, write, write_defects
from govatlas.graph.pipeline import load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.checking import validate_paths
from govatlas.graph.validation.shapes import GAP_TYPES


@pytest.fixture(scope="module")
def country_with_errors(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """About 10,000 triples: every gap type and every kind of data-quality error occurs."""
    country = generate(100, seed=7, gap_share=0.3)
    folder = write(country, tmp_path_factory.mktemp("synthetic") / "country")
    return [folder, write_defects(country, folder.parent / "defects.ttl")]


def test_the_generator_is_deterministic(tmp_path):
    first = write(generate(200), tmp_path / "a")
    second = write(generate(200), tmp_path / "b")
    third = write(generate(200, seed=8), tmp_path / "c")
    for name in ("actors", "competences", "links", "instruments"):
        text = (first / f"{name}.csv").read_text()
        assert text == (second / f"{name}.csv").read_text()
    assert (first / "links.csv").read_text() != (third / "links.csv").read_text()


def test_the_generated_country_loads_clean_at_the_stated_size(tmp_path):
    store = GraphStore.in_memory()
    load_ontology(store)
    load_dataset(store, write(generate(1000), tmp_path / "country"))
    assert 0.8 < len(store) / (1000 * 110) < 1.25  # TRIPLES_PER_ACTOR, which --triples uses
    outcome = validate_paths([tmp_path / "country"], gaps=False)
    assert outcome.violations == []


def test_the_fast_path_reports_what_pyshacl_reports(country_with_errors):
    fast = validate_paths(country_with_errors, engine="store")
    reference = validate_paths(country_with_errors, engine="pyshacl")
    assert sorted(f.key() for f in fast.findings) == sorted(f.key() for f in reference.findings)
    assert {f.key(): f.severity for f in fast.findings} == {
        f.key(): f.severity for f in reference.findings}
    # and the comparison is not vacuous: every gap and every planted error is among them
    gaps = Counter(f.gap for f in fast.findings if f.gap)
    assert set(gaps) == set(GAP_TYPES)
    flagged = {f.focus.rsplit("/", 1)[-1] for f in fast.violations}
    for n in range(len(DEFECTS)):
        assert {str(n), f"xx-defect-{n}", f"{n}-source"} & flagged, f"defect {n} not reported"
