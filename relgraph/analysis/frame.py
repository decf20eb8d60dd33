"""The analysis frame: what every figure is computed from, as arrays.

A *frame* holds the accounts, units, contacts and staff of a data set (each sorted
by id, so that an index order is an id order), and the rows that join them
(relationships, links, team rows, touchpoints) as integer indexes into those lists,
with dates as whole days since 1970 (:data:`NO_DATE` when not given).

Every figure of SPEC section 2 is computed from a frame, by one implementation
whatever the store: there is one builder, :func:`frame_from_tables`, from the typed
tables every store yields (:mod:`relgraph.tables`); a graph handed to the library's
graph functions is converted to typed tables first (:func:`frame_from_graph`).
Links between contacts of two accounts, and references to rows the tables do not
hold (a touchpoint of an account's share listing another account's contact), are
left out here, once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa
from .. import arrowcompute as pc

from ..errors import NotFound
from ..graph import tables_from_graph
from ..tables import CODED_PARTS, TypedTables, ascending, coding, effective_level_codes, listed_together, one_array
from .rules import NO_DATE, day, decay, in_force_days, key_contacts, rotates

__all__ = [
    "NO_DATE",
    "Frame",
    "PairStrengths",
    "StrengthInputs",
    "best_strengths",
    "contacts_of",
    "day",
    "frame_from_graph",
    "frame_from_tables",
    "frame_of",
    "in_force_days",
    "is_key",
    "select_accounts",
    "pair_strengths",
    "thread_counts",
    "unique_ints",
]


def unique_ints(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an integer array (sorted, each value once, of its dtype):
    values over a range no wider than a few times their number (accounts,
    units, cells of accounts) are counted (``np.bincount``: a pass, a twentieth
    of a sort's time on 200,000 contacts' units), the others sorted (numpy 2's
    hash-based ``unique`` takes fifty times as long on half a million values
    spread over a wide range, packed pair keys, and its first call imports
    ``numpy.ma``, 20 ms).

    >>> unique_ints(np.array([7, 3, 7, -1], dtype=np.int32)), unique_ints(np.array([5, 1 << 40, 5]))
    (array([-1,  3,  7], dtype=int32), array([            5, 1099511627776]))
    """
    if not len(values):
        return values.copy()
    low, high = int(values.min()), int(values.max())
    if high - low <= 4 * len(values):
        found = np.flatnonzero(np.bincount(values - low if low else values, minlength=high - low + 1))
        if low:
            found += low
        return found.astype(values.dtype, copy=False)
    s = values if bool((values[1:] >= values[:-1]).all()) else np.sort(values)  # often in order already
    return s[np.r_[True, s[1:] != s[:-1]]]


def _floats(values: Iterable[float]) -> np.ndarray:
    return np.fromiter(values, dtype=np.float64)


@dataclass
class StrengthInputs:
    """What effective strengths are computed from.

    ``staff_ids`` and ``contact_ids`` are sorted; ``staff_active`` is the staff's
    ``active`` flag. ``knows_*`` has one entry per relationship row (staff and
    contact indexes, strength, and the days of ``last_contact``, ``since`` and
    ``until``); ``touch_*`` one entry per (touchpoint, staff member listed, contact
    listed) with the touchpoint's day, of every pair of those rows and perhaps of
    others (a touchpoint counts only for a pair with a row): a frame of tables holds
    those its sieve let through (:func:`_touch_pairs`), one of a graph them all.
    """

    staff_ids: list[str]
    staff_active: np.ndarray
    contact_ids: list[str]
    knows_staff: np.ndarray
    knows_contact: np.ndarray
    knows_strength: np.ndarray
    knows_last: np.ndarray
    knows_since: np.ndarray
    knows_until: np.ndarray
    touch_staff: np.ndarray
    touch_contact: np.ndarray
    touch_day: np.ndarray


@dataclass
class PairStrengths:
    """The effective strength of every (staff, contact) pair with a relationship in
    force at one date, ordered by contact then staff (so by their ids).

    ``value`` is the effective strength of the strongest row of the pair, or 0.0
    when the staff member counts as inactive; ``strong`` marks the threads (active
    staff, value >= the strong threshold); ``active`` is the per-staff flag used.
    ``row`` is the relationship row that counts (an index into the inputs'
    ``knows_*``: the strongest in force, the first in row order on a tie) and
    ``last`` the day of its last contact as the decay counts it (the later of the
    row's ``last_contact`` and the pair's newest touchpoint on or before as-of;
    :data:`NO_DATE` with neither).
    """

    as_of: dt.date
    half_life: float
    strong_at: float
    staff: np.ndarray
    contact: np.ndarray
    value: np.ndarray
    strong: np.ndarray
    active: np.ndarray
    grace: float = 90.0
    row: np.ndarray | None = None
    last: np.ndarray | None = None

    def of_contacts(self, keep: np.ndarray) -> PairStrengths:
        """The same strengths with only the pairs of the contacts for which ``keep``
        (a mask over the frame's contacts) holds, in the same order: for a caller
        that works on a few accounts of a large frame."""
        mine = keep[self.contact]
        cut = {
            name: getattr(self, name)[mine]
            for name in ("staff", "contact", "value", "strong", "row", "last")
            if getattr(self, name) is not None
        }
        return dataclasses.replace(self, **cut)


def pair_strengths(
    inp: StrengthInputs,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    without: Collection[int] = (),
    grace: float = 90.0,
    contacts: np.ndarray | None = None,
) -> PairStrengths:
    """Effective strengths at ``as_of`` (SPEC section 2), staff indexes ``without``
    counted as inactive; ``contacts``: a mask over the contacts, for the pairs of
    those alone (what :meth:`PairStrengths.of_contacts` keeps of all of them, the
    rows of the others never looked at: a process given some of a portfolio's
    accounts works out only their contacts' strengths).

    The effective strength of a row is ``strength * decay(days)``
    (:func:`relgraph.analysis.rules.decay`: full strength for ``grace`` days, then
    halving every ``half_life`` days), ``days`` counted from the later of its ``last_contact`` and the newest
    touchpoint on or before as-of listing both people (no decay with neither, or
    after as-of); rows not in force at as-of are left out; the strongest row of a
    pair counts. The decay factor is computed once per distinct day count by
    :func:`~relgraph.analysis.rules.decay`, so that every caller gets bit-identical
    values.
    """
    a = day(as_of)
    active = inp.staff_active.copy()
    if without:
        active[np.fromiter(without, dtype=np.int64)] = False
    in_force = in_force_days(inp.knows_since, inp.knows_until, a)
    if contacts is not None:
        in_force &= contacts[inp.knows_contact]
    keep = np.flatnonzero(in_force)
    del in_force
    # The rows by pair, contact then staff: the order of the result, and sorted
    # keys make the look-up of their touchpoints below fast. (Stable: within a
    # pair the rows stay in row order, for the row that counts on a tie.)
    key = inp.knows_contact[keep] << 32
    key |= inp.knows_staff[keep]
    order = np.argsort(key, kind="stable")
    key, keep = key[order], keep[order]
    del order
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    # Each pair of one row, as in most portfolios: the rows are the pairs (no
    # spreading, maximum or search over a pair's rows below).
    single = len(starts) == len(key)
    pairs = key if single else key[starts]
    last = inp.knows_last[keep]
    # The newest touchpoint on or before as-of listing both people of each row.
    if len(inp.touch_day) and len(key):
        newest = touched_days(pairs, inp.touch_contact, inp.touch_staff, inp.touch_day, a)
        np.maximum(last, newest if single else np.repeat(newest, np.diff(np.r_[starts, len(key)])), out=last)
        del newest
    decays = (last != NO_DATE) & (last <= a)
    factor = np.ones(len(last))
    if decays.any():
        # One decay per distinct age (a few thousand days at most), looked up by age.
        age = a - last[decays]
        ages = np.flatnonzero(np.bincount(age))
        table = np.zeros(ages[-1] + 1)
        table[ages] = _floats(decay(int(x), half_life=half_life, grace=grace) for x in ages.tolist())
        factor[decays] = table[age]
    eff = inp.knows_strength[keep] * factor
    # The strongest row of each pair.
    if single:
        best, counts = eff, slice(None)
    else:
        best = np.maximum.reduceat(eff, starts)
        counts = _counting_rows(starts, eff, best)
    ps, pc = pairs & 0xFFFFFFFF, pairs >> 32
    is_active = active[ps]
    value = np.where(is_active, best, 0.0)
    return PairStrengths(
        as_of=as_of,
        half_life=half_life,
        strong_at=strong,
        staff=ps,
        contact=pc,
        value=value,
        strong=is_active & (best >= strong),
        active=active,
        grace=grace,
        row=keep[counts],
        last=last[counts],
    )


def touched_days(pairs: np.ndarray, contact: np.ndarray, staff: np.ndarray, days: np.ndarray, a: int) -> np.ndarray:
    """For each of ``pairs`` (distinct sorted keys ``contact << 32 | staff``) the
    newest of ``days`` on or before day ``a`` of the touchpoint entries (``contact``,
    ``staff``, ``days``: one per touchpoint, staff member and contact listed) of
    that pair; ``NO_DATE`` where there is none.

    The entries are looked up sorted (a binary search each, in step). Where they
    outnumber the pairs they are sieved first (:func:`staff_bits`: a frame built
    from tables holds the entries its sieve let through, about as many as the
    pairs; one built from a graph holds them all): on the 300-account portfolio
    20,000 of 650,000 are of a pair (people met together who have no relationship
    row), and the sieve lets through 34,000. Without it, a sort of every entry by
    pair took three times as long.

    >>> touched_days(np.array([1 << 32 | 2, 1 << 32 | 66, 3 << 32 | 2]), np.array([1, 1, 1, 3, 0]),
    ...              np.array([66, 66, 2, 3, 2]), np.array([10, 12, 11, 5, 9]), 11).tolist()
    [11, 10, -2147483648]
    """
    newest = np.full(len(pairs), NO_DATE, dtype=np.int64)
    if not len(pairs) or not len(contact):
        return newest
    if len(contact) > len(pairs):
        held = staff_bits(pairs >> 32, pairs & 0xFFFFFFFF, max(int(contact.max()), int(pairs[-1] >> 32)) + 1)
        maybe = np.flatnonzero(held[contact] & _bit(staff))
        maybe = maybe[days[maybe] <= a]
    else:  # (fewer entries than pairs, as a frame of tables holds: sieved already)
        maybe = np.flatnonzero(days <= a)
    key = contact[maybe] << 32
    key |= staff[maybe]
    order = np.argsort(key)
    key, on = key[order], days[maybe[order]]
    at = np.searchsorted(pairs, key)
    np.minimum(at, len(pairs) - 1, out=at)
    hit = pairs[at] == key
    np.maximum.at(newest, at[hit], on[hit])
    return newest


def _counting_rows(starts: np.ndarray, eff: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Per pair (groups of ``eff``, sorted by pair, beginning at ``starts``), the
    position of its first row of the ``best`` strength.
    Most pairs have one row: only pairs of several are searched."""
    rows = starts.copy()
    sizes = np.diff(np.r_[starts, len(eff)])
    if len(sizes) and sizes.max() > 1:
        group = np.repeat(np.arange(len(starts)), sizes)
        hit = np.flatnonzero(eff == best[group])
        first = np.r_[True, group[hit][1:] != group[hit][:-1]]
        rows[group[hit][first]] = hit[first]
    return rows


def best_strengths(F: Frame, ps: PairStrengths) -> np.ndarray:
    """The best effective strength of each contact of ``F`` over its pairs in ``ps``
    (-1.0 for a contact with no relationship in force)."""
    best = np.full(len(F.contact_ids), -1.0)
    if len(ps.contact):  # pairs by contact: each contact's run starts where the contact changes
        starts = np.flatnonzero(np.r_[True, ps.contact[1:] != ps.contact[:-1]])
        best[ps.contact[starts]] = np.maximum.reduceat(ps.value, starts)
    return best


def thread_counts(F: Frame, ps: PairStrengths) -> np.ndarray:
    """The threads of each contact of ``F`` at the strengths ``ps`` (a count)."""
    return np.bincount(ps.contact[ps.strong], minlength=len(F.contact_ids))


class Frame:
    """The frame of a graph or data set (see the module docstring).

    Contacts: ``contact_account`` (account index), ``contact_levels`` (the effective
    level, :func:`relgraph.tables.effective_levels`), ``contact_roles``,
    ``contact_influence``, ``contact_seniority`` and ``staff_seniority`` (as
    validated, defaults applied), ``contact_attitudes``, ``contact_unit`` (unit
    index, -1 for none). Staff: ``staff_in_role`` (``in_role_since``) and
    ``staff_rotates`` (:func:`relgraph.analysis.rules.rotates`). Links between
    two contacts of the same account only (the analyses ignore the others):
    ``link_influences`` is True for ``influences``, False for ``reports_to``.
    Touchpoints: ``tp_day``, ``tp_method`` per touchpoint, and ``tp_listed`` /
    ``tp_contact`` the (touchpoint, contact) pairs it lists.

    Each part but ``strengths`` is built on first use and then kept: a command
    pays only for the parts it reads (coverage never needs names or links). The
    columns of few distinct values are also held as codes (:meth:`coded`).
    """

    strengths: StrengthInputs
    account_ids: list[str]
    account_names: list[str]
    account_grades: list[str]
    unit_ids: list[str]
    unit_account: np.ndarray
    unit_levels: list[str]
    contact_account: np.ndarray
    contact_levels: list[str]
    contact_roles: list[str]
    contact_names: list[str | None]
    contact_influence: np.ndarray
    contact_seniority: np.ndarray
    contact_attitudes: list[str | None]
    contact_coach: list[bool]
    contact_unit: np.ndarray
    staff_names: list[str | None]
    staff_roles: list[str | None]
    staff_seniority: np.ndarray
    staff_in_role: list[dt.date | None]
    staff_rotates: list[bool]
    link_source: np.ndarray
    link_target: np.ndarray
    link_influences: np.ndarray
    link_weight: np.ndarray
    link_since: np.ndarray
    link_until: np.ndarray
    team_account: np.ndarray
    team_staff: np.ndarray
    team_roles: list[str | None]
    team_rows: np.ndarray  # the rows of the team table that ``team_*`` keep
    tp_day: np.ndarray
    tp_method: list[str]
    tp_listed: np.ndarray
    tp_contact: np.ndarray

    def __init__(
        self,
        strengths: StrengthInputs,
        parts: dict[str, Callable[[], Any]],
        coded: dict[str, Callable[[], tuple[np.ndarray, list]]],
    ):
        self.strengths = strengths
        self._parts = parts
        self._coders = coded
        self._codes: dict[str, tuple[np.ndarray, list]] = {}
        for name in coded:
            parts.setdefault(name, lambda name=name: _decoded(self.coded(name)))

    def __getattr__(self, name: str) -> Any:
        # Only reached for a part not built yet (a built one is an instance attribute).
        build = self.__dict__.get("_parts", {}).get(name)
        if build is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__[name] = build()
        self._parts.pop(name, None)
        return value

    def coded(self, name: str) -> tuple[np.ndarray, list]:
        """A column of few distinct values (``account_grades``, ``unit_levels``,
        ``contact_levels``, ``contact_roles``, ``contact_attitudes``, ``staff_roles``,
        ``staff_in_role``, ``team_roles``, ``tp_method``) as ``(codes, values)``:
        row ``i`` holds ``values[codes[i]]``."""
        got = self._codes.get(name)
        if got is None:
            got = self._codes[name] = self._coders[name]()
        return got

    @property
    def contact_ids(self) -> list[str]:
        return self.strengths.contact_ids

    @property
    def staff_ids(self) -> list[str]:
        return self.strengths.staff_ids


def select_accounts(F: Frame, accounts: Iterable[str] | None) -> list[int]:
    """The indexes of ``accounts`` (ids, in the order given, duplicates dropped) in
    ``F``, or of every account by id; :class:`NotFound` for an unknown id."""
    if accounts is None:
        return list(range(len(F.account_ids)))
    at = {a: i for i, a in enumerate(F.account_ids)}
    out = []
    for a in dict.fromkeys(accounts):
        if a not in at:
            raise NotFound(f"unknown account {a!r}")
        out.append(at[a])
    return out


def contacts_of(F: Frame, accounts: Sequence[int]) -> np.ndarray | None:
    """A mask over the contacts of ``F``: those of the accounts ``accounts``
    (indexes); None when they are all the frame's (the ``contacts`` of
    :func:`pair_strengths`)."""
    mine = np.zeros(len(F.account_ids), dtype=bool)
    mine[np.asarray(accounts, dtype=np.int64)] = True
    return None if mine.all() else mine[F.contact_account]


def is_key(F: Frame) -> np.ndarray:
    """Which contacts of ``F`` are key contacts (:func:`relgraph.analysis.rules.key_contacts`)."""
    codes, values = F.coded("contact_roles")
    return key_contacts(np.array(values, dtype=object)[codes], F.contact_influence)


def frame_from_graph(G: nx.MultiDiGraph) -> Frame:
    """The frame of a relationship graph (:mod:`relgraph.graph`): every account,
    unit, contact and staff node, the edges between them and ``G.graph["touchpoints"]``
    (:func:`relgraph.graph.tables_from_graph`, then :func:`frame_from_tables`).
    Units and contacts of an account that is not in ``G`` are left out."""
    return frame_from_tables(tables_from_graph(G))


_FRAMES: weakref.WeakKeyDictionary[TypedTables, Frame] = weakref.WeakKeyDictionary()


def frame_of(typed: TypedTables) -> Frame:
    """:func:`frame_from_tables`, built once per typed tables object (a store
    hands out the same tables to every command of a report)."""
    F = _FRAMES.get(typed)
    if F is None:
        F = _FRAMES[typed] = frame_from_tables(typed)
    return F


def _held(typed: TypedTables) -> TypedTables:
    """``typed`` without the units and contacts of accounts it does not hold (none
    in validated data; a graph built by hand may have them)."""
    refs = typed.reference_rows()
    if not (refs[("units", "account")].null_count or refs[("contacts", "account")].null_count):
        return typed
    tables = dict(typed.tables)
    for name in ("units", "contacts"):
        tables[name] = tables[name].filter(pc.is_valid(refs[(name, "account")]))
    return TypedTables(tables, typed.extras, typed.warnings)


def _days_of(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    days = pc.cast(one_array(column), pa.int32())
    return (pc.fill_null(days, NO_DATE) if days.null_count else days).to_numpy(zero_copy_only=False).astype(np.int64)


def _numbers(column: pa.Array | pa.ChunkedArray, dtype: type) -> np.ndarray:
    return pc.cast(one_array(column), pa.float64() if dtype is float else pa.int64()).to_numpy(zero_copy_only=False)


def frame_from_tables(typed: TypedTables) -> Frame:
    """The frame of a data set held as typed tables (:class:`relgraph.tables.TypedTables`:
    a whole data set, or one account's share of it), built column-wise.

    References to rows the tables do not hold are left out: the relationships, links
    and team rows naming them, and the touchpoint pairs listing them.
    """
    typed = _held(typed)
    t = typed.tables
    refs = typed.reference_rows()

    def sorted_by_id(name: str) -> tuple[pa.Table, pa.Array | None, np.ndarray | None]:
        """The table sorted by id, the original row of each of its rows, and for
        each original row its new index (both None when sorted already)."""
        table = t[name]
        if ascending(one_array(table.column("id"))):
            return table, None, None
        order = pc.sort_indices(table.column("id"))
        new = np.empty(len(order), dtype=np.int64)
        new[order.to_numpy()] = np.arange(len(order))
        return pc.take(table, order), order, new

    def taken(ref: pa.Array, order: pa.Array | None) -> pa.Array:
        return ref if order is None else pc.take(ref, order)

    def text(table: pa.Table, column: str) -> Callable[[], list]:
        return lambda: table.column(column).to_pylist()

    def coded(name: str, column: str) -> Callable[[], tuple[np.ndarray, list]]:
        """A column's coding: the reader's, when it gave one (in the tables' row
        order: that of the rows sorted by id taken), else made here."""
        table, order = ordered.get(name, (t[name], None))
        given = (typed.codes or {}).get((name, column))
        if given is None:
            return lambda: _encoded(table.column(column))
        codes, values = given
        return lambda: (codes if order is None else codes[order.to_numpy()], values)

    accounts, account_order, account_new = sorted_by_id("accounts")
    units, unit_order, unit_new = sorted_by_id("units")
    contacts, contact_order, contact_new = sorted_by_id("contacts")
    staff, staff_order, staff_new = sorted_by_id("staff")
    ordered = {"accounts": (accounts, account_order), "units": (units, unit_order),
               "contacts": (contacts, contact_order), "staff": (staff, staff_order)}

    contact_unit_rows = taken(refs[("contacts", "unit")], contact_order)
    rel = t["relationships"]
    knows_staff = _moved(staff_new, refs[("relationships", "staff")])
    knows_contact = _moved(contact_new, refs[("relationships", "contact")])
    known = _rows_where((knows_staff >= 0) & (knows_contact >= 0))
    knows_staff, knows_contact = knows_staff[known], knows_contact[known]
    touch = _touch_pairs(t["touchpoints"], refs, staff_new, contact_new, knows_staff, knows_contact)
    inputs = StrengthInputs(
        staff_ids=staff.column("id").to_pylist(),
        staff_active=one_array(staff.column("active")).to_numpy(zero_copy_only=False).astype(bool),
        contact_ids=contacts.column("id").to_pylist(),
        knows_staff=knows_staff,
        knows_contact=knows_contact,
        knows_strength=_numbers(rel.column("strength"), float)[known],
        knows_last=_days_of(rel.column("last_contact"))[known],
        knows_since=_days_of(rel.column("since"))[known],
        knows_until=_days_of(rel.column("until"))[known],
        touch_staff=touch[0],
        touch_contact=touch[1],
        touch_day=touch[2],
    )
    links, team, tp = t["links"], t["team"], t["touchpoints"]

    def contact_levels() -> tuple[np.ndarray, list]:
        # effective_levels worked on codes: the units' levels coded (by the reader,
        # in the units' row order, or here), the contacts' own, then each contact's
        # first given of its unit's, its own and the top level.
        given = (typed.codes or {}).get(("units", "level"))
        return effective_level_codes(
            coding(t["units"].column("level")) if given is None else given,
            contact_unit_rows,
            coding(contacts.column("level")),
        )

    def link_parts() -> dict[str, np.ndarray]:
        ls = _moved(contact_new, refs[("links", "source")])
        lt = _moved(contact_new, refs[("links", "target")])
        account = F.contact_account
        # Links between two accounts belong to neither (nor those naming a contact not held).
        inside = np.flatnonzero((ls >= 0) & (lt >= 0) & (account[ls] == account[lt]))
        influences = pc.fill_null(one_array(pc.equal(links.column("kind"), "influences")), False)
        return {
            "link_source": ls[inside],
            "link_target": lt[inside],
            "link_influences": influences.to_numpy(zero_copy_only=False)[inside],
            "link_weight": _numbers(links.column("weight"), float)[inside],
            "link_since": _days_of(links.column("since"))[inside],
            "link_until": _days_of(links.column("until"))[inside],
        }

    def team_parts() -> dict[str, np.ndarray]:
        team_account = _moved(account_new, refs[("team", "account")])
        team_staff = _moved(staff_new, refs[("team", "staff")])
        on_team = np.flatnonzero((team_account >= 0) & (team_staff >= 0))
        return {"team_account": team_account[on_team], "team_staff": team_staff[on_team], "team_rows": on_team}

    def team_roles() -> tuple[np.ndarray, list]:
        codes, values = _encoded(team.column("role"))
        return codes[F.team_rows], values

    def tp_parts() -> dict[str, np.ndarray]:
        tp_listed = pc.list_parent_indices(one_array(tp.column("contacts"))).to_numpy().astype(np.int64)
        tp_contact = _moved(contact_new, refs[("touchpoints", "contacts")])
        listed = tp_contact >= 0
        return {"tp_listed": tp_listed[listed], "tp_contact": tp_contact[listed]}

    def together(build: Callable[[], dict[str, np.ndarray]], names: tuple[str, ...]) -> dict[str, Callable[[], Any]]:
        """Parts built together from the same columns: the first use of one builds
        and keeps them all."""

        def part(name: str) -> Any:
            built = build()
            for k, v in built.items():
                if k != name:
                    F.__dict__[k] = v
                    F._parts.pop(k, None)
            return built[name]

        return {name: (lambda name=name: part(name)) for name in names}

    parts: dict[str, Callable[[], Any]] = {
        "account_ids": text(accounts, "id"),
        "account_names": text(accounts, "name"),
        "unit_ids": text(units, "id"),
        "unit_account": lambda: _moved(account_new, taken(refs[("units", "account")], unit_order)),
        "contact_account": lambda: _moved(account_new, taken(refs[("contacts", "account")], contact_order)),
        "contact_names": text(contacts, "name"),
        "contact_influence": lambda: _numbers(contacts.column("influence"), int),
        "contact_seniority": lambda: _numbers(contacts.column("seniority"), int),
        "contact_coach": lambda: _decoded(_encoded(contacts.column("coach"))),
        "contact_unit": lambda: _moved(unit_new, contact_unit_rows),
        "staff_names": text(staff, "name"),
        "staff_seniority": lambda: _numbers(staff.column("seniority"), int),
        "staff_rotates": lambda: rotates(F.staff_roles, staff.column("rotates").to_pylist()).tolist(),
        "tp_day": lambda: _days_of(tp.column("date")),
        **together(link_parts, ("link_source", "link_target", "link_influences", "link_weight", "link_since",
                                "link_until")),
        **together(team_parts, ("team_account", "team_staff", "team_rows")),
        **together(tp_parts, ("tp_listed", "tp_contact")),
    }
    F = Frame(
        inputs,
        parts,
        {
            **{part: coded(*column) for part, column in CODED_PARTS.items()},
            "contact_levels": contact_levels,
            "team_roles": team_roles,
        },
    )
    return F


def _encoded(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A column as codes into its distinct values (see :meth:`Frame.coded`); a
    null's code is that of a ``None`` at the end of the values."""
    return coding(column)


def _decoded(coded: tuple[np.ndarray, list]) -> list:
    """The values of a coded column, one Python object per distinct value, shared by
    the rows holding it (a fifth of the memory of one per row)."""
    codes, values = coded
    return np.array(values, dtype=object)[codes].tolist()


def _touch_pairs(
    tp, refs, staff_new: np.ndarray, contact_new: np.ndarray, knows_staff: np.ndarray, knows_contact: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(staff index, contact index, day) for the staff members and contacts listed
    together on a touchpoint (both held by the frame) who may be a pair of the
    relationship rows ``knows_staff``, ``knows_contact``: every one that is, and
    a few others let through by the sieve of :func:`staff_bits` (a touchpoint
    counts only for the strength of a pair with a row).

    On the 300-account portfolio 650,000 (staff member, contact) entries are
    listed together, of which 20,000 are of a pair with a row: the touchpoints'
    520,000 contacts listed are sieved first with the bits of the staff listed with
    them, and only those let through (34,000) are paired with them (47,000
    entries) and sieved again (34,000 kept): 0.025 s, where pairing them all
    took 0.05 s and the strengths' look-up of their newest touchpoints 0.05 s
    more (now 0.004 s)."""
    staff_lists = one_array(tp.column("staff"))
    contact_lists = one_array(tp.column("contacts"))
    s_idx = _moved(staff_new, refs[("touchpoints", "staff")])
    c_idx = _moved(contact_new, refs[("touchpoints", "contacts")])
    n_contacts = max(int(c_idx.max(initial=0)), int(knows_contact.max(initial=0))) + 1
    held = staff_bits(knows_contact, knows_staff, n_contacts)
    # The bits of the staff listed on each touchpoint (those held), then the contact
    # entries whose own bits meet them.
    s_tp = pc.list_parent_indices(staff_lists).to_numpy().astype(np.int64)
    s_ok = s_idx >= 0
    listed = staff_bits(s_tp[s_ok], s_idx[s_ok], len(tp))
    c_tp = pc.list_parent_indices(contact_lists).to_numpy().astype(np.int64)
    if len(c_idx) and int(c_idx.min()) >= 0:  # (every contact listed is held: no mask)
        maybe = np.flatnonzero(held[c_idx] & listed[c_tp])
    else:
        maybe = np.flatnonzero((held[np.maximum(c_idx, 0)] & listed[c_tp]).astype(bool) & (c_idx >= 0))
    # Each of those contacts with each staff member listed on the same touchpoint.
    i, j = listed_together(c_tp[maybe], staff_lists.offsets.to_numpy().astype(np.int64))
    entry = maybe[i]
    c, s = c_idx[entry], s_idx[j]
    keep = np.flatnonzero((s >= 0) & ((held[c] & _bit(s)) != 0))
    return s[keep], c[keep], _days_of(tp.column("date"))[c_tp[entry[keep]]]


def staff_bits(contact: np.ndarray, staff: np.ndarray, n_contacts: int) -> np.ndarray:
    """A sieve of (contact, staff member) pairs: for each of ``n_contacts``
    contacts, a 64-bit word with the bit of each staff index (modulo 64,
    :func:`_bit`) it is paired with in ``contact``, ``staff``. A pair whose bit
    is not in its contact's word is none of them; where contacts have a few
    pairs each, most others are told apart so, by a gather, before a look-up."""
    held = np.zeros(n_contacts, dtype=np.uint64)
    if len(contact) and bool((contact[1:] >= contact[:-1]).all()):
        # By contact already (relationship rows often are, a touchpoint's staff
        # always): each contact's bits ORed in one pass, where ufunc.at of an OR
        # takes six times as long as of a sum.
        starts = np.flatnonzero(np.r_[True, contact[1:] != contact[:-1]])
        held[contact[starts]] = np.bitwise_or.reduceat(_bit(staff), starts)
    else:
        np.bitwise_or.at(held, contact, _bit(staff))
    return held


_BITS = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))


def _bit(staff: np.ndarray) -> np.ndarray:
    """The bit of each staff index in :func:`staff_bits`' words (its index modulo 64)."""
    return _BITS[staff & 63]


def _rows_where(mask: np.ndarray) -> np.ndarray | slice:
    """What picks the entries where ``mask`` holds: their indexes, or every entry
    (a slice, taking views, not copies) when it holds everywhere, as it does for
    a whole validated data set."""
    return slice(None) if mask.all() else np.flatnonzero(mask)


def _moved(new: np.ndarray | None, ref: pa.Array) -> np.ndarray:
    """Row references (row numbers, null for none) as indexes into the table
    sorted by id, ``new`` giving each row's index (None: the rows' own order; -1
    for none)."""
    rows = (pc.fill_null(ref, -1) if ref.null_count else ref).to_numpy(zero_copy_only=False).astype(np.int64)
    if new is None:
        return rows
    if not len(new):
        return np.full(len(rows), -1, dtype=np.int64)
    return np.where(rows >= 0, new[np.maximum(rows, 0)], -1)
