"""Turning the rows of a dataset's templates into RDF statements, checking them on the way.

Every row is checked before any quad leaves this module: codes against the vocabularies, ids
against the actors and instruments the dataset (or the store) defines, dates for their format and
order, provenance for its presence. All problems are collected and raised together as one
:class:`~govatlas.loaders.errors.DataError`, so a half-checked dataset is never stored.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from govatlas.ontology.namespaces import (
    ACTOR,
    DCTERMS,
    EVENT,
    GA,
    INSTRUMENT,
    ORG,
    PLACE,
    PROV,
    RDF,
    RDFS,
    SKOS,
    SOURCE,
    STATEMENT,
    TERRITORY,
    XSD,
)
from govatlas.ontology.vocabulary import UnknownCode, Vocabulary

from .errors import DataError, Problem
from .tables import Row, Table

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COUNTRY_PATTERN = re.compile(r"^([A-Z]{2}|EU|INT)$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
LIST_SEPARATOR = "|"
#: Where in its source a statement stands (the ``stated_in`` column): a table, the running text,
#: or a note (a footnote, an endnote, a reference's title).
STATED_IN = ("table", "text", "note")
#: quads handed to a sink at a time when converting in batches (a few MB of terms)
BATCH_QUADS = 20_000

# Words of a qualifier and the kind of qualification they signal (qualifier-kind scheme).
QUALIFIER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shared", ("shared",)),
    ("delegated", ("delegated",)),
    ("partial", ("partial", "some elements", "only")),
    ("age-range", ("years", "pre-school", "kindergarten", "crèche", "primary", "secondary",
                   "0–", "0-")),
    ("scope", ("planning", "funding", "financing", "implementation", "curriculum", "teaching",
               "coordinating", "facilitating", "maintaining", "creation")),
    ("via-instrument", ("via ", "administered by", "through")),
    ("time-limited", ("until", "since", "created")),
)


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = N(RDF + "type")
LABEL = N(RDFS + "label")
PREF_LABEL = N(SKOS + "prefLabel")
ALT_LABEL = N(SKOS + "altLabel")
WAS_DERIVED_FROM = N(PROV + "wasDerivedFrom")
QUALIFIED_DERIVATION = N(PROV + "qualifiedDerivation")
PROV_ENTITY = N(PROV + "entity")


def ga(name: str) -> ox.NamedNode:
    return N(GA + name)


def slug(text: str) -> str:
    """A lower-case ascii slug of ``text`` for IRIs (``Île-de-France`` -> ``ile-de-france``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def parse_date(text: str, end: bool) -> date:
    """A ``YYYY[-MM[-DD]]`` text as a date: the first day of the period, or its last if ``end``."""
    match = DATE_PATTERN.match(text)
    if not match:
        raise ValueError(text)
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        return date(year, month, int(match[3]))
    if not end:
        return date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def qualifier_kinds(text: str) -> list[str]:
    """The qualifier kinds that the words of a qualifier or note signal."""
    lowered = text.lower()
    return [kind for kind, words in QUALIFIER_WORDS if any(word in lowered for word in words)]


@dataclass
class KnownIds:
    """Ids already in the store that a dataset may refer to without defining them."""

    actors: dict[str, str] = field(default_factory=dict)  # id -> actor type IRI
    instruments: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)

    def update(self, other: KnownIds) -> None:
        """Add the ids of ``other`` (a dataset checked earlier in the same load)."""
        self.actors.update(other.actors)
        self.instruments |= other.instruments
        self.links |= other.links


class DatasetConverter:
    """Checks the tables of one dataset and builds its quads in the dataset's named graph."""

    def __init__(self, name: str, graph: str, vocabulary: Vocabulary,
                 known: KnownIds | None = None,
                 sink: Callable[[list[str]], None] | None = None) -> None:
        """``sink``, when given, receives the statements in batches of :data:`BATCH_QUADS`
        N-Triples lines as they are made, so the dataset is never held whole (the sink
        writes them to a file for the bulk loader; a line made from the terms' own
        serialisation costs a third of a quad made and serialised); without it they are
        kept in :attr:`quads`, in ``graph`` (a scratch store in memory holds them all
        anyway)."""
        self.name = name
        self.sink = sink
        self.graph = N(graph)
        self.vocabulary = vocabulary
        self.known = known or KnownIds()
        self.quads: list[ox.Quad] = []
        self.lines: list[str] = []
        self.problems: list[Problem] = []
        # What the checks need of the rows, not the rows (read again for each pass, see
        # loaders.tables.Rows): ids with the line defining them, interned.
        self.actors: dict[str, tuple[str, int]] = {}  # id -> (type IRI once read, line)
        self.actors_file = ""
        self.parents: dict[str, str] = {}
        self.labels: dict[str, str] = {}  # actor or instrument id -> label, for names.csv
        self.instruments: dict[str, int] = {}
        self.links: dict[str, int] = {}
        self.documents: dict[str, ox.NamedNode] = {}
        self.source_titles: dict[str, Row] = {}
        self.territories: dict[str, ox.NamedNode] = {}
        self.statements: dict[str, int] = {}  # statement IRI -> line of its row
        # ids of allocations and figures (their ``id`` column) -> statement IRI and the row's
        # place with its holder and competence, so a row's ``conflicts_with`` or a link's
        # ``allocation`` can name another; the disputes are built once all are read
        self.statement_ids: dict[str, tuple[str, Row]] = {}
        self.pending_disputes: list[tuple[Row, ox.NamedNode]] = []
        self.events: dict[str, int] = {}

    # --- small helpers ---------------------------------------------------------------------
    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode,
            obj: ox.NamedNode | ox.Literal) -> None:
        if self.sink is None:
            self.quads.append(ox.Quad(subject, predicate, obj, self.graph))
            return
        self.lines.append(f"{subject} {predicate} {obj} .\n")
        if len(self.lines) >= BATCH_QUADS:
            self.sink(self.lines)
            self.lines = []

    def problem(self, row: Row, column: str | None, message: str, fix: str | None) -> None:
        self.problems.append(Problem(row.file, row.line, column, message, fix))

    def required(self, row: Row, *columns: str) -> bool:
        ok = True
        for column in columns:
            if not row.get(column):
                self.problem(row, column, "is empty", f"fill in the {column}")
                ok = False
        return ok

    def code(self, row: Row, column: str, list_name: str, value: str | None = None
             ) -> ox.NamedNode | None:
        text = row.get(column) if value is None else value.strip()
        if not text:
            return None
        try:
            return N(self.vocabulary.resolve(list_name, text).iri)
        except UnknownCode as error:
            fix = (f"use '{error.suggestion}'" if error.suggestion else "use a listed code")
            fix += f" (govatlas codes '{list_name}' lists them all)"
            self.problem(row, column, f"unknown {list_name} '{text}'", fix)
            return None

    def date_literal(self, row: Row, column: str, end: bool) -> ox.Literal | None:
        text = row.get(column)
        if not text:
            return None
        try:
            return ox.Literal(parse_date(text, end).isoformat(), datatype=N(XSD + "date"))
        except ValueError:
            self.problem(row, column, f"'{text}' is not a date",
                         "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019 or 2016-08)")
            return None

    def period(self, row: Row, node: ox.NamedNode) -> None:
        start = self.date_literal(row, "valid_from", end=False)
        finish = self.date_literal(row, "valid_until", end=True)
        if start is not None:
            self.add(node, ga("validFrom"), start)
        if finish is not None:
            self.add(node, ga("validUntil"), finish)
        if start is not None and finish is not None and start.value > finish.value:
            self.problem(row, "valid_until", f"ends ({row.get('valid_until')}) before it starts "
                         f"({row.get('valid_from')})", "swap the two dates or correct one")

    def text(self, node: ox.NamedNode, predicate: ox.NamedNode, value: str) -> None:
        if value:
            self.add(node, predicate, ox.Literal(value))

    def document(self, source: str) -> ox.NamedNode:
        node = self.documents.get(source)
        if node is None:
            node = N(SOURCE + slug(source))
            self.documents[source] = node
            self.add(node, TYPE, ga("SourceDocument"))
            self.add(node, N(DCTERMS + "identifier"), ox.Literal(source))
        return node

    def statement(self, row: Row, kind: str, columns: tuple[str, ...], rdf_class: str
                  ) -> ox.NamedNode | None:
        """A statement node named by a digest of its content; None if the row repeats one."""
        node = N(STATEMENT + f"{kind}/" + digest(*(row.get(column) for column in columns)))
        if not self.new_statement(row, node):
            return None
        self.add(node, TYPE, ga(rdf_class))
        return node

    def identified_statement(self, row: Row, kind: str, columns: tuple[str, ...],
                             rdf_class: str) -> ox.NamedNode | None:
        """The statement of a row: named by its ``id`` when it has one (so another row can
        dispute it), else by a digest of its content as :meth:`statement` does."""
        statement_id = row.get("id")
        if not statement_id:
            return self.statement(row, kind, columns, rdf_class)
        entry = self.statement_ids.get(statement_id)
        if entry is None or (entry[1].file, entry[1].line) != (row.file, row.line):
            return None  # an invalid or duplicate id, reported by declare_ids
        node = N(entry[0])
        self.add(node, TYPE, ga(rdf_class))
        return node

    def placement(self, row: Row, node: ox.NamedNode) -> None:
        """Where the statement stands in its source (``stated_in``): table, text or note."""
        value = row.get("stated_in")
        if not value:
            return
        if value not in STATED_IN:
            self.problem(row, "stated_in", f"'{value}' is not a part of a source",
                         f"use one of {', '.join(STATED_IN)}")
            return
        self.add(node, ga("statedIn"), ox.Literal(value))

    def dispute_of(self, row: Row, node: ox.NamedNode) -> None:
        """Remember a ``conflicts_with`` to link once every statement id is known."""
        if row.get("conflicts_with"):
            self.pending_disputes.append((row, node))
        elif row.get("dispute_note"):
            self.problem(row, "dispute_note", "is given, but conflicts_with is empty",
                         "name in conflicts_with the id of the statement this one disputes")

    def disputes(self) -> None:
        """One ``ga:Dispute`` per pair of statements a row says conflict, with the curator's
        note; both statements stay as they are, neither is preferred."""
        for row, node in self.pending_disputes:
            other_id = row.get("conflicts_with")
            entry = self.statement_ids.get(other_id)
            if entry is None:
                self.problem(row, "conflicts_with", f"no allocation or figure has the id "
                             f"'{other_id}'", "use an id from the id column of competences.csv "
                             "or quantities.csv of this dataset" + self._nearest(
                                 other_id, list(self.statement_ids)))
                continue
            other = N(entry[0])
            if other.value == node.value:
                self.problem(row, "conflicts_with", "a statement cannot conflict with itself",
                             "name the other statement's id")
                continue
            pair = sorted((node.value, other.value))
            dispute = N(STATEMENT + "dispute/" + digest(*pair))
            self.add(dispute, TYPE, ga("Dispute"))
            self.add(dispute, ga("disputes"), node)
            self.add(dispute, ga("disputes"), other)
            self.text(dispute, ga("curatorNote"), row.get("dispute_note"))
            if row.get("source") and row.get("locator"):  # else reported for the statement
                self.provenance(row, dispute)

    def set_code(self, node: ox.NamedNode, predicate: str, row: Row, column: str,
                 list_name: str) -> None:
        """``node predicate <concept>`` for the code in ``column``, if it is a valid code."""
        concept = self.code(row, column, list_name)
        if concept is not None:
            self.add(node, ga(predicate), concept)

    def set_country(self, node: ox.NamedNode, row: Row) -> str:
        country = row.get("country")
        if country and not COUNTRY_PATTERN.match(country):
            self.problem(row, "country", f"'{country}' is not a country code",
                         "use the ISO 3166-1 alpha-2 code in capitals (FR, AT), EU or INT")
        elif country:
            self.add(node, ga("country"), ox.Literal(country))
        return country

    def new_statement(self, row: Row, node: ox.NamedNode) -> bool:
        """False, with a problem, when an identical row was already read."""
        first = self.statements.get(node.value)
        if first is not None:
            self.problem(row, None, f"repeats the row at line {first} word for word",
                         "delete one of the two rows")
            return False
        self.statements[node.value] = row.line
        return True

    def provenance(self, row: Row, node: ox.NamedNode) -> None:
        """``node`` was derived from the row's source at its locator (a PROV-O derivation)."""
        if not self.required(row, "source", "locator"):
            return
        document = self.document(row.get("source"))
        derivation = N(STATEMENT + "derivation/" + digest(self.name, row.record, node.value))
        self.add(node, WAS_DERIVED_FROM, document)
        self.add(node, QUALIFIED_DERIVATION, derivation)
        self.add(derivation, TYPE, N(PROV + "Derivation"))
        self.add(derivation, PROV_ENTITY, document)
        self.add(derivation, ga("locator"), ox.Literal(row.get("locator")))
        self.add(derivation, ga("record"), ox.Literal(row.record))
        self.add(derivation, ga("dataset"), ox.Literal(self.name))

    def territory(self, name: str, country: str) -> ox.NamedNode:
        node = self.territories.get(name)
        if node is None:
            node = N(TERRITORY + slug(name))
            self.territories[name] = node
            self.add(node, TYPE, ga("Territory"))
            self.add(node, LABEL, ox.Literal(name))
            if country:
                self.add(node, ga("country"), ox.Literal(country))
        return node

    def actor_ref(self, row: Row, column: str) -> ox.NamedNode | None:
        value = row.get(column)
        if not value:
            return None
        if value in self.actors or value in self.known.actors:
            return N(ACTOR + value)
        self.problem(row, column, f"no actor has the id '{value}'",
                     "add it to actors.csv, or correct the id" + self._nearest(
                         value, [*self.actors, *self.known.actors]))
        return None

    def instrument_ref(self, row: Row, column: str, value: str | None = None
                       ) -> ox.NamedNode | None:
        value = row.get(column) if value is None else value
        if not value:
            return None
        if value in self.instruments or value in self.known.instruments:
            return N(INSTRUMENT + value)
        self.problem(row, column, f"no instrument has the id '{value}'",
                     "add it to instruments.csv, or correct the id" + self._nearest(
                         value, [*self.instruments, *self.known.instruments]))
        return None

    @staticmethod
    def _nearest(value: str, ids: list[str]) -> str:
        import difflib

        match = difflib.get_close_matches(value, ids, n=1)
        return f" (did you mean '{match[0]}'?)" if match else ""

    def identifier(self, row: Row, column: str, seen: dict, kind: str) -> str | None:
        value = row.get(column)
        if not value:
            self.problem(row, column, "is empty", f"give the {kind} an id")
            return None
        if not ID_PATTERN.match(value):
            self.problem(row, column, f"'{value}' is not a valid id",
                         f"use lower-case letters, digits and '-' only, e.g. '{slug(value)}'")
            return None
        if value in seen:
            first = seen[value]
            line = first if isinstance(first, int) else first[1]
            line = line if isinstance(line, int) else line.line
            self.problem(row, column, f"duplicate {kind} id '{value}' (first defined at line "
                         f"{line})", "give each row its own id, or merge the two rows")
            return None
        return sys.intern(value)

    def declared(self) -> KnownIds:
        """The ids this dataset defines, as another dataset of the same load may see them."""
        known = KnownIds()
        known.actors.update((actor_id, entry[0]) for actor_id, entry in self.actors.items()
                            if entry[0])
        known.instruments.update(self.instruments)
        known.links.update(self.links)
        return known

    # --- the templates ---------------------------------------------------------------------
    def convert(self, tables: dict[str, Table]) -> list[ox.Quad]:
        """Check every table and return the dataset's quads, or raise :class:`DataError`."""
        quads, problems = self.convert_collecting(tables)
        if problems:
            raise DataError(problems)
        return quads

    def convert_collecting(self, tables: dict[str, Table]) -> tuple[list[ox.Quad], list[Problem]]:
        """The quads of every row that could be read, and the problems of the others (with a
        sink, the quads went to it and the list returned is empty).

        Every problem of every row is found in the one run either way: ids are collected in
        a first pass over the rows, so checks that need them all (dangling ids, parent
        cycles) see the whole dataset while its quads are made batch by batch. A validator
        wants both: the problems to fix, and the rest of the data checked against
        the shapes in the same run.
        """
        if "sources" in tables:
            self.read_sources(tables["sources"])
        self.declare_ids(tables)
        for row in tables["actors"].rows:
            self.actor(row)
        self.check_parent_cycles()
        for row in tables.get("instruments", Table(None, "")).rows:  # type: ignore[arg-type]
            self.instrument(row)
        for row in tables["competences"].rows:
            self.allocation(row)
        for row in tables["links"].rows:
            self.link(row)
        for row in tables.get("quantities", Table(None, "")).rows:  # type: ignore[arg-type]
            self.quantity(row)
        for row in tables.get("gap_evidence", Table(None, "")).rows:  # type: ignore[arg-type]
            self.gap_evidence(row)
        self.disputes()
        for row in tables.get("events", Table(None, "")).rows:  # type: ignore[arg-type]
            self.change_event(row)
        for row in tables.get("names", Table(None, "")).rows:  # type: ignore[arg-type]
            self.name_attestation(row)
        for source, node in self.documents.items():
            if source in self.source_titles:
                row = self.source_titles[source]
                self.text(node, N(DCTERMS + "title"), row.get("title"))
                self.text(node, N(DCTERMS + "publisher"), row.get("publisher"))
                self.text(node, N(DCTERMS + "date"), row.get("year"))
                if row.get("url"):
                    self.add(node, N(DCTERMS + "source"), ox.Literal(row.get("url")))
        if self.sink is not None and self.lines:
            self.sink(self.lines)
            self.lines = []
        return self.quads, self.problems

    def read_sources(self, table: Table) -> None:
        for row in table.rows:
            if self.required(row, "id", "title"):
                self.source_titles[row.get("id")] = row

    def declare_ids(self, tables: dict[str, Table]) -> None:
        """Collect the ids first, so rows may refer to ones defined further down."""
        names = bool(tables.get("names", Table(None, "")).rows)  # type: ignore[arg-type]
        self.actors_file = tables["actors"].file
        for row in tables["actors"].rows:
            value = self.identifier(row, "id", self.actors, "actor")
            if value:
                self.actors[value] = ("", row.line)
                if row.get("parent"):
                    self.parents[value] = sys.intern(row.get("parent"))
                if names:
                    self.labels[value] = row.get("label")
        for row in tables.get("instruments", Table(None, "")).rows:  # type: ignore[arg-type]
            value = self.identifier(row, "id", self.instruments, "instrument")
            if value:
                self.instruments[value] = row.line
                if names:
                    self.labels.setdefault(value, row.get("label"))
        for row in tables["links"].rows:
            if row.get("id"):
                value = self.identifier(row, "id", self.links, "link")
                if value:
                    self.links[value] = row.line
        for name, kind in (("competences", "allocation"), ("quantities", "quantity")):
            for row in tables.get(name, Table(None, "")).rows:  # type: ignore[arg-type]
                if row.get("id"):
                    value = self.identifier(row, "id", self.statement_ids, "statement")
                    if value:
                        place = Row(row.file, row.line, {"holder": row.get("holder"),
                                                         "competence": row.get("competence")})
                        self.statement_ids[value] = (STATEMENT + f"{kind}/{value}", place)

    def actor(self, row: Row) -> None:
        actor_id = row.get("id")
        if actor_id not in self.actors or self.actors[actor_id][1] != row.line:
            return  # a duplicate or invalid id, already reported
        node = N(ACTOR + actor_id)
        self.required(row, "label", "type", "level", "country")
        actor_type = self.code(row, "type", "actor type")
        if actor_type is not None:
            self.actors[actor_id] = (actor_type.value, row.line)
            known_type = self.known.actors.get(actor_id)
            if known_type and known_type != actor_type.value:
                self.problem(row, "type", f"actor '{actor_id}' is already stored with type "
                             f"'{self.vocabulary.by_iri[known_type].code}'",
                             "use the same type in every dataset that defines this actor")
            self.add(node, TYPE, actor_type)
            self.add(node, N(ORG + "classification"), actor_type)
            for ancestor in self.vocabulary.ancestors.get(actor_type.value, []):
                self.add(node, TYPE, N(ancestor))
        label = row.get("label")
        self.text(node, LABEL, label)
        self.text(node, PREF_LABEL, label)
        for alt in filter(None, (part.strip() for part in row.get("alt_labels").split("|"))):
            self.add(node, ALT_LABEL, ox.Literal(alt))
        for level in filter(None, (part.strip() for part in row.get("level").split("|"))):
            level_node = self.code(row, "level", "level", level)
            if level_node is not None:
                self.add(node, ga("level"), level_node)
        country = self.set_country(node, row)
        parent = self.actor_ref(row, "parent")
        if parent is not None:
            if parent.value == node.value:
                self.problem(row, "parent", "an actor cannot be its own parent",
                             "leave parent empty or name the body it belongs to")
            else:
                self.add(node, N(ORG + "subOrganizationOf"), parent)
        if row.get("territory"):
            self.add(node, ga("territory"), self.territory(row.get("territory"), country))
        for place in filter(None, (part.strip() for part in row.get("located_in").split("|"))):
            self.add(node, ga("locatedIn"), self.place(place))
        self.period(row, node)
        self.text(node, ga("note"), row.get("note"))
        self.provenance(row, node)

    def place(self, name: str) -> ox.NamedNode:
        """The node of a place a body is located in (``located_in``): a ``ga:Place``, not a
        territory, so that it adds no row to the competence matrix."""
        node = N(PLACE + slug(name))
        self.add(node, TYPE, ga("Place"))
        self.add(node, LABEL, ox.Literal(name))
        return node

    def check_parent_cycles(self) -> None:
        parents = self.parents
        reported: set[str] = set()
        for start in parents:
            seen: list[str] = []
            current = start
            while current in parents and parents[current] and current not in seen:
                seen.append(current)
                current = parents[current]
            if current in seen and current not in reported:
                cycle = seen[seen.index(current):]
                reported.update(cycle)
                self.problems.append(Problem(
                    self.actors_file, self.actors[current][1], "parent",
                    "parents form a cycle: " + " -> ".join([*cycle, current]),
                    "an actor cannot be, through its parents, part of itself; "
                    "clear one parent in the cycle"))

    def instrument(self, row: Row) -> None:
        instrument_id = row.get("id")
        if self.instruments.get(instrument_id) != row.line:
            return
        node = N(INSTRUMENT + instrument_id)
        self.required(row, "label", "type")
        self.add(node, TYPE, ga("Instrument"))
        self.text(node, LABEL, row.get("label"))
        self.text(node, PREF_LABEL, row.get("label"))
        for alt in filter(None, (part.strip() for part in row.get("alt_labels").split("|"))):
            self.add(node, ALT_LABEL, ox.Literal(alt))
        self.set_code(node, "instrumentType", row, "type", "instrument type")
        country = self.set_country(node, row)
        if row.get("territory"):
            self.add(node, ga("territory"), self.territory(row.get("territory"), country))
        predecessor = self.instrument_ref(row, "succeeds")
        if predecessor is not None:
            self.add(node, ga("succeeds"), predecessor)
        owner = self.actor_ref(row, "owner")
        if owner is not None:
            self.add(node, ga("owner"), owner)
        for aligned in filter(None, (part.strip() for part in row.get("aligns").split("|"))):
            target = self.instrument_ref(row, "aligns", aligned)
            if target is not None:
                self.add(node, ga("aligns"), target)
        self.set_code(node, "status", row, "status", "status")
        self.period(row, node)
        self.text(node, ga("note"), row.get("note"))
        self.provenance(row, node)

    def allocation(self, row: Row) -> None:
        self.required(row, "holder", "competence", "level")
        node = self.identified_statement(row, "allocation", (
            "holder", "competence", "level", "qualifier", "valid_from", "valid_until", "note",
            "stated_as", "source", "locator"), "CompetenceAllocation")
        if node is None:
            return
        holder = self.actor_ref(row, "holder")
        if holder is not None:
            self.add(node, ga("holder"), holder)
        self.set_code(node, "competence", row, "competence", "competence")
        self.set_code(node, "level", row, "level", "level")
        territory = row.get("territory")
        if territory:  # the territory the source states this allocation for
            self.add(node, ga("territory"), self.territory(territory, ""))
        qualifier = row.get("qualifier")
        self.text(node, ga("qualifier"), qualifier)
        self.text(node, ga("note"), row.get("note"))
        self.text(node, ga("statedAs"), row.get("stated_as"))
        for kind in qualifier_kinds(f"{qualifier} {row.get('note')}"):
            self.add(node, ga("qualifierKind"), N(self.vocabulary.resolve("qualifier kind",
                                                                          kind).iri))
        self.period(row, node)
        self.placement(row, node)
        self.dispute_of(row, node)
        self.provenance(row, node)

    def link(self, row: Row) -> None:
        self.required(row, "from_actor", "to_actor", "type")
        link_id = row.get("id")
        if link_id:
            if self.links.get(link_id) != row.line:
                return
            node = N(STATEMENT + "link/" + link_id)
        else:
            node = N(STATEMENT + "link/" + digest(*(row.get(column) for column in (
                "from_actor", "to_actor", "type", "instrument", "valid_from", "valid_until",
                "status", "note", "source", "locator"))))
            if not self.new_statement(row, node):
                return
        self.add(node, TYPE, ga("CoordinationLink"))
        for column, predicate in (("from_actor", "fromActor"), ("to_actor", "toActor")):
            actor = self.actor_ref(row, column)
            if actor is not None:
                self.add(node, ga(predicate), actor)
        if row.get("from_actor") and row.get("from_actor") == row.get("to_actor"):
            self.problem(row, "to_actor", "a link cannot go from an actor to itself",
                         "name two different actors")
        self.set_code(node, "linkType", row, "type", "link type")
        instrument = self.instrument_ref(row, "instrument")
        if instrument is not None:
            self.add(node, ga("instrument"), instrument)
        self.set_code(node, "status", row, "status", "status")
        # the competence the link is about: a delegation of it, its implementation for its
        # owner, funding or a contract for it
        self.set_code(node, "concernsCompetence", row, "competence", "competence")
        self.link_allocation(row, node)
        self.text(node, ga("note"), row.get("note"))
        self.period(row, node)
        self.placement(row, node)
        self.provenance(row, node)

    def link_allocation(self, row: Row, node: ox.NamedNode) -> None:
        """The allocation a link concerns (``allocation``: the ``id`` of a row of this dataset's
        competences.csv), when the competence alone does not say which of a holder's
        allocations is delegated or implemented; the link's competence is the allocation's
        when the row names none. The allocation must be held by one of the link's ends."""
        allocation_id = row.get("allocation")
        if not allocation_id:
            return
        entry = self.statement_ids.get(allocation_id)
        allocations = [key for key, (iri, _) in self.statement_ids.items()
                       if iri.startswith(STATEMENT + "allocation/")]
        if entry is None or not entry[0].startswith(STATEMENT + "allocation/"):
            self.problem(row, "allocation", f"no allocation has the id '{allocation_id}'",
                         "use an id from the id column of competences.csv of this dataset"
                         + self._nearest(allocation_id, allocations))
            return
        iri, held = entry
        if held.get("holder") not in (row.get("from_actor"), row.get("to_actor")):
            self.problem(row, "allocation", f"'{allocation_id}' is held by "
                         f"'{held.get('holder')}', neither end of the link",
                         "name an allocation of from_actor or to_actor")
            return
        if row.get("competence") and row.get("competence") != held.get("competence"):
            self.problem(row, "competence", f"is '{row.get('competence')}' but the allocation "
                         f"'{allocation_id}' is of '{held.get('competence')}'",
                         "leave competence empty (the allocation's is taken) or correct one")
            return
        self.add(node, ga("concernsAllocation"), N(iri))
        if not row.get("competence"):
            self.set_code(node, "concernsCompetence", held, "competence", "competence")

    def quantity(self, row: Row) -> None:
        self.required(row, "subject", "kind", "value", "about")
        node = self.identified_statement(row, "quantity", ("subject", "kind", "value", "unit",
                                                           "year", "about", "source", "locator"),
                                         "Quantity")
        if node is None:
            return
        subject_id = row.get("subject")
        if subject_id in self.actors or subject_id in self.known.actors:
            self.add(node, ga("subject"), N(ACTOR + subject_id))
        elif subject_id in self.instruments or subject_id in self.known.instruments:
            self.add(node, ga("subject"), N(INSTRUMENT + subject_id))
        elif subject_id in self.links or subject_id in self.known.links:
            self.add(node, ga("subject"), N(STATEMENT + "link/" + subject_id))
        elif subject_id:
            self.problem(row, "subject", f"no actor, instrument or link has the id "
                         f"'{subject_id}'", "use an id defined in actors.csv, instruments.csv "
                         "or the id column of links.csv")
        kind_node = self.code(row, "kind", "quantity kind")
        kind = row.get("kind")
        value = row.get("value")
        if kind_node is not None:
            self.add(node, ga("quantityKind"), kind_node)
        if kind == "period" and value:
            start, _, finish = value.partition("..")
            try:
                self.add(node, ga("validFrom"), ox.Literal(
                    parse_date(start.strip(), end=False).isoformat(), datatype=N(XSD + "date")))
                self.add(node, ga("validUntil"), ox.Literal(
                    parse_date(finish.strip(), end=True).isoformat(), datatype=N(XSD + "date")))
            except ValueError:
                self.problem(row, "value", f"'{value}' is not a period",
                             "write FROM..UNTIL with years or dates, e.g. 2018..2020")
        elif kind in ("amount", "share", "count") and value:
            try:
                number = Decimal(value.replace(" ", "").replace(",", ""))
            except InvalidOperation:
                number = None
            if number is None or (kind == "count" and number != number.to_integral_value()):
                expected = "a whole number" if kind == "count" else "a number"
                self.problem(row, "value", f"'{value}' is not {expected}",
                             f"write {expected} without units, e.g. 1500000")
            else:
                datatype = "integer" if kind == "count" else "decimal"
                text = str(int(number)) if kind == "count" else format(number, "f")
                self.add(node, ga("value"), ox.Literal(text, datatype=N(XSD + datatype)))
            if not row.get("unit"):
                self.problem(row, "unit", "is empty", "give the unit: a currency code such as "
                             "EUR for amounts, 'percent' for shares, what is counted for counts")
        self.text(node, ga("unit"), row.get("unit"))
        year = row.get("year")
        if year:
            if re.fullmatch(r"\d{4}", year):
                self.add(node, ga("year"), ox.Literal(year, datatype=N(XSD + "gYear")))
            else:
                self.problem(row, "year", f"'{year}' is not a year", "write four digits, e.g. 2020")
        self.text(node, ga("about"), row.get("about"))
        self.set_code(node, "status", row, "status", "status")
        self.text(node, ga("statedAs"), row.get("stated_as"))
        self.placement(row, node)
        self.dispute_of(row, node)
        self.provenance(row, node)

    def gap_evidence(self, row: Row) -> None:
        self.required(row, "instrument", "gap", "effect", "about")
        node = self.statement(row, "gap-evidence", ("instrument", "gap", "effect", "about",
                                                    "source", "locator"), "GapEvidence")
        if node is None:
            return
        instrument = self.instrument_ref(row, "instrument")
        if instrument is not None:
            self.add(node, ga("instrument"), instrument)
        self.set_code(node, "gap", row, "gap", "gap")
        self.set_code(node, "gapEffect", row, "effect", "gap effect")
        self.text(node, ga("about"), row.get("about"))
        self.provenance(row, node)

    # --- optional files: change events and names ---------------------------------------------
    def entity_ref(self, row: Row, column: str) -> ox.NamedNode | None:
        """The actor or instrument whose id is in ``column`` (actors first), or a problem."""
        value = row.get(column)
        if not value:
            return None
        if value in self.actors or value in self.known.actors:
            return N(ACTOR + value)
        if value in self.instruments or value in self.known.instruments:
            return N(INSTRUMENT + value)
        self.problem(row, column, f"no actor or instrument has the id '{value}'",
                     "use an id defined in actors.csv or instruments.csv" + self._nearest(
                         value, [*self.actors, *self.known.actors, *self.instruments,
                                 *self.known.instruments]))
        return None

    def change_event(self, row: Row) -> None:
        """A row of ``events.csv``: the ``original`` body or instrument becomes, merges into,
        or is succeeded by the ``resulting`` one on ``date`` (an ``org:ChangeEvent``)."""
        event_id = self.identifier(row, "id", self.events, "change event")
        if event_id is None:
            return
        self.events[event_id] = row.line
        self.required(row, "type", "resulting", "date")
        node = N(EVENT + event_id)
        self.add(node, TYPE, ga("ChangeEvent"))
        self.add(node, TYPE, N(ORG + "ChangeEvent"))
        kind = row.get("type")
        self.set_code(node, "changeType", row, "type", "change type")
        original = self.entity_ref(row, "original")
        resulting = self.entity_ref(row, "resulting")
        if not row.get("original") and kind not in ("created", "renamed", ""):
            self.problem(row, "original", f"a '{kind}' event needs the body or instrument it "
                         "changes", "give the original's id (only created and renamed events "
                         "may leave it empty)")
        if row.get("original") and row.get("original") == row.get("resulting") \
                and kind != "renamed":
            self.problem(row, "resulting", "the original and the resulting are the same",
                         "name two different bodies or instruments")
        for end, predicate, org_predicate in ((original, "originalEntity", "originalOrganization"),
                                              (resulting, "resultingEntity",
                                               "resultingOrganization")):
            if end is None:
                continue
            self.add(node, ga(predicate), end)
            if end.value.startswith(ACTOR):
                self.add(node, N(ORG + org_predicate), end)
        when = self.date_literal(row, "date", end=False)
        if when is not None:
            self.add(node, ga("eventDate"), when)
        self.text(node, ga("note"), row.get("note"))
        self.provenance(row, node)

    def name_attestation(self, row: Row) -> None:
        """A row of ``names.csv``: the source names ``subject`` by ``name`` at its locator.

        The name becomes one of the subject's ``skos:altLabel``s (unless it is its label), and
        the row's document one of the subject's sources, so a document that names a body only
        by its acronym is among the body's sources."""
        self.required(row, "subject", "name")
        node = self.statement(row, "name", ("subject", "name", "source", "locator"),
                              "NameAttestation")
        if node is None:
            return
        target = self.entity_ref(row, "subject")
        name = row.get("name")
        self.text(node, ga("name"), name)
        if target is not None:
            self.add(node, ga("names"), target)
            subject_id = row.get("subject")
            defined = self.labels.get(subject_id)
            if name and (defined is None or name != defined.strip()):
                self.add(target, ALT_LABEL, ox.Literal(name))
            if row.get("source"):  # a source of the body; the lines are on the attestation
                self.add(target, WAS_DERIVED_FROM, self.document(row.get("source")))
        self.text(node, ga("note"), row.get("note"))
        self.provenance(row, node)
