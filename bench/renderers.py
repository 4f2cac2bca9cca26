"""vis-network (pyvis's renderer) against sigma.js + graphology (WebGL) on a whole country.

Draws every actor of a generated country (France's proportions, :mod:`bench.country`) flat,
once with the map's own vis-network page (no clusters, no overview) and once with a sigma.js
page of the same positions, colours and sizes, and measures in headless Chromium, network
blocked: the page's size, the time to the first drawn frame, and the median time of a zoom
redraw (five zoom steps of 5 %).

    python -m bench.renderers                     # 5,000 and 36,500 actors
    python -m bench.renderers --actors 5000 --out /tmp/renderers

The country's network is built from the generator's rows as a projection would give it
(:func:`country_graph`), so that the measure is the renderer's, not the store's.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import networkx as nx

from bench.country import generate_country
from govatlas.graph.analysis.projection import link_families
from govatlas.ontology.namespaces import ACTOR
from govatlas.ontology.vocabulary import vocabulary

#: Actors per municipality in a generated country (43,844 actors for 35,000 municipalities).
ACTORS_PER_MUNICIPALITY = 43_844 / 35_000
CHROMIUM = "/usr/bin/chromium"
ASSETS = Path(__file__).resolve().parents[1] / "viz" / "assets"


def country_graph(municipalities: int) -> nx.MultiDiGraph:
    """The actor network of a generated country, with the node and edge attributes of a
    projection (label, type, level, rank, country, territories, parents; type, family,
    instrument, and the links' periods)."""
    country = generate_country(municipalities)
    ranks = {code: c.rank for code, c in vocabulary().lists["level"].by_code.items()}
    families = link_families()
    graph = nx.MultiDiGraph()
    for actor_id, label, kind, level, code, parent, territory, *_ in country.actors:
        graph.add_node(ACTOR + actor_id, label=label, type=kind, level=level, levels=[level],
                       rank=ranks[level], country=code,
                       territories=[territory] if territory else [],
                       parents=[ACTOR + parent] if parent else [], competences=[])
    for number, (source, target, kind, instrument, start, end, *_) in enumerate(country.links):
        graph.add_edge(ACTOR + source, ACTOR + target, key=f"link-{number}", type=kind,
                       family=families.get(kind), instrument=instrument or None,
                       instrument_label=instrument or None,
                       valid_from=start or None, valid_until=end or None)
    return graph


def vis_page(graph: nx.MultiDiGraph) -> tuple[str, dict]:
    """The map's own flat page (vis-network), and its payload."""
    from govatlas.graph.views.network import map_data
    from govatlas.viz.network_map import map_payload, render_map

    data = map_data(None, graph=graph, gaps=False, sources={}, names={}, slider=False,
                    country="XX", overview_threshold=10**9)
    payload = map_payload(data, cluster_threshold=10**9)
    return render_map(payload), payload


SIGMA_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>html,body{margin:0;height:100%}#network{position:absolute;inset:0}</style></head>
<body><div id="network"></div><script type="application/json" id="data">DATA</script>
<script>GRAPHOLOGY</script><script>SIGMA</script><script>
var data = JSON.parse(document.getElementById("data").textContent);
var graph = new graphology.MultiDirectedGraph();
data.nodes.forEach(function (n) {
  graph.addNode(n[0], {x: n[1], y: -n[2], size: n[3], color: n[4], label: n[5]}); });
data.edges.forEach(function (e) { graph.addEdge(e[0], e[1], {color: e[2], size: 1}); });
window.govatlasMap = {drawnAt: null};
var renderer = new Sigma(graph, document.getElementById("network"),
                         {labelRenderedSizeThreshold: 6});
window.govatlasMap.renderer = renderer;
requestAnimationFrame(function () { window.govatlasMap.drawnAt = performance.now(); });
</script></body></html>"""


def sigma_page(payload: dict) -> str:
    """The same nodes (positions, sizes, colours, labels) and links, drawn by sigma.js."""
    data = {"nodes": [[n["id"], n["x"], n["y"], max(2.0, n["size"] / 4), n["color"], n["label"]]
                      for n in payload["nodes"]],
            "edges": [[e["from"], e["to"], e["color"]] for e in payload["edges"]]}
    text = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    return (SIGMA_PAGE.replace("DATA", text)
            .replace("GRAPHOLOGY", (ASSETS / "graphology" / "graphology.umd.min.js").read_text())
            .replace("SIGMA", (ASSETS / "sigma" / "sigma.min.js").read_text()))


VIS_FRAME = """() => { const n = govatlasMap.network, t = [];
  for (let i = 0; i < 5; i++) { const s = performance.now();
    n.moveTo({scale: n.getScale() * 1.05, animation: false}); n.redraw(); n.renderer._redraw();
    t.push(performance.now() - s); }
  return t.sort((a, b) => a - b)[2]; }"""
SIGMA_FRAME = """() => { const r = govatlasMap.renderer, c = r.getCamera(), t = [];
  for (let i = 0; i < 5; i++) { const s = performance.now();
    c.setState({ratio: c.getState().ratio / 1.05}); r.refresh();
    t.push(performance.now() - s); }
  return t.sort((a, b) => a - b)[2]; }"""


def measure(path: Path, frame: str) -> dict:
    """Open ``path`` in headless Chromium (only file: requests allowed) and time it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        context = browser.new_context(viewport={"width": 1500, "height": 900})
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(("file:", "data:", "about:"))
                      else route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.resolve().as_uri(), timeout=600_000)
        page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null",
                               timeout=600_000)
        drawn = page.evaluate("govatlasMap.drawnAt")
        redraw = page.evaluate(frame)
        browser.close()
    return {"drawn_ms": round(drawn), "zoom_frame_ms": round(redraw, 1), "errors": errors}


def run(actors: int, out: Path) -> dict:
    """Both renderers on a country of about ``actors`` actors."""
    municipalities = max(20, math.ceil(actors / ACTORS_PER_MUNICIPALITY))
    graph = country_graph(municipalities)
    start = time.perf_counter()
    html, payload = vis_page(graph)
    built = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    vis_path, sigma_path = out / f"vis-{actors}.html", out / f"sigma-{actors}.html"
    vis_path.write_text(html, encoding="utf-8")
    sigma_path.write_text(sigma_page(payload), encoding="utf-8")
    result = {"actors": graph.number_of_nodes(), "links": graph.number_of_edges(),
              "layout_and_page_s": round(built, 1)}
    for name, path, frame in (("vis-network", vis_path, VIS_FRAME),
                              ("sigma", sigma_path, SIGMA_FRAME)):
        result[name] = {"page_mb": round(path.stat().st_size / 1e6, 1),
                        **measure(path, frame)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, action="append",
                        help="actors of the country (repeatable; default 5,000 and 36,500)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/govatlas-renderers"))
    args = parser.parse_args()
    for actors in args.actors or [5_000, 36_500]:
        print(json.dumps(run(actors, args.out)), flush=True)


if __name__ == "__main__":
    main()
