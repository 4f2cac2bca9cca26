"""Data-quality validation on countries of growing size: the compiled shapes against pySHACL.

    python bench/validate_country.py --municipalities 250,1000,4000 --actors 9090 \\
        --out /tmp/validate-bench                # the growth curve, and the 1M-triple country
    python bench/validate_country.py --folder /work/bench-data/fr --engines compiled,validate

For each country (one generated with real proportions by ``--municipalities``, the synthetic
benchmark country by ``--actors``, each with its Turtle file of data-quality defects from
``generate.py``; or a given CSV ``--folder``), each engine runs in its own process, reaped with
``wait4`` (:func:`bench.country_read.timed`) for its peak memory and CPU time:

- ``compiled``: the data-quality shapes compiled to SPARQL on the store
  (:func:`govatlas.graph.validation.compiled.validate_quality`), what ``govatlas validate`` runs;
- ``turbo``: pyshacl-turbo on the store, what ``govatlas validate`` ran before;
- ``pyshacl``: pySHACL on rdflib's in-memory graph of the same data, the reference;
- ``validate``: the whole command, ``govatlas validate PATHS`` (reading, templates, data
  quality, gaps, the report), in a temporary on-disk store.

The engines' own seconds (from loading done to results) are printed beside the process's;
"same" compares every field of every result with pySHACL's (the comparison of
``tests/test_compiled.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ENGINES = ("compiled", "turbo", "pyshacl", "validate")


def engine_main(engine: str, paths: list[Path], out: Path) -> None:
    """In the child: load ``paths`` as validate does, run ``engine`` alone, write its seconds
    and its results (as comparable rows) to ``out``."""
    from govatlas.graph.validation.checking import load_inputs

    store, _problems, _ = load_inputs(paths)
    if engine == "pyshacl":
        from govatlas.graph.validation.gaps import run_pyshacl

        graph = store.to_rdflib(oxigraph=False)
        del store
        started, cpu = time.perf_counter(), time.process_time()
        findings = run_pyshacl(graph, "quality")
    elif engine == "turbo":
        from govatlas.graph.validation.gaps import run_turbo

        started, cpu = time.perf_counter(), time.process_time()
        findings = run_turbo(store, "quality")
    else:
        from govatlas.graph.validation.compiled import validate_quality

        started, cpu = time.perf_counter(), time.process_time()
        findings = validate_quality(store)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    from dataclasses import replace

    from tests.test_compiled import comparable

    # rdflib's own graph keeps a plain literal without xsd:string, the store writes it
    plain = "^^<http://www.w3.org/2001/XMLSchema#string>"
    rows = sorted(repr(comparable(replace(finding, value_term=finding.value_term.replace(
        plain, ""), details=finding.details.replace(plain, "")))) for finding in findings)
    out.write_text(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows}), encoding="utf-8")


def measure(name: str, paths: list[Path], engines: list[str], work: Path, limit: float,
            ) -> list[str]:
    """One country: a table row per engine."""
    from bench.country_read import timed

    here = Path(__file__).resolve().parent
    lines = []
    reference = None
    results = {}
    for engine in engines:
        out = work / f"{name}-{engine}.json"
        out.unlink(missing_ok=True)
        if engine == "validate":
            command = [sys.executable, "-m", "govatlas", "validate", *map(str, paths),
                       "--format", "json", "-o", str(out)]
        else:
            command = [sys.executable, str(here / "validate_country.py"), "--engine", engine,
                       "--result", str(out), *map(str, paths)]
        run = timed(command, limit)
        inner = json.loads(out.read_text(encoding="utf-8")) if (
            engine != "validate" and run.code == 0 and out.exists()) else {}
        results[engine] = inner
        if engine == "pyshacl" and inner:
            reference = inner["rows"]
        stopped = " (stopped)" if run.code == -9 else "" if run.code in (0, 1) else \
            f" (exit {run.code})"
        own = f"{inner['seconds']:.2f} s ({inner['cpu']:.2f} s CPU)" if inner else ""
        lines.append([name, engine, f"{run.seconds:.1f}{stopped}", f"{run.cpu:.1f}",
                      f"{run.peak_gb:.2f}", own, str(len(inner.get("rows", []))) if inner
                      else ""])
    for line in lines:
        inner = results[line[1]]
        same = "" if reference is None or not inner else (
            "yes" if inner["rows"] == reference else "NO")
        line.append(same)
    return ["| " + " | ".join(line) + " |" for line in lines]


def countries(args: argparse.Namespace, work: Path) -> list[tuple[str, list[Path]]]:
    """Each country to measure, generated once into ``work``."""
    from bench.country import generate_country
    from bench.generate import generate, write, write_defects

    found = []
    for municipalities in args.municipalities:
        folder = work / f"m{municipalities}"
        defects = work / f"m{municipalities}-defects.ttl"
        if not defects.exists():
            country = generate_country(municipalities, 7, 0.05, {})
            write(country, folder)
            write_defects(country, defects)
        found.append((f"{municipalities:,} municipalities", [folder, defects]))
    for actors in args.actors:
        folder, defects = work / f"a{actors}", work / f"a{actors}-defects.ttl"
        if not defects.exists():
            country = generate(actors)
            write(country, folder)
            write_defects(country, defects)
        found.append((f"{actors:,} actors (synthetic)", [folder, defects]))
    found.extend((str(folder), [folder]) for folder in args.folder)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)

    def numbers(text: str) -> list[int]:
        return [int(part) for part in text.split(",") if part]

    parser.add_argument("--municipalities", type=numbers, default=[])
    parser.add_argument("--actors", type=numbers, default=[])
    parser.add_argument("--folder", type=Path, action="append", default=[])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--limit", type=float, default=900, help="seconds per engine")
    parser.add_argument("--out", type=Path, default=Path("/tmp/govatlas-validate-bench"))
    args = parser.parse_args()
    if args.engine:
        engine_main(args.engine, args.paths, args.result)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    print("| country | engine | wall s | CPU s | peak GB | engine alone | results | same as "
          "pySHACL |")
    print("|---|---|--:|--:|--:|--:|--:|---|")
    engines = args.engines.split(",")
    for name, paths in countries(args, args.out):
        for line in measure(name.replace(",", " "), paths, engines, args.out, args.limit):
            print(line, flush=True)


if __name__ == "__main__":
    # run as a script: the project root on the path (for bench and tests), not bench/ itself
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    main()
