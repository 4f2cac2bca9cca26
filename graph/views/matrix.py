"""The distribution-of-competences matrix: territories by level, each cell listing who holds what.

It is the view of the MC2CM table (seed 004, Appendix C) rebuilt from the graph: a row per
territory, a column per level of government, and in each cell the holders with the competences
they hold there, in the source's words (``ga:statedAs``), with qualifiers and notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from govatlas.graph.store import GraphStore
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
        )
        found.setdefault(allocation.iri + allocation.territory, allocation)
    # The order the dataset lists them in (file, then row), which is the source's own order.
    return sorted(found.values(), key=lambda a: (a.territory, a.level_rank, _record_key(a)))


def _record_key(allocation: Allocation) -> tuple[str, int]:
    record = Record.parse(allocation.record)
    return (record.file, record.line or 0)


def competence_matrix(store: GraphStore, territories: list[str] | None = None,
                      as_of: date | None = None, source: str | None = None,
                      keep: Callable[[Allocation], bool] | None = None) -> CompetenceMatrix:
    """The matrix of ``territories`` (all by default) as it stood ``as_of`` (default: today).

    ``source`` keeps only the statements of one document; ``keep`` is any further filter.
    Territories are matched case-insensitively.
    """
    day = as_of or date.today()
    wanted = {name.casefold() for name in territories} if territories else None
    rows: dict[str, dict[str, Cell]] = {}
    countries: dict[str, str] = {}
    levels: dict[str, int] = {}
    for allocation in allocations(store):
        if wanted is not None and allocation.territory.casefold() not in wanted:
            continue
        if not allocation.valid_on(day):
            continue
        if source and allocation.source != source:
            continue
        if keep and not keep(allocation):
            continue
        cell = rows.setdefault(allocation.territory, {}).setdefault(allocation.level, Cell())
        cell.holders.setdefault(allocation.holder_label, []).append(allocation)
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
    )
