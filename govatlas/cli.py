"""The `govatlas` command line: options in, one call to :mod:`govatlas.api`, the value rendered.

Exit codes scripts can rely on (:mod:`govatlas.ontology.errors`):
  0  done
  1  the input data has problems (each printed with file, line, column and fix)
  2  the command was called wrongly (unknown option, name or value)
  3  the store (or a remote server) cannot be opened or used

Data goes to standard output, messages to standard error.
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import asdict
from datetime import date
from pathlib import Path

import click

from govatlas.ontology.errors import EXIT_DATA, GovatlasError

from .options import (
    REPORT_FORMATS,
    TABLE_FORMATS,
    as_of_option,
    country_option,
    format_option,
    gap_option,
    listing_options,
    output_option,
    territory_option,
    write_output,
)


class Commands(click.Group):
    """The command group; a :class:`GovatlasError` anywhere ends the command with its message
    on standard error and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        with warnings.catch_warnings():
            warnings.showwarning = _warning_printer(warnings.showwarning)
            try:
                return super().invoke(ctx)
            except GovatlasError as error:
                click.echo(str(error), err=True)
                sys.exit(error.exit_code)


def _warning_printer(previous):
    """A ``warnings.showwarning`` that prints a warning about the input
    (:class:`~govatlas.loaders.errors.DataWarning`) as a line a person reads,
    ``warning: actors.csv:3: ...``, on standard error, and hands any other to ``previous``."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        from govatlas.loaders.errors import DataWarning

        if issubclass(category, DataWarning):
            click.echo(f"warning: {message}", err=True)
        else:
            previous(message, category, filename, lineno, file, line)

    return show


def api():
    """The api module, imported when a command runs (so ``--help`` stays instant)."""
    from govatlas import api as use_cases

    return use_cases


def rows_text(table, fmt: str) -> str:
    from govatlas.viz.tables import render_rows

    return render_rows(table.columns, table.rows, fmt, title=table.title or None)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
              help="Store folder (default: $GOVATLAS_STORE or .govatlas/store).")
@click.version_option(package_name="govatlas")
@click.pass_context
def main(ctx: click.Context, store_path: Path | None) -> None:
    """govatlas: who does what in multi-level governance, as a knowledge graph."""
    ctx.obj = store_path


# --- data in ------------------------------------------------------------------------------

@main.command()
@click.option("--data", "paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Dataset folder, workbook or RDF file (repeatable; default: the bundled data).")
@click.pass_obj
def build(store: Path | None, paths: tuple[Path, ...]) -> None:
    """Build the store from scratch: the ontology, then every dataset."""
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Loading", total=None)
        reports = api().build(list(paths) or None, store, progress=lambda name: progress.update(
            task, description=f"Loading {name}"))
    for report in reports:
        click.echo(f"{report.name:<16} {report.quads:>8} triples")
    click.echo(f"Store at {_store_path(store)}: {len(reports)} graphs.")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--name", help="Store the dataset under this name (one path only).")
@click.option("--dry-run", is_flag=True, help="Check the data and report; write nothing.")
@click.pass_obj
def load(store: Path | None, paths: tuple[Path, ...], name: str | None, dry_run: bool) -> None:
    """Check datasets and load them into the store, each replacing its earlier version.

    PATHS are dataset folders of CSV files, XLSX workbooks, Turtle or JSON-LD files.
    A dataset with any problem is not loaded at all; the others are.
    """
    if name and len(paths) > 1:
        raise click.UsageError("--name takes one path only")
    outcome = api().load(list(paths), name=name, dry_run=dry_run, store=store)
    for error in outcome.refused:
        click.echo(str(error), err=True)
    for report in outcome.loaded:
        verb = "checked" if dry_run else ("replaced" if report.replaced else "loaded")
        click.echo(f"{report.path}: {verb}, {report.quads} triples (dataset '{report.name}')")
    if not outcome.ok:
        sys.exit(EXIT_DATA)


@main.command()
@click.pass_obj
def repair(store: Path | None) -> None:
    """Repair a store a killed load or build left half written (reads refuse it until then)."""
    interrupted = api().repair(store)
    click.echo(f"Repaired: {interrupted} had been interrupted." if interrupted
               else "The store is sound: nothing to repair.", err=True)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--xlsx", is_flag=True, help="Write one workbook FOLDER/govatlas-template.xlsx.")
@click.option("--required-only", is_flag=True, help="Only the three required CSV files.")
def template(folder: Path, xlsx: bool, required_only: bool) -> None:
    """Write empty data templates (CSV headers, or an XLSX workbook) into FOLDER."""
    written = api().template(folder, xlsx=xlsx, required_only=required_only)
    for path in written:
        click.echo(path)
    if not written:
        click.echo(f"{folder} already holds every template file; nothing written.", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option(REPORT_FORMATS, help="table/md/html for people, json for scripts, ttl for the "
                                    "SHACL report graph, junit for CI.")
@output_option(help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(["errors", "gaps"]), default="errors",
              show_default=True, help="gaps: also exit 1 when governance gaps are found.")
@click.option("--no-gaps", is_flag=True, help="Check data quality only.")
@click.option("--engine", type=click.Choice(["store", "pyshacl"]), default="store",
              show_default=True, help="Run the shapes on the embedded store, or on pySHACL "
                                      "(the reference; slower).")
@click.option("--annotate", "annotated", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the input back as this .xlsx workbook, each problem a comment "
                   "on its cell (a CSV folder: a sheet per file), with a Summary sheet.")
@click.option("--against-store", is_flag=True,
              help="Check the data together with the stored graph, writing nothing: ids of "
                   "other datasets resolve, and the gaps listed are those it opens or closes.")
@click.option("--store", "local_store", type=click.Path(path_type=Path), default=None,
              help="With --against-store: the store (default: govatlas --store, "
                   "$GOVATLAS_STORE or .govatlas/store).")
@listing_options
@click.pass_obj
def validate(store: Path | None, paths: tuple[Path, ...], fmt: str, output: Path | None,
             fail_on: str, no_gaps: bool, engine: str, annotated: Path | None,
             against_store: bool, local_store: Path | None, show_all: bool,
             limit: int) -> None:
    """Check new data (CSV folders, XLSX, Turtle, JSON-LD) against the templates and shapes.

    Every problem is reported in one run, with its file, row and fix (a file that cannot be
    read is one of them), and the report is written whatever was found; governance gaps are
    warnings and do not fail the run unless --fail-on gaps. Exit code: 0 no errors, 1 errors
    (or gaps with --fail-on gaps).
    """
    from govatlas.viz.validation_report import render_report

    if local_store is not None and not against_store:
        raise click.UsageError("--store is for --against-store")
    outcome = api().validate(list(paths), engine=engine, gaps=not no_gaps,
                             against_store=against_store, store=local_store or store)
    write_output(render_report(outcome.findings, outcome.inputs, fmt, outcome.cases,
                               outcome.coverage, None if show_all else limit), output)
    if annotated is not None:
        click.echo(f"Annotated workbook written to {api().annotate(paths, outcome, annotated)}",
                   err=True)
    if outcome.violations or (fail_on == "gaps" and outcome.gaps):
        sys.exit(EXIT_DATA)


# --- views of the stored graph ------------------------------------------------------------

@main.command()
@territory_option(multiple=True)
@as_of_option(help="The date to show (default: today).")
@click.option("--source", help="Only statements from this source document.")
@format_option(("table", "md", "csv", "json", "html"))
@click.pass_obj
def matrix(store: Path | None, territories: tuple[str, ...], as_of: date | None,
           source: str | None, fmt: str) -> None:
    """The distribution of competences: territories by level of government."""
    from govatlas.viz.matrix import render_matrix

    result = api().matrix(territories, as_of=as_of, source=source, store=store).matrix
    if territories and not result.rows:
        click.echo(f"No competences recorded for {', '.join(territories)}.", err=True)
        sys.exit(EXIT_DATA)
    click.echo(render_matrix(result, fmt), nl=False)


@main.command()
@format_option()
@click.pass_obj
def stats(store: Path | None, fmt: str) -> None:
    """Counts per dataset, country, actor type, link type, instrument and competence."""
    sections = api().stats(store)
    if fmt in ("csv", "tsv", "json"):
        from govatlas.viz.tables import render_rows

        # one count a row, each column named: section, key (dataset, country, ...), what, count
        rows = [(table.title, row[0], measure if len(table.columns) > 2 else table.columns[0],
                 value) for table in sections for row in table.rows
                for measure, value in zip(table.columns[1:], row[1:], strict=True)]
        click.echo(render_rows(("section", "key", "counted", "count"), rows, fmt), nl=False)
        return
    for table in sections:
        click.echo(rows_text(table, fmt))


@main.command()
@click.argument("key")
@click.option("--documents", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="GOVATLAS_DOCUMENTS",
              help="Folder of the source documents, to quote the cited lines "
                   "(or $GOVATLAS_DOCUMENTS).")
@format_option()
@click.pass_obj
def sources(store: Path | None, key: str, documents: Path | None, fmt: str) -> None:
    """Every statement about an actor or instrument (KEY: id, name or acronym), with its source.

    Each line gives the statement, the source document and the lines that state it, so it can
    be checked against the document; --documents quotes those lines.
    """
    for table in api().sources(key, documents, store):
        click.echo(rows_text(table, fmt), nl=False)


@main.command()
@country_option("Only gaps of actors, places and instruments of this country (ISO code, "
                "e.g. FR).")
@territory_option(help="Only gaps in this territory.")
@gap_option()
@format_option(REPORT_FORMATS)
@output_option()
@listing_options
@click.pass_obj
def gaps(store: Path | None, country: str | None, territory: str | None,
         gap_types: tuple[str, ...], fmt: str, output: Path | None, show_all: bool,
         limit: int) -> None:
    """The governance gaps the shapes find in the stored graph, with the sources' own diagnoses.

    Each gap names its type (one of the OECD's eight), the actors and competence involved,
    why it is a gap, and what the source documents say about the same gap there.
    """
    from govatlas.viz.validation_report import render_report

    found = api().gaps(country, territory, gap_types, store)
    write_output(render_report(found.findings, [found.scope], fmt, found.cases, found.coverage,
                               limit=None if show_all else limit), output)


@main.command()
@click.argument("list_name", required=False)
@format_option()
def codes(list_name: str | None, fmt: str) -> None:
    """The valid codes of each vocabulary (or of LIST_NAME, e.g. 'competence')."""
    click.echo(rows_text(api().codes(list_name), fmt), nl=False)


# --- analysis -----------------------------------------------------------------------------

@main.command()
@territory_option(help="Analyse this territory.")
@country_option("Analyse this country (ISO code).")
@as_of_option()
@format_option(("table", "json", "csv", "md"))
@click.option("--add-link", nargs=3, metavar="FROM TO TYPE",
              help="What if this link existed: show what it changes (actor ids, link type).")
@click.option("--write", is_flag=True,
              help="Store the results in the graph (named graph .../graph/analysis), for SPARQL.")
@click.option("--top", default=10, show_default=True, help="Actors listed per ranking.")
@click.pass_obj
def analyze(store: Path | None, territory: str | None, country: str | None,
            as_of: date | None, fmt: str, add_link: tuple[str, str, str] | None, write: bool,
            top: int) -> None:
    """Centrality, brokerage across levels, vertical/horizontal links, decoupling and the ideal
    type (centralist, localist, decoupled, multilevel) of a territory or country."""
    from govatlas.viz.analysis import render_analysis

    if add_link:
        change = api().what_if(*add_link, territory=territory, country=country, as_of=as_of,
                               top=top, store=store)
        if fmt == "json":
            click.echo(json.dumps(change.as_dict(), ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(rows_text(change.changes, "table" if fmt == "table" else fmt), nl=False)
        return
    result = api().analyze(territory, country, as_of, top, store)
    if write:
        graph = api().write_analysis(result, store)
        click.echo(f"Results written to the graph <{graph}>.", err=True)
    if fmt == "json":
        click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(render_analysis(result, fmt), nl=False)


# --- pages --------------------------------------------------------------------------------

@main.command("map")
@territory_option(help="Only this territory's actors.")
@country_option("Only this country's actors (ISO code).")
@click.option("--instrument", help="Only the links of this instrument (id).")
@click.option("--competence", help="Only actors holding this competence (code).")
@as_of_option()
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "pagerank"]),
              default="degree", show_default=True, help="What a node's size shows.")
@click.option("--no-gaps", is_flag=True, help="Do not draw the gaps the shapes find.")
@output_option(default=Path("map.html"))
@click.pass_obj
def network_map(store: Path | None, territory: str | None, country: str | None,
                instrument: str | None, competence: str | None, as_of: date | None,
                size_by: str, no_gaps: bool, output: Path) -> None:
    """An interactive network map (one HTML file that opens with no network access)."""
    to_stdout = str(output) == "-"
    result = api().map(territory, country, instrument, competence, as_of, size_by,
                       not no_gaps, output=None if to_stdout else output, store=store)
    if to_stdout:
        click.echo(result.html, nl=False)
    else:
        click.echo(f"Map written to {result.path}", err=True)


@main.command()
@output_option(default=Path("atlas"), file_okay=False, help="The folder to write the atlas to.")
@click.pass_obj
def report(store: Path | None, output: Path) -> None:
    """The atlas: a static, self-contained site (maps, matrices, gaps, analysis, sources)."""
    index = api().report(output, store)
    click.echo(f"Atlas written to {output}/ (open {index})", err=True)


# --- SPARQL and exports -------------------------------------------------------------------

def parse_params(_ctx, _param, values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}' is not NAME=VALUE")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("spec", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the library's queries.")
@click.option("--param", "params", multiple=True, callback=parse_params,
              help="NAME=VALUE, bound as an RDF term of the parameter's type (repeatable).")
@format_option(("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"))
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.option("--allow-service", multiple=True, metavar="HOST",
              help="A host a SERVICE clause may call (repeatable; by default none).")
@click.pass_obj
def query(store: Path | None, spec: str | None, list_queries: bool, params: dict[str, str],
          fmt: str, timeout: float, allow_service: tuple[str, ...]) -> None:
    """Run a library query (NAME), a query file (FILE.rq), standard input (-) or a SPARQL text.

    Parameters are bound as RDF terms, never pasted into the query text. csv, tsv, json and xml
    are the SPARQL 1.1 results formats; ttl, nt and jsonld are for CONSTRUCT and DESCRIBE.
    """
    from govatlas.queries.runner import short
    from govatlas.viz.tables import render_rows

    if list_queries or not spec:
        rows = [(name, q.title, ", ".join(p.name for p in q.parameters))
                for name, q in api().library().items()]
        click.echo(render_rows(("name", "title", "parameters"), rows,
                               "table" if fmt == "table" else "csv"), nl=False)
        return
    stdin = None
    if spec == "-":
        with click.open_file("-", encoding="utf-8") as stream:
            stdin = stream.read()
    result = api().run(spec, params, timeout, store, stdin_text=stdin,
                       allow_service=allow_service)
    if fmt != "table":
        click.echo(result.serialize(fmt).decode(), nl=False)
    elif result.kind == "ASK":
        click.echo("yes" if result.boolean else "no")
    elif result.kind in ("CONSTRUCT", "DESCRIBE"):
        click.echo(result.serialize("ttl").decode(), nl=False)
    else:
        click.echo(render_rows(result.variables,
                               [[short(term) for term in row] for row in result.rows],
                               "table", title=api().choose_query(spec, stdin).title), nl=False)
        click.echo(f"{len(result.rows)} row(s)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Largest result returned.")
@click.option("--cors", is_flag=True, help="Answer browser clients of any origin (CORS).")
@click.option("--allow-service", multiple=True, metavar="HOST",
              help="A host a SERVICE clause may call (repeatable; by default none).")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="A host name clients may reach it by, besides its address and localhost.")
@click.option("--workers", type=int, help="Queries run at once (default: 2 per core, 4 or more).")
@click.pass_obj
def serve(store: Path | None, host: str, port: int, timeout: float, max_rows: int, cors: bool,
          allow_service: tuple[str, ...], allow_host: tuple[str, ...],
          workers: int | None) -> None:
    """A read-only SPARQL 1.1 endpoint (YASGUI at /) over the stored graph."""
    server = api().serve(host, port, timeout, max_rows, store, cors, allow_service, allow_host,
                         workers)
    click.echo(f"SPARQL endpoint at http://{host}:{server.server_port}/sparql, query page at "
               f"http://{host}:{server.server_port}/ (Ctrl-C stops it)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.argument("store_url")
@click.option("--user", envvar="GOVATLAS_PUSH_USER", help="User name (or $GOVATLAS_PUSH_USER).")
@click.option("--password", envvar="GOVATLAS_PUSH_PASSWORD", hide_input=True,
              help="Password (or $GOVATLAS_PUSH_PASSWORD); never printed.")
@click.option("--prune", is_flag=True,
              help="Also remove the govatlas graphs there that no longer exist here.")
@click.option("--query-url", help="The store's SPARQL query endpoint, to list its graphs for "
                                  "--prune (default: guessed from STORE_URL).")
@click.pass_obj
def push(store: Path | None, store_url: str, user: str | None, password: str | None,
         prune: bool, query_url: str | None) -> None:
    """Upload the graph to a triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    STORE_URL is the store's graph-store endpoint, e.g. http://localhost:7878/store for an
    Oxigraph server or http://localhost:3030/ds/data for Fuseki. Each named graph (ontology,
    datasets) is replaced whole, so pushing again leaves one copy.
    """
    pushed = api().push(store_url, user, password, store, prune, query_url)
    for item in pushed:
        click.echo(f"{item.graph}: {item.triples} triples (HTTP {item.status})")
    click.echo(f"Pushed {len(pushed)} graphs, {sum(i.triples for i in pushed)} triples.")


@main.group()
def export() -> None:
    """Hand the graph to other tools: Neo4j (Bolt), neo4j-admin CSV, GraphML, GEXF, RDF."""


@export.command("neo4j")
@click.option("--uri", required=True, envvar="GOVATLAS_NEO4J_URI",
              help="Bolt URI, e.g. bolt://localhost:7687 (or $GOVATLAS_NEO4J_URI).")
@click.option("--user", envvar="GOVATLAS_NEO4J_USER", default="neo4j", show_default=True,
              help="User (or $GOVATLAS_NEO4J_USER).")
@click.option("--password", envvar="GOVATLAS_NEO4J_PASSWORD", default="",
              help="Password (or $GOVATLAS_NEO4J_PASSWORD); never printed.")
@click.option("--database", help="Database name (default: the server's default).")
@click.option("--replace", is_flag=True, help="First delete what govatlas wrote before.")
@click.option("--batch-size", default=500, show_default=True)
@click.pass_context
def export_neo4j_command(ctx: click.Context, uri: str, user: str, password: str,
                         database: str | None, replace: bool, batch_size: int) -> None:
    """Write the graph to Neo4j (or any Bolt server) with batched, idempotent MERGEs."""
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Exporting", total=None)

        def advance(done: int, total: int, step: str) -> None:
            progress.update(task, completed=done, total=total, description=step)

        summary = api().export_to_neo4j(uri, user, password, database, replace, batch_size,
                                        advance, ctx.find_root().obj)
    click.echo(str(summary))


@export.command("neo4j-csv")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_neo4j_csv(ctx: click.Context, folder: Path) -> None:
    """CSV files for `neo4j-admin database import`, with constraints.cypher and import.sh."""
    for path in api().export_neo4j_csv(folder, ctx.find_root().obj):
        click.echo(path)


@export.command("graphml")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_graphml(ctx: click.Context, path: Path) -> None:
    """The actor network as GraphML (nodes, links, attributes)."""
    _network_file(ctx, path, "graphml")


@export.command("gexf")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_gexf(ctx: click.Context, path: Path) -> None:
    """The actor network as GEXF, for Gephi."""
    _network_file(ctx, path, "gexf")


def _network_file(ctx: click.Context, path: Path, fmt: str) -> None:
    graph = api().export_network(path, fmt, ctx.find_root().obj)
    click.echo(f"{path}: {graph.number_of_nodes()} actors, {graph.number_of_edges()} links")


@export.command("rdf")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@format_option(("ttl", "jsonld"), default="ttl")
@territory_option()
@click.pass_context
def export_rdf(ctx: click.Context, path: Path, fmt: str, territory: str | None) -> None:
    """The whole graph, or one territory, as Turtle or JSON-LD."""
    count = api().export_rdf(path, fmt, territory, ctx.find_root().obj)
    click.echo(f"{path}: {count} triples")


def _store_path(store: Path | None) -> Path:
    from govatlas.api.stores import store_path

    return store_path(store)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


__all__ = ["TABLE_FORMATS", "main"]

if __name__ == "__main__":
    main()
