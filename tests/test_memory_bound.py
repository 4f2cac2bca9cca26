"""Converting a CSV dataset holds a bounded multiple of its size in memory, not its quads.

The converter streams its quads in batches into an N-Triples file beside the store, which the
bulk loader reads, and reads the rows again from the files for each pass; what stays in
memory is the ids the checks need and one batch. Measured in a subprocess with ``resource``
(the process's own peak resident size), against a generated country: before streaming, the
quads alone took about 110 times the CSV's size, and the rows held whole about 12 times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: peak memory of the conversion, above what the process held before it, per byte of CSV.
#: Measured: 3.6 on the synthetic 2-million-triple country (9.8 MB of CSV; 15.2 with the
#: rows held whole), 0.63 on this generated one (10.8 MB of CSV).
MAX_RATIO = 2

CHILD = """
import json, resource, sys
from pathlib import Path
from govatlas.graph.pipeline import load_ontology, spool_dataset
from govatlas.graph.store import GraphStore
from govatlas.loaders.reader import read_input
from govatlas.ontology.vocabulary import vocabulary

store = GraphStore.open(Path(sys.argv[2]))
load_ontology(store)
vocabulary()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
item = read_input(Path(sys.argv[1]))
spool, count, problems = spool_dataset(store, item)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"before": before, "peak": peak, "count": count, "problems": len(problems),
                  "lines": sum(1 for _ in spool.open("rb"))}))
"""


@pytest.fixture(scope="module")
def country(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate, write

    return write(generate(20_000), tmp_path_factory.mktemp("memory") / "country")


def test_conversion_memory_is_bounded_by_the_csv_size(tmp_path: Path, country: Path) -> None:
    csv_bytes = sum(path.stat().st_size for path in country.glob("*.csv"))
    done = subprocess.run([sys.executable, "-c", CHILD, str(country), str(tmp_path / "store")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["problems"] == 0
    assert measured["lines"] == measured["count"] > 100_000  # every statement went to the file
    grown = measured["peak"] - measured["before"]
    print(f"conversion grew by {grown / csv_bytes:.2f} times the CSV's {csv_bytes:,} bytes")
    assert grown < MAX_RATIO * csv_bytes, (
        f"conversion grew by {grown / csv_bytes:.1f} times the CSV's {csv_bytes:,} bytes")
