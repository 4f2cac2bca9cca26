"""Cases, not lines: findings grouped by rule and place, so a reader sees what to act on first.

A country of 35,000 municipalities gives tens of thousands of findings, most of them the same
rule failing in the same way at the same level. A *case* is one rule (a shape) at one place
(the level of the actors concerned, in one country; for an error, in one file): how many
targets it covers, a few named examples, the rule in plain words, the OECD gap it evidences and
what would close it. Reports show the cases first, largest first; every finding keeps the id of
its case (:func:`case_id`), so the machine formats lose nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from govatlas.loaders.tables import Record

from .gaps import SEVERITIES, Finding
from .shapes import SparqlShape, sparql_shapes

#: named examples a case shows
EXAMPLES = 5


@dataclass(frozen=True)
class Case:
    """Findings of one rule at one place, with what a reader needs to act on them."""

    id: str
    severity: str
    gap: str | None
    shape: str
    shape_name: str
    rule: str  #: the rule in plain words (the shape's description)
    closed_by: str  #: the link or data that would close it ('' for errors: the fixes say)
    level: str
    country: str
    file: str
    covers: int  #: targets covered (a coverage finding covers every target it could not check)
    findings: int
    places: int  #: distinct territories (gaps) or rows (errors) among the findings
    examples: tuple[str, ...]
    #: against a stored graph: "opened" or "closed" by the new data
    change: str = ""

    @property
    def title(self) -> str:
        """What the case is about, in one line: the rule and its place."""
        where = ", ".join(filter(None, [f"{self.level} level" if self.level else "",
                                        self.country, self.file]))
        change = f" [{self.change} by the new data]" if self.change else ""
        return f"{self.shape_name}{f' ({where})' if where else ''}{change}"


@cache
def _shapes_by_iri() -> dict[str, SparqlShape]:
    return {shape.iri: shape for shape in sparql_shapes("gaps")}


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def _file(finding: Finding) -> str:
    return Record.parse(finding.record).file if finding.record else ""


def case_id(finding: Finding) -> str:
    """The id of the case ``finding`` belongs to: ``gap:Shape:level:country`` for a gap (with
    ``:opened`` or ``:closed`` against a stored graph), ``error:shape:file`` for an error,
    ``warning:shape:file`` for a data warning (stable across runs, so a CI can follow a case)."""
    if finding.is_gap:
        return ":".join([finding.gap or "", _local(finding.shape), finding.level or "-",
                         finding.country or "-", *([finding.change] if finding.change else [])])
    kind = "error" if finding.severity == "Violation" else "warning"
    return ":".join([kind, _local(finding.shape) or "template", _file(finding) or "-"])


def _example(finding: Finding) -> str:
    if finding.covers > 1:  # a coverage finding: its message names what it stands for
        return finding.message
    name = finding.actor_label or finding.focus_label or finding.focus
    if finding.is_gap:
        return f"{name} ({finding.territory})" if finding.territory not in ("", name) else name
    return f"{finding.record or name}: {finding.message}"


def cases(findings: Iterable[Finding]) -> list[Case]:
    """The cases of ``findings``: errors first, then by severity, each the largest first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(case_id(finding), []).append(finding)
    shapes = _shapes_by_iri()
    result = []
    for identifier, members in groups.items():
        first = members[0]
        shape = shapes.get(first.shape)
        places = ({f.territory for f in members if f.territory} if first.is_gap
                  else {f.record for f in members})
        examples = sorted({_example(f) for f in members})[:EXAMPLES]
        result.append(Case(
            id=identifier, severity=first.severity, gap=first.gap, shape=first.shape,
            shape_name=first.shape_name, rule=shape.description if shape else "",
            closed_by=shape.closed_by if shape else "", level=first.level if first.is_gap else "",
            country=first.country if first.is_gap else "",
            file="" if first.is_gap else _file(first),
            covers=sum(f.covers for f in members), findings=len(members), places=len(places),
            examples=tuple(examples), change=first.change))
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(result, key=lambda c: (order.get(c.severity, 9), -c.covers, c.id))
