"""The path search's inner loop (relgraph/analysis/settle.py): compiled by the build,
and giving, compiled or run as the Python it is, the answers of every simple path;
the searches of a large account give up their arrays within a budget and answer the
same when asked again."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest

from relgraph.analysis import access, paths, settle
from relgraph.analysis.paths import Search, k_best_paths, path_score

from test_access import best_by_every_path, random_access

SOURCE = Path(settle.__file__).with_name("settle.py")


def _source_module():
    """settle.py loaded as the Python it is, beside the compiled build."""
    spec = importlib.util.spec_from_file_location("relgraph_settle_source", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["compiled", "source"])
def build(request, monkeypatch):
    """The search running on the compiled module, or on its Python source."""
    if request.param == "compiled":
        if not settle.compiled():
            pytest.skip("settle.py is not compiled here (no C compiler at install)")
        return settle
    module = _source_module()
    assert not module.compiled()
    monkeypatch.setattr(paths, "State", module.State)
    monkeypatch.setattr(access, "FlatGraph", module.FlatGraph)
    return module


def test_the_build_compiles_the_search():
    # CI installs the package as users do: the search must run compiled there.
    if os.environ.get("CI") != "true" and not settle.compiled():
        pytest.skip("not compiled outside CI (no C compiler at install)")
    assert settle.compiled()
    # An editable install compiles in place: a build older than its source is stale.
    assert Path(settle.__file__).stat().st_mtime >= SOURCE.stat().st_mtime, "run `pip install -e .` again"


def decayed_access(rng: random.Random, n_contacts: int, n_staff: int, density: float):
    """An access graph with strengths that are not multiples of 1/5 (decayed ties),
    so that products taken in another order could differ in their last bits."""
    A = random_access(rng, n_contacts, n_staff, density)
    sources, _ = A.edges
    decay = [0.5 ** (rng.random() * 3) if A.is_staff[u] else 1.0 for u in sources.tolist()]
    A._probabilities = A.probabilities * decay
    A._succ = A._pred = A._flat = A._parts = None  # made again from its own edges
    return A


@pytest.mark.parametrize("seed", range(40))
def test_the_best_start_is_that_of_every_simple_path(build, seed):
    rng = random.Random(7000 + seed)
    make = decayed_access if seed % 2 else random_access
    A = make(rng, rng.randint(1, 8), rng.randint(1, 4), rng.choice([0.2, 0.35, 0.5]))
    for target in range(len(A.keys) - len(A.staff)):
        starts = {s for s in A.staff if rng.random() < 0.7}
        S = Search(A, [target])
        assert S.best_start(starts) == best_by_every_path(A, target, starts)
        for s in sorted(starts):  # the same search, asked again
            assert S.best_start(starts - {s}) == best_by_every_path(A, target, starts - {s})


@pytest.mark.parametrize("seed", range(30))
def test_compiled_and_source_give_the_same_scores_and_paths(seed, monkeypatch):
    if not settle.compiled():
        pytest.skip("settle.py is not compiled here")
    rng = random.Random(8000 + seed)
    shape = (rng.randint(5, 30), rng.randint(1, 6), rng.choice([0.05, 0.1, 0.2]))
    A = decayed_access(random.Random(seed), *shape)
    contacts = range(len(A.keys) - len(A.staff))
    compiled = [(k_best_paths(A, t, k=4), Search(A, [t]).best_score(set(A.staff))) for t in contacts]
    source = _source_module()
    monkeypatch.setattr(paths, "State", source.State)
    monkeypatch.setattr(access, "FlatGraph", source.FlatGraph)
    B = decayed_access(random.Random(seed), *shape)
    assert [[path_score(A, p) for p in ps] for ps, _ in compiled] == [
        [path_score(B, p) for p in k_best_paths(B, t, k=4)] for t in contacts
    ]
    assert compiled == [(k_best_paths(B, t, k=4), Search(B, [t]).best_score(set(B.staff))) for t in contacts]


@pytest.mark.parametrize("seed", range(20))
def test_the_route_bounds_read_from_the_edge_arrays_what_the_edge_dicts_hold(build, seed):
    # FlatGraph.edge, step_in, step_out and first_step: the plan's bounds on detours.
    rng = random.Random(9000 + seed)
    A = decayed_access(rng, rng.randint(2, 14), rng.randint(1, 4), rng.choice([0.2, 0.35, 0.5]))
    g, n = A.flat, len(A.keys)

    def step_out(u: int, other: int) -> float:
        return max([p for x, p in A.succ[u].items() if x != other], default=0.0)

    for u in range(n):
        into = max([p for x, p in A.pred[u].items() if not A.is_staff[x]], default=0.0)
        assert g.step_in(u) == into
        for v in range(n):
            assert g.edge(u, v) == A.succ[u].get(v, -1.0)
            assert g.step_out(u, v) == step_out(u, v)
            for floor in (0.0, 0.05, 0.2, 0.5):
                first = 0.0  # the first steps that may lead on to v scoring floor
                for x, p in A.succ[u].items():
                    if x != v and p > first and p >= floor and p * max(A.succ[x].get(v, 0.0),
                                                                        step_out(x, v) * into) >= floor:
                        first = p
                assert g.first_step(u, v, into, floor) == first


def test_searches_beyond_the_budget_give_up_their_arrays_and_answer_the_same(build, monkeypatch):
    rng = random.Random(99)
    A = random_access(rng, 40, 6, 0.08)
    n = len(A.keys)
    targets = range(n - len(A.staff))
    starts = set(A.staff)
    # Asked in two rounds, with every search kept: the answers with arrays for all.
    kept = [Search(A, [t]) for t in targets]
    first = [S.best_path(starts) for S in kept]
    again = [S.best_path(starts - {A.staff[0]}) for S in kept]
    # The same with arrays for three searches at a time: the others settle again.
    monkeypatch.setattr(paths, "LIVE_NODES", 3 * n)
    B = random_access(random.Random(99), 40, 6, 0.08)
    small = [Search(B, [t]) for t in targets]
    assert [S.best_path(starts) for S in small] == first
    assert sum(S._state is not None for S in small) == 3
    assert [S.best_path(starts - {B.staff[0]}) for S in small] == again
    assert len(B.flat.live) == 3
    # A search nobody holds leaves the budget at once.
    del small
    assert len(B.flat.live) == 0


@pytest.mark.parametrize("seed", range(10))
def test_a_search_started_again_answers_as_a_new_one(build, seed):
    # Search.restart: the plan's searches pass their arrays from one contact to the next.
    rng = random.Random(9500 + seed)
    A = decayed_access(rng, rng.randint(3, 20), rng.randint(1, 5), rng.choice([0.1, 0.2, 0.35]))
    starts = set(A.staff)
    S = Search(A, [0])
    S.best_path(starts)
    for target in range(len(A.keys) - len(A.staff)):
        S.restart([target])
        fresh = Search(A, [target])
        assert S.best_start(starts) == fresh.best_start(starts)
        assert S.best_path(starts) == fresh.best_path(starts)
        assert S.settled == fresh.settled


def test_the_rows_by_node_keep_the_edges_order():
    # Edges 0->1, 2->1, 0->2, 1->0, 2->1 again (a twin): in-rows by target, stably.
    import numpy as np

    key, other = np.array([1, 1, 2, 0, 1]), np.array([0, 2, 0, 1, 2])
    probs = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    ptr, nodes, p = settle.by_node(3, key, other, probs)
    assert (list(ptr), list(nodes), list(p)) == ([0, 1, 4, 5], [1, 0, 2, 2, 0], [0.4, 0.1, 0.2, 0.5, 0.3])
    assert settle.stable_order(key, 3).tolist() == settle.stable_order(key, 1 << 16).tolist() == [3, 0, 1, 4, 2]
    assert list(settle.staff_marks(np.array([0, 1, 1]))) == [0, 1, 1]


def test_the_score_of_a_path_that_is_none_is_an_error():
    from relgraph.analysis.access import access_from_parts

    A = access_from_parts(["Contact:c", "Contact:d"], [None, None], [{"Staff:a": 4.0}, {}], {"Staff:a"}, [])
    a, c, d = (A.index[k] for k in ("Staff:a", "Contact:c", "Contact:d"))
    assert path_score(A, [a, c]) == pytest.approx(0.8)
    with pytest.raises(KeyError, match="no edge 'a' -> 'd'"):
        path_score(A, [a, d])
