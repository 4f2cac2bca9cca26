"""The benchmark harness: every govatlas figure next to the baseline it replaces, measured in the
same run on the same synthetic country, with the ratio (baseline time / govatlas time).

    python bench/run.py                    # 10k, 100k, 1M triples; writes bench/RESULTS.md
    python bench/run.py --quick            # 10k and 100k, short baseline limit, under 2 minutes
    python bench/run.py --sizes 10000 --baseline-limit 30 --out /tmp/bench

Jobs, each at every size (a country from ``bench/generate.py`` with its Turtle file of
data-quality defects when the generator writes one):

1. load CSV templates: ``govatlas load`` into a fresh on-disk store, against the same CSV
   conversion added to an ``rdflib.Dataset``;
2. load Turtle: Oxigraph against rdflib, on a Turtle dump of the dataset graph;
3. data-quality validation: pyshacl-turbo on the store against pySHACL on rdflib's graph;
4. gap validation: the gap shapes' SPARQL run once on the store against pySHACL, on rdflib's
   graph (the plain reference) and on an Oxigraph-backed rdflib graph (oxrdflib, the
   project's own pySHACL path). pySHACL grows about quadratically here, so it also runs at a
   few small sizes: the growth curve;
5. the query library: Oxigraph against rdflib, every query with its default parameters;
6. network measures: ``govatlas analyze`` (igraph, sampled betweenness) against exact NetworkX
   betweenness and PageRank on the same projection;
7. the map of a 5,000-actor country: ``govatlas.map`` time (without gaps; the full run also
   times it with its gaps drawn, which takes minutes), then the time until headless Chromium
   has drawn it, clustered (what govatlas opens) and flat (pyvis's own page, the fairer
   baseline, loads its script from a CDN: no use offline).

The parts: :mod:`bench.harness` runs each engine in a child process under a time and a
memory limit (how it is measured is said there); :mod:`bench.jobs` has the jobs, one
module per family; :mod:`bench.plan` runs them size after size and skips the baselines
that cannot finish; :mod:`bench.report` writes RESULTS.md and results.json.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.plan import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
#: Sizes where only gap validation runs, to show how pySHACL's time grows.
FULL_GROWTH = (2_000, 5_000, 10_000, 20_000, 50_000)
QUICK_GROWTH = (2_000,)
FULL_BASELINE_LIMIT = 600.0
QUICK_BASELINE_LIMIT = 12.0
#: govatlas's own jobs get a limit too, only so that a regression cannot hang the run.
FULL_LIMIT = 1800.0
QUICK_LIMIT = 300.0
#: A job holding more than this is stopped (pySHACL's gap run grows by ~30 MB a second).
DEFAULT_MEMORY_GB = 8.0
#: Imported by the parent before it forks, so no child spends its time limit importing.
PRELOAD = ("pyoxigraph", "rdflib", "pyshacl", "pyshacl_turbo", "oxrdflib", "networkx", "igraph",
           "scipy.sparse", "govatlas.graph.pipeline", "govatlas.graph.validation.gaps",
           "govatlas.graph.analysis.analyze", "govatlas.queries.runner", "govatlas.api.pages",
           "bench.generate")


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part.replace("_", "")) for part in text.split(",") if part}))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"sizes are integers, e.g. 10000,100000: {text}") \
            from error
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one positive size")
    return sizes


def settings_from(argv: list[str] | None = None) -> Settings:
    from bench.harness import total_memory_mb
    from bench.plan import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="10k and 100k triples, short baseline limit (under 2 minutes)")
    parser.add_argument("--sizes", type=parse_sizes, help="sizes in triples, e.g. 10000,100000")
    parser.add_argument("--growth-sizes", type=parse_sizes,
                        help="extra sizes for the pySHACL gap growth curve (those up to the "
                             "largest size are run)")
    parser.add_argument("--baseline-limit", type=float,
                        help=f"seconds a baseline may run (default {FULL_BASELINE_LIMIT:g}, "
                             f"quick {QUICK_BASELINE_LIMIT:g})")
    parser.add_argument("--limit", type=float,
                        help=f"seconds a govatlas job may run (default {FULL_LIMIT:g}, "
                             f"quick {QUICK_LIMIT:g})")
    parser.add_argument("--memory-limit", type=float,
                        help=f"GB a job may hold before it is stopped (default "
                             f"{DEFAULT_MEMORY_GB:g}, at most half the RAM)")
    parser.add_argument("--out", type=Path,
                        help="folder for RESULTS.md and results.json (default bench/ for the "
                             "full run, a temporary folder otherwise)")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    out = args.out or (HERE if not (args.quick or args.sizes)
                       else Path(tempfile.mkdtemp(prefix="govatlas-bench-")))
    memory = args.memory_limit * 1024 if args.memory_limit else min(
        DEFAULT_MEMORY_GB * 1024, total_memory_mb() / 2)
    growth = args.growth_sizes or (QUICK_GROWTH if args.quick else FULL_GROWTH)
    return Settings(
        sizes=sizes,
        growth=tuple(size for size in growth if size <= max(sizes)),
        baseline_limit=args.baseline_limit or (
            QUICK_BASELINE_LIMIT if args.quick else FULL_BASELINE_LIMIT),
        limit=args.limit or (QUICK_LIMIT if args.quick else FULL_LIMIT),
        memory_mb=memory, out=out, map_gaps=not args.quick,
        command=" ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]))


def preload(modules: Iterable[str] = PRELOAD) -> None:
    """Import the libraries and fill the caches every job uses (shapes, vocabulary) once, in
    the parent, so that no child's time includes them and no engine pays for them alone."""
    for module in modules:
        importlib.import_module(module)
    from govatlas.graph.analysis.projection import link_families
    from govatlas.graph.validation.shapes import shapes_graph, sparql_shapes
    from govatlas.ontology.vocabulary import vocabulary

    for which in ("quality", "gaps", "all"):
        shapes_graph(which)
    sparql_shapes("gaps")
    vocabulary()
    link_families()


def country_main(argv: list[str]) -> None:
    """``--country [--municipalities N] [--out DIR]``: every command on a country of real
    shape (France-sized by default), as a table; see :mod:`bench.country_run`; then every
    read command and library query on its store, one by one (:mod:`bench.country_read`)."""
    from bench.country_run import country_table, findings_not_kept

    parser = argparse.ArgumentParser(prog="run.py --country")
    parser.add_argument("--country", action="store_true")
    parser.add_argument("--municipalities", type=int,
                        help="a smaller country (default: the France preset, 34,969)")
    parser.add_argument("--out", type=Path, help="folder for the country, its store and "
                                                 "RESULTS-country.md (default: a temporary one)")
    parser.add_argument("--limit", type=float, default=900, help="seconds a command may run")
    args = parser.parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="govatlas-country-"))
    work.mkdir(parents=True, exist_ok=True)
    table = country_table(work, args.municipalities, args.limit)
    from bench.country_read import country_code, read_table

    print()
    table += "\n" + read_table(work / "store", country_code(work / "country"), work, args.limit)
    print()
    table += "\n" + findings_not_kept(work, args.limit)
    (work / "RESULTS-country.md").write_text(table, encoding="utf-8")
    print(f"\nWritten to {work / 'RESULTS-country.md'}")


def main(argv: list[str] | None = None) -> None:
    from bench.plan import Bench
    from bench.report import machine, write_results

    if "--country" in (argv if argv is not None else sys.argv[1:]):
        country_main(argv if argv is not None else sys.argv[1:])
        return
    settings = settings_from(argv)
    started = time.monotonic()
    preload()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="govatlas-bench-data-"))
    bench = Bench(settings, work)
    try:
        bench.run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - started
    write_results(bench.rows, settings, info, total)
    print(f"\n{total:.1f} s in all; results in {settings.out / 'RESULTS.md'} and "
          f"{settings.out / 'results.json'}", flush=True)


def _use_project_root() -> None:
    """Run from anywhere: the project root first on the path (for ``bench.generate``), and not
    bench/ itself, whose analysis.py and generate.py must not shadow other modules."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


if __name__ == "__main__":
    _use_project_root()
    main()
