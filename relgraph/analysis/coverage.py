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
from collections.abc import Collection, Iterable, Sequence
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from ..model import COVERAGE_ROLES, GRADE_WEIGHT, TOUCHPOINT_METHODS, TRIANGLE, level_sort_key
from .access import Access, FrameAccounts, staff_index
from .frame import (
    Frame,
    PairStrengths,
    best_strengths,
    day,
    frame_from_graph,
    is_key,
    pair_strengths,
    select_accounts,
    thread_counts,
    unique_ints,
)
from .successor import best_placed, due_soon

__all__ = [
    "FIGURES",
    "FrameGaps",
    "coverage",
    "frame_coverage",
    "frame_gaps",
    "gaps",
    "gap_sort_key",
]

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


class _Contacts:
    """Per-contact figures of a frame at one date: ``best`` effective strength (-1
    for a contact with no relationship in force), ``threads`` (count), key
    contacts, and the contacts with a strong relationship from an executive."""

    def __init__(self, F: Frame, ps: PairStrengths):
        self.F, self.ps = F, ps
        self.best = best_strengths(F, ps)
        self.threads = thread_counts(F, ps)

    # The cells need only the best strengths and threads: the rest is made when
    # first asked (the figures of frame_coverage).
    @cached_property
    def exec_tie(self) -> np.ndarray:
        F, ps = self.F, self.ps
        executive = _is(F.coded("staff_roles"), "executive")
        out = np.zeros(len(F.contact_ids), dtype=bool)
        if len(executive):
            out[ps.contact[ps.strong & executive[ps.staff]]] = True
        return out

    @cached_property
    def key(self) -> np.ndarray:
        return is_key(self.F)


def _is(coded: tuple[np.ndarray, list], value: Any) -> np.ndarray:
    """Which rows of a coded column (:meth:`Frame.coded`) hold ``value``."""
    codes, values = coded
    return np.array([v == value for v in values], dtype=bool)[codes]


def _mapped(coded: tuple[np.ndarray, list], to: dict[Any, int]) -> np.ndarray:
    """The rows of a coded column as the numbers ``to`` gives their values (-1 for
    a value it has not)."""
    codes, values = coded
    return np.array([to.get(v, -1) for v in values], dtype=np.int64)[codes]


class _Cells:
    """The coverage cells of every account of a frame (see the module docstring):
    for each (account, level, role) with contacts, the run of its contacts (by id)
    in ``order``, its best strength and whether it is covered.

    ``covered``: whether the covered cells are asked for; when not, only the
    contacts of the others are sorted into runs (a portfolio's gaps hold few), the
    runs of covered cells are empty, and :meth:`of` gives the others alone."""

    def __init__(self, F: Frame, c: _Contacts, *, covered: bool = True):
        contact_coded, unit_coded = F.coded("contact_levels"), F.coded("unit_levels")
        present = {
            v for codes, values in (contact_coded, unit_coded)
            for v, n in zip(values, np.bincount(codes, minlength=len(values)).tolist()) if n
        }
        levels = sorted(present, key=level_sort_key)
        level_at = {lv: i for i, lv in enumerate(levels)}
        n_levels, n_roles = len(levels), len(COVERAGE_ROLES)
        contact_level = _mapped(contact_coded, level_at)
        role = _mapped(F.coded("contact_roles"), {r: i for i, r in enumerate(COVERAGE_ROLES)})
        # The levels of each account: its units' and its contacts'.
        unit_level = _mapped(unit_coded, level_at)
        pairs = unique_ints(np.r_[F.contact_account * n_levels + contact_level, F.unit_account * n_levels + unit_level])
        self.levels = levels
        self.account_levels: dict[int, list[int]] = {}
        for a, lv in zip((pairs // n_levels).tolist(), (pairs % n_levels).tolist()):
            self.account_levels.setdefault(a, []).append(lv)  # ascending: top level first
        inside = np.flatnonzero(role >= 0)  # role "other" is in no cell
        code = (F.contact_account[inside] * n_levels + contact_level[inside]) * n_roles + role[inside]
        held = np.zeros(0, dtype=np.int64)  # the covered cells whose contacts are left out
        if not covered:
            hit = np.zeros(len(F.account_ids) * n_levels * n_roles, dtype=bool)
            hit[code[c.threads[inside] > 0]] = True
            out = hit[code]
            held = unique_ints(code[out])
            inside, code = inside[~out], code[~out]
        # Contacts are sorted by id already; a stable sort of 16-bit codes is a radix sort.
        small = len(code) and code.max() < 1 << 16
        order = np.argsort(code.astype(np.uint16) if small else code, kind="stable")
        self.order = inside[order]  # the contacts of each cell in turn, by id
        self._contact_ids = F.contact_ids
        self.covered = covered
        code = code[order]
        starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(code)].astype(np.int64)
        sorted_best = c.best[inside][order]
        sorted_threads = c.threads[inside][order]
        best = np.maximum.reduceat(sorted_best, starts) if len(code) else np.zeros(0)
        threaded = np.maximum.reduceat(sorted_threads, starts) > 0 if len(code) else np.zeros(0, dtype=bool)
        self.n_levels, self.n_roles = n_levels, n_roles
        self.run = dict(
            zip(code[starts].tolist(), zip(starts.tolist(), ends.tolist(), best.tolist(), threaded.tolist()))
        )
        self.run.update(dict.fromkeys(held.tolist(), (0, 0, None, True)))

    def _ids(self, start: int, end: int) -> list[str]:
        """The contact ids of ``order[start:end]`` (one cell's), read from the frame's
        (each id is touched once: a list of every cell's ids, sliced, touched each
        twice, which costs a portfolio's coverage 0.01 s more)."""
        return list(map(self._contact_ids.__getitem__, self.order[start:end].tolist()))

    def members(self, a: int, level: str, role: str) -> list[int]:
        """The contact indexes (by id) of one cell of account ``a``."""
        run = self.run.get((a * self.n_levels + self.levels.index(level)) * self.n_roles + COVERAGE_ROLES.index(role))
        return [] if run is None else self.order[run[0] : run[1]].tolist()

    def of(self, a: int) -> list[dict[str, Any]]:
        """The cells of account ``a``, level by level (top first), roles in the order
        of :data:`relgraph.model.COVERAGE_ROLES` (only those not covered when the grid
        was made without the covered ones)."""
        covered = self.covered
        out = []
        for lv in self.account_levels.get(a, ()):
            base = (a * self.n_levels + lv) * self.n_roles
            for r, role in enumerate(COVERAGE_ROLES):
                run = self.run.get(base + r)
                if run is None:
                    status, contacts, best = "unknown", [], None
                else:
                    start, end, b, is_covered = run
                    if is_covered and not covered:
                        continue
                    contacts = self._ids(start, end)
                    best = None if b < 0 else b
                    if is_covered:
                        status = "covered"
                    elif best is not None and best > 0:
                        status = "weak"
                    else:
                        status = "uncovered"
                out.append(
                    {"level": self.levels[lv], "role": role, "status": status, "contacts": contacts, "best_strength": best}
                )
        return out


def _by_account(account: np.ndarray, ids: list[str], rows: np.ndarray) -> dict[int, list[str]]:
    """The ids of ``rows`` (ascending) grouped by their ``account``, each group in
    row order."""
    out: dict[int, list[str]] = {}
    for a, i in zip(account[rows].tolist(), rows.tolist()):
        out.setdefault(a, []).append(ids[i])
    return out


def frame_coverage(
    F: Frame, ps: PairStrengths, *, accounts: Sequence[int] | None = None, cells: bool = True
) -> list[dict[str, Any]]:
    """The coverage of the accounts ``accounts`` (indexes; default all) of frame
    ``F`` with the strengths ``ps``: per account ``{"id", "name", "grade", the
    figures (see :data:`FIGURES`), "contacts", "key_contacts", "cells"}`` (no
    ``cells`` when ``cells`` is False)."""
    n_accounts = len(F.account_ids)
    picked = list(range(n_accounts)) if accounts is None else list(accounts)
    c = _Contacts(F, ps)
    grid = _Cells(F, c)
    acc = F.contact_account

    def count(mask: np.ndarray) -> list[int]:
        return np.bincount(acc[mask], minlength=n_accounts).tolist()

    contacts_n = np.bincount(acc, minlength=n_accounts).tolist()
    key_n = count(c.key)
    with_thread = count(c.key & (c.threads >= 1))
    multi = count(c.key & (c.threads >= 2))
    ids = F.contact_ids
    opponents = _by_account(acc, ids, np.flatnonzero(c.key & _is(F.coded("contact_attitudes"), "opponent")))
    exec_ties = _by_account(acc, ids, np.flatnonzero(c.key & c.exec_tie))
    # The iron triangle: the roles on the account's team of staff counted active. A
    # team role is free text, matched in any case as Excel users type it; a member
    # without one counts with their staff role.
    codes, values = F.coded("team_roles")
    typed = np.array([r.strip().lower() if r and r.strip() else "" for r in values], dtype=object)[codes]
    staff_codes, staff_roles = F.coded("staff_roles")
    staff_role = np.array(staff_roles, dtype=object)[staff_codes]
    on_team = ps.active[F.team_staff] if len(F.team_staff) else np.zeros(0, dtype=bool)
    has_role = {}
    for role in TRIANGLE:
        holds = np.where(typed == "", staff_role[F.team_staff] == role, typed == role) & on_team
        has_role[role] = np.zeros(n_accounts, dtype=bool)
        has_role[role][F.team_account[holds]] = True
    # Units reached: a contact directly in the unit with a relationship above 0.
    units_n = np.bincount(F.unit_account, minlength=n_accounts).tolist()
    reached_units = unique_ints(F.contact_unit[(F.contact_unit >= 0) & (c.best > 0)])
    reached_n = np.bincount(F.unit_account[reached_units], minlength=n_accounts).tolist()
    activity = _activity(F, ps.as_of, n_accounts)

    out = []
    for a in picked:
        mine = grid.of(a)
        act = dict(activity.get(a) or {m: 0 for m in TOUCHPOINT_METHODS})
        act["total"] = sum(act.values())
        row = {
            "id": F.account_ids[a],
            "name": F.account_names[a],
            "grade": F.account_grades[a],
            "key_coverage": _share(with_thread[a], key_n[a]),
            "cell_coverage": _share(sum(1 for x in mine if x["status"] == "covered"), len(mine)),
            "multithreading": _share(multi[a], key_n[a]),
            "opponents": opponents.get(a, []),
            "triangle": [r for r in TRIANGLE if has_role[r][a]],
            "unit_coverage": _share(reached_n[a], units_n[a]),
            "exec_ties": exec_ties.get(a, []),
            "activity": act,
            "contacts": contacts_n[a],
            "key_contacts": key_n[a],
        }
        if cells:
            row["cells"] = mine
        out.append(row)
    return out


def _activity(F: Frame, as_of: dt.date, n_accounts: int) -> dict[int, dict[str, int]]:
    """Per account with any, its touchpoints (those listing one of its contacts) in
    the 365 days up to and including ``as_of``, each once, counted by method (every
    method of :data:`relgraph.model.TOUCHPOINT_METHODS`, in that order)."""
    a_day = day(as_of)
    width = max(n_accounts, 1)
    listed_day = F.tp_day[F.tp_listed]
    recent = (listed_day <= a_day) & (listed_day >= a_day - 364)
    pair = unique_ints(F.tp_listed[recent] * width + F.contact_account[F.tp_contact[recent]])
    tp_of, acc_of = pair // width, pair % width
    codes, values = F.coded("tp_method")
    method = _mapped((codes[tp_of], values), {m: i for i, m in enumerate(TOUCHPOINT_METHODS)})
    if (method < 0).any():  # a method the model does not know (a graph built by hand): kept too
        activity: dict[int, dict[str, int]] = {}
        for t, a in zip(tp_of.tolist(), acc_of.tolist()):
            mine = activity.get(a)
            if mine is None:
                mine = activity[a] = {m: 0 for m in TOUCHPOINT_METHODS}
            key = values[codes[t]]
            mine[key] = mine.get(key, 0) + 1
        return activity
    n = len(TOUCHPOINT_METHODS)
    counts = np.bincount(acc_of * n + method, minlength=width * n).reshape(width, n)
    return {a: dict(zip(TOUCHPOINT_METHODS, counts[a].tolist())) for a in unique_ints(acc_of).tolist()}


def coverage(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
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
    F = frame_from_graph(G)
    picked = select_accounts(F, accounts)
    ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    return frame_coverage(F, ps, accounts=picked)


def gap_sort_key(gap: dict[str, Any]) -> tuple:
    """Highest priority first; then account id, level (top first), role order."""
    return (
        -round(gap["priority"], 12),
        gap["account"],
        level_sort_key(gap["level"]),
        COVERAGE_ROLES.index(gap["role"]),
    )


def frame_gaps(
    F: Frame, ps: PairStrengths, *, accounts: Sequence[int] | None = None, due: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The gaps (cells not covered) of the accounts ``accounts`` (indexes; default
    all) of frame ``F``, unsorted, each with ``suggested_staff``: the best placed
    (:func:`relgraph.analysis.successor.best_placed`, never one of the staff ids
    ``due``) to reach the contacts in the cell, or for an ``unknown`` cell any
    contact at its level (None when nobody qualifies)."""
    picked = range(len(F.account_ids)) if accounts is None else accounts
    found = FrameGaps(F, ps, due=due, accounts=picked)
    return [g for a in picked for g in found.of(a)]


class FrameGaps:
    """The gaps of the accounts of frame ``F`` at the strengths ``ps``, account by
    account (:func:`frame_gaps`), for a caller that has the accounts' access graphs
    already (``parts``: the frame cut by account it built them from). Without
    ``parts``, only the accounts ``accounts`` (indexes; default all) are asked for:
    the frame is cut for those of them with a gap alone (most accounts of a
    portfolio have none, and cutting is most of the time)."""

    def __init__(
        self,
        F: Frame,
        ps: PairStrengths,
        *,
        due: Collection[str] = (),
        parts: FrameAccounts | None = None,
        accounts: Iterable[int] | None = None,
    ):
        self.F, self.due = F, due
        self.grid = _Cells(F, _Contacts(F, ps), covered=False)
        self._cells: dict[int, list[dict[str, Any]]] = {}
        self._ps, self._cut = ps, None
        if parts is None and accounts is not None:
            self._cut = np.zeros(len(F.account_ids), dtype=bool)
            self._cut[[a for a in accounts if self._gap_cells(a)]] = True
            ps = ps.of_contacts(self._cut[F.contact_account])
        self.parts = FrameAccounts(F, ps) if parts is None else parts

    def _gap_cells(self, a: int) -> list[dict[str, Any]]:
        """The cells of account ``a`` not covered (worked out once)."""
        if a not in self._cells:
            self._cells[a] = self.grid.of(a)
        return self._cells[a]

    def of(self, a: int, A: Access | None = None) -> list[dict[str, Any]]:
        """The gaps of account ``a``; ``A``: its access graph, when built already."""
        F, grid, influence, due = self.F, self.grid, self.F.contact_influence, self.due
        gaps: list[dict[str, Any]] = []
        cells = self._gap_cells(a)
        if not cells:
            return gaps
        if self._cut is not None and not self._cut[a]:  # an account not announced: cut the whole frame
            self._cut, self.parts = None, FrameAccounts(F, self._ps)
        mine = self.parts.contacts(a)
        level_codes, level_values = F.coded("contact_levels")
        if A is None:
            A = self.parts.access(a)
        local = {i: j for j, i in enumerate(mine)}  # contacts come first in A
        weight = GRADE_WEIGHT.get(F.account_grades[a], 1)
        suggested_for_level: dict[str, int | None] = {}
        for cell in cells:
            if cell["contacts"]:
                members = grid.members(a, cell["level"], cell["role"])
                targets = [local[i] for i in members]
                max_influence = int(influence[members].max())
                s = best_placed(A, targets, due=due)
            else:
                max_influence = 3
                level = cell["level"]
                if level not in suggested_for_level:
                    at = level_values.index(level) if level in level_values else -1  # (a unit's level alone)
                    targets = np.flatnonzero(level_codes[mine] == at).tolist()
                    suggested_for_level[level] = best_placed(A, targets, due=due)
                s = suggested_for_level[level]
            best = cell["best_strength"] or 0.0
            gaps.append(
                {
                    "account": F.account_ids[a],
                    "level": cell["level"],
                    "role": cell["role"],
                    "status": cell["status"],
                    "priority": weight * max_influence * (1 - best / 5),
                    "contacts": cell["contacts"],
                    "suggested_staff": None if s is None else A.ids[s],
                    "best_strength": cell["best_strength"],
                    "suggested_staff_name": None if s is None else F.staff_names[staff_index(F, A.ids[s])],
                }
            )
        return gaps


def gaps(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
    limit: int | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
) -> list[dict[str, Any]]:
    """Every cell not covered, highest priority first (see :func:`frame_gaps`); the
    suggested staff are never due within ``horizon`` days.

    Returns ``{"account", "level", "role", "status", "priority", "contacts",
    "suggested_staff"}`` per gap, plus ``best_strength`` and ``suggested_staff_name``;
    ties by account id, level (top first) and role order; at most ``limit``.
    """
    F = frame_from_graph(G)
    picked = select_accounts(F, accounts)
    ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
    out = frame_gaps(F, ps, accounts=picked, due=due)
    out.sort(key=gap_sort_key)
    return out if limit is None else out[:limit]
