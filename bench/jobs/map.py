"""The map of a 5,000-actor country: built, then drawn by headless Chromium as govatlas opens
it (the overview, past a few hundred actors) and as pyvis's flat network of every actor."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from bench.harness import Clock, Outcome

from .data import Prepared, memory_store

MAP_ACTORS = 5_000
MAP_JOB = "map (5,000 actors)"
CHROMIUM = Path(os.environ.get("GOVATLAS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def map_build(clock: Clock, prepared: Prepared, gaps: bool, clustered: Path,
              flat: Path | None = None) -> Outcome:
    """`govatlas map` of the whole country; the flat variant, if asked for, is built after
    the measured part, for the flat draw."""
    from govatlas.api import pages

    store = memory_store(prepared)
    with clock:
        pages.map(gaps=gaps, output=clustered, store=store)
    if flat is not None:  # the network page of every actor, pyvis's vis-network unclustered
        pages.map(gaps=gaps, output=flat, store=store, cluster_threshold=10**9,
                  overview_threshold=10**9)
    drawn = "gaps drawn" if gaps else "no gaps (gaps=False)"
    return Outcome(note=f"{clustered.stat().st_size / 2**20:.1f} MB of HTML, {drawn}")


def map_draw(clock: Clock, html: Path) -> Outcome:
    """Open the map in headless Chromium with the network blocked; its time is the page's
    own clock (``performance.now()`` since navigation) at the first finished frame."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 900})
        blocked: list[str] = []

        def offline(route: Any) -> None:
            if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        page.goto("about:blank")  # the renderer is started before the clock, for both maps
        with clock:
            page.goto(html.resolve().as_uri())
            page.wait_for_function("window.govatlasMap && window.govatlasMap.drawnAt !== null",
                                   timeout=0)
        drawn_ms = float(page.evaluate("govatlasMap.drawnAt"))
        shown = page.evaluate(SHOWN)
    finally:
        browser.close()
        playwright.stop()
    network = f"{len(blocked)} network requests blocked" if blocked else "no network request"
    return Outcome(note=f"{shown}; {network}; wall {clock.seconds:.2f} s",
                   seconds=drawn_ms / 1000)


#: what the page shows once drawn: the overview (past a few hundred actors: groups by place
#: and level, sigma.js) or the network page (vis-network, clustered or not)
SHOWN = """() => { const m = window.govatlasMap;
  if (m.mode === "overview") {
    return `overview of ${m.index.actors.length.toLocaleString("en")} actors in `
      + `${Object.keys(m.index.groups).length} groups`;
  }
  return `${m.nodes.length.toLocaleString("en")} actors, ${m.clusters.length} clusters on `
    + `screen`; }"""


def browser_missing() -> str:
    """Why the browser cannot run here, or '' if it can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return ""
