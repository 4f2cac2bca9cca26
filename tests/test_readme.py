"""The README's console examples print what the README shows.

Each ```console block is run as one shell session, in a scratch folder that sees the project's
``data/`` and a store built from the bundled data; every ``$`` line is a command, and the
lines under it are what it must print (standard output and error, as a terminal shows them).
``...`` alone on a line stands for any number of lines, and inside a line for any text. A
command whose output the README does not show must still succeed (exit 0), unless the next
example line is an ``echo $?`` that checks its code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: commands that need what a test machine does not run, with the reason they are not run
NOT_RUN = {
    "python bench/run.py": "a benchmark of several minutes (bench/)",
    "GOVATLAS_NEO4J_PASSWORD=... govatlas export neo4j": "needs a Neo4j server "
                                                         "(tests/test_exports.py runs one)",
}
MARKER = "@@readme-example@@"


@dataclass
class Example:
    command: str
    expected: list[str] = field(default_factory=list)


def console_blocks(text: str) -> list[list[Example]]:
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        examples: list[Example] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                examples.append(Example(line[2:]))
            elif examples:
                examples[-1].expected.append(line)
        blocks.append(examples)
    return blocks


def matches(expected: list[str], actual: list[str]) -> bool:
    """``actual`` fits ``expected``, where ``...`` stands for any lines or any text."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.rstrip().split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and matches(rest, actual[1:])


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("readme") / "store"
    done = subprocess.run([sys.executable, "-m", "govatlas", "--store", str(store), "build"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return store


BLOCKS = console_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_with_output() -> None:
    assert sum(1 for block in BLOCKS for example in block if example.expected) >= 8


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b[0].command.split("#")[0].strip()[:50])
def test_a_readme_example_prints_what_the_readme_shows(block: list[Example], built_store: Path,
                                                       tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    (tmp_path / "data").symlink_to(ROOT / "data")
    run = [example for example in block
           if not any(example.command.startswith(prefix) for prefix in NOT_RUN)]
    if not run:
        reasons = {reason for prefix, reason in NOT_RUN.items()
                   if any(example.command.startswith(prefix) for example in block)}
        pytest.skip(f"not run here: {'; '.join(sorted(reasons))}")
    # Each command is preceded by a marker and followed by its exit code; `(exit $rc)` gives
    # the next command the code of the one before it, for the README's `echo $?` lines.
    script = "exec 2>&1\nrc=0\n" + "\n".join(
        f"echo {MARKER}\n(exit $rc)\n{example.command}\nrc=$?\necho \"{MARKER} $rc\""
        for example in run)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "GOVATLAS_STORE": str(store), "COLUMNS": "200",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    outputs = re.findall(rf"{MARKER}\n(.*?){MARKER} (\d+)\n", done.stdout, flags=re.DOTALL)
    assert len(outputs) == len(run), done.stdout
    for index, (example, (output, code)) in enumerate(zip(run, outputs, strict=True)):
        next_checks_code = index + 1 < len(run) and run[index + 1].command.startswith("echo $?")
        if not next_checks_code:
            assert code == "0", f"$ {example.command}\nexited {code}:\n{output}"
        if example.expected:
            assert matches(example.expected, output.splitlines()), (
                f"$ {example.command}\nREADME shows:\n" + "\n".join(example.expected)
                + "\nprinted:\n" + output)
