"""The inner loop of the path search: a backward Dijkstra over products, on arrays.

An access graph (:class:`relgraph.analysis.access.Access`) of ``n`` nodes is given
here by its edges in compressed form (:class:`FlatGraph`). A :class:`State` is one
resumable search from a set of targets: the best score found so far of each node
(``value``: of a contact, its score once settled; of a staff node, its best through
the contacts settled so far; 0.0: none), where each contact is (``place``: its place
on the heap, -1 off it, -2 settled), and a binary heap of the contacts still to
settle, ordered by score (highest first) and then by node number (lowest first) —
the order of :mod:`heapq` over ``(-score, node)`` pairs.

This module is plain Python and gives the same answers run as such; ``settle.pxd``
declares its types, and the package's build compiles it with Cython when it can (the
arrays are then read as C arrays: the search's hot loop runs without the
interpreter). :mod:`relgraph.analysis.paths` holds the search's rules (what is asked,
ties, paths); this module only settles nodes.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict

import numpy as np


class FlatGraph:
    """An access graph's edges by node, as flat arrays, both ways: the in-edges of
    node ``v`` are ``pred_nodes[pred_ptr[v]:pred_ptr[v+1]]`` with the probabilities
    ``pred_probs[...]``, its out-edges likewise ``succ_*``, each node's in the order
    of the edges given; ``staff`` marks the staff nodes (never passed through:
    nothing leads to them). The rows of several graphs can share their arrays
    (:func:`by_node` over their disjoint union): each graph's ``ptr`` is then its own
    nodes' part of the union's."""

    def __init__(self, n: int, pred, succ, staff):
        """The graph of ``n`` nodes whose in-edges and out-edges are ``pred`` and
        ``succ``, each (row starts, other ends, probabilities) (:func:`by_node`; the
        row starts of nodes ``0..n``); ``staff``: 1 for a staff node (buffers of C
        ints, doubles and signed chars)."""
        self.n = n
        self.pred_ptr, self.pred_nodes, self.pred_probs = pred
        self.succ_ptr, self.succ_nodes, self.succ_probs = succ
        self.staff = staff
        # The searches holding a State (paths.Search), least recently asked first, and
        # the States given up, to use again.
        self.live = OrderedDict()
        self.free = []
        self.tight = Tight(n)  # the best path walk's arrays, shared by the searches

    def edge(self, u: int, v: int) -> float:
        """The probability of edge ``u -> v`` (-1.0: there is none)."""
        for k in range(self.succ_ptr[u], self.succ_ptr[u + 1]):
            if self.succ_nodes[k] == v:
                return self.succ_probs[k]
        return -1.0

    def step_in(self, v: int) -> float:
        """The best step into node ``v`` from a contact (0.0: none)."""
        best = 0.0
        for k in range(self.pred_ptr[v], self.pred_ptr[v + 1]):
            if self.staff[self.pred_nodes[k]] == 0 and self.pred_probs[k] > best:
                best = self.pred_probs[k]
        return best

    def step_out(self, u: int, other: int) -> float:
        """The best step from node ``u`` to a node other than ``other`` (0.0: none)."""
        best = 0.0
        for k in range(self.succ_ptr[u], self.succ_ptr[u + 1]):
            if self.succ_nodes[k] != other and self.succ_probs[k] > best:
                best = self.succ_probs[k]
        return best

    def first_step(self, owner: int, target: int, into: float, floor: float) -> float:
        """The best first step of a route from ``owner`` to ``target`` other than the
        edge between them that may score ``floor`` or more, bounded by its first two
        steps (0.0: none may): it leaves by an edge ``owner -> x`` (in edge order),
        then either ends (``x -> target``) or steps from x to another node (at most
        :meth:`step_out`) and ends, later, by a step into the target of at most ``into``."""
        first = 0.0
        for k in range(self.succ_ptr[owner], self.succ_ptr[owner + 1]):
            x = self.succ_nodes[k]
            p = self.succ_probs[k]
            if x == target or p <= first or p < floor:
                continue
            end = self.edge(x, target)
            if end < 0.0:
                end = 0.0
            detour = self.step_out(x, target) * into
            if p * (end if end >= detour else detour) >= floor:
                first = p
        return first


    def detour_bound(self, owner: int, target: int, rel: float, noise: float) -> tuple:
        """What a route from ``owner`` to ``target`` other than the edge between them
        must score to beat it by more than ``rel`` (its score ``direct`` made larger
        by the rounding ``noise`` of a product taken in another order): ``(floor,
        least)``, where ``least`` is the score the detour's second node must have
        (:meth:`first_step`); ``(-1.0, -1.0)`` when there is no such edge, ``(0.0,
        0.0)`` when no detour can beat it: one leaves the owner by another step (at
        most :meth:`step_out`) and ends by a step into the target from a contact (at
        most :meth:`step_in`), and scores at most the product of its first two steps."""
        direct = self.edge(owner, target)
        if direct < 0.0:
            return (-1.0, -1.0)
        into = self.step_in(target)
        if self.step_out(owner, target) * into <= direct:
            return (0.0, 0.0)
        floor = direct / ((1 - rel) * (1 + noise))
        first = self.first_step(owner, target, into, floor)
        if first == 0.0:
            return (0.0, 0.0)
        return (floor, floor / first * (1 - noise))


def by_node(n: int, key, other, probs) -> tuple:
    """The edges ``key[i] -> other[i]`` of probability ``probs[i]`` (numpy arrays)
    over nodes ``0..n-1``, grouped by ``key`` (stably): (row starts, other ends,
    probabilities), as buffers read element by element as Python numbers, compiled
    or not (memoryviews of C ints and doubles)."""
    order = stable_order(key, n)
    ptr = np.zeros(n + 1, dtype=np.intc)
    np.cumsum(np.bincount(key, minlength=n), out=ptr[1:])
    nodes, probs = other[order].astype(np.intc, copy=False), probs[order].astype(np.float64, copy=False)
    return memoryview(ptr), memoryview(nodes), memoryview(probs)


def stable_order(key, n: int):
    """The stable order of ``key`` (a numpy array of numbers ``0..n-1``): below
    65,536 a radix sort of 16-bit keys."""
    return np.argsort(key.astype(np.uint16 if n < 1 << 16 else np.int64), kind="stable")


def staff_marks(staff) -> memoryview:
    """The staff marks of :class:`FlatGraph` (1: a staff node) from a numpy array."""
    return memoryview(np.ascontiguousarray(staff, dtype=np.int8))


def compiled() -> bool:
    """Whether this module runs compiled (an extension module, not this source)."""
    return not __file__.endswith(".py")


class State:
    """The arrays of one resumable backward search over a graph of ``n`` nodes, from
    the targets it is :meth:`start`-ed from; :meth:`clear` makes it ready for another
    search at a cost of the nodes it touched, not of ``n``."""

    def __init__(self, n: int):
        self.n = n
        self.value = array("d", bytes(8 * n))
        self.place = array("i", [-1]) * n
        # The heap and the nodes scored so far (to clear), grown as needed.
        self.hkey = array("d", bytes(8 * 16))
        self.hnode = array("i", bytes(4 * 16))
        self.touched = array("i", bytes(4 * 16))
        self.ntouched = 0
        self.size = 0
        self.popped = 0

    def start(self, targets) -> None:
        """Begin the search from ``targets`` (contacts, each of score 1.0)."""
        for t in targets:
            if self.value[t] < 1.0:
                self._touch(t)
                self.value[t] = 1.0
                self._raise(t, 1.0)

    def clear(self) -> None:
        """Forget the search, ready for :meth:`start`."""
        value, place, touched = self.value, self.place, self.touched
        for i in range(self.ntouched):
            x = touched[i]
            value[x] = 0.0
            place[x] = -1
        self.ntouched = 0
        self.size = 0
        self.popped = 0

    def floor(self) -> float:
        """The score of the next contact to settle (0.0 when none is left)."""
        return self.hkey[0] if self.size > 0 else 0.0

    def score(self, x: int, staff: bool) -> float:
        """The best score of node ``x`` found so far (-1.0: none): final for a
        contact once settled, for a staff node once at least :meth:`floor`."""
        if staff:
            s = self.value[x]
            return s if s > 0.0 else -1.0
        return self.value[x] if self.place[x] == -2 else -1.0

    def settled(self) -> dict:
        """The settled contacts and their scores."""
        out = {}
        for i in range(self.ntouched):
            x = self.touched[i]
            if self.place[x] == -2:
                out[x] = self.value[x]
        return out

    def found(self, g: FlatGraph, starts, floor: float, nodes) -> float:
        """The best score so far of the nodes of ``starts`` scored at ``floor`` or
        more (-1.0: none), each of those put on the list ``nodes`` (None: not
        listed), walking the shorter of ``starts`` and the nodes scored so far. A
        set of starts is walked by its entries, not an iterator (compiled: a
        best-placed question over an account's eligible staff walks them two or
        three times, which was most of its time); other starts are made a set first."""
        best = -1.0
        staff = g.staff
        each: set = starts if type(starts) is set else set(starts)
        if len(each) <= self.ntouched:
            for s in each:
                v = self.score(s, staff[s] != 0)
                if v >= floor:
                    if v > best:
                        best = v
                    if nodes is not None:
                        nodes.append(s)
        else:
            touched = self.touched
            for i in range(self.ntouched):
                x = touched[i]
                v = self.score(x, staff[x] != 0)
                if v >= floor and x in each:
                    if v > best:
                        best = v
                    if nodes is not None:
                        nodes.append(x)
        return best

    def best_score(self, g: FlatGraph, starts, last: bool, rel: float, banned_nodes, banned_edges) -> float:
        """The best score of any of ``starts`` (-1.0: none reaches a target), with
        every contact scoring at least ``best * (1 - rel)`` settled: settled until the
        best of ``starts`` is final, then down to that floor. ``last``: no question
        follows, so scores under the floor are not kept."""
        best = self.found(g, starts, 0.0, None)
        cut = 0.0
        if last and best * (1 - rel) > 0.0:
            cut = best * (1 - rel)
        best = self.settle(g, 0.0, starts, best, cut, last, rel, banned_nodes, banned_edges, -1)
        if best < 0.0:
            return -1.0
        floor = best * (1 - rel)
        self.settle(g, floor, None, -1.0, floor if last else 0.0, last, rel, banned_nodes, banned_edges, -1)
        return best

    def best_start(self, g: FlatGraph, starts, last: bool, rel: float, banned_nodes, banned_edges,
                   ids: list) -> int:
        """The node of ``starts`` of the best score (:meth:`best_score`; ties up to
        ``rel``: the lowest id, ``ids``), -1 when none reaches a target."""
        best = self.best_score(g, starts, last, rel, banned_nodes, banned_edges)
        if best < 0.0:
            return -1
        first = -1
        tied = []
        self.found(g, starts, best * (1 - rel), tied)
        for s in tied:
            if first < 0 or ids[s] < ids[first]:
                first = s
        return first

    def settle(
        self,
        g: FlatGraph,
        floor: float,
        starts,
        best: float,
        cut: float,
        last: bool,
        rel: float,
        banned_nodes,
        banned_edges,
        pops: int,
    ) -> float:
        """Settle contacts while the next one scores at least ``floor`` (and, with
        ``starts`` not None, while it scores more than ``best``, the best of
        ``starts`` found so far, which it raises as it goes; also at most ``pops``
        contacts when ``pops`` >= 0). Scores under ``cut`` are not kept (the caller
        will never settle them); with ``last``, nor those under what the best found
        can tie (``best * (1 - rel)``). Returns the best of ``starts``."""
        ptr, nodes, probs, staff = g.pred_ptr, g.pred_nodes, g.pred_probs, g.staff
        value = self.value
        asked = starts is not None
        banned = bool(banned_nodes) or bool(banned_edges)
        while self.size > 0 and pops != 0:
            score = self.hkey[0]
            if score < floor or (asked and best >= score):
                break
            v = self._pop()
            pops -= 1
            self.popped += 1
            if asked and score > best and v in starts:  # a contact (a spur of k_best_paths)
                best = score
                if last and best * (1 - rel) > cut:
                    cut = best * (1 - rel)
            for k in range(ptr[v], ptr[v + 1]):
                u = nodes[k]
                s = score * probs[k]
                # A settled contact's score is at least this one (scores never grow
                # along a path): only staff and contacts still to settle change.
                if s <= value[u] or s < cut or (banned and (u in banned_nodes or (u, v) in banned_edges)):
                    continue
                if value[u] == 0.0:
                    self._touch(u)
                value[u] = s
                if staff[u]:
                    if asked and s > best and u in starts:
                        best = s
                        if last and best * (1 - rel) > cut:
                            cut = best * (1 - rel)
                else:
                    self._raise(u, s)
        return best

    def best_path(self, g: FlatGraph, starts, target: int, best: float, rel: float, banned_nodes, banned_edges,
                  ids: list):
        """The best path (node list) from one of ``starts`` to ``target`` (this
        search's one target) once every node scoring ``best * (1 - rel)`` or more is
        settled, ``best`` being the best score of ``starts``: among the paths that
        score ``best`` up to ``rel``, the one of fewest steps, then the smallest by
        the ids (``ids``) of its nodes. None when no tight path is left (banned)."""
        floor = best * (1 - rel)
        need = 1 - rel
        staff = g.staff
        ptr, nodes, probs = g.succ_ptr, g.succ_nodes, g.succ_probs
        at = self.score(target, False)
        tied = []
        self.found(g, starts, floor, tied)
        # A step of a best path keeps the score: p * score(next) == score(here), among
        # the nodes as good as the best start (those the search needs).
        direct = -1
        for x in tied:
            sx = self.score(x, staff[x] != 0)
            if x in banned_nodes or (x, target) in banned_edges or at < floor:
                continue
            for k in range(ptr[x], ptr[x + 1]):
                if nodes[k] == target and probs[k] * at >= sx * need:
                    if direct < 0 or ids[x] < ids[direct]:
                        direct = x
        if direct >= 0:  # one step: no path is shorter
            return [direct, target]
        # The tight edges out of the nodes fewer steps from a tied start than the
        # target is (breadth first, forwards): every best path of fewest steps runs
        # along them, and they are few next to all the nodes that score as well.
        # They are kept in g.tight by local number (the target 0, then the tied
        # starts, then the nodes in the order reached), each node's out-edges in a row.
        w = g.tight
        w.reset()
        w.local(target)
        for x in tied:
            w.queue(w.local(x))
        lo, hi = 0, w.nq
        while lo < hi and not w.into_target:
            for qi in range(lo, hi):
                lx = w.q[qi]
                x = w.node[lx]
                w.first[lx] = w.ne
                sx = self.score(x, staff[x] != 0)
                if sx >= floor and x not in banned_nodes:
                    least = sx * need
                    for k in range(ptr[x], ptr[x + 1]):
                        y = nodes[k]
                        sy = self.score(y, False)
                        if sy >= floor and probs[k] * sy >= least and not (banned_edges and (x, y) in banned_edges):
                            if w.loc[y] < 0:
                                w.queue(w.local(y))
                            w.edge(lx, w.loc[y])
                w.end[lx] = w.ne
            lo, hi = hi, w.nq
        # Steps to the target along those edges (breadth first, backwards): a best
        # path of fewest steps, which is simple. Any tight path from a start scores
        # the best, and the first level that reaches one holds the start of fewest steps.
        w.by_head()
        w.steps[0] = 0
        w.nq = 0
        w.queue(0)
        lo, hi = 0, 1
        reached = False
        while lo < hi and not reached:
            for qi in range(lo, hi):
                ly = w.q[qi]
                for k in range(w.bptr[ly], w.bptr[ly + 1]):
                    lx = w.bsrc[k]
                    if w.steps[lx] < 0:
                        w.steps[lx] = w.steps[ly] + 1
                        w.queue(lx)
                        if not reached and w.node[lx] in starts:
                            reached = True
            lo, hi = hi, w.nq
        first = -1
        for x in tied:
            lx = w.loc[x]
            if w.steps[lx] >= 0 and (first < 0 or w.steps[lx] < w.steps[w.loc[first]]
                                     or (w.steps[lx] == w.steps[w.loc[first]] and ids[x] < ids[first])):
                first = x
        if first < 0:
            w.reset()
            return None
        path = [first]
        lx = w.loc[first]
        while lx != 0:
            nxt = -1
            for k in range(w.first[lx], w.end[lx]):
                ly = w.dst[k]
                if w.steps[ly] == w.steps[lx] - 1 and (nxt < 0 or ids[w.node[ly]] < ids[w.node[nxt]]):
                    nxt = ly
            path.append(w.node[nxt])
            lx = nxt
        w.reset()
        return path

    # --- the heap: highest score first, then lowest node -----------------------

    def _touch(self, x: int) -> None:
        """Note node ``x`` as scored (for :meth:`clear`)."""
        if self.ntouched == len(self.touched):
            self.touched = _grown("i", self.touched, self.ntouched)
        self.touched[self.ntouched] = x
        self.ntouched += 1

    def _raise(self, u: int, s: float) -> None:
        """Put contact ``u`` on the heap with score ``s``, or raise its score there."""
        i = self.place[u]
        if i < 0:
            i = self.size
            if i == len(self.hkey):
                self.hkey = _grown("d", self.hkey, i)
                self.hnode = _grown("i", self.hnode, i)
            self.size += 1
        while i > 0:
            parent = (i - 1) >> 1
            ks, kn = self.hkey[parent], self.hnode[parent]
            if ks > s or (ks == s and kn < u):
                break
            self.hkey[i], self.hnode[i] = ks, kn
            self.place[kn] = i
            i = parent
        self.hkey[i], self.hnode[i] = s, u
        self.place[u] = i

    def _pop(self) -> int:
        """Take the first contact off the heap: it is settled."""
        top = self.hnode[0]
        self.place[top] = -2
        self.size -= 1
        size = self.size
        if size == 0:
            return top
        s, u = self.hkey[size], self.hnode[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            r = c + 1
            if r < size and (self.hkey[r] > self.hkey[c] or (self.hkey[r] == self.hkey[c]
                                                           and self.hnode[r] < self.hnode[c])):
                c = r
            ks, kn = self.hkey[c], self.hnode[c]
            if s > ks or (s == ks and u < kn):
                break
            self.hkey[i], self.hnode[i] = ks, kn
            self.place[kn] = i
            i = c
        self.hkey[i], self.hnode[i] = s, u
        self.place[u] = i
        return top


class Tight:
    """The arrays of a best path walk (:meth:`State.best_path`) over a graph of
    ``n`` nodes: the nodes it reached, numbered in order (``loc``: each node's
    number, -1 none; ``node``: the node of each), the tight edges between them
    (``src``, ``dst``; the out-edges of number ``i`` are ``first[i]:end[i]``, the
    in-edges, once :meth:`by_head`, ``bsrc[bptr[i]:bptr[i + 1]]``), each number's
    ``steps`` to the target (number 0; -1: none known) and a queue ``q``;
    :meth:`reset` forgets them at a cost of the nodes reached."""

    def __init__(self, n: int):
        self.loc = array("i", [-1]) * n
        self.node, self.first, self.end, self.steps, self.q, self.src, self.dst, self.bsrc = [
            array("i", bytes(4 * 16)) for _ in range(8)
        ]
        self.bptr = array("i", bytes(4 * 17))
        self.nn = 0
        self.ne = 0
        self.nq = 0
        self.into_target = False

    def reset(self) -> None:
        """Forget the nodes reached and the edges."""
        for i in range(self.nn):
            self.loc[self.node[i]] = -1
        self.nn = 0
        self.ne = 0
        self.nq = 0
        self.into_target = False

    def local(self, x: int) -> int:
        """The number of node ``x``, given it the first time (no edges, no steps)."""
        i = self.loc[x]
        if i >= 0:
            return i
        i = self.nn
        if i == len(self.node):
            self.node = _grown("i", self.node, i)
            self.first = _grown("i", self.first, i)
            self.end = _grown("i", self.end, i)
            self.steps = _grown("i", self.steps, i)
            self.q = _grown("i", self.q, i)
        self.node[i] = x
        self.first[i] = 0
        self.end[i] = 0
        self.steps[i] = -1
        self.loc[x] = i
        self.nn = i + 1
        return i

    def queue(self, i: int) -> None:
        """Put number ``i`` at the end of the queue (each number goes once a walk)."""
        self.q[self.nq] = i
        self.nq += 1

    def edge(self, i: int, j: int) -> None:
        """Add the tight edge from number ``i`` to number ``j``."""
        if self.ne == len(self.src):
            self.src = _grown("i", self.src, self.ne)
            self.dst = _grown("i", self.dst, self.ne)
        self.src[self.ne] = i
        self.dst[self.ne] = j
        self.ne += 1
        if j == 0:
            self.into_target = True

    def by_head(self) -> None:
        """The in-edges of each number, in the order the edges were added."""
        nn, ne = self.nn, self.ne
        if nn + 1 > len(self.bptr):
            self.bptr = array("i", bytes(4 * (2 * nn + 1)))
        if ne > len(self.bsrc):
            self.bsrc = array("i", bytes(4 * 2 * ne))
        for i in range(nn + 1):
            self.bptr[i] = 0
        for k in range(ne):
            self.bptr[self.dst[k] + 1] += 1
        for i in range(nn):
            self.bptr[i + 1] += self.bptr[i]
        # Each row filled from its start, in edge order; the starts have then moved to
        # the next row's, and are moved back.
        for k in range(ne):
            j = self.dst[k]
            self.bsrc[self.bptr[j]] = self.src[k]
            self.bptr[j] += 1
        for i in range(nn, 0, -1):
            self.bptr[i] = self.bptr[i - 1]
        self.bptr[0] = 0


def _grown(code: str, old, n: int) -> array:
    """A copy of the first ``n`` values of ``old`` (an array of type ``code``, or,
    compiled, a typed view of one), with room for as many again (zeros)."""
    new = array(code, memoryview(old)[:n].tobytes())
    new.frombytes(bytes(new.itemsize * n))
    return new
