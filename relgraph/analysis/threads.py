"""Threads, redundancy, rank gaps and rotation risk: how fragile our access is.

- The *threads* of a contact are the distinct active staff with a strong relationship
  to them (:mod:`relgraph.analysis.strength`); ``threads == 1`` is single-threaded.
- The *redundancy* of a contact is the number of node-disjoint paths from the set of
  active staff to the contact in the access graph (:mod:`relgraph.analysis.access`):
  how many people, staff or contacts, must drop out before every route to them is
  lost. Staff are people too, so two threads already give redundancy 2; a contact
  reached only through one coach has redundancy 1 however many of us know the coach.
- The *rank gap* of a contact with threads is their seniority minus the highest
  seniority among the staff of their threads (null without threads); 2 or more is
  flagged.
- The *backup* of a contact is its successor (:mod:`relgraph.analysis.successor`):
  the best placed to reach it leaving out its threads, never a staff member due soon.
- The *rotation risk* of a staff member is ``sum(grade_weight * influence)`` over the
  key contacts of which they are the only thread; their rotation is due
  ``rotation_years`` after ``in_role_since`` for staff who rotate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

import networkx as nx
import numpy as np

from ..graph import tables_from_graph
from ..model import GRADE_WEIGHT
from ..tables import listed_together
from .access import Access, Dominators, FrameAccounts, staff_index
from .rules import horizon_end, is_due, rotation_due, staff_rotation_due
from .successor import due_soon, not_due, successor
from .frame import Frame, PairStrengths, frame_from_graph, frame_from_tables, is_key, pair_strengths, select_accounts, thread_counts

__all__ = [
    "contact_threads",
    "node_disjoint_routes",
    "redundancy",
    "rotation_due",
    "rotation_risk",
    "risk_rows",
    "sole_threads",
]


def node_disjoint_routes(A: Access, target: int, *, cap: int | None = None, dom: Dominators | None = None) -> int:
    """The number of node-disjoint paths from the set of staff of ``A`` to ``target``
    (at most ``cap``).

    A unit-capacity max-flow on the node-split graph, each augmenting path found by
    a breadth-first search backwards from the target, on ``A``'s flat arrays
    (:meth:`relgraph.analysis.flow.Routes.count`). The dominator tree ``dom``
    (:meth:`Access.dominators`, computed once per account) answers 0 and 1 at once,
    keeps the searches out of the nodes only reachable through the target, and
    bounds the answer by the in-neighbours reachable without the target, so the last,
    failing search is often skipped.
    """
    if dom is None:
        dom = A.dominators()
    return dom.routes(A).count(target, -1 if cap is None else max(cap, 0))


def redundancy(
    G: nx.MultiDiGraph,
    contact: str,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
) -> int:
    """The redundancy of contact ``contact`` (a data set id): see the module docstring."""
    from .paths import account_access

    A = account_access(G, contact, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    return node_disjoint_routes(A, A.index[f"Contact:{contact}"])


def frame_threads(
    F: Frame,
    ps: PairStrengths,
    *,
    accounts: Iterable[int] | None = None,
    all: bool = False,
    due: Collection[str] = (),
    parts: FrameAccounts | None = None,
) -> list[dict[str, Any]]:
    """The threads rows of the accounts ``accounts`` (indexes into frame ``F``;
    default all) at the strengths ``ps`` (see :func:`contact_threads`), unsorted;
    ``parts``: ``F`` cut by account at ``ps``, when the caller has it.

    The *rank gap* of a contact is their seniority minus the best seniority among
    the staff of their threads (None without threads); the *backup* its successor
    (:func:`relgraph.analysis.successor.successor`), never one of the staff ids
    ``due`` (due soon).
    """
    picked = range(len(F.account_ids)) if accounts is None else accounts
    parts = FrameAccounts(F, ps) if parts is None else parts
    key_mask = is_key(F)
    ids, staff_ids, staff_names = F.contact_ids, F.staff_ids, F.staff_names
    # Per contact: the threads, the rank gap (None without threads) and whether
    # two threads and no rank gap leave it out at once (it is listed only if
    # redundancy <= 1, and two threads are two routes of their own, staff with an
    # edge to the contact, unless one is of strength 0).
    threads = thread_counts(F, ps)
    strong_contact, strong_staff = ps.contact[ps.strong], ps.staff[ps.strong]
    top = np.full(len(ids), np.iinfo(np.int64).min)
    np.maximum.at(top, strong_contact, F.staff_seniority[strong_staff])
    gaps = np.where(threads > 0, F.contact_seniority - top, 0)
    threaded = (threads >= 2) & (gaps < 2)
    routes = np.bincount(ps.contact[ps.strong & (ps.value > 0)], minlength=len(ids))
    wanted = (key_mask | all) & ~(threaded & (routes >= 2))
    # The columns read row by row, as lists of the wanted contacts alone (place[i]:
    # contact i's place among them): most contacts are never asked about.
    asked = np.flatnonzero(wanted)
    place = np.zeros(len(ids), dtype=np.int64)
    place[asked] = np.arange(len(asked))
    key, influence = key_mask[asked].tolist(), F.contact_influence[asked].tolist()
    gap_of = [None if t == 0 else g for t, g in zip(threads[asked].tolist(), gaps[asked].tolist())]
    names = F.contact_names
    roles, levels = (
        [values[c] for c in codes[asked].tolist()]
        for codes, values in map(F.coded, ("contact_roles", "contact_levels"))
    )
    # The staff of each wanted contact's threads, by staff id (pairs are by contact,
    # then staff id): those of the k-th are held_by[bounds[k]:bounds[k + 1]].
    offsets = np.concatenate([[0], np.cumsum(threads)])  # each contact's strong pairs
    _, pairs = listed_together(asked, offsets)
    thread_staff = strong_staff[pairs].tolist()
    held_by = [staff_ids[s] for s in thread_staff]
    held_names = [staff_names[s] for s in thread_staff]
    bounds = [0, *np.cumsum(threads[asked]).tolist()]
    rows = []
    for a in picked:
        found = parts.picked_contacts(a, wanted)
        if not found:
            continue
        nodes, contacts = np.array(found, dtype=np.int64).T
        A = parts.access(a)
        among = not_due(A, due)
        node_ids = A.ids
        # The redundancy of each (node_disjoint_routes; contacts come first in A):
        # those with two threads and no rank gap are listed only at redundancy <= 1.
        redundancy = np.frombuffer(A.dominators().routes(A).counts(nodes.astype(np.intc), -1), dtype=np.intc)
        listed = ~(threaded[contacts] & (redundancy >= 2))
        account = F.account_ids[a]
        for j, i, k, r in zip(nodes[listed].tolist(), contacts[listed].tolist(), place[contacts[listed]].tolist(),
                              redundancy[listed].tolist()):
            lo, hi = bounds[k], bounds[k + 1]
            mine = held_by[lo:hi]
            node = successor(A, j, threads=mine, among=among)
            backup = None if node is None else node_ids[node]
            rows.append(
                {
                    "id": ids[i],
                    "name": names[i],
                    "account": account,
                    "role": roles[k],
                    "influence": influence[k],
                    "threads": hi - lo,
                    "staff": mine,
                    "redundancy": r,
                    "rank_gap": gap_of[k],
                    "backup": backup,
                    "level": levels[k],
                    "key": key[k],
                    "staff_names": held_names[lo:hi],
                    "backup_name": None if backup is None else staff_names[staff_index(F, backup)],
                }
            )
    return rows


def threads_sort_key(row: dict[str, Any]) -> tuple:
    """Per account, the most fragile first: fewest threads, lowest redundancy, most
    influence, then id."""
    return (row["account"], row["threads"], row["redundancy"], -(row["influence"] or 0), row["id"])


def contact_threads(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
    all: bool = False,
    horizon: int = 180,
    rotation_years: int = 3,
) -> list[dict[str, Any]]:
    """Key contacts (every contact with ``all``) that are single- or unthreaded
    (threads <= 1), have redundancy <= 1 or a rank gap >= 2, each with its backup
    (its successor, never a staff member due within ``horizon`` days).

    Returns rows ``{"id", "name", "account", "role", "influence", "threads", "staff",
    "redundancy", "rank_gap", "backup"}`` (``staff``: the ids of its threads, sorted),
    plus ``level``, ``key``, ``staff_names`` and ``backup_name``; sorted by account,
    threads, redundancy, influence (highest first) and id.
    """
    F = frame_from_graph(G)
    ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
    rows = frame_threads(F, ps, accounts=select_accounts(F, accounts), all=all, due=due)
    rows.sort(key=threads_sort_key)
    return rows


def sole_threads(F: Frame, ps: PairStrengths, accounts: Iterable[int] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Per staff id, the (contact id, grade_weight * influence) of every key contact
    of the accounts ``accounts`` (indexes into frame ``F``; default all) of which
    they are the only thread at the strengths ``ps``."""
    threads = thread_counts(F, ps)
    picked = np.zeros(len(F.account_ids), dtype=bool)
    picked[list(range(len(F.account_ids))) if accounts is None else list(accounts)] = True
    sole = is_key(F) & (threads == 1) & picked[F.contact_account]
    strong = ps.strong & sole[ps.contact]
    out: dict[str, list[tuple[str, int]]] = {}
    codes, grades = F.coded("account_grades")
    weight = np.array([GRADE_WEIGHT.get(g, 1) for g in grades], dtype=np.int64)[codes][F.contact_account]
    contacts = ps.contact[strong]
    staff_ids, contact_ids = F.staff_ids, F.contact_ids
    for s, c, w in zip(ps.staff[strong].tolist(), contacts.tolist(), (weight * F.contact_influence)[contacts].tolist()):
        out.setdefault(staff_ids[s], []).append((contact_ids[c], w))
    return out


def risk_rows(
    staff: Iterable[dict[str, Any]],
    sole: dict[str, list[tuple[str, int]]],
    *,
    as_of: dt.date,
    horizon: int = 180,
    rotation_years: int = 3,
) -> list[dict[str, Any]]:
    """The rotation-risk rows of every active staff member among ``staff`` rows, given
    their sole threads (:func:`sole_threads`, merged over accounts); highest risk
    first, then by id."""
    limit = horizon_end(as_of, horizon)
    rows = []
    dues: dict[tuple, tuple[dt.date | None, bool]] = {}  # by what a rotation is worked out from
    for s in staff:
        if not s["active"]:
            continue
        sid, role, since = s["id"], s.get("role"), s.get("in_role_since")
        key = (since, role, s.get("rotates"))
        due = dues.get(key)
        if due is None:
            at = staff_rotation_due(s, rotation_years)
            due = dues[key] = (at, is_due(at, limit))
        mine = sole.get(sid)
        rows.append(
            {
                "id": sid,
                "name": s.get("name"),
                "risk": sum([w for _, w in mine]) if mine else 0,
                "sole_threads": sorted([c for c, _ in mine]) if mine else [],
                "rotation_due": due[0],
                "due_soon": due[1],
                "role": role,
                "in_role_since": since,
            }
        )
    rows.sort(key=_risk_order)
    return rows


def _risk_order(row: dict[str, Any]) -> tuple:
    """Highest risk first, then by id."""
    return -row["risk"], row["id"]


def rotation_risk(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    horizon: int = 180,
    rotation_years: int = 3,
) -> list[dict[str, Any]]:
    """Every active staff member of ``G`` with their rotation risk: ``{"id", "name",
    "risk", "sole_threads", "rotation_due", "due_soon"}``, highest risk first.

    ``rotation_due`` is ``in_role_since + rotation_years`` for staff who rotate
    (:func:`relgraph.analysis.rules.rotates`; None for others and without a date);
    ``due_soon`` when it is on or before ``as_of + horizon`` days (overdue included).
    """
    typed = tables_from_graph(G)
    F = frame_from_tables(typed)
    ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    staff = typed.rows("staff")
    return risk_rows(staff, sole_threads(F, ps), as_of=as_of, horizon=horizon, rotation_years=rotation_years)
