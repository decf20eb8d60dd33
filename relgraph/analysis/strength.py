"""Effective strength: how strong a relationship is on a given day.

The *effective strength* of a staff-contact relationship is
``strength * 0.5 ** (max(0, days since last contact - grace) / half_life)``
(:func:`relgraph.analysis.rules.decay`): full strength for a grace period (90 days),
then halving every half-life (180 days). The last contact is the
later of the relationship's ``last_contact`` and the newest touchpoint dated on or
before as-of that lists both people; with neither, or when that date is after as-of,
the strength does not decay. A relationship row exists from ``since`` (inclusive) to
``until`` (exclusive); where one pair has several rows in force, the strongest counts.
Relationships of inactive staff count as 0.

A relationship is *strong* when its effective strength is at least ``strong`` (3 by
default), *weak* when above 0 and below that. The *threads* of a contact are the
distinct active staff with a strong relationship to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..graph import CONTACT, STAFF
from .frame import PairStrengths, StrengthInputs, frame_from_graph, pair_strengths
from .rules import exists_at

__all__ = [
    "Strengths",
    "effective_strengths",
    "exists_at",
    "in_force",
    "strengths_at",
    "strengths_of_pairs",
]


def in_force(row: Mapping[str, Any], as_of: dt.date) -> bool:
    """True when a row with ``since``/``until`` exists at ``as_of``
    (:func:`relgraph.analysis.rules.exists_at`).

    >>> in_force({"since": dt.date(2024, 1, 1), "until": dt.date(2024, 2, 1)}, dt.date(2024, 2, 1))
    False
    """
    return exists_at(row.get("since"), row.get("until"), as_of)


@dataclass
class Strengths:
    """The effective strengths and threads of a graph at one date.

    ``by_contact[contact_key][staff_key]`` is the effective strength of every pair
    with a relationship in force (inactive staff, and staff in ``without``, at 0.0);
    ``threads[contact_key]`` the staff keys of its strong relationships, sorted by id
    (absent for a contact without relationships);
    ``active`` the staff keys counted as active.
    """

    as_of: dt.date
    half_life: float
    strong: float
    active: frozenset[str]
    by_contact: dict[str, dict[str, float]]
    threads: dict[str, list[str]]

    def best(self, contact: str) -> float | None:
        """The best effective strength to ``contact`` (None when no relationship is in force)."""
        row = self.by_contact.get(contact)
        return max(row.values()) if row else None


def strengths_at(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    without: Collection[str] = (),
    contacts: Iterable[str] | None = None,
) -> Strengths:
    """Effective strengths and threads of every contact of ``G`` (or of ``contacts``,
    node keys) at ``as_of``; ``without`` (staff node keys) counted as inactive.

    The figures come from :func:`relgraph.analysis.frame.pair_strengths`, the one
    implementation of effective strength; this gives them keyed by node.
    """
    wanted = None if contacts is None else list(dict.fromkeys(contacts))
    inp = frame_from_graph(G).strengths
    leaving = set(without)
    gone = [i for i, s in enumerate(inp.staff_ids) if STAFF + ":" + s in leaving]
    ps = pair_strengths(inp, as_of=as_of, half_life=half_life, grace=grace, strong=strong, without=gone)
    return strengths_of_pairs(inp, ps, contacts=wanted)


def strengths_of_pairs(inp: StrengthInputs, ps: PairStrengths, *, contacts: Iterable[str] | None = None) -> Strengths:
    """The :class:`Strengths` (keyed by node) of pair strengths ``ps`` computed from
    ``inp``, for every contact of ``inp`` (or for ``contacts``, node keys)."""
    staff_keys = [STAFF + ":" + s for s in inp.staff_ids]
    contact_keys = [CONTACT + ":" + c for c in inp.contact_ids]
    by_contact: dict[str, dict[str, float]] = {c: {} for c in (contact_keys if contacts is None else contacts)}
    strong_to: dict[str, list[str]] = {}
    for s, c, v, is_strong in zip(ps.staff.tolist(), ps.contact.tolist(), ps.value.tolist(), ps.strong.tolist()):
        ck, sk = contact_keys[c], staff_keys[s]
        row = by_contact.get(ck)
        if row is None:
            continue  # a contact not asked for
        row[sk] = v
        if is_strong:
            mine = strong_to.get(ck)
            if mine is None:
                strong_to[ck] = [sk]
            else:
                mine.append(sk)
    threads = {c: strong_to.get(c, []) for c, row in by_contact.items() if row}
    active = frozenset(s for s, on in zip(staff_keys, ps.active.tolist()) if on)
    return Strengths(ps.as_of, ps.half_life, ps.strong_at, active, by_contact, threads)


def effective_strengths(
    G: nx.MultiDiGraph, *, as_of: dt.date, half_life: float = 180.0, grace: float = 90.0
) -> dict[tuple[str, str], float]:
    """The effective strength of every staff-contact pair with a relationship in force
    at ``as_of``, keyed by (staff node key, contact node key); inactive staff at 0.0.

    Examples
    --------
    >>> import datetime as dt
    >>> from relgraph.readwrite.jsonfile import read_obj
    >>> from relgraph.graph import build_graph
    >>> G = build_graph(read_obj({"accounts": [{"id": "A", "name": "Acme"}],
    ...     "contacts": [{"id": "c1", "name": "Li", "account": "A"}],
    ...     "staff": [{"id": "s1", "name": "Al"}],
    ...     "relationships": [{"staff": "s1", "contact": "c1", "strength": 4,
    ...                        "last_contact": "2024-01-01"}]}))
    >>> effective_strengths(G, as_of=dt.date(2024, 9, 27))  # 270 days: 90 of grace, one half-life
    {('Staff:s1', 'Contact:c1'): 2.0}
    """
    st = strengths_at(G, as_of=as_of, half_life=half_life, grace=grace)
    return {(s, c): v for c, row in st.by_contact.items() for s, v in row.items()}
