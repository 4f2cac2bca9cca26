"""Every library query shows a sample of its output in its header, and the sample is true:
the first columns of rows the query really returns on the bundled data."""

from __future__ import annotations

import csv

import pytest

from govatlas.queries.library import load_library
from govatlas.queries.runner import run_query, short

LIBRARY = load_library()


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_the_header_sample_is_what_the_query_returns(name: str, bundled_store) -> None:
    query = LIBRARY[name]
    lines = [line.split(":", 1)[1].strip() for line in query.text.splitlines()
             if line.startswith("# sample:")]
    assert len(lines) >= 2, f"{name}.rq has no '# sample:' lines"
    header, *rows = list(csv.reader(lines))
    result = run_query(bundled_store, query, {})
    assert header == result.variables[:len(header)]
    returned = {tuple(short(term) for term in row[:len(header)]) for row in result.rows}
    for row in rows:
        assert tuple(row) in returned, f"{name}: sample row {row} is not in the result"


def test_sources_prints_the_notes(bundled_store) -> None:
    from govatlas.graph.views.sources import resolve, statements_about

    about = statements_about(bundled_store, resolve(bundled_store, "Network IQ")[0])
    assert any("(note: " in item.statement for item in about)
