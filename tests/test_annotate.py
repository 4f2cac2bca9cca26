"""`govatlas validate --annotate`: the input written back as a workbook with every problem as a
comment on its cell, highlighted, a summary of the cases, and nothing a spreadsheet would run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from govatlas.cli import main

from .test_gaps import make
from .test_validate import EXPECTED, broken_folder

#: where each planted problem of the broken folder must be: (sheet, cell)
CELLS = {
    ("actors.csv:5", "label"): ("actors", "B5"),
    ("actors.csv:7", "id"): ("actors", "A7"),
    ("actors.csv:8", "parent"): ("actors", "F8"),
    ("actors.csv:9", None): ("actors", "A9"),
    ("actors.csv:10", "type"): ("actors", "C10"),
    ("actors.csv:11", "label"): ("actors", "B11"),
    ("competences.csv", None): ("competences", "A1"),
    ("instruments.csv:1", "status"): ("instruments", "A1"),  # a column the header lacks
    ("gap_evidence.csv", None): ("gap_evidence", "A1"),
    ("links.csv:8", None): ("links", "A8"),
    ("links.csv:9", "to_actor"): ("links", "B9"),
    ("links.csv:10", "valid_from"): ("links", "E10"),
    ("links.csv:11", "valid_until"): ("links", "F11"),
}


def annotate(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def test_every_problem_of_the_broken_folder_is_a_comment_on_its_cell(tmp_path):
    folder = broken_folder(tmp_path)
    target = tmp_path / "checked.xlsx"
    result = annotate(str(folder), "--annotate", str(target))
    assert result.exit_code == 1, result.output
    workbook = load_workbook(target)
    assert workbook.sheetnames[0] == "Summary"
    assert {"actors", "competences", "links", "instruments", "gap_evidence"} <= set(
        workbook.sheetnames)
    assert set(CELLS) == {(record, column) for record, column, _m, _f in EXPECTED}
    for record, column, message, _fix in EXPECTED:
        sheet, cell = CELLS[(record, column)]
        comment = workbook[sheet][cell].comment
        assert comment is not None, (record, cell)
        assert message in comment.text, (record, comment.text)
        assert workbook[sheet][cell].fill.fgColor.rgb.endswith("FFC7CE")  # an error
    # no comment on a cell no finding is about
    commented = {(sheet.title, cell.coordinate) for sheet in workbook.worksheets
                 for row in sheet.iter_rows() for cell in row if cell.comment}
    assert commented == set(CELLS.values())
    # the values are the input's
    assert workbook["links"]["B9"].value == "xx-nobody"
    summary = [row for row in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[0][0].startswith("13 error(s)")
    assert any(row[0] == "Violation" and str(row[-1]).startswith("error:template:")
               and str(row[-1]).endswith("links.csv") and row[3] == 4 for row in summary)


def test_gap_cases_are_comments_on_the_rows_they_concern(tmp_path):
    folder = make(tmp_path / "gap", drop=("informs",))
    target = tmp_path / "checked.xlsx"
    assert annotate(str(folder), "--annotate", str(target)).exit_code == 0
    workbook = load_workbook(target)
    comment = workbook["competences"]["A3"].comment  # the allocation the gap is found on
    assert comment is not None and comment.text.startswith("Information gap:")
    assert workbook["competences"]["A3"].fill.fgColor.rgb.endswith("FFEB9C")
    cases = [row for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)]
    assert cases and cases[0][0] == "Warning" and "Information" in cases[0][1]


def test_a_workbook_is_annotated_and_formulas_stay_inert(tmp_path):
    source = tmp_path / "data.xlsx"
    assert CliRunner().invoke(main, ["template", str(tmp_path), "--xlsx"]).exit_code == 0
    template = load_workbook(tmp_path / "govatlas-template.xlsx")
    book = Workbook()
    book.remove(book.active)
    for name in template.sheetnames:
        sheet = book.create_sheet(name)
        sheet.append([cell.value for cell in template[name][1]])
    book["actors"].append(["xx-a", '=HYPERLINK("http://evil.example/","x")', "ngo", "local",
                           "FR", "", "Town", "doc.txt", "1"])
    book["actors"].append(["xx-b", "Town Hall", "municipalty", "local", "FR", "", "Town",
                           "doc.txt", "2"])
    book.save(source)
    target = tmp_path / "checked.xlsx"
    annotate(str(source), "--annotate", str(target))
    workbook = load_workbook(target)
    assert workbook["actors"]["B2"].value == "'=HYPERLINK(\"http://evil.example/\",\"x\")"
    assert workbook["actors"]["B2"].data_type != "f"
    assert "unknown actor type 'municipalty'" in workbook["actors"]["C3"].comment.text


def test_an_rdf_input_lists_its_findings_on_the_summary(tmp_path):
    path = tmp_path / "country.ttl"
    path.write_text("@prefix ga: <https://w3id.org/govatlas/ontology#> .\n"
                    "<https://example.org/a> a ga:CompetenceAllocation .\n", encoding="utf-8")
    target = tmp_path / "checked.xlsx"
    assert annotate(str(path), "--no-gaps", "--annotate", str(target)).exit_code == 1
    rows = list(load_workbook(target)["Summary"].iter_rows(values_only=True))
    assert any(r and r[0] == "Findings on no cell of the inputs" for r in rows)
    assert any(r and r[0] == "Violation" and "country.ttl:2" in str(r[2]) for r in rows)
    assert Path(target).stat().st_size > 0
