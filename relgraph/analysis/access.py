"""The access graph of an account: the routes by which we can reach its people.

The *access graph* has an edge from each active staff member to each contact they
have a relationship in force with (probability ``effective_strength / 5``), from a
contact to the contacts they influence (``influences`` links in force, ``weight / 5``)
and both ways along ``reports_to`` links in force (``weight / 5``); where two edges
join the same pair, the stronger counts. Contacts whose attitude is ``opponent`` may
end a route but are not passed through (unless ``through_opponents``): their outgoing
edges are left out.

This module holds the compact, integer-indexed form the path and redundancy searches
run on; :func:`relgraph.analysis.paths.access_graph` gives it as a networkx graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..graph import INFLUENCES
from .strength import Strengths
from .structure import AccountIndex

KNOWS_KIND = "knows"
INFLUENCES_KIND = "influences"
REPORTS_TO_KIND = "reports_to"


@dataclass
class Access:
    """An account's access graph over nodes ``0..n-1``.

    ``keys``/``ids`` name the nodes (contacts of the account first, then the staff
    with an edge, each sorted by id); ``succ[u][v]`` and ``pred[v][u]`` hold the
    probability of edge u -> v and ``kinds[(u, v)]`` its kind (``knows``,
    ``influences``, ``reports_to``); ``staff`` lists the staff nodes.
    """

    keys: list[str]
    ids: list[str]
    index: dict[str, int]
    is_staff: list[bool]
    staff: list[int]
    succ: list[dict[int, float]]
    pred: list[dict[int, float]]
    kinds: dict[tuple[int, int], str]

    def reachable_from_staff(self) -> list[bool]:
        """Which nodes some staff member can reach (staff included)."""
        seen = [False] * len(self.keys)
        stack = list(self.staff)
        for s in stack:
            seen[s] = True
        while stack:
            u = stack.pop()
            for v in self.succ[u]:
                if not seen[v]:
                    seen[v] = True
                    stack.append(v)
        return seen

    def dominators(self) -> Dominators:
        """The dominator tree of the access graph rooted at the set of staff."""
        return dominators(self)


@dataclass
class Dominators:
    """The dominator tree of an access graph, rooted at a virtual node ``root``
    (= ``n``) joined to every staff node. Node *d dominates* u when every route from
    the staff to u passes through d.

    ``idom[u]`` is u's immediate dominator (``root`` for nodes reached by two
    independent routes or directly by staff; -1 when u is unreachable); ``pre[u]``
    and ``size[u]`` number the tree in preorder, so d dominates u exactly when
    ``pre[d] <= pre[u] < pre[d] + size[d]``.
    """

    root: int
    idom: list[int]
    pre: list[int]
    size: list[int]

    def reachable(self, u: int) -> bool:
        return self.idom[u] != -1

    def dominates(self, d: int, u: int) -> bool:
        pd = self.pre[d]
        return pd <= self.pre[u] < pd + self.size[d]


def dominators(A: Access) -> Dominators:
    """Immediate dominators from the staff (Cooper, Harvey and Kennedy's iterative
    algorithm on a reverse postorder), and a preorder numbering of their tree."""
    n = len(A.keys)
    root = n
    succ = A.succ
    # Postorder of a depth-first search from the root.
    post = [-1] * (n + 1)
    order: list[int] = []
    seen = [False] * (n + 1)
    seen[root] = True
    stack: list[tuple[int, object]] = [(root, iter(A.staff))]
    while stack:
        u, it = stack[-1]
        for v in it:  # type: ignore[attr-defined]
            if not seen[v]:
                seen[v] = True
                stack.append((v, iter(succ[v])))
                break
        else:
            stack.pop()
            post[u] = len(order)
            order.append(u)
    idom = [-1] * (n + 1)
    idom[root] = root
    rpo = order[-2::-1]  # reverse postorder without the root
    staff = set(A.staff)
    pred = A.pred
    changed = True
    while changed:
        changed = False
        for u in rpo:
            new = root if u in staff else -1
            for p in pred[u]:
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while post[a] < post[b]:
                        a = idom[a]
                    while post[b] < post[a]:
                        b = idom[b]
                new = a
            if idom[u] != new:
                idom[u] = new
                changed = True
    children: list[list[int]] = [[] for _ in range(n + 1)]
    for u in rpo:
        children[idom[u]].append(u)
    pre = [-1] * (n + 1)
    size = [0] * (n + 1)
    counter = 0
    stack2: list[tuple[int, bool]] = [(root, False)]
    while stack2:
        u, done = stack2.pop()
        if done:
            size[u] = counter - pre[u]
            continue
        pre[u] = counter
        counter += 1
        stack2.append((u, True))
        for c in children[u]:
            stack2.append((c, False))
    return Dominators(root=root, idom=idom[:n] + [root], pre=pre, size=size)


def build_access(
    G: nx.MultiDiGraph, acc: AccountIndex, st: Strengths, *, through_opponents: bool = False
) -> Access:
    """The access graph of account ``acc`` with the strengths ``st``."""
    nodes = G._node
    keys = list(acc.contacts)
    n_contacts = len(keys)
    staff_keys: set[str] = set()
    for c in acc.contacts:
        for s, v in st.by_contact.get(c, {}).items():
            if v > 0 and s in st.active:
                staff_keys.add(s)
    keys.extend(sorted(staff_keys, key=lambda k: nodes[k]["id"]))
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    succ: list[dict[int, float]] = [{} for _ in range(n)]
    kinds: dict[tuple[int, int], str] = {}

    def put(u: int, v: int, p: float, kind: str) -> None:
        if u == v:
            return
        old = succ[u].get(v)
        if old is None or p > old or (p == old and kind < kinds[(u, v)]):
            succ[u][v] = p
            kinds[(u, v)] = kind

    for c in acc.contacts:
        v = index[c]
        for s, value in st.by_contact.get(c, {}).items():
            u = index.get(s)
            if u is not None and value > 0:
                put(u, v, value / 5.0, KNOWS_KIND)
    as_of = st.as_of
    for link in acc.links:
        if not (
            (link.since is None or link.since <= as_of) and (link.until is None or as_of < link.until)
        ):
            continue
        a, b, p = index[link.source], index[link.target], link.weight / 5.0
        if link.type == INFLUENCES:
            put(a, b, p, INFLUENCES_KIND)
        else:
            put(a, b, p, REPORTS_TO_KIND)
            put(b, a, p, REPORTS_TO_KIND)
    if not through_opponents:
        for i in range(n_contacts):
            if nodes[keys[i]].get("attitude") == "opponent":
                for v in succ[i]:
                    del kinds[(i, v)]
                succ[i] = {}
    pred: list[dict[int, float]] = [{} for _ in range(n)]
    for u in range(n):
        for v, p in succ[u].items():
            pred[v][u] = p
    return Access(
        keys=keys,
        ids=[nodes[k]["id"] for k in keys],
        index=index,
        is_staff=[i >= n_contacts for i in range(n)],
        staff=list(range(n_contacts, n)),
        succ=succ,
        pred=pred,
        kinds=kinds,
    )

