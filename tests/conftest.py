"""Shared fixtures: small datasets written on the fly, and stores built from them."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govatlas.graph.pipeline import build, load_ontology
from govatlas.graph.store import GraphStore

DOCUMENTS_VARIABLE = "GOVATLAS_DOCUMENTS"
PROJECT = Path(__file__).resolve().parents[1]


def documents_folder() -> Path:
    """Where the source documents are: ``$GOVATLAS_DOCUMENTS``, else ``../shared/seeds`` beside
    the project (where the development machine and CI keep them; a bare clone has neither)."""
    configured = os.environ.get(DOCUMENTS_VARIABLE)
    return Path(configured) if configured else PROJECT.parent / "shared" / "seeds"


class SourceDocuments:
    """The folder of source documents that the bundled data cites, read line by line.

    Tests that compare the data with the documents take this through the ``documents`` fixture,
    so that the one place deciding where the documents are, and what happens when they are not
    there, is this file.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lines: dict[str, list[str]] = {}

    def names(self) -> list[str]:
        """The file names of every document (what the data's ``source`` column holds)."""
        return sorted(path.name for path in self.folder.glob("*.txt"))

    def lines(self, name: str) -> list[str]:
        """Every line of one document; a document missing from a present folder is an error."""
        if name not in self._lines:
            self._lines[name] = (self.folder / name).read_text(encoding="utf-8").splitlines()
        return self._lines[name]

    def line(self, name: str, number: int) -> str:
        """Line ``number`` (counted from 1, as the data's ``locator`` column counts) of ``name``."""
        return self.lines(name)[number - 1]


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reads the source documents ``documents``, so that CI can run the
    whole suite as a bare clone (documents hidden) and then only these with the documents."""
    for item in items:
        if "documents" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.documents)


@pytest.fixture(scope="session")
def documents() -> SourceDocuments:
    """The source documents, or the test is skipped when their folder is absent."""
    folder = documents_folder()
    if not folder.is_dir():
        pytest.skip(f"the source documents are not at {folder} "
                    f"(set {DOCUMENTS_VARIABLE} to their folder; see the README's set-up)")
    return SourceDocuments(folder)


ACTORS = """\
id,label,type,level,country,parent,territory,source,locator
xx-state,State of Example,national-government,national,FR,,Exampleville,doc.txt,1
xx-city,City of Exampleville,municipality,local,FR,,Exampleville,doc.txt,2
xx-ngo,Example Welcome Association,ngo,local,FR,,Exampleville,doc.txt,3
"""
COMPETENCES = """\
holder,competence,level,qualifier,valid_from,valid_until,source,locator
xx-state,borders-residency,national,,,,doc.txt,4
xx-city,housing,local,implementation,2019,,doc.txt,5
"""
LINKS = """\
from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
xx-state,xx-city,funds,,2019,2021,doc.txt,6
xx-ngo,xx-city,implements-for,,,,doc.txt,7
"""


def write_dataset(folder: Path, **files: str) -> Path:
    """Write a dataset folder: the three small valid files, overridden by ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {"actors": ACTORS, "competences": COMPETENCES, "links": LINKS, **files}
    for name, text in contents.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def dataset(tmp_path: Path):
    """A function writing a dataset under tmp_path: ``dataset(name, actors=..., links=...)``."""

    def make(name: str = "example", **files: str) -> Path:
        return write_dataset(tmp_path / name, **files)

    return make


@pytest.fixture
def empty_store() -> GraphStore:
    store = GraphStore.in_memory()
    load_ontology(store)
    return store


@pytest.fixture(scope="session")
def bundled_store() -> GraphStore:
    """The ontology and every bundled dataset, in memory, built once per test session."""
    store = GraphStore.in_memory()
    build(store)
    return store


# --- the browser ---------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("GOVATLAS_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium. Missing locally, the browser tests are skipped; under CI (``CI``
    set) a missing browser is a failure, so CI cannot pass without running them."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened with every non-file request aborted, and what happened on it."""

    def __init__(self, browser: Any, width: int = 1500, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.remote: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def offline_and_clean(self) -> None:
        """Nothing was fetched from a network, no script ran from data, nothing failed."""
        attempted = self.remote + [url for url in self.requests
                                   if not url.startswith(("file:", "data:", "blob:", "about:"))]
        assert attempted == [], f"network requests attempted: {attempted}"
        assert self.dialogs == [], f"a script from the data ran: {self.dialogs}"
        assert self.errors == [], f"console errors: {self.errors}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def make(width: int = 1500, height: int = 900) -> Visit:
        opened.append(Visit(browser, width, height))
        return opened[-1]

    yield make
    for item in opened:
        item.close()


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of ids of ``boxes`` (``left``, ``top``, ``width``, ``height``) that overlap."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"]
                    and a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"]):
                found.append((a["id"], b["id"]))
    return found
