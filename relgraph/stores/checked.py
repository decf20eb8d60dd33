"""Checking what a database holds: the rows a store reads, validated by the rules of files.

A database can hold what no valid file could: a ``strength`` of 99 or a ``role`` of
``'ceo'`` set by hand (``relgraph cypher --write``, another tool), a date that is
not one, a reference to nothing. The Neo4j store hands every data set it reads
(:meth:`~relgraph.stores.neo4j.Neo4jStore._dataset`) to :func:`checked`, which
turns its rows back into *raw* tables (:class:`~relgraph.validate.RawTable`: the
values as stored) and runs the one validator over them:
:func:`~relgraph.validate.type_cells` types each cell by its column and
:func:`~relgraph.validate.check_tables` applies the rules across rows and tables.
So a database and a file are held to exactly the same rules, and a stored value
gets the same defaults a file's would. :func:`check_store` checks a whole database,
also for the units and contacts no account holds.

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

from ..errors import InvalidData, Problem
from ..graph import ACCOUNT, CONTACT, KNOWS, ON_TEAM, STAFF, UNIT
from ..model import DATE, TABLES, Dataset
from ..tables import TypedTables
from ..validate import RawData, RawTable, check_tables, problem_sort_key, type_cells

__all__ = ["check_dataset", "check_store", "checked", "element_names"]

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
