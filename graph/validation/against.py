"""Validating new data against what is stored: the gaps it opens and closes, nothing written.

``govatlas validate NEW --against-store`` checks a new dataset, or a new version of a stored
one, within a scratch copy of the stored graph: its ids may name actors and instruments that
other datasets define, and the gap shapes run on the whole graph as it would be after the load.
The gaps are compared with those of the stored graph, by what makes two findings the same
(:meth:`~govatlas.graph.validation.gaps.Finding.key`): a gap only the new graph has is
*opened*, one only the stored graph has is *closed* (described as it was stored), and the rest
are counted as unchanged. The stored graph is only read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from govatlas.graph.store import GraphStore

from .checking import Outcome, validate_paths
from .gaps import sort_findings
from .kept import gap_findings


def validate_against(stored: GraphStore, paths: list[Path], engine: str = "store",
                     gaps: bool = True) -> Outcome:
    """Check ``paths`` within a copy of ``stored``; the gaps are those they open or close."""
    outcome = validate_paths(paths, engine=engine, gaps=gaps, base=stored.in_memory_copy())
    if not gaps:
        return outcome
    before = {finding.key(): finding for finding in gap_findings(stored)}
    after = {finding.key(): finding for finding in outcome.findings if finding.is_gap}
    opened = [replace(finding, change="opened") for key, finding in after.items()
              if key not in before]
    closed = [replace(finding, change="closed") for key, finding in before.items()
              if key not in after]
    errors = [finding for finding in outcome.findings if not finding.is_gap]
    return replace(outcome, findings=sort_findings(errors + opened + closed),
                   unchanged=sum(1 for key in after if key in before))
