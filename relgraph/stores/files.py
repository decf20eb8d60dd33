"""The file store: a data set read from a CSV folder or JSON file, held in memory.

The data set is held as typed tables (:class:`~relgraph.tables.TypedTables`), a small
fraction of the memory of one dict per row. The portfolio analyses read the tables
of the whole data set at once (:meth:`FileStore.table_parts` yields one part); a
command about one account (a map, paths, influencers) gets that account's share of
the tables, or its graph built from them (:func:`account_shares` cuts the tables
once, by account), never the graph of the whole portfolio.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyarrow as pa
from .. import arrowcompute as pc

from ..errors import NotFound
from ..graph import ACCOUNT, CONTACT, INFLUENCES, KNOWS, ON_TEAM, REPORTS_TO, STAFF, UNIT, graph_from_columns
from ..model import TABLES, Dataset
from ..rows import paused_gc
from ..tables import TypedTables, arange


class FileStore:
    """A :class:`~relgraph.stores.base.GraphStore` over an in-memory data set."""

    def __init__(self, path: str | os.PathLike):
        from ..readwrite import load

        self.path = str(path)
        self._tables = load(path)
        self._ds: Dataset | None = None
        self._index()

    @classmethod
    def from_dataset(cls, ds: Dataset) -> FileStore:
        self = cls.__new__(cls)
        self.path = "<dataset>"
        with paused_gc():
            self._tables = TypedTables.from_dataset(ds)
        self._ds = ds
        self._index()
        return self

    def _index(self) -> None:
        ids = self._tables.tables["accounts"].column("id").to_pylist()
        self._account_row = {a: i for i, a in enumerate(ids)}
        self._shares: AccountShares | None = None
        self._first_share: AccountShare | None = None
        self._lookup: dict[str, dict[str, str]] = {}

    @property
    def warnings(self) -> list:
        return self._tables.warnings

    # --- GraphStore ---------------------------------------------------------------

    def account_ids(self) -> list[str]:
        return sorted(self._account_row)

    def _check_account(self, account: str) -> None:
        if account not in self._account_row:
            raise NotFound(f"unknown account {account!r}")

    def _share(self, account: str) -> AccountShare:
        """One account's share: cut out alone for the first account asked for (a map,
        paths), from one cut of the whole data set once a second is asked for."""
        self._check_account(account)
        row = self._account_row[account]
        if self._shares is None:
            if self._first_share is None:
                self._first_share = account_shares(self._tables, only=row).share(row)
                return self._first_share
            if self._first_share.account_row == row:
                return self._first_share
            self._shares = account_shares(self._tables)
        return self._shares.share(row)

    def tables(self, accounts: Sequence[str] | None = None) -> TypedTables:
        if accounts is None:
            return self._tables
        ids = list(dict.fromkeys(accounts))
        for a in ids:
            self._check_account(a)
        t = self._tables
        if len(ids) == 1:
            share = self._share(ids[0])
            return TypedTables({name: share.table(name) for name in TABLES}, t.extras, t.warnings)
        return cut_accounts(t, [self._account_row[a] for a in ids])

    def table_parts(self, accounts: Sequence[str] | None = None) -> Iterator[tuple[list[str], TypedTables]]:
        ids = self.account_ids() if accounts is None else list(dict.fromkeys(accounts))
        for a in ids:
            self._check_account(a)
        yield ids, self._tables  # the whole data set is in memory already

    def account_dataset(self, account: str) -> Dataset:
        """The rows that belong to one account (see :func:`relgraph.graph.account_subgraph`)."""
        share = self._share(account)
        with paused_gc():
            ds = Dataset(
                tables={name: share.rows(name) for name in TABLES},
                extras={name: list(cols) for name, cols in self._tables.extras.items()},
            )
        ds.seqs = {name: list(share.seqs[name]) for name in ("relationships", "links", "team")}
        return ds

    def account_graph(self, account: str, *, edge_types: Collection[str] | None = None) -> nx.MultiDiGraph:
        """One account's graph; ``edge_types`` as in :func:`relgraph.graph.graph_from_columns`."""
        share = self._share(account)
        skip = _unused_tables(edge_types)
        with paused_gc():
            return graph_from_columns(
                {name: share.columns(name, empty=name in skip) for name in TABLES},
                extras=self._tables.extras,
                touchpoints=share.rows("touchpoints"),
                seqs=share.seqs,
                edge_types=edge_types,
            )

    def account_graphs(
        self, accounts: Sequence[str] | None = None, *, edge_types: Collection[str] | None = None
    ) -> Iterator[nx.MultiDiGraph]:
        ids = self.account_ids() if accounts is None else list(accounts)
        for a in ids:
            self._check_account(a)
        for a in ids:
            yield self.account_graph(a, edge_types=edge_types)

    def staff(self) -> list[dict[str, Any]]:
        rows = self._tables.rows("staff")
        return sorted(({"kind": STAFF, **r} for r in rows), key=lambda r: r["id"])

    def locate(self, kind: str, id: str) -> str | None:
        if kind == STAFF:
            if id not in self._ids("staff"):
                raise NotFound(f"unknown staff member {id!r}")
            return None
        if kind == ACCOUNT:
            table = {a: a for a in self._account_row}
        elif kind in (CONTACT, UNIT):
            table = self._ids("contacts" if kind == CONTACT else "units")
        else:
            table = {}
        if id not in table:
            raise NotFound(f"unknown {kind.lower()} {id!r}")
        return table[id]

    def _ids(self, name: str) -> dict[str, Any]:
        """id -> account of the contacts or units; id -> None of the staff."""
        if name not in self._lookup:
            t = self._tables.tables[name]
            ids = t.column("id").to_pylist()
            accounts = t.column("account").to_pylist() if name != "staff" else [None] * len(ids)
            self._lookup[name] = dict(zip(ids, accounts))
        return self._lookup[name]

    def graph(self) -> nx.MultiDiGraph:
        t = self._tables
        with paused_gc():
            return graph_from_columns(
                {name: dict(zip(t.column_names(name), t.pylists(name))) for name in TABLES},
                extras=t.extras,
                touchpoints=t.rows("touchpoints"),
            )

    def dataset(self) -> Dataset:
        if self._ds is None:
            with paused_gc():
                self._ds = self._tables.to_dataset()
        return self._ds

    def close(self) -> None:
        pass


def _unused_tables(edge_types: Collection[str] | None) -> set[str]:
    """The edge tables a graph with only ``edge_types`` does not need."""
    if edge_types is None:
        return set()
    used = set(edge_types)
    skip = set()
    if KNOWS not in used:
        skip.add("relationships")
    if REPORTS_TO not in used and INFLUENCES not in used:
        skip.add("links")
    if ON_TEAM not in used:
        skip.add("team")
    return skip


# --- cutting the tables by account ---------------------------------------------------------


@dataclass
class AccountShares:
    """Each table reordered so that every account's rows are contiguous (rows keep
    their order within an account), and where each account's run is.

    ``tables[name]`` is the reordered table, ``rows[name]`` the original row of
    each of its rows, ``runs[name][account_row]`` the (start, length) of the
    account's run. A touchpoint listing contacts of two accounts, and a staff member
    working for two, appear in both runs.
    """

    typed: TypedTables
    tables: dict[str, pa.Table]
    rows: dict[str, pa.Array]
    runs: dict[str, dict[int, tuple[int, int]]]

    def share(self, account_row: int) -> AccountShare:
        return AccountShare(self, account_row)


@dataclass
class AccountShare:
    """One account's share of the data set (see :func:`relgraph.graph.account_subgraph`)."""

    shares: AccountShares
    account_row: int

    def table(self, name: str) -> pa.Table:
        s = self.shares
        if name == "accounts":
            return s.typed.tables["accounts"].slice(self.account_row, 1)
        start, length = s.runs[name].get(self.account_row, (0, 0))
        return s.tables[name].slice(start, length)

    def columns(self, name: str, *, empty: bool = False) -> dict[str, list[Any]]:
        """The share of table ``name`` column by column (no rows with ``empty``)."""
        t = self.shares.typed
        table = self.table(name)
        if empty:
            table = table.slice(0, 0)
        return dict(zip(t.column_names(name), t.pylists(name, table)))

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.shares.typed.rows(name, self.table(name))

    @property
    def seqs(self) -> dict[str, list[int]]:
        s = self.shares
        out = {}
        for name in ("relationships", "links", "team"):
            start, length = s.runs[name].get(self.account_row, (0, 0))
            out[name] = s.rows[name].slice(start, length).to_pylist()
        return out


def account_shares(typed: TypedTables, only: int | None = None) -> AccountShares:
    """Cut every table by account, in one pass over each (see :class:`AccountShares`);
    with ``only`` (an account row), cut out that account's share alone.

    An account's share holds its account row, units, contacts, team rows, the
    relationships to its contacts, the links between its contacts, the touchpoints
    listing one of its contacts, and the staff rows those relationships and team
    rows refer to.
    """
    t = typed.tables
    owner = _owners(typed)
    tables, rows, runs = {}, {}, {}
    for name, (account, row) in owner.items():
        if only is not None:
            mine = pc.equal(account, only)
            account, row = pc.filter(account, mine), pc.filter(row, mine)
        n = max(t[name].num_rows, 1)
        key = pc.add(pc.multiply(pc.cast(account, pa.int64()), n), pc.cast(row, pa.int64()))
        if name in ("touchpoints", "staff"):
            key = pc.unique(key)  # a touchpoint or staff member once per account
        key = pc.take(key, pc.sort_indices(key))
        account_sorted = pc.divide(key, n)
        rows[name] = pc.subtract(key, pc.multiply(account_sorted, n))
        tables[name] = pc.take(t[name], rows[name])
        runs[name] = _runs(account_sorted)
    return AccountShares(typed, tables, rows, runs)


def cut_accounts(typed: TypedTables, accounts: Sequence[int]) -> TypedTables:
    """The typed tables of the shares of several accounts (rows, ``accounts``) at
    once: each row once, in its table's order."""
    t = typed.tables
    picked = pa.array(sorted(set(accounts)), type=pa.int32())
    tables = {"accounts": pc.take(t["accounts"], picked)}
    for name, (account, row) in _owners(typed).items():
        mine = pc.unique(pc.cast(pc.filter(row, pc.is_in(account, value_set=picked)), pa.int64()))
        tables[name] = pc.take(t[name], pc.take(mine, pc.sort_indices(mine)))
    return TypedTables(tables, typed.extras, typed.warnings)


def _owners(typed: TypedTables) -> dict[str, tuple[pa.Array, pa.Array]]:
    """For each table but ``accounts``, (account row, table row) pairs: which rows
    belong to which account (see :func:`account_shares`)."""
    refs = typed.reference_rows()
    t = typed.tables
    contact_account = refs[("contacts", "account")]
    owner: dict[str, tuple[pa.Array, pa.Array]] = {}

    def rows_of(name: str) -> pa.Array:
        return arange(t[name].num_rows)

    owner["units"] = (refs[("units", "account")], rows_of("units"))
    owner["contacts"] = (contact_account, rows_of("contacts"))
    rel_account = pc.take(contact_account, refs[("relationships", "contact")])
    owner["relationships"] = (rel_account, rows_of("relationships"))
    source = pc.take(contact_account, refs[("links", "source")])
    target = pc.take(contact_account, refs[("links", "target")])
    inside = pc.equal(source, target)  # links between two accounts belong to neither
    owner["links"] = (pc.filter(source, inside), pc.filter(rows_of("links"), inside))
    team_account = refs[("team", "account")]
    owner["team"] = (team_account, rows_of("team"))
    listed = t["touchpoints"].column("contacts")
    owner["touchpoints"] = (
        pc.take(contact_account, refs[("touchpoints", "contacts")]),
        pc.list_parent_indices(listed.combine_chunks() if isinstance(listed, pa.ChunkedArray) else listed),
    )
    owner["staff"] = (
        pa.concat_arrays([rel_account, team_account]),
        pa.concat_arrays([refs[("relationships", "staff")], refs[("team", "staff")]]),
    )
    return owner


def _runs(sorted_values: pa.Array) -> dict[int, tuple[int, int]]:
    """value -> (start, length) of its run in a sorted integer array."""
    counts = pc.value_counts(sorted_values)
    out, start = {}, 0
    for v, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()):
        out[v] = (start, n)
        start += n
    return out
