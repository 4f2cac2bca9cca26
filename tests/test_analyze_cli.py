"""`govatlas analyze`: the report, the what-if and the results written back as RDF."""

from __future__ import annotations

import json

from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.store import GraphStore


def test_analyze_reports_measures_and_classification_and_writes_rdf(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "analyze", "--city", "Lyon", "--format",
                                  "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["classification"]["label"] == "multilevel"
    assert report["classification"]["explanation"]
    assert {"vertical_share", "top_down_share"} <= set(report["structure"])
    assert report["centrality_method"]
    assert report["brokerage"][0]["label"] == "Lyon Metropolis"
    md = runner.invoke(main, ["--store", store, "analyze", "--country", "FR", "--format", "md"])
    assert "### Ideal type" in md.output and "centralist" in md.output
    written = runner.invoke(main, ["--store", store, "analyze", "--city", "Lyon", "--write"])
    assert written.exit_code == 0
    with GraphStore.open(tmp_path / "store", read_only=True) as stored:
        rows = stored.select("""SELECT ?type ?value WHERE {
            ?r a ga:AnalysisResult ; ga:scope "Lyon" ; ga:idealType ?type ;
               ga:hasMeasure [ ga:measureName "vertical_share" ; rdf:value ?value ] }""")
    assert rows and rows[0]["type"].value.endswith("/multilevel")
    expected = report["classification"]["measures"]["vertical_share"]
    assert abs(float(rows[0]["value"].value) - expected) < 1e-9


def test_what_if_shows_what_a_link_changes(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    runner.invoke(main, ["--store", store, "build"])
    result = runner.invoke(main, ["--store", store, "analyze", "--city", "Paris", "--format",
                                  "csv", "--add-link", "fr-city-of-paris",
                                  "fr-national-government", "informs"])
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert rows[0] == "measure,now,with the link"
    assert any(row.startswith("bottom_up,2,3") for row in rows)
    wrong = runner.invoke(main, ["--store", store, "analyze", "--city", "Paris", "--add-link",
                                 "fr-city-of-paris", "fr-nobody", "informs"])
    assert wrong.exit_code == 2
    assert "--add-link no actor is called 'fr-nobody'" in wrong.output


def test_a_country_s_decoupled_pairs_are_counted_then_listed_in_part():
    """Tens of thousands of decoupled pairs make a table no one reads: past PAIRS_SHOWN the
    table counts them by field and levels and lists the first; CSV keeps every pair."""
    from govatlas.graph.analysis.analyze import Analysis
    from govatlas.viz.analysis import PAIRS_SHOWN, render_analysis

    pairs = [{"territory": f"Area {n % 3}", "competence": "housing" if n % 4 else "health",
              "holder_a": "State", "level_a": "national", "holder_b": f"Municipality {n}",
              "level_b": "local"} for n in range(PAIRS_SHOWN + 25)]
    result = Analysis(scope="XX", as_of=None, classification={"label": "localist",
                      "explanation": "", "measures": {}}, centrality=[], centrality_method={},
                      brokerage=[], structure={}, level_matrix={},
                      decoupling={"index": 0.5}, decoupled_pairs=pairs)
    table = render_analysis(result)
    assert "Municipality 0 " in table and f"Municipality {PAIRS_SHOWN} " not in table
    assert "25 more: `--format csv`" in table
    md = render_analysis(result, "md")
    assert "| housing | national | local | 33 |" in md  # n % 4 != 0
    assert "| health | national | local | 12 |" in md
    csv = render_analysis(result, "csv")
    assert all(f"Municipality {n}," in csv for n in range(len(pairs)))
