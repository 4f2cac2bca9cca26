"""Problems found in input data, each pointing at a file, a line and a column, with a fix.

Loaders collect every problem in a file before they stop, so a person fixing a dataset sees all
of them at once instead of one per run. Nothing is written to the store while any remain.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from govatlas.ontology.errors import GovatlasError, UsageError

DEFAULT_MAX_INPUT_MB = 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and what to do about it."""

    file: str
    line: int | None
    column: str | None
    message: str
    fix: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" column '{self.column}':" if self.column else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}:{column} {self.message}.{fix}"


class DataWarning(UserWarning):
    """Something in the input that is read as it is but that a person should look at: a
    label a spreadsheet would run as a formula, a file or sheet that is no template and is
    skipped, a delimiter that is not a comma.

    A warning, not a :class:`Problem` that refuses the dataset: the data can be stored as it
    stands. Raised through Python's :mod:`warnings`, so a notebook shows it, the CLI prints it
    on standard error, and ``govatlas validate`` lists it as a warning finding.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def warn(problem: Problem) -> None:
    """Report ``problem`` as a :class:`DataWarning` (see there)."""
    warnings.warn(DataWarning(problem), stacklevel=3)


class DataError(GovatlasError):
    """The input cannot be loaded; ``problems`` says where and why (exit code 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the input, nothing was loaded:\n{shown}{more}")


def input_limit_mb() -> float:
    """The input limit in megabytes: ``$GOVATLAS_MAX_INPUT_MB``, else 1024.

    A value that is not a positive number is a :class:`UsageError` naming the variable and
    the form it takes, not a traceback from ``float()``.
    """
    raw = os.environ.get("GOVATLAS_MAX_INPUT_MB")
    if raw is None or not raw.strip():
        return float(DEFAULT_MAX_INPUT_MB)
    try:
        limit = float(raw)
    except ValueError:
        limit = float("nan")
    if not 0 < limit < float("inf"):
        raise UsageError(f"GOVATLAS_MAX_INPUT_MB={raw!r} is not a size: give a positive number "
                         f"of megabytes, such as GOVATLAS_MAX_INPUT_MB=2048 (the default is "
                         f"{DEFAULT_MAX_INPUT_MB}), or unset it")
    return limit


def check_size(path: Path, display: str) -> None:
    """Refuse a file larger than ``$GOVATLAS_MAX_INPUT_MB`` (default 1024 MB) before reading.

    A loader holds a dataset in memory to check it whole before writing it; a limit turns an
    out-of-memory crash on a huge file into an error that says what to do.
    """
    limit_mb = input_limit_mb()
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > limit_mb:
        raise DataError([Problem(
            display, None, None,
            f"is {size_mb:,.0f} MB, more than the {limit_mb:,.0f} MB a single input may be",
            "split it into several datasets (by region, say), or raise the limit with "
            "GOVATLAS_MAX_INPUT_MB if this machine has the memory")])
