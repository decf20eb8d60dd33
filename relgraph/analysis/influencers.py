"""Key influencers: who holds the power in an account.

The *key influencers* of an account are its contacts ranked by PageRank (damping
0.85, edges weighted by ``weight``) over the account's contact-to-contact edges
pointing at whoever holds the power: from the influenced person to the one who
influences them (an ``influences`` link reversed) and from a subordinate to their
manager (a ``reports_to`` link as it is), counting links in force at as-of; where two
join the same pair in the same direction, the stronger counts. Every contact of the
account is a node; a contact with no outgoing edge spreads its rank evenly (as
:func:`networkx.pagerank` does).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from ..graph import INFLUENCES
from .strength import exists_at, strengths_at
from .structure import AccountIndex, graph_index

__all__ = ["key_influencers", "links_in_force", "pagerank", "power_edges"]


def links_in_force(acc: AccountIndex, *, as_of: dt.date) -> dict[tuple[str, str, str], float]:
    """The weight of each link of ``acc`` in force at ``as_of``, keyed by (source key,
    target key, type): where two join the same pair with the same type, the stronger
    counts (the lines of the account map)."""
    links: dict[tuple[str, str, str], float] = {}
    for link in acc.links:
        if exists_at(link.since, link.until, as_of):
            k = (link.source, link.target, link.type)
            links[k] = max(links.get(k, 0.0), link.weight)
    return links


def power_edges(acc: AccountIndex, *, as_of: dt.date) -> dict[tuple[str, str], float]:
    """The weighted edges (contact key pairs) PageRank runs on (module docstring)."""
    edges: dict[tuple[str, str], float] = {}
    for link in acc.links:
        if not exists_at(link.since, link.until, as_of):
            continue
        pair = (link.target, link.source) if link.type == INFLUENCES else (link.source, link.target)
        if link.weight > edges.get(pair, 0.0):
            edges[pair] = link.weight
    return edges


def pagerank(
    nodes: list[str],
    edges: dict[tuple[str, str], float],
    *,
    alpha: float = 0.85,
    tol: float = 1e-13,
    max_iter: int = 100_000,
) -> dict[str, float]:
    """PageRank of ``nodes`` over weighted ``edges`` by power iteration, with the
    semantics of :func:`networkx.pagerank` (uniform start and teleport, dangling
    nodes spread uniformly) iterated until the L1 change is below ``tol``, so the
    result is the fixpoint up to float rounding. Pure Python: no scipy needed.

    >>> r = pagerank(["a", "b"], {("a", "b"): 1.0})
    >>> round(r["b"], 6), round(r["a"] + r["b"], 12)
    (0.649123, 1.0)
    """
    n = len(nodes)
    if n == 0:
        return {}
    index = {k: i for i, k in enumerate(nodes)}
    out_weight = [0.0] * n
    for (u, _), w in edges.items():
        out_weight[index[u]] += w
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (u, v), w in sorted(edges.items(), key=lambda e: (index[e[0][0]], index[e[0][1]])):
        i = index[u]
        out[i].append((index[v], w / out_weight[i]))
    dangling = [i for i in range(n) if out_weight[i] == 0]
    x = [1.0 / n] * n
    teleport = (1.0 - alpha) / n
    for _ in range(max_iter):
        last = x
        x = [0.0] * n
        spread = alpha * sum(last[i] for i in dangling) / n
        for i in range(n):
            xi = alpha * last[i]
            for j, w in out[i]:
                x[j] += xi * w
        base = spread + teleport
        x = [v + base for v in x]
        if sum(abs(a - b) for a, b in zip(x, last)) < tol:
            break
    return {k: x[i] for k, i in index.items()}


def key_influencers(
    G: nx.MultiDiGraph,
    account: str,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The contacts of ``account`` by PageRank, highest first (ties by id), each
    with our best current relationship.

    Returns
    -------
    list of dict
        ``{"id", "name", "rank", "best_strength", "threads"}`` (``rank``: the
        PageRank score; ``best_strength``: the best effective strength of a
        relationship in force, None when there is none; ``threads``: how many)
        plus ``role``, ``influence`` and ``level``; at most ``limit`` rows.

    Raises
    ------
    NotFound
        ``account`` is not an account of ``G``.
    """
    index = graph_index(G)
    acc = index.account(account)
    st = strengths_at(G, as_of=as_of, half_life=half_life, strong=strong, contacts=acc.contacts)
    ranks = pagerank(acc.contacts, power_edges(acc, as_of=as_of))
    nodes = G._node
    rows = [
        {
            "id": nodes[c]["id"],
            "name": nodes[c].get("name"),
            "rank": ranks[c],
            "best_strength": st.best(c),
            "threads": len(st.threads.get(c, ())),
            "role": nodes[c].get("role"),
            "influence": nodes[c].get("influence"),
            "level": nodes[c].get("level"),
        }
        for c in acc.contacts
    ]
    rows.sort(key=lambda r: (-round(r["rank"], 10), r["id"]))
    return rows if limit is None else rows[:limit]
