"""Influence paths: the best ways to reach a contact.

An *influence path* to a target contact is a simple path in the access graph
(:mod:`relgraph.analysis.access`) from an active staff member to the target; its
*score* is the product of the probabilities of its steps. Intermediate contacts whose
attitude is ``opponent`` are not used unless ``through_opponents``. Paths are ranked
by score, highest first; among equal scores the path of fewer steps comes first, then
the smaller sequence of node ids.

The search runs backwards from the target (a Dijkstra over products, which never
grow along a path) and stops as soon as the best start is settled, so reaching a
contact close to our staff costs little even in a large account. The k best paths
come from Yen's algorithm on top of it. Every step is a loop, not a recursion, so a
path may be as long as the account.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import weakref
from collections.abc import Collection, Iterable

import networkx as nx

from ..graph import CONTACT, STAFF, node_key
from .access import Access, FrameAccounts, contact_index, staff_index
from .frame import select_accounts
from .settle import State

__all__ = [
    "Search", "access_graph", "frame_paths", "influence_paths", "best_start", "best_path", "k_best_paths", "path_dict"
]

REL = 1e-12  # relative tolerance under which two scores are the same (float products)

LIVE_NODES = 2_000_000
"""The searches of one access graph keep their arrays (12 bytes a node, and the nodes
they reached) for at most this many nodes in all (~24 MB); the least recently asked
give them up first."""



def _key(score: float) -> float:
    """Scores compared for ranking: equal up to float noise ties, then ids decide."""
    return round(score, 12)


class Search:
    """The best scores from the nodes of an access graph to a set of targets, found
    as far as asked: a backward Dijkstra over products (which never grow along a
    path) that settles nodes in order of their score and can be resumed, so that one
    search from a contact serves every question about reaching it. Its inner loop
    runs on arrays (:mod:`relgraph.analysis.settle`).

    A contact's score, once settled, is the best score from it to the nearest
    target; every contact of score at least :attr:`floor` is settled. Staff are
    never passed through (nothing leads to them), so they stay off the queue: a staff
    node's score is its best through the contacts settled so far, final once it is at
    least :attr:`floor` (:meth:`score`).

    The searches of an access graph hold their arrays within a budget of nodes
    (:data:`LIVE_NODES`); the least recently asked beyond it gives them up and, if
    asked again, settles the same contacts again in the same order.
    """

    def __init__(
        self,
        A: Access,
        targets: Iterable[int],
        *,
        banned_nodes: Collection[int] = (),
        banned_edges: Collection[tuple[int, int]] = (),
    ):
        self.A, self.banned_nodes, self.banned_edges = A, banned_nodes, banned_edges
        self.targets = list(targets)
        self._graph = A.flat  # its edges as arrays
        self._popped = 0  # the contacts settled, to settle again after giving up the arrays
        self._state: State | None = None

    def _st(self) -> State:
        """The search's arrays, made again if they were given up."""
        st = self._state
        g = self._graph
        if st is not None:
            g.live.move_to_end(id(self))
            return st
        st = self._state = g.free.pop() if g.free else State(g.n)
        st.start(self.targets)
        if self._popped:
            st.settle(g, 0.0, None, -1.0, 0.0, False, REL, self.banned_nodes, self.banned_edges, self._popped)
        # By weak reference: a search nobody holds gives its arrays back at once.
        me = id(self)
        g.live[me] = weakref.ref(self, functools.partial(_given_up, weakref.ref(g), me, st))
        while len(g.live) * g.n > LIVE_NODES and len(g.live) > 1:
            old = g.live.popitem(last=False)[1]()
            if old is not None:
                back, old._state, old._popped = old._state, None, old._state.popped
                back.clear()
                g.free.append(back)
        return st

    def restart(self, targets: Iterable[int]) -> None:
        """Search again, from ``targets``, as a new search would: the arrays cleared
        and kept (a new search takes them from the graph's given up ones, and gives
        them back when let go)."""
        self.targets = list(targets)
        self._popped = 0
        st = self._state
        if st is not None:
            st.clear()
            st.start(self.targets)

    @property
    def settled(self) -> dict[int, float]:
        """The contacts settled so far, with their scores."""
        return self._st().settled()

    @property
    def floor(self) -> float:
        """The score above which nothing is left to settle (0.0 when all is)."""
        return self._st().floor()

    def best_from(self, starts: Collection[int], floor: float) -> float:
        """The best score of ``starts`` found by settling until it is final or the
        next contact scores under ``floor`` (-1.0: none found): where it is under
        ``floor``, no node of ``starts`` scores ``floor`` or more."""
        st = self._st()
        g = self._graph
        return st.settle(g, floor, starts, st.found(g, starts, 0.0, None), 0.0, False, REL, self.banned_nodes,
                         self.banned_edges, -1)

    def score(self, x: int) -> float:
        """The best score of node ``x`` found so far (-1.0: none)."""
        return self._st().score(x, self.A.is_staff[x])

    def best_score(self, starts: Collection[int], *, last: bool = False) -> float | None:
        """The best score of any of ``starts`` (None when none reaches a target),
        with every node at least as good, up to float noise (:data:`REL`), settled
        (:meth:`relgraph.analysis.settle.State.best_score`). ``last``: the search is
        asked nothing after this (it then does less)."""
        best = self._st().best_score(self._graph, starts, last, REL, self.banned_nodes, self.banned_edges)
        return None if best < 0 else best

    def best_start(self, starts: Collection[int], *, last: bool = False) -> int | None:
        """The start of the best influence path from one of ``starts`` (ties: lowest
        id), or None when none reaches a target. ``last``: the search is asked
        nothing after this (it then does less)."""
        s = self._st().best_start(self._graph, starts, last, REL, self.banned_nodes, self.banned_edges, self.A.ids)
        return None if s < 0 else s

    def best_path(self, starts: Collection[int]) -> list[int] | None:
        """The best influence path (node list) from one of ``starts`` to the target
        (the search has one); among equal scores the one of fewest steps, then the
        smallest by node id sequence."""
        st, g = self._st(), self._graph
        best = st.best_score(g, starts, False, REL, self.banned_nodes, self.banned_edges)
        if best < 0:
            return None
        (target,) = self.targets
        return st.best_path(g, starts, target, best, REL, self.banned_nodes, self.banned_edges, self.A.ids)


def _given_up(graph: weakref.ref, me: int, st: State, _: weakref.ref) -> None:
    """A search of ``graph`` that nobody holds any more: its arrays ``st`` for another."""
    g = graph()
    if g is not None:
        g.live.pop(me, None)
        st.clear()
        g.free.append(st)


def best_start(
    A: Access, targets: Iterable[int], *, starts: Collection[int] | None = None
) -> int | None:
    """The staff node that starts the best influence path to any of ``targets``
    (ties: lowest id), or None when no staff member reaches them."""
    return Search(A, targets).best_start(set(A.staff) if starts is None else set(starts), last=True)


def best_path(
    A: Access,
    target: int,
    starts: Collection[int],
    *,
    banned_nodes: Collection[int] = (),
    banned_edges: Collection[tuple[int, int]] = (),
) -> list[int] | None:
    """The best influence path (node list) from one of ``starts`` to ``target``
    avoiding ``banned_nodes``/``banned_edges``; among equal scores the one of fewest
    steps, then the smallest by node id sequence."""
    return Search(A, [target], banned_nodes=banned_nodes, banned_edges=banned_edges).best_path(starts)


def path_score(A: Access, path: list[int]) -> float:
    """The product of a path's step probabilities, from its start to its end (read
    from the edge arrays the searches run on: no dicts of the edges are built)."""
    edge = A.flat.edge
    score = 1.0
    for u, v in zip(path, path[1:]):
        p = edge(u, v)
        if p < 0:  # (edge's answer for none)
            raise KeyError(f"no edge {A.ids[u]!r} -> {A.ids[v]!r} on the path")
        score *= p
    return score


def k_best_paths(A: Access, target: int, *, k: int = 3, starts: Collection[int] | None = None) -> list[list[int]]:
    """The ``k`` best influence paths to ``target`` (Yen's algorithm), best first."""
    starts = set(A.staff) if starts is None else set(starts)
    first = best_path(A, target, starts)
    if first is None or k <= 0:
        return []
    ids = A.ids
    found = [first]
    seen = {tuple(first)}
    candidates: list[tuple[float, tuple[str, ...], list[int]]] = []
    while len(found) < k:
        last = found[-1]
        # Spur at i = 0 deviates in the start (the virtual source's edge); at i >= 1
        # it keeps last[:i] and leaves last[i-1] by a new edge.
        for i in range(len(last)):
            if i == 0:
                spur_starts = starts - {p[0] for p in found}
                banned_nodes: set[int] = set()
                banned_edges: set[tuple[int, int]] = set()
                root: list[int] = []
            else:
                root = last[:i]
                spur = root[-1]
                if spur == target:
                    break
                spur_starts = {spur}
                banned_nodes = set(root[:-1])
                banned_edges = {(p[i - 1], p[i]) for p in found if len(p) > i and p[:i] == root}
                if all(y in banned_nodes or (spur, y) in banned_edges for y in A.succ[spur]):
                    continue  # no step left to leave by: no search (a long chain costs one pass)
            if not spur_starts:
                continue
            tail = best_path(A, target, spur_starts, banned_nodes=banned_nodes, banned_edges=banned_edges)
            if tail is None:
                continue
            path = root[:-1] + tail if root else tail
            t = tuple(path)
            if t in seen:
                continue
            seen.add(t)
            heapq.heappush(candidates, (-_key(path_score(A, path)), len(path), tuple(ids[x] for x in path), path))
        if not candidates:
            break
        found.append(heapq.heappop(candidates)[3])
    return found


def path_dict(A: Access, path: list[int]) -> dict:
    """A path as in the SPEC's ``paths`` JSON: score, node ids and steps."""
    return {
        "score": path_score(A, path),
        "nodes": [A.ids[x] for x in path],
        "steps": [
            {"from": A.ids[u], "to": A.ids[v], "kind": A.kind(u, v), "p": A.succ[u][v]}
            for u, v in zip(path, path[1:])
        ],
    }


def influence_paths(
    G: nx.MultiDiGraph,
    target: str,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    k: int = 3,
    source: str | None = None,
    through_opponents: bool = False,
) -> list[dict]:
    """The ``k`` best influence paths to contact ``target`` (a data set id).

    Parameters
    ----------
    source : str, optional
        A staff id: the only start allowed (``--from``).
    through_opponents : bool
        Allow contacts whose attitude is ``opponent`` as intermediates.

    Returns
    -------
    list of dict
        ``{"score", "nodes": [ids], "steps": [{"from", "to", "kind", "p"}]}`` per
        path, best first (ties: fewer steps first, then by node id sequence); ``kind`` is ``knows``,
        ``influences`` or ``reports_to`` (either way along the reporting line).

    Raises
    ------
    NotFound
        ``target`` is not a contact of ``G`` or ``source`` not a staff member.
    """
    parts = FrameAccounts.of_graph(G, as_of=as_of, half_life=half_life, grace=grace)
    return frame_paths(parts, target, k=k, source=source, through_opponents=through_opponents)


def frame_paths(
    parts: FrameAccounts, target: str, *, k: int = 3, source: str | None = None, through_opponents: bool = False
) -> list[dict]:
    """:func:`influence_paths` over a frame cut by account, with its strengths."""
    t = contact_index(parts.F, target)
    A = parts.access(int(parts.F.contact_account[t]), through_opponents=through_opponents)
    starts = None
    if source is not None:
        staff_index(parts.F, source)  # NotFound
        s = A.index.get(node_key(STAFF, source))
        if s is None:
            return []  # inactive, or no relationship in force in this account
        starts = {s}
    return [path_dict(A, p) for p in k_best_paths(A, A.index[node_key(CONTACT, target)], k=k, starts=starts)]


def account_access(
    G: nx.MultiDiGraph,
    contact: str,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    through_opponents: bool = False,
    without: Collection[str] = (),
) -> Access:
    """The access graph of the account of contact ``contact`` (a data set id);
    ``without``: staff ids counted as having left."""
    parts = FrameAccounts.of_graph(G, as_of=as_of, half_life=half_life, grace=grace, strong=strong, without=without)
    a = int(parts.F.contact_account[contact_index(parts.F, contact)])
    return parts.access(a, through_opponents=through_opponents)


def access_graph(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    through_opponents: bool = False,
    account: str | None = None,
    without: Collection[str] = (),
) -> nx.DiGraph:
    """The access graph of every account of ``G`` (or of ``account``) as a networkx
    DiGraph keyed like ``G`` ("Staff:id", "Contact:id"); edges carry ``p`` (the
    probability) and ``kind``; nodes carry ``kind`` and ``id``.

    ``without`` lists staff ids to count as having left. See
    :mod:`relgraph.analysis.access` for the definition.
    """
    parts = FrameAccounts.of_graph(G, as_of=as_of, half_life=half_life, grace=grace, without=without)
    H = nx.DiGraph()
    for a in select_accounts(parts.F, None if account is None else [account]):
        A = parts.access(a, through_opponents=through_opponents)
        for key, id_, staff in zip(A.keys, A.ids, A.is_staff):
            H.add_node(key, kind=STAFF if staff else CONTACT, id=id_)
        for u, nbrs in enumerate(A.succ):
            for v, p in nbrs.items():
                H.add_edge(A.keys[u], A.keys[v], p=p, kind=A.kind(u, v))
    return H
