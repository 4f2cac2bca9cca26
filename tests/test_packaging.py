"""The distribution a user installs: the sdist and the wheel are built from a copy of the
sources (offline, with the build requirements already installed), pass ``twine check``, carry
every file of the packages and the licence, and the wheel, installed into a fresh virtual
environment, answers as the source tree does.

Needs ``build`` and ``twine`` (the dev extra). Missing locally, these tests are skipped; under
CI (``CI`` set) a missing tool is a failure, so CI cannot pass without building the package.
Deselect them with ``-m "not packaging"``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from click.testing import CliRunner

from govatlas.cli import main

pytestmark = pytest.mark.packaging

PROJECT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]
TOP_FILES = ("pyproject.toml", "README.md", "LICENSE")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.egg-info")


def require_build_tools() -> None:
    """Skip (fail under CI) unless build, twine and the build-system requirements are here:
    without build isolation the wheel is built with what is installed, and nothing is fetched."""
    from packaging.requirements import Requirement  # a dependency of build

    problems = [f"{module} is not installed (pip install -e '.[dev]')"
                for module in ("build", "twine") if importlib.util.find_spec(module) is None]
    for text in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{text} is not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name} {version} does not satisfy {text}")
    if problems:
        reason = "cannot build the package offline: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def shipped_files() -> dict[str, Path]:
    """Every file of the packages' folders, by the path it must have inside the wheel."""
    files: dict[str, Path] = {}
    for package, folder in PACKAGE_DIRS.items():
        root = PROJECT / folder
        for path in root.rglob("*"):
            relative = path.relative_to(root)
            if path.is_file() and not NOT_SHIPPED(str(root), relative.parts):
                files["/".join((*package.split("."), *relative.parts))] = path
    return files


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``command``; its standard output, or a failure showing both outputs."""
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel built from it (``python -m build``), from a copy of the sources
    so that the build leaves nothing in the working tree."""
    require_build_tools()
    source = tmp_path_factory.mktemp("source")
    for name in TOP_FILES:
        shutil.copy2(PROJECT / name, source / name)
    for folder in sorted(set(PACKAGE_DIRS.values())):
        if not (source / folder).exists():
            shutil.copytree(PROJECT / folder, source / folder, ignore=NOT_SHIPPED)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source, cwd=source)
    (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict[str, Path]:
    """A fresh virtual environment holding only the wheel; its dependencies are found through a
    ``.pth`` line naming this interpreter's site-packages, so nothing is downloaded."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", dist["wheel"], cwd=home)
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       cwd=home).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_govatlas_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return {"python": python, "govatlas": home / "bin" / "govatlas", "purelib": purelib}


def test_twine_check_passes_on_the_wheel_and_the_sdist(dist):
    run(sys.executable, "-m", "twine", "check", "--strict", dist["wheel"], dist["sdist"],
        cwd=dist["wheel"].parent)


def test_the_wheel_carries_every_file_of_the_packages(dist):
    """The ontology, shapes, derivation rules, queries, data and viz assets: a file added to a
    package folder without a package-data glob to match it is missing here."""
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        missing = sorted(set(shipped_files()) - names)
        assert missing == []
        for name, path in shipped_files().items():
            assert wheel.read(name) == path.read_bytes(), name


def test_the_sdist_carries_what_the_wheel_is_built_from(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        names = {name.removeprefix(top + "/") for name in sdist.getnames()}
    expected = {str(path.relative_to(PROJECT)) for path in shipped_files().values()}
    assert sorted(expected - names) == []
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names


def test_the_wheel_states_its_licence_and_its_project(dist):
    project = PYPROJECT["project"]
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        info = next(name.split("/")[0] for name in wheel.namelist()
                    if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode("utf-8"))
        licence = wheel.read(f"{info}/licenses/LICENSE")
    assert licence == (PROJECT / "LICENSE").read_bytes()
    assert b"Apache License" in licence and b"Version 2.0, January 2004" in licence
    assert b"END OF TERMS AND CONDITIONS" in licence  # the full text, not a notice
    assert metadata["License-Expression"] == project["license"] == "Apache-2.0"
    assert metadata.get_all("License-File") == project["license-files"]
    assert metadata.get_all("Classifier") == project["classifiers"]
    assert not any(line.startswith("License ::") for line in project["classifiers"])
    assert metadata["Keywords"].split(",") == project["keywords"]
    assert metadata.get_all("Project-URL") == [
        f"{name}, {url}" for name, url in project["urls"].items()]
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_installed_wheel_answers_as_the_source_tree(installed, tmp_path):
    """Run from an empty folder, the installed command reads its own copy of the ontology,
    vocabularies, data, shapes, queries and map assets, and gives what the sources give."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "GOVATLAS_STORE")}
    env["GOVATLAS_STORE"] = str(tmp_path / "store")
    # tables are as wide as the terminal: one width for both, whatever runs the tests
    env["COLUMNS"] = "100"
    where = run(installed["python"], "-c", "import govatlas.graph, govatlas.viz; print("
                "govatlas.graph.__file__); print(govatlas.viz.__file__)", cwd=tmp_path, env=env)
    assert all(Path(line).is_relative_to(installed["purelib"]) for line in where.split())

    def same(*arguments: str) -> str:
        """The installed command's output, checked against the source tree's."""
        output = run(installed["govatlas"], *arguments, cwd=tmp_path, env=env)
        expected = CliRunner().invoke(main, ["--store", str(tmp_path / "here"), *arguments],
                                      env={"COLUMNS": env["COLUMNS"]})
        assert expected.exit_code == 0, expected.output
        assert output == expected.output, arguments
        return output

    assert "national" in same("codes", "level", "--format", "csv")
    run(installed["govatlas"], "build", cwd=tmp_path, env=env)
    assert CliRunner().invoke(main, ["--store", str(tmp_path / "here"), "build"]).exit_code == 0
    assert json.loads(same("stats", "--format", "json"))
    listing = same("query", "--list")
    assert all(path.stem in listing for path in (PROJECT / "queries").glob("*.rq"))

    gaps = json.loads(run(installed["govatlas"], "gaps", "--format", "json", cwd=tmp_path,
                          env=env))
    expected = json.loads(CliRunner().invoke(
        main, ["--store", str(tmp_path / "here"), "gaps", "--format", "json"]).output)
    assert gaps["counts"] == expected["counts"] and sum(gaps["counts"].values()) > 0
    assert {(f["shape"], f["focus"], f["message"]) for f in gaps["findings"]} == {
        (f["shape"], f["focus"], f["message"]) for f in expected["findings"]}

    page = tmp_path / "lyon.html"
    run(installed["govatlas"], "map", "--city", "Lyon", "-o", page, cwd=tmp_path, env=env)
    script = (PROJECT / "viz" / "assets" / "network_map.js").read_text(encoding="utf-8")
    assert script.splitlines()[0] in page.read_text(encoding="utf-8")
