"""Validation: every problem of a data set, each as ``FILE:LINE: message``.

Readers (:mod:`relgraph.readwrite`) hand over *raw* tables: the cells as text (CSV)
or JSON values, with each row's location. :func:`validate` types every cell by its
column (:mod:`relgraph.model`), checks every rule of SPEC section 1 and returns the
typed :class:`~relgraph.model.Dataset` together with **all** problems and warnings —
it never stops at the first one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .model import (
    BOOL,
    DATE,
    ENUM,
    ID,
    INT,
    LEVEL,
    LEVELS,
    NUMBER,
    REF,
    REFS,
    TABLES,
    TEXT,
    Column,
    Dataset,
)

# Names the graph uses for its own attributes: an extra column may not take them.
RESERVED = {"kind", "type", "seq", "given_level"}


@dataclass
class RawTable:
    """One table as read: its columns and its rows with their locations.

    ``rows`` holds ``(location, cells)`` pairs where ``cells`` maps column name to
    the raw value (``str`` from CSV; any JSON value from JSON). ``location`` is the
    CSV line number, or the JSON array index when ``json`` is true. ``problems``
    are those the reader already found (bad encoding, ragged rows, ...).
    """

    name: str
    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    json: bool = False
    problems: list[Problem] = field(default_factory=list)

    def at(self, loc: int | None, message: str) -> Problem:
        """A problem located at row ``loc`` (None: the table/header itself)."""
        if self.json:
            return Problem(self.file, None, message, table=self.name, index=loc)
        return Problem(self.file, 1 if loc is None else loc, message)


@dataclass
class RawData:
    """What a reader found: the tables present and the problems of missing ones."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# --- cell conversion ------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


class _Bad(Exception):
    """A cell's value is wrong; the message says how."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


def _number(col: Column, s: str, whole: bool) -> int | float:
    try:
        x = float(s)
    except ValueError:
        raise _Bad(f"{col.name} {s!r} is not a number") from None
    if x != x or x in (float("inf"), float("-inf")):
        raise _Bad(f"{col.name} {s!r} is not a number")
    if whole and not x.is_integer():
        raise _Bad(f"{col.name} {s!r} is not a whole number")
    lo, hi = col.range or (float("-inf"), float("inf"))
    if not lo <= x <= hi:
        raise _Bad(f"{col.name} {s} is out of range {lo:g}-{hi:g}")
    return int(x) if x.is_integer() else x


def _date(col: Column, s: str) -> dt.date:
    if not _DATE_RE.match(s):
        raise _Bad(f"{col.name} {s!r} is not a date (expected YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise _Bad(f"{col.name} {s!r} is not a valid date") from None


def _converter(col: Column) -> Callable[[Any], Any]:
    """A function raw value -> typed value (None when not given), raising _Bad."""
    t = col.type
    if t in (TEXT, ID, REF):
        return _text
    if t == LEVEL:

        def level(v: Any) -> str | None:
            s = _text(v)
            if s is not None and s.lower() in LEVELS:
                return s.lower()
            return s

        return level
    if t == ENUM:
        lookup = {c.lower(): c for c in col.choices}

        def enum(v: Any) -> str | None:
            s = _text(v)
            if s is None:
                return None
            try:
                return lookup[s.lower()]
            except KeyError:
                raise _Bad(
                    f"unknown {col.name} {s!r} (expected one of {', '.join(col.choices)})"
                ) from None

        return enum
    if t in (INT, NUMBER):
        whole = t == INT

        def number(v: Any) -> int | float | None:
            if isinstance(v, bool):
                raise _Bad(f"{col.name} {v!r} is not a number")
            s = _text(v) if not isinstance(v, (int, float)) else repr(v)
            return None if s is None else _number(col, s, whole)

        return number
    if t == BOOL:

        def boolean(v: Any) -> bool | None:
            if isinstance(v, bool):
                return v
            s = _text(v)
            if s is None:
                return None
            low = s.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise _Bad(f"{col.name} {s!r} is not true or false")

        return boolean
    if t == DATE:

        def date(v: Any) -> dt.date | None:
            s = _text(v)
            return None if s is None else _date(col, s)

        return date
    if t == REFS:

        def refs(v: Any) -> list[str] | None:
            if isinstance(v, list):
                items = [_text(x) for x in v]
            else:
                s = _text(v)
                items = [] if s is None else [x.strip() for x in s.split(";")]
            items = [x for x in items if x]
            return items or None

        return refs
    raise AssertionError(t)  # pragma: no cover


# --- validation ------------------------------------------------------------------------


def validate(raw: RawData) -> tuple[Dataset, list[Problem], list[Problem]]:
    """Type and check a raw data set.

    Returns
    -------
    (Dataset, problems, warnings)
        The typed data set (meaningful only when ``problems`` is empty), every
        problem, and every warning, each sorted by file and line.
    """
    problems: list[Problem] = list(raw.problems)
    warnings: list[Problem] = []
    ds = Dataset()
    locs: dict[str, list[int]] = {}
    present: dict[str, set[str]] = {}  # table -> columns present

    for name, table in TABLES.items():
        rt = raw.tables.get(name)
        if rt is None:
            locs[name] = []
            present[name] = set()
            continue
        problems.extend(rt.problems)
        if not rt.columns and rt.problems:  # unreadable: nothing more to say about it
            locs[name] = []
            present[name] = set()
            continue
        seen: set[str] = set()
        for c in rt.columns:
            if c in seen:
                problems.append(rt.at(None, f"column {c!r} appears twice"))
            seen.add(c)
        missing = [c for c in table.required if c not in seen]
        for c in missing:
            problems.append(rt.at(None, f"missing column {c!r}"))
        extras = [c for c in rt.columns if c not in table.by_name and c]
        for c in extras:
            if c in RESERVED:
                problems.append(rt.at(None, f"column {c!r} is reserved; rename it"))
        ds.extras[name] = [c for c in dict.fromkeys(extras) if c not in RESERVED]
        present[name] = seen

        # Every row has the table's columns in schema order (absent ones at their
        # default), then the extras: the same dict whichever reader typed it.
        convs = [
            (c.name, _converter(c) if c.name in seen else None, c.required, c.default) for c in table.columns
        ]
        extra_cols = ds.extras[name]
        rows = ds.tables[name]
        row_locs = locs.setdefault(name, [])
        key = table.key
        first_seen: dict[str, int] = {}
        for loc, cells in rt.rows:
            row: dict[str, Any] = {}
            ok = True
            for cname, conv, required, default in convs:
                if conv is None:
                    row[cname] = default
                    continue
                try:
                    v = conv(cells.get(cname))
                except _Bad as e:
                    problems.append(rt.at(loc, str(e)))
                    ok = False
                    continue
                if v is None:
                    if required:
                        problems.append(rt.at(loc, f"missing value for {cname!r}"))
                        ok = False
                        continue
                    v = default
                row[cname] = v
            for c in extra_cols:
                row[c] = _text(cells.get(c))
            if key is not None and row.get(key) is not None:
                k = row[key]
                if k in first_seen:
                    where = f"line {first_seen[k]}" if not rt.json else f"index {first_seen[k]}"
                    problems.append(rt.at(loc, f"duplicate {key} {k!r} (first at {where})"))
                    ok = False
                else:
                    first_seen[k] = loc
            if ok:
                rows.append(row)
                row_locs.append(loc)
    # From here on only well-typed rows are checked; a row with a bad cell has
    # already been reported and is left out of the cross-table checks.
    _check_references(raw, ds, locs, present, problems)
    _check_cycles(raw, ds, locs, problems)
    _check_periods(raw, ds, locs, problems)
    _collect_warnings(raw, ds, locs, warnings)
    problems.sort(key=problem_sort_key)
    warnings.sort(key=problem_sort_key)
    return ds, problems, warnings


_TABLE_ORDER = {name: i for i, name in enumerate(TABLES)}


def problem_sort_key(p: Problem) -> tuple:
    """Problems in table load order (accounts first), then by line or index."""
    table = p.table if p.table is not None else p.file.rsplit("/", 1)[-1].removesuffix(".csv")
    return (_TABLE_ORDER.get(table, -1), p.line or 0, -1 if p.index is None else p.index)


def _table(raw: RawData, name: str) -> RawTable:
    return raw.tables[name]


def _check_references(
    raw: RawData,
    ds: Dataset,
    locs: dict[str, list[int]],
    present: dict[str, set[str]],
    problems: list[Problem],
) -> None:
    ids = {name: {r["id"] for r in ds[name]} for name in ("accounts", "units", "contacts", "staff")}
    # Ids of rows that were rejected still exist for reference purposes: a bad cell
    # in a contact row should not also turn every relationship to it into a problem.
    for name in ids:
        rt = raw.tables.get(name)
        if rt is not None:
            for _, cells in rt.rows:
                v = _text(cells.get("id"))
                if v is not None:
                    ids[name].add(v)
    unit_account = {r["id"]: r["account"] for r in ds["units"]}
    singular = {"accounts": "account", "units": "unit", "contacts": "contact", "staff": "staff member"}
    for name, table in TABLES.items():
        if name not in raw.tables:
            continue
        rt = raw.tables[name]
        # References into a missing or unreadable table are not checked: that
        # table's own problem is the one to fix, not every row pointing at it. An
        # optional table that is simply absent (no units.csv) has no ids at all.
        refcols = [
            c
            for c in table.columns
            if c.type in (REF, REFS)
            and c.name in present[name]
            and ("id" in present[c.ref] or (c.ref not in raw.tables and TABLES[c.ref].optional))
        ]
        for loc, row in zip(locs[name], ds[name]):
            for c in refcols:
                v = row[c.name]
                if v is None:
                    continue
                for ref in v if c.type == REFS else [v]:
                    if ref not in ids[c.ref]:
                        problems.append(rt.at(loc, f"{c.name}: unknown {singular[c.ref]} {ref!r}"))
            if name == "units" and row["parent"] is not None:
                pa = unit_account.get(row["parent"])
                if row["parent"] == row["id"]:
                    problems.append(rt.at(loc, f"unit {row['id']!r} is its own parent"))
                elif pa is not None and pa != row["account"]:
                    problems.append(
                        rt.at(
                            loc,
                            f"parent unit {row['parent']!r} belongs to account {pa!r}, "
                            f"not {row['account']!r}",
                        )
                    )
            if name == "contacts" and row["unit"] is not None:
                ua = unit_account.get(row["unit"])
                if ua is not None and ua != row["account"]:
                    problems.append(
                        rt.at(
                            loc,
                            f"unit {row['unit']!r} belongs to account {ua!r}, not {row['account']!r}",
                        )
                    )
            if name == "links" and row["source"] is not None and row["source"] == row["target"]:
                problems.append(rt.at(loc, f"link from contact {row['source']!r} to itself"))


def _find_cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first search (one per back edge),
    each starting at its smallest node, deduplicated."""
    WHITE, GREY, BLACK = 0, 1, 2
    color: dict[str, int] = {}
    cycles: dict[tuple[str, ...], list[str]] = {}
    for start in sorted(edges):
        if color.get(start, WHITE) != WHITE:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        color[start] = GREY
        while stack:
            node, i = stack[-1]
            succ = edges.get(node, [])
            if i < len(succ):
                stack[-1] = (node, i + 1)
                nxt = succ[i]
                c = color.get(nxt, WHITE)
                if c == WHITE:
                    color[nxt] = GREY
                    stack.append((nxt, 0))
                    path.append(nxt)
                elif c == GREY:
                    cyc = path[path.index(nxt) :]
                    j = cyc.index(min(cyc))
                    cyc = cyc[j:] + cyc[:j]
                    cycles.setdefault(tuple(cyc), cyc)
            else:
                color[node] = BLACK
                stack.pop()
                path.pop()
    return list(cycles.values())


def _check_cycles(raw: RawData, ds: Dataset, locs: dict[str, list[int]], problems: list[Problem]) -> None:
    """``reports_to`` cycles among contacts, and parent cycles among units."""
    if "links" in raw.tables:
        edges: dict[str, list[str]] = {}
        where: dict[tuple[str, str], int] = {}
        for loc, row in zip(locs["links"], ds["links"]):
            if row["kind"] == "reports_to" and row["source"] != row["target"]:
                edges.setdefault(row["source"], []).append(row["target"])
                where.setdefault((row["source"], row["target"]), loc)
        rt = raw.tables["links"]
        for cyc in _find_cycles(edges):
            loc = where[(cyc[0], cyc[1 % len(cyc)])]
            chain = " -> ".join(cyc + [cyc[0]])
            problems.append(rt.at(loc, f"reports_to cycle: {chain}"))
    if "units" in raw.tables:
        edges = {}
        uwhere: dict[str, int] = {}
        for loc, row in zip(locs["units"], ds["units"]):
            if row["parent"] is not None and row["parent"] != row["id"]:
                edges.setdefault(row["id"], []).append(row["parent"])
                uwhere[row["id"]] = loc
        rt = raw.tables["units"]
        for cyc in _find_cycles(edges):
            chain = " -> ".join(cyc + [cyc[0]])
            problems.append(rt.at(uwhere[cyc[0]], f"unit parent cycle: {chain}"))


def _check_periods(raw: RawData, ds: Dataset, locs: dict[str, list[int]], problems: list[Problem]) -> None:
    for name in ("relationships", "links"):
        if name not in raw.tables:
            continue
        rt = raw.tables[name]
        for loc, row in zip(locs[name], ds[name]):
            s, u = row["since"], row["until"]
            if s is not None and u is not None and u <= s:
                problems.append(rt.at(loc, f"until {u.isoformat()} is not after since {s.isoformat()}"))


def _collect_warnings(raw: RawData, ds: Dataset, locs: dict[str, list[int]], warnings: list[Problem]) -> None:
    staff_rows = {r["id"]: r for r in ds["staff"]}
    if "relationships" in raw.tables:
        rt = raw.tables["relationships"]
        for loc, row in zip(locs["relationships"], ds["relationships"]):
            s = staff_rows.get(row["staff"])
            if s is not None and not s["active"]:
                warnings.append(rt.at(loc, f"relationship of inactive staff member {row['staff']!r}"))
    related = {r["contact"] for r in ds["relationships"]}
    if "contacts" in raw.tables:
        rt = raw.tables["contacts"]
        for loc, row in zip(locs["contacts"], ds["contacts"]):
            if row["id"] not in related:
                warnings.append(rt.at(loc, f"contact {row['id']!r} has no relationship"))
    on_team = {r["staff"] for r in ds["team"]}
    if "staff" in raw.tables:
        rt = raw.tables["staff"]
        for loc, row in zip(locs["staff"], ds["staff"]):
            if row["id"] not in on_team:
                warnings.append(rt.at(loc, f"staff member {row['id']!r} is in no team"))
