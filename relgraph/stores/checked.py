"""Checking what a database holds: the rows a store reads, validated by the rules of files.

A database can hold what no valid file could: a ``strength`` of 99 or a ``role`` of
``'ceo'`` set by hand (``relgraph cypher --write``, another tool), a date that is
not one, a reference to nothing. The Neo4j store hands the columns of every batch it
reads (:meth:`~relgraph.stores.neo4j.Neo4jStore.read_tables`) to
:func:`checked_columns`, which types each column with the validator's converters
(:func:`~relgraph.validate.type_cells`'s, one cell at a time, so a stored value gets
exactly the type and default a file's would) and applies the rules across rows and
tables with :func:`~relgraph.validate.check_tables`, straight into typed tables.
When anything is wrong, the rows go the exact way instead: :func:`check_dataset`
turns them into *raw* tables (:class:`~relgraph.validate.RawTable`: the values as
stored) and runs the whole validator, which words every problem. So a database and a
file are held to exactly the same rules. :func:`check_store` checks a whole
database, also for the units and contacts no account holds.

A problem found in a database is located by the element it is in, after the
database's URI (:attr:`relgraph.errors.Problem.element`)::

    bolt://host:7687: Contact 'c1': unknown role 'ceo' (expected one of ...)
    bolt://host:7687: KNOWS s1->c1: strength 99 is out of range 1-5

Nodes are named by label and id (``Account 'A'``, ``Unit 'u1'``, ``Contact 'c1'``,
``Staff 's1'``), relationships by type and the ids of their ends (``KNOWS s1->c1``,
``REPORTS_TO c2->c1``, ``INFLUENCES c3->c1``, ``ON_TEAM s1->A``), touchpoints by
date, method and contacts (``Touchpoint 2024-06-01 visit (c1;c2)``). When several
elements would have one name (a pair with two rows), each gets ``#1``, ``#2``, ...
in the order the store reads them (by ``seq``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from collections.abc import Mapping, Sequence

import pyarrow as pa

from .. import arrowcompute as pc
from ..errors import InvalidData, Problem
from ..graph import ACCOUNT, CONTACT, KNOWS, ON_TEAM, STAFF, UNIT
from ..model import BOOL, DATE, ENUM, INT, LEVEL, LEVELS, NUMBER, REFS, TABLES, TEXT, Column, Dataset
from ..readwrite.fastcsv import WHITESPACE
from ..rows import make_rows
from ..tables import TypedTables
from ..validate import (
    RESERVED,
    UNSET_WARNED,
    Origin,
    RawData,
    RawTable,
    _Bad,
    _converter,
    _text,
    check_tables,
    problem_sort_key,
    type_cells,
)

__all__ = ["check_dataset", "check_store", "checked", "checked_columns", "element_names"]

LABELS = {"accounts": ACCOUNT, "units": UNIT, "contacts": CONTACT, "staff": STAFF}

PARTIAL_TABLES = ("contacts", "staff")
"""The tables a read of some accounts holds only in part: a touchpoint may list a
contact of another account, or staff whom none of the accounts' relationships or
team rows name. References into them are checked when the whole database is read."""


class StoredTable(RawTable):
    """A :class:`RawTable` of elements read from a database: problems are located
    by the element (``elements[i]`` names row ``i``)."""

    def __init__(self, name: str, uri: str, columns: list[str], elements: list[str]):
        super().__init__(name, uri, columns, json=True)
        self.elements = elements

    def at(self, loc: int | None, message: str) -> Problem:
        if loc is None:
            return Problem(self.file, None, message, table=self.name)
        return Problem(self.file, None, message, table=self.name, index=loc, element=self.elements[loc])


def _raw(value: Any) -> Any:
    """A value as stored (dates as the ISO text a database keeps)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _ids(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "?" if value is None else str(_raw(value))


def element_names(table: str, rows: list[dict[str, Any]]) -> list[str]:
    """The name of the element each row of ``table`` was read from (see the module
    docstring), numbered ``#1``, ``#2``, ... where one name would stand for several."""
    if table in LABELS:
        names = [f"{LABELS[table]} {r['id']!r}" if r.get("id") is not None else f"{LABELS[table]} without id" for r in rows]
    elif table == "relationships":
        names = [f"{KNOWS} {_ids(r['staff'])}->{_ids(r['contact'])}" for r in rows]
    elif table == "links":
        names = [f"{str(r['kind']).upper()} {_ids(r['source'])}->{_ids(r['target'])}" for r in rows]
    elif table == "team":
        names = [f"{ON_TEAM} {_ids(r['staff'])}->{_ids(r['account'])}" for r in rows]
    else:
        names = [f"Touchpoint {_ids(r['date'])} {_ids(r['method'])} ({_ids(r['contacts'])})" for r in rows]
    repeated = {n for n, k in Counter(names).items() if k > 1}
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        if n in repeated:
            seen[n] += 1
            n = f"{n} #{seen[n]}"
        out.append(n)
    return out


def check_dataset(ds: Dataset, uri: str, *, whole: bool) -> tuple[Dataset, list[Problem], list[Problem]]:
    """Validate the rows a store read from the database at ``uri``, as files are
    validated.

    ``ds`` holds the rows as read (dates may be text that is not a date, numbers
    out of range, ...); ``whole`` says that it is the whole database, so that every
    reference is checked and the warnings are worded (a read of some accounts
    holds :data:`PARTIAL_TABLES` only in part, and its warnings would be partial).

    Returns the typed data set (defaults applied, as a file's; meaningful only when
    there is no problem), every problem and the warnings (``[]`` unless ``whole``).
    """
    raw = RawData()
    for name, table in TABLES.items():
        columns = [c.name for c in table.columns] + list(ds.extras.get(name, []))
        rows = ds[name]
        rt = raw.tables[name] = StoredTable(name, uri, columns, element_names(name, rows))
        dates = [c.name for c in table.columns if c.type == DATE]
        for i, row in enumerate(rows):
            cells = dict(row)
            for c in dates:  # the validator reads a date as the text a database stores
                cells[c] = _raw(cells.get(c))
            rt.rows.append((i, cells))
    typed, origins, problems = type_cells(raw)
    if not whole:
        for name in PARTIAL_TABLES:
            origins[name].has_ids = False
    verdict = check_tables(TypedTables.from_dataset(typed).tables, origins)
    problems.extend(verdict.problems)
    problems.sort(key=problem_sort_key)
    typed.seqs = ds.seqs
    typed.warnings = verdict.warnings if whole else []
    return typed, problems, typed.warnings


def checked(ds: Dataset, uri: str, *, whole: bool) -> Dataset:
    """:func:`check_dataset`'s typed data set.

    Raises
    ------
    InvalidData
        Listing every problem of the rows read (nothing is computed from them).
    """
    typed, problems, warnings = check_dataset(ds, uri, whole=whole)
    if problems:
        raise InvalidData(problems, warnings)
    return typed


Columns = Mapping[str, Mapping[str, Sequence[Any]]]
"""Values as a database stores them, ``columns[table][column]`` one per row, for
every model column and extra column of every table."""


def checked_columns(columns: Columns, extras: Mapping[str, Sequence[str]], uri: str, *, whole: bool) -> TypedTables:
    """The typed tables of the values read from the database at ``uri``, validated
    as files are (see the module docstring; ``whole`` as for :func:`check_dataset`).

    Raises
    ------
    InvalidData
        Listing every problem of the values read (nothing is computed from them).
    """
    typed = _typed_columns(columns, extras)
    if typed is not None:
        values, unset = typed
        origins = {}
        for name, table in TABLES.items():
            n = len(columns[name][table.columns[0].name])
            has_ids = "id" in table.by_name and (whole or name not in PARTIAL_TABLES)
            origins[name] = Origin(name, uri, json=True, locs=list(range(n)), has_ids=has_ids,
                                   unset=unset.get(name, {}), elements=_ElementNames(name, columns[name]))
        tables = TypedTables.from_columns(values, extras)
        verdict = check_tables(tables.tables, origins)
        if not verdict.problems:
            tables.warnings = verdict.warnings if whole else []
            tables.refs = verdict.refs
            return tables
    # Something is wrong: the exact validator words every problem.
    ds = Dataset(extras={name: list(extras.get(name, ())) for name in TABLES})
    for name in TABLES:
        names = tuple(c.name for c in TABLES[name].columns) + tuple(extras.get(name, ()))
        ds.tables[name] = make_rows(names, [columns[name][c] for c in names])
    typed_ds = checked(ds, uri, whole=whole)
    return TypedTables.from_dataset(typed_ds)


def _typed_columns(columns: Columns, extras: Mapping[str, Sequence[str]]):
    """``(typed values, unset cells)`` of ``columns`` as :func:`~relgraph.validate.type_cells`
    types them (defaults applied; :attr:`~relgraph.validate.Origin.unset` per table),
    or None when a cell is bad, a required one empty or an extra column reserved: then
    the exact validator must word the problem."""
    out: dict[str, dict[str, list[Any]]] = {}
    unset: dict[str, dict[str, list[int] | None]] = {}
    for name, table in TABLES.items():
        given = columns[name]
        typed = out[name] = {}
        for col in table.columns:
            values = _as_converted(col, given[col.name])
            if values is None:  # not plainly typed: one cell at a time
                convert = _converter(col)
                try:
                    values = [convert(v) for v in given[col.name]]
                except _Bad:
                    return None
            array = isinstance(values, pa.Array)
            if values.null_count if array else None in values:
                if col.required:
                    return None
                if col.name in UNSET_WARNED.get(name, ()):
                    unset.setdefault(name, {})[col.name] = (
                        pc.indices_nonzero(pc.is_null(values)).to_pylist() if array
                        else [i for i, v in enumerate(values) if v is None])
                if col.default is not None:
                    values = (pc.fill_null(values, col.default) if array
                              else [col.default if v is None else v for v in values])
            elif col.name in UNSET_WARNED.get(name, ()):
                unset.setdefault(name, {})[col.name] = []
            typed[col.name] = values
        for x in extras.get(name, ()):
            if x in RESERVED:
                return None
            plain = _as_converted(EXTRA, given[x])
            typed[x] = [_text(v) for v in given[x]] if plain is None else plain
    return out, unset


EXTRA = Column("extra", TEXT)
"""An extra column: text."""


def _as_converted(col: Column, values: Sequence[Any]) -> Sequence[Any] | None:
    """``values`` typed as the validator's converter of ``col`` types them, when it
    would leave each as it is (stored plainly: text trimmed and not empty, a known
    choice, a whole number in range, ...; ISO dates become dates): as an arrow array
    of the column's type, or the values themselves for a number column (whose arrow
    type depends on them, :meth:`~relgraph.tables.TypedTables.from_columns`). Else
    None, and the converter decides cell by cell. Checked a whole column at a time."""
    t = col.type
    try:
        if t == DATE:
            text = pa.array(values, pa.string())
            if not _clean(text) or _any(pc.invert(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$"))) \
                    or _any(pc.starts_with(text, "0000")):  # year 0 is no date to Python
                return None
            return pc.cast(text, pa.date32())
        if t in (INT, NUMBER):
            array = pa.array(values)
            whole = pa.types.is_int64(array.type) or pa.types.is_null(array.type)
            if not (whole or t == NUMBER and pa.types.is_float64(array.type)):
                return None  # bools, text, floats for a whole number: cell by cell
            if not whole and _any(pc.invert(pc.is_finite(array))):
                return None
            if col.range and array.null_count < len(array):
                low, high = pc.min_max(array).values()
                if low.as_py() < col.range[0] or high.as_py() > col.range[1]:
                    return None
            return pc.cast(array, pa.int64()) if t == INT else values
        if t == BOOL:
            array = pa.array(values)
            if pa.types.is_null(array.type):
                return pc.cast(array, pa.bool_())
            return array if pa.types.is_boolean(array.type) else None
        if t == REFS:
            lists = pa.array(values, pa.list_(pa.string()))
            items = pc.list_flatten(lists)
            if items.null_count or not _clean(items) or _any(pc.match_substring(items, ";")) \
                    or _any(pc.equal(pc.list_value_length(lists), 0)):
                return None
            return lists
        text = pa.array(values, pa.string())
        if not _clean(text):
            return None
        given = pc.drop_null(text)
        if t == ENUM and _any(pc.invert(pc.is_in(given, pa.array(col.choices, pa.string())))):
            return None  # another case, or not a choice
        if t == LEVEL:  # a known level in another case is lowered; any other text kept
            levels = pa.array(sorted(LEVELS), pa.string())
            if _any(pc.and_(pc.invert(pc.is_in(given, levels)), pc.is_in(pc.utf8_lower(given), levels))):
                return None
        return text
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
        return None


def _clean(text: pa.Array) -> bool:
    """Whether every text is as the validator keeps it: not empty, nothing to trim."""
    return not _any(pc.equal(pc.utf8_length(text), 0)) and not _any(pc.not_equal(text, pc.utf8_trim(text, WHITESPACE)))


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


class _ElementNames(Sequence):
    """:func:`element_names` of a table's columns, worked out when a problem or a
    warning first names an element (most reads name none)."""

    def __init__(self, table: str, columns: Mapping[str, Sequence[Any]]):
        self.table, self.columns, self.names = table, columns, None

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def __getitem__(self, i):
        if self.names is None:
            keys = tuple(self.columns)
            self.names = element_names(self.table, make_rows(keys, [self.columns[k] for k in keys]))
        return self.names[i]


def check_store(store: Any) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of a whole Neo4j store (``relgraph validate URI``):
    a read of all of it, checked as :func:`checked` checks it, and the units and
    contacts that no account holds (``cypher/check.cypher``), which that read
    cannot see."""
    from .neo4j import named_queries

    try:
        ds = store.dataset()
        problems, warnings = [], list(ds.warnings)
    except InvalidData as e:
        problems, warnings = list(e.problems), list(e.warnings)
    accounts = store.account_ids()
    for table, name in (("units", "stray_units"), ("contacts", "stray_contacts")):
        for r in store.run(named_queries("check.cypher")[name], {"accounts": accounts}):
            where = element_names(table, [r])[0]
            message = "missing value for 'account'" if r["account"] is None else f"account: unknown account {r['account']!r}"
            problems.append(Problem(store.uri, None, message, table=table, element=where))
    problems.sort(key=problem_sort_key)
    return problems, warnings
