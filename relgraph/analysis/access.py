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

import bisect
import datetime as dt
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from ..errors import NotFound
from ..graph import CONTACT, STAFF
from . import flow
from .frame import Frame, PairStrengths, frame_from_graph, pair_strengths
from .rules import day, in_force_days, strongest
from .settle import FlatGraph, by_node, stable_order, staff_marks

KNOWS_KIND = "knows"
INFLUENCES_KIND = "influences"
REPORTS_TO_KIND = "reports_to"

RUN_NODES = 1 << 13
"""The most contacts and relationships of a run of accounts whose access graphs are
assembled at once (:meth:`FrameAccounts.access`; one account may have more):
fewer numpy calls an account, and the run's arrays stay small."""

RUN_PAIRS = 1 << 22
"""The most (account, staff member) pairs of a run (:data:`RUN_NODES`): a run marks
the staff each of its accounts knows in one array of them."""


@dataclass
class Access:
    """An account's access graph over nodes ``0..n-1``.

    ``keys`` names the nodes (contacts of the account first, then the staff with an
    edge, each sorted by id) and ``ids`` gives their data set ids; ``succ[u][v]`` and
    ``pred[v][u]`` hold the probability of edge u -> v and :meth:`kind` its kind
    (``knows``, ``influences``, ``reports_to``); ``staff`` lists the staff nodes.
    :attr:`edges` and :attr:`probabilities` give every edge as arrays, the
    relationships first, then the links: the order of each node's edges in
    ``succ`` and ``pred``.
    """

    is_staff: list[bool]
    staff: list[int]
    # (u, v, is influences) of each contact -> contact edge, whose kind it gives
    _links: tuple[np.ndarray, np.ndarray, np.ndarray] = field(repr=False)
    _edges: tuple[np.ndarray, np.ndarray] = field(repr=False)  # (u, v) of every edge
    _probabilities: np.ndarray = field(repr=False)  # the probability of each edge
    # The keys, or else the ids (each made from the other when first asked: the path
    # searches name only their answers, by id).
    _keys: list[str] | None = field(default=None, repr=False)
    _index: dict[str, int] | None = field(default=None, repr=False)
    _ids: list[str] | None = field(default=None, repr=False)
    _link_kinds: dict[tuple[int, int], str] | None = field(default=None, repr=False)
    _staff_at: dict[str, int] | None = field(default=None, repr=False)
    # The dicts are built when first asked: most analyses walk edges one way only.
    _succ: list[dict[int, float]] | None = field(default=None, repr=False)
    _pred: list[dict[int, float]] | None = field(default=None, repr=False)
    _flat: FlatGraph | None = field(default=None, repr=False)
    # The graphs it was assembled with and its place among them (its flat arrays are
    # theirs: :meth:`_Parts.flat`; None: its own edges alone).
    _parts: tuple[_Parts, int] | None = field(default=None, repr=False)

    @property
    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """The edges as two arrays of node numbers, sources and targets."""
        return self._edges

    @property
    def probabilities(self) -> np.ndarray:
        """The probability of each edge of :attr:`edges`."""
        return self._probabilities

    @property
    def keys(self) -> list[str]:
        """The key of each node: ``Contact:id`` or ``Staff:id``."""
        if self._keys is None:
            ids, first = self.ids, len(self.is_staff) - len(self.staff)
            self._keys = [CONTACT + ":" + x for x in ids[:first]] + [STAFF + ":" + x for x in ids[first:]]
        return self._keys

    @property
    def index(self) -> dict[str, int]:
        """The node of each key."""
        if self._index is None:
            self._index = dict(zip(self.keys, range(len(self.is_staff))))
        return self._index

    def staff_node(self, staff: str) -> int | None:
        """The node of the staff member of id ``staff`` (None: not in the graph)."""
        return self._staff_index().get(staff)

    def staff_nodes(self, staff: Iterable[str]) -> list[int | None]:
        """:meth:`staff_node` of each of the ids ``staff``."""
        return list(map(self._staff_index().get, staff))

    def _staff_index(self) -> dict[str, int]:
        """The node of each staff id (made when first asked)."""
        if self._staff_at is None:
            self._staff_at = {self.ids[s]: s for s in self.staff}
        return self._staff_at

    @property
    def link_kinds(self) -> dict[tuple[int, int], str]:
        """The kind of each contact -> contact edge, by ``(u, v)``, in edge order
        (made when first asked: the path searches never read it)."""
        if self._link_kinds is None:
            u, v, influences = self._links
            self._link_kinds = dict(zip(zip(u.tolist(), v.tolist()),
                                        [INFLUENCES_KIND if f else REPORTS_TO_KIND for f in influences.tolist()]))
        return self._link_kinds

    @property
    def succ(self) -> list[dict[int, float]]:
        """``succ[u]``: ``{v: probability}`` of the edges leaving u."""
        if self._succ is None:
            self._succ = _adjacency(len(self.is_staff), *self._edges, self._probabilities)
        return self._succ

    @property
    def pred(self) -> list[dict[int, float]]:
        """``pred[v]``: ``{u: probability}`` of the edges into v."""
        if self._pred is None:
            self._pred = _adjacency(len(self.is_staff), *reversed(self._edges), self._probabilities)
        return self._pred

    @property
    def flat(self) -> FlatGraph:
        """The edges as flat arrays, for the path search's inner loops (built once)."""
        if self._flat is None:
            if self._parts is None:  # its edges given alone (changed since assembled)
                n, (sources, targets) = len(self.is_staff), self._edges
                self._parts = (_Parts([0, n], [n - len(self.staff)], None, self._links, [0, len(self._links[0])],
                                      (sources, targets, self._probabilities), self._edges, [0, len(sources)]), 0)
            parts, i = self._parts
            self._flat = parts.flat(i)
        return self._flat

    @property
    def ids(self) -> list[str]:
        """The data set id of each node (keys are "Kind:id")."""
        if self._ids is None:
            self._ids = [k[k.index(":") + 1 :] for k in self.keys]
        return self._ids

    def kind(self, u: int, v: int) -> str:
        """The kind of edge u -> v: ``knows`` from a staff member, else the link's."""
        return KNOWS_KIND if self.is_staff[u] else self.link_kinds[(u, v)]

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
    # idom, pre and size as C int arrays (flow.dominators), as lists when first read,
    # and the route counter over the arrays (made when first asked).
    _arrays: tuple[array, array, array] = field(repr=False)
    _routes: flow.Routes | None = field(default=None, repr=False, compare=False)

    @cached_property
    def idom(self) -> list[int]:
        return self._arrays[0].tolist()

    @cached_property
    def pre(self) -> list[int]:
        return self._arrays[1].tolist()

    @cached_property
    def size(self) -> list[int]:
        return self._arrays[2].tolist()

    def reachable(self, u: int) -> bool:
        return self._arrays[0][u] != -1

    def routes(self, A: Access) -> flow.Routes:
        """The counter of node-disjoint routes from the staff of ``A`` (whose tree this
        is) to its contacts (:func:`relgraph.analysis.threads.node_disjoint_routes`)."""
        if self._routes is None:
            self._routes = flow.Routes(A.flat, *self._arrays)
        return self._routes


def dominators(A: Access) -> Dominators:
    """The dominator tree of ``A`` from its staff (:func:`relgraph.analysis.flow.dominators`:
    Cooper, Harvey and Kennedy's iterative algorithm, on ``A``'s flat arrays)."""
    return Dominators(root=len(A.is_staff), _arrays=flow.dominators(A.flat))


def access_from_parts(
    contacts: Sequence[str],
    attitudes: Sequence[str | None],
    rows: Sequence[Mapping[str, float]],
    active: Collection[str],
    links: Iterable[tuple[str, str, bool, float]],
    *,
    through_opponents: bool = False,
) -> Access:
    """The access graph of one account from its parts: its contacts (node keys,
    sorted by id) with their attitudes and their rows of effective strengths
    (staff key -> strength), the staff counted as active, and the links in force
    as (source key, target key, is ``influences``, weight)."""
    n_contacts = len(contacts)
    staff_keys = {s for row in rows for s, v in row.items() if v > 0 and s in active}
    keys = [*contacts, *sorted(staff_keys)]  # "Staff:" keys sort by id
    index = {k: i for i, k in enumerate(keys)}
    knows = [(index[s], v, value) for v, row in enumerate(rows) for s, value in row.items() if value > 0 and s in active]
    steps = [(index[source], index[target], influences, weight) for source, target, influences, weight in links]
    blocked = [False] * n_contacts if through_opponents else [a == "opponent" for a in attitudes]
    k_u, k_v, k_value = (np.array(c, dtype=t) for c, t in zip(zip(*knows) if knows else ((), (), ()), (np.int64, np.int64, float)))
    l_u, l_v, l_inf, l_w = (
        np.array(c, dtype=t) for c, t in zip(zip(*steps) if steps else ((), (), (), ()), (np.int64, np.int64, bool, float))
    )
    blocked += [False] * (len(keys) - n_contacts)  # (the staff: nothing leads to them)
    graphs = (np.zeros(len(k_u), dtype=np.int64), np.zeros(len(l_u), dtype=np.int64))  # one graph
    parts = _assemble([0, len(keys)], [n_contacts], (k_u, k_v, k_value), (l_u, l_v, l_inf, l_w),
                      np.array(blocked, dtype=bool), graphs)
    return parts.access(0, keys=keys, index=index)


def _assemble(
    starts: Sequence[int],
    n_contacts: Sequence[int],
    knows: tuple[np.ndarray, np.ndarray, np.ndarray],
    links: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    blocked: np.ndarray,
    graphs: tuple[np.ndarray, np.ndarray],
    *,
    ids: Callable[[int], list[str]] | None = None,
) -> _Parts:
    """The access graphs of some accounts at once, over the nodes of their disjoint
    union: graph ``i`` holds nodes ``starts[i]..starts[i + 1] - 1`` (its
    ``n_contacts[i]`` contacts first), named by their ``ids`` (``ids(i)``: those of
    graph i's nodes; else by the keys given to :meth:`_Parts.access`); the
    relationships ``knows`` as arrays (staff node, contact node, effective
    strength), graph by graph in the order the edges are kept, the links in force
    as arrays (source node, target node, is ``influences``, weight), graph by
    graph, the nodes no edge leaves (``blocked``), and the graph of each
    relationship and of each link (``graphs``)."""
    starts = np.asarray(starts, dtype=np.int64)
    n = int(starts[-1])
    # The steps along the links, in the order the links come (a reporting line
    # forwards, then backwards); opponents end routes: no edge leaves them (unless
    # through_opponents).
    a, b, influences, weight = links
    real = a != b
    back = real & ~influences
    order = np.concatenate([2 * np.flatnonzero(real), 2 * np.flatnonzero(back) + 1])
    x = np.concatenate([a[real], b[back]])
    y = np.concatenate([b[real], a[back]])
    p = np.concatenate([weight[real], weight[back]]) / 5.0
    inf = np.concatenate([influences[real], influences[back]])
    graph = np.concatenate([graphs[1][real], graphs[1][back]])
    stream = np.argsort(order, kind="stable")
    stream = stream[~blocked[x[stream]]] if len(stream) else stream
    x, y, p, inf, graph = x[stream], y[stream], p[stream], inf[stream], graph[stream]
    # Where two edges join the same pair the stronger counts (rules.strongest; at
    # equal probability "influences", the smaller kind, is reported); a pair met
    # once needs no choosing. Pairs keep the order in which they first appear (the
    # graphs' in turn: the links come graph by graph).
    by_pair = stable_order(y, n)
    by_pair = by_pair[stable_order(x[by_pair], n)]  # by (x, y), in stream order at each pair
    pair = x[by_pair] * n + y[by_pair]
    group = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]])) if len(pair) else by_pair
    counts = np.diff(np.append(group, len(pair)))
    met = np.zeros(len(x), dtype=np.int64)  # at each edge, how often its pair is met
    met[by_pair] = np.repeat(counts, counts)
    first = np.zeros(len(x), dtype=bool)
    first[by_pair[group]] = True
    kept = np.flatnonzero(first)
    link_x, link_y, link_p, link_inf = x[kept], y[kept], p[kept], inf[kept]
    shared = np.flatnonzero(met[kept] > 1).tolist()  # places in kept of the pairs met twice
    if shared:
        kind_of = np.where(inf, INFLUENCES_KIND, REPORTS_TO_KIND)
        twice = np.flatnonzero(met > 1)
        chosen = strongest(zip(x[twice].tolist(), y[twice].tolist(), p[twice].tolist(), kind_of[twice].tolist()))
        for k in shared:
            link_p[k], kind = chosen[int(link_x[k]), int(link_y[k])]
            link_inf[k] = kind == INFLUENCES_KIND
    # Every edge, graph by graph, the relationships first, then the links: each
    # node's edges in that order.
    k_u, k_v, k_value = knows
    k_graph, l_graph = graphs[0], graph[kept]
    n_graphs = len(starts) - 1
    n_knows, n_links = np.bincount(k_graph, minlength=n_graphs), np.bincount(l_graph, minlength=n_graphs)
    edge_starts, link_starts = np.zeros(n_graphs + 1, dtype=np.int64), np.zeros(n_graphs + 1, dtype=np.int64)
    np.cumsum(n_knows + n_links, out=edge_starts[1:])
    np.cumsum(n_links, out=link_starts[1:])
    knows_starts = np.concatenate([[0], np.cumsum(n_knows)[:-1]])
    # Each graph's edges from edge_starts: its relationships, then its links.
    k_at = np.arange(len(k_graph)) + (edge_starts[:-1] - knows_starts)[k_graph]
    l_at = np.arange(len(l_graph)) + (edge_starts[:-1] + n_knows - link_starts[:-1])[l_graph]
    sources, targets = np.empty(edge_starts[-1], dtype=np.int64), np.empty(edge_starts[-1], dtype=np.int64)
    probabilities = np.empty(edge_starts[-1])
    sources[k_at], targets[k_at], probabilities[k_at] = k_u, k_v, k_value / 5.0
    sources[l_at], targets[l_at], probabilities[l_at] = link_x, link_y, link_p
    base = np.repeat(starts[:-1], n_knows + n_links)  # the first node of each edge's graph
    return _Parts(
        starts=starts.tolist(),
        n_contacts=list(n_contacts),
        ids=ids,
        links=(link_x, link_y, link_inf),
        link_starts=link_starts.tolist(),
        union=(sources, targets, probabilities),
        local=(sources - base, targets - base),
        edge_starts=edge_starts.tolist(),
    )


@dataclass
class _Parts:
    """The access graphs :func:`_assemble` made together, over the nodes of their
    disjoint union (graph ``i``: nodes ``starts[i]..starts[i + 1] - 1``): the links
    kept (``links``, union nodes; graph i's from ``link_starts[i]``), every edge
    (``union``: sources, targets, probabilities) and its ends numbered in its own
    graph (``local``), graph i's from ``edge_starts[i]``. Each graph's arrays are
    views of these."""

    starts: list[int]
    n_contacts: list[int]
    ids: Callable[[int], list[str]] | None
    links: tuple[np.ndarray, np.ndarray, np.ndarray]
    link_starts: list[int]
    union: tuple[np.ndarray, np.ndarray, np.ndarray]
    local: tuple[np.ndarray, np.ndarray]
    edge_starts: list[int]
    # Every graph's edges by node (settle.by_node over the union), made when first asked.
    _rows: tuple | None = None

    def access(self, i: int, *, keys: list[str] | None = None, index: dict[str, int] | None = None) -> Access:
        """Graph ``i`` (named by ``keys`` and ``index`` when given, else by its ids)."""
        lo, hi = self.starts[i], self.starts[i + 1]
        n, n_contacts = hi - lo, self.n_contacts[i]
        e0, e1 = self.edge_starts[i], self.edge_starts[i + 1]
        l0, l1 = self.link_starts[i], self.link_starts[i + 1]
        link_x, link_y, link_inf = self.links
        sources, targets = self.local
        return Access(
            _keys=keys,
            _index=index,
            _ids=None if keys is not None else self.ids(i),
            is_staff=[False] * n_contacts + [True] * (n - n_contacts),
            staff=list(range(n_contacts, n)),
            _links=(link_x[l0:l1] - lo, link_y[l0:l1] - lo, link_inf[l0:l1]),
            _edges=(sources[e0:e1], targets[e0:e1]),
            _probabilities=self.union[2][e0:e1],
            _parts=(self, i),
        )

    def flat(self, i: int) -> FlatGraph:
        """The flat arrays of graph ``i`` (rows of every graph's, made once)."""
        if self._rows is None:
            (sources, targets, probabilities), (local_sources, local_targets) = self.union, self.local
            n = self.starts[-1]
            staff = np.ones(n, dtype=np.int8)
            for lo, k in zip(self.starts, self.n_contacts):
                staff[lo : lo + k] = 0
            self._rows = (by_node(n, targets, local_sources, probabilities),
                          by_node(n, sources, local_targets, probabilities), staff_marks(staff))
        (pred_ptr, *pred), (succ_ptr, *succ), staff = self._rows
        lo, hi = self.starts[i], self.starts[i + 1]
        return FlatGraph(hi - lo, (pred_ptr[lo : hi + 1], *pred), (succ_ptr[lo : hi + 1], *succ), staff[lo:hi])


def _adjacency(n: int, heads: np.ndarray, tails: np.ndarray, values: np.ndarray) -> list[dict[int, float]]:
    """Per node ``h`` of ``0..n-1``, the dict ``{tail: value}`` of the edges whose
    head is ``h``, in edge order (no pair comes twice)."""
    out: list[dict[int, float]] = [{} for _ in range(n)]
    # One insertion per edge: at a few edges a node this beats building each
    # node's dict from a slice.
    for h, t, v in zip(heads.tolist(), tails.tolist(), values.tolist()):
        out[h][t] = v
    return out


class FrameAccounts:
    """A frame cut by account, with its strengths, to build access graphs account
    by account (:func:`access_from_parts` is the one builder; this feeds it).

    ``contacts(a)`` lists the contact indexes of account ``a`` (by id);
    ``pairs(i)`` the positions in ``ps`` of contact ``i``'s pairs (by staff id).
    """

    def __init__(self, F: Frame, ps: PairStrengths):
        self.F, self.ps = F, ps
        n_accounts = len(F.account_ids)
        by_account = np.argsort(F.contact_account, kind="stable")
        bounds = np.searchsorted(F.contact_account[by_account], np.arange(n_accounts + 1))
        self._bounds = bounds.tolist()
        self._by_account_array = by_account
        # Each contact's place among the contacts of its account (its node number).
        self._local = np.empty(len(F.contact_ids), dtype=np.int64)
        self._local[by_account] = np.arange(len(by_account)) - np.repeat(bounds[:-1], np.diff(bounds))
        # The relationships in force of active staff, by account (pairs are by
        # contact, then staff id: the order the edges are kept).
        knows = np.flatnonzero((ps.value > 0) & ps.active[ps.staff])
        knows_account = F.contact_account[ps.contact[knows]]
        order = np.argsort(knows_account, kind="stable")
        knows = knows[order]
        self._knows = (self._local[ps.contact[knows]], ps.staff[knows], ps.value[knows])
        self._knows_account = knows_account[order]
        self._knows_bounds = np.searchsorted(self._knows_account, np.arange(n_accounts + 1)).tolist()
        in_force = np.flatnonzero(in_force_days(F.link_since, F.link_until, day(ps.as_of)))
        link_account = F.contact_account[F.link_source[in_force]]
        order = np.argsort(link_account, kind="stable")
        self._links = in_force[order]
        self._link_bounds = np.searchsorted(link_account[order], np.arange(n_accounts + 1)).tolist()
        self._link_columns = (F.link_source, F.link_target, F.link_influences, F.link_weight)
        codes, attitudes = F.coded("contact_attitudes")
        self._opponent = np.array([x == "opponent" for x in attitudes], dtype=bool)[codes]
        self._assembled: dict[bool, tuple[int, _Parts]] = {}  # the last run, by through_opponents
        self._sizes: list[int] | None = None  # the contacts and relationships of accounts 0..a, by a

    # The per-pair and per-contact lists below are made when first asked: each
    # analysis reads only some of them.
    @cached_property
    def pair_staff(self) -> list[int]:
        """The staff index of each pair of ``ps``."""
        return self.ps.staff.tolist()

    @cached_property
    def pair_value(self) -> list[float]:
        """The effective strength of each pair of ``ps``."""
        return self.ps.value.tolist()

    @cached_property
    def active_staff(self) -> list[bool]:
        """Whether each staff member of the frame counts as active."""
        return self.ps.active.tolist()

    @cached_property
    def staff_keys(self) -> list[str]:
        """The key (``Staff:id``) of each staff member of the frame."""
        return [STAFF + ":" + x for x in self.F.staff_ids]

    @cached_property
    def active(self) -> frozenset[str]:
        """The keys of the staff counted as active."""
        return frozenset(k for k, on in zip(self.staff_keys, self.active_staff) if on)

    @cached_property
    def _pair_bounds(self) -> list[int]:
        return np.searchsorted(self.ps.contact, np.arange(len(self.F.contact_ids) + 1)).tolist()

    @classmethod
    def of_graph(
        cls,
        G: nx.MultiDiGraph,
        *,
        as_of: dt.date,
        half_life: float = 180.0,
        grace: float = 90.0,
        strong: float = 3.0,
        without: Collection[str] = (),
    ) -> FrameAccounts:
        """The frame of graph ``G`` cut by account, with its strengths at ``as_of``;
        staff ids in ``without`` (:class:`NotFound` for one ``G`` lacks) counted as
        inactive."""
        F = frame_from_graph(G)
        gone = [staff_index(F, s) for s in without]
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong, without=gone)
        return cls(F, ps)

    def contacts(self, a: int) -> list[int]:
        # From the array, account by account: a list of every contact would outlive the
        # few questions asked of each account.
        return self._by_account_array[self._bounds[a] : self._bounds[a + 1]].tolist()

    def picked_contacts(self, a: int, picked: np.ndarray) -> list[tuple[int, int]]:
        """The (node, contact index) of the contacts of account ``a`` for which
        ``picked`` (a mask over the frame's contacts) holds, in :meth:`contacts` order."""
        mine = self._by_account_array[self._bounds[a] : self._bounds[a + 1]]
        j = np.flatnonzero(picked[mine])
        return list(zip(j.tolist(), mine[j].tolist()))

    def links(self, a: int) -> list[tuple[int, int, bool, float]]:
        """The links in force between contacts of account ``a``, as (source, target,
        is ``influences``, weight), contact indexes."""
        return list(zip(*(column.tolist() for column in self._link_arrays(a))))

    def _link_arrays(self, a: int, b: int | None = None) -> tuple[np.ndarray, ...]:
        """The columns of the links of accounts ``a..b - 1`` (of ``a`` alone: ``b`` None)."""
        mine = self._links[self._link_bounds[a] : self._link_bounds[a + 1 if b is None else b]]
        return tuple(column[mine] for column in self._link_columns)

    def pairs(self, i: int) -> range:
        return range(self._pair_bounds[i], self._pair_bounds[i + 1])

    def access(self, a: int, *, through_opponents: bool = False) -> Access:
        """The access graph of account ``a`` (its contacts first, in :meth:`contacts` order)."""
        # The graphs are assembled a run of accounts at once (:meth:`_run`), the last
        # run kept: an account asked for right after the last run starts a run twice
        # as long (the analyses that ask for every account ask in turn), one asked
        # for out of turn is assembled alone.
        lo, parts = self._assembled.get(through_opponents, (0, None))
        if parts is None or not 0 <= a - lo < len(parts.n_contacts):
            follows = parts is not None and a == lo + len(parts.n_contacts)
            lo, parts = a, self._run(a, self._run_end(a, 2 * len(parts.n_contacts) if follows else 1),
                                     through_opponents)
            self._assembled[through_opponents] = (lo, parts)
        return parts.access(a - lo)

    def _run_end(self, a: int, most: int) -> int:
        """The end of a run of at most ``most`` accounts from account ``a``: at most
        RUN_NODES contacts and relationships and RUN_PAIRS (account, staff) pairs (but
        one account at least)."""
        if self._sizes is None:
            self._sizes = np.cumsum(np.diff(self._bounds) + np.diff(self._knows_bounds)).tolist()
        before = self._sizes[a - 1] if a > 0 else 0
        most = min(most, RUN_PAIRS // max(1, len(self.F.staff_ids)))
        return max(a + 1, min(a + most, bisect.bisect_right(self._sizes, before + RUN_NODES, lo=a)))

    def _run(self, lo: int, hi: int, through_opponents: bool) -> _Parts:
        """The access graphs of accounts ``lo..hi - 1`` (:func:`_assemble`)."""
        F, n_ids = self.F, len(self.F.staff_ids)
        mine = self._by_account_array[self._bounds[lo] : self._bounds[hi]]
        n_contacts = np.diff(self._bounds[lo : hi + 1])
        k0, k1 = self._knows_bounds[lo], self._knows_bounds[hi]
        j, s, value = (column[k0:k1] for column in self._knows)
        account = self._knows_account[k0:k1] - lo
        # Node numbers: per account, the contacts, then the staff with an edge (by
        # id: staff indexes are in id order), the accounts in turn.
        pair = account * n_ids + s
        known = np.zeros((hi - lo) * n_ids, dtype=bool)  # of each (account, staff member)
        known[pair] = True
        staffed = np.flatnonzero(known)  # by account, then staff
        rank = np.empty(len(known), dtype=np.int64)  # of each known, its place among them
        rank[staffed] = np.arange(len(staffed))
        n_staff = np.bincount(staffed // n_ids, minlength=hi - lo)
        starts = np.zeros(hi - lo + 1, dtype=np.int64)
        np.cumsum(n_contacts + n_staff, out=starts[1:])
        before = starts[:-1] + n_contacts - np.concatenate([[0], np.cumsum(n_staff)[:-1]])
        knows = (before[account] + rank[pair], starts[account] + j, value)
        source, target, influences, weight = self._link_arrays(lo, hi)
        link_account = F.contact_account[source] - lo
        at = starts[link_account]
        links = (at + self._local[source], at + self._local[target], influences, weight)
        blocked = np.zeros(int(starts[-1]), dtype=bool)
        if not through_opponents:
            blocked[starts[F.contact_account[mine] - lo] + self._local[mine]] = self._opponent[mine]
        staff_ids = list(map(F.staff_ids.__getitem__, (staffed % n_ids).tolist()))
        staff_starts = [0, *np.cumsum(n_staff).tolist()]
        contact_ids, contact_starts = F.contact_ids, [x - self._bounds[lo] for x in self._bounds[lo : hi + 1]]

        def ids(i: int) -> list[str]:  # (of the run's arrays alone: no cycle through self)
            return [*map(contact_ids.__getitem__, mine[contact_starts[i] : contact_starts[i + 1]].tolist()),
                    *staff_ids[staff_starts[i] : staff_starts[i + 1]]]

        return _assemble(starts, n_contacts.tolist(), knows, links, blocked, (account, link_account), ids=ids)


def contact_index(F: Frame, contact: str) -> int:
    """The index of contact ``contact`` (an id) in ``F``; :class:`NotFound` when there is none."""
    return _index(F.contact_ids, contact, "contact")


def staff_index(F: Frame, staff: str) -> int:
    """The index of staff member ``staff`` (an id) in ``F``; :class:`NotFound` when there is none."""
    return _index(F.staff_ids, staff, "staff member")


def _index(ids: list[str], id: str, what: str) -> int:
    i = bisect.bisect_left(ids, id)  # frame ids are sorted
    if i == len(ids) or ids[i] != id:
        raise NotFound(f"unknown {what} {id!r}")
    return i
