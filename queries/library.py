"""The named query library: `.rq` files with a header that says what they answer.

A library query is a SPARQL file in this folder whose first comment lines are its header::

    # title: Competence matrix of a territory
    # answers: Which levels hold which competences in one territory, with qualifiers.
    # param: territory (string, default "Vienna"): the territory's name, as in the data
    # example: govatlas query competence-matrix --param territory=Lyon

Parameters are SPARQL variables of the query. Their values are bound as RDF terms of the declared
type (string, name, iri, date, integer, decimal, or a code list such as ``code:competence``) in a
VALUES block at the start of the query's WHERE group, never pasted into the query text, so a
value such as ``"} ; DROP ALL`` is just a literal that matches nothing. A ``name`` is a string
bound lower-cased, to be matched against a lower-cased key stored in the graph (``ga:nameKey``):
the engine then finds it by an index lookup, where ``LCASE`` in the query would lower-case every
name of the store (a key computed by ``BIND`` is not looked up in the index either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from govatlas.ontology.errors import GovatlasError
from govatlas.ontology.namespaces import XSD
from govatlas.ontology.vocabulary import UnknownCode, vocabulary

LIBRARY_DIR = Path(__file__).resolve().parent
PARAM_PATTERN = re.compile(
    r"^(?P<name>\w+)\s*\((?P<type>[\w:\- ]+?)(?:,\s*default\s+(?P<default>\"[^\"]*\"|\S+))?\)"
    r"\s*:\s*(?P<help>.*)$")
TYPES = ("string", "name", "iri", "date", "integer", "decimal")


class QueryError(GovatlasError, ValueError):
    """A query or parameter problem, said so that the user can fix it."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class ResultTooLarge(QueryError):
    """The result has more rows than the limit allows."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    help: str

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """``value`` as the RDF term this parameter's type makes of it."""
        try:
            if self.type == "string":
                return ox.Literal(value)
            if self.type == "name":
                return ox.Literal(value.lower())
            if self.type == "iri":
                return ox.NamedNode(value)
            if self.type == "date":
                return ox.Literal(date.fromisoformat(value).isoformat(),
                                  datatype=ox.NamedNode(XSD + "date"))
            if self.type == "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "decimal":
                return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
            if self.type.startswith("code:"):
                list_name = self.type[5:].replace("-", " ")
                if list_name not in vocabulary().lists:
                    known = ", ".join("code:" + name.replace(" ", "-")
                                      for name in vocabulary().lists)
                    raise QueryError(f"parameter '{self.name}' has an unknown code list "
                                     f"'{self.type}': use one of {known}")
                return ox.NamedNode(vocabulary().resolve(list_name, value).iri)
        except UnknownCode as error:
            hint = f": did you mean '{error.suggestion}'?" if error.suggestion else ""
            raise QueryError(f"parameter '{self.name}': unknown {error.code_list.name} "
                             f"'{value}'{hint}") from error
        except (ValueError, InvalidOperation) as error:
            raise QueryError(f"parameter '{self.name}' must be {_article(self.type)}: "
                             f"'{value}' is not") from error
        raise QueryError(f"parameter '{self.name}' has an unknown type '{self.type}'")


def _article(type_name: str) -> str:
    return {"iri": "an IRI", "integer": "an integer", "date": "a date (YYYY-MM-DD)"}.get(
        type_name, f"a {type_name}")


@dataclass(frozen=True)
class LibraryQuery:
    """One named query and its header."""

    name: str
    title: str
    answers: str
    example: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path | None = None
    kind: str = field(default="SELECT")

    def bindings(self, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """The RDF terms for ``values``, with defaults for the rest; unknown names refused."""
        declared = {parameter.name: parameter for parameter in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise QueryError(f"unknown parameter '{unknown[0]}' for query '{self.name}': "
                             f"its parameters are {names}")
        bound = {}
        for name, parameter in declared.items():
            value = values.get(name, parameter.default)
            if value is None:
                raise QueryError(f"query '{self.name}' needs --param {name}=VALUE "
                                 f"({parameter.help})")
            bound[name] = parameter.term(value)
        return bound


def parse_query(text: str, name: str, path: Path | None = None) -> LibraryQuery:
    """A query and its header from the text of an `.rq` file."""
    header: dict[str, str] = {}
    parameters = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        key, _, value = stripped.lstrip("#").strip().partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key == "param":
            match = PARAM_PATTERN.match(value)
            if not match:
                raise QueryError(f"{path or name}: cannot read the parameter line '{value}': "
                                 "write '# param: NAME (TYPE, default VALUE): what it is'")
            default = match["default"]
            if default is not None and default.startswith('"'):
                default = default[1:-1]
            parameters.append(Parameter(match["name"], match["type"].strip(), default,
                                        match["help"].strip()))
        elif key in ("title", "answers", "example"):
            header[key] = value
    body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.name}\b", body):
            raise QueryError(f"{path or name}: the parameter '{parameter.name}' is not a "
                             f"variable of the query: use ?{parameter.name} in it")
        if parameter.type not in TYPES and not parameter.type.startswith("code:"):
            raise QueryError(f"{path or name}: parameter '{parameter.name}' has an unknown "
                             f"type '{parameter.type}': use {', '.join(TYPES)} or code:LIST")
    kind_match = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", body, re.IGNORECASE)
    return LibraryQuery(
        name=name,
        title=header.get("title", name),
        answers=header.get("answers", ""),
        example=header.get("example", ""),
        parameters=tuple(parameters),
        text=text,
        path=path,
        kind=kind_match[1].upper() if kind_match else "SELECT",
    )


def adhoc_query(text: str, name: str = "request") -> LibraryQuery:
    """A query sent as SPARQL (to the endpoint): its comments are comments, so a ``# param:``
    line binds nothing and cannot make the request fail."""
    masked = re.sub(r"(?m)#.*$", "", text)
    kind_match = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", masked, re.IGNORECASE)
    return LibraryQuery(name=name, title=name, answers="", example="", parameters=(),
                        text=text, kind=kind_match[1].upper() if kind_match else "SELECT")


def load_library(folder: Path = LIBRARY_DIR) -> dict[str, LibraryQuery]:
    """Every `.rq` file of ``folder``, by name (the file name without `.rq`)."""
    return {path.stem: parse_query(path.read_text(encoding="utf-8"), path.stem, path)
            for path in sorted(folder.glob("*.rq"))}


def resolve_query(spec: str, library: dict[str, LibraryQuery] | None = None,
                  stdin_text: str | None = None) -> LibraryQuery:
    """A library name, a path to an `.rq` file, or ``-`` (the text given on standard input)."""
    library = load_library() if library is None else library
    if spec == "-":
        return parse_query(stdin_text or "", "stdin")
    if spec in library:
        return library[spec]
    path = Path(spec)
    if path.suffix in (".rq", ".sparql") or path.exists():
        if not path.is_file():
            raise QueryError(f"no query file at {spec}")
        return parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    import difflib

    near = difflib.get_close_matches(spec, list(library), n=3)
    hint = f" Did you mean: {', '.join(near)}?" if near else ""
    raise QueryError(f"no library query called '{spec}' (govatlas query --list shows them).{hint}")
