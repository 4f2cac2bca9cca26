"""The `govatlas` command line.

Exit codes scripts can rely on:
  0  done
  1  the input data has problems (each printed with file, line, column and fix)
  2  the command was called wrongly (unknown option, missing argument)
  3  the store cannot be opened or used
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from govatlas.graph.pipeline import build as build_store
from govatlas.graph.pipeline import bundled_datasets, derive, load_dataset, load_ontology
from govatlas.graph.store import GraphStore, default_store_path
from govatlas.loaders.errors import DataError
from govatlas.ontology.errors import StoreError

EXIT_DATA, EXIT_USAGE, EXIT_STORE = 1, 2, 3


def fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def parse_day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        from govatlas.loaders.dataset import parse_date

        return parse_date(value, end=False)
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is not a date: write YYYY, YYYY-MM or "
                                 "YYYY-MM-DD") from error


class Context:
    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path

    def store(self) -> GraphStore:
        """The store to read, built from the bundled data first if it does not exist yet."""
        try:
            if not self.store_path.exists():
                click.echo(f"No store at {self.store_path}: building it from the bundled data.",
                           err=True)
                with GraphStore.open(self.store_path) as store:
                    build_store(store)
            return GraphStore.open(self.store_path, read_only=True)
        except StoreError as error:
            fail(str(error), EXIT_STORE)
            raise

    def writable_store(self) -> GraphStore:
        """The store to write to; a new one starts with the ontology alone."""
        try:
            store = GraphStore.open(self.store_path)
        except StoreError as error:
            fail(str(error), EXIT_STORE)
            raise
        if not store.has_ontology():
            load_ontology(store)
        return store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              default=None, help="Store folder (default: $GOVATLAS_STORE or .govatlas/store).")
@click.version_option(package_name="govatlas")
@click.pass_context
def main(ctx: click.Context, store_path: Path | None) -> None:
    """govatlas: who does what in multi-level governance, as a knowledge graph."""
    ctx.obj = Context(store_path or default_store_path())


def print_problems(error: DataError) -> None:
    click.echo(str(error), err=True)


@main.command()
@click.option("--data", "paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Dataset folder, workbook or RDF file (repeatable; default: the bundled data).")
@click.pass_obj
def build(obj: Context, paths: tuple[Path, ...]) -> None:
    """Build the store from scratch: the ontology, then every dataset."""
    from rich.progress import Progress

    datasets = list(paths) or bundled_datasets()
    with obj.writable_store() as store:
        for graph in store.graphs():
            store.remove_graph(graph)
        reports = []
        try:
            with Progress(transient=True) as progress:
                task = progress.add_task("Loading", total=len(datasets) + 1)
                reports.append(load_ontology(store))
                progress.advance(task)
                for path in datasets:
                    progress.update(task, description=f"Loading {path.name}")
                    reports.append(load_dataset(store, path, derive_after=False))
                    progress.advance(task)
            derive(store)
        except DataError as error:
            print_problems(error)
            sys.exit(EXIT_DATA)
        for report in reports:
            click.echo(f"{report.name:<16} {report.quads:>8} triples")
        click.echo(f"Store at {obj.store_path}: {len(store)} triples in {len(reports)} graphs.")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--name", help="Store the dataset under this name (one path only).")
@click.option("--dry-run", is_flag=True, help="Check the data and report; write nothing.")
@click.pass_obj
def load(obj: Context, paths: tuple[Path, ...], name: str | None, dry_run: bool) -> None:
    """Check datasets and load them into the store, each replacing its earlier version.

    PATHS are dataset folders of CSV files, XLSX workbooks, Turtle or JSON-LD files.
    A dataset with any problem is not loaded at all; the others are.
    """
    if name and len(paths) > 1:
        raise click.UsageError("--name takes one path only")
    if dry_run:
        # Ids may refer to stored actors, so check against the store when there is one.
        if obj.store_path.exists():
            store = obj.store()
        else:
            store = GraphStore.in_memory()
            load_ontology(store)
    else:
        store = obj.writable_store()
    failed = False
    with store:
        for path in paths:
            try:
                report = load_dataset(store, path, name=name, dry_run=dry_run, derive_after=False)
            except DataError as error:
                print_problems(error)
                failed = True
                continue
            verb = "checked" if dry_run else ("replaced" if report.replaced else "loaded")
            click.echo(f"{path}: {verb}, {report.quads} triples (dataset '{report.name}')")
        if not dry_run:
            derive(store)
    if failed:
        sys.exit(EXIT_DATA)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--xlsx", is_flag=True, help="Write one workbook FOLDER/govatlas-template.xlsx.")
@click.option("--required-only", is_flag=True, help="Only the three required CSV files.")
def template(folder: Path, xlsx: bool, required_only: bool) -> None:
    """Write empty data templates (CSV headers, or an XLSX workbook) into FOLDER."""
    from govatlas.loaders.templates import write_csv_templates, write_xlsx_template

    if xlsx:
        click.echo(write_xlsx_template(folder / "govatlas-template.xlsx"))
        return
    written = write_csv_templates(folder, with_optional=not required_only)
    for path in written:
        click.echo(path)
    if not written:
        click.echo(f"{folder} already holds every template file; nothing written.", err=True)


@main.command()
@click.option("--city", "--territory", "cities", multiple=True,
              help="Only this territory (repeatable).")
@click.option("--as-of", callback=parse_day, help="The date to show (default: today).")
@click.option("--source", help="Only statements from this source document.")
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "json", "html"]),
              default="table", show_default=True)
@click.pass_obj
def matrix(obj: Context, cities: tuple[str, ...], as_of: date | None, source: str | None,
           fmt: str) -> None:
    """The distribution of competences: territories by level of government."""
    from govatlas.graph.views.matrix import competence_matrix
    from govatlas.viz.matrix import render_matrix

    with obj.store() as store:
        result = competence_matrix(store, list(cities) or None, as_of=as_of, source=source)
    if cities and not result.rows:
        fail(f"No competences recorded for {', '.join(cities)}.", EXIT_DATA)
    click.echo(render_matrix(result, fmt), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "tsv", "json"]),
              default="table", show_default=True)
@click.pass_obj
def stats(obj: Context, fmt: str) -> None:
    """Counts per dataset, country, actor type, link type, instrument and competence."""
    from govatlas.graph.views import stats as counts
    from govatlas.viz.tables import render_rows

    with obj.store() as store:
        sections = [("Totals", ("what", "count"), counts.totals(store)),
                    ("Datasets", ("dataset", "actors", "allocations", "links", "triples"),
                     counts.per_dataset(store))]
        sections += [(f"By {name}", (name, "count"), counts.breakdown(store, name))
                     for name in counts.BREAKDOWNS]
    if fmt in ("csv", "tsv", "json"):
        rows = [(title, *row) for title, _, section in sections for row in section]
        click.echo(render_rows(("section", "key", "value", "", "", ""),
                               [(*row, *[""] * (6 - len(row))) for row in rows], fmt), nl=False)
        return
    for title, columns, rows in sections:
        click.echo(render_rows(columns, rows, fmt, title=title))


REPORT_CHOICE = click.Choice(["table", "md", "html", "json", "ttl", "junit"])


def write_report(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Report written to {output}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=REPORT_CHOICE, default="table", show_default=True,
              help="table/md/html for people, json for scripts, ttl for the SHACL report "
                   "graph, junit for CI.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(["errors", "gaps"]), default="errors",
              show_default=True, help="gaps: also exit 1 when governance gaps are found.")
@click.option("--no-gaps", is_flag=True, help="Check data quality only.")
@click.option("--engine", type=click.Choice(["store", "pyshacl"]), default="store",
              show_default=True, help="Run the gap shapes on the embedded store, or on pySHACL "
                                      "(the reference; slower).")
def validate(paths: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str,
             no_gaps: bool, engine: str) -> None:
    """Check new data (CSV folders, XLSX, Turtle, JSON-LD) against the templates and shapes.

    Errors (data to fix) are reported with their file and row; governance gaps are warnings
    and do not fail the run unless --fail-on gaps. Exit code: 0 no errors, 1 errors (or gaps
    with --fail-on gaps), 2 the input cannot be read.
    """
    from govatlas.graph.validation.checking import Unreadable, validate_paths
    from govatlas.viz.validation_report import render_report

    try:
        outcome = validate_paths(list(paths), engine=engine, gaps=not no_gaps)
    except Unreadable as error:
        click.echo("The input cannot be read, nothing was checked:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_USAGE)
    write_report(render_report(outcome.findings, outcome.inputs, fmt), output)
    if outcome.violations or (fail_on == "gaps" and outcome.gaps):
        sys.exit(EXIT_DATA)


@main.command()
@click.option("--country", help="Only gaps of actors, places and instruments of this country "
                                "(ISO code, e.g. FR).")
@click.option("--city", "--territory", "territory", help="Only gaps in this territory.")
@click.option("--gap", "gap_types", multiple=True,
              type=click.Choice(["information", "capacity", "fiscal", "administrative",
                                 "policy", "objective", "accountability", "participatory"]),
              help="Only this gap type (repeatable).")
@click.option("--format", "fmt", type=REPORT_CHOICE, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def gaps(obj: Context, country: str | None, territory: str | None,
         gap_types: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """The governance gaps the shapes find in the stored graph, with the sources' own diagnoses.

    Each gap names its type (one of the OECD's eight), the actors and competence involved,
    why it is a gap, and what the source documents say about the same gap there.
    """
    from govatlas.graph.validation.gaps import find_gaps, with_evidence
    from govatlas.viz.validation_report import render_report

    with obj.store() as stored:
        store = stored.in_memory_copy()
    if True:
        findings = find_gaps(store, gap_types or None)
        if country:
            findings = [f for f in findings if f.country.upper() == country.upper()]
        if territory:
            findings = [f for f in findings if f.territory.casefold() == territory.casefold()
                        or territory.casefold() in f.message.casefold()]
        findings = with_evidence(store, findings)
    scope = ", ".join(filter(None, [country, territory, *gap_types])) or "all data"
    write_report(render_report(findings, [f"the stored graph ({scope})"], fmt), output)


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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl",
                                                     "nt", "jsonld"]),
              default="table", show_default=True)
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.pass_obj
def query(obj: Context, spec: str | None, list_queries: bool, params: dict[str, str],
          fmt: str, timeout: float) -> None:
    """Run a library query (NAME), a query file (FILE.rq) or standard input (-).

    Parameters are bound as RDF terms, never pasted into the query text. csv, tsv, json and xml
    are the SPARQL 1.1 results formats; ttl, nt and jsonld are for CONSTRUCT and DESCRIBE.
    """
    from govatlas.queries.library import QueryError, load_library, resolve_query
    from govatlas.queries.runner import run_query, short
    from govatlas.viz.tables import render_rows

    library = load_library()
    if list_queries or not spec:
        rows = [(name, q.title, ", ".join(p.name for p in q.parameters))
                for name, q in library.items()]
        click.echo(render_rows(("name", "title", "parameters"), rows,
                               "table" if fmt == "table" else "csv"), nl=False)
        return
    try:
        chosen = resolve_query(spec, library,
                               click.get_text_stream("stdin").read() if spec == "-" else None)
        with obj.store() as stored:
            store = stored.in_memory_copy()
        result = run_query(store, chosen, params, timeout=timeout)
        if fmt == "table":
            if result.kind == "ASK":
                click.echo("yes" if result.boolean else "no")
            elif result.kind in ("CONSTRUCT", "DESCRIBE"):
                click.echo(result.serialize("ttl").decode(), nl=False)
            else:
                click.echo(render_rows(result.variables,
                                       [[short(term) for term in row] for row in result.rows],
                                       "table", title=chosen.title), nl=False)
                click.echo(f"{len(result.rows)} row(s)")
        else:
            click.echo(result.serialize(fmt).decode(), nl=False)
    except QueryError as error:
        fail(f"Query error: {error}", EXIT_DATA)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Largest result returned.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, timeout: float, max_rows: int) -> None:
    """A read-only SPARQL 1.1 endpoint (and a query page) over the stored graph."""
    from govatlas.queries.endpoint import serve as make_server

    with obj.store() as stored:
        store = stored.in_memory_copy()
    server = make_server(store, host, port, timeout, max_rows)
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
@click.pass_obj
def push(obj: Context, store_url: str, user: str | None, password: str | None) -> None:
    """Upload the graph to a triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    STORE_URL is the store's graph-store endpoint, e.g. http://localhost:7878/store for an
    Oxigraph server or http://localhost:3030/ds/data for Fuseki. Each named graph (ontology,
    datasets) is replaced whole, so pushing again leaves one copy.
    """
    from govatlas.graph.export.push import PushError
    from govatlas.graph.export.push import push as push_graphs

    with obj.store() as store:
        try:
            pushed = push_graphs(store, store_url, user, password)
        except PushError as error:
            fail(str(error), EXIT_STORE)
    for item in pushed:
        click.echo(f"{item.graph}: {item.triples} triples (HTTP {item.status})")
    click.echo(f"Pushed {len(pushed)} graphs, {sum(i.triples for i in pushed)} triples.")


@main.command()
@click.option("--city", "--territory", "territory", help="Analyse this territory.")
@click.option("--country", help="Analyse this country (ISO code).")
@click.option("--as-of", callback=parse_day, help="The graph as it stood on this date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]),
              default="table", show_default=True)
@click.option("--add-link", nargs=3, metavar="FROM TO TYPE",
              help="What if this link existed: show what it changes (actor ids, link type).")
@click.option("--write", is_flag=True,
              help="Store the results in the graph (named graph .../graph/analysis), for SPARQL.")
@click.option("--top", default=10, show_default=True, help="Actors listed per ranking.")
@click.pass_obj
def analyze(obj: Context, territory: str | None, country: str | None, as_of: date | None,
            fmt: str, add_link: tuple[str, str, str] | None, write: bool, top: int) -> None:
    """Centrality, brokerage across levels, vertical/horizontal links, decoupling and the ideal
    type (centralist, localist, decoupled, multilevel) of a territory or country."""
    import json
    from dataclasses import asdict

    from govatlas.graph.analysis.analyze import (
        ANALYSIS_GRAPH,
        analysis_quads,
        compare,
        with_link,
    )
    from govatlas.graph.analysis.analyze import analyze as run_analysis
    from govatlas.ontology.vocabulary import UnknownCode
    from govatlas.viz.tables import render_rows

    with obj.store() as stored:
        store = stored.in_memory_copy()
    result = run_analysis(store, territory, country, as_of, top)
    if add_link:
        try:
            changed = with_link(store, *add_link)
        except (LookupError, UnknownCode) as error:
            fail(f"--add-link: {error}", EXIT_DATA)
        after = run_analysis(changed, territory, country, as_of, top)
        rows = compare(result, after)
        click.echo(render_rows(("measure", "now", "with the link"), rows,
                               "md" if fmt == "md" else "csv" if fmt == "csv" else "table",
                               title=f"What if {add_link[0]} {add_link[2]} {add_link[1]}"),
                   nl=False)
        return
    if write:
        with obj.writable_store() as writable:
            quads = analysis_quads(result)
            existing = list(writable.quads(ANALYSIS_GRAPH))
            writable.replace_graph(ANALYSIS_GRAPH, [*existing, *quads])
        click.echo(f"Results written to the graph <{ANALYSIS_GRAPH}>.", err=True)
    if fmt == "json":
        click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2, default=str))
        return
    table_fmt = "md" if fmt == "md" else "csv" if fmt == "csv" else "table"
    c = result.classification
    parts = [render_rows(("scope", "ideal type", "explanation"),
                         [(result.scope, c["label"], c["explanation"])], table_fmt,
                         title="Ideal type")]
    parts.append(render_rows(("measure", "value"), [(k, v) for k, v in c["measures"].items()],
                             table_fmt, title="Measures behind the classification"))
    parts.append(render_rows(
        ("actor", "level", "degree", "betweenness", "pagerank"),
        [(r["label"], r["level"], r["degree"], f"{r['betweenness']:.4f}",
          f"{r['pagerank']:.4f}") for r in result.centrality], table_fmt,
        title=f"Centrality ({result.centrality_method.get('betweenness', '')})"))
    parts.append(render_rows(
        ("actor", "coordinator", "itinerant", "gatekeeper", "representative", "liaison"),
        [(r["label"], r["coordinator"], r["itinerant"], r["gatekeeper"], r["representative"],
          r["liaison"]) for r in result.brokerage], table_fmt,
        title="Brokerage across levels (Gould & Fernandez)"))
    parts.append(render_rows(("measure", "value"), list(result.structure.items()), table_fmt,
                             title="Vertical and horizontal links"))
    parts.append(render_rows(("from level", *sorted({k for row in result.level_matrix.values()
                                                     for k in row})),
                             [(level, *(row.get(k, 0) for k in sorted(
                                 {k for r in result.level_matrix.values() for k in r})))
                              for level, row in result.level_matrix.items()], table_fmt,
                             title="Links from level to level"))
    parts.append(render_rows(("territory", "competence", "holder", "level", "holder", "level"),
                             [tuple(p.values()) for p in result.decoupled_pairs], table_fmt,
                             title=f"Decoupled pairs (index {result.decoupling.get('index')})"))
    parts.append(render_rows(("gap", "found"), list(result.gaps.items()), table_fmt,
                             title="Governance gaps found"))
    click.echo("\n".join(parts), nl=False)


@main.command("map")
@click.option("--city", "--territory", "city", help="Only this territory's actors.")
@click.option("--country", help="Only this country's actors (ISO code).")
@click.option("--instrument", help="Only the links of this instrument (id).")
@click.option("--competence", help="Only actors holding this competence (code).")
@click.option("--as-of", callback=parse_day, help="The graph as it stood on this date.")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "pagerank"]),
              default="degree", show_default=True, help="What a node's size shows.")
@click.option("--no-gaps", is_flag=True, help="Do not draw the gaps the shapes find.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("map.html"), show_default=True)
@click.pass_obj
def network_map(obj: Context, city: str | None, country: str | None, instrument: str | None,
                competence: str | None, as_of: date | None, size_by: str, no_gaps: bool,
                output: Path) -> None:
    """An interactive network map (one HTML file that opens with no network access)."""
    from govatlas.api import pages

    with obj.store() as store:
        path = pages.map(city=city, country=country, instrument=instrument,
                         competence=competence, as_of=as_of, size_by=size_by,
                         gaps=not no_gaps, output=output, store=store).path
    click.echo(f"Map written to {path}")


@main.command()
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("atlas"), show_default=True)
@click.pass_obj
def report(obj: Context, folder: Path) -> None:
    """The atlas: a static, self-contained site (maps, matrices, gaps, analysis, sources)."""
    from govatlas.api import pages

    with obj.store() as store:
        index = pages.report(folder, store)
    click.echo(f"Atlas written to {folder}/ (open {index})")


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
@click.pass_obj
def export_neo4j_command(obj: Context, uri: str, user: str, password: str,
                         database: str | None, replace: bool, batch_size: int) -> None:
    """Write the graph to Neo4j (or any Bolt server) with batched, idempotent MERGEs."""
    from rich.progress import Progress

    from govatlas.graph.export.neo4j import ExportError, export_neo4j

    with obj.store() as stored:
        store = stored.in_memory_copy()
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task("Exporting", total=None)

            def advance(done: int, total: int, step: str) -> None:
                progress.update(task, completed=done, total=total, description=step)

            summary = export_neo4j(store, uri, user, password, database=database,
                                   replace=replace, batch_size=batch_size, progress=advance)
    except ExportError as error:
        fail(str(error), EXIT_STORE)
    click.echo(str(summary))


@export.command("neo4j-csv")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def export_neo4j_csv(obj: Context, folder: Path) -> None:
    """CSV files for `neo4j-admin database import`, with constraints.cypher and import.sh."""
    from govatlas.graph.export.files import write_neo4j_admin_csv

    with obj.store() as store:
        for path in write_neo4j_admin_csv(store, folder):
            click.echo(path)


def _network_file_command(name: str, help_text: str) -> None:
    """`govatlas export graphml|gexf PATH`: the same network, in one of two file formats."""

    @export.command(name, help=help_text)
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_obj
    def command(obj: Context, path: Path) -> None:
        from govatlas.graph.export import files as graph_files

        with obj.store() as store:
            graph = getattr(graph_files, f"write_{name}")(store, path)
        click.echo(f"{path}: {graph.number_of_nodes()} actors, "
                   f"{graph.number_of_edges()} links")


_network_file_command("graphml", "The actor network as GraphML (nodes, links, attributes).")
_network_file_command("gexf", "The actor network as GEXF, for Gephi.")


@export.command("rdf")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ttl", "jsonld"]), default="ttl",
              show_default=True)
@click.option("--city", "--territory", "territory", help="Only this territory.")
@click.pass_obj
def export_rdf(obj: Context, path: Path, fmt: str, territory: str | None) -> None:
    """The whole graph, or one territory, as Turtle or JSON-LD."""
    from govatlas.graph.export.files import write_rdf

    with obj.store() as store:
        try:
            count = write_rdf(store, path, fmt=fmt, territory=territory)
        except ValueError as error:
            fail(str(error), EXIT_DATA)
    click.echo(f"{path}: {count} triples")


@main.command()
@click.argument("key")
@click.option("--documents", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="GOVATLAS_DOCUMENTS",
              help="Folder of the source documents, to quote the cited lines "
                   "(or $GOVATLAS_DOCUMENTS).")
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "tsv", "json"]),
              default="table", show_default=True)
@click.pass_obj
def sources(obj: Context, key: str, documents: Path | None, fmt: str) -> None:
    """Every statement about an actor or instrument (KEY: id, name or acronym), with its source.

    Each line gives the statement, the source document and the lines that state it, so it can
    be checked against the document; --documents quotes those lines.
    """
    from govatlas.graph.views.sources import NotFound, quote, resolve, statements_about
    from govatlas.viz.tables import render_rows

    with obj.store() as store:
        try:
            iris = resolve(store, key)
        except NotFound as error:
            fail(str(error), EXIT_DATA)
        for iri in iris:
            rows = []
            for item in statements_about(store, iri):
                row = [item.kind, item.statement, item.source, item.locator, item.record]
                if documents:
                    row.append(" | ".join(f"{n}: {line}" for n, line in
                                          quote(documents, item.source, item.locator)))
                rows.append(row)
            columns = ["kind", "statement", "source", "lines", "record"]
            if documents:
                columns.append("quoted lines")
            click.echo(render_rows(columns, rows, fmt, title=iri), nl=False)


@main.command()
@click.argument("list_name", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "tsv", "json"]),
              default="table", show_default=True)
def codes(list_name: str | None, fmt: str) -> None:
    """The valid codes of each vocabulary (or of LIST_NAME, e.g. 'competence')."""
    from govatlas.ontology.vocabulary import vocabulary
    from govatlas.viz.tables import render_rows

    vocab = vocabulary()
    names = [list_name] if list_name else list(vocab.lists)
    unknown = [name for name in names if name not in vocab.lists]
    if unknown:
        raise click.BadParameter(f"no code list '{unknown[0]}': the lists are "
                                 f"{', '.join(vocab.lists)}", param_hint="LIST_NAME")
    rows = [(name, concept.code, concept.label)
            for name in names
            for concept in sorted(vocab.lists[name].by_code.values(),
                                  key=lambda c: (c.rank if c.rank is not None else 99, c.code))]
    click.echo(render_rows(("list", "code", "label"), rows, fmt), nl=False)


if __name__ == "__main__":
    main()
