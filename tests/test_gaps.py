"""Gap shapes: one small dataset per gap type that triggers exactly that gap, one clean dataset
that triggers none, the same findings from the store engine and from pySHACL, and the seeds'
own diagnoses found on the bundled data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govatlas.graph.validation.checking import load_inputs
from govatlas.graph.validation.gaps import (
    describe,
    find_gaps,
    gap_shapes,
    run_pyshacl,
    run_store_shapes,
    with_evidence,
)
from govatlas.ontology.namespaces import ACTOR, INSTRUMENT, TERRITORY

from .conftest import write_dataset

SRC = "doc.txt"
ACTORS = [
    "id,label,type,level,country,parent,territory,source,locator",
    f"xx-state,State,national-government,national,FR,,Town,{SRC},1",
    f"xx-city,City,municipality,local,FR,,Town,{SRC},2",
    f"xx-ngo,Welcome Association,ngo,local,FR,,Town,{SRC},3",
    f"xx-mig,Migrants' Union,migrant-association,local,FR,,Town,{SRC},4",
    f"xx-agency,Audit Agency,national-agency,national,FR,,,{SRC},5",
]
COMPETENCES = [
    "holder,competence,level,qualifier,valid_from,valid_until,source,locator",
    f"xx-state,migrant-integration,national,,,,{SRC},6",
    f"xx-city,language-learning,local,,,,{SRC},7",
]
LINKS = {
    "informs": f"xx-state,xx-city,informs,,,,{SRC},8",
    "funds": f"xx-state,xx-city,funds,,,,{SRC},9",
    "contract": f"xx-state,xx-city,contracts-with,xx-contract,,,{SRC},10",
    "evaluates": f"xx-agency,xx-state,evaluates,xx-contract,,,{SRC},11",
    "ngo": f"xx-state,xx-ngo,funds,,,,{SRC},12",
    "migrants": f"xx-city,xx-mig,consults,,,,{SRC},13",
}
INSTRUMENTS = [
    "id,label,type,country,territory,valid_from,valid_until,succeeds,status,source,locator,owner",
    f"xx-contract,Integration Contract,contract,FR,Town,,,,,{SRC},14,xx-state",
]


def make(folder: Path, drop: tuple[str, ...] = (), actors=(), competences=(), links=(),
         instruments=()) -> Path:
    """The clean dataset, without the links named in ``drop`` and with the rows added."""
    kept = [line for name, line in LINKS.items() if name not in drop]
    header = "from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator"
    return write_dataset(
        folder,
        actors="\n".join([*ACTORS, *actors]) + "\n",
        competences="\n".join([*COMPETENCES, *competences]) + "\n",
        links="\n".join([header, *kept, *links]) + "\n",
        instruments="\n".join([*INSTRUMENTS, *instruments]) + "\n",
    )


FIXTURES = {
    "clean": {},
    "information": {"drop": ("informs",)},
    "fiscal": {"drop": ("funds",)},
    "objective": {"drop": ("contract",)},
    "accountability": {"drop": ("evaluates",)},
    "participatory": {"drop": ("ngo",)},
    "administrative": {"actors": (f"xx-village,Village,municipality,local,FR,,Town,{SRC},15",)},
    "capacity": {
        "actors": (f"xx-dept,Department,department,intermediate,FR,,Town,{SRC},16",),
        "competences": (f"xx-dept,housing,intermediate,implementation,,,{SRC},17",),
        "links": (f"xx-dept,xx-mig,consults,,,,{SRC},18",),
    },
    "policy": {
        "instruments": (
            f"xx-plan,Welcome Plan,action-plan,FR,Town,,,,,{SRC},19,xx-state",
            f"xx-board,Steering Board,committee,FR,Town,,,,,{SRC},20,xx-state"),
        "links": (f"xx-agency,xx-state,evaluates,xx-plan,,,{SRC},21",),
    },
}


def findings_for(tmp_path: Path, name: str, engine: str = "store"):
    store, problems, _ = load_inputs([make(tmp_path / name, **FIXTURES[name])])
    assert problems == []
    if engine == "store":
        found = run_store_shapes(store, gap_shapes())
    else:
        found = run_pyshacl(store.to_rdflib(), "gaps")
    return describe(store, found)


def test_the_clean_dataset_has_no_gap(tmp_path):
    assert [f.message for f in findings_for(tmp_path, "clean")] == []


EXPECTED = {
    "information": ("Warning", "allocation:xx-city",
                    "City (Local) and State (National) both act on Language learning in Town, "
                    "but no information passes between them: add an informs, reports-to, "
                    "consults, monitors or coordinates link, or a forum both belong to."),
    "fiscal": ("Warning", "allocation:xx-city",
               "City delivers Language learning in Town, which State (National) also holds, "
               "but no funding reaches it from a higher level: add the funds link if there is "
               "one, or record the gap."),
    "objective": ("Warning", "allocation:xx-city",
                  "City (Local) and State (National) both act on Language learning in Town "
                  "with no shared objectives: no steering, contract or delegation between them "
                  "and no strategy or agreement they both take part in."),
    "accountability": ("Warning", INSTRUMENT + "xx-contract",
                       "Integration Contract (Contract) has no monitoring, evaluation or "
                       "reporting link: record who monitors or evaluates it, and who reports to "
                       "whom."),
    "participatory": ("Warning", ACTOR + "xx-state",
                      "State holds Migrant integration but has no link with any "
                      "non-governmental actor (NGO, association, employer, chamber): the skills "
                      "of civil society are not used."),
    "administrative": ("Warning", TERRITORY + "town",
                       "Town has 2 municipalities (City, Village) but no inter-municipal body "
                       "or metropole: the area is governed piece by piece."),
    "capacity": ("Warning", "allocation:xx-dept",
                 "Department implements Housing (implementation) but receives no knowledge or "
                 "support from any actor: record the guidance, training or co-ordination it "
                 "gets, if any."),
    "policy": ("Warning", ACTOR + "xx-state",
               "State runs 2 instruments that no working group, platform or strategy aligns "
               "(Integration Contract; Welcome Plan): its policies are fragmented across "
               "departments."),
}


@pytest.mark.parametrize("gap", sorted(EXPECTED))
def test_each_fixture_triggers_exactly_its_gap(tmp_path, gap):
    severity, focus, message = EXPECTED[gap]
    found = findings_for(tmp_path, gap)
    assert {f.gap for f in found} == {gap}, [f.message for f in found]
    assert len(found) == 1, [f.message for f in found]
    [finding] = found
    assert finding.severity == severity
    if focus.startswith("allocation:"):
        assert finding.actor == ACTOR + focus.split(":", 1)[1]
        assert "/statement/allocation/" in finding.focus
    else:
        assert finding.focus == focus
    if finding.message != message:
        # GROUP_CONCAT order is not fixed by SPARQL: compare the listed names as a set
        assert sorted(re.findall(r"\w+", finding.message)) == sorted(re.findall(r"\w+", message))


def test_migrant_associations_missing_is_information_not_a_warning(tmp_path):
    name = "no-migrants"
    FIXTURES[name] = {"drop": ("migrants",), "links": (f"xx-city,xx-ngo,partners-with,,,,"
                                                        f"{SRC},22",)}
    try:
        found = findings_for(tmp_path, name)
    finally:
        del FIXTURES[name]
    assert [(f.gap, f.severity, f.focus) for f in found] == [
        ("participatory", "Info", ACTOR + "xx-city")]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_store_engine_and_pyshacl_find_the_same_gaps(tmp_path, name):
    fast = {f.key() for f in findings_for(tmp_path, name, "store")}
    reference = {f.key() for f in findings_for(tmp_path / "ref", name, "pyshacl")}
    assert fast == reference


def test_gaps_are_warnings_or_information_never_violations(bundled_store):
    found = find_gaps(bundled_store)
    assert found
    assert {f.severity for f in found} <= {"Warning", "Info"}


def test_paris_horizontal_fragmentation_is_found_with_the_seed_diagnosis(bundled_store):
    """Seed 002 line 74: many directorates and policies, no working group to align them."""
    found = with_evidence(bundled_store, [f for f in find_gaps(bundled_store, ["policy",
                                                                              "objective"])
                                          if f.actor == ACTOR + "fr-city-of-paris"])
    policy = [f for f in found if f.gap == "policy"]
    objective = [f for f in found if f.gap == "objective"]
    assert policy and objective
    assert "Pact to address Exclusion" in policy[0].message
    assert "Pact for Labour Market Inclusion" in policy[0].message
    assert any("002_272eef6c8ff87e8b.txt lines 74" in line for line in policy[0].evidence)


def test_france_gaps_match_the_ctair_areas_for_improvement(bundled_store):
    """The OECD's suggested areas for improvement for CTAIR name gaps the shapes also find."""
    french = [f for f in with_evidence(bundled_store, find_gaps(bundled_store))
              if f.country == "FR"]
    with_improvement_areas = {f.gap for f in french
                              if any(line.startswith("improvement-area") for line in f.evidence)}
    assert {"participatory", "accountability"} <= with_improvement_areas


@pytest.mark.parametrize("engine", ["store", "pyshacl"])
def test_only_a_statement_for_a_whole_country_is_named_as_the_countrys(tmp_path, engine):
    """A ministry placed nowhere states a competence for all of FR; the state, placed in the
    town, states one too. Each pair's message names the country for the ministry's statement
    only: the shapes once set ", for all of FR" on every other holder as soon as any statement
    of the store was made for a whole country (and one message per such country)."""
    FIXTURES["whole-country"] = {
        "drop": ("informs",),
        "actors": (f"xx-ministry,Ministry of Languages,ministry,national,FR,,,{SRC},23",),
        "competences": (f"xx-ministry,language-learning,national,,,,{SRC},24",)}
    try:
        found = findings_for(tmp_path, "whole-country", engine)
    finally:
        del FIXTURES["whole-country"]
    others = sorted(f.message.split(" both act on ")[0].split(" and ", 1)[1]
                    for f in found if f.gap == "information")
    assert others == ["Ministry of Languages, for all of FR (National)", "State (National)"]


FORUM = f"xx-forum,Integration Forum,committee,local,FR,,Town,{SRC},30"


@pytest.mark.parametrize("engine", ["store", "pyshacl"])
@pytest.mark.parametrize(("extra", "gap", "expected"), [
    # a forum with a member of each side closes the information gap
    ({"drop": ("informs",), "actors": (FORUM,),
      "links": (f"xx-city,xx-forum,member-of,,,,{SRC},31",
                f"xx-state,xx-forum,member-of,,,,{SRC},32")}, "information", 0),
    # a forum whose one member is a unit of the state holding the competence locally does not
    # close that unit's gap: the member is within both sides, and a forum needs two distinct
    # members (the city's gap stays too: it is in no forum)
    ({"drop": ("informs",), "actors": (
        FORUM, f"xx-office,Integration Office,directorate,local,FR,xx-state,Town,{SRC},36"),
      "competences": (f"xx-office,language-learning,local,,,,{SRC},37",),
      "links": (f"xx-office,xx-forum,member-of,,,,{SRC},31",)}, "information", 2),
    # the city taking part in the state's contract closes the objective gap ...
    ({"drop": ("contract",),
      "links": (f"xx-city,xx-agency,reports-to,xx-contract,,,{SRC},33",)}, "objective", 0),
    # ... not an instrument of another kind
    ({"drop": ("contract",),
      "instruments": (f"xx-monitor,Integration Monitor,monitor,FR,Town,,,,,{SRC},34,xx-state",),
      "links": (f"xx-city,xx-agency,reports-to,xx-monitor,,,{SRC},35",)}, "objective", 1),
])
def test_a_shared_forum_or_instrument_closes_a_gap_between_levels(tmp_path, engine, extra,
                                                                  gap, expected):
    """The information and objective shapes join the other side's forum members and
    instrument parties as one table; a pair is closed only by two distinct units sharing one."""
    FIXTURES["shared"] = extra
    try:
        found = findings_for(tmp_path, "shared", engine)
    finally:
        del FIXTURES["shared"]
    shape = {"information": "InformationGap", "objective": "ObjectiveGapBetweenLevels"}[gap]
    assert len([f for f in found if f.shape.endswith("#" + shape)]) == expected
