"""The loaders: valid data goes in whole; every kind of bad input is refused with the message a
user sees (file, line, column, fix) and leaves the store exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from govatlas.graph.pipeline import load_dataset
from govatlas.loaders.errors import DataError
from govatlas.ontology.namespaces import ACTOR, DATASET_GRAPH


def messages(error: DataError, root: Path) -> list[str]:
    return [str(problem).replace(str(root) + "/", "") for problem in error.problems]


def refused(store, path: Path) -> list[str]:
    before = len(store)
    with pytest.raises(DataError) as caught:
        load_dataset(store, path)
    assert len(store) == before, "a refused dataset must not change the store"
    return messages(caught.value, path.parent)


def test_a_valid_dataset_loads_with_provenance(empty_store, dataset):
    report = load_dataset(empty_store, dataset())
    assert report.name == "example" and report.quads > 50
    rows = empty_store.select("""
        SELECT ?label ?locator ?record WHERE {
          ?a rdfs:label ?label ; prov:qualifiedDerivation ?d .
          ?d ga:locator ?locator ; ga:record ?record ; prov:entity/dcterms:identifier "doc.txt" }
        ORDER BY ?label""")
    assert [(r["label"].value, r["locator"].value) for r in rows] == [
        ("City of Exampleville", "2"), ("Example Welcome Association", "3"),
        ("State of Example", "1")]
    assert rows[0]["record"].value.endswith("actors.csv:3")


def test_actor_types_are_materialised_up_the_hierarchy(empty_store, dataset):
    load_dataset(empty_store, dataset())
    assert empty_store.ask(f"ASK {{ <{ACTOR}xx-city> a ga:PublicActor, ga:Municipality, "
                           "ga:LocalOrRegionalAuthority, ga:Actor }")
    assert empty_store.ask(f"ASK {{ <{ACTOR}xx-ngo> a ga:NonPublicActor }}")


def test_unknown_code_names_file_row_column_and_suggests_the_nearest(empty_store, dataset):
    path = dataset(competences="""\
        holder,competence,level,qualifier,valid_from,valid_until,source,locator
        xx-city,housng,local,,,,doc.txt,5
        xx-city,health,locl,,,,doc.txt,6
        """)
    assert refused(empty_store, path) == [
        "example/competences.csv:2: column 'competence': unknown competence 'housng'. "
        "Fix: use 'housing' (govatlas codes 'competence' lists them all)",
        "example/competences.csv:3: column 'level': unknown level 'locl'. "
        "Fix: use 'local' (govatlas codes 'level' lists them all)",
    ]


def test_missing_column_is_named_with_the_header_to_use(empty_store, dataset):
    path = dataset(links="""\
        from_actor,to_actor,instrument,valid_from,valid_until,source,locator
        xx-state,xx-city,,,,doc.txt,6
        """)
    assert refused(empty_store, path) == [
        "example/links.csv:1: column 'type': required column is missing. Fix: add a 'type' "
        "column to the header (the header of links is from_actor,to_actor,type,instrument,"
        "valid_from,valid_until,source,locator)",
    ]


def test_misspelt_column_gets_its_right_name(empty_store, dataset):
    path = dataset(competences="""\
        holdr,competence,level,qualifier,valid_from,valid_until,source,locator
        xx-city,housing,local,,,,doc.txt,5
        """)
    assert refused(empty_store, path)[0] == (
        "example/competences.csv:1: column 'holdr': is not a column of the competences "
        "template. Fix: rename it 'holder'")


def test_duplicate_id_points_to_the_first_definition(empty_store, dataset):
    path = dataset(actors="""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,State of Example,national-government,national,FR,,,doc.txt,1
        xx-city,City of Exampleville,municipality,local,FR,,,doc.txt,2
        xx-ngo,Example Welcome Association,ngo,local,FR,,,doc.txt,3
        xx-city,Exampleville again,municipality,local,FR,,,doc.txt,9
        """)
    assert refused(empty_store, path) == [
        "example/actors.csv:5: column 'id': duplicate actor id 'xx-city' (first defined at "
        "line 3). Fix: give each row its own id, or merge the two rows",
    ]


def test_dangling_actor_reference_suggests_an_existing_id(empty_store, dataset):
    path = dataset(links="""\
        from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
        xx-state,xx-cty,funds,,,,doc.txt,6
        """)
    assert refused(empty_store, path) == [
        "example/links.csv:2: column 'to_actor': no actor has the id 'xx-cty'. Fix: add it to "
        "actors.csv, or correct the id (did you mean 'xx-city'?)",
    ]


def test_bad_dates_and_reversed_periods(empty_store, dataset):
    path = dataset(links="""\
        from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
        xx-state,xx-city,funds,,2019-13-01,,doc.txt,6
        xx-state,xx-city,steers,,2021,2019,doc.txt,7
        """)
    assert refused(empty_store, path) == [
        "example/links.csv:2: column 'valid_from': '2019-13-01' is not a date. Fix: write "
        "YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019 or 2016-08)",
        "example/links.csv:3: column 'valid_until': ends (2019) before it starts (2021). "
        "Fix: swap the two dates or correct one",
    ]


def test_parent_cycle_is_refused(empty_store, dataset):
    path = dataset(actors="""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,State of Example,national-government,national,FR,,,doc.txt,1
        xx-city,City of Exampleville,municipality,local,FR,xx-ngo,,doc.txt,2
        xx-ngo,Example Welcome Association,ngo,local,FR,xx-city,,doc.txt,3
        """)
    assert refused(empty_store, path) == [
        "example/actors.csv:3: column 'parent': parents form a cycle: xx-city -> xx-ngo -> "
        "xx-city. Fix: an actor cannot be, through its parents, part of itself; clear one "
        "parent in the cycle",
    ]


def test_missing_provenance_is_refused(empty_store, dataset):
    path = dataset(competences="""\
        holder,competence,level,qualifier,valid_from,valid_until,source,locator
        xx-city,housing,local,,,,doc.txt,
        """)
    assert refused(empty_store, path) == [
        "example/competences.csv:2: column 'locator': is empty. Fix: fill in the locator"]


def test_empty_file_and_missing_file(empty_store, dataset, tmp_path):
    path = dataset(links="")
    assert refused(empty_store, path) == [
        "example/links.csv: is empty. Fix: start it with the header row from_actor,to_actor,"
        "type,instrument,valid_from,valid_until,source,locator (govatlas template DIR writes "
        "one)"]
    path = dataset("other", links=None)
    assert refused(empty_store, path) == [
        "other/links.csv: is missing. Fix: add links.csv with the header from_actor,to_actor,"
        "type,instrument,valid_from,valid_until,source,locator and its rows"]


def test_malformed_turtle_gives_the_line(empty_store, tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n'
                    'ex:d ex:e "unterminated .\n', encoding="utf-8")
    message = refused(empty_store, path)
    assert len(message) == 1
    assert message[0].startswith("bad.ttl:3: is not valid Turtle (Parser error between line 3 "
                                 "column 11 and line 4 column 1")
    assert message[0].endswith("Fix: correct the syntax at that line; a validator such as "
                               "`riot --validate` or an editor with Turtle support shows it too")


def test_turtle_and_json_ld_load_into_their_own_graph(empty_store, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text('<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n')
    jsonld = tmp_path / "more.jsonld"
    jsonld.write_text('{"@id": "https://example.org/b", '
                      '"http://www.w3.org/2000/01/rdf-schema#label": "B"}')
    assert load_dataset(empty_store, ttl).quads == 1
    assert load_dataset(empty_store, jsonld).quads == 1
    assert {DATASET_GRAPH + "extra", DATASET_GRAPH + "more"} <= set(empty_store.graphs())


def test_reloading_replaces_and_a_failed_reload_keeps_the_old_data(empty_store, dataset):
    path = dataset()
    load_dataset(empty_store, path)
    count = len(empty_store)
    assert load_dataset(empty_store, path).replaced
    assert len(empty_store) == count
    (path / "links.csv").write_text(
        "from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator\n"
        "xx-state,xx-city,fundz,,,,doc.txt,6\n", encoding="utf-8")
    refused(empty_store, path)
    assert len(empty_store) == count
    assert empty_store.ask("ASK { ?l ga:linkType lt:funds }")


def test_hostile_labels_are_stored_verbatim_as_literals(empty_store, dataset):
    hostile = '</script><script>alert(1)</script> "quoted", {braces} } ; DROP ALL'
    path = dataset(actors=f"""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,"{hostile.replace('"', '""')}",national-government,national,FR,,,doc.txt,1
        xx-city,<img src=x onerror=alert(1)>,municipality,local,FR,,,doc.txt,2
        xx-ngo,Example Welcome Association,ngo,local,FR,,,doc.txt,3
        """)
    load_dataset(empty_store, path)
    labels = {row["l"].value for row in empty_store.select(
        f"SELECT ?l WHERE {{ ?a rdfs:label ?l FILTER(STRSTARTS(STR(?a), '{ACTOR}')) }}")}
    assert hostile in labels and "<img src=x onerror=alert(1)>" in labels
    # and the store still answers: nothing in the label was read as query text
    assert empty_store.ask("ASK { ?l ga:linkType lt:funds }")


def test_an_on_disk_load_writes_the_same_statements_as_the_in_memory_one(tmp_path, dataset):
    """The on-disk load writes its statements as N-Triples lines made from the terms'
    serialisation (no quad made); quotes, backslashes, line breaks and non-ASCII letters in
    a value must come back as they were."""
    from govatlas.graph.pipeline import load_ontology
    from govatlas.graph.store import GraphStore

    hostile = 'Sa\\int-"Martin"\nd\u2019H\u00e8res \t\u00a0\U0001f600 > <x> \\u0041'
    path = dataset(actors=f"""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,"{hostile.replace('"', '""')}",national-government,national,FR,,,doc.txt,1
        xx-city,City of Exampleville,municipality,local,FR,xx-state,,doc.txt,2
        xx-ngo,Example Welcome Association,ngo,local,FR,,,doc.txt,3
        """)
    memory = GraphStore.in_memory()
    load_ontology(memory)
    load_dataset(memory, path)
    with GraphStore.open(tmp_path / "store") as disk:
        load_ontology(disk)
        load_dataset(disk, path)
        graph = DATASET_GRAPH + "example"
        assert set(disk.quads(graph)) == set(memory.quads(graph))
        assert hostile in {quad.object.value for quad in disk.quads(graph)}


def test_references_may_point_to_actors_of_datasets_already_stored(empty_store, dataset):
    load_dataset(empty_store, dataset())
    other = dataset("second", actors="""\
        id,label,type,level,country,parent,territory,source,locator
        yy-office,Example Office,national-agency,national,FR,xx-state,,doc.txt,1
        """, competences="""\
        holder,competence,level,qualifier,valid_from,valid_until,source,locator
        """, links="""\
        from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
        yy-office,xx-city,informs,,,,doc.txt,2
        """)
    assert load_dataset(empty_store, other).quads > 10


def test_an_allocation_stating_no_territory_takes_its_holders_from_its_own_dataset(
        empty_store, dataset):
    """The loader states no place for it; the derived graph gives the holder's territory as
    the allocation's own dataset places the holder, not where another dataset does."""
    load_dataset(empty_store, dataset(), derive_after=False)
    load_dataset(empty_store, dataset("second", actors="""\
        id,label,type,level,country,parent,territory,source,locator
        xx-state,State of Example,national-government,national,FR,,Othertown,doc.txt,1
        yy-office,Example Office,national-agency,national,FR,,,doc.txt,2
        """, competences="""\
        holder,competence,level,qualifier,valid_from,valid_until,source,locator
        xx-state,health,national,,,,doc.txt,3
        yy-office,housing,national,,,,doc.txt,4
        xx-city,education,local,,,,doc.txt,5
        """, links="from_actor,to_actor,type,instrument,valid_from,valid_until,source,"
        "locator\n"))
    rows = empty_store.select("""
        SELECT ?code ?place ?g WHERE { ?a ga:competence/skos:notation ?code .
          GRAPH ?g { ?a ga:territory ?t } ?t rdfs:label ?place }""")
    places = {(row["code"].value, row["place"].value, row["g"].value.rsplit("/", 1)[-1])
              for row in rows}
    assert places == {
        ("borders-residency", "Exampleville", "derived"),  # example places xx-state there
        ("housing", "Exampleville", "derived"),  # xx-city's; and yy-office's, below
        ("housing", "Othertown", "derived"),  # yy-office is placed nowhere: for all of FR
        ("health", "Othertown", "derived"),  # second places xx-state in Othertown
        ("education", "Exampleville", "derived")}  # second does not place xx-city: any


def test_the_same_actor_in_two_datasets_must_keep_its_type(empty_store, dataset):
    load_dataset(empty_store, dataset())
    other = dataset("second", actors="""\
        id,label,type,level,country,parent,territory,source,locator
        xx-city,City of Exampleville,metropole,local,FR,,,doc.txt,1
        """, competences="holder,competence,level,qualifier,valid_from,valid_until,source,"
        "locator\n", links="from_actor,to_actor,type,instrument,valid_from,valid_until,source,"
        "locator\n")
    assert refused(empty_store, other) == [
        "second/actors.csv:2: column 'type': actor 'xx-city' is already stored with type "
        "'municipality'. Fix: use the same type in every dataset that defines this actor"]


def test_xlsx_workbook_loads_like_the_csv_folder(empty_store, dataset, tmp_path):
    import csv

    from openpyxl import Workbook

    folder = dataset()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in ("actors", "competences", "links"):
        sheet = workbook.create_sheet(name)
        with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                sheet.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / "example-book.xlsx"
    workbook.save(path)
    from_csv = load_dataset(empty_store, folder, dry_run=True).quads
    assert load_dataset(empty_store, path).quads == from_csv
    assert empty_store.ask('ASK { ?a ga:validFrom "2019-01-01"^^xsd:date }')


def test_xlsx_problem_names_the_sheet_and_row(empty_store, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.create_sheet("actors").append(
        ["id", "label", "type", "level", "country", "parent", "territory", "source", "locator"])
    workbook["actors"].append(["xx-a", "A", "ministri", "national", "FR", None, None, "d", 1])
    for name, header in (("competences", "holder,competence,level,qualifier,valid_from,"
                          "valid_until,source,locator"),
                         ("links", "from_actor,to_actor,type,instrument,valid_from,valid_until,"
                          "source,locator")):
        workbook.create_sheet(name).append(header.split(","))
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    assert refused(empty_store, path) == [
        "book.xlsx[actors]:2: column 'type': unknown actor type 'ministri'. Fix: use "
        "'ministry' (govatlas codes 'actor type' lists them all)"]


def test_quantities_are_typed_literals(empty_store, dataset):
    path = dataset(quantities="""\
        subject,kind,value,unit,year,about,source,locator
        xx-city,amount,1500000,EUR,2020,envelope for the city,doc.txt,8
        xx-city,count,12,sites,2020,number of sites,doc.txt,9
        xx-city,period,2018..2020,,,strategy period,doc.txt,10
        """)
    load_dataset(empty_store, path)
    assert empty_store.ask('ASK { ?q ga:value "1500000"^^xsd:decimal ; ga:unit "EUR" ; '
                           'ga:year "2020"^^xsd:gYear }')
    assert empty_store.ask('ASK { ?q ga:value "12"^^xsd:integer }')
    assert empty_store.ask('ASK { ?q ga:validFrom "2018-01-01"^^xsd:date ; '
                           'ga:validUntil "2020-12-31"^^xsd:date }')
