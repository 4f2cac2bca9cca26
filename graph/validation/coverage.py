"""Coverage: what each gap shape could check, and absent data told apart from absent links.

A gap shape that looks for a partner of some kind (the participatory shape, for a
non-governmental actor) reports every target when the data records no partner of that kind at
all. That is not a gap in every municipality but a gap in the data: such a shape's findings are
folded into one *coverage* finding that says what is missing and how many targets it leaves
unchecked. Beside it, a coverage row per shape says how many targets the shape checked, so
"no gaps" is never the silence of a shape that matched nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyoxigraph as ox

from govatlas.graph.store import GraphStore

from .shapes import SparqlShape

if TYPE_CHECKING:  # gaps.py folds its findings with this module
    from .gaps import Finding

EXAMPLES = 3


@dataclass(frozen=True)
class Coverage:
    """What one gap shape checked: its targets, its findings, and the data it lacked."""

    shape: str
    name: str
    gap: str | None
    targets: int
    findings: int
    missing: str = ""  #: the kind of actor the data records none of, when it blocks the shape

    @property
    def checked(self) -> int:
        """The targets the shape could judge: none when the data it needs is absent."""
        return 0 if self.missing else self.targets


def _count(store: GraphStore, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"].value) if rows else 0


def instances(store: GraphStore, cls: str) -> int:
    """How many distinct nodes of class ``cls`` the store holds (subclasses derived in)."""
    node = ox.NamedNode(cls)
    return _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {node} }}")


def _has_instance(store: GraphStore, cls: str) -> bool:
    return store.ask(f"ASK {{ ?x a {ox.NamedNode(cls)} }}")


def _plural(label: str) -> str:
    if label.endswith("y") and label[-2:-1] not in "aeiou":
        return label[:-1] + "ies"
    return label if label.endswith("s") else label + "s"


def _class_label(store: GraphStore, cls: str) -> str:
    node = ox.NamedNode(cls)
    rows = store.select(f"SELECT ?l WHERE {{ {node} <http://www.w3.org/2000/01/rdf-schema#label> "
                        f'?l FILTER(langMatches(lang(?l), "en")) }} LIMIT 1')
    return rows[0]["l"].value.lower() if rows else cls.rsplit("#", 1)[-1]


def blocked_shapes(store: GraphStore, shapes: Iterable[SparqlShape]) -> list[SparqlShape]:
    """The shapes whose needed kind of actor the data records none of."""
    return [shape for shape in shapes
            if shape.needs_class and not _has_instance(store, shape.needs_class)]


def fold_absent_data(store: GraphStore, findings: list[Finding],
                     shapes: Iterable[SparqlShape]) -> list[Finding]:
    """``findings`` with those of each blocked shape folded into one coverage finding.

    The coverage finding keeps the shape, gap and severity, has the missing class as its focus,
    counts the targets it stands for in ``covers`` and names a few of them as examples.
    """
    blocked = {shape.iri: shape for shape in blocked_shapes(store, shapes)}
    if not blocked:
        return findings
    kept = [f for f in findings if f.shape not in blocked]
    for iri, shape in blocked.items():
        folded = [f for f in findings if f.shape == iri]
        if not folded:
            continue
        names = sorted({f.actor_label or f.focus_label or f.focus for f in folded})
        examples = ", ".join(names[:EXAMPLES]) + (", ..." if len(names) > EXAMPLES else "")
        targets = _plural(_class_label(store, shape.target_class))
        message = (f"This dataset records no {shape.needs_name}; {len(folded):,} {targets} "
                   f"cannot be checked for {shape.gap} gaps (for example {examples}). Record "
                   f"the {shape.needs_name} they work with, or note that there are none.")
        kept.append(replace(folded[0], focus=shape.needs_class, message=message, value=None,
                            focus_label=shape.needs_name, actor=None, actor_label="",
                            record="", source="", locator="", country=_common(folded, "country"),
                            territory=_common(folded, "territory"),
                            level=_common(folded, "level"), evidence=(),
                            covers=len(folded)))
    return kept


def _common(findings: list[Finding], field: str) -> str:
    values = {getattr(f, field) for f in findings}
    return values.pop() if len(values) == 1 else ""


def coverage(store: GraphStore, shapes: Iterable[SparqlShape],
             findings: list[Finding]) -> list[Coverage]:
    """A row per shape: its targets in the store, its findings, and what data it lacked."""
    shapes = list(shapes)
    blocked = {shape.iri for shape in blocked_shapes(store, shapes)}
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.shape] = counts.get(finding.shape, 0) + finding.covers
    targets = {cls: instances(store, cls) for cls in {shape.target_class for shape in shapes}}
    return [Coverage(shape.iri, shape.name, shape.gap, targets[shape.target_class],
                     counts.get(shape.iri, 0), shape.needs_name if shape.iri in blocked else "")
            for shape in shapes]
