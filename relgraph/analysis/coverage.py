"""Coverage: who at an account we reach, at every level and in every function.

A *coverage cell* is a (level, role) pair of an account, for every level that occurs
in the account (its units' and contacts' levels) and every contact role except
``other``. Its ``best_strength`` is the best effective strength of a relationship in
force to one of its contacts (inactive staff count 0; null when there is none). Its
status is ``covered`` when some contact in it has a thread, ``weak`` when its
contacts have only weak relationships (best strength above 0), ``uncovered`` when
they have none, ``unknown`` when the cell has no contact (a blind spot).

The *account figures* (shares of an empty set are None, never 0 or 1):

- ``key_coverage``: share of key contacts with threads >= 1;
- ``cell_coverage``: share of cells ``covered``;
- ``multithreading``: share of key contacts with threads >= 2;
- ``opponents``: the key contacts whose attitude is ``opponent`` (ids, sorted);
- ``triangle``: which of account_manager / solution / delivery the account's active
  team has (the member's team role, else their staff role), in that order;
- ``unit_coverage``: share of the account's units with a contact directly in the
  unit who has a relationship of any strength (above 0);
- ``exec_ties``: key contacts with a strong relationship from a staff member whose
  role is ``executive`` (ids, sorted);
- ``activity``: the account's touchpoints (those listing one of its contacts) dated
  in the 365 days up to and including as-of, counted by method, plus ``total``.

A *gap* is a cell not covered. Its priority is
``grade_weight * max_influence * (1 - best_strength / 5)`` (grade weight S=4, A=3,
B=2, C=1; max influence 3 for a cell without contacts; no best strength counts 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from ..model import COVERAGE_ROLES, GRADE_WEIGHT, TOUCHPOINT_METHODS, TRIANGLE, level_sort_key
from .access import build_access
from .paths import best_start
from .strength import Strengths, selected_strengths
from .structure import AccountIndex

__all__ = ["FIGURES", "account_cells", "account_figures", "account_gaps", "coverage", "gaps", "gap_sort_key"]

FIGURES = (
    "key_coverage",
    "cell_coverage",
    "multithreading",
    "opponents",
    "triangle",
    "unit_coverage",
    "exec_ties",
    "activity",
)
"""The account figures, in the order the JSON lists them."""


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def account_cells(G: nx.MultiDiGraph, acc: AccountIndex, st: Strengths) -> list[dict[str, Any]]:
    """The coverage cells of one account, level by level (top first), roles in the
    order of :data:`relgraph.model.COVERAGE_ROLES`."""
    nodes = G._node
    by_contact, threads = st.by_contact, st.threads
    members = acc.cell_members
    cells = []
    for level in acc.levels:
        for role in COVERAGE_ROLES:
            contacts = members.get((level, role), ())
            best = None
            covered = False
            for c in contacts:
                row = by_contact.get(c)
                if row:
                    b = max(row.values())
                    if best is None or b > best:
                        best = b
                    if not covered and threads.get(c):
                        covered = True
            if not contacts:
                status = "unknown"
            elif covered:
                status = "covered"
            elif best is not None and best > 0:
                status = "weak"
            else:
                status = "uncovered"
            cells.append(
                {
                    "level": level,
                    "role": role,
                    "status": status,
                    "contacts": [nodes[c]["id"] for c in contacts],
                    "best_strength": best,
                }
            )
    return cells


def account_figures(
    G: nx.MultiDiGraph, acc: AccountIndex, st: Strengths, *, cells: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The account figures of one account (see the module docstring), plus the counts
    ``contacts`` and ``key_contacts``."""
    nodes = G._node
    if cells is None:
        cells = account_cells(G, acc, st)
    keys = acc.key_contacts
    threads = st.threads
    with_thread = multi = 0
    opponents = []
    exec_ties = []
    for c in keys:
        mine = threads.get(c)
        if mine:
            with_thread += 1
            if len(mine) >= 2:
                multi += 1
            if any(nodes[s].get("role") == "executive" for s in mine):
                exec_ties.append(nodes[c]["id"])
        if nodes[c].get("attitude") == "opponent":
            opponents.append(nodes[c]["id"])
    roles = set()
    for s, role in acc.team:
        if s in st.active:
            roles.add(role.strip() if role and role.strip() else nodes[s].get("role"))
    triangle = [r for r in TRIANGLE if r in roles]
    unit_ids = {nodes[u]["id"] for u in acc.units}
    reached_units = set()
    if unit_ids:
        by_contact = st.by_contact
        for c in acc.contacts:
            unit = nodes[c].get("unit")
            if unit in unit_ids and unit not in reached_units:
                row = by_contact.get(c)
                if row and any(v > 0 for v in row.values()):
                    reached_units.add(unit)
    activity = {m: 0 for m in TOUCHPOINT_METHODS}
    last = st.as_of  # the 365 days up to and including as-of
    first = last - dt.timedelta(days=364) if last.toordinal() > 364 else dt.date.min
    for tp in acc.touchpoints:
        if first <= tp["date"] <= last:
            activity[tp["method"]] = activity.get(tp["method"], 0) + 1
    activity["total"] = sum(activity.values())
    return {
        "key_coverage": _share(with_thread, len(keys)),
        "cell_coverage": _share(sum(1 for c in cells if c["status"] == "covered"), len(cells)),
        "multithreading": _share(multi, len(keys)),
        "opponents": sorted(opponents),
        "triangle": triangle,
        "unit_coverage": _share(len(reached_units), len(unit_ids)),
        "exec_ties": sorted(exec_ties),
        "activity": activity,
        "contacts": len(acc.contacts),
        "key_contacts": len(keys),
    }


def account_coverage(G: nx.MultiDiGraph, acc: AccountIndex, st: Strengths) -> dict[str, Any]:
    """One account of the coverage JSON: id, name, grade, the figures and the cells."""
    cells = account_cells(G, acc, st)
    return {"id": acc.id, "name": acc.name, "grade": acc.grade, **account_figures(G, acc, st, cells=cells), "cells": cells}


def coverage(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The account figures and coverage cells of every account of ``G`` (or of
    ``accounts``, ids), sorted by account id.

    Returns
    -------
    list of dict
        ``{"id", "name", "grade", "key_coverage", "cell_coverage", "multithreading",
        "opponents", "triangle", "unit_coverage", "exec_ties", "activity",
        "contacts", "key_contacts", "cells": [{"level", "role", "status",
        "contacts", "best_strength"}]}``.

    Raises
    ------
    NotFound
        An id in ``accounts`` is not an account of ``G``.
    """
    selected, st = selected_strengths(G, accounts, as_of=as_of, half_life=half_life, strong=strong)
    out = []
    for acc in selected:
        out.append(account_coverage(G, acc, st))
    return out


def gap_sort_key(gap: dict[str, Any]) -> tuple:
    """Highest priority first; then account id, level (top first), role order."""
    return (
        -round(gap["priority"], 12),
        gap["account"],
        level_sort_key(gap["level"]),
        COVERAGE_ROLES.index(gap["role"]),
    )


def account_gaps(G: nx.MultiDiGraph, acc: AccountIndex, st: Strengths) -> list[dict[str, Any]]:
    """The gaps of one account (cells not covered), unsorted, each with
    ``suggested_staff``: the start of the best influence path to a contact in the
    cell, or for an ``unknown`` cell to any contact at its level (None when there is
    no such path)."""
    nodes = G._node
    weight = GRADE_WEIGHT.get(acc.grade, 1)
    A = None
    by_level: dict[str, list[int]] = {}
    suggested_for_level: dict[str, int | None] = {}
    gaps = []
    for cell in account_cells(G, acc, st):
        if cell["status"] == "covered":
            continue
        if A is None:
            A = build_access(G, acc, st)
            for c in acc.contacts:
                by_level.setdefault(nodes[c].get("level") or "hq", []).append(A.index[c])
        if cell["contacts"]:
            targets = [A.index[f"Contact:{c}"] for c in cell["contacts"]]
            max_influence = max(nodes[f"Contact:{c}"].get("influence") or 3 for c in cell["contacts"])
            s = best_start(A, targets)
        else:
            max_influence = 3
            level = cell["level"]
            if level not in suggested_for_level:
                targets = by_level.get(level, [])
                suggested_for_level[level] = best_start(A, targets) if targets else None
            s = suggested_for_level[level]
        best = cell["best_strength"] or 0.0
        staff_id = None if s is None else A.ids[s]
        gaps.append(
            {
                "account": acc.id,
                "level": cell["level"],
                "role": cell["role"],
                "status": cell["status"],
                "priority": weight * max_influence * (1 - best / 5),
                "contacts": cell["contacts"],
                "suggested_staff": staff_id,
                "best_strength": cell["best_strength"],
                "suggested_staff_name": None if s is None else nodes[A.keys[s]].get("name"),
            }
        )
    return gaps


def gaps(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every cell not covered, highest priority first (see :func:`account_gaps`).

    Returns ``{"account", "level", "role", "status", "priority", "contacts",
    "suggested_staff"}`` per gap, plus ``best_strength`` and ``suggested_staff_name``;
    ties by account id, level (top first) and role order; at most ``limit``.
    """
    selected, st = selected_strengths(G, accounts, as_of=as_of, half_life=half_life, strong=strong)
    out = []
    for acc in selected:
        out.extend(account_gaps(G, acc, st))
    out.sort(key=gap_sort_key)
    return out if limit is None else out[:limit]
