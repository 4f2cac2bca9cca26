"""The gap findings of a store, found once when it is written and kept beside it.

Why: finding a country's gaps costs about a minute on the France-sized country (47,570
findings: the shapes 47 s, describing each finding 12 s), and `gaps`, `analyze`, `map` and
`report` each needed them, every time. The graph does not change between two writes, so
neither do its findings: the command that writes a store finds them once, at its end
(:func:`keep`), into a file among those the store keeps computed from itself
(:meth:`~govatlas.graph.store.GraphStore.computed_path`), which every write removes before it
writes anything. Reading them back takes about a second.

The file is used only if it was written by this version's shapes, rules and code: its stamp
hashes the derivation rules' fingerprint (:mod:`govatlas.graph.fingerprint`), the shape
files, the validation queries and the modules that find and describe findings. Otherwise,
or with no file (a store written by the pipeline directly, an in-memory store, a dated view),
:func:`gap_findings` finds the gaps as before: the file saves time, never changes an answer.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from govatlas.graph import fingerprint
from govatlas.graph.store import GraphStore
from govatlas.ontology import SHAPES_DIR

from . import coverage, gaps, shapes
from .gaps import Finding, find_gaps

__all__ = ["FILE_NAME", "gap_findings", "keep", "kept", "stamp"]

FILE_NAME = "gap-findings.json.gz"
_FIELDS = [field.name for field in dataclasses.fields(Finding)]
_QUERIES = Path(__file__).resolve().parent / "queries"


@lru_cache(maxsize=1)
def stamp() -> str:
    """A hash of everything a store's findings depend on besides its data."""
    digest = hashlib.sha256(fingerprint.current().encode())
    files = [*sorted(SHAPES_DIR.rglob("*.ttl")), *sorted(_QUERIES.glob("*.rq")),
             *(Path(module.__file__) for module in (gaps, coverage, shapes)), Path(__file__)]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(_FIELDS).encode())
    return "govatlas-findings sha256:" + digest.hexdigest()


def keep(store: GraphStore) -> int | None:
    """Find every gap of the on-disk ``store`` and keep the findings beside it; how many
    there are (None for an in-memory store, which keeps nothing)."""
    target = store.computed_path(FILE_NAME)
    if target is None:
        return None
    found = find_gaps(store)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    document = {"stamp": stamp(), "fields": _FIELDS,
                "findings": [dataclasses.astuple(finding) for finding in found]}
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(partial, target)
    return len(found)


def kept(store: GraphStore) -> list[Finding] | None:
    """The findings kept beside ``store``, or None if there are none by this version."""
    path = store.computed_path(FILE_NAME)
    if path is None or not path.is_file():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError, EOFError):
        return None  # unreadable (a disk error): found again, as with no file
    if document.get("stamp") != stamp() or document.get("fields") != _FIELDS:
        return None
    evidence = _FIELDS.index("evidence")
    findings = []
    for row in document["findings"]:
        row[evidence] = tuple(row[evidence])
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
