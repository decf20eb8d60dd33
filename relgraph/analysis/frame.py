"""The analysis frame: what the date-dependent figures are computed from, as arrays.

A *frame* holds the accounts, units, contacts and staff of a graph or data set
(each sorted by id, so that an index order is an id order), and the rows that join
them (relationships, links, team rows, touchpoints) as integer indexes into those
lists, with dates as whole days since 1970 (:data:`NO_DATE` when not given).

Every figure of SPEC section 2 that is computed over a whole portfolio at once
(effective strengths, coverage cells, account figures, gaps) is computed from a
frame, by one implementation whatever the store: the file store builds the frame
of a whole portfolio straight from its typed columns (:func:`frame_from_tables`),
every other caller from a graph (:func:`frame_from_graph`, used by Neo4j and by the
graph functions of the library). The two builders only move data; the tests hold
them to each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..errors import NotFound
from ..graph import ACCOUNT, CONTACT, INFLUENCES, KNOWS, ON_TEAM, REPORTS_TO, STAFF, UNIT

__all__ = [
    "NO_DATE",
    "Frame",
    "PairStrengths",
    "StrengthInputs",
    "day",
    "frame_from_graph",
    "frame_from_tables",
    "in_force_days",
    "is_key",
    "select_accounts",
    "pair_strengths",
    "strength_inputs_from_graph",
    "thread_counts",
]

NO_DATE = np.iinfo(np.int32).min
"""The day number of a date that is not given (below every real date)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()


def day(d: dt.date | None) -> int:
    """Days since 1970-01-01 (:data:`NO_DATE` for None)."""
    return NO_DATE if d is None else d.toordinal() - _EPOCH


def _days(values: Iterable[dt.date | None]) -> np.ndarray:
    known: dict[dt.date | None, int] = {None: NO_DATE}  # few distinct dates, many rows
    out = []
    for d in values:
        n = known.get(d)
        if n is None:
            n = known[d] = d.toordinal() - _EPOCH
        out.append(n)
    return np.array(out, dtype=np.int64)


def in_force_days(since: np.ndarray, until: np.ndarray, a: int) -> np.ndarray:
    """Which rows with ``since``/``until`` days exist on day ``a`` (from ``since``
    inclusive to ``until`` exclusive; :data:`NO_DATE` is below every day, so a
    missing ``since`` passes)."""
    return (since <= a) & ((until == NO_DATE) | (a < until))


def _ints(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


def _floats(values: Iterable[float]) -> np.ndarray:
    return np.fromiter(values, dtype=np.float64)


@dataclass
class StrengthInputs:
    """What effective strengths are computed from.

    ``staff_ids`` and ``contact_ids`` are sorted; ``staff_active`` is the staff's
    ``active`` flag. ``knows_*`` has one entry per relationship row (staff and
    contact indexes, strength, and the days of ``last_contact``, ``since`` and
    ``until``); ``touch_*`` one entry per (touchpoint, staff member listed, contact
    listed), with the touchpoint's day.
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
    """

    as_of: dt.date
    half_life: float
    strong_at: float
    staff: np.ndarray
    contact: np.ndarray
    value: np.ndarray
    strong: np.ndarray
    active: np.ndarray


def pair_strengths(
    inp: StrengthInputs,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    without: Collection[int] = (),
) -> PairStrengths:
    """Effective strengths at ``as_of`` (SPEC section 2), staff indexes ``without``
    counted as inactive.

    The effective strength of a row is ``strength * 0.5 ** (days / half_life)``,
    ``days`` counted from the later of its ``last_contact`` and the newest
    touchpoint on or before as-of listing both people (no decay with neither, or
    after as-of); rows not in force at as-of are left out; the strongest row of a
    pair counts. The decay factor is computed by Python's own ``**`` once per
    distinct day count, so that every caller gets bit-identical values.
    """
    a = day(as_of)
    active = inp.staff_active.copy()
    if without:
        active[np.fromiter(without, dtype=np.int64)] = False
    keep = in_force_days(inp.knows_since, inp.knows_until, a)
    s = inp.knows_staff[keep]
    c = inp.knows_contact[keep]
    last = inp.knows_last[keep]
    # The newest touchpoint on or before as-of listing both people of each row.
    t_ok = inp.touch_day <= a
    if t_ok.any() and len(s):
        tkey = (inp.touch_staff[t_ok] << 32) | inp.touch_contact[t_ok]
        tday = inp.touch_day[t_ok]
        order = np.argsort(tkey, kind="stable")
        tkey, tday = tkey[order], tday[order]
        starts = np.flatnonzero(np.r_[True, tkey[1:] != tkey[:-1]])
        ukey, uday = tkey[starts], np.maximum.reduceat(tday, starts)
        rkey = (s << 32) | c
        pos = np.minimum(np.searchsorted(ukey, rkey), len(ukey) - 1)
        hit = ukey[pos] == rkey
        last = np.where(hit, np.maximum(last, uday[pos]), last)
    decays = (last != NO_DATE) & (last <= a)
    factor = np.ones(len(last))
    if decays.any():
        ages, where = np.unique(a - last[decays], return_inverse=True)
        factor[decays] = _floats(0.5 ** (int(age) / half_life) for age in ages)[where]
    eff = inp.knows_strength[keep] * factor
    # The strongest row of each pair, pairs ordered by contact then staff.
    key = (c << 32) | s
    order = np.argsort(key, kind="stable")
    key, eff = key[order], eff[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    best = np.maximum.reduceat(eff, starts) if len(key) else np.zeros(0)
    ps, pc = key[starts] & 0xFFFFFFFF, key[starts] >> 32
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
    )


def thread_counts(F: Frame, ps: PairStrengths) -> np.ndarray:
    """The threads of each contact of ``F`` at the strengths ``ps`` (a count)."""
    return np.bincount(ps.contact[ps.strong], minlength=len(F.contact_ids))


def strength_inputs_from_graph(G: nx.MultiDiGraph, contacts: Collection[str] | None = None) -> StrengthInputs:
    """The :class:`StrengthInputs` of a graph: its staff, its contacts (or only
    ``contacts``, node keys), the relationships between them and its touchpoints."""
    return _graph_inputs(G, contacts)[0]


def _graph_inputs(
    G: nx.MultiDiGraph, contacts: Collection[str] | None
) -> tuple[StrengthInputs, list[tuple[dict, list[int]]]]:
    """:func:`strength_inputs_from_graph`, and each touchpoint listing one of the
    contacts with the indexes of those it lists (for :func:`frame_from_graph`)."""
    nodes, succ = G._node, G._succ
    staff_keys = sorted(n for n, d in nodes.items() if d["kind"] == STAFF)  # "Staff:" keys sort by id
    if contacts is None:
        contact_keys = sorted(n for n, d in nodes.items() if d["kind"] == CONTACT)
    else:
        contact_keys = sorted(contacts)
    contact_index = {k: i for i, k in enumerate(contact_keys)}
    ks, kc, rows = [], [], []
    for i, s in enumerate(staff_keys):
        for c, keydict in succ[s].items():
            j = contact_index.get(c)
            if j is None:
                continue  # the account (team membership), or a contact not asked for
            for attrs in keydict.values():
                if attrs["type"] == KNOWS:
                    ks.append(i)
                    kc.append(j)
                    rows.append(attrs)
    staff_ids = [nodes[s]["id"] for s in staff_keys]
    contact_ids = [nodes[c]["id"] for c in contact_keys]
    staff_at = {x: i for i, x in enumerate(staff_ids)}
    contact_at = {x: i for i, x in enumerate(contact_ids)}
    ts, tc, td = [], [], []
    touchpoints = []
    for tp in G.graph.get("touchpoints", ()):
        listed = [contact_at[x] for x in tp["contacts"] if x in contact_at]
        if not listed:
            continue
        touchpoints.append((tp, listed))
        d = day(tp["date"])
        for x in tp["staff"]:
            i = staff_at.get(x)
            if i is not None:
                ts.extend([i] * len(listed))
                tc.extend(listed)
                td.extend([d] * len(listed))
    inputs = StrengthInputs(
        staff_ids=staff_ids,
        staff_active=np.array([nodes[s].get("active", True) is not False for s in staff_keys], dtype=bool),
        contact_ids=contact_ids,
        knows_staff=_ints(ks),
        knows_contact=_ints(kc),
        knows_strength=_floats([a["strength"] for a in rows]),
        knows_last=_days([a.get("last_contact") for a in rows]),
        knows_since=_days([a.get("since") for a in rows]),
        knows_until=_days([a.get("until") for a in rows]),
        touch_staff=_ints(ts),
        touch_contact=_ints(tc),
        touch_day=_ints(td),
    )
    return inputs, touchpoints


@dataclass
class Frame:
    """The frame of a graph or data set (see the module docstring).

    Contacts: ``contact_account`` (account index), ``contact_level`` (the effective
    level: the unit's, else the contact's own, else ``hq``), ``contact_role``
    (``other`` when not given), ``contact_influence`` (3 when not given),
    ``contact_seniority`` and ``staff_seniority`` (2 when not given),
    ``contact_attitude``, ``contact_unit`` (unit index, -1 for none). Links between
    two contacts of the same account only (the analyses ignore the others):
    ``link_influences`` is True for ``influences``, False for ``reports_to``.
    Touchpoints: ``tp_day``, ``tp_method`` per touchpoint, and ``tp_listed`` /
    ``tp_contact`` the (touchpoint, contact) pairs it lists.
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
    contact_unit: np.ndarray
    staff_names: list[str | None]
    staff_roles: list[str | None]
    staff_seniority: np.ndarray
    link_source: np.ndarray
    link_target: np.ndarray
    link_influences: np.ndarray
    link_weight: np.ndarray
    link_since: np.ndarray
    link_until: np.ndarray
    team_account: np.ndarray
    team_staff: np.ndarray
    team_roles: list[str | None]
    tp_day: np.ndarray
    tp_method: list[str]
    tp_listed: np.ndarray
    tp_contact: np.ndarray

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


def is_key(F: Frame) -> np.ndarray:
    """Which contacts of ``F`` are key contacts: role ``decision_maker`` or influence
    of 4 or more (:func:`relgraph.analysis.structure.is_key_contact`, column-wise)."""
    return np.array([r == "decision_maker" for r in F.contact_roles], dtype=bool) | (F.contact_influence >= 4)


def frame_from_graph(G: nx.MultiDiGraph) -> Frame:
    """The frame of a relationship graph (:mod:`relgraph.graph`): every account,
    unit, contact and staff node, the edges between them and ``G.graph["touchpoints"]``.
    Units and contacts of an account that is not in ``G`` are left out."""
    nodes, succ, pred = G._node, G._succ, G._pred
    by_kind: dict[str, list[str]] = {ACCOUNT: [], UNIT: [], CONTACT: [], STAFF: []}
    for n, d in nodes.items():
        by_kind[d["kind"]].append(n)
    account_keys = sorted(by_kind[ACCOUNT])
    account_ids = [nodes[a]["id"] for a in account_keys]
    account_at = {a: i for i, a in enumerate(account_ids)}
    unit_keys = sorted(u for u in by_kind[UNIT] if nodes[u]["account"] in account_at)
    unit_ids = [nodes[u]["id"] for u in unit_keys]
    unit_at = {u: i for i, u in enumerate(unit_ids)}
    contact_keys = sorted(c for c in by_kind[CONTACT] if nodes[c]["account"] in account_at)
    inputs, touchpoints = _graph_inputs(G, contact_keys)
    cd = [nodes[c] for c in contact_keys]
    contact_at = {c: i for i, c in enumerate(contact_keys)}
    staff_keys = sorted(by_kind[STAFF])
    staff_at = {s: i for i, s in enumerate(staff_keys)}
    accounts_of = [account_at[d["account"]] for d in cd]
    ls, lt, li, lw, lsince, luntil = [], [], [], [], [], []
    for i, c in enumerate(contact_keys):
        mine = accounts_of[i]
        for v, keydict in succ[c].items():
            j = contact_at.get(v)
            if j is None or accounts_of[j] != mine:
                continue  # the account node, a unit, or another account's contact
            for attrs in keydict.values():
                t = attrs["type"]
                if t == REPORTS_TO or t == INFLUENCES:
                    w = attrs.get("weight")
                    ls.append(i)
                    lt.append(j)
                    li.append(t == INFLUENCES)
                    lw.append(3.0 if w is None else float(w))
                    lsince.append(attrs.get("since"))
                    luntil.append(attrs.get("until"))
    ta, tsf, tr = [], [], []
    for i, a in enumerate(account_keys):
        for s, keydict in pred[a].items():
            j = staff_at.get(s)
            if j is None:
                continue
            for attrs in keydict.values():
                if attrs["type"] == ON_TEAM:
                    ta.append(i)
                    tsf.append(j)
                    tr.append(attrs.get("role"))
    tday, tmethod, tl, tc = [], [], [], []
    for tp, listed in touchpoints:
        k = len(tday)
        tday.append(tp["date"])
        tmethod.append(tp["method"])
        tl.extend([k] * len(listed))
        tc.extend(listed)
    return Frame(
        strengths=inputs,
        account_ids=account_ids,
        account_names=[nodes[a].get("name") or nodes[a]["id"] for a in account_keys],
        account_grades=[nodes[a].get("grade") or "C" for a in account_keys],
        unit_ids=unit_ids,
        unit_account=_ints(account_at[nodes[u]["account"]] for u in unit_keys),
        unit_levels=[nodes[u].get("level") or "hq" for u in unit_keys],
        contact_account=_ints(accounts_of),
        contact_levels=[d.get("level") or "hq" for d in cd],
        contact_roles=[d.get("role") or "other" for d in cd],
        contact_names=[d.get("name") for d in cd],
        contact_influence=_ints(d.get("influence") or 3 for d in cd),
        contact_seniority=_ints(d.get("seniority") or 2 for d in cd),
        contact_attitudes=[d.get("attitude") for d in cd],
        contact_unit=_ints(unit_at.get(d.get("unit"), -1) for d in cd),
        staff_names=[nodes[s].get("name") for s in staff_keys],
        staff_roles=[nodes[s].get("role") for s in staff_keys],
        staff_seniority=_ints(nodes[s].get("seniority") or 2 for s in staff_keys),
        link_source=_ints(ls),
        link_target=_ints(lt),
        link_influences=np.array(li, dtype=bool),
        link_weight=_floats(lw),
        link_since=_days(lsince),
        link_until=_days(luntil),
        team_account=_ints(ta),
        team_staff=_ints(tsf),
        team_roles=tr,
        tp_day=_days(tday),
        tp_method=tmethod,
        tp_listed=_ints(tl),
        tp_contact=_ints(tc),
    )


def frame_from_tables(typed) -> Frame:
    """The frame of a whole data set held as typed columns
    (:class:`relgraph.readwrite.columns.TypedTables`), built column-wise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = typed.tables
    refs = typed.reference_rows()

    def sorted_by_id(name: str) -> tuple[pa.Table, pa.Array, np.ndarray]:
        """The table sorted by id, the original row of each of its rows, and for
        each original row its new index."""
        table = t[name]
        order = pc.sort_indices(table.column("id"))
        new = np.empty(len(order), dtype=np.int64)
        new[order.to_numpy()] = np.arange(len(order))
        return table.take(order), order, new

    def moved(new: np.ndarray, ref: pa.Array) -> np.ndarray:
        """References (row numbers, null for none) as new indexes (-1 for none)."""
        rows = ref.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        if not len(new):
            return np.full(len(rows), -1, dtype=np.int64)
        return np.where(rows >= 0, new[np.maximum(rows, 0)], -1)

    def text(table: pa.Table, column: str) -> list:
        return table.column(column).to_pylist()

    def days(column) -> np.ndarray:
        arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        return arr.cast(pa.int32()).fill_null(NO_DATE).to_numpy(zero_copy_only=False).astype(np.int64)

    def ints(column, default: int) -> np.ndarray:
        arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        arr = arr.cast(pa.int64()).fill_null(default)
        return pc.if_else(pc.equal(arr, 0), default, arr).to_numpy(zero_copy_only=False)  # "or default"

    def floats(column, default: float) -> np.ndarray:
        arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        return arr.cast(pa.float64()).fill_null(default).to_numpy(zero_copy_only=False)

    accounts, _, account_new = sorted_by_id("accounts")
    units, unit_order, unit_new = sorted_by_id("units")
    contacts, contact_order, contact_new = sorted_by_id("contacts")
    staff, _, staff_new = sorted_by_id("staff")

    # Contacts: the effective level is the unit's level, else their own, else hq.
    contact_unit_rows = pc.take(refs[("contacts", "unit")], contact_order)
    unit_level_of = pc.take(t["units"].column("level"), contact_unit_rows)
    level = pc.if_else(
        pc.is_valid(contact_unit_rows), unit_level_of, pc.coalesce(contacts.column("level"), pa.scalar("hq"))
    )
    rel = t["relationships"]
    inputs_touch = _touch_pairs(t["touchpoints"], refs, staff_new, contact_new)
    inputs = StrengthInputs(
        staff_ids=text(staff, "id"),
        staff_active=staff.column("active").fill_null(True).to_numpy(zero_copy_only=False).astype(bool),
        contact_ids=text(contacts, "id"),
        knows_staff=moved(staff_new, refs[("relationships", "staff")]),
        knows_contact=moved(contact_new, refs[("relationships", "contact")]),
        knows_strength=floats(rel.column("strength"), 0.0),
        knows_last=days(rel.column("last_contact")),
        knows_since=days(rel.column("since")),
        knows_until=days(rel.column("until")),
        touch_staff=inputs_touch[0],
        touch_contact=inputs_touch[1],
        touch_day=inputs_touch[2],
    )
    links = t["links"]
    ls = moved(contact_new, refs[("links", "source")])
    lt = moved(contact_new, refs[("links", "target")])
    contact_account = moved(account_new, pc.take(refs[("contacts", "account")], contact_order))
    inside = contact_account[ls] == contact_account[lt]  # links between two accounts belong to neither
    kind = links.column("kind").to_pylist()
    team = t["team"]
    tp = t["touchpoints"]
    listed = tp.column("contacts").combine_chunks()
    return Frame(
        strengths=inputs,
        account_ids=text(accounts, "id"),
        account_names=[n or i for n, i in zip(text(accounts, "name"), text(accounts, "id"))],
        account_grades=[g or "C" for g in text(accounts, "grade")],
        unit_ids=text(units, "id"),
        unit_account=moved(account_new, pc.take(refs[("units", "account")], unit_order)),
        unit_levels=[lv or "hq" for lv in text(units, "level")],
        contact_account=contact_account,
        contact_levels=level.to_pylist(),
        contact_roles=[r or "other" for r in text(contacts, "role")],
        contact_names=text(contacts, "name"),
        contact_influence=ints(contacts.column("influence"), 3),
        contact_seniority=ints(contacts.column("seniority"), 2),
        contact_attitudes=text(contacts, "attitude"),
        contact_unit=moved(unit_new, contact_unit_rows),
        staff_names=text(staff, "name"),
        staff_roles=text(staff, "role"),
        staff_seniority=ints(staff.column("seniority"), 2),
        link_source=ls[inside],
        link_target=lt[inside],
        link_influences=np.array([k == "influences" for k in kind], dtype=bool)[inside],
        link_weight=floats(links.column("weight"), 3.0)[inside],
        link_since=days(links.column("since"))[inside],
        link_until=days(links.column("until"))[inside],
        team_account=moved(account_new, refs[("team", "account")]),
        team_staff=moved(staff_new, refs[("team", "staff")]),
        team_roles=text(team, "role"),
        tp_day=days(tp.column("date")),
        tp_method=tp.column("method").to_pylist(),
        tp_listed=pc.list_parent_indices(listed).to_numpy().astype(np.int64),
        tp_contact=moved(contact_new, refs[("touchpoints", "contacts")]),
    )


def _touch_pairs(tp, refs, staff_new: np.ndarray, contact_new: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(staff index, contact index, day) for every staff member and contact listed
    together on a touchpoint."""
    import pyarrow as pa
    import pyarrow.compute as pc

    staff_lists = tp.column("staff").combine_chunks()
    contact_lists = tp.column("contacts").combine_chunks()
    tday = tp.column("date").combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    s_tp = pc.list_parent_indices(staff_lists).to_numpy().astype(np.int64)
    s_idx = staff_new[refs[("touchpoints", "staff")].to_numpy(zero_copy_only=False).astype(np.int64)]
    c_off = contact_lists.offsets.to_numpy().astype(np.int64)
    c_idx = contact_new[refs[("touchpoints", "contacts")].to_numpy(zero_copy_only=False).astype(np.int64)]
    # Each listed staff member meets each contact listed on the same touchpoint.
    count = (c_off[1:] - c_off[:-1])[s_tp]
    total = int(count.sum())
    first = np.repeat(c_off[:-1][s_tp] - c_off[0], count)
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(s_idx, count), c_idx[first + within], np.repeat(tday[s_tp], count)
