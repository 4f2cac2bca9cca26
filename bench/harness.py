"""The benchmark's harness: each engine's run in a child process of its own, under a time and
a memory limit, and what it reports back.

How it is measured. Each engine's run is its own child process, forked from a parent that holds
the imported libraries and no data: the child reads the data it needs from files written once
per size (:mod:`bench.jobs.data`), so what it holds is the job's own. *Seconds* are wall-clock
seconds of the measured part only (``with clock:`` in a job; reading the input is setup and
not counted). *Added peak MB* is the child's peak resident memory
(``getrusage(RUSAGE_SELF).ru_maxrss``) minus its resident memory when it started. A run that
is stopped reports nothing, so its peak is the parent's 0.1-s samples of its resident memory.
No run can hang: a child that passes its time limit, or the memory limit, is killed with its
process group and recorded as stopped.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Reading a job's input (setup) is not timed, but it must end too.
SETUP_LIMIT = 900.0

GOVATLAS = "govatlas"


# --- what a child process reports ----------------------------------------------------------------

@dataclass
class Outcome:
    """What a job returns from its child: a note, and what the other engines' results are
    compared with (validation keys, query row counts, top-ranked actors)."""

    note: str = ""
    compare: Any = None
    #: seconds of each part (one per library query), and why a part has none
    parts: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    #: the job's own measure of its time, when the wall clock is not it (the browser's)
    seconds: float | None = None


class Clock:
    """Handed to a job in its child process: ``with clock:`` marks the measured part, and
    tells the parent when it starts, so the time limit applies to that part only."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.seconds = 0.0
        self.peak_mb = 0.0
        self._start = 0.0

    def __enter__(self) -> Clock:
        self.connection.send(("start",))
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def progress(self, outcome: Outcome) -> None:
        """What is done so far: kept by the parent in case the job is stopped."""
        self.connection.send(("progress", outcome))


@dataclass
class Measured:
    """One engine's run as the parent saw it."""

    seconds: float | None = None
    peak_mb: float | None = None
    outcome: Outcome = field(default_factory=Outcome)
    stopped: bool = False
    error: str = ""
    skipped: str = ""

    @property
    def completed(self) -> bool:
        return not (self.stopped or self.error or self.skipped) and self.seconds is not None


# --- running a job in a child process ------------------------------------------------------------

def _rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now, in MB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(connection: Any, job: Callable[..., Outcome], args: tuple, new_group: bool) -> None:
    """The child's whole life: its own process group (so it can be killed with whatever it
    starts, Chromium included), the job, and one message with the result."""
    if new_group:
        os.setpgid(0, 0)
    start_mb = _rss_mb()
    clock = Clock(connection)
    try:
        outcome = job(clock, *args)
        seconds = outcome.seconds if outcome.seconds is not None else clock.seconds
        connection.send(("done", seconds, max(0.0, clock.peak_mb - start_mb), outcome))
    except BaseException as error:  # reported, never raised into multiprocessing's handler
        connection.send(("error", f"{type(error).__name__}: {error}".strip()[:500]))
    finally:
        connection.close()


def _kill(process: Any) -> None:
    """Kill the child and its process group (only processes this run started)."""
    if process.pid is None or process.exitcode is not None:
        return
    try:
        if os.getpgid(process.pid) != process.pid:
            raise ProcessLookupError  # a child in its parent's group: kill it alone
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_mb: float


def run_in_child(job: Callable[..., Outcome], args: tuple, limits: Limits,
                 new_group: bool = True) -> Measured:
    """Run ``job(clock, *args)`` in a forked child under ``limits``; never raises, never hangs.

    A child started by a child (one rdflib query) stays in its parent's process group, so
    that stopping the parent stops it too.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, job, args, new_group))
    process.start()
    sender.close()
    if new_group:
        with contextlib.suppress(OSError):  # also from here: the child may not have yet
            os.setpgid(process.pid, process.pid)
    try:
        return _watch(process, receiver, limits)
    finally:
        _kill(process)
        process.join()
        receiver.close()


def _watch(process: Any, receiver: Any, limits: Limits) -> Measured:
    """Wait for the child's result, stopping it at the limits. A stopped child reports no peak,
    so its peak is sampled from here every 0.1 s (above its first sample, just after fork)."""
    launched = time.monotonic()
    started: float | None = None
    partial = Outcome()
    first_mb = peak_mb = _rss_mb(process.pid)
    while True:
        if receiver.poll(0.1):
            try:
                message = receiver.recv()
            except EOFError:
                process.join(5)
                return Measured(outcome=partial, error=f"the child process died (exit code "
                                f"{process.exitcode}; killed by the system for memory?)")
            if message[0] == "start":
                started = time.monotonic()
            elif message[0] == "progress":
                partial = message[1]
            elif message[0] == "done":
                return Measured(seconds=message[1], peak_mb=message[2], outcome=message[3])
            else:
                return Measured(outcome=partial, error=message[1])
        now = time.monotonic()
        rss_mb = _rss_mb(process.pid)
        peak_mb = max(peak_mb, rss_mb)
        if started is None and now - launched > SETUP_LIMIT:
            reason = f"reading the input took more than {SETUP_LIMIT:g} s"
        elif started is not None and now - started > limits.seconds:
            reason = "time limit"
        elif rss_mb > limits.memory_mb:
            reason = f"memory over {limits.memory_mb / 1024:.1f} GB"
        else:
            continue
        _kill(process)
        return Measured(seconds=now - started if started is not None else None,
                        peak_mb=peak_mb - first_mb, outcome=partial, stopped=True, error=reason)


# --- what the plan is made of --------------------------------------------------------------------

@dataclass(frozen=True)
class Engine:
    name: str
    run: Callable[..., Outcome]
    baseline: bool = False


@dataclass(frozen=True)
class Job:
    name: str
    engines: tuple[Engine, ...]
    #: how results are compared with the first engine's: "same" (equal), "overlap" (top 20)
    compare: str | None = None
    #: what each engine runs, for the report
    description: str = ""


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def note(measured: Measured) -> str:
    if measured.skipped:
        return measured.skipped
    if measured.stopped:
        why = measured.error or "time limit"
        done = f"; {measured.outcome.note}" if measured.outcome.note else ""
        return f"stopped after {measured.seconds or 0:.0f} s ({why}){done}"
    if measured.error:
        return f"failed: {measured.error}"
    return measured.outcome.note


def total_memory_mb() -> float:
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024
    return 8 * 1024.0
