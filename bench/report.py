"""The report: RESULTS.md and results.json from the rows of a run, with the machine and the
versions the figures depend on."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from bench.harness import GOVATLAS, HERE, ROOT, Job, total_memory_mb
from bench.jobs.load import LOAD_CSV, LOAD_TURTLE
from bench.jobs.map import CHROMIUM, MAP_JOB
from bench.jobs.queries import QUERIES
from bench.jobs.validation import GAPS, QUALITY
from bench.plan import JOBS, ROW_FIELDS, Settings

VERSIONS = ("pyoxigraph", "rdflib", "oxrdflib", "pyshacl", "pyshacl-turbo", "igraph",
            "networkx", "playwright")


def machine() -> dict[str, str]:
    """The machine and the versions the figures depend on."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    info = {"CPU": cpu, "cores": str(os.cpu_count()),
            "RAM": f"{total_memory_mb() / 1024:.1f} GiB", "OS": os_name,
            "Python": platform.python_version()}
    for package in VERSIONS:
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    if CHROMIUM.exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            info["Chromium"] = subprocess.run([str(CHROMIUM), "--version"], capture_output=True,
                                              text=True, timeout=20).stdout.strip()
    return info


def _seconds_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    if row["stopped"] and row["seconds"]:
        return f"> {row['seconds']:.0f} (stopped)"
    if row["seconds"] is None:  # the note says why: "stopped after 3 s", "not run", "failed"
        return row["note"].split(":")[0].split(";")[0]
    return f"{row['seconds']:.3f}" if row["seconds"] < 10 else f"{row['seconds']:.1f}"


def _cell(value: Any, fmt: str = "{}") -> str:
    return "" if value is None else fmt.format(value)


def _same(row: dict[str, Any]) -> str:
    return {True: "yes", False: "**no**", None: ""}[row["same_results"]]


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


class Report:
    """RESULTS.md from the rows."""

    def __init__(self, rows: list[dict[str, Any]], settings: Settings,
                 info: dict[str, str], total_seconds: float) -> None:
        self.rows = rows
        self.settings = settings
        self.info = info
        self.total = total_seconds
        self.quads = {row["size_triples"]: row["store_quads"] for row in rows}

    def find(self, size: int, job: str, engine: str) -> dict[str, Any] | None:
        return next((row for row in self.rows if row["size_triples"] == size
                     and row["job"] == job and row["engine"] == engine), None)

    def markdown(self) -> str:
        s = self.settings
        lines = ["# govatlas benchmarks", "",
                 f"Measured {datetime.date.today().isoformat()} with `{s.command}` "
                 f"({self.total / 60:.1f} minutes in all).", "",
                 "| machine | |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in self.info.items()]
        lines += ["", "Each figure is the wall time of one engine in its own child process "
                  "(reading its input not counted), next to the baseline it replaces, measured "
                  "in the same run on the same synthetic country (`bench/generate.py`, with "
                  "its data-quality defects). *Added peak MB* is the child's peak resident "
                  "memory above what it started with, so it includes the data the engine "
                  "holds. *Ratio* = baseline time / govatlas time. Baselines are limited to "
                  f"{s.baseline_limit:g} s and {s.memory_mb / 1024:.1f} GB; one stopped at a "
                  "size is not run at larger ones. *Triples* is the size asked of the "
                  "generator; the store holds the quads shown (ontology and derived graph "
                  "included). See the docstring of `bench/run.py` for the details.", ""]
        for job in JOBS:
            lines += self.job_table(job)
        lines += self.query_table() + self.growth_table() + self.map_table()
        lines += self.targets()
        return "\n".join(lines) + "\n"

    def job_table(self, job: Job) -> list[str]:
        lines = [f"## {job.name}", "", job.description, "",
                 "| triples | store quads | engine | seconds | added peak MB | ratio | same "
                 "results | note |", "|--:|--:|---|--:|--:|--:|---|---|"]
        for size in self.settings.sizes:
            for engine in job.engines:
                row = self.find(size, job.name, engine.name)
                if row is None:
                    continue
                name = f"{engine.name} (baseline)" if engine.baseline else f"**{engine.name}**"
                lines.append(f"| {size:,} | {row['store_quads']:,} | {name} | "
                             f"{_seconds_cell(row)} | {_cell(row['peak_mb'], '{:,.0f}')} | "
                             f"{_cell(row['ratio'], '{:,.1f}x')} | {_same(row)} | "
                             f"{_escape(row['note'])} |")
        return [*lines, ""]

    def query_table(self) -> list[str]:
        names = sorted({row["job"][len("query: "):] for row in self.rows
                        if row["job"].startswith("query: ")})
        if not names:
            return []
        head = "| query | " + " | ".join(f"govatlas {size:,} | rdflib {size:,}"
                                          for size in self.settings.sizes) + " |"
        lines = ["### Each library query (seconds)", "", head,
                 "|---|" + "--:|--:|" * len(self.settings.sizes)]
        for name in names:
            cells = []
            for size in self.settings.sizes:
                for engine in QUERIES.engines:
                    cells.append(_seconds_cell(self.find(size, f"query: {name}", engine.name)))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return [*lines, ""]

    def growth_table(self) -> list[str]:
        sizes = sorted(set(self.settings.sizes) | set(self.settings.growth))
        lines = ["## pySHACL growth curve on the gap shapes", "",
                 "Gap validation at small sizes too, to show how pySHACL's time grows where it "
                 "cannot finish at the sizes above.", "",
                 "| triples | store quads | " + " | ".join(e.name for e in GAPS.engines)
                 + " | same findings |", "|--:|--:|" + "--:|" * len(GAPS.engines) + "---|"]
        for size in sizes:
            rows = [self.find(size, GAPS.name, engine.name) for engine in GAPS.engines]
            if rows[0] is None:
                continue
            same = ", ".join(f"{_same(row)} ({row['engine'].split('(')[-1].rstrip(')')})"
                             for row in rows[1:] if row and row["same_results"] is not None)
            lines.append(f"| {size:,} | {rows[0]['store_quads']:,} | "
                         + " | ".join(_seconds_cell(row) for row in rows) + f" | {same} |")
        return [*lines, ""]

    def map_table(self) -> list[str]:
        rows = [row for row in self.rows if row["job"] == MAP_JOB]
        if not rows:
            return []
        lines = [f"## {MAP_JOB}", "",
                 "`build_map` of a 5,000-actor country (without gaps, and in the full run also "
                 "with its gaps drawn), then the time until headless Chromium (Playwright, "
                 "network blocked) has drawn it: the page's `performance.now()` at its first "
                 "finished frame. govatlas opens a map of more than a few hundred actors as "
                 "the overview (groups by place and level, sigma.js, drilled into on click); "
                 "the baseline is pyvis's vis-network page with every actor drawn flat (pyvis's "
                 "own default page loads vis-network from a CDN, and this run is offline).", "",
                 "| store quads | step | seconds | added peak MB | ratio | note |",
                 "|--:|---|--:|--:|--:|---|"]
        for row in rows:
            lines.append(f"| {row['store_quads']:,} | {row['engine']} | {_seconds_cell(row)} | "
                         f"{_cell(row['peak_mb'], '{:,.0f}')} | "
                         f"{_cell(row['ratio'], '{:,.1f}x')} | {_escape(row['note'])} |")
        return [*lines, ""]

    # --- targets ---
    def targets(self) -> list[str]:
        """Each target with its figure and whether it is met; a target set at 1M triples is
        judged at the largest size run, and says so when that is smaller."""
        largest = max(self.settings.sizes)
        scaled = "" if largest >= 1_000_000 else f" at {largest:,} (1M not run)"
        inside = self.settings.out.resolve().is_relative_to(ROOT)
        analysis = os.path.relpath(HERE / "analysis.py", self.settings.out) if inside \
            else HERE / "analysis.py"
        load = self.find(largest, LOAD_CSV.name, GOVATLAS)
        turtle = self.find(largest, LOAD_TURTLE.name, GOVATLAS)
        slowest = self.slowest_query(largest)
        draw = self.find(self.map_quads(), MAP_JOB, GOVATLAS + " draw (as opened: overview)")
        rows = [
            ("load 1M triples of Turtle < 10 s",
             *self.judge(turtle and turtle["seconds"], 10), scaled),
            ("load 1M triples of CSV templates < 10 s (checks, conversion, derived graph)",
             *self.judge(load and load["seconds"], 10), scaled),
            ("data-quality + gap validation of 1M triples < 60 s, same results as pySHACL",
             *self.validation(largest), scaled),
            ("every library query < 1 s at 1M triples",
             *self.judge(slowest and slowest[1], 1,
                         f" (slowest: {slowest[0]})" if slowest else ""), scaled),
            ("5,000-actor map drawn < 5 s",
             *self.judge(draw and draw["seconds"], 5, "" if draw is None
                         or draw["seconds"] is not None else f" ({draw['note']})"), ""),
            ("analysis of 100,000 actors < 60 s",
             f"measured by [bench/analysis.py]({analysis})", "see its output", "")]
        lines = ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
        lines += [f"| {target} | {measured} | {status}{where if status else ''} |"
                  for target, measured, status, where in rows]
        return [*lines, ""]

    def map_quads(self) -> int:
        return next((row["size_triples"] for row in self.rows if row["job"] == MAP_JOB), 0)

    def slowest_query(self, size: int) -> tuple[str, float] | None:
        timed = [(row["job"][len("query: "):], row["seconds"]) for row in self.rows
                 if row["size_triples"] == size and row["job"].startswith("query: ")
                 and row["engine"] == GOVATLAS and row["seconds"] is not None]
        return max(timed, key=lambda item: item[1]) if timed else None

    def validation(self, size: int) -> tuple[str, str]:
        quality = self.find(size, QUALITY.name, GOVATLAS)
        gaps = self.find(size, GAPS.name, GOVATLAS)
        if not (quality and gaps) or quality["seconds"] is None or gaps["seconds"] is None:
            return "not measured", ""
        total = quality["seconds"] + gaps["seconds"]
        checks = [self.checked(job) for job in (QUALITY, GAPS)]
        differ = any(same is False for same, _ in checks)
        status = ("missed: results differ" if differ else "met" if total < 60
                  else f"missed by {total - 60:.1f} s")
        return (f"{quality['seconds']:.2f} + {gaps['seconds']:.2f} = {total:.2f} s; "
                f"{'; '.join(text for _, text in checks)}", status)

    def checked(self, job: Job) -> tuple[bool | None, str]:
        """Whether govatlas's findings equal pySHACL's wherever pySHACL finished, and where."""
        rows = [row for row in self.rows if row["job"] == job.name and row["baseline"]
                and row["same_results"] is not None]
        if not rows:
            return None, f"{job.name}: not compared (pySHACL finished at no size)"
        differ = [row for row in rows if row["same_results"] is False]
        if differ:
            return False, (f"{job.name}: **different** from {differ[0]['engine']} at "
                           f"{differ[0]['size_triples']:,}")
        largest = max(row["size_triples"] for row in rows)
        return True, f"{job.name}: same findings as pySHACL up to {largest:,} triples"

    @staticmethod
    def judge(seconds: float | None, limit: float, extra: str = "") -> tuple[str, str]:
        if seconds is None:
            return f"not measured{extra}", ""
        status = "met" if seconds < limit else f"missed by {seconds - limit:.2f} s"
        return f"{seconds:.3f} s{extra}", status


def write_results(rows: list[dict[str, Any]], settings: Settings, info: dict[str, str],
                  total: float) -> None:
    settings.out.mkdir(parents=True, exist_ok=True)
    public = [{key: row[key] for key in ROW_FIELDS} for row in rows]
    (settings.out / "results.json").write_text(json.dumps(public, indent=1) + "\n",
                                               encoding="utf-8")
    (settings.out / "RESULTS.md").write_text(
        Report(public, settings, info, total).markdown(), encoding="utf-8")
