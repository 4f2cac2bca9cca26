"""The read commands on a built country, one process each, as a user runs them.

``run.py --country`` builds the country (:mod:`bench.country_run`), then this module times
every command that only reads the store: the gaps of the country, its analysis, the three
file exports, and every library query with its documented default parameters. Each runs from
the command line in its own process, so its figure includes starting Python and opening the
on-disk store read-only, as a user waits for it; peak memory is the process's own maximum
resident size (``wait4``).

    python bench/country_read.py STORE [--country XX] [--only gaps,query] [--out DIR]
                                 [--queries DIR] [--param NAME=VALUE ...]

runs the same table on a store built earlier (read-only, so a shared store can be used).
``--queries DIR`` times the `.rq` files of DIR instead of the library's (given to
``govatlas query`` as paths): an earlier version of the library, for a before/after table
measured in one run. ``--param territory="Area 858"`` gives that value to every query that
declares the parameter (the others keep their defaults): a real territory of the country
rather than the bundled data's. With ``--out``, each query's CSV is kept there
(``query-NAME.csv``), to compare the rows of two runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: command -> target seconds (the issue's targets for the France-sized country)
READ_TARGETS: dict[str, float] = {"gaps --country": 10, "analyze --country": 20,
                                  "export graphml": 15, "export gexf": 15,
                                  "export neo4j-csv": 15}
QUERY_TARGET = 1.0


@dataclass
class ReadRun:
    """One command's figures: wall and CPU seconds, peak memory, exit code (-9: stopped)."""

    seconds: float
    cpu: float
    peak_gb: float
    code: int


def timed(command: list[str], limit: float, output: Path | None = None) -> ReadRun:
    """Run ``command``, stopped at ``limit`` seconds; its wall time, and from ``wait4`` its own
    CPU time (user + system) and peak memory. On a machine shared with other work the wall
    time grows with the load; the CPU time is what the command itself spent. Its standard
    output goes to ``output`` when given, else nowhere."""
    started = time.monotonic()
    # its own session, so that a command stopped at the limit is stopped with the worker
    # process a query runs in
    sink = output.open("wb") if output is not None else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    if output is not None:
        sink.close()  # the child holds its own copy
    killed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if not killed and time.monotonic() - started > limit:
            os.killpg(process.pid, 9)
            killed = True
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    return ReadRun(time.monotonic() - started, usage.ru_utime + usage.ru_stime,
                   usage.ru_maxrss / 2**20, -9 if killed else process.returncode)


def country_code(folder: Path) -> str:
    """The country code of the first actor of a generated CSV folder (``XX`` for the
    generator's countries)."""
    with (folder / "actors.csv").open(encoding="utf-8") as rows:
        next(rows)
        return next(rows).split(",")[4]


def library_names(folder: Path | None = None) -> dict[str, tuple[str, set[str]]]:
    """The library's queries (or the `.rq` files of ``folder``): name -> what to give
    ``govatlas query`` (the name itself or the file's path) and the parameters it declares."""
    from govatlas.queries.library import load_library

    library = load_library() if folder is None else load_library(folder)
    return {name: (name if folder is None else str(query.path),
                   {parameter.name for parameter in query.parameters})
            for name, query in sorted(library.items())}


def read_commands(store: Path, code: str, work: Path, limit: float = 900,
                  queries: Path | None = None,
                  params: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Every read command, by the name the table shows, as the argument list to run (a query
    may run up to ``limit`` seconds, not the CLI's default timeout; ``queries``: a folder of
    `.rq` files to time instead of the library's; ``params``: values given to the queries
    that declare them)."""
    cli = [sys.executable, "-m", "govatlas", "--store", str(store)]
    commands = {
        "gaps --country": [*cli, "gaps", "--country", code, "-o", str(work / "gaps.txt")],
        "analyze --country": [*cli, "analyze", "--country", code],
        "export graphml": [*cli, "export", "graphml", str(work / "country.graphml")],
        "export gexf": [*cli, "export", "gexf", str(work / "country.gexf")],
        "export neo4j-csv": [*cli, "export", "neo4j-csv", str(work / "neo4j-csv")],
    }
    for name, (spec, declared) in library_names(queries).items():
        given = [f"--param={key}={value}" for key, value in (params or {}).items()
                 if key in declared]
        commands[f"query {name}"] = [*cli, "query", spec, *given, "--format", "csv",
                                       "--timeout", f"{limit:g}"]
    return commands


def read_table(store: Path, code: str, work: Path, limit: float = 900,
               only: tuple[str, ...] = (), queries: Path | None = None,
               params: dict[str, str] | None = None, keep: bool = False) -> str:
    """Run every read command (or those whose name starts with one of ``only``) and return
    the table (Markdown), printing each row as it is measured (``keep``: each query's output
    is written to ``work``)."""
    lines = ["| read command | wall time | CPU time | peak memory | target |",
             "|---|--:|--:|--:|---|"]
    print("\n".join(lines), flush=True)
    for name, command in read_commands(store, code, work, limit, queries, params).items():
        if only and not name.startswith(only):
            continue
        output = (work / f"{name.replace(' ', '-')}.csv"
                  if keep and name.startswith("query ") else None)
        run = timed(command, limit, output)
        target = READ_TARGETS.get(name, QUERY_TARGET)
        outcome = (f"{run.seconds:.1f} s" if run.code == 0 else
                   f"stopped at {limit:g} s" if run.code == -9 else f"failed ({run.code})")
        met = "met" if run.code == 0 and run.seconds < target else "missed"
        cpu = f"{run.cpu:.1f} s" if run.code == 0 else "—"  # a stopped worker is not counted
        lines.append(f"| `{name}` | {outcome} | {cpu} | {run.peak_gb:.2f} GB "
                     f"| < {target:g} s: {met} |")
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a built store (opened read-only)")
    parser.add_argument("--country", default="XX", help="the country code (default XX, the "
                                                        "generator's)")
    parser.add_argument("--only", default="", help="comma-separated name prefixes to run")
    parser.add_argument("--limit", type=float, default=900, help="seconds a command may run")
    parser.add_argument("--out", type=Path, help="folder for the outputs (default: temporary)")
    parser.add_argument("--queries", type=Path, help="time the .rq files of this folder "
                                                      "instead of the library's queries")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for the queries that declare NAME (repeatable)")
    args = parser.parse_args(argv)
    params = dict(item.split("=", 1) for item in args.param)
    work = args.out or Path(tempfile.mkdtemp(prefix="govatlas-read-"))
    work.mkdir(parents=True, exist_ok=True)
    only = tuple(part for part in args.only.split(",") if part)
    read_table(args.store, args.country, work, args.limit, only, args.queries, params,
               keep=args.out is not None)


if __name__ == "__main__":
    main()
