"""The distribution-of-competences matrix: territories by level, each cell listing who holds what.

It is the view of the MC2CM table (seed 004, Appendix C) rebuilt from the graph: a row per
territory, a column per level of government, and in each cell the holders with the competences
they hold there, in the source's words (``ga:statedAs``), with qualifiers and notes.

Beyond the table's words, a cell says what the graph knows about each item: a delegated
competence names its owner and a competence another body exercises names that body (from links
that name the competence they concern), and a national allocation stated for a whole country
says it comes from the country. With one source chosen, the statements that source makes in its
running text rather than its table (``ga:statedIn``) are listed apart, so the table is rebuilt
from its own cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from govatlas.graph.store import GraphStore
from govatlas.loaders.dataset import qualifier_kinds
from govatlas.loaders.tables import Record
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary


@dataclass(frozen=True)
class Allocation:
    """One competence allocation, flattened for display."""

    iri: str
    territory: str
    country: str
    level: str
    level_rank: int
    holder: str
    holder_label: str
    competence: str
    competence_label: str
    stated_as: str
    qualifier: str
    note: str
    valid_from: str
    valid_until: str
    source: str
    locator: str
    record: str
    placeholder: bool
    stated_in: str = ""
    country_wide: bool = False
    #: the allocation has a place (its own territory or its holder's); one with none is listed
    #: under "(no territory)"
    placed: bool = True
    owners: tuple[str, ...] = ()
    exercisers: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The holder as a cell names it; a national allocation stated for the whole country
        says so, since it is not the territory's own."""
        if self.country_wide:
            return f"{self.holder_label}, for all of {self.country}"
        return self.holder_label

    @property
    def remarks(self) -> list[str]:
        """What the graph adds to the source's words: the owner of a delegated competence,
        the bodies that exercise it for the holder."""
        return ([f"owner: {owner}" for owner in self.owners]
                + [f"exercised by: {body}" for body in self.exercisers])

    @property
    def text(self) -> str:
        """The item as the source wrote it: ``STATED (QUALIFIER) - NOTE``."""
        words = self.stated_as or self.competence_label
        if self.qualifier:
            words += f" ({self.qualifier})"
        if self.note:
            words += f" - {self.note}"
        return words

    def valid_on(self, day: date) -> bool:
        return ((not self.valid_from or self.valid_from <= day.isoformat())
                and (not self.valid_until or day.isoformat() <= self.valid_until))


@dataclass
class Cell:
    """The holders of one territory at one level, each with its allocations."""

    holders: dict[str, list[Allocation]] = field(default_factory=dict)

    def items(self) -> list[Allocation]:
        return [item for items in self.holders.values() for item in items]


@dataclass
class CompetenceMatrix:
    levels: list[tuple[str, str]]  # (code, label) in rank order
    rows: dict[str, dict[str, Cell]]  # territory -> level code -> cell
    countries: dict[str, str]
    # with one source chosen: what it states in its running text or notes, not in its table
    apart: list[Allocation] = field(default_factory=list)

    def cell(self, territory: str, level: str) -> Cell:
        return self.rows.get(territory, {}).get(level, Cell())


ALWAYS_SHOWN_LEVELS = ("national", "regional", "local")

def allocations(store: GraphStore) -> list[Allocation]:
    """Every competence allocation in the store, one per allocation and source."""
    vocab = vocabulary()
    found: dict[str, Allocation] = {}
    for row in store.select(load_query(__package__, "allocations")):
        level = vocab.by_iri.get(row["level"].value)
        competence = vocab.by_iri.get(row["competence"].value)

        def text(name: str, row=row) -> str:
            return row[name].value if row[name] is not None else ""

        allocation = Allocation(
            iri=row["a"].value,
            territory=text("territoryLabel") or "(no territory)",
            country=text("country"),
            level=level.code if level else row["level"].value,
            level_rank=level.rank if level and level.rank is not None else 99,
            holder=row["holder"].value,
            holder_label=text("holderLabel"),
            competence=competence.code if competence else row["competence"].value,
            competence_label=competence.label if competence else row["competence"].value,
            stated_as=text("statedAs"),
            qualifier=text("qualifier"),
            note=text("note"),
            valid_from=text("from"),
            valid_until=text("until"),
            source=text("source"),
            locator=text("locator"),
            record=text("record"),
            placeholder=text("placeholder") == "true",
            stated_in=text("statedIn"),
            country_wide=text("countryWide") == "true",
            placed=row["territoryLabel"] is not None,
        )
        found.setdefault(allocation.iri + allocation.territory, allocation)
    linked = with_competence_links(store, list(found.values()))
    # The order the dataset lists them in (file, then row), which is the source's own order.
    return sorted(linked, key=lambda a: (a.territory, a.level_rank, _record_key(a)))


#: How a link that names a competence splits owning from exercising: for each link type, which
#: end owns the competence and which exercises it. Funding and contracts name a competence
#: without saying who owns it, so they are not here.
OWNER_AND_EXERCISER = {"delegates-to": ("from", "to"), "implements-for": ("to", "from")}


def with_competence_links(store: GraphStore, found: list[Allocation]) -> list[Allocation]:
    """``found`` with each allocation's owners and exercisers, from the links that name its
    competence (planned or recommended links left out).

    A link that names the allocation it delegates or implements (links.csv, ``allocation``)
    puts the owner or the exerciser on that allocation alone. Otherwise an allocation is given
    an owner when its holder exercises the competence for another body and the allocation is
    the delegated one: its words say "delegated", or it is the holder's only allocation of that
    competence (Turin's "Education (schools) - competence of the Piedmont Region, delegated",
    not its "Education (0-5 years)").
    """
    vocab = vocabulary()
    owners: dict[tuple[str, str], set[str]] = {}
    exercisers: dict[tuple[str, str], set[str]] = {}
    # allocation -> the (owner, exerciser) ends, each (IRI, label), of the links naming it
    named: dict[str, list[tuple[tuple[str, str], tuple[str, str]]]] = {}
    for row in store.select(load_query(__package__, "competence-links")):
        roles = OWNER_AND_EXERCISER.get(row["type"].value)
        if roles is None or (row["status"] is not None and row["status"].value != "reported"):
            continue
        ends = {"from": (row["from"].value, row["fromLabel"].value),
                "to": (row["to"].value, row["toLabel"].value)}
        concept = vocab.by_iri.get(row["competence"].value)
        code = concept.code if concept else row["competence"].value
        owner, exerciser = ends[roles[0]], ends[roles[1]]
        if row["allocation"] is not None:
            named.setdefault(row["allocation"].value, []).append((owner, exerciser))
            continue
        owners.setdefault((exerciser[0], code), set()).add(owner[1])
        exercisers.setdefault((owner[0], code), set()).add(exerciser[1])
    held: dict[tuple[str, str], set[str]] = {}
    for allocation in found:
        held.setdefault((allocation.holder, allocation.competence), set()).add(allocation.iri)
    linked = []
    for allocation in found:
        key = (allocation.holder, allocation.competence)
        delegated = ("delegated" in qualifier_kinds(f"{allocation.qualifier} {allocation.note}")
                     or len(held[key]) == 1)
        owned_by = set(owners.get(key, ())) if delegated else set()
        exercised_by = set(exercisers.get(key, ()))
        for owner, exerciser in named.get(allocation.iri, ()):
            if exerciser[0] == allocation.holder:  # the holder exercises it for the owner
                owned_by.add(owner[1])
            else:  # the holder owns it and the other end exercises it
                exercised_by.add(exerciser[1])
        if owned_by or exercised_by:  # most allocations have neither: no copy for those
            allocation = replace(allocation, owners=tuple(sorted(owned_by)),
                                 exercisers=tuple(sorted(exercised_by)))
        linked.append(allocation)
    return linked


def _record_key(allocation: Allocation) -> tuple[str, int]:
    record = Record.parse(allocation.record)
    return (record.file, record.line or 0)


def competence_matrix(store: GraphStore, territories: list[str] | None = None,
                      as_of: date | None = None, source: str | None = None,
                      keep: Callable[[Allocation], bool] | None = None) -> CompetenceMatrix:
    """The matrix of ``territories`` (all by default) as it stood ``as_of`` (default: today).

    ``source`` keeps only the statements of one document; those it makes in its running text
    or notes rather than a table (``stated_in``) go to :attr:`CompetenceMatrix.apart`, so the
    cells are the table's own. ``keep`` is any further filter. Territories are matched
    case-insensitively.
    """
    day = as_of or date.today()
    wanted = {name.casefold() for name in territories} if territories else None
    rows: dict[str, dict[str, Cell]] = {}
    countries: dict[str, str] = {}
    levels: dict[str, int] = {}
    apart: list[Allocation] = []
    for allocation in allocations(store):
        if wanted is not None and allocation.territory.casefold() not in wanted:
            continue
        if not allocation.valid_on(day):
            continue
        if source and allocation.source != source:
            continue
        if keep and not keep(allocation):
            continue
        if source and allocation.stated_in in ("text", "note"):
            apart.append(allocation)
            continue
        cell = rows.setdefault(allocation.territory, {}).setdefault(allocation.level, Cell())
        cell.holders.setdefault(allocation.heading, []).append(allocation)
        countries.setdefault(allocation.territory, allocation.country)
        levels[allocation.level] = allocation.level_rank
    vocab = vocabulary()
    for code in ALWAYS_SHOWN_LEVELS:  # an empty cell means "nothing listed", so show it
        levels.setdefault(code, vocab.resolve("level", code).rank or 0)
    ordered = sorted(levels, key=lambda code: levels[code])
    return CompetenceMatrix(
        levels=[(code, vocab.resolve("level", code).label) for code in ordered],
        rows=dict(sorted(rows.items())),
        countries=countries,
        apart=apart,
    )
