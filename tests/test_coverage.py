"""Absent data is not an absent link: a country whose data records no civil-society actor gets
one coverage finding from the participatory shapes, not one per public actor, and every gap
shape says how many targets it checked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.generate import generate, write
from govatlas.graph.validation.checking import validate_paths

CIVIL_SOCIETY = {"ngo", "migrant-association", "employer"}
PARTICIPATORY = "https://w3id.org/govatlas/shapes#ParticipatoryGap"
MIGRANTS = "https://w3id.org/govatlas/shapes#ParticipatoryGapMigrantAssociations"


def without_civil_society(folder: Path) -> Path:
    """The generated country with every non-governmental actor and each row naming one
    removed: what a country whose data records only its public bodies looks like."""
    with (folder / "actors.csv").open(encoding="utf-8", newline="") as handle:
        removed = {row["id"] for row in csv.DictReader(handle) if row["type"] in CIVIL_SOCIETY}
    assert removed
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            rows = [row for row in reader if not removed & set(row.values())]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def public_only(tmp_path_factory: pytest.TempPathFactory):
    folder = write(generate(400), tmp_path_factory.mktemp("coverage") / "country")
    return validate_paths([without_civil_society(folder)])


def test_no_civil_society_gives_one_coverage_finding_per_shape(public_only):
    for shape in (PARTICIPATORY, MIGRANTS):
        found = [f for f in public_only.findings if f.shape == shape]
        assert len(found) == 1, [f.message for f in found][:5]
        assert found[0].covers > 100
        assert found[0].message.startswith("This dataset records no ")
        assert f"{found[0].covers:,} " in found[0].message
        assert "cannot be checked for participatory gaps (for example " in found[0].message
    participatory = next(f for f in public_only.findings if f.shape == PARTICIPATORY)
    assert "civil-society actors" in participatory.message
    assert "public actors cannot be checked" in participatory.message


def test_coverage_lists_what_each_shape_checked(public_only):
    rows = {row.shape: row for row in public_only.coverage}
    assert len(rows) == len({f.shape for f in public_only.gaps}
                            | {row.shape for row in public_only.coverage})
    assert rows[PARTICIPATORY].missing.startswith("civil-society actors")
    assert rows[PARTICIPATORY].checked == 0 and rows[PARTICIPATORY].targets > 100
    assert rows[PARTICIPATORY].findings == next(
        f.covers for f in public_only.findings if f.shape == PARTICIPATORY)
    others = [row for shape, row in rows.items() if shape not in (PARTICIPATORY, MIGRANTS)]
    assert others and all(not row.missing and row.checked == row.targets for row in others)


def test_a_dataset_with_civil_society_keeps_one_finding_per_actor(tmp_path):
    outcome = validate_paths([write(generate(400, gap_share=0.3), tmp_path / "country")])
    participatory = [f for f in outcome.findings if f.shape == PARTICIPATORY]
    assert len(participatory) > 1 and all(f.covers == 1 for f in participatory)
    assert not any(row.missing for row in outcome.coverage)


def test_cases_group_findings_by_rule_and_place(tmp_path):
    from govatlas.graph.validation.cases import case_id, cases

    outcome = validate_paths([write(generate(400, gap_share=0.3), tmp_path / "country")])
    grouped = cases(outcome.findings)
    assert sum(case.findings for case in grouped) == len(outcome.findings)
    assert len(grouped) < len(outcome.findings) / 10
    by_id = {case.id: case for case in grouped}
    for finding in outcome.findings:
        case = by_id[case_id(finding)]
        assert (case.shape, case.level, case.country) == (
            finding.shape, finding.level, finding.country)
    biggest = grouped[0]
    assert biggest.covers == max(case.covers for case in grouped if case.severity == "Warning")
    assert biggest.rule and biggest.closed_by and 1 <= len(biggest.examples) <= 5
    assert biggest.level == "local" and biggest.places > 1


def test_reports_show_cases_first_and_list_findings_on_request(tmp_path):
    import json

    from click.testing import CliRunner

    from govatlas.cli import main

    folder = without_civil_society(write(generate(400, gap_share=0.3), tmp_path / "country"))
    run = CliRunner().invoke
    text = run(main, ["validate", str(folder)]).output
    assert text.index("== Cases") < text.index("== Coverage") < text.index("== Governance gaps")
    assert "more finding(s): --all lists them" in text
    assert "Participatory gap: no link with non-governmental actors: checked 0 of" in text
    everything = run(main, ["validate", str(folder), "--all"]).output
    assert "more finding(s)" not in everything and len(everything) > len(text)
    assert text.count("\n      at ") == 50
    assert run(main, ["validate", str(folder), "--limit", "3"]).output.count("\n      at ") == 3
    report = json.loads(run(main, ["validate", str(folder), "--format", "json"]).output)
    ids = {case["id"] for case in report["cases"]}
    assert all(finding["case"] in ids for finding in report["findings"])
    assert sum(case["findings"] for case in report["cases"]) == len(report["findings"])
    assert {row["shape"] for row in report["coverage"] if row["missing"]} == {
        PARTICIPATORY, MIGRANTS}


def test_gaps_of_the_store_show_the_coverage_panel(tmp_path):
    import json

    from click.testing import CliRunner

    from govatlas.cli import main

    folder = without_civil_society(write(generate(400, gap_share=0.3), tmp_path / "country"))
    store = str(tmp_path / "store")
    run = CliRunner().invoke
    assert run(main, ["--store", store, "build", "--data", str(folder)]).exit_code == 0
    text = run(main, ["--store", store, "gaps"]).output
    assert text.index("== Cases") < text.index("== Coverage") < text.index("== Governance gaps")
    assert "Participatory gap: no link with non-governmental actors: checked 0 of" in text
    report = json.loads(run(main, ["--store", store, "gaps", "--format", "json"]).output)
    rows = {row["shape"]: row for row in report["coverage"]}
    assert rows[PARTICIPATORY]["missing"] and rows[PARTICIPATORY]["checked"] == 0
    # every other shape judged each of its targets, and its findings are the report's
    counted: dict[str, int] = {}
    for finding in report["findings"]:
        counted[finding["shape"]] = counted.get(finding["shape"], 0) + finding["covers"]
    for shape, row in rows.items():
        assert row["findings"] == counted.get(shape, 0), shape
        if shape not in (PARTICIPATORY, MIGRANTS):
            assert row["checked"] == row["targets"] > 0, shape
