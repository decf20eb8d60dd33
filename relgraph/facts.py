"""Single facts written into a data set: a touchpoint logged, a relationship set.

A *fact* is one row that an account team records as it works: a touchpoint (one of
the five methods: a visit, model site, meeting, technical exchange or research, or
``other``) with who attended, or how well a staff member now knows a contact. A fact
is checked against the data set first, with the rules every data set is read by
(:mod:`relgraph.validate`): an unknown id, a bad method, date or strength is a
problem, every one is listed and nothing is written. It is then written in place
into a data folder or JSON file (:mod:`relgraph.readwrite.edit`) or, in Neo4j, in
one transaction; every analysis sees it at once (a touchpoint refreshes the last
contact of each staff member and contact it lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InvalidData, NotFound, Problem
from .graph import CONTACT, STAFF

__all__ = ["log_touchpoint", "relate", "Related"]


def _open(data: str, database: str | None):
    from .stores import open_store

    return open_store(data, database=database)


def _checked(store, table: str, raw: dict[str, Any], neutral: dict[str, Any], what: str) -> dict[str, Any]:
    """The typed row of ``raw`` (cells as given on the command line), checked with
    the reading rules against the staff and contacts of ``store``.

    The row is checked twice: as given, and with its values other than ids set to
    ``neutral`` ones, so that a bad value does not hide an unknown id.

    Raises
    ------
    InvalidData
        Every problem, located as ``what`` (e.g. ``new touchpoint``).
    """
    from .readwrite.jsonfile import read_raw_obj
    from .validate import validate

    staff_ids = raw["staff"] if isinstance(raw["staff"], list) else [raw["staff"]]
    contact_ids = raw["contacts"] if "contacts" in raw else [raw["contact"]]
    known: dict[str, dict[str, str]] = {STAFF: {}, CONTACT: {}}
    for kind, ids in ((STAFF, staff_ids), (CONTACT, contact_ids)):
        for i in dict.fromkeys(x for x in ids if isinstance(x, str) and x.strip()):
            try:
                known[kind][i] = store.locate(kind, i.strip())
            except NotFound:
                pass
    base = {
        "accounts": [{"id": a, "name": a} for a in dict.fromkeys(known[CONTACT].values())],
        "contacts": [{"id": c, "name": c, "account": a} for c, a in known[CONTACT].items()],
        "staff": [{"id": s, "name": s} for s in known[STAFF]],
        "relationships": [],
    }
    problems: list[Problem] = []
    typed = None
    for row in (raw, {**raw, **neutral}):
        ds, found, _ = validate(read_raw_obj({**base, table: [row]}, what))
        for p in found:
            q = Problem(what, None, p.message)
            if q not in problems:
                problems.append(q)
        if typed is None and not found:
            typed = ds[table][0]
    if problems:
        raise InvalidData(problems)
    return typed


def _ids(values: Sequence[str]) -> list[str]:
    """Ids given as repeated options and/or as ``a;b`` lists."""
    return [x.strip() for v in values for x in v.split(";") if x.strip()]


def log_touchpoint(
    data: str,
    *,
    date: str,
    method: str,
    staff: Sequence[str],
    contacts: Sequence[str],
    notes: str | None = None,
    database: str | None = None,
) -> dict[str, Any]:
    """Record one touchpoint in DATA (a folder, a JSON file or a Neo4j URI).

    Values are given as text, as in a data file (``date`` as ``YYYY-MM-DD``); the
    staff and contact ids may be lists or ``;``-separated. Returns the touchpoint
    as written (typed).

    Raises
    ------
    InvalidData
        With every problem of the data set, or of the touchpoint; nothing is written.
    """
    raw = {"date": date, "method": method, "staff": _ids(staff), "contacts": _ids(contacts), "notes": notes}
    store = _open(data, database)
    try:
        row = _checked(store, "touchpoints", raw, {"date": "2000-01-01", "method": "other", "notes": None},
                       "new touchpoint")
        if hasattr(store, "add_touchpoint"):
            return store.add_touchpoint(row)
        from .readwrite.edit import append_row

        append_row(store.path, "touchpoints", row)
        return row
    finally:
        store.close()


@dataclass(frozen=True)
class Related:
    """What :func:`relate` did: ``action`` is ``updated`` (the relationship in force)
    or ``added`` (none was), ``relationship`` the row as it now is."""

    action: str
    relationship: dict[str, Any]


def _in_force_row(rows: list[dict[str, Any]], on: dt.date) -> int | None:
    """The row of a pair that counts at ``on``: the strongest in force, the last of
    equals (SPEC section 2); None when none is in force."""
    from .analysis.strength import in_force

    best = None
    for i, r in enumerate(rows):
        if in_force(r, on) and (best is None or r["strength"] >= rows[best]["strength"]):
            best = i
    return best


def relate(
    data: str,
    *,
    staff: str,
    contact: str,
    strength: str | float,
    date: str | None = None,
    today: dt.date | None = None,
    database: str | None = None,
) -> Related:
    """Set how well a staff member knows a contact, in DATA.

    The relationship in force on ``date`` (default ``today``) gets the new
    ``strength``, and ``last_contact`` = ``date`` when a date is given; with no
    relationship in force a row is added (from ``date`` on when the pair has rows
    for other periods, so that those keep their history).

    Raises
    ------
    InvalidData
        With every problem of the data set or of the new values; nothing is written.
    """
    raw = {"staff": staff, "contact": contact, "strength": strength, "last_contact": date}
    store = _open(data, database)
    try:
        row = _checked(store, "relationships", raw, {"strength": 1, "last_contact": None}, "relationship")
        on = row["last_contact"] or today or dt.date.today()
        changes = {"strength": row["strength"]}
        if row["last_contact"] is not None:
            changes["last_contact"] = row["last_contact"]

        def new_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
            return {**row, "since": on if rows else None}

        pick = lambda rows: _in_force_row(rows, on)  # noqa: E731
        if hasattr(store, "set_relationship"):
            action, now = store.set_relationship(staff, contact, pick=pick, changes=changes, new_row=new_row)
            return Related(action, now)
        from .readwrite.edit import append_row, update_row

        table = store.dataset()["relationships"]
        at = [i for i, r in enumerate(table) if r["staff"] == row["staff"] and r["contact"] == row["contact"]]
        i = pick([table[j] for j in at])
        if i is None:
            added = new_row(at)
            append_row(store.path, "relationships", added)
            return Related("added", {k: v for k, v in added.items()})
        update_row(store.path, "relationships", at[i], changes)
        return Related("updated", {**table[at[i]], **changes})
    finally:
        store.close()
