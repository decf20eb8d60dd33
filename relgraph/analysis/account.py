"""One account's figures, computed in one pass: everything its map and the report show.

The *account result* of an account at a date gathers what SPEC sections 2 and 4 say
about it: the account figures and coverage cells (:mod:`relgraph.analysis.coverage`),
the effective strength of every relationship in force and which of them are threads
(:mod:`relgraph.analysis.strength`), the links in force (where two join the same pair
with the same type, the stronger counts: :func:`relgraph.analysis.influencers.links_in_force`),
each contact's threads and flag, and, when asked, the best influence paths to one
contact (:func:`relgraph.analysis.paths.influence_paths`). The report also takes the
account's rows of the gaps, threads and rotation-risk lists
(:func:`account_result` with ``lists=True``), and :func:`portfolio_lists` merges them
over the accounts of a portfolio.

A contact's *flag* marks what the map makes glow:

- ``"gap"``: the contact is in a coverage cell that is not covered (``weak`` or
  ``uncovered``), or is a key contact without a thread (*unthreaded*);
- ``"single"``: a key contact with exactly one thread (*single-threaded*);
- None otherwise.

The flag is defined here, once; every other rule comes from the analysis that owns
it (key contact: :func:`~relgraph.analysis.structure.is_key_contact`; in force,
effective strength and threads: :mod:`relgraph.analysis.strength`; cell status:
:mod:`relgraph.analysis.coverage`), so that the map and the report only format the
result and decide nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from ..errors import NotFound, UsageError
from ..graph import CONTACT, KNOWS, STAFF, node_key
from .coverage import frame_coverage, frame_gaps, gap_sort_key
from .frame import frame_from_graph, pair_strengths, select_accounts
from .influencers import links_in_force
from .paths import influence_paths
from .strength import in_force, strengths_of_pairs
from .structure import graph_index, is_key_contact
from .successor import due_soon
from .threads import frame_threads, risk_rows, sole_threads, threads_sort_key

__all__ = [
    "GAP",
    "SINGLE",
    "AccountLists",
    "AccountResult",
    "LinkLine",
    "PortfolioLists",
    "Person",
    "Tie",
    "account_result",
    "portfolio_lists",
    "unit_figures",
]

GAP = "gap"
"""The flag of a contact in a cell that is not covered, or of an unthreaded key contact."""

SINGLE = "single"
"""The flag of a single-threaded key contact."""

NOT_COVERED = ("uncovered", "weak")
"""The statuses of a cell that holds contacts and is not covered (a gap cell)."""


class Person(NamedTuple):
    """One contact of the account (a named tuple, as are :class:`Tie` and
    :class:`LinkLine`: an account may have tens of thousands): ``key`` contact or not, its ``threads`` (how
    many), the status of its coverage ``cell`` (None for role ``other``, which is
    in no cell) and its ``flag`` (see the module docstring)."""

    id: str
    key: bool
    threads: int
    cell: str | None
    flag: str | None


class Tie(NamedTuple):
    """A staff-contact pair with a relationship in force: its effective ``strength``
    (0.0 for inactive staff), whether it is a thread (``strong``), the strength as
    ``recorded`` on the row that counts and its ``last_contact`` (the date its decay
    runs from, the later of the row's date and the newest shared touchpoint; None
    when nothing dates it)."""

    staff: str
    contact: str
    strength: float
    strong: bool
    recorded: float | None = None
    last_contact: dt.date | None = None


class LinkLine(NamedTuple):
    """A link in force between two contacts of the account, one per (source,
    target, type); ``type`` is ``REPORTS_TO`` or ``INFLUENCES``."""

    source: str
    target: str
    type: str
    weight: float


@dataclass(frozen=True)
class AccountLists:
    """The account's rows of the report's lists: ``gaps`` (as the ``gaps`` command,
    unsorted), ``single`` (the ``threads`` rows of its unthreaded and single-threaded
    key contacts, unsorted), ``sole_threads`` (per staff id, the (contact id,
    grade weight x influence) of the key contacts they alone hold), and
    ``contact_names`` (id -> name of every contact)."""

    gaps: tuple[dict[str, Any], ...]
    single: tuple[dict[str, Any], ...]
    sole_threads: Mapping[str, tuple[tuple[str, int], ...]]
    contact_names: Mapping[str, str]
    successors: Mapping[str, str | None] = None  # type: ignore[assignment]


@dataclass(frozen=True)
class AccountResult:
    """Every figure of one account at ``as_of`` (see the module docstring).

    ``figures`` is the account's row of ``coverage`` without its cells (``id``,
    ``name``, ``grade``, the account figures, ``contacts``, ``key_contacts``);
    ``cells`` its coverage cells, ``levels`` (top first) and ``units`` (by id) the
    account's levels and units. ``people`` has one :class:`Person` per contact
    (by id); ``unthreaded`` and ``single`` are the ids of the key contacts with no
    and with one thread. ``ties`` gives each contact's relationships in force (contact id
    -> ties by staff id; contacts without one are left out), ``links`` the links in force (by source, target, type);
    ``active_staff`` the staff ids counted as active; ``team`` the team role of each
    staff member on the account's team (the team row's role, else the staff
    member's own). ``target`` is the contact the ``paths`` lead to (best first;
    empty when none reaches it), or None when none was asked for; ``lists`` the
    report's rows when asked for.
    """

    id: str
    as_of: dt.date
    strong: float
    figures: Mapping[str, Any]
    cells: tuple[Mapping[str, Any], ...]
    levels: tuple[str, ...]
    units: tuple[str, ...]
    people: Mapping[str, Person]
    unthreaded: tuple[str, ...]
    single: tuple[str, ...]
    ties: Mapping[str, tuple[Tie, ...]]
    links: tuple[LinkLine, ...]
    active_staff: frozenset[str]
    team: Mapping[str, str]
    target: str | None = None
    paths: tuple[dict[str, Any], ...] = ()
    lists: AccountLists | None = None

    def gap_cells(self) -> list[Mapping[str, Any]]:
        """The cells that hold contacts and are not covered (``weak``, ``uncovered``)."""
        return [c for c in self.cells if c["status"] in NOT_COVERED]

    def blind_spots(self) -> list[Mapping[str, Any]]:
        """The cells with no contact known (status ``unknown``)."""
        return [c for c in self.cells if c["status"] == "unknown"]


def account_result(
    G: nx.MultiDiGraph,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    to: str | None = None,
    source: str | None = None,
    through_opponents: bool = False,
    lists: bool = False,
    horizon: int = 180,
    rotation_years: int = 3,
) -> AccountResult:
    """The :class:`AccountResult` of the one account of ``G`` at ``as_of``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        One account's graph (:meth:`GraphStore.account_graph`).
    as_of, half_life, grace, strong :
        As in SPEC section 2.
    to : str, optional
        A contact id of this account: also find the best influence paths to it
        (``paths --to``, k = 3).
    source : str, optional
        A staff id: the only start of those paths (``paths --from``); a staff
        member with no tie to this account starts none.
    through_opponents : bool
        Let the paths pass contacts whose attitude is ``opponent``.
    lists : bool
        Also compute the account's rows of the report's lists (:class:`AccountLists`).
    horizon, rotation_years :
        Who is due soon: never suggested for a gap nor named a backup.

    Raises
    ------
    relgraph.errors.UsageError
        ``G`` does not hold exactly one account.
    relgraph.errors.NotFound
        ``to`` is not a contact of this account.

    Examples
    --------
    >>> from relgraph.readwrite.jsonfile import read_obj
    >>> from relgraph.graph import build_graph
    >>> G = build_graph(read_obj({"accounts": [{"id": "A", "name": "Acme"}],
    ...     "contacts": [{"id": "c1", "name": "Li", "account": "A", "role": "decision_maker"}],
    ...     "staff": [{"id": "s1", "name": "Al"}],
    ...     "relationships": [{"staff": "s1", "contact": "c1", "strength": 4}]}))
    >>> r = account_result(G, as_of=dt.date(2024, 6, 1))
    >>> r.people["c1"], r.single
    (Person(id='c1', key=True, threads=1, cell='covered', flag='single'), ('c1',))
    """
    index = graph_index(G)
    if len(index.accounts) != 1:
        raise UsageError(f"a map draws one account; this graph has {len(index.accounts)}")
    acc = index.accounts[0]
    if to is not None and index.contact_account.get(node_key(CONTACT, to)) != acc.id:
        raise NotFound(f"unknown contact {to!r} in account {acc.id!r}")

    F = frame_from_graph(G)
    ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    picked = select_accounts(F, [acc.id])
    st = strengths_of_pairs(F.strengths, ps, contacts=acc.contacts)
    figures = frame_coverage(F, ps, accounts=picked)[0]
    cells = tuple(figures.pop("cells"))
    cell_of = {c: cell["status"] for cell in cells for c in cell["contacts"]}

    nodes = G.nodes
    cut = len(STAFF) + 1  # staff keys are "Staff:<id>"
    people: dict[str, Person] = {}
    ties: dict[str, tuple[Tie, ...]] = {}
    for c in acc.contacts:  # by id
        d = nodes[c]
        cid = d["id"]
        threads = st.threads.get(c, ())
        key = is_key_contact(d)
        cell = cell_of.get(cid)
        if (key and not threads) or cell in NOT_COVERED:
            flag = GAP
        elif key and len(threads) == 1:
            flag = SINGLE
        else:
            flag = None
        people[cid] = Person(cid, key, len(threads), cell, flag)
        row = st.by_contact.get(c)
        if row:
            ties[cid] = tuple([_tie(G, s, c, cut, row[s], s in threads, as_of, half_life, grace) for s in sorted(row)])
    cc = len(CONTACT) + 1  # contact keys are "Contact:<id>"
    links = tuple(
        LinkLine(u[cc:], v[cc:], t, weight) for (u, v, t), weight in sorted(links_in_force(acc, as_of=as_of).items())
    )

    paths: tuple[dict[str, Any], ...] = ()
    if to is not None and (source is None or node_key(STAFF, source) in G):
        paths = tuple(
            influence_paths(
                G, to, as_of=as_of, half_life=half_life, grace=grace, k=3, source=source,
                through_opponents=through_opponents,
            )
        )

    return AccountResult(
        id=acc.id,
        as_of=as_of,
        strong=strong,
        figures=figures,
        cells=cells,
        levels=tuple(acc.levels),
        units=tuple(_id(u) for u in acc.units),
        people=people,
        unthreaded=tuple(c for c, p in people.items() if p.key and p.threads == 0),
        single=tuple(c for c, p in people.items() if p.key and p.threads == 1),
        ties=ties,
        links=links,
        active_staff=frozenset(_id(s) for s in st.active),
        team={_id(s): role or nodes[s].get("role") or "" for s, role in acc.team},
        target=to,
        paths=paths,
        lists=_account_lists(F, ps, picked, people, nodes, acc.contacts,
                             due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years))
        if lists else None,
    )


def _id(key: str) -> str:
    """The data set id of a node key ("Kind:id")."""
    return key[key.index(":") + 1 :]


def _tie(
    G, staff: str, contact: str, cut: int, strength: float, strong: bool, as_of: dt.date, half_life: float, grace: float
) -> Tie:
    """The tie of one pair, explained: the recorded strength of its strongest row in
    force, and the last contact its effective strength decays from (read back from
    the decay itself, so that a newer shared touchpoint counts as it does there)."""
    rows = [a for a in G.pred[contact].get(staff, {}).values() if a.get("type") == KNOWS]
    if len(rows) > 1:  # a pair has a tie only when a row is in force: one row is that row
        rows = [a for a in rows if in_force(a, as_of)]
    if not rows:
        return Tie(staff[cut:], _id(contact), strength, strong)
    row = max(rows, key=lambda a: a["strength"])
    recorded = float(row["strength"])
    last = row.get("last_contact")
    if 0.0 < strength < recorded and half_life > 0:
        # The decay (rules.decay) read backwards: the grace period, then half-lives.
        last = as_of - dt.timedelta(days=round(grace + half_life * math.log2(recorded / strength)))
    return Tie(staff[cut:], _id(contact), strength, strong, recorded, last)


def _account_lists(F, ps, picked, people: Mapping[str, Person], nodes, contact_keys, due) -> AccountLists:
    """The report's rows of one account (the frame functions the portfolio
    commands use, on this account's frame)."""
    fragile = {c for c, p in people.items() if p.key and p.threads <= 1}
    rows = frame_threads(F, ps, accounts=picked, due=due)
    return AccountLists(
        gaps=tuple(frame_gaps(F, ps, accounts=picked, due=due)),
        single=tuple(r for r in rows if r["id"] in fragile),
        sole_threads={s: tuple(items) for s, items in sole_threads(F, ps, picked).items()},
        contact_names={nodes[c]["id"]: nodes[c]["name"] for c in contact_keys},
        successors={r["id"]: r["backup"] for r in rows},
    )


@dataclass(frozen=True)
class PortfolioLists:
    """What the portfolio report lists over every account: ``accounts`` (the
    ``coverage`` rows, cells included), ``gaps`` (highest priority first),
    ``single`` (the unthreaded and single-threaded key contacts, most fragile
    first, as ``threads`` orders them), ``risk`` (the staff who are the only
    thread to a key contact or are due to rotate soon, highest risk first),
    ``contact_names`` and ``staff_names`` (id -> name, every contact and staff member)."""

    as_of: dt.date
    accounts: tuple[dict[str, Any], ...]
    gaps: tuple[dict[str, Any], ...]
    single: tuple[dict[str, Any], ...]
    risk: tuple[dict[str, Any], ...]
    contact_names: Mapping[str, str]
    staff_names: Mapping[str, str]


def portfolio_lists(
    results: Iterable[AccountResult],
    staff: Iterable[dict[str, Any]],
    *,
    as_of: dt.date,
    horizon: int = 180,
    rotation_years: int = 3,
) -> PortfolioLists:
    """Merge the account results of a portfolio (computed with ``lists=True``, in
    account order) and its ``staff`` rows into the report's lists.

    ``results`` is read once, one result at a time, and only the rows listed are
    kept, so that a generator bounds memory by the largest account."""
    accounts, gaps, single = [], [], []
    sole: dict[str, list[tuple[str, int]]] = {}
    names: dict[str, str] = {}
    for r in results:
        if r.lists is None:
            raise ValueError(f"the result of account {r.id!r} has no lists (use lists=True)")
        accounts.append({**r.figures, "cells": list(r.cells)})
        gaps.extend(r.lists.gaps)
        single.extend(r.lists.single)
        for s, items in r.lists.sole_threads.items():
            sole.setdefault(s, []).extend(items)
        names.update(r.lists.contact_names)
    gaps.sort(key=gap_sort_key)
    single.sort(key=threads_sort_key)
    staff = list(staff)
    risk = risk_rows(staff, sole, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
    return PortfolioLists(
        as_of=as_of,
        accounts=tuple(accounts),
        gaps=tuple(gaps),
        single=tuple(single),
        risk=tuple(s for s in risk if s["risk"] > 0 or s["due_soon"]),
        contact_names=names,
        staff_names={s["id"]: s["name"] for s in staff},
    )


def unit_figures(G: nx.MultiDiGraph, result: AccountResult) -> dict[str, dict[str, Any]]:
    """Per unit id of the account (every unit, even an empty one), how its own
    people are held: ``contacts`` (working in the unit itself, not below it),
    ``key`` (key contacts among them), ``threaded`` (key contacts with a thread)
    and ``status``: ``covered`` when every key contact has a thread, ``weak`` when
    some do, ``uncovered`` when none does, ``unknown`` without key contacts (the
    words of the coverage cells, so that the overview reads like the matrix).

    >>> from relgraph.readwrite.jsonfile import read_obj
    >>> from relgraph.graph import build_graph
    >>> G = build_graph(read_obj({"accounts": [{"id": "A", "name": "Acme"}],
    ...     "units": [{"id": "u", "account": "A", "name": "HQ", "level": "hq"}],
    ...     "contacts": [{"id": "c1", "name": "Li", "account": "A", "unit": "u", "role": "decision_maker"}],
    ...     "staff": [{"id": "s1", "name": "Al"}],
    ...     "relationships": [{"staff": "s1", "contact": "c1", "strength": 4}]}))
    >>> unit_figures(G, account_result(G, as_of=dt.date(2024, 6, 1)))
    {'u': {'contacts': 1, 'key': 1, 'threaded': 1, 'status': 'covered'}}
    """
    figures = {u: {"contacts": 0, "key": 0, "threaded": 0} for u in result.units}
    for cid, p in result.people.items():
        unit = G.nodes[node_key(CONTACT, cid)].get("unit")
        if unit not in figures:
            continue
        f = figures[unit]
        f["contacts"] += 1
        if p.key:
            f["key"] += 1
            f["threaded"] += p.threads > 0
    for f in figures.values():
        f["status"] = (
            "unknown" if not f["key"] else "covered" if f["threaded"] == f["key"] else "weak" if f["threaded"] else "uncovered"
        )
    return figures
