"""The inner loops of redundancy: the dominator tree of an access graph and the
node-disjoint routes to a contact, on arrays.

An access graph is read here in its compressed form (:class:`relgraph.analysis.settle.FlatGraph`,
``Access.flat``: each node's in- and out-edges in edge order, the staff marked).
:func:`dominators` numbers the dominator tree from the set of staff
(:class:`relgraph.analysis.access.Dominators` gives its meaning); a :class:`Routes`
counts the node-disjoint routes from the staff to one contact after another of the
same graph (:func:`relgraph.analysis.threads.node_disjoint_routes` gives the rule).

This module is plain Python and gives the same answers run as such; ``flow.pxd``
declares its types, and the package's build compiles it with Cython when it can (the
arrays are then read as C arrays). Its compiled build reads the arrays of a compiled
``FlatGraph`` (``settle.pxd``): the two modules are built together.
"""

from __future__ import annotations

from array import array


def compiled() -> bool:
    """Whether this module runs compiled (an extension module, not this source)."""
    return not __file__.endswith(".py")


def _ints(n: int, fill: int = 0) -> array:
    """``n`` C ints, each ``fill``."""
    return array("i", [fill]) * n


def dominators(g) -> tuple:
    """The dominator tree of the graph ``g`` (a ``FlatGraph``) from a virtual root
    ``n`` joined to every staff node, as three int arrays over ``0..n``: (immediate
    dominator, -1 when unreachable; preorder number, -1 when unreachable; subtree size).

    Cooper, Harvey and Kennedy's iterative algorithm on a reverse postorder. A
    contact that two staff members reach directly (*direct*) has two independent
    routes: its immediate dominator is the root, and the dominators of every other
    node are those of the graph in which it hangs from the root alone (a route
    through it can start there). So the iteration runs only over the other contacts,
    and the direct contacts with no edge to another contact are leaves of the tree,
    numbered at once, at the end of the root's range.
    """
    n = g.n
    idom, pre, size = _ints(n + 1, -1), _ints(n + 1, -1), _ints(n + 1)
    _number(g, idom, pre, size)
    return idom, pre, size


def _number(g, idom, pre, size) -> None:
    """Fill :func:`dominators`' arrays ``idom`` and ``pre`` (each -1 throughout) and
    ``size`` (0 throughout) for the graph ``g``."""
    n = g.n
    root = n
    pred_ptr, pred_nodes, succ_ptr, succ_nodes, staff = g.pred_ptr, g.pred_nodes, g.succ_ptr, g.succ_nodes, g.staff
    direct = _ints(n)
    for v in range(n):
        if not staff[v]:
            c = 0
            for k in range(pred_ptr[v], pred_ptr[v + 1]):
                if staff[pred_nodes[k]]:
                    c += 1
            if c >= 2:
                direct[v] = 1
    # The root's children: the staff, then the direct contacts with an edge to a
    # contact that is not direct (the edges into direct contacts are gone), by node.
    tops = _ints(n)
    ntops = 0
    for u in range(n):
        if staff[u]:
            tops[ntops] = u
            ntops += 1
    inner = _ints(n)
    for u in range(n):
        if direct[u]:
            for k in range(succ_ptr[u], succ_ptr[u + 1]):
                if not direct[succ_nodes[k]]:
                    inner[u] = 1
                    tops[ntops] = u
                    ntops += 1
                    break
    # Postorder of a depth-first search from the root (its children in that order,
    # each node's out-edges in edge order, skipping those into direct contacts).
    post = _ints(n + 1, -1)
    visit = _ints(n + 1)
    nvisit = 0
    seen = _ints(n)
    at = _ints(n)  # the next edge to follow out of each node
    stack = _ints(n + 1)
    for t in range(ntops):
        u = tops[t]
        if seen[u]:
            continue
        seen[u] = 1
        at[u] = succ_ptr[u]
        stack[0] = u
        depth = 1
        while depth > 0:
            u = stack[depth - 1]
            i = at[u]
            end = succ_ptr[u + 1]
            while i < end and (seen[succ_nodes[i]] or direct[succ_nodes[i]]):
                i += 1
            if i < end:
                v = succ_nodes[i]
                at[u] = i + 1
                seen[v] = 1
                at[v] = succ_ptr[v]
                stack[depth] = v
                depth += 1
            else:
                at[u] = end
                depth -= 1
                post[u] = nvisit
                visit[nvisit] = u
                nvisit += 1
    post[root] = nvisit
    idom[root] = root
    for t in range(ntops):
        idom[tops[t]] = root  # the staff, and the contacts two of them reach, hang from the root alone
    for u in range(n):
        if direct[u] and not inner[u]:
            idom[u] = root
    # The other reached nodes, in reverse postorder.
    rest = _ints(nvisit)
    nrest = 0
    for i in range(nvisit - 1, -1, -1):
        u = visit[i]
        if idom[u] == -1:
            rest[nrest] = u
            nrest += 1
    changed = True
    while changed:
        changed = False
        for r in range(nrest):
            u = rest[r]
            new = -1
            for k in range(pred_ptr[u], pred_ptr[u + 1]):
                p = pred_nodes[k]
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a = p
                b = new
                while a != b:
                    while post[a] < post[b]:
                        a = idom[a]
                    while post[b] < post[a]:
                        b = idom[b]
                new = a
                if new == root:
                    break  # nothing above the root
            if idom[u] != new:
                idom[u] = new
                changed = True
    # Preorder of the tree: each node's children in reverse postorder, pushed so, and
    # taken off the stack last first; then the leaves, which end the root's range.
    first = _ints(n + 2)  # children of d: kids[first[d]:first[d + 1]]
    for i in range(nvisit):
        first[idom[visit[i]] + 1] += 1
    for d in range(n + 1):
        first[d + 1] += first[d]
    fill = _ints(n + 1)
    kids = _ints(nvisit)
    for i in range(nvisit - 1, -1, -1):
        u = visit[i]
        d = idom[u]
        kids[first[d] + fill[d]] = u
        fill[d] += 1
    counter = 0
    todo = _ints(2 * n + 2)  # u to number u, ~u to close u's range
    todo[0] = root
    depth = 1
    while depth > 0:
        depth -= 1
        u = todo[depth]
        if u < 0:
            u = ~u
            size[u] = counter - pre[u]
            continue
        pre[u] = counter
        counter += 1
        todo[depth] = ~u
        depth += 1
        for i in range(first[u], first[u + 1]):
            todo[depth] = kids[i]
            depth += 1
    for u in range(n):
        if direct[u] and not inner[u]:
            pre[u] = counter
            size[u] = 1
            counter += 1
    size[root] = counter


class Routes:
    """The node-disjoint routes from the staff of a graph ``g`` (a ``FlatGraph``) to
    its contacts, one :meth:`count` after another, given its dominator tree
    (:func:`dominators`: ``idom``, ``pre`` and ``size``).

    The marks of a count (the nodes carrying a route, the next node on each route,
    the states a search reached) are numbered by count and by search, so that a new
    count costs the nodes it touches, not the graph's size.
    """

    def __init__(self, g, idom, pre, size):
        self._take(g, idom, pre, size)

    def _take(self, g, idom, pre, size) -> None:
        """Keep the arrays of ``g`` and of its tree, and make the marks."""
        n = g.n
        self.root = n
        self.pred_ptr, self.pred_nodes, self.staff = g.pred_ptr, g.pred_nodes, g.staff
        self.nstaff = 0
        for u in range(n):
            if self.staff[u]:
                self.nstaff += 1
        self.idom, self.pre, self.size = idom, pre, size
        self.entries = _ints(n)
        self.used = _ints(n)  # == gen: the node carries a route
        self.nxt = _ints(n)  # the next node on the node's route, when nxt_at == gen
        self.nxt_at = _ints(n)
        self.into = _ints(n)  # == gen: the node's route goes on to the target
        self.seen = _ints(2 * n)  # == mark: the search reached the state
        self.parent = _ints(2 * n)
        self.queue = _ints(2 * n)
        self.gen = 0
        self.mark = 0

    def count(self, target: int, cap: int) -> int:
        """The number of node-disjoint routes from the staff to ``target``, at most
        ``cap`` (none when negative): the max-flow of
        :func:`relgraph.analysis.threads.node_disjoint_routes`."""
        idom, pre = self.idom, self.pre
        t_idom = idom[target]
        if t_idom == -1:
            return 0  # unreachable
        if t_idom != self.root or cap == 1:
            return 1  # one person (the immediate dominator) carries every route
        ptr, nodes, staff = self.pred_ptr, self.pred_nodes, self.staff
        used, nxt, nxt_at, into = self.used, self.nxt, self.nxt_at, self.into
        seen, parent, queue, entries = self.seen, self.parent, self.queue, self.entries
        self.gen += 1
        gen = self.gen
        tpre = pre[target]
        tend = tpre + self.size[target]
        # A node is useful when it is on some simple route to the target: reachable
        # (pre >= 0) and not only through the target (outside its dominator subtree).
        nentries = 0
        for k in range(ptr[target], ptr[target + 1]):
            u = nodes[k]
            p = pre[u]
            if p >= 0 and not (tpre <= p < tend):
                entries[nentries] = u
                nentries += 1
        bound = nentries if nentries < self.nstaff else self.nstaff
        if 0 <= cap < bound:
            bound = cap
        flow = 0
        # Routes of one or two steps first (staff -> target, staff -> contact -> target):
        # most routes are found here, the searches below only reroute. (Staff come
        # first among a node's in-neighbours: the relationships are the first edges.)
        for e in range(nentries):
            if flow >= bound:
                break
            u = entries[e]
            if used[u] == gen:
                continue
            if staff[u]:
                used[u] = gen
            else:
                s = self._free_staff(u, gen)
                if s < 0:
                    s = self._free_by_moving(u, target, gen)
                    if s < 0:
                        continue
                used[s] = gen
                used[u] = gen
                nxt[s] = u
                nxt_at[s] = gen
            nxt[u] = target
            nxt_at[u] = gen
            into[u] = gen
            flow += 1
        while flow < bound:
            # States: 2*v (v's entry side), 2*v+1 (v's exit side); parent[state] = the
            # state after it on the residual path towards the target (-1: the target).
            self.mark += 1
            mark = self.mark
            head = 0
            tail = 0
            for e in range(nentries):
                u = entries[e]
                if into[u] != gen:
                    state = 2 * u + 1
                    seen[state] = mark
                    parent[state] = -1
                    queue[tail] = state
                    tail += 1
            found = -1
            while head < tail:
                state = queue[head]
                head += 1
                v = state >> 1
                if state & 1:  # exit side of v: reached from v's entry, or by rerouting v's flow
                    if used[v] != gen:
                        nbr = 2 * v
                    elif nxt_at[v] == gen and nxt[v] != target:
                        nbr = 2 * nxt[v]
                    else:
                        continue
                    if seen[nbr] != mark:
                        seen[nbr] = mark
                        parent[nbr] = state
                        queue[tail] = nbr
                        tail += 1
                    continue
                # entry side of v
                if used[v] == gen:
                    nbr = 2 * v + 1
                    if seen[nbr] != mark:
                        seen[nbr] = mark
                        parent[nbr] = state
                        queue[tail] = nbr
                        tail += 1
                if staff[v]:
                    if used[v] != gen:
                        found = state
                        break
                    continue
                for k in range(ptr[v], ptr[v + 1]):
                    u = nodes[k]
                    if u == target or (nxt_at[u] == gen and nxt[u] == v):
                        continue
                    nbr = 2 * u + 1
                    if seen[nbr] != mark:
                        p = pre[u]
                        if p >= 0 and not (tpre <= p < tend):
                            seen[nbr] = mark
                            parent[nbr] = state
                            queue[tail] = nbr
                            tail += 1
            if found < 0:
                break
            # Apply the residual path from the source side to the target. Each node's
            # exit side is on it once, so a node loses its next node (a cancellation)
            # before it gets its new one, as applying every cancellation first would.
            a = found
            b = parent[a]
            while b != -1:
                va = a >> 1
                vb = b >> 1
                if va == vb:
                    used[va] = gen if (a & 1) == 0 else 0
                elif a & 1:
                    nxt[va] = vb
                    nxt_at[va] = gen
                else:  # entry of va -> exit of vb: cancel vb's flow into va
                    nxt_at[vb] = 0
                a = b
                b = parent[a]
            last = a >> 1
            nxt[last] = target
            nxt_at[last] = gen
            into[last] = gen
            flow += 1
        return flow

    def counts(self, targets, cap: int) -> array:
        """:meth:`count` of each node of ``targets`` (C ints), in that order, as C ints."""
        result = _ints(len(targets))
        out = result
        for k in range(len(targets)):
            out[k] = self.count(targets[k], cap)
        return result

    def _free_staff(self, v: int, gen: int) -> int:
        """The first member of our staff among the in-neighbours of node ``v`` who
        carries no route yet (-1: none). Staff come first among a node's in-neighbours
        (the relationships are the first edges), so the walk stops at the first contact."""
        ptr, nodes, staff, used = self.pred_ptr, self.pred_nodes, self.staff, self.used
        for k in range(ptr[v], ptr[v + 1]):
            s = nodes[k]
            if not staff[s]:
                return -1
            if used[s] != gen:
                return s
        return -1

    def _free_by_moving(self, u: int, target: int, gen: int) -> int:
        """A member of our staff with an edge to ``u`` made free for a two-step route
        staff -> u -> target, by moving the two-step route it carries to another, free
        member of our staff (-1: none can be): one rerouting of the kind the searches
        do, found without them."""
        ptr, nodes, staff = self.pred_ptr, self.pred_nodes, self.staff
        used, nxt, nxt_at = self.used, self.nxt, self.nxt_at
        for k in range(ptr[u], ptr[u + 1]):
            s = nodes[k]
            if not staff[s]:
                return -1
            o = nxt[s]  # every member of our staff in use carries a route on to o
            if o == target:
                continue  # a one-step route: it cannot move
            free = self._free_staff(o, gen)
            if free >= 0:
                used[free] = gen
                nxt[free] = o
                nxt_at[free] = gen
                used[s] = 0
                return s
        return -1
