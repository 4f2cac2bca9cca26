"""`govatlas validate NEW --against-store`: new data checked within the stored graph, the gaps
it opens and closes shown as such, and the store left exactly as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.store import GraphStore

from .conftest import write_dataset
from .test_gaps import SRC, make

INFORMATION = "https://w3id.org/govatlas/shapes#InformationGap"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def extra(folder: Path) -> Path:
    """A second dataset that names the stored State and City without defining them: it adds a
    village no one links to (an administrative gap it opens) and the State's information link
    to the City (which closes the stored information gap)."""
    return write_dataset(
        folder,
        actors="id,label,type,level,country,parent,territory,source,locator\n"
               f"xx-village,Village,municipality,local,FR,,Town,{SRC},15\n",
        competences="holder,competence,level,qualifier,valid_from,valid_until,source,locator\n",
        links="from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator\n"
              f"xx-state,xx-city,informs,,,,{SRC},8\n")


def test_gaps_opened_and_closed_and_the_store_unchanged(tmp_path):
    store = tmp_path / "store"
    base = make(tmp_path / "base", drop=("informs",))
    assert run("--store", str(store), "build", "--data", str(base)).exit_code == 0
    new = extra(tmp_path / "extra")
    alone = run("validate", str(new), "--format", "json")
    assert alone.exit_code == 1 and "no actor has the id 'xx-state'" in alone.output
    before = folder_hash(store)
    opened_store = GraphStore.open(store, read_only=True)
    quads = len(opened_store)
    opened_store.close()

    result = run("validate", str(new), "--against-store", "--store", str(store),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["violation"] == 0  # the stored ids resolve
    # the village makes Town a place of two municipalities with no joint body; the informs
    # link ends the stored information gap; no other gap changes
    assert [(f["change"], f["gap"], f["focus"]) for f in report["findings"]] == [
        ("opened", "administrative", "https://w3id.org/govatlas/territory/town"),
        ("closed", "information", next(f["focus"] for f in report["findings"]
                                       if f["shape"] == INFORMATION))]
    assert "Village" in report["findings"][0]["message"]
    assert "unchanged" in report["inputs"][-1]
    assert {case["change"] for case in report["cases"]} == {"opened", "closed"}

    text = run("validate", str(new), "--against-store", "--store", str(store)).output
    assert "the new data opens " in text and "[closed] " in text and "[opened] " in text
    # the store was only read
    assert folder_hash(store) == before
    reopened = GraphStore.open(store, read_only=True)
    try:
        assert len(reopened) == quads
        assert not [g for g in reopened.graphs() if g.endswith("/extra")]
    finally:
        reopened.close()


def test_a_new_version_of_a_stored_dataset_replaces_it_in_the_check(tmp_path):
    store = tmp_path / "store"
    base = make(tmp_path / "base", drop=("informs",))
    assert run("--store", str(store), "build", "--data", str(base)).exit_code == 0
    fixed = make(tmp_path / "fixed" / "base")  # the same dataset name, the link added
    report = json.loads(run("validate", str(fixed), "--against-store", "--store", str(store),
                            "--format", "json").output)
    # no duplicate-id error against its own stored version, and the one gap is closed
    assert report["counts"]["violation"] == 0, report["findings"]
    assert [(f["change"], f["gap"]) for f in report["findings"]] == [("closed", "information")]


def test_store_option_needs_against_store(tmp_path):
    result = run("validate", str(make(tmp_path / "x")), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2 and "--store is for --against-store" in result.output
