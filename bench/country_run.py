"""Every command on a country of real shape, timed as a user runs it (``run.py --country``).

A country generated with the real proportions of France (``generate.py --preset france``, or
``--municipalities N`` for a smaller one) is built into an on-disk store, then each command of
the issue's table runs from the command line in its own process: its wall time and peak memory
(the process's own maximum resident size, from ``wait4``) are printed beside the target and the
figure measured on the code before the store was read in place and the derived graph made
linear (the "before" column, from the issue that set the targets, same machine).
:func:`findings_not_kept` runs `gaps --country` once more with the findings the build kept
removed: what every read command paid for them before they were kept
(graph/validation/kept.py), beside the figure with them, in the same run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.country_read import country_code
from bench.country_read import timed as timed_command

#: command -> (target seconds, target peak GB or None, figure before: seconds, GB)
TARGETS: dict[str, tuple[float, float | None, str]] = {
    "build": (20, 2.0, "86 s, 2.6 GB"),
    "reload": (20, 2.0, "393 s, 12 GB (2.5M triples)"),
    "validate": (30, 2.0, "198 s, 8.3 GB"),
    "gaps --country": (10, None, "98 s, 1.4 GB"),
    "analyze --country": (20, None, "129 s, 1.8 GB"),
    "map --country": (10, None, "113 s, 1.7 GB"),
    "query competence-matrix": (1, None, "24-68 s, 1.4-1.7 GB"),
    "query level-holding-competence": (1, None, "24-68 s, 1.4-1.7 GB"),
    "export graphml": (15, None, "32 s, 0.8 GB"),
    "report": (120, None, "over 15 minutes"),
}


@dataclass
class Run:
    name: str
    seconds: float
    peak_gb: float
    code: int


def timed(name: str, command: list[str], limit: float) -> Run:
    """Run ``command``, stopped at ``limit`` seconds, as :func:`bench.country_read.timed` does
    (its own process group, reaped with ``wait4`` for its own peak memory)."""
    run = timed_command(command, limit)
    return Run(name, run.seconds, run.peak_gb, run.code)


def country_table(work: Path, municipalities: int | None = None, limit: float = 900) -> str:
    """Generate the country, run every command on it, and return the table (Markdown)."""
    here = Path(__file__).resolve().parent
    folder, store = work / "country", work / "store"
    size = ["--municipalities", str(municipalities)] if municipalities else ["--preset",
                                                                             "france"]
    if not (folder / "actors.csv").exists():
        subprocess.run([sys.executable, str(here / "generate.py"), *size, "--out", str(folder)],
                       check=True)
    code = country_code(folder)
    cli = [sys.executable, "-m", "govatlas", "--store", str(store)]
    commands = {
        "build": [*cli, "build", "--data", str(folder)],
        # the same folder loaded again: a reload must cost no more than the first load
        "reload": [*cli, "load", str(folder)],
        "validate": [sys.executable, "-m", "govatlas", "validate", str(folder), "-o",
                     str(work / "validate.txt")],
        "gaps --country": [*cli, "gaps", "--country", code, "-o", str(work / "gaps.txt")],
        "analyze --country": [*cli, "analyze", "--country", code],
        "map --country": [*cli, "map", "--country", code, "-o", str(work / "map.html")],
        "query competence-matrix": [*cli, "query", "competence-matrix", "--format", "csv"],
        "query level-holding-competence": [*cli, "query", "level-holding-competence",
                                           "--format", "csv"],
        "export graphml": [*cli, "export", "graphml", str(work / "country.graphml")],
        "report": [*cli, "report", "-o", str(work / "atlas")],
    }
    lines = ["| command | wall time | peak memory | target | before |", "|---|--:|--:|---|---|"]
    for name, command in commands.items():
        run = timed(name, command, limit)
        seconds, gb, before = TARGETS[name]
        target = f"< {seconds:g} s" + (f", < {gb:g} GB" if gb else "")
        outcome = (f"{run.seconds:.1f} s" if run.code == 0 else
                   f"stopped at {limit:g} s" if run.code == -9 else f"failed ({run.code})")
        lines.append(f"| `{name}` | {outcome} | {run.peak_gb:.2f} GB | {target} | {before} |")
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def findings_not_kept(work: Path, limit: float = 900) -> str:
    """`gaps --country` on the store :func:`country_table` built, with and without the gap
    findings the build kept beside it (a Markdown table). Run last: it removes them."""
    store, code = work / "store", country_code(work / "country")
    command = [sys.executable, "-m", "govatlas", "--store", str(store), "gaps", "--country",
               code, "-o", str(work / "gaps.txt")]
    lines = ["| `gaps --country` | wall time | peak memory |", "|---|--:|--:|"]
    for label in ("findings kept by the build", "findings not kept: the shapes run"):
        if label.startswith("findings not"):
            shutil.rmtree(store.with_name(store.name + ".computed"), ignore_errors=True)
        run = timed(label, command, limit)
        lines.append(f"| {label} | {run.seconds:.1f} s | {run.peak_gb:.2f} GB |")
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"

