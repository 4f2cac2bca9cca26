"""Use cases that write pages: a network map, the competence heatmap, the atlas.

Each takes plain arguments and an optional ``store`` (a :class:`GraphStore`; by default the
stored graph, opened read-only), gathers what the page shows (:mod:`govatlas.graph.views`),
renders it (:mod:`govatlas.viz`) and writes it.

Examples
--------
>>> from pathlib import Path
>>> from govatlas.graph.pipeline import build
>>> store = GraphStore.in_memory(); _ = build(store)
>>> result = map(city="Vienna", gaps=False, output=None, store=store)
>>> result.actors, "vis.Network" in result.html
(13, True)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from govatlas.graph.validation.gaps import Finding
from govatlas.graph.views.atlas import (
    COUNTRY_NAMES,
    atlas_data,
    place_views,
    placed_matrix,
    qualifier_kinds,
)
from govatlas.graph.views.names import resolve_name
from govatlas.graph.views.network import MapData, map_data
from govatlas.graph.views.overview import OVERVIEW_THRESHOLD
from govatlas.viz.heatmap import heatmap_page
from govatlas.viz.network_map import DEFAULT_CLUSTER_THRESHOLD, map_page
from govatlas.viz.report import render_atlas

from .stores import StoreLike, reading

__all__ = ["MapResult", "heatmap", "map", "report"]


@dataclass
class MapResult:
    """A written (or only rendered) map: its page, where it went, and what it shows."""

    html: str
    path: Path | None
    data: MapData

    @property
    def actors(self) -> int:
        return self.data.graph.number_of_nodes()

    @property
    def links(self) -> int:
        return self.data.graph.number_of_edges()

    @property
    def gaps(self) -> int:
        return len(self.data.findings)

    def _repr_html_(self) -> str:
        """In a notebook, the map itself, in a frame of its own."""
        from html import escape

        return (f"<iframe srcdoc=\"{escape(self.html)}\" style='width:100%;height:720px;"
                "border:1px solid #ccc'></iframe>")


def map(city: str | None = None, country: str | None = None,
        instrument: str | None = None, competence: str | None = None,
        as_of: date | None = None, size_by: str = "degree", gaps: bool = True, *,
        output: Path | None = None, store: StoreLike = None,
        cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD,
        overview_threshold: int = OVERVIEW_THRESHOLD,
        findings: list[Finding] | None = None, title: str | None = None) -> MapResult:
    """The interactive network map of the graph, or of a city, country, instrument or
    competence, as it stood ``as_of`` (gaps included); written to ``output`` if given.

    See :func:`govatlas.graph.views.network.map_data` for the arguments. Above
    ``overview_threshold`` actors the page is the overview (groups by territory and level,
    drilled into on click); ``cluster_threshold`` is where a full map starts clustered.
    """
    with reading(store) as graph_store:
        city = city and resolve_name(graph_store, "territory", city, "--city")
        country = country and resolve_name(graph_store, "country", country, "--country")
        instrument = instrument and resolve_name(graph_store, "instrument", instrument,
                                                 "--instrument")
        competence = competence and resolve_name(graph_store, "competence", competence,
                                                 "--competence")
        data = map_data(graph_store, city=city, country=country, instrument=instrument,
                        competence=competence, as_of=as_of, size_by=size_by, gaps=gaps,
                        findings=findings, title=title,
                        overview_threshold=overview_threshold,
                        country_names=COUNTRY_NAMES)
    page = map_page(data, cluster_threshold=cluster_threshold)
    if output is not None:
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(page, encoding="utf-8")
    return MapResult(html=page, path=output, data=data)


def heatmap(territories: list[str] | None = None, as_of: date | None = None, *,
            output: Path | None = None, store: StoreLike = None) -> str:
    """The competence heatmap of ``territories`` (default: all) as it stood ``as_of``
    (default: today, as ``govatlas matrix``); written to ``output`` if given."""
    with reading(store) as graph_store:
        matrix = placed_matrix(graph_store, territories, as_of)
        kinds = qualifier_kinds(graph_store)
    what = ", ".join(territories) if territories else "all territories"
    page = heatmap_page(matrix, kinds, what, as_of or date.today())
    if output is not None:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(page, encoding="utf-8")
    return page


#: The folders of an atlas that are written anew each time (earlier files are removed).
ATLAS_FOLDERS = ("territory", "country", "maps", "assets")


def report(folder: Path, store: StoreLike = None, *,
           findings: list[Finding] | None = None) -> Path:
    """Write the atlas into ``folder`` (created; earlier atlas files are replaced) and return
    the path of its ``index.html``. ``findings`` are the gaps, if already found.

    The store is read once (:func:`~govatlas.graph.views.atlas.atlas_data`); each place's view
    is then cut, rendered and written in turn, so memory holds one place's pages at a time."""
    with reading(store) as graph_store:
        atlas = atlas_data(graph_store, findings=findings)
    root = Path(folder)
    for sub in ATLAS_FOLDERS:
        if (root / sub).is_dir():
            shutil.rmtree(root / sub)
    made: set[Path] = set()
    for name, content in render_atlas(atlas, place_views(atlas)):
        target = root / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(content, encoding="utf-8")
    return root / "index.html"
