"""One account's figures, computed in one pass: everything its map and the report show.

The *account result* of an account at a date gathers what SPEC sections 2 and 4 say
about it: the account figures and coverage cells (:mod:`relgraph.analysis.coverage`),
the effective strength of every relationship in force and which of them are threads
(:func:`relgraph.analysis.frame.pair_strengths`), the links in force (where two join
the same pair with the same type, the stronger counts:
:func:`relgraph.analysis.rules.strongest`), each contact's threads and flag, and, when
asked, the best influence paths to one contact (:func:`relgraph.analysis.paths.frame_paths`).
The report also takes the account's rows of the gaps, threads and rotation-risk lists
(:func:`account_result` with ``lists=True``), and :func:`portfolio_lists` merges them
over the accounts of a portfolio; the map also takes the account's plan
(:func:`relgraph.analysis.plan.relationship_plan` of its tables). All of it is
computed from the one frame of the account's typed tables (:func:`account_frame`),
built once however often it is asked for, and from one :class:`AccountBasis`: the
strengths at the date and the account's access graph, which the result hands on to
the account's plan so that neither is built twice.

A contact's *flag* marks what the map makes glow:

- ``"gap"``: the contact is in a coverage cell that is not covered (``weak`` or
  ``uncovered``), or is a key contact without a thread (*unthreaded*);
- ``"single"``: a key contact with exactly one thread (*single-threaded*);
- None otherwise.

The flag is defined here, once; every other rule comes from the analysis that owns
it (key contact: :func:`~relgraph.analysis.rules.key_contacts`; in force,
effective strength and threads: :mod:`relgraph.analysis.frame`; cell status:
:mod:`relgraph.analysis.coverage`), so that the map and the report only format the
result and decide nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from ..errors import NotFound, UsageError
from ..graph import INFLUENCES, REPORTS_TO, tables_from_graph
from ..model import level_sort_key
from ..tables import TypedTables
from .access import Access, FrameAccounts, contact_index
from .coverage import FrameGaps, frame_coverage, gap_sort_key
from .frame import Frame, PairStrengths, frame_of, is_key, pair_strengths, thread_counts
from .paths import frame_paths
from .rules import date_of, strongest
from .successor import due_soon
from .threads import frame_threads, risk_rows, sole_threads, threads_sort_key

__all__ = [
    "GAP",
    "SINGLE",
    "AccountBasis",
    "AccountLists",
    "AccountOptions",
    "AccountResult",
    "LinkLine",
    "PortfolioLists",
    "Person",
    "Tie",
    "account_frame",
    "account_result",
    "account_tables",
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
class AccountOptions:
    """The options an account's figures are computed at: ``as_of``, ``half_life``,
    ``grace`` and ``strong`` (SPEC section 2), and ``horizon`` and
    ``rotation_years`` (who is due soon: never suggested for a gap nor named a
    backup)."""

    as_of: dt.date
    half_life: float = 180.0
    grace: float = 90.0
    strong: float = 3.0
    horizon: int = 180
    rotation_years: int = 3


class AccountBasis(FrameAccounts):
    """The *basis* of one account's figures: its frame cut by account
    (:class:`~relgraph.analysis.access.FrameAccounts`) with the strengths at
    ``options`` (``ps``), whose access graphs are each built once, when first asked
    for, and then kept. An account's result and its plan
    (:func:`relgraph.analysis.plan.relationship_plan` with ``result=``) share one,
    so that neither the strengths nor the access graph are computed twice; it holds
    one account's graphs, so it is made for one account's frame alone."""

    def __init__(self, F: Frame, options: AccountOptions):
        super().__init__(
            F, pair_strengths(F.strengths, as_of=options.as_of, half_life=options.half_life, grace=options.grace,
                              strong=options.strong)
        )
        self.options = options
        self._graphs: dict[tuple[int, bool], Access] = {}

    def access(self, a: int, *, through_opponents: bool = False) -> Access:
        """The access graph of account ``a`` (:meth:`FrameAccounts.access`), built once."""
        graph = self._graphs.get((a, through_opponents))
        if graph is None:
            graph = self._graphs[(a, through_opponents)] = super().access(a, through_opponents=through_opponents)
        return graph


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
    basis: AccountBasis | None = field(default=None, compare=False, repr=False)
    """What the figures were computed from (:class:`AccountBasis`), for the account's
    plan; :meth:`without_basis` lets go of it once the plan is made."""

    def without_basis(self) -> AccountResult:
        """This result without its :attr:`basis` (the access graph and strengths, a
        large part of a big account's memory), for a caller whose plan is made."""
        return dataclasses.replace(self, basis=None)

    def gap_cells(self) -> list[Mapping[str, Any]]:
        """The cells that hold contacts and are not covered (``weak``, ``uncovered``)."""
        return [c for c in self.cells if c["status"] in NOT_COVERED]

    def blind_spots(self) -> list[Mapping[str, Any]]:
        """The cells with no contact known (status ``unknown``)."""
        return [c for c in self.cells if c["status"] == "unknown"]


def account_tables(data: nx.MultiDiGraph | TypedTables) -> TypedTables:
    """The typed tables of one account's data: ``data`` itself (a store's
    ``tables([account])``), or a graph converted at the edge
    (:func:`relgraph.graph.tables_from_graph`)."""
    # Tables are told apart first: asking whether they are a graph would load
    # networkx (deferred: relgraph.deferred), which a map from files never needs.
    return data if isinstance(data, TypedTables) else tables_from_graph(data)


def account_frame(data: nx.MultiDiGraph | TypedTables) -> Frame:
    """The analysis frame of one account's tables or graph (built once per typed
    tables object: :func:`relgraph.analysis.frame.frame_of`).

    Raises :class:`relgraph.errors.UsageError` when it does not hold exactly one account."""
    F = frame_of(account_tables(data))
    if len(F.account_ids) != 1:
        raise UsageError(f"a map draws one account; this graph has {len(F.account_ids)}")
    return F


def account_result(
    data: nx.MultiDiGraph | TypedTables,
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
    """The :class:`AccountResult` of the one account of ``data`` at ``as_of``.

    Parameters
    ----------
    data : TypedTables or networkx.MultiDiGraph
        One account's typed tables (:meth:`GraphStore.tables` of ``[account]``),
        or its graph (:meth:`GraphStore.account_graph`, converted to tables here).
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
        ``data`` does not hold exactly one account.
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
    F = account_frame(data)
    if to is not None:
        try:
            contact_index(F, to)
        except NotFound:
            raise NotFound(f"unknown contact {to!r} in account {F.account_ids[0]!r}") from None

    options = AccountOptions(as_of, half_life, grace, strong, horizon, rotation_years)
    parts = AccountBasis(F, options)
    ps = parts.ps
    picked = [0]
    figures = frame_coverage(F, ps, accounts=picked)[0]
    cells = tuple(figures.pop("cells"))
    cell_of = {c: cell["status"] for cell in cells for c in cell["contacts"]}

    key = is_key(F).tolist()
    threads = thread_counts(F, ps).tolist()
    people: dict[str, Person] = {}
    make_person = Person._make  # tens of thousands: tuple.__new__ rather than the keyword-taking one
    for i, cid in enumerate(F.contact_ids):  # by id
        n, is_key_contact, cell = threads[i], bool(key[i]), cell_of.get(cid)
        if (is_key_contact and not n) or cell in NOT_COVERED:
            flag = GAP
        elif is_key_contact and n == 1:
            flag = SINGLE
        else:
            flag = None
        people[cid] = make_person((cid, is_key_contact, n, cell, flag))

    ids = F.contact_ids
    in_force = (
        (ids[u], (ids[v], INFLUENCES if influences else REPORTS_TO), w, 0) for u, v, influences, w in parts.links(0)
    )
    links = tuple(map(LinkLine._make, ((u, v, t, w) for (u, (v, t)), (w, _) in sorted(strongest(in_force).items()))))

    paths: tuple[dict[str, Any], ...] = ()
    if to is not None and (source is None or source in set(F.staff_ids)):
        paths = tuple(frame_paths(parts, to, k=3, source=source, through_opponents=through_opponents))

    due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years) if lists else frozenset()
    staff_roles = F.staff_roles
    team = sorted(zip(F.team_staff.tolist(), F.team_roles), key=lambda t: (t[0], t[1] or ""))
    levels = set(F.contact_levels) | set(F.unit_levels)
    return AccountResult(
        id=F.account_ids[0],
        as_of=as_of,
        strong=strong,
        figures=figures,
        cells=cells,
        levels=tuple(sorted(levels, key=level_sort_key)),
        units=tuple(F.unit_ids),
        people=people,
        unthreaded=tuple(c for c, p in people.items() if p.key and p.threads == 0),
        single=tuple(c for c, p in people.items() if p.key and p.threads == 1),
        ties=_ties(F, ps),
        links=links,
        active_staff=frozenset(s for s, on in zip(F.staff_ids, ps.active.tolist()) if on),
        team={F.staff_ids[s]: role or staff_roles[s] or "" for s, role in team},
        target=to,
        paths=paths,
        lists=_account_lists(parts, people, due) if lists else None,
        basis=parts,
    )


def _ties(F: Frame, ps: PairStrengths) -> dict[str, tuple[Tie, ...]]:
    """Each contact's ties (contact id -> ties by staff id), explained: the strength
    recorded on the row that counts and its last contact, the date its effective
    strength decays from (:class:`relgraph.analysis.frame.PairStrengths`, whose
    pairs come ordered by contact then staff: each contact's ties are one run)."""
    staff_ids, contact_ids = F.staff_ids, F.contact_ids
    contacts = ps.contact.tolist()
    last = ps.last.tolist()
    dates = {d: date_of(d) for d in set(last)}
    ties = list(
        map(
            Tie._make,
            zip(
                [staff_ids[s] for s in ps.staff.tolist()], [contact_ids[c] for c in contacts], ps.value.tolist(),
                ps.strong.tolist(), map(float, F.strengths.knows_strength[ps.row].tolist()), [dates[d] for d in last],
            ),
        )
    )
    starts = np.flatnonzero(np.diff(ps.contact, prepend=-1)).tolist() if contacts else []
    bounds = [*starts, len(ties)]
    return {contact_ids[contacts[i]]: tuple(ties[i:j]) for i, j in zip(bounds, bounds[1:])}


def _account_lists(parts: AccountBasis, people: Mapping[str, Person], due) -> AccountLists:
    """The report's rows of one account (the frame functions the portfolio
    commands use, on this account's frame and its one access graph)."""
    F, ps, picked = parts.F, parts.ps, [0]
    fragile = {c for c, p in people.items() if p.key and p.threads <= 1}
    rows = frame_threads(F, ps, accounts=picked, due=due, parts=parts)
    return AccountLists(
        gaps=tuple(FrameGaps(F, ps, due=due, parts=parts).of(0)),
        single=tuple(r for r in rows if r["id"] in fragile),
        sole_threads={s: tuple(items) for s, items in sole_threads(F, ps, picked).items()},
        contact_names=dict(zip(F.contact_ids, F.contact_names)),
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


def unit_figures(data: nx.MultiDiGraph | TypedTables, result: AccountResult) -> dict[str, dict[str, Any]]:
    """Per unit id of the account (every unit, even an empty one), how its own
    people are held: ``contacts`` (working in the unit itself, not below it),
    ``key`` (key contacts among them), ``threaded`` (key contacts with a thread)
    and ``status``: ``covered`` when every key contact has a thread, ``weak`` when
    some do, ``uncovered`` when none does, ``unknown`` without key contacts (the
    words of the coverage cells, so that the overview reads like the matrix).
    ``data`` is what ``result`` was computed from (the account's tables or graph).

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
    F = account_frame(data)
    figures = {u: {"contacts": 0, "key": 0, "threaded": 0} for u in result.units}
    unit_ids = F.unit_ids
    for cid, u in zip(F.contact_ids, F.contact_unit.tolist()):
        if u < 0 or unit_ids[u] not in figures:
            continue
        p = result.people[cid]
        f = figures[unit_ids[u]]
        f["contacts"] += 1
        if p.key:
            f["key"] += 1
            f["threaded"] += p.threads > 0
    for f in figures.values():
        f["status"] = (
            "unknown" if not f["key"] else "covered" if f["threaded"] == f["key"] else "weak" if f["threaded"] else "uncovered"
        )
    return figures
