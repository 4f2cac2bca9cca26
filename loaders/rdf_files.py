"""Reading Turtle and JSON-LD datasets, with errors that give the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from govatlas.ontology.formats import RDF_FORMATS_BY_SUFFIX

from .errors import DataError, Problem, check_size, input_limit_mb
from .limits import check_rdf_xml


def is_rdf_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in RDF_FORMATS_BY_SUFFIX


def read_rdf(path: Path, graph: str) -> list[ox.Quad]:
    """Every triple of an RDF file, placed in ``graph``; :class:`DataError` if it does not parse.

    The whole file is parsed before anything is returned, so a syntax error at the last line
    still leaves the store untouched. The input limit bounds what the parsed triples hold in
    memory, not only the file's size: Turtle's ``;`` and ``,`` make a triple of a few bytes
    on disk, which takes some 300 in memory, so a file well under the limit could otherwise
    unfold into gigabytes.
    """
    rdf_format = RDF_FORMATS_BY_SUFFIX[path.suffix.lower()]
    target = ox.NamedNode(graph)
    check_size(path, str(path))
    if path.stat().st_size == 0:
        raise DataError([Problem(str(path), None, None, "is empty",
                                 "give a file with at least one triple")])
    if rdf_format == ox.RdfFormat.RDF_XML:
        check_rdf_xml(path, str(path))  # pyoxigraph expands XML entities without a bound
    # a file URI needs an absolute path; the base is where relative IRIs of the file resolve
    base_iri = path.resolve().as_uri()
    limit = int(input_limit_mb() * 1_000_000)
    held = 0
    quads: list[ox.Quad] = []
    try:
        for quad in ox.parse(path=str(path), format=rdf_format, base_iri=base_iri):
            held += HELD_BYTES_PER_QUAD + _text_size(quad)
            if held > limit:
                raise DataError([Problem(
                    str(path), None, None,
                    f"holds more triples than the {limit / 1_000_000:,.0f} MB a single input "
                    f"may hold in memory (past {len(quads):,} triples; a file of "
                    f"{path.stat().st_size / 1_000_000:,.1f} MB on disk, its abbreviations "
                    "unfolded)",
                    "split it into several files, or raise GOVATLAS_MAX_INPUT_MB if this "
                    "machine has the memory")])
            quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, target))
    except SyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        message = str(error.msg if hasattr(error, "msg") else error)
        if rdf_format == ox.RdfFormat.JSON_LD and _remote_context(message):
            raise DataError([Problem(str(path), line, None,
                                     "names a remote @context, and remote contexts are not "
                                     "fetched: inline it",
                                     "replace the context's URL by the JSON object it holds "
                                     "(\"@context\": {...}); nothing was downloaded")]) from error
        raise DataError([Problem(str(path), line, None, f"is not valid "
                                 f"{rdf_format.name} ({message})",
                                 "correct the syntax at that line; a validator such as "
                                 "`riot --validate` or an editor with Turtle support shows it "
                                 "too")]) from error
    except (OSError, ValueError) as error:
        raise DataError([Problem(str(path), None, None, f"cannot be read ({error})",
                                 "check the path and that the file is UTF-8 text")]) from error
    if not quads:
        raise DataError([Problem(str(path), None, None, "holds no triples",
                                 "give a file with at least one triple")])
    return quads


#: What one parsed quad holds in memory beyond the text of its terms (measured with
#: ``resource`` on pyoxigraph 0.5: about 340 bytes for 64 characters of text)
HELD_BYTES_PER_QUAD = 280


def _text_size(quad: ox.Quad) -> int:
    return sum(len(getattr(term, "value", "")) for term in (quad.subject, quad.predicate,
                                                             quad.object))


def _remote_context(message: str) -> bool:
    """Whether pyoxigraph's JSON-LD error is its refusal to load a remote context.

    pyoxigraph is given no document loader, so it never fetches a context; it stops with a
    message naming its missing ``LoadDocumentCallback``, which would mean nothing to a person.
    """
    return "LoadDocumentCallback" in message or "remote context" in message.lower()
