"""What the api returns: values a notebook can use, that the CLI renders.

A table answer is a :class:`Table` (rows with named columns, ``to_frame()`` for pandas); a
richer answer keeps its domain object and adds ``to_frame()`` and an HTML view for Jupyter.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """Rows under named columns, with an optional title."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    title: str = ""

    def to_frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(self.columns))

    def _repr_html_(self) -> str:
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return caption + self.to_frame().to_html(index=False, escape=True)

    def __len__(self) -> int:
        return len(self.rows)


def sections_frame(sections: Sequence[Table]):
    """Several tables as one DataFrame with a ``section`` column (for counts and reports)."""
    import pandas as pd

    frames = [table.to_frame().assign(section=table.title) for table in sections]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
