"""The graph store: an embedded Oxigraph database holding the ontology and every dataset.

Each dataset lives in its own named graph (``https://w3id.org/govatlas/graph/dataset/NAME``) and
the ontology with its vocabularies in another, so a dataset can be replaced or removed without
touching the rest, and queries run over the union of all graphs.

Why Oxigraph: on this project's measurements it parses Turtle 15-25 times faster than rdflib's
in-memory graph and answers SPARQL 10-20 times faster with a third of the memory; it persists to
disk (RocksDB) so `govatlas build` is done once; and every write is a transaction, which is what
lets a failed load leave the stored data as it was. rdflib stays the reference for tools that
need it (pySHACL): :meth:`GraphStore.to_rdflib` hands the graph over.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from govatlas.ontology.errors import StoreError
from govatlas.ontology.namespaces import DATASET_GRAPH, ONTOLOGY_GRAPH, sparql_prefixes

DEFAULT_STORE = Path(".govatlas") / "store"
#: a new graph with more quads than this is bulk-loaded into an on-disk store
BULK_THRESHOLD = 50_000
#: triples handed to Oxigraph's bulk loader at a time: it sorts what it is given in memory
#: (one call with 2.8 million triples peaked at 3.4 GB), so a file is loaded in parts
BULK_PART_TRIPLES = 400_000
DEFAULT = ox.DefaultGraph()


def default_store_path() -> Path:
    """``$GOVATLAS_STORE`` if set, else ``.govatlas/store`` under the working directory."""
    return Path(os.environ.get("GOVATLAS_STORE", DEFAULT_STORE))


class GraphStore:
    """The govatlas graph: load datasets into named graphs, query the union of them all."""

    def __init__(self, store: ox.Store, path: Path | None = None,
                 read_only: bool = False) -> None:
        self.store = store
        self.path = path
        self.read_only = read_only
        #: what an interrupted rebuild was, if opening this store finished or discarded it
        self.settled: str | None = None
        #: whether the default graph holds the union of the named graphs (see :meth:`select`)
        self.union_in_default = self._default_is_union()
        if not self.union_in_default and not read_only:
            self._rebuild_union()

    def _default_is_union(self) -> bool:
        """A new store is kept with the union in its default graph; one written before that
        (named graphs, empty default graph) is not, until it is opened for writing."""
        has_default = next(iter(self.store.quads_for_pattern(None, None, None, DEFAULT)),
                           None) is not None
        return has_default or next(iter(self.store.named_graphs()), None) is None

    def _rebuild_union(self) -> None:
        """Fill the default graph with the triples of every named graph: once for a store
        written before the default graph held the union, after a graph was replaced whole,
        and after an interrupted write.

        On disk each graph is dumped as N-Triples and bulk-loaded into the default graph, in
        Oxigraph: copying them quad by quad from Python cost a third of a country's build,
        and one ``INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }`` was slower still
        (528 s and 4.7 GB for 2.8 million triples: an update is one transaction, held in
        memory)."""
        self.store.clear_graph(DEFAULT)
        for graph in list(self.store.named_graphs()):
            if self.path is None:
                self.store.extend(ox.Quad(q.subject, q.predicate, q.object, DEFAULT)
                                  for q in self.store.quads_for_pattern(None, None, None, graph))
                continue
            dump = self.spool_path(f"union-{abs(hash(graph.value))}")
            try:
                self.store.dump(str(dump), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                self._bulk_load_file(dump, DEFAULT)
            finally:
                dump.unlink(missing_ok=True)
        self.union_in_default = True

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def in_memory(cls) -> GraphStore:
        return cls(ox.Store())

    @classmethod
    def open(cls, path: Path | None = None, read_only: bool = False) -> GraphStore:
        """Open (or create) the on-disk store at ``path``."""
        path = path or default_store_path()
        try:
            if read_only:
                refusal = read_refusal(path)
                if refusal is not None:
                    raise StoreError(refusal)
                if not path.exists():
                    raise StoreError(f"no store at {path}: run `govatlas build` first")
                return cls(ox.Store.read_only(str(path)), path, read_only=True)
            finished = _settle_rebuild(path)
            path.mkdir(parents=True, exist_ok=True)
            opened = cls(ox.Store(str(path)), path)
            opened.settled = finished
            opened.forget_computed()  # opened to be written: what was computed may change
            # after a kill the write-ahead log is replayed on every open until it is written
            # out: flushing here makes the next reads as fast as before
            opened.store.flush()
            return opened
        except OSError as error:
            raise StoreError(f"cannot open the store at {path} ({error}); another govatlas "
                             "command may be writing to it: wait for it to finish") from error

    # --- writes that must finish together ---------------------------------------------------
    # A load writes a dataset's graph, then the union and the derived graph, in several
    # transactions (a bulk load of a large graph is no transaction at all). So that a kill in
    # between never leaves a store that answers with new data and stale derived facts, a
    # marker file beside the store names the write while it runs: readers refuse a store that
    # has one (saying how to repair it), and the next command that opens it for writing repairs
    # it first. The marker is written and removed atomically (a rename).
    def marker_path(self) -> Path | None:
        return _marker(self.path) if self.path else None

    def interrupted(self) -> dict | None:
        """What an interrupted write was doing, if one was (see :meth:`writing`)."""
        return _pending(self.path) if self.path else None

    def _write_marker(self, state: dict) -> None:
        marker = self.marker_path()
        assert marker is not None
        partial = marker.with_name(marker.name + ".tmp")
        partial.write_text(json.dumps(state), encoding="utf-8")
        os.replace(partial, marker)

    @contextmanager
    def writing(self, what: str, new_graphs: Iterable[str] = ()) -> Iterator[None]:
        """Mark the store as being written (``what``, and the graphs created by this write,
        which a repair removes) until the block ends without an exception or a kill."""
        marker = self.marker_path()
        if marker is None:
            yield
            return
        self.forget_computed()
        self.store.flush()
        self._write_marker({"what": what, "new_graphs": sorted(new_graphs)})
        yield
        self.store.flush()
        marker.unlink()
        self._remove_spools()

    def note_replacing(self, graph: str, spool: Path) -> None:
        """Record in the marker that ``graph`` is about to be replaced by the complete,
        checked N-Triples file ``spool``: a repair after a kill then finishes the replacement
        from it (the old content is dropped first, so it cannot be brought back)."""
        marker = self.marker_path()
        state = self.interrupted()
        if marker is None or state is None:
            return  # not inside writing(): nothing to repair from
        state.setdefault("replacing", {})[graph] = str(spool)
        self._write_marker(state)

    def spool_path(self, name: str) -> Path:
        """A file beside the on-disk store for data on its way in (``<store>.incoming/``):
        on the same disk, never in memory, and kept until the write it serves is done."""
        if self.path is None:
            raise StoreError("an in-memory store has no spool folder")
        folder = _spool_folder(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{slug_name(name)}.nt"

    def _remove_spools(self) -> None:
        if self.path is not None:
            shutil.rmtree(_spool_folder(self.path), ignore_errors=True)

    # --- what is computed from the store ----------------------------------------------------
    # Some answers cost a minute on a country and change only when the store is written (the
    # gap findings: graph/validation/kept.py). They are kept in files beside the store
    # (``<store>.computed/``), which every write removes before it writes anything: a file
    # there always answers for the graphs as they are. The store knows nothing of what the
    # files hold.
    def computed_path(self, name: str) -> Path | None:
        """Where a file computed from this on-disk store is kept (None in memory). A writer
        creates the folder, writes the file under another name and renames it there, so a
        kill never leaves half a file."""
        if self.path is None:
            return None
        return _computed_folder(self.path) / slug_name(name)

    def forget_computed(self) -> None:
        """Remove every file computed from this store: called by every write, first."""
        if self.path is not None:
            shutil.rmtree(_computed_folder(self.path), ignore_errors=True)

    # --- rebuilding beside the store --------------------------------------------------------
    # Replacing a large graph in place costs far more than loading it: Oxigraph deletes
    # triple by triple in a transaction (the old graph, the derived graph, the union), which
    # made a reload cost 2.5 times a first load in CPU and twice its memory. A rebuild writes
    # a fresh store beside the old one with the bulk loader only (what a first load does) and
    # swaps it in with two renames. The marker says which phase a kill interrupted:
    # "building" (the old store is untouched and complete: reads go on, the next writable
    # open discards the unfinished one) or "swapping" (the new store is complete: the next
    # writable open, or `govatlas repair`, finishes the renames; reads refuse until then).
    @contextmanager
    def rebuilding(self, what: str, replace: dict[str, Path],
                   drop: Iterable[str] = ()) -> Iterator[GraphStore]:
        """Yield a fresh on-disk store holding every graph of this one but ``drop``, each
        graph of ``replace`` holding the triples of its N-Triples file instead, union
        included; when the block ends (the caller derives in it), swap it in for this one.

        This store is only read until the swap, so an exception or a kill before it leaves
        it as it was. After the swap :attr:`store` is the new database.
        """
        if self.path is None:
            raise StoreError("an in-memory store is replaced in place, not rebuilt")
        self.forget_computed()
        fresh_path, old_path = _beside(self.path, ".next"), _beside(self.path, ".old")
        for leftover in (fresh_path, old_path, _spool_folder(fresh_path)):
            shutil.rmtree(leftover, ignore_errors=True)
        state = {"what": what, "rebuild": {"phase": "building", "next": str(fresh_path),
                                           "old": str(old_path)}}
        self._write_marker(state)
        fresh: GraphStore | None = GraphStore(ox.Store(str(fresh_path)), fresh_path)
        try:
            files: list[tuple[ox.NamedNode, Path]] = []
            skipped = set(replace) | set(drop)
            for graph in sorted(self.store.named_graphs(), key=lambda node: node.value):
                if graph.value not in skipped:
                    dump = self.spool_path(f"kept-{graph.value}")
                    self.store.dump(str(dump), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                    files.append((graph, dump))
            files += [(ox.NamedNode(graph), Path(file)) for graph, file in replace.items()]
            for graph, file in files:
                fresh._bulk_load_file(file, graph)
                fresh.store.add_graph(graph)  # an empty graph is still a stored graph
            for _, file in files:  # the union, each triple once (the store is a set)
                fresh._bulk_load_file(file, DEFAULT)
            yield fresh
            fresh.close()
        except BaseException:
            fresh.close()
            fresh = None
            gc.collect()  # pyoxigraph releases the database when the object goes
            shutil.rmtree(fresh_path, ignore_errors=True)
            shutil.rmtree(_spool_folder(fresh_path), ignore_errors=True)
            self.marker_path().unlink(missing_ok=True)  # type: ignore[union-attr]
            self._remove_spools()
            raise
        fresh = None
        state["rebuild"]["phase"] = "swapping"
        self._write_marker(state)
        self.store.flush()
        self.store = None  # type: ignore[assignment]
        gc.collect()
        _settle_rebuild(self.path)
        self.store = ox.Store(str(self.path))
        self.union_in_default = True

    def repair(self, rules: Iterable[tuple[str, str]], derived_graph: str) -> str | None:
        """Undo what an interrupted write left: remove the graphs it was creating, rebuild the
        union and the derived graph. Returns what the write was, or None if none was."""
        state = self.interrupted()
        if state is None:  # a kill before any write may have left a converted file
            self._remove_spools()
            return self.settled
        self.forget_computed()
        replacing = {graph: Path(spool) for graph, spool in state.get("replacing", {}).items()
                     if Path(spool).is_file()}
        for graph in state.get("new_graphs", []):
            if graph not in replacing:
                self.store.remove_graph(ox.NamedNode(graph))
        for graph, spool in replacing.items():  # checked and complete: finish the write
            self.store.remove_graph(ox.NamedNode(graph))
            self._bulk_load_file(spool, ox.NamedNode(graph))
        self.store.remove_graph(ox.NamedNode(derived_graph))
        self._rebuild_union()
        self.materialize(derived_graph, rules)
        self.store.flush()
        marker = self.marker_path()
        if marker is not None:
            marker.unlink()
        self._remove_spools()
        return str(state.get("what"))

    def replace_from_spool(self, graph: str, spool: Path, also_drop: Iterable[str] = ()) -> None:
        """Make ``graph`` hold exactly the triples of the N-Triples file ``spool``, with
        Oxigraph's bulk loader (no transaction, nothing held in memory).

        A new graph is loaded, then the same file again into the default graph (the union:
        the second load costs less, its terms are already stored). An existing graph is
        dropped and loaded, then the union is rebuilt, which costs what a first load costs;
        removing the old triples from the union one by one, each checked against the other
        graphs, was what made a reload cost four times a first load. ``also_drop`` graphs
        (the derived graph, recomputed next) are dropped first so the union is rebuilt once.
        Only call this inside :meth:`writing`, after :meth:`note_replacing`: a kill in
        between leaves a marker the next writable open repairs from ``spool``.
        """
        self.forget_computed()
        node = ox.NamedNode(graph)
        dropped = False  # whether a graph was dropped whole, leaving the union to rebuild
        for other in [graph, *also_drop]:
            other_node = ox.NamedNode(other)
            if not self.store.contains_named_graph(other_node):
                continue
            head = list(islice(self.quads(other), BULK_THRESHOLD))
            self.store.remove_graph(other_node)
            if len(head) >= BULK_THRESHOLD:
                dropped = True
            elif not dropped:
                self._drop_from_union(head)
        self._bulk_load_file(spool, node)
        self.store.add_graph(node)  # an empty dataset is still a stored graph
        if dropped:
            self._rebuild_union()
        else:
            self._bulk_load_file(spool, DEFAULT)
        self.store.flush()

    # --- writing ---------------------------------------------------------------------------
    def replace_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``quads``, in one transaction.

        A new graph is written with one atomic ``extend``; an existing one is dropped and
        refilled in a single SPARQL update, which Oxigraph applies as one transaction, so a
        reader never sees the graph half replaced and a failure leaves the old content.
        """
        self.forget_computed()
        node = ox.NamedNode(graph)
        if not self.store.contains_named_graph(node):
            self._fill_new_graph(node, quads)
            if not quads:
                self.store.add_graph(node)
            return
        old = list(self.quads(graph))
        body = "\n".join(f"{quad.subject} {quad.predicate} {quad.object} ." for quad in quads)
        self.store.update(f"DROP SILENT GRAPH <{graph}> ;\n"
                          f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
        self._drop_from_union(old)
        self._add_to_union(quads)

    # The default graph holds the union of the named graphs, each triple once: Oxigraph's own
    # union (use_default_graph_as_union) is a bag, so a triple two datasets state would count
    # twice in every query (224 actors for 213). Each write keeps it: a new graph's triples
    # are added (a store is a set: a triple already there stays one), a removed graph's are
    # taken out unless another named graph still states them. Both cost one lookup a triple.
    def _add_to_union(self, quads: list[ox.Quad]) -> None:
        triples = [ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in quads]
        if self.path is not None and len(triples) >= BULK_THRESHOLD:
            self.store.bulk_extend(triples)
        else:
            self.store.extend(triples)

    def _drop_from_union(self, quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            stated_elsewhere = any(
                not isinstance(other.graph_name, ox.DefaultGraph) for other in
                self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None))
            if not stated_elsewhere:
                self.store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, DEFAULT))

    def _fill_new_graph(self, node: ox.NamedNode, quads: list[ox.Quad]) -> None:
        """Write ``quads`` into the graph ``node``, which holds nothing stored before this call.

        Bulk loading skips the transaction (4x faster on disk for a million quads); since the
        graph holds nothing older, undoing a failure means removing it, and nothing that was
        stored before is touched.
        """
        if self.path is None or len(quads) < BULK_THRESHOLD:
            self.store.extend(quads)
        else:
            try:
                self.store.bulk_extend(quads)
                self.store.flush()
            except BaseException:
                self.store.remove_graph(node)
                raise
        self._add_to_union(quads)

    def materialize(self, graph: str, rules: Iterable[tuple[str, str]]) -> int:
        """Make ``graph`` hold what ``rules`` derive from all the other graphs; returns the
        number of triples it holds.

        Each rule is ``(predicate IRI, SELECT ?x ?y query)`` (no prologue: the govatlas
        prefixes are added): every row becomes the triple ``?x predicate ?y``. Rules run in
        order, each seeing what the ones before it wrote, so a rule may build on another. The
        store knows nothing of what the rules mean; the pipeline hands it the ontology's rules
        (:func:`govatlas.ontology.derivation_rules`).
        """
        target = ox.NamedNode(graph)
        self.remove_graph(graph)  # forgets what was computed, too
        for predicate, query in rules:
            self.materialize_rule(target, predicate, query)
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}"
        rows = self.store.query(count)
        return int(next(iter(rows))["n"].value)

    def materialize_rule(self, node: ox.NamedNode, predicate: str, query: str) -> None:
        """Add the triples of one rule to the graph ``node`` (new in this write) and to the
        union, the rows never becoming Python objects.

        The rule's SELECT is wrapped in a CONSTRUCT (a row with ``?x`` or ``?y`` unbound, or
        a literal ``?x``, makes no triple) and Oxigraph writes its result itself: on disk to an
        N-Triples spool file, then bulk-loaded into the graph and into the union (building a
        Python triple for each row, and serialising those, cost more than the rules' queries
        on the France-sized country); in memory as one SPARQL update, which is one
        transaction in memory anyway."""
        body = f"WHERE {{ {{\n{query}\n}} }}"
        if self.path is None:
            template = f"?x <{predicate}> ?y"
            self.store.update(sparql_prefixes() + f"INSERT {{ GRAPH {node} {{ {template} }} "
                              f"{template} }} {body}")
            return
        spool = self.spool_path(f"rows-{node.value}")
        try:
            results = self.store.query(sparql_prefixes() + f"CONSTRUCT {{ ?x <{predicate}> ?y }} "
                                       f"{body}", **self.query_options())
            results.serialize(output=str(spool), format=ox.RdfFormat.N_TRIPLES)
            for graph in (node, DEFAULT):
                self._bulk_load_file(spool, graph)
        finally:
            spool.unlink(missing_ok=True)

    def _bulk_load_file(self, path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
        """Bulk-load the N-Triples file ``path`` into ``graph``, :data:`BULK_PART_TRIPLES`
        lines at a time, so the loader's memory stays bounded whatever the file's size."""
        with path.open("rb") as handle:
            while True:
                part = b"".join(islice(handle, BULK_PART_TRIPLES))
                if not part:
                    return
                self.store.bulk_load(part, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def holds_at_least(self, graph: str, count: int) -> bool:
        """Whether ``graph`` holds ``count`` quads or more (read no further than that)."""
        node = ox.NamedNode(graph)
        if not self.store.contains_named_graph(node):
            return False
        return sum(1 for _ in islice(self.quads(graph), count)) >= count

    def remove_graph(self, graph: str) -> bool:
        """Remove ``graph`` and take its triples out of the union (unless another graph
        states them). A large graph on disk is dropped whole and the union rebuilt from the
        graphs left, in Oxigraph: one lookup a triple from Python is the slow way."""
        self.forget_computed()
        node = ox.NamedNode(graph)
        if not self.store.contains_named_graph(node):
            return False
        head = list(islice(self.quads(graph), BULK_THRESHOLD))
        if self.path is not None and len(head) >= BULK_THRESHOLD:
            self.store.remove_graph(node)
            self._rebuild_union()
            return True
        self.store.remove_graph(node)
        self._drop_from_union(head)
        return True

    def clear(self) -> None:
        """Remove every graph (a build starts from nothing)."""
        self.forget_computed()
        self.store.clear()
        self.union_in_default = True

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    def close(self) -> None:
        """Flush and release the database so another process (or command) can open it."""
        if self.store is not None and self.path is not None:
            if not self.read_only:
                self.store.flush()
            self.store = None  # type: ignore[assignment] # pyoxigraph closes on release

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------
    def query_options(self) -> dict[str, bool]:
        """How a query sees the graphs: the default graph is the union (each triple once)
        where the store keeps it, else Oxigraph's union of the named graphs."""
        return {} if self.union_in_default else {"use_default_graph_as_union": True}

    def select(self, query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
               ) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]]:
        """Rows of a SELECT query over the union of all graphs, with the govatlas prefixes.

        ``bindings`` give variables a value as RDF terms: see :func:`bind`.
        """
        results = self.store.query(sparql_prefixes() + bind(query, bindings),
                                   **self.query_options())
        names = [variable.value for variable in results.variables]
        # a solution iterates over its values in the variables' order: zipping them is twice
        # as fast as reading each by name, which was a sixth of the atlas's time on a country
        return [dict(zip(names, solution, strict=True)) for solution in results]

    def ask(self, query: str) -> bool:
        return bool(self.store.query(sparql_prefixes() + query, **self.query_options()))

    def graphs(self) -> list[str]:
        return sorted(graph.value for graph in self.store.named_graphs())

    def dataset_names(self) -> list[str]:
        return [graph[len(DATASET_GRAPH):] for graph in self.graphs()
                if graph.startswith(DATASET_GRAPH)]

    def has_ontology(self) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(ONTOLOGY_GRAPH))

    def __len__(self) -> int:
        """The quads of the named graphs (the default graph only repeats them)."""
        rows = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

    def holds_more_than(self, count: int) -> bool:
        """Whether the named graphs hold more than ``count`` quads, reading no further than
        that (counting a country's millions costs seconds)."""
        seen = 0
        for graph in self.store.named_graphs():
            seen += sum(1 for _ in islice(self.store.quads_for_pattern(None, None, None, graph),
                                          count + 1 - seen))
            if seen > count:
                return True
        return False

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of ``graph``, or of every named graph (not the default graph's union)."""
        if graph:
            return self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return (quad for quad in self.store.quads_for_pattern(None, None, None, None)
                if not isinstance(quad.graph_name, ox.DefaultGraph))

    def add_quads(self, quads: list[ox.Quad]) -> None:
        """Add ``quads`` (in their named graphs) to what the store holds, union included."""
        self.forget_computed()
        self.store.extend(quads)
        self._add_to_union(quads)

    def in_memory_copy(self) -> GraphStore:
        """The same graphs in a scratch in-memory store, for a what-if that adds data without
        touching the stored graph. Read commands do not need it: they query the store where
        it is."""
        copy = GraphStore.in_memory()
        copy.store.bulk_extend(self.store.quads_for_pattern(None, None, None, None))
        return copy

    # --- handing the graph to other tools --------------------------------------------------
    def dump(self, output: Path, rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS,
             graph: str | None = None) -> None:
        """Write the store (or one graph) to ``output`` in ``rdf_format``."""
        if graph is None and rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            ox.serialize(self.quads(), output=str(output), format=rdf_format)
        else:
            quads = self.quads(graph)
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(triples, output=str(output), format=rdf_format)

    def to_rdflib(self, graphs: Iterable[str] | None = None, oxigraph: bool = True):
        """The union of ``graphs`` (all by default) as an rdflib Graph, for rdflib-only tools.

        By default the copy is backed by Oxigraph through oxrdflib, so a tool such as pySHACL
        keeps rdflib's API but its SPARQL queries run on Oxigraph; ``oxigraph=False`` gives
        rdflib's own in-memory graph.
        """
        import rdflib

        wanted = list(graphs) if graphs is not None else self.graphs()
        result = rdflib.Graph(store="Oxigraph") if oxigraph else rdflib.Graph()
        for graph in wanted:
            data = ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(graph)),
                format=ox.RdfFormat.N_TRIPLES)
            if data:
                result.parse(data=data, format="nt")
        return result


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _marker(path: Path) -> Path:
    return _beside(path, ".pending")


def _spool_folder(path: Path) -> Path:
    return _beside(path, ".incoming")


def _computed_folder(path: Path) -> Path:
    return _beside(path, ".computed")


def _pending(path: Path) -> dict | None:
    """The state an unfinished write left in the marker beside the store at ``path``."""
    marker = _marker(path)
    if not marker.exists():
        return None
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"what": "an unknown write", "new_graphs": []}


def read_refusal(path: Path) -> str | None:
    """Why the store at ``path`` must not be read now (a write was interrupted and its
    answers could be wrong), or None. A rebuild still building leaves the store untouched,
    so it is read as it stands."""
    state = _pending(path)
    if state is None or state.get("rebuild", {}).get("phase") == "building":
        return None
    return (f"the store at {path} was left half written ({state['what']} was interrupted), "
            "so its answers could be wrong: run `govatlas repair` (or any load or build), "
            "which repairs it first")


def _settle_rebuild(path: Path) -> str | None:
    """Finish or discard the rebuild the marker beside ``path`` names (see
    :meth:`GraphStore.rebuilding`); returns what it was, or None if there was none.

    Renames and removals only, so it costs milliseconds; each step can be repeated, so a
    kill during it is settled by the next call. A rebuild still building is discarded (the
    old store is complete); one swapping is finished (the new store is complete).
    """
    state = _pending(path)
    if state is None or "rebuild" not in state:
        return None
    rebuild = state["rebuild"]
    fresh, old = Path(rebuild["next"]), Path(rebuild["old"])
    if rebuild["phase"] == "swapping" and fresh.exists():
        if path.exists() and not old.exists():
            os.rename(path, old)
        os.rename(fresh, path)
    for leftover in (fresh, old, _spool_folder(fresh), _spool_folder(path),
                     _computed_folder(path)):
        shutil.rmtree(leftover, ignore_errors=True)
    _marker(fresh).unlink(missing_ok=True)  # a build writes in the fresh store as in any
    _marker(path).unlink(missing_ok=True)
    return str(state.get("what"))


def slug_name(text: str) -> str:
    """``text`` (a graph IRI, say) as a safe file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[-120:] or "graph"


def bind(query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None) -> str:
    """``query`` with ``bindings`` as a VALUES block at the start of its outer WHERE group.

    The values are RDF terms serialised by pyoxigraph (IRIs are validated when the term is
    made, literals are escaped), so a value can never end the block or add to the query: a
    label like ``"} ; DROP ALL`` stays one literal. A VALUES block first in the group binds the
    variables before the patterns and filters that follow it.
    """
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    # Comment lines are masked so a "WHERE {" inside a comment is not taken for the group.
    masked = re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), query)
    match = re.search(r"WHERE\s*\{", masked, flags=re.IGNORECASE)
    if match is None:
        raise ValueError("a query with bindings needs a WHERE { ... } group")
    # Inserted on the same line, so line numbers in error messages stay the user's.
    return f"{query[:match.end()]} VALUES ({names}) {{ ({terms}) }} {query[match.end():]}"


def open_store(path: Path | None = None, read_only: bool = True) -> GraphStore:
    """The store `govatlas build` wrote (``$GOVATLAS_STORE`` or ``.govatlas/store``)."""
    return GraphStore.open(path, read_only=read_only)
