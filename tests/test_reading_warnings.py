"""What is read as it stands but deserves a look is a warning naming the file, line and fix
(issue 19, parts 5 and 6): formula-like names, a file or sheet that is no template, a
semicolon-separated file; and an over-long value names the limit it hit."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from govatlas.cli import main
from govatlas.graph.validation.checking import validate_paths
from govatlas.loaders.errors import DataError, DataWarning
from govatlas.loaders.reader import read_input
from govatlas.loaders.tables import MAX_CELL_CHARS, TEMPLATES

from .conftest import ACTORS, COMPETENCES, LINKS


def read_warnings(path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_input(path)
    return [str(w.message) for w in caught if issubclass(w.category, DataWarning)]


def test_formula_like_names_are_warned_about_once_per_column_with_their_lines(dataset):
    actors = ACTORS.replace("State of Example", '"=HYPERLINK(""http://evil.example/"",""open"")"')
    actors = actors.replace("Example Welcome Association", "@SUM(A1)")
    found = read_warnings(dataset(actors=actors))
    assert len(found) == 1
    assert "actors.csv:2: column 'label': the names on lines 2, 4 begin with =" in found[0]
    assert "leading quote" in found[0]


def test_a_negative_number_in_a_label_column_is_not_a_formula(dataset):
    assert read_warnings(dataset(actors=ACTORS.replace("State of Example", "-3"))) == []


def test_a_misnamed_optional_file_is_warned_about_with_the_template_it_nearly_spells(dataset):
    folder = dataset()
    (folder / "Quantities.csv").write_text("subject,kind\n", encoding="utf-8")
    (folder / "gap-evidence.csv").write_text("instrument,gap\n", encoding="utf-8")
    (folder / "scratch.csv").write_text("anything\n", encoding="utf-8")
    (folder / "README.md").write_text("notes\n", encoding="utf-8")
    found = read_warnings(folder)
    assert any("Quantities.csv: is no template file; it is ignored. Fix: rename it "
               "'quantities.csv'" in text for text in found)
    assert any("gap-evidence.csv" in text and "'gap_evidence.csv'" in text for text in found)
    assert any("scratch.csv" in text and "named after a template" in text for text in found)
    assert not any("README" in text for text in found)


def test_a_semicolon_separated_file_is_read_with_a_warning_not_nine_errors(dataset):
    folder = dataset(actors=ACTORS.replace(",", ";"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        item = read_input(folder)
    assert len(item.tables["actors"].rows) == 3
    assert item.tables["actors"].rows[0].get("label") == "State of Example"
    assert [str(w.message) for w in caught if "semicolons" in str(w.message)]


def test_an_extra_sheet_of_a_workbook_is_ignored_with_a_note(tmp_path):
    book = Workbook()
    book.remove(book.active)
    for name, text in (("actors", ACTORS), ("competences", COMPETENCES), ("links", LINKS)):
        sheet = book.create_sheet(name)
        for line in text.strip().splitlines():
            sheet.append(line.split(","))
    book.create_sheet("notes").append(["who filled this in", "when"])
    path = tmp_path / "country.xlsx"
    book.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        item = read_input(path)
    assert any("has a sheet 'notes' that is no template; it is ignored" in str(w.message)
               for w in caught)
    assert len(item.tables["actors"].rows) == 3


@pytest.mark.parametrize("size", [200_000, MAX_CELL_CHARS + 1])
def test_an_over_long_label_names_the_limit_it_hit_not_the_quotes(dataset, size):
    actors = ACTORS.replace("State of Example", "x" * size)
    with pytest.raises(DataError) as error:
        read_input(dataset(actors=actors))
    message = str(error.value)
    assert f"is {size:,} characters long, more than the {MAX_CELL_CHARS:,}" in message
    assert "actors.csv:2: column 'label'" in message
    assert "quotes" not in message


def test_the_cli_prints_warnings_on_standard_error_and_loads(dataset, tmp_path):
    folder = dataset(actors=ACTORS.replace("State of Example", "=1+1"))
    (folder / "Links.csv").write_text(",".join(TEMPLATES["links"].required) + "\n")
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "load", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "begin with =" in result.stderr
    assert "rename it 'links.csv'" in result.stderr
    assert "warning: " not in result.stdout


def test_validate_lists_warnings_as_data_warnings_that_do_not_fail_the_run(dataset):
    outcome = validate_paths([dataset(actors=ACTORS.replace("State of Example", "=1+1"))],
                             gaps=False)
    warned = [f for f in outcome.findings if f.shape_name == "Data warning"]
    assert len(warned) == 1 and warned[0].severity == "Warning"
    assert warned[0].record.endswith("actors.csv:2")
    assert not outcome.violations
    assert any(case.id.startswith("warning:template:") for case in outcome.cases)
