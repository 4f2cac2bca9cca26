"""Names typed on the command line are checked against the store: a wrong one fails loudly,
with the closest names; a country may be named as well as coded."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.views.names import UnknownName, normalize, resolve_name


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("names") / "store")
    assert CliRunner().invoke(main, ["--store", path, "build"]).exit_code == 0
    return path


def run(store: str, *args: str):
    # without the documents' folder: `sources` would check it (the suite also runs with it
    # pointing nowhere, as in a bare clone)
    return CliRunner().invoke(main, ["--store", store, *args],
                              env={"GOVATLAS_DOCUMENTS": None})


def test_names_ignore_case_accents_and_punctuation() -> None:
    assert normalize("Île-de-France") == normalize("ile de FRANCE")


def test_a_country_by_name_gives_what_its_code_gives(store: str) -> None:
    by_name = run(store, "gaps", "--country", "France", "--format", "json")
    by_code = run(store, "gaps", "--country", "FR", "--format", "json")
    assert by_name.exit_code == by_code.exit_code == 0
    assert by_name.stdout == by_code.stdout and '"gap"' in by_code.stdout


@pytest.mark.parametrize(("args", "suggestion"), [
    (("gaps", "--city", "Pariss"), "Paris"),
    (("analyze", "--city", "Lyo"), "Lyon"),
    (("matrix", "--city", "Vienne"), "Vienna"),
    (("gaps", "--country", "Frnace"), "FR"),
    (("sources", "Lyon"), "City of Lyon"),
])
def test_a_wrong_name_exits_2_with_the_closest_names(store: str, args, suggestion) -> None:
    result = run(store, *args)
    assert result.exit_code == 2, result.output
    assert "Did you mean" in result.output and suggestion in result.output


def test_an_ambiguous_name_lists_its_candidates(empty_store, dataset) -> None:
    from govatlas.graph.pipeline import load_dataset

    load_dataset(empty_store, dataset(actors="""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,State of Example,national-government,national,FR,,Exampleville,doc.txt,1
        xx-city,City of Exampleville,municipality,local,FR,,Exampleville,doc.txt,2
        xx-ngo,City of Exampleville,ngo,local,FR,,Exampleville,doc.txt,3
        """))
    with pytest.raises(UnknownName, match="names several actors: City of Exampleville"):
        resolve_name(empty_store, "actor", "city of exampleville")


def test_an_actor_by_acronym_and_by_id(bundled_store) -> None:
    assert resolve_name(bundled_store, "actor", "DIAIR") == "fr-diair"
    assert resolve_name(bundled_store, "actor", "fr-diair") == "fr-diair"


def test_a_map_of_a_wrong_place_is_refused_not_drawn_empty(store: str, tmp_path) -> None:
    result = run(store, "map", "--city", "Lyo", "-o", str(tmp_path / "map.html"))
    assert result.exit_code == 2 and "Did you mean: Lyon" in result.output
    assert not (tmp_path / "map.html").exists()
    france = run(store, "map", "--country", "France", "-o", str(tmp_path / "fr.html"))
    assert france.exit_code == 0 and (tmp_path / "fr.html").stat().st_size > 10_000


def test_a_store_folder_that_holds_no_store_is_an_error(tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    result = CliRunner().invoke(main, ["--store", str(missing), "stats"])
    assert result.exit_code == 3 and "no store at" in result.output
    assert not missing.exists()
