"""The command line as a user meets it: exit codes, messages, templates, stats, codes."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from govatlas.cli import main
from govatlas.loaders.tables import TEMPLATES


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_console_script_is_installed():
    result = subprocess.run([Path(sys.executable).parent / "govatlas", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for command in ("build", "load", "template", "matrix", "stats", "codes"):
        assert command in result.stdout


def test_template_writes_every_header_and_the_templates_load(tmp_path):
    result = run("template", str(tmp_path / "new"))
    assert result.exit_code == 0
    for name, template in TEMPLATES.items():
        with (tmp_path / "new" / f"{name}.csv").open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(template.columns)
    checked = run("--store", str(tmp_path / "none"), "load", "--dry-run", str(tmp_path / "new"))
    # the headers are what the loader reads: its one complaint is that there are no rows yet
    assert checked.exit_code == 1, checked.output
    assert "1 problem in the input" in checked.output
    assert "holds no rows: the dataset is empty" in checked.output


def test_xlsx_template_has_a_sheet_per_template(tmp_path):
    from openpyxl import load_workbook

    assert run("template", "--xlsx", str(tmp_path)).exit_code == 0
    book = load_workbook(tmp_path / "govatlas-template.xlsx")
    assert book.sheetnames == list(TEMPLATES)


def test_load_reports_problems_and_exits_1_without_touching_the_store(tmp_path, dataset):
    store = str(tmp_path / "store")
    good = dataset("good")
    assert run("--store", store, "load", str(good)).exit_code == 0
    bad = dataset("bad", competences="holder,competence,level,qualifier,valid_from,valid_until,"
                                     "source,locator\nxx-city,housng,local,,,,doc.txt,5\n")
    result = run("--store", store, "load", str(bad))
    assert result.exit_code == 1
    assert "1 problem in the input, nothing was loaded:" in result.output
    assert "competences.csv:2: column 'competence': unknown competence 'housng'. Fix: use " \
           "'housing'" in result.output
    stats = run("--store", store, "stats", "--format", "json")
    assert '"good"' in stats.output and '"bad"' not in stats.output


def test_stats_counts_the_bundled_data(tmp_path):
    store = str(tmp_path / "store")
    assert run("--store", store, "build").exit_code == 0
    result = run("--store", store, "stats", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[0] == ["section", "key", "counted", "count"]
    assert all(len(row) == 4 and row[3].isdigit() for row in rows[1:])
    sections = {row[0] for row in rows[1:]}
    assert {"Totals", "Datasets", "By country", "By actor type", "By link type",
            "By instrument"} <= sections
    datasets = {row[1] for row in rows if row[0] == "Datasets"}
    assert "mc2cm" in datasets


def test_codes_lists_a_vocabulary_and_refuses_an_unknown_one():
    result = run("codes", "level", "--format", "csv")
    assert result.output.splitlines()[1:4] == ["level,international,International",
                                               "level,supranational,Supranational",
                                               "level,national,National"]
    wrong = run("codes", "colour")
    assert wrong.exit_code == 2
    assert "no code list is called 'colour'" in wrong.output
    for spelling in ("link-type", "link_types", "Link Types", "link type"):
        assert run("codes", spelling, "--format", "csv").output.splitlines()[1].startswith(
            "link type,"), spelling
    assert run("codes", "competences").exit_code == 0


def test_bad_option_value_exits_2(tmp_path):
    result = run("--store", str(tmp_path / "s"), "matrix", "--as-of", "yesterday")
    assert result.exit_code == 2
    assert "'yesterday' is not a date" in result.output


def test_export_commands_write_files_and_refuse_an_unreachable_bolt_server(tmp_path):
    import networkx as nx

    store = str(tmp_path / "store")
    assert run("--store", store, "build").exit_code == 0
    graphml = tmp_path / "g.graphml"
    assert run("--store", store, "export", "graphml", str(graphml)).exit_code == 0
    assert nx.read_graphml(graphml).number_of_nodes() > 200
    result = run("--store", store, "export", "neo4j", "--uri", "bolt://127.0.0.1:1",
                 "--password", "s3cret-value")
    assert result.exit_code == 3
    assert "bolt://127.0.0.1:1" in result.output
    assert "s3cret-value" not in result.output
