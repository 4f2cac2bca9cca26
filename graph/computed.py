"""Answers computed once from a store and kept beside it as stamped JSON files.

Why: a country's gap findings and its whole actor network each cost a minute or a quarter of
one to compute, and change only when the store is written. The command that writes the store
computes them at its end; the read commands after it read the files (a second or two). The
store removes every such file before any write (:meth:`GraphStore.forget_computed`), and each
file carries a stamp, a hash of everything besides the data its content depends on (the
derivation rules' fingerprint, and the code and queries that compute it): a file of another
version is ignored, as is one that cannot be read, and the answer is computed again. A kept
file can only save time, never change an answer.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import fingerprint
from .store import GraphStore

__all__ = ["read", "stamp", "write"]


def stamp(kind: str, files: Iterable[Path]) -> str:
    """The stamp of a kind of kept answer computed by ``files`` (code, queries, shapes): a
    hash of the derivation rules' fingerprint and of each file's name and bytes."""
    digest = hashlib.sha256(fingerprint.current().encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"govatlas-{kind} sha256:{digest.hexdigest()}"


def write(store: GraphStore, name: str, stamp_value: str, payload: Any) -> bool:
    """Keep ``payload`` (JSON data) beside the on-disk ``store`` under ``name``; False for
    an in-memory store, which keeps nothing. Written under another name and renamed, so a
    kill leaves the old file or none, never half of one."""
    target = store.computed_path(name)
    if target is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as handle:
        json.dump({"stamp": stamp_value, "payload": payload}, handle, ensure_ascii=False,
                  separators=(",", ":"))
    os.replace(partial, target)
    return True


def read(store: GraphStore, name: str, stamp_value: str) -> Any | None:
    """The payload kept beside ``store`` under ``name`` if this version wrote it, else None."""
    path = store.computed_path(name)
    if path is None or not path.is_file():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError, EOFError):
        return None  # unreadable (a disk error, a damaged file): computed again
    if not isinstance(document, dict) or document.get("stamp") != stamp_value:
        return None
    return document.get("payload")
