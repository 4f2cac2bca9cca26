"""Every statement the graph makes about a thing, with the document and lines that state it.

A researcher checks a claim against its source: `govatlas sources Diair` lists what the graph
says about the Interministerial Delegation (its definition, the competences it holds, the links
from and to it, the figures about it), each with the source file and line numbers, and, given the
documents' folder, the quoted lines themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.loaders.dataset import ID_PATTERN
from govatlas.ontology.errors import GovatlasError
from govatlas.ontology.namespaces import ACTOR, INSTRUMENT
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary


@dataclass(frozen=True)
class Attested:
    """One statement, in words, with where it comes from."""

    kind: str
    statement: str
    source: str
    locator: str
    record: str
    iri: str


class NotFound(GovatlasError, LookupError):
    """No actor or instrument matches; carries close names to suggest."""

    def __init__(self, key: str, suggestions: list[str]) -> None:
        self.key = key
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No actor or instrument is called '{key}'.{hint}")


#: Change types read "ORIGINAL <type> RESULTING" ("the CTAIR merges into the Integration
#: territories"); the others read "RESULTING <type> ORIGINAL" ("the CTAI succeeds the CTAIR").
ORIGINAL_FIRST = ("/merges-into",)


def resolve(store: GraphStore, key: str) -> list[str]:
    """IRIs of the actors or instruments whose id, label or other name is ``key``."""
    if ID_PATTERN.match(key):
        for prefix in (ACTOR, INSTRUMENT):
            if store.select(load_query(__package__, "has-label"),
                            {"thing": ox.NamedNode(prefix + key)}):
                return [prefix + key]
    rows = store.select(load_query(__package__, "things-named"), {"key": ox.Literal(key)})
    if rows:
        return sorted(row["thing"].value for row in rows)
    names = [row["name"].value for row in store.select(load_query(__package__, "names"))]
    import difflib

    near = difflib.get_close_matches(key, names, n=5, cutoff=0.6)
    near += [name for name in names if key.casefold() in name.casefold() and name not in near]
    raise NotFound(key, near[:5])


def statements_about(store: GraphStore, iri: str) -> list[Attested]:
    """Every statement about the actor or instrument ``iri``, each with its provenance."""
    labels = _labels(store)
    vocab = vocabulary()

    def name(term) -> str:
        if term is None:
            return ""
        return labels.get(term.value) or vocab.label(term.value)

    found: dict[tuple[str, str, str], Attested] = {}
    for row in store.select(load_query(__package__, "statements-about"),
                            {"thing": ox.NamedNode(iri)}):
        kind = row["kind"].value

        def text(key: str, row=row) -> str:
            return row[key].value if row[key] is not None else ""

        period = _period(text("validFrom"), text("validUntil"))
        if kind == "definition":
            sentence = f"{name(row['s'])} is stated"
        elif kind == "competence":
            qualifier = f" ({text('qualifier')})" if text("qualifier") else ""
            sentence = (f"{name(row['holder'])} holds {name(row['competence'])}{qualifier} "
                        f"at {name(row['level']).lower()} level")
        elif kind == "link":
            instrument = f" [{name(row['instrument'])}]" if row["instrument"] else ""
            status = f" ({name(row['status'])})" if row["status"] else ""
            sentence = (f"{name(row['from'])} {name(row['type'])} {name(row['to'])}"
                        f"{instrument}{status}")
        elif kind == "inherited link":
            instrument = f" [{name(row['instrument'])}]" if row["instrument"] else ""
            status = f" ({name(row['status'])})" if row["status"] else ""
            when = f", {text('eventDate')}" if text("eventDate") else ""
            sentence = (f"{name(row['from'])} {name(row['type'])} {name(row['to'])}"
                        f"{instrument}{status} — inherited from {name(row['predecessor'])} "
                        f"({name(row['changeType'])}{when})")
        elif kind == "name":
            sentence = f"named '{text('name')}'"
        elif kind == "change":
            when = f" on {text('eventDate')}" if text("eventDate") else ""
            if row["original"] is not None and row["changeType"].value.endswith(
                    ORIGINAL_FIRST):
                sentence = (f"{name(row['original'])} {name(row['changeType'])} "
                            f"{name(row['resulting'])}{when}")
            elif row["original"] is not None:
                sentence = (f"{name(row['resulting'])} {name(row['changeType'])} "
                            f"{name(row['original'])}{when}")
            else:
                sentence = f"{name(row['resulting'])} {name(row['changeType'])}{when}"
        elif kind == "figure":
            value = " ".join(filter(None, (text("value"), text("unit"))))
            year = f" ({text('year')})" if text("year") else ""
            sentence = f"{text('about')}: {value}{year}" if value else text("about")
        else:
            sentence = (f"{name(row['effect'])} the {name(row['gap']).lower()}: "
                        f"{text('about')}")
        note = f" (note: {text('note')})" if text("note") else ""
        attested = Attested(kind, sentence + period + note, text("source"), text("locator"),
                            text("record"), row["s"].value)
        found.setdefault((attested.iri, attested.record, kind), attested)
    order = {"definition": 0, "name": 1, "change": 2, "competence": 3, "link": 4,
             "inherited link": 5, "figure": 6, "gap evidence": 7}
    return sorted(found.values(), key=lambda a: (order[a.kind], a.source, _first_line(a.locator),
                                                 a.statement))


def _labels(store: GraphStore) -> dict[str, str]:
    return {row["t"].value: row["l"].value
            for row in store.select(load_query(__package__, "labels"))}


def _period(start: str, end: str) -> str:
    if start and end:
        return f", {start} to {end}"
    if start:
        return f", from {start}"
    if end:
        return f", until {end}"
    return ""


def _first_line(locator: str) -> int:
    match = re.search(r"\d+", locator)
    return int(match[0]) if match else 0


def line_numbers(locator: str) -> list[int]:
    """The lines a locator names: ``'58; 61'`` -> [58, 61], ``'140-143'`` -> [140..143]."""
    lines: list[int] = []
    for part in re.split(r"[;,]", locator):
        match = re.fullmatch(r"\s*(?:lines?\s*)?(\d+)\s*(?:[-–]\s*(\d+))?\s*", part)
        if match:
            start = int(match[1])
            end = int(match[2]) if match[2] else start
            lines.extend(range(start, min(end, start + 200) + 1))
    return lines


def quote(documents: Path, source: str, locator: str) -> list[tuple[int, str]]:
    """The cited lines of ``source`` in the folder ``documents`` (blank lines skipped)."""
    path = documents / source
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [(number, text[number - 1].strip()) for number in line_numbers(locator)
            if 0 < number <= len(text) and text[number - 1].strip()]
