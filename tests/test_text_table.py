"""The sentence table of the overview page: every sentence written back as it was, and the
sentences of one kind sharing one template."""

from __future__ import annotations

from govatlas.viz.text_table import TextTable, join

FISCAL = ("fiscal gap: {holder} delivers {competence} in {place}, which {other} also holds, "
          "but no funding reaches it from a higher level.")


def fiscal(holder: str, competence: str, place: str, other: str) -> str:
    return FISCAL.format(holder=holder, competence=competence, place=place, other=other)


def test_sentences_come_back_character_for_character():
    table = TextTable()
    texts = [
        (fiscal("Department 0", "Child protection", "Department 0", "National government"),
         "fiscal"),
        (fiscal("Region 12", "Housing", "Region 12", "Ministry of the Interior (National)"),
         "fiscal"),
        (fiscal("", "Solidarities", "Area 3", "Department 1"), "fiscal"),  # an empty argument
        (fiscal("Città di Milano", "Salute", "Milano", "Regione <Lombardia> & co"), "fiscal"),
        ("participatory gap: Department 0 has no link with any migrant association.",
         "participatory"),
        ("something else entirely, of the fiscal kind", "fiscal"),  # fits no template
    ]
    numbers = table.extend(texts)
    assert [table.text(n) for n in numbers] == [text for text, _kind in texts]
    # the same sentence twice is one entry
    assert table.add(texts[1][0], "fiscal") == numbers[1]


def test_a_kind_shares_one_template_and_arguments_are_kept_once():
    table = TextTable()
    numbers = table.extend((fiscal(f"Department {i}", "Child protection", f"Department {i}",
                                   "National government"), "fiscal") for i in range(50))
    encoded = [table.sentences[n] for n in numbers[2:]]
    assert all(isinstance(item, list) for item in encoded)
    assert len({item[0] for item in encoded}) == 1  # one template after the second sentence
    constants = table.templates[encoded[0][0]]
    assert "but no funding reaches it from a higher level." in constants[-1]
    # each argument is in the table once however many sentences use it
    assert len(table.arguments) == len(set(table.arguments))
    assert join(constants, [table.arguments[a] for a in encoded[0][1:]]) == table.text(numbers[2])
