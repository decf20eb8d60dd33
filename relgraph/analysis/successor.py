"""Who should act: the best placed to reach some contacts, and a contact's successor.

- A staff member is *due soon* when they are active and their rotation
  (:func:`relgraph.analysis.rules.rotation_due`, for staff who rotate) is due on or
  before as-of + the horizon (:func:`due_soon`).
- The *best placed* to reach a set of target contacts, leaving out a set X of staff,
  is the staff member at the start of the best influence path
  (:mod:`relgraph.analysis.paths`) to any of the targets in the access graph without
  X, among the active staff who are neither in X nor due soon; the lowest id among
  equal scores; None when there is none (:func:`best_placed`).
- The *successor* of a contact when the staff in L leave is the best placed to reach
  it leaving out L and the contact's threads after L left (:func:`successor`). It is
  the ``backup`` of ``threads`` (L empty) and the ``heir`` of ``whatif``, so the two
  never disagree; ``gaps`` suggests the best placed to reach a cell's contacts,
  leaving out nobody. A colleague who reaches the contact through a coach can be
  better placed than one with a weak direct tie.

Staff are never intermediate nodes of an influence path (nothing leads to a staff
member), so leaving a staff member out of the access graph is leaving them out of
the starts; one access graph per account serves every contact of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

import numpy as np

from .access import Access
from .frame import Frame
from .paths import Search
from .rules import horizon_end, is_due, rotation_due

__all__ = ["best_placed", "due_soon", "not_due", "staff_rotation", "successor"]


def staff_rotation(F: Frame, rotation_years: int = 3) -> dict[str, dt.date | None]:
    """The ``rotation_due`` of every active staff member of frame ``F``, by id in
    id order (:func:`relgraph.analysis.rules.rotation_due` of their
    ``in_role_since``, for staff who rotate; None for the others). Staff share
    their dates: each is worked out once."""
    codes, values = F.coded("staff_in_role")
    dues = np.array([rotation_due(v, rotation_years) for v in values] + [None], dtype=object)
    at = np.where(np.asarray(F.staff_rotates, dtype=bool), codes, len(values))  # (the last: None)
    active = np.flatnonzero(F.strengths.staff_active)
    return dict(zip(map(F.staff_ids.__getitem__, active.tolist()), dues[at[active]].tolist()))


def due_soon(F: Frame, *, as_of: dt.date, horizon: int = 180, rotation_years: int = 3) -> frozenset[str]:
    """The ids of the staff of frame ``F`` who are due soon at ``as_of``: active, and
    rotating (``rotates``) with a rotation due on or before ``as_of + horizon`` days
    (:func:`staff_rotation`)."""
    limit = horizon_end(as_of, horizon)
    return frozenset([sid for sid, due in staff_rotation(F, rotation_years).items() if is_due(due, limit)])


def best_placed(
    A: Access,
    targets: Iterable[int],
    *,
    leaving_out: Collection[str] = (),
    due: Collection[str] = (),
    search: Search | None = None,
    among: Collection[int] | None = None,
) -> int | None:
    """The node of ``A`` of the staff member best placed to reach ``targets`` (nodes
    of ``A``), leaving out the staff ids ``leaving_out`` and never naming one of
    ``due`` (the ids of the staff due soon, :func:`due_soon`); None when nobody
    qualifies. ``A`` holds only active staff; ``A.ids[node]`` is the staff id.
    ``search``: a :class:`~relgraph.analysis.paths.Search` of ``A`` from ``targets``
    to go on with (one search answers every question about the same targets);
    ``among``: the staff nodes of ``A`` not due soon (:func:`not_due`), for a caller
    that asks many times (``due`` is then not read).

    Examples
    --------
    >>> from relgraph.analysis.access import access_from_parts
    >>> A = access_from_parts(["Contact:c"], [None], [{"Staff:a": 4.0, "Staff:b": 2.0}], {"Staff:a", "Staff:b"}, [])
    >>> [A.ids[best_placed(A, [0], leaving_out=x)] for x in ((), {"a"})], best_placed(A, [0], due={"a", "b"})
    (['a', 'b'], None)
    """
    if among is None:
        among = not_due(A, due)
    gone = {A.staff_node(x) for x in leaving_out}
    if gone:
        starts = set(among)
        starts.difference_update(gone)
    else:
        starts = among
    targets = list(targets)
    if not starts or not targets:
        return None
    if search is None:
        return Search(A, targets).best_start(starts, last=True)
    return search.best_start(starts)


def not_due(A: Access, due: Collection[str]) -> set[int]:
    """The staff nodes of ``A`` whose ids are not in ``due`` (the staff due soon)."""
    # ``due`` is asked, not copied: it may hold most of a portfolio's staff.
    due = due if isinstance(due, (set, frozenset)) else set(due)
    ids = A.ids
    return {s for s in A.staff if ids[s] not in due}


def successor(
    A: Access,
    contact: int,
    *,
    threads: Iterable[str],
    leaving: Collection[str] = (),
    due: Collection[str] = (),
    among: Collection[int] | None = None,
) -> int | None:
    """The node of ``A`` of the successor of ``contact`` (a node of ``A``) when the
    staff ids ``leaving`` leave: the best placed to reach it leaving out ``leaving``
    and ``threads`` (the ids of the contact's threads after they left), never one of
    ``due``. ``A`` is the access graph after they left (their edges gone).
    ``among``: the staff nodes of ``A`` not due soon (:func:`not_due`), for a caller
    that asks for many contacts of ``A`` (``due`` is then not read)."""
    return best_placed(A, [contact], leaving_out={*leaving, *threads}, due=due, among=among)
