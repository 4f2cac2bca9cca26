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


def kill_when(process: subprocess.Popen, ready, timeout: float = 300) -> bool:
    """SIGKILL ``process`` as soon as ``ready()`` holds; False if it ended first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.01)
    process.wait()
    return False


def leftovers(store: Path) -> list[str]:
    """What is beside the store but the findings computed from it (store.computed), which
    every write removes first: the gap checks of these tests read them."""
    kept = {store.name, store.name + ".computed"}
    return sorted(path.name for path in store.parent.iterdir() if path.name not in kept)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, country: Path) -> Path:
    """A store holding the bundled data and the country (the reloads below start from it)."""
    store = tmp_path_factory.mktemp("loaded") / "store"
    govatlas(store, "build")
    govatlas(store, "load", str(country))
    return store


def copy_of(store: Path, where: Path) -> Path:
    import shutil

    target = where / "store"
    shutil.copytree(store, target)
    return target


@pytest.mark.parametrize("point", ["converting", "building"])
def test_a_reload_killed_before_its_swap_reads_as_the_old_state(
        tmp_path: Path, country: Path, states, loaded: Path, point: str) -> None:
    """A reload builds a fresh store beside the old one and swaps it in: killed while it
    converts the rows or builds the new store, the old one is untouched and complete, so
    reads go on with no repair, and the next writable open discards what was left."""
    store = copy_of(loaded, tmp_path)
    fresh = store.with_name("store.next")
    reload = subprocess.Popen([*GOVATLAS, "--store", str(store), "load", str(country)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spool = store.with_name("store.incoming")
    ready = ((lambda: spool.is_dir() and any(spool.iterdir())) if point == "converting"
             else (lambda: fresh.is_dir() and any(fresh.iterdir())))
    assert kill_when(reload, ready), "the reload ended before the kill point"

    started = time.monotonic()
    read = govatlas(store, "stats")  # no repair needed
    assert time.monotonic() - started < 30
    assert "country" in read.stdout
    assert gap_keys(store) == states["new"]  # the old state, which is the country too
    repaired = govatlas(store, "repair").stderr
    assert ("Repaired" in repaired) == (point == "building"), repaired
    assert leftovers(store) == []
    assert gap_keys(store) == states["new"]


@pytest.mark.parametrize("moment", ["before-renames", "between-renames", "after-renames"])
def test_a_reload_killed_during_its_swap_is_finished(tmp_path: Path, states, loaded: Path,
                                                     moment: str) -> None:
    """Killed while it swaps the complete new store in (two renames, then the old one
    removed), reads refuse the store until a repair (or any writable open) finishes the
    swap; the store then holds the new state. The three states a kill can leave are made
    here from real stores: the old one holds the bundled data only, the new one the
    country too."""
    import shutil

    store = tmp_path / "store"
    govatlas(store, "build")  # the old state
    fresh, old = store.with_name("store.next"), store.with_name("store.old")
    shutil.copytree(loaded, fresh)  # the new state, complete
    if moment in ("between-renames", "after-renames"):
        os.rename(store, old)
    if moment == "after-renames":
        os.rename(fresh, store)
    store.with_name("store.pending").write_text(json.dumps({
        "what": "the load of the country",
        "rebuild": {"phase": "swapping", "next": str(fresh), "old": str(old)}}))

    read = govatlas(store, "stats", check=False)
    assert read.returncode == 3 and "govatlas repair" in read.stderr, read.stderr
    assert "Repaired: the load of the country" in govatlas(store, "repair").stderr
    assert leftovers(store) == []
    assert gap_keys(store) == states["new"]


@pytest.mark.parametrize("delay", [1.0, 5.0])
def test_a_killed_reload_reads_as_the_old_or_the_new_state(tmp_path: Path, country: Path,
                                                          states, loaded: Path,
                                                          delay: float) -> None:
    """Killed at any moment, a reload leaves the old state or the complete new one (here
    both are the country), after a repair where reads ask for one, and nothing beside the
    store once it is opened for writing."""
    store = copy_of(loaded, tmp_path)
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
    govatlas(store, "repair")
    assert leftovers(store) == []


def test_a_build_over_a_large_store_is_swapped_in_whole(tmp_path: Path, states,
                                                       loaded: Path) -> None:
    """A build over a store holding a large graph is made beside it and swapped in: one
    refused for a bad dataset leaves the old store as it was, one that succeeds replaces
    it whole, and neither leaves anything beside the store."""
    store = copy_of(loaded, tmp_path)
    bad = tmp_path.parent / f"{tmp_path.name}-bad"  # not beside the store: nothing may be
    bad.mkdir()
    (bad / "actors.csv").write_text("id,label\nxx-a,A\n", encoding="utf-8")
    refused = govatlas(store, "build", "--data", str(bad), check=False)
    assert refused.returncode == 1 and "required column is missing" in refused.stderr
    assert leftovers(store) == []
    assert gap_keys(store) == states["new"]
    govatlas(store, "build")
    assert leftovers(store) == []
    assert gap_keys(store) == states["old"]
