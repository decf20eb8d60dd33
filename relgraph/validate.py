"""Validation: every problem of a data set, each as ``FILE:LINE: message``.

Validation has two halves. A reader types the cells: the exact row-by-row readers
(:mod:`relgraph.readwrite`) hand over *raw* tables (the cells as text from CSV, or
JSON values, with each row's location) and :func:`type_cells` types every cell by
its column (:mod:`relgraph.model`), wording the problems of files, headers and
cells; the column-wise CSV reader (:mod:`relgraph.readwrite.fastcsv`) types a
clean folder itself with the same converters. Then one set of rules,
:func:`check_tables`, checks everything that spans rows or tables over the typed
tables, whichever reader typed them, and words those problems and every warning:
so the two CSV paths cannot disagree. It never stops at the first problem.
"""

from __future__ import annotations

import dataclasses

import datetime as dt
import difflib
import functools
import re
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa
from . import arrowcompute as pc

from .errors import Problem
from .model import (
    BOOL,
    COVERAGE_ROLES,
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
from .tables import bools, numbers, one_array

# Names the graph uses for its own attributes: an extra column may not take them.
RESERVED = {"kind", "type", "seq", "given_level"}

UNSET_WARNED = {"contacts": ("role",)}
"""Columns whose empty cells are warned about: the default they get changes answers
(a contact without a role falls outside the coverage matrix). The readers record
those cells in :attr:`Origin.unset`."""


def canonical_columns(name: str, headers: list[str]) -> list[str]:
    """A table's header names as read: stripped, and a known column's name in any
    case (``ID``, `` Name ``) spelled as the model does; an extra column keeps its
    own spelling (and every name of a file that is not a table of the model)."""
    known = {c.name.lower(): c.name for c in TABLES[name].columns} if name in TABLES else {}
    out = []
    for h in headers:
        h = h.strip()
        out.append(known.get(h.lower(), h))
    return out


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
                for x in items:
                    # A CSV cell separates ids by ';': such an id could not be written out.
                    if x is not None and ";" in x:
                        raise _Bad(f"{col.name}: id {x!r} holds a ';', which separates ids")
            else:
                s = _text(v)
                items = [] if s is None else [x.strip() for x in s.split(";")]
            items = [x for x in items if x]
            return items or None

        return refs
    raise AssertionError(t)  # pragma: no cover


# --- typing cells: what a reader does ---------------------------------------------------


@dataclass
class Origin:
    """Where the rows of one typed table came from, so that the rules can word their
    problems.

    ``locs[i]`` is the location of typed row ``i`` (CSV line, or JSON index when
    ``json``); None means one physical line per row after the header (``i + 2``), as
    the column-wise CSV reader reads. ``bad`` lists the rows with a bad cell (typed
    as not given): the rules check what else is wrong with them, and their ids exist
    for references (the bad cell is the problem to fix, not every row pointing at
    that row), but they are left out of the data set. ``has_ids`` is false when the
    table's ids cannot be known (a required table missing or unreadable, or its id
    column missing): references into it are not checked, as that table's own problem
    is the one to fix.
    """

    name: str
    file: str
    json: bool = False
    locs: list[int] | None = None
    bad: list[int] = field(default_factory=list)
    has_ids: bool = True
    sheet: str | None = None  # the workbook sheet the table was read from
    unset: dict[str, list[int] | None] = field(default_factory=dict)
    """For the columns of :data:`UNSET_WARNED`: the typed rows whose cell was empty
    (given the default), or None when the file has no such column."""
    elements: list[str] | None = None  # for rows read from a database: the element at each location

    def loc(self, i: int) -> int:
        """The location of typed row ``i``."""
        return i + 2 if self.locs is None else self.locs[i]

    def at(self, loc: int, message: str) -> Problem:
        """A problem located at ``loc`` (a line, or a JSON index)."""
        if self.elements is not None:
            return Problem(self.file, None, message, table=self.name, index=loc, element=self.elements[loc])
        if self.json:
            return Problem(self.file, None, message, table=self.name, index=loc)
        if self.sheet is not None:
            return Problem(self.file, loc, message, table=self.name, sheet=self.sheet)
        return Problem(self.file, loc, message)

    def where(self, loc: int) -> str:
        """Location ``loc`` in words, as a message refers to another row."""
        if self.elements is not None:
            return self.elements[loc]
        return f"index {loc}" if self.json else f"line {loc}"

    def without(self, rows: list[int], n: int) -> Origin:
        """The origin of the table once typed rows ``rows`` (of ``n``) are left out."""
        gone = set(rows)
        kept = [i for i in range(n) if i not in gone]
        new = {i: j for j, i in enumerate(kept)}
        bad = [new[i] for i in self.bad if i in new]
        unset = {c: None if rs is None else [new[i] for i in rs if i in new] for c, rs in self.unset.items()}
        return Origin(self.name, self.file, self.json, [self.loc(i) for i in kept], bad, self.has_ids, self.sheet,
                      unset, self.elements)


def type_cells(raw: RawData) -> tuple[Dataset, dict[str, Origin], list[Problem]]:
    """Type every cell of a raw data set by its column (the row-by-row reader's half
    of validation).

    Returns the typed rows (absent columns at their default, the model's columns in
    schema order, then the extras: the same dict whichever reader typed it; a bad
    cell as not given, and its row listed in :attr:`Origin.bad`), the
    :class:`Origin` of every table, and the problems of the files, headers and cells.
    The rules across rows and tables are :func:`check_tables`'s.
    """
    problems: list[Problem] = list(raw.problems)
    ds = Dataset()
    origins: dict[str, Origin] = {}
    for name, table in TABLES.items():
        rt = raw.tables.get(name)
        if rt is None:
            # An optional table that is simply absent (no units.csv) has no ids at all.
            origins[name] = Origin(name, table.filename, has_ids=table.optional)
            continue
        origin = origins[name] = Origin(
            name, rt.file, rt.json, [], has_ids=False, sheet=getattr(rt, "sheet", None), elements=getattr(rt, "elements", None)
        )
        problems.extend(rt.problems)
        if not rt.columns and rt.problems:  # unreadable: nothing more to say about it
            continue
        seen: set[str] = set()
        twice = False
        for c in rt.columns:
            if c in seen and c:  # a column without a name is ignored, as Excel adds them
                problems.append(rt.at(None, f"column {c!r} appears twice"))
                twice = True
            seen.add(c)
        if twice:
            # Which of the two is meant is anyone's guess: the rows are not read, and
            # references into the table are not checked (no cascade of problems).
            continue
        origin.has_ids = "id" in seen
        missing = [c for c in table.required if c not in seen]
        for c in missing:
            problems.append(rt.at(None, f"missing column {c!r}"))
        extras = [c for c in rt.columns if c not in table.by_name and c]
        for c in extras:
            if c in RESERVED:
                problems.append(rt.at(None, f"column {c!r} is reserved; rename it"))
        ds.extras[name] = [c for c in dict.fromkeys(extras) if c not in RESERVED]

        convs = [
            (c.name, _converter(c) if c.name in seen else None, c.required, c.default) for c in table.columns
        ]
        unset = origin.unset
        for c in UNSET_WARNED.get(name, ()):
            unset[c] = [] if c in seen else None
        tracked = {c for c, rs in unset.items() if rs is not None}
        extra_cols = ds.extras[name]
        rows = ds.tables[name]
        locs, bad = origin.locs, origin.bad
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
                    row[cname] = None
                    continue
                if v is None:
                    if required:
                        problems.append(rt.at(loc, f"missing value for {cname!r}"))
                        ok = False
                        row[cname] = None
                        continue
                    if cname in tracked:
                        unset[cname].append(len(rows))
                    v = default
                row[cname] = v
            for c in extra_cols:
                row[c] = _text(cells.get(c))
            if not ok:
                bad.append(len(rows))
            rows.append(row)
            locs.append(loc)
    return ds, origins, problems


def validate(raw: RawData) -> tuple[Dataset, list[Problem], list[Problem]]:
    """Type and check a raw data set: :func:`type_cells`, then :func:`check_tables`.

    Returns
    -------
    (Dataset, problems, warnings)
        The typed data set (meaningful only when ``problems`` is empty), every
        problem, and every warning, each sorted by file and line.
    """
    ds, _, problems, warnings = validate_tables(raw)
    return ds, problems, warnings


def validate_tables(raw: RawData):
    """:func:`validate`, also returning the typed tables the rules checked:
    ``(Dataset, TypedTables, problems, warnings)``."""
    from .tables import TypedTables

    ds, origins, problems = type_cells(raw)
    typed = TypedTables.from_dataset(ds)
    verdict = check_tables(typed.tables, origins)
    for name, gone in verdict.dropped.items():
        drop = set(gone)
        ds.tables[name] = [r for i, r in enumerate(ds.tables[name]) if i not in drop]
    problems.extend(verdict.problems)
    problems.sort(key=problem_sort_key)
    typed.warnings = verdict.warnings
    typed.refs = verdict.refs
    return ds, typed, problems, verdict.warnings


_TABLE_ORDER = {name: i for i, name in enumerate(TABLES)}


_FILE_ORDER: dict[str, int] = {}  # a file's path -> its table's place in _TABLE_ORDER


def problem_sort_key(p: Problem) -> tuple:
    """Problems in table load order (accounts first), then by line or index."""
    if p.table is not None:
        order = _TABLE_ORDER.get(p.table, -1)
    else:  # the order of a file's table, worked out once per file (thousands of warnings)
        order = _FILE_ORDER.get(p.file)
        if order is None:
            order = _FILE_ORDER[p.file] = _TABLE_ORDER.get(p.file.rsplit("/", 1)[-1].removesuffix(".csv"), -1)
    return (order, p.line or 0, -1 if p.index is None else p.index)


# --- the rules across rows and tables: one set, over typed tables ---------------------


@dataclass
class Verdict:
    """What :func:`check_tables` found: the problems and warnings (each sorted by
    file and line), the typed rows to leave out of the data set (``dropped[table]``:
    rows with a bad cell, and rows whose id repeats an earlier one), and the
    :func:`~relgraph.tables.reference_rows` of the tables (None when rows
    are to be left out)."""

    problems: list[Problem]
    warnings: Sequence[Problem]  # a list, or :class:`Warnings` found when read
    dropped: dict[str, list[int]]
    refs: dict[tuple[str, str], pa.Array] | None


_SINGULAR = {"accounts": "account", "units": "unit", "contacts": "contact", "staff": "staff member"}


def check_tables(tables: dict[str, pa.Table], origins: dict[str, Origin]) -> Verdict:
    """Every rule of SPEC section 1 that spans rows or tables, a whole column at a
    time: duplicate ids, references, the account of a unit's parent and of a
    contact's unit, self-links, ``reports_to`` and unit parent cycles, periods, and
    every warning.

    ``tables`` are typed tables (:mod:`relgraph.tables`), whichever
    reader typed them; ``origins`` say where each row came from and which rows have
    a bad cell. A row whose id repeats an earlier one is checked no further; a row
    with a bad cell is checked for everything else (every problem at once), but
    not counted in the warnings. Problems are worded only for the rows that break
    a rule.
    """
    from .tables import id_rows, reference_rows

    problems: list[Problem] = []
    given = origins
    # The common case first: no id repeats (each is the first of its value), and
    # the lookup of the references, in the same hash of each table's ids, stands.
    refs, own = id_rows(tables)
    if all(_first_everywhere(one_array(tables[name].column("id")), rows) for name, rows in own.items()):
        repeated = {}
    else:
        repeated = _duplicates(tables, origins, problems)
        tables, origins = _without(tables, origins, repeated)
        refs = reference_rows(tables)
    _references(tables, origins, refs, problems)
    _accounts(tables, origins, refs, problems)
    _self_links(tables, origins, problems)
    _cycles(tables, origins, refs, problems)
    _periods(tables, origins, problems)
    bad = {name: o.bad for name, o in origins.items() if o.bad}
    if bad:
        tables, origins = _without(tables, origins, bad)
        refs = reference_rows(tables)
    warnings = Warnings(functools.partial(_warnings, tables, origins, refs))
    problems.sort(key=problem_sort_key)
    dropped = {}
    for name, o in given.items():
        gone = sorted(set(repeated.get(name, ())).union(o.bad))
        if gone:
            dropped[name] = gone
    return Verdict(problems, warnings, dropped, None if dropped else refs)


class Warnings(Sequence):
    """The warnings of a data set, worked out when first read: a sequence of
    :class:`~relgraph.errors.Problem`, sorted by file and line, equal to a list of
    the same warnings.

    A portfolio's warnings are tens of thousands of worded problems (most of its
    check's time), while the analysis commands only need them when the data set is
    invalid; ``validate`` and the load cache read them all. The tables they are
    found in are the typed tables kept anyway, and never change."""

    def __init__(self, find: Callable[[], list[Problem]]):
        self._find: Callable[[], list[Problem]] | None = find
        self._found: list[Problem] = []
        self._lock = threading.Lock()

    def _all(self) -> list[Problem]:
        with self._lock:  # two threads reading the same tables find them once
            if self._find is not None:
                self._found, self._find = self._find(), None
        return self._found

    def __getitem__(self, i):
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Warnings, list)):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # mutable in effect, as a list

    def __repr__(self) -> str:
        return repr(self._all())


def _without(
    tables: dict[str, pa.Table], origins: dict[str, Origin], rows: dict[str, list[int]]
) -> tuple[dict[str, pa.Table], dict[str, Origin]]:
    """The tables and origins with the typed rows ``rows[table]`` left out."""
    if not rows:
        return tables, origins
    tables, origins = dict(tables), dict(origins)
    for name, gone in rows.items():
        n, drop = tables[name].num_rows, set(gone)
        tables[name] = pc.filter(tables[name], pa.array([i not in drop for i in range(n)], pa.bool_()))
        origins[name] = origins[name].without(gone, n)
    return tables, origins


def _rows_where(mask: pa.Array) -> list[int]:
    """The rows where ``mask`` is true (null counts as false)."""
    return pc.indices_nonzero(mask).to_pylist()


def _first_everywhere(ids: pa.Array, first: pa.Array) -> bool:
    """Whether every id given is the first of its value (``first``: the row of the
    first equal id, :func:`~relgraph.tables.id_rows`)."""
    from .tables import arange

    return pc.all(pc.or_(pc.equal(first, arange(len(ids))), pc.is_null(ids))).as_py() is not False


def _duplicates(tables: dict[str, pa.Table], origins: dict[str, Origin], problems: list[Problem]) -> dict[str, list[int]]:
    """Ids that repeat an earlier row's; the typed rows holding them, per table."""
    repeated: dict[str, list[int]] = {}
    for name, table in TABLES.items():
        key, origin = table.key, origins[name]
        if key is None:
            continue
        ids = one_array(tables[name].column(key))
        # The common case: every id once (pc.unique is three times faster than
        # pc.count_distinct, and counts null as a value).
        if len(pc.unique(ids)) - (ids.null_count > 0) == len(ids) - ids.null_count:
            continue
        first: dict[str, int] = {}
        gone = []
        for i, k in enumerate(ids.to_pylist()):
            if k is None:
                continue
            loc = origin.loc(i)
            if k not in first:
                first[k] = loc
                continue
            problems.append(origin.at(loc, f"duplicate {key} {k!r} (first at {origin.where(first[k])})"))
            gone.append(i)
        repeated[name] = gone
    return repeated


def _references(
    tables: dict[str, pa.Table], origins: dict[str, Origin], refs: dict[tuple[str, str], pa.Array],
    problems: list[Problem],
) -> None:
    """A reference to an id that exists in no row of its table."""
    for name, table in TABLES.items():
        origin = origins[name]
        for c in table.columns:
            if c.type not in (REF, REFS) or not origins[c.ref].has_ids:
                continue
            values = one_array(tables[name].column(c.name))
            parents = None
            if c.type == REFS:
                parents = pc.list_parent_indices(values)
                values = pc.list_flatten(values)
            if refs[(name, c.name)].null_count == values.null_count:
                continue  # every id given was found
            unknown = pc.indices_nonzero(pc.and_(pc.is_null(refs[(name, c.name)]), pc.is_valid(values)))
            if not len(unknown):
                continue
            rows = unknown if parents is None else pc.take(parents, unknown)
            for i, v in zip(rows.to_pylist(), pc.take(values, unknown).to_pylist()):
                problems.append(origin.at(origin.loc(i), f"{c.name}: unknown {_SINGULAR[c.ref]} {v!r}"))


def _accounts(
    tables: dict[str, pa.Table], origins: dict[str, Origin], refs: dict[tuple[str, str], pa.Array],
    problems: list[Problem],
) -> None:
    """A unit whose parent, or a contact whose unit, belongs to another account (and
    a unit that is its own parent)."""
    units = tables["units"]
    if not origins["units"].has_ids or units.num_rows == 0:
        return
    o = origins["units"]
    uid, uacc, parent = (one_array(units.column(c)) for c in ("id", "account", "parent"))
    own = pc.equal(parent, uid)
    for i, u in zip(_rows_where(own), pc.filter(uid, pc.fill_null(own, False)).to_pylist()):
        problems.append(o.at(o.loc(i), f"unit {u!r} is its own parent"))
    pa_ = pc.take(uacc, refs[("units", "parent")])
    other = pc.and_(pc.invert(pc.fill_null(own, False)), pc.not_equal(pa_, uacc))
    for i in _rows_where(other):
        problems.append(
            o.at(o.loc(i), f"parent unit {parent[i].as_py()!r} belongs to account {pa_[i].as_py()!r}, "
                 f"not {uacc[i].as_py()!r}")
        )
    o = origins["contacts"]
    contacts = tables["contacts"]
    unit, account = one_array(contacts.column("unit")), one_array(contacts.column("account"))
    ua = pc.take(uacc, refs[("contacts", "unit")])
    for i in _rows_where(pc.and_(pc.is_valid(unit), pc.not_equal(ua, account))):
        problems.append(
            o.at(o.loc(i), f"unit {unit[i].as_py()!r} belongs to account {ua[i].as_py()!r}, "
                 f"not {account[i].as_py()!r}")
        )


def _self_links(tables: dict[str, pa.Table], origins: dict[str, Origin], problems: list[Problem]) -> None:
    links, o = tables["links"], origins["links"]
    source = one_array(links.column("source"))
    for i in _rows_where(pc.equal(source, one_array(links.column("target")))):
        problems.append(o.at(o.loc(i), f"link from contact {source[i].as_py()!r} to itself"))


def _periods(tables: dict[str, pa.Table], origins: dict[str, Origin], problems: list[Problem]) -> None:
    for name in ("relationships", "links"):
        t, o = tables[name], origins[name]
        since, until = one_array(t.column("since")), one_array(t.column("until"))
        for i in _rows_where(pc.less_equal(until, since)):
            s, u = since[i].as_py(), until[i].as_py()
            problems.append(o.at(o.loc(i), f"until {u.isoformat()} is not after since {s.isoformat()}"))


# A cycle is shown whole up to this many nodes; a longer one by its first nodes.
CYCLE_SAMPLE = 8


def _cycles(
    tables: dict[str, pa.Table], origins: dict[str, Origin], refs: dict[tuple[str, str], pa.Array],
    problems: list[Problem],
) -> None:
    """``reports_to`` cycles among contacts, and parent cycles among units: each
    group of nodes that reach each other (a strongly connected component) once,
    with one shortest cycle through its smallest node."""
    links, o = tables["links"], origins["links"]
    source, target = one_array(links.column("source")), one_array(links.column("target"))
    reports = pc.and_(pc.equal(one_array(links.column("kind")), "reports_to"), pc.not_equal(source, target))
    edges = _cyclic_edges(source, target, reports, refs[("links", "source")], refs[("links", "target")])
    if edges:
        first: dict[tuple[str, str], int] = {}
        for s, t, i in edges:
            first.setdefault((s, t), i)
        for group, cycle in _groups(edges):
            more = (
                f" (one of the cycles among {len(group)} contacts that reach each other by reports_to)"
                if len(group) > len(cycle) else ""
            )
            problems.append(o.at(o.loc(first[cycle[0], cycle[1]]), f"reports_to cycle: {_chain(cycle)}{more}"))
    units, o = tables["units"], origins["units"]
    uid, parent = one_array(units.column("id")), one_array(units.column("parent"))
    with_parent = pc.fill_null(pc.and_(pc.is_valid(parent), pc.not_equal(parent, uid)), False)
    from .tables import arange

    edges = _cyclic_edges(uid, parent, with_parent, arange(len(uid)), refs[("units", "parent")])
    if edges:
        row_of = {s: i for s, _, i in edges}
        for _, cycle in _groups(edges):
            problems.append(o.at(o.loc(row_of[cycle[0]]), f"unit parent cycle: {_chain(cycle)}"))


def _chain(cycle: list[str]) -> str:
    if len(cycle) <= CYCLE_SAMPLE:
        return " -> ".join(cycle + [cycle[0]])
    shown = " -> ".join(cycle[:CYCLE_SAMPLE])
    return f"{shown} -> ... ({len(cycle) - CYCLE_SAMPLE} more) -> {cycle[0]}"


def _cyclic_edges(
    source: pa.Array, target: pa.Array, mask: pa.Array, source_rows: pa.Array, target_rows: pa.Array
) -> list[tuple[str, str, int]]:
    """``(source, target, row)`` of the edges of the rows in ``mask`` that may lie on
    a cycle: an edge into a node with no outgoing edge cannot, so such edges are
    peeled off, layer by layer, a whole column at a time (a clean hierarchy is gone
    in as many passes as it is deep). What is left after 64 passes goes to
    :func:`_groups` as it is.

    The nodes are peeled as the rows their ids are at (``source_rows``,
    ``target_rows``; whether a node leads on is then a flag per row, with no hash
    of the ids), unless an id is unknown."""
    index = pc.indices_nonzero(mask)  # null counts as false
    s, t = pc.take(source_rows, index), pc.take(target_rows, index)
    if s.null_count or t.null_count:
        s, t = pc.take(source, index), pc.take(target, index)
        for _ in range(64):
            if len(s) == 0:
                return []
            leads_on = pc.is_in(t, value_set=pc.unique(s))
            if pc.all(leads_on).as_py():
                break
            s, t, index = (pc.filter(a, leads_on) for a in (s, t, index))
    else:
        s, t, rows = (a.to_numpy(zero_copy_only=False).astype(np.int64) for a in (s, t, index))
        has_out = np.zeros(int(max(s.max(initial=-1), t.max(initial=-1))) + 1, dtype=bool)
        for _ in range(64):
            if len(s) == 0:
                return []
            has_out[:] = False
            has_out[s] = True
            leads_on = has_out[t]
            if leads_on.all():
                break
            s, t, rows = s[leads_on], t[leads_on], rows[leads_on]
        index = numbers(rows)
    return list(zip(pc.take(source, index).to_pylist(), pc.take(target, index).to_pylist(), index.to_pylist()))


def _groups(edges: list[tuple[str, str, int]]) -> list[tuple[set[str], list[str]]]:
    """Each group of nodes that reach each other along ``edges`` (more than one
    node), with a shortest cycle through its smallest node, in order of that node."""
    G = nx.DiGraph()
    G.add_edges_from((s, t) for s, t, _ in edges)
    out = []
    for group in nx.strongly_connected_components(G):
        if len(group) < 2:
            continue
        start = min(group)
        parent: dict[str, str | None] = {start: None}
        queue, end = deque([start]), None
        while end is None:
            u = queue.popleft()
            for v in G.successors(u):
                if v == start:
                    end = u
                    break
                if v in group and v not in parent:
                    parent[v] = u
                    queue.append(v)
        cycle = []
        node: str | None = end
        while node is not None:
            cycle.append(node)
            node = parent[node]
        out.append((group, cycle[::-1]))
    return sorted(out, key=lambda gc: gc[1][0])


FAR_FUTURE = dt.date(2200, 1, 1)
"""A date later than this is a placeholder (``9999-12-31``), not a plan."""


WARNING_KINDS = {
    "inactive": "relationships of inactive staff members",
    "no_relationship": "contacts with no relationship",
    "no_team": "staff members in no team",
    "far_future": "staff members with in_role_since far in the future",
    "level": "units or contacts with a level none of the four",
    "no_role": "contacts with no role",
    "never_ages": "relationships that never age",
}
"""The kinds of warning, each with the words that sum up many of them (``… and 56
more contacts with no relationship``)."""


def _warnings(
    tables: dict[str, pa.Table], origins: dict[str, Origin], refs: dict[tuple[str, str], pa.Array]
) -> list[Problem]:
    """Every warning (:data:`WARNING_KINDS`): a slip that leaves the data set valid
    but may change its answers."""
    out: list[Problem] = []

    def flag(name: str, mask: pa.Array, values, message: str, kind: str,
             show: Callable[[Any], str] = repr) -> None:
        o = origins[name]
        idx = pc.indices_nonzero(mask)  # null counts as false
        rows, values = idx.to_pylist(), pc.take(one_array(values), idx).to_pylist()
        out.extend(_located(o, i, message.format(show(v)), kind) for i, v in zip(rows, values))

    def unreferenced(n: int, rows: pa.Array) -> pa.Array:
        referenced = np.zeros(n, dtype=bool)
        referenced[pc.drop_null(rows).to_numpy()] = True
        return bools(~referenced)

    staff, contacts = tables["staff"], tables["contacts"]
    active = one_array(staff.column("active"))
    flag("relationships", pc.invert(pc.take(active, refs[("relationships", "staff")])),
         tables["relationships"].column("staff"), "relationship of inactive staff member {}", "inactive")
    flag("contacts", unreferenced(contacts.num_rows, refs[("relationships", "contact")]), contacts.column("id"),
         "contact {} has no relationship", "no_relationship")
    flag("staff", unreferenced(staff.num_rows, refs[("team", "staff")]), staff.column("id"),
         "staff member {} is in no team", "no_team")
    since = staff.column("in_role_since")
    flag("staff", pc.greater(since, pa.scalar(FAR_FUTURE, pa.date32())), since,
         "in_role_since {} is far in the future; if it means 'not known', leave the cell empty", "far_future",
         dt.date.isoformat)
    for name in ("units", "contacts"):
        level = one_array(tables[name].column("level"))
        other = pc.and_(pc.is_valid(level), pc.invert(pc.is_in(level, value_set=pa.array(LEVELS, pa.string()))))
        flag(name, other, level,
             "{}", "level", _level_message)
    _no_role(contacts, origins["contacts"], out)
    _never_ages(tables, refs, origins["relationships"], out)
    out.sort(key=problem_sort_key)
    return out


def _located(o: Origin, i: int, message: str, kind: str) -> Problem:
    """A warning of ``kind`` about typed row ``i``."""
    if o.locs is None and not o.json and o.sheet is None and o.elements is None:
        return Problem(o.file, i + 2, message, kind=kind)  # the common case, a portfolio's thousands
    return dataclasses.replace(o.at(o.loc(i), message), kind=kind)


def _level_message(level: str) -> str:
    """The warning for a level that is none of the four, with the nearest of them
    when one is close (a typo)."""
    close = difflib.get_close_matches(level.lower(), LEVELS, n=1, cutoff=0.6)
    known = ", ".join(LEVELS)
    if close:
        return f"level {level!r} is not one of {known} (did you mean {close[0]!r}?)"
    return (f"level {level!r} is not one of {known}; it makes a level of its own below them "
            "(correct it if it is a slip)")


def _no_role(contacts: pa.Table, o: Origin, out: list[Problem]) -> None:
    """Contacts whose role cell is empty: they count as ``other``, outside the
    coverage matrix (a CFO without a role leaves the finance cell a blind spot)."""
    choices = ", ".join(COVERAGE_ROLES)
    rows = o.unset.get("role")
    if not rows:  # none empty, or no role column at all (a list of names, not yet sorted by role)
        return
    what = f"it counts as 'other', outside the coverage matrix; give one of {choices}"
    ids = one_array(contacts.column("id"))
    for i in rows:
        out.append(_located(o, i, f"contact {ids[i].as_py()!r} has no role: {what}", "no_role"))


def _never_ages(
    tables: dict[str, pa.Table], refs: dict[tuple[str, str], pa.Array], o: Origin, out: list[Problem]
) -> None:
    """Relationships with no ``last_contact`` and no touchpoint of the pair: with
    no date, their strength never decays.

    The pairs that met are the touchpoints' staff joined to their contacts by
    touchpoint, a column at a time, each person as an integer
    (:func:`_person_codes`)."""
    from .tables import listed_together

    rels = tables["relationships"]
    undated = pc.indices_nonzero(pc.is_null(one_array(rels.column("last_contact"))))
    if not len(undated):
        return
    tp = tables["touchpoints"]
    by, to = one_array(tp.column("staff")), one_array(tp.column("contacts"))
    staff_codes, staff_n = _person_codes(
        [pc.take(one_array(rels.column("staff")), undated), pc.list_flatten(by)],
        [pc.take(refs[("relationships", "staff")], undated), refs[("touchpoints", "staff")]],
        tables["staff"].num_rows,
    )
    contact_codes, contact_n = _person_codes(
        [pc.take(one_array(rels.column("contact")), undated), pc.list_flatten(to)],
        [pc.take(refs[("relationships", "contact")], undated), refs[("touchpoints", "contacts")]],
        tables["contacts"].num_rows,
    )
    # Each staff member listed on a touchpoint met each contact listed on it.
    tp_staff = staff_codes[1]
    s_tp = pc.list_parent_indices(by).to_numpy().astype(np.int64)
    undated_staff = np.zeros(staff_n, dtype=bool)
    undated_staff[staff_codes[0]] = True
    mine = undated_staff[tp_staff]  # only the staff of undated relationships matter
    i, j = listed_together(s_tp[mine], to.offsets.to_numpy().astype(np.int64))
    met = tp_staff[mine][i] * contact_n + contact_codes[1][j]
    # The pairs that met among the undated ones: the few undated pairs are hashed
    # and the many that met looked up in them (pc.is_in hashes its value set;
    # numpy's isin is a hundred times slower on a million pairs).
    undated_pairs = numbers(staff_codes[0] * contact_n + contact_codes[0])
    met = numbers(met)
    seen = pc.filter(met, pc.is_in(met, value_set=undated_pairs))
    never = pc.invert(pc.is_in(undated_pairs, value_set=seen)).to_numpy(zero_copy_only=False)
    if not never.any():
        return
    rows = undated.to_numpy()[never]
    staff = pc.take(one_array(rels.column("staff")), numbers(rows)).to_pylist()
    contact = pc.take(one_array(rels.column("contact")), numbers(rows)).to_pylist()
    for i, s, c in zip(rows.tolist(), staff, contact):
        out.append(_located(o, i, f"relationship of {s!r} with {c!r} has no last_contact and no "
                            "touchpoint: it never ages; give the date they last met", "never_ages"))


def _person_codes(ids: list[pa.Array], rows: list[pa.Array], n: int) -> tuple[list[np.ndarray], int]:
    """Integer codes of the people named by several columns of ids (``rows``: the
    row of each in its table, null for an unknown id): the row when known, else one
    code after the ``n`` rows per distinct unknown id, and one last code for no id
    at all (a pair with nobody never met); and the number of codes."""
    unknown = [pc.filter(v, pc.and_(pc.is_null(r), pc.is_valid(v))) for v, r in zip(ids, rows)]
    names = pc.unique(pa.concat_arrays(unknown)) if any(len(u) for u in unknown) else pa.array([], pa.string())
    nobody = n + len(names)
    codes = [
        pc.coalesce(pc.cast(r, pa.int64()), pc.add(pc.cast(pc.index_in(v, value_set=names), pa.int64()), n), nobody)
        .to_numpy(zero_copy_only=False).astype(np.int64)
        if r.null_count else r.to_numpy(zero_copy_only=False).astype(np.int64)
        for v, r in zip(ids, rows)
    ]
    return codes, nobody + 1


