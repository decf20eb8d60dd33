"""The relationship plan: who should meet whom, through whom, by when (SPEC section 6).

A *plan action* turns one finding into a dated step for the next ``horizon`` days:
an ``owner`` (an active staff member whose rotation is not due soon, or None where
nobody qualifies), a ``target`` (a key contact, or for a blind spot the cell
``{"level", "role"}``), ``via`` (the intermediate contacts of the owner's best
influence path to the target, in order; empty for a direct tie), a ``due`` date, a
``method`` (one of the five touchpoint methods), a ``priority`` and a ``reason`` in
words. The six kinds, in the order that breaks ties:

1. ``handover``: a staff member due soon is a key contact's only thread; the
   contact's successor when they leave takes it over by ``rotation_due - lead``
   (as-of when that is earlier); priority ``2 * grade_weight * influence``.
2. ``refresh``: a thread (staff not due soon, a key contact) that stops being one
   within the horizon if nobody meets again; due the last day it still is;
   priority ``grade_weight * influence``, doubled for the contact's only thread.
3. ``second_thread``: a single-threaded key contact without a handover; the
   successor builds a second thread by as-of + 90 days.
4. ``reach``: an unthreaded key contact; the best placed staff member by as-of + 90;
   priority ``grade_weight * influence * (1 - best effective strength / 5)``.
5. ``rank``: a key contact with a rank gap of 2 or more; the best placed among the
   staff of seniority at least the contact's minus 1, by a ``visit``.
6. ``blind_spot``: an ``unknown`` cell of a grade S or A account; the cell's
   suggested staff does ``research`` through the coach they reach best; priority the
   gap priority.

"as-of + 90 days" is the horizon's last day when that is sooner. Actions are sorted
by priority (highest first), due date, kind and target.

Every figure comes from the analyses of this package: effective strength and threads
(:func:`relgraph.analysis.frame.pair_strengths`), rotation dates
(:func:`relgraph.analysis.successor.staff_rotation`), best paths and starts
(:mod:`relgraph.analysis.paths`) and the gaps (:func:`relgraph.analysis.coverage.frame_gaps`,
whose suggested staff own the blind spots).

At portfolio size the work is shared, never the rules: the refresh dates of all
threads come from a few evaluations of ``pair_strengths`` (a bisection over days,
:func:`refresh_dues`); each key contact has one path search
(:class:`relgraph.analysis.paths.Search`) that names every owner and route to it,
and shows when a refresh owner's direct tie is already the best path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ..model import COVERAGE_ROLES, GRADE_WEIGHT, level_sort_key
from .access import Access, FrameAccounts
from .account import AccountOptions
from .coverage import FrameGaps
from ..graph import tables_from_graph
from ..memory import trim_freed_memory
from ..rows import paused_gc
from ..tables import TypedTables
from .frame import (
    Frame,
    PairStrengths,
    StrengthInputs,
    best_strengths,
    day,
    frame_of,
    is_key,
    pair_strengths,
    select_accounts,
    unique_ints,
)
from .paths import REL, Search, path_score
from .rules import NO_DATE, decay, horizon_end, in_force_days, is_due
from .successor import best_placed as placed_best
from .successor import not_due, staff_rotation

if TYPE_CHECKING:
    from .account import AccountResult

__all__ = [
    "KINDS",
    "METHOD_BY_ROLE",
    "action_sort_key",
    "frame_plan",
    "horizon_end",
    "refresh_dues",
    "relationship_plan",
]

KINDS = ("handover", "refresh", "second_thread", "reach", "rank", "blind_spot")
"""The kinds of plan action, in the order that breaks ties."""

METHOD_BY_ROLE = {
    "decision_maker": "visit",
    "technical": "tech_exchange",
    "business": "research",
    "finance": "research",
    "user": "model_site",
}
"""The touchpoint method that suits a contact of each role (others: ``meeting``)."""

SOON_DAYS = 90
"""Days from as-of by which the actions without a date of their own are due."""

PLAN_GRADES = ("S", "A")
"""The grades of account whose blind spots get an action."""


# --- the rules of section 2 this plan stands on -----------------------------------------
#
# Each is a thin name for the one function of the analysis package that holds the rule
# (the grace period, `rotates`, best placed), so that the plan never decides one itself.


def strengths(
    inp: StrengthInputs,
    *,
    as_of: dt.date,
    half_life: float,
    grace: float,
    strong: float,
    without: Collection[int] = (),
    contacts: np.ndarray | None = None,
) -> PairStrengths:
    """Effective strengths at ``as_of``: :func:`relgraph.analysis.frame.pair_strengths`,
    ``strength * 0.5 ** (max(0, days - grace) / half_life)`` (``contacts``: of those
    contacts alone)."""
    return pair_strengths(inp, as_of=as_of, half_life=half_life, grace=grace, strong=strong, without=without,
                          contacts=contacts)


def best_placed(
    A: Access,
    targets: Iterable[int],
    *,
    among: Collection[int],
    leave_out: Collection[str] = (),
    allowed: Collection[str] | None = None,
    search: Search | None = None,
) -> int | None:
    """The *best placed* staff node to reach ``targets`` (nodes of ``A``)
    (:func:`relgraph.analysis.successor.best_placed`) among the staff nodes ``among``
    (those not due soon, :func:`relgraph.analysis.successor.not_due`), leaving out
    ``leave_out`` (ids), and only among ``allowed`` (ids) when given; None when there
    is none. The *successor* of a contact is the best placed leaving out the staff
    who leave and the contact's threads. ``search``: the
    :class:`~relgraph.analysis.paths.Search` from ``targets`` to go on with."""
    if allowed is not None:
        ids = A.ids
        among = {s for s in among if ids[s] in allowed}
    return placed_best(A, targets, leaving_out=leave_out, among=among, search=search)


# --- dates ------------------------------------------------------------------------------


def _soon(as_of: dt.date, end: dt.date) -> dt.date:
    return min(as_of + dt.timedelta(days=min(SOON_DAYS, (dt.date.max - as_of).days)), end)


def refresh_dues(
    inp: StrengthInputs,
    pairs: Iterable[tuple[int, int]],
    *,
    as_of: dt.date,
    horizon: int,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
) -> dict[tuple[int, int], dt.date]:
    """The *refresh date* of each thread ``(staff, contact)`` (indexes of ``inp``)
    that stops being a thread within the horizon if nobody meets again: the last day
    D (as-of <= D, D + 1 within the horizon) on which it is still a thread with
    ``as_of=D``, touchpoints after as-of left out. Threads that last the horizon
    are not in the answer.

    Every day asked about is evaluated by :func:`strengths` itself, so a refresh date
    is exactly where the effective strength says. Untended, a pair can only weaken
    (its decay grows, its rows end) except on a day one of its rows comes into force;
    between such days it is a thread up to some day and not after, so the first day
    it is not is found by bisection, all pairs at once: each round asks every pair
    about its own day, by moving the pair's dates back by that many days and asking
    about as-of (every rule depends on day differences only). The first two rounds
    ask about the day the pair's rows point to and the day after (a guess from
    their decay and ends, :func:`_guessed_days`), which settles most pairs.
    """
    keys = unique_ints(np.fromiter(((s << 32) | c for s, c in pairs), dtype=np.int64))
    due = _refresh_days(inp, keys, as_of=as_of, horizon=horizon, half_life=half_life, grace=grace, strong=strong)
    lapsed = keys[due >= 0]
    dates = _days_from(as_of, int(due.max(initial=-1)))
    pairs_due = zip((lapsed >> 32).tolist(), (lapsed & 0xFFFFFFFF).tolist())
    return dict(zip(pairs_due, map(dates.__getitem__, due[due >= 0].tolist())))


def _days_from(as_of: dt.date, days: int) -> list[dt.date]:
    """The dates as-of + 0..``days``: each day made once, not once a pair."""
    return [as_of + dt.timedelta(days=d) for d in range(days + 1)]


def _refresh_days(
    inp: StrengthInputs,
    keys: np.ndarray,
    *,
    as_of: dt.date,
    horizon: int,
    half_life: float,
    grace: float,
    strong: float,
) -> np.ndarray:
    """:func:`refresh_dues` of the pairs ``keys`` (``staff << 32 | contact``, sorted,
    distinct), as arrays: the refresh date of each as days after as-of, -1 for a
    thread that lasts the horizon."""
    days = (horizon_end(as_of, horizon) - as_of).days
    due = np.full(len(keys), -1, dtype=np.int64)
    if not len(keys) or days <= 0:
        return due
    a = day(as_of)
    sub = _rows_of(inp, keys, a)
    row_pair = np.searchsorted(keys, _pair_keys(sub.knows_staff, sub.knows_contact))
    touch_pair = np.searchsorted(keys, _pair_keys(sub.touch_staff, sub.touch_contact))
    # The days (offsets from as-of, 1..days) on which a row of a pair comes into force.
    begins = sub.knows_since - a
    later = (sub.knows_since != NO_DATE) & (begins >= 1) & (begins <= days)
    span = days + 2
    starts = unique_ints(row_pair[later] * span + begins[later])

    def next_start(p: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The first day after ``k`` on which a row of pair ``p`` begins (days + 1: none)."""
        at = np.searchsorted(starts, p * span + k, side="right")
        found = np.append(starts, -1)[at]  # -1: past the last
        return np.where(found // span == p, found % span, days + 1)

    every = np.arange(len(keys))
    lo = np.zeros(len(keys), dtype=np.int64)  # a day on which the pair is a thread
    hi = next_start(every, lo)  # the end of lo's stretch: a day it is not, or a row's start
    failed = np.zeros(len(keys), dtype=bool)  # whether hi is a day it is not a thread
    open_ = np.ones(len(keys), dtype=bool)
    # First every pair is asked about the day its rows point to (:func:`_guessed_days`)
    # and the day after: most are then settled, the others go on by bisection.
    guess = _guessed_days(sub, row_pair, touch_pair, len(keys), a=a, days=days, half_life=half_life, grace=grace,
                          strong=strong)
    for day_asked in (guess, guess + 1):
        asked = np.flatnonzero((lo < day_asked) & (day_asked < hi))
        if len(asked):
            q = day_asked[asked]
            held = _threads_on(sub, row_pair, touch_pair, keys, asked, q, as_of=as_of, half_life=half_life,
                               grace=grace, strong=strong)
            lo[asked[held]] = q[held]
            hi[asked[~held]] = q[~held]
            failed[asked[~held]] = True
    while open_.any():
        settled = open_ & (hi - lo == 1) & (failed | (hi == days + 1))
        due[settled & failed] = lo[settled & failed]
        open_ &= ~settled
        asked = np.flatnonzero(open_)
        if not len(asked):
            break
        probe = hi[asked] - lo[asked] == 1  # the first day of the next stretch
        q = np.where(probe, hi[asked], (lo[asked] + hi[asked]) // 2)
        held = _threads_on(sub, row_pair, touch_pair, keys, asked, q, as_of=as_of, half_life=half_life,
                           grace=grace, strong=strong)
        lo[asked[held]] = q[held]
        grown = asked[held & probe]
        hi[grown] = next_start(grown, lo[grown])
        failed[grown] = False
        hi[asked[~held]] = q[~held]
        failed[asked[~held]] = True
    return due


def _guessed_days(
    sub: StrengthInputs,
    row_pair: np.ndarray,
    touch_pair: np.ndarray,
    n: int,
    *,
    a: int,
    days: int,
    half_life: float,
    grace: float,
    strong: float,
) -> np.ndarray:
    """A guess of the last day (0..``days`` after as-of, day ``a``) on which each of
    the ``n`` pairs stays a thread untended: the last on which one of its rows in
    force at as-of is still in force and strong enough, its strength decayed
    (:func:`relgraph.analysis.rules.decay`) from the later of its last contact and
    the pair's newest touchpoint. A guess only (a row that comes into force later is
    not looked at): :func:`_refresh_days` asks :func:`strengths` about it."""
    last = sub.knows_last.astype(np.int64)
    if len(sub.touch_day):
        newest = np.full(n, NO_DATE, dtype=np.int64)
        np.maximum.at(newest, touch_pair, sub.touch_day)
        np.maximum(last, newest[row_pair], out=last)
    until, dated = sub.knows_until, last != NO_DATE
    live = in_force_days(sub.knows_since, until, a)
    # The decay of every age the days can reach (ages past 65,536 days as that one's).
    oldest = min(int((a + days - last[dated]).max(initial=0)), 1 << 16)
    table = np.fromiter((decay(x, half_life=half_life, grace=grace) for x in range(oldest + 1)), dtype=np.float64,
                        count=oldest + 1)

    strength = sub.knows_strength

    def holds(rows: np.ndarray, d: np.ndarray) -> np.ndarray:
        """Whether each row of ``rows`` is in force and strong enough ``d`` days after as-of."""
        age = a + d - last[rows]
        factor = np.where(dated[rows] & (age >= 0), table[np.clip(age, 0, oldest)], 1.0)
        end = until[rows]
        return live[rows] & (strength[rows] * factor >= strong) & ((end == NO_DATE) | (a + d < end))

    # Each row by bisection (untended, a row only weakens): its last day, -1 for none.
    every = np.arange(len(last))
    lo = np.where(holds(every, np.zeros(len(last), dtype=np.int64)), 0, -1)
    hi = np.full(len(last), days + 1)
    while True:
        rows = np.flatnonzero((lo >= 0) & (hi - lo > 1))
        if not len(rows):
            break
        mid = (lo[rows] + hi[rows]) // 2
        ok = holds(rows, mid)
        lo[rows[ok]], hi[rows[~ok]] = mid[ok], mid[~ok]
    guess = np.zeros(n, dtype=np.int64)
    np.maximum.at(guess, row_pair, np.maximum(lo, 0))
    return guess


def _threads_on(
    sub: StrengthInputs,
    row_pair: np.ndarray,
    touch_pair: np.ndarray,
    keys: np.ndarray,
    asked: np.ndarray,
    q: np.ndarray,
    *,
    as_of: dt.date,
    half_life: float,
    grace: float,
    strong: float,
) -> np.ndarray:
    """Whether each pair ``keys[asked]`` is a thread ``q`` days after as-of: the pair's
    rows and touchpoints of ``sub`` moved ``q`` days back, evaluated at as-of by
    :func:`strengths`."""
    shift = np.zeros(len(keys), dtype=np.int64)
    shift[asked] = q
    wanted = np.zeros(len(keys), dtype=bool)
    wanted[asked] = True
    rows, touches = wanted[row_pair], wanted[touch_pair]
    back, t_back = shift[row_pair[rows]], shift[touch_pair[touches]]

    def moved(days: np.ndarray, by: np.ndarray) -> np.ndarray:
        return np.where(days == NO_DATE, days, days - by)

    shifted = dataclasses.replace(
        sub,
        knows_staff=sub.knows_staff[rows], knows_contact=sub.knows_contact[rows],
        knows_strength=sub.knows_strength[rows], knows_last=moved(sub.knows_last[rows], back),
        knows_since=moved(sub.knows_since[rows], back), knows_until=moved(sub.knows_until[rows], back),
        touch_staff=sub.touch_staff[touches], touch_contact=sub.touch_contact[touches],
        touch_day=sub.touch_day[touches] - t_back,
    )
    ps = strengths(shifted, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    held = np.zeros(len(keys), dtype=bool)
    held[row_pair[rows][ps.row[ps.strong]]] = True  # the pair of each thread's row that counts
    return held[asked]


def _pair_keys(staff: np.ndarray, contact: np.ndarray) -> np.ndarray:
    return (staff.astype(np.int64) << 32) | contact.astype(np.int64)


def _lookup(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``values`` would be in ``keys`` (sorted, distinct, not empty) and
    whether it is there: a binary search each, as the keys are sorted already."""
    at = np.searchsorted(keys, values)
    return at, keys[np.minimum(at, len(keys) - 1)] == values


def _rows_of(inp: StrengthInputs, keys: np.ndarray, a: int) -> StrengthInputs:
    """``inp`` with only the relationship rows of the pairs ``keys`` and their
    touchpoints on or before day ``a`` (no later meeting)."""
    # First the rows and touchpoints of the pairs' contacts (a gather), then of the
    # pairs (a binary search each, of those few).
    theirs = np.zeros(len(inp.contact_ids), dtype=bool)
    theirs[keys & 0xFFFFFFFF] = True
    rows = np.flatnonzero(theirs[inp.knows_contact])
    rows = rows[_lookup(keys, _pair_keys(inp.knows_staff[rows], inp.knows_contact[rows]))[1]]
    touches = np.flatnonzero(theirs[inp.touch_contact] & (inp.touch_day <= a))
    touches = touches[_lookup(keys, _pair_keys(inp.touch_staff[touches], inp.touch_contact[touches]))[1]]
    return dataclasses.replace(
        inp,
        knows_staff=inp.knows_staff[rows], knows_contact=inp.knows_contact[rows],
        knows_strength=inp.knows_strength[rows], knows_last=inp.knows_last[rows],
        knows_since=inp.knows_since[rows], knows_until=inp.knows_until[rows],
        touch_staff=inp.touch_staff[touches], touch_contact=inp.touch_contact[touches],
        touch_day=inp.touch_day[touches],
    )


# --- the plan of a frame -----------------------------------------------------------------


def method_for(role: str | None) -> str:
    """The method that suits a contact of ``role`` (:data:`METHOD_BY_ROLE`)."""
    return METHOD_BY_ROLE.get(role or "", "meeting")


def action_sort_key(action: Mapping[str, Any]) -> tuple:
    """Highest priority first, then earliest due, kind order, target (contacts by id,
    cells by level and role), account."""
    t = action["target"]
    # Flat, as one tuple compares the same as the nested (0, id) / (1, level, role).
    if type(t) is str:
        return (-round(action["priority"], 12), action["due"], _KIND_AT[action["kind"]], 0, t, 0, 0, action["account"])
    return (-round(action["priority"], 12), action["due"], _KIND_AT[action["kind"]], 1, "", level_sort_key(t["level"]),
            COVERAGE_ROLES.index(t["role"]), action["account"])


_KIND_AT = {k: n for n, k in enumerate(KINDS)}


def frame_plan(
    F: Frame,
    ps: PairStrengths,
    *,
    as_of: dt.date,
    rotation: Mapping[str, dt.date | None],
    horizon: int = 180,
    lead: int = 30,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[int] | None = None,
    successors: Mapping[str, str | None] | None = None,
    parts: FrameAccounts | None = None,
    trim: bool = False,
) -> list[dict[str, Any]]:
    """The plan actions of the accounts ``accounts`` (indexes; default all) of frame
    ``F`` at the strengths ``ps`` (:func:`strengths` at ``as_of``), unsorted.

    ``successors``: the successor already found of some key contacts (contact id ->
    staff id or None: the ``backup`` of :func:`relgraph.analysis.threads.frame_threads`
    at the same strengths and staff due soon), taken as the owner of their
    ``handover``, ``second_thread`` or ``reach`` instead of searching again.
    ``parts``: ``F`` cut by account at ``ps``, when the caller has it (and the
    access graphs it keeps: :class:`relgraph.analysis.account.AccountBasis`).
    ``trim``: give the memory freed back to the system at the work's two turns
    (:func:`relgraph.memory.trim_freed_memory`: for a portfolio's frame, where the
    working data freed is tens of megabytes; a trim costs about a millisecond
    whatever was freed, and one account's plan frees little).

    ``rotation`` gives each staff id's ``rotation_due`` (None: never); a staff member
    is *due soon* when it falls on or before the horizon's last day. Each action is
    ``{"kind", "account", "owner", "target", "via", "due", "method", "priority",
    "reason"}`` (see the module docstring) plus ``owner_name``, ``target_name`` and
    ``via_names`` for people to read.
    """
    # The work keeps each action as a tuple (a third of a dict's memory); the dicts
    # are made once its other data, as large as the actions, is gone. It makes
    # hundreds of thousands of small containers, none in a cycle: the collector's
    # full collections over them would cost a tenth of the plan.
    with paused_gc():
        rows = _plan_rows(F, ps, as_of=as_of, rotation=rotation, horizon=horizon, lead=lead, half_life=half_life,
                          grace=grace, strong=strong, accounts=accounts, successors=successors, parts=parts,
                          trim=trim)
        if trim:
            trim_freed_memory()
        return _as_dicts(rows)


ACTION_FIELDS = ("kind", "account", "owner", "target", "via", "due", "method", "priority", "reason",
                 "owner_name", "target_name", "via_names")
"""The keys of a plan action (:func:`frame_plan`), in their order."""


def _as_dicts(rows: list[tuple]) -> list[dict[str, Any]]:
    """The actions ``rows`` (values in :data:`ACTION_FIELDS` order) as dicts, in
    order; ``rows`` is emptied, each tuple let go as its dict is made."""
    rows.reverse()
    out = []
    take, add = rows.pop, out.append
    while rows:
        add(_Action(*take()).__dict__)
    return out


class _Action:
    """The maker of one action's dict: the attribute dict of an instance, which
    shares its table of keys with every other instance's (CPython's key-sharing
    dictionaries, PEP 412), where a plain dict of twelve keys holds its own, so
    that the dict takes 190 bytes instead of 460 (a portfolio's plan has seventy
    thousand). It is a plain ``dict``, in :data:`ACTION_FIELDS` order."""

    def __init__(self, kind: str, account: str, owner: str | None, target: str | dict, via: list[str], due: dt.date,
                 method: str, priority: float, reason: str, owner_name: str | None, target_name: str,
                 via_names: list[str]):
        self.kind, self.account, self.owner, self.target, self.via, self.due = kind, account, owner, target, via, due
        self.method, self.priority, self.reason = method, priority, reason
        self.owner_name, self.target_name, self.via_names = owner_name, target_name, via_names


def _plan_rows(
    F: Frame,
    ps: PairStrengths,
    *,
    as_of: dt.date,
    rotation: Mapping[str, dt.date | None],
    horizon: int,
    lead: int,
    half_life: float,
    grace: float,
    strong: float,
    accounts: Sequence[int] | None,
    successors: Mapping[str, str | None] | None,
    parts: FrameAccounts | None,
    trim: bool,
) -> list[tuple]:
    """:func:`frame_plan`, each action as a tuple of :data:`ACTION_FIELDS`."""
    picked = list(range(len(F.account_ids))) if accounts is None else list(accounts)
    end = horizon_end(as_of, horizon)
    soon = _soon(as_of, end)
    due_soon = {s for s, d in rotation.items() if is_due(d, end)}
    parts = FrameAccounts(F, ps) if parts is None else parts
    key_mask = is_key(F)
    staff_ids, staff_seniority = F.staff_ids, F.staff_seniority.tolist()
    out = _Actions(F)
    senior_from: dict[int, set[str]] = {}  # the staff ids of each seniority or more
    staff_name = out.staff_names

    def successor(A: Access, j: int, i: int, leaving: Collection[str], among: set[int]) -> int | None:
        """The successor of contact ``i`` (node ``j``), its only thread ``leaving`` or nobody."""
        if successors is not None and F.contact_ids[i] in successors:
            known = successors[F.contact_ids[i]]
            return None if known is None else A.staff_node(known)
        return best_placed(A, [j], leave_out=leaving, among=among, search=routes.search(j))

    threads = _Threads(F, ps, key_mask, picked, due_soon, as_of=as_of, horizon=horizon, half_life=half_life,
                       grace=grace, strong=strong)
    best_value = best_strengths(F, ps)

    # The blind spots of the accounts of grade S or A, with their suggested staff,
    # from the access graphs built here.
    graded = any(F.account_grades[a] in PLAN_GRADES for a in picked)
    gaps = FrameGaps(F, ps, due=due_soon, parts=parts) if graded else None
    if trim:
        trim_freed_memory()  # (the bisection's arrays, the pairs': the actions grow from here)

    day_after: dict[dt.date, str] = {}  # the ISO text of the day after each refresh date
    names = out.contact_names
    role_codes, role_values = F.coded("contact_roles")
    method_of = [method_for(r) for r in role_values]  # (by role code: the roles are not decoded)
    for a in picked:
        mine = parts.contacts(a)
        if not mine:
            continue
        A = parts.access(a)
        routes = _Routes(A)
        act = out.account(a, A, mine, routes)
        eligible = not_due(A, due_soon)
        senior: dict[int, set[int]] = {}
        weight = GRADE_WEIGHT.get(F.account_grades[a], 1)
        keyed = parts.picked_contacts(a, key_mask)  # (node, contact): contacts come first in A
        chosen = [i for _, i in keyed]
        node_of = dict(zip(chosen, [j for j, _ in keyed]))
        # The account's refreshes, each a thread (by contact, then staff id), and which
        # of them may have a detour as good as the direct tie (the rest have no via).
        r_contact, r_staff, r_date = threads.refreshes(a)
        r_owner = A.staff_nodes(map(staff_ids.__getitem__, r_staff))
        r_node = list(map(node_of.__getitem__, r_contact))
        r_bound = routes.bounds(r_owner, r_node)
        r_via: dict[int, list[int]] = {}
        asking: dict[int, list[int]] = {}  # contact -> its refreshes to search a via for
        for k, bound in enumerate(r_bound):
            if bound[0] != 0.0:
                asking.setdefault(r_contact[k], []).append(k)
        for (j, i), influence, seniority, n, first, top in zip(
                keyed, F.contact_influence[chosen].tolist(), F.contact_seniority[chosen].tolist(),
                *threads.of(chosen)):
            ranked = n and seniority - top >= 2
            if n > 1 and not ranked and i not in asking:
                continue  # (refreshes only, each a direct tie: made below)
            base = weight * influence
            who = names[i]
            if n == 1 and staff_ids[first] in due_soon:
                rot = rotation[staff_ids[first]]
                heir = successor(A, j, i, {staff_ids[first]}, eligible)
                verb = "rotates on" if rot >= as_of else "was due to rotate on"
                # Compared as day numbers: a long lead may reach before the calendar's start.
                due = as_of if rot.toordinal() - lead <= as_of.toordinal() else rot - dt.timedelta(days=lead)
                act("handover", heir, j, due, "meeting", 2 * base,
                    f"{staff_name[first]} {verb} {rot.isoformat()} and is {who}'s only thread")
            elif n == 1:
                heir = successor(A, j, i, {staff_ids[first]}, eligible)
                act("second_thread", heir, j, soon, method_of[role_codes[i]], base,
                    f"{staff_name[first]} is {who}'s only thread")
            for k in asking.get(i, ()):
                r_via[k] = routes.via(r_owner[k], j, r_bound[k])
            if not n:
                best = max(float(best_value[i]), 0.0)  # (-1.0: no relationship in force)
                act("reach", successor(A, j, i, (), eligible), j, soon, method_of[role_codes[i]], base * (1 - best / 5),
                    f"{who} is a key contact with no thread" + (f" (best strength {best:.1f})" if best > 0 else ""))
            elif ranked:
                least = seniority - 1
                if least not in senior_from:
                    senior_from[least] = {x for x, sen in zip(staff_ids, staff_seniority) if sen >= least}
                if least not in senior:  # this account's eligible staff nodes of that seniority
                    senior[least] = {x for x in eligible if A.ids[x] in senior_from[least]}
                owner = best_placed(A, [j], among=senior[least], search=routes.search(j))
                act("rank", owner, j, soon, "visit", base,
                    f"{who} (seniority {seniority}) is covered only up to seniority {top}")
            routes.forget(j)
        if r_contact:
            # Made a column at a time: most of a plan's actions are refreshes.
            only = (threads.count[r_contact] == 1).tolist()
            whos = list(map(names.__getitem__, r_contact))
            for due in set(r_date) - day_after.keys():
                day_after[due] = (due + dt.timedelta(days=1)).isoformat()
            out.refreshes(
                r_staff, r_contact, r_date, list(map(method_of.__getitem__, role_codes[r_contact].tolist())),
                [weight * inf * (2 if alone else 1) for inf, alone in zip(F.contact_influence[r_contact].tolist(),
                                                                          only)],
                [f"{staff_name[s]}'s relationship with {who} stops being strong on {ends}"
                 + (f"; it is {who}'s only thread" if alone else "")
                 for s, who, ends, alone in zip(r_staff, whos, map(day_after.__getitem__, r_date), only)],
                whos, r_via)
        if gaps is not None and F.account_grades[a] in PLAN_GRADES:
            blind = [g for g in gaps.of(a, A) if g["status"] == "unknown"]
            if blind:
                _blind_spots(out, blind, soon)
    return list(out)


class _Threads:
    """The threads of the key contacts of the accounts ``picked`` of frame ``F`` at
    the strengths ``ps``, and the refresh date (:func:`refresh_dues`) of those whose
    staff member is not due soon, held as arrays by account (a portfolio has a
    hundred thousand such threads and a plan reads one account's at a time):
    :meth:`of` gives some contacts' threads, :meth:`refreshes` an account's."""

    def __init__(self, F: Frame, ps: PairStrengths, key_mask: np.ndarray, picked: Sequence[int],
                 due_soon: Collection[str], *, as_of: dt.date, horizon: int, half_life: float, grace: float,
                 strong: float):
        wanted = np.zeros(len(F.account_ids), dtype=bool)
        wanted[list(picked)] = True
        pairs = np.flatnonzero(ps.strong & key_mask[ps.contact])  # by contact, then staff id
        account = F.contact_account[ps.contact[pairs]]
        pairs, account = pairs[wanted[account]], account[wanted[account]]
        order = np.argsort(account, kind="stable")  # by account, then as before
        pairs = pairs[order]
        self._bounds = np.searchsorted(account[order], np.arange(len(F.account_ids) + 1)).tolist()
        self.contact, self.staff = ps.contact[pairs], ps.staff[pairs]
        # The refresh day of each (days after as-of; -1: none), from one bisection of all.
        leaving = np.array([x in due_soon for x in F.staff_ids], dtype=bool)
        lapsing = np.flatnonzero(~leaving[self.staff])
        keys = _pair_keys(self.staff[lapsing], self.contact[lapsing])
        by_key = np.argsort(keys)  # distinct pairs
        self.days = np.full(len(pairs), -1, dtype=np.int64)
        self.days[lapsing[by_key]] = _refresh_days(F.strengths, keys[by_key], as_of=as_of, horizon=horizon,
                                                   half_life=half_life, grace=grace, strong=strong)
        self.dates = _days_from(as_of, int(self.days.max(initial=-1)))

        # Of each contact: its threads, the first one's staff member (by id) and the
        # highest seniority among them (-1: none).
        self.count = np.bincount(self.contact, minlength=len(F.contact_ids))
        self.first = np.full(len(F.contact_ids), -1, dtype=np.int64)
        self.top = np.full(len(F.contact_ids), -1, dtype=np.int64)
        if len(pairs):  # a contact's threads are one run
            starts = np.flatnonzero(np.r_[True, self.contact[1:] != self.contact[:-1]])
            self.first[self.contact[starts]] = self.staff[starts]
            self.top[self.contact[starts]] = np.maximum.reduceat(F.staff_seniority[self.staff], starts)

    def of(self, contacts: list[int]) -> tuple[list[int], list[int], list[int]]:
        """Of each of ``contacts``: the number of its threads, the staff index of its
        first (by id; -1: none) and the highest seniority among them (-1: none)."""
        return self.count[contacts].tolist(), self.first[contacts].tolist(), self.top[contacts].tolist()

    def refreshes(self, a: int) -> tuple[list[int], list[int], list[dt.date]]:
        """The threads of account ``a``'s key contacts that lapse within the horizon,
        by contact, then staff id: their contacts, staff and refresh dates."""
        lo, hi = self._bounds[a], self._bounds[a + 1]
        lapsing = lo + np.flatnonzero(self.days[lo:hi] >= 0)
        return (self.contact[lapsing].tolist(), self.staff[lapsing].tolist(),
                list(map(self.dates.__getitem__, self.days[lapsing].tolist())))


class _Actions(list):
    """The actions of a frame, each made from nodes of an account's access graph
    and held as a tuple of :data:`ACTION_FIELDS`: :meth:`account` names the account
    an action is of, then each call of what it returns adds one."""

    def __init__(self, F: Frame):
        super().__init__()
        self.F = F
        self.staff_at = {s: i for i, s in enumerate(F.staff_ids)}
        # The names people read: a person's name, or their id where it is empty.
        self.staff_names = [n or s for n, s in zip(F.staff_names, F.staff_ids)]
        self.contact_names = _Names(F.contact_names, F.contact_ids)

    def account(self, a: int, A: Access, mine: list[int], routes: _Routes):
        """Start the actions of account ``a``: its access graph ``A``, whose contact
        node ``j`` is contact ``mine[j]``, and its ``routes``; returns :meth:`add`."""
        self.a, self.A, self.mine, self.routes = a, A, mine, routes
        self.account_id = self.F.account_ids[a]
        self.ids, self.via = A.ids, routes.via
        return self.add

    def add(self, kind: str, owner: int | None, target: int | dict, due: dt.date, method: str, priority: float,
            reason: str) -> None:
        """One action of the account on ``target`` (a contact node, or a cell as
        ``{"cell", "coach"}``, the coach node or None); ``owner`` is a staff node.
        ``via`` is the inner part of the owner's best path to the contact
        (:meth:`_Routes.via`), or ``[coach]`` for a cell."""
        ids, names, mine = self.ids, self.contact_names, self.mine
        if type(target) is int:
            target_id, target_name = ids[target], names[mine[target]]
            via = [] if owner is None else self.via(owner, target)
        else:
            target_id, end = target["cell"], target["coach"]
            target_name = f"{target_id['role']} at {target_id['level']}"
            via = [] if end is None else [end]
        if owner is None:
            owner_id = owner_name = None
        else:
            owner_id = ids[owner]
            owner_name = self.staff_names[self.staff_at[owner_id]]
        # (Most routes are direct ties: no one via.)
        via_ids, via_names = ([ids[v] for v in via], [names[mine[v]] for v in via]) if via else ([], [])
        self.append((
            kind, self.account_id, owner_id, target_id, via_ids, due, method, priority, reason, owner_name,
            target_name, via_names,
        ))  # in ACTION_FIELDS order


    def refreshes(self, staff: list[int], contacts: list[int], dues: list[dt.date], methods: list[str],
                  priorities: list[float], reasons: list[str], target_names: list[str],
                  vias: Mapping[int, Sequence[int]]) -> None:
        """The ``refresh`` actions of the account, the ``k``-th of staff member
        ``staff[k]`` on contact ``contacts[k]`` (frame indexes), whose best path
        from the owner has the inner nodes ``vias[k]`` (none when not given): as
        :meth:`add` makes them, the names read from the frame, a column at a time."""
        n, names, mine, ids = len(staff), self.contact_names, self.mine, self.ids
        via_ids, via_names = [[] for _ in range(n)], [[] for _ in range(n)]
        for k, via in vias.items():
            if via:
                via_ids[k], via_names[k] = [ids[v] for v in via], [names[mine[v]] for v in via]
        self.extend(zip(
            itertools.repeat("refresh", n), itertools.repeat(self.account_id, n),
            map(self.F.staff_ids.__getitem__, staff), map(self.F.contact_ids.__getitem__, contacts), via_ids, dues,
            methods, priorities, reasons, map(self.staff_names.__getitem__, staff), target_names, via_names,
        ))  # in ACTION_FIELDS order


class _Names:
    """``names[i]``: the name of person ``i`` of ``names``, or their id where it is
    empty, taken when asked (a plan names few of a portfolio's contacts)."""

    __slots__ = ("names", "ids")

    def __init__(self, names: Sequence[str | None], ids: Sequence[str]):
        self.names, self.ids = names, ids

    def __getitem__(self, i: int) -> str:
        return self.names[i] or self.ids[i]


NOISE = 1e-13
"""A relative margin above the rounding of a product of probabilities taken in
another order (at most 2.2e-16 a step below probability 1, so for any route of
fewer than 450 such steps), and below the scores' tolerance
(:data:`relgraph.analysis.paths.REL`), so that equal scores stay equal."""


class _Routes:
    """The best influence paths of one account's plan (nodes of its access graph
    ``A``), with the searches they come from kept for the account's later questions:
    one :class:`~relgraph.analysis.paths.Search` from each target contact, which
    names every owner and route to it."""

    def __init__(self, A: Access):
        self.A, self.graph = A, A.flat
        self._to: dict[int, Search] = {}
        self._spare: Search | None = None

    def search(self, target: int) -> Search:
        """The search from contact node ``target``, made once (or the last one let
        go, started again from ``target``)."""
        S = self._to.get(target)
        if S is None:
            S, self._spare = self._spare, None
            if S is None:
                S = Search(self.A, [target])
            else:
                S.restart([target])
            self._to[target] = S
        return S

    def forget(self, target: int) -> None:
        """Let go of the search from ``target`` (asked nothing more): it and its
        arrays serve the account's next search (:meth:`~relgraph.analysis.paths.Search.restart`),
        instead of each search making its own."""
        S = self._to.pop(target, None)
        if S is not None:
            self._spare = S

    def bounds(self, owners: list[int], targets: list[int]) -> list[tuple[float, float]]:
        """:meth:`bound` of each owner and target, in turn."""
        bound = self.graph.detour_bound
        return [bound(o, t, REL, NOISE) for o, t in zip(owners, targets)]

    def bound(self, owner: int, target: int) -> tuple[float, float]:
        """What a detour from ``owner`` to ``target`` must score to beat their direct
        tie, and its second node (:meth:`~relgraph.analysis.settle.FlatGraph.detour_bound`):
        ``(0.0, 0.0)`` when none can, ``(-1.0, -1.0)`` when there is no direct tie."""
        return self.graph.detour_bound(owner, target, REL, NOISE)

    def via(self, owner: int, target: int, bound: tuple[float, float] | None = None) -> list[int]:
        """The intermediate nodes of the best influence path from ``owner`` to
        ``target`` (:meth:`relgraph.analysis.paths.Search.best_path` of the search
        from ``target``). A direct tie at least as good as any detour could be is
        that path without a path walk, as it has the fewest steps (on equal scores,
        up to :data:`~relgraph.analysis.paths.REL`). The detours are bounded first
        by the owner's best other step x the target's best step in from a contact,
        then by their first two steps (:meth:`~relgraph.analysis.settle.FlatGraph.first_step`),
        then by the search from the target, settled as far as a detour can beat the
        direct tie (or until the owner's best score is final,
        :meth:`~relgraph.analysis.paths.Search.best_from`): each detour leaves the
        owner by a step to a contact x (one of those the two steps leave in) and
        scores at most that step x x's best score, which the search tells up to
        rounding (:data:`NOISE`). The search is shared by every question about the
        target, so settling it here costs its later questions nothing. The bounds
        are read from the graph's edge arrays, compiled (:meth:`bound`; ``bound``:
        its answer, when the caller has it)."""
        floor, least = self.bound(owner, target) if bound is None else bound
        if floor == 0.0:
            return []
        # A detour through x scores at most the step to x times x's best score, so
        # only the contacts scoring `least` or more can make one as good as the
        # direct tie; and none beats the owner's best score once it is final. The
        # owner's score is the best of the direct tie (under the floor) and the
        # detours through the contacts settled.
        if floor > 0.0 and self.search(target).best_from({owner}, least) < floor:
            return []
        path = self.search(target).best_path({owner})
        return path[1:-1] if path else []


def _blind_spots(out: _Actions, cells: list[dict[str, Any]], soon: dt.date) -> None:
    """The ``blind_spot`` actions of the account :meth:`_Actions.account` started,
    for its ``unknown`` cells ``cells`` (gaps of
    :func:`relgraph.analysis.coverage.frame_gaps`), each owned by the cell's
    suggested staff, via the coach that owner reaches by the best path (lowest id
    among equals)."""
    F, A, a, routes = out.F, out.A, out.a, out.routes
    coaches = [j for j, i in enumerate(out.mine) if F.contact_coach[i]]
    coach_of: dict[int | None, int | None] = {None: None}
    name = F.account_names[a] or F.account_ids[a]
    for g in cells:
        owner = None if g["suggested_staff"] is None else A.staff_node(g["suggested_staff"])
        if owner not in coach_of:
            scored = []
            for j in coaches:
                path = routes.search(j).best_path({owner})
                if path:
                    scored.append((-round(path_score(A, path), 12), A.ids[j], j))
            coach_of[owner] = min(scored)[2] if scored else None
        cell = {"level": g["level"], "role": g["role"]}
        out.add("blind_spot", owner, {"cell": cell, "coach": coach_of[owner]}, soon, "research", g["priority"],
                f"no {g['role']} contact known at {g['level']} level of {name}")


def relationship_plan(
    G: nx.MultiDiGraph | TypedTables,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    horizon: int = 180,
    lead: int = 30,
    rotation_years: int = 3,
    accounts: Iterable[str] | None = None,
    result: AccountResult | None = None,
) -> list[dict[str, Any]]:
    """The plan actions of every account of ``G`` (a graph, or typed tables such as a
    store's ``tables([account])``; or of ``accounts``, ids), highest
    priority first (:func:`action_sort_key`); see the module docstring and
    :func:`frame_plan` for what each holds.

    ``result``: the :class:`~relgraph.analysis.account.AccountResult` of ``G``'s one
    account, computed with ``lists=True`` and the same options (as its map and
    report have): its strengths and access graph (its ``basis``) are used, and its
    successors not searched again. :class:`ValueError` when its options differ.

    Examples
    --------
    >>> import datetime as dt
    >>> from relgraph.readwrite.jsonfile import read_obj
    >>> from relgraph.graph import build_graph
    >>> G = build_graph(read_obj({"accounts": [{"id": "A", "name": "Acme", "grade": "B"}],
    ...     "contacts": [{"id": "c1", "name": "Li", "account": "A", "role": "decision_maker"}],
    ...     "staff": [{"id": "s1", "name": "Al"}],
    ...     "relationships": [{"staff": "s1", "contact": "c1", "strength": 2, "last_contact": "2026-10-01"}]}))
    >>> plan = relationship_plan(G, as_of=dt.date(2026, 11, 1))
    >>> [(a["kind"], a["owner"], a["target"], a["due"].isoformat()) for a in plan]
    [('reach', 's1', 'c1', '2027-01-30')]
    """
    typed = G if isinstance(G, TypedTables) else tables_from_graph(G)
    F = frame_of(typed)  # an account's tables: the frame its map is drawn from
    basis = None if result is None else result.basis
    if basis is not None and basis.options != AccountOptions(as_of, half_life, grace, strong, horizon, rotation_years):
        raise ValueError(f"the result of account {result.id!r} was computed at other options than this plan's")
    if basis is not None and basis.F is F:  # else computed from a graph converted apart: its own frame
        ps = basis.ps
    else:
        basis = None
        ps = strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
    out = frame_plan(F, ps, as_of=as_of, rotation=staff_rotation(F, rotation_years),
                     horizon=horizon, lead=lead, half_life=half_life, grace=grace, strong=strong,
                     accounts=select_accounts(F, accounts), parts=basis,
                     successors=None if result is None or result.lists is None else result.lists.successors)
    out.sort(key=action_sort_key)
    return out
