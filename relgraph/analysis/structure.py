"""The shape of one account's graph, indexed once, for the map
(:func:`relgraph.render.accountmap.map_data`).

Every analysis runs on the frame (:mod:`relgraph.analysis.frame`); this index only
names a graph's nodes for the drawing, through networkx's public API, and goes when
the map's figures come from :mod:`relgraph.analysis.account`.

An *account index* lists, for each account of a graph, what belongs to it: its
contacts and units (sorted by id), the levels that occur in it, its team and the
links between its own contacts. None of this depends on the date; the
date-dependent figures (:mod:`relgraph.analysis.strength`) are computed on top of
it. (The portfolio figures are computed from an analysis frame instead:
:mod:`relgraph.analysis.frame`.)

Analyses work one account at a time: links between contacts of different accounts
are ignored (see :mod:`relgraph.graph`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from ..errors import NotFound
from ..graph import ACCOUNT, CONTACT, INFLUENCES, ON_TEAM, REPORTS_TO, STAFF, UNIT
from ..model import level_sort_key
from .rules import key_contacts


class Link(NamedTuple):
    """A ``reports_to`` or ``influences`` link between two contacts of one account.

    A named tuple rather than a dataclass: an account of a large portfolio has
    thousands of links, indexed on every run."""

    source: str  # contact node key
    target: str  # contact node key
    type: str  # REPORTS_TO or INFLUENCES
    weight: float
    since: dt.date | None
    until: dt.date | None


@dataclass
class AccountIndex:
    """What belongs to one account (node keys, sorted by id).

    ``links`` are indexed on first use (not every analysis needs them).
    """

    G: nx.MultiDiGraph = field(repr=False)
    key: str
    id: str
    name: str
    grade: str
    contacts: list[str]
    units: list[str]
    levels: list[str]
    team: list[tuple[str, str | None]]  # (staff key, team.role) per team row
    _links: list[Link] | None = field(default=None, repr=False)

    @property
    def links(self) -> list[Link]:
        """The reports_to / influences links between this account's own contacts."""
        if self._links is None:
            mine = set(self.contacts)
            links = []
            # out_edges walks the adjacency itself: no view per neighbour.
            for c, v, attrs in self.G.out_edges(self.contacts, data=True):
                if v not in mine:
                    continue  # the account node, a unit, or another account's contact
                t = attrs["type"]
                if t == REPORTS_TO or t == INFLUENCES:
                    links.append(Link(c, v, t, float(attrs["weight"]), attrs.get("since"), attrs.get("until")))
            self._links = links
        return self._links


@dataclass
class GraphIndex:
    """The accounts of a graph, sorted by id, and lookups shared by the analyses."""

    G: nx.MultiDiGraph
    accounts: list[AccountIndex]
    by_id: dict[str, AccountIndex]
    _contact_account: dict[str, str] | None = field(default=None, repr=False)

    @property
    def contact_account(self) -> dict[str, str]:
        """Contact key -> account id (indexed on first use)."""
        if self._contact_account is None:
            self._contact_account = {c: acc.id for acc in self.accounts for c in acc.contacts}
        return self._contact_account

    def account(self, account_id: str) -> AccountIndex:
        try:
            return self.by_id[account_id]
        except KeyError:
            raise NotFound(f"unknown account {account_id!r}") from None

    def selected(self, accounts: list[str] | tuple[str, ...] | None) -> list[AccountIndex]:
        """The accounts named (in the order given, duplicates dropped), or all of them."""
        if accounts is None:
            return list(self.accounts)
        return [self.account(a) for a in dict.fromkeys(accounts)]


def graph_index(G: nx.MultiDiGraph) -> GraphIndex:
    """Index the accounts of ``G`` (one pass over its nodes)."""
    nodes = G.nodes
    accounts: dict[str, AccountIndex] = {}
    contacts: dict[str, list[str]] = {}
    units: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        kind = d["kind"]
        if kind == CONTACT:
            a = d["account"]
            mine = contacts.get(a)
            if mine is None:
                contacts[a] = [n]
            else:
                mine.append(n)
        elif kind == UNIT:
            units.setdefault(d["account"], []).append(n)
        elif kind == ACCOUNT:
            accounts[d["id"]] = AccountIndex(
                G=G, key=n, id=d["id"], name=d["name"], grade=d["grade"],
                contacts=[], units=[], levels=[], team=[],
            )
    for a, acc in accounts.items():
        # Keys share their kind's prefix, so sorting keys sorts by id.
        acc.contacts = sorted(contacts.get(a, ()))
        acc.units = sorted(units.get(a, ()))
        levels = {nodes[c]["level"] for c in acc.contacts}
        levels.update(nodes[u]["level"] for u in acc.units)
        acc.levels = sorted(levels, key=level_sort_key)
        for s, _, attrs in G.in_edges(acc.key, data=True):
            if attrs["type"] == ON_TEAM and nodes[s]["kind"] == STAFF:
                acc.team.append((s, attrs.get("role")))
        acc.team.sort(key=lambda t: (t[0], t[1] or ""))
    ordered = [accounts[a] for a in sorted(accounts)]
    return GraphIndex(G=G, accounts=ordered, by_id={a.id: a for a in ordered})


def is_key_contact(d: dict[str, Any]) -> bool:
    """Whether a contact (its node's attributes) is a *key contact*
    (:func:`relgraph.analysis.rules.key_contacts`)."""
    return bool(key_contacts(d["role"], d["influence"]))
