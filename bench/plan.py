"""The plan: which jobs run at which sizes, with the rules that keep the run short, and the
rows each run adds.

To keep the run short, a baseline is not run (and says why) where it was stopped at a smaller
size, or where its time at a smaller size, scaled in proportion to the size, predicts more than
twice the limit. Each rdflib library query runs in its own child under a share of the limit, so
one query rdflib cannot finish does not hide the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import (
    GOVATLAS,
    SETUP_LIMIT,
    Engine,
    Job,
    Limits,
    Measured,
    note,
    rounded,
    run_in_child,
)
from bench.jobs.data import Prepared, prepare
from bench.jobs.load import LOAD_CSV, LOAD_TURTLE
from bench.jobs.map import MAP_ACTORS, MAP_JOB, browser_missing, map_build, map_draw
from bench.jobs.network import NETWORK
from bench.jobs.queries import QUERIES, QUERY_SHARE, queries_rdflib
from bench.jobs.validation import GAPS, QUALITY

JOBS = (LOAD_CSV, LOAD_TURTLE, QUALITY, GAPS, QUERIES, NETWORK)


@dataclass
class Settings:
    sizes: tuple[int, ...]
    growth: tuple[int, ...]
    baseline_limit: float
    limit: float
    memory_mb: float
    out: Path
    command: str
    #: also time `build_map` with its gaps drawn (minutes at 5,000 actors: not in --quick)
    map_gaps: bool



ROW_FIELDS = ("size_triples", "store_quads", "job", "engine", "seconds", "peak_mb", "baseline",
              "ratio", "same_results", "note", "stopped")


class Bench:
    """Runs the jobs size after size, keeps the rows and prints each one as it comes."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.work = work
        self.rows: list[dict[str, Any]] = []
        #: (job, engine) of a baseline -> (size, seconds) of its last finished run
        self.finished: dict[tuple[str, str], tuple[int, float]] = {}
        #: (job, engine) of a baseline -> why it is not run at larger sizes
        self.given_up: dict[tuple[str, str], str] = {}

    def run(self) -> None:
        s = self.settings
        print(f"{'size':>9}  {'job':<24} {'engine':<32} {'seconds':>9} {'peak MB':>8} "
              f"{'ratio':>7}  note", flush=True)
        for size in sorted(set(s.sizes) | set(s.growth)):
            jobs = JOBS if size in s.sizes else (GAPS,)
            prepared = Prepared.at(self.work, size)
            quads = self.prepare(prepared)
            if quads is not None:
                for job in jobs:
                    self.run_job(job, prepared, quads)
        self.run_map()

    def prepare(self, prepared: Prepared, complete: bool = True) -> int | None:
        measured = run_in_child(prepare, (prepared, complete),
                                Limits(SETUP_LIMIT, self.settings.memory_mb))
        if not measured.completed:
            print(f"{prepared.size:>9,}  could not generate the country: {note(measured)}",
                  flush=True)
            return None
        print(f"{prepared.size:>9,}  -- {measured.outcome.note}, {measured.outcome.compare:,} "
              f"quads in the store (generated in {measured.seconds:.1f} s)", flush=True)
        return int(measured.outcome.compare)

    # --- measuring, with the rules that keep the run short ---
    def limits(self, engine: Engine) -> Limits:
        seconds = self.settings.baseline_limit if engine.baseline else self.settings.limit
        return Limits(seconds, self.settings.memory_mb)

    def why_not(self, key: tuple[str, str], size: int, limit: float) -> str:
        """Why a baseline is not worth running at ``size``: it was stopped at a smaller size,
        or its time there, scaled in proportion to the size (a lower bound for any engine
        whose time grows at least linearly), is over twice the limit."""
        if key in self.given_up:
            return self.given_up[key]
        if key in self.finished:
            smaller, seconds = self.finished[key]
            predicted = seconds * size / smaller
            if predicted > 2 * limit:
                return (f"not run: {seconds:.2f} s at {smaller:,} triples predicts "
                        f"{predicted:,.0f} s or more, over twice the {limit:g} s limit")
        return ""

    def learn(self, key: tuple[str, str], size: int, measured: Measured) -> None:
        if measured.completed and measured.seconds is not None:
            self.finished[key] = (size, measured.seconds)
        elif measured.stopped:
            self.given_up[key] = f"not run: stopped at {size:,} triples"

    def measure(self, job: str, engine: Engine, args: tuple, size: int,
                limits: Limits | None = None) -> Measured:
        limits = limits or self.limits(engine)
        key = (job, engine.name)
        if engine.baseline and (why := self.why_not(key, size, limits.seconds)):
            return Measured(skipped=why)
        measured = run_in_child(engine.run, args, limits)
        if engine.baseline:
            self.learn(key, size, measured)
        return measured

    # --- one job at one size ---
    def run_job(self, job: Job, prepared: Prepared, quads: int) -> None:
        results: list[tuple[Engine, Measured]] = []
        for engine in job.engines:
            if engine.run is queries_rdflib:
                measured = self.measure_queries(engine, prepared)
            else:
                measured = self.measure(job.name, engine, (prepared,), prepared.size)
            results.append((engine, measured))
            row = self.row(prepared.size, quads, job.name, engine, measured)
            if engine.baseline:
                reference = results[0][1]
                if job is QUERIES:
                    compare_queries(row, reference, measured)
                else:
                    compare(row, job.compare, reference, measured)
                    row["note"] += "".join(also_against(other, ours, measured)
                                           for other, ours in results[1:] if not other.baseline)
            self.add(row)
        if job is QUERIES:
            for engine, measured in results:
                self.add_query_rows(prepared.size, quads, engine, measured)

    def measure_queries(self, engine: Engine, prepared: Prepared) -> Measured:
        """rdflib's run of the library: each query under a share of the baseline limit (see
        :data:`QUERY_SHARE`), and queries given up at a smaller size left out."""
        from govatlas.queries.library import load_library

        names = list(load_library())
        per_query = Limits(self.settings.baseline_limit / QUERY_SHARE, self.settings.memory_mb)
        skip = {name: why for name in names
                if (why := self.why_not((f"query: {name}", engine.name), prepared.size,
                                        per_query.seconds))}
        limits = Limits(per_query.seconds * len(names) + SETUP_LIMIT, self.settings.memory_mb)
        measured = run_in_child(engine.run, (prepared, per_query, skip), limits)
        for name in names:
            if name in measured.outcome.parts:
                self.finished[(f"query: {name}", engine.name)] = (
                    prepared.size, measured.outcome.parts[name])
            elif measured.outcome.failed.get(name, "").startswith("stopped"):
                self.given_up[(f"query: {name}", engine.name)] = \
                    f"not run: stopped at {prepared.size:,} triples"
        return measured

    def row(self, size: int, quads: int, job: str, engine: Engine,
            measured: Measured) -> dict[str, Any]:
        return {"size_triples": size, "store_quads": quads, "job": job, "engine": engine.name,
                "seconds": rounded(measured.seconds), "peak_mb": rounded(measured.peak_mb, 1),
                "baseline": engine.baseline, "ratio": None, "same_results": None,
                "note": note(measured), "stopped": measured.stopped}

    def add_query_rows(self, size: int, quads: int, engine: Engine, measured: Measured) -> None:
        """One row per library query, after the library's own rows (not printed)."""
        outcome = measured.outcome
        for name in sorted(set(outcome.parts) | set(outcome.failed)):
            seconds = outcome.parts.get(name)
            self.rows.append({
                **self.row(size, quads, f"query: {name}", engine, Measured(seconds=seconds)),
                "note": outcome.failed.get(name, f"{outcome.compare.get(name, 0):,} rows"),
                "stopped": outcome.failed.get(name, "").startswith("stopped")})

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] is not None else ""
        seconds = "" if row["seconds"] is None else f"{row['seconds']:.2f} s"
        if row["stopped"]:
            seconds = f">{row['seconds'] or 0:.0f} s"
        peak = "" if row["peak_mb"] is None else f"{row['peak_mb']:.0f}"
        print(f"{row['size_triples']:>9,}  {row['job']:<24} {row['engine']:<32} {seconds:>9} "
              f"{peak:>8} {ratio:>7}  {row['note']}", flush=True)

    # --- the map ---
    def run_map(self) -> None:
        """Build the map of a 5,000-actor country, then draw it as govatlas opens it (the
        overview) and flat (every actor on pyvis's network page)."""
        prepared = Prepared.of_actors(self.work / "map", MAP_ACTORS)
        quads = self.prepare(prepared, complete=False)
        if quads is None:
            return
        clustered, flat = self.work / "map-clustered.html", self.work / "map-flat.html"
        build = Engine(GOVATLAS + " build_map", map_build)
        measured = self.measure(MAP_JOB, build, (prepared, False, clustered, flat), quads)
        self.add(self.row(quads, quads, MAP_JOB, build, measured))
        if self.settings.map_gaps:
            with_gaps = Engine(GOVATLAS + " build_map, gaps drawn", map_build)
            self.add(self.row(quads, quads, MAP_JOB, with_gaps, self.measure(
                MAP_JOB, with_gaps, (prepared, True, self.work / "map-gaps.html"), quads)))
        missing = browser_missing()
        draws = (Engine(GOVATLAS + " draw (as opened: overview)", map_draw),
                 Engine("draw flat (pyvis, every actor)", map_draw, baseline=True))
        reference = Measured()
        for engine, html in zip(draws, (clustered, flat), strict=True):
            if missing:
                result = Measured(skipped=f"skipped: {missing}")
            elif not measured.completed:
                result = Measured(skipped="skipped: the map was not built")
            else:
                # under govatlas's limit: the flat draw is a reference, not one to give up on
                limits = Limits(self.settings.limit, self.settings.memory_mb)
                result = self.measure(MAP_JOB, engine, (html,), quads, limits)
                result.peak_mb = None  # the browser's memory is in its own processes
            row = self.row(quads, quads, MAP_JOB, engine, result)
            if engine.baseline:
                compare(row, None, reference, result)
            else:
                reference = result
            self.add(row)


def compare(row: dict[str, Any], how: str | None, reference: Measured,
            baseline: Measured) -> None:
    """Fill a baseline row's ratio to the govatlas run and, for ``how`` = "same" (the sets of
    finding keys) or "overlap" (the top 20 actors), how their results compare."""
    if reference.completed and reference.seconds:
        if baseline.completed and baseline.seconds is not None:
            row["ratio"] = rounded(baseline.seconds / reference.seconds, 2)
        elif baseline.stopped and baseline.seconds:
            row["note"] += f" (at least {baseline.seconds / reference.seconds:,.0f}x slower)"
    if not (reference.completed and baseline.completed):
        return
    ours, theirs = reference.outcome.compare, baseline.outcome.compare
    if how == "same":
        row["same_results"] = ours == theirs
        row["note"] += (f"; same results: {'yes' if ours == theirs else 'NO'} "
                        f"({len(ours):,} vs {len(theirs):,} distinct findings)")
    elif how == "overlap":
        common = len(set(ours) & set(theirs))
        row["note"] += f"; top {len(theirs)} by betweenness: {common} in common"


def also_against(engine: Engine, ours: Measured, baseline: Measured) -> str:
    """The baseline's ratio to a second govatlas figure of the same job (the centrality part
    of the analysis), for the note: the ratio column is against the first."""
    if not (ours.completed and ours.seconds and baseline.completed and baseline.seconds):
        return ""
    return f"; {baseline.seconds / ours.seconds:,.1f}x {engine.name}"


def compare_queries(row: dict[str, Any], reference: Measured, baseline: Measured) -> None:
    """The library's ratio and row counts, over the queries both engines finished; the row's
    seconds become rdflib's time on those queries."""
    ours, theirs = reference.outcome, baseline.outcome
    common = sorted(set(ours.parts) & set(theirs.parts))
    if not (reference.completed and common):
        return
    mine = sum(ours.parts[name] for name in common)
    other = sum(theirs.parts[name] for name in common)
    differ = [name for name in common if ours.compare[name] != theirs.compare[name]]
    given_up = Counter(why.split(":")[0].split(" after")[0] for why in theirs.failed.values())
    row["seconds"] = rounded(other)
    row["ratio"] = rounded(other / max(mine, 1e-6), 2)
    row["same_results"] = not differ
    counts = "same row counts" if not differ else "row counts differ: " + ", ".join(
        f"{name} {ours.compare[name]} vs {theirs.compare[name]}" for name in differ)
    row["note"] = (f"{len(common)} of {len(ours.parts) + len(ours.failed)} queries finished "
                   f"by both (govatlas {mine:.2f} s, rdflib {other:.2f} s); {counts}"
                   + "".join(f"; {n} {why}" for why, n in sorted(given_up.items())))
