"""What-if and diff: the account figures under two states of the world.

- :func:`whatif`: the account figures before and after some staff leave, the
  contacts that become unthreaded (threads >= 1 before, 0 after) and, for each, the
  *heir*: its successor (:mod:`relgraph.analysis.successor`), never a staff member
  due soon, or None.
- :func:`diff`: the account figures at an earlier date and at as-of, and the threads
  gained and lost between them. A (staff, contact) pair is a thread at a date when
  the relationship is strong at that date; gained = a thread at as-of and not at the
  earlier date, lost = the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from ..errors import UsageError
from .access import FrameAccounts
from .coverage import frame_coverage
from .frame import Frame, PairStrengths, frame_from_graph, pair_strengths, select_accounts, thread_counts
from .successor import due_soon, not_due, successor

__all__ = ["diff", "frame_diff", "frame_whatif", "whatif"]


def _figures(F: Frame, picked: Sequence[int], ps: PairStrengths) -> list[dict[str, Any]]:
    """The account figures (and the counts ``contacts`` and ``key_contacts``) of the
    accounts ``picked`` of ``F`` (see :func:`relgraph.analysis.coverage.frame_coverage`)."""
    return [
        {k: v for k, v in row.items() if k not in ("id", "name", "grade")}
        for row in frame_coverage(F, ps, accounts=picked, cells=False)
    ]


def frame_whatif(
    F: Frame,
    *,
    as_of: dt.date,
    without: Iterable[str],
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[int] | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
) -> dict[str, Any]:
    """:func:`whatif` over the accounts ``accounts`` (indexes; default all) of frame
    ``F``; staff ids in ``without`` that ``F`` does not hold are ignored."""
    picked = list(range(len(F.account_ids))) if accounts is None else list(accounts)
    staff_at = {s: i for i, s in enumerate(F.staff_ids)}
    gone = [staff_at[s] for s in dict.fromkeys(without) if s in staff_at]
    leaving = [F.staff_ids[i] for i in gone]
    due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
    before = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    after = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong, without=gone)
    out_accounts = [
        {"id": F.account_ids[a], "before": fb, "after": fa}
        for a, fb, fa in zip(picked, _figures(F, picked, before), _figures(F, picked, after))
    ]
    lost_now = (thread_counts(F, before) > 0) & (thread_counts(F, after) == 0)
    parts = FrameAccounts(F, after)
    lost = []
    for a in picked:
        A = None
        for j, i in parts.picked_contacts(a, lost_now):
            if A is None:
                A = parts.access(a)
                among = not_due(A, due)
            # The successor: nobody is left a thread of a lost contact.
            s = successor(A, j, threads=(), leaving=leaving, among=among)  # contacts come first in A
            heir = None if s is None else A.ids[s]
            lost.append(
                {
                    "contact": F.contact_ids[i],
                    "heir": heir,
                    "account": F.account_ids[a],
                    "name": F.contact_names[i],
                    "heir_name": None if heir is None else F.staff_names[staff_at[heir]],
                }
            )
    lost.sort(key=lambda r: r["contact"])
    return {"accounts": out_accounts, "lost": lost}


def whatif(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    without: Iterable[str],
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Iterable[str] | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
) -> dict[str, Any]:
    """The effect of staff ``without`` (ids) leaving; heirs are never due within
    ``horizon`` days.

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
    F = frame_from_graph(G)
    return frame_whatif(
        F, as_of=as_of, without=without, half_life=half_life, grace=grace, strong=strong,
        accounts=select_accounts(F, accounts), horizon=horizon, rotation_years=rotation_years,
    )


def check_since(since: dt.date, as_of: dt.date) -> None:
    """:class:`UsageError` when ``since`` is after ``as_of``."""
    if since > as_of:
        raise UsageError(f"--since {since.isoformat()} is after --as-of {as_of.isoformat()}")


def frame_diff(
    F: Frame,
    *,
    since: dt.date,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[int] | None = None,
) -> dict[str, Any]:
    """:func:`diff` over the accounts ``accounts`` (indexes; default all) of frame ``F``."""
    check_since(since, as_of)
    picked = list(range(len(F.account_ids))) if accounts is None else list(accounts)
    before = pair_strengths(F.strengths, as_of=since, half_life=half_life, grace=grace, strong=strong)
    after = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    out_accounts = [
        {"id": F.account_ids[a], "before": fb, "after": fa}
        for a, fb, fa in zip(picked, _figures(F, picked, before), _figures(F, picked, after))
    ]
    chosen = np.zeros(len(F.account_ids), dtype=bool)
    chosen[picked] = True

    def threads(ps: PairStrengths) -> np.ndarray:
        keep = ps.strong & chosen[F.contact_account[ps.contact]]
        return (ps.staff[keep] << 32) | ps.contact[keep]

    old, new = threads(before), threads(after)

    def rows(pairs: np.ndarray) -> list[dict[str, str]]:
        out = [
            {"staff": F.staff_ids[p >> 32], "contact": F.contact_ids[p & 0xFFFFFFFF],
             "account": F.account_ids[F.contact_account[p & 0xFFFFFFFF]]}
            for p in pairs.tolist()
        ]
        out.sort(key=lambda r: (r["staff"], r["contact"]))
        return out

    return {
        "accounts": out_accounts,
        "gained": rows(np.setdiff1d(new, old)),
        "lost": rows(np.setdiff1d(old, new)),
    }


def diff(
    G: nx.MultiDiGraph,
    *,
    since: dt.date,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
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
    check_since(since, as_of)
    F = frame_from_graph(G)
    return frame_diff(
        F, since=since, as_of=as_of, half_life=half_life, grace=grace, strong=strong,
        accounts=select_accounts(F, accounts),
    )
