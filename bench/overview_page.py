"""The atlas's overall map (``map.html``, the overview of every actor) on a built store, and
``govatlas map --country XX``'s page, without the rest of the atlas.

``govatlas report`` takes minutes on the France-sized store, most of them in pages other than
the overall map. This reads what the overall map needs exactly as
:func:`~govatlas.graph.views.atlas.atlas_data` reads it (the one projection, the gaps, the
statement sources, the names, the slider's dates), keeps it in a pickle so that a second run
(or the same run with another checkout, for a before/after) skips the store, then times the
two steps that are the map's own: :func:`~govatlas.graph.views.network.map_data` on those
values (the overview's tree, its views' links, the sizes) and the page
(:func:`~govatlas.viz.network_map.map_page`). It writes the page and prints its size and what
its bytes are made of.

    python bench/overview_page.py STORE --cache DIR/inputs.pickle --out DIR/map.html
    python bench/overview_page.py STORE --country XX ...   # the country map's scope

The store is opened read-only.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import time
from pathlib import Path
from typing import Any


def read_inputs(store_path: Path) -> dict[str, Any]:
    """What :func:`atlas_data` reads from the store for the overall map."""
    from govatlas.graph.analysis import projection
    from govatlas.graph.store import GraphStore
    from govatlas.graph.views.atlas import ATLAS_TIMELINE_LIMIT
    from govatlas.graph.views.network import (
        actor_names,
        gap_timeline,
        gaps_as_of,
        link_competences,
        statement_sources,
    )

    store = GraphStore.open(store_path, read_only=True)
    started = time.perf_counter()
    held = projection.allocations(store)
    graph = projection.project(store, held=held)
    findings = [f for f in gaps_as_of(store) if f.gap]
    concerned = link_competences(store)
    for _, _, key, data in graph.edges(keys=True, data=True):
        if str(key) in concerned:
            data["competence"] = concerned[str(key)]
    quads = len(store)
    timeline = gap_timeline(store, gaps=quads <= ATLAS_TIMELINE_LIMIT,
                            limit=ATLAS_TIMELINE_LIMIT)
    inputs = {"graph": graph, "findings": findings, "sources": statement_sources(store),
              "names": actor_names(store), "timeline": timeline,
              "read_seconds": time.perf_counter() - started}
    store.close()
    return inputs


def sizes(page: str) -> dict[str, float]:
    """MB of the page's parts: its index, its views, and within the views the actors' gap
    sentences and sources as the page carries them (whatever their encoding)."""
    found: dict[str, float] = {"page": len(page.encode()) / 1e6}
    index = re.search(r'<script type="application/json" id="map-index">(.*?)</script>', page,
                      re.S)
    if index:
        found["index"] = len(index[1].encode()) / 1e6
    views = re.findall(r'<script type="application/json" id="view-g\d+">(.*?)</script>', page,
                       re.S)
    found["views"] = sum(len(v.encode()) for v in views) / 1e6
    found["view blocks"] = len(views)
    gaps = sources = 0
    for text in views:
        for node in json.loads(text).get("nodes", []):
            gaps += len(json.dumps(node.get("p", []), ensure_ascii=False).encode())
            sources += len(json.dumps(node.get("r", []), ensure_ascii=False).encode())
    found["views: gaps (p)"] = gaps / 1e6
    found["views: sources (r)"] = sources / 1e6
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--cache", type=Path, required=True,
                        help="pickle of the store's values (written on the first run)")
    parser.add_argument("--out", type=Path, required=True, help="the page to write")
    parser.add_argument("--country", help="scope the map to this country, as map --country")
    args = parser.parse_args()
    from govatlas.graph.views.atlas import COUNTRY_NAMES
    from govatlas.graph.views.network import map_data
    from govatlas.viz.network_map import map_page

    if args.cache.exists():
        inputs = pickle.loads(args.cache.read_bytes())
    else:
        inputs = read_inputs(args.store)
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        args.cache.write_bytes(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"store read: {inputs['read_seconds']:.1f} s (cached after the first run)")
    graph = inputs["graph"]
    if args.country:
        graph = graph.subgraph([n for n, d in graph.nodes(data=True)
                                if d.get("country") == args.country]).copy()
    started, cpu = time.perf_counter(), time.process_time()
    data = map_data(None, graph=graph, title="Governance network — all actors",
                    findings=inputs["findings"], sources=inputs["sources"],
                    timeline=inputs["timeline"], names=inputs["names"],
                    country=args.country, country_names=COUNTRY_NAMES)
    gathered, gathered_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    page = map_page(data)
    rendered, rendered_cpu = time.perf_counter() - started, time.process_time() - cpu
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"actors {graph.number_of_nodes():,}, links {graph.number_of_edges():,}, "
          f"gaps {len(data.findings):,}")
    print(f"wall: map_data {gathered:.1f} s, page {rendered:.1f} s, "
          f"together {gathered + rendered:.1f} s")
    print(f"CPU: map_data {gathered_cpu:.1f} s, page {rendered_cpu:.1f} s, "
          f"together {gathered_cpu + rendered_cpu:.1f} s")
    for part, value in sizes(page).items():
        print(f"{part}: {value:,.2f}" if isinstance(value, float) else f"{part}: {value}")


if __name__ == "__main__":
    main()
