"""The accountability gap closes only for what its description names (issue 19, part 7).

"no monitor, platform or committee aligns it": a strategy or a network aligning a contract
coordinates it, but holds nobody to account, so the gap stays; a monitor, a platform or a
committee aligning it closes the gap. Both engines (the store's and pySHACL) must agree.
"""

from __future__ import annotations

import pytest

from govatlas.graph.validation.checking import load_inputs
from govatlas.graph.validation.gaps import describe, gap_shapes, run_pyshacl, run_store_shapes
from govatlas.ontology.namespaces import INSTRUMENT

from .test_gaps import SRC, make

HEADER = ("id,label,type,country,territory,valid_from,valid_until,succeeds,status,source,"
          "locator,owner,aligns")
CONTRACT = f"xx-contract,Integration Contract,contract,FR,Town,,,,,{SRC},14,xx-state,"


def accountability_focus(tmp_path, aligner_type: str | None, engine: str) -> set[str]:
    """The instruments the accountability gap names when an instrument of ``aligner_type``
    (None: no aligner) aligns the contract, which nobody evaluates."""
    rows = [HEADER, CONTRACT]
    if aligner_type:
        rows.append(f"xx-aligner,Aligner,{aligner_type},FR,Town,,,,,{SRC},15,xx-state,"
                    "xx-contract")
    folder = make(tmp_path / f"{aligner_type}-{engine}", drop=("evaluates",))
    (folder / "instruments.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    store, problems, _ = load_inputs([folder])
    assert problems == []
    found = (run_store_shapes(store, gap_shapes()) if engine == "store"
             else run_pyshacl(store.to_rdflib(), "gaps"))
    return {finding.focus for finding in describe(store, found)
            if finding.gap == "accountability"}


@pytest.mark.parametrize("engine", ["store", "pyshacl"])
@pytest.mark.parametrize(("aligner_type", "closes"), [
    (None, False), ("strategy", False), ("network", False), ("agreement", False),
    ("monitor", True), ("platform", True), ("committee", True)])
def test_only_a_monitor_platform_or_committee_closes_the_gap(tmp_path, engine, aligner_type,
                                                              closes):
    focus = accountability_focus(tmp_path, aligner_type, engine)
    contract = INSTRUMENT + "xx-contract"
    assert (contract not in focus) is closes, focus
