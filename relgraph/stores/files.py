"""The file store: a data set read from a CSV folder or JSON file, held in memory."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx

from ..errors import NotFound
from ..graph import ACCOUNT, CONTACT, STAFF, UNIT, build_graph
from ..model import Dataset


class FileStore:
    """A :class:`~relgraph.stores.base.GraphStore` over an in-memory data set.

    Account graphs are built straight from the account's share of the tables
    (:meth:`account_dataset`), so asking for one account does not build the graph of
    the whole portfolio.
    """

    def __init__(self, path: str | os.PathLike):
        from ..readwrite import read

        self.path = str(path)
        self._ds = read(path)
        self._index()

    @classmethod
    def from_dataset(cls, ds: Dataset) -> FileStore:
        self = cls.__new__(cls)
        self.path = "<dataset>"
        self._ds = ds
        self._index()
        return self

    def _index(self) -> None:
        ds = self._ds
        self._accounts = {r["id"]: r for r in ds["accounts"]}
        self._contact_account = {r["id"]: r["account"] for r in ds["contacts"]}
        self._unit_account = {r["id"]: r["account"] for r in ds["units"]}
        self._staff_ids = {r["id"] for r in ds["staff"]}
        self._parts: dict[str, Dataset] | None = None

    @property
    def warnings(self) -> list:
        return self._ds.warnings

    # --- GraphStore ---------------------------------------------------------------

    def account_ids(self) -> list[str]:
        return sorted(self._accounts)

    def _check_account(self, account: str) -> None:
        if account not in self._accounts:
            raise NotFound(f"unknown account {account!r}")

    def account_dataset(self, account: str) -> Dataset:
        """The rows that belong to one account (see :func:`relgraph.graph.account_subgraph`)."""
        self._check_account(account)
        if self._parts is None:
            self._parts = partition(self._ds)
        return self._parts[account]

    def account_graph(self, account: str) -> nx.MultiDiGraph:
        return build_graph(self.account_dataset(account))

    def account_graphs(self, accounts: Sequence[str] | None = None) -> Iterator[nx.MultiDiGraph]:
        ids = self.account_ids() if accounts is None else list(accounts)
        for a in ids:
            self._check_account(a)
        for a in ids:
            yield self.account_graph(a)

    def staff(self) -> list[dict[str, Any]]:
        return sorted(({"kind": STAFF, **r} for r in self._ds["staff"]), key=lambda r: r["id"])

    def locate(self, kind: str, id: str) -> str | None:
        table = {
            ACCOUNT: {a: a for a in self._accounts},
            CONTACT: self._contact_account,
            UNIT: self._unit_account,
        }.get(kind)
        if kind == STAFF:
            if id not in self._staff_ids:
                raise NotFound(f"unknown staff member {id!r}")
            return None
        if table is None or id not in table:
            raise NotFound(f"unknown {kind.lower()} {id!r}")
        return table[id]

    def graph(self) -> nx.MultiDiGraph:
        return build_graph(self._ds)

    def dataset(self) -> Dataset:
        return self._ds

    def close(self) -> None:
        pass


def partition(ds: Dataset) -> dict[str, Dataset]:
    """Split a data set into one data set per account, in one pass over each table.

    An account's part holds its account row, units, contacts, team rows, the
    relationships to its contacts, the links between its contacts, the touchpoints
    listing one of its contacts, and the staff rows those refer to. Rows keep their
    position in the whole table (``Dataset.seqs``) so that graphs built from a part
    match :func:`relgraph.graph.account_subgraph`.
    """
    parts = {r["id"]: Dataset(extras=ds.extras) for r in ds["accounts"]}
    for p in parts.values():
        p.seqs = {"relationships": [], "links": [], "team": []}
    for r in ds["accounts"]:
        parts[r["id"]]["accounts"].append(r)
    for r in ds["units"]:
        parts[r["account"]]["units"].append(r)
    contact_account = {}
    for r in ds["contacts"]:
        parts[r["account"]]["contacts"].append(r)
        contact_account[r["id"]] = r["account"]
    staff_of: dict[str, set[str]] = {a: set() for a in parts}
    for i, r in enumerate(ds["relationships"]):
        a = contact_account[r["contact"]]
        p = parts[a]
        p["relationships"].append(r)
        p.seqs["relationships"].append(i)
        staff_of[a].add(r["staff"])
    for i, r in enumerate(ds["links"]):
        a = contact_account[r["source"]]
        if contact_account[r["target"]] != a:
            continue
        p = parts[a]
        p["links"].append(r)
        p.seqs["links"].append(i)
    for i, r in enumerate(ds["team"]):
        p = parts[r["account"]]
        p["team"].append(r)
        p.seqs["team"].append(i)
        staff_of[r["account"]].add(r["staff"])
    for tp in ds["touchpoints"]:
        for a in dict.fromkeys(contact_account[c] for c in tp["contacts"]):
            parts[a]["touchpoints"].append(tp)
    position = {r["id"]: i for i, r in enumerate(ds["staff"])}
    staff_rows = ds["staff"]
    for a, ids in staff_of.items():
        parts[a]["staff"].extend(staff_rows[i] for i in sorted(position[s] for s in ids))
    return parts
