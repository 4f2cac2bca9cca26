"""The examples in the docstrings run, and give what they say.

A researcher copies an example from a docstring to see what a measure computes; an example that
no longer runs is a wrong citation. Each docstring with examples is one test. The modules are
imported by their installed names (``govatlas.graph.analysis...``), which pytest's own
``--doctest-modules`` would not do for folders mapped into the package.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

#: Modules whose examples are real (they show what the code computes) and fast (under a
#: second or two: the ones that need a store build the bundled one in memory).
MODULES = (
    "govatlas.graph.analysis.brokerage",
    "govatlas.graph.analysis.centrality",
    "govatlas.graph.analysis.decoupling",
    "govatlas.graph.analysis.ideal_types",
    "govatlas.graph.analysis.projection",
    "govatlas.graph.analysis.structure",
    "govatlas.loaders.tables",
    "govatlas.ontology.sparql",
    "govatlas.ontology.vocabulary",
)

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _examples() -> list[doctest.DocTest]:
    found = []
    finder = doctest.DocTestFinder()
    for name in MODULES:
        module = importlib.import_module(name)
        found.extend(test for test in finder.find(module, name) if test.examples)
    return sorted(found, key=lambda test: test.name)


EXAMPLES = _examples()


def test_every_listed_module_has_examples():
    bare = [name for name in MODULES
            if not any(test.name.startswith(name + ".") for test in EXAMPLES)]
    assert bare == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[test.name for test in EXAMPLES])
def test_docstring_example(example: doctest.DocTest):
    output: list[str] = []
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    result = runner.run(example, out=output.append)
    assert result.failed == 0, "".join(output)
