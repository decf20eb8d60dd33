"""What a push by account changes: the elements of a data set against a database's.

An *element* is one thing a push stores: a node (an account, unit, contact, staff
member or touchpoint) or a row relationship (a relationship, link or team row), named
by its table and its *key* (see ``cypher/write.cypher``). Pushing an account makes
its elements in the database exactly those of the data set: an element only the data
set has is **added**, one both have with different content is **changed**, one only
the database has is **removed**. An element's content is its properties without the
bookkeeping (``seq``, ``rev``, ``key``); ``rev`` is a hash of the content as it was
pushed, so an element whose content no longer matches its ``rev`` was edited in the
database since (an analyst's ``cypher --write``, a ``relate``): changing or removing
it **reverts** that edit.

This module compares; :mod:`relgraph.stores.neo4j` reads and writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

BOOKKEEPING = ("seq", "rev", "key")
"""Stored properties that are not content."""

REV_LENGTH = 24
"""Hex digits of a content revision."""

ACCOUNT_TABLES = ("accounts", "units", "contacts", "relationships", "links", "team", "touchpoints")
"""The tables an account's elements come from, in the order they are reported."""


def _canonical(value: Any) -> Any:
    # 4 and 4.0 are the same strength whichever way a server hands them back.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def content_rev(props: dict[str, Any]) -> str:
    """A hash of an element's content: its properties without the bookkeeping."""
    content = {k: _canonical(v) for k, v in props.items() if k not in BOOKKEEPING and v is not None}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:REV_LENGTH]


def is_edited(props: dict[str, Any]) -> bool:
    """True when a stored element's content differs from what was pushed (``rev``),
    or it was not pushed at all (no ``rev``: written by hand, ``log`` or ``relate``).
    An element pushed before content revisions existed (its ``rev`` the revision of
    a whole data set, longer) cannot tell and counts as not edited."""
    rev = props.get("rev")
    if rev is None:
        return True
    return isinstance(rev, str) and len(rev) == REV_LENGTH and rev != content_rev(props)


@dataclass
class TableChange:
    """How one table of one account changes: the counts, and the keys to write and
    to delete (``write`` also holds elements whose content is the same but whose
    bookkeeping is not, e.g. their row order)."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    reverted: int = 0
    write: list[Hashable] = field(default_factory=list)
    delete: list[Hashable] = field(default_factory=list)

    def __iadd__(self, other: TableChange) -> TableChange:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed
        self.reverted += other.reverted
        self.write += other.write
        self.delete += other.delete
        return self


def compare(want: dict[Hashable, dict[str, Any]], have: Iterable[tuple[Hashable, dict[str, Any]]],
            *, remove: bool = True) -> TableChange:
    """Compare the elements a data set has (``want``: key -> properties to store)
    with those stored (``have``: (key, stored properties) pairs).

    Two stored elements with one key (a row added by hand) are one too many: the key
    is deleted and written again. With ``remove=False`` (staff in a merge) elements
    only the database has are kept.

    >>> c = compare({"a": {"x": 1, "seq": 0}}, [("a", {"x": 2, "rev": "0" * 24}), ("b", {"x": 1})])
    >>> (c.added, c.changed, c.removed, c.reverted, c.write, c.delete)
    (0, 1, 1, 2, ['a'], ['b'])
    """
    out = TableChange()
    stored: dict[Hashable, list[dict[str, Any]]] = {}
    for key, props in have:
        stored.setdefault(key, []).append(props)
    for key, props in want.items():
        copies = stored.get(key)
        if not copies:
            out.added += 1
            out.write.append(key)
            continue
        if len(copies) > 1:
            out.removed += len(copies) - 1
            out.delete.append(key)
        old = copies[0]
        if content_rev(old) != content_rev(props):
            out.changed += 1
            out.reverted += is_edited(old)
        if len(copies) > 1 or old != props:
            out.write.append(key)
    if remove:
        for key, copies in stored.items():
            if key not in want:
                out.removed += len(copies)
                out.reverted += sum(is_edited(p) for p in copies)
                out.delete.append(key)
    return out


@dataclass
class AccountChange:
    """What a push does to one account, table by table (:data:`ACCOUNT_TABLES`)."""

    id: str
    tables: dict[str, TableChange] = field(default_factory=lambda: {t: TableChange() for t in ACCOUNT_TABLES})

    def counts(self, what: str) -> dict[str, int]:
        return {t: getattr(c, what) for t, c in self.tables.items()}


@dataclass
class PushPlan:
    """What a push changes: per account (in push order) and for the staff table.

    ``replace_all`` plans also remove the accounts and staff the data set does not
    have. :meth:`as_dict` is the JSON of ``relgraph push --dry-run``.
    """

    accounts: list[AccountChange]
    staff: TableChange
    replace_all: bool = False

    def as_dict(self) -> dict[str, Any]:
        def staff_counts() -> dict[str, int]:
            s = self.staff
            return {"added": s.added, "changed": s.changed, "removed": s.removed, "reverted": s.reverted}

        return {
            "replace_all": self.replace_all,
            "accounts": [
                {
                    "id": a.id,
                    "added": a.counts("added"),
                    "changed": a.counts("changed"),
                    "removed": a.counts("removed"),
                    "reverted": a.counts("reverted"),
                }
                for a in self.accounts
            ],
            "staff": staff_counts(),
        }

    def total(self, what: str) -> int:
        """The number of elements added, changed, removed or reverted in all."""
        return sum(getattr(c, what) for a in self.accounts for c in a.tables.values()) + getattr(self.staff, what)
