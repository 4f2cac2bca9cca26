"""The overview of a large network: actors gathered into groups by territory and level, opened
one group at a time.

A country's map of 36,500 actors drawn at once is a strip of unlabelled dots (and a page of
50 MB that takes half a minute to draw). A policy designer reads it the way the country is
administered: the regions first, then one region's departments, then one department's
inter-municipal areas, then the municipalities of one area. So past
:data:`OVERVIEW_THRESHOLD` actors the map opens as a tree of :class:`Group`\\ s, and each
:class:`View` shows one group's children (sub-groups as single nodes sized by their actors,
and the actors placed directly in it) with the links between them added up.

The tree is read from the data, not from a list of administrative tiers, so it fits any
country:

1. Each actor's *home* is the first territory it is placed in. A territory's *typical rank* is
   the median level rank of the actors placed in it (an area of thirty municipalities and one
   departmental service is local).
2. A territory's parent is the territory it is most linked to among those of a wider typical
   rank: links of its actors (coordination links, either way) and their ``parents``
   (``org:subOrganizationOf``) count one each. An area whose service belongs to a department
   and whose municipalities are coordinated by that department sits under it; a department
   coordinated by a region, under the region. A territory linked to none sits under the
   country. A wider rank is required, so the tree has no cycle.
3. An actor of a wider level than its territory's typical rank (a departmental service placed
   in an area, a national ministry placed in a city) is lifted to the nearest territory above
   of a rank no narrower than its own, or to the country.
4. Several countries: one group per country first. A group whose own actors are more than
   :data:`VIEW_LIMIT` puts the actor types with more than :data:`TYPE_GROUP_MIN` of them in a
   group each ("NGOs"), and a group still too big is cut into runs of :data:`RUN_SIZE` actors
   in alphabetical order.

Links in a view: every link is drawn in the views of the groups holding either of its actors,
between the two *representatives* of its actors there: the actor itself if it is placed
directly in the group, else the child group holding it; an actor outside the group is
represented by the group (or actor) under the nearest common ancestor that holds it, drawn as
context (faded, a click opens it). Links between the same two representatives are added up:
a line's weight is the number of links it stands for.
"""

from __future__ import annotations

import gc
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

__all__ = [
    "OVERVIEW_THRESHOLD",
    "RUN_SIZE",
    "TYPE_GROUP_MIN",
    "VIEW_LIMIT",
    "Group",
    "Overview",
    "View",
    "ViewLink",
    "actor_steps",
    "natural_key",
    "overview",
    "paused_collection",
    "run_label",
    "step_counts",
    "steps_of",
]

#: Above this many actors a map opens as the overview (groups drilled into) rather than every
#: actor at once: past a few hundred actors the labels of a level band cannot all be read at
#: the first view. This is also where the renderer question is settled. Measured in headless
#: Chromium on the 2-core machine (``python -m bench.renderers``, every actor drawn flat, same
#: positions and colours), vis-network needs 9.5 s to the first frame of a 5,068-actor
#: country and 1.4 s per zoom frame (page 9.7 MB), sigma.js with graphology (WebGL) 1.7 s
#: and 76 ms (2.1 MB); at 36,618 actors vis-network 58 s and 43 s a frame (66 MB), sigma
#: 8.9 s and 1.6 s (14 MB, software WebGL). Neither holds a whole country flat. But the
#: overview never asks a renderer for thousands: each view holds at most :data:`VIEW_LIMIT`
#: actors of its own plus the few groups and actors they link to outside, which vis-network
#: draws in under a second with the map's controls and look. So the switch from a flat map
#: to groups happens here, and vis-network draws both; sigma.js stays vendored
#: (``viz/assets/sigma``) with the benchmark that measures it.
OVERVIEW_THRESHOLD = 400

#: At most this many actors placed directly in one group are drawn individually; above it
#: the group is split by actor type, then into runs.
VIEW_LIMIT = 80

#: An actor type needs more than this many actors in an oversized group to get its own group.
TYPE_GROUP_MIN = 10

#: Actors per run when a group is cut alphabetically.
RUN_SIZE = 50

#: Rank given to actors with no level (below local).
NO_LEVEL_RANK = 9


@dataclass
class Group:
    """A node of the overview's tree: a country, a territory, an actor type or a run."""

    id: str
    label: str
    kind: str  # "root", "country", "territory", "type", "run"
    parent: str | None
    rank: int
    actors: int = 0  # every actor below it
    children: list[str] = field(default_factory=list)
    members: list[Hashable] = field(default_factory=list)  # actors placed directly in it
    gaps: int = 0  # gaps touching the actors below it
    links: int = 0  # links among the actors below it


@dataclass
class ViewLink:
    """Links between two representatives of a view, added up: how many, of which link types,
    and (when both ends are actors) which links."""

    source: str
    target: str
    weight: int
    types: dict[str, int]
    edges: list[Hashable]
    #: every link it stands for, as (source, target, key) of the graph
    members: list[tuple[Hashable, Hashable, Hashable]] = field(default_factory=list)


@dataclass
class View:
    """What one group's page of the overview draws: its child groups, its own actors, the
    context (groups or actors outside it that its actors link to) and the links between
    them."""

    group: str
    path: list[str]  # group ids from the root to this group
    groups: list[str]  # child groups
    actors: list[Hashable]  # actors placed directly in the group
    context: list[str]  # ids (group or actor) of outside representatives
    links: list[ViewLink]


@dataclass
class Overview:
    """The tree of groups of a graph, every actor's chain of groups, and a view per group."""

    root: str
    groups: dict[str, Group]
    home: dict[Hashable, str]  # actor -> the group it is placed directly in
    views: dict[str, View]

    def chain(self, group: str) -> list[str]:
        """Group ids from the root down to ``group``."""
        return _chain(self.groups, group)


def natural_key(text: str) -> list[object]:
    """Sort key that puts "Region 2" before "Region 10"."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", text)]


def run_label(first: str, last: str) -> str:
    """The name of a run of actors from ``first`` to ``last``, their common words said once:
    "Association 0 – 99" rather than "Association 0 … Association 99"."""
    a, b = first.split(" "), last.split(" ")
    common = 0
    while common < min(len(a), len(b)) - 1 and a[common] == b[common]:
        common += 1
    return f"{first} – {' '.join(b[common:])}" if common else f"{first} – {last}"


@contextmanager
def paused_collection() -> Iterator[None]:
    """Python's cycle collector paused while a country's overview or its page is built.

    Both allocate hundreds of thousands of small lists and dicts beside a graph of millions
    of objects, and each allocation burst sets off a full collection that walks them all:
    on the France-sized country that was a third of the time (overview 3.9 s of CPU against
    2.6 s paused, its page 7.7 s against 5.5 s). What is built here holds no reference
    cycle, so nothing is left for the collector to free; it runs again afterwards, as it
    was (a caller that had paused it keeps it paused)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rank(data: dict) -> int:
    rank = data.get("rank")
    return rank if isinstance(rank, int) else NO_LEVEL_RANK


def _territory_tree(graph: nx.MultiDiGraph) -> tuple[dict[Hashable, str | None],
                                                     dict[str, int], dict[str, str | None]]:
    """(each actor's home territory after lifting, each territory's typical rank, each
    territory's parent territory): rules 1 to 3 of the module's docstring."""
    placed: dict[Hashable, str | None] = {}
    ranks_in: dict[str, list[int]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        home = (data.get("territories") or [None])[0]
        placed[node] = home
        if home is not None:
            ranks_in[home].append(_rank(data))
    typical = {t: int(statistics.median_low(ranks)) for t, ranks in ranks_in.items()}
    score: dict[str, Counter[str]] = defaultdict(Counter)

    def count(a: Hashable, b: Hashable) -> None:
        ta, tb = placed.get(a), placed.get(b)
        if ta is None or tb is None or ta == tb:
            return
        if typical[tb] < typical[ta]:
            score[ta][tb] += 1
        elif typical[ta] < typical[tb]:
            score[tb][ta] += 1

    for source, target in graph.edges():
        count(source, target)
    for node, data in graph.nodes(data=True):
        for parent in data.get("parents") or []:
            if parent in graph:
                count(node, parent)
    parent_of: dict[str, str | None] = {
        t: (min(score[t].items(), key=lambda item: (-item[1], natural_key(item[0])))[0]
            if score[t] else None)
        for t in typical}
    home: dict[Hashable, str | None] = {}
    for node, data in graph.nodes(data=True):
        territory = placed[node]
        while territory is not None and _rank(data) < typical[territory]:
            territory = parent_of[territory]
        home[node] = territory
    return home, typical, parent_of


def overview(graph: nx.MultiDiGraph, *, root_label: str = "All actors",
             country_names: dict[str, str] | None = None,
             gap_actors: Counter[Hashable] | None = None,
             type_labels: dict[str, str] | None = None) -> Overview:
    """The overview of ``graph`` (a projection, see
    :func:`~govatlas.graph.analysis.projection.project`).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Actors with ``rank``, ``type``, ``label``, ``country``, ``territories``, ``parents``.
    root_label : str
        The root's name (a country's name on a country map).
    country_names : dict, optional
        Display names of country codes, for the country groups of a map of several.
    gap_actors : Counter, optional
        Actor -> number of gaps touching it, summed into each group's ``gaps``.
    type_labels : dict, optional
        Actor-type code -> plural-ready label, for the type groups ("NGO" -> "NGOs").

    Returns
    -------
    Overview
    """
    with paused_collection():
        return _overview(graph, root_label, country_names, gap_actors, type_labels)


def _overview(graph: nx.MultiDiGraph, root_label: str, country_names: dict[str, str] | None,
              gap_actors: Counter[Hashable] | None,
              type_labels: dict[str, str] | None) -> Overview:
    names = country_names or {}
    labels = type_labels or {}
    home_territory, typical, parent_of = _territory_tree(graph)
    groups: dict[str, Group] = {}

    def new(label: str, kind: str, parent: str | None, rank: int) -> str:
        gid = f"g{len(groups)}"
        groups[gid] = Group(gid, label, kind, parent, rank)
        if parent is not None:
            groups[parent].children.append(gid)
        return gid

    root = new(root_label, "root", None, 0)
    countries = sorted({data.get("country") or "" for _, data in graph.nodes(data=True)})
    country_group: dict[str, str] = {}
    if len(countries) > 1:
        for code in sorted(countries, key=lambda c: (c == "", names.get(c, c).casefold())):
            country_group[code] = new(names.get(code, code) if code else "(no country)",
                                      "country", root, 0)
    # territories, widest first so a parent exists before its children
    territory_country: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        if home_territory[node] is not None:
            territory_country.setdefault(home_territory[node], data.get("country") or "")
    for territory in typical:
        territory_country.setdefault(territory, "")
    territory_group: dict[str, str] = {}

    def depth(territory: str) -> int:
        seen, steps = territory, 0
        while (seen := parent_of[seen]) is not None:
            steps += 1
        return steps

    for territory in sorted(typical, key=lambda t: (depth(t), natural_key(t))):
        parent = parent_of[territory]
        above = (territory_group[parent] if parent is not None and parent in territory_group
                 else country_group.get(territory_country[territory], root))
        territory_group[territory] = new(territory, "territory", above, typical[territory])
    for node, data in sorted(graph.nodes(data=True),
                             key=lambda item: natural_key(item[1].get("label") or str(item[0]))):
        territory = home_territory[node]
        where = (territory_group[territory] if territory is not None
                 else country_group.get(data.get("country") or "", root))
        groups[where].members.append(node)
    # oversized groups: by actor type, then runs
    for gid in list(groups):
        _split(graph, groups, gid, new, labels)
    home = {node: gid for gid, group in groups.items() for node in group.members}
    # drop territories with nothing below them (every actor lifted out)
    for gid in sorted(groups, key=lambda g: -len(_chain(groups, g))):
        group = groups[gid]
        if gid != root and not group.children and not group.members:
            groups[group.parent].children.remove(gid)
            del groups[gid]
    for gid in sorted(groups, key=lambda g: -len(_chain(groups, g))):
        group = groups[gid]
        group.actors = len(group.members) + sum(groups[c].actors for c in group.children)
        group.children.sort(key=lambda c: natural_key(groups[c].label))
    if gap_actors:
        for node, found in gap_actors.items():
            if node in home:
                for gid in _chain(groups, home[node]):
                    groups[gid].gaps += found
    views = _views(graph, groups, home, root)
    return Overview(root=root, groups=groups, home=home, views=views)


def _chain(groups: dict[str, Group], gid: str) -> list[str]:
    found = [gid]
    while (parent := groups[found[-1]].parent) is not None:
        found.append(parent)
    return found[::-1]


def _split(graph: nx.MultiDiGraph, groups: dict[str, Group], gid: str, new,
           labels: dict[str, str]) -> None:
    """Rule 4: a group with more than :data:`VIEW_LIMIT` actors of its own gives its larger
    actor types a group each (when there are two or more of them: an area of 400
    municipalities and one body needs no "municipalities" group), and what is still too big
    is cut into runs."""
    group = groups[gid]
    if len(group.members) <= VIEW_LIMIT:
        return
    by_type: dict[str, list[Hashable]] = defaultdict(list)
    for node in group.members:
        by_type[graph.nodes[node].get("type") or ""].append(node)
    big = {code: members for code, members in by_type.items() if len(members) > TYPE_GROUP_MIN}
    kept = [node for code, members in by_type.items() if code not in big for node in members]
    if len(big) < 2:
        group.members = kept
        for members in big.values():
            _runs(graph, groups, gid, members, new)
        return
    group.members = kept
    for code, members in sorted(big.items(), key=lambda item: natural_key(
            labels.get(item[0], item[0]))):
        name = labels.get(code, code or "other")
        child = new(name if group.kind in ("root", "country") else f"{name}, {group.label}",
                    "type", gid, min(_rank(graph.nodes[n]) for n in members))
        _runs(graph, groups, child, members, new)
    _runs(graph, groups, gid, [], new)


def _runs(graph: nx.MultiDiGraph, groups: dict[str, Group], gid: str,
          members: list[Hashable], new) -> None:
    """Add ``members`` to group ``gid``, cut into alphabetical runs of :data:`RUN_SIZE` (and
    runs of runs past ``RUN_SIZE`` runs) when they and the group's own actors are more than
    :data:`VIEW_LIMIT`."""
    group = groups[gid]
    members = sorted(group.members + members,
                     key=lambda n: natural_key(graph.nodes[n].get("label") or str(n)))
    if len(members) <= VIEW_LIMIT:
        group.members = members
        return
    group.members = []
    runs: list[str] = []
    for start in range(0, len(members), RUN_SIZE):
        run = members[start:start + RUN_SIZE]
        child = new(run_label(graph.nodes[run[0]].get("label") or str(run[0]),
                              graph.nodes[run[-1]].get("label") or str(run[-1])),
                    "run", gid, min(_rank(graph.nodes[n]) for n in run))
        groups[child].members = run
        runs.append(child)
    if len(runs) > VIEW_LIMIT:  # runs of runs, for groups of over 12,000 actors
        group.children = [c for c in group.children if c not in runs]
        for start in range(0, len(runs), RUN_SIZE):
            part = runs[start:start + RUN_SIZE]
            child = new(run_label(groups[part[0]].label.split(" – ")[0],
                                  groups[part[-1]].label.split(" – ")[-1]), "run", gid,
                        min(groups[p].rank for p in part))
            groups[child].children = part
            for p in part:
                groups[p].parent = child


def _views(graph: nx.MultiDiGraph, groups: dict[str, Group], home: dict[Hashable, str],
           root: str) -> dict[str, View]:
    """Every group's view, each link added to the views of the groups holding its actors
    (see the module's docstring)."""
    chains = {gid: _chain(groups, gid) for gid in groups}
    # view -> (from, to) -> [weight, {link type: count}, [links between two actors],
    #                        [every link]]
    links: dict[str, dict[tuple[str, str], list]] = defaultdict(dict)
    context: dict[str, set[str]] = defaultdict(set)
    edge: tuple[Hashable, Hashable, Hashable] = ("", "", "")

    def add(view: str, first: str, second: str, kind: str, key: Hashable,
            actors: bool) -> None:
        found = links[view].get((first, second))
        if found is None:
            found = links[view][(first, second)] = [0, {}, [], []]
        found[0] += 1
        found[1][kind] = found[1].get(kind, 0) + 1
        if actors:
            found[2].append(key)
        found[3].append(edge)

    for source, target, key, kind in graph.edges(keys=True, data="type", default=""):
        if source == target:
            continue
        kind = kind or ""
        edge = (source, target, key)
        cu, cv = chains[home[source]], chains[home[target]]
        common = 0
        while common < min(len(cu), len(cv)) and cu[common] == cv[common]:
            common += 1
        # the lowest common group: both actors inside
        d = common - 1
        ru = cu[d + 1] if len(cu) > d + 1 else source
        rv = cv[d + 1] if len(cv) > d + 1 else target
        if ru != rv:
            add(cu[d], str(ru), str(rv), kind, key, ru == source and rv == target)
        groups[cu[d]].links += 1
        # deeper groups holding one actor only: the other is context
        outside_v = str(cv[common]) if len(cv) > common else str(target)
        for depth in range(common, len(cu)):
            rep = cu[depth + 1] if len(cu) > depth + 1 else source
            add(cu[depth], str(rep), outside_v, kind, key,
                rep == source and outside_v == str(target))
            context[cu[depth]].add(outside_v)
        outside_u = str(cu[common]) if len(cu) > common else str(source)
        for depth in range(common, len(cv)):
            rep = cv[depth + 1] if len(cv) > depth + 1 else target
            add(cv[depth], outside_u, str(rep), kind, key,
                outside_u == str(source) and rep == target)
            context[cv[depth]].add(outside_u)
    for gid in sorted(groups, key=lambda g: -len(chains[g])):  # links below, summed up
        parent = groups[gid].parent
        if parent is not None:
            groups[parent].links += groups[gid].links
    return {gid: View(group=gid, path=chains[gid], groups=list(group.children),
                      actors=list(group.members), context=sorted(context[gid]),
                      links=[ViewLink(a, b, *found)
                             for (a, b), found in sorted(links[gid].items())])
            for gid, group in groups.items()}


def steps_of(graph: nx.MultiDiGraph, as_of: date | None = None) -> list[str]:
    """The dates of a time slider over ``graph``: 1 July of each year its actors' and links'
    periods span (to this year), and ``as_of``; none when nothing has a period."""
    years = [int(value[:4]) for _, data in graph.nodes(data=True)
             for value in (data.get("valid_from"), data.get("valid_until")) if value]
    years += [int(value[:4]) for _, _, data in graph.edges(data=True)
              for value in (data.get("valid_from"), data.get("valid_until")) if value]
    if not years:
        return [as_of.isoformat()] if as_of else []
    days = {date(year, 7, 1) for year in range(min(years), max(max(years), date.today().year) + 1)}
    return sorted(day.isoformat() for day in days | ({as_of} if as_of else set()))


def _step_range(data: dict, steps: list[str]) -> tuple[int, int]:
    """The first and last index of ``steps`` (ISO dates, sorted) on which a period (the
    ``valid_from`` and ``valid_until`` of ``data``, ISO strings, either open) holds; the
    first is past the last when it holds on none."""
    start, end = data.get("valid_from"), data.get("valid_until")
    first = bisect_left(steps, start[:10]) if start else 0
    final = bisect_right(steps, end[:10]) - 1 if end else len(steps) - 1
    return first, final


def actor_steps(graph: nx.MultiDiGraph, tree: Overview, steps: list[str]) -> dict[str, list[int]]:
    """Group -> its actors valid on each date of ``steps``, for the groups whose count
    changes with the date (the others hold all their :attr:`Group.actors` on every date).

    Linear in the actors with a period: each adds its range of steps to a difference array
    of every group of its chain, summed once per group. A period holds as in
    :func:`step_counts`."""
    if not steps:
        return {}
    delta: dict[str, list[int]] = {}
    dated: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        if not (data.get("valid_from") or data.get("valid_until")) or node not in tree.home:
            continue
        first, final = _step_range(data, steps)
        if first <= 0 and final >= len(steps) - 1:
            continue
        for gid in tree.chain(tree.home[node]):
            dated[gid] += 1
            row = delta.setdefault(gid, [0] * (len(steps) + 1))
            if first <= final:
                row[first] += 1
                row[final + 1] -= 1
    found: dict[str, list[int]] = {}
    for gid, row in delta.items():
        running, series = tree.groups[gid].actors - dated[gid], []
        for change in row[:-1]:
            running += change
            series.append(running)
        found[gid] = series
    return found


#: A line's links of one kind: how many, and how many on each date (None: all, always).
KindCount = tuple[int, list[int] | None]


def step_counts(graph: nx.MultiDiGraph, tree: Overview, steps: list[str],
                ) -> dict[tuple[str, str, str], dict[tuple[str, str], KindCount]]:
    """For each line of each view, (view, from, to), the links it stands for by (link type,
    instrument): (how many, whatever their period; how many on each date of ``steps``, ISO
    dates sorted, or None when that is every one on every date).

    Linear in the links: each link's period becomes the range of steps it holds on (two
    binary searches, once per link), and each line adds its links' ranges into a difference
    array per kind, summed once: no query and no pass over the links per date. A period
    holds on a date when it starts on or before it and ends on or after it (either end
    open), as on the map (:func:`govatlas.graph.views.network.map_data`).
    """
    last = len(steps) - 1
    # each link once: its kind, the steps it holds on, and whether that is every step
    info: dict[tuple[Hashable, Hashable, Hashable], tuple[tuple[str, str], int, int, bool]] = {}
    for source, target, key, data in graph.edges(keys=True, data=True):
        first, final = _step_range(data, steps)
        info[(source, target, key)] = ((data.get("type") or "", data.get("instrument") or ""),
                                       first, final, first <= 0 and final >= last)
    found: dict[tuple[str, str, str], dict[tuple[str, str], KindCount]] = {}
    for gid, view in tree.views.items():
        for link in view.links:
            # kind -> [links, links holding on every step, difference array of the others]
            kinds: dict[tuple[str, str], list] = {}
            for member in link.members:
                kind, first, final, always = info[member]
                entry = kinds.get(kind)
                if entry is None:
                    entry = kinds[kind] = [0, 0, None]
                entry[0] += 1
                if always:
                    entry[1] += 1
                    continue
                if entry[2] is None:
                    entry[2] = [0] * (len(steps) + 1)
                if first <= final:
                    entry[2][first] += 1
                    entry[2][final + 1] -= 1
            counted: dict[tuple[str, str], KindCount] = {}
            for kind, (total, steady, delta) in kinds.items():
                if delta is None:
                    counted[kind] = (total, None)
                    continue
                running, series = steady, []
                for change in delta[:-1]:
                    running += change
                    series.append(running)
                counted[kind] = (total, None if all(n == total for n in series) else series)
            found[(gid, link.source, link.target)] = counted
    return found
