"""The account map: one self-contained, interactive HTML page per account.

An *account map* draws one account's relationship graph (SPEC section 4): the
customer's people (dots, coloured by role, sized by influence, bordered by attitude),
our staff (diamonds), the customer's units and the account itself (boxes), blind
spots (dashed "?" ovals, one per coverage cell with no contact known); relationship
lines as wide as their effective strength (solid when strong, dashed when weak),
reporting lines (grey arrows to the manager) and influence lines (purple dashed
arrows) drawn differently. Gaps glow red (contacts in a cell that is not covered, and
key contacts nobody holds strongly), single-threaded key contacts glow orange, and
with ``to`` the best influence path to that contact is drawn in gold. The page has a
legend, a search box, filters by role and by staff member, the coverage matrix, and
hover details; ``layout="org"`` draws the customer top-down along units and
reporting lines instead of the force layout.

The page is built in two steps: :func:`map_data` lays out the account's result
(:func:`relgraph.analysis.account.account_result`: every figure, flag and path, each
decided there) and the names and details of the account's tables as plain,
JSON-ready records (what is drawn and why: testable without a browser), and
:func:`map_html` puts those records into the template with vis-network inlined.
Nothing here decides who is a gap, what is in force or which of two edges counts.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from ..analysis.account import GAP as FLAG_GAP
from ..analysis.account import SINGLE as FLAG_SINGLE
from ..analysis.account import (
    AccountResult,
    LinkLine,
    account_frame,
    account_result,
    account_tables,
    unit_figures,
)
from ..analysis.coverage import gap_sort_key
from ..analysis.plan import relationship_plan
from ..errors import NotFound, UsageError
from ..graph import (
    ACCOUNT,
    AT,
    CONTACT,
    INFLUENCES,
    KNOWS,
    ON_TEAM,
    PART_OF,
    REPORTS_TO,
    STAFF,
    UNIT,
    WORKS_IN,
    node_key,
)
from ..model import CONTACT_ROLES, COVERAGE_ROLES, STRENGTH_NAMES, level_sort_key
from ..rows import make_rows, paused_gc
from ..tables import TypedTables
from ..words import STATUS_WORDS
from .page import markup_join, render_template, write_text_atomic

LAYOUTS = ("network", "org")

OVERVIEW_AT = 300
"""An account with more contacts than this opens on its overview: one node per unit."""

PLAN_WORDS = {
    "handover": "the only one of us who holds this person leaves: introduce their successor first",
    "refresh": "a strong relationship fades: meet again by this date",
    "second_thread": "only one of us holds this key contact: add a second",
    "reach": "nobody holds this key contact strongly: reach them",
    "rank": "our ties are too junior for this person: a visit by someone senior enough",
    "blind_spot": "nobody known in this cell: find someone, through the coach",
}
"""What each kind of planned action (SPEC section 6) asks, in words for the pages."""

LIST_LIMIT = 100
"""The most entries the map's side panel lists per list (the map draws them all)."""

GAP = "Gap"
"""The kind of the placeholder nodes drawn for blind spots (``unknown`` cells)."""

PATH = "PATH"
"""The type of the overlay edges drawn along the best influence path."""

ROLE_LABELS = {
    "decision_maker": "decision-maker",
    "technical": "technical",
    "business": "business",
    "finance": "finance",
    "user": "user",
    "procurement": "procurement",
    "other": "other",
}

PALETTE: dict[str, Any] = {
    # Contact fill by role: distinct hues, none of them the red/orange/green/gold
    # that mean gap, single thread, supporter and best path.
    "role": {
        "decision_maker": "#6a3d9a",
        "technical": "#1f78b4",
        "business": "#a6611a",
        "finance": "#d4b106",
        "user": "#4eb3a6",
        "procurement": "#e377c2",
        "other": "#a0a0a0",
    },
    # Contact border by attitude.
    "attitude": {
        "supporter": "#1a9850",
        "neutral": "#616161",
        "opponent": "#d73027",
        "unknown": "#c8c8c8",
    },
    "flag": {"gap": "rgba(220,38,38,0.95)", "single": "rgba(245,124,0,0.95)"},
    "status": {"covered": "#a5d6a7", "weak": "#ffe082", "uncovered": "#ef9a9a", "unknown": "#eeeeee"},
    "staff": "#37474f",
    "staff_inactive": "#cfd8dc",
    "unit": "#eceff1",
    "unit_border": "#90a4ae",
    "account": "#263238",
    "gap_node": "#dc2626",
    "knows_strong": "#1565c0",
    "knows_weak": "#90a4ae",
    "reports_to": "#546e7a",
    "influences": "#8e24aa",
    "structure": "#d5dde2",
    "team": "#80cbc4",
    "path": "#f5b700",
}


def map_data(
    data: nx.MultiDiGraph | TypedTables, result: AccountResult | None = None, **options: Any
) -> dict[str, Any]:
    """What the map of one account draws, as JSON-ready records.

    The figures, flags and paths are those of the account's
    :class:`~relgraph.analysis.account.AccountResult` (computed here from the
    options, or handed in as ``result``); this function only lays them out, with
    the names and details of each node read from the account's tables.

    Parameters
    ----------
    data : TypedTables or networkx.MultiDiGraph
        One account's typed tables (:meth:`GraphStore.tables` of ``[account]``),
        or its graph (:meth:`GraphStore.account_graph`, converted to tables here).
    result : AccountResult, optional
        The account's result at the date wanted, computed from ``data`` with
        ``lists=True`` (its gaps and successors are drawn); then the options below
        but ``layout``, ``focus``, ``hops`` and ``plan`` are not used.
    as_of, half_life, grace, strong, horizon, rotation_years :
        As in SPEC section 2 (the last two: who is due soon, never a successor).
    to : str, optional
        A contact id of this account: draw the best influence path to it.
    source : str, optional
        A staff id: the only start of that path (``paths --from``).
    through_opponents : bool
        Let the path pass contacts whose attitude is ``opponent``.
    layout : ``"network"`` or ``"org"``
        Force layout, or the tree of the units with their people under them (then
        every node also has an integer ``level``, 0 at the top).
    focus : str, optional
        A contact or staff id of this account: the page opens on its neighbourhood
        (everyone within ``hops`` relationships or links of it).
    hops : int
        The depth of that neighbourhood (at least 1).
    plan : list of dict, optional
        The account's plan actions in the plan's order (SPEC section 6,
        :func:`~relgraph.analysis.plan.relationship_plan` of its tables); without it ``plan`` is
        null and every contact's ``next_action`` is empty (the page shows "—").

    Returns
    -------
    dict
        ``account`` (id, name, grade and the account figures of ``coverage``),
        ``as_of``, ``layout``, ``strong``, ``target`` (node key or null), ``nodes``,
        ``edges``, ``cells`` (the coverage cells), ``levels`` and ``roles`` (the
        matrix axes), ``gaps`` (flagged contacts), ``blind_spots`` and ``single``
        (node keys), ``path`` (the best influence path or null; ``paths`` the next
        ones), ``staff`` (for the staff filter), ``palette`` and ``role_labels``;
        ``overview`` (true above :data:`OVERVIEW_AT` contacts: the page opens on
        one node per unit), ``focus`` (node key or null) and ``hops``,
        ``gap_cells`` (the cells not covered, highest priority first, each with
        its ``word`` and the ``suggested`` staff key best placed to close it),
        ``unthreaded`` and ``single`` (key contact keys with no thread and with
        one), ``status_words`` and ``plan``: the account's actions in the plan's
        order, each ``{"due": "YYYY-MM-DD", "kind", "target"`` (contact key, null
        for a blind spot), ``"target_name", "cell"`` (``"level|role"`` of a blind
        spot, else null), ``"owner"`` (staff key or null), ``"owner_name", "via"``
        (contact keys), ``"via_names", "method", "priority", "reason"}``; null
        without ``plan``.

        Nodes: the account, units (top level first), contacts (by level, role, id),
        staff (by name, id), blind spots (by level, role). Each has ``id`` (graph
        key, ``Gap:<level>|<role>`` for a blind spot), ``kind``, ``ref`` (data set
        id) and ``label``, plus its columns for the hover details; contacts also
        ``key``, ``threads``, ``cell`` and ``flag`` (their
        :class:`~relgraph.analysis.account.Person` in the result), ``home`` (their
        unit's key), ``successor`` (staff key, for the key contacts ``threads``
        lists) and ``next_action`` (their first action in the plan, in words); units ``parent``, ``contacts``, ``key``,
        ``threaded`` and ``status`` (:func:`~relgraph.analysis.account.unit_figures`); staff
        ``active`` and ``team_role``, blind spots ``anchor`` (the unit, or the
        account, they hang from).

        Edges: ``from``, ``to``, ``type``: ``KNOWS`` (one per staff-contact pair
        with a relationship in force: ``strength`` effective, ``strong``,
        ``recorded`` and ``last_contact``),
        ``REPORTS_TO`` / ``INFLUENCES`` (links in force, ``weight``), ``PART_OF``,
        ``WORKS_IN``, ``AT`` (contacts without a unit), ``ON_TEAM``, ``Gap`` (blind
        spot to anchor) and ``PATH`` (the best path's steps: ``step``, ``p``,
        ``kind``).

    Raises
    ------
    relgraph.errors.NotFound
        ``to`` is not a contact of this account, or ``focus`` is no person of it.
    relgraph.errors.UsageError
        An unknown ``layout``, or ``hops`` below 1.
    ValueError
        ``result`` was computed without its lists.
    """
    out, edges = _layout(data, result, **options)
    out["edges"] = edges.records()
    return out


def _layout(
    data: nx.MultiDiGraph | TypedTables,
    result: AccountResult | None = None,
    *,
    as_of: dt.date | None = None,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    to: str | None = None,
    source: str | None = None,
    through_opponents: bool = False,
    layout: str = "network",
    focus: str | None = None,
    hops: int = 1,
    plan: Sequence[Mapping[str, Any]] | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
) -> tuple[dict[str, Any], EdgeColumns]:
    """The records of :func:`map_data` (its options, as there) but the edges, and
    the edges as columns (what the page writes; records are made only when asked)."""
    _check_view(layout, hops)
    typed = account_tables(data)
    F = account_frame(typed)
    if result is None:
        if as_of is None:
            raise UsageError("map_data needs as_of (or a result)")
        result = account_result(
            typed, as_of=as_of, half_life=half_life, grace=grace, strong=strong, to=to, source=source,
            through_opponents=through_opponents, lists=True, horizon=horizon, rotation_years=rotation_years,
        )
    r = result
    if r.lists is None:
        raise ValueError(f"the result of account {r.id!r} has no lists (use account_result(..., lists=True))")
    staff_rows = {d["id"]: d for d in typed.rows("staff")}
    focus_key = None
    if focus is not None:
        if focus in r.people:
            focus_key = node_key(CONTACT, focus)
        elif focus in staff_rows:
            focus_key = node_key(STAFF, focus)
        else:
            raise NotFound(f"unknown person {focus!r} in account {r.id!r} (give a contact or staff id)")
    successors = r.lists.successors or {}
    next_action = _next_actions(plan or ())
    per_unit = unit_figures(typed, r)
    acc_key = node_key(ACCOUNT, r.id)
    account = next(d for d in typed.rows("accounts") if d["id"] == r.id)

    nodes: list[dict[str, Any]] = [
        _record(
            id=acc_key, kind=ACCOUNT, ref=r.id, label=account["name"],
            grade=account.get("grade"), industry=account.get("industry"), region=account.get("region"),
        )
    ]
    unit_rows = {d["id"]: d for d in typed.rows("units")}
    unit_key = {u: node_key(UNIT, u) for u in r.units}  # by id
    parent_of = {u: unit_key.get(unit_rows[u]["parent"], acc_key) for u in r.units}  # its unit, else the account
    units = sorted(r.units, key=lambda u: (level_sort_key(unit_rows[u]["level"]), u))
    for u in units:
        d = unit_rows[u]
        nodes.append(
            _record(
                id=unit_key[u], kind=UNIT, ref=u, label=d["name"], unit_level=d["level"], function=d.get("function"),
                parent=parent_of[u] if parent_of[u] != acc_key else None, **per_unit[u],
            )
        )

    contact_prefix, staff_prefix = CONTACT + ":", STAFF + ":"  # node keys are "<Kind>:<id>"
    # Contacts: tens of thousands, so their records are made from columns.
    table = dict(zip(typed.column_names("contacts"), typed.pylists("contacts")))
    row_of = {c: i for i, c in enumerate(table["id"])}
    level_of = dict(zip(F.contact_ids, F.contact_levels))
    level_key = {level: level_sort_key(level) for level in set(F.contact_levels)}
    role_order = {role: i for i, role in enumerate(CONTACT_ROLES)}
    roles = table["role"]
    contacts = sorted(r.people, key=lambda c: (level_key[level_of[c]], role_order[roles[row_of[c]]], c))
    order = [row_of[c] for c in contacts]
    column = _picker(table, order)
    people = [r.people[c] for c in contacts]
    homes = column("unit")
    nodes += _records(
        id=[contact_prefix + c for c in contacts], kind=[CONTACT] * len(contacts), ref=contacts, label=column("name"),
        role=column("role"), influence=column("influence"), seniority=column("seniority"), attitude=column("attitude"),
        coach=[bool(x) for x in column("coach")], key=[p.key for p in people], threads=[p.threads for p in people],
        flag=[p.flag for p in people], level_name=[level_of[c] for c in contacts], cell=[p.cell for p in people],
        title=column("title"), unit=[unit_rows[u]["name"] if u else None for u in homes],
        home=[node_key(UNIT, u) if u else None for u in homes],
        successor=[staff_prefix + successors[c] if successors.get(c) else None for c in contacts],
        next_action=[next_action.get(c) for c in contacts],
        email=column("email"), phone=column("phone"), notes=column("notes"),
    )

    staff = sorted(staff_rows, key=lambda s: (staff_rows[s]["name"], s))
    for s in staff:
        d = staff_rows[s]
        nodes.append(
            _record(
                id=staff_prefix + s, kind=STAFF, ref=s, label=d["name"], active=s in r.active_staff,
                role=d.get("role"), title=d.get("title"), seniority=d.get("seniority"), office=d.get("office"),
                in_role_since=d["in_role_since"].isoformat() if d.get("in_role_since") else None,
                team_role=r.team.get(s),
            )
        )

    edges = EdgeColumns()
    # Blind spots: one placeholder per unknown cell, hanging from a unit of its level.
    anchors: dict[str, str] = {}
    for u in r.units:
        anchors.setdefault(unit_rows[u]["level"], unit_key[u])
    blind_spots: list[str] = []
    for cell in r.blind_spots():
        gid = f"{GAP}:{cell['level']}|{cell['role']}"
        anchor = anchors.get(cell["level"], acc_key)
        blind_spots.append(gid)
        nodes.append(
            _record(
                id=gid, kind=GAP, ref=None, label=f"? {ROLE_LABELS[cell['role']]}",
                role=cell["role"], level_name=cell["level"], anchor=anchor,
            )
        )
        edges.add(GAP, [gid], [anchor])

    # Relationships: one line per pair, at its effective strength.
    ties = [t for c in contacts for t in r.ties.get(c, ())]
    iso = {d: d.isoformat() for d in {t.last_contact for t in ties} if d is not None}  # a few hundred days
    iso[None] = None
    edges.add(
        KNOWS, [staff_prefix + t.staff for t in ties], [contact_prefix + t.contact for t in ties],
        value=[t.strength for t in ties], strong=[t.strong for t in ties],
        recorded=[t.recorded for t in ties], last=[iso[t.last_contact] for t in ties],
    )
    links = r.links
    edges.add_mixed(
        [x.type for x in links], [contact_prefix + x.source for x in links], [contact_prefix + x.target for x in links],
        value=[x.weight for x in links],
    )
    edges.add(PART_OF, [unit_key[u] for u in units], [parent_of[u] for u in units])
    edges.add_mixed(
        [WORKS_IN if h else AT for h in homes], [contact_prefix + c for c in contacts],
        [node_key(UNIT, h) if h else acc_key for h in homes],
    )
    team = sorted(r.team)
    edges.add(ON_TEAM, [node_key(STAFF, s) for s in team], [acc_key] * len(team))

    found = [_path_record(p) for p in r.paths]
    path, alternatives = (found[0], found[1:]) if found else (None, [])
    if path is not None:
        steps = path["steps"]
        edges.add(
            PATH, [x["from"] for x in steps], [x["to"] for x in steps],
            value=[x["p"] for x in steps], step=list(range(len(steps))), kind=[x["kind"] for x in steps],
        )

    out = {
        "account": dict(r.figures),
        "as_of": r.as_of.isoformat(),
        "layout": layout,
        "strong": r.strong,
        "target": node_key(CONTACT, r.target) if r.target is not None else None,
        "nodes": nodes,
        "edges": None,  # see map_data
        "cells": [dict(c) for c in r.cells],
        "levels": list(r.levels),
        "roles": list(COVERAGE_ROLES),
        "gaps": [contact_prefix + c for c in contacts if r.people[c].flag == FLAG_GAP],
        "blind_spots": blind_spots,
        "single": [contact_prefix + c for c in contacts if r.people[c].flag == FLAG_SINGLE],
        "path": path,
        "paths": alternatives,
        "staff": [{"id": staff_prefix + s, "name": staff_rows[s]["name"]} for s in staff],
        "palette": PALETTE,
        "role_labels": ROLE_LABELS,
        "strength_names": {str(k): v for k, v in STRENGTH_NAMES.items()},
        "overview": len(contacts) > OVERVIEW_AT and layout == "network" and focus_key is None,
        "focus": focus_key,
        "hops": hops,
        "gap_cells": _gap_cells(r),
        "unthreaded": [contact_prefix + c for c in r.unthreaded],
        "single_threaded": [contact_prefix + c for c in r.single],
        "status_words": STATUS_WORDS,
        "plan": None if plan is None else plan_records(plan),
    }
    if layout == "org":
        rows = _org_levels(acc_key, nodes, r.links)
        for node in nodes:
            node["level"] = rows[node["id"]]
    return out, edges


def _check_view(layout: str, hops: int) -> None:
    """Raise :class:`UsageError` for an unknown ``layout`` or ``hops`` below 1."""
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; use one of: {', '.join(LAYOUTS)}")
    if hops < 1:
        raise UsageError(f"--hops must be at least 1, not {hops}")


class EdgeColumns:
    """The edges of a map as columns, in drawing order (see :func:`map_data`'s
    edges): ``type``, ``source`` and ``target`` (node keys), and one list per
    attribute, None where an edge has none: ``value`` (a relationship's effective
    strength, a link's weight, a path step's p), ``strong``, ``recorded`` and
    ``last`` (a relationship's last contact, ISO), ``step`` and ``kind`` (a path
    step's). The page writes these columns; records are made only when asked."""

    FIELDS = ("value", "strong", "recorded", "last", "step", "kind")

    def __init__(self) -> None:
        self.type: list[str] = []
        self.source: list[str] = []
        self.target: list[str] = []
        self.columns: dict[str, list[Any]] = {f: [] for f in self.FIELDS}

    def add(self, type: str, sources: list[str], targets: list[str], **columns: list[Any]) -> None:
        """Append edges of one ``type``, ``columns`` by field name."""
        self.add_mixed([type] * len(sources), sources, targets, **columns)

    def add_mixed(self, types: list[str], sources: list[str], targets: list[str], **columns: list[Any]) -> None:
        """Append edges, each of its own type."""
        self.type += types
        self.source += sources
        self.target += targets
        for field, column in self.columns.items():
            column += columns.get(field) or [None] * len(sources)

    @classmethod
    def of_records(cls, edges: Iterable[Mapping[str, Any]]) -> EdgeColumns:
        """The columns of edge records (:func:`map_data`'s ``edges``)."""
        out = cls()
        for e in edges:
            out.type.append(e["type"])
            out.source.append(e["from"])
            out.target.append(e["to"])
            value = e["strength"] if "strength" in e else e["weight"] if "weight" in e else e.get("p")
            for field, v in zip(cls.FIELDS, (value, e.get("strong"), e.get("recorded"), e.get("last_contact"),
                                             e.get("step"), e.get("kind"))):
                out.columns[field].append(v)
        return out

    def records(self) -> list[dict[str, Any]]:
        """The edges as :func:`map_data` lists them: ``from``, ``to``, ``type`` and
        the attributes of their type."""
        c = self.columns
        out: list[dict[str, Any]] = []
        for t, u, v, value, strong, recorded, last, step, kind in zip(
            self.type, self.source, self.target, c["value"], c["strong"], c["recorded"], c["last"], c["step"], c["kind"]
        ):
            e: dict[str, Any] = {"from": u, "to": v, "type": t}
            if t == KNOWS:
                e.update(strength=value, strong=strong, recorded=recorded, last_contact=last)
            elif t == REPORTS_TO or t == INFLUENCES:
                e["weight"] = value
            elif t == PATH:
                e.update(step=step, p=value, kind=kind)
            out.append(e)
        return out

    def table(self, position: Mapping[str, int]) -> dict[str, list[Any]]:
        """The page's ``edge_table``: node positions, type codes (into ``types``,
        sorted) and the columns the page reads."""
        types = sorted(set(self.type))
        code = {t: i for i, t in enumerate(types)}
        c = self.columns
        return {
            "types": types,
            "from": [position[k] for k in self.source],
            "to": [position[k] for k in self.target],
            "type": [code[t] for t in self.type],
            "value": c["value"],
            "recorded": c["recorded"],
            "last": c["last"],
        }


def _next_actions(plan: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The next planned action of each contact the plan names as a target, in
    words: the first of its actions in the plan's order,
    ``due kind: owner → via… (method) — reason``."""
    out: dict[str, str] = {}
    for a in plan:
        if isinstance(a["target"], str) and a["target"] not in out:
            route = " → ".join([a["owner_name"] or "nobody yet", *a["via_names"]])
            out[a["target"]] = f"{a['due'].isoformat()} {a['kind']}: {route} ({a['method']}) — {a['reason']}"
    return out


def plan_records(actions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The map's *Plan*: one account's planned actions (SPEC section 6,
    :func:`~relgraph.analysis.plan.relationship_plan`), as the records the side panel
    lists and the report links, in the plan's order (see :func:`map_data`'s ``plan``)."""
    return [_action_record(a) for a in actions]


def _action_record(a: Mapping[str, Any]) -> dict[str, Any]:
    """A plan action with node keys (see :func:`map_data`'s ``plan``)."""
    target = a["target"]
    contact = isinstance(target, str)
    return {
        "due": a["due"].isoformat(),
        "kind": a["kind"],
        "target": node_key(CONTACT, target) if contact else None,
        "target_name": a["target_name"],
        "cell": None if contact else f"{target['level']}|{target['role']}",
        "owner": node_key(STAFF, a["owner"]) if a["owner"] is not None else None,
        "owner_name": a["owner_name"],
        "via": [node_key(CONTACT, v) for v in a["via"]],
        "via_names": list(a["via_names"]),
        "method": a["method"],
        "priority": a["priority"],
        "reason": a["reason"],
    }


def _gap_cells(r: AccountResult) -> list[dict[str, Any]]:
    """The account's gaps (cells not covered), highest priority first, as the
    ``gaps`` command lists them, with the word for their status and the staff key
    best placed to close each (null when nobody is)."""
    rows = sorted(r.lists.gaps, key=gap_sort_key)
    return [
        {
            "level": g["level"], "role": g["role"], "status": g["status"], "word": STATUS_WORDS[g["status"]],
            "priority": g["priority"], "contacts": len(g["contacts"]),
            "suggested": node_key(STAFF, g["suggested_staff"]) if g.get("suggested_staff") else None,
        }
        for g in rows
    ]


def _record(**fields: Any) -> dict[str, Any]:
    """A node record without its empty fields (keeps big maps small)."""
    return {k: v for k, v in fields.items() if v is not None and v != ""}


def _records(**columns: list[Any]) -> list[dict[str, Any]]:
    """The :func:`_record` of each row of parallel ``columns``, fields in the order
    given: made whole at once (:func:`relgraph.rows.make_rows`), then the empty
    cells taken out (deleting keeps the order of the others)."""
    names = tuple(f for f, values in columns.items() if any(v is not None and v != "" for v in values))
    if not names:  # no rows (an account without contacts)
        return []
    rows = make_rows(names, [columns[f] for f in names])
    for f in names:
        values = columns[f]
        if None in values or "" in values:
            for i in [i for i, v in enumerate(values) if v is None or v == ""]:
                del rows[i][f]
    return rows


def _picker(table: Mapping[str, list[Any]], order: list[int]) -> Any:
    """A function giving a column of ``table`` (name -> values) in row ``order``;
    all None for a column the table lacks."""

    # itemgetter picks in C, twice as fast as a comprehension; with fewer than two
    # rows it would give a bare item, not a tuple.
    pick = operator.itemgetter(*order) if len(order) > 1 else lambda values: [values[i] for i in order]

    def column(name: str) -> list[Any]:
        values = table.get(name)
        return [None] * len(order) if values is None else list(pick(values))

    return column


def _path_record(p: dict[str, Any]) -> dict[str, Any]:
    """An influence path with graph keys: ``nodes`` and step ends become node keys
    (a path starts at a staff member and runs through contacts); ``ids`` keeps the
    data set ids, as ``relgraph paths`` prints them."""
    keys = [node_key(STAFF, p["nodes"][0])] + [node_key(CONTACT, c) for c in p["nodes"][1:]]
    steps = [{**step, "from": keys[i], "to": keys[i + 1]} for i, step in enumerate(p["steps"])]
    return {"score": p["score"], "ids": list(p["nodes"]), "nodes": keys, "steps": steps}


def _org_levels(account_key: str, nodes: list[dict[str, Any]], links: Iterable[LinkLine]) -> dict[str, int]:
    """Rows of the org chart, 0 at the top: the account, its units by depth, each
    contact below its unit and below everyone it reports to, blind spots below the
    unit they hang from, and our staff in the row under the customer."""
    level: dict[str, int] = {account_key: 0}
    parent = {node["id"]: node["parent"] for node in nodes if node["kind"] == UNIT and "parent" in node}
    for node in nodes:
        if node["kind"] != UNIT:
            continue
        chain: list[str] = []
        n: str | None = node["id"]
        while n is not None and n not in level and n not in chain:
            chain.append(n)
            n = parent.get(n)
        depth = level.get(n, 0) if n is not None else 0
        for m in reversed(chain):
            depth += 1
            level[m] = depth
    base: dict[str, int] = {}
    for node in nodes:
        if node["kind"] == CONTACT:
            home = node.get("home")
            base[node["id"]] = level[home] + 1 if home else 1
    chart = nx.DiGraph()
    chart.add_nodes_from(sorted(base))
    reporting = (link for link in links if link.type == REPORTS_TO)
    chart.add_edges_from(sorted((node_key(CONTACT, x.target), node_key(CONTACT, x.source)) for x in reporting))  # manager -> report
    try:
        order = list(nx.lexicographical_topological_sort(chart))
    except nx.NetworkXUnfeasible:  # a cycle only through links of different periods
        order = sorted(base)
    for c in order:
        level[c] = max([base[c]] + [level[m] + 1 for m in chart.pred[c] if m in level])
    for node in nodes:
        if node["kind"] == GAP:
            level[node["id"]] = level[node["anchor"]] + 1
    bottom = max(level.values(), default=0)
    for node in nodes:
        if node["kind"] == STAFF:
            level[node["id"]] = bottom + 1
    return level


def map_html(data: nx.MultiDiGraph | TypedTables, result: AccountResult | None = None, **options: Any) -> str:
    """The self-contained HTML page of one account's map (its typed tables or
    graph); ``result`` and ``options`` are those of :func:`map_data`."""
    return _page(*_layout(data, result, **options))


def page_html(data: dict[str, Any]) -> str:
    """Render the records of :func:`map_data` into the page.

    Edges travel as columns (``edge_table``: node positions, type codes and one
    value each: strength, weight or p) rather than as records: a third of the size
    and several times faster to encode and parse for tens of thousands of edges.
    """
    return _page(data, EdgeColumns.of_records(data["edges"]))


def _page(data: dict[str, Any], edges: EdgeColumns) -> str:
    """The page of the records of :func:`map_data` (its ``edges`` left out) and of
    its edges as columns."""
    nodes = data["nodes"]
    ids = [n["id"] for n in nodes]
    position = dict(zip(ids, range(len(ids))))
    payload = {k: v for k, v in data.items() if k != "edges"}
    payload["edge_table"] = edges.table(position)
    # What the page writes once per unit or cell is joined here, not looped over in
    # the template: a map may hold tens of thousands of nodes.
    units = [n for n in nodes if n["kind"] == UNIT]
    return render_template(
        "map.html",
        data=payload,
        payload=payload,
        by_id=dict(zip(ids, nodes)),
        contact_count=sum(n["kind"] == CONTACT for n in nodes),
        unit_options=markup_join(
            ('<option value="', n["id"], '">', n["label"], " (", n["unit_level"], ")</option>") for n in units
        ),
        cell_at={(c["level"], c["role"]): c for c in data["cells"]},
        limit=LIST_LIMIT,
        kind_words=PLAN_WORDS,
        title=f"{data['account']['name']} — relationship map",
    )


@paused_gc()  # a map builds hundreds of thousands of small containers, none in a cycle
def write_map(
    store,
    path: str | Path | None = None,
    *,
    account: str | None = None,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    to: str | None = None,
    source: str | None = None,
    through_opponents: bool = False,
    layout: str = "network",
    focus: str | None = None,
    hops: int = 1,
    horizon: int = 180,
    rotation_years: int = 3,
) -> Path:
    """Write the map of one account of ``store`` to ``path`` and return the path.

    ``account`` may be left out when ``to`` names a contact (its account is used),
    or when the data set holds one account.
    The default ``path`` is ``<account>-map.html`` (a file-safe form of the id) in the
    current folder. The file is written atomically.
    """
    if account is None and to is None:
        ids = store.account_ids()
        if len(ids) != 1:
            raise UsageError(
                f"the data set holds {len(ids)} accounts: give --account ID (or --to CONTACT, whose account is then used)"
            )
        account = ids[0]
    elif account is None:
        account = store.locate(CONTACT, to)
    elif to is not None:
        home = store.locate(CONTACT, to)
        if home != account:
            raise UsageError(f"contact {to!r} belongs to account {home!r}, not {account!r}")
    if source is not None:
        store.locate(STAFF, source)
    _check_view(layout, hops)
    typed = store.tables([account])  # the one read: the map and its plan come from the same frame
    options = dict(as_of=as_of, half_life=half_life, grace=grace, strong=strong, horizon=horizon,
                   rotation_years=rotation_years)
    # One result, whose strengths and access graph the plan takes too.
    r = account_result(typed, to=to, source=source, through_opponents=through_opponents, lists=True, **options)
    plan = relationship_plan(typed, result=r, **options)
    r = r.without_basis()  # the page is drawn after the plan, at the peak of memory
    html = map_html(typed, r, plan=plan, layout=layout, focus=focus, hops=hops)
    from .report import file_stem

    return write_text_atomic(path if path is not None else f"{file_stem(account)}-map.html", html)
