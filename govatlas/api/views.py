"""Use cases that read the stored graph: the competence matrix, counts, sources, gaps, codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from govatlas.graph.validation.cases import Case, cases
from govatlas.graph.validation.checking import findings_frame
from govatlas.graph.validation.coverage import Coverage, coverage
from govatlas.graph.validation.gaps import Finding, gap_shapes, with_evidence
from govatlas.graph.validation.kept import gap_findings
from govatlas.graph.views import names
from govatlas.graph.views import stats as counts
from govatlas.graph.views.matrix import CompetenceMatrix, competence_matrix
from govatlas.graph.views.names import resolve_name
from govatlas.graph.views.sources import NotFound, quote, resolve, statements_about
from govatlas.ontology.vocabulary import vocabulary

from .results import Table, sections_frame
from .stores import StoreLike, reading


@dataclass
class Matrix:
    """The distribution of competences, territories by level (as in the MC2CM table)."""

    matrix: CompetenceMatrix

    def to_frame(self):
        """One row per allocation: territory, level, holder, competence, period, source."""
        import pandas as pd

        rows = [{"territory": territory, "level": level, **vars(item)}
                for territory, cells in self.matrix.rows.items()
                for level, cell in cells.items() for item in cell.items()]
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        from govatlas.viz.matrix import render_html

        return render_html(self.matrix)


def matrix(territories: Iterable[str] | None = None, as_of: date | None = None,
           source: str | None = None, store: StoreLike = None) -> Matrix:
    """The competence matrix of ``territories`` (default: all) as of a date (default: today),
    optionally from one source document only.

    >>> import govatlas
    >>> m = govatlas.matrix(["Vienna"], store=doctest_store)
    >>> sorted(m.matrix.rows)
    ['Vienna']
    """
    with reading(store) as opened:
        chosen = [resolve_name(opened, "territory", name, "--city") for name in territories or []]
        return Matrix(competence_matrix(opened, chosen or None, as_of=as_of, source=source))


def stats(store: StoreLike = None) -> list[Table]:
    """Counts: totals, per dataset, and per country, actor type, link type, instrument and
    competence; one :class:`Table` each (``sections_frame`` joins them).

    >>> import govatlas
    >>> dict(govatlas.stats(store=doctest_store)[0].rows)["actors"] > 200
    True
    """
    with reading(store) as opened:
        sections = [Table(("what", "count"), counts.totals(opened), "Totals"),
                    Table(("dataset", "actors", "allocations", "links", "triples"),
                          counts.per_dataset(opened), "Datasets")]
        sections += [Table((name, "count"), counts.breakdown(opened, name), f"By {name}")
                     for name in counts.BREAKDOWNS]
    return sections


def sources(key: str, documents: Path | None = None, store: StoreLike = None) -> list[Table]:
    """Every statement about an actor or instrument (``key``: id, name or acronym) with the
    source document and lines that state it; with ``documents``, the lines quoted.

    >>> import govatlas
    >>> tables = govatlas.sources("Diair", store=doctest_store)
    >>> tables[0].title
    'https://w3id.org/govatlas/actor/fr-diair'
    """
    columns = ("kind", "statement", "source", "lines", "record")
    if documents:
        columns += ("quoted lines",)
    tables = []
    with reading(store) as opened:
        for iri in _things_called(opened, key):
            rows = []
            for item in statements_about(opened, iri):
                row = (item.kind, item.statement, item.source, item.locator, item.record)
                if documents:
                    row += (" | ".join(f"{n}: {line}" for n, line in
                                       quote(documents, item.source, item.locator)),)
                rows.append(row)
            tables.append(Table(columns, rows, iri))
    return tables


def _things_called(store, key: str) -> list[str]:
    """The actors or instruments called ``key``; :class:`UnknownName` suggests the closest
    names of both kinds."""
    try:
        return resolve(store, key)
    except NotFound:
        near = [*names.actors(store).suggest(key, 5), *names.instruments(store).suggest(key, 3)]
        raise names.UnknownName("actor or instrument", key, near[:5]) from None


@dataclass
class Gaps:
    """Governance gaps found in the stored graph, each with the sources' own diagnosis."""

    findings: list[Finding]
    scope: str
    #: per gap shape, the targets it checked and its findings, over the whole stored graph
    #: (a country or territory filter narrows the findings, not this panel)
    coverage: list[Coverage] = field(default_factory=list)

    @property
    def cases(self) -> list[Case]:
        """The findings grouped by rule and place, the largest case first."""
        return cases(self.findings)

    def to_frame(self):
        return findings_frame(self.findings)

    def _repr_html_(self) -> str:
        from govatlas.viz.validation_report import render_html

        return render_html(self.findings, [self.scope])

    def __len__(self) -> int:
        return len(self.findings)


def gaps(country: str | None = None, territory: str | None = None,
         gap_types: Iterable[str] | None = None, store: StoreLike = None) -> Gaps:
    """The gaps the shapes find, for one country (ISO code), territory or gap types.

    >>> import govatlas
    >>> found = govatlas.gaps(territory="Paris", store=doctest_store)
    >>> {"policy", "objective"} <= {f.gap for f in found.findings}   # seed 002, line 74
    True
    """
    wanted = list(gap_types or []) or None
    with reading(store) as opened:
        country = country and resolve_name(opened, "country", country, "--country")
        territory = territory and resolve_name(opened, "territory", territory, "--city")
        findings = gap_findings(opened, wanted)
        checked = coverage(opened, gap_shapes(wanted), findings)
        if country:
            findings = [f for f in findings if f.country.upper() == country.upper()]
        if territory:
            name = territory.casefold()
            findings = [f for f in findings if f.territory.casefold() == name
                        or name in f.message.casefold()]
        findings = with_evidence(opened, findings)
    scope = ", ".join(filter(None, [country, territory, *(wanted or [])])) or "all data"
    return Gaps(findings, f"the stored graph ({scope})", checked)


def code_list_name(name: str) -> str:
    """The code list ``name`` means, in any of the obvious spellings: ``link type``,
    ``link-type``, ``link_types``, ``Link Types`` are one list.

    >>> code_list_name("competences"), code_list_name("link-type")
    ('competence', 'link type')
    """
    lists = vocabulary().lists
    wanted = names.normalize(name.replace("_", " ").replace("-", " "))
    for known in lists:
        if wanted in (names.normalize(known), names.normalize(known) + "s",
                      names.normalize(known) + "es"):
            return known
    index = names.NameIndex("code list")
    for known in lists:
        index.add(known, known)
    return index.resolve(name)


def codes(list_name: str | None = None) -> Table:
    """The valid codes of every vocabulary, or of one (``competence``, ``level``, ...).

    >>> import govatlas
    >>> ("level", "national", "National") in govatlas.codes("level").rows
    True
    """
    vocab = vocabulary()
    names = [code_list_name(list_name)] if list_name else list(vocab.lists)
    rows = [(name, concept.code, concept.label)
            for name in names
            for concept in sorted(vocab.lists[name].by_code.values(),
                                  key=lambda c: (c.rank if c.rank is not None else 99, c.code))]
    return Table(("list", "code", "label"), rows)


__all__ = ["Gaps", "Matrix", "codes", "gaps", "matrix", "sections_frame", "sources", "stats"]
