"""The gap findings of a store, found once when it is written and kept beside it.

Why: finding a country's gaps costs about a minute on the France-sized country (47,570
findings: the shapes 47 s, describing each finding 12 s), and `gaps`, `analyze`, `map` and
`report` each needed them, every time. The graph does not change between two writes, so
neither do its findings: the command that writes a store finds them once, at its end
(:func:`keep`), into a file among those the store keeps computed from itself
(:mod:`govatlas.graph.computed`), which every write removes before it writes anything.
Reading them back takes about a second.

The file is used only if it was written by this version's shapes, rules and code (its stamp,
:func:`stamp`). Otherwise, or with no file (a store written by the pipeline directly, an
in-memory store, a dated view), :func:`gap_findings` finds the gaps as before: the file saves
time, never changes an answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from govatlas.graph import computed
from govatlas.graph.store import GraphStore
from govatlas.ontology import SHAPES_DIR

from . import coverage, gaps, shapes
from .gaps import Finding, find_gaps

__all__ = ["FILE_NAME", "gap_findings", "keep", "kept", "stamp"]

FILE_NAME = "gap-findings.json.gz"
_FIELDS = [field.name for field in dataclasses.fields(Finding)]
_QUERIES = Path(__file__).resolve().parent / "queries"


def stamp() -> str:
    """A hash of everything a store's findings depend on besides its data: the rules'
    fingerprint, the shapes, the validation queries, the code that finds and describes
    findings, and the fields of a finding."""
    files = [*sorted(SHAPES_DIR.rglob("*.ttl")), *sorted(_QUERIES.glob("*.rq")),
             *(Path(module.__file__) for module in (gaps, coverage, shapes)), Path(__file__)]
    return computed.stamp("findings", files) + ":" + ",".join(_FIELDS)


def keep(store: GraphStore) -> int | None:
    """Find every gap of the on-disk ``store`` and keep the findings beside it; how many
    there are (None for an in-memory store, which keeps nothing)."""
    if store.computed_path(FILE_NAME) is None:
        return None
    found = find_gaps(store)
    computed.write(store, FILE_NAME, stamp(),
                   [dataclasses.astuple(finding) for finding in found])
    return len(found)


def kept(store: GraphStore) -> list[Finding] | None:
    """The findings kept beside ``store``, or None if there are none by this version."""
    rows = computed.read(store, FILE_NAME, stamp())
    if not isinstance(rows, list):
        return None
    evidence = _FIELDS.index("evidence")
    findings = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(_FIELDS):
            return None  # a file edited or damaged into other JSON: found again
        row[evidence] = tuple(row[evidence] or ())
        findings.append(Finding(*row))
    return findings


def gap_findings(store: GraphStore, gap_types: Iterable[str] | None = None) -> list[Finding]:
    """Every gap of ``store`` (of ``gap_types`` only, when given), described and sorted as
    :func:`~govatlas.graph.validation.gaps.find_gaps` gives them: read from the kept file
    when the store has a current one, else found."""
    found = kept(store)
    if found is None:
        return find_gaps(store, gap_types)
    wanted = set(gap_types) if gap_types else None
    return [finding for finding in found if wanted is None or finding.gap in wanted]
