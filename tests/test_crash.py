"""A load killed at any moment never leaves a store that answers with new data and stale
derived facts: reads refuse it and say how to repair it, and after the repair the store shows
the old state or the complete new one, with the gaps of a clean load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOVATLAS = [sys.executable, "-m", "govatlas"]


def govatlas(store: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*GOVATLAS, "--store", str(store), *args], capture_output=True,
                          text=True, check=False)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def gap_keys(store: Path) -> list[tuple[str, str, str]]:
    findings = json.loads(govatlas(store, "gaps", "--format", "json").stdout)["findings"]
    return sorted((f["shape"], f["focus"], f.get("value") or "") for f in findings)


@pytest.fixture(scope="module")
def country(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate, write

    return write(generate(4000), tmp_path_factory.mktemp("crash") / "country")


@pytest.fixture(scope="module")
def states(tmp_path_factory, country: Path) -> dict[str, list]:
    """The gaps of the store before the load (bundled data) and after a clean load."""
    before = tmp_path_factory.mktemp("before") / "store"
    govatlas(before, "build")
    after = tmp_path_factory.mktemp("after") / "store"
    govatlas(after, "build")
    govatlas(after, "load", str(country))
    return {"old": gap_keys(before), "new": gap_keys(after)}


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0, 6.0])
def test_a_killed_load_reads_as_the_old_or_the_new_state(tmp_path: Path, country: Path,
                                                         states, delay: float) -> None:
    store = tmp_path / "store"
    govatlas(store, "build")
    load = subprocess.Popen([*GOVATLAS, "--store", str(store), "load", str(country)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    finished = load.poll() is not None
    if not finished:
        os.kill(load.pid, signal.SIGKILL)
    load.wait()

    read = govatlas(store, "stats", check=False)
    if read.returncode != 0:  # killed mid-write: refused, with the way out
        assert read.returncode == 3 and "govatlas repair" in read.stderr
        assert "Repaired" in govatlas(store, "repair").stderr
    gaps = gap_keys(store)
    assert gaps in (states["old"], states["new"]), f"killed after {delay} s"

    started = time.monotonic()
    govatlas(store, "stats")
    assert time.monotonic() - started < 30  # no log left to replay on every read


@pytest.mark.parametrize("delay", [1.0, 5.0])
def test_a_killed_reload_is_finished_by_the_repair(tmp_path: Path, country: Path, states,
                                                   delay: float) -> None:
    """A reload drops the dataset's graph before it bulk-loads the checked file: a kill in
    between leaves the file named in the marker, and the repair finishes the reload from it
    (the old content is gone, and it equals the new one here)."""
    store = tmp_path / "store"
    govatlas(store, "build")
    govatlas(store, "load", str(country))
    reload = subprocess.Popen([*GOVATLAS, "--store", str(store), "load", str(country)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if reload.poll() is None:
        os.kill(reload.pid, signal.SIGKILL)
    reload.wait()
    read = govatlas(store, "stats", check=False)
    if read.returncode != 0:
        assert read.returncode == 3 and "govatlas repair" in read.stderr
        assert "Repaired" in govatlas(store, "repair").stderr
    assert gap_keys(store) == states["new"], f"killed after {delay} s"
    assert not store.with_name(store.name + ".incoming").exists()
