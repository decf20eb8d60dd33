"""What-if and diff: the account figures under two states of the world.

- :func:`whatif`: the account figures before and after some staff leave, the
  contacts that become unthreaded (threads >= 1 before, 0 after) and, for each, the
  *heir*: the remaining active staff member at the start of the best influence path
  to them (:mod:`relgraph.analysis.paths`), or None.
- :func:`diff`: the account figures at an earlier date and at as-of, and the threads
  gained and lost between them. A (staff, contact) pair is a thread at a date when
  the relationship is strong at that date; gained = a thread at as-of and not at the
  earlier date, lost = the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from ..errors import UsageError
from ..graph import STAFF, node_key
from .access import build_access
from .coverage import frame_coverage
from .frame import Frame, PairStrengths, frame_from_graph, pair_strengths, select_accounts
from .paths import best_start
from .strength import strengths_at
from .structure import graph_index

__all__ = ["whatif", "diff"]


def _figures(F: Frame, picked: list[int], ps: PairStrengths) -> list[dict[str, Any]]:
    """The account figures (and the counts ``contacts`` and ``key_contacts``) of the
    accounts ``picked`` of ``F`` (see :func:`relgraph.analysis.coverage.frame_coverage`)."""
    return [
        {k: v for k, v in row.items() if k not in ("id", "name", "grade")}
        for row in frame_coverage(F, ps, accounts=picked, cells=False)
    ]


def whatif(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    without: Iterable[str],
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The effect of staff ``without`` (ids) leaving.

    Staff ids not in ``G`` are ignored (a portfolio layer checks them against the
    whole data set).

    Returns
    -------
    dict
        ``{"accounts": [{"id", "before", "after"}], "lost": [{"contact", "heir"}]}``:
        every account (sorted by id) with its figures
        (:func:`relgraph.analysis.coverage.frame_coverage`) before and after; the
        contacts that become unthreaded, sorted by id, with ``account``, ``name``
        and ``heir_name`` added.
    """
    leaving = [node_key(STAFF, s) for s in without]
    index = graph_index(G)
    nodes = G._node
    out_accounts = []
    lost = []
    selected = index.selected(None if accounts is None else list(accounts))
    F = frame_from_graph(G)
    picked = select_accounts(F, [acc.id for acc in selected])
    staff_at = {s: i for i, s in enumerate(F.staff_ids)}
    gone = [staff_at[s] for s in dict.fromkeys(without) if s in staff_at]
    figures_before = _figures(F, picked, pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong))
    figures_after = _figures(
        F, picked, pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong, without=gone)
    )
    contacts = [c for a in selected for c in a.contacts]
    before = strengths_at(G, as_of=as_of, half_life=half_life, strong=strong, contacts=contacts)
    after = strengths_at(G, as_of=as_of, half_life=half_life, strong=strong, contacts=contacts, without=leaving)
    for acc, fb, fa in zip(selected, figures_before, figures_after):
        out_accounts.append({"id": acc.id, "before": fb, "after": fa})
        A = None
        for c in acc.contacts:
            if before.threads.get(c) and not after.threads.get(c):
                if A is None:
                    A = build_access(G, acc, after)
                s = best_start(A, [A.index[c]])
                lost.append(
                    {
                        "contact": nodes[c]["id"],
                        "heir": None if s is None else A.ids[s],
                        "account": acc.id,
                        "name": nodes[c].get("name"),
                        "heir_name": None if s is None else nodes[A.keys[s]].get("name"),
                    }
                )
    lost.sort(key=lambda r: r["contact"])
    return {"accounts": out_accounts, "lost": lost}


def diff(
    G: nx.MultiDiGraph,
    *,
    since: dt.date,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What changed between ``since`` and ``as_of``.

    Returns
    -------
    dict
        ``{"accounts": [{"id", "before", "after"}], "gained": [{"staff", "contact"}],
        "lost": [{"staff", "contact"}]}``: figures at ``since`` (before) and ``as_of``
        (after) per account, sorted by id; thread changes sorted by staff id then
        contact id, with ``account`` added.

    Raises
    ------
    UsageError
        ``since`` is after ``as_of``.
    """
    if since > as_of:
        raise UsageError(f"--since {since.isoformat()} is after --as-of {as_of.isoformat()}")
    index = graph_index(G)
    nodes = G._node
    out_accounts = []
    gained = []
    lost = []
    selected = index.selected(None if accounts is None else list(accounts))
    F = frame_from_graph(G)
    picked = select_accounts(F, [acc.id for acc in selected])
    figures_before = _figures(F, picked, pair_strengths(F.strengths, as_of=since, half_life=half_life, strong=strong))
    figures_after = _figures(F, picked, pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong))
    contacts = [c for a in selected for c in a.contacts]
    before = strengths_at(G, as_of=since, half_life=half_life, strong=strong, contacts=contacts)
    after = strengths_at(G, as_of=as_of, half_life=half_life, strong=strong, contacts=contacts)
    for acc, fb, fa in zip(selected, figures_before, figures_after):
        out_accounts.append({"id": acc.id, "before": fb, "after": fa})
        for c in acc.contacts:
            old = set(before.threads.get(c, ()))
            new = set(after.threads.get(c, ()))
            cid = nodes[c]["id"]
            for s in new - old:
                gained.append({"staff": nodes[s]["id"], "contact": cid, "account": acc.id})
            for s in old - new:
                lost.append({"staff": nodes[s]["id"], "contact": cid, "account": acc.id})
    gained.sort(key=lambda r: (r["staff"], r["contact"]))
    lost.sort(key=lambda r: (r["staff"], r["contact"]))
    return {"accounts": out_accounts, "gained": gained, "lost": lost}
