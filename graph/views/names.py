"""Names a person types, resolved against what the store holds.

A territory, a country, an actor, an instrument or a competence may be given by its id or code,
its label, an acronym or another name (``skos:altLabel``), and a country by its ISO code or its
name; case, accents and punctuation are ignored. A name that matches nothing is an error that
lists the closest names (by string similarity, and names that contain the words typed), so
``--country France`` works and ``--city Pariss`` says "did you mean Paris" instead of
reporting nothing; a name that matches several things lists them.

One query per kind builds the index, so resolving costs the same whether the store holds two
hundred actors or forty thousand.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.ontology.errors import UsageError
from govatlas.ontology.namespaces import ACTOR, GA, INSTRUMENT
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary

__all__ = ["NameIndex", "UnknownName", "normalize", "resolve_name"]


def normalize(text: str) -> str:
    """``text`` folded for matching: no case, no accents, single spaces, no punctuation.

    >>> normalize("  Île-de-France ")
    'ile de france'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


class UnknownName(UsageError):
    """No (or more than one) thing of a kind has the name given; ``candidates`` to suggest."""

    def __init__(self, kind: str, name: str, candidates: list[str], ambiguous: bool = False,
                 option: str = "") -> None:
        self.kind, self.name, self.candidates = kind, name, candidates
        where = f"{option} " if option else ""
        if ambiguous:
            message = (f"{where}'{name}' names several {kind}s: {', '.join(candidates)}. "
                       "Fix: give the id or the full name of one")
        else:
            hint = (f" Did you mean: {', '.join(candidates)}?" if candidates
                    else f" (govatlas stats lists the {kind}s)")
            message = f"{where}no {kind} is called '{name}'.{hint}"
        super().__init__(message)


@dataclass
class NameIndex:
    """Every name of one kind of thing: normalized name -> the keys it names."""

    kind: str
    keys: dict[str, set[str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # key -> the name to show
    spelled: dict[str, str] = field(default_factory=dict)  # normalized -> as written

    def add(self, key: str, *names: str) -> None:
        for name in names:
            if name:
                self.keys.setdefault(normalize(name), set()).add(key)
                self.spelled.setdefault(normalize(name), name)
        if names and names[0]:
            self.shown.setdefault(key, names[0])

    def resolve(self, name: str, option: str = "") -> str:
        """The one key ``name`` names; :class:`UnknownName` with candidates otherwise."""
        found = self.keys.get(normalize(name), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise UnknownName(self.kind, name, sorted(self.shown.get(k, k) for k in found),
                              ambiguous=True, option=option)
        raise UnknownName(self.kind, name, self.suggest(name), option=option)

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """The names closest to ``name``, one per thing: names holding every word typed
        first (the shortest first), then similar spellings."""
        wanted = normalize(name)
        words = wanted.split()
        holding = sorted((known for known in self.keys
                          if words and all(word in known.split() for word in words)),
                         key=lambda known: (len(known), known))
        similar = difflib.get_close_matches(wanted, list(self.keys), n=2 * limit, cutoff=0.6)
        shown: list[str] = []
        seen: set[str] = set()
        for known in [*holding, *similar]:
            for key in sorted(self.keys[known] - seen):
                seen.add(key)
                label = self.shown.get(key, key)
                spelled = self.spelled.get(known, label)
                shown.append(label if normalize(label) == known else f"{spelled} ({label})")
        return shown[:limit]


def _labelled(store: GraphStore, kind: str, rdf_class: str, strip: str = "") -> NameIndex:
    index = NameIndex(kind)
    rows = store.select(load_query(__package__, "names-labelled"),
                        {"class": ox.NamedNode(rdf_class)})
    for row in rows:
        iri = row["thing"].value
        key = iri[len(strip):] if strip and iri.startswith(strip) else iri
        others = row["others"].value.split("\u001f") if row["others"] is not None else []
        index.add(key, row["label"].value, *others, key)
    return index


def territories(store: GraphStore) -> NameIndex:
    """Territories by label and other names; the key is the label the data gives."""
    index = NameIndex("territory")
    for row in store.select(load_query(__package__, "names-territories")):
        label = row["label"].value
        index.add(label, label, row["other"].value if row["other"] is not None else "")
    return index


def countries(store: GraphStore) -> NameIndex:
    """The countries the data names, by ISO code and by name (English and common names)."""
    import pycountry

    index = NameIndex("country")
    for row in store.select(load_query(__package__, "names-countries")):
        code = row["code"].value.upper()
        entry = pycountry.countries.get(alpha_2=code)
        names = [getattr(entry, attribute, "") for attribute in
                 ("name", "common_name", "official_name", "alpha_3")] if entry else []
        index.add(code, code, *names)
    return index


def actors(store: GraphStore) -> NameIndex:
    """Actors by id, label, acronym and other names; the key is the id."""
    return _labelled(store, "actor", GA + "Actor", strip=ACTOR)


def instruments(store: GraphStore) -> NameIndex:
    """Instruments by id, label, acronym and other names; the key is the id."""
    return _labelled(store, "instrument", GA + "Instrument", strip=INSTRUMENT)


def competences() -> NameIndex:
    """Competences by code and label (English and French); the key is the code."""
    index = NameIndex("competence")
    for concept in vocabulary().lists["competence"].by_code.values():
        index.add(concept.code, concept.label, concept.code, concept.label_fr)
    return index


INDEXES = {"territory": territories, "country": countries, "actor": actors,
           "instrument": instruments}


def resolve_name(store: GraphStore, kind: str, name: str, option: str = "") -> str:
    """The key of the ``kind`` (territory, country, actor, instrument, competence) called
    ``name``: a territory's label, an ISO country code, an actor's or instrument's id, a
    competence code. :class:`UnknownName` (exit code 2) lists the closest names."""
    index = competences() if kind == "competence" else INDEXES[kind](store)
    return index.resolve(name, option)
