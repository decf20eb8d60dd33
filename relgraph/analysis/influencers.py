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
from collections.abc import Hashable
from typing import Any

import networkx as nx

from .access import FrameAccounts
from .frame import select_accounts
from .rules import strongest

__all__ = ["frame_influencers", "key_influencers", "pagerank", "power_edges"]


def power_edges(parts: FrameAccounts, account: int) -> dict[tuple[int, int], float]:
    """The weighted edges PageRank runs on (module docstring) of account ``account``
    (an index into ``parts.F``), as pairs of contact indexes: the links in force at
    the strengths' as-of date, the stronger of two in the same direction counting."""
    pairs = ((v, u, w, 0) if influences else (u, v, w, 0) for u, v, influences, w in parts.links(account))
    return {pair: w for pair, (w, _) in strongest(pairs).items()}


def pagerank(
    nodes: list[Hashable],
    edges: dict[tuple[Hashable, Hashable], float],
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
    grace: float = 90.0,
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
    parts = FrameAccounts.of_graph(G, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    return frame_influencers(parts, select_accounts(parts.F, [account])[0], limit=limit)


def frame_influencers(parts: FrameAccounts, a: int, *, limit: int | None = None) -> list[dict[str, Any]]:
    """:func:`key_influencers` of account ``a`` (an index) of a frame cut by account."""
    F, ps = parts.F, parts.ps
    mine = parts.contacts(a)
    ranks = pagerank(mine, power_edges(parts, a))
    strong_pair, value = ps.strong.tolist(), parts.pair_value
    influence = F.contact_influence.tolist()
    rows = []
    for c in mine:
        pairs = parts.pairs(c)
        rows.append(
            {
                "id": F.contact_ids[c],
                "name": F.contact_names[c],
                "rank": ranks[c],
                "best_strength": max((value[p] for p in pairs), default=None),
                "threads": sum(1 for p in pairs if strong_pair[p]),
                "role": F.contact_roles[c],
                "influence": influence[c],
                "level": F.contact_levels[c],
            }
        )
    rows.sort(key=lambda r: (-round(r["rank"], 10), r["id"]))
    return rows if limit is None else rows[:limit]
