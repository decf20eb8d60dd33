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
    """The newest touchpoint date on or before ``as_of`` per staff id and contact id
    listed together on a touchpoint: ``{staff_id: {contact_id: date}}``."""
    last: dict[str, dict[str, dt.date]] = {}
    for tp in G.graph.get("touchpoints", ()):
        d = tp["date"]
        if d > as_of:
            continue
        listed = tp["contacts"]
        for s in tp["staff"]:
            mine = last.get(s)
            if mine is None:
                mine = last[s] = {}
            for c in listed:
                prev = mine.get(c)
                if prev is None or prev < d:
                    mine[c] = d
    return last


_FACTORS: dict[tuple[dt.date, float], dict[dt.date | None, float]] = {}


def _decay_factors(as_of: dt.date, half_life: float) -> dict[dt.date | None, float]:
    """A cache of :func:`decay_factor` per last-contact date for one (as-of, half-life):
    a portfolio holds a few thousand distinct dates over hundreds of thousands of
    relationships, and every account of a command shares them."""
    key = (as_of, half_life)
    factors = _FACTORS.get(key)
    if factors is None:
        if len(_FACTORS) >= 8:
            _FACTORS.clear()
        factors = _FACTORS[key] = {None: 1.0}
    return factors


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
    nodes, succ = G._node, G._succ  # plain dicts: this runs over a whole portfolio
    if contacts is None:
        contacts = [n for n, d in nodes.items() if d["kind"] == CONTACT]
    staff = sorted(n for n, d in nodes.items() if d["kind"] == STAFF)  # "Staff:" keys sort by id
    without = frozenset(without)
    active = frozenset(s for s in staff if nodes[s].get("active", True) is not False and s not in without)
    touched = last_touchpoints(G, as_of=as_of)
    cut = len(CONTACT) + 1
    factors = _decay_factors(as_of, half_life)
    by_contact: dict[str, dict[str, float]] = {c: {} for c in contacts}
    strong_to: dict[str, list[str]] = {}
    # Staff by staff (fewer, shorter adjacency lists than contact by contact, and the
    # threads come out sorted by staff id).
    for s in staff:
        seen = touched.get(nodes[s]["id"])
        is_active = s in active
        for c, keydict in succ[s].items():
            row = by_contact.get(c)
            if row is None:
                continue  # the account (team membership), or a contact not asked for
            best = -1.0
            tp = seen.get(c[cut:]) if seen else None
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
                if is_active:
                    row[s] = best
                    if best >= strong:
                        mine = strong_to.get(c)
                        if mine is None:
                            strong_to[c] = [s]
                        else:
                            mine.append(s)
                else:
                    row[s] = 0.0
    threads = {c: strong_to.get(c, []) for c, row in by_contact.items() if row}
    return Strengths(as_of, half_life, strong, active, by_contact, threads)


def selected_strengths(
    G: nx.MultiDiGraph,
    accounts: Iterable[str] | None,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
) -> tuple[list, Strengths]:
    """The indexes of ``accounts`` of ``G`` (all when None; unknown ids raise
    :class:`relgraph.errors.NotFound`) and the strengths of their contacts at ``as_of``."""
    from .structure import graph_index

    selected = graph_index(G).selected(None if accounts is None else list(accounts))
    contacts = [c for a in selected for c in a.contacts]
    return selected, strengths_at(G, as_of=as_of, half_life=half_life, strong=strong, contacts=contacts)


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
