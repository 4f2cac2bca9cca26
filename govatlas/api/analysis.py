"""Use case: the network analysis of a territory or a country, and what one more link changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from govatlas.graph.analysis.analyze import (
    ANALYSIS_GRAPH,
    Analysis,
    analysis_quads,
    compare,
    with_link,
)
from govatlas.graph.analysis.analyze import analyze as run_analysis
from govatlas.graph.pipeline import derive
from govatlas.graph.views.names import resolve_name
from govatlas.ontology.errors import GovatlasError
from govatlas.ontology.vocabulary import UnknownCode

from .results import Table
from .stores import StoreLike, reading, writing


@dataclass
class WhatIf:
    """The analysis now and with one more link, and the measures that differ."""

    link: tuple[str, str, str]
    before: Analysis
    after: Analysis

    @property
    def changes(self) -> Table:
        return Table(("measure", "now", "with the link"), compare(self.before, self.after),
                     f"What if {self.link[0]} {self.link[2]} {self.link[1]}")

    def to_frame(self):
        return self.changes.to_frame()

    def _repr_html_(self) -> str:
        return self.changes._repr_html_()

    def as_dict(self) -> dict:
        return {"link": dict(zip(("from", "to", "type"), self.link, strict=True)),
                "changes": [dict(zip(self.changes.columns, row, strict=True))
                            for row in self.changes.rows],
                "now": asdict(self.before), "with_the_link": asdict(self.after)}


def _scope(store, territory: str | None, country: str | None) -> tuple[str | None, str | None]:
    """The territory's label and the country's ISO code the names given stand for."""
    return (territory and resolve_name(store, "territory", territory, "--city"),
            country and resolve_name(store, "country", country, "--country"))


def analyze(territory: str | None = None, country: str | None = None,
            as_of: date | None = None, top: int = 10, store: StoreLike = None) -> Analysis:
    """Centrality, brokerage across levels, vertical and horizontal links, decoupling, gap
    counts and the ideal type (Scholten) of a territory, a country or the whole graph.

    >>> import govatlas
    >>> govatlas.analyze(territory="Lyon", store=doctest_store).classification["label"]
    'multilevel'
    """
    with reading(store) as opened:
        territory, country = _scope(opened, territory, country)
        return run_analysis(opened, territory, country, as_of, top)


def what_if(from_id: str, to_id: str, link_type: str, territory: str | None = None,
            country: str | None = None, as_of: date | None = None, top: int = 10,
            store: StoreLike = None) -> WhatIf:
    """The analysis with one more reported link FROM -type-> TO (actor ids, a link type code),
    beside the analysis now. The link is added to a scratch copy, whose derived relations are
    recomputed as after a real load, so the gaps it would close are closed."""
    with reading(store) as opened:
        territory, country = _scope(opened, territory, country)
        from_id = resolve_name(opened, "actor", from_id, "--add-link")
        to_id = resolve_name(opened, "actor", to_id, "--add-link")
        before = run_analysis(opened, territory, country, as_of, top)
        try:
            changed = with_link(opened, from_id, to_id, link_type)
        except (LookupError, UnknownCode) as error:
            raise GovatlasError(f"--add-link: {error}") from error
    derive(changed)
    return WhatIf((from_id, to_id, link_type), before,
                  run_analysis(changed, territory, country, as_of, top))


def write_analysis(result: Analysis, store: StoreLike = None) -> str:
    """Add ``result`` to the analysis graph of the store (for SPARQL); returns the graph."""
    with writing(store) as opened:
        existing = list(opened.quads(ANALYSIS_GRAPH))
        opened.replace_graph(ANALYSIS_GRAPH, [*existing, *analysis_quads(result)])
    return ANALYSIS_GRAPH
