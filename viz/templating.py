"""The page templates (``templates/``) and the files pages inline or copy (``assets/``).

Jinja2 rather than ``string.Template``: it escapes every value by default (the pages show
labels from data, some hostile), and it is already installed with pyvis.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["ASSETS", "TEMPLATES", "Markup", "asset", "render"]

ASSETS = Path(__file__).resolve().parent / "assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(name: str, **values: Any) -> str:
    """The template ``templates/<name>`` filled with ``values`` (each escaped unless it is
    :class:`Markup`, which the caller vouches for)."""
    return environment().get_template(name).render(**values)


@cache
def asset(name: str) -> str:
    """The text of ``assets/<name>`` (a stylesheet or a script of the pages)."""
    return (ASSETS / name).read_text(encoding="utf-8")
