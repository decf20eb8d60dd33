"""Redundancy on the compact access graph: the node-disjoint routes from the staff,
held to networkx's node connectivity by hand and on random graphs (every contact,
with the dominator tree given and without, and with a cap)."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest
from networkx.algorithms.connectivity import local_node_connectivity

from relgraph.analysis.access import Access, access_from_parts
from relgraph.analysis.threads import node_disjoint_routes, risk_rows
from test_access import random_access


def connectivity(A: Access, target: int) -> int:
    """The node-disjoint routes from the staff of ``A`` to ``target``, by networkx."""
    G = nx.DiGraph([(u, v) for u, out in enumerate(A.succ) for v in out])
    G.add_nodes_from(range(len(A.keys) + 1))
    source = len(A.keys)
    G.add_edges_from((source, s) for s in A.staff)
    if not nx.has_path(G, source, target):
        return 0
    return local_node_connectivity(G, source, target)


def test_a_two_step_route_moves_to_free_a_member_of_staff():
    # a and b know c1, only a knows c2; both c1 and c2 influence c0. The route
    # a -> c1 -> c0 taken first must move to b for a -> c2 -> c0 to exist: two routes.
    C = ["Contact:c0", "Contact:c1", "Contact:c2"]
    rows = [{}, {"Staff:a": 4.0, "Staff:b": 4.0}, {"Staff:a": 4.0}]
    links = [("Contact:c1", "Contact:c0", True, 4.0), ("Contact:c2", "Contact:c0", True, 4.0)]
    A = access_from_parts(C, [None] * 3, rows, {"Staff:a", "Staff:b"}, links)
    assert [list(A.pred[1]), list(A.pred[2])] == [[3, 4], [3]]  # a, b; a
    assert node_disjoint_routes(A, 0) == 2 == connectivity(A, 0)
    assert node_disjoint_routes(A, 0, cap=1) == 1
    # Without b, both routes need a: one.
    alone = access_from_parts(C, [None] * 3, rows, {"Staff:a"}, links)
    assert node_disjoint_routes(alone, 0) == 1 == connectivity(alone, 0)


def test_a_route_that_cannot_move_is_left_and_searched_around():
    # c1 is known by a alone, c2 by a and b, and b reaches c0 directly: a -> c1 -> c0
    # and b -> c0 are the only disjoint pair (c2's staff are both taken).
    C = ["Contact:c0", "Contact:c1", "Contact:c2"]
    rows = [{"Staff:b": 4.0}, {"Staff:a": 4.0}, {"Staff:a": 4.0, "Staff:b": 4.0}]
    links = [("Contact:c1", "Contact:c0", True, 4.0), ("Contact:c2", "Contact:c0", True, 4.0)]
    A = access_from_parts(C, [None] * 3, rows, {"Staff:a", "Staff:b"}, links)
    assert node_disjoint_routes(A, 0) == 2 == connectivity(A, 0)


@pytest.mark.parametrize("seed", range(60))
def test_routes_are_networkx_s_node_connectivity(seed):
    rng = random.Random(seed)
    A = random_access(rng, rng.randint(1, 14), rng.randint(1, 6), rng.choice([0.1, 0.2, 0.35, 0.6]))
    dom = A.dominators()
    for t in range(len(A.keys)):
        if A.is_staff[t]:
            continue
        expected = connectivity(A, t)
        assert node_disjoint_routes(A, t, dom=dom) == expected
        assert node_disjoint_routes(A, t) == expected
        assert node_disjoint_routes(A, t, cap=2, dom=dom) == min(expected, 2)


def test_risk_rows_work_out_each_rotation_from_its_own_row():
    # The same in_role_since, with and without a rotating role or a rotates cell:
    # each row's rotation is its own (worked out once per distinct row of them).
    since = dt.date(2024, 1, 15)
    staff = [
        {"id": "a", "name": "A", "active": True, "role": "account_manager", "in_role_since": since},
        {"id": "b", "name": "B", "active": True, "role": "executive", "in_role_since": since},
        {"id": "c", "name": "C", "active": True, "role": "executive", "in_role_since": since, "rotates": True},
        {"id": "d", "name": "D", "active": True, "role": "account_manager", "in_role_since": since, "rotates": False},
        {"id": "e", "name": "E", "active": False, "role": "account_manager", "in_role_since": since},
        {"id": "f", "name": "F", "active": True, "role": "account_manager", "in_role_since": None},
    ]
    sole = {"b": [("k2", 6), ("k1", 2)], "d": [("k3", 8)], "e": [("k4", 9)]}
    rows = risk_rows(staff, sole, as_of=dt.date(2026, 11, 1), horizon=90, rotation_years=3)
    due = dt.date(2027, 1, 15)
    assert [(r["id"], r["risk"], r["sole_threads"], r["rotation_due"], r["due_soon"]) for r in rows] == [
        ("b", 8, ["k1", "k2"], None, False),
        ("d", 8, ["k3"], None, False),
        ("a", 0, [], due, True),
        ("c", 0, [], due, True),
        ("f", 0, [], None, False),
    ]
    assert rows[0]["role"] == "executive" and rows[0]["in_role_since"] == since and rows[0]["name"] == "B"
