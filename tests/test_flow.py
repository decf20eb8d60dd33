"""Redundancy's inner loops (relgraph/analysis/flow.py): compiled by the build with
the path search's, and giving, compiled or run as the Python it is, networkx's
dominator trees and node connectivity, and the same numbering of the tree."""

from __future__ import annotations

import importlib.util
import os
from array import array
import random
from pathlib import Path

import pytest

from relgraph.analysis import access, flow, settle
from relgraph.analysis.threads import node_disjoint_routes

from test_access import check_dominators, random_access
from test_threads import connectivity

SOURCES = {m: Path(m.__file__).with_name(m.__name__.rsplit(".", 1)[1] + ".py") for m in (flow, settle)}


def _source_module(module):
    """A module's .py loaded as the Python it is, beside the compiled build."""
    source = SOURCES[module]
    spec = importlib.util.spec_from_file_location(f"relgraph_{source.stem}_source", source)
    out = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(out)
    return out


@pytest.fixture(params=["compiled", "source"])
def build(request, monkeypatch):
    """Redundancy running on the compiled modules, or on their Python sources (both:
    the compiled flow reads a compiled FlatGraph's arrays)."""
    if request.param == "compiled":
        if not flow.compiled():
            pytest.skip("flow.py is not compiled here (no C compiler at install)")
        return flow
    flat, source = _source_module(settle), _source_module(flow)
    assert not source.compiled()
    monkeypatch.setattr(access, "FlatGraph", flat.FlatGraph)
    monkeypatch.setattr(access, "flow", source)
    return source


def test_the_build_compiles_both_or_neither():
    if os.environ.get("CI") != "true" and not flow.compiled():
        pytest.skip("not compiled outside CI (no C compiler at install)")
    assert flow.compiled() and settle.compiled()
    # An editable install compiles in place: a build older than its source is stale.
    for module, source in SOURCES.items():
        assert Path(module.__file__).stat().st_mtime >= source.stat().st_mtime, "run `pip install -e .` again"


@pytest.mark.parametrize("seed", range(30))
def test_dominators_and_routes_are_networkx_s(build, seed):
    rng = random.Random(seed)
    A = random_access(rng, rng.randint(1, 16), rng.randint(1, 6), rng.choice([0.05, 0.1, 0.2, 0.35, 0.6]))
    check_dominators(A)
    dom = A.dominators()
    for t in range(len(A.keys)):
        if not A.is_staff[t]:
            expected = connectivity(A, t)
            assert [node_disjoint_routes(A, t, dom=dom, cap=c) for c in (None, 3, 2, 1)] == [
                expected, min(expected, 3), min(expected, 2), min(expected, 1)
            ]


@pytest.mark.parametrize("seed", range(20))
def test_counts_count_each_target_in_turn(build, seed):
    rng = random.Random(seed)
    A = random_access(rng, rng.randint(1, 16), rng.randint(1, 6), rng.choice([0.05, 0.1, 0.2, 0.35]))
    contacts = [t for t in range(len(A.keys)) if not A.is_staff[t]]
    rng.shuffle(contacts)
    targets = contacts + contacts[:3]  # a count after another of the same target too
    routes = A.dominators().routes(A)
    assert routes.counts(array("i", targets), -1).tolist() == [connectivity(A, t) for t in targets]
    assert routes.counts(array("i", targets), 2).tolist() == [min(connectivity(A, t), 2) for t in targets]
    assert routes.counts(array("i"), -1).tolist() == []


@pytest.mark.parametrize("seed", range(20))
def test_both_builds_number_the_tree_alike(seed, monkeypatch):
    if not flow.compiled():
        pytest.skip("flow.py is not compiled here")
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    A = random_access(rng, n, rng.randint(1, 8), rng.choice([0.02, 0.05, 0.1, 0.2]))
    compiled = A.dominators()
    monkeypatch.setattr(access, "FlatGraph", _source_module(settle).FlatGraph)
    monkeypatch.setattr(access, "flow", _source_module(flow))
    A._flat = None
    source = A.dominators()
    assert (source.idom, source.pre, source.size) == (compiled.idom, compiled.pre, compiled.size)
    routes = [node_disjoint_routes(A, t, dom=source) for t in range(n)]
    A._flat = None
    monkeypatch.undo()
    assert [node_disjoint_routes(A, t, dom=compiled) for t in range(n)] == routes
