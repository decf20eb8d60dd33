"""Effective strength: how strong a relationship is on a given day.

The *effective strength* of a staff-contact relationship is
``strength * 0.5 ** (days since last contact / half_life)``. The last contact is the
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

from ..graph import CONTACT, KNOWS, STAFF

__all__ = [
    "Strengths",
    "decay_factor",
    "effective_strengths",
    "in_force",
    "last_touchpoints",
    "strengths_at",
]


def in_force(row: Mapping[str, Any], as_of: dt.date) -> bool:
    """True when a row with ``since``/``until`` exists at ``as_of``.

    >>> in_force({"since": dt.date(2024, 1, 1), "until": dt.date(2024, 2, 1)}, dt.date(2024, 2, 1))
    False
    """
    since = row.get("since")
    until = row.get("until")
    return (since is None or since <= as_of) and (until is None or as_of < until)


def decay_factor(last: dt.date | None, *, as_of: dt.date, half_life: float = 180.0) -> float:
    """``0.5 ** (days / half_life)`` with ``days = (as_of - last).days``; 1 when
    ``last`` is None or after ``as_of``.

    >>> decay_factor(dt.date(2024, 1, 1), as_of=dt.date(2024, 6, 29), half_life=180)
    0.5
    """
    if last is None or last > as_of:
        return 1.0
    return 0.5 ** ((as_of - last).days / half_life)


def last_touchpoints(G: nx.MultiDiGraph, *, as_of: dt.date) -> dict[str, dict[str, dt.date]]:
    """The newest touchpoint date on or before ``as_of`` per contact id and staff id
    listed together on a touchpoint: ``{contact_id: {staff_id: date}}``."""
    last: dict[str, dict[str, dt.date]] = {}
    for tp in G.graph.get("touchpoints", ()):
        d = tp["date"]
        if d > as_of:
            continue
        for c in tp["contacts"]:
            mine = last.get(c)
            if mine is None:
                mine = last[c] = {}
            for s in tp["staff"]:
                prev = mine.get(s)
                if prev is None or prev < d:
                    mine[s] = d
    return last


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
    strong: float = 3.0,
    without: Collection[str] = (),
    contacts: Iterable[str] | None = None,
) -> Strengths:
    """Effective strengths and threads of every contact of ``G`` (or of ``contacts``,
    node keys) at ``as_of``; ``without`` (staff node keys) counted as inactive."""
    nodes, pred = G._node, G._pred  # plain dicts: this runs over a whole portfolio
    if contacts is None:
        contacts = [n for n, d in nodes.items() if d["kind"] == CONTACT]
    without = frozenset(without)
    active = frozenset(
        n for n, d in nodes.items() if d["kind"] == STAFF and d.get("active", True) is not False and n not in without
    )
    touched = last_touchpoints(G, as_of=as_of)
    factors: dict[dt.date | None, float] = {}  # decay per last-contact date, computed once
    cut = len(STAFF) + 1
    by_contact: dict[str, dict[str, float]] = {}
    threads: dict[str, list[str]] = {}
    for c in contacts:
        row: dict[str, float] = {}
        seen = touched.get(c[len(CONTACT) + 1 :])
        for s, keydict in pred[c].items():
            if s[0] != "S":  # "Staff:..." is the only kind of key starting with S
                continue
            best = -1.0
            tp = seen.get(s[cut:]) if seen else None
            for attrs in keydict.values():
                if attrs["type"] != KNOWS:
                    continue
                since = attrs.get("since")
                if since is not None and since > as_of:
                    continue
                until = attrs.get("until")
                if until is not None and as_of >= until:
                    continue
                last = attrs.get("last_contact")
                if tp is not None and (last is None or tp > last):
                    last = tp
                f = factors.get(last)
                if f is None:
                    f = factors[last] = decay_factor(last, as_of=as_of, half_life=half_life)
                value = attrs["strength"] * f
                if value > best:
                    best = value
            if best >= 0.0:
                row[s] = best if s in active else 0.0
        by_contact[c] = row
        if row:
            mine = [s for s, v in row.items() if v >= strong and s in active]
            if len(mine) > 1:
                mine.sort()  # keys share the "Staff:" prefix: sorted by id
            threads[c] = mine
    return Strengths(as_of, half_life, strong, active, by_contact, threads)


def effective_strengths(
    G: nx.MultiDiGraph, *, as_of: dt.date, half_life: float = 180.0
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
    >>> effective_strengths(G, as_of=dt.date(2024, 6, 29))
    {('Staff:s1', 'Contact:c1'): 2.0}
    """
    st = strengths_at(G, as_of=as_of, half_life=half_life)
    return {(s, c): v for c, row in st.by_contact.items() for s, v in row.items()}
