"""The options several commands share, declared once so they mean the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

TABLE_FORMATS = ("table", "md", "csv", "tsv", "json")
REPORT_FORMATS = ("table", "md", "html", "json", "ttl", "junit")

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first day it names."""
    if value is None:
        return None
    from govatlas.loaders.dataset import parse_date

    try:
        return parse_date(value, end=False)
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is not a date: write YYYY, YYYY-MM or "
                                 "YYYY-MM-DD") from error


class LazyChoice(click.Choice):
    """A choice whose values are read when first needed (from the vocabularies), so that
    ``--help`` and commands that do not use it pay nothing for reading them."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load
        self._loaded: Sequence[str] | None = None
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded

    @choices.setter
    def choices(self, _value: Sequence[str]) -> None:
        pass


def gap_option() -> Decorator:
    """``--gap TYPE`` (repeatable), one of the eight OECD gaps as ``vocab/gaps.ttl`` lists them."""
    from govatlas.ontology.vocabulary import gap_types

    return click.option("--gap", "gap_types", multiple=True, type=LazyChoice(gap_types),
                        help="Only this gap type (repeatable; govatlas codes gap lists them).")


def format_option(choices: Sequence[str] = TABLE_FORMATS, default: str = "table",
                  help: str | None = None) -> Decorator:
    """``--format``, stored as ``fmt``."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default,
                        show_default=True, help=help or "How to print the result.")


def territory_option(multiple: bool = False, help: str = "Only this territory.") -> Decorator:
    """``--city`` / ``--territory`` (the same option under both names)."""
    name = "territories" if multiple else "territory"
    return click.option("--city", "--territory", name, multiple=multiple,
                        help=help + (" (repeatable)" if multiple else ""))


def country_option(help: str = "Only this country (ISO code, e.g. FR).") -> Decorator:
    return click.option("--country", help=help)


def as_of_option(help: str = "The graph as it stood on this date (YYYY, YYYY-MM or "
                             "YYYY-MM-DD).") -> Decorator:
    return click.option("--as-of", callback=parse_day, help=help)


def output_option(default: Path | None = None, file_okay: bool = True,
                  help: str = "Write to this file ('-': standard output).") -> Decorator:
    """``-o`` / ``--output``; ``-`` is standard output."""
    kind = click.Path(dir_okay=not file_okay, file_okay=file_okay, allow_dash=True,
                      path_type=Path)
    return click.option("-o", "--output", type=kind, default=default,
                        show_default=default is not None, help=help)


def write_output(text: str, output: Path | None, what: str = "Report") -> None:
    """``text`` to ``output``, or to standard output when it is None or ``-``; what was
    written is said on standard error, so standard output carries only the data."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"{what} written to {output}", err=True)


#: findings the people's formats list after the cases unless told otherwise
FINDINGS_LIMIT = 50


def listing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--all and --limit: how many findings the people's report lists after its cases (the
    machine formats always hold every finding)."""
    command = click.option("--limit", type=click.IntRange(min=0), default=FINDINGS_LIMIT,
                           show_default=True,
                           help="List at most this many findings after the cases.")(command)
    return click.option("--all", "show_all", is_flag=True,
                        help="List every finding after the cases.")(command)
