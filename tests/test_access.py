"""The access graph's compact form: its assembly (the stronger of two edges, in the
order pairs first appear), its dominator tree (held to networkx's), and the searches
that stop early (held to the same search asked to go on, and to every simple path)."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from relgraph.analysis.access import Access, access_from_parts
from relgraph.analysis.paths import REL, Search
from relgraph.analysis.successor import best_placed

C = [f"Contact:c{i}" for i in range(6)]


def test_the_stronger_of_two_edges_counts_and_pairs_keep_their_first_order():
    # c0 -> c1 twice (influences 2, reports_to 4: the reporting line counts, both ways);
    # c2 -> c3 influences 3 and reports_to 3: equal, "influences" is reported, while the
    # reporting line still gives c3 -> c2; c4 is an opponent: nothing leaves it.
    links = [
        ("Contact:c0", "Contact:c1", True, 2.0),
        ("Contact:c2", "Contact:c3", False, 3.0),
        ("Contact:c0", "Contact:c1", False, 4.0),
        ("Contact:c2", "Contact:c3", True, 3.0),
        ("Contact:c4", "Contact:c5", False, 5.0),
        ("Contact:c5", "Contact:c5", True, 5.0),  # a loop: no edge
    ]
    rows = [{"Staff:b": 4.0, "Staff:a": 2.5}, {}, {"Staff:a": 0.0}, {}, {"Staff:z": 5.0}, {}]
    attitudes = [None, None, None, None, "opponent", None]
    A = access_from_parts(C, attitudes, rows, {"Staff:a", "Staff:b"}, links)
    assert A.keys == [*C, "Staff:a", "Staff:b"]
    a, b = 6, 7
    assert [list(d.items()) for d in A.succ] == [
        [(1, 0.8)], [(0, 0.8)], [(3, 0.6)], [(2, 0.6)], [], [(4, 1.0)], [(0, 0.5)], [(0, 0.8)]
    ]
    assert [list(d.items()) for d in A.pred] == [
        [(b, 0.8), (a, 0.5), (1, 0.8)], [(0, 0.8)], [(3, 0.6)], [(2, 0.6)], [(5, 1.0)], [], [], []
    ]
    assert A.link_kinds == {
        (0, 1): "reports_to", (1, 0): "reports_to", (2, 3): "influences", (3, 2): "reports_to", (5, 4): "reports_to"
    }
    assert list(A.link_kinds) == [(0, 1), (2, 3), (3, 2), (1, 0), (5, 4)]
    assert A.ids == ["c0", "c1", "c2", "c3", "c4", "c5", "a", "b"]
    assert (A.staff_node("a"), A.staff_node("b"), A.staff_node("z"), A.staff_node("c0")) == (a, b, None, None)
    through = access_from_parts(C, attitudes, rows, {"Staff:a", "Staff:b"}, links, through_opponents=True)
    assert through.succ[4] == {5: 1.0}


def test_an_account_s_graph_names_its_nodes_by_key_from_their_ids():
    # FrameAccounts.access gives the ids; the keys and their index are made when asked.
    import datetime as dt

    from relgraph.analysis.access import FrameAccounts
    from relgraph.graph import build_graph
    from relgraph.readwrite.jsonfile import read_obj

    G = build_graph(read_obj({
        "accounts": [{"id": "A", "name": "Acme"}, {"id": "B", "name": "Bolt"}],
        "contacts": [{"id": "c2", "name": "Bo", "account": "A"}, {"id": "c1", "name": "Li", "account": "A"},
                     {"id": "d1", "name": "Ed", "account": "B"}],
        "staff": [{"id": "s2", "name": "Al"}, {"id": "s1", "name": "Di"}],
        "relationships": [{"staff": "s2", "contact": "c1", "strength": 4, "last_contact": "2026-10-01"},
                          {"staff": "s1", "contact": "d1", "strength": 2, "last_contact": "2026-10-01"}],
    }))
    parts = FrameAccounts.of_graph(G, as_of=dt.date(2026, 11, 1))
    A = parts.access(0)
    assert A._keys is None and A.ids == ["c1", "c2", "s2"]
    assert A.keys == ["Contact:c1", "Contact:c2", "Staff:s2"]
    assert A.index == {"Contact:c1": 0, "Contact:c2": 1, "Staff:s2": 2}
    assert (A.staff_node("s2"), A.staff_node("s1")) == (2, None)
    assert parts.access(1).keys == ["Contact:d1", "Staff:s1"]


def random_access(rng: random.Random, n_contacts: int, n_staff: int, density: float) -> Access:
    contacts = [f"Contact:c{i:02d}" for i in range(n_contacts)]
    staff = [f"Staff:s{i:02d}" for i in range(n_staff)]
    rows = [{s: float(rng.randint(1, 5)) for s in staff if rng.random() < density} for _ in contacts]
    links = [
        (u, v, rng.random() < 0.5, float(rng.randint(1, 5)))
        for u in contacts for v in contacts if u != v and rng.random() < density
    ]
    attitudes = [rng.choice([None, None, None, "opponent"]) for _ in contacts]
    return access_from_parts(contacts, attitudes, rows, set(staff), links)


def check_dominators(A: Access) -> None:
    """The tree of :func:`dominators` is networkx's, and its numbering a preorder."""
    D = A.dominators()
    n = len(A.keys)
    G = nx.DiGraph([(u, v) for u, out in enumerate(A.succ) for v in out])
    G.add_nodes_from(range(n + 1))
    G.add_edges_from((n, s) for s in A.staff)
    expected = nx.immediate_dominators(G, n)
    assert D.idom == [expected.get(u, -1) for u in range(n)] + [n]
    for u in range(n):
        if D.idom[u] == -1:
            assert D.pre[u] == -1 and D.size[u] == 0
            continue
        d = D.idom[u]
        assert D.pre[d] < D.pre[u] < D.pre[d] + D.size[d]
        assert D.size[u] == 1 + sum(D.size[v] for v in range(n) if D.idom[v] == u and v != u)
    assert sorted(p for p in D.pre if p >= 0) == list(range(D.size[n]))


def test_dominators_by_hand():
    # a and b know c0: two routes of their own, so its dominator is the root (and c0
    # hangs from it alone). c1 is reached only through c0, c3 only through c1; c2 by b
    # directly and through c0 (from a): two independent routes. Nobody reaches c4.
    rows = [{"Staff:a": 3.0, "Staff:b": 3.0}, {}, {"Staff:b": 1.0}, {}, {}]
    links = [
        ("Contact:c0", "Contact:c1", True, 3.0),
        ("Contact:c0", "Contact:c2", True, 3.0),
        ("Contact:c1", "Contact:c3", True, 3.0),
        ("Contact:c4", "Contact:c0", True, 3.0),
    ]
    A = access_from_parts(C[:5], [None] * 5, rows, {"Staff:a", "Staff:b"}, links)
    D = A.dominators()
    root = D.root
    assert D.idom == [root, 0, root, 1, -1, root, root, root]
    check_dominators(A)


@pytest.mark.parametrize("seed", range(40))
def test_dominators_are_networkx_s(seed):
    rng = random.Random(seed)
    check_dominators(random_access(rng, rng.randint(1, 25), rng.randint(1, 5), rng.choice([0.05, 0.1, 0.2, 0.4])))


def best_by_every_path(A: Access, target: int, starts: set[int]) -> int | None:
    """The start of the best simple path to ``target`` (the score of a path taken
    from the target back, as the search does; ties within REL: the lowest id)."""
    G = nx.DiGraph([(u, v) for u, out in enumerate(A.succ) for v in out])
    scores: dict[int, float] = {}
    for s in starts:
        if s not in G or target not in G:
            continue
        for path in nx.all_simple_paths(G, s, target):
            score = 1.0
            for u, v in reversed(list(zip(path, path[1:]))):
                score *= A.succ[u][v]
            scores[s] = max(scores.get(s, -1.0), score)
    if not scores:
        return None
    best = max(scores.values())
    return min((s for s, v in scores.items() if v >= best * (1 - REL)), key=lambda s: A.ids[s])


@pytest.mark.parametrize("seed", range(60))
def test_a_search_asked_once_finds_what_a_search_asked_again_finds(seed):
    rng = random.Random(1000 + seed)
    A = random_access(rng, rng.randint(1, 9), rng.randint(1, 5), rng.choice([0.15, 0.3, 0.5]))
    for target in range(A.staff[0] if A.staff else len(A.keys)):
        leave = {x for x in A.ids[len(A.keys) - len(A.staff):] if rng.random() < 0.3}
        starts = {s for s in A.staff if A.ids[s] not in leave}
        once = best_placed(A, [target], leaving_out=leave)
        S = Search(A, [target])
        assert S.best_start(starts) == once == best_by_every_path(A, target, starts)
        # The resumable search goes on answering: every start left out in turn.
        for s in sorted(starts):
            assert S.best_start(starts - {s}) == best_by_every_path(A, target, starts - {s})


def random_portfolio(rng: random.Random, n_accounts: int):
    """A graph of ``n_accounts`` accounts with contacts (some opponents), staff (some
    gone), relationships and links of both kinds (some twice, some both ways)."""
    from relgraph.graph import build_graph
    from relgraph.readwrite.jsonfile import read_obj

    accounts = [{"id": f"a{i}", "name": f"A{i}"} for i in range(n_accounts)]
    contacts = [
        {"id": f"c{i:03d}", "name": "C", "account": f"a{rng.randrange(n_accounts)}",
         "attitude": rng.choice(["supporter", "neutral", "opponent"])}
        for i in range(rng.randint(n_accounts, 8 * n_accounts))
    ]
    staff = [{"id": f"s{i:02d}", "name": "S", **({"end_date": "2026-01-01"} if rng.random() < 0.2 else {})}
             for i in range(rng.randint(1, 9))]
    relationships = [
        {"staff": s["id"], "contact": c["id"], "strength": rng.randint(1, 5), "last_contact": "2026-10-01"}
        for c in contacts for s in staff if rng.random() < 0.3
    ]
    by_account: dict[str, list[str]] = {}
    for c in contacts:
        by_account.setdefault(c["account"], []).append(c["id"])
    links = [  # (reporting lines up the ids alone: no cycle)
        {"source": u, "target": v, "kind": rng.choice(["influences", "reports_to"] if u < v else ["influences"]),
         "weight": rng.randint(1, 5)}
        for ids in by_account.values() for u in ids for v in ids for _ in range(2) if u != v and rng.random() < 0.15
    ]
    return build_graph(read_obj({"accounts": accounts, "contacts": contacts, "staff": staff,
                                 "relationships": relationships, "links": links}))


def same_graphs(A: Access, B: Access) -> None:
    assert (A.ids, A.is_staff, A.staff) == (B.ids, B.is_staff, B.staff)
    assert [list(d.items()) for d in A.succ] == [list(d.items()) for d in B.succ]
    assert [list(d.items()) for d in A.pred] == [list(d.items()) for d in B.pred]
    assert list(A.link_kinds.items()) == list(B.link_kinds.items())
    n = len(A.ids)
    assert [[A.flat.edge(u, v) for v in range(n)] for u in range(n)] == [[B.flat.edge(u, v) for v in range(n)]
                                                                        for u in range(n)]
    assert [A.flat.step_in(v) for v in range(n)] == [B.flat.step_in(v) for v in range(n)]
    assert (A.dominators().idom, A.dominators().pre) == (B.dominators().idom, B.dominators().pre)


@pytest.mark.parametrize("seed", range(12))
def test_accounts_asked_in_turn_are_assembled_in_runs_as_each_alone(seed, monkeypatch):
    # In turn, the accounts are assembled in runs (of several accounts: RUN_NODES
    # made small enough for a few); from the last to the first, each alone.
    import datetime as dt

    from relgraph.analysis import access
    from relgraph.analysis.access import FrameAccounts

    rng = random.Random(500 + seed)
    G = random_portfolio(rng, rng.randint(1, 7))
    monkeypatch.setattr(access, "RUN_NODES", rng.choice([1, 30, 80, 1 << 13]))
    for through in (False, True):
        in_turn, alone = (FrameAccounts.of_graph(G, as_of=dt.date(2026, 11, 1)) for _ in range(2))
        n = len(in_turn.F.account_ids)
        graphs = [in_turn.access(a, through_opponents=through) for a in range(n)]
        if access.RUN_NODES > 1 << 12 and n > 1:
            assert len(graphs[1]._parts[0].n_contacts) == min(2, n - 1)  # 1, then 2, 4, ... in turn
        for a in reversed(range(n)):
            A = alone.access(a, through_opponents=through)
            assert len(A._parts[0].n_contacts) == 1
            same_graphs(graphs[a], A)
