"""Network analysis: projection, centrality, brokerage, structure, decoupling and ideal types.

Every expected value is worked out by hand in the test (NetworkX style): the graphs are small
enough to count paths on paper, and the comments show the count.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from govatlas.graph.analysis.brokerage import brokerage_by_group, brokerage_roles
from govatlas.graph.analysis.centrality import betweenness, centrality_table, pagerank
from govatlas.graph.analysis.decoupling import competence_fields, decoupling
from govatlas.graph.analysis.ideal_types import THRESHOLDS, classify, classify_graph
from govatlas.graph.analysis.projection import (
    Allocation,
    add_link,
    allocations,
    bipartite_competences,
    project,
)
from govatlas.graph.analysis.structure import level_matrix, link_orientation, vertical_horizontal
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.checking import load_inputs
from govatlas.ontology.namespaces import ACTOR
from govatlas.ontology.vocabulary import UnknownCode

from .conftest import write_dataset

SRC = "doc.txt"
ACTOR_HEADER = ("id,label,type,level,country,parent,territory,source,locator,alt_labels,"
                "valid_from,valid_until,note")
COMPETENCE_HEADER = "holder,competence,level,qualifier,valid_from,valid_until,source,locator"
LINK_HEADER = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator,id,"
               "status,note")


def a(name: str) -> str:
    return ACTOR + name


def store_from(folder: Path, actors: list[str], competences: list[str], links: list[str],
               ) -> GraphStore:
    """A store holding one dataset written from CSV rows (no source columns needed: each row
    gets ``doc.txt`` and its line number)."""
    def rows(header: str, lines: list[str], width: int) -> str:
        body = []
        for number, line in enumerate(lines, start=1):
            cells = line.split(",")
            cells[width:width] = [SRC, str(number)]
            body.append(",".join(cells))
        return "\n".join([header, *body]) + "\n"

    actor_rows = [line + (",,,," if line.count(",") == 6 else "") for line in actors]
    write_dataset(folder, actors=rows(ACTOR_HEADER, actor_rows, 7),
                  competences=rows(COMPETENCE_HEADER, competences, 6),
                  links=rows(LINK_HEADER, [line + ",,," if line.count(",") == 5 else line
                                           for line in links], 6))
    store, problems, _ = load_inputs([folder])
    assert problems == [], [str(p) for p in problems]
    return store


# --- projection -------------------------------------------------------------------------------

PROJECTION_ACTORS = [
    "st,State,national-government,national,FR,,Town",
    "rg,Region,region,regional|local,FR,,Town",
    "ct,City,municipality,local,FR,,Town",
    "ngo,Welcome,ngo,local,FR,,Town",
    "far,Far City,municipality,local,FR,,Elsewhere",
    "de,Land,region,regional,DE,,Town,,2020,2022,",
]
PROJECTION_LINKS = [
    "st,ct,funds,,2019,2021",
    "ct,rg,partners-with,,,,,planned,",
    "ngo,ct,implements-for,,,",
    "st,far,steers,,,",
    "st,de,informs,,,",
]


@pytest.fixture
def small_store(tmp_path) -> GraphStore:
    return store_from(tmp_path / "small", PROJECTION_ACTORS,
                      ["st,migrant-integration,national,,,", "ct,language-learning,local,,,"],
                      PROJECTION_LINKS)


def test_projection_nodes_carry_levels_type_and_competences(small_store):
    graph = project(small_store)
    region = graph.nodes[a("rg")]
    assert region["levels"] == ["regional", "local"]  # widest first
    assert (region["level"], region["rank"], region["type"]) == ("regional", 3, "region")
    assert graph.nodes[a("st")]["public"] is True
    assert graph.nodes[a("ngo")]["public"] is False
    assert graph.nodes[a("ct")]["competences"] == ["language-learning"]
    assert graph.nodes[a("ct")]["territories"] == ["Town"]
    # 5 links, one planned: 4 edges, each keyed by its link IRI
    assert graph.number_of_edges() == 4
    [(key, data)] = graph.get_edge_data(a("st"), a("ct")).items()
    assert "/statement/link/" in key
    assert (data["type"], data["family"], data["valid_from"], data["valid_until"]) == (
        "funds", "funding", "2019-01-01", "2021-12-31")


def test_projection_filters_day_planned_country_and_territory(small_store):
    # as of 2018 the funding (2019-2021) is not there yet, nor the Land (from 2020)
    early = project(small_store, as_of=date(2018, 6, 1))
    assert not early.has_edge(a("st"), a("ct"))
    assert a("de") not in early
    assert project(small_store, as_of=date(2020, 6, 1)).has_edge(a("st"), a("ct"))
    assert project(small_store, include_planned=True).has_edge(a("ct"), a("rg"))
    french = project(small_store, country="FR")
    assert a("de") not in french and french.number_of_edges() == 3
    town = project(small_store, territory="town")  # case-insensitive
    assert a("far") not in town and not town.has_edge(a("st"), a("far"))
    assert town.number_of_nodes() == 5  # st, rg, ct, ngo, de


def test_bipartite_competences_and_what_if_link(small_store):
    two_mode = bipartite_competences(small_store)
    assert set(two_mode[a("ct")]) == {"language-learning"}
    assert two_mode.edges[a("st"), "migrant-integration"]["level"] == "national"
    graph = project(small_store)
    what_if = add_link(graph, a("rg"), a("ct"), "funds")
    assert what_if.number_of_edges() == graph.number_of_edges() + 1
    assert not graph.has_edge(a("rg"), a("ct"))  # the original is untouched
    [data] = what_if.get_edge_data(a("rg"), a("ct")).values()
    assert (data["family"], data["hypothetical"]) == ("funding", True)
    with pytest.raises(UnknownCode):
        add_link(graph, a("rg"), a("ct"), "fundz")


def test_projection_as_of_on_bundled_ctair_contracts(bundled_store):
    # SELECT shows the Diair's contracts: 11 CTAIR contracts from 2020 (reported) and 7 from
    # 2021 that the source reports as planned.
    rows = bundled_store.select("""
        SELECT ?vf ?st WHERE { ?l ga:fromActor actor:fr-diair ; ga:linkType lt:contracts-with .
          OPTIONAL { ?l ga:validFrom ?vf } OPTIONAL { ?l ga:status ?st } }""")
    dates = sorted((row["vf"].value, row["st"] is not None) for row in rows)
    assert dates == [("2020-01-01", False)] * 11 + [("2021-01-01", True)] * 7

    def contracts(graph: nx.MultiDiGraph) -> int:
        return sum(1 for _, _, d in graph.out_edges(a("fr-diair"), data=True)
                   if d["type"] == "contracts-with")

    assert contracts(project(bundled_store, as_of=date(2019, 6, 1), country="FR")) == 0
    assert contracts(project(bundled_store, as_of=date(2021, 6, 1), country="FR")) == 11
    assert contracts(project(bundled_store, as_of=date(2021, 6, 1), country="FR",
                             include_planned=True)) == 18


# --- centrality -------------------------------------------------------------------------------

def path_graph() -> nx.MultiDiGraph:
    """a -> b -> c -> d, a and b national, c and d local; a second a -> b link."""
    graph = nx.MultiDiGraph()
    for node, level in (("a", "national"), ("b", "national"), ("c", "local"), ("d", "local")):
        graph.add_node(node, label=node, level=level)
    graph.add_edges_from([("a", "b"), ("a", "b"), ("b", "c"), ("c", "d")])
    return graph


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_centrality_table_on_a_path(backend):
    table = centrality_table(path_graph(), backend=backend)
    rows = {row["actor"]: row for row in table}
    # b lies on a->c and a->d, c on a->d and b->d: 2 / ((n-1)(n-2)) = 2/6
    assert rows["b"]["betweenness"] == pytest.approx(1 / 3)
    assert rows["c"]["betweenness"] == pytest.approx(1 / 3)
    assert rows["a"]["betweenness"] == rows["d"]["betweenness"] == 0
    # degrees count links: a has two links to b
    assert (rows["a"]["out_degree"], rows["b"]["in_degree"], rows["b"]["degree"]) == (2, 2, 3)
    # ties share rank 1, then rank 3; within each level the broker comes first
    assert [rows[n]["rank"] for n in "abcd"] == [3, 1, 1, 3]
    assert [rows[n]["level_rank"] for n in "abcd"] == [2, 1, 1, 2]
    assert sum(row["pagerank"] for row in table) == pytest.approx(1)
    assert table.metadata["betweenness"] == "exact" and table.metadata["ties"] == 3


def test_igraph_and_networkx_agree_exact_and_sampled():
    for seed in range(3):
        graph = nx.MultiDiGraph(nx.gnp_random_graph(40, 0.08, directed=True, seed=seed))
        graph.add_edges_from(list(graph.edges())[:5])  # parallel links
        for directed in (True, False):
            for k in (None, 8):
                fast = betweenness(graph, k=k, seed=seed, directed=directed, backend="igraph")
                slow = betweenness(graph, k=k, seed=seed, directed=directed,
                                   backend="networkx")
                assert fast == pytest.approx(slow, abs=1e-12)
            fast = pagerank(graph, directed=directed, backend="igraph")
            slow = pagerank(graph, directed=directed, backend="networkx")
            assert fast == pytest.approx(slow, abs=1e-5)


def test_large_graphs_get_sampled_betweenness_and_say_so():
    graph = nx.MultiDiGraph(nx.gnp_random_graph(30, 0.1, directed=True, seed=1))
    table = centrality_table(graph, exact_limit=20, k=10, seed=4)
    assert table.metadata["betweenness"] == "sampled"
    assert (table.metadata["k"], table.metadata["seed"]) == (10, 4)
    assert "sampled" in table.metadata["note"]
    expected = nx.betweenness_centrality(nx.DiGraph(graph), k=10, seed=4)
    assert {row["actor"]: row["betweenness"] for row in table} == pytest.approx(expected)


# --- brokerage --------------------------------------------------------------------------------

def triads() -> nx.DiGraph:
    """Gould & Fernandez's five brokerage configurations, one open two-path each (groups X, Y,
    Z), as they draw them: the middle node of each triad is the broker."""
    graph = nx.DiGraph()
    configurations = {
        "coordinator": "XXX", "itinerant": "XYX", "representative": "XXY",
        "gatekeeper": "YXX", "liaison": "XYZ",
    }
    for role, groups in configurations.items():
        names = [f"{role}-{i}" for i in range(3)]
        for name, group in zip(names, groups, strict=True):
            graph.add_node(name, level=group)
        graph.add_edges_from([(names[0], names[1]), (names[1], names[2])])
    return graph


def test_gould_fernandez_five_configurations():
    roles = brokerage_roles(triads())
    for role in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"):
        broker = roles[f"{role}-1"]
        assert broker[role] == 1 and broker["total"] == 1, (role, broker)
        assert roles[f"{role}-0"]["total"] == roles[f"{role}-2"]["total"] == 0


def test_gould_fernandez_closed_mutual_and_parallel_two_paths():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from([("a", {"level": "X"}), ("b", {"level": "X"}), ("c", {"level": "X"})])
    graph.add_edges_from([("a", "b"), ("a", "b"), ("b", "c"), ("a", "c"), ("b", "a")])
    # a -> b -> c is closed by a -> c; a -> b -> a returns to a; the parallel a -> b adds nothing
    assert brokerage_roles(graph)["b"]["total"] == 0
    assert brokerage_roles(graph, open_only=False)["b"]["coordinator"] == 1


def test_gould_fernandez_worked_example_with_levels():
    # broker b (local) receives from a1 (national) and a2 (local) and sends to c1 (local),
    # c2 (regional) and c3 (national); a1 -> c3 exists. Two-paths through b:
    #   a1 b c1  national-local-local      gatekeeper
    #   a1 b c2  national-local-regional   liaison
    #   a1 b c3  closed by a1 -> c3        not counted
    #   a2 b c1  local-local-local         coordinator
    #   a2 b c2  local-local-regional      representative
    #   a2 b c3  local-local-national      representative
    graph = nx.DiGraph()
    levels = {"a1": "national", "a2": "local", "b": "local", "c1": "local",
              "c2": "regional", "c3": "national"}
    for node, level in levels.items():
        graph.add_node(node, level=level)
    graph.add_edges_from([("a1", "b"), ("a2", "b"), ("b", "c1"), ("b", "c2"), ("b", "c3"),
                          ("a1", "c3")])
    roles = brokerage_roles(graph)
    assert roles["b"] == {"coordinator": 1, "itinerant": 0, "representative": 2,
                          "gatekeeper": 1, "liaison": 1, "total": 5}
    # itinerant: with c1 -> c2 -> a2 added, the regional c2 passes from local to local twice,
    # b -> c2 -> a2 and c1 -> c2 -> a2 (neither b nor c1 reaches a2 itself)
    graph.add_edges_from([("c1", "c2"), ("c2", "a2")])
    assert brokerage_roles(graph)["c2"] == {"coordinator": 0, "itinerant": 2,
                                            "representative": 0, "gatekeeper": 0,
                                            "liaison": 0, "total": 2}
    assert brokerage_by_group(graph)["local"]["coordinator"] >= 1


# --- structure --------------------------------------------------------------------------------

def levels_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, level, rank in (("N", "national", 2), ("R", "regional", 3), ("L1", "local", 5),
                              ("L2", "local", 5)):
        graph.add_node(node, level=level, rank=rank, levels=[level])
    graph.add_edges_from([("N", "R"), ("N", "L1"), ("R", "L1"), ("L1", "L2"), ("L2", "R"),
                          ("L1", "L2")])
    return graph


def test_vertical_and_horizontal_shares():
    shares = vertical_horizontal(levels_graph())
    # N->R, N->L1, R->L1 top-down; L2->R bottom-up; L1->L2 twice horizontal
    assert (shares["vertical"], shares["horizontal"]) == (4, 2)
    assert (shares["top_down"], shares["bottom_up"]) == (3, 1)
    assert shares["vertical_share"] == pytest.approx(4 / 6)
    assert shares["top_down_share"] == pytest.approx(3 / 4)


def test_level_matrix_counts_links_by_level():
    assert level_matrix(levels_graph()) == {
        "national": {"national": 0, "regional": 1, "local": 1},
        "regional": {"national": 0, "regional": 0, "local": 1},
        "local": {"national": 0, "regional": 1, "local": 2},
    }


def test_an_actor_of_two_levels_meets_a_local_one_horizontally_on_request():
    graph = levels_graph()
    graph.add_node("M", level="intermediate", rank=4, levels=["intermediate", "local"])
    assert link_orientation(graph, "M", "L1") == "top-down"  # ranks 4 and 5 differ
    assert link_orientation(graph, "M", "L1", shared_level_horizontal=True) == "horizontal"


# --- decoupling -------------------------------------------------------------------------------

def held(holder: str, competence: str, level: str, rank: int,
         territory: str = "Town") -> Allocation:
    return Allocation(f"x:{holder}:{competence}", holder, competence, level, rank,
                      (territory,), "FR")


def test_fields_follow_skos_broader():
    fields = competence_fields()
    assert fields["language-learning"] == fields["integration-policy"] == (
        "migrant-integration",)
    assert fields["asylum"] == ("borders-residency",)


def test_two_levels_sharing_a_field_with_no_path_are_decoupled():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["state", "agency", "city", "broker", "far1", "far2"])
    graph.add_edge("state", "agency")
    competences = [held("state", "integration-policy", "national", 2),
                   held("city", "language-learning", "local", 5)]  # one field
    result = decoupling(graph, competences)
    assert result.index == 1.0
    assert result.decoupled_rows() == [
        ("Town", "migrant-integration", "state", "national", "city", "local")]
    # through one broker (2 steps) they are coordinated
    graph.add_edges_from([("state", "broker"), ("city", "broker")])
    assert decoupling(graph, competences).by_territory["Town"] == {
        "pairs": 1, "decoupled": 0, "index": 0.0}
    # three steps apart: decoupled within 2 steps, not within 3
    graph.remove_edge("city", "broker")
    graph.add_edges_from([("broker", "far1"), ("far1", "city")])
    assert decoupling(graph, competences).index == 1.0
    assert decoupling(graph, competences, max_steps=3).pairs[0].steps == 3
    # a succession link is not coordination
    graph.add_edge("city", "state", family="succession")
    assert decoupling(graph, competences).index == 1.0


def test_decoupling_skips_one_holder_at_two_levels_and_other_fields():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["paris", "state"])
    competences = [held("paris", "social-action", "intermediate", 4),
                   held("paris", "social-action", "local", 5),
                   held("state", "asylum", "national", 2)]
    assert decoupling(graph, competences).pairs == []


# --- ideal types ------------------------------------------------------------------------------

def test_a_pure_hierarchy_is_centralist(tmp_path):
    store = store_from(tmp_path / "hierarchy", [
        "st,State,national-government,national,FR,,Town",
        "rg,Region,region,regional,FR,,Town",
        "c1,City One,municipality,local,FR,,Town",
        "c2,City Two,municipality,local,FR,,Town",
    ], [
        "st,migrant-integration,national,,,",
        "c1,language-learning,local,,,",
        "c2,orientation,local,,,",
    ], [
        "st,rg,steers,,,", "st,rg,funds,,,", "rg,c1,funds,,,", "rg,c2,funds,,,",
        "st,c1,contracts-with,,,", "c1,st,reports-to,,,",
    ])
    result = classify(store, territory="Town")
    measures = result.measures
    # 6 links, all vertical; 5 carry control down and c1 reports up: 6/6 downward control
    assert (measures["vertical_share"], measures["downward_control_share"]) == (1.0, 1.0)
    assert (measures["upward_share"], measures["horizontal_local_share"]) == (0.0, 0.0)
    # st-c1 linked directly, st-c2 through the region: no decoupled pair out of 2
    assert (measures["cross_level_pairs"], measures["decoupling_index"]) == (2, 0.0)
    assert result.scores == {"centralist": 1.0, "localist": 0.0, "decoupled": 0.0,
                             "multilevel": 0.0}
    assert result.label == "centralist"
    assert "Town: centralist" in result.explanation
    assert result.thresholds is THRESHOLDS


def test_two_levels_sharing_a_competence_without_a_path_are_decoupled(tmp_path):
    store = store_from(tmp_path / "decoupled", [
        "st,State,national-government,national,FR,,Town",
        "ag,Agency,national-agency,national,FR,,Town",
        "mi,Ministry,ministry,national,FR,,Town",
        "ct,City,municipality,local,FR,,Town",
    ], [
        "st,migrant-integration,national,,,",
        "ag,integration-policy,national,,,",
        "ct,language-learning,local,,,",
    ], ["st,ag,steers,,,", "ag,st,reports-to,,,", "st,mi,coordinates,,,"])
    result = classify(store, territory="Town")
    # st-ct and ag-ct hold one field at two levels and nothing joins the city: 2 of 2
    assert (result.measures["decoupled_pairs"], result.measures["cross_level_pairs"]) == (2, 2)
    assert result.measures["vertical_share"] == 0.0
    assert result.label == "decoupled"
    assert result.scores["decoupled"] == 1.0


def test_a_forum_linking_three_levels_both_ways_is_multilevel(tmp_path):
    store = store_from(tmp_path / "forum", [
        "st,State,national-government,national,FR,,Town",
        "rg,Region,region,regional,FR,,Town",
        "ct,City,municipality,local,FR,,Town",
        "fo,Integration Council,committee,regional,FR,,Town",
    ], [
        "st,integration-policy,national,,,",
        "rg,language-learning,regional,,,",
        "ct,orientation,local,,,",
    ], [
        "st,fo,member-of,,,", "rg,fo,member-of,,,", "ct,fo,member-of,,,",
        "fo,st,informs,,,", "fo,rg,informs,,,", "fo,ct,informs,,,",
    ])
    result = classify(store, territory="Town")
    m = result.measures
    # vertical: st->fo, fo->ct top-down; ct->fo, fo->st bottom-up; rg<->fo horizontal: 4/6
    assert (m["vertical"], m["top_down"], m["bottom_up"]) == (4, 2, 2)
    assert m["vertical_balance"] == 1.0 and m["downward_control_share"] == 0.0
    assert m["multilevel_fora"] == 1
    assert result.fora[0]["levels"] == ["local", "national", "regional"]
    assert m["decoupling_index"] == 0.0  # every pair meets in the council (2 steps)
    assert result.label == "multilevel"


def test_a_local_horizontal_network_is_localist(tmp_path):
    store = store_from(tmp_path / "local", [
        "st,State,national-government,national,FR,,Town",
        "c1,City One,municipality,local,FR,,Town",
        "c2,City Two,municipality,local,FR,,Town",
        "c3,City Three,municipality,local,FR,,Town",
    ], [
        "c1,integration-policy,local,,,",
        "c2,language-learning,local,,,",
        "c3,housing,local,,,",
        "st,borders-residency,national,,,",
    ], [
        "c1,c2,partners-with,,,", "c2,c3,informs,,,", "c3,c1,partners-with,,,",
        "c1,c3,consults,,,", "st,c1,funds,,,",
    ])
    result = classify(store, territory="Town")
    m = result.measures
    # 4 of 5 links among cities; integration and housing are held only locally, borders only
    # nationally: local autonomy 2/3
    assert m["horizontal_local_share"] == pytest.approx(0.8)
    assert m["vertical_share"] == pytest.approx(0.2)
    assert m["local_autonomy"] == pytest.approx(2 / 3)
    assert m["decoupling_index"] is None  # no field held at two levels
    assert result.scores["localist"] == 1.0
    # centralist: gate 0.2/0.5 x 1.0; mean of (0.4, 1, 1, 1, 0) = 0.68 -> 0.272
    assert result.scores["centralist"] == pytest.approx(0.272)
    assert result.label == "localist"
    # with a margin wider than the gap, the same network is called mixed
    loose = {**THRESHOLDS, "mixed_margin": 0.8}
    graph = project(store, territory="Town")
    mixed = classify_graph(graph, allocations(store, territory="Town"), thresholds=loose)
    assert mixed.label == "mixed" and "localist" in mixed.explanation


def test_too_little_data_is_reported_with_the_minimum(tmp_path):
    store, problems, _ = load_inputs([write_dataset(tmp_path / "tiny")])
    assert problems == []
    result = classify(store, territory="Exampleville")
    assert result.label == "insufficient data"
    # two government actors (state, city) and one link between them (the NGO is not public)
    assert "2 government actors (minimum 3)" in result.explanation
    assert "1 government links (minimum 3)" in result.explanation



def test_a_territory_is_classified_on_its_own_pairs_not_its_countrys(tmp_path):
    """A national competence stated for the whole country is placed in every territory of
    it; a territory's measures must still be about that territory alone, whatever the
    country's other territories hold."""
    actors = ["st,State,national-government,national,FR,,",
              "c1,City One,municipality,local,FR,,Town",
              "c2,City Two,municipality,local,FR,,Town",
              "c3,City Three,municipality,local,FR,,Town"]
    competences = ["c1,integration-policy,local,,,", "c2,language-learning,local,,,",
                   "c3,housing,local,,,", "st,borders-residency,national,,,",
                   "st,housing,national,,,"]
    links = ["c1,c2,partners-with,,,", "c2,c3,informs,,,", "c3,c1,partners-with,,,",
             "st,c1,funds,,,"]
    alone = classify(store_from(tmp_path / "alone", actors, competences, links),
                     territory="Town")
    elsewhere = ["o1,Other City,municipality,local,FR,,Other",
                 "o2,Far City,municipality,local,FR,,Far"]
    beside = classify(store_from(tmp_path / "beside", actors + elsewhere,
                                 [*competences, "o1,housing,local,,,", "o2,housing,local,,,"],
                                 links), territory="Town")
    # housing at two levels in Town (st and c3): one cross-level pair; of its three fields
    # (migrant integration, housing, borders) only migrant integration is held locally alone
    assert alone.measures["cross_level_pairs"] == 1
    assert alone.measures["local_autonomy"] == pytest.approx(1 / 3)
    assert beside.measures == alone.measures
    assert beside.label == alone.label
